"""What the multi-fidelity schedulers share: successive halving, Hyperband and ASHA (the three
are in :mod:`.schedulers`).

Each ask is a *job*: a configuration at a budget (``Suggestion.budget``; the study passes it
to the objective as ``budget=``). A configuration starts at the smallest budget; the best
``1 / reduction_factor`` of each rung are promoted, that is, evaluated again at
``reduction_factor`` times the budget, up to ``max_budget``. Every job is its own trial, and
``trial.user_attrs`` names its configuration, bracket and rung, so a configuration's learning
curve over budgets is the trials that share its ``config``. In a study with constraints "best"
follows Deb's feasibility rules (:mod:`~interactive_hpo.optimizers.feasibility`): a rung
promotes its feasible configurations first, then infeasible ones by total violation.

- :class:`~.schedulers.SuccessiveHalving` (Jamieson & Talwalkar, 2016) runs one bracket after another,
  synchronously: a rung's promotions are decided once all of its jobs are in, so parallel
  workers wait at the end of each rung (``waiting`` is True then).
- :class:`~.schedulers.Hyperband` (Li et al., 2018) cycles through brackets that trade many cheap
  configurations against few expensive ones (see :func:`hyperband_brackets`).
- :class:`~.schedulers.ASHA` (Li et al., 2020) promotes asynchronously: a job is always available, either
  a promotion out of the top ``1 / eta`` of a rung's results so far, or a new configuration.

New configurations are drawn at random, or with ``sampler="bo"`` (BOHB-style, Falkner et al.,
2018) proposed by a Gaussian-process model of the largest budget that has enough results,
except for a ``random_fraction`` of them, which stay random. That model proposes none of the
configurations started again, nor one next to one it was not told: the jobs running and the
configurations started since its newest result (at most :data:`.sampling.MAX_PENDING`) are
pending for it, as parallel asks are for plain BO; the others are excluded (pending, hundreds of
them made each proposal cost seconds, and one stopped below its budget will never be told to it).

The rungs are ``max_budget * reduction_factor**-k`` (Li et al.): a ``min_budget`` between two
of them is rounded up to the next, with a warning; one that leaves a single rung is refused.

A person can override a promotion (:meth:`Study.promote`, :meth:`Study.stop`; :mod:`.overrides`); the
scheduler keeps its own decision beside the person's in :meth:`HalvingScheduler.rung_table`.

A job a person stopped (Ctrl-C, the Lab's Stop: :attr:`Trial.cut_short`) runs again at the next ask, and
one its process stopped on (a kill: :attr:`Trial.untried`) once; a crash, a timeout, a lost worker or a
second such kill is its configuration's failure (loss inf). A pruned job ranks by its last report.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections import deque
from typing import Any

import numpy as np

from ..._validation import check_one_of, check_real
from ...space import SearchSpace
from ...trial import Trial, TrialState, carried_from
from ..base import Optimizer, Suggestion
from ..capabilities import MultiObjective, Scheduler
from ..feasibility import violation_of
from ..finite import FiniteSpace
from .ladder import checked_budgets, checked_rungs, on_rung
from .overrides import PromotionOverrides
from .rungs import Bracket, Job
from .sampling import proposal, unstarted

__all__ = ["HalvingScheduler"]

SAMPLERS = ("random", "bo")
#: ``max_budget / DEFAULT_RANGE`` is the smallest budget when none is given: three rungs below the full
#: budget at reduction factor 3, Hyperband's R = 27 (Li et al.) in any units. It was 1/27 whatever
#: max_budget was: max_budget=27 epochs started 729 configurations at 0.037 epochs, int(budget) = 0.
DEFAULT_RANGE = 27


class HalvingScheduler(PromotionOverrides, Optimizer, Scheduler, MultiObjective):
    """What the three schedulers share: jobs, rungs, promotions, overrides, and the sampler.

    In a study of several objectives a rung's best are those first in NSGA-II's order (Pareto
    front, then crowding distance: :meth:`Bracket.ranked`), and ``sampler="bo"`` models each
    budget with ParEGO instead of one GP.

    Parameters
    ----------
    space : SearchSpace
    min_budget, max_budget : float, default ``max_budget / 27`` and 1.0
        The smallest and the full budget, ``0 < min_budget <= max_budget / reduction_factor``
        (two rungs at least; their ratio a finite float), in the objective's units (a fraction
        of the data in (0, 1] for ``SklearnCV``; epochs for a training loop).
        The rung budgets (:attr:`budgets`) are ``max_budget * reduction_factor**-k`` for
        ``k = 0, 1, ...`` while ``>= min_budget``: new configurations start at the smallest,
        which is ``min_budget`` only when ``max_budget / min_budget`` is a power of
        ``reduction_factor`` (otherwise a ``UserWarning`` names the rungs: ``min_budget=0.2``
        starts at 1/3). Without ``min_budget`` the ratio is 27 whatever the units: ``max_budget=27``
        (epochs) has the rungs 1, 3, 9 and 27, ``max_budget=1`` 1/27 to 1 (and no warning at another
        ``reduction_factor``: 1/16 to 1 at 2).
    reduction_factor : int, default=3
        Keep the best ``1 / reduction_factor`` of each rung; budgets grow by this factor.
    sampler : {"random", "bo"}, default="random"
        How new configurations are drawn; "bo" needs the ``bo`` extra (BoTorch). The GP's
        proposals are none of the configurations started already (while a finite space has any
        other left) and at least :data:`.sampling.MIN_GAP` from each not told to it, with the
        jobs running and up to :data:`.sampling.MAX_PENDING` configurations started since its
        newest result as pending points (qLogNEI).
    random_fraction : float, default=1/3
        With ``sampler="bo"``: the share of new configurations drawn at random anyway.
    seed : int, numpy.random.Generator or None
    """

    def __init__(self, space: SearchSpace, *, min_budget: float | None = None, max_budget: float = 1.0,
                 reduction_factor: int = 3, sampler: str = "random", random_fraction: float = 1 / 3,
                 seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        owner = type(self).__name__
        self._min_given = min_budget is not None  # else the default: not a person's choice
        if min_budget is None:
            min_budget = check_real(max_budget, "max_budget", owner, 0, None, low_open=True) / DEFAULT_RANGE
        self.min_budget: float
        self.min_budget, self.max_budget, self.reduction_factor = checked_budgets(
            owner, min_budget, max_budget, reduction_factor)
        self.sampler = check_one_of(sampler, "sampler", owner, SAMPLERS)
        self.random_fraction = check_real(random_fraction, "random_fraction", owner, 0, 1)
        self.budgets = checked_rungs(owner, self.min_budget, self.max_budget, self.reduction_factor,
                                     typed=min_budget if self._min_given else None)
        self._configs: dict[int, np.ndarray] = {}
        self._brackets: list[Bracket] = []
        self._ready: deque[Job] = deque()  # promotions decided, and stopped jobs to run again, not yet asked
        self._stopped_once: set[Job] = set()  # jobs a process stopped on (a kill), handed out again
        self._models: dict[float, Any] = {}  # sampler="bo": one GP per budget
        self._told: dict[float, set[int]] = {}  # sampler="bo": per budget, the configs told to its GP
        if self.sampler == "bo":
            from ..bayes.optimizer import GaussianProcessBO  # fails early, with the extra to install

            self._model_class: type[GaussianProcessBO] = GaussianProcessBO
        # sampler="bo" on a small all-discrete space: its random draws are new configurations too.
        self._finite = FiniteSpace.of(space) if self.sampler == "bo" else None
        self._started: dict[int, tuple[int, ...]] = {}  # config number -> its key in _finite (sampling.unstarted)

    @property
    def lowest_budget(self) -> float:
        return float(self.budgets[0])  # a min_budget off the ladder starts its jobs at the rung above it

    def settings(self) -> dict[str, Any]:
        """:meth:`Optimizer.settings`, ``min_budget`` None when it was not given: rebuilt, or with
        another ``max_budget`` (the Lab's form, a switch), it is ``max_budget / 27`` again. Given on
        a rung (:func:`.ladder.on_rung`: a float32 1/27) it is that rung exactly, which a journal's
        rule (:data:`.ladder.RECORDED_SLACK`) reads as the same rung; off the ladder, as given. A
        journal an earlier version wrote records the number (1/27 then), which rebuilds its rungs."""
        if not self._min_given:
            min_budget = None
        elif on_rung(self.budgets[0], self.min_budget):
            min_budget = float(self.budgets[0])
        else:
            min_budget = self.min_budget
        return {**super().settings(), "min_budget": min_budget}

    # -- what subclasses decide ---------------------------------------------------------------
    @abstractmethod
    def _new_bracket(self, index: int) -> Bracket:
        """Bracket number ``index`` of this scheduler's run."""

    # -- the optimizer hooks -------------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        """True when no job can start before running jobs report (synchronous halving only)."""
        return self._next_job() is None

    _why_waiting = "promotions out of a rung are decided when all its jobs report (ASHA never waits)"
    ranks_pruned = True  # a job a pruner stopped ranks in its rung by its last report

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        job = self._next_job()
        assert job is not None  # Optimizer.ask raises its waiting_error when no job can start
        if job.config not in self._configs:  # a new configuration, kept as the trial will record it
            self._configs[job.config] = self.space.snap(self._sample(rng))
        elif self._ready and self._ready[0] == job:
            self._ready.popleft()
        bracket = self._brackets[job.bracket]
        self._note_promotion(bracket, job)
        bracket.enter(job.config, job.rung)
        return Suggestion(x=self._configs[job.config], budget=bracket.budgets[job.rung], info=job.info())

    def _tell(self, trial: Trial, loss: float | np.ndarray | None, suggestion: Suggestion | None) -> None:
        job = Job.of(suggestion.info) if suggestion is not None else self._replayed_job(trial)
        if self.sampler == "bo" and loss is not None and trial.state is TrialState.COMPLETE:  # not pruned
            if np.ndim(loss) and not self._models:  # the first result says how many objectives there are
                from ..bayes.parego import ParEGO

                self._model_class = ParEGO
            budget = self.max_budget if trial.budget is None else trial.budget
            self._model(budget).tell(trial, loss)
            if job is not None:
                self._told.setdefault(budget, set()).add(job.config)
        if job is None:
            return  # not one of our jobs (a manual trial, another optimizer's): no rung to put it in
        bracket = self._place(trial, job)
        if trial.cut_short or (trial.untried and job not in self._stopped_once):
            # Scored inf, the best configuration was dropped for good. A person's stop says nothing
            # of it, however often; a process that stopped on it twice may be its doing (Trial.untried).
            if not trial.cut_short:
                self._stopped_once.add(job)
            bracket.enter(job.config, job.rung)
            self._ready.appendleft(job)
            return
        self._score(bracket, job, loss, trial)

    def _score(self, bracket: Bracket, job: Job, loss: float | np.ndarray | None, trial: Trial) -> None:
        """Put ``trial``'s result (None: inf) in ``job``'s rung, and queue what it promotes."""
        bracket.finish(job, math.inf if loss is None else float(loss) if np.ndim(loss) == 0 else
                       tuple(float(v) for v in np.ravel(loss)), trial.number, violation_of(trial.constraints))
        if bracket.sizes is not None:
            self._ready.extend(Job(c, job.bracket, job.rung + 1) for c in bracket.decide())

    def _taken(self, trial: Trial) -> Suggestion | None:
        """A job another process runs takes its place now, as when told: neither its configuration's
        number nor its promotion is handed out again. None for a trial that is no job of ours."""
        job = self._replayed_job(trial)
        if job is None:
            return None
        self._place(trial, job).enter(job.config, job.rung)
        return Suggestion(x=np.array(trial.x), budget=trial.budget, info=job.info())

    def _place(self, trial: Trial, job: Job) -> Bracket:
        """The bracket of ``trial``'s ``job``, its configuration known, the job not queued, its promotion noted."""
        while len(self._brackets) <= job.bracket:  # a replay reaches brackets in order
            self._brackets.append(self._new_bracket(len(self._brackets)))
        self._configs.setdefault(job.config, trial.x.copy())
        if job in self._ready:
            self._ready.remove(job)
        bracket = self._brackets[job.bracket]
        self._note_promotion(bracket, job)
        return bracket

    def _replayed_job(self, trial: Trial) -> Job | None:
        """The job a trial this scheduler did not ask records, if it is one of its rungs' (a
        replay, a switch back to the same scheduler): asked under this name, in a bracket at most
        one past those known (a bracket starts when the one before it is done, so a replay meets
        them in order), at one of that bracket's rungs and at its budget. None for any other: one
        of a scheduler with other budgets, or attributes that name no rung of this one. A trial a
        fork or remap carried from a scheduler of this name is read from the record it had there,
        so the branch promotes the study's configurations instead of starting over."""
        record = trial.user_attrs if trial.source == self.name else carried_from(trial, self.name)
        job = None if record is None else Job.of(record)
        if job is None or min(job.config, job.bracket, job.rung) < 0 or \
                job.bracket > len(self._brackets) or trial.budget is None:
            return None
        bracket = self._brackets[job.bracket] if job.bracket < len(self._brackets) else \
            self._new_bracket(job.bracket)
        if job.rung >= len(bracket.budgets) or not math.isclose(trial.budget, bracket.budgets[job.rung]):
            return None
        return job

    def _note_promotion(self, bracket: Bracket, job: Job) -> None:
        """:meth:`Bracket.ran`: a job says its configuration was promoted into its rung; a promotion
        of the rule's that this one displaced is no longer queued."""
        queued = [j.config for j in self._ready if j.bracket == job.bracket and j.rung == job.rung]
        displaced = bracket.ran(job, queued)
        if displaced is not None:
            self._ready.remove(Job(displaced, job.bracket, job.rung))

    # -- looking inside ---------------------------------------------------------------------------
    def rung_table(self) -> list[dict[str, Any]]:
        """Every (bracket, rung, configuration) so far, as rows (``pandas.DataFrame(rows)`` works).

        Columns: ``bracket``, ``rung``, ``budget``, ``config``, ``number`` (the trial of the
        finished job, or None while queued or running), ``loss`` (NaN until finished; inf for a
        failed job; a pruned job's last report; the first objective's with several), ``violation``
        (the job's total constraint violation, 0 when met; NaN until finished, when failed, or when
        the job reported no constraints: a rung promotes feasible configurations first, then
        infeasible ones by violation, then those of unknown feasibility, so a promotion may pass
        over a lower loss), ``scheduler`` and ``human`` ("promote", "stop" or None: not decided;
        ASHA records its promotions but never says "stop", since a later promotion is always possible).
        """
        return [row for bracket in self._brackets for row in bracket.rows()]

    def configurations(self) -> dict[int, np.ndarray]:
        """Each configuration's unit-cube point, shape (d,), by config number."""
        return {c: x.copy() for c, x in self._configs.items()}

    # -- internals ------------------------------------------------------------------------------
    def _current(self) -> Bracket:
        if not self._brackets or self._brackets[-1].finished:
            self._brackets.append(self._new_bracket(len(self._brackets)))
        return self._brackets[-1]

    def _next_job(self) -> Job | None:
        """The job the next ask hands out, or None if it must wait.

        Only bookkeeping changes: a finished bracket is followed by the next one.
        """
        if self._ready:
            return self._ready[0]
        bracket = self._current()
        if bracket.sizes is None:
            found = bracket.promotable()
            if found is not None:
                return Job(found[0], bracket.index, found[1] + 1)
        elif len(bracket.entered[0]) >= bracket.sizes[0]:
            return None
        # After the highest number known: a remap leaves out configurations outside its space,
        # and a resume does not know those others are evaluating, so len() named a known one.
        return Job(max(self._configs, default=-1) + 1, bracket.index, 0)

    def _sample(self, rng: np.random.Generator) -> np.ndarray:
        """A new configuration: random, or the GP's proposal at the largest budget with enough data.

        The GP is told only the results at its budget, so while other rungs run its data, and
        so its proposal, stay the same: one point was started again and again (5 of a Hyperband
        bracket's 9 new configurations on Branin). :func:`.sampling.proposal` keeps it from every
        configuration started.
        """
        explore = rng.random() < self.random_fraction
        x = unstarted(self._finite, self._configs, self._started, rng.random(self.space.dim), rng)
        if self.sampler == "random" or explore:
            return x
        for budget in sorted(self._models, reverse=True):
            model = self._models[budget]
            if model.n_seen >= model.initial_size and not model.exhausted:  # exhausted: a finite space all told
                return proposal(model, self._configs, self._told.get(budget, set()),
                                np.array([s.x for s in self.pending]).reshape(-1, self.space.dim), x)
        return x

    def _model(self, budget: float) -> Any:
        if budget not in self._models:
            self._models[budget] = self._model_class(self.space, n_initial=self.space.dim + 2,
                                                     seed=self.seed + len(self._models))
        return self._models[budget]
