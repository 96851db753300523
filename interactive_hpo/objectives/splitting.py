"""How :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` cuts its data: once into a
training split and a sealed test split, then the training split into the folds every
configuration is scored on.

``cv`` is a number of shuffled folds or a scikit-learn splitter (:mod:`.folds` reads it as
HPOSearchCV does); ``groups`` keep each group on one side of both cuts; a ``TimeSeriesSplit``
keeps time order in both. :func:`data_bytes` gives the cut data's values, and
:func:`function_bytes` the function mapping params to the estimator, for the objective's
fingerprint. scikit-learn is imported when data is cut, never on import.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np

from .._validation import fail
from .sklearn_checks import Shown, check_stratifiable

__all__ = ["check_cv_groups", "closed_over", "data_bytes", "function_bytes", "names_read", "sealed_split",
           "training_folds"]

Fold = tuple[np.ndarray, np.ndarray]

# Why (train, test) pairs are refused: SklearnCV cuts the sealed test split first, out of sight.
_PAIRS_HINT = ("Its row indices would be into the training split, which you never see: pass a splitter, such as "
               "PredefinedSplit, or use HPOSearchCV.")


def time_ordered(cv: Any) -> bool:
    """Whether ``cv`` is a ``TimeSeriesSplit``: then no cut may shuffle (a model would train on the future)."""
    from sklearn.model_selection import TimeSeriesSplit

    return isinstance(cv, TimeSeriesSplit)


def check_cv_groups(cv: Any, groups: Any, n: int, owner: str) -> tuple[Any, np.ndarray | None]:
    """``cv`` (an int >= 2 or a splitter) and ``groups`` (None or an array of shape (n,)) of ``owner``.

    Groups are refused with an int ``cv`` (shuffled folds would put a group on both sides) and
    with a scikit-learn splitter that does not read them (``KFold``, ``TimeSeriesSplit``): the
    sealed test split would keep the groups apart, its folds would not.
    """
    from sklearn.utils.metadata_routing import get_routing_for_object

    from .folds import check_cv, check_groups

    cv = check_cv(cv, "cv", owner, pairs=False, pairs_hint=_PAIRS_HINT)
    labels = check_groups(groups, cv, n, "cv", owner)
    # scikit-learn's splitters declare whether split reads groups; one of your own may read them undeclared.
    if labels is not None and hasattr(cv, "get_metadata_routing") and \
            not get_routing_for_object(cv).consumes(method="split", params=["groups"]):
        why = "The sealed test split is the last rows and the folds follow time order, whatever the groups" if \
            time_ordered(cv) else "The sealed test split would keep each group on one side, its folds would not"
        raise fail("groups", owner, f"None when `cv` is a splitter that ignores them ({type(cv).__name__})",
                   Shown("group labels"), hint=f"{why}: pass a splitter that reads them, such as cv=GroupKFold(5), "
                                               "or no groups.")
    return cv, labels


def sealed_split(X: Any, y: Any, n: int, cv: Any, groups: np.ndarray | None, test_size: float, classifier: bool,
                 seed: int, owner: str) -> tuple[Any, Any, Any, Any, np.ndarray, np.ndarray]:
    """Cut X of shape (n, n_features) and y of shape (n,) once: (X_train, X_test, y_train, y_test,
    train_indices, test_indices), the indices of shape (n_train,) and (n_test,) rows of X;
    ``groups``, of shape (n,) or None, the rows' group labels.

    A ``test_size`` fraction of the rows is sealed, shuffled by ``seed`` and stratified for a
    classifier; with ``groups``, a ``test_size`` fraction of the groups, each whole on one side
    (not stratified); with a ``TimeSeriesSplit`` ``cv``, the last rows, unshuffled.
    """
    from sklearn.model_selection import GroupShuffleSplit, train_test_split
    from sklearn.utils import _safe_indexing  # public despite its name (scikit-learn's API reference)

    try:
        if groups is not None:
            splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
            train, test = next(splitter.split(np.zeros((n, 1)), groups=groups))
            return (_safe_indexing(X, train), _safe_indexing(X, test), _safe_indexing(y, train),
                    _safe_indexing(y, test), train, test)
        ordered = time_ordered(cv)
        stratify = check_stratifiable(y, owner) if classifier and not ordered else None
        X_train, X_test, y_train, y_test, train, test = train_test_split(
            X, y, np.arange(n), test_size=test_size, random_state=seed, stratify=stratify, shuffle=not ordered)
    except ValueError as error:  # e.g. too few samples (or groups) for the classes or the fraction asked
        raise fail("test_size", owner, "a fraction leaving samples (of every class) on both sides", test_size,
                   hint=str(error).rstrip(".") + ".") from error
    return X_train, X_test, y_train, y_test, train, test


def training_folds(cv: Any, X_train: Any, y_train: Any, groups: np.ndarray | None, classifier: bool, seed: int,
                   owner: str) -> list[Fold]:
    """Positions in the training split (X_train of shape (n_train, n_features), y_train and
    ``groups`` of shape (n_train,)) of each fold's fit and validation rows, cut once.

    An int gives the searches' shuffled K-fold seeded by ``seed`` (:func:`.folds.shuffled_folds`:
    stratified for a classifier's 1-D labels, the folds SklearnCV always cut); a splitter gives
    its own folds, reading ``groups``.
    """
    from .folds import folds_of

    return folds_of(cv, X_train, y_train, groups, classifier, seed, "cv", owner, owner, where="the training split")


def data_bytes(data: Any) -> bytes:
    """The values of ``data`` as bytes for :attr:`SklearnCV.fingerprint`, never its addresses: a
    sparse matrix or an object array (texts, a DataFrame with a text column) made into a numpy
    array holds pointers, new at every run (the landscape cache never hit), maybe equal for other
    data. Numeric arrays give their raw bytes as before, so existing cache names stay valid."""
    if hasattr(data, "tocsr"):  # scipy.sparse
        matrix = data.tocsr()
        parts = (matrix.data, matrix.indices, matrix.indptr)
        return repr(matrix.shape).encode() + b"".join(np.ascontiguousarray(part).tobytes() for part in parts)
    array = np.asarray(data)
    return repr(array.tolist()).encode() if array.dtype.hasobject else np.ascontiguousarray(array).tobytes()


def function_bytes(function: Callable[..., Any], values: bool = True) -> bytes:
    """What tells ``function`` (an ``estimator_params``) apart for :attr:`SklearnCV.fingerprint`
    (and, with the exact bytes of its values, :func:`.fingerprints.function_fingerprint`), the
    same in every process: its module and qualified name, its code (bytecode, constants and
    names, nested functions' too), its defaults, the values it closes over and the plain values
    (numbers, text) of the module globals it reads. Two lambdas share a name, not their code.
    An address in a repr (a callable object's, a closed-over estimator's) only makes the
    landscape cache miss; a global that is not a plain value (an object it calls) is not read.
    ``values=False`` leaves out its defaults and the values it closes over, for a caller that
    describes those itself (a search's journal record: ``model_selection.journaled.describe``)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return repr(function).encode()
    held: tuple[Any, ...] = (None, None, None)
    if values:
        held = (function.__defaults__, getattr(function, "__kwdefaults__", None), closed_over(function))
    scope = getattr(function, "__globals__", {})
    plain = (bool, int, float, complex, str, bytes, type(None))
    read = sorted((name, repr(scope[name])) for name in names_read(code)
                  if name in scope and isinstance(scope[name], plain))
    settings = (function.__module__, function.__qualname__, *held, read)
    return repr(settings).encode() + _code_bytes(code)


def closed_over(function: Callable[..., Any]) -> list[Any]:
    """The values ``function`` closes over, in the order of its free variables (None for a cell
    not filled yet)."""
    cells = []
    for cell in getattr(function, "__closure__", None) or ():
        try:
            cells.append(cell.cell_contents)
        except ValueError:  # a cell not filled yet
            cells.append(None)
    return cells


def _code_bytes(code: types.CodeType) -> bytes:
    """``code``'s bytecode, names and constants, nested code objects included (their repr holds an
    address), a frozenset's members sorted (their order follows the process's hash seed)."""
    parts = [code.co_code, repr(code.co_names).encode()]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            parts.append(_code_bytes(const))
        elif isinstance(const, frozenset):
            parts.append(repr(sorted(map(repr, const))).encode())
        else:
            parts.append(repr(const).encode())
    return b"\0".join(parts)


def names_read(code: types.CodeType) -> set[str]:
    """The global (and attribute) names ``code`` and the code nested in it read."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= names_read(const)
    return names
