"""Multi-fidelity variants of the synthetic functions: cheaper evaluations are biased and noisier.

:class:`MultiFidelity` wraps a :class:`~interactive_hpo.objectives.synthetic.SyntheticFunction`
and accepts a budget ``b`` in (0, 1]: at the full budget it *is* the function; below it, it
returns a low-fidelity version, shifted by a smooth, deterministic bias that grows with
``1 - b``, plus Gaussian noise whose standard deviation grows with ``1 - b``. Low budgets thus
rank configurations roughly, not exactly, like the full budget: the situation multi-fidelity
optimizers (successive halving, Hyperband, multi-fidelity BO) are built for.

The bias follows the published low-fidelity versions where they exist, written for a fidelity
``s`` in [0, 1] with ``s = 1`` the true function; here ``s = 1 - bias * (1 - b)``:

- Branin, Hartmann6 and Rosenbrock: the "augmented" functions of the multi-fidelity BO
  literature, as in BoTorch's ``AugmentedBranin``, ``AugmentedHartmann`` and
  ``AugmentedRosenbrock`` (``botorch/test_functions/multi_fidelity.py``), Rosenbrock with both
  of its fidelity inputs set to ``s``.
- Forrester: the cheap model of Forrester, Sobester and Keane (*Engineering Design via
  Surrogate Modelling*, Wiley 2008), ``A f(x) + B (x - 0.5) - C`` with ``A = 0.5``,
  ``B = 10``, ``C = -5`` at ``s = 0``, interpolated linearly in ``s``.
- Any other function: a tilted copy, ``f(x) + (1 - s) sigma (2 mean(u) - 1)``, where ``u`` is
  ``x`` scaled to the unit cube and ``sigma`` the standard deviation of ``f`` over 256 fixed
  random points of the box: a ramp along the box's diagonal, as tall as the function's typical
  spread at ``s = 0``. (A shifted copy ``f(x - delta)`` would be the other classic, but on
  periodic functions such as Ackley and Levy it is not monotone: some larger shifts agree
  with ``f`` better than smaller ones.)

The published Hartmann6 and Rosenbrock biases are mild (they barely change how random points
rank); raise ``bias`` or ``noise_std`` for a harder low fidelity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from .._validation import check_real, fail, generator_of
from .budgets import check_budget
from .synthetic import (
    Branin,
    Forrester,
    Hartmann6,
    Rosenbrock,
    SyntheticFunction,
    noise_fingerprint,
    points,
    seed_shown,
)

__all__ = ["MultiFidelity"]

_OWNER = "MultiFidelity"


def _branin(X: np.ndarray, gap: float) -> np.ndarray:
    # AugmentedBranin: the coefficient b of x0^2 becomes b - 0.1 (1 - s), bending the valley.
    x0, x1 = X[:, 0], X[:, 1]
    b, c, t = 5.1 / (4.0 * math.pi**2) - 0.1 * gap, 5.0 / math.pi, 1.0 / (8.0 * math.pi)
    return (x1 - b * x0**2 + c * x0 - 6.0) ** 2 + 10.0 * (1.0 - t) * np.cos(x0) + 10.0


def _hartmann6(X: np.ndarray, gap: float) -> np.ndarray:
    # AugmentedHartmann: the weight alpha_1 of the deepest basin becomes alpha_1 - 0.1 (1 - s).
    alpha = Hartmann6._ALPHA - np.array([0.1 * gap, 0.0, 0.0, 0.0])
    inner = np.sum(Hartmann6._A * (X[:, None, :] - Hartmann6._P) ** 2, axis=-1)  # (n, 4)
    return -(np.exp(-inner) @ alpha)


def _rosenbrock(X: np.ndarray, gap: float) -> np.ndarray:
    # AugmentedRosenbrock: the valley floor x_{i+1} = x_i^2 moves down by 0.1 (1 - s) and the
    # optimum's coordinates by 0.1 (1 - s)^2.
    head, tail = X[:, :-1], X[:, 1:]
    return np.sum(100.0 * (tail - head**2 + 0.1 * gap) ** 2 + (head - 1.0 + 0.1 * gap**2) ** 2, axis=1)


def _forrester(X: np.ndarray, gap: float) -> np.ndarray:
    # Forrester et al. (2008): the cheap model 0.5 f(x) + 10 (x - 0.5) + 5, reached at s = 0.
    x = X[:, 0]
    f = (6.0 * x - 2.0) ** 2 * np.sin(12.0 * x - 4.0)
    return (1.0 - 0.5 * gap) * f + 10.0 * gap * (x - 0.5) + 5.0 * gap


# Exact classes only: a subclass may change the formula, and then gets the tilted copy.
_PUBLISHED: dict[type, Callable[[np.ndarray, float], np.ndarray]] = {
    Branin: _branin, Hartmann6: _hartmann6, Rosenbrock: _rosenbrock, Forrester: _forrester}


class MultiFidelity:
    """A synthetic function with budgets: at a budget below 1, biased and noisier observations.

    At budget None or 1 a call returns exactly ``function(params)`` (with the function's own
    noise, if any). At budget ``b`` < 1 it returns the low-fidelity value at fidelity
    ``s = 1 - bias * (1 - b)`` (see the module docstring for the formulas), plus Gaussian noise
    of standard deviation ``noise_std * (1 - b)`` drawn from this wrapper's own generator, plus
    the function's own noise.

    Parameters
    ----------
    function : SyntheticFunction
        The full-fidelity function, e.g. ``Branin()``; its ``space``, ``direction`` and
        ``name`` are this objective's.
    bias : float, default 1.0
        Strength of the bias, >= 0: 1 is the published low-fidelity version at ``b = 0``, 0 no
        bias (noise only), and larger values a worse cheap model.
    noise_std : float, default 0.0
        Standard deviation, >= 0, of the extra noise at budget 0; it shrinks linearly to 0 at
        budget 1. In the function's units (Branin spans about [0.4, 300], Hartmann6 [-3.3, 0]).
    seed : int, numpy.random.Generator or None
        Source of the extra noise.

    Attributes
    ----------
    function : SyntheticFunction
        The wrapped function: its ``optimal_value``, ``optimizers`` and ``regret`` are those of
        the full budget.
    budget_range : (float, float)
        ``(0.0, 1.0)``: budgets in (0, 1], 1 the full budget; a study refuses, before the first
        trial, a scheduler whose ``min_budget`` or ``max_budget`` is beyond them.

    Examples
    --------
    >>> from interactive_hpo.objectives import Branin
    >>> f = MultiFidelity(Branin(), noise_std=2.0, seed=0)
    >>> params = {"x0": 0.0, "x1": 0.0}
    >>> f(params, budget=1.0) == Branin()(params)   # the full budget is the function itself
    True
    >>> f.evaluate([[3.0, 3.0]], budget=0.5).round(4).tolist()   # noiseless, biased
    [1.6218]
    >>> f.function.evaluate([[3.0, 3.0]]).round(4).tolist()      # the full budget
    [0.8685]
    >>> f(params, budget=0.5) != f(params, budget=0.5)      # noisy below the full budget
    True
    """

    budget_range: ClassVar[tuple[float, float]] = (0.0, 1.0)

    def __init__(self, function: SyntheticFunction, *, bias: float = 1.0, noise_std: float = 0.0,
                 seed: int | np.random.Generator | None = None):
        if not isinstance(function, SyntheticFunction):
            raise fail("function", _OWNER, "a SyntheticFunction such as Branin()", function,
                       hint="Pass an instance, not the class." if isinstance(function, type) else None)
        self.function = function
        self.bias = check_real(bias, "bias", _OWNER, 0.0)
        self.noise_std = check_real(noise_std, "noise_std", _OWNER, 0.0)
        self._rng = generator_of(seed, _OWNER)
        self._seed = seed_shown(seed)
        self.space, self.direction, self.name = function.space, function.direction, function.name
        self._published = _PUBLISHED.get(type(function))
        self._sigma = 0.0  # the tilted copy's height, from fixed points (not the user's seed)
        if self._published is None:
            low, high = function.bounds[:, 0], function.bounds[:, 1]
            self._sigma = float(np.std(function.evaluate(low + (high - low) * np.random.default_rng(0).random(
                (256, function.dim)))))

    def evaluate(self, X: Any, budget: float | None = None) -> np.ndarray:
        """Noiseless values at many points and one budget.

        Parameters
        ----------
        X : array-like of shape (n, dim)
            Points in the original coordinates of ``function`` (not the unit cube).
        budget : float in (0, 1] or None, default=None
            None or 1 gives ``function.evaluate(X)`` exactly.

        Returns
        -------
        ndarray of shape (n,)
        """
        budget = check_budget(budget, f"{_OWNER}.evaluate")
        gap = 0.0 if budget is None else self.bias * (1.0 - budget)  # 1 - s
        X = points(X, self.function.dim, f"{_OWNER}.evaluate")
        if gap == 0.0:
            return self.function.evaluate(X)
        if self._published is None:
            unit = (X - self.function.bounds[:, 0]) / np.ptp(self.function.bounds, axis=1)
            return self.function.evaluate(X) + gap * self._sigma * (2.0 * np.mean(unit, axis=1) - 1.0)
        return self._published(X, gap)

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> float:
        """One observation at ``params`` = ``{"x0": ..., ...}`` and ``budget`` in (0, 1] or None."""
        budget = check_budget(budget, f"{_OWNER}.__call__")
        canonical = self.space.validate(params, owner=f"{_OWNER}.__call__")
        if budget is None or budget == 1.0:
            return self.function(canonical)
        value = float(self.evaluate(np.array([[canonical[n] for n in self.space.names]]), budget)[0])
        # The function's own noise comes from its generator, as at the full budget; no draw at
        # all without noise, so that noiseless values stay exact.
        if self.function.noise_std > 0.0:
            value += self.function.noise_std * float(self.function._rng.standard_normal())
        if self.noise_std > 0.0:
            value += self.noise_std * (1.0 - budget) * float(self._rng.standard_normal())
        return value

    @property
    def fingerprint(self) -> str:
        """A hash (16 hex digits) of the function's fingerprint, the bias and the noise, and with
        noise the state of the generator (see :attr:`SyntheticFunction.fingerprint`). It keys the
        landscape cache."""
        return noise_fingerprint("MultiFidelity", (self.function.fingerprint, self.bias), self.noise_std, self._rng)

    def __repr__(self) -> str:
        seed = f", seed={self._seed}" if self.noise_std > 0 else ""  # without noise the seed decides nothing
        return f"MultiFidelity({self.function!r}, bias={self.bias}, noise_std={self.noise_std}{seed})"
