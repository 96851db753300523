"""The helpers every ``plot_*`` function shares: new Axes, and whole-number ticks."""

from __future__ import annotations

from typing import Any


def axes_or_new(ax: Any, figsize: tuple[float, float] = (7, 3.5)) -> Any:
    """``ax``, or new Axes in a new figure of ``figsize`` inches."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def integer_ticks(axis: Any) -> Any:
    """Tick ``axis`` (e.g. ``ax.xaxis``) at whole numbers only; returns it.

    For counts: trial numbers, rounds, generations. Matplotlib's default locator ticks a short
    range at halves, and a tick at trial 2.5 names no trial (issue 25, item 2). The locator stays
    when the limits change (``set_xlim``) but not when the Axes are cleared (``ax.clear()``).
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    return axis
