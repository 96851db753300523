"""History plots draw the data they are given and update their artists in place (data, not pixels)."""

from __future__ import annotations

import dataclasses
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.plots.history import (  # noqa: E402
    BestSoFarPlot,
    ParallelCoordinatesPlot,
    axis_ticks,
    best_so_far_info,
    parallel_coordinates_info,
    plot_best_so_far,
    plot_parallel_coordinates,
)

from ..figure_layout import assert_clean_layout, assert_integer_ticks, assert_markers_whole  # noqa: E402

SPACE = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Int("layers", 1, 8), Float("momentum", 0, 1),
                     Categorical("act", ["relu", "tanh", "gelu"])])
MANUAL = {"lr": 1e-2, "layers": 3, "momentum": 0.25, "act": "gelu"}


def objective(params):
    if params["momentum"] > 0.85:
        raise RuntimeError("diverged")
    return (np.log10(params["lr"]) + 2) ** 2 + params["momentum"] + 0.1 * params["layers"]


def make_study(direction="minimize", n_trials=12, seed=0):
    """Random trials (some FAILED), one manual trial, one PRUNED trial and one still RUNNING."""
    study = Study(SPACE, "random", direction=direction, seed=seed)
    study.run(objective, n_trials=n_trials)
    study.add_manual(MANUAL, -1.0 if direction == "minimize" else 10.0)
    study.tell(study.ask(), state="PRUNED")
    study.ask()
    return study


def axes_levels(space=SPACE):
    return [space.slice1d(name).axis for name in space.names]


def test_best_so_far_info_splits_trials_into_layers():
    study = make_study()
    history = study.history()
    info = best_so_far_info(history)
    trials = study.trials
    complete = [t for t in trials if t.state.value == "COMPLETE"]
    assert sorted(info.points[:, 0].tolist() + info.manual[:, 0].tolist()) == [t.number for t in complete]
    np.testing.assert_allclose(info.manual, [[12, -1.0]])
    by_number = {t.number: t.value for t in complete}
    np.testing.assert_allclose(info.points[:, 1], [by_number[int(n)] for n in info.points[:, 0]])
    assert info.failed.tolist() == [t.number for t in trials if t.state.value == "FAILED"]
    assert len(info.failed) > 0
    assert info.pruned.tolist() == [13]
    # The best line starts at the first completed trial and runs to the last (running) one.
    first = min(by_number)
    np.testing.assert_array_equal(info.best[:, 0], np.arange(first, len(trials)))
    np.testing.assert_allclose(info.best[:, 1], np.fmin.accumulate(history.values[first:]))
    assert info.best[-1, 1] == -1.0 == study.best_value
    assert info.ylim[0] < -1.0 and info.ylim[1] > max(by_number.values())
    assert info.xlim == (-0.5, len(trials) - 0.5)


def test_best_so_far_plot_draws_the_info():
    history = make_study().history()
    plot = BestSoFarPlot().update(history)
    info = plot.info
    np.testing.assert_allclose(plot.points.get_offsets(), info.points)
    np.testing.assert_allclose(plot.manual.get_offsets(), info.manual)
    np.testing.assert_allclose(plot.best.get_xdata(), info.best[:, 0])
    np.testing.assert_allclose(plot.best.get_ydata(), info.best[:, 1])
    assert plot.best.get_drawstyle() == "steps-post"
    np.testing.assert_allclose(plot.failed.get_offsets()[:, 0], info.failed)
    np.testing.assert_allclose(plot.pruned.get_offsets()[:, 0], [13])
    # Trials without a value sit on the bottom edge in Axes units, whatever the values are.
    assert plot.failed.get_offset_transform() == plot.ax.get_xaxis_transform()
    assert plot.ax.get_xlim() == info.xlim and plot.ax.get_ylim()[0] == info.ylim[0]
    assert plot.ax.get_ylim()[1] > info.ylim[1]  # a band above the values holds the legend
    labels = plot.ax.get_legend_handles_labels()[1]
    assert {"trial", "manual trial", "best so far", "failed", "pruned"} <= set(labels)
    star, dot = plot.manual.get_paths()[0].vertices, plot.points.get_paths()[0].vertices
    assert star.shape != dot.shape or not np.allclose(star, dot)  # a different marker
    assert "lower is better" in plot.ax.get_ylabel()


