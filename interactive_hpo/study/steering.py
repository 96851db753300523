"""Steering running and finished trials: intermediate reports, pruning, and human overrides.

:class:`Steering` is the part of :class:`~interactive_hpo.study.Study` that decides whether
a trial goes on. It keeps three kinds of decision side by side, because a person steering
a search wants to see both what the rule said and what they did:

- the pruner's verdict after each report (``MedianStoppingRule``: prune or continue);
- the scheduler's verdict on a finished trial (``SuccessiveHalving``: promote or stop);
- the human's override of either (:meth:`Steering.stop`, :meth:`Steering.promote`).

Everything is journaled ("reported" and "override" events), so a resumed study knows it.
It also evaluates trials (:meth:`Steering.evaluate`, through
:func:`~interactive_hpo.outcome.call_objective`), since that is where the ``report`` callable is
handed over and where a pruned trial stops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from .._validation import as_scalar, fail
from ..direction import Direction
from ..exceptions import InvalidParameterError, TrialStateError
from ..optimizers.capabilities import Scheduler
from ..outcome import (
    Outcome,
    StudyPruned,
    call_objective,
    cannot_run_at,
    check_budget_keyword,
    check_budget_range,
    keep_record,
)
from ..trial import USER_INTERRUPT, Trial, TrialState, check_step
from .pruning import PruneDecision, Pruner, make_pruner, pruner_spec, same_pruner
from .reported import ReportedTrials
from .trial_fields import curve_value

if TYPE_CHECKING:
    from ..goals import Goals
    from ..optimizers.base import Optimizer
    from .state import StudyState

__all__ = ["Steering", "HUMAN_ACTIONS", "should_stop"]

#: Overrides a person can give: on a RUNNING trial they beat the pruner, on a finished one the scheduler.
HUMAN_ACTIONS = ("promote", "stop")


class Steering:
    """Reports, pruning and overrides; mixed into :class:`~interactive_hpo.study.Study`."""

    # Provided by Study.
    _state: StudyState
    goals: Goals
    optimizer: Optimizer
    _pruner: Pruner | None
    direction: Direction  # one objective's (Introspection's property)
    _record: Callable[[dict[str, Any]], None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _notify: Callable[[str, Trial | None], None]
    _number: Callable[[Trial | int, str], int]
    _finish: Callable[..., Trial]

    def _init_steering(self) -> None:
        # Human overrides of running trials (number -> action) and the pruner's last verdict on them.
        self._human: dict[int, str] = {}
        self._verdicts: dict[int, dict[str, Any]] = {}

    @property
    def pruner(self) -> Pruner | None:
        """The pruner in charge (None: no pruning).

        Assign a :class:`~.pruning.Pruner`, "median", "nop" or None to switch from the next
        report on: the switch is journaled, as reopening the journal with another pruner is, so
        :meth:`Study.load` resumes with it (``study.pruner = MedianStoppingRule(n_warmup_steps=3)``).
        """
        return self._pruner

    @pruner.setter
    def pruner(self, pruner: Pruner | str | None) -> None:
        built = make_pruner(pruner, self.goals)
        with self._transaction():  # after the journal's news: another process may have switched
            self._switch_pruner(built)

    def _switch_pruner(self, pruner: Pruner | None) -> None:
        """Put ``pruner`` in charge; journaled ("pruner_switched") unless the journal already has
        it in force, before memory moves (a write that fails leaves the old pruner in charge)."""
        spec = pruner_spec(pruner)
        if not same_pruner(spec, self._state.pruner):
            self._record({"event": "pruner_switched", "pruner": spec})
        self._pruner = pruner

    def report(self, trial: Trial | int, value: float, step: float) -> bool:
        """Record an intermediate value of a RUNNING trial; return True if it should stop now.

        Parameters
        ----------
        trial : Trial or int
            A RUNNING trial (or its number).
        value : float
            The value so far, in the objective's direction (a 0-d array or tensor, such as a
            torch loss, counts as the number it holds). NaN or inf (a diverged run) is kept as
            NaN and counts as the worst value.
        step : int or float
            Where on the learning curve: an epoch, a number of samples, a budget (>= 0; a
            numpy number counts as the Python number it holds). Each step once per trial.

        Returns
        -------
        bool
            True when the pruner says prune (and no human said promote), or a human said stop.
            In an ask/tell loop, then ``tell(trial, state="PRUNED")``; objectives run by
            :meth:`Study.step` get a ``report`` callable that raises ``TrialPruned`` instead.
        """
        with self._transaction():
            return self._report(trial, value, step)

    def _report(self, trial: Trial | int, value: float, step: float) -> bool:
        number = self._number(trial, "Study.report")
        current = self._state.trials[number]
        if current.state is not TrialState.RUNNING:
            raise TrialStateError(f"Trial {number} is {current.state.value}; only a RUNNING trial reports.")
        step = check_step(step, "Study.report")
        if step in current.intermediate_values:
            raise fail("step", "Study.report", f"a step trial {number} has not reported yet", step,
                       hint=f"Reported steps: {sorted(current.intermediate_values)}.")
        kept = curve_value(value)  # a torch loss, say; a diverged run is kept as NaN, the worst value
        if kept is None:
            raise fail("value", "Study.report", "a real number", as_scalar(value))
        value = kept
        # The pruner judges the trial as it will be, but nothing changes before the journal holds
        # the report: a pruner that raises, or a write that fails, leaves the study as it was.
        reported = current.reported(step, value)
        decision = None if self.pruner is None else self.pruner.decide(
            reported, step, ReportedTrials(self._state.trials, reported), self.direction)
        if self.pruner is not None and not isinstance(decision, PruneDecision):  # None too: a forgotten return
            # Optuna's pruners answer a bool; ours say why, and a bare answer would fail later
            # as "'bool' object has no attribute 'prune'", naming neither the rule nor its method.
            raise fail("decide(...)'s answer", type(self.pruner).__name__, "a PruneDecision(prune, reason)",
                       decision, hint="from interactive_hpo import PruneDecision; "
                                      "return PruneDecision(True, 'why it stops').")
        verdict = None if decision is None else {"decision": "prune" if decision.prune else "continue",
                                                 "reason": decision.reason, "step": step}
        self._record({"event": "reported", "number": number, "step": step,
                      "value": value if math.isfinite(value) else None,
                      "pruner": self._verdicts.get(number) if verdict is None else verdict})
        current = self._state.report(number, step, value)
        if verdict is not None:
            self._verdicts[number] = verdict
        self._notify("reported", current)
        return should_stop(self, number)

    def stop(self, trial: Trial | int) -> None:
        """Stop a trial by hand.

        A RUNNING trial stops at its next report (it ends PRUNED, whatever the pruner says).
        A finished trial of a scheduler (``SuccessiveHalving``, ``Hyperband``, ``ASHA``) is
        not promoted to a larger budget, whatever the scheduler decides; the scheduler's own
        decision is kept beside yours in its rung table.
        """
        self._override(trial, "stop")

    def promote(self, trial: Trial | int) -> None:
        """Keep a trial going by hand.

        A RUNNING trial is never pruned (the pruner's verdicts are still recorded). A finished
        trial of a scheduler is promoted to the next budget at the next ask, even if the
        scheduler would not have promoted it.
        """
        self._override(trial, "promote")

    def _override(self, trial: Trial | int, action: str) -> None:
        with self._transaction():
            self._override_now(trial, action)

    def _override_now(self, trial: Trial | int, action: str) -> None:
        owner = f"Study.{action}"
        number = self._number(trial, owner)
        current = self._state.trials[number]
        scheduler = None
        if current.state is not TrialState.RUNNING:
            if not isinstance(self.optimizer, Scheduler):
                raise fail("trial", owner, "a RUNNING trial, or a finished trial of a scheduler "
                           "(SuccessiveHalving, Hyperband, ASHA)", f"trial {number} ({current.state.value})",
                           hint=f"The optimizer {self.optimizer.name!r} does not promote or stop finished trials.")
            scheduler = self.optimizer
            scheduler.check_override(current, action)  # a refused override is not journaled
        self._record({"event": "override", "number": number, "action": action})
        if scheduler is None:
            self._human[number] = action
        else:  # journaled first: a write that fails leaves the scheduler as it was
            scheduler.override(current, action)
            self._state.override(number, action)
        self._notify("override", current)

    def evaluate(self, trial: Trial | int, objective: Callable[..., Any]) -> Outcome:
        """Call ``objective`` on the RUNNING ``trial`` as :meth:`step` does and return the outcome
        to finish it with (:meth:`tell` it, or let a simulated clock decide when).

        The objective gets ``budget=`` when the trial has one and ``report=`` when it takes that
        keyword. An objective that cannot run at the trial's budget (no ``budget`` keyword for a
        budget, none without a default for the full budget), or ``KeyboardInterrupt``, finishes
        the trial FAILED and raises; any other failure is a FAILED outcome with the reason.

        Parameters
        ----------
        trial : Trial or int
            A RUNNING trial of this study (or its number), as :meth:`ask` gave it.
        objective : callable
            ``objective(params)``, as for :meth:`step`.
        """
        return self._evaluate(trial, objective, "Study.evaluate")

    def _evaluate(self, trial: Trial | int, objective: Callable[..., Any], owner: str) -> Outcome:
        """:meth:`evaluate`, its errors naming ``owner``: what the person called (``Study.step`` too)."""
        # Checked before anything runs: a number, a trial of another study or one already told was
        # Python's AttributeError or an outcome nobody could tell; a non-callable, a FAILED outcome.
        number = self._number(trial, owner)
        trial = self._state.trials[number]
        if trial.state is not TrialState.RUNNING:
            raise TrialStateError(f"Trial {number} is {trial.state.value}; only a RUNNING trial is evaluated.")
        if not callable(objective):
            raise fail("objective", owner, "a callable objective(params) -> float", objective)
        reason = cannot_run_at(trial.budget)
        try:
            check_budget_keyword(objective, trial.budget, owner, self.optimizer.name)
            scheduler = self.optimizer
            if isinstance(scheduler, Scheduler) and trial.budget is not None:  # its job: asked, maybe not run
                low = "None" if scheduler.min_budget is None else f"{scheduler.min_budget:g}"
                reason = (f"the objective cannot run at the budgets of {scheduler.name!r} "
                          f"(min_budget={low}, max_budget={scheduler.max_budget:g})")
                check_budget_range(objective, scheduler.min_budget, scheduler.max_budget, owner, scheduler.name,
                                   scheduler.lowest_budget)
        except InvalidParameterError:
            self._finish(trial, TrialState.FAILED, None, {"error": reason})
            raise
        try:
            outcome = call_objective(objective, trial.params, budget=trial.budget, report=self._report_for(trial))
        except KeyboardInterrupt:
            self._finish(trial, TrialState.FAILED, None, {"error": USER_INTERRUPT})
            raise
        if outcome.state is TrialState.PRUNED:  # it keeps the last value it reported (of one objective)
            return Outcome(TrialState.PRUNED, None if self.goals.multi else self._pruned_value(trial.number),
                           outcome.user_attrs)
        return keep_record(outcome, self._state.trials[trial.number].user_attrs, self)

    def _report_for(self, trial: Trial) -> Callable[[float, float], None]:
        """The ``report(value, step)`` callable handed to an objective evaluating ``trial``."""

        def report(value: float, step: float) -> None:
            if self.report(trial, value, step):
                raise StudyPruned(f"trial {trial.number} pruned at step {step}")

        return report

    def _steering_attrs(self, number: int, state: TrialState) -> dict[str, Any]:
        """What decided a finishing trial's fate, for its user_attrs (empty if nothing did); read
        only: :meth:`_forget_steering` drops it once the finish is journaled."""
        attrs: dict[str, Any] = {}
        verdict = self._verdicts.get(number)
        human = self._human.get(number)
        if verdict is not None:
            attrs["pruner"] = verdict
        if human is not None:
            attrs["human"] = human
        if state is TrialState.PRUNED:
            attrs["pruned_by"] = "human" if human == "stop" else "pruner" if verdict and \
                verdict["decision"] == "prune" else "objective"
        return attrs

    def _forget_steering(self, number: int) -> None:
        """Drop the verdict and the override of a trial that has finished."""
        self._verdicts.pop(number, None)
        self._human.pop(number, None)

    def _pruned_value(self, number: int) -> float | None:
        """The last finite reported value of a trial: what a PRUNED trial keeps as its value."""
        values = self._state.trials[number].intermediate_values
        finite = [values[step] for step in sorted(values) if math.isfinite(values[step])]
        return finite[-1] if finite else None


def should_stop(study: Steering, number: int) -> bool:
    """Whether a running trial stops at the report it just made: the study's last word on it.

    A person's Stop or Promote overrides the pruner's last verdict. Also the answer to a step
    reported again (Dask ran a lost worker's task again, or a Ctrl-C cut the first answer
    short): a trial the pruner pruned, or a person stopped, since that step was first reported
    is told to stop, not to go on. What :meth:`Steering.report` returns; the parallel runner
    answers a step reported again with it.

    Parameters
    ----------
    study : Study
        The study the trial belongs to.
    number : int
        The trial's number in ``study``.

    Returns
    -------
    bool
        True when the trial is no longer RUNNING, a person said stop, or the pruner's last
        verdict was prune and no person said promote.
    """
    if study._state.trials[number].state is not TrialState.RUNNING:
        return True
    human, verdict = study._human.get(number), study._verdicts.get(number)
    return human == "stop" or (verdict is not None and verdict["decision"] == "prune" and human != "promote")
