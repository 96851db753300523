"""Surrogate plots draw the data they are given (asserted on artists' data, not pixels)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from interactive_hpo import Categorical, Float, SearchSpace  # noqa: E402
from interactive_hpo.plots import axis_positions, plot_surrogate_1d, plot_surrogate_2d  # noqa: E402
from interactive_hpo.views import SurrogatePrediction  # noqa: E402

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
    ax, acq_ax = plot_surrogate_1d(curve.axis, prediction, observed_x=[0.1, 10.0], observed_y=[0.2, 0.8],
                                   proposal=1.0)
    mean_line = ax.get_lines()[0]
    np.testing.assert_allclose(mean_line.get_ydata(), prediction.mean)
    assert ax.get_xscale() == "log" and acq_ax.get_ylabel() == "ucb"
    np.testing.assert_allclose(acq_ax.get_lines()[0].get_ydata(), prediction.acquisition)
    np.testing.assert_allclose(ax.collections[-1].get_offsets(), [[0.1, 0.2], [10.0, 0.8]])
    assert len(ax.collections) == 3  # two bands and the evaluated points
    plt.close("all")


def test_log_ei_is_clipped_for_display_only():
    curve = SPACE.slice1d("C", resolution=4)
    values = np.array([-1e5, -3.0, -1.0, -50.0])
    prediction = SurrogatePrediction(mean=np.zeros(4), std=np.ones(4), noise_std=np.zeros(4),
                                     acquisition=values, acquisition_name="logei")
    _, acq_ax = plot_surrogate_1d(curve.axis, prediction)
    np.testing.assert_allclose(acq_ax.get_lines()[0].get_ydata(), [-21.0, -3.0, -1.0, -21.0])
    assert prediction.acquisition[0] == -1e5
    plt.close("all")


def test_plot_2d_draws_three_images_over_the_slice():
    grid = SPACE.slice2d("C", "kernel", resolution=6)
    prediction = fake_prediction(grid.points.shape[0] * grid.points.shape[1])
    axes = plot_surrogate_2d(grid, prediction, observed=[[1.0, 0]], proposal=[10.0, 1])
    assert [ax.get_title() for ax in axes] == ["mean", "std (epistemic)", "ucb"]
    np.testing.assert_allclose(axes[0].collections[0].get_array().reshape(grid.shape),
                               prediction.mean.reshape(grid.shape))
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["rbf", "linear"]
    plt.close("all")


def test_plots_never_change_global_style():
    before = dict(matplotlib.rcParams)
    plot_surrogate_1d(SPACE.slice1d("C", resolution=5).axis, fake_prediction(5))
    assert dict(matplotlib.rcParams) == before
    plt.close("all")