def test_the_last_trial_s_markers_are_drawn_whole_on_the_right_edge():
    # Half a trial from the Axes' edge, a manual star at the last trial was cut in half in the Lab (a201).
    study = make_study(n_trials=40)
    study.add_manual(MANUAL, 0.5)
    plot = BestSoFarPlot().update(study.history())
    last = study.trials[-1].number
    assert plot.info.manual[-1, 0] == last and plot.ax.get_xlim() == (-0.5, last + 0.5)   # the axes' meaning kept
    assert_markers_whole(plot.points, plot.manual)
    assert np.allclose(plot.best.get_clip_box().get_points(), plot.ax.bbox.get_points())   # the line stays in
    plt.close("all")


def test_best_so_far_follows_the_maximum_when_maximizing():
    study = make_study("maximize")
    info = BestSoFarPlot().update(study.history()).info
    values = study.history().values
    first = int(np.flatnonzero(np.isfinite(values))[0])
    np.testing.assert_allclose(info.best[:, 1], np.fmax.accumulate(values[first:]))
    assert info.best[-1, 1] == 10.0 == study.best_value


def test_best_so_far_updates_in_place():
    study = Study(SPACE, "random", seed=1)
    study.run(objective, n_trials=3)
    plot = BestSoFarPlot()
    artists = (plot.points, plot.manual, plot.best, plot.failed, plot.pruned)
    plot.update(study.history())
    n_lines, n_collections = len(plot.ax.lines), len(plot.ax.collections)
    before = plot.best.get_xdata().copy()
    study.run(objective, n_trials=5)
    study.add_manual(MANUAL, 100.0)
    plot.update(study.history())
    assert (plot.points, plot.manual, plot.best, plot.failed, plot.pruned) == artists
    assert (len(plot.ax.lines), len(plot.ax.collections)) == (n_lines, n_collections)
    assert len(plot.best.get_xdata()) > len(before)
    assert plot.ax.get_ylim()[1] > 100.0 and plot.ax.get_xlim()[1] == 8.5
    np.testing.assert_allclose(plot.manual.get_offsets(), [[8, 100.0]])


@pytest.mark.parametrize("n_trials", [3, 8, 40])
def test_best_so_far_ticks_whole_trials_and_its_texts_do_not_collide(n_trials):
    # Issue 25: at a few trials the trial axis showed 2.5 and 7.5.
    study = Study(SPACE, "random", seed=1)
    study.run(objective, n_trials=n_trials)
    plot = BestSoFarPlot(plt.figure(figsize=(7.0, 3.2), layout="constrained").add_subplot())
    plot.update(study.history())
    assert_integer_ticks(plot.ax.xaxis)
    assert_clean_layout(plot.ax.figure)


def test_empty_history_draws_nothing_and_keeps_working():
    study = Study(SPACE, "random", seed=0)
    best = BestSoFarPlot().update(study.history())
    assert best.points.get_offsets().shape == (0, 2) and len(best.best.get_xdata()) == 0
    assert best.ax.get_ylim() == (0.0, 1.0)
    parallel = ParallelCoordinatesPlot(axes_levels()).update(study.history())
    assert parallel.lines.get_segments() == [] and parallel.lines.get_array().shape == (0,)
    study.ask()  # a running trial only: still nothing with a value
    assert best.update(study.history()).points.get_offsets().shape == (0, 2)
    assert len(parallel.update(study.history()).lines.get_segments()) == 0
    plot_best_so_far(study.history()).figure.canvas.draw()
    plot_parallel_coordinates(study.history(), axes_levels()).figure.canvas.draw()


def test_values_at_the_ends_of_the_float_range_draw():
    # add_manual takes any finite value: its limits overflowed to inf ("Axis limits cannot be NaN or Inf").
    study = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    for x, value in ((0.1, 1.7e308), (0.2, -1.7e308), (0.3, 1.0)):
        study.add_manual({"x": x}, value)
    ax = plot_best_so_far(study.history())
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    assert np.isfinite([low, high]).all() and low < high
    plt.close(ax.figure)
    for values in ((2e301, 3e301), (-1e305, -2e305)):  # all beyond the drawable range: upright limits still
        beyond = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
        for x, value in zip((0.1, 0.2), values, strict=True):
            beyond.add_manual({"x": x}, value)
        ax = plot_best_so_far(beyond.history())
        low, high = ax.get_ylim()
        assert np.isfinite([low, high]).all() and low < high, values
        plt.close(ax.figure)


