"""Landscape plots on hand-made landscapes with known answers: heat maps (best/mean over the other
parameters, optima, basins), trajectories, training against test loss, similarity, and the
spectral layout of the neighbour graph."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.landscape import Landscape, basins, build_landscape, local_optima, profile  # noqa: E402
from interactive_hpo.landscape.embedding import graph_layout  # noqa: E402
from interactive_hpo.objectives import FunctionObjective  # noqa: E402
from interactive_hpo.plots import (  # noqa: E402
    heatmap_info,
    plot_landscape,
    plot_landscape_graph,
    plot_similarity,
    plot_train_test,
    plot_trajectory,
    train_test_info,
    trajectory_info,
)


def axes():
    return Figure().add_subplot()


def colourbar_label(ax):
    return ax.figure.axes[-1].get_ylabel()


def _grid(names, levels, ordered, function):
    codes = np.meshgrid(*[np.arange(len(v)) for v in levels], indexing="ij")
    return Landscape(names, levels, ordered, function(*codes))


# a in {0, 1, 2}, b in {"x", "y"} (categorical), c in {0, 1, 2, 3}: the best c is always 2, and the
# mean over c of (c - 2)^2 is (4 + 1 + 0 + 1) / 4 = 1.5.
THREE = _grid(("a", "b", "c"), ((0, 1, 2), ("x", "y"), (0, 1, 2, 3)), (True, False, True),
              lambda a, b, c: 10.0 * a + 100.0 * b + (c - 2.0) ** 2)

# Two valleys along a (the deeper at a = 1, another at a = 5, split by the ridge at a = 3); b and c
# only add a small slope, so the local optima are (1, 0, 0) and (5, 0, 0): grid indices 6 and 30.
VALLEYS = np.array([1.0, 0.0, 1.0, 2.0, 1.2, 0.5, 1.0])
TWO_BASINS = _grid(("a", "b", "c"), (tuple(range(7)), (0, 1, 2), (0, 1)), (True, True, True),
                   lambda a, b, c: VALLEYS[a] + 0.1 * b + 0.01 * c)

STEP = _grid(("a", "b"), (tuple(range(9)), tuple(range(9))), (True, True), lambda a, b: np.where(a < 4, 0.0, 1.0))


# -- heat maps ------------------------------------------------------------------------------------

def test_heatmap_takes_the_best_and_the_mean_over_the_other_parameters():
    info = heatmap_info(THREE, "a", "b")
    i, j = np.meshgrid(np.arange(3), np.arange(2))  # rows: b, columns: a
    np.testing.assert_allclose(info.values, 10.0 * i + 100.0 * j)
    np.testing.assert_array_equal(info.representative, i * 8 + j * 4 + 2)  # (a, b, c = 2) in C order
    assert info.optimum == (0, 0) and info.x_labels == ("0", "1", "2") and info.y_labels == ("x", "y")
    mean = heatmap_info(THREE, "a", "b", reduce="mean")
    np.testing.assert_allclose(mean.values, 10.0 * i + 100.0 * j + 1.5)
    np.testing.assert_array_equal(mean.representative, info.representative)  # overlays still use the argmin
    swapped = heatmap_info(THREE, "b", "a")
    np.testing.assert_allclose(swapped.values, info.values.T)
    assert swapped.optimum == (0, 0)
    over_c = heatmap_info(THREE, "c", "a")  # min over b (b = "x"): 10 a + (c - 2)^2
    c, a = np.meshgrid(np.arange(4), np.arange(3))
    np.testing.assert_allclose(over_c.values, 10.0 * a + (c - 2.0) ** 2)
    assert over_c.optimum == (2, 0)
    assert info.local_optimum.sum() == 1 and info.local_optimum[0, 0]  # unimodal: only the global optimum


def test_two_basins_get_two_labels_split_at_the_ridge_and_the_right_local_optima():
    info = heatmap_info(TWO_BASINS, "a", "b")
    assert np.flatnonzero(info.local_optimum.ravel()).tolist() == [1, 5]  # row b = 0, columns a = 1 and a = 5
    np.testing.assert_array_equal(info.basin, np.where(np.arange(7) <= 3, 6, 30)[None, :].repeat(3, axis=0))
    np.testing.assert_array_equal(info.basin, basins(TWO_BASINS)["attractor"][info.representative])
    # The boundary: a vertical edge between a = 3 and a = 4 in every row.
    np.testing.assert_allclose(info.boundaries[:, :, 0], 3.5)
    assert sorted(info.boundaries[:, 0, 1].tolist()) == [-0.5, 0.5, 1.5]
    assert info.optimum == (1, 0)


def test_float_levels_are_labelled_compactly():
    land = Landscape(("C", "k"), ((0.001, 0.0316227766, 1000.0), (True, False)), (True, False), np.arange(6.0))
    info = heatmap_info(land, "C", "k")
    assert info.x_labels == ("0.001", "0.0316", "1e+03") and info.y_labels == ("True", "False")


def test_plot_landscape_draws_the_map_optima_basins_and_a_labelled_colourbar():
    ax = plot_landscape(TWO_BASINS, "a", "b", ax=axes())
    assert len(ax.images) == 1 and ax.images[0].origin == "lower"
    np.testing.assert_allclose(ax.images[0].get_array(), heatmap_info(TWO_BASINS, "a", "b").values)
    boundary, optima, star = ax.collections
    assert isinstance(boundary, LineCollection) and len(boundary.get_segments()) == 3
    # The star alone marks the global optimum (audit a370: a dot under it too counted it twice).
    assert optima.get_offsets().tolist() == [[5, 0]] and star.get_offsets().tolist() == [[1, 0]]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(v) for v in range(7)]
    assert colourbar_label(ax) == "loss (best over c)"   # names what was reduced over (issue 26)
    bare = plot_landscape(TWO_BASINS, "a", "b", reduce="mean", show_optima=False, show_basins=False, ax=axes())
    assert len(bare.collections) == 0 and colourbar_label(bare) == "loss (mean over c)"
    unimodal = plot_landscape(THREE, "a", "b", ax=axes())
    assert len(unimodal.collections[0].get_segments()) == 0 and len(unimodal.collections[1].get_offsets()) == 0
    assert unimodal.collections[2].get_offsets().tolist() == [[0, 0]]   # its one optimum: the star


def test_maximized_objectives_are_shown_in_their_own_units_and_named():
    """Issue 26, item 9: a landscape of minus accuracies read as "-0.95" on every axis."""
    info = heatmap_info(THREE, "a", "b", direction="maximize", label="accuracy")
    np.testing.assert_allclose(info.values, -heatmap_info(THREE, "a", "b").values)   # the best is the largest
    assert info.label == "accuracy (best over c)"
    assert heatmap_info(THREE, "a", "b", reduce="mean", direction="maximize").label == "objective (mean over c)"
    flat = Landscape(("a", "b"), ((0, 1), (0, 1)), (True, True), [-0.9, -0.8, -0.7, -0.6])
    ax = plot_landscape(flat, "a", "b", direction="maximize", label="accuracy", ax=axes())
    assert colourbar_label(ax) == "accuracy"   # nothing was reduced over
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.9, 0.7], [0.8, 0.6]])
    five = Landscape(tuple("abcde"), ((0, 1),) * 5, (True,) * 5, np.arange(32.0))
    assert heatmap_info(five, "a", "b").label == "loss (best over the other 3)"


# -- trajectories ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built():
    space = SearchSpace([Float("C", 1e-3, 1e1, log=True), Float("x", 0.0, 1.0), Categorical("k", ["p", "q", "r"])])
    objective = FunctionObjective(lambda p: (math.log10(p["C"]) + 1) ** 2 + p["x"] + "pqr".index(p["k"]), space)
    return build_landscape(objective, resolution=5)  # C: 1e-3 ... 1e1 (one level a decade), x: 0, 0.25, ... 1


def test_trajectory_interpolates_log_parameters_on_their_log_scale(built):
    params = [{"C": 10 ** -1.5, "x": 0.125, "k": "r"}, {"C": 1e-3, "x": 1.0, "k": "p"}, {"C": 0.1, "x": 0.6, "k": "q"}]
    # 10^-1.5 is halfway between the levels 0.01 and 0.1 in log space (linearly it would be at 1.24).
    np.testing.assert_allclose(trajectory_info(built, "C", "x", params), [[1.5, 0.5], [0.0, 4.0], [2.0, 2.4]])
    np.testing.assert_allclose(trajectory_info(built, "k", "C", params), [[2.0, 1.5], [0.0, 0.0], [1.0, 2.0]])
    assert trajectory_info(built, "C", "x", []).shape == (0, 2)


def test_trajectory_without_a_space_snaps_numbers_to_the_nearest_level():
    land = Landscape(("a", "k"), ((0, 10, 20), ("u", "v")), (True, False), np.arange(6.0))
    np.testing.assert_allclose(trajectory_info(land, "a", "k", [{"a": 13, "k": "v"}, {"a": 20.0, "k": "u"}]),
                               [[1.0, 1.0], [2.0, 0.0]])


def test_plot_trajectory_numbers_the_points_and_marks_the_first_and_the_best(built):
    params = [{"C": 10.0, "x": 1.0, "k": "r"}, {"C": 0.1, "x": 0.0, "k": "p"}, {"C": 1.0, "x": 0.5, "k": "q"}]
    ax = plot_trajectory(built, "C", "x", params, ax=axes(), show_basins=False)
    path, first, best = ax.lines
    np.testing.assert_allclose(path.get_xydata(), trajectory_info(built, "C", "x", params))
    np.testing.assert_allclose(first.get_xydata(), [[4.0, 4.0]])
    np.testing.assert_allclose(best.get_xydata(), [[2.0, 0.0]])  # the optimum (C = 0.1, x = 0, k = p) is #1
    assert best.get_label() == "best grid cell (#1)"   # no values given: ranked by the grid
    assert [t.get_text().strip() for t in ax.texts] == ["0", "1", "2"]
    assert len(ax.images) == 1 and len(ax.collections) == 2  # the map, local optima and the star
    # Numbers at full size with a dark outline (they were 6 pt white on a yellow map, issue 26).
    assert ax.texts[0].get_fontsize() == matplotlib.rcParams["font.size"] and ax.texts[0].get_path_effects()
    # Numbers never print over each other: of points on one spot, the first keeps its number.
    piled = plot_trajectory(built, "C", "x", params + params[1:2] * 3, ax=axes(), show_basins=False)
    assert [t.get_text().strip() for t in piled.texts] == ["0", "1", "2"] and len(piled.lines[0].get_xdata()) == 6
    up = plot_trajectory(built, "C", "x", params, ax=axes(), direction="maximize", label="score")
    assert colourbar_label(up) == "score (best over k)" and up.images[0].get_array().max() <= 0
    # Any iterable of dicts (a generator of t.params), read once.
    once = plot_trajectory(built, "C", "x", (p for p in params), ax=axes(), show_basins=False)
    assert once.lines[2].get_label() == "best grid cell (#1)"
    with pytest.raises(TypeError, match=r"plot_trajectory\(\) got an unexpected keyword argument 'colour'"):
        plot_trajectory(built, "C", "x", params, colour="red")


def test_the_best_found_is_the_best_of_the_trials_own_values_and_else_called_the_best_grid_cell():
    """Audit a189 #1: on log axes of 7 levels, trial 5's nearest grid configuration was the best, and
    the legend said "best found (#5)" where the study's best trial was 4 (0.293 against 0.733)."""
    from interactive_hpo import Int, Study

    space = SearchSpace([Int("n", 1, 1000, log=True), Float("lr", 1e-4, 1e-1, log=True)])
    objective = FunctionObjective(lambda p: (np.log10(p["n"]) - 1.3) ** 2 + (np.log10(p["lr"]) + 2.2) ** 2, space)
    land = build_landscape(objective, resolution=7)
    study = Study(space, "random", seed=0)
    study.run(objective, n_trials=10, progress=False)
    params, values = [t.params for t in study.trials], [t.value for t in study.trials]
    grid = land.losses[[land.index_of(p) for p in params]]
    assert study.best_trial.number == 4 and int(np.argmin(grid)) == 5   # the case: they differ
    ring = plot_trajectory(land, "n", "lr", params, values=values, ax=axes()).lines[2]
    assert ring.get_label() == "best found (#4)"
    np.testing.assert_allclose(ring.get_xydata(), trajectory_info(land, "n", "lr", params)[4:5])
    assert plot_trajectory(land, "n", "lr", params, ax=axes()).lines[2].get_label() == "best grid cell (#5)"
    # Maximized: the best is the highest value; a failed trial (None, NaN) is not ranked.
    up = [None, *values[1:4], -1.0, *values[5:9], float("nan")]
    assert plot_trajectory(land, "n", "lr", params, values=up, direction="maximize",
                           ax=axes()).lines[2].get_label() == f"best found (#{int(np.nanargmax(up[1:9])) + 1})"
    assert plot_trajectory(land, "n", "lr", params, values=[None] * 10,
                           ax=axes()).lines[2].get_label() == "best grid cell (#5)"   # no value to rank by


