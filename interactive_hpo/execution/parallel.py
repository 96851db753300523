"""Evaluate a study's trials in parallel: local processes, or any ``concurrent.futures``-style executor.

``Study.run(objective, n_trials, n_workers=4)`` runs trials on a pool of local processes;
``Study.run(..., executor=client)`` on an executor you bring, a ``dask.distributed.Client`` in
particular (it is used through ``client.get_executor()``; this module never imports dask). The
study keeps asking while trials are running: optimizers see them as pending (BO chooses the
next point jointly with them, populations hand out their next individuals, ASHA promotes as
results arrive). Every result is told, and journaled, the moment it arrives.

What can go wrong, and what happens (:class:`ParallelRunner`):

- the objective raises or returns NaN: the trial is FAILED with the reason, as in a serial run;
- a worker dies mid-trial: Dask first re-runs the task on another worker by itself (up to its
  ``distributed.scheduler.allowed-failures``); when it gives up, or when a local process dies
  (which breaks the whole process pool, so the trials running beside it are lost too; a fresh
  pool takes over), the trial is FAILED with "worker lost", or re-queued
  (``on_worker_loss="requeue"``: its configuration runs again as a new trial, once; a
  scheduler's job at a budget is not re-queued). Finished trials are already in the journal
  and are neither lost nor repeated;
- an executor of your own is shut down, breaks or closes mid-run: the run stops with the error
  :func:`~.settings.check_open` gives before a run, naming ``executor``; a configuration the
  trial it could not take had from the queue (enqueued or re-queued) goes back to the queue;
- a trial runs longer than ``trial_timeout`` seconds on its worker (queueing time does not
  count): it is FAILED ("timed out") and the worker takes the next trial. Python cannot stop a
  running function from outside, so the objective is run in a watchdog thread that is left
  behind: a hang that waits costs nothing, a runaway computation keeps a core busy until it ends;
- ``KeyboardInterrupt`` (Ctrl-C): the study stops asking; running trials are waited for
  (``on_interrupt="wait"``, a second Ctrl-C cancels them) or cancelled at once (``"cancel"``,
  recorded FAILED); then the interrupt is re-raised. The journal is resumable either way. So
  are they when the run stops on an error (a callback raised), which is raised then. A
  terminal's or Jupyter's Ctrl-C reaches the local processes of a pool the run started too: it
  ends the trials they run (FAILED, interrupted), while an idle process ignores it, and one still
  starting, which starts with Ctrl-C blocked (:func:`~.worker.local_context`), drops it once it
  ignores it and runs the trial it was given. Nothing a Ctrl-C cut short is re-queued. A
  ``ProcessPoolExecutor`` of your own runs no initializer of ours: the Ctrl-C ends the trials its
  processes run, but kills its idle and starting processes too, which breaks it; the trials it
  loses are FAILED ("worker lost ...; not re-queued (the run was interrupted)": nothing tells a
  trial the Ctrl-C cut short from one lost beside it), and the broken executor refuses the next
  run. Made with ``initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)``, its
  processes ignore Ctrl-C once started: its running trials finish (or ``"cancel"`` drops them).

The objective travels to the workers by value (cloudpickle), so a function defined in a
notebook works; it is called as ``objective(params)`` or ``objective(params, budget=b)``.
It is sent once per worker process (a pool the study starts, or a Dask cluster), not with each
trial, and each worker process unpickles it once per run and reuses it, so a stateful objective is shared by that
process's threads during a run, and each run starts from the objective as passed (a worker process
kept between runs holds the latest run's only); threads of this process (a ``ThreadPoolExecutor``)
call the objective itself.
An objective that takes ``report`` gets one on its worker (:mod:`.reports`): each report
travels to this process, where the study records it and asks its pruner (:mod:`.answering`),
and waits for the answer, so pruning, and stopping a running trial by hand, work as in a serial
run (on local processes, threads and Dask; an executor of your own must run on this machine).
"cancel" cannot stop a local process that is computing: it finishes its task after the run, and
its result is dropped.
"""

