"""Rebuilding a study from its journal: the replay that makes the journal *be* the study.

The events are applied in order to an empty study; then the optimizer named by the last
"switched" event (or the header) is rebuilt by name and told every finished trial in the order
they finished, exactly as the live run told them; trials a crash left RUNNING become FAILED.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import fail
from .exceptions import StorageError
from .optimizers.base import Optimizer
from .optimizers.registry import make_optimizer
from .pruning import make_pruner
from .space import SearchSpace
from .storage import Journal
from .trial import Trial, TrialState

if TYPE_CHECKING:
    from .study import Study

__all__ = ["resume", "context_of", "spec_of", "past_surrogate", "past_population", "copy_journal", "read_header",
           "INTERRUPTED"]

INTERRUPTED = "interrupted: the process stopped before this trial finished"


def spec_of(optimizer: Optimizer) -> dict[str, Any]:
    """What the journal records of an optimizer: its registry name and its settings."""
    return {"name": optimizer.name, "settings": optimizer.settings()}


def resume(study: Study, journal: Journal, optimizer: str | Optimizer | None,
           settings: Mapping[str, Any] | None, seed: Any) -> None:
    """Rebuild the study from its journal, then fail the trials a crash left RUNNING."""
    header, events = journal.read()
    path = journal.path
    if header.get("space") != study.space.to_dict():
        raise StorageError(f"{path} holds a study over a different search space: journal "
                           f"{header.get('space')}, given {study.space.to_dict()}. Use Study.load(path) to "
                           "open it as it is, or choose another storage path.")
    if header.get("direction") != study.direction:
        raise StorageError(f"{path} holds a study to {header.get('direction')}, not to {study.direction}. "
                           "Use Study.load(path) to open it as it is, or choose another storage path.")
    study._header = header
    study.seed = int(header["seed"])
    if study.pruner is None:
        study.pruner = make_pruner(header.get("pruner"))
    if seed is not None and not isinstance(seed, np.random.Generator) and seed != study.seed:
        warnings.warn(f"{path} was started with seed={study.seed}; it resumes with that seed, not {seed}.",
                      RuntimeWarning, stacklevel=4)
    specs = [header["optimizer"]]
    try:
        for event in events:
            _apply(study, event, specs)
    except (KeyError, TypeError, ValueError) as error:
        raise StorageError(f"{path}: an event does not fit this study ({type(error).__name__}: {error}). "
                           "The file is corrupted or was edited by hand.") from error
    study._events = list(events)
    study._n_optimizers = len(specs)
    last = specs[-1]
    study.optimizer = make_optimizer(last["name"], study.space, **last["settings"])
    study._replay_into(study.optimizer)
    for trial in [t for t in study._trials if t.state is TrialState.RUNNING]:
        study._finish(trial, TrialState.FAILED, None, {"error": INTERRUPTED})
    if optimizer is not None and not _is_current(study, optimizer, settings):
        warnings.warn(f"{path} was using {study.optimizer!r}; switching to the optimizer given.",
                      RuntimeWarning, stacklevel=4)
        study.switch_optimizer(optimizer, **dict(settings or {}))

def _apply(study: Study, event: Mapping[str, Any], specs: list[dict[str, Any]]) -> None:
    """Replay one journal event into the study's trials, queue and optimizer specs."""
    kind = event["event"]
    if kind in ("asked", "added"):
        data = event["trial"]
        trial = Trial.from_json(data, study.space.to_unit(data["params"]))
        if trial.number != len(study._trials):
            raise ValueError(f"trial number {trial.number} where {len(study._trials)} was expected")
        if trial.source == "enqueued":
            study._queue.popleft()
        study._trials.append(trial)
        if kind == "added":
            study._finish_order.append(trial.number)
    elif kind == "finished":
        current = study._trials[event["number"]]
        if current.state.is_finished:
            raise ValueError(f"trial {current.number} finished twice")
        value = event["value"]
        study._trials[current.number] = current.finished(
            TrialState(event["state"]), None if value is None else float(value), event["user_attrs"],
            event["datetime_complete"])
        study._finish_order.append(current.number)
    elif kind == "undone":
        if event["number"] != len(study._trials) - 1 or study._trials[-1].source != "manual":
            raise ValueError(f"trial {event['number']} withdrawn but it is not the last, manual trial")
        study._withdraw(event["number"])
    elif kind == "enqueued":
        study._queue.append(study.space.validate(event["params"]))
    elif kind == "reported":
        number, value = event["number"], event["value"]
        study._trials[number] = study._trials[number].reported(event["step"], math.nan if value is None else value)
    elif kind == "override":
        # Overrides of running trials died with the process; those of finished ones steer the optimizer.
        if study._trials[event["number"]].state.is_finished:
            study._overrides.append((len(study._finish_order), event["number"], event["action"]))
    elif kind == "switched":
        specs.append(event["optimizer"])
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


