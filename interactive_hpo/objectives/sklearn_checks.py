"""Checks of the scikit-learn inputs shared by SklearnCV, SklearnIncremental, HPOSearchCV and nested_cv.

Each takes the ``owner`` whose name the error carries, so that an error names the function the
user called. scikit-learn is imported inside the functions: importing this module stays light.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from .._names import unknown_names
from .._validation import describe_error, fail
from ..exceptions import InvalidParameterError
from ..space import Categorical, SearchSpace
from .sklearn_scoring import check_scorer_fits, check_scorer_targets

__all__ = ["Shown", "n_samples", "describe_unknown", "seeded_clone", "check_estimator", "check_space",
           "estimator_settings", "make_scorer", "check_stratifiable", "check_warnings", "ignoring", "input_tags",
           "data_rules", "check_data", "check_labels", "check_targets"]


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
    # A 0-d array has a __len__ that raises ("len() of unsized object").
    if isinstance(data, (str, bytes, Mapping)) or not hasattr(data, "__len__") or shape == ():
        rule = "an array-like of shape (n_samples, n_features)" if name == "X" else \
            "an array-like of shape (n_samples,)"
        raise fail(name, owner, rule, Shown(type(data).__name__))
    return len(data)


def describe_unknown(unknown: list[str], valid: list[str]) -> str:
    """Hint for space names that are not estimator parameters: close matches, or the valid names."""
    hint = f"Unknown: {unknown_names(unknown, valid)}."
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


def check_estimator(estimator: Any, owner: str, name: str = "estimator") -> Any:
    """``estimator`` if it is an estimator instance with fit, get_params and set_params."""
    rule = "a scikit-learn estimator (with fit, get_params and set_params)"
    if isinstance(estimator, type):  # its methods exist but need `self`
        raise fail(name, owner, rule, estimator, hint=f"Pass an instance, {estimator.__name__}(), not the class.")
    for method in ("fit", "get_params", "set_params"):
        if not callable(getattr(estimator, method, None)):
            raise fail(name, owner, rule, estimator)
    return estimator


def estimator_settings(estimator_params: Callable[..., Any] | None, params: Mapping[str, Any],
                       owner: str) -> dict[str, Any]:
    """The ``set_params`` arguments for ``params``: ``estimator_params(params)``, checked to be a
    dict from parameter names (errors name ``owner``), or ``params`` themselves if it is None.

    Copies (``clone(..., safe=False)``, as scikit-learn's searches take a grid's values): an
    estimator the callable returns from a dict of the user's (``{"svc": SVC()}[p["model"]]``) was
    set and fitted in place, so two searches, or the outer folds of a nested CV, shared one model
    and a search's ``best_estimator_`` became another's, refit on other data (a456)."""
    from sklearn.base import clone

    if estimator_params is None:
        return dict(params)
    settings = estimator_params(params)
    if not isinstance(settings, Mapping) or not all(isinstance(key, str) for key in settings):
        raise fail("estimator_params", owner, "a callable params -> dict of set_params arguments", estimator_params,
                   hint=f"For {dict(params)!r} it returned {settings!r}.")
    return {name: clone(value, safe=False) for name, value in settings.items()}


def check_space(space: Any, estimator: Any, owner: str, estimator_params: Any = None) -> SearchSpace:
    """``space``, if every name is a parameter of ``estimator`` and the space's bounds and choices
    are values the parameter takes (errors name ``owner``); with ``estimator_params``, every
    setting it makes of the space's centre configuration.

    The values are checked against scikit-learn's ``_parameter_constraints`` where the estimator
    (or the pipeline step a name reaches into) declares them: a space of floats for an int
    parameter, or a choice it does not know, would fail every trial.
    """
    if not isinstance(space, SearchSpace):
        raise fail("space", owner, "a SearchSpace", space)
    if estimator_params is not None and not callable(estimator_params):
        raise fail("estimator_params", owner, "a callable params -> dict or None", estimator_params)
    if estimator_params is None:
        tried = {p.name: _standing_values(p) for p in space}
    else:
        tried = {name: (value,) for name, value in _centre_settings(space, estimator_params, owner).items()}
    valid = list(estimator.get_params(deep=True))
    unknown = [n for n in tried if n not in valid]
    if unknown:
        raise fail("space", owner, f"a SearchSpace whose names are parameters of {type(estimator).__name__}",
                   list(tried), hint=describe_unknown(unknown, valid))
    for name, values in tried.items():
        problem = _breaks_constraints(estimator, name, values)
        if problem is not None and estimator_params is None:
            raise fail(f"space[{name!r}]", owner, f"a parameter whose values {type(estimator).__name__} takes",
                       space[name], hint=problem)
        if problem is not None:
            raise fail("estimator_params", owner, "a callable making settings the estimator takes", estimator_params,
                       hint=f"For the space's centre configuration it set {name}={values[0]!r}. {problem}")
    return space


def _standing_values(param: Any) -> tuple[Any, ...]:
    """The values that stand for a parameter's range: every choice, or both bounds (scikit-learn's
    intervals are convex, so a range whose bounds a parameter takes is taken whole)."""
    return tuple(param.choices) if isinstance(param, Categorical) else (param.low, param.high)


def _centre_settings(space: SearchSpace, estimator_params: Callable[..., Any], owner: str) -> dict[str, Any]:
    """What ``estimator_params`` makes of the space's centre configuration: names and values to check."""
    centre = space.complete()
    try:
        return estimator_settings(estimator_params, centre, owner)
    except InvalidParameterError:
        raise
    except Exception as error:  # noqa: BLE001 - the user's function: say where it failed
        raise fail("estimator_params", owner, "a callable params -> dict of set_params arguments", estimator_params,
                   hint=f"For the space's centre configuration {centre!r} it raised {describe_error(error)}.") \
            from error


