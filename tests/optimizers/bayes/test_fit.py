"""The MAP fit's objective: the same number GPyTorch's marginal likelihood gives, and a gradient
that matches finite differences, for every kernel and noise model the optimizer builds."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("botorch")

from gpytorch.mlls import ExactMarginalLogLikelihood  # noqa: E402

from interactive_hpo.optimizers.bayes.fit import fit_map, map_objective  # noqa: E402
from interactive_hpo.optimizers.bayes.model import build_gp  # noqa: E402

CASES = [([], "matern", "learned"), ([], "rbf", "fixed"), ([2], "matern", "fixed"), ([2], "rbf", "learned")]


def _model(cat_dims, kernel, noise, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((12, 3))
    if cat_dims:
        X[:, 2] = rng.choice([1 / 6, 1 / 2, 5 / 6], 12)
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 + (X[:, 2] > 0.4) + 0.05 * rng.standard_normal(12)
    model = build_gp(X, y, cat_dims, kernel, noise)
    with torch.no_grad():  # somewhere other than the prior's mode, so every term counts
        model.covar_module.lengthscale = torch.tensor([0.3, 0.7, 0.5], dtype=torch.float64)
        model.mean_module.constant.fill_(0.2)
    return model


@pytest.mark.parametrize(("cat_dims", "kernel", "noise"), CASES)
def test_objective_is_gpytorchs_marginal_likelihood_with_its_priors(cat_dims, kernel, noise):
    model = _model(cat_dims, kernel, noise)
    objective, theta, _ = map_objective(model)
    model.train()
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    X, y = model.train_inputs[0], model.train_targets
    with torch.no_grad():
        expected = -float(mll(model(X), y))  # log p(y) plus every log prior, over n, negated
    assert objective(theta)[0] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("cat_dims", "kernel", "noise"), CASES)
def test_gradient_matches_finite_differences(cat_dims, kernel, noise):
    objective, theta, _ = map_objective(_model(cat_dims, kernel, noise))
    _, gradient, _ = objective(theta)
    step = 1e-6
    numeric = [(objective(theta + step * e)[0] - objective(theta - step * e)[0]) / (2 * step)
               for e in np.eye(len(theta))]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-8)


def test_fit_moves_the_model_to_a_stationary_point_and_returns_its_score():
    model = _model([], "matern", "learned")
    score = fit_map(model, {"maxiter": 200})
    objective, theta, _ = map_objective(model)
    loss, gradient, at_optimum = objective(theta)
    assert np.abs(gradient).max() < 1e-3
    assert at_optimum == pytest.approx(score)


def _warm_started_model(noise):
    """A GP whose mean follows one warm-start source (bayes.prior_mean), weight off its prior."""
    from interactive_hpo.optimizers.bayes.transfer import source_means
    from interactive_hpo.optimizers.warm_start import Source

    rng = np.random.default_rng(1)
    X_source = rng.random((20, 3))
    sources = source_means([Source("s", X_source, np.sin(6 * X_source[:, 0]))], [], "matern")
    plain = _model([], "matern", noise)
    model = build_gp(plain.train_inputs[0].numpy(), plain.train_targets.numpy(), [], "matern", noise, sources)
    with torch.no_grad():
        model.covar_module.lengthscale = torch.tensor([0.3, 0.7, 0.5], dtype=torch.float64)
        model.mean_module.raw_constant.fill_(0.2)
        model.mean_module.raw_weights.fill_(0.4)
    return model


@pytest.mark.parametrize("noise", ["fixed", "learned"])
def test_warm_started_objective_and_gradient_count_the_source_weights(noise):
    model = _warm_started_model(noise)
    objective, theta, _ = map_objective(model)
    assert len(theta) == 3 + 1 + (noise == "learned") + 1 and theta[-1] == pytest.approx(0.4)
    model.train()
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    with torch.no_grad():
        expected = -float(mll(model(model.train_inputs[0]), model.train_targets))
    assert objective(theta)[0] == pytest.approx(expected, rel=1e-9)
    step = 1e-6
    numeric = [(objective(theta + step * e)[0] - objective(theta - step * e)[0]) / (2 * step)
               for e in np.eye(len(theta))]
    np.testing.assert_allclose(objective(theta)[1], numeric, rtol=1e-5, atol=1e-8)
    fit_map(model, {"maxiter": 200})
    assert model.mean_module.weights[0] != pytest.approx(0.4)  # the fit moved the weight too
