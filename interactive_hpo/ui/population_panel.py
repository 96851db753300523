"""The population panel: the current generation of a population optimizer, live.

It shows the pair of parameters the model panel shows (or, for one parameter, the losses),
coloured by state, with parent-offspring links and the CMA-ES search ellipse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import fail, float_array
from ..objectives.fidelity import MultiFidelity
from ..objectives.synthetic import SyntheticFunction
from ..plots.population import PopulationPlot, plot_lineage
from ..space import SearchSpace
from ..study.curves import Lineage
from ..views import PopulationSnapshot
from ._checks import check_space
from .figures import LiveFigure

__all__ = ["PopulationPanel"]

#: Points per axis of the true landscape shaded behind a population (50 x 50 evaluations).
LANDSCAPE_RESOLUTION = 50


class PopulationPanel:
    """A live figure of a ``PopulationSnapshot`` over a pair of parameters.

    Parameters
    ----------
    space : SearchSpace

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]), "ga", seed=0,
    ...               optimizer_settings={"population_size": 4})
    >>> _ = study.run(lambda p: p["a"] + p["b"], n_trials=6)
    >>> panel = PopulationPanel(study.space)
    >>> panel.update(study.optimizer.population(), ("a", "b"))
    >>> len(panel.plot.members.get_offsets()), panel.widget.layout.display
    (4, None)
    """

    def __init__(self, space: SearchSpace):
        self.space = check_space(space, "PopulationPanel")
        self.figure = LiveFigure((10.0, 4.0))
        population_ax, self.lineage_ax = self.figure.fig.subplots(1, 2, width_ratios=(3, 2))
        self.plot = PopulationPlot(population_ax)
        self._positions: dict[int, np.ndarray] = {}  # every individual seen, by id: parent links
        self._shaded: tuple | None = None  # (pair, slice anchor) of the landscape drawn
        self.widget = widgets.VBox([widgets.HTML("<b>Population</b>: the current generation "
                                                 "(colour: state; lines: parent to offspring)"),
                                    self.figure.widget])
        self.widget.add_class("ihpo-population")
        self.widget.layout.display = "none"

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure]

    def update(self, snapshot: PopulationSnapshot | None, pair: tuple[str, ...],
               landscape: Callable[[np.ndarray], np.ndarray] | None = None, lineage: Lineage | None = None) -> None:
        """Redraw ``snapshot`` over the parameters ``pair`` (one or two names); hide if None.

        ``landscape(X)``, for unit-cube points of shape (m, d), returns the true objective at
        them, shape (m,): given (a cheap synthetic function), it is shaded behind the
        population on the slice through the best point so far. ``lineage`` (from
        :func:`interactive_hpo.study.curves.lineage`) is drawn beside: who bred whom, generation by
        generation, with the best individual's ancestry in red.
        """
        owner = "PopulationPanel.update"
        if snapshot is not None and not isinstance(snapshot, PopulationSnapshot):  # named here, not PopulationPlot's
            raise fail("snapshot", owner, "a PopulationSnapshot (optimizer.population()) or None", snapshot)
        if landscape is not None and not callable(landscape):
            raise fail("landscape", owner, "a callable landscape(X) -> values, or None", landscape)
        if lineage is not None and not isinstance(lineage, Lineage):
            raise fail("lineage", owner, "a Lineage (interactive_hpo.study.curves.lineage) or None", lineage)
        if snapshot is None:
            self.widget.layout.display = "none"
            return
        pair = self._pair(pair)
        self.widget.layout.display = None
        dims = tuple(self.space.names.index(name) for name in pair)
        axes = [self.space.axis(name, resolution=2) for name in pair]
        self._shade(snapshot, pair, landscape)  # first: the legend the update draws names the shading
        self.plot.update(snapshot, axes[0], axes[1] if len(axes) > 1 else None, dims, previous=self._positions)
        self.lineage_ax.clear()
        if lineage is not None and len(lineage.ids):
            plot_lineage(lineage, self.lineage_ax)
        self._positions.update({int(i): np.array(x) for i, x in zip(snapshot.ids, snapshot.X, strict=True)})
        self.figure.redraw()

    def _pair(self, pair: Any) -> tuple[str, ...]:
        """``pair`` as a tuple of one or two distinct names of the space (one name alone: a str).
        Checked before anything is drawn: ``list.index``'s "'z' is not in list" named no argument,
        and a str was split into letters ("lr": ("l", "r"))."""
        names = (pair,) if isinstance(pair, str) else tuple(pair) if isinstance(pair, (tuple, list)) else None
        if names is None or not 1 <= len(names) <= 2 or len(set(names)) != len(names) \
                or not all(isinstance(name, str) and name in self.space.names for name in names):
            raise fail("pair", "PopulationPanel.update", f"one or two distinct names among {self.space.names}", pair)
        return names

    def _shade(self, snapshot: PopulationSnapshot, pair: tuple[str, ...],
               landscape: Callable[[np.ndarray], np.ndarray] | None) -> None:
        if landscape is None or len(pair) < 2:
            self.plot.set_landscape(None)
            return
        at = None if snapshot.best_x is None else self.space.from_unit(snapshot.best_x)
        key = (pair, None if at is None else tuple(sorted(at.items())))
        if key != self._shaded:  # the slice moves only when the best point does
            grid = self.space.slice2d(*pair, at=at, resolution=LANDSCAPE_RESOLUTION)
            points = grid.points.reshape(-1, self.space.dim)
            rule = f"a callable landscape(X) returning one value per point, shape ({len(points)},)"
            values = float_array(landscape(points), "landscape", "PopulationPanel.update", rule)
            if values.shape != (len(points),):  # numpy's reshape error named nothing
                raise fail("landscape", "PopulationPanel.update", rule, landscape,
                           hint=f"It returned an array of shape {values.shape}.")
            values = values.reshape(grid.points.shape[:2])
            self.plot.set_landscape(grid, values)
            self._shaded = key

    def reset(self) -> None:
        """Forget the individuals of an earlier run (after an optimizer switch or a reset)."""
        self._positions.clear()
        self._shaded = None


def true_landscape(objective: Any, space: SearchSpace) -> Callable[[np.ndarray], np.ndarray] | None:
    """The true ``objective`` at unit-cube points of shape (m, d), shape (m,), when it is cheap to
    compute (a synthetic function's vectorized ``evaluate``, or the full fidelity of one with
    budgets) over ``space``, its own; else None (several objectives have no one landscape)."""
    function = objective.function if isinstance(objective, MultiFidelity) else objective
    if not isinstance(function, SyntheticFunction) or function.space != space:
        return None

    def values(points: np.ndarray) -> np.ndarray:
        raw = np.array([[params[name] for name in space.names] for params in map(space.from_unit, points)])
        return np.asarray(function.evaluate(raw), dtype=float)

    return values
