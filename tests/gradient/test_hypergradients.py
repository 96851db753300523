"""Every hypergradient agrees with central finite differences of the quantity it differentiates."""

from __future__ import annotations

import re

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.gradient import (  # noqa: E402
    LogisticProblem,
    MLPProblem,
    RidgeProblem,
    exact_ridge,
    finite_differences,
    forward_mode,
    hypergradient,
    implicit,
    reverse_mode,
)
from interactive_hpo.gradient.experiments import implicit_errors, mode_costs  # noqa: E402


@pytest.fixture(scope="module")
def ridge():
    return RidgeProblem(per_feature=True)


@pytest.fixture(scope="module")
def logistic():
    return LogisticProblem("breast_cancer")


@pytest.fixture(scope="module")
def mlp():
    return MLPProblem(hidden=8, steps=10)


def theta_of(problem, value):
    return np.full(problem.n_hyper, np.log(value))


@pytest.mark.parametrize("per_feature", [False, True])
def test_exact_ridge_and_implicit_match_finite_differences(per_feature):
    problem = RidgeProblem(per_feature=per_feature)
    theta = np.linspace(-3, 1, problem.n_hyper)
    reference = finite_differences(problem, theta, eps=1e-5).gradient
    np.testing.assert_allclose(exact_ridge(problem, theta).gradient, reference, rtol=1e-5, atol=1e-10)
    # Conjugate gradient to a residual of 1e-10 (in exact arithmetic, 10 iterations for 10 weights would be exact).
    np.testing.assert_allclose(implicit(problem, theta, rtol=1e-10).gradient, reference, rtol=1e-5, atol=1e-10)


def test_implicit_matches_finite_differences_on_logistic_regression(logistic):
    theta = theta_of(logistic, 0.01)
    reference = finite_differences(logistic, theta, eps=1e-4).gradient
    np.testing.assert_allclose(implicit(logistic, theta, iterations=200).gradient, reference, rtol=1e-4)


@pytest.mark.parametrize("method", [reverse_mode, forward_mode])
def test_unrolled_modes_match_finite_differences_of_the_run(method, ridge, mlp):
    for problem, theta in ((ridge, theta_of(ridge, 0.1)), (mlp, np.log([1e-3, 0.5]))):
        reference = finite_differences(problem, theta, steps=10, eps=1e-5)
        result = method(problem, theta, steps=10)
        np.testing.assert_allclose(result.gradient, reference.gradient, rtol=1e-5, atol=1e-10)
        assert result.value == pytest.approx(reference.value)


def test_reverse_and_forward_mode_agree_to_rounding(mlp):
    theta = np.log([1e-2, 1.0])
    np.testing.assert_allclose(reverse_mode(mlp, theta).gradient, forward_mode(mlp, theta).gradient, rtol=1e-9)


def test_truncation_backpropagates_through_the_last_steps_only(mlp):
    theta = np.log([1e-3, 0.5])
    truncated = reverse_mode(mlp, theta, steps=10, truncate=3)
    by_hand = reverse_mode(mlp, theta, steps=3, w0=mlp.train(theta, 7))
    np.testing.assert_allclose(truncated.gradient, by_hand.gradient, rtol=1e-12)
    assert not np.allclose(truncated.gradient, reverse_mode(mlp, theta, steps=10).gradient, rtol=1e-3)
    assert truncated.stored_bytes < reverse_mode(mlp, theta, steps=10).stored_bytes


def test_reverse_mode_memory_grows_with_the_horizon_and_forward_mode_does_not(mlp):
    theta = np.log([1e-3, 0.5])
    reverse = [reverse_mode(mlp, theta, steps=t).stored_bytes for t in (4, 10, 16)]
    forward = [forward_mode(mlp, theta, steps=t).stored_bytes for t in (4, 10, 16)]
    # The same bytes per step (the step's activations), beyond what is kept once (the data).
    assert reverse[2] - reverse[1] == pytest.approx(reverse[1] - reverse[0], rel=1e-4)
    assert reverse[1] - reverse[0] > 10 * mlp.n_weights * 8
    assert forward[0] == forward[1] == forward[2] == (mlp.n_weights * (mlp.n_hyper + 1)) * 8


