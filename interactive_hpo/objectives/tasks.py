"""Ready-made tuning tasks on scikit-learn's bundled datasets (nothing is downloaded).

Each task is a function returning a :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`
whose search space mixes log-scaled floats, integers and a categorical, sized for teaching:
about one second per trial or less on 2 CPU cores with the default ``cv=5`` (expensive
settings such as ``n_estimators``, ``max_iter`` and hidden sizes are bounded for that).
``TASKS`` maps names to the functions; :func:`make_task` builds one by name. Each takes ``seed``,
``cv`` (a number of folds or a scikit-learn splitter) and ``groups``, passed to SklearnCV.

=============================  ===============================  ==============  ===========  ============
task                           model                            data            score        budget
=============================  ===============================  ==============  ===========  ============
svm_digits                     SVC                              digits (1797)   accuracy     samples
random_forest_breast_cancer    RandomForestClassifier           cancer (569)    accuracy     n_estimators
gradient_boosting_wine         GradientBoostingClassifier       wine (178)      accuracy     n_estimators
mlp_digits                     MLPClassifier (30 epochs)        digits (1797)   accuracy     max_iter
ridge_diabetes                 polynomial features, scaler,     diabetes (442)  R^2          samples
                               Ridge
=============================  ===============================  ==============  ===========  ============

Every task keeps 25% of its data as the sealed test split (see ``SklearnCV.test_score``).

Every task accepts a budget in (0, 1] for cheaper, lower-fidelity scores
(``objective(params, budget=0.25)``); the last column says what it shrinks: the training
samples of each fold (nested subsets) or an iteration count, scaled from its full value
(:mod:`~interactive_hpo.objectives.budgets`). None, or 1, is the full budget.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .._names import did_you_mean
from .._validation import check_int, fail, import_optional, is_int
from ..space import Categorical, Float, Int, SearchSpace
from .sklearn_cv import SklearnCV
from .task_inputs import _CALLER, Seed, _digits, task_settings

__all__ = [
    "TASKS",
    "check_task_name",
    "gradient_boosting_wine",
    "make_task",
    "mlp_digits",
    "mlp_layers_digits",
    "mlp_layers_params",
    "mlp_layers_space",
    "random_forest_breast_cancer",
    "ridge_diabetes",
    "svm_digits",
]

def svm_digits(seed: Seed = None, cv: Any = 5, groups: Any = None) -> SklearnCV:
    """Support vector classifier on the digits (1797 images of 8x8 pixels, 10 classes).

    Search space: ``C`` in [1e-3, 1e3] (log), ``gamma`` in [1e-4, 10] (log), ``degree`` in
    [2, 5] (int), ``kernel`` in {"rbf", "poly", "linear"}, with conditions as scikit-learn has
    them: ``gamma`` exists for "rbf" and "poly" only, ``degree`` for "poly" only, so a
    linear-kernel configuration is just ``{"C": ..., "kernel": "linear"}`` and no trial is spent
    varying what it ignores. Score: accuracy.

    Budget: a fraction of the training samples; each fold fits on that share of its training
    part (nested subsets, every digit present). A kernel SVM's fit grows faster than linearly
    with the samples, so small budgets are much cheaper.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds and the estimator.
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (1797,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.
    """
    import_optional("sklearn", "sklearn", "svm_digits")
    from sklearn.svm import SVC

    X, y = _digits()
    seed, cv, groups = task_settings("svm_digits", seed, cv, groups, len(y))
    space = SearchSpace([
        Float("C", 1e-3, 1e3, log=True),
        Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly"])),
        Int("degree", 2, 5, condition=("kernel", "poly")),
        Categorical("kernel", ["rbf", "poly", "linear"]),
    ])
    return SklearnCV(SVC(), X, y, space, cv=cv, scoring="accuracy", seed=seed, groups=groups, name="svm_digits")


def random_forest_breast_cancer(seed: Seed = None, cv: Any = 5, groups: Any = None) -> SklearnCV:
    """Random forest on the Wisconsin breast cancer data (569 samples, 30 features, 2 classes).

    Search space: ``max_depth`` in [1, 12] (int), ``max_features`` in [0.05, 1] (fraction of the
    features tried at each split, log), ``criterion`` in {"gini", "entropy"}. Score: accuracy.

    Budget: the number of trees, ``n_estimators = max(1, round(50 * budget))``; the full budget
    is 50 trees, which keeps a trial near one second (one core: trials, not trees, are what a
    study may run in parallel). More trees average out more noise, so a forest's ranking of
    configurations settles at moderate budgets.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds and the forest.
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (569,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.
    """
    import_optional("sklearn", "sklearn", "random_forest_breast_cancer")
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_breast_cancer(return_X_y=True)
    seed, cv, groups = task_settings("random_forest_breast_cancer", seed, cv, groups, len(y))
    space = SearchSpace([
        Int("max_depth", 1, 12),
        Float("max_features", 0.05, 1.0, log=True),
        Categorical("criterion", ["gini", "entropy"]),
    ])
    return SklearnCV(RandomForestClassifier(n_estimators=50), X, y, space, cv=cv, scoring="accuracy", seed=seed,
                     groups=groups, name="random_forest_breast_cancer", budget_resource="n_estimators")


def gradient_boosting_wine(seed: Seed = None, cv: Any = 5, groups: Any = None) -> SklearnCV:
    """Gradient boosting on the wine data (178 samples, 13 features, 3 classes).

    Search space: ``learning_rate`` in [0.01, 1] (log), ``max_depth`` in [1, 4] (int),
    ``max_features`` in {None, "sqrt", "log2"} (features tried per split: all, or a random
    subset). Score: accuracy.

    Budget: the number of boosting stages, ``n_estimators = max(1, round(50 * budget))``.
    Multi-class boosting fits one tree per class and stage, so the full budget stops at 50
    stages to keep a trial under a second. The interplay of ``learning_rate`` and the budget is
    the lesson: a small rate needs many stages, so at small budgets large rates look best and
    the ranking changes as the budget grows (low fidelity can mislead).

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds and the boosting.
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (178,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.
    """
    import_optional("sklearn", "sklearn", "gradient_boosting_wine")
    from sklearn.datasets import load_wine
    from sklearn.ensemble import GradientBoostingClassifier

    X, y = load_wine(return_X_y=True)
    seed, cv, groups = task_settings("gradient_boosting_wine", seed, cv, groups, len(y))
    space = SearchSpace([
        Float("learning_rate", 0.01, 1.0, log=True),
        Int("max_depth", 1, 4),
        Categorical("max_features", [None, "sqrt", "log2"]),
    ])
    return SklearnCV(GradientBoostingClassifier(n_estimators=50), X, y, space, cv=cv, scoring="accuracy",
                     seed=seed, groups=groups, name="gradient_boosting_wine", budget_resource="n_estimators")


def mlp_digits(seed: Seed = None, cv: Any = 5, groups: Any = None) -> SklearnCV:
    """A one-hidden-layer neural network on the digits, trained for a fixed 30 epochs (Adam).

    Search space: ``learning_rate_init`` in [1e-4, 0.1] (log), ``alpha`` (L2 penalty) in
    [1e-6, 0.1] (log), ``hidden_layer_sizes`` in [8, 64] (int, log: the width of the one
    hidden layer), ``activation`` in {"relu", "tanh", "logistic"}. Score: accuracy.

    The epoch budget is fixed at ``max_iter=30`` to keep a trial under a second; small
    learning rates do not converge in 30 epochs, and that is part of the landscape (under a
    fixed training budget the learning rate matters a lot). scikit-learn warns about every
    such fit (``ConvergenceWarning``), which would flood the notebook with one warning per fold
    and teach nothing, so that category, and only it, is silenced for this task.

    Budget: the number of epochs, ``max_iter = max(1, round(30 * budget))``: a learning curve
    sampled at a few budgets shows which configurations learn fast.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds, the initial weights and the batch order.
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (1797,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.
    """
    import_optional("sklearn", "sklearn", "mlp_digits")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = _digits()
    seed, cv, groups = task_settings("mlp_digits", seed, cv, groups, len(y))
    space = SearchSpace([
        Float("learning_rate_init", 1e-4, 0.1, log=True),
        Float("alpha", 1e-6, 0.1, log=True),
        Int("hidden_layer_sizes", 8, 64, log=True),
        Categorical("activation", ["relu", "tanh", "logistic"]),
    ])
    return SklearnCV(MLPClassifier(max_iter=30), X, y, space, cv=cv, scoring="accuracy", seed=seed, groups=groups,
                     name="mlp_digits", ignore_warnings=(ConvergenceWarning,), budget_resource="max_iter")


def mlp_layers_digits(seed: Seed = None, cv: Any = 3, groups: Any = None) -> SklearnCV:
    """A neural network of one to three hidden layers on the digits: a conditional space.

    Search space: ``n_layers`` in [1, 3], ``width_1`` .. ``width_3`` in [8, 128] (log; the
    width of layer k exists only with at least k layers), ``solver`` in {"adam", "sgd"},
    ``momentum`` in [0, 0.99] (only for "sgd", as in scikit-learn), ``learning_rate_init`` in
    [1e-4, 0.3] (log), ``alpha`` in [1e-6, 0.1] (log). The widths become
    ``hidden_layer_sizes`` (``estimator_params``). Trained for 30 epochs, like
    :func:`mlp_digits` (its ``ConvergenceWarning`` silenced the same way). Score: accuracy.

    Budget: the number of epochs, ``max_iter = max(1, round(30 * budget))``.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds, the initial weights and the batch order.
    cv : int or splitter, default=3
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (1797,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.

    Examples
    --------
    >>> objective = mlp_layers_digits(seed=0)
    >>> objective.estimator_params({"n_layers": 2, "width_1": 64, "width_2": 16, "solver": "adam",
    ...                             "learning_rate_init": 0.01, "alpha": 1e-4})["hidden_layer_sizes"]
    (64, 16)
    """
    import_optional("sklearn", "sklearn", "mlp_layers_digits")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = _digits()
    seed, cv, groups = task_settings("mlp_layers_digits", seed, cv, groups, len(y))
    return SklearnCV(MLPClassifier(max_iter=30), X, y, mlp_layers_space(8, 128), cv=cv, scoring="accuracy",
                     seed=seed, groups=groups, name="mlp_layers_digits", ignore_warnings=(ConvergenceWarning,),
                     budget_resource="max_iter", estimator_params=mlp_layers_params)


def mlp_layers_space(min_width: int, max_width: int) -> SearchSpace:
    """An MLP's conditional space: ``n_layers`` in 1..3, ``width_k`` (log) for each layer there is,
    ``solver`` adam or sgd, ``momentum`` for sgd only, ``learning_rate_init`` and ``alpha`` (log).

    ``min_width`` and ``max_width`` are ints, 1 <= min_width < max_width <= 2**53 - 1 (the
    widths' bounds; they were refused as `low` of Int('width_1'), which the person never typed)."""
    min_width = check_int(min_width, "min_width", "mlp_layers_space", 1, 2**53 - 2)
    max_width = check_int(max_width, "max_width", "mlp_layers_space", min_width + 1, 2**53 - 1)
    return SearchSpace([
        Int("n_layers", 1, 3),
        Int("width_1", min_width, max_width, log=True),
        Int("width_2", min_width, max_width, log=True, condition=("n_layers", [2, 3])),
        Int("width_3", min_width, max_width, log=True, condition=("n_layers", 3)),
        Categorical("solver", ["adam", "sgd"]),
        Float("momentum", 0.0, 0.99, condition=("solver", "sgd")),
        Float("learning_rate_init", 1e-4, 0.3, log=True),
        Float("alpha", 1e-6, 0.1, log=True),
    ])


def mlp_layers_params(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Params of :func:`mlp_layers_space` as ``MLPClassifier.set_params`` arguments: the widths
    become ``hidden_layer_sizes``; ``prefix`` (a str) names the step in a pipeline (``"mlpclassifier__"``)."""
    if not isinstance(prefix, str):  # 3 became the keys '3hidden_layer_sizes', ...
        raise fail("prefix", "mlp_layers_params", "a str (a pipeline step's name and '__', or '')", prefix)
    # A KeyError or TypeError came from inside for params without n_layers or a width.
    layers: Any = params.get("n_layers") if isinstance(params, Mapping) else None
    n_layers = int(layers) if is_int(layers) and 1 <= layers <= 3 else 0
    missing = [f"width_{k}" for k in range(1, n_layers + 1) if not is_int(params.get(f"width_{k}"))]
    if not n_layers or missing:
        raise fail("params", "mlp_layers_params", "a configuration of mlp_layers_space: n_layers in 1..3 and an "
                   "int width_k for each layer", params, hint=f"Missing: {', '.join(missing)}." if missing else None)
    widths = tuple(int(params[f"width_{k}"]) for k in range(1, n_layers + 1))
    rest = {f"{prefix}{name}": value for name, value in params.items()
            if name != "n_layers" and not name.startswith("width_")}
    return {f"{prefix}hidden_layer_sizes": widths, **rest}


def ridge_diabetes(seed: Seed = None, cv: Any = 5, groups: Any = None) -> SklearnCV:
    """Polynomial ridge regression on the diabetes data (442 patients, 10 features).

    The model is a pipeline ``poly`` (PolynomialFeatures) -> ``scale`` (StandardScaler) ->
    ``ridge`` (Ridge), so the names are pipeline-style. Search space: ``ridge__alpha`` in
    [0.1, 1e4] (log), ``poly__degree`` in [1, 3] (int), ``poly__interaction_only`` in
    {False, True}. High degree with little regularization overfits: the lesson is the
    bias-variance trade-off. Score: R^2 (1 is perfect, 0 is predicting the mean, and it can be
    negative). ``ridge__alpha`` starts at 0.1 because below it degree 3 overfits so badly
    (R^2 near -100) that a plot of the landscape would show nothing else.

    Budget: a fraction of the training samples; each fold fits on that share of its training
    part (nested subsets).

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split and the CV folds (Ridge itself is deterministic).
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    groups : array-like of shape (442,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.

    Examples
    --------
    >>> objective = ridge_diabetes(seed=0, cv=3)
    >>> objective.space.names
    ['ridge__alpha', 'poly__degree', 'poly__interaction_only']
    >>> result = objective({"ridge__alpha": 10.0, "poly__degree": 2, "poly__interaction_only": True})
    >>> 0.0 < result.value < 1.0
    True
    >>> cheap = objective({"ridge__alpha": 10.0, "poly__degree": 2, "poly__interaction_only": True}, budget=0.5)
    >>> cheap.user_attrs["n_train_samples"]   # half of each fold's 221 training samples
    111
    """
    import_optional("sklearn", "sklearn", "ridge_diabetes")
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    X, y = load_diabetes(return_X_y=True)
    seed, cv, groups = task_settings("ridge_diabetes", seed, cv, groups, len(y))
    model = Pipeline([
        ("poly", PolynomialFeatures(include_bias=False)),
        ("scale", StandardScaler()),
        ("ridge", Ridge()),
    ])
    space = SearchSpace([
        Float("ridge__alpha", 0.1, 1e4, log=True),
        Int("poly__degree", 1, 3),
        Categorical("poly__interaction_only", [False, True]),
    ])
    return SklearnCV(model, X, y, space, cv=cv, scoring="r2", seed=seed, groups=groups, name="ridge_diabetes")


#: Task name -> function building it (each accepts ``seed``, ``cv`` and ``groups``).
TASKS: dict[str, Callable[..., SklearnCV]] = {
    "svm_digits": svm_digits,
    "random_forest_breast_cancer": random_forest_breast_cancer,
    "gradient_boosting_wine": gradient_boosting_wine,
    "mlp_digits": mlp_digits,
    "mlp_layers_digits": mlp_layers_digits,
    "ridge_diabetes": ridge_diabetes,
}


def check_task_name(name: Any, argument: str, owner: str) -> str:
    """``name`` if it names a task of :data:`TASKS`, else the error of ``argument`` of ``owner``
    (``task`` of Lab, ``name`` of make_task) with the closest name."""
    if not isinstance(name, str) or name not in TASKS:
        raise fail(argument, owner, f"one of {sorted(TASKS)}", name, hint=did_you_mean(name, TASKS))
    return name


def make_task(name: str, **kwargs: Any) -> SklearnCV:
    """Build the task called ``name`` from :data:`TASKS`, passing ``kwargs`` (``seed``, ``cv``, ``groups``).

    Examples
    --------
    >>> objective = make_task("ridge_diabetes", seed=0, cv=3)
    >>> objective.name, objective.direction
    ('ridge_diabetes', 'maximize')
    """
    check_task_name(name, "name", "make_task")
    # An unknown keyword was Python's TypeError.
    known = list(inspect.signature(TASKS[name]).parameters)
    unknown = [key for key in kwargs if key not in known]
    if unknown:
        raise fail("kwargs", "make_task", f"keywords of {name}: {', '.join(known)}", kwargs,
                   hint=f"Unknown: {', '.join(unknown)}.")
    called = _CALLER.set("make_task")  # the task refuses its settings in the name of what the person called
    try:
        return TASKS[name](**kwargs)
    finally:
        _CALLER.reset(called)
