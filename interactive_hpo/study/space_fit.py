"""How trials made in one search space fit another: a study carried to a new space
(``remap_study``, ``fork_study``) and a warm-started study's sources keep only the trials that do.

A trial fits when it has a valid value for every parameter the new space asks of it
(:func:`params_for`). A related study's trials may also hold parameters the new space no longer
has: :func:`one_landscape` keeps them as one landscape over the new space (a dropped choice
narrowed to its best trial's value, a dropped number merged over its values, with a warning), and
:func:`unset_hint` says what to do when the new space has a parameter a source never set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._names import close_name
from .._validation import is_real, warn_user
from ..exceptions import InvalidParameterError
from ..space import SearchSpace

__all__ = ["one_landscape", "params_for", "unset_hint"]


def params_for(space: SearchSpace, params: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``params`` that ``space`` asks for, validated there.

    In a conditional space only the parameters active for these values are asked for; names
    ``space`` does not have are left out. Raises :class:`InvalidParameterError` saying why the
    params do not fit: "has no value for ..." or "outside the new space: ..." (a value outside
    the bounds or the choices).
    """
    active = space.conditions.active(params)
    missing = [name for name in space.names if name in active and name not in params]
    if missing:
        raise InvalidParameterError(f"has no value for {', '.join(missing)}")
    try:
        return space.validate({name: params[name] for name in space.names if name in active})
    except InvalidParameterError as error:
        raise InvalidParameterError(f"outside the new space: {error}") from error


def one_landscape(name: str, fitting: list[tuple[dict[str, Any], dict[str, Any], float]], space: SearchSpace,
                  given: Sequence[Mapping[str, Any]],
                  source_space: SearchSpace | None) -> list[tuple[dict[str, Any], dict[str, Any], float]]:
    """The ``fitting`` trials (params in ``space``, the source's params, loss) of source ``name``
    kept as one landscape over ``space`` (see :meth:`.warm_start.SourceRecord.fit`); warns when a
    parameter ``space`` lacks takes several values among them, or when trials were left out for
    a parameter ``space`` has and they never set. ``given``: the params of every trial the source
    offered; ``source_space``: the source's space, which says which parameters are numbers (None:
    their values say)."""
    best = min(fitting, key=lambda trial: trial[2])[1]  # min keeps the first of equal losses
    sliced, numbers, kept = {}, [], fitting
    # Choices narrow the trials parent first: a child (a conditional parameter) of the values left
    # out is in none of the trials kept, and stating its slice or its merged range told of a
    # narrowing that never happened. Not the order of the params, which is the space's, where a
    # child may come first: next is the one the most trials kept hold (a parent: all of those its
    # children are in, and more); ties in the order the params first name them.
    pending = list(dict.fromkeys(key for _, params, _ in fitting for key in params if key not in space.names))
    while pending:
        extra = max(pending, key=lambda key: sum(key in trial[1] for trial in kept))  # max keeps the first
        pending.remove(extra)
        # A trial without it (inactive there) holds no other value: it neither counts as a choice
        # nor makes a number a choice.
        holding = [trial for trial in kept if extra in trial[1]]
        values = [params[extra] for _, params, _ in holding]
        if all(value == values[0] for value in values):
            continue
        if (source_space[extra].kind != "categorical" if source_space is not None and extra in source_space
                else all(is_real(value) for value in values)):
            numbers.append(extra)
        else:
            value = sliced[extra] = min(holding, key=lambda trial: trial[2])[1][extra]
            kept = [trial for trial in kept if trial[1].get(extra, value) == value]
    merged = {}
    for extra in numbers:
        values = [params[extra] for _, params, _ in kept if extra in params]
        if min(values, default=0) != max(values, default=0):
            merged[extra] = (min(values), max(values))
    # Trials left out for a parameter this space adds and they never set (coef0, added under
    # degree 3 or 4): that dropped exactly the branch it was added for, unsaid (a334). Those left
    # out as outside a narrowed range are what narrowing means, and said only beside the above.
    unfit = len(given) - len(fitting)
    unset = unset_hint(name, given, space, active_somewhere=True) if unfit else None
    if not sliced and not merged and not unset:
        return fitting
    said = [f"{key}: only its trials with {key}={value!r}"
            f"{' or without it (inactive there)' if any(key not in trial[1] for trial in kept) else ''}"
            f", as in its best trial{' that fits this space' if unfit else ''}{'' if key in best else ' that has it'}"
            for key, value in sliced.items()]
    said += [f"{key}: merged over its values {low:g} to {high:g}" for key, (low, high) in merged.items()]
    left = [f"{len(fitting) - len(kept)} with other values left out"] if len(kept) < len(fitting) else []
    left += [f"{unfit} that do not fit this study's space"] if unfit else []
    lacks = f" has parameters this study's space lacks: {'; '.join(said)}." if said else ":"
    warn_user(f"Warm-start source {name!r}{lacks} {len(kept)} of its {len(given)} trials kept"
              f"{' (' + ', '.join(left) + ')' if left else ''}.{_other_choice_hint(sliced, fitting)}"
              f"{' ' + unset if unset else ''}", UserWarning)
    return kept


def _other_choice_hint(sliced: Mapping[str, Any], fitting: list[tuple[dict[str, Any], dict[str, Any], float]]) -> str:
    """How to keep a source's trials with another value of a dropped choice than its best's."""
    others = [(key, params[key]) for key, value in sliced.items() for _, params, _ in fitting
              if key in params and params[key] != value]
    if not others:  # no choice was narrowed (only numbers were merged)
        return ""
    key, other = others[0]
    return (f" To keep another value's trials instead, keep {key} in this study's space with that one choice, "
            f"e.g. Categorical({key!r}, [{other!r}]).")


def unset_hint(name: str, trials: Sequence[Mapping[str, Any]], space: SearchSpace, *,
               active_somewhere: bool = False) -> str | None:
    """What to do when ``space`` has parameters none of a source's ``trials`` set (None if it has
    none); ``active_somewhere``: only those active in at least one of ``trials``' configurations
    (a conditional one that is inactive in all of them needs no value)."""
    unset = [key for key in space.names if trials and not any(key in params for params in trials)
             and (not active_somewhere or any(_active_in(space, key, params) for params in trials))]
    if not unset:
        return None
    values = ", ".join(f"{key!r}: <its value>" for key in unset)
    # A value given under a misspelt name ("lrr") reads as a parameter the space lacks: say which it meant.
    extra = {key for params in trials for key in params if key not in space.names}
    meant = [f"{typed!r} for {close!r}" for typed in sorted(extra) if (close := close_name(typed, unset))]
    return (f"This study's space has {', '.join(unset)}, which {name!r} never set. If it ran at one value, give "
            f"it: warm_start=[SourceRecord.from_study(<the study>, {name!r}, values={{{values}}})] (SourceRecord "
            f"from interactive_hpo.study.warm_start); or fix {unset[0]} in your objective and leave it out of "
            "this space." + (f" Did you type {', '.join(meant)}?" if meant else ""))


def _active_in(space: SearchSpace, key: str, params: Mapping[str, Any]) -> bool:
    """Whether ``key`` of ``space`` is active in the configuration ``params`` (True when a parent
    it depends on is missing from them: it may be active there)."""
    try:
        return key in space.conditions.active(params)
    except KeyError:
        return True
