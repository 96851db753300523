"""Search spaces: named parameters and the one codec between user params and the unit cube.

Users see ``params``, a ``dict`` from parameter name to value. Optimizers see points ``x`` in
the unit cube ``[0, 1]^d``, one coordinate per parameter. Only this module (with the parameter
codecs of :mod:`interactive_hpo.parameters`) converts between the two, the idea of Optuna's
``optuna/_transform.py``. It also builds the grids and slices that searches and plots need.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ._validation import check_int, fail
from .parameters import PARAMETER_TYPES, Categorical, Float, Int, Parameter
from .views import AxisLevels, CurveGrid, SurfaceGrid, read_only

__all__ = ["Parameter", "Float", "Int", "Categorical", "SearchSpace"]


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
        return isinstance(other, SearchSpace) and tuple(self.params) == tuple(other.params)

    def __hash__(self) -> int:
        return hash(tuple(self.params))

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
        unit = read_only([param.to_unit(v) for v in levels])
        return AxisLevels(name=name, levels=tuple(levels), unit=unit, scale=param.scale)

    def slice1d(self, name: str, at: Mapping[str, Any] | None = None, resolution: int = 200) -> CurveGrid:
        """Points along one parameter with the others fixed at ``at`` (default: the centre).

        Returns a :class:`~interactive_hpo.views.CurveGrid` whose ``points`` has shape (m, d).
        """
        axis = self._axis(name, resolution, "SearchSpace.slice1d")
        points = np.repeat(self._anchor(at)[None, :], len(axis.unit), axis=0)
        points[:, self.names.index(name)] = axis.unit
        return CurveGrid(axis=axis, points=read_only(points))

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
        return SurfaceGrid(x_axis=x_axis, y_axis=y_axis, points=read_only(points))

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
            if kind not in PARAMETER_TYPES:
                raise fail(f"params[{i}].type", owner, f"one of {list(PARAMETER_TYPES)}", kind)
            fields = {k: v for k, v in entry.items() if k != "type"}
            kind_class = PARAMETER_TYPES[kind]
            try:
                params.append(kind_class(**fields))
            except TypeError as error:
                raise fail(f"params[{i}]", owner, f"the fields of {kind_class.__name__}", dict(entry)) from error
        return cls(params)

