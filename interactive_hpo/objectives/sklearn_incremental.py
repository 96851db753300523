"""Population Based Training with scikit-learn: :class:`SklearnIncremental`, an
:class:`~interactive_hpo.objectives.incremental.IncrementalTask` for estimators with
``partial_fit`` (one step = one epoch over the shuffled training split) or ``warm_start`` (one
step = one more ``max_iter`` iteration from the current weights).

The data are split once, seeded, into a training split (what ``train`` fits), a validation split
(what ``score`` reads, what PBT ranks members by) and a sealed test split read only by
:meth:`SklearnIncremental.test_score`, as in :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`.
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .._compat import mlp_solver
from .._validation import check_one_of, check_real, fail, import_optional, is_int, seed_to_int
from ..space import SearchSpace
from .sealed import SealedRecord, SealedTestLook
from .sklearn_checks import check_data, check_estimator, check_space, check_warnings, make_scorer
from .sklearn_scoring import check_scorer_targets

__all__ = ["MAX_STEPS", "SklearnIncremental"]

_OWNER = "SklearnIncremental"
Seed = int | np.random.Generator | None
#: The most steps one ``train`` takes: scikit-learn's compiled solvers hold ``max_iter`` in a C int.
MAX_STEPS = 2**31 - 1
#: The attribute in which a model keeps how many steps :meth:`SklearnIncremental.train` gave it
#: (copies keep it; a clone is a new model): what fixes the data order of its next unseeded step.
_STEPS = "_interactive_hpo_steps"


def _stratify(y: Any, is_classifier: bool) -> Any:
    return y if is_classifier and np.unique(np.asarray(y), return_counts=True)[1].min() >= 3 else None


class SklearnIncremental:
    """A scikit-learn estimator trained step by step on a training split, scored on a validation split.

    Parameters
    ----------
    estimator_factory : scikit-learn estimator or callable
        An estimator (cloned for every new model), or a function or class returning a new one.
    X : array-like of shape (n_samples, n_features)
        Features (numpy array, DataFrame or sparse matrix), checked as the estimator's tags
        allow (NaN only if it takes NaN).
    y : array-like of shape (n_samples,)
        Targets: class labels (two classes or more) for a classifier, finite numbers for a regressor.
    space : SearchSpace
        Every name must be a parameter of the estimator (``estimator.get_params()``).
    mode : {"auto", "partial_fit", "warm_start"}, default="auto"
        How a step trains: one ``partial_fit`` epoch over the shuffled training split, or
        ``warm_start=True`` with ``max_iter`` set to the number of steps. "auto" prefers
        ``partial_fit``.
    scoring : str, callable or None, default=None
        A scikit-learn scorer name or ``scorer(estimator, X, y)``; None uses ``estimator.score``.
        Scores are greater-is-better, so ``direction`` is "maximize".
    validation_size, test_size : float, default=0.2
        Fractions of all samples in the validation and sealed test splits; the rest trains.
    seed : int, numpy.random.Generator or None
        Seeds the splits (stratified for classifiers) and the data order when ``train`` gets no
        seed (see :meth:`train`). ``self.seed`` records the int used (None: one drawn from fresh
        entropy).
    name : str, optional
        Shown in plots; defaults to the estimator's class name.
    ignore_warnings : tuple of Warning subclasses, default=()
        Categories silenced while training and scoring. ``ConvergenceWarning`` is always silenced
        in "warm_start" mode, where a few iterations per call are the point.

    Examples
    --------
    >>> from interactive_hpo.objectives import sgd_digits
    >>> task = sgd_digits(seed=0)
    >>> params = {"eta0": 0.01, "alpha": 1e-4}
    >>> model = task.train(task.new_model(params, seed=0), params, n_steps=3, seed=0)
    >>> 0.85 < task.score(model) <= 1.0
    True
    """

    direction = "maximize"

    def __init__(self, estimator_factory: Any, X: Any, y: Any, space: SearchSpace, *, mode: str = "auto",
                 scoring: str | Callable[..., float] | None = None, validation_size: float = 0.2,
                 test_size: float = 0.2, seed: Seed = None, name: str | None = None,
                 ignore_warnings: tuple[type[Warning], ...] = ()):
        import_optional("sklearn", "sklearn", _OWNER)
        from sklearn.base import clone, is_classifier
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.model_selection import train_test_split

        if hasattr(estimator_factory, "get_params") and not isinstance(estimator_factory, type):
            prototype = estimator_factory
            self._factory: Callable[[], Any] = lambda: clone(prototype)
        elif callable(estimator_factory):
            self._factory = estimator_factory
        else:
            raise fail("estimator_factory", _OWNER, "a scikit-learn estimator or a callable returning one",
                       estimator_factory)
        probe = self._factory()
        if not hasattr(probe, "get_params"):
            raise fail("estimator_factory", _OWNER, "a callable returning a scikit-learn estimator", probe)
        self._model_type = type(probe)  # what a model of this task is (see _model)
        self.mode = check_one_of(mode, "mode", _OWNER, ("auto", "partial_fit", "warm_start"))
        if self.mode == "auto":
            self.mode = "partial_fit" if hasattr(probe, "partial_fit") else "warm_start"
        if self.mode == "partial_fit" and not hasattr(probe, "partial_fit"):
            raise fail("mode", _OWNER, "'warm_start' or 'auto' for an estimator without partial_fit", mode)
        valid = list(probe.get_params(deep=True))
        if self.mode == "warm_start" and not {"warm_start", "max_iter"} <= set(valid):
            raise fail("estimator_factory", _OWNER, "an estimator with partial_fit, or with warm_start and max_iter",
                       probe)
        self.space = check_space(space, probe, _OWNER)
        self.validation_size = check_real(validation_size, "validation_size", _OWNER, 0, 1, low_open=True,
                                          high_open=True)
        self.test_size = check_real(test_size, "test_size", _OWNER, 0, 1, low_open=True, high_open=True)
        if self.validation_size + self.test_size >= 1:
            raise fail("test_size", _OWNER, f"below 1 - validation_size = {1 - self.validation_size:g}",
                       test_size, hint="Some samples must be left to train on.")
        self.scoring = scoring
        self._scorer = make_scorer(probe, scoring, _OWNER, self.space)
        if name is not None and (not isinstance(name, str) or not name):
            raise fail("name", _OWNER, "a non-empty str or None", name)
        self.name = name or type(probe).__name__
        self.ignore_warnings = check_warnings(ignore_warnings, _OWNER) + (
            (ConvergenceWarning,) if self.mode == "warm_start" else ())
        self.seed = seed_to_int(seed, _OWNER)
        self.is_classifier = bool(is_classifier(probe))

        rng = np.random.default_rng(self.seed)
        test_seed, val_seed = (int(s) for s in rng.integers(0, 2**31 - 1, size=2))
        self._order_seed = int(rng.integers(0, 2**31 - 1))  # data orders when train() gets no seed
        check_data(X, y, probe, _OWNER)  # NaN, texts or one class would fail every training step
        check_scorer_targets(self._scorer, scoring, y, _OWNER)  # "f1" of three classes would too
        X, y = (X if hasattr(X, "tocsr") else np.asarray(X)), np.asarray(y)  # a sparse X stays sparse
        if X.ndim != 2 or y.ndim != 1:
            raise fail("y", _OWNER, "an array of shape (n_samples,) matching X of shape (n_samples, n_features)",
                       f"y of shape {y.shape} with X of shape {X.shape}")
        # Two cuts, each refused naming its own fraction (test_size=0.01 was blamed on validation_size).
        rule = "a fraction leaving samples (of every class) in the training, validation and test splits"
        try:
            X_fit, self._X_test, y_fit, self._y_test = train_test_split(
                X, y, test_size=self.test_size, random_state=test_seed, stratify=_stratify(y, self.is_classifier))
        except ValueError as error:
            raise fail("test_size", _OWNER, rule, self.test_size,
                       hint=f"Cutting the test split from {len(y)} samples: {str(error).rstrip('.')}.") from error
        try:
            val_fraction = self.validation_size / (1 - self.test_size)
            self._X_train, self._X_val, self._y_train, self._y_val = train_test_split(
                X_fit, y_fit, test_size=val_fraction, random_state=val_seed,
                stratify=_stratify(y_fit, self.is_classifier))
        except ValueError as error:
            raise fail("validation_size", _OWNER, rule, self.validation_size,
                       hint=f"With test_size={self.test_size}, cutting the validation split from the other "
                            f"{len(y_fit)} samples: {str(error).rstrip('.')}.") from error
        self._classes = np.unique(y) if self.is_classifier else None
        self._sealed = SealedRecord()

    @property
    def n_train(self) -> int:
        """Samples in the training split."""
        return len(self._y_train)

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        with warnings.catch_warnings():
            for category in self.ignore_warnings:
                warnings.simplefilter("ignore", category)
            yield

    # -- the IncrementalTask protocol ----------------------------------------------------------
    def new_model(self, params: Mapping[str, Any], seed: int) -> Any:
        """A new, untrained estimator with ``params`` and every ``random_state`` set to ``seed``."""
        seed = seed_to_int(seed, f"{_OWNER}.new_model")
        params = self.space.validate(params, owner=f"{_OWNER}.new_model")
        model = self._factory()
        seeds = {key: seed for key in model.get_params(deep=True)
                 if key == "random_state" or key.endswith("__random_state")}
        return model.set_params(**seeds, **params)

    def train(self, model: Any, params: Mapping[str, Any], n_steps: int, *, seed: int | None = None) -> Any:
        """Set ``params`` on ``model`` and train it ``n_steps`` more steps (in place); returns ``model``.

        Parameters
        ----------
        model : estimator
            From :meth:`new_model` or :meth:`copy`.
        params : dict
            One value per name of ``space``.
        n_steps : int
            Epochs (``partial_fit``) or iterations (``warm_start``), from 0 to
            :data:`MAX_STEPS` (2**31 - 1).
        seed : int or None
            Fixes the order of the training samples in these steps. None (the default) is not
            fresh entropy: the order of a model's k-th step (counting every step it took, in this
            call or an earlier one) is fixed by the task's ``seed`` and k alone. So a call gives the
            same model whenever it runs, whatever was trained before it or beside it, 3 steps
            in one call are 3 steps in three calls (in "partial_fit" mode; a "warm_start" call fits
            once, in the order of its first step), and every model sees the same data order at
            the same step (configurations compared on the same order, as :class:`SklearnCV`
            compares them on the same folds). With an int, the call's steps draw their orders
            from it alone (PBT passes one per member and round).

        Examples
        --------
        >>> from interactive_hpo.objectives import sgd_digits
        >>> task, params = sgd_digits(seed=0), {"eta0": 0.01, "alpha": 1e-4}
        >>> once = task.train(task.new_model(params, seed=0), params, n_steps=2)
        >>> twice = task.train(task.train(task.new_model(params, seed=0), params, 1), params, 1)
        >>> bool((once.coef_ == twice.coef_).all())
        True
        """
        self._model(model, f"{_OWNER}.train")  # None would fail deep in set_params
        if not is_int(n_steps) or not 0 <= n_steps <= MAX_STEPS:
            raise fail("n_steps", f"{_OWNER}.train", f"an int in [0, {MAX_STEPS}]", n_steps,
                       hint="MAX_STEPS = 2**31 - 1: scikit-learn's compiled solvers hold max_iter in a C int."
                       if is_int(n_steps) and n_steps > MAX_STEPS else None)
        n_steps = int(n_steps)
        params = self.space.validate(params, owner=f"{_OWNER}.train")
        model.set_params(**params)
        _sync_cached_optimizer(model, params)
        orders = self._orders(model, n_steps, seed)
        with self._quiet():
            if self.mode == "warm_start" and n_steps > 0:
                order = next(orders)
                model.set_params(warm_start=True, max_iter=n_steps)
                model.fit(self._X_train[order], self._y_train[order])
            else:
                for order in orders:
                    extra = {"classes": self._classes} if self.is_classifier else {}
                    model.partial_fit(self._X_train[order], self._y_train[order], **extra)
        setattr(model, _STEPS, getattr(model, _STEPS, 0) + n_steps)
        return model

    def _orders(self, model: Any, n_steps: int, seed: int | None) -> Iterator[np.ndarray]:
        """The training split's order for each of the ``n_steps`` steps ``model`` is about to take,
        each of shape (n_train,): drawn from ``seed``, or with None fixed by the task's seed and the
        step's number in the model's life (see :meth:`train`). A task-wide generator once drew them,
        so that a call's model depended on every call before it, other models' too."""
        if seed is not None:
            rng = np.random.default_rng(seed_to_int(seed, f"{_OWNER}.train"))
            return (rng.permutation(self.n_train) for _ in range(n_steps))
        done = getattr(model, _STEPS, 0)
        return (np.random.default_rng([self._order_seed, step]).permutation(self.n_train)
                for step in range(done, done + n_steps))

    def score(self, model: Any) -> float:
        """Score on the validation split (greater is better); NaN for a model that never trained."""
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        self._model(model, f"{_OWNER}.score")
        try:
            check_is_fitted(model)
        except NotFittedError:
            return float("nan")
        with self._quiet():
            return float(self._scorer(model, self._X_val, self._y_val))

    def copy(self, model: Any) -> Any:
        """A deep copy: the same weights and optimizer state, trained independently from now on."""
        return copy.deepcopy(self._model(model, f"{_OWNER}.copy"))

    def _model(self, model: Any, owner: str) -> Any:
        """``model`` if this task could have made it: of the factory's class, fitted (if it is) on
        the task's features. Another estimator failed inside scikit-learn (set_params' "Invalid
        parameter"), or was scored and recorded as a look at the sealed test split."""
        check_estimator(model, owner, "model")
        rule = f"a model made by this task (new_model or copy), an estimator of class {self._model_type.__name__}"
        if type(model) is not self._model_type:
            raise fail("model", owner, rule, model, hint=f"It is of class {type(model).__name__}.")
        n_features = getattr(model, "n_features_in_", None)
        if n_features is not None and n_features != self._X_val.shape[1]:
            raise fail("model", owner, rule, model, hint=f"It was fitted on {n_features} features; this task's data "
                                                         f"have {self._X_val.shape[1]}.")
        return model

    # -- the sealed test split -----------------------------------------------------------------
    def test_score(self, model: Any) -> float:
        """Score ``model`` on the sealed test split, once, at the end (every look is recorded).

        From the second look on a :class:`~interactive_hpo.objectives.sklearn_cv.SealedTestSetWarning`
        is issued: choosing between models by their test scores makes the test score optimistic.
        """
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(model)
        except (NotFittedError, TypeError) as error:  # TypeError: not an estimator at all
            raise fail("model", f"{_OWNER}.test_score", "a model this task trained", model,
                       hint="Score the model you chose, after training it (train or a PBT run's best_model()).") \
                from error
        self._model(model, f"{_OWNER}.test_score")
        with self._quiet():
            score = float(self._scorer(model, self._X_test, self._y_test))
        params = {name: model.get_params()[name] for name in self.space.names}
        self._sealed.look(params, score, self.name, "validation")
        return score

    @property
    def test_looks(self) -> tuple[SealedTestLook, ...]:
        """Every look at the sealed test split so far, oldest first."""
        return tuple(self._sealed.looks)

    def __repr__(self) -> str:
        return (f"SklearnIncremental({self.name!r}, mode={self.mode!r}, n_train={self.n_train}, "
                f"n_validation={len(self._y_val)}, n_test={len(self._y_test)}, seed={self.seed})")


def _sync_cached_optimizer(model: Any, params: Mapping[str, Any]) -> None:
    """Push a changed learning rate or momentum into an MLP's cached solver.

    ``MLPClassifier``/``MLPRegressor`` build their solver (``_optimizer``) at the first
    ``partial_fit`` and keep its ``learning_rate_init`` and ``momentum`` from then on, so
    ``set_params`` alone would silently not change them (checked with scikit-learn 1.9). PBT's
    explore step relies on them changing; the solver's moment estimates are kept, as PBT copies
    optimizer state with the weights.
    """
    solver = mlp_solver(model)
    if solver is None:
        return
    if "learning_rate_init" in params and solver.learning_rate_init != params["learning_rate_init"]:
        solver.learning_rate_init = solver.learning_rate = float(params["learning_rate_init"])
    if "momentum" in params and hasattr(solver, "momentum"):
        solver.momentum = float(params["momentum"])
