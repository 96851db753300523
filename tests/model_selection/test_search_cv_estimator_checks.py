"""HPOSearchCV passes scikit-learn's estimator checks as a classifier and as a regressor (issue 21).

The searches run 2 random trials on 2 folds, so the checks take seconds. No check is expected to
fail. ``GridSearchCV`` with the same settings (same estimators, ``cv=2``, two values per grid,
with the default ``error_score`` and with ``"raise"``) fails one of them as a regressor:
``check_supervised_y_2d``, which scikit-learn lists for it as "DataConversionWarning not caught"
(it does not pass on Ridge's ``multi_output`` tag, so the check expects a warning for a 2-D y);
HPOSearchCV passes the tag on and passes the check.

X and y are checked before the first trial, as strictly as the estimator's tags allow; the tags
of the estimators inside a pipeline widen them, so data that some step takes still fits.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, TrialStateError

pytest.importorskip("sklearn")

from sklearn.compose import make_column_transformer  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge, RidgeClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from interactive_hpo.model_selection.nested import nested_cv  # noqa: E402
from interactive_hpo.model_selection.search_cv import HPOSearchCV  # noqa: E402

TINY = {"optimizer": "random", "n_trials": 2, "cv": 2, "seed": 0}
C = SearchSpace([Float("C", 0.1, 1.0, log=True)])
ALPHA = SearchSpace([Float("alpha", 0.1, 1.0, log=True)])


# newton-cholesky: the default lbfgs solver makes the classifier's checks about 3 times slower here.
@parametrize_with_checks([HPOSearchCV(LogisticRegression(solver="newton-cholesky"), C, **TINY),
                          HPOSearchCV(Ridge(), ALPHA, **TINY)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# -- bad data fails with scikit-learn's error before the first trial ---------------------------------
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
LABELS = np.arange(40) % 2
WITH_NAN = np.where(np.arange(120).reshape(40, 3) == 7, np.nan, X)


def searched(estimator, space, X, y):
    # The default budget (30 trials on 5 folds) would take seconds if the trials ran.
    HPOSearchCV(estimator, space, optimizer="random", seed=0).fit(X, y)


CASES = [
    ("NaN in X", lambda: searched(LogisticRegression(), C, WITH_NAN, LABELS), ValueError, "Input X contains NaN."),
    ("infinity in y", lambda: searched(Ridge(), ALPHA, X, np.where(LABELS == 0, np.inf, 1.0)), ValueError,
     "Input y contains infinity"),
    ("a continuous target for a classifier", lambda: searched(LogisticRegression(), C, X, X[:, 0]), ValueError,
     "Unknown label type: continuous."),
    ("the same in nested_cv", lambda: nested_cv(LogisticRegression(), C, X=X, y=X[:, 0], optimizer="random"),
     ValueError, "Unknown label type: continuous."),
    ("one class", lambda: searched(LogisticRegression(), C, X, np.ones(40)), InvalidParameterError,
     "`y` of HPOSearchCV must be class labels of at least 2 classes; got one class, 1.0. Every configuration "
     "would predict that class, so there is nothing to choose."),
    ("1-D X", lambda: searched(Ridge(), ALPHA, X[:, 0], X[:, 1]), ValueError, "Expected 2D array, got 1D array"),
    ("strings in X", lambda: searched(Ridge(), ALPHA, np.array([["a", "b"]] * 40), X[:, 1]), ValueError,
     "dtype='numeric' is not compatible with arrays of bytes/strings."),
    ("no feature", lambda: searched(Ridge(), ALPHA, X[:, :0], X[:, 1]), ValueError,
     "Found array with 0 feature(s) (shape=(40, 0)) while a minimum of 1 is required by HPOSearchCV."),
    ("no y", lambda: searched(Ridge(), ALPHA, X, None), ValueError,
     "This HPOSearchCV estimator requires y to be passed, but the target y is None."),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.usefixtures("no_trials")
def test_bad_data_fails_before_the_first_trial(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# -- data that the estimator (or a step inside it) takes still fits -----------------------------------
def test_nan_passes_when_a_step_imputes_it():
    search = HPOSearchCV(make_pipeline(SimpleImputer(), LogisticRegression()),
                         SearchSpace([Float("logisticregression__C", 0.1, 1.0, log=True)]), **TINY)
    search.fit(WITH_NAN, LABELS)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"] and search.n_features_in_ == 3
    assert search.predict(WITH_NAN).shape == (40,)


def test_texts_pass_to_a_vectorizer():
    texts = ["good fine nice", "bad awful poor"] * 10
    search = HPOSearchCV(make_pipeline(TfidfVectorizer(), LogisticRegression()),
                         SearchSpace([Float("logisticregression__C", 0.1, 1.0, log=True)]), **TINY)
    search.fit(texts, LABELS[:20])
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"] and not hasattr(search, "n_features_in_")
    assert search.predict(["nice and good"]).tolist() == [0]


def test_a_dataframe_reaches_the_trials_with_its_column_names():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"city": ["Oslo", "Rome"] * 20, "size": X[:, 0]})
    encoded = make_pipeline(make_column_transformer((OneHotEncoder(), ["city"]), remainder="passthrough"), Ridge())
    search = HPOSearchCV(encoded, SearchSpace([Float("ridge__alpha", 0.1, 1.0, log=True)]), **TINY)
    search.fit(frame, X[:, 1])
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"]
    assert search.n_features_in_ == 2 and search.feature_names_in_.tolist() == ["city", "size"]


def test_multilabel_targets_get_plain_k_fold():
    y = np.column_stack([LABELS, 1 - LABELS, X[:, 0] > 0])
    search = HPOSearchCV(RidgeClassifier(), ALPHA, **TINY).fit(X, y)
    assert list(search.cv_results_["state"]) == ["COMPLETE", "COMPLETE"] and search.predict(X).shape == (40, 3)


def test_a_search_whose_every_trial_failed_is_not_fitted():
    search = HPOSearchCV(SVC(), SearchSpace([Float("C", 0.1, 1.0), Categorical("kernel", ["precomputed"])]),
                         **TINY)
    with pytest.raises(TrialStateError, match="Every one of the 2 trials of HPOSearchCV failed"):
        search.fit(X, LABELS)
    assert search.n_features_in_ == 3  # checked before the trials ran
    with pytest.raises(NotFittedError):
        search.predict(X)
