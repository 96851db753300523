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
from ._in_place import drop_empty, legend_or_none, relimit
from .pareto import LOWER_BUDGET, ParetoInfo

__all__ = ["HypervolumePlot", "ParetoFrontPlot", "plot_hypervolume", "plot_pareto_front"]


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
    _check_info(info, owner)
    known, n_objectives = _check_front(true_front, n_objectives, owner)
    plot = ParetoFrontPlot(axes_or_new(ax, figsize=(8.5, 4.5), owner=owner), true_front=known,
                           n_objectives=n_objectives).update(info)
    drop_empty(*plot.artists)  # drawn once: the Axes hold what is drawn, as a caller's ax.legend() expects
    return plot.ax


def _check_info(info: Any, owner: str) -> None:
    if not isinstance(info, ParetoInfo) or info.values.shape[1] != 2:
        raise fail("info", owner, "a ParetoInfo of two objectives (from pareto_info)", info,
                   hint="With more objectives, plot the hypervolume, or pairs of objectives by hand.")


def _check_front(true_front: Any, n_objectives: Any, owner: str) -> tuple[np.ndarray | None, int]:
    """``true_front`` as an array of shape (k, 2) (or None) and ``n_objectives`` as an int >= 2."""
    known = None
    if true_front is not None:
        rule = "None or an array of shape (k, 2) of finite objective values"
        known = float_array(true_front, "true_front", owner, rule)
        if known.ndim != 2 or known.shape[1] != 2 or not np.isfinite(known).all():
            raise fail("true_front", owner, rule, true_front, hint=f"Its shape is {known.shape}.")
    return known, check_int(n_objectives, "n_objectives", owner, 2)


#: The trial layers of :class:`ParetoFrontPlot`, in drawing order: each one's name and style (the
#: trials it shows are :func:`_layer_masks`'). A layer with no points is left out of the legend.
FRONT_LAYERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("trial", {"s": 28, "color": "C0", "alpha": 0.75, "label": "trial"}),
    ("lower", {"s": 28, "facecolor": "none", "edgecolor": "C0", "alpha": 0.55, "linewidth": 0.9,
               "label": LOWER_BUDGET}),
    # Crosses over the front's dots: a trial just past a constraint sits beside the front.
    ("infeasible", {"s": 36, "marker": "x", "color": "0.45", "zorder": 5, "label": "infeasible"}),
    ("unknown", {"s": 36, "marker": "+", "color": "0.45", "zorder": 5, "label": "feasibility unknown"}),
    ("front", {"s": 60, "color": "C3", "edgecolor": "black", "linewidth": 0.7, "zorder": 4,
               "label": "Pareto front"}),
)


def _layer_masks(info: ParetoInfo) -> dict[str, np.ndarray]:
    """The trials of each of :data:`FRONT_LAYERS`, each a bool array of shape (n,)."""
    return {"trial": info.counted & ~info.front, "lower": info.feasible & ~info.full,
            "infeasible": info.complete & ~info.feasible & ~info.unknown, "unknown": info.unknown,
            "front": info.front}


