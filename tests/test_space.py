"""Search spaces: the codec round-trips, stays in bounds, and has the right distributions."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace

# -- strategies: random parameters and points inside them ------------------------------------


@st.composite
def floats_params(draw, name="f"):
    log = draw(st.booleans())
    low = draw(st.floats(1e-6, 1e3) if log else st.floats(-1e6, 1e6))
    width = draw(st.floats(1e-3, 1e6))
    return Float(name, low, low + width, log=log)


@st.composite
def int_params(draw, name="i"):
    log = draw(st.booleans())
    low = draw(st.integers(1, 1000) if log else st.integers(-1000, 1000))
    return Int(name, low, low + draw(st.integers(1, 10_000)), log=log)


choice_values = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans(), st.none(),
                          st.floats(-10, 10, allow_nan=False))


@st.composite
def categorical_params(draw, name="c"):
    values = draw(st.lists(choice_values, min_size=1, max_size=6))
    unique = []
    for v in values:  # the space's own notion of duplicates: True and 1 are different choices
        if not any(v == u and isinstance(v, bool) == isinstance(u, bool) for u in unique):
            unique.append(v)
    return Categorical(name, unique)


@st.composite
def spaces(draw):
    makers = draw(st.lists(st.sampled_from([floats_params, int_params, categorical_params]), min_size=1, max_size=5))
    return SearchSpace([draw(make(name=f"p{i}")) for i, make in enumerate(makers)])


unit_points = st.floats(0.0, 1.0)


@given(spaces(), st.data())
@settings(max_examples=200, deadline=None)
def test_from_unit_stays_in_bounds_and_types(space, data):
    x = np.array(data.draw(st.lists(unit_points, min_size=space.dim, max_size=space.dim)))
    params = space.from_unit(x)
    assert list(params) == space.names
    for p in space:
        value = params[p.name]
        if isinstance(p, Categorical):
            assert any(value is c or value == c for c in p.choices)
        else:
            assert p.low <= value <= p.high
            if isinstance(p, Int):
                assert type(value) is int
            else:
                assert type(value) is float
    u = space.to_unit(params)
    assert u.shape == (space.dim,)
    assert np.all((u >= 0) & (u <= 1))


@given(spaces(), st.data())
@settings(max_examples=200, deadline=None)
def test_codec_round_trips(space, data):
    """params -> x -> params is the identity (floats to rounding), and snapping is idempotent."""
    x = np.array(data.draw(st.lists(unit_points, min_size=space.dim, max_size=space.dim)))
    params = space.from_unit(x)
    again = space.from_unit(space.to_unit(params))
    for p in space:
        if isinstance(p, Float):
            assert math.isclose(again[p.name], params[p.name], rel_tol=1e-9, abs_tol=1e-9 * (p.high - p.low))
        else:
            assert again[p.name] == params[p.name]
    snapped = space.snap(x)
    np.testing.assert_allclose(space.snap(snapped), snapped, atol=1e-12)


@given(spaces())
@settings(max_examples=100, deadline=None)
def test_dict_round_trip_through_json(space):
    data = json.loads(json.dumps(space.to_dict()))
    assert SearchSpace.from_dict(data) == space


def test_log_float_is_uniform_in_log_space():
    space = SearchSpace([Float("lr", 1e-5, 1e-1, log=True)])
    values = np.array([p["lr"] for p in space.sample(4000, rng=0)])
    logs = (np.log10(values) + 5) / 4
    assert stats.kstest(logs, "uniform").pvalue > 0.01
    # ... and clearly not uniform on the linear scale (most mass near the low end).
    assert np.median(values) < 1e-2


@pytest.mark.parametrize(("low", "high"), [(1e-4, 10.0), (1e-3, 1e3), (0.3, 7.0), (-2.5, 9.1)])
def test_the_cubes_faces_decode_to_the_bounds_exactly(low, high):
    # exp(log(1e-4) + log(1e5)) is 9.999999999999993: trials on a bound showed alpha=0.00010000000000000009.
    for log in [False, True] if low > 0 else [False]:
        space = SearchSpace([Float("x", low, high, log=log)])
        assert [space.from_unit([u])["x"] for u in (0.0, 1.0, -0.5, 1.5)] == [low, high, low, high]


def test_an_int_parameter_takes_a_whole_float_as_its_int():
    # A pandas column or JSON gives a count as 3.0: it was refused ("must be an int in [2, 5]; got 3.0").
    space = SearchSpace([Int("n", 2, 5)])
    assert space.validate({"n": 3.0}) == {"n": 3} and type(space.validate({"n": np.float32(5)})["n"]) is int
    for value, shown in [(3.5, "3.5"), (6.0, "6.0"), (math.nan, "nan"), (True, "True")]:
        with pytest.raises(InvalidParameterError, match=re.escape(f"must be an int in [2, 5]; got {shown}.")):
            space.validate({"n": value})


def test_a_categorical_finds_its_choices_by_value_and_kind():
    # Looked up by key, not by scanning (10^4 choices took 2.7 s to build): the rules stay ==, except
    # that a bool is no int, and a value that cannot be a key is no choice.
    kinds = Categorical("k", [1, True, "1", None, 2.5])
    assert [kinds.index(v) for v in (1, 1.0, np.int64(1), True, np.bool_(True), "1", None, 2.5)] == [0, 0, 0, 1, 1, 2,
                                                                                                     3, 4]
    for absent in (False, 0, [1], {"a": 1}):
        with pytest.raises(InvalidParameterError, match=r"of the search space must be one of \[1, True, '1', None"):
            kinds.validate(absent)
    with pytest.raises(InvalidParameterError, match="1.0 appears twice"):
        Categorical("k", [1, True, 1.0])


def test_log_int_is_roughly_uniform_in_log_space():
    space = SearchSpace([Int("n", 1, 1000, log=True)])
    values = np.array([p["n"] for p in space.sample(6000, rng=1)])
    decades = np.histogram(np.log10(values), bins=[0, 1, 2, 3.01])[0] / len(values)
    np.testing.assert_allclose(decades, 1 / 3, atol=0.05)


def test_uniform_ints_give_each_integer_its_share():
    space = SearchSpace([Int("k", 1, 4)])
    values = [p["k"] for p in space.sample(8000, rng=2)]
    counts = np.bincount(values, minlength=5)[1:] / len(values)
    np.testing.assert_allclose(counts, 0.25, atol=0.02)


def test_sample_is_seeded():
    space = SearchSpace([Float("x", 0, 1), Categorical("c", ["a", "b", "c"])])
    assert space.sample(5, rng=3) == space.sample(5, rng=3)
    assert space.sample(5, rng=3) != space.sample(5, rng=4)


def test_grid_levels_follow_the_scale_and_enumerate_choices():
    space = SearchSpace([Float("C", 1e-2, 1e2, log=True), Int("k", 1, 3), Categorical("kernel", ["rbf", "lin"])])
    levels = space.grid_levels(5)
    np.testing.assert_allclose(levels["C"], [1e-2, 1e-1, 1, 10, 100])
    assert levels["k"] == (1, 2, 3)
    assert levels["kernel"] == ("rbf", "lin")
    grid = space.grid(5)
    assert len(grid) == 5 * 3 * 2
    assert grid[0] == {"C": 0.01, "k": 1, "kernel": "rbf"}
    assert space.grid_levels({"C": 3, "k": 2})["C"] == pytest.approx((0.01, 1.0, 100.0))


def test_slice2d_varies_two_params_and_fixes_the_rest():
    space = SearchSpace([Float("a", 0, 1), Float("b", 1, 100, log=True), Categorical("c", ["x", "y", "z"])])
    grid = space.slice2d("b", "c", at={"a": 0.25}, resolution=7)
    assert grid.shape == (3, 7)
    assert grid.points.shape == (3, 7, 3)
    assert grid.x_axis.scale == "log" and grid.y_axis.scale == "categorical"
    assert grid.y_axis.levels == ("x", "y", "z")
    np.testing.assert_allclose(grid.points[..., 0], 0.25)
    decoded = space.from_unit(grid.points[2, 6])
    assert decoded["c"] == "z" and decoded["b"] == pytest.approx(100)
    with pytest.raises(ValueError, match="other than x_name"):
        space.slice2d("a", "a")


def test_slice1d_defaults_to_the_centre():
    space = SearchSpace([Float("a", 0, 2), Int("n", 0, 10)])
    curve = space.slice1d("a", resolution=11)
    assert curve.points.shape == (11, 2)
    assert space.from_unit(curve.points[0])["n"] == 5
    np.testing.assert_allclose(curve.axis.levels, np.linspace(0, 2, 11))


def test_views_are_read_only():
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=3)
    with pytest.raises(ValueError):
        grid.points[0, 0, 0] = 1.0


def test_bool_and_int_choices_are_distinct():
    param = Categorical("c", [1, True])
    assert param.index(True) == 1 and param.index(1) == 0


def test_space_container_behaviour():
    space = SearchSpace([Float("a", 0, 1), Categorical("c", ["x"])])
    assert space.names == ["a", "c"] and space.dim == 2 and len(space) == 2
    assert space.kinds == ["float", "categorical"]
    assert "a" in space and space["c"].choices == ("x",)
    assert eval(repr(space)) == space  # noqa: S307 - repr is meant to be valid Python here


# -- wide integer ranges: every integer an Int accepts decodes back to itself ------------------


@st.composite
def widest_ints(draw):
    """Ints up to the limits Int accepts: linear ranges up to 2**50 integers anywhere in
    [-2**53, 2**53), log ranges up to 10**13."""
    if draw(st.booleans()):
        high = draw(st.integers(2, 10**13))
        return Int("n", draw(st.integers(1, high - 1)), high, log=True)
    low = draw(st.integers(-(2**53), 2**53 - 2))
    return Int("n", low, draw(st.integers(low + 1, min(low + 2**50 - 1, 2**53 - 1))), log=False)


@pytest.mark.parametrize("low, high, log", [
    (2**53 - 2**50, 2**53 - 1, False), (-(2**53), -(2**53) + 2**50 - 1, False), (-(2**49), 2**49 - 1, False),
    (1, 10**13, True), (10**13 - 10**6, 10**13, True), (10**12 + 7, 10**13, True),
])
def test_every_integer_of_the_widest_ranges_decodes_to_itself(low, high, log):
    param = Int("n", low, high, log=log)
    rng = np.random.default_rng(0)
    near = [int(k) for k in rng.integers(0, 10**6, 300)]
    values = [low, low + 1, (low + high) // 2, high - 1, high, *(int(v) for v in rng.integers(low, high, 300)),
              *(high - k for k in near), *(low + k for k in near)]
    assert [param.from_unit(param.to_unit(v)) for v in values] == values
    space = SearchSpace([param])
    assert space.from_unit(space.to_unit({"n": high})) == {"n": high}


@given(widest_ints(), st.data())
@settings(max_examples=200, deadline=None)
def test_random_integers_of_wide_ranges_decode_to_themselves(param, data):
    for v in (param.low, param.high, *data.draw(st.lists(st.integers(param.low, param.high), min_size=5, max_size=5))):
        assert param.from_unit(param.to_unit(v)) == v


@pytest.mark.parametrize("low, high, log, message", [
    (-(2**53) + 1, 2**53 - 1, False, "`high` of Int('n') must be below low + 2**50 = -7881299347898367"),
    (0, 2**50, False, "`high` of Int('n') must be below low + 2**50 = 1125899906842624 (in a wider range"),
    (1, 10**15, True, "`high` of Int('n') must be at most 10**13 when log=True (beyond it float64 unit coordinates"),
])
def test_ranges_whose_neighbours_share_a_coordinate_are_refused(low, high, log, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Int("n", low, high, log=log)


# -- arguments: refused with the parameter's name, the rule and the value ----------------------

MIXED = SearchSpace([Float("lr", 1e-3, 1.0, log=True), Int("n", 1, 4), Categorical("k", ["a", "b", "c"])])


@pytest.mark.parametrize("call, message", [
    (lambda: MIXED.sample(2, rng="abc"), "`rng` of SearchSpace.sample must be a non-negative int, a "
                                         "numpy.random.Generator or None; got 'abc'."),
    (lambda: MIXED.sample(2, rng=-1), "`rng` of SearchSpace.sample must be a non-negative int, a "
                                      "numpy.random.Generator or None; got -1."),
    (lambda: MIXED.sample(2, rng=1.5), "`rng` of SearchSpace.sample must be a non-negative int, a "
                                       "numpy.random.Generator or None; got 1.5."),
    (lambda: MIXED.sample(2, rng=True), "`rng` of SearchSpace.sample must be a non-negative int, a "
                                        "numpy.random.Generator or None; got True."),
    (lambda: MIXED.from_unit(["a", 0.5, 0.5]), "`x` of SearchSpace must be a finite array of shape (3,) (a "
                                               "point of the unit cube; beyond it, clipped to it); got ['a', "
                                               "0.5, 0.5]."),
    (lambda: MIXED.from_unit([[0.5], 0.5, 0.5]), "`x` of SearchSpace must be a finite array of shape (3,) (a "
                                                 "point of the unit cube; beyond it, clipped to it); got [[0.5], 0.5, "
                                                 "0.5]."),
    (lambda: MIXED.grid({"lr": 3, "n": 2, "k": 0}), "`resolution['k']` of SearchSpace.grid must be an int in "
                                                    "[1, 1000000]; got 0."),
    # A configuration given to another function (ablation_path's start, a PBT run's initial): named as its argument.
    (lambda: MIXED.validate({"lr": 2.0, "n": 1, "k": "a"}, name="start", owner="ablation_path"),
     "`start` of ablation_path must be a configuration of the search space (a dict of its parameters' values); got "
     "{'lr': 2.0, 'n': 1, 'k': 'a'}. The space refuses it: `lr` of the search space must be a finite real "
     "number in [0.001, 1.0]; got 2.0."),
], ids=["rng-str", "rng-negative", "rng-float", "rng-bool", "x-str", "x-ragged", "categorical-count-0",
        "configuration-of-another-function"])
def test_bad_arguments_are_refused_naming_them(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_sample_takes_a_seed_a_generator_or_none():
    assert MIXED.sample(3, rng=np.int64(5)) == MIXED.sample(3, rng=5)
    assert MIXED.sample(3, rng=np.random.default_rng(5)) == MIXED.sample(3, rng=5)
    assert len(MIXED.sample(3, rng=None)) == 3


def test_a_categoricals_levels_are_its_choices_whatever_count_a_dict_gives_it():
    # The count applies to numeric ranges; a categorical lists every choice, given a count or not.
    expected = MIXED.grid({"lr": 3, "n": 2})
    assert len(expected) == 3 * 2 * 3
    assert MIXED.grid({"lr": 3, "n": 2, "k": 1}) == expected == MIXED.grid({"lr": 3, "n": 2, "k": 7})
