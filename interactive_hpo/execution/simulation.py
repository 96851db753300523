"""Simulated parallel workers: see why asynchronous halving keeps a cluster busy.

:func:`simulate_workers` runs a study with ``n_workers`` pretend workers on a simulated clock
(:func:`simulate_counterpart`: a scheduler beside its counterpart, as the Lab's button does).
Each job really is evaluated (so the study's results are real), but it *takes* the time a
``cost`` function says, which is how synchronous successive halving, which waits at the end
of every rung, and ASHA, which never waits, can be compared on one laptop in seconds. The
result is plain data for a Gantt chart (:mod:`.schedule`, which also reads a real run's): which
worker ran which trial at which budget, when, and when each worker sat idle and why.
"""

from __future__ import annotations

import heapq
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._validation import as_finite, check_int, check_real, fail, generator_of, seed_to_int, shown
from ..optimizers.capabilities import Scheduler
from ..outcome import Outcome
from ..study.core import Study, check_study
from ..study.running import check_objective
from ..trial import Trial, TrialState
from .schedule import IdleSpell, Schedule, WorkerRun

__all__ = ["MAX_SIMULATED_WORKERS", "WorkerRun", "IdleSpell", "Schedule", "simulate_counterpart", "simulate_workers"]

#: The most simulated workers: each is an entry of the simulated clock, made before the first
#: job (n_workers=10**8 took gigabytes before one ran; 10**5 take a quarter of a second).
MAX_SIMULATED_WORKERS = 100_000


def _tell(study: Study, trial: Trial, outcome: Outcome) -> Trial:
    return study.tell(trial, outcome.value, state=outcome.state, user_attrs=outcome.user_attrs)


def simulate_workers(study: Study, objective: Callable[..., Any], *, n_workers: int, n_jobs: int | None = None,
                     until: float | None = None, cost: Callable[[Mapping[str, Any], float | None], float] | None = None,
                     seed: int | np.random.Generator | None = None) -> Schedule:
    """Run trials of ``study`` on ``n_workers`` simulated workers, up to ``n_jobs`` or time ``until``.

    Whenever a worker is free it asks the study for a trial, unless the optimizer is
    ``waiting`` (then the worker idles until the next job finishes: a "waiting" spell). The
    objective is evaluated at once; its result is told when the simulated clock reaches the job's
    end. Idle time once no job starts any more (``n_jobs`` started, ``until`` passed, or the
    optimizer has nothing left) is "done".

    Parameters
    ----------
    study : Study
    objective : callable
        Called as by :meth:`Study.step`: with ``budget=`` when the trial has one, and
        ``report=`` if it takes it. A pruned job ends when it is pruned: it takes the share of
        its cost that its steps (reports) are of the most steps a completed trial at its budget
        reported; its full cost while no such trial has finished (how far a run goes is not
        known before one has).
    n_workers : int
        Simulated workers, >= 1.
    n_jobs : int, optional
        Trials to start in total.
    until : float, optional
        No trial starts at or after this simulated time (running ones finish). Give ``n_jobs``,
        ``until`` or both: the same ``until`` compares schedulers at equal wall-clock budgets.
    cost : callable, optional
        ``cost(params, budget) -> float``: how long a job takes on the simulated clock. Default:
        the budget (1 for None) times a random factor, log-normal with sigma 0.5 and median 1,
        drawn from ``seed``: jobs at one budget take different times, as real fits do. A cost
        that raises or returns anything but a finite number >= 0 stops the run with that error,
        after every job whose objective already ran is told its result (none is left RUNNING).
    seed : int, numpy.random.Generator or None
        Seeds the default cost's random factors.

    Returns
    -------
    Schedule
    """
    return _simulate(study, objective, n_workers, n_jobs, until, cost, seed, "simulate_workers")


