"""The "trial N" labels of a lineage's adopted individuals, laid out each time they are drawn.

After a switch to a GA the population is built from the study's best trials: a dozen of them
sit at generation -1 within a few pixels of each other (their values 0.4 to 11 on an axis to
180), and one label beside each piled up into an illegible stack over the best so far's line
(audit a444). Each label is put where it overlaps no other label, no individual's marker, the
best so far's ring or line, nor the legend, and stays inside the Axes; the labels that find no
such place are left off and one more text by them says how many ("+9 unlabelled").

Laid out when drawn, in pixels as drawn: the Lab's panel is laid out (and resized in the
browser) after the plot is updated, and labels placed for the Axes' size before that would
overlap once the Axes shrank. The
labels are the Axes' texts (``ax.texts``, as before); :class:`TrialLabels`, drawn just before
them, moves them, shows or hides each, and draws the count itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.text import Annotation
from matplotlib.transforms import IdentityTransform

__all__ = ["TrialLabels"]

#: Points between a label and the edge of the marker it names.
GAP = 2.0
#: Pixels two boxes may share before they overlap (antialiasing; the layout checks' tolerance is 1).
SHARED = 0.5
#: The pad of a label's backing, in font sizes: kept clear of everything too.
PAD = 0.15
#: The labels' look: small, grey, on a light backing so that a link running under one does not cross
#: its letters; placed by their offset in pixels from the point (:meth:`TrialLabels.draw`).
LOOK: dict[str, Any] = {
    "xytext": (0.0, 0.0), "textcoords": "offset pixels", "ha": "left", "va": "bottom", "fontsize": "x-small",
    "color": "0.3", "annotation_clip": False, "in_layout": False,
    "bbox": {"boxstyle": f"square,pad={PAD}", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}}
#: The labels' zorder.
LABEL_ZORDER = 4.5
#: The most wanted labels tried, at most; the others are counted without trying (each tried
#: costs about 1.5 ms a draw: 200 adopted individuals added 170-340 ms to each, r452).
MOST_TRIED = 40
#: The points beside which the count is tried, the highest first (and their middle).
COUNT_SPOTS = 12


class TrialLabels(Artist):
    """Texts naming points of an Axes, each shown only where it overlaps nothing (see the module).

    Parameters
    ----------
    ax : matplotlib Axes
        Where the points are; the labels are added to its texts, this artist to its artists.
    marks : sequence of PathCollection
        The scatters whose markers no label may cover (their points and sizes read when drawn).
    lines : sequence of Line2D
        Horizontal lines (``axhline``) no label may cross, when visible.

    Attributes
    ----------
    texts : list of Annotation
        One per label of :meth:`set_labels`, in its order (in ``ax.texts``); after a draw,
        visible if it was placed.
    more : Annotation
        How many were left off, beside them ("+9 unlabelled"; this artist's own, drawn by it);
        hidden when none was.
    """

    def __init__(self, ax: Any, marks: Sequence[Any], lines: Sequence[Any] = ()):
        super().__init__()
        self._marks, self._lines = tuple(marks), tuple(lines)
        self._ax: Any = ax  # as ``axes``, typed for what it is: the Axes given
        self.texts: list[Annotation] = []
        self._points = np.empty((0, 2))
        # Drawn (laid out) before the labels, at LABEL_ZORDER, which are drawn over the markers and
        # the ring (4), under the legend (5).
        self.set_zorder(LABEL_ZORDER - 0.01)
        self.set_in_layout(False)  # placed inside the Axes: nothing for a layout to make room for
        ax.add_artist(self)
        self.more = Annotation("", (0.0, 0.0), **LOOK)
        self.more.set_transform(IdentityTransform())
        self.more.set_figure(ax.figure)
        self.more.axes = ax
        self.more.set_visible(False)

    def set_labels(self, labels: Sequence[tuple[str, tuple[float, float]]]) -> None:
        """Label these points, given as (text, (x, y) in data coordinates), most wanted first: when
        not all fit, the first ones are drawn. The texts drawn are kept and renamed."""
        for annotation in self.texts[len(labels):]:
            annotation.remove()
        del self.texts[len(labels):]
        for k, (text, at) in enumerate(labels):
            if k == len(self.texts):
                self.texts.append(self._ax.annotate(text, at, zorder=LABEL_ZORDER, **LOOK))
            self.texts[k].set_text(text)
            self.texts[k].xy = at
        self._points = np.array([at for _, at in labels], dtype=float).reshape(-1, 2)
        self.stale = True

    def get_children(self) -> list[Any]:
        return [self.more]

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        self._place(renderer)
        self.more.draw(renderer)
        self.stale = False

    def _place(self, renderer: Any) -> None:
        """Show each text at the first free place beside its point, in order, hide the others,
        and say how many they are: dropping the last ones shown until that sentence fits."""
        ax, scale = self._ax, self._ax.figure.dpi / 72.0
        anchors = ax.transData.transform(self._points) if len(self._points) else np.empty((0, 2))
        obstacles, discs = self._obstacles(renderer, scale)
        taken: list[np.ndarray] = []
        shown: list[int] = []
        # A point zoomed or panned out of view is not drawn: neither labelled nor counted (r452:
        # counted, it made "+2 unlabelled" take the place of a label that fitted).
        in_view = [ax.bbox.contains(*anchor) for anchor in anchors]
        for k, text in enumerate(self.texts):
            box = self._put(text, anchors[k], self._measure(text, renderer), discs, obstacles, taken,
                            scale) if in_view[k] and k < MOST_TRIED else None
            text.set_visible(box is not None)
            if box is not None:
                taken.append(box)
                shown.append(k)
        left = [k for k in range(len(self.texts)) if k not in shown and in_view[k]]
        placed, fitted = False, list(shown)
        while left and not placed:
            self.more.set_text(f"+{len(left)} unlabelled")
            size = self._measure(self.more, renderer)
            # Beside the points it counts: at their middle, else by one of them, the highest first;
            # else a few rows above or below one of them (it names a group, not one point); else in
            # a left corner of the Axes.
            spots = [anchors[left].mean(axis=0), *anchors[left][np.argsort(-anchors[left][:, 1])][:COUNT_SPOTS],
                     *np.array([[ax.bbox.x0, ax.bbox.y1], [ax.bbox.x0, ax.bbox.y0]])]  # else a left corner
            for far, at in ((far, at) for far in (False, True) for at in spots):
                self.more.xy = tuple(ax.transData.inverted().transform(at))
                placed = self._put(self.more, at, size, discs, obstacles, taken, scale, far) is not None
                if placed:
                    break
            if placed or not shown:
                break
            last = shown.pop()  # the least wanted label shown makes room for the count
            self.texts[last].set_visible(False)
            taken.pop()
            left = sorted([*left, last])
        if not placed:  # the count fits nowhere: the labels that fitted stay (r452: a crowd of 200 lost them all)
            for k in fitted:
                self.texts[k].set_visible(True)
        self.more.set_visible(placed)

    def _obstacles(self, renderer: Any, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """The boxes no label may overlap, shape (m, 4) as (x0, y0, x1, y1) in pixels, and the
        markers' discs among them, shape (k, 3) as (x, y, radius): a label keeps clear of its own."""
        ax = self._ax
        discs = [np.empty((0, 3))]
        for mark in self._marks:
            offsets = np.asarray(mark.get_offsets(), dtype=float).reshape(-1, 2)
            if not mark.get_visible() or not len(offsets):
                continue
            # Half the marker's size (its area in points squared) and of its edge.
            radius = (np.sqrt(np.max(mark.get_sizes())) + np.max(mark.get_linewidths(), initial=0.0)) / 2 * scale
            centres = ax.transData.transform(offsets)
            discs.append(np.column_stack([centres, np.full(len(centres), radius)]))
        disc = np.concatenate(discs)
        disc = disc[np.isfinite(disc).all(axis=1)]
        boxes = [np.column_stack([disc[:, :2] - disc[:, 2:], disc[:, :2] + disc[:, 2:]])]
        for line in self._lines:
            ys = np.asarray(line.get_ydata(), dtype=float)
            if line.get_visible() and len(ys) and np.isfinite(ys[0]):
                y = ax.transData.transform([[0.0, ys[0]]])[0, 1]
                half = line.get_linewidth() / 2 * scale
                boxes.append(np.array([[ax.bbox.x0, y - half, ax.bbox.x1, y + half]]))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            boxes.append(np.array([legend.get_window_extent(renderer).extents]))
        return np.concatenate(boxes), disc

    def _measure(self, text: Annotation, renderer: Any) -> tuple[float, float, float, float]:
        """Where ``text``'s letters start from its point, and their size: (dx, dy, width,
        height) in pixels, as drawn at no offset."""
        text.set_visible(True)  # a hidden text's extent is matplotlib's unit box
        text.set_position((0.0, 0.0))
        extent = text.get_window_extent(renderer)
        at = self._ax.transData.transform([text.xy])[0]
        return extent.x0 - at[0], extent.y0 - at[1], extent.width, extent.height

    def _put(self, text: Annotation, anchor: np.ndarray, size: tuple[float, float, float, float], discs: np.ndarray,
             obstacles: np.ndarray, taken: list[np.ndarray], scale: float, far: bool = False) -> np.ndarray | None:
        """Move ``text`` (its point at ``anchor``, pixels of shape (2,); its letters ``size``, from
        :meth:`_measure`) to the first place beside the point where its box overlaps none of
        ``obstacles`` and ``taken`` and lies inside the Axes (``far``: rows away from it, see
        :func:`_beside`); its box (x0, y0, x1, y1), or None where there is no such place."""
        if not np.isfinite(anchor).all():
            return None
        start_x, start_y, width, height = size
        pad = PAD * float(text.get_fontsize()) * scale
        width, height = width + 2 * pad, height + 2 * pad
        # Clear of the largest marker centred on the point (the best so far's ring, over a diamond).
        here = np.hypot(*(discs[:, :2] - anchor).T) < 1.0 if len(discs) else np.zeros(0, dtype=bool)
        reach = (discs[here, 2].max() if here.any() else 0.0) + GAP * scale
        frame = self._ax.bbox
        blocked = np.concatenate([obstacles, *([np.array(taken)] if taken else [])])
        for dx, dy in _beside(reach, width, height, far):
            box = np.array([anchor[0] + dx, anchor[1] + dy, anchor[0] + dx + width, anchor[1] + dy + height])
            if box[0] < frame.x0 or box[1] < frame.y0 or box[2] > frame.x1 or box[3] > frame.y1:
                continue
            overlap = np.minimum(blocked[:, 2:], box[2:]) - np.maximum(blocked[:, :2], box[:2])
            if not (overlap > SHARED).all(axis=1).any():
                # The text's own box, inside its backing's pad.
                text.set_position((dx + pad - start_x, dy + pad - start_y))
                return box
        return None


def _beside(reach: float, width: float, height: float, far: bool = False) -> list[tuple[float, float]]:
    """Where a box of ``width`` x ``height`` pixels may go, as its lower left corner's offset from
    the point it names, each clear of a disc of ``reach`` pixels around it: right of the point,
    level with it, then a little higher or lower, then diagonally above and below it (clear of a
    line through the point: the best so far's, through a crowd of trials near the best); the
    same on its left; then above and below it, centred. ``far``: instead, right of the point one
    to three rows above it, then below it (for a text about a group of points)."""
    if far:
        return [(reach, k * height) for k in (1, 2, 3)] + [(reach, -(k + 1) * height) for k in (1, 2, 3)]
    corner = reach * np.sqrt(0.5)
    rows = [(reach, -height / 2), (reach, 0.0), (reach, -height), (corner, corner), (corner, -corner - height)]
    return rows + [(-dx - width, dy) for dx, dy in rows] + [(-width / 2, reach), (-width / 2, -reach - height)]
