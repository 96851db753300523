"""The helpers ``plot_*`` functions share: new Axes (for counts too), error bar lengths, whole-number ticks, log
axes labelled plainly, distinct tick labels, a band of the y range kept free for a legend, legend
entries for what is drawn, many polylines as one line, and markers drawn whole on the Axes' edge."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.ticker import LogFormatterSciNotation
from matplotlib.transforms import BboxBase

from .._validation import fail

#: A log axis spanning fewer decades than this is labelled with plain numbers ("30", "0.5").
PLAIN_DECADES = 2.0

#: How every plot of trials marks a trial of yours (a manual one): a gold star outlined in black
#: (the History plot's; the Model tab's maps drew them as plain dots, the optimizer's look).
MANUAL_MARKER: dict[str, Any] = {"marker": "*", "color": "gold", "edgecolor": "black", "linewidth": 0.6}
#: How every plot of trials marks a FAILED one: a red cross.
FAILED_MARKER: dict[str, Any] = {"marker": "x", "color": "C3"}


def axes_or_new(ax: Any, figsize: tuple[float, float] = (7, 3.5), *, owner: str) -> Any:
    """``ax`` if it is a matplotlib Axes, or new Axes in a new figure of ``figsize`` inches if
    it is None (see :func:`check_axes`; ``owner`` is the plot the user called)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")  # saved from a script: nothing cut
        return ax
    return check_axes(ax, owner)


def check_axes(ax: Any, owner: str, name: str = "ax", optional: bool = True) -> Any:
    """``ax`` (argument ``name`` of ``owner``) if it is a matplotlib Axes, or None when
    ``optional``; anything else is refused here, before drawing, where a str or a Figure would
    fail deep inside with an AttributeError."""
    from matplotlib.axes import Axes

    if (ax is not None or not optional) and not isinstance(ax, Axes):
        raise fail(name, owner, "None or a matplotlib Axes (where to draw)" if optional else "a matplotlib Axes", ax,
                   hint="A Figure holds Axes: pass fig.add_subplot() or one of plt.subplots()'s." if
                   hasattr(ax, "add_subplot") else None)
    return ax


def check_figure(fig: Any, owner: str, name: str = "fig") -> Any:
    """``fig`` (argument ``name`` of ``owner``) if it is None or a matplotlib Figure (or SubFigure)
    to draw several panels in; an Axes or a str would fail inside with an AttributeError."""
    from matplotlib.figure import FigureBase

    if fig is not None and not isinstance(fig, FigureBase):
        raise fail(name, owner, "None or a matplotlib Figure (where to put the panels)", fig)
    return fig


def check_cmap(cmap: Any, owner: str, name: str = "cmap") -> Any:
    """``cmap`` (argument ``name`` of ``owner``) if it is a Colormap or the name of a registered one
    ("viridis"); an unknown name would fail inside matplotlib, naming neither."""
    from matplotlib import colormaps
    from matplotlib.colors import Colormap

    if not isinstance(cmap, Colormap) and not (isinstance(cmap, str) and cmap in colormaps):
        raise fail(name, owner, "a matplotlib Colormap or the name of one (see matplotlib.colormaps)", cmap)
    return cmap


def error_lengths(centre: np.ndarray, interval: np.ndarray) -> np.ndarray:
    """Matplotlib's asymmetric error lengths, shape (2, d), of ``centre`` (d,) within ``interval``
    (d, 2); a centre outside its interval (a mean beyond a percentile) gets a zero-length side,
    not a negative one."""
    return np.maximum(np.vstack([centre - interval[:, 0], interval[:, 1] - centre]), 0.0)


