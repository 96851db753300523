"""How a study went: the best value so far over trials, and every trial in parallel coordinates.

Following Optuna's ``optuna/visualization/_optimization_history.py``, plain "info" records are
computed first (:func:`best_so_far_info`, :func:`parallel_coordinates_info`; tests target them)
and rendered second. The renderers build their artists once and update them in place, so the app
can redraw on every trial (DESIGN.md section 4); the caller then calls ``fig.canvas.draw_idle()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import fail
from ..direction import Direction
from ..views import AxisLevels, History
from ._axes import (
    axes_or_new,
    category_xticks,
    check_axes,
    drawn_entries,
    far_out,
    integer_ticks,
    legend_in_band,
    slot_characters,
    wrap_name,
)

__all__ = ["BestSoFarInfo", "BestSoFarPlot", "ParallelCoordinatesInfo", "ParallelCoordinatesPlot",
           "best_so_far_info", "parallel_coordinates_info", "plot_best_so_far", "plot_parallel_coordinates"]

#: Height (a fraction of the Axes) at which trials without a value are marked along the bottom.
NO_VALUE_Y = 0.03
#: Line widths in parallel coordinates: manual trials stand out (they also get star markers).
WIDTH, MANUAL_WIDTH = 1.2, 2.6


def _limits(values: np.ndarray, default: tuple[float, float] = (0.0, 1.0)) -> tuple[float, float]:
    """Data range padded by 5% (or by 0.5 around a single value); ``default`` without data."""
    values = values[np.isfinite(values)]
    if not values.size:
        return default
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) if high > low else 0.5 * max(1.0, abs(low))
    return low - pad, high + pad


@dataclass(frozen=True, eq=False)
class BestSoFarInfo:
    """What :class:`BestSoFarPlot` draws, as arrays.

    Attributes
    ----------
    points : ndarray of shape (n_c, 2)
        (number, value) of COMPLETE trials proposed by an optimizer or enqueued.
    manual : ndarray of shape (n_m, 2)
        (number, value) of COMPLETE manual trials.
    best : ndarray of shape (n_b, 2)
        (number, best value so far) from the first COMPLETE trial on, drawn as a step line.
    failed, pruned : ndarray of shape (n_f,) and (n_p,)
        Numbers of FAILED and PRUNED trials: they have no value to plot.
    off_scale : ndarray of shape (n_o,)
        Numbers of COMPLETE trials whose value lies far out on the bad side
        (:func:`~interactive_hpo.plots._axes.far_out`): ``ylim`` leaves them out.
    xlim, ylim : tuple of float
        Axes limits covering every trial and every value but those off the scale
        (:class:`BestSoFarPlot` raises the top of ``ylim`` by a band that holds its legend).
    direction : str
        "minimize" or "maximize".
    """

    points: np.ndarray
    manual: np.ndarray
    best: np.ndarray
    failed: np.ndarray
    pruned: np.ndarray
    off_scale: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    direction: str


#: The arrays of a History with one entry per trial (X and active have a row per trial).
HISTORY_COLUMNS = ("numbers", "values", "losses", "best_values", "states", "sources", "budgets")


def _check_history(history: Any, owner: str) -> History:
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


def _check_axes_levels(axes_levels: Any, owner: str, history: History | None = None) -> list[AxisLevels]:
    """One AxisLevels per parameter (per column of ``history.X``, when given)."""
    d = None if history is None else np.shape(history.X)[1] if np.ndim(history.X) == 2 else 0
    rule = f"a list of {'d' if d is None else d} AxisLevels, one per column of history.X (space.axis(name))"
    if isinstance(axes_levels, str) or not isinstance(axes_levels, Sequence) \
            or not all(isinstance(axis, AxisLevels) for axis in axes_levels):
        raise fail("axes_levels", owner, rule, axes_levels)
    if d is not None and len(axes_levels) != d:
        raise fail("axes_levels", owner, rule, f"{len(axes_levels)} of them")
    return list(axes_levels)


def best_so_far_info(history: History) -> BestSoFarInfo:
    """Split a :class:`~interactive_hpo.views.History` into the layers of the best-so-far plot."""
    return _best_so_far_info(history, "best_so_far_info")


def _best_so_far_info(history: History, owner: str) -> BestSoFarInfo:
    _check_history(history, owner)
    numbers = np.asarray(history.numbers, dtype=float)
    values = np.asarray(history.values, dtype=float)
    states, sources = np.asarray(history.states, dtype=object), np.asarray(history.sources, dtype=object)
    complete = (states == "COMPLETE") & np.isfinite(values)
    is_manual = sources == "manual"

    def pairs(mask: np.ndarray, ys: np.ndarray = values) -> np.ndarray:
        return np.column_stack([numbers[mask], ys[mask]]).reshape(-1, 2)

    best_values = np.asarray(history.best_values, dtype=float)
    xmax = float(numbers.max()) if numbers.size else 0.0
    off = complete & far_out(values, high=Direction(history.direction) is Direction.MINIMIZE)
    return BestSoFarInfo(
        points=pairs(complete & ~is_manual), manual=pairs(complete & is_manual),
        best=pairs(np.isfinite(best_values), best_values),
        failed=numbers[states == "FAILED"], pruned=numbers[states == "PRUNED"], off_scale=numbers[off],
        xlim=(-0.5, max(xmax, 1.0) + 0.5), ylim=_limits(values[complete & ~off]), direction=history.direction)


class BestSoFarPlot:
    """Trial values and the best value so far against the trial number, updatable in place.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Attributes
    ----------
    ax : Axes
    points, manual, failed, pruned : PathCollection
        Scatter layers: optimizer trials (dots), manual trials (stars), FAILED and PRUNED trials
        (crosses along the bottom of the Axes: they have no value).
    best : Line2D
        The best-so-far step line.
    info : BestSoFarInfo or None
        What was drawn last.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), seed=0)
    >>> _ = study.run(lambda p: p["x"] ** 2, n_trials=5)
    >>> plot = BestSoFarPlot(Figure().add_subplot()).update(study.history())
    >>> _ = study.add_manual({"x": 0.0}, 0.0)
    >>> plot.update(study.history()).best.get_ydata()[-1], len(plot.manual.get_offsets())
    (np.float64(0.0), 1)
    """

    def __init__(self, ax: Any = None):
        ax = self.ax = axes_or_new(ax, (7, 3.5), owner="BestSoFarPlot")
        self.info: BestSoFarInfo | None = None
        empty = np.empty((0, 2))
        self.points = ax.scatter(*empty.T, s=18, color="C0", alpha=0.7, zorder=2, label="trial")
        self.manual = ax.scatter(*empty.T, s=120, marker="*", color="gold", edgecolor="black", linewidth=0.6,
                                 zorder=4, label="manual trial")
        (self.best,) = ax.plot([], [], drawstyle="steps-post", color="C3", lw=2, zorder=3, label="best so far")
        # x in data units, y in Axes units: the crosses stay on the bottom edge whatever the values.
        bottom = ax.get_xaxis_transform()
        self.failed = ax.scatter(*empty.T, marker="x", color="C3", s=30, transform=bottom, clip_on=False,
                                 zorder=4, label="failed")
        self.pruned = ax.scatter(*empty.T, marker="x", color="gray", s=30, transform=bottom, clip_on=False,
                                 zorder=4, label="pruned")
        # Far-out bad values, on the edge they lie beyond (the top when minimizing).
        self.off_scale = {side: ax.scatter(*empty.T, marker=marker, color="C0", s=30, transform=bottom, clip_on=False,
                                           zorder=4, label=f"far {side} (off the scale)")
                          for side, marker in (("above", "^"), ("below", "v"))}
        integer_ticks(ax.xaxis)
        ax.set_xlabel("trial")
        ax.set_ylabel("objective")
        # Trials but no value: the y axis (0 to 1) would read as values; said, not left to guess.
        self.no_values = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color="0.3")

    def update(self, history: History) -> BestSoFarPlot:
        """Redraw from ``history`` (artists keep their identity); returns ``self``."""
        info = _best_so_far_info(history, "BestSoFarPlot.update")
        self.points.set_offsets(info.points)
        self.manual.set_offsets(info.manual)
        self.best.set_data(info.best[:, 0], info.best[:, 1])
        for layer, numbers in ((self.failed, info.failed), (self.pruned, info.pruned)):
            layer.set_offsets(np.column_stack([numbers, np.full(len(numbers), NO_VALUE_Y)]))
        above = Direction(info.direction) is Direction.MINIMIZE
        for side, y in (("above", 1.0 - NO_VALUE_Y), ("below", NO_VALUE_Y)):
            shown = info.off_scale if (side == "above") == above else np.empty(0)
            self.off_scale[side].set_offsets(np.column_stack([shown, np.full(len(shown), y)]))
        self.ax.set_xlim(*info.xlim)
        self.ax.set_ylim(*info.ylim)
        self.ax.set_ylabel(f"objective ({Direction(info.direction).word} is better)")
        valued = len(info.points) + len(info.manual)
        self.no_values.set_text("" if valued or not (len(info.failed) or len(info.pruned)) else
                                "no trial has a value yet: every one failed or was pruned (crosses)")
        # Only what is drawn ("failed" and "pruned" with no such trial named nothing), inside the
        # axes in a band above the values: above the axes it ran past the figure's top wherever no
        # layout made room (a hidden Lab tab is not laid out again; a user's own Axes). "best"
        # picks a corner of the band clear of the off-the-scale marks drawn along the top.
        handles, labels = drawn_entries(self.ax)
        if handles:
            legend_in_band(self.ax.legend(handles, labels, loc="best", ncols=5, fontsize="small", frameon=False,
                                          borderaxespad=0.2), [self.ax], "top")
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        self.info = info
        return self


def plot_best_so_far(history: History, ax: Any = None) -> Any:
    """Draw a :class:`BestSoFarPlot` of ``history`` once and return its Axes."""
    _check_history(history, "plot_best_so_far")
    check_axes(ax, "plot_best_so_far")
    return BestSoFarPlot(ax).update(history).ax


@dataclass(frozen=True, eq=False)
class ParallelCoordinatesInfo:
    """What :class:`ParallelCoordinatesPlot` draws, as arrays, worst trial first.

    Attributes
    ----------
    segments : ndarray of shape (n_c, d, 2)
        One polyline per COMPLETE trial: vertex ``j`` is (j, unit-cube coordinate j).
    values : ndarray of shape (n_c,)
        Their objective values (the line colours).
    numbers : ndarray of shape (n_c,)
        Their trial numbers.
    manual : ndarray of shape (n_c,), dtype bool
        Which of them are manual trials.
    ticks : list of (ndarray of shape (k,), list of str)
        Per axis: tick positions in the unit cube and their labels in user units.
    names : list of str
        Axis (parameter) names.
    direction : str
        "minimize" or "maximize".
    """

    segments: np.ndarray
    values: np.ndarray
    numbers: np.ndarray
    manual: np.ndarray
    ticks: list
    names: list
    direction: str


def axis_ticks(axis: AxisLevels, n: int = 5) -> tuple[np.ndarray, list[str]]:
    """About ``n`` ticks for one parameter: (unit-cube positions of shape (k,), labels in user units).

    Categoricals get one tick per choice; numbers get round values (decades on a log axis).
    """
    if axis.scale == "categorical":
        k = len(axis.levels)
        return (np.arange(k) + 0.5) / k, [str(choice) for choice in axis.levels]
    from matplotlib.ticker import LogLocator, MaxNLocator

    levels, unit = np.asarray(axis.levels, dtype=float), np.asarray(axis.unit, dtype=float)
    low, high = float(levels[0]), float(levels[-1])
    integer = all(isinstance(v, int | np.integer) for v in axis.levels)
    if axis.scale == "log":
        values = np.asarray(LogLocator(numticks=n + 1).tick_values(low, high), dtype=float)
    else:
        values = np.asarray(MaxNLocator(n, integer=integer).tick_values(low, high), dtype=float)
    values = values[(values >= low - 1e-9 * abs(low)) & (values <= high + 1e-9 * abs(high))]
    if len(values) < 2:  # a narrow range between round numbers: label the ends
        values = np.array([low, high])
    to = np.log if axis.scale == "log" else np.asarray
    return np.interp(to(values), to(levels), unit), [f"{v:.4g}" for v in values]


def parallel_coordinates_info(history: History, axes_levels: list[AxisLevels]) -> ParallelCoordinatesInfo:
    """Polylines of the COMPLETE trials over the d parameter axes, sorted worst to best.

    ``axes_levels`` holds one :class:`~interactive_hpo.views.AxisLevels` per column of
    ``history.X`` (shape (n, d)), in that order, e.g. ``space.axis(name)`` per name.
    Where ``history.active`` says a trial lacks a parameter, its polyline has a gap (NaN).
    """
    return _parallel_coordinates_info(history, axes_levels, "parallel_coordinates_info")


def _parallel_coordinates_info(history: History, axes_levels: list[AxisLevels], owner: str) -> ParallelCoordinatesInfo:
    _check_axes_levels(axes_levels, owner, _check_history(history, owner))
    X = np.asarray(history.X, dtype=float)
    d = len(axes_levels)
    values, losses = np.asarray(history.values, dtype=float), np.asarray(history.losses, dtype=float)
    keep = (np.asarray(history.states, dtype=object) == "COMPLETE") & np.isfinite(values)
    # Worst first, so the best trials are drawn last: on top.
    order = np.flatnonzero(keep)[np.argsort(-losses[keep], kind="stable")]
    heights = X[order] if history.active is None else np.where(history.active[order], X[order], np.nan)
    # An inactive parameter (a conditional space) has no value: NaN breaks the polyline there.
    segments = np.stack([np.broadcast_to(np.arange(d, dtype=float), (len(order), d)), heights], axis=-1)
    return ParallelCoordinatesInfo(
        segments=segments.reshape(len(order), d, 2), values=values[order],
        numbers=np.asarray(history.numbers)[order], manual=np.asarray(history.sources, dtype=object)[order] == "manual",
        ticks=[axis_ticks(axis) for axis in axes_levels], names=[axis.name for axis in axes_levels],
        direction=history.direction)


class ParallelCoordinatesPlot:
    """Every COMPLETE trial as a polyline across the parameter axes, coloured by value.

    Parameters
    ----------
    axes_levels : list of AxisLevels
        One per parameter, in the order of ``History.X``'s columns (``space.axis(name)``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Attributes
    ----------
    lines : LineCollection
        The polylines, worst first (the best on top), coloured by value (``lines.get_array()``).
    manual : PathCollection
        Stars on the vertices of manual trials.
    colorbar : Colorbar
    tick_labels : list of list of Text
        Per axis, its labels in user units (categoricals by choice).
    info : ParallelCoordinatesInfo or None
        What was drawn last.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo import Categorical, Float, SearchSpace, Study
    >>> space = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Float("m", 0, 1), Categorical("act", ["relu", "tanh"])])
    >>> study = Study(space, seed=0)
    >>> _ = study.run(lambda p: p["m"], n_trials=4)
    >>> plot = ParallelCoordinatesPlot([space.axis(n) for n in space.names], Figure().add_subplot())
    >>> plot.update(study.history()).lines.get_array().shape, [t.get_text() for t in plot.tick_labels[2]]
    ((4,), ['relu', 'tanh'])
    """

    def __init__(self, axes_levels: list[AxisLevels], ax: Any = None):
        from matplotlib.collections import LineCollection

        _check_axes_levels(axes_levels, "ParallelCoordinatesPlot")

        ax = axes_or_new(ax, (max(5.0, 1.6 * len(axes_levels) + 1.5), 3.8), owner="ParallelCoordinatesPlot")
        self.ax, self.axes_levels = ax, list(axes_levels)
        self.info: ParallelCoordinatesInfo | None = None
        d = len(self.axes_levels)
        self.lines = LineCollection([], cmap="viridis", linewidths=WIDTH, alpha=0.8, zorder=2)
        self.lines.set_array(np.empty(0))
        self.lines.set_clim(0.0, 1.0)
        ax.add_collection(self.lines, autolim=False)
        self.manual = ax.scatter([], [], s=110, marker="*", color="gold", edgecolor="black", linewidth=0.6,
                                 zorder=4, label="manual trial")
        self.colorbar = ax.figure.colorbar(self.lines, ax=ax, pad=0.02)
        self.no_values = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color="0.3",
                                 zorder=6)  # trials, none with a value: empty axes would read as a broken plot
        self.tick_labels = []
        room = slot_characters(ax, d + 0.4)  # a label wraps to the gap before the next axis (long ones ran across)
        for j, axis in enumerate(self.axes_levels):
            ax.axvline(j, color="black", lw=0.8, zorder=1)
            positions, labels = axis_ticks(axis)
            ax.plot(np.full(len(positions), j), positions, ls="none", marker="_", color="black", ms=6)
            self.tick_labels.append([ax.text(j + 0.04, y, wrap_name(label, room), fontsize="small", va="center",
                                             zorder=5) for y, label in zip(positions, labels, strict=True)])
        category_xticks(ax, [axis.name for axis in self.axes_levels])
        ax.set_yticks([])
        ax.set_xlim(-0.2, max(d - 1, 1) + 0.6)
        ax.set_ylim(-0.03, 1.03)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)

    def update(self, history: History) -> ParallelCoordinatesPlot:
        """Redraw from ``history`` (artists keep their identity); returns ``self``."""
        info = _parallel_coordinates_info(history, self.axes_levels, "ParallelCoordinatesPlot.update")
        self.lines.set_segments(list(info.segments))
        self.lines.set_array(info.values)
        self.lines.set_linewidth(np.where(info.manual, MANUAL_WIDTH, WIDTH).tolist())
        low, high = (float(info.values.min()), float(info.values.max())) if info.values.size else (0.0, 1.0)
        self.lines.set_clim(low, high if high > low else low + 1.0)
        # For minimization the low values are the good ones: reverse the map so "best" is always bright.
        self.lines.set_cmap("viridis_r" if Direction(info.direction) is Direction.MINIMIZE else "viridis")
        self.manual.set_offsets(info.segments[info.manual].reshape(-1, 2))
        self.colorbar.set_label(f"objective ({Direction(info.direction).word} is better)")
        self.no_values.set_text("no trial has a value yet" if len(history) and not info.values.size else "")
        if info.manual.any():  # a "manual trial" entry with none drawn named nothing
            self.ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize="small", frameon=False)
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        self.info = info
        return self


def plot_parallel_coordinates(history: History, axes_levels: list[AxisLevels], ax: Any = None) -> Any:
    """Draw a :class:`ParallelCoordinatesPlot` of ``history`` once and return its Axes."""
    _check_axes_levels(axes_levels, "plot_parallel_coordinates", _check_history(history, "plot_parallel_coordinates"))
    check_axes(ax, "plot_parallel_coordinates")
    return ParallelCoordinatesPlot(axes_levels, ax).update(history).ax
