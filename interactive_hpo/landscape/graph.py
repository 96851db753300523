"""A hyperparameter loss landscape: losses on every configuration of a grid, and its neighbour graph.

The grid has ordered levels for numeric parameters and unordered choices for categoricals, as
in the landscape paper (Huang and Li, arXiv:2311.14014). Two configurations are *neighbours* when
they differ in exactly one parameter: by one level for an ordered parameter (the top level
included: it links to the one below), or by any other choice for a categorical one. *Distance*
is the Manhattan distance on level indices plus the Hamming distance on categoricals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .._validation import as_finite, check_int, check_one_of, fail, float_array
from ..conditions import INACTIVE_UNIT
from ..space import SearchSpace

__all__ = ["MAX_EDGES", "Landscape", "check_edges", "grid_losses"]

#: The most neighbour pairs a landscape's graph may have. The metrics hold about 130 bytes a pair
#: (both orientations, sorted, and the losses at their ends; measured: the 5.4 million pairs of a
#: grid of 10**6 configurations over six parameters took 640 MB), so this is about 1.3 GB. A
#: categorical of c choices links each configuration to c - 1 others: its pairs grow as c times
#: the grid, and one of 5,000 choices alone has 12.5 million.
MAX_EDGES = 10_000_000


def check_edges(shape: Sequence[int], ordered: Sequence[bool], name: str, owner: str, value: Any) -> None:
    """Refuse a grid of ``shape`` (levels per parameter) with more than :data:`MAX_EDGES` neighbour
    pairs, naming argument ``name`` of ``owner`` and the ``value`` that made it. The pairs are
    counted without listing them: along an ordered parameter of s levels, n (s - 1) / s (each
    level but the top links to the next); along a categorical of s choices, n (s - 1) / 2."""
    n = math.prod(shape)
    pairs = sum(n // s * (s - 1) if is_ordered else n * (s - 1) // 2 for s, is_ordered in zip(shape, ordered,
                                                                                                strict=True))
    if pairs > MAX_EDGES:
        raise fail(name, owner, f"small enough for a grid of at most {MAX_EDGES:,} neighbour pairs", value,
                   hint=f"The grid {' x '.join(map(str, shape))} has {pairs:,}: a categorical of c choices links each "
                        "configuration to c - 1 others.")


def _is_sequence(value: Any) -> bool:
    """Whether ``value`` holds several values in order: not text, a mapping, a number or a 0-d
    array (which is iterable to Python's eyes, and raises when iterated)."""
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)) \
        and getattr(value, "ndim", 1) != 0


def _items(value: Any, name: str, rule: str) -> tuple[Any, ...]:
    """``value`` (argument ``name`` of :class:`Landscape`) as a tuple if it is a sequence, else
    the error stating ``rule``."""
    if not _is_sequence(value):
        raise fail(name, "Landscape", rule, value)
    return tuple(value)


def _repeated(values: tuple[Any, ...]) -> Any:
    """The first value of ``values`` that equals an earlier one (1 and 1.0 are one level), or
    None; values that cannot be hashed (arrays, lists) are not compared."""
    seen: set[Any] = set()
    for value in values:
        try:
            if value in seen:
                return value
            seen.add(value)
        except TypeError:
            return None
    return None


def grid_losses(values: Any, shape: tuple[int, ...], name: str, owner: str) -> np.ndarray:
    """``values`` (argument ``name`` of ``owner``) as read-only losses of shape (n,), one per
    configuration of the grid ``shape``: given flat or in the grid's own shape (another shape of
    the same size would be read in the wrong order), all finite."""
    n = math.prod(shape)
    rule = f"one loss per configuration of the grid {shape} ({n} in all)"
    losses = float_array(values, name, owner, rule)
    if losses.shape not in ((n,), shape):
        raise fail(name, owner, rule, values if losses.ndim < 2 else f"an array of shape {losses.shape}")
    if not np.all(np.isfinite(losses)):
        raise fail(name, owner, "finite numbers (give failed configurations a bad, finite loss)",
                   f"{int(np.sum(~np.isfinite(losses)))} non-finite values")
    losses = losses.reshape(-1).copy()  # a copy: freezing it must not freeze the caller's array
    losses.flags.writeable = False
    return losses


