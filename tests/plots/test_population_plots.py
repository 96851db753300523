"""Population plots draw the snapshot they are given (asserted on artists' data)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.plots.lineage import LINEAGE_BEST_LABEL, NOT_BRED_LABEL, plot_lineage  # noqa: E402
from interactive_hpo.plots.population import (  # noqa: E402
    CURVE_LABEL,
    PROPOSAL_LABEL,
    PopulationPlot,
    ellipse_points,
    plot_population,
    rank_shades,
)
from interactive_hpo.plots.search_axes import axis_to_unit  # noqa: E402
from interactive_hpo.study.curves import Lineage  # noqa: E402
from interactive_hpo.views import PopulationSnapshot  # noqa: E402

from ..figure_layout import assert_integer_ticks, assert_markers_whole  # noqa: E402

SPACE = SearchSpace([Float("a", 0.0, 10.0), Float("lr", 1e-4, 1.0, log=True), Categorical("k", ["u", "v"])])


def snapshot(**fields):
    base = {"generation": 3, "X": np.array([[0.1, 0.5, 0.2], [0.9, 0.25, 0.7]]), "losses": np.array([2.0, np.nan]),
            "states": np.array(["told", "pending"], dtype=object), "ids": np.array([10, 11]),
            "parents": ((4,), (4, 5)), "best_x": np.array([0.1, 0.5, 0.2]), "best_loss": 2.0}
    return PopulationSnapshot(**{**base, **fields})


def axes(*names):
    return [SPACE.slice1d(name, resolution=2).axis for name in names]


def test_ellipse_points_lie_on_the_mahalanobis_contour():
    cov = np.array([[0.04, 0.01], [0.01, 0.02]])
    points = ellipse_points(np.array([0.5, 0.5]), cov, n=50, sigmas=2.0)
    distances = np.einsum("ni,ij,nj->n", points - 0.5, np.linalg.inv(cov), points - 0.5)
    np.testing.assert_allclose(distances, 4.0)


def test_members_are_placed_on_the_parameter_axes_and_coloured_by_state():
    plot = PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1))
    np.testing.assert_allclose(plot.members.get_offsets(), [[1.0, 1e-2], [9.0, 1e-3]])
    colors = plot.members.get_facecolors()
    assert not np.allclose(colors[0], colors[1])  # told and pending differ
    assert plot.ax.get_yscale() == "log" and plot.ax.get_title() == "generation 3"
    np.testing.assert_allclose(plot.best.get_offsets(), [[1.0, 1e-2]])
    plt.close("all")


def test_parent_links_and_the_search_ellipse():
    previous = {4: np.array([0.5, 0.5, 0.2]), 5: np.array([0.3, 0.75, 0.7])}
    snap = snapshot(mean=np.array([0.5, 0.5, 0.5]), cov=np.diag([0.01, 0.04, 0.01]))
    plot = PopulationPlot().update(snap, *axes("a", "lr"), (0, 1), previous=previous)
    segments = plot.links.get_segments()
    assert len(segments) == 3  # 4 -> 10, 4 -> 11, 5 -> 11
    np.testing.assert_allclose(segments[0], [[5.0, 1e-2], [1.0, 1e-2]])
    x, y = plot.ellipse.get_xdata(), plot.ellipse.get_ydata()
    assert x.min() == pytest.approx(5.0 - 2 * 0.1 * 10) and x.max() == pytest.approx(5.0 + 2 * 0.1 * 10)
    assert np.all(y > 0) and plot.mean_marker.get_xdata()[0] == pytest.approx(5.0)
    plt.close("all")


def test_a_link_from_an_earlier_generation_starts_at_a_drawn_parent():
    # The links ended in empty space: parents of an earlier generation were not drawn.
    previous = {4: np.array([0.5, 0.5, 0.2]), 5: np.array([0.3, 0.75, 0.7])}
    snap = snapshot(ids=np.array([10, 4]), parents=((4,), ()), X=np.array([[0.1, 0.5, 0.2], [0.5, 0.5, 0.2]]))
    plot = PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), previous=previous)
    np.testing.assert_allclose(plot.parents.get_offsets(), [[5.0, 1e-2], [3.0, 0.1]])  # 4 and 5, each once
    plot.update(snap, *axes("a", "lr"), (0, 1), previous=previous)   # parent 4 is a member (an elite)
    assert len(plot.parents.get_offsets()) == 0 and len(plot.links.get_segments()) == 1
    plt.close("all")


def test_a_search_distribution_past_a_bound_is_drawn_past_it():
    # Clipped to the unit cube, the 2-sd contour ran along the bound, as if it were part of it.
    snap = snapshot(mean=np.array([0.05, 0.9, 0.5]), cov=np.diag([0.01, 0.04, 0.01]))
    plot = PopulationPlot().update(snap, *axes("a", "lr"), (0, 1))
    x, y = plot.ellipse.get_xdata(), plot.ellipse.get_ydata()
    assert x.min() == pytest.approx(0.5 - 2 * 0.1 * 10) and np.sum(x <= 0.0) > 1   # beyond a = 0, not along it
    assert y.max() > 1.0 and plot.ax.get_xlim()[0] == pytest.approx(0.0)   # lr past 1 (log); the view stays
    plt.close("all")


def test_categorical_axis_and_in_place_updates():
    plot = PopulationPlot().update(snapshot(), *axes("a", "k"), (0, 2))
    np.testing.assert_allclose(plot.members.get_offsets()[:, 1], [0, 1])
    members = plot.members
    plot.update(snapshot(states=np.array(["told", "told"], dtype=object), losses=np.array([2.0, 1.0])),
                *axes("a", "k"), (0, 2))
    assert plot.members is members and plot.ax.get_ylim() == (-0.5, 1.5)
    plt.close("all")


def test_one_parameter_plots_losses():
    ax = plot_population(snapshot(), axes("a")[0], None, (0,))
    assert ax.get_ylabel() == "loss"
    plt.close("all")


# -- issue 26: what a lecture room needs to read ------------------------------------------------------
def test_the_legend_lists_only_what_is_drawn():
    # told and pending members and the best point; no ellipse (a GA), no parents known: no links
    plot = PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1))
    assert [t.get_text() for t in plot.ax.get_legend().get_texts()] == ["told", "pending", "best so far"]
    previous = {4: np.array([0.5, 0.5, 0.2])}
    snap = snapshot(mean=np.array([0.5, 0.5, 0.5]), cov=np.eye(3) * 0.01)
    _, labels = plot.update(snap, *axes("a", "lr"), (0, 1), previous=previous, legend=False).legend_entries()
    assert labels == ["told", "pending", "parent → offspring", "parent (earlier)", "search distribution (2 sd)",
                      "its mean", "best so far"]
    assert plot.ax.get_legend() is None  # legend=False: the caller draws one for a row of panels
    plt.close("all")


def test_rank_shades_ignore_the_scale_of_the_values():
    np.testing.assert_allclose(rank_shades([[3.0, 1e6], [np.nan, 1.0]]), [[0.5, 1.0], [np.nan, 0.0]])
    np.testing.assert_allclose(rank_shades([2.0, 2.0, 5.0]), [0.0, 0.0, 1.0])  # ties share the lowest rank
    assert np.isnan(rank_shades([np.nan, np.nan])).all()


def test_the_landscape_is_shaded_by_rank():
    # Branin spans 0.4 to 300: shaded linearly, its valley would be one flat band
    grid = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)]).slice2d("a", "b", resolution=2)
    plot = PopulationPlot()
    plot.set_landscape(grid, np.array([[0.4, 0.5], [1.0, 300.0]]))
    np.testing.assert_allclose(np.asarray(plot.landscape.get_array()).ravel(), [0.0, 1 / 3, 2 / 3, 1.0])
    assert plot.landscape.get_clim() == (0.0, 1.0)
    plot.set_landscape(None)
    assert plot.landscape is None
    plt.close("all")


def test_lineage_links_are_drawn_to_be_seen_and_named():
    from interactive_hpo.plots import plot_lineage
    from interactive_hpo.study.curves import Lineage

    tree = Lineage(ids=np.array([0, 1, 2, 3]), generations=np.array([0, 0, 1, 1]),
                   values=np.array([5.0, 3.0, 2.0, 4.0]), parents=((), (), (0, 1), (0,)), best=2)
    ax = plot_lineage(tree)
    plain, ancestry = ax.collections[:2]
    assert len(plain.get_segments()) == 1 and len(ancestry.get_segments()) == 2  # 0 -> 3; 0 -> 2 and 1 -> 2
    assert plain.get_linewidth()[0] >= 1.0 and plain.get_color()[0][0] <= 0.6  # 1 pt, no lighter than 60% grey
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["parent → child", "ancestry of the best",
                                                                    "individual", "best so far"]
    plt.close("all")


def test_the_legend_sits_beside_the_population_not_on_it():
    plot = PopulationPlot().update(snapshot(mean=np.array([0.5, 0.5, 0.5]), cov=np.diag([0.01, 0.04, 0.01])),
                                   *axes("a", "lr"), (0, 1))
    assert plot.ax.get_legend().get_bbox_to_anchor().transformed(plot.ax.transAxes.inverted()).x0 > 1.0
    # Clear of the markers drawn whole on the right edge: a best in the top-right corner crossed its frame.
    gap = plot.ax.get_legend().get_window_extent().x0 - plot.ax.bbox.x1
    assert gap >= max(plot.best.get_sizes()[0], plot.proposal.get_sizes()[0]) ** 0.5 / 2 * plot.ax.figure.dpi / 72


def test_lineage_without_parents_names_no_links():
    """CMA-ES breeds no children: its lineage has no links, and the legend named two anyway."""
    loners = Lineage(ids=np.array([0, 1]), generations=np.array([0, 1]), values=np.array([5.0, 3.0]),
                     parents=((), ()), best=1)
    ax = plot_lineage(loners)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["individual", "best so far"]
    # The winner is marked even with no ancestry to draw (a GA's best drawn in generation 0 was not).
    best, = [c for c in ax.collections if c.get_label() == "best so far"]
    np.testing.assert_allclose(best.get_offsets(), [[1.0, 3.0]])


def test_a_best_so_far_that_was_not_bred_is_a_line_not_a_ring():
    # After a switch from BO, the ring marked the best individual (18.5) as if it were the study's
    # best (2.2, a BO trial the CMA-ES population was told): a ring means "the best so far" now.
    bred = Lineage(ids=np.array([0, 1, 2]), generations=np.array([0, 1, 1]), values=np.array([18.5, 30.0, 19.0]),
                   parents=((), (0,), (0,)), best=0)
    ax = plot_lineage(bred, best_value=2.2)
    # No individual holds it.
    assert not [c for c in ax.collections if c.get_label() == LINEAGE_BEST_LABEL and len(c.get_offsets())]
    assert all(len(c.get_segments()) == 0 for c in ax.collections if c.get_label() == "ancestry of the best")
    (line,) = [line for line in ax.lines if line.get_label() == NOT_BRED_LABEL]
    assert set(line.get_ydata()) == {2.2} and ax.get_ylim()[0] < 2.2           # and in view
    assert NOT_BRED_LABEL in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plot_lineage(bred, best_value=18.5)                                    # an individual holds it: ringed
    (ring,) = [c for c in ax.collections if c.get_label() == LINEAGE_BEST_LABEL]
    np.testing.assert_allclose(ring.get_offsets(), [[0.0, 18.5]])
    assert not [line for line in ax.lines if line.get_label() == NOT_BRED_LABEL and np.isfinite(line.get_ydata()).any()]
    plt.close("all")


def test_one_generation_is_ticked_at_its_number():
    # Generation 0 alone: matplotlib found fewer than two integers in view and ticked -0.045 ... 0.045.
    ax = plot_lineage(tree(generations=np.array([0, 0])))
    ax.figure.canvas.draw()
    assert_integer_ticks(ax.xaxis)
    assert [t for t in ax.xaxis.get_majorticklocs() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]] == [0.0]
    plt.close("all")


def test_one_parameter_shows_its_whole_range_the_true_curve_and_only_what_is_drawn():
    # The x range shrank to the members, no true curve was drawn, and "pending" was in the legend
    # though members without a loss have no place against the loss.
    plot = PopulationPlot()
    grid = SPACE.slice1d("a", resolution=5)
    plot.set_landscape(grid, np.arange(5.0))
    plot.update(snapshot(), axes("a")[0], None, (0,))
    assert plot.ax.get_xlim() == (0.0, 10.0)
    np.testing.assert_allclose(plot.landscape.get_xydata(), np.column_stack([grid.axis.levels, np.arange(5.0)]))
    assert [t.get_text() for t in plot.ax.get_legend().get_texts()] == ["told", "best so far", CURVE_LABEL]
    plt.close("all")


def test_the_mean_is_drawn_above_the_best_so_far():
    # CMA-ES centres its first generation on the best trial it was told: the star hid the mean.
    plot = PopulationPlot().update(snapshot(mean=np.array([0.1, 0.5, 0.2]), cov=np.eye(3) * 0.01), *axes("a", "lr"),
                                   (0, 1))
    np.testing.assert_allclose(plot.mean_marker.get_xydata(), plot.best.get_offsets())
    assert plot.mean_marker.get_zorder() > plot.best.get_zorder()
    assert plot.mean_marker.get_markersize() ** 2 < plot.best.get_sizes()[0]   # smaller: the star shows around it
    plt.close("all")


def test_the_trial_of_a_past_step_is_marked():
    plot = PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), proposal=np.array([0.9, 0.25, 0.7]))
    np.testing.assert_allclose(plot.proposal.get_offsets(), [[9.0, 1e-3]])
    assert PROPOSAL_LABEL in [t.get_text() for t in plot.ax.get_legend().get_texts()]
    plot.update(snapshot(), axes("a")[0], None, (0,), proposal=np.array([0.9, 0.25, 0.7]))  # its loss unknown: a line
    assert len(plot.proposal.get_offsets()) == 0 and list(plot.proposal_line.get_xdata()) == [9.0, 9.0]
    plot.update(snapshot(), *axes("a", "lr"), (0, 1))
    assert len(plot.proposal.get_offsets()) == 0 and PROPOSAL_LABEL not in plot.legend_entries()[1]
    plt.close("all")


def test_an_integer_axis_is_ticked_at_integers_and_spans_their_bins():
    space = SearchSpace([Float("a", 0.0, 1.0), Int("layers", 1, 4)])
    snap = snapshot(X=np.array([[0.1, 0.125], [0.9, 0.875]]), best_x=np.array([0.1, 0.125]))
    plot = PopulationPlot().update(snap, space.axis("a", 2), space.axis("layers", 2), (0, 1))
    plot.ax.figure.canvas.draw()
    assert_integer_ticks(plot.ax.yaxis)                          # at halves before: 1.0, 1.5, ... 4.0
    assert plot.ax.get_ylim() == (0.5, 4.5)                      # members on 1 and 4 were cut in half
    plt.close("all")


def test_a_log_integer_is_drawn_at_its_value_within_its_bins():
    space = SearchSpace([Float("a", 0.0, 1.0), Int("units", 1, 1000, log=True)])
    values = [1, 3, 22, 999, 1000]
    X = np.array([[0.5, space["units"].to_unit(v)] for v in values])
    plot = PopulationPlot().update(snapshot(X=X, losses=np.arange(5.0), states=np.array(["told"] * 5, dtype=object),
                                            ids=np.arange(5), parents=((),) * 5, best_x=X[0],
                                            mean=X[2], cov=np.eye(2) * 1e-3),
                                   space.axis("a", 2), space.axis("units", 2), (0, 1))
    # Drawn between the levels 1 and 1000 by log(v), 22 was at 18.4 and 3 at 2.6.
    np.testing.assert_allclose(plot.members.get_offsets()[:, 1], values, rtol=1e-12)
    assert plot.ax.get_ylim() == (0.5, 1000.5)                   # 1 and 1000 were cut in half, as a linear int's
    axis = space.axis("units", 2)
    ring = np.array([axis_to_unit(axis, y) for y in plot.ellipse.get_ydata()])  # around its centre, 22
    assert plot.mean_marker.get_ydata()[0] == pytest.approx(22)
    assert ring.max() - X[2, 1] == pytest.approx(X[2, 1] - ring.min())
    assert [space["units"].from_unit(axis_to_unit(axis, v)) for v in values] == values
    plt.close("all")


def tree(**changes):
    """A Lineage of two individuals (1 bred from 0), with ``changes``."""
    fields = dict(ids=np.array([0, 1]), generations=np.array([0, 1]), values=np.array([2.0, 1.0]),
                  parents=((), (0,)), best=1)
    return Lineage(**{**fields, **changes})


# Fuzz round 4: a negative index plotted another parameter without a word, one out of range or a
# float failed inside numpy (IndexError), and a lineage of unequal arrays with "zip() argument 2 is
# shorter" or an AttributeError.
@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0, -1)),
     "`dims` of plot_population must be a tuple of two distinct parameter indices (x, y) in [0, 3); got (0, -1)."),
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0, 5)), "got (0, 5)."),
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0, 1.0)), "got (0, 1.0)."),
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0, 0)), "got (0, 0)."),
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0,)), "got (0,)."),
    (lambda: plot_population(snapshot(), *axes("a", "lr"), [[], []]), "got [[], []]."),  # TypeError: unhashable
    (lambda: plot_population(snapshot(), axes("a")[0], None, (0, 1)),
     "`dims` of plot_population must be a tuple of one parameter index (x; y is the loss) in [0, 3); got (0, 1)."),
    (lambda: PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 3)), "`dims` of PopulationPlot.update"),
    # Fuzz round 5: plot_population named PopulationPlot for its ax; previous failed inside
    # ("dictionary update sequence", np.stack of unequal shapes) and legend="no" read as True.
    (lambda: plot_population(snapshot(), *axes("a", "lr"), (0, 1), ax="x"), "`ax` of plot_population must be None "
                                                                            "or a matplotlib Axes"),
    (lambda: PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), previous=[4]),
     "`previous` of PopulationPlot.update must be None or a dict from an individual's id to its unit-cube position "
     "of shape (3,); got [4]."),
    (lambda: PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), previous={4: [0.5]}),
     "`previous[4]` of PopulationPlot.update must be None or a dict from an individual's id to its unit-cube "
     "position of shape (3,); got 'an array of shape (1,)'."),
    (lambda: PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), legend="no"),
     "`legend` of PopulationPlot.update must be a bool; got 'no'."),
    # ... and a snapshot whose arrays disagree with "zip() argument 2 is longer" or an IndexError.
    (lambda: plot_population(snapshot(ids=np.array([10])), *axes("a", "lr"), (0, 1)),
     "`snapshot` of plot_population must be a PopulationSnapshot (optimizer.population()) whose arrays agree: X of "
     "shape (m, d); losses, states, ids and parents of m entries; best_x and mean of d, cov (d, d); got \"shapes "),
    (lambda: plot_population(snapshot(parents=((4,),)), *axes("a", "lr"), (0, 1)), "and 1 parents"),
    (lambda: plot_population(snapshot(best_x=np.array([0.1])), *axes("a", "lr"), (0, 1)),
     "`snapshot` of plot_population must be a PopulationSnapshot"),
    (lambda: plot_population(snapshot(mean=np.full(3, 0.5), cov=np.eye(2)), *axes("a", "lr"), (0, 1)),
     "`snapshot` of plot_population must be a PopulationSnapshot"),
    (lambda: plot_population(snapshot(X=np.array([["a", "b", "c"]])), *axes("a", "lr"), (0, 1)),
     "`snapshot.X` of plot_population must be numbers"),
    (lambda: plot_population([[0.1, 0.2]], *axes("a", "lr"), (0, 1)),
     "`snapshot` of plot_population must be a PopulationSnapshot (optimizer.population()); got [[0.1, 0.2]]."),
    (lambda: plot_population(snapshot(), "a", None, (0,)), "`x_axis` of plot_population must be an AxisLevels"),
    (lambda: plot_lineage(tree(generations=np.array([0]))),
     "`lineage.generations` of plot_lineage must be a 1-D array of length 2 (as lineage.ids); got 'length 1'."),
    (lambda: plot_lineage([1, 2]), "`lineage` of plot_lineage must be a Lineage (study.curves.lineage(study)) "
                                   "(with ids, generations, values, parents, best, ancestry); got [1, 2]."),
    # Fuzz round 5: each of these failed inside plot_lineage (AttributeError, int() or float() of a
    # str, "'int' object is not iterable", "unhashable type") or drew something else silently (an
    # id 0.5 as 0, a NaN generation or an infinite value not at all, a best individual not in ids).
    (lambda: plot_lineage(SimpleNamespace(ids=np.array([0]), generations=[0], values=[1.0], parents=((),), best=0)),
     "got namespace(ids=array([0]), generations=[0], values=[1.0], parents=((),), best=0). It has no ancestry."),
    (lambda: plot_lineage(tree(ids=[0, 1])),
     "`lineage.ids` of plot_lineage must be an ndarray of shape (n,) of ints (one id per individual); got [0, 1]."),
    (lambda: plot_lineage(tree(ids=np.array(["a", "b"]))), "`lineage.ids` of plot_lineage must be an array of "
                                                           "numbers"),
    (lambda: plot_lineage(tree(ids=np.array([0.5, 1.0]))),
     "`lineage.ids[0]` of plot_lineage must be an int (an individual's id); got 0.5."),
    (lambda: plot_lineage(tree(generations=np.array([0.0, np.nan]))),
     "`lineage.generations[1]` of plot_lineage must be an int (a generation; -1 where unknown); got nan."),
    (lambda: plot_lineage(tree(values=np.array(["a", "b"]))), "`lineage.values` of plot_lineage must be an array "
                                                              "of numbers"),
    (lambda: plot_lineage(tree(values=np.array([1.0, np.inf]))),
     "`lineage.values[1]` of plot_lineage must be a finite number, or NaN for a failed individual; got inf."),
    (lambda: plot_lineage(tree(parents=(0, 1))),
     "`lineage.parents[0]` of plot_lineage must be a tuple of ints (the ids of the parents); got 0."),
    (lambda: plot_lineage(tree(parents=((), (0.0,)))), "`lineage.parents[1]` of plot_lineage must be a tuple of ints"),
    (lambda: plot_lineage(tree(parents=((),))),
     "`lineage.parents` of plot_lineage must be 2 tuples of parent ids, one per individual; got '1 tuples'."),
    (lambda: plot_lineage(tree(parents=5)), "`lineage.parents` of plot_lineage must be 2 tuples of parent ids"),
    (lambda: plot_lineage(tree(best=7)),
     "`lineage.best` of plot_lineage must be None or one of lineage.ids (the best individual); got 7."),
    (lambda: plot_lineage(tree(best=[1])), "`lineage.best` of plot_lineage must be None or one of lineage.ids"),
    (lambda: plot_lineage(tree(), best_value="2"), "`best_value` of plot_lineage must be"),
    (lambda: plot_lineage(tree(adopted={5: 1})),
     "`lineage.adopted` of plot_lineage must be a dict of ids of lineage.ids -> trial numbers; got {5: 1}."),
    (lambda: plot_lineage(tree(adopted=[0])), "`lineage.adopted` of plot_lineage must be a dict of ids"),
    (lambda: PopulationPlot().update(snapshot(), *axes("a", "lr"), (0, 1), proposal=[0.5]),
     "`proposal` of PopulationPlot.update must be None or a unit-cube point of shape (3,); got 'an array of shape "
     "(1,)'."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_members_lacking_a_parameter_drawn_are_left_off_and_counted_in_the_title():
    """A linear SVM has no gamma: NaN there (a conditional space). It was drawn at the coordinate
    its x held, a gamma it never had (a190 L2); now it is left off, with its links, and the
    title says how many."""
    space = SearchSpace([Float("C", 0, 1), Float("gamma", 0, 1)])
    X = np.array([[0.2, 0.4], [0.6, np.nan], [0.8, 0.9]])
    snap = PopulationSnapshot(1, X, np.array([1.0, 0.5, 2.0]), np.array(["told"] * 3, dtype=object),
                              np.array([3, 4, 5]), ((1,), (), (4,)), best_x=np.array([0.6, np.nan]), best_loss=0.5)
    plot = PopulationPlot().update(snap, space.axis("C"), space.axis("gamma"), (0, 1),
                                   previous={1: np.array([0.1, 0.1])}, proposal=np.array([0.3, np.nan]))
    drawn = plot.members.get_offsets()
    assert np.isfinite(drawn).all(axis=1).tolist() == [True, False, True]
    assert len(plot.links.get_segments()) == 1   # 1 -> 3 only: 4 -> 5 starts at no place
    assert len(plot.best.get_offsets()) == 0 and len(plot.proposal.get_offsets()) == 0
    # Under the title; the best point lacks gamma too: its star is gone, and the note says why.
    assert plot.ax.get_title() == "generation 1" and plot.note.get_text().replace("\n", "") == (
        "1 of 3 members is not drawn: gamma is inactive for it; the best so far is not starred: gamma is inactive "
        "for it.")
    assert "best so far" not in plot.legend_entries()[1]
    # A clone of a member lacking gamma (elitism) drawn over C and D is no move: no link, no "parent
    # (earlier)" ring (NaN never equals NaN: review a213 saw 21 zero-length links where the base drew 12).
    three = SearchSpace([Float("C", 0, 1), Float("gamma", 0, 1), Float("D", 0, 1)])
    clone = PopulationSnapshot(2, np.array([[0.6, np.nan, 0.3]]), np.array([0.5]), np.array(["told"], dtype=object),
                               np.array([6]), ((7,),))
    plot = PopulationPlot().update(clone, three.axis("C"), three.axis("D"), (0, 2),
                                   previous={7: np.array([0.6, np.nan, 0.3])})
    assert len(plot.links.get_segments()) == 0 and len(plot.parents.get_offsets()) == 0
    # Over C alone (the loss on y) every member has its place, and nothing is said.
    plot = PopulationPlot().update(snap, space.axis("C"), None, (0,))
    assert plot.note.get_text() == "" and np.isfinite(plot.members.get_offsets()).all()
    plt.close("all")


def test_markers_on_the_box_s_edge_are_drawn_whole_and_lines_stay_in_it():
    # Optimizers reflect or clip into the box, whose bounds are the limits: clipped at the Axes,
    # a member on a bound was half a disc, the best and the mean in a corner a quarter (a201).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    space = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
    snap = snapshot(X=np.array([[0.0, 0.55], [1.0, 0.3]]), losses=np.array([1.0, 2.0]),
                    states=np.array(["told", "told"], dtype=object), parents=((), ()), best_x=np.array([1.0, 1.0]),
                    mean=np.array([0.0, 0.0]), cov=np.eye(2) * 0.02)
    fig = Figure(figsize=(5, 4), dpi=100)
    plot = PopulationPlot(fig.add_subplot()).update(snap, space.axis("x"), space.axis("y"), (0, 1), legend=False,
                                                    proposal=np.array([0.5, 0.0]))
    assert_markers_whole(plot.members, plot.parents, plot.best, plot.mean_marker, plot.proposal)
    for line in (plot.ellipse, plot.links):   # drawn past a bound, cut by the box's frame
        assert line.get_clip_on() and np.allclose(line.get_clip_box().get_points(), plot.ax.bbox.get_points())
    # As drawn: left of the left spine, the member on x = 0 is still its blue, not the figure's white.
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    x, y = plot.ax.transData.transform((0.0, 0.55))
    outside = pixels[int(round(fig.bbox.height - y)), int(np.floor(plot.ax.bbox.x0)) - 2, :3]
    np.testing.assert_allclose(outside, np.array(matplotlib.colors.to_rgb("C0")) * 255, atol=40)
    assert plot.ax.get_xlim() == (0.0, 1.0) and plot.ax.get_ylim() == (0.0, 1.0)   # the axes still mean the box


def test_study_population_says_which_members_lack_a_parameter_and_the_plot_leaves_them_off():
    """``Study.population()`` holds the optimizer's placeholder (0.5) where a parameter is
    inactive: plot_population drew those members at z = 0.5, a value they never had, and said
    nothing (audit h341). Its ``active`` now says so, now and at a past step, as the Lab's panel."""
    from interactive_hpo import Study

    space = SearchSpace([Categorical("k", ["a", "b"]), Float("x", 0, 1), Float("z", 0, 1, condition=("k", "b"))])
    study = Study(space, "ga", seed=0)
    study.run(lambda p: p["x"] + p.get("z", 0.3), n_trials=20)
    for snap in (study.population(), study.population(step=19)):
        lacking = int((~snap.active[:, 2]).sum())
        assert 0 < lacking < len(snap.X) and snap.active[:, :2].all()
        ax = plot_population(snap, space.axis("x"), space.axis("z"), dims=(1, 2))
        drawn = np.isfinite(ax.collections[2].get_offsets()).all(axis=1)   # the members
        assert drawn.tolist() == snap.active[:, 2].tolist()
        note = ax.texts[0].get_text().replace("\n", "")   # PopulationPlot.note
        assert f"{lacking} of {len(snap.X)} members are not drawn: z is inactive" in note
    plt.close("all")


