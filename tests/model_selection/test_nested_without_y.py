"""nested_cv of an estimator fitted on X alone (GaussianMixture), as HPOSearchCV fits one, and the
warnings of its searches, which name the outer fold (audit a461)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Int, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from interactive_hpo.model_selection.nested import HPOSearchCV, nested_cv  # noqa: E402
from interactive_hpo.objectives import make_task  # noqa: E402

X = np.random.default_rng(0).normal(size=(90, 2))
COMPONENTS = SearchSpace([Int("n_components", 1, 3)])
GRID = {"optimizer": "grid", "n_trials": 3}


def gmm_nested(**arguments):
    return nested_cv(GaussianMixture(random_state=0), COMPONENTS, X=X, **{**GRID, "seed": 0, **arguments})


def test_the_outer_scores_of_an_estimator_without_y_are_cross_val_scores_of_the_search():
    # Before, nested_cv refused y=None, which HPOSearchCV (and GridSearchCV) take.
    result = gmm_nested(outer=KFold(3), inner=KFold(3))
    search = HPOSearchCV(GaussianMixture(random_state=0), COMPONENTS, **GRID, cv=KFold(3))
    expected = cross_val_score(search, X, cv=KFold(3))
    grid = cross_val_score(GridSearchCV(GaussianMixture(random_state=0), {"n_components": [1, 2, 3]}, cv=KFold(3)),
                           X, cv=KFold(3))
    np.testing.assert_allclose(result.outer_scores, expected)
    np.testing.assert_allclose(result.outer_scores, grid)
    np.testing.assert_allclose(result.outer_scores, [-2.6396, -3.0392, -2.8195], atol=1e-4)


def test_int_folds_without_y_hold_every_row_once_and_a_callable_scoring_reads_no_y():
    result = gmm_nested(outer=3)
    assert sorted(np.concatenate(result.outer_test_indices).tolist()) == list(range(90))
    scored = gmm_nested(outer=3, scoring=lambda estimator, X, y=None: estimator.score(X))
    np.testing.assert_allclose(scored.outer_scores, result.outer_scores)  # the estimator's own score, by hand


REFUSED = [
    ("a scorer name without y", lambda: gmm_nested(scoring="accuracy"),
     "`y` of nested_cv must be the targets, of shape (n_samples,), with a scorer name as scoring; got None. "
     "Scorer 'accuracy' compares predictions with y."),
    ("a classifier without y", lambda: nested_cv(DecisionTreeClassifier(), SearchSpace([Int("max_depth", 1, 3)]),
                                                 X=X, **GRID),
     "`y` of nested_cv must be the targets, of shape (n_samples,), that DecisionTreeClassifier is fitted on; got "
     "None. Only an estimator that takes no y (GaussianMixture, KMeans) is fitted on X alone."),
    # A Pipeline does not tag y as required: every trial failed instead.
    ("a regressor's pipeline without y",
     lambda: nested_cv(make_pipeline(StandardScaler(), Ridge()), SearchSpace([Int("ridge__alpha", 1, 3)]), X=X,
                       **GRID),
     "`y` of nested_cv must be the targets, of shape (n_samples,), that Pipeline is fitted on; got None."),
    ("a task with X and no y", lambda: nested_cv(make_task("ridge_diabetes", seed=0), X=X, **GRID),
     "`y` of nested_cv must be the targets, of shape (n_samples,), that Pipeline is fitted on; got None. Tasks do "
     "not expose their data: pass X and y"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_without_y_before_any_trial(call, message, no_trials):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


# -- the searches' warnings name the outer fold -------------------------------------------------------
def messages(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught]


def test_an_exhausted_grid_warns_once_per_outer_fold_naming_it():
    iris_X, iris_y = load_iris(return_X_y=True)
    space = SearchSpace([Int("max_depth", 1, 4)])
    found = messages(lambda: nested_cv(DecisionTreeClassifier(random_state=0), space, X=iris_X, y=iris_y,
                                       optimizer="grid", n_trials=10, outer=3, seed=0))
    ran = [m for m in found if "ran 4 of n_trials=10" in m]
    assert [m[:len("In outer fold 1 of nested_cv: ")] for m in ran] == \
        [f"In outer fold {k} of nested_cv: " for k in (1, 2, 3)], ran
    # A plain search says what it said before.
    plain = messages(lambda: HPOSearchCV(DecisionTreeClassifier(random_state=0), space, optimizer="grid",
                                         n_trials=10, cv=3, seed=0).fit(iris_X, iris_y))
    assert [m for m in plain if "ran 4 of" in m][0].startswith("HPOSearchCV ran 4 of n_trials=10 trials")


def test_failed_trials_warn_naming_the_outer_fold():
    iris_X, iris_y = load_iris(return_X_y=True)
    space = SearchSpace([Int("max_depth", 1, 3)])

    def score(estimator, X, y):  # the depth-3 trees of the search fail
        if estimator.max_depth == 3:
            raise ValueError("three is too deep")
        return estimator.score(X, y)

    def nested():
        nested_cv(DecisionTreeClassifier(random_state=0), space, X=iris_X, y=iris_y, **GRID, outer=2, scoring=score,
                  seed=0)

    found = [m for m in messages(nested) if "trials of HPOSearchCV failed" in m]
    assert [m.split(":")[0] for m in found] == ["In outer fold 1 of nested_cv", "In outer fold 2 of nested_cv"], found
    assert all("1 of 3 trials of HPOSearchCV failed" in m for m in found)
    with pytest.warns(FitFailedWarning, match="^1 of 3 trials of HPOSearchCV failed"):
        HPOSearchCV(DecisionTreeClassifier(random_state=0), space, **GRID, cv=2, scoring=score,
                    seed=0).fit(iris_X, iris_y)


def test_an_estimator_without_score_or_y_is_pointed_to_a_callable_scoring():
    # The hint said "pass a scorer name such as 'accuracy'", which without y is refused in turn (r469).
    from sklearn.ensemble import IsolationForest

    with pytest.raises(InvalidParameterError, match=re.escape("or, fitted without y, a callable scoring(estimator, "
                                                              "X, y=None)")):
        nested_cv(IsolationForest(random_state=0), SearchSpace([Int("n_estimators", 5, 10)]), X=X, y=None,
                  optimizer="grid", n_trials=2, outer=KFold(2), inner=KFold(2), seed=0)
