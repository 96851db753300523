"""A log integer's axis on the surrogate maps and the population: its end values drawn whole,
cells that meet where a click changes value, whole-number ticks on a short axis, members at the
values their trials evaluate (asserted on artists and their pixels)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402

from interactive_hpo import Float, Int, SearchSpace  # noqa: E402
from interactive_hpo.plots import plot_surrogate_2d  # noqa: E402
from interactive_hpo.plots.population import PopulationPlot  # noqa: E402
from interactive_hpo.plots.search_axes import axis_span, axis_to_unit, cell_edges, value_positions  # noqa: E402
from interactive_hpo.views import PopulationSnapshot, SurrogatePrediction  # noqa: E402

SPACE = SearchSpace([Int("k", 1, 12, log=True), Float("lr", 1e-4, 1e-1, log=True)])
#: The labels of 1 to 1000 on a log axis: powers of ten.
DECADES = [f"$\\mathdefault{{10^{{{k}}}}}$" for k in range(4)]


def visible_labels(axis):
    """The texts of ``axis``'s major tick labels inside its view, after a draw."""
    axis.figure.canvas.draw()
    low, high = sorted(axis.get_view_interval())
    return [tick.label1.get_text() for tick in axis.get_major_ticks()
            if low <= tick.get_loc() <= high and tick.label1.get_text()]


def evaluates(axis, position):
    """The value a click at ``position`` on ``axis`` (of SPACE or another space's k or n) evaluates."""
    return SearchSpace([Int("v", int(axis.levels[0]), int(axis.levels[-1]), log=True)])["v"].from_unit(
        axis_to_unit(axis, position))


@pytest.mark.parametrize("resolution", [30, 7])
def test_no_cell_splits_a_value_and_each_holds_its_level(resolution):
    for axis in (SPACE.axis("k", resolution), SearchSpace([Int("n", 1, 1000, log=True)]).axis("n", resolution)):
        edges = cell_edges(axis)
        assert (edges[0], edges[-1]) == axis_span(axis)
        for i, level in enumerate(axis.levels):
            inside = [edges[i] * (1 + 1e-9), edges[i + 1] * (1 - 1e-9)]
            values = [evaluates(axis, p) for p in inside]
            if i > 0:   # a click just inside a cell's edge evaluates a value between its neighbours
                assert axis.levels[i - 1] < values[0] <= level
            if i < len(axis.levels) - 1:
                assert level <= values[1] < axis.levels[i + 1]
                assert evaluates(axis, edges[i + 1] * (1 + 1e-9)) == values[1] + 1   # the edge is a bin's


def test_the_maps_draw_a_log_integers_end_values_whole_in_cells_clicks_agree_with():
    grid = SPACE.slice2d("k", "lr", resolution=30)
    m = grid.shape[0] * grid.shape[1]
    prediction = SurrogatePrediction(np.arange(m, dtype=float), np.ones(m), np.zeros(m), np.zeros(m), "ei")
    axes = plot_surrogate_2d(grid, prediction, proposal=[1.0, 1e-2])
    mesh = next(c for c in axes[0].collections if isinstance(c, QuadMesh))
    xs, ys = mesh.get_coordinates()[0, :, 0], mesh.get_coordinates()[:, 0, 1]
    # The k = 1 and k = 12 cells were cut in half at the limits (1, 12); the population showed (0.5, 12.5).
    assert axes[0].get_xlim() == axis_span(grid.x_axis) == (0.5, 12.5)
    # Cells met at 1.5, 2.5 ... where a click at 1.53, in the cell of 2, evaluated 1.
    np.testing.assert_allclose(xs, cell_edges(grid.x_axis), rtol=1e-12)
    assert evaluates(grid.x_axis, 1.53) == 1 and xs[1] > 1.53
    # A log float's end cells whole too: half a step past the bounds in log space.
    step = np.log(grid.y_axis.levels[1] / grid.y_axis.levels[0])
    np.testing.assert_allclose(np.log(axes[0].get_ylim()), np.log([1e-4, 1e-1]) + [-step / 2, step / 2])
    np.testing.assert_allclose(ys[[0, -1]], axes[0].get_ylim())
    assert visible_labels(axes[0].xaxis) == ["1", "2", "3", "5", "10"]     # 1 and 10 only before
    plt.close("all")


