"""The configurations of a small all-discrete space, for the population methods.

Breeding on such a space often lands on a configuration evaluated or bred already: SBX and
polynomial mutation rarely leave the parents' integer bins, and a generation that has converged
has few new neighbours. A child that its method's redraws (``base.REDRAWS``) could not make new
is moved to the nearest configuration that is new (:meth:`Configurations.nearest_new`), so no
trial is spent on a repeat while an unevaluated configuration remains; once every configuration
has been evaluated, the optimizer is ``exhausted`` (as the grid and the Bayesian optimizer are).

The Bayesian optimizer's ``bayes.finite.FiniteSpace`` lists such spaces too, but importing
anything under ``bayes`` loads torch: this lists them through ``SearchSpace.grid``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ...parameters import Int
from ...space import SearchSpace

__all__ = ["MAX_LISTED", "Configurations"]

#: Largest space listed (as the Bayesian optimizer's): finding the nearest new configuration
#: then measures at most this many distances, a millisecond or so, and only for a child no redraw
#: made new.
MAX_LISTED = 20_000


class Configurations:
    """The configurations of an all-discrete search space, counted at once and listed when first
    needed.

    Parameters
    ----------
    space : SearchSpace
        Integers and categoricals only (conditions allowed).
    counts : dict of str to int
        Every level of each parameter (``SearchSpace.grid``'s ``resolution``).
    size : int
        How many configurations there are (each branch of a conditional space once).
    """

    def __init__(self, space: SearchSpace, counts: dict[str, int], size: int):
        self.space = space
        self.counts = counts
        self.size = size
        self._points: np.ndarray | None = None  # shape (size, d), canonical unit points
        self._keys: list[bytes] = []

    @classmethod
    def of(cls, space: SearchSpace) -> Configurations | None:
        """The configurations of ``space``, or None if a parameter is continuous or there are
        more than :data:`MAX_LISTED` (counted without conditions, before any is listed: an int
        may have 2**53 levels)."""
        if any(param.kind == "float" for param in space):
            return None
        counts = {param.name: int(param.high - param.low) + 1 if isinstance(param, Int) else len(param.levels(1))
                  for param in space}
        if math.prod(counts.values()) > MAX_LISTED:
            return None
        size = sum(math.prod(len(held) for held in block.values() if held) for block in space.grid_blocks(counts))
        return cls(space, counts, size)

    def nearest_new(self, x: np.ndarray, keys: Iterable[bytes]) -> np.ndarray | None:
        """The configuration nearest to ``x`` (shape (d,)) whose key is not among ``keys``, as a
        canonical unit point of shape (d,); None when there is none. Distance: the sum of the
        numbers' moves in the unit cube plus 1 per categorical changed (any other category is as
        far as the next; a number moves by bins of at most 1). Ties go to the first in grid order."""
        points = self._list()
        known = set(keys)
        new = np.array([key not in known for key in self._keys], dtype=bool)
        if not new.any():
            return None
        categorical = np.array([kind == "categorical" for kind in self.space.kinds], dtype=bool)
        snapped = self.space.snap(x)
        moves = np.abs(points[new] - snapped)
        distance = np.where(categorical, moves > 0, moves).sum(axis=1)
        return points[new][int(np.argmin(distance))].copy()

    def _list(self) -> np.ndarray:
        if self._points is None:
            self._points = np.array([self.space.to_unit(params) for params in self.space.grid(self.counts)],
                                    dtype=float).reshape(-1, self.space.dim)
            # What ``base.configuration_key`` gives for each.
            self._keys = [self.space.snap(point).tobytes() for point in self._points]
        return self._points
