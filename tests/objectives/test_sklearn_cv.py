"""SklearnCV: seeding, the sealed test split, test-set looks, input errors, lazy import."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, MissingDependencyError, SearchSpace, Study
from interactive_hpo.objectives.sklearn_cv import SealedTestLook, SealedTestSetWarning, SklearnCV

pytest.importorskip("sklearn")

from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge, SGDRegressor  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

TREE_SPACE = SearchSpace([
    Float("min_impurity_decrease", 1e-4, 1e-1, log=True),
    Int("max_depth", 1, 6),
    Categorical("criterion", ["gini", "entropy"]),
])
TREE_PARAMS = {"min_impurity_decrease": 1e-3, "max_depth": 4, "criterion": "gini"}


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(scale=0.5, size=120)
    return X, y


def tree_objective(X, y, seed=0, **kwargs):
    # max_features="sqrt" makes the tree itself random, so its random_state must be seeded too.
    return SklearnCV(DecisionTreeClassifier(max_features="sqrt"), X, y, TREE_SPACE, cv=3, seed=seed, **kwargs)


def ridge_objective(X, y, seed=0):
    return SklearnCV(Ridge(), X, y, SearchSpace([Float("alpha", 1e-3, 1e3, log=True)]), cv=3, seed=seed)


# -- seeding -----------------------------------------------------------------------------------
def test_same_seed_gives_same_value(iris):
    X, y = iris
    a, b = tree_objective(X, y, seed=3), tree_objective(X, y, seed=3)
    ra, rb = a(TREE_PARAMS), b(TREE_PARAMS)
    assert ra.value == rb.value
    assert ra.user_attrs["fold_scores"] == rb.user_attrs["fold_scores"]
    np.testing.assert_array_equal(a.train_indices, b.train_indices)
    assert a(TREE_PARAMS).value == ra.value  # same folds and estimator seed on every call


def test_generator_seed_is_reproducible_and_recorded(iris):
    X, y = iris
    a = tree_objective(X, y, seed=np.random.default_rng(5))
    b = tree_objective(X, y, seed=np.random.default_rng(5))
    assert isinstance(a.seed, int) and a.seed == b.seed
    assert a(TREE_PARAMS).value == b(TREE_PARAMS).value
    assert tree_objective(X, y, seed=a.seed)(TREE_PARAMS).value == a(TREE_PARAMS).value


def test_different_seeds_differ(iris):
    X, y = iris
    a, b = tree_objective(X, y, seed=0), tree_objective(X, y, seed=1)
    assert not np.array_equal(np.sort(a.train_indices), np.sort(b.train_indices))
    assert a(TREE_PARAMS).user_attrs["fold_scores"] != b(TREE_PARAMS).user_attrs["fold_scores"]


def test_random_states_seeded_on_a_clone_and_explicit_ones_kept(iris):
    X, y = iris
    pipe = Pipeline([("scale", StandardScaler()), ("tree", DecisionTreeClassifier(max_features="sqrt"))])
    space = SearchSpace([Int("tree__max_depth", 1, 5), Float("tree__ccp_alpha", 1e-4, 1e-1, log=True),
                         Categorical("tree__criterion", ["gini", "entropy"])])
    params = {"tree__max_depth": 3, "tree__ccp_alpha": 1e-3, "tree__criterion": "gini"}
    first = SklearnCV(pipe, X, y, space, cv=3, seed=0)
    assert first(params).value == SklearnCV(pipe, X, y, space, cv=3, seed=0)(params).value
    assert pipe.get_params()["tree__random_state"] is None  # the user's estimator is untouched
    kept = SklearnCV(DecisionTreeClassifier(random_state=7), X, y, TREE_SPACE, cv=3, seed=0)
    assert kept._configured(TREE_PARAMS).random_state == 7


# -- the sealed test split -------------------------------------------------------------------------
SEEN_ROWS: list[int] = []


class RowSpy(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and records the row ids (column 0) of every row it sees."""

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        SEEN_ROWS.extend(X[:, 0].astype(int).tolist())
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        SEEN_ROWS.extend(X[:, 0].astype(int).tolist())
        return np.full(len(X), self.majority_)


