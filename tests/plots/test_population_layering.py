"""Nothing a PopulationPlot draws is layered over an inset Axes or a legend in its Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.plots.population import PopulationPlot  # noqa: E402
from interactive_hpo.views import PopulationSnapshot  # noqa: E402

SPACE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])


def test_an_inset_and_a_legend_are_drawn_over_every_marker_of_the_plot():
    # Audit a426: notebook 04's CMA-ES panel zooms on its last generation in an inset (zorder 5, the
    # default); the panel's mean marker (zorder 6) was drawn over the inset, at a point not in it.
    snap = PopulationSnapshot(4, np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([1.0, 2.0]),
                              np.array(["told", "told"], dtype=object), np.array([0, 1]), ((), ()),
                              mean=np.array([0.7, 0.3]), cov=np.eye(2) * 0.01, best_x=np.array([0.2, 0.4]),
                              best_loss=1.0)
    plot = PopulationPlot().update(snap, SPACE.axis("a"), SPACE.axis("b"), (0, 1), legend=False,
                                   proposal=np.array([0.7, 0.3]))
    inset = plot.ax.inset_axes([0.42, 0.04, 0.55, 0.55])
    legend = plot.ax.legend(*plot.legend_entries(), loc="upper left")
    drawn = [plot.links, plot.parents, plot.ellipse, plot.mean_marker, plot.members, plot.best, plot.proposal,
             plot.proposal_line]
    assert max(artist.get_zorder() for artist in drawn) < min(inset.get_zorder(), legend.get_zorder())
    # The markers keep their order among themselves: the smaller mean over the star, the proposal's ring on top.
    order = [plot.members, plot.best, plot.mean_marker, plot.proposal]
    assert all(low.get_zorder() < high.get_zorder() for low, high in zip(order[:-1], order[1:], strict=True))
    plt.close("all")
