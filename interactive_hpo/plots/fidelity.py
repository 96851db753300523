"""Multi-fidelity schedules: a scheduler's rungs and promotions.

As in :mod:`.history`, the plot computes a plain "info" record first (:func:`rungs_info`; tests
target it) and draws it second. Hyperband's plan of brackets is drawn by :mod:`.brackets` (its
names stay importable here); what trials did along the budget (learning curves, budget traces)
is in :mod:`.curves`, worker Gantt charts in :mod:`.workers`. The input is plain records, the
rows of a scheduler's ``rung_table()``: this module never imports a study or an optimizer, it
only reads those records' fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_finite, check_int, fail, is_real
from ..direction import Direction
from ._axes import axes_or_new, distinct_labels, joined_polylines
from ._checks import is_sequence, keys, records
from ._in_place import blank, drop_empty, legend_or_none, relimit
from .brackets import BracketsInfo, brackets_info, plot_brackets  # their home before 2026-12-07
from .pareto_plots import _label

__all__ = ["BracketsInfo", "RungsInfo", "RungsPlot", "brackets_info", "plot_brackets", "plot_rungs", "rungs_info",
           "spread_by_rank", "stopped_configs"]

#: Names of 0.1 now in :mod:`.curves`: still readable here, with a DeprecationWarning.
_MOVED_TO_CURVES = ("BudgetTraceInfo", "CurvesInfo", "budget_trace_info", "curves_info", "plot_budget_trace",
                    "plot_learning_curves")

#: Colour map of rungs and budgets (low budgets dark, high ones bright), trimmed of its palest end.
BUDGET_CMAP, BUDGET_RANGE = "viridis", (0.1, 0.85)


def _level_colours(n: int) -> list[Any]:
    """``n`` colours from :data:`BUDGET_CMAP`, in increasing order of budget."""
    from matplotlib import colormaps

    low, high = BUDGET_RANGE
    return [colormaps[BUDGET_CMAP](low + (high - low) * (k / (n - 1) if n > 1 else 0.5)) for k in range(n)]


# -- the rung table --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RungsInfo:
    """What :func:`plot_rungs` draws: finished jobs of one bracket, and who decided their promotion.

    Attributes
    ----------
    points : ndarray of shape (n, 2)
        (budget, value) of each finished job with a finite loss: the loss itself when
        minimizing, the objective's value (``-loss``) when maximizing.
    configs, rungs, numbers : ndarray of shape (n,)
        Its configuration, rung and trial.
    scheduler : ndarray of shape (n,), dtype object
        The scheduler's decision: "promote", "stop" or None (not decided yet, or the last rung).
        ASHA records no decisions; a configuration that entered the next rung without a human
        "promote" counts as promoted by the scheduler.
    human : ndarray of shape (n,), dtype object
        A person's override: "promote", "stop" or None.
    drawn : ndarray of shape (n, 2)
        Where each point is drawn: its value at its budget moved sideways by its rank among the
        points of that budget (:func:`spread_by_rank`), so that close values stay countable.
    lines : tuple of ndarray of shape (k_i, 2)
        One polyline (budget, value) per configuration across the rungs it finished.
    line_configs : ndarray of shape (n_lines,)
        The configuration of each line.
    budgets : ndarray of shape (n_budgets,)
        The distinct budgets of the bracket's rows, increasing (the x ticks).
    n_unfinished : int
        Rows still queued or running, or with an infinite loss (failed): not drawn.
    bracket : int or None
        The bracket drawn; None for all of them.
    direction : str
        "minimize" or "maximize": how the y values were read from the losses.
    """

    points: np.ndarray
    drawn: np.ndarray
    configs: np.ndarray
    rungs: np.ndarray
    numbers: np.ndarray
    scheduler: np.ndarray
    human: np.ndarray
    lines: tuple[np.ndarray, ...]
    line_configs: np.ndarray
    budgets: np.ndarray
    n_unfinished: int
    bracket: int | None
    direction: str = "minimize"


#: The columns of ``rung_table()`` the rung plot reads.
RUNG_COLUMNS = ("bracket", "rung", "config", "number", "budget", "loss", "scheduler", "human")


def _records(rows: Any, owner: str) -> list[dict[str, Any]]:
    """Rows as a list of dicts (also from a ``pandas.DataFrame``), each with :data:`RUNG_COLUMNS`:
    a budget > 0 (the x axis is logarithmic) and a loss that is a number (NaN, inf) or None."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    checked = []
    for k, row in enumerate(records(rows, "rows", owner, "the rows of a scheduler's rung_table()")):
        row = keys(row, RUNG_COLUMNS, f"rows[{k}]", owner, "a row of a scheduler's rung_table(): a mapping")
        if as_finite(row["budget"]) is None or not row["budget"] > 0:
            raise fail(f"rows[{k}]['budget']", owner, "a finite number > 0 (the x axis is logarithmic)",
                       row["budget"])
        if row["loss"] is not None and not is_real(row["loss"]):
            raise fail(f"rows[{k}]['loss']", owner, "a number (NaN until finished, inf if failed) or None",
                       row["loss"])
        checked.append(dict(row))
    return checked