@dataclass(frozen=True, eq=False)
class Landscape:
    """Losses on a full grid (lower is better).

    Parameters
    ----------
    names : sequence of str
        One per parameter.
    levels : sequence of sequences
        The values of each parameter, in order for ordered parameters; the grid they make has
        at most :data:`MAX_EDGES` neighbour pairs (see :func:`check_edges`).
    ordered : sequence of bool
        False for categorical parameters.
    losses : array-like of shape (n,) or the grid's shape
        One loss per configuration, in C order over the parameters (the last varies fastest).
    space : SearchSpace, optional
        The search space the grid was taken from (``build_landscape`` sets it), which lets the
        landscape be replayed as an objective. In a conditional space a grid point whose
        parameter is inactive stands for the same configuration as its copies at the other
        levels of that parameter (:attr:`configuration`), and every kind of loss must be equal
        on them: a landscape of a conditional space holds these plateaus by construction.
    others : mapping of str to array-like of shape (n,), optional
        Other losses on the same grid, by kind: ``build_landscape`` stores ``"train"`` and
        ``"test"`` for scikit-learn tasks and ``"valid_std"`` (the spread over seeds) when it
        averaged several seeds. :meth:`other` turns one into a landscape.
    info : mapping, optional
        How the landscape was made (``build_landscape`` records the objective, the budget, the
        seeds and the resolution).

    Examples
    --------
    >>> land = Landscape(("a", "b"), ((0, 1, 2), ("x", "y")), (True, False), [[3, 2], [1, 0], [1, 2]])
    >>> land.n, land.optimum, land.params(land.optimum)
    (6, 3, {'a': 1, 'b': 'y'})
    >>> sorted(land.neighbours(3).tolist())   # (1, y): a = 0 and a = 2 at b = y, and b = x at a = 1
    [1, 2, 5]
    """

    names: tuple[str, ...]
    levels: tuple[tuple[Any, ...], ...]
    ordered: tuple[bool, ...]
    losses: np.ndarray = field(repr=False)
    space: Any = field(default=None, repr=False)
    others: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    info: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        owner = "Landscape"
        names = _items(self.names, "names", "distinct names (str), one per parameter")
        if not names or not all(isinstance(name, str) for name in names) or len(set(names)) != len(names):
            raise fail("names", owner, "distinct names (str), one per parameter", self.names)
        levels = _items(self.levels, "levels", "one sequence of levels per name")
        if not all(_is_sequence(v) for v in levels):
            raise fail("levels", owner, "one sequence of levels per name", self.levels)
        levels = tuple(tuple(v) for v in levels)
        ordered = _items(self.ordered, "ordered", "one bool per name (False for a categorical)")
        if not all(isinstance(flag, (bool, np.bool_)) for flag in ordered):  # "no" would read as True
            raise fail("ordered", owner, "one bool per name (False for a categorical)", self.ordered)
        ordered = tuple(bool(flag) for flag in ordered)
        if len(levels) != len(names) or len(ordered) != len(names):
            raise fail("levels", owner, "one sequence of levels and one ordered flag per name",
                       f"{len(names)} names, {len(levels)} level sequences, {len(ordered)} flags")
        if any(len(v) < 2 for v in levels):
            raise fail("levels", owner, "at least two levels per parameter", [len(v) for v in levels])
        for name, values in zip(names, levels, strict=True):
            # A level given twice is one configuration at two grid points: index_of would snap to
            # one of them, and the pair would count as neighbours of equal loss (a false plateau).
            repeated = _repeated(values)
            if repeated is not None:
                raise fail("levels", owner, f"distinct levels of each parameter ({name!r} has {repeated!r} twice)",
                           values)
        shape = tuple(len(v) for v in levels)
        check_edges(shape, ordered, "levels", owner, shape)  # before a metric lists them
        losses = grid_losses(self.losses, shape, "losses", owner)
        if not isinstance(self.others, Mapping) or not isinstance(self.info, Mapping):
            wrong = "others" if not isinstance(self.others, Mapping) else "info"
            raise fail(wrong, owner, "a mapping (a dict)", getattr(self, wrong))
        others = {str(kind): grid_losses(values, shape, f"others[{kind!r}]", owner)
                  for kind, values in self.others.items()}
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "ordered", ordered)
        object.__setattr__(self, "losses", losses)
        object.__setattr__(self, "others", others)
        object.__setattr__(self, "info", dict(self.info))
        if self.n_configurations < self.n:
            # The null model shuffles one loss per configuration and replay answers for one grid
            # point of each: copies with different losses would make both arbitrary.
            first = self.configuration_points
            for kind, values in {"losses": losses, **{f"others[{k!r}]": v for k, v in others.items()}}.items():
                differ = np.flatnonzero(values != values[first][self.configuration])
                if differ.size:
                    i = int(differ[0])
                    raise fail(kind, owner, "equal on grid points that differ only in inactive parameters (one "
                               "configuration of the conditional space)", f"{values[i]!r} at grid point {i} and "
                               f"{values[first[self.configuration[i]]]!r} at {int(first[self.configuration[i]])}")

    def __repr__(self) -> str:
        grid = " x ".join(str(len(v)) for v in self.levels)
        others = f", others {sorted(self.others)}" if self.others else ""
        # A conditional grid repeats configurations: say how many are distinct, not only the points.
        size = f"{self.n} configurations" if self.n_configurations == self.n else \
            f"{self.n} grid points, {self.n_configurations} distinct configurations"
        return f"Landscape({', '.join(self.names)}: {grid} = {size}, best loss {self.losses.min():.4g}{others})"

    # -- the grid ------------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.levels)

    @property
    def n(self) -> int:
        """Number of configurations."""
        return int(self.losses.size)

    @cached_property
    def codes(self) -> np.ndarray:
        """Level index of every parameter of every configuration, shape (n, d)."""
        return np.stack(np.unravel_index(np.arange(self.n), self.shape), axis=1)

    @cached_property
    def active(self) -> np.ndarray:
        """Which parameters apply at every grid point, shape (n, d), bool: every one, unless the
        landscape's ``space`` is conditional (``gamma`` of a linear-kernel SVM is inactive)."""
        space = self.space
        mask = np.ones((self.n, len(self.names)), dtype=bool)
        if not isinstance(space, SearchSpace) or not space.conditional or set(space.names) != set(self.names):
            return mask
        # Each grid point in the space's unit cube, so that activity is decided exactly as the
        # space decides it for a trial (SearchSpace.from_unit).
        points = np.empty((self.n, space.dim))
        for k, name in enumerate(self.names):
            units = np.array([space[name].to_unit(level) for level in self.levels[k]])
            points[:, space.names.index(name)] = units[self.codes[:, k]]
        applies = space.conditions.active_mask(points)
        return applies[:, [space.names.index(name) for name in self.names]]

    @cached_property
    def configuration(self) -> np.ndarray:
        """The distinct configuration each grid point stands for, shape (n,): numbered from 0 in
        the order of their first grid points. Grid points that differ only in inactive
        parameters share a number (and their losses); without conditions, ``arange(n)``."""
        if self.active.all():
            return np.arange(self.n)
        key = np.where(self.active, self.codes, -1)   # an inactive parameter's level is no part of it
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        rank = np.empty(len(first), dtype=int)
        rank[np.argsort(first)] = np.arange(len(first))
        return rank[inverse.reshape(-1)]

    @cached_property
    def configuration_points(self) -> np.ndarray:
        """The first grid point of each distinct configuration, shape (n_configurations,):
        ``losses[configuration_points]`` holds each configuration's loss once."""
        return np.unique(self.configuration, return_index=True)[1]

    @property
    def n_configurations(self) -> int:
        """Number of distinct configurations: :attr:`n` less the inactive copies of a conditional grid."""
        return len(self.configuration_points)

    def _index(self, index: Any, owner: str) -> int:
        """``index`` checked as a grid index, in [0, n): a negative one counted from the end read
        as another configuration (``neighbours(-1)`` was empty), a float or an array as numpy's
        IndexError."""
        return check_int(index, "index", owner, 0, self.n - 1)

    def params(self, index: int) -> dict[str, Any]:
        """The configuration at ``index`` (in [0, n)) as a params dict: its active parameters only,
        as a trial's params hold them (in a conditional space a linear-kernel SVM has no
        ``gamma``: with it, ``test_score``, ``enqueue`` and ``add_manual`` refused the dict)."""
        index = self._index(index, "Landscape.params")
        return {name: self.levels[k][int(c)] for k, (name, c, on)
                in enumerate(zip(self.names, self.codes[index], self.active[index], strict=True)) if on}

    def index_of(self, params: Mapping[str, Any], *, name: str = "params", owner: str | None = None) -> int:
        """The grid index of the configuration nearest to ``params`` (one value per name).

        Numeric values snap to the nearest level: in the search space's unit cube when the
        landscape has a ``space`` (so on a log scale for log parameters), else by value; halfway
        goes to the lower level. Categorical values must be one of the choices. In a
        conditional space ``params`` may leave out the inactive parameters (a trial of a
        linear-kernel SVM has no ``gamma``): such a one takes the level nearest to where the
        space encodes an inactive value (``INACTIVE_UNIT``, the cube's centre; any level gives
        the same configuration and loss). Errors name argument ``name`` of ``owner`` (by
        default this method).

        >>> land = Landscape(("a", "b"), ((0, 1, 2), ("x", "y")), (True, False), [3, 2, 1, 0, 1, 2])
        >>> land.index_of({"a": 1.2, "b": "y"})
        3
        """
        owner = owner or "Landscape.index_of"
        conditional = self.n_configurations < self.n
        missing = [] if not isinstance(params, Mapping) else [n for n in self.names if n not in params]
        if not isinstance(params, Mapping) or (missing and not conditional):
            raise fail(name, owner, f"a mapping with a value for each of {list(self.names)}", params)
        codes = []
        for key, levels, ordered in zip(self.names, self.levels, self.ordered, strict=True):
            if key in missing:   # checked below: it must be inactive where the others put it
                units = np.array([self.space[key].to_unit(level) for level in levels])
                codes.append(int(np.argmin(np.abs(units - INACTIVE_UNIT))))
                continue
            value = params[key]
            if isinstance(value, np.generic):  # np.str_("rbf") is "rbf", as the search space reads it
                value = value.item()
            exact = [j for j, level in enumerate(levels) if value == level and type(value) is type(level)]
            if exact or not ordered:
                if not exact:
                    raise fail(f"{name}[{key!r}]", owner, f"one of the choices {list(levels)}", value)
                codes.append(exact[0])
                continue
            if as_finite(value) is None:  # NaN is as near to every level as to none: argmin would take the first
                raise fail(f"{name}[{key!r}]", owner, "a finite number", value)
            param = self.space[key] if self.space is not None and key in self.space else None
            position = float if param is None else param.to_unit
            distance = np.abs(np.array([position(level) for level in levels]) - position(value))
            codes.append(int(np.argmin(distance)))
        index = int(np.ravel_multi_index(tuple(codes), self.shape))
        # Of the missing names active there, those whose activity no other missing name decided
        # (gamma is active under the centre's kernel when the kernel is missing: name the kernel).
        conditions = {key: self.space[key].condition for key in missing}
        needed = [key for key, condition in conditions.items() if self.active[index, self.names.index(key)]
                  and (condition is None or condition.parent not in missing)]
        if needed:
            raise fail(name, owner, "a mapping with a value for each active parameter", params,
                       hint=f"Missing: {needed} (active where the others put the configuration).")
        return index

    @property
    def optimum(self) -> int:
        """Index of the global optimum (the first, on ties)."""
        return int(np.argmin(self.losses))

    # -- the neighbour graph ------------------------------------------------------------------------
    @cached_property
    def edges(self) -> np.ndarray:
        """Every undirected neighbour pair once, shape (m, 2), smaller index first."""
        strides = np.array([int(np.prod(self.shape[k + 1:])) for k in range(len(self.shape))])
        index = np.arange(self.n)
        pairs = []
        for k, (size, ordered) in enumerate(zip(self.shape, self.ordered, strict=True)):
            code = self.codes[:, k]
            steps = [1] if ordered else range(1, size)  # next level; or every other choice above
            for step in steps:
                has = code + step < size  # the top level has no level above: it is linked from below
                pairs.append(np.stack([index[has], index[has] + step * strides[k]], axis=1))
        return np.concatenate(pairs).astype(int)

    @cached_property
    def _adjacency(self) -> tuple[np.ndarray, np.ndarray]:
        """Both orientations of every edge, sorted by source: (sources, targets), shape (2m,)."""
        source = np.concatenate([self.edges[:, 0], self.edges[:, 1]])
        target = np.concatenate([self.edges[:, 1], self.edges[:, 0]])
        order = np.argsort(source, kind="stable")
        return source[order], target[order]

    @cached_property
    def _offsets(self) -> np.ndarray:
        source, _ = self._adjacency
        return np.searchsorted(source, np.arange(self.n + 1))

    def neighbours(self, index: int) -> np.ndarray:
        """Indices of the neighbours of configuration ``index`` (in [0, n))."""
        index = self._index(index, "Landscape.neighbours")
        _, target = self._adjacency
        return target[self._offsets[index]:self._offsets[index + 1]]

    def degree(self) -> np.ndarray:
        """Number of neighbours of every configuration, shape (n,)."""
        return np.diff(self._offsets)

    def distances(self, index: int) -> np.ndarray:
        """Distance of every configuration to ``index``, shape (n,): Manhattan on level indices of
        ordered parameters plus Hamming on categorical ones; ``index`` in [0, n)."""
        diff = self.codes - self.codes[self._index(index, "Landscape.distances")]
        ordered = np.array(self.ordered)
        return np.abs(diff[:, ordered]).sum(axis=1) + (diff[:, ~ordered] != 0).sum(axis=1)

    def with_losses(self, losses: Sequence[float] | np.ndarray) -> Landscape:
        """The same grid with other losses (a shuffled null model, say); ``others`` are dropped
        (they belong to the old losses), ``space`` and ``info`` kept."""
        return Landscape(self.names, self.levels, self.ordered, grid_losses(losses, self.shape, "losses",
                                                                            "Landscape.with_losses"),
                         self.space, info=self.info)

    def other(self, kind: str) -> Landscape:
        """The landscape of another kind of loss on this grid: ``"train"``, ``"test"``, ...

        Its ``others`` hold the rest, this landscape's own losses under ``"valid"`` included, so
        ``land.other("test").other("train")`` works.

        >>> land = Landscape(("a",), ((0, 1, 2),), (True,), [0.3, 0.1, 0.2], others={"train": [0.2, 0.0, 0.0]})
        >>> land.other("train").optimum, sorted(land.other("train").others)
        (1, ['valid'])
        """
        check_one_of(kind, "kind", "Landscape.other", sorted(self.others), "the landscape's other losses")
        own = self.info.get("kind", "valid")
        others = {**{k: v for k, v in self.others.items() if k != kind}, own: self.losses}
        return Landscape(self.names, self.levels, self.ordered, self.others[kind], self.space, others=others,
                         info={**self.info, "kind": kind})
