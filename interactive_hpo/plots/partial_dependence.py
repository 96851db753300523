"""How the objective moves with one or two parameters, the others averaged out: partial dependence.

The functions take plain arrays (the analyses live in :mod:`interactive_hpo.analysis`, a room
plots may not import), chosen so that a result's fields go straight in:

- :func:`plot_partial_dependence`: a 1-D ``PartialDependence``'s ``axes[0], mean, low, high``
  (and ``ice_curves``' curves);
- :func:`plot_partial_dependence_2d`: a 2-D one's ``axes, mean``;
- both: its ``note`` (``note=pd.note``), the title that says where a conditional parameter's
  curve was averaged ("averaged only where gamma applies: kernel is 'rbf' or 'poly'").

Levels of a parameter may be given as an :class:`~interactive_hpo.views.AxisLevels` (its name
and scale come with it: log axes for log parameters, a categorical's choices as tick labels) or
as plain values with ``name=`` and ``scale=``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_one_of, fail, float_array
from ..views import AxisLevels
from ._axes import (
    axes_or_new,
    category_xticks,
    check_cmap,
    error_lengths,
    legend_in_band,
    log_scale,
    slot_characters,
    wrap_name,
)
from ._checks import SCALES, is_sequence
from .search_axes import cell_edges, log_integer_ticks

__all__ = ["plot_partial_dependence", "plot_partial_dependence_2d"]


def _levels(levels: Any, name: str | None, scale: str | None, owner: str,
            which: str = "levels") -> tuple[list[Any], str, str]:
    """(values, name, scale) from an AxisLevels or from plain values with ``name`` and ``scale``
    (argument ``which`` of ``owner``; "x_levels" goes with "x_name" and "x_scale")."""
    name_arg, scale_arg = which.replace("levels", "name"), which.replace("levels", "scale")
    if isinstance(levels, AxisLevels):
        values = list(levels.levels)
        name, scale = levels.name if name is None else name, levels.scale if scale is None else scale
    else:
        if not is_sequence(levels) or len(levels) < 2:
            raise fail(which, owner, "an AxisLevels or a sequence of at least 2 values", levels)
        if name is None:
            raise fail(name_arg, owner, f"a str naming the parameter when {which} are plain values", name)
        values, scale = list(levels), "linear" if scale is None else scale
    scale = check_one_of(scale, scale_arg, owner, SCALES)
    if scale != "categorical":
        numbers = np.asarray(values, dtype=float) if all(isinstance(v, (int, float, np.number)) and
                                                         not isinstance(v, bool) for v in values) else None
        if numbers is None or not np.isfinite(numbers).all() or (scale == "log" and (numbers <= 0).any()):
            raise fail(which, owner, f"finite numbers{' > 0' if scale == 'log' else ''} for a {scale} axis",
                       values, hint=f"Pass {scale_arg}='categorical' for choices.")
        if (np.diff(numbers) <= 0).any():  # a line would double back, a heat map's cells overlap
            raise fail(which, owner, f"strictly increasing numbers for a {scale} axis", values,
                       hint="Sort the levels, and the values given for them in the same order.")
    return values, str(name), scale


def _positions(values: list[Any], scale: str) -> np.ndarray:
    return np.arange(len(values), dtype=float) if scale == "categorical" else np.asarray(values, dtype=float)


def _as_axis(values: list[Any], name: str, scale: str) -> AxisLevels:
    """The levels as an AxisLevels for the cells and ticks of :mod:`.search_axes`, which read its
    levels and scale only (plain levels come without unit coordinates: NaN). Plain ints on a log
    axis are taken for a log integer's."""
    return AxisLevels(name=name, levels=tuple(values), unit=np.full(len(values), np.nan), scale=scale)


def _style_axis(ax: Any, values: list[Any], name: str, scale: str, which: str) -> None:
    (ax.set_xlabel if which == "x" else ax.set_ylabel)(name)
    if scale == "log":
        log_scale(ax, which)
        # A log integer's short axis at whole numbers: Int(1, 12, log=True) read 1 and 10 only.
        log_integer_ticks(ax.xaxis if which == "x" else ax.yaxis, _as_axis(values, name, scale))
    elif scale == "categorical" and which == "x":
        category_xticks(ax, [str(v) for v in values])
    elif scale == "categorical":
        ax.set_yticks(np.arange(len(values)), [str(v) for v in values])


