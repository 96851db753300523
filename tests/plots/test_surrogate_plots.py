"""Surrogate plots draw the data they are given (asserted on artists' data, not pixels)."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.plots.history import BestSoFarPlot  # noqa: E402
from interactive_hpo.plots.population import PopulationPlot  # noqa: E402
from interactive_hpo.plots.search_axes import axis_positions, axis_to_unit, cell_edges  # noqa: E402
from interactive_hpo.plots.surrogate import (  # noqa: E402
    SurrogateCurve,
    SurrogateMaps,
    plot_surrogate_1d,
    plot_surrogate_2d,
)
from interactive_hpo.plots.surrogate_maps import PLAIN_STD, WARPED_STD  # noqa: E402
from interactive_hpo.views import AcquisitionTerms, SurrogatePrediction  # noqa: E402

SPACE = SearchSpace([Float("C", 1e-2, 1e2, log=True), Categorical("kernel", ["rbf", "linear"])])


def fake_prediction(m):
    mean = np.linspace(0, 1, m)
    return SurrogatePrediction(mean=mean, std=np.full(m, 0.1), noise_std=np.full(m, 0.05),
                               acquisition=mean[::-1].copy(), acquisition_name="ucb")


def test_axis_positions_follow_the_axis_scale():
    curve = SPACE.slice1d("C", resolution=5)
    np.testing.assert_allclose(axis_positions(curve.axis, [0.0, 0.5, 1.0]), [1e-2, 1.0, 1e2])
    kernel = SPACE.slice1d("kernel").axis
    np.testing.assert_array_equal(axis_positions(kernel, [0.25, 0.75]), [0, 1])


def test_plot_1d_draws_mean_bands_points_and_acquisition():
    curve = SPACE.slice1d("C", resolution=50)
    prediction = fake_prediction(50)
    drawn = SurrogateCurve().update(curve.axis, prediction, observed_x=[0.1, 10.0], observed_y=[0.2, 0.8],
                                    proposal=1.0)
    np.testing.assert_allclose(drawn.mean_line.get_ydata(), prediction.mean)
    assert drawn.ax.get_xscale() == "log" and drawn.acquisition_ax.get_ylabel() == "ucb"
    np.testing.assert_allclose(drawn.acquisition_line.get_ydata(), prediction.acquisition)
    np.testing.assert_allclose(drawn.points.get_offsets(), [[0.1, 0.2], [10.0, 0.8]])
    assert len(drawn.bands) == 2 and all(m.get_xdata()[0] == 1.0 for m in drawn.markers)
    upper = drawn.bands[1].get_paths()[0].vertices[:, 1].max()  # epistemic band: mean + 2 std at most
    assert upper == pytest.approx(1.0 + 2 * 0.1)
    plt.close("all")


def test_plot_surrogate_1d_is_the_one_off_form_of_the_curve():
    ax, acq_ax = plot_surrogate_1d(SPACE.slice1d("C", resolution=5).axis, fake_prediction(5), proposal=1.0)
    assert ax.get_ylabel() == "objective" and acq_ax.get_ylabel() == "ucb"
    plt.close("all")


def test_curve_updates_its_artists_in_place():
    axis = SPACE.slice1d("C", resolution=5).axis
    drawn = SurrogateCurve().update(axis, fake_prediction(5), observed_x=[1.0], observed_y=[0.5], proposal=1.0)
    line, points, first_bands = drawn.mean_line, drawn.points, list(drawn.bands)
    later = SurrogatePrediction(mean=np.full(5, 3.0), std=np.ones(5), noise_std=np.zeros(5),
                                acquisition=np.zeros(5), acquisition_name="ei")
    drawn.update(axis, later, observed_x=[1.0, 2.0], observed_y=[0.5, 0.7], observed_alpha=[1.0, 0.2])
    assert drawn.mean_line is line and drawn.points is points
    np.testing.assert_allclose(line.get_ydata(), 3.0)
    assert all(band not in drawn.ax.collections for band in first_bands)  # replaced, not piled up
    np.testing.assert_allclose(points.get_facecolors()[:, 3], [1.0, 0.2])
    assert np.isnan(drawn.markers[0].get_xdata()[0])  # no proposal: the marker is hidden
    assert drawn.acquisition_ax.get_ylabel() == "ei" and drawn.ax.get_ylim()[1] > 3.0
    plt.close("all")


def legend_of(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_the_curve_legend_names_only_what_is_drawn_and_can_sit_above_the_data():
    axis = SPACE.slice1d("C", resolution=5).axis
    assert SurrogateCurve().update(axis, fake_prediction(5)).ax.get_legend()._loc == 0  # "best", inside
    drawn = SurrogateCurve(legend_above=True).update(axis, fake_prediction(5), observed_x=[1.0], observed_y=[0.5])
    assert "true function" not in legend_of(drawn.ax) and "next proposal" not in legend_of(drawn.ax)
    drawn.update(axis, fake_prediction(5), observed_x=[1.0], observed_y=[0.5], proposal=1.0, truth=np.zeros(5))
    assert {"true function", "next proposal", "evaluated", "posterior mean"} <= set(legend_of(drawn.ax))
    legend = drawn.ax.get_legend()
    assert legend.get_bbox_to_anchor().transformed(drawn.ax.transAxes.inverted()).y0 == pytest.approx(1.0)
    drawn.show_teaching(axis, posterior=np.zeros((2, 5)))
    assert legend_of(drawn.ax).count("posterior samples") == 1 and "true function" in legend_of(drawn.ax)


def test_axis_to_unit_inverts_axis_positions():
    for name in ("C", "kernel"):
        axis = SPACE.slice1d(name, resolution=7).axis
        for unit in (0.1, 0.3, 0.75, 0.95):
            position = float(axis_positions(axis, [unit])[0])
            back = axis_to_unit(axis, position)
            if name == "C":
                assert back == pytest.approx(unit)
            else:
                assert SPACE[name].from_unit(back) == SPACE[name].from_unit(unit)


def test_plot_2d_draws_three_images_over_the_slice():
    grid = SPACE.slice2d("C", "kernel", resolution=6)
    prediction = fake_prediction(grid.points.shape[0] * grid.points.shape[1])
    axes = plot_surrogate_2d(grid, prediction, observed=[[1.0, 0]], proposal=[10.0, 1])
    assert [ax.get_title() for ax in axes] == ["mean", "std (epistemic)", "ucb"]
    mesh = next(c for c in axes[0].collections if c.get_array() is not None and c.get_array().size > 1)
    np.testing.assert_allclose(mesh.get_array().reshape(grid.shape), prediction.mean.reshape(grid.shape))
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["rbf", "linear"]
    plt.close("all")


def test_maps_update_in_place_and_rebuild_only_for_a_new_pair():
    space = SearchSpace([Float("a", 0, 1), Float("b", 1e-3, 1, log=True), Categorical("k", ["x", "y", "z"])])
    grid = space.slice2d("a", "b", resolution=5)
    maps = SurrogateMaps().update(grid, fake_prediction(25), observed=[[0.5, 0.1]], proposal=[0.2, 0.01])
    images = list(maps.images)
    later = SurrogatePrediction(mean=np.arange(25.0), std=np.ones(25), noise_std=np.zeros(25),
                                acquisition=np.zeros(25), acquisition_name="ei")
    maps.update(grid, later, observed=[[0.5, 0.1], [0.7, 0.2]], observed_alpha=[1.0, 0.3])
    assert maps.images == images  # same meshes, new values and colour limits
    np.testing.assert_allclose(maps.images[0].get_array().reshape(5, 5)[-1], np.arange(20.0, 25.0))
    assert maps.images[0].get_clim() == (0.0, 24.0) and maps.axes[2].get_title() == "ei"
    np.testing.assert_allclose(maps.points[1].get_facecolors()[:, 3], [1.0, 0.3])
    assert len(maps.proposals[0].get_offsets()) == 0
    assert maps.axes[0].get_yscale() == "log"
    other = space.slice2d("a", "k", resolution=5)
    maps.update(other, fake_prediction(15))
    assert maps.images[0] is not images[0] and maps.images[0].get_array().size == 15
    assert maps.axes[0].get_yscale() == "linear"
    assert [t.get_text() for t in maps.axes[0].get_yticklabels()] == ["x", "y", "z"]
    plt.close("all")


@pytest.mark.parametrize(("direction", "cmap", "label"), [
    ("minimize", "viridis_r", "lower is better (bright)"), ("maximize", "viridis", "higher is better (bright)"),
    (None, "viridis", "")])
def test_the_mean_map_is_bright_where_it_is_better_and_says_so(direction, cmap, label):
    """Bright was high whatever the study's direction: bad when minimizing, where parallel
    coordinates make the best trials bright; and the colour bar did not say which way was better."""
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=4)
    maps = SurrogateMaps().update(grid, fake_prediction(16), direction=direction)
    assert maps.images[0].get_cmap().name == cmap and maps.colorbars[0].ax.get_xlabel() == label
    maps.update(grid, fake_prediction(16))  # None again: bright where high, unlabelled (it kept the last)
    assert maps.images[0].get_cmap().name == "viridis" and maps.colorbars[0].ax.get_xlabel() == ""
    with pytest.raises(InvalidParameterError, match="`direction` of plot_surrogate_2d must be one of"):
        plot_surrogate_2d(grid, fake_prediction(16), direction="lower")
    plt.close("all")


def test_the_std_map_s_colour_bar_says_its_units():
    """The mean's and the acquisition's bars had labels, the std's none (notebook 03, audit a368):
    a warped GP's std is drawn in its warped units, and only the Lab said so."""
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=4)
    maps = SurrogateMaps().update(grid, fake_prediction(16), warped_std=True)
    assert maps.colorbars[1].ax.get_xlabel() == WARPED_STD
    maps.update(grid, fake_prediction(16))  # not warped: the label follows, it is not kept
    assert maps.colorbars[1].ax.get_xlabel() == PLAIN_STD == "in the mean's units"
    axes = plot_surrogate_2d(grid, fake_prediction(16), warped_std=True)
    assert axes[1].figure.axes[4].get_xlabel() == WARPED_STD   # the three maps, then their bars
    with pytest.raises(InvalidParameterError, match="`warped_std` of plot_surrogate_2d must be"):
        plot_surrogate_2d(grid, fake_prediction(16), warped_std="yes")
    plt.close("all")


