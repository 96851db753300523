"""Loss-landscape plots: 2-D heat maps with optima and basins, and trajectories over them (the
landscape paper: Huang and Li, arXiv:2311.14014); the neighbour graph is drawn by
:mod:`.landscape_graph`, comparisons of landscapes by :mod:`.landscape_compare`.

As in :mod:`.fidelity`, plain "info" records are computed first (:func:`heatmap_info`,
:func:`trajectory_info`; tests target them) and drawn second. The input is a
:class:`~interactive_hpo.landscape.Landscape` (and, for trajectories, plain params dicts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_finite, check_bool, check_one_of, fail
from ..direction import Direction
from ..landscape.graph import Landscape
from ..landscape.metrics import basins
from ._axes import axes_or_new, check_cmap, drawn_entries
from ._checks import keys, records, value_label, vector
from .landscape_graph import plot_landscape_graph  # in its own module since 0.2; a name of this one since 0.1

__all__ = ["HeatmapInfo", "heatmap_info", "plot_landscape", "plot_landscape_graph", "plot_trajectory",
           "trajectory_info"]

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
        Grid index of each cell's best configuration (first on ties), for either ``reduce``.
    local_optimum : ndarray of shape (n_y, n_x), dtype bool
        The representative is a local optimum of the full landscape (no strictly better
        neighbour; with plateaus merged, a member of an optimal plateau).
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
    first = np.argmin(losses, axis=2)
    representative = np.take_along_axis(index, first[..., None], axis=2)[..., 0]
    attractor = basins(land, plateaus=plateaus)["attractor"]
    basin = attractor[representative]
    optimum = land.optimum
    if not land.active[optimum].all():   # a copy: star it where trials of its configuration are drawn (index_of)
        optimum = land.index_of({name: value for (name, value), on in zip(land.params(optimum).items(),
                                                                          land.active[optimum], strict=True) if on})
    best = land.codes[optimum]
    others = [land.names[k] for k in rest]
    if others:   # name what was reduced: "best over others" left the reader guessing
        label += f" ({reduce} over {' and '.join(others) if len(others) <= 2 else f'the other {len(others)}'})"
    return HeatmapInfo(
        values=goal.to_value(losses.min(axis=2) if reduce == "best" else losses.mean(axis=2)),
        representative=representative,
        local_optimum=land.losses[representative] == land.losses[basin], basin=basin, boundaries=_boundaries(basin),
        optimum=(int(best[kx]), int(best[ky])), x=x, y=y, x_labels=tuple(map(_label, land.levels[kx])),
        y_labels=tuple(map(_label, land.levels[ky])), reduce=reduce, label=label, inactive=inactive,
        inactive_params=tuple(name for name, cells in off.items() if cells.any()))


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
        Mark cells whose best configuration is a local optimum (white dots) and the global optimum (star).
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
    """:func:`plot_landscape` for ``owner``, the plot called (:func:`plot_trajectory` draws its map so)."""
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
        rows, cols = np.nonzero(info.local_optimum)
        ax.scatter(cols, rows, s=40, c="white", edgecolors="black", linewidths=1.0, zorder=3,
                   label="local optimum")
        # Red, not gold: a gold star vanished on viridis' yellow, where the best values of a maximized
        # objective are drawn.
        ax.scatter([info.optimum[0]], [info.optimum[1]], marker="*", s=320, c="red", edgecolors="white",
                   linewidths=1.0, zorder=4, label="global optimum")
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


# -- an optimizer's trajectory ---------------------------------------------------------------------

def _positions(land: Landscape, k: int, values: Sequence[Any], owner: str,
               rows: Sequence[int] | None = None) -> np.ndarray:
    """Fractional level indices of ``values`` of parameter ``k``, shape (len(values),); ``rows``
    numbers the params dicts they come from, for errors (by default 0, 1, ...).

    Numeric parameters of a landscape with a ``space`` interpolate between the levels' positions
    in the unit cube (so on a log scale for log parameters); otherwise the nearest level (exactly
    that level if it is one); categoricals map to the index of their choice.
    """
    name, levels, out = land.names[k], land.levels[k], np.empty(len(values))
    param = land.space[name] if land.ordered[k] and land.space is not None and name in land.space else None
    units = None if param is None else np.array([param.to_unit(v) for v in levels])
    for i, value in enumerate(values):
        value = value.item() if isinstance(value, np.generic) else value   # np.str_("x") is "x", as for index_of
        # The type check keeps a bool choice apart from an int one (True == 1 in Python).
        exact = [j for j, level in enumerate(levels) if value == level and type(value) is type(level)]
        if not exact and not (land.ordered[k] and as_finite(value) is not None):   # NaN is near no level
            row = i if rows is None else rows[i]
            raise fail(f"params[{row}][{name!r}]", owner, f"one of the landscape's levels {list(levels)}"
                       + (" or a finite number" if land.ordered[k] else ""), value)
        if param is not None and units is not None:  # set together, above
            out[i] = np.interp(param.to_unit(value), units, np.arange(len(levels)))
        else:
            out[i] = exact[0] if exact else np.argmin(np.abs(np.asarray(levels, dtype=float) - value))
    return out


def _params(params: Any, names: Sequence[str], owner: str) -> list[Mapping[str, Any]]:
    """``params`` as a list of dicts, checking every dict has each of ``names``."""
    checked = []
    for i, p in enumerate(records(params, "params", owner, "a sequence of params dicts")):
        if not isinstance(p, Mapping):   # keys() checks that only when some key is needed
            raise fail(f"params[{i}]", owner, "a params dict", p)
        checked.append(keys(p, names, f"params[{i}]", owner, "a params dict"))
    return checked


def _indices(land: Landscape, params: Sequence[Mapping[str, Any]], owner: str) -> np.ndarray:
    """The grid index each params dict stands for (:meth:`Landscape.index_of`, its errors naming
    ``params[i]`` of ``owner``), shape (k,)."""
    return np.array([land.index_of(p, name=f"params[{i}]", owner=owner) for i, p in enumerate(params)], dtype=int)


def trajectory_info(land: Landscape, x: str, y: str, params: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Where each params dict falls on the heat map of ``x`` and ``y``.

    In a conditional space a params dict may leave out an inactive ``x`` or ``y`` (a trial of a
    linear-kernel SVM has no ``gamma``): it is placed at the level of the grid point that stands
    for its configuration (:meth:`~interactive_hpo.landscape.Landscape.index_of`), and must then
    hold every active parameter.

    Returns
    -------
    ndarray of shape (k, 2)
        (x, y) in fractional level-index coordinates (cell (i, j) is centred on (i, j)).
    """
    return _trajectory_info(land, x, y, params, "trajectory_info")


