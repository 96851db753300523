"""NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002): the elitist genetic algorithm of several
objectives, with Deb's constrained domination.

Each generation of ``population_size`` offspring is handed out one per ask, as in the other
population methods. When it is told, the survivors (the parent population of size N) are chosen
from the previous survivors, the offspring just told and every trial told since that the
optimizer did not propose (manual, enqueued, another optimizer's, spares): the "mu + lambda"
elitism of NSGA-II. The next offspring are bred from the survivors by binary tournaments,
simulated binary crossover (SBX; Deb and Agrawal, 1995) and polynomial mutation (Deb and Goyal,
1996) in the unit cube: the bounded forms of Deb's own NSGA-II code, with pymoo's defaults
(SBX with eta_c = 15 on each coordinate with probability 1/2, for pairs crossed with probability
0.9; mutation with eta_m = 20 at rate 1/d). Optuna's ``NSGAIISampler`` offers SBX too, but
defaults to uniform crossover and resampling from the prior. A child that would repeat a
configuration evaluated or bred is mated again, up to ``base.REDRAWS`` times (2-7 of 50 trials
were repeats on the multi-objective benchmark tasks: an uncrossed, unmutated copy of a parent,
or a mutation onto a known integer); on a small all-discrete space, one still repeating moves to
the nearest configuration neither evaluated nor bred (SBX and polynomial mutation rarely leave
the parents' integer bins: 2-12 of 32 trials, 7.7 on average, were repeats on 48 configurations
while 18-28 were never tried), and the optimizer is ``exhausted`` once every one is evaluated.

Order of the pool (Deb 2002, section VI, "constrained domination"), best first:

1. feasible trials (every constraint at most 0), by non-dominated front, then by crowding
   distance within the front (larger first: it keeps the front spread out);
2. infeasible trials, by total violation ``sum(max(c, 0))`` (smaller first);
3. trials without constraints, as feasible ones are ordered (in a study without constraints, all
   of them: the order is then 1.'s; in one with, their feasibility is unknown);
4. failed offspring (an exception, NaN): last.

Survival keeps the first N of that order, which fills whole fronts and cuts the last one by
crowding, as in the paper; a tournament between two survivors is won by the earlier in it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._validation import check_real
from ...space import SearchSpace
from ...trial import Trial
from ..base import Suggestion
from ..capabilities import MultiObjective
from ..feasibility import constrained_order
from .base import PopulationOptimizer
from .configurations import configuration_key
from .individual import Foreign, Individual

__all__ = ["NSGA2", "constrained_order", "polynomial_mutation", "sbx_crossover"]

#: Parents closer than this in a coordinate are not crossed there (pymoo's ``eps``): SBX's
#: spread factor divides by their distance.
_CLOSE = 1e-14


def sbx_crossover(a: np.ndarray, b: np.ndarray, eta: float, rng: np.random.Generator,
                  rate: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Simulated binary crossover of two parents in the unit cube, bounded form (Deb and
    Agrawal, 1995; as in Deb's NSGA-II code and pymoo's ``cross_sbx``).

    Each coordinate is crossed with probability ``rate``: the children are spread around the
    parents' mean by a factor drawn so that, like one-point crossover of binary strings, they
    land near the parents more often the larger ``eta`` is, and never outside [0, 1]. The two
    children then swap that coordinate with probability 1/2.

    Parameters
    ----------
    a, b : ndarray of shape (d,)
        The parents, in the unit cube.
    eta : float
        The distribution index eta_c (>= 0).
    rng : numpy.random.Generator
    rate : float
        Probability that a coordinate is crossed.

    Returns
    -------
    (ndarray of shape (d,), ndarray of shape (d,))
        Two children in the unit cube.
    """
    d = len(a)
    cross, u, swap = rng.random(d) < rate, rng.random(d), rng.random(d) < 0.5
    low, high = np.minimum(a, b), np.maximum(a, b)
    gap = high - low
    cross &= gap > _CLOSE
    safe = np.where(cross, gap, 1.0)
    exponent = 1.0 / (eta + 1.0)

    def spread(beta: np.ndarray) -> np.ndarray:
        # The spread factor's distribution, truncated to keep the child inside the bound
        # whose distance to the nearer parent is (beta - 1) * gap / 2.
        alpha = 2.0 - beta ** -(eta + 1.0)
        return np.where(u <= 1.0 / alpha, (u * alpha) ** exponent, (1.0 / (2.0 - u * alpha)) ** exponent)

    first = 0.5 * (low + high - spread(1.0 + 2.0 * low / safe) * gap)
    second = 0.5 * (low + high + spread(1.0 + 2.0 * (1.0 - high) / safe) * gap)
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    return (np.clip(np.where(cross, first, a), 0.0, 1.0), np.clip(np.where(cross, second, b), 0.0, 1.0))


