"""Fuzzing the landscape room (issue 21's rule, DESIGN.md section 3): one argument of a good call
replaced by a generated value gives a landscape, a metric or a layout that works, or the
package's error naming the argument and the function or method the person called
(``Landscape.neighbours``, ``grid_of``, ``profile``), never numpy's, joblib's or pathlib's words
from deep inside; a size that would take minutes or gigabytes is refused before either is spent.

The hand-picked cases found by this round's exploration are the table at the end.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, SearchSpace
from interactive_hpo import landscape as L
from interactive_hpo.objectives import FunctionObjective

pytest.importorskip("sklearn")

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
OBJECTIVE = FunctionObjective(lambda p: p["x"] ** 2 + p["n"] + (p["c"] == "b"), SPACE)
LAND = L.build_landscape(OBJECTIVE, resolution=3)
BOTH = L.Landscape(LAND.names, LAND.levels, LAND.ordered, LAND.losses, LAND.space,
                   others={"train": 0.9 * LAND.losses, "test": LAND.losses[::-1].copy()})
SMALL = L.Landscape(("a", "b"), ((0, 1, 2), ("x", "y")), (True, False), np.arange(6.0))
#: Its grid is two configurations at any resolution: an accepted resolution is cheap to build.
CHOICE = FunctionObjective(lambda p: float(p["c"] == "b"), SearchSpace([Categorical("c", ["a", "b"])]))
REPLAY = L.LandscapeObjective(LAND)

#: The owner its errors must name -> (the call, good arguments by name).
CALLS = {
    "Landscape": (L.Landscape, {"names": ("a", "b"), "levels": ((0, 1, 2), ("x", "y")), "ordered": (True, False),
                                "losses": np.arange(6.0), "space": None, "others": {"t": np.ones(6)}, "info": {}}),
    "Landscape.params": (lambda index: SMALL.params(index), {"index": 3}),
    "Landscape.index_of": (lambda params: SMALL.index_of(params), {"params": {"a": 1, "b": "x"}}),
    "Landscape.neighbours": (lambda index: SMALL.neighbours(index), {"index": 3}),
    "Landscape.distances": (lambda index: SMALL.distances(index), {"index": 3}),
    "Landscape.with_losses": (lambda losses: SMALL.with_losses(losses), {"losses": np.arange(6.0)}),
    "Landscape.other": (lambda kind: BOTH.other(kind), {"kind": "train"}),
    # n_jobs and cache_dir are left to the table: an accepted one starts that many processes (seconds each here),
    # or writes a cache wherever the text generated names.
    "build_landscape": (lambda **kw: L.build_landscape(**kw, n_jobs=1, cache_dir=None), {
        "objective": CHOICE, "resolution": 2, "budget": None, "seeds": None, "max_failed": 0.5}),
    "grid_of": (L.grid_of, {"space": SPACE, "resolution": 3}),
    "LandscapeObjective": (L.LandscapeObjective, {"landscape": LAND, "direction": "minimize"}),
    "LandscapeObjective.index_of": (lambda params: REPLAY.index_of(params), {"params": {"x": 0.3, "n": 2, "c": "a"}}),
    "spearman": (L.spearman, {"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]}),
    "fdc": (L.fdc, {"land": LAND, "losses": None}),
    "autocorrelation": (L.autocorrelation, {"land": LAND, "losses": None, "n_walks": 10, "length": 5, "seed": 0}),
    "correlation_length": (L.correlation_length, {"rho": 0.5}),
    "assortativity": (L.assortativity, {"land": LAND, "losses": None}),
    "local_optima": (L.local_optima, {"land": LAND, "losses": None, "plateaus": False}),
    "basins": (L.basins, {"land": LAND, "losses": None, "plateaus": False}),
    "neutrality": (L.neutrality, {"land": LAND, "losses": None, "epsilon": 0.01}),
    "neutrality_distance_correlation": (L.neutrality_distance_correlation, {"land": LAND, "losses": None,
                                                                            "epsilon": 0.01}),
    "similarity": (L.similarity, {"a": LAND, "b": BOTH, "top": 0.1}),
    "profile": (L.profile, {"land": LAND}),
    "null_zscores": (L.null_zscores, {"land": LAND, "n_shuffles": 3, "seed": 0, "metrics": "fdc"}),
    "similarity_matrix": (L.similarity_matrix, {"landscapes": {"a": LAND, "b": BOTH}, "top": 0.1}),
    "best_trained": (L.best_trained, {"land": BOTH, "top": 0.1}),
    "train_test_agreement": (L.train_test_agreement, {"land": BOTH, "top": 0.1}),
    "graph_layout": (L.graph_layout, {"land": LAND, "weight": "loss", "seed": 0}),
    "check_findings": (L.check_findings, {"landscapes": {("m", "d", 1.0): BOTH, ("m", "d", 0.5): BOTH},
                                          "n_shuffles": 2, "seed": 0, "majority": 0.75, "tolerance": 0.02, "z": 2.0}),
    "paper_task": (L.paper_task, {"model": "svm", "dataset": "iris", "seed": 0, "cv": 3}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind (huge ones, sizes past every cap and finite losses whose
#: products overflow among them), text, None, objects, names, lists and dicts of them, and numpy arrays of any kind
#: and shape (a grid's shape transposed, an empty array, NaN and inf, text, complex numbers, objects).
numbers = st.one_of(st.integers(-3, 40), st.integers(2, 10**12), st.integers(min_value=10**300, max_value=10**400),
                    st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans())
scalars = st.one_of(numbers, st.text(max_size=3), st.none(), st.builds(object),
                    st.sampled_from(["a", "x", "train", "loss", "fdc", "svm", "iris", "maximize"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2"), np.complex128, np.dtype("O")]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
losses = hnp.arrays(np.float64, st.sampled_from([(6,), (18,), (3, 2), (2, 3)]), elements=st.floats(width=64))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["a", "b", "x", "n", "c"]),
                                                                           scalars),
                   arrays, losses, st.sampled_from([LAND, BOTH, SMALL, SPACE, OBJECTIVE, (True, 1), ("a", "a")]))


def works(result) -> None:
    """An accepted call gives a result a person can use further."""
    repr(result)
    if isinstance(result, L.Landscape):
        result.params(result.n - 1), result.neighbours(0), L.graph_layout(result), L.profile(result)
    if isinstance(result, L.LandscapeObjective):
        result({"x": 0.0, "n": 1, "c": "a"})


#: A fixed seed, so CI sees the same examples; a few seconds in all.
FUZZ = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@seed(21)
@FUZZ
@given(data=st.data())
def test_a_landscape_call_works_or_refuses_naming_itself(data):
    owner, name = data.draw(st.sampled_from(CASES), label="case")
    call, good = CALLS[owner]
    arguments = {**good, name: data.draw(values, label=name)}
    try:
        with np.errstate(over="raise", invalid="raise"):  # overflow inside a metric is a bug, not a NaN to pass on
            works(call(**arguments))
    except HPOError as error:
        message = str(error)
        assert re.match(rf"`[\w\[\]'`, ]+ of {re.escape(owner)} must be ", message), message


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round 5: each of these was a TypeError, an IndexError or joblib's, pathlib's or numpy's error from inside,
    # or (*) accepted and wrong.
    (lambda: L.Landscape((1, 2), ((0, 1), (0, 1)), (True, True), np.zeros(4)),  # (*) its repr raised
     "`names` of Landscape must be distinct names (str), one per parameter; got (1, 2)."),
    (lambda: L.Landscape(("a", "a"), ((0, 1), (0, 1)), (True, True), np.zeros(4)),  # (*) params() lost one
     "`names` of Landscape must be distinct names (str), one per parameter; got ('a', 'a')."),
    (lambda: L.Landscape(None, ((0, 1),), (True,), np.zeros(2)), "`names` of Landscape must be distinct names"),
    # (*) one configuration at two grid points: index_of snapped to one, and the pair made a false plateau.
    (lambda: L.Landscape(("a", "b"), ((0, 1), (2, 1, 2.0)), (True, True), np.zeros(6)),
     "`levels` of Landscape must be distinct levels of each parameter ('b' has 2.0 twice); got (2, 1, 2.0)."),
    (lambda: L.Landscape(("a",), ((0, 1),), ("no",), np.zeros(2)),  # (*) read as ordered
     "`ordered` of Landscape must be one bool per name (False for a categorical); got ('no',)."),
    (lambda: L.Landscape(("a", "b"), ((0, 1, 2), (0, 1)), (True, True), np.zeros((2, 3))),  # (*) read transposed
     "`losses` of Landscape must be one loss per configuration of the grid (3, 2) (6 in all); got 'an array of "
     "shape (2, 3)'."),
    (lambda: L.Landscape(("a",), ((0, 1),), (True,), np.zeros(2), info=3), "`info` of Landscape must be a mapping"),
    (lambda: L.Landscape(("a",), ((0, 1),), (True,), np.zeros(2), others=[1.0, 2.0]),
     "`others` of Landscape must be a mapping (a dict); got [1.0, 2.0]."),
    (lambda: SMALL.neighbours(-1), "`index` of Landscape.neighbours must be an int in [0, 5]; got -1."),  # (*) none
    (lambda: SMALL.params(1.5), "`index` of Landscape.params must be an int in [0, 5]; got 1.5."),
    (lambda: SMALL.distances(np.array([1])), "`index` of Landscape.distances must be an int in [0, 5]"),
    (lambda: SMALL.with_losses("abcdef"), "`losses` of Landscape.with_losses must be one loss per configuration"),
    (lambda: BOTH.other(["train"]), "`kind` of Landscape.other must be one of the landscape's other losses "
                                    "['test', 'train']; got ['train']."),
    (lambda: L.grid_of(None, 3), "`space` of grid_of must be a SearchSpace; got None."),
    (lambda: L.grid_of(SPACE, 1), "`resolution` of grid_of must be an int in [2, inf); got 1."),
    (lambda: L.build_landscape(CHOICE, n_jobs=10**6), "`n_jobs` of build_landscape must be -1 (every core) or an "
                                                      "int in [1, "),
    (lambda: L.build_landscape(CHOICE, n_jobs=np.array([1, 2])), "`n_jobs` of build_landscape must be"),
    (lambda: L.build_landscape(CHOICE, cache_dir=3), "`cache_dir` of build_landscape must be a folder (a non-empty "
                                                     "str or os.PathLike), or None; got 3."),
    (lambda: REPLAY("x"), "`params` of LandscapeObjective must be a dict with keys ['x', 'n', 'c']; got 'x'."),
    (lambda: L.local_optima(LAND, plateaus=np.array([1, 2])), "`plateaus` of local_optima must be a bool"),
    (lambda: L.basins(LAND, plateaus="yes"), "`plateaus` of basins must be a bool; got 'yes'."),
    (lambda: L.neutrality_distance_correlation(LAND, epsilon=-1),
     "`epsilon` of neutrality_distance_correlation must be a finite real number in [0, inf); got -1."),
    (lambda: L.profile("x"), "`land` of profile must be a Landscape; got 'x'."),
    (lambda: L.null_zscores(LAND, metrics=np.array([["fdc"]])), "`metrics` of null_zscores must be a name or a list"),
    (lambda: L.null_zscores(LAND, metrics=[np.array(["fdc"])]), "`metrics` of null_zscores must be a name or a list"),
    # Fuzz: an empty list gave {} back; a NaN gave spearman a NaN correlation back, unsaid (the metrics refuse one).
    (lambda: L.null_zscores(LAND, metrics=[]), "`metrics` of null_zscores must be a name or a list of names from "
                                               "['fdc', "),
    (lambda: L.null_zscores(LAND, metrics=()), "got (). It names none: pass None for all of them."),
    (lambda: L.spearman([1.0, np.nan, 3.0], [1.0, 2.0, 3.0]), "`a` of spearman must be an array of shape (k,) of "
                                                               "finite numbers; got '1 non-finite values'."),
    (lambda: L.spearman([1.0, 2.0, 3.0], [np.inf, 2.0, np.nan]),
     "`b` of spearman must be an array of finite numbers of the shape of `a`, (3,); got '2 non-finite values'."),
    (lambda: L.paper_task(["svm"], "iris"), "`model` of paper_task must be one of ['svm', 'random_forest', "),
    (lambda: L.paper_task("svm", "iris", seed=-1), "`seed` of paper_task must be a non-negative int"),
    (lambda: L.paper_task("svm", "iris", cv=1000), "`cv` of paper_task must be a number of folds 'iris' allows; got "
                                                   "1000. SklearnCV refuses it:"),
    (lambda: L.check_findings({("m", "d", 1.0): BOTH}, tolerance="x"),
     "`tolerance` of check_findings must be a finite real number in [0, inf); got 'x'."),
    (lambda: L.check_findings({("m", "d", 1.0): BOTH}, seed=-1), "`seed` of check_findings must be a non-negative"),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_losses_whose_products_overflow_still_correlate():
    """Fuzz round 5: finite losses past 1e154 overflowed in the correlations' products, and the
    assortativity and autocorrelation of an accepted landscape came out NaN."""
    land = SMALL.with_losses(np.arange(6.0) * 1e300)
    with np.errstate(over="raise", invalid="raise"):
        assert L.assortativity(land) == pytest.approx(L.assortativity(SMALL))
        assert L.autocorrelation(land) == pytest.approx(L.autocorrelation(SMALL))
