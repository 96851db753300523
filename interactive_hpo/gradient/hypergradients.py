"""Hypergradients ``dE/dtheta``: four ways to differentiate the validation loss.

- :func:`exact_ridge`: the closed form for ridge regression, by the implicit function theorem
  on the normal equations.
- :func:`reverse_mode`: backpropagation through ``T`` unrolled gradient steps (Maclaurin et
  al., ICML 2015), optionally truncated to the last ``K`` (Shaban et al., AISTATS 2019). Its
  memory grows with ``K``: every step's intermediate values are kept for the backward pass.
- :func:`forward_mode`: tangents ``Z_t = dw_t/dtheta`` (shape (p, h)) carried forward with the
  run (Franceschi et al., ICML 2017). Memory is constant in ``T``; the cost grows with ``h``.
- :func:`implicit`: at a minimizer, ``dE/dtheta = -(d^2 L / dtheta dw) H^{-1} dE/dw`` with
  ``H`` the training loss's Hessian; ``H^{-1} dE/dw`` by conjugate gradient (Pedregosa, ICML
  2016; preconditioned with ``H``'s Cholesky factor where the problem gives ``H`` in closed form)
  or a Neumann series (Lorraine et al., AISTATS 2020), from Hessian-vector products
  (:mod:`.solvers`), to a relative residual.
- :func:`finite_differences`: central differences, the reference the others are checked against.

Every function takes a :class:`~interactive_hpo.gradient.bilevel.BilevelProblem` and
``theta`` of shape (h,) (log hyperparameters) and returns a :class:`Hypergradient`.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from .._validation import check_bool, check_int, check_one_of, check_real, check_size, fail, is_int
from .bilevel import MAX_STEPS, THETA_SLACK, BilevelProblem, check_problem, check_solvable, check_steps, checked_theta
from .problems import RidgeProblem
from .solvers import HVP, RTOL, SOLVERS, at_counts, default_cap, iterates, preconditioner, to_tolerance, warn_if_short

__all__ = ["Hypergradient", "METHODS", "MAX_STORED_BYTES", "exact_ridge", "reverse_mode", "forward_mode", "implicit",
           "implicit_path", "finite_differences", "hypergradient", "check_options", "choose_method"]

#: The most bytes :func:`reverse_mode` keeps for its backward pass. Each unrolled step keeps the
#: step's intermediate values: 0.7 MB for the MLP of 32 units, about 70 MB at 4096 units, where
#: its default 100 steps would have kept 7 GB.
MAX_STORED_BYTES = 2**30


@dataclass(frozen=True, eq=False)
class Hypergradient:
    """A validation loss and its gradient with respect to the log hyperparameters.

    Attributes
    ----------
    value : float
        The validation loss ``E`` of the trained (or solved) weights.
    gradient : ndarray of shape (h,)
        ``dE / dtheta`` with ``theta = ln(lambda)``: the change of ``E`` per unit of log.
    method : str
        Which function computed it.
    weights : torch.Tensor of shape (p,)
        The trained weights (for warm starts and test losses).
    stored_bytes : int
        What the derivative had to keep in memory: the tensors saved for the backward pass
        (reverse mode), the tangents (forward mode), the solver's vectors and its preconditioner's
        Cholesky factor, ``8 p^2`` bytes, if it had one (implicit).
    seconds : float
        Wall time of the whole computation, training included.
    iterations : int or None
        The implicit method's solver steps (None for the other methods).
    residual : float or None
        The implicit method's relative residual ``||H v - dE/dw|| / ||dE/dw||`` where its solve
        stopped (None for the other methods).
    """

    value: float
    gradient: np.ndarray
    method: str
    weights: torch.Tensor = field(repr=False)
    stored_bytes: int = 0
    seconds: float = 0.0
    iterations: int | None = None
    residual: float | None = None


@contextmanager
def _saved_bytes() -> Iterator[list[int]]:
    """Count the bytes autograd saves for the backward pass inside the block (each storage once)."""
    seen: set[int] = set()
    total = [0]

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in seen:
            seen.add(storage.data_ptr())
            total[0] += storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield total


def _start(problem: BilevelProblem, theta: Any, owner: str) -> tuple[torch.Tensor, float]:
    """``theta`` checked as a tensor, and the clock started after the checks (they are not the method's cost)."""
    check_problem(problem, owner)
    return torch.as_tensor(checked_theta(problem, theta, owner)), time.perf_counter()


def _steps(problem: BilevelProblem, steps: int | None, owner: str) -> int:
    return problem.default_steps if steps is None else check_steps(steps, "steps", owner)


def _truncate(truncate: Any, steps: int, owner: str) -> int:
    """How many of ``steps`` unrolled steps reverse mode differentiates."""
    return steps if truncate is None else check_int(truncate, "truncate", owner, 1, steps)


def _solver(solver: Any, owner: str) -> str:
    return check_one_of(solver, "solver", owner, SOLVERS)


def _iterations(iterations: Any, owner: str) -> int:
    """At least one: after 0 conjugate-gradient steps the solution is ``v = 0`` and the gradient
    an exact 0 that reads as a stationary point. The error study (:func:`implicit_errors`) plots
    ``k = 0`` through :func:`implicit_path`, which takes any count."""
    if is_int(iterations) and int(iterations) == 0:
        raise fail("iterations", owner, f"an int in [1, {MAX_STEPS}]", iterations,
                   hint="With 0 the solve has not started (conjugate gradient returns a zero hypergradient); "
                        "implicit_errors shows the error from k = 0 up.")
    return check_steps(iterations, "iterations", owner)


def _rtol(rtol: Any, owner: str) -> float:
    return check_real(rtol, "rtol", owner, 0.0, 1.0, low_open=True, high_open=True)


def _eps(eps: Any, owner: str) -> float:
    return check_real(eps, "eps", owner, 0.0, THETA_SLACK / 2, low_open=True)


def _result(problem: BilevelProblem, w: torch.Tensor, gradient: torch.Tensor, method: str, stored: int,
            started: float) -> Hypergradient:
    with torch.no_grad():
        value = float(problem.outer_loss(w))
    return Hypergradient(value, gradient.detach().numpy().astype(float), method, w.detach(), int(stored),
                         time.perf_counter() - started)


def exact_ridge(problem: RidgeProblem, theta: Any) -> Hypergradient:
    """The closed-form hypergradient of ridge regression.

    With ``A w* = b``, ``A = X^T X / n + diag(lambda)``, differentiating gives
    ``dw*/dlambda_j = -A^{-1} e_j w*_j``, so ``dE/dtheta_j = -lambda_j w*_j (A^{-1} g)_j`` with
    ``g = dE/dw`` (summed over the features a shared ``lambda`` penalizes).
    """
    if not isinstance(problem, RidgeProblem):
        raise fail("problem", "exact_ridge", "a RidgeProblem (the closed form exists for ridge only)", problem)
    theta_t, started = _start(problem, theta, "exact_ridge")
    A, b = problem.normal_equations(theta_t)
    w = torch.linalg.solve(A, b)
    u = torch.linalg.solve(A, torch.func.grad(problem.outer_loss)(w))
    per_feature = -torch.exp(theta_t)[problem.groups] * w * u
    gradient = torch.zeros(problem.n_hyper, dtype=torch.float64).index_add(0, problem.groups, per_feature)
    return _result(problem, w, gradient, "exact", 0, started)


def reverse_mode(problem: BilevelProblem, theta: Any, steps: int | None = None, *, truncate: int | None = None,
                 w0: Any = None) -> Hypergradient:
    """Backpropagate through ``steps`` gradient steps (only the last ``truncate`` of them) from
    ``w0`` (weights of shape (p,); default ``problem.init_weights()``).

    The first ``steps - truncate`` steps run without a graph; their result is treated as a
    constant, which biases the hypergradient but bounds memory (truncated backpropagation).
    """
    theta_t, started = _start(problem, theta, "reverse_mode")
    steps = _steps(problem, steps, "reverse_mode")
    kept = _truncate(truncate, steps, "reverse_mode")
    w = problem.train(theta_t, steps - kept, problem.start(w0, "reverse_mode"))
    theta_t.requires_grad_(True)
    w.requires_grad_(True)
    with _saved_bytes() as stored:
        for step in range(kept):
            (grad_w,) = torch.autograd.grad(problem.inner_loss(w, theta_t), w, create_graph=True)
            w = w - problem.learning_rate(theta_t) * grad_w
            if step == 0:
                first = stored[0]  # the data, kept once, and the first step's values
            elif step == 1:  # each step keeps as much as this one: what all of them keep is known now
                each = max(stored[0] - first, 1)
                check_size(kept, "steps" if truncate is None else "truncate", "reverse_mode", 1, each,
                           MAX_STORED_BYTES - (first - each), "bytes kept for the backward pass")
        (gradient,) = torch.autograd.grad(problem.outer_loss(w), theta_t)
    return _result(problem, w, gradient, "reverse", stored[0], started)


def forward_mode(problem: BilevelProblem, theta: Any, steps: int | None = None, *,
                 w0: Any = None) -> Hypergradient:
    """Carry the tangents ``Z = dw/dtheta`` (shape (p, h)) along ``steps`` gradient steps from
    ``w0`` (weights of shape (p,); default ``problem.init_weights()``).

    Each step is ``Z <- dstep/dw Z + dstep/dtheta``, one Jacobian-vector product per
    hyperparameter (batched with ``vmap``); ``dE/dtheta = dE/dw(w_T) Z_T`` at the end.
    """
    theta_t, started = _start(problem, theta, "forward_mode")
    steps = _steps(problem, steps, "forward_mode")
    w = problem.start(w0, "forward_mode")
    Z = torch.zeros(problem.n_weights, problem.n_hyper, dtype=torch.float64)
    directions = torch.eye(problem.n_hyper, dtype=torch.float64)

    def tangent(z: torch.Tensor, direction: torch.Tensor) -> torch.Tensor:
        return torch.func.jvp(problem.step, (w, theta_t), (z, direction))[1]

    for _ in range(steps):
        Z = torch.func.vmap(tangent, in_dims=(1, 0), out_dims=1)(Z, directions)
        w = problem.step(w, theta_t).detach()
    gradient = torch.func.grad(problem.outer_loss)(w) @ Z
    return _result(problem, w, gradient, "forward", Z.nbytes + w.nbytes, started)


@contextmanager
def _implicit_system(problem: BilevelProblem, theta: torch.Tensor, w: torch.Tensor, solver: str,
                     precondition: bool = False) -> Iterator[tuple[Iterator[tuple[torch.Tensor, float]], HVP, int]]:
    """The iterates of ``solver`` on ``H v = dE/dw`` at the minimizer ``w`` (:func:`solvers.iterates`),
    the map from a solution ``v`` to its hypergradient, ``-(d^2 L / dtheta dw) v``, and the bytes
    the solve holds: a few vectors, and with ``precondition`` the Cholesky factor of
    :meth:`BilevelProblem.hessian` if used (:func:`solvers.preconditioner`).

    The training loss's gradient is built once with its graph kept: each Hessian-vector product
    (and the mixed derivative at the end) is one backward pass through it, where a
    forward-over-reverse product computed that gradient again every time (several times slower).
    """
    # Autograd on, even inside the caller's torch.no_grad() or torch.inference_mode() (whose
    # tensors autograd cannot use: hence the copies).
    with torch.inference_mode(False), torch.enable_grad():
        w, theta = w.detach().clone().requires_grad_(), theta.detach().clone().requires_grad_()
        (grad_w,) = torch.autograd.grad(problem.inner_loss(w, theta), w, create_graph=True)

        def backward(v: torch.Tensor, of: torch.Tensor) -> torch.Tensor:
            (product,) = torch.autograd.grad(grad_w, of, v, retain_graph=True, allow_unused=True,
                                             materialize_grads=True)
            return product.detach()

        g = torch.func.grad(problem.outer_loss)(w.detach())
        factored = preconditioner(lambda: problem.hessian(w.detach(), theta.detach()), problem.n_weights) if (
            precondition and solver == "cg") else None
        steps = iterates(solver, lambda v: backward(v, w), g, lambda: problem.learning_rate(theta.detach()), factored)
        # -d/dtheta of (dL/dw . v) with w and v held fixed: the mixed second derivative times v.
        yield steps, lambda v: -backward(v, theta), 4 * g.nbytes + (0 if factored is None else g.nbytes * len(g))


def implicit_path(problem: BilevelProblem, theta: torch.Tensor, w: torch.Tensor, solver: str,
                  counts: Sequence[int]) -> list[torch.Tensor]:
    """The implicit hypergradient at the minimizer ``w`` after exactly each of ``counts`` iterations
    of ``solver`` (no tolerance), from one run of it to the largest (the error study's)."""
    with _implicit_system(problem, theta, w, solver) as (steps, hypergradient_of, _):
        return [hypergradient_of(v) for v in at_counts(steps, counts)]


def implicit(problem: BilevelProblem, theta: Any, *, solver: str = "cg", rtol: float = RTOL,
             iterations: int | None = None, precondition: bool = True, w: Any = None,
             w0: Any = None) -> Hypergradient:
    """The implicit-function hypergradient at the minimizer ``w*`` (solved here unless given as ``w``).

    ``H^{-1} dE/dw`` is solved until the relative residual ``||H v - dE/dw|| / ||dE/dw||`` is at
    most ``rtol``, or ``iterations`` steps were taken; then a :class:`ConvergenceWarning` says
    so, and the result's ``residual`` records where the solve stopped.

    Parameters
    ----------
    solver : {"cg", "neumann"}
        How ``H^{-1} dE/dw`` is approximated from Hessian-vector products.
    precondition : bool, default True
        Precondition conjugate gradient with the Cholesky factor of the problem's closed-form
        Hessian (:meth:`BilevelProblem.hessian`: ridge's and logistic regression's; at most
        :data:`~interactive_hpo.gradient.solvers.MAX_DIRECT_WEIGHTS` weights): about one step where
        plain conjugate gradient (without one, or False) took 1,500-2,000 on digits' 64 spread
        penalties. The residual is measured as before; the Neumann series is never preconditioned.
    rtol : float, default 1e-6
        The relative residual to reach, in (0, 1). The hypergradient's relative error can be up
        to the Hessian's condition number times larger.
    iterations : int, optional
        The cap on conjugate-gradient steps or Neumann terms after the first, at least 1.
        Default: ten per weight, ``10 p`` (at most MAX_STEPS; rounding makes conjugate gradient
        take more than its exact-arithmetic ``p`` on an ill-conditioned Hessian).
        :func:`implicit_errors` measures the error after fixed counts, from 0 up.
    w : torch.Tensor or array of shape (p,), optional
        An already computed minimizer (the approximation-error study reuses one).
    w0 : torch.Tensor or array of shape (p,), optional
        A warm start for the solver.
    """
    theta_t, started = _start(problem, theta, "implicit")
    solver = _solver(solver, "implicit")
    rtol = _rtol(rtol, "implicit")
    precondition = check_bool(precondition, "precondition", "implicit")
    cap = default_cap(problem.n_weights) if iterations is None else _iterations(iterations, "implicit")
    given = problem.check_weights(w, "w", "implicit")
    check_solvable(problem, "implicit")  # with a w given too: its learning rate read as 0
    w = problem.solve(theta_t, problem.start(w0, "implicit")) if given is None else given
    with _implicit_system(problem, theta_t, w, solver, precondition) as (steps, hypergradient_of, held):
        solve = to_tolerance(steps, rtol, cap)
        gradient = hypergradient_of(solve.v)
    warn_if_short(solve, solver, rtol, cap)
    result = _result(problem, w, gradient, f"implicit-{solver}", held, started)
    return replace(result, iterations=solve.iterations, residual=solve.residual)


def finite_differences(problem: BilevelProblem, theta: Any, *, steps: int | None = None, eps: float = 1e-4,
                       w0: Any = None) -> Hypergradient:
    """Central differences ``(E(theta + eps e_i) - E(theta - eps e_i)) / (2 eps)``, 2h trainings.

    ``steps=None`` differentiates the minimizer (:meth:`solve`), as :func:`exact_ridge` and
    :func:`implicit` do; an int differentiates that many unrolled steps, as :func:`reverse_mode`
    and :func:`forward_mode` do, from ``w0`` (shape (p,); default ``problem.init_weights()``).
    ``eps`` is at most half of :data:`~interactive_hpo.gradient.bilevel.THETA_SLACK`, the room a
    problem has outside its bounds, so that the differences are defined at a bound too.
    """
    theta_t, started = _start(problem, theta, "finite_differences")
    eps = _eps(eps, "finite_differences")
    w0 = problem.start(w0, "finite_differences")
    if steps is None:
        check_solvable(problem, "finite_differences")
    else:
        steps = check_steps(steps, "steps", "finite_differences")

    def fit(t: torch.Tensor) -> torch.Tensor:
        return problem.solve(t, w0) if steps is None else problem.train(t, steps, w0)

    gradient = torch.zeros(problem.n_hyper, dtype=torch.float64)
    with torch.no_grad():
        for i in range(problem.n_hyper):
            shift = torch.zeros_like(theta_t)
            shift[i] = eps
            gradient[i] = (problem.outer_loss(fit(theta_t + shift)) - problem.outer_loss(fit(theta_t - shift))) / (
                2 * eps)
    return _result(problem, fit(theta_t), gradient, "finite-differences", 0, started)


#: Method name -> function, for :func:`hypergradient` and the objective.
METHODS: dict[str, Callable[..., Hypergradient]] = {
    "exact": exact_ridge, "reverse": reverse_mode, "forward": forward_mode, "implicit": implicit,
    "finite-differences": finite_differences,
}


def hypergradient(problem: BilevelProblem, theta: Any, method: str | None = None, **options: Any) -> Hypergradient:
    """Dispatch to the function named ``method`` (a key of :data:`METHODS`) with ``options``.

    By default (None) the method that fits the problem, as :class:`BilevelObjective` picks it:
    ``"reverse"`` when a hyperparameter acts through training (a learning rate), ``"implicit"``
    otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from interactive_hpo.gradient import RidgeProblem
    >>> problem = RidgeProblem()
    >>> exact = hypergradient(problem, [0.0], "exact")
    >>> bool(np.allclose(exact.gradient, hypergradient(problem, [0.0], "implicit").gradient))
    True
    """
    method, options = choose_method(problem, method, options, "hypergradient")
    return METHODS[method](problem, problem.check_theta(theta, "hypergradient"), **options)


def choose_method(problem: BilevelProblem, method: str | None, options: Mapping[str, Any], owner: str,
                  reserved: tuple[str, ...] = ()) -> tuple[str, dict]:
    """``method`` (None: "reverse" for a problem with training-dynamics hyperparameters, else
    "implicit") and its ``options``, checked as its function would check them but under
    ``owner``, the function the person called: :func:`hypergradient`, or an objective built now
    and called later (its first trial would fail on what was typed here)."""
    check_problem(problem, owner)
    checked_theta(problem, problem.theta(problem.middle()), owner)
    default = "reverse" if problem.dynamics else "implicit"
    method = check_one_of(default if method is None else method, "method", owner, tuple(METHODS))
    if method == "exact" and not isinstance(problem, RidgeProblem):
        raise fail("method", owner, "a method other than 'exact' (the closed form is ridge's)", method)
    # Implicit differentiation reads a minimizer, found or given (w): a hyperparameter acting
    # through training has no derivative there (a given w read the learning rate's as 0). Finite
    # differences find the minimizer unless given a number of steps to differentiate instead.
    solves = method == "implicit" or (method == "finite-differences" and options.get("steps") is None)
    if solves and problem.dynamics:
        raise fail("method", owner, "'reverse' or 'forward' for this problem", method,
                   hint=f"{list(problem.dynamics)} act through training, which "
                        + ("implicit differentiation does not see." if method == "implicit"
                           else "differences of the minimizer do not see (give finite-differences steps=...)."))
    return method, check_options(method, options, owner, problem, reserved)


def check_options(method: str, options: Mapping[str, Any], owner: str, problem: BilevelProblem,
                  reserved: tuple[str, ...] = ()) -> dict:
    """``options`` as a dict if each is a keyword of the function ``METHODS[method]`` (besides
    ``problem``, ``theta`` and the ``reserved`` ones the caller sets) with a value it takes for
    ``problem``, else the uniform error naming ``owner``; unknown keywords name the first one
    and list those accepted."""
    accepted = [name for name in inspect.signature(METHODS[method]).parameters
                if name not in ("problem", "theta", *reserved)]
    for key in options:
        if key not in accepted:
            raise fail("options", owner, f"keywords of method {method!r} among {accepted}", key)
    steps = options.get("steps")
    rules: dict[str, Callable[[Any], Any]] = {
        "steps": lambda value: None if value is None else check_steps(value, "steps", owner),
        "truncate": lambda value: _truncate(value, _steps(problem, steps, owner), owner),
        "solver": lambda value: _solver(value, owner),
        "iterations": lambda value: None if value is None else _iterations(value, owner),
        "rtol": lambda value: _rtol(value, owner),
        "precondition": lambda value: check_bool(value, "precondition", owner),
        "eps": lambda value: _eps(value, owner),
        "w0": lambda value: problem.check_weights(value, "w0", owner),
        "w": lambda value: problem.check_weights(value, "w", owner),
    }
    for key, value in options.items():
        rules[key](value)
    return dict(options)
