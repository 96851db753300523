"""Run N inside a Jupyter kernel without blocking it.

In a kernel, the Lab's Run is an asyncio task on the kernel's event loop that gives the loop a
turn after every trial, so the kernel handles a Stop click while the run goes on (a blocking
loop queued the click until the run was over). Outside a kernel (a script, a test) there is no
loop to give turns to, and the Lab runs to the end where it is.

The turn comes between trials only: an objective runs in the kernel's thread, so while one
evaluates (in a run without workers), nothing else does, a Stop click included. Kernel ->
Interrupt does reach it: ipykernel ignores SIGINT outside the handling of a message, and a
background run's trials run outside any, so a hung objective could only be ended by restarting
the kernel. While the run computes, Python's own handler is in place instead (as ipykernel puts
it in place while a cell runs): the trial in progress is FAILED ("interrupted by the user") and
the run ends.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..trial import Trial
from .errors import ErrorLog, produced_under

__all__ = ["interruptible", "kernel_loop", "run_steps"]

#: Seconds the run hands the kernel after each trial (enough for a click's message to arrive).
TURN = 0.01


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop of the Jupyter kernel this code runs in, or None elsewhere (another
    library's loop on the same thread, such as playwright's, is not one to schedule runs on)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return None
        return asyncio.get_running_loop()
    except (ImportError, RuntimeError):
        return None


async def run_steps(steps: Iterable[Trial | None], n_trials: int, errors: ErrorLog,
                    progress: Callable[[int, int], Any], running: Callable[[bool], Any]) -> None:
    """Go through ``steps`` (``LabController.steps(n_trials)``), giving the loop a turn after each.

    ``running(True)`` first and ``running(False)`` at the end, however it ends; ``progress(done,
    n_trials)`` after each trial. Warnings are shown in ``errors`` as a Step's are, and an error
    ends the run there, shown too: the task has no other reader.
    """
    running(True)
    try:
        done = 0
        for trial in produced_under(errors.watched(steps), interruptible):
            if trial is not None:  # None: workers still computing; let the kernel breathe
                done += 1
                progress(done, n_trials)
            await asyncio.sleep(TURN)
    except KeyboardInterrupt:
        errors.show(KeyboardInterrupt("Kernel -> Interrupt ended the run; the trial in progress is FAILED, "
                                      "every finished trial is kept."))
    except Exception as error:  # noqa: BLE001 - shown in the app; the task has no other reader
        errors.show(error)
    finally:
        running(False)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt inside (Python's default handler), whatever handler was in
    place (ipykernel's SIG_IGN between messages), which is put back after. Only the main thread
    can set a handler; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
