"""A search-space parameter on a plot axis: where points fall, where a click lands, how it is labelled.

Numbers are drawn at their values (log axes for log parameters), categoricals at the index of
their choice; :func:`axis_to_unit` turns a position back into a unit-cube coordinate, which is
how a click on a plot proposes a point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_real, fail, float_array
from ..views import AxisLevels
from ._axes import category_xticks, steady_ticks

__all__ = ["axis_positions", "axis_span", "axis_to_unit", "cell_edges", "clicked_value", "drawn_levels", "from_line",
           "is_integer", "is_log_integer", "log_integer_ticks", "not_drawn", "style_axis", "to_line", "value_positions"]

#: A log integer axis spanning fewer decades than this is ticked at whole numbers between the
#: powers of ten (1, 2, 3, 5, 10): ``Int(1, 12, log=True)`` was labelled at 1 and 10 only.
WHOLE_TICK_DECADES = 2.0
#: ... at the densest of these digits that leave at most WHOLE_TICKS ticks: every digit of 3 to 12
#: overlapped on a map of the Lab (about 206 px high).
WHOLE_TICK_DIGITS = (np.arange(1.0, 10.0), np.array([1.0, 2.0, 3.0, 5.0]), np.array([1.0, 2.0, 5.0]),
                     np.array([1.0]))
WHOLE_TICKS = 5


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


def clicked_value(axis: AxisLevels, position: float) -> Any:
    """The value of a categorical or integer ``axis``'s parameter that a click at plot ``position``
    evaluates: the click's unit coordinate (:func:`axis_to_unit`, which keeps a press in the
    margin at the nearest end) decoded as its trial is (:func:`value_positions`).

    >>> from interactive_hpo import Categorical, Int, SearchSpace
    >>> space = SearchSpace([Categorical("k", ["a", "b", "c"]), Int("n", 1, 100, log=True)])
    >>> clicked_value(space.axis("k"), 1.4), clicked_value(space.axis("k"), 3.2)
    ('b', 'c')
    >>> [clicked_value(space.axis("n"), p) for p in (6.4, 6.6)]  # 6 and 7 meet at 6.52 (cell_edges)
    [6, 7]
    """
    drawn = value_positions(axis, [axis_to_unit(axis, position)])[0]
    return axis.levels[int(drawn)] if axis.scale == "categorical" else int(drawn)


def value_positions(axis: AxisLevels, unit: Any) -> np.ndarray:
    """Where the values that unit-cube coordinates of shape (n,) decode to are drawn, shape (n,):
    an integer at the value whose bin holds its coordinate (as ``Int.from_unit`` decodes it), a
    categorical at its choice's index, a float at :func:`axis_positions`.

    A CMA-ES sample not yet asked sits anywhere in its bin; its trial evaluates the bin's value
    (a pending n = 6 was drawn at 6.18).

    >>> from interactive_hpo import Int, SearchSpace
    >>> space = SearchSpace([Int("n", 1, 1000, log=True)])
    >>> u = space["n"].to_unit(6)
    >>> value_positions(space.axis("n"), [u, u + 0.004]).tolist()
    [6.0, 6.0]
    """
    _check_axis(axis, "value_positions")
    unit = float_array(unit, "unit", "value_positions", "unit-cube coordinates: an array of numbers")
    if not (is_integer(axis) or is_log_integer(axis)):
        return axis_positions(axis, unit)
    # The line coordinate of the point itself (not through its position, which rounds): a log
    # integer's bin [v, v + 1) is [log v, log(v + 1)) there, a linear one's [v - 0.5, v + 0.5).
    line = np.interp(unit, axis.unit, to_line(axis, axis.levels))
    return np.floor(np.exp(line)) if is_log_integer(axis) else np.floor(line + 0.5)


def cell_edges(axis: AxisLevels) -> np.ndarray:
    """The edges, shape (k + 1,), of the cells a heatmap draws around the k levels of ``axis``,
    so that a click in a level's cell evaluates a value of that cell.

    Between two levels, halfway along :func:`to_line` (in log space on a log axis); for an
    integer, moved to the nearest edge of the values' bins, which a cell may not split (a log
    integer's 1 and 2 meet at 1.5616, where a click goes from 1 to 2: the cells met at 1.5, and a
    click at 1.53 in the cell of 2 evaluated 1). At the ends, :func:`axis_span` for an integer
    or a categorical; half a step past the last level (in log space) for a float.

    >>> from interactive_hpo import Int, SearchSpace
    >>> cell_edges(SearchSpace([Int("k", 1, 3, log=True)]).axis("k")).round(4).tolist()
    [0.5, 1.5616, 2.5414, 3.5]
    """
    _check_axis(axis, "cell_edges")
    if axis.scale == "categorical":
        return np.arange(len(axis.levels) + 1) - 0.5
    levels = np.asarray(axis.levels, dtype=float)
    line = to_line(axis, levels)
    middle = (line[1:] + line[:-1]) / 2
    if is_log_integer(axis):  # bins meet at log k: the k nearest the middle, within (a, b]
        below = np.floor(np.exp(middle))
        nearest = np.where(middle - np.log(below) <= np.log1p(below) - middle, below, below + 1)
        middle = np.log(np.clip(nearest, levels[:-1] + 1, levels[1:]))
    elif is_integer(axis):  # bins meet at k - 0.5
        middle = np.clip(np.round(middle - 0.5) + 0.5, levels[:-1] + 0.5, levels[1:] - 0.5)
    if is_integer(axis) or is_log_integer(axis):
        return np.concatenate([[axis_span(axis)[0]], from_line(axis, middle), [axis_span(axis)[1]]])
    # A float has two levels at least (its bounds differ).
    return from_line(axis, np.concatenate([[1.5 * line[0] - 0.5 * line[1]], middle, [1.5 * line[-1] - 0.5 * line[-2]]]))


def not_drawn(names: Sequence[str], off: np.ndarray, off_star: np.ndarray | None = None, star: str = "",
              what: str = "trials") -> str:
    """The sentence saying what a plot over the parameters ``names`` leaves off in a conditional
    space: the ``what`` (trials, members) whose row of ``off`` (shape (n, len(names)), True where
    that parameter is inactive) has a True, and the proposal ``star`` names ("the next proposal",
    "trial 7") when ``off_star`` (shape (len(names),)) has one; "" when everything is drawn."""
    parts = []
    hidden = np.asarray(off.any(axis=1))
    if hidden.any():
        k, them = int(hidden.sum()), "it" if hidden.sum() == 1 else "them"
        parts.append(f"{k} of {len(hidden)} {what} {'is' if k == 1 else 'are'} not drawn: "
                     f"{_names(names, np.asarray(off.any(axis=0)))} is inactive for {them}")
    if off_star is not None and off_star.any():
        parts.append(f"{star} is not starred: {_names(names, off_star)} is inactive for it")
    sentence = "; ".join(parts)
    return f"{sentence[:1].upper()}{sentence[1:]}." if sentence else ""


def _names(names: Sequence[str], which: np.ndarray) -> str:
    """The names flagged in ``which`` (bool, one per name), joined by "or"."""
    return " or ".join(name for name, flagged in zip(names, which, strict=True) if flagged)


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
    """Label, scale and (for categoricals) tick one axis of ``ax`` ("x" or "y") for ``axis``; the
    mouse readout (``ax.format_coord``) of a categorical or integer axis names the value a click
    there evaluates (:func:`clicked_value`): a categorical's read blank off its ticks."""
    set_label, set_scale = (ax.set_xlabel, ax.set_xscale) if which == "x" else (ax.set_ylabel, ax.set_yscale)
    set_label(axis.name)
    discrete = axis.scale == "categorical" or is_integer(axis) or is_log_integer(axis)
    # None: a float's own formatter (a categorical axis drawn here before left its readout behind).
    setattr(ax, f"fmt_{which}data", (lambda position: str(clicked_value(axis, position))) if discrete else None)
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
        if is_log_integer(axis):
            log_integer_ticks(locator, axis)


