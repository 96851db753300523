"""Steppable optimizers over the unit cube, and the registry that names them."""

from .base import Optimizer, Suggestion
from .registry import available_optimizers, make_optimizer, optimizer_class, register_optimizer
from .simple import GridSearch, RandomSearch, SobolSearch

__all__ = [
    "Optimizer",
    "Suggestion",
    "GridSearch",
    "RandomSearch",
    "SobolSearch",
    "available_optimizers",
    "make_optimizer",
    "optimizer_class",
    "register_optimizer",
]
