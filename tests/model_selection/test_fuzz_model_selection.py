"""Fuzzing model selection (issue 21's rule, DESIGN.md section 3): one argument of a good call of
:class:`HPOSearchCV` or :func:`nested_cv` replaced by a generated value gives a result that works,
or the package's error naming the argument and the function the person called (``optimizer_settings``
of HPOSearchCV, not ``seed`` of RandomSearch), never numpy's or scikit-learn's words from deep
inside; a number of folds the data cannot hold is refused before a trial runs. ``n_trials`` is a
budget, not a size: a large one is a long search the person asked for, so it is generated small.

HPOSearchCV is a scikit-learn estimator: as scikit-learn's estimator checks require, ``fit``
refuses bad X and y with scikit-learn's ValueError and words (``validate_data``) before the first
trial, and ``score``, ``predict`` and ``predict_proba`` are those of the refit best estimator, as
for GridSearchCV; for these, scikit-learn's ValueError and TypeError count as clear refusals.
:func:`nested_cv` is ours: its X and y are refused in our words.

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import re
import traceback
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, SearchSpace, TrialStateError

pytest.importorskip("sklearn")

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import get_scorer_names  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from interactive_hpo.model_selection import HPOSearchCV, nested_cv  # noqa: E402
from interactive_hpo.objectives import SklearnCV  # noqa: E402
from interactive_hpo.optimizers.registry import available_optimizers, make_optimizer  # noqa: E402

FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)

X_ALL, Y_ALL = load_iris(return_X_y=True)
ROWS = np.r_[0:10, 50:60, 100:110]  # 10 of each class: two folds of two folds hold every class
X, Y = X_ALL[ROWS], Y_ALL[ROWS]
C = SearchSpace([Float("C", 0.1, 10.0, log=True)])
SPACES = [C, SearchSpace([Int("C", 1, 5)]), SearchSpace([Float("alpha", 0.1, 1.0)]), SearchSpace([Float("CC", 0.1, 1)]),
          SearchSpace([Categorical("penalty", ["l2", None]), Float("C", 0.1, 1.0, condition=("penalty", "l2"))]),
          SearchSpace([Categorical("C", [0.1, 1.0])]), SearchSpace([Float("C", 1e-300, 1e300, log=True)]),
          SearchSpace([Int("max_iter", 1, 2)])]
ESTIMATORS = [LogisticRegression(), Ridge(), SVC(), KMeans(n_clusters=2, n_init=1), LogisticRegression,
              make_pipeline(StandardScaler(), LogisticRegression())]
TASK = SklearnCV(LogisticRegression(), X, Y, C, cv=2, seed=0)


def nan_score(estimator, X, y):
    return float("nan")


def broken_score(estimator, X, y):
    raise RuntimeError("the scorer broke")


def text_score(estimator, X, y):
    return "high"


def metric(y_true, y_pred):  # a metric where a scorer belongs
    return 1.0


def no_settings(params):
    return None


def unknown_setting(params):
    return {"CC": 1.0}


def text_setting(params):
    return {"C": "big"}


CALLABLES = [nan_score, broken_score, text_score, metric, no_settings, unknown_setting, text_setting, len]

#: Anything a person might pass: numbers of every kind (huge ones among them), text, None, objects, names
#: scikit-learn and this package know, lists and dicts of them, numpy arrays of any kind and shape, data of
#: the right length and of any other, and objects of the room (estimators, spaces, a task, scorers).
numbers = st.one_of(st.integers(-3, 12), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
names = st.sampled_from(["accuracy", "r2", "f1", "roc_auc", "neg_log_loss", "f1_macro", "random", "grid", "bo",
                         "halving", "C", "alpha", "seed", "resolution", "n_initial", ""])
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object), names)
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128, np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
rows = st.one_of(st.just(len(Y)), st.integers(0, 40))
samples = st.one_of(rows.flatmap(lambda n: hnp.arrays(np.float64, st.tuples(st.just(n), st.integers(0, 5)),
                                                      elements=st.one_of(st.floats(-5, 5), st.floats()))),
                    rows.flatmap(lambda n: hnp.arrays(st.sampled_from([np.int64, np.float64, np.bool_, np.dtype("U1")]),
                                                      n)))
objects = st.sampled_from(SPACES + ESTIMATORS + CALLABLES + [TASK])
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(names, scalars, max_size=3),
                   arrays, samples, objects)


def search(X=X, y=Y, **arguments):
    return HPOSearchCV(**arguments).fit(X, y)


FITTED = search(estimator=LogisticRegression(), space=C, optimizer="random", n_trials=2, cv=2, seed=0)

#: The owner its errors must name -> (the call, good arguments by name); budgets tiny, so an accepted one is cheap.
CALLS = {
    "HPOSearchCV": (search, {"estimator": LogisticRegression(), "space": C, "optimizer": "random",
                             "optimizer_settings": None, "n_trials": 2, "cv": 2, "scoring": None, "refit": True,
                             "seed": 0, "estimator_params": None, "X": X, "y": Y}),
    "nested_cv": (nested_cv, {"task_or_estimator": LogisticRegression(), "space": C, "X": X, "y": Y,
                              "optimizer": "random", "optimizer_settings": None, "n_trials": 1, "outer": 2,
                              "inner": 2, "scoring": None, "seed": 0}),
    "HPOSearchCV.score": (FITTED.score, {"X": X, "y": Y}),
    "HPOSearchCV.predict": (FITTED.predict, {"X": X}),
    "HPOSearchCV.predict_proba": (FITTED.predict_proba, {"X": X}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]
SCORERS = sorted(get_scorer_names())
folds = st.sampled_from([2, 3, np.int64(2)])
#: Values a person would mean for each argument (valid or nearly), so that accepted calls are fuzzed too.
PLAUSIBLE = {
    "estimator": st.sampled_from(ESTIMATORS), "task_or_estimator": st.sampled_from(ESTIMATORS + [TASK]),
    "space": st.sampled_from(SPACES), "optimizer": st.sampled_from(available_optimizers()),
    "scoring": st.sampled_from([None, *SCORERS, *CALLABLES]), "refit": st.booleans(), "cv": folds, "outer": folds,
    "inner": folds, "n_trials": st.integers(1, 3), "estimator_params": st.sampled_from([None, dict, *CALLABLES]),
    "seed": st.one_of(st.none(), st.integers(0, 2**70), st.integers(0, 9).map(np.random.default_rng)),
    "X": hnp.arrays(np.float64, (len(Y), 4), elements=st.floats(-5, 5)),
    "y": st.one_of(hnp.arrays(np.int64, len(Y), elements=st.integers(0, 2)),
                   st.sampled_from([Y.astype(float), Y.astype(str), Y % 2 == 0])),
}
#: Data whose refusal is scikit-learn's, by scikit-learn's estimator API (see the module docstring).
SCIKIT_LEARNS = {("HPOSearchCV", "X"), ("HPOSearchCV", "y")} | {(owner, name) for owner, name in CASES if "." in owner}


def refused_clearly(error: BaseException, owner: str, name: str) -> None:
    """The package's error naming an argument of ``owner`` (a search whose every trial failed: why), or
    scikit-learn's where its estimator API says so."""
    message = str(error)
    if (owner, name) in SCIKIT_LEARNS and type(error).__module__.startswith(("builtins", "sklearn")) \
            and isinstance(error, (ValueError, TypeError)):
        return
    assert isinstance(error, HPOError), "".join(traceback.format_exception(error))
    if isinstance(error, TrialStateError):
        assert re.search(r"Every one of the \d+ trials of HPOSearchCV failed", message), message
        return
    owner = owner.split(".")[0]
    assert re.match(rf"`[\w\[\]'`, ]+` of {re.escape(owner)} must be ", message), message