def _breaks_constraints(estimator: Any, name: str, values: Iterable[Any]) -> str | None:
    """scikit-learn's message for the first of ``values`` that parameter ``name`` of ``estimator``
    refuses; None if it takes them all or declares no constraints."""
    try:
        from sklearn.utils._param_validation import validate_parameter_constraints
    except ImportError:  # a private module: without it, a bad value fails its trials as before
        return None
    prefix, _, own = name.rpartition("__")
    holder = estimator.get_params(deep=True)[prefix] if prefix else estimator
    constraints = getattr(holder, "_parameter_constraints", None)
    if not isinstance(constraints, dict):
        return None
    for value in values:
        try:
            validate_parameter_constraints(constraints, {own: value}, type(holder).__name__)
        except (ValueError, TypeError) as error:
            return str(error)
    return None

def make_scorer(estimator: Any, scoring: Any, owner: str, space: SearchSpace | None = None,
                estimator_params: Callable[..., Any] | None = None, name: str = "scoring",
                y: Any = None) -> Callable[..., float]:
    """The scorer for ``scoring`` (a name, a callable or None), checked (errors name ``owner``
    and the argument ``name``: ``scoring['acc']`` for one of several).

    Given the ``space`` searched (and ``estimator_params``), a scorer that cannot score the
    estimator at any of its values is refused too
    (:func:`~interactive_hpo.objectives.sklearn_scoring.check_scorer_fits`); given the targets
    ``y`` (checked, shape (n,)), one whose metric cannot read them
    (:func:`~interactive_hpo.objectives.sklearn_scoring.check_scorer_targets`).
    """
    from sklearn.metrics import check_scoring, get_scorer, get_scorer_names

    rule = "a scorer name from sklearn.metrics.get_scorer_names(), a callable scorer(estimator, X, y) or None"
    if isinstance(scoring, str):
        try:
            scorer = get_scorer(scoring)
        except ValueError as error:
            names = get_scorer_names()
            # Names it begins are likelier meant than close spellings ('acc' is not 'jaccard').
            close = [n for n in names if scoring and n.startswith(scoring)][:3] or \
                difflib.get_close_matches(scoring, names, n=3)
            hint = f"Did you mean {', '.join(map(repr, close))}?" if close else None
            raise fail(name, owner, rule, scoring, hint=hint) from error
    elif scoring is not None and not callable(scoring):
        several = isinstance(scoring, (list, tuple, set, frozenset, Mapping))
        raise fail(name, owner, rule, scoring, hint="One scorer: the objective maximizes one score. To trade "
                   "several off, use HPOSearchCV(scoring=[...])." if several else None)
    elif scoring is None and not callable(getattr(estimator, "score", None)):
        raise fail(name, owner, rule, scoring,
                   hint=f"{type(estimator).__name__} has no `score` method; pass a scorer name such as 'accuracy', "
                        "or, fitted without y, a callable scoring(estimator, X, y=None) (a scorer name needs y).")
    else:
        try:
            scorer = check_scoring(estimator, scoring=scoring)
        except ValueError as error:  # a metric function, score(y_true, y_pred), where a scorer belongs
            raise fail(name, owner, rule, scoring, hint=str(error)) from error
    if space is not None:
        check_scorer_fits(estimator, scorer, scoring, _configurations(space, estimator_params, owner), owner,
                          name)
    if y is not None:
        check_scorer_targets(scorer, scoring, y, owner, name)
    return scorer


