"""Figures laid out once and drawn many times: a constrained layout that runs again only when
something that sizes the margins changed, and a figure drawn once into a PNG.

Public for the rooms above plots: the export and the Lab's live figures (``ui/figures.py``) lay
out and draw their figures with these (DESIGN.md section 1: a room's underscore modules are its
own).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import NullFormatter

from .._compat import figure_renderer, legend_placed_best

#: Characters the tick labels of an axis may lose, against those it was laid out for, before the
#: layout runs again (labels that grow always lay it out again): the Model tab's colour bars
#: alternate between labels such as "0.2" and "0.25" as a slice moves, and each alternation laid the
#: figure out again (0.07 s of a slider move's 0.14-0.20 s of CPU); kept, such a margin is at
#: most three characters wider than it needs.
NARROWER_KEPT = 3


class CachedConstrainedLayout(ConstrainedLayoutEngine):
    """Constrained layout that runs only when something that sizes the margins changed
    (:func:`_layout_key`; tick labels a few characters shorter, :data:`NARROWER_KEPT`, are no
    change): it took two thirds of a heatmap figure's draw (0.25 of 0.38 s).

    It runs as part of every draw, as matplotlib's own does: a figure drawn or saved while it
    was not redrawn by its owner (a Lab's hidden tab) kept the margins of before its labels and
    colour bars (the Model tab's "x0" label under a colour bar).

    Parameters
    ----------
    **kwargs
        matplotlib's ``ConstrainedLayoutEngine`` settings (``h_pad``, ``w_pad``, ``hspace``,
        ``wspace``, ``rect``, ``compress``), passed on unchanged.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 3))
    >>> fig.set_layout_engine(CachedConstrainedLayout())
    >>> ax = fig.add_subplot(xlabel="trial", ylabel="loss", ylim=(0, 1))
    >>> FigureCanvasAgg(fig).draw()  # laid out
    >>> before = ax.get_position().bounds
    >>> _ = ax.set_ylim(0, 1.2)  # the same labels, scale and tick labels' widths: the same margins
    >>> fig.canvas.draw()  # not laid out again
    >>> ax.get_position().bounds == before
    True
    """

    _laid_out_for: tuple | None = None

    def execute(self, fig: Any) -> None:
        """Lay ``fig`` out, as ``ConstrainedLayoutEngine`` does, unless nothing that sizes its
        margins changed since the last time (matplotlib calls this in every draw).

        Parameters
        ----------
        fig : matplotlib Figure
            The figure this engine is set on.
        """
        if not any(ax.get_visible() for ax in fig.axes):
            # A figure blanked with its Axes hidden (the Lab's model at a step without one): a
            # layout now would give them no room for their labels, and the Axes shown again kept
            # it, their tick labels off the figure's edge (r452). The last layout is kept for them.
            return
        if not _holds(_layout_key(fig), self._laid_out_for):
            super().execute(fig)
            # Keyed as laid out: the tick labels follow the Axes' new lengths (keyed before,
            # every figure's second draw laid it out again).
            self._laid_out_for = _layout_key(fig)


class _Widths(tuple):
    """The lengths of an axis' tick labels (widest, first, last): a layout made for them holds
    for labels no longer, and at most :data:`NARROWER_KEPT` characters shorter (:func:`_holds`)."""


def _holds(key: Any, laid_out_for: Any) -> bool:
    """Whether a layout made for ``laid_out_for`` (a :func:`_layout_key`) still holds for
    ``key``: equal, but for the tick labels' :class:`_Widths`, which may be a little shorter."""
    if isinstance(key, _Widths) and isinstance(laid_out_for, _Widths):
        return len(key) == len(laid_out_for) and all(
            old - NARROWER_KEPT <= new <= old for new, old in zip(key, laid_out_for, strict=True))
    if type(key) is tuple and type(laid_out_for) is tuple:
        return len(key) == len(laid_out_for) and all(map(_holds, key, laid_out_for))
    return bool(key == laid_out_for)


def _layout_key(fig: Any) -> tuple:
    """What decides the margins: the axes themselves, labels, scales, what the tick labels take
    (:func:`_tick_labels`), and how far the title and the legend reach past the Axes
    (:func:`_reach`, :func:`_legend_reach`).

    The Axes objects, not their ids: a figure cleared and built again (an export's Pareto frame,
    the Lab's second worker simulation) has new axes to lay out, which looked like the old
    (same labels, same limits) and were drawn where matplotlib first puts them; an id may be
    an old one's again once that is freed, an object held in the key cannot.

    The title's reach above and below, not its text: "generation 2" after "generation 1" laid
    the Lab's population panel out again at every generation, for the same margins (its width
    sizes none: the layout counts a title 1 px wide).
    """
    # The draw's renderer, as ConstrainedLayoutEngine.execute measures with (a savefig at another
    # dpi or to PDF has its own); a Text's own is the last draw's.
    renderer = figure_renderer(fig)
    key: list[Any] = []
    for ax in fig.axes:
        key.append((ax, ax.get_visible()))  # a hidden Axes is given no room (a colorbar hidden, then shown)
        for axis in (ax.xaxis, ax.yaxis):
            limits = sorted(axis.get_view_interval())
            key.append((axis.get_label_text(), axis.get_scale(), _tick_labels(axis.major, limits),
                        _tick_labels(axis.minor, limits)))
        key.append(_reach(ax.title.get_window_extent(renderer), ax)[1::2] if ax.get_title() else None)
        key.append(_legend_reach(ax.get_legend(), ax, renderer))
    return tuple(key)


