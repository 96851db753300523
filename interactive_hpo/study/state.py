"""A study's record, and the only code that changes it.

:class:`StudyState` holds what a study *is*: its trials, the order they finished, the queue of
enqueued params, the overrides of finished trials, who asked each trial, and the journal's
header and events. A live study and the replay of a journal (from disk or from another
process) change it through the same methods, which check what a journal line could get wrong,
so the two cannot drift apart.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import is_real
from ..goals import Goals
from ..trial import Trial
from .results import KeptBest, scheduler_budget

__all__ = ["StudyState", "carried_budget"]


def carried_budget(trial: Trial) -> float | None:
    """The full budget of the study ``trial`` was carried from (its ``carried_full_budget``: a
    fork's, an import's of a study :func:`~interactive_hpo.interop.to_optuna` wrote), None if it
    says none."""
    budget: Any = trial.user_attrs.get("carried_full_budget")
    return float(budget) if is_real(budget) and budget > 0 else None


class StudyState:
    """Trials, finish order, queue, overrides and journal events of one study.

    Read it freely; change it only through its methods (the study calls them, and so does the
    replay of its journal). Methods raise ValueError for a change that cannot happen (a trial
    finished twice, a number out of turn): the replay turns that into a StorageError naming
    the journal line.

    Parameters
    ----------
    header : dict
        The journal header (space, direction, seed, first optimizer, pruner, creation time).
    """

    def __init__(self, header: dict[str, Any]):
        self._switched_budget: float | None = None  # the largest of the schedulers switched to
        self._carried_budget: float | None = None  # the largest full budget of a study a trial was carried from
        self.header = header
        self._trials: list[Trial] = []
        self._finish_order: list[int] = []
        self._queue: deque[dict[str, Any]] = deque()
        self._owners: dict[int, Any] = {}
        self._overrides: list[tuple[int, int, str]] = []
        self._events: list[dict[str, Any]] = []
        self._switched_at: list[int] = []  # how many trials the study had at each switch
        # (how many trials the study had, the pruner switched to) at each "pruner_switched"
        self._pruner_switches: list[tuple[int, dict[str, Any] | None]] = []
        self._best = KeptBest()
        self._constrained: list[Trial] = []  # the first trial with constraints, if any

    @property
    def header(self) -> dict[str, Any]:
        """The journal header (a study resumed from its journal replaces the draft it began with)."""
        return self._header

    @header.setter
    def header(self, header: dict[str, Any]) -> None:
        self._header = header
        self._header_budget = scheduler_budget(header.get("optimizer"))
        self._pruner = header.get("pruner")

    # -- reading ------------------------------------------------------------------------------
    @property
    def trials(self) -> Sequence[Trial]:
        """Every trial, in number order (do not modify)."""
        return self._trials

    @property
    def finish_order(self) -> Sequence[int]:
        """Numbers of the finished trials in the order they finished (the order optimizers learnt them)."""
        return self._finish_order

    @property
    def queue(self) -> tuple[Mapping[str, Any], ...]:
        """Enqueued params not yet asked, first first: a copy, taken at once (iterating the
        live queue while another thread asked raised "deque mutated during iteration")."""
        return tuple(self._queue)

    @property
    def n_queued(self) -> int:
        """How many params are enqueued and not yet asked (without copying the queue)."""
        return len(self._queue)

    def next_queued(self) -> Mapping[str, Any]:
        """The params the next ask takes (without copying the queue); IndexError if none."""
        return self._queue[0]

    @property
    def events(self) -> Sequence[Mapping[str, Any]]:
        """Every journal event after the header, in order."""
        return self._events

    @property
    def overrides(self) -> Sequence[tuple[int, int, str]]:
        """Overrides of finished trials as (trials finished by then, number, action): replays
        tell them to a scheduler at that point."""
        return self._overrides

    @property
    def largest_budget(self) -> float | None:
        """The largest ``max_budget`` of the schedulers among the study's optimizers so far (the
        header's and each switch's) and the full budget of the studies its carried trials came
        from (``carried_full_budget``: a branch's header names only its own optimizer), None if
        none: see :func:`.results.full_budget_of`."""
        budgets = [b for b in (self._header_budget, self._switched_budget, self._carried_budget) if b is not None]
        return max(budgets) if budgets else None

    @property
    def pruner(self) -> dict[str, Any] | None:
        """The pruner in force as the journal records it (a :func:`~.pruning.pruner_spec`; None:
        none): the last "pruner_switched" event's, else the header's."""
        return self._pruner

    def pruner_at(self, number: int) -> dict[str, Any] | None:
        """The pruner in force when trial ``number`` was asked (``len(trials)``: now), as
        :attr:`pruner` records it: the last one switched to before, else the header's."""
        spec = self._header.get("pruner")
        for at, switched in self._pruner_switches:
            if at <= number:
                spec = switched
        return spec

    @property
    def n_optimizers(self) -> int:
        """Optimizers the study has had: the header's and one per switch."""
        return 1 + len(self._switched_at)

    def run_index(self, number: int) -> int:
        """The place among the study's optimizers (0: the header's) of the one in charge when
        trial ``number`` was asked."""
        return sum(at <= number for at in self._switched_at)

    def run_of(self, number: int) -> range:
        """The trial numbers asked by the optimizer in charge when trial ``number`` was asked
        (``len(trials)``: the one in charge now): from the switch that put it in charge to the
        next switch or the last trial."""
        start = max((at for at in self._switched_at if at <= number), default=0)
        end = min((at for at in self._switched_at if at > number), default=len(self._trials))
        return range(start, end)

    def trial(self, number: Any) -> Trial:
        """The trial numbered ``number``; ValueError if there is none (a journal event named it)."""
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < len(self._trials):
            have = f"trials 0 to {len(self._trials) - 1}" if self._trials else "no trial yet"
            raise ValueError(f"the event names trial {number!r}, but the study has {have}")
        return self._trials[number]

    def best_trial(self, goals: Goals, full_budget: float, owner: str = "Study.best_trial") -> Trial:
        """:func:`~.results.best_trial` of these trials for ``goals`` at ``full_budget`` (errors
        naming ``owner``), read only from the trials finished since the last call."""
        return self._best.of(goals, self._trials, self._finish_order, owner, full_budget)

    @property
    def constrained(self) -> Sequence[Trial]:
        """The study's first trial with constraints, if any (a sequence of one, or none): as many
        as every later trial must have (:func:`~.results.check_constraint_count`), found without
        going through every trial (a replay checks each trial's: that was quadratic)."""
        return self._constrained

    def owner_of(self, number: int) -> Any:
        """Who asked trial ``number`` (a process's owner record), None if unknown."""
        return self._owners.get(number)

    def running(self) -> list[Trial]:
        """The trials still RUNNING, in number order."""
        return [t for t in self._trials if not t.state.is_finished]

    # -- changing -------------------------------------------------------------------------------
    def log(self, event: Mapping[str, Any]) -> None:
        """Keep a journal event (after it is on disk, or read from it)."""
        self._events.append(dict(event))
        if event.get("event") == "switched":
            self._switched_at.append(len(self._trials))
            budget = scheduler_budget(event.get("optimizer"))
            if budget is not None:
                self._switched_budget = max(budget, self._switched_budget or budget)
        elif event.get("event") == "pruner_switched":
            self._pruner = event.get("pruner")
            self._pruner_switches.append((len(self._trials), self._pruner))

    def add(self, trial: Trial, owner: Any = None) -> None:
        """Append a new trial: RUNNING (asked, by ``owner``; an "enqueued" one takes the head of
        the queue) or COMPLETE (added from outside)."""
        if trial.number != len(self._trials):
            raise ValueError(f"trial number {trial.number} where {len(self._trials)} was expected")
        if trial.source == "enqueued":
            self.dequeue()
        self._trials.append(trial)
        self._owners[trial.number] = owner
        self._note_constrained(trial)
        self._note_carried_budget(trial)
        if trial.state.is_finished:
            self._finish_order.append(trial.number)

    def finish(self, done: Trial) -> None:
        """Replace a RUNNING trial by its finished copy ``done``."""
        if self.trial(done.number).state.is_finished:
            raise ValueError(f"trial {done.number} finished twice")
        if not done.state.is_finished:
            raise ValueError(f"trial {done.number} finished as RUNNING")
        self._trials[done.number] = done
        self._finish_order.append(done.number)
        self._note_constrained(done)
        self._note_carried_budget(done)  # a carried trial is asked, then finished with its attributes

    def report(self, number: int, step: float, value: float) -> Trial:
        """Record an intermediate ``value`` (NaN for a diverged run) at ``step``; return the trial."""
        current = self.trial(number).reported(step, math.nan if value is None else float(value))
        self._trials[number] = current
        return current

    def withdraw(self, number: int) -> Trial:
        """Take back the last trial, which must be a manual one; return it."""
        if number != len(self._trials) - 1 or self._trials[-1].source != "manual":
            raise ValueError(f"trial {number} withdrawn but it is not the last, manual trial")
        self._finish_order.remove(number)
        self._owners.pop(number, None)
        withdrawn = self._trials.pop()
        # A switch (of optimizer or of pruner) made after the trial was added puts what it switched to
        # in charge of the trial that takes its number: no switch may count trials the study no longer has.
        self._switched_at = [min(at, number) for at in self._switched_at]
        self._pruner_switches = [(min(at, number), spec) for at, spec in self._pruner_switches]
        if self._constrained and self._constrained[0].number == number:  # it was the first: none is left
            self._constrained = []
        if "carried_full_budget" in withdrawn.user_attrs:  # a carried manual trial: count the others again
            self._carried_budget = None
            for trial in self._trials:
                self._note_carried_budget(trial)
        return withdrawn

    def _note_constrained(self, trial: Trial) -> None:
        if not self._constrained and trial.constraints is not None:
            self._constrained = [trial]

    def _note_carried_budget(self, trial: Trial) -> None:
        """Count the full budget of the study ``trial`` was carried from, if it says one."""
        budget = carried_budget(trial)
        if budget is not None:
            self._carried_budget = max(budget, self._carried_budget or budget)

    def enqueue(self, params: dict[str, Any]) -> None:
        """Queue validated params for the next ask."""
        self._queue.append(params)

    def dequeue(self) -> dict[str, Any]:
        """Take the first queued params (they are being asked); ValueError if none are queued."""
        if not self._queue:
            raise ValueError("an enqueued trial was asked, but nothing was queued")
        return self._queue.popleft()

    def override(self, number: int, action: str) -> None:
        """Record a person's override of a finished trial (those of running trials are not kept:
        they end with the trial's process)."""
        if self.trial(number).state.is_finished:
            self._overrides.append((len(self._finish_order), number, action))
