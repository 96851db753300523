"""Synthetic problems with several objectives and known Pareto fronts.

The synthetic problems are the classics every multi-objective method is tested on, with the
formulas, boxes and reference points of BoTorch's ``botorch/test_functions/multi_objective.py``
(ZDT: Zitzler, Deb and Thiele 2000; DTLZ: Deb, Thiele, Laumanns and Zitzler 2005): ZDT1 (convex
front), ZDT2 (concave), ZDT3 (five disconnected pieces) and DTLZ2 (any number of objectives, the
unit sphere). Every objective is minimized; input ``i`` is the float parameter ``"x{i}"`` in
[0, 1] and objective ``j`` is named ``"f{j}"``, both counted from 0 like numpy columns. A concave
front is the classic trap of a fixed weighted sum: whatever the weights, its minimum on ZDT2's
front is one of the two ends (notebook 13).

Every problem declares ``directions`` and ``names``, so
``Study(problem.space, ..., directions=dict(zip(problem.names, problem.directions)))`` fits it.
A real trade-off (a cross-validated score against the size of the model) is in
:mod:`~interactive_hpo.objectives.tradeoff`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .._validation import check_int, check_size, fail, float_array, is_int
from ..pareto import check_reference, hypervolume
from ..space import Float, SearchSpace
from .synthetic import MAX_DIM, points

__all__ = ["DTLZ2", "MultiObjectiveProblem", "ZDT1", "ZDT2", "ZDT3"]

#: Points of the front used to measure the best possible hypervolume of a 2-D front numerically:
#: the staircase under-counts by about (front length) / (2 n), under 1e-5 here.
_DENSE = 100_000
#: The most values (points x objectives) ``true_front`` returns: 80 MB of floats.
_MAX_FRONT_VALUES = 10_000_000


class MultiObjectiveProblem:
    """Base class: closed-form objectives, all minimized, on [0, 1]^dim, with a known Pareto front.

    Subclasses declare ``name``, ``default_dim`` and ``_reference_value``, and implement
    ``_evaluate`` and ``true_front``.

    Parameters
    ----------
    dim : int, optional
        Number of inputs, from 2 to :data:`~interactive_hpo.objectives.synthetic.MAX_DIM`
        (default ``default_dim``).

    Attributes
    ----------
    dim, n_objectives : int
    space : SearchSpace
        ``[Float("x0", 0, 1), Float("x1", 0, 1), ...]``.
    directions : tuple of str
        ``("minimize",) * n_objectives``: what ``Study(..., directions=...)`` must match.
    names : tuple of str
        ``("f0", "f1", ...)``, the order of the values ``__call__`` returns.
    reference : ndarray of shape (n_objectives,)
        BoTorch's reference point for the problem, for hypervolumes comparable with the
        literature (a generous box: see :meth:`max_hypervolume` for a tighter one).
    """

    name: ClassVar[str]
    default_dim: ClassVar[int]
    _reference_value: ClassVar[float]
    #: Its ``budget`` keyword takes None only: a study refuses it to a scheduler before any trial.
    single_fidelity: ClassVar[bool] = True

    def __init__(self, dim: int | None = None, *, n_objectives: int = 2):
        self.n_objectives = n_objectives
        self.dim = self.default_dim if dim is None else check_int(dim, "dim", self.name, 2, MAX_DIM)
        self.space = SearchSpace([Float(f"x{i}", 0.0, 1.0) for i in range(self.dim)])
        self.directions: tuple[str, ...] = ("minimize",) * n_objectives
        self.names = tuple(f"f{j}" for j in range(n_objectives))
        self.reference = np.full(n_objectives, self._reference_value)
        self.reference.flags.writeable = False

    def evaluate(self, X: Any) -> np.ndarray:
        """All objectives at many points.

        Parameters
        ----------
        X : array-like of shape (n, dim)
            Points in [0, 1]^dim (not clipped).

        Returns
        -------
        ndarray of shape (n, n_objectives)
        """
        return self._evaluate(points(X, self.dim, f"{self.name}.evaluate"))

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> tuple[float, ...]:
        """The objectives at ``params`` = ``{"x0": ..., ...}``, as a tuple in ``names`` order."""
        if budget is not None:
            raise fail("budget", self.name, "None", budget, hint=f"{self.name} has a single fidelity.")
        canonical = self.space.validate(params, owner=self.name)
        return tuple(float(v) for v in self._evaluate(np.array([[canonical[n] for n in self.space.names]]))[0])

    def true_front(self, n: int) -> np.ndarray:
        """``n`` points of the Pareto front, in objective values: ndarray of shape (n, n_objectives)."""
        raise NotImplementedError

    def _front_size(self, n: Any, low: int) -> int:
        """``n`` checked for :meth:`true_front`: at least ``low``, and few enough to hold."""
        return check_size(n, "n", f"{self.name}.true_front", low, self.n_objectives, _MAX_FRONT_VALUES, "values")

    def max_hypervolume(self, reference: Any = None) -> float:
        """The hypervolume of the whole Pareto front up to ``reference`` (default :attr:`reference`):
        what no set of trials can exceed. Measured on a dense front (100 000 points), so it is
        low by less than 1e-5 (``hypervolume`` of a finite set of points)."""
        return hypervolume(self.true_front(_DENSE), self._reference(reference))

    def _reference(self, reference: Any) -> np.ndarray:
        """``reference`` checked for :meth:`max_hypervolume` (None: :attr:`reference`): refused
        naming this method, not ``hypervolume`` inside it."""
        if reference is None:
            return np.asarray(self.reference)
        return check_reference(reference, self.n_objectives, f"{self.name}.max_hypervolume")

    def __repr__(self) -> str:
        return f"{self.name}(dim={self.dim}, n_objectives={self.n_objectives})"


class _ZDT(MultiObjectiveProblem):
    """The ZDT family: f0 = x0 and f1 = g h(f0, g), with g = 1 + 9 mean(x1, ..., x_{d-1}); the
    front is g = 1 (every coordinate but x0 at 0)."""

    default_dim = 30  # Zitzler, Deb and Thiele's setting
    _reference_value = 11.0  # BoTorch's, from Yang et al. (2019)

    def __init__(self, dim: int | None = None, *, n_objectives: int = 2):
        # The base takes n_objectives for DTLZ2; a ZDT problem computes two values whatever it says.
        # An int, as DTLZ2 takes it: 2.0 was let through (and 2 kept).
        if not is_int(n_objectives) or n_objectives != 2:
            raise fail("n_objectives", self.name, "2 (a ZDT problem has two objectives)", n_objectives,
                       hint="DTLZ2 takes any number of objectives.")
        super().__init__(dim)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        f0 = X[:, 0]
        g = 1.0 + 9.0 * X[:, 1:].mean(axis=1)
        return np.column_stack([f0, g * self._h(f0, g)])

    @staticmethod
    def _h(f0: np.ndarray, g: Any) -> np.ndarray:
        """Each problem's shape of the front (g = 1) and how it recedes as g grows."""
        raise NotImplementedError

    def true_front(self, n: int) -> np.ndarray:
        f0 = np.linspace(0.0, 1.0, self._front_size(n, 2))
        return np.column_stack([f0, self._h(f0, 1.0)])


