"""The exact dominated hypervolume: of a set of points (:func:`hypervolume`), of each prefix of
a run (:func:`hypervolume_history`), grown as points arrive (:class:`FrontVolume`), and of a
run measured again and again as it grows (:class:`GrowingHistory`).

Like :mod:`interactive_hpo.pareto`, which re-exports these names, it reads **losses** of shape
(n, m), every objective minimized. Pure NumPy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._dominance import _front_mask, _losses, check_reference
from ._validation import fail, float_array

__all__ = ["FrontVolume", "GrowingHistory", "hypervolume", "hypervolume_history"]

#: Slices of the 3-D sweep handled at once: bounds its memory at ``_BLOCK * n`` floats.
_BLOCK = 256


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
    in NumPy, O(n^2) time (n = the front's size). Four or more: sweep along the last objective,
    each point adding, up to the reference, the (m-1)-volume it dominates beyond the points
    before it, computed on the earlier front clipped to its box and filtered to its own front
    (WFG, While, Bradstreet & Barone 2012). Exponential in m at worst, like every exact method,
    but the clipped fronts are small: 400 points in 5-D, 279 on the front, take about 0.2 s,
    BoTorch's exact box decomposition 160 s (``benchmarks/bench_hypervolume.py``; slicing without
    the filter, HSO, took 56 s).

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
    if m == 3:
        # Slice k (between the k-th and (k+1)-th last losses) is covered by the first k+1 points.
        n = len(points)
        slices = [np.arange(start, min(start + _BLOCK, n)) for start in range(0, n, _BLOCK)]
        areas = np.concatenate([_slice_areas(points, reference, np.arange(n) <= ks[:, None]) for ks in slices])
        return float(areas @ (np.append(points[1:, -1], reference[-1]) - points[:, -1]))  # slice thicknesses
    # Four or more: point k adds, from its last loss up to the reference's, the (m-1)-volume it
    # dominates beyond the points before it (WFG's exclusive contributions swept along the last
    # objective; While, Bradstreet & Barone 2012). Clipped to the point's box, most earlier points
    # are dominated there and dropped, so each recursion sees a small front (HSO handed each slice
    # all earlier points unfiltered: 56 s for a 5-D front of 400 points, now about 0.2 s).
    added, _ = _additions(points[:, :-1], np.empty((0, m - 1)), reference[:-1])
    return float(added @ (reference[-1] - points[:, -1]))


def _additions(points: np.ndarray, front: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each of ``points`` (shape (n, m), strictly inside the reference box), taken in
    order, adds to the hypervolume of ``front`` (shape (k, m), non-dominated) and the points
    before it: shape (n,), each >= 0. Also the front they all make."""
    added = np.zeros(len(points))
    for k, point in enumerate(points):
        if not (front <= point).all(axis=1).any():  # else it adds nothing (a copy neither)
            added[k] = _exclusive(point, front, reference)
            front = np.vstack([front[~(point <= front).all(axis=1)], point])
    return added, front


