"""A surrogate's belief over a 2-D slice: mean, epistemic std and acquisition as three heatmaps.

Each map has a colour bar below it, built once. The meshes are rebuilt when the slice's axes
change (a mesh's cells cannot change shape) and each bar is then hooked to its map's new mesh, so
that it shows the mesh's colours, ticks and arrow, not the colours of a mesh no longer drawn.
Plain data in (``interactive_hpo.views``), Axes out (DESIGN.md section 3).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib import rcParams

from .._compat import set_colorbar_extend
from .._validation import check_bool, check_real
from ..direction import Direction
from ..views import SurfaceGrid, SurrogatePrediction
from ._axes import FAILED_MARKER, MANUAL_MARKER, markers_whole
from ._far_out import colour_limits
from ._surrogate_checks import check_map_axes, check_map_inputs, check_marks
from .acquisition_display import acquisition_colours, acquisition_title, finite_limits
from .search_axes import cell_edges, style_axis

__all__ = ["PLAIN_STD", "WARPED_STD", "SurrogateMaps", "compact_labels", "plot_surrogate_2d"]

#: The proposal star's size (area, points^2), its outline's width (points) and how far it reaches
#: past its centre (points): half its size plus its outline. A proposal on a map's top bound reaches
#: that far above the Axes.
PROPOSAL_SIZE = 150.0
PROPOSAL_EDGE = 2.0
PROPOSAL_REACH = math.sqrt(PROPOSAL_SIZE) / 2 + PROPOSAL_EDGE


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


def _labels_past_star(ax: Any) -> None:
    """Start the tick labels of ``ax`` beyond the reach of a proposal star on a bound, a point
    past it: a star in a corner sat on "0.0" and "10" (notebooks 12 and 13). The labels move
    about 2 points outwards, which costs each map as much."""
    for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
        for which, ticks in (("major", axis.get_major_ticks), ("minor", axis.get_minor_ticks)):
            tick = ticks(1)[0]   # how far its mark reaches out (by direction and size), and its label's pad
            pad = max(tick.get_pad(), PROPOSAL_REACH + 1.0 - tick.get_tick_padding())
            ax.tick_params(axis=name, which=which, pad=pad)


def _follow(colorbar: Any, mesh: Any) -> None:
    """Make ``colorbar`` the colour bar of ``mesh``, a new mesh of the same map, as
    ``Figure.colorbar`` hooks a bar to its mappable (checked with matplotlib 3.11.2).

    ``Colorbar.update_normal(mesh)`` alone draws the mesh's colours once but leaves the bar
    listening to the old mesh: a colour map set on the new one later never reached the bar (a
    minimized study's mean bar read bright = high after a change of pair until the next Step).
    The mesh takes the bar's norm: a new norm resets the bar's locator and formatter, which lost
    its compact ticks.
    """
    old = colorbar.mappable
    old.callbacks.disconnect(old.colorbar_cid)
    mesh.set_norm(colorbar.norm)
    mesh.colorbar = colorbar
    mesh.colorbar_cid = mesh.callbacks.connect("changed", colorbar.update_normal)
    colorbar.update_normal(mesh)


def point_colors(rgb: str, alpha: Any, n: int) -> np.ndarray:
    """RGBA rows of shape (n, 4): one colour, each point's own opacity (1 where not given)."""
    from matplotlib.colors import to_rgba

    colors = np.tile(to_rgba(rgb), (n, 1))
    if alpha is not None:
        colors[:, 3] = np.clip(np.asarray(alpha, dtype=float), 0.0, 1.0)
    return colors


def as_points(values: Any, columns: int) -> np.ndarray:
    """``values`` as rows of shape (n, ``columns``); none when None."""
    return np.empty((0, columns)) if values is None else np.asarray(values, dtype=float).reshape(-1, columns)


#: Under the std map of a GP fitted on warped values, drawn in the GP's units whatever the mean's.
#: In the objective's units its one-sd band went through the warp's inverse, steepest at the
#: worst values: the std peaked in a ring beside the worst trial and was dark far from every
#: trial (the SVM's map at 13 trials), the opposite of what epistemic uncertainty is.
#: Short: each colour bar's label stays under its own map, 230 px wide in the Lab (this one ran
#: under the next map's, 276 px at 100 dpi).
WARPED_STD = "warped units: small near trials"
#: Under the std map otherwise: the mean's and the acquisition's bars had labels, the std's none.
PLAIN_STD = "in the mean's units"


class SurrogateMaps:
    """Mean, epistemic std and acquisition as three heatmaps over a 2-D slice, updated in place.

    A log-scale acquisition's colours span the top :data:`~.acquisition_display.LOG_WINDOW`
    units (EI within a factor of 100 of its peak), lower values in the darkest colour, and its
    colour bar says so; the mean's leave out far-out bad values (a diverged or failing trial's
    basin), with an arrow on their side of its bar. The images keep the true values.

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

    #: The std map's title (the mean map's is the prediction's centre, the acquisition's its name).
    STD_TITLE = "std (epistemic)"
    #: The maps' colour maps (the mean's reversed when minimizing: bright is better).
    CMAPS = ("viridis", "magma", "cividis")

    def __init__(self, axes: Any = None):
        axes = check_map_axes(axes, "SurrogateMaps")
        if axes is None:
            import matplotlib.pyplot as plt

            axes = list(plt.subplots(1, 3, figsize=(13, 3.6), sharex=True, sharey=True, layout="constrained")[1])
        self.axes: list[Any] = axes
        self.images: list[Any] = []
        self.colorbars: list[Any] = []
        self._mesh_key: tuple | None = None
        self.points = [ax.scatter([], [], c="white", edgecolor="black", s=18, zorder=3) for ax in self.axes]
        # Yours as in the History tab (a click on a map, the Your trials tab): white dots, the
        # optimizer's look, hid the trial a person had just added (audit a377).
        self.manual = [ax.scatter([], [], s=110, zorder=3.5, **MANUAL_MARKER) for ax in self.axes]
        # Failed trials the model learnt from (a GP places them below the worst): its std map
        # was dark at places no mark explained.
        self.failed = [ax.scatter([], [], s=40, linewidths=1.5, zorder=3, **FAILED_MARKER) for ax in self.axes]
        # Hollow: the star points at the bright patch the acquisition proposes from, and a filled
        # one hid it (a review of notebook 03: at 12 trials the whole patch lay under it). Drawn
        # whole on a bound, not as half a star (issue 25), and hidden when zoomed out of view; the
        # titles sit higher to clear it (update).
        self.proposals = [ax.scatter([], [], marker="*", facecolors="none", edgecolors="red",
                                     linewidths=PROPOSAL_EDGE, s=PROPOSAL_SIZE, zorder=4) for ax in self.axes]
        markers = (*self.points, *self.manual, *self.failed, *self.proposals)
        markers_whole(*markers)  # trials on a bound too: whole dots, not halves
        for marker in markers:
            # Out of the layout: its clip box, the Axes grown by the star's reach on every side,
            # made constrained layout shrink each map by that reach (the Lab's maps to 232 px).
            marker.set_in_layout(False)
        for ax in self.axes:
            _labels_past_star(ax)

    def update(self, grid: SurfaceGrid, prediction: SurrogatePrediction, *, observed: Any = None,
               observed_alpha: Any = None, proposal: Any = None, direction: str | None = None,
               any_feasible: bool = True, warped_std: bool = False, manual: Any = None, failed: Any = None,
               failed_alpha: Any = None, proposal_alpha: float = 1.0) -> SurrogateMaps:
        """Show ``prediction`` over ``grid``.

        Parameters
        ----------
        grid : SurfaceGrid
            The slice, with (ny, nx) levels.
        prediction : SurrogatePrediction
            The belief at ``grid.points.reshape(-1, d)`` (ny * nx points, row-major); the first
            map is titled by its ``centre`` ("mean", or "median" under an output warp).
        observed : array-like of shape (n, 2), optional
            Evaluated points on the plot axes (x, y), see :func:`axis_positions`.
        observed_alpha : array-like of shape (n,), optional
            Opacity of each evaluated point (fade those far from the slice).
        proposal : array-like of shape (2,), optional
            The next point on the plot axes.
        direction : {"minimize", "maximize"}, optional
            The study's: the mean is then bright where it is better (``viridis_r`` when
            minimizing), as the trials are on parallel coordinates, and its colour bar says which
            way is better; far-out bad values (:func:`~interactive_hpo.plots._far_out.colour_limits`)
            share the worst colour, and the bar's arrow on that side says so. None: bright where
            high, unlabelled, every value in the colours.
        any_feasible : bool, default=True
            Whether a trial the model saw is known to meet its constraints: without one,
            constrained log-EI is titled as what it then is, the log probability of feasibility
            (:func:`~interactive_hpo.plots.acquisition_display.acquisition_title`), and its colour
            bar speaks of P(feasible).
        warped_std : bool, default=False
            Whether ``prediction.std`` is a GP's std in the warped units it was fitted in
            (``view.predict(points, std_units="model")`` of a GP with an output warp): its colour
            bar then says so (:data:`WARPED_STD`), else that the std is in the mean's units.
        manual : array-like of shape (n,), dtype bool, optional
            Which of ``observed`` are a person's trials: drawn as the History plot draws them
            (:data:`~interactive_hpo.plots._axes.MANUAL_MARKER`), not as dots.
        failed : array-like of shape (f, 2), optional
            Failed trials the model learnt from, on the plot axes: red crosses.
        failed_alpha : array-like of shape (f,), optional
            Their opacities (faded by their distance from the slice, as ``observed_alpha``).
        proposal_alpha : float, default=1.0
            The star's opacity: faded as a trial is when the proposal lies off the slice (another
            choice of a categorical fixed by the slice).
        """
        check_map_inputs(grid, prediction, observed, observed_alpha, proposal, "SurrogateMaps.update")
        check_marks(manual, len(as_points(observed, 2)), failed, 2, failed_alpha, "SurrogateMaps.update")
        proposal_alpha = check_real(proposal_alpha, "proposal_alpha", "SurrogateMaps.update", 0.0, 1.0)
        warped_std = check_bool(warped_std, "warped_std", "SurrogateMaps.update")
        better = None if direction is None else Direction.parse(direction, "direction", "SurrogateMaps.update")
        any_feasible = check_bool(any_feasible, "any_feasible", "SurrogateMaps.update")
        self._meshes(grid)
        # The images hold the true values (the readout under the mouse shows them); a log-scale
        # acquisition's colours span only its top units (plots.acquisition_display).
        colours = acquisition_colours(prediction.acquisition_name, prediction.acquisition, any_feasible)
        # Set at every update, None included: a study switched to None kept the last direction's map.
        minimize = better is Direction.MINIMIZE
        cmaps = ("viridis_r" if minimize else "viridis", *self.CMAPS[1:])
        # The mean's colours leave out far-out bad values (colour_limits): one trial at 0.2 among
        # 0.97-0.99 drew the whole good region of the SVM's map in one yellow.
        mean_low, mean_high, mean_extend = colour_limits(prediction.mean, None if better is None else minimize)
        layers = [(prediction.mean, (mean_low, mean_high)), (prediction.std, finite_limits(prediction.std)),
                  (prediction.acquisition, (colours.low, colours.high))]
        set_colorbar_extend(self.colorbars[0], mean_extend)
        set_colorbar_extend(self.colorbars[2], "min" if colours.clipped else "neither")
        self.colorbars[2].set_label(colours.label, fontsize="small")
        self.colorbars[1].set_label(WARPED_STD if warped_std else PLAIN_STD, fontsize="small")
        for image, colorbar, cmap, (values, limits) in zip(self.images, self.colorbars, cmaps, layers, strict=True):
            with image.callbacks.blocked():  # each "changed" signal redraws the colorbar (~10 ms): once is enough
                image.set_array(np.asarray(values, dtype=float).reshape(grid.shape))
                image.set_clim(*limits)
                image.set_cmap(cmap)
            colorbar.update_normal(image)
        self.colorbars[0].set_label("" if better is None else f"{'lower' if minimize else 'higher'} is better (bright)",
                                    fontsize="small")
        observed = as_points(observed, 2)
        alpha = np.ones(len(observed)) if observed_alpha is None else np.asarray(observed_alpha, dtype=float)
        yours = np.zeros(len(observed), dtype=bool) if manual is None else np.asarray(manual)
        failed = as_points(failed, 2)
        marks = [(self.points, observed[~yours], alpha[~yours], "white", "black"),
                 (self.manual, observed[yours], alpha[yours], MANUAL_MARKER["color"], MANUAL_MARKER["edgecolor"]),
                 (self.failed, failed, failed_alpha, FAILED_MARKER["color"], FAILED_MARKER["color"]),
                 (self.proposals, as_points(proposal, 2), [proposal_alpha] * (proposal is not None), "none", "red")]
        for layer, offsets, opacity, face, edge in marks:
            for artist in layer:
                artist.set_offsets(offsets)
                artist.set_facecolors("none" if face == "none" else point_colors(face, opacity, len(offsets)))
                artist.set_edgecolors(point_colors(edge, opacity, len(offsets)))
        # Under an output warp the map is the posterior median (SurrogatePrediction.centre), not its mean.
        titles = (prediction.centre, self.STD_TITLE, acquisition_title(prediction.acquisition_name, any_feasible))
        for ax, title in zip(self.axes, titles, strict=True):
            # As far above a star on the top bound as a title is above a bare Axes: with the usual
            # pad the star covered the title's lower half (gamma = 10 on the SVM's map).
            ax.set_title(title, pad=rcParams["axes.titlepad"] + PROPOSAL_REACH)
        return self

    def _meshes(self, grid: SurfaceGrid) -> None:
        """(Re)build the three meshes when the slice's axes change; keep them otherwise."""
        key = (grid.x_axis.name, grid.y_axis.name, grid.x_axis.levels, grid.y_axis.levels)
        if key == self._mesh_key:
            return
        # Cells with the edges where a click changes value (search_axes.cell_edges): "nearest"
        # drew a log integer's at linear midpoints, 1.5 where clicks go from 1 to 2 at 1.5616.
        x, y = cell_edges(grid.x_axis), cell_edges(grid.y_axis)
        blank = np.zeros(grid.shape)
        old, self.images = self.images, [ax.pcolormesh(x, y, blank, cmap=cmap, shading="flat", zorder=1)
                                         for ax, cmap in zip(self.axes, self.CMAPS, strict=True)]
        if not self.colorbars:  # below each map: three side by side leave each map more width
            self.colorbars = [ax.figure.colorbar(image, ax=ax, location="bottom", aspect=30, shrink=0.9, pad=0.1)
                              for ax, image in zip(self.axes, self.images, strict=True)]
            for colorbar in self.colorbars:
                _compact_colorbar(colorbar)
        for colorbar, image in zip(self.colorbars, self.images, strict=True):
            if colorbar.mappable is not image:
                _follow(colorbar, image)
        for image in old:
            image.remove()
        first = self.axes[0]
        for ax in self.axes:
            style_axis(ax, grid.x_axis, "x")
            ax.set_xlim(x[0], x[-1])  # every cell whole: a log axis cut the end cells (k = 1, 12) in half
            if ax is not first and ax.get_shared_x_axes().joined(ax, first):
                # The same x as the first map: labelled there once, as sharey does for y, which
                # leaves each map of three in a notebook column about 20 px more width.
                ax.set_xlabel("")
                ax.tick_params(labelbottom=False)
            # A y shared with the first map takes its scale, ticks and limits from it; Axes of
            # their own (plt.subplots(1, 3) without sharey) were left linear, unlabelled, with
            # a log gamma's 1e-4 to 10 ticked 0 to 12.
            if ax is first or not ax.get_shared_y_axes().joined(ax, first):
                style_axis(ax, grid.y_axis, "y")
                ax.set_ylim(y[0], y[-1])
        self._mesh_key = key


def plot_surrogate_2d(grid: SurfaceGrid, prediction: SurrogatePrediction, *, observed: Any = None,
                      proposal: Any = None, axes: Any = None, direction: str | None = None,
                      any_feasible: bool = True, warped_std: bool = False) -> list[Any]:
    """Draw :class:`SurrogateMaps` once (``direction``, ``any_feasible``, ``warped_std``: see
    :meth:`SurrogateMaps.update`); returns its three Axes."""
    check_map_inputs(grid, prediction, observed, None, proposal, "plot_surrogate_2d")
    check_map_axes(axes, "plot_surrogate_2d")
    if direction is not None:
        Direction.parse(direction, "direction", "plot_surrogate_2d")
    check_bool(any_feasible, "any_feasible", "plot_surrogate_2d")
    check_bool(warped_std, "warped_std", "plot_surrogate_2d")
    return SurrogateMaps(axes).update(grid, prediction, observed=observed, proposal=proposal,
                                      direction=direction, any_feasible=any_feasible, warped_std=warped_std).axes
