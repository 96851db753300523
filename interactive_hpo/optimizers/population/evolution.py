"""Evolutionary optimizers on the unit cube: a genetic algorithm and differential evolution.

Both work for every parameter type: numbers move continuously in the unit cube (the study snaps
integers to their bins), and a categorical coordinate is recombined by taking one parent's
value or resampled uniformly, never averaged (its bins are unordered).

Both rank by Deb's feasibility rules in a study with constraints
(:mod:`~interactive_hpo.optimizers.feasibility`): a feasible trial beats an infeasible one, two
infeasible ones compare by total violation, two feasible ones by loss, and a trial without
constraints (a manual guess) comes after both once other trials carry them. That holds for the
GA's elites and tournaments and for DE's selection, and leaves unconstrained studies as they were.

Both can be warm-started (``Study(space, "ga", warm_start=[old_study])``): their first generation
begins with the related studies' best configurations (``warm.WarmStartablePopulation``).
"""

from __future__ import annotations

import numpy as np

from ..._validation import check_int, check_real, fail
from ...parameters import Categorical
from ...space import SearchSpace
from ..feasibility import feasibility_key
from . import base
from .base import MAX_POPULATION, ChildDraw
from .individual import Foreign, Individual, deb_key, reflect
from .warm import WarmStartablePopulation

__all__ = ["DifferentialEvolution", "GeneticAlgorithm"]


#: A breeding candidate of the GA: (x of shape (d,), loss, violation, individual id, or -1 - k for the
#: k-th foreign trial: ``GeneticAlgorithm._breed``).
Entry = tuple[np.ndarray, float, float, int]


def _ranked(pool: list[Entry]) -> list[Entry]:
    """Best first by Deb's feasibility rules (feasible by loss, infeasible by violation, a failed
    member last). Ties keep their order, so breeding is reproducible."""
    return sorted(pool, key=deb_key)


def _key(individual: Individual) -> tuple[int, float]:
    """An individual's place in Deb's feasibility rules (smaller is better)."""
    return feasibility_key(individual.loss, individual.violation)