def test_trials_without_a_value_say_so_instead_of_drawing_empty_axes():
    """Every trial failed: the best-so-far axis ran 0 to 1 as if those were values, and parallel
    coordinates were empty under a 0-1 colour bar, with nothing saying why (a teacher's review)."""
    study = Study(SPACE, "random", seed=0)
    best, parallel = BestSoFarPlot(), ParallelCoordinatesPlot(axes_levels())
    assert best.update(study.history()).no_values.get_text() == ""   # no trial: nothing to explain
    study.run(lambda p: 1 / 0, n_trials=3)
    assert "every one failed or was pruned" in best.update(study.history()).no_values.get_text()
    assert parallel.update(study.history()).no_values.get_text() == "no trial has a value yet"
    study.add_manual(MANUAL, 1.0)
    assert best.update(study.history()).no_values.get_text() == ""
    assert parallel.update(study.history()).no_values.get_text() == ""
    plt.close("all")


def test_parallel_info_orders_trials_worst_first():
    study = make_study()
    history = study.history()
    info = parallel_coordinates_info(history, axes_levels())
    complete = [t for t in study.trials if t.state.value == "COMPLETE"]
    assert info.segments.shape == (len(complete), SPACE.dim, 2)
    np.testing.assert_array_equal(np.sort(info.values), np.sort([t.value for t in complete]))
    assert np.all(np.diff(info.values) <= 0)  # minimizing: the lowest value is drawn last, on top
    by_number = {t.number: t for t in complete}
    for segment, number in zip(info.segments, info.numbers, strict=True):
        np.testing.assert_allclose(segment[:, 0], np.arange(SPACE.dim))
        np.testing.assert_allclose(segment[:, 1], by_number[int(number)].x)
    assert info.manual.tolist() == [n == 12 for n in info.numbers] and info.numbers[-1] == 12
    maximizing = parallel_coordinates_info(make_study("maximize").history(), axes_levels())
    assert np.all(np.diff(maximizing.values) >= 0) and maximizing.values[-1] == 10.0


def test_parallel_plot_draws_and_updates_in_place():
    study = Study(SPACE, "random", seed=2)
    study.run(objective, n_trials=4)
    plot = ParallelCoordinatesPlot(axes_levels())
    lines, manual, colorbar = plot.lines, plot.manual, plot.colorbar
    plot.update(study.history())
    first = len(plot.lines.get_segments())
    study.run(objective, n_trials=6)
    study.add_manual(MANUAL, -5.0)
    plot.update(study.history())
    info = plot.info
    assert (plot.lines, plot.manual, plot.colorbar) == (lines, manual, colorbar)
    assert len(plot.ax.collections) == 2 and len(plot.lines.get_segments()) > first
    for drawn, expected in zip(plot.lines.get_segments(), info.segments, strict=True):
        np.testing.assert_allclose(drawn, expected)
    np.testing.assert_allclose(plot.lines.get_array(), info.values)
    assert plot.lines.get_clim() == (info.values.min(), info.values.max())
    assert plot.lines.get_cmap().name == "viridis_r"  # low values (the good ones) bright
    widths = plot.lines.get_linewidths()
    assert widths[-1] > widths[0]  # the manual trial is the best here: drawn last and thicker
    np.testing.assert_allclose(plot.manual.get_offsets(), info.segments[-1])
    assert "manual trial" in plot.ax.get_legend_handles_labels()[1]


def test_parallel_axes_are_labelled_in_user_units():
    plot = ParallelCoordinatesPlot(axes_levels())
    assert [t.get_text() for t in plot.ax.get_xticklabels()] == SPACE.names
    texts = [[t.get_text() for t in labels] for labels in plot.tick_labels]
    assert texts[3] == ["relu", "tanh", "gelu"]
    np.testing.assert_allclose([t.get_position()[1] for t in plot.tick_labels[3]], [1 / 6, 0.5, 5 / 6])
    assert texts[0] == ["0.0001", "0.001", "0.01", "0.1"]  # decades on the log axis
    np.testing.assert_allclose([t.get_position()[1] for t in plot.tick_labels[0]], [0, 1 / 3, 2 / 3, 1])
    assert all(label.isdigit() for label in texts[1])  # integers only on an Int axis
    positions, labels = axis_ticks(SPACE.slice1d("momentum").axis)
    assert labels[0] == "0" and labels[-1] == "1"
    np.testing.assert_allclose(positions, [float(v) for v in labels])


def test_axis_ticks_of_a_narrow_range_label_its_ends():
    axis = SearchSpace([Float("x", 1.01, 1.02)]).slice1d("x").axis
    positions, labels = axis_ticks(axis, n=2)
    assert len(labels) >= 2 and 0 <= positions.min() and positions.max() <= 1


