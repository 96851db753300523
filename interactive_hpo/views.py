"""Frozen, numpy-only data handed from the core and the engines to the plots.

Plots never import the study or the optimizers (DESIGN.md section 1): they receive these
records. Each is a snapshot; changing the study afterwards does not change a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["History", "AxisLevels", "CurveGrid", "SurfaceGrid"]


def _frozen(array: Any, dtype: Any = float) -> np.ndarray:
    out = np.array(array, dtype=dtype)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class History:
    """The trials of a study as parallel arrays, in trial-number order.

    Attributes
    ----------
    numbers : ndarray of shape (n,)
        Trial numbers.
    values : ndarray of shape (n,)
        Objective values as the user sees them; NaN where the trial did not complete.
    losses : ndarray of shape (n,)
        What the optimizer minimizes (``-value`` when maximizing); NaN where not complete.
    best_values : ndarray of shape (n,)
        Best value among completed trials up to and including each trial (NaN before the first).
    states : ndarray of shape (n,), dtype object
        ``TrialState`` names ("COMPLETE", "FAILED", ...).
    sources : ndarray of shape (n,), dtype object
        Who proposed each trial: "manual", "enqueued" or an optimizer name.
    X : ndarray of shape (n, d)
        Trial positions in the unit cube.
    budgets : ndarray of shape (n,)
        Budget of each trial, NaN for full-budget trials.
    direction : str
        "minimize" or "maximize".
    """

    numbers: np.ndarray
    values: np.ndarray
    losses: np.ndarray
    best_values: np.ndarray
    states: np.ndarray
    sources: np.ndarray
    X: np.ndarray
    budgets: np.ndarray
    direction: str

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass(frozen=True, eq=False)
class AxisLevels:
    """The levels of one parameter along a plot axis.

    Attributes
    ----------
    name : str
        Parameter name.
    levels : tuple
        Values in user space (numbers, or choices for a categorical), increasing.
    unit : ndarray of shape (m,)
        The same levels in unit-cube coordinates.
    scale : str
        "linear", "log" or "categorical": how a plot should draw this axis.
    """

    name: str
    levels: tuple
    unit: np.ndarray
    scale: str


@dataclass(frozen=True, eq=False)
class CurveGrid:
    """A 1-D slice of a search space: one parameter varies, the others are fixed.

    Attributes
    ----------
    axis : AxisLevels
        The varying parameter, with m levels.
    points : ndarray of shape (m, d)
        Unit-cube points of the slice, ready for a surrogate's ``predict``.
    """

    axis: AxisLevels
    points: np.ndarray


@dataclass(frozen=True, eq=False)
class SurfaceGrid:
    """A 2-D slice of a search space: two parameters vary, the others are fixed.

    Attributes
    ----------
    x_axis, y_axis : AxisLevels
        The varying parameters, with nx and ny levels.
    points : ndarray of shape (ny, nx, d)
        Unit-cube points; ``points[i, j]`` has ``y_axis.levels[i]`` and ``x_axis.levels[j]``.
        Evaluate with ``f(points.reshape(-1, d)).reshape(ny, nx)``.
    """

    x_axis: AxisLevels
    y_axis: AxisLevels
    points: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``, the shape of a value image over this grid."""
        return self.points.shape[0], self.points.shape[1]
