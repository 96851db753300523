"""Whether a scikit-learn scorer can score an estimator, told before any fit.

A scorer that cannot (``"accuracy"`` for a ``Ridge``, ``"neg_log_loss"`` for an
``SVC(probability=False)``) would fail every trial of a study; :func:`check_scorer_fits` refuses
it where the user typed it, and only where that is certain. So does :func:`check_scorer_targets`
for a scorer that cannot read the targets (``"f1"``, a binary metric, on iris's three classes).
scikit-learn is imported inside the functions: importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .._validation import fail

__all__ = ["check_scorer_fits", "check_scorer_targets"]

#: Public metrics of sklearn.metrics that compare class labels: each refuses a regressor's
#: predictions ("Classification metrics can't handle a mix of ... and continuous targets").
#: Metrics of scores or probabilities (roc_auc_score, log_loss, brier_score_loss) take numbers.
_LABEL_METRICS = ("accuracy_score", "balanced_accuracy_score", "cohen_kappa_score", "f1_score", "fbeta_score",
                  "hamming_loss", "jaccard_score", "matthews_corrcoef", "precision_score", "recall_score",
                  "zero_one_loss")


def check_scorer_fits(estimator: Any, scorer: Any, scoring: Any, configurations: Iterable[Mapping[str, Any]],
                      owner: str, name: str = "scoring") -> None:
    """Refuse ``scoring`` (made ``scorer``; argument ``name`` of ``owner``) if it cannot score
    ``estimator`` however it is fitted, as given or set to any of the ``configurations``
    (``set_params`` settings standing for the space searched), so that every trial would fail:
    a metric of class labels for a regressor, or a response method (``predict_proba``,
    ``decision_function``) the estimator does not have.

    Read from what scikit-learn's scorer declares (its response method and metric); a scorer
    that declares neither (a plain function, None) passes. Only the certain case is refused: a
    configuration that might fit (``probability=True`` among an SVC's choices), an estimator
    that may change when fitted (a search over its params), or a configuration that cannot be
    made passes.
    """
    from sklearn import metrics
    from sklearn.base import clone

    # Private attributes of scikit-learn's scorers (as _parameter_constraints is of estimators):
    # without them a scorer declares nothing, and a wrong one fails its trials as before.
    methods = getattr(scorer, "_response_method", None)
    if not methods:
        return
    methods = (methods,) if isinstance(methods, str) else tuple(methods)
    labels = any(getattr(scorer, "_score_func", None) is getattr(metrics, name, None) for name in _LABEL_METRICS)
    problem = _scoring_problem(estimator, methods, labels, scoring)
    if problem is None:
        return
    try:
        for settings in configurations:
            if _scoring_problem(clone(estimator).set_params(**settings), methods, labels, scoring) is None:
                return
    except Exception:  # noqa: BLE001 - a configuration that cannot be made: cannot tell, never refuse
        return
    raise fail(name, owner, problem[0], scoring, hint=problem[1])


def _scoring_problem(estimator: Any, methods: tuple[str, ...], labels: bool, scoring: Any) -> tuple[str, str] | None:
    """(rule, hint) if a scorer reading one of ``methods`` (of a metric of class ``labels``)
    cannot score ``estimator`` however it is fitted; None if it can, or if that cannot be told."""
    from sklearn.base import is_classifier

    name, regressor = type(estimator).__name__, _certainly_regressor(estimator)
    said = repr(scoring) if isinstance(scoring, str) else "The scorer"
    if regressor and labels:
        return (f"a regression scorer for {name}, a regressor",
                f"{said} compares class labels, and a regressor predicts numbers, so every trial would fail. Use a "
                "scorer such as 'r2' or 'neg_mean_squared_error', or a classifier.")
    reasons = [_lacks(estimator, method) for method in methods]
    if any(reason is None for reason in reasons):
        return None
    reads = " or ".join(methods)
    if regressor:
        return (f"a regression scorer for {name}, a regressor",
                f"{said} reads {reads}, which a regressor does not have, so every trial would fail. Use a scorer "
                "such as 'r2' or 'neg_mean_squared_error', or a classifier.")
    instead = ", such as 'accuracy'" if is_classifier(estimator) else ""
    return (f"a scorer reading a method {name} has",
            f"{said} reads {reads}, which {name} does not have as given nor with any value of the space "
            f"({'; '.join(map(str, reasons))}), so every trial would fail. Set the estimator up to provide it, or "
            f"use a scorer reading predict{instead}.")


def _nests(estimator: Any) -> bool:
    """Whether ``estimator`` holds other estimators: a meta-estimator may set them up anew when
    fitted (a search sets their params, a stacking fills in a default final estimator)."""
    return any("__" in key for key in estimator.get_params(deep=True))


def _certainly_regressor(estimator: Any) -> bool:
    """Whether ``estimator`` predicts numbers however it is fitted: its class is a regressor, or
    a plain estimator's tags say so; a pipeline as its final step."""
    from sklearn.base import ClassifierMixin, RegressorMixin, is_regressor
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):  # fitting a pipeline changes no step's params
        return _certainly_regressor(estimator.steps[-1][1])
    if isinstance(estimator, RegressorMixin):
        return not isinstance(estimator, ClassifierMixin)
    return hasattr(estimator, "get_params") and not _nests(estimator) and bool(is_regressor(estimator))