def test_plot_trajectory_legend_names_every_marker_the_map_draws(built):
    """Notebook 09: without basins the map still drew its local optima (white dots) and the star,
    and the legend named only the path."""
    params = [{"C": 10.0, "x": 1.0, "k": "r"}, {"C": 0.1, "x": 0.0, "k": "p"}]
    labels = [t.get_text() for t in plot_trajectory(built, "C", "x", params, ax=axes(), show_basins=False)
              .get_legend().get_texts()]
    # Its one optimum on this map is the global one: the star, without a "local optimum" dot under it.
    assert labels == ["trajectory", "first", "best grid cell (#1)", "global optimum"]
    bare = plot_trajectory(TWO_BASINS, "a", "b", [{"a": 0, "b": 0, "c": 0}], ax=axes(), show_optima=False)
    assert [t.get_text() for t in bare.get_legend().get_texts()] == ["trajectory", "first", "best grid cell (#0)",
                                                                     "basin boundary"]


# -- training against test loss -------------------------------------------------------------------

TRAIN = np.arange(10) / 10
TEST = np.array([0.9, 0.8, 0.7, 0.3, 0.4, 0.5, 0.6, 0.65, 0.8, 0.95])
TRAIN_TEST = Landscape(("a", "b"), ((0, 1, 2, 3, 4), ("u", "v")), (True, False), TEST,
                       others={"train": TRAIN, "test": TEST})


