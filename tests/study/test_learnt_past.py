"""A past step's model and a fork at it count the full budget in force at that step: a
scheduler switched to later with a larger ``max_budget`` makes no lower rung of the full
evaluations an optimizer of full evaluations learnt then (r313 M2)."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.study.branching import fork_study

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def _objective(params, budget=None):
    budget = 27.0 if budget is None else budget
    return (params["x"] - 0.7) ** 2 + (params["y"] - 0.3) ** 2 + 0.5 / budget


def _then(study, step):
    """What the study shows of step ``step``: its model's data and a fork's first proposal."""
    return study.surrogate(step=step).X.copy(), fork_study(study, step).study.ask().x


@pytest.fixture(scope="module")
def past(tmp_path_factory):
    path = tmp_path_factory.mktemp("past") / "study.jsonl"
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9}, storage=path)
    study.run(_objective, n_trials=20, progress=False)
    with pytest.warns(UserWarning, match="does not learn"):
        study.switch_optimizer("bo", n_initial=3)  # its GP learns the budget-9 trials as full evaluations
    study.run(_objective, n_trials=4, progress=False)
    live = study.surrogate().X.copy()  # the GP that proposes the next trial
    study.run(_objective, n_trials=1, progress=False)
    step = len(study.trials) - 1
    assert "gp_state" in study.trials[step].user_attrs and study.full_budget == 9
    before = _then(study, step)
    study.switch_optimizer("hyperband", min_budget=1, max_budget=27)  # now the full budget is 27
    study.run(_objective, n_trials=3, progress=False)
    assert study.full_budget == 27
    return study, path, step, live, before


def test_a_past_step_s_model_is_the_live_one_before_and_after_a_larger_scheduler(past):
    study, path, step, live, before = past
    at_nine = sum(t.budget == 9 for t in study.trials[:20])
    assert at_nine > 0 and len(live) == at_nine + 4  # the budget-9 trials too, and the GP's own
    np.testing.assert_array_equal(before[0], live)
    np.testing.assert_array_equal(study.surrogate(step=step).X, live)  # was rebuilt on the budget-27 ones only
    np.testing.assert_array_equal(Study.load(path).surrogate(step=step).X, live)


def test_a_fork_at_a_past_step_proposes_that_step_s_trial_after_a_larger_scheduler(past):
    study, _, step, _, before = past
    np.testing.assert_array_equal(before[1], study.trials[step].x)
    np.testing.assert_array_equal(_then(study, step)[1], study.trials[step].x)  # was another proposal
    carried = fork_study(study, step).study.trials
    assert {t.user_attrs.get("carried_full_budget") for t in carried} == {9.0}
