"""Draw a surrogate's belief: mean, uncertainty bands and acquisition, in 1-D and 2-D.

Functions take plain data (``interactive_hpo.views``) and optional Axes, return the Axes, and
never call ``plt.show()`` or change global style (DESIGN.md section 3).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._compat import set_colorbar_extend
from .._validation import check_bool
from ..direction import Direction
from ..views import AxisLevels, SurfaceGrid, SurrogatePrediction
from ._axes import drawn_entries, steady_ticks
from ._surrogate_checks import check_curve_axes, check_curve_inputs, check_map_axes, check_map_inputs
from .acquisition_display import acquisition_colours, displayed_acquisition, finite_limits
from .search_axes import drawn_levels, style_axis

__all__ = ["SurrogateCurve", "SurrogateMaps", "displayed_acquisition", "plot_surrogate_1d", "plot_surrogate_2d"]

#: Width of the uncertainty bands, in standard deviations (about 95% for a Gaussian).
BAND = 2.0


def compact_labels(values: Any) -> list[str]:
    """Tick labels for ``values`` of shape (k,) with just the decimals that tell neighbours
    apart, and no offset text (matplotlib's default prints ``1e-5+1.05e-1`` above a colorbar,
    where it collides with the title beside it; issue 25). Very large or small values go to
    scientific notation with as many significant digits as that takes.

    >>> compact_labels([0.105, 0.10501, 0.10502])
    ['0.10500', '0.10501', '0.10502']
    >>> compact_labels([40.0, 80.0, 120.0]), compact_labels([0.0, 0.25, 0.5])
    (['40', '80', '120'], ['0.00', '0.25', '0.50'])
    >>> compact_labels([2e-5, 4e-5])
    ['2e-05', '4e-05']
    """
    values = np.asarray(values, dtype=float)
    gaps = np.abs(np.diff(values))
    step = float(gaps[gaps > 0].min()) if np.any(gaps > 0) else 0.0
    scale = float(np.abs(values).max()) if values.size else 0.0
    if step == 0.0 or scale == 0.0:
        return [f"{v:.3g}" for v in values]
    if not 1e-3 <= scale < 1e6:
        digits = int(np.clip(np.ceil(np.log10(scale / step)) + 1, 1, 15))
        return [f"{v:.{digits}g}" for v in values]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))  # 1e-5 computed as 9.99999e-06
    while decimals < 15 and not math.isclose(round(step, decimals), step, rel_tol=1e-6):
        decimals += 1  # a step of 0.25 needs two decimals, not one
    return [f"{v:.{decimals}f}" for v in values]


def _compact_colorbar(colorbar: Any) -> None:
    """Three ticks at most, labelled by :func:`compact_labels`."""
    from matplotlib import ticker

    class Compact(ticker.Formatter):
        def format_ticks(self, values: Any) -> list[str]:
            return compact_labels(values)

        def __call__(self, x: float, pos: int | None = None) -> str:
            return compact_labels([x])[0]

    # At most three ticks: a map's colorbar is about 230 px long, and 1e-5 apart the labels are
    # six digits long (about 60 px each).
    colorbar.locator = ticker.MaxNLocator(2)
    colorbar.formatter = Compact()
    colorbar.ax.tick_params(labelsize="small")


def _point_colors(rgb: str, alpha: Any, n: int) -> np.ndarray:
    """RGBA rows of shape (n, 4): one colour, each point's own opacity (1 where not given)."""
    from matplotlib.colors import to_rgba

    colors = np.tile(to_rgba(rgb), (n, 1))
    if alpha is not None:
        colors[:, 3] = np.clip(np.asarray(alpha, dtype=float), 0.0, 1.0)
    return colors


def _points(values: Any, columns: int) -> np.ndarray:
    return np.empty((0, columns)) if values is None else np.asarray(values, dtype=float).reshape(-1, columns)