def test_a_horizon_reverse_mode_cannot_hold_is_refused_as_mode_costs_was_given_it(mlp):
    # Review r397: reverse_mode's error named its own `steps`, or a `truncate` clamped to 9000 when
    # 10000 was typed.
    theta = np.log([1e-3, 0.5])
    for truncate in (None, 10_000):
        with pytest.raises(InvalidParameterError, match=re.escape(
                "`horizons` of mode_costs must be a number of steps whose backward pass fits in memory; got 9000.")):
            mode_costs(mlp, theta, horizons=[9000], truncate=truncate)


def test_mode_costs_truncated_stops_reverse_memory_growing_and_reports_the_drift(mlp):
    """``mode_costs(..., truncate=K)`` (notebook 10's exercise 2: the call had no such argument)
    backpropagates through the last K steps of each horizon, all of a shorter one: the memory
    stops growing at K and the hypergradient is the truncated one, next to forward mode's full."""
    theta = np.log([1e-3, 0.5])
    full, cut = mode_costs(mlp, theta, horizons=[2, 4, 8]), mode_costs(mlp, theta, horizons=[2, 4, 8], truncate=4)
    bytes_cut, bytes_full = cut.stored_bytes["reverse"], full.stored_bytes["reverse"]
    assert bytes_cut[0] == pytest.approx(bytes_full[0], rel=1e-4)  # T = 2 < K: the whole run
    assert bytes_cut[1] == pytest.approx(bytes_cut[2], rel=1e-4)
    assert bytes_cut[2] - bytes_cut[0] < (bytes_full[2] - bytes_full[0]) / 2
    np.testing.assert_array_equal(cut.stored_bytes["forward"], full.stored_bytes["forward"])
    assert cut.gradients["reverse"].shape == (3, mlp.n_hyper)
    np.testing.assert_allclose(full.gradients["reverse"], full.gradients["forward"], rtol=1e-9)
    np.testing.assert_allclose(cut.gradients["reverse"][2], reverse_mode(mlp, theta, 8, truncate=4).gradient,
                               rtol=1e-12)
    assert not np.allclose(cut.gradients["reverse"][2], full.gradients["forward"][2], rtol=1e-3)


