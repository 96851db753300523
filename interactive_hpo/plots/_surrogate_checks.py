"""What the surrogate plots check where a person hands them data: a prediction of one value per
level of the slice, evaluated points of matching lengths, a proposal on the plot axes. Each error
names the function the person called (DESIGN.md section 3), not numpy or matplotlib deep inside
("'x' has size 5, but 'y1' has an unequal size of 3", "cannot reshape array of size 10")."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_real, fail, float_array
from ..views import AxisLevels, SurfaceGrid, SurrogatePrediction
from ._axes import check_axes
from ._checks import vector

__all__ = ["check_curve_axes", "check_curve_inputs", "check_map_axes", "check_map_inputs", "check_marks"]

FIELDS = ("mean", "std", "noise_std", "acquisition")


def _prediction(prediction: Any, m: int, owner: str, where: str) -> None:
    """A SurrogatePrediction whose arrays hold one number per point of the slice."""
    if not isinstance(prediction, SurrogatePrediction):
        raise fail("prediction", owner, "a SurrogatePrediction (view.predict(points))", prediction)
    for field in FIELDS:
        values = float_array(getattr(prediction, field), f"prediction.{field}", owner, f"{m} numbers")
        if values.shape != (m,):
            raise fail(f"prediction.{field}", owner, f"an array of shape ({m},), one value per point of {where}",
                       f"an array of shape {values.shape}", hint="Predict at the slice's own points.")
    for field in ("interval", "noisy_interval"):  # optional: lower and upper ends of a band
        given = getattr(prediction, field)
        if given is not None:
            values = float_array(given, f"prediction.{field}", owner, f"2 x {m} numbers")
            if values.shape != (2, m):
                raise fail(f"prediction.{field}", owner, f"None or an array of shape (2, {m}): lower and upper ends "
                           f"at each point of {where}", f"an array of shape {values.shape}")
    if prediction.centre not in ("mean", "median"):
        raise fail("prediction.centre", owner, "'mean' or 'median'", prediction.centre)


def _alpha(alpha: Any, n: int, owner: str) -> None:
    if alpha is not None:
        array = vector(alpha, "observed_alpha", owner, n, "the evaluated points")
        if not ((array >= 0) & (array <= 1)).all():
            raise fail("observed_alpha", owner, f"an array of shape ({n},) of opacities in [0, 1]", alpha)


def check_curve_inputs(axis: Any, prediction: Any, observed_x: Any, observed_y: Any, observed_alpha: Any,
                       proposal: Any, truth: Any, owner: str) -> None:
    """The inputs of a 1-D surrogate plot (see :meth:`SurrogateCurve.update`)."""
    if not isinstance(axis, AxisLevels):
        raise fail("axis", owner, "an AxisLevels (CurveGrid.axis, space.axis(name))", axis)
    m = len(axis.levels)
    _prediction(prediction, m, owner, f"the axis ({m} levels)")
    if (observed_x is None) != (observed_y is None):
        raise fail("observed_y" if observed_y is None else "observed_x", owner,
                   "given together with the other coordinate of the evaluated points", None)
    if observed_x is not None:
        n = len(vector(observed_x, "observed_x", owner))
        vector(observed_y, "observed_y", owner, n, "observed_x")
        _alpha(observed_alpha, n, owner)
    if proposal is not None:
        check_real(proposal, "proposal", owner)
    if truth is not None:
        vector(truth, "truth", owner, m, "the axis' levels")


def check_map_inputs(grid: Any, prediction: Any, observed: Any, observed_alpha: Any, proposal: Any,
                     owner: str) -> None:
    """The inputs of the 2-D surrogate maps (see :meth:`SurrogateMaps.update`)."""
    if not isinstance(grid, SurfaceGrid):
        raise fail("grid", owner, "a SurfaceGrid (space.slice2d(x, y))", grid)
    ny, nx = grid.shape
    _prediction(prediction, ny * nx, owner, f"the grid ({ny} x {nx} = {ny * nx}, row-major)")
    if observed is not None:
        points = float_array(observed, "observed", owner, "an array of shape (n, 2): (x, y) per point")
        if points.size and (points.ndim != 2 or points.shape[1] != 2):
            raise fail("observed", owner, "an array of shape (n, 2): (x, y) per point",
                       f"an array of shape {points.shape}")
        _alpha(observed_alpha, len(points.reshape(-1, 2)), owner)
    if proposal is not None:
        star = float_array(proposal, "proposal", owner, "None or (x, y) on the plot axes")
        if star.shape != (2,):
            raise fail("proposal", owner, "None or (x, y) on the plot axes", proposal)


def check_marks(manual: Any, n: int, failed: Any, columns: int, failed_alpha: Any, owner: str) -> None:
    """Which of the ``n`` evaluated points are a person's (``manual``: n booleans, or None) and the
    failed trials a model learnt from (``failed``: positions of shape (f, ``columns``) on the plot
    axes, or None; ``failed_alpha``: f opacities, or None) of a surrogate plot."""
    if manual is not None:
        mask = np.asarray(manual)
        if mask.shape != (n,) or mask.dtype != bool:
            raise fail("manual", owner, f"None or {n} booleans, one per evaluated point", manual)
    if failed is None:
        if failed_alpha is not None:
            raise fail("failed_alpha", owner, "None without failed points", failed_alpha)
        return
    rule = f"an array of shape (f, {columns}): the failed points on the plot axes"
    points = float_array(failed, "failed", owner, rule)
    if points.size and (points.ndim != 2 or points.shape[1] != columns):
        raise fail("failed", owner, rule, f"an array of shape {points.shape}")
    if failed_alpha is not None:
        array = vector(failed_alpha, "failed_alpha", owner, len(points.reshape(-1, columns)), "the failed points")
        if not ((array >= 0) & (array <= 1)).all():
            raise fail("failed_alpha", owner, "opacities in [0, 1]", failed_alpha)


def check_curve_axes(ax: Any, acquisition_ax: Any, owner: str) -> None:
    """Where a 1-D surrogate plot draws: None or Axes each, and no acquisition Axes without the curve's."""
    check_axes(ax, owner)
    check_axes(acquisition_ax, owner, "acquisition_ax")
    if ax is None and acquisition_ax is not None:
        raise fail("ax", owner, "an Axes when acquisition_ax is given (the curve goes above it)", ax)


def check_map_axes(axes: Any, owner: str) -> list[Any] | None:
    """Where the 2-D surrogate maps draw: None, or three Axes (mean, std, acquisition) as a list."""
    from matplotlib.axes import Axes

    if axes is None:
        return None
    flat = list(np.ravel(np.asarray(axes, dtype=object)))   # objects: a ragged list is no array of floats
    if len(flat) != 3 or not all(isinstance(ax, Axes) for ax in flat):
        raise fail("axes", owner, "None or three matplotlib Axes (mean, std, acquisition)", axes,
                   hint="A Figure holds Axes: pass fig.subplots(1, 3)." if hasattr(axes, "add_subplot") else None)
    return flat
