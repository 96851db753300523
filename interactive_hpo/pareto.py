"""Pareto tools: dominance, front ranks, crowding and the exact dominated hypervolume.

Everything here reads **losses** (every objective minimized; ``Direction.to_loss`` turns a
maximized value into one) as an array of shape (n, m): n points, m objectives. A point
*dominates* another when it is no worse in every objective and better in at least one.
Pure NumPy, so the study, the optimizers, the plots and the Lab can all use it.

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

from ._validation import check_real, fail, float_array

__all__ = ["crowding_distance", "hypervolume", "hypervolume_history", "nondominated_sort", "pareto_mask",
           "reference_point"]

#: Smallest spread of an objective when inferring a reference point (BoTorch's ``MIN_Y_RANGE``), so
#: a point that is 0 in some objective still gets a box of positive size.
MIN_SPAN = 1e-7

#: Points taken at once when culling: fewer Python steps against ``_CULL * n * m`` comparisons each.
_CULL = 64

#: Slices of the 3-D sweep handled at once: bounds its memory at ``_BLOCK * n`` floats.
_BLOCK = 256


def _losses(losses: Any, owner: str, *, min_objectives: int = 1, nan_rows: bool = False) -> np.ndarray:
    """``losses`` as a float array of shape (n, m), m >= ``min_objectives``, checked finite.

    With ``nan_rows``, rows that are entirely NaN (failed trials) are allowed; a row that is
    NaN in some objectives only is still an error, since it is a bug, not a failed trial.
    """
    rule = f"a 2-D array of shape (n, m) with m >= {min_objectives} objectives, of finite numbers"
    rule += " (or rows of NaN for failed trials)" if nan_rows else ""
    array = float_array(losses, "losses", owner, rule)  # an int past a float's range too
    if array.ndim != 2 or array.shape[1] < min_objectives:
        raise fail("losses", owner, rule, losses, hint=f"Its shape is {array.shape}.")
    allowed = np.isfinite(array).all(axis=1)
    if nan_rows:
        allowed |= np.isnan(array).all(axis=1)
    if not allowed.all():
        row = int(np.argmin(allowed))
        raise fail("losses", owner, rule, losses, hint=f"Row {row} is {array[row].tolist()}.")
    return array


def check_reference(reference: Any, m: int, owner: str, name: str = "reference", *, nan: bool = False) -> np.ndarray:
    """``reference`` as a float array of shape (m,), finite (or NaN where ``nan`` allows it)."""
    rule = f"a sequence of {m} finite numbers, one per objective" + (" (or NaN)" if nan else "")
    array = float_array(reference, name, owner, rule)  # an int past a float's range too (OverflowError)
    if array.shape != (m,) or not (np.isfinite(array) | (nan & np.isnan(array))).all():
        raise fail(name, owner, rule, reference)
    return array


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


def _front_mask(losses: np.ndarray) -> np.ndarray:
    return _mask_2d(losses) if losses.shape[1] == 2 else _mask_by_culling(losses)


def _mask_2d(losses: np.ndarray) -> np.ndarray:
    order = np.lexsort((losses[:, 1], losses[:, 0]))
    ranked = losses[order]
    # Every dominator of a point comes before it in lexicographic order; it is dominated iff one
    # strictly earlier row has a second loss no larger. Copies share the test of their first copy,
    # so one copy does not knock out the other.
    best_before = np.minimum.accumulate(np.concatenate(([np.inf], ranked[:-1, 1])))
    new = np.concatenate(([True], (ranked[1:] != ranked[:-1]).any(axis=1)))
    first_copy = np.maximum.accumulate(np.where(new, np.arange(len(ranked)), 0))
    mask = np.empty(len(losses), dtype=bool)
    mask[order] = best_before[first_copy] > ranked[:, 1]
    return mask


def _mask_by_culling(losses: np.ndarray) -> np.ndarray:
    # In lexicographic order nothing later dominates anything earlier, and whatever a dropped
    # point dominates, its dominator does too. So take the first _CULL remaining points, keep
    # those no other of them dominates (they are on the front), and drop all they dominate.
    mask = np.zeros(len(losses), dtype=bool)
    remaining = np.lexsort(losses.T[::-1])
    while remaining.size:
        head, remaining = remaining[:_CULL], remaining[_CULL:]
        heads = losses[head]
        front = ~_dominates(heads[:, None], heads[None]).any(axis=0)
        mask[head[front]] = True
        remaining = remaining[~_dominates(heads[front][:, None], losses[remaining][None]).any(axis=0)]
    return mask


def _dominates(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether ``a`` dominates ``b``, over the last axis (broadcasting the others)."""
    return np.asarray((a <= b).all(axis=-1) & (a < b).any(axis=-1))


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


