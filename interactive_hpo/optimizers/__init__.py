"""Steppable optimizers over the unit cube, and the registry that names them.

- ``base``: the :class:`Optimizer` interface (ask/tell over the unit cube, minimizing a loss)
  and :class:`Suggestion`; ``capabilities``: what some optimizers declare beyond it
  (``ModelBased``, ``ModelPerObjective``, ``Scheduler``, ``PopulationMethod``, ``MultiObjective``,
  ``WarmStartable``, ``LearnsFromForeignTrials``, ``ReissuesWaitingStep``, ``NeedsReportedGradients``);
  ``registry``: optimizers by name; ``recorded``: whether one is built from a journal's settings;
  ``finite``: the configurations of a small all-discrete space, and those trials took; ``waiting``: the error of an
  optimizer that waits for the trials it asked (and another study's).
- ``feasibility``: Deb's feasibility rules, how the optimizers that rank trials rank those of a
  constrained study; ``warm_start``: related studies' trials as an optimizer sees them
  (:class:`~interactive_hpo.optimizers.warm_start.Source`); ``failures``: which failed trials a
  Gaussian process learns from (one rule for Bayesian optimization and the analyses).
- ``simple``: grid and random search; ``sobol``: scrambled-Sobol search and the sequence the
  Bayesian optimizer's initial design reads; ``hypergradient``: gradient steps on
  hyperparameters from reported hypergradients.
- ``bayes/``: Gaussian-process Bayesian optimization (BoTorch); imported when used.
- ``population/``: genetic algorithm, differential evolution, CMA-ES, NSGA-II.
- ``multifidelity/``: successive halving, Hyperband, ASHA.

Population-based training is not an ask/tell optimizer: it lives in :mod:`interactive_hpo.pbt`.
"""

from .._moved import moved_name
from .base import Optimizer, Suggestion
from .hypergradient import HypergradientDescent
from .multifidelity import ASHA, HalvingScheduler, Hyperband, SuccessiveHalving, hyperband_brackets, rung_budgets
from .population import PopulationOptimizer
from .population.evolution import DifferentialEvolution, GeneticAlgorithm
from .registry import available_optimizers, make_optimizer, optimizer_class, register_optimizer, unregister_optimizer
from .simple import GridSearch, RandomSearch, SobolSearch

__all__ = [
    "Optimizer",
    "Suggestion",
    "GridSearch",
    "RandomSearch",
    "SobolSearch",
    "GeneticAlgorithm",
    "DifferentialEvolution",
    "PopulationOptimizer",
    "HalvingScheduler",
    "SuccessiveHalving",
    "Hyperband",
    "ASHA",
    "HypergradientDescent",
    "hyperband_brackets",
    "rung_budgets",
    "available_optimizers",
    "make_optimizer",
    "optimizer_class",
    "register_optimizer",
    "unregister_optimizer",
]


def __getattr__(name: str) -> object:
    """Names that moved to :mod:`interactive_hpo.pbt` in 0.2, with a warning."""
    return moved_name(__name__, name, "interactive_hpo.pbt",
                      ("PopulationBasedTraining", "PBTResult", "compare_with_fixed", "train_fixed"))
