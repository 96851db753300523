"""interactive_hpo: see and steer hyperparameter optimization in Jupyter.

The top-level import is light (numpy only): torch, scikit-learn, matplotlib and ipywidgets
are imported by the modules that need them, when they are used.
"""

from .exceptions import (
    HPOError,
    InvalidParameterError,
    MissingDependencyError,
    SearchExhausted,
    StorageError,
    TrialPruned,
    TrialStateError,
)
from .optimizers import (
    ASHA,
    DifferentialEvolution,
    GeneticAlgorithm,
    GridSearch,
    Hyperband,
    HypergradientDescent,
    Optimizer,
    PopulationBasedTraining,
    RandomSearch,
    SobolSearch,
    SuccessiveHalving,
    Suggestion,
    available_optimizers,
    make_optimizer,
    register_optimizer,
)
from .pruning import MedianStoppingRule, PruneDecision, Pruner
from .race import Race
from .space import Categorical, Float, Int, SearchSpace
from .study import Study, StudyEvent
from .trial import Evaluation, Trial, TrialState

__version__ = "0.1.0"

__all__ = [
    "ASHA",
    "Categorical",
    "DifferentialEvolution",
    "Evaluation",
    "Float",
    "GeneticAlgorithm",
    "GridSearch",
    "HPOError",
    "Hyperband",
    "HypergradientDescent",
    "Int",
    "MedianStoppingRule",
    "InvalidParameterError",
    "MissingDependencyError",
    "Optimizer",
    "PopulationBasedTraining",
    "PruneDecision",
    "Race",
    "Pruner",
    "RandomSearch",
    "SearchExhausted",
    "SearchSpace",
    "SobolSearch",
    "SuccessiveHalving",
    "StorageError",
    "Study",
    "StudyEvent",
    "Suggestion",
    "Trial",
    "TrialPruned",
    "TrialState",
    "TrialStateError",
    "available_optimizers",
    "make_optimizer",
    "register_optimizer",
]
