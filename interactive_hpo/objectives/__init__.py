"""Objectives: the protocol, plain-function wrappers, synthetic test functions, scikit-learn tasks."""

from .base import FunctionObjective, Objective

__all__ = ["Objective", "FunctionObjective"]
