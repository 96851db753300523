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

from .._validation import as_list, check_int, check_one_of, check_real, fail, seed_to_int
from ..exceptions import InvalidParameterError
from ..optimizers.capabilities import Scheduler
from ..optimizers.hypergradient import HypergradientDescent
from ..optimizers.registry import optimizer_class
from ..study.core import Study
from .bilevel import MAX_STEPS, BilevelProblem, check_problem, check_solvable, check_steps, checked_theta
from .hypergradients import choose_method, exact_ridge, forward_mode, implicit_path, reverse_mode
from .objective import BilevelObjective
from .problems import RidgeProblem
from .solvers import SOLVERS

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
    gradients : dict of str to ndarray of shape (m, h)
        The hypergradients themselves, same keys: forward mode's is the full unrolled one, so
        it measures how far a truncated reverse mode's drifts.
    """

    horizons: np.ndarray
    seconds: dict[str, np.ndarray]
    stored_bytes: dict[str, np.ndarray]
    gradients: dict[str, np.ndarray]


#: The most hypergradient-descent steps :func:`compare_with_black_box` takes: each is a solve
#: (0.3 s on digits' 650 weights), and the black box then gets as long again.
MAX_DESCENT_STEPS = 1000


def _counts(values: Any, name: str, owner: str, low: int, times: int = 1) -> list[int]:
    """``values``, a non-empty list (or 1-D array) of ints of at least ``low``, whose sum, run
    ``times`` over, is at most :data:`~interactive_hpo.gradient.bilevel.MAX_STEPS` steps."""
    items = as_list(values)
    rule = f"a non-empty list of ints in [{low}, {MAX_STEPS}] (at most {MAX_STEPS} steps in all)"
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence) or not items:
        raise fail(name, owner, rule, values)
    counts = [check_steps(item, name, owner, low) for item in items]
    if sum(counts) * times > MAX_STEPS:
        raise fail(name, owner, rule, values, hint=f"These make {sum(counts) * times:,}.")
    return counts


def mode_costs(problem: BilevelProblem, theta: Any, horizons: Sequence[int] = (10, 20, 40, 80), *,
               truncate: int | None = None) -> ModeCosts:
    """Time and memory of :func:`reverse_mode` and :func:`forward_mode` at each horizon ``T``.

    Reverse mode keeps every step's intermediate values (memory grows with ``T``, time does
    not depend on ``h``); forward mode keeps ``p x h`` tangents (constant in ``T``, time grows
    with ``h``). Times are single runs after one untimed warm-up: read them as shapes, not
    benchmarks.

    ``truncate``: reverse mode backpropagates through the last ``truncate`` steps of each run
    only (all of a shorter one), as ``reverse_mode(..., truncate=...)`` does: its memory stops
    growing past ``T = truncate`` and its hypergradient (``gradients["reverse"]``) drifts from
    the full one (``gradients["forward"]``).
    """
    check_problem(problem, "mode_costs")
    theta = checked_theta(problem, theta, "mode_costs")
    steps = np.array(_counts(horizons, "horizons", "mode_costs", 1))
    kept = None if truncate is None else check_int(truncate, "truncate", "mode_costs", 1, MAX_STEPS)
    seconds: dict[str, list[float]] = {"reverse": [], "forward": []}
    stored: dict[str, list[int]] = {"reverse": [], "forward": []}
    gradients: dict[str, list[np.ndarray]] = {"reverse": [], "forward": []}
    for method in (reverse_mode, forward_mode):
        method(problem, theta, 1)  # untimed: the first call of a torch transform pays its set-up
    for T in steps:
        # Truncated only where it cuts (a truncate past the horizon is the whole run), and a horizon
        # whose backward pass would not fit refused as what the person typed: reverse_mode's error
        # named its own `steps`, or a `truncate` clamped to a value nobody typed (review r397).
        cut = None if kept is None or kept >= T else kept
        try:
            reverse = reverse_mode(problem, theta, int(T), truncate=cut)
        except InvalidParameterError as error:
            raise fail("horizons" if cut is None else "truncate", "mode_costs", "a number of steps whose backward "
                       "pass fits in memory", int(T) if cut is None else cut,
                       hint=f"reverse_mode said: {error} truncate=K keeps the last K steps of each horizon.") from None
        for name, result in (("reverse", reverse), ("forward", forward_mode(problem, theta, int(T)))):
            seconds[name].append(result.seconds)
            stored[name].append(result.stored_bytes)
            gradients[name].append(result.gradient)
    return ModeCosts(steps, {k: np.array(v) for k, v in seconds.items()},
                     {k: np.array(v, dtype=float) for k, v in stored.items()},
                     {k: np.array(v) for k, v in gradients.items()})


def implicit_errors(problem: BilevelProblem, theta: Any, iterations: Sequence[int] = (0, 1, 2, 5, 10, 20, 50, 100),
                    solvers: str | Sequence[str] = ("cg", "neumann")) -> dict[str, np.ndarray]:
    """Relative error ``||g_k - g|| / ||g||`` of :func:`implicit` after ``k`` iterations, per solver.

    The reference ``g`` is :func:`exact_ridge` for ridge, and conjugate gradient run to
    convergence (as many iterations as there are weights, at most MAX_STEPS) otherwise. Returns solver ->
    ndarray of shape (len(iterations),). The error goes to zero but not always monotonically:
    the error's eigen-components decay at different rates and their sum can pass through zero.
    """
    check_solvable(check_problem(problem, "implicit_errors"), "implicit_errors")
    theta = checked_theta(problem, theta, "implicit_errors")
    # Checked before the solves, under this function's name: "cg" is one solver, not "c" and "g".
    names = [solvers] if isinstance(solvers, str) else as_list(solvers)
    if not isinstance(names, Sequence) or not names:
        raise fail("solvers", "implicit_errors", f"one of {list(SOLVERS)} or a non-empty list of them", solvers)
    solvers = [check_one_of(s, "solvers", "implicit_errors", SOLVERS) for s in names]
    counts = _counts(iterations, "iterations", "implicit_errors", 0, times=len(solvers))
    theta_t = torch.as_tensor(theta)
    w = problem.solve(theta_t)
    converged = [] if isinstance(problem, RidgeProblem) else [min(problem.n_weights, MAX_STEPS)]
    # One run per solver gives every count; conjugate gradient's goes on to the reference.
    runs = {solver: implicit_path(problem, theta_t, w, solver, counts + converged * (solver == "cg"))
            for solver in solvers}
    if isinstance(problem, RidgeProblem):
        reference = exact_ridge(problem, theta).gradient
    else:
        reference = (runs["cg"] if "cg" in runs else implicit_path(problem, theta_t, w, "cg", converged))[-1].numpy()
    scale = np.linalg.norm(reference) or 1.0
    return {solver: np.array([np.linalg.norm(g.numpy() - reference) / scale for g in runs[solver][:len(counts)]])
            for solver in solvers}


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
        """Terms for the slowest error component to shrink ``reduction``-fold (inf if it never does;
        0 at radius 0, where the first term is already exact: the limit as the radius shrinks)."""
        reduction = check_real(reduction, "reduction", "NeumannRate.terms", 1.0, None, low_open=True)
        if not self.converges:
            return float("inf")
        return float(np.log(reduction) / -np.log(self.radius)) if self.radius > 0 else 0.0


def neumann_rate(problem: BilevelProblem, theta: Any) -> NeumannRate:
    """The convergence rate of :func:`implicit`'s Neumann series at the minimizer for ``theta``.

    Forms the whole Hessian (p x p, by autograd), so it is for small problems: the tutorial's
    logistic regression has 31 weights.
    """
    check_solvable(check_problem(problem, "neumann_rate"), "neumann_rate")
    theta_t = torch.as_tensor(checked_theta(problem, theta, "neumann_rate"))
    w = problem.solve(theta_t)
    hessian = torch.func.hessian(problem.inner_loss)(w, theta_t)
    if not torch.isfinite(hessian).all():  # a training loss that diverged: eigvalsh failed to converge
        return NeumannRate(float(problem.learning_rate(theta_t)), np.full(len(hessian), np.nan), np.nan)
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
                           seed: int = 0, match: str = "time", progress: bool | None = None) -> BlackBoxComparison:
    """Run ``steps`` of hypergradient descent, then ``optimizer`` on the same budget.

    Both studies evaluate the same :class:`BilevelObjective` (the black box ignores the
    hypergradient it reports). ``start`` defaults to every hyperparameter at the geometric
    middle of its range, for the descent; the black box starts where it always does.
    ``match="time"`` runs the black box for as long as the descent took, so its trial count
    depends on the machine and its load; ``match="evaluations"`` gives it ``steps`` trials, the
    same number of solves (the same result on every machine). ``progress`` is passed to both
    studies' :meth:`Study.run` (None: the progress line in a notebook only; the time-matched black
    box steps without one).
    """
    owner = "compare_with_black_box"
    check_problem(problem, owner)
    steps = check_int(steps, "steps", owner, 1, MAX_DESCENT_STEPS)
    match = check_one_of(match, "match", owner, ("time", "evaluations"))
    step_size = check_real(step_size, "step_size", owner, 0.0, None, low_open=True)
    # What Study, HypergradientDescent and BilevelObjective would refuse, refused under this name.
    choose_method(problem, method, {}, owner)
    if not isinstance(optimizer, str):
        raise fail("optimizer", owner, "the name of a registered optimizer", optimizer)
    optimizer_class(optimizer, argument="optimizer", owner=owner)
    if not isinstance(seed, np.random.Generator):  # a Generator's draws are the studies' to make
        seed_to_int(seed, owner)
    # An empty dict starts at the middle too, as `start or ...` always read it.
    if start is not None and (not isinstance(start, Mapping) or start):
        problem.space.validate(start, name="start", owner=owner)
    space = problem.space
    # Both studies and objectives are built first: a misspelled optimizer is refused before the descent runs.
    black_box = Study(space, optimizer, seed=seed)
    if isinstance(black_box.optimizer, Scheduler):  # Study.run refused it, after the whole descent
        raise fail("optimizer", owner, "an optimizer that evaluates every configuration in full (the bilevel "
                   "objective has no budget)", optimizer)
    descent = HypergradientDescent(space, step_size=step_size, start=start or problem.middle(), seed=seed)
    gradient = Study(space, descent)
    descent_objective, objective = BilevelObjective(problem, method), BilevelObjective(problem, method)
    clock = time.perf_counter()
    gradient.run(descent_objective, steps, progress=progress)
    seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    if match == "evaluations":
        black_box.run(objective, steps, progress=progress)
    else:
        while time.perf_counter() - clock < seconds:
            black_box.step(objective)
    return BlackBoxComparison(gradient, black_box, seconds, time.perf_counter() - clock)
