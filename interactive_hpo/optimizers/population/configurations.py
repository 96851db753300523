"""The configurations of a small all-discrete space, for the population methods.

Breeding on such a space often lands on a configuration evaluated or bred already: SBX and
polynomial mutation rarely leave the parents' integer bins, and a generation that has converged
has few new neighbours. A child that its method's redraws (``base.REDRAWS``) could not make new
is moved to the nearest configuration that is new (:meth:`Configurations.nearest_new`), so no
trial is spent on a repeat while an unevaluated configuration remains; once every configuration
has been evaluated, the optimizer is ``exhausted`` (as the grid and the Bayesian optimizer are).
The configurations are those the Bayesian optimizer lists (:class:`~..finite.FiniteSpace`).

:class:`Tried` is what a population method remembers of the configurations its trials took:
those told (in tell order), evaluated and failed (in tell order too, each with the number of
trials told before it), so a replay that sees the first ``pool`` trials told and the first
``failures`` failed sees the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...space import SearchSpace
from ...trial import Trial, TrialState
from ..finite import FiniteSpace

__all__ = ["Configurations", "Tried", "configuration_key", "point_of"]


def configuration_key(space: SearchSpace, x: np.ndarray) -> bytes:
    """The configuration at unit point ``x`` (shape (d,)) of ``space``, as a hashable key."""
    return space.snap(x).tobytes()


def point_of(key: bytes) -> np.ndarray:
    """The canonical unit point (shape (d,)) whose :func:`configuration_key` is ``key``."""
    return np.frombuffer(key, dtype=float).copy()


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
            self._keys = [point.tobytes() for point in self._points]  # configuration_key of each
        return self._points


class Tried:
    """The configurations a population method's trials took, as :func:`configuration_key` values.

    Parameters
    ----------
    space : SearchSpace
    configurations : Configurations or None
        Those of a small all-discrete space (:meth:`Configurations.of`), or None: then no
        configuration counts as evaluated or failed, the method is never exhausted and nothing is
        moved to a new one (a continuous space, or a noisy objective's repeats wanted).

    Attributes
    ----------
    told : list of bytes
        The key of each trial told with a loss, in tell order.
    """

    def __init__(self, space: SearchSpace, configurations: Configurations | None):
        self.space = space
        self.configurations = configurations
        self.told: list[bytes] = []
        self._evaluated: set[bytes] = set()  # failed and pruned trials too, not one cut short
        self._failed: list[tuple[int, bytes]] = []  # (len(told) when it failed, key)

    def note(self, trial: Trial, loss: float | None) -> None:
        """Record ``trial``, told with ``loss`` (None: it failed, or was cut short)."""
        key = configuration_key(self.space, trial.x)
        if self.configurations is not None and not trial.cut_short:  # cut short: untried, as BO counts it
            self._evaluated.add(key)
            if trial.state is TrialState.FAILED:
                self._failed.append((len(self.told), key))
        if loss is not None:
            self.told.append(key)

    @property
    def exhausted(self) -> bool:
        """Whether every configuration of a listed space was evaluated (or failed)."""
        return self.configurations is not None and len(self._evaluated) >= self.configurations.size

    @property
    def failures(self) -> int:
        """How many failed trials were noted (on a listed space; one cut short is not)."""
        return len(self._failed)

    def failed_before(self, pool: int | None, failures: int | None = None) -> set[bytes]:
        """The configurations of the first ``failures`` trials that failed; with ``failures``
        None, of those that failed before the first ``pool`` told ones were (None: all of them).
        The latter is how journals without a record of ``failures`` were bred: it forgot a
        failure that came after the last trial told ahead of the breeding."""
        if failures is not None:
            return {key for _, key in self._failed[:failures]}
        return {key for told_before, key in self._failed if pool is None or told_before < pool}

    def known(self, pool: int | None, points: Iterable[np.ndarray] = (), failures: int | None = None) -> set[bytes]:
        """The configurations of the first ``pool`` trials told (None: all), of those failed
        (:meth:`failed_before`), and of ``points`` (each of shape (d,))."""
        return set(self.told[:pool]) | self.failed_before(pool, failures) | \
            {configuration_key(self.space, x) for x in points}

    def nearest_new(self, x: np.ndarray, keys: Iterable[bytes]) -> np.ndarray | None:
        """:meth:`Configurations.nearest_new` on a listed space; None on another."""
        return None if self.configurations is None else self.configurations.nearest_new(x, keys)
