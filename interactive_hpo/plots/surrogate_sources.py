"""Warm-start sources' trials on a surrogate's plots: faded markers behind the study's own trials.

A warm-started study's model also learns from related studies (``Study(..., warm_start=...)``);
their trials are drawn as grey (or muted) diamonds at low opacity, under the study's own points,
one artist per source and Axes, labelled "<source> (warm start)". Plain data in: the points'
positions on the plot axes (:func:`~interactive_hpo.plots.surrogate.axis_positions`), never the
study (DESIGN.md section 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._axes import markers_whole

__all__ = ["SOURCE_ALPHA", "SourcePoints", "legend_under", "matched_range"]

#: Opacity of a source's point on the slice (the study's own points: 1).
SOURCE_ALPHA = 0.45
#: One colour per source: grey for the first, muted colours for the next ones (then again).
SOURCE_COLORS = ("0.55", "tab:brown", "tab:olive", "tab:cyan", "tab:pink")
#: Below the study's own points (zorder 3), above the heatmaps (zorder 1).
SOURCE_ZORDER = 2.5


class SourcePoints:
    """The warm-start sources' trials on some Axes, built once per set of sources, updated in place.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        Where to draw each source's points (the three maps, or the curve's upper Axes).
    names : sequence of str
        The sources' names, in their order.
    legend : bool, default False
        Give the maps a legend of the sources alone, under the last Axes, in the row of x tick
        labels that Axes sharing x with the first leave blank (:func:`legend_under`). Without
        it, the labels join whatever legend the Axes gets (the curve's).
    kind : str, default "warm start"
        Said after each name in its label ("warm start, range matched" where the values are
        :func:`matched_range`'s).

    Attributes
    ----------
    artists : list of list of PathCollection
        ``artists[i][j]``: source ``j`` on ``axes[i]``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> points = SourcePoints([ax], ["svm_on_iris"]).update([[[0.1, 0.2], [0.3, 0.4]]])
    >>> points.artists[0][0].get_label(), len(points.artists[0][0].get_offsets())
    ('svm_on_iris (warm start)', 2)
    """

    def __init__(self, axes: Sequence[Any], names: Sequence[str], *, legend: bool = False, kind: str = "warm start"):
        self.axes, self.names = list(axes), list(names)
        self.artists = [[ax.scatter([], [], marker="D", s=16, color=_color(j), edgecolors=_edge(),
                                    linewidths=0.6, zorder=SOURCE_ZORDER, label=f"{name} ({kind})")
                         for j, name in enumerate(self.names)] for ax in self.axes]
        for diamond in (artist for row in self.artists for artist in row):
            markers_whole(diamond)  # a source's trial on a bound: whole, as the study's own dots
            diamond.set_in_layout(False)
        self.legend = None
        if legend and self.axes and self.names:
            self.legend = legend_under(self.axes[-1], self.artists[-1])

    def update(self, offsets: Sequence[Any], alpha: Sequence[Any] | None = None) -> SourcePoints:
        """Place each source's points.

        Parameters
        ----------
        offsets : sequence of array-like of shape (n_j, 2)
            Source ``j``'s points on the plot axes (x, y), one entry per source.
        alpha : sequence of array-like of shape (n_j,), optional
            Each point's opacity (``SOURCE_ALPHA`` where not given).
        """
        for column in self.artists:
            for j, (artist, points) in enumerate(zip(column, offsets, strict=True)):
                points = np.asarray(points, dtype=float).reshape(-1, 2)
                opacity = np.full(len(points), SOURCE_ALPHA) if alpha is None else np.asarray(alpha[j], dtype=float)
                artist.set_offsets(points)
                artist.set_facecolors(_with_alpha(_color(j), opacity))
                artist.set_edgecolors(_with_alpha(_edge(), opacity))
        return self

    def remove(self) -> None:
        """Take every artist (and the legend) off the Axes: the sources changed or are gone."""
        for column in self.artists:
            for artist in column:
                artist.remove()
        if self.legend is not None:
            self.legend.remove()
        self.artists, self.legend = [], None


def matched_range(losses: np.ndarray, own: np.ndarray) -> np.ndarray:
    """A source's ``losses`` (shape (n,)) moved and stretched onto the range of the study's own
    losses ``own`` (shape (m,)), their order kept: a source's GP enters the model standardized,
    its shape weighed and its level never read (``optimizers.bayes.transfer``), and drawn at its
    own level an accuracy source beside an error study, or another dataset's, sat far below the
    study's values and flattened its curve (a442). Unchanged while the study has no range yet."""
    if len(own) < 2 or len(losses) < 2 or np.ptp(own) == 0 or np.ptp(losses) == 0:
        return losses
    return own.min() + (losses - losses.min()) / np.ptp(losses) * np.ptp(own)


def legend_under(ax: Any, handles: Sequence[Any]) -> Any:
    """A legend of ``handles`` below ``ax``, right-aligned with it, as far down as its x tick
    labels start (clear of a proposal star on the bottom bound, ``SurrogateMaps``); in the layout,
    which makes room for it. On the map it covered a quarter of the mean map, trials and sources
    included (notebook 15's Lab)."""
    from matplotlib.transforms import ScaledTranslation

    tick = ax.xaxis.get_major_ticks(1)[0]
    down = (tick.get_tick_padding() + tick.get_pad()) / 72  # inches, as the tick labels
    return ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.0), fontsize="x-small",
                     bbox_transform=ax.transAxes + ScaledTranslation(0.0, -down, ax.figure.dpi_scale_trans),
                     framealpha=0.7, handletextpad=0.2, borderpad=0.3, borderaxespad=0.0)


def _color(j: int) -> Any:
    from matplotlib.colors import to_rgba

    return to_rgba(SOURCE_COLORS[j % len(SOURCE_COLORS)], SOURCE_ALPHA)


def _edge() -> Any:
    from matplotlib.colors import to_rgba

    return to_rgba("0.15", SOURCE_ALPHA)


def _with_alpha(rgba: Any, alpha: np.ndarray) -> np.ndarray:
    """RGBA rows of shape (n, 4): one colour at each point's own opacity."""
    colors = np.tile(np.asarray(rgba, dtype=float), (len(alpha), 1))
    colors[:, 3] = np.clip(alpha, 0.0, 1.0)
    return colors