def _curve(values: Any, name: str, owner: str, length: int, allow_none: bool = False) -> np.ndarray | None:
    if values is None and allow_none:
        return None
    rule = f"an array of shape ({length},), one number (or NaN where inactive) per level"
    array = float_array(values, name, owner, rule)
    if array.shape != (length,) or np.isinf(array).any():
        raise fail(name, owner, rule, values, hint=f"Its shape is {array.shape}.")
    return array


def plot_partial_dependence(levels: Any, mean: Any, low: Any = None, high: Any = None, *, name: str | None = None,
                            scale: str | None = None, ice: Any = None, ax: Any = None,
                            ylabel: str = "objective (partial dependence)", band: str = "band",
                            note: str = "") -> Any:
    """How the objective moves with one parameter, the others averaged out.

    A numeric parameter is a line (on a log axis for a log parameter) with its band shaded; a
    categorical one a point per choice with the band as error bars. Individual conditional
    expectation (ICE) curves, one per configuration, are thin grey lines behind: parallel
    curves mean the parameter acts alone, crossing ones that its effect depends on the others.

    Parameters
    ----------
    levels : AxisLevels or sequence of length l
        The parameter's levels. An ``AxisLevels`` brings its name and scale.
    mean : array-like of shape (l,)
        The partial dependence at each level (NaN where the parameter is never active).
    low, high : array-like of shape (l,), optional
        The band (both or neither).
    name : str, optional
        The parameter's name (required for plain levels).
    scale : {"linear", "log", "categorical"}, optional
        How to draw the axis (default: the ``AxisLevels``' scale, or "linear").
    ice : array-like of shape (n, l), optional
        ICE curves on the same levels.
    ax : matplotlib Axes, optional
    ylabel : str, default="objective (partial dependence)"
    band : str, default="band"
        What ``low`` and ``high`` are, for the legend (``f"{pd.level:.0%} interval"``).
    note : str, default=""
        The title: where the curve was averaged (``PartialDependence.note``; empty, no title).

    Returns
    -------
    Axes

    Examples
    --------
    From ``pd = interactive_hpo.analysis.study_partial_dependence(study, "C")`` and
    ``_, curves = ice_curves(functions.mean, study.space, "C", X)``:
    ``plot_partial_dependence(pd.axes[0], pd.mean, pd.low, pd.high, ice=curves, band=f"{pd.level:.0%} interval",
    note=pd.note)``.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_partial_dependence([0.01, 0.1, 1.0], [3.0, 1.0, 2.0], name="C", scale="log",
    ...                              ax=Figure().add_subplot())
    >>> ax.get_xscale(), ax.get_lines()[0].get_ydata().tolist()
    ('log', [3.0, 1.0, 2.0])
    """
    owner = "plot_partial_dependence"
    if not isinstance(band, str):
        raise fail("band", owner, "a str (what low and high are, for the legend)", band)
    note = _note(note, owner)
    values, name, scale = _levels(levels, name, scale, owner)
    length = len(values)
    mean = _curve(mean, "mean", owner, length)
    if (low is None) != (high is None):
        raise fail("high" if high is None else "low", owner, "given together with the other end of the band", None)
    low, high = _curve(low, "low", owner, length, True), _curve(high, "high", owner, length, True)
    curves = None
    if ice is not None:
        rule = f"an array of shape (n, {length}): one curve per configuration, numbers or NaN where inactive"
        curves = float_array(ice, "ice", owner, rule)
        if curves.ndim != 2 or curves.shape[1] != length or np.isinf(curves).any():
            raise fail("ice", owner, rule, ice, hint=f"Its shape is {curves.shape}.")
    ax = axes_or_new(ax, figsize=(7, 4), owner=owner)
    x = _positions(values, scale)
    categorical = scale == "categorical"
    if curves is not None and len(curves):
        ax.plot(x, curves.T, color="0.5", lw=0.8, alpha=0.45, marker="." if categorical else None, zorder=1)
        ax.plot([], [], color="0.5", lw=0.8, label=f"ICE ({len(curves)} configurations)")
    if categorical:
        yerr = None if low is None else error_lengths(mean, np.column_stack([low, high]))
        ax.errorbar(x, mean, yerr=yerr, fmt="o", color="C0", ms=9, capsize=6, elinewidth=2, zorder=3,
                    label="partial dependence" if low is None else f"partial dependence and {band}")
        ax.set_xlim(-0.5, length - 0.5)
    else:
        if low is not None:
            ax.fill_between(x, low, high, color="C0", alpha=0.25, lw=0, zorder=2, label=band)
        ax.plot(x, mean, color="C0", lw=2.5, zorder=3, label="partial dependence")
    _style_axis(ax, values, name, scale, "x")
    ax.set_ylabel(ylabel)
    _title(ax, note)
    if categorical:  # in a band above the points: "best" found no free corner and sat on an error bar
        legend_in_band(ax.legend(loc="upper center"), [ax], "top")
    else:
        ax.legend(loc="best")
    return ax


