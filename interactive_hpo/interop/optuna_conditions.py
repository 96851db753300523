"""The conditions of a search space read off Optuna trials: which parent decides when a parameter
is present (:func:`~interactive_hpo.interop.optuna_space.infer_space`).

Optuna builds its space while the objective runs, so a parameter may be absent from some trials.
:func:`_parent` finds the parent present wherever it is whose values with it never occur without
it: a categorical, or an integer on one side of a threshold (``n_layers >= 2``) or split between
its levels, each observed. Unobserved values of an integer parent follow the side they are on
(:func:`_widened`); a parameter that no parent explains is refused with a hint saying what to
pass instead (:func:`_no_condition`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._validation import fail, warn_user
from ..parameters import Categorical, Int, Parameter

#: An integer parent's condition lists its values; beyond this many, only the observed ones.
_MAX_LISTED = 1000


def _key(value: Any) -> tuple[bool, Any]:
    """A value as a set member that keeps True and 1 apart (as our Categorical does)."""
    return isinstance(value, bool), value


def _parent(name: str, plain: Mapping[str, Parameter], present: Mapping[str, frozenset[int]], order: list[str],
            trials: Sequence[Any], owner: str) -> tuple[str, list[Any]]:
    """The condition under which ``name`` is present: on the most specific parent that explains it.

    A candidate is categorical or integer, present wherever ``name`` is, and present in more
    trials (or in as many, and earlier in the order: so conditions never form a cycle); its
    values in the trials with ``name`` and in those without must not overlap (an integer's must
    lie on either side of a threshold, or cover every level of its range: :func:`_every_level`).
    A candidate whose
    values decide is preferred ("coef0" with "degree" under ``kernel == "poly"``: on ``kernel``).
    """
    mine = present[name]
    candidates = []
    apart: dict[str, list[Any]] = {}  # parents whose values with and without it do not overlap, undecided
    for parent in order:
        others = present[parent]
        if parent == name or not mine <= others or (others == mine and order.index(parent) > order.index(name)):
            continue
        with_it = {_key(trials[i].params[parent]): trials[i].params[parent] for i in mine}
        without = {_key(trials[i].params[parent]) for i in others - mine}
        values, values_without = list(with_it.values()), [value for _, value in without]
        if with_it.keys() & without:
            continue
        if plain[parent].kind == "categorical" or (plain[parent].kind == "int" and (_threshold(
                values, values_without) or _every_level(plain[parent], values + values_without))):
            candidates.append((len(others), order.index(parent), parent, values, without))
        elif without:
            apart[parent] = sorted(values)
    if not candidates:
        absent = [trials[i].number for i in range(len(trials)) if i not in mine]
        raise fail(name, owner, "a parameter of every trial, or one whose presence a categorical or integer "
                   "parameter decides", f"absent from trials {absent[:10]}{' ...' if len(absent) > 10 else ''}",
                   hint=_no_condition(name, plain, apart, owner))
    # A parent whose values decide (some trials have it without the child) before one that is only
    # present with the child; then the one present in the fewest trials, then the earliest.
    _, _, parent, values, without = min(candidates, key=lambda c: (not c[4], c[0], c[1]))
    return parent, _widened(name, plain[parent], values, [value for _, value in without], owner)


def _widened(name: str, parent: Parameter, values: list[Any], without: list[Any], owner: str) -> list[Any]:
    """The values of ``parent`` that activate its child ``name``: those observed with it, plus, for
    an integer parent, the unobserved ones on the same side of the values observed without it
    (the values are on one side: :func:`_threshold`; only the observed ones, with a warning, when
    that side holds too many to list; only the observed ones, which are all of them, when the values
    are split between its levels: :func:`_every_level`); every choice of a categorical parent when no trial had the
    parent without the child."""
    if isinstance(parent, Categorical):
        return list(parent.choices) if not without else [c for c in parent.choices if _key(c) in
                                                          {_key(v) for v in values}]
    if not _threshold(values, without):  # split between its levels, every one observed: nothing to widen
        return sorted(values)
    low, high = int(parent.low), int(parent.high)  # type: ignore[attr-defined]
    if without and min(values) > max(without):
        low = max(without) + 1
    elif without:
        high = min(without) - 1
    if high - low < _MAX_LISTED:
        return list(range(low, high + 1))
    # A condition lists its values: the observed ones, and the loss said.
    warn_user(f"{owner} makes `{name}` active for the values of `{parent.name}` its trials took with it, "
              f"{sorted(values)}: those from {low} to {high} are too many for a condition to list (at most "
              f"{_MAX_LISTED}).", UserWarning)
    return sorted(values)


def _every_level(parent: Parameter, seen: list[Any]) -> bool:
    """Whether the integer ``parent`` took every value of its range in the trials ``seen`` lists
    (with the child and without it): then a child present for some of its values and absent for
    the others (``degree in (3, 4)``) is a condition on those values, not on a threshold, and
    nothing unobserved is guessed. A parameter added midway rarely matches: the trials before it
    would have had to avoid every value the trials after it took, and those every other."""
    if not isinstance(parent, Int):
        return False
    levels = int(parent.high) - int(parent.low) + 1
    return levels <= _MAX_LISTED and len({int(v) for v in seen}) == levels


def _no_condition(name: str, plain: Mapping[str, Parameter], apart: Mapping[str, list[Any]], owner: str) -> str:
    """The hint of a parameter ``name`` whose presence no condition read off the trials explains:
    the space to pass when an integer parent's values tell it apart (values ``apart`` by parent,
    those taken with ``name``) and, always, the trials to import; a condition on a float's value
    (``y`` suggested when ``x > 0.5``) is named, as our conditions take a Categorical or Int parent."""
    ints = [parent for parent in apart if plain[parent].kind == "int"]
    floats = [parent for parent in apart if plain[parent].kind == "float"]
    hint = ("No condition is inferred from the trials: no categorical parameter's values tell when it is suggested, "
            "nor an integer's on either side of a threshold or split between its levels, each observed.")
    if floats:
        hint += (f" Only the values of {floats} (Float) tell it apart, and a condition needs a Categorical or Int "
                 "parent: a condition on a float's value has no form in our spaces.")
    if ints:
        parent = ints[0]
        hint += (f" If `{parent}` decides (the trials with it took {apart[parent]}), pass the space with that "
                 f"condition: {owner}(optuna_study, space=SearchSpace([..., {repr(plain[name])[:-1]}, "
                 f"condition=({parent!r}, [<the values of {parent} that suggest it>]))])).")
    trials = f"[t for t in study.trials if {name!r} in t.params]"
    return hint + (f" A parameter added midway{', or one a Float decides' if floats else ''}: import the trials "
                   f"that have it, copied into a new study first (optuna.create_study(direction=...)"
                   f".add_trials({trials})).")


def _threshold(values: list[Any], without: list[Any]) -> bool:
    """Whether an integer parent's ``values`` in the trials with the child lie on one side of its
    values ``without`` it (``n_layers >= 2``): values interleaved with the others are what an
    integer took by chance in the trials since a parameter was added midway, not a condition."""
    return not without or min(values) > max(without) or max(values) < min(without)
