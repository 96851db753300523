"""The prior mean of a warm-started GP: ``c + sum_j w_j mu_j(x)`` over warm-start sources.

``bayes.transfer`` fits one GP per source and explains the model; this module holds what the
target GP carries: the sources' standardized means (:class:`SourceMeans`) and the GPyTorch mean
(:class:`TransferMean`) whose constant ``c`` and weights ``w`` are fitted with the kernel's
hyperparameters (``bayes.fit``). It imports nothing of the GP's own modules, which use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from gpytorch.means import Mean
from gpytorch.priors import NormalPrior

__all__ = ["SourceMeans", "TransferMean", "WEIGHT_PRIOR_SD"]

DTYPE = torch.float64

#: Standard deviation of each weight's normal prior (centred on 1 / s for s sources): wide
#: enough for a source whose standardized scale differs from the target's, narrow enough that
#: two or three target trials cannot throw a weight to an extreme.
WEIGHT_PRIOR_SD = 0.5


class SourceMeans:
    """The sources' posterior means, the columns of the prior mean's design matrix.

    Parameters
    ----------
    names : sequence of str
        The sources' names, in order.
    predictors : sequence of bayes.predictor.Predictor
        Each source's fitted GP, predicting standardized means (about unit spread over its trials).
    """

    def __init__(self, names: Sequence[str], predictors: Sequence[Any]):
        self.names = list(names)
        self._predictors = list(predictors)

    def __len__(self) -> int:
        return len(self._predictors)

    @property
    def prior_weights(self) -> np.ndarray:
        """Where each weight's prior is centred, shape (s,): ``1 / s``."""
        return np.full(len(self), 1.0 / len(self))

    def values(self, X: np.ndarray) -> np.ndarray:
        """The sources' standardized means at points of shape (m, d): shape (m, s)."""
        return np.column_stack([p(np.asarray(X, dtype=float))[0] for p in self._predictors])

    def tensor(self, points: Any) -> Any:
        """As :meth:`values` for a tensor of points of shape (..., d), differentiable: (..., s)."""
        flat = points.reshape(-1, points.shape[-1])
        columns = torch.stack([p.latent(flat)[0] for p in self._predictors], dim=-1)
        return columns.reshape(*points.shape[:-1], len(self))

    def with_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The means at points of shape (m, d), shape (m, s), and their gradients, shape
        (m, s, d), in NumPy (None if a source's kernel has no closed form here)."""
        found = [p.latent_with_gradient(points) for p in self._predictors]
        if any(f is None for f in found):
            return None
        return np.stack([f[0] for f in found], axis=1), np.stack([f[2] for f in found], axis=1)  # type: ignore[index]

    def mean_module(self) -> TransferMean:
        """A new target-GP mean over these sources, at its prior (what ``build_gp`` installs)."""
        return TransferMean(self)


class TransferMean(Mean):
    """GPyTorch mean ``c + sum_j w_j mu_j(x)``; ``c`` is named as ``ConstantMean``'s, so the fit,
    the journal's states and the teaching overlays read it as they read a constant mean."""

    def __init__(self, sources: SourceMeans):
        super().__init__()
        self.sources = sources
        self.register_parameter("raw_constant", torch.nn.Parameter(torch.zeros((), dtype=DTYPE)))
        prior = torch.as_tensor(sources.prior_weights, dtype=DTYPE)
        self.register_parameter("raw_weights", torch.nn.Parameter(prior.clone()))
        # Registered so GPyTorch's marginal likelihood counts it as ``bayes.fit`` does.
        self.register_prior("weights_prior", NormalPrior(prior, torch.full_like(prior, WEIGHT_PRIOR_SD)), "raw_weights")

    @property
    def constant(self) -> Any:
        return self.raw_constant

    @property
    def weights(self) -> np.ndarray:
        """The fitted weights, shape (s,): how much the model follows each source."""
        return self.raw_weights.detach().numpy().copy()

    def forward(self, x: Any) -> Any:
        return self.raw_constant + self.sources.tensor(x) @ self.raw_weights