def plot_partial_dependence_2d(x_levels: Any, y_levels: Any, mean: Any, *, x_name: str | None = None,
                               y_name: str | None = None, x_scale: str | None = None, y_scale: str | None = None,
                               ax: Any = None, label: str = "objective (partial dependence)",
                               cmap: str = "viridis", best: str | None = None, note: str = "") -> Any:
    """The joint partial dependence of two parameters as a heatmap with a colourbar.

    Parameters
    ----------
    x_levels, y_levels : AxisLevels or sequences of lengths l1 and l2
        The two parameters' levels (an ``AxisLevels`` brings its name and scale).
    mean : array-like of shape (l1, l2)
        The partial dependence at each pair of levels; rows follow ``x_levels``, as in
        ``PartialDependence.mean``. NaN cells (never active) are left blank.
    x_name, y_name : str, optional
        Names, required for plain levels.
    x_scale, y_scale : {"linear", "log", "categorical"}, optional
    ax : matplotlib Axes, optional
    label : str
        The colourbar's label.
    cmap : str, default="viridis"
    best : {"min", "max"}, optional
        Mark the best cell (lowest or highest mean) with a red star.
    note : str, default=""
        The title: where the map was averaged (``PartialDependence.note``; empty, no title).

    Returns
    -------
    Axes

    Examples
    --------
    From ``pd = study_partial_dependence(study, ["C", "gamma"])``:
    ``plot_partial_dependence_2d(pd.axes[0], pd.axes[1], pd.mean, note=pd.note)``.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_partial_dependence_2d([1, 2, 3], ["a", "b"], [[0, 1], [2, 3], [4, 5]], x_name="n",
    ...                                 y_name="kind", y_scale="categorical", ax=Figure().add_subplot())
    >>> ax.collections[0].get_array().reshape(2, 3).tolist()   # drawn transposed: x across, y up
    [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    """
    owner = "plot_partial_dependence_2d"
    xs, x_name, x_scale = _levels(x_levels, x_name, x_scale, owner, "x_levels")
    ys, y_name, y_scale = _levels(y_levels, y_name, y_scale, owner, "y_levels")
    rule = f"an array of shape ({len(xs)}, {len(ys)}): rows follow x_levels"
    grid = float_array(mean, "mean", owner, rule)
    if grid.shape != (len(xs), len(ys)) or np.isinf(grid).any():
        raise fail("mean", owner, rule, mean, hint=f"Its shape is {grid.shape}.")
    if best is not None:
        check_one_of(best, "best", owner, ("min", "max"))
    check_cmap(cmap, owner)
    note = _note(note, owner)
    ax = axes_or_new(ax, figsize=(7, 5), owner=owner)
    # Cells edged where a value changes (a log integer's 1 and 2 meet at 1.5616; geometric
    # midpoints put it at 1.414), as on the surrogate's maps.
    mesh = ax.pcolormesh(cell_edges(_as_axis(xs, x_name, x_scale)), cell_edges(_as_axis(ys, y_name, y_scale)),
                         np.ma.masked_invalid(grid.T), cmap=cmap, shading="flat")
    ax.figure.colorbar(mesh, ax=ax, label=label)
    if best is not None and np.isfinite(grid).any():
        i, j = np.unravel_index(np.nanargmin(grid) if best == "min" else np.nanargmax(grid), grid.shape)
        ax.plot(_positions(xs, x_scale)[i], _positions(ys, y_scale)[j], marker="*", ms=18, color="red",
                markeredgecolor="white", ls="none", label="best")
    _style_axis(ax, xs, x_name, x_scale, "x")
    _style_axis(ax, ys, y_name, y_scale, "y")
    _title(ax, note)
    return ax


def _note(note: Any, owner: str) -> str:
    if not isinstance(note, str):
        raise fail("note", owner, "a str (where the average ran: PartialDependence.note)", note)
    return note


def _title(ax: Any, note: str) -> None:
    """``note`` as the title, in lines as wide as the Axes: a conditional parameter's curve,
    averaged over part of the space, read as the whole space's without it (a190 L5)."""
    if note:
        ax.set_title(wrap_name(note, slot_characters(ax, 1)), fontsize="small")
