"""Cross-checks of the landscape metrics against graphfla, the landscape paper authors' package.

How graphfla (read from its source, version 0.4.0) is driven here:

- A grid becomes a graphfla landscape through ``build_from_data(X, f)``: ``X`` has one row per
  configuration, in our (C) order, and graphfla keeps that order for its node indices (checked in
  :func:`build`). Ordered parameters are given as level indices, since graphfla encodes an ordinal
  column by its sorted values; categoricals are given as their values. An all-ordinal grid uses
  ``OrdinalLandscape``; a mixed one the generic ``Landscape(kind="default")`` with ``data_types``.
- Its neighbours (``_neighbors.generators``: ``OrdinalNeighborGenerator``, ``DefaultNeighborGenerator``)
  are ours: one level up or down on an ordinal variable (the top level included), any other value of a
  categorical one; its distance to the optimum (``distances.mixed_distance``) is ours too: Manhattan on
  ordinal codes plus Hamming on categorical ones.
- graphfla maximizes fitness by default. We hand it ``f = -loss`` with ``maximize=True``, not the losses
  with ``maximize=False``: its best-improvement hill climb (``algorithms.walk.HillClimb``) always moves
  to the improving successor of *highest* fitness, so when minimizing it takes the smallest improvement
  and its basins are not best-improvement basins (local optima and FDC are unaffected; see
  :func:`test_minimizing_graphfla_landscape_has_our_local_optima_and_fdc_sign`).
- With ``epsilon=0`` graphfla turns equal-loss neighbours into neutral plateaus and counts a plateau as
  one optimum only if no member has a strictly better exit, whereas we call every configuration without
  a strictly better neighbour a local optimum (DESIGN.md section 7). The landscapes compared here have
  no ties (seeded continuous noise); :func:`test_ties_are_where_the_local_optimum_definitions_part`
  pins the difference.

graphfla is quiet with ``verbose=False`` (its progress goes through the ``graphfla`` logger and rich
progress bars, both gated by ``verbose``; only its pandas deprecation warnings need filtering, see
``pytestmark``); every random walk below gets an explicit seed, so no global random state is touched.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

graphfla = pytest.importorskip("graphfla")

import pandas as pd  # noqa: E402  (after the skip: pandas comes with graphfla)
from graphfla import analysis as gfa  # noqa: E402
from graphfla.landscape import Landscape as GraphflaLandscape  # noqa: E402
from graphfla.landscape import OrdinalLandscape  # noqa: E402

from interactive_hpo.landscape import (  # noqa: E402
    Landscape,
    assortativity,
    autocorrelation,
    basins,
    fdc,
    local_optima,
    neutrality,
)

# graphfla 0.4.0 calls pandas methods with ``inplace=True``, which pandas 3.1 deprecates; silence
# only those, only where graphfla raises them, and only in this module's tests.
pytestmark = pytest.mark.filterwarnings(r"ignore:The inplace keyword in .* is deprecated:DeprecationWarning:graphfla")


def _mesh(shape):
    return np.meshgrid(*[np.arange(size) for size in shape], indexing="ij")


@cache
def landscape(name: str) -> Landscape:
    """Three small landscapes without ties, each with seeded noise."""
    if name == "bowl":  # 12 x 12 ordinal grid: a smooth bowl, rough enough for 25 local optima
        rng = np.random.default_rng(0)
        a, b = _mesh((12, 12))
        loss = ((a - 7) ** 2 + (b - 3) ** 2) / 50 + rng.normal(0, 0.3, a.shape)
        return Landscape(("a", "b"), (tuple(range(12)),) * 2, (True, True), loss)
    if name == "mixed":  # ordinal x categorical (4 choices) x ordinal
        rng = np.random.default_rng(1)
        levels = ((1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0), ("sgd", "adam", "rmsprop", "lbfgs"), (1, 2, 3, 4, 5))
        lr, opt, depth = _mesh(tuple(map(len, levels)))
        loss = (lr - 4) ** 2 / 20 + np.array([0.3, 0.0, 0.1, 0.6])[opt] + (depth - 1) ** 2 / 10
        loss = loss + rng.normal(0, 0.15, lr.shape)
        return Landscape(("lr", "optimizer", "depth"), levels, (True, False, True), loss)
    if name == "multimodal":  # 9 x 9 x 5 ordinal grid: a bowl with a 3-periodic ripple, 9 local optima
        rng = np.random.default_rng(2)
        a, b, c = _mesh((9, 9, 5))
        loss = ((a - 5) ** 2 + (b - 3) ** 2) / 40 + 0.25 * (np.cos(2 * np.pi * a / 3) + np.cos(2 * np.pi * b / 3))
        loss = loss + (c - 2) ** 2 / 20 + rng.normal(0, 0.02, a.shape)
        return Landscape(("a", "b", "c"), tuple(tuple(range(s)) for s in (9, 9, 5)), (True,) * 3, loss)
    raise KeyError(name)


NAMES = ["bowl", "mixed", "multimodal"]


def _table(land: Landscape) -> pd.DataFrame:
    """One row per configuration in our order: level indices for ordered parameters, values for categoricals."""
    return pd.DataFrame({name: land.codes[:, k] if ordered else np.asarray(land.levels[k], dtype=object)[
        land.codes[:, k]] for k, (name, ordered) in enumerate(zip(land.names, land.ordered, strict=True))})


def _graphfla(land: Landscape, *, maximize: bool = True):
    """graphfla's landscape of ``land`` (fitness = -loss when maximizing, the loss otherwise)."""
    X = _table(land)
    fitness = -land.losses if maximize else land.losses
    if all(land.ordered):
        g = OrdinalLandscape(maximize=maximize).build_from_data(X, fitness, verbose=False)
    else:
        types = {name: "ordinal" if ordered else "categorical" for name, ordered in zip(land.names, land.ordered,
                                                                                        strict=True)}
        g = GraphflaLandscape(kind="default", maximize=maximize).build_from_data(X, fitness, data_types=types,
                                                                                 verbose=False)
    # graphfla's node i is our configuration i (no rows dropped or reordered).
    assert g.n_configs == land.n
    np.testing.assert_array_equal(g.get_data()[list(land.names)].to_numpy(dtype=object), X.to_numpy(dtype=object))
    return g