from __future__ import annotations

import concurrent.futures as cf
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._validation import accepts_keyword, check_int, fail
from ..outcome import Outcome, cannot_run_at, check_budget_keyword, keep_record
from ..trial import CANCELLED, NOT_SUBMITTED, USER_INTERRUPT, Trial, TrialState
from .answering import ReportDesk
from .reports import LocalReports, Reports, held_interrupt
from .settings import RunSettings, as_executor, check_open, is_dask_client, process_pool
from .worker import evaluate_remote, release, serialize

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["ParallelRunner", "RunSettings", "run_parallel"]


@dataclass
class _Running:
    trial: Trial
    future: Any
    started: float
    requeued: bool
    executor: Any


class ParallelRunner:
    """Keeps up to ``n_workers`` trials of a study running on an executor; the Lab steps it.

    :meth:`fill` asks and submits until the workers are busy (or the budget is spent);
    :meth:`collect` tells the results that have arrived and returns those trials;
    :meth:`stop` stops asking; :meth:`drain` waits for (or cancels) what is running,
    :meth:`interrupted` as ``on_interrupt`` says after a Ctrl-C; :meth:`close` drains and shuts
    down a pool this runner created. :func:`run_parallel` (what ``Study.run`` calls) drives it to the end.

    Parameters
    ----------
    study : Study
    objective : callable
    n_trials : int
        Trials to start (a re-queued trial adds one).
    settings : RunSettings, optional
        Workers, executor, timeout and what to do on a lost worker or an interrupt, checked by
        :meth:`RunSettings.check` (default: 4 local processes).
    owner : str
        What the person called to start the run ("Study.run", "Lab.run"): errors name it.
    """

    def __init__(self, study: Study, objective: Callable[..., Any], n_trials: int,
                 settings: RunSettings | None = None, owner: str = "Study.run"):
        settings = settings or RunSettings()
        self.study, self.owner = study, owner  # owner: where a person started the run, for errors
        self.n_trials = check_int(n_trials, "n_trials", owner, 0)
        self.trial_timeout = settings.trial_timeout
        self.on_worker_loss = settings.on_worker_loss
        self.on_interrupt = settings.on_interrupt
        n_workers, executor = settings.n_workers, settings.executor
        if executor is not None:  # checked when it was given too; a Lab's may have closed since
            check_open(executor, owner)
        self._given = executor  # what the person gave (a dask Client, not its executor): asked if it closes mid-run
        self.objective = objective
        # The run's name, under which workers keep its objective (each run starts from the objective as passed).
        self._token = f"interactive_hpo-objective-{uuid.uuid4().hex}"
        self._blob = serialize(objective, owner, self._token)  # before any pool exists: a failure leaks nothing
        self._owns_pool = executor is None
        # What each task carries for the objective: on a pool this runner starts or a Dask cluster, the
        # token naming the bytes each worker process was given once (an objective holding a dataset
        # was copied with every trial); on another executor, the bytes, as nothing else reaches it.
        self._payload: bytes | str = self._blob
        self._take_back: Callable[[], None] = lambda: None
        self._desk: ReportDesk | None = None  # answers the objective's reports, if it takes `report`
        try:
            if accepts_keyword(objective, "report"):
                self._desk = ReportDesk(study, self._open_reports(executor))
            if self._owns_pool:
                self.n_workers = n_workers or 4
                self._executor: Any = process_pool(self.n_workers, self._token, self._blob)
                self._payload = self._token
            else:
                self._executor, size = as_executor(executor, owner)
                self.n_workers = n_workers or size or 4
                if is_dask_client(executor):
                    from .dask_cluster import send_objective

                    self._take_back = send_objective(executor, self._token, self._blob)
                    self._payload = self._token
        except BaseException:  # no run, so no close(): let go of what was started
            self._let_go()
            raise
        self.running: list[_Running] = []
        self.started = 0
        self.stopping = False
        self._interrupted = False  # stopping on a Ctrl-C (see interrupted())
        self._requeued: set[str] = set()

    def _open_reports(self, executor: Any) -> Reports:
        """The queues that carry the objective's reports here and the answers back."""
        if is_dask_client(executor):
            from .dask_cluster import DaskReports

            return DaskReports(executor, self._token)
        return LocalReports()

    # -- asking --------------------------------------------------------------------------------------
    @property
    def can_ask(self) -> bool:
        optimizer = self.study.optimizer
        return (not self.stopping and self.started < self.n_trials and len(self.running) < self.n_workers
                and (bool(self.study.state.n_queued) or not (optimizer.exhausted or optimizer.waiting)))

    @property
    def finished(self) -> bool:
        """Nothing running and nothing more to start."""
        return not self.running and not self.can_ask

    def fill(self) -> None:
        """Ask and submit trials until every worker is busy or there is nothing more to start."""
        while self.can_ask:
            state = self.study.state  # not study.queued: a copy of every params queued, at every ask
            queued = bool(state.n_queued)  # ask takes the queue's first params
            requeued = queued and self._params_key(state.next_queued()) in self._requeued
            trial = self.study.ask()
            try:
                check_budget_keyword(self.objective, trial.budget, self.owner, self.study.optimizer.name)
            except ValueError:
                self.study.tell(trial, state="FAILED", user_attrs={"error": cannot_run_at(trial.budget)})
                raise
            except BaseException as error:  # a Ctrl-C here left the trial RUNNING, known to nobody
                self._not_submitted(trial, error, queued)
                raise
            submitted = False
            try:
                # Held from submit until it is known as running: a Ctrl-C between them left a
                # submitted trial RUNNING for good (nobody waited for its result).
                with held_interrupt():
                    future = self._submit(trial)
                    self.running.append(_Running(trial, future, time.monotonic(), requeued, self._executor))
                    self.started, submitted = self.started + 1, True
            except BaseException as error:  # the trial must not stay RUNNING, whatever stops us here
                if not submitted:  # a held Ctrl-C comes after: the trial runs, and is waited for or cancelled
                    self._not_submitted(trial, error, queued)
                raise

    def _not_submitted(self, trial: Trial, error: BaseException, queued: bool) -> None:
        """Finish ``trial`` FAILED: ``error`` stopped it before it ran (it must not stay RUNNING). Its
        params go back to the queue if it was ``queued`` (enqueued or re-queued): they did not run."""
        self.study.tell(trial, state="FAILED", user_attrs={"error": f"{NOT_SUBMITTED}: {type(error).__name__}"})
        if queued:
            self.study.enqueue(dict(trial.params))

    def _submit(self, trial: Trial) -> Any:
        report = None if self._desk is None else self._desk.reports.reporter(trial.number)
        args = (evaluate_remote, self._token, self._payload, dict(trial.params), trial.budget, self.trial_timeout,
                report)
        try:
            future = self._executor.submit(*args)
        except Exception as error:
            if not self._owns_pool:  # closed or broken mid-run (a raw "cannot schedule new futures after
                check_open(self._given, self.owner)  # shutdown"): the error check_open gives before a run
                raise
            if not isinstance(error, BrokenProcessPool):
                raise
            # A process died since the last results came in; its futures will report it. Carry on in a fresh pool.
            self._replace_pool()
            future = self._executor.submit(*args)
        if not isinstance(future, cf.Future):  # waiting on it failed deep in concurrent.futures, trials left RUNNING
            raise fail("executor", self.owner, "an executor whose submit returns a concurrent.futures.Future",
                       self._executor, hint=f"Its submit returned {type(future).__name__}; a dask Client's "
                                            "get_executor() and the executors of concurrent.futures return Futures.")
        return future

    def _replace_pool(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = process_pool(self.n_workers, self._token, self._blob)

    def stop(self) -> None:
        """Start no more trials; those running finish (or :meth:`drain` cancels them)."""
        self.stopping = True

    # -- collecting ----------------------------------------------------------------------------------
    def collect(self, timeout: float | None = 0.0) -> list[Trial]:
        """Tell every result that has arrived (waiting up to ``timeout`` s for the first); return those
        trials, in the order they were submitted."""
        if not self.running:
            return []
        futures = [r.future for r in self.running]
        if self._desk is None:
            cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        else:
            self._desk.wait(futures, timeout)
        return [self._tell(r) for r in list(self.running) if r.future.done()]

    def _tell(self, running: _Running) -> Trial:
        try:
            outcome = Outcome(*running.future.result())
        except cf.CancelledError:
            return self._finish(running, TrialState.FAILED, None, {"error": CANCELLED})
        except Exception as error:  # the worker, not the objective, failed (those are returned as data)
            return self._worker_lost(running, error)
        state, value, attrs = keep_record(outcome, self.study.state.trials[running.trial.number].user_attrs,
                                          self.study)
        return self._finish(running, TrialState(state), value, attrs)

    def _worker_lost(self, running: _Running, error: BaseException) -> Trial:
        reason = f"worker lost ({type(error).__name__}{f': {error}' if str(error) else ''})"
        if self._interrupted:
            # A Ctrl-C reaches the whole process group: an idle or starting process of an executor of
            # your own dies of it (ours ignore it, see worker.local_context), and breaks the pool. The
            # person stopped the run, and a broken pool does not say which of its trials the Ctrl-C cut
            # short: nothing is re-queued (the next run repeated those trials).
            own = isinstance(error, BrokenProcessPool) and self._owns_pool
            return self._finish(running, TrialState.FAILED, None,
                                {"error": f"{USER_INTERRUPT}; {reason}" if own else f"{reason}; not re-queued (the "
                                                                                     "run was interrupted)"})
        if isinstance(error, BrokenProcessPool) and self._owns_pool and running.executor is self._executor:
            # A dead process breaks the whole pool: every running future fails. Start a fresh one (once).
            self._replace_pool()
        if self.on_worker_loss == "requeue" and not running.requeued:
            if running.trial.budget is None:
                self.study.enqueue(dict(running.trial.params))
                self._requeued.add(self._params_key(running.trial.params))
                self.n_trials += 1
                reason += "; re-queued"
            else:  # an enqueued configuration runs at full budget: the scheduler decides what comes next
                reason += "; not re-queued (a scheduler's job at a budget)"
        return self._finish(running, TrialState.FAILED, None, {"error": reason})

    def _give_up(self, running: _Running, reason: str) -> Trial:
        running.future.cancel()
        return self._finish(running, TrialState.FAILED, None, {"error": reason})

    def _finish(self, running: _Running, state: TrialState, value: Any, attrs: dict[str, Any]) -> Trial:
        attrs = {**attrs, "wall_seconds": time.monotonic() - running.started}
        if self.study.state.trials[running.trial.number].state.is_finished:  # told before an interrupt landed
            self.running.remove(running)
            return self.study.state.trials[running.trial.number]
        if state is TrialState.COMPLETE:
            told = self.study.tell(running.trial, value, user_attrs=attrs)
        else:
            told = self.study.tell(running.trial, value, state=state, user_attrs=attrs)
        self.running.remove(running)  # only once told: an interrupt before this leaves it to drain()
        return told

    @staticmethod
    def _params_key(params: Any) -> str:
        return repr(sorted(dict(params).items()))

    # -- ending --------------------------------------------------------------------------------------
    def drain(self, cancel: bool = False, reason: str = USER_INTERRUPT) -> list[Trial]:
        """Stop asking; then wait for every running trial, or cancel them all (FAILED with ``reason``)."""
        self.stop()
        if cancel:
            told = self.collect(timeout=0)  # results already here are kept, not cancelled
            return told + [self._give_up(r, reason) for r in list(self.running)]
        told = []
        while self.running:
            told += self.collect(timeout=0.5)
        return told

    def interrupted(self) -> list[Trial]:
        """After a Ctrl-C: stop asking, then wait for the running trials or cancel them (``on_interrupt``);
        a second Ctrl-C while waiting cancels what still runs. The caller re-raises the interrupt."""
        self._interrupted = True
        return self.wind_down(USER_INTERRUPT)

    def wind_down(self, reason: str) -> list[Trial]:
        """Stop asking, then wait for the running trials or cancel them (FAILED with ``reason``), as
        ``on_interrupt`` says; a Ctrl-C while waiting cancels what still runs (FAILED, interrupted)."""
        try:
            return self.drain(cancel=self.on_interrupt == "cancel", reason=reason)
        except KeyboardInterrupt:
            return self.drain(cancel=True)

    def close(self, reason: str = f"{CANCELLED}: the run ended") -> None:
        """Cancel whatever still runs (FAILED with ``reason``) and shut down a pool this runner created.

        What the run started is let go of even when cancelling fails: the report queues' server
        kept running, and a worker thread waiting for its answer kept ``with ThreadPoolExecutor``
        from ever ending."""
        try:
            self.drain(cancel=True, reason=reason)
        finally:
            try:
                if self._owns_pool:
                    self._executor.shutdown(wait=False, cancel_futures=True)
            finally:
                self._let_go()

    def _let_go(self) -> None:
        """Let go of what the run started besides its pool: the report queues, the objective sent
        to a Dask cluster, and the objective :func:`serialize` registered."""
        try:
            if self._desk is not None:
                self._desk.reports.close()
        finally:
            try:
                self._take_back()
            finally:
                release(self._token, self.objective)


def run_parallel(study: Study, objective: Callable[..., Any], n_trials: int | None,
                 callbacks: Iterable[Callable[[Study, Trial], Any]] = (),
                 settings: RunSettings | None = None, *, deadline: float | None = None) -> list[Trial]:
    """Run ``n_trials`` trials of ``study`` in parallel, as ``settings`` say; none starts after
    ``deadline`` (a ``time.monotonic()`` reading; those running then finish). ``n_trials`` None:
    as many as start before the deadline.

    Returns the finished trials in the order they were told; ``callbacks`` are called as
    ``callback(study, trial)`` for each. When the run stops on an error (a callback's, a closed
    executor's), the trials running then are waited for, or cancelled, as on a Ctrl-C
    (``on_interrupt``), before it is raised (cancelled at once, trials whose threads then ran to
    the end were recorded "cancelled", their results dropped).
    """
    runner = ParallelRunner(study, objective, sys.maxsize if n_trials is None else n_trials, settings)
    done: list[Trial] = []

    def record(trials: list[Trial]) -> None:
        for trial in trials:
            done.append(trial)
            for callback in callbacks:
                callback(study, trial)

    try:
        while not runner.finished:
            if deadline is not None and time.monotonic() >= deadline:
                runner.stop()
            runner.fill()
            # Woken at the deadline, if results are slower, to stop asking then.
            # (A wait past threading.TIMEOUT_MAX, a "no limit" timeout=1e10, overflowed the clock.)
            wait = None if deadline is None or runner.stopping else \
                min(max(deadline - time.monotonic(), 0.0), threading.TIMEOUT_MAX)
            record(runner.collect(timeout=wait))
    except KeyboardInterrupt:
        record(runner.interrupted())
        raise
    except Exception:  # their callbacks are not called: the one that raised would most likely raise again
        runner.wind_down(f"{CANCELLED}: the run stopped on an error")
        raise
    finally:
        runner.close(f"{CANCELLED}: the run stopped on an error")  # only ever cancels after an exception
    return done
