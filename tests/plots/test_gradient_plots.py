"""Hypergradient plots on hand-made data: tangents of a known loss curve, hyperparameter paths,
costs of the two differentiation modes, approximation errors and online learning-rate adaptation."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.plots.gradient import (  # noqa: E402
    plot_approximation_error,
    plot_hypergradient_tangents,
    plot_hyperparameter_path,
    plot_mode_costs,
    plot_online_learning_rate,
    tangents_info,
)


def axes():
    return Figure().add_subplot()


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# loss(lambda) = (ln lambda - 1)^2, so d loss / d ln(lambda) = 2 (ln lambda - 1): exact tangents.
LAMS = np.logspace(-2, 3, 41)
AT = np.array([0.1, np.e, 50.0])


def loss(lam):
    return (np.log(lam) - 1.0) ** 2


def slope(lam):
    return 2.0 * (np.log(lam) - 1.0)


# -- tangents -------------------------------------------------------------------------------------

def test_tangents_lie_on_their_line_and_are_centred_on_the_points():
    info = tangents_info(LAMS, loss(LAMS), AT, loss(AT), slope(AT), width=0.25)
    assert info.x.shape == info.y.shape == (3, 3) and info.width == 0.25
    np.testing.assert_allclose(info.x[:, 1], AT)
    np.testing.assert_allclose(info.y[:, 1], loss(AT))
    np.testing.assert_allclose(np.log(info.x[:, [0, 2]]), np.log(AT)[:, None] + [-0.25, 0.25])
    expected = loss(AT)[:, None] + slope(AT)[:, None] * (np.log(info.x) - np.log(AT)[:, None])
    np.testing.assert_allclose(info.y, expected)
    np.testing.assert_allclose(info.y[1], loss(np.e))  # zero hypergradient at the optimum: a flat tangent
    # A tangent of a convex curve stays below it (the loss is exact, so it touches only at `at`).
    assert np.all(info.y <= loss(info.x) + 1e-12)


def test_plot_tangents_draws_the_curve_points_and_one_line_per_tangent_on_a_log_axis():
    ax = plot_hypergradient_tangents(LAMS, loss(LAMS), AT, loss(AT), slope(AT), name="alpha", ax=axes())
    curve, points, *tangents = ax.lines
    info = tangents_info(LAMS, loss(LAMS), AT, loss(AT), slope(AT))
    np.testing.assert_allclose(curve.get_xydata(), np.column_stack([LAMS, loss(LAMS)]))
    np.testing.assert_allclose(points.get_xydata(), np.column_stack([AT, loss(AT)]))
    assert points.get_linestyle() == "None" and points.get_marker() == "o"
    assert len(tangents) == 3
    for line, x, y in zip(tangents, info.x, info.y, strict=True):
        np.testing.assert_allclose(line.get_xdata(), x)
        np.testing.assert_allclose(line.get_ydata(), y)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "alpha" and ax.get_ylabel() == "validation loss"
    assert legend_texts(ax) == ["validation loss", "hypergradient computed", "tangent (slope d loss / d ln alpha)"]
    low, high = ax.get_ylim()  # the curve's range, not stretched by the tangents
    assert low <= loss(LAMS).min() and high >= loss(LAMS).max()
    steep = plot_hypergradient_tangents(LAMS, loss(LAMS), [1.0], [1.0], [1e6], ax=axes())
    assert steep.get_ylim()[1] < 100


# -- hyperparameter paths -------------------------------------------------------------------------

def test_path_draws_one_line_per_hyperparameter_with_a_legend_and_the_losses_on_a_twin():
    values = np.exp(-np.arange(12.0))[:, None] * [1.0, 2.0, 3.0]
    ax = plot_hyperparameter_path(values, names=["a", "b", "c"], losses=np.linspace(1, 0.5, 12), ax=axes())
    assert len(ax.lines) == 3 and ax.get_yscale() == "log"
    for j, line in enumerate(ax.lines):
        np.testing.assert_allclose(line.get_xydata(), np.column_stack([np.arange(12), values[:, j]]))
    assert legend_texts(ax) == ["a", "b", "c", "validation loss (right)"]
    twin = ax.figure.axes[1]
    assert twin.get_ylabel() == "validation loss" and len(twin.lines) == 1
    np.testing.assert_allclose(twin.lines[0].get_ydata(), np.linspace(1, 0.5, 12))
    plain = plot_hyperparameter_path([0.0, -1.0, 2.0], log=False, ax=axes())
    assert plain.get_yscale() == "linear" and legend_texts(plain) == ["lambda_0"] and plain.get_ylabel() == "lambda_0"
    assert len(plain.figure.axes) == 1


def test_many_hyperparameters_get_thin_lines_and_one_legend_entry():
    values = np.ones((5, 40)) * np.arange(1, 41)
    ax = plot_hyperparameter_path(values, ax=axes())
    assert len(ax.lines) == 40 and legend_texts(ax) == ["40 hyperparameters"]
    assert ax.lines[7].get_label() == "_lambda_7" and ax.lines[0].get_linewidth() < 1
    few = plot_hyperparameter_path(values, max_lines=5, ax=axes())
    assert [line.get_label() for line in few.lines] == ["lambda_0", "lambda_10", "lambda_20", "lambda_29", "lambda_39"]
    assert [line.get_ydata()[0] for line in few.lines] == [1, 11, 21, 30, 40]
    assert legend_texts(plot_hyperparameter_path(values, max_lines=20, ax=axes())) == ["20 of 40 hyperparameters"]


# -- mode costs and approximation errors ----------------------------------------------------------

def test_mode_costs_are_log_log_with_one_line_per_method_and_bytes_in_mb():
    horizons = [10, 100, 1000]
    costs = {"reverse": [1e6, 1e7, 1e8], "forward": [2e6, 2e6, 2e6]}
    ax = plot_mode_costs(horizons, costs, measure="bytes", ax=axes())
    assert ax.get_xscale() == ax.get_yscale() == "log" and len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_xydata(), [[10, 1], [100, 10], [1000, 100]])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [2, 2, 2])
    assert legend_texts(ax) == ["reverse", "forward"] and ax.get_ylabel() == "memory held for the derivative (MB)"
    seconds = plot_mode_costs(horizons, costs, ax=axes())
    assert seconds.get_ylabel() == "seconds per hypergradient"
    np.testing.assert_allclose(seconds.lines[0].get_ydata(), costs["reverse"])


def test_approximation_errors_of_zero_are_drawn_at_the_floor():
    errors = {"conjugate gradient": [1.0, 1e-3, 0.0], "Neumann series": [1.0, 0.5, 0.25]}
    ax = plot_approximation_error([0, 5, 10], errors, ax=axes())
    assert ax.get_yscale() == "log" and len(ax.lines) == 3   # two methods and the floor
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 1e-3, 1e-16])
    np.testing.assert_allclose(ax.lines[1].get_xydata(), [[0, 1.0], [5, 0.5], [10, 0.25]])
    assert legend_texts(ax) == ["conjugate gradient", "Neumann series", "floor: below 1e-16, 0 included"]
    assert ax.get_xlabel() == "iterations" and ax.get_ylabel() == "relative error of the hypergradient"
    ax.figure.canvas.draw()  # renders without complaint
    above = plot_approximation_error([0, 5], {"Neumann series": [1.0, 0.5]}, ax=axes())
    assert legend_texts(above) == ["Neumann series"] and len(above.lines) == 1   # no floor reached: none drawn


# -- online learning rate -------------------------------------------------------------------------

def test_online_plot_has_losses_on_the_left_and_the_learning_rate_on_a_twin():
    steps = np.arange(50)
    rates = 0.01 + 0.001 * steps
    ax = plot_online_learning_rate(steps, rates, np.exp(-0.1 * steps), baselines={"fixed lr = 0.01": np.ones(50)},
                                   ax=axes())
    assert len(ax.figure.axes) == 2 and ax is ax.figure.axes[0]
    twin = ax.figure.axes[1]
    assert ax.get_yscale() == "log" and twin.get_yscale() == "linear" and twin.get_ylabel() == "learning rate"
    assert len(ax.lines) == 2 and len(twin.lines) == 1
    np.testing.assert_allclose(twin.lines[0].get_xydata(), np.column_stack([steps, rates]))
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 1.0)
    assert legend_texts(ax) == ["loss (hypergradient descent)", "fixed lr = 0.01", "learning rate (right)"]
    assert len(plot_online_learning_rate(steps, rates, np.ones(50), ax=axes()).lines) == 1


def test_a_baseline_of_another_length_is_drawn_over_the_common_steps_and_says_so():
    """Review r186 L5: a diverged run (online_learning_rate stops early) against a full-length
    baseline, or the other way round, was refused with a bare length error."""
    steps = np.arange(1, 6)
    ax = plot_online_learning_rate(steps, np.full(5, 0.1), np.ones(5), ax=axes(),
                                   baselines={"full": np.arange(1.0, 9.0), "diverged": [2.0, 3.0], "same": np.ones(5)})
    full, diverged, same = ax.lines[1:]
    np.testing.assert_allclose(full.get_xydata(), np.column_stack([steps, np.arange(1.0, 6.0)]))
    np.testing.assert_allclose(diverged.get_xydata(), [[1, 2.0], [2, 3.0]])
    assert legend_texts(ax)[1:4] == ["full (its first 5 of 8 steps)", "diverged (ends after 2 steps)", "same"]
    # Only the drawn steps are checked: a value past the adapted run's end is never on the log axis.
    plot_online_learning_rate(steps, np.full(5, 0.1), np.ones(5), baselines={"full": [1.0] * 5 + [0.0]}, ax=axes())
    with pytest.raises(InvalidParameterError, match=re.escape("`baselines['none']` of plot_online_learning_rate must "
                                                              "be a 1-D array of at least one loss; got 'length 0'")):
        plot_online_learning_rate(steps, np.full(5, 0.1), np.ones(5), baselines={"none": []}, ax=axes())


# -- read from the back of the room (issue 26, item 9) --------------------------------------------

def tick_texts(axis):
    """The non-empty tick labels of ``axis`` (major and minor) as drawn."""
    axis.figure.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels(which="both") if t.get_text()]


def test_log_axes_under_two_decades_are_labelled_with_plain_numbers():
    ax = plot_mode_costs([10, 20, 40, 80], {"reverse": [0.5, 1.0, 2.0, 4.0], "forward": [1e-3, 1e-2, 1e-1, 1.0]},
                         ax=axes())
    x_labels, y_labels = tick_texts(ax.xaxis), tick_texts(ax.yaxis)
    assert x_labels == ["10", "20", "40", "80"]  # each horizon; the log locator's 10, 20, 30, 40, 60 left out 80
    assert all(re.fullmatch(r"[0-9.]+", label) for label in x_labels)
    assert "$\\mathdefault{10^{-3}}$" in y_labels  # three decades keep their powers of ten
    path = plot_hyperparameter_path(np.geomspace(0.05, 0.5, 6), ax=axes())
    assert {"0.1", "0.2"} <= set(tick_texts(path.yaxis))


def lines_under_legend(ax):
    """How many vertices of the lines of ``ax`` and of every other Axes of its figure fall inside
    ``ax``'s legend, in display coordinates."""
    ax.figure.canvas.draw()
    box = ax.get_legend().get_window_extent()
    return sum(int(box.count_contains(line.get_transform().transform(line.get_xydata())))
               for other in ax.figure.axes for line in other.lines)


