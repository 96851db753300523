"""Draw a population: the current generation over two parameters, its search distribution
(the CMA-ES ellipse), and where each offspring came from (who bred the best over all
generations: :mod:`interactive_hpo.plots.lineage`).

Plain data in (``PopulationSnapshot`` and ``AxisLevels``), built once and updated in place. In
a conditional space a parameter is inactive where the snapshot's ``active`` says so (or its
coordinate is NaN): a member lacking one of the parameters drawn has no place on those axes and
is left off, and a note under the title says how many (and whether the best point's star is
left off), as the Model tab's maps leave such trials off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import rcParams

from .._validation import check_bool, fail, float_array
from ..views import AxisLevels, CurveGrid, PopulationSnapshot, SurfaceGrid
from ._axes import axes_or_new, check_axes, inner_shared_y, markers_whole, slot_characters, wrap_name
from ._population_checks import check_view, known_positions
from .search_axes import (
    axis_positions,
    axis_span,
    cell_edges,
    drawn_levels,
    from_line,
    not_drawn,
    style_axis,
    to_line,
    value_positions,
)

__all__ = ["PopulationPlot", "ellipse_points", "plot_population", "rank_shades"]

#: Colour of each individual's state.
STATE_COLORS = {"told": "C0", "pending": "C1", "unasked": "0.6", "failed": "C3"}
#: The legend's entry for :meth:`PopulationPlot.set_landscape`'s shading (two parameters), on two
#: lines: on one it was the legend's widest by far (2.7 in of the Lab's 7.6 in panel, the lineage
#: beside it squeezed to 1.4 in) ...
LANDSCAPE_LABEL = "true objective\n(darker: better, by rank)"
#: ... and for its curve (one parameter, against the loss).
CURVE_LABEL = "true objective"
#: The legend's entry for the trial of a past step (:meth:`PopulationPlot.update`'s ``proposal``).
PROPOSAL_LABEL = "trial of this step"
#: Points between the Axes' right edge and the legend beside them: the proposal ring's half-width,
#: as the markers on the edge are drawn whole (:func:`~interactive_hpo.plots._axes.markers_whole`).
LEGEND_GAP = 10.0
#: The note under the title (:attr:`PopulationPlot.note`) is wrapped to lines this many times
#: narrower than the Axes: characters' widths are estimated (:func:`~._axes.slot_characters`), and
#: a line as wide as the Axes may reach over the y axis' top tick label.
NOTE_SLOTS = 1.2
#: The height of one of its lines, in font sizes (matplotlib's line spacing, 1.2, and a margin).
NOTE_LINE = 1.3
#: How far the title's letters reach below its baseline, in its font size ("g" of "generation").
TITLE_DESCENT = 0.3
#: The ellipse drawn is the 2-sigma contour of the search distribution (about 86% in 2-D).
ELLIPSE_SIGMAS = 2.0


def ellipse_points(mean: np.ndarray, cov: np.ndarray, n: int = 100, sigmas: float = ELLIPSE_SIGMAS) -> np.ndarray:
    """Points of shape (n, 2) on the ``sigmas`` contour of a 2-D Gaussian (mean (2,), cov (2, 2)).

    >>> import numpy as np
    >>> points = ellipse_points(np.zeros(2), np.diag([4.0, 1.0]), n=4, sigmas=1.0)
    >>> np.abs(points).max(axis=0).tolist()  # half-axes: sqrt(4) along x, sqrt(1) along y
    [2.0, 1.0]
    """
    values, vectors = np.linalg.eigh(0.5 * (cov + cov.T))
    angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return mean + sigmas * (circle * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def _beyond(axis: AxisLevels, unit: np.ndarray) -> np.ndarray:
    """Plot positions of unit coordinates of shape (n,), outside [0, 1] too: a number's axis
    extended past its bounds (in log space for a log axis); a categorical's continuously over
    its choices' bands, choice i's band [i - 0.5, i + 0.5] holding the unit coordinates
    [i / k, (i + 1) / k) that decode to it (``Categorical.from_unit``).

    Continuous, not rounded to a choice: rounded, the ring was a staircase, or two vertical
    lines spanning the other axis (audit a378). Not left out either: CMA-ES samples the unit
    coordinate and its trial evaluates the band it falls in, so the bands the ellipse covers are
    the choices its samples mostly draw, whatever the choices' order (which is arbitrary: a tilt
    across the bands means nothing).
    """
    if axis.scale == "categorical":
        return np.asarray(unit, dtype=float) * len(axis.levels) - 0.5
    if len(axis.levels) < 2:
        return axis_positions(axis, np.clip(unit, 0.0, 1.0))
    # The line through the first and last levels (an int's sit at its bins' centres, not at 0 and 1).
    ends = to_line(axis, [axis.levels[0], axis.levels[-1]])
    u0, u1 = float(axis.unit[0]), float(axis.unit[-1])
    return from_line(axis, ends[0] + (np.asarray(unit, dtype=float) - u0) * (ends[1] - ends[0]) / (u1 - u0))


def rank_shades(values: Any) -> np.ndarray:
    """Each value's rank among the finite ``values`` (array-like of any shape), scaled to [0, 1];
    ties share the lowest rank and NaN stays NaN (drawn blank). Same shape as ``values``.

    >>> rank_shades([1.0, 2.0, 2.0, 300.0, 7.0]).tolist()
    [0.0, 0.25, 0.25, 1.0, 0.75]
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    shades = np.full(values.shape, np.nan)
    if finite.any():
        ordered = np.sort(values[finite])
        shades[finite] = np.searchsorted(ordered, values[finite], side="left") / max(len(ordered) - 1, 1)
    return shades