def context_of(header: Mapping[str, Any], events: list[dict[str, Any]],
               number: int) -> tuple[dict[str, Any], list[int]]:
    """The optimizer spec in charge and the trials finished, in order, when ``number`` was asked."""
    spec, finished = header["optimizer"], []
    for event in events:
        kind = event["event"]
        if kind == "asked" and event["trial"]["number"] == number:
            break
        if kind == "switched":
            spec = event["optimizer"]
        elif kind == "finished":
            finished.append(event["number"])
        elif kind == "added":
            finished.append(event["trial"]["number"])
        elif kind == "undone":  # its number is reused by the next trial
            finished.remove(event["number"])
    return spec, finished


def past_surrogate(study: Study, number: int) -> Any:
    """The belief that proposed trial ``number``: an optimizer rebuilt as it was then (its spec
    and the trials finished before the ask), restored from the hyperparameters recorded with
    the trial. No refit, so scrubbing through a long study is cheap."""
    trial = study._trials[number]
    if "gp_state" not in trial.user_attrs:
        raise fail("step", "Study.surrogate", "the number of a trial proposed by a fitted model", number,
                   hint=f"Trial {number} came from {trial.source!r}"
                        f"{' (its initial design)' if trial.user_attrs.get('phase') == 'initial' else ''}.")
    spec, finished = context_of(study._header, study._events, number)
    optimizer = make_optimizer(spec["name"], study.space, **spec["settings"])
    for done in finished:
        optimizer.tell(study._trials[done], study._loss(study._trials[done]))
    return optimizer.restored_view(trial.user_attrs, proposal=trial.x)  # type: ignore[attr-defined]


def past_population(study: Study, number: int) -> Any:
    """The population when trial ``number`` was asked: an optimizer rebuilt from its spec then,
    told the trials finished before (population methods fit nothing, so this is cheap)."""
    spec, finished = context_of(study._header, study._events, number)
    optimizer = make_optimizer(spec["name"], study.space, **spec["settings"])
    for done in finished:
        optimizer.tell(study._trials[done], study._loss(study._trials[done]))
    return optimizer.population()


def copy_journal(header: Mapping[str, Any], events: list[dict[str, Any]], path: Any) -> None:
    """Write a study's header and events to a new journal at ``path`` (never overwrites)."""
    journal = Journal(path)
    if not journal.is_empty():
        raise fail("path", "Study.save", "a path with no journal yet", str(path),
                   hint="Choose a new file name; an existing journal is never overwritten.")
    journal.create(dict(header))
    for event in events:
        journal.append(event)


def read_header(path: Any) -> dict[str, Any]:
    """A journal's header with its search space rebuilt (``header["space"]`` is a SearchSpace)."""
    journal = Journal(path)
    if journal.is_empty():
        raise StorageError(f"{path} holds no journal (missing or empty file).")
    header, _ = journal.read()
    try:
        space = SearchSpace.from_dict(header["space"])
    except (KeyError, ValueError) as error:
        raise StorageError(f"{path}: the header's search space is unreadable ({error}).") from error
    return {**header, "space": space}