def rungs_info(rows: Iterable[Mapping[str, Any]], bracket: int | None = 0,
               direction: str = "minimize") -> RungsInfo:
    """Split ``rung_table()`` rows of ``bracket`` (None: every bracket) into points, decisions and lines.

    A scheduler records losses; with ``direction="maximize"`` (the study's direction) the y values
    are the objective's own (accuracy, not -accuracy).
    """
    return _rungs_info(rows, bracket, direction, "rungs_info")


def _rungs_info(rows: Iterable[Mapping[str, Any]], bracket: int | None, direction: str, owner: str) -> RungsInfo:
    goal = Direction.parse(direction, "direction", owner)
    if bracket is not None:
        check_int(bracket, "bracket", owner, 0)
    rows = [r for r in _records(rows, owner) if bracket is None or r["bracket"] == bracket]
    entered = {(r["bracket"], r["rung"], r["config"]) for r in rows}
    done = [r for r in rows if r["loss"] is not None and math.isfinite(r["loss"])]
    done.sort(key=lambda r: (r["bracket"], r["config"], r["rung"]))

    def scheduler(r: Mapping[str, Any]) -> str | None:
        if r["scheduler"] is None and r["human"] != "promote" and (r["bracket"], r["rung"] + 1, r["config"]) in entered:
            return "promote"  # ASHA: promoted without a recorded decision
        return r["scheduler"]

    lines: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for r in done:
        lines.setdefault((r["bracket"], r["config"]), []).append((r["budget"], goal.to_value(r["loss"])))
    points = np.array([(r["budget"], goal.to_value(r["loss"])) for r in done], dtype=float).reshape(-1, 2)
    budgets = np.unique(np.array([r["budget"] for r in rows], dtype=float))
    return RungsInfo(
        points=points, drawn=spread_by_rank(points, budgets),
        configs=np.array([r["config"] for r in done], dtype=int), rungs=np.array([r["rung"] for r in done], dtype=int),
        numbers=np.array([r["number"] for r in done], dtype=int),
        scheduler=np.array([scheduler(r) for r in done], dtype=object),
        human=np.array([r["human"] for r in done], dtype=object),
        lines=tuple(np.array(line, dtype=float) for line in lines.values()),
        line_configs=np.array([config for _, config in lines], dtype=int),
        budgets=budgets, n_unfinished=len(rows) - len(done),
        bracket=bracket, direction=goal.value)


#: Sideways step between neighbours of a rung, in decades of budget: this fraction of the axis'
#: span (about a marker's width on a figure 6 inches wide) ...
SPREAD_STEP = 0.02
#: ... the whole rung at most this fraction of the gap to the next budget, so rungs stay apart.
SPREAD_WIDTH = 0.4


