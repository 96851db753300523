"""How a study records a change and tells others of it.

:class:`Recording` is the part of :class:`~interactive_hpo.study.Study` that every change goes
through: a transaction holds the journal's lock and first catches up with what other processes
wrote, an event is written to disk before memory moves, and subscribers then hear of the change
as a :class:`StudyEvent`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from .._signals import held_interrupt
from .._validation import fail, warn_user
from ..trial import USER_INTERRUPT, Trial, TrialState
from .replay import catch_up, rebuild_after_lost_ask

if TYPE_CHECKING:
    from .core import Study
    from .journal import Journal
    from .state import StudyState

__all__ = ["Recording", "StudyEvent"]

#: The events that switch what every process on the journal has in charge, recorded with their owner.
_SIGNED = ("switched", "pruner_switched")


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
    _owner: dict[str, Any]

    def _init_recording(self) -> None:
        self._subscribers: list[Callable[[StudyEvent], Any]] = []
        self._thread_lock = threading.RLock()  # held by every transaction
        self._transactions_held = 0  # transactions the thread holding the lock is in
        self._untold: deque[StudyEvent] = deque()  # changes made, not yet told to the subscribers
        self._delivering = threading.Lock()  # held by the one thread telling them
        self._held: contextlib.ExitStack | None = None  # a Ctrl-C held since this transaction's first event

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle, copy.copy and copy.deepcopy all come here. They failed with "cannot pickle
        # '_thread.RLock' object", which says nothing of what to do. A copy would be a second writer
        # of the same journal under the original's owner, without its subscribers (widgets); a
        # pickle on disk is what the journal replaces (it runs no code when read).
        name = type(self).__name__
        raise TypeError(
            f"A {name} cannot be pickled nor copied: it holds locks, its subscribers and its optimizer's live "
            f"state, and may write a journal. To keep a study or open it in another process, journal it "
            f"({name}(..., storage='study.jsonl'), or study.save('study.jsonl')) and read it there with "
            f"{name}.load('study.jsonl'); for an independent copy to try something on, fork it "
            f"(interactive_hpo.study.branching.fork_study(study, len(study.trials)).study); its trials "
            f"(study.trials, study.best_trial) pickle and copy as values.")

    def subscribe(self, callback: Callable[[StudyEvent], Any]) -> Callable[[], None]:
        """Call ``callback(event)`` on every change; returns a function that unsubscribes.

        Every subscriber hears of the changes one at a time, in the order they were made, once
        the change is complete and the study unlocked, so a callback may call the study (its
        own change is told after the current event) or open its journal. The method that made
        the change returns once it is told, unless another thread is telling the subscribers
        of earlier changes: that thread tells this one too. A subscriber that raises does not
        stop the study: its error becomes a warning.
        """
        if not callable(callback):
            raise fail("callback", "Study.subscribe", "a callable callback(event)", callback)
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):  # twice, or from two threads at once
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

    def _transaction(self) -> _Transaction:
        """Hold this study's lock against the other threads of this process and the journal's
        against other processes, and catch up with other writers before deciding anything (a
        trial number, a proposal, a state); re-entrant.

        The thread lock makes a study safe to share between threads (your own pool calling
        ask and tell, a thread of yours stopping a trial while a run goes on): two threads numbered
        the same trial, and a journaled study's threads closed each other's file mid-write.
        Subscribers hear of the changes once the outermost transaction has let go of both
        locks: called within, one that waited for another thread using the study, or opened
        its journal (``Study.load``), waited for ever.
        """
        return _Transaction(self)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The locks and the catching up of :meth:`_transaction`."""
        with self._thread_lock:
            self._transactions_held += 1
            try:
                if self._journal is None:
                    yield
                    return
                with self._journal.locked():
                    with held_interrupt():  # events read are past this handle's offset: all applied, or none read
                        first_line = self._journal.lines_read + 1
                        events = self._journal.read_new()
                        if events:
                            viewer = self._journal.read_only is not None  # follows a switch without a word
                            for kind, trial in catch_up(cast("Study", self), events, first_line, viewer):
                                self._notify(kind, trial)
                        self._journal.mend()
                    yield
            finally:
                self._transactions_held -= 1

    def _record(self, *events: dict[str, Any]) -> None:
        # Disk first: if writing fails, memory does not move ahead of the journal. The events of
        # one change are written at once (Journal.append), so a failed write records none of them.
        # A switch names its process, as an ask does: the others follow it, and say whose it was (.sharing).
        events = tuple({**event, "owner": self._owner} if event["event"] in _SIGNED else event for event in events)
        with self._transaction():
            if self._held is None:
                # From the write until the transaction ends, as memory catches up with the journal
                # (the caller adds the trial, tells the optimizer): a Ctrl-C in between left the
                # event on disk alone, and the next trial took the same number.
                self._held = contextlib.ExitStack()
                self._held.enter_context(held_interrupt())
            if self._journal is not None:
                self._journal.append(*events)
            for event in events:
                self._state.log(event)

    def _check_writable(self) -> None:
        """Refuse a change to a read-only journal (:mod:`.read_only`) before any work towards it."""
        if self._journal is not None:
            self._journal.check_writable()

    @contextlib.contextmanager
    def _asking(self) -> Iterator[list[Trial]]:
        """The trials an ask records, listed as it records them. A Ctrl-C held while they were
        written is raised as the transaction ends, when they are RUNNING on disk and in memory
        but nobody holds them (Study.run's runners, the simulation): they end FAILED, cut short,
        rather than RUNNING for ever."""
        self._check_writable()  # before the optimizer proposes (and is rebuilt when the write is refused)
        asked: list[Trial] = []
        try:
            yield asked
        except KeyboardInterrupt:
            for trial in asked:
                if self._state.trials[trial.number].state is TrialState.RUNNING:
                    cast("Study", self)._finish(trial, TrialState.FAILED, None, {"error": USER_INTERRUPT})
            raise

    def _record_asked(self, trials: list[Trial]) -> list[Trial]:
        """Record the ``trials`` of one ask, numbered in turn, in one journal write: a write that
        fails leaves none of them (a batch's first trials were left RUNNING, owned by this live
        process, under an error saying nothing was recorded)."""
        if not trials:
            return []
        try:
            self._record(*({"event": "asked", "trial": trial.to_json(), "owner": self._owner} for trial in trials))
        except BaseException as error:
            rebuild_after_lost_ask(cast("Study", self), error)  # its proposals hold no trial
            raise
        for trial in trials:
            self._state.add(trial, self._owner)
            self._notify("asked", trial)
        return trials

    def _notify(self, kind: str, trial: Trial | None) -> None:
        """Within the transaction that made the change: queue it for the subscribers, who hear
        of it when the transaction ends (:meth:`_deliver`)."""
        self._untold.append(StudyEvent(kind, trial, cast("Study", self)))

    def _deliver(self) -> None:
        """Tell the subscribers of the changes queued, in order, unless another thread (or this
        one, from a callback) is telling them: it tells ours too, after the event at hand."""
        while self._untold:
            # Checked again after letting go: an event queued while we told the last is not left behind.
            if not self._delivering.acquire(blocking=False):
                return
            try:
                while self._untold:
                    event = self._untold.popleft()
                    for callback in list(self._subscribers):
                        try:
                            callback(event)
                        except Exception as error:
                            warn_user(f"Study subscriber {callback!r} raised {type(error).__name__}: {error}. "
                                      "The study goes on.", RuntimeWarning)
            finally:
                self._delivering.release()


class _Transaction(contextlib.AbstractContextManager[None]):
    """:meth:`Recording._transaction`: a class rather than a generator, so the subscribers are
    told from its ``__exit__``, called from the study's method, and a warning about one names
    the user's line (``warn_user`` looks past the package's frames, not contextlib's)."""

    def __init__(self, study: Recording):
        self._study = study
        self._locks = study._locked()

    def __enter__(self) -> None:
        self._locks.__enter__()

    def __exit__(self, *exc: Any) -> None:
        outermost = self._study._transactions_held == 1  # read while this thread still holds the lock
        held = None
        if outermost:
            held, self._study._held = self._study._held, None
        try:
            self._locks.__exit__(*exc)
        finally:
            try:
                if held is not None:
                    held.close()  # raises the Ctrl-C held, now that memory has what the journal has
            finally:  # what changed before an error is told too
                if outermost:
                    self._study._deliver()
