"""Linear solves ``H v = g`` from Hessian-vector products only, for the implicit hypergradient.

Two solvers, each an iteration that yields its iterate ``v_k`` and relative residual
``||g - H v_k|| / ||g||`` at every step ``k = 0, 1, ...``: conjugate gradient (Pedregosa, ICML
2016), optionally preconditioned, and the Neumann series (Lorraine et al., AISTATS 2020).
:func:`at_counts` reads the iterates after fixed step counts (the error study); :func:`to_tolerance`
stops at a residual (``implicit``), so that a hard system is solved as well as an easy one, and
says when its cap on the steps came first. :func:`preconditioner` makes conjugate gradient
exact in about one step where a problem gives its Hessian in closed form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import torch

from .._validation import warn_user
from .bilevel import MAX_STEPS

__all__ = ["SOLVERS", "RTOL", "ITERATIONS_PER_WEIGHT", "MAX_DIRECT_WEIGHTS", "ConvergenceWarning", "Solve",
           "iterates", "at_counts", "to_tolerance", "default_cap", "warn_if_short", "preconditioner"]

SOLVERS = ("cg", "neumann")

#: The relative residual ``||H v - dE/dw|| / ||dE/dw||`` at which ``implicit`` stops by default:
#: the hypergradient's relative error came out about as large (digits, 64 penalties).
RTOL = 1e-6
#: ``implicit``'s default cap on iterations, per weight. Conjugate gradient solves exactly in
#: ``p`` steps in exact arithmetic, but rounding loses that on an ill-conditioned Hessian: at
#: random points of digits' box (650 weights, penalties over six decades) it took 1,600-3,100
#: steps to reach RTOL (a fixed 20, the old default, left it 60-95 % off along notebook 10's
#: descent and 100 % at a random point: audit a461; 650 still left 0.2 %).
ITERATIONS_PER_WEIGHT = 10

#: The most weights for which ``implicit`` factors a closed-form Hessian (:meth:`BilevelProblem.hessian`)
#: to precondition conjugate gradient: the (p, p) matrix takes ``8 p^2`` bytes and its Cholesky
#: factorization ``p^3 / 3`` multiplications: 5 ms at digits' 650 weights, so at this cap 32 MB and,
#: by the cube law, about 0.15 s, against 0.5-1 ms per Hessian-vector product at 650 already.
MAX_DIRECT_WEIGHTS = 2000

#: Solver name -> its name in a message.
SOLVER_NAMES = {"cg": "conjugate gradient", "neumann": "the Neumann series"}

HVP = Callable[[torch.Tensor], torch.Tensor]


class ConvergenceWarning(UserWarning):
    """The implicit hypergradient's linear solve reached its cap on iterations before its tolerance."""


class Solve(NamedTuple):
    """Where a solve stopped: ``v`` of shape (p,), the ``iterations`` it took and its relative residual."""

    v: torch.Tensor
    iterations: int
    residual: float


def _relative(norm: torch.Tensor, scale: torch.Tensor) -> float:
    """``norm / scale``, 0 for a zero right-hand side (``v = 0`` solves it exactly)."""
    return float(norm / scale) if scale > 0 else 0.0


def _conjugate_gradient(hvp: HVP, g: torch.Tensor, precondition: HVP | None) -> Iterator[tuple[torch.Tensor, float]]:
    """Conjugate gradient from ``v = 0``, preconditioned by ``precondition(r) ~ H^{-1} r`` if given
    (Saad, *Iterative Methods for Sparse Linear Systems*, 2003, algorithm 9.1); its recursive
    residual stands for ``g - H v`` (equal in exact arithmetic, and the solves here stop long
    before rounding parts them), and it is what the tolerance reads, preconditioned or not."""
    precondition = precondition or (lambda r: r)
    v, residual = torch.zeros_like(g), g.clone()
    scale = torch.linalg.vector_norm(g)
    direction = precondition(residual)
    inner = residual @ direction
    while True:
        norm = torch.linalg.vector_norm(residual)
        yield v, _relative(norm, scale)
        if norm ** 2 <= 1e-30 or inner <= 0:  # solved exactly: another step would divide by zero
            return
        H_direction = hvp(direction)
        alpha = inner / (direction @ H_direction)
        v, residual = v + alpha * direction, residual - alpha * H_direction
        preconditioned = precondition(residual)
        new_inner = residual @ preconditioned
        direction, inner = preconditioned + (new_inner / inner) * direction, new_inner