def test_split_is_disjoint_stratified_and_sized(iris):
    X, y = iris
    objective = tree_objective(X, y, test_size=0.2)
    train, test = objective.train_indices, objective.test_indices
    assert not set(train) & set(test)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(y)))
    assert len(test) == 30
    assert np.bincount(y[test]).tolist() == [10, 10, 10]  # stratified: 1/3 of each class
    with pytest.raises(ValueError):
        train[0] = 0  # read-only


def test_call_never_touches_the_test_split(iris):
    X, y = iris
    X_ids = np.column_stack([np.arange(len(y)), X])
    objective = SklearnCV(RowSpy(), X_ids, y, SearchSpace([Float("shift", 0.0, 1.0)]), cv=3, seed=0)
    SEEN_ROWS.clear()
    objective({"shift": 0.5})
    assert set(SEEN_ROWS) == set(objective.train_indices.tolist())
    SEEN_ROWS.clear()
    objective.test_score({"shift": 0.5})
    assert set(objective.test_indices.tolist()) <= set(SEEN_ROWS)


def test_changing_test_data_does_not_change_cv_scores(regression, iris):
    X, y = regression
    objective = ridge_objective(X, y)
    X2, y2 = X.copy(), y.copy()
    X2[objective.test_indices] = 100.0
    y2[objective.test_indices] = -1000.0
    changed = ridge_objective(X2, y2)
    np.testing.assert_array_equal(changed.test_indices, objective.test_indices)
    params = {"alpha": 1.0}
    assert changed(params).user_attrs["fold_scores"] == objective(params).user_attrs["fold_scores"]
    assert changed.test_score(params) != objective.test_score(params)
    # Classifier: the stratified split depends on the labels, not on the features.
    Xc, yc = iris
    base = tree_objective(Xc, yc)
    Xc2 = Xc.copy()
    Xc2[base.test_indices] = 0.0
    assert tree_objective(Xc2, yc)(TREE_PARAMS).value == base(TREE_PARAMS).value


def test_test_score_records_looks_and_warns_from_the_second(regression):
    objective = ridge_objective(*regression)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first look must be silent
        first = objective.test_score({"alpha": 1.0})
    with pytest.warns(SealedTestSetWarning, match="look number 2 .* optimistic"):
        second = objective.test_score({"alpha": 10.0})
    with pytest.warns(SealedTestSetWarning, match="look number 3"):
        objective.test_score({"alpha": 1.0})
    looks = objective.test_looks
    assert isinstance(looks, tuple) and all(isinstance(look, SealedTestLook) for look in looks)
    assert [look.number for look in looks] == [1, 2, 3]
    assert [dict(look.params) for look in looks] == [{"alpha": 1.0}, {"alpha": 10.0}, {"alpha": 1.0}]
    assert [look.score for look in looks] == [first, second, first]
    assert issubclass(SealedTestSetWarning, UserWarning)
    with pytest.raises(TypeError):
        looks[0].params["alpha"] = 2.0  # read-only
    assert pickle.loads(pickle.dumps(objective)).test_looks == looks  # travels to parallel workers


# -- results -----------------------------------------------------------------------------------------
def test_evaluation_is_json_and_consistent(iris):
    X, y = iris
    objective = tree_objective(X, y)
    assert objective.direction == "maximize"
    result = objective(TREE_PARAMS)
    attrs = json.loads(json.dumps(dict(result.user_attrs), allow_nan=False))
    assert set(attrs) == {"fold_scores", "score_std", "fit_time"}
    assert len(attrs["fold_scores"]) == 3
    assert result.value == pytest.approx(np.mean(attrs["fold_scores"]))
    assert attrs["score_std"] == pytest.approx(np.std(attrs["fold_scores"]))
    assert attrs["fit_time"] >= 0
    assert 0.5 < result.value <= 1.0


