"""A job a pruner stopped ranks in its rung by its last report.

Beside a scheduler, a pruner often prunes a job at its last report (a rung-0 job at budget 1
reports once): its work was done, and its rung scored it inf (27 of 40 Hyperband jobs pruned, 10 at
their last report, beside the median rule; audit a335). Optuna's samplers likewise rank a pruned
trial by its last intermediate value.
"""

from __future__ import annotations

import math

import pytest

from interactive_hpo import Float, MedianStoppingRule, SearchSpace, Study
from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.optimizers import RandomSearch
from interactive_hpo.trial import TrialState

SPACE = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])
SETTINGS = {"min_budget": 1, "max_budget": 9}


def train(params, *, budget, report):
    value = math.nan
    for epoch in range(int(budget)):
        value = (params["x"] - 0.3) ** 2 + (params["y"] - 0.6) ** 2 + 0.5 / (epoch + 1)
        report(value, epoch)
    return value


def promoted(study, rung):
    return sorted(row["config"] for row in study.optimizer.rung_table()
                  if row["rung"] == rung and row["scheduler"] == "promote")


@pytest.mark.parametrize("name", ["halving", "asha"])
def test_a_job_pruned_at_its_only_report_is_ranked_by_it(name):
    pruned = Study(SPACE, name, seed=0, pruner=MedianStoppingRule(n_startup_trials=3), optimizer_settings=SETTINGS)
    pruned.run(train, n_trials=12, progress=False)
    at_one = [t for t in pruned.trials if t.state is TrialState.PRUNED and t.budget == 1]
    assert at_one  # the median rule pruned rung-0 jobs at their one report
    losses = {r["number"]: r["loss"] for r in pruned.optimizer.rung_table()}
    assert all(losses[t.number] == t.value for t in at_one)  # before: inf
    plain = Study(SPACE, name, seed=0, optimizer_settings=SETTINGS)
    plain.run(train, n_trials=12, progress=False)
    assert promoted(pruned, 0) == promoted(plain, 0)  # the pruner no longer changes who is promoted


@pytest.mark.parametrize("name", ["halving", "asha"])
def test_a_job_a_person_stopped_is_never_ranked_by_its_reports(name):
    """study.stop(trial) says "this one, no further": ranked by its last report, the clearly best
    configuration a person stopped was promoted and ran at the next budget (r348)."""
    study = Study(SearchSpace([Float("x", 0, 1)]), name, seed=0, optimizer_settings=SETTINGS)

    def best_first(params, *, budget, report):
        first = len(study.trials) == 1
        for epoch in range(3):
            value = (params["x"] - 0.3) ** 2 + 1 / budget - (1.0 if first else 0.0)
            report(value, epoch)
            if first and epoch == 0:
                study.stop(0)
        return value

    study.run(best_first, n_trials=12, progress=False)
    assert study.trials[0].user_attrs["pruned_by"] == "human"
    row = next(r for r in study.optimizer.rung_table() if r["number"] == 0)
    assert row["loss"] == math.inf and row["config"] not in promoted(study, 0)
    assert all(t.user_attrs["config"] != row["config"] for t in study.trials[1:])  # never ran again


def test_only_a_scheduler_is_told_a_pruned_trial_s_loss():
    study = Study(SPACE, "random", seed=0)
    study.run(lambda params: params["x"], n_trials=1, progress=False)
    trial = study.trials[0]
    with pytest.raises(InvalidParameterError, match="`loss` of RandomSearch.tell must be None for a PRUNED trial"):
        RandomSearch(SPACE, seed=0).tell(trial.finished(TrialState.PRUNED, 0.5, {}, None), 0.5)