class ParetoFrontPlot:
    """:func:`plot_pareto_front` updatable in place: its artists are built once and moved by
    :meth:`update` (DESIGN.md section 4); the caller then calls ``fig.canvas.draw_idle()``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    true_front : array-like of shape (k, 2), optional
        A known Pareto front in objective units, drawn as small grey dots (it does not move).
    n_objectives : int, default 2
        How many objectives the study has (see :func:`plot_pareto_front`).
    legend_fontsize : str or float, optional
        The legend's font size; matplotlib's default when None.

    Attributes
    ----------
    ax : Axes
    dominated : Polygon
        The region the front dominates (hidden when there is none); its label says its area.
    staircase : Line2D
        The front's boundary.
    layers : dict of str to PathCollection
        The trials by :data:`FRONT_LAYERS` name ("trial", "lower", "infeasible", "unknown", "front").
    reference : PathCollection
        The reference point (no point while it is NaN).
    artists : list of Artist
        All of the above, in drawing order (with the true front's line, if given, first).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.plots import pareto_info
    >>> plot = ParetoFrontPlot(Figure().add_subplot())
    >>> layer = plot.update(pareto_info([[1, 3], [2, 2]], ["minimize"] * 2, reference=[4, 4])).layers["front"]
    >>> plot.update(pareto_info([[1, 3], [2, 2], [0, 0]], ["minimize"] * 2, reference=[4, 4])).layers["front"] is layer
    True
    >>> layer.get_offsets().tolist(), layer.get_label()
    ([[0.0, 0.0]], 'Pareto front (1)')
    """

    def __init__(self, ax: Any = None, *, true_front: Any = None, n_objectives: int = 2,
                 legend_fontsize: str | float | None = None):
        from matplotlib.patches import Polygon

        owner = "ParetoFrontPlot"
        known, n_objectives = _check_front(true_front, n_objectives, owner)
        ax = self.ax = axes_or_new(ax, figsize=(8.5, 4.5), owner=owner)
        self.pair_of_more = n_objectives > 2
        self.legend_fontsize = legend_fontsize
        self.artists: list[Any] = []
        if known is not None:
            self.artists += ax.plot(*known.T, ls="none", marker=".", ms=3, color="0.55", zorder=1, label="true front")
        # A placeholder vertex, hidden until the first update (an empty Polygon cannot be closed).
        self.dominated = ax.add_patch(Polygon(np.zeros((1, 2)), closed=True, color="C3", alpha=0.12, lw=0, zorder=0,
                                              visible=False))
        (self.staircase,) = ax.plot([], [], color="C3", lw=1.5, zorder=2)
        empty = np.empty((0, 2))
        self.layers = {name: ax.scatter(*empty.T, **{"zorder": 3, **style}) for name, style in FRONT_LAYERS}
        self.reference = ax.scatter(*empty.T, s=60, marker="s", color="black", zorder=4, label="reference point")
        self.artists += [self.dominated, self.staircase, *self.layers.values(), self.reference]

    def update(self, info: ParetoInfo) -> ParetoFrontPlot:
        """Show ``info`` (two objectives, from :func:`pareto_info`); returns ``self``."""
        _check_info(info, "ParetoFrontPlot.update")
        shaded = len(info.dominated) > 0
        self.dominated.set_visible(shaded)
        if shaded:
            area = f"area dominated in {info.names[0]}-{info.names[1]}: " if self.pair_of_more else \
                "dominated: hypervolume "
            self.dominated.set_xy(info.dominated)
            self.dominated.set_label(f"{area}{info.final_hypervolume:.3g}")
        self.staircase.set_data(*info.staircase.T)
        for name, mask in _layer_masks(info).items():
            self.layers[name].set_offsets(info.values[mask].reshape(-1, 2))
        self.layers["front"].set_label(f"Pareto front ({int(info.front.sum())})")
        finite = np.isfinite(info.reference).all()
        self.reference.set_offsets(info.reference.reshape(1, 2) if finite else np.empty((0, 2)))
        self.ax.set_xlabel(_label(info.names[0], info.directions[0]))
        self.ax.set_ylabel(_label(info.names[1], info.directions[1]))
        return self.refresh()

    def clear(self) -> ParetoFrontPlot:
        """Show no trial, no region and no reference, on blank axes as fresh ones (a pair chosen
        while nothing is drawn named the one before); returns ``self``."""
        self.ax.set(xlabel="", ylabel="")
        self.dominated.set_visible(False)
        self.staircase.set_data([], [])
        for layer in [*self.layers.values(), self.reference]:
            layer.set_offsets(np.empty((0, 2)))
        return self.refresh()

    def refresh(self) -> ParetoFrontPlot:
        """Limits and legend from what the Axes show now (a caller's own artists on them too, such
        as the Lab's rings: update those first, or call this after them); returns ``self``."""
        relimit(self.ax)
        _legend_beside(self.ax, self.legend_fontsize)
        return self


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
    ax = _hypervolume_axes(axes_or_new(ax, figsize=(9, 3.8), owner="plot_hypervolume"))
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
    ax.set_ylabel(HYPERVOLUME_LABEL)
    _legend_beside(ax)
    return ax


#: The y label of hypervolume over trials.
HYPERVOLUME_LABEL = "hypervolume (higher is better)"


def _hypervolume_axes(ax: Any) -> Any:
    """``ax`` set up for hypervolume over trials: whole trial numbers on x, labelled."""
    integer_ticks(ax.xaxis)
    ax.set_xlabel("trials")
    return ax


class HypervolumePlot:
    """Hypervolume over the trials of one run (as :func:`plot_hypervolume` draws it), updatable in
    place: one line, moved by :meth:`update`.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Attributes
    ----------
    ax : Axes
    line : Line2D
        The hypervolume after trials 1, 2, ..., n.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.plots import pareto_info
    >>> plot = HypervolumePlot(Figure().add_subplot())
    >>> plot.update(pareto_info([[2, 2], [1, 1]], ["minimize"] * 2, reference=[4, 4])).line.get_ydata().tolist()
    [4.0, 9.0]
    """

    def __init__(self, ax: Any = None):
        self.ax = _hypervolume_axes(axes_or_new(ax, figsize=(9, 3.8), owner="HypervolumePlot"))
        (self.line,) = self.ax.plot([], [], color="C0", label="hypervolume")

    def update(self, info: ParetoInfo) -> HypervolumePlot:
        """Show the hypervolume of ``info`` (from :func:`pareto_info`); returns ``self``."""
        if not isinstance(info, ParetoInfo):
            raise fail("info", "HypervolumePlot.update", "a ParetoInfo (from pareto_info)", info)
        self.line.set_data(np.arange(1, len(info.hypervolume) + 1), info.hypervolume)
        self.ax.set_ylabel(HYPERVOLUME_LABEL)
        relimit(self.ax)
        _legend_beside(self.ax)
        return self

    def clear(self) -> HypervolumePlot:
        """Show no curve and no legend, its y axis unlabelled as on fresh axes; returns ``self``."""
        self.ax.set_ylabel("")
        self.line.set_data([], [])
        relimit(self.ax)
        _legend_beside(self.ax)
        return self


def _legend_beside(ax: Any, fontsize: str | float | None = None) -> None:
    # Right of the Axes: inside, it would hide trials or lines wherever it went; above, the title.
    legend_or_none(ax, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=fontsize)


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
