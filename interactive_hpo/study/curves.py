"""Data for plots from a study's trials: learning curves, curves over budgets, budget spent,
and the lineage of a population.

Plain numpy arrays computed from a study's trials (the plots in
:mod:`interactive_hpo.plots.curves` draw them; tests check them). Values are in the
objective's own direction, as the user reads them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_int, check_real, is_int
from ..goals import any_constraints, counts_as_feasible
from ..trial import Trial, TrialState
from .core import check_study
from .results import at_full_budget

if TYPE_CHECKING:
    from .core import Study

__all__ = ["Curve", "learning_curves", "config_curves", "BudgetTrace", "budget_trace", "Lineage", "lineage"]


@dataclass(frozen=True)
class Curve:
    """One curve: values at increasing steps.

    Attributes
    ----------
    key : int
        The trial number (learning curves) or the configuration number (curves over budgets).
    steps : ndarray of shape (k,)
        Increasing.
    values : ndarray of shape (k,)
        NaN where a run diverged or failed.
    state : str
        The state of the trial that ended the curve ("PRUNED" for a curve cut short).
    numbers : ndarray of shape (k,)
        The trial behind each point.
    """

    key: int
    steps: np.ndarray
    values: np.ndarray
    state: str
    numbers: np.ndarray


def _small_int(value: Any) -> bool:
    """Whether ``value`` is an int an int64 array holds: what an optimizer records as a trial's
    ``config``, ``id`` or parent. A person's own attribute of that name (``{"id": "run-7"}``, a
    float) is not one, and made these functions fail with Python's ValueError or OverflowError."""
    return is_int(value) and -(2**63) <= value < 2**63


def learning_curves(study: Study) -> list[Curve]:
    """Each trial's reported intermediate values (trials that reported nothing are left out)."""
    check_study(study, "learning_curves")
    curves = []
    for trial in study.trials:
        if trial.intermediate_values:
            steps = sorted(trial.intermediate_values)
            curves.append(Curve(trial.number, np.array(steps, dtype=float),
                                np.array([trial.intermediate_values[s] for s in steps], dtype=float),
                                trial.state.value, np.full(len(steps), trial.number)))
    return curves


def config_curves(study: Study) -> list[Curve]:
    """Each configuration's value at every budget a multi-fidelity scheduler ran it at.

    A scheduler's trials name their configuration (``user_attrs["config"]``); the trials of
    one configuration, ordered by budget, are its curve over budgets. Trials without a
    configuration (an int) are left out.
    """
    check_study(study, "config_curves")
    by_config: dict[int, list] = {}
    for trial in study.trials:
        config = trial.user_attrs.get("config")
        if _small_int(config) and trial.state.is_finished and trial.budget is not None:
            by_config.setdefault(int(config), []).append(trial)  # type: ignore[arg-type]
    curves = []
    for config, trials in sorted(by_config.items()):
        trials.sort(key=lambda t: (t.budget, t.number))
        curves.append(Curve(config, np.array([t.budget for t in trials], dtype=float),
                            np.array([math.nan if t.value is None else t.value for t in trials], dtype=float),
                            trials[-1].state.value, np.array([t.number for t in trials])))
    return curves


@dataclass(frozen=True)
class BudgetTrace:
    """Budget spent against the best value found, trial by trial (in the order trials finished).

    Attributes
    ----------
    numbers : ndarray of shape (n,)
        Finished trials, in finishing order.
    spent : ndarray of shape (n,)
        Cumulative budget after each (a trial without a budget counts ``full_budget``). A PRUNED
        trial counts the share of its budget it ran: how many reports it made, out of the most a
        COMPLETE trial at the same budget made (its whole budget when none reported, or it made
        no report). Every other trial counts its whole budget, a FAILED one too.
    best_full : ndarray of shape (n,)
        Best value so far among trials at the full budget (NaN before the first): the only
        values comparable with a full evaluation.
    best_any : ndarray of shape (n,)
        Best value so far at any budget (low budgets can look better or worse than they are).
    full_budget : float
    """

    numbers: np.ndarray
    spent: np.ndarray
    best_full: np.ndarray
    best_any: np.ndarray
    full_budget: float


