"""The steppable parallel run: :class:`ParallelRunner` keeps up to ``n_workers`` trials of a study
running on an executor, told the moment their results arrive. The Lab steps it (fill, collect,
stop); :func:`~interactive_hpo.execution.parallel.run_parallel`, what ``Study.run(n_workers=...)``
calls, drives it to the end. What can go wrong in a run, and what the runner then does, is told in
:mod:`interactive_hpo.execution.parallel`. The executor the trials run on, and what the run sends
it, are held by its base, :class:`~interactive_hpo.execution.run_executor.RunExecutor`.
"""

from __future__ import annotations

import concurrent.futures as cf
import sys
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._validation import check_int, fail
from ..exceptions import DaskClientClosed
from ..outcome import Outcome, cannot_run_at, check_budget_keyword, keep_record
from ..study.waiting import OthersWait, ask_if_able, held_elsewhere, nothing_to_ask, waiting_error
from ..trial import CANCELLED, NOT_SUBMITTED, RUN_INTERRUPTED, USER_INTERRUPT, Trial, TrialState
from .reports import held_interrupt
from .run_executor import RunExecutor
from .settings import RunSettings, check_open, let_pool_go
from .worker import evaluate_remote

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["CLIENT_CLOSED", "NO_WORKERS_LEFT", "WORKER_LOST", "ParallelRunner"]

#: How the error of a trial lost with its worker begins (it carries no worker's record: Schedule.observed).
WORKER_LOST = "worker lost"
#: Why the trials of a Dask cluster that has had no workers for ``dask_cluster.NO_WORKERS_GRACE`` were lost.
NO_WORKERS_LEFT = "the cluster has no workers left"
#: Seconds a run waits for its running trials after a Ctrl-C before it says so (and how to cancel them).
NOTICE_AFTER = 2.0
#: Why the trials a Dask client's closing cut short were cancelled, or not submitted.
CLIENT_CLOSED = "the Dask client closed during the run"


@dataclass
class _Running:
    trial: Trial
    future: Any
    started: float
    requeued: bool
    executor: Any


