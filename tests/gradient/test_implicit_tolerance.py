"""The implicit hypergradient solves its linear system to a residual tolerance, and says when it
could not (audit a461: 20 fixed conjugate-gradient steps left the hypergradient a descent stepped
on 60-95 % off wherever the penalties spread over their range, without a word); preconditioned
with the closed-form Hessian where a problem has one, it gets there in one step (h471: plain
conjugate gradient took 1,500-2,000 on digits' 64 spread penalties)."""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.gradient import (  # noqa: E402
    BilevelObjective,
    BilevelProblem,
    ConvergenceWarning,
    LogisticProblem,
    RidgeProblem,
    exact_ridge,
    finite_differences,
    implicit,
)


@pytest.fixture(scope="module")
def spread():
    """30 penalties, one per feature of breast_cancer, spread over their whole range (1e-5 to 10):
    an ill-conditioned Hessian, as a descent over many penalties reaches (notebook 10, section 7)."""
    problem = LogisticProblem("breast_cancer", per_feature=True)
    low, high = np.log(problem.low[0]) + 0.01, np.log(problem.high[0]) - 0.01
    theta = np.random.default_rng(0).permutation(np.linspace(low, high, problem.n_hyper))
    return problem, theta, finite_differences(problem, theta, eps=1e-4).gradient


def test_the_stored_hypergradient_matches_finite_differences_where_penalties_spread(spread):
    problem, theta, reference = spread
    with np.errstate(all="raise"):
        result = BilevelObjective(problem)(problem.params(theta))
    stored = np.array([result.user_attrs["hypergradient"][name] for name in problem.names])
    # Before: 39 % off in norm, some entries 15 times their value (20 steps, no tolerance).
    np.testing.assert_allclose(stored, reference, rtol=1e-4, atol=1e-6 * np.abs(reference).max())
    assert 0 < result.user_attrs["residual"] <= 1e-6


def test_a_ridge_hypergradient_at_spread_penalties_matches_the_closed_form():
    problem = RidgeProblem(per_feature=True, features="quadratic")  # 65 weights, 65 penalties
    theta = np.random.default_rng(1).permutation(np.linspace(np.log(1e-4) + 0.01, np.log(10) - 0.01, 65))
    exact = exact_ridge(problem, theta).gradient
    result = implicit(problem, theta)
    np.testing.assert_allclose(result.gradient, exact, rtol=1e-3, atol=1e-6 * np.abs(exact).max())
    assert np.linalg.norm(result.gradient - exact) < 1e-5 * np.linalg.norm(exact)  # before: 5.6e-2
    assert result.residual <= 1e-6 and 1 <= result.iterations <= 650


@pytest.mark.parametrize("solver, named, advice", [("cg", "conjugate gradient", "or a larger rtol="),
                                                   ("neumann", "the Neumann series", "solver='cg'")])
def test_a_cap_reached_before_the_tolerance_is_warned_and_recorded(spread, solver, named, advice):
    problem, theta, _ = spread
    with pytest.warns(ConvergenceWarning) as caught:
        result = implicit(problem, theta, solver=solver, iterations=3, precondition=False)
    message = str(caught[0].message)
    assert message.startswith(f"implicit: {named} reached its cap of 3 iterations at a relative residual of ")
    assert f"{result.residual:.2g}, above rtol=1e-06" in message and "iterations=" in message and advice in message
    assert result.residual > 1e-6 and result.iterations == 3
    assert caught[0].filename == __file__  # the caller's line, not the package's


def test_the_objective_records_a_solve_that_stopped_short(spread):
    problem, theta, _ = spread
    with pytest.warns(ConvergenceWarning, match="cap of 2 iterations"):
        result = BilevelObjective(problem, iterations=2, precondition=False)(problem.params(theta))
    assert result.user_attrs["residual"] > 1e-6


def test_a_tolerance_reached_stops_early_without_a_warning(spread):
    problem, theta, reference = spread
    loose, tight = (implicit(problem, theta, rtol=rtol, precondition=False) for rtol in (1e-2, 1e-10))
    assert loose.iterations < tight.iterations and loose.residual <= 1e-2 and tight.residual <= 1e-10
    assert np.linalg.norm(tight.gradient - reference) < np.linalg.norm(loose.gradient - reference)


