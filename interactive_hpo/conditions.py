"""Conditional parameters: a parameter that exists only while a categorical or integer parent
takes one of some values.

``Float("gamma", 1e-4, 10, log=True, condition=("kernel", ["rbf", "poly"]))`` is *active* in a
configuration whose ``kernel`` is "rbf" or "poly" and *inactive* (absent from ``params``)
otherwise. Conditions chain: a child of an inactive parameter is inactive whatever its parent's
coordinate holds. The rules, checked when a :class:`~interactive_hpo.space.SearchSpace` is
built, each with an error naming the child: the parent exists, is a ``Categorical`` or an
``Int``, every listed value is one it can take, and no chain of conditions leads back to where
it started. The space then holds each condition's values as the parent holds its own, each once,
in the parent's order (a ``Categorical``'s choices', an ``Int``'s ascending): ``("n", [2.0, 1, 2])``
on an ``Int`` is ``("n", (1, 2))``, ``("c", 2)`` on ``Categorical("c", [1.0, 2.0])`` is
``("c", (2.0,))``, and ``("model", ["boosting", "forest"])`` on choices ``["svm", "forest",
"boosting"]`` is ``("model", ("forest", "boosting"))``; so conditions that mean the same compare
(and journal) the same, and a journal written with the values in another order reads as the
space that holds them so. ``True`` is no value of an ``Int``, nor the choice ``1``.

The unit-cube encoding of an inactive parameter is :data:`INACTIVE_UNIT`, the cube's centre,
in every snapped point (a trial's ``x``, ``SearchSpace.to_unit`` and ``snap``): two points that
differ only in inactive coordinates are the same configuration, and a model sees them as one
point. Optimizers may propose any value there; decoding ignores it.
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._names import close_name, unknown_names
from ._validation import fail

if TYPE_CHECKING:
    from .parameters import Parameter

__all__ = ["INACTIVE_UNIT", "Condition", "Conditions", "check_condition"]

#: The unit coordinate of an inactive parameter in a snapped point.
INACTIVE_UNIT = 0.5


class Condition(NamedTuple):
    """A parameter is active when ``parent`` is active and takes one of ``values``."""

    parent: str
    values: tuple

    def describe(self) -> str:
        """``"kernel is 'rbf' or 'poly'"``, for messages."""
        return f"{self.parent} is " + " or ".join(map(repr, self.values))


def check_condition(condition: Any, owner: str) -> Condition | None:
    """The shape of a ``condition=`` argument: None, or ``(parent, value)`` or
    ``(parent, [values])`` with a parameter name and at least one value (any ordered collection:
    a list, tuple, ``range`` or numpy array; not a set). Whether the parent
    exists and can take the values is :class:`Conditions`' check, since it needs the space."""
    rule = "None or (parent name, value or list of values)"
    if condition is None:
        return None
    if isinstance(condition, (str, bytes, Mapping)) or not isinstance(condition, Sequence) or len(condition) != 2:
        raise fail("condition", owner, rule, condition)
    parent, values = condition
    if not isinstance(parent, str) or not parent:
        raise fail("condition", owner, rule, condition, hint="The parent must be a parameter's name.")
    if isinstance(values, (AbstractSet, Mapping)):
        # A set's order changes between processes, and the order is part of the space a journal records.
        raise fail("condition", owner, rule, condition, hint="The values must be in a fixed order: a list "
                   "(sorted(values), say), not a set or a dict.")
    if isinstance(values, Iterable) and not isinstance(values, (str, bytes)):  # a list, tuple, range, array ...
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
    else:
        values = (values.item() if isinstance(values, np.generic) else values,)
    if not values:
        raise fail("condition", owner, rule, condition, hint="List at least one value of the parent.")
    return Condition(parent, values)


