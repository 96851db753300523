"""Partial dependence: how the loss moves with one or two parameters, the others averaged out.

The partial dependence of parameter ``j`` at value ``v`` is the average of ``f`` over the other
parameters, drawn uniformly over the space (as functional ANOVA averages), with ``x_j = v``
(Friedman, 2001). Averaged for each of ``S`` plausible functions (a GP's sample paths, a
forest's trees), it comes with a band. Individual conditional expectation (ICE) curves keep one
curve per trial instead of averaging (Goldstein et al., 2015): parallel curves mean no
interaction; crossing ones mean the parameter's effect depends on the others. In a conditional
space the average runs only over configurations where the parameter is active (the note of the
result says where that is), and the background keeps the coordinates a uniform draw gave the
inactive parameters: a parent set to a value that activates its children finds them spread over
their ranges, as they are in the configurations with that value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, check_level, check_product, check_size, fail
from ..space import SearchSpace
from ..views import AxisLevels
from ._checks import MAX_POINTS, MAX_VALUES, central, check_callable, check_search_space, evaluate, unit_points
from .sobol import FUNCTIONS_RULE, Functions, uniform_points

__all__ = ["PartialDependence", "active_note", "ice_curves", "partial_dependence"]

#: Points per call of the functions: one call's values (S per point) stay small whatever the grid.
CHUNK = 2048


@dataclass(frozen=True, eq=False)
class PartialDependence:
    """The partial dependence of one or two parameters, with a band over plausible functions.

    Attributes
    ----------
    names : tuple of str
        One or two parameters.
    axes : tuple of AxisLevels
        Their levels (values, unit codes and scale), one per name.
    mean : ndarray of shape (l,) or (l1, l2)
        The mean over the functions of the averaged function, at each level (each pair of
        levels: rows follow the first name); NaN where the parameter is never active.
    low, high : ndarray, same shape as ``mean``
        The central ``level`` band over the functions.
    samples : ndarray of shape (S, l) or (S, l1, l2)
        Each function's partial dependence.
    level : float
    note : str
        Where the average runs, for a plot's title: empty when every named parameter always
        applies, else e.g. "averaged only where gamma applies: kernel is 'rbf' or 'poly'"
        (:func:`active_note`).
    """

    names: tuple[str, ...]
    axes: tuple[AxisLevels, ...]
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    samples: np.ndarray
    level: float
    note: str = ""


@dataclass(frozen=True)
class GridSettings:
    """What :func:`partial_dependence` averages over, checked: the names, their levels, the
    background's size and the band's level."""

    names: tuple[str, ...]
    axes: tuple[AxisLevels, ...]
    n_background: int
    level: float


def grid_settings(space: SearchSpace, names: Any, owner: str, *, resolution: int | None = None,
                  n_background: int = 256, level: float = 0.9, n_samples: int | None = None) -> GridSettings:
    """The settings of :func:`partial_dependence`, checked with errors naming ``owner`` (the
    function the person called), before any surrogate is fitted; with ``n_samples`` functions
    known (a study's surrogate), what they return is held within :data:`MAX_VALUES` too."""
    # A 0-d array is one value, not a sequence of them: list() of it raised a TypeError.
    listed = isinstance(names, Sequence) or (isinstance(names, np.ndarray) and names.ndim == 1)
    chosen = [names] if isinstance(names, str) else list(names) if listed else None
    if chosen is None or not 1 <= len(chosen) <= 2 or not all(isinstance(n, str) and n in space.names for n in chosen) \
            or len(set(chosen)) != len(chosen):
        raise fail("names", owner, f"one or two distinct names among {space.names}", names)
    default = 40 if len(chosen) == 1 else 15
    # At most MAX_POINTS levels (or pairs of levels) before any is listed: a plot's grid, never
    # its machine's memory.
    resolution = check_int(default if resolution is None else resolution, "resolution", owner, 2,
                           int(round(MAX_POINTS ** (1 / len(chosen)))))
    n_background = check_int(n_background, "n_background", owner, 2, MAX_POINTS)
    # A call's points repeat the background with d coordinates each.
    check_size(n_background, "n_background", owner, 2, space.dim, MAX_VALUES, "coordinates (one per parameter)")
    axes = tuple(space.axis(name, resolution) for name in chosen)
    levels = math.prod(len(axis.levels) for axis in axes)  # a categorical has its choices, whatever the resolution
    # Each alone passed its cap; the functions are evaluated at every level times every
    # background point, which 2000 levels and 100,000 points would make 2e8.
    check_product({"resolution": resolution, "n_background": n_background}, owner, levels * n_background, MAX_POINTS,
                  "points to evaluate (levels x n_background)")
    if n_samples is not None:
        check_product({"n_samples": n_samples, "n_background": n_background}, owner, n_samples * n_background,
                      MAX_VALUES, "values held at once (n_samples x n_background)")
        check_product({"n_samples": n_samples, "resolution": resolution}, owner, n_samples * levels, MAX_VALUES,
                      "values kept (n_samples x levels)")
    return GridSettings(tuple(chosen), axes, n_background, check_level(level, owner))


def partial_dependence(functions: Functions, space: SearchSpace, names: str | Sequence[str], *,
                       resolution: int | None = None, n_background: int = 256, level: float = 0.9,
                       seed: int = 0) -> PartialDependence:
    """Partial dependence of ``functions`` on one or two parameters (see the module docstring).

    Parameters
    ----------
    functions : callable
        ``functions(X)`` for points of shape (m, d) in the unit cube returns shape (S, m) or
        (m,), finite.
    space : SearchSpace
    names : str or sequence of one or two str
    resolution : int, optional
        Levels per parameter (default 40 for one, 15 for two; a categorical has its choices);
        at most 2**20 for one parameter, 1024 for two.
    n_background : int, default=256
        Uniform configurations the other parameters are averaged over (at most 2**20, and
        ``n_background d`` coordinates at most 2**26). The functions are evaluated at every
        level (pair of levels) with every one of them: at most 2**20 points in all.
    level : float, default=0.9
    seed : int, default=0

    Returns
    -------
    PartialDependence

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    >>> pd = partial_dependence(lambda X: X[:, 0] * X[:, 1], space, "a", resolution=3)
    >>> pd.mean.round(2).tolist()   # a * E[b] = a / 2
    [0.0, 0.25, 0.5]
    """
    owner = "partial_dependence"
    space = check_search_space(space, owner)
    check_callable(functions, "functions", owner, FUNCTIONS_RULE)
    grid = grid_settings(space, names, owner, resolution=resolution, n_background=n_background, level=level)
    return averaged(functions, space, grid, check_int(seed, "seed", owner, 0), owner)


def averaged(functions: Functions, space: SearchSpace, grid: GridSettings, seed: int,
             owner: str) -> PartialDependence:
    """:func:`partial_dependence` on checked settings (``seed`` draws the background); ``owner``
    is named if ``functions`` returns values of the wrong shape or not finite, or if no background
    configuration has every named parameter active."""
    from scipy.stats import qmc

    # Inactive coordinates kept as drawn (canonical=False): a background point with kernel
    # "linear", set to "rbf", then has the gamma of its draw. Canonical, it had gamma's fixed
    # code, and the curve of kernel at "rbf" averaged a third of its points at one gamma.
    background = uniform_points(space, qmc.Sobol(space.dim, scramble=True, seed=np.random.default_rng(seed))
                                .random(grid.n_background), canonical=False)
    units = np.meshgrid(*[axis.unit for axis in grid.axes], indexing="ij")
    codes = np.stack(units, axis=-1).reshape(-1, len(grid.names))  # every level (pair of levels), shape (l, 1 or 2)
    columns = [space.names.index(name) for name in grid.names]
    averages: list[np.ndarray] = []
    per_call = max(1, CHUNK // len(background))
    for start in range(0, len(codes), per_call):
        block = codes[start:start + per_call]
        points = np.repeat(background[None], len(block), axis=0)
        points[:, :, columns] = block[:, None, :]
        points = points.reshape(-1, space.dim)
        if space.conditional:
            points = space.canonical(points)
        values = evaluate(functions, points, "functions", owner, several=True)
        values = values.reshape(-1, len(block), len(background))
        # Only where every named parameter is active: elsewhere it does not act on the loss.
        active = np.ones(points.shape[0], dtype=bool) if not space.conditional else \
            space.conditions.active_mask(points)[:, columns].all(axis=1)
        active = active.reshape(len(block), len(background))
        counts = active.sum(axis=1)
        with np.errstate(invalid="ignore"):
            averages.append(np.where(counts > 0, (values * active).sum(axis=2) / counts, np.nan))
    shape = tuple(len(axis.levels) for axis in grid.axes)
    samples = np.concatenate(averages, axis=1).reshape(-1, *shape)
    note = active_note(space, grid.names)
    if np.isnan(samples).all():   # nothing to draw, and a blank plot says nothing of why
        raise fail("names", owner, "parameters active together in some configuration", list(grid.names),
                   hint=f"{note[0].upper()}{note[1:]}, and none of the {grid.n_background} background configurations "
                   "has them all active: they exclude each other, or a larger n_background finds some.")
    low, high = central(samples, grid.level)
    return PartialDependence(grid.names, grid.axes, samples.mean(axis=0), low, high, samples, grid.level, note)


def active_note(space: SearchSpace, names: Sequence[str]) -> str:
    """Where a partial dependence of ``names`` (one or two parameters of ``space``) averages, in
    words: "" when they always apply; "averaged only where gamma applies: kernel is 'rbf' or
    'poly'" for one; "averaged only where both apply (gamma: ...; degree: ...)" for two.

    >>> from interactive_hpo import Categorical, Float, SearchSpace
    >>> space = SearchSpace([Categorical("kernel", ["linear", "rbf"]),
    ...                      Float("gamma", 0.1, 1, condition=("kernel", "rbf"))])
    >>> active_note(space, ["gamma"])
    "averaged only where gamma applies: kernel is 'rbf'"
    """
    where = {name: space.conditions.when(name) for name in names}
    where = {name: text for name, text in where.items() if text}
    if not where:
        return ""
    if len(names) == 1:
        return f"averaged only where {names[0]} applies: {where[names[0]]}"
    said = "; ".join(f"{name}: {text}" for name, text in where.items())
    return f"averaged only where {'both apply' if len(where) == 2 else next(iter(where)) + ' applies'} ({said})"


def ice_curves(mean: Callable[[np.ndarray], np.ndarray], space: SearchSpace, name: str, X: Any, *,
               resolution: int = 40) -> tuple[AxisLevels, np.ndarray]:
    """One curve per configuration in ``X``: ``mean`` along ``name`` with the others held.

    Parameters
    ----------
    mean : callable
        ``mean(X)`` for points of shape (m, d) returns shape (m,), finite (a surrogate's mean).
    space : SearchSpace
    name : str
    X : array-like of shape (n, d)
        The configurations (say, the trials) in the unit cube (every entry in [0, 1]).
    resolution : int, default=40
        Levels along ``name``; ``resolution`` times ``n`` at most 2**20.

    Returns
    -------
    axis : AxisLevels
    curves : ndarray of shape (n, l)
        NaN where ``name`` is inactive for that configuration.
    """
    owner = "ice_curves"
    space = check_search_space(space, owner)
    check_callable(mean, "mean", owner, "a callable X (m, d) -> values (m,) (a surrogate's mean)")
    if not isinstance(name, str) or name not in space.names:
        raise fail("name", owner, f"one of {space.names}", name)
    X = unit_points(X, space, owner)
    axis = space.axis(name, check_size(resolution, "resolution", owner, 2, max(1, len(X)), MAX_POINTS,
                                       "points (one per row of X)"))
    j = space.names.index(name)
    points = np.repeat(X[:, None, :], len(axis.unit), axis=1)
    points[:, :, j] = axis.unit[None, :]
    points = points.reshape(-1, space.dim)
    if space.conditional:
        points = space.canonical(points)
    curves = evaluate(mean, points, "mean", owner, several=False).reshape(len(X), len(axis.unit))
    if space.conditional:
        curves = np.where(space.conditions.active_mask(points)[:, j].reshape(curves.shape), curves, np.nan)
    return axis, curves
