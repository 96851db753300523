"""Every trial of a study in parallel coordinates: one polyline per trial across the parameter axes.

As in :mod:`.history` (which re-exports these names), a plain "info" record is computed first
(:func:`parallel_coordinates_info`; tests target it) and drawn second, by artists built once and
updated in place. In a conditional space a trial lacking a parameter crosses that axis at an
"inactive" slot below its range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._compat import set_colorbar_extend
from ..direction import Direction
from ..views import AxisLevels, History
from ._axes import axes_or_new, category_xticks, check_axes, slot_characters, wrap_name
from ._far_out import colour_limits
from ._history_checks import check_axes_levels, check_history
from .search_axes import to_line

__all__ = ["INACTIVE_Y", "ParallelCoordinatesInfo", "ParallelCoordinatesPlot", "axis_ticks",
           "parallel_coordinates_info", "plot_parallel_coordinates"]

#: Line widths: manual trials stand out (they also get star markers).
WIDTH, MANUAL_WIDTH = 1.2, 2.6
#: The manual trials' star: its size (area, points^2) and outline width (points).
STAR_SIZE, STAR_EDGE = 110.0, 0.6
#: How far right of its axis a tick label starts, in points: past a star on the axis (half its
#: size plus half its outline) and a gap. At 0.04 data units (5 px) the star covered "10" and "rbf".
LABEL_OFFSET = math.sqrt(STAR_SIZE) / 2 + STAR_EDGE / 2 + 1.5
#: The y limits: the unit cube of every axis, with a margin.
YLIM = (-0.03, 1.03)
#: Where an inactive parameter's vertex sits (unit-cube coordinates of the axes run 0 to 1): below
#: every axis' range, far enough that no tick label of the range reaches it.
INACTIVE_Y = -0.15


@dataclass(frozen=True, eq=False)
class ParallelCoordinatesInfo:
    """What :class:`ParallelCoordinatesPlot` draws, as arrays, worst trial first.

    Attributes
    ----------
    segments : ndarray of shape (n_c, d, 2)
        One polyline per COMPLETE trial: vertex ``j`` is (j, unit-cube coordinate j), or
        (j, :data:`INACTIVE_Y`) where parameter j is inactive for that trial.
    inactive : ndarray of shape (n_c, d), dtype bool
        Which vertices are inactive parameters (a conditional space; all False otherwise).
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
    inactive: np.ndarray
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
    # to_line: where the trials' unit coordinates are affine (a log Int's value at its bin's centre).
    return np.interp(to_line(axis, values), to_line(axis, levels), unit), [f"{v:.4g}" for v in values]


def parallel_coordinates_info(history: History, axes_levels: list[AxisLevels]) -> ParallelCoordinatesInfo:
    """Polylines of the COMPLETE trials over the d parameter axes, sorted worst to best.

    ``axes_levels`` holds one :class:`~interactive_hpo.views.AxisLevels` per column of
    ``history.X`` (shape (n, d)), in that order, e.g. ``space.axis(name)`` per name.
    Where ``history.active`` (shape (n, d)) says a trial lacks a parameter, its vertex on that
    axis is the "inactive" slot, :data:`INACTIVE_Y`, below the axis' range: every trial crosses
    every axis (with a gap there instead, a linear-kernel SVM's line, lacking gamma, was not drawn
    at all, and an rbf one's stopped before the kernel axis).
    """
    return _parallel_coordinates_info(history, axes_levels, "parallel_coordinates_info")


def _parallel_coordinates_info(history: History, axes_levels: list[AxisLevels], owner: str) -> ParallelCoordinatesInfo:
    check_axes_levels(axes_levels, owner, check_history(history, owner))
    X = np.asarray(history.X, dtype=float)
    d = len(axes_levels)
    values, losses = np.asarray(history.values, dtype=float), np.asarray(history.losses, dtype=float)
    keep = (np.asarray(history.states, dtype=object) == "COMPLETE") & np.isfinite(values)
    # Worst first, so the best trials are drawn last: on top.
    order = np.flatnonzero(keep)[np.argsort(-losses[keep], kind="stable")]
    active = np.ones(X.shape, dtype=bool) if history.active is None else np.asarray(history.active, dtype=bool)
    inactive = ~active[order]
    heights = np.where(inactive, INACTIVE_Y, X[order])
    segments = np.stack([np.broadcast_to(np.arange(d, dtype=float), (len(order), d)), heights], axis=-1)
    return ParallelCoordinatesInfo(
        segments=segments.reshape(len(order), d, 2), inactive=inactive, values=values[order],
        numbers=np.asarray(history.numbers)[order], manual=np.asarray(history.sources, dtype=object)[order] == "manual",
        ticks=[axis_ticks(axis) for axis in axes_levels], names=[axis.name for axis in axes_levels],
        direction=history.direction)


