"""The folds of a search: what ``cv`` of :class:`~interactive_hpo.model_selection.search_cv.HPOSearchCV`
(and ``outer``/``inner`` of :func:`~interactive_hpo.model_selection.nested.nested_cv`, and ``cv`` of
:class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV`) means, as in scikit-learn's searches: a
number of folds, a splitter (``KFold(3)``, ``GroupKFold(3)``, ``TimeSeriesSplit(3)``) or an
iterable of (train, test) pairs of row indices (not for SklearnCV). Each search cuts
its data once, and every trial is scored on those same folds: that is what makes trials comparable.
Importing this module imports scikit-learn.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .._validation import check_int, fail, import_optional, is_int, shown
from .sklearn_checks import Shown, check_labels

import_optional("sklearn", "sklearn", "interactive_hpo.objectives.folds")

from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.utils.metadata_routing import get_routing_for_object  # noqa: E402
from sklearn.utils.multiclass import type_of_target  # noqa: E402

__all__ = ["CV_RULE", "SPLITTER_RULE", "Splitter", "check_cv", "check_groups", "folds_of", "seeded_splitter",
           "shuffled_folds"]

#: What ``cv`` may be, for the error that refuses anything else (SPLITTER_RULE: where row indices cannot serve).
SPLITTER_RULE = "an int in [2, inf) or a splitter (an object with split and get_n_splits, such as KFold(3))"
CV_RULE = ("an int in [2, inf), a splitter (an object with split and get_n_splits, such as KFold(3)) or an "
           "iterable of (train, test) pairs of row-index arrays")

Folds = list[tuple[np.ndarray, np.ndarray]]


@runtime_checkable
class Splitter(Protocol):
    """What scikit-learn's ``check_cv`` takes as a cross-validator: ``KFold``, ``GroupKFold``, ``TimeSeriesSplit``..."""

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterable[tuple[Any, Any]]: ...

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int: ...


def check_cv(cv: Any, name: str, owner: str, pairs: bool = True,
             pairs_hint: str = "Row indices cannot serve: each search sees another part of the data.") -> \
        int | Splitter | list[Any]:
    """``cv`` (argument ``name`` of ``owner``) as an int >= 2, a :class:`Splitter` or (if
    ``pairs``) the list of the (train, test) pairs an iterable yields (read once, here: a
    generator is used up by the first fit). The pairs' indices are checked against the data by
    :func:`folds_of`. Where pairs are refused, ``pairs_hint`` says why to whoever passed some."""
    if is_int(cv):
        return check_int(cv, name, owner, 2)
    if isinstance(cv, Splitter):  # a str has a `split` too, but no get_n_splits
        return cv
    if not pairs:
        raise fail(name, owner, SPLITTER_RULE, cv, hint=pairs_hint if _listed(cv) else None)
    listed = _listed(cv)
    if listed is None:
        raise fail(name, owner, CV_RULE, cv)
    if not listed:
        raise fail(name, owner, CV_RULE, cv, hint="It held no (train, test) pair; an iterator (a generator, "
                                                  "splitter.split(X)) is used up by the first fit: pass a list.")
    return listed


def folds_of(cv: int | Splitter | list[Any], X: Any, y: Any, groups: Any, classifier: bool, seed: int,
             name: str, owner: str, fit_owner: str, where: str = "the data") -> Folds:
    """The (train, test) row indices of ``cv`` (checked by :func:`check_cv`) on X of shape
    (n_samples, n_features), y of shape (n_samples,) or (n_samples, n_outputs) and ``groups`` of
    shape (n_samples,) or None: :func:`shuffled_folds` seeded by ``seed`` for an int, the
    splitter's folds (given ``groups``; seeded by ``seed`` if it shuffles with no
    ``random_state``: :func:`seeded_splitter`), or the pairs given. ``fit_owner`` is the method that
    took ``groups``, which only a splitter reads: with an int or explicit pairs they would be
    ignored silently, so they are refused."""
    count = len(np.asarray(y))  # y is checked by then; np.asarray reads one with only __array__, as fit does
    check_groups(groups, cv, count, name, fit_owner)
    if isinstance(cv, Splitter):
        try:
            pairs = list(seeded_splitter(cv, seed).split(X, y, groups))
        except (ValueError, TypeError) as error:  # its own words ("Cannot have number of splits ..."), named ours
            raise fail(name, owner, f"a splitter that can cut {where} into folds", cv, hint=str(error)) from None
    elif isinstance(cv, list):
        pairs = cv
    else:  # an int, by check_cv
        return shuffled_folds(y, int(cv), classifier, seed, name, owner, where)
    return [_checked_pair(pair, k, count, name, owner, where) for k, pair in enumerate(pairs)]


