"""The neighbour graph of a loss landscape, laid out in 2-D: every configuration placed by
:func:`~interactive_hpo.landscape.embedding.graph_layout`, coloured by loss rank (the landscape
paper: Huang and Li, arXiv:2311.14014). Heat maps and trajectories are in :mod:`.landscape`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_bool, check_one_of, fail, seed_to_int
from ..direction import Direction
from ..landscape.embedding import graph_layout
from ..landscape.graph import Landscape
from ..landscape.metrics import basins, local_optima
from ._axes import axes_or_new

__all__ = ["plot_landscape_graph"]

#: The global optimum's star, in pt^2; its ring is three times as large.
_STAR = 200


def plot_landscape_graph(land: Landscape, *, weight: str | None = "loss", direction: str = "minimize",
                         ax: Any = None, seed: Any = 0, edges: bool = True) -> Any:
    """Every configuration placed by :func:`~interactive_hpo.landscape.embedding.graph_layout`,
    coloured by loss rank: basins show as clusters, loss cliffs as gaps.

    Parameters
    ----------
    land : Landscape
    weight, seed
        Passed to ``graph_layout``: ``"loss"`` (default) or None, and the solver's seed.
    direction : {"minimize", "maximize"}, default="minimize"
        As for :func:`plot_landscape`, so that both colour the best configurations alike: dark
        for losses, bright for a maximized objective's values.
    ax : matplotlib Axes, optional
    edges : bool, default=True
        Draw the neighbour edges (light lines).

    Returns
    -------
    Axes
        ``ax.collections``: the edges (a LineCollection, if ``edges``), the configurations
        (colour: loss rank, 0 = best, ties share a rank), the local optima (outlined: every
        member of an optimal plateau) and the global optimum (star).

    Notes
    -----
    The legend counts the local optima as :func:`~interactive_hpo.landscape.local_optima` with
    ``plateaus=True`` does (``profile``'s ``local_optimum_plateaus``, the count
    :func:`~interactive_hpo.landscape.check_findings` tests): a plateau of equal-loss neighbours
    is one optimum, the global optimum's among them. Where plateaus hold several configurations,
    it also says how many rings there are: "local optima (2, ringed on 7 configurations)".
    """
    from scipy.stats import rankdata

    if not isinstance(land, Landscape):
        raise fail("land", "plot_landscape_graph", "a Landscape", land)
    weight = check_one_of(weight, "weight", "plot_landscape_graph", ("loss", None))
    goal = Direction.parse(direction, "direction", "plot_landscape_graph")
    seed = seed_to_int(seed, "plot_landscape_graph")   # else graph_layout would name itself
    edges = check_bool(edges, "edges", "plot_landscape_graph")
    xy = graph_layout(land, weight=weight, seed=seed)
    rank = rankdata(land.losses, method="min") - 1
    ax = axes_or_new(ax, (6, 5), owner="plot_landscape_graph")
    if edges:
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection(list(xy[land.edges]), colors="0.8", linewidths=0.5, zorder=1))
    size = float(np.clip(3000 / land.n, 4, 40))  # dense grids get small points
    points = ax.scatter(xy[:, 0], xy[:, 1], c=rank, cmap="viridis" if goal is Direction.MINIMIZE else "viridis_r",
                        s=size, zorder=2)
    # Members of optimal plateaus (equal-loss neighbours merged), as in the heat map.
    optima = np.flatnonzero(land.losses == land.losses[basins(land, plateaus=True)["attractor"]])
    # The ring under the star is wider than the star: the star (320 pt^2) hid a ring of 2.5 points
    # (100 pt^2 at most), and the legend's "local optima (2)" showed as one ring and a star (a391).
    ax.scatter(xy[optima, 0], xy[optima, 1], s=np.where(optima == land.optimum, 3 * _STAR, size * 2.5),
               facecolors="none", edgecolors="red", linewidths=1.2, zorder=3,
               label=_optima_label(len(local_optima(land, plateaus=True)), len(optima)))
    ax.scatter(xy[[land.optimum], 0], xy[[land.optimum], 1], marker="*", s=_STAR, c="red", edgecolors="black",
               linewidths=0.8, zorder=4, label="global optimum")   # as in plot_landscape
    ax.figure.colorbar(points, ax=ax, label="rank (0 = best)")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("neighbour graph, " + ("loss-weighted" if weight == "loss" else "unweighted") + " spectral layout",
                 fontsize="medium")
    ax.legend(loc="best", fontsize="small", framealpha=0.7)
    return ax


def _optima_label(count: int, members: int) -> str:
    """The legend's entry for ``count`` local optima (plateaus merged, as the findings count them)
    drawn as ``members`` rings. It once gave the rings' number alone: 36 "local optima" for one
    plateau of 36 configurations, where ``profile`` and ``check_findings`` count 1."""
    if members == count:
        return f"local optima ({count})"
    return f"local optima ({count}, ringed on {members} configurations)"
