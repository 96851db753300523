"""What a finished trial holds, read against the study's goals, and which trials are best.

A result reaches the study from an objective (through :func:`~interactive_hpo.outcome.call_objective`,
in this process or on a worker) or from a person (``Study.tell``, read by :func:`told`; ``add_manual``). Either way
:func:`finished_fields` reads it the same way; they differ only in what a bad result does: an
objective's becomes a FAILED trial with the reason, a person's raises an error where it was typed.

Which trials are best counts those at the **full budget** only (:func:`at_full_budget`): a
multi-fidelity scheduler's lower rungs measure a cheaper, biased objective, and its best value
there is not one a full evaluation would give (a Hyperband study's "best" was a 1/27-budget job
whose configuration is worse at full budget than the best full-budget trial).

And feasible ones only, as the study counts them (:func:`~interactive_hpo.goals.counts_as_feasible`):
once any trial carries constraints, a COMPLETE trial without them is of unknown feasibility and
is never the best, as constrained Bayesian optimization never takes it for its incumbent.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .._validation import fail, is_real, shown
from ..exceptions import InvalidParameterError, TrialStateError
from ..goals import Goals, any_constraints, counts_as_feasible, read_constraints
from ..optimizers.capabilities import Scheduler
from ..optimizers.registry import optimizer_class
from ..outcome import Measured, Outcome, check_no_constraints, outcome_of_state, outcome_of_value
from ..pareto import pareto_mask
from ..trial import Trial, TrialState

__all__ = ["FULL_BUDGET", "FinishedFields", "KeptBest", "at_full_budget", "best_trial", "best_trials",
           "beyond_full_budget", "check_constraint_count", "finished_event", "finished_fields", "full_budget_of",
           "loss_of", "no_best_yet", "retell_note", "scheduler_budget", "told"]

#: A full evaluation where no scheduler says otherwise: an objective's budgets are in (0, 1],
#: and 1 gives what None (no budget) gives.
FULL_BUDGET = 1.0


class FinishedFields(NamedTuple):
    """A finished trial's fields: ``value`` for one objective, ``values`` for several."""

    state: TrialState
    value: float | None
    values: tuple[float, ...] | None
    constraints: tuple[float, ...] | None
    user_attrs: dict[str, Any]


def finished_fields(goals: Goals, state: TrialState, value: Any, attrs: Mapping[str, Any],
                    owner: str | None = None, earlier: Sequence[Trial] = ()) -> FinishedFields:
    """Read ``value`` (a float, a :class:`Measured`, several values or None) for ``goals``.

    ``owner`` names the method a person called: a value that does not fit the goals (or
    constraints that are not as many as those of the ``earlier`` trials, see
    :func:`check_constraint_count`) raises an error naming it. Without ``owner`` (an objective's
    result) such a value, or a non-finite one, makes the trial FAILED with the reason.
    """
    attrs = dict(attrs)
    if state is not TrialState.COMPLETE:  # FAILED, or PRUNED with the single objective's last report
        return FinishedFields(state, value if not goals.multi and not isinstance(value, Measured) else None,
                              None, None, attrs)
    measured = value if isinstance(value, Measured) else Measured(value, None)
    try:
        numbers = goals.read(measured.values, owner or "the objective")
        constraints = read_constraints(measured.constraints, owner or "the objective")
        check_constraint_count(constraints, earlier, owner or "the objective")
    except InvalidParameterError as error:
        if owner is not None:
            raise
        return FinishedFields(TrialState.FAILED, None, None, None, {**attrs, "error": str(error)})
    broken = [name for name, v in zip(goals.names, numbers, strict=True) if not math.isfinite(v)]
    if broken:
        what = "the objective returned " + (f"{numbers[0]!r}" if not goals.multi else
                                             ", ".join(f"{name}={numbers[goals.names.index(name)]!r}"
                                                       for name in broken))
        return FinishedFields(TrialState.FAILED, None, None, None, {**attrs, "error": what})
    if goals.multi:
        return FinishedFields(state, None, numbers, constraints, attrs)
    return FinishedFields(state, numbers[0], None, constraints, attrs)


