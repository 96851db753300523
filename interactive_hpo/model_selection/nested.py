"""Honest estimates for tuned models: nested cross-validation.

The best cross-validation score a search finds is biased upwards: the maximum of many noisy
scores is partly luck (Cawley & Talbot, JMLR 2010; Varma & Simon, BMC Bioinformatics 2006).
:func:`nested_cv` runs the outer loop around :class:`~interactive_hpo.model_selection.search_cv.HPOSearchCV`
and reports the honest outer scores beside the optimistic inner ones (:class:`NestedCVResult`).
Importing this module imports scikit-learn; ``import interactive_hpo`` does not import it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_int, fail, seed_to_int
from ..exceptions import TrialStateError
from ..objectives.folds import check_cv, folds_of
from ..objectives.sklearn_checks import check_data, n_samples
from ..objectives.sklearn_cv import SklearnCV
from ..space import SearchSpace
from ..study.core import Study
from .checks import MAX_SEED, check_model, check_optimizer, check_targets_given
from .journaled import evaluated, fold_journal, folds_digest, journaled_seed, recorded_nested, storage_folder
from .scoring import check_targets_read, names_several
from .search_cv import HPOSearchCV
from .task_splits import groups_apart, task_splits

__all__ = ["HPOSearchCV", "NestedCVResult", "nested_cv"]


def _frozen(values: Any) -> np.ndarray:
    """A read-only copy: a frozen result should not change under the user's feet."""
    array = np.array(values)
    array.flags.writeable = False
    return array


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
        Rows of ``X`` in each fold's outer-test part.
    outer_train_indices : tuple of ndarray of shape (n_train_k,)
        Rows of ``X`` in each fold's outer-training part: the rest for an int ``outer`` and
        ``KFold``-like splitters, only some of it for a ``TimeSeriesSplit``, explicit pairs or a
        splitter that leaves rows out. It never holds a test row (such a split is refused).
    studies : tuple of Study
        Each fold's search, to inspect or plot.
    """

    outer_scores: np.ndarray
    inner_best_scores: np.ndarray
    chosen_params: tuple[dict[str, Any], ...]
    optimism_gap: np.ndarray
    outer_test_indices: tuple[np.ndarray, ...] = field(repr=False)
    outer_train_indices: tuple[np.ndarray, ...] = field(repr=False)
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
        # Trials a Ctrl-C or a kill stopped (a resumed fold's) and that were run again are no trials of the search.
        lines = [f"Nested cross-validation: {len(self.outer_scores)} outer folds, "
                 f"{len(evaluated(self.studies[0].trials)[0])} trials per search",
                 f"{'fold':>4}  {'inner best':>10}  {'outer':>8}  {'gap':>8}  chosen params"]
        for k, (inner, outer, gap, params) in enumerate(zip(self.inner_best_scores, self.outer_scores,
                                                            self.optimism_gap, self.chosen_params, strict=True)):
            shown = ", ".join(f"{n}={v:.4g}" if isinstance(v, float) else f"{n}={v!r}" for n, v in params.items())
            lines.append(f"{k + 1:>4}  {inner:>10.4f}  {outer:>8.4f}  {gap:>+8.4f}  {shown}")
        # Says what the ± is: over three folds a bare one read as an interval or a standard error.
        lines.append(f"Outer score (the honest estimate): {self.mean:.4f} ± {self.std:.4f} (std over the folds); "
                     f"inner best (optimistic): {float(np.mean(self.inner_best_scores)):.4f}; "
                     f"mean optimism gap: {self.mean_gap:+.4f}")
        return "\n".join(lines)


def nested_cv(task_or_estimator: Any, space: SearchSpace | None = None, *, X: Any = None, y: Any = None,
              optimizer: str = "bo", optimizer_settings: Mapping[str, Any] | None = None, n_trials: int = 30,
              outer: Any = 5, inner: Any = None, scoring: Any = None,
              seed: int | np.random.Generator | None = None, groups: Any = None,
              storage: str | os.PathLike[str] | None = None) -> NestedCVResult:
    """Estimate how well tuning ``space`` with ``optimizer`` does on new data, by nested cross-validation.

    ``X`` is split into ``outer`` folds (by default shuffled, stratified for classifiers). For
    each, an :class:`HPOSearchCV` with ``cv=inner`` tunes on the outer-training part only; its choice
    is refit there and scored on the outer-test part. See :class:`NestedCVResult` for why the
    outer scores are honest and the inner best scores are not. The searches' warnings (an
    optimizer that ran out, failed trials) and errors begin with their outer fold ("In outer fold
    2 of nested_cv: ").

    Parameters
    ----------
    task_or_estimator : SklearnCV or scikit-learn estimator
        A task (``make_task("svm_digits")``): its estimator, space, scoring, silenced warning
        categories and ``estimator_params`` are used (``space`` and ``scoring`` override them).
        Tasks do not expose their data, so pass ``X`` and ``y`` either way. Nested CV uses all
        of ``X``: the task's own sealed test split plays no part. A task whose ``cv`` is a
        splitter keeps its way of splitting: its ``groups`` are the default ``groups`` (then
        every outer and inner split must keep them apart, or it is refused naming the split),
        its splitter the default ``inner``, and an int ``outer`` or ``inner`` (shuffled folds,
        which would drop its groups or its time order) is refused, the default ``outer=5``
        included: pass splitters, e.g. ``outer=GroupKFold(5)`` for a ``GroupKFold`` task.
    space : SearchSpace, optional
        Required with an estimator; names are keys of ``estimator.get_params()``.
    X, y : array-like of shape (n_samples, n_features) and (n_samples,)
        All the data; with an int ``outer``, every sample is in exactly one outer-test part.
        ``y`` None for an estimator fitted on X alone (``GaussianMixture``, ``KMeans``), as in
        :meth:`HPOSearchCV.fit`: int folds are then not stratified, the estimator's own ``score``
        (or a callable ``scoring`` that reads no y) scores it, and a scorer name is refused.
    optimizer, optimizer_settings, n_trials, scoring
        As in :class:`HPOSearchCV`, for every search; ``scoring`` (one scorer, not several)
        also scores the outer folds.
    outer, inner : int or splitter, default=5 and None
        The outer and inner folds, as ``cv`` of :class:`HPOSearchCV`: a number of seeded
        shuffled folds (>= 2) or a splitter (``GroupKFold(3)``, ``TimeSeriesSplit(3)``);
        ``inner=None`` is 3 such folds, or the task's splitter (not a ``PredefinedSplit``, whose
        folds name rows of the task's training split: pass one);
        ``outer`` may also be an iterable of (train, test) pairs of row indices of ``X``. A
        split whose training part holds rows of its test part is refused, naming the argument
        and the split: its score would be the optimistic one, reported as the honest estimate.
    seed : int, numpy.random.Generator or None, default=None
        Seeds the outer folds and, through one int per fold, each search (a splitter ``outer`` or
        ``inner`` that shuffles with ``random_state=None`` included). Same int, same result.
    groups : array-like of shape (n_samples,) or None, default=None
        Group labels for splitters ``outer`` and ``inner`` that read them (``GroupKFold``: no
        group on both sides of a split); each search gets those of its outer-training part.
        Refused when either is an int, whose shuffled folds would ignore them. With a task that
        has groups, None means the task's (which must then label the rows of ``X``). Every outer
        and inner split must keep them apart (a ``KFold``, or (train, test) pairs of your own, that
        mixes them is refused naming the split).
    storage : str, os.PathLike or None, default=None
        A folder for one journal per outer fold, ``outer_fold_1.jsonl``, ``outer_fold_2.jsonl``
        ... (made if missing; other files in it are left alone): each fold's search is
        ``HPOSearchCV(storage=...)``, so a crash or a kill loses at most the trial running, and
        a call again with the same folder resumes. A finished fold runs no trial again (its
        choice is refit and scored); an unfinished one runs what is left of ``n_trials``, first
        the configuration a Ctrl-C or a kill stopped (as ``HPOSearchCV(storage=)`` does). With
        ``seed`` None the journals' seed is used. A fold journal whose trials were scored on
        something else (another estimator, space, scoring, seed, ``outer`` or ``inner`` folds,
        or data) or chosen by another ``optimizer`` or ``optimizer_settings`` (a finished fold
        would give that optimizer's result as this one's) is refused, naming the fold's journal
        and each difference, and left as it is, as is a file that is not a journal.

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
    from sklearn.base import is_classifier  # importing .search_cv first gave the install hint if missing
    from sklearn.utils import _safe_indexing

    owner = "nested_cv"
    estimator, estimator_params = task_or_estimator, None
    quiet: tuple[type[Warning], ...] = ()
    task = isinstance(task_or_estimator, SklearnCV)
    if isinstance(task_or_estimator, SklearnCV):  # (`task`, spelled out for mypy's narrowing)
        estimator, quiet = task_or_estimator.estimator, task_or_estimator.ignore_warnings
        estimator_params = task_or_estimator.estimator_params
        space = task_or_estimator.space if space is None else space
        scoring = task_or_estimator.scoring if scoring is None else scoring
    if names_several(scoring):
        raise fail("scoring", owner, "one scorer (a name, a callable scorer(estimator, X, y) or None)", scoring,
                   hint="Nested CV estimates one score per outer fold; to trade several off, tune with "
                        "HPOSearchCV(scoring=[...], refit=name) and nest that by hand.")
    space, scorer = check_model(estimator, space, scoring, owner, "task_or_estimator", estimator_params)
    data_hint = "Tasks do not expose their data: pass X and y (e.g. load_diabetes(return_X_y=True) for ridge_diabetes)."
    if X is None:
        raise fail("X", owner, "an array-like of samples", X, hint=data_hint if task else None)
    check_targets_given(estimator, y, owner, data_hint if task else None)  # y None: fitted on X alone (GaussianMixture)
    # Without y the folds count the rows of X, as HPOSearchCV's do, and are not stratified.
    rows_y = np.zeros(n_samples(X, "X", owner)) if y is None else y
    # Ours, not scikit-learn's words from inside: X the estimator takes, y as long, a regressor's finite.
    n_rows = check_data(X, rows_y, estimator, owner)
    check_targets_read(scorer, scoring, y, owner)  # without y, a scorer name is refused, as HPOSearchCV refuses it
    check_optimizer(optimizer, optimizer_settings, space, owner)
    n_trials = check_int(n_trials, "n_trials", owner, 1)
    task_groups = False  # whether `groups` are the task's, whose every split must keep them apart
    if isinstance(task_or_estimator, SklearnCV):
        inner, groups, task_groups = task_splits(task_or_estimator, outer, inner, groups, n_rows, owner)
    inner = 3 if inner is None else inner
    outer_cv, inner_cv = check_cv(outer, "outer", owner), check_cv(inner, "inner", owner, pairs=False)

    folder = None if storage is None else storage_folder(storage, owner)
    # A resume cuts the same outer folds: with no seed given, the one the fold journals recorded.
    recorded = None if folder is None else recorded_nested(folder, owner)
    seed = seed_to_int(journaled_seed(seed, recorded, folder), owner)
    rng = np.random.default_rng(seed)
    classifier = is_classifier(estimator)
    # Pairs of your own read no groups: the groups (the task's or yours) are the inner splitter's,
    # and every pair must keep them apart (groups_apart below).
    read = None if isinstance(outer_cv, list) else groups
    folds = folds_of(outer_cv, X, rows_y, read, classifier, int(rng.integers(0, MAX_SEED)), "outer", owner, owner)
    if groups is not None:  # yours too: a KFold given groups ignored them, and the estimate leaked
        groups_apart(folds, groups, outer, "outer", owner, "X", task_groups)

    def rows_of(data: Any, rows: np.ndarray) -> Any:  # y None stays None: the search fits X alone
        return None if data is None else _safe_indexing(data, rows)

    def part(rows: np.ndarray) -> tuple[Any, Any, Any]:  # X, y and groups of an outer-training part
        return _safe_indexing(X, rows), rows_of(y, rows), None if groups is None else np.asarray(groups)[rows]

    for k, (fit_rows, _) in enumerate(folds):  # every inner split must be possible before any search starts
        X_part, _, groups_part = part(fit_rows)
        inner_folds = folds_of(inner_cv, X_part, _safe_indexing(rows_y, fit_rows), groups_part, classifier, 0,
                               "inner", owner, owner, where="an outer-training part")
        if groups is not None:
            groups_apart(inner_folds, groups_part, inner, "inner", owner, f"outer fold {k + 1}'s training part",
                         task_groups)
    journals = [None] * len(folds) if folder is None else [fold_journal(folder, k, owner) for k in range(len(folds))]
    if folder is not None:  # the folder it names is nested_cv's to make (a journal's folder must exist)
        folder.mkdir(parents=True, exist_ok=True)
    # What a fold's journal must match besides its own search: which of these outer folds it is.
    outer_record = {"seed": seed, "n_outer": len(folds), "outer_folds": folds_digest(folds)}
    searches, outer_scores = [], []
    with warnings.catch_warnings():
        for category in quiet:
            warnings.simplefilter("ignore", category)
        for k, ((fit_rows, test_rows), fold_seed) in enumerate(zip(folds, rng.integers(0, MAX_SEED, size=len(folds)),
                                                                      strict=True)):
            search = HPOSearchCV(estimator, space, optimizer=optimizer, optimizer_settings=optimizer_settings,
                                 n_trials=n_trials, cv=inner_cv, scoring=scoring, seed=int(fold_seed),
                                 estimator_params=estimator_params, storage=journals[k])
            where = f"In outer fold {k + 1} of nested_cv: "  # what the search's warnings and errors say first
            try:
                X_part, y_part, groups_part = part(fit_rows)
                search._fit(X_part, y_part, groups_part, {"nested_cv": {**outer_record, "outer_fold": k + 1}},
                            storage_owner=owner, where=where,
                            failed_in=f"the NestedCVResult's studies[{k}] holds them, each with its error")
            except TrialStateError as error:
                raise TrialStateError(f"{where}{error}") from error
            outer_scores.append(search.score(_safe_indexing(X, test_rows), rows_of(y, test_rows)))
            searches.append(search)

    scores, best = _frozen(outer_scores), _frozen([s.best_score_ for s in searches])
    return NestedCVResult(outer_scores=scores, inner_best_scores=best, optimism_gap=_frozen(best - scores),
                          chosen_params=tuple(s.best_params_ for s in searches),
                          outer_test_indices=tuple(_frozen(test) for _, test in folds),
                          outer_train_indices=tuple(_frozen(train) for train, _ in folds),
                          studies=tuple(s.study_ for s in searches))
