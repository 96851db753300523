"""Dominance, the layer under :mod:`interactive_hpo.pareto` and :mod:`interactive_hpo.hypervolume`:
losses checked as an array of shape (n, m), a reference checked as one of shape (m,), and the
mask of the non-dominated rows (the work of :func:`interactive_hpo.pareto.pareto_mask`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import fail, float_array

#: Points taken at once when culling: fewer Python steps against ``_CULL * n * m`` comparisons each.
_CULL = 64


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



def _front_mask(losses: np.ndarray) -> np.ndarray:
    if losses.shape[1] == 2:
        return _mask_2d(losses)
    if len(losses) <= _CULL:  # one comparison of all pairs beats sorting (the hypervolume asks many small fronts)
        weakly = (losses[:, None] <= losses[None]).all(axis=-1)  # [i, j]: i no worse than j anywhere
        return np.asarray(~(weakly & ~weakly.T).any(axis=0))
    return _mask_by_culling(losses)


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

