"""Search spaces: typed parameters and the one codec between user params and the unit cube.

Users see ``params``, a ``dict`` from parameter name to value. Optimizers see points ``x`` in
the unit cube ``[0, 1]^d``, one coordinate per parameter. Only this module converts between
the two (the idea of Optuna's ``optuna/_transform.py``):

- ``Float``: linear, or linear in ``log(value)`` when ``log=True``.
- ``Int``: integer ``v`` owns the bin ``[v, v + 1)`` of the interval ``[low, high + 1)``, mapped
  linearly (or in log) onto [0, 1]; decoding is ``floor``. So a uniform ``x`` is uniform over
  the integers, or log-uniform for ``log=True`` (each decade equally likely), and encoding
  puts an integer at the centre of its bin.
- ``Categorical``: ``k`` equal bins of ``[0, 1]``, one per choice, encoded at the bin centre.
  Choices are unordered; model-based optimizers read ``SearchSpace.kinds`` to treat them so.
"""

from __future__ import annotations

import itertools
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import numpy as np

from ._validation import check_bool, check_int, check_real, fail
from .views import AxisLevels, CurveGrid, SurfaceGrid

__all__ = ["Parameter", "Float", "Int", "Categorical", "SearchSpace"]

#: Types a categorical choice may have: they must survive a JSON round trip unchanged.
_CHOICE_TYPES = (str, bool, int, float, type(None))


