"""Multi-fidelity plots: rungs, learning curves, budget traces, Hyperband's plan.

As in :mod:`.history`, each plot computes a plain "info" record first (:func:`rungs_info`,
:func:`curves_info`, :func:`budget_trace_info`, :func:`brackets_info`; tests target them) and
draws it second (worker Gantt charts are in :mod:`.workers`). The inputs are plain records: the
rows of a scheduler's ``rung_table()``,
the ``Curve`` list and ``BudgetTrace`` of :mod:`interactive_hpo.study.curves`, and the bracket plan of
:func:`interactive_hpo.optimizers.multifidelity.rungs.hyperband_brackets`; this module never imports a study
or an optimizer, it only reads those records' fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..direction import Direction
from ._axes import axes_or_new

__all__ = ["BracketsInfo", "BudgetTraceInfo", "CurvesInfo", "RungsInfo", "brackets_info", "budget_trace_info",
           "curves_info", "plot_brackets", "plot_budget_trace", "plot_learning_curves", "plot_rungs", "rungs_info"]

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


def _records(rows: Any) -> list[dict[str, Any]]:
    """Rows as a list of dicts (also from a ``pandas.DataFrame``)."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    return [dict(row) for row in rows]


def rungs_info(rows: Iterable[Mapping[str, Any]], bracket: int | None = 0,
               direction: str = "minimize") -> RungsInfo:
    """Split ``rung_table()`` rows of ``bracket`` (None: every bracket) into points, decisions and lines.

    A scheduler records losses; with ``direction="maximize"`` (the study's direction) the y values
    are the objective's own (accuracy, not -accuracy).
    """
    goal = Direction.parse(direction, "direction", "rungs_info")
    rows = [r for r in _records(rows) if bracket is None or r["bracket"] == bracket]
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
    return RungsInfo(
        points=np.array([(r["budget"], goal.to_value(r["loss"])) for r in done], dtype=float).reshape(-1, 2),
        configs=np.array([r["config"] for r in done], dtype=int), rungs=np.array([r["rung"] for r in done], dtype=int),
        numbers=np.array([r["number"] for r in done], dtype=int),
        scheduler=np.array([scheduler(r) for r in done], dtype=object),
        human=np.array([r["human"] for r in done], dtype=object),
        lines=tuple(np.array(line, dtype=float) for line in lines.values()),
        line_configs=np.array([config for _, config in lines], dtype=int),
        budgets=np.unique(np.array([r["budget"] for r in rows], dtype=float)), n_unfinished=len(rows) - len(done),
        bracket=bracket, direction=goal.value)


#: Marker layers of :func:`plot_rungs`: (who, decision) -> style. A human override is a large ring or
#: cross drawn behind the scheduler's small marker, so both decisions stay visible at one point.
RUNG_MARKERS = {
    ("scheduler", "promote"): dict(marker="^", ms=7, color="C2", label="scheduler: promote"),
    ("scheduler", "stop"): dict(marker="v", ms=7, color="C3", label="scheduler: stop"),
    ("scheduler", None): dict(marker="o", ms=4, color="0.45", label="no decision (yet)"),
    ("human", "promote"): dict(marker="o", ms=15, mfc="none", mec="C1", mew=2.0, label="human: promote"),
    ("human", "stop"): dict(marker="x", ms=17, color="black", mew=1.6, label="human: stop"),
}