def test_nan_scores_stay_json(regression):
    X, y = regression
    objective = SklearnCV(Ridge(), X, y, SearchSpace([Float("alpha", 0.1, 1.0)]), cv=3, seed=0,
                          scoring=lambda est, X, y: float("nan"))
    result = objective({"alpha": 0.5})
    assert np.isnan(result.value)
    assert json.dumps(dict(result.user_attrs), allow_nan=False)
    assert result.user_attrs["fold_scores"] == [None, None, None]


def test_runs_inside_a_study(iris):
    X, y = iris
    objective = tree_objective(X, y)
    study = Study(TREE_SPACE, "random", direction="maximize", seed=0)
    trials = study.run(objective, n_trials=3)
    assert [t.state.value for t in trials] == ["COMPLETE"] * 3
    assert all(len(t.user_attrs["fold_scores"]) == 3 for t in trials)


def test_pipeline_names_and_scoring_names(regression):
    X, y = regression
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
    objective = SklearnCV(pipe, X, y, SearchSpace([Float("ridge__alpha", 1e-3, 1e3, log=True)]), cv=3, seed=0,
                          scoring="neg_mean_squared_error")
    assert objective({"ridge__alpha": 1.0}).value < 0  # negated loss: greater is better
    assert "SklearnCV('Pipeline'" in repr(objective)


def test_ignore_warnings_silences_only_what_is_asked(iris):
    class Warner(RowSpy):
        def fit(self, X, y):
            warnings.warn("did not converge", ConvergenceWarning, stacklevel=2)
            return super().fit(X, y)

    X, y = iris
    space = SearchSpace([Float("shift", 0.0, 1.0)])
    with pytest.warns(ConvergenceWarning):
        SklearnCV(Warner(), X, y, space, cv=3, seed=0)({"shift": 0.1})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SklearnCV(Warner(), X, y, space, cv=3, seed=0, ignore_warnings=(ConvergenceWarning,))({"shift": 0.1})


# -- bad inputs ----------------------------------------------------------------------------------------
IRIS_WITH_NAN = np.where(np.arange(600).reshape(150, 4) % 37 == 0, np.nan, load_iris(return_X_y=True)[0])


def _iris_args():
    X, y = load_iris(return_X_y=True)
    return {"estimator": DecisionTreeClassifier(), "X": X, "y": y, "space": TREE_SPACE}