def test_a_log_integer_s_ticks_sit_where_its_trials_of_those_values_do():
    # Interpolated in log v, a tick sat up to 0.15% of the axis off its trials (a value sits at its bin's centre).
    space = SearchSpace([Int("n", 1, 1000, log=True)])
    positions, labels = axis_ticks(space.axis("n", resolution=5))
    assert labels == ["1", "10", "100", "1000"]
    np.testing.assert_allclose(positions, [space.to_unit({"n": int(label)})[0] for label in labels], rtol=1e-12)


def test_categorical_trials_sit_on_their_choice():
    space = SearchSpace([Categorical("act", ["relu", "tanh"]), Float("x", 0, 1), Int("k", 1, 3)])
    study = Study(space, "random", seed=0)
    study.add_manual({"act": "tanh", "x": 0.5, "k": 2}, 1.0)
    info = parallel_coordinates_info(study.history(), axes_levels(space))
    np.testing.assert_allclose(info.segments[0], [[0, 0.75], [1, 0.5], [2, 0.5]])


def test_parallel_refuses_axes_that_do_not_match_the_history():
    with pytest.raises(InvalidParameterError, match="one per column of history.X"):
        parallel_coordinates_info(make_study().history(), axes_levels()[:2])


# Fuzz round 4: the mismatch above named parallel_coordinates_info when the user had called
# plot_parallel_coordinates, names instead of AxisLevels failed with an AttributeError, and a
# History of another kind with AttributeError: 'list' object has no attribute 'numbers'.
@pytest.mark.parametrize(("call", "message"), [
    (lambda h: plot_parallel_coordinates(h, axes_levels()[:2]),
     "`axes_levels` of plot_parallel_coordinates must be a list of 4 AxisLevels, one per column of history.X "
     "(space.axis(name)); got '2 of them'."),
    (lambda h: plot_parallel_coordinates(h, SPACE.names), "got ['lr', 'layers', 'momentum', 'act']."),
    (lambda h: ParallelCoordinatesPlot("lr"), "`axes_levels` of ParallelCoordinatesPlot must be a list of d "
                                              "AxisLevels"),
    (lambda h: plot_parallel_coordinates([1, 2], axes_levels()), "`history` of plot_parallel_coordinates must be a "
                                                                 "History (study.history()); got [1, 2]."),
    (lambda h: plot_best_so_far({"values": [1, 2]}), "`history` of plot_best_so_far must be a History"),
    (lambda h: best_so_far_info(None), "`history` of best_so_far_info must be a History"),
    # The live plots' update named the info function it calls, which the user had not called.
    (lambda h: BestSoFarPlot().update(None), "`history` of BestSoFarPlot.update must be a History"),
    (lambda h: ParallelCoordinatesPlot(axes_levels()).update([1, 2]),
     "`history` of ParallelCoordinatesPlot.update must be a History"),
    (lambda h: ParallelCoordinatesPlot(axes_levels()[:2]).update(h),
     "`axes_levels` of ParallelCoordinatesPlot.update must be a list of 4 AxisLevels"),
    # Fuzz round 5: a History whose arrays disagree failed inside numpy ("operands could not be
    # broadcast together", "boolean index did not match"), a bad direction with a plain ValueError.
    (lambda h: plot_best_so_far(dataclasses.replace(h, values=h.values[:2])),
     "`history` of plot_best_so_far must be a History (study.history()) with one entry per trial in each array, X "
     "and active of shape (n, d); got 'values of shape (2,)'. Its numbers have shape (6,)."),
    (lambda h: plot_parallel_coordinates(dataclasses.replace(h, X=h.X[:2]), axes_levels()),
     "`history` of plot_parallel_coordinates must be a History (study.history()) with one entry per trial"),
    (lambda h: BestSoFarPlot().update(dataclasses.replace(h, direction="max")),
     "`history.direction` of BestSoFarPlot.update must be one of ['minimize', 'maximize']; got 'max'."),
    # The one-off plots named the class they draw with.
    (lambda h: plot_best_so_far(h, ax="x"), "`ax` of plot_best_so_far must be None or a matplotlib Axes"),
    (lambda h: plot_parallel_coordinates(h, axes_levels(), ax="x"),
     "`ax` of plot_parallel_coordinates must be None or a matplotlib Axes"),
])
def test_input_errors(call, message):
    history = make_study(n_trials=3).history()
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(history)


def test_one_off_functions_return_their_axes():
    history = make_study().history()
    fig, (top, bottom) = plt.subplots(2)
    assert plot_best_so_far(history, ax=top) is top
    assert plot_parallel_coordinates(history, axes_levels(), ax=bottom) is bottom
    fig.canvas.draw()


