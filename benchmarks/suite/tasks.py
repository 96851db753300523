"""The benchmark tasks: synthetic functions with known optima, and scikit-learn losses that
discriminate between optimizers.

Every task is a loss to minimize over a ``SearchSpace``; together they cover the classes of
space the design asks for (DESIGN.md, section 10):

- continuous: Branin, Hartmann6, Ackley-5, Levy-4, and Rosenbrock-4 (a curved valley);
- heavy-tailed values: the six-hump camel (from -1.03 to 163 on its box);
- an optimum on a bound: Levy-3 on [-10, 1]^3, whose optimum (1, 1, 1) is a corner of the box;
- mixed: ``mixed_branin`` (Branin, an int and a categorical) and ``mixed_units`` (a log float, a
  log int over 2..512, a 3-way categorical and a float: the shape of a network's space);
- all-discrete: ``tree_diabetes``, a decision tree's depth and leaf size (400 configurations);
- real scikit-learn losses: gradient boosting and an RBF support-vector regressor on the
  diabetes data (1 - R^2), histogram gradient boosting on breast_cancer (log-loss, with a
  categorical), and the decision tree (CV mean squared error).

Accuracy on the digits is saturated (every method, random search included, ends within a digit
or two at 50 trials), so the scikit-learn tasks use continuous losses. Whether a task separates
the methods is measured in every run (``report.discrimination``), not assumed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interactive_hpo import Categorical, Float, Int, SearchSpace
from interactive_hpo.objectives import Ackley, Branin, Hartmann6, Levy, Rosenbrock
from interactive_hpo.objectives.synthetic import SyntheticFunction

__all__ = ["Task", "TASKS", "MixedUnits", "make_task", "random_median", "tree_diabetes"]


@dataclass(frozen=True)
class Task:
    """A loss to minimize.

    Attributes
    ----------
    name : str
    space : SearchSpace
    loss : callable
        ``loss(params)`` for a params dict of ``space``; ``loss(params, budget=b)`` too when
        ``budgeted`` (a cheaper evaluation on a fraction ``b`` of the training data).
    optimum : float or None
        The known minimum (synthetic functions); None when unknown.
    budgeted : bool
        Whether ``loss`` takes a ``budget`` (multi-fidelity methods run only on these).
    description : str
    """

    name: str
    space: SearchSpace
    loss: Callable[..., float]
    optimum: float | None = None
    budgeted: bool = False
    description: str = field(default="", repr=False)


def _synthetic(name: str, function: Any, box: str = "") -> Task:
    return Task(name, function.space, function, function.optimal_value,
                description=f"{function.name} ({function.dim}-D{box}), known optimum {function.optimal_value:g}")


class _SixHumpCamel(SyntheticFunction):
    """Six-hump camel on x0 in [-3, 3], x1 in [-2, 2] (VLSE): six local minima, two global ones of
    -1.0316 at +-(0.0898, -0.7127), and values up to 162.9 at the corners (heavy-tailed: the
    median of a uniform draw is about 8)."""

    name = "Six-hump camel"
    default_dim = 2
    _bounds = ((-3.0, 3.0), (-2.0, 2.0))
    optimal_value = -1.0316284534898774
    _optimizers = ((0.08984201181742917, -0.7126564056224669), (-0.08984201181742917, 0.7126564056224669))

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        x0, x1 = X[:, 0], X[:, 1]
        return (4.0 - 2.1 * x0**2 + x0**4 / 3.0) * x0**2 + x0 * x1 + (-4.0 + 4.0 * x1**2) * x1**2


class _RosenbrockBox(Rosenbrock):
    """The package's Rosenbrock on the box [-2.048, 2.048]^d often used for it (the package's is
    [-5, 10]^d): the curved valley fills more of the box. Minimum 0 at (1, ..., 1)."""

    _bounds = ((-2.048, 2.048),)


class _LevyCorner(Levy):
    """The package's Levy on [-10, 1]^d instead of [-10, 10]^d: its minimum 0 at (1, ..., 1) is
    the upper corner of the box, an optimum on a bound in every coordinate."""

    _bounds = ((-10.0, 1.0),)


class _MixedBranin:
    """Branin plus an integer and a categorical parameter; the optimum is Branin's at
    ``shift = 2`` and ``surface = "flat"``. A mixed space where a categorical matters."""

    OFFSETS = {"flat": 0.0, "tilted": 2.0, "steep": 8.0}

    def __init__(self) -> None:
        self.branin = Branin()
        self.space = SearchSpace([*self.branin.space, Int("shift", 0, 4), Categorical("surface", list(self.OFFSETS))])

    def __call__(self, params: Mapping[str, Any]) -> float:
        base = self.branin({"x0": params["x0"], "x1": params["x1"]})
        return float(base + 0.5 * (params["shift"] - 2) ** 2 + self.OFFSETS[params["surface"]])


class MixedUnits:
    """The shape of a network's space (issue 23, item 2): a log float ``lr`` in [1e-4, 1], a log
    int ``units`` in 2..512, a 3-way categorical ``act`` and a float ``drop`` in [0, 0.9].

    The loss is a sum of smooth terms with its minimum 0 at lr = 10**-2.5, units = 64,
    act = "tanh", drop = 0.3; "relu" adds 0.6 and "sigmoid" 0.9 everywhere, so a run that never
    leaves "relu" ends at 0.6 or more. ``benchmarks/bench_mixed_lockin.py`` uses it too.
    """

    OFFSETS = {"relu": 0.6, "tanh": 0.0, "sigmoid": 0.9}
    optimum = 0.0

    def __init__(self) -> None:
        self.space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("units", 2, 512, log=True),
                                  Categorical("act", list(self.OFFSETS)), Float("drop", 0.0, 0.9)])

    def __call__(self, params: Mapping[str, Any]) -> float:
        return float((math.log10(params["lr"]) + 2.5) ** 2 * 0.3 + (math.log2(params["units"]) - 6.0) ** 2 * 0.05
                     + self.OFFSETS[params["act"]] + (params["drop"] - 0.3) ** 2)


def _sklearn(name: str, estimator: Any, data: str, space: SearchSpace, scoring: str, to_loss: Callable[[float], float],
             description: str, budgeted: bool = True) -> Task:
    """A ``SklearnCV`` task (3-fold CV on a 75% training split, seed 0: the same task for every
    optimizer seed), its score turned into a loss."""
    import sklearn.datasets

    from interactive_hpo.objectives import SklearnCV

    X, y = getattr(sklearn.datasets, f"load_{data}")(return_X_y=True)
    objective = SklearnCV(estimator, X, y, space, cv=3, scoring=scoring, seed=0, name=name)

    def loss(params: Mapping[str, Any], *, budget: float | None = None) -> float:
        return to_loss(objective(params, budget=budget).value)

    return Task(name, space, loss, None, budgeted, description)


def _gradient_boosting_diabetes() -> Task:
    from sklearn.ensemble import GradientBoostingRegressor

    space = SearchSpace([Float("learning_rate", 1e-3, 1.0, log=True), Int("max_depth", 1, 6),
                         Float("subsample", 0.3, 1.0), Int("min_samples_leaf", 1, 64, log=True),
                         Float("max_features", 0.1, 1.0)])
    return _sklearn("gb_diabetes", GradientBoostingRegressor(n_estimators=60), "diabetes", space, "r2",
                    lambda r2: 1.0 - r2, "gradient boosting on diabetes, 1 - R^2 (5 parameters)")


def _boosted_trees_breast_cancer() -> Task:
    from sklearn.ensemble import HistGradientBoostingClassifier

    # A random forest's log-loss on these data did not separate any method from random search
    # (10 seeds, 50 trials: the best method's gap 0.004 against a seed noise of 0.068); boosted
    # trees with a learning rate and a penalty to tune do. The categorical is which feature
    # interactions the trees may use; class_weight="balanced" would be one too, but sample
    # weights make each fit about 20 times slower here (1.4 s against 0.07 s).
    space = SearchSpace([Float("learning_rate", 1e-3, 1.0, log=True), Int("max_leaf_nodes", 2, 64, log=True),
                         Int("min_samples_leaf", 1, 64, log=True), Float("l2_regularization", 1e-6, 10.0, log=True),
                         Categorical("interaction_cst", [None, "pairwise", "no_interactions"])])
    return _sklearn("hgb_breast_cancer", HistGradientBoostingClassifier(max_iter=60), "breast_cancer", space,
                    "neg_log_loss", lambda score: -score,
                    "histogram gradient boosting on breast_cancer, log-loss (mixed: 4 numeric, 1 categorical)")


def _svr_diabetes() -> Task:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVR

    # X is standardized inside the pipeline (on each training fold), y is not: the targets run
    # from 25 to 346, so C must be large. On a log grid the best losses (0.503-0.509; a uniform
    # draw's median is about 0.9) sit at C 20-100, gamma 0.01-0.05, any epsilon up to 10: inside
    # every range. A 3-fold evaluation takes 0.01-0.12 s (the slowest: C = 1e4 with gamma 0.1).
    space = SearchSpace([Float("svr__C", 0.1, 1e4, log=True), Float("svr__gamma", 1e-4, 1.0, log=True),
                         Float("svr__epsilon", 0.01, 100.0, log=True)])
    return _sklearn("svr_diabetes", make_pipeline(StandardScaler(), SVR()), "diabetes", space, "r2",
                    lambda r2: 1.0 - r2, "RBF support-vector regression on diabetes, 1 - R^2 (C, gamma, epsilon; log)")


def tree_diabetes() -> Task:
    """All-discrete: a ``DecisionTreeRegressor`` on the bundled diabetes data, ``max_depth`` and
    ``min_samples_leaf`` in 1..20 (400 configurations); the loss is the 5-fold CV mean squared
    error (shuffled folds and the tree seeded with 0, so a configuration always has the same
    loss). ``benchmarks/bench_discrete_repeats.py`` tabulates all 400 from this loss."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.tree import DecisionTreeRegressor

    X, y = load_diabetes(return_X_y=True)
    folds = KFold(5, shuffle=True, random_state=0)

    def loss(params: Mapping[str, Any]) -> float:
        tree = DecisionTreeRegressor(max_depth=int(params["max_depth"]),
                                     min_samples_leaf=int(params["min_samples_leaf"]), random_state=0)
        return -float(np.mean(cross_val_score(tree, X, y, cv=folds, scoring="neg_mean_squared_error")))

    space = SearchSpace([Int("max_depth", 1, 20), Int("min_samples_leaf", 1, 20)])
    return Task("tree_diabetes", space, loss, None, False,
                "decision tree on diabetes, 5-fold CV MSE (all-discrete: 2 ints, 400 configurations)")