class SurrogateCurve:
    """The model along one parameter above, the acquisition below; built once, updated in place.

    The epistemic band (``mean +- 2 std``) is drawn dark, the band including observation noise
    (``+- 2 sqrt(std^2 + noise^2)``) light. :meth:`update` changes the artists' data and leaves
    redrawing to the caller (``fig.canvas.draw_idle()`` in a live app).

    Parameters
    ----------
    ax, acquisition_ax : matplotlib Axes, optional
        Where to draw; a new figure with two stacked Axes when both are None.
    legend_above : bool, default=False
        Put the legend in a row above ``ax`` (where a title would go), not inside it: the Lab's
        curve has no title, and inside, the legend covered the bands and the trials under it
        (wide bands leave ``loc="best"`` no free corner).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> from interactive_hpo.views import SurrogatePrediction
    >>> axis = SearchSpace([Float("x", 0, 1)]).axis("x", resolution=3)
    >>> belief = SurrogatePrediction(np.zeros(3), np.ones(3), np.zeros(3), np.arange(3.0), "ucb")
    >>> curve = SurrogateCurve().update(axis, belief, observed_x=[0.5], observed_y=[0.1])
    >>> curve.mean_line.get_ydata().tolist(), curve.points.get_offsets().tolist()
    ([0.0, 0.0, 0.0], [[0.5, 0.1]])
    """

    def __init__(self, ax: Any = None, acquisition_ax: Any = None, *, legend_above: bool = False):
        check_curve_axes(ax, acquisition_ax, "SurrogateCurve")
        self._legend_above = check_bool(legend_above, "legend_above", "SurrogateCurve")
        if ax is None and acquisition_ax is None:
            import matplotlib.pyplot as plt

            _, (ax, acquisition_ax) = plt.subplots(2, 1, sharex=True, figsize=(7, 5), height_ratios=(2, 1),
                                                 layout="constrained")
        self.ax, self.acquisition_ax = ax, acquisition_ax
        self.bands: list[Any] = []
        (self.mean_line,) = ax.plot([], [], color="C0", label="posterior mean")
        (self.truth_line,) = ax.plot([], [], color="gray", ls="--", label="true function")
        self.points = ax.scatter([], [], color="black", zorder=3, s=20, label="evaluated")
        self.markers = [target.axvline(np.nan, color="C3", ls=":", label="next proposal" if target is ax else None)
                        for target in (ax, acquisition_ax) if target is not None]
        self.acquisition_line = None if acquisition_ax is None else acquisition_ax.plot([], [], color="C2")[0]
        self._teaching: list[Any] = []  # sample paths and acquisition terms (show_teaching)
        self._terms_ax: Any = None
        ax.set_ylabel("objective")
        for target in (ax, acquisition_ax):
            if target is not None:
                steady_ticks(target.yaxis)

    def update(self, axis: AxisLevels, prediction: SurrogatePrediction, *, observed_x: Any = None,
               observed_y: Any = None, observed_alpha: Any = None, proposal: float | None = None,
               truth: Any = None) -> SurrogateCurve:
        """Show ``prediction`` over ``axis``.

        Parameters
        ----------
        axis : AxisLevels
            The m levels of the varying parameter (``CurveGrid.axis``).
        prediction : SurrogatePrediction
            The belief at those m points.
        observed_x, observed_y : array-like of shape (n,), optional
            Evaluated points, on the plot axis (see :func:`axis_positions`) and in objective units.
        observed_alpha : array-like of shape (n,), optional
            Opacity of each evaluated point (fade those far from the slice).
        proposal : float, optional
            The next point, on the plot axis.
        truth : array-like of shape (m,), optional
            The true objective at the levels, when it is known (a synthetic function).
        """
        check_curve_inputs(axis, prediction, observed_x, observed_y, observed_alpha, proposal, truth,
                           "SurrogateCurve.update")
        x = drawn_levels(axis)
        mean, std = prediction.mean, prediction.std
        total = np.sqrt(std**2 + prediction.noise_std**2)
        for band in self.bands:  # a band's outline changes shape: replace it
            band.remove()
        self.bands = [
            self.ax.fill_between(x, mean - BAND * total, mean + BAND * total, color="C0", alpha=0.15,
                                 label="+-2 sd incl. noise (aleatoric)"),
            self.ax.fill_between(x, mean - BAND * std, mean + BAND * std, color="C0", alpha=0.35,
                                 label="+-2 sd (epistemic)")]
        self.mean_line.set_data(x, mean)
        self.truth_line.set_data(x if truth is not None else [], truth if truth is not None else [])
        offsets = np.column_stack([_points(observed_x, 1), _points(observed_y, 1)])
        self.points.set_offsets(offsets)
        self.points.set_facecolors(_point_colors("black", observed_alpha, len(offsets)))
        self.points.set_edgecolors("none")
        for marker in self.markers:
            marker.set_xdata([np.nan if proposal is None else proposal] * 2)
        if self.acquisition_line is not None:
            self.acquisition_line.set_data(x, displayed_acquisition(prediction.acquisition_name,
                                                                    prediction.acquisition))
            self.acquisition_ax.set_ylabel(prediction.acquisition_name)
        for target in (self.ax, self.acquisition_ax):
            if target is not None:
                target.relim()
                target.autoscale_view()
        style_axis(self.acquisition_ax if self.acquisition_ax is not None else self.ax, axis, "x")
        self._legend()
        return self

    def _legend(self) -> None:
        """Name what is drawn: it listed a "true function" and a "next proposal" that were not
        there (the Lab passes no truth)."""
        where = dict(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False, borderaxespad=0.2) \
            if self._legend_above else dict(loc="best")
        self.ax.legend(*drawn_entries(self.ax), fontsize="small", **where)

    def show_teaching(self, axis: AxisLevels, terms: Any = None, posterior: Any = None, prior: Any = None) -> None:
        """Teaching overlays over the last :meth:`update`; each is hidden when None.

        Parameters
        ----------
        axis : AxisLevels
            The m levels of the curve.
        terms : AcquisitionTerms, optional
            Exploitation and exploration, drawn on a second y axis of the acquisition plot
            (in EI units for log-EI, whose log scale they do not share).
        posterior, prior : ndarray of shape (k, m), optional
            Sample functions from the posterior (thin blue) and from the prior (thin grey).
        """
        x = drawn_levels(axis)
        for line in self._teaching:
            line.remove()
        self._teaching = []
        for samples, colour, label in ((posterior, "C0", "posterior samples"), (prior, "0.55", "prior samples")):
            if samples is not None:
                for k, path in enumerate(np.atleast_2d(samples)):
                    self._teaching += self.ax.plot(x, path, color=colour, lw=0.7, alpha=0.7,
                                                   label=label if k == 0 else None)
        if terms is not None and self.acquisition_ax is not None:
            if self._terms_ax is None:
                self._terms_ax = self.acquisition_ax.twinx()
                steady_ticks(self._terms_ax.yaxis)
            self._terms_ax.set_visible(True)
            self._teaching += self._terms_ax.plot(x, terms.exploitation, color="C1", ls="--", label="exploitation")
            self._teaching += self._terms_ax.plot(x, terms.exploration, color="C4", ls=":", label="exploration")
            self._terms_ax.set_ylabel(f"{terms.of.upper()} terms", fontsize="small")
            self._terms_ax.relim()
            self._terms_ax.autoscale_view()
            self._terms_ax.legend(loc="upper right", fontsize="small")
        elif self._terms_ax is not None:
            self._terms_ax.set_visible(False)
        self.ax.relim()
        self.ax.autoscale_view()
        self._legend()