def legend_texts(ax):
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def test_legends_name_only_what_is_drawn():
    study = Study(SPACE, "random", seed=1)
    study.run(lambda p: p["momentum"], n_trials=4)
    best = BestSoFarPlot().update(study.history())
    parallel = ParallelCoordinatesPlot(axes_levels()).update(study.history())
    assert legend_texts(best.ax) == ["trial", "best so far"] and legend_texts(parallel.ax) == []
    study.add_manual(MANUAL, 2.0)  # on the scale (100 lies far out: a triangle)
    assert "manual trial" in legend_texts(best.update(study.history()).ax)
    assert legend_texts(parallel.update(study.history()).ax) == ["manual trial"]


def test_huge_values_keep_the_axis_offset_clear_of_the_legend():
    """Values of 1e11 print their scale ("1e11") above the y axis, where the legend's first
    marker sat (a marker, not a text: the layout check cannot see it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    study = Study(SPACE, "random", seed=1)
    study.run(lambda p: 1e12 * p["lr"], n_trials=6)
    fig = plt.figure(figsize=(7.0, 3.2), layout="constrained")
    plot = BestSoFarPlot(fig.add_subplot()).update(study.history())
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    offset, legend = plot.ax.yaxis.get_offset_text(), plot.ax.get_legend()
    assert offset.get_text().startswith("1e")
    assert not offset.get_window_extent(renderer).overlaps(legend.get_window_extent(renderer))


def test_long_parameter_and_choice_names_stay_clear_of_each_other():
    space = SearchSpace([Float("learning_rate", 1e-6, 1.0, log=True),
                         Categorical("optimizer_with_a_very_long_name", ["stochastic_gradient_descent_with_momentum",
                                                                        "adam"]),
                         Float("weight_decay_of_the_last_layer", 0, 1), Int("layers", 1, 4)])
    study = Study(space, "random", seed=0)
    study.run(lambda p: p["layers"], n_trials=5)
    fig = plt.figure(figsize=(8.0, 3.6), layout="constrained")  # the Lab's History tab for four parameters
    plot = ParallelCoordinatesPlot(axes_levels(space), fig.add_subplot()).update(study.history())
    assert [t.get_text().replace("\n", "") for t in plot.ax.get_xticklabels()] == space.names
    assert_clean_layout(fig, "ParallelCoordinatesPlot")


def test_a_figure_a_plot_makes_lays_itself_out():
    """Saved from a script (no notebook style, no inline tight box), a new figure cut its "trial"
    label and long tick labels at its edges (a teacher's review)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from interactive_hpo.plots.surrogate import SurrogateCurve, SurrogateMaps

    for figure in (plot_best_so_far(make_study().history()).figure, SurrogateMaps().axes[0].figure,
                   SurrogateCurve().ax.figure):
        assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    plt.close("all")


def valued_study(values, direction="minimize"):
    """A study of manual trials with these ``values``, in order."""
    study = Study(SearchSpace([Float("x", 0, 1)]), "random", direction=direction, seed=0)
    for k, value in enumerate(values):
        study.add_manual({"x": k / len(values)}, value)
    return study


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize("n_values", [4, 5, 6, 7, 12])
def test_a_far_out_bad_value_sits_on_the_edge_and_leaves_the_scale_to_the_others(direction, n_values):
    """One diverged run at 1e11 among values near 1 squashed them and the best-so-far line into
    the axis' edge (a teacher's review): it is marked on the edge it lies beyond instead. Before,
    only from 8 values on: the first trials, when people watch, were squashed."""
    sign, diverged = (1.0 if direction == "minimize" else -1.0), n_values // 2
    study = valued_study([sign * (1e11 if k == diverged else 1.0 + 0.1 * k) for k in range(n_values)], direction)
    plot = BestSoFarPlot().update(study.history())
    assert plot.info.off_scale.tolist() == [diverged]
    low, high = plot.ax.get_ylim()
    assert max(abs(low), abs(high)) < 10   # the scale the others need
    edge = "above" if direction == "minimize" else "below"
    assert plot.off_scale_manual[edge].get_offsets()[:, 0].tolist() == [float(diverged)]  # all trials are manual
    assert "manual, off the scale" in [t.get_text() for t in plot.ax.get_legend().get_texts()]
    plt.close("all")


def test_far_out_marks_lie_under_the_legend_and_a_manual_one_says_manual():
    """The triangles of far-out values sat on the Axes' top edge, on the legend's row; a far-out
    manual trial was drawn as the others' triangle, its star lost, while the legend still listed
    "manual trial" for the star drawn off the scale (a teacher's review, the Lab's History tab)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    study = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    study.run(lambda p: 1e11 if p["x"] > 0.93 else (p["x"] - 0.3) ** 2 + 1, n_trials=20)
    study.add_manual({"x": 0.5}, 1e11)
    fig = plt.figure(figsize=(7.0, 3.2), layout="constrained")   # the Lab's History figure
    plot = BestSoFarPlot(fig.add_subplot()).update(study.history())
    info = plot.info
    assert info.off_scale.tolist() == [2, 8, 10, 20] and info.off_scale_manual.tolist() == [False] * 3 + [True]
    np.testing.assert_array_equal(plot.off_scale["above"].get_offsets()[:, 0], [2, 8, 10])
    np.testing.assert_array_equal(plot.off_scale_manual["above"].get_offsets()[:, 0], [20])
    assert len(plot.manual.get_offsets()) == 0 and 20 not in plot.points.get_offsets()[:, 0]
    labels = [t.get_text() for t in plot.ax.get_legend().get_texts()]
    assert "manual, off the scale" in labels and "manual trial" not in labels   # no star drawn, none listed
    gold = plot.off_scale_manual["above"]
    np.testing.assert_array_equal(gold.get_paths()[0].vertices, plot.off_scale["above"].get_paths()[0].vertices)
    np.testing.assert_allclose(gold.get_facecolors()[0], plot.manual.get_facecolors()[0])   # a triangle in gold
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    legend, frame = plot.ax.get_legend().get_window_extent(renderer), plot.ax.get_window_extent(renderer)
    assert legend.width <= frame.width   # in as many rows as it takes, not across the y label
    top_value = plot.ax.transData.transform([(0, plot.points.get_offsets()[:, 1].max())])[0, 1]
    for layer in (plot.off_scale["above"], gold):
        half = np.sqrt(layer.get_sizes()[0]) / 2 * fig.dpi / 72   # pixels
        marks = plot.ax.transData.transform(layer.get_offsets())[:, 1]
        assert np.all(marks + half < legend.y0) and np.all(marks - half > top_value)  # under the legend, over values
    assert_clean_layout(fig)
    plt.close("all")


@pytest.mark.parametrize("direction, values, above, below", [
    ("minimize", [2e301, 3e301, 5e301], [0, 1, 2], []),   # every value: the plot was empty, nothing off the scale
    ("maximize", [1.0, 2.0, 3.0, 1e305], [3], []),         # the best trial was not drawn
    ("minimize", [-1e305, 1e305, 0.0], [1], [0]),          # on either side, the good one too
    ("maximize", [1.0, 1.1, 1.2, 1.3, -1e305, -5.0e4], [], [4, 5]),  # the bad side's far-out one too
])
def test_values_beyond_the_drawable_range_are_marked_off_the_scale(direction, values, above, below):
    """Values beyond ±1e300 set no limits (matplotlib cannot tick them) and vanished without a
    trace: they are marked on the edge they lie beyond, as far-out values are."""
    plot = BestSoFarPlot().update(valued_study(values, direction).history())
    assert sorted(plot.info.off_scale.tolist()) == sorted(above + below)
    for side, numbers in (("above", above), ("below", below)):
        marks = [*plot.off_scale[side].get_offsets()[:, 0], *plot.off_scale_manual[side].get_offsets()[:, 0]]
        assert sorted(marks) == numbers, side
    low, high = plot.ax.get_ylim()
    assert all(low < value < high for k, value in enumerate(values) if k not in above + below)
    plot.ax.figure.canvas.draw()
    plt.close("all")


def test_a_best_so_far_off_the_scale_runs_along_its_edge_marked_and_said():
    """Fuzz: with [1e308, -1e308, 3.0] (sys.float_info.max as a penalty) the line's data were
    [1e308, -1e308, -1e308] under ylim (1.5, 5.3): nothing of it was seen. It runs along the edge
    the best lies beyond, marked where no trial's own triangle is, the legend giving its value."""
    plot = BestSoFarPlot().update(valued_study([1e308, -1e308, 3.0]).history())
    info = plot.info
    assert info.best_off_scale.tolist() == [True, True, True]
    low, high = info.ylim
    np.testing.assert_array_equal(plot.best.get_ydata(), [high, low, low])
    assert plot.best_off_scale["below"].get_offsets().tolist() == [[2.0, low]]   # trials 0 and 1 have their own
    assert len(plot.best_off_scale["above"].get_offsets()) == 0
    assert "best so far, off the scale (now -1e+308)" in [t.get_text() for t in plot.ax.get_legend().get_texts()]
    plt.close("all")
    # A diverged first run: the line starts on the top edge, from that trial's own triangle, and says nothing more.
    plot = BestSoFarPlot().update(valued_study([1e11, 1.0, 1.2, 1.1, 0.9, 5e11, 1.05]).history())
    assert plot.info.best_off_scale.tolist() == [True] + [False] * 6 and plot.best.get_ydata()[0] == plot.info.ylim[1]
    assert all(len(layer.get_offsets()) == 0 for layer in plot.best_off_scale.values())
    assert not any("best so far, off" in t.get_text() for t in plot.ax.get_legend().get_texts())
    plt.close("all")


@pytest.mark.parametrize("values, off", [
    ([0.9, 1e11, 0.8, 3e11, 0.85], [1, 3]),                     # two diverged runs among 5
    ([1e11, 1.0, 1.2, 1.1, 0.9, 5e11, 1.05], [0, 5]),           # among 7, the first one of them
    ([0.9, 0.9, 0.9, 1e11], []),                                 # equal others: no scale to judge a gap by
    ([1.0, 2.0, 1.5, 1e11, 3e11, 2e11], []),                     # half of them: two clusters, not far out
    ([0.8, 0.85, 1e11], []),                                     # 3 values: two lie close by chance too often
])
def test_far_out_values_among_few_are_those_a_gap_sets_apart(values, off):
    assert best_so_far_info(valued_study(values).history()).off_scale.tolist() == off
    plt.close("all")


@pytest.mark.parametrize("values", [
    [3.092, 4.193, 10.7, 139.646],                 # 4 random trials of Branin
    [3.092, 4.193, 10.7, 14.613, 139.646],
    [15.129, 19.218, 28.855, 29.311, 96.791, 110.895, 177.835],
    [15.896, 16.072, 92.224],                      # 3 of Levy: 433 times the other two's range
    [1.0, 1.1, 1.2, 50.0, 60.0, 70.0, 80.0],       # two clusters
    [0.97, 1.33, 3.47, 100.0],                     # 30 times the worst but 40 times their range: kept
])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_ordinary_spreads_of_few_values_stay_on_the_scale(values, direction):
    """Values of random trials of test functions (skewed, with a heavy bad tail) are not far out,
    nor is a value a few dozen times the others' range away."""
    sign = 1.0 if direction == "minimize" else -1.0
    info = best_so_far_info(valued_study([sign * v for v in values], direction).history())
    assert info.off_scale.tolist() == []
    assert info.ylim[0] < sign * min(values, key=abs) < info.ylim[1] and info.ylim[0] < sign * values[-1] < info.ylim[1]


CONDITIONAL = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["linear", "rbf", "poly"]),
                           Float("gamma", 1e-4, 1.0, log=True, condition=("kernel", "rbf")),
                           Int("degree", 2, 5, condition=("kernel", "poly"))])


