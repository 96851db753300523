"""HPOSearchCV's ``cv_results_`` has GridSearchCV's keys, in its order, with its types, shapes and
dtypes (pandas and plotting code written for scikit-learn's searches read it as they read theirs),
plus ``state``; on the same configurations and folds, the same scores."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Categorical, SearchSpace

pytest.importorskip("sklearn")
pd = pytest.importorskip("pandas")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)
C_VALUES = [0.1, 1.0, 10.0]
# Categorical C on a grid: HPOSearchCV evaluates exactly GridSearchCV's three configurations.
SPACE = SearchSpace([Categorical("C", C_VALUES), Categorical("kernel", ["linear", "rbf"])])
GRID = {"C": C_VALUES, "kernel": ["linear", "rbf"]}


@pytest.fixture(scope="module", params=[None, ["accuracy", "f1_macro"]], ids=["one score", "two scores"])
def both(request):
    scoring = request.param
    refit = "accuracy" if scoring else True
    # StratifiedKFold(3) cuts GridSearchCV(cv=3)'s folds for a classifier.
    ours = HPOSearchCV(SVC(), SPACE, optimizer="grid", n_trials=6, cv=StratifiedKFold(3), scoring=scoring,
                       refit=refit, seed=0).fit(X, Y)
    theirs = GridSearchCV(SVC(), GRID, cv=3, scoring=scoring, refit=refit).fit(X, Y)
    return ours.cv_results_, theirs.cv_results_


def test_the_same_keys_in_the_same_order_plus_state(both):
    ours, theirs = both
    assert [key for key in ours if key != "state"] == list(theirs) and list(ours)[-1] == "state"
    assert {"mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time", "split2_test_" +
            ("score" if "mean_test_score" in theirs else "accuracy")} <= set(ours)


def test_the_same_types_shapes_and_dtypes(both):
    ours, theirs = both
    for key, theirs_value in theirs.items():
        assert type(ours[key]) is type(theirs_value), key
        if key == "params":
            assert len(ours[key]) == len(theirs_value) == 6
            continue
        assert ours[key].shape == theirs_value.shape == (6,), key
        assert ours[key].dtype == theirs_value.dtype, key


def test_the_same_scores_for_the_same_configurations(both):
    ours, theirs = both
    order = [ours["params"].index(params) for params in theirs["params"]]  # our rows in their order
    for key, theirs_value in theirs.items():
        if "test" in key and not key.startswith("rank"):
            np.testing.assert_allclose(np.asarray(ours[key])[order], theirs_value, err_msg=key)
        elif key.startswith("rank"):
            np.testing.assert_array_equal(np.asarray(ours[key])[order], theirs_value, err_msg=key)
    for key in ("mean_fit_time", "mean_score_time", "std_fit_time", "std_score_time"):  # seconds, not compared
        assert np.all(np.isfinite(ours[key]) & (ours[key] >= 0)), key
    assert (ours["mean_fit_time"] > 0).all() and list(ours["param_C"][order]) == list(theirs["param_C"])


def test_pandas_reads_both_alike(both):
    ours, theirs = both
    frame, reference = pd.DataFrame(ours), pd.DataFrame(theirs)
    assert list(frame.columns) == [*reference.columns, "state"]
    assert dict(frame.dtypes.drop("state")) == dict(reference.dtypes)


@pytest.mark.parametrize("optimizer", ["grid", "bo"])
def test_a_search_that_runs_out_of_configurations_before_n_trials_says_so(optimizer):
    """Six configurations, n_trials=8: six rows, and a warning (the fit stopped short in silence)."""
    if optimizer == "bo":
        pytest.importorskip("botorch")
    search = HPOSearchCV(SVC(), SPACE, optimizer=optimizer, n_trials=8, cv=StratifiedKFold(2), seed=0)
    with pytest.warns(UserWarning, match=rf"HPOSearchCV ran 6 of n_trials=8 trials: optimizer '{optimizer}' has "
                                         r"nothing left to propose, the 6 configurations it can propose"):
        search.fit(X, Y)
    assert len(search.cv_results_["params"]) == 6
