"""Warm starts of the population methods for one objective: the first generation bred from
related studies' trials as well (``Study(space, "ga", warm_start=[old_study])``).

The sources are given before the first ask (:meth:`WarmStartablePopulation.warm_start`). GA and
DE hand out the sources' best configurations first (:func:`best_of_sources`); CMA-ES centres its
first distribution on them (:func:`warm_distribution`). They are data of the optimizer, like
its seed, so a replay given the same sources breeds the same generations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..._validation import fail
from ...exceptions import TrialStateError
from ..capabilities import WarmStartable
from ..warm_start import Source
from .base import PopulationOptimizer
from .individual import Foreign, Individual

__all__ = ["WarmStartablePopulation", "best_of_sources", "warm_distribution"]

#: Unit-cube points this close in every coordinate are one configuration (float round trips
#: through a log scale move a point by ~1e-16, never by this much).
_SAME = 1e-9
#: The share of each source's points (its best) whose spread sets a warm start's step size.
TOP_SHARE = 0.25
#: WS-CMA-ES's alpha (Nomura et al. 2021): every top point stands for N(x_i, alpha^2 I), so a
#: warm step size is never below 0.1 of the box even when a source converged onto one point
#: (this study's optimum need not be exactly the source's).
WARM_ALPHA = 0.1


def _among(x: np.ndarray, points: Sequence[np.ndarray] | np.ndarray) -> bool:
    """Whether ``x`` (shape (d,)) is one of ``points`` (shape (n, d)), up to :data:`_SAME`."""
    return len(points) > 0 and bool(np.any(np.all(np.abs(np.asarray(points) - x) <= _SAME, axis=1)))


def best_of_sources(sources: Sequence[Source], k: int) -> np.ndarray:
    """Up to ``k`` of the sources' best distinct points, shape (k', d) in the unit cube.

    A round robin over the sources: every source's best point, then every source's second
    best, and so on (losses of different studies are on different scales, so only ranks within
    a source compare); a point that several sources share counts once.
    """
    ranked = [source.best(k) for source in sources]
    chosen: list[np.ndarray] = []
    for rank in range(k):
        for points in ranked:
            if rank < len(points) and len(chosen) < k and not _among(points[rank], chosen):
                chosen.append(points[rank])
    return np.array(chosen).reshape(len(chosen), sources[0].dim if sources else 0)


class WarmStartablePopulation(PopulationOptimizer, WarmStartable):
    """A population method for one objective that related studies' trials can warm-start.

    :meth:`warm_start` keeps the sources (:attr:`sources`); subclasses breed their first
    generation from them. GA and DE use :meth:`_initial_design`: the first generation begins
    with the sources' best distinct configurations (:func:`best_of_sources`, up to half the
    population), handed out first and best first, then the usual uniform random points. They
    are *asked*, evaluated in this study: the sources' trials are not this study's, and a
    configuration scored in another study (another dataset, another budget) must be scored
    again here before it breeds. One this study has already evaluated (e.g. by Bayesian
    optimization before a switch) is not asked again. Each start records ``source_start`` (its
    rank among the starts, 0 the best) in its trial's attributes, as Bayesian optimization's do.
    """

    #: The warm-start sources, as :meth:`warm_start` got them (none without a warm start).
    sources: tuple[Source, ...] = ()

    def warm_start(self, sources: Sequence[Source]) -> None:
        """Take the related studies' trials (see :mod:`~interactive_hpo.optimizers.warm_start`)
        before the first generation is bred; without them the optimizer runs as it would cold."""
        owner = f"{type(self).__name__}.warm_start"
        if self.generation >= 0:
            raise TrialStateError(f"{owner} must be called before the first generation is bred (the first ask); "
                                  f"generation {self.generation} exists already.")
        for source in sources:
            if not isinstance(source, Source) or source.dim != self.space.dim:
                raise fail("sources", owner, f"Source objects over this space's {self.space.dim} coordinates",
                           source if not isinstance(source, Source) else f"{source.dim} in {source.name!r}")
        self.sources = tuple(sources)

    def _starts(self, told: list[Foreign], room: int) -> list[Individual]:
        """The first generation's warm starts: at most ``room`` and half the population, best
        first, leaving out those among the ``told`` trials (x of shape (d,), loss, violation)."""
        if not self.sources:
            return []
        k = min(room, self.population_size // 2)
        done = [x for x, *_ in told]
        # Each told trial hides at most one distinct start: k + len(done) candidates leave k.
        fresh = [x for x in best_of_sources(self.sources, k + len(done)) if not _among(x, done)]
        return [self._new(x, source_start=rank) for rank, x in enumerate(fresh[:k])]

    def _initial_design(self, rng: np.random.Generator, told: list[Foreign]) -> list[Individual]:
        """A first generation bred from no population: the warm starts, then uniform random
        points that repeat no configuration told or started (:meth:`_uniform`)."""
        starts = self._starts(told, self.population_size)
        points = self._uniform(rng, self.population_size - len(starts), [x for x, *_ in told] + [m.x for m in starts])
        return starts + [self._new(x) for x in points]

    def _info(self, index: int) -> dict[str, Any]:
        info = super()._info(index)
        if index >= 0 and "source_start" in self.members[index].extra:
            info["source_start"] = self.members[index].extra["source_start"]
        return info


def warm_distribution(sources: Sequence[Source], sigma_max: float) -> tuple[np.ndarray, float]:
    """The first search distribution of a warm-started CMA-ES: its centre and step size.

    Each source contributes its top quarter (its best ``ceil(n / 4)`` distinct points, at least
    one), each source with the same total weight. WS-CMA-ES (Nomura, Watanabe, Akimoto, Ozaki
    and Onishi, AAAI 2021) starts from the Gaussian closest in KL divergence to the mixture of
    ``N(x_i, alpha^2 I)`` over such points: their mean, and their covariance plus
    ``alpha^2 I``. pycma starts from ``sigma0^2 I``, so the covariance is reduced to its
    mean variance per coordinate: ``sigma = sqrt(alpha^2 + mean_j var_j)``, and capped at
    ``sigma_max`` (the cold ``sigma0``: a warm start never searches wider than a cold one).
    Sources that disagree widen the step size to cover their optima, rather than trusting
    the midpoint between them.

    Parameters
    ----------
    sources : sequence of Source
        At least one; their points ``X`` of shape (n_j, d) in the unit cube, losses of shape (n_j,).
    sigma_max : float
        The largest step size allowed.

    Returns
    -------
    mean : ndarray of shape (d,)
        The centre, in the unit cube.
    sigma : float
        The step size, in ``[min(alpha, sigma_max), sigma_max]``.
    """
    tops = [source.best(max(1, math.ceil(TOP_SHARE * len(source.losses)))) for source in sources]
    points = np.vstack(tops)
    weights = np.concatenate([np.full(len(top), 1.0 / (len(top) * len(tops))) for top in tops])
    mean = weights @ points
    variance = weights @ (points - mean) ** 2  # per coordinate, shape (d,)
    return mean, min(math.sqrt(WARM_ALPHA**2 + float(variance.mean())), sigma_max)
