"""The rules of the optimizer contract that every optimizer keeps, one ``check_<rule>(make, ...)``
function each; those for what an optimizer declares beyond ask and tell are in
:mod:`~interactive_hpo.testing.rules_by_capability`.

Each takes the factory ``make(space, seed) -> Optimizer`` and raises AssertionError naming the
rule and the optimizer when the rule is broken (see :mod:`interactive_hpo.testing`).
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import SearchExhausted, Study, Trial, TrialState, TrialStateError, make_optimizer
from .._validation import shown
from ._support import (
    CONDITIONAL,
    FINITE,
    MIXED,
    N_TRIALS,
    SPACES,
    Broken,
    Factory,
    Watch,
    ask_unless_waiting,
    bowl,
    build,
    loss_of,
    parting,
    problem_of,
    registered,
    rule,
    run,
    same_next_ask,
    watched_study,
)

__all__ = ["check_asks_are_in_the_unit_cube", "check_same_seed_same_trials", "check_different_seeds_differ",
           "check_replay_gives_the_same_next_ask", "check_settings_rebuild_an_equal_optimizer",
           "check_settings_are_json", "check_failed_trials_are_tolerated",
           "check_trials_it_did_not_ask_are_tolerated", "check_many_pending_asks_and_out_of_order_tells",
           "check_exhaustion_raises_a_clear_error", "check_journal_round_trip_gives_the_same_next_ask",
           "check_ask_batch_is_in_bounds_and_tellable"]


@rule
def check_asks_are_in_the_unit_cube(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """Up to ``n_trials`` asks (all pending) on each of :data:`SPACES` give points of shape
    ``(d,)`` inside the unit cube, and budgets that are positive or None."""
    for kind, space in SPACES.items():
        optimizer = build(make, space, 0)
        for number in range(n_trials):
            if optimizer.exhausted:
                break
            suggestion = ask_unless_waiting(optimizer)
            if suggestion is None:
                break
            problem = problem_of(space, suggestion)
            if problem is not None:
                raise Broken(f"on the {kind} space, at ask {number + 1}, {problem}")


@rule
def check_same_seed_same_trials(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """Two studies with optimizers of the same seed run the same ``n_trials`` trials."""
    at = parting(run(make, 3, n_trials), run(make, 3, n_trials))
    if at is not None:
        raise Broken(f"two runs with seed 3 part at trial {at}: an optimizer's proposals must follow from its "
                     "settings, its seed and the trials it was told (draw from the rng `_ask` is given)")


@rule
def check_different_seeds_differ(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """Seeds 1 and 2 do not give the same ``n_trials`` trials (the seed is not ignored)."""
    (first, first_watch), (second, second_watch) = watched_study(make, MIXED, 1), watched_study(make, MIXED, 2)
    loss = bowl(MIXED)
    for _ in range(n_trials):  # in step, so the check ends at the first difference (often the first trial)
        first.run(loss, n_trials=1)
        second.run(loss, n_trials=1)
        first_watch.verify()
        second_watch.verify()
        if parting(first, second) is not None:
            return
    raise Broken(f"seeds 1 and 2 gave the same {n_trials} trials: the seed is ignored")


@rule
def check_replay_gives_the_same_next_ask(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An optimizer rebuilt from ``settings()`` and told a study's trials in the order they
    finished proposes what the study's optimizer proposes next (how undo and switching work),
    on the mixed and on the conditional space (where trials hold only the active parameters)."""
    for space in (MIXED, CONDITIONAL):
        study = run(make, 5, n_trials, space=space)
        original = study.optimizer
        replayed = type(original)(space, **original.settings())
        for number in study.finish_order:
            trial = study.state.trials[number]
            replayed.tell(trial, loss_of(trial))
        where = "" if space is MIXED else " on the conditional space"
        same_next_ask(replayed, original, f"an optimizer rebuilt from settings() and told the {n_trials} trials{where}")


