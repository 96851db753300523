"""The three schedulers, each a :class:`~.halving.HalvingScheduler` with its own brackets:
synchronous successive halving, Hyperband's brackets of several starting budgets, and ASHA's
asynchronous promotions (Jamieson and Talwalkar 2016; Li et al. 2018; Li et al. 2020).
"""

from __future__ import annotations

import numpy as np

from ..._validation import check_int
from ...space import SearchSpace
from .halving import HalvingScheduler
from .ladder import brackets_of
from .rungs import Bracket

__all__ = ["ASHA", "Hyperband", "SuccessiveHalving"]


class SuccessiveHalving(HalvingScheduler):
    """Synchronous successive halving, one bracket after another.

    Parameters
    ----------
    n_configs : int, optional
        Configurations started per bracket; default ``reduction_factor ** (n_rungs - 1)``,
        so exactly one reaches ``max_budget``. Rung ``i`` keeps ``max(1, n_configs //
        reduction_factor**i)``.
    min_budget, max_budget, reduction_factor, sampler, random_fraction, seed
        As in :class:`HalvingScheduler`.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> sh = SuccessiveHalving(SearchSpace([Float("x", 0, 1)]), min_budget=1, max_budget=9, seed=0)
    >>> [sh.ask().budget for _ in range(9)]    # 9 configurations at budget 1 ...
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    >>> sh.waiting                             # ... then the best 3 at budget 3, once all 9 report
    True
    """

    name = "halving"

    def __init__(self, space: SearchSpace, *, min_budget: float | None = None, max_budget: float = 1.0,
                 reduction_factor: int = 3, n_configs: int | None = None, sampler: str = "random",
                 random_fraction: float = 1 / 3, seed: int | np.random.Generator | None = None):
        super().__init__(space, min_budget=min_budget, max_budget=max_budget, reduction_factor=reduction_factor,
                         sampler=sampler, random_fraction=random_fraction, seed=seed)
        self.n_configs = None if n_configs is None else check_int(n_configs, "n_configs", "SuccessiveHalving", 1,
                                                                         10**6)

    def _new_bracket(self, index: int) -> Bracket:
        eta = self.reduction_factor
        n = self.n_configs or eta ** (len(self.budgets) - 1)
        return Bracket(index, list(self.budgets), [max(1, n // eta**i) for i in range(len(self.budgets))], eta)


class Hyperband(HalvingScheduler):
    """Hyperband: successive halving over brackets from many cheap to few full-budget configurations.

    Brackets follow :func:`hyperband_brackets` (Li et al., 2018), cycling from the most
    exploratory bracket to plain random search at ``max_budget``, then again.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> hb = Hyperband(SearchSpace([Float("x", 0, 1)]), min_budget=1, max_budget=81, seed=0)
    >>> [(n, b) for n, b in hb.bracket_plan()[1]]      # bracket s = 3 of the paper
    [(34, 3.0), (11, 9.0), (3, 27.0), (1, 81.0)]
    """

    name = "hyperband"

    def bracket_plan(self) -> list[list[tuple[int, float]]]:
        """Each bracket's (configurations, budget) per rung, in the order they run."""
        return brackets_of(len(self.budgets), self.max_budget, self.reduction_factor)

    def _new_bracket(self, index: int) -> Bracket:
        plan = self.bracket_plan()
        rungs = plan[index % len(plan)]
        return Bracket(index, [budget for _, budget in rungs], [n for n, _ in rungs], self.reduction_factor)


class ASHA(HalvingScheduler):
    """Asynchronous successive halving (Li et al., 2020): never waits for a rung to fill.

    Each ask promotes the best not-yet-promoted configuration in the top ``1 / eta`` of the
    highest rung that has one, and otherwise starts a new configuration at the lowest rung,
    ``budgets[0]`` (``min_budget`` rounded up to the grid ``max_budget * eta**-k``).
    With many workers no one is ever idle; the price is that early promotions are made on few
    results (some configurations get promoted that synchronous halving would have stopped).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> asha = ASHA(SearchSpace([Float("x", 0, 1)]), min_budget=1, max_budget=9, seed=0)
    >>> asha.waiting
    False
    """

    name = "asha"

    @property
    def waiting(self) -> bool:
        """Never: an ask with no promotion to make starts a new configuration (and each ask
        checks this, so it costs no look at the rungs)."""
        return False

    def _new_bracket(self, index: int) -> Bracket:
        return Bracket(index, list(self.budgets), None, self.reduction_factor)
