"""A person's promotions and stops in a multi-fidelity scheduler, beside the scheduler's rule.

:class:`PromotionOverrides` is the part of :class:`~.halving.HalvingScheduler` that
:meth:`Study.promote` and :meth:`Study.stop` reach: it checks that an override applies to a
finished job (below its bracket's last rung, not promoted already, or whose promotion has not
started) and moves the configuration into, or out of, the rung above; a stop of a job cut short,
queued to run again, ends that job instead. The bracket records the
person's decision beside the rule's (:meth:`.rungs.Bracket.decision`), so the rung table shows both.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ..._validation import fail
from ...trial import Trial
from .rungs import Bracket, Job

__all__ = ["PromotionOverrides"]


class PromotionOverrides:
    """Overrides of promotions; mixed into :class:`~.halving.HalvingScheduler`."""

    # Provided by the scheduler.
    _brackets: list[Bracket]
    _ready: deque[Job]
    _replayed_job: Callable[[Trial], Job | None]
    _score: Callable[[Bracket, Job, Any, Trial], None]

    def check_override(self, trial: Trial, action: str) -> None:
        """Raise the uniform error if :meth:`override` cannot apply ``action`` to ``trial``;
        change nothing (the study journals the override between the check and the change)."""
        if self._queued_again(trial, action) is None:
            self._override_plan(trial, action)

    def override(self, trial: Trial, action: str) -> None:
        """A person promotes (``"promote"``) or stops (``"stop"``) the configuration of a
        finished job, whatever the rule decides; called by :meth:`Study.promote` / ``stop``.
        Stopping a job cut short and queued to run again (``Trial.untried``) ends it there, its
        configuration's failure: a configuration that hangs was the first job of every resume (r348)."""
        if (again := self._queued_again(trial, action)) is not None:
            self._ready.remove(again)
            self._score(self._brackets[again.bracket], again, None, trial)
            self._brackets[again.bracket].decision(again.rung, again.config, "human", "stop")
            return
        job, upper, moved = self._override_plan(trial, action)
        bracket = self._brackets[job.bracket]
        if action == "promote":
            bracket.enter(job.config, upper.rung)
            self._ready.appendleft(upper)  # a person's choice runs next
        elif moved:
            self._ready.remove(upper)
            bracket.leave(job.config, upper.rung)
        bracket.decision(job.rung, job.config, "human", action)

    def _queued_again(self, trial: Trial, action: str) -> Job | None:
        """``trial``'s job when a person stops it while it waits to run again after being cut short."""
        job = self._replayed_job(trial) if action == "stop" and trial.untried else None
        return job if job is not None and job in self._ready else None

    def _override_plan(self, trial: Trial, action: str) -> tuple[Job, Job, bool]:
        """The finished job, the job above it, and whether its configuration entered that rung;
        the uniform error when ``action`` cannot apply."""
        owner = f"Study.{action}"
        job = self._replayed_job(trial)
        if job is None or job.bracket >= len(self._brackets):
            raise fail("trial", owner, f"a finished job of this {type(self).__name__}",
                       f"trial {trial.number} from {trial.source!r}")
        bracket = self._brackets[job.bracket]
        if job.rung == bracket.top:
            raise fail("trial", owner, "a job below the maximum budget", f"trial {trial.number}",
                       hint=f"It ran at budget {bracket.budgets[job.rung]:g}, the last rung of its bracket.")
        upper = Job(job.config, job.bracket, job.rung + 1)
        moved = job.config in bracket.entered[upper.rung]
        if action == "promote" and moved:
            raise fail("trial", owner, "a configuration not promoted yet", f"trial {trial.number}",
                       hint=f"Config {job.config} already entered rung {upper.rung}.")
        if action != "promote" and moved and upper not in self._ready:
            raise fail("trial", owner, "a configuration whose promotion has not started",
                       f"trial {trial.number}", hint=f"Config {job.config} is already running or done at "
                                                     f"budget {bracket.budgets[upper.rung]:g}.")
        return job, upper, moved
