"""Comparing landscapes on one grid: similarity matrices, and training against test loss.

:func:`similarity_matrix` lays the pairwise :func:`similarity` of several landscapes
(one model at several budgets, or on several datasets) out as matrices; :func:`train_test_agreement`
asks whether the training loss ranks configurations like the test loss, overall and among the
best-trained ones (where overfitting shows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.stats import rankdata

from .._validation import check_real, fail, generator_of
from .graph import Landscape
from .metrics import _correlation, check_shuffles, spearman

__all__ = ["distinct_configurations", "similarity", "similarity_matrix", "top_overlap_null", "best_trained",
           "train_test_agreement"]

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
    _check_pair(a, b, "similarity")
    top = check_real(top, "top", "similarity", 0, 1, low_open=True)
    return _similarity(distinct_configurations(a).losses, distinct_configurations(b).losses, top)


def _check_pair(a: Any, b: Any, owner: str) -> None:
    """``a`` and ``b``: Landscapes on one grid whose grid points stand for the same configurations."""
    for name, land in (("a", a), ("b", b)):
        if not isinstance(land, Landscape):
            raise fail(name, owner, "a Landscape", land)
    if a.names != b.names or a.levels != b.levels:
        raise fail("b", owner, "a landscape on the same grid as a", f"grid {b.shape} of {b.names}",
                   hint="Their levels differ." if a.shape == b.shape and a.names == b.names else None)
    if not np.array_equal(a.configuration, b.configuration):
        raise fail("b", owner, f"a landscape whose grid points stand for the configurations a's do ({a.n} "
                   f"grid points, {a.n_configurations} distinct configurations)",
                   f"{b.n_configurations} distinct configurations" if b.n_configurations != a.n_configurations
                   else "other copies", hint="Grid points that differ only in inactive parameters are one "
                   "configuration of a conditional space: build both landscapes on the same search space.")


def _top_set(losses: np.ndarray, k: int) -> set[int]:
    """Positions of the ``k`` lowest of ``losses`` (shape (m,)), widened to every tie at the cut."""
    return {int(i) for i in np.flatnonzero(losses <= np.partition(losses, k - 1)[k - 1])}


def _similarity(a_losses: np.ndarray, b_losses: np.ndarray, top: float) -> dict[str, float]:
    """:func:`similarity` of two loss arrays of shape (m,), one loss per distinct configuration."""
    k = max(1, int(round(top * len(a_losses))))
    best_a, best_b = _top_set(a_losses, k), _top_set(b_losses, k)
    union = np.array(sorted(best_a | best_b))
    return {"spearman": _correlation(a_losses, b_losses, rank=True),
            "spearman_top": _correlation(a_losses[union], b_losses[union], rank=True),
            "gamma_overlap": len(best_a & best_b) / len(best_a | best_b)}


def _agreeing_copies(a: np.ndarray, b: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Copies of ``b``'s losses (shape (m,)) laid out like ``a``'s plus ``noise`` (standard
    normal, shape (n, m): one row per copy), shape (n, m).

    Each copy ranks the configurations by ``r a_s + sqrt(1 - r^2) e`` (``a_s``: ``a``'s losses
    standardized, ``e``: standard normal noise, so the noise is added to the losses, as evaluation
    noise is) and hands them ``b``'s sorted losses in that order: a copy has ``b``'s values and
    ties (its top set is as wide as ``b``'s), and ``r`` is set by bisection so that the copies'
    mean Spearman with ``a`` is ``b``'s own. ``a`` must not be constant.
    """
    target = _correlation(a, b, rank=True)
    scores = (a - a.mean()) / a.std()
    ranks_of_sorted_b = rankdata(np.sort(b))   # b's average ranks, lowest first
    centred_a = rankdata(a) - (len(a) + 1) / 2

    def orders(r: float) -> np.ndarray:
        return np.argsort(np.argsort(r * scores + math.sqrt(1 - r * r) * noise, axis=1, kind="stable"), axis=1,
                          kind="stable")

    def mean_spearman(r: float) -> float:
        ranks = ranks_of_sorted_b[orders(r)]   # each copy's ranks, shape (n, m)
        ranks = ranks - ranks.mean(axis=1, keepdims=True)
        return float(np.mean(ranks @ centred_a / np.sqrt((ranks * ranks).sum(axis=1) * (centred_a @ centred_a))))

    low, high = -1.0, 1.0
    for _ in range(30):   # the copies' Spearman rises with r: 30 halvings leave r within 1e-9
        middle = (low + high) / 2
        low, high = (middle, high) if mean_spearman(middle) < target else (low, middle)
    return np.sort(b)[orders((low + high) / 2)]