def budget_trace(study: Study, full_budget: float | None = None) -> BudgetTrace:
    """How much budget the study spent to reach its best values.

    Parameters
    ----------
    study : Study
    full_budget : float, optional
        What counts as a full evaluation (> 0); default ``study.full_budget`` (the scheduler's
        ``max_budget``, else 1.0).
    """
    check_study(study, "budget_trace")
    # Several objectives: its best values were NaN throughout (a trial of several has no one value).
    study.goals.single("budget_trace", hint="The best value against budget spent is one objective's; "
                                            "learning_curves(study) and the trials' values work for several.")
    if full_budget is None:
        full_budget = study.full_budget
    else:  # a str was Python's TypeError at the first trial; 0, NaN or a negative one drew nonsense
        full_budget = check_real(full_budget, "full_budget", "budget_trace", 0.0, low_open=True)
    trials = study.trials  # one copy: each study.trials[i] copied the whole list (quadratic)
    finished = [trials[number] for number in study.finish_order]
    reports: dict[float, int] = {}  # budget -> the most reports a COMPLETE trial at it made
    for trial in finished:
        if trial.state is TrialState.COMPLETE:
            budget = full_budget if trial.budget is None else trial.budget
            reports[budget] = max(reports.get(budget, 0), len(trial.intermediate_values))
    spent, best_full, best_any = [], [], []
    total, full, any_ = 0.0, math.inf, math.inf
    for trial in finished:
        budget = full_budget if trial.budget is None else trial.budget
        whole = reports.get(budget, 0)
        made = len(trial.intermediate_values)
        # A pruned trial stopped part of the way: counted whole, a median-pruned study that trained
        # 92 of 200 epochs had spent 20 full evaluations, and pruning seemed to save nothing.
        total += budget * min(1.0, made / whole) if trial.state is TrialState.PRUNED and made and whole else budget
        if trial.state is TrialState.COMPLETE and trial.value is not None:
            loss = study.direction.to_loss(trial.value)
            any_ = min(any_, loss)
            if at_full_budget(trial, full_budget):
                full = min(full, loss)
        spent.append(total)
        best_full.append(study.direction.to_value(full) if math.isfinite(full) else math.nan)
        best_any.append(study.direction.to_value(any_) if math.isfinite(any_) else math.nan)
    return BudgetTrace(np.array([t.number for t in finished], dtype=int), np.array(spent, dtype=float),
                       np.array(best_full, dtype=float), np.array(best_any, dtype=float), float(full_budget))


@dataclass(frozen=True)
class Lineage:
    """Who bred whom in a population optimizer (GA, DE, CMA-ES), from the trials it proposed.

    Attributes
    ----------
    ids : ndarray of shape (n,)
        Individual ids (an elite carried over keeps its id and is not evaluated again).
    generations : ndarray of shape (n,)
    values : ndarray of shape (n,)
        Objective values, NaN for failed individuals.
    parents : tuple of tuples
        ``parents[i]``: ids of the individuals ``ids[i]`` was bred from; each is one of ``ids``.
    best : int or None
        Id of the best feasible individual (None before one); in a study with constraints, one
        without them is of unknown feasibility and never the best (as for ``best_trial``).
    adopted : dict
        Id -> trial number, for the individuals the method built from a trial it did not breed
        (before a switch, yours, a spare's) and bred from: roots, with that trial's value, in the
        generation before their first child's; -1 where the records do not say which trial
        (a journal written before they did: value NaN).
    """

    ids: np.ndarray
    generations: np.ndarray
    values: np.ndarray
    parents: tuple[tuple[int, ...], ...]
    best: int | None
    adopted: Mapping[int, int] = field(default_factory=dict)

    def ancestry(self, individual: int) -> list[int]:
        """``individual`` and all its ancestors' ids, nearest first."""
        # Any value was taken (an unknown one is its own ancestry); a list was Python's "unhashable type".
        individual = check_int(individual, "individual", "Lineage.ancestry")
        parents = dict(zip(self.ids.tolist(), self.parents, strict=True))
        seen, queue = [], [individual]
        while queue:
            current = queue.pop(0)
            if current not in seen:
                seen.append(current)
                queue += list(parents.get(current, ()))
        return seen


