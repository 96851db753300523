"""Waiting for trials another study holds: a synchronous scheduler (successive halving,
Hyperband) on a journal several processes share waits, at the end of a rung, for the jobs the
others are running.

A run (``Study.run``, serial or parallel, and the Lab's) then polls the journal until their
results arrive, and goes on; ``ask`` called directly never blocks, and its error names the
trials another study holds as that study's, not to be told here (:func:`waiting_error`). A
trial whose process has ended (:func:`~.owners.owner_status` "ended") is failed as opening the
journal would fail it (``INTERRUPTED``), so a dead process never holds a run for ever; one on
another host cannot be checked, and a run that has waited :data:`NOTICE_SECONDS` for it says
so, once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .._validation import warn_user
from ..exceptions import TrialStateError
from ..trial import Trial
from .owners import of_this_process, owner_named, owner_status
from .sharing import fail_left_running, warn_interrupted

if TYPE_CHECKING:
    from .core import Study

__all__ = ["OthersWait", "POLL_SECONDS", "NOTICE_SECONDS", "ask_if_able", "held_elsewhere", "nothing_to_ask",
           "waiting_error"]

#: Seconds between two reads of the journal while a run waits for another study's trials: a
#: read costs a lock and a ``stat`` when nothing was appended.
POLL_SECONDS = 0.2

#: Seconds a run waits for the same trials of another study before it says what it waits for.
NOTICE_SECONDS = 30.0


def nothing_to_ask(study: Study) -> bool:
    """Whether an ask of ``study`` would raise now: nothing is queued and its optimizer has run
    out or waits for running trials (read in a transaction: another process may have taken the
    rung's last job since)."""
    optimizer = study.optimizer
    return not study.state.n_queued and (optimizer.exhausted or optimizer.waiting)


def held_elsewhere(study: Study) -> list[Trial]:
    """The RUNNING trials that other studies on ``study``'s journal asked (other processes, or
    other Study objects on the same file), when they are all its optimizer can wait for: it
    waits, nothing is queued, and none of ``study``'s own trials is running. Else an empty list
    (an optimizer waiting on a trial of this study's own must hear its result from this study)."""
    optimizer = study.optimizer
    if study.state.n_queued or optimizer.exhausted or not optimizer.waiting:
        return []
    state = study.state
    running = state.running()
    theirs = [t for t in running if state.owner_of(t.number) != study._owner]
    return theirs if len(theirs) == len(running) else []


def ask_if_able(study: Study) -> Trial | None:
    """``study.ask()``, or None when :func:`nothing_to_ask` (checked and asked in one transaction,
    which first reads what other processes appended)."""
    with study._asking() as asked, study._transaction():
        if nothing_to_ask(study):
            return None
        asked.append(study.ask())
    return asked[0]


def _holder(owner: Any) -> str:
    """Who holds a trial, from its owner record, as an error says it."""
    named = owner_named(owner)
    if of_this_process(owner):
        # Not "will tell" alone: that object tells it only from another thread, or after this run
        # (a run in the same thread waited until its timeout for it: r348).
        return f"{named}, which must tell it: a run in the same thread cannot wait for it"
    return named


def waiting_error(study: Study) -> TrialStateError:
    """The error ``study.ask()`` raises while its optimizer waits: the running trials it waits
    for named, those another study on the journal holds as that study's (theirs are told there:
    failing one here would lose its result)."""
    running = study.state.running()
    elsewhere = {t.number: _holder(owner) for t in running
                 if (owner := study.state.owner_of(t.number)) != study._owner}
    return study.optimizer.waiting_error(running, elsewhere)


class OthersWait:
    """One run's wait for trials other studies on its journal hold (:func:`held_elsewhere`).

    Parameters
    ----------
    study : Study
    owner : str
        What the person called ("Study.run", "Lab.run"): the notice names it.
    """

    def __init__(self, study: Study, owner: str):
        self.study, self.owner = study, owner
        self._waited: tuple[int, ...] = ()  # the trials waited for since _since
        self._since = 0.0
        self._noticed = False

    def poll(self, timeout: float | None = None) -> None:
        """Sleep up to :data:`POLL_SECONDS` (less when ``timeout`` seconds are left), read the
        journal, and fail the trials waited for whose process has ended. Warns once per run
        when the same trials have held it :data:`NOTICE_SECONDS`."""
        time.sleep(POLL_SECONDS if timeout is None else max(0.0, min(POLL_SECONDS, timeout)))
        study = self.study
        failed: dict[str, list[int]] = {}  # who left them -> the trials failed here
        with study._transaction():  # reads what the others appended
            held = held_elsewhere(study)  # none in memory: only a journal is shared
            for trial in held:
                if study._journal is not None and \
                        owner_status(study.state.owner_of(trial.number), study._journal.path) == "ended":
                    fail_left_running(study, trial, failed)  # as opening the journal fails it, and says so
            held = held_elsewhere(study)
        warn_interrupted(study.storage, failed)
        numbers = tuple(t.number for t in held)
        now = time.monotonic()
        if numbers != self._waited:
            self._waited, self._since = numbers, now
        elif numbers and not self._noticed and now - self._since >= NOTICE_SECONDS:
            self._noticed = True
            warn_user(f"{self.owner} has waited {now - self._since:.0f} s. {waiting_error(study)} timeout= bounds "
                      "the wait; Ctrl-C stops the run (its finished trials are kept).", UserWarning)