@pytest.mark.parametrize("dataset, per_feature", [("breast_cancer", False), ("digits", True)])
def test_logistic_hessian_in_closed_form_is_autograd_s(dataset, per_feature):
    import torch

    problem = LogisticProblem(dataset, per_feature=per_feature)
    theta = torch.as_tensor(np.linspace(-9, 1, problem.n_hyper))
    w = 0.1 * torch.randn(problem.n_weights, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    by_autograd = torch.func.hessian(lambda u: problem.inner_loss(u, theta))(w)
    np.testing.assert_allclose(problem.hessian(w, theta).numpy(), by_autograd.numpy(), rtol=0, atol=1e-12)


def test_logistic_newton_solve_converges_where_lbfgs_stalls():
    import torch

    from interactive_hpo.gradient import BilevelProblem

    problem = LogisticProblem("digits", per_feature=True)
    # Penalties spread over the whole range (1e-5 to 10): an ill-conditioned Hessian.
    theta = np.random.default_rng(0).uniform(np.log(1e-5), np.log(10), problem.n_hyper)
    gradient = torch.func.grad(problem.inner_loss)
    newton = problem.solve(theta)
    assert float(gradient(newton, torch.as_tensor(theta)).abs().max()) < 1e-10
    lbfgs = BilevelProblem.solve(problem, theta)
    assert float(gradient(lbfgs, torch.as_tensor(theta)).abs().max()) > 1e-6  # its 1000 iterations were not enough
    # Where L-BFGS does converge (one moderate penalty, to a gradient of 1e-8), both find the same
    # minimizer to L-BFGS's accuracy; a warm start finds Newton's to rounding.
    easy = theta_of(problem, 1e-2)
    by_newton, by_lbfgs = problem.solve(easy), BilevelProblem.solve(problem, easy)
    np.testing.assert_allclose(by_newton.numpy(), by_lbfgs.numpy(), atol=1e-4)
    assert float(problem.outer_loss(by_newton)) == pytest.approx(float(problem.outer_loss(by_lbfgs)), abs=1e-8)
    np.testing.assert_allclose(problem.solve(easy, w0=newton).numpy(), by_newton.numpy(), atol=1e-9)


@pytest.mark.filterwarnings("ignore::interactive_hpo.gradient.ConvergenceWarning")  # the counts are meant short
def test_newton_stops_once_float64_cannot_tell_a_decrease(monkeypatch):
    """With the gradient tolerance out of reach (as the gradient's rounding floor put it at one
    step of notebook 10's descent: 1.7e-11), Newton ran all its 50 steps, each a line search on
    rounding noise (1.3 s there); the Newton decrement ends it where float64 can tell no decrease."""
    problem = LogisticProblem("breast_cancer", per_feature=True)
    theta = np.random.default_rng(0).uniform(np.log(problem.low), np.log(problem.high))
    reference = problem.solve(theta)
    monkeypatch.setattr(problem, "_GRADIENT_TOLERANCE", 0.0)
    hessians = []
    hessian = problem.hessian
    monkeypatch.setattr(problem, "hessian", lambda w, t: hessians.append(1) or hessian(w, t))
    w = problem.solve(theta)
    assert len(hessians) <= 20  # before: 50
    assert torch.linalg.vector_norm(w - reference) <= 1e-8 * torch.linalg.vector_norm(reference)


def test_newton_takes_its_last_full_step_when_it_stops_on_the_decrement():
    """Stopped on the decrement one full step short, the gradient was left at 4.6e-10 to 7e-9
    (breast_cancer and digits, at a bound and at random thetas), where that step reaches 1e-15 (r476)."""
    problem = LogisticProblem("breast_cancer", per_feature=True)
    theta = np.log(problem.high)
    w = problem.solve(theta)
    gradient = torch.func.grad(problem.inner_loss)(w, torch.as_tensor(theta))
    assert float(gradient.abs().max()) <= problem._GRADIENT_TOLERANCE


def test_implicit_error_shrinks_as_its_iterations_grow(logistic):
    theta = theta_of(logistic, 1e-3)
    w = logistic.solve(theta)
    exact = implicit(logistic, theta, iterations=500, w=w).gradient
    # Neumann terms cost one Hessian-vector product each (7 ms here): 300 show the decline as 1000 did.
    for solver, iterations in (("cg", (1, 2, 8, 32)), ("neumann", (1, 10, 100, 300))):
        # Plain conjugate gradient: preconditioned with the exact Hessian, it is done after one step.
        errors = [np.linalg.norm(implicit(logistic, theta, solver=solver, iterations=k, w=w,
                                          precondition=False).gradient - exact) for k in iterations]
        assert all(a > b for a, b in zip(errors, errors[1:], strict=False)), (solver, errors)
    # From k = 0 (implicit takes 1 on: 0 conjugate-gradient steps are the zero vector), through the error study.
    assert implicit_errors(logistic, theta, iterations=[0], solvers="cg")["cg"].tolist() == [1.0]


def test_dispatch_and_the_value_are_the_validation_loss(ridge):
    theta = theta_of(ridge, 0.1)
    result = hypergradient(ridge, theta, "exact")
    assert result.method == "exact" and result.gradient.shape == (ridge.n_hyper,)
    assert result.value == pytest.approx(float(ridge.outer_loss(ridge.solve(theta))))
    assert result.value != pytest.approx(float(ridge.outer_loss(ridge.solve(theta), "test")))


def test_hypergradient_picks_the_method_that_fits_the_problem_by_default(mlp, logistic):
    """As BilevelObjective does: reverse mode when a hyperparameter acts through training (a learning
    rate), implicit differentiation otherwise. The default was "implicit" for every problem, so
    ``hypergradient(MLPProblem(), theta)`` refused the method nobody had asked for."""
    theta = np.log([1e-3, 0.5])
    result = hypergradient(mlp, theta)
    assert result.method == "reverse"
    np.testing.assert_array_equal(result.gradient, reverse_mode(mlp, theta).gradient)
    assert hypergradient(logistic, [0.0]).method == "implicit-cg"


def test_training_dynamics_hyperparameters_have_no_implicit_hypergradient(mlp):
    theta = np.log([1e-3, 0.5])
    with pytest.raises(ValueError, match=r"\['learning_rate'\] act through the training dynamics"):
        implicit(mlp, theta)
    # Given the trained weights, it returned the learning rate's hypergradient as -0.0 (review r203 #6).
    w = mlp.train(theta)
    with pytest.raises(ValueError, match=r"\['learning_rate'\] act through the training dynamics"):
        implicit(mlp, theta, w=w)
    with pytest.raises(ValueError, match=r"`method` of hypergradient must be 'reverse' or 'forward' for this problem"):
        hypergradient(mlp, theta, "implicit", w=w)


def test_splits_are_disjoint_standardized_and_seeded():
    problem = RidgeProblem(seed=3)
    split = problem.split
    assert len(split.X_train) == 221 and len(split.X_val) == 110 and len(split.X_test) == 111
    np.testing.assert_allclose(split.X_train.mean(0).numpy(), 0, atol=1e-12)
    assert not np.allclose(RidgeProblem(seed=4).split.y_val.numpy()[:5], split.y_val.numpy()[:5])
    assert LogisticProblem("digits").n_weights == 65 * 10 and LogisticProblem().n_weights == 31


def test_weights_may_be_given_as_arrays_as_well_as_tensors(mlp, logistic):
    theta = np.log([1e-3, 0.5])
    start = mlp.train(theta, 7)
    kept = start.clone()
    for method in (reverse_mode, forward_mode):
        by_tensor = method(mlp, theta, steps=3, w0=start)
        for given in (start.numpy(), start.tolist()):
            np.testing.assert_array_equal(method(mlp, theta, steps=3, w0=given).gradient, by_tensor.gradient)
    assert torch.equal(start, kept)  # a warm start is copied, never trained in place
    minimizer = logistic.solve(theta_of(logistic, 1e-2))
    np.testing.assert_array_equal(implicit(logistic, theta_of(logistic, 1e-2), w=minimizer.numpy()).gradient,
                                  implicit(logistic, theta_of(logistic, 1e-2), w=minimizer).gradient)


@pytest.mark.parametrize("at", ["low", "high"])
def test_hypergradients_are_defined_at_the_bounds(at):
    problem = RidgeProblem()
    theta = np.log(getattr(problem, at))  # finite differences step just outside: still allowed
    reference = finite_differences(problem, theta, eps=1e-5).gradient
    np.testing.assert_allclose(exact_ridge(problem, theta).gradient, reference, rtol=1e-5, atol=1e-12)
    assert np.all(np.isfinite(reverse_mode(problem, theta, steps=20).gradient))


def test_implicit_works_inside_the_caller_s_no_grad_and_inference_mode(logistic):
    # Its Hessian-vector products are backward passes: inside torch.inference_mode() they failed
    # ("element 0 of tensors does not require grad"), where the forward-over-reverse products had worked.
    theta = theta_of(logistic, 1e-2)
    expected = implicit(logistic, theta).gradient
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            np.testing.assert_allclose(implicit(logistic, theta).gradient, expected, rtol=1e-12)