def test_train_test_info_highlights_the_best_by_training_loss_and_correlates_both_sets():
    info = train_test_info(TRAIN_TEST, top=0.3)
    assert np.flatnonzero(info.top).tolist() == [0, 1, 2]
    assert info.spearman_top == pytest.approx(-1.0)  # the three best in training are worst-first in test
    assert info.spearman == pytest.approx(spearmanr(TRAIN, TEST)[0])
    np.testing.assert_array_equal(info.train, TRAIN)
    assert np.flatnonzero(train_test_info(TRAIN_TEST, top=0.01).top).tolist() == [0, 1, 2]  # at least three


def test_plot_train_test_shows_both_correlations_and_na_when_undefined():
    ax = plot_train_test(TRAIN_TEST, top=0.3, ax=axes())
    rest, top = ax.collections
    assert len(rest.get_offsets()) == 7 and len(top.get_offsets()) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1] == "3 best-trained (Spearman: -1.00)" and labels[2] == "y = x"
    flat = Landscape(TRAIN_TEST.names, TRAIN_TEST.levels, TRAIN_TEST.ordered, TEST,
                     others={"train": TRAIN, "test": np.where(TRAIN < 0.3, 0.5, TEST)})
    labels = [t.get_text() for t in plot_train_test(flat, top=0.3, ax=axes()).get_legend().get_texts()]
    assert labels[1].endswith("(Spearman: n/a)") and "n/a" not in labels[0]


def test_train_test_in_accuracy_with_a_far_cluster_off_the_scale():
    """Issue 26, item 9: 25 majority-class configurations at accuracy 0.4 squashed every other
    point of the random forest on wine into a corner. Ties at the cut are highlighted too."""
    rng = np.random.default_rng(0)
    train = np.r_[-np.ones(12), -rng.uniform(0.9, 0.99, 76), np.full(12, -0.4)]   # 12 of 100 far away
    test = np.r_[-rng.uniform(0.85, 0.97, 88), np.full(12, -0.38)]
    land = Landscape(("x",), (tuple(range(100)),), (True,), test, others={"train": train, "test": test})
    info = train_test_info(land, direction="maximize", label="accuracy")
    np.testing.assert_allclose(info.train, -train)
    assert np.flatnonzero(info.top).tolist() == list(range(12))   # all twelve perfect fits, not the first ten
    assert np.flatnonzero(info.off_scale).tolist() == list(range(88, 100))
    assert 0.85 < info.xlim[0] < 0.9 and 0.8 < info.ylim[0] < 0.85 and info.xlim[1] > 1.0
    ax = plot_train_test(land, direction="maximize", label="accuracy", ax=axes())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("training accuracy", "test accuracy")
    rest, top, edge = ax.collections
    np.testing.assert_allclose(edge.get_offsets(), np.tile([info.xlim[0], info.ylim[0]], (12, 1)))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # Audit a391: the diamond on the corner, at about (0.87, 0.83) here, named no value; its label gives the real one.
    assert labels[1] == "12 best-trained (Spearman: n/a)"
    assert labels[2] == "12 off the scale, at (0.4, 0.38): on the edge"
    assert ax.get_xlim() == info.xlim
    # A far point among the best-trained stays on the scale: it is what the figure is about.
    test[0] = -0.1
    kept = train_test_info(Landscape(land.names, land.levels, land.ordered, test, others={"train": train,
                                                                                      "test": test}),
                           direction="maximize")
    assert kept.ylim[0] < 0.1 and not kept.off_scale[0]


