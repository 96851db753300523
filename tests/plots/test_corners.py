"""A legend goes to the corner of the Axes' view that holds the fewest points."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo.plots.corners import emptiest_corner  # noqa: E402


def test_corners_are_read_through_the_axes_scales():
    """On a log axis 5,000 of 1 to 10,000 sits near the top, not in the middle: the corners
    were read in linear data units."""
    ax = Figure().add_subplot()
    ax.set_yscale("log")
    ax.set(xlim=(0, 10), ylim=(1, 1e4))
    assert emptiest_corner(ax, [[9, 5e3], [1, 5e3], [9, 1.5], [1, np.nan]]) == "lower left"
