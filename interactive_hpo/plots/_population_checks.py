"""What the population plot checks where a person hands it a snapshot: the snapshot's arrays
agree (m rows, d columns), ``dims`` index its parameters, and the positions of the parents known
from a previous generation have d coordinates. Each error names the plot the person called and
the argument (DESIGN.md section 3), not numpy deep inside (zip(), an index out of bounds,
np.stack)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import fail, float_array, is_int
from ..views import AxisLevels, PopulationSnapshot
from ._checks import is_sequence

__all__ = ["check_view", "known_positions"]


def check_view(snapshot: Any, x_axis: Any, y_axis: Any, dims: Any, owner: str) -> int | None:
    """The records and ``dims`` (one index into d per plotted parameter, two with a ``y_axis``):
    a negative index would plot another parameter silently, one out of range fail inside numpy.
    Returns d (None: the snapshot does not say, :func:`_snapshot_width`)."""
    if not isinstance(snapshot, PopulationSnapshot):
        raise fail("snapshot", owner, "a PopulationSnapshot (optimizer.population())", snapshot)
    for name, axis in (("x_axis", x_axis), ("y_axis", y_axis)):
        if not isinstance(axis, AxisLevels) and (name == "x_axis" or axis is not None):
            raise fail(name, owner, "an AxisLevels (space.axis(name))" + (" or None" if name == "y_axis" else ""),
                       axis)
    d = _snapshot_width(snapshot, owner)
    k = 1 if y_axis is None else 2
    ok = isinstance(dims, (tuple, list)) and len(dims) == k and all(
        is_int(i) and 0 <= i < (d or np.inf) for i in dims) and len(set(dims)) == k   # ints first: set() hashes
    if not ok:
        which = "two distinct parameter indices (x, y)" if k == 2 else "one parameter index (x; y is the loss)"
        raise fail("dims", owner, f"a tuple of {which} in [0, {d if d is not None else 'd'})", dims)
    return d


def _snapshot_width(snapshot: PopulationSnapshot, owner: str) -> int | None:
    """d, the number of parameters of ``snapshot`` (None: no individual and no distribution yet),
    checking that its arrays agree: m rows of X, losses, states, ids and parents; best_x and mean of
    length d, cov (d, d). Numpy failed inside on a mismatch (zip(), an index out of bounds)."""
    shapes = {name: np.shape(float_array(getattr(snapshot, name), f"snapshot.{name}", owner, "numbers"))
              for name in ("X", "losses", "mean", "cov", "best_x")}   # None is shape ()
    shapes.update(states=np.shape(snapshot.states), ids=np.shape(snapshot.ids))
    parents, X = snapshot.parents, shapes["X"]
    m = X[0] if X else 0
    # d as each array states it: X's columns, the length of best_x and of mean
    widths = ({X[1]} if len(X) == 2 else set()) | {shapes[name][0] for name in ("mean", "best_x")
                                                   if len(shapes[name]) == 1}
    d = next(iter(widths)) if len(widths) == 1 else None
    ok = len(widths) <= 1 and (len(X) == 2 or X == (0,)) \
        and all(shapes[name] == (m,) for name in ("losses", "states", "ids")) \
        and all(len(shapes[name]) in (0, 1) for name in ("mean", "best_x")) and shapes["cov"] in ((), (d, d)) \
        and is_sequence(parents) and len(parents) == m and all(map(is_sequence, parents))
    if not ok:
        raise fail("snapshot", owner, "a PopulationSnapshot (optimizer.population()) whose arrays agree: X of shape "
                   "(m, d); losses, states, ids and parents of m entries; best_x and mean of d, cov (d, d)",
                   f"shapes {shapes} and {len(parents) if is_sequence(parents) else 'no'} parents")
    return d


def known_positions(previous: Any, snapshot: PopulationSnapshot, d: int, owner: str) -> dict[Any, np.ndarray]:
    """``previous`` (argument of ``owner``) as a new dict, checking the positions of the parents
    ``snapshot`` links to: each of shape (d,) (np.stack failed inside on any other)."""
    if previous is None:
        return {}
    rule = f"None or a dict from an individual's id to its unit-cube position of shape ({d},)"
    if not isinstance(previous, Mapping):
        raise fail("previous", owner, rule, previous)
    known = dict(previous)
    for parent in {p for parents in snapshot.parents for p in parents if p in known}:
        position = float_array(known[parent], f"previous[{parent!r}]", owner, rule)
        if position.shape != (d,):
            raise fail(f"previous[{parent!r}]", owner, rule, f"an array of shape {position.shape}")
        known[parent] = position
    return known