def _lacks(estimator: Any, method: str) -> str | None:
    """scikit-learn's reason why ``estimator`` has no ``method`` however it is fitted; None if it
    has it, or if an unfitted estimator cannot tell."""
    from sklearn.pipeline import Pipeline

    try:
        getattr(estimator, method)
        return None
    except AttributeError as error:
        if not hasattr(type(estimator), method) and not hasattr(type(estimator), "__getattr__"):
            return str(error)  # its class never has it
        if isinstance(estimator, Pipeline):  # it has what its final step has
            return _lacks(estimator.steps[-1][1], method)
        # An available_if check: certain where the check says why in its own words, from the
        # estimator's own params (SVC: "predict_proba is not available when probability=False";
        # VotingClassifier: "... when voting='hard'"); not where it asks an inner estimator (a
        # search may change its params when fitted) or an attribute it looked up is missing
        # (a stacking's final estimator, None until fitted).
        reason = error.__cause__
        own = isinstance(reason, AttributeError) and reason.name is None and reason.__cause__ is None
        return str(reason) if own else None
    except Exception:  # noqa: BLE001 - a property that fails unfitted: cannot tell
        return None


def check_scorer_targets(scorer: Any, scoring: Any, y: Any, owner: str, name: str = "scoring") -> None:
    """Refuse ``scoring`` (made ``scorer``; argument ``name`` of ``owner``) if its metric cannot
    read the targets ``y`` (shape (n,)) whatever the estimator predicts: a binary metric (``"f1"``,
    ``"precision"``, ``"roc_auc"``) of more than two classes, or of two whose positive label is
    not among them.

    A metric of class labels is tried on the labels themselves (a prediction is one of them); a
    scorer that declares no metric (a plain function), or one of scores or probabilities other
    than ROC AUC, passes: what it is given depends on the estimator.
    """
    from sklearn import metrics

    func, kwargs = getattr(scorer, "_score_func", None), getattr(scorer, "_kwargs", None) or {}
    if func is None:
        return
    labels = np.unique(np.asarray(y))
    said = repr(scoring) if isinstance(scoring, str) else "The scorer"
    if any(func is getattr(metrics, metric, None) for metric in _LABEL_METRICS):
        try:
            func(labels, labels, **kwargs)
        except (ValueError, TypeError) as error:
            fix = ("For more than two classes use an averaged one, such as 'f1_macro' or 'f1_weighted'."
                   if len(labels) > 2 else f"Name the positive class: sklearn.metrics.make_scorer({func.__name__}, "
                                           "pos_label=...).")
            raise fail(name, owner, f"a scorer that reads these targets ({len(labels)} classes)", scoring,
                       hint=f"{said} fails on them whatever is predicted ({error}), so every trial would fail. "
                            f"{fix}") from None
    elif func is metrics.roc_auc_score and len(labels) > 2 and kwargs.get("multi_class", "raise") == "raise":
        raise fail(name, owner, f"a scorer that reads these targets ({len(labels)} classes)", scoring,
                   hint=f"{said} is binary, so every trial would fail; for several classes use 'roc_auc_ovr' or "
                        "'roc_auc_ovo'.")
