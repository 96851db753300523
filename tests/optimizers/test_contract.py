"""The contract every registered optimizer keeps (DESIGN.md section 2).

The rules live in :mod:`interactive_hpo.testing`, which plug-in authors run on their own
optimizers (the model: Optuna's ``testing/pytest_samplers.py``). Here each rule is a test
parametrized over ``available_optimizers()``, so an optimizer registered later is held to it
without writing a line here; and the shipped contract is shown to catch broken optimizers.
"""

from __future__ import annotations

import inspect
import sys

import numpy as np
import pytest

from interactive_hpo import Int, SearchExhausted, SearchSpace, Study, available_optimizers, make_optimizer
from interactive_hpo.optimizers import Optimizer, RandomSearch, Suggestion
from interactive_hpo.optimizers.capabilities import LearnsFromForeignTrials, ReissuesWaitingStep
from interactive_hpo.testing import (
    CONTRACT,
    check_a_waiting_step_may_be_evaluated_twice,
    check_ask_batch_is_in_bounds_and_tellable,
    check_asks_are_in_the_unit_cube,
    check_different_seeds_differ,
    check_exhaustion_raises_a_clear_error,
    check_failed_trials_are_tolerated,
    check_foreign_losses_change_the_asks,
    check_journal_round_trip_gives_the_same_next_ask,
    check_many_pending_asks_and_out_of_order_tells,
    check_optimizer,
    check_replay_gives_the_same_next_ask,
    check_same_seed_same_trials,
    check_settings_are_json,
    check_settings_rebuild_an_equal_optimizer,
    check_several_objectives_with_constraints,
    check_trials_it_did_not_ask_are_tolerated,
    check_warm_starts_are_used_and_replayed,
    optimizer_contract_tests,
)

# Trials per rule. BO fits a Gaussian process at every ask after its initial design (set to 4
# Sobol points here; its default is 8), so 6 trials reach a first fit and a warm-started one, and
# the next ask comes from the model: the rules see the model at half the time 12 would take.
# ParEGO is BO on a scalarization: the same budget.
# EHVI (one GP per objective, qLogNEHVI) likewise, with a small Monte Carlo sample.
N_TRIALS = {"bo": 6, "parego": 6, "ehvi": 6}
SETTINGS = {"bo": {"n_initial": 4}, "parego": {"n_initial": 4},
            "ehvi": {"n_initial": 4, "mc_samples": 16, "raw_samples": 64, "num_restarts": 2}}
# ask_batch is joint (qLogNEI) only once the initial design is complete: 4 trials reach it.
N_BEFORE_BATCH = {"bo": 4, "parego": 4, "ehvi": 4}


@pytest.fixture(params=available_optimizers())
def name(request):
    return request.param


def registered(name):
    """The factory the contract takes, for a registered optimizer."""
    return lambda space, seed: make_optimizer(name, space, seed=seed, **SETTINGS.get(name, {}))


def n_trials(name):
    return N_TRIALS.get(name, 12)


def test_asks_are_in_the_unit_cube(name):
    check_asks_are_in_the_unit_cube(registered(name), n_trials=n_trials(name))


def test_same_seed_same_trials(name):
    check_same_seed_same_trials(registered(name), n_trials=n_trials(name))


def test_different_seeds_differ(name):
    check_different_seeds_differ(registered(name), n_trials=n_trials(name))


def test_replay_gives_the_same_next_ask(name):
    check_replay_gives_the_same_next_ask(registered(name), n_trials=n_trials(name))


def test_settings_rebuild_an_equal_optimizer(name):
    check_settings_rebuild_an_equal_optimizer(registered(name))


def test_settings_are_json(name):
    check_settings_are_json(registered(name))


def test_failed_trials_are_tolerated(name):
    check_failed_trials_are_tolerated(registered(name), n_trials=n_trials(name))


def test_trials_it_did_not_ask_are_tolerated(name):
    check_trials_it_did_not_ask_are_tolerated(registered(name), n_trials=n_trials(name))


def test_many_pending_asks_and_out_of_order_tells(name):
    check_many_pending_asks_and_out_of_order_tells(registered(name))


