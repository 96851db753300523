"""What trials did along the budget: learning curves, and the best value against the budget spent.

As in :mod:`.history`, each plot computes a plain "info" record first (:func:`curves_info`,
:func:`budget_trace_info`; tests target them) and draws it second. The inputs are the ``Curve``
list and ``BudgetTrace`` of :mod:`interactive_hpo.study.curves`; this module never imports a
study, it only reads those records' fields. The schedules that decide the budgets (rungs,
Hyperband's brackets) are drawn by :mod:`.fidelity`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_finite, check_bool, check_one_of, check_real, fail, float_array, is_int
from ._axes import axes_or_new, distinct_labels, joined_polylines
from ._checks import record_fields, records, two_labels
from ._in_place import blank, drop_empty, legend_or_none, relimit

__all__ = ["BudgetTraceInfo", "CurvesInfo", "LearningCurvesPlot", "budget_trace_info", "curves_info",
           "plot_budget_trace", "plot_learning_curves"]


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
    crossed : ndarray of shape (n,), dtype bool
        Known to have been stopped: PRUNED, or its key among ``stopped_keys``. A curve below
        ``full_step`` may instead wait for a promotion, or have got one: it is not crossed.
    ends : ndarray of shape (n_x, 2)
        The last finite point of each crossed curve.
    """

    lines: tuple[np.ndarray, ...]
    keys: np.ndarray
    stopped: np.ndarray
    crossed: np.ndarray
    ends: np.ndarray


def curves_info(curves: Sequence[Any], full_step: float | None = None,
                stopped_keys: Iterable[int] | None = None) -> CurvesInfo:
    """Lines and "stopped early" flags from ``learning_curves(study)`` or ``config_curves(study)``.

    A curve is stopped if its state is "PRUNED" or, when ``full_step`` is given, if its last
    step is below it: pass the scheduler's ``max_budget`` for ``config_curves``, whose curves
    stopped by a rung end in a COMPLETE trial. Which of those a decision stopped, rather than
    left waiting or promoted, only the rung table tells: pass their keys as ``stopped_keys``
    (:func:`~interactive_hpo.plots.fidelity.stopped_configs`); PRUNED curves are crossed anyway.
    """
    return _curves_info(curves, full_step, stopped_keys, "curves_info")


def _curves_info(curves: Sequence[Any], full_step: float | None, stopped_keys: Iterable[int] | None,
                 owner: str) -> CurvesInfo:
    curves = records(curves, "curves", owner, "a list of Curve records (learning_curves(study) or "
                     "config_curves(study))")
    if full_step is not None:
        check_real(full_step, "full_step", owner, 0.0, low_open=True)
    decided = _keys(stopped_keys, owner)
    lines, stopped, crossed, ends = [], [], [], []
    for k, curve in enumerate(curves):
        _, steps, values, _ = record_fields(curve, ("key", "steps", "values", "state"), f"curves[{k}]", owner,
                                            "a Curve")
        steps, values = (float_array(v, f"curves[{k}].{field}", owner, "a 1-D array of numbers")
                         for v, field in ((steps, "steps"), (values, "values")))
        if steps.ndim != 1 or steps.shape != values.shape:
            raise fail(f"curves[{k}]", owner, "a Curve whose steps and values are 1-D arrays of one length",
                       f"steps of shape {steps.shape} and values of shape {values.shape}")
        line = np.column_stack([steps, values])
        cut = curve.state == "PRUNED" or (full_step is not None and len(line) > 0 and
                                          line[-1, 0] < full_step * (1 - 1e-9))
        cross = curve.state == "PRUNED" or curve.key in decided
        finite = line[np.isfinite(line[:, 1])]
        if cross and len(finite):
            ends.append(finite[-1])
        lines.append(line.reshape(-1, 2))
        stopped.append(cut)
        crossed.append(cross)
    return CurvesInfo(lines=tuple(lines), keys=np.array([c.key for c in curves], dtype=int),
                      stopped=np.array(stopped, dtype=bool), crossed=np.array(crossed, dtype=bool),
                      ends=np.array(ends, dtype=float).reshape(-1, 2))


def _keys(stopped_keys: Iterable[int] | None, owner: str) -> frozenset[int]:
    """``stopped_keys`` as a set of ints (empty for None)."""
    rule = "None or an iterable of ints (the keys of the curves a decision stopped)"
    if stopped_keys is None:
        return frozenset()
    if isinstance(stopped_keys, str | bytes) or not isinstance(stopped_keys, Iterable):
        raise fail("stopped_keys", owner, rule, stopped_keys)
    keys = list(stopped_keys)
    if not all(map(is_int, keys)):
        raise fail("stopped_keys", owner, rule, keys)
    return frozenset(int(key) for key in keys)


