"""Public analysis helpers check what a person hands them: each error names the argument, the
rule and the value (ForestSurrogate's X and y, failed_learnt, shows_no_effect, and X against the
losses of quantile_importance)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.analysis import ForestSurrogate, failed_learnt, quantile_importance, shows_no_effect

SPACE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0), Float("c", 0.0, 1.0)])
X = np.random.default_rng(0).random((30, 3))
LOSSES = X[:, 0].copy()
X_NAN = X.copy()
X_NAN[[3, 7], 1] = np.nan


@pytest.fixture(scope="module")
def study():
    study = Study(SPACE, "random", seed=0)
    study.run(lambda p: p["a"], n_trials=4, progress=False)
    return study


CASES = [
    (lambda: ForestSurrogate(X_NAN, LOSSES, n_trees=4),
     "`X` of ForestSurrogate must be an array of finite values; got 'NaN or inf in 2 of 30 rows'. Rows [3, 7]."),
    (lambda: ForestSurrogate(X[:, :2], np.random.default_rng(1).random((5, 6)), n_trees=4),
     "`y` of ForestSurrogate must be an array of shape (n,) of at least 4 finite values; "
     "got 'an array of shape (5, 6)'."),
    (lambda: ForestSurrogate(X, np.r_[LOSSES[:-1], np.inf], n_trees=4), "got '30 values, 1 not finite'."),
    (lambda: shows_no_effect(np.array([])), "`losses` of shows_no_effect must be an array of shape (n,) of n >= 1 "
                                            "finite losses; got 'an array of shape (0,)'."),
    (lambda: shows_no_effect(None), "`losses` of shows_no_effect must be an array of shape (n,) of n >= 1 finite "
                                    "losses; got None."),
    (lambda: shows_no_effect(np.array([1.0, np.nan])), "got '1 of 2 not finite'."),
    (lambda: shows_no_effect(np.array([1.0, 1.0]), "abc"), "`failed` of shows_no_effect must be an int in [0, inf); "
                                                           "got 'abc'."),
    (lambda: quantile_importance(SPACE, X, LOSSES[:29]),
     "`X` and `losses` of quantile_importance must be as long, one row of X per loss; got 30 rows of X and 29 losses."),
    (lambda: quantile_importance(SPACE, X[:, :2], LOSSES),
     "`X` of quantile_importance must be an array of shape (30, 3) in the unit cube"),
]


@pytest.mark.parametrize(("call", "message"), CASES)
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(("source", "step", "message"), [
    ("GP", None, "`source` of failed_learnt must be one of the sources of the surrogates "
                 "(surrogate_of(study).source) ['gp', 'forest']; got 'GP'. Did you mean 'gp'?"),
    ("auto", None, "got 'auto'."),
    (None, None, "got None."),
    ("gp", 2.0, "`step` of failed_learnt must be an int in [0, 4]; got 2.0."),
    ("gp", -1, "`step` of failed_learnt must be an int in [0, 4]; got -1."),
])
def test_failed_learnt_checks_its_arguments(study, source, step, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        failed_learnt(study, source, step)


def test_checked_helpers_still_answer(study):
    assert failed_learnt(study, "gp", 4) == 0 and failed_learnt(study, "forest") == 0
    assert shows_no_effect(np.array([2.0, 2.0])) and not shows_no_effect(np.array([2.0, 2.0]), 1)
    assert ForestSurrogate(X, LOSSES, n_trees=4).mean(X[:2]).shape == (2,)
