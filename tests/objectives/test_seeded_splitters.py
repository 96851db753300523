"""A splitter that shuffles and was left at random_state=None is seeded by the search's seed
(DESIGN §3: CV shuffles derive from the seed): the same seed gave other folds, other scores,
and a journaled search that could not resume (auditor a307, m4 m5 m7 m15)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, ShuffleSplit, StratifiedKFold  # noqa: E402

from interactive_hpo import Float, SearchSpace, StorageError  # noqa: E402
from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402
from interactive_hpo.objectives import SklearnCV  # noqa: E402
from interactive_hpo.objectives.folds import folds_of  # noqa: E402

X, Y = load_iris(return_X_y=True)
SPACE = SearchSpace([Float("C", 1e-2, 1e2, log=True)])


def cut(cv, seed):
    return [(train.tolist(), test.tolist()) for train, test in folds_of(cv, X, Y, None, True, seed, "cv", "t", "t")]


@pytest.mark.parametrize("cv", [KFold(3, shuffle=True), StratifiedKFold(3, shuffle=True), ShuffleSplit(3)],
                         ids=repr)
def test_a_shuffling_splitter_without_random_state_is_seeded_and_left_as_given(cv):
    assert cut(cv, 7) == cut(cv, 7) != cut(cv, 8)
    assert cv.random_state is None  # the person's object is not changed


@pytest.mark.parametrize("cv", [KFold(3, shuffle=True, random_state=3), KFold(3), GroupKFold(3)], ids=repr)
def test_a_splitter_with_its_own_random_state_or_none_to_use_is_left_alone(cv):
    groups = np.arange(len(Y)) % 5
    ours = folds_of(cv, X, Y, groups if isinstance(cv, GroupKFold) else None, True, 7, "cv", "t", "t")
    theirs = cv.split(X, Y, groups)
    assert [(a.tolist(), b.tolist()) for a, b in ours] == [(a.tolist(), b.tolist()) for a, b in theirs]


def test_the_same_seed_gives_the_same_search_and_task_with_a_shuffling_splitter():
    def search():
        return HPOSearchCV(LogisticRegression(max_iter=200), SPACE, optimizer="random", n_trials=2,
                           cv=StratifiedKFold(3, shuffle=True), seed=0).fit(X, Y)

    one, other = search(), search()
    assert all(one.cv_results_[f"split{k}_test_score"].tolist() == other.cv_results_[f"split{k}_test_score"].tolist()
               for k in range(3))

    def task():  # SklearnCV's cv= (its folds come from folds_of too)
        return SklearnCV(LogisticRegression(max_iter=200), X, Y, SPACE, cv=StratifiedKFold(3, shuffle=True), seed=0)

    assert task()({"C": 1.0}).user_attrs["fold_scores"] == task()({"C": 1.0}).user_attrs["fold_scores"]


def test_a_journaled_nested_search_with_shuffling_inner_folds_resumes_and_a_refusal_names_inner(tmp_path):
    def run(inner, n_trials=2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nested_cv(LogisticRegression(max_iter=200), SPACE, X=X, y=Y, optimizer="random", n_trials=n_trials,
                             outer=2, inner=inner, seed=0, storage=tmp_path)

    first = run(StratifiedKFold(3, shuffle=True))
    resumed = run(StratifiedKFold(3, shuffle=True), 3)  # it was refused: `cv.folds` differed
    assert [(t.params, t.value) for t in resumed.studies[0].trials[:2]] == [(t.params, t.value)
                                                                            for t in first.studies[0].trials]
    with pytest.raises(StorageError, match=re.escape("`cv.folds`: other contents than in the journal (the folds of "
                                                     "`inner`: a splitter that shuffles with random_state=None is "
                                                     "seeded by `seed`")):
        run(StratifiedKFold(3, shuffle=True, random_state=5))