class Parameter(ABC):
    """One dimension of a search space. Subclasses: :class:`Float`, :class:`Int`, :class:`Categorical`."""

    kind: ClassVar[str]
    name: str

    def _check_name(self, name: Any) -> str:
        if not isinstance(name, str) or not name:
            raise fail("name", type(self).__name__, "a non-empty str", name)
        return name

    @property
    def _owner(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @abstractmethod
    def validate(self, value: Any) -> Any:
        """Return ``value`` in canonical form, or raise naming this parameter and its rule."""

    @abstractmethod
    def to_unit(self, value: Any) -> float:
        """Encode a valid value as a coordinate in [0, 1]."""

    @abstractmethod
    def from_unit(self, u: float) -> Any:
        """Decode a coordinate (clipped to [0, 1]) into a value."""

    @abstractmethod
    def levels(self, resolution: int) -> tuple:
        """Ordered grid levels: ``resolution`` values for numbers, every choice for categoricals."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description that :meth:`SearchSpace.from_dict` reads back."""

    @property
    def scale(self) -> str:
        """How a plot axis should show this parameter: "linear", "log" or "categorical"."""
        return "log" if getattr(self, "log", False) else "linear"

    @abstractmethod
    def unit_length(self) -> tuple[float, str]:
        """The unit interval's length in this parameter's units, and the unit's name."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parameter) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.to_dict().items() if k not in ("type", "name")}
        args = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        return f"{type(self).__name__}({self.name!r}, {args})"


class _Numeric(Parameter):
    """Shared codec of Float and Int: a linear or log map of ``[edge_low, edge_high]`` onto [0, 1]."""

    low: float
    high: float
    log: bool

    def _check_bounds(self, low: Any, high: Any, log: Any, *, integer: bool) -> None:
        check = check_int if integer else check_real
        self.low = check(low, "low", self._owner)
        self.high = check(high, "high", self._owner)
        if not self.high > self.low:
            raise fail("high", self._owner, f"greater than low={self.low!r}", high)
        self.log = check_bool(log, "log", self._owner)
        if self.log and self.low <= 0:
            raise fail("low", self._owner, "> 0 when log=True", low,
                       hint="A log scale needs a positive lower bound; raise `low` or set log=False.")

    @property
    def _edges(self) -> tuple[float, float]:
        return float(self.low), float(self.high)

    def _forward(self, value: float) -> float:
        lo, hi = self._edges
        if self.log:
            return (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (value - lo) / (hi - lo)

    def _inverse(self, u: float) -> float:
        lo, hi = self._edges
        u = min(max(float(u), 0.0), 1.0)
        if self.log:
            value = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        else:
            value = lo + u * (hi - lo)
        return min(max(value, lo), hi)

    def to_unit(self, value: Any) -> float:
        return self._forward(self.validate(value))

    def unit_length(self) -> tuple[float, str]:
        """The unit interval's length in this parameter's units: ``(length, "units" or "decades")``.

        Converts a unit-cube distance (a GP lengthscale, say) into something a person reads.
        """
        lo, hi = self._edges
        return (math.log10(hi / lo), "decades") if self.log else (hi - lo, "units")

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "name": self.name, "low": self.low, "high": self.high, "log": self.log}


class Float(_Numeric):
    """A real-valued parameter in ``[low, high]``, optionally on a log scale.

    Examples
    --------
    >>> Float("C", 1e-3, 1e3, log=True).from_unit(0.5)
    1.0
    """

    kind = "float"

    def __init__(self, name: str, low: float, high: float, log: bool = False):
        self.name = self._check_name(name)
        self._check_bounds(low, high, log, integer=False)

    def validate(self, value: Any) -> float:
        return check_real(value, self.name, "the search space", self.low, self.high)

    def from_unit(self, u: float) -> float:
        return self._inverse(u)

    def levels(self, resolution: int) -> tuple:
        space = np.geomspace if self.log else np.linspace
        values = space(self.low, self.high, resolution)
        return tuple(float(v) for v in np.clip(values, self.low, self.high))


class Int(_Numeric):
    """An integer parameter in ``[low, high]`` (both included), optionally on a log scale.

    Examples
    --------
    >>> Int("n_estimators", 10, 200).from_unit(1.0)
    200
    """

    kind = "int"

    def __init__(self, name: str, low: int, high: int, log: bool = False):
        self.name = self._check_name(name)
        self._check_bounds(low, high, log, integer=True)

    @property
    def _edges(self) -> tuple[float, float]:
        return float(self.low), float(self.high + 1)

    def validate(self, value: Any) -> int:
        return check_int(value, self.name, "the search space", int(self.low), int(self.high))

    def to_unit(self, value: Any) -> float:
        value = self.validate(value)
        return 0.5 * (self._forward(value) + self._forward(value + 1))

    def from_unit(self, u: float) -> int:
        return int(min(max(math.floor(self._inverse(u)), self.low), self.high))

    def levels(self, resolution: int) -> tuple:
        if self.high - self.low + 1 <= resolution:
            return tuple(range(int(self.low), int(self.high) + 1))
        space = np.geomspace if self.log else np.linspace
        # Rounding log-spaced levels can merge neighbours, so there may be fewer than asked.
        return tuple(int(v) for v in np.unique(np.rint(space(self.low, self.high, resolution))))


class Categorical(Parameter):
    """An unordered choice among JSON scalars (str, int, float, bool or None).

    Examples
    --------
    >>> Categorical("kernel", ["linear", "rbf"]).from_unit(0.9)
    'rbf'
    """

    kind = "categorical"

    def __init__(self, name: str, choices: Iterable[Any]):
        self.name = self._check_name(name)
        if isinstance(choices, (str, bytes, Mapping)) or not isinstance(choices, Iterable):
            raise fail("choices", self._owner, "a non-empty list of str, int, float, bool or None", choices)
        values = list(choices)
        if not values:
            raise fail("choices", self._owner, "a non-empty list of str, int, float, bool or None", values)
        for choice in values:
            finite = not isinstance(choice, float) or math.isfinite(choice)
            if not isinstance(choice, _CHOICE_TYPES) or not finite:
                raise fail("choices", self._owner, "a list of str, int, float, bool or None (finite)", values,
                           hint=f"{choice!r} cannot be stored in a JSON journal.")
        for i, a in enumerate(values):
            for b in values[:i]:
                if self._same(a, b):
                    raise fail("choices", self._owner, "a list without duplicates", values,
                               hint=f"{a!r} appears twice.")
        self.choices = tuple(values)

    @staticmethod
    def _same(a: Any, b: Any) -> bool:
        # True == 1 in Python, but a bool choice and an int choice are different categories.
        return a == b and isinstance(a, bool) == isinstance(b, bool)

    def index(self, value: Any) -> int:
        """Position of ``value`` in ``choices``; raises naming the parameter if absent."""
        for i, choice in enumerate(self.choices):
            if self._same(choice, value):
                return i
        raise fail(self.name, "the search space", f"one of {list(self.choices)}", value)

    def validate(self, value: Any) -> Any:
        return self.choices[self.index(value)]

    def to_unit(self, value: Any) -> float:
        return (self.index(value) + 0.5) / len(self.choices)

    def from_unit(self, u: float) -> Any:
        k = len(self.choices)
        return self.choices[min(max(int(math.floor(float(u) * k)), 0), k - 1)]

    def levels(self, resolution: int) -> tuple:
        return self.choices

    @property
    def scale(self) -> str:
        return "categorical"

    def unit_length(self) -> tuple[float, str]:
        """Categories have no distance: a categorical kernel's lengthscale is reported as is."""
        return 1.0, "categorical"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "name": self.name, "choices": list(self.choices)}


