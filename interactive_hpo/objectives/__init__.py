"""Objectives: the protocol, plain-function wrappers, synthetic test functions, scikit-learn tasks,
and problems with several objectives (ZDT, DTLZ, a score against a model size). An objective's
``fingerprint`` keys the landscape cache (``fingerprints`` hashes a plain function's).

Nothing here imports scikit-learn until an ``SklearnCV`` objective or a task is built.
"""

from . import tasks
from .base import FunctionObjective, Objective
from .fidelity import MultiFidelity
from .incremental import IncrementalTask, SklearnIncremental, mlp_digits_incremental, sgd_digits
from .multi_objective import DTLZ2, ZDT1, ZDT2, ZDT3, MultiObjectiveProblem
from .sealed import SealedTestLook, SealedTestSetWarning
from .sklearn_cv import SklearnCV
from .synthetic import Ackley, Branin, Forrester, Hartmann6, Levy, Rosenbrock, SyntheticFunction, synthetic_functions
from .tasks import TASKS, make_task
from .tradeoff import SklearnTradeoff, sparse_logistic_breast_cancer

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
    "MultiObjectiveProblem",
    "ZDT1",
    "ZDT2",
    "ZDT3",
    "DTLZ2",
    "SklearnTradeoff",
    "sparse_logistic_breast_cancer",
    "tasks",
    "TASKS",
    "make_task",
]
