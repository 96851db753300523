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
  :func:`~.settings.check_open` gives before a run, naming ``executor`` (a Dask client that
  closes mid-run: :class:`~interactive_hpo.exceptions.DaskClientClosed`, counting the trials it
  cut short); a configuration the trial it could not take had from the queue (enqueued or
  re-queued) goes back to the queue;
- a Dask cluster that had workers has none for ``dask_cluster.NO_WORKERS_GRACE`` seconds: its
  running trials are lost with their workers (re-queued as ``on_worker_loss`` says) and the run
  stops with a warning; one no worker has joined yet is waited for, with a warning;
- a trial runs longer than ``trial_timeout`` seconds on its worker (queueing time does not
  count): it is FAILED ("timed out") and the worker takes the next trial. Python cannot stop a
  running function from outside, so the objective is run in a watchdog thread that is left
  behind: a hang that waits costs nothing, a runaway computation keeps a core busy until it ends;
- the optimizer waits (a synchronous rung's last jobs) with none of the run's trials running:
  for trials another study on the journal runs, the run reads the journal until they are told
  (:mod:`~interactive_hpo.study.waiting`); for a trial of the study's own asked by hand and never
  told, it raises the study's ``TrialStateError`` rather than end short, silently;
- ``KeyboardInterrupt`` (Ctrl-C): the study stops asking; running trials are waited for
  (``on_interrupt="wait"``, a second Ctrl-C cancels them; a wait of more than a couple of
  seconds says so) or cancelled at once (``"cancel"``,
  recorded FAILED); then the interrupt is re-raised. The journal is resumable either way. So
  are they when the run stops on an error (a callback raised), which is raised then. A
  terminal's or Jupyter's Ctrl-C reaches the local processes of a pool the run started too: it
  ends the trials they run (FAILED, interrupted), while an idle process ignores it, and one still
  starting, which starts with Ctrl-C blocked (:func:`~.worker.local_context`), drops it once it
  ignores it and runs the trial it was given. Nothing a Ctrl-C cut short is re-queued. A
  ``ProcessPoolExecutor`` of your own runs no initializer of ours: the Ctrl-C ends the trials its
  processes run, but kills its idle and starting processes too, which breaks it; the trials it
  loses are FAILED ("worker lost ...; not re-queued (the run was interrupted)": nothing tells a
  trial the Ctrl-C cut short from one lost beside it, so both are ``Trial.cut_short``, and a
  scheduler runs their jobs again), and the broken executor refuses the next
  run. Made with ``initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)``, its
  processes ignore Ctrl-C once started: its running trials finish (or ``"cancel"`` drops them).

The objective travels to the workers by value (cloudpickle), so a function defined in a
notebook works; it is called as ``objective(params)`` or ``objective(params, budget=b)``.
It is sent once per worker process (a pool the study starts, or a Dask cluster), not with each
trial, and each worker process unpickles it once per run and reuses it, so a stateful objective is shared by that
process's threads during a run, and each run starts from the objective as passed (a worker process
kept between runs holds the latest run's only); threads of this process (a ``ThreadPoolExecutor``)
call the objective itself, which need not pickle then.
An objective that takes ``report`` gets one on its worker (:mod:`.reports`): each report
travels to this process, where the study records it and asks its pruner (:mod:`.answering`),
and waits for the answer, so pruning, and stopping a running trial by hand, work as in a serial
run (on local processes, threads and Dask; an executor of your own must run on this machine).
"cancel" cannot stop a local process that is computing: it finishes its task after the run, and
its result is dropped.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..trial import CANCELLED, Trial
from .runner import ParallelRunner
from .settings import RunSettings
from .worker import evaluate_remote  # noqa: F401 - still importable here, a 0.1 name (tests/test_old_names.py)

if TYPE_CHECKING:
    from ..study.core import Study

__all__ = ["ParallelRunner", "RunSettings", "run_parallel"]


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
