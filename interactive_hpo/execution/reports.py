"""Pruning in parallel runs: an objective's ``report(value, step)`` on a worker, answered by the study.

The pruner and the study's journal live in the process that runs the study, so a worker's
report travels there and waits for the answer. :class:`RemoteReport` is the ``report`` an
objective gets on a worker: it sends ``[number, value, step, attempt]`` to the study's inbox
(``attempt``: which run of the trial's task, as Dask runs a lost worker's task again) and waits on
its trial's own answer queue for ``[verdict, error type, message]``: "continue", "prune"
(it raises :class:`~interactive_hpo.outcome.StudyPruned`, a TrialPruned, as in a serial run), or "error"
(the study refused the report: it raises that error, and the trial fails with it, as in a serial
run). The runner answers while it waits for results (:meth:`ParallelRunner.collect
<interactive_hpo.execution.parallel.ParallelRunner.collect>`), with a
:class:`~interactive_hpo.execution.answering.ReportDesk`.

The queues: :class:`LocalReports`, a ``multiprocessing`` manager's, for workers on this machine
(the pool a run starts, threads, a local executor of your own); on a Dask cluster, queues on its
scheduler (:class:`~interactive_hpo.execution.dask_cluster.DaskReports`). Everything sent is
lists of numbers and text (what Dask's queues carry).
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import queue
import uuid
from multiprocessing.managers import SyncManager
from typing import Any, Protocol

from .. import exceptions
from .._signals import held_interrupt
from .._validation import as_finite, as_scalar, fail, is_real
from ..exceptions import HPOError, ReportServerLost
from ..outcome import StudyPruned
from ..trial import REPORT_UNANSWERED, RUN_ENDED, check_step
from .main_guard import REPORT_SERVER
from .worker import end_with, local_context

__all__ = ["ENDED", "LocalReports", "ManagerQueue", "RemoteReport", "Reports", "held_interrupt", "refusal", "verdict"]

#: The answer every trial still waiting gets when its run ends (its trial is cut short: ``Trial.cut_short``).
ENDED = ["error", "TrialStateError", f"{REPORT_UNANSWERED}: the run ended"]


def verdict(prune: bool, number: int, step: float) -> list[str]:
    """The answer to a report the study took: go on, or stop (pruned)."""
    return ["prune", "", f"trial {number} pruned at step {step}"] if prune else ["continue", "", ""]


def refusal(error: Exception) -> list[str]:
    """The answer to a report the study refused (a step reported twice, a trial no longer running,
    a pruner that raised): the worker raises the same error, so the trial fails as it would serially."""
    try:
        message = str(error)
    except Exception as failure:  # noqa: BLE001 - the worker waits for an answer whatever the error
        message = f"<its message could not be shown: str() raised {type(failure).__name__}>"
    return ["error", type(error).__name__, message]


class RemoteReport:
    """The ``report(value, step)`` an objective gets on a worker (picklable: it travels with the task).

    Parameters
    ----------
    number : int
        The trial it reports for.
    inbox, answers : queue
        The study's inbox (shared by all trials) and this trial's answer queue: a manager's
        queues (:class:`ManagerQueue`, connected as the task starts), or Dask queues (anything
        with ``put(item)`` and ``get()``).
    """

    def __init__(self, number: int, inbox: Any, answers: Any, attempt: str = ""):
        self.number, self.inbox, self.answers, self.attempt = number, inbox, answers, attempt

    def new_attempt(self) -> RemoteReport:
        """This ``report`` for one run of the trial's task (a worker calls it as the task starts,
        in the task's thread, before the objective).

        Raises
        ------
        TrialStateError
            The run has ended (its report queues' server is gone): the objective is not run.
        """
        for channel in (self.inbox, self.answers):
            if isinstance(channel, ManagerQueue):
                try:
                    channel.connect()
                except (EOFError, OSError) as lost:
                    raise exceptions.TrialStateError(f"{RUN_ENDED} ({lost!r})") from None
            else:
                # A Dask queue finds its client from the thread of a task, and keeps it: the objective
                # may run in a watchdog thread (trial_timeout), where it could not ("not properly initialized").
                getattr(channel, "client", None)
        return RemoteReport(self.number, self.inbox, self.answers, uuid.uuid4().hex)

    def __call__(self, value: float, step: float) -> None:
        # Checked here as the study checks them, so that only numbers travel: the same refusals.
        value = as_scalar(value)
        if not is_real(value):
            raise fail("value", "Study.report", "a real number", value)
        step = check_step(step, "Study.report")
        finite = as_finite(value)
        try:
            self.inbox.put([self.number, math.nan if finite is None else finite, step, self.attempt])
            kind, error, message = self.answers.get()
        except (EOFError, OSError) as lost:  # the manager is gone: the run ended, or its server died (killed)
            raise exceptions.TrialStateError(f"{REPORT_UNANSWERED}: the run's report server is gone ({lost!r})") \
                from None
        if kind == "prune":
            raise StudyPruned(message)
        if kind == "error":
            raise _as_raised(error, message)


def _as_raised(name: str, message: str) -> Exception:
    """The error the study's ``name: message`` stands for, on the worker: the package's own, or one
    of that name (a builtin's subclass when there is one: a custom pruner's ZeroDivisionError), so
    that the trial's error text is a serial run's ("ZeroDivisionError: ...", not "HPOError: ...")."""
    raised = getattr(exceptions, name, None)
    if isinstance(raised, type) and issubclass(raised, HPOError):
        return raised(message)
    base = getattr(builtins, name, None)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = HPOError
    named = name if name.isidentifier() else "HPOError"
    with contextlib.suppress(Exception):  # a builtin that takes other arguments (UnicodeDecodeError)
        return type(named, (base,), {"__str__": lambda self: message})(message)
    return type(named, (HPOError,), {"__str__": lambda self: message})(message)


class ManagerQueue:
    """A ``multiprocessing`` manager's queue proxy that connects to the manager's server where it
    is used, not where it is unpickled.

    Unpickling a proxy connects at once. A task unpickled by a pool's worker after its run had
    ended (a Stop or a Ctrl-C just after the trials were submitted) found the server gone: the
    worker died with a traceback on stderr (red, in a notebook) while taking its task, breaking
    the pool. This travels as what the proxy is rebuilt from, and rebuilds it at :meth:`connect`
    (:meth:`RemoteReport.new_attempt`, as its task starts), where a server gone is an ``OSError``
    or ``EOFError`` that ends the trial, not the worker.

    Parameters
    ----------
    proxy : BaseProxy, optional
        The proxy, where it was made (in the study's process).
    rebuild : tuple, optional
        ``(function, arguments)`` that make it (``proxy.__reduce__()``), where it travelled to.
    """

    def __init__(self, proxy: Any = None, rebuild: tuple[Any, tuple[Any, ...]] | None = None):
        self._proxy, self._rebuild = proxy, rebuild

    def __reduce__(self) -> tuple[Any, ...]:
        # Reduced as it is pickled: the proxy sends the server's authentication key only while a
        # process is being started (multiprocessing refuses to send it otherwise).
        return ManagerQueue, (None, self._rebuild if self._proxy is None else self._proxy.__reduce__())

    def connect(self) -> Any:
        """The proxy, rebuilt (connecting to the server) the first time."""
        if self._proxy is None:
            assert self._rebuild is not None  # one of the two is always given
            function, arguments = self._rebuild
            self._proxy = function(*arguments)
        return self._proxy

    def put(self, item: Any) -> None:
        self.connect().put(item)

    def get(self) -> Any:
        return self.connect().get()


class Reports(Protocol):
    """What :class:`~interactive_hpo.execution.parallel.ParallelRunner` needs of a report channel."""

    def reporter(self, number: int) -> RemoteReport:
        """The ``report`` for trial ``number``, sent with its task (:class:`ReportServerLost` if the
        queues are gone)."""

    def received(self, timeout: float) -> list[list[Any]]:
        """The reports that arrived (``[number, value, step, attempt]`` each), waiting up to ``timeout``
        seconds for the first; [] if none came. Raises :class:`ReportServerLost` if the queues are gone."""

    def answer(self, number: int, answer: list[str]) -> None:
        """Send trial ``number`` the answer to its report (:class:`ReportServerLost` if the queues are gone)."""

    def close(self) -> None:
        """Answer every trial still waiting :data:`ENDED`, and let go of the queues."""


def _server_lost(lost: BaseException) -> ReportServerLost:
    """The error a run stops with when its report queues' server process died (killed from outside:
    the out-of-memory killer, a ``kill``), as a call to it failed with ``lost``."""
    return ReportServerLost(
        f"The process that carries this run's reports to the study (its report queues' server, a "
        f"multiprocessing manager the run started) died: {type(lost).__name__}"
        f"{f': {lost}' if str(lost) else ''}. The run stopped: its running trials were cancelled (FAILED) or, "
        "with on_interrupt=\"wait\", waited for (a trial that reported again FAILED: nothing can answer it now), "
        "and the journal is resumable: run the study again to go on (a new run starts a new server).")


class LocalReports:
    """Report queues for workers on this machine: a ``multiprocessing`` manager's (a server
    process started with the run), whose queues reach processes and threads alike."""

    def __init__(self) -> None:
        self._manager = SyncManager(ctx=local_context(REPORT_SERVER))
        self._answers: dict[int, Any] = {}
        try:
            # Ctrl-C held until the server is up and known: one while the study waited for the
            # server's address left the server writing it to a pipe the study had closed (a
            # BrokenPipeError traceback on stderr) and running, with nothing to shut it down. The
            # server itself ignores Ctrl-C (multiprocessing's), and started with it blocked (local_context).
            with held_interrupt():
                self._manager.start(initializer=end_with, initargs=(os.getpid(),))  # it ends with this process
                self._inbox = self._manager.Queue()
        except BaseException:  # a held Ctrl-C included: no run, so nobody else closes it
            if hasattr(self._manager, "shutdown"):  # what start sets once the server is up
                self._manager.shutdown()
            raise

    def reporter(self, number: int) -> RemoteReport:
        try:  # the server may die before a report is waited for (between two submits: a callback's kill)
            self._answers[number] = self._manager.Queue()
        except (EOFError, OSError) as lost:  # a bare ConnectionRefusedError otherwise
            raise _server_lost(lost) from None
        return RemoteReport(number, ManagerQueue(self._inbox), ManagerQueue(self._answers[number]))

    def received(self, timeout: float) -> list[list[Any]]:
        items = []
        try:
            items.append(self._inbox.get(timeout=timeout) if timeout > 0 else self._inbox.get_nowait())
            while True:
                items.append(self._inbox.get_nowait())
        except queue.Empty:
            return items
        except (EOFError, OSError) as lost:  # a BrokenPipeError, under an EOFError, under another, was all it said
            raise _server_lost(lost) from None

    def answer(self, number: int, answer: list[str]) -> None:
        try:
            self._answers[number].put(answer)
        except (EOFError, OSError) as lost:
            raise _server_lost(lost) from None

    def close(self) -> None:
        try:
            with contextlib.suppress(Exception):  # a manager that died has no queues left to answer
                for answers in self._answers.values():
                    answers.put(ENDED)
        finally:
            self._manager.shutdown()  # a worker still waiting gets an EOFError: its report raises
