"""Rebuilding a study from its journal: the replay that makes the journal *be* the study.

The events are applied in order to an empty study; then the optimizer named by the last
"switched" event (or the header) is rebuilt by name and told every finished trial in the order
they finished, exactly as the live run told them; trials a crash left RUNNING become FAILED.
The pruner is the one the last "pruner_switched" event (or the header) names. The header's
fields are checked first, and each event's as it is applied, by the rules ``Study.add_finished``
applies (:mod:`.trial_fields`): a line that breaks one is refused, naming the file, the line, the
field, the rule and the value, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._paths import check_path
from .._validation import check_one_of, fail, warn_user
from ..exceptions import HPOError, InvalidParameterError, StorageError
from ..goals import Goals
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import Scheduler
from ..optimizers.recorded import recorded
from ..optimizers.registry import available_optimizers, make_optimizer
from ..space import SearchSpace
from ..trial import INTERRUPTED, Trial
from .journal import Journal
from .journal_lines import HEADER, refused_field
from .learnt import tell
from .owners import owner_is_alive
from .past import Context, context_of, model_behind, past_population, past_surrogate  # 0.1's path, and the Lab's
from .pruning import Pruner, pruner_spec, rebuild_pruner, same_pruner
from .results import full_budget_of
from .sealed_looks import check_test_look
from .sharing import fail_left_running, optimizer_named, others_follow, warn_followed, warn_interrupted
from .space_change import same_record, space_changes
from .trial_fields import check_header_fields, check_spec, read_finished, read_report, read_trial
from .warm_start import WarmStart

if TYPE_CHECKING:
    from .core import Study
    from .state import StudyState

__all__ = ["resume", "catch_up", "check_header", "Context", "context_of", "spec_of", "model_behind",
           "past_surrogate", "past_population", "copy_journal", "read_header", "tell_history", "INTERRUPTED"]


def spec_of(optimizer: Optimizer) -> dict[str, Any]:
    """What the journal records of an optimizer: its registry name and its settings."""
    return {"name": optimizer.name, "settings": optimizer.settings()}


def resume(study: Study, journal: Journal, header: dict[str, Any], events: list[dict[str, Any]],
           optimizer: str | Optimizer | None, settings: Mapping[str, Any] | None, seed: Any) -> None:
    """Rebuild the study from its journal's records (read under its lock by the caller), then
    fail the trials a dead process left RUNNING; those of live processes stay RUNNING."""
    path = journal.path
    check_header(header, path)
    # Unreadable, the space is refused as Study.load refuses it: the hints below send there.
    journal_space = header_space(header, path).to_dict()
    if not same_record(journal_space, study.space.to_dict()):
        raise StorageError(f"{path} holds a study over another search space: "
                           f"{'; '.join(space_changes(journal_space, study.space.to_dict()))}. Study.load(path) "
                           "opens it as it is; to go on over the new space, remap_study(Study.load(path), space, "
                           "storage=new_path) (from interactive_hpo.study.branching) carries the trials that fit "
                           "to a new journal. Or choose another storage path.")
    journal_goals = Goals.from_header(header)
    if not study.goals.continues(journal_goals):
        # The same objectives in another order: dicts of name -> direction compare without order.
        reordered = journal_goals.multi and journal_goals.study_arguments() == study.goals.study_arguments()
        order = " (the same objectives in another order: give them in the journal's order)" if reordered else ""
        raise StorageError(f"{path} holds a study to {journal_goals.describe()}, not to {study.goals.describe()}"
                           f"{order}. Use Study.load(path) to open it as it is, or choose another storage path.")
    study.state.header = header
    study.seed = header["seed"]
    given = study.warm_start
    study._warm_start = _guarded(path, 1, WarmStart.from_header, header, study.space)
    if given and given != study.warm_start:
        warn_user(f"{path} was started with other warm-start sources ({[r.name for r in study.warm_start]}); "
                  "it resumes with those, not the ones given.", RuntimeWarning)
    if seed is not None and not isinstance(seed, np.random.Generator) and seed != study.seed:
        warn_user(f"{path} was started with seed={study.seed}; it resumes with that seed, not {seed}.",
                  RuntimeWarning)
    specs, pruner_line, optimizer_line = [header["optimizer"]], 1, 1
    state = study.state
    for line, event in enumerate(events, start=2):
        _guarded(path, line, _apply, state, study.space, study.goals, event, specs)
        if event["event"] == "pruner_switched":
            pruner_line = line
        elif event["event"] == "switched":
            optimizer_line = line
        state.log(event)
    given_pruner, journaled = study.pruner, state.pruner
    if given_pruner is None:  # built only then: a pruner not registered is given again on every reopen
        study._pruner = _pruner_named(study, pruner_line, journaled)
    # Settings its class refuses, or a name no class is registered under, name the line that recorded them.
    study.optimizer = _guarded(path, optimizer_line, _rebuild, study, specs[-1], optimizer_line)
    interrupted: dict[str, list[int]] = {}  # who left them -> the trials failed here
    for trial in state.running():
        # A read-only journal is shown as it is: the trials a dead process left are failed by a writer.
        if journal.read_only is not None or owner_is_alive(state.owner_of(trial.number), path):
            study.optimizer.note_running(trial)
        else:
            fail_left_running(study, trial, interrupted)
    warn_interrupted(path, interrupted)
    # A pruner given is switched to as an optimizer given is: warned about and journaled, so the
    # next Study.load(path) resumes with it (None: the journal's; NopPruner(): pruning off).
    if given_pruner is not None and not same_pruner(pruner_spec(given_pruner), journaled):
        journal.check_writable()  # before the warning: a switch a read-only journal refuses never happens
        used = "no pruner" if journaled is None else f"the pruner {journaled['name']!r} with {journaled['settings']}"
        warn_user(f"{path} was using {used}; switching to the pruner given, {given_pruner!r}."
                  + others_follow(state.events, study._owner, path, "pruner", used), RuntimeWarning)
        study._switch_pruner(given_pruner)
    if optimizer is not None and not _is_current(study, optimizer, settings):
        journal.check_writable()
        named = optimizer if isinstance(optimizer, str) else type(optimizer).__name__
        with_settings = f" with {dict(settings)}" if settings else ""
        used = optimizer_named(spec_of(study.optimizer), study.space)
        warn_user(f"{path} was using {used}; switching to the optimizer given, {named!r}{with_settings}."
                  + others_follow(state.events, study._owner, path, "optimizer", used), RuntimeWarning)
        study.switch_optimizer(optimizer, **dict(settings or {}))


def _pruner_named(study: Study, line: int, spec: Any) -> Pruner | None:
    """The pruner ``spec`` names (journaled at line ``line``), or None."""
    # Several objectives: an older journal may name a pruner, which could never decide anything.
    if study.goals.multi or spec is None:
        return None
    try:
        return rebuild_pruner(spec)
    except LookupError as reason:
        # A pruner of the person's own that this process cannot rebuild (not registered, or a
        # subclass with settings of its own under its base class's name): the trials are not lost
        # over it, and nothing is written; the study goes on without pruning until it is given again.
        _, colon, path = spec["name"].rpartition(":")
        yours = path.rpartition(".")[2] if colon else "YourPruner"  # "module:Class": its class's name
        warn_user(f"{study.storage}: line {line} names the pruner {spec['name']!r}, {reason}; the study goes on "
                  f"without pruning. Pass pruner={yours}(...) to go on with it, or register_pruner({yours}) "
                  "(with a `name` of its own) before loading so that Study.load rebuilds it.", RuntimeWarning)
        return None


def catch_up(study: Study, events: list[dict[str, Any]], first_line: int,
             viewer: bool = False) -> list[tuple[str, Trial | None]]:
    """Apply events another process appended to the journal (read under its lock), so that
    this study numbers its next trial after theirs and its optimizer knows their trials:
    finished ones are told, running ones are pending (neither their points nor their random
    streams are repeated). A switch or an undo rebuilds the optimizer from the journal; a
    switch is warned of (:func:`.sharing.warn_followed`) unless this study only reads the
    journal (``viewer``): it did not take part, and cannot switch back (review r389: a read-only
    dashboard was told to call ``switch_optimizer``, which it refuses).

    Returns what the study's subscribers are to be told: (event kind, trial) pairs.
    """
    path, state, notices = study.storage, study.state, []
    for line, event in enumerate(events, start=first_line):
        specs = [spec_of(study.optimizer)]
        _guarded(path, line, _apply, state, study.space, study.goals, event, specs)
        state.log(event)
        kind = event["event"]
        trial: Trial | None = None
        if kind in ("switched", "undone"):  # an undo rebuilds the study's own optimizer: no line named it
            study.optimizer = _guarded(path, line, _rebuild, study, specs[-1], line if kind == "switched" else None)
            for running in state.running():
                study.optimizer.note_running(running)
            if kind == "switched" and not viewer:  # followed, as every process on the file does: said, naming who
                warn_followed(path, line, event.get("owner"), specs[0], specs[-1], study.space)
        elif kind == "pruner_switched":  # another process switched pruner (reopening, or assigning study.pruner)
            old, study._pruner = study._pruner, _pruner_named(study, line, event["pruner"])
            if not viewer and not same_pruner(pruner_spec(old), event["pruner"]):
                warn_followed(path, line, event.get("owner"), _pruner_shown(old), _pruner_shown(study._pruner),
                              study.space)
            continue  # nothing for subscribers: their kinds are the trials' and the optimizer's
        elif kind == "test_look":  # a task reads it when it looks again (.sealed_looks)
            continue
        elif kind == "asked":
            trial = state.trials[-1]
            study.optimizer.note_running(trial)
        elif kind in ("finished", "added"):
            trial = state.trials[state.finish_order[-1]]
            tell(study.optimizer, study.goals, trial, study.full_budget)
        elif kind in ("reported", "override"):
            trial = state.trials[event["number"]]
            if kind == "override" and trial.state.is_finished:
                _tell_override(state, study.optimizer, trial.number, event["action"])
        notices.append((_NOTICE.get(kind, kind), trial))
    return notices


def _pruner_shown(pruner: Pruner | None) -> str:
    return "no pruner" if pruner is None else repr(pruner)


def tell_history(state: StudyState, optimizer: Optimizer, goals: Goals) -> None:
    """Tell ``optimizer`` every finished trial in finishing order, with the overrides of finished
    trials at the points they were made: how a rebuilt optimizer reaches the study's state. A
    result below the full budget is told as :func:`.learnt.as_told` converts it."""
    full = full_budget_of(optimizer, state.largest_budget)
    overrides = iter(state.overrides)
    upcoming = next(overrides, None)
    for position, number in enumerate([*state.finish_order, None]):
        while upcoming is not None and upcoming[0] <= position:
            _tell_override(state, optimizer, *upcoming[1:])
            upcoming = next(overrides, None)
        if number is not None:
            tell(optimizer, goals, state.trials[number], full)


def _tell_override(state: StudyState, optimizer: Optimizer, number: int, action: str) -> None:
    if not isinstance(optimizer, Scheduler):
        return  # this optimizer has no rungs: the override concerned another one
    try:
        optimizer.override(state.trials[number], action)
    except HPOError:
        pass  # it concerned a config this optimizer does not know (it came after a switch)


#: The subscriber event kind of each journal event (a finish is "told").
_NOTICE = {"finished": "told"}


def check_header(header: Mapping[str, Any], path: Any) -> None:
    """Refuse a header that could not start a study, naming the file, line 1, the field, its
    rule and its value (:func:`~.trial_fields.check_header_fields`)."""
    _guarded(path, 1, check_header_fields, header)


def _guarded(path: Any, line: int, action: Callable[..., Any], *args: Any) -> Any:
    """Run one replay step; a record that does not fit becomes a StorageError naming the line."""
    try:
        return action(*args)
    except StorageError:  # already says what is wrong, and may not be the file's fault
        raise
    except InvalidParameterError as error:  # a field broke its rule (.trial_fields): the error names both
        raise refused_field(path, line, error) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as error:
        what = f"missing field {error}" if isinstance(error, KeyError) else f"{type(error).__name__}: {error}"
        raise StorageError(f"{path}, line {line}: an event does not fit this study ({what}). "
                           "The file is corrupted or was edited by hand.") from error


def _rebuild(study: Study, spec: Mapping[str, Any], line: int | None = None) -> Optimizer:
    """The optimizer ``spec`` names, told every finished trial in finishing order; ``line``: the
    journal line that named it (1, the header, or a "switched" event), if one did."""
    name = spec["name"]
    if name not in available_optimizers():  # the journal may be fine: this process may lack a plug-in
        where = f"{study.storage}" if line is None else f"{study.storage}, line {line}"
        refusal = fail("optimizer", HEADER if line == 1 else 'this "switched" event',
                       f"the name of an optimizer registered in this process ({available_optimizers()})", name,
                       hint="Import the module that registers it (its register_optimizer call) first, or, if the "
                            "name was edited by hand, restore it; nothing was written to the journal.")
        raise StorageError(f"{where}: {refusal}")
    with recorded():  # settings an earlier version accepted open (a later rule warns of them)
        optimizer = make_optimizer(name, study.space, **spec["settings"])
    study._warm_start.give(optimizer)
    tell_history(study.state, optimizer, study.goals)
    return optimizer


def rebuild_after_lost_ask(study: Study, error: BaseException) -> None:
    """After an ask whose trial could not be recorded (the journal write failed): the optimizer
    counted its proposal as pending, yet no trial holds it (a grid would never propose that point
    again; every later random stream would be shifted). Rebuild it as a reload of the journal
    would (the finished trials told, the running ones noted); if that fails too, the optimizer
    stays as it is and ``error`` says so."""
    try:
        optimizer = _rebuild(study, spec_of(study.optimizer))
        for trial in study.state.running():
            optimizer.note_running(trial)
    except Exception as lost:  # noqa: BLE001 - the first error is the one to see
        error.add_note(f"The optimizer could not be rebuilt after it ({type(lost).__name__}: {lost}); it counts a "
                       "proposal no trial holds. Study.load(path) rebuilds it from the journal.")
        return
    study.optimizer = optimizer


def _apply(state: StudyState, space: SearchSpace, goals: Goals, event: Mapping[str, Any],
           specs: list[dict[str, Any]]) -> None:
    """Apply one journal event to the study's state, each field checked (:mod:`.trial_fields`);
    optimizer specs of switches go to ``specs``."""
    kind = event["event"]
    if kind in ("asked", "added"):
        state.add(read_trial(event.get("trial"), kind, space, goals, len(state.trials), state.constrained),
                  event.get("owner"))
    elif kind == "finished":
        state.finish(read_finished(event, state.trial(event["number"]), goals, state.constrained))
    elif kind == "undone":
        state.withdraw(event["number"])
    elif kind == "enqueued":
        state.enqueue(space.validate(event["params"], owner='this "enqueued" event'))
    elif kind == "reported":
        state.report(event["number"], *read_report(event))
    elif kind == "override":
        # Overrides of running trials died with the process; those of finished ones steer the optimizer.
        state.override(event["number"], check_one_of(event.get("action"), "action", 'this "override" event',
                                                     ["stop", "promote"]))
    elif kind == "switched":
        check_spec(event["optimizer"], "optimizer", 'this "switched" event')
        specs.append(dict(event["optimizer"]))
    elif kind == "pruner_switched":  # the caller builds the pruner, which needs the study's goals
        check_spec(event["pruner"], "pruner", 'this "pruner_switched" event', none=True)
    elif kind == "test_look":  # kept in the events alone: a task running on the study reads them
        check_test_look(event)
    else:
        raise ValueError(f"unknown event {kind!r}")


def _is_current(study: Study, optimizer: str | Optimizer, settings: Mapping[str, Any] | None) -> bool:
    """Whether the optimizer a resuming user passed is the one the journal already uses."""
    current = spec_of(study.optimizer)
    if isinstance(optimizer, Optimizer):
        return spec_of(optimizer) == current
    if optimizer != current["name"]:
        return False
    # Built from a name, the seed is the study's to derive: compare everything else.
    candidate = make_optimizer(optimizer, study.space, **{"seed": 0, **(settings or {})}).settings()
    return {k: v for k, v in candidate.items() if k != "seed"} == \
        {k: v for k, v in current["settings"].items() if k != "seed"}


def copy_journal(header: Mapping[str, Any], events: Sequence[Mapping[str, Any]], path: Any) -> None:
    """Write a study's header and events to a new journal at ``path`` (never overwrites)."""
    journal = Journal(check_path(path, "path", "Study.save"))
    if not journal.is_empty():  # any file: "no journal yet" misread a notes.txt as a journal
        raise fail("path", "Study.save", "a path with no file yet (or an empty file)", str(path),
                   hint="Choose a new file name; an existing file is never overwritten.")
    with journal.locked():  # written whole, or not at all (Journal.open_or_create)
        if journal.open_or_create({k: v for k, v in header.items() if k not in ("format", "version")},
                                  events) is not None:
            raise fail("path", "Study.save", "a path with no journal yet", str(path),
                       hint="Another process wrote a journal there meanwhile; choose a new file name.")


def read_header(path: Any) -> dict[str, Any]:
    """A journal's header with its search space rebuilt (``header["space"]`` is a SearchSpace)."""
    journal = Journal(check_path(path, "path", "Study.load"))
    if journal.is_empty():
        raise StorageError(f"{path} holds no journal (missing or empty file).")
    header = journal.read_header()  # line 1 only: the study opening the journal next reads it all
    check_header(header, path)
    return {**header, "space": header_space(header, path)}


def header_space(header: Mapping[str, Any], path: Any) -> SearchSpace:
    """The search space a checked journal ``header`` records, or a StorageError naming line 1."""
    try:
        return SearchSpace.from_dict(header["space"])
    except (KeyError, TypeError, ValueError) as error:
        raise StorageError(f"{path}, line 1: the header's search space is unreadable ({error}).") from error

