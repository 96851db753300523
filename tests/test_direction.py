"""One Direction: every place that ranks values agrees with it, for both directions."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, Race, SearchSpace, Study
from interactive_hpo.direction import Direction
from interactive_hpo.study.curves import budget_trace
from interactive_hpo.ui.manual_panel import scoreboard

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


@pytest.mark.parametrize(("direction", "sign", "word"), [("minimize", 1.0, "lower"), ("maximize", -1.0, "higher")])
def test_the_sign_and_its_inverse(direction, sign, word):
    goal = Direction.parse(direction)
    assert goal == direction and json.dumps(goal) == f'"{direction}"' and f"{goal}" == direction
    assert goal.sign == sign and goal.word == word
    assert goal.to_loss(2.5) == sign * 2.5 and goal.to_value(goal.to_loss(2.5)) == 2.5
    np.testing.assert_array_equal(goal.to_value(goal.to_loss(np.array([1.0, -3.0]))), [1.0, -3.0])
    assert goal.better(1.0, 2.0) is (direction == "minimize") and not goal.better(1.0, 1.0)
    assert not goal.better(math.nan, 1.0) and not goal.better(1.0, math.nan)


def test_best_skips_nan_and_takes_the_first_of_ties():
    values = [3.0, math.nan, 1.0, 5.0, 1.0, 5.0]
    assert Direction.MINIMIZE.best_index(values) == 2 and Direction.MAXIMIZE.best_index(values) == 3
    assert Direction.MINIMIZE.best_index([math.nan]) is None and Direction.MAXIMIZE.best_index([]) is None
    np.testing.assert_array_equal(Direction.MAXIMIZE.running_best(np.array([math.nan, 1.0, 0.5, 2.0])),
                                  [math.nan, 1.0, 1.0, 2.0])
    rows = np.array([[1.0, math.nan, 3.0], [math.nan, math.nan, math.nan]])
    np.testing.assert_array_equal(Direction.MINIMIZE.best_per_row(rows), [1.0, math.nan])
    np.testing.assert_array_equal(Direction.MAXIMIZE.best_per_row(rows), [3.0, math.nan])


def test_a_bad_direction_names_the_rule():
    with pytest.raises(InvalidParameterError, match=r"`direction` of Study must be one of \['minimize', 'maximize'\]; "
                                                    r"got 'up'\."):
        Study(SPACE, direction="up")


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_best_trial_history_scoreboard_race_and_budget_trace_agree(direction):
    """Every reader of a study ranks its values with the study's Direction."""
    values = [0.2, 0.9, 0.5, 0.1]
    study = Study(SPACE, direction=direction, seed=0)
    for i, value in enumerate(values):
        study.add_manual({"x": i / 10}, value) if i % 2 else study.tell(study.ask(), value)
    expected = 3 if direction == "minimize" else 1
    assert isinstance(study.direction, Direction) and study.best_trial.number == expected
    assert study.history().best_values[-1] == values[expected]
    np.testing.assert_array_equal(study.history().losses, study.direction.to_loss(np.array(values)))
    board = scoreboard(study.trials, study.direction)
    assert {board["manual"].number, board["optimizer"].number} >= {expected}
    assert budget_trace(study).best_full[-1] == values[expected]
    race = Race(lambda p: p["x"] if direction == "minimize" else -p["x"], ["random", "sobol"], n_trials=3,
                space=SPACE, direction=direction, seed=0)
    race.step()
    best = [s.best_value for s in race.ranking()]
    assert best == sorted(best, key=race.studies["random"].direction.to_loss)
