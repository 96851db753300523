"""GaussianProcessBO on conditional spaces (issue 24, item 2): inactive coordinates imputed at
the centre in the data, ignored by the acquisition search, and an all-discrete conditional
space searched without repeats until it is used up."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, Int, SearchExhausted, SearchSpace, Study  # noqa: E402
from interactive_hpo.conditions import INACTIVE_UNIT  # noqa: E402
from interactive_hpo.optimizers.bayes.conditional import ActiveOnly  # noqa: E402
from interactive_hpo.optimizers.bayes.search import best_new  # noqa: E402

FAST = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64}

#: An SVM-like space: gamma matters only for rbf; the linear kernel's loss depends on C only.
SVM = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 1e-2, 1e2, log=True),
                   Float("gamma", 1e-3, 1e1, log=True, condition=("kernel", "rbf"))])


def svm_loss(params):
    c = np.log10(params["C"])
    if params["kernel"] == "linear":
        return 0.5 + 0.05 * (c - 1) ** 2
    return 0.1 + 0.05 * (c - 1) ** 2 + 0.1 * (np.log10(params["gamma"]) + 1) ** 2


@pytest.fixture(scope="module")
def svm_study():
    study = Study(SVM, "bo", seed=0, optimizer_settings=FAST)
    study.run(svm_loss, n_trials=10)
    return study


def test_trials_are_valid_and_inactive_coordinates_sit_at_the_centre(svm_study):
    model_based = [t for t in svm_study.trials if t.user_attrs.get("phase") == "bo"]
    assert len(model_based) == 6
    for trial in svm_study.trials:
        assert SVM.validate(trial.params) == trial.params
        if trial.params["kernel"] == "linear":
            assert trial.x[2] == INACTIVE_UNIT
    # The model found the better branch: its proposals go to rbf.
    assert sum(t.params["kernel"] == "rbf" for t in model_based) >= 4


def test_the_acquisition_ignores_inactive_coordinates(svm_study):
    optimizer = svm_study.optimizer
    fit = optimizer._fitted(np.random.default_rng(0))
    acquisition = ActiveOnly(optimizer._acquisition(fit.model, seed=0), SVM)
    linear = torch.tensor([[[0.25, 0.6, g]] for g in (0.0, 0.3, INACTIVE_UNIT, 1.0)], dtype=torch.float64)
    values = acquisition(linear)
    assert torch.allclose(values, values[2].expand_as(values))
    found = acquisition.value_and_gradient(linear.numpy()[:, 0, :])
    assert found is not None
    closed_values, gradient = found
    np.testing.assert_allclose(closed_values, values.numpy(), rtol=1e-12)
    assert np.all(gradient[:, 2] == 0) and np.any(gradient[:, 1] != 0)
    rbf = linear.clone()
    rbf[..., 0] = 0.75
    assert not torch.allclose(acquisition(rbf), acquisition(rbf)[2].expand(4))  # gamma is active there


def test_an_all_discrete_conditional_space_is_searched_without_repeats_until_used_up():
    space = SearchSpace([Int("layers", 1, 3), Categorical("act", ["relu", "tanh"]),
                         Int("width2", 1, 3, condition=("layers", [2, 3])),
                         Int("width3", 1, 2, condition=("layers", 3))])
    size = len(space.grid(3))
    assert size == 2 + 2 * 3 + 2 * 3 * 2
    study = Study(space, "bo", seed=0, optimizer_settings=FAST)
    study.run(lambda p: p["layers"] + 0.1 * p.get("width2", 0), n_trials=size)
    keys = [json.dumps(dict(t.params), sort_keys=True) for t in study.trials]
    assert len(set(keys)) == size
    with pytest.raises(SearchExhausted):
        study.ask()


def test_a_batch_on_a_conditional_space_gives_valid_distinct_configurations(svm_study):
    fork = Study(SVM, "bo", seed=1, optimizer_settings=FAST)
    for trial in svm_study.trials:
        fork.add_completed(trial.params, trial.value, source="copied")
    batch = fork.ask_batch(3)
    assert len({json.dumps(dict(t.params), sort_keys=True) for t in batch}) == 3
    for trial in batch:
        assert SVM.validate(trial.params) == trial.params


@pytest.mark.parametrize("acquisition", ["thompson", "mes", "ucb"])
def test_every_kind_of_acquisition_proposes_on_a_conditional_space(acquisition):
    """Thompson sampling with categories (a ``bayes.paths`` path) and MES are searched through
    the conditional wrapper like the closed forms: every proposal a valid configuration."""
    study = Study(SVM, "bo", seed=0, optimizer_settings={**FAST, "acquisition": acquisition})
    study.run(svm_loss, n_trials=6, progress=False)
    assert [t.user_attrs.get("acquisition") for t in study.trials[4:]] == [acquisition] * 2
    assert all(SVM.validate(t.params) == t.params for t in study.trials)


#: A k-NN / SVM space: the k-NN branch has no active float, so its configurations are few.
KNN_SVM = SearchSpace([Categorical("model", ["knn", "svm"]),
                       Int("n_neighbors", 1, 15, condition=("model", "knn")),
                       Categorical("weights", ["uniform", "distance"], condition=("model", "knn")),
                       Float("C", 1e-3, 1e3, log=True, condition=("model", "svm"))])


def knn_svm_loss(params):
    if params["model"] == "knn":
        return 0.05 + abs(params["n_neighbors"] - 5) * 0.01 + (params["weights"] == "uniform") * 0.01
    return 0.2 + abs(np.log10(params["C"]) - 1) * 0.05


def repeated(study):
    keys = [json.dumps(dict(t.params), sort_keys=True) for t in study.trials]
    return [i for i, key in enumerate(keys) if key in keys[:i]]


def test_a_branch_without_an_active_float_is_not_proposed_again():
    """A search point keeps whatever its inactive coordinates drifted to, a trial's point has
    them at the centre: compared as they were, the best k-NN configuration looked new and was
    proposed again (10 of 25 trials at the default settings, one of these 12)."""
    study = Study(KNN_SVM, "bo", seed=0, optimizer_settings=FAST)
    study.run(knn_svm_loss, n_trials=12)
    assert repeated(study) == []
    assert study.best_value == pytest.approx(0.05)


@pytest.mark.parametrize("name", ["bo", "parego", "ehvi"])
def test_the_initial_design_skips_configurations_taken_on_a_conditional_space(name):
    """A Sobol point in the branch without a float is often one evaluated (trial 6 repeated
    trial 1)."""
    space = SearchSpace([Categorical("k", ["a", "b"]), Int("n", 1, 3), Float("z", 0, 1, condition=("k", "b"))])
    two = name != "bo"
    study = Study(space, name, seed=0, directions=["minimize", "minimize"] if two else None,
                  optimizer_settings={"n_initial": 8})
    study.run(lambda p: (p["n"], -p["n"]) if two else p["n"], n_trials=8)
    assert [t.user_attrs["phase"] for t in study.trials] == ["initial"] * 8 and repeated(study) == []


def test_the_search_compares_points_where_their_configurations_are():
    """Two points that differ only in an inactive coordinate are the same configuration."""
    linear = SVM.to_unit({"kernel": "linear", "C": 1.0})
    drifted = linear.copy()
    drifted[2] = 0.9  # gamma, inactive for the linear kernel
    points = torch.tensor(np.array([[drifted], [SVM.to_unit({"kernel": "rbf", "C": 1.0, "gamma": 0.1})]]))
    values = torch.tensor([2.0, 1.0], dtype=torch.float64)
    assert best_new(points, values, linear[None]) == 0  # compared as they are: new
    assert best_new(points, values, linear[None], SVM.canonical) == 1
