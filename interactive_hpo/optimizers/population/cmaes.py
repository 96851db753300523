"""CMA-ES on the unit cube, on pycma, with optional IPOP restarts.

Built on ``cma`` (pycma, the reference implementation by the method's author, N. Hansen)
rather than the smaller ``cmaes`` package because pycma documents everything this class
needs as public API: its sampling normals come from a ``randn`` option (so each generation
draws from its own seeded stream, and replay is exact), known solutions go in through
``inject(..., force=True)`` (Hansen 2011, "Injecting external solutions into CMA-ES": pycma
clips their step and keeps them out of the active update), and mean, step size, covariance
and termination tests are readable. ``cmaes`` keeps its mean, covariance and random state
private and has no injection. The price: ``import cma`` takes ~1 s and loads matplotlib and
scipy when installed, so it happens only when a CMAES is built.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..._validation import check_bool, check_int, check_real, import_optional, warn_user
from ...space import SearchSpace
from ..feasibility import UNKNOWN, deb_fitness
from ..warm_start import Source
from .base import MAX_POPULATION
from .cma_options import QUIET, check_options, options_blamed, pycma_prints
from .cma_state import final_samples, phenotype_distribution, to_genotype
from .cma_state import preimage_near as _preimage_near
from .configurations import configuration_key
from .individual import Foreign, Individual, deb_key, reflect
from .warm import WarmStartablePopulation, warm_distribution

__all__ = ["CMAES"]

class _Normal:
    """pycma's ``randn(*shape)``: standard normals from the stream of the generation being bred."""

    def __init__(self) -> None:
        self.rng: np.random.Generator | None = None

    def __call__(self, *shape: int) -> np.ndarray:
        if self.rng is None:
            raise RuntimeError("pycma drew random numbers outside CMAES._breed; this is a bug in CMAES.")
        return self.rng.standard_normal(shape)


