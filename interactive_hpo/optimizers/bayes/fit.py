"""Fitting a GP's hyperparameters by maximum a posteriori, in NumPy with a closed-form gradient.

BoTorch's ``fit_gpytorch_mll`` evaluates the marginal likelihood through GPyTorch's lazy
linear operators: 2.5 ms per evaluation at n = 10 (a warm fit needs about 10), most of it
overhead. Here the same objective, the exact marginal log likelihood of the standardized
targets plus the log priors, divided by n (what ``ExactMarginalLogLikelihood`` maximizes), is
computed from one kernel matrix and one Cholesky factor, and L-BFGS-B moves the log
lengthscales, the constant mean and the log noise. The gradient is written out rather than
taken by torch's autograd, whose backward pass alone cost 0.4 ms per evaluation at n = 10
(a third of a proposal's time on a 6-D space; issue 23 asks for proposals no slower than
Optuna's GPSampler). The optimum is written back into the BoTorch model, which everything else
keeps using.

With ``K = k(r^2) + noise I``, ``a = K^-1 (y - c)`` and ``W = (a a^T - K^-1) / 2``, the
log likelihood's derivatives are ``sum(W * dK/dt)`` for each hyperparameter ``t``:
``dK/d log l_j = -2 k'(r^2) D_j / l_j^2`` (``D_j`` the squared differences along coordinate
``j``; 0 or 1 on a categorical one), ``dK/d log noise = noise I``, and ``d/dc = sum(a)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from scipy.optimize import minimize
from scipy.special import gammaln

from .kernel import DTYPE, formula, squared_differences, torch, values_and_slope
from .prior_mean import WEIGHT_PRIOR_SD, TransferMean

__all__ = ["fit_map", "map_objective"]

#: Jitter added to the kernel matrix's diagonal when it does not factor as it is.
JITTER = 1e-6

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, float]]


def map_objective(model: Any) -> tuple[Objective, np.ndarray, list[tuple[float | None, float | None]]]:
    """The negative log posterior of ``model``'s hyperparameters, where it stands, and bounds.

    ``model`` is a BoTorch ``SingleTaskGP`` built by ``bayes.model.build_gp``: a constant mean,
    one lengthscale per coordinate (a lower bound and a Gamma prior), and either a learned
    homoscedastic noise (a lower bound and a log-normal prior) or a fixed one; a warm-started
    GP's mean also has one weight per source (``bayes.prior_mean``, a normal prior on each).

    Returns ``objective(theta) -> (loss, gradient, score)`` over ``theta`` of shape (d + 1,)
    (log lengthscales, the constant mean) or (d + 2,) (and the log noise), followed by the s
    source weights if any; the model's current ``theta``; and L-BFGS-B's bounds. ``loss`` is
    minus the log posterior per observation; ``score`` the log marginal likelihood plus the
    lengthscales' log prior, per observation: what ``auto`` noise compares between a fixed and
    a learned noise (the noise's own and the weights' priors left out, since the fixed model
    has no noise prior and both have the same weights prior).
    """
    kernel, likelihood = model.covar_module, model.likelihood
    X = model.train_inputs[0].detach().numpy()
    y = model.train_targets.detach().numpy()
    n, d = X.shape
    found = formula(kernel, d)
    if found is None:
        raise ValueError(f"no closed form here for {type(kernel).__name__} (Matern-5/2 or RBF only)")
    categorical, kind = found[0].numpy(), found[1]
    squares = squared_differences(X, X, categorical)  # (n, n, d), fixed while the lengthscales move
    prior = kernel.lengthscale_prior
    shape = np.broadcast_to(prior.concentration.detach().numpy(), (d,))
    rate = np.broadcast_to(prior.rate.detach().numpy(), (d,))
    prior_constant = float(np.sum(shape * np.log(rate) - gammaln(shape)))
    learned = hasattr(likelihood, "noise_covar") and hasattr(likelihood.noise_covar, "raw_noise")
    noise_vector = likelihood.noise.detach().numpy().reshape(-1)  # per point if fixed
    low_lengthscale = float(kernel.raw_lengthscale_constraint.lower_bound)
    start = [np.log(kernel.lengthscale.detach().numpy().reshape(-1)), [float(model.mean_module.constant.detach())]]
    bounds: list[tuple[float | None, float | None]] = [(math.log(low_lengthscale), None)] * d + [(None, None)]
    if learned:
        noise_prior = likelihood.noise_covar.noise_prior  # log-normal on the noise variance
        noise_loc, noise_sd = float(noise_prior.loc), float(noise_prior.scale)
        start.append(np.log(noise_vector[:1]))
        bounds.append((math.log(float(likelihood.noise_covar.raw_noise_constraint.lower_bound)), None))
    # The prior mean c + design @ w: a constant, or warm-start sources' means with weights w.
    transfer = model.mean_module if isinstance(model.mean_module, TransferMean) else None
    design = np.zeros((n, 0)) if transfer is None else transfer.sources.values(X)  # (n, s)
    first_weight = len(bounds)
    if transfer is not None:
        prior_weights = transfer.sources.prior_weights
        start.append(transfer.weights)
        bounds += [(None, None)] * len(prior_weights)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray, float]:
        log_lengthscale, constant = theta[:d], theta[d]
        inverse_squared = np.exp(-2.0 * log_lengthscale)
        values, slope = values_and_slope(squares @ inverse_squared, kind)
        noise = np.exp(theta[d + 1]) if learned else noise_vector
        K = values + np.diag(np.broadcast_to(noise, (n,)))
        try:
            factor = cho_factor(K, lower=True, check_finite=False)
        except LinAlgError:
            factor = cho_factor(K + JITTER * np.eye(n), lower=True, check_finite=False)
        source_weights = theta[first_weight:]
        residual = y - constant - design @ source_weights
        alpha = cho_solve(factor, residual, check_finite=False)
        log_likelihood = (-0.5 * residual @ alpha - np.log(np.diagonal(factor[0])).sum()
                          - 0.5 * n * math.log(2 * math.pi))
        lengthscale = np.exp(log_lengthscale)
        log_prior = prior_constant + float(np.sum((shape - 1.0) * log_lengthscale - rate * lengthscale))
        weights = 0.5 * (np.outer(alpha, alpha) - cho_solve(factor, np.eye(n), check_finite=False))
        gradient = np.empty_like(theta)
        gradient[:d] = -2.0 * inverse_squared * np.einsum("ab,abj->j", weights * slope, squares) \
            + (shape - 1.0) - rate * lengthscale
        gradient[d] = alpha.sum()
        score = (log_likelihood + log_prior) / n
        if len(source_weights):
            standard_weights = (source_weights - prior_weights) / WEIGHT_PRIOR_SD
            log_prior -= 0.5 * float(standard_weights @ standard_weights) + \
                len(source_weights) * (math.log(WEIGHT_PRIOR_SD) + 0.5 * math.log(2 * math.pi))
            gradient[first_weight:] = design.T @ alpha - standard_weights / WEIGHT_PRIOR_SD
        if learned:
            standard = (theta[d + 1] - noise_loc) / noise_sd
            log_prior += (-theta[d + 1] - math.log(noise_sd) - 0.5 * math.log(2 * math.pi) - 0.5 * standard**2)
            gradient[d + 1] = noise * np.trace(weights) - 1.0 - standard / noise_sd
        return -(log_likelihood + log_prior) / n, -gradient / n, score

    return objective, np.concatenate(start), bounds


def fit_map(model: Any, options: Mapping[str, float]) -> float:
    """Move ``model``'s hyperparameters (in place) to the maximum of the log posterior.

    ``options`` are L-BFGS-B's (``maxiter``, ``ftol``). Returns :func:`map_objective`'s score
    at the optimum. Raises ``FloatingPointError`` if the optimum is not finite.
    """
    objective, x0, bounds = map_objective(model)
    result = minimize(lambda theta: objective(theta)[:2], x0, jac=True, method="L-BFGS-B", bounds=bounds,
                      options=dict(options))
    if not np.all(np.isfinite(result.x)):
        raise FloatingPointError("the fit produced non-finite hyperparameters")
    d = model.train_inputs[0].shape[-1]
    kernel, likelihood = model.covar_module, model.likelihood
    with torch.no_grad():
        lengthscale = torch.tensor(np.exp(result.x[:d]), dtype=DTYPE)
        kernel.raw_lengthscale.copy_(lengthscale.reshape(kernel.raw_lengthscale.shape))
        model.mean_module.raw_constant.fill_(float(result.x[d]))
        if hasattr(likelihood.noise_covar, "raw_noise"):
            likelihood.noise_covar.raw_noise.fill_(float(np.exp(result.x[d + 1])))
        if isinstance(model.mean_module, TransferMean):
            model.mean_module.raw_weights.copy_(torch.as_tensor(result.x[-len(model.mean_module.weights):]))
    return objective(result.x)[2]
