"""The optimizer contract as checks you run on your own optimizer (DESIGN.md section 2).

Every registered optimizer is held to these rules by the package's own tests; a plug-in
optimizer is held to them by the same code (the model: Optuna's
``optuna/testing/pytest_samplers.py``). In a pytest module, two lines::

    from interactive_hpo.testing import optimizer_contract_tests

    test_my_optimizer = optimizer_contract_tests(lambda space, seed: MyOptimizer(space, seed=seed))

give one test per rule (``test_my_optimizer[same_seed_same_trials]``, ...). Without pytest,
:func:`check_optimizer` runs every rule and raises one AssertionError naming each rule broken:

>>> import numpy as np
>>> from interactive_hpo.optimizers import RandomSearch, Suggestion
>>> from interactive_hpo.testing import check_optimizer, check_same_seed_same_trials, optimizer_contract_tests
>>> check_optimizer(lambda space, seed: RandomSearch(space, seed=seed))
>>> test_random = optimizer_contract_tests(lambda space, seed: RandomSearch(space, seed=seed))
>>> test_random("ask_batch_is_in_bounds_and_tellable")  # what pytest calls, once per rule
>>> class Unseeded(RandomSearch):
...     name = "unseeded"
...     def _ask(self, rng):  # draws from a generator of its own, not from rng
...         return Suggestion(x=np.random.default_rng().random(self.space.dim))
>>> check_same_seed_same_trials(lambda space, seed: Unseeded(space, seed=seed))  # doctest: +ELLIPSIS
Traceback (most recent call last):
AssertionError: Unseeded (name 'unseeded') breaks the rule 'same_seed_same_trials': two runs with seed 3 part...

Each ``check_<rule>(make, ...)`` takes a factory ``make(space, seed) -> Optimizer``, builds
optimizers with it over the spaces in :data:`SPACES` (continuous, integer, categorical, mixed,
conditional)
or :data:`FINITE`, drives them (mostly through a :class:`~interactive_hpo.Study`, with the
proposals checked as the optimizer made them), and raises AssertionError naming the rule and
the optimizer when the rule is broken; an exception the optimizer raises meanwhile (a crash on
a trial it did not ask, say) is reported the same way. Rules that run a study take
``n_trials`` (default :data:`N_TRIALS`). The rules, in :data:`CONTRACT` order:

- asks are in the unit cube, on every space in :data:`SPACES`;
- the same seed gives the same trials, and different seeds different ones;
- an optimizer rebuilt from ``settings()`` and told the trials proposes the same next point
  (on the mixed and the conditional space);
- ``settings()`` rebuild an equal optimizer, and they are JSON that ``make_optimizer`` takes;
- failed trials (an exception, NaN) and trials it did not ask (manual ones) are tolerated;
- many asks may be pending and be told in any order;
- an optimizer that runs out does so exactly when its finite space is used up, and then
  raises :class:`~interactive_hpo.SearchExhausted`;
- a study with a journal, loaded back, has the same trials and proposes the same next point;
- ``ask_batch(q)`` gives proposals in the unit cube that can be told in any order;
- an optimizer that serves several objectives does so with a constraint, a manual and a failed
  trial: the same seed gives the same trials and its journal the same next point.
- an optimizer that uses warm-start sources (``WarmStartable``) uses them (its trials differ
  from a cold study's), the same seed and sources give the same trials, and its journal the same
  next point.
- an optimizer that learns from trials it did not propose (``LearnsFromForeignTrials``: every
  model-based and population method) does: the same manual trials with other losses lead it to
  other asks.
- an optimizer whose waiting step may be handed out again (``ReissuesWaitingStep``: the
  descent) waits for that step alone, and takes its result told twice.

The journal and JSON rules need the optimizer in the registry (a journal rebuilds it by name).
A class not registered yet is registered while those checks run and removed after, so the
contract can be checked before a plug-in registers itself; a name registered to another class
breaks the rule. Only :func:`optimizer_contract_tests` imports pytest, and
``import interactive_hpo`` does not import this package.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from .._validation import check_int, fail
from ._support import CONTRACT, FINITE, N_TRIALS, SPACES, Factory
from .rules import (  # defining the checks fills CONTRACT, in this order
    check_ask_batch_is_in_bounds_and_tellable,
    check_asks_are_in_the_unit_cube,
    check_different_seeds_differ,
    check_exhaustion_raises_a_clear_error,
    check_failed_trials_are_tolerated,
    check_journal_round_trip_gives_the_same_next_ask,
    check_many_pending_asks_and_out_of_order_tells,
    check_replay_gives_the_same_next_ask,
    check_same_seed_same_trials,
    check_settings_are_json,
    check_settings_rebuild_an_equal_optimizer,
    check_trials_it_did_not_ask_are_tolerated,
)
from .rules_by_capability import (  # after those of every optimizer
    check_a_waiting_step_may_be_evaluated_twice,
    check_foreign_losses_change_the_asks,
    check_several_objectives_with_constraints,
    check_warm_starts_are_used_and_replayed,
)

__all__ = ["CONTRACT", "SPACES", "FINITE", "N_TRIALS", "Factory", "check_optimizer", "optimizer_contract_tests",
           "check_asks_are_in_the_unit_cube", "check_same_seed_same_trials", "check_different_seeds_differ",
           "check_replay_gives_the_same_next_ask", "check_settings_rebuild_an_equal_optimizer",
           "check_settings_are_json", "check_failed_trials_are_tolerated",
           "check_trials_it_did_not_ask_are_tolerated", "check_many_pending_asks_and_out_of_order_tells",
           "check_exhaustion_raises_a_clear_error", "check_journal_round_trip_gives_the_same_next_ask",
           "check_ask_batch_is_in_bounds_and_tellable", "check_several_objectives_with_constraints",
           "check_warm_starts_are_used_and_replayed", "check_foreign_losses_change_the_asks",
           "check_a_waiting_step_may_be_evaluated_twice"]


def _selected(rules: Iterable[str] | None, owner: str) -> list[str]:
    chosen = list(CONTRACT) if rules is None else list(rules)
    unknown = [r for r in chosen if r not in CONTRACT]
    if unknown:
        raise fail("rules", owner, f"names among {list(CONTRACT)}", unknown)
    return chosen


def _options(rule: str, n_trials: int) -> dict[str, Any]:
    """``n_trials`` for the rules that take it."""
    return {"n_trials": n_trials} if "n_trials" in inspect.signature(CONTRACT[rule]).parameters else {}


def check_optimizer(make: Factory, *, n_trials: int = N_TRIALS, rules: Iterable[str] | None = None) -> None:
    """Check every rule of the contract (or those named in ``rules``) on ``make``'s optimizer.

    Parameters
    ----------
    make : callable
        ``make(space, seed)`` returns the optimizer under test, over ``space``, seeded with ``seed``.
    n_trials : int
        Trials per rule that runs a study; more is slower and probes a model-based optimizer longer.
    rules : iterable of str, optional
        Names from :data:`CONTRACT`; default all.

    Raises
    ------
    AssertionError
        Naming every rule broken, and how.
    """
    n_trials = check_int(n_trials, "n_trials", "check_optimizer", 2)
    broken = []
    for rule in _selected(rules, "check_optimizer"):
        try:
            CONTRACT[rule](make, **_options(rule, n_trials))
        except AssertionError as error:
            broken.append(str(error))
    if broken:
        raise AssertionError(f"{len(broken)} rule(s) of the optimizer contract broken:\n- " + "\n- ".join(broken))


def optimizer_contract_tests(make: Factory, *, n_trials: int = N_TRIALS,
                             rules: Iterable[str] | None = None) -> Callable[[str], None]:
    """A pytest test, parametrized over the rules: assign it to a ``test_...`` name in a test module.

    Parameters are those of :func:`check_optimizer`. Each rule is its own test, with the rule
    as its id, so ``pytest -k same_seed`` runs one and a failure names the rule broken.
    """
    import pytest  # a dev dependency: only this entry point needs it

    n_trials = check_int(n_trials, "n_trials", "optimizer_contract_tests", 2)
    chosen = _selected(rules, "optimizer_contract_tests")

    @pytest.mark.parametrize("rule", chosen)
    def test_optimizer_contract(rule: str) -> None:
        CONTRACT[rule](make, **_options(rule, n_trials))

    return test_optimizer_contract
