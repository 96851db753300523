"""Score a scikit-learn estimator by cross-validation, with a sealed test split kept aside.

:class:`SklearnCV` is the objective behind the ready-made tasks (:mod:`.tasks`) and the one to
use for your own model and data. It follows the protocol every practitioner is taught:

1. Split the data once into a *training split* and a *sealed test split*.
2. Tune on the training split only, scoring each configuration by K-fold cross-validation.
3. Open the test split at the end, once, for an unbiased estimate of the chosen model.

The looks at the sealed test split (step 3) and its other reads are those of the class's base,
:class:`~interactive_hpo.objectives.sklearn_sealed.SealedTestAccess`.

scikit-learn is imported lazily, when an objective is built: importing this module (and
``interactive_hpo``) stays light.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np

from .._validation import check_real, fail, import_optional, is_int, seed_to_int
from ..space import SearchSpace
from ..trial import Evaluation
from .budgets import check_budget, check_resource, resource_value, sample_folds
from .sealed import SealedRecord, SealedTestLook, SealedTestSetWarning
from .sklearn_checks import (
    check_data,
    check_estimator,
    check_space,
    check_warnings,
    estimator_settings,
    ignoring,
    make_scorer,
    seeded_clone,
)
from .sklearn_sealed import SealedTestAccess
from .splitting import check_cv_groups, data_bytes, function_bytes, sealed_split, training_folds

__all__ = ["SklearnCV", "SealedTestLook", "SealedTestSetWarning", "seeded_clone"]

_OWNER = "SklearnCV"


class SklearnCV(SealedTestAccess):
    """Mean K-fold cross-validation score of a scikit-learn estimator, as an objective to maximize.

    The data are split once, in ``__init__``, into a training split and a sealed test split.
    Calling the objective clones ``estimator``, sets ``params`` on it and cross-validates on
    the training split only; the test split is used only by :meth:`test_score`.

    Parameters
    ----------
    estimator : scikit-learn estimator
        Any estimator or pipeline (never modified: each evaluation fits a clone).
    X : array-like of shape (n_samples, n_features)
        Features (numpy array, pandas DataFrame or sparse matrix; a list of texts if a step
        takes them), checked as strictly as the tags of the estimator and its steps allow: NaN
        passes only if some step takes it.
    y : array-like of shape (n_samples,)
        Targets: class labels (at least two classes) for classifiers, numbers for regressors.
    space : SearchSpace
        Every name must be a key of ``estimator.get_params()``; pipeline-style names such as
        ``"svc__C"`` reach inside pipelines. Where the estimator declares scikit-learn's
        parameter constraints, the bounds and choices must be values it takes (a ``Float`` for
        an int parameter is refused); a value that fails only at fit time fails its trial.
    cv : int or splitter, default=5
        Number of folds, >= 2: shuffled and seeded, stratified for a classifier's 1-D labels
        (the cut of HPOSearchCV, :func:`~interactive_hpo.objectives.folds.shuffled_folds`). Or a
        scikit-learn splitter (an object with ``split`` and ``get_n_splits``: ``GroupKFold(5)``,
        ``TimeSeriesSplit(5)``, ``PredefinedSplit``), which cuts the training split. Either way
        the folds are cut once, and every configuration sees the *same* folds, so differences
        between configurations are not blurred by different splits. With a ``TimeSeriesSplit``
        the sealed test split is the last ``test_size`` fraction of the rows, unshuffled (a
        shuffled one would train on the future), so X must be in time order. A list of
        (train, test) pairs is refused: its indices would be into a training split you never see.
    groups : array-like of shape (n_samples,) or None, default=None
        Group labels (a patient, a site): each group is kept on one side of the sealed test
        split (``GroupShuffleSplit``: ``test_size`` is then a fraction of the groups, and the
        split is not stratified) and of every fold, for a ``cv`` splitter that reads groups
        (``GroupKFold(5)``), which is given the training rows' labels. Refused with an int ``cv``
        and with a scikit-learn splitter that ignores them (``KFold``, ``TimeSeriesSplit``).
    scoring : str, callable or None, default=None
        A name from ``sklearn.metrics.get_scorer_names()`` (e.g. ``"accuracy"``, ``"r2"``,
        ``"neg_mean_squared_error"``), a scorer ``scoring(estimator, X, y) -> float``, or None
        for the estimator's own ``score`` method. Scorers are greater-is-better, so the
        direction is always ``"maximize"``; wrap a loss with
        ``sklearn.metrics.make_scorer(loss, greater_is_better=False)``. A scorer that cannot
        score the estimator at any value of the space is refused: a metric of class labels for
        a regressor, or one reading ``predict_proba`` for ``SVC(probability=False)``.
    test_size : float, default=0.25
        Fraction of the samples in the sealed test split, in (0, 1).
    seed : int, numpy.random.Generator or None, default=None
        Seeds a generator from which every sub-seed is drawn: the train/test split, the CV
        shuffle, ``random_state`` of the estimator (and of every pipeline step) where it is
        None, and the order in which sample budgets take the training samples. A
        ``random_state`` you set yourself is kept. ``self.seed`` records the int used.
    name : str, optional
        Shown in plots and the Lab; defaults to the estimator's class name.
    ignore_warnings : tuple of Warning subclasses, default=()
        Warning categories silenced while fitting and scoring, for settings that trigger them
        on purpose (e.g. ``ConvergenceWarning`` with a deliberately small ``max_iter``). By
        default nothing is silenced: you see what scikit-learn says.
    budget_resource : str or None, default=None
        What a budget ``b`` in (0, 1] shrinks (:mod:`~interactive_hpo.objectives.budgets`).
        None: each fold fits on ``ceil(b * n_fit)`` of its training samples, nested across
        budgets, every class present. The name of a positive int estimator parameter not in
        ``space`` (``"n_estimators"``, ``"mlp__max_iter"``): it is set to ``round(b * full)``.
    estimator_params : callable or None, default=None
        ``estimator_params(params) -> dict`` of ``set_params`` arguments, for a space whose
        parameters are not the estimator's own: ``n_layers`` and a width per layer become
        ``hidden_layer_sizes``, say (:func:`~interactive_hpo.objectives.tasks.mlp_layers_digits`).
        None: ``params`` are passed as they are (a conditional space's inactive ones absent, so
        the estimator keeps its default for them).

    Attributes
    ----------
    direction : str
        Always ``"maximize"``.
    budget_range : (float, float)
        ``(0.0, 1.0)``: budgets in (0, 1], 1 the full evaluation; a study refuses, before the
        first trial, a scheduler whose ``min_budget`` or ``max_budget`` is beyond them.
    train_indices, test_indices : ndarray of shape (n_train,) and (n_test,)
        Rows of ``X`` in the training and sealed test splits (read-only, disjoint).
    test_looks : tuple of SealedTestLook
        Every call of :meth:`test_score` so far, oldest first (shared with :meth:`with_seed` of
        the same seed, which seals the same rows), and those of earlier sessions that the journal
        of a study running the task kept (:meth:`keep_test_looks`).
    test_reads : tuple of str
        Every other read of the sealed test split, oldest first: who read it and what
        (:func:`~interactive_hpo.landscape.build_landscape` reads every configuration's test score).
    groups : ndarray of shape (n_samples,) or None
        The group labels given (read-only).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from interactive_hpo import Float, SearchSpace
    >>> X, y = load_diabetes(return_X_y=True)
    >>> space = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])
    >>> objective = SklearnCV(Ridge(), X, y, space, cv=3, seed=0)
    >>> result = objective({"alpha": 0.1})   # mean R^2 over 3 folds of the training split
    >>> 0.3 < result.value < 0.7, len(result.user_attrs["fold_scores"])
    (True, 3)
    >>> objective({"alpha": 0.1}, budget=0.25).user_attrs["n_train_samples"]   # a quarter of each fold
    56
    >>> 0.3 < objective.test_score({"alpha": 0.1}) < 0.7   # once, at the very end
    True
    """

    direction = "maximize"
    budget_range: ClassVar[tuple[float, float]] = (0.0, 1.0)

    def __init__(self, estimator: Any, X: Any, y: Any, space: SearchSpace, cv: Any = 5,
                 scoring: str | Callable[..., float] | None = None, test_size: float = 0.25,
                 seed: int | np.random.Generator | None = None, name: str | None = None, *,
                 ignore_warnings: tuple[type[Warning], ...] = (), budget_resource: str | None = None,
                 estimator_params: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None, groups: Any = None):
        owner = self._owner
        import_optional("sklearn", "sklearn", owner)
        from sklearn.base import is_classifier

        n = check_data(X, y, check_estimator(estimator, owner), owner)  # bad data would fail every trial
        self.cv, self._groups = check_cv_groups(cv, groups, n, owner)
        self.test_size = check_real(test_size, "test_size", owner, 0, 1, low_open=True, high_open=True)
        self.estimator_params = estimator_params
        self.space = check_space(space, estimator, owner, estimator_params)
        self.scoring = scoring
        self._scorer = make_scorer(estimator, scoring, owner, self.space, estimator_params, y=y)
        if name is not None and (not isinstance(name, str) or not name):
            raise fail("name", owner, "a non-empty str or None", name)
        self.name = name or type(estimator).__name__
        self.ignore_warnings = check_warnings(ignore_warnings, owner)
        self._resource_full = check_resource(budget_resource, estimator, self.space, owner)
        self.budget_resource = budget_resource
        self.seed = seed_to_int(seed, owner)
        self.estimator = estimator
        self.is_classifier = bool(is_classifier(estimator))

        # One generator, four sub-seeds: nothing here touches numpy's global RNG. The budget
        # seed is drawn last, so that it left the first three (and old scores) unchanged.
        rng = np.random.default_rng(self.seed)
        split_seed, self._cv_seed, model_seed = (int(s) for s in rng.integers(0, 2**31 - 1, size=3))
        self._budget_seed = int(rng.integers(0, 2**31 - 1))
        self._split(X, y, n, split_seed)
        self._X, self._y = X, y  # kept (not copied) for with_seed

        # The same params give the same score; the user's estimator is never modified.
        self._base = seeded_clone(estimator, model_seed)
        self._sealed = SealedRecord()

    # -- validation helpers ------------------------------------------------------------------
    def _split(self, X: Any, y: Any, n: int, split_seed: int) -> None:
        """Cut (X, y) once into the training split and the sealed test split, and the training split into folds."""
        X_train, X_test, y_train, y_test, idx_train, idx_test = sealed_split(
            X, y, n, self.cv, self._groups, self.test_size, self.is_classifier, split_seed, self._owner)
        self._X_train, self._y_train, self._X_test, self._y_test = X_train, y_train, X_test, y_test
        for indices in (idx_train, idx_test):
            indices.flags.writeable = False
        self._train_indices, self._test_indices = idx_train, idx_test
        self._cv_folds = training_folds(self.cv, X_train, y_train, None if self._groups is None else
                                        self._groups[idx_train], self.is_classifier, self._cv_seed, self._owner)

    @property
    def _owner(self) -> str:
        """What refusals name: the class the person called (SklearnTradeoff too)."""
        return type(self).__name__

    # -- public read-only views ----------------------------------------------------------------
    @property
    def train_indices(self) -> np.ndarray:
        """Rows of ``X`` in the training split, shape (n_train,), read-only."""
        return self._train_indices

    @property
    def test_indices(self) -> np.ndarray:
        """Rows of ``X`` in the sealed test split, shape (n_test,), read-only."""
        return self._test_indices

    @property
    def groups(self) -> np.ndarray | None:
        """The group labels, shape (n_samples,), read-only (a view: the array given is left as it was); or None."""
        if self._groups is None:
            return None
        view = self._groups.view()
        view.flags.writeable = False
        return view

    def fold_indices(self, budget: float | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Rows of ``X`` each fold fits on and is validated on at ``budget`` (in (0, 1] or None).

        Returns one pair per fold, ndarrays of shape (n_fit,) and (n_validation,). The fit rows
        shrink with the budget (nested) for sample budgets only; the validation rows never do.
        """
        folds = self._folds(check_budget(budget, "SklearnCV.fold_indices"))
        return [(self._train_indices[fit], self._train_indices[validation]) for fit, validation in folds]

    # -- evaluation ------------------------------------------------------------------------------
    def _folds(self, budget: float | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Positions in the training split of each fold's fit and validation parts at a checked ``budget``."""
        folds = self._cv_folds
        if budget is None or self.budget_resource is not None:
            return folds
        rank = np.random.default_rng(self._budget_seed).permutation(len(self._train_indices))
        return sample_folds(folds, rank, np.asarray(self._y_train) if self.is_classifier else None, budget)

    def _configured(self, params: Mapping[str, Any], budget: float | None = None) -> Any:
        """A fresh clone of the (seeded) estimator with ``params`` set, and a resource ``budget`` applied."""
        from sklearn.base import clone

        model = clone(self._base).set_params(**estimator_settings(self.estimator_params, params, _OWNER))
        if budget is not None and self.budget_resource is not None and self._resource_full is not None:
            model.set_params(**{self.budget_resource: resource_value(self._resource_full, budget)})
        return model

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> Evaluation:
        """Cross-validate ``params`` on the training split.

        Parameters
        ----------
        params : dict
            One value per name of ``space`` (validated against it).
        budget : float in (0, 1] or None, default=None
            None (or 1, which gives the same score) is the full budget; a smaller budget is a
            cheaper, lower-fidelity score that shrinks ``budget_resource``. The validation
            folds are whole at every budget, so scores at different budgets are comparable.

        Returns
        -------
        Evaluation
            ``value`` is the mean score over the ``cv`` folds; ``user_attrs`` holds
            ``"fold_scores"`` (list of ``cv`` floats), ``"score_std"`` (their standard deviation)
            and ``"fit_time"`` (seconds spent fitting, summed over the folds). With a budget,
            also ``"budget"``, ``"n_train_samples"`` (training samples per fold, the mean over
            the folds, rounded) and, for a parameter resource, its value (e.g. ``"n_estimators"``).
        """
        budget, model, folds, result = self._cross_validate(params, budget, f"{self._owner}.__call__")
        budget_attrs: dict[str, Any] = {}
        if budget is not None:  # what the budget bought, shown with the trial
            budget_attrs = {"budget": budget, "n_train_samples": round(np.mean([len(fit) for fit, _ in folds]))}
            if self.budget_resource is not None:
                budget_attrs[self.budget_resource] = model.get_params()[self.budget_resource]
        scores = np.asarray(result["test_score"], dtype=float)
        finite = bool(np.all(np.isfinite(scores)))
        # A NaN fold makes the value NaN, which the study records as a FAILED trial. The attrs are
        # JSON as returned (None for NaN, as a study would keep them), for a caller without a study.
        return Evaluation(value=float(np.mean(scores)), user_attrs={
            "fold_scores": [float(s) if np.isfinite(s) else None for s in scores],
            "score_std": float(np.std(scores)) if finite else None,
            "fit_time": float(np.sum(result["fit_time"])),
            **budget_attrs,
        })

    def _cross_validate(self, params: Mapping[str, Any], budget: Any, owner: str, *,
                        detail: bool = False) -> tuple[float | None, Any, list[Any], dict[str, Any]]:
        """Check ``params`` and ``budget`` and cross-validate: (budget, model, folds, result).

        With ``detail``, ``result`` also holds the training-fold scores and, under
        ``"sealed_score"``, each fold's model scored on the sealed test split.
        """
        from sklearn.model_selection import cross_validate

        budget = check_budget(budget, owner)
        params = self.space.validate(params, owner=owner)
        model, folds = self._configured(params, budget), self._folds(budget)
        with ignoring(self.ignore_warnings):
            result = cross_validate(model, self._X_train, self._y_train, cv=folds, scoring=self._scorer,
                                    error_score="raise", return_train_score=detail, return_estimator=detail)
            if detail:
                result["sealed_score"] = [self._scorer(fitted, self._X_test, self._y_test)
                                          for fitted in result.pop("estimator")]
        return budget, model, folds, result

    def with_seed(self, seed: int | np.random.Generator | None) -> SklearnCV:
        """The same task (estimator, data, space, settings) with another ``seed``: another
        train/test split, other folds and other model seeds. Landscapes average over these.
        With the same seed, the same split: its looks and reads of the sealed test split are
        shared with this task's (a look through either counts for both)."""
        # The int SklearnCV would draw from a Generator, refused here in this method's name.
        seed = seed_to_int(seed, f"{self._owner}.with_seed")
        task = SklearnCV(self.estimator, self._X, self._y, self.space, cv=self.cv, scoring=self.scoring,
                         test_size=self.test_size, seed=seed, name=self.name, ignore_warnings=self.ignore_warnings,
                         budget_resource=self.budget_resource, estimator_params=self.estimator_params,
                         groups=self._groups)
        if np.array_equal(task.test_indices, self._test_indices):  # the same rows sealed: the same record
            task._sealed = self._sealed
        return task

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that decides a score: the estimator and its params, the
        function mapping params to it, the data, the scoring, the folds, the split and the seed
        (a cache key for landscapes)."""
        params = sorted((key, repr(value)) for key, value in self._base.get_params(deep=True).items())
        # A splitter's repr may show a RandomState's address: its name and its folds stand for it.
        cv = self.cv if is_int(self.cv) else type(self.cv).__name__
        # A scoring function's repr holds its address, new in each process: its code stands for it (r443).
        function = getattr(self.scoring, "__code__", None) is not None
        settings = (type(self._base).__name__, params, cv, "function" if function else self.scoring, self.test_size,
                    self.seed, self.budget_resource)
        digest = hashlib.sha256(repr(settings).encode())
        for part in (self.estimator_params, self.scoring if function else None):  # (without, cache names stay)
            if callable(part):
                digest.update(function_bytes(part))
        for data in (self._X_train, self._y_train, self._X_test, self._y_test):
            digest.update(data_bytes(data))
        if not is_int(self.cv):  # an int's folds follow from the seed (and cache names made before splitters stay)
            for fold in self._cv_folds:
                digest.update(repr([len(part) for part in fold]).encode() + b"".join(part.tobytes() for part in fold))
        return digest.hexdigest()[:16]

    def __repr__(self) -> str:
        scoring = self.scoring if isinstance(self.scoring, str) or self.scoring is None else \
            getattr(self.scoring, "__name__", type(self.scoring).__name__)
        return (f"{self._owner}({self.name!r}, cv={self.cv}, scoring={scoring!r}, "
                f"n_train={len(self._train_indices)}, n_test={len(self._test_indices)}, seed={self.seed})")