def integer_ticks(axis: Any) -> Any:
    """Tick ``axis`` (e.g. ``ax.xaxis``) at whole numbers only; returns it.

    For counts: trial numbers, rounds, generations. Matplotlib's default locator ticks a short
    range at halves, and a tick at trial 2.5 names no trial (issue 25, item 2). With fewer than
    two whole numbers in view (one generation, one trial) it ticks the one there: asked for two,
    matplotlib fell back to ticks at hundredths ("-0.045 -0.030 ..."), which overlapped. The
    locator stays when the limits change (``set_xlim``) but not when the Axes are cleared (``ax.clear()``).

    Public as ``interactive_hpo.plots.integer_ticks`` (the Lab's panels tick with it too).

    Parameters
    ----------
    axis : matplotlib Axis
        ``ax.xaxis`` or ``ax.yaxis`` of a linear axis that counts.

    Returns
    -------
    matplotlib Axis
        ``axis``, its major locator replaced.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot(xlim=(0, 3))
    >>> [f"{tick:g}" for tick in integer_ticks(ax.xaxis).get_ticklocs()]  # not 0, 0.5, 1, ...
    ['0', '1', '2', '3']
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    return axis


def counting_axes(ax: Any, owner: str) -> Any:
    """``ax``, or new Axes (:func:`axes_or_new`; ``owner``: the plot called), whose x axis counts
    (rounds, generations): its ticks are whole numbers (:func:`integer_ticks`)."""
    ax = axes_or_new(ax, owner=owner)
    integer_ticks(ax.xaxis)
    return ax


def legend_in_band(legend: Any, axes: Sequence[Any], side: str) -> None:
    """Widen the y range of every Axes in ``axes`` by ``legend``'s height on ``side`` ("top" or
    "bottom"), so that the legend, placed on that side, sits in a band no line can reach."""
    # 1.3x and a margin: constrained layout still shrinks the Axes to fit its labels.
    band = min(0.5, 1.3 * legend.get_window_extent().height / axes[0].get_window_extent().height + 0.02)
    for each in axes:
        low, high = each.get_ylim()
        log = each.get_yscale() == "log"
        if log:  # the same share of the height, in decades
            low, high = np.log10(low), np.log10(high)
        with np.errstate(over="ignore"):
            span = (high - low) * band / (1 - band)
            low, high = (low, high + span) if side == "top" else (low - span, high)
            limits = (10.0 ** low, 10.0 ** high) if log else (low, high)
        # Values near the float range (a manual 1.7e308; a diverged run over 300 decades) have no
        # room for a band: the limits stay, and the legend may cover a point rather than the plot fail.
        if np.all(np.isfinite(limits)):
            each.set_ylim(*limits)


class PlainLogFormatter(LogFormatterSciNotation):
    """Plain numbers ("30", "0.5") on a log axis spanning under :data:`PLAIN_DECADES` decades.

    On so short an axis matplotlib labels the minor ticks, as "3x10^1" (issue 26, item 9). The
    ticks that get a label are still chosen by the parent class; only the text changes, and only
    for numbers that read plainly (1e-3 to 1e5). Wider axes keep powers of ten.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not np.isfinite(x):  # matplotlib's locator puts a tick past 1e308 on an axis of ~300 decades
            return ""
        label = super().__call__(x, pos)
        low, high = sorted(self.axis.get_view_interval()) if self.axis is not None else (0.0, 0.0)
        if label and low > 0 and np.log10(high / low) < PLAIN_DECADES and 1e-3 <= abs(x) < 1e5:
            return f"{x:g}"
        return label