class ZDT1(_ZDT):
    """ZDT1: two objectives, a convex front f1 = 1 - sqrt(f0) for f0 in [0, 1].

    Examples
    --------
    >>> problem = ZDT1(dim=3)
    >>> problem({"x0": 0.25, "x1": 0.0, "x2": 0.0})
    (0.25, 0.5)
    >>> round(problem.max_hypervolume(), 4)  # BoTorch's max_hv: 120 + 2 / 3
    120.6667
    """

    name = "ZDT1"

    @staticmethod
    def _h(f0: np.ndarray, g: Any) -> np.ndarray:
        return 1.0 - np.sqrt(f0 / g)


class ZDT2(_ZDT):
    """ZDT2: two objectives, a concave (non-convex) front f1 = 1 - f0^2 for f0 in [0, 1].

    Examples
    --------
    >>> problem = ZDT2(dim=3)
    >>> problem({"x0": 0.5, "x1": 0.0, "x2": 0.0})
    (0.5, 0.75)
    >>> round(problem.max_hypervolume(reference=[1.1, 1.1]), 4)  # 1.1 * 1.1 minus the 2/3 under the front
    0.5433
    """

    name = "ZDT2"

    @staticmethod
    def _h(f0: np.ndarray, g: Any) -> np.ndarray:
        return 1.0 - (f0 / g) ** 2


