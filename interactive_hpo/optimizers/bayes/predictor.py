"""Fast predictions of a fitted GP: per-point mean and variance, and their gradients.

:class:`Predictor` answers what plots and the closed-form acquisitions ask of a GP many times
a proposal, from one Cholesky factor of the training covariance, without GPyTorch's joint
posterior (see its docstring for the measured costs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.linalg import blas

from .kernel import formula, kernel_block, squared_differences, values_and_slope
from .model import DTYPE, torch
from .prior_mean import TransferMean

__all__ = ["Predictor"]


class Predictor:
    """Per-point posterior mean and variance from one cached Cholesky factor.

    Asking a GPyTorch model for the posterior of m points builds their joint (m x m) covariance;
    a plot needs only the diagonal. Here ``K(X, X) + noise = L L^T`` is factored once and
    ``L^-1`` kept, so each batch of points costs one kernel block ``K(G, X)`` and one triangular
    product ``L^-1 K(X, G)`` (DESIGN.md section 9; BLAS trmm took 14 ms for 10^4 points at
    n = 205 where the triangular solve took 21-32 ms, one thread).
    The same computation, differentiable in the points, is what the closed-form acquisitions
    are optimized on (:meth:`latent`): it skips GPyTorch's posterior machinery, which cost
    3-5 ms per call at n = 100 whatever the number of points.
    Mean and variance are in *standardized utility* units; ``shift + scale * value`` converts
    a mean to utilities (BoTorch's ``Standardize``), ``scale**2 * variance`` a variance.
    """

    def __init__(self, model: Any):
        self.model = model
        train_X = model.train_inputs[0]
        with torch.no_grad():
            K = model.covar_module(train_X).to_dense()
            noise = model.likelihood.noise.detach().reshape(-1)  # one value, or one per point if fixed
            self.noise = float(noise.mean())
            K = K + torch.diag(noise.expand(K.shape[0]))
            chol = _cholesky(K)
            self.inverse_chol = torch.linalg.solve_triangular(chol, torch.eye(len(K), dtype=DTYPE), upper=False)
            self.constant = model.mean_module.constant.detach().reshape(-1)[0]
            residual = (model.train_targets - model.mean_module(train_X)).reshape(-1, 1)
            self.alpha = torch.cholesky_solve(residual, chol)
        # A warm-started GP's mean follows its sources': c + sum_j w_j mu_j(x) (bayes.prior_mean).
        self._transfer = model.mean_module if isinstance(model.mean_module, TransferMean) else None
        transform = model.outcome_transform
        # The same factor in NumPy, for latent_with_gradient.
        found = formula(model.covar_module, train_X.shape[-1])
        self._formula = None if found is None else (found[0].numpy(), found[1])
        self._lengthscale = model.covar_module.lengthscale.detach().numpy().reshape(-1)
        self._train_X = train_X.detach().numpy()
        self._inverse_chol = self.inverse_chol.numpy()
        self._alpha = self.alpha.numpy().reshape(-1)
        self._constant = float(self.constant)
        self.shift = float(transform.means.reshape(-1)[0])
        self.scale = float(transform.stdvs.reshape(-1)[0])

    def __call__(self, G: np.ndarray, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and latent variance at points ``G`` of shape (m, d): two arrays of shape (m,).

        Points go through in chunks of about 64k kernel entries (512 KB): the work is
        elementwise and memory-bound, and blocks that stay in cache ran 2x faster here at
        n = 200-500 than one big block (DESIGN.md section 9 has the budget: 50 ms per 10^4 points).
        """
        points = torch.tensor(np.asarray(G, dtype=float), dtype=DTYPE)
        if not len(points):  # no points, no values (np.concatenate of nothing raised)
            return np.empty(0), np.empty(0)
        chunk = chunk or max(64, 65536 // len(self.alpha))
        inverse = np.asfortranarray(self.inverse_chol.numpy())  # BLAS's layout, converted once
        means, variances = [], []
        with torch.no_grad():
            for start in range(0, len(points), chunk):
                cross, prior = self._kernel(points[start:start + chunk])
                means.append((self._prior_mean(points[start:start + chunk]) + (cross @ self.alpha).reshape(-1)).numpy())
                # What latent() computes, through BLAS trmm: torch has no triangular product,
                # and its general one costs twice as much. cross.T is Fortran-ordered: no copy.
                v = blas.dtrmm(1.0, inverse, cross.numpy().T, lower=1, overwrite_b=1)
                variances.append(np.maximum(prior.numpy() - np.einsum("ij,ij->j", v, v), 0.0))
        return np.concatenate(means), np.concatenate(variances)

    def latent(self, points: Any) -> tuple[Any, Any]:
        """Mean and latent variance at a tensor of points of shape (m, d): two tensors of shape (m,),
        differentiable with respect to ``points``."""
        cross, prior = self._kernel(points)
        v = cross @ self.inverse_chol.T  # row i: L^-1 k(x_i, X)
        mean = self._prior_mean(points) + (cross @ self.alpha).reshape(-1)
        return mean, (prior - (v * v).sum(-1)).clamp_min(0.0)

    def _prior_mean(self, points: Any) -> Any:
        """The GP's mean before data at a tensor of points of shape (m, d): shape (m,) (or the
        constant, which broadcasts)."""
        return self.constant if self._transfer is None else self._transfer(points).reshape(-1)

    def latent_with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, ...] | None:
        """Mean and latent variance at points of shape (m, d), two arrays of shape (m,), and
        their gradients with respect to the points, shape (m, d) each, in closed form and in
        NumPy: the acquisition search calls this for a handful of points some 300 times a
        proposal, where torch's per-operation overhead (and, before, a backward pass through
        :meth:`latent`) cost more than the arithmetic. None for kernels without a closed form here.

        With ``k = K(x, X)``, ``a = K^-1 (y - c)`` and ``w = K^-1 k``: ``dmean/dx = dk/dx . a`` and
        ``dvar/dx = -2 dk/dx . w``, where ``dk_i/dx_j = slope_i * scale_j * (x_j - X_ij)``.
        """
        if self._formula is None:
            return None
        categorical, kind = self._formula
        inverse_squared = 1.0 / self._lengthscale**2
        cross, slope = values_and_slope(squared_differences(points, self._train_X, categorical) @ inverse_squared, kind)
        scale = np.where(categorical, 0.0, 2.0 * inverse_squared)
        v = cross @ self._inverse_chol.T
        w = v @ self._inverse_chol  # K^-1 k, row by row
        mean = self._constant + cross @ self._alpha
        variance = 1.0 - (v * v).sum(-1)

        def gradient(weights: np.ndarray) -> np.ndarray:  # sum_i slope_i * weights_i * scale * (x - X_i)
            products = slope * weights
            return scale * (points * products.sum(-1, keepdims=True) - products @ self._train_X)

        mean_gradient = gradient(self._alpha.reshape(1, -1))
        if self._transfer is not None:  # plus sum_j w_j mu_j(x) and its gradient
            found = self._transfer.sources.with_gradient(points)
            if found is None:
                return None
            weights = self._transfer.weights
            mean = mean + found[0] @ weights
            mean_gradient = mean_gradient + np.einsum("msd,s->md", found[1], weights)
        return mean, np.maximum(variance, 0.0), mean_gradient, \
            np.where((variance > 0.0)[:, None], -2.0 * gradient(w), 0.0)

    def _kernel(self, block: Any) -> tuple[Any, Any]:
        """``K(block, X)`` of shape (b, n) and the prior variances ``k(g, g)`` of shape (b,)."""
        kernel, train_X = self.model.covar_module, self.model.train_inputs[0]
        direct = kernel_block(kernel, block, train_X)
        if direct is not None:
            return direct
        return kernel(block, train_X).to_dense(), kernel(block, diag=True)


def _cholesky(K: Any) -> Any:
    """Cholesky with growing jitter, as GPyTorch does, so a near-singular K still factors."""
    jitter = 0.0
    for _ in range(6):
        factor, info = torch.linalg.cholesky_ex(K + jitter * torch.eye(len(K), dtype=DTYPE))
        if int(info) == 0:
            return factor
        jitter = 1e-8 if jitter == 0.0 else jitter * 10
    raise FloatingPointError("the kernel matrix is not positive definite even with jitter 1e-3")