def seeded_splitter(cv: Splitter, seed: int) -> Splitter:
    """``cv``, or a copy of it with ``random_state=seed`` when it draws its folds at random and
    was left at ``random_state=None`` (``KFold(3, shuffle=True)``, ``ShuffleSplit(5)``,
    ``RepeatedKFold()``): otherwise the same seed cut other folds each time, gave other scores,
    and a journaled search could not resume (DESIGN: sub-seeds, CV shuffles included, derive
    from the seed). A splitter with its own ``random_state``, or one that does not shuffle
    (``shuffle=False``), is left alone; the person's object is never changed."""
    if getattr(cv, "random_state", 0) is not None or not getattr(cv, "shuffle", True):
        return cv
    seeded = copy.copy(cv)  # scikit-learn's splitters have no set_params (nor clone) to do this with
    seeded.random_state = seed  # type: ignore[attr-defined]
    return seeded


def check_groups(groups: Any, cv: Any, count: int, name: str, owner: str) -> np.ndarray | None:
    """``groups`` (of ``owner``) as an array of shape (``count``,), or None: refused unless ``cv``
    (argument ``name``) is a splitter, the only kind that reads them; with an int or explicit
    pairs they would be ignored silently. None is refused for a splitter that reads them."""
    if groups is None:
        if isinstance(cv, Splitter) and get_routing_for_object(cv).consumes(method="split", params=["groups"]):
            raise fail("groups", owner, f"group labels of shape (n_samples,) for {type(cv).__name__}", None,
                       hint=f"It keeps each group within one side of every split: pass groups=... to {owner}.")
        return None
    if not isinstance(cv, Splitter):
        shuffled = ", and shuffled folds put one group on both sides" if is_int(cv) else ""
        raise fail("groups", owner, f"None when `{name}` is {'an int' if is_int(cv) else 'a list of splits'}",
                   Shown("group labels"), hint=f"They would be ignored{shuffled}: pass a splitter that reads them, "
                                               f"such as {name}=GroupKFold({cv if is_int(cv) else 3}).")
    shape = np.shape(groups)
    if len(shape) != 1 or shape[0] != count:
        raise fail("groups", owner, f"an array-like of shape (n_samples,) = ({count},), one label per sample",
                   Shown(f"an array-like of shape {shape}"))
    return np.asarray(groups)


