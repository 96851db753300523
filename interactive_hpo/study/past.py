"""What a study knew at a past step: the optimizer in charge, the trials finished, its belief.

Every trial is a step of the study's history. :func:`context_of` reads the journal's events up
to the one that made a trial; from that context :func:`past_surrogate` and :func:`past_population`
rebuild the optimizer of that step (by name, told what it knew then) and show the model or the
population behind the trial, without refitting; :func:`model_behind` says whether a fitted model
proposed it. Forks start from a context too (:func:`~.branching.fork_study`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .._validation import accepts_keyword, fail
from ..direction import Direction
from ..exceptions import StorageError
from ..goals import feasible_mask
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import ModelBased
from ..optimizers.recorded import recorded
from ..optimizers.registry import make_optimizer, optimizer_class
from .learnt import tell
from .results import at_full_budget, full_budget_of, scheduler_budget
from .state import StudyState, carried_budget

if TYPE_CHECKING:
    from .core import Study

__all__ = ["Context", "best_so_far", "context_of", "full_budget_at", "full_budgets", "model_behind",
           "past_population", "past_surrogate"]


class Context(NamedTuple):
    """What a study knew when one of its trials was asked (:func:`context_of`)."""

    #: The optimizer in charge: ``{"name": ..., "settings": {...}}``.
    spec: dict[str, Any]
    #: The numbers of the trials finished by then, in the order they finished.
    finished: list[int]
    #: The params enqueued and not yet asked, first first (the trial's own, if it was enqueued).
    queued: list[dict[str, Any]]
    #: A person's overrides of finished trials: (trials finished by then, number, action), as
    #: :attr:`StudyState.overrides`.
    overrides: list[tuple[int, int, str]]
    #: The largest budget known by then (:attr:`StudyState.largest_budget` as it stood): the
    #: ``max_budget`` of the header's scheduler and of those switched to, and the full budget of
    #: the studies the trials finished by then were carried from; None if none. A scheduler
    #: switched to later does not change what counted as a full evaluation then.
    largest_budget: float | None = None


def context_of(state: StudyState, number: int) -> Context:
    """What the study knew when trial ``number`` was asked (a manual trial: when it was added;
    ``number`` past the last trial: now): the optimizer in charge, the trials finished, the
    queue, the overrides of finished trials and the largest budget known."""
    events = state.events
    # The event that made trial ``number``: its ask, or a manual trial's "added" (which has no
    # ask: its context ran to the end, so a fork at it took the trials that came after). The
    # last one: an undone manual trial's number is reused by the next trial.
    made = next((i for i in range(len(events) - 1, -1, -1) if events[i]["event"] in ("asked", "added")
                 and events[i]["trial"]["number"] == number), len(events))
    context = Context(state.header["optimizer"], [], [], [])
    finished = context.finished
    budgets = [scheduler_budget(state.header.get("optimizer"))]
    for event in events[:made]:
        kind = event["event"]
        if kind == "switched":
            context = context._replace(spec=event["optimizer"])
            budgets.append(scheduler_budget(event["optimizer"]))
        elif kind == "finished":
            finished.append(event["number"])
        elif kind == "added":
            finished.append(event["trial"]["number"])
        elif kind == "undone":  # its number is reused by the next trial
            finished.remove(event["number"])
        elif kind == "enqueued":
            context.queued.append(dict(event["params"]))
        elif kind == "asked" and event["trial"]["source"] == "enqueued":  # it took the head of the queue
            context.queued.pop(0)
        elif kind == "override" and event["number"] in finished:  # one of a running trial died with it
            context.overrides.append((len(finished), event["number"], event["action"]))
    # The carried budgets of the trials finished then, read once the undone ones are taken out.
    budgets += [carried_budget(state.trials[done]) for done in finished]
    return context._replace(largest_budget=max((b for b in budgets if b is not None), default=None))


def full_budget_at(state: StudyState, number: int) -> float:
    """What counted as a full evaluation when trial ``number`` was asked (``number`` past the last
    trial: now): ``Study.full_budget`` as it stood then (:attr:`Context.largest_budget`, else 1).

    A past step's view counts its best trials, and the data of its analyses, at this budget:
    counted at today's, after a switch to a scheduler with a larger ``max_budget`` (9, then 27),
    that step's full evaluations passed for lower rungs, and its best trial for none.
    """
    return full_budget_of(None, context_of(state, number).largest_budget)


def full_budgets(state: StudyState) -> list[float]:
    """:func:`full_budget_at` of every trial, in number order (length ``len(state.trials)``), from
    one reading of the journal's events: asked trial by trial, each read them all again (8 s for
    the frames of a study of 2,000 trials)."""
    events = state.events
    made = {}  # the index of the event that made each trial: its last "asked" or "added", as context_of reads it
    for i, event in enumerate(events):
        if event["event"] in ("asked", "added"):
            made[event["trial"]["number"]] = i
    trial_at = {i: number for number, i in made.items()}
    budgets = [scheduler_budget(state.header.get("optimizer"))]
    # The carried budgets of the trials finished so far, read as context_of reads them: of the trial
    # holding the number now (an undone manual trial's number is reused; one not reused has none).
    carried: Counter[float | None] = Counter()

    def carried_by(number: int) -> float | None:
        return carried_budget(state.trials[number]) if number < len(state.trials) else None

    def full_budget() -> float:
        return full_budget_of(None, max((b for b in budgets + list(carried) if b is not None), default=None))

    at_asking: dict[int, float] = {}
    for i, event in enumerate(events):
        if i in trial_at:
            at_asking[trial_at[i]] = full_budget()
        kind = event["event"]
        if kind == "switched":
            budgets.append(scheduler_budget(event["optimizer"]))
        elif kind in ("finished", "added"):
            carried[carried_by(event["number"] if kind == "finished" else event["trial"]["number"])] += 1
        elif kind == "undone":
            carried[carried_by(event["number"])] -= 1
            carried += Counter()  # drops a budget no finished trial carries any more
    now = full_budget()
    return [at_asking.get(number, now) for number in range(len(state.trials))]


def best_so_far(study: Study, full_budget: float, objective: int | str | None = None) -> np.ndarray:
    """``study.history(objective).best_values``, shape (n_trials,), with the trials counted at
    ``full_budget`` (a past step's, :func:`full_budget_at`) instead of today's: the running best
    of the feasible COMPLETE trials at that budget or without one, NaN before the first."""
    history = study.history(objective)
    trials = study.trials[:len(history.values)]  # read after: another thread's ask may have grown the study
    counted = feasible_mask(trials) & np.array([at_full_budget(t, full_budget) for t in trials], dtype=bool)
    # history.values: NaN where a trial is not COMPLETE.
    return Direction(history.direction).running_best(np.where(counted, history.values, np.nan))


def _optimizer_at(study: Study, number: int) -> Optimizer:
    """The optimizer in charge when trial ``number`` was asked, told what it knew then."""
    context = context_of(study.state, number)
    with recorded():
        optimizer = make_optimizer(context.spec["name"], study.space, **context.spec["settings"])
    study._warm_start.give(optimizer)
    full = full_budget_of(optimizer, context.largest_budget)  # then's: not a scheduler's switched to later
    for done in context.finished:
        tell(optimizer, study.goals, study.state.trials[done], full)
    return optimizer


def model_behind(state: StudyState, number: int) -> type[Optimizer] | None:
    """The class of the optimizer whose fitted model proposed trial ``number`` (the one in charge
    when it was asked), or None when no model did: the trial records no fit (``"gp_state"``), as
    for an initial design, a manual trial or a model-free optimizer. The one place that decides
    which belief stands behind a past trial, for :func:`past_surrogate` and for reading its
    ``objective=`` (``Study.surrogate``)."""
    if "gp_state" not in state.trials[number].user_attrs:
        return None
    return optimizer_class(context_of(state, number).spec["name"])


def past_surrogate(study: Study, number: int, **options: Any) -> Any:
    """The belief that proposed trial ``number``: an optimizer rebuilt as it was then (its spec
    and the trials finished before the ask), restored from the hyperparameters recorded with
    the trial. No refit, so scrubbing through a long study is cheap. ``options`` go to its
    ``restored_view`` (``objective=i``: "ehvi"'s belief about objective ``i``)."""
    trial = study.state.trials[number]
    if model_behind(study.state, number) is None:
        raise fail("step", "Study.surrogate", "the number of a trial proposed by a fitted model", number,
                   hint=f"Trial {number} came from {trial.source!r}"
                        f"{' (its initial design)' if trial.user_attrs.get('phase') == 'initial' else ''}.")
    optimizer = _optimizer_at(study, number)
    if not isinstance(optimizer, ModelBased):  # the journal says a model proposed it; this optimizer has none
        raise StorageError(f"trial {number} records a fitted model, but {optimizer.name!r} keeps no model to restore")
    for name, value in options.items():
        if not accepts_keyword(optimizer.restored_view, name):
            raise fail(name, "Study.surrogate", f"given only for a step whose model takes it ({optimizer.name!r}, "
                       f"which proposed trial {number}, does not)", value)
    return optimizer.restored_view(trial.user_attrs, proposal=trial.x, **options)


def past_population(study: Study, number: int) -> Any:
    """The population when trial ``number`` was asked: an optimizer rebuilt from its spec then,
    told the trials finished before (population methods fit nothing, so this is cheap)."""
    optimizer = _optimizer_at(study, number)
    return optimizer.population()