class CMAES(WarmStartablePopulation):
    """The covariance matrix adaptation evolution strategy (Hansen and Ostermeier, 2001), with
    IPOP restarts (Auger and Hansen, 2005).

    Each generation is pycma's sample of ``popsize`` points, handed out one per ask; when all are
    told, pycma updates its mean, step size and covariance and samples the next. pycma searches
    R^d and every sample is folded into the unit cube by reflection at its faces (as in GA and
    DE), so pycma sees the objective's mirror extension and the box needs no penalty; its step
    size is capped at a third of the box (``maxstd``, pycma's own cap for boxes it knows). Integers
    and categoricals are plain continuous coordinates that the study snaps to their bins.

    On integers and categoricals many samples snap to a configuration already evaluated, more
    and more as the distribution narrows (13.7 of 64 trials on average on the benchmark suite's
    all-discrete tree). Such a sample is not asked (unless ``allow_repeats``): pycma is told the
    loss that configuration already has, as the objective would say it again, and a sample
    repeating another of its generation takes that one's loss. pycma's search is unchanged; the
    trials are what it would evaluate, less the repeats. When the search has converged onto
    configurations it knows (:data:`~.records.MAX_KNOWN_GENERATIONS` generations in a row with
    nothing new, or one after pycma's termination tests fired with no restart left), a spare
    with a new configuration is asked instead: a sample of the distribution, or failing that a
    uniform random one. Its result joins the next generation as any foreign trial does. On a
    small all-discrete space it is ``exhausted`` once every configuration is evaluated.

    - The first generation is centred on the best complete trial told before it (so one manual
      trial chooses where CMA-ES starts), else on the centre of the cube.
    - Warm-started (``Study(space, "cmaes", warm_start=[old_study])``), the first distribution
      comes from the sources' best points (:func:`warm_distribution`, after WS-CMA-ES): its
      step size always, its centre unless a trial told before it chooses the centre as above.
      So the first generation samples around the sources' optimum, about as widely as their
      good points spread. A restart starts cold (a uniformly random centre and ``sigma0``).
    - With constraints, pycma ranks a generation by Deb's feasibility rules: an infeasible
      member's value is the worst feasible loss plus its total violation, and a member without
      constraints (its feasibility unknown) comes after every other
      (:func:`~interactive_hpo.optimizers.feasibility.deb_fitness`); injected trials are the best
      by the same rules.
    - Failed members rank last: their loss is replaced by one worse than the generation's worst.
      A generation that failed entirely teaches nothing, so pycma is not told it and samples
      again from the same distribution. A member a person stopped (``Trial.cut_short``) has not
      failed: it is asked again (``PopulationOptimizer._tell``).
    - Complete trials that were not members of the generation just told (manual, enqueued, other
      optimizers', spares) are injected into the next generation: the best ``popsize // 2`` of them go into pycma with
      ``inject(force=True)``, which makes them the first samples of its next ``ask`` (after its
      own mirrored samples). They are not evaluated again: they enter the generation already
      told, with their known loss, and pycma is told that loss with the rest. The others, and any
      that arrive when a restart begins (a restart is meant to leave the old basin), only count
      for ``best_x``.
    - With ``restarts > 0``, when pycma's termination tests fire after a generation, a new
      strategy starts from a uniformly random point with ``popsize_factor`` times the population
      (IPOP-CMA-ES). Without restarts left, sampling goes on from the final distribution, kept as it
      was: pycma is told nothing more (told on, it degenerates); foreign trials count for ``best_x``.

    Parameters
    ----------
    space : SearchSpace
    population_size : int or None
        Samples per generation of the first run; None means pycma's ``4 + floor(3 ln d)``.
    sigma0 : float in (0, 1]
        Initial step size in the unit cube (default 0.3: about a third of the box); also the
        largest a warm start chooses.
    restarts : int >= 0
        Maximum number of IPOP restarts (default 0).
    popsize_factor : float >= 1
        Population growth per restart (pycma's ``incpopsize``; default 2).
    allow_repeats : bool
        False (default): a sample whose configuration was evaluated (a complete trial told before
        its generation) takes that loss without being asked. True asks every sample: for a noisy
        objective whose repeats are worth their cost.
    options : dict or None
        Further pycma options with number, bool or None values (e.g. ``{"tolfun": 1e-6}``); see
        ``cma.CMAOptions()``. Output, bounds, population and randomness are set by this class.
    seed : int, numpy.random.Generator or None

    Attributes
    ----------
    sigma : float
        pycma's current step size (before the first generation: ``sigma0``, or the warm start's).
    popsize : int
        Samples in the current generation (grows with each restart).
    restarts_done : int
        Restarts so far (also recorded as ``restart`` in each trial's attributes).
    stop_reasons : dict
        pycma's termination tests that fired (empty while it runs; kept once no restart is left).
    ignored : int
        Foreign trials not injected (beyond the best ``popsize // 2``, or arriving at a restart).
    strategy : cma.CMAEvolutionStrategy or None
        The current pycma object, to read (``strategy.result``, ``strategy.stop()``), not to step.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("x", -2, 2), Float("y", -2, 2)])
    >>> study = Study(space, CMAES(space, seed=0))
    >>> _ = study.run(lambda p: (p["x"] - 1) ** 2 + p["y"] ** 2, n_trials=102)
    >>> snapshot = study.optimizer.population()  # 17 generations of pycma's default 6
    >>> snapshot.generation, snapshot.mean.shape, snapshot.cov.shape, study.best_value < 1e-2
    (16, (2,), (2, 2), True)
    """

    name = "cmaes"

    def __init__(self, space: SearchSpace, *, population_size: int | None = None, sigma0: float = 0.3,
                 restarts: int = 0, popsize_factor: float = 2.0, allow_repeats: bool = False,
                 options: Mapping[str, Any] | None = None, seed: int | np.random.Generator | None = None):
        owner = "CMAES"
        if population_size is not None:
            check_int(population_size, "population_size", owner, 2, MAX_POPULATION)
        else:  # pycma's default for dimension d
            population_size = 4 + int(3 * math.log(space.dim if isinstance(space, SearchSpace) else 1))
        super().__init__(space, population_size=population_size, seed=seed)
        # At least 1e-12 of the box: pycma failed an assertion after the first generation at 1e-320.
        self.sigma0 = check_real(sigma0, "sigma0", owner, 1e-12, 1.0)
        # IPOP doubles the population at each restart: 20 restarts are a million-fold already.
        self.restarts = check_int(restarts, "restarts", owner, 0, 20)
        self.popsize_factor = check_real(popsize_factor, "popsize_factor", owner, 1.0, 10.0)
        self.allow_repeats = check_bool(allow_repeats, "allow_repeats", owner)
        if self.allow_repeats:  # a noisy objective's repeats are wanted: never exhausted
            self._tried.configurations = None
        self._cma = import_optional("cma", "cmaes", "CMAES")
        self.options = check_options(options, self._cma.CMAOptions(), self.population_size)
        self._normal = _Normal()
        self._es: Any = None
        self._limits: tuple[float | None, ...] = (None, None)  # (minstd, maxstd) applied by _std_limits in 1-D
        self._warm: tuple[np.ndarray, float] | None = None  # the sources' (centre, step size)
        self.restarts_done = 0
        self.stop_reasons: dict[str, Any] = {}
        self.ignored = 0
        if self.options:
            self._try_options()

    def _try_options(self) -> None:
        """Refuse options that pycma refuses, or fails on, in a first generation (a list where it
        reads a number, rates outside its bounds, ``CMA_mu`` past the population): here, where
        they were typed, rather than at the first ask. The trial generation draws from a
        generator of its own and is thrown away, so proposals are as without it."""
        normal = _Normal()
        normal.rng = np.random.default_rng(0)
        with options_blamed(self.options, "in a trial generation"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"cma(\.|$)")
            es = self._start(np.full(self.space.dim, 0.5), self.sigma0, self.population_size, normal, say_prints=True)
            samples = es.ask()
            es.tell(samples, [float(i) for i in range(len(samples))])
            es.stop()

    def warm_start(self, sources: Sequence[Source]) -> None:
        """Take related studies' trials: they set the first distribution (see :func:`warm_distribution`)."""
        super().warm_start(sources)
        self._warm = warm_distribution(self.sources, self.sigma0) if self.sources else None

    # -- looking inside -------------------------------------------------------------------------
    @property
    def sigma(self) -> float:
        """pycma's current step size, in the unit cube."""
        if self._es is None:
            return self.sigma0 if self._warm is None else self._warm[1]
        return float(self._es.sigma)

    @property
    def popsize(self) -> int:
        """Samples per generation of the current run."""
        return self.population_size if self._es is None else int(self._es.popsize)

    @property
    def strategy(self) -> Any:
        """The current ``cma.CMAEvolutionStrategy`` (None before the first ask): read it, never step it."""
        return self._es

    def _genotype_distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """pycma's mean (d,) and ``sigma^2 C`` (d, d) in R^d, before the fold: in the coordinates
        of its samples, through its geno-pheno map if it made one (:mod:`.cma_state`)."""
        return phenotype_distribution(self._es, self.space.dim)

    def _distribution(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The mean folded into the cube, and ``sigma^2 C`` seen through the fold: each
        coordinate where the fold runs backwards at the mean flips the sign of its covariances
        (exact while the ellipse stays inside the cube)."""
        if self._es is None:
            return None, None
        mean, cov = self._genotype_distribution()
        slope = np.where(np.mod(mean, 2.0) > 1.0, -1.0, 1.0)
        return reflect(mean), cov * np.outer(slope, slope)

    # -- breeding -----------------------------------------------------------------------------------
    def _info(self, index: int) -> dict[str, Any]:
        return {**super()._info(index), "restart": self.restarts_done}

    def _spare(self, rng: np.random.Generator) -> np.ndarray:
        """A sample of the current distribution (its result is injected into the next generation)."""
        if self._es is None:
            return super()._spare(rng)
        if self._stopped():
            return reflect(final_samples(self._es, self.space.dim, rng, 1)[0])
        return reflect(rng.multivariate_normal(*self._genotype_distribution(), method="eigh"))

    def _breed(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        self._normal.rng = rng
        try:
            with warnings.catch_warnings():  # pycma reports through warnings.warn (e.g. flat fitness)
                warnings.filterwarnings("ignore", module=r"cma(\.|$)")
                return self._next_generation(rng, foreign)
        finally:
            self._normal.rng = None

    def _start(self, x0: np.ndarray, sigma0: float, popsize: int, normal: _Normal | None = None,
               say_prints: bool = False) -> Any:
        """A pycma strategy. What pycma prints while it starts is a warning with ``say_prints``
        (the trial generation, where the options were typed), dropped otherwise (said once already)."""
        # maxstd: a third of the box, pycma's own cap for bounded boxes (maxstd_boundrange), which
        # it cannot apply here since it never sees the box; without it sigma can drift up on the fold.
        options = {"maxstd": 1.0 / 3.0, **(self.options or {}), **QUIET, "popsize": popsize,
                   "randn": normal or self._normal}
        if self.space.dim == 1:
            # pycma 4.x enforces maxstd/minstd through its per-coordinate scaling (sigma_vec), which
            # in one dimension is a scalar it refuses to set ("not yet initialized (dimension
            # needed)" from tell): here they cap the step size itself instead (_std_limits).
            low, high = (options.pop(key, None) for key in ("minstd", "maxstd"))
            self._limits = tuple(None if v is None else float(np.ravel(v)[0]) for v in (low, high))
        with options_blamed(self.options, f"starting generation {self.generation}"), pycma_prints() as printed:
            es = self._cma.CMAEvolutionStrategy(np.asarray(x0, dtype=float), sigma0, options)
        if say_prints and printed:
            warn_user(f"pycma says, of CMAES(options={self.options}): {' '.join(''.join(printed).split())}",
                      UserWarning)
        return es

    def _stopped(self) -> bool:
        """pycma's termination tests fired and no restart is left."""
        return bool(self.stop_reasons) and self.restarts_done >= self.restarts

    def _std_limits(self) -> None:
        """In one dimension, keep pycma's standard deviation within ``minstd`` and ``maxstd`` by
        scaling its step size (what pycma's own limits do in more dimensions)."""
        low, high = self._limits
        std = float(self._es.stds[0])
        if high is not None and std > high > 0:
            self._es.sigma *= high / std
        elif low is not None and 0 < std < low:
            self._es.sigma *= low / std

    def _next_generation(self, rng: np.random.Generator, foreign: list[Foreign]) -> list[Individual]:
        d = self.space.dim
        if self._es is None:
            centre, sigma0 = self._warm if self._warm is not None else (np.full(d, 0.5), self.sigma0)
            x0 = min(foreign, key=deb_key)[0] if foreign else centre
            self._es = self._start(x0, sigma0, self.population_size)
        elif self._stopped():
            # Told on past its termination, pycma's step size and covariance drift without bound on
            # flat losses (to 1e-309 or 1e77 in 5,000 trials) until pycma fails: its final one stays.
            self.ignored += len(foreign)
            return self._sample([], final_samples(self._es, d, rng, self.popsize))
        elif self._learn():
            with options_blamed(self.options, f"breeding generation {self.generation}"):
                self.stop_reasons = dict(self._es.stop())
            if self.stop_reasons and self.restarts_done < self.restarts:
                self.restarts_done += 1
                popsize = round(self.population_size * self.popsize_factor**self.restarts_done)
                self._es = self._start(rng.random(d), self.sigma0, popsize)
                self.stop_reasons = {}  # the new run's; else _stopped() would freeze it at its start
                self.ignored += len(foreign)
                foreign = []
        return self._sample(foreign)

    def _learn(self) -> bool:
        """Tell pycma the finished generation (by Deb's feasibility rules); False (and pycma
        untold) when every member failed."""
        losses = deb_fitness(np.array([m.loss for m in self.members]), np.array([m.violation for m in self.members]))
        ok = np.isfinite(losses)
        if not ok.any():
            return False
        worst, best = losses[ok].max(), losses[ok].min()
        values = np.where(ok, losses, worst + max(1.0, worst - best))  # failed: worse than the worst
        with options_blamed(self.options, f"breeding generation {self.generation}"):
            self._es.tell([m.extra["genotype"] for m in self.members], values.tolist())
        if self.space.dim == 1:
            self._std_limits()
        return True

    def _sample(self, foreign: list[Foreign], drawn: np.ndarray | None = None) -> list[Individual]:
        """pycma's next samples, ``foreign`` injected; or the samples ``drawn`` already."""
        es = self._es
        injected = sorted(foreign, key=deb_key)[:es.popsize // 2]
        self.ignored += len(foreign) - len(injected)
        # The preimage nearest the mean, so that pycma sees a step it could have sampled.
        mean = self._genotype_distribution()[0] if injected else es.mean
        targets = [_preimage_near(x, mean) for x, *_ in injected]
        with options_blamed(self.options, f"breeding generation {self.generation}"):
            if targets:
                es.inject(to_genotype(es, targets), force=True)
            samples = es.ask() if drawn is None else drawn
        members = [self._new(g, genotype=np.array(g, dtype=float)) for g in samples]
        for (x, loss, violation), target in zip(injected, targets, strict=True):
            # pycma returns each forced injection among its samples (after its own mirrors), exactly
            # unless it went through a geno-pheno map: then up to rounding
            match = [m for m in members if m.state == "unasked" and np.allclose(m.extra["genotype"], target,
                                                                                 rtol=0.0, atol=1e-9)]
            if not match:  # an injection lost costs one sample of the generation, never the run
                self.ignored += 1
                warn_user(f"CMAES: pycma did not return the point injected into generation {self.generation} "
                          "(rounding in its coordinates); that trial only counts for best_x.", RuntimeWarning)
                continue
            match[0].x, match[0].loss, match[0].violation, match[0].state = x.copy(), loss, violation, "told"
            match[0].extra["injected"] = True
        if not self.allow_repeats:
            self._mark_repeats(members)
        return members

    def _mark_repeats(self, members: list[Individual]) -> None:
        """Samples whose configuration a trial told before this generation's pool evaluated take
        its loss, unasked ("known"); on a small discrete space, samples of a configuration that
        failed before the generation was bred fail again unasked (asked again, six failing
        configurations of a 6-configuration space took 27 of 30 trials); one repeating an earlier
        sample of the generation waits for its loss ("copy_of"). Only the pool and the failures
        recorded count, so a replay marks the same samples."""
        losses: dict[bytes, tuple[np.ndarray, float, float]] = {}
        for key, (x, loss, _, violation) in zip(self._tried.told[:self._breeding_pool], self.told, strict=False):
            losses.setdefault(key, (x, loss, violation))
        failed = self._failed_known()
        if self._breeding_failures is None:
            # A journal that recorded no failures was bred seeing those before its pool's last
            # trial and in the generation just told: later ones were asked again (15 in 45 trials at seeds 0-4).
            failed = self._tried.failed_before(self._breeding_pool)
            if self._tried.configurations is not None:
                failed |= {configuration_key(self.space, m.x) for m in self.previous if m.state == "failed"}
        first: dict[bytes, int] = {}
        for index, member in enumerate(members):
            if member.state != "unasked":
                continue
            key = configuration_key(self.space, member.x)
            if key in losses:
                x, loss, violation = losses[key]
                member.x, member.loss, member.violation, member.state = x.copy(), loss, violation, "told"
                member.extra["known"] = True
            elif key in failed:
                member.loss, member.violation, member.state = math.inf, UNKNOWN, "failed"
                member.extra["known"] = True
            elif key in first:
                member.state, member.extra["copy_of"] = "pending", first[key]
            else:
                first[key] = index