BAD_INPUTS = [
    ({"cv": 1}, "`cv` of SklearnCV must be an int in [2, inf); got 1."),
    ({"cv": 2.5}, "`cv` of SklearnCV must be an int in [2, inf) or a splitter (an object with split and "
                  "get_n_splits, such as KFold(3)); got 2.5."),
    ({"cv": True}, "`cv` of SklearnCV must be an int in [2, inf) or a splitter (an object with split and "
                   "get_n_splits, such as KFold(3)); got True."),
    ({"cv": 200}, "`cv` of SklearnCV must be an int in [2, 37]; got 200. Each of the 200 folds needs a sample of "
                  "every class; the smallest class in the training split has 37 samples."),
    ({"cv": 50}, "`cv` of SklearnCV must be an int in [2, 37]; got 50. Each of the 50 folds needs a sample of"),
    ({"test_size": 0}, "`test_size` of SklearnCV must be a finite real number in (0, 1); got 0."),
    ({"test_size": 1.0}, "`test_size` of SklearnCV must be a finite real number in (0, 1); got 1.0."),
    ({"test_size": "0.2"}, "`test_size` of SklearnCV must be a finite real number in (0, 1); got '0.2'."),
    ({"test_size": 0.001}, "`test_size` of SklearnCV must be a fraction leaving samples (of every class)"),
    ({"space": {"max_depth": [1, 2]}}, "`space` of SklearnCV must be a SearchSpace; got {'max_depth': [1, 2]}."),
    ({"space": SearchSpace([Int("max_dept", 1, 5), Float("C", 0.1, 1.0)])},
     "`space` of SklearnCV must be a SearchSpace whose names are parameters of DecisionTreeClassifier; "
     "got ['max_dept', 'C']. Unknown: 'max_dept' (did you mean 'max_depth'?), 'C'."),
    ({"scoring": "acuracy"}, "`scoring` of SklearnCV must be a scorer name from sklearn.metrics.get_scorer_names(), "
                             "a callable scorer(estimator, X, y) or None; got 'acuracy'. Did you mean 'accuracy'"),
    ({"scoring": "acc"}, "got 'acc'. Did you mean 'accuracy'?"),  # a name it begins: not 'jaccard'
    ({"scoring": 3}, "`scoring` of SklearnCV must be a scorer name"),
    ({"scoring": ["accuracy"]}, "`scoring` of SklearnCV must be a scorer name"),
    ({"estimator": "tree"}, "`estimator` of SklearnCV must be a scikit-learn estimator (with fit, get_params and "
                            "set_params); got 'tree'."),
    ({"X": 5}, "`X` of SklearnCV must be an array-like of shape (n_samples, n_features); got int."),
    ({"y": np.zeros(149)}, "`y` of SklearnCV must be an array-like with as many samples as X (150); "
                           "got an array-like with 149 samples."),
    ({"y": np.r_[np.zeros(149), 1]}, "`y` of SklearnCV must be class labels with at least 2 samples per class"),
    ({"estimator": DecisionTreeClassifier}, "`estimator` of SklearnCV must be a scikit-learn estimator (with fit, "
                                            "get_params and set_params); got <class 'sklearn.tree."),
    ({"estimator": DecisionTreeClassifier}, "Pass an instance, DecisionTreeClassifier(), not the class."),
    ({"estimator": LogisticRegression(), "X": IRIS_WITH_NAN, "space": SearchSpace([Float("C", 0.1, 1.0)])},
     "`X` of SklearnCV must be an array-like of shape (n_samples, n_features) that LogisticRegression takes; got "
     "ndarray of shape (150, 4). Input X contains NaN. LogisticRegression does not accept missing values"),
    ({"X": load_iris(return_X_y=True)[0][:, 0]}, "`X` of SklearnCV must be an array-like of shape (n_samples, "
     "n_features) that DecisionTreeClassifier takes; got ndarray of shape (150,). Expected 2D array, got 1D array "
     "instead. Reshape your data either using array.reshape(-1, 1)"),
    ({"X": np.zeros((0, 4)), "y": np.zeros(0)}, "got ndarray of shape (0, 4). Found array with 0 sample(s) (shape=(0, "
                                                "4)) while a minimum of 1 is required by DecisionTreeClassifier."),
    ({"y": np.zeros(150)}, "`y` of SklearnCV must be class labels of at least 2 classes; got one class, 0.0. Every "
                           "configuration would predict that class, so there is nothing to choose."),
    # Scikit-learn's words from inside before (and numpy's "len() of unsized object" for a 0-d array).
    ({"y": np.linspace(0, 1, 150)}, "`y` of SklearnCV must be class labels of at least 2 classes (ints, strs or "
                                    "bools, one kind); got ndarray of float64 values. Unknown label type: continuous."),
    ({"y": np.array(1.0)}, "`y` of SklearnCV must be an array-like of shape (n_samples,); got ndarray."),
    ({"space": SearchSpace([Float("max_depth", 1, 6)])},
     "`space['max_depth']` of SklearnCV must be a parameter whose values DecisionTreeClassifier takes; got "
     "Float('max_depth', low=1.0, high=6.0, log=False). The 'max_depth' parameter of DecisionTreeClassifier must be "
     "an int in the range [1, inf) or None. Got 1.0 instead."),
    ({"space": SearchSpace([Categorical("criterion", ["gini", "entropi"])])},
     "`space['criterion']` of SklearnCV must be a parameter whose values DecisionTreeClassifier takes; got "
     "Categorical('criterion', choices=['gini', 'entropi']). The 'criterion' parameter of DecisionTreeClassifier must "
     "be a str among"),
    ({"estimator": Pipeline([("scale", StandardScaler()), ("tree", DecisionTreeClassifier())]),
      "space": SearchSpace([Int("tree__min_samples_split", 0, 5)])},  # a pipeline step's own constraints
     "`space['tree__min_samples_split']` of SklearnCV must be a parameter whose values Pipeline takes; got "
     "Int('tree__min_samples_split', low=0, high=5, log=False). The 'min_samples_split' parameter of "
     "DecisionTreeClassifier must be"),
    ({"space": SearchSpace([Int("depth", 1, 6)]), "estimator_params": lambda params: [("max_depth", params["depth"])]},
     "`estimator_params` of SklearnCV must be a callable params -> dict of set_params arguments; got <function "),
    ({"space": SearchSpace([Int("depth", 1, 6)]), "estimator_params": lambda params: {"max_depth": params["dept"]}},
     "For the space's centre configuration {'depth': 4} it raised KeyError: 'dept'."),
    ({"space": SearchSpace([Int("depth", 1, 6)]), "estimator_params": lambda params: {"max_depth": -params["depth"]}},
     "`estimator_params` of SklearnCV must be a callable making settings the estimator takes; got <function"),
    ({"seed": -1}, "`seed` of SklearnCV must be a non-negative int, a numpy.random.Generator or None; got -1."),
    ({"name": ""}, "`name` of SklearnCV must be a non-empty str or None; got ''."),
    ({"ignore_warnings": UserWarning}, "`ignore_warnings` of SklearnCV must be a tuple of Warning subclasses"),
    ({"ignore_warnings": (ValueError,)}, "`ignore_warnings` of SklearnCV must be a tuple of Warning subclasses"),
]


