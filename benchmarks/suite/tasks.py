"""The benchmark tasks: synthetic functions with known optima, and scikit-learn losses that
discriminate between optimizers.

Every task is a loss to minimize over a ``SearchSpace``. Accuracy on the digits is saturated
(every method, random search included, ends within a digit or two at 50 trials), so the
scikit-learn tasks use continuous losses: 1 - R^2 of gradient boosting on the diabetes data,
and the log-loss of histogram gradient boosting on breast_cancer (a mixed space with a
categorical). Whether a task separates the methods is measured in every run
(``report.discrimination``), not assumed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interactive_hpo import Categorical, Float, Int, SearchSpace
from interactive_hpo.objectives import Ackley, Branin, Hartmann6, Levy

__all__ = ["Task", "TASKS", "make_task", "random_median"]


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


def _synthetic(name: str, function: Any) -> Task:
    return Task(name, function.space, function, function.optimal_value,
                description=f"{function.name} ({function.dim}-D), known optimum {function.optimal_value:g}")


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


#: Task factories by name: synthetic first, then scikit-learn.
TASKS: dict[str, Callable[[], Task]] = {
    "branin": lambda: _synthetic("branin", Branin()),
    "hartmann6": lambda: _synthetic("hartmann6", Hartmann6()),
    "ackley5": lambda: _synthetic("ackley5", Ackley(dim=5)),
    "levy4": lambda: _synthetic("levy4", Levy(dim=4)),
    "mixed_branin": lambda: Task("mixed_branin", (f := _MixedBranin()).space, f, Branin.optimal_value,
                                 description="Branin + an int and a categorical (4-D mixed), known optimum"),
    "gb_diabetes": _gradient_boosting_diabetes,
    "hgb_breast_cancer": _boosted_trees_breast_cancer,
}


def make_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {list(TASKS)}")
    return TASKS[name]()


def random_median(task: Task, n: int, seed: int = 12345) -> float:
    """Median loss of one configuration drawn uniformly from the space (Bayesmark's normalizer),
    from ``n`` seeded draws."""
    return float(np.median([task.loss(params) for params in task.space.sample(n, rng=seed)]))
