"""What Population Based Training accepts: a task, a space the task takes, a population size,
perturbation factors, and the configurations of a fixed-hyperparameter run.

Each check takes the ``owner`` the user called (``PopulationBasedTraining``, ``train_fixed``,
``compare_with_fixed``, ``explore``), so an error names it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import check_int, fail, is_real
from ..conditions import Condition
from ..exceptions import InvalidParameterError
from ..objectives.incremental import IncrementalTask
from ..space import Categorical, Parameter, SearchSpace

__all__ = ["MAX_MEMBERS", "check_members", "check_perturb", "check_space", "check_task"]

#: The largest population: each member holds a model, so a population of millions is a typo
#: that would exhaust memory while the first models are built.
MAX_MEMBERS = 10_000


def check_task(task: Any, owner: str) -> IncrementalTask:
    """``task`` if it has the attributes and methods PBT calls."""
    if not isinstance(task, IncrementalTask):
        raise fail("task", owner, "an IncrementalTask (space, direction, new_model, train, score, copy)", task)
    return task


def check_perturb(perturb: Any, owner: str) -> tuple[float, ...]:
    """``perturb`` as a tuple of positive finite factors (a 1-D array counts as a sequence)."""
    rule = "a non-empty sequence of positive finite factors"
    factors = perturb.tolist() if getattr(perturb, "ndim", None) == 1 else perturb
    if isinstance(factors, (str, bytes, Mapping)) or not isinstance(factors, Sequence) or not factors \
            or not all(is_real(f) and math.isfinite(f) and f > 0 for f in factors):
        raise fail("perturb", owner, rule, perturb)
    return tuple(float(f) for f in factors)


def check_members(params: Any, n_members: Any, name: str, owner: str) -> int:
    """The population size of a run with fixed hyperparameters ``params`` (argument ``name``):
    one params dict for every member (``n_members`` of them, default 8), or a list of one per
    member (``n_members``, if given, its length). The dicts are checked against the space later."""
    if isinstance(params, Mapping):
        return check_int(8 if n_members is None else n_members, "n_members", owner, 2, MAX_MEMBERS)
    if n_members is not None:
        n_members = check_int(n_members, "n_members", owner, 2, MAX_MEMBERS)
    several = isinstance(params, Sequence) and not isinstance(params, (str, bytes))
    if not several or not 2 <= len(params) <= MAX_MEMBERS or len(params) != (n_members or len(params)):
        count = f"2 to {MAX_MEMBERS}" if n_members is None else n_members
        raise fail(name, owner, f"a params dict, or a list of {count} params dicts (one per member)", params)
    return len(params)


def check_space(space: Any, task_space: SearchSpace, owner: str, name: str = "space") -> SearchSpace:
    """``space`` if it searches only values ``task_space`` accepts: the same names, each parameter's
    bounds or choices valid for the task's, and the same conditions (so the same parameters active)."""
    if not isinstance(space, SearchSpace):
        raise fail(name, owner, "a SearchSpace", space)
    if space.names != task_space.names:
        raise fail(name, owner, f"a SearchSpace with the task's parameters {task_space.names}", space.names)
    for param in space:
        own = task_space[param.name]
        extremes = param.choices if isinstance(param, Categorical) else (param.low, param.high)  # type: ignore[attr-defined]
        outside = [value for value in extremes if not _accepts(own, value)]
        if outside:
            raise fail(f"{name}[{param.name!r}]", owner, f"within the task's {own!r}", param,
                       hint=f"The task's `train` does not take {outside[0]!r}.")
        if not _same_activity(param.condition, own.condition, space):
            raise fail(f"{name}[{param.name!r}]", owner, f"active where the task's {own!r} is", param,
                       hint="Give it the task's condition.")
    return space


def _accepts(param: Parameter, value: Any) -> bool:
    try:
        param.validate(value)
    except InvalidParameterError:
        return False
    return True


def _same_activity(mine: Condition | None, theirs: Condition | None, space: SearchSpace) -> bool:
    """Whether a parameter under ``mine`` in ``space`` is active exactly where the task's, under
    ``theirs``, is: the same parent, and the task's values that ``space``'s parent can take
    (a narrowed parent cannot list the others)."""
    if mine is None or theirs is None:
        return mine is None and theirs is None
    reachable = {value for value in theirs.values if _accepts(space[mine.parent], value)}
    return mine.parent == theirs.parent and set(mine.values) == reachable