def top_overlap_null(a: Landscape, b: Landscape, *, n_copies: int = 100, seed: int | np.random.Generator = 0,
                     top: float = 0.1) -> dict[str, float]:
    """Do the top sets of ``a`` and ``b`` overlap less than their overall agreement implies?

    Two landscapes that agree only partly overall (Spearman 0.6, say) share fewer of their best
    configurations than two that agree perfectly, by that partial agreement alone: their γ-set
    overlap is low only if it is low against landscapes that agree as much. The null models are
    noisy copies that do: ``n_copies`` hold ``b``'s losses laid out in the order of ``a``'s
    losses plus Gaussian noise, the noise set so that their mean Spearman with ``a`` is ``b``'s
    own, and ``n_copies`` hold ``a``'s losses laid out like ``b``'s. Of the two nulls, the one
    that finds the overlap least low is reported: noisy copies of a landscape are judged fairly
    by one of them and not by the other, which one real pairs need is not known, and so the
    result does not depend on which landscape is passed first.

    Noise added to the losses scrambles a top tier of close losses (accuracies a point apart)
    more than the spread-out rest, as two evaluations disagree. Added to the ranks' normal
    scores instead, it keeps the tails and scrambles the middle, and it called the top sets of
    4 of the 9 pairs of paper landscapes smaller than chance, where these nulls call 1 or 2: on
    single pairs the verdict depends on the noise model.

    Compared with the top sets of two *random* sets (an overlap of about 0.05 at 10%), or by the
    Spearman over the union of both top sets (negative for a landscape and a copy of itself plus
    a little noise: the union is chosen for being best on one side or the other), every pair
    looked like it overlaps less (audit a391).

    Parameters
    ----------
    a, b : Landscape
        On one grid, as for :func:`similarity`.
    n_copies : int, default=100
        Noisy copies in each of the two nulls (at least 2).
    seed : int or Generator, default=0
        Seeds the copies' noise.
    top : float, default=0.1
        The share of best configurations in a top set (ties at the cut included).

    Returns
    -------
    dict
        ``"gamma_overlap"`` (observed, as :func:`similarity` gives it), ``"gamma_overlap_null"``
        and ``"gamma_overlap_null_std"`` (the copies' mean and standard deviation, in the null that
        finds the overlap least low),
        ``"gamma_overlap_z"`` (the observed value's z-score against them: below -2, the top sets
        overlap less than the overall agreement implies), and ``"spearman_top"`` and
        ``"spearman_top_null"`` (the Spearman over the union of the top sets, observed and the
        copies' mean, to show how low it is by selection alone). NaN where undefined: either
        landscape constant, or copies that all overlap alike.

    Examples
    --------
    >>> import numpy as np
    >>> from interactive_hpo.landscape import Landscape, top_overlap_null
    >>> a = Landscape(("x",), (tuple(range(40)),), (True,), np.arange(40.0))
    >>> null = top_overlap_null(a, a.with_losses(np.arange(40.0)[::-1]), n_copies=20)
    >>> null["gamma_overlap"], round(null["gamma_overlap_null"], 2)   # opposite, as the copies are
    (0.0, 0.0)
    """
    _check_pair(a, b, "top_overlap_null")
    n_copies = check_shuffles(n_copies, a.n_configurations, "top_overlap_null", "n_copies")
    rng = generator_of(seed, "top_overlap_null")
    top = check_real(top, "top", "top_overlap_null", 0, 1, low_open=True)
    a_losses, b_losses = distinct_configurations(a).losses, distinct_configurations(b).losses
    observed = _similarity(a_losses, b_losses, top)
    out = {"gamma_overlap": observed["gamma_overlap"], "gamma_overlap_null": math.nan,
           "gamma_overlap_null_std": math.nan, "gamma_overlap_z": math.nan, "spearman_top": observed["spearman_top"],
           "spearman_top_null": math.nan}
    if math.isnan(observed["spearman"]):   # a constant landscape: no agreement to keep
        return out
    # Two nulls, b's losses laid out like a's and a's like b's, and the one that finds the
    # overlap least low: noisy copies of a landscape that are laid out the other way round came out
    # z = -1.0 on average, and below -2 on 13% of them (and 0 to 3% the right way round).
    # One noise for both: drawn in turn, swapping a and b swapped which null got which noise, and
    # the answer with them (z -1.98 against -2.09 on a forest's pair; review r397).
    noise, nulls = rng.normal(size=(n_copies, len(a_losses))), []
    for one, other in ((a_losses, b_losses), (b_losses, a_losses)):
        copies = [_similarity(one, copy, top) for copy in _agreeing_copies(one, other, noise)]
        overlaps = np.array([c["gamma_overlap"] for c in copies])
        union = np.array([c["spearman_top"] for c in copies])
        # Copies that all overlap alike have no spread, and no z-score.
        z = (observed["gamma_overlap"] - overlaps.mean()) / overlaps.std() if np.ptp(overlaps) > 0 else math.nan
        nulls.append({"gamma_overlap_null": float(overlaps.mean()), "gamma_overlap_null_std": float(overlaps.std()),
                      "gamma_overlap_z": float(z),
                      "spearman_top_null": float(np.nanmean(union)) if np.any(~np.isnan(union)) else math.nan})
    z_values = np.array([null["gamma_overlap_z"] for null in nulls])
    means = np.array([null["gamma_overlap_null"] for null in nulls])
    # Without a z-score on either side (copies that all overlap alike), the null nearer the
    # observed overlap says, whichever landscape came first.
    out.update(nulls[int(np.argmin(np.abs(means - observed["gamma_overlap"])))] if np.isnan(z_values).all()
               else nulls[int(np.nanargmax(z_values))])
    return out


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
