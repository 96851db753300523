"""The refusals of the Lab's other controls low on the page show right under them (ErrorLog.spot),
not in the area at the Lab's top (browser audit a470; the forms' and the multi-fidelity panel's are
in test_error_spots.py): the Optimizer tab's Switch, the timeline's row (step, Fork, branch), the
what-if controls, the space editor's Add and Apply, the Pareto tab's buttons, and clicks on the
model's and the population's figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import FunctionObjective  # noqa: E402
from interactive_hpo.ui import ErrorLog, Lab  # noqa: E402
from interactive_hpo.ui.optimizer_panel import OptimizerPanel  # noqa: E402
from interactive_hpo.ui.pareto_panel import ParetoPanel  # noqa: E402
from interactive_hpo.ui.space_editor import SpaceEditor  # noqa: E402
from interactive_hpo.ui.surrogate_panel import SurrogatePanel  # noqa: E402
from interactive_hpo.ui.timeline_panel import TimelinePanel  # noqa: E402
from interactive_hpo.ui.whatif_panel import WhatIfPanel  # noqa: E402

from .lab_helpers import LINE, PLANE, bowl, press  # noqa: E402
from .test_error_spots import _below  # noqa: E402
from .test_pareto_panel import SQUARE, TWO, tradeoff  # noqa: E402


def refuse(*_):
    raise ValueError("refused while a run is in progress; got this click.")


def shown_in(errors: ErrorLog, spot) -> bool:
    """Whether the last refusal shows in ``spot`` alone, and joined the one record."""
    return "refused while a run" in spot.value and errors.widget.value == "" and len(errors.errors) >= 1


def test_the_optimizer_tabs_switch_shows_its_refusal_under_it():
    errors = ErrorLog()
    panel = OptimizerPanel(errors)
    panel.on_apply(refuse)
    panel.apply.click()
    assert shown_in(errors, panel.apply_error) and _below(panel.widget, panel.apply, panel.apply_error)


def test_the_timelines_row_shows_its_refusals_under_it():
    errors = ErrorLog()
    panel = TimelinePanel(errors)
    panel.on_travel(refuse)
    panel.on_fork(refuse)
    panel.on_branch(refuse)
    panel.live.value = False   # to the step shown: a travel
    assert shown_in(errors, panel.fork_error) and _below(panel.widget, panel.live, panel.fork_error)
    panel.fork_button.click()
    assert shown_in(errors, panel.fork_error) and _below(panel.widget, panel.fork_button, panel.fork_error)
    panel.branch.options = ["main", "fork@2"]
    panel.branch.value = "fork@2"
    assert shown_in(errors, panel.fork_error) and len(errors.errors) == 3


def test_the_what_if_controls_show_their_refusals_under_them():
    errors = ErrorLog()
    panel = WhatIfPanel(errors)
    panel.on_change(refuse)
    panel.active.value = True
    assert shown_in(errors, panel.error)
    controls = panel.widget.children.index(panel.error) - 1  # the row of sliders and lists just above
    assert panel.kernel in panel.widget.children[controls].children[1].children


def test_the_space_editors_add_and_apply_show_their_refusals_under_apply():
    errors = ErrorLog()
    editor = SpaceEditor(LINE, errors=errors)
    editor.on_apply(refuse)
    editor.apply.click()
    assert shown_in(errors, editor.apply_error) and _below(editor.widget, editor.apply, editor.apply_error)
    editor.add.click()   # a click clears it
    assert editor.apply_error.value == "" and _below(editor.widget, editor.add, editor.apply_error)


def test_the_pareto_tabs_buttons_show_their_refusals_under_their_rows():
    study = Study(SQUARE, "sobol", directions=TWO, seed=0)
    study.run(tradeoff, n_trials=4, progress=False)
    errors = ErrorLog()
    panel = ParetoPanel(study.goals, errors).update(study.trials)
    panel.on_travel(refuse)
    panel.select(2)
    panel.travel_button.click()
    assert shown_in(errors, panel.travel_error) and _below(panel.widget, panel.travel_button, panel.travel_error)
    panel.reference_fields[0].value = float("nan")
    panel.set_button.click()   # a new click: the refusal before it goes
    assert panel.travel_error.value == "" and "finite" in panel.reference_error.value
    assert errors.widget.value == "" and _below(panel.widget, panel.set_button, panel.reference_error)


def test_a_click_on_the_model_shows_its_refusal_under_the_figure():
    errors = ErrorLog()
    panel = SurrogatePanel(LINE, errors)
    panel.on_click(refuse)
    press(panel.figure.fig, panel.curve.ax, 0.0, 0.0)   # the middle of the curve not drawn yet
    assert shown_in(errors, panel.click_error)
    assert _below(panel.widget, panel.figure.widget, panel.click_error)


def test_a_click_on_the_population_shows_its_refusal_under_the_figure(monkeypatch):
    lab = Lab(FunctionObjective(bowl, PLANE), optimizer="ga", seed=0, optimizer_settings={"population_size": 4})
    lab.run(4)
    monkeypatch.setattr(lab.controller, "evaluate", refuse)   # what a click during a run meets
    panel = lab.population_panel
    press(panel.figure.fig, panel.plot.ax, *(sum(limits) / 2 for limits in (panel.plot.ax.get_xlim(),
                                                                             panel.plot.ax.get_ylim())))
    assert shown_in(lab.errors, panel.click_error) and len(lab.study.trials) == 4
    assert _below(panel.widget, panel.figure.widget, panel.click_error)
