"""The one helper every ``plot_*`` function starts with."""

from __future__ import annotations

from typing import Any


def axes_or_new(ax: Any, figsize: tuple[float, float] = (7, 3.5)) -> Any:
    """``ax``, or new Axes in a new figure of ``figsize`` inches."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax
