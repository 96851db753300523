"""How a study records a change and tells others of it.

:class:`Recording` is the part of :class:`~interactive_hpo.study.Study` that every change goes
through: a transaction holds the journal's lock and first catches up with what other processes
wrote, an event is written to disk before memory moves, and subscribers then hear of the change
as a :class:`StudyEvent`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from .._validation import fail, warn_user
from ..trial import Trial
from .replay import catch_up

if TYPE_CHECKING:
    from .core import Study
    from .journal import Journal
    from .state import StudyState

__all__ = ["Recording", "StudyEvent"]


@dataclass(frozen=True, eq=False)
class StudyEvent:
    """What a subscriber receives.

    Attributes
    ----------
    kind : str
        "asked", "told", "added" (a manual trial), "undone" (a manual trial withdrawn),
        "enqueued", "switched", "reported" (an intermediate value) or "override" (a human's
        stop or promote).
    trial : Trial or None
        The trial concerned, or None for "enqueued" and "switched".
    study : Study
        The study that changed.
    """

    kind: str
    trial: Trial | None
    study: Study


class Recording:
    """Transactions, the journal's events and subscribers; mixed into :class:`~interactive_hpo.study.Study`."""

    # Provided by Study.
    _state: StudyState
    _journal: Journal | None
    _thread_lock: threading.RLock
    _subscribers: list[Callable[[StudyEvent], Any]]

    def subscribe(self, callback: Callable[[StudyEvent], Any]) -> Callable[[], None]:
        """Call ``callback(event)`` on every change; returns a function that unsubscribes.

        A subscriber that raises does not stop the study: its error becomes a warning.
        """
        if not callable(callback):
            raise fail("callback", "Study.subscribe", "a callable callback(event)", callback)
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def refresh(self) -> None:
        """Read what other processes appended to this study's journal since it last looked.

        Every method that changes the study does this first; call it to see their latest
        trials before reading :attr:`trials` or :attr:`best_trial`. In-memory studies have
        nothing to read.
        """
        with self._transaction():
            pass

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold this study's lock against the other threads of this process and the journal's
        against other processes, and catch up with other writers before deciding anything (a
        trial number, a proposal, a state); re-entrant.

        The thread lock makes a study safe to share between threads (your own pool calling
        ask and tell, the Lab's Run beside a click that stops a trial): two threads numbered
        the same trial, and a journaled study's threads closed each other's file mid-write.
        """
        with self._thread_lock:
            if self._journal is None:
                yield
                return
            with self._journal.locked():
                first_line = self._journal.lines_read + 1
                events = self._journal.read_new()
                if events:
                    for kind, trial in catch_up(cast("Study", self), events, first_line):
                        self._notify(kind, trial)
                self._journal.mend()
                yield

    def _record(self, event: dict[str, Any]) -> None:
        # Disk first: if writing fails, memory does not move ahead of the journal.
        with self._transaction():
            if self._journal is not None:
                self._journal.append(event)
            self._state.log(event)

    def _notify(self, kind: str, trial: Trial | None) -> None:
        event = StudyEvent(kind, trial, cast("Study", self))
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception as error:
                warn_user(f"Study subscriber {callback!r} raised {type(error).__name__}: {error}. "
                          "The study goes on.", RuntimeWarning)
