"""Ready-made tasks: each builds, has a mixed space, and evaluates one configuration quickly."""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError
from interactive_hpo.objectives.sklearn_cv import SklearnCV
from interactive_hpo.objectives.tasks import (
    TASKS,
    make_task,
    mlp_digits,
    ridge_diabetes,
    svm_digits,
)

pytest.importorskip("sklearn")

NAMES = ["svm_digits", "random_forest_breast_cancer", "gradient_boosting_wine", "mlp_digits", "mlp_layers_digits",
         "ridge_diabetes"]


def test_registry_lists_every_task():
    assert sorted(TASKS) == sorted(NAMES)
    assert TASKS["svm_digits"] is svm_digits


@pytest.mark.parametrize("name", NAMES)
def test_task_builds_with_a_mixed_space_and_evaluates(name):
    objective = make_task(name, seed=0, cv=3)
    assert isinstance(objective, SklearnCV)
    assert (objective.name, objective.seed, objective.cv, objective.direction) == (name, 0, 3, "maximize")
    params = list(objective.space)
    assert any(isinstance(p, Float) and p.log for p in params)
    assert any(isinstance(p, Int) for p in params)
    assert any(isinstance(p, Categorical) for p in params)

    config = objective.space.sample(1, np.random.default_rng(1))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a task's evaluation must not spam warnings
        result = objective(config)  # how long it takes is a benchmark figure, not a test
    assert math.isfinite(result.value)
    assert json.dumps(dict(result.user_attrs), allow_nan=False)
    assert len(result.user_attrs["fold_scores"]) == 3


def test_mlp_convergence_warnings_are_silenced_deliberately():
    objective = mlp_digits(seed=0, cv=2)
    slow = {"learning_rate_init": 1e-4, "alpha": 1e-4, "hidden_layer_sizes": 8, "activation": "relu"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning would fail here
        assert math.isfinite(objective(slow).value)


def test_tasks_are_seeded():
    params = {"ridge__alpha": 10.0, "poly__degree": 2, "poly__interaction_only": False}
    assert ridge_diabetes(seed=4, cv=3)(params).value == make_task("ridge_diabetes", seed=4, cv=3)(params).value
    assert ridge_diabetes(seed=4, cv=3)(params).value != ridge_diabetes(seed=5, cv=3)(params).value


def test_svm_kernel_parameters_exist_only_where_the_kernel_uses_them():
    space = svm_digits(seed=0, cv=2).space
    assert space.from_unit([0.5, 0.5, 0.5, 0.9]) == {"C": pytest.approx(1.0), "kernel": "linear"}
    assert set(space.from_unit([0.5, 0.5, 0.5, 0.1])) == {"C", "gamma", "kernel"}
    assert set(space.from_unit([0.5, 0.5, 0.5, 0.5])) == {"C", "gamma", "degree", "kernel"}
    with pytest.raises(InvalidParameterError, match="'gamma' applies only when kernel is 'rbf' or 'poly'"):
        space.validate({"C": 1.0, "gamma": 0.1, "kernel": "linear"})


def test_mlp_layers_become_hidden_layer_sizes_and_solver_parameters_stay_with_their_solver():
    objective = make_task("mlp_layers_digits", seed=0, cv=2)
    params = {"n_layers": 2, "width_1": 16, "width_2": 8, "solver": "sgd", "momentum": 0.9,
              "learning_rate_init": 0.05, "alpha": 1e-4}
    model = objective._configured(objective.space.validate(params))
    assert model.hidden_layer_sizes == (16, 8) and (model.solver, model.momentum) == ("sgd", 0.9)
    assert 0.5 < objective(params).value <= 1.0
    assert "momentum" not in objective.space.from_unit([0.9, 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5])


@pytest.mark.parametrize("name, message", [
    ("svm_digit", "`name` of make_task must be one of ['gradient_boosting_wine', 'mlp_digits', "
                  "'mlp_layers_digits', 'random_forest_breast_cancer', 'ridge_diabetes', 'svm_digits']; "
                  "got 'svm_digit'. Did you mean 'svm_digits'?"),
    ("xgboost", "`name` of make_task must be one of ['gradient_boosting_wine', 'mlp_digits', "
                "'mlp_layers_digits', 'random_forest_breast_cancer', 'ridge_diabetes', 'svm_digits']; got 'xgboost'."),
    (3, "`name` of make_task must be one of"),
])
def test_make_task_unknown_name(name, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        make_task(name)


def test_task_arguments_are_validated():
    """Before: named `cv` of SklearnCV, which the person did not call (objectives' fuzz round)."""
    with pytest.raises(InvalidParameterError, match=re.escape("`cv` of ridge_diabetes must be an int in [2, inf); "
                                                              "got 1.")):
        ridge_diabetes(cv=1)
