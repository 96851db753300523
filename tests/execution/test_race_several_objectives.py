"""A race on several objectives (issue 27): every lane's hypervolume over trials from one
reference point, your lane with several values, the ranking by hypervolume, and optimizers that
serve one objective refused when the race is built; the race app draws it."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, InvalidParameterError, Race, SearchSpace
from interactive_hpo.execution.race import YOU
from interactive_hpo.objectives import ZDT1
from interactive_hpo.pareto import hypervolume_history

from ..interrupting import Interrupting

ZDT = ZDT1(dim=2)
SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def trade_off(params):
    """A front along x: accuracy rises with it, and so do the seconds."""
    return {"accuracy": params["x"], "seconds": 1.0 + params["x"] ** 2}


def test_lanes_are_measured_by_hypervolume_from_the_objectives_reference():
    race = Race(ZDT, ["random", "sobol"], n_trials=6, seed=0)
    assert race.goals.multi and race.goals.names == ("f0", "f1") and race.reference.tolist() == [11.0, 11.0]
    race.run()
    curves = race.curves()
    for name, curve in curves.items():
        study = race.studies[name]
        assert len(curve) == 6 and np.all(np.diff(curve) >= 0)
        assert all(len(t.values) == 2 for t in study.trials)
        losses = np.array([t.values for t in study.trials])   # both minimized: values are losses
        np.testing.assert_allclose(curve, hypervolume_history(losses, [11.0, 11.0]))
    standings = race.ranking()
    assert [s.rank for s in standings] == [1, 2]
    assert standings[0].hypervolume >= standings[1].hypervolume > 0
    assert all(math.isnan(s.best_value) and s.score == s.hypervolume for s in standings)
    winner = curves[standings[0].lane]
    assert standings[0].reached_at == int(np.argmax(winner == winner[-1])) + 1


def test_an_interrupted_trial_adds_no_volume_and_uses_no_budget():
    race = Race(Interrupting(trade_off, at=3), ["random"], n_trials=3, space=SPACE, directions={"accuracy": "maximize",
                                                                                      "seconds": "minimize"},
                reference=[0.0, 3.0], seed=0)
    with pytest.raises(KeyboardInterrupt):
        race.run()
    race.run()
    trials = race.studies["random"].trials
    assert [t.state.value for t in trials] == ["COMPLETE", "COMPLETE", "FAILED", "COMPLETE"]
    losses = np.array([[-t.values[0], t.values[1]] for t in trials if t.state.value == "COMPLETE"])
    np.testing.assert_allclose(race.curves()["random"], hypervolume_history(losses, [0.0, 3.0]))
    assert race.ranking()[0].n_trials == 3 and race.finished


def test_a_given_reference_and_a_maximized_objective_with_a_constraint():
    def constrained(params):
        return Evaluation(trade_off(params), constraints=[params["x"] - 0.7])   # x above 0.7 breaks it

    race = Race(constrained, ["random"], n_trials=8, space=SPACE, directions={"accuracy": "maximize",
                                                                               "seconds": "minimize"},
                reference=[0.0, 3.0], seed=3)
    race.run()
    study = race.studies["random"]
    feasible = np.array([t.feasible for t in study.trials])
    assert not feasible.all() and feasible.any()
    losses = np.array([[-t.values[0], t.values[1]] if t.feasible else [np.nan] * 2 for t in study.trials])
    np.testing.assert_allclose(race.curves()["random"], hypervolume_history(losses, [0.0, 3.0]))


def test_a_trial_of_unknown_feasibility_adds_no_volume():
    def measured_above(params):  # the constraint is measured from x = 0.3 on only
        return Evaluation(trade_off(params), constraints=None if params["x"] < 0.3 else [params["x"] - 0.7])

    race = Race(measured_above, ["random"], n_trials=8, space=SPACE, directions={"accuracy": "maximize",
                                                                                  "seconds": "minimize"},
                reference=[0.0, 3.0], seed=3)
    race.run()
    trials = race.studies["random"].trials
    unknown = np.array([t.constraints is None for t in trials])
    assert unknown.any() and not unknown.all()   # as best_trials counts them: never on the front
    losses = np.array([[-t.values[0], t.values[1]] if t.feasible and t.constraints else [np.nan] * 2 for t in trials])
    np.testing.assert_allclose(race.curves()["random"], hypervolume_history(losses, [0.0, 3.0]))


def test_your_lane_takes_configurations_with_several_values():
    race = Race(ZDT, ["random"], n_trials=2, seed=0, you=True)
    mine = race.evaluate({"x0": 0.5, "x1": 0.0})        # on ZDT1's true front: f1 = 1 - sqrt(0.5)
    assert mine.source == "manual" and mine.values == pytest.approx((0.5, 1 - math.sqrt(0.5)))
    race.run()
    curves = race.curves()
    assert len(curves[YOU]) == 1 and curves[YOU][0] == pytest.approx((11 - 0.5) * (11 - mine.values[1]))
    assert race.ranking()[0].lane == YOU                # a point on the front beats two random ones here
    race.evaluate({"x0": 0.1, "x1": 0.0})
    with pytest.raises(InvalidParameterError, match="within your budget of 2 trials"):
        race.evaluate({"x0": 0.2, "x1": 0.0})


def test_a_lane_without_trials_ranks_last_and_one_outside_the_box_reached_nothing():
    race = Race(ZDT, ["random"], n_trials=3, reference=[0.01, 0.01], seed=0, you=True)   # a box nobody reaches
    race.run()
    standings = {s.lane: s for s in race.ranking()}
    assert standings["random"].hypervolume == 0.0 and standings["random"].reached_at == 0
    assert math.isnan(standings[YOU].hypervolume) and standings[YOU].rank == 2


def test_one_objective_races_are_ranked_as_before():
    race = Race(lambda p: (p["x"] - 0.3) ** 2, ["random", "sobol"], n_trials=4, space=SPACE, seed=0)
    race.run()
    assert race.reference is None and not race.goals.multi
    assert all(math.isnan(s.hypervolume) and s.score == s.best_value for s in race.ranking())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lanes": ["random", "bo"]},
     "`lanes` of Race must be optimizers that serve several objectives, for minimize f0, minimize f1; got "
     "['random', 'bo']. Lane(s) {'bo': 'bo'} optimize one objective only; these serve several: ["),
    ({"lanes": {"mine": ("cmaes", {}), "nsga": ("nsga2", {})}}, "Lane(s) {'mine': 'cmaes'} optimize one objective"),
    ({"reference": [11.0]},
     "`reference` of Race must be 2 finite numbers in objective units, one per objective ['f0', 'f1']; got [11.0]."),
    ({"reference": [11.0, float("nan")]}, "got [11.0, nan]."),
    ({"objective": trade_off, "space": SPACE, "directions": ["maximize", "minimize"]},
     "`reference` of Race must be 2 finite numbers in objective units, one per objective ['objective 0', "
     "'objective 1'] (the worst value of each that still counts) for an objective that declares none; got None."),
    ({"objective": lambda p: p["x"], "space": SPACE, "directions": None, "reference": [1.0, 1.0]},
     "`reference` of Race must be None for a race on one objective (it measures no hypervolume); got [1.0, 1.0]."),
])
def test_input_errors(kwargs, message):
    arguments = {"objective": ZDT, "lanes": ["random"], "n_trials": 3, **kwargs}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        Race(**arguments)


def test_the_race_app_draws_hypervolumes_and_ranks_by_them():
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.ui import RaceApp

    from ..figure_layout import assert_clean_layout

    app = RaceApp(Race(ZDT, ["random", "sobol"], n_trials=3, seed=0, you=True))
    assert app.ax.get_ylabel() == "hypervolume (higher is better)"
    assert "reference point (f0 11, f1 11)" in app.ax.get_title()
    assert not app.manual.value_fields                    # your entries are evaluated, not typed
    app.manual.fields["x0"].value, app.manual.fields["x1"].value = 0.5, 0.0
    app.manual.evaluate.click()
    app.run_button.click()
    assert not app.errors.errors and ">hypervolume</th>" in app.ranking.value
    assert "the optimizers' lanes are finished; yours is still open (1/3" in app.ranking.value  # not final yet
    curves = app.race.curves()
    for name, line in app.lines.items():
        np.testing.assert_allclose(line.get_ydata(), curves[name])
    first = app.race.ranking()[0]
    assert f"{first.hypervolume:.6g}" in app.ranking.value
    assert_clean_layout(app.figure.fig, "the race's figure")
