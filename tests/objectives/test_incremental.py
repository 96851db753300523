"""Incremental tasks: seeded splits, step-wise training that applies params, independent copies."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.neural_network import MLPClassifier

from interactive_hpo import Float, InvalidParameterError, SearchSpace
from interactive_hpo.objectives.incremental import (
    IncrementalTask,
    SklearnIncremental,
    mlp_digits_incremental,
    sgd_digits,
)
from interactive_hpo.objectives.sklearn_cv import SealedTestSetWarning

GOOD = {"eta0": 0.01, "alpha": 1e-4}
X, Y = load_digits(return_X_y=True)
X = X / 16.0
SGD_SPACE = SearchSpace([Float("eta0", 1e-5, 1.0, log=True), Float("alpha", 1e-6, 1e-1, log=True)])


def test_sgd_digits_is_an_incremental_task_with_three_disjoint_seeded_splits():
    task = sgd_digits(seed=0)
    assert isinstance(task, IncrementalTask)
    assert task.direction == "maximize" and task.space.names == ["eta0", "alpha"] and task.mode == "partial_fit"
    sizes = (task.n_train, len(task._y_val), len(task._y_test))
    assert sum(sizes) == len(Y) and sizes == (1077, 360, 360)
    again = sgd_digits(seed=0)
    assert np.array_equal(task._X_val, again._X_val)
    assert not np.array_equal(task._X_val, sgd_digits(seed=1)._X_val)
    rows = {tuple(r) for r in task._X_train}
    assert not any(tuple(r) in rows for r in task._X_test[:50])  # the digits have no duplicate rows there


def test_training_steps_improve_the_score_and_are_reproducible():
    task = sgd_digits(seed=0)
    model = task.new_model(GOOD, seed=3)
    assert np.isnan(task.score(model))  # never trained
    task.train(model, GOOD, n_steps=3, seed=5)
    assert 0.85 < task.score(model) <= 1.0
    twin = task.train(task.new_model(GOOD, seed=3), GOOD, n_steps=3, seed=5)
    np.testing.assert_array_equal(model.coef_, twin.coef_)
    other = task.train(task.new_model(GOOD, seed=3), GOOD, n_steps=3, seed=6)
    assert not np.array_equal(model.coef_, other.coef_)


def test_train_without_a_seed_depends_on_the_task_seed_and_the_step_not_on_other_calls():
    # Before: a task-wide generator drew the orders, so this model depended on what ran before it.
    task = sgd_digits(seed=0)
    alone = task.train(task.new_model(GOOD, seed=3), GOOD, n_steps=2)
    fresh = sgd_digits(seed=0)
    fresh.train(fresh.new_model(GOOD, seed=1), GOOD, n_steps=3)   # another trial first
    after_another = fresh.train(fresh.new_model(GOOD, seed=3), GOOD, n_steps=2)
    np.testing.assert_array_equal(alone.coef_, after_another.coef_)
    np.testing.assert_array_equal(alone.coef_, task.train(task.new_model(GOOD, seed=3), GOOD, n_steps=2).coef_)
    in_two_calls = task.train(task.train(task.new_model(GOOD, seed=3), GOOD, 1), GOOD, 1)   # steps 0 and 1
    np.testing.assert_array_equal(alone.coef_, in_two_calls.coef_)
    copied = task.copy(task.train(task.new_model(GOOD, seed=3), GOOD, 1))   # a copy knows its steps
    np.testing.assert_array_equal(alone.coef_, task.train(copied, GOOD, 1).coef_)
    repeated = task.train(task.train(task.new_model(GOOD, seed=3), GOOD, 1, seed=0), GOOD, 1, seed=0)
    assert not np.array_equal(alone.coef_, repeated.coef_)   # an int seed still decides the orders
    other_task = sgd_digits(seed=0)
    other_task._order_seed += 1   # the same splits, another task seed's orders
    assert not np.array_equal(alone.coef_, other_task.train(other_task.new_model(GOOD, seed=3), GOOD, 2).coef_)


def test_train_applies_the_params_before_training():
    task = sgd_digits(seed=0)
    model = task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=1, seed=0)
    task.train(model, {"eta0": 0.5, "alpha": 1e-3}, n_steps=1, seed=1)
    assert (model.eta0, model.alpha) == (0.5, 1e-3)


def test_copy_is_independent_of_the_original():
    task = sgd_digits(seed=0)
    model = task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=1, seed=0)
    copy = task.copy(model)
    np.testing.assert_array_equal(copy.coef_, model.coef_)
    before = model.coef_.copy()
    task.train(copy, GOOD, n_steps=1, seed=1)
    np.testing.assert_array_equal(model.coef_, before)
    assert not np.array_equal(copy.coef_, before)


def test_a_new_mlp_learning_rate_reaches_the_cached_adam_solver():
    task = mlp_digits_incremental(seed=0, hidden=16)
    params = {"learning_rate_init": 1e-3, "alpha": 1e-4}
    model = task.train(task.new_model(params, seed=0), params, n_steps=1, seed=0)
    fast, slow = task.copy(model), task.copy(model)
    task.train(fast, {**params, "learning_rate_init": 0.05}, n_steps=1, seed=1)
    task.train(slow, params, n_steps=1, seed=1)
    assert fast._optimizer.learning_rate_init == 0.05
    # Without the sync, set_params would leave Adam at 1e-3 and both copies would match.
    assert not np.allclose(fast.coefs_[0], slow.coefs_[0])


def test_warm_start_mode_trains_without_partial_fit_and_stays_quiet():
    space = SearchSpace([Float("C", 1e-2, 1e2, log=True)])
    task = SklearnIncremental(LogisticRegression(), X, Y, space, seed=0)
    assert task.mode == "warm_start"
    model = task.new_model({"C": 1.0}, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ConvergenceWarning at 2 iterations is expected and silenced
        task.train(model, {"C": 1.0}, n_steps=2, seed=0)
        first = task.score(model)
        task.train(model, {"C": 1.0}, n_steps=20, seed=1)
    assert task.score(model) > first > 0.5


def test_estimator_factory_may_be_a_function():
    task = SklearnIncremental(lambda: SGDClassifier(learning_rate="constant"), X, Y, SGD_SPACE, seed=0)
    assert task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=2, seed=0).coef_.shape == (10, 64)


def test_estimator_factory_may_be_a_class():
    task = SklearnIncremental(SGDClassifier, X, Y, SGD_SPACE, seed=0)
    assert task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=1, seed=0).coef_.shape == (10, 64)


def test_seeds_of_new_model_and_train_are_checked():
    task = sgd_digits(seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`seed` of SklearnIncremental.new_model must be a non-negative int, a numpy.random.Generator or None; "
            "got -1.")):
        task.new_model(GOOD, seed=-1)
    with pytest.raises(InvalidParameterError, match=re.escape("`seed` of SklearnIncremental.train must be a "
                                                              "non-negative int, a numpy.random.Generator or None; "
                                                              "got -1.")):
        task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=1, seed=-1)


def test_sealed_test_split_counts_looks():
    task = sgd_digits(seed=0)
    model = task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=2, seed=0)
    assert 0.8 < task.test_score(model) <= 1.0
    with pytest.warns(SealedTestSetWarning, match="look number 2"):
        task.test_score(model)
    assert [look.number for look in task.test_looks] == [1, 2]
    assert task.test_looks[0].params == GOOD


BAD_INPUTS = [
    (dict(estimator_factory=3), "`estimator_factory` of SklearnIncremental must be a scikit-learn estimator or a "
                                "callable returning one; got 3."),
    (dict(estimator_factory=lambda: 3), "`estimator_factory` of SklearnIncremental must be a callable returning a "
                                        "scikit-learn estimator; got 3."),
    (dict(mode="online"), "`mode` of SklearnIncremental must be one of ['auto', 'partial_fit', 'warm_start']; "
                          "got 'online'."),
    (dict(estimator_factory=LogisticRegression(), mode="partial_fit",
          space=SearchSpace([Float("C", 0.1, 1)])), "`mode` of SklearnIncremental must be 'warm_start' or 'auto' "
                                                     "for an estimator without partial_fit; got 'partial_fit'."),
    (dict(space=SearchSpace([Float("eta", 1e-5, 1.0)])), "`space` of SklearnIncremental must be a SearchSpace whose "
                                                         "names are parameters of SGDClassifier; got ['eta']. "
                                                         "Unknown: 'eta' (did you mean 'eta0'?)."),
    (dict(space={"eta0": 1}), "`space` of SklearnIncremental must be a SearchSpace; got {'eta0': 1}."),
    (dict(validation_size=0.6, test_size=0.5), "`test_size` of SklearnIncremental must be below 1 - validation_size "
                                               "= 0.4; got 0.5. Some samples must be left to train on."),
    (dict(test_size=1.0), "`test_size` of SklearnIncremental must be a finite real number in (0, 1); got 1.0."),
    (dict(y=Y[:-1]), "`y` of SklearnIncremental must be an array-like with as many samples as X (1797); got an "
                     "array-like with 1796 samples."),
    # Before: accepted, and every training step failed ("Input X contains NaN"), or a TypeError.
    (dict(X=np.where(X > 0.9, np.nan, X)), "`X` of SklearnIncremental must be an array-like of shape (n_samples, "
                                           "n_features) that SGDClassifier takes; got ndarray of shape (1797, 64). "
                                           "Input X contains NaN."),
    (dict(y=np.zeros(len(Y))), "`y` of SklearnIncremental must be class labels of at least 2 classes; got one class"),
    (dict(ignore_warnings=UserWarning), "`ignore_warnings` of SklearnIncremental must be a tuple of Warning "
                                        "subclasses; got <class 'UserWarning'>."),
    (dict(validation_size=0.001), "`validation_size` of SklearnIncremental must be a fraction leaving samples (of "
                                  "every class) in the training, validation and test splits; got 0.001. With "
                                  "test_size=0.2, cutting the validation split from the other 1437 samples: The "
                                  "test_size = 2 should be greater or equal to the number of classes = 10."),
    (dict(scoring="acuracy"), "`scoring` of SklearnIncremental must be a scorer name"),
    (dict(seed=-1), "`seed` of SklearnIncremental must be a non-negative int"),
]


@pytest.mark.parametrize("kwargs, message", BAD_INPUTS, ids=[m[:40] for _, m in BAD_INPUTS])
def test_input_errors(kwargs, message):
    args = dict(estimator_factory=SGDClassifier(learning_rate="constant"), X=X, y=Y, space=SGD_SPACE)
    args.update(kwargs)
    factory, x, y, space = (args.pop(k) for k in ("estimator_factory", "X", "y", "space"))
    with pytest.raises(InvalidParameterError, match="^" + re.escape(message)):
        SklearnIncremental(factory, x, y, space, **args)


def test_mlp_width_is_validated():
    with pytest.raises(InvalidParameterError, match=re.escape("`hidden` of mlp_digits_incremental must be an int")):
        mlp_digits_incremental(hidden=0)


def test_a_partial_fit_step_is_one_epoch_over_the_training_split():
    task = SklearnIncremental(MLPClassifier(hidden_layer_sizes=(8,)), X, Y,
                              SearchSpace([Float("alpha", 1e-6, 1e-1, log=True)]), seed=0)
    model = task.train(task.new_model({"alpha": 1e-4}, seed=0), {"alpha": 1e-4}, n_steps=2, seed=0)
    assert model.t_ == 2 * task.n_train  # samples seen


def test_train_and_test_score_check_what_they_are_given():
    """Before: n_steps=-1 trained nothing, 1.5 one step, "2" two; an untrained model gave an
    AttributeError from inside scikit-learn's scorer."""
    task = sgd_digits(seed=0)
    model = task.new_model(GOOD, seed=0)
    for n_steps in (-1, 1.5, "2"):
        with pytest.raises(InvalidParameterError, match=re.escape(
                f"`n_steps` of SklearnIncremental.train must be an int in [0, 2147483647]; got {n_steps!r}.")):
            task.train(model, GOOD, n_steps)
    with pytest.raises(InvalidParameterError, match=re.escape("`model` of SklearnIncremental.test_score must be a "
                                                              "model this task trained; got SGDClassifier(")):
        task.test_score(model)
    assert task.test_looks == ()  # a refused look is not a look


