"""What the Pareto panel measures: the trials' objective values in their units, and the
reference point it fixes once (:func:`fixed_reference`; see :mod:`.pareto_panel` for why it
stays put).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..direction import Direction
from ..goals import Goals, feasible_mask
from ..pareto import MIN_SPAN
from ..trial import Trial, TrialState

__all__ = ["REFERENCE_AFTER", "fixed_reference", "objective_values"]

#: Feasible trials the reference point is inferred from (the first ones, in trial order).
REFERENCE_AFTER = 5

def objective_values(goals: Goals, trials: Sequence[Trial]) -> tuple[np.ndarray, np.ndarray]:
    """Each trial's objective values in the user's directions, shape (n, m) (rows of NaN for a
    trial without values), and whether it is a feasible COMPLETE trial, shape (n,), as
    ``best_trials`` counts them (:func:`~interactive_hpo.goals.feasible_mask`: once ``trials``, a
    study's, carry constraints, one without them is of unknown feasibility and not counted)."""
    values = np.full((len(trials), goals.n), np.nan)
    feasible = np.zeros(len(trials), dtype=bool)
    counted = feasible_mask(trials)
    for i, trial in enumerate(trials):
        found = goals.values_of(trial) if trial.state is TrialState.COMPLETE else None
        if found is not None:
            values[i] = found
            feasible[i] = counted[i]
    return values, feasible


def fixed_reference(values: Any, directions: Sequence[str], feasible: Any, first: int | None = REFERENCE_AFTER,
                    margin: float = 0.1) -> np.ndarray | None:
    """The panel's reference point in objective units, shape (m,), or None while fewer than
    ``first`` trials are feasible.

    The worst value of each objective over the first ``first`` feasible rows of ``values``
    (shape (n, m), trial order; None: all feasible rows), worsened by ``margin`` times their
    range in that objective (``|worst|`` when the range is 0, at least ``MIN_SPAN``). Unlike
    the nadir of the front (BoTorch's rule), the worst of all early trials gives a generous box.

    Examples
    --------
    >>> fixed_reference([[1.0, 4.0], [3.0, 2.0], [2.0, 9.0]], ["minimize", "maximize"], [True] * 3, first=3)
    array([3.2, 1.3])
    """
    parsed = [Direction(d) for d in directions]
    rows = np.asarray(values, dtype=float)[np.asarray(feasible, dtype=bool)]
    if first is not None:
        rows = rows[:first]
    if not len(rows) or (first is not None and len(rows) < first):
        return None
    losses = np.column_stack([d.to_loss(rows[:, j]) for j, d in enumerate(parsed)])
    worst = losses.max(axis=0)
    span = worst - losses.min(axis=0)
    span = np.maximum(np.where(span > 0, span, np.abs(worst)), MIN_SPAN)
    return np.array([d.to_value(loss) for d, loss in zip(parsed, worst + margin * span, strict=True)])
