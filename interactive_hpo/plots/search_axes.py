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

__all__ = ["axis_positions", "axis_span", "axis_to_unit", "drawn_levels", "from_line", "is_integer",
           "is_log_integer", "style_axis", "to_line"]


def axis_positions(axis: AxisLevels, unit: Any) -> np.ndarray:
    """Where unit-cube coordinates of shape (n,) fall on a plot axis of ``axis``.

    Numbers map to their value (interpolated between levels, in log space for log axes);
    categoricals map to the index of their choice, which is how the axis is drawn.
    """
    _check_axis(axis, "axis_positions")
    unit = float_array(unit, "unit", "axis_positions", "unit-cube coordinates: an array of numbers")
    if axis.scale == "categorical":
        return np.floor(unit * len(axis.levels)).clip(0, len(axis.levels) - 1)
    return from_line(axis, np.interp(unit, axis.unit, to_line(axis, axis.levels)))


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
    if axis.scale == "log":
        position = max(position, float(axis.levels[0]))  # a log axis has no place at or below 0
    return float(np.interp(to_line(axis, position), to_line(axis, axis.levels), axis.unit))


def to_line(axis: AxisLevels, positions: Any) -> np.ndarray:
    """The coordinate of plot positions (array-like of shape (n,), > 0 on a log axis) along a
    number's ``axis`` in which its unit coordinates are affine, so that interpolating between
    two levels is exact: the value; its log on a log axis; for a log integer the log of the
    centre of its bin [v, v + 1), ``(log v + log(v + 1)) / 2``, where ``Int.to_unit`` puts it
    (interpolating ``log v`` between the levels 1 and 1000 drew 22 at 18.4, and a click on it
    evaluated 18)."""
    positions = np.asarray(positions, dtype=float)
    if axis.scale != "log":
        return positions
    if is_log_integer(axis):
        return 0.5 * (np.log(positions) + np.log1p(positions))
    return np.log(positions)


def from_line(axis: AxisLevels, line: Any) -> np.ndarray:
    """Plot positions of coordinates ``line`` (array-like of shape (n,)) of :func:`to_line`
    (its inverse)."""
    line = np.asarray(line, dtype=float)
    if axis.scale != "log":
        return line
    if is_log_integer(axis):
        # v with v (v + 1) = e^(2 line): (sqrt(1 + 4 e^(2 line)) - 1) / 2, written without overflow or cancellation.
        shrink = np.exp(-line)
        return 2.0 * np.exp(line) / (shrink + np.hypot(shrink, 2.0))
    return np.exp(line)


def axis_span(axis: AxisLevels) -> tuple[float, float]:
    """The positions on a plot axis of ``axis`` that stand for one of its values, as the plot
    shows them: a float's range; for an int (on a linear or a log scale) its values, each the
    centre of a bin one wide (a member at an end is drawn whole, and a press on its outer half
    is on the plot); for a categorical its choices' indices, likewise (choice ``i`` is drawn at ``i``).

    >>> from interactive_hpo import Categorical, Int, SearchSpace
    >>> space = SearchSpace([Int("n", 1, 1000, log=True), Categorical("k", ["a", "b", "c"])])
    >>> axis_span(space.axis("n", resolution=2)), axis_span(space.axis("k"))
    ((0.5, 1000.5), (-0.5, 2.5))
    """
    _check_axis(axis, "axis_span")
    if axis.scale == "categorical":
        return -0.5, len(axis.levels) - 0.5
    low, high = float(axis.levels[0]), float(axis.levels[-1])
    return (low - 0.5, high + 0.5) if is_integer(axis) or is_log_integer(axis) else (low, high)


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


def is_log_integer(axis: AxisLevels) -> bool:
    """Whether ``axis`` is an integer parameter's on a log scale (``Int(log=True)``)."""
    return axis.scale == "log" and all(isinstance(level, int) for level in axis.levels)


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
