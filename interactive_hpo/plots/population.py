"""Draw a population: the current generation over two parameters, its search distribution
(the CMA-ES ellipse), and where each offspring came from.

Plain data in (``PopulationSnapshot`` and ``AxisLevels``), built once and updated in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..views import AxisLevels, PopulationSnapshot, SurfaceGrid
from ._axes import integer_ticks
from .surrogate import _levels, axis_positions, style_axis

__all__ = ["PopulationPlot", "ellipse_points", "plot_lineage", "plot_population"]

#: Colour of each individual's state.
STATE_COLORS = {"told": "C0", "pending": "C1", "unasked": "0.6", "failed": "C3"}
#: The ellipse drawn is the 2-sigma contour of the search distribution (about 86% in 2-D).
ELLIPSE_SIGMAS = 2.0


def ellipse_points(mean: np.ndarray, cov: np.ndarray, n: int = 100, sigmas: float = ELLIPSE_SIGMAS) -> np.ndarray:
    """Points of shape (n, 2) on the ``sigmas`` contour of a 2-D Gaussian (mean (2,), cov (2, 2)).

    >>> points = ellipse_points(np.zeros(2), np.diag([4.0, 1.0]), n=4, sigmas=1.0)
    >>> np.abs(points).max(axis=0).tolist()  # half-axes: sqrt(4) along x, sqrt(1) along y
    [2.0, 1.0]
    """
    values, vectors = np.linalg.eigh(0.5 * (cov + cov.T))
    angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return mean + sigmas * (circle * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


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
    ellipse, mean_marker : Line2D
        The search distribution's 2-sigma contour and centre (CMA-ES), empty otherwise.
    best : PathCollection
        The best point told so far.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(5, 4))
        from matplotlib.collections import LineCollection

        self.ax = ax
        self.links = LineCollection([], colors="0.55", linewidths=0.8, zorder=1)
        ax.add_collection(self.links)
        (self.ellipse,) = ax.plot([], [], color="C2", lw=1.5, label=f"search distribution ({ELLIPSE_SIGMAS:g} sd)")
        (self.mean_marker,) = ax.plot([], [], "P", color="C2", ms=9, zorder=4)
        self.members = ax.scatter([], [], s=36, zorder=3, edgecolors="black", linewidths=0.5)
        self.best = ax.scatter([], [], marker="*", s=160, c="red", zorder=5, label="best so far")
        self.landscape: Any = None  # the true objective shaded behind, when it is cheap (set_landscape)
        for state, color in STATE_COLORS.items():  # legend proxies: one entry per state
            ax.scatter([], [], s=36, c=color, edgecolors="black", linewidths=0.5, label=state)

    def update(self, snapshot: PopulationSnapshot, x_axis: AxisLevels, y_axis: AxisLevels | None,
               dims: tuple[int, ...], previous: dict[int, np.ndarray] | None = None) -> PopulationPlot:
        """Show ``snapshot`` on the parameters ``dims`` (indices into d; one or two).

        Parameters
        ----------
        snapshot : PopulationSnapshot
        x_axis, y_axis : AxisLevels
            The plotted parameters; ``y_axis`` None draws the loss on y (one parameter).
        dims : tuple of int
            Their coordinates in the unit cube.
        previous : dict of int to ndarray of shape (d,), optional
            Unit-cube positions of earlier individuals by id, for the parent links.
        """
        X = np.asarray(snapshot.X, dtype=float).reshape(-1, len(snapshot.X[0]) if len(snapshot.X) else 1)

        def place(points: np.ndarray, losses: np.ndarray | None = None) -> np.ndarray:
            points = np.atleast_2d(points)
            xs = axis_positions(x_axis, points[:, dims[0]])
            ys = axis_positions(y_axis, points[:, dims[1]]) if y_axis is not None else losses
            return np.column_stack([xs, ys])

        losses = np.asarray(snapshot.losses, dtype=float)
        offsets = place(X, losses) if len(X) else np.empty((0, 2))
        self.members.set_offsets(offsets)
        self.members.set_facecolors([STATE_COLORS.get(str(s), "0.6") for s in snapshot.states])
        known = dict(previous or {})
        known.update({int(i): x for i, x in zip(snapshot.ids, X, strict=True)})
        segments = []
        if y_axis is not None:
            for child, parents in zip(X, snapshot.parents, strict=True):
                for parent in parents:
                    if parent in known and not np.array_equal(known[parent], child):
                        segments.append(place(np.stack([known[parent], child])))
        self.links.set_segments(segments)
        if snapshot.mean is not None and snapshot.cov is not None and y_axis is not None:
            index = np.array(dims)
            ring = ellipse_points(snapshot.mean[index], snapshot.cov[np.ix_(index, index)])
            full = np.tile(snapshot.mean, (len(ring) + 1, 1))
            full[:-1, index] = np.clip(ring, 0.0, 1.0)
            full[-1] = full[0]
            self.ellipse.set_data(*place(full).T)
            self.mean_marker.set_data(*place(snapshot.mean[None, :]).T)
        else:
            self.ellipse.set_data([], [])
            self.mean_marker.set_data([], [])
        best_ok = snapshot.best_x is not None and (y_axis is not None or np.isfinite(snapshot.best_loss))
        self.best.set_offsets(place(snapshot.best_x, np.array([snapshot.best_loss])) if best_ok else np.empty((0, 2)))
        style_axis(self.ax, x_axis, "x")
        if y_axis is not None:
            style_axis(self.ax, y_axis, "y")
            self._limits(x_axis, "x")
            self._limits(y_axis, "y")
        else:
            self.ax.set_ylabel("loss")
            self.ax.relim()
            self.ax.autoscale_view()
        self.ax.set_title(f"generation {snapshot.generation}")
        self.ax.legend(loc="upper right", fontsize="small")
        return self

    def set_landscape(self, grid: SurfaceGrid | None, values: Any = None) -> None:
        """Shade the true objective behind the population (None: remove it).

        Parameters
        ----------
        grid : SurfaceGrid
            The 2-D slice the values were computed on (``SearchSpace.slice2d``).
        values : array-like of shape (ny, nx)
            The objective on the slice, in its own units (darker is lower).
        """
        if self.landscape is not None:
            self.landscape.remove()
            self.landscape = None
        if grid is not None and values is not None:
            self.landscape = self.ax.pcolormesh(_levels(grid.x_axis), _levels(grid.y_axis), np.asarray(values),
                                                cmap="Greys_r", shading="nearest", alpha=0.55, zorder=0)

    def _limits(self, axis: AxisLevels, which: str) -> None:
        ends = axis_positions(axis, np.array([0.0, 1.0]))
        low, high = float(ends[0]), float(ends[1])
        if axis.scale == "categorical":
            low, high = -0.5, len(axis.levels) - 0.5
        (self.ax.set_xlim if which == "x" else self.ax.set_ylim)(low, high)


def plot_population(snapshot: PopulationSnapshot, x_axis: AxisLevels, y_axis: AxisLevels | None,
                    dims: tuple[int, ...], ax: Any = None) -> Any:
    """Draw :class:`PopulationPlot` once; returns the Axes."""
    return PopulationPlot(ax).update(snapshot, x_axis, y_axis, dims).ax


def plot_lineage(lineage: Any, ax: Any = None) -> Any:
    """Individuals by generation (x) and value (y), a grey line from each parent to its child,
    and the best individual's ancestry in red: how the winner was bred.

    Parameters
    ----------
    lineage : Lineage
        From :func:`interactive_hpo.study.curves.lineage` (plain arrays: ids, generations, values,
        parents, best).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.collections import LineCollection

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4))
    where = {int(i): (float(g), float(v)) for i, g, v in zip(lineage.ids, lineage.generations, lineage.values,
                                                              strict=True)}
    ancestry = set(lineage.ancestry(lineage.best)) if lineage.best is not None else set()
    plain, line = [], []
    for child, parents in zip(lineage.ids.tolist(), lineage.parents, strict=True):
        for parent in parents:
            if parent in where and child in where and np.isfinite(where[parent][1]) and np.isfinite(where[child][1]):
                (line if child in ancestry and parent in ancestry else plain).append([where[parent], where[child]])
    ax.add_collection(LineCollection(plain, colors="0.7", linewidths=0.7, zorder=1))
    ax.add_collection(LineCollection(line, colors="C3", linewidths=1.8, zorder=2, label="ancestry of the best"))
    ax.scatter(lineage.generations, lineage.values, s=18, color="C0", zorder=3, label="individual")
    ax.set(xlabel="generation", ylabel="value", title="lineage")
    integer_ticks(ax.xaxis)
    ax.autoscale_view()
    ax.legend(fontsize="small", loc="best")
    return ax