@pytest.mark.parametrize("rtol", [0, 1.0, -1e-6, float("nan"), "1e-6"])
def test_rtol_must_be_in_the_open_unit_interval(rtol):
    with pytest.raises(InvalidParameterError, match=re.escape("`rtol` of implicit must be a finite real number in (0")):
        implicit(RidgeProblem(), [0.0], rtol=rtol)
    with pytest.raises(InvalidParameterError, match=re.escape("`rtol` of BilevelObjective must be")):
        BilevelObjective(RidgeProblem(), rtol=rtol)


def test_preconditioning_with_the_closed_form_hessian_solves_in_one_step(spread):
    problem, theta, reference = spread
    preconditioned, plain = implicit(problem, theta), implicit(problem, theta, precondition=False)
    assert preconditioned.iterations == 1 and plain.iterations > 50  # 1 and 65 here; digits: 1 and 1,500-2,000
    assert preconditioned.residual <= 1e-12
    for result in (preconditioned, plain):
        np.testing.assert_allclose(result.gradient, reference, rtol=1e-4, atol=1e-6 * np.abs(reference).max())


def test_a_preconditioned_ridge_hypergradient_is_the_closed_form_to_rounding():
    problem = RidgeProblem(per_feature=True, features="quadratic")
    theta = np.random.default_rng(1).permutation(np.linspace(np.log(1e-4) + 0.01, np.log(10) - 0.01, 65))
    exact = exact_ridge(problem, theta).gradient
    result = implicit(problem, theta)
    assert result.iterations == 1 and np.linalg.norm(result.gradient - exact) < 1e-10 * np.linalg.norm(exact)
    # What it held: four vectors and the Cholesky factor, (65, 65), plain conjugate gradient the vectors only.
    assert result.stored_bytes == 8 * (4 * 65 + 65 * 65)
    assert implicit(problem, theta, precondition=False).stored_bytes == 8 * 4 * 65


class _NoClosedForm(RidgeProblem):
    """Ridge with its Hessian withheld (the base class's None), or a given one in its place."""

    def __init__(self, hessian=None):
        super().__init__(per_feature=True, features="quadratic")
        self._hessian = hessian

    def hessian(self, w, theta):
        return self._hessian if self._hessian is None else self._hessian.clone()


@pytest.mark.parametrize("hessian", [None, -torch.eye(65, dtype=torch.float64),
                                     torch.full((65, 65), float("nan"), dtype=torch.float64)],
                         ids=["none", "not positive definite", "not finite"])
def test_without_a_usable_hessian_conjugate_gradient_runs_plain(hessian):
    problem = _NoClosedForm(hessian)
    assert BilevelProblem.hessian(problem, problem.init_weights(), torch.zeros(65)) is None  # the base's default
    theta = np.linspace(np.log(1e-4) + 0.01, np.log(10) - 0.01, 65)
    result, plain = implicit(problem, theta), implicit(problem, theta, precondition=False)
    assert result.iterations == plain.iterations > 1 and np.array_equal(result.gradient, plain.gradient)


def test_too_many_weights_for_a_factorization_run_plain(monkeypatch):
    problem = RidgeProblem(per_feature=True, features="quadratic")
    theta = np.linspace(np.log(1e-4) + 0.01, np.log(10) - 0.01, 65)
    monkeypatch.setattr("interactive_hpo.gradient.solvers.MAX_DIRECT_WEIGHTS", 64)
    assert implicit(problem, theta).iterations == implicit(problem, theta, precondition=False).iterations > 1


def test_the_neumann_series_is_never_preconditioned(spread):
    problem, theta, _ = spread
    kept, plain = (implicit(problem, theta, solver="neumann", rtol=0.5, precondition=flag) for flag in (True, False))
    assert kept.iterations == plain.iterations > 1 and np.array_equal(kept.gradient, plain.gradient)