def test_a_legend_with_a_twin_axis_covers_the_lines_of_neither():
    # The learning rate climbs at once to a plateau at the top of its axis while the losses fill
    # the rest: every corner held a line, and "best" (which sees only one axis) chose the plateau.
    steps = np.arange(300)
    rates = 0.5 - 0.48 * np.exp(-steps / 10)
    ax = plot_online_learning_rate(steps, rates, 0.1 + 2.5 * np.exp(-steps / 20),
                                   baselines={"fixed": 0.5 + 2.1 * np.exp(-steps / 150)}, ax=axes())
    assert lines_under_legend(ax) == 0
    path = plot_hyperparameter_path(np.exp(np.random.default_rng(0).normal(size=(12, 40))),
                                    losses=np.linspace(1.0, 0.2, 12), ax=axes())
    assert lines_under_legend(path) == 0
    assert path.get_legend().get_frame_on()  # a half-opaque box, as the projector style asks


def test_the_error_legend_covers_no_line_and_the_y_range_ends_near_the_floor():
    """Notebook 10 (review a215): a band kept free below the floor for the legend ran the y axis
    down to 1e-27, eleven empty decades under an exact solve's 0 drawn at 1e-16."""
    iterations = [0, 1, 2, 5, 10, 20, 50, 100, 200]
    errors = {"fast": [1, 0.2, 0.05, 1e-3, 1e-6, 0, 0, 0, 0], "slow": np.geomspace(1, 1e-2, 9),
              "stalls": [1, 0.9, 0.8, 0.2, 1e-2, 1e-6, 1e-10, 1e-10, 1e-10], "crawls": np.geomspace(1, 0.98, 9)}
    ax = plot_approximation_error(iterations, errors, ax=axes())
    assert lines_under_legend(ax) == 0 and 1e-17 < ax.get_ylim()[0] < 1e-16


