"""interactive_hpo: see and steer hyperparameter optimization in Jupyter.

The room map (each folder's ``__init__`` says what lives there; arrows point down only, and
``tests/test_layers.py`` enforces the rules)::

    presentation  ui/               the Lab and the race app (ipywidgets + ipympl)
                  plots/            matplotlib: plain data in, an Axes out; export of a study
    running       execution/        parallel workers (Dask too), simulated workers, races
                  model_selection/  HPOSearchCV and nested cross-validation (scikit-learn)
                  pbt/              population-based training
                  gradient/         gradient-based HPO (hypergradients, torch)
                  analysis/         which hyperparameters mattered: Sobol importance,
                                    partial dependence, ablation, with intervals
                  testing/          the optimizer contract, for your own optimizers
                  interop/          other libraries' studies in and out: Optuna's (from_optuna,
                                    to_optuna) and our optimizers as an Optuna sampler
    the study     study/            Study, its state, journal, replay, steering, pruning,
                                    branching (fork and remap) and curves
    engines       optimizers/       grid/random/Sobol, bayes/, population/, multifidelity/,
                                    hypergradient; capabilities they declare
                  objectives/       synthetic functions, scikit-learn CV, budgets, tasks
                  landscape/        fitness-landscape analysis of HP loss landscapes
    vocabulary    parameters, conditions, space, space_slices (its slices for plots),
                  subspace (one space inside another), trial, direction, goals (one objective or
                  several), pareto (fronts, ranks), hypervolume (exact, and grown trial by
                  trial), _dominance (under both), outcome, views, kernel_summary (a GP's
                  hyperparameters in words), _readonly (records
                  that stay read-only), exceptions,
                  _validation, _names (did-you-mean hints), _paths (file paths),
                  _json_values (what a journal keeps as it was), _registry (classes by the
                  name a journal records),
                  _signals (Ctrl-C held back), _compat (private third-party names), _moved
                  (old paths)

The top-level import is light (numpy only): torch, scikit-learn, matplotlib and ipywidgets
are imported by the modules that need them, when they are used.
"""

from . import _moved
from .exceptions import (
    DaskClientClosed,
    HPOError,
    InvalidParameterError,
    MissingDependencyError,
    ReportServerLost,
    SearchExhausted,
    StorageError,
    TrialPruned,
    TrialStateError,
    Unfingerprintable,
    WorkerStartError,
)
from .execution import Race
from .optimizers import (
    ASHA,
    DifferentialEvolution,
    GeneticAlgorithm,
    GridSearch,
    Hyperband,
    HypergradientDescent,
    Optimizer,
    RandomSearch,
    SobolSearch,
    SuccessiveHalving,
    Suggestion,
    available_optimizers,
    make_optimizer,
    register_optimizer,
    unregister_optimizer,
)
from .pbt import PopulationBasedTraining
from .space import Categorical, Float, Int, SearchSpace
from .study import Study, StudyEvent
from .study.pruning import (
    MedianStoppingRule,
    NopPruner,
    PruneDecision,
    Pruner,
    available_pruners,
    register_pruner,
    unregister_pruner,
)
from .trial import Evaluation, Trial, TrialState

_moved.install()  # module paths of 0.1 (interactive_hpo.remap, ...) keep working, with a warning

__version__ = "0.2.0.dev0"  # as pyproject.toml says (tests/test_static.py)

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
    "NopPruner",
    "Optimizer",
    "PopulationBasedTraining",
    "PruneDecision",
    "Race",
    "Pruner",
    "RandomSearch",
    "DaskClientClosed",
    "ReportServerLost",
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
    "Unfingerprintable",
    "WorkerStartError",
    "available_optimizers",
    "available_pruners",
    "make_optimizer",
    "register_optimizer",
    "register_pruner",
    "unregister_optimizer",
    "unregister_pruner",
]
