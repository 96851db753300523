"""nested_cv of a task whose folds a splitter cuts keeps the task's way of splitting (audit a427):
its groups are the default groups, its splitter the default inner folds, and int (shuffled) folds
are refused, where they were silently used and reported a leaked score as the honest estimate."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")

from sklearn.model_selection import GroupKFold, KFold, PredefinedSplit, TimeSeriesSplit  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

from interactive_hpo.model_selection.nested import nested_cv  # noqa: E402
from interactive_hpo.objectives import SklearnCV  # noqa: E402

SPACE = SearchSpace([Int("max_depth", 1, 20), Int("min_samples_leaf", 1, 20),
                     Float("ccp_alpha", 1e-4, 0.1, log=True)])
FAST = {"optimizer": "random", "n_trials": 3, "seed": 0}


def _patients():
    """Notebook 08's patients: 60, 5 near copies each, a coin-flip label per patient (nothing to learn)."""
    rng = np.random.default_rng(0)
    centres, coin = rng.normal(size=(60, 20)), rng.integers(0, 2, 60)
    patient = np.repeat(np.arange(60), 5)
    return centres[patient] + 0.05 * rng.normal(size=(300, 20)), coin[patient], patient


X, Y, PATIENT = _patients()


@pytest.fixture(scope="module")
def grouped():
    return SklearnCV(DecisionTreeClassifier(), X, Y, SPACE, cv=GroupKFold(3), groups=PATIENT, seed=0)


def test_the_audits_call_is_refused_naming_the_tasks_groups(grouped):
    # Before: 0.99 for a coin flip at 12 trials, no warning (shuffled outer and inner folds, the groups dropped).
    for settings in ({"outer": 5, "inner": 3}, {}):   # the default outer=5 too
        with pytest.raises(InvalidParameterError) as error:
            nested_cv(grouped, X=X, y=Y, **FAST, **settings)
        assert str(error.value).startswith("`outer` of nested_cv must be a splitter that reads groups when the task "
                                           "is split by its groups; got 5. The task's cv is GroupKFold(")
        assert "Pass outer=GroupKFold(5), inner=GroupKFold(3)" in str(error.value)
    with pytest.raises(InvalidParameterError, match="^`inner` of nested_cv must be a splitter that reads groups"):
        nested_cv(grouped, X=X, y=Y, outer=GroupKFold(5), inner=3, **FAST)


def test_a_grouped_task_gives_its_groups_and_its_splitter_to_every_split(grouped):
    result = nested_cv(grouped, X=X, y=Y, outer=GroupKFold(5), **FAST)
    by_hand = nested_cv(grouped, X=X, y=Y, outer=GroupKFold(5), inner=GroupKFold(3), groups=PATIENT, **FAST)
    assert np.array_equal(result.outer_scores, by_hand.outer_scores)   # the task's groups and splitter
    for train, test in zip(result.outer_train_indices, result.outer_test_indices, strict=True):
        assert not set(PATIENT[train]) & set(PATIENT[test])
    assert result.mean < 0.75   # a coin flip per patient; the leaked estimate was 0.99


@pytest.mark.parametrize(("settings", "message"), [
    ({"outer": KFold(5, shuffle=True)}, "`outer` of nested_cv must be folds that keep the task's groups apart (no "
                                        "group on both sides of a split); got KFold("),
    ({"outer": GroupKFold(5), "inner": KFold(3, shuffle=True)},
     "`inner` of nested_cv must be folds that keep the task's groups apart (no group on both sides of a split); got "
     "KFold("),
])
def test_splitters_that_ignore_the_tasks_groups_are_refused(grouped, settings, message):
    with pytest.raises(InvalidParameterError) as error:
        nested_cv(grouped, X=X, y=Y, **settings, **FAST)
    assert str(error.value).startswith(message) and "groups on both sides" in str(error.value)


def test_pairs_of_your_own_must_keep_the_tasks_groups_apart(grouped):
    by_patient = [(np.flatnonzero(PATIENT % 3 != k), np.flatnonzero(PATIENT % 3 == k)) for k in range(3)]
    result = nested_cv(grouped, X=X, y=Y, outer=by_patient, **FAST)
    assert [len(test) for test in result.outer_test_indices] == [100, 100, 100]
    by_row = [(np.flatnonzero(np.arange(300) % 3 != k), np.flatnonzero(np.arange(300) % 3 == k)) for k in range(3)]
    with pytest.raises(InvalidParameterError, match="^`outer` of nested_cv must be folds that keep the task's groups "
                                                    "apart .* split 0 of X has 60 groups on both sides"):
        nested_cv(grouped, X=X, y=Y, outer=by_row, **FAST)


