"""Synthetic test functions with known optima, to practise on and to test optimizers against.

Each function is declared by class attributes, as in BoTorch's
``botorch/test_functions/synthetic.py``: its box, global minimum and known minimizers, plus
one vectorized numpy formula. Unless a class says otherwise, formulas, boxes and optima come
from the Virtual Library of Simulation Experiments (VLSE; S. Surjanovic and D. Bingham,
https://www.sfu.ca/~ssurjano/optimization.html).

Naming rule, the same for every function: coordinate ``i`` (column ``X[:, i]``) is the float
parameter ``"x{i}"``, counted from 0 like numpy columns. The literature counts from 1, so
Branin's ``x1, x2`` are ``x0, x1`` here.

All functions are minimized. ``evaluate`` is the noiseless truth (for plots and regret);
calling the function with params adds the optional observation noise.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .._validation import check_int, check_real, fail, float_array, generator_of
from ..space import Float, SearchSpace
from ..views import read_only

__all__ = ["MAX_DIM", "SyntheticFunction", "Branin", "Hartmann6", "Ackley", "Rosenbrock", "Levy", "Forrester",
           "points", "synthetic_functions"]

#: The most inputs a scalable test function (or a multi-objective problem) takes: far beyond any
#: HPO benchmark, and a billion would exhaust memory before the first evaluation.
MAX_DIM = 10_000


def points(X: Any, dim: int, owner: str) -> np.ndarray:
    """``X`` as a finite float array of shape (n, dim), or the error of ``owner``'s ``evaluate``."""
    rule = f"an array of shape (n, {dim})"
    array = float_array(X, "X", owner, rule + " of real numbers")
    if array.ndim != 2 or array.shape[1] != dim:
        raise fail("X", owner, rule, array.shape, hint="That is the shape of the array passed.")
    if not np.isfinite(array).all():
        # A NaN or infinite coordinate has no value: it came out NaN, with numpy's warnings from
        # inside the formula ("invalid value encountered in cos").
        row = int(np.flatnonzero(~np.isfinite(array).all(axis=1))[0])
        raise fail("X", owner, rule + " of finite real numbers", X,
                   hint=f"Row {row} is {array[row].tolist()}.")
    return array