def spread_by_rank(points: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Where :func:`plot_rungs` draws (budget, value) points of shape (n, 2): the k points of one
    budget side by side on the log axis, ordered by value, centred on their budget.

    At budget 1/9 of notebook 05 nine accuracies between 0.85 and 0.92 were one pile in which
    nobody could count the three promoted. By rank, not by value, so the same run always looks the
    same (no random jitter), and each point keeps its own slot however close the values are.
    ``budgets`` (shape (n_budgets,), in any order) sets the axis' span and the gap between rungs.
    Returns an array of shape (n, 2): the values unchanged, the budgets moved.

    >>> import numpy as np
    >>> spread_by_rank(np.array([[1.0, 0.9], [1.0, 0.3], [3.0, 0.5]]), np.array([1.0, 3.0])).round(3).tolist()
    [[1.011, 0.9], [0.989, 0.3], [3.0, 0.5]]
    """
    drawn = np.array(points, dtype=float).reshape(-1, 2)
    logs = np.log10(np.unique(budgets))  # sorted, each once: [9, 3, 1] gave a negative gap (r348)
    span, gap = (logs[-1] - logs[0], np.diff(logs).min()) if len(logs) > 1 else (1.0, 1.0)
    for budget in np.unique(drawn[:, 0]):
        at = np.flatnonzero(drawn[:, 0] == budget)
        if len(at) < 2:
            continue
        step = min(SPREAD_STEP * span, SPREAD_WIDTH * gap / (len(at) - 1))
        rank = np.empty(len(at))
        rank[np.argsort(drawn[at, 1], kind="stable")] = np.arange(len(at))
        drawn[at, 0] = budget * 10 ** (step * (rank - (len(at) - 1) / 2))
    return drawn


def stopped_configs(rows: Iterable[Mapping[str, Any]]) -> list[int]:
    """The configurations a decision stopped, from a scheduler's ``rung_table()`` rows, increasing.

    A configuration is stopped when the decision on its highest rung is "stop": a person's, else
    the scheduler's. One that was promoted (waiting for its next rung, or overruled by a person's
    "promote"), not decided yet, or at the top rung is not. ASHA records no "stop".
    """
    top: dict[int, Mapping[str, Any]] = {}
    for row in _records(rows, "stopped_configs"):
        if row["config"] not in top or row["rung"] >= top[row["config"]]["rung"]:
            top[row["config"]] = row
    return sorted(config for config, row in top.items() if (row["human"] or row["scheduler"]) == "stop")


#: Marker layers of :func:`plot_rungs`: (who, decision) -> style. A person's promotion is a large
#: ring around the scheduler's small marker; a person's stop a cross just above it
#: (:data:`HUMAN_STOP_ABOVE`): drawn over it, the black cross hid the green triangle. White edges
#: keep neighbouring markers of one rung apart.
RUNG_MARKERS = {
    ("scheduler", "promote"): dict(marker="^", ms=8, color="C2", mec="white", mew=0.7, label="scheduler: promote"),
    ("scheduler", "stop"): dict(marker="v", ms=8, color="C3", mec="white", mew=0.7, label="scheduler: stop"),
    ("scheduler", None): dict(marker="o", ms=5, color="0.45", mec="white", mew=0.6, label="no decision (yet)"),
    ("human", "promote"): dict(marker="o", ms=15, mfc="none", mec="C1", mew=2.0, label="human: promote"),
    # The label says the cross is shifted: read at its height it looked like a value above the rung's best.
    ("human", "stop"): dict(marker="x", ms=9, color="black", mew=2.0, label="human: stop (drawn above its job)"),
}
#: Points above its job at which a person's stop is drawn: beside the scheduler's marker, not on it.
HUMAN_STOP_ABOVE = 10.0


def plot_rungs(rows: Iterable[Mapping[str, Any]], ax: Any = None, bracket: int | None = 0, *,
               direction: str = "minimize", ylabel: str | None = None, objectives: Sequence[str] | None = None) -> Any:
    """Value against budget in one bracket: a line per configuration, each job marked by who decided what.

    Parameters
    ----------
    rows : list of dict (or a DataFrame)
        ``scheduler.rung_table()``.
    ax : matplotlib Axes, optional
    bracket : int or None, default=0
        The bracket to draw; None draws every bracket.
    direction : {"minimize", "maximize"}, default="minimize"
        The study's direction: when maximizing, y is the objective's value (``-loss``), so an
        accuracy reads as an accuracy. With several objectives, the first one's.
    ylabel : str, optional
        Default: "loss" when minimizing, "value (higher is better)" when maximizing; with
        ``objectives``, the first one's name and direction ("accuracy (higher is better)").
    objectives : sequence of str, optional
        The study's objective names (``study.goals.names``). With several, a rung promotes by
        Pareto rank over them all while y shows only the first (the rows' ``loss``), so a
        promotion may sit above a stop: the title says so ("promotions by Pareto rank over ...").

    Returns
    -------
    Axes
        ``ax.lines``: the grey lines of all configurations as one line (``info.lines`` in
        ``info.line_configs`` order, a row of NaN after each, so configurations are not joined;
        drawn when there are any; through ``info.drawn``, the points spread by rank), then one
        marker layer per entry of :data:`RUNG_MARKERS` that has points, labelled as there. A few
        artists however many configurations: one line each took seconds to build and draw at
        thousands of them.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> row = dict(bracket=0, human=None, scheduler=None)
    >>> rows = [dict(row, rung=0, config=0, number=0, budget=1.0, loss=0.5),
    ...         dict(row, rung=0, config=1, number=1, budget=1.0, loss=0.9),
    ...         dict(row, rung=1, config=0, number=2, budget=3.0, loss=0.3)]
    >>> ax = plot_rungs(rows, Figure().add_subplot())
    >>> ax.lines[0].get_xydata().round(3).tolist()  # config 0 across two rungs, then config 1 (rung 0 spread)
    [[0.989, 0.5], [3.0, 0.3], [nan, nan], [1.011, 0.9], [nan, nan]]
    >>> [line.get_label() for line in ax.lines[1:]]
    ['scheduler: promote', 'no decision (yet)']
    """
    info = _rungs_info(rows, bracket, direction, "plot_rungs")
    names = None if objectives is None else _objective_names(objectives, "plot_rungs")
    plot = RungsPlot(axes_or_new(ax, owner="plot_rungs"))._show(info, ylabel, names)
    drop_empty(*plot.artists)  # drawn once: the Axes hold the layers that have points, as listed above
    return plot.ax


class RungsPlot:
    """:func:`plot_rungs` updatable in place: its lines are built once and moved by :meth:`update`
    (DESIGN.md section 4); the caller then calls ``fig.canvas.draw_idle()``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Attributes
    ----------
    ax : Axes
    lines : Line2D
        The grey lines of all configurations, joined by rows of NaN (see :func:`plot_rungs`).
    layers : dict of tuple to Line2D
        One marker layer per entry of :data:`RUNG_MARKERS`, by its key; empty when no job has it.
    artists : list of Line2D
        ``lines``, then the layers, in drawing order.
    info : RungsInfo or None
        What was drawn last.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> row = dict(bracket=0, rung=0, human=None, scheduler=None)
    >>> plot = RungsPlot(Figure().add_subplot()).update([dict(row, config=0, number=0, budget=1.0, loss=0.5)])
    >>> layer = plot.layers["scheduler", None]
    >>> plot.update([dict(row, config=0, number=0, budget=1.0, loss=0.5),
    ...              dict(row, config=1, number=1, budget=1.0, loss=0.9)]).layers["scheduler", None] is layer
    True
    >>> len(layer.get_xdata())
    2
    """

    def __init__(self, ax: Any = None):
        ax = self.ax = axes_or_new(ax, owner="RungsPlot")
        self.info: RungsInfo | None = None
        (self.lines,) = ax.plot([], [], color="0.75", lw=0.9, zorder=1)
        self.layers = {key: ax.plot([], [], ls="none", zorder=2 if key[0] == "human" else 3, **style)[0]
                       for key, style in RUNG_MARKERS.items()}
        from matplotlib.transforms import ScaledTranslation

        self.layers["human", "stop"].set_transform(ax.transData + ScaledTranslation(0.0, HUMAN_STOP_ABOVE / 72,
                                                                                    ax.figure.dpi_scale_trans))
        self.artists = [self.lines, *self.layers.values()]

    def update(self, rows: Iterable[Mapping[str, Any]], bracket: int | None = 0, *, direction: str = "minimize",
               ylabel: str | None = None, objectives: Sequence[str] | None = None) -> RungsPlot:
        """Show ``rows`` (arguments as :func:`plot_rungs`'s); returns ``self``."""
        owner = "RungsPlot.update"
        info = _rungs_info(rows, bracket, direction, owner)
        return self._show(info, ylabel, None if objectives is None else _objective_names(objectives, owner))

    def _show(self, info: RungsInfo, ylabel: str | None, names: list[str] | None) -> RungsPlot:
        ax = self.ax
        # Through the points where they are drawn (the lines list them in the same order).
        ends = np.cumsum([len(line) for line in info.lines])[:-1]
        self.lines.set_data(*joined_polylines(np.split(info.drawn, ends) if info.lines else []).T)
        for (who, decision), layer in self.layers.items():
            column = info.scheduler if who == "scheduler" else info.human
            mask = np.array([d == decision for d in column], dtype=bool)
            layer.set_data(info.drawn[mask, 0], info.drawn[mask, 1])
        ax.set_xscale("log")  # again each time: the scale's own ticks, as a fresh Axes has, until set below
        if len(info.budgets):
            ax.set_xticks(info.budgets, distinct_labels(info.budgets))
            ax.minorticks_off()
        ax.set_xlabel("budget")
        minimize = Direction(info.direction) is Direction.MINIMIZE
        default = "loss" if minimize else "value (higher is better)"
        ax.set_ylabel(ylabel if ylabel is not None else default if names is None else
                      _label(names[0], info.direction))
        # Said on the figure: a promotion above a stop looks like a wrong call when y is one objective of several.
        ranked = "" if names is None or len(names) < 2 else f"promotions by Pareto rank over {', '.join(names)}"
        ax.set_title("; ".join(part for part in ("" if info.bracket is None else f"bracket {info.bracket}", ranked)
                               if part),
                     fontsize="medium")
        relimit(ax, self.layers["human", "stop"])  # drawn above its job, which a scheduler's layer holds
        legend_or_none(ax, loc="best", fontsize="small")
        self.info = info
        return self

    def clear(self) -> RungsPlot:
        """Show nothing, as fresh Axes (no rows, or no bracket chosen yet); returns ``self``."""
        blank(self.ax, *self.artists)
        self.info = None
        return self


def _objective_names(objectives: Any, owner: str = "plot_rungs") -> list[str]:
    """``objectives`` of :func:`plot_rungs` as a list, refused unless a non-empty sequence of str."""
    if not is_sequence(objectives) or len(objectives) == 0 or not all(isinstance(n, str) for n in objectives):
        raise fail("objectives", owner, "None or a non-empty sequence of objective names (study.goals.names)",
                   objectives)
    return list(objectives)


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.curves", _MOVED_TO_CURVES)
