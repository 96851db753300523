"""Search spaces: named parameters and the one codec between user params and the unit cube.

Users see ``params``, a ``dict`` from parameter name to value. Optimizers see points ``x`` in
the unit cube ``[0, 1]^d``, one coordinate per parameter. Only this module (with the parameter
codecs of :mod:`interactive_hpo.parameters`) converts between the two, the idea of Optuna's
``optuna/_transform.py``. It also builds the grids that searches need, and, with
:mod:`interactive_hpo.space_slices`, the slices that plots need.

In a conditional space (:mod:`interactive_hpo.conditions`) ``params`` hold only the active
parameters, and an inactive parameter's coordinate is ``INACTIVE_UNIT`` in every snapped point.
"""

from __future__ import annotations

import inspect
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ._names import unknown_names
from ._validation import as_scalar, check_int, fail, float_array, generator_of, is_int
from .conditions import INACTIVE_UNIT, Conditions
from .exceptions import InvalidParameterError
from .parameters import MAX_GRID_POINTS, PARAMETER_TYPES, Categorical, Float, Int, Parameter
from .space_slices import SpaceSlices

__all__ = ["Parameter", "Float", "Int", "Categorical", "SearchSpace", "MAX_GRID_POINTS", "MAX_SAMPLE_VALUES"]

#: The most values (samples x parameters) :meth:`SearchSpace.sample` returns, and at most
#: :data:`MAX_GRID_POINTS` samples, as a grid: each sample is a dict (about 200 bytes) of Python
#: values (about 65 bytes each). Measured: 10^6 samples of one parameter took 265 MB and 15 s,
#: 10^6 of ten 650 MB and 30 s; the cap keeps a sample under about 1 GB, a Binder kernel's
#: memory. ``n = 10**30`` was numpy's "Maximum allowed dimension exceeded"; ``10**9`` would
#: have drawn 8 GB of coordinates per parameter before decoding the first.
MAX_SAMPLE_VALUES = 10_000_000


