"""A click on the population plot evaluates a trial, as a click on the model does: with GA, DE,
CMA-ES, random, Sobol or grid (no model) the model's figure is hidden, and the population, over
the true landscape, is where a person points."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.click_positions import axis_span, checked_positions  # noqa: E402

from .lab_helpers import NOT_CLICKS, lab_after, press  # noqa: E402

BRANIN = Branin()
MIXED = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Int("layers", 1, 4), Categorical("act", ["relu", "tanh"])])


def mixed_loss(params):
    return (math.log10(params["lr"]) + 2.5) ** 2 + 0.3 * (params["layers"] - 3) ** 2 + (params["act"] == "tanh")


def test_a_click_on_the_population_evaluates_that_point_and_nothing_else_does():
    lab = lab_after(BRANIN, BRANIN.space, 8, optimizer="ga", seed=0, optimizer_settings={"population_size": 4})
    panel = lab.population_panel
    assert lab.surrogate_panel.figure.widget.layout.display == "none"   # no model: nothing else to click
    figure, ax = panel.figure.fig, panel.plot.ax
    for how in NOT_CLICKS:
        press(figure, ax, 3.0, 2.0, how=how)
    press(figure, panel.lineage_ax, 0.0, 1.0)                          # generations, not parameters
    press(figure, ax, 30.0, 2.0)                                       # beside the plot (its legend)
    assert len(lab.study.trials) == 8
    press(figure, ax, 3.0, 2.0)
    trial = lab.study.trials[-1]
    assert len(lab.study.trials) == 9 and trial.source == "manual" and not lab.errors.errors
    assert trial.params == pytest.approx({"x0": 3.0, "x1": 2.0}, abs=1e-6)


def test_a_click_snaps_integers_and_takes_the_other_parameters_from_the_sliders():
    lab = lab_after(mixed_loss, MIXED, 8, optimizer="cmaes", seed=0, optimizer_settings={"population_size": 4})
    lab.surrogate_panel.y_choice.value = "layers"                      # the pair (lr, layers); act at its slider
    best_act = lab.study.best_trial.params["act"]
    assert lab.surrogate_panel.anchors["act"].value == best_act       # the sliders follow the best trial
    press(lab.population_panel.figure.fig, lab.population_panel.plot.ax, 3e-3, 2.4)
    params = lab.study.trials[-1].params
    assert params["layers"] == 2 and params["act"] == best_act and params["lr"] == pytest.approx(3e-3, rel=1e-6)
    same = lab.surrogate_panel.params_at({"lr": 3e-3, "layers": 2.4})   # one code for both panels' clicks
    assert (same["act"], same["layers"]) == (best_act, 2) and same["lr"] == pytest.approx(3e-3, rel=1e-6)


def test_one_parameter_clicks_choose_it_alone():
    from interactive_hpo.objectives import Forrester

    forrester = Forrester()
    lab = lab_after(forrester, forrester.space, 6, optimizer="de", seed=0, optimizer_settings={"population_size": 4})
    lab.population_panel.click({"x0": 0.75})                           # the y axis is the loss: no parameter
    assert lab.study.trials[-1].params == pytest.approx({"x0": 0.75})
    assert lab.study.trials[-1].source == "manual"


@pytest.fixture(scope="module")
def ga_lab():
    return lab_after(BRANIN, BRANIN.space, 2, optimizer="ga", seed=0, optimizer_settings={"population_size": 4})


@pytest.mark.parametrize(("positions", "message"), [
    ({"x0": 1.0}, "`positions` of PopulationPanel.click must be a dict from each parameter drawn, ['x0', 'x1'], "
                  "to a position on its axis; got {'x0': 1.0}."),
    ([1.0, 2.0], "`positions` of PopulationPanel.click must be a dict"),
    ({"x0": 1.0, "x1": "2"}, "`positions['x1']` of PopulationPanel.click must be"),
    # Beyond the range: it was clamped and recorded as a manual trial at x0=10.0.
    ({"x0": 20.0, "x1": 2.0}, "`positions['x0']` of PopulationPanel.click must be a position on x0's axis in "
                              "[-5, 10] (x0's range); got 20.0."),
])
def test_click_input_errors(ga_lab, positions, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        ga_lab.population_panel.click(positions)
    assert len(ga_lab.study.trials) == 2


def test_no_population_no_click():
    lab = Lab(BRANIN, optimizer="random", seed=0)
    assert lab.population_panel.widget.layout.display == "none"
    with pytest.raises(InvalidParameterError, match="none is drawn yet"):
        lab.population_panel.click({"x0": 1.0, "x1": 2.0})


def test_params_at_refuses_a_position_beyond_the_range_as_evaluate_does(ga_lab):
    # It gave x0=10.0, the nearest bound, for a position of 20 from code.
    with pytest.raises(InvalidParameterError, match=re.escape("`positions['x1']` of SurrogatePanel.params_at must "
                                                              "be a position on x1's axis in [0, 15] (x1's range); "
                                                              "got -0.5.")):
        ga_lab.surrogate_panel.params_at({"x0": 1.0, "x1": -0.5})


@pytest.mark.parametrize(("positions", "message"), [
    ({"layers": 4.6}, "`positions['layers']` of click must be a position on layers's axis in [0.5, 4.5] (layers's "
                      "values 1 to 4, half a step either side); got 4.6."),
    ({"act": 1.7}, "`positions['act']` of click must be a position on act's axis in [-0.5, 1.5] (the indices 0 to 1 "
                   "of act's choices, half a step either side); got 1.7."),
    ({"lr": 0.2}, "`positions['lr']` of click must be a position on lr's axis in [0.0001, 0.1] (lr's range); got 0.2."),
])
def test_positions_beyond_an_int_or_a_categorical_are_refused(positions, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        checked_positions(MIXED, positions, "click")


def test_positions_within_a_bin_are_taken_and_a_press_in_the_margin_keeps_to_the_range():
    assert checked_positions(MIXED, {"layers": 4.4, "act": -0.4, "lr": 0.1}, "click") == \
        {"layers": 4.4, "act": -0.4, "lr": 0.1}
    assert checked_positions(MIXED, {"layers": 4.6, "lr": 0.2}, "press", clamp=True) == {"layers": 4.5, "lr": 0.1}


def test_params_at_names_a_parameter_the_space_lacks(ga_lab):
    with pytest.raises(InvalidParameterError, match=re.escape("`positions` of SurrogatePanel.params_at must be a dict "
                                                              "from parameters among ['x0', 'x1']")):
        ga_lab.surrogate_panel.params_at({"z": 1.0})


def test_a_click_on_a_member_over_a_log_integer_evaluates_that_member():
    space = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Int("units", 1, 1000, log=True)])
    lab = lab_after(lambda p: (math.log10(p["lr"]) + 2.5) ** 2 + (math.log10(p["units"]) - 1.5) ** 2, space, 8,
                    optimizer="cmaes", seed=0, optimizer_settings={"population_size": 4})
    panel = lab.population_panel
    assert tuple(lab.surrogate_panel.pair) == ("lr", "units")  # the population is drawn over the same pair
    assert (panel.plot.ax.get_xlim(), panel.plot.ax.get_ylim()) == (axis_span(space, "lr"), axis_span(space, "units"))
    members = [space.from_unit(space.snap(x)) for x in lab.study.optimizer.population().X]
    for member, at in zip(members, panel.plot.members.get_offsets(), strict=True):
        press(panel.figure.fig, panel.plot.ax, *at)
        # Drawn at 18.4 (by log v between the levels 1 and 1000), 22 units evaluated 18.
        assert lab.study.trials[-1].params["units"] == member["units"] and not lab.errors.errors


def test_the_panel_leaves_off_the_members_a_parameter_drawn_does_not_apply_to():
    """kernel "linear" has no gamma: its members were drawn at the gamma their x held (a190 L2)."""
    import numpy as np

    from interactive_hpo import Study
    from interactive_hpo.ui.population_panel import PopulationPanel

    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 1e-2, 1e2, log=True),
                         Float("gamma", 1e-3, 10.0, log=True, condition=("kernel", "rbf"))])
    study = Study(space, "ga", seed=0, optimizer_settings={"population_size": 8})
    study.run(lambda p: 0.3 * (p["kernel"] == "linear") + 0.1 * abs(np.log10(p.get("gamma", 1.0)) + 1),
              n_trials=20, progress=False)
    snap = study.optimizer.population()
    linear = space.conditions.active_mask(snap.X)[:, 2] == 0
    assert 0 < linear.sum() < len(linear)   # both kinds in the generation drawn
    panel = PopulationPanel(space)
    panel.update(snap, ("C", "gamma"))
    assert (~np.isfinite(panel.plot.members.get_offsets()).all(axis=1)).tolist() == linear.tolist()
    assert panel.plot.note.get_text().replace("\n", "").startswith(
        f"{linear.sum()} of {len(linear)} members are not drawn: gamma is inactive for them")
    panel.update(snap, ("kernel", "C"))   # both apply to every member
    assert np.isfinite(panel.plot.members.get_offsets()).all() and panel.plot.note.get_text() == ""
