"""The configurations of a small all-discrete space, for the population methods.

Breeding on such a space often lands on a configuration evaluated or bred already: SBX and
polynomial mutation rarely leave the parents' integer bins, and a generation that has converged
has few new neighbours. A child that its method's redraws (``base.REDRAWS``) could not make new
is moved to the nearest configuration that is new (:meth:`Configurations.nearest_new`), so no
trial is spent on a repeat while an unevaluated configuration remains; once every configuration
has been evaluated, the optimizer is ``exhausted`` (as the grid and the Bayesian optimizer are).
The configurations are those the Bayesian optimizer lists (:class:`~..finite.FiniteSpace`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...space import SearchSpace
from ..finite import FiniteSpace

__all__ = ["Configurations"]


class Configurations:
    """The configurations of an all-discrete search space, counted at once and listed when first
    needed.

    Parameters
    ----------
    space : SearchSpace
        Integers and categoricals only (conditions allowed).
    finite : FiniteSpace
        Its configurations (:meth:`FiniteSpace.of`).
    """

    def __init__(self, space: SearchSpace, finite: FiniteSpace):
        self.space = space
        self.finite = finite
        self.size = finite.size  # each branch of a conditional space once
        self._points: np.ndarray | None = None  # shape (size, d), canonical unit points
        self._keys: list[bytes] = []

    @classmethod
    def of(cls, space: SearchSpace) -> Configurations | None:
        """The configurations of ``space``, or None if a parameter is continuous or there are
        more than :data:`~..finite.MAX_CONFIGURATIONS`."""
        finite = FiniteSpace.of(space)
        return None if finite is None else cls(space, finite)

    def nearest_new(self, x: np.ndarray, keys: Iterable[bytes]) -> np.ndarray | None:
        """The configuration nearest to ``x`` (shape (d,)) whose key is not among ``keys``, as a
        canonical unit point of shape (d,); None when there is none. Distance: the sum of the
        numbers' moves in the unit cube plus 1 per categorical changed (any other category is as
        far as the next; a number moves by bins of at most 1). Ties go to the first listed."""
        points = self._list()
        known = set(keys)
        new = np.array([key not in known for key in self._keys], dtype=bool)
        if not new.any():
            return None
        categorical = np.array([kind == "categorical" for kind in self.space.kinds], dtype=bool)
        moves = np.abs(points[new] - self.space.snap(x))
        distance = np.where(categorical, moves > 0, moves).sum(axis=1)
        return points[new][int(np.argmin(distance))].copy()

    def _list(self) -> np.ndarray:
        if self._points is None:
            self._points = np.array([self.space.snap(point) for point in self.finite.untaken(())],
                                    dtype=float).reshape(-1, self.space.dim)
            self._keys = [point.tobytes() for point in self._points]  # base.configuration_key of each
        return self._points
