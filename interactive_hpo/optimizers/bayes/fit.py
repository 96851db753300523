"""Fitting a GP's hyperparameters by maximum a posteriori, without GPyTorch's machinery.

BoTorch's ``fit_gpytorch_mll`` evaluates the marginal likelihood through GPyTorch's lazy
linear operators: 2.5 ms per evaluation at n = 10 (a warm fit needs about 10), most of it
overhead, which made the fit a third of a proposal's time (issue 23 asks for proposals no
slower than Optuna's GPSampler, which fits its own GP directly). Here the same objective, the
exact marginal log likelihood of the standardized targets plus the log priors, divided by n
(what ``ExactMarginalLogLikelihood`` maximizes), is computed from one kernel matrix and one
Cholesky factor, and L-BFGS-B moves the log lengthscales, the constant mean and the log noise.
The optimum is written back into the BoTorch model, which everything else keeps using.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.optimize import minimize

from .kernel import DTYPE, covariance, torch

__all__ = ["fit_map"]


def fit_map(model: Any, options: Mapping[str, float]) -> float:
    """Move ``model``'s hyperparameters (in place) to the maximum of the log posterior.

    ``model`` is a BoTorch ``SingleTaskGP`` built by ``bayes.model.build_gp``: a constant mean,
    one lengthscale per coordinate (a lower bound and a Gamma prior), and either a learned
    homoscedastic noise (a lower bound and a prior) or a fixed one. ``options`` are L-BFGS-B's
    (``maxiter``, ``ftol``). Returns the log marginal likelihood plus the lengthscales' log
    prior, per observation, at the optimum: what ``auto`` noise compares between a fixed and a
    learned noise (the noise's own prior left out, since the fixed model has none). Raises
    ``FloatingPointError`` if the optimum is not finite.
    """
    kernel, likelihood = model.covar_module, model.likelihood
    X, y = model.train_inputs[0].detach(), model.train_targets.detach()
    n, d = X.shape
    learned = hasattr(likelihood, "noise_covar") and hasattr(likelihood.noise_covar, "raw_noise")
    fixed_noise: Any = None if learned else likelihood.noise.detach().reshape(-1)
    low_lengthscale = float(kernel.raw_lengthscale_constraint.lower_bound)
    start = [np.log(kernel.lengthscale.detach().numpy().reshape(-1)), [float(model.mean_module.constant.detach())]]
    bounds = [(math.log(low_lengthscale), None)] * d + [(None, None)]
    if learned:
        start.append(np.log(likelihood.noise.detach().numpy().reshape(-1)[:1]))
        bounds.append((math.log(float(likelihood.noise_covar.raw_noise_constraint.lower_bound)), None))
    x0 = np.concatenate(start)
    compared = [math.nan]  # the score to return, at the last point evaluated

    def negative_log_posterior(theta: np.ndarray) -> tuple[float, np.ndarray]:
        t = torch.tensor(theta, dtype=DTYPE, requires_grad=True)
        lengthscale = t[:d].exp()
        noise: Any = t[d + 1].exp() if learned else fixed_noise
        K = covariance(kernel, lengthscale, X, X) + torch.diag(noise.expand(n))
        factor, info = torch.linalg.cholesky_ex(K)
        if int(info) != 0:
            factor = torch.linalg.cholesky(K + 1e-6 * torch.eye(n, dtype=DTYPE))
        residual = torch.linalg.solve_triangular(factor, (y - t[d]).reshape(-1, 1), upper=False).reshape(-1)
        log_likelihood = -0.5 * residual @ residual - factor.diagonal().log().sum() - 0.5 * n * math.log(2 * math.pi)
        log_prior = kernel.lengthscale_prior.log_prob(lengthscale).sum()
        compared[0] = float((log_likelihood + log_prior).detach()) / n
        if learned:
            log_prior = log_prior + likelihood.noise_covar.noise_prior.log_prob(noise.reshape(1)).sum()
        loss = -(log_likelihood + log_prior) / n
        loss.backward()
        return float(loss.detach()), t.grad.numpy()  # type: ignore[union-attr]

    result = minimize(negative_log_posterior, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=dict(options))
    if not np.all(np.isfinite(result.x)):
        raise FloatingPointError("the fit produced non-finite hyperparameters")
    with torch.no_grad():
        lengthscale = torch.tensor(np.exp(result.x[:d]), dtype=DTYPE)
        kernel.raw_lengthscale.copy_(lengthscale.reshape(kernel.raw_lengthscale.shape))
        model.mean_module.raw_constant.fill_(float(result.x[d]))
        if learned:
            likelihood.noise_covar.raw_noise.fill_(float(np.exp(result.x[d + 1])))
    negative_log_posterior(result.x)  # the score at the optimum itself
    return compared[0]
