"""Checks of what the panels are built with and what their redraws are given, in the package's
one message template (:func:`interactive_hpo._validation.fail`): a wrong argument is refused where
it was typed, naming the panel (or its method), instead of an AttributeError ("'str' object has no
attribute 'guard'") from the first line that used it, a widget's TraitError after some of the
panel had changed, or a callback that fails at the first click, far from its cause."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .._paths import check_path, check_writable
from .._validation import check_int, fail, float_array
from ..goals import Goals
from ..space import SearchSpace
from ..study.core import Study
from ..trial import Trial
from ..views import History
from .errors import ErrorLog

__all__ = ["check_callback", "check_export", "check_goals", "check_history", "check_sources", "check_space",
           "check_step", "check_text", "check_trials", "check_unit_point", "error_log"]


def error_log(errors: Any, owner: str, optional: bool = True) -> ErrorLog:
    """``errors`` when it is an :class:`ErrorLog`; a new one for None when ``optional``."""
    if isinstance(errors, ErrorLog):
        return errors
    if errors is None and optional:
        return ErrorLog()
    raise fail("errors", owner, "an ErrorLog or None" if optional else "an ErrorLog", errors)


def check_space(space: Any, owner: str) -> SearchSpace:
    """``space`` when it is a :class:`SearchSpace` (``study.space``)."""
    if not isinstance(space, SearchSpace):
        raise fail("space", owner, "a SearchSpace (study.space)", space)
    return space


def check_goals(goals: Any, owner: str) -> Goals | None:
    """``goals`` when it is a study's :class:`Goals` (``study.goals``) or None."""
    if goals is not None and not isinstance(goals, Goals):
        raise fail("goals", owner, "the Goals of a study (study.goals) or None", goals)
    return goals


def check_callback(callback: Any, owner: str, call: str, name: str = "callback") -> Callable[..., Any]:
    """``callback`` (argument ``name`` of ``owner``) when it is callable; ``call`` shows how it
    is called (``callback(params)``)."""
    if not callable(callback):
        raise fail(name, owner, f"a callable {call}", callback)
    return callback


def check_text(text: Any, name: str, owner: str) -> str:
    """``text`` (argument ``name`` of ``owner``) when it is a str: what a caption or a note
    shows (None reached the widget, which refused it in traitlets' words)."""
    if not isinstance(text, str):
        raise fail(name, owner, "a str", text)
    return text


def check_trials(trials: Any, owner: str) -> list[Trial]:
    """``trials`` as a list when it is a sequence of :class:`Trial` (``study.trials``)."""
    if not isinstance(trials, Sequence) or isinstance(trials, str) or not all(isinstance(t, Trial) for t in trials):
        raise fail("trials", owner, "a list of the study's Trials (study.trials)", trials)
    return list(trials)


def check_step(study: Study, step: Any, owner: str) -> int | None:
    """``step`` when it is None (the present) or the number of one of ``study``'s trials (the past step viewed)."""
    return None if step is None else check_int(step, "step", owner, 0, len(study.trials) - 1)


def check_history(history: Any, owner: str) -> History:
    """``history`` when it is a study's :class:`History` (``study.history()``)."""
    if not isinstance(history, History):
        raise fail("history", owner, "the study's History (study.history())", history)
    return history


def check_unit_point(point: Any, dim: int, name: str, owner: str) -> np.ndarray:
    """``point`` as a float array of shape (``dim``,), finite: a point of the unit cube (a proposal)."""
    rule = f"None or a unit-cube point of shape ({dim},)"
    array = float_array(point, name, owner, rule)
    if array.shape != (dim,) or not np.isfinite(array).all():
        raise fail(name, owner, rule, point)
    return array


def check_sources(records: Any, owner: str) -> Sequence[Any]:
    """``records`` when they are a study's warm-start sources (``study.warm_start``: each with
    ``name``, ``params`` and ``losses``)."""
    fields = ("name", "params", "losses")
    if not isinstance(records, Sequence) or isinstance(records, str) or \
            not all(hasattr(record, field) for record in records for field in fields):
        raise fail("records", owner, "the study's warm-start sources (study.warm_start)", records)
    return records


def check_export(path: Any, options: Mapping[str, Any], write: Callable[..., Any], suffixes: tuple[str, ...],
                 owner: str) -> None:
    """The file (ending in one of ``suffixes``, and one an export may replace:
    :func:`~interactive_hpo.plots.export.check_replaceable` with ``options``' ``overwrite``) and the
    option names of an export by ``write``, refused naming ``owner`` before any frame is drawn:
    ``write`` named itself, an unknown option was Python's TypeError, and a folder that does not
    exist the hidden file written first."""
    from ..plots.export import check_replaceable  # the export's modules load with the first export

    out = check_path(path, "path", owner, example="steps.html", new_folder=False)
    if out.suffix.lower() not in suffixes:
        raise fail("path", owner, f"a {', '.join(suffixes)} file name", str(path))
    accepted = [name for name, p in inspect.signature(write).parameters.items() if p.kind is p.KEYWORD_ONLY]
    for key in options:
        if key not in accepted:
            raise fail("options", owner, f"keywords among {accepted} for a {out.suffix} file", key)
    check_replaceable(out, options.get("overwrite", False), owner)
    check_writable(out, owner)  # named as the Lab's, before the export names itself