# -- similarity -----------------------------------------------------------------------------------

def test_plot_similarity_annotates_every_cell():
    matrix = np.array([[1.0, 0.25, np.nan], [0.25, 1.0, -0.5], [np.nan, -0.5, 1.0]])
    ax = plot_similarity(matrix, ["full", "half", "tenth"], ax=axes(), title="Spearman")
    assert [t.get_text() for t in ax.texts] == ["1.00", "0.25", "n/a", "0.25", "1.00", "-0.50", "n/a", "-0.50",
                                                "1.00"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["full", "half", "tenth"]
    assert len(ax.images) == 1 and ax.get_title() == "Spearman"
    assert colourbar_label(ax) == ""
    # Audit a391: "SVM, gamma_overlap" read as an overlap of gamma values; the bar now says what it shows.
    labelled = plot_similarity(matrix, ["full", "half", "tenth"], ax=axes(), label="γ-set overlap (top 10%)")
    assert colourbar_label(labelled) == "γ-set overlap (top 10%)"
    # Review r397: a list was drawn as the text "['a', 'b']", a number as "5".
    for name, value in (("label", ["a", "b"]), ("title", 5)):
        with pytest.raises(InvalidParameterError, match=f"`{name}` of plot_similarity must be a str or None"):
            plot_similarity(matrix, ["full", "half", "tenth"], ax=axes(), **{name: value})


def test_plot_similarity_diverges_only_for_signed_ranges():
    """Audit: the gamma-overlap panel (values in [0, 1]) had a red-blue diverging map, so an
    overlap of 0 looked like a strong negative."""
    def luminance(ax):
        image = ax.images[0]
        rgb = image.cmap(image.norm(np.linspace(*image.get_clim(), 5)))[:, :3]
        return rgb @ [0.2126, 0.7152, 0.0722]

    overlap = luminance(plot_similarity(np.eye(2), ["a", "b"], ax=axes(), vmin=0))
    assert np.all(np.diff(overlap) < 0)            # sequential: palest at 0, darker towards 1
    spearman = luminance(plot_similarity(np.eye(2), ["a", "b"], ax=axes()))
    assert spearman.argmax() == 2 and spearman[0] < spearman[2] > spearman[4]   # diverging: pale at 0


# -- the neighbour graph --------------------------------------------------------------------------

def _gap_over_diameter(xy, mask):
    """Closest distance between the two groups over the larger group diameter."""
    def distances(p, q):
        return np.linalg.norm(p[:, None] - q[None], axis=2)
    a, b = xy[mask], xy[~mask]
    return distances(a, b).min() / max(distances(a, a).max(), distances(b, b).max())


def test_graph_layout_is_deterministic_and_sign_normalized():
    xy = graph_layout(TWO_BASINS)
    assert xy.shape == (TWO_BASINS.n, 2) and np.abs(xy).max() == pytest.approx(1.0)
    np.testing.assert_array_equal(xy, graph_layout(TWO_BASINS))
    plain = graph_layout(STEP, weight=None)  # a square grid: the 2nd eigenvalue is shared by two eigenvectors
    assert np.corrcoef(plain[:, 0], STEP.codes[:, 0])[0, 1] > 0.95  # axis 0 follows a, axis 1 follows b
    assert np.corrcoef(plain[:, 1], STEP.codes[:, 1])[0, 1] > 0.95


def test_loss_weighting_separates_two_plateaus_more_than_the_plain_grid():
    left = STEP.codes[:, 0] < 4
    weighted = _gap_over_diameter(graph_layout(STEP, weight="loss"), left)
    plain = _gap_over_diameter(graph_layout(STEP, weight=None), left)
    assert weighted > 1.5 * plain


def test_the_sparse_solver_gives_the_dense_solvers_layout(monkeypatch):
    cases = [(land, w) for land in (TWO_BASINS, STEP) for w in ("loss", None)]
    dense = [graph_layout(land, weight=w) for land, w in cases]
    monkeypatch.setattr("interactive_hpo.landscape.embedding.DENSE_MAX", 10)  # shift-invert Lanczos from here on
    for (land, w), expected in zip(cases, dense, strict=True):
        np.testing.assert_allclose(graph_layout(land, weight=w, seed=3), expected, atol=1e-7)


def test_tiny_landscapes_get_zeros_where_no_eigenvector_exists():
    # Two configurations: one non-trivial eigenvector (the two ends, symmetric), no second axis.
    # (The eigenvalue of a two-node graph is 2, where the deflated trivial one once sat too.)
    xy = graph_layout(Landscape(("a",), ((0, 1),), (True,), [0.0, 1.0]))
    np.testing.assert_allclose(xy, [[-1.0, 0.0], [1.0, 0.0]])


def test_plot_landscape_graph_draws_edges_ranked_points_local_optima_and_the_optimum():
    ax = plot_landscape_graph(TWO_BASINS, ax=axes())
    edges, points, optima, star = ax.collections
    assert len(edges.get_segments()) == len(TWO_BASINS.edges)
    assert points.get_array().min() == 0 and len(points.get_offsets()) == TWO_BASINS.n
    np.testing.assert_allclose(optima.get_offsets(), graph_layout(TWO_BASINS)[[6, 30]])
    np.testing.assert_allclose(star.get_offsets(), graph_layout(TWO_BASINS)[[6]])
    assert colourbar_label(ax) == "rank (0 = best)" and points.get_cmap().name == "viridis"
    assert len(plot_landscape_graph(TWO_BASINS, ax=axes(), edges=False, weight=None).collections) == 3
    # A maximized objective's best is bright on the heat map: the graph follows it.
    assert plot_landscape_graph(TWO_BASINS, ax=axes(), direction="maximize").collections[1].get_cmap().name == \
        "viridis_r"


def test_the_graphs_star_sits_inside_a_ring_wider_than_itself():
    """Audit a391: the star (320 pt^2) covered its ring (100 pt^2), and "local optima (2)" showed as
    one ring and a star. The ring under the star is wider than the star, in display units too."""
    ax = plot_landscape_graph(TWO_BASINS, ax=axes())
    rings, star = ax.collections[2:]
    under = np.flatnonzero(np.all(rings.get_offsets() == star.get_offsets()[0], axis=1))
    assert len(under) == 1
    ring_radius, star_radius = np.sqrt(rings.get_sizes()[under[0]]) / 2, np.sqrt(star.get_sizes()[0]) / 2   # pt
    assert ring_radius > 1.4 * star_radius
    assert rings.get_facecolors().size == 0 or np.all(rings.get_facecolors()[:, 3] == 0)   # hollow: the star shows
    assert star.get_zorder() > rings.get_zorder()


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.mark.parametrize(("land", "label"), [
    (TWO_BASINS, "local optima (2)"),   # one configuration each: the rings are the optima
    (STEP, "local optima (1, ringed on 36 configurations)"),   # once "local optima (36)"
    # Losses 0, 0, 1, 2, 1, 1 along a; b changes nothing: two flat optima of 4 configurations each.
    (_grid(("a", "b"), (tuple(range(6)), (0, 1)), (True, True), lambda a, b: np.array([0.0, 0, 1, 2, 1, 1])[a]),
     "local optima (2, ringed on 8 configurations)"),
])
def test_plot_landscape_graph_counts_local_optima_as_the_findings_do(land, label):
    ax = plot_landscape_graph(land, ax=axes())
    assert legend_texts(ax)[0] == label
    count = int(re.match(r"local optima \((\d+)", label).group(1))
    assert count == len(local_optima(land, plateaus=True)) == profile(land)["local_optimum_plateaus"]
    assert len(ax.collections[2].get_offsets()) == int(re.search(r"(\d+)\D*\)$", label).group(1))   # the rings


# -- input errors ---------------------------------------------------------------------------------

BAD_INPUTS = [
    (lambda: heatmap_info(THREE, "z", "a"),
     "`x` of heatmap_info must be one of the landscape's parameters ['a', 'b', 'c']; got 'z'."),
    (lambda: heatmap_info(THREE, "a", "a"), "`y` of heatmap_info must be a parameter other than x='a'; got 'a'."),
    (lambda: heatmap_info(THREE, "a", "b", reduce="max"), "`reduce` of heatmap_info must be one of ['best', 'mean']; "
                                                         "got 'max'."),
    (lambda: heatmap_info(np.zeros(3), "a", "b"), "`land` of heatmap_info must be a Landscape; got array"),
    (lambda: trajectory_info(THREE, "a", "q", []),
     "`y` of trajectory_info must be one of the landscape's parameters ['a', 'b', 'c']; got 'q'."),
    (lambda: trajectory_info(THREE, "a", "b", [{"a": 1}]),
     "`params[0]` of trajectory_info must be a params dict with the keys ['a', 'b']; got {'a': 1}. "
     "Missing: ['b']."),
    (lambda: trajectory_info(THREE, "a", "b", [{"a": 1, "b": "x"}, {"a": 1, "b": "w"}]),
     "`params[1]['b']` of trajectory_info must be one of the landscape's levels ['x', 'y']; got 'w'."),
    (lambda: trajectory_info(THREE, "a", "b", {"a": 1, "b": "x"}),
     "`params` of trajectory_info must be a sequence of params dicts; got {'a': 1, 'b': 'x'}."),
    (lambda: plot_trajectory(THREE, "a", "b", [{"a": 1, "b": "x"}]),
     "`params[0]` of plot_trajectory must be a params dict with the keys ['a', 'b', 'c']"),
    (lambda: plot_trajectory(THREE, "a", "b", [{"a": 1, "b": "x", "c": 0}], values=[1.0, 2.0]),
     "`values` of plot_trajectory must be a 1-D array of length 1 (as params); got 'length 2'."),
    (lambda: plot_trajectory(THREE, "a", "b", [{"a": 1, "b": "x", "c": 0}], values=["high"]),
     "`values` of plot_trajectory must be an array of numbers; got ['high']."),
    (lambda: plot_trajectory(THREE, "a", "b", [{"a": 1, "b": "x", "c": 0}], values=0.5),
     "`values` of plot_trajectory must be a sequence of the trials' values (numbers, or None for none); got 0.5."),
    (lambda: train_test_info(THREE), "`land` of train_test_info must be a Landscape with 'train' and 'test' losses "
                                     "in `others` (build_landscape on a SklearnCV task); got 'a landscape with others "
                                     "[]'."),
    (lambda: train_test_info(TRAIN_TEST, top=0), "`top` of train_test_info must be a finite real number in (0, 1]; "
                                                 "got 0."),
    (lambda: heatmap_info(THREE, "a", "b", direction="up"),
     "`direction` of heatmap_info must be one of ['minimize', 'maximize']; got 'up'."),
    (lambda: plot_train_test(TRAIN_TEST, label=""), "`label` of plot_train_test must be a non-empty str (what the "
                                                    "values are, e.g. 'accuracy') or None; got ''."),
    (lambda: graph_layout(STEP, weight="distance"), "`weight` of graph_layout must be one of ['loss', None]; "
                                                    "got 'distance'."),
    (lambda: plot_landscape_graph(STEP, weight="abs"), "`weight` of plot_landscape_graph must be one of ['loss', "
                                                       "None]; got 'abs'."),
    (lambda: plot_similarity(np.zeros((2, 3)), ["a", "b"]),
     "`matrix` of plot_similarity must be a non-empty square array of shape (k, k) of numbers (NaN: n/a); got 'an "
     "array of shape (2, 3)'."),
    # Fuzz round 4: numpy's "could not convert string to float", naming neither plot nor argument.
    (lambda: plot_similarity([["a", "b"], ["c", "d"]], ["a", "b"]),
     "`matrix` of plot_similarity must be a non-empty square array of shape (k, k) of numbers (NaN: n/a); got "
     "[['a', 'b'], ['c', 'd']]."),
    (lambda: plot_landscape(THREE, "a", "b", cmap="nope"), "`cmap` of plot_landscape must be a matplotlib Colormap"),
    # Fuzz round 4: the plots named the info function they call, not themselves.
    (lambda: plot_landscape(THREE, "a", "z"), "`y` of plot_landscape must be one of the landscape's parameters"),
    (lambda: plot_landscape(THREE, "a", "b", reduce="max"), "`reduce` of plot_landscape must be one of"),
    (lambda: plot_trajectory(THREE, "a", "a", []), "`y` of plot_trajectory must be a parameter other than x='a'"),
    # A heat map needs two parameters: on a one-parameter landscape the error said only "other than x".
    (lambda: plot_landscape(Landscape(("a",), ((0, 1, 2),), (True,), [1.0, 0.0, 2.0]), "a", "a"),
     "`y` of plot_landscape must be a parameter other than x='a'; got 'a'. The landscape has one parameter, and a "
     "heat map needs two: plot_landscape_graph draws any landscape"),
    (lambda: plot_train_test(TRAIN_TEST, top=0), "`top` of plot_train_test must be a finite real number in (0, 1]"),
    (lambda: plot_similarity(np.eye(2), ["a", "b", "c"]),
     "`labels` of plot_similarity must be a sequence of 2 labels (one per row of matrix); got ['a', 'b', 'c']."),
    (lambda: plot_similarity(np.eye(2), ["a", "b"], vmin=1, vmax=0),
     "`vmax` of plot_similarity must be greater than vmin=1.0; got 0.0."),
    # Fuzz round 5: plot_trajectory passed its keywords on to plot_landscape, which named itself
    # (an unknown keyword too); a value of a parameter off the plot was refused by
    # Landscape.index_of, a NaN one on it placed at the first level; "no" read as True.
    (lambda: plot_trajectory(THREE, "a", "b", [], direction="max"),
     "`direction` of plot_trajectory must be one of ['minimize', 'maximize']; got 'max'."),
    (lambda: plot_trajectory(THREE, "a", "b", [], label=3), "`label` of plot_trajectory must be a non-empty str"),
    (lambda: plot_trajectory(THREE, "a", "b", [], cmap="nope"), "`cmap` of plot_trajectory must be a matplotlib "
                                                                 "Colormap"),
    (lambda: plot_trajectory(THREE, "a", "b", [], ax="x"), "`ax` of plot_trajectory must be None or a matplotlib "
                                                           "Axes"),
    (lambda: plot_trajectory(THREE, "a", "b", [], show_optima="no"), "`show_optima` of plot_trajectory must be a "
                                                                     "bool; got 'no'."),
    (lambda: plot_trajectory(THREE, "a", "b", [], plateaus=None), "`plateaus` of plot_trajectory must be a bool"),
    (lambda: plot_landscape(THREE, "a", "b", show_basins="no"), "`show_basins` of plot_landscape must be a bool"),
    (lambda: plot_landscape_graph(STEP, seed=-1), "`seed` of plot_landscape_graph must be a non-negative int"),
    (lambda: plot_landscape_graph(STEP, edges="no"), "`edges` of plot_landscape_graph must be a bool; got 'no'."),
    (lambda: plot_trajectory(THREE, "a", "b", [{"a": 1, "b": "x", "c": "zz"}]),
     "`params[0]['c']` of plot_trajectory must be one of the landscape's levels [0, 1, 2, 3] or a finite number; "
     "got 'zz'."),
    (lambda: trajectory_info(THREE, "a", "b", np.array(0.0)),  # iterable by type: "iteration over a 0-d array"
     "`params` of trajectory_info must be a sequence of params dicts; got array(0.)."),
    (lambda: trajectory_info(THREE, "a", "b", [{"a": math.nan, "b": "x"}]),
     "`params[0]['a']` of trajectory_info must be one of the landscape's levels [0, 1, 2] or a finite number; got "
     "nan."),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS, ids=[m[:40] for _, m in BAD_INPUTS])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_heatmap_merges_equal_loss_plateaus_by_default():
    """A flat bad region is one plateau, not a mesh of one-cell optima (losses tie on accuracy grids)."""
    a, b = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    flat = Landscape(("a", "b"), (tuple(range(6)),) * 2, (True, True), np.where((a > 2) & (b > 2), -(a + b), 0.0))
    merged = heatmap_info(flat, "a", "b")
    strict = heatmap_info(flat, "a", "b", plateaus=False)
    assert merged.local_optimum.sum() == 1 and merged.local_optimum[5, 5]   # only the corner (5, 5)
    assert strict.local_optimum.sum() > 10   # the flat zeros with no strictly better neighbour
    assert len(np.unique(merged.basin)) == 1


def _tied_plateaus(x, y):
    """Audit a370's landscape on a 5 x 5 grid: the global optimum a plateau of three cells (0 to 2,
    0), another optimum at (4, 4) and a slope between them."""
    if y == 0 and x <= 2:
        return 0.0
    if (x, y) == (4, 4):
        return 0.2
    return 0.5 + 0.1 * abs(x - 1) + 0.1 * y - (0.35 if (x, y) in [(4, 3), (3, 4)] else 0)


@pytest.mark.parametrize(("land", "dots"), [
    (_grid(("x", "y"), (tuple(range(5)),) * 2, (True, True), np.vectorize(_tied_plateaus)), [[4, 4]]),
    (_grid(("x", "y"), (tuple(range(4)),) * 2, (True, True), lambda x, y: np.ones(np.broadcast(x, y).shape)), []),
])
def test_an_optimal_plateau_is_marked_once_and_the_global_one_by_the_star_alone(land, dots):
    """Audit a370 #1: every cell of an optimal plateau was a "local optimum" dot: four on the tied
    landscape for its two optima, 15 and the star on a constant one, which has one."""
    info = heatmap_info(land, "x", "y")
    assert info.local_optimum.sum() == len(local_optima(land, plateaus=True)) == profile(land)["local_optimum_plateaus"]
    assert info.local_optimum[0, 0] and info.optimum == (0, 0)   # the global plateau's, in the star's cell
    ax = plot_landscape(land, "x", "y", ax=axes())
    (shown,) = [c for c in ax.collections if c.get_label() == "local optimum"]
    (star,) = [c for c in ax.collections if c.get_label() == "global optimum"]
    assert shown.get_offsets().tolist() == dots and star.get_offsets().tolist() == [[0, 0]]
    assert len(dots) + 1 == len(local_optima(land, plateaus=True))
    # Each optimum one configuration apart: merging nothing, every stuck configuration is still one.
    strict = heatmap_info(land, "x", "y", plateaus=False)
    assert strict.local_optimum.sum() == len(local_optima(land))


# -- conditional spaces, overlapping points, legends (audit a174 #3, #6) ---------------------------

@pytest.fixture(scope="module")
def kernels():
    """gamma applies to the rbf kernel only: at "linear" its three levels are one configuration."""
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])
    return build_landscape(FunctionObjective(lambda p: p["C"] + p.get("gamma", 0.25), space), resolution=3)


