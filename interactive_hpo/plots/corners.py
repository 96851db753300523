"""Where a legend inside the Axes covers the fewest points: a fixed corner, chosen in numpy.

``loc="best"`` measures the legend's overlap with every artist's path at each draw: a tenth or
more of a live panel's redraw. Figures updated in place (the Lab's lineage and timeline) choose
a corner from their data with :func:`emptiest_corner` at each update and rebuild their legend
only when the corner or its entries change.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CORNER_SHARE", "LEGEND_CORNERS", "emptiest_corner", "view_fractions"]

#: The corners a legend may sit in, by preference (matplotlib's order for "best"), as (right, top).
LEGEND_CORNERS = {"upper right": (1, 1), "upper left": (0, 1), "lower left": (0, 0), "lower right": (1, 0)}
#: The share of the Axes' width and height a corner's box spans (about a legend's).
CORNER_SHARE = (0.45, 0.4)


def emptiest_corner(ax: Any, points: Any, share: tuple[float, float] = CORNER_SHARE) -> str:
    """The ``loc`` of the corner of ``ax``'s view holding the fewest ``points`` (data
    coordinates, shape (n, 2); NaN rows count nowhere), the first of :data:`LEGEND_CORNERS` on a tie.

    A corner spans ``share`` (width, height) of the view: the legend's own, when the caller has
    measured it (:class:`~interactive_hpo.plots.lineage.LineagePlot`: in the Lab's narrow lineage
    its legend spanned 80% of the width, and covered points the 45% box left out).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.set(xlim=(0, 10), ylim=(0, 10))
    >>> emptiest_corner(ax, [[9, 9], [1, 9], [1, 1]])
    'lower right'
    """
    spots = view_fractions(ax, points)
    width, height = share

    def crowd(right: int, top: int) -> int:
        near_x = spots[:, 0] >= 1 - width if right else spots[:, 0] <= width
        near_y = spots[:, 1] >= 1 - height if top else spots[:, 1] <= height
        return int(np.sum(near_x & near_y))

    return min(LEGEND_CORNERS, key=lambda name: crowd(*LEGEND_CORNERS[name]))


def view_fractions(ax: Any, points: Any) -> np.ndarray:
    """Where ``points`` (data coordinates, shape (n, 2)) sit across ``ax``'s view, 0 to 1 from
    the lower left (beyond it outside), through each axis' scale (a log axis too); shape (n, 2).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.set(xlim=(0, 10), ylim=(1, 100), yscale="log")
    >>> view_fractions(ax, [[5, 10]]).tolist()
    [[0.5, 0.5]]
    """
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    spots = np.empty_like(xy)
    # get_*lim first: it applies a pending autoscale, which ax.transData would not see.
    for column, (axis, limits) in enumerate(((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim()))):
        scale = axis.get_transform()
        low, high = scale.transform(np.asarray(limits, dtype=float))
        spots[:, column] = (scale.transform(xy[:, column]) - low) / (high - low)
    return spots
