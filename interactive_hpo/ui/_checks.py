"""Checks of what the panels are built with, in the package's one message template
(:func:`interactive_hpo._validation.fail`): a wrong argument is refused where it was typed,
naming the panel, instead of an AttributeError ("'str' object has no attribute 'guard'") from
the first line that used it, or a callback that fails at the first click, far from its cause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._validation import fail
from ..goals import Goals
from ..space import SearchSpace
from .errors import ErrorLog

__all__ = ["check_callback", "check_goals", "check_space", "error_log"]


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
