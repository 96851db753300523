"""Honest estimates for tuned models: nested cross-validation, and a scikit-learn search estimator.

The best cross-validation score a search finds is biased upwards: the maximum of many noisy
scores is partly luck (Cawley & Talbot, JMLR 2010; Varma & Simon, BMC Bioinformatics 2006).
:class:`HPOSearchCV` is tuning as a scikit-learn estimator (it nests inside ``cross_val_score``);
:func:`nested_cv` runs the outer loop and reports the honest outer scores beside the optimistic
inner ones (:class:`NestedCVResult`). Importing this module imports scikit-learn;
``import interactive_hpo`` does not import this module.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._validation import check_bool, check_int, fail, import_optional, seed_to_int
from .exceptions import InvalidParameterError, TrialStateError
from .objectives.sklearn_cv import SklearnCV
from .optimizers.halving import HalvingScheduler
from .optimizers.registry import available_optimizers, optimizer_class
from .space import SearchSpace
from .study import Study
from .trial import Evaluation, TrialState

import_optional("sklearn", "sklearn", "interactive_hpo.evaluation")  # an install hint, not a bare ImportError

from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate  # noqa: E402
from sklearn.utils import _safe_indexing  # noqa: E402
from sklearn.utils.metaestimators import available_if  # noqa: E402
from sklearn.utils.validation import check_consistent_length, check_is_fitted  # noqa: E402

__all__ = ["HPOSearchCV", "NestedCVResult", "nested_cv"]

_MAX_SEED = 2**31 - 1  # scikit-learn's random_state must fit in 32 bits


# -- checks shared by nested_cv and HPOSearchCV ----------------------------------------------------
def _as_owner(owner: str, check: Any, *args: Any) -> Any:
    """Run one of SklearnCV's argument checks (same rules, same hints), naming ``owner`` in its error."""
    try:
        return check(*args)
    except InvalidParameterError as error:
        raise InvalidParameterError(str(error).replace(" of SklearnCV ", f" of {owner} ", 1)) from None


def _check_model(estimator: Any, space: Any, scoring: Any, owner: str, name: str = "estimator") -> tuple[Any, Any]:
    """Check the estimator, that ``space`` names its parameters, and ``scoring``; return (space, scorer)."""
    for method in ("fit", "get_params", "set_params"):
        if not callable(getattr(estimator, method, None)):
            raise fail(name, owner, "a scikit-learn estimator (with fit, get_params and set_params)", estimator)
    space = _as_owner(owner, SklearnCV._check_space, space, estimator)
    return space, _as_owner(owner, SklearnCV._make_scorer, estimator, scoring)


def _check_optimizer(optimizer: Any, settings: Any, owner: str) -> None:
    if not isinstance(optimizer, str):
        raise fail("optimizer", owner, f"a registered optimizer name (one of {available_optimizers()})", optimizer,
                   hint="Each search builds its own optimizer, so pass a name, not an instance.")
    if issubclass(optimizer_class(optimizer), HalvingScheduler):  # unknown names get the registry's error
        raise fail("optimizer", owner, "an optimizer that evaluates every trial on the full data", optimizer,
                   hint="Successive halving, Hyperband and ASHA compare configurations at smaller budgets, "
                        "which this cross-validation does not take; try 'bo', 'random' or 'sobol'.")
    if settings is not None and not isinstance(settings, Mapping):  # its keys are checked by make_optimizer
        raise fail("optimizer_settings", owner, "a dict or None", settings)


