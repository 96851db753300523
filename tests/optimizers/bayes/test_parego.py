"""ParEGO: BO of several objectives through random Chebyshev scalarizations (issue 27, item 3)."""

from __future__ import annotations

import shutil

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


# -- each proposal's GP is fitted to its own scalarization ---------------------------------------------
def standardized(values):
    """``values`` of shape (n,) less their mean, over their standard deviation (as BoTorch's
    ``Standardize`` shows a GP its targets, up to the degrees of freedom)."""
    values = np.asarray(values, dtype=float)
    return (values - values.mean()) / values.std()


@pytest.fixture(scope="module")
def nine(tmp_path_factory):
    """A journaled ParEGO study (no output warp: the GP sees -scalarization, standardized) of 9
    trials, its GP in charge, and a copy of its journal."""
    folder = tmp_path_factory.mktemp("parego")
    study = Study(SPACE, "parego", directions=["minimize", "minimize"], seed=0, storage=folder / "live.jsonl",
                  optimizer_settings={**FAST, "output_warp": "none"})
    study.run(zdt1, n_trials=9, progress=False)
    return folder


@pytest.mark.parametrize("before", ["pending", "pruned"])
def test_a_proposal_s_gp_is_fitted_to_its_own_weights_after_an_ask_that_brought_no_data(nine, tmp_path, before):
    """Two workers (the first ask still running), or a trial a person stopped (one pruned before
    reporting is a failure, data): no data arrived since the last fit, but the next ask draws
    other weights; its GP models that scalarization, not the last one's."""
    shutil.copy(nine / "live.jsonl", tmp_path / "study.jsonl")
    study = Study.load(tmp_path / "study.jsonl")
    first = study.ask()
    if before == "pruned":
        study.stop(first)
        assert study.tell(first, state="PRUNED").user_attrs["pruned_by"] == "human"
    second = study.ask()
    weights = [np.array(t.user_attrs["parego_weights"]) for t in (first, second)]
    assert not np.allclose(*weights)
    losses = np.array([t.values for t in study.trials if t.values is not None])
    fitted = study.optimizer._fits.fit.model.train_targets.numpy()  # the fit the second ask used
    np.testing.assert_allclose(standardized(fitted), standardized(-chebyshev(losses, weights[1])), atol=1e-9)


def test_another_study_on_the_journal_while_a_trial_runs_asks_what_the_live_study_would(nine, tmp_path):
    """A second worker opening the journal while the first one's trial runs proposes what the
    first would propose next: both fit the new weights' scalarization from the running trial's fit."""
    shutil.copy(nine / "live.jsonl", tmp_path / "study.jsonl")
    live = Study.load(tmp_path / "study.jsonl")
    live.ask()
    expected = live.optimizer.propose()
    other = Study.load(tmp_path / "study.jsonl")  # sees that trial running: pending
    asked = other.ask()
    np.testing.assert_array_equal(asked.x, expected.x)
    assert asked.user_attrs["gp_state"] == expected.info["gp_state"]


def test_a_what_if_with_another_rho_fits_that_scalarization(nine, tmp_path):
    """``surrogate(rho=...)`` shares the fit held for rho = 0.05 only if it models the same losses."""
    shutil.copy(nine / "live.jsonl", tmp_path / "study.jsonl")
    study = Study.load(tmp_path / "study.jsonl")
    study.optimizer.propose()  # holds the fit of rho = 0.05
    view = study.optimizer.surrogate(rho=1.0)
    losses = chebyshev(np.array([t.values for t in study.trials]), study.optimizer.weights(), rho=1.0)
    np.testing.assert_allclose(view.losses, losses)
    np.testing.assert_allclose(standardized(view.model.train_targets.numpy()), standardized(-losses), atol=1e-9)
