"""Maximizing an acquisition over the unit cube: local ascent from many starts, and on mixed
spaces an alternation of that ascent with exhaustive moves along each discrete coordinate.

Both are ours rather than BoTorch's ``optimize_acqf`` / ``optimize_acqf_mixed_alternating`` for
speed (issue 23 asks for proposals no slower than Optuna's GPSampler): BoTorch keeps a Python
L-BFGS state per start and differentiates through GPyTorch, about 1 ms per evaluation of 9
starts. Here each start runs SciPy's L-BFGS-B in a greenlet, the points all starts ask for are
evaluated in one batch, and closed-form acquisitions supply their value and gradient in NumPy
(``ClosedForm.value_and_gradient``): about 0.1 ms per batch at n = 10 (0.3-0.6 ms in torch).

How the mixed search explores (issue 23, item 2): integers with more than
:data:`RELAXED_LEVELS` levels move as continuous coordinates and are rounded to the nearest
level after each ascent (large steps, as Optuna's GPSampler and BoTorch do; beyond
:data:`LISTED_LEVELS` levels the bin is computed, never listed); categoricals and
small integers are tried at every level, one coordinate at a time, from each of the starts. The
starts are the best of ``raw_samples`` scrambled Sobol points snapped to valid values, so they
cover every category, plus the incumbent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import fmin_l_bfgs_b

from ..._validation import import_optional
from .kernel import DTYPE, torch

greenlet = import_optional("greenlet", "bo", "Bayesian optimization").greenlet

__all__ = ["LISTED_LEVELS", "RELAXED_LEVELS", "SAME_POINT", "IntBins", "ascend", "best_new", "bin_centres",
           "bin_ends", "mixed_search", "repeats"]

#: Integers with more levels than this are searched as continuous coordinates, then rounded.
RELAXED_LEVELS = 20
#: Integers with more levels than this are not listed: the bin a coordinate falls in is computed
#: (``Int("seed", 0, 10**9)`` listed would take 8 GB).
LISTED_LEVELS = 10_000
#: Two points whose coordinates all differ by at most this (unit cube) are the same configuration.
SAME_POINT = 1e-6
#: Rounds of (ascent, then discrete moves) before the mixed search stops regardless.
MAX_ROUNDS = 8


class IntBins:
    """The bins of an integer with more than :data:`LISTED_LEVELS` levels, never listed: the
    first and last bin centres (unit cube) and, for any coordinates, their bins' centres."""

    def __init__(self, param: Any):
        self._param = param
        self.first, self.last = param.to_unit(param.low), param.to_unit(param.high)

    def nearest(self, u: np.ndarray) -> np.ndarray:
        """The centre of the bin each coordinate of ``u`` (shape (k,)) falls in, shape (k,)."""
        return np.array([self._param.to_unit(self._param.from_unit(float(v))) for v in u])


def bin_centres(param: Any) -> list[float] | IntBins:
    """The unit-cube positions of a discrete parameter's levels (each level's bin centre), or
    :class:`IntBins` for an integer with too many to list."""
    if param.kind == "int" and param.high - param.low + 1 > LISTED_LEVELS:
        return IntBins(param)
    return [param.to_unit(v) for v in param.levels(LISTED_LEVELS)]


def bin_ends(levels: Any) -> tuple[float, float]:
    """The first and last bin centres of ``levels`` (sorted centres, or :class:`IntBins`)."""
    return (levels.first, levels.last) if isinstance(levels, IntBins) else (float(levels[0]), float(levels[-1]))