def lineage(study: Study, step: int | None = None) -> Lineage:
    """The lineage of the population trials of ``study`` (those whose attributes name an int ``id``
    and, if any, a list of int ``parents``, as a population method records them).

    Only the trials bred by the optimizer in charge count: a population method numbers its
    individuals from 0 again when a switch puts it in charge, so ids of two runs would link
    across them. A parent no such trial holds (a GA's elite built from a trial of the optimizer
    before the switch) was built from a trial: the lineage holds it as well, a root, ``adopted``
    names that trial (its children record it), and so every parent is one of the ids: after a
    switch to GA its edges went nowhere. ``step``: as it was when trial ``step`` was asked (the
    run in charge then, the trials finished by then); None: now.
    """
    check_study(study, "lineage")
    trials = study.trials
    if step is None:
        run, finished = study.state.run_of(len(trials)), None
    else:
        finished = set(study.finished_before(step))  # checks step, where it was typed
        run = study.state.run_of(step)
    bred = [t for t in trials[run.start:run.stop] if t.state.is_finished and (finished is None or t.number in finished)
            and _small_int(t.user_attrs.get("id"))
            and isinstance(t.user_attrs.get("parents", []), (list, tuple))
            and all(_small_int(p) for p in t.user_attrs.get("parents", []))
            and (t.generation is None or _small_int(t.generation))]
    values = np.array([math.nan if t.value is None else t.value for t in bred], dtype=float)
    # The best as the study counts it (and the methods rank by Deb's rules): with constraints in
    # the trials finished by then, one without them is of unknown feasibility.
    constrained = any_constraints(t for t in trials if finished is None or t.number in finished)
    feasible = np.array([counts_as_feasible(t, constrained) for t in bred], dtype=bool)
    best = None
    if (np.isfinite(values) & feasible).any():
        pick = np.nanargmin(np.where(feasible, study.direction.to_loss(values), np.nan))
        best = int(bred[int(pick)].user_attrs["id"])
    ids = [int(t.user_attrs["id"]) for t in bred]
    generations = [-1 if t.generation is None else int(t.generation) for t in bred]
    parents = [tuple(int(p) for p in t.user_attrs.get("parents", ())) for t in bred]
    adopted = _adopted(bred, set(ids), parents, trials, finished)
    for ident, number in adopted.items():
        first = min(g for g, of in zip(generations, parents, strict=True) if ident in of)
        ids.append(ident)
        generations.append(max(first - 1, -1))
        value = trials[number].value if number >= 0 else None
        values = np.append(values, math.nan if value is None else value)
        parents.append(())
    return Lineage(np.array(ids, dtype=int), np.array(generations, dtype=int), values, tuple(parents), best, adopted)


def _adopted(bred: list[Trial], ids: set[int], parents: list[tuple[int, ...]], trials: Sequence[Trial],
             finished: set[int] | None) -> dict[int, int]:
    """Id -> trial number of every parent of ``bred`` (their ``parents``) that is none of
    ``ids``: the finished trial the children's ``parents_from_trials`` name (among ``finished``,
    when given), else -1."""
    named: dict[int, int] = {}
    for trial in bred:
        pairs = trial.user_attrs.get("parents_from_trials", ())
        for pair in pairs if isinstance(pairs, (list, tuple)) else ():
            if isinstance(pair, (list, tuple)) and len(pair) == 2 and all(_small_int(n) for n in pair) \
                    and 0 <= pair[1] < len(trials) and trials[pair[1]].state.is_finished \
                    and (finished is None or pair[1] in finished):
                named.setdefault(int(pair[0]), int(pair[1]))
    return {p: named.get(p, -1) for of in parents for p in of if p not in ids}
