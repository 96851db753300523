"""A scheduler's budgets must be budgets the objective takes: a study refuses, before the first
trial, a ``min_budget`` or ``max_budget`` beyond the objective's declared ``budget_range``.

Before: ``max_budget=27`` for ``MultiFidelity(Branin())`` under ASHA ran 22 jobs at budget 1
(the full evaluation, at full cost) and failed 8 above it; none counted as full (the study's
full budget was 27, so ``best_trial`` had none), and with the failures after the completes the
"first 5 trials all failed" warning never came. ``tasks.svm_digits()`` under Hyperband: 27 jobs on
all the data, then 13 failed.
"""

from __future__ import annotations

import re

import pytest

from interactive_hpo import Float, InvalidParameterError, Race, SearchSpace, Study, TrialState
from interactive_hpo.execution.simulation import simulate_workers
from interactive_hpo.objectives import Branin, FunctionObjective, MultiFidelity

TASK = MultiFidelity(Branin())
TOO_HIGH = {"min_budget": 1, "max_budget": 27}
REFUSED = ("`max_budget` of 'asha' in {owner} must be a budget the objective takes, in (0, 1]; got 27.0. "
           f"{TASK!r} runs at budgets in (0, 1] (its budget_range; 1 is its full evaluation): every job above 1 "
           "would fail, and none would count as a full evaluation (the study counts those at max_budget). Set "
           "max_budget=1 and min_budget=0.03703703704, the same rungs in its units.")


def asha(settings=TOO_HIGH):
    return Study(TASK.space, "asha", seed=0, optimizer_settings=settings)


@pytest.mark.parametrize(("owner", "start"), [
    ("Study.run", lambda study: study.run(TASK, 3, progress=False)),
    ("Study.run", lambda study: study.run(TASK, 3, n_workers=2, progress=False)),  # before any worker starts
    ("Study.step", lambda study: study.step(TASK)),
    ("simulate_workers", lambda study: simulate_workers(study, TASK, n_workers=2, n_jobs=3, seed=0)),
], ids=["run", "parallel run", "step", "simulate_workers"])
def test_a_scheduler_beyond_the_objective_s_budgets_is_refused_before_the_first_trial(owner, start):
    study = asha()
    with pytest.raises(InvalidParameterError, match=re.escape(REFUSED.format(owner=owner))):
        start(study)
    assert study.trials == []


def test_a_race_refuses_the_lane_when_it_is_made():
    with pytest.raises(InvalidParameterError, match=re.escape(REFUSED.format(owner="Race (lane 'asha')"))):
        Race(TASK, {"random": ("random", {}), "asha": ("asha", TOO_HIGH)}, n_trials=3, seed=0)


def test_ask_and_evaluate_refuses_the_first_job_and_records_why():
    study = asha()
    with pytest.raises(InvalidParameterError, match=re.escape(REFUSED.format(owner="Study.evaluate"))):
        study.evaluate(study.ask(), TASK)  # its budget, 1, is one the objective takes: the scheduler's are not
    (trial,) = study.trials
    assert trial.state is TrialState.FAILED
    assert trial.error == "the objective cannot run at the budgets of 'asha' (min_budget=1, max_budget=27)"


def test_a_switch_to_such_a_scheduler_is_refused_at_the_next_run():
    study = Study(TASK.space, "random", seed=0)
    study.run(TASK, 2, progress=False)
    study.switch_optimizer("asha", **TOO_HIGH)
    with pytest.raises(InvalidParameterError, match=re.escape(REFUSED.format(owner="Study.run"))):
        study.run(TASK, 2, progress=False)
    assert len(study.trials) == 2


def test_the_budgets_the_error_suggests_run_and_reach_the_full_evaluation():
    study = asha({"min_budget": 1 / 27, "max_budget": 1})
    study.run(TASK, 30, progress=False)
    assert all(t.state is TrialState.COMPLETE for t in study.trials)
    assert study.best_trial.budget == 1.0


def test_a_scikit_learn_task_names_its_fractions():
    """The audit's case: hyperband with max_budget=27 for a task whose budget is a data fraction."""
    from interactive_hpo.objectives import tasks

    svm = tasks.svm_digits(seed=0, cv=3)
    assert svm.budget_range == (0.0, 1.0)
    study = Study(svm.space, "hyperband", direction="maximize", seed=0, optimizer_settings=TOO_HIGH)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`max_budget` of 'hyperband' in Study.run must be a budget the objective takes, in (0, 1]; got 27.0. "
            f"{svm!r} runs at budgets in (0, 1]")):
        study.run(svm, 40, progress=False)
    assert study.trials == []


def test_an_objective_without_a_declared_range_takes_budgets_in_its_own_units():
    def epochs(params, budget=None):  # budgets 1 to 27 epochs
        return (params["x"] - 0.5) ** 2 + 1 / (27 if budget is None else budget)

    space = SearchSpace([Float("x", 0.0, 1.0)])
    for objective in (epochs, FunctionObjective(epochs, space)):
        study = Study(space, "asha", seed=0, optimizer_settings=TOO_HIGH)
        study.run(objective, 12, progress=False)
        assert all(t.state is TrialState.COMPLETE for t in study.trials)


class Epochs:
    """An objective of one's own that declares its budgets: 1 to 81 epochs (low is exclusive)."""

    space = SearchSpace([Float("x", 0.0, 1.0)])
    direction = "minimize"
    budget_range = (0.5, 81.0)

    def __call__(self, params, *, budget=None):
        return (params["x"] - 0.5) ** 2 + 1 / (81 if budget is None else budget)


def test_an_objective_of_one_s_own_declares_its_range_and_min_budget_is_checked_too():
    objective = Epochs()
    study = Study(objective.space, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 81})
    assert study.run(objective, 5, progress=False)[-1].state is TrialState.COMPLETE
    low = Study(objective.space, "hyperband", seed=0, optimizer_settings={"min_budget": 0.25, "max_budget": 81})
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`min_budget` of 'hyperband' in Study.run must be a budget the objective takes, in (0.5, 81]; got 0.25. ")):
        low.run(objective, 5, progress=False)
    assert low.trials == []