def works(result, arguments) -> None:
    """An accepted call (with ``arguments``) gives a result a person can use."""
    repr(result)
    if isinstance(result, HPOSearchCV):
        assert len(result.cv_results_["params"]) == len(result.study_.trials) >= 1
        if result.refit is True:
            assert result.space.validate(result.best_params_) == result.best_params_
            assert len(result.predict(arguments["X"])) == len(arguments["X"])
            assert np.isfinite(result.score(arguments["X"], arguments["y"]))
    elif hasattr(result, "summary"):
        assert result.summary().startswith("Nested cross-validation")
        assert len(result.outer_scores) == len(result.studies) == len(result.outer_test_indices) >= 2


def attempt(call, arguments):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # failed trials, convergence: what is judged is the outcome
            return call(**arguments), None
    except Exception as error:  # noqa: BLE001 - we assert on what it is
        return None, error


@seed(27)
@settings(FUZZ, max_examples=60)
@given(case=st.sampled_from(CASES), data=st.data())
def test_a_search_works_or_refuses_naming_itself(case, data):
    owner, name = case
    call, good = CALLS[owner]
    # Drawn half the time where it exists (st.one_of would flatten it into one branch among values' many).
    value = data.draw(PLAUSIBLE[name] if name in PLAUSIBLE and data.draw(st.booleans()) else values)
    if name == "n_trials" and isinstance(value, (int, np.integer)) and value > 4:
        value = 4  # a budget, not a size (see the docstring)
    arguments = {**good, name: value}
    result, error = attempt(call, arguments)
    if error is not None:
        return refused_clearly(error, owner, name)
    works(result, arguments)