def test_inactive_parameters_sit_on_a_labelled_slot_so_every_trial_crosses_every_axis():
    """A conditional space (issue: svm_digits in the Lab): an inactive parameter broke the polyline
    (NaN), so a linear-kernel trial drew no line at all, the best one included, and an rbf trial's
    line stopped before the kernel axis. Each axis now has an "inactive" slot below its range."""
    from interactive_hpo.plots.parallel import INACTIVE_Y

    study = Study(CONDITIONAL, "random", seed=0)
    study.run(lambda p: np.log10(p["C"]) ** 2 + p.get("gamma", 0.5) + p.get("degree", 3), n_trials=12)
    axes = [CONDITIONAL.axis(name) for name in CONDITIONAL.names]
    info = parallel_coordinates_info(study.history(), axes)
    assert np.isfinite(info.segments).all() and len(info.segments) == 12
    by_number = {trial.number: trial for trial in study.trials}
    expected = np.array([[name not in by_number[n].params for name in CONDITIONAL.names] for n in info.numbers])
    np.testing.assert_array_equal(info.inactive, expected)
    assert expected[:, 2].any() and expected[:, 3].any() and not expected[:, :2].any()
    np.testing.assert_array_equal(info.segments[..., 1][info.inactive], INACTIVE_Y)
    plot = ParallelCoordinatesPlot(axes).update(study.history())
    assert np.isfinite(np.concatenate(plot.lines.get_segments())).all()
    assert [label.get_text() for label in plot.inactive_labels] == ["", "", "inactive", "inactive"]
    assert plot.ax.get_ylim()[0] < INACTIVE_Y  # the slot is inside the axes
    assert_clean_layout(plot.ax.figure)