@cache
def build(name: str):
    land = landscape(name)
    assert np.unique(land.losses).size == land.n  # no ties: graphfla's plateau layer stays empty
    g = _graphfla(land)
    assert g.n_plateau == 0
    return land, g


@pytest.mark.parametrize("name", NAMES)
def test_neighbour_graph_and_distances_match(name):
    """Compares with graphfla's ``Landscape.graph`` (its improving edges, one per neighbour pair when
    there are no ties) and ``Landscape.dist_to_go`` (``distances.mixed_distance``)."""
    land, g = build(name)
    theirs = np.sort(np.asarray(g.graph.get_edgelist()), axis=1)
    assert len(theirs) == len(land.edges)
    assert set(map(tuple, theirs.tolist())) == set(map(tuple, land.edges.tolist()))
    np.testing.assert_array_equal(g.graph.degree(), land.degree())  # the top levels are linked too
    assert g.go_index == land.optimum
    np.testing.assert_array_equal(g.dist_to_go.to_numpy(), land.distances(land.optimum))


@pytest.mark.parametrize("name", NAMES)
def test_local_optima_match(name):
    """Compares with graphfla's ``Landscape.lo_index`` / ``n_lo`` and ``analysis.local_optima_ratio``."""
    land, g = build(name)
    ours = local_optima(land)
    assert g.lo_index == ours.tolist()
    assert g.n_lo == len(ours)
    assert gfa.local_optima_ratio(g) == pytest.approx(len(ours) / land.n)
    if name == "multimodal":
        assert len(ours) == 9


@pytest.mark.parametrize("name", NAMES)
def test_basins_match(name):
    """Compares with graphfla's ``Landscape.basins`` (best-improvement hill climbing from every node:
    ``size_basin_greedy``, and the ``basin_index`` vertex attribute it sets)."""
    land, g = build(name)
    ours = basins(land)
    sizes = g.basins.to_numpy()  # per node: the size of the basin it belongs to
    np.testing.assert_array_equal(g.graph.vs["basin_index"], ours["attractor"])
    assert {lo: int(sizes[lo]) for lo in g.lo_index} == ours["sizes"]
    assert sizes[g.go_index] / land.n == pytest.approx(ours["global_share"])
    assert np.mean(sizes[g.lo_index]) == pytest.approx(ours["mean_size"])
    if name == "multimodal":
        assert ours["global_share"] < 0.5


@pytest.mark.parametrize("name", NAMES)
def test_fdc_matches_with_the_sign_of_the_fitness(name):
    """Compares with ``graphfla.analysis.fdc(method="spearman")``: Spearman of distance to the optimum
    with graphfla's fitness. Its fitness is -loss here, so its FDC is the negative of ours (ours is
    positive for a funnel of losses; graphfla's negative for a funnel of fitness)."""
    land, g = build(name)
    assert fdc(land) > 0.5
    assert gfa.fdc(g, method="spearman") == pytest.approx(-fdc(land), abs=1e-12)