def _value_and_gradient(acquisition: Any, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of shape (k,) and gradients of shape (k, q, d) at ``points`` of shape (k, q, d):
    the acquisition's closed form when it has one (single points), autograd otherwise."""
    closed = getattr(acquisition, "value_and_gradient", None)
    found = closed(points[:, 0, :]) if closed is not None and points.shape[1] == 1 else None
    if found is not None:
        return found[0], found[1][:, None, :]
    X = torch.tensor(points, dtype=DTYPE, requires_grad=True)
    values = acquisition(X)
    (gradient,) = torch.autograd.grad(values.sum(), X)
    return values.detach().numpy(), gradient.numpy()


def ascend_all(acquisition: Any, starts: Any, low: Any, high: Any, maxiter: int) -> tuple[Any, Any]:
    """L-BFGS-B from every start: end points of the shape of ``starts`` (k, q, d) and their
    values, shape (k,). ``low`` and ``high`` broadcast to ``starts`` (equal bounds fix a
    coordinate).

    Each start runs its own L-BFGS-B (its own line search: one run on all starts stacked into a
    vector let the steep, hopeless starts set a step that threw the best one onto a bound), each
    in a greenlet that hands its next point back here; the points all runs ask for are evaluated
    in one batch, as Optuna's GPSampler does.
    """
    shape = starts.shape
    x0 = starts.detach().numpy().reshape(shape[0], -1)
    lows = np.broadcast_to(np.asarray(low, dtype=float), shape).reshape(shape[0], -1)
    highs = np.broadcast_to(np.asarray(high, dtype=float), shape).reshape(shape[0], -1)
    ends = np.clip(x0, lows, highs)

    def run(i: int) -> None:
        def ask_for(x: np.ndarray) -> tuple[float, np.ndarray]:
            return greenlet.getcurrent().parent.switch(x)  # answered by the loop below

        end, _, _ = fmin_l_bfgs_b(ask_for, ends[i], maxiter=maxiter,
                                  bounds=list(zip(lows[i].tolist(), highs[i].tolist(), strict=True)))
        ends[i] = np.clip(end, lows[i], highs[i])

    runs = [greenlet(run) for _ in range(shape[0])]
    asked = [g.switch(i) for i, g in enumerate(runs)]  # each run's first point, or None once done
    while any(x is not None for x in asked):
        active = [i for i, x in enumerate(asked) if x is not None]
        values, gradient = _value_and_gradient(acquisition, np.stack([asked[i] for i in active]).reshape(
            len(active), *shape[1:]))
        for j, i in enumerate(active):  # minimize the negative: copies, since scipy keeps them
            asked[i] = runs[i].switch((-float(values[j]), -gradient[j].reshape(-1)))
    points = torch.tensor(ends.reshape(shape), dtype=DTYPE)
    with torch.no_grad():
        return points, acquisition(points)


def repeats(points: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """Whether each of ``points`` (k, d) is the same point (:data:`SAME_POINT`) as a row of
    ``taken`` (m, d): a boolean array of shape (k,)."""
    if not len(taken):
        return np.zeros(len(points), dtype=bool)
    return np.abs(points[:, None, :] - taken[None, :, :]).max(axis=2).min(axis=1) <= SAME_POINT


def best_new(points: Any, values: Any, exclude: np.ndarray | None,
             canonical: Callable[[np.ndarray], np.ndarray] | None = None) -> int:
    """The index of the best of ``points`` by ``values`` that is not the same configuration
    (:func:`repeats`) as a row of ``exclude``, for q = 1; the best overall if ``exclude`` is
    None or every point is one of them.

    Parameters
    ----------
    points : tensor of shape (k, q, d)
        Candidate points in the unit cube.
    values : tensor of shape (k,)
        Their acquisition values (larger is better).
    exclude : ndarray of shape (m, d) or None
        Configurations in the unit cube not to propose again.
    canonical : callable or None
        On a conditional space, ``SearchSpace.canonical``: maps points (n, d) to the
        configurations they stand for, shape (n, d) (their integers and categoricals at their
        levels, as the search leaves them); ``points`` and ``exclude`` are compared so. A
        search point keeps whatever its inactive coordinates drifted to, a trial's point has
        them at ``INACTIVE_UNIT``: compared as they are, a configuration of a branch without
        an active float looked new, and was proposed again (8 to 12 of 25 trials on a k-NN /
        SVM space, seeds 0-2). None: each point is its own configuration.

    Returns
    -------
    int
        An index into ``points``.

    Why: once the GP believes the incumbent cannot be beaten, log-EI's largest value is often
    at the incumbent itself, where the fixed noise leaves a sliver of uncertainty; a
    deterministic objective evaluated there again teaches nothing (on a corner optimum, up to 27
    of 50 trials were such repeats). The best other end point of the search is a new place.
    """
    order = np.argsort(-torch.as_tensor(values).reshape(-1).numpy(), kind="stable").tolist()  # ties: first
    if exclude is None or not len(exclude):
        return order[0]
    flat, exclude = points.detach().numpy().reshape(len(points), -1), np.asarray(exclude)
    if canonical is not None:
        flat, exclude = canonical(flat), canonical(exclude)
    taken = repeats(flat, exclude)
    return next((i for i in order if not taken[i]), order[0])


def ascend(acquisition: Any, starts: Any, bounds: Any, maxiter: int,
           exclude: np.ndarray | None = None) -> tuple[Any, Any]:
    """The best end point of :func:`ascend_all` from ``starts`` (k, q, d) within ``bounds``
    (2, d), or the best start, that repeats no row of ``exclude`` (:func:`best_new`): points
    of shape (q, d) and the value."""
    ends, values = ascend_all(acquisition, starts, bounds[0].numpy(), bounds[1].numpy(), maxiter)
    if exclude is not None:  # should every end be a repeat, a start is the next best new point
        with torch.no_grad():
            ends, values = torch.cat([ends, starts]), torch.cat([values, acquisition(starts)])
    best = best_new(ends, values, exclude)
    return ends[best], values[best]


def _snap(X: Any, levels: dict[int, Any]) -> Any:
    """``X`` (..., d) with each coordinate of ``levels`` (sorted centres, or :class:`IntBins`)
    moved to its nearest level."""
    X = X.clone()
    for i, values in levels.items():
        u = X[..., i].reshape(-1).numpy()
        if isinstance(values, IntBins):
            nearest = values.nearest(u)
        else:  # the nearer of the two sorted neighbours (one level: that level)
            right = np.minimum(np.searchsorted(values, u), len(values) - 1)
            left = np.maximum(right - 1, 0)
            nearest = np.where(np.abs(u - values[left]) <= np.abs(values[right] - u), values[left], values[right])
        X[..., i] = torch.as_tensor(nearest, dtype=DTYPE).reshape(X[..., i].shape)
    return X


def mixed_search(acquisition: Any, dim: int, levels: dict[int, Any], seed: int, raw_samples: int,
                 num_restarts: int, start: np.ndarray | None, maxiter: int = 100,
                 exclude: np.ndarray | None = None,
                 canonical: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, float]:
    """Maximize over a space with discrete coordinates: the best point and its value; the best
    that repeats no row of ``exclude``, among the searches' end points and the raw samples
    (:func:`best_new`).

    Parameters
    ----------
    acquisition : botorch AcquisitionFunction
        Called on a tensor of shape (b, 1, d), returns values of shape (b,).
    dim : int
        d, the unit cube's dimension.
    levels : dict of int to ndarray of shape (n_levels,), or IntBins
        Coordinate -> its bin centres in the unit cube (integers and categoricals), or the
        :class:`IntBins` of an integer too wide to list.
    seed : int
        The Sobol raw samples' scramble.
    raw_samples, num_restarts : int
        How many raw samples to draw, and how many of the best to search from.
    start : ndarray of shape (d,) or (s, d), or None
        Extra points in the unit cube to search from (the incumbent).
    maxiter : int
        L-BFGS-B iterations of each ascent over the continuous coordinates.
    exclude : ndarray of shape (m, d) or None
        Configurations in the unit cube not to propose again.
    canonical : callable or None
        On a conditional space, how a point (n, d) is compared with ``exclude``
        (:func:`best_new`).

    Returns
    -------
    x : ndarray of shape (1, d)
        The best point, in the unit cube.
    value : float
        Its acquisition value.
    """
    levels_np = {i: v if isinstance(v, IntBins) else np.sort(np.asarray(v, dtype=float)) for i, v in levels.items()}
    relaxed = {i for i, v in levels_np.items() if isinstance(v, IntBins) or len(v) > RELAXED_LEVELS}
    moved = {i: v for i, v in levels_np.items() if isinstance(v, np.ndarray) and i not in relaxed}  # level by level
    raw = torch.quasirandom.SobolEngine(dim, scramble=True, seed=seed).draw(raw_samples).to(DTYPE)
    raw = _snap(raw, levels_np).unsqueeze(-2)
    with torch.no_grad():
        raw_values = acquisition(raw)
    order = torch.argsort(raw_values, descending=True)[:num_restarts]
    points = raw[order]
    if start is not None:
        points = torch.cat([points, _snap(torch.as_tensor(start, dtype=DTYPE).reshape(-1, 1, dim), levels_np)])
    low, high = np.zeros(dim), np.ones(dim)
    for i in relaxed:
        low[i], high[i] = bin_ends(levels_np[i])
    for _ in range(MAX_ROUNDS):
        if len(moved) < dim:  # ascent over the continuous and relaxed coordinates, the others held
            fixed_low = np.broadcast_to(low, points.shape).copy()
            fixed_high = np.broadcast_to(high, points.shape).copy()
            for i in moved:
                fixed_low[..., i] = fixed_high[..., i] = points[..., i].numpy()
            points, _ = ascend_all(acquisition, points, fixed_low, fixed_high, maxiter)
            points = _snap(points, {i: levels_np[i] for i in relaxed})
        changed = False
        for i, level in moved.items():  # every level of one coordinate, for every start at once
            trials = points.repeat(len(level), 1, 1)  # level-major: (L * k, 1, d)
            trials[..., i] = torch.as_tensor(level, dtype=DTYPE).repeat_interleave(len(points)).reshape(-1, 1)
            with torch.no_grad():
                best = acquisition(trials).reshape(len(level), len(points)).argmax(dim=0)
            chosen = torch.as_tensor(level, dtype=DTYPE)[best]
            changed = changed or bool((chosen != points[:, 0, i]).any())
            points[:, 0, i] = chosen
        if not changed:
            break
    with torch.no_grad():
        values = acquisition(points)
    if exclude is not None:  # should every end be a repeat, a raw sample is the next best new point
        points, values = torch.cat([points, raw]), torch.cat([values, raw_values])
    best_index = best_new(points, values, exclude, canonical)
    return points[best_index].numpy().reshape(1, dim), float(values[best_index])
