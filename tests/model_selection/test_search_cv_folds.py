"""HPOSearchCV's ``cv`` means what it means in scikit-learn's searches: an int (seeded shuffled
folds), a splitter (with ``fit(X, y, groups=...)`` for a group splitter) or an iterable of
(train, test) pairs; the folds are cut once, and every trial is scored on the same ones."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_diabetes, load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_val_score,
)

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

ALPHA = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])
X_ALL, Y_ALL = load_diabetes(return_X_y=True)
# Column 0 is the row number, so the fitted model and the scorer can tell which rows they saw.
X, Y = np.column_stack([np.arange(60.0), X_ALL[:60]]), Y_ALL[:60]
GROUPS = np.repeat(np.arange(12), 5)  # 12 groups of 5 consecutive rows


class RowsRidge(Ridge):
    """Ridge that remembers the rows it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.rows_ = X[:, 0].astype(int)
        return super().fit(X, y, sample_weight)


def splits_used(cv, **fit):
    """Fit a search of 2 trials with ``cv``; return it and the (train, test) rows of every fold each trial scored."""
    seen = []

    def record(estimator, X, y):  # called right after the fit on the train rows of the same split
        seen.append((estimator.rows_, X[:, 0].astype(int)))
        return estimator.score(X, y)

    search = HPOSearchCV(RowsRidge(), ALPHA, optimizer="random", n_trials=2, cv=cv, scoring=record, seed=0)
    search.fit(X, Y, **fit)
    per_trial = len(seen) // 2
    assert len(seen) == 2 * search.n_splits_
    first, second = seen[:per_trial], seen[per_trial:]
    for (train, test), (train2, test2) in zip(first, second, strict=True):  # every trial on the same folds
        np.testing.assert_array_equal(train, train2)
        np.testing.assert_array_equal(test, test2)
    return search, first


def test_a_kfold_splitter_gives_its_unshuffled_folds():
    search, used = splits_used(KFold(3))
    expected = list(KFold(3).split(X))
    assert search.n_splits_ == 3 and len(used) == 3
    for (train, test), (train_k, test_k) in zip(used, expected, strict=True):
        np.testing.assert_array_equal(train, train_k)
        np.testing.assert_array_equal(test, test_k)


def test_group_kfold_keeps_every_group_on_one_side_of_every_split():
    search, used = splits_used(GroupKFold(3), groups=GROUPS)
    assert search.n_splits_ == 3
    for train, test in used:
        assert not set(GROUPS[train]) & set(GROUPS[test])
    np.testing.assert_array_equal(np.sort(np.concatenate([test for _, test in used])), np.arange(60))


def test_time_series_split_trains_on_the_past_only():
    search, used = splits_used(TimeSeriesSplit(3))
    assert search.n_splits_ == 3 and all(train.max() < test.min() for train, test in used)
    assert [len(test) for _, test in used] == [15, 15, 15]


def test_an_explicit_list_of_splits_is_used_as_given_with_its_number_of_columns():
    given = [(np.arange(0, 40), np.arange(40, 60)), (np.arange(20, 60), np.arange(0, 20))]
    search, used = splits_used(given)
    for (train, test), (train_g, test_g) in zip(used, given, strict=True):
        np.testing.assert_array_equal(train, train_g)
        np.testing.assert_array_equal(test, test_g)
    splits = sorted(key for key in search.cv_results_ if key.startswith("split"))
    assert search.n_splits_ == 2 and splits == ["split0_test_score", "split1_test_score"]


def test_stratified_kfold_gives_the_scores_of_scikit_learns_cv_3():
    # The docstring's way to the folds of GridSearchCV(cv=3) (unshuffled; iris is sorted by class).
    X_iris, y_iris = load_iris(return_X_y=True)
    search = HPOSearchCV(LogisticRegression(), SearchSpace([Float("C", 1e-2, 1e2, log=True)]), optimizer="random",
                         n_trials=2, cv=StratifiedKFold(3), seed=0).fit(X_iris, y_iris)
    for row, params in enumerate(search.cv_results_["params"]):
        expected = cross_val_score(LogisticRegression(**params), X_iris, y_iris, cv=3)
        got = [search.cv_results_[f"split{k}_test_score"][row] for k in range(3)]
        np.testing.assert_allclose(got, expected)