def test_heatmap_of_a_conditional_space_hatches_and_names_its_inactive_cells(kernels):
    info = heatmap_info(kernels, "kernel", "gamma")
    assert info.inactive.tolist() == [[True, False]] * 3   # rows: gamma levels; columns: linear, rbf
    assert info.inactive_params == ("gamma",) and heatmap_info(THREE, "a", "c").inactive_params == ()
    # A best configuration without gamma (linear, C = 0) is starred at the gamma level its trials are
    # drawn at (the centre), not at the first of its copies.
    linear = np.array([kernels.params(i)["kernel"] == "linear" for i in range(kernels.n)])
    best_linear = kernels.with_losses(np.where(linear, kernels.losses - 1, kernels.losses))
    gamma = best_linear.names.index("gamma")   # the optimum is the first copy, at gamma's first level
    assert best_linear.codes[best_linear.optimum, gamma] == 0 and "gamma" not in best_linear.params(best_linear.optimum)
    assert heatmap_info(best_linear, "kernel", "gamma").optimum == (0, 1)
    assert not heatmap_info(kernels, "C", "gamma").inactive.any()   # the rbf kernel is in every cell
    assert not heatmap_info(THREE, "a", "c").inactive.any()
    ax = plot_landscape(kernels, "kernel", "gamma", ax=axes())
    (hatched,) = [c for c in ax.collections if c.get_label().startswith("gamma inactive")]
    assert len(hatched.get_paths()) == 3 and hatched.get_hatch() == "//"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gamma inactive: copies of one configuration"]
    assert plot_landscape(THREE, "a", "c", ax=axes()).get_legend() is None


