"""What workers did, as plain data for a Gantt chart: which worker ran which trial at which
budget, when, and when each sat idle and why (:class:`Schedule`), simulated
(:mod:`.simulation`) or observed in a real parallel run (:meth:`Schedule.observed`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_finite, fail
from ..optimizers.multifidelity.rungs import Job
from ..trial import Trial, TrialState
from .runner import WORKER_LOST

__all__ = ["IdleSpell", "Schedule", "WorkerRun"]


@dataclass(frozen=True)
class WorkerRun:
    """One bar of the Gantt chart: a trial on a worker.

    Attributes
    ----------
    worker : int
    number : int
        The trial.
    start, end : float
        Simulated times.
    budget : float or None
    config, rung, bracket : int or None
        The scheduler's job (None for optimizers without rungs).
    state : str
        How the trial finished.
    """

    worker: int
    number: int
    start: float
    end: float
    budget: float | None
    config: int | None
    rung: int | None
    bracket: int | None
    state: str

    @classmethod
    def of(cls, trial: Trial, worker: int, start: float, end: float) -> WorkerRun:
        """The bar of a finished ``trial`` (its scheduler job, if any, read from its attributes as
        the scheduler reads it: an objective's own "config" text is no job)."""
        job = Job.of(trial.user_attrs)
        if job is None:
            return cls(worker, trial.number, start, end, trial.budget, None, None, None, trial.state.value)
        return cls(worker, trial.number, start, end, trial.budget, job.config, job.rung, job.bracket, trial.state.value)


@dataclass(frozen=True)
class IdleSpell:
    """A worker with nothing to do from ``start`` to ``end``.

    ``reason`` is "waiting" (the optimizer could not hand out a job before running ones
    report: synchronous halving at the end of a rung) or "done" (no job starts any more: the
    optimizer has nothing left, or the run's ``n_jobs`` or ``until`` is reached). A worker that
    goes idle waiting and is never given another job waited until the last job started or the
    optimizer ran out (or until ``until``, if that came first), and is done from there.
    """

    worker: int
    start: float
    end: float
    reason: str


@dataclass(frozen=True)
class Schedule:
    """What the simulated workers did.

    Attributes
    ----------
    runs : tuple of WorkerRun
        In the order the jobs started.
    idle : tuple of IdleSpell
    n_workers : int
        Rows of the chart: workers (a measured run's replaced workers share a row, see :meth:`observed`).
    makespan : float
        Simulated time when the last job finished.
    measured : bool
        True for :meth:`observed` (a real run, in seconds), False for a simulation.
    row_starts : tuple of float
        When each row's first trial started (a measured run that lost trials, whose rows take
        replaced workers); empty: every row from time 0.
    lost : tuple of int
        The trials of ``runs`` lost with their worker (a measured run's; drawn marked).
    """

    runs: tuple[WorkerRun, ...]
    idle: tuple[IdleSpell, ...]
    n_workers: int
    makespan: float
    measured: bool = False
    row_starts: tuple[float, ...] = ()
    lost: tuple[int, ...] = ()

    @property
    def utilization(self) -> float:
        """Busy worker-time over the time the rows existed, in [0, 1]: ``n_workers * makespan``, or,
        for a measured run that lost trials, each row from its first trial to the end of the run
        (:attr:`row_starts`: a worker that replaced a lost one is not counted idle before it existed)."""
        busy = sum(run.end - run.start for run in self.runs)
        alive = sum(self.makespan - start for start in self.row_starts) if self.row_starts else \
            self.n_workers * self.makespan
        return busy / alive if alive > 0 else 0.0

    def waiting_time(self) -> float:
        """Worker-time spent idle while the optimizer waited for results (the "waiting" spells)."""
        return sum(spell.end - spell.start for spell in self.idle if spell.reason == "waiting")

    @classmethod
    def observed(cls, trials: Iterable[Trial]) -> Schedule:
        """What really ran: the trials that a parallel run evaluated (they carry ``worker``,
        ``started_at`` and ``finished_at`` attributes, written by the worker).

        Times are seconds since the first trial started, by the workers' clocks. Each worker has a
        row, numbered in the order they first appear, from time 0, as a simulation's; a gap on it
        is idle ("waiting": no trial for it yet), and so is the time after its last trial until the
        run's last trial started (other workers still took trials), then "done". A
        trial lost with its worker (FAILED "worker lost ..."; it carries no worker's record) is
        drawn from when it was asked to when the study recorded it lost, by the study's clock,
        and listed in ``lost``. When trials were lost, workers were replaced (a local pool
        restarts whole; Dask starts a new worker): a worker first seen after a row's last trial
        ended takes that row (the lowest such), so the rows are as many as the workers that ran
        at once, and each row starts at its first trial (``row_starts``; a replacement did not
        exist before), from where :attr:`utilization` counts it. A trial without
        those attributes is left out, and so is one whose attributes of those names are not what
        a worker writes (an objective's own "worker" list, a time given as text).
        """
        if not isinstance(trials, Iterable) or isinstance(trials, (str, bytes, Mapping)):
            raise fail("trials", "Schedule.observed", "an iterable of Trials, such as study.trials", trials)
        trials = list(trials)
        if not all(isinstance(trial, Trial) for trial in trials):
            raise fail("trials", "Schedule.observed", "an iterable of Trials, such as study.trials", trials)
        spans = [span for span in map(_span, trials) if span is not None]
        if not spans:
            return cls((), (), 1, 0.0, measured=True)
        origin = min(start for start, _, _, _ in spans)
        lost = tuple(sorted(t.number for _, _, t, worker in spans if worker is None))
        rows = _rows(spans, replaced=bool(lost))
        runs = sorted((WorkerRun.of(t, rows[id(t)], start - origin, end - origin) for start, end, t, _ in spans),
                      key=lambda run: (run.start, run.number))
        makespan = max(run.end for run in runs)
        idle: list[IdleSpell] = []
        # Each row's first trial: a replaced worker's row did not exist before it. Without lost
        # trials, every row from 0: a worker idle at the start (no trial for it yet) waited.
        starts: dict[int, float] = {}
        free_since: dict[int, float] = {}
        for run in runs:
            since = free_since.get(run.worker, starts.setdefault(run.worker, run.start if lost else 0.0))
            if run.start > since:
                idle.append(IdleSpell(run.worker, since, run.start, "waiting"))
            free_since[run.worker] = max(since, run.end)
        # A worker whose last trial ended while others kept starting waited (as in a simulation:
        # IdleSpell) until the last one started, and is done from there.
        last_start = max(run.start for run in runs)
        for w, since in sorted(free_since.items()):
            if since < last_start:
                idle.append(IdleSpell(w, since, last_start, "waiting"))
            if max(since, last_start) < makespan:
                idle.append(IdleSpell(w, max(since, last_start), makespan, "done"))
        return cls(tuple(runs), tuple(idle), len(starts), makespan, measured=True,
                   row_starts=tuple(starts[row] for row in range(len(starts))) if lost else (), lost=lost)

    def columns(self) -> dict[str, np.ndarray]:
        """The runs as arrays of shape (n_runs,), for plots and ``pandas.DataFrame``.

        Keys: worker, number, start, end, budget (NaN for None), config, rung, bracket
        (-1 for None), state.
        """
        def ints(name: str) -> np.ndarray:
            return np.array([-1 if getattr(r, name) is None else getattr(r, name) for r in self.runs], dtype=int)

        return {
            "worker": ints("worker"), "number": ints("number"), "config": ints("config"), "rung": ints("rung"),
            "bracket": ints("bracket"),
            "start": np.array([r.start for r in self.runs], dtype=float),
            "end": np.array([r.end for r in self.runs], dtype=float),
            "budget": np.array([math.nan if r.budget is None else r.budget for r in self.runs], dtype=float),
            "state": np.array([r.state for r in self.runs], dtype=object),
        }


def _span(trial: Trial) -> tuple[float, float, Trial, str | None] | None:
    """When ``trial`` started and finished by its worker's clock, and the worker; or, for a trial
    lost with its worker, when it was asked and recorded lost by the study's clock, and None; or
    None if its attributes do not say it as a worker does (a str ``worker``, finite ``started_at``
    <= ``finished_at``)."""
    attrs = trial.user_attrs
    if trial.state is TrialState.FAILED and str(trial.error).startswith(WORKER_LOST) and "worker" not in attrs:
        start, end = as_finite(trial.datetime_start), as_finite(trial.datetime_complete)
        return None if start is None or end is None or end < start else (start, end, trial, None)
    start, end = as_finite(attrs.get("started_at")), as_finite(attrs.get("finished_at"))
    if not isinstance(attrs.get("worker"), str) or start is None or end is None or end < start:
        return None
    return start, end, trial, attrs["worker"]


def _rows(spans: list[tuple[float, float, Trial, str | None]], replaced: bool) -> dict[int, int]:
    """The row of each trial (by ``id``) of :meth:`Schedule.observed`'s ``spans``: a worker's
    trials share its row; a lost trial has one of its own (its worker is not known). Without
    lost trials every worker has a row of its own; with them, a worker (or lost trial) takes the
    lowest row whose last trial ended before its first started (it replaced that row's worker):
    ``replaced``, some trials of ``spans`` were lost."""
    occupants: dict[Any, list[Trial]] = {}  # a worker's name, or a lost trial's number: its trials
    first: dict[Any, float] = {}
    last: dict[Any, float] = {}
    for start, end, trial, worker in sorted(spans, key=lambda span: (span[0], span[2].number)):
        key = worker if worker is not None else ("lost", trial.number)
        occupants.setdefault(key, []).append(trial)
        first.setdefault(key, start)
        last[key] = max(last.get(key, end), end)
    row_ends: list[float] = []  # each row's last end so far
    rows: dict[int, int] = {}
    for key in occupants:  # in the order they first appear
        free = [row for row, end in enumerate(row_ends) if end <= first[key]] if replaced else []
        if not free:
            row_ends.append(0.0)
        row = free[0] if free else len(row_ends) - 1
        row_ends[row] = last[key]
        rows.update((id(trial), row) for trial in occupants[key])
    return rows