def _trajectory_info(land: Landscape, x: str, y: str, params: Sequence[Mapping[str, Any]], owner: str,
                     indices: np.ndarray | None = None) -> np.ndarray:
    """:func:`trajectory_info` for ``owner``; ``indices`` (shape (k,)), where the caller has them."""
    land = _landscape(land, owner)
    kx, ky = _pair(land, x, y, owner)
    conditional = land.n_configurations < land.n
    checked = _params(params, () if conditional else (x, y), owner)
    out = np.empty((len(checked), 2))
    for column, (k, name) in enumerate(((kx, x), (ky, y))):
        given = np.array([name in p for p in checked], dtype=bool)
        out[given, column] = _positions(land, k, [p[name] for p in checked if name in p], owner,
                                        np.flatnonzero(given).tolist())
        if not given.all():   # inactive there: the level of the grid point standing for the configuration
            missing = [p for p in checked if name not in p]
            found = _indices(land, missing, owner) if indices is None else indices[~given]
            out[~given, column] = land.codes[found, k]
    return out


def _best(grid_losses: np.ndarray, values: Any, direction: Any, owner: str) -> tuple[int, str]:
    """The trial the ring marks and what it is called: the best of ``values`` (the trials' own,
    in the objective's units; None or NaN skipped) if any is given, else the trial whose grid
    configuration (its loss in ``grid_losses``, shape (k,)) is best, named so: "best found" read
    as the study's best trial when it was the best grid cell (audit a189)."""
    grid_best = (int(np.argmin(grid_losses)) if len(grid_losses) else 0, "best grid cell")
    if values is None:
        return grid_best
    given = records(values, "values", owner, "a sequence of the trials' values (numbers, or None for none)")
    array = vector([np.nan if value is None else value for value in given], "values", owner, len(grid_losses),
                   "params")
    best = Direction.parse(direction, "direction", owner).best_index(array)
    return grid_best if best is None else (best, "best found")