def test_the_tasks_groups_must_label_the_rows_given(grouped):
    with pytest.raises(InvalidParameterError, match=r"^`groups` of nested_cv must be group labels of shape "
                                                    r"\(n_samples,\) = \(200,\), one per row of X; got None\. The "
                                                    r"task groups its 300 rows"):
        nested_cv(grouped, X=X[:200], y=Y[:200], outer=GroupKFold(5), **FAST)


def test_a_time_series_task_is_not_shuffled():
    rng = np.random.default_rng(1)
    X_time = np.cumsum(rng.normal(size=(120, 3)), axis=0)
    y_time = X_time[:, 0] + rng.normal(size=120)
    space = SearchSpace([Int("max_depth", 1, 6)])
    task = SklearnCV(DecisionTreeRegressor(), X_time, y_time, space, cv=TimeSeriesSplit(3), seed=0)
    with pytest.raises(InvalidParameterError) as error:
        nested_cv(task, X=X_time, y=y_time, **FAST)
    assert str(error.value).startswith("`outer` of nested_cv must be a splitter when the task's cv is one; got 5. "
                                       "Int folds are shuffled and would replace the task's cv, TimeSeriesSplit(")
    assert "Pass outer=TimeSeriesSplit(5)" in str(error.value)
    result = nested_cv(task, X=X_time, y=y_time, outer=TimeSeriesSplit(3), **FAST)
    by_hand = nested_cv(task, X=X_time, y=y_time, outer=TimeSeriesSplit(3), inner=TimeSeriesSplit(3), **FAST)
    assert np.array_equal(result.outer_scores, by_hand.outer_scores)   # the task's splitter, inside
    assert all(train.max() < test.min() for train, test in zip(result.outer_train_indices, result.outer_test_indices,
                                                                strict=True))


def test_a_predefined_split_is_not_reused_inside():
    task = SklearnCV(DecisionTreeClassifier(), X, Y, SPACE, cv=PredefinedSplit(np.arange(225) % 3), seed=0)
    with pytest.raises(InvalidParameterError, match="^`inner` of nested_cv must be a splitter .* for a task whose cv "
                                                    "is a PredefinedSplit; got None. Its test_fold names rows"):
        nested_cv(task, X=X, y=Y, outer=KFold(3), **FAST)


def test_a_task_of_shuffled_folds_keeps_three_inner_folds():
    task = SklearnCV(DecisionTreeClassifier(), X, Y, SPACE, cv=5, seed=0)
    default = nested_cv(task, X=X, y=Y, outer=3, **FAST)
    assert np.array_equal(default.outer_scores, nested_cv(task, X=X, y=Y, outer=3, inner=3, **FAST).outer_scores)


def test_groups_of_your_own_are_kept_apart_too():
    """A KFold given groups= ignores them: the outer test folds shared patients with the searches'
    data and the "honest estimate" of a coin flip was the leaked one."""
    with pytest.raises(InvalidParameterError, match=r"^`outer` of nested_cv must be folds that keep the groups "
                                                    r"given apart .* groups on both sides .* or leave groups out"):
        nested_cv(DecisionTreeClassifier(), SPACE, X=X, y=Y, outer=KFold(3, shuffle=True, random_state=0),
                  inner=GroupKFold(3), groups=PATIENT, **FAST)
    with pytest.raises(InvalidParameterError, match=r"^`inner` of nested_cv must be folds that keep the groups "
                                                    r"given apart .* outer fold 1's training part"):
        nested_cv(DecisionTreeClassifier(), SPACE, X=X, y=Y, outer=GroupKFold(3), inner=KFold(3), groups=PATIENT,
                  **FAST)
    result = nested_cv(DecisionTreeClassifier(), SPACE, X=X, y=Y, outer=GroupKFold(3), inner=GroupKFold(3),
                       groups=PATIENT, **FAST)
    assert len(result.outer_test_indices) == 3


def test_groups_of_your_own_go_with_pairs_of_your_own():
    """The refusal of pairs that mix a task's groups said "or pass groups= yourself", and groups
    passed with pairs were refused as ignored, though the inner splitter reads them (r437)."""
    by_patient = [(np.flatnonzero(PATIENT % 3 != k), np.flatnonzero(PATIENT % 3 == k)) for k in range(3)]
    result = nested_cv(DecisionTreeClassifier(), SPACE, X=X, y=Y, outer=by_patient, inner=GroupKFold(3),
                       groups=PATIENT, **FAST)
    assert [len(test) for test in result.outer_test_indices] == [100, 100, 100]
    mixed = [(np.arange(0, 152), np.arange(152, 300)), (np.arange(148, 300), np.arange(0, 148))]
    with pytest.raises(InvalidParameterError, match=r"^`outer` of nested_cv must be folds that keep the groups given "
                                                    r"apart .* split 0 of X has 1 group on both sides \(such as 30\)"):
        nested_cv(DecisionTreeClassifier(), SPACE, X=X, y=Y, outer=mixed, inner=GroupKFold(3), groups=PATIENT, **FAST)