class SyntheticFunction:
    """Base class: a closed-form function on a box, with a known global minimum.

    Subclasses declare ``name``, ``default_dim``, ``optimal_value``, ``_bounds`` (a
    ``(low, high)`` pair per coordinate) and ``_optimizers`` (a tuple of coordinates per known
    minimizer), and implement ``_evaluate``. A ``scalable`` class declares a single pair and
    single coordinates, repeated over ``dim``.

    Parameters
    ----------
    dim : int, optional
        Number of inputs: any int from ``min_dim`` to :data:`MAX_DIM` if ``scalable`` (default
        ``default_dim``), otherwise ``default_dim`` only.
    noise_std : float, default 0.0
        Standard deviation of the Gaussian noise added by ``__call__`` (never by ``evaluate``).
    seed : int, numpy.random.Generator or None
        Source of the noise.

    Attributes
    ----------
    bounds : ndarray of shape (dim, 2)
        Lower and upper bound of each coordinate, in the original coordinates (read-only).
    optimizers : ndarray of shape (k, dim)
        The k known global minimizers, in the original coordinates (read-only).
    optimal_value : float
        The global minimum; ``direction`` is always "minimize".
    single_fidelity : bool
        True: one fidelity (``budget`` None only; ``MultiFidelity`` wraps it for budgets).
    space : SearchSpace
        ``[Float("x0", *bounds[0]), Float("x1", *bounds[1]), ...]``.

    Examples
    --------
    >>> from interactive_hpo.objectives import Rosenbrock
    >>> f = Rosenbrock(dim=3, noise_std=0.1, seed=0)
    >>> f.evaluate(f.optimizers).tolist()
    [0.0]
    >>> f({"x0": 1.0, "x1": 1.0, "x2": 1.0}) != 0.0  # a noisy observation
    True
    """

    name: ClassVar[str]
    default_dim: ClassVar[int]
    scalable: ClassVar[bool] = False
    min_dim: ClassVar[int] = 1
    optimal_value: ClassVar[float]
    #: Its ``budget`` keyword takes None only: a study refuses it to a scheduler before any trial.
    single_fidelity: ClassVar[bool] = True
    _bounds: ClassVar[tuple[tuple[float, float], ...]]
    _optimizers: ClassVar[tuple[tuple[float, ...], ...]]
    direction = "minimize"

    def __init__(self, dim: int | None = None, *, noise_std: float = 0.0,
                 seed: int | np.random.Generator | None = None):
        if dim is None:
            dim = self.default_dim
        elif self.scalable:
            dim = check_int(dim, "dim", self.name, self.min_dim, MAX_DIM)
        elif isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim != self.default_dim:
            scalable = ", ".join(n for n, cls in synthetic_functions().items() if cls.scalable)
            raise fail("dim", self.name, f"{self.default_dim} or None", dim,
                       hint=f"{self.name} is defined in {self.default_dim} dimension(s) only; "
                            f"these functions take any `dim`: {scalable}.")
        self.dim = int(dim)
        self.noise_std = check_real(noise_std, "noise_std", self.name, 0.0)
        self._rng = generator_of(seed, self.name)
        self._seed = seed_shown(seed)
        self.bounds = read_only(np.broadcast_to(self._bounds, (self.dim, 2)))
        self.optimizers = read_only(np.broadcast_to(self._optimizers, (len(self._optimizers), self.dim)))
        self.space = SearchSpace([Float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(self.bounds.tolist())])

    def evaluate(self, X: Any) -> np.ndarray:
        """Noiseless values at many points.

        Parameters
        ----------
        X : array-like of shape (n, dim)
            Points in the original coordinates (not the unit cube); not clipped to ``bounds``.

        Returns
        -------
        ndarray of shape (n,)
        """
        return self._evaluate(points(X, self.dim, f"{self.name}.evaluate"))

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        """The formula: validated X of shape (n, dim) to values of shape (n,)."""
        raise NotImplementedError

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> float:
        """One observation (noisy if ``noise_std > 0``) at ``params`` = ``{"x0": ..., ...}``."""
        self._check_budget(budget)
        canonical = self.space.validate(params, owner=self.name)
        value = float(self._evaluate(np.array([[canonical[n] for n in self.space.names]]))[0])
        if self.noise_std > 0.0:  # no draw at all without noise: values stay exact
            value += self.noise_std * float(self._rng.standard_normal())
        return value

    def _check_budget(self, budget: float | None) -> None:
        # The one place that knows these functions have a single fidelity: budgets belong to
        # the wrapper MultiFidelity (fidelity.py), which evaluates the low fidelities itself.
        if budget is not None:
            raise fail("budget", self.name, "None", budget,
                       hint=f"{self.name} itself has a single fidelity; for cheaper, biased and noisier "
                            f"evaluations at budgets in (0, 1], wrap it: MultiFidelity({self!r}).")

    def regret(self, value: float | np.ndarray) -> float | np.ndarray:
        """``value - optimal_value`` (a float, or an array of value's shape); >= 0 without noise."""
        rule = "a real number or an array of them"
        if value is None or isinstance(value, (bool, np.bool_)):  # numpy reads them as NaN and 1.0
            raise fail("value", f"{self.name}.regret", rule, value,
                       hint="A trial without a value (FAILED, RUNNING) has no regret." if value is None else None)
        out = float_array(value, "value", f"{self.name}.regret", rule)
        out = out - self.optimal_value
        return float(out) if out.ndim == 0 else out

    @property
    def fingerprint(self) -> str:
        """A hash (16 hex digits) of what decides the values: the function, its dimension and its
        noise, and with noise the state of its generator, so seeds 0 and 7 differ, and so does the
        same function once its draws moved on (a second build gets other noise, as it would
        without a cache). It keys the landscape cache."""
        return noise_fingerprint(f"{type(self).__module__}.{type(self).__qualname__}", (self.dim,),
                                 self.noise_std, self._rng)

    def __repr__(self) -> str:
        seed = f", seed={self._seed}" if self.noise_std > 0 else ""  # without noise the seed decides nothing
        return f"{self.name}(dim={self.dim}, noise_std={self.noise_std}{seed})"


def seed_shown(seed: int | np.random.Generator | None) -> str:
    """How a repr shows a (validated) ``seed``: the int, None, or a Generator's class without its address."""
    if isinstance(seed, np.random.Generator):
        return f"Generator({type(seed.bit_generator).__name__})"
    return "None" if seed is None else str(int(seed))   # np.int64(0) as 0


