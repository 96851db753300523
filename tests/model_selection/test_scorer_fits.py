"""HPOSearchCV and nested_cv refuse a scorer that cannot score the estimator at any value of the
space, in ``fit`` (scikit-learn's convention: ``__init__`` only stores) and before the first trial,
as SklearnCV does when built (see tests/objectives/test_sklearn_scoring.py).

Before: ``HPOSearchCV(Ridge(), space, scoring="accuracy").fit(X, y)`` ran every trial, each failing
with "Classification metrics can't handle a mix of ... and continuous targets", and a multi-metric
search with one wrong scorer failed the same way without saying which of its scorers was wrong.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")

from sklearn.datasets import load_diabetes, make_classification  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import accuracy_score, make_scorer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo.model_selection.nested import nested_cv  # noqa: E402
from interactive_hpo.model_selection.search_cv import HPOSearchCV  # noqa: E402
from interactive_hpo.objectives.sklearn_cv import SklearnCV  # noqa: E402

X_REG, Y_REG = (data[:60] for data in load_diabetes(return_X_y=True))
X_CLS, Y_CLS = make_classification(n_samples=60, n_features=4, random_state=0)
X_THREE, Y_THREE = make_classification(n_samples=60, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                                     random_state=0)
ALPHA = SearchSpace([Float("alpha", 1e-2, 1.0, log=True)])
C = SearchSpace([Float("C", 0.1, 1.0, log=True)])
PROBABILITY = SearchSpace([Categorical("probability", [False, True])])
TINY = {"optimizer": "random", "n_trials": 2, "cv": 2, "seed": 0}
SEVERAL = {**TINY, "optimizer": "grid"}  # serves several objectives; tries each choice of a small space

REGRESSOR = ("regression scorer for Ridge, a regressor; got 'accuracy'. 'accuracy' compares class labels, and a "
             "regressor predicts numbers, so every trial would fail. Use a scorer such as 'r2' or "
             "'neg_mean_squared_error', or a classifier.")
NO_PROBA = ("scorer reading a method SVC has; got 'neg_log_loss'. 'neg_log_loss' reads predict_proba, which SVC does "
            "not have as given nor with any value of the space (predict_proba is not available when "
            "probability=False), so every trial would fail. Set the estimator up to provide it, or use a scorer "
            "reading predict, such as 'accuracy'.")


def _c_only(params):
    return {"C": params["c"]}


def _c_with_probability(params):
    return {"C": params["c"], "probability": True}


SMALL_C = SearchSpace([Float("c", 0.1, 1.0, log=True)])

REFUSED = [
    ("regressor with accuracy", lambda: HPOSearchCV(Ridge(), ALPHA, scoring="accuracy", **TINY).fit(X_REG, Y_REG),
     f"`scoring` of HPOSearchCV must be a {REGRESSOR}"),
    ("SVC without probability with log loss", lambda: HPOSearchCV(SVC(), C, scoring="neg_log_loss", **TINY).fit(
        X_CLS, Y_CLS), f"`scoring` of HPOSearchCV must be a {NO_PROBA}"),
    ("regression pipeline with f1", lambda: HPOSearchCV(
        make_pipeline(StandardScaler(), Ridge()), SearchSpace([Float("ridge__alpha", 0.1, 1.0)]), scoring="f1_macro",
        **TINY).fit(X_REG, Y_REG),
     "`scoring` of HPOSearchCV must be a regression scorer for Pipeline, a regressor; got 'f1_macro'. 'f1_macro' "
     "compares class labels"),
    ("estimator_params that never set probability", lambda: HPOSearchCV(
        SVC(), SMALL_C, scoring="neg_log_loss", estimator_params=_c_only, **TINY).fit(X_CLS, Y_CLS),
     f"`scoring` of HPOSearchCV must be a {NO_PROBA}"),
    # Several scorers: the error names the one that is wrong by its key.
    ("several by name, one wrong", lambda: HPOSearchCV(
        SVC(), C, scoring=["accuracy", "neg_log_loss"], refit="accuracy", **SEVERAL).fit(X_CLS, Y_CLS),
     f"`scoring['neg_log_loss']` of HPOSearchCV must be a {NO_PROBA}"),
    ("several in a dict, one wrong", lambda: HPOSearchCV(
        Ridge(), ALPHA, scoring={"r2": "r2", "acc": "accuracy"}, refit="r2", **SEVERAL).fit(X_REG, Y_REG),
     f"`scoring['acc']` of HPOSearchCV must be a {REGRESSOR}"),
    ("several, a wrong callable", lambda: HPOSearchCV(
        Ridge(), ALPHA, scoring={"r2": "r2", "acc": make_scorer(accuracy_score)}, refit="r2", **SEVERAL).fit(
        X_REG, Y_REG),
     "`scoring['acc']` of HPOSearchCV must be a regression scorer for Ridge, a regressor; got "
     "make_scorer(accuracy_score, response_method='predict'). The scorer compares class labels"),
    ("several, one misspelt", lambda: HPOSearchCV(
        SVC(), C, scoring=["accuracy", "f1_macr"], refit="accuracy", **SEVERAL).fit(X_CLS, Y_CLS),
     "`scoring['f1_macr']` of HPOSearchCV must be a scorer name from sklearn.metrics.get_scorer_names(), a callable "
     "scorer(estimator, X, y) or None; got 'f1_macr'. Did you mean 'f1_macro'"),
    ("nested: regressor with accuracy", lambda: nested_cv(
        Ridge(), ALPHA, X=X_REG, y=Y_REG, scoring="accuracy", optimizer="random", n_trials=2, outer=2, inner=2),
     f"`scoring` of nested_cv must be a {REGRESSOR}"),
    ("nested: SVC without probability with log loss", lambda: nested_cv(
        SVC(), C, X=X_CLS, y=Y_CLS, scoring="neg_log_loss", optimizer="random", n_trials=2, outer=2, inner=2),
     f"`scoring` of nested_cv must be a {NO_PROBA}"),
    # The task's scorer fits its own space, which set probability; the space given instead does not.
    ("nested: a task's scorer for the space given instead", lambda: nested_cv(
        SklearnCV(SVC(), X_CLS, Y_CLS, SearchSpace([*C, Categorical("probability", [True])]), cv=2,
                  scoring="neg_log_loss", seed=0), C, X=X_CLS, y=Y_CLS, optimizer="random", n_trials=2, outer=2,
        inner=2),
     f"`scoring` of nested_cv must be a {NO_PROBA}"),
    # A metric that cannot read the targets, named by its key among several.
    ("several: 'f1' of three classes", lambda: HPOSearchCV(
        SVC(), C, scoring={"acc": "accuracy", "f": "f1"}, refit="acc", **SEVERAL).fit(X_THREE, Y_THREE),
     "`scoring['f']` of HPOSearchCV must be a scorer that reads these targets (3 classes); got 'f1'."),
    ("nested: 'precision' of three classes", lambda: nested_cv(
        SVC(), C, X=X_THREE, y=Y_THREE, scoring="precision", optimizer="random", n_trials=2, outer=2, inner=2),
     "`scoring` of nested_cv must be a scorer that reads these targets (3 classes); got 'precision'."),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
@pytest.mark.usefixtures("no_trials")
def test_a_scorer_that_cannot_score_the_estimator_is_refused_before_the_first_trial(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_the_search_is_built_unchecked_and_refused_when_fitted():
    search = HPOSearchCV(Ridge(), ALPHA, scoring="accuracy", **TINY)  # scikit-learn's convention: __init__ stores
    assert search.get_params()["scoring"] == "accuracy"
    with pytest.raises(InvalidParameterError, match=re.escape(f"`scoring` of HPOSearchCV must be a {REGRESSOR}")):
        search.fit(X_REG, Y_REG)
    assert search.set_params(scoring="r2").fit(X_REG, Y_REG).best_score_ > -np.inf


def _close_to_zero(estimator, X, y):
    return -float(np.mean(np.abs(estimator.predict(X) - y)))


ACCEPTED = [
    ("classifier with accuracy", LogisticRegression(), C, "accuracy", X_CLS, Y_CLS, {}),
    ("SVC with roc_auc", SVC(), C, "roc_auc", X_CLS, Y_CLS, {}),  # reads decision_function
    ("a classification pipeline", make_pipeline(StandardScaler(), LogisticRegression()),
     SearchSpace([Float("logisticregression__C", 0.1, 1.0, log=True)]), "neg_log_loss", X_CLS, Y_CLS, {}),
    ("a custom scorer", Ridge(), ALPHA, _close_to_zero, X_REG, Y_REG, {}),
    ("estimator_params that set probability", SVC(), SMALL_C, "neg_log_loss", X_CLS, Y_CLS,
     {"estimator_params": _c_with_probability}),
    ("several that all fit", SVC(probability=True), C, ["accuracy", "neg_log_loss"], X_CLS, Y_CLS,
     {"refit": "neg_log_loss", "optimizer": "random"}),
]


@pytest.mark.parametrize("estimator, space, scoring, X, y, kwargs", [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_a_scorer_that_can_score_the_estimator_is_accepted(estimator, space, scoring, X, y, kwargs):
    search = HPOSearchCV(estimator, space, scoring=scoring, **{**TINY, **kwargs}).fit(X, y)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"]


def test_probability_in_the_space_lets_a_scorer_reading_predict_proba_through():
    # The configurations with probability=False fail their trials; those with True are scored.
    with pytest.warns(FitFailedWarning, match="1 of 2 trials of HPOSearchCV failed"):
        search = HPOSearchCV(SVC(), PROBABILITY, scoring="neg_log_loss", **SEVERAL).fit(X_CLS, Y_CLS)
    assert search.best_params_ == {"probability": True}
    with pytest.warns(FitFailedWarning):
        several = HPOSearchCV(SVC(), PROBABILITY, scoring={"acc": "accuracy", "loss": "neg_log_loss"}, refit="loss",
                              **SEVERAL).fit(X_CLS, Y_CLS)
    assert several.best_params_ == {"probability": True}


def test_nested_cv_accepts_a_scorer_that_fits_the_space():
    space = SearchSpace([*C, Categorical("probability", [True])])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitFailedWarning)  # no trial fails
        result = nested_cv(SVC(), space, X=X_CLS, y=Y_CLS, scoring="neg_log_loss", optimizer="random", n_trials=2,
                           outer=2, inner=2, seed=0)
    assert result.outer_scores.shape == (2,) and np.all(result.outer_scores < 0)
    task = SklearnCV(SVC(), X_CLS, Y_CLS, SMALL_C, cv=2, scoring="neg_log_loss", seed=0,
                     estimator_params=_c_with_probability)
    assert nested_cv(task, X=X_CLS, y=Y_CLS, optimizer="random", n_trials=2, outer=2, inner=2, seed=0).mean < 0