def _checked_pair(pair: Any, k: int, count: int, name: str, owner: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Split ``k`` as (train, test) arrays of row indices into ``count`` rows, both non-empty and
    disjoint: a wrong one is refused naming it, before any trial would have failed on it (or,
    for one whose train rows hold test rows, been scored too well)."""
    rule = f"(train, test) pairs of non-empty arrays of row indices in [0, {count}) ({where} has {count} samples)"
    sides = _listed(pair)
    if sides is None or len(sides) != 2:
        raise fail(name, owner, rule, Shown(f"split {k}: {_shown(pair)}, not a (train, test) pair"))
    arrays = []
    for side, indices in zip(("train", "test"), sides, strict=True):
        array = _indices(indices)
        if array is None or array.size == 0:
            raise fail(name, owner, rule, Shown(f"split {k} with {side} {_shown(indices)}"))
        outside = array[(array < 0) | (array >= count)]
        if outside.size:  # the shape alone does not say which index is wrong: the first few do
            raise fail(name, owner, rule, Shown(f"split {k} with {side} {_shown(indices)} holding {outside.size} "
                                                f"out of range: {_first(outside)}"))
        arrays.append(array)
    shared = np.intersect1d(arrays[0], arrays[1])
    if shared.size:  # scored on rows it was fit on: an optimistic score, and a search that favours overfitting
        raise fail(name, owner, "(train, test) pairs whose test rows are not in their train rows", Shown(
            f"split {k} with {shared.size} of its {np.unique(arrays[1]).size} test rows in its train rows (rows "
            f"{_first(shared)})"),
            hint="A model scored on rows it was fit on scores too well. Give each split the rows it is not tested "
                 "on, train = np.setdiff1d(np.arange(n_samples), test).")
    return arrays[0], arrays[1]


def _first(indices: np.ndarray) -> str:
    """The first ten of ``indices`` (of shape (n,)) as a list, with "..." when there are more."""
    return _shown(indices.tolist()) if indices.size <= 10 else f"{indices[:10].tolist()} ..."


def _listed(value: Any) -> list[Any] | None:
    """The items of an iterable (read once), or None for what is no sequence of items here: a
    str, bytes, a dict (its keys), a 0-d array (which claims to be iterable) or a non-iterable."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return None
    try:
        return list(value)
    except TypeError:  # "iteration over a 0-d array"
        return None


def _indices(value: Any) -> np.ndarray | None:
    """``value`` as a 1-D array of ints, or None (a str, a dict, a ragged list, floats, a mask)."""
    items = value if isinstance(value, np.ndarray) else _listed(value)
    if items is None:
        return None
    try:
        array = np.asarray(items)
    except (ValueError, TypeError):  # ragged
        return None
    return array if array.ndim == 1 and array.dtype.kind in "iu" else None


def _shown(value: Any) -> str:
    """A short description of a split's part: an array's shape and dtype (not its thousand indices), or its repr."""
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    return f"of shape {shape} and dtype {dtype}" if shape is not None and dtype is not None else shown(value, 80)


def shuffled_folds(y: Any, n_splits: int, classifier: bool, seed: int, name: str, owner: str,
                   where: str = "the data") -> Folds:
    """Shuffled K-fold of ``len(y)`` samples, as (fit, test) index pairs.

    As in scikit-learn's ``check_cv``, the folds of a classifier are stratified when ``y`` is
    binary or multiclass (multilabel and multi-output ``y`` get plain K-fold). A classifier's
    ``y`` must hold class labels (scikit-learn's "Unknown label type" error otherwise) of at
    least two classes.
    """
    labels = np.asarray(y)
    stratified = False
    if classifier:
        check_labels(labels, owner)
        stratified = type_of_target(labels) in ("binary", "multiclass")
    classes, counts = np.unique(labels, return_counts=True) if stratified else (labels[:0], np.array([len(labels)]))
    limit = int(counts.min())
    if limit < 2:  # no number of folds would do: the data is what to change, not `name` ("an int in [2, 1]")
        smallest = f"class {classes[int(np.argmin(counts))].item()!r} has {limit} sample" if stratified else \
            f"{limit} sample"
        raise fail("y", owner, f"labels with at least 2 samples{' of every class' if stratified else ''} in {where}, "
                   "so that it can be cut into folds", Shown(f"{smallest} in {where}"))
    if n_splits > limit:
        what = f"the smallest class in {where} has {limit} samples" if stratified else f"{where} has {limit} samples"
        raise fail(name, owner, f"an int in [2, {limit}]", n_splits,
                   hint=f"Each of the {n_splits} folds needs a sample{' of every class' if stratified else ''}; "
                        f"{what}.")
    kind = StratifiedKFold if stratified else KFold
    return list(kind(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros((len(labels), 1)), labels))
