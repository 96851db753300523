"""Loss-landscape heat maps: the objective over two parameters, with optima and basins (the
landscape paper: Huang and Li, arXiv:2311.14014); an optimizer's path over such a map is drawn by
:mod:`.landscape_trajectory`, the neighbour graph by :mod:`.landscape_graph`, comparisons of
landscapes by :mod:`.landscape_compare`.

As in :mod:`.fidelity`, a plain "info" record is computed first (:func:`heatmap_info`; tests
target it) and drawn second. The input is a :class:`~interactive_hpo.landscape.Landscape`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, check_one_of, fail
from ..landscape.graph import Landscape
from ..landscape.metrics import basins
from ._axes import axes_or_new, check_cmap, drawn_entries
from ._checks import value_label
from .landscape_graph import plot_landscape_graph  # in its own module since 0.2; a name of this one since 0.1

__all__ = ["HeatmapInfo", "heatmap_info", "plot_landscape", "plot_landscape_graph"]

#: Names of this module until 0.2, in :mod:`.landscape_trajectory` since.
_MOVED_TO_TRAJECTORY = ("plot_trajectory", "trajectory_info")

#: The optima's markers lie above an optimizer's path (drawn by :func:`.plot_trajectory` below this),
#: the star above the dots: in notebook 09 trial markers and the best-found ring hid the star.
_OPTIMA_ZORDER = 7


def _landscape(land: Any, owner: str) -> Landscape:
    if not isinstance(land, Landscape):
        raise fail("land", owner, "a Landscape", land)
    return land


def _pair(land: Landscape, x: Any, y: Any, owner: str) -> tuple[int, int]:
    """Positions of parameters ``x`` and ``y`` in ``land.names``."""
    for name, value in (("x", x), ("y", y)):
        check_one_of(value, name, owner, land.names, "the landscape's parameters")
    if x == y:
        raise fail("y", owner, f"a parameter other than x={x!r}", y,
                   hint=None if len(land.names) > 1 else "The landscape has one parameter, and a heat map needs two: "
                   "plot_landscape_graph draws any landscape.")
    return land.names.index(x), land.names.index(y)


def _label(value: Any) -> str:
    """A level as a short tick label: floats compactly, anything else as ``str``."""
    return f"{value:.3g}" if isinstance(value, float) else str(value)


# -- heat map of two parameters ----------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class HeatmapInfo:
    """What :func:`plot_landscape` draws: the landscape projected on two parameters.

    Attributes
    ----------
    values : ndarray of shape (n_y, n_x)
        The best or the mean over all other parameters in each cell (row: y level), in the
        objective's units (``direction``: an accuracy for a landscape of minus accuracies).
    representative : ndarray of shape (n_y, n_x), dtype int
        Grid index of each cell's best configuration, for either ``reduce``: the first on ties,
        but in a conditional space one drawn in this cell before an inactive copy of one drawn
        in another (where :meth:`~interactive_hpo.landscape.Landscape.index_of` places it).
    local_optimum : ndarray of shape (n_y, n_x), dtype bool
        The cell of each local optimum of the full landscape whose configuration is a cell's
        representative (no strictly better neighbour), one cell per optimum: with plateaus merged,
        an optimal plateau is one optimum, marked in the cell of its first member (the index
        :func:`~interactive_hpo.landscape.local_optima` reports), the global optimum's plateau in
        the star's cell (``optimum``), and in a conditional space only in the cell of the grid
        point its trials are drawn at, not in the cells of its inactive copies. On two parameters
        it marks as many cells as ``local_optima(land, plateaus=plateaus)`` counts optima.
    basin : ndarray of shape (n_y, n_x), dtype int
        Grid index of the local optimum the representative climbs to (its basin's attractor).
    boundaries : ndarray of shape (b, 2, 2)
        Segments ((x0, y0), (x1, y1)) between cells of different basins (cell (i, j) centred on (i, j)).
    optimum : (int, int)
        (x index, y index) of the global optimum's cell.
    x, y, x_labels, y_labels, reduce
        The parameters, their levels as tick labels (tuples of str), and "best" or "mean".
    label : str
        What ``values`` are, for the colour bar: "accuracy", or "accuracy (best over
        min_samples_leaf)" when other parameters were reduced.
    inactive : ndarray of shape (n_y, n_x), dtype bool
        Cells where ``x`` or ``y`` does not apply in any configuration of the cell (``gamma`` of a
        linear-kernel SVM, in a conditional space): their values are copies of the cells beside
        them along that axis, not settings of their own. All False without conditions.
    inactive_params : tuple of str
        Which of ``x`` and ``y`` is inactive in some of those cells (empty without conditions).
    """

    values: np.ndarray
    representative: np.ndarray
    local_optimum: np.ndarray
    basin: np.ndarray
    boundaries: np.ndarray
    optimum: tuple[int, int]
    x: str
    y: str
    x_labels: tuple[str, ...]
    y_labels: tuple[str, ...]
    reduce: str
    label: str
    inactive: np.ndarray
    inactive_params: tuple[str, ...]


def _boundaries(basin: np.ndarray) -> np.ndarray:
    """Segments between horizontally or vertically adjacent cells of different basins, shape (b, 2, 2)."""
    segments = [((i + 0.5, j - 0.5), (i + 0.5, j + 0.5)) for j, i in zip(*np.nonzero(basin[:, 1:] != basin[:, :-1]),
                                                                          strict=True)]
    segments += [((i - 0.5, j + 0.5), (i + 0.5, j + 0.5)) for j, i in zip(*np.nonzero(basin[1:, :] != basin[:-1, :]),
                                                                           strict=True)]
    return np.array(segments, dtype=float).reshape(-1, 2, 2)


def heatmap_info(land: Landscape, x: str, y: str, *, reduce: str = "best", plateaus: bool = True,
                 direction: str = "minimize", label: str | None = None) -> HeatmapInfo:
    """Project ``land`` on parameters ``x`` and ``y``: per cell, the best or mean over the others.

    With ``plateaus`` (the default) optima and basins merge equal-loss plateaus
    (:func:`~interactive_hpo.landscape.local_optima`): on accuracy-based losses, flat regions
    would otherwise make a mesh of one-cell "optima". ``direction`` is the objective's: with
    "maximize" the values are shown as the objective's (``-loss``: accuracies, not minus
    accuracies), so that a figure reads in its natural units; ``label`` names them.
    """
    return _heatmap_info(land, x, y, reduce, plateaus, direction, label, "heatmap_info")


def _heatmap_info(land: Landscape, x: str, y: str, reduce: str, plateaus: bool, direction: str,
                  label: str | None, owner: str) -> HeatmapInfo:
    land = _landscape(land, owner)
    kx, ky = _pair(land, x, y, owner)
    reduce = check_one_of(reduce, "reduce", owner, ("best", "mean"))
    check_bool(plateaus, "plateaus", owner)
    goal, label = value_label(direction, label, owner)
    rest = [k for k in range(len(land.names)) if k not in (kx, ky)]
    shape = (land.shape[ky], land.shape[kx], -1)
    # Rows y, columns x, then every other configuration of the cell in C order, so argmin's
    # "first on ties" agrees with the landscape's (Landscape.optimum).
    losses = land.losses.reshape(land.shape).transpose([ky, kx, *rest]).reshape(shape)
    index = np.arange(land.n).reshape(land.shape).transpose([ky, kx, *rest]).reshape(shape)
    # A cell is inactive when the x or y level it stands for applies nowhere in it.
    off = {name: np.asarray((~land.active[:, k]).reshape(land.shape).transpose([ky, kx, *rest]).reshape(shape)
                            .all(axis=2)) for name, k in ((x, kx), (y, ky))}
    inactive = np.logical_or(off[x], off[y])
    # Where each grid point's configuration is drawn: an inactive copy elsewhere (notebook 09 drew five
    # white dots for one linear-kernel SVM). Of tied bests, a cell's own configuration represents it.
    shown = np.array([_shown_at(land, i) for i in range(land.n)]) if not land.active.all() else np.arange(land.n)
    tied = losses == losses.min(axis=2, keepdims=True)
    own = tied & (shown[index] == index)
    first = np.where(own.any(axis=2), np.argmax(own, axis=2), np.argmax(tied, axis=2))
    representative = np.take_along_axis(index, first[..., None], axis=2)[..., 0]
    attractor = basins(land, plateaus=plateaus)["attractor"]
    basin = attractor[representative]
    best = land.codes[shown[land.optimum]]
    # An optimum is one configuration: marked in the one cell where it is drawn, not on its copies.
    rows, cols = np.indices(representative.shape)
    at_home = (land.codes[shown[representative], kx] == cols) & (land.codes[shown[representative], ky] == rows)
    others = [land.names[k] for k in rest]
    if others:   # name what was reduced: "best over others" left the reader guessing
        label += f" ({reduce} over {' and '.join(others) if len(others) <= 2 else f'the other {len(others)}'})"
    # A cell as good as the optimum it climbs to is on that optimum's plateau (a climb leaves a plateau
    # only downhill); one cell per plateau: on a tied plateau every member was a dot (audit a370).
    on_optimum = (land.losses[representative] == land.losses[basin]) & at_home
    return HeatmapInfo(
        values=goal.to_value(losses.min(axis=2) if reduce == "best" else losses.mean(axis=2)),
        representative=representative,
        local_optimum=_once_per_optimum(on_optimum, representative, basin, (int(best[ky]), int(best[kx]))),
        basin=basin,
        boundaries=_boundaries(basin),
        optimum=(int(best[kx]), int(best[ky])), x=x, y=y, x_labels=tuple(map(_label, land.levels[kx])),
        y_labels=tuple(map(_label, land.levels[ky])), reduce=reduce, label=label, inactive=inactive,
        inactive_params=tuple(name for name, cells in off.items() if cells.any()))


def _once_per_optimum(on_optimum: np.ndarray, representative: np.ndarray, basin: np.ndarray,
                      star: tuple[int, int]) -> np.ndarray:
    """Of the cells ``on_optimum`` (shape (n_y, n_x)), one per optimum (``basin``, the same shape):
    the star's cell (row, column) for its own, else the one of the smallest ``representative``,
    the plateau's first member where it is a cell's own (as
    :func:`~interactive_hpo.landscape.local_optima` represents it)."""
    rows, cols = np.nonzero(on_optimum)
    order = np.lexsort((representative[rows, cols], (rows != star[0]) | (cols != star[1])))
    first = order[np.unique(basin[rows[order], cols[order]], return_index=True)[1]]
    once = np.zeros_like(on_optimum)
    once[rows[first], cols[first]] = True
    return once


def _shown_at(land: Landscape, index: int) -> int:
    """The grid point at which configuration ``index`` is drawn: ``index`` itself, or for an
    inactive copy the point :meth:`~interactive_hpo.landscape.Landscape.index_of` gives its active
    parameters, where a trial of that configuration is placed (the centre level of ``gamma``)."""
    if land.active[index].all():
        return index
    return land.index_of(land.params(index))


def _ticks(ax: Any, info: HeatmapInfo) -> None:
    """Level labels on both axes; at most ~10 labelled ticks per axis, so long grids stay legible."""
    for labels, set_ticks in ((info.x_labels, ax.set_xticks), (info.y_labels, ax.set_yticks)):
        step = max(1, math.ceil(len(labels) / 10))
        positions = np.arange(0, len(labels), step)
        set_ticks(positions, [labels[p] for p in positions])
    if sum(len(info.x_labels[p]) + 1 for p in ax.get_xticks().astype(int)) > 40:  # long labels would touch
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(info.x)
    ax.set_ylabel(info.y)


def plot_landscape(land: Landscape, x: str, y: str, *, reduce: str = "best", show_optima: bool = True,
                   show_basins: bool = True, plateaus: bool = True, direction: str = "minimize",
                   label: str | None = None, ax: Any = None, cmap: str = "viridis") -> Any:
    """Heat map of the objective over two parameters, with local optima, the global optimum and basins.

    Parameters
    ----------
    land : Landscape
    x, y : str
        Parameters on the horizontal and vertical axes.
    reduce : {"best", "mean"}, default="best"
        Each cell's loss: the best or the mean over every configuration of the other parameters.
    show_optima : bool, default=True
        Mark each local optimum once (a white dot; an optimal plateau's in the cell of its first
        member) and the global optimum (the star, with no dot under it).
    show_basins : bool, default=True
        Draw lines between cells whose best configurations climb to different local optima.
    plateaus : bool, default=True
        Merge equal-loss plateaus into one optimum (see :func:`heatmap_info`).
    direction : {"minimize", "maximize"}, default="minimize"
        The objective's direction: "maximize" shows its values (an accuracy), not the losses
        the landscape stores (minus the accuracy).
    label : str, optional
        What the values are ("accuracy"); "loss" or "objective" by default. The colour bar adds
        what ``reduce`` did over which parameters.
    ax : matplotlib Axes, optional
    cmap : str, default="viridis"

    Examples
    --------
    >>> from interactive_hpo.landscape import Landscape
    >>> land = Landscape(("a", "b"), ((1, 2, 3), (0.1, 1.0)), (True, True), [-0.7, -0.8, -0.9, -0.85, -0.6, -0.5])
    >>> ax = plot_landscape(land, "a", "b", direction="maximize", label="accuracy")
    >>> ax.images[0].get_array().max(), ax.figure.axes[-1].get_ylabel()
    (np.float64(0.9), 'accuracy')

    Returns
    -------
    Axes
        ``ax.images[0]`` is the heat map (rows: y levels, origin lower); ``ax.collections``: the
        inactive cells of a conditional space (a hatched grey PatchCollection labelled "gamma
        inactive: copies of one configuration", named in a legend; :attr:`HeatmapInfo.inactive`), the basin boundaries
        (a LineCollection, if ``show_basins``), then the local optima and the global optimum (if
        ``show_optima``).
    """
    return _plot_landscape(land, x, y, "plot_landscape", reduce=reduce, show_optima=show_optima,
                           show_basins=show_basins, plateaus=plateaus, direction=direction, label=label, ax=ax,
                           cmap=cmap)


def _plot_landscape(land: Landscape, x: str, y: str, owner: str, *, reduce: str, show_optima: bool,
                    show_basins: bool, plateaus: bool, direction: str, label: str | None, ax: Any, cmap: str) -> Any:
    """:func:`plot_landscape` for ``owner``, the plot called
    (:func:`~.landscape_trajectory.plot_trajectory` draws its map so)."""
    info = _heatmap_info(land, x, y, reduce, plateaus, direction, label, owner)
    check_cmap(cmap, owner)
    for flag, name in ((show_optima, "show_optima"), (show_basins, "show_basins")):
        check_bool(flag, name, owner)   # "no" would read as True
    ax = axes_or_new(ax, (6, 4.5), owner=owner)
    image = ax.imshow(info.values, origin="lower", cmap=cmap, aspect="auto", interpolation="nearest")
    if info.inactive.any():
        _draw_inactive(ax, info)
    if show_basins:
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection(list(info.boundaries), colors="white", linewidths=1.6, alpha=0.9,
                                         label="basin boundary"))
    if show_optima:
        # The global optimum's cell gets the star alone: a dot under it would count it twice.
        rows, cols = np.nonzero(info.local_optimum)
        dot = (cols != info.optimum[0]) | (rows != info.optimum[1])
        ax.scatter(cols[dot], rows[dot], s=40, c="white", edgecolors="black", linewidths=1.0, zorder=_OPTIMA_ZORDER,
                   label="local optimum")
        # Red, not gold: a gold star vanished on viridis' yellow, where the best values of a maximized
        # objective are drawn.
        ax.scatter([info.optimum[0]], [info.optimum[1]], marker="*", s=320, c="red", edgecolors="white",
                   linewidths=1.0, zorder=_OPTIMA_ZORDER + 1, label="global optimum")
    _ticks(ax, info)
    ax.figure.colorbar(image, ax=ax, label=info.label)
    if info.inactive.any():   # the hatching must be named where it is drawn (plot_trajectory redraws the legend)
        _legend_below(ax, [h for h in drawn_entries(ax)[0] if h.get_label().endswith("copies of one configuration")])
    return ax


def _draw_inactive(ax: Any, info: HeatmapInfo) -> None:
    """Grey hatching over the cells of ``info.inactive``: coloured like the rest, they read as
    settings of their own, when they repeat the configuration beside them."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    rows, cols = np.nonzero(info.inactive)
    cells = [Rectangle((col - 0.5, row - 0.5), 1, 1) for row, col in zip(rows, cols, strict=True)]
    ax.add_collection(PatchCollection(cells, facecolor=(0.85, 0.85, 0.85, 0.75), edgecolor="0.45", hatch="//",
                                      linewidth=0, zorder=2,
                                      label=f"{' and '.join(info.inactive_params)} inactive: copies of one "
                                            "configuration"))


def _legend_below(ax: Any, handles: list[Any]) -> None:
    """A legend under the axes, below their tick labels and axis label: on a heat map every spot
    inside covers cells (in notebook 09 it hid the top rows)."""
    below = ax.get_tightbbox().transformed(ax.transAxes.inverted()).y0
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, below - 0.02), fontsize="small",
              framealpha=0.7, ncols=1 + (len(handles) > 2))


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.landscape_trajectory", _MOVED_TO_TRAJECTORY)