#: Task factories by name: synthetic first, then scikit-learn.
TASKS: dict[str, Callable[[], Task]] = {
    "branin": lambda: _synthetic("branin", Branin()),
    "hartmann6": lambda: _synthetic("hartmann6", Hartmann6()),
    "ackley5": lambda: _synthetic("ackley5", Ackley(dim=5)),
    "levy4": lambda: _synthetic("levy4", Levy(dim=4)),
    "mixed_branin": lambda: Task("mixed_branin", (f := _MixedBranin()).space, f, Branin.optimal_value,
                                 description="Branin + an int and a categorical (4-D mixed), known optimum"),
    "mixed_units": lambda: Task("mixed_units", (f := MixedUnits()).space, f, MixedUnits.optimum,
                                description="log float, log int 2..512, 3-way categorical, float (4-D mixed), "
                                            "known optimum 0"),
    "camel6": lambda: _synthetic("camel6", _SixHumpCamel(), " on [-3, 3] x [-2, 2], heavy-tailed"),
    "rosenbrock4": lambda: _synthetic("rosenbrock4", _RosenbrockBox(dim=4), " on [-2.048, 2.048]^4"),
    "levy3_corner": lambda: _synthetic("levy3_corner", _LevyCorner(dim=3), " on [-10, 1]^3, optimum on a corner"),
    "gb_diabetes": _gradient_boosting_diabetes,
    "hgb_breast_cancer": _boosted_trees_breast_cancer,
    "tree_diabetes": tree_diabetes,
    "svr_diabetes": _svr_diabetes,
}


def make_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {list(TASKS)}")
    return TASKS[name]()


def random_median(task: Task, n: int, seed: int = 12345) -> float:
    """Median loss of one configuration drawn uniformly from the space (Bayesmark's normalizer),
    from ``n`` seeded draws."""
    return float(np.median([task.loss(params) for params in task.space.sample(n, rng=seed)]))