def test_each_colour_bar_follows_its_map_after_a_change_of_pair():
    """After a change of pair (new meshes) a minimized study's mean bar read purple = low,
    yellow = high while the map drew low bright, until the next Step; every bar lost its compact
    ticks (an offset text came back) and listened to a mesh no longer drawn."""
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])

    def belief(m):  # means 1e-5 apart (an offset text), and a log-EI clipped 4.6 units below its peak
        log_ei = np.r_[np.linspace(-4.0, -2.0, m - 2), [-1e5, -300.0]]
        return SurrogatePrediction(0.105 + np.linspace(0.0, 2e-5, m), np.linspace(0.1, 0.2, m), np.zeros(m), log_ei,
                                   "logei")

    maps = SurrogateMaps().update(space.slice2d("a", "b", resolution=4), belief(16), direction="minimize")
    first = list(maps.images)
    maps.update(space.slice2d("a", "c", resolution=5), belief(25), direction="minimize")
    assert all(new is not old for new, old in zip(maps.images, first, strict=True))  # new meshes
    mean_bar = maps.colorbars[0]
    assert mean_bar.cmap.name == "viridis_r" and mean_bar.ax.get_xlabel() == "lower is better (bright)"
    maps.axes[0].figure.canvas.draw()
    assert [t.get_text() for t in mean_bar.ax.get_xticklabels()][0].startswith("0.105")
    for image, colorbar in zip(maps.images, maps.colorbars, strict=True):
        assert colorbar.cmap.name == image.get_cmap().name and colorbar.norm.vmin == image.norm.vmin
        assert colorbar.ax.xaxis.get_offset_text().get_text() == ""  # compact ticks
        assert colorbar.mappable is image and image.colorbar is colorbar
    assert maps.colorbars[2].extend == "min" and maps.colorbars[2].ax.get_xlabel() == "darkest: EI < peak/100"
    maps.images[1].set_cmap("gray")  # a later change of a map's colours reaches its bar
    assert maps.colorbars[1].cmap.name == "gray"
    maps.colorbars[1].remove()  # hooked as matplotlib hooks a bar to its mappable: it can be removed


