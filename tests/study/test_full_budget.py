"""The best trial of a multi-fidelity study is a full evaluation: a scheduler's lower rungs
measure a cheaper, biased objective (a Hyperband study's "best" was a 1/27-budget job, worse at
full budget than the best full-budget trial)."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, MedianStoppingRule, Race, SearchSpace, Study, TrialStateError
from interactive_hpo.objectives import Branin, MultiFidelity
from interactive_hpo.study.curves import budget_trace

TASK = MultiFidelity(Branin())


@pytest.fixture(scope="module")
def hyperband():
    study = Study(TASK.space, "hyperband", seed=0)
    study.run(TASK, n_trials=30, progress=False)  # the first bracket: no job at the full budget yet
    return study


def test_before_a_full_evaluation_there_is_no_best_and_the_error_says_where_the_best_at_any_budget_is(hyperband):
    assert hyperband.full_budget == 1.0 and all(t.budget < 1.0 for t in hyperband.trials)
    for name in ("best_trial", "best_value", "best_params"):
        with pytest.raises(TrialStateError, match=re.escape(
                f"None of the 30 completed trials ran at the full budget (1) yet: Study.{name} counts full "
                "evaluations only")):
            getattr(hyperband, name)
    assert hyperband.best_trials == [] and np.isnan(hyperband.history().best_values).all()
    assert math.isfinite(budget_trace(hyperband).best_any[-1])


def test_a_warm_start_from_a_study_without_a_full_evaluation_says_so(hyperband):
    from interactive_hpo import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=re.escape(
            "none of its completed trials is known to be feasible (with constraint values meeting them, in a "
            "study that has constraints) and ran at its full budget, 1)")):  # was "none completed"
        Study(TASK.space, "bo", seed=0, warm_start=hyperband)


def test_the_best_is_the_best_full_evaluation_in_the_study_the_history_and_the_progress_line(hyperband):
    from interactive_hpo.study.progress import RunProgress
    from interactive_hpo.ui.status import status_line

    assert "no trial at the full budget yet" in status_line(hyperband, [])
    assert "no trial at the full budget yet" in RunProgress(hyperband, 1).line(1.0)
    study = Study(TASK.space, "hyperband", seed=0)
    study.run(TASK, n_trials=40, progress=False)
    full = [t for t in study.trials if t.budget == 1.0]
    assert full and study.best_trial is min(full, key=lambda t: t.value)
    assert min(t.value for t in study.trials) < study.best_value  # a lower rung looked better
    best = study.history().best_values
    assert np.isnan(best[:full[0].number]).all() and best[-1] == study.best_value
    assert f"best {study.best_value:.6g} (trial {study.best_trial.number})" in status_line(study, [])
    warm = Study(TASK.space, "ga", seed=0, warm_start=study)  # learns from its full evaluations only
    assert sorted(warm.warm_start[0].losses) == sorted(t.value for t in full)


def test_a_trial_without_a_budget_is_a_full_evaluation_and_a_race_ranks_full_evaluations():
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    study.add_finished({"x": 0.2}, state="COMPLETE", value=0.5, budget=0.1, source="notes")
    study.add_finished({"x": 0.3}, state="COMPLETE", value=0.9, source="notes")
    assert study.best_value == 0.9  # 0.5 at a tenth of the budget is not comparable
    race = Race(TASK, ["hyperband", "random"], n_trials=30, seed=0)
    race.run()
    first, second = race.ranking()
    assert (first.lane, second.lane) == ("random", "hyperband") and math.isnan(second.best_value)


def test_a_switch_from_a_scheduler_in_the_objective_s_units_keeps_its_full_budget(tmp_path):
    def cheap_looks_better(params, budget=None):  # budgets from 1 to 27 units; None is the full 27
        return (params["x"] - 0.5) ** 2 - 1 / (27 if budget is None else budget)

    path = tmp_path / "units.jsonl"
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "hyperband", seed=0, storage=path,
                  optimizer_settings={"min_budget": 1, "max_budget": 27})
    study.run(cheap_looks_better, n_trials=45, progress=False)
    best = study.best_trial
    assert best.budget == 27
    study.switch_optimizer("random")  # its budgets are None: full, and 1 is no longer the full budget
    assert study.full_budget == 27 and study.best_trial.number == best.number
    assert Study.load(path).best_trial.number == best.number  # the switch is journaled, and so is the budget
    from interactive_hpo.study.branching import fork_study

    with warnings.catch_warnings(record=True) as caught:  # its budget-27 trials bring their study's full budget
        warnings.simplefilter("always")
        branch = fork_study(study, len(study.trials), storage=tmp_path / "branch.jsonl").study  # its header: random
    assert not [w for w in caught if "full budget" in str(w.message)]
    assert branch.full_budget == 27 and branch.best_value == best.value  # its carried rungs are no full evaluations
    assert Study.load(tmp_path / "branch.jsonl").best_value == best.value


def test_only_schedulers_set_the_full_budget_not_a_trial_s_budget_and_a_branch_keeps_its_parent_s():
    from interactive_hpo.study.branching import fork_study

    def cheap_looks_better(params, budget=None):
        return (params["x"] - 0.5) ** 2 - 1 / (9 if budget is None else budget)

    plain = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    plain.run(lambda p: p["x"], n_trials=3, progress=False)
    with pytest.warns(UserWarning, match="`budget` 5 is above the study's full budget, 1 "):
        plain.add_finished({"x": 0.9}, state="COMPLETE", value=0.9, budget=5.0, source="notes")
    assert plain.full_budget == 1.0 and plain.best_value < 0.9  # a budget of 5 was taken as the full one
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "hyperband", seed=0,
                  optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(cheap_looks_better, n_trials=9, progress=False)  # rungs 1 and 3 only so far
    assert max(t.budget for t in study.trials) < 9
    branch = fork_study(study, len(study.trials), optimizer="bo").study
    assert branch.full_budget == 9.0 and branch.best_trials == []  # a budget-3 job was its best


def test_a_budget_above_the_full_budget_is_warned_of_where_it_is_typed_naming_both():
    # A scheduler's max_budget is 1: a budget of 5 (in epochs, say) counted as a full evaluation and
    # became best_trial, unseen. It still counts (a journal's scheduler may be unknown here), but is named.
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "hyperband", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # at the full budget or below: no warning
        study.add_finished({"x": 0.2}, state="COMPLETE", value=0.5, budget=1.0, source="notes")
        study.add_finished({"x": 0.3}, state="COMPLETE", value=0.1, budget=0.5, source="notes")
    with pytest.warns(UserWarning, match=re.escape(
            "Study.add_finished: `budget` 5 is above the study's full budget, 1 (the largest max_budget of its "
            "schedulers; 1 without one): trial 2 counts as a full evaluation and can be best_trial. If 5 is in "
            "other units, give the budget in the study's (None: a full evaluation).")) as caught:
        wrong = study.add_finished({"x": 0.4}, state="COMPLETE", value=0.2, budget=5, source="notes")
    assert caught[0].filename == __file__  # the line that typed it
    assert study.best_trial is wrong
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # never a best trial: nothing to warn of
        study.add_finished({"x": 0.5}, state="PRUNED", value=0.0, budget=5, source="notes")
        study.add_finished({"x": 0.6}, state="FAILED", budget=5, source="notes")


def test_a_pruned_trial_spends_the_share_of_its_budget_it_ran():
    # Before: each pruned trial counted its whole budget (20 full evaluations for 11 trained).
    def train(params, *, budget=None, report):
        epochs = 10 if budget is None else int(budget)
        for epoch in range(epochs):
            report(params["x"] + 1 / (epoch + 1), epoch)
        return params["x"]

    space = SearchSpace([Float("x", 0, 1)])
    study = Study(space, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=3))
    study.run(train, n_trials=20, progress=False)
    assert any(t.state.value == "PRUNED" for t in study.trials)
    epochs = sum(len(t.intermediate_values) for t in study.trials)
    assert budget_trace(study).spent[-1] == pytest.approx(epochs / 10) and epochs < 200
    hb = Study(space, "hyperband", seed=0, pruner=MedianStoppingRule(n_startup_trials=3),
               optimizer_settings={"min_budget": 1, "max_budget": 9})
    hb.run(train, n_trials=30, progress=False)
    assert any(t.state.value == "PRUNED" and len(t.intermediate_values) < t.budget for t in hb.trials)
    assert budget_trace(hb).spent[-1] == pytest.approx(sum(len(t.intermediate_values) for t in hb.trials))
