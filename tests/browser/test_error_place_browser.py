"""Where an error from a button low in an app appears, in a real JupyterLab and Chromium.

In the area at the app's top it was off screen (y=-253 in a 1024x768 window) and pushed the
clicked button down 84 to 112 px (browser audit a470). Now it shows right under the button's
group (ErrorLog.spot) and the button stays where it was clicked.
"""

from __future__ import annotations

import pytest

from .test_lab_browser import _open_real_lab

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

RACE = ".ihpo-race"


def test_the_race_forms_refusal_shows_under_evaluate_and_evaluate_stays(request: pytest.FixtureRequest):
    cells = ["%matplotlib widget",
             "from interactive_hpo import Float, Race, SearchSpace\nfrom interactive_hpo.ui import RaceApp\n"
             "app = RaceApp(Race(lambda p: p['x0'] ** 2, ['random'], n_trials=2, seed=0, you=True,\n"
             "                   space=SearchSpace([Float('x0', -2.0, 2.0)])))",
             "app"]
    page = _open_real_lab(request, "race_error", cells)
    evaluate = page.locator(f"{RACE} button.ihpo-evaluate")
    field = page.locator(f"{RACE} .ihpo-manual input").first
    field.fill("99")
    field.press("Tab")
    page.wait_for_timeout(300)  # the typed value reaches the kernel before the click
    before = evaluate.bounding_box()
    evaluate.click()
    shown = page.locator(f"{RACE} .ihpo-error", has_text="InvalidParameterError")
    shown.wait_for(state="visible", timeout=30_000)
    after, error = evaluate.bounding_box(), shown.bounding_box()
    assert "[-2.0, 2.0]" in shown.inner_text()
    assert after["y"] == pytest.approx(before["y"], abs=1), "the clicked button moved"
    # Right under Evaluate (not a screen away at the app's top), and on screen.
    assert 0 <= error["y"] - (after["y"] + after["height"]) < 60 and error["y"] + error["height"] > 0
