"""Synthetic functions: known optima, vectorized formulas, seeded noise, uniform errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interactive_hpo import Float, InvalidParameterError
from interactive_hpo.objectives.base import Objective
from interactive_hpo.objectives.synthetic import (
    Ackley,
    Branin,
    Forrester,
    Hartmann6,
    Levy,
    Rosenbrock,
    SyntheticFunction,
    synthetic_functions,
)

# Every class at its default dimension, plus the scalable ones at other dimensions.
INSTANCES = [cls() for cls in synthetic_functions().values()] + [
    Ackley(dim=1), Ackley(dim=10), Rosenbrock(dim=3), Rosenbrock(dim=8), Levy(dim=1), Levy(dim=7),
]
IDS = [repr(f) for f in INSTANCES]
each_function = pytest.mark.parametrize("f", INSTANCES, ids=IDS)


def uniform_points(f: SyntheticFunction, n: int, seed: int = 0) -> np.ndarray:
    """n points of shape (n, d) drawn uniformly in the box of f."""
    u = np.random.default_rng(seed).random((n, f.dim))
    return f.bounds[:, 0] + u * (f.bounds[:, 1] - f.bounds[:, 0])


def as_params(f: SyntheticFunction, point: np.ndarray) -> dict[str, float]:
    return {f"x{i}": float(v) for i, v in enumerate(point)}


# -- declared data --------------------------------------------------------------------------

def test_registry_lists_every_function_by_its_name():
    registry = synthetic_functions()
    assert registry == {"Branin": Branin, "Hartmann6": Hartmann6, "Ackley": Ackley,
                        "Rosenbrock": Rosenbrock, "Levy": Levy, "Forrester": Forrester}
    registry.clear()  # a fresh dict each call: clearing it changes nothing
    assert len(synthetic_functions()) == 6


@pytest.mark.parametrize("cls, dim", [(Branin, 2), (Hartmann6, 6), (Ackley, 5), (Rosenbrock, 2), (Levy, 4),
                                      (Forrester, 1)])
def test_default_dimensions(cls, dim):
    f = cls()
    assert f.dim == dim
    assert f.bounds.shape == (dim, 2)
    assert f.optimizers.shape[1] == dim


@each_function
def test_shapes_space_and_protocol(f):
    assert isinstance(f, Objective)
    assert f.direction == "minimize"
    assert f.space.names == [f"x{i}" for i in range(f.dim)]
    assert all(isinstance(p, Float) and not p.log for p in f.space)
    np.testing.assert_array_equal([[p.low, p.high] for p in f.space], f.bounds)
    assert np.all(f.bounds[:, 0] < f.bounds[:, 1])
    assert f.optimizers.ndim == 2 and f.optimizers.shape[1] == f.dim
    assert np.all((f.optimizers >= f.bounds[:, 0]) & (f.optimizers <= f.bounds[:, 1]))
    assert isinstance(f.optimal_value, float)


def test_bounds_and_optimizers_are_read_only():
    f = Ackley(dim=3)
    for array in (f.bounds, f.optimizers):
        with pytest.raises(ValueError):
            array[0, 0] = 1.0
    assert Ackley(dim=3).bounds[0, 0] == -32.768


# -- values -----------------------------------------------------------------------------------

@each_function
def test_every_known_optimizer_reaches_the_optimal_value(f):
    values = f.evaluate(f.optimizers)
    np.testing.assert_allclose(values, f.optimal_value, rtol=1e-4, atol=1e-8)
    for point in f.optimizers:
        assert f(as_params(f, point)) == pytest.approx(f.optimal_value, rel=1e-4, abs=1e-8)
    np.testing.assert_allclose(f.regret(values), 0.0, atol=1e-8)


def test_optima_agree_with_the_literature():
    # VLSE's rounded values, and Forrester et al. (2008) for the 1-D function.
    assert Branin.optimal_value == pytest.approx(0.397887, abs=1e-6)
    assert Hartmann6.optimal_value == pytest.approx(-3.32237, abs=1e-5)
    assert Forrester.optimal_value == pytest.approx(-6.02074, abs=1e-5)
    assert Forrester().optimizers[0, 0] == pytest.approx(0.75725, abs=1e-5)
    np.testing.assert_allclose(Hartmann6().optimizers[0],
                               [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573], atol=1e-5)


@pytest.mark.parametrize("f, point, expected", [
    (Branin(), [0.0, 0.0], 55.602112642270262),  # (-6)^2 + 10 (1 - t) + 10
    (Rosenbrock(), [0.0, 0.0], 1.0),
    (Rosenbrock(dim=3), [0.0, 1.0, 2.0], 100.0 + 1.0 + 100.0 * 1.0 + 0.0),
    (Ackley(dim=2), [1.0, 1.0], 20.0 - 20.0 * math.exp(-0.2) - math.e + math.e),
    (Levy(dim=2), [0.0, 0.0], 0.5 + 0.0625 * (1 + 10 * math.sin(0.75 * math.pi + 1) ** 2) + 0.0625 * 2),
    (Forrester(), [0.5], math.sin(2.0)),
    (Forrester(), [0.0], 4.0 * math.sin(-4.0)),
])
def test_values_at_hand_computed_points(f, point, expected):
    assert f.evaluate(np.array([point]))[0] == pytest.approx(expected, rel=1e-12)


def test_hartmann6_matches_a_plain_loop_over_the_formula():
    alpha = [1.0, 1.2, 3.0, 3.2]
    a = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    p = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
    f = Hartmann6()
    X = uniform_points(f, 20)
    expected = [-sum(alpha[i] * math.exp(-sum(a[i][j] * (x[j] - 1e-4 * p[i][j]) ** 2 for j in range(6)))
                     for i in range(4)) for x in X]
    np.testing.assert_allclose(f.evaluate(X), expected, rtol=1e-12)


@each_function
def test_evaluate_is_vectorized(f):
    X = uniform_points(f, 9)
    values = f.evaluate(X)
    assert values.shape == (9,)
    for i in range(len(X)):
        assert values[i] == pytest.approx(f.evaluate(X[i:i + 1])[0], rel=1e-12, abs=1e-12)
    assert f.evaluate(np.empty((0, f.dim))).shape == (0,)
    assert f.evaluate(X.tolist()).tolist() == values.tolist()  # lists work too


@each_function
def test_random_points_are_never_below_the_optimum(f):
    values = f.evaluate(uniform_points(f, 2000, seed=1))
    assert np.all(values >= f.optimal_value - 1e-9)


@st.composite
def function_and_point(draw):
    f = draw(st.sampled_from(INSTANCES))
    u = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=f.dim, max_size=f.dim)))
    return f, f.bounds[:, 0] + u * (f.bounds[:, 1] - f.bounds[:, 0])


@given(function_and_point())
@settings(max_examples=300, deadline=None)
def test_no_point_of_the_box_beats_the_optimum(case):
    f, point = case
    assert f.evaluate(point[None, :])[0] >= f.optimal_value - 1e-9
    assert f.regret(f.evaluate(point[None, :])[0]) >= -1e-9


@each_function
def test_call_matches_evaluate_through_the_space(f):
    for params in f.space.sample(10, np.random.default_rng(2)):
        point = np.array([[params[name] for name in f.space.names]])
        assert f(params) == f.evaluate(point)[0]
        assert f(params, budget=None) == f.evaluate(point)[0]
        assert isinstance(f(params), float)


def test_regret_of_scalars_and_arrays():
    f = Forrester()
    assert f.regret(f.optimal_value) == 0.0
    assert f.regret(0.0) == pytest.approx(6.0207400557670825)
    np.testing.assert_allclose(f.regret(np.array([f.optimal_value, 1.0])), [0.0, 1.0 - f.optimal_value])


# -- noise ------------------------------------------------------------------------------------

def test_noise_is_seeded_and_only_in_call():
    params = {"x0": 1.0, "x1": 2.0}
    truth = Branin().evaluate(np.array([[1.0, 2.0]]))[0]
    f, g = Branin(noise_std=0.5, seed=3), Branin(noise_std=0.5, seed=3)
    first = [f(params) for _ in range(5)]
    assert first == [g(params) for _ in range(5)]
    assert len(set(first)) == 5 and truth not in first
    assert [Branin(noise_std=0.5, seed=4)(params) for _ in range(5)] != first
    assert f.evaluate(np.array([[1.0, 2.0]]))[0] == truth  # evaluate stays noiseless


def test_noise_accepts_a_generator_and_has_the_requested_spread():
    f = Forrester(noise_std=0.2, seed=np.random.default_rng(7))
    truth = f.evaluate(np.array([[0.3]]))[0]
    noise = np.array([f({"x0": 0.3}) for _ in range(4000)]) - truth
    assert abs(noise.mean()) < 0.02
    assert noise.std() == pytest.approx(0.2, rel=0.1)
    again = Forrester(noise_std=0.2, seed=np.random.default_rng(7))
    assert again({"x0": 0.3}) - truth == noise[0]


def test_zero_noise_gives_exact_values_whatever_the_seed():
    X = uniform_points(Levy(), 5)
    for seed in (None, 0, np.random.default_rng(1)):
        f = Levy(noise_std=0.0, seed=seed)
        assert [f(as_params(f, x)) for x in X] == f.evaluate(X).tolist()


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls, kwargs, message", [
    (Ackley, {"dim": 0}, "`dim` of Ackley must be an int in [1, 10000]; got 0."),
    (Ackley, {"dim": 2.0}, "`dim` of Ackley must be an int in [1, 10000]; got 2.0."),
    (Levy, {"dim": True}, "`dim` of Levy must be an int in [1, 10000]; got True."),
    (Rosenbrock, {"dim": 1}, "`dim` of Rosenbrock must be an int in [2, 10000]; got 1."),
    (Branin, {"dim": 3}, "`dim` of Branin must be 2 or None; got 3. Branin is defined in 2 dimension(s) only"),
    (Hartmann6, {"dim": 2}, "`dim` of Hartmann6 must be 6 or None; got 2."),
    (Branin, {"dim": 2.0}, "`dim` of Branin must be 2 or None; got 2.0."),
    (Branin, {"dim": 3}, "these functions take any `dim`: Ackley, Rosenbrock, Levy."),
    (Forrester, {"dim": True}, "`dim` of Forrester must be 1 or None; got True."),
    (Levy, {"noise_std": -1.0}, "`noise_std` of Levy must be a finite real number in [0.0, inf); got -1.0."),
    (Branin, {"noise_std": float("nan")}, "`noise_std` of Branin must be a finite real number in [0.0, inf); got nan."),
    (Branin, {"noise_std": "0.1"}, "`noise_std` of Branin must be a finite real number in [0.0, inf); got '0.1'."),
    (Hartmann6, {"seed": -1},
     "`seed` of Hartmann6 must be a non-negative int, a numpy.random.Generator or None; got -1."),
    (Ackley, {"seed": "abc"},
     "`seed` of Ackley must be a non-negative int, a numpy.random.Generator or None; got 'abc'."),
    # A billion inputs: a MemoryError after a long wait (the machine swapping), before the cap.
    (Ackley, {"dim": 10**9}, "`dim` of Ackley must be an int in [1, 10000]; got 1000000000."),
])
def test_input_errors(cls, kwargs, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        cls(**kwargs)


def test_fixed_dimension_accepts_its_own_dim():
    assert Branin(dim=2).dim == 2 and Hartmann6(6).dim == 6 and Forrester(np.int64(1)).dim == 1
    assert Ackley(dim=np.int64(3)).dim == 3 and isinstance(Ackley(dim=np.int64(3)).dim, int)


@each_function
def test_budget_is_refused_with_a_clear_message(f):
    params = as_params(f, f.optimizers[0])
    message = f"`budget` of {f.name} must be None; got 0.5. {f.name} itself has a single fidelity; "
    message += f"for cheaper, biased and noisier evaluations at budgets in (0, 1], wrap it: MultiFidelity({f!r})."
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        f(params, budget=0.5)


@pytest.mark.parametrize("X, shape", [(np.zeros(2), "(2,)"), (np.zeros((3, 3)), "(3, 3)"),
                                      (np.zeros((1, 1, 2)), "(1, 1, 2)")])
def test_evaluate_rejects_wrong_shapes(X, shape):
    message = f"`X` of Branin.evaluate must be an array of shape (n, 2); got {shape}."
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        Branin().evaluate(X)


@pytest.mark.parametrize("call, message", [
    (lambda: Branin().evaluate([["a", "b"]]), "`X` of Branin.evaluate must be an array of shape (n, 2) of real "
                                              "numbers; got [['a', 'b']]."),
    (lambda: Branin().evaluate([[1.0, 2.0], [1.0]]), "`X` of Branin.evaluate must be an array of shape (n, 2) of real"),
    (lambda: Branin().regret("low"), "`value` of Branin.regret must be a real number or an array of them; got 'low'."),
])
def test_values_that_are_not_numbers_are_named(call, message):
    """Before: numpy's "could not convert string to float" and "inhomogeneous shape"."""
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_call_validates_params_through_the_space():
    f = Branin()
    with pytest.raises(InvalidParameterError, match="x0"):
        f({"x0": 11.0, "x1": 1.0})  # outside [-5, 10]
    with pytest.raises(InvalidParameterError, match="Missing parameter"):
        f({"x0": 1.0})
    with pytest.raises(InvalidParameterError, match="Unknown parameter"):
        f({"x1": 1.0, "x2": 1.0, "x0": 0.0})
