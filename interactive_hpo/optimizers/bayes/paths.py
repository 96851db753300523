"""Posterior sample paths of the mixed kernel (``bayes.kernel.HammingKernel``), drawn pathwise.

BoTorch draws sample paths (Wilson et al., 2020) from random Fourier features of a stationary
kernel on numeric inputs, so their cost is linear in the number of points. It has none for the
Hamming kernel, whose joint samples cost O(m^3) time and O(m^2) memory: the Sobol indices of a
BO study on an 8-D space with one categorical (``importance``, n = 512: m = 5,120 points) took
66 s and 5 GB, and n = 4,096 would have asked for 13 GB.

The Hamming kernel is nonetheless a stationary kernel on a Euclidean space. Embed a categorical
coordinate as its one-hot vector over its (possibly unbounded) set of values, divided by
sqrt(2): two categories are then at squared distance ``[a != b]``, so the kernel's ``r^2`` is an
ordinary ARD distance. A random frequency's component along a value's axis is one more standard
normal, independent of every other value's; it is drawn when a value is first met, from a seed
and the value itself, so the same frequency sees the same value the same way in every call,
whatever other values came first. The features are those of Matern-5/2 (a multivariate
t-distributed frequency with 5 degrees of freedom) or of RBF (a normal one), as BoTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from botorch.sampling.pathwise import draw_kernel_feature_paths, draw_matheron_paths
from botorch.sampling.pathwise.features.maps import FeatureMap

from .model import DTYPE, torch

__all__ = ["hamming_paths"]

#: Random features per path, as BoTorch draws for its own kernels.
NUM_FEATURES = 1024
#: Categorical coordinates hold bin centres: values closer than this are one category (the
#: kernel's own rule, ``bayes.kernel.scaled_squared_distance``).
_SAME = 1e-9


class HammingFeatures(FeatureMap):
    """Random Fourier features ``phi`` of shape (..., F) with ``phi(x) . phi(y) ~ k(x, y)`` for a
    :class:`~interactive_hpo.optimizers.bayes.kernel.HammingKernel` ``k`` (F = ``num_outputs``)."""

    def __init__(self, kernel: Any, num_outputs: int):
        super().__init__()
        half = num_outputs // 2
        self.kernel = kernel
        self.input_transform = self.output_transform = None
        self.num_outputs, self.batch_shape = num_outputs, kernel.batch_shape  # what BoTorch's paths read
        dim = int(kernel.ard_num_dims)
        # Drawn under the caller's torch RNG (seeded by sample_paths), as BoTorch draws its own.
        self._numeric = torch.randn(half, dim, dtype=DTYPE)
        gamma = torch.distributions.Gamma(torch.tensor(2.5, dtype=DTYPE), torch.tensor(2.5, dtype=DTYPE))
        self._scale = gamma.sample((half,)).rsqrt() if kernel.kind == "matern" else torch.ones(half, dtype=DTYPE)
        self._seed = int(torch.randint(2**62, (1,)))
        self._axes: dict[tuple[int, int], Any] = {}  # (coordinate, value key) -> that value's frequency components

    def forward(self, x: Any) -> Any:
        lengthscale = self.kernel.lengthscale.detach().reshape(-1)
        categorical = self.kernel.categorical
        numeric = ~categorical
        projection = (x[..., numeric] / lengthscale[numeric]) @ self._numeric[:, numeric].T
        for coordinate in torch.nonzero(categorical).reshape(-1).tolist():
            keys = torch.round(x[..., coordinate] / _SAME).to(torch.int64)
            values, where = torch.unique(keys, return_inverse=True)
            components = torch.stack([self._axis(coordinate, int(value)) for value in values])
            projection = projection + components[where] / (math.sqrt(2.0) * lengthscale[coordinate])
        projection = projection * self._scale
        return math.sqrt(2.0 / self.num_outputs) * torch.cat([projection.sin(), projection.cos()], dim=-1)

    def _axis(self, coordinate: int, value: int) -> Any:
        """The frequencies' components along the axis of ``value`` of a categorical coordinate:
        shape (F / 2,), the same for that value in every call."""
        key = (coordinate, value)
        if key not in self._axes:
            rng = np.random.default_rng([self._seed, coordinate, value % 2**63])  # seed words are >= 0
            self._axes[key] = torch.as_tensor(rng.standard_normal(len(self._scale)), dtype=DTYPE)
        return self._axes[key]


def _feature_map(kernel: Any, num_inputs: int, num_outputs: int) -> HammingFeatures:
    return HammingFeatures(kernel, num_outputs)


def _prior_paths(model: Any, sample_shape: torch.Size) -> Any:
    return draw_kernel_feature_paths(model, sample_shape=sample_shape, num_features=NUM_FEATURES,
                                     map_generator=_feature_map)


def hamming_paths(model: Any, n_samples: int) -> Any:
    """``n_samples`` posterior sample paths of a GP whose kernel is a ``HammingKernel``: a
    callable from points of shape (m, d) to values of shape (n_samples, m, 1), in the units of
    ``model``'s outcomes (its outcome transform undone), as BoTorch's ``draw_matheron_paths``.
    Call under a seeded ``torch.random.fork_rng``."""
    return draw_matheron_paths(model, sample_shape=torch.Size([n_samples]), prior_sampler=_prior_paths)
