"""Fuzzing the analyses (issue 21's rule, DESIGN.md section 3): one argument of a good call
replaced by a generated value gives a result that works, or the package's error naming the
argument and the function the person called (``surrogate_of`` for ``importance``, no helper
inside), never numpy's, scikit-learn's or torch's words from deep inside; a size that would
take minutes or gigabytes is refused before either is spent.

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, SearchSpace, Study
from interactive_hpo import analysis as A

pytest.importorskip("sklearn")

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])


def loss(params):
    return params["x"] ** 2 + params["n"] + (params["c"] == "b")


def total(X):
    return np.asarray(X).sum(axis=1)


RANDOM = Study(SPACE, "random", seed=0)
RANDOM.run(loss, n_trials=20)
BO = Study(SPACE, "bo", seed=0, optimizer_settings={"n_initial": 4})  # two cheap GP fits
BO.run(loss, n_trials=6)
X, LOSSES = A.trial_data(RANDOM)
FOREST = A.ForestSurrogate(X, LOSSES, n_trees=4)
GP = A.GPSamples(BO.surrogate(), n_samples=4)
START, END = {"x": 0.0, "n": 1, "c": "a"}, {"x": 1.0, "n": 5, "c": "b"}

#: The owner its errors must name -> (the call, good arguments by name); sizes small, so an accepted one is cheap.
CALLS = {
    "importance": (A.importance, {"study": RANDOM, "surrogate": "forest", "objective": 0, "step": None, "n": 8,
                                  "n_samples": 4, "level": 0.9, "seed": 0}),
    "sobol_indices": (A.sobol_indices, {"functions": total, "space": SPACE, "n": 8, "level": 0.9, "seed": 0}),
    "saltelli_design": (A.saltelli_design, {"d": 2, "n": 4, "seed": 0}),
    "uniform_points": (A.uniform_points, {"space": SPACE, "X": X}),
    "partial_dependence": (A.partial_dependence, {"functions": total, "space": SPACE, "names": "x", "resolution": 3,
                                                  "n_background": 8, "level": 0.9, "seed": 0}),
    "study_partial_dependence": (A.study_partial_dependence, {
        "study": BO, "names": ["x", "c"], "surrogate": "auto", "objective": 0, "step": None, "n_samples": 4,
        "seed": 0, "resolution": 3, "n_background": 8, "level": 0.9}),
    "quantile_importance": (A.quantile_importance, {"space": SPACE, "X": X, "losses": LOSSES, "quantile": 0.2,
                                                    "level": 0.9, "n_boot": 10, "seed": 0}),
    "study_quantile_importance": (A.study_quantile_importance, {"study": RANDOM, "objective": 0, "step": None,
                                                                "quantile": 0.2, "level": 0.9, "n_boot": 10}),
    "ablation_path": (A.ablation_path, {"loss": total, "space": SPACE, "start": START, "end": END}),
    "study_ablation": (A.study_ablation, {"study": RANDOM, "start": START, "end": None, "surrogate": "auto",
                                          "objective": 0, "step": None, "n_samples": 4, "seed": 0}),
    "ice_curves": (A.ice_curves, {"mean": total, "space": SPACE, "name": "x", "X": X, "resolution": 3}),
    "surrogate_of": (A.surrogate_of, {"study": RANDOM, "surrogate": "auto", "objective": 0, "step": None,
                                      "n_samples": 4, "seed": 0}),
    "trial_data": (A.trial_data, {"study": RANDOM, "objective": 0, "step": None}),
    "GPSamples": (A.GPSamples, {"view": BO.surrogate(), "n_samples": 4, "seed": 0}),
    "GPSamples.__call__": (lambda X: GP(X), {"X": X}),
    "GPSamples.mean": (lambda X: GP.mean(X), {"X": X}),
    "ForestSurrogate": (A.ForestSurrogate, {"X": X, "y": LOSSES, "n_trees": 4, "seed": 0}),
    "ForestSurrogate.__call__": (lambda X: FOREST(X), {"X": X}),
    "ForestSurrogate.mean": (lambda X: FOREST.mean(X), {"X": X}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind (huge ones and sizes past every cap among them), text,
#: None, objects, names of the space, lists and dicts of them, and numpy arrays of any kind and shape (a column
#: instead of a row, an empty array, NaN and inf, text, complex numbers, objects).
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["x", "n", "c", "gp", "forest", "auto"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128, np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
points = hnp.arrays(np.float64, st.tuples(st.integers(0, 6), st.integers(1, 4)),
                    elements=st.one_of(st.floats(0, 1), st.floats()))
#: Objects of the room, and functions that return NaN or the wrong shape.
objects = st.sampled_from([RANDOM, BO, SPACE, FOREST, GP, total, lambda X: np.full(len(X), np.nan),
                           lambda X: np.zeros((len(X), 2))])
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["x", "n", "c"]), scalars),
                   arrays, points, objects)


def works(result) -> None:
    """An accepted call gives a result a person can read."""
    repr(result)
    if isinstance(result, (A.SobolIndices, A.QuantileImportance)):
        result.ranking()
    if isinstance(result, (A.GPSamples, A.ForestSurrogate)) and result is not FOREST:
        d = result.view.X.shape[1] if isinstance(result, A.GPSamples) else result.forest.n_features_in_
        assert np.all(np.isfinite(result(np.full((2, d), 0.5)))) and np.all(np.isfinite(result.mean(np.zeros((1, d)))))


@seed(21)
@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(CASES), value=values)
def test_an_analysis_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    try:
        result = call(**{**good, name: value})
    except HPOError as error:
        message = str(error)
        assert re.match(rf"`[\w\[\]'`, ]+ of {re.escape(owner)} must be ", message), message
        return
    works(result)


def test_an_int_too_large_for_a_float_is_refused_as_any_other_non_number():
    # Python's OverflowError came through _validation.float_array before.
    with pytest.raises(InvalidParameterError, match="`losses` of quantile_importance must be"):
        A.quantile_importance(SPACE, X, [10**400] * len(X))


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round 5: each of these was numpy's, scikit-learn's or torch's error from inside, or (*) accepted.
    (lambda: A.ForestSurrogate([["a"]] * 4, np.arange(4.0)), "`X` of ForestSurrogate must be an array of shape (n, d) "
                                                             "with one row per value of y (n=4); got [['a'],"),
    (lambda: A.ForestSurrogate(np.zeros((4, 1)), ["a"] * 4), "`y` of ForestSurrogate must be an array of shape (n,) "
                                                             "of at least 4 finite values; got ['a', 'a', 'a', 'a']."),
    (lambda: A.ForestSurrogate(np.zeros((4, 1)), np.arange(4.0), seed=2**32),
     "`seed` of ForestSurrogate must be an int in [0, 4294967295]; got 4294967296."),
    (lambda: A.surrogate_of(RANDOM, seed=2**32), "`seed` of surrogate_of must be an int in [0, 4294967295]"),
    (lambda: A.GPSamples(BO.surrogate(), seed=2**64), "`seed` of GPSamples must be an int in [0, 4294967295]"),
    (lambda: FOREST(np.zeros((2, 1))), "`X` of ForestSurrogate.__call__ must be an array of shape (n, 3) in the unit "
                                       "cube (finite, in [0, 1]); got 'an array of shape (2, 1)'."),
    (lambda: FOREST.mean([0.5, 0.5, 0.5]), "`X` of ForestSurrogate.mean must be an array of shape (n, 3)"),
    (lambda: GP(np.zeros((2, 1))), "`X` of GPSamples.__call__ must be an array of shape (n, 3)"),
    (lambda: GP.mean(np.full((1, 3), 2.0)), "`X` of GPSamples.mean must be an array of shape (n, 3) in the unit cube "
                                            "(finite, in [0, 1]); got 2.0. At row 0, column 0."),  # (*)
    (lambda: A.partial_dependence(total, SPACE, np.array("x")), "`names` of partial_dependence must be one or two "
                                                                "distinct names among ['x', 'n', 'c']"),
    # (*) 2**20 resamples passed: a pass of Python each, most of a minute on 20 trials.
    (lambda: A.quantile_importance(SPACE, X, LOSSES, n_boot=2**20),
     "`n_boot` of quantile_importance must be an int in [10, 10000]; got 1048576."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
