"""What :class:`~interactive_hpo.model_selection.search_cv.HPOSearchCV` takes as scikit-learn's
searches do, besides the search itself: ``fit``'s keyword arguments for the estimator
(``sample_weight``), their routing when scikit-learn's metadata routing is on, ``n_jobs`` for
the folds of one trial and ``error_score``, read into our failed-trial model, and the methods
the refit best estimator lends it (``predict``, with ``refit=True``). Imported by
``search_cv`` once scikit-learn is known to be installed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn import get_config
from sklearn.exceptions import FitFailedWarning
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

from .._validation import fail, is_int, is_real
from ..objectives.folds import Splitter

__all__ = ["check_error_score", "check_n_jobs", "delegates", "every_fold_scored", "fold_errors", "needs_refit",
           "routed", "search_routing"]


def needs_refit(search: Any, attr: str) -> None:
    """Refuse ``attr`` of HPOSearchCV ``search`` (AttributeError, as scikit-learn's searches) when
    it refits nothing (``refit=False``)."""
    if not search.refit:
        raise AttributeError(f"{attr} of HPOSearchCV needs refit=True; with refit=False, fit a clone of the "
                             "estimator with best_params_ yourself.")


def delegates(attr: str) -> Callable[[Any], bool]:
    """``available_if`` check: ``attr`` exists on the refit best estimator (before fit: on ``estimator``)."""

    def check(search: Any) -> bool:
        needs_refit(search, attr)
        getattr(getattr(search, "best_estimator_", search.estimator), attr)  # AttributeError if missing
        return True

    return check


def check_n_jobs(n_jobs: Any, owner: str) -> int | None:
    """``n_jobs`` (joblib's: None, or a non-zero int; -1 is every core) for the folds of one trial."""
    if n_jobs is None:
        return None
    if not is_int(n_jobs) or int(n_jobs) == 0:
        raise fail("n_jobs", owner, "None or a non-zero int (the folds of a trial fitted in parallel; -1: every "
                                    "core)", n_jobs)
    return int(n_jobs)


def check_error_score(error_score: Any, owner: str) -> str | float:
    """``error_score`` as scikit-learn's searches take it: ``"raise"``, or a real number."""
    if isinstance(error_score, str) and error_score == "raise":
        return error_score
    if not is_real(error_score):
        raise fail("error_score", owner, "'raise' or a real number (np.nan: a fold that fails fails its trial)",
                   error_score)
    return float(error_score)


def fold_errors(error_score: str | float) -> str | float:
    """What ``cross_validate`` is given for ``error_score``: a fold that fails raises (its trial
    fails, with the error, which the study records) unless ``error_score`` is a finite number,
    which the fold scores instead, as in scikit-learn (its trial is COMPLETE)."""
    return error_score if isinstance(error_score, float) and math.isfinite(error_score) else "raise"


def every_fold_scored(error: Exception, error_score: str | float, n_folds: int,
                      names: list[str] | None) -> dict[str, Any] | None:
    """What ``cross_validate`` would have returned had it scored ``error_score`` for each of the
    ``n_folds`` folds of a trial whose every fit failed (``error``: its "All the n fits failed"),
    as ``GridSearchCV`` scores such a candidate; None when ``error`` is not that, or
    ``error_score`` is no finite number (the trial fails with the error). ``cross_validate``
    raises there whatever ``error_score`` says; a search only when every candidate failed."""
    if fold_errors(error_score) == "raise" or not isinstance(error, ValueError) or \
            not str(error).lstrip().startswith("All the ") or "fits failed" not in str(error):
        return None
    warnings.warn(f"Every fold of this configuration failed to fit; each scores error_score={error_score} "
                  f"(as GridSearchCV scores it). {str(error).strip()}", FitFailedWarning, stacklevel=2)
    scores = np.full(n_folds, float(error_score))
    keys = ["test_score"] if names is None else [f"test_{name}" for name in names]
    return {**dict.fromkeys(keys, scores), "fit_time": np.zeros(n_folds), "score_time": np.zeros(n_folds)}


def search_routing(search: Any) -> MetadataRouter:
    """The search's metadata routing, as ``GridSearchCV``'s: ``fit``'s metadata go to the
    estimator's ``fit`` and to a splitter ``cv``'s ``split`` (a ``GroupKFold`` requests
    ``groups``: routed to it by default). Not to the scorer (see HPOSearchCV's docstring)."""
    router = MetadataRouter(owner=type(search).__name__)
    router.add(estimator=search.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
    if isinstance(search.cv, Splitter):
        router.add(splitter=search.cv, method_mapping=MethodMapping().add(caller="fit", callee="split"))
    return router


def routed(search: Any, groups: Any, fit_params: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The ``groups`` for the splitter and the keyword arguments for the estimator's ``fit``:
    as given without metadata routing; with it (``sklearn.set_config(enable_metadata_routing=
    True)``), as :func:`search_routing` routes them (scikit-learn's error for one no one requests)."""
    if not get_config()["enable_metadata_routing"]:
        return groups, dict(fit_params)
    given = dict(fit_params) if groups is None else {**fit_params, "groups": groups}
    routing = process_routing(search, "fit", **given)
    split = routing.splitter.split if "splitter" in routing else {}
    return split.get("groups"), dict(routing.estimator.fit)