class ParallelRunner(RunExecutor):
    """Keeps up to ``n_workers`` trials of a study running on an executor; the Lab steps it.

    :meth:`fill` asks and submits until the workers are busy (or the budget is spent);
    :meth:`collect` tells the results that have arrived and returns those trials;
    :meth:`stop` stops asking; :meth:`drain` waits for (or cancels) what is running,
    :meth:`interrupted` as ``on_interrupt`` says after a Ctrl-C; :meth:`close` drains and shuts
    down a pool this runner created. :func:`~.parallel.run_parallel` (what ``Study.run`` calls) drives it to the end.

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
        super().__init__(study, objective, settings, owner)  # the executor: a pool starts once n_trials is checked
        self.running: list[_Running] = []
        self.started = 0
        self.stopping = False
        self._interrupted = False  # stopping on a Ctrl-C (see interrupted())
        self._requeued: set[str] = set()
        self._others = OthersWait(study, owner)
        self._cut_by_close = 0  # trials cancelled as the Dask client closed (DaskClientClosed counts them)

    # -- asking --------------------------------------------------------------------------------------
    @property
    def _wanting(self) -> bool:
        """More trials are to start (not stopped, ``n_trials`` not reached)."""
        return not self.stopping and self.started < self.n_trials

    @property
    def can_ask(self) -> bool:
        return self._wanting and len(self.running) < self.n_workers and not nothing_to_ask(self.study)

    @property
    def waits_for_others(self) -> bool:
        """Nothing of this run's is running, and the study can start nothing before trials that
        other studies on its journal are running are told (a synchronous rung's last jobs):
        :meth:`collect` then polls the journal for them."""
        return not self.running and self._wanting and bool(held_elsewhere(self.study))

    @property
    def finished(self) -> bool:
        """Nothing running and nothing more to start (nor waited for in another process).

        Raises the study's waiting error (TrialStateError) when more trials were to start but
        its optimizer waits for running trials of its own this run does not hold (asked by hand
        and never told): the run ended short, silently."""
        if self.running or self.can_ask or self.waits_for_others:
            return False
        optimizer = self.study.optimizer
        if self._wanting and optimizer.waiting and not optimizer.exhausted and not self.study.state.n_queued:
            raise waiting_error(self.study)
        if self._cut_by_close:  # the run ended as its client closed, not because it was done
            raise self._closed_error()
        return True

    def fill(self) -> None:
        """Ask and submit trials until every worker is busy or there is nothing more to start."""
        if self._closed_mid_run() and self._wanting:  # before asking a trial nothing could run
            raise self._closed_error()
        while self.can_ask:
            state = self.study.state  # not study.queued: a copy of every params queued, at every ask
            queued = bool(state.n_queued)  # ask takes the queue's first params
            requeued = queued and self._params_key(state.next_queued()) in self._requeued
            # None: since can_ask read it, another process took what there was (a rung's last job).
            trial = ask_if_able(self.study)
            if trial is None:
                break
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
        why = CLIENT_CLOSED if isinstance(error, DaskClientClosed) else type(error).__name__
        self.study.tell(trial, state="FAILED", user_attrs={"error": f"{NOT_SUBMITTED}: {why}"})
        if queued:
            self.study.enqueue(dict(trial.params))

    def _submit(self, trial: Trial) -> Any:
        report = None if self._desk is None else self._desk.reporter(trial.number)
        args = (evaluate_remote, self._token, self._payload, dict(trial.params), trial.budget, self.trial_timeout,
                report)
        try:
            future = self._executor.submit(*args)
        except Exception as error:
            if self._closed_mid_run():
                raise self._closed_error(not_submitted=1) from error
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

    def _closed_error(self, not_submitted: int = 0) -> DaskClientClosed:
        """The error a run whose Dask client closed stops with; ``not_submitted``: trials asked and
        not submitted besides those the closing cancelled and those still running."""
        return self._cluster.closed_error(self.owner, self._cut_by_close + len(self.running) + not_submitted,
                                          CLIENT_CLOSED)

    def stop(self) -> None:
        """Start no more trials; those running finish (or :meth:`drain` cancels them)."""
        self.stopping = True

    # -- collecting ----------------------------------------------------------------------------------
    def collect(self, timeout: float | None = 0.0) -> list[Trial]:
        """Tell every result that has arrived (waiting up to ``timeout`` s for the first); return those
        trials, in the order they were submitted. While the run :attr:`waits_for_others`, read the
        journal once within ``timeout`` s instead (their trials are told there, and returned by none)."""
        if not self.running:
            if self.waits_for_others:
                self._others.poll(timeout)
            return []
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            futures = [r.future for r in self.running]
            left = None if end is None else max(end - time.monotonic(), 0.0)
            # On a Dask cluster, looked at again every second while nothing arrives: workers that
            # join get trials (fill), and a client closed or a cluster left without workers is noticed.
            self._wait(futures, left if self._cluster is None else self._cluster.poll if left is None else
                       min(self._cluster.poll, left))
            if self._cluster is None or any(future.done() for future in futures):
                break
            if self._closed_mid_run():  # its futures may never say so
                self._cut_by_close += len(self.running)
                return [self._give_up(r, f"{CANCELLED}: {CLIENT_CLOSED}") for r in list(self.running)]
            if self._cluster.lost(self.owner, len(self.running)):
                return self._cluster_emptied()
            if (end is not None and time.monotonic() >= end) or self.can_ask:
                break
        return [self._tell(r) for r in list(self.running) if r.future.done()]

    def _cluster_emptied(self) -> list[Trial]:
        """The Dask cluster lost every worker and got none back for ``NO_WORKERS_GRACE`` seconds:
        its trials are lost with their workers (re-queued as ``on_worker_loss`` says, for the next
        run), and the run stops, with a warning (it waited for ever, silently)."""
        told = []
        for running in list(self.running):
            running.future.cancel()  # should workers come back, they need not run it
            told.append(self._worker_lost(running, NO_WORKERS_LEFT))
        self.stop()
        self._cluster.warn_lost(self.owner, f"{WORKER_LOST} ({NO_WORKERS_LEFT})", told)
        return told

    def _tell(self, running: _Running) -> Trial:
        try:
            outcome = Outcome(*running.future.result())
        except cf.CancelledError:
            if self._closed_mid_run():  # the client cancels its futures as it closes
                self._cut_by_close += 1
                return self._finish(running, TrialState.FAILED, None, {"error": f"{CANCELLED}: {CLIENT_CLOSED}"})
            return self._finish(running, TrialState.FAILED, None, {"error": CANCELLED})
        except Exception as error:  # the worker, not the objective, failed (those are returned as data)
            return self._worker_lost(running, f"{type(error).__name__}{f': {error}' if str(error) else ''}",
                                     broken=isinstance(error, BrokenProcessPool))
        state, value, attrs = keep_record(outcome, self.study.state.trials[running.trial.number].user_attrs,
                                          self.study)
        return self._finish(running, TrialState(state), value, attrs)

    def _worker_lost(self, running: _Running, why: str, broken: bool = False) -> Trial:
        """Tell ``running`` lost with its worker (``why``; ``broken``: a process pool broke), re-queued
        as ``on_worker_loss`` says."""
        reason = f"{WORKER_LOST} ({why})"
        if self._interrupted:
            # A Ctrl-C reaches the whole process group: an idle or starting process of an executor of
            # your own dies of it (ours ignore it, see worker.local_context), and breaks the pool. The
            # person stopped the run, and a broken pool does not say which of its trials the Ctrl-C cut
            # short: nothing is re-queued (the next run repeated those trials).
            own = broken and self._owns_pool
            return self._finish(running, TrialState.FAILED, None,
                                {"error": f"{USER_INTERRUPT}; {reason}" if own else
                                 f"{reason}; not re-queued {RUN_INTERRUPTED}"})  # cut short: Trial.cut_short
        if broken and self._owns_pool and running.executor is self._executor:
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
            told: list[Trial] = []
            try:
                told = self.collect(timeout=0)  # results already here are kept, not cancelled
            finally:  # even if collecting failed (the report queues' server died): none may stay RUNNING
                told += [self._give_up(r, reason) for r in list(self.running)]
            return told
        told = []
        # After a Ctrl-C, a wait of more than NOTICE_AFTER s is told (trials whose workers the Ctrl-C
        # killed, a LocalCluster's in a terminal, were waited for in silence); a shorter one is not.
        notice = time.monotonic() + NOTICE_AFTER if self._interrupted else None
        while self.running:
            told += self.collect(timeout=0.5)
            if self.running and notice is not None and time.monotonic() >= notice:
                notice = None
                print(f"waiting for {len(self.running)} running trial(s); press Ctrl-C again to cancel them",
                      file=sys.stderr, flush=True)
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
                    let_pool_go(self._executor)
            finally:
                self._let_go()
