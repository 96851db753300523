"""How a study went: the best value so far over trials (here), and every trial in parallel
coordinates (:mod:`.parallel`, re-exported here).

Following Optuna's ``optuna/visualization/_optimization_history.py``, plain "info" records are
computed first (:func:`best_so_far_info`, :func:`parallel_coordinates_info`; tests target them)
and rendered second. The renderers build their artists once and update them in place, so the app
can redraw on every trial (DESIGN.md section 4); the caller then calls ``fig.canvas.draw_idle()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..direction import Direction
from ..views import History
from ._axes import (
    FAILED_MARKER,
    MANUAL_MARKER,
    axes_or_new,
    check_axes,
    drawn_entries,
    integer_ticks,
    legend_in_band,
    markers_whole,
)
from ._far_out import far_out
from ._history_checks import check_history
from .parallel import (  # parallel coordinates have their own module; their names stay importable here
    ParallelCoordinatesInfo,
    ParallelCoordinatesPlot,
    axis_ticks,
    parallel_coordinates_info,
    plot_parallel_coordinates,
)

__all__ = ["BestSoFarInfo", "BestSoFarPlot", "ParallelCoordinatesInfo", "ParallelCoordinatesPlot", "axis_ticks",
           "best_so_far_info", "parallel_coordinates_info", "plot_best_so_far", "plot_parallel_coordinates"]

#: Largest magnitude of a value that sets a linear axis's limits (padded a little beyond), within
#: what matplotlib can tick (its locator overflowed on a manual -1.7e308 and 1.7e308): values
#: beyond are marked off the scale, on the edge they lie beyond, whichever side that is.
DRAWABLE = 1e300

#: Height (a fraction of the Axes) at which trials without a value are marked along the bottom.
NO_VALUE_Y = 0.03


def _limits(values: np.ndarray, default: tuple[float, float] = (0.0, 1.0)) -> tuple[float, float]:
    """Range of ``values`` (shape (n,), each within ±:data:`DRAWABLE`: those beyond are marked off
    the scale instead) padded by 5% (or by 0.5 around a single value); ``default`` without values."""
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
        (number, value) of COMPLETE trials proposed by an optimizer or enqueued, on the scale.
    manual : ndarray of shape (n_m, 2)
        (number, value) of COMPLETE manual trials, on the scale.
    best : ndarray of shape (n_b, 2)
        (number, best value so far) from the first COMPLETE trial on, drawn as a step line.
    best_off_scale : ndarray of shape (n_b,), dtype bool
        Which of ``best`` lie beyond ``ylim`` (the value of a trial off the scale): the line runs
        along the edge they lie beyond there, marked.
    failed, pruned : ndarray of shape (n_f,) and (n_p,)
        Numbers of FAILED and PRUNED trials: they have no value to plot.
    off_scale : ndarray of shape (n_o,)
        Numbers of COMPLETE trials whose value lies far out on the bad side
        (:func:`~interactive_hpo.plots._far_out.far_out`) or beyond ±:data:`DRAWABLE` on either side:
        ``ylim`` leaves them out.
    off_scale_manual : ndarray of shape (n_o,), dtype bool
        Which of ``off_scale`` are manual trials.
    off_scale_above : ndarray of shape (n_o,), dtype bool
        Which of ``off_scale`` lie above ``ylim`` (the others below it).
    xlim, ylim : tuple of float
        Axes limits covering every trial and every value but those off the scale
        (:class:`BestSoFarPlot` raises the top of ``ylim`` by a band that holds its legend).
    direction : str
        "minimize" or "maximize".
    """

    points: np.ndarray
    manual: np.ndarray
    best: np.ndarray
    best_off_scale: np.ndarray
    failed: np.ndarray
    pruned: np.ndarray
    off_scale: np.ndarray
    off_scale_manual: np.ndarray
    off_scale_above: np.ndarray
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    direction: str


def best_so_far_info(history: History) -> BestSoFarInfo:
    """Split a :class:`~interactive_hpo.views.History` into the layers of the best-so-far plot."""
    return _best_so_far_info(history, "best_so_far_info")