def test_a_row_of_panels_sharing_y_labels_it_once():
    """Notebook 04's rows of four generations (``sharey=True``) said "x1" beside every panel
    (audit h341); the first labels it, as sharey already leaves the tick labels to it."""
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    snap = snapshot(X=np.array([[0.1, 0.5], [0.9, 0.25]]), best_x=np.array([0.1, 0.5]))
    for sharey, expected in ((True, ["b", "", ""]), (False, ["b", "b", "b"])):
        fig, axs = plt.subplots(1, 3, sharey=sharey)
        for ax in axs:
            PopulationPlot(ax).update(snap, space.axis("a"), space.axis("b"), (0, 1), legend=False)
        assert [ax.get_ylabel() for ax in axs] == expected and [ax.get_xlabel() for ax in axs] == ["a"] * 3
    fig, axs = plt.subplots(2, 2, sharey=True)   # each row's first
    for ax in axs.ravel():
        PopulationPlot(ax).update(snap, space.axis("a"), None, (0,), legend=False)
    assert [ax.get_ylabel() for ax in axs.ravel()] == ["loss", "", "loss", ""]
    plt.close("all")


def test_a_lineage_plot_updated_in_place_shows_what_a_fresh_one_shows_with_the_same_artists():
    """The Lab's population panel cleared and redrew its lineage after every trial (DESIGN.md
    section 4: build once, move the artists)."""
    from interactive_hpo.plots.lineage import LineagePlot

    grown = [
        (tree(), None),
        (Lineage(ids=np.array([0, 1, 2]), generations=np.array([0, 1, 1]), values=np.array([18.5, 30.0, 19.0]),
                 parents=((), (0,), (0,)), best=0, adopted={0: 4}), 2.2),  # not bred: a line, a labelled diamond
        (Lineage(ids=np.array([0, 1, 2, 3]), generations=np.array([0, 1, 1, 2]),
                 values=np.array([18.5, 30.0, 19.0, -3.0]), parents=((), (0,), (0,), (2,)), best=3), -3.0),
        (Lineage(ids=np.array([5]), generations=np.array([0]), values=np.array([1.0]), parents=((),), best=5), 1.0),
    ]

    def seen(plot):
        ax = plot.ax
        return ([np.asarray(c.get_offsets()).tolist() for c in (plot.bred, plot.adopted, plot.ring)],
                [[s.tolist() for s in c.get_segments()] for c in (plot.plain, plot.line)],
                np.asarray(plot.not_bred.get_ydata(), dtype=float).tolist(),
                [(a.get_text(), tuple(a.xy)) for a in plot.labels], [t.get_text() for t in ax.get_legend().get_texts()])

    live = LineagePlot()
    artists = [id(a) for a in (live.plain, live.line, live.bred, live.adopted, live.ring, live.not_bred)]
    for lineage, best_value in grown:
        live.update(lineage, best_value)
        fresh = LineagePlot().update(lineage, best_value)
        np.testing.assert_equal(seen(live), seen(fresh))
        np.testing.assert_allclose([live.ax.get_xlim(), live.ax.get_ylim()], [fresh.ax.get_xlim(), fresh.ax.get_ylim()],
                                   rtol=1e-12)  # the best's line passes through the view's transform
        assert [id(a) for a in (live.plain, live.line, live.bred, live.adopted, live.ring, live.not_bred)] == artists
        assert len(live.ax.collections) == 5 and len(live.ax.lines) == 1 and len(live.ax.texts) == len(live.labels)
    plt.close("all")


