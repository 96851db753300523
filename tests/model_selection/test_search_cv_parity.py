"""HPOSearchCV as a drop-in for GridSearchCV: the methods it hands to best_estimator_, the grid's
warning when its levels are fewer than the space's values, a callable scoring returning a dict,
and estimators fitted without y."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from interactive_hpo import Float, Int, SearchSpace
from interactive_hpo.model_selection.search_cv import HPOSearchCV

X, y = load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def pca_search():
    space = SearchSpace([Int("pca__n_components", 1, 3)])
    return HPOSearchCV(make_pipeline(StandardScaler(), PCA()), space, optimizer="grid", n_trials=3, cv=3,
                       seed=0).fit(X, y)


@pytest.fixture(scope="module")
def logistic_search():
    space = SearchSpace([Float("C", 0.1, 10.0, log=True)])
    return HPOSearchCV(LogisticRegression(max_iter=500), space, optimizer="sobol", n_trials=2, cv=3,
                       seed=0).fit(X, y)


def test_transform_inverse_transform_score_samples_go_to_best_estimator(pca_search):
    out = pca_search.transform(X)
    assert out.shape == (len(X), pca_search.best_params_["pca__n_components"])
    np.testing.assert_array_equal(out, pca_search.best_estimator_.transform(X))
    np.testing.assert_array_equal(pca_search.inverse_transform(out), pca_search.best_estimator_.inverse_transform(out))
    np.testing.assert_array_equal(pca_search.score_samples(X), pca_search.best_estimator_.score_samples(X))


def test_predict_log_proba_goes_to_best_estimator(logistic_search):
    np.testing.assert_array_equal(logistic_search.predict_log_proba(X[:5]),
                                  logistic_search.best_estimator_.predict_log_proba(X[:5]))


def test_missing_methods_are_unavailable(pca_search, logistic_search):
    for name in ("predict_log_proba", "predict"):
        assert not hasattr(pca_search, name)
    for name in ("transform", "inverse_transform", "score_samples"):
        assert not hasattr(logistic_search, name)
        with pytest.raises(AttributeError):
            getattr(logistic_search, name)


def test_grid_coarser_than_the_space_names_resolution():
    tree = DecisionTreeClassifier(random_state=0)
    with pytest.warns(UserWarning, match=r'ran 5 of n_trials=40.*max_depth.*optimizer_settings=\{"resolution": 40\} '
                                         r"for a grid of 40 configurations\.") as caught:
        HPOSearchCV(tree, SearchSpace([Int("max_depth", 1, 40)]), optimizer="grid", n_trials=40, cv=2,
                    seed=0).fit(X[:60], y[:60])
    assert "enlarge the space" not in str(caught[0].message)
    with pytest.warns(UserWarning, match="Lower n_trials or enlarge the space"):  # the grid holds every value
        HPOSearchCV(tree, SearchSpace([Int("max_depth", 1, 3)]), optimizer="grid", n_trials=5, cv=2,
                    seed=0).fit(X[:60], y[:60])


def _two_scores(estimator, X_test, y_test):
    """sklearn's multi-metric callable form: a dict of scores."""
    _two_scores.calls += 1
    predicted = estimator.predict(X_test)
    return {"acc": float(np.mean(predicted == y_test)), "wrong": float(np.mean(predicted != y_test))}


def test_callable_scoring_returning_a_dict_stops_at_the_first_trial():
    _two_scores.calls = 0
    search = HPOSearchCV(DecisionTreeClassifier(random_state=0), SearchSpace([Int("max_depth", 1, 4)]),
                         optimizer="grid", n_trials=4, cv=3, seed=0, scoring=_two_scores)
    with pytest.raises(ValueError, match=r"`scoring` of HPOSearchCV must be a callable returning one number.*"
                                         r"_two_scores.*\['acc', 'wrong'\].*dict of scorers"):
        search.fit(X, y)
    assert _two_scores.calls == 3  # one trial's folds, not every trial's


def test_refit_by_name_with_one_scorer_is_refused_before_the_first_trial(no_trials):
    search = HPOSearchCV(DecisionTreeClassifier(), SearchSpace([Int("max_depth", 1, 4)]), scoring=_two_scores,
                         refit="acc")
    with pytest.raises(ValueError, match=r"`refit` of HPOSearchCV must be a bool; got 'acc'.*several scores.*"
                                         r"dict of scorers"):
        search.fit(X, y)


def test_an_estimator_without_y_is_searched_as_grid_search_cv_does():
    folds = KFold(3, shuffle=True, random_state=0)
    grid = GridSearchCV(GaussianMixture(random_state=0), {"n_components": [1, 2, 3, 4]}, cv=folds).fit(X)
    search = HPOSearchCV(GaussianMixture(random_state=0), SearchSpace([Int("n_components", 1, 4)]),
                         optimizer="grid", n_trials=4, cv=folds, seed=0).fit(X)
    order = np.argsort([p["n_components"] for p in search.cv_results_["params"]])
    np.testing.assert_allclose(search.cv_results_["mean_test_score"][order], grid.cv_results_["mean_test_score"])
    assert search.best_params_ == grid.best_params_
    assert search.score(X[:5]) == pytest.approx(grid.score(X[:5]))
    with pytest.raises(ValueError, match="requires y"):  # a supervised estimator still needs it
        HPOSearchCV(LogisticRegression(), SearchSpace([Float("C", 0.1, 10.0)])).fit(X)


def test_a_callable_scoring_that_reads_no_y_searches_without_y():
    """The remedy the refusal below names: a callable ``scoring`` was iterated as a list of names."""
    def log_likelihood(estimator, X, y=None):
        return estimator.score(X)

    search = HPOSearchCV(GaussianMixture(random_state=0), SearchSpace([Int("n_components", 1, 3)]), optimizer="grid",
                         n_trials=3, cv=3, seed=0, scoring=log_likelihood).fit(X)
    assert search.best_params_["n_components"] in (1, 2, 3) and np.isfinite(search.best_score_)


@pytest.mark.parametrize("scoring", ["adjusted_rand_score", ["accuracy", "f1"]])
def test_a_scorer_name_without_y_is_refused_before_the_first_trial(no_trials, scoring):
    search = HPOSearchCV(GaussianMixture(), SearchSpace([Int("n_components", 1, 4)]), optimizer="grid",
                         scoring=scoring, refit=False)
    with pytest.raises(ValueError, match=r"`y` of HPOSearchCV must be the targets.*got None.*scoring=None"):
        search.fit(X)


def test_the_finer_grid_named_is_the_smallest_and_found_quickly():
    """Counted one level at a time, n_trials=20000 over one Float built 20000 grids (minutes)
    after the search had ended; now doubled and halved back."""
    from interactive_hpo.model_selection.scoring import _finer_grid
    from interactive_hpo.optimizers.simple import GridSearch

    both = SearchSpace([Float("x", 0.0, 1.0), Int("d", 1, 8)])
    assert '{"resolution": 13} for a grid of 104 configurations' in _finer_grid(GridSearch(both), both, 100)
    line = SearchSpace([Float("x", 0.0, 1.0)])
    assert '{"resolution": 20000} for a grid of 20000' in _finer_grid(GridSearch(line), line, 20000)