def test_the_acquisition_terms_legend_sits_above_the_acquisition_not_over_it():
    """Inside the acquisition plot's upper right corner it covered the curve's right end (in the
    Lab's 1-D model, where log-EI often peaks)."""
    axis = SPACE.slice1d("C", resolution=5).axis
    for above in (False, True):
        curve = SurrogateCurve(legend_above=above).update(axis, fake_prediction(5))
        curve.show_teaching(axis, terms=AcquisitionTerms(np.zeros(5), np.ones(5), "ei"))
        legend = curve._terms_ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["exploitation", "exploration"]
        curve.ax.figure.canvas.draw()
        assert legend.get_window_extent().y0 >= curve.acquisition_ax.get_window_extent().y1 - 1.0
        assert legend.get_window_extent().y1 <= curve.ax.get_window_extent().y0 + 1.0  # below the model above


def test_the_maps_y_label_stays_on_a_constrained_figure():
    """Branin's x1 in the Lab's 2-D model: the layout measured ticks for one axes height and drew
    wider ones for another, and the label "x1" landed left of the figure's edge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.1, 3.3), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.01, wspace=0.0)  # the Lab's model figure
    renderer = FigureCanvasAgg(fig).get_renderer()
    grid = SearchSpace([Float("x0", -5, 10), Float("x1", 0, 15)]).slice2d("x0", "x1", resolution=60)
    maps = SurrogateMaps(fig.subplots(1, 3, sharex=True, sharey=True)).update(grid, fake_prediction(3600))
    fig.draw_without_rendering()
    assert maps.axes[0].get_ylabel() == "x1"
    assert maps.axes[0].yaxis.label.get_window_extent(renderer).x0 >= 0.0


@pytest.mark.parametrize("y", ["gamma", "kernel"])
@pytest.mark.parametrize("share", [None, {}, {"sharey": True}, {"sharex": True}])
def test_every_map_has_the_y_axis_of_its_parameter_whether_or_not_the_axes_share_it(share, y):
    """Three Axes of plt.subplots(1, 3), y not shared: only the first map was styled; the others
    kept a linear axis ticked 0 to 12 for a log gamma of 1e-4 to 10, or 0 and 1 for a kernel's
    choices, and no label (a190 L1). Shared, the others take the first map's y and no label."""
    space = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["rbf", "poly", "linear"]),
                         Float("gamma", 1e-4, 10.0, log=True)])
    grid = space.slice2d("C", y, resolution=8)
    given = None if share is None else list(plt.subplots(1, 3, **share)[1])
    axes = plot_surrogate_2d(grid, fake_prediction(grid.points.shape[0] * grid.points.shape[1]), axes=given)
    shared = share is None or "sharey" in share
    edges = cell_edges(grid.y_axis)
    for k, ax in enumerate(axes):
        assert ax.get_yscale() == ("log" if y == "gamma" else "linear")
        assert ax.get_ylim() == pytest.approx((edges[0], edges[-1]))
        assert ax.get_ylabel() == (y if k == 0 or not shared else "")
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
        if y == "kernel" and (k == 0 or not shared):
            assert labels == ["rbf", "poly", "linear"]
        if shared and k:  # plt.subplots(sharey=True) labels the first map's ticks only
            assert not ax.yaxis.get_tick_params()["labelleft"]
    plt.close("all")