def noise_fingerprint(kind: str, settings: tuple[Any, ...], noise_std: float, rng: np.random.Generator) -> str:
    """A hash (16 hex digits) of a noisy function's ``kind`` and ``settings`` and, when
    ``noise_std > 0``, of the state of ``rng``, which decides its next draws exactly."""
    state = rng.bit_generator.state if noise_std > 0 else None
    return hashlib.sha256(repr((kind, settings, noise_std, state)).encode()).hexdigest()[:16]


class Branin(SyntheticFunction):
    """Branin (Branin-Hoo) function on [-5, 10] x [0, 15]: three global minima of 0.397887.

    f(x) = (x1 - b x0^2 + c x0 - r)^2 + s (1 - t) cos(x0) + s, with b = 5.1 / (4 pi^2),
    c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi) (VLSE, "Branin function").

    Examples
    --------
    >>> f = Branin()
    >>> f.evaluate(f.optimizers).round(6).tolist()
    [0.397887, 0.397887, 0.397887]
    >>> round(f({"x0": 0.0, "x1": 0.0}), 4)
    55.6021
    """

    name = "Branin"
    default_dim = 2
    _bounds = ((-5.0, 10.0), (0.0, 15.0))
    # At x0 = -pi, pi, 3 pi the cosine is -1 and the square vanishes, leaving s t = 5 / (4 pi).
    optimal_value = 5.0 / (4.0 * math.pi)
    _optimizers = ((-math.pi, 12.275), (math.pi, 2.275), (3.0 * math.pi, 2.475))

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        x0, x1 = X[:, 0], X[:, 1]
        b, c, t = 5.1 / (4.0 * math.pi**2), 5.0 / math.pi, 1.0 / (8.0 * math.pi)
        return (x1 - b * x0**2 + c * x0 - 6.0) ** 2 + 10.0 * (1.0 - t) * np.cos(x0) + 10.0


