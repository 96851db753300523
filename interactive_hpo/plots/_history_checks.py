"""The input checks of the plots of a study's history (:mod:`.history`, :mod:`.parallel`): a
History whose arrays agree, and one AxisLevels per parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import fail
from ..direction import Direction
from ..views import AxisLevels, History

__all__ = ["HISTORY_COLUMNS", "check_axes_levels", "check_history"]

#: The arrays of a History with one entry per trial (X and active have a row per trial).
HISTORY_COLUMNS = ("numbers", "values", "losses", "best_values", "states", "sources", "budgets")


def check_history(history: Any, owner: str) -> History:
    """``history`` if it is a History whose arrays agree in length (else numpy failed inside, "operands
    could not be broadcast together") and whose direction is one."""
    if not isinstance(history, History):
        raise fail("history", owner, "a History (study.history())", history)
    shapes = {name: np.shape(getattr(history, name)) for name in (*HISTORY_COLUMNS, "X", "active")}
    rows, x = shapes["numbers"][:1], shapes["X"]   # rows: (n,)
    wrong = [name for name in HISTORY_COLUMNS if shapes[name] != rows or len(rows) != 1]
    if len(x) != 2 or x[:1] != rows:
        wrong.append("X")
    if shapes["active"] not in ((), x):
        wrong.append("active")
    if wrong:
        raise fail("history", owner, "a History (study.history()) with one entry per trial in each array, X and "
                   "active of shape (n, d)", ", ".join(f"{name} of shape {shapes[name]}" for name in wrong),
                   hint=f"Its numbers have shape {shapes['numbers']}.")
    Direction.parse(history.direction, "history.direction", owner)
    return history


def check_axes_levels(axes_levels: Any, owner: str, history: History | None = None) -> list[AxisLevels]:
    """One AxisLevels per parameter (per column of ``history.X``, when given)."""
    d = None if history is None else np.shape(history.X)[1] if np.ndim(history.X) == 2 else 0
    rule = f"a list of {'d' if d is None else d} AxisLevels, one per column of history.X (space.axis(name))"
    if isinstance(axes_levels, str) or not isinstance(axes_levels, Sequence) \
            or not all(isinstance(axis, AxisLevels) for axis in axes_levels):
        raise fail("axes_levels", owner, rule, axes_levels)
    if d is not None and len(axes_levels) != d:
        raise fail("axes_levels", owner, rule, f"{len(axes_levels)} of them")
    return list(axes_levels)
