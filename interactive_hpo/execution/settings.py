"""How a parallel run places its trials: its settings (:class:`RunSettings`, each checked where
the person typed it) and the executor the trials run on (a pool of local processes the run
starts, a Dask client's executor, or any ``concurrent.futures``-style executor).
:mod:`.parallel` runs the trials.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
from dataclasses import dataclass
from typing import Any, NoReturn

from .._compat import executor_closed, executor_workers, pool_manager_thread
from .._validation import check_int, check_one_of, check_real, fail, is_int
from ..exceptions import InvalidParameterError
from .worker import local_context, start_worker

__all__ = ["MAX_TRIAL_TIMEOUT", "MAX_WORKERS", "POOL_SETTLE", "RunSettings", "as_executor", "check_open",
           "is_dask_client", "let_pool_go", "process_pool", "runs_here"]

#: The most workers a run starts: each is a process (or a task an executor holds), and
#: n_workers=10**14 reached multiprocessing as an OverflowError after the run had begun.
MAX_WORKERS = 4096
#: The longest ``trial_timeout``, in seconds (30 days): a worker waits for its trial with
#: ``Thread.join(timeout)``, which refuses more than ``threading.TIMEOUT_MAX`` (292 years on
#: Linux, 49 days on Windows, and the worker may run on either): every trial then came back
#: "worker lost (OverflowError)", and re-queued.
MAX_TRIAL_TIMEOUT = 30 * 24 * 3600.0


@dataclass(frozen=True)
class RunSettings:
    """How :meth:`Study.run <interactive_hpo.study.Study.run>` runs trials; :meth:`check` them once.

    Attributes
    ----------
    n_workers : int or None
        Trials running at once. Default: the executor's own size, or 4 local processes.
    executor : executor or dask Client, optional
        Default: a ``ProcessPoolExecutor(n_workers)`` the runner owns.
    trial_timeout : float or None
        Seconds a trial may run on its worker before it is FAILED ("timed out") and abandoned.
    on_worker_loss : {"fail", "requeue"}
    on_interrupt : {"wait", "cancel"}
    """

    n_workers: int | None = None
    executor: Any = None
    trial_timeout: float | None = None
    on_worker_loss: str = "fail"
    on_interrupt: str = "wait"

    @classmethod
    def check(cls, owner: str = "Study.run", *, n_workers: Any = None, executor: Any = None,
              trial_timeout: Any = None, on_worker_loss: Any = "fail", on_interrupt: Any = "wait") -> RunSettings:
        """The settings, each checked with an error naming it and ``owner``. A ``trial_timeout``
        needs workers: a running objective cannot be stopped from outside, so a trial that runs
        in this process could only be abandoned in a thread that keeps changing what it shares."""
        if executor is not None:
            if isinstance(executor, type):
                _refuse_class(executor, owner)
            if not _is_executor(executor):
                _refuse_executor(executor, owner)
            check_open(executor, owner)
        settings = cls(
            n_workers=None if n_workers is None else check_int(n_workers, "n_workers", owner, 1, MAX_WORKERS),
            executor=executor,
            trial_timeout=None if trial_timeout is None else _check_timeout(trial_timeout, owner),
            on_worker_loss=check_one_of(on_worker_loss, "on_worker_loss", owner, ("fail", "requeue")),
            on_interrupt=check_one_of(on_interrupt, "on_interrupt", owner, ("wait", "cancel")),
        )
        if settings.trial_timeout is not None and not settings.parallel:
            raise fail("trial_timeout", owner, "None when trials run in this process (n_workers=1)", trial_timeout,
                       hint="A running objective cannot be stopped from outside; use n_workers=2 or more, or an "
                            "executor, for timeouts.")
        return settings

    @property
    def parallel(self) -> bool:
        """Whether these settings ask for parallel trials: an executor, or more than one worker."""
        return self.executor is not None or (self.n_workers or 1) > 1


def _check_timeout(trial_timeout: Any, owner: str) -> float:
    """``trial_timeout`` in (0, MAX_TRIAL_TIMEOUT] seconds, or the error naming it and ``owner``."""
    seconds = check_real(trial_timeout, "trial_timeout", owner, 0.0, None, low_open=True)
    if seconds > MAX_TRIAL_TIMEOUT:
        raise fail("trial_timeout", owner, f"a finite real number in (0, MAX_TRIAL_TIMEOUT = {MAX_TRIAL_TIMEOUT:,.0f}] "
                   "seconds (30 days)", trial_timeout,
                   hint="A worker cannot wait longer for a trial; trial_timeout=None waits as long as it runs.")
    return seconds


def is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` is a ``dask.distributed.Client`` (told by its methods: dask is not
    imported), not the class itself."""
    return not isinstance(executor, type) and hasattr(executor, "get_executor") and hasattr(executor, "nthreads")