class SearchSpace(SpaceSlices):
    """An ordered set of named parameters and the codec to and from the unit cube.

    Parameters
    ----------
    params : iterable of Parameter
        At least one parameter; names must be unique. Their order fixes the coordinate order.
        A parameter's ``condition`` may name any other (categorical or integer) parameter;
        the space holds its values as the parent holds its own (a copy of a parameter whose
        condition said ``2.0`` of an Int: ``space[name]`` is then not the object given).

    Examples
    --------
    >>> from interactive_hpo import Categorical, Float
    >>> space = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["rbf", "linear"])])
    >>> space.dim
    2
    >>> space.from_unit([0.5, 0.2])
    {'C': 1.0, 'kernel': 'rbf'}
    >>> space.to_unit({"C": 1.0, "kernel": "linear"}).tolist()
    [0.5, 0.75]

    A conditional space: ``gamma`` exists only for the rbf kernel.

    >>> svm = SearchSpace([Categorical("kernel", ["linear", "rbf"]),
    ...                    Float("gamma", 0.0, 2.0, condition=("kernel", "rbf"))])
    >>> svm.from_unit([0.2, 0.9]), svm.from_unit([0.7, 0.5])
    ({'kernel': 'linear'}, {'kernel': 'rbf', 'gamma': 1.0})
    >>> svm.snap([0.2, 0.9]).tolist()
    [0.25, 0.5]
    """

    def __init__(self, params: Iterable[Parameter]):
        if isinstance(params, (Parameter, Mapping)) or not isinstance(params, Iterable):
            raise fail("params", "SearchSpace", "a non-empty list of Float, Int or Categorical", params,
                       hint="A dict would give its keys: pass list(params.values())." if isinstance(params, Mapping)
                       else None)
        items = list(params)
        if not items:
            raise fail("params", "SearchSpace", "a non-empty list of Float, Int or Categorical", items)
        for item in items:
            if not isinstance(item, Parameter):
                raise fail("params", "SearchSpace", "a list of Float, Int or Categorical", item)
        names = [p.name for p in items]
        duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
        if duplicates:
            raise fail("params", "SearchSpace", "a list with unique names", names,
                       hint=f"Duplicated: {', '.join(duplicates)}.")
        self.conditions = Conditions(items)  # checks every condition against the others
        #: The parameters given, each condition's values in their parent's form (``Conditions.params``).
        self.params: tuple[Parameter, ...] = self.conditions.params
        self._by_name = {p.name: p for p in self.params}

    @property
    def conditional(self) -> bool:
        """True when some parameter exists only under a condition."""
        return self.conditions.any

    # -- basic container behaviour -------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Parameter names in coordinate order."""
        return [p.name for p in self.params]

    @property
    def dim(self) -> int:
        """Number of unit-cube coordinates, one per parameter."""
        return len(self.params)

    @property
    def kinds(self) -> list[str]:
        """"float", "int" or "categorical" for each coordinate."""
        return [p.kind for p in self.params]

    def __len__(self) -> int:
        return len(self.params)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.params)

    def __getitem__(self, name: str) -> Parameter:
        if name not in self._by_name:
            raise fail("name", "SearchSpace", f"one of {self.names}", name)
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchSpace) and tuple(self.params) == tuple(other.params)

    def __hash__(self) -> int:
        return hash(tuple(self.params))

    def __repr__(self) -> str:
        return "SearchSpace([" + ", ".join(map(repr, self.params)) + "])"

    # -- the codec ------------------------------------------------------------------------
    def validate(self, params: Mapping[str, Any], *, name: str = "params", owner: str | None = None
                 ) -> dict[str, Any]:
        """Return ``params`` in canonical form (coordinate order, Python scalars).

        Raises :class:`InvalidParameterError` for a missing or unknown name or a value that
        breaks its parameter's rule (type, bounds, choices), naming the parameter; with
        ``owner``, the function the person gave ``params`` to as its argument ``name``, the
        refusal names them: a dict with names unknown (each with the one it likely meant) or
        missing in their words, a value refused with the space's reason as its hint (the dict
        shown once).
        """
        where = "SearchSpace" if owner is None else owner
        if not isinstance(params, Mapping):
            raise fail(name, where, f"a dict with keys {self.names}", params)
        unknown = [k for k in params if k not in self._by_name]
        if unknown:
            raise fail(name, where, f"a dict with keys among {self.names}", dict(params),
                       hint=f"Unknown parameter(s): {unknown_names(unknown, self.names)}.")
        missing = [] if self.conditional else [n for n in self.names if n not in params]
        if missing:
            raise fail(name, where, f"a dict with keys {self.names}", dict(params),
                       hint=f"Missing parameter(s): {', '.join(map(repr, missing))}. (space.complete(params) fills "
                            "them in with the centres of their ranges.)")
        try:
            canonical = self.complete(params) if self.conditional else \
                {p.name: p.validate(params[p.name]) for p in self.params}
        except InvalidParameterError as error:
            if owner is None:
                raise
            # The dict once, in the caller's words; the value refused, in its parameter's.
            raise fail(name, owner, "a configuration of the search space (a dict of its parameters' values)",
                       params, hint=f"The space refuses it: {error}") from None
        return self._check_activity(params, canonical, name, where) if self.conditional else canonical

    def _check_activity(self, params: Mapping[str, Any], canonical: dict[str, Any], argument: str, owner: str
                        ) -> dict[str, Any]:
        """``canonical`` (``self.complete(params)``) when ``params`` give every active parameter of
        this conditional space and no inactive one; refused as ``argument`` of ``owner``."""
        missing = [name for name in canonical if name not in params]  # filled from the centre
        if missing:
            # Only those whose activity the given values decide: a child of a missing parent is
            # active or not by the centre value that stood in for it, which no one typed.
            conditions = {name: self._by_name[name].condition for name in missing}
            named = [repr(name) if c is None else f"{name!r} (active because {c.describe()})"
                     for name, c in conditions.items() if c is None or c.parent in params]
            raise fail(argument, owner, "a dict with every active parameter", dict(params),
                       hint=f"Missing: {', '.join(named)}.")
        inactive = [name for name in self.names if name in params and name not in canonical]
        if inactive:
            condition = self._by_name[inactive[0]].condition
            assert condition is not None  # an unconditional parameter is always active
            raise fail(argument, owner, "a dict without inactive parameters", dict(params),
                       hint=f"{inactive[0]!r} applies only when {condition.describe()}; leave it out.")
        return canonical

    def to_unit(self, params: Mapping[str, Any]) -> np.ndarray:
        """Encode params as a point of shape (d,) in the unit cube (validated first)."""
        return self.encode(params)[1]

    def encode(self, params: Mapping[str, Any], *, name: str = "params", owner: str | None = None
               ) -> tuple[dict[str, Any], np.ndarray]:
        """``params`` in canonical form (:meth:`validate`, whose errors name ``name`` and ``owner``)
        and as a point of shape (d,) in the unit cube (:meth:`to_unit`), validated once: a
        journal's replay reads thousands of trials."""
        canonical = self.validate(params, name=name, owner=owner)
        return canonical, np.array([p.to_unit(canonical[p.name]) if p.name in canonical else INACTIVE_UNIT
                                    for p in self.params], dtype=float)

    def from_unit(self, x: Any) -> dict[str, Any]:
        """Decode a point of shape (d,) in the unit cube (clipped to it) into params (the active
        ones only, in a conditional space)."""
        point = self._check_point(x)
        values = {p.name: p.from_unit(u) for p, u in zip(self.params, point, strict=True)}
        if not self.conditional:
            return values
        active = self.conditions.active(values)
        return {name: value for name, value in values.items() if name in active}

    def canonical(self, X: Any) -> np.ndarray:
        """Points ``X`` of shape (n, d) with every inactive coordinate at ``INACTIVE_UNIT``
        (a copy of shape (n, d), other coordinates unchanged; points of any shape (..., d) come
        as rows): what tells two proposals of one configuration apart from two configurations,
        without decoding each point."""
        rule = f"unit-cube points of shape (n, {self.dim})"
        points = float_array(X, "X", "SearchSpace.canonical", rule)
        if not points.ndim or points.shape[-1] != self.dim:
            raise fail("X", "SearchSpace.canonical", rule, X)
        return self.conditions.canonical(points.reshape(-1, self.dim))

    def snap(self, x: Any) -> np.ndarray:
        """The canonical encoding of the params that ``x`` decodes to, shape (d,).

        Integers and categoricals move to their bin; floats only get clipped. A trial's ``x``
        is always snapped, so a surrogate sees where the objective was really evaluated.
        """
        return self.to_unit(self.from_unit(x))

    def _check_point(self, x: Any) -> np.ndarray:
        rule = f"a finite array of shape ({self.dim},) (a point of the unit cube; beyond it, clipped to it)"
        point = float_array(x, "x", "SearchSpace", rule)
        if point.shape != (self.dim,) or not np.all(np.isfinite(point)):
            raise fail("x", "SearchSpace", rule, x)
        return point

    def sample(self, n: int, rng: Any = None) -> list[dict[str, Any]]:
        """Draw ``n`` params uniformly in the unit cube (so log parameters are log-uniform).

        Parameters
        ----------
        n : int
            Number of samples, >= 0: at most :data:`MAX_GRID_POINTS`, and at most
            :data:`MAX_SAMPLE_VALUES` values in all (``n * dim``), so that the list fits in memory.
        rng : int >= 0, numpy.random.Generator or None
            Source of randomness: a seed, a generator (drawn from), or None for a fresh one.
        """
        owner, most = "SearchSpace.sample", min(MAX_GRID_POINTS, MAX_SAMPLE_VALUES // self.dim)
        n = as_scalar(n)  # np.array(3), as every int argument reads it
        if not is_int(n) or not 0 <= n <= most:
            raise fail("n", owner, f"an int in [0, {most}]", n, hint=None if not is_int(n) or n < 0 else
                       f"At most {MAX_GRID_POINTS:,} samples and {MAX_SAMPLE_VALUES:,} values in all (one per "
                       f"parameter: {self.dim} a sample) are returned at once; for more, decode unit-cube points "
                       "in chunks: [space.from_unit(x) for x in rng.random((k, space.dim))].")
        generator = generator_of(rng, owner, "rng")
        return [self.from_unit(x) for x in generator.random((int(n), self.dim))]

    # -- grids and slices for search and plots ---------------------------------------------
    def level_counts(self, resolution: int | Mapping[str, int], owner: str = "SearchSpace.grid") -> dict[str, int]:
        """Validate ``resolution`` (an int >= 2, or a dict with one per numeric parameter) into a
        count per name. A categorical's levels are its choices, whatever its count: a dict may
        leave it out or give it any int >= 1. No count may exceed :data:`MAX_GRID_POINTS`: no
        grid of them could be listed, and refusing here comes before their levels are."""
        if isinstance(resolution, Mapping):
            unknown = [k for k in resolution if k not in self._by_name]
            if unknown:
                raise fail("resolution", owner, f"a dict with keys among {self.names}", dict(resolution),
                           hint=f"Unknown parameter(s): {unknown_names(unknown, self.names)}.")
            numeric = [p.name for p in self.params if p.kind != "categorical"]
            missing = [n for n in numeric if n not in resolution]
            if missing:
                raise fail("resolution", owner, "a dict with a level count for every numeric parameter",
                           dict(resolution), hint=f"Missing: {', '.join(missing)}.")
            return {p.name: check_int(resolution.get(p.name, 2), f"resolution[{p.name!r}]", owner,
                                      1 if p.kind == "categorical" else 2, MAX_GRID_POINTS) for p in self.params}
        count = check_int(resolution, "resolution", owner, 2, MAX_GRID_POINTS)
        return {n: count for n in self.names}

    def grid_levels(self, resolution: int | Mapping[str, int] = 5) -> dict[str, tuple]:
        """Ordered levels per parameter: ``resolution`` of them (an int >= 2, or a dict with one
        per numeric parameter; see :meth:`level_counts`), log-spaced for log parameters, and every
        choice of a categorical. In a conditional space an Int parent's levels also hold every
        value its children's conditions name, so that the grid searches each branch."""
        counts = self.level_counts(resolution)
        return self.conditions.with_branch_levels({p.name: p.levels(counts[p.name]) for p in self.params})

    def grid_blocks(self, resolution: int | Mapping[str, int] = 5,
                    owner: str = "SearchSpace.grid") -> list[dict[str, tuple]]:
        """The grid of :meth:`grid_levels` as ``Conditions.blocks`` (products, each configuration
        in exactly one), refused (naming ``owner``) when it has more than :data:`MAX_GRID_POINTS`
        configurations: counted here, before any is listed."""
        blocks = self.conditions.blocks(self.grid_levels(self.level_counts(resolution, owner)))
        size = sum(math.prod(len(held) for held in block.values() if held) for block in blocks)
        if size > MAX_GRID_POINTS:
            raise fail("resolution", owner, f"small enough for at most {MAX_GRID_POINTS:,} configurations",
                       resolution, hint=f"This grid has {size:,}; use fewer levels, or sample the space instead.")
        return blocks

    def grid(self, resolution: int | Mapping[str, int] = 5) -> list[dict[str, Any]]:
        """Every combination of :meth:`grid_levels`, the first parameter varying slowest; in a
        conditional space each configuration once, with its active parameters only. At most
        :data:`MAX_GRID_POINTS` of them (:meth:`grid_blocks`)."""
        grid: list[dict[str, Any]] = []
        for block in self.grid_blocks(resolution):
            names = [name for name, held in block.items() if held]
            grid.extend(dict(zip(names, combo, strict=True)) for combo in itertools.product(*(block[n] for n in names)))
        return grid

    def complete(self, at: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Valid params: ``at``'s values where given, the centre of the others' ranges, and in a
        conditional space only what is active (values ``at`` gives for inactive parameters are
        left out unread). Where a slice fixes the parameters it does not vary, and what a form
        with a field per parameter submits."""
        if at is not None and not isinstance(at, Mapping):
            raise fail("at", "SearchSpace", "a dict of parameter values or None", at)
        given = dict(at or {})
        unknown = [k for k in given if k not in self._by_name]
        if unknown:
            raise fail("at", "SearchSpace", f"a dict with keys among {self.names}", given,
                       hint=f"Unknown parameter(s): {unknown_names(unknown, self.names)}.")
        values: dict[str, Any] = {}
        for i in self.conditions.order:  # parents first; an inactive parameter's value is not read
            param = self.params[i]
            if self.conditions.is_met(i, values, set(values)):
                values[param.name] = param.validate(given[param.name]) if param.name in given else \
                    param.from_unit(INACTIVE_UNIT)
        return {name: values[name] for name in self.names if name in values}

    # -- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; ``SearchSpace.from_dict(space.to_dict()) == space``."""
        return {"params": [p.to_dict() for p in self.params]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchSpace:
        """Rebuild a space from :meth:`to_dict` output, validating every field."""
        owner = "SearchSpace.from_dict"
        if not isinstance(data, Mapping) or not isinstance(data.get("params"), list):
            raise fail("data", owner, "a dict with a 'params' list", data)
        params = []
        for i, entry in enumerate(data["params"]):
            if not isinstance(entry, Mapping):
                raise fail(f"params[{i}]", owner, "a dict with a 'type' key", entry)
            kind = entry.get("type")
            if not isinstance(kind, str) or kind not in PARAMETER_TYPES:  # a hand-edited list or dict is unhashable
                raise fail(f"params[{i}].type", owner, f"one of {list(PARAMETER_TYPES)}", kind)
            kind_class = PARAMETER_TYPES[kind]
            _check_fields(f"params[{i}]", kind_class, entry)
            fields = {k: v for k, v in entry.items() if k != "type"}
            try:
                params.append(kind_class(**fields))
            except InvalidParameterError as error:  # it names the field; this names the entry of the dict
                error.add_note(f"In params[{i}] of {owner}.")
                raise
        return cls(params)


def _check_fields(name: str, kind_class: type[Parameter], entry: Mapping[Any, Any]) -> None:
    """Refuse ``entry`` (``name`` in the dict :meth:`SearchSpace.from_dict` reads) when its keys
    besides "type" are not the fields ``kind_class`` takes, naming the unknown and the missing keys: a typo
    ("hi" for "high") is otherwise a TypeError of ``__init__`` that the user never called."""
    signature = inspect.signature(kind_class).parameters
    required = [key for key, field in signature.items() if field.default is inspect.Parameter.empty]
    unknown = [key for key in entry if key != "type" and key not in signature]
    missing = [key for key in required if key not in entry]
    if unknown or missing:
        problems = [f"Unknown key(s): {unknown_names(unknown, signature)}." if unknown else "",
                    f"Missing key(s): {', '.join(map(repr, missing))}." if missing else ""]
        raise fail(name, "SearchSpace.from_dict",
                   f"the fields of {kind_class.__name__}: 'type', {', '.join(map(repr, signature))} "
                   f"({', '.join(map(repr, required))} required)", dict(entry),
                   hint=" ".join(problem for problem in problems if problem))
