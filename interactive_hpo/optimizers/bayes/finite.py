"""Spaces with finitely many configurations: every one known, none proposed twice.

On a space of integers and categoricals the acquisition is optimized over a relaxation and
snapped, and the snapped point is often a configuration already evaluated: on a
400-configuration scikit-learn space that wasted 19.8 of 50 trials per run (issue 23). Where
every parameter is discrete and the configurations are few enough to list
(:data:`MAX_CONFIGURATIONS`), the Bayesian optimizer instead evaluates the acquisition at every
configuration not yet taken (evaluated, failed, or pending) and proposes the best: exact, no
repeats, and a finite space that is used up says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import numpy as np

from ...parameters import Int
from ...space import SearchSpace

__all__ = ["MAX_CONFIGURATIONS", "FiniteSpace"]

#: Largest space listed in full: evaluating an acquisition at 20,000 points takes tens of
#: milliseconds, far less than the multi-start optimization it replaces.
MAX_CONFIGURATIONS = 20_000


class FiniteSpace:
    """The configurations of an all-discrete search space, as unit-cube points.

    Parameters
    ----------
    levels : list of ndarray
        Each parameter's bin centres in the unit cube, in the space's order.
    """

    def __init__(self, levels: list[np.ndarray]):
        self.levels = levels
        self.size = math.prod(len(values) for values in levels)

    @classmethod
    def of(cls, space: SearchSpace) -> FiniteSpace | None:
        """The finite space of ``space``, or None if a parameter is continuous or there are
        more than :data:`MAX_CONFIGURATIONS` configurations."""
        if any(param.kind == "float" for param in space):
            return None
        # Counted before they are listed: an int may have 2**53 levels.
        counts = [int(param.high - param.low) + 1 if isinstance(param, Int) else len(param.levels(1))
                  for param in space]
        if math.prod(counts) > MAX_CONFIGURATIONS:
            return None
        return cls([np.array([param.to_unit(level) for level in param.levels(count)], dtype=float)
                    for param, count in zip(space, counts, strict=True)])

    def key(self, x: np.ndarray) -> tuple[int, ...]:
        """The configuration at unit-cube point ``x`` of shape (d,): its level index per parameter."""
        return tuple(int(np.argmin(np.abs(values - coordinate))) for values, coordinate in zip(self.levels, x,
                                                                                              strict=True))

    def untaken(self, taken: Iterable[tuple[int, ...]]) -> np.ndarray:
        """Every configuration whose key is not in ``taken``, as points of shape (m, d), in a
        fixed order (so the same state gives the same proposal on any machine)."""
        exclude = set(taken)
        keys = [key for key in itertools.product(*(range(len(values)) for values in self.levels))
                if key not in exclude]
        return np.array([[values[i] for values, i in zip(self.levels, key, strict=True)] for key in keys],
                        dtype=float).reshape(len(keys), len(self.levels))
