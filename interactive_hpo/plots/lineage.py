"""Draw a population's lineage: every individual by generation and value, who bred whom, and
how the best so far was bred.

Plain data in (a ``Lineage``, :func:`interactive_hpo.study.curves.lineage`'s arrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._compat import figure_renderer
from .._validation import check_real, fail, is_int
from ._axes import axes_or_new, check_axes, drawn_entries, integer_ticks
from ._checks import first_bad, is_sequence, record_fields, records, vector
from .corners import LEGEND_CORNERS, emptiest_corner, view_fractions
from .lineage_labels import TrialLabels

__all__ = ["ADOPTED_LABEL", "LINEAGE_BEST_LABEL", "NOT_BRED_LABEL", "LineagePlot", "plot_lineage"]

#: What :func:`plot_lineage` reads of a ``Lineage``.
LINEAGE_FIELDS = ("ids", "generations", "values", "parents", "best", "ancestry")
#: The legend's entries for :func:`plot_lineage`'s best: ringed, as the population's star says ...
LINEAGE_BEST_LABEL = "best so far"
#: ... or a line at its value, when no individual holds it (a trial of yours, or another optimizer's).
NOT_BRED_LABEL = "best so far (not bred)"
#: The legend's entry for a root the method built from a trial it did not breed (``Lineage.adopted``).
ADOPTED_LABEL = "a trial not bred here"


def _whole(array: np.ndarray, name: str, owner: str, rule: str) -> np.ndarray:
    """``array`` as ints if every entry is a whole number (an id 1.5 would be read as 1)."""
    first_bad(array, np.isfinite(array) & (array == np.round(array)), name, owner, rule)
    return array.astype(int)


def _lineage_arrays(lineage: Any, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, generations, values) of ``lineage``, each of shape (n,), checking its fields: one
    entry each per individual, parents a tuple of ids per individual, best None or one of the ids.
    A malformed one failed inside (int() of a str, float() of None, 'int' object is not iterable)."""
    ids, generations, values, parents, best, _ = record_fields(lineage, LINEAGE_FIELDS, "lineage", owner,
                                                               "a Lineage (study.curves.lineage(study))")
    if not isinstance(ids, np.ndarray):  # Lineage.ancestry reads ids.tolist()
        raise fail("lineage.ids", owner, "an ndarray of shape (n,) of ints (one id per individual)", ids)
    ids = _whole(vector(ids, "lineage.ids", owner), "lineage.ids", owner, "an int (an individual's id)")
    n = len(ids)
    generations = _whole(vector(generations, "lineage.generations", owner, n, "lineage.ids"),
                         "lineage.generations", owner, "an int (a generation; -1 where unknown)")
    values = vector(values, "lineage.values", owner, n, "lineage.ids")
    first_bad(values, ~np.isinf(values), "lineage.values", owner, "a finite number, or NaN for a failed individual")
    rule = f"{n} tuples of parent ids, one per individual"
    parents = records(parents, "lineage.parents", owner, rule)
    if len(parents) != n:
        raise fail("lineage.parents", owner, rule, f"{len(parents)} tuples")
    for k, each in enumerate(parents):
        if not is_sequence(each) or not all(map(is_int, each)):
            raise fail(f"lineage.parents[{k}]", owner, "a tuple of ints (the ids of the parents)", each)
    known = set(ids.tolist())
    if best is not None and not (is_int(best) and best in known):
        raise fail("lineage.best", owner, "None or one of lineage.ids (the best individual)", best)
    adopted = getattr(lineage, "adopted", {})  # a Lineage of its own without it: none
    if not isinstance(adopted, Mapping) or not all(is_int(k) and k in known and is_int(v) for k, v in adopted.items()):
        raise fail("lineage.adopted", owner, "a dict of ids of lineage.ids -> trial numbers", adopted)
    return ids, generations, values


