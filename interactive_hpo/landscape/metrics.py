"""Topography of a loss landscape: the metrics of the landscape paper
(Huang and Li, KDD 2023, arXiv:2311.14014).

Every metric takes a :class:`~interactive_hpo.landscape.graph.Landscape` and, optionally,
other ``losses`` on the same grid (shape (n,)), so that a null model can reuse the graph.
Losses: lower is better.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.stats import rankdata

from .._validation import (
    check_bool,
    check_int,
    check_product,
    check_real,
    check_size,
    fail,
    float_array,
    generator_of,
    shown,
)
from .graph import Landscape

__all__ = ["MAX_SHUFFLES", "MAX_VALUES", "check_shuffles", "spearman", "fdc",
           "autocorrelation", "correlation_length", "assortativity", "local_optima",
           "basins", "neutrality", "neutrality_distance_correlation", "profile", "null_zscores"]


#: The most losses a metric draws at once (random walks' steps, shuffled copies): 80 MB of
#: floats. More is refused up front: ``n_walks=10**9`` asked numpy for 7.5 GB.
MAX_VALUES = 10_000_000
#: The most shuffles of a null model: each evaluates the metrics again (about 1 ms for all of them
#: on a small grid), so the 500,000 that 18 configurations once allowed took many minutes.
MAX_SHUFFLES = 1000
#: Names of this module until 0.2, in :mod:`.compare` since (a comparison counts a conditional
#: grid's copies once, as the others there do).
_MOVED_TO_COMPARE = ("similarity",)


def _losses(land: Landscape, losses: Any, owner: str) -> np.ndarray:
    """The landscape's own losses, or ``losses`` checked against its grid: shape (n,), finite
    (``owner``: the metric the user called)."""
    if not isinstance(land, Landscape):
        raise fail("land", owner, "a Landscape", land)
    if losses is None:
        return land.losses
    rule = f"an array of shape ({land.n},) of finite numbers"
    values = float_array(losses, "losses", owner, rule).reshape(-1)
    if values.shape != land.losses.shape:
        raise fail("losses", owner, rule, f"shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise fail("losses", owner, rule, f"{int(np.sum(~np.isfinite(values)))} non-finite values")
    return values


def _correlation(a: np.ndarray, b: np.ndarray, *, rank: bool = False) -> float:
    """Pearson's correlation of two arrays of shape (k,) (Spearman's with ``rank``: Pearson's of
    the average ranks), NaN when either side is constant (it is undefined there).

    Computed with NumPy sums, not ``scipy.stats.pearsonr`` (~15 ms on a pooled random walk of
    19,000 pairs, which made the shuffled null model of the autocorrelation the slowest part of
    :func:`~interactive_hpo.landscape.check_findings`) nor BLAS dot products (a multithreaded
    ``a @ b`` took 6 ms on a busy 2-core machine); the same value in ~0.1 ms.
    """
    if a.min() == a.max() or b.min() == b.max():
        return math.nan
    if rank:
        a, b = rankdata(a), rankdata(b)
    # Scaled into [-1, 1] first: the products of losses past 1e154 (finite, and accepted) overflowed
    # to inf and the correlation came out NaN.
    a, b = a / np.abs(a).max(), b / np.abs(b).max()
    a, b = a - a.mean(), b - b.mean()
    return float(np.clip((a * b).sum() / math.sqrt((a * a).sum() * (b * b).sum()), -1.0, 1.0))


def spearman(a: Any, b: Any) -> float:
    """Spearman's rank correlation of two arrays of shape (k,) of finite numbers (as every metric
    here takes its losses: a NaN has no rank, and came back as a NaN correlation unsaid); NaN where
    it is undefined (either side constant, or fewer than two values)."""
    first = "an array of shape (k,) of finite numbers"
    a = float_array(a, "a", "spearman", first)
    rule = f"an array of finite numbers of the shape of `a`, {a.shape}"
    b = float_array(b, "b", "spearman", rule)
    if a.ndim != 1:
        raise fail("a", "spearman", first, f"an array of shape {a.shape}")
    if b.shape != a.shape:
        raise fail("b", "spearman", rule, f"an array of shape {b.shape}")
    for name, values, broken in (("a", a, first), ("b", b, rule)):
        if not np.all(np.isfinite(values)):
            raise fail(name, "spearman", broken, f"{int(np.sum(~np.isfinite(values)))} non-finite values")
    return math.nan if len(a) < 2 else _correlation(a, b, rank=True)


def _optimum_distances(land: Landscape, values: np.ndarray) -> np.ndarray:
    """Distance of every configuration to the nearest global optimum (every configuration of the
    lowest loss), shape (n,).

    Jones and Forrest (1995) measure the distance to the *nearest* global optimum. Measured from the
    first one only, ties (common among accuracies) made the answer depend on the order the grid lists
    its levels: of 36 landscapes in notebook 09, 21 tie at the top, and one's FDC read 0.29 for 0.76.
    The distance is a sum over parameters, so the nearest-optimum distance is a distance transform
    taken one axis at a time: two sweeps along an ordered one (a step costs 1 per level), one
    minimum along a categorical one (any other choice costs 1). Linear in the grid's size.
    """
    best = values == values.min()
    if best.sum() == 1:
        return land.distances(int(np.argmax(best))).astype(float)
    distance = np.where(best, 0.0, math.inf).reshape(land.shape)
    for axis, ordered in enumerate(land.ordered):
        along = np.moveaxis(distance, axis, 0)  # a view: the sweeps write into ``distance``
        if not ordered:
            along[...] = np.minimum(along, along.min(axis=0) + 1.0)
            continue
        for level in range(1, len(along)):
            along[level] = np.minimum(along[level], along[level - 1] + 1.0)
        for level in range(len(along) - 2, -1, -1):
            along[level] = np.minimum(along[level], along[level + 1] + 1.0)
    return distance.reshape(-1)


def fdc(land: Landscape, losses: Any = None) -> float:
    """Fitness-distance correlation: Spearman of loss with the distance to the nearest global
    optimum (Jones and Forrest, 1995; every configuration of the lowest loss is one).

    Positive (losses grow away from the optimum) means a funnel that guides a search: easy.
    Jones and Forrest defined it with Pearson's r and set their thresholds (+-0.15) for that; this
    function ranks the losses, so that heavy tails do not decide it, and borrows the thresholds
    (notebook 09: 35 of its 36 landscapes fall in the same class either way).
    """
    values = _losses(land, losses, "fdc")
    return _correlation(values, _optimum_distances(land, values), rank=True)


def autocorrelation(land: Landscape, losses: Any = None, *, n_walks: int = 1000, length: int = 20,
                    seed: int | np.random.Generator = 0) -> float:
    """Lag-1 autocorrelation of losses along random walks on the neighbour graph (pooled over
    ``n_walks`` seeded walks of ``length`` steps; their ``n_walks length`` losses at most
    :data:`MAX_VALUES`). Near 1: smooth; near 0: rugged."""
    length = check_int(length, "length", "autocorrelation", 2, MAX_VALUES)
    n_walks = check_int(n_walks, "n_walks", "autocorrelation", 1, MAX_VALUES)
    check_product({"n_walks": n_walks, "length": length}, "autocorrelation", n_walks * length, MAX_VALUES,
                  "losses drawn at once (n_walks x length)")
    values = _losses(land, losses, "autocorrelation")
    rng = generator_of(seed, "autocorrelation")
    degree, offsets = land.degree(), land._offsets
    _, target = land._adjacency
    node = rng.integers(0, land.n, size=n_walks)
    walk = [node]
    for _ in range(length - 1):
        pick = offsets[node] + (rng.random(n_walks) * degree[node]).astype(int)
        node = target[pick]
        walk.append(node)
    path = values[np.stack(walk, axis=1)]  # (n_walks, length)
    return _correlation(path[:, :-1].ravel(), path[:, 1:].ravel())


def correlation_length(rho: float) -> float:
    """``-1 / ln|rho|``: how many steps until losses decorrelate (inf for rho = ±1, 0 for 0)."""
    rho = abs(check_real(rho, "rho", "correlation_length", -1, 1))
    if rho == 0:
        return 0.0
    return math.inf if rho == 1 else -1.0 / math.log(rho)


def assortativity(land: Landscape, losses: Any = None) -> float:
    """Pearson correlation of the losses at the two ends of every edge, both orientations:
    positive means good configurations sit next to good ones (clustered)."""
    values = _losses(land, losses, "assortativity")
    source, target = land._adjacency
    return _correlation(values[source], values[target])


def _best_neighbour(land: Landscape, values: np.ndarray) -> np.ndarray:
    """For every configuration, its neighbour with the lowest loss (the first on ties), shape (n,)."""
    source, target = land._adjacency
    order = np.lexsort((target, values[target], source))  # by source, then loss, then index
    first = np.searchsorted(source[order], np.arange(land.n))
    return target[order][first]


def _plateaus(land: Landscape, values: np.ndarray) -> tuple[int, np.ndarray]:
    """Connected sets of configurations with equal loss: (count, label of each configuration, shape (n,))."""
    source, target = land._adjacency
    tied = values[source] == values[target]
    links = coo_matrix((np.ones(int(tied.sum())), (source[tied], target[tied])), shape=(land.n, land.n))
    count, label = connected_components(links, directed=False)
    return int(count), label


def local_optima(land: Landscape, losses: Any = None, *, plateaus: bool = False) -> np.ndarray:
    """Configurations with no strictly better neighbour (indices, ascending).

    With ``plateaus=True``, connected configurations of equal loss count as one plateau, and a
    plateau is a local optimum when none of its members has a strictly better neighbour; each
    is represented by its smallest index. This is how ``graphfla`` (by the landscape paper's
    authors) counts them, and it matters on accuracy-based losses, where ties are common: a
    flat bad region is one plateau, not many optima.
    """
    values = _losses(land, losses, "local_optima")
    plateaus = check_bool(plateaus, "plateaus", "local_optima")
    stuck = values[_best_neighbour(land, values)] >= values
    if not plateaus:
        return np.flatnonzero(stuck)
    count, plateau = _plateaus(land, values)
    escapes = np.bincount(plateau, weights=~stuck, minlength=count) > 0
    first = np.unique(plateau, return_index=True)[1]   # smallest member of each plateau, by plateau label
    return np.sort(first[~escapes])


def basins(land: Landscape, losses: Any = None, *, plateaus: bool = False) -> dict[str, Any]:
    """Basins of attraction by best-improvement hill climbing from every configuration.

    With ``plateaus=True`` a climb that is stuck on a plateau of equal loss (see
    :func:`local_optima`) leaves it by the best strictly better neighbour of any of its members,
    and every climb ends on an optimal plateau, represented by its smallest index (graphfla's
    plateau-aware climb with best-improvement exits).

    Returns
    -------
    dict
        ``"attractor"`` (shape (n,): the local optimum each configuration climbs to),
        ``"sizes"`` (local optimum -> basin size), ``"mean_size"``, and ``"global_share"`` (the
        share of all configurations whose climb ends on a global optimum: with tied best losses,
        the basins of all of them, not of the first in grid order).
    """
    values = _losses(land, losses, "basins")
    plateaus = check_bool(plateaus, "plateaus", "basins")
    best = _best_neighbour(land, values)
    better = values[best] < values
    step = np.where(better, best, np.arange(land.n))
    if plateaus:
        _, plateau = _plateaus(land, values)
        first = np.unique(plateau, return_index=True)[1]   # each plateau's smallest member
        # Each plateau's exit: the best strictly better neighbour over its members (lowest index on ties).
        order = np.lexsort((best, values[best], plateau))
        order = order[better[order]]
        labels, where = np.unique(plateau[order], return_index=True)
        exit_of = first.copy()   # a plateau without an exit ends at its smallest member
        exit_of[labels] = best[order[where]]
        step = np.where(better, best, exit_of[plateau])
    while True:  # pointer doubling: log2(longest climb) rounds
        nxt = step[step]
        if np.array_equal(nxt, step):
            break
        step = nxt
    attractor = step
    optima, counts = np.unique(attractor, return_counts=True)
    sizes = dict(zip(optima.tolist(), counts.tolist(), strict=True))
    return {"attractor": attractor, "sizes": sizes, "mean_size": float(np.mean(counts)),
            "global_share": float(np.mean(values[attractor] == values.min()))}


def neutrality(land: Landscape, losses: Any = None, *, epsilon: float = 0.01) -> np.ndarray:
    """Per configuration, the share of its neighbours whose loss is within ``epsilon``, shape (n,)."""
    epsilon = check_real(epsilon, "epsilon", "neutrality", 0, None)
    return _neutrality(land, _losses(land, losses, "neutrality"), epsilon)


def _neutrality(land: Landscape, values: np.ndarray, epsilon: float) -> np.ndarray:
    """:func:`neutrality` of checked losses, shape (n,), and ``epsilon``."""
    source, target = land._adjacency
    close = np.abs(values[source] - values[target]) <= epsilon
    return np.bincount(source, weights=close, minlength=land.n) / land.degree()


def neutrality_distance_correlation(land: Landscape, losses: Any = None, *, epsilon: float = 0.01) -> float:
    """Spearman of per-configuration neutrality with the distance to the nearest global optimum,
    as in :func:`fdc` (negative: flatter near the optimum)."""
    epsilon = check_real(epsilon, "epsilon", "neutrality_distance_correlation", 0, None)
    values = _losses(land, losses, "neutrality_distance_correlation")
    return _correlation(_neutrality(land, values, epsilon), _optimum_distances(land, values), rank=True)


#: The scalar metrics of :func:`profile`, by name.
SCALARS: dict[str, Callable[..., float]] = {
    "fdc": fdc,
    "autocorrelation": autocorrelation,
    "assortativity": assortativity,
    "local_optima": lambda land, losses=None: float(len(local_optima(land, losses))),
    "local_optimum_plateaus": lambda land, losses=None: float(len(local_optima(land, losses, plateaus=True))),
    "neutrality": lambda land, losses=None: float(np.mean(neutrality(land, losses))),
    "neutrality_distance": neutrality_distance_correlation,
    "global_basin_share": lambda land, losses=None: float(basins(land, losses)["global_share"]),
    "global_plateau_basin_share": lambda land, losses=None: float(
        basins(land, losses, plateaus=True)["global_share"]),
}


def profile(land: Landscape) -> dict[str, float]:
    """Every scalar metric, plus the correlation length, the proportion of local optima and the
    mean basin size.

    Optima and basins come in both conventions, and each name says which: ``local_optima``,
    ``local_optima_share``, ``global_basin_share`` and ``mean_basin_size`` count one configuration
    at a time (``plateaus=False``); ``local_optimum_plateaus``, ``global_plateau_basin_share`` and
    ``mean_plateau_basin_size`` merge equal-loss plateaus (``plateaus=True``, graphfla's count and
    the basins :func:`~interactive_hpo.plots.plot_landscape` draws by default). On accuracy-based
    landscapes, where ties are common, the two differ a lot: a flat region is many small basins
    one at a time, and one basin merged.
    """
    if not isinstance(land, Landscape):
        raise fail("land", "profile", "a Landscape", land)
    # Basins cost a hill climb from every configuration: each convention's once, for its share
    # and its mean size.
    found = {plateaus: basins(land, plateaus=plateaus) for plateaus in (False, True)}
    shares = {"global_basin_share": False, "global_plateau_basin_share": True}
    out = {name: float(found[shares[name]]["global_share"]) if name in shares else metric(land)
           for name, metric in SCALARS.items()}
    out["correlation_length"] = correlation_length(out["autocorrelation"]) if math.isfinite(
        out["autocorrelation"]) else math.nan
    out["local_optima_share"] = out["local_optima"] / land.n
    out["mean_basin_size"] = found[False]["mean_size"]
    out["mean_plateau_basin_size"] = found[True]["mean_size"]
    return out


def null_zscores(land: Landscape, *, n_shuffles: int = 100, seed: int | np.random.Generator = 0,
                 metrics: str | Sequence[str] | None = None) -> dict[str, float]:
    """Each scalar metric's z-score against the same losses shuffled over the same graph.

    A landscape "smoother than chance" has an autocorrelation z-score well above 0; "fewer local
    optima than chance", a local-optima z-score well below 0. ``metrics`` picks one name or
    several of :data:`SCALARS` (all by default: each costs ``n_shuffles`` evaluations).

    What is shuffled is the loss of each distinct configuration (:attr:`Landscape.configuration`),
    each copied back to every grid point that stands for it. On a conditional space the grid
    repeats a configuration at every level of its inactive parameters; shuffling grid points
    one by one scattered those copies, and the duplication alone read as structure (i.i.d.
    losses of 55 configurations on 375 grid points: autocorrelation z = 11.5, neutrality z = 52).
    Kept together, the plateaus they make are in the null model too, and a z-score measures what
    lies beyond them.
    """
    if not isinstance(land, Landscape):
        raise fail("land", "null_zscores", "a Landscape", land)
    n_shuffles = check_shuffles(n_shuffles, land.n, "null_zscores")
    rule = f"a name or a list of names from {list(SCALARS)}, or None"
    if metrics is None or isinstance(metrics, str):
        names = list(SCALARS) if metrics is None else [metrics]
    elif isinstance(metrics, Iterable) and np.ndim(metrics) == 1:  # a 0-d array is no list of names
        names = list(metrics)
    else:
        raise fail("metrics", "null_zscores", rule, metrics)
    if not names:  # an empty dict back read as "nothing stands out"
        raise fail("metrics", "null_zscores", rule, metrics, hint="It names none: pass None for all of them.")
    for name in names:
        if not isinstance(name, str) or name not in SCALARS:  # an array among them is unhashable
            raise fail("metrics", "null_zscores", rule, metrics, hint=f"{shown(name, 60)} is not one of them.")
    rng = generator_of(seed, "null_zscores")
    # Without conditions, configuration is arange(n): the same shuffles as a permutation of the losses.
    distinct = land.losses[land.configuration_points]
    shuffles = [rng.permutation(distinct)[land.configuration] for _ in range(n_shuffles)]
    out = {}
    for name in names:
        metric = SCALARS[name]
        observed = metric(land)
        null = np.array([metric(land, losses) for losses in shuffles])
        null = null[~np.isnan(null)]  # a correlation is undefined on some shuffles (ties)
        # Shuffles that all agree have no spread: their float mean and std are rounding errors
        # (a z-score of -1 on a constant landscape), so there is no z-score.
        out[name] = float((observed - null.mean()) / null.std()) if null.size and np.ptp(null) > 0 else math.nan
    return out


def check_shuffles(n_shuffles: Any, n: int, owner: str, name: str = "n_shuffles") -> int:
    """``n_shuffles`` of a null model on ``n`` configurations, checked for ``owner`` (the
    parameter called ``name`` there): at most :data:`MAX_SHUFFLES`, and its ``n_shuffles n``
    shuffled losses at most :data:`MAX_VALUES`."""
    n_shuffles = check_int(n_shuffles, name, owner, 2, MAX_SHUFFLES)
    return check_size(n_shuffles, name, owner, 2, n, MAX_VALUES, "losses")


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.landscape.compare", _MOVED_TO_COMPARE)
