"""Objectives: the protocol, plain-function wrappers, synthetic test functions, scikit-learn tasks.

Nothing here imports scikit-learn until an ``SklearnCV`` objective or a task is built.
"""

from . import tasks
from .base import FunctionObjective, Objective
from .fidelity import MultiFidelity
from .incremental import IncrementalTask, SklearnIncremental, mlp_digits_incremental, sgd_digits
from .sealed import SealedTestLook, SealedTestSetWarning
from .sklearn_cv import SklearnCV
from .synthetic import Ackley, Branin, Forrester, Hartmann6, Levy, Rosenbrock, SyntheticFunction, synthetic_functions
from .tasks import TASKS, make_task

__all__ = [
    "Objective",
    "FunctionObjective",
    "MultiFidelity",
    "IncrementalTask",
    "SklearnIncremental",
    "sgd_digits",
    "mlp_digits_incremental",
    "SklearnCV",
    "SealedTestLook",
    "SealedTestSetWarning",
    "SyntheticFunction",
    "Ackley",
    "Branin",
    "Forrester",
    "Hartmann6",
    "Levy",
    "Rosenbrock",
    "synthetic_functions",
    "tasks",
    "TASKS",
    "make_task",
]
