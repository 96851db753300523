"""Budgets for multi-fidelity evaluations of scikit-learn objectives.

A budget ``b`` in (0, 1] asks :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` for a
cheaper, lower-fidelity score; None is the full budget and gives exactly the same score as 1.
Multi-fidelity methods such as successive halving and Hyperband (L. Li et al., "Hyperband: a
novel bandit-based approach to hyperparameter optimization", JMLR 18, 2018) score many
configurations at small budgets and only the promising ones at the full budget. What a budget
shrinks, its *resource*, is chosen per objective (``budget_resource``):

- **samples** (``budget_resource=None``): each cross-validation fold fits on
  ``ceil(b * n_fit)`` of its ``n_fit`` training samples. The samples are taken in a fixed,
  seeded order (:func:`fit_order`), so the subsets are *nested*: the data behind a small budget
  are part of the data behind every larger one, and a configuration promoted to a larger budget
  sees more of the same data rather than different data.
- **an iteration count**, the name of an int parameter of the estimator such as
  ``"n_estimators"``, ``"max_iter"`` or, inside a pipeline, ``"mlp__max_iter"``: the budget sets
  it to ``max(1, round(b * full))``, where ``full`` is the estimator's own value; the folds are
  whole.

Either way the validation part of every fold is whole, so scores at different budgets are
measured on the same samples and can be compared.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .._validation import as_finite, fail
from ..space import SearchSpace

__all__ = ["check_budget", "check_resource", "fit_order", "resource_value", "sample_folds"]

Fold = tuple[np.ndarray, np.ndarray]


def check_budget(budget: Any, owner: str) -> float | None:
    """Return ``budget`` as a float in (0, 1], or None (the full budget).

    Examples
    --------
    >>> check_budget(0.25, "SklearnCV.__call__"), check_budget(None, "SklearnCV.__call__")
    (0.25, None)
    """
    if budget is None:
        return None
    # as_finite: None for NaN, inf, a non-number and an int past a float's range (10**400 was
    # Python's OverflowError from float(), found by the objectives' fuzz round).
    number = as_finite(budget)
    if number is None or not 0.0 < number <= 1.0:
        raise fail("budget", owner, "a real number in (0, 1] or None (the full budget)", budget)
    return number


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)) and int(value) >= 1


def check_resource(resource: Any, estimator: Any, space: SearchSpace, owner: str) -> int | None:
    """Validate ``budget_resource``; return the estimator's full value of it (None for samples).

    Parameters
    ----------
    resource : str or None
        None (budgets are fractions of the training samples) or the name of a positive int
        parameter of ``estimator`` (a key of ``estimator.get_params()``) that is not in ``space``.
    estimator : scikit-learn estimator
        The estimator whose parameter the budget scales.
    space : SearchSpace
        The objective's search space: a tuned parameter cannot also be the budget's resource.
    owner : str
        Named in error messages.
    """
    if resource is None:
        return None
    model = type(estimator).__name__
    params = estimator.get_params(deep=True)
    candidates = sorted(name for name, value in params.items() if _is_positive_int(value))
    rule = f"None (a fraction of the training samples) or the name of a positive int parameter of {model}"
    if not isinstance(resource, str) or resource not in params:
        raise fail("budget_resource", owner, rule, resource,
                   hint=f"{model}'s positive int parameters: {', '.join(candidates) or 'none'}.")
    full = params[resource]
    if not _is_positive_int(full):
        raise fail("budget_resource", owner, rule, resource,
                   hint=f"{model} has {resource}={full!r}; a budget scales a positive int (its full-budget "
                        f"value), so set one on the estimator, e.g. {resource}=100.")
    if resource in space.names:
        raise fail("budget_resource", owner, "a parameter that is not in the search space", resource,
                   hint=f"A budget sets {resource} to a fraction of the estimator's {resource}={full}, so it "
                        "cannot be tuned as well: remove it from the space, or use budget_resource=None.")
    return int(full)


def resource_value(full: int, budget: float) -> int:
    """The resource at ``budget``: ``max(1, round(budget * full))``, and exactly ``full`` at budget 1.

    Examples
    --------
    >>> resource_value(50, 1 / 9), resource_value(50, 0.001), resource_value(50, 1.0)
    (6, 1, 50)
    """
    return max(1, round(budget * full))


def fit_order(fit: np.ndarray, rank: np.ndarray, labels: np.ndarray | None) -> np.ndarray:
    """One fold's training positions in the order sample budgets take them.

    A budget keeps a prefix of this order, and the order does not depend on the budget, so
    the subsets are nested. Regressors: ascending ``rank``. Classifiers: stratified, so that
    small budgets still see every class: first one sample of every class, then a second one of
    every class, then the rest, interleaved in proportion to the class sizes (a sample's key is
    its position within its class divided by the class size), so that every prefix keeps the
    class balance of the fold. Within a class, samples go by ascending ``rank``.

    Parameters
    ----------
    fit : ndarray of shape (n_fit,)
        Positions in the training split of one fold's training part.
    rank : ndarray of shape (n_train,)
        A seeded random permutation of ``0 .. n_train - 1``: the rank of every position of the
        training split, shared by all folds.
    labels : ndarray of shape (n_train,) or None
        Class labels of the training split for classifiers; None for regressors.

    Returns
    -------
    ndarray of shape (n_fit,)
        The positions of ``fit``, reordered.

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    >>> fit_order(np.arange(8), np.arange(8), labels).tolist()   # two of each class first
    [0, 6, 1, 7, 2, 3, 4, 5]
    """
    by_rank = fit[np.argsort(rank[fit], kind="stable")]
    if labels is None:
        return by_rank
    classes = labels[by_rank]
    within = np.empty(len(by_rank))  # position of each sample within its class, in rank order
    share = np.empty(len(by_rank))   # the same, as a fraction of the class size
    for label in np.unique(classes):
        members = np.flatnonzero(classes == label)
        within[members] = np.arange(len(members))
        share[members] = (np.arange(len(members)) + 0.5) / len(members)
    # lexsort sorts by its last key first and is stable: ties stay in rank order.
    return by_rank[np.lexsort((share, np.minimum(within, 2)))]


def sample_folds(folds: list[Fold], rank: np.ndarray, labels: np.ndarray | None, budget: float) -> list[Fold]:
    """Shrink the training part of every fold to ``ceil(budget * n_fit)`` samples (nested).

    Parameters
    ----------
    folds : list of (ndarray of shape (n_fit,), ndarray of shape (n_validation,))
        Positions in the training split of each fold's training and validation parts.
    rank : ndarray of shape (n_train,)
        The rank of every position of the training split, as in :func:`fit_order`.
    labels : ndarray of shape (n_train,) or None
        Class labels of the training split for classifiers; None for regressors.
    budget : float in (0, 1]
        The fraction of each training part kept; classifiers keep at least one sample per class.

    Returns
    -------
    list of (ndarray of shape (n_kept,), ndarray of shape (n_validation,))
        The kept training positions, in their original order (so budget 1 returns ``folds``
        unchanged, order included), and the untouched validation positions.
    """
    shrunk = []
    for fit, validation in folds:
        order = fit_order(fit, rank, labels)
        # Round first so that 0.3 * 10 = 3.0000000000000004 keeps 3 samples, not 4.
        size = math.ceil(round(budget * len(fit), 9))
        if labels is not None:  # the order starts with one sample of every class
            size = max(size, len(np.unique(labels[fit])))
        shrunk.append((fit[np.isin(fit, order[:size])], validation))
    return shrunk
