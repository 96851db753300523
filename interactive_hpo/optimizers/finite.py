"""Spaces with finitely many configurations: every one known, none proposed twice.

On a space of integers and categoricals the acquisition is optimized over a relaxation and
snapped, and the snapped point is often a configuration already evaluated: on a
400-configuration scikit-learn space that wasted 19.8 of 50 trials per run (issue 23). Where
every parameter is discrete and the configurations are few enough to list
(:data:`MAX_CONFIGURATIONS`), the Bayesian optimizer instead evaluates the acquisition at every
configuration not yet taken (evaluated, failed, or pending) and proposes the best: exact, no
repeats, and a finite space that is used up says so. In a conditional space the
configurations are those of ``SearchSpace.grid`` at every level: each once, an inactive
coordinate at ``INACTIVE_UNIT``. The population methods list the same configurations, to move a
child that no redraw made new to the nearest one not yet evaluated (``population.configurations``).
It imports no torch: the Bayesian optimizer is not the only room that reads it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import numpy as np

from ..conditions import INACTIVE_UNIT
from ..parameters import Int
from ..space import SearchSpace
from ..trial import Trial

__all__ = ["MAX_CONFIGURATIONS", "FiniteSpace", "TakenConfigurations"]

#: Largest space listed in full: evaluating an acquisition at 20,000 points takes tens of
#: milliseconds, far less than the multi-start optimization it replaces.
MAX_CONFIGURATIONS = 20_000


class FiniteSpace:
    """The configurations of an all-discrete search space, as unit-cube points.

    Parameters
    ----------
    space : SearchSpace
        The space, all of whose parameters are integers or categoricals: it decodes a point to
        the configuration it stands for (:meth:`key`).
    levels : list of d ndarrays, the i-th of shape (n_levels_i,)
        Each parameter's bin centres in the unit cube, in the space's order.
    blocks : list of (list of d ndarrays, the i-th of shape (n_i,)), optional
        The configurations as a union of products (``Conditions.blocks`` in unit-cube
        coordinates: a block's i-th array holds the levels of parameter i it takes, n_i of them;
        an inactive coordinate holds ``[INACTIVE_UNIT]``). Default: one block, the product of
        ``levels``.
    """

    def __init__(self, space: SearchSpace, levels: list[np.ndarray], blocks: list[list[np.ndarray]] | None = None):
        self.space = space
        self.levels = levels
        self.blocks = [levels] if blocks is None else blocks
        self.size = sum(math.prod(len(values) for values in block) for block in self.blocks)

    @classmethod
    def of(cls, space: SearchSpace) -> FiniteSpace | None:
        """The finite space of ``space``, or None if a parameter is continuous or there are
        more than :data:`MAX_CONFIGURATIONS` configurations (counted without conditions)."""
        if any(param.kind == "float" for param in space):
            return None
        # Counted before they are listed: an int may have 2**53 levels.
        counts = [int(param.high - param.low) + 1 if isinstance(param, Int) else len(param.levels(1))
                  for param in space]
        if math.prod(counts) > MAX_CONFIGURATIONS:
            return None
        levels = {param.name: param.levels(count) for param, count in zip(space, counts, strict=True)}
        blocks = [[np.array([param.to_unit(v) for v in block[param.name]] or [INACTIVE_UNIT], dtype=float)
                   for param in space] for block in space.conditions.blocks(levels)]
        return cls(space, [np.array([param.to_unit(v) for v in levels[param.name]], dtype=float)
                           for param in space], blocks)

    def key(self, x: np.ndarray) -> tuple[int, ...]:
        """The configuration that a unit-cube point ``x`` of shape (d,) decodes to: the level's
        index per coordinate of its snapped point (an inactive coordinate's is always the same,
        so every point of one configuration has one key).

        Snapped here, not by the caller: a raw point (a Sobol point of the initial design) keeps
        its inactive coordinates anywhere, and a log integer's bin edges are not the midpoints
        between its levels in the cube, so the nearest level of a raw coordinate is not always the
        one it decodes to; keyed raw, 10 of 80 first points of a Bayesian optimizer on a
        48-configuration conditional space repeated one already taken."""
        snapped = self.space.snap(x)
        return tuple(int(np.argmin(np.abs(values - coordinate))) for values, coordinate in zip(self.levels, snapped,
                                                                                              strict=True))

    def untaken(self, taken: Iterable[tuple[int, ...]]) -> np.ndarray:
        """Every configuration whose key is not in ``taken``, as points of shape (m, d), in a
        fixed order (so the same state gives the same proposal on any machine)."""
        exclude = set(taken)
        points: list[tuple[float, ...]] = []
        for block in self.blocks:  # keys as products of level indices: 20,000 in about 10 ms
            indices = [[int(np.argmin(np.abs(values - u))) for u in held]
                       for values, held in zip(self.levels, block, strict=True)]
            points.extend(point for key, point in zip(itertools.product(*indices), itertools.product(*block),
                                                      strict=True) if key not in exclude)
        return np.asarray(points, dtype=np.float64).reshape(len(points), len(self.levels))

    def draw(self, taken: Iterable[tuple[int, ...]], rng: np.random.Generator) -> np.ndarray | None:
        """A configuration whose key is not in ``taken``, drawn uniformly with ``rng``, as a point of
        shape (d,); None when every one is taken."""
        choices = self.untaken(taken)
        return choices[int(rng.integers(len(choices)))] if len(choices) else None


class TakenConfigurations:
    """The configurations of a finite space that trials took: those told, in any state but a
    trial cut short (``Trial.cut_short``: untried), and those pending. What the optimizers that
    propose each configuration once (random, Sobol, Bayesian optimization) skip.

    Parameters
    ----------
    finite : FiniteSpace
        The space whose configurations are counted (its :meth:`FiniteSpace.key`).
    """

    @staticmethod
    def why_exhausted(repeats: bool) -> str:
        """Why an optimizer that proposes each configuration once has nothing left (its
        ``exhausted_error`` says it after "nothing left to propose: "), and the ways on; ``repeats``:
        it takes ``allow_repeats=True``. A configuration a scheduler ran at a low budget is taken
        (pruned), as in Bayesian optimization: queueing it evaluates it again."""
        return ("every configuration of this space was evaluated, failed, pruned or is pending. Switch optimizer, "
                "enlarge the space, queue one to evaluate again (study.enqueue(params))"
                + (", or pass allow_repeats=True to evaluate configurations again." if repeats else "."))

    def __init__(self, finite: FiniteSpace):
        self.finite = finite
        self.told: set[tuple[int, ...]] = set()
        # The keys of the points pending at the last look, by their bytes: each snapped and keyed
        # once, not at every ask (asking a batch of 300 keyed 45,000 points, 9 s; review r469).
        self._pending_keys: dict[bytes, tuple[int, ...]] = {}

    def tell(self, trial: Trial) -> None:
        """Count the configuration of a finished ``trial`` (not one cut short) as taken."""
        if not trial.cut_short:
            self.told.add(self.finite.key(trial.x))

    def pending(self, points: Iterable[np.ndarray]) -> set[tuple[int, ...]]:
        """The keys of the configurations of ``points`` (pending, each of shape (d,)) not told:
        kept apart from :attr:`told`, as a union would copy every configuration told at each ask."""
        known, keys = self._pending_keys, {}
        for x in points:
            raw = np.asarray(x, dtype=float).tobytes()
            keys[raw] = known[raw] if raw in known else self.finite.key(x)
        self._pending_keys = keys  # those no longer pending are forgotten
        return set(keys.values()) - self.told

    def all_taken(self, points: Iterable[np.ndarray]) -> bool:
        """Whether every configuration is told or among ``points`` (pending, each of shape (d,))."""
        points = list(points)
        if len(self.told) + len(points) < self.finite.size:  # too few to cover the rest, whatever they are
            return False
        return len(self.told) + len(self.pending(points)) >= self.finite.size