def test_a_proposal_on_the_top_bound_leaves_the_titles_clear():
    """The SVM's proposal at gamma = 10, its upper bound: the star, drawn whole over the edge,
    covered the lower half of each map's title (a teacher's review, the Lab's Model tab)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.1, 3.3), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.01, wspace=0.0)  # the Lab's model figure
    renderer = FigureCanvasAgg(fig).get_renderer()
    space = SearchSpace([Float("C", 1e-3, 1e3, log=True), Float("gamma", 1e-4, 10.0, log=True)])
    grid = space.slice2d("C", "gamma", resolution=20)
    maps = SurrogateMaps(fig.subplots(1, 3, sharex=True, sharey=True))
    maps.update(grid, fake_prediction(400), proposal=[0.3, 10.0], direction="maximize")
    fig.draw(renderer)
    for ax, star in zip(maps.axes, maps.proposals, strict=True):
        centre = ax.transData.transform(star.get_offsets())[0, 1]
        # Half a cell below the top edge, the top cell drawn whole (its value's cell was cut in half)
        top, below = ax.transData.transform([[1.0, cell_edges(grid.y_axis)[-1]], [1.0, grid.y_axis.levels[-2]]])[:, 1]
        assert centre < top == pytest.approx(ax.get_window_extent(renderer).y1, abs=1.0)
        assert top - centre == pytest.approx((centre - below) / 2, rel=1e-6)  # half a step in log space
        reach = star.get_paths()[0].vertices[:, 1].max() * star.get_transforms()[0][1, 1] \
            + star.get_linewidths()[0] * fig.dpi / 72 / 2   # its upper tip and edge, in pixels
        assert centre + reach < ax.title.get_window_extent(renderer).y0, ax.get_title()


def lab_maps(figsize=(7.6, 3.3)):
    """SurrogateMaps on a figure laid out as the Lab's Model tab (PANEL_INCHES wide), and its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.01, wspace=0.0)
    renderer = FigureCanvasAgg(fig).get_renderer()
    return SurrogateMaps(fig.subplots(1, 3, sharex=True, sharey=True)), renderer