def hypervolume(losses: Any, reference: Any) -> float:
    """The exact volume dominated by the points and bounded by ``reference``.

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Finite losses, m >= 2. Points not strictly below ``reference`` in every objective add
        nothing; dominated points and copies add nothing either.
    reference : array-like of shape (m,)
        The worst corner of the measured region, in losses (see :func:`reference_point`).

    Returns
    -------
    float
        The Lebesgue measure of the union of the boxes ``[point, reference]``.

    Notes
    -----
    Exact for any m. Two objectives: sort and sum rectangles, O(n log n). Three: sweep along
    the last objective, adding the 2-D area of the points below each slice, all slices at once
    in NumPy, O(n^2) time (n = the front's size). Four or more: the same slicing recursively
    (Hypervolume by Slicing Objectives, While et al. 2006), O(n^(m-1)): fine for a few hundred
    points at m = 4, slow beyond.

    With no point strictly below ``reference`` the volume is 0, without a warning: this is
    arithmetic, run in optimizers' loops and benchmarks, where 0 is an answer (no trial good
    enough yet). Where a person gives the reference, ``plots.pareto_info`` and the Lab's Pareto
    panel say why it is 0 (:func:`interactive_hpo.plots.pareto_note.unreached_reference`).

    Examples
    --------
    >>> hypervolume([[1, 2, 2], [2, 1, 1]], reference=[3, 3, 3])
    5.0
    """
    losses = _losses(losses, "hypervolume", min_objectives=2)
    reference = check_reference(reference, losses.shape[1], "hypervolume")
    inside = losses[(losses < reference).all(axis=1)]
    _check_box(inside, reference, "hypervolume")
    return _volume(inside[_front_mask(inside)], reference)


def _check_box(inside: np.ndarray, reference: np.ndarray, owner: str) -> None:
    """Refuse a ``reference`` whose box over the points ``inside`` it, shape (n, m), has no
    finite volume: a reference of 1e308 typed in the Pareto tab gave a hypervolume of inf,
    with numpy's overflow warning."""
    if len(inside) == 0:
        return
    spans = reference - inside.min(axis=0)
    with np.errstate(over="ignore"):
        volume = np.prod(spans)
    if not np.isfinite(volume):
        raise fail("reference", owner, "a point whose box over the losses below it has a finite volume",
                   reference.tolist(), hint=f"The box spans {spans.tolist()}, a volume past the largest float; "
                                            "a reference nearer the losses measures the same front.")


def _volume(points: np.ndarray, reference: np.ndarray) -> float:
    """Hypervolume of ``points`` of shape (n, m), all strictly inside the reference box."""
    m = points.shape[1]
    if len(points) == 0:
        return 0.0
    if m == 2:
        return float(_slice_areas(points, reference, np.ones((1, len(points)), dtype=bool))[0])
    order = np.argsort(points[:, -1], kind="stable")
    points = points[order]
    thickness = np.append(points[1:, -1], reference[-1]) - points[:, -1]
    if m == 3:
        # Slice k (between the k-th and (k+1)-th last losses) is covered by the first k+1 points.
        n = len(points)
        slices = [np.arange(start, min(start + _BLOCK, n)) for start in range(0, n, _BLOCK)]
        areas = np.concatenate([_slice_areas(points, reference, np.arange(n) <= ks[:, None]) for ks in slices])
        return float(areas @ thickness)
    return float(sum(_volume(points[: k + 1, :-1], reference[:-1]) * width
                     for k, width in enumerate(thickness) if width > 0))


def _slice_areas(points: np.ndarray, reference: np.ndarray, present: np.ndarray) -> np.ndarray:
    """2-D areas dominated by subsets of ``points`` (first two objectives): one per row of the
    boolean ``present`` of shape (s, n), which marks the subset.

    Between consecutive first losses the dominated height is the reference's second loss minus
    the smallest second loss among present points to the left: a running minimum.
    """
    order = np.argsort(points[:, 0], kind="stable")
    x, y = points[order, 0], points[order, 1]
    widths = np.append(x[1:], reference[0]) - x
    lowest = np.minimum.accumulate(np.where(present[:, order], y, reference[1]), axis=1)
    return (reference[1] - lowest) @ widths


def hypervolume_history(losses: Any, reference: Any) -> np.ndarray:
    """The hypervolume of the first k points, for k = 1..n: how the front grew over trials.

    Parameters
    ----------
    losses : array-like of shape (n, m)
        Losses in trial order, m >= 2; rows entirely NaN are failed trials and add nothing.
    reference : array-like of shape (m,)
        Fixed for the whole history (see :func:`reference_point`).

    Returns
    -------
    ndarray of float, shape (n,)
        Non-decreasing; 0 until a point is strictly below ``reference`` in every objective.

    Notes
    -----
    Keeps the current front and recomputes the volume only when a point joins it, so the cost
    is that of one :func:`hypervolume` per front change.

    Examples
    --------
    >>> nan = float("nan")
    >>> hypervolume_history([[2, 2], [nan, nan], [1, 3], [3, 3]], reference=[4, 4])
    array([4., 4., 5., 5.])
    """
    losses = _losses(losses, "hypervolume_history", min_objectives=2, nan_rows=True)
    reference = check_reference(reference, losses.shape[1], "hypervolume_history")
    _check_box(losses[(losses < reference).all(axis=1)], reference, "hypervolume_history")
    history = np.zeros(len(losses))
    front = np.empty((0, losses.shape[1]))
    volume = 0.0
    for k, point in enumerate(losses):
        # NaN compares False, so a failed trial is never inside the box.
        if (point < reference).all() and not (front <= point).all(axis=1).any():
            kept = ~(point <= front).all(axis=1)
            front = np.vstack([front[kept], point])
            volume = max(volume, _volume(front, reference))  # it only grows; max drops rounding noise
        history[k] = volume
    return history


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