def joined_polylines(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Polylines of shape (k_i, 2) as one array of shape (sum k_i + n, 2), a NaN row after each.

    Drawn as one ``Line2D``, each polyline is its own stroke (matplotlib breaks a line at a NaN),
    and ``legend(loc="best")`` still avoids every vertex. Overlapping curves of one line do not
    darken each other: a line is painted once, however many of its curves cross a pixel.
    """
    gap = np.full((1, 2), np.nan)
    return np.concatenate([part for line in lines for part in (line, gap)]) if len(lines) else np.empty((0, 2))


def drawn_entries(ax: Any) -> tuple[list[Any], list[str]]:
    """Handles and labels of ``ax``'s labelled artists that show something now.

    An artist built once and updated in place may hold no data: a line with no finite point (a
    marker parked at NaN, a true function not given), a scatter with no points, a set of segments
    with none. Listed anyway, the legend named what the plot does not show ("true function" on a
    Lab model of a real objective, "parent → child" for CMA-ES, which breeds no children).
    """
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.lines import Line2D

    def shows(artist: Any) -> bool:
        if isinstance(artist, Line2D):
            return bool(np.isfinite(np.asarray(artist.get_xdata(), dtype=float)).any())
        if isinstance(artist, LineCollection):
            return len(artist.get_segments()) > 0
        if isinstance(artist, PathCollection):
            return len(np.asarray(artist.get_offsets())) > 0
        return True

    handles, labels = ax.get_legend_handles_labels()
    kept = [(handle, label) for handle, label in zip(handles, labels, strict=True) if shows(handle)]
    return [handle for handle, _ in kept], [label for _, label in kept]


#: Most ticks (plus one) :func:`steady_ticks` puts on an axis.
STEADY_BINS = 6


def steady_ticks(axis: Any, integer: bool = False) -> None:
    """Tick a linear ``axis`` (``ax.yaxis``) at a count that does not follow the axes' size;
    ``integer``: at whole numbers only (an integer parameter: a tick at 2.5 layers names none).

    matplotlib's AutoLocator picks its count from the axes' height, which constrained layout
    changes after measuring the tick labels: the Lab's figures were measured with "0 5 10 15",
    drawn with the wider "0.0 2.5 ... 15.0", and their y labels ("x1" of Branin, "objective" of a
    maximized study) fell off the figure's left edge.
    """
    from matplotlib import ticker

    axis.set_major_locator(ticker.MaxNLocator(STEADY_BINS, steps=[1, 2, 2.5, 5, 10], integer=integer,
                                              min_n_ticks=1 if integer else 2))


#: Characters of tick-label text an inch holds (10 pt sans-serif, about 0.6 em a character).
CHARACTERS_PER_INCH = 12.0


def slot_characters(ax: Any, slots: float, fontsize: float = 10.0) -> int:
    """How many characters of text ``fontsize`` points high (tick labels' 10 by default) fit one
    of ``slots`` equal shares of ``ax``'s width (at least 4), measured at its current position
    (before any layout, the subplot's)."""
    width = ax.get_position().width * ax.figure.get_figwidth()  # inches
    return max(int(CHARACTERS_PER_INCH * 10.0 / fontsize * width / max(slots, 1.0)), 4)


def category_xticks(ax: Any, names: Sequence[str]) -> None:
    """Tick ``ax``'s x axis at 0..k-1 with the k ``names`` (categories, parameters), each wrapped
    (:func:`wrap_name`) to its share of the axes' width: on one line, long names ran into each
    other ("stochastic_gradient_descent" over "adam_with_weight_decay")."""
    room = slot_characters(ax, len(names))
    labels = [wrap_name(name, room) for name in names]
    ax.set_xticks(np.arange(len(names)), labels)
    longest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    if longest > room:
        # A word longer than its slot keeps its line ("colsample_bytree" ran into "subsample" at
        # ten parameters in a tab's width): the labels shrink to fit, down to a readable 6 points.
        size = max(6.0, ax.xaxis.get_ticklabels()[0].get_fontsize() * room / longest)
        ax.tick_params(axis="x", labelsize=size)


def wrap_name(name: str, room: int) -> str:
    """``name`` in lines of at most ``room`` characters, broken after a separator ("_", "-", " ")
    only: a word longer than ``room`` keeps its line."""
    if len(name) <= room:
        return name
    lines = [""]
    for piece in re.findall(r"[^_\- ]*[_\- ]?", name):
        if lines[-1] and len(lines[-1]) + len(piece) > room:
            lines.append("")
        lines[-1] += piece
    return "\n".join(line for line in lines if line)


def distinct_labels(steps: np.ndarray) -> list[str]:
    """Tick labels of sorted distinct ``steps`` (budgets, steps), shape (k,): 3 significant
    digits, more where two would read the same (0.11111 and 0.11112 were both "0.111")."""
    for digits in range(3, 17):
        labels = [f"{step:.{digits}g}" for step in steps]
        if len(set(labels)) == len(labels):
            break
    return labels


def wipe(ax: Any) -> None:
    """Remove what was plotted, keeping the axes' setup: four times faster than ``ax.clear()``,
    which rebuilds the ticks (it was a third of a step's time in the Lab's Pareto tab, which now
    moves its artists in place instead).

    Public as ``interactive_hpo.plots.wipe``, for figures drawn again into the same Axes.

    Parameters
    ----------
    ax : matplotlib Axes
        Its lines, collections, patches, texts and legend are removed; its labels, scales and
        locators stay, and its data limits are emptied for the next plot to set.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot(xlabel="trial")
    >>> _ = ax.plot([0, 1], [1, 0], label="loss")
    >>> _ = ax.legend()
    >>> wipe(ax)
    >>> len(ax.lines), ax.get_legend(), ax.get_xlabel()
    (0, None, 'trial')
    """
    check_axes(ax, "wipe", optional=False)  # wipe(3) was an AttributeError from inside
    for artist in [*ax.collections, *ax.lines, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.relim()  # the data limits of what is left (nothing): the next plot sets them


def log_scale(ax: Any, which: str) -> None:
    """Put ``ax``'s x or y axis (``which``) on a log scale labelled by :class:`PlainLogFormatter`."""
    if which == "x":
        ax.set_xscale("log")
    else:
        ax.set_yscale("log")
    axis = ax.xaxis if which == "x" else ax.yaxis
    # After set_*scale, which installs the scale's default formatters.
    axis.set_major_formatter(PlainLogFormatter(base=10))
    axis.set_minor_formatter(PlainLogFormatter(base=10, labelOnlyBase=False))


class _Grown(BboxBase):
    """``bbox`` (display units) grown by ``points`` on every side at ``figure``'s dpi now (a copy
    saved at another dpi is grown by as many points)."""

    def __init__(self, bbox: Any, points: float, figure: Any):
        super().__init__()
        self._bbox, self._points, self._figure = bbox, points, figure
        self.set_children(bbox)

    def get_points(self) -> np.ndarray:
        pad = self._points * self._figure.dpi / 72.0
        return self._bbox.get_points() + np.array([[-pad, -pad], [pad, pad]])


def markers_whole(*artists: Any) -> None:
    """Clip each marker artist (a scatter's PathCollection, a Line2D of markers) to its Axes
    grown by its marker's half-size and edge: a marker centred on the Axes' edge (a point on a
    bound of the space, the last trial) is drawn whole, where the clip at the Axes cut it in
    half, and one zoomed out of view is still hidden (``clip_on=False`` drew it over the ticks).
    Lines stay clipped to the Axes. Sizes are read now: call it after setting them."""
    for artist in artists:
        if hasattr(artist, "get_sizes"):   # a collection: sizes are areas in points squared
            size = float(np.sqrt(np.max(artist.get_sizes(), initial=0.0)))
            edge = float(np.max(artist.get_linewidths(), initial=0.0))
        else:
            size, edge = float(artist.get_markersize()), float(artist.get_markeredgewidth())
        artist.set_clip_path(None)   # the Axes' patch, which clips at the Axes too
        # One point more for antialiasing.
        artist.set_clip_box(_Grown(artist.axes.bbox, (size + edge) / 2 + 1.0, artist.figure))


def inner_shared_y(ax: Any) -> bool:
    """True when ``ax`` shares its y axis with another Axes and is not in the first column of its
    grid (``plt.subplots(1, 4, sharey=True)``): its y label repeats the first one's, which
    matplotlib's ``sharey`` hides on the tick labels only."""
    spec = ax.get_subplotspec()
    return spec is not None and not spec.is_first_col() and len(ax.get_shared_y_axes().get_siblings(ax)) > 1