# -- input errors ---------------------------------------------------------------------------------

BAD_INPUTS = [
    (lambda: tangents_info(LAMS, loss(LAMS)[:-1], AT, loss(AT), slope(AT)),
     "`losses` of tangents_info must be a 1-D array of length 41 (as lams); got 'length 40'."),
    (lambda: tangents_info([1.0, 0.0, 2.0], [1, 2, 3], AT, loss(AT), slope(AT)),
     "`lams[1]` of tangents_info must be a finite positive number; got 0.0."),
    (lambda: tangents_info([1.0, 3.0, 2.0], [1, 2, 3], AT, loss(AT), slope(AT)),
     "`lams[2]` of tangents_info must be greater than lams[1]=3.0; got 2.0."),
    (lambda: tangents_info(LAMS, loss(LAMS), [[1.0]], [1.0], [1.0]), "`at` of tangents_info must be a 1-D array; "
                                                                     "got 'shape (1, 1)'."),
    (lambda: tangents_info(LAMS, loss(LAMS), [1.0, -2.0], [1, 1], [1, 1]),
     "`at[1]` of tangents_info must be a finite positive number; got -2.0."),
    (lambda: tangents_info(LAMS, loss(LAMS), AT, loss(AT), [1.0]),
     "`gradients` of tangents_info must be a 1-D array of length 3 (as at); got 'length 1'."),
    (lambda: tangents_info(LAMS, loss(LAMS), AT, loss(AT), slope(AT), width=0),
     "`width` of tangents_info must be a finite real number in (0, inf); got 0."),
    (lambda: plot_hypergradient_tangents(LAMS, loss(LAMS), AT, ["a", "b", "c"], slope(AT)),
     "`values` of plot_hypergradient_tangents must be an array of numbers; got ['a', 'b', 'c']."),
    (lambda: plot_hyperparameter_path(np.ones((2, 2, 2))),
     "`values` of plot_hyperparameter_path must be an array of shape (n_steps, h); got 'shape (2, 2, 2)'."),
    (lambda: plot_hyperparameter_path(np.ones((4, 2)), names=["a"]),
     "`names` of plot_hyperparameter_path must be a sequence of 2 distinct names (one per column of values); got "
     "['a']."),
    (lambda: plot_hyperparameter_path(np.ones((4, 2)), losses=[1.0]),
     "`losses` of plot_hyperparameter_path must be a 1-D array of length 4 (as values); got 'length 1'."),
    (lambda: plot_hyperparameter_path([[1.0, 2.0], [3.0, 0.0]]),
     "`values[1, 1]` of plot_hyperparameter_path must be a finite positive number with log=True; got 0.0."),
    (lambda: plot_hyperparameter_path(np.ones((4, 2)), max_lines=0),
     "`max_lines` of plot_hyperparameter_path must be an int in [1, inf); got 0."),
    (lambda: plot_mode_costs([10, 100], {"reverse": [1, 2]}, measure="flops"),
     "`measure` of plot_mode_costs must be one of ['seconds', 'bytes']; got 'flops'."),
    (lambda: plot_mode_costs([10, 100.5], {"reverse": [1, 2]}),
     "`horizons[1]` of plot_mode_costs must be an int in [1, inf); got 100.5."),
    (lambda: plot_mode_costs([40, 10], {"reverse": [1, 2]}),   # drawn as a line doubling back before
     "`horizons[1]` of plot_mode_costs must be greater than horizons[0]=40; got 10."),
    (lambda: plot_online_learning_rate([0, 2, 1], [0.1] * 3, [1.0] * 3),
     "`steps[2]` of plot_online_learning_rate must be greater than steps[1]=2.0; got 1.0."),
    (lambda: plot_mode_costs([10, 100], {1: [1, 2], "1": [2, 3]}),
     "`costs` of plot_mode_costs must be a mapping whose labels read differently as text; got [1, '1']."),
    (lambda: plot_online_learning_rate([0, 1, 2], [0.1, np.inf, 0.1], [1.0] * 3),
     "`learning_rates[1]` of plot_online_learning_rate must be a number (NaN: a gap); got inf."),
    (lambda: plot_mode_costs([10, 100], {}), "`costs` of plot_mode_costs must be a non-empty mapping of label -> "
                                             "array; got {}."),
    (lambda: plot_mode_costs([10, 100], {"forward": [1, 2, 3]}),
     "`costs['forward']` of plot_mode_costs must be a 1-D array of length 2 (as horizons); got 'length 3'."),
    (lambda: plot_approximation_error([0, 1], {"CG": [1.0, -1e-3]}),
     "`errors['CG'][1]` of plot_approximation_error must be a finite non-negative number, or NaN where not "
     "measured; got -0.001."),
    (lambda: plot_approximation_error([-1, 1], {"CG": [1.0, 0.5]}),
     "`iterations[0]` of plot_approximation_error must be an int in [0, inf); got -1.0."),
    (lambda: plot_online_learning_rate([0, 1, 2], [0.1, 0.1], [1, 1, 1]),
     "`learning_rates` of plot_online_learning_rate must be a 1-D array of length 3 (as steps); got 'length 2'."),
    (lambda: plot_online_learning_rate([0, 1], [0.1, 0.1], [1, 1], baselines={"fixed": [[1, 1]]}),
     "`baselines['fixed']` of plot_online_learning_rate must be a 1-D array; got 'shape (1, 2)'."),
    (lambda: plot_online_learning_rate([0, 1], [0.1, 0.1], [1, 1], baselines=[1, 1]),
     "`baselines` of plot_online_learning_rate must be a mapping of label -> array; got [1, 1]."),
    # Fuzz round 4: a log axis dropped values <= 0 or infinite without a word, an infinite gradient
    # drew no tangent, two columns named alike shared a legend entry, log="no" was read as True.
    (lambda: plot_mode_costs([10, 100], {"reverse": [0.0, 2.0]}),
     "`costs['reverse'][0]` of plot_mode_costs must be a finite number > 0 (the y axis is logarithmic), or NaN "
     "where not measured; got 0.0."),
    (lambda: plot_mode_costs([10, 100], {"reverse": [1.0, np.inf]}), "got inf."),
    (lambda: plot_approximation_error([0, 1], {"CG": [1.0, np.inf]}), "`errors['CG'][1]` of "
                                                                      "plot_approximation_error"),
    (lambda: plot_online_learning_rate([0, 1], [0.1, 0.1], [1.0, -0.5]),
     "`losses[1]` of plot_online_learning_rate must be a finite number > 0 (the y axis is logarithmic), or NaN "
     "where not measured; got -0.5."),
    (lambda: plot_online_learning_rate([0, 1], [0.1, 0.1], [1, 1], baselines={"fixed": [1.0, 0.0]}),
     "`baselines['fixed'][1]` of plot_online_learning_rate must be a finite number > 0"),
    (lambda: tangents_info(LAMS, loss(LAMS), AT, loss(AT), np.where([False, True, False], np.inf, slope(AT))),
     "`gradients[1]` of tangents_info must be a finite number; got inf."),
    (lambda: plot_hypergradient_tangents(LAMS, loss(LAMS), AT, [1.0, np.nan, 1.0], slope(AT)),
     "`values[1]` of plot_hypergradient_tangents must be a finite number; got nan."),
    (lambda: tangents_info(LAMS, loss(LAMS) + np.r_[np.inf, np.zeros(40)], AT, loss(AT), slope(AT)),
     "`losses[0]` of tangents_info must be a number (NaN: a gap in the curve); got inf."),
    (lambda: plot_hyperparameter_path(np.ones((4, 2)), names=["a", "a"]),
     "`names` of plot_hyperparameter_path must be a sequence of 2 distinct names (one per column of values); got "
     "['a', 'a']."),
    (lambda: plot_hyperparameter_path(np.ones((4, 2)), log="no"), "`log` of plot_hyperparameter_path must be a "
                                                                  "bool; got 'no'."),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS, ids=[m[:40] for _, m in BAD_INPUTS])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
