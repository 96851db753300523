"""What the Pareto panel says about the trial selected on it, as HTML: where it came from, its
value in each objective and which way is better, whether it is on the front (or which trials
dominate it, which constraint it breaks, or that it ran at a lower budget and is not counted),
and its parameters."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..goals import Goals
from ..trial import Trial, TrialState

__all__ = ["trial_details"]

#: Dominating trials listed by number (the rest: "...").
DOMINATING_LISTED = 8


def trial_details(goals: Goals, trials: Sequence[Trial], values: np.ndarray, feasible: np.ndarray,
                  number: int, full: np.ndarray | None = None) -> str:
    """HTML lines about trial ``number`` of ``trials`` (in number order), whose objective values
    are ``values`` (shape (n, m), the user's directions, NaN rows for trials without), whose
    feasibility (a COMPLETE trial that breaks no constraint) is ``feasible`` (shape (n,)) and
    which ran at the full budget, ``full`` (shape (n,); None: all). Only feasible full-budget
    trials are counted on the front and among those that dominate a trial, as in ``best_trials``.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> from interactive_hpo.ui.pareto_reference import objective_values
    >>> study = Study(SearchSpace([Float("x", 0, 1)]), "sobol", directions=["minimize", "minimize"], seed=0)
    >>> _ = study.run(lambda p: (p["x"], abs(p["x"] - 0.5)), n_trials=4, progress=False)
    >>> values, feasible = objective_values(study.goals, study.trials)
    >>> trial_details(study.goals, study.trials, values, feasible, 3).split("<br>")[2]
    'dominated by trial(s) 0, 1, 2'
    """
    trial = trials[number]
    at_full = np.ones(len(trials), dtype=bool) if full is None else full
    budget = "" if trial.budget is None else f" &middot; budget {trial.budget:g}"
    lines = [f"<b>Trial {trial.number}</b> &middot; {html.escape(trial.source)} &middot; {trial.state.value}{budget}"]
    found = goals.values_of(trial) if trial.state is TrialState.COMPLETE else None
    if found is not None:
        lines.append(", ".join(f"{html.escape(name)} = {value:.6g} ({d.word} is better)" for name, value, d in
                               zip(goals.names, found, goals.directions, strict=True)))
        lines.append(_standing(goals, values, feasible, at_full, number, measured=trial.constraints is not None))
    if trial.constraints is not None:
        broken = [f"constraint {k} = {c:.4g} &gt; 0" for k, c in enumerate(trial.constraints) if c > 0]
        lines.append("feasible (every constraint &le; 0)" if not broken else "<b>infeasible</b>: " + ", ".join(broken))
    lines.append("params: " + ", ".join(f"{html.escape(name)} = {html.escape(_short(value))}"
                                        for name, value in trial.params.items()))
    return "<br>".join(lines)


def _standing(goals: Goals, values: np.ndarray, feasible: np.ndarray, full: np.ndarray, number: int,
              measured: bool = True) -> str:
    """On the front, dominated by which (counted) trials, or not counted (a lower budget,
    infeasible, or of unknown feasibility: not ``measured``, no constraint values, in a study
    with constraints)."""
    if not full[number]:
        return ("not counted: it ran at a lower budget, and the front counts full evaluations only (as "
                "best_trials does)")
    if not feasible[number] and not measured:
        return ("not counted: it has no constraint values while other trials have them, so its feasibility is "
                "unknown (as best_trials counts)")
    if not feasible[number]:
        return "not on the front: it breaks a constraint"
    mine = goals.losses(values[number])
    others = [k for k in np.flatnonzero(feasible & full) if k != number]
    beaten_by = [int(k) for k in others if np.all((losses := goals.losses(values[k])) <= mine)
                 and np.any(losses < mine)]
    if not beaten_by:
        return "<b>on the Pareto front</b>"
    more = ", ..." if len(beaten_by) > DOMINATING_LISTED else ""
    listed = ", ".join(map(str, beaten_by[:DOMINATING_LISTED])) + more
    return f"dominated by trial(s) {listed}"


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