@seed(27)
@settings(FUZZ, max_examples=40)
@given(scoring=st.one_of(st.sampled_from(SCORERS), st.lists(st.sampled_from(SCORERS), max_size=3),
                         st.dictionaries(st.text(max_size=2), st.sampled_from(SCORERS + CALLABLES),
                                         max_size=3)),
       refit=st.one_of(st.booleans(), st.sampled_from(SCORERS), values), owner=st.sampled_from(["HPOSearchCV",
                                                                                              "nested_cv"]))
def test_every_scorer_and_refit_works_or_is_refused_naming_the_argument(scoring, refit, owner):
    call, good = CALLS[owner]
    arguments = {**good, "scoring": scoring} | ({} if owner == "nested_cv" else {"refit": refit})
    result, error = attempt(call, arguments)
    if error is not None:
        return refused_clearly(error, owner, "scoring")
    works(result, arguments)


#: Each optimizer's settings, by name: the values are what is fuzzed.
KEYS = {name: sorted(make_optimizer(name, C, seed=0).settings()) for name in available_optimizers()}


@seed(27)
@settings(FUZZ, max_examples=40)
@given(optimizer=st.sampled_from(sorted(KEYS)), key=st.integers(0, 30), value=values,
       owner=st.sampled_from(["HPOSearchCV", "nested_cv"]))
def test_optimizer_settings_work_or_are_refused_naming_optimizer_settings(optimizer, key, value, owner):
    keys = KEYS[optimizer]
    settings_ = {keys[key % len(keys)] if key < 25 else "nonsense": value}
    call, good = CALLS[owner]
    # One trial: the first is always of the optimizer's initial design, so no GP fit slows this down.
    arguments = {**good, "optimizer": optimizer, "optimizer_settings": settings_, "n_trials": 1}
    result, error = attempt(call, arguments)
    if error is not None:
        return refused_clearly(error, owner, "optimizer_settings")
    works(result, arguments)


SEVERAL = {"scoring": ["accuracy", "f1_macro"], "refit": "accuracy"}
RIDGE = {"task_or_estimator": Ridge(), "space": SearchSpace([Float("alpha", 0.1, 1.0)])}


def fitted(**arguments):
    return search(**{**CALLS["HPOSearchCV"][1], **arguments})


def nested(**arguments):
    return nested_cv(**{**CALLS["nested_cv"][1], **arguments})


