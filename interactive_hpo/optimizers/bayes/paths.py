"""Posterior sample paths of the GP, drawn pathwise (Wilson et al., 2020), each from its own
random features.

A path is a random-feature prior sample plus a data update, so its cost is linear in the number
of points and the same seed draws the same functions at any points. BoTorch's
``draw_matheron_paths`` shares one set of 512 frequencies among all the paths of a call: their
covariance is then that set's approximate kernel, not the GP's, and near the data, where the
update cancels most of the prior, the error is a large share of what is left. On notebook 03's
Forrester state (Matern-5/2, 6 trials) the paths' std was 1.67 times the posterior's at x = 0.786
with seed 0 and 31 % of them left the exact +-2 sd band at x = 0.699 (4.6 % expected); over 8
seeds and three 1-D states the worst ratio was 1.69-1.95 (1.16-1.20 with RBF). Here every path
draws its own frequencies: a path's covariance, averaged over its features, is the kernel itself,
and the update is linear in it, so the paths' variance is the posterior's whatever the data
(with 512 frequencies a path, worst ratio 1.05 over the same seeds, the sampling error of 2,000
paths; see :data:`NUM_FREQUENCIES` for fewer). A path's pairs
``a sin t + b cos t`` with normal ``a, b`` are one ``R cos(t - phi)`` (Rayleigh ``R``, uniform
``phi``): one cosine per frequency, so the cost per path stays that of BoTorch's features.

The kernels are GPyTorch's Matern-5/2 and RBF, and ours with categorical coordinates
(``bayes.kernel.HammingKernel``), for which BoTorch has no features: joint samples would cost
O(m^3) time and O(m^2) memory (the Sobol indices of a BO study on an 8-D space with one
categorical, m = 5,120 points, took 66 s and 5 GB). The Hamming kernel is nonetheless a
stationary kernel on a Euclidean space: embed a categorical coordinate as its one-hot vector over
its (possibly unbounded) set of values, divided by sqrt(2), and two categories are at squared
distance ``[a != b]``. A frequency's component along a value's axis is one more standard normal,
drawn when the value is first met from a seed and the value itself, so a path sees a value the
same way in every call, whatever other values came first. Matern-5/2's frequencies are
multivariate t with 5 degrees of freedom, RBF's normal, as BoTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from botorch.sampling.pathwise import draw_matheron_paths
from botorch.sampling.pathwise.paths import SamplePath

from .kernel import formula
from .model import DTYPE, torch

__all__ = ["posterior_paths"]

#: Random frequencies per path (BoTorch's 1,024 features are 512 sine-cosine pairs), for up to 16
#: paths; more paths get fewer each, down to 128, so that a call costs about what BoTorch's does:
#: an importance's 64 paths at 5,120 points took 3.4 s with 512 a path (0.3 s with BoTorch's).
#: Fewer frequencies leave the paths' covariance exact (each path's is the kernel on average) but
#: make a path less Gaussian near the data: with 64, 1,000 paths of notebook 03's state had 1.13
#: times the posterior's std there; with 128, over 4 x 2,000 paths of each state above, the worst
#: ratio was 1.05 and the worst share outside the +-2 sd band 7.0 %.
NUM_FREQUENCIES = 512
MIN_FREQUENCIES = 128
FREQUENCY_BUDGET = 16 * NUM_FREQUENCIES
#: Path-frequency-point products evaluated at once: bounds the memory of a call (32 MB).
_CHUNK = 2**22
#: Categorical coordinates hold bin centres: values closer than this are one category (the
#: kernel's own rule, ``bayes.kernel.scaled_squared_distance``).
_SAME = 1e-9


class PriorPaths(SamplePath):
    """``n`` prior sample paths ``f_j(x) = mean(x) + sqrt(1 / H) sum_i R_ji cos(w_ji . x - phi_ji)``
    of a GP whose kernel ``formula`` knows, each with its own H frequencies ``w_j``: a callable
    from points of shape (m, d) to values of shape (n, m)."""

    def __init__(self, model: Any, n: int, known: tuple[Any, str], num_frequencies: int):
        super().__init__()
        self.categorical, kind = known  # the kernel's formula (``bayes.kernel.formula``)
        dim = len(self.categorical)
        self.lengthscale = model.covar_module.lengthscale.detach().reshape(-1)
        self.mean_module = model.mean_module
        shape = (n, num_frequencies)
        # Drawn under the caller's torch RNG (seeded by the caller), so one seed, one set of paths.
        numeric = torch.randn(*shape, dim, dtype=DTYPE)
        if kind == "matern":  # t with 5 degrees of freedom: a normal over the root of a Gamma(5/2, 5/2)
            gamma = torch.distributions.Gamma(torch.tensor(2.5, dtype=DTYPE), torch.tensor(2.5, dtype=DTYPE))
            self._scale = gamma.sample(shape).rsqrt()
        else:
            self._scale = torch.ones(shape, dtype=DTYPE)
        numeric[..., self.categorical] = 0.0
        self._frequencies = numeric * self._scale[..., None]  # (n, H, d), in lengthscales
        sine, cosine = torch.randn(*shape, dtype=DTYPE), torch.randn(*shape, dtype=DTYPE)
        self._amplitude = torch.hypot(sine, cosine) / math.sqrt(num_frequencies)
        self._phase = torch.atan2(sine, cosine)
        self._seed = int(torch.randint(2**62, (1,)))
        self._axes: dict[tuple[int, int], Any] = {}  # (coordinate, value key) -> its frequency components

    def forward(self, x: Any, **kwargs: Any) -> Any:
        """Values at points of shape (..., m, d): shape (n, ..., m)."""
        batch, flat = x.shape[:-1], x.reshape(-1, x.shape[-1])
        scaled = torch.where(self.categorical, 0.0, flat / self.lengthscale)
        # The categorical coordinates' share of each projection, shape (n, m, H) (or 0).
        offset: Any = 0.0
        for coordinate in torch.nonzero(self.categorical).reshape(-1).tolist():
            keys = torch.round(flat[:, coordinate] / _SAME).to(torch.int64)
            values, where = torch.unique(keys, return_inverse=True)
            components = torch.stack([self._axis(coordinate, int(value)) for value in values], dim=1)
            offset = offset + components[:, where] / (math.sqrt(2.0) * self.lengthscale[coordinate])
        n, h = self._amplitude.shape
        m = len(flat)
        step = max(1, _CHUNK // max(1, m * h))
        out = []
        for start in range(0, n, step):
            part = slice(start, start + step)
            projection = scaled @ self._frequencies[part].transpose(-1, -2)  # (c, m, H)
            if not isinstance(offset, float):
                projection = projection + offset[part]
            waves = torch.cos(projection - self._phase[part, None, :])
            out.append((waves @ self._amplitude[part, :, None]).squeeze(-1))
        values = torch.cat(out).reshape(n, *batch)
        return values + self.mean_module(x)

    def set_ensemble_as_batch(self, ensemble_as_batch: bool) -> None:
        """Nothing to do: a GP of ours is no ensemble (BoTorch's paths declare it)."""

    def _axis(self, coordinate: int, value: int) -> Any:
        """The frequencies' components along the axis of ``value`` of a categorical coordinate,
        times their t scale: shape (n, H), the same for that value in every call."""
        key = (coordinate, value)
        if key not in self._axes:
            rng = np.random.default_rng([self._seed, coordinate, value % 2**63])  # seed words are >= 0
            normals = torch.as_tensor(rng.standard_normal(tuple(self._scale.shape)), dtype=DTYPE)
            self._axes[key] = normals * self._scale
        return self._axes[key]


def posterior_paths(model: Any, n_samples: int) -> Any:
    """``n_samples`` posterior sample paths of a GP with a Matern-5/2, RBF or ``HammingKernel``
    kernel, each from its own random features (see the module's docstring): a callable from
    points of shape (m, d) to values of shape (n_samples, m) (or (n_samples, m, 1) in BoTorch's
    manner), in the units of ``model``'s outcomes (its outcome transform undone), as BoTorch's
    ``draw_matheron_paths``. Call under a seeded ``torch.random.fork_rng``: the seed fixes the
    functions. A model with another kernel, or an input transform, gets BoTorch's paths."""
    shape = torch.Size([n_samples])
    known = formula(model.covar_module, model.train_inputs[0].shape[-1])
    if known is None or getattr(model, "input_transform", None) is not None:
        return draw_matheron_paths(model, sample_shape=shape)
    return draw_matheron_paths(model, sample_shape=shape, prior_sampler=lambda model, sample_shape: PriorPaths(
        model, sample_shape.numel(), known, frequencies(n_samples)))


def frequencies(n_samples: int) -> int:
    """Random frequencies of each of ``n_samples`` paths: :data:`NUM_FREQUENCIES` for a few,
    fewer for many, never below :data:`MIN_FREQUENCIES`."""
    return max(MIN_FREQUENCIES, min(NUM_FREQUENCIES, FREQUENCY_BUDGET // n_samples))

