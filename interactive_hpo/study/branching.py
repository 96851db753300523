"""Carry a study's trials over to a new study: an edited search space, or a fork in time.

When the user narrows a bound, adds or removes a parameter, the trials that still fit the new
space are still evidence: they start the new study, and the ones that do not fit are listed
with the reason, so nothing is dropped silently. A trial is carried as it finished (COMPLETE,
PRUNED or FAILED, with the reason, its budget and its learning curve), and so are the study's
pruner (a fork's: the one in force at its step), its queue of enqueued params (those that fit)
and a person's stops and promotions of finished trials. A *fork* (:func:`fork_study`) starts a
branch from what a past step knew, to ask "what if I had switched to UCB at step 5?". A study
that never held a trial gives its journal to the study over the edited space
(:func:`never_used`): no journal of a space nobody searches is left behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .._paths import check_path, replace_file
from .._validation import check_int, check_no_seed_setting, fail
from ..exceptions import HPOError, InvalidParameterError
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import Scheduler
from ..optimizers.recorded import recorded
from ..optimizers.registry import check_new_optimizer, check_rebuilt_by_name, check_settings
from ..outcome import PRUNED_REASON
from ..space import SearchSpace
from ..trial import CARRIED, Trial, TrialState
from .core import Study, check_study
from .journal import Journal
from .journal_files import next_journal
from .past import Context, context_of
from .pruning import Pruner, rebuild_pruner, same_pruner
from .results import FULL_BUDGET, full_budget_of
from .sealed_looks import carry_test_looks
from .space_fit import params_for
from .warm_start import carried_sources

__all__ = ["Remapped", "remap_study", "fork_study", "never_used", "next_journal"]


@dataclass(frozen=True)
class Remapped:
    """The outcome of :func:`remap_study`.

    Attributes
    ----------
    study : Study
        The new study, over the new space; carried trials come first, in their old order.
    kept : dict
        Old trial number -> new trial number.
    dropped : dict
        Old trial number -> why it was left behind (it does not fit the new space, or it is
        still running).
    dropped_sources : dict
        Warm-start source name -> why the new study does not keep it (see :func:`remap_study`).
    dropped_queued : dict
        Position in the old study's queue (``study.queued``; a fork: the queue at its step) ->
        why those enqueued params are not queued in the new study (they do not fit its space).
    """

    study: Study
    kept: dict[int, int]
    dropped: dict[int, str]
    dropped_sources: dict[str, str] = field(default_factory=dict)
    dropped_queued: dict[int, str] = field(default_factory=dict)


def remap_study(study: Study, space: SearchSpace, *, optimizer: str | None = None,
                optimizer_settings: Mapping[str, Any] | None = None,
                storage: str | os.PathLike[str] | None = None, trials: Iterable[Trial] | None = None) -> Remapped:
    """A new study over ``space`` holding the finished trials of ``study`` that fit it.

    A trial fits when it has a value for every parameter of ``space`` and every value is valid
    there (inside the new bounds, one of the new choices). Parameters the new space no longer
    has are left out. A trial keeps its state (COMPLETE, PRUNED or FAILED), value, constraints,
    budget, generation, learning curve (``intermediate_values``) and times; a RUNNING one is
    left behind (``dropped`` says so). Manual trials stay manual; the others get the source
    "carried". Their ``user_attrs`` say where they came from (``carried_from``: the old number,
    ``carried_source``), keep why a trial failed or was pruned (``error``, ``pruned_by``,
    ``pruned_reason``, ``pruner``, ``human``) and nest the old attributes under ``carried_attrs``, where no
    optimizer mistakes another space's recorded state (a GP's hyperparameters) for its own,
    while one of the same method and seed reads its own records there and goes on as the study
    did. The new study keeps the study's pruner (a fresh one with its settings), the params
    still queued (``study.queued``) that fit ``space`` (the others are listed in
    ``dropped_queued``), and a person's stops and promotions of carried trials when its
    optimizer is a scheduler of the same kind (any other ignores them, as on a switch). The
    optimizer is rebuilt by name (default: the study's current one, with its settings but a
    seed derived from the study's seed) and learns from the carried trials. ``storage`` journals the new study (a
    new file; the old study's journal is never touched), or is ``study``'s own journal when that
    has never held a trial or a queued configuration (:func:`never_used`): that journal, which
    held no result, then becomes the new study's, so the path you chose resumes over the new
    space and no header-only journal of the old space is left behind (``study`` itself can no
    longer write to it, and says so). ``trials`` carries only those trials (default: all of
    ``study``'s, in their order).

    The study's warm-start sources are carried as its trials are: each keeps its trials that
    fit the new space, and one with none that fits is left behind, its reason in
    ``dropped_sources``. All of them are left behind (and listed there) when the new optimizer
    does not use related studies ("random", "sobol", ...): a study never starts with sources
    its optimizer would ignore. ``study.switch_optimizer`` keeps them instead: the study goes on.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> old = Study(SearchSpace([Float("x", -2, 2)]), "random", seed=0)
    >>> _ = old.run(lambda p: p["x"] ** 2, n_trials=10)
    >>> moved = remap_study(old, SearchSpace([Float("x", 0, 2)]))
    >>> len(moved.kept) + len(moved.dropped), all("outside" in why for why in moved.dropped.values())
    (10, True)
    """
    own = _check_carry(study, optimizer, optimizer_settings, storage, "remap_study", own_if_unused=True)
    if not isinstance(space, SearchSpace):
        raise fail("space", "remap_study", "a SearchSpace", space)
    listed = _trials_of(study, trials, "remap_study")
    with _built_as_recorded(optimizer, optimizer_settings):
        if own:
            return _into_own_journal(study, space, optimizer, optimizer_settings)
        # Now: every finished trial, the queue and the overrides as they stand.
        now = len(study.trials)
        return _carry(study, space, optimizer, optimizer_settings, storage, listed, context_of(study.state, now),
                      now, "remap_study")


def _built_as_recorded(optimizer: Any,
                       optimizer_settings: Mapping[str, Any] | None) -> contextlib.AbstractContextManager[Any]:
    """Carried as they were set (a journal's, maybe, accepted under an earlier version's rules:
    a scheduler of one rung), the optimizer and its settings are built as recorded
    (:func:`~..optimizers.recorded.recorded`); settings a person gives are checked."""
    return recorded() if optimizer is None and not optimizer_settings else contextlib.nullcontext()


def never_used(study: Study) -> bool:
    """Whether ``study`` is journaled and its journal has never held a trial or a queued
    configuration: its header, perhaps a switch of optimizer or pruner, and nothing else (an
    undone manual trial is still on record). :func:`remap_study` may then write the new study
    into that journal."""
    return study.storage is not None and not study.state.queue and \
        all(event["event"] in _NO_RESULT for event in study.state.events)


#: Journal events that record no trial, result or queued configuration.
_NO_RESULT = ("switched", "pruner_switched")


#: What a fork or a remap refusing a typed seed says to do instead: it has no ``seed=`` of its own.
SEED_OF_A_BRANCH = ("A branch goes on with the seed its optimizer had (one named anew: drawn from the study's "
                    "seed). For another, pass the optimizer built with it: "
                    "optimizer=make_optimizer(name, study.space, seed=...).")


def _check_carry(study: Any, optimizer: Any, optimizer_settings: Any, storage: Any, owner: str,
                 own_if_unused: bool = False) -> bool:
    """Refuse, naming ``owner``, arguments of :func:`remap_study` and :func:`fork_study` that
    would fail deep inside (Python's errors, or ``Study``'s name) or harm a journal. True when
    ``storage`` is the study's own journal and ``own_if_unused`` allows it (:func:`never_used`)."""
    check_study(study, owner)
    if optimizer is not None and not isinstance(optimizer, (str, Optimizer)):
        raise fail("optimizer", owner, "a registered optimizer name, an Optimizer or None", optimizer)
    if isinstance(optimizer, Optimizer):  # the new study's own: not the study's, nor one that saw trials
        check_new_optimizer(optimizer, owner)
    if optimizer_settings is not None and not isinstance(optimizer_settings, Mapping):
        raise fail("optimizer_settings", owner, "a dict or None", optimizer_settings)
    check_no_seed_setting(optimizer_settings, owner, hint=SEED_OF_A_BRANCH)  # as Study refuses it
    path = None if storage is None else check_path(storage, "storage", owner)  # "~" expanded, as the study's was
    if path is None or Journal(path).is_empty():
        return False
    own = study.storage is not None and os.path.realpath(path) == os.path.realpath(study.storage)
    if own and own_if_unused and never_used(study):
        return True
    # Study(storage=...) resumes an existing journal: the carried trials (and a switch of
    # optimizer) were appended to it, the original study's own journal among them.
    raise fail("storage", owner, "a path with no journal yet", str(storage),
               hint="The new study gets a journal of its own; "
                    "interactive_hpo.study.branching.next_journal(study.storage) names a free one"
                    + (" (the study's own journal is taken only while it has held no trial)." if own and own_if_unused
                       else "."))


def _into_own_journal(study: Study, space: SearchSpace, optimizer: str | Optimizer | None,
                      optimizer_settings: Mapping[str, Any] | None) -> Remapped:
    """:func:`remap_study` of a study whose journal never held a trial (:func:`never_used`) into
    that journal: the new study's journal is written whole beside it and renamed over it under
    its lock, once caught up with other processes (one that recorded a trial meanwhile keeps
    its journal: refused), so the file holds the old header or the new journal, never part of
    one. A process still on the old study finds its journal replaced and refuses to write."""
    path = str(study.storage)  # never_used: journaled
    with study._transaction():  # the journal's lock, and what others wrote read
        if not never_used(study):
            raise fail("storage", "remap_study", "a path with no journal yet", path,
                       hint="Another process recorded a trial in this study's journal meanwhile; "
                            "interactive_hpo.study.branching.next_journal(study.storage) names a free path.")
        carried = _carry(study, space, optimizer, optimizer_settings, None, [],
                         context_of(study.state, 0), 0, "remap_study")
        # Through a symlink, with the journal's permissions (a group's journal stays readable by it).
        replace_file(path, carried.study.save)
    return replace(carried, study=Study.load(path))


def _trials_of(study: Study, trials: Any, owner: str) -> list[Trial] | None:
    """``trials`` (None: all of ``study``'s) as a list of trials of ``study``, or the error naming ``owner``."""
    if trials is None:
        return None
    rule = "an iterable of trials of the study, such as study.trials[:5], or None"
    try:  # a 0-d array is an Iterable that cannot be iterated
        listed = None if isinstance(trials, (str, bytes, Mapping)) else list(trials)
    except TypeError:
        listed = None
    if listed is None:
        raise fail("trials", owner, rule, trials)
    for trial in listed:
        if not isinstance(trial, Trial):
            raise fail("trials", owner, rule, trial)
        study._number(trial, owner, "trials")  # one of another study (or changed) is refused too
    return listed


def _carry(study: Study, space: SearchSpace, optimizer: str | Optimizer | None,
           optimizer_settings: Mapping[str, Any] | None, storage: str | os.PathLike[str] | None,
           trials: Iterable[Trial] | None, context: Context, step: int, owner: str) -> Remapped:
    """:func:`remap_study`, its errors naming ``owner`` (the function the user called), with the
    queue and overrides of ``context``, what the study knew when trial ``step`` was asked
    (``len(study.trials)``: now), and the pruner in force then."""
    if optimizer is None:
        optimizer = study.optimizer.name
        settings = {k: v for k, v in study.optimizer.settings().items() if k != "seed"}
    else:
        settings = {}
    settings.update(optimizer_settings or {})
    kind = type(optimizer) if isinstance(optimizer, Optimizer) else \
        check_settings(optimizer, settings, argument="optimizer", settings_argument="optimizer_settings", owner=owner)
    if isinstance(optimizer, str) and "seed" in settings:
        # A fork's optimizer as it was then, its seed too (one switched to drew it from its place
        # among the study's optimizers): built here as Study builds one by name, for Study refuses
        # a seed among settings, which a person typing them meant as the study's.
        optimizer, settings = kind(space, **settings), {}
    sources, dropped_sources = carried_sources(study.warm_start, space, kind)
    pruner = _pruner_then(study, step, owner)
    new = Study(space, optimizer, **study.goals.study_arguments(), seed=study.seed, optimizer_settings=settings,
                storage=storage, warm_start=sources or None, pruner=pruner)
    kept: dict[int, int] = {}
    dropped: dict[int, str] = {}
    overrides = list(context.overrides)
    # A fork: what an optimizer recorded holds there too ("space"). A recorded fit is the branch's
    # own when it was fitted under the branch's settings, as its record says ("gp_settings"); a
    # record too old to say is, when they are the settings of the optimizer in charge then ("settings").
    mine, then = new.optimizer.settings(), context.spec["settings"]
    same = "settings" if space == study.space and new.optimizer.name == context.spec["name"] and \
        {k: v for k, v in mine.items() if k != "seed"} == {k: v for k, v in then.items() if k != "seed"} \
        else "space" if space == study.space else None
    # What counted as a full evaluation at ``step``: not a larger max_budget of a scheduler
    # switched to later, which would make the full evaluations of then lower rungs in the branch.
    now = study.state.run_index(step) == study.state.n_optimizers - 1
    full = full_budget_of(study.optimizer if now else None, context.largest_budget)
    n_finished = 0  # of the trials given, as the positions of the overrides count them
    for trial in study.trials if trials is None else trials:
        if not trial.state.is_finished:
            dropped[trial.number] = "still running: it has no result to carry"
            continue
        _overrides_due(new, overrides, kept, n_finished)
        n_finished += 1
        try:
            params = params_for(space, trial.params)
        except InvalidParameterError as error:
            dropped[trial.number] = str(error)
            continue
        kept[trial.number] = _carry_trial(study, new, trial, params, same, full, owner).number
    _overrides_due(new, overrides, kept, None)
    dropped_queued = {}
    for place, queued in enumerate(context.queued):
        try:
            fits = params_for(space, queued)
        except InvalidParameterError as error:
            dropped_queued[place] = str(error)
            continue
        new.enqueue(fits)
    carry_test_looks(study, new)
    return Remapped(new, kept, dropped, dropped_sources, dropped_queued)


def _pruner_then(study: Study, step: int, owner: str) -> Pruner | None:
    """A fresh pruner like the one in force when trial ``step`` was asked (journaled:
    ``study.pruner = ...`` writes a "pruner_switched" line): a fork of a step before a switch
    carried the pruner switched to. Fresh, of the same kind and settings (how the journal
    rebuilds one): one shared with the old study would re-read each study's trials whenever the
    other had judged. The one in force now is copied from ``study.pruner``, registered or not;
    an earlier one is rebuilt by name, or refused, naming ``owner``."""
    spec = study.state.pruner_at(step)
    if same_pruner(spec, study.state.pruner):  # the one in force now: perhaps a class not registered
        return None if study.pruner is None else type(study.pruner)(**study.pruner.settings())
    if spec is None:
        return None
    try:
        return rebuild_pruner(spec)
    except LookupError as error:
        raise fail("step", owner, "a step whose pruner this process can rebuild", step,
                   hint=f"The pruner in force then, {spec['name']!r}, {error}. Give its class a `name` of "
                        "its own and register_pruner it before forking (Study.load needs that too).") from None


#: What a finished trial's ``user_attrs`` say of why it ended as it did (the objective's error,
#: the pruner's verdict, a person's stop): kept where the study and models of failures read them
#: (``Trial.cut_short``), not only under ``carried_attrs``.
_REASONS = ("error", "pruned_by", PRUNED_REASON, "pruner", "human")


def _carry_trial(study: Study, new: Study, trial: Trial, params: dict[str, Any], same: str | None,
                 full_budget: float, owner: str) -> Trial:
    """``trial`` of ``study``, recorded in ``new`` with ``params`` as it finished. ``same``:
    "space" when ``new``'s space is ``study``'s (an optimizer of the same method may start from
    its recorded state, a GP's fit), "settings" when its optimizer's settings are also those in
    charge at the fork (a fit whose record does not name the settings it was fitted under is
    then its own, as in a replay), else None (``carried_same_space``). ``full_budget``: what
    counted as a full evaluation in ``study`` at the step carried from."""
    old_attrs = trial.to_json()["user_attrs"]
    attrs = {"carried_from": trial.number, "carried_source": trial.source, "carried_attrs": old_attrs,
             **{key: old_attrs[key] for key in _REASONS if key in old_attrs},
             **({"carried_same_space": same} if same else {}),
             # What counted as a full evaluation there (a scheduler's max_budget, in its units):
             # the branch's header names only its own optimizer.
             **({"carried_full_budget": full_budget} if full_budget != FULL_BUDGET else {})}
    value: Any = trial.value  # a PRUNED trial's last report (None for several objectives), None if FAILED
    if trial.state is TrialState.COMPLETE:
        values = study.goals.values_of(trial)
        value = values if study.goals.multi else values[0]  # type: ignore[index]
    start, end = trial.datetime_start, trial.datetime_complete
    if start is None or end is None or end < start:  # a journal without them, or two machines' clocks
        start = end = None  # now, as for a trial added by hand
    return new.add_finished(params, state=trial.state, value=value, source="manual" if trial.source == "manual"
                            else CARRIED, user_attrs=attrs, intermediate_values=trial.intermediate_values,
                            budget=trial.budget, generation=trial.generation, constraints=trial.constraints,
                            datetime_start=start, datetime_complete=end, owner=owner)


def _overrides_due(new: Study, overrides: list[tuple[int, int, str]], kept: Mapping[int, int],
                   n_finished: int | None) -> None:
    """Give ``new``, and take from ``overrides``, those made when at most ``n_finished`` trials
    had finished (None: all): (trials finished by then, old number, action), as
    ``StudyState.overrides`` lists them. A person's stop or promotion of a carried trial is given
    to ``new``'s scheduler as a replay of its journal would (``replay.tell_history``); another
    optimizer, or a scheduler with other rungs, ignores it, and so does a trial left behind."""
    while overrides and (n_finished is None or overrides[0][0] <= n_finished):
        _, old, action = overrides.pop(0)
        number = kept.get(old)
        if number is None or not isinstance(new.optimizer, Scheduler):
            continue
        with contextlib.suppress(HPOError):  # a job of rungs this scheduler does not have
            new.optimizer.check_override(new.trials[number], action)
            (new.promote if action == "promote" else new.stop)(number)


def fork_study(study: Study, step: int, *, optimizer: str | None = None,
               optimizer_settings: Mapping[str, Any] | None = None,
               storage: str | os.PathLike[str] | None = None, owner: str = "fork_study") -> Remapped:
    """A branch of ``study`` from the moment trial ``step`` was asked: a new study holding the
    trials that had finished by then (COMPLETE, PRUNED or FAILED, as :func:`remap_study` carries
    them), in the order they finished, the params queued then and a person's stops and
    promotions of those trials, continued by ``optimizer`` (default: the one in charge at that
    step, with its settings and seed then, updated by ``optimizer_settings``, which holds no
    seed: for another, pass ``optimizer=make_optimizer(...)``) and the pruner in
    force at that step (a fresh one with its settings; a pruner switched to later is not the
    branch's: rebuilt by name, one not registered is refused).

    ``study`` is untouched. The branch's first ask is its answer to "what would have been
    proposed at step ``step`` with these settings?": with the optimizer and settings of then it
    proposes what the study did (a GP starts from the fit the study recorded); compare
    branches by their best-so-far curves. Other arguments as in :func:`remap_study` (``kept``
    maps old to new numbers; ``dropped`` and ``dropped_queued`` are empty: a fork keeps its
    space, and trials running at ``step`` are not part of it). The branch keeps the study's
    warm-start sources unless its optimizer does not use them (then ``dropped_sources`` lists them).
    Errors name ``owner``: the function the person called (``Lab.fork`` calls this).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> main = Study(SearchSpace([Float("x", -2, 2)]), "random", seed=0)
    >>> _ = main.run(lambda p: p["x"] ** 2, n_trials=10)
    >>> branch = fork_study(main, 5, optimizer="sobol").study
    >>> len(branch.trials), branch.optimizer.name, len(main.trials)
    (5, 'sobol', 10)
    """
    _check_carry(study, optimizer, optimizer_settings, storage, owner)
    n = len(study.trials)
    step = check_int(step, "step", owner, 0, n)  # n: now
    context = context_of(study.state, step)
    spec = context.spec
    if step == n:
        spec = {"name": study.optimizer.name, "settings": study.optimizer.settings()}
    in_charge = study._class_in_charge(step)
    if optimizer is None and in_charge is not None:  # the branch builds it by name: it must be that class
        check_rebuilt_by_name(in_charge, "optimizer", owner, f"given when the optimizer in charge at step {step} "
                              "is not registered under its name", optimizer)
    carried = _built_as_recorded(optimizer, optimizer_settings)
    if optimizer is None:  # the optimizer in charge at that step, as it was set then, its seed too:
        # one switched to drew from the seed of its place among the study's optimizers, not the first's.
        optimizer = spec["name"]
        optimizer_settings = {**spec["settings"], **(optimizer_settings or {})}
    trials = study.trials  # one copy: each study.trials[i] copied the whole list (quadratic)
    with carried:
        return _carry(study, study.space, optimizer, optimizer_settings, storage,
                      [trials[number] for number in context.finished], context, step, owner)