def told(goals: Goals, state: TrialState, value: Any, attrs: dict[str, Any], constraints: Any,
         pruned_value: Callable[[], float | None]) -> tuple[TrialState, Any, dict[str, Any], str | None]:
    """What ``Study.tell(trial, value, state=state, constraints=constraints)`` finishes the trial
    with: ``(state, value, attrs, owner)`` for :func:`finished_fields` (``owner`` "Study.tell"
    when a value the person typed is refused there, not FAILED). ``pruned_value()``: the last value
    the trial reported, for a PRUNED trial of one objective told without a value."""
    if isinstance(value, Outcome):  # what evaluate() returned, as step() finishes with it
        return value.state, value.value, {**value.user_attrs, **attrs}, None
    if state is TrialState.COMPLETE and isinstance(value, Measured):
        # What call_objective read from an objective (a parallel worker's result): a value that
        # does not fit the goals fails the trial, as in a serial run.
        return state, value, attrs, None
    if state is TrialState.COMPLETE:
        if not goals.multi and is_real(value):
            outcome_of_value(value, attrs, "Study.tell")  # refuses a number too large for a float
        elif not goals.multi and goals.given == "direction":  # a list of one, a dict of its name: Goals.read
            raise fail("value", "Study.tell", "a real number (or pass state='FAILED')", value)
        return state, Measured(value, read_constraints(constraints, "Study.tell")), attrs, "Study.tell"
    check_no_constraints(state, constraints, "Study.tell")
    if state is TrialState.PRUNED and value is None and not goals.multi:
        value = pruned_value()
    return (*outcome_of_state(state, value, attrs, several=goals.multi), None)


def check_constraint_count(constraints: tuple[float, ...] | None, earlier: Sequence[Trial], owner: str) -> None:
    """Refuse ``constraints`` that are not as many as those of the first of the ``earlier``
    trials that has any: a study cannot change its constraints midway, and the optimizer models
    each one by its position (``bayes.constrained`` would take such a trial for one of unknown
    feasibility)."""
    if constraints is None:
        return
    count = next((len(t.constraints) for t in earlier if t.constraints is not None), len(constraints))
    if count == len(constraints):
        return
    first = next(t for t in earlier if t.constraints is not None)
    raise fail("constraints", owner, f"None or {count} value{'s' if count > 1 else ''}, as many as the study's "
               "earlier trials have", list(constraints),
               hint=f"Trial {first.number} set them; a study cannot change its constraints midway.")