class GeneticAlgorithm(WarmStartablePopulation):
    """The classic generational genetic algorithm with elitism and tournament selection.

    Generation 0 is uniform random (a point that would repeat a configuration is drawn again, as
    on a small discrete space they do); warm-started, it begins with the sources' best
    configurations (up to half of it, asked first, after the elites of any trials told before
    it). Each later generation keeps the ``elite`` best individuals seen so far (carried over,
    not evaluated again) and fills the rest with offspring: two parents chosen by tournaments
    of ``tournament_size`` among the last generation and any trials told since (manual ones
    included); uniform crossover with probability ``crossover_rate``; then each coordinate
    mutates with probability ``mutation_rate`` (default 1/d): numbers by a Gaussian step of
    ``mutation_scale`` (in the unit cube, reflected at the bounds), categoricals by a uniform
    new choice. A child that would repeat a configuration already evaluated (or bred for this
    generation) is bred again, up to :data:`~.base.REDRAWS` tries in all, the later half with
    every coordinate mutated by ever wider steps: a deterministic objective would only say again
    what it said. Before, 5-23 of 64 trials repeated an earlier one on the benchmark suite's tasks
    (``benchmarks/bench_ga_repeats.py``). On a small all-discrete space a child every try left on
    a known configuration moves to the nearest new one, and the search is ``exhausted`` once
    every configuration is evaluated (as DE's and NSGA-II's); on another space it takes a random
    new one (``base._new_point``). A child that switches a branch of a conditional space on draws
    that branch's coordinates uniformly (``base._fresh_branches``; as DE's and NSGA-II's).

    Parameters
    ----------
    space : SearchSpace
    population_size : int
        Individuals per generation (default 16).
    elite : int
        Best individuals carried unchanged into the next generation (default 1; 0 disables).
    tournament_size : int
        Contestants per parent selection (default 3; larger = greedier), drawn with replacement;
        from a smaller pool, as many draws as it holds.
    crossover_rate : float in [0, 1]
    mutation_rate : float in [0, 1] or None
        Per-coordinate mutation probability; None means 1/d.
    mutation_scale : float > 0
        Standard deviation of a numeric mutation, in the unit cube.
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2), Float("y", -2, 2)]), "ga", seed=0,
    ...               optimizer_settings={"population_size": 8})
    >>> _ = study.run(lambda p: p["x"] ** 2 + p["y"] ** 2, n_trials=40)
    >>> study.optimizer.population().generation, study.best_value < 0.3
    (5, True)
    """

    name = "ga"

    def __init__(self, space: SearchSpace, *, population_size: int = 16, elite: int = 1, tournament_size: int = 3,
                 crossover_rate: float = 0.9, mutation_rate: float | None = None, mutation_scale: float = 0.1,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, population_size=population_size, seed=seed)
        owner = "GeneticAlgorithm"
        self.elite = check_int(elite, "elite", owner, 0)
        if self.elite >= self.population_size:
            raise fail("elite", owner, f"an int in [0, population_size={self.population_size})", elite)
        self.tournament_size = check_int(tournament_size, "tournament_size", owner, 1, MAX_POPULATION)
        self.crossover_rate = check_real(crossover_rate, "crossover_rate", owner, 0.0, 1.0)
        self.mutation_rate = None if mutation_rate is None else check_real(mutation_rate, "mutation_rate", owner,
                                                                           0.0, 1.0)
        self.mutation_scale = check_real(mutation_scale, "mutation_scale", owner, 0.0, low_open=True)
        self._categorical = np.array([kind == "categorical" for kind in space.kinds])
        self._elites: list[Individual] = []

    def _breed(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        pool = [(m.x, m.loss, m.violation, m.id) for m in self.members if m.state in ("told", "failed")]
        # Manual trials breed too. Not individuals yet, each stands as -1 - k (foreign[k]) until an
        # elite or a child's parents name it; then it becomes one (``adopt``).
        pool += [(x, loss, violation, -1 - k) for k, (x, loss, violation) in enumerate(foreign)]
        if not pool:
            return self._initial_design(rng, foreign)
        adopted: dict[int, int] = {}

        def adopt(ident: int) -> int:
            """The id of the pool's entry ``ident``: a foreign trial gets one (``_adopted_id``) the
            first time it is named, so that its elite and its children name the same individual."""
            if ident >= 0:
                return ident
            if ident not in adopted:
                adopted[ident] = self._adopted_id(foreign[-1 - ident][0])
            return adopted[ident]

        # Elites: the best individuals ever seen, carried over with their loss (never re-evaluated).
        # Carried elites are members too: count each individual once, or one could fill two slots.
        seen = {ident for *_, ident in pool if ident >= 0}
        candidates = [(e.x, e.loss, e.violation, e.id) for e in self._elites if e.id not in seen] + pool
        elites = []
        for x, loss, violation, ident in _ranked(candidates)[:self.elite]:
            if np.isfinite(loss):
                elites.append(Individual(id=adopt(ident), x=x.copy(), parents=(ident,) if ident >= 0 else (),
                                         loss=loss, violation=violation, state="told"))
        self._elites = elites
        # A first generation bred from trials told before it (manual ones, or the study's before a
        # switch) still evaluates the sources' best configurations, after the elites.
        starts = self._starts(foreign, self.population_size - len(elites)) if self.generation == 0 else []
        known = self._known([x for x, *_ in candidates] + [m.x for m in self.members + starts])
        children = [self._offspring(rng, pool, known) for _ in range(self.population_size - len(elites) - len(starts))]
        # A child of a manual trial names it (its trial records which one: parents_from_trials),
        # as DE's do: it was recorded without that parent, and drawn as a root of the lineage.
        # Named after every child has its id: the generation's ids are those it had before.
        for child in children:
            child.parents = tuple(dict.fromkeys(adopt(p) for p in child.parents))
        return elites + starts + children

    def _tournament(self, rng: np.random.Generator, pool: list[Entry]) -> Entry:
        picks = rng.integers(len(pool), size=min(self.tournament_size, len(pool)))
        return min((pool[i] for i in picks), key=deb_key)

    def _offspring(self, rng: np.random.Generator, pool: list[Entry],
                   known: set[bytes]) -> Individual:
        """A child of two tournament winners, not one of the ``known`` configurations if
        :data:`~.base.REDRAWS` tries find one (else the last, moved to the nearest new
        configuration on a small all-discrete space: ``base._new_point``); it joins them. The
        later half of the tries mutates every coordinate, by steps that double from try to try:
        when the near neighbours are all known, the child is looked for farther away."""
        half = max(1, base.REDRAWS // 2)  # read at each call: the benchmark sets REDRAWS to 1
        return self._new_child(rng, lambda attempt: self._child(rng, pool, attempt - half), known)

    def _child(self, rng: np.random.Generator, pool: list[Entry],
               widen: int) -> tuple[np.ndarray, tuple[int, ...]]:
        """Crossover and mutation: a point of shape (d,) in the unit cube and its parents' ids
        (-1 - k for the k-th foreign trial, which ``_breed`` turns into an individual's id).
        With ``widen`` >= 0 every coordinate mutates, numbers by ``2**widen`` times the step."""
        (xa, *_, a), (xb, *_, b) = self._tournament(rng, pool), self._tournament(rng, pool)
        if rng.random() < self.crossover_rate:
            from_a = rng.random(self.space.dim) < 0.5
            child = np.where(from_a, xa, xb)  # uniform crossover
            parents = tuple(dict.fromkeys((a, b)))
        else:
            from_a = np.ones(self.space.dim, dtype=bool)
            child, parents = xa.copy(), (a,)
        rate = 1.0 if widen >= 0 else self.mutation_rate if self.mutation_rate is not None else 1.0 / self.space.dim
        mutate = rng.random(self.space.dim) < rate
        scale = self.mutation_scale * 2.0 ** max(widen, 0)
        step = reflect(child + scale * rng.standard_normal(self.space.dim))
        child = np.where(mutate & ~self._categorical, step, child)
        child = np.where(mutate & self._categorical, rng.random(self.space.dim), child)
        return self._fresh_branches(rng, child, (xa, xb), np.array([from_a, ~from_a])), parents


class DifferentialEvolution(WarmStartablePopulation):
    """Differential evolution, DE/rand/1/bin (Storn and Price, 1997).

    Generation 0 is a uniform random population; warm-started, it begins with the sources' best
    configurations (up to half of it, asked first). Each later generation proposes one trial
    vector per population member i: a mutant ``x_r1 + F (x_r2 - x_r3)`` from three other
    members, crossed with x_i coordinate-wise with probability ``crossover_rate`` (at least one
    coordinate from the mutant). A categorical coordinate has no order, so it is never added or
    scaled (DE did arithmetic on its bins, which depended on the order the choices were listed:
    donors k4, k6 and k0 of k0-k19 gave k9, 4 + 0.8 (6 - 0)): the mutant takes x_r1's category
    and, where x_r2 and x_r3 differ in it (a difference exists to scale), moves with probability
    F (1 if F > 1) to one of the other categories, drawn uniformly. That is binary DE (Gong and
    Tuson, "Differential evolution for binary encoding", Soft Computing in Industrial
    Applications, Springer 2007: where the donors' bits differ, x_r1's bit flips with probability
    F) for k categories: the flip of an unordered value is a move to any other, none nearer than
    another, so relabelling the choices changes no decision. Numbers (floats, integers) propose
    what they did. When the generation is told, each trial vector replaces its target if it is
    at least as good. A foreign trial (manual, another optimizer's) better than
    the worst member replaces it; those told before generation 0 was bred (the study's trials
    before ``switch_optimizer("de")``, manual ones) do so when generation 0 is told, so the
    first trial vectors are bred from the best of both (they were ignored before: the asks after
    a switch were the same whatever the history). A trial vector that repeats a configuration
    already evaluated (or proposed for this generation) is drawn again, with other donors, up to
    :data:`~.base.REDRAWS` tries in all: on an all-discrete space 6-10 of 64 trials were repeats.
    On a small all-discrete space one still repeating moves to the nearest new configuration (on 5
    configurations, a conditional space, the whole of generation 1 repeated earlier ones while one
    was untried), on another to a random new one. A coordinate the trial vector switches on, which
    the members it came from held inactive, is drawn uniformly: with ``population_size=4`` and no
    member on a branch, every trial vector entering it took one value there (18 of 24 repeats).

    Parameters
    ----------
    space : SearchSpace
    population_size : int
        At least 4 (rand/1 needs three donors besides the target); default 16.
    differential_weight : float in (0, 2]
        F, the scale of the difference vector (default 0.8).
    crossover_rate : float in [0, 1]
        CR (default 0.9).
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2), Float("y", -2, 2)]), "de", seed=0,
    ...               optimizer_settings={"population_size": 8})
    >>> _ = study.run(lambda p: p["x"] ** 2 + p["y"] ** 2, n_trials=48)
    >>> study.best_value < 0.3
    True
    """

    name = "de"
    _min_population = 4
    _min_population_why = " (rand/1 needs three donors)"

    def __init__(self, space: SearchSpace, *, population_size: int = 16, differential_weight: float = 0.8,
                 crossover_rate: float = 0.9, seed: int | np.random.Generator | None = None):
        super().__init__(space, population_size=population_size, seed=seed)
        owner = "DifferentialEvolution"
        self.differential_weight = check_real(differential_weight, "differential_weight", owner, 0.0, 2.0,
                                              low_open=True)
        self.crossover_rate = check_real(crossover_rate, "crossover_rate", owner, 0.0, 1.0)
        self._categorical = np.array([kind == "categorical" for kind in space.kinds], dtype=bool)
        self._categories = np.flatnonzero(self._categorical)  # their coordinates, shape (c,)
        # How many choices each has, shape (c,).
        self._choices = np.array([len(p.choices) for p in space.params if isinstance(p, Categorical)], dtype=int)
        self.current: list[Individual] = []  # the population the trial vectors compete with

    def _breed(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        if not self.current and not self.members:
            return self._initial_design(rng, foreign)
        if not self.current:  # generation 0 was just told: it is the population
            self.current = list(self.members)
            # The trials told before generation 0 was bred (the study's before a switch to DE,
            # manual ones) compete with it first, as foreign trials: its initial design only
            # kept clear of their configurations. (Generation 0 stays that design: journals of
            # DE after a switch were written with it, and resume with its next member.)
            foreign = self._foreign(0, self._pool_of_generation) + foreign
        else:  # selection: each trial vector against its target, by Deb's feasibility rules
            for i, trial in enumerate(self.members):
                if _key(trial) <= _key(self.current[i]):
                    self.current[i] = trial
        for x, loss, violation in foreign:
            worst = max(range(len(self.current)), key=lambda i: _key(self.current[i]))
            if feasibility_key(loss, violation) < _key(self.current[worst]):
                self.current[worst] = Individual(id=self._adopted_id(x), x=x.copy(), loss=loss, violation=violation,
                                                 state="told")
        known = self._known([x for x, *_ in foreign] + [m.x for m in self.members + self.current])
        # A trial vector that repeats a known configuration is drawn again, with other donors.
        return [self._new_child(rng, self._draw_trial_vector(rng, i), known) for i in range(len(self.current))]

    def _draw_trial_vector(self, rng: np.random.Generator, i: int) -> ChildDraw:
        """A draw of target i's trial vector (``draw(attempt)``, for ``_new_child``): its point
        of shape (d,) in the unit cube, and the ids of the target and its three donors."""
        d = self.space.dim
        target = self.current[i]

        def draw(_: int) -> tuple[np.ndarray, tuple[int, ...]]:
            r1, r2, r3 = rng.choice([j for j in range(len(self.current)) if j != i], size=3, replace=False)
            donors = self.current[r1], self.current[r2], self.current[r3]
            mutant = donors[0].x + self.differential_weight * (donors[1].x - donors[2].x)
            cross = rng.random(d) < self.crossover_rate
            cross[rng.integers(d)] = True
            if self._categories.size:  # a space without categoricals draws nothing more: same seed, same trials
                mutant = self._categorical_mutant(rng, mutant, donors)
            # The target's coordinates, or the mutant's: a category came from x_r1 alone (or was drawn).
            numeric = cross & ~self._categorical
            given = np.array([~cross, cross, numeric, numeric])
            x = self._fresh_branches(rng, reflect(np.where(cross, mutant, target.x)),
                                     (target.x, *(donor.x for donor in donors)), given)
            return x, (target.id, *(donor.id for donor in donors))

        return draw

    def _categorical_mutant(self, rng: np.random.Generator, mutant: np.ndarray,
                            donors: tuple[Individual, Individual, Individual]) -> np.ndarray:
        """``mutant`` (shape (d,)) with each categorical coordinate set by binary DE's rule for k
        categories (see the class docstring): x_r1's category, or, where x_r2's and x_r3's
        differ, with probability F one of the other k - 1 drawn uniformly.

        Both draws are made for every categorical coordinate, whatever the categories are: which
        coordinates move depends only on which donors agree, never on where their choices stand
        in the list, so a permutation of the choices makes the same decisions with the same seed.
        """
        k = self._choices
        bins = np.minimum(np.floor(np.array([donor.x[self._categories] for donor in donors]) * k), k - 1).astype(int)
        move = (bins[1] != bins[2]) & (rng.random(k.size) < self.differential_weight)
        other = np.floor(rng.random(k.size) * (k - 1)).astype(int)  # the k - 1 categories besides x_r1's,
        other += other >= bins[0]  # numbered skipping x_r1's
        out = mutant.copy()
        out[self._categories] = np.where(move, (other + 0.5) / k, donors[0].x[self._categories])
        return out