def _legend_reach(legend: Any, ax: Any, renderer: Any) -> tuple | int | None:
    """What of ``ax``'s ``legend`` sizes the margins: how far it reaches past the Axes
    (:func:`_reach`); None without one (or one hidden, or left out of the layout).

    Its reach, not its number of entries: the Lab's population legend, beside the Axes, lost
    "unasked" at each generation's last trial and had it back at the next generation's first,
    and each change laid the panel out again for the same margins (about 50 ms of CPU more
    than a redraw's 70 ms); a legend inside its Axes (the lineage's) sizes none. A legend placed by
    ``loc="best"`` keeps the number of its entries: measuring it would search its place once
    more in every draw (:mod:`.corners`), and it sits inside the Axes when it fits there.
    """
    if legend is None or not legend.get_visible() or not legend.get_in_layout():
        return None
    if legend_placed_best(legend):
        return len(legend.get_texts())
    return _reach(legend.get_window_extent(renderer), ax)


def _reach(extent: Any, ax: Any) -> tuple[float, ...]:
    """How far ``extent`` (a Bbox in display pixels) reaches past ``ax``'s box on each side
    (left, bottom, right, top), 0 where it stays within, in points (the same at any dpi: a HiDPI
    picture is drawn at twice the figure's), rounded to 0.1 pt (float noise of the Axes' moves
    is no change)."""
    box = ax.bbox
    points = 72.0 / ax.figure.dpi
    return tuple(round(max(0.0, float(beyond)) * points, 1)
                 for beyond in (box.x0 - extent.x0, box.y0 - extent.y0, extent.x1 - box.x1, extent.y1 - box.y1))


def _tick_labels(ticker: Any, limits: list[float]) -> tuple:
    """How many characters the tick labels of ``ticker`` (an axis' ``major`` or ``minor``) take
    within its axis' ``limits`` (low, high): the widest, the first and the last (they overhang
    the Axes' ends); and its offset text ("1e6", "+0.97", at the axis' end).

    Keyed on the limits' order of magnitude, the margins of ticks at 0.1 to 0.5 were kept for
    ticks at 0.9700 to 0.9900: the y label of the Lab's timeline ended off the figure (-4.8 px).
    Formatted as the draw formats them (every tick the locator gives, so that the formatter
    picks the same precision and offset), measured only where drawn. It costs under 2 % of a
    redraw (0.3 of 19 ms, the Lab's timeline; 1.4 of 78 ms, the Model tab's maps and colour bars;
    the order of magnitude took 0.01 and 0.1 ms).
    """
    if isinstance(ticker.formatter, NullFormatter):  # no labels (minor ticks of a linear axis)
        return ()
    locs = ticker.locator()
    labels = ticker.formatter.format_ticks(locs)
    low, high = limits
    slack = 1e-10 * (high - low)  # a tick on a limit, a rounding away, is drawn
    lengths = [len(label) for loc, label in zip(locs, labels, strict=True) if low - slack <= loc <= high + slack]
    return _Widths((max(lengths), lengths[0], lengths[-1]) if lengths else ()), ticker.formatter.get_offset()


def drawn_png(fig: Any) -> bytes:
    """``fig`` drawn once, as laid out, encoded as a PNG at its own dpi.

    ``savefig`` draws a figure with a layout engine twice (a pass to lay it out, then the
    picture), and IPython's ``display(fig)`` adds a tight-box measuring pass: three heatmaps
    with colour bars took 0.29 s of CPU for 0.21 s drawn once.

    Parameters
    ----------
    fig : matplotlib Figure
        On a canvas that draws with Agg: ``FigureCanvasAgg`` or a subclass (the inline
        backend's, ipympl's).

    Returns
    -------
    bytes
        The PNG file's content, ``fig.get_figwidth() * fig.dpi`` by ``fig.get_figheight() *
        fig.dpi`` pixels.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import FigureCanvasAgg
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1), dpi=50)
    >>> _ = FigureCanvasAgg(fig)
    >>> drawn_png(fig)[1:4]
    b'PNG'
    """
    from PIL import Image  # a matplotlib dependency

    fig.canvas.draw()
    png = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(png, format="png")
    return png.getvalue()
