"""Held-out tasks: functions and scikit-learn losses the suite does not contain, for checking a
change to the BO's defaults beyond the tasks it was screened on (DESIGN.md, section 10: do not
tune to a fixed task list).

They are not part of ``python -m benchmarks run`` and no peer is run on them by default;
``benchmarks/bench_bo_variants.py --heldout`` adds them to the task list, so two variants of our
BO can be compared seed by seed on them. The classes of space they cover:

- heavy-tailed: Goldstein-Price (values from 3 to about 1e6 on [-2, 2]^2);
- continuous, smooth: Hartmann-3; Styblinski-Tang-5 (optimum inside, near the lower bound);
- narrow wells: Shekel-5 (4-D, optimum -10.15 in a well of width about 1 on [0, 10]^4);
- real scikit-learn losses: elastic net on diabetes (1 - R^2: flat at alpha's upper end) and
  an RBF SVC on breast_cancer (1 - ROC AUC; C and gamma on log scales).

k nearest neighbours on wine (1 - ROC AUC; an int and two categoricals) was tried and dropped:
every run of our BO reached the same best loss within 25 trials, so it separates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from interactive_hpo import Float, SearchSpace
from interactive_hpo.objectives.synthetic import SyntheticFunction

from .tasks import Task, _sklearn, _synthetic

__all__ = ["HELDOUT"]


class _GoldsteinPrice(SyntheticFunction):
    """Goldstein-Price on [-2, 2]^2 (VLSE): minimum 3 at (0, -1); values up to about 1e6."""

    name = "Goldstein-Price"
    default_dim = 2
    _bounds = ((-2.0, 2.0),)
    optimal_value = 3.0
    _optimizers = ((0.0, -1.0),)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        x, y = X[:, 0], X[:, 1]
        a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
        b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
        return a * b


class _Hartmann3(SyntheticFunction):
    """Hartmann-3 on [0, 1]^3 (VLSE): minimum -3.86278 at (0.114614, 0.555649, 0.852547)."""

    name = "Hartmann3"
    default_dim = 3
    _bounds = ((0.0, 1.0),)
    optimal_value = -3.8627797873327
    _optimizers = ((0.114614, 0.555649, 0.852547),)
    _alpha = np.array([1.0, 1.2, 3.0, 3.2])
    _A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
    _P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        inner = np.einsum("kj,nkj->nk", self._A, (X[:, None, :] - self._P[None]) ** 2)
        return -np.exp(-inner) @ self._alpha


class _StyblinskiTang(SyntheticFunction):
    """Styblinski-Tang on [-5, 5]^5: minimum -39.16617 per coordinate at x_i = -2.903534."""

    name = "Styblinski-Tang"
    default_dim = 5
    _bounds = ((-5.0, 5.0),)
    optimal_value = -39.16616570377142 * 5
    _optimizers = ((-2.903534027771177,) * 5,)

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        return 0.5 * np.sum(X**4 - 16 * X**2 + 5 * X, axis=1)


class _Shekel5(SyntheticFunction):
    """Shekel with five wells on [0, 10]^4 (VLSE): minimum -10.1532 at (4, 4, 4, 4)."""

    name = "Shekel5"
    default_dim = 4
    _bounds = ((0.0, 10.0),)
    optimal_value = -10.153199679058231
    _optimizers = ((4.0, 4.0, 4.0, 4.0),)
    _beta = 0.1 * np.array([1.0, 2, 2, 4, 4])
    _C = np.array([[4.0, 1, 8, 6, 3], [4.0, 1, 8, 6, 7], [4.0, 1, 8, 6, 3], [4.0, 1, 8, 6, 7]])

    def _evaluate(self, X: np.ndarray) -> np.ndarray:
        squared = ((X[:, :, None] - self._C[None]) ** 2).sum(axis=1)  # (n, 5)
        return -np.sum(1.0 / (squared + self._beta), axis=1)


def _elastic_net_diabetes() -> Task:
    from sklearn.linear_model import ElasticNet

    space = SearchSpace([Float("alpha", 1e-5, 10.0, log=True), Float("l1_ratio", 0.0, 1.0)])
    return _sklearn("enet_diabetes", ElasticNet(max_iter=5000), "diabetes", space, "r2", lambda r2: 1.0 - r2,
                    "elastic net on diabetes, 1 - R^2 (alpha log, l1_ratio)")


def _svc_breast_cancer() -> Task:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    space = SearchSpace([Float("svc__C", 1e-3, 1e4, log=True), Float("svc__gamma", 1e-5, 10.0, log=True)])
    return _sklearn("svc_breast_cancer", make_pipeline(StandardScaler(), SVC()), "breast_cancer", space, "roc_auc",
                    lambda auc: 1.0 - auc, "RBF SVC on breast_cancer, 1 - ROC AUC (C, gamma; log)")


#: Held-out task factories by name.
HELDOUT: dict[str, Callable[[], Any]] = {
    "goldstein_price": lambda: _synthetic("goldstein_price", _GoldsteinPrice(), " on [-2, 2]^2, heavy-tailed"),
    "hartmann3": lambda: _synthetic("hartmann3", _Hartmann3()),
    "styblinski_tang5": lambda: _synthetic("styblinski_tang5", _StyblinskiTang()),
    "shekel5": lambda: _synthetic("shekel5", _Shekel5(), " on [0, 10]^4, narrow wells"),
    "enet_diabetes": _elastic_net_diabetes,
    "svc_breast_cancer": _svc_breast_cancer,
}
