"""Budgets of SklearnCV: nested sample subsets, iteration-count resources, the tasks' choices, input errors."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace
from interactive_hpo.objectives.budgets import fit_order, resource_value, sample_folds
from interactive_hpo.objectives.sklearn_cv import SklearnCV
from interactive_hpo.objectives.tasks import make_task

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import Ridge, SGDClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

TREE_SPACE = SearchSpace([Int("max_depth", 1, 6)])
RIDGE_SPACE = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 4))
    return X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(scale=0.5, size=160)


@pytest.fixture(scope="module")
def imbalanced():
    """200 samples, classes of 150, 42 and 8: a rare class that small budgets could miss."""
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2], [150, 42, 8])
    X = rng.normal(size=(200, 3)) + y[:, None]
    return X, y


def tree(X, y, seed=0, **kwargs):
    return SklearnCV(DecisionTreeClassifier(max_features="sqrt"), X, y, TREE_SPACE, cv=3, seed=seed, **kwargs)


def ridge(X, y, seed=0):
    return SklearnCV(Ridge(), X, y, RIDGE_SPACE, cv=4, seed=seed)


def forest(X, y, n_estimators=18, space=None, **kwargs):
    return SklearnCV(RandomForestClassifier(n_estimators=n_estimators), X, y, space or TREE_SPACE, cv=3, seed=0,
                     **kwargs)


# -- sample budgets: nested, stratified, comparable ------------------------------------------------
@pytest.mark.parametrize("data", ["iris", "regression", "imbalanced"])
def test_sample_subsets_are_nested_and_validation_folds_whole(data, request):
    X, y = request.getfixturevalue(data)
    objective = ridge(X, y) if data == "regression" else tree(X, y)
    full = objective.fold_indices()
    smaller = objective.fold_indices(0.3)
    larger = objective.fold_indices(0.6)
    for (fit_s, val_s), (fit_l, val_l), (fit, val) in zip(smaller, larger, full, strict=True):
        assert set(fit_s) < set(fit_l) < set(fit)
        assert np.array_equal(val_s, val) and np.array_equal(val_l, val)
        assert len(fit_s) == math.ceil(0.3 * len(fit)) and len(fit_l) == math.ceil(0.6 * len(fit))
        assert set(fit) <= set(objective.train_indices) and not set(fit) & set(val)


def test_budget_one_is_the_full_budget_exactly(iris, regression):
    objectives = [(tree(*iris), {"max_depth": 3}), (ridge(*regression), {"alpha": 0.3})]
    for objective, params in objectives:
        for (fit_1, val_1), (fit, val) in zip(objective.fold_indices(1.0), objective.fold_indices(), strict=True):
            assert np.array_equal(fit_1, fit) and np.array_equal(val_1, val)  # same rows, same order
        assert objective(params, budget=1.0).value == objective(params).value


def test_smaller_budget_fits_fewer_samples_and_records_it(regression):
    objective = ridge(*regression)
    full = objective({"alpha": 0.3})
    cheap = objective({"alpha": 0.3}, budget=0.25)
    assert "budget" not in full.user_attrs  # the full budget's attrs are as before
    assert cheap.user_attrs["budget"] == 0.25
    n_fit = len(objective.fold_indices()[0][0])  # 160 * 0.75 = 120 training samples, 90 per fold
    assert cheap.user_attrs["n_train_samples"] == math.ceil(0.25 * n_fit) == 23
    assert cheap.value != full.value and json.dumps(dict(cheap.user_attrs), allow_nan=False)


def test_every_class_is_present_at_tiny_budgets(imbalanced, iris):
    for X, y in (imbalanced, iris):
        objective = tree(X, y)
        n_classes = len(np.unique(y))
        for fit, _ in objective.fold_indices(0.01):  # ceil(0.01 * n_fit) < n_classes: raised to n_classes
            assert len(fit) == n_classes and set(y[fit]) == set(range(n_classes))
        for fit, _ in objective.fold_indices(0.1):
            assert set(y[fit]) == set(range(n_classes))
        assert np.isfinite(objective({"max_depth": 2}, budget=0.01).value)


def test_sample_order_keeps_two_of_each_class_first_then_the_class_balance(imbalanced):
    X, y = imbalanced
    objective = tree(X, y)
    for (half, _), (fit, _) in zip(objective.fold_indices(0.5), objective.fold_indices(), strict=True):
        expected = np.bincount(y[fit]) * len(half) / len(fit)  # the fold's class balance
        counts = np.bincount(y[half], minlength=3)
        assert np.all(np.abs(counts - expected) <= 2) and counts[2] >= 2
    order = fit_order(np.arange(10), np.arange(10)[::-1], np.array([0] * 8 + [1] * 2))
    assert order.tolist()[:4] == [7, 9, 6, 8]  # by descending position (the rank), two per class first


def test_sample_order_is_seeded(iris):
    X, y = iris
    same = [np.array_equal(a[0], b[0]) for a, b in zip(tree(X, y, seed=3).fold_indices(0.4),
                                                         tree(X, y, seed=3).fold_indices(0.4), strict=True)]
    other = [np.array_equal(a[0], b[0]) for a, b in zip(tree(X, y, seed=3).fold_indices(0.4),
                                                          tree(X, y, seed=4).fold_indices(0.4), strict=True)]
    assert all(same) and not any(other)


def test_budget_seed_is_drawn_after_the_existing_ones(iris):
    """Adding budgets did not change the split (nor the folds or the model seed) of any seed."""
    X, y = iris
    split_seed = int(np.random.default_rng(11).integers(0, 2**31 - 1, size=3)[0])
    _, _, _, _, expected, _ = train_test_split(X, y, np.arange(len(y)), test_size=0.25, random_state=split_seed,
                                               stratify=y)
    assert np.array_equal(tree(X, y, seed=11).train_indices, expected)


def test_sample_folds_rounds_before_the_ceiling():
    folds = [(np.arange(10), np.arange(10, 12))]
    assert len(sample_folds(folds, np.arange(12), None, 0.3)[0][0]) == 3  # 0.3 * 10 = 3.0000000000000004


def test_test_score_ignores_budgets(iris):
    objective = tree(*iris)
    before = objective.test_score({"max_depth": 3})
    objective({"max_depth": 3}, budget=0.2)
    with pytest.warns(UserWarning):  # the second look warns; its score is the same full-budget one
        assert objective.test_score({"max_depth": 3}) == before


# -- parameter resources ---------------------------------------------------------------------------
def test_resource_budget_scales_the_parameter_on_whole_folds(iris):
    objective = forest(*iris, budget_resource="n_estimators")
    cheap = objective({"max_depth": 3}, budget=1 / 9)
    assert cheap.user_attrs["n_estimators"] == round(18 / 9) == 2
    assert cheap.user_attrs["n_train_samples"] == round(np.mean([len(f) for f, _ in objective.fold_indices()]))
    assert objective({"max_depth": 3}, budget=0.001).user_attrs["n_estimators"] == 1
    assert objective({"max_depth": 3}, budget=1.0).value == objective({"max_depth": 3}).value
    assert cheap.value != objective({"max_depth": 3}).value
    for (fit_b, _), (fit, _) in zip(objective.fold_indices(0.2), objective.fold_indices(), strict=True):
        assert np.array_equal(fit_b, fit)
    assert objective._configured({"max_depth": 3}).n_estimators == 18  # the estimator keeps its full value


def test_resource_inside_a_pipeline(iris):
    model = Pipeline([("scale", StandardScaler()), ("sgd", SGDClassifier(max_iter=20, tol=None))])
    objective = SklearnCV(model, *iris, SearchSpace([Float("sgd__alpha", 1e-5, 1e-1, log=True)]), cv=3, seed=0,
                          budget_resource="sgd__max_iter", ignore_warnings=(ConvergenceWarning,))
    assert objective({"sgd__alpha": 1e-3}, budget=0.25).user_attrs["sgd__max_iter"] == 5


@pytest.mark.parametrize("full, budget, expected", [(50, 1 / 9, 6), (18, 1 / 9, 2), (50, 1e-3, 1), (30, 1.0, 30),
                                                    (7, 0.5, 4), (30, 0.1, 3)])
def test_resource_value(full, budget, expected):
    assert resource_value(full, budget) == expected


# -- the tasks' resources ----------------------------------------------------------------------------
@pytest.mark.parametrize("name, resource, attr, value", [
    ("svm_digits", None, "n_train_samples", 68),
    ("random_forest_breast_cancer", "n_estimators", "n_estimators", 5),
    ("gradient_boosting_wine", "n_estimators", "n_estimators", 5),
    ("mlp_digits", "max_iter", "max_iter", 3),
    ("ridge_diabetes", None, "n_train_samples", 17),
])
def test_each_task_has_its_resource(name, resource, attr, value):
    objective = make_task(name, seed=0, cv=2)
    assert objective.budget_resource == resource
    assert resource is None or resource not in objective.space.names
    result = objective(objective.space.sample(1, np.random.default_rng(0))[0], budget=0.1)
    assert np.isfinite(result.value) and result.user_attrs[attr] == value


# -- input errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("budget, shown", [(0, "0"), (0.0, "0.0"), (1.5, "1.5"), (-0.5, "-0.5"), ("a", "'a'"),
                                           (float("nan"), "nan"), (float("inf"), "inf"), (True, "True")])
def test_bad_budgets(regression, budget, shown):
    objective = ridge(*regression)
    rule = "must be a real number in (0, 1] or None (the full budget); got"
    with pytest.raises(InvalidParameterError, match=re.escape(f"`budget` of SklearnCV.__call__ {rule} {shown}.")):
        objective({"alpha": 1.0}, budget=budget)
    with pytest.raises(InvalidParameterError, match=re.escape(f"`budget` of SklearnCV.fold_indices {rule} {shown}.")):
        objective.fold_indices(budget)


FOREST_INTS = "RandomForestClassifier's positive int parameters: min_samples_leaf, min_samples_split, n_estimators."

RESOURCE_RULE = ("`budget_resource` of SklearnCV must be None (a fraction of the training samples) or the name of "
                 "a positive int parameter of RandomForestClassifier; got")


@pytest.mark.parametrize("resource, space, message", [
    ("n_estimator", None, f"{RESOURCE_RULE} 'n_estimator'. {FOREST_INTS}"),
    (5, None, f"{RESOURCE_RULE} 5. {FOREST_INTS}"),
    ("max_depth", SearchSpace([Float("max_features", 0.1, 1.0)]),
     f"{RESOURCE_RULE} 'max_depth'. RandomForestClassifier has max_depth=None; a budget scales a positive int "
     "(its full-budget value), so set one on the estimator, e.g. max_depth=100."),
    ("max_features", None, f"{RESOURCE_RULE} 'max_features'. RandomForestClassifier has max_features='sqrt'"),
    ("n_estimators", SearchSpace([Int("n_estimators", 5, 50)]),
     "`budget_resource` of SklearnCV must be a parameter that is not in the search space; got 'n_estimators'. "
     "A budget sets n_estimators to a fraction of the estimator's n_estimators=18, so it cannot be tuned as "
     "well: remove it from the space, or use budget_resource=None."),
])
def test_bad_budget_resources(iris, resource, space, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        forest(*iris, space=space, budget_resource=resource)