class PopulationPlot:
    """The current generation on two parameters (or one, against the loss).

    Parameters
    ----------
    ax : matplotlib Axes, optional

    Attributes
    ----------
    members : PathCollection
        The individuals, coloured by state (told, pending, unasked, failed).
    links : LineCollection
        Parent -> offspring segments (parents from the previous generation or elites).
    parents : PathCollection
        Hollow markers where a link starts at a parent that is not a member of the generation drawn.
    ellipse, mean_marker : Line2D
        The search distribution's 2-sigma contour and centre (CMA-ES), empty otherwise.
    best : PathCollection
        The best point told so far (the smaller centre is drawn above it: CMA-ES centres its
        first generation on the best point it was told, and the star hid it).
    proposal, proposal_line : PathCollection, Line2D
        The trial of a past step (``update``'s ``proposal``): a ring over two parameters, a
        vertical line over one (its loss was not known then); empty otherwise.
    note : Text
        Under the title, in a conditional space: how many members are not drawn (a parameter
        drawn is inactive for them), and whether the best point's star is not; empty otherwise.
    landscape : QuadMesh or Line2D or None
        The true objective (:meth:`set_landscape`): shaded behind two parameters, a curve over one.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> from interactive_hpo.views import PopulationSnapshot
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    >>> snap = PopulationSnapshot(0, np.array([[0.2, 0.4], [0.6, 0.8]]), np.array([1.0, np.nan]),
    ...                           np.array(["told", "pending"], dtype=object), np.array([0, 1]), ((), ()),
    ...                           mean=np.array([0.5, 0.5]), cov=np.eye(2) * 0.01)
    >>> plot = PopulationPlot().update(snap, space.axis("a"), space.axis("b"), (0, 1))
    >>> plot.members.get_offsets().tolist(), len(plot.ellipse.get_xdata())
    ([[0.2, 0.4], [0.6, 0.8]], 101)
    """

    def __init__(self, ax: Any = None):
        from matplotlib.collections import LineCollection

        ax = self.ax = axes_or_new(ax, (5, 4), owner="PopulationPlot")
        # Dark enough to read over the shaded landscape and on a projector (issue 26: 0.55 grey
        # at 0.8 pt was barely visible).
        self.links = LineCollection([], colors="0.2", linewidths=1.3, alpha=0.8, zorder=2,
                                    label="parent → offspring")
        ax.add_collection(self.links)
        # Where the links start when a parent is of an earlier generation: without it they ended in empty space.
        self.parents = ax.scatter([], [], s=22, facecolors="none", edgecolors="0.2", linewidths=1.0, zorder=2,
                                  label="parent (earlier)")
        (self.ellipse,) = ax.plot([], [], color="C2", lw=2.0, zorder=4,
                                  label=f"search distribution ({ELLIPSE_SIGMAS:g} sd)")
        # Above the star and smaller, so that both show where they coincide (CMA-ES's first centre).
        # All below 5, matplotlib's zorder for a legend and an inset Axes: at 6 the mean was drawn
        # over notebook 04's zoom inset, where it is not.
        (self.mean_marker,) = ax.plot([], [], "P", color="C2", ms=7, mec="black", mew=0.6, zorder=4.4, label="its mean")
        self.members = ax.scatter([], [], s=40, zorder=3, edgecolors="black", linewidths=0.6)
        self.best = ax.scatter([], [], marker="*", s=180, c="red", edgecolors="black", linewidths=0.5, zorder=4.2,
                               label="best so far")
        self.proposal = ax.scatter([], [], s=260, facecolors="none", edgecolors="black", linewidths=2.0, zorder=4.6,
                                   label=PROPOSAL_LABEL)
        self.proposal_line = ax.axvline(np.nan, color="black", ls="--", lw=1.5, zorder=4.6, label=PROPOSAL_LABEL)
        # Whole where they sit on the box's edge (optimizers reflect or clip into the box; the
        # limits are its bounds): clipped at the Axes they were half or quarter discs.
        markers_whole(self.parents, self.mean_marker, self.members, self.best, self.proposal)
        self.landscape: Any = None  # the true objective shaded behind, when it is cheap (set_landscape)
        # What the plot leaves off in a conditional space (update), under the title.
        self.note = ax.annotate("", (0.5, 1.0), xycoords="axes fraction", xytext=(0.0, rcParams["axes.titlepad"]),
                                textcoords="offset points", ha="center", va="bottom", fontsize="small")
        self._states: list[str] = []

    def update(self, snapshot: PopulationSnapshot, x_axis: AxisLevels, y_axis: AxisLevels | None,
               dims: tuple[int, ...], previous: dict[int, np.ndarray] | None = None,
               legend: bool = True, proposal: np.ndarray | None = None) -> PopulationPlot:
        """Show ``snapshot`` on the parameters ``dims`` (indices into d; one or two).

        Parameters
        ----------
        snapshot : PopulationSnapshot
            In a conditional space, where its ``active``, ``best_active`` say a parameter is
            inactive (or ``X``, ``best_x`` hold NaN): a member lacking a parameter drawn is not
            drawn, nor its links, and :attr:`note` says how many are left off (and whether the best
            point is).
        x_axis, y_axis : AxisLevels
            The plotted parameters; ``y_axis`` None draws the loss on y (one parameter).
        dims : tuple of int
            Their coordinates in the unit cube.
        previous : dict of int to ndarray of shape (d,), optional
            Unit-cube positions of earlier individuals by id, for the parent links.
        legend : bool
            Draw the Axes' legend (:meth:`legend_entries`); False leaves it to the caller, e.g.
            one legend for a row of panels.
        proposal : ndarray of shape (d,), optional
            A unit-cube point to mark as the trial of the step shown (the Lab's time travel);
            NaN where inactive (not marked if a parameter drawn is).
        """
        owner = "PopulationPlot.update"
        d = check_view(snapshot, x_axis, y_axis, dims, owner)
        legend = check_bool(legend, "legend", owner)
        if proposal is not None:
            proposal = float_array(proposal, "proposal", owner, "None or a unit-cube point of shape (d,)")
            if proposal.ndim != 1 or len(proposal) <= max(dims) or (d is not None and len(proposal) != d):
                raise fail("proposal", owner, f"None or a unit-cube point of shape ({d if d is not None else 'd'},)",
                           f"an array of shape {proposal.shape}")
        snapshot = snapshot.inactive_as_nan()  # the placeholder is no value: drawn there, a member lied
        X = np.asarray(snapshot.X, dtype=float).reshape(-1, len(snapshot.X[0]) if len(snapshot.X) else 1)
        known = known_positions(previous, snapshot, X.shape[1], owner)

        def place(points: np.ndarray, losses: Any = None) -> np.ndarray:
            # Drawn positions, shape (n, 2), of unit-cube points: against y_axis, or against
            # their losses, shape (n,), over one parameter (y_axis None). At the values they
            # decode to, as their trials are (a pending n = 6 was drawn at its sample, 6.18).
            points = np.atleast_2d(points)
            xs = value_positions(x_axis, points[:, dims[0]])
            ys = value_positions(y_axis, points[:, dims[1]]) if y_axis is not None else np.asarray(losses, dtype=float)
            return np.column_stack([xs, ys])

        losses = np.asarray(snapshot.losses, dtype=float)
        offsets = place(X, losses) if len(X) else np.empty((0, 2))
        self.members.set_offsets(offsets)
        self.members.set_facecolors([STATE_COLORS.get(str(s), "0.6") for s in snapshot.states])
        # Listed if drawn: against the loss (one parameter), members without one (unasked, pending,
        # failed) have no place, and the legend named "unasked" over an empty plot.
        drawn = {str(s) for s, at in zip(snapshot.states, offsets, strict=True) if np.isfinite(at).all()}
        self._states = [state for state in STATE_COLORS if state in drawn]
        known.update({int(i): x for i, x in zip(snapshot.ids, X, strict=True)})
        segments, earlier = [], {}
        if y_axis is not None:
            members = {int(i) for i in snapshot.ids}
            for child, parents in zip(X, snapshot.parents, strict=True):
                for parent in parents:
                    if parent in known and not np.array_equal(known[parent], child, equal_nan=True):
                        segment = place(np.stack([known[parent], child]))
                        if not np.isfinite(segment).all():   # one end lacks a parameter drawn
                            continue
                        segments.append(segment)
                        if parent not in members:
                            earlier[parent] = segment[0]
        self.links.set_segments(segments)
        self.parents.set_offsets(np.array(list(earlier.values())) if earlier else np.empty((0, 2)))
        if snapshot.mean is not None and snapshot.cov is not None and y_axis is not None:
            index = np.array(dims)
            ring = ellipse_points(snapshot.mean[index], snapshot.cov[np.ix_(index, index)])
            ring = np.vstack([ring, ring[:1]])
            # Beyond the bounds where the distribution reaches past them, cut by the axes' frame:
            # clipped to the cube, its edge ran along the bound as if it were part of the contour.
            self.ellipse.set_data(_beyond(x_axis, ring[:, 0]), _beyond(y_axis, ring[:, 1]))
            # At the ellipse's centre, in the box (a categorical's mean was rounded to a choice).
            centre = np.clip(snapshot.mean[index], 0.0, 1.0)
            self.mean_marker.set_data(_beyond(x_axis, centre[:1]), _beyond(y_axis, centre[1:]))
        else:
            self.ellipse.set_data([], [])
            self.mean_marker.set_data([], [])
        best_x = snapshot.best_x  # drawn over two parameters, or against a finite loss over one
        best = np.empty((0, 2)) if best_x is None else place(best_x, np.array([snapshot.best_loss]))
        self.best.set_offsets(best[np.isfinite(best).all(axis=1)])   # no place: a parameter drawn is inactive
        # The proposal: a ring over two parameters, a vertical line over one.
        ring = place(proposal) if proposal is not None and y_axis is not None else np.empty((0, 2))
        self.proposal.set_offsets(ring[np.isfinite(ring).all(axis=1)])
        self.proposal_line.set_xdata([np.nan] * 2 if proposal is None or y_axis is not None
                                     else [place(proposal, [0.0])[0, 0]] * 2)
        style_axis(self.ax, x_axis, "x")
        self._limits(x_axis, "x")  # the whole range: over one parameter it shrank to the few members
        if y_axis is not None:
            style_axis(self.ax, y_axis, "y")
            self._limits(y_axis, "y")
        else:
            self.ax.set_ylabel("loss")
            self.ax.relim()  # the members, the best and the true curve
            self.ax.autoscale_view(scalex=False)
        if inner_shared_y(self.ax):  # labelled once, on the row's first panel (notebook 04 said x1 four times)
            self.ax.set_ylabel("")
        # Drawn at the coordinate their x held, members lacking a parameter drawn sat at a value
        # they never had (a linear SVM at gamma's centre, 0.03): left off, and counted here.
        # The best point lacking one loses its star: said too, or the star vanished unexplained.
        names = [x_axis.name] + ([] if y_axis is None else [y_axis.name])
        off = np.isnan(X[:, list(dims)]) if len(X) else np.zeros((0, len(dims)), dtype=bool)  # no member yet
        best_off = None if best_x is None else np.isnan(np.asarray(best_x, dtype=float)[list(dims)])
        note = not_drawn(names, off, best_off, star="the best so far", what="members")
        self._set_note(note)
        self.ax.set_title(f"generation {snapshot.generation}", pad=self._title_pad())
        if legend:
            # Beside the plot: inside, "best" found no free corner in a generation spread over the
            # space, and the legend covered the CMA-ES mean and the members around it. Clear of
            # the markers drawn whole on the right edge (a star in the corner crossed its frame).
            from matplotlib.transforms import ScaledTranslation

            beside = self.ax.transAxes + ScaledTranslation(LEGEND_GAP / 72, 0.0, self.ax.figure.dpi_scale_trans)
            self.ax.legend(*self.legend_entries(), loc="upper left", bbox_to_anchor=(1.0, 1.0), bbox_transform=beside,
                           fontsize="small", borderaxespad=0.0)
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        return self

    def legend_entries(self) -> tuple[list[Any], list[str]]:
        """Handles and labels of what is drawn now: the states present, the parent links, the
        ellipse, the best point and the shaded landscape (a legend listing absent states only
        covers data). Shade with :meth:`set_landscape` before :meth:`update` for its entry."""
        from matplotlib.lines import Line2D

        handles: list[Any] = [Line2D([], [], ls="", marker="o", ms=7, mfc=STATE_COLORS[state], mec="black",
                                    mew=0.6, label=state) for state in self._states]
        drawn = [self.links if len(self.links.get_segments()) else None,
                 self.parents if len(self.parents.get_offsets()) else None,
                 self.ellipse if len(self.ellipse.get_xdata()) else None,
                 self.mean_marker if len(self.mean_marker.get_xdata()) else None,
                 self.best if len(self.best.get_offsets()) else None,
                 self.proposal if len(self.proposal.get_offsets()) else None,
                 self.proposal_line if np.isfinite(self.proposal_line.get_xdata()).all() else None]
        handles += [artist for artist in drawn if artist is not None]
        if isinstance(self.landscape, Line2D):  # the true curve (one parameter)
            handles.append(self.landscape)
        elif self.landscape is not None:  # the shading had no key: nothing said dark was low
            from matplotlib.patches import Patch

            handles.append(Patch(facecolor="0.3", alpha=0.6, label=LANDSCAPE_LABEL))
        return handles, [str(h.get_label()) for h in handles]

    def set_landscape(self, grid: SurfaceGrid | CurveGrid | None, values: Any = None) -> None:
        """Draw the true objective with the population (None: remove it): shaded behind two
        parameters, a curve over one (the members are drawn against their losses there).

        Parameters
        ----------
        grid : SurfaceGrid or CurveGrid
            The 2-D slice the values were computed on (``SearchSpace.slice2d``), or the 1-D one
            (``SearchSpace.slice1d``).
        values : array-like of shape (ny, nx), or (m,) for a CurveGrid
            The objective's losses on the slice (lower is better; its values when it is
            minimized). Shaded by rank (darker is lower): on Branin, values from 0.4 to 300 shaded
            linearly leave its valleys one flat dark band (issue 26); by rank, the lowest tenth of
            the slice is the darkest tenth of the grey scale.
        """
        if grid is not None and not isinstance(grid, (SurfaceGrid, CurveGrid)):
            raise fail("grid", "PopulationPlot.set_landscape", "None, a SurfaceGrid (space.slice2d) or a CurveGrid "
                       "(space.slice1d)", grid)
        if self.landscape is not None:
            self.landscape.remove()
            self.landscape = None
        if isinstance(grid, CurveGrid) and values is not None:
            (self.landscape,) = self.ax.plot(drawn_levels(grid.axis), np.asarray(values, dtype=float), color="0.35",
                                             lw=1.5, zorder=1, label=CURVE_LABEL)
        elif isinstance(grid, SurfaceGrid) and values is not None:
            # Cells edged where the values change (a log integer's 1 and 2 meet at 1.5616, not 1.5).
            x, y = cell_edges(grid.x_axis), cell_edges(grid.y_axis)
            self.landscape = self.ax.pcolormesh(x, y, rank_shades(values), cmap="Greys_r", vmin=0.0, vmax=1.0,
                                                shading="flat", alpha=0.6, zorder=0)

    def _set_note(self, note: str) -> None:
        # Small, under the title and in lines narrower than the Axes: in the title's type on one
        # line, the Lab's note ran off the figure's left edge (a378); as wide as the Axes, a line
        # of it met the y axis' top tick label, which stands out past the Axes' top.
        room = slot_characters(self.ax, NOTE_SLOTS, fontsize=self.note.get_fontsize())
        self.note.set_text(wrap_name(note, room))

    def _title_pad(self) -> float:
        """The title's distance above the Axes in points: the default, plus the note's height and
        the title's descent (it stands on its baseline: the "g" of "generation" met the note)."""
        text = self.note.get_text()
        if not text:
            return float(rcParams["axes.titlepad"])
        return (rcParams["axes.titlepad"] + (text.count("\n") + 1) * NOTE_LINE * self.note.get_fontsize()
                + TITLE_DESCENT * self.ax.title.get_fontsize())

    def _limits(self, axis: AxisLevels, which: str) -> None:
        # An integer's bins whole, as the landscape's cells: members on the ends were cut in half.
        (self.ax.set_xlim if which == "x" else self.ax.set_ylim)(*axis_span(axis))


def plot_population(snapshot: PopulationSnapshot, x_axis: AxisLevels, y_axis: AxisLevels | None,
                    dims: tuple[int, ...], ax: Any = None) -> Any:
    """Draw :class:`PopulationPlot` once; returns the Axes."""
    check_view(snapshot, x_axis, y_axis, dims, "plot_population")
    check_axes(ax, "plot_population")
    return PopulationPlot(ax).update(snapshot, x_axis, y_axis, dims).ax


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.lineage", ("plot_lineage",))