def _simulate(study: Study, objective: Callable[..., Any], n_workers: int, n_jobs: int | None, until: float | None,
              cost: Callable[[Mapping[str, Any], float | None], float] | None,
              seed: int | np.random.Generator | None, owner: str) -> Schedule:
    """:func:`simulate_workers`, its errors naming ``owner``, the function the person called."""
    check_study(study, owner)
    n_workers = check_int(n_workers, "n_workers", owner, 1)
    if n_workers > MAX_SIMULATED_WORKERS:
        raise fail("n_workers", owner, f"an int in [1, MAX_SIMULATED_WORKERS = {MAX_SIMULATED_WORKERS:,}]", n_workers,
                   hint="Each simulated worker is an entry of the simulated clock, made before the first job.")
    if n_jobs is None and until is None:
        raise fail("n_jobs", owner, "an int >= 0 when `until` is None", n_jobs,
                   hint="Say when to stop: n_jobs=..., until=... (simulated time), or both.")
    max_jobs = math.inf if n_jobs is None else check_int(n_jobs, "n_jobs", owner, 0)
    stop_at = math.inf if until is None else check_real(until, "until", owner, 0, None)
    if cost is not None:
        _check_cost(cost, owner)
    rng = generator_of(seed, owner)
    # As Study.run does: an objective no trial could call is refused before the first (Study.step
    # refused it at the first job, naming itself, and left that trial FAILED in the study).
    check_objective(study, objective, owner)

    times = _JobTimes(study, cost, rng, owner)
    now, started = 0.0, 0

    def finished() -> bool:
        """No job starts any more (the optimizer has nothing left, or the run's n_jobs or until is reached)."""
        return started >= max_jobs or now >= stop_at or study.optimizer.exhausted

    # Idle workers -> (since when, why): "waiting" until no job can start any more, then "done".
    free = dict.fromkeys(range(n_workers), (0.0, "waiting"))
    running: list[tuple[float, int, int, float, Trial, Any]] = []  # heap: (end, number, worker, start, trial, outcome)
    runs: list[WorkerRun] = []
    idle: list[IdleSpell] = []
    try:
        while True:
            for worker in sorted(free):
                if finished() or study.optimizer.waiting:
                    break
                trial = study.ask()
                started += 1
                since, why = free.pop(worker)
                if since < now:
                    idle.append(IdleSpell(worker, since, now, why))
                outcome = study.evaluate(trial, objective)  # now; its result is told when the clock gets there
                try:
                    end = now + times.duration(trial, outcome)
                except BaseException:
                    _tell(study, trial, outcome)
                    raise
                heapq.heappush(running, (end, trial.number, worker, now, trial, outcome))
            if finished():
                # No job starts any more: a worker that sat waiting for the optimizer waited until
                # then (`until` itself if it passed between two job ends), and is done from there.
                over = min(now, stop_at)
                for worker, (since, why) in free.items():
                    if why == "waiting":
                        if since < over:
                            idle.append(IdleSpell(worker, since, over, "waiting"))
                        free[worker] = (max(since, over), "done")
            if not running:
                break
            now, _, worker, start, trial, outcome = heapq.heappop(running)
            runs.append(WorkerRun.of(times.note(_tell(study, trial, outcome)), worker, start, now))
            free[worker] = (now, "waiting")
    except BaseException as error:
        # The objective already ran for every job still on the clock: keep those results and leave
        # no trial RUNNING (a scheduler would wait for them forever), then let the error through.
        for _, _, _, _, trial, outcome in sorted(running):
            try:
                _tell(study, trial, outcome)
            except Exception as lost:  # noqa: BLE001 - the first error is the one to see; say what else failed
                error.add_note(f"Trial {trial.number} could not be told its result either: {lost}")
        raise
    idle += [IdleSpell(w, since, now, why) for w, (since, why) in free.items() if since < now]
    runs.sort(key=lambda r: (r.start, r.worker))
    return Schedule(tuple(runs), tuple(sorted(idle, key=lambda s: (s.start, s.worker))), n_workers, now)