def star_box(star, renderer, margin=0.0):
    """The pixels a proposal star covers, its outline included, grown by ``margin`` points."""
    from matplotlib.transforms import Bbox

    centre = star.axes.transData.transform(star.get_offsets())[0]
    tips = star.get_paths()[0].vertices * np.diag(star.get_transforms()[0])[:2]
    grow = (star.get_linewidths()[0] / 2 + margin) * renderer.dpi / 72
    return Bbox([centre + tips.min(axis=0) - grow, centre + tips.max(axis=0) + grow])


@pytest.mark.parametrize("corner", [(10.0, 0.0), (0.0, 0.0), (0.0, 1.0)])
def test_a_proposal_in_a_corner_leaves_the_tick_labels_clear(corner):
    """Notebook 12's star at (10, 0) touched the tick label "10", notebook 13's at (0, 0) "0.0" and
    "0.00": drawn whole, a star on a bound reaches past the Axes as far as the tick labels began.
    At least 2.5 points between their boxes on the Lab's maps (60 cells a side): there were 1.5 to 2.1."""
    maps, renderer = lab_maps()
    space = SearchSpace([Float("x0", 0.0, 10.0), Float("x1", 0.0, 1.0)])
    maps.update(space.slice2d("x0", "x1", resolution=60), fake_prediction(3600), proposal=corner)
    maps.axes[0].figure.draw(renderer)
    for ax, star in zip(maps.axes, maps.proposals, strict=True):
        box = star_box(star, renderer, margin=2.5)
        labels = [label for axis in (ax.xaxis, ax.yaxis) for label in axis.get_ticklabels(which="both")
                  if label.get_visible() and label.get_text()]
        covered = [label.get_text() for label in labels if box.overlaps(label.get_window_extent(renderer))]
        assert covered == [], f"the star at {corner} covers the tick labels {covered}"
    plt.close("all")


def test_the_proposal_star_is_hollow_and_whole_on_a_bound():
    """Notebook 03 at 12 trials: a filled star hid the bright patch of log-EI it pointed at. Hollow,
    the map shows through it; on the bottom bound it is drawn whole, and zoomed out of view it is
    hidden (clipped to the Axes grown by its half-size, not unclipped)."""
    from ..figure_layout import assert_markers_whole

    grid = SPACE.slice2d("C", "kernel", resolution=5)
    stars = SurrogateMaps().update(grid, fake_prediction(10), proposal=[1e-2, 0]).proposals   # C's lower bound
    assert stars[0].get_offsets().tolist() == [[1e-2, 0.0]]
    for star in stars:
        assert star.get_facecolors().size == 0 and star.get_edgecolors()[0].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert_markers_whole(*stars)
    assert all(star.get_clip_on() for star in stars)   # clipped to the grown Axes: out of view, out of sight
    plt.close("all")


