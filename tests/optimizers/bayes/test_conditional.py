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