def _exclusive(point: np.ndarray, front: np.ndarray, reference: np.ndarray) -> float:
    """The volume of the box ``[point, reference]`` (``point`` of shape (m,)) that none of the
    points of ``front`` (shape (n, m), inside the reference box, none of them weakly
    dominating ``point``) dominates: what ``point`` adds to their hypervolume."""
    box = float(np.prod(reference - point))
    if len(front) == 0:
        return box
    limited = np.maximum(front, point)  # each point's box clipped to this point's box
    if len(point) > 3:  # the 2-D and 3-D sweeps pass over dominated points faster than a filter would
        limited = limited[_front_mask(limited)]
    return max(box - _volume(limited, reference), 0.0)  # a rounding below 0 is 0


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
    ``FrontVolume(reference).extend(losses)``: a point that joins the front adds its exclusive
    contribution, one hypervolume of the front clipped to its box (with four or more objectives,
    filtered to its own front: usually far smaller). A 5-D history of 200 trials, 142 on the
    front, takes about 0.5 s, not the 33 to 53 s of one whole-front hypervolume per change
    (``benchmarks/bench_hypervolume.py``). To grow a history as
    trials arrive, keep the :class:`FrontVolume` and extend it: each new trial costs one
    exclusive contribution.

    Examples
    --------
    >>> nan = float("nan")
    >>> hypervolume_history([[2, 2], [nan, nan], [1, 3], [3, 3]], reference=[4, 4])
    array([4., 4., 5., 5.])
    """
    losses = _losses(losses, "hypervolume_history", min_objectives=2, nan_rows=True)
    reference = check_reference(reference, losses.shape[1], "hypervolume_history")
    grown = FrontVolume(reference)
    return grown._grow(losses, "hypervolume_history")


class FrontVolume:
    """The Pareto front of the points seen so far and the hypervolume it dominates, grown as
    points arrive: the state behind :func:`hypervolume_history`, kept to extend a history
    without starting again from the first trial.

    Parameters
    ----------
    reference : array-like of shape (m,)
        Finite, m >= 2; fixed for the object's life (a new reference measures another box:
        start a new ``FrontVolume``).

    Attributes
    ----------
    front : ndarray of shape (k, m)
        The non-dominated points strictly inside the reference box, in arrival order (a copy
        of a front point is not added again).
    volume : float
        Their hypervolume, the sum of what each point added when it arrived (equal to
        :func:`hypervolume` of all points seen, to rounding).

    Examples
    --------
    >>> grown = FrontVolume([4, 4])
    >>> grown.extend([[2, 2]])
    array([4.])
    >>> grown.extend([[1, 3], [3, 3]])
    array([5., 5.])
    >>> grown.volume, grown.front.tolist()
    (5.0, [[2.0, 2.0], [1.0, 3.0]])
    """

    def __init__(self, reference: Any) -> None:
        rule = "a sequence of at least 2 finite numbers, one per objective"
        array = float_array(reference, "reference", "FrontVolume", rule)
        if array.ndim != 1 or len(array) < 2 or not np.isfinite(array).all():
            raise fail("reference", "FrontVolume", rule, reference)
        self.reference = array
        self.front = np.empty((0, len(array)))
        self.volume = 0.0

    def extend(self, losses: Any) -> np.ndarray:
        """Add points in arrival order; return the volume after each.

        Parameters
        ----------
        losses : array-like of shape (n, m)
            m as the reference's; rows entirely NaN (failed trials) add nothing.

        Returns
        -------
        ndarray of float, shape (n,)
            Non-decreasing, starting from :attr:`volume` before the call.
        """
        losses = _losses(losses, "FrontVolume.extend", min_objectives=len(self.reference), nan_rows=True)
        if losses.shape[1] != len(self.reference):
            raise fail("losses", "FrontVolume.extend", f"an array of shape (n, {len(self.reference)}), one column "
                       "per objective of the reference", losses, hint=f"Its shape is {losses.shape}.")
        return self._grow(losses, "FrontVolume.extend")

    def _grow(self, losses: np.ndarray, owner: str) -> np.ndarray:
        """:meth:`extend` of checked ``losses`` of shape (n, m), errors named for ``owner``."""
        inside = (losses < self.reference).all(axis=1)  # NaN compares False: a failed trial is outside
        _check_box(np.vstack([self.front, losses[inside]]), self.reference, owner)
        # Each point adds its exclusive contribution, so the volume grows, by exactly what it adds.
        added = np.zeros(len(losses))
        added[inside], self.front = _additions(losses[inside], self.front, self.reference)
        history = self.volume + np.cumsum(added)
        self.volume = float(history[-1]) if len(history) else self.volume
        return history



class GrowingHistory:
    """:func:`hypervolume_history` for a run that is measured again as it grows: a call whose
    losses begin with the longest run measured so far (same reference) adds only the new
    rows, and a call on a beginning of that run reads it off.

    A view redrawn after every trial (the Lab's Pareto tab and timeline, an exported frame per
    step) measured the whole run each time: quadratic in the trials, 0.4 s a redraw at 300
    trials of 3 objectives. Any other call (a changed row, another reference) starts afresh.

    Examples
    --------
    >>> nan = float("nan")
    >>> measure = GrowingHistory()
    >>> measure([[2, 2], [nan, nan]], reference=[4, 4])
    array([4., 4.])
    >>> measure([[2, 2], [nan, nan], [1, 3]], reference=[4, 4])   # one row measured
    array([4., 4., 5.])
    >>> measure([[2, 2]], reference=[4, 4])                        # read off
    array([4.])
    """

    def __init__(self) -> None:
        self._run = np.empty((0, 0))
        self._history = np.empty(0)
        self._grown: FrontVolume | None = None

    def __call__(self, losses: Any, reference: Any) -> np.ndarray:
        """The hypervolume of the first k rows for k = 1..n, as :func:`hypervolume_history`.

        Parameters
        ----------
        losses : array-like of shape (n, m)
            Losses in trial order, m >= 2; rows entirely NaN add nothing.
        reference : array-like of shape (m,)

        Returns
        -------
        ndarray of float, shape (n,)
        """
        owner = "GrowingHistory"
        losses = _losses(losses, owner, min_objectives=2, nan_rows=True)
        reference = check_reference(reference, losses.shape[1], owner)
        n, seen = len(losses), self._run
        same_box = self._grown is not None and np.array_equal(self._grown.reference, reference)
        if same_box and n <= len(seen) and np.array_equal(seen[:n], losses, equal_nan=True):
            return self._history[:n].copy()
        if self._grown is None or not same_box or not np.array_equal(seen, losses[:len(seen)], equal_nan=True):
            # The old run forgotten first: a reference refused below must not leave it behind.
            self._grown, self._run, self._history = FrontVolume(reference), losses[:0], np.empty(0)
        added = self._grown._grow(losses[len(self._run):], owner)
        self._run, self._history = losses.copy(), np.concatenate([self._history, added])
        return self._history.copy()
