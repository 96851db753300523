"""Comparing landscapes on one grid: similarity matrices, and training against test loss.

:func:`similarity_matrix` lays the pairwise :func:`similarity` of several landscapes
(one model at several budgets, or on several datasets) out as matrices; :func:`train_test_agreement`
asks whether the training loss ranks configurations like the test loss, overall and among the
best-trained ones (where overfitting shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_real, fail
from .graph import Landscape
from .metrics import _correlation, spearman

__all__ = ["distinct_configurations", "similarity", "similarity_matrix", "best_trained", "train_test_agreement"]

MEASURES = ("spearman", "spearman_top", "gamma_overlap")


def distinct_configurations(land: Landscape) -> Landscape:
    """``land`` once per distinct configuration: its losses and every kind of ``others`` at the
    first grid point of each, as a chain of ``n_configurations`` points in the order of
    ``configuration_points`` (``land`` itself without conditions).

    A conditional grid repeats a configuration at every level of its inactive parameters:
    counted as configurations, the copies filled top shares (17 "best-trained" of 25
    configurations at 5 points; a similarity's top 10% of 50 grid points, one linear kernel's 5
    copies), weighed in correlations and grew the train-test plot's markers (area 216: one
    configuration's 9 copies).
    """
    if land.n_configurations == land.n:
        return land
    first = land.configuration_points
    # Ordered: a chain has n - 1 neighbour pairs, which no grid size refuses (its order is unused).
    return Landscape(("configuration",), (tuple(range(len(first))),), (True,), land.losses[first],
                     others={kind: values[first] for kind, values in land.others.items()})


def similarity(a: Landscape, b: Landscape, *, top: float = 0.1) -> dict[str, float]:
    """How alike two landscapes on the same grid are.

    Returns ``"spearman"`` (over all configurations), ``"spearman_top"`` (over the union of both
    top-``top`` sets) and ``"gamma_overlap"`` (intersection over union of the top sets). A top set
    is the ``top`` share of the configurations (at least one), widened to every configuration
    that ties with the last one, as in :func:`best_trained`: which of several equal losses makes
    the cut is not something the losses can say, and cut by grid index the overlap changed with
    the order the levels were listed in. On a conditional grid each configuration counts once
    (:func:`distinct_configurations`), so both landscapes must have the same levels and the same
    copies (be built on one search space): a conditional landscape and a plain one on its grid
    are refused.
    """
    for name, land in (("a", a), ("b", b)):
        if not isinstance(land, Landscape):
            raise fail(name, "similarity", "a Landscape", land)
    if a.names != b.names or a.levels != b.levels:
        raise fail("b", "similarity", "a landscape on the same grid as a", f"grid {b.shape} of {b.names}",
                   hint="Their levels differ." if a.shape == b.shape and a.names == b.names else None)
    if not np.array_equal(a.configuration, b.configuration):
        raise fail("b", "similarity", f"a landscape whose grid points stand for the configurations a's do ({a.n} "
                   f"grid points, {a.n_configurations} distinct configurations)",
                   f"{b.n_configurations} distinct configurations" if b.n_configurations != a.n_configurations
                   else "other copies", hint="Grid points that differ only in inactive parameters are one "
                   "configuration of a conditional space: build both landscapes on the same search space.")
    top = check_real(top, "top", "similarity", 0, 1, low_open=True)
    a_losses, b_losses = distinct_configurations(a).losses, distinct_configurations(b).losses
    k = max(1, int(round(top * a.n_configurations)))
    best_a, best_b = ({int(i) for i in np.flatnonzero(losses <= np.partition(losses, k - 1)[k - 1])}
                      for losses in (a_losses, b_losses))
    union = np.array(sorted(best_a | best_b))
    return {"spearman": _correlation(a_losses, b_losses, rank=True),
            "spearman_top": _correlation(a_losses[union], b_losses[union], rank=True),
            "gamma_overlap": len(best_a & best_b) / len(best_a | best_b)}


def similarity_matrix(landscapes: Mapping[str, Landscape], *, top: float = 0.1) -> dict[str, np.ndarray]:
    """Pairwise similarity of landscapes on the same grid, one matrix per measure.

    Parameters
    ----------
    landscapes : mapping of label to Landscape
        At least two, all on one grid (e.g. ``{"budget 0.1": ..., "budget 1.0": ...}``).
    top : float, default=0.1
        The share of best configurations compared by ``"spearman_top"`` and ``"gamma_overlap"``.

    Returns
    -------
    dict of str to ndarray of shape (k, k)
        ``"spearman"``, ``"spearman_top"`` and ``"gamma_overlap"`` (see :func:`similarity`),
        rows and columns in the mapping's order, ones on the diagonal.

    Examples
    --------
    >>> from interactive_hpo.landscape import Landscape
    >>> a = Landscape(("x",), ((0, 1, 2, 3),), (True,), [3.0, 1.0, 0.0, 2.0])
    >>> matrices = similarity_matrix({"a": a, "b": a.with_losses([3.0, 2.0, 0.0, 1.0])}, top=0.25)
    >>> matrices["spearman"].round(2).tolist()
    [[1.0, 0.8], [0.8, 1.0]]
    """
    if not isinstance(landscapes, Mapping) or len(landscapes) < 2 or not all(
            isinstance(land, Landscape) for land in landscapes.values()):
        raise fail("landscapes", "similarity_matrix", "a mapping of labels to at least two Landscapes", landscapes)
    top = check_real(top, "top", "similarity_matrix", 0, 1, low_open=True)
    lands = list(landscapes.values())
    matrices = {measure: np.eye(len(lands)) for measure in MEASURES}
    for i, a in enumerate(lands):
        for j in range(i + 1, len(lands)):
            pair = similarity(a, lands[j], top=top)
            for measure in MEASURES:
                matrices[measure][i, j] = matrices[measure][j, i] = pair[measure]
    return matrices


def check_train_test(land: Any, top: Any, owner: str) -> tuple[Landscape, float]:
    """``land`` (with training and test losses) and ``top`` (in (0, 1]), checked; errors name ``owner``."""
    if not isinstance(land, Landscape) or not {"train", "test"} <= set(land.others):
        raise fail("land", owner, "a Landscape with 'train' and 'test' losses in `others` (build_landscape on a "
                   "SklearnCV task)", f"a landscape with others {sorted(getattr(land, 'others', {}))}")
    return land, check_real(top, "top", owner, 0, 1, low_open=True)


def _lowest(train: np.ndarray, top: float) -> np.ndarray:
    """Positions in ``train`` (shape (m,), one loss per configuration) of the ``top`` share with the
    lowest, at least 3, widened to every tie at the cut; lowest first."""
    order = np.argsort(train, kind="stable")
    cut = train[order[min(len(train), max(3, int(round(top * len(train))))) - 1]]
    return order[train[order] <= cut]


def best_trained(land: Landscape, *, top: float = 0.1) -> np.ndarray:
    """Grid indices of the configurations with the lowest training loss, lowest first, shape (k,).

    The ``top`` share of the distinct configurations (at least 3), widened to every
    configuration that ties with the last one: which of several equal training losses makes the
    cut is not something the training loss can say, so grid order must not decide it (issue 26).
    On accuracy-based losses many configurations fit the training data perfectly, and then all
    of them are in. On a conditional grid each configuration counts once, by its first grid
    point (``land.configuration_points``): its copies at the levels of an inactive parameter
    filled the top share (:func:`distinct_configurations`).
    """
    land, top = check_train_test(land, top, "best_trained")
    return land.configuration_points[_lowest(distinct_configurations(land).others["train"], top)]


def train_test_agreement(land: Landscape, *, top: float = 0.1) -> dict[str, float]:
    """Does the training loss rank configurations like the test loss?

    Parameters
    ----------
    land : Landscape
        With ``others["train"]`` and ``others["test"]`` (``build_landscape`` on a ``SklearnCV``
        task stores both).
    top : float, default=0.1
        The share of configurations with the lowest training loss that ``"best_trained"`` looks at
        (ties at the cut included, see :func:`best_trained`).

    Returns
    -------
    dict
        ``"all"``: Spearman of training with test loss over every distinct configuration (a
        conditional grid's copies count once, see :func:`distinct_configurations`);
        ``"best_trained"``: the same over the :func:`best_trained` configurations. NaN where it
        is undefined: when the training loss ties over that whole set (every one fits the
        training data perfectly, say), it cannot rank them at all, and calling that "no
        agreement" (0) would make "they agree less at the top" true by construction.

    Examples
    --------
    >>> from interactive_hpo.landscape import Landscape
    >>> train, test = [0.0, 0.0, 0.0, 0.1, 0.2, 0.3], [0.3, 0.1, 0.2, 0.15, 0.25, 0.35]
    >>> land = Landscape(("x",), (tuple(range(6)),), (True,), test, others={"train": train, "test": test})
    >>> agreement = train_test_agreement(land, top=0.5)   # the three perfect fits tie
    >>> round(agreement["all"], 2), agreement["best_trained"]
    (0.52, nan)
    """
    land, top = check_train_test(land, top, "train_test_agreement")
    distinct = distinct_configurations(land)
    train, test = distinct.others["train"], distinct.others["test"]
    best = _lowest(train, top)
    return {"all": spearman(train, test), "best_trained": spearman(train[best], test[best])}