class ParallelCoordinatesPlot:
    """Every COMPLETE trial as a polyline across the parameter axes, coloured by value.

    Far-out bad values (:func:`~interactive_hpo.plots._far_out.colour_limits`: a failing
    configuration's 0.2 among accuracies of 0.97-0.99) share the worst colour, and the colour
    bar's arrow on that side says so; tick labels start clear of a manual trial's star.

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
    inactive_labels : list of Text
        Per axis, the label of its "inactive" slot: "inactive" when a drawn trial lacks that
        parameter, else empty (nor is the slot's room kept below the axes then).
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
        from matplotlib.transforms import offset_copy

        check_axes_levels(axes_levels, "ParallelCoordinatesPlot")

        ax = axes_or_new(ax, (max(5.0, 1.6 * len(axes_levels) + 1.5), 3.8), owner="ParallelCoordinatesPlot")
        self.ax, self.axes_levels = ax, list(axes_levels)
        self.info: ParallelCoordinatesInfo | None = None
        d = len(self.axes_levels)
        self.lines = LineCollection([], cmap="viridis", linewidths=WIDTH, alpha=0.8, zorder=2)
        self.lines.set_array(np.empty(0))
        self.lines.set_clim(0.0, 1.0)
        ax.add_collection(self.lines, autolim=False)
        self.manual = ax.scatter([], [], s=STAR_SIZE, marker="*", color="gold", edgecolor="black",
                                 linewidth=STAR_EDGE, zorder=4, label="manual trial")
        self.colorbar = ax.figure.colorbar(self.lines, ax=ax, pad=0.02)
        self.no_values = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color="0.3",
                                 zorder=6)  # trials, none with a value: empty axes would read as a broken plot
        self.tick_labels = []
        room = slot_characters(ax, d + 0.4)  # a label wraps to the gap before the next axis (long ones ran across)
        beside = offset_copy(ax.transData, fig=ax.figure, x=LABEL_OFFSET, units="points")  # clear of a star
        for j, axis in enumerate(self.axes_levels):
            ax.axvline(j, color="black", lw=0.8, zorder=1)
            positions, labels = axis_ticks(axis)
            ax.plot(np.full(len(positions), j), positions, ls="none", marker="_", color="black", ms=6)
            self.tick_labels.append([ax.text(j, y, wrap_name(label, room), fontsize="small", va="center", zorder=5,
                                             transform=beside) for y, label in zip(positions, labels, strict=True)])
        self.inactive_labels = [ax.text(j, INACTIVE_Y, "", fontsize="small", va="center", style="italic",
                                        color="0.3", zorder=5, transform=beside) for j in range(d)]
        self.inactive_ticks = ax.plot([], [], ls="none", marker="_", color="0.3", ms=6)[0]
        category_xticks(ax, [axis.name for axis in self.axes_levels])
        ax.set_yticks([])
        ax.set_xlim(-0.2, max(d - 1, 1) + 0.6)
        ax.set_ylim(*YLIM)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)

    def update(self, history: History) -> ParallelCoordinatesPlot:
        """Redraw from ``history`` (artists keep their identity); returns ``self``."""
        info = _parallel_coordinates_info(history, self.axes_levels, "ParallelCoordinatesPlot.update")
        self.lines.set_segments(list(info.segments))
        self.lines.set_array(info.values)
        self.lines.set_linewidth(np.where(info.manual, MANUAL_WIDTH, WIDTH).tolist())
        minimize = Direction(info.direction) is Direction.MINIMIZE
        # Far-out bad values share the worst colour, an arrow on the bar says so: one trial at 0.2
        # among 0.97-0.99 drew all the others in one yellow.
        low, high, extend = colour_limits(info.values, bad_high=minimize)
        set_colorbar_extend(self.colorbar, extend)
        self.lines.set_clim(low, high if high > low else low + 1.0)
        # For minimization the low values are the good ones: reverse the map so "best" is always bright.
        self.lines.set_cmap("viridis_r" if minimize else "viridis")
        self.colorbar.update_normal(self.lines)  # the arrow, when the limits stayed (no "changed" signal)
        self.manual.set_offsets(info.segments[info.manual].reshape(-1, 2))
        slots = np.flatnonzero(info.inactive.any(axis=0))
        for j, label in enumerate(self.inactive_labels):
            label.set_text("inactive" if j in slots else "")
        self.inactive_ticks.set_data(slots, np.full(len(slots), INACTIVE_Y))
        self.ax.set_ylim(INACTIVE_Y - 0.06 if len(slots) else YLIM[0], YLIM[1])
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
    check_axes_levels(axes_levels, "plot_parallel_coordinates", check_history(history, "plot_parallel_coordinates"))
    check_axes(ax, "plot_parallel_coordinates")
    return ParallelCoordinatesPlot(axes_levels, ax).update(history).ax
