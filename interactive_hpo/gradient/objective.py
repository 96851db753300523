"""A bilevel problem as a study objective: the validation loss, with its hypergradient attached."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from .._validation import check_bool
from ..optimizers.hypergradient import GRADIENT_ATTR
from ..trial import Evaluation
from .bilevel import BilevelProblem, check_problem
from .hypergradients import METHODS, choose_method

__all__ = ["BilevelObjective"]


class BilevelObjective:
    """Evaluate hyperparameters on a :class:`BilevelProblem` and report the hypergradient.

    Calling it with ``params`` trains (or solves) the inner problem, computes the validation
    loss and its hypergradient by ``method``, and returns an
    :class:`~interactive_hpo.Evaluation` whose ``user_attrs`` hold
    ``hypergradient`` (``{name: d loss / d ln(value)}``, what
    :class:`~interactive_hpo.HypergradientDescent` steps on), ``test_loss`` (the held-out part,
    never used by any hypergradient), ``method`` and ``seconds``, and for the implicit method
    ``residual``, the relative residual its linear solve stopped at (a
    :class:`~interactive_hpo.gradient.ConvergenceWarning` says when that is above ``rtol``). Study it over its own
    :attr:`space`, whose hyperparameters are log ``Float`` s: a linear ``Float`` of the same name
    is read in its own units (``d loss / d value``), so the descent would step by a gradient off
    by the factor ``value``.

    Parameters
    ----------
    problem : BilevelProblem
    method : str, optional
        A key of :data:`~interactive_hpo.gradient.METHODS`; default "implicit", or "reverse"
        for problems with training-dynamics hyperparameters (a learning rate).
    warm_start : bool, optional
        Start each training from the previous call's weights. Default: on for "implicit" and
        "exact" (the minimizer does not depend on the start, only the time to reach it), off for
        unrolled methods (their start is part of what they differentiate).
    **options
        Passed to the method (``steps``, ``truncate``, ``solver``, ``rtol``, ``iterations``).

    Examples
    --------
    >>> from interactive_hpo.gradient import RidgeProblem
    >>> objective = BilevelObjective(RidgeProblem())
    >>> result = objective({"alpha": 0.1})
    >>> sorted(result.user_attrs)
    ['hypergradient', 'method', 'residual', 'seconds', 'test_loss']
    """

    direction = "minimize"

    def __init__(self, problem: BilevelProblem, method: str | None = None, *, warm_start: bool | None = None,
                 **options: Any):
        self.problem = check_problem(problem, "BilevelObjective")
        # Every option's value is checked now, not by the first trial. w0 (the warm start) is the
        # objective's to set; w (a fixed minimizer) would freeze every trial.
        self.method, self.options = choose_method(problem, method, options, "BilevelObjective", reserved=("w0", "w"))
        self.warm_start = (self.method in ("implicit", "exact") if warm_start is None
                           else check_bool(warm_start, "warm_start", "BilevelObjective"))
        self.space = problem.space
        self._weights: torch.Tensor | None = None

    def __call__(self, params: Mapping[str, Any]) -> Evaluation:
        options = dict(self.options)
        if self.warm_start and self._weights is not None and self.method != "exact":
            options["w0"] = self._weights
        theta = self.problem.theta(params, "params", "BilevelObjective.__call__")
        # Method and options were checked when the objective was made: not again every trial.
        result = METHODS[self.method](self.problem, theta, **options)
        self._weights = result.weights
        with torch.no_grad():
            test_loss = float(self.problem.outer_loss(result.weights, "test"))
        gradient = {name: float(g) for name, g in zip(self.problem.names, result.gradient, strict=True)}
        attrs = {GRADIENT_ATTR: gradient, "test_loss": test_loss, "method": result.method, "seconds": result.seconds}
        if result.residual is not None:  # the implicit method's solve: how far from solved it stopped
            attrs["residual"] = result.residual
        return Evaluation(result.value, attrs)

    def __repr__(self) -> str:
        return f"BilevelObjective({self.problem!r}, method={self.method!r})"
