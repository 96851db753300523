"""Deb's feasibility rules (Deb 2000, "An efficient constraint handling method for genetic
algorithms"): how the optimizers that rank trials rank those of a constrained study.

A constraint is met when it is at most 0; a trial's *violation* is ``sum(max(c, 0))`` over its
constraints (0 when feasible, or without constraints). Best first:

1. feasible trials, by loss (one objective) or by Pareto front and crowding distance (several:
   NSGA-II's "constrained domination", Deb et al. 2002);
2. infeasible trials, by violation (smaller first);
3. failed trials (no loss): last.

In a study without constraints no trial is infeasible: they rank by loss as they always did, and
the rules change nothing there. GA, DE, CMA-ES, NSGA-II and the multi-fidelity schedulers use
them wherever they select, rank or promote.
"""

from __future__ import annotations

import math

import numpy as np

from ..pareto import crowding_distance, nondominated_sort

__all__ = ["constrained_order", "deb_fitness", "feasibility_key", "total_violation"]


def total_violation(constraints: tuple[float, ...] | None) -> float:
    """Total violation of a trial's constraints: ``sum(max(c, 0))`` (0 without constraints)."""
    return 0.0 if constraints is None else float(sum(max(c, 0.0) for c in constraints))


def feasibility_key(loss: float, violation: float) -> tuple[int, float]:
    """Deb's rules as a sort key, smaller is better: ``(0, loss)`` for a feasible trial,
    ``(1, violation)`` for an infeasible one, ``(2, 0.0)`` for a failed one (a loss that is not
    finite). A feasible trial therefore beats any infeasible one, two infeasible ones compare by
    violation, two feasible ones by loss; among feasible trials alone the order is the losses'.

    Examples
    --------
    >>> import math
    >>> sorted([(3.0, 0.0), (1.0, 0.5), (math.inf, 0.0), (2.0, 0.2), (4.0, 0.0)],
    ...        key=lambda t: feasibility_key(*t))
    [(3.0, 0.0), (4.0, 0.0), (2.0, 0.2), (1.0, 0.5), (inf, 0.0)]
    """
    if not math.isfinite(loss):
        return 2, 0.0
    return (0, loss) if violation <= 0.0 else (1, violation)


def deb_fitness(losses: np.ndarray, violations: np.ndarray) -> np.ndarray:
    """Deb's (2000) penalty-free fitness of a population, for a method that needs one number per
    point (CMA-ES): the loss of a feasible point, the worst feasible loss (0 when none is
    feasible) plus the violation of an infeasible one. It orders finite losses as
    :func:`feasibility_key` does (up to rounding when the violation is below the worst feasible
    loss's float spacing); a loss that is not finite (failed) is kept as it is.

    Parameters
    ----------
    losses : ndarray of shape (n,)
    violations : ndarray of shape (n,)
        Total violation of each point, >= 0.

    Returns
    -------
    ndarray of shape (n,)
        ``losses`` itself (a copy) where no point is infeasible.

    Examples
    --------
    >>> import numpy as np
    >>> deb_fitness(np.array([3.0, 1.0, 2.0, np.inf]), np.array([0.0, 0.5, 0.0, 0.0])).tolist()
    [3.0, 3.5, 2.0, inf]
    """
    losses = np.asarray(losses, dtype=float)
    finite = np.isfinite(losses)
    infeasible = finite & (np.asarray(violations, dtype=float) > 0.0)
    feasible = finite & ~infeasible
    worst = losses[feasible].max() if feasible.any() else 0.0
    return np.where(infeasible, worst + np.asarray(violations, dtype=float), losses)


def constrained_order(losses: np.ndarray, violation: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """Every point's place in Deb's constrained-domination order, 0 for the best.

    Parameters
    ----------
    losses : ndarray of shape (n, m)
        Losses (minimized) of the points; rows of failed points are ignored.
    violation : ndarray of shape (n,)
        Total constraint violation, ``sum(max(c, 0))`` over a point's constraints: 0 when feasible.
    failed : ndarray of bool, shape (n,)
        Points whose evaluation failed.

    Returns
    -------
    ndarray of int, shape (n,)
        A permutation of ``range(n)``: feasible points by (front, larger crowding distance first),
        then infeasible ones by violation, then failed ones; ties keep their input order.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [0.0, 0.0]])
    >>> constrained_order(losses, np.array([0, 0, 0, 0, 0.5]), np.zeros(5, dtype=bool)).tolist()
    [0, 2, 1, 3, 4]
    """
    n = len(losses)
    feasible = ~failed & (violation <= 0.0)
    group = np.where(failed, 2, np.where(feasible, 0, 1))  # feasibility_key's groups, the front as the loss
    rank = np.where(feasible | failed, 0.0, violation)  # an infeasible point's violation; a feasible's front below
    crowding = np.zeros(n)
    if feasible.any():
        inside = np.flatnonzero(feasible)
        fronts = nondominated_sort(losses[inside])
        rank[inside] = fronts
        for front in np.unique(fronts):
            members = inside[fronts == front]
            crowding[members] = crowding_distance(losses[members])
    # lexsort sorts by its last key first, and stably: ties keep the input order.
    return np.lexsort((np.arange(n), -crowding, rank, group))
