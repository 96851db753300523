"""The measurements the gradient-based tutorial shows, as functions that return plain data.

- :func:`mode_costs`: time and memory of reverse against forward mode as the horizon grows.
- :func:`implicit_errors`: how the implicit hypergradient's error shrinks with its iterations.
- :func:`neumann_rate`: the rate its Neumann series converges at (or whether it does at all).
- :func:`compare_with_black_box`: hypergradient descent against a black-box optimizer given the
  same wall time or the same number of evaluations, on the same problem (many hyperparameters
  is where they part).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .._validation import check_int, check_one_of, check_real, fail
from ..optimizers.hypergradient import HypergradientDescent
from ..study.core import Study
from .bilevel import BilevelProblem, check_problem, check_solvable
from .hypergradients import SOLVERS, exact_ridge, forward_mode, implicit, reverse_mode
from .objective import BilevelObjective
from .problems import RidgeProblem

__all__ = ["ModeCosts", "mode_costs", "implicit_errors", "NeumannRate", "neumann_rate", "BlackBoxComparison",
           "compare_with_black_box"]


@dataclass(frozen=True, eq=False)
class ModeCosts:
    """Cost of one hypergradient by reverse and forward mode, per horizon.

    Attributes
    ----------
    horizons : ndarray of shape (m,)
        Unrolled training steps ``T``.
    seconds, stored_bytes : dict of str to ndarray of shape (m,)
        Keys "reverse" and "forward": wall time, and the bytes kept for the derivative.
    """

    horizons: np.ndarray
    seconds: dict[str, np.ndarray]
    stored_bytes: dict[str, np.ndarray]


def _horizons(horizons: Sequence[int], owner: str) -> np.ndarray:
    values = [check_int(h, "horizons", owner, 1) for h in horizons]
    if not values:
        raise fail("horizons", owner, "a non-empty list of positive ints", horizons)
    return np.array(values)


def mode_costs(problem: BilevelProblem, theta: Any, horizons: Sequence[int] = (10, 20, 40, 80)) -> ModeCosts:
    """Time and memory of :func:`reverse_mode` and :func:`forward_mode` at each horizon ``T``.

    Reverse mode keeps every step's intermediate values (memory grows with ``T``, time does
    not depend on ``h``); forward mode keeps ``p x h`` tangents (constant in ``T``, time grows
    with ``h``). Times are single runs after one untimed warm-up: read them as shapes, not
    benchmarks.
    """
    check_problem(problem, "mode_costs")
    theta = problem.check_theta(theta, "mode_costs")
    steps = _horizons(horizons, "mode_costs")
    seconds: dict[str, list[float]] = {"reverse": [], "forward": []}
    stored: dict[str, list[int]] = {"reverse": [], "forward": []}
    for method in (reverse_mode, forward_mode):
        method(problem, theta, 1)  # untimed: the first call of a torch transform pays its set-up
    for T in steps:
        for name, method in (("reverse", reverse_mode), ("forward", forward_mode)):
            result = method(problem, theta, int(T))
            seconds[name].append(result.seconds)
            stored[name].append(result.stored_bytes)
    return ModeCosts(steps, {k: np.array(v) for k, v in seconds.items()},
                     {k: np.array(v, dtype=float) for k, v in stored.items()})


def implicit_errors(problem: BilevelProblem, theta: Any, iterations: Sequence[int] = (0, 1, 2, 5, 10, 20, 50, 100),
                    solvers: str | Sequence[str] = ("cg", "neumann")) -> dict[str, np.ndarray]:
    """Relative error ``||g_k - g|| / ||g||`` of :func:`implicit` after ``k`` iterations, per solver.

    The reference ``g`` is :func:`exact_ridge` for ridge, and conjugate gradient run to
    convergence (as many iterations as there are weights) otherwise. Returns solver ->
    ndarray of shape (len(iterations),). The error goes to zero but not always monotonically:
    the error's eigen-components decay at different rates and their sum can pass through zero.
    """
    check_solvable(check_problem(problem, "implicit_errors"), "implicit_errors")
    theta = problem.check_theta(theta, "implicit_errors")
    counts = [check_int(k, "iterations", "implicit_errors", 0) for k in iterations]
    # Checked before the solves, under this function's name: "cg" is one solver, not "c" and "g".
    solvers = [check_one_of(s, "solvers", "implicit_errors", SOLVERS) for s in
               ([solvers] if isinstance(solvers, str) else solvers)]
    w = problem.solve(theta)
    reference = (exact_ridge(problem, theta) if isinstance(problem, RidgeProblem)
                 else implicit(problem, theta, iterations=problem.n_weights, w=w)).gradient
    scale = np.linalg.norm(reference) or 1.0
    return {solver: np.array([np.linalg.norm(implicit(problem, theta, solver=solver, iterations=k, w=w).gradient
                                             - reference) / scale for k in counts]) for solver in solvers}


@dataclass(frozen=True, eq=False)
class NeumannRate:
    """How fast the Neumann series ``alpha * sum_i (I - alpha H)^i g`` approaches ``H^{-1} g``.

    After ``k`` terms the error is ``(I - alpha H)^(k+1) H^{-1} g``: its component along an
    eigenvector of ``H`` with curvature ``c`` shrinks by ``|1 - alpha c|`` per term. The series
    converges if and only if every such factor is below 1 (``0 < alpha c < 2`` for all ``c``),
    and then at the pace of the slowest, ``1 - alpha c_min`` when ``alpha <= 1 / c_max``, which
    approaches 1 as the Hessian's condition number grows (Lorraine et al., AISTATS 2020).

    Attributes
    ----------
    alpha : float
        The series' step, the problem's inner step size.
    curvatures : ndarray of shape (p,)
        Eigenvalues of the training loss's Hessian at the minimizer, ascending.
    radius : float
        Spectral radius of ``I - alpha H``, ``max |1 - alpha c|``.
    """

    alpha: float
    curvatures: np.ndarray
    radius: float

    @property
    def converges(self) -> bool:
        """Whether the series converges: ``radius < 1``."""
        return self.radius < 1

    def terms(self, reduction: float = 10.0) -> float:
        """Terms for the slowest error component to shrink ``reduction``-fold (inf if it never does)."""
        reduction = check_real(reduction, "reduction", "NeumannRate.terms", 1.0, None, low_open=True)
        return float(np.log(reduction) / -np.log(self.radius)) if self.converges else float("inf")


def neumann_rate(problem: BilevelProblem, theta: Any) -> NeumannRate:
    """The convergence rate of :func:`implicit`'s Neumann series at the minimizer for ``theta``.

    Forms the whole Hessian (p x p, by autograd), so it is for small problems: the tutorial's
    logistic regression has 31 weights.
    """
    check_solvable(check_problem(problem, "neumann_rate"), "neumann_rate")
    theta_t = torch.as_tensor(problem.check_theta(theta, "neumann_rate"))
    w = problem.solve(theta_t)
    hessian = torch.func.hessian(problem.inner_loss)(w, theta_t)
    curvatures = torch.linalg.eigvalsh(hessian).numpy()
    alpha = float(problem.learning_rate(theta_t))
    return NeumannRate(alpha, curvatures, float(np.abs(1 - alpha * curvatures).max()))


@dataclass(frozen=True, eq=False)
class BlackBoxComparison:
    """Hypergradient descent and a black-box optimizer after the same wall time or evaluations.

    Attributes
    ----------
    gradient, black_box : Study
        The two studies (each trial's ``user_attrs["test_loss"]`` is its held-out loss).
    seconds : float
        What the descent's steps took (the black box's budget when matched by time).
    black_box_seconds : float
        What the black box's trials took, its proposals included.
    """

    gradient: Study = field(repr=False)
    black_box: Study = field(repr=False)
    seconds: float
    black_box_seconds: float

    def summary(self) -> dict[str, dict[str, float]]:
        """Per study: trials run, best validation loss, and the test loss of that best trial."""
        out = {}
        for name, study in (("hypergradient descent", self.gradient), ("black box", self.black_box)):
            best = study.best_trial
            value = np.nan if best.value is None else best.value
            out[name] = {"trials": float(len(study.trials)), "validation": float(value),
                         "test": float(best.user_attrs["test_loss"])}
        return out


def compare_with_black_box(problem: BilevelProblem, *, steps: int = 40, optimizer: str = "bo",
                           start: Mapping[str, Any] | None = None, step_size: float = 0.1, method: str | None = None,
                           seed: int = 0, match: str = "time") -> BlackBoxComparison:
    """Run ``steps`` of hypergradient descent, then ``optimizer`` on the same budget.

    Both studies evaluate the same :class:`BilevelObjective` (the black box ignores the
    hypergradient it reports). ``start`` defaults to every hyperparameter at the geometric
    middle of its range, for the descent; the black box starts where it always does.
    ``match="time"`` runs the black box for as long as the descent took, so its trial count
    depends on the machine and its load; ``match="evaluations"`` gives it ``steps`` trials, the
    same number of solves (the same result on every machine).
    """
    check_problem(problem, "compare_with_black_box")
    steps = check_int(steps, "steps", "compare_with_black_box", 1)
    match = check_one_of(match, "match", "compare_with_black_box", ("time", "evaluations"))
    step_size = check_real(step_size, "step_size", "compare_with_black_box", 0.0, None, low_open=True)
    space = problem.space
    # Both studies and objectives are built first: a misspelled optimizer is refused before the descent runs.
    black_box = Study(space, optimizer, seed=seed)
    descent = HypergradientDescent(space, step_size=step_size, start=start or problem.middle(), seed=seed)
    gradient = Study(space, descent)
    descent_objective, objective = BilevelObjective(problem, method), BilevelObjective(problem, method)
    clock = time.perf_counter()
    gradient.run(descent_objective, steps)
    seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    if match == "evaluations":
        black_box.run(objective, steps)
    else:
        while time.perf_counter() - clock < seconds:
            black_box.step(objective)
    return BlackBoxComparison(gradient, black_box, seconds, time.perf_counter() - clock)
