"""Arguments of HPOSearchCV and nested_cv that scikit-learn's searches take, and one they must
not: a seed among the optimizer's settings (auditor a307, m3 m9 m14)."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, TrialStateError  # noqa: E402
from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

X, Y = load_iris(return_X_y=True)
SPACE = SearchSpace([Float("C", 1e-2, 1e2, log=True)])
X_FIRST = X[0]


@pytest.mark.parametrize("call, owner", [
    (lambda: HPOSearchCV(SVC(), SPACE, optimizer="random", optimizer_settings={"seed": 1}, n_trials=1).fit(X, Y),
     "HPOSearchCV"),
    (lambda: nested_cv(SVC(), SPACE, X=X, y=Y, optimizer="random", optimizer_settings={"seed": 1}, n_trials=1),
     "nested_cv"),
])
def test_a_seed_among_the_optimizer_settings_is_refused_naming_both_arguments(call, owner, no_trials):
    # It overrode seed= for the optimizer alone, unseen: two settings seeds, two searches at seed=0 (m9).
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`optimizer_settings` of {owner} must be settings without 'seed' (the seed is an argument of its own, "
            f"`seed`); got {{'seed': 1}}. It would override `seed` of {owner} for the optimizer alone: pass seed=1")):
        call()


def test_tuple_choices_are_refused_with_a_recipe_that_works():
    # "(1, 1) cannot be stored in a JSON journal", and no way out said (a307 m11).
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    name = "tfidfvectorizer__ngram_range"
    with pytest.raises(InvalidParameterError, match="cannot be stored in a JSON journal. Name each choice by a str") \
            as refused:
        Categorical(name, [(1, 1), (1, 2)])
    recipe = re.search(r"choices = (\{.*?\}); (Categorical\(.*?\)) and, .*?estimator_params=(lambda p: .*)\.$",
                       str(refused.value))
    recipe_names = {"choices": eval(recipe.group(1)), "Categorical": Categorical}  # its own words, run as given
    space = SearchSpace([Float("logisticregression__C", 1e-2, 1e2, log=True), eval(recipe.group(2), recipe_names)])
    docs, labels = ["good movie", "bad movie", "great film", "awful film", "good film", "bad acting"] * 5, [1, 0] * 15
    search = HPOSearchCV(make_pipeline(TfidfVectorizer(), LogisticRegression()), space, optimizer="random", n_trials=2,
                         cv=3, seed=0, estimator_params=eval(recipe.group(3), recipe_names)).fit(docs, labels)
    assert search.best_estimator_.get_params()[name] == {"1,1": (1, 1), "1,2": (1, 2)}[search.best_params_[name]]


class Weighed(SVC):
    """SVC that records the sample weights each fit got (the class keeps them: clones drop fitted state)."""

    seen: list = []

    def fit(self, X, y, sample_weight=None):
        Weighed.seen.append(None if sample_weight is None else np.asarray(sample_weight).copy())
        return super().fit(X, y, sample_weight=sample_weight)


def test_fit_params_reach_every_fold_and_the_refit():
    # fit(X, y, sample_weight=w) was Python's TypeError (a307 m3).
    Weighed.seen = []
    weights = np.linspace(0.5, 1.5, len(Y))
    search = HPOSearchCV(Weighed(), SPACE, optimizer="random", n_trials=2, cv=3, seed=0, n_jobs=1)
    search.fit(X, Y, sample_weight=weights)
    assert len(Weighed.seen) == 2 * 3 + 1 and all(w is not None for w in Weighed.seen)
    # Each of the 3 folds fits on the other two thirds: every row's weight in two of the fits.
    np.testing.assert_allclose(np.sort(np.concatenate(Weighed.seen[:3])), np.sort(np.repeat(weights, 2)))
    np.testing.assert_array_equal(Weighed.seen[-1], weights)  # the refit, on all rows


class Failing(SVC):
    """SVC whose fit fails when it is given the first row of X (in 2 of 3 folds)."""

    def fit(self, X, y, sample_weight=None):
        if (np.asarray(X) == X_FIRST).all(axis=1).any():
            raise ValueError("this fit fails")
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_number_for_error_score_is_what_a_failing_fold_scores_and_raise_stops_the_search():
    # error_score and n_jobs were refused as unknown keywords (a307 m3).
    with pytest.warns(Warning, match="fits failed"):  # scikit-learn's FitFailedWarning
        search = HPOSearchCV(Failing(), SPACE, optimizer="random", n_trials=2, cv=3, seed=0, error_score=0.25,
                             refit=False).fit(X, Y)
    splits = np.array([search.cv_results_[f"split{k}_test_score"] for k in range(3)])
    assert (np.sort(splits, axis=0)[:2] == 0.25).all() and (splits.max(axis=0) > 0.25).all()
    assert search.cv_results_["state"].tolist() == ["COMPLETE", "COMPLETE"]
    with pytest.raises(ValueError, match="this fit fails"):
        HPOSearchCV(Failing(), SPACE, optimizer="random", n_trials=3, cv=3, seed=0, error_score="raise").fit(X, Y)
    for name, value, rule in (("error_score", "warn", "'raise' or a real number"),
                              ("n_jobs", 0, "None or a non-zero int")):
        with pytest.raises(InvalidParameterError, match=re.escape(f"`{name}` of HPOSearchCV must be {rule}")):
            HPOSearchCV(SVC(), SPACE, n_trials=1, **{name: value}).fit(X, Y)


class AlwaysFailing(SVC):
    """SVC whose every fit fails: a configuration that cannot be fitted at all."""

    def fit(self, X, y, sample_weight=None):
        raise ValueError("this configuration cannot fit")


def test_a_trial_whose_every_fold_failed_scores_error_score_as_grid_search_scores_it():
    # cross_validate raises when all of its fits failed, whatever error_score says; GridSearchCV
    # scores the candidate error_score. The trial failed (r313).
    with pytest.warns(Warning, match="Every fold of this configuration failed to fit; each scores error_score=0.0"):
        search = HPOSearchCV(AlwaysFailing(), SPACE, optimizer="random", n_trials=2, cv=3, seed=0, error_score=0.0,
                             refit=False).fit(X, Y)
    assert search.cv_results_["state"].tolist() == ["COMPLETE", "COMPLETE"]
    assert search.cv_results_["mean_test_score"].tolist() == [0.0, 0.0]
    with pytest.raises(TrialStateError, match="First error: ValueError: this configuration cannot fit"):
        # NaN, the default: its trials fail, with the error
        HPOSearchCV(AlwaysFailing(), SPACE, optimizer="random", n_trials=1, cv=3, seed=0, refit=False).fit(X, Y)


def test_groups_are_routed_to_a_group_splitter_under_metadata_routing():
    # cross_val_score(search, ..., params={"groups": g}) was refused: groups not requested (a307 m14).
    import sklearn
    from sklearn.model_selection import GroupKFold, cross_val_score

    groups = np.arange(len(Y)) % 10
    search = HPOSearchCV(SVC(), SPACE, optimizer="random", n_trials=2, cv=GroupKFold(3), seed=0)
    with sklearn.config_context(enable_metadata_routing=True):
        scores = cross_val_score(search, X, Y, params={"groups": groups}, cv=GroupKFold(3))
        weighed = Weighed().set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
        weighted = HPOSearchCV(weighed, SPACE, optimizer="random", n_trials=1, cv=GroupKFold(3), seed=0)
        Weighed.seen = []
        weighted.fit(X, Y, groups=groups, sample_weight=np.ones(len(Y)))
    assert scores.shape == (3,) and len(Weighed.seen) == 4 and all(w is not None for w in Weighed.seen)
