"""Pareto tools: dominance, front ranks, crowding and the exact dominated hypervolume.

Everything here reads **losses** (every objective minimized; ``Direction.to_loss`` turns a
maximized value into one) as an array of shape (n, m): n points, m objectives. A point
*dominates* another when it is no worse in every objective and better in at least one.
The hypervolume's own module is :mod:`interactive_hpo.hypervolume`, whose names this one
re-exports. Pure NumPy, so the study, the optimizers, the plots and the Lab can all use it.

Examples
--------
>>> import numpy as np
>>> from interactive_hpo.pareto import hypervolume, pareto_mask, reference_point
>>> losses = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [3.0, 3.0]])
>>> pareto_mask(losses)
array([ True,  True,  True, False])
>>> hypervolume(losses, reference=[4.0, 4.0])
6.0
>>> reference_point(losses)
array([3.2, 3.2])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._dominance import _front_mask, _losses
from ._dominance import check_reference as check_reference  # where objectives/ reads it
from ._validation import check_real, fail
from .hypervolume import FrontVolume, GrowingHistory, hypervolume, hypervolume_history

__all__ = ["FrontVolume", "GrowingHistory", "crowding_distance", "hypervolume", "hypervolume_history",
           "nondominated_sort", "pareto_mask", "reference_point"]

#: Smallest spread of an objective when inferring a reference point (BoTorch's ``MIN_Y_RANGE``), so
#: a point that is 0 in some objective still gets a box of positive size.
MIN_SPAN = 1e-7


def pareto_mask(losses: Any) -> np.ndarray:
    """Which points no other point dominates (the Pareto front).

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Finite losses (lower is better in every objective), m >= 1.

    Returns
    -------
    ndarray of bool, shape (n,)
        True for non-dominated rows. Identical rows do not dominate each other: every copy of
        a non-dominated point is on the front (with one objective: every row tied at the best).

    Notes
    -----
    Two objectives: one lexicographic sort and a running minimum, O(n log n). More: sort
    lexicographically, then repeatedly take the first remaining points (nothing after them can
    dominate them), keep the non-dominated ones and drop what they dominate: O(n * front size * m)
    comparisons in vectorized blocks (a 3-D front of 10^4 points takes about a second).

    Examples
    --------
    >>> pareto_mask([[1, 2], [1, 2], [2, 1], [2, 2]])
    array([ True,  True,  True, False])
    """
    return _front_mask(_losses(losses, "pareto_mask"))



def nondominated_sort(losses: Any) -> np.ndarray:
    """The front rank of every point: 0 for the Pareto front, 1 for the front once it is
    removed, and so on (the ranking NSGA-II selects by; Deb et al. 2002).

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Finite losses, m >= 1.

    Returns
    -------
    ndarray of int, shape (n,)
        Identical rows share a rank.

    Notes
    -----
    Peels one front at a time with :func:`pareto_mask`: O(m n^2) comparisons at worst, as Deb's
    fast non-dominated sort, in vectorized blocks (1000 points take a few hundredths of a second).

    Examples
    --------
    >>> nondominated_sort([[1, 3], [2, 2], [2, 3], [3, 3], [1, 3]])
    array([0, 0, 1, 2, 0])
    """
    losses = _losses(losses, "nondominated_sort")
    ranks = np.empty(len(losses), dtype=int)
    remaining, rank = np.arange(len(losses)), 0
    while remaining.size:
        front = _front_mask(losses[remaining])
        ranks[remaining[front]] = rank
        remaining, rank = remaining[~front], rank + 1
    return ranks


def crowding_distance(losses: Any) -> np.ndarray:
    """NSGA-II's crowding distance of each point of one front (Deb et al. 2002): how far apart
    its neighbours are, summed over objectives; larger means a less crowded point.

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Finite losses of the points of one front, m >= 1.

    Returns
    -------
    ndarray of float, shape (n,)
        In each objective, the points that reach its smallest or largest loss get ``inf`` (the
        boundary: all copies of it, so their order does not matter); the others add the gap
        between their two neighbours in that objective divided by its range. An objective with
        the same loss everywhere is skipped, as Optuna's NSGA-II does: it says nothing about
        spread (so one point, or copies of one point, get 0).

    Examples
    --------
    >>> crowding_distance([[0, 4], [1, 2], [3, 1], [4, 0]]).tolist()
    [inf, 1.5, 1.25, inf]
    """
    losses = _losses(losses, "crowding_distance")
    distance = np.zeros(len(losses))
    if len(losses) == 0:
        return distance
    for column in losses.T:
        low, high = column.min(), column.max()
        if high == low:
            continue
        order = np.argsort(column, kind="stable")
        ranked = column[order]
        gaps = np.zeros(len(column))
        gaps[order[1:-1]] = (ranked[2:] - ranked[:-2]) / (high - low)
        distance += np.where((column == low) | (column == high), np.inf, gaps)
    return distance


def reference_point(losses: Any, margin: float = 0.1, bounds: Any = None) -> np.ndarray:
    """A reference point for :func:`hypervolume`, by a stated rule or from fixed bounds.

    The rule (BoTorch's ``infer_reference_point`` with ``scale=margin``, in losses): take the
    Pareto front of the points, its nadir (the worst loss on the front in each objective) and
    its range (nadir minus best), and return ``nadir + margin * range``. So every front point
    adds volume, boundary points included, and dominated outliers (a diverged run) do not
    stretch the box. Where the range is 0 (one point, or an objective constant on the front),
    ``|nadir|`` stands in for it (BoTorch does so for a single point), and at least ``MIN_SPAN``.

    An inferred reference moves as the front moves, so hypervolumes computed with references
    inferred from different runs (or from the same run at different times) measure different
    boxes and cannot be compared. To compare runs, seeds or optimizers, pass the same ``bounds``
    to all of them (e.g. the worst loss you would accept in each objective).

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Observed losses, m >= 1; rows entirely NaN (failed trials) are ignored.
    margin : float, default 0.1
        Fraction of the front's range added beyond the nadir, > 0 (at 0 the front's extreme
        points would add nothing); 0.1 is what Ishibuchi et al. (2011) found robust and BoTorch
        uses.
    bounds : array-like of shape (m,), optional
        A fixed reference in losses (a maximized objective's bound ``b`` is ``-b``); NaN entries
        are inferred by the rule above. With no NaN, ``losses`` may have no rows.

    Returns
    -------
    ndarray of float, shape (m,)

    Examples
    --------
    >>> reference_point([[1.0, 3.0], [3.0, 1.0], [4.0, 4.0]], margin=0.5)
    array([4., 4.])
    >>> reference_point([[1.0, 3.0]], bounds=[2.0, float("nan")])
    array([2. , 3.3])
    """
    losses = _losses(losses, "reference_point", nan_rows=True)
    margin = check_real(margin, "margin", "reference_point", low=0.0, low_open=True)
    m = losses.shape[1]
    fixed = np.full(m, np.nan) if bounds is None else check_reference(bounds, m, "reference_point", "bounds", nan=True)
    if not np.isnan(fixed).any():
        return fixed
    observed = losses[np.isfinite(losses).all(axis=1)]
    if len(observed) == 0:
        raise fail("losses", "reference_point", "at least one row of finite losses when `bounds` leaves an "
                   "objective to infer", losses, hint="Pass bounds for every objective.")
    front = observed[_front_mask(observed)]
    nadir = front.max(axis=0)
    span = nadir - front.min(axis=0)
    span = np.maximum(np.where(span > 0, span, np.abs(nadir)), MIN_SPAN)
    return np.where(np.isnan(fixed), nadir + margin * span, fixed)