def test_a_sparse_x_trains_when_the_estimator_takes_it():
    """Before: np.asarray made a sparse matrix a 0-d object array, refused as "X of shape ()"."""
    import scipy.sparse

    task = SklearnIncremental(SGDClassifier(learning_rate="constant"), scipy.sparse.csr_matrix(X), Y, SGD_SPACE,
                              seed=0)
    model = task.train(task.new_model(GOOD, seed=0), GOOD, n_steps=2, seed=0)
    assert 0.8 < task.score(model) <= 1.0


@pytest.mark.parametrize("model", [None, SGDClassifier])
def test_train_score_and_copy_refuse_what_is_not_a_model(model):
    """Before: train(None, ...) raised "AttributeError: 'NoneType' object has no attribute
    'set_params'" from inside, score(None) scikit-learn's TypeError, copy(None) returned None."""
    task = sgd_digits(seed=0)
    calls = {"train": lambda: task.train(model, GOOD, 1), "score": lambda: task.score(model),
             "copy": lambda: task.copy(model)}
    for method, call in calls.items():
        with pytest.raises(InvalidParameterError, match=re.escape(
                f"`model` of SklearnIncremental.{method} must be a scikit-learn estimator (with fit, get_params and "
                f"set_params); got {model!r}.")):
            call()
