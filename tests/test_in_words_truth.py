"""``KernelSummary.in_words`` says what each number is (audit a450): the lengthscale fitted with a
prior (MAP), flagged when it sits at its lower bound; the signal taken from the data's spread,
not fitted; the noise learned, or fixed at a jitter on a function treated as noise-free."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo.views import KernelSummary

pytest.importorskip("botorch")

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Forrester  # noqa: E402


def test_fixed_noise_is_said_fixed_not_a_scatter():
    words = KernelSummary({"x0": (0.15, "units")}, 8.29, 0.0239, "matern", "warm", noise="fixed").in_words()
    assert "fixed: a small jitter (0.0029 of the signal); the model treats the function as noise-free" in words
    assert "would scatter" not in words and "not fitted" in words and "MAP" in words


def test_learned_noise_keeps_its_scatter():
    words = KernelSummary({"x0": (0.15, "units")}, 2.0, 0.5, "matern", "warm", noise="learned").in_words()
    assert "learned: repeated evaluations would scatter by about that (noticeable noise)" in words


def test_a_lengthscale_at_its_bound_is_flagged_not_read_as_a_fit():
    words = KernelSummary({"x0": (0.025, "units"), "c": (0.025, "categorical")}, 1.0, 0.01, "matern", "warm",
                          noise="fixed", at_bound=("x0", "c")).in_words()
    assert words.count("at its lower bound: the model sees changes faster than it can express") == 2
    assert "changes a lot over" not in words and "choices are" not in words


@pytest.fixture(scope="module")
def near_ties():
    """Forrester seed 15, three Sobol points, noise fixed, Thompson: after two steps three points by
    the local minimum are near-ties and the lengthscale sits at its bound (notebook 03, section 7)."""
    forrester = Forrester()
    study = Study(forrester.space, "bo", seed=15,
                  optimizer_settings={"n_initial": 3, "noise": "fixed", "acquisition": "thompson"})
    study.run(forrester, n_trials=5)
    return study


def test_the_view_records_fixed_noise_and_the_bound(near_ties):
    view = near_ties.surrogate()
    h = view.hyperparameters
    assert h.noise == "fixed" and h.at_bound == ("x0",)
    assert math.isclose(h.lengthscales["x0"][0], 0.025, rel_tol=1e-3)
    assert "x0: lengthscale 0.025 units, at its lower bound" in h.in_words() and "noise-free" in h.in_words()
    # The jitter: 1e-5 of the fitted values' variance (ddof 0) against the standardized spread (ddof 1).
    n = len(view.losses)
    assert math.isclose(h.noise_std / h.signal_std, math.sqrt(1e-5 * (n - 1) / n), rel_tol=1e-6)
    # The signal: the spread of the values the GP was fitted on, in objective units, to every digit.
    assert math.isclose(h.signal_std, np.std(view.seen, ddof=1) * view.factor * view.warp.mean_slope, rel_tol=1e-9)


def test_learned_noise_and_a_free_lengthscale(near_ties):
    h = near_ties.surrogate(noise="learned", output_warp="none").hyperparameters
    assert h.noise == "learned" and h.at_bound == ()
    assert "learned: repeated evaluations would scatter" in h.in_words() and "lower bound" not in h.in_words()


def test_a_what_if_or_a_fallback_is_not_called_a_map_fit():
    """r454: a what-if's lengthscales (the fit's times a factor, clamped at the bound) and a failed
    fit's were said to be the most probable under the prior, and a clamp the model's doing."""
    asked = KernelSummary({"x0": (0.025, "units")}, 1.0, 0.01, "matern", "what-if: lengthscales x0.1", noise="fixed",
                          at_bound=("x0",)).in_words()
    assert "MAP" not in asked and "scaled by the what-if" in asked and "the what-if asked for less" in asked
    assert "faster than it can express" not in asked
    failed = KernelSummary({"x0": (0.3, "units")}, 1.0, 0.01, "matern", "fallback: prior", noise="fixed").in_words()
    assert "MAP" not in failed and "the fit failed" in failed


def test_a_summary_that_did_not_record_its_noise_claims_neither():
    words = KernelSummary({"x0": (0.3, "units")}, 1.0, 0.01, "matern", "warm").in_words()
    assert "learned or fixed: not recorded" in words and "would scatter" not in words