CASES_FOUND = [
    # Fuzz round 6: each of these was scikit-learn's or Python's error from inside, an error naming another
    # function than the one called, or (*) every trial run before the search failed.
    ("a seed among the settings", lambda: fitted(optimizer_settings={"seed": "x"}),  # it overrode seed= (a307 m9)
     "`optimizer_settings` of HPOSearchCV must be settings without 'seed' (the seed is an argument of its own, "
     "`seed`); got {'seed': 'x'}."),
    ("a setting's value in nested CV", lambda: nested(optimizer="grid", optimizer_settings={"resolution": 0}),
     # was refused in outer fold 1, naming GridSearch
     "`optimizer_settings` of nested_cv must be settings that GridSearch ('grid') takes; got {'resolution': 0}. "
     "`resolution` of GridSearch must be an int in [2, 1000000]; got 0."),
    ("refit an array", lambda: fitted(**SEVERAL | {"refit": np.array(["accuracy"])}),  # unhashable: numpy.ndarray
     "`refit` of HPOSearchCV must be False or the name of the score to refit the best by, one of ['accuracy', "
     "'f1_macro']; got array(['accuracy'], dtype='<U8')."),
    ("refit a dict", lambda: fitted(**SEVERAL | {"refit": {"accuracy": 1}}),  # TypeError: unhashable type: 'dict'
     "`refit` of HPOSearchCV must be False or the name of the score to refit the best by"),
    ("a score named ''", lambda: fitted(scoring={"": "accuracy", "f1": "f1_macro"}, refit="f1"),
     # was "`directions` of Study must be ..."
     "`scoring` of HPOSearchCV must be two or more scorers with distinct non-empty str names (one scorer: pass it "
     "alone); got {'': 'accuracy', 'f1': 'f1_macro'}."),
    ("X a number", lambda: nested(X=5),  # TypeError: Expected sequence or array-like, got <class 'int'>
     "`X` of nested_cv must be an array-like of shape (n_samples, n_features); got int."),
    ("y too short", lambda: nested(y=Y[:5]),  # ValueError: Found input variables with inconsistent numbers of samples
     "`y` of nested_cv must be an array-like with as many samples as X (30); got an array-like with 5 samples."),
    ("no sample", lambda: nested(X=X[:0], y=Y[:0]),  # IndexError: list index out of range
     "`X` of nested_cv must be an array-like of shape (n_samples, n_features) that LogisticRegression takes; got "
     "ndarray of shape (0, 4). Found array with 0 sample(s) (shape=(0, 4)) while a minimum of 1 is required"),
    ("NaN in a regressor's y", lambda: nested(**RIDGE, y=np.where(Y == 0, np.nan, Y)),  # ValueError: Input contains NaN
     "`y` of nested_cv must be finite real numbers of shape (n_samples,) or (n_samples, n_outputs); got ndarray "
     "with 10 NaN or infinite value(s)."),
    ("text as a regressor's y", lambda: nested(**RIDGE, y=np.array(["a", "b", "c"])[Y]),  # (*)
     "`y` of nested_cv must be finite real numbers of shape (n_samples,) or (n_samples, n_outputs); got ndarray "
     "holding values that are not numbers."),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in CASES_FOUND], ids=[c[0] for c in CASES_FOUND])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("arguments", [
    # Fuzz round 6, in objectives/sklearn_checks.py (nested_cv's checks, and SklearnCV's): each was numpy's
    # or scikit-learn's error from inside.
    {"y": np.array(1.0)}, {"X": np.array(2.0)},  # TypeError: len() of unsized object
    {"X": np.full((len(Y), 4), NotImplemented, dtype=object)},  # TypeError: float() argument must be ...
    {"y": np.linspace(0.0, 1.0, len(Y))},  # ValueError: Unknown label type: continuous
    {"y": Y + 1j},  # ValueError: Complex data not supported
])
def test_data_refused_by_the_shared_checks(arguments):
    with pytest.raises(InvalidParameterError, match=r"`[Xy]` of nested_cv must be "):
        nested(**arguments)
