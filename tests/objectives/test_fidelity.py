"""MultiFidelity: the full budget is the function, low budgets are biased (published formulas) and noisier."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from interactive_hpo import InvalidParameterError
from interactive_hpo.objectives.base import Objective
from interactive_hpo.objectives.fidelity import MultiFidelity
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

FUNCTIONS = [cls() for cls in synthetic_functions().values()] + [Ackley(dim=2), Rosenbrock(dim=4)]
each_function = pytest.mark.parametrize("f", FUNCTIONS, ids=[repr(f) for f in FUNCTIONS])


def uniform_points(f: SyntheticFunction, n: int, seed: int = 0) -> np.ndarray:
    """n points of shape (n, d) drawn uniformly in the box of f."""
    return f.bounds[:, 0] + np.random.default_rng(seed).random((n, f.dim)) * np.ptp(f.bounds, axis=1)


def as_params(f: SyntheticFunction, point: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(f.space.names, point, strict=True)}


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.argsort().argsort(), b.argsort().argsort())[0, 1])


@each_function
def test_full_budget_is_the_function_itself(f):
    mf = MultiFidelity(f, noise_std=1.0, seed=0)
    X = uniform_points(f, 20)
    assert isinstance(mf, Objective) and (mf.space, mf.direction, mf.name) == (f.space, f.direction, f.name)
    assert np.array_equal(mf.evaluate(X), f.evaluate(X)) and np.array_equal(mf.evaluate(X, 1.0), f.evaluate(X))
    for point in X[:3]:
        params = as_params(f, point)
        assert mf(params) == mf(params, budget=1.0) == f(params)


@each_function
def test_lower_budgets_are_more_biased(f):
    mf = MultiFidelity(f)
    X = uniform_points(f, 100)
    truth = f.evaluate(X)
    gaps = [np.mean(np.abs(mf.evaluate(X, budget) - truth)) for budget in (0.9, 0.5, 0.1)]
    assert 0.0 < gaps[0] < gaps[1] < gaps[2]
    params = as_params(f, X[0])
    assert mf(params, budget=0.5) == mf.evaluate(X[:1], 0.5)[0]  # noiseless: a call is the formula


@pytest.mark.parametrize("f", [Branin(), Forrester(), Ackley(dim=3), Levy(dim=2)], ids=repr)
def test_low_fidelity_ranks_points_roughly_like_the_full_one(f):
    X = uniform_points(f, 200, seed=1)
    rho = spearman(MultiFidelity(f).evaluate(X, 0.1), f.evaluate(X))
    assert 0.3 < rho < 0.99


def test_published_low_fidelities_match_botorch_and_forrester():
    # AugmentedBranin lists (pi, 1.3867356039019576, 0.1) among its minimizers, value 0.397887.
    assert MultiFidelity(Branin()).evaluate([[math.pi, 1.3867356039019576]], 0.1)[0] == pytest.approx(0.397887, 1e-5)
    # AugmentedRosenbrock (d = 2 + the two fidelities at s) vanishes where both squares do.
    s = 0.3
    x0 = 1.0 - 0.1 * (1 - s) ** 2
    assert MultiFidelity(Rosenbrock()).evaluate([[x0, x0**2 - 0.1 * (1 - s)]], s)[0] == pytest.approx(0.0, abs=1e-12)
    # AugmentedHartmann at s: the weight alpha_1 of the first basin is lowered by 0.1 (1 - s).
    h = Hartmann6()
    first_basin = np.exp(-np.sum(h._A[0] * (h.optimizers[0] - h._P[0]) ** 2))
    assert MultiFidelity(h).evaluate(h.optimizers, 0.5)[0] == pytest.approx(h.optimal_value + 0.05 * first_basin)
    # Forrester's cheap model at s = 0 (a budget near 0): 0.5 f(x) + 10 (x - 0.5) + 5.
    f = Forrester()
    x = np.array([[0.2], [0.9]])
    expected = 0.5 * f.evaluate(x) + 10.0 * (x[:, 0] - 0.5) + 5.0
    assert np.allclose(MultiFidelity(f).evaluate(x, 1e-12), expected)


def test_bias_scales_the_distance_to_the_full_fidelity():
    f = Branin()
    X = uniform_points(f, 10)
    assert np.array_equal(MultiFidelity(f, bias=0.0).evaluate(X, 0.2), f.evaluate(X))
    # bias 2 at budget 0.6 is the published version at budget 0.2: s = 1 - 2 * 0.4.
    assert np.allclose(MultiFidelity(f, bias=2.0).evaluate(X, 0.6), MultiFidelity(f).evaluate(X, 0.2))


def test_a_subclass_gets_the_tilted_copy():
    class Shifted(Branin):
        def _evaluate(self, X):
            return super()._evaluate(X) + 1.0

    f = Shifted()
    X = uniform_points(f, 50)
    tilt = MultiFidelity(f).evaluate(X, 0.0 + 1e-12) - f.evaluate(X)
    unit = (X - f.bounds[:, 0]) / np.ptp(f.bounds, axis=1)
    assert np.allclose(tilt / (2 * unit.mean(axis=1) - 1), tilt[0] / (2 * unit[0].mean() - 1))  # one ramp


def test_noise_is_seeded_and_shrinks_with_the_budget():
    f = Branin()
    params = {"x0": 1.0, "x1": 2.0}
    first = [MultiFidelity(f, noise_std=3.0, seed=5)(params, budget=0.2) for _ in range(2)]
    again = MultiFidelity(f, noise_std=3.0, seed=5)
    assert first[0] == again(params, budget=0.2) and first[0] != again(params, budget=0.2)
    assert MultiFidelity(f, noise_std=3.0, seed=6)(params, budget=0.2) != first[0]
    mf = MultiFidelity(f, noise_std=3.0, seed=0)
    base = mf.evaluate([[1.0, 2.0]], 0.2)[0]
    draws = np.array([mf(params, budget=0.2) for _ in range(2000)]) - base
    assert abs(np.mean(draws)) < 0.15 and np.std(draws) == pytest.approx(3.0 * 0.8, rel=0.1)
    assert mf(params, budget=1.0) == f(params)  # no noise at the full budget


def test_the_function_keeps_its_own_noise_at_every_budget():
    noisy, twin = Branin(noise_std=0.5, seed=2), Branin(noise_std=0.5, seed=2)
    mf = MultiFidelity(noisy)
    params = {"x0": 1.0, "x1": 2.0}
    assert mf(params) == twin(params)
    low = mf(params, budget=0.5)
    assert low - mf.evaluate([[1.0, 2.0]], 0.5)[0] == pytest.approx(twin(params) - twin.evaluate([[1.0, 2.0]])[0])


@pytest.mark.parametrize("kwargs, message", [
    ({"function": Branin}, "`function` of MultiFidelity must be a SyntheticFunction such as Branin(); got "
                           "<class 'interactive_hpo.objectives.synthetic.Branin'>. Pass an instance, not the class."),
    ({"function": lambda p: 0.0}, "`function` of MultiFidelity must be a SyntheticFunction such as Branin(); got <"),
    ({"bias": -1.0}, "`bias` of MultiFidelity must be a finite real number in [0.0, inf); got -1.0."),
    ({"bias": float("nan")}, "`bias` of MultiFidelity must be a finite real number in [0.0, inf); got nan."),
    ({"noise_std": -0.1}, "`noise_std` of MultiFidelity must be a finite real number in [0.0, inf); got -0.1."),
    ({"noise_std": "1"}, "`noise_std` of MultiFidelity must be a finite real number in [0.0, inf); got '1'."),
    ({"seed": -1}, "`seed` of MultiFidelity must be a non-negative int, a numpy.random.Generator or None; got -1."),
])
def test_bad_arguments(kwargs, message):
    kwargs = {"function": Branin(), **kwargs}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        MultiFidelity(**kwargs)


@pytest.mark.parametrize("budget, shown", [(0, "0"), (1.5, "1.5"), ("a", "'a'"), (float("nan"), "nan")])
def test_bad_budgets(budget, shown):
    mf = MultiFidelity(Branin())
    rule = f"must be a real number in (0, 1] or None (the full budget); got {shown}."
    with pytest.raises(InvalidParameterError, match=re.escape(f"`budget` of MultiFidelity.__call__ {rule}")):
        mf({"x0": 0.0, "x1": 0.0}, budget=budget)
    with pytest.raises(InvalidParameterError, match=re.escape(f"`budget` of MultiFidelity.evaluate {rule}")):
        mf.evaluate([[0.0, 0.0]], budget)


@pytest.mark.parametrize("f", [Branin(), Ackley(dim=2)], ids=repr)
def test_evaluate_rejects_wrong_shapes(f):
    with pytest.raises(InvalidParameterError, match=re.escape("`X` of MultiFidelity.evaluate must be an array of "
                                                              "shape (n, 2); got (3,).")):
        MultiFidelity(f).evaluate(np.zeros(3), 0.5)
    with pytest.raises(InvalidParameterError, match=re.escape("`X` of MultiFidelity.evaluate must be an array of "
                                                              "shape (n, 2) of real numbers; got [['a', 'b']].")):
        MultiFidelity(f).evaluate([["a", "b"]], 0.5)  # before: numpy's "could not convert string to float"
