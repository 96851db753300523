"""Importance plots (issue 28, item 4): the artists carry the data given, sorted and scaled as
promised, one-liners from the analysis results work, and bad input is refused clearly."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.analysis import ablation_path, partial_dependence, quantile_importance, sobol_indices  # noqa: E402
from interactive_hpo.plots import (  # noqa: E402
    plot_ablation,
    plot_importance,
    plot_partial_dependence,
    plot_partial_dependence_2d,
    plot_quantile_importance,
    projector_style,
)

from ..figure_layout import assert_clean_layout, drawn_texts  # noqa: E402

NAMES = ["lr", "depth", "width"]
FIRST = np.array([0.1, 0.5, 0.0])
TOTAL = np.array([0.3, 0.6, 0.05])
FIRST_INTERVAL = np.array([[0.05, 0.2], [0.4, 0.55], [0.0, 0.01]])
TOTAL_INTERVAL = np.array([[0.2, 0.4], [0.5, 0.7], [0.0, 0.1]])


def ax_():
    return Figure().add_subplot()


def widths(ax) -> list[float]:
    return [float(patch.get_width()) for patch in ax.patches]


def tick_texts(labels) -> list[str]:
    return [label.get_text() for label in labels]


# -- global importance --------------------------------------------------------------------------------
def test_importance_bars_are_sorted_by_total_with_first_order_inside():
    with projector_style():
        fig = plt.figure(figsize=(7, 3))
        ax = plot_importance(NAMES, FIRST, TOTAL, FIRST_INTERVAL, TOTAL_INTERVAL, fig.add_subplot())
        assert_clean_layout(fig, "plot_importance")
    assert tick_texts(ax.get_yticklabels()) == ["depth", "lr", "width"]
    totals, firsts = ax.containers[0], ax.containers[1]
    assert [float(p.get_width()) for p in totals] == [0.6, 0.3, 0.05]
    assert [float(p.get_width()) for p in firsts] == [0.5, 0.1, 0.0]
    # The first-order bar sits inside the total one: thinner, darker, at the same row.
    assert firsts[0].get_height() < totals[0].get_height()
    assert [p.get_y() + p.get_height() / 2 for p in firsts] == pytest.approx([0, 1, 2])
    assert sum(firsts[0].get_facecolor()[:3]) < sum(totals[0].get_facecolor()[:3])
    assert ax.get_ylim()[0] > ax.get_ylim()[1]   # the first row (most important) on top
    assert tick_texts(ax.get_legend().get_texts()) == ["total (with interactions)", "first order (alone)"]
    assert ax.get_xlabel() == "share of the variance" and ax.get_xlim() == pytest.approx((0, 1.02))


def test_importance_whiskers_span_the_intervals_in_the_sorted_order():
    ax = plot_importance(NAMES, FIRST, TOTAL, FIRST_INTERVAL, TOTAL_INTERVAL, ax_())
    total_bars, first_bars = (c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer")
    ends = np.array([segment[:, 0] for segment in total_bars.lines[2][0].get_segments()])
    assert np.allclose(ends, TOTAL_INTERVAL[[1, 0, 2]])
    ends = np.array([segment[:, 0] for segment in first_bars.lines[2][0].get_segments()])
    assert np.allclose(ends, FIRST_INTERVAL[[1, 0, 2]])


@pytest.mark.parametrize("d", [1, 3, 8])
def test_the_total_whisker_is_drawn_apart_from_the_first_order_one(d):
    """Both whiskers on one line: a first-order interval of (0, 1) hid the total one whole (a189).
    The first-order whisker crosses the dark bar, the total one the light band above it."""
    names, first, total = [f"p{i}" for i in range(d)], np.full(d, 0.5), np.full(d, 0.6)
    with projector_style():
        fig = plt.figure(figsize=(7, 1.2 + 0.55 * d), layout="constrained")
        ax = plot_importance(names, first, total, np.tile([0.0, 1.0], (d, 1)), np.tile([0.55, 0.9], (d, 1)),
                             fig.add_subplot())
        drawn_texts(fig)   # laid out
    total_bars, first_bars = (c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer")
    total_y = np.array([segment[:, 1] for segment in total_bars.lines[2][0].get_segments()])
    first_y = np.array([segment[:, 1] for segment in first_bars.lines[2][0].get_segments()])
    rows = np.arange(d)[:, None]
    assert np.all(np.abs(first_y - rows) < 0.18)                                  # on the dark bar
    assert np.all((rows - 0.35 < total_y) & (total_y < rows - 0.18))              # on the light band above it

    def drawn(whisker):  # pixel boxes of its segments and of each cap (a Line2D holds a row's caps as markers)
        boxes = [Bbox(ax.transData.transform(segment)) for segment in whisker.lines[2][0].get_segments()]
        for caps in whisker.lines[1]:
            half = caps.get_markersize() / 2 * fig.dpi / 72
            boxes += [Bbox([[x, y - half], [x, y + half]]) for x, y in ax.transData.transform(caps.get_xydata())]
        return boxes

    first_boxes = drawn(first_bars)
    assert not [box for box in drawn(total_bars) if any(box.overlaps(other) for other in first_boxes)]
    plt.close(fig)


def test_a_mean_outside_its_interval_gets_a_zero_whisker_not_a_negative_one():
    ax = plot_importance(["a"], [0.3], [0.5], total_interval=[[0.1, 0.4]], ax=ax_())
    segment = ax.containers[-1].lines[2][0].get_segments()[0]
    assert segment[:, 0].tolist() == pytest.approx([0.1, 0.5])


def test_importance_from_a_sobol_result_is_a_one_liner():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    r = sobol_indices(lambda X: np.stack([4 * X[:, 0] + X[:, 1], 3 * X[:, 0] + X[:, 1]]), space, n=256)
    ax = plot_importance(r.names, r.first, r.total, r.first_interval, r.total_interval, ax_())
    assert tick_texts(ax.get_yticklabels()) == r.ranking()
    assert widths(ax)[:2] == pytest.approx(sorted(r.total, reverse=True))


def test_importance_without_intervals_draws_no_whiskers_and_makes_its_own_figure():
    ax = plot_importance(NAMES, FIRST, TOTAL)
    assert not [c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert ax.figure.get_size_inches()[1] == pytest.approx(1.2 + 0.55 * 3)
    plt.close(ax.figure)


# -- importance among the best trials -----------------------------------------------------------------
def test_quantile_importance_bars_sorted_with_whiskers_and_the_quantile_named():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    X = np.random.default_rng(0).random((60, 2))
    q = quantile_importance(space, X, (X[:, 0] - 0.3) ** 2, quantile=0.2, n_boot=20)
    ax = plot_quantile_importance(q.names, q.share, q.interval, ax_(), quantile=q.quantile)
    assert tick_texts(ax.get_yticklabels()) == q.ranking() == ["a", "b"]
    assert widths(ax) == pytest.approx(sorted(q.share, reverse=True))
    ends = np.array([s[:, 0] for s in ax.containers[-1].lines[2][0].get_segments()])
    assert ends[0].tolist() == pytest.approx(q.interval[0].tolist())
    assert ax.get_xlabel() == "share of importance among the best 20% of trials"


def test_all_zero_bars_say_the_surrogate_was_flat_and_others_say_nothing():
    """A constant objective: every index 0, and the plot was empty axes under a legend."""
    zeros, flat = np.zeros(3), np.zeros((3, 2))
    for ax in (plot_importance(NAMES, zeros, zeros, flat, flat, ax=ax_()),
               plot_quantile_importance(NAMES, zeros, flat, ax_())):
        assert any("flat" in text.get_text() for text in ax.texts)
    assert not plot_importance(NAMES, FIRST, TOTAL, ax=ax_()).texts
    assert not plot_quantile_importance(NAMES, [0.0, 0.0, 1.0], ax=ax_()).texts


# -- partial dependence -------------------------------------------------------------------------------
def test_a_log_parameters_partial_dependence_is_a_line_and_band_on_a_log_axis_with_ice_behind():
    space = SearchSpace([Float("C", 1e-2, 1e2, log=True), Float("b", 0, 1)])
    pd = partial_dependence(lambda X: np.stack([X[:, 0] * X[:, 1], X[:, 0] * X[:, 1] + 0.1]), space, "C",
                            resolution=5)
    ice = np.array([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], dtype=float)
    with projector_style():
        fig = plt.figure(figsize=(7, 4))
        ax = plot_partial_dependence(pd.axes[0], pd.mean, pd.low, pd.high, ice=ice, ax=fig.add_subplot())
        assert_clean_layout(fig, "plot_partial_dependence")
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "C"
    lines = ax.get_lines()
    assert np.array_equal([line.get_ydata() for line in lines[:2]], ice)   # ICE first, behind
    assert lines[-1].get_xdata().tolist() == pytest.approx(list(pd.axes[0].levels))
    assert lines[-1].get_ydata().tolist() == pytest.approx(pd.mean.tolist())
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(pd.low.min()) and band[:, 1].max() == pytest.approx(pd.high.max())
    assert tick_texts(ax.get_legend().get_texts()) == ["ICE (2 configurations)", "band", "partial dependence"]


def test_a_categorical_is_a_point_per_choice_with_error_bars_and_its_choices_as_ticks():
    space = SearchSpace([Categorical("kernel", ["rbf", "poly", "linear"]), Float("b", 0, 1)])
    pd = partial_dependence(lambda X: np.stack([X[:, 0], X[:, 0] + 0.2]), space, "kernel")
    ax = plot_partial_dependence(pd.axes[0], pd.mean, pd.low, pd.high, ax=ax_(), ylabel="loss")
    assert tick_texts(ax.get_xticklabels()) == ["rbf", "poly", "linear"] and ax.get_xscale() == "linear"
    points = ax.containers[0].lines[0]
    assert points.get_xdata().tolist() == [0, 1, 2] and points.get_ydata().tolist() == pytest.approx(pd.mean.tolist())
    assert points.get_linestyle() == "None"   # no line joins unordered choices
    spans = np.array([s[:, 1] for s in ax.containers[0].lines[2][0].get_segments()])
    assert np.allclose(spans, np.column_stack([pd.low, pd.high]))
    assert ax.get_ylabel() == "loss"


def test_long_category_names_are_wrapped_clear_of_each_other():
    """The Lab's Importance tab: two partial dependences side by side, an optimizer's long
    choice names running into each other along the x axis."""
    names = ["stochastic_gradient_descent", "adam_with_weight_decay", "rmsprop"]
    fig = Figure(figsize=(9.0, 3.0), layout="constrained")
    ax = fig.add_subplot(1, 2, 2)
    plot_partial_dependence(names, [1.0, 2.0, 3.0], name="optimizer", scale="categorical", ax=ax)
    assert [text.replace("\n", "") for text in tick_texts(ax.get_xticklabels())] == names
    assert tick_texts(ax.get_xticklabels())[0] == "stochastic_\ngradient_\ndescent"
    assert_clean_layout(fig, "plot_partial_dependence")
    short = plot_partial_dependence(["rbf", "poly"], [1.0, 2.0], name="kernel", scale="categorical", ax=ax_())
    assert tick_texts(short.get_xticklabels()) == ["rbf", "poly"]


def test_plain_levels_need_a_name_and_take_a_scale():
    ax = plot_partial_dependence([1, 2, 4], [0.0, 1.0, np.nan], name="depth", ax=ax_())
    assert ax.get_xlabel() == "depth" and ax.get_xscale() == "linear"
    assert np.isnan(ax.get_lines()[-1].get_ydata()[2])   # inactive there: a gap, not a value


def test_the_2d_heatmap_is_transposed_so_x_runs_across_and_has_a_colourbar():
    space = SearchSpace([Float("C", 1e-2, 1e2, log=True), Categorical("kernel", ["rbf", "poly"])])
    pd = partial_dependence(lambda X: X[:, 0] + X[:, 1], space, ["C", "kernel"], resolution=4)
    with projector_style():
        fig = plt.figure(figsize=(7, 5))
        ax = plot_partial_dependence_2d(pd.axes[0], pd.axes[1], pd.mean, ax=fig.add_subplot(), best="min",
                                        label="loss")
        assert_clean_layout(fig, "plot_partial_dependence_2d")
    mesh = ax.collections[0]
    assert np.allclose(np.asarray(mesh.get_array()).reshape(2, 4), pd.mean.T)
    assert ax.get_xscale() == "log" and tick_texts(ax.get_yticklabels()) == ["rbf", "poly"]
    edges = mesh.get_coordinates()[0, :, 0]
    assert edges[1] == pytest.approx(np.sqrt(pd.axes[0].levels[0] * pd.axes[0].levels[1]))   # log midpoints
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "loss"
    star = ax.get_lines()[-1]
    assert star.get_xdata()[0] == pytest.approx(1e-2) and star.get_ydata()[0] == 0


# -- ablation -----------------------------------------------------------------------------------------
def test_the_ablation_path_is_a_line_from_the_default_with_each_steps_share():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    path = ablation_path(lambda X: 3 * X[:, 0] + X[:, 1], space, {"a": 1, "b": 1, "c": 1}, {"a": 0, "b": 0, "c": 0})
    with projector_style():
        fig = plt.figure(figsize=(7, 4))
        ax = plot_ablation(path.steps, path.losses, fig.add_subplot())
        assert_clean_layout(fig, "plot_ablation")
    line = ax.get_lines()[0]
    assert line.get_ydata().tolist() == pytest.approx(path.losses.tolist())
    assert tick_texts(ax.get_xticklabels()) == ["default", "+ a", "+ b", "+ c"]
    assert [t.get_text() for t in ax.texts] == ["75%", "25%", "0%"]


def test_an_ablation_without_gain_says_so_and_values_in_objective_units_keep_their_shares():
    assert [t.get_text() for t in plot_ablation(["a"], [1.0, 1.0], ax_()).texts] == ["n/a"]
    ax = plot_ablation(["a", "b"], [0.8, 0.9, 0.95], ax_(), ylabel="accuracy (higher is better)")
    assert [t.get_text() for t in ax.texts] == ["67%", "33%"] and ax.get_ylabel() == "accuracy (higher is better)"


def test_ablation_shares_stay_inside_the_axes_where_a_rising_path_ends_flat():
    """Notebook 14: R² rising to a flat end; the two "0%" of the last steps sat on the top spine."""
    with projector_style():
        fig = plt.figure(figsize=(6.5, 4), layout="constrained")
        ax = plot_ablation(["poly__degree", "ridge__alpha", "poly__interaction_only"], [0.229, 0.487, 0.4871, 0.4871],
                           fig.add_subplot(), ylabel="R² (higher is better)")
        texts, renderer = drawn_texts(fig)
    frame = ax.get_window_extent(renderer)
    shares = [t for t in texts if t in ax.texts]
    assert [t.get_text() for t in shares] == ["100%", "0%", "0%"]
    assert all(frame.y0 <= t.get_window_extent(renderer).y0 and t.get_window_extent(renderer).y1 <= frame.y1
               for t in shares)



@pytest.mark.parametrize("values", [[0.229, 0.487, 0.4871, 0.4871], [0.487, 0.229, 0.229, 0.229],
                                    [-0.229, -0.487, -0.4871, -0.4871], [0.0, 0.1, 1.0, 1.05]])
def test_an_ablation_share_is_not_drawn_across_its_own_step(values):
    """Notebook 14: the "100%" of a steep step sat centred under the middle of its line, which ran through it."""
    with projector_style():
        fig = plt.figure(figsize=(6.5, 4), layout="constrained")
        ax = plot_ablation(["a", "b", "c"], values, fig.add_subplot())
        texts, renderer = drawn_texts(fig)
    shares = [t for t in texts if t in ax.texts]
    line = ax.transData.transform(np.c_[np.linspace(0, 3, 3001), np.interp(np.linspace(0, 3, 3001), range(4), values)])
    for text in shares:
        box = text.get_window_extent(renderer)
        assert not any(box.contains(px, py) for px, py in line), text.get_text()

# -- errors -------------------------------------------------------------------------------------------
BAD_INPUTS = [
    (lambda: plot_importance("ab", [1], [1]), "`names` of plot_importance must be a non-empty sequence of distinct "
                                              "str"),
    (lambda: plot_importance([], [], []), "`names` of plot_importance must be"),
    (lambda: plot_importance(["a", "b"], [.1], [.1, .2]), "`first` of plot_importance must be an array of shape (2,"),
    (lambda: plot_importance(["a"], [0.1], [np.nan]), "`total` of plot_importance must be an array of shape (1,)"),
    (lambda: plot_importance(["a"], [0.1], [0.2], [0.1, 0.2]), "`first_interval` of plot_importance must be None or"),
    (lambda: plot_importance(["a"], [0.1], [0.2], None, [[0.3, 0.1]]), "Every low must be finite and at most its high"),
    (lambda: plot_quantile_importance(["a"], ["x"]), "`share` of plot_quantile_importance must be"),
    (lambda: plot_quantile_importance(["a"], [1.0], quantile=1.5), "`quantile` of plot_quantile_importance"),
    (lambda: plot_partial_dependence([1, 2], [0, 1]), "`name` of plot_partial_dependence must be a str"),
    (lambda: plot_partial_dependence([1], [0], name="a"), "`levels` of plot_partial_dependence must be an AxisLevels"),
    (lambda: plot_partial_dependence([1, 2], [0, 1, 2], name="a"), "`mean` of plot_partial_dependence must be"),
    (lambda: plot_partial_dependence([1, 2], [0, 1], [0, 1], name="a"), "`high` of plot_partial_dependence must be "
                                                                        "given together with the other end"),
    (lambda: plot_partial_dependence([0, 2], [0, 1], name="a", scale="log"), "finite numbers > 0 for a log axis"),
    (lambda: plot_partial_dependence(["x", "y"], [0, 1], name="a"), "Pass scale='categorical' for choices."),
    (lambda: plot_partial_dependence([1, 2], [0, 1], name="a", scale="ln"), "`scale` of plot_partial_dependence"),
    (lambda: plot_partial_dependence([1, 2], [0, 1], name="a", ice=[0, 1]), "`ice` of plot_partial_dependence"),
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], [[0, 1]], x_name="a", y_name="b"),
     "`mean` of plot_partial_dependence_2d must be an array of shape (2, 2)"),
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], [[0, 1]], x_name="a"),
     "`y_name` of plot_partial_dependence_2d must be a str naming the parameter when y_levels are plain values"),
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], np.eye(2), x_name="a", y_name="b", best="low"),
     "`best` of plot_partial_dependence_2d must be one of ['min', 'max']"),
    # Fuzz round 4: two bars named alike; levels out of order (a line doubling back, heat-map cells
    # overlapping); an ICE curve at inf; an unknown cmap (matplotlib's ValueError, naming neither the
    # plot nor the argument); a missing y_name reported as `name`.
    (lambda: plot_importance(["a", "a"], [0.1, 0.2], [0.3, 0.4]),
     "`names` of plot_importance must be a non-empty sequence of distinct str (one per parameter); got ['a', 'a']."),
    (lambda: plot_quantile_importance(["a", "a"], [0.1, 0.2]), "`names` of plot_quantile_importance"),
    (lambda: plot_partial_dependence([2, 1, 3], [0, 1, 2], name="a"),
     "`levels` of plot_partial_dependence must be strictly increasing numbers for a linear axis; got [2, 1, 3]. "
     "Sort the levels, and the values given for them in the same order."),
    (lambda: plot_partial_dependence([1, 1], [0, 1], name="a"), "got [1, 1]."),
    (lambda: plot_partial_dependence([1, 2], [0, 1], name="a", ice=[[np.inf, 1]]),
     "`ice` of plot_partial_dependence must be an array of shape (n, 2): one curve per configuration, numbers or "
     "NaN where inactive; got [[inf, 1]]."),
    (lambda: plot_partial_dependence_2d([1, 3, 2], [1, 2], np.ones((3, 2)), x_name="a", y_name="b"),
     "`x_levels` of plot_partial_dependence_2d must be strictly increasing numbers"),
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], np.eye(2), x_name="a", y_name="b", cmap="nope"),
     "`cmap` of plot_partial_dependence_2d must be a matplotlib Colormap or the name of one (see "
     "matplotlib.colormaps); got 'nope'."),
    (lambda: plot_ablation("ab", [0, 1, 2]), "`steps` of plot_ablation must be a sequence of str"),
    (lambda: plot_ablation(["a"], [0, 1, 2]), "`losses` of plot_ablation must be an array of shape (2,)"),
    # Anything but Axes or None failed with an AttributeError at the first drawing call.
    (lambda: plot_importance(["a"], [0.1], [0.2], ax="x"),
     "`ax` of plot_importance must be None or a matplotlib Axes (where to draw); got 'x'."),
    (lambda: plot_quantile_importance(["a"], [1.0], ax=3), "`ax` of plot_quantile_importance must be None or"),
    (lambda: plot_partial_dependence([1, 2], [0, 1], name="a", ax=Figure()),
     "A Figure holds Axes: pass fig.add_subplot() or one of plt.subplots()'s."),
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], np.eye(2), x_name="a", y_name="b", ax=[ax_()]),
     "`ax` of plot_partial_dependence_2d must be None or a matplotlib Axes"),
    (lambda: plot_ablation(["a"], [1, 0], "ax"), "`ax` of plot_ablation must be None or a matplotlib Axes"),
    # Fuzz round 5: x_scale and y_scale were reported as `scale`, which plot_partial_dependence_2d
    # has not; an empty scale ({} or "") was read as the default.
    (lambda: plot_partial_dependence_2d([1, 2], [1, 2], np.eye(2), x_name="a", y_name="b", x_scale="ln"),
     "`x_scale` of plot_partial_dependence_2d must be one of ['linear', 'log', 'categorical']; got 'ln'."),
    (lambda: plot_partial_dependence_2d([1, 2], ["u", "v"], np.eye(2), x_name="a", y_name="b"),
     "`y_levels` of plot_partial_dependence_2d must be finite numbers for a linear axis; got ['u', 'v']. Pass "
     "y_scale='categorical' for choices."),
    (lambda: plot_partial_dependence([1, 2], [0, 1], name="a", scale=""), "`scale` of plot_partial_dependence must "
                                                                          "be one of"),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS, ids=[m[:40] for _, m in BAD_INPUTS])
def test_bad_inputs_raise_a_clear_error(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("d", [1, 3, 8])
def test_the_legend_covers_no_bar_and_no_whisker(d):
    # Every total high, its interval up to 1: in the lower right corner the legend covered the last
    # bar's whisker (and its end) on a flat GP's indices (a171 #3).
    names = [f"p{i}" for i in range(d)]
    total, first = np.linspace(0.9, 0.8, d), np.full(d, 0.4)
    with projector_style():
        fig = plt.figure(figsize=(7, 1.2 + 0.55 * d), layout="constrained")
        ax = plot_importance(names, first, total, np.c_[first - 0.1, first + 0.1], np.c_[total - 0.2, np.ones(d)],
                             fig.add_subplot(), title="high totals")
        _, renderer = drawn_texts(fig)
    legend = ax.get_legend().get_window_extent(renderer)
    drawn = [patch.get_window_extent(renderer) for patch in ax.patches]
    drawn += [line.get_window_extent(renderer) for line in ax.lines]   # the whiskers' caps
    drawn += [Bbox(ax.transData.transform(segment)) for collection in ax.collections
              for segment in collection.get_segments()]              # the whiskers
    assert not [box for box in drawn if box.overlaps(legend)]
    assert_clean_layout(fig, "plot_importance")