class ZDT3(_ZDT):
    """ZDT3: two objectives, a front of five disconnected convex pieces of
    f1 = 1 - sqrt(f0) - f0 sin(10 pi f0).

    f1 is ``g h`` as Zitzler, Deb and Thiele define it (pymoo too); BoTorch's ``ZDT3`` omits the
    factor g, which changes nothing on the front (g = 1) but every value off it.

    Examples
    --------
    >>> problem = ZDT3(dim=3)
    >>> [round(v, 4) for v in problem({"x0": 0.05, "x1": 0.0, "x2": 0.0})]
    [0.05, 0.7264]
    >>> round(problem.max_hypervolume(), 3)  # BoTorch's max_hv: 128.77811613069076
    128.778
    """

    name = "ZDT3"
    #: The f0 intervals of the front's pieces (BoTorch's ``ZDT3._parts``).
    PIECES: ClassVar[tuple[tuple[float, float], ...]] = (
        (0.0, 0.0830015349), (0.1822287280, 0.2577623634), (0.4093136748, 0.4538821041),
        (0.6183967944, 0.6525117038), (0.8233317983, 0.8518328654))

    @staticmethod
    def _h(f0: np.ndarray, g: Any) -> np.ndarray:
        return 1.0 - np.sqrt(f0 / g) - f0 / g * np.sin(10.0 * math.pi * f0)

    def true_front(self, n: int) -> np.ndarray:
        n = self._front_size(n, len(self.PIECES))
        counts = np.full(len(self.PIECES), n // len(self.PIECES))
        counts[: n % len(self.PIECES)] += 1
        # A piece's left end ties the previous piece's right end in f1 and is dominated by it: step inside.
        f0 = np.concatenate([np.linspace(low + (i > 0) * 1e-6, high, k)
                             for i, ((low, high), k) in enumerate(zip(self.PIECES, counts, strict=True))])
        return np.column_stack([f0, self._h(f0, 1.0)])


class DTLZ2(MultiObjectiveProblem):
    """DTLZ2: m objectives, a front on the positive part of the unit sphere (concave).

    f_j = (1 + g) cos(x_0 pi/2) ... cos(x_{m-2-j} pi/2) sin(x_{m-1-j} pi/2) (no sine for
    j = 0), with g = sum_{i >= m-1} (x_i - 0.5)^2; the front is g = 0.

    Parameters
    ----------
    dim : int, optional
        Number of inputs, > ``n_objectives`` and at most ``MAX_DIM``; default ``n_objectives + 9``
        (Deb et al.'s k = 10; at most ``MAX_DIM``).
    n_objectives : int, default 2
        From 2 to ``MAX_DIM - 1``.

    Examples
    --------
    >>> problem = DTLZ2(dim=3)
    >>> [round(v, 4) for v in problem({"x0": 0.5, "x1": 0.5, "x2": 0.5})]
    [0.7071, 0.7071]
    >>> round(problem.max_hypervolume(), 4)  # 1.1^2 - pi / 4
    0.4246
    """

    name = "DTLZ2"
    _reference_value = 1.1  # BoTorch's

    def __init__(self, dim: int | None = None, *, n_objectives: int = 2):
        m = check_int(n_objectives, "n_objectives", "DTLZ2", 2, MAX_DIM - 1)
        if dim is None:
            dim = min(m + 9, MAX_DIM)
        elif check_int(dim, "dim", "DTLZ2", 1, MAX_DIM) <= m:
            raise fail("dim", "DTLZ2", f"an int > n_objectives ({m})", dim,
                       hint="The first n_objectives - 1 inputs place a point on the front, the rest set g.")
        super().__init__(dim, n_objectives=m)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        m = self.n_objectives
        radius = 1.0 + np.sum((X[:, m - 1:] - 0.5) ** 2, axis=1)
        return radius[:, None] * _sphere(X[:, : m - 1] * (math.pi / 2.0))

    def true_front(self, n: int) -> np.ndarray:
        """``n`` points of the front: evenly spaced angles for 2 objectives, the low-discrepancy
        R-sequence of angles (Roberts 2018) for more; ndarray of shape (n, n_objectives)."""
        n = self._front_size(n, 2)
        k = self.n_objectives - 1
        if k == 1:
            unit = np.linspace(0.0, 1.0, n)[:, None]
        else:  # x_i = frac(0.5 + i alpha), alpha the powers of the generalized golden ratio
            phi = _golden(k)
            unit = (0.5 + np.arange(n)[:, None] * (1.0 / phi) ** np.arange(1, k + 1)) % 1.0
        return _sphere(unit * (math.pi / 2.0))

    def max_hypervolume(self, reference: Any = None) -> float:
        """Exact for a reference of at least 1 in every objective (the box minus the positive part
        of the unit ball, as BoTorch's ``max_hv``); with 2 objectives, measured on a dense front
        for any other reference."""
        m = self.n_objectives
        box = float_array(self.reference if reference is None else reference, "reference",
                          "DTLZ2.max_hypervolume", f"{m} finite numbers")
        if box.shape == (m,) and np.isfinite(box).all() and (box >= 1.0).all():
            try:  # the positive part of the unit ball
                ball = math.pi ** (m / 2) / math.gamma(m / 2 + 1) / 2**m
            except OverflowError:  # math.gamma from m = 341 on, where the part is below a float's 5e-324
                ball = 0.0
            with np.errstate(over="ignore"):  # a box too large for a float has an infinite volume
                return float(np.prod(box) - ball)
        if m > 2:
            raise fail("reference", "DTLZ2.max_hypervolume", f"{m} finite numbers, each at least 1", reference,
                       hint="Beyond 2 objectives the best hypervolume is known for such a box only.")
        return super().max_hypervolume(box)


def _sphere(angles: np.ndarray) -> np.ndarray:
    """Points on the positive unit sphere from angles of shape (n, m - 1) in [0, pi/2]: (n, m)."""
    n, k = angles.shape
    cosines = np.concatenate([np.ones((n, 1)), np.cumprod(np.cos(angles), axis=1)], axis=1)  # column i: first i
    sines = np.sin(angles)
    # Objective j: the cosines of the first k - j angles, times the sine of the next one (j > 0).
    return np.column_stack([cosines[:, k - j] * (sines[:, k - j] if j > 0 else 1.0) for j in range(k + 1)])


def _golden(k: int) -> float:
    """The generalized golden ratio: the positive root of x^(k+1) = x + 1 (Roberts 2018)."""
    phi = 2.0
    for _ in range(50):
        phi = (1.0 + phi) ** (1.0 / (k + 1))
    return phi