def test_a_trajectory_over_a_conditional_landscape_takes_trials_without_their_inactive_parameters(kernels):
    """Audit a174 #1: plot_trajectory refused {"kernel": "linear", "C": ...} for its missing gamma."""
    params = [{"kernel": "linear", "C": 1.0}, {"kernel": "rbf", "C": 0.0, "gamma": 0.0}]
    # The linear trial sits where its grid point is: gamma at the centre level (0.5, index 1).
    np.testing.assert_allclose(trajectory_info(kernels, "C", "gamma", params), [[2.0, 1.0], [0.0, 0.0]])
    ax = plot_trajectory(kernels, "kernel", "gamma", params, ax=axes())
    np.testing.assert_allclose(ax.lines[0].get_xydata(), [[0.0, 1.0], [1.0, 0.0]])
    assert ax.lines[2].get_label() == "best grid cell (#1)"   # loss 0.0 at C = 0, gamma = 0
    assert "gamma inactive: copies of one configuration" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`params[1]` of plot_trajectory must be a mapping with a value for each active parameter")):
        plot_trajectory(kernels, "C", "gamma", [params[0], {"kernel": "rbf", "C": 0.0}], ax=axes())


def test_the_trajectory_legend_sits_below_the_map_not_over_it(built):
    """Notebook 09: the legend covered the heat map's top rows."""
    params = [{"C": 10.0, "x": 1.0, "k": "r"}, {"C": 0.1, "x": 0.0, "k": "p"}, {"C": 1.0, "x": 0.5, "k": "q"}]
    ax = plot_trajectory(built, "C", "x", params, ax=axes())
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0   # below the map
    assert legend.y1 <= ax.xaxis.label.get_window_extent().y0   # and below its axis label


