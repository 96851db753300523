"""Bayesian optimization with a Gaussian process you can look inside.

``GaussianProcessBO`` (registered as "bo") starts with ``n_initial`` scrambled Sobol points,
then fits a GP (``bayes.model``) to every completed trial it was told, its own or not (failed
and pruned ones as ``bayes.training`` says), and proposes the maximizer of an acquisition
function (``bayes.acquisition``).

What makes it inspectable and replayable:

- ``surrogate()`` returns a :class:`GPSurrogateView`, an immutable snapshot of the fitted model
  with ``predict(X)``: mean, epistemic std, aleatoric noise std and acquisition per point.
  Taking one never changes the next proposal (the fit it triggers is the one the next ask
  would make, and is reused by it). The snapshots, a past step's and the what-ifs' copies are
  made in ``bayes.snapshots``.
- ``propose(acquisition="ucb", beta=4)`` tells what the optimizer would ask under other
  settings, changing nothing.
- Each proposal stores the fitted raw hyperparameters in the trial's attributes
  (``"gp_state"``), with the settings they were fitted under (``"gp_settings"``). A study
  replayed from its journal warm-starts from them, so it proposes what the uninterrupted run
  would, and the belief at any past step can be rebuilt without refitting
  (``Study.surrogate(step=k)``). Under other settings (a what-if, a switch or a fork to another
  kernel, noise model or output warp) the fit only starts from them (``bayes.held_fit``, where
  the fit is held and recorded, and ``bayes.warm_fit``).
- The fit and the acquisition search run on one torch thread (``bayes.model.one_thread``), so
  the proposals, and the journal that replays them, do not depend on the machine's thread count.

Warm starts (``warm_start(sources)``, what ``Study(..., warm_start=[...])`` calls): the initial
design evaluates each source's best point first, and the GP's mean follows the sources' GPs with
learned weights (``bayes.transfer``), which the view reports.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

# isort: off
# bayes.model checks that torch and botorch are installed, with an install hint, when first imported
# (here through .initial and .transfer), before any module below uses them.
from ..finite import FiniteSpace, TakenConfigurations
from .initial import InitialDesign
from .view import GPSurrogateView, acquisition_scale
from .model import DTYPE, FittedGP, one_thread, torch
from . import acquisition as acq
from .conditional import ActiveOnly
from .constrained import ConstraintModels
from .held_fit import HeldFit
from .search import bin_centres
from .snapshots import Snapshots
from .training import TrainingData
from .transfer import WarmSources
from .warm_fit import WarmFit, record_of
from .warping import WARPS

# isort: on
from ..._validation import check_bool, check_int, check_one_of, check_real, fail, is_int
from ...space import SearchSpace
from ...trial import Trial, TrialState
from ..base import MAX_BATCH, Optimizer, Suggestion, unit_rows
from ..capabilities import ModelBased, WarmStartable
from ..failures import configuration, fails

__all__ = ["GaussianProcessBO", "GPSurrogateView"]

#: Most points of one joint batch (``ask_batch``) on a space that is not finite: its acquisition
#: is optimized over q x d coordinates at once (measured on 2 coordinates at the default effort:
#: q = 128 in 11 s, 512 in 100 s).
MAX_JOINT_BATCH = 128

KERNELS = ("matern", "rbf")
NOISE = ("auto", "learned", "fixed")


class GaussianProcessBO(TrainingData, HeldFit, Snapshots, Optimizer, ModelBased, WarmStartable):
    """Bayesian optimization: a GP surrogate (BoTorch) and an acquisition function.

    Parameters
    ----------
    space : SearchSpace
    acquisition : {"logei", "ei", "pi", "ucb", "thompson", "mes"}
        What decides the next point; see :mod:`interactive_hpo.optimizers.bayes.acquisition`.
    beta : float
        UCB's exploration weight: ``mean + beta * std`` (>= 0).
    xi : float
        EI/PI/log-EI improvement margin, in standard deviations of the observed values (>= 0).
    kernel : {"matern", "rbf"}
        Matern-5/2 (default) or RBF, one lengthscale per dimension; categoricals enter its
        distance as one unit apart (``bayes.kernel``) either way.
    noise : {"auto", "learned", "fixed"}
        Learn the observation noise, or fix it tiny for noiseless objectives. "auto" (default)
        fits both and keeps the learned noise only when the data support it (the Bayesian
        information criterion; see ``bayes.model.fit_gp``). Pass "learned" for an objective you
        know to be noisy.
    output_warp : {"rank-log", "rank", "none"}
        What the GP is fitted on: the losses after Vizier's monotone half-rank and log warp
        (default: outliers and heavy tails do not flatten the model; see ``bayes.warping``),
        after the half-rank step only, or as they are. Failed trials are fitted with a value below the worst either way,
        so the GP learns to avoid them (not one cut short, ``Trial.cut_short``, nor one whose
        configuration also completed, before or after: run again after a kill, say;
        ``optimizers.failures``).
    n_initial : int or None
        Scrambled Sobol points before the GP takes over; default ``min(10, max(8, d + 1))``
        (``bayes.initial.initial_design_size``; 3 makes a teaching demo's GP appear sooner); when
        warm-started, the sources' best points come first (``bayes.transfer``).
        Completed trials from anyone count towards it.
    num_restarts, raw_samples : int
        Acquisition optimization effort (multi-start L-BFGS from the best of raw samples).
    allow_repeats : bool
        False (default) never proposes a configuration already evaluated, failed, pruned or pending. On
        a space of integers and categoricals only (up to 20,000 configurations) the acquisition
        is evaluated at every other one, and the optimizer is :attr:`exhausted` when none is
        left. On other spaces a single proposal is the best point of the acquisition search that
        is none of them (a point whose configuration has every coordinate within 1e-6 of one's
        in the unit cube, inactive coordinates left out, is that one; should every candidate be
        one, the best anyway): on an optimum on a bound, log-EI's best point is otherwise the
        incumbent again. On every space the initial design skips them. A joint batch
        (``ask_batch``) is optimized with its pending points instead. True lets the
        acquisition choose a configuration again (a noisy objective whose repeats are worth
        their cost).
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), "bo", seed=0, optimizer_settings={"n_initial": 3})
    >>> trials = study.run(lambda p: (p["x"] - 1) ** 2, n_trials=8)
    >>> abs(study.best_trial.params["x"] - 1) < 0.1
    True
    """

    name = "bo"
    # The study tells a PRUNED trial's last report as its loss (``study.learnt``): fitted there, as
    # Optuna's TPE ranks a pruned trial, pessimistic for a learning curve that still falls.
    ranks_pruned = True
    setting_choices = {"acquisition": acq.ACQUISITIONS, "kernel": KERNELS, "noise": NOISE, "output_warp": WARPS}

    def __init__(self, space: SearchSpace, *, acquisition: str = "logei", beta: float = 2.0, xi: float = 0.0,
                 kernel: str = "matern", noise: str = "auto", output_warp: str = "rank-log",
                 n_initial: int | None = None,
                 num_restarts: int = 8, raw_samples: int = 256, allow_repeats: bool = False,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        owner = type(self).__name__
        self.acquisition = check_one_of(acquisition, "acquisition", owner, acq.ACQUISITIONS)
        self.beta = check_real(beta, "beta", owner, 0.0)
        self.xi = check_real(xi, "xi", owner, 0.0)
        self.kernel = check_one_of(kernel, "kernel", owner, KERNELS)
        self.noise = check_one_of(noise, "noise", owner, NOISE)
        self.output_warp = check_one_of(output_warp, "output_warp", owner, WARPS)
        self.n_initial = None if n_initial is None else check_int(n_initial, "n_initial", owner, 1)
        # Upper bounds: beyond them one proposal would take hours (a typo, not a plan).
        self.num_restarts = check_int(num_restarts, "num_restarts", owner, 1, 1000)
        self.raw_samples = check_int(raw_samples, "raw_samples", owner, 1, 10**6)
        self.allow_repeats = check_bool(allow_repeats, "allow_repeats", owner)
        # The configurations of an all-discrete space, when each is to be evaluated once.
        self._finite = None if self.allow_repeats else FiniteSpace.of(space)
        self.max_batch = MAX_JOINT_BATCH if self._finite is None else MAX_BATCH  # a finite space: up to every point
        self._tried = None if self._finite is None else TakenConfigurations(self._finite)  # told, in any state
        self._initial = InitialDesign(space, self.seed, self._finite)
        self._data: list[tuple[np.ndarray, float]] = []  # completed trials: (x, loss)
        # Failed trials, (x, params): fitted below the worst loss where their configuration never completed.
        self._failed: list[tuple[np.ndarray, dict[str, Any]]] = []
        self._completed: set[tuple] = set()  # the configurations told with a loss (failures.configuration)
        self._stopped: list[np.ndarray] = []  # PRUNED trials told without a loss: never proposed again, not fitted
        self._fits = WarmFit()  # the GP's fit, and the hyperparameters the next one starts from
        self._next: tuple[tuple, Suggestion] | None = None  # (state key, the proposal made in it)
        self._cat_dims = [i for i, kind in enumerate(space.kinds) if kind == "categorical"]
        self._discrete = {i: bin_centres(p) for i, p in enumerate(space) if p.kind == "int"}
        self._categorical = {i: bin_centres(p) for i, p in enumerate(space) if p.kind == "categorical"}
        self._constraints = ConstraintModels()  # trials' constraint values, and their GPs (bayes.constrained)
        self._sources = WarmSources()  # related studies' trials: a prior mean (bayes.transfer)

    @property
    def initial_size(self) -> int:
        """How many completed trials the GP waits for (``n_initial`` or its default)."""
        return self._initial.size(self.n_initial, self._sources)

    def warm_start(self, sources: Any) -> None:
        """Learn from related studies' trials (see ``bayes.transfer``); before the first ask."""
        for source in sources:
            if source.dim != self.space.dim:
                raise fail("sources", f"{type(self).__name__}.warm_start",
                           f"sources over this space's {self.space.dim} coordinates",
                           f"{source.dim} in {source.name!r}")
        self._sources = WarmSources(sources)
        self._fits.fit = self._next = None

    _why_exhausted = TakenConfigurations.why_exhausted(repeats=True)

    @property
    def exhausted(self) -> bool:
        """True on a finite space (see ``allow_repeats``) once every configuration is taken."""
        return self._finite is not None and len(self._taken_keys()) >= self._finite.size

    # -- the optimizer hooks -------------------------------------------------------------------
    def _ask(self, rng: np.random.Generator) -> Suggestion:
        # propose() draws from this same per-ask stream (keyed by n_seen), so a proposal an app
        # already showed is the one asked, without optimizing the acquisition twice.
        suggestion = self.propose()
        if "gp_state" in suggestion.info:
            self._adopt_fit(cast(FittedGP, self._fits.fit))  # the fit _propose just used
        else:
            self._initial.mark_used(suggestion.info, self._sources)
        return suggestion

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        # Recorded only: which failures the GP fits (none whose configuration completed, whichever
        # came first) is decided when its data are built (TrainingData._fitted_failed).
        if loss is not None:
            self._data.append((trial.x.copy(), loss))
            self._completed.add(configuration(trial.params))
        elif fails(trial):  # not one cut short: untried
            self._failed.append((trial.x.copy(), dict(trial.params)))
        elif trial.state is TrialState.PRUNED:  # a person's Stop, a lower rung, a loss of several: taken only
            self._stopped.append(trial.x.copy())
        if self._tried is not None:
            self._tried.tell(trial)
        # Asked in this run: its fit is the one held. Else: replayed, told on a switch, carried.
        record = None if suggestion is not None else record_of(trial, self.name, self._fit_settings())
        self._constraints.tell(trial, loss is not None, record)
        if suggestion is None:
            self._take_recorded(trial, record)
        start: Any = trial.user_attrs.get("source_start")
        if trial.cut_short and trial.source == self.name and is_int(start):  # after a replay marked it used
            self._sources.ask_again(int(start))

    def _taken(self, trial: Trial) -> Suggestion | None:
        # Running in another process (or asked before a rebuild): as when told on replay.
        if trial.source != self.name:
            return None
        self._take_recorded(trial, record_of(trial, self.name, self._fit_settings()))
        return self._as_asked(trial)

    def _taken_keys(self, pending: np.ndarray | None = None) -> set[tuple[int, ...]]:
        """The configurations told or pending (on a finite space); ``pending`` (p, d): the pending
        points, if not only this optimizer's asks (:meth:`_pending_points`)."""
        assert self._finite is not None and self._tried is not None
        points = [s.x for s in self.pending] if pending is None else pending
        return self._tried.told | {self._finite.key(x) for x in points}

    def ask_batch(self, q: int) -> list[Suggestion]:
        """Propose ``q`` points at once, jointly (qLogNEI with the pending points), for parallel runs:
        at most :data:`MAX_JOINT_BATCH`, or on a finite space (see ``allow_repeats``) up to every
        configuration left."""
        q = self._batch_size(q)
        if self.exhausted or len(self._data) < self.initial_size or q == 1:  # exhausted: the base class says so
            return super().ask_batch(q)
        rng = self._stream(self.n_seen)
        fit = self._fitted(rng)
        seed = int(rng.integers(2**31))
        X, value = self._optimize(fit, seed, q=q, batch=True, pending=self._pending_points())
        name, value = self._recorded_acquisition(value, bool(self.pending), batch=True)
        self._adopt_fit(fit)
        info = self._info(fit, name, value, seed)
        return [self._register(Suggestion(x=x, info=info)) for x in X]

    # -- looking inside ----------------------------------------------------------------------------
    def propose(self, *, lengthscale_scale: float | None = None, elsewhere: np.ndarray | None = None,
                avoid: np.ndarray | None = None, **overrides: Any) -> Suggestion:
        """What :meth:`ask` would return next, or under other settings (``acquisition``, ``beta``,
        ``xi``, ``kernel``, ...), without changing this optimizer or the study.

        ``lengthscale_scale`` multiplies the fitted GP's lengthscales (no refit): what would be
        proposed if the model believed the objective smoother (> 1) or wigglier (< 1)?
        ``elsewhere``, shape (m, d) in the unit cube: configurations under way that this
        optimizer is not told of (a scheduler's, at other budgets); pending, as its own asks are
        (unless ``allow_repeats``): the proposal is none of them, and moves away from them.
        ``avoid``, shape (k, d): configurations started elsewhere that will never be told here
        (a scheduler's, stopped below this budget): not pending, whose cost grows with their
        number, but never proposed again (as those told; unless ``allow_repeats``).
        Without what-ifs the proposal is kept until the data (or ``elsewhere``, ``avoid``)
        change, and the next ask returns it.
        """
        if self.exhausted:  # as ask says it (a bare ValueError or IndexError, from the draw of nothing left)
            raise self.exhausted_error()
        owner = f"{type(self).__name__}.propose"
        avoid = None if avoid is None else unit_rows(avoid, self.space.dim, "avoid", owner)
        if overrides or lengthscale_scale is not None:
            variant = self._variant(overrides, owner, lengthscale_scale)
            return variant._propose(self._stream(self.n_seen), variant._pending_points(elsewhere), avoid)
        pending = self._pending_points(elsewhere)
        key = (self.n_seen, self._n_data(), self._fits.source, pending.tobytes(),
               None if avoid is None else avoid.tobytes())
        if self._next is None or self._next[0] != key:
            self._next = (key, self._propose(self._stream(self.n_seen), pending, avoid))
        return self._next[1]

    # -- internals -----------------------------------------------------------------------------------
    def _propose(self, rng: np.random.Generator, pending: np.ndarray, avoid: np.ndarray | None = None) -> Suggestion:
        """The proposal from this ask's stream ``rng``, with these ``pending`` points (p, d), none
        of the points ``avoid`` (k, d) either (:meth:`propose`)."""
        if len(self._data) < self.initial_size:
            taken = self._taken_keys() if self._finite is not None else \
                None if self.allow_repeats else self._taken_points(pending, avoid)
            return self._initial.point(rng, self._sources, taken)
        fit = self._fitted(rng)
        seed = int(rng.integers(2**31))
        X, value = self._optimize(fit, seed, q=1, batch=False, pending=pending, avoid=avoid)
        name, value = self._recorded_acquisition(value, len(pending) > 0)
        return Suggestion(x=X[0], info=self._info(fit, name, value, seed))

    def _recorded_acquisition(self, value: float, pending: bool, batch: bool = False) -> tuple[str, float]:
        """The acquisition's name and value (in objective units) a proposal records; ``pending``:
        made with pending points; ``batch``: for a joint batch of proposals."""
        name = self._constraints.name(self.acquisition, pending, batch)
        return name, float(acq.in_objective_units(name, value, acquisition_scale(self._warp(), self._factor()),
                                                  self._constraints.feasibility_only(self._arrays()[1])))

    def _optimize(self, fit: FittedGP, seed: int, q: int, batch: bool, pending: np.ndarray,
                  avoid: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """The acquisition's best ``q`` points, shape (q, d), and its value, with ``pending`` (p, d),
        none of them nor of ``avoid`` (k, d) unless ``allow_repeats``."""
        taken = pending if avoid is None else np.vstack([pending, avoid])
        with torch.random.fork_rng(), one_thread():  # as in _fitted: proposals whatever the thread count
            torch.manual_seed(seed)
            acquisition = self._acquisition(fit.model, seed, pending, batch)
            if self.space.conditional:  # searched where each point lands: inactive coordinates ignored
                acquisition = ActiveOnly(acquisition, self.space)
            choices = None
            if self._finite is not None:
                choices = self._finite.untaken(self._taken_keys(taken))
                if len(choices) < q:  # the rest is under way elsewhere: one of those then
                    choices = self._finite.untaken(self._taken_keys())
            exclude = None if self.allow_repeats or choices is not None else self._taken_points(pending, avoid)
            return acq.optimize(acquisition, self.space.dim, q, self._discrete, self._categorical, seed,
                                self.raw_samples, self.num_restarts, start=self._start(), choices=choices,
                                exclude=exclude, canonical=self.space.canonical if self.space.conditional else None)

    def _acquisition(self, model: Any, seed: int, pending: np.ndarray | None = None, batch: bool = False) -> Any:
        """The BoTorch acquisition object; call under ``torch.random.fork_rng`` seeded with ``seed``."""
        if self._constraints.active:  # the trials carry constraints: feasibility-weighted (bayes.constrained)
            return self._constraints.single_objective(self, model, seed, _tensor(pending), batch)
        X, y = self._arrays()
        return acq.build_acquisition(
            self.acquisition, model, self._acq_settings(y), X_train=torch.as_tensor(X, dtype=DTYPE),
            pending=None if pending is None else torch.as_tensor(pending, dtype=DTYPE), batch=batch, seed=seed,
            snap=self.space.snap)

    def _acq_settings(self, y: np.ndarray) -> dict[str, float]:
        scale = float(np.std(y)) if len(y) > 1 and np.std(y) > 0 else 1.0
        return {"best": float(np.max(y)), "scale": scale, "beta": self.beta, "xi": self.xi}

def _tensor(points: np.ndarray | None) -> Any:
    return None if points is None else torch.as_tensor(points, dtype=DTYPE)
