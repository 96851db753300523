"""Checks of the scikit-learn inputs shared by SklearnCV, SklearnIncremental, HPOSearchCV and nested_cv.

Each takes the ``owner`` whose name the error carries, so that an error names the function the
user called. scikit-learn is imported inside the functions: importing this module stays light.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from .._validation import fail
from ..space import SearchSpace

__all__ = ["Shown", "n_samples", "describe_unknown", "seeded_clone", "check_space", "make_scorer",
           "check_warnings"]


class Shown:
    """A value whose ``repr`` is a description, for error messages about large arrays."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def n_samples(data: Any, name: str, owner: str) -> int:
    """Number of rows of an array-like (numpy, pandas, sparse matrix or list)."""
    shape = getattr(data, "shape", None)
    if shape is not None and len(shape) >= 1:
        return int(shape[0])
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__len__"):
        rule = "an array-like of shape (n_samples, n_features)" if name == "X" else \
            "an array-like of shape (n_samples,)"
        raise fail(name, owner, rule, Shown(type(data).__name__))
    return len(data)


def describe_unknown(unknown: list[str], valid: list[str]) -> str:
    """Hint for space names that are not estimator parameters: close matches, or the valid names."""
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1)
        parts.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    hint = f"Unknown: {', '.join(parts)}."
    if len(valid) <= 25:
        hint += f" Valid names: {', '.join(sorted(valid))}."
    else:
        hint += " See estimator.get_params().keys() for the valid names."
    return hint


def seeded_clone(estimator: Any, seed: int) -> Any:
    """A clone of ``estimator`` with ``seed`` in every ``random_state`` left at None (its own and
    each pipeline step's), so that the same params give the same score; a ``random_state`` the
    user set is kept."""
    from sklearn.base import clone

    unseeded = {key: seed for key, value in estimator.get_params(deep=True).items()
                if (key == "random_state" or key.endswith("__random_state")) and value is None}
    return clone(estimator).set_params(**unseeded)


def check_space(space: Any, estimator: Any, owner: str, estimator_params: Any = None) -> SearchSpace:
    """``space``, if every name is a parameter of ``estimator`` (errors name ``owner``); with
    ``estimator_params``, every name it makes of the space's centre configuration."""
    if not isinstance(space, SearchSpace):
        raise fail("space", owner, "a SearchSpace", space)
    valid = list(estimator.get_params(deep=True))
    names = space.names if estimator_params is None else list(estimator_params(space.complete()))
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise fail("space", owner, f"a SearchSpace whose names are parameters of {type(estimator).__name__}",
                   names, hint=describe_unknown(unknown, valid))
    return space

def make_scorer(estimator: Any, scoring: Any, owner: str) -> Callable[..., float]:
    """The scorer for ``scoring`` (a name, a callable or None), checked (errors name ``owner``)."""
    from sklearn.metrics import check_scoring, get_scorer, get_scorer_names

    rule = "a scorer name from sklearn.metrics.get_scorer_names(), a callable scorer(estimator, X, y) or None"
    if isinstance(scoring, str):
        try:
            return get_scorer(scoring)
        except ValueError as error:
            close = difflib.get_close_matches(scoring, get_scorer_names(), n=3)
            hint = f"Did you mean {', '.join(map(repr, close))}?" if close else None
            raise fail("scoring", owner, rule, scoring, hint=hint) from error
    if scoring is not None and not callable(scoring):
        raise fail("scoring", owner, rule, scoring)
    if scoring is None and not callable(getattr(estimator, "score", None)):
        raise fail("scoring", owner, rule, scoring,
                   hint=f"{type(estimator).__name__} has no `score` method; pass a scorer name such as 'accuracy'.")
    return check_scoring(estimator, scoring=scoring)

def check_warnings(categories: Any, owner: str) -> tuple[type[Warning], ...]:
    rule = "a tuple of Warning subclasses"
    if isinstance(categories, type) or not isinstance(categories, (tuple, list)):
        raise fail("ignore_warnings", owner, rule, categories)
    for category in categories:
        if not (isinstance(category, type) and issubclass(category, Warning)):
            raise fail("ignore_warnings", owner, rule, categories, hint=f"{category!r} is not one.")
    return tuple(categories)
