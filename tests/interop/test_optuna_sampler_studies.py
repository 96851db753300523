"""One IHPOSampler serving several Optuna studies of one name: each as a new sampler would."""

from __future__ import annotations

import pickle

import pytest

optuna = pytest.importorskip("optuna")

from interactive_hpo.interop import IHPOSampler  # noqa: E402
from interactive_hpo.interop.optuna_notices import PROPOSAL_KEY  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def first(trial):
    return trial.suggest_float("x", 0.0, 1.0)


def second(trial):
    return trial.suggest_float("z", 0.0, 1.0) + trial.suggest_int("n", 1, 4)


def proposed(study):
    """Trial number -> the parameters the sampler proposed in it (written to the trial)."""
    return {t.number: sorted(t.system_attrs[PROPOSAL_KEY]["params"]) for t in study.trials
            if PROPOSAL_KEY in t.system_attrs}


@pytest.fixture(scope="module")
def fresh():
    study = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    study.optimize(second, n_trials=5)
    return study


def test_two_studies_in_memory_with_one_name_are_two_studies(fresh):
    # Keyed by name, the second study took the first's cached search space and proposals:
    # proposals for "x" (which it never suggests) on trials 0-1, the rest drawn at random.
    sampler = IHPOSampler("sobol", seed=0)
    optuna.create_study(study_name="tune", sampler=sampler).optimize(first, n_trials=4)
    again = optuna.create_study(study_name="tune", sampler=sampler)
    again.optimize(second, n_trials=5)
    assert proposed(again) == {n: ["n", "z"] for n in range(1, 5)} == proposed(fresh)
    assert [t.params for t in again.trials[1:]] == [t.params for t in fresh.trials[1:]]
    assert sorted(sampler.proposals) == [1, 2, 3, 4]  # this study's, not mixed with the first's


def test_a_study_deleted_and_created_again_is_a_new_study(tmp_path, fresh):
    storage = f"sqlite:///{tmp_path / 'tune.db'}"
    sampler = IHPOSampler("sobol", seed=0)
    optuna.create_study(study_name="tune", storage=storage, sampler=sampler).optimize(first, n_trials=4)
    optuna.delete_study(study_name="tune", storage=storage)  # the experiment started over
    again = optuna.create_study(study_name="tune", storage=storage, sampler=sampler)
    again.optimize(second, n_trials=5)
    assert proposed(again) == proposed(fresh)  # was ["x"] on every trial, "z" and "n" at random
    assert [t.params for t in again.trials[1:]] == [t.params for t in fresh.trials[1:]]


def test_a_pickled_sampler_keeps_its_proposals_and_goes_on_in_the_study(fresh):
    sampler = IHPOSampler("sobol", seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(second, n_trials=3)
    twin = pickle.loads(pickle.dumps(sampler))
    assert twin.proposals == sampler.proposals
    study.sampler = twin  # reads its earlier proposals from the trials, as a new sampler would
    study.optimize(second, n_trials=2)
    assert [t.params for t in study.trials[1:]] == [t.params for t in fresh.trials[1:]]


def test_the_proposals_of_a_study_under_optuna_s_hyperband_pruner_are_all_kept():
    # The pruner hands the sampler a new view of the study for each trial: its records lasted one trial (r424).
    sampler = IHPOSampler("sobol", seed=0)
    study = optuna.create_study(sampler=sampler, pruner=optuna.pruners.HyperbandPruner(1, 3))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=8)
    assert sorted(sampler.proposals) == list(range(1, 8))