@pytest.mark.parametrize("name", ["bowl", "mixed"])
def test_minimizing_graphfla_landscape_has_our_local_optima_and_fdc_sign(name):
    """graphfla with ``maximize=False`` on the losses themselves: ``lo_index`` and
    ``analysis.fdc`` agree with ours directly, same sign. (Its basins do not: see the module docstring.)"""
    land = landscape(name)
    g = _graphfla(land, maximize=False)
    assert g.lo_index == local_optima(land).tolist()
    assert g.go_index == land.optimum
    assert gfa.fdc(g, method="spearman") == pytest.approx(fdc(land), abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_assortativity_matches_igraph_on_graphfla_graph(name):
    """graphfla has no assortativity of its own (``analysis.neighbor_fitness_correlation`` correlates a
    fitness with its neighbours' mean, another quantity); compares with igraph's ``Graph.assortativity``
    (undirected, a Pearson correlation over both orientations of every edge) on graphfla's graph.
    Negating every loss leaves that correlation unchanged."""
    land, g = build(name)
    theirs = g.graph.assortativity(types1=g.graph.vs["fitness"], directed=False)
    assert theirs == pytest.approx(assortativity(land), abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("epsilon", [0.02, 0.1, 0.3])
def test_pooled_neutrality_matches(name, epsilon):
    """Compares with ``graphfla.analysis.neutrality(threshold=epsilon)``: the share of *all* (directed)
    neighbour pairs within epsilon, pooled over the graph. Ours is the per-configuration share averaged
    over configurations (DESIGN.md section 7), which weighs low-degree (edge-of-grid) configurations more;
    the two agree once ours is weighted by degree. Both thresholds are inclusive (``|dL| <= epsilon``)."""
    land, g = build(name)
    share = neutrality(land, epsilon=epsilon)
    degree = land.degree()
    pooled = float(np.sum(share * degree) / np.sum(degree))
    assert 0 < pooled < 1
    assert gfa.neutrality(g, threshold=epsilon) == pytest.approx(pooled, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_autocorrelation_agrees_within_sampling_error(name):
    """Compares with ``graphfla.analysis.autocorrelation`` (uniform random walks on the same graph,
    ``walk_length`` nodes each, seeded; Python's ``random`` there, numpy's here, so the walks differ).

    The estimators differ: graphfla divides the sum of lag-1 products (L - 1 per walk) by the sum of
    squares (L per walk) around one grand mean, which estimates (L - 1) / L * rho(1); ours is the Pearson
    correlation of the (x_t, x_t+1) pairs, which estimates rho(1). So graphfla's value is rescaled by
    L / (L - 1) before comparing. Tolerance: with 4000 walks of 20 nodes, over seeds 0-19 the difference
    (rescaled graphfla minus ours) had a standard deviation of 0.004-0.006 on these landscapes and never
    exceeded 0.013 in size (each estimate alone varies by 0.003-0.005; by 0.010 with 1000 walks), so 0.03
    is about five standard deviations: a failure means a real disagreement, not bad luck."""
    land, g = build(name)
    length, walks = 20, 4000
    theirs = gfa.autocorrelation(g, walk_length=length, walk_times=walks, lag=1, seed=0) * length / (length - 1)
    ours = autocorrelation(land, n_walks=walks, length=length, seed=0)
    assert 0.5 < ours < 0.95
    assert theirs == pytest.approx(ours, abs=0.03)


def test_ties_are_where_the_local_optimum_definitions_part():
    """Not an agreement: on equal-loss neighbours graphfla (``lo_index``, ``basin_index``) and we differ
    by definition. Losses 0.5, 0.5, 0.2 on three ordered levels: the first level has no strictly better
    neighbour, so it is one of our local optima (its own basin); graphfla puts levels 0 and 1 on one
    neutral plateau whose exit leads to level 2, so level 2 is its only optimum and attracts all three."""
    land = Landscape(("x",), ((0, 1, 2),), (True,), [0.5, 0.5, 0.2])
    g = _graphfla(land)
    assert local_optima(land).tolist() == [0, 2] and basins(land)["attractor"].tolist() == [0, 2, 2]
    assert g.lo_index == [2] and list(g.basins) == [3, 3, 3] and g.graph.vs["basin_index"] == [2, 2, 2]
    assert local_optima(land, plateaus=True).tolist() == g.lo_index   # our plateau-aware count is graphfla's


@pytest.mark.parametrize("name", NAMES)
def test_plateau_aware_local_optima_match_graphflas_on_tied_losses(name):
    """With losses rounded so that neighbours tie, our ``local_optima(plateaus=True)`` counts what
    graphfla's ``n_lo`` counts (a plateau of equal losses with no strictly better exit is one optimum)."""
    tied = landscape(name).with_losses(np.round(landscape(name).losses, 1))
    g = _graphfla(tied)
    assert g.n_plateau > 0   # the rounding made plateaus
    assert len(local_optima(tied, plateaus=True)) == g.n_lo < len(local_optima(tied))