def plot_rungs(rows: Iterable[Mapping[str, Any]], ax: Any = None, bracket: int | None = 0, *,
               direction: str = "minimize", ylabel: str | None = None) -> Any:
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
        accuracy reads as an accuracy.
    ylabel : str, optional
        Default: "loss" when minimizing, "value (higher is better)" when maximizing.

    Returns
    -------
    Axes
        ``ax.lines``: one per configuration (``info.line_configs`` order), then one marker layer
        per entry of :data:`RUNG_MARKERS` that has points, labelled as there.
    """
    info = rungs_info(rows, bracket, direction)
    ax = axes_or_new(ax)
    for line in info.lines:
        ax.plot(line[:, 0], line[:, 1], color="0.75", lw=0.9, zorder=1)
    for (who, decision), style in RUNG_MARKERS.items():
        column = info.scheduler if who == "scheduler" else info.human
        mask = np.array([d == decision for d in column], dtype=bool)
        if mask.any():
            ax.plot(info.points[mask, 0], info.points[mask, 1], ls="none", zorder=2 if who == "human" else 3, **style)
    ax.set_xscale("log")
    if len(info.budgets):
        ax.set_xticks(info.budgets, [f"{b:.3g}" for b in info.budgets])
        ax.minorticks_off()
    ax.set_xlabel("budget")
    minimize = Direction(info.direction) is Direction.MINIMIZE
    ax.set_ylabel(ylabel if ylabel is not None else "loss" if minimize else "value (higher is better)")
    if bracket is not None:
        ax.set_title(f"bracket {bracket}", fontsize="medium")
    if len(info.points):
        ax.legend(loc="best", fontsize="small")
    return ax


# -- learning curves -------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class CurvesInfo:
    """What :func:`plot_learning_curves` draws.

    Attributes
    ----------
    lines : tuple of ndarray of shape (k_i, 2)
        (step, value) of each curve, in the order given.
    keys : ndarray of shape (n,)
        Each curve's trial (or configuration) number.
    stopped : ndarray of shape (n,), dtype bool
        Cut short: PRUNED, or (with ``full_step``) ending before it.
    ends : ndarray of shape (n_s, 2)
        The last finite point of each stopped curve.
    """

    lines: tuple[np.ndarray, ...]
    keys: np.ndarray
    stopped: np.ndarray
    ends: np.ndarray


def curves_info(curves: Sequence[Any], full_step: float | None = None) -> CurvesInfo:
    """Lines and "stopped early" flags from ``learning_curves(study)`` or ``config_curves(study)``.

    A curve is stopped if its state is "PRUNED" or, when ``full_step`` is given, if its last
    step is below it: pass the scheduler's ``max_budget`` for ``config_curves``, whose curves
    stopped by a rung end in a COMPLETE trial.
    """
    lines, stopped, ends = [], [], []
    for curve in curves:
        line = np.column_stack([np.asarray(curve.steps, dtype=float), np.asarray(curve.values, dtype=float)])
        cut = curve.state == "PRUNED" or (full_step is not None and len(line) > 0 and
                                          line[-1, 0] < full_step * (1 - 1e-9))
        finite = line[np.isfinite(line[:, 1])]
        if cut and len(finite):
            ends.append(finite[-1])
        lines.append(line.reshape(-1, 2))
        stopped.append(cut)
    return CurvesInfo(lines=tuple(lines), keys=np.array([c.key for c in curves], dtype=int),
                      stopped=np.array(stopped, dtype=bool), ends=np.array(ends, dtype=float).reshape(-1, 2))


def plot_learning_curves(curves: Sequence[Any], ax: Any = None, *, full_step: float | None = None,
                         xlabel: str = "step", ylabel: str = "value", xscale: str = "linear") -> Any:
    """Value against step per curve: finished curves solid, stopped ones dashed and faded, ending in a cross.

    Parameters
    ----------
    curves : list of Curve
        ``learning_curves(study)`` (steps are the reported steps) or ``config_curves(study)``
        (steps are budgets: use ``xlabel="budget"``, ``xscale="log"`` and ``full_step=max_budget``).
    ax : matplotlib Axes, optional
    full_step : float, optional
        Curves ending before it count as stopped (see :func:`curves_info`).
    xlabel, ylabel : str
    xscale : {"linear", "log"}

    Returns
    -------
    Axes
        ``ax.lines``: one per curve (given order), then the crosses at the ends of stopped curves.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.study.curves import Curve
    >>> curves = [Curve(0, np.arange(3.0), np.array([1.0, 0.5, 0.4]), "COMPLETE", np.zeros(3)),
    ...           Curve(1, np.arange(1.0), np.array([1.5]), "PRUNED", np.ones(1))]
    >>> ax = plot_learning_curves(curves, Figure().add_subplot())
    >>> [line.get_linestyle() for line in ax.lines[:2]], ax.lines[2].get_xydata().tolist()
    (['-', '--'], [[0.0, 1.5]])
    """
    info = curves_info(curves, full_step)
    ax = axes_or_new(ax)
    labelled: set[bool] = set()
    for line, cut in zip(info.lines, info.stopped, strict=True):
        style = dict(color="0.5", lw=1.0, ls="--", alpha=0.55) if cut else dict(color="C0", lw=1.3, ls="-", alpha=0.85)
        label = None if cut in labelled else ("stopped early" if cut else "ran to the end")
        labelled.add(bool(cut))
        ax.plot(line[:, 0], line[:, 1], label=label, **style)
    ax.plot(info.ends[:, 0], info.ends[:, 1], ls="none", marker="x", ms=6, mew=1.5, color="C3", zorder=3)
    ax.set_xscale(xscale)
    if xscale == "log":
        from matplotlib.ticker import FuncFormatter, NullFormatter

        # Plain labels ("0.1", "1"), not the default mathtext ("$10^{-1}$", "$2\times10^{-1}$"): in
        # the Lab's live panel a redraw once failed inside matplotlib's mathtext parser.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if info.lines:
        ax.legend(loc="best", fontsize="small")
    return ax


# -- budget spent against the best value -------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class BudgetTraceInfo:
    """What :func:`plot_budget_trace` draws (x in units of ``unit``).

    Attributes
    ----------
    spent, best_full, best_any : ndarray of shape (n,)
        The trace's cumulative budget (divided by ``unit``) and best values so far.
    baseline_spent, baseline_best : ndarray of shape (m,) or None
        The baseline's, at full budget only (the comparable number).
    unit : float
        The budget of one x unit: the trace's ``full_budget`` when normalized, else 1.
    baseline_unit : float
    """

    spent: np.ndarray
    best_full: np.ndarray
    best_any: np.ndarray
    baseline_spent: np.ndarray | None
    baseline_best: np.ndarray | None
    unit: float
    baseline_unit: float


def budget_trace_info(trace: Any, baseline: Any = None, normalize: bool = True) -> BudgetTraceInfo:
    """Arrays of a ``BudgetTrace`` (and a baseline's), with budget counted in full evaluations if ``normalize``.

    Normalizing makes traces with different budget units comparable: a random search without
    budgets counts 1 per trial, a scheduler with ``max_budget=27`` counts 27 per full job.
    """
    unit = float(trace.full_budget) if normalize else 1.0
    base_unit = float(baseline.full_budget) if normalize and baseline is not None else 1.0
    return BudgetTraceInfo(
        spent=np.asarray(trace.spent, dtype=float) / unit, best_full=np.asarray(trace.best_full, dtype=float),
        best_any=np.asarray(trace.best_any, dtype=float),
        baseline_spent=None if baseline is None else np.asarray(baseline.spent, dtype=float) / base_unit,
        baseline_best=None if baseline is None else np.asarray(baseline.best_full, dtype=float),
        unit=unit, baseline_unit=base_unit)


def plot_budget_trace(trace: Any, ax: Any = None, baseline: Any = None, *,
                      labels: tuple[str, str] = ("ours", "baseline"), normalize: bool = True) -> Any:
    """The best value so far against the budget spent: at full budget (thick) and at any budget (light).

    Parameters
    ----------
    trace : BudgetTrace
        ``budget_trace(study)``.
    ax : matplotlib Axes, optional
    baseline : BudgetTrace, optional
        E.g. ``budget_trace(random_search_study)``; its best at full budget is drawn dashed.
    labels : (str, str)
        Names of ``trace`` and ``baseline`` in the legend.
    normalize : bool, default=True
        Count budget in full evaluations (see :func:`budget_trace_info`).

    Returns
    -------
    Axes
        ``ax.lines``: best at full budget, best at any budget, then the baseline's (if given); step lines.
    """
    info = budget_trace_info(trace, baseline, normalize)
    ax = axes_or_new(ax)
    ax.plot(info.spent, info.best_full, drawstyle="steps-post", color="C0", lw=2.2,
            label=f"{labels[0]}: best at full budget")
    ax.plot(info.spent, info.best_any, drawstyle="steps-post", color="C0", lw=1.2, alpha=0.4,
            label=f"{labels[0]}: best at any budget")
    if info.baseline_spent is not None:
        ax.plot(info.baseline_spent, info.baseline_best, drawstyle="steps-post", color="C3", lw=2.0, ls="--",
                label=f"{labels[1]}: best at full budget")
    ax.set_xlabel("budget spent (full evaluations)" if normalize else "budget spent")
    ax.set_ylabel("best value so far")
    ax.legend(loc="best", fontsize="small")
    return ax


# -- Hyperband's plan --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class BracketsInfo:
    """What :func:`plot_brackets` draws: Li et al. (2018), Table 1, as a grid.

    Attributes
    ----------
    n_configs, budgets : ndarray of shape (n_brackets, n_rungs)
        n_i and r_i of bracket row b at rung i; NaN where the bracket has no rung i.
    s : ndarray of shape (n_brackets,)
        Each row's bracket index in the paper (``s_max`` down to 0 in plan order).
    totals : ndarray of shape (n_brackets,)
        Budget each bracket spends, sum of n_i * r_i.
    text : list of list of str
        Cell labels "n_i × r_i" ("" where there is no rung).
    """

    n_configs: np.ndarray
    budgets: np.ndarray
    s: np.ndarray
    totals: np.ndarray
    text: list


def brackets_info(brackets: Sequence[Sequence[tuple[int, float]]]) -> BracketsInfo:
    """Grid of a bracket plan: ``hyperband_brackets(min_budget, max_budget, eta)`` or ``Hyperband.bracket_plan()``."""
    width = max((len(b) for b in brackets), default=0)
    n_configs = np.full((len(brackets), width), np.nan)
    budgets = np.full((len(brackets), width), np.nan)
    for row, bracket in enumerate(brackets):
        for rung, (n, budget) in enumerate(bracket):
            n_configs[row, rung], budgets[row, rung] = n, budget
    text = [[f"{n:.0f} × {r:.3g}" if np.isfinite(n) else "" for n, r in zip(ns, rs, strict=True)]
            for ns, rs in zip(n_configs, budgets, strict=True)]
    return BracketsInfo(n_configs=n_configs, budgets=budgets, s=np.array([len(b) - 1 for b in brackets], dtype=int),
                        totals=np.nansum(n_configs * budgets, axis=1), text=text)


def plot_brackets(brackets: Sequence[Sequence[tuple[int, float]]], ax: Any = None) -> Any:
    """Hyperband's brackets as a table: a row per bracket s, a column per rung i, cells "n_i × r_i".

    Cells are shaded by budget r_i (log scale); each row's total budget is on the right.

    Parameters
    ----------
    brackets : list of lists of (n_configs, budget)
        ``hyperband_brackets(min_budget, max_budget, eta)``, most exploratory first.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.images[0]`` is the shaded grid, ``ax.texts`` the non-empty cells, row by row.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_brackets([[(9, 1.0), (3, 3.0), (1, 9.0)], [(5, 3.0), (1, 9.0)], [(3, 9.0)]], Figure().add_subplot())
    >>> [t.get_text() for t in ax.texts[:3]], ax.get_yticklabels()[0].get_text()
    (['9 × 1', '3 × 3', '1 × 9'], 's = 2')
    """
    info = brackets_info(brackets)
    n_rows, n_cols = info.budgets.shape
    ax = axes_or_new(ax, (1.6 + 1.3 * max(n_cols, 1), 0.9 + 0.5 * max(n_rows, 1)))
    shade = np.ma.masked_invalid(np.log(info.budgets))
    low, high = (float(shade.min()), float(shade.max())) if shade.count() else (0.0, 1.0)
    image = ax.imshow(shade, cmap="Blues", vmin=low - 0.35 * (high - low + 1e-9), vmax=high, aspect="auto")
    for row in range(n_rows):
        for col in range(n_cols):
            if info.text[row][col]:
                dark = (shade[row, col] - image.norm.vmin) / (image.norm.vmax - image.norm.vmin + 1e-12) > 0.6
                ax.text(col, row, info.text[row][col], ha="center", va="center", fontsize="small",
                        color="white" if dark else "black")
    ax.set_xticks(np.arange(n_cols), [f"i = {i}" for i in range(n_cols)])
    ax.set_yticks(np.arange(n_rows), [f"s = {s}" for s in info.s])
    right = ax.secondary_yaxis("right")
    right.set_yticks(np.arange(n_rows), [f"total {t:.4g}" for t in info.totals])
    right.tick_params(length=0)
    ax.tick_params(length=0)
    ax.set_xlabel("rung i: configurations × budget each")
    ax.set_ylabel("bracket")
    return ax
