"""Steppable optimizers over the unit cube, and the registry that names them."""

from .base import Optimizer, Suggestion
from .evolution import DifferentialEvolution, GeneticAlgorithm
from .halving import ASHA, HalvingScheduler, Hyperband, SuccessiveHalving
from .hypergradient import HypergradientDescent
from .pbt import PBTResult, PopulationBasedTraining, compare_with_fixed, train_fixed
from .population import PopulationOptimizer
from .registry import available_optimizers, make_optimizer, optimizer_class, register_optimizer
from .rungs import hyperband_brackets, rung_budgets
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
    "PopulationBasedTraining",
    "PBTResult",
    "compare_with_fixed",
    "train_fixed",
    "available_optimizers",
    "make_optimizer",
    "optimizer_class",
    "register_optimizer",
]