def _configurations(space: SearchSpace, estimator_params: Callable[..., Any] | None,
                    owner: str) -> Iterator[dict[str, Any]]:
    """``set_params`` settings standing for ``space``: each parameter at each bound or choice, the
    others at the centre (through ``estimator_params`` if given). Made as they are read."""
    for param in space:
        for value in _standing_values(param):
            yield estimator_settings(estimator_params, space.complete({param.name: value}), owner)


def check_stratifiable(y: Any, owner: str) -> Any:
    """``y``, to stratify a classifier's train/test split by, once every class has the two samples
    that takes (one on each side)."""
    smallest = int(np.unique(np.asarray(y), return_counts=True)[1].min())
    if smallest < 2:
        raise fail("y", owner, "class labels with at least 2 samples per class",
                   Shown(f"a class with {smallest} sample"),
                   hint="The train/test split is stratified, so every class needs a sample on each side.")
    return y


def check_warnings(categories: Any, owner: str) -> tuple[type[Warning], ...]:
    rule = "a tuple of Warning subclasses"
    if isinstance(categories, type) or not isinstance(categories, (tuple, list)):
        raise fail("ignore_warnings", owner, rule, categories)
    for category in categories:
        if not (isinstance(category, type) and issubclass(category, Warning)):
            raise fail("ignore_warnings", owner, rule, categories, hint=f"{category!r} is not one.")
    return tuple(categories)


@contextlib.contextmanager
def ignoring(categories: tuple[type[Warning], ...]) -> Iterator[None]:
    """Within the block, the warnings of ``categories`` (:func:`check_warnings`) are not shown;
    with none, the warning filters are left alone (nothing to silence)."""
    if not categories:
        yield
        return
    with warnings.catch_warnings():
        for category in categories:
            warnings.simplefilter("ignore", category)
        yield


def input_tags(estimator: Any) -> Any:
    """The input tags of ``estimator``, widened by those of every estimator inside it.

    A Pipeline's or a ColumnTransformer's own tags leave out what its steps take (scikit-learn
    tags ``make_pipeline(SimpleImputer(), Ridge())`` as not taking NaN); widened, they never
    reject data that some step takes. A step that skips validation (FunctionTransformer) may turn
    any input into valid data, so it widens every flag.
    """
    from sklearn.base import BaseEstimator
    from sklearn.utils import get_tags

    inner = [get_tags(estimator)] + [get_tags(value) for value in estimator.get_params(deep=True).values()
                                     if isinstance(value, BaseEstimator)]
    anything = any(tags.no_validation for tags in inner)
    return dataclasses.replace(inner[0].input_tags, **{
        flag: anything or any(getattr(tags.input_tags, flag) for tags in inner)
        for flag in ("sparse", "allow_nan", "string", "dict", "categorical", "one_d_array")})


def data_rules(estimator: Any) -> dict[str, Any]:
    """Keywords of scikit-learn's ``check_array``/``validate_data`` for the data ``estimator``
    takes, as strictly as its widened tags (:func:`input_tags`) allow: NaN only if some step takes
    it, 1-D X for texts and dicts, no dimension above 2 refused (estimators for images rarely
    declare the three_d_array tag, and scikit-learn's own reject 3-D X themselves)."""
    from sklearn.utils import get_tags

    tags, takes = get_tags(estimator), input_tags(estimator)
    one_d = takes.string or takes.dict or takes.one_d_array  # texts and dicts come as a 1-D list
    # RidgeClassifier takes a 2-D multilabel y, though its multi_output tag is False.
    multilabel = tags.classifier_tags is not None and tags.classifier_tags.multi_label
    return {"accept_sparse": takes.sparse, "dtype": None if one_d or takes.categorical else "numeric",
            "ensure_all_finite": not takes.allow_nan, "ensure_2d": not one_d, "allow_nd": True,
            "multi_output": tags.target_tags.multi_output or multilabel}