def test_a_search_with_a_splitter_clones_and_nests():
    search = HPOSearchCV(Ridge(), ALPHA, optimizer="random", n_trials=2, cv=KFold(2), seed=0)
    copy = clone(search)
    assert isinstance(copy.get_params()["cv"], KFold) and copy.get_params()["cv"].n_splits == 2
    assert cross_val_score(search, X, Y, cv=2).shape == (2,)


def fitted(cv, **fit):
    HPOSearchCV(Ridge(), ALPHA, optimizer="random", n_trials=1, cv=cv, seed=0).fit(X, Y, **fit)


RULE = ("`cv` of HPOSearchCV must be an int in [2, inf), a splitter (an object with split and get_n_splits, such as "
        "KFold(3)) or an iterable of (train, test) pairs of row-index arrays; got ")
PAIRS = "`cv` of HPOSearchCV must be (train, test) pairs of non-empty arrays of row indices in [0, 60) (the data " \
        "has 60 samples); got "
CASES = [
    ("a word", lambda: fitted("zzz"), RULE + "'zzz'."),
    ("a float", lambda: fitted(2.5), RULE + "2.5."),
    ("a dict", lambda: fitted({"train": [0]}), RULE + "{'train': [0]}."),
    ("no split", lambda: fitted([]), RULE + "[]. It held no (train, test) pair"),
    ("an iterator used up", lambda: fitted(iter([])), "It held no (train, test) pair; an iterator"),
    ("a split of one part", lambda: fitted([(np.arange(30),)]), PAIRS + "split 0: (array("),
    ("rows past the data", lambda: fitted([(np.arange(30), np.arange(55, 65))]),
     PAIRS + "split 0 with test of shape (10,) and dtype int64 holding 5 out of range: [60, 61, 62, 63, 64]."),
    # The shape alone did not say which index was wrong (audit a461): the first ten do.
    ("a negative row", lambda: fitted([(np.arange(30), np.r_[np.arange(30, 59), -1])]),
     PAIRS + "split 0 with test of shape (30,) and dtype int64 holding 1 out of range: [-1]."),
    ("many rows past the data", lambda: fitted([(np.arange(30), np.arange(30, 90))]),
     PAIRS + "split 0 with test of shape (60,) and dtype int64 holding 30 out of range: [60, 61, 62, 63, 64, 65, "
             "66, 67, 68, 69] ..."),
    ("an empty test part", lambda: fitted([(np.arange(30), [])]), PAIRS + "split 0 with test []."),
    # Accepted, and the search scored each configuration on rows it was fit on (a307 m10).
    ("train rows holding test rows", lambda: fitted([(np.arange(40), np.arange(40, 60)),
                                                      (np.arange(30), np.arange(25, 35))]),
     "`cv` of HPOSearchCV must be (train, test) pairs whose test rows are not in their train rows; got split 1 with 5 "
     "of its 10 test rows in its train rows (rows [25, 26, 27, 28, 29]). A model scored on rows it was fit on"),
    ("a boolean mask", lambda: fitted([(np.arange(60) < 30, np.arange(60) >= 30)]),
     PAIRS + "split 0 with train of shape (60,) and dtype bool."),
    ("more splits than samples", lambda: fitted(KFold(100)),
     "`cv` of HPOSearchCV must be a splitter that can cut the data into folds; got KFold(n_splits=100, "
     "random_state=None, shuffle=False). Cannot have number of splits n_splits=100 greater than the number of "
     "samples: n_samples=60."),
    ("a group splitter without groups", lambda: fitted(GroupKFold(3)),
     "`groups` of HPOSearchCV.fit must be group labels of shape (n_samples,) for GroupKFold; got None. It keeps each "
     "group within one side of every split: pass groups=... to HPOSearchCV.fit."),
    ("groups an int cv would ignore", lambda: fitted(3, groups=GROUPS),
     "`groups` of HPOSearchCV.fit must be None when `cv` is an int; got group labels. They would be ignored"),
    ("groups a list of splits would ignore", lambda: fitted([(np.arange(30), np.arange(30, 60))], groups=GROUPS),
     "`groups` of HPOSearchCV.fit must be None when `cv` is a list of splits; got group labels."),
    ("groups of the wrong length", lambda: fitted(GroupKFold(3), groups=GROUPS[:10]),
     "`groups` of HPOSearchCV.fit must be an array-like of shape (n_samples,) = (60,), one label per sample; got "
     "an array-like of shape (10,)."),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_input_errors(call, message, no_trials):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


# -- nested_cv shares the folds: outer and inner as splitters, groups to both --------------------------
def test_nested_cv_keeps_groups_apart_in_the_outer_and_the_inner_folds():
    result = nested_cv(Ridge(), ALPHA, X=X, y=Y, optimizer="random", n_trials=2, outer=GroupKFold(3),
                       inner=GroupKFold(2), groups=GROUPS, seed=0)
    for test in result.outer_test_indices:
        train = np.setdiff1d(np.arange(60), test)  # GroupKFold's training part is the rest
        assert not set(GROUPS[train]) & set(GROUPS[test])
    assert len(result.outer_scores) == 3 and all(study.trials for study in result.studies)


def test_nested_cv_with_an_explicit_outer_split_and_a_splitter_inside():
    given = [(np.arange(0, 40), np.arange(40, 60)), (np.arange(20, 60), np.arange(0, 20))]
    result = nested_cv(Ridge(), ALPHA, X=X, y=Y, optimizer="random", n_trials=2, outer=given,
                       inner=TimeSeriesSplit(2), seed=0)
    assert [test.tolist() for test in result.outer_test_indices] == [test.tolist() for _, test in given]
    assert [train.tolist() for train in result.outer_train_indices] == [train.tolist() for train, _ in given]


def nested(**arguments):
    nested_cv(Ridge(), ALPHA, X=X, y=Y, optimizer="random", n_trials=1, seed=0, **arguments)


NESTED_CASES = [
    ("outer a word", lambda: nested(outer="zzz"),
     RULE.replace("`cv` of HPOSearchCV", "`outer` of nested_cv") + "'zzz'."),
    ("inner row indices", lambda: nested(inner=[(np.arange(10), np.arange(10, 20))]),
     "`inner` of nested_cv must be an int in [2, inf) or a splitter (an object with split and get_n_splits, such as "
     "KFold(3)); got [(array("),
    ("a group splitter inside without groups", lambda: nested(outer=KFold(2), inner=GroupKFold(2)),
     "`groups` of nested_cv must be group labels of shape (n_samples,) for GroupKFold; got None. It keeps each group "
     "within one side of every split: pass groups=... to nested_cv."),
    ("groups the int inner folds would ignore", lambda: nested(outer=GroupKFold(2), inner=2, groups=GROUPS),
     "`groups` of nested_cv must be None when `inner` is an int; got group labels."),
    # Accepted, and the leaked score reported as the honest estimate (a307 m10).
    ("outer train rows holding test rows", lambda: nested(outer=[(np.arange(40), np.arange(40, 60)),
                                                                (np.arange(60), np.arange(0, 20))]),
     "`outer` of nested_cv must be (train, test) pairs whose test rows are not in their train rows; got split 1 with "
     "20 of its 20 test rows in its train rows (rows [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] ...)."),
    ("an outer test row past the data", lambda: nested(outer=[(np.arange(40), np.r_[np.arange(40, 59), 60])]),
     "`outer` of nested_cv must be (train, test) pairs of non-empty arrays of row indices in [0, 60) (the data has "
     "60 samples); got split 0 with test of shape (20,) and dtype int64 holding 1 out of range: [60]."),
    ("too many inner groups", lambda: nested(outer=GroupKFold(2), inner=GroupKFold(10), groups=GROUPS),
     "`inner` of nested_cv must be a splitter that can cut an outer-training part into folds; got GroupKFold("),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in NESTED_CASES], ids=[c[0] for c in NESTED_CASES])
def test_nested_input_errors(call, message, no_trials):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
