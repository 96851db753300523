"""An int ``cv`` cuts the folds it always cut, for each of its users: SklearnCV (its training
split), HPOSearchCV and nested_cv (outer and inner). The values are pinned from commit 01637d9,
when SklearnCV and the searches still had one shuffled-fold cut each."""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace
from interactive_hpo.objectives import SklearnCV

pytest.importorskip("sklearn")

from sklearn.datasets import load_diabetes, load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

X_D, Y_D = load_diabetes(return_X_y=True)
X_I, Y_I = load_iris(return_X_y=True)
NAMES = np.array(["setosa", "versicolor", "virginica"])[Y_I]
ALPHA = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])
C = SearchSpace([Float("C", 1e-2, 1e2, log=True)])
TREE = SearchSpace([Float("min_impurity_decrease", 1e-4, 1e-1, log=True)])


def digest(folds):
    """A short hash of the rows of every (fit, validation) pair."""
    hashed = hashlib.sha256()
    for fit, validation in folds:
        hashed.update(np.asarray(fit).tobytes() + b"|" + np.asarray(validation).tobytes() + b";")
    return hashed.hexdigest()[:16]


# -- SklearnCV ---------------------------------------------------------------------------------------------
TREE_SCORES = {2: [0.9285714285714286, 0.9464285714285714],
               5: [0.8260869565217391, 1.0, 0.9090909090909091, 1.0, 0.8636363636363636]}
SKLEARN_CV = [
    ("ridge", Ridge(), X_D, Y_D, ALPHA, {"alpha": 1.0}, 2, 0, "6a10973097aa57b4",
     [0.333926636221359, 0.3519938951075504]),
    ("ridge", Ridge(), X_D, Y_D, ALPHA, {"alpha": 1.0}, 5, 7, "d447ade48ea95ca9",
     [0.47674799363054776, 0.3322780969599185, 0.4787004746511566, 0.42591705496264165, 0.361998760504878]),
    ("int labels", DecisionTreeClassifier(), X_I, Y_I, TREE, {"min_impurity_decrease": 1e-3}, 2, 0,
     "727687bff884f929", TREE_SCORES[2]),
    ("int labels", DecisionTreeClassifier(), X_I, Y_I, TREE, {"min_impurity_decrease": 1e-3}, 5, 7,
     "4d7b2a5017ef4eea", TREE_SCORES[5]),
    ("str labels", DecisionTreeClassifier(), X_I, NAMES, TREE, {"min_impurity_decrease": 1e-3}, 2, 0,
     "727687bff884f929", TREE_SCORES[2]),
    ("str labels", DecisionTreeClassifier(), X_I, NAMES, TREE, {"min_impurity_decrease": 1e-3}, 5, 7,
     "4d7b2a5017ef4eea", TREE_SCORES[5]),
]


@pytest.mark.parametrize("estimator, X, y, space, params, cv, seed, folds, scores", [c[1:] for c in SKLEARN_CV],
                         ids=[f"{c[0]}-cv{c[6]}" for c in SKLEARN_CV])
def test_sklearn_cv_cuts_the_folds_and_gives_the_scores_it_always_gave(estimator, X, y, space, params, cv, seed,
                                                                       folds, scores):
    task = SklearnCV(estimator, X, y, space, cv=cv, seed=seed)
    assert digest(task.fold_indices()) == folds
    assert task(params).user_attrs["fold_scores"] == scores
    # ... which are scikit-learn's shuffled (stratified) K-fold of the training split, seeded by the second draw.
    split_seed, cv_seed = (int(s) for s in np.random.default_rng(seed).integers(0, 2**31 - 1, size=2))
    classifier = space is TREE
    _, _, y_train, _, train, _ = train_test_split(X, y, np.arange(len(y)), test_size=0.25, random_state=split_seed,
                                                  stratify=y if classifier else None)
    kind = StratifiedKFold if classifier else KFold
    direct = kind(cv, shuffle=True, random_state=cv_seed).split(np.zeros((len(y_train), 1)), y_train)
    assert digest(task.fold_indices()) == digest([(train[fit], train[validation]) for fit, validation in direct])


# -- HPOSearchCV and nested_cv ------------------------------------------------------------------------------
SEARCHES = [
    ("ridge", Ridge(), ALPHA, X_D, Y_D,
     [[0.384678362555796, 0.24851777815392173], [0.35900045313225415, 0.23252106502965153],
      [0.3862843395200587, 0.24858994075375662]],
     "653a991c0c6431ac", [0.038385996898377295, 0.45589426364281205, 0.4965020886429604],
     [0.005105696814529048, 0.4329251656853437, 0.44611693168554156]),
    ("logistic", LogisticRegression(), C, X_I, Y_I, [[0.94, 0.94], [0.98, 0.98], [0.98, 0.98]],
     "a16a9090e30e5983", [0.96, 0.96, 0.98], [0.95, 0.96, 0.94]),
]


@pytest.mark.parametrize("estimator, space, X, y, splits, outer, outer_scores, inner_scores",
                         [c[1:] for c in SEARCHES], ids=[c[0] for c in SEARCHES])
def test_searches_cut_the_folds_and_give_the_scores_they_always_gave(estimator, space, X, y, splits, outer,
                                                                     outer_scores, inner_scores):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs's ConvergenceWarning at a large C: not what this checks
        search = HPOSearchCV(estimator, space, optimizer="random", n_trials=2, cv=3, seed=0).fit(X, y)
        result = nested_cv(estimator, space, X=X, y=y, optimizer="random", n_trials=2, outer=3, inner=2, seed=0)
    assert [search.cv_results_[f"split{k}_test_score"].tolist() for k in range(3)] == splits
    assert digest([(test, test) for test in result.outer_test_indices]) == outer
    assert (result.outer_scores.tolist(), result.inner_best_scores.tolist()) == (outer_scores, inner_scores)