def test_wider_log_axes_keep_their_decades():
    axes = plot_surrogate_2d(*prediction_over(SearchSpace([Int("n", 1, 1000, log=True), Float("b", 0, 1)])))
    assert visible_labels(axes[0].xaxis) == DECADES
    plt.close("all")


def prediction_over(space):
    grid = space.slice2d(*space.names, resolution=8)
    m = grid.shape[0] * grid.shape[1]
    return grid, SurrogatePrediction(np.zeros(m), np.ones(m), np.zeros(m), np.zeros(m), "ei")


def test_members_are_drawn_at_the_values_their_trials_evaluate():
    """CMA-ES's pending and unasked members are raw samples: a pending n = 6 was drawn at 6.18."""
    space = SearchSpace([Int("n", 1, 1000, log=True), Float("lr", 1e-4, 1e-1, log=True)])
    n = space["n"]
    raw = np.array([[n.to_unit(6) + 0.004, 0.3], [n.to_unit(70) + 0.001, 0.6], [n.to_unit(19) - 0.002, 0.5]])
    mean = np.array([n.to_unit(20) + 0.003, 0.5])
    snap = PopulationSnapshot(4, raw, np.array([1.0, np.nan, np.nan]),
                              np.array(["told", "pending", "unasked"], dtype=object), np.arange(3), ((), (0,), (0,)),
                              mean=mean, cov=np.eye(2) * 1e-3)
    plot = PopulationPlot().update(snap, space.axis("n"), space.axis("lr"), (0, 1), previous={})
    drawn = plot.members.get_offsets()
    assert drawn[:, 0].tolist() == [space.from_unit(x)["n"] for x in raw] == [6, 70, 19]
    np.testing.assert_allclose(drawn[:, 1], [space.from_unit(x)["lr"] for x in raw])   # floats where they are
    np.testing.assert_allclose(np.concatenate(plot.links.get_segments())[:, 0], [6, 70, 6, 19])  # links to them
    assert plot.mean_marker.get_xdata()[0] != pytest.approx(20, abs=0.01)   # the mean is not a trial
    assert value_positions(space.axis("n"), mean[:1]).tolist() == [20.0]
    plt.close("all")


def test_the_population_shades_a_log_integer_in_the_same_cells_and_ticks_whole_numbers():
    plot = PopulationPlot()
    grid = SPACE.slice2d("k", "lr", resolution=30)
    plot.set_landscape(grid, np.arange(float(grid.shape[0] * grid.shape[1])).reshape(grid.shape))
    snap = PopulationSnapshot(0, np.array([[0.5, 0.5]]), np.array([1.0]), np.array(["told"], dtype=object),
                              np.arange(1), ((),))
    plot.update(snap, grid.x_axis, grid.y_axis, (0, 1))
    np.testing.assert_allclose(plot.landscape.get_coordinates()[0, :, 0], cell_edges(grid.x_axis), rtol=1e-12)
    assert visible_labels(plot.ax.xaxis) == ["1", "2", "3", "5", "10"]
    plt.close("all")


@pytest.mark.parametrize(("low", "high", "labels"), [(1, 4, ["1", "2", "3", "4"]), (3, 12, ["3", "5", "10"]),
                                                     (1, 40, ["1", "2", "5", "10", "20"])])
def test_whole_number_labels_stay_clear_of_each_other_on_a_lab_sized_map(low, high, labels):
    """Every digit of 3 to 12 (3, 4, ... 10) overlapped up the maps' y axis, about 206 px high."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from interactive_hpo.plots.style import projector_style
    from interactive_hpo.plots.surrogate import SurrogateMaps

    with projector_style():
        fig = Figure(figsize=(8.1, 3.3), layout="constrained")
        FigureCanvasAgg(fig)
        maps = SurrogateMaps(fig.subplots(1, 3, sharex=True, sharey=True))
        maps.update(*prediction_over(SearchSpace([Float("b", 0, 1), Int("k", low, high, log=True)])))
        assert visible_labels(maps.axes[0].yaxis) == labels
        renderer = fig.canvas.get_renderer()
        boxes = [t.label1.get_window_extent(renderer) for t in maps.axes[0].yaxis.get_major_ticks()
                 if t.label1.get_text() in labels]
    assert all(below.y1 < above.y0 for below, above in zip(boxes, boxes[1:], strict=False))
