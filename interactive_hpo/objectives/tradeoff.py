"""A real trade-off of several objectives: a cross-validated score against the size of the model.

:class:`SklearnTradeoff` scores a scikit-learn estimator by cross-validation, as
:class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` does, and measures a deterministic size
of the fitted models to minimize, optionally capped by a constraint;
:func:`sparse_logistic_breast_cancer` is a ready task (notebook 13).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._validation import as_scalar, check_real, fail, import_optional, is_real, seed_to_int, shown
from ..space import Categorical, Float, SearchSpace
from ..trial import Evaluation
from .budgets import check_budget
from .sklearn_checks import ignoring
from .sklearn_cv import SklearnCV
from .task_inputs import task_settings

__all__ = ["SklearnTradeoff", "sparse_logistic_breast_cancer"]


class SklearnTradeoff(SklearnCV):
    """A cross-validated score to maximize and a deterministic size of the model to minimize.

    Splits, folds, seeds and the sealed test split are those of :class:`SklearnCV` (same
    arguments); each call cross-validates ``params`` and also measures ``size`` of every fold's
    fitted model. With ``max_size``, the trial is feasible only when the size is at most that.

    Parameters
    ----------
    estimator, X, y, space
        As for :class:`SklearnCV`.
    size : callable
        ``size(fitted_estimator) -> float``, deterministic given the fit (features used, tree
        nodes, support vectors), so the second objective adds no noise of its own.
    size_name : str, default "model size"
        The second objective's name (plots, ``names``).
    max_size : float or None, default None
        The constraint ``size - max_size <= 0``; None: no constraint.
    **settings
        ``cv``, ``scoring``, ``test_size``, ``seed``, ``name``, ... as for :class:`SklearnCV`.

    Attributes
    ----------
    directions : tuple of str
        ``("maximize", "minimize")``: the score, then the size. (``direction``, inherited, is
        the score's alone; studies read ``directions``.)
    names : tuple of str
        The scoring's name (or ``"score"``), then ``size_name``.

    Examples
    --------
    >>> from interactive_hpo.objectives import sparse_logistic_breast_cancer
    >>> task = sparse_logistic_breast_cancer(seed=0, max_features=10)
    >>> result = task({"C": 0.1, "class_weight": "none"})
    >>> task.names, [round(v, 3) for v in result.value]   # accuracy, features used (mean of 5 folds)
    (('accuracy', 'features used'), [0.974, 7.2])
    >>> [round(c, 3) for c in result.constraints]   # 7.2 - 10 <= 0: met
    [-2.8]
    """

    directions = ("maximize", "minimize")

    def __init__(self, estimator: Any, X: Any, y: Any, space: SearchSpace, size: Callable[[Any], float], *,
                 size_name: str = "model size", max_size: float | None = None, **settings: Any):
        super().__init__(estimator, X, y, space, **settings)
        owner = self._owner
        if not callable(size):
            raise fail("size", owner, "a callable size(fitted_estimator) -> float", size)
        if not isinstance(size_name, str) or not size_name:
            raise fail("size_name", owner, "a non-empty str", size_name)
        self.size = size
        self.max_size = None if max_size is None else check_real(max_size, "max_size", owner)
        score_name = self.scoring if isinstance(self.scoring, str) else "score"
        if size_name == score_name:
            raise fail("size_name", owner, f"a name other than the score's ({score_name!r})", size_name)
        self.names = (score_name, size_name)
        self._settings = {"size": size, "size_name": size_name, "max_size": max_size, **settings}
        self._data = (estimator, X, y, space)

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> Evaluation:
        """Cross-validate ``params``: an :class:`Evaluation` whose value is (mean score, mean size
        over the folds' models), with ``constraints=[size - max_size]`` when ``max_size`` is set
        and ``user_attrs`` ``"fold_scores"``, ``"fold_sizes"`` and ``"fit_time"`` (seconds)."""
        from sklearn.model_selection import cross_validate

        budget = check_budget(budget, "SklearnTradeoff.__call__")
        model = self._configured(self.space.validate(params, owner="SklearnTradeoff.__call__"), budget)
        with ignoring(self.ignore_warnings):
            result = cross_validate(model, self._X_train, self._y_train, cv=self._folds(budget), scoring=self._scorer,
                                    error_score="raise", return_estimator=True)
        scores = [float(s) for s in result["test_score"]]
        sizes = [self._size(fitted) for fitted in result["estimator"]]
        size = float(np.mean(sizes))
        return Evaluation(value=(float(np.mean(scores)), size),
                          constraints=None if self.max_size is None else [size - self.max_size],
                          user_attrs={"fold_scores": scores, "fold_sizes": sizes,
                                      "fit_time": float(np.sum(result["fit_time"]))})

    def _size(self, fitted: Any) -> float:
        """``size(fitted)`` as a float: a number (or a 0-d array or tensor holding one), NaN and
        inf kept (the trial fails naming the objective); anything else is refused naming ``size``
        (None, a text or a tuple was Python's float() error, an int past 1e308 its OverflowError)."""
        value = as_scalar(self.size(fitted))
        if is_real(value):
            try:
                return float(value)
            except OverflowError:
                pass
        raise fail("size", "SklearnTradeoff.__call__", "a callable size(fitted_estimator) -> float", self.size,
                   hint=f"For a fitted {type(fitted).__name__} it returned {shown(value)}.")

    def with_seed(self, seed: int | np.random.Generator | None) -> SklearnTradeoff:
        """The same task with another ``seed`` (another split, other folds, other model seeds)."""
        seed = seed_to_int(seed, "SklearnTradeoff.with_seed")  # the int SklearnCV would draw, named here
        return SklearnTradeoff(*self._data, **{**self._settings, "seed": seed})


def _features_used(model: Any) -> float:
    """Features the linear model that ends ``model`` (a pipeline) gives a non-zero weight."""
    return float(np.count_nonzero(np.any(model[-1].coef_ != 0.0, axis=0)))


def _logistic_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The space's names are the pipeline's ``model__C`` and ``model__class_weight``."""
    return {"model__C": params["C"], "model__class_weight": None if params["class_weight"] == "none" else "balanced"}


def _l1_logistic_regression() -> Any:
    """``LogisticRegression`` with an L1 penalty, fitted by liblinear, as the installed
    scikit-learn spells it: 1.8 deprecated ``penalty="l1"`` (removed in 1.10) for ``l1_ratio=1``."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    if tuple(int(part) for part in sklearn.__version__.split(".")[:2]) >= (1, 8):
        return LogisticRegression(l1_ratio=1.0, solver="liblinear")
    return LogisticRegression(penalty="l1", solver="liblinear")


def sparse_logistic_breast_cancer(seed: int | np.random.Generator | None = None, cv: Any = 5,
                                  max_features: float | None = None, groups: Any = None) -> SklearnTradeoff:
    """L1-regularized logistic regression on the Wisconsin breast cancer data (569 samples, 30
    measurements per sample): accuracy to maximize against the features the model uses.

    The L1 penalty sets weights to exactly 0, the more so the smaller ``C``: a model that reads
    5 of the 30 measurements is cheaper to run and easier to explain than one that reads 20,
    but it is less accurate. The number of features with a non-zero weight is deterministic
    given the fit; the value is its mean over the ``cv`` fold models. Features are standardized
    inside the pipeline; liblinear fits. Search space: ``C`` in [1e-2, 10] (log; below it the
    model uses no feature at all) and ``class_weight`` in {"none", "balanced"} (the classes have
    212 and 357 samples). A trial takes a few hundredths of a second.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the split, the CV folds and liblinear.
    cv : int or splitter, default=5
        A number of shuffled folds or a splitter (``GroupKFold(5)``), as ``cv`` of SklearnCV.
    max_features : float or None, default None
        A constraint: feasible when the model uses at most this many features (on average
        over the folds).
    groups : array-like of shape (569,) or None, default=None
        Group labels of the samples, for a ``cv`` that reads them: ``groups`` of SklearnCV.

    Examples
    --------
    >>> task = sparse_logistic_breast_cancer(seed=0, max_features=5)
    >>> result = task({"C": 0.05, "class_weight": "none"})
    >>> [round(v, 3) for v in result.value], result.constraints[0] <= 0
    ([0.96, 4.6], True)
    """
    import_optional("sklearn", "sklearn", "sparse_logistic_breast_cancer")
    from sklearn.datasets import load_breast_cancer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    owner = "sparse_logistic_breast_cancer"
    X, y = load_breast_cancer(return_X_y=True)
    seed, cv, groups = task_settings(owner, seed, cv, groups, len(y))
    if max_features is not None:  # it was refused as `max_size` of SklearnTradeoff
        check_real(max_features, "max_features", owner)
    space = SearchSpace([Float("C", 1e-2, 10.0, log=True), Categorical("class_weight", ["none", "balanced"])])
    model = Pipeline([("scale", StandardScaler()), ("model", _l1_logistic_regression())])
    return SklearnTradeoff(model, X, y, space, _features_used, size_name="features used", max_size=max_features,
                           cv=cv, scoring="accuracy", seed=seed, name=owner, estimator_params=_logistic_params,
                           groups=groups)
