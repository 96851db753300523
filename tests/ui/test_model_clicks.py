"""A click on the model's figure evaluates a trial: only a plain left click does."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, NOT_CLICKS, press, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_zooming_right_clicks_and_double_clicks_evaluate_nothing_and_hide_no_error():
    lab = Lab(quad, space=LINE, seed=0, optimizer_settings=FAST)
    lab.run(4)
    figure, ax = lab.surrogate_panel.figure.fig, lab.surrogate_panel.curve.ax
    middle = sum(ax.get_ylim()) / 2
    lab.errors.show(ValueError("an error nobody has read yet"))
    for how in NOT_CLICKS:  # a zoom tool's press starts a rectangle to zoom into, not a trial
        press(figure, ax, -1.0, middle, how=how)
        assert len(lab.study.trials) == 4 and "nobody has read" in lab.errors.widget.value, how
    press(figure, ax, -1.0, middle)
    assert len(lab.study.trials) == 5 and lab.study.trials[-1].source == "manual"
    assert lab.study.trials[-1].params["x"] == pytest.approx(-1.0, abs=0.01) and lab.errors.widget.value == ""



def needs_budget(params, *, budget):
    return (params["x"] - 1.0) ** 2 + 0.1 / budget


def test_clicks_are_not_offered_when_the_objective_requires_a_budget_and_a_note_says_why():
    # A journal of BO trials, then Hyperband: the Lab travels to a step the GP proposed and shows
    # its model. Each click was taken, then refused in the error log in the study's words ("`objective`
    # of Lab.evaluate must be an objective that runs without `budget`").
    study = Study(LINE, "bo", seed=0, optimizer_settings=FAST)
    study.run(quad, n_trials=5, progress=False)
    study.switch_optimizer("hyperband")
    lab = Lab(study, needs_budget)
    lab.travel(4)
    assert lab.surrogate_panel.figure.widget.layout.display != "none"
    figure, ax = lab.surrogate_panel.figure.fig, lab.surrogate_panel.curve.ax
    press(figure, ax, -1.0, sum(ax.get_ylim()) / 2)
    assert len(lab.study.trials) == 5 and not lab.errors.errors and lab.errors.widget.value == ""
    assert lab.click_note.layout.display != "none" and lab.click_note in lab.tabs.children[0].children
    assert "Clicks on the model and the population evaluate nothing here" in lab.click_note.value
    assert "<code>budget</code>" in lab.click_note.value and lab.manual_panel.evaluate.disabled


def test_clicks_are_offered_without_a_note_when_the_objective_runs_without_a_budget():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    assert lab.click_note.layout.display == "none" and not lab.manual_panel.evaluate.disabled
