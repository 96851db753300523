"""Tuning as a scikit-learn estimator: :class:`HPOSearchCV` runs a study with inner
cross-validation in ``fit``, so it nests inside ``cross_val_score`` like scikit-learn's own
searches (that is nested cross-validation with the scikit-learn API; see also
:func:`interactive_hpo.model_selection.nested.nested_cv`). Importing this module imports scikit-learn;
``import interactive_hpo`` does not import this module.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._paths import check_path
from .._validation import check_int, import_optional, seed_to_int
from ..objectives.folds import check_cv, folds_of
from ..objectives.sklearn_checks import data_rules, estimator_settings, input_tags, seeded_clone
from ..space import SearchSpace
from ..study.core import Study
from ..study.read_only import opening_as
from ..trial import Evaluation
from .checks import MAX_SEED, check_model, check_optimizer, check_targets_given
from .fit_options import (
    check_error_score,
    check_n_jobs,
    every_fold_scored,
    fold_errors,
    needs_refit,
    routed,
    search_routing,
)
from .scoring import (
    FAILED_IN,
    best_scored,
    check_chosen_from,
    check_refit,
    check_targets_read,
    cv_results,
    cv_scores,
    one_score_refused,
)

# An install hint, not a bare ImportError:
import_optional("sklearn", "sklearn", "interactive_hpo.model_selection.search_cv")

from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier  # noqa: E402
from sklearn.model_selection import cross_validate  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402
from sklearn.utils.validation import check_is_fitted, validate_data  # noqa: E402

from .delegated import DelegatesToBest  # noqa: E402
from .journaled import (  # noqa: E402
    describe,
    evaluated,
    journal_header,
    journaled_seed,
    open_search,
    queue_again,
    search_record,
    warn_unscored,
)

__all__ = ["HPOSearchCV"]


class HPOSearchCV(DelegatesToBest, MetaEstimatorMixin, BaseEstimator):
    """Tune ``estimator`` over ``space`` with a :class:`~interactive_hpo.study.Study`, as scikit-learn's searches do.

    ``fit(X, y)`` checks X and y with scikit-learn's validation (as strictly as the tags of
    ``estimator`` and of the estimators inside it allow: NaN passes if an imputer or another
    step takes it), cuts ``X`` once into the folds ``cv`` says (by default 5 shuffled folds), runs
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
        Trials of the search, >= 1 (fewer, with a warning, if the optimizer runs out: a small grid,
        or a space of fewer configurations, each evaluated once).
    cv : int, splitter or iterable of (train, test) pairs, default=5
        The folds, cut once per :meth:`fit`; every trial is scored on the same folds. An int:
        that many shuffled folds (>= 2), stratified for class labels and seeded by ``seed``.
        ``GridSearchCV(cv=3)`` cuts unshuffled folds (contiguous blocks), which hold other
        samples, so its scores differ from these (much so on data sorted by class or by time);
        ``cv=StratifiedKFold(3)`` (``KFold(3)`` for a regressor) gives its folds. A splitter:
        anything with ``split`` and ``get_n_splits`` (``KFold``, ``GroupKFold`` with
        ``fit(X, y, groups=...)``, ``TimeSeriesSplit``), called once on the data; one that
        shuffles and has ``random_state=None`` (``KFold(3, shuffle=True)``) is given one drawn
        from ``seed`` (your object is not changed), one with its own keeps it. An iterable:
        (train, test) pairs of arrays of row indices, read once at ``fit`` (a generator is used
        up by the first fit: pass a list to fit again, to ``clone`` or to nest the search). A
        split whose train rows hold some of its test rows is refused, naming the split and how
        many (``GridSearchCV`` scores it, too well: the search would favour overfitting).
    scoring : str, callable, None, list of str or dict, default=None
        A scorer name, a scorer ``scoring(estimator, X, y)``, or None for ``estimator.score``;
        greater is better, as in :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`.
        Several (a list of scorer names, or a dict from name to a scorer name or callable): the
        search trades them off, each an objective to maximize (the optimizer must serve several
        objectives, as "parego", "ehvi", "nsga2", "random", "sobol" and "grid" do; another is
        refused, with the registered ones that do); ``study_.best_trials`` is the
        Pareto set and ``refit`` names the score that picks the configuration refit. A scorer
        that cannot score the estimator at any value of the space (``"accuracy"`` for a
        regressor, ``"neg_log_loss"`` for ``SVC()`` unless the space sets ``probability=True``)
        is refused by :meth:`fit` before the first trial; of several, by its name.
    refit : bool or str, default=True
        Refit the best configuration on all of ``X``; ``predict`` and the like need it. With
        several scores: the name of the one whose best configuration is refit, or False.
    seed : int, numpy.random.Generator or None, default=None
        Seeds the folds, the optimizer and every ``random_state`` of the estimator left at
        None. The same int gives the same search; None (or a Generator) a new one each fit.
    estimator_params : callable or None, default=None
        ``estimator_params(params) -> dict`` of ``set_params`` arguments, for a space whose
        parameters are not the estimator's own, as in
        :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` (``best_params_`` stays in
        the space's terms). None: ``params`` are set as they are.
    storage : str, os.PathLike or None, default=None
        A journal file for the search's study (see :class:`~interactive_hpo.study.Study`): every
        trial is written to it as it finishes, so a crash or a kill loses at most the trial
        running. ``fit`` with the same storage resumes: it runs what is left of ``n_trials``,
        first (once) the configuration a Ctrl-C or a kill stopped, with the journal's seed when
        ``seed`` is None. A search stopped between trials then goes on as the uninterrupted one
        would have, with the same ``cv_results_``; one stopped inside a trial does too with grid
        and Sobol search, while random search and the model-based optimizers draw from streams
        keyed by the trials seen, so their later proposals may differ from the uninterrupted
        search's. A journal whose trials were scored on something else (another estimator
        or parameter of it but ``n_jobs``, ``verbose`` and the like: ``journaled.EXECUTION_ONLY``;
        ``estimator_params``, scoring, folds, data, seed or space) or chosen by another
        ``optimizer`` or ``optimizer_settings`` is refused, naming each difference; so is a file
        that is not a journal, or a study's journal no search started; either is left as it is.
        A plain Study reads the search's journal but may not write to it; a trial there that no
        search scored (an older version let a Study add it) is left out, with a warning.
        ``cross_val_score`` clones the search with its storage, so its second outer fold is
        refused: use ``nested_cv(storage=folder)``.
    n_jobs : int or None, default=None
        Fits the folds of one trial in parallel (joblib's: -1 for every core), as
        ``cross_validate(n_jobs=...)``; trials run one after another (for parallel trials, run
        a :class:`~interactive_hpo.study.Study` with ``n_workers``).
    error_score : "raise" or float, default=np.nan
        What a fold whose fit or score raises gives, as in scikit-learn's searches. NaN: its
        trial fails, with the error (``study_``; its scores are NaN in ``cv_results_``, and the
        search warns with ``FitFailedWarning``). A finite number: the fold scores it and its
        trial completes on the mean (scikit-learn's ``FitFailedWarning`` for each), a trial whose
        every fold failed too, as ``GridSearchCV`` scores it (``cross_validate`` alone raises
        there); an infinite one fails the trial, as NaN does. ``"raise"``:
        the first error stops the search, raised by ``fit`` once its trial is recorded.

    Not supported, unlike ``GridSearchCV``: ``refit`` as a callable, ``return_train_score``,
    ``pre_dispatch`` and ``verbose``; a callable ``scoring`` returning a dict of scores (the
    search stops at the first trial's scores, naming it: pass a dict of scorers instead); under
    metadata routing, metadata only the scorer requests (refused by ``fit`` as not routed; the
    estimator's and the splitter's are routed, and a scorer requesting what the estimator
    requests gets it too).

    Attributes
    ----------
    best_params_ : dict
        The chosen configuration.
    best_score_ : float
        Its mean cross-validation score (optimistic: see above); with several scores, that of
        the score named by ``refit`` (these three are set only when ``refit`` names one).
    best_index_ : int
        Its row in ``cv_results_``: ``cv_results_["params"][best_index_] == best_params_``.
    best_estimator_ : estimator
        The chosen configuration fitted on all of ``X`` (``refit=True`` only).
    cv_results_ : dict of ndarray of shape (n_trials_run,)
        One row per trial that evaluated its configuration, in trial order (a trial a Ctrl-C or
        a kill stopped, whose configuration a resumed fit ran again, is in ``study_`` only), with
        scikit-learn's keys: ``params`` (a list of dicts), ``param_<name>``,
        ``split<k>_test_score``, ``mean_test_score``,
        ``std_test_score`` (ddof=0), ``rank_test_score`` (1 is best, failed trials last); and
        ``state`` ("COMPLETE" or "FAILED": failed trials have NaN scores). With several
        scores, each of the ``*_test_score`` keys once per score: ``mean_test_<name>`` ...
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time`` and ``std_score_time``
        (seconds, over the folds; NaN for a failed trial) come first, and ``param_<name>`` has
        the dtype scikit-learn gives it (numbers: numeric; text: object).
    study_ : Study
        The search, to inspect or plot; each trial keeps ``fold_scores``, ``fold_fit_times`` and
        ``fold_score_times`` in ``user_attrs``. Not pickled with the estimator: save it with
        ``study_.save(path)`` (or give ``storage``).
    refit_time_ : float
        Seconds spent refitting the best configuration on all of ``X`` (``refit=True`` only).
    scorer_ : callable or dict of callables
        The scorer of the search and of :meth:`score` (several: by name; :meth:`score` uses
        the one ``refit`` names).
    n_splits_ : int
        The number of folds (splits) every trial was scored on.
    n_features_in_ : int
        Number of features (columns) of X in ``fit``; not set if a step takes 1-D X (texts, dicts).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of X in ``fit``, if X is a DataFrame whose column names are all strings.

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
                 optimizer_settings: Mapping[str, Any] | None = None, n_trials: int = 30, cv: Any = 5,
                 scoring: Any = None, refit: bool | str = True, seed: int | np.random.Generator | None = None,
                 estimator_params: Any = None, storage: str | os.PathLike[str] | None = None,
                 n_jobs: int | None = None, error_score: str | float = np.nan):
        self.estimator = estimator
        self.space = space
        self.optimizer = optimizer
        self.optimizer_settings = optimizer_settings
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.seed = seed
        self.estimator_params = estimator_params
        self.storage = storage
        self.n_jobs = n_jobs
        self.error_score = error_score

    def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> HPOSearchCV:
        """Search on X of shape (n_samples, n_features) and y of shape (n_samples,); return self.

        y may be of shape (n_samples, n_outputs) if the estimator takes multi-output or multilabel y,
        or None if it takes none (``GaussianMixture``, ``KMeans``: scored by their own ``score``
        or by a ``scoring`` that reads no y, as in ``GridSearchCV``).
        ``groups``, of shape (n_samples,), are the group labels a splitter ``cv`` reads
        (``GroupKFold``: no group on both sides of a split); with an int ``cv`` or a list of
        splits they would be ignored, so they are refused.

        The folds are cut once, before the first trial, and every trial is scored on them. With
        ``refit=True`` the best configuration is then fitted on all of (X, y).

        ``fit_params`` (``sample_weight=w``, of shape (n_samples,)) go to the estimator's ``fit``
        in every fold (their rows of it) and in the refit. With scikit-learn's metadata routing
        on (``sklearn.set_config(enable_metadata_routing=True)``) they, and ``groups``, are
        routed as ``GridSearchCV`` routes them: to the estimator as it requests them
        (``set_fit_request``), ``groups`` to a splitter ``cv`` that reads them.
        """
        return self._fit(X, y, groups, fit_params=fit_params)

    def _fit(self, X: Any, y: Any, groups: Any, context: Mapping[str, Any] | None = None,
             storage_owner: str = "HPOSearchCV", fit_params: Mapping[str, Any] | None = None,
             where: str = "", failed_in: str = FAILED_IN) -> HPOSearchCV:
        """:meth:`fit`; ``context``: fields of the journal's search record that must match on a
        resume besides the search's own (``nested_cv``'s seed and outer fold); ``storage_owner``:
        whom a refusal of the journal names (``nested_cv``, which was given the storage folder);
        ``fit_params``: those of :meth:`fit`; ``where``: what the search's warnings begin with
        (``nested_cv``'s outer fold, "In outer fold 2 of nested_cv: "; a plain search, nothing);
        ``failed_in``: where the person finds the failed trials (nested_cv's result, which has no
        ``cv_results_``)."""
        owner = "HPOSearchCV"
        # Checked here, not in __init__: scikit-learn's estimators only store their arguments there.
        space, scorer = check_model(self.estimator, self.space, self.scoring, owner,
                                    estimator_params=self.estimator_params)
        scorers = scorer if isinstance(scorer, dict) else None
        names = None if scorers is None else list(scorers)
        check_optimizer(self.optimizer, self.optimizer_settings, space, owner, several=scorers is not None)
        n_trials = check_int(self.n_trials, "n_trials", owner, 1)
        n_jobs, error_score = check_n_jobs(self.n_jobs, owner), check_error_score(self.error_score, owner)
        groups, estimator_fit = routed(self, groups, fit_params or {})
        cv = check_cv(self.cv, "cv", owner)
        refit = check_refit(self.refit, scorers, owner)
        path = None if self.storage is None else check_path(self.storage, "storage", owner, "search.jsonl")
        self._check_data(X, y)  # first: one tagged as needing y gets scikit-learn's words, as its checks expect
        check_targets_given(self.estimator, y, owner)  # a Ridge pipeline is not tagged so, and failed every trial
        check_targets_read(scorer, self.scoring, y, owner)  # "f1" of three classes would fail every trial
        found = None if path is None else journal_header(path, storage_owner)  # a resume cuts the journal's folds
        seed = seed_to_int(journaled_seed(self.seed, None if found is None else found["search"], path), owner)
        rng = np.random.default_rng(seed)
        cv_seed, model_seed, study_seed = (int(s) for s in rng.integers(0, MAX_SEED, size=3))
        # cv_seed is drawn for any cv, so that the model's and the study's seeds do not depend on it.
        # y=None (an estimator that takes none: GaussianMixture): the folds count rows of X.
        rows_y = np.zeros(np.shape(X)[0]) if y is None else y
        folds = folds_of(cv, X, rows_y, groups, is_classifier(self.estimator), cv_seed, "cv", owner, f"{owner}.fit")
        base = seeded_clone(self.estimator, model_seed)

        def configured(params: dict[str, Any]) -> Any:
            return clone(base).set_params(**estimator_settings(self.estimator_params, params, owner))

        raised: list[Exception] = []  # error_score="raise": the first error, raised once its trial is recorded

        def objective(params: dict[str, Any]) -> Evaluation:
            # A fold's error fails this trial (the study records why), not the search, unless
            # error_score is a number the fold scores instead (fold_errors) or "raise".
            try:
                result = cross_validate(configured(params), X, y, cv=folds, scoring=scorer, n_jobs=n_jobs,
                                        error_score=fold_errors(error_score), params=estimator_fit or None)
            except Exception as error:
                if error_score == "raise":
                    raised.append(error)
                result = every_fold_scored(error, error_score, len(folds), names)
                if result is None:
                    raise
            if names is None and "test_score" not in result:  # only a trial's scores tell it: stop the search
                raised.append(one_score_refused(self.scoring, result, owner))
                raise raised[0]
            return cv_scores(result, names)

        def stop(study: Study, trial: Any) -> None:
            if raised:  # error_score="raise", or a callable scoring that returned several scores
                raise raised[0]

        goals: dict[str, Any] = {"direction": "maximize"} if names is None else \
            {"directions": dict.fromkeys(names, "maximize")}
        settings = {"seed": study_seed, "optimizer_settings": self.optimizer_settings, **goals}
        if path is not None:  # the study's header as a new study writes it, with the search's record
            scored = {**({"fit_params": describe(estimator_fit)} if estimator_fit else {}),
                      **({"error_score": error_score} if fold_errors(error_score) != "raise" else {})}
            record = search_record(self.estimator, self.estimator_params, self.scoring, self.optimizer,
                                   self.optimizer_settings, folds, X, y, groups, seed, {**(context or {}), **scored})
            open_search(path, found, Study(space, self.optimizer, **settings).state.header, record, storage_owner)
        with opening_as(search=True):  # the one study that may write a search's journal
            study = Study(space, self.optimizer, **settings, storage=path)
        # Resumed: what is left of n_trials (a new study has none done), the configurations a Ctrl-C
        # or a kill stopped first, so that the search evaluates what an uninterrupted one would.
        warn_unscored(study.trials, path)
        rows, again = evaluated(study.trials)
        left = max(n_trials - len(rows), 0)
        queue_again(study, again, left)
        study.run(objective, left, [stop], progress=False)  # quiet, as scikit-learn estimators are
        rows, _ = evaluated(study.trials)
        check_chosen_from(rows, study, n_trials, self.optimizer, where, failed_in)
        self.study_, self.scorer_, self.n_splits_ = study, scorer, len(folds)
        self.cv_results_ = cv_results(rows, space, len(folds), names)
        if names is not None and not refit:
            return self  # several scores and none named: no single best (study_.best_trials)
        best, score = best_scored(rows, names, refit)
        self.best_index_ = [t.number for t in rows].index(best.number)
        self.best_params_, self.best_score_ = dict(best.params), score
        if refit:
            start = time.perf_counter()
            self.best_estimator_ = configured(dict(best.params)).fit(X, y, **estimator_fit)
            self.refit_time_ = time.perf_counter() - start
        return self

    def _check_data(self, X: Any, y: Any) -> None:
        """Check X and y with scikit-learn's validation, as strictly as the tags allow; set n_features_in_.

        A bad X (NaN, strings, 1-D) then fails at once with scikit-learn's error instead of failing
        every trial. The trials get X and y as given, not the checked copies: a DataFrame keeps
        its column names for a ColumnTransformer and for ``feature_names_in_`` of the estimator.
        As n_features_in_ is set before the trials run, the methods ask for ``best_estimator_``
        to tell a fitted search.
        """
        rules = data_rules(self.estimator)
        if y is None:  # refused unless the estimator takes no y (the search's tags say); X has no y rule
            rules.pop("multi_output")
        validate_data(self, X, y, **rules)

    def score(self, X: Any, y: Any = None) -> float:
        """``scorer_(best_estimator_, X, y)``: X of shape (n_samples, n_features), y of shape (n_samples,)
        (None for an estimator fitted without y, scored by its own ``score``)."""
        needs_refit(self, "score")
        check_is_fitted(self, "best_estimator_")
        scorer = self.scorer_[self.refit] if isinstance(self.scorer_, dict) else self.scorer_
        return float(scorer(self.best_estimator_, X, y))

    def get_metadata_routing(self) -> Any:
        """Where :meth:`fit`'s metadata go under scikit-learn's metadata routing (as ``GridSearchCV``):
        to the estimator's ``fit`` and to a splitter ``cv``'s ``split``."""
        return search_routing(self)

    def __getstate__(self) -> dict[str, Any]:
        # Pickling (joblib.dump, parallel cross_validate) keeps the fitted model but not study_:
        # studies are persisted as JSON journals (study_.save(path)), never pickled.
        state = dict(super().__getstate__())
        state.pop("study_", None)
        return state

    def __sklearn_tags__(self) -> Any:
        # Tags say what the wrapped estimator is, so that is_classifier() and cross_val_score's
        # stratified folds treat the search like the estimator it tunes (as BaseSearchCV does),
        # and what data it takes, which fit checks (see sklearn_checks.input_tags).
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags, tags.regressor_tags = inner.classifier_tags, inner.regressor_tags
        tags.input_tags = input_tags(self.estimator)
        tags.target_tags.required = inner.target_tags.required  # y=None: the estimator's own score (GaussianMixture)
        tags.target_tags.multi_output = inner.target_tags.multi_output  # 2-D y gets K-fold (see folds.shuffled_folds)
        return tags