def test_trials_on_a_bound_are_whole_dots_on_the_curve_and_the_maps():
    """Notebook 03: a trial on a bound of the space sits on the Axes' edge, and its dot was cut in
    half there (the model's curve and maps; the proposal star was already whole)."""
    from ..figure_layout import assert_markers_whole

    curve = SurrogateCurve().update(SPACE.slice1d("C", resolution=5).axis, fake_prediction(5),
                                    observed_x=[1e-2, 1e2], observed_y=[0.2, 0.8])
    maps = SurrogateMaps().update(SPACE.slice2d("C", "kernel", resolution=5), fake_prediction(10),
                                  observed=[[1e-2, 0], [1e2, 1]])
    assert_markers_whole(curve.points, *maps.points)
    assert not curve.points.get_in_layout() and not any(dots.get_in_layout() for dots in maps.points)
    plt.close("all")


def test_plots_never_change_global_style():
    before = dict(matplotlib.rcParams)
    plot_surrogate_1d(SPACE.slice1d("C", resolution=5).axis, fake_prediction(5))
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


@pytest.mark.parametrize("build, message", [
    (lambda: SurrogateCurve(ax="x"), "`ax` of SurrogateCurve must be None or a matplotlib Axes"),
    (lambda: SurrogateCurve(legend_above="yes"), "`legend_above` of SurrogateCurve must be a bool; got 'yes'."),
    (lambda: SurrogateCurve(acquisition_ax=plt.figure()), "`acquisition_ax` of SurrogateCurve must be None or"),
    (lambda: SurrogateCurve(acquisition_ax=plt.figure().add_subplot()),
     "`ax` of SurrogateCurve must be an Axes when acquisition_ax is given (the curve goes above it); got None."),
    (lambda: SurrogateMaps(axes=["a", "b", "c"]), "`axes` of SurrogateMaps must be None or three matplotlib Axes "
                                                  "(mean, std, acquisition); got ['a', 'b', 'c']."),
    (lambda: SurrogateMaps(axes=plt.figure()), "A Figure holds Axes: pass fig.subplots(1, 3)."),
    (lambda: BestSoFarPlot(ax="x"), "`ax` of BestSoFarPlot must be None or a matplotlib Axes"),
    (lambda: PopulationPlot(ax=3), "`ax` of PopulationPlot must be None or a matplotlib Axes"),
])
def test_the_live_plots_refuse_what_is_not_axes_before_drawing(build, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        build()


# Fuzz round 4: each of these failed inside numpy or matplotlib ("'x' has size 5, but 'y1' has an
# unequal size of 3", "cannot reshape array of size 10 into shape (4,4)", "zip() argument 2 is
# longer", a ConversionError for a str proposal) or drew a flat pair as one point.
AXIS = SPACE.axis("C", resolution=5)
GRID = SPACE.slice2d("C", "kernel", resolution=4)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(3)),
     "`prediction.mean` of plot_surrogate_1d must be an array of shape (5,), one value per point of the axis "
     "(5 levels); got 'an array of shape (3,)'. Predict at the slice's own points."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), observed_x=[0.1, 0.2, 0.3], observed_y=[1, 2]),
     "`observed_y` of plot_surrogate_1d must be a 1-D array of length 3 (as observed_x); got 'length 2'."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), observed_x=[0.1]),
     "`observed_y` of plot_surrogate_1d must be given together with the other coordinate of the evaluated "
     "points; got None."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), observed_x=["a"], observed_y=[1]), "got ['a']."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), truth=[1, 2]),
     "`truth` of plot_surrogate_1d must be a 1-D array of length 5 (as the axis' levels); got 'length 2'."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), proposal="x"), "`proposal` of plot_surrogate_1d must be "
                                                                        "a finite real number"),
    (lambda: plot_surrogate_1d([0, 1], fake_prediction(5)), "`axis` of plot_surrogate_1d must be an AxisLevels"),
    (lambda: plot_surrogate_1d(AXIS, [1, 2]), "`prediction` of plot_surrogate_1d must be a SurrogatePrediction"),
    (lambda: SurrogateCurve().update(AXIS, fake_prediction(5), observed_x=[0.1], observed_y=[1],
                                     observed_alpha=[0.5, 0.5]), "`observed_alpha` of SurrogateCurve.update"),
    (lambda: plot_surrogate_2d(GRID, fake_prediction(10)),
     "`prediction.mean` of plot_surrogate_2d must be an array of shape (8,), one value per point of the grid "
     "(2 x 4 = 8, row-major); got 'an array of shape (10,)'."),
    (lambda: plot_surrogate_2d(GRID, fake_prediction(8), observed=[1.0, 0.0]),
     "`observed` of plot_surrogate_2d must be an array of shape (n, 2): (x, y) per point; got 'an array of "
     "shape (2,)'."),
    (lambda: plot_surrogate_2d(GRID, fake_prediction(8), proposal=[1.0, 0.0, 2.0]),
     "`proposal` of plot_surrogate_2d must be None or (x, y) on the plot axes; got [1.0, 0.0, 2.0]."),
    # Fuzz round 5: the one-off plots named the class they draw with, and the search-axis helpers
    # failed inside (AttributeError: 'str' object has no attribute 'scale', float() of a str).
    (lambda: plot_surrogate_2d(GRID, fake_prediction(8), axes=[plt.figure().add_subplot()]),
     "`axes` of plot_surrogate_2d must be None or three matplotlib Axes (mean, std, acquisition)"),
    (lambda: plot_surrogate_2d(GRID, fake_prediction(8), axes=[[], [0.0]]),  # numpy: "inhomogeneous shape"
     "`axes` of plot_surrogate_2d must be None or three matplotlib Axes (mean, std, acquisition); got [[], [0.0]]."),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), ax="x"), "`ax` of plot_surrogate_1d must be None or a "
                                                                  "matplotlib Axes"),
    (lambda: plot_surrogate_1d(AXIS, fake_prediction(5), acquisition_ax=plt.figure().add_subplot()),
     "`ax` of plot_surrogate_1d must be an Axes when acquisition_ax is given"),
    (lambda: axis_positions("C", [0.5]), "`axis` of axis_positions must be an AxisLevels (space.axis(name)); got 'C'."),
    (lambda: axis_positions(AXIS, ["a"]), "`unit` of axis_positions must be unit-cube coordinates: an array of "
                                          "numbers; got ['a']."),
    (lambda: axis_to_unit(None, 1.0), "`axis` of axis_to_unit must be an AxisLevels"),
    (lambda: axis_to_unit(AXIS, "1"), "`position` of axis_to_unit must be a finite real number"),
    (lambda: axis_to_unit(AXIS, float("nan")), "`position` of axis_to_unit must be a finite real number"),
    (lambda: SurrogateMaps().update(AXIS, fake_prediction(8)), "`grid` of SurrogateMaps.update must be a "
                                                               "SurfaceGrid"),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(("direction", "sign", "extend"), [("maximize", 1.0, "min"), ("minimize", -1.0, "max")])
