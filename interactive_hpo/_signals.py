"""Ctrl-C (SIGINT) held back while a block that must not be cut in two runs."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["held_interrupt"]


@contextlib.contextmanager
def held_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) back while the block runs, then raise it as it would have been.

    A multiprocessing manager's proxy (and a Dask queue) sends a request and reads its reply: a
    KeyboardInterrupt between the two lost the report the server had already taken from the
    inbox, and left the reply unread on the connection, so that the next call read the previous
    call's reply (a ``put`` raised ``queue.Empty``, a ``get`` returned None; the run then failed
    with a TypeError, trials left RUNNING, and a worker waited for its answer for ever). A study
    holds it from a journal write until memory has the event, and while it lets go of its
    journal's lock (see :mod:`interactive_hpo.study.recording`). Nested holds raise once, at the
    outermost's end. Only the main thread receives signals; elsewhere, or when SIGINT is not
    handled in Python, nothing is held.
    """
    previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    # Another thread, SIG_IGN, SIG_DFL or a handler not installed from Python: nothing to hold.
    # Within another hold: that one raises it (and a study's calls nest holds by the dozen).
    if not callable(previous) or isinstance(previous, _Held):
        yield
        return
    held = _Held()
    signal.signal(signal.SIGINT, held)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held.pressed:
            previous(*held.pressed[0])  # KeyboardInterrupt, with the default handler


class _Held:
    """The SIGINT handler of a hold: it notes the signals."""

    def __init__(self) -> None:
        self.pressed: list[tuple[int, Any]] = []

    def __call__(self, signum: int, frame: Any) -> None:
        self.pressed.append((signum, frame))