@rule
def check_settings_rebuild_an_equal_optimizer(make: Factory) -> None:
    """``type(opt)(space, **opt.settings())`` has the same settings and the same first ask."""
    optimizer = build(make, MIXED, 11)
    rebuilt = type(optimizer)(MIXED, **optimizer.settings())
    if rebuilt.settings() != optimizer.settings():
        raise Broken(f"rebuilt from its settings() {optimizer.settings()} it has the settings {rebuilt.settings()}: "
                     "store each __init__ argument under an attribute of the same name")
    same_next_ask(rebuilt, optimizer, "the optimizer rebuilt from settings()")


@rule
def check_settings_are_json(make: Factory) -> None:
    """``settings()`` survives ``json.dumps`` (as the journal writes it), and
    ``make_optimizer(name, space, **json.loads(...))`` rebuilds an equal optimizer."""
    optimizer = build(make, MIXED, 11)
    settings = optimizer.settings()
    try:  # as the journal writes its lines
        loaded = json.loads(json.dumps(settings, allow_nan=False))
    except (TypeError, ValueError, OverflowError) as error:
        raise Broken(f"the journal cannot store its settings {shown(settings)}: {error}") from None
    if not _str_keys(settings):  # JSON would quietly turn a key 1 into "1"
        raise Broken(f"the journal cannot store its settings {shown(settings)}: a dict key is not a str")
    with registered(optimizer) as name:
        rebuilt = make_optimizer(name, MIXED, **loaded)
    if json.loads(json.dumps(rebuilt.settings())) != loaded:
        raise Broken(f"make_optimizer({name!r}, space, **{loaded}) has the settings {rebuilt.settings()}")
    same_next_ask(rebuilt, optimizer, "the optimizer rebuilt from its settings as JSON")


