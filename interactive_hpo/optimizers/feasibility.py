"""Deb's feasibility rules (Deb 2000, "An efficient constraint handling method for genetic
algorithms"): how the optimizers that rank trials rank those of a constrained study.

A constraint is met when it is at most 0; a trial's *violation* is ``sum(max(c, 0))`` over its
constraints (0 when feasible, or without constraints). Best first:

1. feasible trials, by loss (one objective) or by Pareto front and crowding distance (several:
   NSGA-II's "constrained domination", Deb et al. 2002);
2. infeasible trials, by violation (smaller first);
3. trials of unknown feasibility (:data:`UNKNOWN` violation: they carry no constraint values),
   as group 1 ranks its feasible ones;
4. failed trials (no loss): last.

A population method or scheduler records :data:`UNKNOWN` for a trial without constraints
(:func:`violation_of`): once other trials carry constraints it is of unknown feasibility, as the
study counts it (:func:`~interactive_hpo.goals.counts_as_feasible`), so a manual guess without
constraints never becomes the elite ahead of a trial known to meet them (or to miss them by a
known amount). In a study without constraints every trial's violation is unknown: they rank
among themselves by loss as they always did, and the rules change nothing there; nor when every
trial carries constraints. GA, DE, CMA-ES, NSGA-II and the multi-fidelity schedulers use them
wherever they select, rank or promote, all of them with :func:`violation_of`.
"""

from __future__ import annotations

import math

import numpy as np

from ..pareto import crowding_distance, nondominated_sort

__all__ = ["UNKNOWN", "BestTold", "constrained_order", "deb_fitness", "feasibility_key", "total_violation",
           "violation_of"]

#: The violation of a trial that carries no constraint values: unknown (module docstring).
UNKNOWN = math.nan


def total_violation(constraints: tuple[float, ...] | None) -> float:
    """Total violation of a trial's constraints: ``sum(max(c, 0))`` (0 without constraints)."""
    return 0.0 if constraints is None else float(sum(max(c, 0.0) for c in constraints))


def violation_of(constraints: tuple[float, ...] | None) -> float:
    """What a population method records of a trial's ``constraints``: their total violation, or
    :data:`UNKNOWN` without them."""
    return UNKNOWN if constraints is None else total_violation(constraints)


def feasibility_key(loss: float, violation: float) -> tuple[int, float]:
    """Deb's rules as a sort key, smaller is better: ``(0, loss)`` for a feasible trial,
    ``(1, violation)`` for an infeasible one, ``(2, loss)`` for one of :data:`UNKNOWN` violation,
    ``(3, 0.0)`` for a failed one (a loss that is not finite). A feasible trial therefore beats
    any infeasible one, two infeasible ones compare by violation, two feasible ones by loss;
    among feasible trials alone, or among those of unknown feasibility alone (a study without
    constraints), the order is the losses'.

    Examples
    --------
    >>> import math
    >>> from interactive_hpo.optimizers.feasibility import UNKNOWN
    >>> sorted([(3.0, 0.0), (1.0, 0.5), (math.inf, 0.0), (0.5, UNKNOWN), (2.0, 0.2), (4.0, 0.0)],
    ...        key=lambda t: feasibility_key(*t))
    [(3.0, 0.0), (4.0, 0.0), (2.0, 0.2), (1.0, 0.5), (0.5, nan), (inf, 0.0)]
    """
    if not math.isfinite(loss):
        return 3, 0.0
    if math.isnan(violation):
        return 2, loss
    return (0, loss) if violation <= 0.0 else (1, violation)


