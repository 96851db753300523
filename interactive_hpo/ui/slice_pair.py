"""Which pair of parameters a model's 2-D slice shows in a conditional space, and where it is taken.

A conditional parameter exists only while its parent takes some values (``gamma`` only with an
rbf or poly ``kernel``; :mod:`interactive_hpo.conditions`), so a slice over ``gamma`` must be
taken where the kernel is one of those. The model panel used to offer only the parameters active
at its sliders: with the best trial's linear kernel, and the kernel on an axis (its selector
hidden there), nothing on screen led to ``gamma`` (notebook 01's "pick gamma in its y
dropdown" could not be done). Now every parameter is offered; picking one moves its parent's
slider (and the grandparent's, up the chain) to the first value that activates it, and the panel
says so. A slider the user moves is theirs: a parameter on an axis it makes inactive leaves the
axes instead. Plain functions of the space and the sliders' values: no widgets.

>>> from interactive_hpo import Categorical, Float, SearchSpace
>>> from interactive_hpo.ui.slice_pair import settle_pair
>>> space = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["linear", "rbf", "poly"]),
...                      Float("gamma", 1e-4, 10, log=True, condition=("kernel", ["rbf", "poly"]))])
>>> choice = settle_pair(space, {"C": 1.0, "kernel": "linear", "gamma": 0.1}, ("C", "gamma"), picked="gamma")
>>> choice.pair, choice.moves
(('C', 'gamma'), {'kernel': 'rbf'})
>>> choice.words(space)
"gamma applies only when kernel is 'rbf' or 'poly': the slice takes kernel = 'rbf'."
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..parameters import Parameter
from ..space import SearchSpace

__all__ = ["SlicePair", "settle_pair"]


@dataclass(frozen=True)
class SlicePair:
    """A pair a slice can show, and what it took.

    Attributes
    ----------
    pair : tuple of two str
        The parameters on the x and y axes.
    moves : dict of str to value
        The sliders to move, parent name to value, so that both are active there.
    needed : dict of str to dict
        For each parameter on an axis that needed moves, those moves (for the words).
    left : tuple of str
        The parameters that left the axes (the user's sliders make them inactive, or they
        cannot be active together with the one just picked).
    """

    pair: tuple[str, str]
    moves: dict[str, Any] = field(default_factory=dict)
    needed: dict[str, dict[str, Any]] = field(default_factory=dict)
    left: tuple[str, ...] = ()

    def words(self, space: SearchSpace) -> str:
        """What moved and why, in a sentence per parameter ("" when nothing did)."""
        said = []
        for name, moves in self.needed.items():
            why = f"{name} applies only when {_condition(space, name)}"
            sliders = [f"{parent} = {value!r}" for parent, value in moves.items() if parent not in self.pair]
            # A parent on the other axis needs no slider: its other values are rows along which
            # the map is flat (the parameter does not exist there).
            said.append(f"{why}: the slice takes {', '.join(sliders)}." if sliders else
                        f"{why}: elsewhere the map does not change along it.")
        said += [f"{name} left the axes: it applies only when {_condition(space, name)}." for name in self.left]
        return " ".join(said)


def settle_pair(space: SearchSpace, values: Mapping[str, Any], pair: Sequence[str], *, picked: str | None = None,
                honour_sliders: bool = False) -> SlicePair:
    """The pair to show for the wanted ``pair`` and the sliders' ``values``, and the moves it takes.

    Parameters
    ----------
    space : SearchSpace
    values : mapping of str to value
        Every parameter's slider value (inactive ones included: they keep a place).
    pair : sequence of two str
        The wanted (x, y).
    picked : str, optional
        The one the user just chose: it stays, and the other leaves the axes when the two cannot
        be active together (they need their common ancestor at different values).
    honour_sliders : bool, default False
        The user just moved a slider: a parameter on an axis that the sliders make inactive
        leaves the axes, for one active there, instead of the slider moving back.

    Returns
    -------
    SlicePair
    """
    names = space.names
    active = list(space.complete(values))
    slots = list(pair)
    left: list[str] = []
    if honour_sliders:
        for i, name in enumerate(slots):
            if name not in active:
                left.append(name)
                slots[i] = next((n for n in (*active, *names) if n not in slots and n not in left), name)
    first = 1 if picked is not None and slots[1] == picked else 0
    needed, blocked = _activating(space, values, [slots[first], slots[1 - first]])
    if blocked:  # the second cannot be active with the first: the first active one that can, takes its place
        left.append(slots[1 - first])
        for name in sorted((n for n in names if n not in slots), key=lambda n: n not in active):
            needed, blocked = _activating(space, values, [slots[first], name])
            if not blocked:
                slots[1 - first] = name
                break
    moves = {parent: value for need in needed.values() for parent, value in need.items()}
    return SlicePair((slots[0], slots[1]), moves, needed, tuple(left))


def _activating(space: SearchSpace, values: Mapping[str, Any],
                names: Sequence[str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The slider moves that make ``names`` active, earlier names first: for each name that
    needs some, its ancestors' new values; and the names that cannot be active with earlier ones."""
    values = dict(values)
    allowed_so_far: dict[str, list[Any]] = {}  # parent -> the values the names placed so far allow
    needed: dict[str, dict[str, Any]] = {}
    blocked: list[str] = []
    for name in names:
        narrowed = {}
        for parent, allowed in _ancestry(space, name):
            if parent.name in allowed_so_far:
                allowed = [v for v in allowed if _among(parent, v, allowed_so_far[parent.name])]
            if not allowed:
                blocked.append(name)
                break
            narrowed[parent.name] = allowed
        else:
            allowed_so_far.update(narrowed)
            moves = {parent: allowed[0] for parent, allowed in narrowed.items()
                     if not _among(space[parent], values[parent], allowed)}
            values.update(moves)
            if moves:
                needed[name] = moves
    return needed, blocked


def _ancestry(space: SearchSpace, name: str) -> list[tuple[Parameter, list[Any]]]:
    """``(parent, values that activate the child)`` from ``name``'s parent up to an
    unconditional ancestor (a space's conditions have no cycles)."""
    chain = []
    condition = space[name].condition
    while condition is not None:
        parent = space[condition.parent]
        chain.append((parent, list(condition.values)))  # in the parent's form: the space made them so
        condition = parent.condition
    return chain


def _among(param: Parameter, value: Any, values: Sequence[Any]) -> bool:
    """Whether ``value`` is one of ``values`` of ``param``, compared by their place in its range
    (``True`` is not the choice ``1``)."""
    unit = param.to_unit(value)
    return any(param.to_unit(v) == unit for v in values)


def _condition(space: SearchSpace, name: str) -> str:
    condition = space[name].condition
    return "" if condition is None else condition.describe()