def test_without_conditions_no_inactive_slot_is_drawn():
    plot = ParallelCoordinatesPlot(axes_levels()).update(make_study().history())
    assert not plot.info.inactive.any() and plot.ax.get_ylim() == (-0.03, 1.03)
    assert all(label.get_text() == "" for label in plot.inactive_labels)


def test_parallel_labels_longer_than_their_slot_shrink_to_fit_a_tab_s_width():
    # Ten parameters in the Lab's 7.6-inch tab: "colsample_bytree" ran into "subsample" (r321).
    names = ["learning_rate", "weight_decay", "n_estimators", "max_depth", "min_samples_leaf", "subsample",
             "colsample_bytree", "gamma_penalty", "reg_lambda", "warmup_steps"]
    space = SearchSpace([Float(name, 1e-4, 1.0, log=True) for name in names])
    study = Study(space, "random", seed=0)
    study.run(lambda p: sum(p.values()), n_trials=6, progress=False)
    fig = plt.figure(figsize=(7.6, 3.6), layout="constrained")
    ax = plot_parallel_coordinates(study.history(), [space.axis(name) for name in names], fig.add_subplot())
    assert_clean_layout(fig, "ten parallel axes")
    assert ax.xaxis.get_ticklabels()[0].get_fontsize() >= 6.0
    plt.close(fig)


