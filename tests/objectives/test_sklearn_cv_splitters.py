"""SklearnCV's ``cv`` as a splitter and its ``groups``: no group on both sides of the sealed test
split or of any fold, time order kept by both cuts with a TimeSeriesSplit, an int ``cv`` as
before (same folds, same scores), and the refusals, named in SklearnCV's words."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace
from interactive_hpo.objectives import SklearnCV, SklearnTradeoff

pytest.importorskip("sklearn")

from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, TimeSeriesSplit, cross_val_score, train_test_split  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
Y = X @ np.array([1.0, -2.0, 0.5]) + RNG.normal(scale=0.3, size=60)
LABELS = np.arange(60) % 3  # three classes, for the classifier
GROUPS = RNG.permutation(np.repeat(np.arange(12), 5))  # 12 groups of 5 rows, scattered
ALPHA = SearchSpace([Float("alpha", 1e-2, 1e2, log=True)])
DEPTH = SearchSpace([Float("min_impurity_decrease", 1e-4, 1e-1, log=True)])


def ridge(**settings):
    return SklearnCV(Ridge(), X, Y, ALPHA, seed=0, **settings)


def apart(groups, *sides):
    """No group label on two of ``sides`` (arrays of rows)."""
    labels = [set(groups[rows].tolist()) for rows in sides]
    return all(not (a & b) for k, a in enumerate(labels) for b in labels[k + 1:])


# -- groups ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("objective, params", [
    (lambda: ridge(cv=GroupKFold(3), groups=GROUPS), {"alpha": 1.0}),
    (lambda: SklearnCV(DecisionTreeClassifier(), X, LABELS, DEPTH, cv=GroupKFold(3), groups=GROUPS, seed=0),
     {"min_impurity_decrease": 1e-3}),
], ids=["regressor", "classifier"])
def test_groups_stay_on_one_side_of_the_sealed_split_and_of_every_fold(objective, params):
    task = objective()
    assert apart(GROUPS, task.train_indices, task.test_indices)
    assert len(np.unique(GROUPS[task.test_indices])) == 3  # test_size=0.25 of the 12 groups
    for budget in (None, 0.5):
        folds = task.fold_indices(budget)
        assert len(folds) == 3
        for fit, validation in folds:
            assert apart(GROUPS, fit, validation, task.test_indices)
            assert set(fit) | set(validation) <= set(task.train_indices)
    assert len(task(params).user_attrs["fold_scores"]) == 3


class HalvesByGroup:
    """A splitter of one's own, undeclared to scikit-learn: even groups, then odd ones, held out."""

    def split(self, X, y=None, groups=None):
        self.seen = groups
        odd = np.asarray(groups) % 2 == 1
        yield np.flatnonzero(~odd), np.flatnonzero(odd)
        yield np.flatnonzero(odd), np.flatnonzero(~odd)

    def get_n_splits(self, X=None, y=None, groups=None):
        return 2


def test_a_splitter_of_ones_own_gets_the_training_rows_groups():
    splitter = HalvesByGroup()
    task = ridge(cv=splitter, groups=GROUPS)
    np.testing.assert_array_equal(splitter.seen, GROUPS[task.train_indices])
    assert all(apart(GROUPS, fit, validation) for fit, validation in task.fold_indices())


def test_with_seed_and_a_tradeoff_keep_the_splitter_and_the_groups():
    tradeoff = SklearnTradeoff(Ridge(), X, Y, ALPHA, size=lambda model: float(np.sum(np.abs(model.coef_))),
                               cv=GroupKFold(3), groups=GROUPS, seed=0)
    for task in (ridge(cv=GroupKFold(3), groups=GROUPS).with_seed(1), tradeoff.with_seed(1)):
        assert isinstance(task.cv, GroupKFold) and task.seed == 1
        assert apart(GROUPS, task.train_indices, task.test_indices)
        assert all(apart(GROUPS, fit, validation) for fit, validation in task.fold_indices())
    assert len(tradeoff({"alpha": 1.0}).user_attrs["fold_sizes"]) == 3


# -- time order --------------------------------------------------------------------------------------------
def test_time_series_split_never_trains_on_the_future():
    task = ridge(cv=TimeSeriesSplit(3))
    np.testing.assert_array_equal(task.test_indices, np.arange(45, 60))  # the last quarter, in order
    np.testing.assert_array_equal(task.train_indices, np.arange(45))
    starts = []
    for budget in (None, 0.5):
        for fit, validation in task.fold_indices(budget):
            assert fit.max() < validation.min() and validation.max() < task.test_indices.min()
            starts.append(validation.min())
    assert starts[:3] == sorted(starts[:3]) and starts[:3] == starts[3:]  # folds in time order, at every budget
    assert "cv=TimeSeriesSplit(" in repr(task)


