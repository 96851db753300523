"""Model-free search: grid and random search; quasi-random (scrambled Sobol) search lives in
:mod:`.sobol`, re-exported here."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import cast

import numpy as np

from .._validation import check_bool
from ..conditions import INACTIVE_UNIT
from ..space import SearchSpace
from ..trial import Trial
from .base import Optimizer, Suggestion
from .capabilities import MultiObjective
from .finite import FiniteSpace, TakenConfigurations
from .sobol import UNTAKEN_SKIPS, SobolSearch, SobolSequence

__all__ = ["GridSearch", "RandomSearch", "SobolSearch", "SobolSequence"]


class RandomSearch(Optimizer, MultiObjective):
    """Uniform random points in the unit cube (log-uniform for log parameters).

    On a space of integers and categoricals only (``FiniteSpace``: up to 20,000 configurations)
    no configuration is proposed twice, as scikit-learn's ``RandomizedSearchCV`` samples lists
    without replacement: a point whose configuration is taken (evaluated, failed, pruned or
    pending; a trial cut short is untried) is drawn again from the same distribution, after
    :data:`UNTAKEN_SKIPS` such draws in a row an untaken configuration is drawn uniformly, and
    the search is :attr:`exhausted` when every one is taken. Before, 12 trials over 12
    configurations evaluated 8-9 distinct ones (seeds 0-2). A run that never drew a taken
    configuration is the same as before.

    Parameters
    ----------
    space : SearchSpace
    allow_repeats : bool
        True draws every point independently, repeats and all (the textbook random search; a noisy
        objective's configurations evaluated again).
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Categorical, Float, Int, SearchSpace
    >>> opt = RandomSearch(SearchSpace([Float("x", 0, 1)]), seed=0)
    >>> opt.ask().x.shape
    (1,)
    >>> space = SearchSpace([Int("depth", 1, 3), Categorical("kind", ["a", "b"])])
    >>> opt = RandomSearch(space, seed=0)
    >>> len({tuple(space.from_unit(opt.ask().x).values()) for _ in range(6)})   # all six, each once
    6
    >>> opt.exhausted
    True
    """

    name = "random"

    def __init__(self, space: SearchSpace, *, allow_repeats: bool = False,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        self.allow_repeats = check_bool(allow_repeats, "allow_repeats", "RandomSearch")
        finite = None if self.allow_repeats else FiniteSpace.of(space)
        self._taken_configurations = None if finite is None else TakenConfigurations(finite)

    _why_exhausted = TakenConfigurations.why_exhausted(repeats=True)

    @property
    def exhausted(self) -> bool:
        """True once every configuration of a finite space is taken (never with ``allow_repeats``)."""
        taken = self._taken_configurations
        return taken is not None and taken.all_taken(x for x, _ in self._pending)

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        x = rng.random(self.space.dim)
        if (taken := self._taken_configurations) is None:
            return Suggestion(x=x)
        pending = taken.pending(x for x, _ in self._pending)
        for _ in range(UNTAKEN_SKIPS):  # the same distribution, less the configurations taken
            if (key := taken.finite.key(x)) not in taken.told and key not in pending:
                return Suggestion(x=x)
            x = rng.random(self.space.dim)
        # Nearly every configuration is taken: one of the rest (not None: an exhausted optimizer is not asked).
        return Suggestion(x=cast(np.ndarray, taken.finite.draw(taken.told | pending, rng)))

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        if self._taken_configurations is not None:
            self._taken_configurations.tell(trial)


class GridSearch(Optimizer, MultiObjective):
    """Every combination of per-parameter levels (``SearchSpace.grid_levels``), each once.

    Points already evaluated (by anyone) are skipped. With ``shuffle=True`` the grid is visited
    in a seeded random order, so a partial run covers the whole range instead of one corner.

    Parameters
    ----------
    space : SearchSpace
    resolution : int or dict
        Levels per numeric parameter (>= 2), or a dict giving each numeric parameter its own
        (a categorical's levels are always its choices: a count given for it is not used).
    shuffle : bool
        Visit in random order (True) or in ``SearchSpace.grid`` order (False).
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Categorical, Float, SearchSpace, Study
    >>> space = SearchSpace([Float("x", 0, 1), Categorical("c", ["a", "b"])])
    >>> grid = GridSearch(space, resolution=3, shuffle=False)
    >>> grid.size   # 3 levels of x times 2 choices
    6
    >>> [space.from_unit(grid.ask().x) for _ in range(3)]
    [{'x': 0.0, 'c': 'a'}, {'x': 0.0, 'c': 'b'}, {'x': 0.5, 'c': 'a'}]
    >>> len(Study(space, GridSearch(space, resolution=3)).run(lambda p: p["x"], n_trials=10))   # stops when done
    6
    """

    name = "grid"

    def __init__(self, space: SearchSpace, *, resolution: int | Mapping[str, int] = 5, shuffle: bool = True,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        self.shuffle = check_bool(shuffle, "shuffle", "GridSearch")
        # The grid as blocks of products (one without conditions; in a conditional space one per
        # combination of parents' levels, an inactive coordinate held at INACTIVE_UNIT), so a
        # configuration has one flat index and a million-point grid is never listed. A bad or too
        # large resolution is refused as GridSearch's, where the user typed it.
        blocks = space.grid_blocks(resolution, "GridSearch")
        # Checked ints, as Python's: a journal writes settings as JSON, which has no numpy int.
        self.resolution = {name: int(count) for name, count in resolution.items()} \
            if isinstance(resolution, Mapping) else int(resolution)
        self._blocks = [[np.array([p.to_unit(v) for v in block[p.name]]) if block[p.name] else
                         np.array([INACTIVE_UNIT]) for p in space] for block in blocks]
        self._shapes = [tuple(len(u) for u in block) for block in self._blocks]
        self._starts = np.cumsum([0] + [math.prod(shape) for shape in self._shapes])
        size = int(self._starts[-1])
        order_rng = np.random.default_rng(self.seed)
        self._order = order_rng.permutation(size) if self.shuffle else np.arange(size)
        self._cursor = 0
        self._visited: set[int] = set()

    @property
    def size(self) -> int:
        """Number of grid points."""
        return len(self._order)

    @property
    def exhausted(self) -> bool:
        return len(self._visited) >= self.size

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        while int(self._order[self._cursor]) in self._visited:
            self._cursor += 1
        flat = int(self._order[self._cursor])
        self._visited.add(flat)
        block = int(np.searchsorted(self._starts, flat, side="right")) - 1
        index = np.unravel_index(flat - int(self._starts[block]), self._shapes[block])
        x = np.array([levels[i] for levels, i in zip(self._blocks[block], index, strict=True)])
        return Suggestion(x=x, info={"grid_index": flat})

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        if suggestion is None:
            self._taken(trial)

    def _taken(self, trial: Trial) -> Suggestion | None:
        # Evaluated, or being evaluated in another process: either way not to be proposed again.
        flat = self._grid_index(trial.x)
        if flat is not None:
            self._visited.add(flat)
        return None

    def _grid_index(self, x: np.ndarray) -> int | None:
        """Flat grid index of a point that sits on the grid, else None."""
        for block, (shape, start) in enumerate(zip(self._shapes, self._starts, strict=False)):
            index = []
            for levels, u in zip(self._blocks[block], x, strict=True):
                hits = np.flatnonzero(np.isclose(levels, u, rtol=0.0, atol=1e-9))
                if hits.size == 0:
                    break
                index.append(int(hits[0]))
            else:
                return int(start) + int(np.ravel_multi_index(index, shape))
        return None
