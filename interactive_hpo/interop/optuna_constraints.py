"""Optuna's constraints (``trial.constraints``: values by name) as ours (a tuple of finite
numbers, by place), for :func:`~interactive_hpo.interop.from_optuna`, :class:`IHPOSampler` and
:func:`optuna_objective`.

Optuna is never imported here: the functions read the trials they are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import fail, is_real, shown

__all__ = ["check_constraint_names", "constraint_values", "unmeasured_constraint"]


def constraint_values(named: Mapping[str, float]) -> tuple[float, ...] | None:
    """Optuna's constraints by name (real numbers: see :func:`unmeasured_constraint`) as a tuple:
    numeric names in numeric order ("2" before "10"), then the others."""
    if not named:
        return None
    return tuple(float(named[k]) for k in _constraint_order(named))


def _constraint_order(named: Mapping[str, Any]) -> list[str]:
    return sorted(named, key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k))


def check_constraint_names(trials: Sequence[Any], complete: Any, argument: str, owner: str,
                           hint: str) -> list[str] | None:
    """Refuse Optuna ``trials`` whose ``complete`` ones (Optuna's TrialState.COMPLETE) measure
    constraints under other names than the first such trial (a trial without any is fine, as in
    our studies, and so is one that becomes FAILED for a non-finite constraint): ours are a tuple
    by position, so "memory" in one trial and "time" in the next became one constraint. Optuna's
    GPSampler refuses them too. Returns the names, in our order (None: no constraints)."""
    first: tuple[int, list[str]] | None = None
    for trial in trials:
        if trial.state is not complete or not trial.constraints or unmeasured_constraint(trial.constraints):
            continue
        names = _constraint_order(trial.constraints)
        if first is None:
            first = trial.number, names
        elif names != first[1]:
            raise fail(argument, owner, "a study whose COMPLETE trials measure the same constraints (by name)",
                       f"trial {trial.number}", hint=f"Optuna trial {first[0]} has the constraints {first[1]}, "
                       f"trial {trial.number} {names}: our constraints are told apart by their place, the same "
                       f"ones in every trial. {hint}")
    return None if first is None else first[1]


def unmeasured_constraint(named: Mapping[str, Any]) -> str | None:
    """Why Optuna's constraints ``named`` do not fit ours (finite real numbers), or None when they do.

    Optuna accepts an infinite constraint, and its older trials keep whatever the system
    attribute "constraints" holds; a constraint of ours is a finite number that a GP can model.
    """
    for key, value in named.items():
        if not (is_real(value) and math.isfinite(float(value))):
            return f"its constraint {key!r} is {shown(value)}: constraints here are finite real numbers."
    return None
