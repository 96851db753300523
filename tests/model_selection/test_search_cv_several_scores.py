"""HPOSearchCV with several scores: a study of several objectives, refit by the named one (issue 27)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC

from interactive_hpo import Float, SearchSpace
from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.model_selection.search_cv import HPOSearchCV
from interactive_hpo.optimizers.multifidelity.halving import HalvingScheduler
from interactive_hpo.optimizers.registry import optimizer_class, optimizers_serving_several

X, Y = load_iris(return_X_y=True)
SPACE = SearchSpace([Float("C", 1e-3, 1e2, log=True)])


@pytest.fixture(scope="module")
def search():
    return HPOSearchCV(SVC(), SPACE, optimizer="sobol", n_trials=6, cv=3, seed=0,
                       scoring=["accuracy", "f1_macro"], refit="f1_macro").fit(X, Y)


def test_each_score_is_an_objective_and_refit_names_the_one_that_chooses(search):
    study = search.study_
    assert study.goals.names == ("accuracy", "f1_macro") and study.directions == ("maximize", "maximize")
    results = search.cv_results_
    for name in ("accuracy", "f1_macro"):
        assert {f"mean_test_{name}", f"std_test_{name}", f"rank_test_{name}", f"split2_test_{name}"} <= set(results)
    assert "mean_test_score" not in results
    f1 = results["mean_test_f1_macro"]
    assert search.best_index_ == int(np.nanargmax(f1)) and search.best_score_ == pytest.approx(np.nanmax(f1))
    assert search.score(X, Y) == pytest.approx(search.scorer_["f1_macro"](search.best_estimator_, X, Y))
    assert study.best_trials  # the trade-off stays in the study


def test_several_scores_need_a_named_refit_and_an_optimizer_for_several_objectives():
    with pytest.raises(InvalidParameterError, match="`refit` of HPOSearchCV must be False or the name of the score"):
        HPOSearchCV(SVC(), SPACE, optimizer="random", n_trials=2, cv=3, scoring=["accuracy", "f1_macro"]).fit(X, Y)
    with pytest.raises(InvalidParameterError, match="`optimizer` of HPOSearchCV must be an optimizer that serves"):
        HPOSearchCV(SVC(), SPACE, n_trials=2, cv=3, scoring=["accuracy", "f1_macro"], refit="accuracy").fit(X, Y)
    with pytest.raises(InvalidParameterError, match="two or more scorers with distinct non-empty str names"):
        HPOSearchCV(SVC(), SPACE, optimizer="random", n_trials=2, cv=3, scoring={"acc": "accuracy"}).fit(X, Y)
    unrefit = HPOSearchCV(SVC(), SPACE, optimizer="random", n_trials=3, cv=3, seed=0, refit=False,
                          scoring={"acc": "accuracy", "bal": "balanced_accuracy"}).fit(X, Y)
    assert not hasattr(unrefit, "best_index_") and len(unrefit.cv_results_["mean_test_acc"]) == 3


def test_the_refusal_of_an_optimizer_for_one_objective_lists_the_registered_ones_for_several():
    """Before: a hard-coded 'parego', 'random', 'sobol' or 'grid', without "ehvi" and "nsga2"."""
    serving = [n for n in optimizers_serving_several() if not issubclass(optimizer_class(n), HalvingScheduler)]
    assert {"ehvi", "nsga2", "parego", "random"} <= set(serving) and "asha" not in serving  # refused: full data only
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"The search trades the scores off: use one of {serving}, or pass one scorer.")):
        HPOSearchCV(SVC(), SPACE, optimizer="bo", n_trials=2, cv=3, scoring=["accuracy", "f1_macro"],
                    refit="accuracy").fit(X, Y)