def check_data(X: Any, y: Any, estimator: Any, owner: str) -> int:
    """The number of samples, once ``X`` is data ``estimator`` takes (:func:`data_rules`: 2-D
    unless a step takes texts, not empty, NaN only where a step takes it, numbers for a numeric
    model), ``y`` has as many samples, a classifier's ``y`` holds two classes or more, and a
    regressor's ``y`` finite numbers (:func:`check_targets`)."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils import check_array

    n = n_samples(X, "X", owner)
    rules = data_rules(estimator)
    multi_output = rules.pop("multi_output")
    try:
        check_array(X, **rules, estimator=estimator, input_name="X")
    except (ValueError, TypeError) as error:  # TypeError: objects numpy cannot turn into numbers
        shape, text = getattr(X, "shape", None), str(error).strip()
        if "\narray=" in text:  # scikit-learn prints all of X there: keep its first and last sentences
            text = text.split("\narray=")[0].rstrip(":") + ". " + text.splitlines()[-1]
        raise fail("X", owner, f"an array-like of shape (n_samples, n_features) that {type(estimator).__name__} "
                   "takes", Shown(f"{type(X).__name__}" + (f" of shape {shape}" if shape is not None else "")),
                   hint=text.replace("\n", " ")) from error
    n_y = n_samples(y, "y", owner)
    if n_y != n:
        raise fail("y", owner, f"an array-like with as many samples as X ({n})",
                   Shown(f"an array-like with {n_y} samples"))
    if is_classifier(estimator):
        check_labels(y, owner)
    elif is_regressor(estimator):
        check_targets(y, multi_output, owner)
    return n


def check_targets(y: Any, multi_output: bool, owner: str) -> None:
    """A regressor's ``y``: finite real numbers, of shape (n_samples,) or (n_samples, 1), or
    (n_samples, n_outputs) for a model that predicts several (``multi_output``). Otherwise every
    fit would fail ("Input y contains NaN"), as every trial of a study would."""
    rule = "finite real numbers of shape (n_samples,)" + (" or (n_samples, n_outputs)" if multi_output else "")
    try:
        targets = np.asarray(y, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise fail("y", owner, rule, Shown(f"{type(y).__name__} holding values that are not numbers")) from None
    shape = targets.shape
    if len(shape) == 2 and (shape[1] == 1 or multi_output):
        shape = shape[:1]  # one target per row, as the checks below read it
    if len(shape) != 1:
        raise fail("y", owner, rule, Shown(f"{type(y).__name__} of shape {targets.shape}"),
                   hint=None if multi_output else "The estimator predicts one output.")
    bad = int(np.count_nonzero(~np.isfinite(targets)))
    if bad:
        raise fail("y", owner, rule, Shown(f"{type(y).__name__} with {bad} NaN or infinite value(s)"))


def check_labels(y: Any, owner: str) -> np.ndarray:
    """The classes of a classifier's ``y`` (shape (n_samples,) or (n_samples, n_outputs)), once it
    holds class labels of at least two classes: not continuous numbers, complex numbers or a mix
    of numbers and text, which scikit-learn's own check refuses in its words."""
    from sklearn.utils.multiclass import check_classification_targets

    labels = np.asarray(y)
    try:
        check_classification_targets(labels)
        classes = np.unique(labels)
    except (ValueError, TypeError) as error:  # TypeError: np.unique cannot order a mix it let through
        raise fail("y", owner, "class labels of at least 2 classes (ints, strs or bools, one kind)",
                   Shown(f"{type(y).__name__} of {labels.dtype} values"),
                   hint=str(error).strip().partition("\n")[0]) from None  # its first line: the next ones print y
    if len(classes) == 0:
        raise fail("y", owner, "class labels of at least 2 classes", Shown("no samples"))
    if len(classes) < 2:
        raise fail("y", owner, "class labels of at least 2 classes", Shown(f"one class, {classes.tolist()[0]!r}"),
                   hint="Every configuration would predict that class, so there is nothing to choose.")
    return classes
