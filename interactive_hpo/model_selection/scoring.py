"""What HPOSearchCV scores: one scorer, or several traded off as a study of several objectives,
and scikit-learn's ``cv_results_`` for either (issue 27: ``HPOSearchCV`` with several scores);
the trial chosen, and what the search says of the trials it chooses from.

scikit-learn's searches take several scorers (a list of names or a dict) and refit the best by
the one named in ``refit``; here the search itself trades the scores off (each one an objective
to maximize, the study's ``best_trials`` their Pareto set) and ``refit`` names the score whose
best configuration is refit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import numpy as np
from sklearn.exceptions import FitFailedWarning

from .._validation import check_bool, fail, warn_user
from ..exceptions import TrialStateError
from ..objectives.sklearn_checks import make_scorer
from ..objectives.sklearn_scoring import check_scorer_targets
from ..optimizers.simple import GridSearch
from ..parameters import MAX_GRID_POINTS, Float, Int
from ..space import SearchSpace
from ..trial import Evaluation, Trial, TrialState

__all__ = ["FAILED_IN", "best_scored", "check_chosen_from", "check_refit", "check_targets_read", "cv_results",
           "cv_scores", "names_several", "one_score_refused", "param_column", "rank", "several_scorers"]


def names_several(scoring: Any) -> bool:
    """Whether ``scoring`` names several scorers, as scikit-learn's searches take them: a list,
    tuple or set of names, or a dict (one scorer is a name, a callable or None)."""
    return isinstance(scoring, (list, tuple, set, frozenset, Mapping))


def several_scorers(estimator: Any, scoring: Any, owner: str, space: SearchSpace | None = None,
                    estimator_params: Callable[..., Any] | None = None) -> dict[str, Callable[..., float]] | None:
    """The scorers by name when ``scoring`` names several (a list or tuple of scorer names, or a
    dict from name to a scorer name or callable); None when it is one scorer (or None).

    Each is checked as :func:`~interactive_hpo.objectives.sklearn_checks.make_scorer` checks one
    (given the ``space`` searched and ``estimator_params``: that it can score the estimator at
    some value of the space), and a wrong one is named by its key: ``scoring['acc']``.
    """
    if not names_several(scoring):
        return None
    rule = "two or more scorers with distinct non-empty str names (one scorer: pass it alone)"
    typed = scoring  # errors show what the user typed, not the dict a list becomes
    if isinstance(scoring, (set, frozenset)):  # scikit-learn takes one; its order is not the user's to fix
        raise fail("scoring", owner, "a list of scorer names (or a dict from name to scorer)", scoring,
                   hint="A set's order changes between processes, and the scores' order is the study's objectives': "
                        "pass a list.")
    if isinstance(scoring, (list, tuple)):
        if not all(isinstance(name, str) for name in scoring):
            raise fail("scoring", owner, "a list of scorer names (or a dict from name to scorer)", scoring)
        repeated = [name for i, name in enumerate(scoring) if name in scoring[:i]]
        if repeated:
            raise fail("scoring", owner, rule, typed, hint=f"{repeated[0]!r} appears twice.")
        scoring = {name: name for name in scoring}
    if len(scoring) < 2 or not all(isinstance(k, str) and k for k in scoring):  # each names an objective of the study
        raise fail("scoring", owner, rule, typed)
    return {name: make_scorer(estimator, scorer, owner, space, estimator_params, f"scoring[{name!r}]")
            for name, scorer in scoring.items()}


def check_targets_read(scorer: Any, scoring: Any, y: Any, owner: str) -> None:
    """Refuse a scorer made of ``scoring`` (several: a dict by name, each named by its key) whose
    metric cannot read the targets ``y`` (checked), as
    :func:`~interactive_hpo.objectives.sklearn_scoring.check_scorer_targets` tells; with y None
    (an estimator fitted without y), a scorer name, as every one compares predictions with y."""
    if y is None:
        if isinstance(scoring, str):
            names = [scoring]
        elif isinstance(scoring, Mapping):
            names = [v for v in scoring.values() if isinstance(v, str)]
        elif isinstance(scoring, (list, tuple, set)):
            names = [v for v in scoring if isinstance(v, str)]
        else:  # None (the estimator's own score) or a callable: whether it reads y is its own affair
            names = []
        if names:
            raise fail("y", owner, "the targets, of shape (n_samples,), with a scorer name as scoring", None,
                       hint=f"Scorer {names[0]!r} compares predictions with y. Without y, leave scoring=None "
                            "(the estimator's own score) or pass a callable scoring(estimator, X, y) that reads no y.")
        return
    if not isinstance(scorer, dict):
        check_scorer_targets(scorer, scoring, y, owner)
        return
    typed = scoring if isinstance(scoring, Mapping) else {name: name for name in scoring}
    for key, each in scorer.items():
        check_scorer_targets(each, typed[key], y, owner, f"scoring[{key!r}]")


_SEVERAL = "For several scores pass scoring as a dict of scorers: {\"acc\": make_scorer(accuracy_score), ...}"


def one_score_refused(scoring: Any, result: Mapping[str, Any], owner: str) -> Exception:
    """The error for a callable ``scoring`` whose ``cross_validate`` ``result`` holds several
    scores (it returned a dict, scikit-learn's multi-metric callable): the study of one objective
    was made before any score was seen, so the names cannot become its objectives."""
    names = [key[len("test_"):] for key in result if key.startswith("test_")]
    return fail("scoring", owner, "a callable returning one number (greater is better)", scoring,
                hint=f"It returned a dict of scores {names}. {_SEVERAL}, and refit=\"<name>\".")


def check_refit(refit: Any, scorers: Mapping[str, Any] | None, owner: str) -> bool | str:
    """``refit``: a bool for one scorer; False or the name of one of several scorers."""
    if scorers is None and isinstance(refit, str):  # a score's name: the user means several scores
        raise fail("refit", owner, "a bool", refit, hint=f"A score's name is for several scores. {_SEVERAL} "
                                                         "(a callable returning a dict of scores is not supported).")
    if scorers is None or isinstance(refit, bool) and not refit:
        return check_bool(refit, "refit", owner)
    if not isinstance(refit, str) or refit not in scorers:  # an array or a dict is no key (and unhashable)
        raise fail("refit", owner, f"False or the name of the score to refit the best by, one of {list(scorers)}",
                   refit, hint="With several scores there is no single best configuration: name the one that "
                               "decides (the study keeps the trade-off: study_.best_trials).")
    return str(refit)


def best_scored(rows: list[Trial], names: list[str] | None, refit: bool | str) -> tuple[Trial, float]:
    """Of a search's ``rows`` (its trials, in order: :func:`~.journaled.evaluated`), the one it
    picks and its score: the best one, or, of several scores ``names``, the best by the one
    ``refit`` names. Only these: a trial of the journal the search did not score is no candidate."""
    index = None if names is None else names.index(str(refit))
    # A COMPLETE trial has its value, or of several objectives their values (Trial.values).
    scored = [(t, float(cast(float, t.value) if index is None else cast(Sequence[float], t.values)[index]))
              for t in rows if t.state is TrialState.COMPLETE]
    return max(scored, key=lambda pair: pair[1])  # the first of ties, as best_trial


#: Where a plain search's failed trials are, for the warning of :func:`check_chosen_from`.
FAILED_IN = "their scores are NaN in cv_results_"


def check_chosen_from(rows: list[Trial], study: Any, n_trials: int, optimizer: str, where: str = "",
                      failed_in: str = FAILED_IN) -> None:
    """The trials HPOSearchCV chooses from (``rows``: each configuration of ``study`` evaluated,
    once): refused when none completed, as there is nothing to choose; warned of when fewer than
    ``n_trials`` ran because ``optimizer`` had nothing left to propose, and when some failed (left
    out of the choice; ``failed_in`` says where the person finds them). The warnings begin with
    ``where``: the search of ``nested_cv``'s outer fold 2 says "In outer fold 2 of nested_cv: "
    (otherwise each fold's warning would read as every other's), and its failed trials are in the
    result's ``studies[1]``, as it has no ``cv_results_``."""
    if not any(t.state is TrialState.COMPLETE for t in rows):
        raise TrialStateError(f"Every one of the {len(rows)} trials of HPOSearchCV failed, so there is no "
                              f"configuration to choose. First error: {rows[0].error if rows else None}")
    if len(rows) < n_trials and study.optimizer.exhausted:  # as the study's progress line says it
        finer = _finer_grid(study.optimizer, study.space, n_trials)
        held = "it can propose on this space" if finer is None else "of its grid"
        remedy = "Lower n_trials or enlarge the space." if finer is None else finer
        warn_user(f"{where}HPOSearchCV ran {len(rows)} of n_trials={n_trials} trials: optimizer {optimizer!r} has "
                  f"nothing left to propose, the {len(rows)} configurations {held} each evaluated once. {remedy}",
                  UserWarning)
    failed = [t for t in rows if t.state is not TrialState.COMPLETE]
    if failed:
        warn_user(f"{where}{len(failed)} of {len(rows)} trials of HPOSearchCV failed and were left out of the choice "
                  f"({failed_in}). First error: {failed[0].error}", FitFailedWarning)


def _coarse(space: SearchSpace, resolution: int | Mapping[str, int]) -> list[str]:
    """The numeric parameters of ``space`` with more values than the grid of ``resolution`` gives them."""
    counts = space.level_counts(resolution)
    return [p.name for p in space.params if isinstance(p, Float) or
            isinstance(p, Int) and p.high - p.low + 1 > len(p.levels(counts[p.name]))]


def _finer_grid(optimizer: Any, space: SearchSpace, n_trials: int) -> str | None:
    """The remedy when a grid ``optimizer`` ran out because its levels are coarser than ``space``
    (an Int or Float with more values than its ``resolution``; then the space is not what is
    small): the smallest ``resolution`` whose grid holds ``n_trials`` configurations (or, if the
    space holds fewer, every one it does). None when the grid is not coarser than the space."""
    coarse = _coarse(space, optimizer.resolution) if isinstance(optimizer, GridSearch) else []
    if not coarse:
        return None
    start = optimizer.resolution if isinstance(optimizer.resolution, int) else max(optimizer.resolution.values())

    def size_at(resolution: int) -> int:
        return GridSearch(space, resolution=resolution, shuffle=False).size

    def enough(resolution: int) -> bool:  # grows with the resolution: a Float always has more values
        return resolution >= MAX_GRID_POINTS or size_at(resolution) >= n_trials or not _coarse(space, resolution)

    # Doubled, then halved back to the smallest that is enough: counted one by one, n_trials=20000
    # over one Float built 20000 grids (minutes) after the search had ended.
    low, high = start, start
    while not enough(high):
        low, high = high, min(2 * high, MAX_GRID_POINTS)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    resolution = high if not enough(start) else start
    size = size_at(resolution)
    fewer = "" if size >= n_trials else " (every one this space holds): lower n_trials too" \
        if not _coarse(space, resolution) else " (the most levels a resolution may ask for): lower n_trials too"
    return (f"The grid is coarser than the space ({', '.join(coarse)}: more values than optimizer_settings' "
            f"resolution={optimizer.resolution!r} levels): pass optimizer_settings={{\"resolution\": {resolution}}} "
            f"for a grid of {size} configurations{fewer}.")


def cv_scores(result: Mapping[str, Any], names: list[str] | None) -> Evaluation:
    """What a trial returns from ``cross_validate``'s ``result``: the mean test score (one
    scorer) or the mean of each score by name, with the fold scores, the total fit time and
    each fold's fit and score times (seconds; ``cv_results_`` reports their mean and std)."""
    def folds(key: str) -> list[float | None]:
        # A NaN fold makes the mean NaN, which fails the trial; attrs stay JSON (None for NaN).
        return [float(s) if np.isfinite(s) else None for s in np.asarray(result[key], dtype=float)]

    def mean(key: str) -> float:
        return float(np.mean(np.asarray(result[key], dtype=float)))

    times = {"fit_time": float(np.sum(result["fit_time"])), "fold_fit_times": folds("fit_time"),
             "fold_score_times": folds("score_time")}
    if names is None:
        return Evaluation(mean("test_score"), {"fold_scores": folds("test_score"), **times})
    return Evaluation({name: mean(f"test_{name}") for name in names},
                      {"fold_scores": {name: folds(f"test_{name}") for name in names}, **times})


def rank(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the best score, ties sharing the smaller rank, NaN (failed) last: scikit-learn's ranking.

    Parameters
    ----------
    scores : ndarray of shape (n_trials,)
        Mean test scores (larger is better), NaN for a failed trial.

    Returns
    -------
    ndarray of shape (n_trials,), dtype int32
        Each trial's rank, from 1.
    """
    filled = np.where(np.isnan(scores), -np.inf, scores)
    return 1 + np.sum(filled[None, :] > filled[:, None], axis=1).astype(np.int32)


def param_column(values: list[Any], present: list[bool]) -> np.ma.MaskedArray:
    """One ``param_<name>`` column of ``cv_results_``, shape (n_trials,): masked where a trial has
    no value (a condition left the parameter out), of the dtype scikit-learn's searches give it
    (that of the values' array; object for text, for values of several lengths, and here also
    for ints past 2**53 that a float would round)."""
    given = [value for value, there in zip(values, present, strict=True) if there]
    try:
        array = np.array(given)
        exact = array.dtype.kind != "U" and array.ndim == 1 and array.tolist() == given
        dtype = array.dtype if exact else np.dtype(object)
    except ValueError:  # sequences of different lengths
        dtype = np.dtype(object)
    column = np.ma.MaskedArray(np.empty(len(values), dtype=dtype), mask=True)
    for row, (value, there) in enumerate(zip(values, present, strict=True)):
        if there:
            column[row] = value
    return column


def _per_fold(trials: list[Any], n_splits: int, attr: str, name: str | None = None) -> np.ndarray:
    """An array of shape (n_trials, n_splits) of the per-fold numbers COMPLETE trials keep in
    ``user_attrs[attr]`` (a list, or with several scores a dict of lists: the one of ``name``);
    NaN for other trials and for None (a NaN fold)."""
    table = np.full((len(trials), n_splits), np.nan)
    for row, trial in enumerate(trials):
        found = trial.user_attrs.get(attr) if trial.state is TrialState.COMPLETE else None
        if found is not None and name is not None:
            found = found[name]
        if found is not None:
            table[row] = [np.nan if value is None else value for value in found]
    return table


def cv_results(trials: list[Trial], space: SearchSpace, n_splits: int, names: list[str] | None) -> dict[str, Any]:
    """scikit-learn's ``cv_results_`` from a search's ``trials`` over ``space`` (one row per trial,
    in order), its keys in scikit-learn's order: the fit and score times, ``param_<name>``,
    ``params``, then ``*_test_score`` for one scorer or ``*_test_<name>`` for each of several;
    then ``state``."""
    results: dict[str, Any] = {}
    for key in ("fit_time", "score_time"):  # a failed trial has none: NaN
        times = _per_fold(trials, n_splits, f"fold_{key}s")
        results[f"mean_{key}"], results[f"std_{key}"] = np.mean(times, axis=1), np.std(times, axis=1)
    for name in space.names:  # masked where a condition leaves a trial without it, as scikit-learn does
        results[f"param_{name}"] = param_column([t.params.get(name) for t in trials],
                                                [name in t.params for t in trials])
    results["params"] = [dict(t.params) for t in trials]
    for suffix in ["score"] if names is None else names:
        splits = _per_fold(trials, n_splits, "fold_scores", None if names is None else suffix)
        for k in range(n_splits):
            results[f"split{k}_test_{suffix}"] = splits[:, k]
        mean = np.mean(splits, axis=1)
        results[f"mean_test_{suffix}"], results[f"std_test_{suffix}"] = mean, np.std(splits, axis=1)
        results[f"rank_test_{suffix}"] = rank(mean)
    results["state"] = np.array([t.state.value for t in trials], dtype=object)
    return results