def plot_trajectory(land: Landscape, x: str, y: str, params: Sequence[Mapping[str, Any]], *,
                    values: Sequence[float | None] | None = None, ax: Any = None, reduce: str = "best",
                    show_optima: bool = True, show_basins: bool = True, plateaus: bool = True,
                    direction: str = "minimize", label: str | None = None, cmap: str = "viridis") -> Any:
    """An optimizer's path over the heat map of :func:`plot_landscape`.

    Parameters
    ----------
    land, x, y, ax, reduce, show_optima, show_basins, plateaus, direction, label, cmap
        As for :func:`plot_landscape`.
    params : sequence of dict
        The configurations in the order tried, e.g. ``[t.params for t in study.trials]``, with
        every parameter of the landscape, or in a conditional space every active one (see
        :func:`trajectory_info`).
    values : sequence of float or None, optional
        The trials' own values, one per params dict, in the objective's units (``direction``),
        e.g. ``[t.value for t in study.trials]``; None or NaN where a trial has none (failed).
        With them the ring marks the best of these values, "best found (#k)", the study's best
        trial. Without them it marks the trial whose nearest grid configuration is best, "best
        grid cell (#k)": a trial between the levels is scored by that configuration, not by its
        own value (on a log axis of 7 levels the two named different trials).

    Returns
    -------
    Axes
        Those of :func:`plot_landscape`, plus ``ax.lines``: the path (numbered markers; the
        numbers, from 0, are ``ax.texts``; a number that would overlap one drawn before it is
        left out), then the first point and the best one (if any). The legend names these and
        what the map draws (local optima, the global optimum, basin boundaries).
    """
    from matplotlib import patheffects
    from matplotlib.collections import Collection

    owner = "plot_trajectory"
    land = _landscape(land, owner)
    # Read once (it may be an iterator); in a conditional space index_of says which names are needed.
    params = _params(params, () if land.n_configurations < land.n else land.names, owner)
    for k, name in enumerate(land.names):   # each value given, in the plot's words ("one of the landscape's levels")
        given = [i for i, p in enumerate(params) if name in p]
        _positions(land, k, [params[i][name] for i in given], owner, given)
    indices = _indices(land, params, owner)   # the nearest grid configurations, or each value refused
    positions = _trajectory_info(land, x, y, params, owner, indices)
    best, best_label = _best(land.losses[indices], values, direction, owner)
    ax = _plot_landscape(land, x, y, owner, reduce=reduce, show_optima=show_optima, show_basins=show_basins,
                         plateaus=plateaus, direction=direction, label=label, ax=ax, cmap=cmap)
    # White with a dark outline, lines and numbers alike: plain white vanished on the map's bright cells.
    outline = [patheffects.withStroke(linewidth=2.5, foreground="black")]
    handles = ax.plot(positions[:, 0], positions[:, 1], color="white", lw=1.2, marker="o", ms=5, mfc="C1",
                      mec="black", zorder=5, label="trajectory", path_effects=outline)
    drawn: list[Any] = []
    for number, (px, py) in enumerate(positions):
        text = ax.text(px, py, f" {number}", color="white", fontsize="medium", fontweight="bold", va="bottom",
                       zorder=6, path_effects=outline)
        # An optimizer that homes in piles its numbers up ("1112131416"): keep the first of a pile.
        box = text.get_window_extent().expanded(1.1, 1.2)
        if any(box.overlaps(other) for other in drawn):
            text.remove()
        else:
            drawn.append(box)
    if len(positions):
        handles += ax.plot(*positions[0], ls="none", marker="s", ms=9, mfc="none", mec="C1", mew=2, zorder=6,
                           label="first")
        handles += ax.plot(*positions[best], ls="none", marker="o", ms=13, mfc="none", mec="red", mew=2, zorder=6,
                           label=f"{best_label} (#{best})")
    # The map's markers too (local optima, the global optimum, basin boundaries, where drawn): a white
    # dot the legend did not name was a mystery on a map drawn without basins (notebook 09).
    shown, _ = drawn_entries(ax)
    handles += [handle for handle in shown if isinstance(handle, Collection)]
    _legend_below(ax, handles)
    return ax
