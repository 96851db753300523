"""The 1-D curve draws a prediction's own bands and names its centre; the maps name it too; a
1-D slice of a larger space fades its off-slice trials (audit a404)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.plots.surrogate import SurrogateCurve, plot_surrogate_1d, plot_surrogate_2d  # noqa: E402
from interactive_hpo.views import SurrogatePrediction  # noqa: E402

AXIS = SearchSpace([Float("x", 0, 1)]).axis("x", resolution=4)


def lopsided(m=4, **changes):
    """A median of 0 whose bands reach far up and a little down, as a warped GP's do."""
    fields = dict(mean=np.zeros(m), std=np.full(m, 3.0), noise_std=np.full(m, 0.5), acquisition=np.zeros(m),
                  acquisition_name="ucb", centre="median", interval=np.array([np.full(m, -1.0), np.full(m, 6.0)]),
                  noisy_interval=np.array([np.full(m, -1.5), np.full(m, 7.0)]))
    return SurrogatePrediction(**{**fields, **changes})


def outline(band, m):
    """A fill_between's lower and upper ends, shape (2, m)."""
    y = band.get_paths()[0].vertices[:, 1]
    return np.array([y[1:m + 1], y[m + 2:2 * m + 2][::-1]])


def labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_the_curve_draws_the_given_bands_and_names_the_median():
    curve = SurrogateCurve().update(AXIS, lopsided())
    np.testing.assert_allclose(outline(curve.bands[1], 4), [[-1.0] * 4, [6.0] * 4])   # epistemic, as given
    np.testing.assert_allclose(outline(curve.bands[0], 4), [[-1.5] * 4, [7.0] * 4])   # with noise, as given
    assert {"posterior median", "95% band (epistemic)", "95% band incl. noise (aleatoric)"} <= set(labels(curve.ax))
    assert not any("mean" in label or "sd" in label for label in labels(curve.ax))


def test_without_bands_the_curve_draws_mean_plus_minus_two_sd():
    plain = SurrogatePrediction(np.ones(4), np.full(4, 0.3), np.full(4, 0.4), np.zeros(4), "ucb")
    curve = SurrogateCurve().update(AXIS, lopsided())
    curve.update(AXIS, plain)  # updated in place: the labels follow the prediction
    np.testing.assert_allclose(outline(curve.bands[1], 4), [[0.4] * 4, [1.6] * 4])
    np.testing.assert_allclose(outline(curve.bands[0], 4), [[0.0] * 4, [2.0] * 4])   # sqrt(0.3^2 + 0.4^2) = 0.5
    assert {"posterior mean", "+-2 sd (epistemic)", "+-2 sd incl. noise (aleatoric)"} <= set(labels(curve.ax))
    assert "posterior median" not in labels(curve.ax)


def test_the_mean_map_is_titled_by_the_centre():
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=3)
    for centre in ("median", "mean"):
        axes = plot_surrogate_2d(grid, lopsided(9, centre=centre, interval=None, noisy_interval=None))
        assert axes[0].get_title() == centre and axes[1].get_title() == "std (epistemic)"


def test_plot_surrogate_1d_fades_points_by_observed_alpha():
    ax, _ = plot_surrogate_1d(AXIS, lopsided(), observed_x=[0.2, 0.8], observed_y=[1.0, 2.0],
                              observed_alpha=[1.0, 0.25])
    dots = next(c for c in ax.collections if c.get_label() == "evaluated")
    np.testing.assert_allclose(dots.get_facecolors()[:, 3], [1.0, 0.25])
    with pytest.raises(InvalidParameterError, match="observed_alpha"):
        plot_surrogate_1d(AXIS, lopsided(), observed_x=[0.2], observed_y=[1.0], observed_alpha=[2.0])


@pytest.mark.parametrize(("changes", "named"), [
    ({"interval": np.zeros((2, 3))}, r"prediction\.interval.*shape \(2, 4\)"),
    ({"noisy_interval": np.zeros(4)}, r"prediction\.noisy_interval.*shape \(2, 4\)"),
    ({"centre": "mode"}, r"prediction\.centre.*'mean' or 'median'.*mode"),
])
def test_a_prediction_with_wrong_bands_is_refused_naming_them(changes, named):
    with pytest.raises(InvalidParameterError, match=named):
        plot_surrogate_1d(AXIS, lopsided(**changes))
