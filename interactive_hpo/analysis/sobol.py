"""Variance-based (Sobol) importance of each hyperparameter, with an interval.

A function ``f`` of the unit cube, under the uniform distribution over the search space, has a
variance ``V``. Parameter ``i``'s **first-order index** ``S_i`` is the share of ``V`` that ``x_i``
explains alone (the variance of ``E[f | x_i]``, over ``V``); its **total index** ``ST_i`` the
share it has a hand in, interactions included (``1 - Var(E[f | x_~i]) / V``). ``ST_i - S_i`` is
what ``x_i`` does only together with others; ``ST_i = 0`` means it does not matter at all. These
are the quantities functional ANOVA reports (Hutter, Hoos and Leyton-Brown, ICML 2014) and
Sobol's (1993) sensitivity indices.

We do not know ``f``: a surrogate stands for it, and a surrogate is uncertain. So the indices are
computed for each of ``S`` functions the surrogate finds plausible (posterior sample paths of a
Gaussian process, or the trees of a random forest; see :mod:`.surrogates`), and the spread of
the ``S`` answers is the interval. Estimators: Saltelli et al. (2010) for the first order and
Jansen (1999) for the total, on a scrambled Sobol design of ``n`` points (``n (d + 2)``
evaluations of every function).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, check_int, check_level, check_product, check_size
from ..space import SearchSpace
from ._checks import MAX_POINTS, MAX_VALUES, central, check_callable, check_search_space, evaluate, unit_points

__all__ = ["SobolIndices", "sobol_indices", "saltelli_design", "uniform_points"]

#: ``function(X)`` for points ``X`` of shape (m, d) in the unit cube: shape (S, m) for S functions
#: at once (posterior samples, trees), or (m,) for one.
Functions = Callable[[np.ndarray], np.ndarray]

#: The most dimensions of a Saltelli design: one row of each of its d + 2 matrices, (d + 2) d
#: coordinates, stays within MAX_VALUES (scipy's Sobol sequence, in 2d dimensions, allows 10600).
MAX_DIM = math.isqrt(MAX_VALUES) - 2

#: What ``functions`` must be, in the errors of every analysis that takes them.
FUNCTIONS_RULE = "a callable X (m, d) -> values (S, m) or (m,)"


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """First-order and total Sobol indices of each parameter, for ``S`` plausible functions.

    Attributes
    ----------
    names : tuple of str
        The parameters, in the space's order (d of them).
    first, total : ndarray of shape (d,)
        The mean over the ``S`` functions of the first-order and total indices.
    first_samples, total_samples : ndarray of shape (S, d)
        Each function's indices (S = 1 for a known function).
    level : float
        The probability the intervals cover (0.9: from the 5th to the 95th percentile).
    source : str
        What the functions were: "gp" (posterior samples), "forest" (trees), "function".
    n_points : int
        The Sobol design's size ``n``: each function was evaluated ``n (d + 2)`` times.
    """

    names: tuple[str, ...]
    first: np.ndarray
    total: np.ndarray
    first_samples: np.ndarray
    total_samples: np.ndarray
    level: float
    source: str
    n_points: int

    @property
    def first_interval(self) -> np.ndarray:
        """Shape (d, 2): the central ``level`` interval of the first-order index over the functions."""
        return central(self.first_samples, self.level).T

    @property
    def total_interval(self) -> np.ndarray:
        """Shape (d, 2): the central ``level`` interval of the total index over the functions."""
        return central(self.total_samples, self.level).T

    @property
    def interaction(self) -> np.ndarray:
        """Shape (d,): ``total - first``, the share a parameter has only together with others."""
        return np.maximum(self.total - self.first, 0.0)

    def ranking(self) -> list[str]:
        """The parameter names, the most important first (by total index)."""
        return [self.names[i] for i in np.argsort(-self.total, kind="stable")]

    def table(self) -> list[dict[str, Any]]:
        """One row per parameter, most important first: name, first, total and their intervals."""
        rows = []
        for name in self.ranking():
            i = self.names.index(name)
            rows.append({"parameter": name, "first": float(self.first[i]), "total": float(self.total[i]),
                         "first interval": tuple(float(v) for v in self.first_interval[i]),
                         "total interval": tuple(float(v) for v in self.total_interval[i])})
        return rows

    def __repr__(self) -> str:
        shown = ", ".join(f"{row['parameter']}={row['total']:.2f}" for row in self.table()[:5])
        return f"SobolIndices(total: {shown}; source={self.source!r}, S={len(self.total_samples)})"


def uniform_points(space: SearchSpace, X: np.ndarray, *, canonical: bool = True) -> np.ndarray:
    """Unit-cube points ``X`` of shape (m, d) as the space encodes configurations: integers and
    categoricals moved to their bin, inactive parameters of a conditional space at their fixed
    code. Uniform points in, points of the uniform distribution over configurations out.

    Parameters
    ----------
    space : SearchSpace
    X : array of shape (m, d) in the unit cube
        Finite coordinates in [0, 1], ``d = space.dim``.
    canonical : bool, default=True
        False: inactive parameters keep their (snapped) coordinates, for a caller that sets a
        parent afterwards and needs its children where a uniform draw put them (partial
        dependence, :func:`~interactive_hpo.analysis.dependence.averaged`).

    Returns
    -------
    ndarray of shape (m, d) in the unit cube
    """
    space = check_search_space(space, "uniform_points")
    canonical = check_bool(canonical, "canonical", "uniform_points")
    snapped = unit_points(X, space, "uniform_points").copy()
    for j, param in enumerate(space.params):
        if param.kind != "float":
            column = snapped[:, j]
            # Few distinct bins: decode each unique coordinate once, not every point.
            unique, where = np.unique(column, return_inverse=True)
            snapped[:, j] = np.array([param.to_unit(param.from_unit(u)) for u in unique])[where]
    return space.canonical(snapped) if space.conditional and canonical else snapped


def saltelli_design(d: int, n: int, seed: int) -> np.ndarray:
    """The points ``[A; B; AB_1; ...; AB_d]`` of shape (n (d + 2), d): ``A`` and ``B`` are the two
    halves of a scrambled Sobol sequence in 2d dimensions, ``AB_i`` is ``A`` with column ``i``
    taken from ``B``.

    Parameters
    ----------
    d : int
        Dimensions, at most :data:`MAX_DIM`.
    n : int
        Rows of ``A`` (a power of 2 keeps the design balanced): ``n (d + 2)`` points, at most
        :data:`~interactive_hpo.analysis._checks.MAX_POINTS`, and ``n (d + 2) d`` coordinates, at
        most :data:`~interactive_hpo.analysis._checks.MAX_VALUES`.
    seed : int
        Scrambles the sequence.

    Returns
    -------
    ndarray of shape (n (d + 2), d) in the unit cube
    """
    d = check_int(d, "d", "saltelli_design", 1, MAX_DIM)
    n = design_size(n, d, "saltelli_design", low=1)
    return _design(d, n, check_int(seed, "seed", "saltelli_design", 0))


def _design(d: int, n: int, seed: int) -> np.ndarray:
    """:func:`saltelli_design` on checked arguments."""
    from scipy.stats import qmc

    both = qmc.Sobol(2 * d, scramble=True, seed=np.random.default_rng(seed)).random(n)
    A, B = both[:, :d], both[:, d:]
    mixed = np.repeat(A[None], d, axis=0)
    mixed[np.arange(d), :, np.arange(d)] = B.T
    return np.concatenate([A, B, mixed.reshape(n * d, d)])


def sobol_indices(functions: Functions, space: SearchSpace, *, n: int = 512, level: float = 0.9,
                  seed: int = 0, source: str = "function") -> SobolIndices:
    """First-order and total Sobol indices of ``functions`` over ``space``'s uniform distribution.

    Parameters
    ----------
    functions : callable
        ``functions(X)`` with ``X`` of shape (m, d) in the unit cube (already snapped to the
        space's configurations) returns shape (S, m), one row per plausible function, or (m,).
    space : SearchSpace
    n : int, default=512
        Size of the Sobol design (a power of 2 keeps it balanced); cost ``n (d + 2)`` points,
        at most :data:`~interactive_hpo.analysis._checks.MAX_POINTS` (2**20).
    level : float, default=0.9
        Coverage of the intervals over the functions.
    seed : int, default=0
        Scrambles the design.
    source : str, default="function"
        A label kept in the result ("gp", "forest", ...).

    Returns
    -------
    SobolIndices

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    >>> result = sobol_indices(lambda X: 4 * X[:, 0] + X[:, 1], space, n=4096)
    >>> [round(float(v), 2) for v in result.first], [round(float(v), 2) for v in result.total]
    ([0.94, 0.06, 0.0], [0.94, 0.06, 0.0])
    """
    owner = "sobol_indices"
    space = check_search_space(space, owner)
    check_callable(functions, "functions", owner, FUNCTIONS_RULE)
    n, level = design_settings(n, level, owner, space.dim)
    d = space.dim
    points = uniform_points(space, _design(d, n, check_int(seed, "seed", owner, 0)))
    values = evaluate(functions, points, "functions", owner, several=True)
    first, total = _estimate(values, n, d)
    return SobolIndices(tuple(space.names), first.mean(axis=0), total.mean(axis=0), first, total, level,
                        str(source), n)


def design_settings(n: Any, level: Any, owner: str, dim: int, n_samples: int | None = None) -> tuple[int, float]:
    """``n`` and ``level`` of :func:`sobol_indices` checked, errors naming ``owner`` (the
    function the person called): ``n (dim + 2)`` points at most :data:`MAX_POINTS`, and with
    ``n_samples`` functions known (a study's surrogate), their ``n (dim + 2) n_samples`` values,
    all held at once, at most :data:`MAX_VALUES`."""
    n = design_size(n, dim, owner, low=8)
    if n_samples is not None:
        check_product({"n": n, "n_samples": n_samples}, owner, n * (dim + 2) * n_samples, MAX_VALUES,
                      f"values (n x {dim + 2} points x n_samples)")
    return n, check_level(level, owner)


def design_size(n: Any, d: int, owner: str, low: int) -> int:
    """``n`` of a Saltelli design in ``d`` dimensions, an int of at least ``low`` whose ``n (d + 2)``
    points stay within :data:`MAX_POINTS` and their ``n (d + 2) d`` coordinates within
    :data:`MAX_VALUES`, or the uniform error naming ``owner``."""
    n = check_size(n, "n", owner, low, d + 2, MAX_POINTS, "points")
    return check_size(n, "n", owner, low, (d + 2) * d, MAX_VALUES, "coordinates")


def _estimate(values: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli's first-order and Jansen's total estimators, for each function: (S, d) each."""
    # Centred: Saltelli's first-order sum weighs f_B, so an offset (an accuracy near 0.97 that
    # varies by 0.02) adds offset x noise to it; centred, the estimate is the same at any offset
    # (it gave first > total, 0.75 against 0.98 wide intervals, on 0.97 + 0.005 (4a + b)).
    values = values - values[:, :2 * n].mean(axis=1, keepdims=True)
    f_A, f_B = values[:, :n], values[:, n:2 * n]
    f_AB = values[:, 2 * n:].reshape(len(values), d, n)
    variance = np.var(np.concatenate([f_A, f_B], axis=1), axis=1)
    # A constant function (a flat surrogate) has no variance to share: every index is 0.
    scale = np.where(variance > 1e-300, variance, np.inf)[:, None]
    first = np.mean(f_B[:, None, :] * (f_AB - f_A[:, None, :]), axis=2) / scale
    total = 0.5 * np.mean((f_A[:, None, :] - f_AB) ** 2, axis=2) / scale
    # Estimates stray slightly outside [0, 1] by Monte Carlo error: a share cannot.
    return np.clip(first, 0.0, 1.0), np.clip(total, 0.0, 1.0)

