"""What the study tells an optimizer of a trial below the full budget (``study.learnt``): a
scheduler learns every rung; an optimizer of full evaluations is told such a trial as PRUNED,
without a loss, and the trials it does not learn from are counted in a warning."""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, TrialState
from interactive_hpo.goals import Goals
from interactive_hpo.optimizers.registry import make_optimizer
from interactive_hpo.study.learnt import as_told, learns, not_learnt, warn_not_learnt
from interactive_hpo.trial import Trial

SPACE = SearchSpace([Float("x", 0.0, 1.0)])
ONE, TWO = Goals.parse(None, None, "test"), Goals.parse(None, ["minimize", "maximize"], "test")


def _trial(number, budget, state=TrialState.COMPLETE, value=0.25, values=None):
    return Trial(number=number, params={"x": 0.5}, x=np.array([0.5]), state=state, budget=budget,
                 value=value if state is not TrialState.FAILED else None, values=values, source="hyperband")


@pytest.mark.parametrize("name", ["bo", "cmaes", "random"])
def test_an_optimizer_of_full_evaluations_is_told_a_lower_rung_as_pruned_without_a_loss(name):
    optimizer = make_optimizer(name, SPACE, seed=0)
    low, full, free = _trial(0, 1 / 3), _trial(1, 1.0), _trial(2, None)
    shown, loss = as_told(ONE, low, optimizer, 1.0)
    assert (shown.state, loss, shown.value, shown.budget, shown.number) == (TrialState.PRUNED, None, 0.25, 1 / 3, 0)
    assert low.state is TrialState.COMPLETE  # the study's trial is not changed
    assert as_told(ONE, full, optimizer, 1.0) == (full, 0.25) and as_told(ONE, free, optimizer, 1.0) == (free, 0.25)
    optimizer.tell(shown, loss)  # accepted as a pruned trial is


def test_a_scheduler_learns_every_rung_and_failed_or_pruned_trials_are_told_as_they_are():
    scheduler = make_optimizer("hyperband", SPACE, seed=0)
    low = _trial(0, 1 / 27)
    assert learns(scheduler, low, 1.0) and as_told(ONE, low, scheduler, 1.0) == (low, 0.25)
    gp = make_optimizer("bo", SPACE, seed=0)
    for trial in (_trial(1, 1 / 3, TrialState.FAILED), _trial(2, 1 / 3, TrialState.PRUNED)):
        assert learns(gp, trial, 1.0) and as_told(ONE, trial, gp, 1.0) == (trial, None)


def test_a_gp_is_told_a_pruned_trial_s_last_report_at_the_full_budget_unless_a_person_stopped_it():
    # A PRUNED trial was told with no loss, not even taken: the GP proposed it again and again.
    gp = make_optimizer("bo", SPACE, seed=0)
    by = {who: dataclasses.replace(_trial(0, None, TrialState.PRUNED), user_attrs={"pruned_by": who})
          for who in ("pruner", "objective", "human")}
    assert [as_told(ONE, by[who], gp, 1.0)[1] for who in by] == [0.25, 0.25, None]
    lower = dataclasses.replace(by["pruner"], budget=1 / 3)  # a scheduler's job pruned in a lower rung
    assert as_told(ONE, lower, gp, 1.0) == (lower, None)


def test_several_objectives_lose_their_values_when_told_as_pruned():
    parego = make_optimizer("parego", SPACE, seed=0)
    low = _trial(0, 1 / 3, value=None, values=(0.25, 0.5))
    shown, loss = as_told(TWO, low, parego, 1.0)
    assert (shown.state, shown.values, loss) == (TrialState.PRUNED, None, None)
    parego.tell(shown, loss)
    full = _trial(1, 1.0, value=None, values=(0.25, 0.5))
    np.testing.assert_array_equal(as_told(TWO, full, parego, 1.0)[1], [0.25, -0.5])


def test_the_trials_not_learnt_are_counted_and_warned_of_in_the_words_of_the_method_called():
    trials = [_trial(0, 1 / 9), _trial(1, 1 / 3), _trial(2, 1.0), _trial(3, 1 / 3, TrialState.FAILED)]
    gp, scheduler = make_optimizer("bo", SPACE, seed=0), make_optimizer("asha", SPACE, seed=0)
    assert not_learnt(trials, gp, 1.0) == 2 and not_learnt(trials, scheduler, 1.0) == 0
    with pytest.warns(UserWarning, match=re.escape(
            "Study.switch_optimizer: 2 completed trial(s) ran below the full budget (1); 'bo' does not learn from "
            "them (told as pruned), as best_trial leaves them out")):
        assert warn_not_learnt(trials, gp, 1.0, "Study.switch_optimizer") == 2
    with np.testing.assert_no_warnings():
        assert warn_not_learnt(trials, scheduler, 1.0, "Study.switch_optimizer") == 0


def test_an_optimizer_learns_the_budgets_it_chose_itself():
    # A multi-fidelity method of one's own need not be a Scheduler: its Suggestion carries the
    # budget, and its half-budget trials were told as pruned, unseen (r313).
    from interactive_hpo import Study, register_optimizer, unregister_optimizer
    from interactive_hpo.optimizers.base import Optimizer, Suggestion

    class TwoFidelities(Optimizer):
        name = "two_fidelities_test"

        def __init__(self, space, *, seed=None):
            super().__init__(space, seed=seed)
            self.told = []

        def _ask(self, rng):
            return Suggestion(x=rng.random(self.space.dim), budget=0.5 if self.n_seen % 2 == 0 else None)

        def _tell(self, trial, loss, suggestion=None):
            self.told.append((trial.state, loss))

    register_optimizer(TwoFidelities)
    try:
        study = Study(SPACE, "two_fidelities_test", seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing it chose itself is left out
            study.run(lambda p, budget=None: p["x"], n_trials=4, progress=False)
        assert [t.budget for t in study.trials] == [0.5, None, 0.5, None]
        assert study.optimizer.told == [(TrialState.COMPLETE, t.value) for t in study.trials]
    finally:
        unregister_optimizer("two_fidelities_test")


def test_a_trial_a_person_adds_below_the_full_budget_is_said_not_to_be_learnt():
    from interactive_hpo import Study

    study = Study(SPACE, "bo", seed=0)
    with pytest.warns(UserWarning, match=r"Study.add_finished: 1 completed trial\(s\) ran below the full budget "
                                         r"\(1\); 'bo' does not learn from them"):
        study.add_finished({"x": 0.5}, value=0.25, budget=0.5, source="optuna")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # at the full budget, or without one: learnt, nothing to say
        study.add_finished({"x": 0.25}, value=0.5, budget=1.0, source="optuna")
        study.add_finished({"x": 0.75}, value=0.5, source="optuna")


def test_switching_to_a_scheduler_whose_top_rung_is_below_the_full_budget_says_its_trials_will_not_count():
    # best_trial then refused "None of the 45 completed trials ran at the full budget (27)", and a
    # GP switched to later learnt nothing, unwarned (r313).
    from interactive_hpo import Study

    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 27})
    study.run(lambda p, budget=None: p["x"], n_trials=3, progress=False)
    with pytest.warns(UserWarning, match=r"Study.switch_optimizer: 'hyperband''s max_budget 9 is below the study's "
                                         r"full budget, 27 .* Give it max_budget=27 to count them"):
        study.switch_optimizer("hyperband", min_budget=1, max_budget=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.switch_optimizer("asha", min_budget=1, max_budget=27)  # as large: nothing to say
