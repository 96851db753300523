"""The what-if panel while time travel shows a past step, and its caption in words of what is drawn.

What-ifs are about the present: at a past step the controls did nothing, silently (audit a404),
"what if at step 4 I'd used UCB?" being the natural click after Time travel.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.plots import axis_positions  # noqa: E402
from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.whatif_panel import WhatIfPanel  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

GRID = LINE.slice1d("x", resolution=200)
SETTINGS = {"acquisition": "logei", "beta": 2.0, "xi": 0.0, "kernel": "matern"}
CHOICES = {"acquisition": ("logei", "ucb", "pi"), "kernel": ("matern", "rbf")}


@pytest.fixture
def lab():
    return lab_after(quad, LINE, 5, seed=1, optimizer_settings=FAST)


def controls(panel):
    return [panel.active, panel.reset_button, panel.acquisition, panel.beta, panel.xi, panel.kernel,
            panel.lengthscale]


def marker(lab):
    return lab.surrogate_panel.curve.markers[0].get_xdata()[0]


def position(x):
    """Where the 1-D curve draws the unit-cube point ``x`` (shape (1,))."""
    return axis_positions(GRID.axis, np.asarray(x)[:1])[0]


def test_at_a_past_step_the_controls_are_disabled_and_say_why_and_live_gives_them_back(lab):
    panel = lab.what_if
    assert panel.past.value == "" and not panel.active.disabled
    lab.timeline.step.value = 3  # the slider, as a person moves it: leaves live
    assert lab.controller.viewing == 3
    assert all(control.disabled for control in controls(panel))
    assert "What-ifs apply to the present" in panel.past.value and "<b>live</b>" in panel.past.value
    assert "Fork here</b> to go on from step 3" in panel.past.value  # "what if at step 3 I'd used UCB?"
    lab.travel(4)
    assert "from step 4" in panel.past.value
    lab.timeline.live.value = True  # back to live: usable again, log-EI's beta greyed out as before
    assert lab.controller.viewing is None and panel.past.value == ""
    # Unticked, the box alone (a what-if left in the controls looked applied, a418); ticked, log-EI's beta greyed out.
    assert [control.disabled for control in controls(panel)] == [False, True, True, True, True, True, True]
    panel.active.value = True
    assert [control.disabled for control in controls(panel)] == [False, False, False, True, False, False, False]
    panel.active.value = False
    assert not lab.errors.errors


def test_a_what_if_ticked_when_travelling_is_set_aside_and_drawn_again_at_live(lab):
    panel, optimizer = lab.what_if, lab.study.optimizer
    panel.active.value = True
    panel.acquisition.value = "ucb"
    panel.beta.value = 9.0
    live = marker(lab)
    assert live == pytest.approx(position(optimizer.propose(acquisition="ucb", beta=9.0).x))
    lab.travel(4)
    # The past step's own proposal, under its own settings; the what-if kept, and said to be.
    assert marker(lab) == pytest.approx(position(lab.controller.past(4).proposal))
    assert panel.active.value and panel.caption.layout.visibility == "hidden"  # its place kept
    assert "your what-if (acquisition=ucb, beta=9) is set aside while step 4 is shown" in panel.past.tooltip
    lab.travel(None)
    assert marker(lab) == pytest.approx(live) and panel.past.value == ""
    assert "What if acquisition=ucb, beta=9:" in panel.caption.value
    assert lab.study.optimizer is optimizer and optimizer.acquisition == "logei" and not lab.errors.errors


def test_a_step_at_a_past_step_returns_to_live_and_commits_the_what_if_set_aside(lab):
    # As the line at the past step says: Step commits it, as at live.
    panel = lab.what_if
    panel.active.value = True
    panel.acquisition.value = "ucb"
    lab.travel(3)
    assert "Step commits it" in panel.past.tooltip
    trial = lab.step()
    assert lab.controller.viewing is None and trial.user_attrs["acquisition"] == "ucb"
    assert not panel.active.value and not panel.active.disabled and panel.past.value == ""
    assert not lab.errors.errors


def test_an_error_while_travelling_shows_in_the_lab_s_log(lab, monkeypatch):
    # Widget callbacks' errors are shown nowhere in JupyterLab unless captured (DESIGN.md section 4).
    monkeypatch.setattr(lab.what_if, "_past_line", lambda step: 1 / 0)
    lab.timeline.step.value = 3
    assert isinstance(lab.errors.errors[-1], ZeroDivisionError)


def test_the_caption_names_what_the_model_tab_draws(lab):
    # A 1-D curve has no star: its proposal is the dotted red "next proposal" line.
    lab.what_if.active.value = True
    lab.what_if.acquisition.value = "ucb"
    caption = lab.what_if.caption.value
    assert "the next proposal (the dotted red line) moved" in caption and "star" not in caption
    assert lab.surrogate_panel.curve.markers[0].get_label() == "next proposal"
    panel = WhatIfPanel(ErrorLog())  # two parameters or more: maps, and the star
    panel.show(SETTINGS, CHOICES)
    panel.active.value = True
    panel.describe([0.0, 0.0], [0.3, 0.4])
    assert "the star moved 0.500" in panel.caption.value


def test_the_past_step_shown_must_be_a_step():
    panel = WhatIfPanel(ErrorLog())
    with pytest.raises(InvalidParameterError, match="`viewing` of WhatIfPanel.show must be"):
        panel.show(SETTINGS, CHOICES, viewing=-1)
    assert not panel.active.disabled