class SurrogateMaps:
    """Mean, epistemic std and acquisition as three heatmaps over a 2-D slice, updated in place.

    A log-scale acquisition's colours span the top :data:`~.acquisition_display.LOG_WINDOW`
    units (EI within a factor of 100 of its peak), lower values in the darkest colour, and its
    colour bar says so; the images keep the true values.

    Parameters
    ----------
    axes : sequence of three Axes, optional
        Where to draw; a new figure with three side-by-side Axes when None.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> from interactive_hpo.views import SurrogatePrediction
    >>> grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=4)
    >>> belief = SurrogatePrediction(np.arange(16.0), np.ones(16), np.zeros(16), np.zeros(16), "ei")
    >>> maps = SurrogateMaps().update(grid, belief)
    >>> maps.images[0].get_array().reshape(4, 4)[1].tolist()
    [4.0, 5.0, 6.0, 7.0]
    """

    TITLES = ("mean", "std (epistemic)")

    def __init__(self, axes: Any = None):
        self.axes = check_map_axes(axes, "SurrogateMaps")
        if self.axes is None:
            import matplotlib.pyplot as plt

            self.axes = list(plt.subplots(1, 3, figsize=(13, 3.6), sharex=True, sharey=True, layout="constrained")[1])
        self.images: list[Any] = []
        self.colorbars: list[Any] = []
        self._mesh_key: tuple | None = None
        self.points = [ax.scatter([], [], c="white", edgecolor="black", s=18, zorder=3) for ax in self.axes]
        # Unclipped: a proposal on a bound is drawn whole, not as half a star (issue 25).
        self.proposals = [ax.scatter([], [], marker="*", c="red", s=150, zorder=4, clip_on=False)
                          for ax in self.axes]

    def update(self, grid: SurfaceGrid, prediction: SurrogatePrediction, *, observed: Any = None,
               observed_alpha: Any = None, proposal: Any = None, direction: str | None = None) -> SurrogateMaps:
        """Show ``prediction`` over ``grid``.

        Parameters
        ----------
        grid : SurfaceGrid
            The slice, with (ny, nx) levels.
        prediction : SurrogatePrediction
            The belief at ``grid.points.reshape(-1, d)`` (ny * nx points, row-major).
        observed : array-like of shape (n, 2), optional
            Evaluated points on the plot axes (x, y), see :func:`axis_positions`.
        observed_alpha : array-like of shape (n,), optional
            Opacity of each evaluated point (fade those far from the slice).
        proposal : array-like of shape (2,), optional
            The next point on the plot axes.
        direction : {"minimize", "maximize"}, optional
            The study's: the mean is then bright where it is better (``viridis_r`` when
            minimizing), as the trials are on parallel coordinates, and its colour bar says which
            way is better. None: bright where high, unlabelled.
        """
        check_map_inputs(grid, prediction, observed, observed_alpha, proposal, "SurrogateMaps.update")
        better = None if direction is None else Direction.parse(direction, "direction", "SurrogateMaps.update")
        self._meshes(grid)
        # The images hold the true values (the readout under the mouse shows them); a log-scale
        # acquisition's colours span only its top units (plots.acquisition_display).
        colours = acquisition_colours(prediction.acquisition_name, prediction.acquisition)
        layers = [(prediction.mean, finite_limits(prediction.mean)), (prediction.std, finite_limits(prediction.std)),
                  (prediction.acquisition, (colours.low, colours.high))]
        set_colorbar_extend(self.colorbars[2], "min" if colours.clipped else "neither")
        self.colorbars[2].set_label(colours.label, fontsize="small")
        for image, colorbar, (values, limits) in zip(self.images, self.colorbars, layers, strict=True):
            with image.callbacks.blocked():  # each "changed" signal redraws the colorbar (~10 ms): once is enough
                image.set_array(np.asarray(values, dtype=float).reshape(grid.shape))
                image.set_clim(*limits)
            colorbar.update_normal(image)
        # Set at every update, None included: a study switched to None kept the last direction's map.
        minimize = better is Direction.MINIMIZE
        self.images[0].set_cmap("viridis_r" if minimize else "viridis")
        self.colorbars[0].set_label("" if better is None else f"{'lower' if minimize else 'higher'} is better (bright)",
                                    fontsize="small")
        observed = _points(observed, 2)
        for ax, points, star, title in zip(self.axes, self.points, self.proposals,
                                           (*self.TITLES, prediction.acquisition_name), strict=True):
            points.set_offsets(observed)
            points.set_facecolors(_point_colors("white", observed_alpha, len(observed)))
            points.set_edgecolors(_point_colors("black", observed_alpha, len(observed)))
            star.set_offsets(_points(proposal, 2))
            ax.set_title(title)
        return self

    def _meshes(self, grid: SurfaceGrid) -> None:
        """(Re)build the three meshes when the slice's axes change; keep them otherwise."""
        key = (grid.x_axis.name, grid.y_axis.name, grid.x_axis.levels, grid.y_axis.levels)
        if key == self._mesh_key:
            return
        x, y = drawn_levels(grid.x_axis), drawn_levels(grid.y_axis)
        blank = np.zeros(grid.shape)
        for image in self.images:
            image.remove()
        self.images = [ax.pcolormesh(x, y, blank, cmap=cmap, shading="nearest", zorder=1)
                       for ax, cmap in zip(self.axes, ("viridis", "magma", "cividis"), strict=True)]
        if not self.colorbars:  # below each map: three side by side leave each map more width
            self.colorbars = [ax.figure.colorbar(image, ax=ax, location="bottom", aspect=30, shrink=0.9, pad=0.1)
                              for ax, image in zip(self.axes, self.images, strict=True)]
            for colorbar in self.colorbars:
                _compact_colorbar(colorbar)
        for ax in self.axes:
            style_axis(ax, grid.x_axis, "x")
            ax.set_xlim(x[0] - _half_step(x, grid.x_axis), x[-1] + _half_step(x, grid.x_axis, last=True))
            if ax is not self.axes[0] and ax.get_shared_x_axes().joined(ax, self.axes[0]):
                # The same x as the first map: labelled there once, as sharey does for y, which
                # leaves each map of three in a notebook column about 20 px more width.
                ax.set_xlabel("")
                ax.tick_params(labelbottom=False)
        style_axis(self.axes[0], grid.y_axis, "y")
        y_axis = grid.y_axis
        self.axes[0].set_ylim(y[0] - _half_step(y, y_axis), y[-1] + _half_step(y, y_axis, last=True))
        self._mesh_key = key


