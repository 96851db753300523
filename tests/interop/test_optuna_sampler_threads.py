"""IHPOSampler under Optuna's threads (``n_jobs > 1``): each proposal is pending for the others."""

from __future__ import annotations

import collections
import copy
import time
import warnings

import pytest

optuna = pytest.importorskip("optuna")

from interactive_hpo.interop import IHPOSampler  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x, n = trial.suggest_float("x", 0.0, 1.0), trial.suggest_int("n", 0, 3)
    time.sleep(0.01)  # long enough that the workers' trials overlap, as real trainings do
    return (x - 0.3) ** 2 + n


@pytest.mark.parametrize("optimizer", ["random", "sobol"])
def test_four_workers_are_never_handed_the_same_configuration(optimizer):
    # Without a lock each thread rebuilt the optimizer while another's proposal was not stored yet
    # (no params, no proposal: unknown) and got the same point: 4 to 11 repeats in 40 trials (a403).
    repeats = []
    for seed in range(3):
        study = optuna.create_study(sampler=IHPOSampler(optimizer, seed=seed))
        study.optimize(objective, n_trials=24, n_jobs=4)
        seen = collections.Counter((t.params["x"], t.params["n"]) for t in study.trials)
        repeats.append(sum(count - 1 for count in seen.values()))
    assert repeats == [0, 0, 0]


def test_a_copy_of_the_sampler_has_its_own_lock_and_proposals():
    sampler = IHPOSampler("sobol", seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=3)
    twin = copy.deepcopy(sampler)
    assert twin.proposals == sampler.proposals and twin._lock is not sampler._lock
    optuna.create_study(sampler=twin).optimize(objective, n_trials=2)


def suggest(trial):
    return trial.suggest_float("x", 0.0, 1.0), trial.suggest_int("n", 0, 3)


def test_two_processes_on_one_storage_know_each_others_trials_being_sampled():
    # Two samplers on one storage, as two processes have them: the second samples while the
    # first's trial has no params yet. Its proposal, written to the trial, makes it pending (and,
    # the sampler being alike, the Sobol sequence goes on); before, both got the same point.
    storage = optuna.storages.InMemoryStorage()
    first = optuna.create_study(storage=storage, study_name="shared", sampler=IHPOSampler("sobol", seed=0))
    second = optuna.load_study(storage=storage, study_name="shared", sampler=IHPOSampler("sobol", seed=0))
    first.optimize(lambda t: sum(suggest(t)), n_trials=2)
    alone = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    alone.optimize(lambda t: sum(suggest(t)), n_trials=8)
    for _ in range(3):
        trials = first.ask(), second.ask()
        points = [suggest(trial) for trial in trials]
        for study, trial, point in zip((first, second), trials, points, strict=True):
            study.tell(trial, sum(point))
    assert [(t.params["x"], t.params["n"]) for t in first.trials] == [suggest(t) for t in alone.trials]


def test_a_new_sampler_on_a_resumed_study_goes_on_with_the_proposals_stored_in_the_trials():
    storage = optuna.storages.InMemoryStorage()
    optuna.create_study(storage=storage, study_name="resumed", sampler=IHPOSampler("sobol", seed=0)).optimize(
        lambda t: sum(suggest(t)), n_trials=4)
    resumed = optuna.load_study(storage=storage, study_name="resumed", sampler=IHPOSampler("sobol", seed=0))
    resumed.optimize(lambda t: sum(suggest(t)), n_trials=2)
    alone = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    alone.optimize(lambda t: sum(suggest(t)), n_trials=6)
    assert [t.params for t in resumed.trials] == [t.params for t in alone.trials]
    assert sorted(resumed.sampler.proposals) == [4, 5]  # this sampler's own, as before


def test_from_optuna_reads_the_stored_proposals_as_the_samplers_own_records():
    from interactive_hpo.interop import from_optuna

    theirs = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    theirs.optimize(lambda t: sum(suggest(t)), n_trials=4)
    assert "ihpo:proposal" in theirs.trials[1].system_attrs
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "left out system attributes"
        assert len(from_optuna(theirs, "random", seed=0).trials) == 4