def _str_keys(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(isinstance(key, str) and _str_keys(item) for key, item in value.items())
    return all(_str_keys(item) for item in value) if isinstance(value, (list, tuple)) else True


@rule
def check_failed_trials_are_tolerated(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """An objective that raises on odd calls and returns NaN on every fourth: all ``n_trials``
    trials run, exactly those fail, and the optimizer is left with nothing pending."""
    calls: list[dict[str, Any]] = []
    loss = bowl(MIXED)

    def flaky(params: dict[str, Any], budget: float | None = None) -> float:
        calls.append(params)
        if len(calls) % 2:
            raise RuntimeError("diverged")
        return float("nan") if len(calls) % 4 == 0 else loss(params)

    study = run(make, 0, n_trials, flaky)
    states = [t.state for t in study.trials]
    failed = sum(1 for call in range(1, n_trials + 1) if call % 2 or call % 4 == 0)
    if (len(states), states.count(TrialState.FAILED)) != (n_trials, failed) or study.optimizer.pending:
        raise Broken(f"of {n_trials} trials ({failed} failing) the study has {len(states)}, "
                     f"{states.count(TrialState.FAILED)} FAILED, and {len(study.optimizer.pending)} still pending")


@rule
def check_trials_it_did_not_ask_are_tolerated(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """Manual trials before its first ask and between its asks are taken without a crash."""
    study, watch = watched_study(make, MIXED, 0)
    loss, third = bowl(MIXED), max(1, n_trials // 3)
    for params in MIXED.sample(third, rng=0):
        study.add_manual(params, loss(params))
    study.run(loss, n_trials=third)
    study.add_manual(MIXED.sample(1, rng=1)[0], 0.5)
    study.run(loss, n_trials=max(1, n_trials - 2 * third - 1))
    watch.verify()
    manual = [t.source for t in study.trials].count("manual")
    if manual != third + 1 or any(t.state is not TrialState.COMPLETE for t in study.trials):
        raise Broken(f"after {third + 1} manual trials the study has {manual} and states "
                     f"{[t.state.value for t in study.trials]}")


@rule
def check_many_pending_asks_and_out_of_order_tells(make: Factory) -> None:
    """Five asks pending at once (fewer only if the optimizer says it is ``waiting``), told in
    reverse order, leave nothing pending; three more trials then run."""
    study, watch = watched_study(make, MIXED, 0)
    loss = bowl(MIXED)
    running: list[Trial] = []
    while len(running) < 5 and (trial := ask_unless_waiting(study)) is not None:
        running.append(trial)
    if not running or len(study.optimizer.pending) != len(running):
        raise Broken(f"after {len(running)} asks it has {len(study.optimizer.pending)} pending")
    for trial in reversed(running):
        study.tell(trial, loss(trial.params))
    if study.optimizer.pending:
        raise Broken(f"every trial was told and {len(study.optimizer.pending)} are still pending")
    study.run(loss, n_trials=3)
    watch.verify()
    if len(study.trials) != len(running) + 3:
        raise Broken(f"run(n_trials=3) after {len(running)} trials left {len(study.trials)} trials")


#: Every point of :data:`FINITE`, in the unit cube.
_FINITE_POINTS = {tuple(FINITE.to_unit({"a": a, "b": b})) for a, b in itertools.product([0, 1], ["x", "y"])}


@rule
def check_exhaustion_raises_a_clear_error(make: Factory, *, n_asks: int = 50) -> None:
    """An optimizer that can run out says so, exactly when its finite space is used up.

    Asked without being told on the four points of :data:`FINITE`, an optimizer either

    - waits (``waiting``), with the asks it made pending, and then ``ask`` raises
      :class:`~interactive_hpo.TrialStateError` (a second ask would hand out what the first did);
    - runs out (``exhausted``) exactly when it has proposed each point once, and from then on
      ``ask`` raises :class:`SearchExhausted` saying it has nothing left to propose; or
    - never runs out: ``n_asks`` asks are all pending.

    ``ask`` never raises SearchExhausted while ``exhausted`` is False: ``Study.run`` reads
    ``exhausted`` to stop cleanly. Told its results as it goes, it runs out likewise
    (:func:`_check_exhaustion_when_told`).
    """
    optimizer = build(make, FINITE, 0)
    asked: list[tuple[float, ...]] = []
    while not optimizer.exhausted and not optimizer.waiting and len(asked) < n_asks:
        try:
            suggestion = optimizer.ask()
        except SearchExhausted:
            raise Broken(f"ask {len(asked) + 1} raised SearchExhausted while `exhausted` was False; an "
                         "optimizer that can run out says so through `exhausted` first") from None
        problem = problem_of(FINITE, suggestion)
        if problem is not None:
            raise Broken(problem)
        asked.append(tuple(FINITE.snap(suggestion.x)))
    if optimizer.waiting:
        if not optimizer.pending or len(optimizer.pending) != len(asked):
            raise Broken(f"it waits with {len(optimizer.pending)} of its {len(asked)} asks pending; "
                         "waiting for nothing would wait forever")
        try:
            optimizer.ask()
        except TrialStateError:
            pass
        else:
            raise Broken("it says it is waiting and ask() proposed a point: while `waiting`, ask() must raise "
                         "TrialStateError (Optimizer.ask does)")
    elif optimizer.exhausted:
        if len(asked) != len(_FINITE_POINTS) or set(asked) != _FINITE_POINTS:
            raise Broken(f"it ran out after {len(asked)} asks covering {len(set(asked))} of the "
                         f"{len(_FINITE_POINTS)} points; it must run out exactly when each point was proposed once")
        for ask in (optimizer.ask, lambda: optimizer.ask_batch(1)):
            try:
                ask()
            except SearchExhausted as error:
                if "nothing left to propose" not in str(error):
                    raise Broken(f"SearchExhausted does not say it has nothing left to propose: {error}") from None
            else:
                raise Broken("once exhausted, ask() and ask_batch() must raise SearchExhausted")
    elif len(optimizer.pending) != n_asks:
        raise Broken(f"it never ran out but has {len(optimizer.pending)} of its {n_asks} asks pending")
    _check_exhaustion_when_told(make)


def _check_exhaustion_when_told(make: Factory) -> None:
    """Told as it goes, in batches of two, an optimizer proposes :data:`FINITE`'s last points from
    what it learnt (a model's joint batch): once it has run out, ``ask_batch`` raises
    :class:`SearchExhausted` as ``ask`` does (a model's batch was a torch error)."""
    study, loss = Study(FINITE, build(make, FINITE, 1), seed=0), bowl(FINITE)
    for _ in _FINITE_POINTS:  # every batch asks at least one point
        if study.optimizer.exhausted:
            break
        for trial in study.ask_batch(2):
            study.tell(trial, loss(trial.params))
    if study.optimizer.exhausted:
        try:
            study.ask_batch(2)
        except SearchExhausted:
            return
        raise Broken("told its results, it ran out; then ask_batch(2) must raise SearchExhausted")


@rule
def check_journal_round_trip_gives_the_same_next_ask(make: Factory, *, n_trials: int = N_TRIALS) -> None:
    """A study with ``storage=`` (its trials, a manual one and a failed one among them) loaded
    back with :meth:`Study.load` has the same trials, and its optimizer proposes what the
    original's proposes next."""
    optimizer = build(make, MIXED, 7)
    loss, calls = bowl(MIXED), [0]

    def fails_once(params: dict[str, Any], budget: float | None = None) -> float:
        calls[0] += 1
        if calls[0] == 2:
            raise RuntimeError("diverged")
        return loss(params)

    with registered(optimizer), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.jsonl"
        study = Study(MIXED, optimizer, seed=0, storage=path)
        watch = Watch(study)
        study.run(fails_once, n_trials=n_trials // 2)
        study.add_manual(MIXED.sample(1, rng=1)[0], 0.5)
        study.run(fails_once, n_trials=n_trials - n_trials // 2 - 1)
        watch.verify()
        loaded = Study.load(path)
        rows = [[(t.params, t.state, t.value, t.source, t.budget) for t in s.trials] for s in (study, loaded)]
        if rows[0] != rows[1]:
            raise Broken("the study loaded from its journal has other trials than the study that wrote it")
        same_next_ask(loaded.optimizer, study.optimizer, "the optimizer of the study loaded from its journal")


@rule
def check_ask_batch_is_in_bounds_and_tellable(make: Factory, *, n_trials: int = N_TRIALS, q: int = 3) -> None:
    """After ``n_trials`` trials, ``ask_batch(q)`` gives ``q`` proposals in the unit cube (fewer
    only if the optimizer then says it is ``waiting``), all pending; told out of order, they
    leave nothing pending."""
    study, watch = watched_study(make, MIXED, 0)
    loss = bowl(MIXED)
    study.run(loss, n_trials=n_trials)
    trials = study.ask_batch(q)
    pending = study.optimizer.pending
    if not 1 <= len(trials) <= q or (len(trials) < q and not study.optimizer.waiting):
        raise Broken(f"ask_batch({q}) gave {len(trials)} proposals (fewer than {q} only when it then waits)")
    if len(pending) != len(trials):
        raise Broken(f"ask_batch({q}) gave {len(trials)} proposals and {len(pending)} are pending")
    problem = next((p for p in (problem_of(MIXED, s) for s in pending) if p is not None), None)
    if problem is not None:
        raise Broken(f"in ask_batch({q}), {problem}")
    for trial in trials[1:] + trials[:1]:  # out of order: the first proposal is told last
        study.tell(trial, loss(trial.params))
    watch.verify()
    if study.optimizer.pending:
        raise Broken(f"the batch was told and {len(study.optimizer.pending)} proposals are still pending")