def test_exhaustion_raises_a_clear_error(name):
    """Optimizers that can run out do so exactly when their finite space is used up and then
    raise SearchExhausted; the rest never run out (a synchronous scheduler may wait for
    results, which is not running out)."""
    check_exhaustion_raises_a_clear_error(registered(name))


def test_journal_round_trip_gives_the_same_next_ask(name):
    check_journal_round_trip_gives_the_same_next_ask(registered(name), n_trials=n_trials(name))


def test_ask_batch_is_in_bounds_and_tellable(name):
    check_ask_batch_is_in_bounds_and_tellable(registered(name), n_trials=N_BEFORE_BATCH.get(name, n_trials(name)))


def test_several_objectives_with_constraints(name):
    check_several_objectives_with_constraints(registered(name), n_trials=n_trials(name))


def test_warm_starts_are_used_and_replayed(name):
    check_warm_starts_are_used_and_replayed(registered(name), n_trials=n_trials(name))


def test_foreign_losses_change_the_asks(name):
    check_foreign_losses_change_the_asks(registered(name), n_trials=n_trials(name))


def test_a_waiting_step_may_be_evaluated_twice(name):
    check_a_waiting_step_may_be_evaluated_twice(registered(name), n_trials=n_trials(name))


def test_every_rule_runs_over_the_registry():
    """A rule added to interactive_hpo.testing without a test here would hold no registered optimizer."""
    module = sys.modules[__name__]
    here = {n.removeprefix("test_") for n, f in inspect.getmembers(module, inspect.isfunction)
            if n.startswith("test_") and "name" in inspect.signature(f).parameters}
    assert here == set(CONTRACT)


def test_run_stops_when_exhausted():
    study = Study(SearchSpace([Int("a", 0, 2)]), "grid", seed=0)
    trials = study.run(lambda p: p["a"], n_trials=10)
    assert sorted(t.params["a"] for t in trials) == [0, 1, 2]
    with pytest.raises(SearchExhausted):
        study.ask()


# -- the contract as a plug-in author runs it ------------------------------------------------------------
class LocalSearch(Optimizer):
    """A plug-in as a user would write one (and not register): random steps around the best
    point it was told of, its own or not."""

    name = "toy_local_search"

    def __init__(self, space, *, step=0.2, seed=None):
        super().__init__(space, seed=seed)
        self.step = step
        self._best = None  # (loss, x)

    def _ask(self, rng):
        if self._best is None:
            return Suggestion(x=rng.random(self.space.dim))
        return Suggestion(x=self._best[1] + self.step * rng.normal(size=self.space.dim))  # ask() clips

    def _tell(self, trial, loss, suggestion):
        if loss is not None and (self._best is None or loss < self._best[0]):
            self._best = (loss, trial.x.copy())


test_a_plugin_keeps_the_contract = optimizer_contract_tests(lambda space, seed: LocalSearch(space, seed=seed))


class Learner(LocalSearch, LearnsFromForeignTrials):
    """LocalSearch steps around the best trial it was told, its own or not: it may declare so."""

    name = "toy_learner"


def test_a_plugin_that_learns_from_trials_it_did_not_propose_keeps_that_rule():
    check_foreign_losses_change_the_asks(lambda space, seed: Learner(space, seed=seed), n_trials=4)


def test_the_registry_is_left_as_it_was():
    """The journal rules register an unregistered plug-in only while they run."""
    check_journal_round_trip_gives_the_same_next_ask(lambda space, seed: LocalSearch(space, seed=seed), n_trials=4)
    assert "toy_local_search" not in available_optimizers()


# -- broken optimizers: the contract bites -----------------------------------------------------------------
class Unseeded(LocalSearch):
    """Draws from a generator of its own, not the one ``_ask`` is given: runs cannot be repeated."""

    name = "toy_unseeded"

    def _ask(self, rng):
        return Suggestion(x=np.random.default_rng().random(self.space.dim))


class Unclipped(LocalSearch):
    """Overrides ``ask`` and so skips the clipping to the unit cube."""

    name = "toy_unclipped"

    def ask(self):
        x = self._stream(self.n_seen).uniform(-0.5, 1.5, self.space.dim)
        return self._register(Suggestion(x=x))


class SilentlyExhausted(LocalSearch):
    """Runs out after two points without saying so through ``exhausted``."""

    name = "toy_silently_exhausted"

    def _ask(self, rng):
        if self.n_seen >= 2:
            raise SearchExhausted("no more points")
        return super()._ask(rng)


