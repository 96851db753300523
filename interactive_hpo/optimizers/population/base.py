"""What every population method shares: generations handed out one individual per ask.

A generation is a list of individuals. ``ask`` hands out the next one not yet asked; when every
individual of the generation is told, the next ``ask`` breeds the next generation from it (and
from any trials the optimizer did not propose: manual trials, other optimizers', spares). When
all are asked but some are still pending (parallel workers), ``ask`` hands out a *spare*, whose
result joins the breeding pool like any other foreign trial.

Replay (resume, switch, undo) rebuilds exactly the same generations from the journal alone:
each generation is bred from a random stream keyed by (seed, generation number), from the
first ``pool`` trials told (in tell order) and, on a small all-discrete space, the first
``failures`` trials that failed, and every asked individual records ``generation``, ``member``,
``pool`` and ``failures`` in its trial's attributes (:mod:`.records`). A replayed trial of
generation g therefore lets the optimizer breed generation g again, identically, before
recording its loss.

An individual a method builds from a trial it did not breed (a GA's elite from the study's trials
before a switch, a GA's parent from a manual trial, DE's member replacing its worst, an NSGA-II
outsider; :meth:`_adopted_id`) is
never asked, so no trial records its id: the children it parents record which trial it is
(``parents_from_trials``), and the lineage draws it as a root, "from trial N".

Warm starts from related studies, for the methods of one objective, are in ``population.warm``.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from ..._validation import as_scalar, fail, is_int
from ...space import SearchSpace
from ...trial import Trial
from ...views import PopulationSnapshot, read_only
from ..base import Optimizer, Suggestion
from ..capabilities import PopulationMethod
from ..feasibility import BestTold, violation_of
from .configurations import Configurations, Tried, configuration_key, point_of
from .individual import Foreign, Individual, reflect
from .records import MAX_KNOWN_GENERATIONS, GenerationRecords

__all__ = ["ChildDraw", "PopulationOptimizer", "MAX_POPULATION", "REDRAWS"]

#: Largest population: beyond it one generation would take hours to breed and evaluate (a typo, not a plan).
MAX_POPULATION = 10_000

#: Spawn key offset of generation streams, apart from the per-ask streams (keyed by n_seen).
GENERATION_STREAM = 1 << 40

#: Draws of a point whose configuration is known, before the last is kept (the space may hold no
#: other; ``PopulationOptimizer._new_point``): a random first-generation point (on a small discrete
#: space uniform points repeat: 2 of 16 on a 20 x 20 grid, 7 of 16 on 4 x 4), a new spare, a GA
#: child, a DE trial vector; an NSGA-II child is mated again this many times after the first. On
#: a small all-discrete space the last is then moved to the nearest new configuration, if any; on
#: another, up to as many random new points are drawn (``PopulationOptimizer._new_point``).
REDRAWS = 20

#: What a draw of ``_new_point`` returns alongside its point (e.g. the parents' ids).
Payload = TypeVar("Payload")

#: A draw of a child for ``_new_child``: ``draw(attempt)`` is (x of shape (d,), the parents' ids).
ChildDraw = Callable[[int], tuple[np.ndarray, tuple[int, ...]]]


class PopulationOptimizer(Optimizer, PopulationMethod, GenerationRecords):
    """Base of the population methods: subclasses say how to breed a generation.

    Parameters
    ----------
    space : SearchSpace
    population_size : int
        Individuals per generation.
    seed : int, numpy.random.Generator or None

    Subclasses implement :meth:`_breed` (and may override :meth:`_spare`, :meth:`_distribution`).
    """

    def __init__(self, space: SearchSpace, *, population_size: int = 16,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        low, population_size = self._min_population, as_scalar(population_size)  # a 0-d array too, as settings are
        if not is_int(population_size) or not low <= int(population_size) <= MAX_POPULATION:
            raise fail("population_size", type(self).__name__, f"an int in [{low}, {MAX_POPULATION}]"
                       f"{self._min_population_why}", population_size)
        self.population_size = int(population_size)
        self.generation = -1
        self.members: list[Individual] = []
        self.previous: list[Individual] = []
        # Every complete trial in tell order: (x, loss, whether it was a member of its generation,
        # total constraint violation).
        self.told: list[tuple[np.ndarray, float, bool, float]] = []
        self._told_numbers: list[int] = []  # the trial number of each entry of self.told
        self._adopted: dict[int, int] = {}  # id of an individual built from a told trial -> its number
        self._cut_short: dict[int, Trial] = {}  # member index -> the trial a person stopped, to ask again
        self._pool_of_generation = 0  # len(told) when the current generation was bred
        self._known_before = 0  # generations bred, all known, in the ask that bred the current one
        self._breeding_pool = 0  # len(told) the generation being bred sees (what a replay sees)
        # Failures noted (self._tried.failures) when the current generation was bred, and those the
        # generation being bred sees; None: replayed from a journal that did not record them, bred
        # by the rule it was written with (``_known``).
        self._failures_of_generation: int | None = 0
        self._breeding_failures: int | None = 0
        self._next_id = 0
        self.best_x: np.ndarray | None = None
        self.best_loss = math.inf
        self._best = BestTold()  # as the study counts its best
        # The configurations of the trials told (self._tried.told[k] is that of self.told[k]), and
        # on a small all-discrete space those evaluated and failed: exhausted when it is all of them.
        self._tried = Tried(space, Configurations.of(space))

    #: The smallest ``population_size``, and why if a method needs more than two (in brackets).
    _min_population = 2
    _min_population_why = ""

    _why_exhausted = ("every configuration of this space was evaluated. Switch optimizer or enlarge the space "
                      "(a noisy objective's repeats: enqueue them with Study.enqueue).")

    @property
    def exhausted(self) -> bool:
        """True on a small all-discrete space once every configuration has been evaluated (or
        failed): breeding could only repeat one."""
        return self._tried.exhausted

    # -- for subclasses -----------------------------------------------------------------------
    def _uniform(self, rng: np.random.Generator, n: int, known: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``n`` uniform random points of shape (d,) whose configurations repeat neither one of
        ``known`` (points of shape (d,)) nor each other: a repeat is drawn again, up to
        :data:`REDRAWS` times. On a continuous space nothing repeats, so these are the plain
        uniform draws (and a journal of one replays as it did)."""
        keys = {configuration_key(self.space, x) for x in known} | self._failed_known()
        points = []
        for _ in range(n):
            x = self._new_point(rng, lambda _: (rng.random(self.space.dim), None), keys)[0]
            keys.add(configuration_key(self.space, x))
            points.append(x)
        return points

    def _known(self, points: list[np.ndarray]) -> set[bytes]:
        """The configurations of the trials told or failed before the generation being bred was
        (what a replay has at the same point, so the journal breeds the same children) and of
        ``points`` (each of shape (d,)), as :func:`configuration_key` values: what a child should
        not repeat."""
        if self._breeding_failures is None:
            # A journal that recorded no failures was bred seeing the trials told and failed before
            # the previous generation's pool: later ones were asked again (GA: 5 in 45 trials at seeds 0-4).
            return self._tried.known(self._pool_of_generation, points)
        return self._tried.known(self._breeding_pool, points, self._breeding_failures)

    def _failed_known(self) -> set[bytes]:
        """The configurations of the trials failed before the generation being bred was (none for
        one replayed from a journal that did not record them: it was bred without them)."""
        failures = self._breeding_failures
        return set() if failures is None else self._tried.failed_before(None, failures)

    def _fresh_branches(self, rng: np.random.Generator, x: np.ndarray, parents: Sequence[np.ndarray],
                        given: np.ndarray) -> np.ndarray:
        """Child ``x`` (shape (d,)) bred from ``parents`` (k points of shape (d,)), with each
        coordinate active in it that no parent it took that coordinate from (``given``: booleans
        of shape (k, d)) had active drawn uniformly. An inactive coordinate holds the canonical
        value (0.5), so a child switching a branch on would inherit it, and its siblings too: DE
        on a conditional space with no member on the branch proposed one configuration 10 times
        in 24 trials. On a space without conditions, ``x`` (no draw: same seed, same trials)."""
        if not self.space.conditional:
            return x
        active = self.space.conditions.active_mask(np.vstack([x, *parents]))
        fresh = active[0] & ~(active[1:] & given).any(axis=0)
        return np.where(fresh, rng.random(self.space.dim), x) if fresh.any() else x

    def _new_point(self, rng: np.random.Generator, draw: Callable[[int], tuple[np.ndarray, Payload]],
                   keys: set[bytes], extra: int = 0) -> tuple[np.ndarray, Payload | None]:
        """The first ``(x, payload)`` of up to :data:`REDRAWS` + ``extra`` that ``draw(attempt)``
        returns (attempt 0, 1, ...; x of shape (d,)) whose configuration key is not among
        ``keys``. If every one is, the last drawn, moved on a small all-discrete space to the
        nearest configuration not among ``keys`` (:class:`~.configurations.Configurations`; a
        converged population's children stay in its known cells: 6-10 of 32 NSGA-II trials
        repeated one on 48 configurations) and kept where it is if there is none. On another space
        (continuous parameters, or too many configurations to list) up to :data:`REDRAWS` random
        points follow (:meth:`_random_new`), the first new one kept, else the last. ``keys`` is
        left as it was."""
        for attempt in range(REDRAWS + extra):
            x, payload = draw(attempt)
            if configuration_key(self.space, x) not in keys:
                return x, payload
        if self._tried.configurations is None:
            return self._random_new(rng, x, payload, keys)
        nearest = self._tried.nearest_new(x, keys)
        return (x if nearest is None else nearest), payload

    def _random_new(self, rng: np.random.Generator, x: np.ndarray, payload: Payload,
                    keys: set[bytes]) -> tuple[np.ndarray, Payload | None]:
        """For a draw ``x`` (shape (d,), with its ``payload``) that repeats one of ``keys`` on a
        space not listed: up to :data:`REDRAWS` points with the discrete values of ``x`` and its
        active floats drawn uniformly, the first new one kept (bred from the same parents: the
        payload is kept). With no float active in ``x`` they take instead those of the nearest
        known configuration that has one (no payload), or, if none has, are uniform points (no
        payload). Before, DE spent up to 18 of 24 trials on repeats on a conditional space whose
        float is active in one branch only, and the GA 0-4 of 64 (``tests/optimizers``)."""
        continuous = np.array([kind == "float" for kind in self.space.kinds], dtype=bool)
        base: np.ndarray | None = x
        kept: Payload | None = payload
        if not (continuous & self.space.conditions.active_mask(x[None])[0]).any():
            known = np.array([point_of(key) for key in sorted(keys)]).reshape(-1, self.space.dim)
            known = known[(continuous & self.space.conditions.active_mask(known)).any(axis=1)]
            base, kept = None, None
            if len(known):
                base = known[int(np.argmin(np.abs(known - self.space.snap(x)).sum(axis=1)))]
        redraw = continuous if base is None else continuous & self.space.conditions.active_mask(base[None])[0]
        for _ in range(REDRAWS):
            u = rng.random(self.space.dim)
            point = u if base is None else np.where(redraw, u, base)
            if configuration_key(self.space, point) not in keys:
                break
        return point, kept

    def _new_child(self, rng: np.random.Generator, draw: ChildDraw, keys: set[bytes], extra: int = 0) -> Individual:
        """A new individual at the point :meth:`_new_point` keeps, bred from the parents (ids)
        its draw returned with it (none for a random point); its configuration joins ``keys``
        (the next child avoids it)."""
        x, parents = self._new_point(rng, draw, keys, extra)
        keys.add(configuration_key(self.space, x))
        return self._new(x, parents or ())

    @abstractmethod
    def _breed(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        """The next generation, from ``self.members`` (the generation just told, empty for the
        first) and ``foreign``: complete trials told since the last breeding that were not
        members (manual, other optimizers', spares), as (x of shape (d,), loss, violation)."""

    def _spare(self, rng: np.random.Generator) -> np.ndarray:
        """A point to hand out while the generation is all asked but not all told."""
        if self.best_x is None:
            return rng.random(self.space.dim)
        return reflect(self.best_x + 0.1 * rng.standard_normal(self.space.dim))

    def _distribution(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(mean of shape (d,), covariance of shape (d, d)) of the search distribution, if any."""
        return None, None

    def _new(self, x: np.ndarray, parents: tuple[int, ...] = (), **extra: Any) -> Individual:
        """A new individual at ``x`` (reflected into the unit cube), to be asked."""
        return Individual(id=self._new_id(), x=reflect(x), parents=parents, extra=dict(extra))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _adopted_id(self, x: np.ndarray) -> int:
        """A new id for an individual built from the foreign trial at ``x``, the very array of
        shape (d,) ``_breed`` was handed (identity finds its entry of :attr:`told`, as NSGA-II
        finds its losses): its children record that trial's number (:meth:`_info`)."""
        ident = self._new_id()
        # Any trial the generation's breeding sees: DE's first population also meets the trials
        # told before generation 0 was bred. The newest first: those of this generation, mostly.
        for k in range(self._breeding_pool - 1, -1, -1):
            if self.told[k][0] is x:
                self._adopted[ident] = self._told_numbers[k]
                break
        return ident

    # -- the optimizer hooks --------------------------------------------------------------------
    def _ask(self, rng: np.random.Generator) -> Suggestion:
        if not self.members or self._all_told():
            seen = len(self.told), self._tried.failures  # the pool and the failures bred from
            self._advance(*seen)
            self._known_before = 0
            while self._all_told() and self._known_before < MAX_KNOWN_GENERATIONS and not self._stopped():
                self._advance(*seen)  # nothing to evaluate: learn from the known losses, breed on
                self._known_before += 1
            if self._stopped() and self._all_told():
                # A spare follows the generation just bred with nothing to evaluate: recorded as
                # one known generation, so a replay breeds it too, from this pool.
                self._known_before = max(self._known_before, 1)
        for index, member in enumerate(self.members):
            if member.state == "unasked":
                member.state = "pending"
                return Suggestion(x=member.x.copy(), generation=self.generation, info=self._info(index))
        # All asked but not all told (parallel workers), or MAX_KNOWN_GENERATIONS all known.
        x = self._new_spare(rng)
        return Suggestion(x=x, generation=self.generation, info=self._info(-1))

    def _stopped(self) -> bool:
        """Whether the search has converged and breeds no differently from now on (then a
        generation with nothing to evaluate is followed by a new spare, not by more of them)."""
        return False

    def _all_told(self) -> bool:
        return all(m.state in ("told", "failed") for m in self.members)

    def _new_spare(self, rng: np.random.Generator) -> np.ndarray:
        """A spare (shape (d,)) whose configuration is neither told, failed nor pending, for a
        search converged onto known ones or a worker while the generation's members are pending:
        up to :data:`REDRAWS` spares (then :meth:`_new_point`'s nearest or random new point), then
        as many uniform random points; the last drawn if all of them are known (on a continuous
        space the first spare drawn: as :meth:`_spare` alone)."""
        known = self._tried.known(None, [suggestion.x for suggestion in self.pending])
        x = self._new_point(rng, lambda _: (self._spare(rng), None), known)[0]
        if configuration_key(self.space, x) in known:
            x = self._new_point(rng, lambda _: (rng.random(self.space.dim), None), known)[0]
        return x

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        info = suggestion.info if suggestion is not None else trial.user_attrs
        generation, index = self._breed_up_to(trial, info)
        violation = violation_of(trial.constraints)
        member = None
        if index >= 0 and generation == self.generation and index < len(self.members):
            if trial.cut_short:
                # A person stopped it (or the run cancelled it): that says nothing of its
                # configuration (as BO counts it), so it is handed out again, live or replayed.
                # Told as a failure, it ranked last: pycma learnt it worse than the worst.
                self.members[index].state = "unasked"
                self._cut_short[index] = trial
                return
            self._cut_short.pop(index, None)
            member = self._told_member(index, trial, loss)
        self._tried.note(trial, loss)
        if loss is not None:
            self.told.append((trial.x.copy(), loss, member is not None, violation))
            self._told_numbers.append(trial.number)
            self.best_loss, self.best_x = self._best.note(trial.x, loss, violation)

    def _told_member(self, index: int, trial: Trial, loss: float | None) -> Individual:
        """Member ``index`` (and the samples waiting for its loss), told ``trial``'s ``loss``
        (None: failed)."""
        member = self.members[index]
        member.x = trial.x.copy()  # where it was really evaluated (snapped to its bins)
        member.loss = math.inf if loss is None else loss
        member.state = "failed" if loss is None else "told"
        member.violation = violation_of(trial.constraints)
        for copy in self.members:
            if copy.extra.get("copy_of") == index:
                copy.loss, copy.state, copy.violation = member.loss, member.state, member.violation
        return member

    def _fail_cut_short(self) -> None:
        """Count as failed the members a person stopped that were not asked again before the next
        generation: a journal written before they were asked again bred on, and replays as it did."""
        for index, trial in self._cut_short.items():
            if self.members[index].state == "unasked":
                self._told_member(index, trial, None)

    def _taken(self, trial: Trial) -> Suggestion | None:
        # A member another process is evaluating: breed its generation as a replay would, and
        # hand that member out no more.
        generation, index = self._breed_up_to(trial, trial.user_attrs)
        if generation < 0:
            return None
        if index >= 0 and generation == self.generation and index < len(self.members) and \
                self.members[index].state == "unasked":
            self.members[index].state = "pending"
        return self._as_asked(trial)

    def _foreign(self, start: int, stop: int) -> list[Foreign]:
        """The complete trials told from ``start`` to ``stop`` (in tell order) that were not
        members of their generation, as (x of shape (d,), loss, violation)."""
        return [(x, loss, violation) for x, loss, is_member, violation in self.told[start:stop] if not is_member]

    def _advance(self, pool: int, failures: int | None) -> None:
        """Breed the next generation from the members and the first ``pool`` told trials, away
        from the first ``failures`` failed ones (None: as a journal that did not record them)."""
        foreign = self._foreign(self._pool_of_generation, pool)
        self._breeding_pool, self._breeding_failures = pool, failures
        self.generation += 1
        rng = self._stream(GENERATION_STREAM + self.generation)
        self.previous = self.members
        self._cut_short = {}
        self.members = self._breed(rng, foreign)
        self._pool_of_generation, self._failures_of_generation = pool, failures

    # -- looking inside -------------------------------------------------------------------------
    def population(self) -> PopulationSnapshot:
        """The current generation, its states and losses, and the search distribution."""
        members = self.members
        d = self.space.dim
        mean, cov = self._distribution()
        return PopulationSnapshot(
            generation=max(self.generation, 0),
            X=read_only(np.array([m.x for m in members]).reshape(-1, d)),
            losses=read_only([m.loss for m in members]),
            states=read_only([m.state for m in members], dtype=object),
            ids=read_only([m.id for m in members], dtype=int),
            parents=tuple(tuple(m.parents) for m in members),
            mean=None if mean is None else read_only(mean), cov=None if cov is None else read_only(cov),
            best_x=None if self.best_x is None else read_only(self.best_x), best_loss=self.best_loss)