def test_plot_lineage_in_a_laid_out_figure_fits_its_legend_to_the_axes_as_drawn():
    # Review r375: fitted before constrained layout shrank the Axes, the legend covered a point.
    one = Lineage(ids=np.arange(6), generations=np.zeros(6, int), values=np.array([3.0, 1, 2, 5, 4, 0.5]),
                  parents=((),) * 6, best=5)
    fig, ax = plt.subplots(figsize=(1.4, 2.0), layout="constrained")
    plot_lineage(one, ax=ax)
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    points = ax.transData.transform(np.column_stack([one.generations, one.values]))
    assert not any(box.contains(*point) for point in points)
    plt.close(fig)


@pytest.mark.parametrize("values", [[11.8, 5.55], [2.5, 5.55, 11.8, 3.0]])
def test_the_lineage_legend_covers_no_best_so_far_line(values):
    """The audit's GA (b16): the legend sat in the emptiest corner of individuals, on the red
    dashed "best so far (not bred)" line at 2.2 running across the view's bottom."""
    from ..figure_layout import assert_clean_layout

    tree = Lineage(ids=np.arange(len(values)), generations=np.zeros(len(values), int), values=np.array(values),
                   parents=((),) * len(values), best=None)
    fig = plt.figure(figsize=(7.6, 4.0), dpi=90, layout="constrained")   # the Lab's population panel
    ax = plot_lineage(tree, fig.subplots(1, 2)[1], best_value=2.2)
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    line = ax.transData.transform([(0.0, 2.2)])[0, 1]
    assert not box.y0 <= line <= box.y1 and ax.get_ylim()[0] < 2.2
    points = ax.transData.transform(np.column_stack([tree.generations, tree.values]))
    assert not any(box.contains(*point) for point in points)
    assert_clean_layout(fig)
    plt.close(fig)