@pytest.mark.parametrize(("direction", "sign", "extend"), [("maximize", 1.0, "min"), ("minimize", -1.0, "max")])
def test_one_far_out_bad_trial_leaves_the_line_colours_to_the_others(direction, sign, extend):
    """The tour's SVM: one trial at 0.2 among accuracies of 0.97-0.99 drew all the others in one
    yellow. It shares the worst colour now, and the colour bar's arrow on its side says so."""
    good = [0.97, 0.975, 0.98, 0.985, 0.99, 0.972, 0.978, 0.982]
    plot = ParallelCoordinatesPlot(axes_levels(SearchSpace([Float("x", 0, 1)])))
    plot.update(valued_study([sign * v for v in [0.2, *good]], direction).history())
    assert plot.lines.norm.vmin == pytest.approx(min(sign * v for v in good))
    assert plot.lines.norm.vmax == pytest.approx(max(sign * v for v in good))
    assert plot.colorbar.extend == extend
    plot.update(valued_study([sign * v for v in good], direction).history())  # none far out: every value, no arrow
    assert plot.colorbar.extend == "neither"
    assert (plot.lines.norm.vmin, plot.lines.norm.vmax) == pytest.approx((min(good), max(good)) if sign > 0 else
                                                                          (-max(good), -min(good)))
    plt.close("all")


def test_a_manual_trial_s_star_covers_no_tick_label():
    """The tour's manual trial (C = 10, rbf) drew its star over the "10" and "rbf" labels, which
    started 0.04 data units (5 px) right of the axis; "inactive" lost its first letter too."""
    from matplotlib.transforms import Bbox

    study = Study(CONDITIONAL, "random", direction="maximize", seed=0)
    study.add_manual({"C": 10.0, "kernel": "rbf", "gamma": 0.01}, 0.98)  # degree inactive: its star on that slot
    study.add_manual({"C": 0.1, "kernel": "linear"}, 0.95)
    fig = plt.figure(figsize=(7.6, 3.6), dpi=90, layout="constrained")  # the Lab's History tab
    plot = ParallelCoordinatesPlot([CONDITIONAL.axis(name) for name in CONDITIONAL.names], fig.add_subplot())
    plot.update(study.history())
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    labels = [label for labels in plot.tick_labels for label in labels] + plot.inactive_labels
    assert {"10", "rbf", "0.01", "inactive"} <= {label.get_text() for label in labels}  # where the stars are
    reach = (np.sqrt(plot.manual.get_sizes()[0]) / 2 + plot.manual.get_linewidths()[0] / 2) * fig.dpi / 72
    stars = plot.ax.transData.transform(plot.manual.get_offsets())
    assert len(stars) == 8  # both trials are manual: a star on every vertex
    boxes = [label.get_window_extent(renderer) for label in labels if label.get_text()]
    for x, y in stars:
        star = Bbox.from_extents(x - reach, y - reach, x + reach, y + reach)
        assert not any(star.overlaps(box) for box in boxes), (x, y)
    plt.close(fig)
