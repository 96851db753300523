"""Gradient-based hyperparameter optimization: hypergradients, and descent along them.

Validation loss is a function of the hyperparameters; when training is differentiable, so is
that function. This package (torch, CPU) makes the bilevel problem concrete
(:class:`RidgeProblem`, :class:`LogisticProblem`, :class:`MLPProblem`), computes its
hypergradient four ways (:func:`exact_ridge`, :func:`reverse_mode`, :func:`forward_mode`,
:func:`implicit`, which solves its linear system to a tolerance and warns with a
:class:`ConvergenceWarning` when it cannot; :func:`finite_differences` checks them), turns a problem into a study
objective that reports the hypergradient (:class:`BilevelObjective`, stepped by
:class:`~interactive_hpo.HypergradientDescent`), and adapts a learning rate during one run
(:func:`online_learning_rate`). ``import interactive_hpo`` does not import this package.
"""

from .._validation import import_optional

import_optional("torch", "gradient", "interactive_hpo.gradient")

from ..optimizers.hypergradient import HypergradientDescent  # noqa: E402 - after the install hint
from .bilevel import BilevelProblem, Split  # noqa: E402
from .hypergradients import (  # noqa: E402
    METHODS,
    Hypergradient,
    exact_ridge,
    finite_differences,
    forward_mode,
    hypergradient,
    implicit,
    reverse_mode,
)
from .objective import BilevelObjective  # noqa: E402
from .online import OnlineRun, online_learning_rate  # noqa: E402
from .problems import LogisticProblem, MLPProblem, RidgeProblem  # noqa: E402
from .solvers import ConvergenceWarning  # noqa: E402

__all__ = [
    "METHODS",
    "BilevelObjective",
    "BilevelProblem",
    "ConvergenceWarning",
    "Hypergradient",
    "HypergradientDescent",
    "LogisticProblem",
    "MLPProblem",
    "OnlineRun",
    "RidgeProblem",
    "Split",
    "exact_ridge",
    "finite_differences",
    "forward_mode",
    "hypergradient",
    "implicit",
    "online_learning_rate",
    "reverse_mode",
]