#: Styles of :func:`plot_learning_curves`, by "stopped": one ``Line2D`` each, in this order.
#: Full runs are drawn over the stopped ones (``zorder``): they are the few a reader looks for.
CURVE_STYLES = {
    False: dict(color="C0", lw=1.3, ls="-", alpha=0.85, zorder=2.1, label="ran to the end"),
    True: dict(color="0.5", lw=1.0, ls="--", alpha=0.55, zorder=2.0, label="stopped early"),
}
#: On a log step axis with at most this many distinct steps (a scheduler's budgets), each step is a tick.
MAX_STEP_TICKS = 8
#: The dashed curves' name when ``full_step`` counts a curve below it as stopped: a scheduler's
#: configuration there may still be promoted (its rung plot says "no decision (yet)").
BELOW_FULL_STEP = "below the full budget (stopped, or not promoted yet)"
#: The crosses' name: the last point of each curve a pruner or a decision stopped.
STOPPED_HERE = "stopped here"
#: A dot on each point of curves over budgets (``full_step`` given): a point per rung, and a
#: configuration run at one budget only is a curve of one point, which a line alone never shows.
BUDGET_POINTS = dict(marker="o", ms=3)
#: The legend's place: a band above the Axes, where it hides no point. ``loc="best"`` only finds
#: the place that covers the least, and over budgets (few x values, points spread up the whole
#: axis) that was over a stopped configuration's point (audit a418: Hyperband, trial 8 at 0.111).
LEGEND_ABOVE = dict(loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2, frameon=False, fontsize="small")


def plot_learning_curves(curves: Sequence[Any], ax: Any = None, *, full_step: float | None = None,
                         stopped_keys: Iterable[int] | None = None, xlabel: str = "step", ylabel: str = "value",
                         xscale: str = "linear") -> Any:
    """Value against step per curve: finished curves solid, stopped ones dashed and faded, a cross
    where a pruner or a decision stopped one.

    Parameters
    ----------
    curves : list of Curve
        ``learning_curves(study)`` (steps are the reported steps) or ``config_curves(study)``
        (steps are budgets: use ``xlabel="budget"``, ``xscale="log"`` and ``full_step=max_budget``).
    ax : matplotlib Axes, optional
    full_step : float, optional
        Curves ending before it count as stopped (see :func:`curves_info`); each point is then
        dotted (a point per budget).
    stopped_keys : iterable of int, optional
        Keys of the curves a decision stopped (``stopped_configs(rung_table)``): they end in a
        cross too, as PRUNED curves do; curves below ``full_step`` but promoted, or waiting, do not.
    xlabel, ylabel : str
    xscale : {"linear", "log"}

    Returns
    -------
    Axes
        ``ax.lines``: one line per style that has curves, "ran to the end" then "stopped early"
        (with ``full_step``: :data:`BELOW_FULL_STEP`),
        each holding all its curves (given order) with a row of NaN after each curve (so curves
        are not joined); then the crosses at the ends of crossed curves (:data:`STOPPED_HERE`). A
        few artists however many curves: one per curve took seconds to build and draw at
        thousands of curves. The legend lists only what is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.study.curves import Curve
    >>> curves = [Curve(0, np.arange(3.0), np.array([1.0, 0.5, 0.4]), "COMPLETE", np.zeros(3)),
    ...           Curve(1, np.arange(1.0), np.array([1.5]), "PRUNED", np.ones(1)),
    ...           Curve(2, np.arange(2.0), np.array([1.2, 0.9]), "COMPLETE", np.zeros(2))]
    >>> ax = plot_learning_curves(curves, Figure().add_subplot())
    >>> [(line.get_label(), line.get_linestyle()) for line in ax.lines[:2]]
    [('ran to the end', '-'), ('stopped early', '--')]
    >>> ax.lines[0].get_xydata().tolist()[3:]  # after curve 0's three points and a NaN row: curve 2
    [[nan, nan], [0.0, 1.2], [1.0, 0.9], [nan, nan]]
    >>> ax.lines[2].get_xydata().tolist()
    [[0.0, 1.5]]
    """
    owner = "plot_learning_curves"
    info = _checked_curves(curves, full_step, stopped_keys, xscale, owner)
    plot = LearningCurvesPlot(axes_or_new(ax, owner=owner))._show(info, full_step is not None, xlabel, ylabel, xscale)
    drop_empty(*plot.styles.values())  # drawn once: the Axes hold the lines that have curves, as listed above
    return plot.ax


def _checked_curves(curves: Sequence[Any], full_step: float | None, stopped_keys: Iterable[int] | None,
                    xscale: str, owner: str) -> CurvesInfo:
    info = _curves_info(curves, full_step, stopped_keys, owner)
    check_one_of(xscale, "xscale", owner, ("linear", "log"))
    if xscale == "log":
        _positive_steps(info.lines, owner)
    return info


