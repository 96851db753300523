"""What runs in a worker process, and how the objective gets there.

The objective travels by value (cloudpickle, so a function defined in a notebook works) as
bytes, named by the run (a token); :func:`evaluate_remote` runs in the worker, unpickles
those bytes once per process and run, calls the objective and returns plain data. The bytes go to each
process of a pool the study starts, or each worker of a Dask cluster, once (:func:`keep_blob`),
not with every trial: an objective holding a dataset was copied once per trial. The study's side of a
parallel run (asking, telling, lost workers) is :mod:`.parallel`.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .._validation import describe_error, fail
from ..exceptions import TrialStateError, WorkerStartError
from ..outcome import call_objective
from ..trial import USER_INTERRUPT, TrialState
from .main_guard import UNGUARDED, WORKERS, check_main_guard

if TYPE_CHECKING:
    from .reports import RemoteReport

__all__ = ["WATCH_EVERY", "end_with", "evaluate_remote", "forget_blob", "keep_blob", "keep_here", "local_context",
           "release", "serialize", "start_worker"]

#: In the process that runs the study, the objective of each run in progress, by run (see :func:`serialize`).
_OBJECTIVES: dict[str, Callable[..., Any]] = {}
#: Objectives this worker process unpickled, by run, from bytes it was given once (:func:`keep_blob`):
#: dropped with them when the run ends (:func:`forget_blob`). Keyed by the bytes' hash, they were
#: kept for good, and a run of a new objective equal to an earlier one went on with its state.
_LOADED: dict[str, Callable[..., Any]] = {}
#: The one objective unpickled from bytes that came with a task (an executor of your own, which
#: tells no worker when a run ends): the latest run's, so that a worker kept open holds one.
_CARRIED: dict[str, Callable[..., Any]] = {}
#: The objective's bytes this worker process was given once, by run (a token), rather than with
#: each trial: by the pool the study started (its initializer) or a Dask worker plugin (see
#: :mod:`.dask_cluster`); dropped once loaded, or when the run ends.
_BLOBS: dict[str, bytes] = {}
#: Guards the four dicts above and :data:`_PENDING`: a Dask worker runs several tasks at once, in threads.
_LOCK = threading.Lock()
#: The objectives being unpickled in this process, by run: a thread that needs one waits for the
#: thread unpickling it, and gets its object or its error. Both missed and unpickled their own
#: copy (audit a430: 2 instances on a Dask worker of 2 threads), so that a stateful objective was
#: not shared, and a dataset it held took memory twice.
_PENDING: dict[str, Future[Callable[..., Any]]] = {}
#: Whether this process is a worker of a pool a run started, which ignores Ctrl-C but while the
#: objective runs (see :func:`start_worker`).
_CTRL_C_ENDS_TRIALS_ONLY = False
#: Whether this process is a worker of a pool a run started (:func:`start_worker`): it starts no
#: local processes (:func:`local_context`).
_POOL_WORKER = False
#: Seconds between two looks, in a process a run started, at whether the study's process is there.
WATCH_EVERY = 0.5


def keep_blob(token: str, blob: bytes) -> None:
    """Keep the objective's bytes in this worker process under ``token``, where :func:`evaluate_remote`
    finds them when a task names them instead of carrying them."""
    with _LOCK:
        _BLOBS[token] = blob


def end_with(pid: int) -> None:
    """In a process the study started for a run (a pool's worker, the report queues' server):
    exit once the study's process ``pid`` is gone. After a kill -9 of the study (a kernel killed
    for its memory) they ran on for good: an objective computing, holding its data."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY)
            try:
                os.kill(pid, 0)  # signal 0: only asks whether the process is there
            except (ProcessLookupError, PermissionError):  # gone (or another user's process has its number)
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="interactive_hpo-watch").start()