def runs_here(executor: Any) -> bool:
    """Whether ``executor`` runs its tasks in this process: a ``ThreadPoolExecutor`` (its threads
    call the objective itself, which need not pickle). A dask Client is not asked: even one made
    with ``processes=False`` may have workers of other processes join its scheduler."""
    # Python 3.14's InterpreterPoolExecutor is a ThreadPoolExecutor whose threads each run a
    # sub-interpreter: they do not share this interpreter's modules (the objectives kept here).
    interpreters = getattr(cf, "InterpreterPoolExecutor", None)
    return isinstance(executor, cf.ThreadPoolExecutor) and not (interpreters and isinstance(executor, interpreters))


def _is_executor(executor: Any) -> bool:
    """Whether ``executor`` can run trials: a ``concurrent.futures``-style executor or a dask Client
    (an instance: a class's ``submit`` is a function too, which failed once trial 0 was journaled)."""
    return is_dask_client(executor) or (not isinstance(executor, type) and callable(getattr(executor, "submit", None)))


_EXECUTOR_RULE = "a concurrent.futures-style executor (with submit) or a dask Client"


def _refuse_executor(executor: Any, owner: str) -> NoReturn:
    raise fail("executor", owner, _EXECUTOR_RULE, executor)


def _refuse_class(executor: type, owner: str) -> NoReturn:
    """Refuse the class of an executor given for one (``executor=ThreadPoolExecutor``): its
    ``submit`` is a function too, and it failed in concurrent.futures after trial 0 was journaled."""
    name = executor.__name__
    example = f"{name}(cluster)" if hasattr(executor, "get_executor") else \
        f"{name}(4)" if issubclass(executor, cf.Executor) else f"{name}(...)"
    # fail()'s "got" would show the class's repr; the words say what went wrong.
    raise InvalidParameterError(f"`executor` of {owner} must be {_EXECUTOR_RULE}; got the class {name}. "
                                f"Pass an instance: {example}.")


def check_open(executor: Any, owner: str) -> None:
    """Refuse an ``executor`` that takes no more tasks, naming ``owner``, before any trial is
    asked: a dask Client that is not running (a closed one failed inside distributed, "'NoneType'
    object has no attribute 'ncores'"), or a thread or process pool shut down or broken (its
    ``submit`` refused only once trial 0 was journaled FAILED). An executor of another kind
    cannot be asked: its ``submit`` tells, at the first trial."""
    if is_dask_client(executor):
        status = str(getattr(executor, "status", "running"))
        # Only a Client closing or closed runs no more tasks: one "connecting" (distributed sets it
        # while it reconnects to its scheduler) or "newly-created" will.
        why = f"a Client whose status is {status!r}" if status in ("closing", "closed") else None
    else:
        why = executor_closed(executor)
    if why is not None:
        raise fail("executor", owner, "an open executor or a running dask Client", executor,
                   hint=f"It is {why}, so it runs no more tasks: give an open one (one made by a `with` "
                        "statement closes when its block ends).")


def as_executor(executor: Any, owner: str) -> tuple[Any, int | None]:
    """A ``concurrent.futures`` executor, and how many tasks it runs at once if it says."""
    if is_dask_client(executor):
        # pure=False: the same configuration submitted twice (a re-queue) must run twice.
        return executor.get_executor(pure=False), sum(executor.nthreads().values()) or None
    if _is_executor(executor):
        # A size that is no count of workers (a custom executor's -1 started no trial at all, its
        # "2" failed mid-run) is as unknown as none: n_workers decides.
        size: Any = executor_workers(executor)  # what a custom executor keeps there may be anything
        return executor, size if is_int(size) and size >= 1 else None
    _refuse_executor(executor, owner)


def process_pool(n_workers: int, token: str, blob: bytes) -> cf.ProcessPoolExecutor:
    """Local worker processes (started as :func:`~.worker.local_context` says). Each is given the
    objective's bytes once, when it starts, under ``token`` (trials carry the token), and ends when
    this process is gone (:func:`~.worker.start_worker`)."""
    ctrl_c = signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the workers take Ctrl-C as this process does
    return cf.ProcessPoolExecutor(n_workers, mp_context=local_context(), initializer=start_worker,
                                  initargs=(token, blob, os.getpid(), ctrl_c))


#: Seconds a run waits for the pool it lets go to wind down (its workers done): long enough for an
#: idle pool, short for one whose worker runs a trial that hangs (it goes on winding down alone).
POOL_SETTLE = 0.5


def let_pool_go(pool: cf.ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting for its running tasks (those queued are cancelled),
    then give its manager thread :data:`POOL_SETTLE` seconds to wind down: a script that exits
    while it still closes could print "Exception ignored in threading._shutdown ... Bad file
    descriptor" from Python 3.11's exit handler (:func:`~interactive_hpo._compat.pool_manager_thread`)."""
    manager = pool_manager_thread(pool)  # before: shutdown lets go of it, waiting or not
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=POOL_SETTLE)