_KINDS: dict[str, type[Parameter]] = {"float": Float, "int": Int, "categorical": Categorical}


class SearchSpace:
    """An ordered set of named parameters and the codec to and from the unit cube.

    Parameters
    ----------
    params : iterable of Parameter
        At least one parameter; names must be unique. Their order fixes the coordinate order.

    Examples
    --------
    >>> space = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["rbf", "linear"])])
    >>> space.dim
    2
    >>> space.from_unit([0.5, 0.2])
    {'C': 1.0, 'kernel': 'rbf'}
    >>> space.to_unit({"C": 1.0, "kernel": "linear"}).tolist()
    [0.5, 0.75]
    """

    def __init__(self, params: Iterable[Parameter]):
        if isinstance(params, Parameter) or not isinstance(params, Iterable):
            raise fail("params", "SearchSpace", "a non-empty list of Float, Int or Categorical", params)
        items = list(params)
        if not items:
            raise fail("params", "SearchSpace", "a non-empty list of Float, Int or Categorical", items)
        for item in items:
            if not isinstance(item, Parameter):
                raise fail("params", "SearchSpace", "a list of Float, Int or Categorical", item)
        names = [p.name for p in items]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise fail("params", "SearchSpace", "a list with unique names", names,
                       hint=f"Duplicated: {', '.join(duplicates)}.")
        self.params: tuple[Parameter, ...] = tuple(items)
        self._by_name = {p.name: p for p in items}

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
        return isinstance(other, SearchSpace) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(tuple(map(repr, self.params)))

    def __repr__(self) -> str:
        return "SearchSpace([" + ", ".join(map(repr, self.params)) + "])"

    # -- the codec ------------------------------------------------------------------------
    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``params`` in canonical form (coordinate order, Python scalars).

        Raises :class:`InvalidParameterError` for a missing or unknown name or a value that
        breaks its parameter's rule (type, bounds, choices), naming the parameter.
        """
        if not isinstance(params, Mapping):
            raise fail("params", "SearchSpace", f"a dict with keys {self.names}", params)
        unknown = [k for k in params if k not in self._by_name]
        if unknown:
            raise fail("params", "SearchSpace", f"a dict with keys among {self.names}", dict(params),
                       hint=f"Unknown parameter(s): {', '.join(map(str, unknown))}.")
        missing = [n for n in self.names if n not in params]
        if missing:
            raise fail("params", "SearchSpace", f"a dict with keys {self.names}", dict(params),
                       hint=f"Missing parameter(s): {', '.join(missing)}.")
        return {p.name: p.validate(params[p.name]) for p in self.params}

    def to_unit(self, params: Mapping[str, Any]) -> np.ndarray:
        """Encode params as a point of shape (d,) in the unit cube (validated first)."""
        canonical = self.validate(params)
        return np.array([p.to_unit(canonical[p.name]) for p in self.params], dtype=float)

    def from_unit(self, x: Any) -> dict[str, Any]:
        """Decode a point of shape (d,) in the unit cube (clipped to it) into params."""
        point = self._check_point(x)
        return {p.name: p.from_unit(u) for p, u in zip(self.params, point, strict=True)}

    def snap(self, x: Any) -> np.ndarray:
        """The canonical encoding of the params that ``x`` decodes to, shape (d,).

        Integers and categoricals move to their bin; floats only get clipped. A trial's ``x``
        is always snapped, so a surrogate sees where the objective was really evaluated.
        """
        return self.to_unit(self.from_unit(x))

    def _check_point(self, x: Any) -> np.ndarray:
        point = np.asarray(x, dtype=float)
        if point.shape != (self.dim,) or not np.all(np.isfinite(point)):
            raise fail("x", "SearchSpace", f"a finite array of shape ({self.dim},) in the unit cube", x)
        return point

    def sample(self, n: int, rng: Any = None) -> list[dict[str, Any]]:
        """Draw ``n`` params uniformly in the unit cube (so log parameters are log-uniform).

        Parameters
        ----------
        n : int
            Number of samples, >= 0.
        rng : int, numpy.random.Generator or None
            Source of randomness.
        """
        n = check_int(n, "n", "SearchSpace.sample", 0)
        generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        return [self.from_unit(x) for x in generator.random((n, self.dim))]

    # -- grids and slices for search and plots ---------------------------------------------
    def level_counts(self, resolution: int | Mapping[str, int], owner: str = "SearchSpace.grid") -> dict[str, int]:
        """Validate ``resolution`` (an int >= 2, or one per numeric parameter) into a count per name."""
        if isinstance(resolution, Mapping):
            unknown = [k for k in resolution if k not in self._by_name]
            if unknown:
                raise fail("resolution", owner, f"a dict with keys among {self.names}", dict(resolution),
                           hint=f"Unknown parameter(s): {', '.join(map(str, unknown))}.")
            numeric = [p.name for p in self.params if p.kind != "categorical"]
            missing = [n for n in numeric if n not in resolution]
            if missing:
                raise fail("resolution", owner, "a dict with a level count for every numeric parameter",
                           dict(resolution), hint=f"Missing: {', '.join(missing)}.")
            return {n: check_int(resolution.get(n, 2), f"resolution[{n!r}]", owner, 2) for n in self.names}
        count = check_int(resolution, "resolution", owner, 2)
        return {n: count for n in self.names}

    def grid_levels(self, resolution: int | Mapping[str, int] = 5) -> dict[str, tuple]:
        """Ordered levels per parameter: log-spaced for log parameters, every choice for categoricals."""
        counts = self.level_counts(resolution)
        return {p.name: p.levels(counts[p.name]) for p in self.params}

    def grid(self, resolution: int | Mapping[str, int] = 5) -> list[dict[str, Any]]:
        """Every combination of :meth:`grid_levels`, the first parameter varying slowest."""
        levels = self.grid_levels(resolution)
        return [dict(zip(self.names, combo, strict=True)) for combo in itertools.product(*levels.values())]

    def _anchor(self, at: Mapping[str, Any] | None) -> np.ndarray:
        """Unit point for the fixed coordinates of a slice: ``at`` where given, else the centre."""
        centre = self.from_unit(np.full(self.dim, 0.5))
        if at is not None:
            if not isinstance(at, Mapping):
                raise fail("at", "SearchSpace slice", "a dict of parameter values or None", at)
            centre.update(at)
        return self.to_unit(centre)

    def _axis(self, name: str, resolution: int, owner: str) -> AxisLevels:
        if name not in self._by_name:
            raise fail("name", owner, f"one of {self.names}", name)
        param = self._by_name[name]
        levels = param.levels(check_int(resolution, "resolution", owner, 2))
        unit = np.array([param.to_unit(v) for v in levels], dtype=float)
        unit.flags.writeable = False
        return AxisLevels(name=name, levels=tuple(levels), unit=unit, scale=param.scale)

    def slice1d(self, name: str, at: Mapping[str, Any] | None = None, resolution: int = 200) -> CurveGrid:
        """Points along one parameter with the others fixed at ``at`` (default: the centre).

        Returns a :class:`~interactive_hpo.views.CurveGrid` whose ``points`` has shape (m, d).
        """
        axis = self._axis(name, resolution, "SearchSpace.slice1d")
        points = np.repeat(self._anchor(at)[None, :], len(axis.unit), axis=0)
        points[:, self.names.index(name)] = axis.unit
        points.flags.writeable = False
        return CurveGrid(axis=axis, points=points)

    def slice2d(
        self, x_name: str, y_name: str, at: Mapping[str, Any] | None = None, resolution: int = 50
    ) -> SurfaceGrid:
        """A grid over two parameters with the others fixed at ``at`` (default: the centre).

        Returns a :class:`~interactive_hpo.views.SurfaceGrid` whose ``points`` has shape
        (ny, nx, d); categorical axes list every choice, integer axes at most ``resolution`` ints.
        """
        if x_name == y_name:
            raise fail("y_name", "SearchSpace.slice2d", f"a parameter other than x_name={x_name!r}", y_name)
        x_axis = self._axis(x_name, resolution, "SearchSpace.slice2d")
        y_axis = self._axis(y_name, resolution, "SearchSpace.slice2d")
        points = np.tile(self._anchor(at), (len(y_axis.unit), len(x_axis.unit), 1))
        points[:, :, self.names.index(x_name)] = x_axis.unit[None, :]
        points[:, :, self.names.index(y_name)] = y_axis.unit[:, None]
        points.flags.writeable = False
        return SurfaceGrid(x_axis=x_axis, y_axis=y_axis, points=points)

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
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            if kind not in _KINDS:
                raise fail(f"params[{i}].type", owner, f"one of {list(_KINDS)}", kind)
            fields = {k: v for k, v in entry.items() if k != "type"}
            try:
                params.append(_KINDS[kind](**fields))
            except TypeError as error:
                raise fail(f"params[{i}]", owner, f"the fields of {_KINDS[kind].__name__}", dict(entry)) from error
        return cls(params)