class _JobTimes:
    """How long each simulated job takes: ``cost(params, budget)``, or by default its budget times
    a log-normal factor drawn from ``rng``; a pruned job the share of it its steps are of the most
    steps a completed trial at its budget reported (all of it while none has completed)."""

    def __init__(self, study: Study, cost: Callable[[Mapping[str, Any], float | None], float] | None,
                 rng: np.random.Generator, owner: str):
        self.study, self.cost, self.rng, self.owner = study, cost, rng, owner
        # By budget, the most steps a COMPLETE trial reported: how far a job that is not pruned goes.
        self.full_steps: dict[float | None, int] = {}
        for trial in study.state.trials:
            self.note(trial)

    def note(self, trial: Trial) -> Trial:
        """Learn how far a job at ``trial``'s budget goes, if it completed; returns it."""
        if trial.state is TrialState.COMPLETE and trial.intermediate_values:
            self.full_steps[trial.budget] = max(self.full_steps.get(trial.budget, 0), len(trial.intermediate_values))
        return trial

    def _share(self, trial: Trial, outcome: Outcome) -> float:
        """The share of its cost a job takes: of its steps, for one pruned (1 while unknown)."""
        full = self.full_steps.get(trial.budget)
        if outcome.state is not TrialState.PRUNED or not full:
            return 1.0
        return min(1.0, len(self.study.state.trials[trial.number].intermediate_values) / full)

    def duration(self, trial: Trial, outcome: Outcome) -> float:
        """How long the job of ``trial``, which ended in ``outcome``, takes on the simulated clock."""
        if self.cost is None:  # drawn for every job, pruned or not: the same seed draws the same factors
            return (1.0 if trial.budget is None else trial.budget) * float(self.rng.lognormal(0.0, 0.5)) \
                * self._share(trial, outcome)
        took = self.cost(dict(trial.params), trial.budget)
        if as_finite(took) is None or took < 0:
            raise fail("cost", self.owner, "a callable returning a duration, a finite real number in [0, inf)", took,
                       hint=f"cost({shown(dict(trial.params))}, {trial.budget!r}) returned it for trial "
                            f"{trial.number}; every result already computed was told before stopping.")
        return float(took) * self._share(trial, outcome)


def simulate_counterpart(study: Study, objective: Callable[..., Any], *, n_workers: int, n_jobs: int,
                         seed: int | np.random.Generator | None = 0,
                         owner: str = "simulate_counterpart") -> dict[str, Schedule]:
    """The scheduler of ``study`` and its counterpart (ASHA for a synchronous one, synchronous
    halving for ASHA), each on ``n_workers`` simulated workers for ``n_jobs`` jobs, by name.

    Each runs on a scratch study with the same space, goals and budgets, seeded with ``seed``
    (its trials and its jobs' cost factors, see :func:`simulate_workers`): a Generator or None is
    turned into one int first, so that both are compared on the same randomness. The jobs really
    are evaluated with ``objective``; ``study`` is untouched. ``owner`` names the caller (the
    Lab's "Lab.simulate") in every error, as the function the person called.
    """
    check_study(study, owner)
    optimizer = study.optimizer
    if not isinstance(optimizer, Scheduler):
        raise fail("optimizer", owner, "a multi-fidelity scheduler (halving, hyperband, asha)", optimizer.name,
                   hint="Switch optimizer first (the Lab's Optimizer tab, or study.switch_optimizer).")
    settings = {k: v for k, v in optimizer.settings().items() if k in ("min_budget", "max_budget",
                                                                        "reduction_factor")}
    # Checked here, naming the caller (the scratch Study would name itself), and drawn once: each
    # scratch study drew its own seed from a Generator, and the cost factors went on with its stream.
    seed = seed_to_int(seed, owner)
    n_jobs = check_int(n_jobs, "n_jobs", owner, 0)
    schedules = {}
    for name in (optimizer.name, "halving" if optimizer.name == "asha" else "asha"):
        scratch = Study(study.space, name, **study.goals.study_arguments(), seed=seed, optimizer_settings=settings)
        schedules[name] = _simulate(scratch, objective, n_workers, n_jobs, None, None, seed, owner)
    return schedules


def _check_cost(cost: Any, owner: str) -> None:
    """Refuse a ``cost`` that is not callable as ``cost(params, budget)``, before any job (a cost of
    one argument failed with a TypeError after the first job ran)."""
    rule = "a callable cost(params, budget) -> float, or None"
    if not callable(cost):
        raise fail("cost", owner, rule, cost)
    try:
        signature = inspect.signature(cost)
    except (TypeError, ValueError):  # no signature to read (some builtins): its first call tells
        return
    try:
        signature.bind({}, None)
    except TypeError as error:
        raise fail("cost", owner, rule, cost, hint=f"It is called with two arguments; its signature {signature} "
                                                   f"does not fit: {error}.") from None