def _splits(y: Any, n_splits: int, classifier: bool, seed: int, name: str, owner: str,
            where: str = "the data") -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled K-fold (stratified for classifiers) of ``len(y)`` samples, as (fit, test) index pairs."""
    labels = np.asarray(y)
    limit = int(np.unique(labels, return_counts=True)[1].min()) if classifier else len(labels)
    if n_splits > limit:
        what = f"the smallest class in {where} has {limit} samples" if classifier else f"{where} has {limit} samples"
        raise fail(name, owner, f"an int in [2, {limit}]", n_splits,
                   hint=f"Each of the {n_splits} folds needs a sample{' of every class' if classifier else ''}; "
                        f"{what}.")
    kind = StratifiedKFold if classifier else KFold
    return list(kind(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros((len(labels), 1)), labels))


def _seeded(estimator: Any, seed: int) -> Any:
    """A clone of ``estimator`` with ``seed`` in every ``random_state`` left at None (as SklearnCV does)."""
    unseeded = {key: seed for key, value in estimator.get_params(deep=True).items()
                if (key == "random_state" or key.endswith("__random_state")) and value is None}
    return clone(estimator).set_params(**unseeded)


def _frozen(values: Any) -> np.ndarray:
    """A read-only copy: a frozen result should not change under the user's feet."""
    array = np.array(values)
    array.flags.writeable = False
    return array