def _neumann(hvp: HVP, g: torch.Tensor, alpha: torch.Tensor) -> Iterator[tuple[torch.Tensor, float]]:
    """``v_k = alpha * sum_{i=0}^{k} (I - alpha H)^i g``: converges to ``H^{-1} g`` when ``alpha`` is
    below ``2 / ||H||`` (the inner step size is), slowly when ``H`` is ill-conditioned. Its residual
    ``g - H v_k`` is the next term, ``(I - alpha H)^(k+1) g``, one product ahead of ``v_k``."""
    term, total = g.clone(), g.clone()
    scale = torch.linalg.vector_norm(g)
    while True:
        term = term - alpha * hvp(term)
        yield alpha * total, _relative(torch.linalg.vector_norm(term), scale)
        total = total + term


def iterates(solver: str, hvp: HVP, g: torch.Tensor, step_size: Callable[[], torch.Tensor],
             precondition: HVP | None = None) -> Iterator[tuple[torch.Tensor, float]]:
    """``(v_k, ||g - H v_k|| / ||g||)`` for ``k = 0, 1, ...`` of ``solver`` ("cg" or "neumann") on
    ``H v = g``, ``g`` of shape (p,), ``hvp(u) = H u``; ``step_size()`` is the Neumann series'
    ``alpha`` (read only by it), ``precondition`` conjugate gradient's (the Neumann series is
    never preconditioned: it is taught as the approximation it is). Conjugate gradient's iteration
    ends once it solved exactly."""
    return _conjugate_gradient(hvp, g, precondition) if solver == "cg" else _neumann(hvp, g, step_size())


def preconditioner(hessian: Callable[[], torch.Tensor | None], n_weights: int) -> HVP | None:
    """``r -> H^{-1} r`` by a Cholesky factor of ``hessian()`` (shape (p, p), built only for at most
    :data:`MAX_DIRECT_WEIGHTS` weights), or None when there is none to use: too many weights, no
    closed form, or one that is not finite and positive definite in floating point (conjugate
    gradient then runs plain). With the exact Hessian, preconditioned conjugate gradient solves in
    one step up to rounding: on digits' 64 spread penalties one step instead of 1,500-2,000, where
    a diagonal (Jacobi) preconditioner only cut them to about 300 (h471)."""
    if n_weights > MAX_DIRECT_WEIGHTS:
        return None
    with torch.no_grad():
        matrix = hessian()
    if matrix is None or not bool(torch.isfinite(matrix).all()):
        return None
    factor, info = torch.linalg.cholesky_ex(matrix)
    if info:
        return None
    return lambda r: torch.cholesky_solve(r[:, None], factor)[:, 0]


def at_counts(steps: Iterator[tuple[torch.Tensor, float]], counts: Sequence[int]) -> list[torch.Tensor]:
    """The iterate after each of ``counts`` steps, from one run to the largest (the run to ``k``
    steps passes through every smaller count); past an iteration's end, its last iterate."""
    kept: dict[int, torch.Tensor] = {}
    v = torch.empty(0)
    for k, (v, _) in enumerate(steps):
        if k in counts:
            kept[k] = v
        if k >= max(counts):
            break
    return [kept.get(k, v) for k in counts]


def to_tolerance(steps: Iterator[tuple[torch.Tensor, float]], rtol: float, cap: int) -> Solve:
    """The first iterate whose relative residual is at most ``rtol``, or the one after ``cap``
    steps (the caller warns then: :class:`ConvergenceWarning`)."""
    solve = Solve(torch.empty(0), 0, float("nan"))
    for k, (v, residual) in enumerate(steps):
        solve = Solve(v, k, residual)
        if residual <= rtol or k >= cap:
            break
    return solve


def default_cap(n_weights: int) -> int:
    """The implicit method's cap on iterations for ``n_weights`` weights when none is given."""
    return min(ITERATIONS_PER_WEIGHT * n_weights, MAX_STEPS)


def warn_if_short(solve: Solve, solver: str, rtol: float, cap: int) -> None:
    """A :class:`ConvergenceWarning` if ``solve`` stopped at its ``cap`` above ``rtol`` (or at NaN)."""
    if not solve.residual <= rtol:
        warn_user(f"implicit: {SOLVER_NAMES[solver]} reached its cap of {cap} iterations at a relative residual "
                  f"of {solve.residual:.2g}, above rtol={rtol:g}, so the hypergradient can be far off (its "
                  f"`residual` records this). Pass a larger iterations= (at most {MAX_STEPS})"
                  + (", solver='cg'" if solver == "neumann" else "") + " or a larger rtol=.", ConvergenceWarning)