# -- an int cv: the folds and scores it always gave ------------------------------------------------------
def test_an_int_cv_gives_the_folds_and_scores_of_a_direct_computation():
    task = ridge(cv=4)
    split_seed, cv_seed, model_seed = np.random.default_rng(0).integers(0, 2**31 - 1, size=3)
    X_train, _, y_train, _, train, test = train_test_split(X, Y, np.arange(60), test_size=0.25,
                                                           random_state=int(split_seed))
    np.testing.assert_array_equal(task.train_indices, train)
    np.testing.assert_array_equal(task.test_indices, test)
    folds = list(KFold(4, shuffle=True, random_state=int(cv_seed)).split(X_train))
    for (fit, validation), (direct_fit, direct_validation) in zip(task.fold_indices(), folds, strict=True):
        np.testing.assert_array_equal(fit, train[direct_fit])
        np.testing.assert_array_equal(validation, train[direct_validation])
    scores = cross_val_score(Ridge(alpha=0.5, random_state=int(model_seed)), X_train, y_train, cv=folds)
    assert task({"alpha": 0.5}).user_attrs["fold_scores"] == scores.tolist()


def test_a_classifiers_two_columns_of_labels_get_plain_shuffled_folds_as_in_hpo_search_cv():
    """Before, StratifiedKFold refused them in scikit-learn's words ("Supported target types are: ('binary',
    'multiclass')"), a ValueError from inside SklearnCV; the searches' one cut gives plain K-fold, as
    scikit-learn's check_cv does."""
    labels = np.column_stack([LABELS % 2, (np.arange(60) // 2) % 2])
    task = SklearnCV(DecisionTreeClassifier(), X, labels, DEPTH, cv=3, seed=0)
    cv_seed = int(np.random.default_rng(0).integers(0, 2**31 - 1, size=2)[1])
    train = task.train_indices
    direct = KFold(3, shuffle=True, random_state=cv_seed).split(train)
    for (fit, validation), (direct_fit, direct_validation) in zip(task.fold_indices(), direct, strict=True):
        np.testing.assert_array_equal(fit, train[direct_fit])
        np.testing.assert_array_equal(validation, train[direct_validation])
    assert len(task({"min_impurity_decrease": 1e-3}).user_attrs["fold_scores"]) == 3


def test_a_class_with_one_training_sample_is_the_datas_fault_not_cvs():
    """Before: "`cv` of SklearnCV must be an int in [2, 1]", a number of folds that cannot exist."""
    rare = np.r_[np.zeros(58, dtype=int), 1, 1]  # one sample of class 1 on each side of the sealed split
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`y` of SklearnCV must be labels with at least 2 samples of every class in the training split, so that "
            "it can be cut into folds; got class 1 has 1 sample in the training split.")):
        SklearnCV(DecisionTreeClassifier(), X, rare, DEPTH, cv=2, seed=0)


def test_a_splitter_enters_the_fingerprint_by_its_folds():
    assert ridge(cv=KFold(3)).fingerprint == ridge(cv=KFold(3)).fingerprint
    assert len({ridge(cv=KFold(3)).fingerprint, ridge(cv=3).fingerprint,
                ridge(cv=KFold(3, shuffle=True, random_state=1)).fingerprint,
                ridge(cv=GroupKFold(3), groups=GROUPS).fingerprint}) == 4


# -- refusals, in __init__ -----------------------------------------------------------------------------
SPLITTER = "`cv` of SklearnCV must be an int in [2, inf) or a splitter (an object with split and get_n_splits, such "
CASES = [
    ("a list of pairs", dict(cv=[([0, 1], [2])]),
     SPLITTER + "as KFold(3)); got [([0, 1], [2])]. Its row indices would be into the training split, which you "
     "never see: pass a splitter, such as PredefinedSplit, or use HPOSearchCV."),
    ("groups with an int cv", dict(cv=5, groups=GROUPS),
     "`groups` of SklearnCV must be None when `cv` is an int; got group labels. They would be ignored, and shuffled "
     "folds put one group on both sides: pass a splitter that reads them, such as cv=GroupKFold(5)."),
    ("groups of the wrong length", dict(cv=GroupKFold(3), groups=GROUPS[:10]),
     "`groups` of SklearnCV must be an array-like of shape (n_samples,) = (60,), one label per sample; got an "
     "array-like of shape (10,)."),
    ("a group splitter without groups", dict(cv=GroupKFold(3)),
     "`groups` of SklearnCV must be group labels of shape (n_samples,) for GroupKFold; got None. It keeps each "
     "group within one side of every split: pass groups=... to SklearnCV."),
    ("groups with time order", dict(cv=TimeSeriesSplit(3), groups=GROUPS),
     "`groups` of SklearnCV must be None when `cv` is a splitter that ignores them (TimeSeriesSplit); got group "
     "labels. The sealed test split is the last rows and the folds follow time order, whatever the groups"),
    ("groups a splitter ignores", dict(cv=KFold(3), groups=GROUPS),
     "`groups` of SklearnCV must be None when `cv` is a splitter that ignores them (KFold); got group labels. The "
     "sealed test split would keep each group on one side, its folds would not: pass a splitter that reads them, "
     "such as cv=GroupKFold(5), or no groups."),
    ("more folds than the training split holds", dict(cv=50),
     "`cv` of SklearnCV must be an int in [2, 45]; got 50. Each of the 50 folds needs a sample; the training split "
     "has 45 samples."),
    ("more splits than the training split holds", dict(cv=KFold(50)),
     "`cv` of SklearnCV must be a splitter that can cut the training split into folds; got KFold(n_splits=50, "),
]


@pytest.mark.parametrize("settings, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_input_errors(settings, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        ridge(**settings)