def _rank(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the best score, ties sharing the smaller rank, NaN (failed) last: scikit-learn's ranking."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    return 1 + np.sum(filled[None, :] > filled[:, None], axis=1).astype(np.int32)


# -- the scikit-learn estimator ------------------------------------------------------------------
def _check_refit(search: HPOSearchCV, attr: str) -> None:
    if not search.refit:
        raise AttributeError(f"{attr} of HPOSearchCV needs refit=True; with refit=False, fit a clone of the "
                             "estimator with best_params_ yourself.")


def _delegates(attr: str) -> Any:
    """``available_if`` check: ``attr`` exists on the refit best estimator (before fit: on ``estimator``)."""

    def check(search: HPOSearchCV) -> bool:
        _check_refit(search, attr)
        getattr(getattr(search, "best_estimator_", search.estimator), attr)  # AttributeError if missing
        return True

    return check


class HPOSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Tune ``estimator`` over ``space`` with a :class:`~interactive_hpo.study.Study`, as scikit-learn's searches do.

    ``fit(X, y)`` cuts ``X`` into ``cv`` shuffled folds (stratified for classifiers), runs
    ``n_trials`` trials scored by their mean cross-validation score (maximized) and refits the
    best configuration on all of ``X``. ``best_score_`` is optimistic (the maximum of many noisy
    scores); ``cross_val_score(HPOSearchCV(...), X, y)`` is nested cross-validation, the honest
    estimate. As in scikit-learn, ``__init__`` only stores its arguments (so ``clone`` and
    ``set_params`` work) and :meth:`fit` checks them.

    Parameters
    ----------
    estimator : scikit-learn estimator
        Cloned for every fit, never modified.
    space : SearchSpace
        Names are keys of ``estimator.get_params()`` (``"svc__C"`` reaches into pipelines).
    optimizer : str, default="bo"
        A registered name (``available_optimizers()``) other than the multi-fidelity schedulers.
    optimizer_settings : dict, optional
        Settings of that optimizer (``{"n_initial": 5}`` for "bo").
    n_trials : int, default=30
        Trials of the search, >= 1 (fewer if the optimizer runs out, e.g. a small grid).
    cv : int, default=5
        Number of folds, >= 2; every trial is scored on the same folds.
    scoring : str, callable or None, default=None
        A scorer name, a scorer ``scoring(estimator, X, y)``, or None for ``estimator.score``;
        greater is better, as in :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`.
    refit : bool, default=True
        Refit the best configuration on all of ``X``; ``predict`` and the like need it.
    seed : int, numpy.random.Generator or None, default=None
        Seeds the folds, the optimizer and every ``random_state`` of the estimator left at
        None. The same int gives the same search; None (or a Generator) a new one each fit.

    Attributes
    ----------
    best_params_ : dict
        The chosen configuration.
    best_score_ : float
        Its mean cross-validation score (optimistic: see above).
    best_index_ : int
        Its row in ``cv_results_``, which is its trial number in ``study_``.
    best_estimator_ : estimator
        The chosen configuration fitted on all of ``X`` (``refit=True`` only).
    cv_results_ : dict of ndarray of shape (n_trials_run,)
        One row per trial, in trial order, with scikit-learn's keys: ``params`` (a list of
        dicts), ``param_<name>``, ``split<k>_test_score``, ``mean_test_score``,
        ``std_test_score`` (ddof=0), ``rank_test_score`` (1 is best, failed trials last); and
        ``state`` ("COMPLETE" or "FAILED": failed trials have NaN scores).
    study_ : Study
        The search, to inspect or plot; each trial keeps ``fold_scores`` in ``user_attrs``. Not
        pickled with the estimator: save it with ``study_.save(path)``.
    scorer_ : callable
        The scorer of the search and of :meth:`score`.
    n_splits_ : int
        The number of folds.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.svm import SVC
    >>> from interactive_hpo import Float, SearchSpace
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HPOSearchCV(SVC(), SearchSpace([Float("C", 1e-2, 1e2, log=True)]), optimizer="sobol",
    ...                      n_trials=4, cv=3, seed=0).fit(X, y)
    >>> sorted(search.best_params_), search.best_score_ > 0.9, search.predict(X[:2]).tolist()
    (['C'], True, [0, 0])
    >>> cross_val_score(search, X, y, cv=3).shape   # nested cross-validation
    (3,)
    """

    def __init__(self, estimator: Any, space: SearchSpace, *, optimizer: str = "bo",
                 optimizer_settings: Mapping[str, Any] | None = None, n_trials: int = 30, cv: int = 5,
                 scoring: Any = None, refit: bool = True, seed: int | np.random.Generator | None = None):
        self.estimator = estimator
        self.space = space
        self.optimizer = optimizer
        self.optimizer_settings = optimizer_settings
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.seed = seed

    def fit(self, X: Any, y: Any) -> HPOSearchCV:
        """Search on X of shape (n_samples, n_features) and y of shape (n_samples,); return self.

        With ``refit=True`` the best configuration is then fitted on all of (X, y).
        """
        owner = "HPOSearchCV"
        space, scorer = _check_model(self.estimator, self.space, self.scoring, owner)
        _check_optimizer(self.optimizer, self.optimizer_settings, owner)
        n_trials = check_int(self.n_trials, "n_trials", owner, 1)
        n_splits = check_int(self.cv, "cv", owner, 2)
        refit = check_bool(self.refit, "refit", owner)
        check_consistent_length(X, y)
        rng = np.random.default_rng(seed_to_int(self.seed, owner))
        cv_seed, model_seed, study_seed = (int(s) for s in rng.integers(0, _MAX_SEED, size=3))
        folds = _splits(y, n_splits, is_classifier(self.estimator), cv_seed, "cv", owner)
        base = _seeded(self.estimator, model_seed)

        def objective(params: dict[str, Any]) -> Evaluation:
            # error_score="raise": an estimator error fails this trial (the study records why), not the search.
            result = cross_validate(clone(base).set_params(**params), X, y, cv=folds, scoring=scorer,
                                    error_score="raise")
            scores = np.asarray(result["test_score"], dtype=float)
            # A NaN fold makes the value NaN, which the study records as FAILED; attrs stay JSON (None for NaN).
            return Evaluation(float(np.mean(scores)), {
                "fold_scores": [float(s) if np.isfinite(s) else None for s in scores],
                "fit_time": float(np.sum(result["fit_time"])),
            })

        study = Study(space, self.optimizer, direction="maximize", seed=study_seed,
                      optimizer_settings=self.optimizer_settings)
        study.run(objective, n_trials)
        failed = [t for t in study.trials if t.state is not TrialState.COMPLETE]
        if len(failed) == len(study.trials):
            raise TrialStateError(f"Every one of the {len(failed)} trials of HPOSearchCV failed, so there is no "
                                  f"configuration to choose. First error: {failed[0].error}")
        if failed:
            warnings.warn(f"{len(failed)} of {len(study.trials)} trials of HPOSearchCV failed and were left out of "
                          f"the choice (their scores are NaN in cv_results_). First error: {failed[0].error}",
                          FitFailedWarning, stacklevel=2)
        best = study.best_trial
        self.study_, self.scorer_, self.n_splits_ = study, scorer, n_splits
        self.best_index_, self.best_params_, self.best_score_ = best.number, dict(best.params), float(best.value)
        self.cv_results_ = self._results(study, n_splits)
        if refit:
            self.best_estimator_ = clone(base).set_params(**best.params).fit(X, y)
        return self

    @staticmethod
    def _results(study: Study, n_splits: int) -> dict[str, Any]:
        """scikit-learn's ``cv_results_`` built from the study's trials (one row per trial, in order)."""
        trials = study.trials
        splits = np.full((len(trials), n_splits), np.nan)
        for row, trial in enumerate(trials):
            if trial.state is TrialState.COMPLETE:
                splits[row] = trial.user_attrs["fold_scores"]
        mean = np.mean(splits, axis=1)
        results: dict[str, Any] = {"params": [dict(t.params) for t in trials]}
        for name in study.space.names:
            results[f"param_{name}"] = np.array([t.params[name] for t in trials], dtype=object)
        for k in range(n_splits):
            results[f"split{k}_test_score"] = splits[:, k]
        results.update(mean_test_score=mean, std_test_score=np.std(splits, axis=1), rank_test_score=_rank(mean),
                       state=np.array([t.state.value for t in trials], dtype=object))
        return results

    def score(self, X: Any, y: Any) -> float:
        """``scorer_(best_estimator_, X, y)``: X of shape (n_samples, n_features), y of shape (n_samples,)."""
        _check_refit(self, "score")
        check_is_fitted(self)
        return float(self.scorer_(self.best_estimator_, X, y))

    @available_if(_delegates("predict"))
    def predict(self, X: Any) -> Any:
        """``best_estimator_.predict(X)``; X of shape (n_samples, n_features), returns shape (n_samples,)."""
        check_is_fitted(self)
        return self.best_estimator_.predict(X)

    @available_if(_delegates("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """``best_estimator_.predict_proba(X)``; returns shape (n_samples, n_classes)."""
        check_is_fitted(self)
        return self.best_estimator_.predict_proba(X)

    @available_if(_delegates("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """``best_estimator_.decision_function(X)``; shape (n_samples,) or (n_samples, n_classes)."""
        check_is_fitted(self)
        return self.best_estimator_.decision_function(X)

    @property
    def classes_(self) -> np.ndarray:
        """Class labels of the refit best estimator, shape (n_classes,) (classifiers with refit=True)."""
        _delegates("classes_")(self)
        return self.best_estimator_.classes_

    def __getstate__(self) -> dict[str, Any]:
        # Pickling (joblib.dump, parallel cross_validate) keeps the fitted model but not study_:
        # studies are persisted as JSON journals (study_.save(path)), never pickled.
        state = dict(super().__getstate__())
        state.pop("study_", None)
        return state

    def __sklearn_tags__(self) -> Any:
        # Tags say what the wrapped estimator is, so that is_classifier() and cross_val_score's
        # stratified folds treat the search like the estimator it tunes (as BaseSearchCV does).
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags, tags.regressor_tags = inner.classifier_tags, inner.regressor_tags
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags


# -- nested cross-validation ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class NestedCVResult:
    """What nested cross-validation found: one entry per outer fold.

    In each outer fold a search chose a configuration by its inner cross-validation score on
    the outer-training part only; the outer-test part never influenced that choice, so the
    chosen model's score on it (``outer_scores``) is an honest estimate of how the whole
    procedure, tuning included, does on new data. The inner best score is optimistic: it is
    the maximum over many configurations of noisy scores, and the search chose the
    configuration *because* its score was high. The **optimism gap** ``inner_best_scores -
    outer_scores`` measures that selection bias (plus fold-to-fold noise); a large positive gap
    means the search overfitted its validation folds (many trials, small or noisy data).

    Attributes
    ----------
    outer_scores : ndarray of shape (outer,)
        Score of each fold's chosen configuration, refit on the outer-training part, on the
        outer-test part (greater is better).
    inner_best_scores : ndarray of shape (outer,)
        The best mean inner-CV score each fold's search found.
    chosen_params : tuple of dict
        The configuration each fold's search chose.
    optimism_gap : ndarray of shape (outer,)
        ``inner_best_scores - outer_scores``.
    outer_test_indices : tuple of ndarray of shape (n_test_k,)
        Rows of ``X`` in each fold's outer-test part (the outer-training part is the rest).
    studies : tuple of Study
        Each fold's search, to inspect or plot.
    """

    outer_scores: np.ndarray
    inner_best_scores: np.ndarray
    chosen_params: tuple[dict[str, Any], ...]
    optimism_gap: np.ndarray
    outer_test_indices: tuple[np.ndarray, ...] = field(repr=False)
    studies: tuple[Study, ...] = field(repr=False)

    @property
    def mean(self) -> float:
        """Mean outer score: the estimate to report."""
        return float(np.mean(self.outer_scores))

    @property
    def std(self) -> float:
        """Standard deviation (ddof=0, as scikit-learn's ``std_test_score``) of the outer scores."""
        return float(np.std(self.outer_scores))

    @property
    def mean_gap(self) -> float:
        """Mean optimism gap over the folds (positive: the inner scores were optimistic)."""
        return float(np.mean(self.optimism_gap))

    def summary(self) -> str:
        """A table of the folds and the estimate, for printing."""
        lines = [f"Nested cross-validation: {len(self.outer_scores)} outer folds, "
                 f"{len(self.studies[0].trials)} trials per search",
                 f"{'fold':>4}  {'inner best':>10}  {'outer':>8}  {'gap':>8}  chosen params"]
        for k, (inner, outer, gap, params) in enumerate(zip(self.inner_best_scores, self.outer_scores,
                                                            self.optimism_gap, self.chosen_params, strict=True)):
            shown = ", ".join(f"{n}={v:.4g}" if isinstance(v, float) else f"{n}={v!r}" for n, v in params.items())
            lines.append(f"{k + 1:>4}  {inner:>10.4f}  {outer:>8.4f}  {gap:>+8.4f}  {shown}")
        lines.append(f"Outer score (the honest estimate): {self.mean:.4f} ± {self.std:.4f}; "
                     f"inner best (optimistic): {float(np.mean(self.inner_best_scores)):.4f}; "
                     f"mean optimism gap: {self.mean_gap:+.4f}")
        return "\n".join(lines)


def nested_cv(task_or_estimator: Any, space: SearchSpace | None = None, *, X: Any = None, y: Any = None,
              optimizer: str = "bo", optimizer_settings: Mapping[str, Any] | None = None, n_trials: int = 30,
              outer: int = 5, inner: int = 3, scoring: Any = None,
              seed: int | np.random.Generator | None = None) -> NestedCVResult:
    """Estimate how well tuning ``space`` with ``optimizer`` does on new data, by nested cross-validation.

    ``X`` is split into ``outer`` shuffled folds (stratified for classifiers). For each, an
    :class:`HPOSearchCV` with ``inner`` folds tunes on the outer-training part only; its choice
    is refit there and scored on the outer-test part. See :class:`NestedCVResult` for why the
    outer scores are honest and the inner best scores are not.

    Parameters
    ----------
    task_or_estimator : SklearnCV or scikit-learn estimator
        A task (``make_task("svm_digits")``): its estimator, space, scoring and silenced
        warning categories are used (``space`` and ``scoring`` override them). Tasks do not
        expose their data, so pass ``X`` and ``y`` either way. Nested CV uses all of ``X``:
        the task's own sealed test split plays no part.
    space : SearchSpace, optional
        Required with an estimator; names are keys of ``estimator.get_params()``.
    X, y : array-like of shape (n_samples, n_features) and (n_samples,)
        All the data; every sample is in exactly one outer-test part.
    optimizer, optimizer_settings, n_trials, scoring
        As in :class:`HPOSearchCV`, for every search; ``scoring`` also scores the outer folds.
    outer, inner : int, default=5 and 3
        Numbers of outer and inner folds, >= 2.
    seed : int, numpy.random.Generator or None, default=None
        Seeds the outer folds and, through one int per fold, each search. Same int, same result.

    Returns
    -------
    NestedCVResult

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from interactive_hpo import Float, SearchSpace
    >>> X, y = load_diabetes(return_X_y=True)
    >>> result = nested_cv(Ridge(), SearchSpace([Float("alpha", 1e-3, 1e3, log=True)]), X=X, y=y,
    ...                    optimizer="sobol", n_trials=4, outer=3, inner=2, seed=0)
    >>> result.outer_scores.shape, 0.3 < result.mean < 0.6
    ((3,), True)
    >>> print(result.summary().splitlines()[0])   # then a row per fold, and the estimate
    Nested cross-validation: 3 outer folds, 4 trials per search
    """
    owner = "nested_cv"
    estimator, quiet = task_or_estimator, ()
    if isinstance(task_or_estimator, SklearnCV):
        estimator, quiet = task_or_estimator.estimator, task_or_estimator.ignore_warnings
        space = task_or_estimator.space if space is None else space
        scoring = task_or_estimator.scoring if scoring is None else scoring
    space, _ = _check_model(estimator, space, scoring, owner, "task_or_estimator")
    for name, data in (("X", X), ("y", y)):
        if data is None:
            raise fail(name, owner, "an array-like of samples", data, hint="Tasks do not expose their data: pass "
                       "X and y (e.g. load_diabetes(return_X_y=True) for ridge_diabetes).")
    check_consistent_length(X, y)
    _check_optimizer(optimizer, optimizer_settings, owner)
    n_trials = check_int(n_trials, "n_trials", owner, 1)
    outer = check_int(outer, "outer", owner, 2)
    inner = check_int(inner, "inner", owner, 2)

    rng = np.random.default_rng(seed_to_int(seed, owner))
    classifier = is_classifier(estimator)
    folds = _splits(y, outer, classifier, int(rng.integers(0, _MAX_SEED)), "outer", owner)
    labels = np.asarray(y)
    for fit_rows, _ in folds:  # every inner split must be possible before any search starts
        _splits(labels[fit_rows], inner, classifier, 0, "inner", owner, where="an outer-training part")
    searches, outer_scores = [], []
    with warnings.catch_warnings():
        for category in quiet:
            warnings.simplefilter("ignore", category)
        for k, ((fit_rows, test_rows), fold_seed) in enumerate(zip(folds, rng.integers(0, _MAX_SEED, size=outer),
                                                                      strict=True)):
            search = HPOSearchCV(estimator, space, optimizer=optimizer, optimizer_settings=optimizer_settings,
                                 n_trials=n_trials, cv=inner, scoring=scoring, seed=int(fold_seed))
            try:
                search.fit(_safe_indexing(X, fit_rows), _safe_indexing(y, fit_rows))
            except TrialStateError as error:
                raise TrialStateError(f"In outer fold {k + 1} of nested_cv: {error}") from error
            outer_scores.append(search.score(_safe_indexing(X, test_rows), _safe_indexing(y, test_rows)))
            searches.append(search)

    scores, best = _frozen(outer_scores), _frozen([s.best_score_ for s in searches])
    return NestedCVResult(outer_scores=scores, inner_best_scores=best, optimism_gap=_frozen(best - scores),
                          chosen_params=tuple(s.best_params_ for s in searches),
                          outer_test_indices=tuple(_frozen(test) for _, test in folds),
                          studies=tuple(s.study_ for s in searches))
