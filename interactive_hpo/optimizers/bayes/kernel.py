"""One kernel over numeric and categorical coordinates: Matern-5/2 (or RBF) of a distance in
which two categories are one unit apart, scaled by their own lengthscale.

BoTorch's ``MixedSingleTaskGP`` adds and multiplies a numeric kernel and a separate categorical
kernel whose lengthscales have no prior. On issue 23's mixed space the categorical lengthscale
collapsed to 1e-6 after a dozen trials: categories became unrelated, nothing learnt in one
transferred to another, and a run stayed in the wrong category for 35 of 35 model-based trials
(benchmarks/README.md, "Category lock-in"). Here a category is one more coordinate of a single
ARD distance (the Hamming distance, as Optuna's GPSampler uses)::

    r^2 = sum_numeric ((x_i - y_i) / l_i)^2 + sum_categorical [x_i != y_i] / l_i^2

so what the GP learns about the numeric coordinates is shared across categories in proportion
to ``k(1 / l_c)``, and the categorical lengthscales carry a prior that keeps that share from
vanishing on a handful of points (:data:`CATEGORICAL_PRIOR`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._validation import import_optional

torch = import_optional("torch", "bo", "Bayesian optimization")
import_optional("botorch", "bo", "Bayesian optimization")

from gpytorch.kernels import Kernel, MaternKernel, RBFKernel  # noqa: E402

DTYPE = torch.float64

__all__ = ["HammingKernel", "formula", "kernel_block", "squared_differences", "values_and_slope"]


def scaled_squared_distance(a: Any, b: Any, lengthscale: Any, categorical: Any) -> Any:
    """``r^2`` between the rows of ``a`` (..., m, d) and ``b`` (..., n, d): shape (..., m, n).

    ``lengthscale`` has shape (d,); ``categorical`` is a boolean mask of shape (d,). Categorical
    coordinates hold bin centres, so they differ by at least one bin (> 1e-9) or not at all.
    """
    diff = a.unsqueeze(-2) - b.unsqueeze(-3)
    if bool(categorical.any()):
        diff = torch.where(categorical, (diff.abs() > 1e-9).to(diff.dtype), diff)
    return ((diff / lengthscale) ** 2).sum(-1)


def kernel_values(squared: Any, kind: str) -> Any:
    """Matern-5/2 or RBF of a scaled squared distance (any shape), differentiable at 0."""
    if kind == "rbf":
        return torch.exp(-0.5 * squared)
    s = torch.sqrt(5.0 * squared.clamp_min(1e-30))
    return (1.0 + s + s * s / 3.0) * torch.exp(-s)


class HammingKernel(Kernel):
    """Matern-5/2 (``kind="matern"``) or RBF of :func:`scaled_squared_distance`, one
    lengthscale per coordinate; ``k(x, x) = 1`` (the outcome is standardized)."""

    has_lengthscale = True

    def __init__(self, categorical: list[int], kind: str, **kwargs: Any):
        super().__init__(**kwargs)
        mask = torch.zeros(int(self.ard_num_dims), dtype=torch.bool)
        mask[categorical] = True
        self.register_buffer("categorical", mask)
        self.kind = kind

    def forward(self, x1: Any, x2: Any, diag: bool = False, **params: Any) -> Any:
        if diag:
            return torch.ones(x1.shape[:-1], dtype=x1.dtype)
        lengthscale = self.lengthscale.reshape(-1)
        return kernel_values(scaled_squared_distance(x1, x2, lengthscale, self.categorical), self.kind)


def formula(kernel: Any, dim: int) -> tuple[Any, str] | None:
    """The categorical mask of shape (d,) and the kind ("matern" or "rbf") of a kernel whose
    formula this module knows (ours, GPyTorch's Matern-5/2 and RBF); None for any other."""
    if type(kernel) is HammingKernel:
        return kernel.categorical, kernel.kind
    if (type(kernel) is MaternKernel and kernel.nu == 2.5) or type(kernel) is RBFKernel:
        return torch.zeros(dim, dtype=torch.bool), "rbf" if type(kernel) is RBFKernel else "matern"
    return None


def kernel_block(kernel: Any, block: Any, train_X: Any) -> tuple[Any, Any] | None:
    """``K(block, X)`` of shape (b, n) and ``k(g, g)`` of shape (b,) computed directly, for the
    kernels whose formula we know (20-25% faster than GPyTorch's lazy evaluation); None for others."""
    if type(kernel) is HammingKernel:
        lengthscale = kernel.lengthscale.detach().reshape(-1)
        squared = scaled_squared_distance(block, train_X, lengthscale, kernel.categorical)
        return kernel_values(squared, kernel.kind), torch.ones(len(block), dtype=DTYPE)
    if formula(kernel, block.shape[-1]) is not None:  # GPyTorch's: plain ARD distances
        lengthscale = kernel.lengthscale.detach().reshape(1, -1)
        r = torch.cdist(block / lengthscale, train_X / lengthscale)
        if type(kernel) is RBFKernel:
            return torch.exp(-0.5 * r * r), torch.ones(len(block), dtype=DTYPE)
        s = math.sqrt(5.0) * r
        # (1 + s + s^2 / 3) exp(-s) in fewer passes over the block (it is memory-bound)
        return torch.addcmul(s + 1.0, s, s, value=1.0 / 3.0) * torch.exp(-s), torch.ones(len(block), dtype=DTYPE)
    return None


def squared_differences(a: np.ndarray, b: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """Per-coordinate squared differences between the rows of ``a`` (m, d) and ``b`` (n, d):
    shape (m, n, d); 0 or 1 on the ``categorical`` coordinates (a boolean mask of shape (d,)).
    ``r^2`` is their sum weighted by ``1 / l^2`` (what :func:`scaled_squared_distance` computes)."""
    difference = a[:, None, :] - b[None, :, :]
    return np.where(categorical, (np.abs(difference) > 1e-9).astype(float), difference * difference)


def values_and_slope(squared: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Matern-5/2 (``kind="matern"``) or RBF of scaled squared distances ``r^2`` (any shape), and
    its derivative in ``r^2`` (same shape), smooth at ``r = 0`` unlike autograd through a root."""
    if kind == "rbf":
        values = np.exp(-0.5 * squared)
        return values, -0.5 * values
    s = np.sqrt(5.0 * squared)
    decay = np.exp(-s)
    return (1.0 + s + s * s / 3.0) * decay, (-5.0 / 6.0) * (1.0 + s) * decay
