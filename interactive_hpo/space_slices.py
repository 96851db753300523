"""Slices of a search space for plots: one parameter's axis, a curve along it, a surface over two.

:class:`SpaceSlices` is the part of :class:`~interactive_hpo.space.SearchSpace` that turns a
parameter's levels into plot axes and lays unit-cube points along them, the parameters not
varied fixed at a configuration (``at``, default the centre of their ranges); in a conditional
space each point is the encoding of the configuration it decodes to (inactive coordinates at
``INACTIVE_UNIT``, a child the varied parameter switches on at the code of the value it takes
there). The results are the frozen views plots take (:mod:`interactive_hpo.views`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import check_int, fail
from .conditions import INACTIVE_UNIT, Conditions
from .parameters import MAX_GRID_POINTS, Parameter
from .views import AxisLevels, CurveGrid, SurfaceGrid, read_only

__all__ = ["SpaceSlices"]


class SpaceSlices:
    """Axes and slices of a search space; mixed into :class:`~interactive_hpo.space.SearchSpace`."""

    # Provided by the space.
    _by_name: dict[str, Parameter]
    params: tuple[Parameter, ...]
    conditions: Conditions
    complete: Callable[[Mapping[str, Any] | None], dict[str, Any]]
    to_unit: Callable[[Mapping[str, Any]], np.ndarray]
    if TYPE_CHECKING:
        @property
        def names(self) -> list[str]: ...

    def _anchor(self, at: Mapping[str, Any] | None, varied: tuple[str, ...], owner: str) -> np.ndarray:
        """Unit point for the fixed coordinates of a slice (:meth:`complete` of ``at``); the
        ``varied`` parameters must be active there."""
        params = self.complete(at)
        for name in varied:
            condition = self._by_name[name].condition
            if name not in params and condition is not None:
                raise fail("name", owner, "a parameter active where the slice is taken", name,
                           hint=f"It applies only when {condition.describe()}: pass `at` with such a value.")
        return self.to_unit(params)

    def _configurations(self, points: np.ndarray, anchor: np.ndarray) -> np.ndarray:
        """A slice's ``points`` (m, d), ``anchor`` (shape (d,)) with varied coordinates replaced, as
        the encodings of the configurations they decode to, shape (m, d); unchanged without
        conditions. Inactive coordinates go to ``INACTIVE_UNIT``, and a child that a varied parent
        switches on (inactive at the anchor, so at ``INACTIVE_UNIT``) to the code of the value that
        decodes to, the one :meth:`complete` gives it: the kernel of an SVM row anchored at a forest
        is rbf, 0.75 of two choices, not 0.5 (where a GP read 0.302 for 0.312, audit a428). Snapped
        only there: every other coordinate is already a value's code, and each point is one
        :meth:`~interactive_hpo.space.SearchSpace.snap` (decoded and encoded again) but whole
        columns at once, for a surface of up to a million points."""
        if not self.conditions.any:
            return points
        placed = self.conditions.canonical(points)
        # Decoding a level's code gives the level, so snapping switches nothing on or off.
        switched_on = self.conditions.active_mask(placed) & ~self.conditions.active_mask(anchor[None])
        for j in np.flatnonzero(switched_on.any(axis=0)):
            param = self.params[j]
            placed[switched_on[:, j], j] = param.to_unit(param.from_unit(INACTIVE_UNIT))
        return placed

    def axis(self, name: str, resolution: int = 200) -> AxisLevels:
        """One parameter's levels as a plot axis: up to ``resolution`` values (every choice of
        a categorical), their unit coordinates, and the scale (whether or not it is active)."""
        return self._axis(name, resolution, "SearchSpace.axis")

    def _axis(self, name: str, resolution: int, owner: str, argument: str = "name",
              most: int = MAX_GRID_POINTS) -> AxisLevels:
        """The axis of parameter ``name`` (argument ``argument`` of ``owner``) with up to
        ``resolution`` (at most ``most``: 10,000 x 10,000 points took 2.4 GB) levels."""
        # A list was Python's "unhashable type", an array its "truth value ... is ambiguous".
        if not isinstance(name, str) or name not in self._by_name:
            raise fail(argument, owner, f"one of {self.names}", name)
        param = self._by_name[name]
        levels = param.levels(check_int(resolution, "resolution", owner, 2, most))
        unit = read_only([param.to_unit(v) for v in levels])
        return AxisLevels(name=name, levels=tuple(levels), unit=unit, scale=param.scale)

    def slice1d(self, name: str, at: Mapping[str, Any] | None = None, resolution: int = 200) -> CurveGrid:
        """Points along one parameter with the others fixed at ``at`` (default: the centre).

        Returns a :class:`~interactive_hpo.views.CurveGrid` whose ``points`` has shape (m, d).
        """
        axis = self._axis(name, resolution, "SearchSpace.slice1d")
        anchor = self._anchor(at, (name,), "SearchSpace.slice1d")
        points = np.repeat(anchor[None, :], len(axis.unit), axis=0)
        points[:, self.names.index(name)] = axis.unit
        return CurveGrid(axis=axis, points=read_only(self._configurations(points, anchor)))

    def slice2d(
        self, x_name: str, y_name: str, at: Mapping[str, Any] | None = None, resolution: int = 50
    ) -> SurfaceGrid:
        """A grid over two parameters with the others fixed at ``at`` (default: the centre).

        Returns a :class:`~interactive_hpo.views.SurfaceGrid` whose ``points`` has shape
        (ny, nx, d); categorical axes list every choice, integer axes at most ``resolution`` ints.
        """
        owner, most = "SearchSpace.slice2d", math.isqrt(MAX_GRID_POINTS)  # a grid of resolution ** 2 points
        x_axis = self._axis(x_name, resolution, owner, "x_name", most)
        y_axis = self._axis(y_name, resolution, owner, "y_name", most)
        if x_name == y_name:
            raise fail("y_name", owner, f"a parameter other than x_name={x_name!r}", y_name)
        anchor = self._anchor(at, (x_name, y_name), "SearchSpace.slice2d")
        points = np.tile(anchor, (len(y_axis.unit), len(x_axis.unit), 1))
        points[:, :, self.names.index(x_name)] = x_axis.unit[None, :]
        points[:, :, self.names.index(y_name)] = y_axis.unit[:, None]
        points = self._configurations(points.reshape(-1, len(anchor)), anchor).reshape(points.shape)
        return SurfaceGrid(x_axis=x_axis, y_axis=y_axis, points=read_only(points))