def finished_event(done: Trial, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The journal's "finished" event of ``done``, a trial just finished with the new attributes
    ``attrs`` (a replay merges them into the running trial's, as ``Trial.finished`` did)."""
    extra = {k: v for k, v in done.to_json().items() if k in ("values", "constraints")}
    return {"event": "finished", "number": done.number, "state": done.state.value, "value": done.value, **extra,
            "user_attrs": dict(attrs), "datetime_complete": done.datetime_complete}


def retell_note(done: Trial, attrs: Mapping[str, Any]) -> str:
    """What a journal write that failed adds to its error when it was ``done``'s, the finish of a
    trial: the trial is still RUNNING, and the call that tells it again (``attrs``: the details
    its finish added; a study's own, as the pruner's verdict, are added again by that call)."""
    result = done.values if done.values is not None else done.value  # a FAILED trial's: None
    given = [str(done.number)] + ([] if result is None else [shown(result)])
    given += [] if done.state is TrialState.COMPLETE else [f"state={done.state.value!r}"]
    given += [] if done.constraints is None else [f"constraints={shown(done.constraints)}"]
    given += [f"user_attrs={shown(dict(attrs))}"] if attrs else []
    return (f"Trial {done.number} is still RUNNING: its result was not recorded. Once the disk takes writes, tell "
            f"it again: study.tell({', '.join(given)}).")


def loss_of(goals: Goals, trial: Trial) -> float | np.ndarray | None:
    """What an optimizer is told for ``trial``: its loss (one objective) or losses of shape
    (m,) (several) if COMPLETE, else None."""
    values = goals.values_of(trial) if trial.state is TrialState.COMPLETE else None
    if values is None:
        return None
    losses = goals.losses(values)
    return losses if goals.multi else float(losses[0])


def full_budget_of(optimizer: Any, earlier: float | None = None) -> float:
    """What counts as a full evaluation in a study run by ``optimizer``: the largest ``max_budget``
    of it (if a scheduler) and of the ``earlier`` schedulers (their largest; None: none), else
    :data:`FULL_BUDGET`. A scheduler's budgets are in the objective's units (1 to 27, say): after
    a switch to another optimizer, its cheapest rung is no full evaluation either."""
    budgets = [b for b in (float(optimizer.max_budget) if isinstance(optimizer, Scheduler) else None, earlier)
               if b is not None]
    return max(budgets) if budgets else FULL_BUDGET


def scheduler_budget(spec: Any) -> float | None:
    """The ``max_budget`` of a journaled optimizer spec (``{"name": ..., "settings": ...}``) that
    names a registered scheduler, else None."""
    try:
        budget: Any = spec["settings"].get("max_budget")
        # Only a scheduler has one, so no other optimizer is imported to ask (Bayesian optimization's: torch).
        cls = optimizer_class(spec["name"]) if is_real(budget) else None
    except (InvalidParameterError, KeyError, TypeError, AttributeError):  # not a spec, or not registered here
        return None
    return float(budget) if cls is not None and issubclass(cls, Scheduler) else None


def at_full_budget(trial: Trial, full_budget: float) -> bool:
    """Whether ``trial`` ran at the full budget: without a budget, or at ``full_budget`` or more.

    More: a study's full budget counts the ``max_budget`` of every scheduler its journal names,
    but a trial can come from one it does not name (a journal whose scheduler is not registered
    here or whose settings hold no ``max_budget``, an Optuna study's ``ihpo_budget``); such a
    trial ran at least a full evaluation. A person's budget above it is warned of where it is
    typed (:func:`beyond_full_budget`)."""
    return trial.budget is None or trial.budget >= full_budget * (1 - 1e-9)


def beyond_full_budget(trial: Trial, full_budget: float) -> bool:
    """Whether ``trial`` ran at a budget above ``full_budget``, which :func:`at_full_budget`
    counts as a full evaluation: a budget in other units than the study's wins unseen."""
    return trial.budget is not None and trial.budget > full_budget * (1 + 1e-9)


def best_trials(goals: Goals, trials: Sequence[Trial], full_budget: float = FULL_BUDGET) -> list[Trial]:
    """The feasible COMPLETE trials at the full budget that no other such trial beats in every
    objective (the Pareto set, in number order); for one objective, ``[best_trial]`` (or none).
    ``trials`` are the study's: with constraints, a trial without them is not feasible
    (:func:`~interactive_hpo.goals.counts_as_feasible`)."""
    constrained = any_constraints(trials)
    candidates = [t for t in trials if t.state is TrialState.COMPLETE and counts_as_feasible(t, constrained)
                  and at_full_budget(t, full_budget)]
    if not goals.multi:
        return [best_trial(goals, candidates)] if candidates else []
    candidates = [t for t in candidates if t.values is not None]
    if not candidates:
        return []
    losses = np.array([goals.losses(goals.values_of(t)) for t in candidates])  # type: ignore[arg-type]
    return [t for t, front in zip(candidates, pareto_mask(losses), strict=True) if front]


def best_trial(goals: Goals, trials: Sequence[Trial], owner: str = "Study.best_trial",
               full_budget: float = FULL_BUDGET) -> Trial:
    """The feasible COMPLETE trial at the full budget with the best value (the first on ties);
    one objective only. ``trials`` are the study's: with constraints, a trial without them is
    not feasible (:func:`~interactive_hpo.goals.counts_as_feasible`)."""
    _single(goals, owner)
    constrained = any_constraints(trials)
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    full = [t for t in complete if at_full_budget(t, full_budget)]
    feasible = [t for t in full if counts_as_feasible(t, constrained)]
    if not feasible:
        unmeasured = sum(t.constraints is None for t in full) if constrained else 0
        raise _no_best(len(complete), len(full), full_budget, owner, unmeasured)
    index = goals.directions[0].best_index([float(t.value) for t in feasible])  # type: ignore[arg-type]
    return feasible[int(index)]  # type: ignore[arg-type]


def _single(goals: Goals, owner: str) -> None:
    goals.single(owner, hint="Several objectives have no single best trial: read best_trials, the Pareto set.")


def no_best_yet(trials: Sequence[Trial], full_budget: float) -> str:
    """A progress line's words for a study of one objective without a best trial yet."""
    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    if not complete:
        return "no trial completed yet"
    if not any(at_full_budget(t, full_budget) for t in complete):
        return "no trial at the full budget yet"
    return "no feasible trial yet"


def _no_best(complete: int, full: int, full_budget: float, owner: str, unmeasured: int = 0) -> TrialStateError:
    """Why ``owner`` (what the person read: best_trial, best_value or best_params) has no best
    trial among ``complete`` COMPLETE trials, ``full`` of them at the full budget, none of those
    feasible: ``unmeasured`` of those carry no constraints in a study that has some."""
    if not complete:
        return TrialStateError(f"No trial has completed yet: {owner} needs at least one COMPLETE trial.")
    if not full:
        return TrialStateError(
            f"None of the {complete} completed trials ran at the full budget ({full_budget:g}) yet: {owner} counts "
            "full evaluations only (a scheduler's lower budgets measure a cheaper, biased objective). "
            "interactive_hpo.study.curves.budget_trace(study).best_any is the best value at any budget.")
    counted = f"{full} completed trials" + ("" if full == complete else " at the full budget")
    why = "" if not unmeasured else (
        f" {unmeasured} of them {'carry' if unmeasured > 1 else 'carries'} no constraint values while the study's "
        "other trials do: their feasibility is unknown, so neither the study nor its optimizer takes "
        f"{'them' if unmeasured > 1 else 'it'} for the best feasible trial. A trial counts when its constraints "
        "come with its value (add_manual(params, value, constraints=[...]), or tell(trial, value, constraints=[...]) "
        "for a trial asked): add a measured one again that way.")
    meets = "is known to meet" if unmeasured else "meets"
    return TrialStateError(f"None of the {counted} {meets} its constraints (each at most 0): there is no feasible best "
                           f"trial yet.{why}")


class KeptBest:
    """:func:`best_trial` of a study's record, kept from one reading to the next.

    Reading it afresh went through every trial: a callback that read ``study.best_value`` after
    each trial made a run of 20,000 trials take 144 s instead of 6. A finished trial never
    changes, so only the trials finished since the last reading are read. A record whose last
    finished trial read is another (a manual trial withdrawn) or other goals start afresh. The
    same trial as :func:`best_trial`: the lowest loss, the lowest number on ties. The best of the
    trials with constraints and that of those without are kept apart: the first trial with
    constraints makes those without of unknown feasibility, the best of them included.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # two threads reading at once
        self._start(None)

    def _start(self, goals: Goals | None, full_budget: float = FULL_BUDGET) -> None:
        self._goals, self._full_budget, self._read, self._complete, self._full = goals, full_budget, 0, 0, 0
        self._last: Trial | None = None
        self._constrained = False  # whether a trial read carries constraints
        self._unmeasured = 0  # full-budget COMPLETE trials without constraints
        # The best feasible trial with constraints and the best trial without (None: none yet), each
        # as its loss, its number and itself.
        self._best: dict[bool, tuple[float, int, Trial] | None] = {True: None, False: None}

    def of(self, goals: Goals, trials: Sequence[Trial], finish_order: Sequence[int],
           owner: str = "Study.best_trial", full_budget: float = FULL_BUDGET) -> Trial:
        """:func:`best_trial` of ``trials``, whose finished ones are numbered in ``finish_order``."""
        _single(goals, owner)
        direction = goals.directions[0]
        with self._lock:
            n = len(finish_order)  # a trial is in ``trials`` finished before it is in finish_order
            if goals != self._goals or full_budget != self._full_budget or n < self._read or \
                    (self._read and trials[finish_order[self._read - 1]] is not self._last):
                self._start(goals, full_budget)
            for number in finish_order[self._read:n]:
                trial = trials[number]
                if trial.state is not TrialState.COMPLETE:
                    continue
                self._complete += 1
                # Only a COMPLETE trial carries constraints (any_constraints of the study), at any budget.
                self._constrained = self._constrained or trial.constraints is not None
                if not at_full_budget(trial, full_budget):
                    continue
                self._full += 1
                measured = trial.constraints is not None
                self._unmeasured += not measured
                loss = direction.to_loss(float(trial.value))  # type: ignore[arg-type]
                kept = self._best[measured]
                if trial.feasible and not math.isnan(loss) and (kept is None or (loss, number) < kept[:2]):
                    self._best[measured] = (loss, number, trial)
            self._read, self._last = n, trials[finish_order[n - 1]] if n else None
            constrained = self._constrained
            complete, full, best = self._complete, self._full, self._best[constrained]
            unmeasured = self._unmeasured if constrained else 0
        if best is None:
            raise _no_best(complete, full, full_budget, owner, unmeasured)
        return best[2]