@pytest.mark.parametrize("override, message", BAD_INPUTS, ids=[str(list(o)[0]) + f"-{i}" for i, (o, _) in
                                                               enumerate(BAD_INPUTS)])
def test_input_errors(override, message):
    kwargs = {**_iris_args(), **override}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        SklearnCV(**kwargs)


RIDGE = {"estimator": Ridge(), "space": SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])}
TARGETS = np.linspace(0.0, 1.0, 150)


@pytest.mark.parametrize("override, message", [
    ({"y": np.where(np.arange(150) == 5, np.nan, TARGETS)}, "`y` of SklearnCV must be finite real numbers of shape "
     "(n_samples,) or (n_samples, n_outputs); got ndarray with 1 NaN or infinite value(s)."),
    ({"y": np.where(np.arange(150) < 2, np.inf, TARGETS)}, "got ndarray with 2 NaN or infinite value(s)."),
    ({"y": np.array(["high", "low"] * 75)}, "`y` of SklearnCV must be finite real numbers of shape (n_samples,) or "
                                            "(n_samples, n_outputs); got ndarray holding values that are not numbers."),
    ({"estimator": SGDRegressor(), "space": SearchSpace([Float("alpha", 1e-4, 1.0, log=True)]),
      "y": np.c_[TARGETS, TARGETS]},
     "`y` of SklearnCV must be finite real numbers of shape (n_samples,); got ndarray of shape (150, 2). The "
     "estimator predicts one output."),
], ids=["nan", "inf", "text", "two columns for one output"])
def test_targets_a_regressor_cannot_fit_are_refused_before_any_trial(override, message):
    """Before: accepted, and then every trial of a study failed with "Input y contains NaN"."""
    kwargs = {**_iris_args(), **RIDGE, "y": TARGETS, **override}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        SklearnCV(**kwargs)


