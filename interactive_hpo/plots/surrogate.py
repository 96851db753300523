"""Draw a surrogate's belief: mean, uncertainty bands and acquisition, in 1-D and 2-D.

Functions take plain data (``interactive_hpo.views``) and optional Axes, return the Axes, and
never call ``plt.show()`` or change global style (DESIGN.md section 3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..views import AxisLevels, SurfaceGrid, SurrogatePrediction

__all__ = ["axis_positions", "displayed_acquisition", "plot_surrogate_1d", "plot_surrogate_2d"]

#: Width of the uncertainty bands, in standard deviations (about 95% for a Gaussian).
BAND = 2.0
#: Log-EI plunges to about -1e5 at evaluated points; below max - LOG_FLOOR (a factor e^-20) the
#: improvement is nil for any purpose, so plots clip there instead of squashing the curve.
LOG_FLOOR = 20.0


def displayed_acquisition(name: str, values: Any) -> np.ndarray:
    """Acquisition values as drawn: log-EI clipped ``LOG_FLOOR`` below its maximum, others as is."""
    values = np.asarray(values, dtype=float)
    if name == "logei" and values.size:
        return np.maximum(values, values.max() - LOG_FLOOR)
    return values


def axis_positions(axis: AxisLevels, unit: Any) -> np.ndarray:
    """Where unit-cube coordinates of shape (n,) fall on a plot axis of ``axis``.

    Numbers map to their value (interpolated between levels, in log space for log axes);
    categoricals map to the index of their choice, which is how the axis is drawn.
    """
    unit = np.asarray(unit, dtype=float)
    if axis.scale == "categorical":
        return np.floor(unit * len(axis.levels)).clip(0, len(axis.levels) - 1)
    levels = np.asarray(axis.levels, dtype=float)
    if axis.scale == "log":
        return np.exp(np.interp(unit, axis.unit, np.log(levels)))
    return np.interp(unit, axis.unit, levels)


def _levels(axis: AxisLevels) -> np.ndarray:
    if axis.scale == "categorical":
        return np.arange(len(axis.levels), dtype=float)
    return np.asarray(axis.levels, dtype=float)


def _style_axis(ax: Any, axis: AxisLevels, which: str) -> None:
    set_label, set_scale = (ax.set_xlabel, ax.set_xscale) if which == "x" else (ax.set_ylabel, ax.set_yscale)
    set_label(axis.name)
    if axis.scale == "log":
        set_scale("log")
    elif axis.scale == "categorical":
        ticks = ax.set_xticks if which == "x" else ax.set_yticks
        ticks(np.arange(len(axis.levels)), [str(v) for v in axis.levels])


def plot_surrogate_1d(axis: AxisLevels, prediction: SurrogatePrediction, *, observed_x: Any = None,
                      observed_y: Any = None, proposal: float | None = None, ax: Any = None,
                      acquisition_ax: Any = None, truth: Any = None) -> tuple[Any, Any]:
    """The model along one parameter above, the acquisition below.

    Parameters
    ----------
    axis : AxisLevels
        The m levels of the varying parameter (``CurveGrid.axis``).
    prediction : SurrogatePrediction
        The belief at those m points.
    observed_x, observed_y : array-like of shape (n,), optional
        Evaluated points, on the plot axis (see :func:`axis_positions`) and in objective units.
    proposal : float, optional
        The next point, on the plot axis.
    ax, acquisition_ax : matplotlib Axes, optional
        Where to draw; a new figure with two stacked Axes when both are None.
    truth : array-like of shape (m,), optional
        The true objective at the levels, when it is known (a synthetic function).

    Returns
    -------
    (ax, acquisition_ax)
        The epistemic band (``mean +- 2 std``) is drawn dark, the band including observation
        noise (``+- 2 sqrt(std^2 + noise^2)``) light.
    """
    if ax is None and acquisition_ax is None:
        import matplotlib.pyplot as plt

        fig, (ax, acquisition_ax) = plt.subplots(2, 1, sharex=True, figsize=(7, 5), height_ratios=(2, 1))
    x = _levels(axis)
    mean, std = prediction.mean, prediction.std
    total = np.sqrt(std**2 + prediction.noise_std**2)
    ax.fill_between(x, mean - BAND * total, mean + BAND * total, color="C0", alpha=0.15,
                    label="+-2 sd incl. noise (aleatoric)")
    ax.fill_between(x, mean - BAND * std, mean + BAND * std, color="C0", alpha=0.35, label="+-2 sd (epistemic)")
    ax.plot(x, mean, color="C0", label="posterior mean")
    if truth is not None:
        ax.plot(x, truth, color="gray", ls="--", label="true function")
    if observed_x is not None:
        ax.scatter(observed_x, observed_y, color="black", zorder=3, s=20, label="evaluated")
    if acquisition_ax is not None:
        acquisition_ax.plot(x, displayed_acquisition(prediction.acquisition_name, prediction.acquisition), color="C2")
        acquisition_ax.set_ylabel(prediction.acquisition_name)
    for target in (ax, acquisition_ax):
        if target is not None and proposal is not None:
            target.axvline(proposal, color="C3", ls=":", label="next proposal" if target is ax else None)
    ax.set_ylabel("objective")
    ax.legend(loc="best", fontsize="small")
    _style_axis(acquisition_ax if acquisition_ax is not None else ax, axis, "x")
    return ax, acquisition_ax


def plot_surrogate_2d(grid: SurfaceGrid, prediction: SurrogatePrediction, *, observed: Any = None,
                      proposal: Any = None, axes: Any = None) -> Any:
    """Mean, epistemic std and acquisition as three heatmaps over a 2-D slice.

    Parameters
    ----------
    grid : SurfaceGrid
        The slice, with (ny, nx) levels.
    prediction : SurrogatePrediction
        The belief at ``grid.points.reshape(-1, d)`` (ny * nx points, row-major).
    observed : array-like of shape (n, 2), optional
        Evaluated points on the plot axes (x, y), see :func:`axis_positions`.
    proposal : array-like of shape (2,), optional
        The next point on the plot axes.
    axes : sequence of three Axes, optional

    Returns
    -------
    list of three Axes
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
    x, y = _levels(grid.x_axis), _levels(grid.y_axis)
    layers = [("mean", prediction.mean, "viridis"), ("std (epistemic)", prediction.std, "magma"),
              (prediction.acquisition_name,
               displayed_acquisition(prediction.acquisition_name, prediction.acquisition), "cividis")]
    for ax, (title, values, cmap) in zip(axes, layers, strict=True):
        image = ax.pcolormesh(x, y, np.asarray(values).reshape(grid.shape), cmap=cmap, shading="nearest")
        ax.figure.colorbar(image, ax=ax)
        if observed is not None and len(observed):
            ax.scatter(*np.asarray(observed, dtype=float).T, c="white", edgecolor="black", s=18)
        if proposal is not None:
            ax.scatter(*np.asarray(proposal, dtype=float), marker="*", c="red", s=150)
        ax.set_title(title)
        _style_axis(ax, grid.x_axis, "x")
    _style_axis(axes[0], grid.y_axis, "y")
    return list(axes)