def test_a_far_out_bad_basin_leaves_the_mean_s_colours_to_the_good_region(direction, sign, extend):
    """The tour's SVM map: one trial at 0.2 set the mean's colours from 0.21 to 0.99, and the
    region of 0.97-0.99 was one yellow. The basin of the bad trial shares the worst colour now,
    and the arrow on that side of the bar says so; the image keeps the true values."""
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=20)
    good = np.linspace(0.95, 0.99, 400)
    mean = good.copy()
    mean[:12] = np.linspace(0.2, 0.8, 12)  # a dip by the worst trial: 3% of the map
    belief = SurrogatePrediction(sign * mean, np.ones(400), np.zeros(400), np.zeros(400), "ucb")
    maps = SurrogateMaps().update(grid, belief, direction=direction)
    low, high = sorted((sign * good[12], sign * good[-1]))
    assert (maps.images[0].norm.vmin, maps.images[0].norm.vmax) == pytest.approx((low, high))
    assert maps.colorbars[0].extend == extend and maps.colorbars[0].norm.vmin == maps.images[0].norm.vmin
    np.testing.assert_allclose(maps.images[0].get_array().ravel(), sign * mean)  # the readout: true values
    maps.update(grid, belief)  # no direction, no bad side: every value in the colours, no arrow
    assert maps.images[0].get_clim() == pytest.approx(sorted((sign * 0.2, sign * 0.99)))
    assert maps.colorbars[0].extend == "neither"
    plt.close("all")
