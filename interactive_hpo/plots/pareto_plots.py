"""Several objectives drawn: the Pareto front with the region it dominates
(:func:`plot_pareto_front`) and hypervolume over trials (:func:`plot_hypervolume`), from the
records of :func:`~.pareto.pareto_info`, in objective units (an accuracy axis reads as accuracy,
higher is better).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_int, check_real, fail, float_array
from ..direction import Direction
from ._axes import axes_or_new, integer_ticks
from .pareto import LOWER_BUDGET, ParetoInfo

__all__ = ["plot_hypervolume", "plot_pareto_front"]


def _label(name: str, direction: str) -> str:
    return f"{name} ({Direction(direction).word} is better)"


def plot_pareto_front(info: ParetoInfo, ax: Any = None, *, true_front: Any = None, n_objectives: int = 2) -> Any:
    """Every trial of two objectives, the front as a staircase and the region it dominates.

    Feasible trials are dots, the front's trials larger red dots joined by the staircase,
    infeasible trials grey crosses, and a multi-fidelity study's lower-budget trials (``info.full``
    False) hollow circles, "lower budget (not counted)": they are never on the front. The shaded
    region (up to the reference point, the black square) has the hypervolume as its area; for a
    pair of more objectives (``n_objectives`` > 2) it is only the area the pair's front
    dominates, and the legend calls it that.

    Parameters
    ----------
    info : ParetoInfo
        From :func:`pareto_info`, with two objectives.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    true_front : array-like of shape (k, 2), optional
        A known Pareto front in objective units (a synthetic problem's ``true_front(k)``),
        drawn as small grey dots.
    n_objectives : int, default 2
        How many objectives the study has when ``info`` holds two of them (from
        ``pareto_info(values[:, [i, j]], ...)``, as the Lab's Pareto panel shows a chosen pair):
        above 2, the shaded area is no hypervolume ("area dominated in f2-f3"), which only
        all the objectives together have.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.plots import pareto_info
    >>> info = pareto_info([[1, 3], [2, 2], [3, 3]], ["minimize", "minimize"], reference=[4, 4])
    >>> ax = plot_pareto_front(info, Figure().add_subplot())
    >>> ax.get_xlabel()
    'objective 0 (lower is better)'
    """
    owner = "plot_pareto_front"
    if not isinstance(info, ParetoInfo) or info.values.shape[1] != 2:
        raise fail("info", owner, "a ParetoInfo of two objectives (from pareto_info)", info,
                   hint="With more objectives, plot the hypervolume, or pairs of objectives by hand.")
    if true_front is not None:
        rule = "None or an array of shape (k, 2) of finite objective values"
        known = float_array(true_front, "true_front", owner, rule)
        if known.ndim != 2 or known.shape[1] != 2 or not np.isfinite(known).all():
            raise fail("true_front", owner, rule, true_front, hint=f"Its shape is {known.shape}.")
    pair_of_more = check_int(n_objectives, "n_objectives", owner, 2) > 2
    ax = axes_or_new(ax, figsize=(8.5, 4.5), owner=owner)
    if true_front is not None:
        ax.plot(*known.T, ls="none", marker=".", ms=3, color="0.55", zorder=1, label="true front")
    if len(info.dominated):
        area = f"area dominated in {info.names[0]}-{info.names[1]}: " if pair_of_more else "dominated: hypervolume "
        ax.fill(*info.dominated.T, color="C3", alpha=0.12, lw=0, zorder=0, label=f"{area}{info.final_hypervolume:.3g}")
        ax.plot(*info.staircase.T, color="C3", lw=1.5, zorder=2)
    # A layer with no points is left out, so the legend lists only what is there.
    layers = [(info.counted & ~info.front, {"s": 28, "color": "C0", "alpha": 0.75, "label": "trial"}),
              (info.feasible & ~info.full, {"s": 28, "facecolor": "none", "edgecolor": "C0", "alpha": 0.55,
                                            "linewidth": 0.9, "label": LOWER_BUDGET}),
              # Crosses over the front's dots: a trial just past a constraint sits beside the front.
              (info.complete & ~info.feasible & ~info.unknown,
               {"s": 36, "marker": "x", "color": "0.45", "zorder": 5, "label": "infeasible"}),
              (info.unknown, {"s": 36, "marker": "+", "color": "0.45", "zorder": 5, "label": "feasibility unknown"}),
              (info.front, {"s": 60, "color": "C3", "edgecolor": "black", "linewidth": 0.7, "zorder": 4,
                            "label": f"Pareto front ({int(info.front.sum())})"})]
    for mask, style in layers:
        if mask.any():
            ax.scatter(*info.values[mask].T, **{"zorder": 3, **style})
    if np.isfinite(info.reference).all():
        ax.scatter(*info.reference, s=60, marker="s", color="black", zorder=4, label="reference point")
    ax.set_xlabel(_label(info.names[0], info.directions[0]))
    ax.set_ylabel(_label(info.names[1], info.directions[1]))
    _legend_beside(ax)
    return ax


def plot_hypervolume(runs: ParetoInfo | Mapping[str, ParetoInfo | Sequence[ParetoInfo]], ax: Any = None, *,
                     best: float | None = None) -> Any:
    """Hypervolume over trials, of one run or of several to compare.

    Parameters
    ----------
    runs : ParetoInfo, or mapping from a label to a ParetoInfo or a list of them
        One run; or runs to compare by label (a method, a setting). A list (say, one per seed)
        is drawn as thin lines with their mean as a thick one, over the trials all have. Every
        run must have the same reference point: hypervolumes of different boxes do not compare.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    best : float, optional
        The largest hypervolume possible (a known front's), drawn as a dashed line.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.plots import pareto_info
    >>> a = pareto_info([[2, 2], [1, 3]], ["minimize"] * 2, reference=[4, 4])
    >>> b = pareto_info([[3, 3], [1, 1]], ["minimize"] * 2, reference=[4, 4])
    >>> ax = plot_hypervolume({"a": a, "b": [a, b]}, Figure().add_subplot(), best=16.0)
    >>> [line.get_label() for line in ax.get_lines()][-2:]
    ['b (mean of 2)', 'best possible']
    """
    groups = {"hypervolume": [runs]} if isinstance(runs, ParetoInfo) else _groups(runs)
    if best is not None:
        best = check_real(best, "best", "plot_hypervolume", 0.0)
    references = [info.reference for infos in groups.values() for info in infos]
    if any(not np.array_equal(r, references[0], equal_nan=True) for r in references):
        raise fail("runs", "plot_hypervolume", "runs measured from one reference point",
                   [np.round(r, 4).tolist() for r in references],
                   hint="Pass the same reference= to pareto_info for every run.")
    ax = axes_or_new(ax, figsize=(9, 3.8), owner="plot_hypervolume")
    for colour, (label, infos) in enumerate(groups.items()):
        if len(infos) == 1:
            ax.plot(np.arange(1, len(infos[0].hypervolume) + 1), infos[0].hypervolume, color=f"C{colour}",
                    label=label)
            continue
        n = min(len(info.hypervolume) for info in infos)
        for info in infos:
            ax.plot(np.arange(1, n + 1), info.hypervolume[:n], color=f"C{colour}", lw=0.8, alpha=0.4)
        mean = np.mean([info.hypervolume[:n] for info in infos], axis=0)
        ax.plot(np.arange(1, n + 1), mean, color=f"C{colour}", lw=2.5, label=f"{label} (mean of {len(infos)})")
    if best is not None:
        ax.axhline(best, color="0.3", ls="--", lw=1.2, label="best possible")
    integer_ticks(ax.xaxis)
    ax.set_xlabel("trials")
    ax.set_ylabel("hypervolume (higher is better)")
    _legend_beside(ax)
    return ax


def _legend_beside(ax: Any) -> None:
    # Right of the Axes: inside, it would hide trials or lines wherever it went; above, the title.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


def _groups(runs: Any) -> dict[str, list[ParetoInfo]]:
    rule = "a ParetoInfo, or a dict from a label to a ParetoInfo or a non-empty list of them"
    if not isinstance(runs, Mapping) or not runs:
        raise fail("runs", "plot_hypervolume", rule, runs)
    groups = {str(label): [infos] if isinstance(infos, ParetoInfo) else infos for label, infos in runs.items()}
    if len(groups) < len(runs):  # 1 and "1" would share a legend entry, one run drawn over the other
        raise fail("runs", "plot_hypervolume", "a dict whose labels read differently as text", list(runs))
    if not all(isinstance(infos, Sequence) and infos and all(isinstance(info, ParetoInfo) for info in infos)
               for infos in groups.values()):
        raise fail("runs", "plot_hypervolume", rule, runs)
    return {label: list(infos) for label, infos in groups.items()}
