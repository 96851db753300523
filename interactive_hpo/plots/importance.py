"""Which hyperparameters mattered: importance bars and the ablation path.

The functions take plain arrays (the analyses live in :mod:`interactive_hpo.analysis`, a room
plots may not import), chosen so that a result's fields go straight in:

- :func:`plot_importance`: a ``SobolIndices``' ``names, first, total, first_interval, total_interval``;
- :func:`plot_quantile_importance`: a ``QuantileImportance``'s ``names, share, interval``;
- :func:`plot_ablation`: an ``AblationPath``'s ``steps, losses``.

How the objective moves with a parameter (partial dependence) is drawn by
:mod:`interactive_hpo.plots.partial_dependence`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import fail, float_array
from ._axes import axes_or_new, error_lengths, legend_in_band

__all__ = ["plot_ablation", "plot_importance", "plot_quantile_importance"]

#: Colours: total (light) and first order (dark) of one hue, so the dark bar reads as a part of the light one.
LIGHT, DARK = "#9ecae1", "#08519c"
#: Heights of the total (light) and first-order (dark) bars, in rows.
TOTAL_HEIGHT, FIRST_HEIGHT = 0.7, 0.36


# -- validation ---------------------------------------------------------------------------------------
def _names(names: Any, owner: str) -> tuple[str, ...]:
    # Distinct: two bars named alike would leave the reader to guess which parameter is which.
    if isinstance(names, str) or not isinstance(names, Sequence) or not names \
            or not all(isinstance(n, str) for n in names) or len(set(names)) < len(names):
        raise fail("names", owner, "a non-empty sequence of distinct str (one per parameter)", names)
    return tuple(names)


def _vector(values: Any, name: str, owner: str, d: int, *, allow_nan: bool = False) -> np.ndarray:
    rule = f"an array of shape ({d},), one finite number per name"
    array = float_array(values, name, owner, rule)
    bad = ~np.isfinite(array) & ~(allow_nan & np.isnan(array))
    if array.shape != (d,) or bad.any():
        raise fail(name, owner, rule, values, hint=f"Its shape is {array.shape}." if array.shape != (d,) else None)
    return array


def _interval(values: Any, name: str, owner: str, d: int) -> np.ndarray | None:
    if values is None:
        return None
    rule = f"None or an array of shape ({d}, 2): (low, high) per name"
    array = float_array(values, name, owner, rule)
    if array.shape != (d, 2) or not np.isfinite(array).all() or (array[:, 0] > array[:, 1]).any():
        raise fail(name, owner, rule, values, hint=f"Its shape is {array.shape}." if array.shape != (d, 2) else
                   "Every low must be finite and at most its high.")
    return array


def _sorted_bars(ax: Any, names: tuple[str, ...], order: np.ndarray) -> np.ndarray:
    """Bar positions, the most important on top, with its name as tick label."""
    y = np.arange(len(order), dtype=float)
    ax.set_yticks(y, [names[i] for i in order])
    ax.set_ylim(len(order) - 0.5, -0.5)  # first row on top
    return y


def _say_if_nothing(ax: Any, values: np.ndarray, interval: np.ndarray | None) -> None:
    """Say so on ``ax`` when every bar and whisker is 0: empty axes under a legend read as a plot
    that failed, where the surrogate was flat (a constant objective: nothing explains anything)."""
    if not values.any() and (interval is None or not interval.any()):
        ax.text(0.5, 0.5, "every index is 0: the surrogate of these trials is flat\n(the objective did not vary)",
                transform=ax.transAxes, ha="center", va="center", color="0.3")


# -- global importance --------------------------------------------------------------------------------
def plot_importance(names: Sequence[str], first: Any, total: Any, first_interval: Any = None,
                    total_interval: Any = None, ax: Any = None, *, title: str | None = None) -> Any:
    """Sobol indices as horizontal bars, the most important parameter on top.

    Each parameter's **total** index (its share of the variance, interactions included) is a
    light bar; its **first-order** index (the share it explains alone) a dark bar inside it. The
    light part beyond the dark one is what the parameter does only together with others.
    Parameters are sorted by total index; whiskers show the intervals.

    Parameters
    ----------
    names : sequence of str
        The d parameters.
    first, total : array-like of shape (d,)
        First-order and total indices (shares of the variance, in [0, 1]).
    first_interval, total_interval : array-like of shape (d, 2), optional
        (low, high) of each index: whiskers on the dark and the light bar.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    title : str, optional

    Returns
    -------
    Axes

    Examples
    --------
    From a result ``r = interactive_hpo.analysis.importance(study)``:
    ``plot_importance(r.names, r.first, r.total, r.first_interval, r.total_interval)``.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_importance(["a", "b"], [0.1, 0.6], [0.3, 0.7], ax=Figure().add_subplot())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['b', 'a']
    """
    owner = "plot_importance"
    names = _names(names, owner)
    d = len(names)
    first, total = _vector(first, "first", owner, d), _vector(total, "total", owner, d)
    first_interval = _interval(first_interval, "first_interval", owner, d)
    total_interval = _interval(total_interval, "total_interval", owner, d)
    ax = axes_or_new(ax, figsize=(7, 1.2 + 0.55 * d), owner=owner)
    order = np.argsort(-total, kind="stable")
    y = _sorted_bars(ax, names, order)
    ax.barh(y, total[order], height=TOTAL_HEIGHT, color=LIGHT, edgecolor="#3182bd", linewidth=0.8,
            label="total (with interactions)")
    ax.barh(y, first[order], height=FIRST_HEIGHT, color=DARK, label="first order (alone)")
    # The first-order whisker across the dark bar, the total one in the light band above it (rows
    # run downwards): on one line, a first-order interval of (0, 1) hid the total one whole.
    above_dark = -(TOTAL_HEIGHT + FIRST_HEIGHT) / 4
    for values, interval, colour, shift, cap in ((total, total_interval, "#3182bd", above_dark, 3),
                                                 (first, first_interval, "black", 0.0, 4)):
        if interval is not None:
            ax.errorbar(values[order], y + shift, xerr=error_lengths(values[order], interval[order]), fmt="none",
                        ecolor=colour, elinewidth=1.5, capsize=cap, zorder=3)
    high = max(1.0, float(np.max(total_interval[:, 1])) if total_interval is not None else 0.0)
    ax.set_xlim(0.0, high * 1.02)
    ax.set_xlabel("share of the variance")
    # In a band below the last bar: bars and whiskers reach any x, so no corner is free of them
    # (in the corner, the legend covered the last bar's whisker when every total was high).
    legend_in_band(ax.legend(loc="lower right"), [ax], "bottom")
    _say_if_nothing(ax, total, total_interval)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_quantile_importance(names: Sequence[str], share: Any, interval: Any = None, ax: Any = None, *,
                             quantile: float | None = None, title: str | None = None) -> Any:
    """Importance among the best trials (PED-ANOVA-like shares) as horizontal bars, sorted.

    Parameters
    ----------
    names : sequence of str
        The d parameters.
    share : array-like of shape (d,)
        Each parameter's share of the divergence between the best trials and all of them.
    interval : array-like of shape (d, 2), optional
        (low, high) of each share, drawn as whiskers.
    ax : matplotlib Axes, optional
    quantile : float, optional
        The share of trials counted as the best, named in the axis label.
    title : str, optional

    Returns
    -------
    Axes

    Examples
    --------
    From ``q = interactive_hpo.analysis.study_quantile_importance(study)``:
    ``plot_quantile_importance(q.names, q.share, q.interval, quantile=q.quantile)``.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_quantile_importance(["a", "b"], [0.2, 0.8], [[0.1, 0.3], [0.6, 0.9]], Figure().add_subplot())
    >>> [float(patch.get_width()) for patch in ax.patches]
    [0.8, 0.2]
    """
    owner = "plot_quantile_importance"
    names = _names(names, owner)
    d = len(names)
    share = _vector(share, "share", owner, d)
    interval = _interval(interval, "interval", owner, d)
    if quantile is not None and not (isinstance(quantile, (int, float)) and 0 < quantile < 1):
        raise fail("quantile", owner, "None or a number in (0, 1)", quantile)
    ax = axes_or_new(ax, figsize=(7, 1.2 + 0.55 * d), owner=owner)
    order = np.argsort(-share, kind="stable")
    y = _sorted_bars(ax, names, order)
    ax.barh(y, share[order], height=0.6, color="#fdae6b", edgecolor="#e6550d", linewidth=0.8)
    if interval is not None:
        ax.errorbar(share[order], y, xerr=error_lengths(share[order], interval[order]), fmt="none", ecolor="black",
                    elinewidth=1.5, capsize=4, zorder=3)
    ax.set_xlim(0.0, 1.0)
    best = "the best trials" if quantile is None else f"the best {quantile:.0%} of trials"
    ax.set_xlabel(f"share of importance among {best}")
    _say_if_nothing(ax, share, interval)
    if title is not None:
        ax.set_title(title)
    return ax


# -- ablation -----------------------------------------------------------------------------------------
def plot_ablation(steps: Sequence[str], losses: Any, ax: Any = None, *, ylabel: str = "loss (lower is better)",
                  start: str = "default") -> Any:
    """The ablation path: the loss at a default configuration, then after changing each parameter
    to the incumbent's value in turn, each step labelled with its share of the whole gain (on
    the side of the step that faces the middle of the values, so that it stays inside the axes).

    Parameters
    ----------
    steps : sequence of str
        The k parameters changed, in order.
    losses : array-like of shape (k + 1,)
        The loss at the start, then after each step. Any units: pass objective values (say
        minus the losses, as accuracies) with a matching ``ylabel``; the shares do not change.
    ax : matplotlib Axes, optional
    ylabel : str, default="loss (lower is better)"
    start : str, default="default"
        The label of the starting configuration.

    Returns
    -------
    Axes

    Examples
    --------
    From ``path = interactive_hpo.analysis.ablation_path(loss, space, default, incumbent)``:
    ``plot_ablation(path.steps, path.losses)``.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_ablation(["a", "b"], [4.0, 1.0, 0.0], Figure().add_subplot())
    >>> [t.get_text() for t in ax.texts]
    ['75%', '25%']
    """
    owner = "plot_ablation"
    if isinstance(steps, str) or not isinstance(steps, Sequence) or not all(isinstance(s, str) for s in steps):
        raise fail("steps", owner, "a sequence of str (the parameters changed, in order)", steps)
    k = len(steps)
    values = _vector(losses, "losses", owner, k + 1)
    ax = axes_or_new(ax, figsize=(max(6.0, 1.3 * (k + 1)), 4), owner=owner)
    x = np.arange(k + 1)
    ax.plot(x, values, marker="o", color="C0", ms=9, zorder=3)
    whole = values[-1] - values[0]
    centre = (values.min() + values.max()) / 2
    for i in range(k):
        share = (values[i + 1] - values[i]) / whole if whole != 0 else np.nan
        # round(...) + 0.0 turns a tiny negative share into 0%, not "-0%".
        text = "n/a" if not np.isfinite(share) else f"{round(share, 2) + 0.0:.0%}"
        middle = (values[i] + values[i + 1]) / 2
        # Each share on the side of its step that faces the middle of the values: half the axes'
        # height is room for it. Always above, the 0% of a flat last step at the top of a rising
        # path (values, not losses) sat on the axes' top spine (notebook 14).
        below = middle > centre
        # Straight below (above) the middle of a steep step, the line runs through the text
        # (notebook 14's "100%"): move it sideways too, to the side where the line is not.
        # Below a rising step's middle the line is left of it, so the text goes right.
        rise = values[i + 1] - values[i]
        side = 0.0 if rise == 0 else 1.0 if (rise > 0) == below else -1.0
        ax.annotate(text, ((x[i] + x[i + 1]) / 2, middle), xytext=(6 * side, -8 if below else 8),
                    textcoords="offset points", ha={1.0: "left", -1.0: "right"}.get(side, "center"),
                    va="top" if below else "bottom", color="C3", fontweight="bold")
    ax.set_xticks(x, [start] + [f"+ {s}" for s in steps], rotation=20 if k > 2 else 0,
                  ha="right" if k > 2 else "center")
    ax.set_xlim(-0.4, k + 0.4)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("parameters set to the incumbent's values, in order (share of the gain)")
    return ax
