"""Our optimizers as an Optuna sampler: ``optuna.create_study(sampler=IHPOSampler("bo"))``.

Modelled on Optuna's ``GPSampler`` (``optuna/samplers/_gp/sampler.py``): the parameters every
finished trial shares with the same distribution (Optuna's ``IntersectionSearchSpace``) are
proposed together by our optimizer (*relative* sampling); the others (conditional parameters,
stepped ranges, ranges of one value, and every parameter of the first trial) are drawn at random
by Optuna's ``RandomSampler`` with the same seed (*independent* sampling).

Each proposal rebuilds the optimizer from its settings and seed and tells it the study's trials
in number order: COMPLETE ones with their loss (``-value`` when maximizing; a non-finite value
or constraint counts as FAILED), PRUNED ones with their last report's loss to an optimizer that
ranks pruned trials by it (``"bo"``, as a study tells it: ``study.learnt``), FAIL and other
PRUNED ones as such, RUNNING ones (other workers') as pending. An optimizer's state being a
function of what it was told (DESIGN.md section 2), this is what an optimizer kept alive would
know, and it holds for trials added or changed behind its back. The proposals this sampler made
(:attr:`IHPOSampler.proposals`: their params and what the optimizer recorded with them, such as
the GP's fitted hyperparameters and the position in the initial design) are told as the
optimizer's own, as a journal replay tells them, so the initial design goes on where it stopped
and the GP fit starts from the last one. They live in this
sampler object, by study (one sampler can serve several studies, each as a new sampler would:
two studies of one name, or a study deleted and created again, are two), and in each trial's
system attribute "ihpo:proposal" with the sampler's repr: a sampler with the same optimizer, seed
and settings (another process's on the same storage, or a new one on a resumed study) takes them
as its own too; another sampler's trials are data from elsewhere. A trial that ran elsewhere than
its proposal (``enqueue_trial`` fixed some of its params) is data from elsewhere too.

Several workers. Optuna's threads (``n_jobs > 1``) share the sampler: rebuilding, asking and
storing one trial's proposal is one step under its lock, so the trial is pending for the next
thread (without it, 4 to 11 of 40 trials of "random" and "sobol" repeated a configuration with
``n_jobs=4``). Processes sharing one storage (``optuna.load_study`` in each) have a sampler each,
and no lock spans them: a trial whose proposal another process has not written yet is unknown,
so two processes sampling at the same moment can propose the same point (two processes of
"sobol" with one seed, 40 trials of 0.05 to 0.3 s: 3 repeated configurations, 19 before the
proposals were written to the trials). The first trial of each is drawn by Optuna's
``RandomSampler`` with the seed: processes started together on an empty study with one seed begin
with the same configuration, as Optuna's own seeded samplers do.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from optuna.distributions import BaseDistribution
from optuna.samplers import BaseSampler, RandomSampler
from optuna.search_space import IntersectionSearchSpace
from optuna.study import Study as OptunaStudy
from optuna.trial import FrozenTrial
from optuna.trial import TrialState as OptunaState

from .._validation import fail, seed_to_int
from ..direction import Direction
from ..exceptions import InvalidParameterError, SearchExhausted
from ..goals import Goals
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import MultiObjective, ReissuesWaitingStep, Scheduler
from ..optimizers.hypergradient import GRADIENT_ATTR
from ..optimizers.registry import (
    available_optimizers,
    check_settings,
    make_optimizer,
    optimizer_class,
    optimizers_serving_several,
)
from ..parameters import Float
from ..space import SearchSpace
from ..study.learnt import tell
from ..study.results import FULL_BUDGET
from ..trial import Trial, TrialState
from .optuna_constraints import check_constraint_names, constraint_values, unmeasured_constraint
from .optuna_notices import PROPOSAL_KEY
from .optuna_space import maps_exactly, parameter_of
from .optuna_study import SOURCE

__all__ = ["IHPOSampler"]

_STATES = {OptunaState.COMPLETE: TrialState.COMPLETE, OptunaState.PRUNED: TrialState.PRUNED,
           OptunaState.FAIL: TrialState.FAILED, OptunaState.RUNNING: TrialState.RUNNING}


@dataclass
class _StudyRecord:
    """What an :class:`IHPOSampler` keeps of one study.

    Attributes
    ----------
    intersection : IntersectionSearchSpace
        Optuna's cache of the trials read: it refuses (or, in memory, silently mixes up) a second study.
    proposals : dict of int to (dict, dict)
        By Optuna trial number: the params proposed and what the optimizer recorded with them.
    """

    intersection: IntersectionSearchSpace = field(default_factory=IntersectionSearchSpace)
    proposals: dict[int, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)


class IHPOSampler(BaseSampler):
    """One of our optimizers (the Gaussian-process BO by default) proposing an Optuna study's trials.

    Parameters
    ----------
    optimizer : str
        A registered optimizer (``available_optimizers()``): "bo", "sobol", "cmaes", ...; for a
        study of several objectives one that serves them ("parego", "ehvi", "nsga2", "random").
        Not a multi-fidelity scheduler ("asha", "halving", "hyperband"): Optuna's trials have
        no budget (its pruners play that part). "hypergradient" reads the gradient an
        objective stores with ``trial.set_user_attr("hypergradient", {name: gradient})``.
    seed : int, optional
        Seeds the optimizer and the random sampler of the other parameters: the same seed gives
        the same trials.
    **settings
        The optimizer's settings (``n_initial=5`` for "bo"), checked here. Not Optuna's
        ``constraints_func``: the constraints the objective measures with
        ``trial.set_constraint`` are read from the trials.

    Examples
    --------
    >>> import optuna
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> study = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=6)
    >>> sorted(study.sampler.proposals)   # the first trial is drawn at random: nothing is known yet
    [1, 2, 3, 4, 5]
    """

    def __init__(self, optimizer: str = "bo", *, seed: int | None = None, **settings: Any):
        owner = "IHPOSampler"
        if not isinstance(optimizer, str) or optimizer not in available_optimizers():
            raise fail("optimizer", owner, f"one of {available_optimizers()}", optimizer)
        if issubclass(optimizer_class(optimizer), Scheduler):
            # Its jobs are (configuration, budget) and a promotion is the same configuration at a
            # larger budget: with the budget dropped, Optuna would evaluate it again for nothing.
            raise fail("optimizer", owner, "an optimizer whose proposals are configurations only (not a "
                       "multi-fidelity scheduler)", optimizer,
                       hint="Optuna's trials have no budget to run a job at. Use an Optuna pruner "
                            "(optuna.pruners.SuccessiveHalvingPruner, HyperbandPruner) with trial.report, or "
                            "run the scheduler in our Study with interop.optuna_objective(objective).")
        if "constraints_func" in settings:  # Optuna's samplers take it: say where constraints come from here
            raise fail("constraints_func", owner, "left out (Optuna 5 deprecates it)", settings["constraints_func"],
                       hint="Measure the constraints in the objective with trial.set_constraint(name, value): "
                            "IHPOSampler reads them from the trials (at most 0 is feasible), as Optuna's samplers do.")
        self.optimizer = optimizer
        self.seed = seed_to_int(seed, owner)
        self.settings = dict(settings)
        check_settings(optimizer, self.settings, argument="optimizer", owner=owner, seed_apart=True)(
            SearchSpace([Float("probe", 0.0, 1.0)]), seed=self.seed, **self.settings)
        self._independent = RandomSampler(seed=self.seed % 2**32)
        # What this sampler keeps of each study it samples for (see _StudyRecord), by the Study object
        # Optuna hands it: a study's name or id does not tell two studies apart (two in memory are
        # both study 0 of their storage; SQLite gives a study deleted and created again under its
        # name the old one's id), an object does.
        # Held weakly, so a study let go is let go here too, and no other object takes its place.
        self._studies: weakref.WeakKeyDictionary[OptunaStudy, _StudyRecord] = weakref.WeakKeyDictionary()
        # The proposals of the study this sampler last sampled for (``proposals``).
        self._last: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        # Optuna's threads (n_jobs > 1) sample at once: see sample_relative.
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # A lock cannot be copied or pickled (copy.deepcopy of the sampler, a Dask worker's copy):
        # each copy gets its own. Nor can the weak references to the studies: a copy starts afresh
        # in each study, as a new sampler on a resumed study does (the proposals stored in its
        # trials are its own), and keeps ``proposals``.
        return {key: value for key, value in self.__dict__.items() if key not in ("_lock", "_studies")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._studies = weakref.WeakKeyDictionary()

    @property
    def proposals(self) -> dict[int, dict[str, Any]]:
        """What the optimizer recorded with each proposal it made in the study it last sampled
        for, by Optuna trial number (``"phase"``: "initial" or "bo", the acquisition value, ...): a copy."""
        # list() copies in one step: with n_jobs > 1 another thread may add a proposal meanwhile.
        return {number: dict(info) for number, (_, info) in list(self._last.items())}

    def _record(self, study: OptunaStudy) -> _StudyRecord:
        """What this sampler keeps of ``study`` (under the lock), made the first time it samples for it.

        Optuna's ``HyperbandPruner`` hands the sampler a new view of the study for each trial (its
        bracket's trials, the study itself as ``_study``): kept by that view, the record lasted one
        trial, and ``proposals`` held the last proposal alone (review r424)."""
        study = getattr(study, "_study", study)
        record = self._studies.get(study)
        if record is None:
            record = self._studies[study] = _StudyRecord()
        return record

    def _proposals(self, study: OptunaStudy) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
        """The proposals made for ``study`` (a sampler shared by two studies must not take one's
        trial 3 for the other's)."""
        self._last = self._record(study).proposals
        return self._last

    def infer_relative_search_space(self, study: OptunaStudy, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        """The parameters every finished trial has with one distribution that our spaces hold
        exactly (no step, more than one value, a name that is not blank), as Optuna's GPSampler
        takes them."""
        with self._lock:  # its cache of the trials read is updated in place: one thread at a time
            space = self._record(study).intersection.calculate(study)
            return {name: d for name, d in space.items() if maps_exactly(name, d)}

    def sample_relative(self, study: OptunaStudy, trial: FrozenTrial,
                        search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        """The optimizer's proposal for the parameters of ``search_space`` (empty before the first finished
        trial, and while the optimizer waits for results: Optuna samples them at random; one that declares
        ``ReissuesWaitingStep``, a descent waiting for its step's result, hands that step out again)."""
        if not search_space:
            return {}
        # Rebuild, ask and store the proposal as one step for this sampler's threads (n_jobs > 1):
        # a trial whose proposal is not stored yet has no params either, so another thread's rebuilt
        # optimizer did not know it and proposed the same point (a403: 4 to 11 repeated
        # configurations in 40 trials of "random" and "sobol" with n_jobs=4). Stored before the
        # lock is released, it is pending for the next thread. Processes sharing a storage each
        # have their own sampler: see the module docstring.
        with self._lock:
            return self._proposed(study, trial, search_space)

    def _proposed(self, study: OptunaStudy, trial: FrozenTrial,
                  search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        """The body of :meth:`sample_relative`, under its lock: the proposal, stored."""
        space = SearchSpace([parameter_of(name, d, owner="IHPOSampler") for name, d in search_space.items()])
        goals = self._goals(study)
        optimizer = self._rebuilt(space, search_space, goals, study, trial.number)
        if optimizer.waiting and not isinstance(optimizer, ReissuesWaitingStep):
            return {}  # what it waits for still running (n_jobs > 1): its ask would refuse
        try:
            # A descent is sequential: with n_jobs > 1 another worker evaluates its step in progress
            # again (it declares ReissuesWaitingStep). Optuna's random point instead moved the descent
            # there when told: 1 of 30 trials its own, best 1.8 where one worker reached 0.0 (review-154).
            suggestion = optimizer.own_pending[-1] if optimizer.waiting else optimizer.ask()
        except SearchExhausted:  # every configuration of a finite space taken: Optuna's random sampling goes on
            return {}
        params = space.from_unit(suggestion.x)
        self._proposals(study)[trial.number] = (params, dict(suggestion.info))
        # In the trial too, for the samplers of other processes sharing the storage (see the module
        # docstring). Optuna's own samplers write their records this way (GPSampler, CmaEsSampler).
        study._storage.set_trial_system_attr(trial._trial_id, PROPOSAL_KEY,
                                             {"sampler": repr(self), "params": params, "info": dict(suggestion.info)})
        return params

    def _rebuilt(self, space: SearchSpace, search_space: dict[str, BaseDistribution], goals: Goals,
                 study: OptunaStudy, number: int) -> Optimizer:
        """A fresh optimizer told every trial of ``study`` over ``space`` (Optuna's ``search_space``)
        but trial ``number``."""
        optimizer = make_optimizer(self.optimizer, space, seed=self.seed, **self.settings)
        self._check_serves(goals, type(optimizer))
        running = []
        proposals = self._proposals(study)
        trials = study.get_trials(deepcopy=False)
        check_constraint_names(trials, OptunaState.COMPLETE, "study", "IHPOSampler",
                               "Measure the same constraints in every trial (trial.set_constraint(name, value) "
                               "with the same names), in a new study: this one's trials stay as they are.")
        for other in trials:
            ours = None if other.number == number else self._trial(
                other, space, search_space, goals, proposals.get(other.number) or self._stored(other))
            if ours is None:
                continue
            if ours.state is TrialState.RUNNING:
                running.append(ours)
            else:  # as a study tells it: a PRUNED trial's last report is its loss where the optimizer ranks it
                tell(optimizer, goals, ours, FULL_BUDGET)
        for ours in running:  # pending, after every finished one: the order does not depend on timing
            optimizer.note_running(ours)
        return optimizer

    def _stored(self, other: FrozenTrial) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The proposal a sampler like this one (same optimizer, seed and settings: another
        process's, or this one's before a restart) wrote in ``other`` (None: none)."""
        stored = other.system_attrs.get(PROPOSAL_KEY)
        if not isinstance(stored, dict) or stored.get("sampler") != repr(self) \
                or not all(isinstance(stored.get(part), dict) for part in ("params", "info")):
            return None  # none, another sampler's, or not one we wrote (set by hand)
        return dict(stored["params"]), dict(stored["info"])

    def _trial(self, other: FrozenTrial, space: SearchSpace, search_space: dict[str, BaseDistribution],
               goals: Goals, proposal: tuple[dict[str, Any], dict[str, Any]] | None) -> Trial | None:
        """An Optuna trial as ours over ``space``, or None if it has no values there (WAITING, other
        distributions, or a value outside its range). A trial this sampler proposed that lacks some
        parameters of ``space`` has its proposal's values for them: RUNNING, what it will suggest
        unless fixed; finished (FAIL or PRUNED: ``space`` is read off the COMPLETE trials), those it
        never suggested (raised first, or inactive on the branch it took), so the optimizer learns
        of every trial it proposed (left out, it proposed the same point again).
        A finished one counts as proposed only if it ran at the proposal (not at enqueued params)."""
        state = _STATES.get(other.state)
        if state is None:  # WAITING: not run yet
            return None
        proposed, info = proposal if proposal is not None else (None, {})
        fits = all(other.distributions.get(name) == d for name, d in search_space.items())
        # Those it suggested with the distribution of ``space``; the proposal stands for the others.
        fits_so_far = all(other.distributions.get(name, d) == d for name, d in search_space.items())
        if (state is TrialState.RUNNING or (not fits and fits_so_far)) and proposed is not None \
                and all(name in proposed for name in search_space):
            params = {name: other.params.get(name, proposed[name]) for name in search_space}
        elif fits:
            params = {name: other.params[name] for name in search_space}
        else:
            return None
        try:
            x = space.to_unit(params)
        except InvalidParameterError:  # Optuna runs an enqueued value outside the range (with a warning)
            return None
        if proposed is not None and any(proposed.get(name, value) != value for name, value in params.items()):
            proposed, info = None, {}  # enqueue_trial fixed other values: not this optimizer's point
        values: tuple[float, ...] | None = None
        attrs = dict(_with_gradient(info, other.user_attrs))  # a copy: info is the proposal record kept
        if state is TrialState.PRUNED and not goals.multi:  # as a study keeps a pruned trial (study.learnt):
            reported = [float(v) for _, v in sorted(other.intermediate_values.items()) if math.isfinite(v)]
            if reported:
                values = (reported[-1],)  # its last finite report, the loss it is ranked by
            elif not other.intermediate_values:  # pruned before any report: its objective refused it
                attrs["pruned_by"] = "objective"
        if state is TrialState.COMPLETE:
            values = tuple(float(v) for v in other.values)
            # An infinite value: no loss to learn from; an infinite constraint: none to model.
            if not all(math.isfinite(v) for v in values) or unmeasured_constraint(other.constraints) is not None:
                state, values = TrialState.FAILED, None
        return Trial(number=other.number, params=params, x=x, state=state,
                     value=None if values is None or goals.multi else values[0],
                     values=values if goals.multi else None,
                     constraints=constraint_values(other.constraints) if state is TrialState.COMPLETE else None,
                     source=self.optimizer if proposed is not None else SOURCE,
                     user_attrs=attrs)

    def sample_independent(self, study: OptunaStudy, trial: FrozenTrial, param_name: str,
                           param_distribution: BaseDistribution) -> Any:
        """A parameter outside the relative search space: drawn by Optuna's RandomSampler (seeded)."""
        return self._independent.sample_independent(study, trial, param_name, param_distribution)

    def _goals(self, study: OptunaStudy) -> Goals:
        return Goals.parse(directions=[Direction.parse(d.name.lower(), "directions", "IHPOSampler")
                                       for d in study.directions])

    def _check_serves(self, goals: Goals, kind: type[Optimizer]) -> None:
        if goals.multi and not issubclass(kind, MultiObjective):
            # Those this sampler takes: the schedulers serve several objectives too, but it refuses them.
            serving = [name for name in optimizers_serving_several()
                       if not issubclass(optimizer_class(name), Scheduler)]
            raise fail("optimizer", "IHPOSampler", f"an optimizer that serves several objectives for "
                       f"{goals.describe()}", self.optimizer, hint=f"These do: {serving}.")

    def before_trial(self, study: OptunaStudy, trial: FrozenTrial) -> None:
        """Refuses a study of several objectives with an optimizer of one before its first trial
        runs (its proposals start only at the second: the objective would run once for nothing)."""
        self._check_serves(self._goals(study), optimizer_class(self.optimizer))
        self._independent.before_trial(study, trial)

    def after_trial(self, study: OptunaStudy, trial: FrozenTrial, state: OptunaState, values: Any) -> None:
        self._independent.after_trial(study, trial, state, values)

    def reseed_rng(self) -> None:
        """Optuna reseeds samplers shared by threads (``n_jobs > 1``); our optimizer's streams are
        keyed by what it was told, so only the random sampler is reseeded."""
        self._independent.reseed_rng()

    def __repr__(self) -> str:
        settings = "".join(f", {k}={v!r}" for k, v in self.settings.items())
        return f"IHPOSampler({self.optimizer!r}, seed={self.seed}{settings})"


def _with_gradient(info: dict[str, Any], attrs: dict[str, Any]) -> dict[str, Any]:
    """What the optimizer recorded with its proposal, plus the hypergradient the objective stored
    in the Optuna trial's user attributes (what "hypergradient" descends along); no other user
    attribute, so none is mistaken for an optimizer's own record."""
    return {**info, GRADIENT_ATTR: attrs[GRADIENT_ATTR]} if GRADIENT_ATTR in attrs else info
