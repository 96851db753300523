"""A search-space parameter on a plot axis: where points fall, where a click lands, how it is labelled.

Numbers are drawn at their values (log axes for log parameters), categoricals at the index of
their choice; :func:`axis_to_unit` turns a position back into a unit-cube coordinate, which is
how a click on a plot proposes a point.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_real, fail, float_array
from ..views import AxisLevels
from ._axes import category_xticks, steady_ticks

__all__ = ["axis_positions", "axis_to_unit", "drawn_levels", "is_integer", "style_axis"]


def axis_positions(axis: AxisLevels, unit: Any) -> np.ndarray:
    """Where unit-cube coordinates of shape (n,) fall on a plot axis of ``axis``.

    Numbers map to their value (interpolated between levels, in log space for log axes);
    categoricals map to the index of their choice, which is how the axis is drawn.
    """
    _check_axis(axis, "axis_positions")
    unit = float_array(unit, "unit", "axis_positions", "unit-cube coordinates: an array of numbers")
    if axis.scale == "categorical":
        return np.floor(unit * len(axis.levels)).clip(0, len(axis.levels) - 1)
    levels = np.asarray(axis.levels, dtype=float)
    if axis.scale == "log":
        return np.exp(np.interp(unit, axis.unit, np.log(levels)))
    return np.interp(unit, axis.unit, levels)


def axis_to_unit(axis: AxisLevels, position: float) -> float:
    """The unit-cube coordinate of a position on a plot axis of ``axis`` (inverse of
    :func:`axis_positions`): where a click on a plot lands in the search space.

    >>> from interactive_hpo import Categorical, Float, SearchSpace
    >>> space = SearchSpace([Float("C", 1e-2, 1e2, log=True), Categorical("k", ["rbf", "poly"])])
    >>> round(axis_to_unit(space.axis("C"), 1.0), 6), axis_to_unit(space.axis("k"), 0.8)
    (0.5, 0.75)
    """
    _check_axis(axis, "axis_to_unit")
    position = check_real(position, "position", "axis_to_unit")
    if axis.scale == "categorical":
        k = len(axis.levels)
        return (min(max(round(position), 0), k - 1) + 0.5) / k
    levels = np.asarray(axis.levels, dtype=float)
    if axis.scale == "log":
        return float(np.interp(np.log(max(position, levels[0])), np.log(levels), axis.unit))
    return float(np.interp(position, levels, axis.unit))


def _check_axis(axis: Any, owner: str) -> None:
    if not isinstance(axis, AxisLevels):
        raise fail("axis", owner, "an AxisLevels (space.axis(name))", axis)


def drawn_levels(axis: AxisLevels) -> np.ndarray:
    """Where the levels of ``axis`` are drawn, shape (k,): their values, or 0..k-1 for categoricals."""
    if axis.scale == "categorical":
        return np.arange(len(axis.levels), dtype=float)
    return np.asarray(axis.levels, dtype=float)


def style_axis(ax: Any, axis: AxisLevels, which: str) -> None:
    """Label, scale and (for categoricals) tick one axis of ``ax`` ("x" or "y") for ``axis``."""
    set_label, set_scale = (ax.set_xlabel, ax.set_xscale) if which == "x" else (ax.set_ylabel, ax.set_yscale)
    set_label(axis.name)
    set_scale("log" if axis.scale == "log" else "linear")
    if axis.scale == "categorical" and which == "x":
        category_xticks(ax, [str(v) for v in axis.levels])
    elif axis.scale == "categorical":
        ax.set_yticks(np.arange(len(axis.levels)), [str(v) for v in axis.levels])
    else:  # a previous categorical axis left fixed ticks behind
        locator = ax.xaxis if which == "x" else ax.yaxis
        if which == "y" and axis.scale != "log":
            steady_ticks(locator, integer=is_integer(axis))
        else:
            locator.set_major_locator(_auto_locator(axis))
        locator.set_major_formatter(_auto_formatter(axis.scale))


def is_integer(axis: AxisLevels) -> bool:
    """Whether ``axis`` is an integer parameter's on a linear scale: ticked at whole numbers
    only (a tick at 1.5 layers names no configuration)."""
    return axis.scale == "linear" and all(isinstance(level, int) for level in axis.levels)


def _auto_locator(axis: AxisLevels) -> Any:
    from matplotlib import ticker

    if axis.scale == "log":
        return ticker.LogLocator()
    if is_integer(axis):  # matplotlib's AutoLocator, at whole numbers (min_n_ticks=1: see integer_ticks)
        return ticker.MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=1)
    return ticker.AutoLocator()


def _auto_formatter(scale: str) -> Any:
    from matplotlib import ticker

    return ticker.LogFormatterSciNotation() if scale == "log" else ticker.ScalarFormatter()