def test_identical_train_test_points_are_one_marker_whose_area_counts_them():
    """Notebook 09: "31 best-trained" forests showed as about nine dots."""
    train = np.r_[np.zeros(6), np.full(4, 0.5)]
    test = np.r_[np.zeros(3), np.full(3, 0.1), np.linspace(0.3, 0.6, 4)]
    land = Landscape(("a",), (tuple(range(10)),), (True,), test, others={"train": train, "test": test})
    ax = plot_train_test(land, top=0.5, ax=axes())
    rest, top = ax.collections
    np.testing.assert_allclose(top.get_offsets(), [[0.0, 0.0], [0.0, 0.1]])
    np.testing.assert_allclose(top.get_sizes(), [24 * 3, 24 * 3])
    np.testing.assert_allclose(rest.get_sizes(), [14] * 4)
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "marker area: configurations at that point"
    assert legend.get_texts()[1].get_text() == "6 best-trained, at 2 points (Spearman: n/a)"
    assert plot_train_test(TRAIN_TEST, top=0.3, ax=axes()).get_legend().get_title().get_text() == ""


def test_train_test_counts_a_conditional_grids_configurations_once(kernels):
    # Review r191: the copies of a configuration at its inactive gamma's levels counted as
    # configurations (17 "best-trained" of 25 at 5 points; one marker of area 216, 9 copies).
    linear = np.array([kernels.params(i)["kernel"] == "linear" for i in range(kernels.n)])
    train = np.where(linear, kernels.losses - 1, kernels.losses)   # linear -0.75, -0.25, 0.25; rbf 0 to 2
    test = train + 0.1 * linear
    land = Landscape(kernels.names, kernels.levels, kernels.ordered, test, space=kernels.space,
                     others={"train": train, "test": test})
    assert (land.n, land.n_configurations) == (18, 12)
    info = train_test_info(land, top=0.25)
    first = land.configuration_points
    np.testing.assert_array_equal(info.train, train[first])
    assert sorted(info.train[info.top]) == [-0.75, -0.25, 0.0]   # a quarter of 12, not 6 copies of 2
    assert info.spearman == pytest.approx(spearmanr(train[first], test[first])[0])
    ax = plot_train_test(land, top=0.25, ax=axes())
    rest, top = ax.collections
    np.testing.assert_allclose(top.get_sizes(), [24] * 3)
    assert rest.get_sizes().sum() == 14 * 9   # the nine other configurations, once each
    assert ax.get_legend().get_texts()[1].get_text().startswith("3 best-trained (Spearman")


