"""ParEGO: BO of several objectives through random Chebyshev scalarizations (issue 27, item 3)."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.optimizers.bayes.parego import chebyshev
from interactive_hpo.pareto import hypervolume

SPACE = SearchSpace([Float("x0", 0.0, 1.0), Float("x1", 0.0, 1.0)])
FAST = {"n_initial": 5, "num_restarts": 2, "raw_samples": 64}


def zdt1(p):
    """ZDT1 in 2-D: the front is x1 = 0, f2 = 1 - sqrt(f1)."""
    g = 1.0 + 9.0 * p["x1"]
    return p["x0"], g * (1.0 - np.sqrt(p["x0"] / g))


@pytest.fixture(scope="module")
def parego():
    study = Study(SPACE, "parego", directions=["minimize", "minimize"], seed=0, optimizer_settings=FAST)
    study.run(zdt1, n_trials=14, progress=False)
    return study


def test_the_scalarization_is_augmented_chebyshev_on_scaled_losses():
    losses = np.array([[0.0, 4.0], [2.0, 0.0], [1.0, 1.0]])
    weights = np.array([0.25, 0.75])
    scaled = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.25]])
    expected = (scaled * weights).max(axis=1) + 0.05 * (scaled * weights).sum(axis=1)
    np.testing.assert_allclose(chebyshev(losses, weights), expected)


def test_each_proposal_records_its_trade_off_and_the_trade_offs_vary(parego):
    weights = [t.user_attrs["parego_weights"] for t in parego.trials if "parego_weights" in t.user_attrs]
    assert len(weights) == 14 - FAST["n_initial"]
    assert all(len(w) == 2 and abs(sum(w) - 1.0) < 1e-12 for w in weights)
    assert np.std([w[0] for w in weights]) > 0.1  # they sweep the trade-offs, not one fixed blend


def test_the_model_shows_the_scalarized_objective_and_a_past_step_its_own(parego):
    optimizer = parego.optimizer
    view = parego.surrogate()
    losses = np.array([t.values for t in parego.trials])
    np.testing.assert_allclose(view.losses, chebyshev(losses, optimizer.weights()))
    step = parego.trials[-1]
    past = parego.surrogate(step=step.number)
    known = np.array([t.values for t in parego.trials[:step.number]])
    np.testing.assert_allclose(past.losses, chebyshev(known, np.array(step.user_attrs["parego_weights"])))


def test_it_finds_a_better_front_than_random_search_with_the_same_trials(parego):
    random = Study(SPACE, "random", directions=["minimize", "minimize"], seed=0)
    random.run(zdt1, n_trials=14, progress=False)

    def front_volume(study):
        return hypervolume(np.array([t.values for t in study.trials]), reference=[1.1, 11.0])

    assert front_volume(parego) > front_volume(random)
    assert parego.best_trials and all(t.values[0] <= 1.0 for t in parego.best_trials)