def deb_fitness(losses: np.ndarray, violations: np.ndarray) -> np.ndarray:
    """Deb's (2000) penalty-free fitness of a population, for a method that needs one number per
    point (CMA-ES): the loss of a feasible point, the worst feasible loss (0 when none is
    feasible) plus the violation of an infeasible one; a point of :data:`UNKNOWN` violation comes
    after all of them, by loss (the worst of them plus how much its loss exceeds the least
    such loss), unless no point's violation is known: then its loss. It orders finite losses as
    :func:`feasibility_key` does (up to rounding when the violation is below the worst feasible
    loss's float spacing); a loss that is not finite (failed) is kept as it is.

    Parameters
    ----------
    losses : ndarray of shape (n,)
    violations : ndarray of shape (n,)
        Total violation of each point, >= 0, or :data:`UNKNOWN` (NaN).

    Returns
    -------
    ndarray of shape (n,)
        ``losses`` itself (a copy) where no point is infeasible, and where no violation is known.

    Examples
    --------
    >>> import numpy as np
    >>> deb_fitness(np.array([3.0, 1.0, 2.0, np.inf]), np.array([0.0, 0.5, 0.0, 0.0])).tolist()
    [3.0, 3.5, 2.0, inf]
    >>> from interactive_hpo.optimizers.feasibility import UNKNOWN
    >>> deb_fitness(np.array([3.0, 1.0, 0.5, 0.75]), np.array([0.0, 0.5, UNKNOWN, UNKNOWN])).tolist()
    [3.0, 3.5, 3.5000000000000004, 3.7500000000000004]
    """
    losses = np.asarray(losses, dtype=float)
    violations = np.asarray(violations, dtype=float)
    finite = np.isfinite(losses)
    unknown = finite & np.isnan(violations)
    infeasible = finite & (violations > 0.0)
    feasible = finite & (violations <= 0.0)
    worst = losses[feasible].max() if feasible.any() else 0.0
    fitness = np.where(infeasible, worst + violations, losses)
    known = feasible | infeasible
    if unknown.any() and known.any():
        # Strictly after the worst known point, the least unknown loss first.
        last = np.nextafter(fitness[known].max(), np.inf)
        fitness = np.where(unknown, last + (losses - losses[unknown].min()), fitness)
    return fitness


def constrained_order(losses: np.ndarray, violation: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """Every point's place in Deb's constrained-domination order, 0 for the best.

    Parameters
    ----------
    losses : ndarray of shape (n, m)
        Losses (minimized) of the points; rows of failed points are ignored.
    violation : ndarray of shape (n,)
        Total constraint violation, ``sum(max(c, 0))`` over a point's constraints: 0 when
        feasible, :data:`UNKNOWN` (NaN) without constraints.
    failed : ndarray of bool, shape (n,)
        Points whose evaluation failed.

    Returns
    -------
    ndarray of int, shape (n,)
        A permutation of ``range(n)``: feasible points by (front, larger crowding distance first),
        then infeasible ones by violation, then those of unknown violation as the feasible ones,
        then failed ones; ties keep their input order.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [0.0, 0.0]])
    >>> constrained_order(losses, np.array([0, 0, 0, 0, 0.5]), np.zeros(5, dtype=bool)).tolist()
    [0, 2, 1, 3, 4]
    """
    n = len(losses)
    unknown = ~failed & np.isnan(violation)
    feasible = ~failed & (violation <= 0.0)
    group = np.select([failed, feasible, unknown], [3, 0, 2], 1)  # feasibility_key's groups, the front as the loss
    rank = np.where(feasible | unknown | failed, 0.0, violation)  # an infeasible point's violation; fronts below
    crowding = np.zeros(n)
    for ranked in (feasible, unknown):  # each group by front and crowding distance, apart
        if ranked.any():
            inside = np.flatnonzero(ranked)
            fronts = nondominated_sort(losses[inside])
            rank[inside] = fronts
            for front in np.unique(fronts):
                members = inside[fronts == front]
                crowding[members] = crowding_distance(losses[members])
    # lexsort sorts by its last key first, and stably: ties keep the input order.
    return np.lexsort((np.arange(n), -crowding, rank, group))


class BestTold:
    """The best point told, kept as the study keeps its best trial
    (:func:`~interactive_hpo.goals.counts_as_feasible`): an infeasible trial is nobody's best,
    nor, once a trial told carried constraints, one without them (of unknown feasibility)."""

    def __init__(self) -> None:
        # The best told with constraints met and the best without constraints, each (loss, x) or
        # None, and whether a trial told carried constraints (then the first is the best).
        self._best: dict[bool, tuple[float, np.ndarray] | None] = {True: None, False: None}
        self._constrained = False

    def note(self, x: np.ndarray, loss: float, violation: float) -> tuple[float, np.ndarray | None]:
        """Count the point ``x`` (shape (d,)) told with ``loss`` and ``violation``
        (:func:`violation_of`); return the best ``(loss, x)``, ``(inf, None)`` while there is none."""
        measured = not math.isnan(violation)
        self._constrained = self._constrained or measured
        kept = self._best[measured]
        if (violation <= 0.0 or not measured) and (kept is None or loss < kept[0]):
            self._best[measured] = loss, x.copy()
        best = self._best[self._constrained]
        return (math.inf, None) if best is None else best
