"""``Study.history(objective=...)`` (issue 27): one objective's History out of a study of several,
in that objective's direction, its best so far among feasible trials; one objective unchanged."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, SearchSpace, Study
from interactive_hpo.direction import Direction
from interactive_hpo.exceptions import InvalidParameterError

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
TWO = {"accuracy": "maximize", "seconds": "minimize"}


@pytest.fixture
def study():
    """Five trials: complete, complete but infeasible (the best accuracy), failed, running, complete."""
    study = Study(SPACE, "random", directions=TWO, seed=0)
    study.add_manual({"x": 0.1, "y": 0.1}, (0.80, 3.0), constraints=[-1.0])
    study.add_manual({"x": 0.2, "y": 0.1}, (0.99, 1.0), constraints=[0.5])     # breaks its constraint
    study.tell(study.ask(), state="FAILED")
    study.ask()                                                                  # still running
    study.add_manual({"x": 0.3, "y": 0.1}, (0.90, 2.0), constraints=[-1.0])
    return study


def test_each_objective_has_its_values_losses_direction_and_feasible_best(study):
    nan = np.nan
    accuracy = study.history(objective="accuracy")
    assert accuracy.direction is Direction.MAXIMIZE and len(accuracy) == 5
    np.testing.assert_array_equal(accuracy.values, [0.80, 0.99, nan, nan, 0.90])
    np.testing.assert_array_equal(accuracy.losses, [-0.80, -0.99, nan, nan, -0.90])
    # The infeasible trial keeps its value but is never the best (as best_trial / best_trials).
    np.testing.assert_array_equal(accuracy.best_values, [0.80, 0.80, 0.80, 0.80, 0.90])
    seconds = study.history(objective=1)
    assert seconds.direction is Direction.MINIMIZE
    np.testing.assert_array_equal(seconds.values, [3.0, 1.0, nan, nan, 2.0])
    np.testing.assert_array_equal(seconds.best_values, [3.0, 3.0, 3.0, 3.0, 2.0])
    assert list(seconds.states) == ["COMPLETE", "COMPLETE", "FAILED", "RUNNING", "COMPLETE"]
    assert list(seconds.sources) == ["manual", "manual", "random", "random", "manual"]
    assert seconds.X.shape == (5, 2) and np.array_equal(seconds.X, accuracy.X)
    assert study.history(objective=np.int64(0)).values[4] == 0.90   # a numpy int is an index too
    assert study.best_trials[-1].values == (0.90, 2.0)   # the best of each history is on the Pareto set


def test_one_objective_is_unchanged_whichever_way_it_is_named():
    study = Study(SPACE, "random", direction="maximize", seed=0)
    study.run(lambda p: Evaluation(p["x"], constraints=[-1.0]), n_trials=4, progress=False)
    study.add_manual({"x": 1.0, "y": 0.0}, 2.0, constraints=[1.0])   # the highest value, infeasible
    default = study.history()
    for same in (study.history(objective=0), study.history(objective="objective")):
        for field in ("values", "losses", "best_values"):
            np.testing.assert_array_equal(getattr(same, field), getattr(default, field))
    assert default.values[-1] == 2.0 and default.direction is Direction.MAXIMIZE
    assert default.best_values[-1] == study.best_value < 2.0                     # agrees with best_trial
    np.testing.assert_array_equal(default.best_values[:4], np.fmax.accumulate(default.values[:4]))


def test_objectives_of_a_run_study_match_their_trials():
    study = Study(SPACE, "sobol", directions=["minimize", "minimize"], seed=1)
    study.run(lambda p: Evaluation((p["x"], 1 - p["x"] + p["y"]), constraints=[p["y"] - 0.5]), n_trials=8,
              progress=False)
    for j in range(2):
        history = study.history(objective=j)
        feasible = np.array([t.feasible for t in study.trials])
        expected = [t.values[j] for t in study.trials]
        np.testing.assert_allclose(history.values, expected)
        running = np.fmin.accumulate(np.where(feasible, expected, np.inf))
        np.testing.assert_allclose(history.best_values, np.where(np.isinf(running), np.nan, running))


@pytest.mark.parametrize(("objective", "message"), [
    (None, "`objective` of Study.history must be an objective's name in ['accuracy', 'seconds'] or its index in "
           "[0, 2) for a study of 2 objectives; got None. Say which objective, e.g. "
           "history(objective='accuracy')."),
    ("speed", "`objective` of Study.history must be an objective's name in ['accuracy', 'seconds'] or its index "
              "in [0, 2); got 'speed'."),
    (2, "or its index in [0, 2); got 2."),
    (-1, "or its index in [0, 2); got -1."),
    (True, "or its index in [0, 2); got True."),
    (0.0, "or its index in [0, 2); got 0.0."),
])
def test_input_errors(study, objective, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        study.history(objective=objective)


def test_one_objective_refuses_other_objectives():
    study = Study(SPACE, "random", seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape("name in ['objective'] or its index in [0, 1); got 1.")):
        study.history(objective=1)