class StopsEarly(LocalSearch):
    """Says it has nothing left after two points, with points of a finite space unproposed."""

    name = "toy_stops_early"

    @property
    def exhausted(self):
        return self.n_seen >= 2


class ArraySettings(LocalSearch):
    """Keeps a setting as an array, which no journal can store."""

    name = "toy_array_settings"

    def __init__(self, space, *, step=0.2, centre=None, seed=None):
        super().__init__(space, step=step, seed=seed)
        self.centre = np.full(space.dim, 0.5) if centre is None else np.asarray(centre)


class OwnTrialsOnly(LocalSearch):
    """Crashes on a trial it did not propose (a manual one, or one replayed from a journal)."""

    name = "toy_own_trials_only"

    def _tell(self, trial, loss, suggestion):
        if suggestion is None:
            raise KeyError(trial.number)
        super()._tell(trial, loss, suggestion)


class AsksWhileWaiting(LocalSearch):
    """Waits while a point is out, and overrides ``ask`` without the base class's refusal."""

    name = "toy_asks_while_waiting"

    @property
    def waiting(self):
        return bool(self.pending)

    def ask(self):
        return self._register(self._ask(self._stream(self.n_seen)))


class OwnBestOnly(LocalSearch, LearnsFromForeignTrials):
    """Declares it learns from trials it did not propose, and steps around its own best only."""

    name = "toy_own_best_only"

    def _tell(self, trial, loss, suggestion):
        if suggestion is not None:
            super()._tell(trial, loss, suggestion)


class NeverWaits(RandomSearch, ReissuesWaitingStep):
    """Declares its waiting step may be handed out again, and never waits."""

    name = "toy_never_waits"


class UnfinishedBatch(RandomSearch):
    """Proposes a batch one short, though it never waits."""

    name = "toy_unfinished_batch"

    def ask_batch(self, q):
        return [self.ask() for _ in range(q - 1)]


@pytest.mark.parametrize(("cls", "rule", "why"), [
    (Unseeded, "same_seed_same_trials", "two runs with seed 3 part at trial 0"),
    (Unclipped, "asks_are_in_the_unit_cube", "outside the unit cube"),
    (SilentlyExhausted, "exhaustion_raises_a_clear_error", "raised SearchExhausted while `exhausted` was False"),
    (StopsEarly, "exhaustion_raises_a_clear_error", "ran out after 2 asks covering [12] of the 4 points"),
    (ArraySettings, "settings_are_json", "the journal cannot store its settings"),
    (OwnTrialsOnly, "trials_it_did_not_ask_are_tolerated", "it raised KeyError"),
    (UnfinishedBatch, "ask_batch_is_in_bounds_and_tellable", r"ask_batch\(3\) gave 2 proposals"),
    (AsksWhileWaiting, "exhaustion_raises_a_clear_error", r"it says it is waiting and ask\(\) proposed a point"),
    (OwnBestOnly, "foreign_losses_change_the_asks", "asked the same 4 trials, each told the same loss"),
    (NeverWaits, "a_waiting_step_may_be_evaluated_twice", "did not wait within 4 asks"),
])
def test_the_contract_catches_a_broken_optimizer(cls, rule, why):
    test = optimizer_contract_tests(lambda space, seed: cls(space, seed=seed), n_trials=4)
    expected = rf"^{cls.__name__} \(name '{cls.name}'\) breaks the rule '{rule}': .*{why}"
    with pytest.raises(AssertionError, match=expected):
        test(rule)


def test_check_optimizer_names_every_rule_broken():
    with pytest.raises(AssertionError) as caught:
        check_optimizer(lambda space, seed: Unseeded(space, seed=seed), n_trials=4)
    message = str(caught.value)
    broken = {rule for rule in CONTRACT if f"breaks the rule '{rule}'" in message}
    # Its own random generator also makes replays and journal round trips propose other points.
    assert {"same_seed_same_trials", "replay_gives_the_same_next_ask",
            "journal_round_trip_gives_the_same_next_ask"} <= broken
    assert "asks_are_in_the_unit_cube" not in broken and message.startswith(f"{len(broken)} rule(s)")
