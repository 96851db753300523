"""The reports a pruner judges: a study's trials with a running trial's new report in place
(:class:`ReportedTrials`), and the losses its COMPLETE trials reported at each step, kept from one
decision to the next (:class:`CompletedReports`), as :class:`~.pruning.MedianStoppingRule` reads them.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
from collections.abc import Iterator, Sequence
from typing import overload

from ..direction import Direction
from ..trial import Trial, TrialState

__all__ = ["CompletedReports", "ReportedTrials", "reported_loss"]


class CompletedReports:
    """What :class:`MedianStoppingRule` reads of a study's COMPLETE trials: how many there are and,
    per step, the losses they reported there, sorted.

    Kept from one report to the next, since reading every trial at every report made a long
    study quadratic: the trials before the first one still running are finished, and a
    finished trial never changes, so only the trials from that one on are read again. A
    sequence whose last trial so read is another (another study's trials, a trial withdrawn) or
    another direction starts afresh. Losses are sorted stably, in trial order among equals, as
    ``sorted`` of them in trial order would be.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a pruner given to two studies may judge for both at once
        self._start(None)
        self._tail: list[Trial] = []

    def _start(self, direction: Direction | None) -> None:
        self._direction, self._read, self._count = direction, 0, 0
        self._last: Trial | None = None
        self._by_step: dict[float, list[float]] = {}

    @contextlib.contextmanager
    def reading(self, trials: Sequence[Trial], direction: Direction) -> Iterator[CompletedReports]:
        """These records brought up to date with ``trials`` (every trial of a study, in number
        order), for the block's reading only."""
        with self._lock:
            if direction != self._direction or len(trials) < self._read or \
                    (self._read and trials[self._read - 1] is not self._last):
                self._start(direction)
            while self._read < len(trials) and trials[self._read].state.is_finished:
                self._add(trials[self._read])
                self._last = trials[self._read]
                self._read += 1
            self._tail = [trials[i] for i in range(self._read, len(trials))
                          if trials[i].state is TrialState.COMPLETE]
            yield self

    def _add(self, trial: Trial) -> None:
        if trial.state is TrialState.COMPLETE:
            self._count += 1
            for step, value in trial.intermediate_values.items():
                bisect.insort(self._by_step.setdefault(step, []), reported_loss(value, self._direction))  # type: ignore[arg-type]

    @property
    def count(self) -> int:
        """COMPLETE trials."""
        return self._count + len(self._tail)

    def losses_at(self, step: float) -> list[float]:
        """The losses COMPLETE trials reported at ``step``, sorted (do not modify)."""
        kept = self._by_step.get(step, [])
        later = [reported_loss(t.intermediate_values[step], self._direction) for t in self._tail  # type: ignore[arg-type]
                 if step in t.intermediate_values]
        return sorted(kept + later) if later else kept


class ReportedTrials(Sequence[Trial]):
    """A study's trials with ``reported``, a RUNNING trial holding its new report, in place of its
    older copy: what a pruner judges, without copying the list at every report."""

    def __init__(self, trials: Sequence[Trial], reported: Trial):
        self._trials, self._reported = trials, reported

    def __len__(self) -> int:
        return len(self._trials)

    @overload
    def __getitem__(self, index: int) -> Trial: ...

    @overload
    def __getitem__(self, index: slice) -> list[Trial]: ...

    def __getitem__(self, index: int | slice) -> Trial | list[Trial]:
        if isinstance(index, slice):
            return [self._swap(t) for t in self._trials[index]]
        return self._swap(self._trials[index])

    def __iter__(self) -> Iterator[Trial]:
        return map(self._swap, self._trials)

    def _swap(self, trial: Trial) -> Trial:
        return self._reported if trial.number == self._reported.number else trial


def reported_loss(value: float, direction: Direction) -> float:
    """A reported value as a loss; NaN (a diverged run) is the worst loss there is."""
    return math.inf if not math.isfinite(value) else direction.to_loss(value)
