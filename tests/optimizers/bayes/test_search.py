"""The mixed acquisition search: many-level integers move in large steps and every category is
tried. (That each start keeps its own line search is checked where it once failed:
``test_proposal_maximizes_the_plotted_acquisition[logei]`` in test_optimizer.py.)"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from interactive_hpo.optimizers.bayes.search import (  # noqa: E402
    LISTED_LEVELS,
    RELAXED_LEVELS,
    IntBins,
    bin_centres,
    mixed_search,
)

LEVELS = {0: list((np.arange(500) + 0.5) / 500), 1: [1 / 6, 1 / 2, 5 / 6]}  # a 500-level int, 3 categories


def acquisition(X):
    """Best at x0 = 0.37, x2 = 0.8, in the middle category; a smooth function of the others."""
    category_bonus = torch.where((X[..., 1] - 0.5).abs() < 1e-9, 1.0, 0.0)
    return (-(X[..., 0] - 0.37) ** 2 - (X[..., 2] - 0.8) ** 2 + category_bonus).sum(-1)


def test_mixed_search_finds_a_many_level_integer_and_the_category_away_from_the_incumbent():
    assert len(LEVELS[0]) > RELAXED_LEVELS
    incumbent = np.array([LEVELS[0][10], 1 / 6, 0.1])  # far along the integer, in a wrong category
    x, value = mixed_search(acquisition, 3, LEVELS, seed=0, raw_samples=16, num_restarts=2, start=incumbent)
    assert x.shape == (1, 3)
    assert x[0, 1] == pytest.approx(0.5) and x[0, 0] == pytest.approx(0.37, abs=1.5 / 500)
    assert x[0, 0] in LEVELS[0] and x[0, 2] == pytest.approx(0.8, abs=1e-4)
    assert value == pytest.approx(float(acquisition(torch.tensor(x).unsqueeze(0))), rel=1e-12)


@pytest.mark.parametrize("n_levels", [1, 2, 3, 50])
def test_snapping_to_listed_levels_is_to_the_nearest_one(n_levels):
    from interactive_hpo.optimizers.bayes.search import _snap

    rng = np.random.default_rng(n_levels)
    levels = np.sort(rng.random(n_levels))  # one level: a one-choice categorical, which broke the binary search
    X = torch.tensor(rng.random((200, 1, 2)) * 1.4 - 0.2)  # beyond both ends too
    nearest = levels[np.abs(X[..., 0].numpy().reshape(-1, 1) - levels).argmin(axis=1)]
    np.testing.assert_array_equal(_snap(X, {0: levels})[..., 0].numpy().reshape(-1), nearest)


def test_an_integer_too_wide_to_list_is_searched_without_listing_it():
    # The UI fuzz: Int("n", 0, 10**15) under "bo" listed every level (7.45 GB) and the kernel died.
    from interactive_hpo import Categorical, Float, Int, SearchSpace, Study

    wide = Int("n", 0, 10**15)
    assert isinstance(bin_centres(wide), IntBins) and len(bin_centres(Int("m", 0, LISTED_LEVELS - 1))) == LISTED_LEVELS
    space = SearchSpace([wide, Int("seed", 1, 10**9, log=True), Categorical("c", ["a", "b"]), Float("x", 0, 1)])
    study = Study(space, "bo", seed=0, optimizer_settings={"n_initial": 3, "num_restarts": 2, "raw_samples": 32})
    study.run(lambda p: abs(p["n"] / 1e15 - 0.3) + abs(p["x"] - 0.6) + (p["c"] == "a"), n_trials=6)
    assert all(t.state.value == "COMPLETE" for t in study.trials) and study.trials[-1].user_attrs["phase"] == "bo"
    batch = study.ask_batch(2)  # the joint search, where BoTorch takes the listed levels only
    assert all(space.validate(t.params) == t.params for t in batch)
    bins = IntBins(wide)
    assert (bins.first, bins.last) == (wide.to_unit(0), wide.to_unit(10**15))
    np.testing.assert_array_equal(bins.nearest(np.array([0.0, 0.5, 1.0])),
                                  [wide.to_unit(0), wide.to_unit(5 * 10**14), wide.to_unit(10**15)])


def test_numpy_log_ei_is_botorchs_far_into_both_tails():
    """The search's log-EI (NumPy) is BoTorch's ``_log_ei_helper``, which the plots use."""
    from interactive_hpo._compat import botorch_ei_helpers
    from interactive_hpo.optimizers.bayes.acquisition import log_ei_helper

    z = np.concatenate([-np.logspace(10, 0, 60), np.linspace(-1.5, 30, 80)])
    expected = botorch_ei_helpers()[1](torch.as_tensor(z, dtype=torch.float64)).numpy()
    assert np.all(np.isfinite(log_ei_helper(z)))
    np.testing.assert_allclose(log_ei_helper(z), expected, rtol=1e-12, atol=1e-300)