def _half_step(levels: np.ndarray, axis: AxisLevels, last: bool = False) -> float:
    """Half a cell at either end, so "nearest" cells are fully visible (0 on log axes)."""
    if axis.scale == "log" or len(levels) < 2:
        return 0.0
    return float(levels[-1] - levels[-2] if last else levels[1] - levels[0]) / 2


def plot_surrogate_1d(axis: AxisLevels, prediction: SurrogatePrediction, *, observed_x: Any = None,
                      observed_y: Any = None, proposal: float | None = None, ax: Any = None,
                      acquisition_ax: Any = None, truth: Any = None) -> tuple[Any, Any]:
    """Draw :class:`SurrogateCurve` once; returns ``(ax, acquisition_ax)``."""
    check_curve_inputs(axis, prediction, observed_x, observed_y, None, proposal, truth, "plot_surrogate_1d")
    check_curve_axes(ax, acquisition_ax, "plot_surrogate_1d")
    curve = SurrogateCurve(ax, acquisition_ax).update(axis, prediction, observed_x=observed_x, observed_y=observed_y,
                                                      proposal=proposal, truth=truth)
    return curve.ax, curve.acquisition_ax


def plot_surrogate_2d(grid: SurfaceGrid, prediction: SurrogatePrediction, *, observed: Any = None,
                      proposal: Any = None, axes: Any = None, direction: str | None = None) -> list[Any]:
    """Draw :class:`SurrogateMaps` once (``direction``: see :meth:`SurrogateMaps.update`); returns its three Axes."""
    check_map_inputs(grid, prediction, observed, None, proposal, "plot_surrogate_2d")
    check_map_axes(axes, "plot_surrogate_2d")
    if direction is not None:
        Direction.parse(direction, "direction", "plot_surrogate_2d")
    return SurrogateMaps(axes).update(grid, prediction, observed=observed, proposal=proposal,
                                      direction=direction).axes


_MOVED_TO_SEARCH_AXES = ("axis_positions", "axis_to_unit", "style_axis")


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.search_axes", _MOVED_TO_SEARCH_AXES)