def test_targets_a_regressor_takes_pass():
    X = load_iris(return_X_y=True)[0]
    assert SklearnCV(y=TARGETS[:, None], X=X, cv=3, seed=0, **RIDGE)({"alpha": 1.0}).value > 0.5
    assert SklearnCV(y=np.c_[TARGETS, TARGETS], X=X, cv=3, seed=0, **RIDGE)({"alpha": 1.0}).value > 0.5  # multi-output


def test_the_fingerprint_of_sparse_and_text_data_is_its_values_not_its_address():
    """Before: np.asarray of a sparse matrix or of a DataFrame with a text column holds pointers,
    so the fingerprint (the landscape cache's key) changed with every copy of the same data."""
    import scipy.sparse

    X, y = load_iris(return_X_y=True)
    sparse = [SklearnCV(X=scipy.sparse.csr_matrix(X), y=y, cv=3, seed=0, **RIDGE) for _ in range(2)]
    assert sparse[0].fingerprint == sparse[1].fingerprint
    other = X.copy()
    other[0, 0] += 1.0
    assert SklearnCV(X=scipy.sparse.csr_matrix(other), y=y, cv=3, seed=0, **RIDGE).fingerprint != sparse[0].fingerprint
    texts = ["good fine nice", "bad awful poor"] * 15
    task = make_pipeline(TfidfVectorizer(), LogisticRegression())
    words = [SklearnCV(task, list(texts), np.arange(30) % 2, SearchSpace([Float("logisticregression__C", 0.1, 1.0)]),
                       cv=3, seed=0) for _ in range(2)]
    assert words[0].fingerprint == words[1].fingerprint


def test_data_a_step_takes_passes_the_checks():
    X, y = load_iris(return_X_y=True)
    tree = SklearnCV(DecisionTreeClassifier(), IRIS_WITH_NAN, y, TREE_SPACE, cv=3, seed=0)  # trees take NaN
    assert 0.5 < tree(TREE_PARAMS).value <= 1
    texts = ["good fine nice", "bad awful poor"] * 15
    words = SklearnCV(make_pipeline(TfidfVectorizer(), LogisticRegression()), texts, np.arange(30) % 2,
                      SearchSpace([Float("logisticregression__C", 0.1, 1.0, log=True)]), cv=3, seed=0)
    assert words({"logisticregression__C": 0.5}).value == 1.0


def test_estimator_params_that_fail_on_one_configuration_fail_its_trial():
    X, y = load_iris(return_X_y=True)
    task = SklearnCV(DecisionTreeClassifier(), X, y, SearchSpace([Int("depth", 1, 6)]), cv=3, seed=0,
                     estimator_params=lambda params: {"max_depth": params["depth"]} if params["depth"] < 5 else None)
    study = Study(task.space, "random", direction="maximize", seed=0)
    for depth in (2, 6):
        study.enqueue({"depth": depth})
    study.run(task, 2)
    assert [t.state.value for t in study.trials] == ["COMPLETE", "FAILED"]
    assert "`estimator_params` of SklearnCV must be a callable params -> dict of set_params arguments" in \
        study.trials[1].error and "For {'depth': 6} it returned None." in study.trials[1].error


def test_scoring_none_needs_a_score_method():
    class NoScore(BaseEstimator):
        def __init__(self, x=0.5):
            self.x = x

        def fit(self, X, y):
            return self

    X, y = load_iris(return_X_y=True)
    with pytest.raises(InvalidParameterError, match="NoScore has no `score` method; pass a scorer name"):
        SklearnCV(NoScore(), X, y, SearchSpace([Float("x", 0.0, 1.0)]), cv=3)


def test_params_are_validated_against_the_space(regression):
    objective = ridge_objective(*regression)
    with pytest.raises(InvalidParameterError, match="alpha"):
        objective({"alpha": 1e6})
    with pytest.raises(InvalidParameterError, match="Unknown parameter"):
        objective.test_score({"alpha": 1.0, "fit_intercept": False})
    assert objective.test_looks == ()  # a refused look is not a look


