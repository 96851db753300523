"""Steppable optimizers over the unit cube, and the registry that names them."""

from .base import Optimizer, Suggestion
from .evolution import DifferentialEvolution, GeneticAlgorithm
from .pbt import PBTResult, PopulationBasedTraining, compare_with_fixed, train_fixed
from .population import PopulationOptimizer
from .registry import available_optimizers, make_optimizer, optimizer_class, register_optimizer
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
    "PopulationBasedTraining",
    "PBTResult",
    "compare_with_fixed",
    "train_fixed",
    "available_optimizers",
    "make_optimizer",
    "optimizer_class",
    "register_optimizer",
]
