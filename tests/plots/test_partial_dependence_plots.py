"""Partial dependence plots: cells where a click changes value, ticks a person can read, a
legend clear of the data (asserted on artists and their pixels)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace  # noqa: E402
from interactive_hpo.plots import plot_partial_dependence, plot_partial_dependence_2d  # noqa: E402
from interactive_hpo.plots.search_axes import cell_edges  # noqa: E402
from interactive_hpo.plots.style import projector_style  # noqa: E402

from .test_log_integer_axes import DECADES, SPACE, visible_labels  # noqa: E402


def new_ax(**figure):
    return FigureCanvasAgg(Figure(**figure)).figure.add_subplot()


def test_the_2d_cells_of_a_log_integer_meet_where_a_click_changes_value():
    k, lr = SPACE.axis("k", resolution=30), SPACE.axis("lr", resolution=5)
    ax = plot_partial_dependence_2d(k, lr, np.arange(60.0).reshape(12, 5), ax=new_ax())
    edges = ax.collections[0].get_coordinates()
    # Geometric midpoints put 1 | 2 at 1.414; a click goes from 1 to 2 at 1.5616.
    np.testing.assert_allclose(edges[0, :, 0], cell_edges(k), rtol=1e-12)
    assert edges[0, 1, 0] == pytest.approx(1.5616, abs=1e-4) and edges[0, 0, 0] == 0.5
    np.testing.assert_allclose(edges[:, 0, 1], cell_edges(lr), rtol=1e-12)   # a log float's: as before


def test_a_short_log_integer_axis_is_labelled_at_whole_numbers():
    ax = plot_partial_dependence(SPACE.axis("k", resolution=30), np.arange(12.0), ax=new_ax())
    assert visible_labels(ax.xaxis) == ["1", "2", "3", "5", "10"]           # 1 and 10 only before
    wide = SearchSpace([Int("n", 1, 1000, log=True)]).axis("n", resolution=10)
    ax = plot_partial_dependence(wide, np.arange(float(len(wide.levels))), ax=new_ax())
    assert visible_labels(ax.xaxis) == DECADES         # wider axes keep their decades


def overlaps(box, other):
    return Bbox.intersection(box, other) is not None


def test_the_categorical_legend_covers_no_point_and_no_error_bar():
    """With loc="best" the legend sat on the error bar of ``True`` (the ridge study's
    ``poly__interaction_only`` in notebook 14, projector style): "best" avoids points, not bars."""
    space = SearchSpace([Categorical("interaction_only", [True, False]), Float("b", 0, 1)])
    with projector_style():
        ax = plot_partial_dependence(space.axis("interaction_only"), [1.0, 0.5], [0.5, 0.3], [2.0, 2.1],
                                     band="90% interval", ax=new_ax(figsize=(6.5, 4), layout="constrained"))
        renderer = ax.figure.canvas.get_renderer()
        ax.figure.draw(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    bars = ax.containers[0].lines[2][0]
    for (x0, y0), (x1, y1) in ax.transData.transform(np.concatenate(bars.get_segments())).reshape(-1, 2, 2):
        assert not overlaps(legend, Bbox([[x0 - 8, y0], [x1 + 8, y1]]))     # the bar and its caps
    for x, y in ax.transData.transform(ax.containers[0].lines[0].get_xydata()):
        assert not overlaps(legend, Bbox([[x - 8, y - 8], [x + 8, y + 8]]))
    assert legend.y1 <= ax.get_window_extent(renderer).y1                    # inside the Axes, above the data


def test_the_note_of_a_conditional_parameter_is_the_title_of_its_curve_and_map():
    """gamma's curve, averaged over the rbf and poly configurations only, read as the whole
    space's (a190 L5): PartialDependence.note is its title, wrapped to the Axes."""
    note = "averaged only where gamma applies: kernel is 'rbf' or 'poly'"
    ax = plot_partial_dependence([0.1, 1.0, 10.0], [1.0, 2.0, 3.0], name="gamma", scale="log", note=note,
                                 ax=new_ax(figsize=(3, 3)))
    assert ax.get_title().replace("\n", "") == note and "\n" in ax.get_title()   # wrapped, not cut
    ax = plot_partial_dependence_2d([0.1, 1.0], ["rbf", "poly"], [[1, 2], [3, 4]], x_name="gamma",
                                    y_name="kernel", y_scale="categorical", note=note, ax=new_ax(figsize=(12, 4)))
    assert ax.get_title() == note
    assert plot_partial_dependence([0, 1], [1.0, 2.0], name="C", ax=new_ax()).get_title() == ""
    with pytest.raises(ValueError, match=r"`note` of plot_partial_dependence must be a str"):
        plot_partial_dependence([0, 1], [1.0, 2.0], name="C", note=None)