def log_integer_ticks(ticked: Any, axis: AxisLevels) -> None:
    """Tick and label a matplotlib Axis ``ticked`` (on a log scale) at whole numbers between the
    powers of ten when ``axis``, a log integer's, spans under :data:`WHOLE_TICK_DECADES` decades:
    1, 2, 3, 4 on 1 to 4, 1, 2, 3, 5, 10 on 1 to 12, 1, 2, 5, 10, 20 on 1 to 40 (at most
    :data:`WHOLE_TICKS`), minor ticks unlabelled; wider axes keep their decades.
    ``Int(1, 12, log=True)`` was labelled at 1 and 10 only.
    """
    from matplotlib import ticker

    low, high = axis_span(axis)
    decades = np.log10(high / low)
    if not is_log_integer(axis) or decades >= WHOLE_TICK_DECADES:
        return
    powers = 10.0 ** np.arange(np.floor(np.log10(low)), np.ceil(np.log10(high)) + 1)
    for digits in WHOLE_TICK_DIGITS:  # the most that leave at most WHOLE_TICKS ticks
        ticks = np.outer(powers, digits).ravel()
        if np.count_nonzero((ticks >= max(low, 1.0)) & (ticks <= high)) <= WHOLE_TICKS:
            break
    ticked.set_major_locator(_whole_log_locator()(subs=digits))
    # Every tick labelled, plainly ("2", not "2x10^0"): matplotlib's log formatter labels only
    # the powers of ten on an axis of more than one decade.
    ticked.set_major_formatter(ticker.FuncFormatter(lambda x, pos: f"{x:g}"))
    ticked.set_minor_formatter(ticker.NullFormatter())


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


def _whole_log_locator() -> Any:
    from matplotlib import ticker

    class WholeLogLocator(ticker.LogLocator):
        """matplotlib's LogLocator at whole numbers only (0.5, on a log integer's axis span, names no value)."""

        def tick_values(self, vmin: float, vmax: float) -> Any:
            ticks = np.asarray(super().tick_values(vmin, vmax))
            return ticks[(ticks >= 1) & (ticks == np.round(ticks))]

    return WholeLogLocator


def _auto_formatter(scale: str) -> Any:
    from matplotlib import ticker

    return ticker.LogFormatterSciNotation() if scale == "log" else ticker.ScalarFormatter()
