"""Landscape metrics on hand-made landscapes with known answers (sphere, plateau, checkerboard)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from interactive_hpo import InvalidParameterError
from interactive_hpo.landscape import (  # the public names
    Landscape,
    assortativity,
    autocorrelation,
    basins,
    correlation_length,
    fdc,
    local_optima,
    neutrality,
    neutrality_distance_correlation,
    null_zscores,
    profile,
    similarity,
    spearman,
)


def grid(function, n=9):
    a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return Landscape(("a", "b"), (tuple(range(n)), tuple(range(n))), (True, True), function(a, b))


SPHERE = grid(lambda a, b: (a - 4.0) ** 2 + (b - 4.0) ** 2)
CHECKER = grid(lambda a, b: ((a + b) % 2).astype(float))
PLATEAU = grid(lambda a, b: np.where((a == 4) & (b == 4), 0.0, 1.0))


def test_the_top_level_links_to_the_one_below_and_categoricals_link_every_choice():
    land = Landscape(("x", "c"), ((0, 1, 2), ("p", "q", "r")), (True, False), np.arange(9.0))
    top = next(i for i in range(land.n) if land.params(i) == {"x": 2, "c": "q"})
    neighbours = sorted(land.params(int(j))["x"] * 10 + "pqr".index(land.params(int(j))["c"])
                        for j in land.neighbours(top))
    assert neighbours == [11, 20, 22]            # x = 1 (below the top), and c = p, r at x = 2
    assert len(land.edges) == 3 * 2 + 3 * 3      # ordered: 3 columns x 2 steps; categorical: 3 rows x 3 pairs
    assert land.degree().tolist() == [3, 3, 3, 4, 4, 4, 3, 3, 3]
    np.testing.assert_array_equal(land.distances(0), [0, 1, 1, 1, 2, 2, 2, 3, 3])


def test_sphere_is_smooth_easy_clustered_and_unimodal():
    assert fdc(SPHERE) > 0.9
    assert autocorrelation(SPHERE) > 0.8 and assortativity(SPHERE) > 0.8
    assert local_optima(SPHERE).tolist() == [SPHERE.optimum]
    found = basins(SPHERE)
    assert found["global_share"] == 1.0 and found["sizes"] == {SPHERE.optimum: 81}


def test_checkerboard_is_maximally_rugged_with_every_zero_a_local_optimum():
    assert autocorrelation(CHECKER) == pytest.approx(-1.0)
    assert assortativity(CHECKER) == pytest.approx(-1.0)
    zeros = np.flatnonzero(CHECKER.losses == 0)
    assert local_optima(CHECKER).tolist() == zeros.tolist()
    assert basins(CHECKER)["mean_size"] == pytest.approx(81 / len(zeros))
    assert neutrality(CHECKER).max() == 0.0


def test_plateau_is_neutral_and_flat_everywhere_but_at_the_optimum():
    values = neutrality(PLATEAU)
    assert values[PLATEAU.optimum] == 0.0 and np.all(values[PLATEAU.neighbours(PLATEAU.optimum)] == 0.75)
    assert np.mean(values) > 0.9
    # Every plateau point is a local optimum (no strictly better neighbour), except the optimum's neighbours.
    assert len(local_optima(PLATEAU)) == 81 - 4
    assert neutrality_distance_correlation(PLATEAU) > 0   # flatter far from the optimum


def test_plateaus_count_once_and_climbs_cross_them():
    # Level 0-1 tie (a plateau with an exit to level 2); levels 3-4 tie and are the bottom; level 5 is alone.
    land = Landscape(("x",), (tuple(range(6)),), (True,), [0.5, 0.5, 0.3, 0.1, 0.1, 0.4])
    assert local_optima(land).tolist() == [0, 3, 4]
    assert local_optima(land, plateaus=True).tolist() == [3]
    assert basins(land)["attractor"].tolist() == [0, 3, 3, 3, 4, 4]
    found = basins(land, plateaus=True)
    assert found["attractor"].tolist() == [3] * 6 and found["global_share"] == 1.0
    # The flat plateau landscape: one optimum, and every climb reaches it across the flat part.
    assert local_optima(PLATEAU, plateaus=True).tolist() == [PLATEAU.optimum]
    assert basins(PLATEAU, plateaus=True)["sizes"] == {PLATEAU.optimum: 81}
    # Without ties nothing changes.
    assert local_optima(SPHERE, plateaus=True).tolist() == local_optima(SPHERE).tolist()
    np.testing.assert_array_equal(basins(CHECKER, plateaus=True)["attractor"], basins(CHECKER)["attractor"])


def test_profile_reports_basins_in_both_conventions_each_named():
    """Audit: profile's basin metrics were the one-configuration-at-a-time ones only, beside a
    figure and prose that merge plateaus (notebook 09: 0.25 and 3.05 printed under two drawn basins)."""
    land = Landscape(("x",), (tuple(range(6)),), (True,), [0.5, 0.5, 0.3, 0.1, 0.1, 0.4])
    measures = profile(land)
    # One at a time: optima 0, 3 and 4, basins of 1, 3 and 2; the tied best 3 and 4 hold 5 of 6.
    assert measures["local_optima"] == 3 and measures["mean_basin_size"] == 2.0
    assert measures["global_basin_share"] == pytest.approx(5 / 6)
    # Plateaus merged: one optimum whose basin is the whole line.
    assert measures["local_optimum_plateaus"] == 1 and measures["mean_plateau_basin_size"] == 6.0
    assert measures["global_plateau_basin_share"] == 1.0


def test_correlation_length():
    assert correlation_length(0.0) == 0.0 and correlation_length(1.0) == math.inf
    assert correlation_length(math.exp(-0.5)) == pytest.approx(2.0)


def test_similarity_of_a_landscape_with_itself_and_with_its_reverse():
    same = similarity(SPHERE, SPHERE)
    assert same == {"spearman": pytest.approx(1.0), "spearman_top": pytest.approx(1.0), "gamma_overlap": 1.0}
    reverse = similarity(SPHERE, SPHERE.with_losses(-SPHERE.losses))
    assert reverse["spearman"] == pytest.approx(-1.0) and reverse["gamma_overlap"] == 0.0


def test_null_model_says_the_sphere_is_smoother_and_less_multimodal_than_chance():
    z = null_zscores(SPHERE, n_shuffles=30, seed=0)
    assert z["autocorrelation"] > 5 and z["assortativity"] > 5 and z["local_optima"] < -3
    assert set(profile(SPHERE)) >= {"fdc", "autocorrelation", "correlation_length", "local_optima_share",
                                    "mean_basin_size", "neutrality", "neutrality_distance", "global_basin_share"}


def test_null_zscores_takes_one_metric_by_its_name():
    """Fuzz round 2: metrics="fdc" was read letter by letter ("got 'f'")."""
    assert list(null_zscores(SPHERE, n_shuffles=3, metrics="fdc")) == ["fdc"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: Landscape(("a",), ((1,),), (True,), [0.0]), "`levels` of Landscape must be at least two levels"),
    (lambda: Landscape(("a",), ((1, 2),), (True,), [0.0]), "`losses` of Landscape must be one loss per configuration"),
    (lambda: Landscape(("a",), ((1, 2),), (True,), [0.0, math.nan]), "`losses` of Landscape must be finite numbers"),
    (lambda: fdc(SPHERE, np.zeros(5)), "`losses` of fdc must be an array of shape (81,)"),
    (lambda: fdc(SPHERE, "abc"), "`losses` of fdc must be an array of shape (81,) of finite numbers; "
                                 "got 'abc'."),
    (lambda: fdc(SPHERE, np.full(81, math.nan)), "`losses` of fdc must be an array of shape (81,) of "
                                                 "finite numbers; got '81 non-finite values'."),
    (lambda: autocorrelation(SPHERE, seed=-1), "`seed` of autocorrelation must be a non-negative int"),
    (lambda: null_zscores(SPHERE, seed=-1), "`seed` of null_zscores must be a non-negative int"),
    (lambda: null_zscores(SPHERE, metrics=3), "`metrics` of null_zscores must be a name or a list of names from"),
    (lambda: null_zscores(SPHERE, metrics=["fdc", "smooth"]), "got ['fdc', 'smooth']. 'smooth' is not one of them."),
    (lambda: similarity(SPHERE, grid(lambda a, b: a + b, n=4)), "`b` of similarity must be a landscape on the same"),
    # Same names and shape, other levels: another grid, compared point by point as if it were this one.
    (lambda: similarity(SPHERE, Landscape(SPHERE.names, (SPHERE.levels[0], tuple(range(1, 10))), SPHERE.ordered,
                                          SPHERE.losses)),
     "`b` of similarity must be a landscape on the same grid as a; got \"grid (9, 9) of ('a', 'b')\". Their levels "
     "differ."),
    # Fuzz round 4: each of these was an AttributeError, a numpy broadcasting error or a MemoryError.
    (lambda: similarity(SPHERE, "flat"), "`b` of similarity must be a Landscape; got 'flat'."),
    (lambda: spearman([1, 2, 3], [1, 2]), "`b` of spearman must be an array of finite numbers of the shape of `a`, "
                                          "(3,); got 'an array of shape (2,)'."),
    (lambda: spearman("abc", "abd"), "`a` of spearman must be an array of shape (k,) of finite numbers; "
                                     "got 'abc'."),
    (lambda: autocorrelation(SPHERE, n_walks=10**9), "`n_walks` of autocorrelation must be an int in [1, 10000000]; "
                                                     "got 1000000000."),
    # Each passed its own cap, and their product named only n_walks: the walks are as long as wide.
    (lambda: autocorrelation(SPHERE, n_walks=10**6, length=20),
     "`n_walks` and `length` of autocorrelation must be small enough together for at most 10,000,000 losses drawn at "
     "once (n_walks x length); got n_walks=1000000 and length=20, which make 20,000,000. Lower one of them."),
    (lambda: autocorrelation(SPHERE, n_walks=2, length=10**7), "got n_walks=2 and length=10000000, which make"),
    # Fuzz round 5: 500,000 shuffles of 18 configurations passed the memory cap and took many minutes.
    (lambda: null_zscores(SPHERE, n_shuffles=10**9), "`n_shuffles` of null_zscores must be an int in [2, 1000]; "
                                                     "got 1000000000."),
    (lambda: null_zscores(Landscape(("a", "b"), (tuple(range(150)),) * 2, (True, True), np.zeros(22_500)),
                          n_shuffles=1000),
     "`n_shuffles` of null_zscores must be an int in [2, 444]; got 1000. That is 22,500 losses each"),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_build_caches_the_losses_and_replays_them_as_an_objective(tmp_path):
    from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
    from interactive_hpo.landscape import LandscapeObjective, build_landscape, grid_of
    from interactive_hpo.objectives import FunctionObjective

    space = SearchSpace([Float("lr", 1e-3, 1e-1, log=True), Int("depth", 1, 3), Categorical("act", ["a", "b"])])
    calls = []

    def accuracy(params):
        calls.append(params)
        if params["depth"] == 3 and params["act"] == "b":
            raise RuntimeError("diverged")   # the worst loss, not a crash
        return 1.0 - abs(math.log10(params["lr"]) + 2) / 2 - 0.1 * params["depth"] + (params["act"] == "a") * 0.05

    # Named: a hash of accuracy would change as `calls`, which it reads, grows (every build a miss).
    objective = FunctionObjective(accuracy, space, direction="maximize", fingerprint="accuracy v1")
    assert grid_of(space, 3) == ((0.001, 0.01, 0.1), (1, 2, 3), ("a", "b"))
    land = build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert land.n == 18 == len(calls) and land.ordered == (True, True, False)
    assert land.params(land.optimum) == {"lr": 0.01, "depth": 1, "act": "a"}
    assert land.losses[land.optimum] == pytest.approx(-(1.0 - 0.1 + 0.05))   # maximized: the loss is -value
    assert np.all(land.losses[[i for i in range(18) if land.params(i)["depth"] == 3 and
                               land.params(i)["act"] == "b"]] == land.losses.max())
    again = build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert len(calls) == 18 and np.array_equal(again.losses, land.losses)   # read from the cache
    replay = LandscapeObjective(land)
    assert replay({"lr": 0.012, "depth": 1, "act": "a"}) == land.losses[land.optimum]   # nearest level, log scale
    study = Study(space, "random", seed=0)
    study.run(replay, n_trials=30)
    assert study.best_value == land.losses.min()


def test_fdc_measures_distance_to_the_nearest_of_tied_global_optima():
    """Jones and Forrest (1995) correlate fitness with the distance to the *nearest* global optimum.
    Here two corners tie for the best loss and the loss grows with the distance to the nearer one: a
    perfect double funnel. Measured from the first optimum only, the far corner's funnel read as
    "worse far away" and FDC came out 0 (and changed when the levels were listed in reverse)."""
    losses = [0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0]
    land = Landscape(("a",), (tuple(range(7)),), (True,), losses)
    assert fdc(land) == pytest.approx(1.0)
    # On a 2-D grid: the same value however the grid is written down (levels listed in reverse).
    def flip(land):
        return Landscape(land.names, tuple(v[::-1] for v in land.levels), land.ordered,
                         land.losses.reshape(land.shape)[::-1, ::-1])

    nearer = lambda a, b: np.minimum(np.abs(a - 1) + np.abs(b - 6), np.abs(a - 7) + np.abs(b - 2))  # noqa: E731
    tied = grid(nearer)
    assert fdc(tied) == pytest.approx(1.0) and fdc(flip(tied)) == pytest.approx(1.0)
    # Neutrality is correlated with the same distance: steps of two make flat pairs, the same either way.
    steps = grid(lambda a, b: nearer(a, b) // 2)
    assert neutrality_distance_correlation(steps) == pytest.approx(neutrality_distance_correlation(flip(steps)))


def test_a_null_model_without_spread_gives_no_z_score():
    """On a constant landscape every shuffle is the landscape itself: no metric can be told from chance.
    The shuffles' global-basin shares (1/9 each) averaged to 1/9 plus a rounding error, and their
    standard deviation of ~1e-17 turned that error into a z-score of -1."""
    flat = grid(lambda a, b: np.zeros_like(a, dtype=float), n=3)
    z = null_zscores(flat, n_shuffles=5)
    assert all(math.isnan(value) for value in z.values()), z


def test_top_sets_take_every_tie_at_the_cut_so_grid_order_does_not_decide_them():
    """The gamma-set of the top 25% (2 of 8) when three configurations tie for the best: all three
    are in, as in ``best_trained``. Cut at two by grid index, ``a`` kept indices 0 and 1, and the
    overlap with ``b`` (whose best is index 2, also tied in ``a``) read 0, but 1/3 with the levels
    listed in reverse: the same two landscapes."""
    def land(losses, reverse=False):
        levels = tuple(range(8))[::-1] if reverse else tuple(range(8))
        return Landscape(("x",), (levels,), (True,), losses[::-1] if reverse else losses)

    a = np.array([0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    b = np.array([5.0, 4.0, 0.0, 3.0, 2.0, 1.0, 0.5, 6.0])
    forward, backward = similarity(land(a), land(b), top=0.25), similarity(land(a, True), land(b, True), top=0.25)
    assert forward["gamma_overlap"] == backward["gamma_overlap"] == pytest.approx(1 / 4)   # {0, 1, 2} and {2, 6}
    assert forward["spearman_top"] == pytest.approx(backward["spearman_top"])


def test_the_global_basin_is_every_basin_that_ends_on_a_global_optimum():
    """Two tied global optima at the ends of a line, each with half the line as its basin: every
    climb ends on a best configuration, so the share is 1. Taking the first optimum's basin only
    gave 1/2, and reversing the levels gave a different half."""
    land = Landscape(("a",), (tuple(range(6)),), (True,), [0.0, 1.0, 2.0, 2.5, 1.5, 0.0])
    assert basins(land)["global_share"] == 1.0
    # With a worse local optimum between them, its basin (indices 2 to 4) is the one left out.
    land = Landscape(("a",), (tuple(range(7)),), (True,), [0.0, 1.0, 2.0, 0.5, 2.0, 1.0, 0.0])
    assert basins(land)["global_share"] == pytest.approx(4 / 7)


@pytest.mark.parametrize("seed", range(5))
def test_the_nearest_optimum_distance_is_the_minimum_over_every_tied_optimum(seed):
    """The distance transform behind FDC, against brute force on random mixed grids with ties."""
    from interactive_hpo.landscape.metrics import _optimum_distances

    rng = np.random.default_rng(seed)
    for _ in range(20):
        shape = tuple(int(s) for s in rng.integers(2, 5, size=rng.integers(1, 4)))
        ordered = tuple(bool(flag) for flag in rng.integers(0, 2, size=len(shape)))
        losses = rng.integers(0, 3, size=math.prod(shape)).astype(float)
        land = Landscape(tuple("abc"[:len(shape)]), tuple(tuple(range(s)) for s in shape), ordered, losses)
        brute = np.min([land.distances(int(i)) for i in np.flatnonzero(losses == losses.min())], axis=0)
        np.testing.assert_array_equal(_optimum_distances(land, losses), brute)