class LearningCurvesPlot:
    """:func:`plot_learning_curves` updatable in place: its three lines are built once and moved by
    :meth:`update` (DESIGN.md section 4), however many curves come and go (each line holds all the
    curves of its style, a row of NaN after each); the caller then calls ``fig.canvas.draw_idle()``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Attributes
    ----------
    ax : Axes
    styles : dict of bool to Line2D
        The curves that ran to the end (False) and those stopped early (True), by :data:`CURVE_STYLES`.
    ends : Line2D
        The crosses at the ends of crossed curves (:data:`STOPPED_HERE`).
    artists : list of Line2D
        The above, in drawing order.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.study.curves import Curve
    >>> plot = LearningCurvesPlot(Figure().add_subplot())
    >>> first = Curve(0, np.arange(3.0), np.array([1.0, 0.5, 0.4]), "COMPLETE", np.zeros(3))
    >>> line = plot.update([first]).styles[False]
    >>> pruned = Curve(1, np.arange(1.0), np.array([1.5]), "PRUNED", np.ones(1))
    >>> plot.update([first, pruned]).styles[False] is line, plot.ends.get_xydata().tolist()
    (True, [[0.0, 1.5]])
    """

    def __init__(self, ax: Any = None):
        ax = self.ax = axes_or_new(ax, owner="LearningCurvesPlot")
        self.styles = {cut: ax.plot([], [], **style)[0] for cut, style in CURVE_STYLES.items()}
        # Markers as a line gets them by default: restored when the curves are no longer over budgets.
        self._plain = {"marker": self.styles[False].get_marker(), "ms": self.styles[False].get_markersize()}
        (self.ends,) = ax.plot([], [], ls="none", marker="x", ms=6, mew=1.5, color="C3", zorder=3, label=STOPPED_HERE)
        self.artists = [*self.styles.values(), self.ends]

    def update(self, curves: Sequence[Any], *, full_step: float | None = None,
               stopped_keys: Iterable[int] | None = None, xlabel: str = "step", ylabel: str = "value",
               xscale: str = "linear") -> LearningCurvesPlot:
        """Show ``curves`` (arguments as :func:`plot_learning_curves`'s); returns ``self``."""
        info = _checked_curves(curves, full_step, stopped_keys, xscale, "LearningCurvesPlot.update")
        return self._show(info, full_step is not None, xlabel, ylabel, xscale)

    def _show(self, info: CurvesInfo, over_budgets: bool, xlabel: str, ylabel: str, xscale: str) -> LearningCurvesPlot:
        ax = self.ax
        for cut, line in self.styles.items():
            group = [curve for curve, stopped in zip(info.lines, info.stopped, strict=True) if stopped == cut]
            line.set_data(*joined_polylines(group).T)
            line.set_label(BELOW_FULL_STEP if cut and over_budgets else CURVE_STYLES[cut]["label"])
            line.set(**(BUDGET_POINTS if over_budgets else self._plain))
        self.ends.set_data(info.ends[:, 0], info.ends[:, 1])
        ax.set_xscale(xscale)  # again each time: the scale's own ticks and labels, as a fresh Axes has
        if xscale == "log":
            from matplotlib.ticker import FuncFormatter, NullFormatter

            # Plain labels ("0.1", "1"), not the default mathtext ("$10^{-1}$", "$2\times10^{-1}$"): in
            # the Lab's live panel a redraw once failed inside matplotlib's mathtext parser.
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            steps = np.unique(np.concatenate([line[:, 0] for line in info.lines])) if info.lines else np.empty(0)
            if 0 < len(steps) <= MAX_STEP_TICKS:  # a scheduler's budgets: 1/27, 1/9, 1/3 and 1 had one label, "0.1"
                ax.set_xticks(steps, distinct_labels(steps))
                ax.minorticks_off()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        relimit(ax)
        legend_or_none(ax, **LEGEND_ABOVE)  # an empty curve drew nothing: no entry names it
        return self

    def clear(self) -> LearningCurvesPlot:
        """Show nothing, as fresh Axes (no curves yet); returns ``self``."""
        blank(self.ax, *self.artists)
        return self


def _positive_steps(lines: tuple[np.ndarray, ...], owner: str) -> None:
    """A log x axis cannot place a step <= 0: it would drop the point (and cut the line) unseen."""
    for k, line in enumerate(lines):
        bad = ~(line[:, 0] > 0)
        if bad.any():
            raise fail(f"curves[{k}].steps", owner, "numbers > 0 with xscale='log'", float(line[bad, 0][0]),
                       hint="Pass xscale='linear' for steps counted from 0.")


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
    return _budget_trace_info(trace, baseline, normalize, "budget_trace_info")


def _budget_trace_info(trace: Any, baseline: Any, normalize: bool, owner: str) -> BudgetTraceInfo:
    for name, value in (("trace", trace), ("baseline", baseline)):
        if name == "baseline" and value is None:
            continue
        rule = "a BudgetTrace (budget_trace(study))" + (" or None" if name == "baseline" else "")
        spent, best_full, best_any, full = record_fields(value, ("spent", "best_full", "best_any", "full_budget"),
                                                         name, owner, rule)
        arrays = [float_array(a, name, owner, rule) for a in (spent, best_full, best_any)]
        if any(a.ndim != 1 or a.shape != arrays[0].shape for a in arrays) or as_finite(full) is None \
                or not full > 0:
            raise fail(name, owner, rule + ": spent, best_full and best_any of one length, full_budget > 0",
                       value)
    check_bool(normalize, "normalize", owner)
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
    info = _budget_trace_info(trace, baseline, normalize, "plot_budget_trace")
    labels = two_labels(labels, "plot_budget_trace", "the trace")
    ax = axes_or_new(ax, owner="plot_budget_trace")
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
