"""A GP under an output warp, read in the objective's units: its line is the posterior median
and its bands are the GP's own quantiles mapped through the warp's inverse (audit a404: the band
drawn was mean +- 2 x a symmetric stand-in std, which the model's sample paths left)."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from interactive_hpo import Study
from interactive_hpo.objectives import Forrester

pytest.importorskip("botorch")

from interactive_hpo.optimizers.bayes.teach import why_this_point  # noqa: E402

FORRESTER = Forrester()
CURVE = FORRESTER.space.slice1d("x0", resolution=61)
#: P(Z < -2) for a standard normal: each tail beyond the +-2 sd band.
TAIL = 0.02275


@functools.cache
def view_of(output_warp="rank-log"):
    """Notebook 03's section-4 state: six trials (seed 3, four initial); read only."""
    study = Study(FORRESTER.space, "bo", seed=3, optimizer_settings={"n_initial": 4, "output_warp": output_warp})
    study.run(FORRESTER, n_trials=6)
    return study.surrogate()


def test_the_band_ends_are_the_quantiles_of_the_models_own_samples():
    view = view_of()
    belief = view.predict(CURVE.points)
    low, high = belief.interval
    # Draws of the GP's marginal Gaussian at each point, in the objective's units: 2.3 % fall below
    # the band and 2.3 % above it (binomial error over 20,000 draws: 0.1 %).
    u, sd = view.utility(CURVE.points)
    draws = view.to_objective(u + sd * np.random.default_rng(0).standard_normal((20_000, len(u))))
    for outside in ((draws < low).mean(axis=0), (draws > high).mean(axis=0)):
        assert np.abs(outside - TAIL).max() < 0.006
    np.testing.assert_allclose(belief.mean, np.median(draws, axis=0), atol=0.01 * np.ptp(belief.mean))
    # The symmetric stand-in it replaces: at places no draw reaches the lower end of mean +- 2 std.
    stand_in = belief.mean - 2 * belief.std
    wide = high - low > 0.5
    assert ((draws < stand_in).mean(axis=0)[wide] == 0).any() and (stand_in < low - 5.0).any()
    # The sample paths are the same functions in either units, so the band is theirs as the GP's
    # +-2 sd band is theirs in its own units: as many paths leave it, point by point.
    paths = view.sample_paths(CURVE.points, n_samples=500, seed=0)
    seen = view.model_units()
    model_paths = seen.sample_paths(CURVE.points, n_samples=500, seed=0)
    model_band = seen.predict(CURVE.points).interval
    # (Both units are oriented as the objective and the warp keeps order: the same paths leave below.)
    np.testing.assert_array_equal(paths < low, model_paths < model_band[0])
    np.testing.assert_array_equal(paths > high, model_paths > model_band[1])
    # Lopsided: the paths' mean runs far above the line, their median on it.
    assert belief.centre == "median" and (paths.mean(axis=0) - belief.mean)[wide].max() > 2.0


def test_the_bands_are_the_gp_quantiles_mapped_through_the_warps_inverse():
    view = view_of()
    belief = view.predict(CURVE.points)
    u, sd = view.utility(CURVE.points)
    noise = np.sqrt(view._predictor.noise) * view._predictor.scale  # the GP's noise sd, in utilities
    for band, half in ((belief.interval, 2 * sd), (belief.noisy_interval, 2 * np.sqrt(sd**2 + noise**2))):
        ends = np.sort(view.to_objective(np.stack([u - half, u + half])), axis=0)
        np.testing.assert_allclose(band, ends, rtol=1e-12)
    np.testing.assert_allclose(belief.mean, view.to_objective(u), rtol=1e-12)  # mean: kept, maps rely on it
    assert (belief.interval[1] - belief.mean).max() > 2 * (belief.mean - belief.interval[0]).max()  # lopsided
    assert np.all(belief.noisy_interval[0] <= belief.interval[0])
    assert np.all(belief.interval[1] <= belief.noisy_interval[1])


@pytest.mark.parametrize("units", ["unwarped", "model"])
def test_a_gaussian_belief_is_its_mean_plus_minus_two_sd(units):
    """Without a warp, or in the GP's own units, the bands are mean +- 2 sd, noise added in variance."""
    view = view_of("none") if units == "unwarped" else view_of().model_units()
    belief = view.predict(CURVE.points)
    assert belief.centre == "mean"
    total = np.sqrt(belief.std**2 + belief.noise_std**2)
    np.testing.assert_allclose(belief.interval, [belief.mean - 2 * belief.std, belief.mean + 2 * belief.std],
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(belief.noisy_interval, [belief.mean - 2 * total, belief.mean + 2 * total],
                               rtol=1e-9, atol=1e-9)


def test_why_this_point_states_the_lopsided_band_under_a_warp():
    view = view_of()
    x = view.X[-1]  # a trial: the snap keeps it
    line = why_this_point(view, x, FORRESTER.space)
    belief = view.predict(x)
    stated = re.search(r"predicted (\S+) \(median; 95% band (\S+) to (\S+)\)", line)
    assert stated, line
    assert [float(v) for v in stated.groups()] == pytest.approx(
        [belief.mean[0], *belief.interval[:, 0]], rel=1e-3, abs=1e-3)
    assert "1 sd" not in line
    plain = why_this_point(view_of("none"), x, FORRESTER.space)
    assert re.search(r"predicted \S+ ± \S+ \(1 sd\)", plain) and "median" not in plain


def test_the_curve_and_the_map_name_the_median_under_a_warp():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from interactive_hpo.plots.surrogate import SurrogateCurve

    try:
        for view, centre in ((view_of(), "median"), (view_of("none"), "mean")):
            belief = view.predict(CURVE.points)
            curve = SurrogateCurve().update(CURVE.axis, belief)
            labels = [text.get_text() for text in curve.ax.get_legend().get_texts()]
            assert f"posterior {centre}" in labels and f"posterior {'mean' if centre == 'median' else 'median'}" \
                not in labels
            m = len(CURVE.points)
            outline = curve.bands[1].get_paths()[0].vertices[:, 1]  # the dark band: lower ends, then upper reversed
            np.testing.assert_allclose(outline[1:m + 1], belief.interval[0])
            np.testing.assert_allclose(outline[m + 2:2 * m + 2][::-1], belief.interval[1])
    finally:
        plt.close("all")
