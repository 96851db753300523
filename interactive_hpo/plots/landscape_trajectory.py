"""An optimizer's trajectory over a loss-landscape heat map: where each configuration it tried
falls on the map of :mod:`.landscape` (between levels, on a log scale for log parameters; in a
conditional space, at the grid point standing for a configuration that lacks a parameter), and the
path drawn over the map with its first point and its best one marked.

As for the heat map, a plain record is computed first (:func:`trajectory_info`; tests target it)
and drawn second. The inputs are a :class:`~interactive_hpo.landscape.Landscape` and plain
params dicts (``[t.params for t in study.trials]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import as_finite, fail
from ..direction import Direction
from ..landscape.graph import Landscape
from ._axes import drawn_entries
from ._checks import keys, records, vector
from .landscape import _OPTIMA_ZORDER, _landscape, _legend_below, _pair, _plot_landscape

__all__ = ["plot_trajectory", "trajectory_info"]


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
                      mec="black", zorder=_OPTIMA_ZORDER - 2, label="trajectory", path_effects=outline)
    drawn: list[Any] = []
    for number, (px, py) in enumerate(positions):
        text = ax.text(px, py, f" {number}", color="white", fontsize="medium", fontweight="bold", va="bottom",
                       zorder=_OPTIMA_ZORDER - 1, path_effects=outline)
        # An optimizer that homes in piles its numbers up ("1112131416"): keep the first of a pile.
        box = text.get_window_extent().expanded(1.1, 1.2)
        if any(box.overlaps(other) for other in drawn):
            text.remove()
        else:
            drawn.append(box)
    if len(positions):
        handles += ax.plot(*positions[0], ls="none", marker="s", ms=9, mfc="none", mec="C1", mew=2,
                           zorder=_OPTIMA_ZORDER - 1, label="first")
        # Wider than the star (320 pt^2, about 18 pt across): an optimizer that finds the optimum has its
        # ring on the star, which hid a 13 pt ring (audit a332). Under the numbers: drawn above, it cut them.
        handles += ax.plot(*positions[best], ls="none", marker="o", ms=24, mfc="none", mec="red", mew=2.5,
                           zorder=_OPTIMA_ZORDER - 1.5, label=f"{best_label} (#{best})")
    # The map's markers too (local optima, the global optimum, basin boundaries, where drawn): a white
    # dot the legend did not name was a mystery on a map drawn without basins (notebook 09).
    shown, _ = drawn_entries(ax)
    handles += [handle for handle in shown if isinstance(handle, Collection)]
    _legend_below(ax, handles)
    return ax
