"""nested_cv's storage folder read as the shell reads it ("~/runs": it made a folder "~" in the
working folder and could not resume), HPOSearchCV refusing a missing y before any trial as
nested_cv does, and nested_cv's warning of failed trials pointing where they are (audit a460,
review h465)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from interactive_hpo import Float, Int, InvalidParameterError, SearchSpace

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402

IRIS_X, IRIS_Y = load_iris(return_X_y=True)
DEPTH = SearchSpace([Int("max_depth", 1, 3)])


def tree_nested(**arguments):
    return nested_cv(DecisionTreeClassifier(random_state=0), DEPTH, X=IRIS_X, y=IRIS_Y,
                     **{"optimizer": "grid", "n_trials": 2, "outer": 2, "inner": 2, **arguments})


def test_a_storage_folder_under_home_is_made_there_and_a_call_again_resumes(home):
    first = tree_nested(storage="~/runs")
    assert sorted(p.name for p in (home / "runs").iterdir()) == ["outer_fold_1.jsonl", "outer_fold_2.jsonl"]
    assert list(home.parent.joinpath("work").iterdir()) == []  # no folder "~" in the working folder
    # No seed given: the journals' (it was refused, their seed looked for in "./~/runs").
    again = tree_nested(storage="~/runs")
    np.testing.assert_array_equal(again.outer_scores, first.outer_scores)
    assert [len(s.trials) for s in again.studies] == [2, 2]  # resumed: no trial run twice


def test_a_storage_folder_under_a_file_is_refused_naming_the_file(home):
    (home / "notes").write_text("mine")
    message = f"`storage` of nested_cv must be a folder, not a file nor a path inside one, or None; got " \
              f"'~/notes/runs'. '{home / 'notes'}' is a file"
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        tree_nested(storage="~/notes/runs")
    assert (home / "notes").read_text() == "mine"


def test_search_cv_refuses_a_missing_y_before_any_trial(no_trials):
    # A Pipeline does not tag y as required: every trial ran, then "Every one of the 2 trials ... failed".
    search = HPOSearchCV(make_pipeline(StandardScaler(), Ridge()), SearchSpace([Float("ridge__alpha", 0.1, 1.0)]),
                         optimizer="random", n_trials=2, cv=3)
    message = ("`y` of HPOSearchCV must be the targets, of shape (n_samples,), that Pipeline is fitted on; got None. "
               "Only an estimator that takes no y (GaussianMixture, KMeans) is fitted on X alone.")
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        search.fit(IRIS_X)
    # One tagged as needing y: scikit-learn's words, as its check_requires_y_none expects.
    with pytest.raises(ValueError, match=re.escape("requires y to be passed, but the target y is None")):
        HPOSearchCV(DecisionTreeClassifier(), DEPTH, optimizer="grid", n_trials=2, cv=3).fit(IRIS_X)


def test_failed_trials_of_nested_cv_are_pointed_to_in_its_result():
    def score(estimator, X, y):  # the depth-2 trees fail
        if estimator.max_depth == 2:
            raise ValueError("two is too deep")
        return estimator.score(X, y)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = tree_nested(scoring=score, seed=0, n_trials=3)
    found = [str(w.message) for w in caught if "trials of HPOSearchCV failed" in str(w.message)]
    # nested_cv returns no cv_results_: the failed trials are in result.studies[k] (fold k + 1).
    assert len(found) == 2 and not any("cv_results_" in m for m in found), found
    for k, message in enumerate(found):
        assert message.startswith(f"In outer fold {k + 1} of nested_cv: ")
        assert f"1 of 3 trials of HPOSearchCV failed and were left out of the choice (the NestedCVResult's " \
               f"studies[{k}] holds them, each with its error). First error: ValueError: two is too deep" in message
        assert any(t.state.value == "FAILED" for t in result.studies[k].trials)
    with pytest.warns(FitFailedWarning, match=re.escape("(their scores are NaN in cv_results_)")):  # a plain search's
        HPOSearchCV(DecisionTreeClassifier(random_state=0), DEPTH, optimizer="grid", n_trials=3, cv=2,
                    scoring=score).fit(IRIS_X, IRIS_Y)
