"""Layout checks on a drawn figure, on data rather than pixels (issue 25, item 2).

A figure is drawn once with Agg; every Text artist that matplotlib actually draws is recorded
(tick labels of ticks outside the view, empty and hidden texts are not drawn, so they are not
judged), and the window extents of those texts are compared: no two may intersect, none may lie
on another panel (a neighbour's Axes covering a tick label or an axis label), none of an inset
may cross the frame of the panel it lies in (its tick labels on the panel's spine), and none may
stick out of the figure (a tick label cut off at the edge of the canvas).

>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(4, 3), layout="constrained")
>>> ax = fig.add_subplot()
>>> _ = ax.set(title="fits", xlabel="trial")
>>> layout_problems(fig)
[]
>>> _ = fig.suptitle("a suptitle", y=0.98, va="top", fontsize=20)
>>> fig.set_layout_engine("none")  # nothing makes room for it now: it covers the panel's title
>>> for problem in layout_problems(fig):  # doctest: +ELLIPSIS
...     print(problem)
'fits' overlaps 'a suptitle' at (...) and (...) px
'a suptitle' lies on the panel 'fits'
"""

from __future__ import annotations

from itertools import combinations
from typing import Any
from unittest import mock

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

__all__ = ["assert_clean_layout", "assert_integer_ticks", "assert_markers_whole", "drawn_texts", "layout_problems"]

#: Pixels two extents may share, or a text may stick out, before it counts: antialiasing and
#: rounding make touching boxes share a pixel without anything being hidden.
TOLERANCE = 1.0


def drawn_texts(fig: Any) -> tuple[list[Text], Any]:
    """Draw ``fig`` with Agg and return the non-blank Text artists drawn, and the renderer used."""
    # A bare Figure (the Lab's panels outside ipympl) has a base canvas that cannot render.
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    drawn: list[Text] = []
    original = Text.draw

    def recording(text: Text, renderer: Any) -> None:
        original(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn.append(text)

    # Patching the class catches every subclass (Annotation calls Text.draw) and only what the
    # axes really draw: labels of ticks beyond the limits are never drawn, so never recorded.
    with mock.patch.object(Text, "draw", recording):
        canvas.draw()
    return drawn, canvas.get_renderer()


def _intersection(a: Any, b: Any) -> float:
    """The smaller side of the intersection of two Bboxes, in pixels (<= 0: disjoint)."""
    return min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0))


def _pixels(box: Any) -> str:
    """A Bbox as "(x0, y0, width, height)" in whole pixels."""
    return str(tuple(round(float(v)) for v in box.bounds))


def _outside(box: Any, frame: Any) -> float:
    """How many pixels ``box`` sticks out of ``frame`` at its worst side."""
    return max(frame.x0 - box.x0, box.x1 - frame.x1, frame.y0 - box.y0, box.y1 - frame.y1)


def _owners(fig: Any) -> dict[int, Any]:
    """The Axes each text of ``fig`` belongs to (tick and axis labels included), by ``id``;
    texts placed on the figure itself (a suptitle) have none."""
    return {id(text): ax for ax in fig.axes for text in ax.findobj(Text)}


def _covering_panels(text: Any, box: Any, owner: Any, fig: Any) -> list[Any]:
    """The visible Axes, other than the text's own, whose area covers part of ``box``.

    Axes on top of the owner's own area (a twin, an inset) are not neighbours: they share it.
    """
    own = None if owner is None else owner.bbox
    return [ax for ax in fig.axes if ax is not owner and ax.get_visible() and ax.axison
            and (own is None or _intersection(ax.bbox, own) <= 0) and _intersection(ax.bbox, box) > TOLERANCE]


def _inset_parents(fig: Any) -> dict[int, Any]:
    """The Axes each text of an inset of ``fig`` (``ax.inset_axes``) lies in, by the text's ``id``
    (a tick label's ``axes`` is None: found among the inset's artists)."""
    return {id(text): ax for ax in fig.axes for inset in ax.child_axes for text in inset.findobj(Text)}


def layout_problems(fig: Any) -> list[str]:
    """Sentences naming each pair of drawn texts that overlap, each text on a neighbouring panel,
    each text of an inset crossing the frame of the panel it lies in (notebook 04's inset put its
    x tick labels on the panel's bottom spine, against the panel's own: audit a378) and each text
    outside the figure."""
    texts, renderer = drawn_texts(fig)
    owners, parents = _owners(fig), _inset_parents(fig)
    boxes = [(text, text.get_text(), text.get_window_extent(renderer)) for text in texts]
    problems = [f"{a!r} overlaps {b!r} at {_pixels(box_a)} and {_pixels(box_b)} px"
                for (_, a, box_a), (_, b, box_b) in combinations(boxes, 2) if _intersection(box_a, box_b) > TOLERANCE]
    problems += [f"{label!r} lies on the panel {panel.get_title() or panel.get_label() or '(untitled)'!r}"
                 for text, label, box in boxes for panel in _covering_panels(text, box, owners.get(id(text)), fig)]
    problems += [f"{label!r} of an inset crosses the frame of its panel {parent.get_title() or '(untitled)'!r}"
                 for text, label, box in boxes if (parent := parents.get(id(text))) is not None
                 and _outside(box, parent.bbox) > TOLERANCE]
    problems += [f"{label!r} sticks out of the figure: {_pixels(box)} in {_pixels(fig.bbox)} px"
                 for _, label, box in boxes if _outside(box, fig.bbox) > TOLERANCE]
    return problems


def assert_clean_layout(fig: Any, what: str = "the figure") -> None:
    """Fail, listing the problems, unless no drawn texts overlap and all lie inside ``fig``."""
    problems = layout_problems(fig)
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))


def assert_integer_ticks(axis: Any) -> None:
    """Fail unless every major tick of ``axis`` (e.g. ``ax.xaxis``) is at a whole number: an axis
    of trial numbers, rounds or generations (a tick at 2.5 names no trial)."""
    locations = [float(x) for x in axis.get_majorticklocs()]
    if not locations or any(x != round(x) for x in locations):
        raise AssertionError(f"ticks of the {axis.axis_name} axis at {locations}: not all whole numbers")


def assert_markers_whole(*artists: Any) -> None:
    """Fail unless each marker artist (a scatter's collection, a Line2D of markers) is clipped to
    its Axes grown by at least its marker's half-size, in pixels as drawn: one centred on the
    Axes' edge (a point on a bound, the last trial) is then drawn whole, not a half disc."""
    for artist in artists:
        if hasattr(artist, "get_sizes"):
            half = max(artist.get_sizes()) ** 0.5 / 2
        else:
            half = artist.get_markersize() / 2
        half *= artist.get_figure(root=True).dpi / 72
        box, frame = artist.get_clip_box(), artist.axes.bbox
        grown = (box is not None and box.x0 <= frame.x0 - half and box.y0 <= frame.y0 - half
                 and box.x1 >= frame.x1 + half and box.y1 >= frame.y1 + half)
        if artist.get_clip_on() and (artist.get_clip_path() is not None or not grown):
            raise AssertionError(f"{artist.get_label()!r} is clipped at {_pixels(frame)}, its Axes (clip box "
                                 f"{box and _pixels(box)}, clip path {artist.get_clip_path()}): a marker on "
                                 f"the edge, {half:.1f} px in half-size, is cut")
