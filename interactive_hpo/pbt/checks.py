"""What Population Based Training accepts: a task, a space the task takes, a population size,
perturbation factors, configurations, and a number of rounds it can hold.

Each check takes the ``owner`` the user called (``PopulationBasedTraining``, ``train_fixed``,
``compare_with_fixed``, ``explore``), so an error names it.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import as_finite, check_int, check_one_of, check_size, fail
from ..objectives.incremental import IncrementalTask
from ..space import SearchSpace
from ..subspace import check_within

__all__ = ["MAX_MEMBERS", "MAX_RECORDS", "check_members", "check_perturb", "check_rounds",
           "check_space", "check_task"]

#: The largest population: each member holds a model, so a population of millions is a typo
#: that would exhaust memory while the first models are built.
MAX_MEMBERS = 10_000
#: The most member records (members x rounds) a run holds: every round keeps each member's
#: hyperparameters twice (about 0.5 kB a member on a three-parameter space, measured), so a
#: million is about half a gigabyte, and a billion, a typo, would exhaust memory mid-run.
MAX_RECORDS = 1_000_000

#: How PBT calls each method of the task (placeholders for the arguments), to check it can.
_CALLS = {"new_model": ((None, None), {}), "train": ((None, None, 1), {"seed": 0}), "score": ((None,), {}),
          "copy": ((None,), {})}
_SHOWN_CALLS = {"new_model": "new_model(params, seed)", "train": "train(model, params, n_steps, seed=...)",
                "score": "score(model)", "copy": "copy(model)"}


def check_task(task: Any, owner: str) -> IncrementalTask:
    """``task`` if it has the attributes PBT reads and methods it can call as it does: refused
    here, before any model is built, rather than by Python's TypeError in the first round."""
    if not isinstance(task, IncrementalTask):
        raise fail("task", owner, "an IncrementalTask (space, direction, new_model, train, score, copy)", task)
    if not isinstance(task.space, SearchSpace):
        raise fail("task.space", owner, "a SearchSpace (the hyperparameters `train` accepts)", task.space)
    check_one_of(task.direction, "task.direction", owner, ("maximize", "minimize"))
    for name, (args, kwargs) in _CALLS.items():
        if not _callable_as(getattr(task, name), args, kwargs):
            raise fail(f"task.{name}", owner, f"a method callable as {_SHOWN_CALLS[name]}", getattr(task, name))
    return task


def _callable_as(method: Any, args: tuple, kwargs: dict) -> bool:
    if not callable(method):
        return False
    try:
        inspect.signature(method).bind(*args, **kwargs)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some builtins): only calling it can tell
        pass
    return True


def check_rounds(n_rounds: Any, n_members: int, held: int, owner: str) -> int:
    """``n_rounds`` more rounds of ``n_members`` members, when ``held`` rounds are recorded
    already, if the run then holds at most :data:`MAX_RECORDS` member records."""
    return check_size(n_rounds, "n_rounds", owner, 0, n_members, MAX_RECORDS - held * n_members,
                      "member records (one a round)")


def check_perturb(perturb: Any, owner: str) -> tuple[float, ...]:
    """``perturb`` as a tuple of positive finite factors (a 1-D array counts as a sequence)."""
    rule = "a non-empty sequence of positive finite factors"
    factors = perturb.tolist() if getattr(perturb, "ndim", None) == 1 else perturb
    if isinstance(factors, (str, bytes, Mapping)) or not isinstance(factors, Sequence) or not factors \
            or not all(as_finite(f) is not None and f > 0 for f in factors):  # an int past 1e308 too
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
    """``space`` if it searches only values ``task_space`` accepts: the same names (but any whose
    condition can never hold in it), each parameter's bounds or choices valid for the task's, and
    the same conditions (so the same parameters active)."""
    return check_within(space, task_space, owner, name, "the task's", "The task's `train`")
