"""A search space within another: the same parameters and conditions, each searching only values
the other accepts (narrower bounds, fewer choices), less those its narrowing keeps inactive.

An objective or a PBT task declares the space it takes; a study or a population may search part of
it, for instance a learning rate over [1e-3, 1e-1] where the task takes [1e-5, 1]. A parameter
whose condition can never hold in the narrower space (``degree``, for ``kernel == "poly"``, in a
space whose kernel is "rbf" or "linear") is left out of it: the objective never receives it, as it
never receives an inactive one.

>>> from interactive_hpo import Categorical, Float, Int, SearchSpace
>>> from interactive_hpo.subspace import misfit
>>> wide = SearchSpace([Float("lr", 1e-5, 1.0, log=True), Int("depth", 1, 10)])
>>> narrow = SearchSpace([Float("lr", 1e-3, 0.1, log=True), Int("depth", 2, 4)])
>>> misfit(narrow, wide, "the objective's", "It") is None
True
>>> misfit(SearchSpace([Float("lr", 1e-3, 2.0), Int("depth", 2, 4)]), wide, "the objective's", "It").rule
"within the objective's Float('lr', low=1e-05, high=1.0, log=True)"
>>> misfit(SearchSpace([Float("lr", 1e-3, 2.0), Int("depth", 2, 4)]), wide, "the objective's", "It").hint
'It does not take 2.0.'
>>> misfit(SearchSpace([Float("lr", 1e-3, 0.1), Int("width", 2, 4)]), wide, "the objective's", "It").hint
"It has no 'width' and needs 'depth' too."
>>> svm = SearchSpace([Categorical("kernel", ["rbf", "poly", "linear"]),
...                    Int("degree", 2, 5, condition=("kernel", "poly"))])
>>> misfit(SearchSpace([Categorical("kernel", ["rbf", "linear"])]), svm, "the task's", "It") is None
True
>>> misfit(SearchSpace([Categorical("kernel", ["poly", "linear"])]), svm, "the task's", "It").hint
"It needs 'degree' too: 'degree' is active when kernel is 'poly', which kernel can be. Leave out only a \
parameter whose condition can never hold."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._validation import fail
from .conditions import Condition
from .exceptions import InvalidParameterError
from .parameters import Categorical, Float, Int, Parameter
from .space import SearchSpace

__all__ = ["Misfit", "check_within", "misfit"]


@dataclass(frozen=True)
class Misfit:
    """Why a space is not within another, for the error its caller raises in its own words.

    Attributes
    ----------
    parameter : str or None
        The parameter that searches outside; None when the names differ.
    rule : str
        What it must be, written about the wider space's holder ("within the task's Float(...)").
    hint : str
        What is wrong with it (when the names differ: the names one has and the other lacks).
    """

    parameter: str | None
    rule: str
    hint: str


def misfit(space: SearchSpace, wider: SearchSpace, holder: str, taker: str) -> Misfit | None:
    """None if ``space`` is within ``wider``: the same names (in any order: what takes the values
    gets a dict) but those whose condition can never hold in ``space``, each parameter's bounds
    or choices accepted by ``wider``'s, and the same conditions (the same parameters active);
    else the first reason it is not. ``holder`` says whose the wider space is ("the task's"),
    ``taker`` what takes its values ("The task's `train`"), in the words of the reason."""
    names = set(space.names)
    extra = [name for name in space.names if name not in wider.names]
    # Left out may be only a parameter the narrowing keeps inactive: the taker never asks for it.
    missing = [name for name in wider.names if name not in names and _can_be_active(name, names, space, wider)]
    if extra or missing:
        lacks = ([f"has no {', '.join(map(repr, extra))}"] if extra else []) \
            + ([f"needs {', '.join(map(repr, missing))} too"] if missing else [])
        conditions = {name: wider[name].condition for name in missing}
        why = [f"{name!r} is active when "
               f"{Condition(c.parent, _reachable(c, space)).describe()}, which {c.parent} can be"
               for name, c in conditions.items() if c is not None and c.parent in names]
        hint = f"{taker} {' and '.join(lacks)}" + (f": {'; '.join(why)}. Leave out only a parameter whose "
                                                   "condition can never hold." if why else ".")
        less = " (less any that can never be active in it)" if wider.conditional else ""
        return Misfit(None, f"a SearchSpace with {holder} parameters {wider.names}{less}", hint)
    for param in space:
        own = wider[param.name]
        rule = f"within {holder} {own!r}"
        if isinstance(param, Float) and isinstance(own, (Int, Categorical)):  # its bounds may be taken; not all between
            return Misfit(param.name, rule, f"{taker} takes {'ints' if isinstance(own, Int) else 'only its choices'}; "
                                            "a Float proposes the values between them.")
        extremes = _extremes(param, own)
        outside = [value for value in extremes if not _accepts(own, value)]
        if outside:
            return Misfit(param.name, rule, f"{taker} does not take {outside[0]!r}.")
        if not _same_activity(param.condition, own.condition, space):
            return Misfit(param.name, f"active where {holder} {own!r} is", f"Give it {holder} condition.")
    return None


def check_within(space: Any, wider: SearchSpace, owner: str, name: str, holder: str, taker: str) -> SearchSpace:
    """``space`` if it is a SearchSpace within ``wider`` (:func:`misfit`); else the error naming
    argument ``name`` of ``owner`` (``name['lr']`` when one parameter searches outside), with the
    reason in the words of ``holder`` and ``taker``."""
    if not isinstance(space, SearchSpace):
        raise fail(name, owner, "a SearchSpace", space)
    found = misfit(space, wider, holder, taker)
    if found is not None:
        where, given = (name, space.names) if found.parameter is None else \
            (f"{name}[{found.parameter!r}]", space[found.parameter])
        raise fail(where, owner, found.rule, given, hint=found.hint)
    return space


def _extremes(param: Parameter, own: Parameter) -> Sequence[object]:
    """The values of ``param`` that ``own`` must take for it to take them all: its choices, its
    bounds, or, where ``own`` lists choices, the ints from its low on (one more than ``own`` has
    choices: among them, one it lacks if the range is wider than its choices)."""
    if isinstance(param, Categorical):
        return param.choices
    low, high = param.low, param.high  # type: ignore[attr-defined]  # a Float or an Int
    if isinstance(own, Categorical):  # an Int over choices [1, 3] would propose 2
        return range(int(low), int(min(high, low + len(own.choices))) + 1)
    return low, high


def _accepts(param: Parameter, value: object) -> bool:
    try:
        param.validate(value)
    except InvalidParameterError:
        return False
    return True


def _reachable(condition: Condition, space: SearchSpace) -> tuple:
    """The values of ``condition`` that its parent in ``space`` can take (a narrowed parent
    cannot take the others)."""
    return tuple(value for value in condition.values if _accepts(space[condition.parent], value))


def _can_be_active(name: str, names: set[str], space: SearchSpace, wider: SearchSpace) -> bool:
    """Whether ``wider``'s parameter ``name``, absent from ``space`` (whose names are ``names``),
    is active in some configuration of ``space``: unconditional, or its parent (or, through
    parents ``space`` lacks too, its nearest ancestor in ``space``) can take one of its
    condition's values. (Every parameter of ``space`` is active somewhere: a condition lists
    only values its parent takes.)"""
    condition = wider[name].condition
    while condition is not None and condition.parent not in names:  # a chain, never a cycle: wider is valid
        condition = wider[condition.parent].condition
    return condition is None or bool(_reachable(condition, space))


def _same_activity(mine: Condition | None, theirs: Condition | None, space: SearchSpace) -> bool:
    """Whether a parameter under ``mine`` in ``space`` is active exactly where the wider space's,
    under ``theirs``, is: the same parent, and the values of ``theirs`` that ``space``'s parent
    can take."""
    if mine is None or theirs is None:
        return mine is None and theirs is None
    return mine.parent == theirs.parent and set(mine.values) == set(_reachable(theirs, space))