def _same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are one value of one type: Python's ``2 == 2.0`` and ``True == 1``
    are not (an Int's value is ``2``, and a Categorical's choice ``True`` is not its choice ``1``)."""
    return type(a) is type(b) and a == b


def _way_out(child: str, missing: list[Any], any_left: bool, values: Sequence[Any]) -> str:
    """The hint for a condition of ``child`` naming values its parent cannot take (``missing``),
    each with the one of the parent's ``values`` it likely meant (a choice but for case, or a
    near spelling): if each has one, that is all it says (a slip of the keyboard); else drop
    them, or, when none of its values is left (``any_left`` False: the parent's choices were
    narrowed past it), remove the child, which could never be active, or its condition."""
    named = unknown_names(missing, values) + (" is not one of them" if len(missing) == 1 else " are not among them")
    unmeant = [value for value in missing if not close_name(value, values)]
    if not unmeant:
        # "Remove 'C', or its condition" sent the person who typed "SVM" for "svm" the wrong way (a428).
        return f"{named}."
    if any_left or len(unmeant) < len(missing):  # a slip of the keyboard among them leaves a value (r437)
        dropped = "it" if len(missing) == 1 else "them" if len(unmeant) == len(missing) else \
            ", ".join(map(repr, unmeant))
        return f"{named}: drop {dropped} from the condition of {child!r}."
    return (f"{named}, and the condition names no other value: {child!r} could never be active. Remove "
            f"{child!r}, or its condition.")


class Conditions:
    """The conditional structure of a list of parameters: validated, ordered parents first.

    Parameters
    ----------
    params : sequence of Parameter
        The space's parameters with unique names, in coordinate order.
    """

    def __init__(self, params: Sequence[Parameter]):
        self._params = list(params)  # each condition's values in its parent's form, below
        index = {p.name: i for i, p in enumerate(self._params)}
        #: child index -> (parent index, the parent's allowed values in canonical form)
        self._parents: dict[int, tuple[int, tuple]] = {}
        for i, param in enumerate(self._params):
            condition = param.condition
            if condition is None:
                continue
            owner = param._owner
            if condition.parent == param.name:
                raise fail("condition", owner, "a condition on another parameter", tuple(condition))
            if condition.parent not in index:
                raise fail("condition", owner, f"a condition on a parameter of the space, one of {list(index)}",
                           tuple(condition), hint=f"There is no parameter {condition.parent!r}.")
            parent = self._params[index[condition.parent]]
            if parent.kind not in ("categorical", "int"):
                raise fail("condition", owner, "a condition on a Categorical or Int parameter", tuple(condition),
                           hint=f"{condition.parent!r} is a {type(parent).__name__}: a condition needs values "
                                "it takes exactly.")
            allowed: list[Any] = []
            missing: list[Any] = []  # values the parent cannot take (a choice edited away, say)
            for value in condition.values:
                try:
                    canonical = parent.validate(value)
                except ValueError:
                    missing.append(value)
                    continue
                if not any(_same(canonical, seen) for seen in allowed):  # 2 and 2.0 of an Int: one value
                    allowed.append(canonical)
            # The parent's order, not the order typed: ["boosting", "forest"] and ["forest", "boosting"]
            # are one condition, and a journal written with either resumes under the other (a428).
            allowed.sort(key=parent.index if parent.kind == "categorical" else float)  # type: ignore[attr-defined]
            if missing:
                raise fail("condition", owner, f"values that {parent!r} can take", tuple(condition),
                           hint=_way_out(param.name, missing, bool(allowed),
                                         parent.choices if parent.kind == "categorical" else ()))  # type: ignore[attr-defined]
            if len(allowed) != len(condition.values) or not all(map(_same, allowed, condition.values)):
                # As the parent holds its values (2.0 of an Int is 2; 2 of a Categorical of floats
                # 2.0): else two spaces that search alike compared and journaled as different.
                # A copy: the Parameter the person built is theirs, perhaps in another space too.
                param = copy.copy(param)
                param.condition = Condition(condition.parent, tuple(allowed))
                self._params[i] = param
            self._parents[i] = (index[condition.parent], tuple(allowed))
        #: Coordinate indices, every parent before its children (coordinate order where free).
        self.order = self._parents_first()

    def _parents_first(self) -> list[int]:
        """Coordinates in order, each after its parent: at every step the lowest-indexed one whose
        parent is placed (a heap: a scan of the rest at each step took minutes at 10^5 parameters)."""
        children: dict[int, list[int]] = {}
        for child, (parent, _) in self._parents.items():
            children.setdefault(parent, []).append(child)
        ready = [i for i in range(len(self._params)) if i not in self._parents]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            placed = heapq.heappop(ready)
            order.append(placed)
            for child in children.get(placed, ()):
                heapq.heappush(ready, child)
        if len(order) < len(self._params):
            remaining = sorted(set(range(len(self._params))) - set(order))
            cycle = self._cycle_from(remaining[0])
            first = self._params[min(cycle)]
            # Only the loop is named: its descendants were left unplaced too, and naming them sent
            # a person to edit a condition that was fine (gamma, when kernel and degree loop).
            # Under it: those whose chain of parents runs into it (another loop is said once this
            # one is mended, not as hanging from it: r348).
            under = [self._params[i].name for i in remaining
                     if i not in cycle and set(self._cycle_from(i)) == set(cycle)]
            raise fail("condition", first._owner, "a condition whose chain of parents ends at an "
                       "unconditional parameter", tuple(first.condition or ()),
                       hint=f"These conditions form a cycle: {self._loop_said(cycle, under)}.")
        return order

    def _loop_said(self, cycle: list[int], under: list[str]) -> str:
        """"a depends on b, which depends on a (z depends on them too)"."""
        names = [self._params[i].name for i in (*cycle, cycle[0])]
        said = f"{names[0]} depends on {', which depends on '.join(names[1:])}"
        if under:
            said += f" ({' and '.join([', '.join(under[:-1]), under[-1]] if len(under) > 1 else under)} " \
                    f"depend{'s' * (len(under) == 1)} on them too)"
        return said

    def _cycle_from(self, start: int) -> list[int]:
        """The loop of parents that coordinate ``start`` (one never placed) leads into, each
        coordinate followed by its parent, starting at the loop's lowest-indexed one."""
        seen: dict[int, int] = {}  # coordinate: its position on the walk
        walk: list[int] = []
        at = start
        while at not in seen:
            seen[at] = len(walk)
            walk.append(at)
            at = self._parents[at][0]  # never placed: every coordinate on the walk has a parent
        loop = walk[seen[at]:]
        low = loop.index(min(loop))
        return loop[low:] + loop[:low]

    @property
    def params(self) -> tuple[Parameter, ...]:
        """The parameters, in coordinate order, with the values of each condition as its parent
        holds them, each once (a copy of a parameter whose condition had another form)."""
        return tuple(self._params)

    @property
    def any(self) -> bool:
        """True when at least one parameter has a condition."""
        return bool(self._parents)

    def is_met(self, i: int, values: Mapping[str, Any], active: set[str]) -> bool:
        """Whether coordinate ``i`` is active given canonical ``values`` of the parameters in
        ``active`` (which holds every active parent decided so far)."""
        if i not in self._parents:
            return True
        parent_index, allowed = self._parents[i]
        parent = self._params[parent_index]
        if parent.name not in active or parent.name not in values:  # a parent given no value: a source's
            return False  # params from a space without it, whose missing parent params_for then names (a442)
        value = values[parent.name]
        return any(value == a and isinstance(value, bool) == isinstance(a, bool) for a in allowed)

    def when(self, name: str) -> str:
        """Where parameter ``name`` applies, for labels: ``""`` when always, else its condition
        and its parent's, up the chain (``"degree is 3 and kernel is 'poly'"``)."""
        by_name = {p.name: p for p in self._params}
        if name not in by_name:
            raise fail("name", "Conditions.when", f"one of the space's parameters {list(by_name)}", name)
        parts, condition = [], by_name[name].condition
        while condition is not None:
            parts.append(condition.describe())
            condition = by_name[condition.parent].condition
        return " and ".join(parts)

    def active(self, values: Mapping[str, Any]) -> set[str]:
        """Names active in a configuration whose parents' canonical values are in ``values``."""
        names: set[str] = set()
        for i in self.order:
            if self.is_met(i, values, names):
                names.add(self._params[i].name)
        return names

    def active_mask(self, X: np.ndarray) -> np.ndarray:
        """Which coordinates of the points ``X`` (n, d) are active: a boolean array (n, d).

        A parent's coordinate is decoded exactly as ``Parameter.from_unit`` does, so this
        agrees with ``SearchSpace.from_unit`` point by point.
        """
        X = np.asarray(X, dtype=float)
        mask = np.ones(X.shape, dtype=bool)
        for i in self.order:
            if i not in self._parents:
                continue
            parent_index, allowed = self._parents[i]
            parent = self._params[parent_index]
            column = X[:, parent_index]
            if parent.kind == "categorical":
                k = len(parent.choices)  # type: ignore[attr-defined]
                codes = np.clip(np.floor(column * k), 0, k - 1).astype(int)
                hit = np.isin(codes, [parent.index(a) for a in allowed])  # type: ignore[attr-defined]
            else:
                hit = np.isin(np.fromiter((parent.from_unit(u) for u in column), dtype=float, count=len(column)),
                              np.asarray(allowed, dtype=float))
            mask[:, i] = mask[:, parent_index] & hit
        return mask

    def canonical(self, X: np.ndarray) -> np.ndarray:
        """``X`` (n, d) with every inactive coordinate at :data:`INACTIVE_UNIT` (a copy)."""
        X = np.array(X, dtype=float)
        if self.any:
            X[~self.active_mask(X)] = INACTIVE_UNIT
        return X

    def with_branch_levels(self, levels: Mapping[str, tuple]) -> dict[str, tuple]:
        """Grid ``levels`` in which every Int parent also holds each value its children's
        conditions name (in order, once): else a grid can miss a branch whole (levels 1, 6, 10 of
        ``Int("layers", 1, 10)`` never reach a child active at 2 or 3)."""
        merged = dict(levels)
        for parent, allowed in self._parents.values():
            param = self._params[parent]
            if param.kind == "int":
                merged[param.name] = tuple(sorted(set(merged[param.name]) | set(allowed)))
        return merged

    def blocks(self, levels: Mapping[str, tuple]) -> list[dict[str, tuple]]:
        """The grid of per-parameter ``levels`` as a union of products, each configuration in
        exactly one: in a block every parent of a condition holds one level, and every other
        parameter all its levels where it is active, none (an empty tuple) where not. Without
        conditions: one block, the whole product. Blocks map names in coordinate order to levels."""
        parents = {parent for parent, _ in self._parents.values()}
        partial: list[dict[str, tuple]] = [{}]
        for i in self.order:
            name = self._params[i].name
            grown = []
            for block in partial:
                active = {n for n, held in block.items() if held}
                if not self.is_met(i, {n: held[0] for n, held in block.items() if held}, active):
                    grown.append({**block, name: ()})
                elif i in parents:  # one block per level, so that its children know their state
                    grown.extend({**block, name: (level,)} for level in levels[name])
                else:
                    grown.append({**block, name: tuple(levels[name])})
            partial = grown
        return [{p.name: block[p.name] for p in self._params} for block in partial]