@contextmanager
def _ctrl_c_blocked() -> Iterator[None]:
    """Block Ctrl-C (SIGINT) in this thread while the block runs; one pressed meanwhile is
    delivered when it ends. Where there are no signal masks (Windows) nothing is blocked.

    A process started here inherits the mask: it starts with Ctrl-C blocked (CPython starts its
    resource tracker so, bpo-33613).
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    from multiprocessing import resource_tracker

    # Started now if it is not running: starting it would unblock SIGINT here (SIG_UNBLOCK, not
    # the mask it found), and the worker would start unprotected.
    resource_tracker.ensure_running()
    # The mask is read first and changed inside the try: pthread_sigmask runs pending Python signal
    # handlers after it changed the mask, and a KeyboardInterrupt raised there must still restore it.
    before = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class _QuietStart(multiprocessing.context.SpawnProcess):
    """A spawned process that starts with Ctrl-C blocked: until :func:`start_worker` ignores it
    and unblocks it (a manager's server ignores it itself), a Ctrl-C waits, and is then dropped.

    A terminal's or Jupyter's Ctrl-C reaches the whole process group. A worker still starting
    (importing, unpickling its task's function) died of it, which broke the pool: the trials
    running beside it were lost, and one submitted to it never ran.
    """

    def start(self) -> None:
        # The check spawn makes itself, with its RuntimeError ("An attempt has been made to start a
        # new process before the current process has finished its bootstrapping phase") replaced by
        # the fix: a script run without the guard is run again, top level and all, by each process
        # it starts, and that run asks for processes of its own. The study's process tells first
        # where it can (local_context); this is for a run it could not see was unguarded.
        if getattr(multiprocessing.process.current_process(), "_inheriting", False):
            raise WorkerStartError(UNGUARDED)
        with _ctrl_c_blocked():
            super().start()


class _QuietContext(multiprocessing.context.SpawnContext):
    """The spawn start method, with processes that start with Ctrl-C blocked (:class:`_QuietStart`)."""

    Process = _QuietStart


def local_context(what: str = WORKERS) -> multiprocessing.context.BaseContext:
    """How the study starts local processes (``what``: a pool's workers,
    :data:`~.main_guard.WORKERS`, or the report queues' server): spawned
    (a fresh interpreter), with Ctrl-C blocked until they ignore it (:class:`_QuietStart`).

    Not forked: forking a process that already runs threads (torch, BLAS, a Jupyter kernel) can
    deadlock the child. Not by a fork server: its children inherit its signal handlers and mask,
    not the study's, so nothing the study does keeps a Ctrl-C from killing one still starting.

    Raises WorkerStartError, naming ``what``, before any process starts: when it is asked for from
    the top level of a script without ``if __name__ == "__main__":``
    (:func:`~.main_guard.check_main_guard`), or in a worker of a pool a run started. There a run
    comes from the objective's module, imported to unpickle the objective, starting a run when
    imported: each worker started a pool of its own, whose workers did the same, for good.
    """
    if _POOL_WORKER and what == WORKERS:  # a report server alone starts no pool: a nested thread run's is fine
        raise WorkerStartError(
            f"interactive_hpo cannot start {what} in a worker process of a run: a worker process cannot "
            "start its own pool. Most likely the objective's module starts a run when it is imported (each "
            "worker imports it to unpickle the objective, and would start a pool of its own, whose workers "
            "would do the same): put that run under `if __name__ == \"__main__\":` or in a function.")
    check_main_guard(what)
    return _QuietContext()


def start_worker(token: str, blob: bytes, pid: int, ctrl_c: bool = True) -> None:
    """The initializer of a process of a pool the study starts: Ctrl-C ignored but while an
    objective runs (:func:`_ctrl_c_ends_the_trial`; always, ``ctrl_c`` False: the study's process
    ignores it, a shell's background job), the objective's bytes (:func:`keep_blob`), and an end
    with the study's process ``pid`` (:func:`end_with`).

    A Ctrl-C reaches the whole process group, workers too: one idle (waiting for a task) died of
    it, with a traceback on stderr, and broke the pool, so that the trials running beside it were
    lost (re-queued with ``on_worker_loss="requeue"``) rather than waited for. The process started
    with Ctrl-C blocked (:func:`local_context`): one pressed while it started waits until now, and
    is dropped here.
    """
    global _CTRL_C_ENDS_TRIALS_ONLY, _POOL_WORKER
    _POOL_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignoring a pending signal drops it
    # A study that ignores Ctrl-C runs on: a worker that took one failed its trial "interrupted
    # by the user", and the run went on without it.
    _CTRL_C_ENDS_TRIALS_ONLY = ctrl_c
    keep_blob(token, blob)
    end_with(pid)  # its thread keeps SIGINT blocked: only the main thread takes a Ctrl-C
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _ctrl_c_ends_the_trial() -> Iterator[None]:
    """In the main thread of a worker :func:`start_worker` started: Ctrl-C raises KeyboardInterrupt
    while the block runs (the objective, or the wait for it), and is ignored again after it.
    Elsewhere (threads, a Dask worker, a pool of your own) the handler is left as it is."""
    if not (_CTRL_C_ENDS_TRIALS_ONLY and threading.current_thread() is threading.main_thread()):
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def forget_blob(token: str) -> None:
    """Drop the bytes kept under ``token``, and the objective unpickled from them: their run has ended."""
    with _LOCK:
        _BLOBS.pop(token, None)
        _LOADED.pop(token, None)


def _objective(key: str, payload: bytes | str) -> Callable[..., Any]:
    """The objective of run ``key``: registered in this process (:func:`serialize`), or unpickled
    here once per run from ``payload``, its bytes or the token they were kept under.

    One thread unpickles it; the others that need it meanwhile wait for that thread and get its
    object, or the error it raised (a later task tries again). It is unpickled outside the lock:
    unpickling may import modules, and a thread importing one may need the lock.
    """
    with _LOCK:
        for kept in (_OBJECTIVES, _LOADED, _CARRIED):
            if key in kept:
                return kept[key]
        loading = _PENDING.get(key)
        first = loading is None
        if loading is None:
            loading = _PENDING[key] = Future()
    if not first:
        return loading.result()  # the first thread's object, or its error raised here
    try:
        objective = pickle.loads(_BLOBS[payload] if isinstance(payload, str) else payload)
    except BaseException as error:  # a KeyboardInterrupt too: no thread is left waiting
        with _LOCK:
            del _PENDING[key]
        # A Ctrl-C is this thread's: the others fail to load, they are not interrupted.
        loading.set_exception(error if isinstance(error, Exception) else
                              RuntimeError(f"unpickling the objective was interrupted ({type(error).__name__})"))
        raise
    with _LOCK:
        if not isinstance(payload, str):
            _CARRIED.clear()  # an earlier run's: the next run of this worker is another run's
            _CARRIED[key] = objective
        elif _BLOBS.pop(payload, None) is not None:  # else its run ended meanwhile (forget_blob)
            _LOADED[key] = objective  # its bytes dropped: a second copy of its dataset would only take memory
        del _PENDING[key]
    loading.set_result(objective)
    return objective


def evaluate_remote(key: str, payload: bytes | str, params: dict[str, Any], budget: float | None,
                    timeout: float | None = None, report: RemoteReport | None = None) -> tuple[str, Any, dict]:
    """Run in a worker: call the objective and return ``(state, value, user_attrs)``, plain data.

    ``payload`` is the objective's bytes, or the token under which this process was given them
    (:func:`keep_blob`); ``key`` names the run. ``report``: what an objective that takes ``report``
    is given (:class:`~.reports.RemoteReport`, which asks the study), None when it takes none.
    Exceptions of the objective are returned as a FAILED outcome (with the traceback), so an
    exception that reaches the caller's future means the worker itself failed. With ``timeout``
    the objective runs in a daemon thread, abandoned (FAILED, "timed out") after that many seconds.
    """
    thread = threading.current_thread()  # several threads of one process are several workers
    where: dict[str, Any] = {"worker": f"{socket.gethostname()}:{os.getpid()}"
                             + ("" if thread is threading.main_thread() else f"/{thread.name}")}
    where["started_at"] = time.time()  # the worker's own clock: when it really ran (Schedule.observed)
    try:
        objective = _objective(key, payload)
    except Exception as error:  # a package the objective needs is missing here: not the worker's death
        return (TrialState.FAILED.value, None, {"error": f"could not load the objective on this worker: "
                                                         f"{describe_error(error)}", **where})
    outcome: list[tuple[str, Any, dict]] = []
    # Each run of the task reports as its own attempt: one Dask runs again, after a worker died,
    # reports the steps the first run reported again.
    try:
        attempt = None if report is None else report.new_attempt()
    except TrialStateError as ended:  # taken after its run ended (a Stop just after Run): not worth running
        return TrialState.FAILED.value, None, {"error": describe_error(ended), **where, "finished_at": time.time()}

    interrupted = (TrialState.FAILED.value, None, {"error": USER_INTERRUPT})

    def call() -> None:
        # The outcome is read here, on the worker (by the same call_objective as a serial run):
        # what cannot be read as a value is a FAILED trial with that reason, never a lost worker.
        try:
            with _ctrl_c_ends_the_trial():
                state, value, attrs = call_objective(objective, params, budget=budget, report=attempt)
            outcome.append((state.value, value, attrs))
        except KeyboardInterrupt:  # Ctrl-C reaches the workers' process group too; the trial, not the worker, ends
            outcome.append(interrupted)

    if timeout is None:
        call()
    else:
        watchdog = threading.Thread(target=call, daemon=True, name="interactive_hpo-trial")
        try:
            with _ctrl_c_ends_the_trial():  # the objective's thread gets no signal: the wait for it ends
                watchdog.start()
                watchdog.join(timeout)
        except KeyboardInterrupt:
            outcome.insert(0, interrupted)  # the objective's thread is left behind, as on a timeout
    state, value, attrs = outcome[0] if outcome else (TrialState.FAILED.value, None,
                                                      {"error": f"timed out after {timeout:g} s"})
    return state, value, {**attrs, **where, "finished_at": time.time()}


def keep_here(objective: Callable[..., Any], key: str) -> None:
    """Until :func:`release`, workers in this process (the threads of a ``ThreadPoolExecutor``, a
    Dask cluster without processes) call ``objective`` itself for the run ``key``: unpickling a
    function defined in a module imports that module, which deadlocked (both waiting forever) while
    the module was being imported, as when it starts the run at its top level."""
    _OBJECTIVES[key] = objective


def serialize(objective: Callable[..., Any], owner: str, key: str, maybe: bool = False) -> bytes:
    """The objective's bytes (by value: cloudpickle, a dependency, sends a function defined in a
    notebook too), for the run ``key``; it is kept here too (:func:`keep_here`). ``maybe``: for a
    Dask cluster, whose workers may be threads of this process, or not (its refusal says so)."""
    import cloudpickle

    try:
        blob = cloudpickle.dumps(objective)
    except Exception as error:  # an ImportError too: it fell back to pickle, which raised its own error
        where = "may run in other processes (a Dask cluster can gain process workers)" if maybe else \
            "run in other processes"
        raise fail("objective", owner, f"a picklable callable when trials {where}", objective,
                   hint=f"It could not be sent to the workers: {type(error).__name__}: {error}. The threads "
                        "of a ThreadPoolExecutor (executor=) call it as it is.") from error
    keep_here(objective, key)
    return blob


def release(key: str, objective: Callable[..., Any]) -> None:
    """Forget ``objective``, registered under ``key`` by :func:`keep_here`: its run has ended (the
    registry would otherwise hold every objective, and the data it holds, for good)."""
    if _OBJECTIVES.get(key) is objective:
        del _OBJECTIVES[key]