def polynomial_mutation(x: np.ndarray, eta: float, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Polynomial mutation in the unit cube, bounded form (Deb and Goyal, 1996; as in Deb's
    NSGA-II code and pymoo's ``PM``).

    Each coordinate mutates with probability ``rate`` by a step whose distribution shrinks
    towards 0 as ``eta`` grows and which stops at the bound it moves towards.

    Parameters
    ----------
    x : ndarray of shape (d,)
        A point in the unit cube.
    eta : float
        The distribution index eta_m (>= 0).
    rate : float
        Per-coordinate mutation probability.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (d,)
        The mutated point, in the unit cube.
    """
    d = len(x)
    mutate, u = rng.random(d) < rate, rng.random(d)
    power = eta + 1.0
    down = (2.0 * u + (1.0 - 2.0 * u) * (1.0 - x) ** power) ** (1.0 / power) - 1.0
    up = 1.0 - (2.0 * (1.0 - u) + 2.0 * (u - 0.5) * x ** power) ** (1.0 / power)
    step = np.where(u < 0.5, down, up)
    return np.clip(np.where(mutate, x + step, x), 0.0, 1.0)


def _given(child: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which of parents ``a`` and ``b`` (shape (d,)) gave each coordinate of ``child`` (shape (d,),
    before mutation), as booleans of shape (2, d): the one whose value it kept, or both where SBX
    blended them."""
    from_a, from_b = child == a, child == b
    blended = ~from_a & ~from_b
    return np.array([from_a | blended, from_b | blended])


class NSGA2(PopulationOptimizer, MultiObjective):
    """NSGA-II for studies of several objectives (Deb et al. 2002), with constraints.

    A study of one objective works too (its loss is the case m = 1; the fronts are then the
    ranks of the losses): the same class serves both, so the Lab and the contract suite can
    run it anywhere.

    - **Generation 0** is uniform random, unless ``population_size`` complete trials are known
      before it (manual ones, or another optimizer's after a switch): it is then bred from them.
    - **Survival**: the previous survivors, the generation just told and the trials told since
      that this optimizer did not propose are put in constrained-domination order (see
      :func:`constrained_order`: feasible by front and crowding distance, then infeasible by
      violation, then those without constraints, then failed); the first ``population_size`` survive.
    - **Variation**: two parents, each the winner of a binary tournament among the survivors,
      are crossed with probability ``crossover_rate`` (SBX with index ``crossover_eta`` on
      numbers, each coordinate with probability 1/2; categoricals take either parent's value),
      and each child is mutated (polynomial mutation with index ``mutation_eta`` on numbers, a
      uniformly drawn category on categoricals), each coordinate with probability
      ``mutation_rate`` (default 1/d). Integers are numbers the study snaps to their bins.
    - A **spare** (asked while the generation is all out but not all told) is one more child of
      the survivors; it joins the next survival as a foreign trial.

    Parameters
    ----------
    space : SearchSpace
    population_size : int
        Offspring per generation and survivors kept, at least 2 (default 16; the papers' 100 is
        for thousands of evaluations).
    crossover_rate : float in [0, 1]
        Probability that two parents are crossed (default 0.9, as pymoo and Optuna).
    crossover_eta : float >= 0
        SBX's distribution index eta_c (default 15): larger keeps children nearer their parents.
    mutation_rate : float in [0, 1] or None
        Per-coordinate mutation probability; None means 1/d.
    mutation_eta : float >= 0
        Polynomial mutation's distribution index eta_m (default 20): larger means smaller steps.
    seed : int, numpy.random.Generator or None

    Attributes
    ----------
    survivors : list of Individual
        The parent population the current generation was bred from, best first. Each has
        ``extra["losses"]`` (shape (m,)) and ``extra["failed"]``; its total constraint violation
        is ``violation``.

    Notes
    -----
    :meth:`population` shows the current generation with, as each member's loss, its **first
    objective's** loss (inf when it failed; NaN until told); ``best_x`` and ``best_loss`` are the
    feasible trial with the lowest first-objective loss. The full losses are in each
    ``Individual.extra["losses"]`` of ``members`` and ``survivors``.

    Examples
    --------
    >>> from interactive_hpo import Study
    >>> from interactive_hpo.objectives import ZDT1
    >>> from interactive_hpo.pareto import hypervolume
    >>> problem = ZDT1(dim=3)
    >>> study = Study(problem.space, NSGA2(problem.space, population_size=10, seed=0), directions=["minimize"] * 2)
    >>> _ = study.run(problem, n_trials=60, progress=False)
    >>> study.optimizer.population().generation, len(study.optimizer.survivors)
    (5, 10)
    >>> round(hypervolume([t.values for t in study.best_trials], [1.1, 1.1]), 2)  # at most 0.88 on ZDT1
    0.38
    """

    name = "nsga2"

    def __init__(self, space: SearchSpace, *, population_size: int = 16, crossover_rate: float = 0.9,
                 crossover_eta: float = 15.0, mutation_rate: float | None = None, mutation_eta: float = 20.0,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, population_size=population_size, seed=seed)
        owner = "NSGA2"
        self.crossover_rate = check_real(crossover_rate, "crossover_rate", owner, 0.0, 1.0)
        # At eta = 1000 a child is already within a fraction of a percent of the parents'
        # distance from a parent: larger values are typos, not plans.
        self.crossover_eta = check_real(crossover_eta, "crossover_eta", owner, 0.0, 1000.0)
        self.mutation_rate = None if mutation_rate is None else check_real(mutation_rate, "mutation_rate", owner,
                                                                           0.0, 1.0)
        self.mutation_eta = check_real(mutation_eta, "mutation_eta", owner, 0.0, 1000.0)
        self._categorical = np.array([kind == "categorical" for kind in space.kinds], dtype=bool)
        self.survivors: list[Individual] = []
        # The losses (shape (m,)) of each entry of self.told, in the same order.
        self._records: list[np.ndarray] = []

    # -- telling --------------------------------------------------------------------------------
    def _tell(self, trial: Trial, loss: Any, suggestion: Suggestion | None) -> None:
        losses = None if loss is None else np.atleast_1d(np.asarray(loss, dtype=float))
        # The base records the member's state, its first loss (what the snapshot shows), its
        # violation and the told list; the vector rides alongside, in self._records.
        super()._tell(trial, None if losses is None else float(losses[0]), suggestion)
        if losses is not None:
            self._records.append(losses)
        info = suggestion.info if suggestion is not None else trial.user_attrs
        generation, index = self._breed_up_to(trial, info)  # already bred: only finds the member
        if index >= 0 and generation == self.generation and index < len(self.members):
            self.members[index].extra.update(losses=losses, failed=losses is None)

    # -- breeding -------------------------------------------------------------------------------
    def _breed(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        # The losses of the foreign trials: the base hands out the very arrays it keeps in
        # self.told, so identity finds each one's entry.
        start = self._pool_of_generation
        losses_of = {id(x): losses for (x, *_), losses in zip(self.told[start:], self._records[start:], strict=True)}
        outsiders = [self._outsider(x, losses_of[id(x)], violation) for x, _, violation in foreign]
        told = [m for m in self.members if m.state in ("told", "failed")]
        first = not self.members and not self.survivors
        pool = self.survivors + told + outsiders
        self.survivors = self._select(pool)
        if (first and len(pool) < self.population_size) or all(s.extra["failed"] for s in self.survivors):
            # Nothing to breed from yet, or only failures: (start again from) random points, none
            # a configuration already tried; the survivors wait for the next survival.
            return [self._new(x) for x in self._uniform(rng, self.population_size, [m.x for m in pool])]
        return self._offspring(rng, self._known([m.x for m in pool]))

    def _offspring(self, rng: np.random.Generator, known: set[bytes]) -> list[Individual]:
        """``population_size`` children of the survivors, in the order :meth:`_mate` breeds them
        (two at a time). A child repeating one of the ``known`` configurations (evaluated or
        bred) is mated again, up to REDRAWS times after the first (a deterministic objective
        would say again what it said; then, on a small all-discrete space, it moves to the
        nearest new configuration, and elsewhere, or if there is none, the repeat is kept)."""
        mated: list[tuple[np.ndarray, tuple[int, ...]]] = []  # the last pair's children not drawn yet

        def draw(_: int) -> tuple[np.ndarray, tuple[int, ...]]:
            if not mated:
                mated.extend(self._mate(rng))
            return mated.pop(0)

        # extra=1: the first mating and REDRAWS more, one draw more than GA and DE take (the
        # trials of journals written so far depend on it).
        children = [self._new_child(rng, draw, known, extra=1) for _ in range(self.population_size)]
        if mated and configuration_key(self.space, mated[0][0]) not in known:
            # The last pair's second child, left over: not asked, but given an id when new, as
            # NSGA-II always did, so that the ids trials record (their lineage) stay those of
            # the journals written so far, and a resume of one breeds the ids it holds.
            self._new_id()
        return children

    def _outsider(self, x: np.ndarray, losses: np.ndarray, violation: float) -> Individual:
        return Individual(id=self._adopted_id(x), x=x.copy(), loss=float(losses[0]), violation=violation, state="told",
                          extra={"losses": losses, "failed": False})

    def _select(self, pool: list[Individual]) -> list[Individual]:
        """The best ``population_size`` of ``pool`` in constrained-domination order, best first."""
        m = self._n_losses or 1
        failed = np.array([ind.extra["failed"] for ind in pool], dtype=bool)
        losses = np.array([np.zeros(m) if ind.extra["failed"] else ind.extra["losses"] for ind in pool])
        violation = np.array([math.inf if ind.extra["failed"] else ind.violation for ind in pool])
        order = constrained_order(losses.reshape(len(pool), m), violation, failed)
        return [pool[i] for i in order[:self.population_size]]

    def _tournament(self, rng: np.random.Generator) -> Individual:
        # Survivors are stored best first, so the lower index wins (Deb's crowded comparison).
        picks = rng.choice(len(self.survivors), size=min(2, len(self.survivors)), replace=False)
        return self.survivors[int(picks.min())]

    def _mate(self, rng: np.random.Generator) -> list[tuple[np.ndarray, tuple[int, ...]]]:
        """Two children of two tournament winners, crossed and mutated: (x of shape (d,), parent ids)."""
        a, b = self._tournament(rng), self._tournament(rng)
        if rng.random() < self.crossover_rate:
            first, second = sbx_crossover(a.x, b.x, self.crossover_eta, rng)
            # Categories are unordered: a child takes either parent's (SBX's coordinate swap).
            take = rng.random(self.space.dim) < 0.5
            first = np.where(self._categorical, np.where(take, a.x, b.x), first)
            second = np.where(self._categorical, np.where(take, b.x, a.x), second)
            both = tuple(dict.fromkeys((a.id, b.id)))
            lineage = (both, both)
        else:
            first, second, lineage = a.x.copy(), b.x.copy(), ((a.id,), (b.id,))
        return [(self._fresh_branches(rng, self._mutate(child, rng), (a.x, b.x), _given(child, a.x, b.x)), parents)
                for child, parents in ((first, lineage[0]), (second, lineage[1]))]

    def _mutate(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        rate = self.mutation_rate if self.mutation_rate is not None else 1.0 / self.space.dim
        mutated = polynomial_mutation(x, self.mutation_eta, rate, rng)
        resample = rng.random(self.space.dim) < rate
        return np.where(self._categorical, np.where(resample, rng.random(self.space.dim), x), mutated)

    def _spare(self, rng: np.random.Generator) -> np.ndarray:
        if not self.survivors or all(s.extra["failed"] for s in self.survivors):
            return rng.random(self.space.dim)
        return self._mate(rng)[0][0]