class LineagePlot:
    """Individuals by generation (x) and value (y), a grey line from each parent to its child,
    and the best so far (ringed in red) with its ancestry in red: how the winner was bred.
    Built once; :meth:`update` moves its artists (a live panel redraws it after every trial).

    An individual built from a trial the method did not breed (``lineage.adopted``: before a
    switch, yours) is drawn as a grey diamond labelled with that trial's number where the label
    covers no other label, marker, the best so far's ring or line, nor the legend (those of the
    best's ancestry first, then those nearest the best's value); the others are counted instead
    ("+9 unlabelled": :mod:`.lineage_labels`).

    Parameters
    ----------
    ax : matplotlib Axes, optional

    Attributes
    ----------
    plain, line : LineCollection
        Parent -> child segments; those of the best's ancestry in red.
    bred, adopted : PathCollection
        The individuals; those built from a trial not bred here as diamonds.
    ring : PathCollection
        The best so far, when an individual holds it; else ``not_bred``, a dashed line at its value.
    labels : list of Annotation
        "trial N" of each adopted individual, most wanted first; visible once drawn if it fitted.
    trial_labels : TrialLabels
        Lays them out at each draw, and says how many did not fit (its ``more``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interactive_hpo.study.curves import Lineage
    >>> tree = Lineage(np.array([0, 1]), np.array([0, 1]), np.array([2.0, 1.0]), ((), (0,)), best=1)
    >>> plot = LineagePlot()
    >>> plot.update(tree).bred.get_offsets().tolist(), len(plot.line.get_segments())
    ([[0.0, 2.0], [1.0, 1.0]], 1)
    """

    def __init__(self, ax: Any = None):
        from matplotlib.collections import LineCollection

        ax = self.ax = axes_or_new(ax, (6, 4), owner="LineagePlot")
        # Mid grey at 1 pt: visible on a projector, still behind the ancestry (issue 26).
        self.plain = LineCollection([], colors="0.55", linewidths=1.0, zorder=1, label="parent → child")
        self.line = LineCollection([], colors="C3", linewidths=2.2, zorder=2, label="ancestry of the best")
        ax.add_collection(self.plain)
        ax.add_collection(self.line)
        self.bred = ax.scatter([], [], s=24, color="C0", edgecolors="black", linewidths=0.4, zorder=3,
                               label="individual")
        self.adopted = ax.scatter([], [], s=40, marker="D", color="0.75", edgecolors="black", linewidths=0.6,
                                  zorder=3, label=ADOPTED_LABEL)
        self.ring = ax.scatter([], [], s=110, facecolors="none", edgecolors="C3", linewidths=2.0, zorder=4,
                               label=LINEAGE_BEST_LABEL)
        self.not_bred = ax.axhline(np.nan, color="C3", ls="--", lw=1.5, zorder=4, label=NOT_BRED_LABEL)
        # Clear of every individual, the ring and the "not bred" line.
        self.trial_labels = TrialLabels(ax, (self.bred, self.adopted, self.ring), (self.not_bred,))
        ax.set(xlabel="generation", ylabel="value", title="lineage")
        integer_ticks(ax.xaxis)
        self._legend: tuple[str, ...] | None = None  # the entries of the legend drawn

    def update(self, lineage: Any, best_value: float | None = None) -> LineagePlot:
        """Draw ``lineage`` in place of the last one; returns the plot.

        Parameters
        ----------
        lineage : Lineage
            From :func:`interactive_hpo.study.curves.lineage` (plain arrays: ids, generations,
            values, parents, best, adopted).
        best_value : float, optional
            The best value so far over every trial, the individuals' and the others' (yours,
            another optimizer's before a switch: ``study.best_value``). Given, ``lineage.best`` is
            ringed only if it holds that value; otherwise a red dashed line marks it, "not bred".
            Without it the ring marks ``lineage.best``, the best individual: after a switch from
            another optimizer its ring marked 18.5 while the study's best was 2.2.
        """
        ids, generations, values = _lineage_arrays(lineage, "LineagePlot.update")
        if best_value is not None:
            best_value = check_real(best_value, "best_value", "LineagePlot.update")
        where = {int(i): (float(g), float(v)) for i, g, v in zip(ids, generations, values, strict=True)}
        best = lineage.best
        if best is not None and best_value is not None and where[int(best)][1] != best_value:
            best = None  # the best so far was not bred: an individual ringed as it would say it was
        ancestry = set(lineage.ancestry(best)) if best is not None else set()
        plain: list[list[tuple[float, float]]] = []  # segments (parent, child) as (generation, value) ends
        line: list[list[tuple[float, float]]] = []
        for child, parents in zip(ids.tolist(), lineage.parents, strict=True):
            for parent in parents:
                if parent in where and child in where and np.isfinite(where[parent][1]) \
                        and np.isfinite(where[child][1]):
                    (line if child in ancestry and parent in ancestry else plain).append([where[parent], where[child]])
        self.plain.set_segments(plain)
        self.line.set_segments(line)
        adopted = getattr(lineage, "adopted", {})
        bred = np.array([int(i) not in adopted for i in ids], dtype=bool)
        points = np.column_stack([generations, values]).astype(float).reshape(-1, 2)
        self.bred.set_offsets(points[bred])
        self.adopted.set_offsets(points[~bred])
        # Those that led to the best first, then the nearest to the best's value: in a crowd, the
        # labels kept are those a reader of the winner's line looks for.
        target = where[int(best)][1] if best is not None else best_value
        named = sorted((ident for ident, number in adopted.items() if number >= 0 and np.isfinite(where[ident][1])),
                       key=lambda ident: (ident not in ancestry,
                                          0.0 if target is None else abs(where[ident][1] - target)))
        self.trial_labels.set_labels([(f"trial {adopted[ident]}", where[ident]) for ident in named])
        # Marked itself: a winner drawn in generation 0 has no ancestry to show it.
        self.ring.set_offsets(np.reshape(where[int(best)], (-1, 2)) if best is not None else np.empty((0, 2)))
        shown = best is None and best_value is not None
        self.not_bred.set_data([0, 1] if shown else [np.nan, np.nan], [best_value] * 2 if shown else [np.nan] * 2)
        self.not_bred.set_visible(shown)
        self.fit_legend()
        return self

    @property
    def labels(self) -> list[Any]:
        """The "trial N" annotations (:attr:`trial_labels`' texts)."""
        return self.trial_labels.texts

    def fit_legend(self) -> None:
        """Scale the view to what is drawn and place the legend where it covers no individual and
        no "not bred" line, for the Axes' size now: call it again once a figure laid out after
        :meth:`update` resized them (the Lab's panel, drawn the first time)."""
        self._autoscale()
        points = [self.bred.get_offsets(), self.adopted.get_offsets()]
        if self.not_bred.get_visible():  # it runs across the view: its ends lie in every corner's width
            points.append([(x, self.not_bred.get_ydata()[0]) for x in self.ax.get_xlim()])
        self._place_legend(np.concatenate(points).reshape(-1, 2))

    def _autoscale(self) -> None:
        """The data limits of what is drawn, as adding each artist to cleared Axes set them."""
        ax = self.ax
        ax.relim(visible_only=True)  # the best's line (its value only, as axhline added it); relim skips collections
        for collection in (self.plain, self.line, self.bred, self.adopted, self.ring):
            limits = collection.get_datalim(ax.transData)  # as Axes.add_collection(autolim=True) adds it
            corners = limits.get_points()
            if not np.isinf(limits.minpos).all():
                corners = np.concatenate([corners, [limits.minpos]])
            ax.update_datalim(corners)
        ax.autoscale_view()

    def _place_legend(self, points: np.ndarray) -> None:
        """The legend in the corner of the fewest individuals (not ``loc="best"``, which searched at
        each draw: :mod:`.corners`), a corner as large as the legend itself, and the view stretched
        away from it when individuals are left under it (:meth:`_clear_of`): in the Lab's panel
        the lineage was 1.4 in wide, its legend spanned 80% of it and covered the top individuals.
        Built again only when its entries change, moved when its corner does; no links (CMA-ES
        breeds none): not listed.

        Parameters
        ----------
        points : ndarray of shape (n, 2)
            The individuals drawn, and the "not bred" line's ends, as (generation, value).
        """
        handles, labels = drawn_entries(self.ax)
        legend = self.ax.get_legend()
        if not labels:
            if legend is not None:  # nothing drawn (no individual yet): no empty box
                legend.remove()
            self._legend = None
            return
        if self._legend != tuple(labels) or legend is None:
            legend = self.ax.legend(handles, labels, fontsize="small", loc="upper right")
            self._legend = tuple(labels)
        # Its size, whatever its corner, measured as the draw will (the Axes' box is the last
        # layout's), with its pad from the frame and the ring's radius: a point is a disc.
        box = legend.get_window_extent(figure_renderer(self.ax.figure))
        margin = (legend.borderaxespad * legend.prop.get_size_in_points()
                  + np.sqrt(self.ring.get_sizes()[0]) / 2) * self.ax.figure.dpi / 72
        frame = self.ax.bbox
        share = ((box.width + margin) / frame.width, (box.height + margin) / frame.height)
        loc = emptiest_corner(self.ax, points, share)
        legend.set_loc(loc)
        self._clear_of(points, loc, share)

    def _clear_of(self, points: np.ndarray, loc: str, share: tuple[float, float]) -> None:
        """Stretch the value axis' view so that no point of ``points`` (shape (n, 2)) lies in the
        corner ``loc`` of ``share`` (width, height) of the view: a generation in the middle of
        the view (one generation alone) crowds every corner of a legend half as wide."""
        right, top = LEGEND_CORNERS[loc]
        width, height = share
        spots = view_fractions(self.ax, points)
        spots = spots[np.isfinite(spots).all(axis=1)]
        under = spots[(spots[:, 0] >= 1 - width) if right else (spots[:, 0] <= width), 1]
        under = under[(under >= 1 - height) if top else (under <= height)]
        if not len(under) or height >= 1:  # nothing under it; or a legend taller than the Axes
            return
        # In the axis' scale (linear, log), the view's end moved so that the nearest point
        # left under the legend sits at its edge: fraction 1 - height (top), height (bottom).
        scale = self.ax.yaxis.get_transform()
        low, high = scale.transform(np.asarray(self.ax.get_ylim(), dtype=float))
        if top:
            high = low + (high - low) * under.max() / (1 - height)
        else:
            low = low + (high - low) * (under.min() - height) / (1 - height)
        self.ax.set_ylim(*scale.inverted().transform(np.array([low, high])), auto=None)  # still autoscaled next update


def plot_lineage(lineage: Any, ax: Any = None, best_value: float | None = None) -> Any:
    """Draw :class:`LineagePlot` once: individuals by generation (x) and value (y), who bred
    whom, and the best so far (ringed in red) with its ancestry in red.

    Parameters
    ----------
    lineage : Lineage
        From :func:`interactive_hpo.study.curves.lineage` (plain arrays: ids, generations, values,
        parents, best, adopted).
    ax : matplotlib Axes, optional
    best_value : float, optional
        The best value so far over every trial (see :meth:`LineagePlot.update`).

    Returns
    -------
    matplotlib Axes
    """
    _lineage_arrays(lineage, "plot_lineage")  # refused before a figure is made, in this name
    if best_value is not None:
        check_real(best_value, "best_value", "plot_lineage")
    check_axes(ax, "plot_lineage")
    plot = LineagePlot(ax).update(lineage, best_value)
    engine = plot.ax.figure.get_layout_engine()
    if engine is not None:  # laid out, the Axes shrink: a legend fitted before covered a point (review r375)
        engine.execute(plot.ax.figure)
        plot.fit_legend()
    return plot.ax