def test_a_local_optimum_is_marked_once_not_on_each_of_its_inactive_copies(kernels):
    """Audit a214 #5: notebook 09 drew the starred linear-kernel SVM's four other gamma copies as
    white "local optimum" dots."""
    linear = np.array([kernels.params(i)["kernel"] == "linear" for i in range(kernels.n)])
    best_linear = kernels.with_losses(np.where(linear, kernels.losses - 1, kernels.losses))
    # Over C and gamma the best of every cell is a linear copy; its optimum (C = 0) is one configuration.
    info = heatmap_info(best_linear, "C", "gamma")
    assert np.argwhere(info.local_optimum).tolist() == [[1, 0]] and info.optimum == (0, 1)   # (row, column); (x, y)
    assert np.argwhere(heatmap_info(best_linear, "kernel", "gamma").local_optimum).tolist() == [[1, 0]]
    assert heatmap_info(best_linear, "kernel", "C").local_optimum.sum() == 1   # gamma reduced: one cell anyway
    ax = plot_landscape(best_linear, "C", "gamma", ax=axes())
    (dots,) = [c for c in ax.collections if c.get_label() == "local optimum"]
    assert len(dots.get_offsets()) == 0   # the optimum is the global one: the star's, at (0, 1), alone
    # A tie between a copy and a configuration of the cell's own: the cell's own is drawn, and marked.
    tie = kernels.with_losses(np.where(linear, [kernels.params(i)["C"] for i in range(kernels.n)], kernels.losses))
    tied = heatmap_info(tie, "C", "gamma")
    assert tie.params(int(tied.representative[0, 0])) == {"kernel": "rbf", "C": 0.0, "gamma": 0.0}
    # The two tie on one plateau (rbf and linear at C = 0 are neighbours): the global optimum, the
    # star's cell alone (audit a370: each member of an optimal plateau was a separate optimum).
    assert np.argwhere(tied.local_optimum).tolist() == [[1, 0]] and tied.optimum == (0, 1)
    assert len(local_optima(tie, plateaus=True)) == 1
    # Without conditions nothing changes: each cell whose best is an optimum keeps its dot.
    assert heatmap_info(TWO_BASINS, "a", "b").local_optimum.sum() == 2


def test_the_optima_are_drawn_above_the_trajectory(built):
    """Audit a214 #6: in notebook 09 trial markers and the best-found ring covered the star, and the
    path a local optimum's dot."""
    params = [{"C": 0.1, "x": 0.0, "k": "p"}, {"C": 10.0, "x": 1.0, "k": "r"}, {"C": 0.1, "x": 0.0, "k": "p"}]
    ax = plot_trajectory(built, "C", "x", params, ax=axes(), show_basins=False)
    optima = [c for c in ax.collections if c.get_label() in ("local optimum", "global optimum")]
    assert len(optima) == 2 and min(c.get_zorder() for c in optima) > max(a.get_zorder() for a in ax.lines + ax.texts)
    star = [c for c in optima if c.get_label() == "global optimum"][0]
    assert star.get_zorder() == max(c.get_zorder() for c in optima)   # the star above the dots


def test_the_best_found_ring_circles_the_star_it_sits_on(built):
    """Audit a332: when the best trial is the global optimum, its ring (13 pt) was hidden by the star
    (320 pt^2) in notebook 09. Hollow and wider than the star, it circles it, under the numbers."""
    params = [{"C": 10.0, "x": 1.0, "k": "r"}, {"C": 0.1, "x": 0.0, "k": "p"}]   # #1 is the optimum
    ax = plot_trajectory(built, "C", "x", params, ax=axes(), show_basins=False)
    ring, star = ax.lines[2], [c for c in ax.collections if c.get_label() == "global optimum"][0]
    np.testing.assert_allclose(ring.get_xydata(), star.get_offsets())
    assert ring.get_markerfacecolor() == "none" and ring.get_markersize() > 1.2 * np.sqrt(star.get_sizes()[0])
    assert ring.get_zorder() < min(t.get_zorder() for t in ax.texts)   # it cut the numbers when drawn above them