def test_missing_sklearn_gives_an_install_hint(monkeypatch, regression):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn` raise ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'interactive_hpo\[sklearn\]'"):
        SklearnCV(Ridge(), *regression, SearchSpace([Float("alpha", 0.1, 1.0)]))


def test_importing_does_not_import_sklearn():
    code = ("import sys, interactive_hpo, interactive_hpo.objectives.sklearn_cv, interactive_hpo.objectives.tasks; "
            "assert 'sklearn' not in sys.modules, sorted(m for m in sys.modules if m.startswith('sklearn'))[:5]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_with_seed_keeps_the_translation_of_params_to_estimator_settings(iris):
    space = SearchSpace([Int("depth", 1, 6)])
    task = SklearnCV(DecisionTreeClassifier(), *iris, space, cv=3, seed=0,
                     estimator_params=lambda params: {"max_depth": params["depth"]})
    assert task.with_seed(1).estimator_params is task.estimator_params
    assert 0 < task.with_seed(1)({"depth": 2}).value <= 1


def alpha_as_given(params):
    return {"alpha": params["a"]}


def test_the_fingerprint_tells_apart_the_functions_that_map_params_to_the_estimator():
    # estimator_params was left out: two objectives scoring other models shared a landscape cache.
    X, y = load_iris(return_X_y=True)
    space = SearchSpace([Float("a", 1e-3, 1e3, log=True)])

    def objective(estimator_params):
        return SklearnCV(Ridge(), X, y, space, cv=3, seed=0, estimator_params=estimator_params)

    tenfold = objective(lambda params: {"alpha": 10 * params["a"]})
    assert objective(alpha_as_given).fingerprint == objective(alpha_as_given).fingerprint
    assert tenfold.fingerprint != objective(alpha_as_given).fingerprint
    assert tenfold.fingerprint != objective(lambda params: {"alpha": params["a"] / 10}).fingerprint
    # the same function in another process: the same name (a cache made yesterday is found)
    probe = ("from tests.objectives.test_sklearn_cv import *; from sklearn.datasets import load_iris; "
             "X, y = load_iris(return_X_y=True); print(SklearnCV(Ridge(), X, y, SearchSpace([Float('a', 1e-3, 1e3, "
             "log=True)]), cv=3, seed=0, estimator_params=alpha_as_given).fingerprint)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == objective(alpha_as_given).fingerprint


def test_function_bytes_tell_apart_what_decides_the_params_and_nothing_else():
    # Defaults, a nested function's constants and the plain globals read were left out (a wrong
    # landscape cache hit); a set literal's order followed the hash seed (a miss in every process).
    from interactive_hpo.objectives.splitting import function_bytes

    def scaled(factor):
        def params(p, factor=factor):
            return {"alpha": p["a"] * factor}
        return params

    assert function_bytes(scaled(2)) != function_bytes(scaled(3))
    assert function_bytes(scaled(2)) == function_bytes(scaled(2))
    nested, in_globals = {}, ({"SCALE": 2}, {"SCALE": 3})
    for factor in (2, 3):
        source = f"def params(p):\n    return {{'alpha': (lambda v: v * {factor})(p['a'])}}\n"
        exec(source, nested.setdefault(factor, {}))
    assert function_bytes(nested[2]["params"]) != function_bytes(nested[3]["params"])
    for scope in in_globals:
        exec("def params(p):\n    return {'alpha': p['a'] * SCALE}\n", scope)
    assert function_bytes(in_globals[0]["params"]) != function_bytes(in_globals[1]["params"])
    probe = ("import hashlib\nfrom interactive_hpo.objectives.splitting import function_bytes\n"
             "def params(p):\n    return {'alpha': 1.0 if p['k'] in {'a', 'b', 'c', 'd'} else 2.0}\n"
             "print(hashlib.sha256(function_bytes(params)).hexdigest())")
    root = Path(__file__).resolve().parents[2]
    seen = {subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(seen) == 1
