"""What the plots updated in place share (the Pareto front and hypervolume, rungs, learning curves):
limits from what is shown now, a legend of what is drawn, and one-shot plots left holding only
the artists that show something.

A plot class builds its artists once and moves them on each update (DESIGN.md section 4): an
artist with nothing to show stays, empty or hidden, for the next update. The ``plot_*`` functions
draw such a plot once, then :func:`drop_empty` removes those artists, so their Axes hold what they
always held (a caller adding its own artists and calling ``ax.legend()`` lists only what is there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._axes import drawn_entries

__all__ = ["blank", "drop_empty", "holds_nothing", "legend_or_none", "relimit", "shown_entries"]


def relimit(ax: Any, *leave_out: Any) -> None:
    """Data limits of what ``ax`` shows now (hidden artists left out), and its view autoscaled to
    them, as a fresh Axes holding only those artists would be.

    ``leave_out``: artists drawn away from their data (markers shifted by some points): ``relim``
    reads their shift as data units and moves the limits by it. Each must lie on points that
    other artists hold, so the limits still cover it.
    """
    shown = [artist for artist in leave_out if artist.get_visible()]
    for artist in shown:
        artist.set_visible(False)
    ax.relim(visible_only=True)
    for artist in shown:
        artist.set_visible(True)
    if not np.isfinite(ax.dataLim.get_points()).all():  # nothing shown: autoscale_view kept the old view
        for axis, scale in (("x", ax.get_xscale()), ("y", ax.get_yscale())):
            if scale == "linear":
                getattr(ax, f"set_{axis}lim")(0, 1, auto=True)  # as fresh Axes show, still autoscaled
        return
    ax.autoscale_view()


def blank(ax: Any, *artists: Any) -> None:
    """Empty the lines ``artists`` of ``ax`` and show ``ax`` as fresh Axes show: linear x, no
    labels, no title, no legend (the ticks follow the limits)."""
    for artist in artists:
        artist.set_data([], [])
    ax.set_xscale("linear")
    ax.set(xlabel="", ylabel="", title="")
    legend_or_none(ax)
    relimit(ax)


def holds_nothing(artist: Any) -> bool:
    """Whether ``artist`` was left empty by its plot: hidden, a line or a collection of no points, a
    text of no characters (the plots here empty an artist so, never by parking it at NaN)."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    if not artist.get_visible():
        return True
    if isinstance(artist, Line2D):
        return len(np.asarray(artist.get_xdata())) == 0
    if isinstance(artist, Collection):
        return len(np.asarray(artist.get_offsets())) == 0
    return isinstance(artist, Text) and not artist.get_text()


def shown_entries(ax: Any) -> tuple[list[Any], list[str]]:
    """Handles and labels of ``ax``'s labelled artists that are visible and show something now."""
    handles, labels = drawn_entries(ax)
    kept = [(handle, label) for handle, label in zip(handles, labels, strict=True) if handle.get_visible()]
    return [handle for handle, _ in kept], [label for _, label in kept]


def legend_or_none(ax: Any, **kwargs: Any) -> Any:
    """A legend of what ``ax`` shows (:func:`shown_entries`) with ``kwargs``, or none: an old one is removed."""
    handles, labels = shown_entries(ax)
    if handles:
        return ax.legend(handles, labels, **kwargs)
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    return None


def drop_empty(*artists: Any) -> None:
    """Remove from their Axes those of ``artists`` that hold nothing (:func:`holds_nothing`)."""
    for artist in artists:
        if holds_nothing(artist):
            artist.remove()