class Hartmann6(SyntheticFunction):
    """Six-dimensional Hartmann function on [0, 1]^6: six local minima, global minimum -3.32237.

    f(x) = -sum_{i=1..4} alpha_i exp(-sum_{j=1..6} A_ij (x_j - P_ij)^2) (VLSE, "Hartmann 6-D").

    Examples
    --------
    >>> f = Hartmann6()
    >>> round(f.optimal_value, 5)
    -3.32237
    >>> round(f({f"x{i}": 0.5 for i in range(6)}), 4)
    -0.5053
    """

    name = "Hartmann6"
    default_dim = 6
    _bounds = ((0.0, 1.0),) * 6
    # VLSE gives (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573) and -3.32237; we keep
    # the BFGS-refined point and value so that no point of the box scores below optimal_value.
    optimal_value = -3.3223680114155
    _optimizers = ((0.20168951, 0.15001069, 0.47687397, 0.27533243, 0.31165161, 0.65730053),)
    _ALPHA: ClassVar[np.ndarray] = np.array([1.0, 1.2, 3.0, 3.2])
    _A: ClassVar[np.ndarray] = np.array([
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0], [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0], [17.0, 8.0, 0.05, 10.0, 0.1, 14.0]])
    _P: ClassVar[np.ndarray] = 1e-4 * np.array([
        [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        inner = np.sum(self._A * (X[:, None, :] - self._P) ** 2, axis=-1)  # (n, 4)
        return -(np.exp(-inner) @ self._ALPHA)


class Ackley(SyntheticFunction):
    """Ackley function on [-32.768, 32.768]^d: a nearly flat, rugged plateau around a deep hole at 0.

    f(x) = -a exp(-b sqrt(mean(x^2))) - exp(mean(cos(c x))) + a + e with a = 20, b = 0.2,
    c = 2 pi (VLSE, "Ackley function").

    Examples
    --------
    >>> f = Ackley(dim=2)
    >>> abs(f({"x0": 0.0, "x1": 0.0})) < 1e-12
    True
    >>> round(f({"x0": 1.0, "x1": 1.0}), 4)
    3.6254
    """

    name = "Ackley"
    default_dim = 5
    scalable = True
    _bounds = ((-32.768, 32.768),)
    optimal_value = 0.0
    _optimizers = ((0.0,),)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        a, b, c = 20.0, 0.2, 2.0 * math.pi
        return (-a * np.exp(-b * np.sqrt(np.mean(X**2, axis=1)))
                - np.exp(np.mean(np.cos(c * X), axis=1)) + a + math.e)


class Rosenbrock(SyntheticFunction):
    """Rosenbrock function on [-5, 10]^d (d >= 2): a long, curved, flat valley with minimum 0 at (1, ..., 1).

    f(x) = sum_{i=1..d-1} 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2 (VLSE, "Rosenbrock function").

    Examples
    --------
    >>> f = Rosenbrock()
    >>> f({"x0": 1.0, "x1": 1.0})
    0.0
    >>> f({"x0": 0.0, "x1": 0.0})
    1.0
    """

    name = "Rosenbrock"
    default_dim = 2
    scalable = True
    min_dim = 2  # with one coordinate the sum is empty and the function is constant
    _bounds = ((-5.0, 10.0),)
    optimal_value = 0.0
    _optimizers = ((1.0,),)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        head, tail = X[:, :-1], X[:, 1:]
        return np.sum(100.0 * (tail - head**2) ** 2 + (head - 1.0) ** 2, axis=1)


class Levy(SyntheticFunction):
    """Levy function on [-10, 10]^d: many regularly spaced local minima, global minimum 0 at (1, ..., 1).

    With w_i = 1 + (x_i - 1) / 4: f(x) = sin^2(pi w_1) + sum_{i=1..d-1} (w_i - 1)^2
    (1 + 10 sin^2(pi w_i + 1)) + (w_d - 1)^2 (1 + sin^2(2 pi w_d)) (VLSE, "Levy function").

    Examples
    --------
    >>> f = Levy(dim=2)
    >>> round(f({"x0": 1.0, "x1": 1.0}), 12)
    0.0
    >>> round(f({"x0": 0.0, "x1": 0.0}), 4)
    0.7158
    """

    name = "Levy"
    default_dim = 4
    scalable = True
    _bounds = ((-10.0, 10.0),)
    optimal_value = 0.0
    _optimizers = ((1.0,),)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        w = 1.0 + (X - 1.0) / 4.0
        first = np.sin(math.pi * w[:, 0]) ** 2
        middle = np.sum((w[:, :-1] - 1.0) ** 2 * (1.0 + 10.0 * np.sin(math.pi * w[:, :-1] + 1.0) ** 2), axis=1)
        last = (w[:, -1] - 1.0) ** 2 * (1.0 + np.sin(2.0 * math.pi * w[:, -1]) ** 2)
        return first + middle + last


class Forrester(SyntheticFunction):
    """Forrester function on [0, 1]: one input, a local minimum near 0.14 and the global one near 0.757.

    f(x) = (6 x - 2)^2 sin(12 x - 4) (A. Forrester, A. Sobester and A. Keane, *Engineering
    Design via Surrogate Modelling*, Wiley 2008; also VLSE, "Forrester et al. (2008) function").
    Small enough to draw a surrogate, its uncertainty and the acquisition function in one plot.

    Examples
    --------
    >>> f = Forrester()
    >>> round(f.optimal_value, 5), round(float(f.optimizers[0, 0]), 5)
    (-6.02074, 0.75725)
    >>> round(f({"x0": 0.5}), 4)
    0.9093
    """

    name = "Forrester"
    default_dim = 1
    _bounds = ((0.0, 1.0),)
    # Root of f'(x) = 0, i.e. sin(12 x - 4) + (6 x - 2) cos(12 x - 4) = 0, found with brentq.
    optimal_value = -6.0207400557670825
    _optimizers = ((0.7572487578418559,),)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        x = X[:, 0]
        return (6.0 * x - 2.0) ** 2 * np.sin(12.0 * x - 4.0)


def synthetic_functions() -> dict[str, type[SyntheticFunction]]:
    """Every synthetic function class by its ``name`` (a new dict on each call).

    Examples
    --------
    >>> sorted(synthetic_functions())
    ['Ackley', 'Branin', 'Forrester', 'Hartmann6', 'Levy', 'Rosenbrock']
    >>> synthetic_functions()["Ackley"](dim=3).dim
    3
    """
    return {cls.name: cls for cls in (Branin, Hartmann6, Ackley, Rosenbrock, Levy, Forrester)}