def _best_so_far_info(history: History, owner: str) -> BestSoFarInfo:
    check_history(history, owner)
    numbers = np.asarray(history.numbers, dtype=float)
    values = np.asarray(history.values, dtype=float)
    states, sources = np.asarray(history.states, dtype=object), np.asarray(history.sources, dtype=object)
    complete = (states == "COMPLETE") & np.isfinite(values)
    is_manual = sources == "manual"

    def pairs(mask: np.ndarray, ys: np.ndarray = values) -> np.ndarray:
        return np.column_stack([numbers[mask], ys[mask]]).reshape(-1, 2)

    best_values = np.asarray(history.best_values, dtype=float)
    xmax = float(numbers.max()) if numbers.size else 0.0
    minimizing = Direction(history.direction) is Direction.MINIMIZE
    # Beyond what an axis can hold (1e305 the best value when maximizing): an empty plot, or the
    # best trial unseen, without these; the others' far-out values are judged among themselves.
    beyond = complete & (np.abs(values) > DRAWABLE)
    off = beyond | complete & far_out(np.where(beyond, np.nan, values), high=minimizing)
    shown = complete & ~off  # the others lie beyond ylim: a layer holding them listed them in the legend unseen
    ylim = _limits(values[complete & ~off])
    best = pairs(np.isfinite(best_values), best_values)
    return BestSoFarInfo(
        points=pairs(shown & ~is_manual), manual=pairs(shown & is_manual),
        best=best, best_off_scale=(best[:, 1] < ylim[0]) | (best[:, 1] > ylim[1]),
        failed=numbers[states == "FAILED"], pruned=numbers[states == "PRUNED"], off_scale=numbers[off],
        off_scale_manual=is_manual[off].astype(bool), off_scale_above=np.where(beyond, values > 0, minimizing)[off],
        xlim=(-0.5, max(xmax, 1.0) + 0.5), ylim=ylim, direction=history.direction)


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
        The best-so-far step line; where the best value is off the scale it runs along the edge
        that value lies beyond.
    best_off_scale : dict of str to PathCollection
        By side ("above", "below"): small red triangles on that edge at each trial whose best so
        far is off the scale (but for the trial that set it, marked off the scale itself), listed
        in the legend with the current best when it is one of them.
    off_scale, off_scale_manual : dict of str to PathCollection
        Trials off the scale (:attr:`BestSoFarInfo.off_scale`), by side ("above", "below"):
        triangles pointing off the scale, gold with a black edge for manual trials.
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
        self.manual = ax.scatter(*empty.T, s=120, **MANUAL_MARKER, zorder=4, label="manual trial")
        (self.best,) = ax.plot([], [], drawstyle="steps-post", color="C3", lw=2, zorder=3, label="best so far")
        # Smaller than the trials' triangles: a mark on the line, not a trial.
        self.best_off_scale = {side: ax.scatter(*empty.T, marker=marker, color="C3", s=14, clip_on=False, zorder=3.5)
                               for side, marker in (("above", "^"), ("below", "v"))}
        # Whole on the Axes' edge (the last trial, half a trial from it: a star there was cut).
        markers_whole(self.points, self.manual)
        # x in data units, y in Axes units: the crosses stay on the bottom edge whatever the values.
        bottom = ax.get_xaxis_transform()
        self.failed = ax.scatter(*empty.T, **FAILED_MARKER, s=30, transform=bottom, clip_on=False, zorder=4,
                                 label="failed")
        self.pruned = ax.scatter(*empty.T, marker="x", color="gray", s=30, transform=bottom, clip_on=False,
                                 zorder=4, label="pruned")
        # Values off the scale, on the edge of the values' range they lie beyond (far-out bad ones at the top
        # when minimizing: under the legend's band; on the Axes' top edge they sat on the legend's row).
        # Manual ones keep the star's gold and black and say "manual" in the legend: drawn as the
        # others' triangles, a manual trial was lost while the legend still listed "manual trial".
        self.off_scale, self.off_scale_manual = {}, {}
        for side, marker in (("above", "^"), ("below", "v")):
            self.off_scale[side] = ax.scatter(*empty.T, marker=marker, color="C0", s=30, clip_on=False, zorder=4,
                                              label=f"far {side} (off the scale)")
            self.off_scale_manual[side] = ax.scatter(*empty.T, marker=marker, color="gold", edgecolor="black",
                                                     linewidth=0.6, s=50, clip_on=False, zorder=4,
                                                     label="manual, off the scale")
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
        # Off the scale (a penalty of sys.float_info.max, a diverged first run), the line ran beyond
        # the limits and nothing of it was seen: it runs along the edge instead, marked there.
        self.best.set_data(info.best[:, 0], np.clip(info.best[:, 1], *info.ylim))
        # Marked where no trial's own triangle is (the trial that set such a best has one there already).
        marked = info.best_off_scale & ~np.isin(info.best[:, 0], info.off_scale)
        above = info.best[:, 1] > info.ylim[1]
        for side, beyond, edge in (("above", marked & above, info.ylim[1]), ("below", marked & ~above, info.ylim[0])):
            self.best_off_scale[side].set_offsets(np.column_stack([info.best[beyond, 0],
                                                                   np.full(int(beyond.sum()), edge)]).reshape(-1, 2))
        # One legend entry (a leading "_" hides the other side's), saying the best value when it is off the scale.
        latest = np.flatnonzero(marked)
        last = "above" if latest.size and above[latest[-1]] else "below"
        now = f" (now {info.best[-1, 1]:.3g})" if len(info.best) and info.best_off_scale[-1] else ""
        for side, layer in self.best_off_scale.items():
            layer.set_label(f"{'' if side == last else '_'}best so far, off the scale{now}")
        for layer, numbers in ((self.failed, info.failed), (self.pruned, info.pruned)):
            layer.set_offsets(np.column_stack([numbers, np.full(len(numbers), NO_VALUE_Y)]))
        for side, y in zip(("below", "above"), info.ylim, strict=True):
            on_side = info.off_scale_above == (side == "above")
            for layer, manual in ((self.off_scale[side], False), (self.off_scale_manual[side], True)):
                shown = info.off_scale[on_side & (info.off_scale_manual == manual)]
                layer.set_offsets(np.column_stack([shown, np.full(len(shown), y)]).reshape(-1, 2))
        self.ax.set_xlim(*info.xlim)
        self.ax.set_ylim(*info.ylim)
        self.ax.set_ylabel(f"objective ({Direction(info.direction).word} is better)")
        valued = len(info.points) + len(info.manual)
        self.no_values.set_text("" if valued or not (len(info.failed) or len(info.pruned)) else
                                "no trial has a value yet: every one failed or was pruned (crosses)")
        # Only what is drawn ("failed" and "pruned" with no such trial named nothing), inside the
        # axes in a band above the values: above the axes it ran past the figure's top wherever no
        # layout made room (a hidden Lab tab is not laid out again; a user's own Axes). "best"
        # picks the band, where nothing is drawn: the off-the-scale marks lie under it.
        handles, labels = drawn_entries(self.ax)
        if handles:
            legend_in_band(self._legend(handles, labels), [self.ax], "top")
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        self.info = info
        return self

    def _legend(self, handles: list[Any], labels: list[str]) -> Any:
        """The legend of ``handles``, in as many columns (5 at most) as fit the Axes' width: in one
        row of five it was wider than the Lab's 7-inch figure, covered the y label, and constrained
        layout shrank the Axes to half their width to make room for it."""
        width = self.ax.get_window_extent().width
        for ncols in range(min(5, len(handles)), 0, -1):
            legend = self.ax.legend(handles, labels, loc="best", ncols=ncols, fontsize="small", frameon=False,
                                    borderaxespad=0.2)
            if legend.get_window_extent().width <= width:
                break
        return legend


def plot_best_so_far(history: History, ax: Any = None) -> Any:
    """Draw a :class:`BestSoFarPlot` of ``history`` once and return its Axes."""
    check_history(history, "plot_best_so_far")
    check_axes(ax, "plot_best_so_far")
    return BestSoFarPlot(ax).update(history).ax
