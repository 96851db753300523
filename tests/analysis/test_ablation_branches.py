"""Ablation paths between branches of a conditional space (audit a428): a step that switches a
branch on takes its children at the end's values, and every step is a real change."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo import Study
from interactive_hpo.analysis import ablation_path, study_ablation

from ..model_spaces import MODELS


def objective(p):
    """Known in closed form: a linear SVM 0.8 (+ C's term), an rbf one best at gamma = 0.01,
    the trees best at 100 estimators and depth 6."""
    v = p["scale"]
    if p["model"] == "svm":
        v += abs(math.log10(p["C"])) * 0.1 + (abs(math.log10(p["gamma"]) + 2) * 0.1 if p["kernel"] == "rbf" else 0.3)
    else:
        v += abs(math.log10(p["n_estimators"]) - 2) * 0.2 + abs(p["max_depth"] - 6) * 0.02 + \
            (abs(math.log10(p["lr"]) + 1) * 0.1 if p["model"] == "boosting" else 0.2)
    return v


def exact(X):
    return np.array([objective(MODELS.from_unit(x)) for x in X])


def decoded(path):
    return [MODELS.from_unit(x) for x in path.points]


def assert_real_steps(path, start, end):
    """Every point is a configuration's encoding, the first ``start``, the last ``end``, and each
    step changes the configuration, the parameter named among what changed."""
    np.testing.assert_array_equal(path.points[[0, -1]], [MODELS.to_unit(start), MODELS.to_unit(end)])
    configs = decoded(path)
    for x in path.points:
        np.testing.assert_array_equal(x, MODELS.snap(x))
    for name, before, after in zip(path.steps, configs, configs[1:], strict=False):
        assert before != after and before.get(name) != after.get(name)
    assert len(path.steps) == len(path.losses) - 1


def test_a_path_from_one_model_to_another_is_one_step_of_the_model():
    # Before: steps ('kernel', 'model', 'n_estimators', 'max_depth'), shares [5.1, -4.1, 0, 0]:
    # "kernel" set the placeholder 0.5 (rbf, gamma at its centre: neither end has it) and the
    # last two steps moved n_estimators and max_depth from their centres to the values they
    # already decoded to.
    start = {"model": "svm", "C": 1.0, "kernel": "linear", "scale": 0.5}
    end = {"model": "forest", "n_estimators": 70, "max_depth": 7, "scale": 0.5}
    path = ablation_path(exact, MODELS, start, end)
    assert path.steps == ("model",) and path.shares.tolist() == [1.0]
    assert path.losses.tolist() == [objective(start), objective(end)]
    assert_real_steps(path, start, end)


def test_a_branch_switched_on_takes_the_end_s_values_and_shared_children_are_steps():
    start = {"model": "svm", "C": 1.0, "kernel": "linear", "scale": 0.9}
    end = {"model": "svm", "C": 10.0, "kernel": "rbf", "gamma": 0.01, "scale": 0.5}
    path = ablation_path(exact, MODELS, start, end)
    # kernel (0.3 -> 0 with gamma at its best) gains 0.3, scale 0.4, C loses 0.1: best first.
    assert path.steps == ("scale", "kernel", "C")
    np.testing.assert_allclose(path.gains, [0.4, 0.3, -0.1])
    assert math.isclose(decoded(path)[2]["gamma"], 0.01)  # switched on at the end's gamma, in the kernel's step
    assert_real_steps(path, start, end)


@pytest.mark.parametrize("seed", range(3))
def test_random_pairs_of_configurations_walk_only_real_steps(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        start, end = (MODELS.from_unit(rng.random(MODELS.dim)) for _ in range(2))
        assert_real_steps(ablation_path(exact, MODELS, start, end), start, end)


def test_a_surrogate_s_path_from_a_forest_to_an_rbf_svm_steps_through_configurations():
    # Only the model and, for an rbf SVM, gamma matter (audit a428's anal.py).
    def f(p):
        if p["model"] == "svm":
            return 0.2 + (abs(math.log10(p["gamma"]) + 2) * 0.3 if p["kernel"] == "rbf" else 0.6)
        return 1.0 if p["model"] == "forest" else 1.2

    study = Study(MODELS, "random", seed=0)
    study.run(f, n_trials=60, progress=False)
    start = {"model": "forest", "n_estimators": 100, "max_depth": 5, "scale": 0.5}
    path = study_ablation(study, start, surrogate="forest")
    assert path.steps[0] == "model" and path.shares[0] > 0.8
    assert_real_steps(path, start, study.best_trial.params)
