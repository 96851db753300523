"""The population panel: the current generation of a population optimizer, live.

It shows the pair of parameters the model panel shows (or, for one parameter, the losses),
coloured by state, with parent-offspring links and the CMA-ES search ellipse, over the true
objective when it is cheap, and the lineage beside it. A click on it evaluates that point as a
manual trial (through the callback the app registers), as a click on the model does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import fail, float_array
from ..direction import Direction
from ..objectives.fidelity import MultiFidelity
from ..objectives.synthetic import SyntheticFunction
from ..plots.lineage import LineagePlot
from ..plots.population import PopulationPlot
from ..space import SearchSpace
from ..study.core import Study
from ..study.curves import Lineage, lineage
from ..views import PopulationSnapshot
from ._checks import check_callback, check_space, error_log
from .click_positions import checked_positions
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure

__all__ = ["PopulationPanel", "lineage_at", "true_landscape"]

#: Points per axis of the true landscape shaded behind a population (50 x 50 evaluations) ...
LANDSCAPE_RESOLUTION = 50
#: ... and along its curve over one parameter.
CURVE_RESOLUTION = 200


class PopulationPanel:
    """A live figure of a ``PopulationSnapshot`` over a pair of parameters.

    Parameters
    ----------
    space : SearchSpace
    errors : ErrorLog, optional
        Where a click's errors go; None: a log of its own, placed in the panel.

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
    >>> panel.on_click(print)
    >>> panel.click({"a": 0.25, "b": 0.5})  # what a click there does
    {'a': 0.25, 'b': 0.5}
    """

    def __init__(self, space: SearchSpace, errors: ErrorLog | None = None):
        self.space = check_space(space, "PopulationPanel")
        self.errors = error_log(errors, "PopulationPanel")
        self.figure = LiveFigure((PANEL_INCHES, 4.0), errors=self.errors)
        population_ax, self.lineage_ax = self.figure.fig.subplots(1, 2, width_ratios=(1, 1))
        self.plot = PopulationPlot(population_ax)
        self.lineage = LineagePlot(self.lineage_ax)  # built once, moved at each update (DESIGN.md section 4)
        self._positions: dict[int, np.ndarray] = {}  # every individual seen, by id: parent links
        self._shaded: tuple | None = None  # (pair, slice anchor) of the landscape drawn
        self._pair: tuple[str, ...] | None = None  # the parameters drawn (None: nothing drawn yet)
        self._callbacks: list[Callable[[dict[str, float]], Any]] = []
        # A click's error (the trial it evaluates refused) shows right under the figure (ErrorLog.spot).
        self.click_error = self.errors.spot()
        self.figure.on_click(self.errors.guard(self._on_press, at=self.click_error))  # plain clicks only: not a zoom
        own_log = [self.errors.view] if errors is None else []  # the figure's own errors (a failed redraw)
        self.widget = widgets.VBox([widgets.HTML("<b>Population</b>: the current generation "
                                                 "(colour: state; lines: parent to offspring); "
                                                 "click it to evaluate a point yourself"),
                                    *own_log, self.figure.widget, self.click_error])
        self.widget.add_class("ihpo-population")
        self.widget.layout.display = "none"

    def on_click(self, callback: Callable[[dict[str, float]], Any]) -> None:
        """Call ``callback(positions)`` with each click on the population plot: the positions on
        its axes by parameter name (both of the pair drawn; over one parameter, that one alone,
        the other axis being the loss). :meth:`SurrogatePanel.params_at
        <interactive_hpo.ui.surrogate_panel.SurrogatePanel.params_at>` makes a configuration of them."""
        self._callbacks.append(check_callback(callback, "PopulationPanel.on_click", "callback(positions)"))

    def click(self, positions: Mapping[str, float]) -> None:
        """Do what a click on the population plot at ``positions`` does (from code, as a test or
        a notebook would): ``positions`` maps each parameter drawn to a position on its axis (its
        value; a categorical's choice index), e.g. ``{"x0": -3.1, "x1": 12.3}``. A position
        beyond the parameter's range is refused (:func:`~.click_positions.checked_positions`),
        as ``Lab.evaluate`` refuses such a value."""
        owner = "PopulationPanel.click"
        if self._pair is None:
            raise fail("positions", owner, "positions on a population drawn (none is drawn yet)", positions)
        if not isinstance(positions, Mapping) or set(positions) != set(self._pair):
            raise fail("positions", owner, f"a dict from each parameter drawn, {list(self._pair)}, to a position "
                       "on its axis", positions)
        positions = checked_positions(self.space, {name: positions[name] for name in self._pair}, owner)
        for callback in self._callbacks:
            callback(positions)

    def _on_press(self, event: Any) -> None:
        # On the population only: the lineage beside it is drawn in generations, not parameters.
        if self._pair is None or event.inaxes is not self.plot.ax or event.xdata is None:
            return
        at = dict(zip(self._pair, (event.xdata, event.ydata)[:len(self._pair)], strict=True))
        # A press in the axes' margin, past the range, means its edge; code's positions there are refused.
        self.click(checked_positions(self.space, at, "PopulationPanel.click", clamp=True))

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure]

    def update(self, snapshot: PopulationSnapshot | None, pair: tuple[str, ...],
               landscape: Callable[[np.ndarray], np.ndarray] | None = None, lineage: Lineage | None = None, *,
               best_value: float | None = None, proposal: np.ndarray | None = None) -> None:
        """Redraw ``snapshot`` over the parameters ``pair`` (one or two names); hide if None.

        ``landscape(X)``, for unit-cube points of shape (m, d), returns the true objective's
        losses at them, shape (m,) (:func:`true_landscape`): given (a cheap synthetic function),
        it is shaded behind the population (a curve over one parameter) on the slice through
        the best point so far. ``lineage`` (:func:`lineage_at`) is drawn beside: who bred whom,
        generation by generation, with the best so far (``best_value``, see
        :func:`~interactive_hpo.plots.lineage.plot_lineage`) and its ancestry in red.
        ``proposal``, a unit-cube point of shape (d,), is marked as the trial of the step shown.

        Members are drawn where the study evaluates them: an unasked offspring at 1.6 layers
        is drawn at 2, the integer its trial would have (``SearchSpace.snap``). In a conditional
        space a member (the best point, the proposal) lacking a parameter of ``pair`` is left
        off, and the plot's note says how many (its coordinate there meant nothing).
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
            self._pair = None  # nothing to click on
            return
        pair = self._check_pair(pair)
        self.widget.layout.display = None
        dims = tuple(self.space.names.index(name) for name in pair)
        axes = [self.space.axis(name, resolution=2) for name in pair]
        # Where the trials are (or would be) evaluated: integers and categoricals in their bins.
        snapshot = dataclasses.replace(snapshot, X=np.array([self.space.snap(x) for x in snapshot.X])
                                       .reshape(np.shape(snapshot.X)))
        self._shade(snapshot, pair, landscape)  # first: the legend the update draws names the shading
        if self.space.conditional:  # which coordinates are inactive: PopulationPlot leaves them off, and says so
            snapshot = snapshot.with_active(self.space.conditions.active_mask)   # as Study.population does
            if proposal is not None:
                proposal = np.array(proposal, dtype=float)
                proposal[~self.space.conditions.active_mask(proposal.reshape(1, -1))[0]] = np.nan
        self.plot.update(snapshot, axes[0], axes[1] if len(axes) > 1 else None, dims, previous=self._positions,
                         proposal=proposal)
        self._pair = pair
        self.lineage.ax.set_visible(lineage is not None and len(lineage.ids) > 0)
        if lineage is not None and len(lineage.ids):
            self.lineage.update(lineage, best_value=best_value)
        if self.lineage.ax.get_visible() and self.figure.drawn:
            # Laid out now, as the draw that shows it next would (that layout then finds nothing
            # changed: plots.layout; with no front end nothing draws it, LiveFigure.redraw): before
            # the panel's first layout the lineage was a third wider than drawn, and its legend,
            # sized for that width, covered the top individuals.
            before = self.lineage_ax.bbox.bounds
            self.figure.fig.get_layout_engine().execute(self.figure.fig)
            if self.lineage_ax.bbox.bounds != before:
                self.lineage.fit_legend()
        # NaN where inactive: a link from a parent lacking a parameter drawn has no end to start at.
        shown = snapshot.inactive_as_nan().X
        self._positions.update({int(i): np.array(x) for i, x in zip(snapshot.ids, shown, strict=True)})
        self.figure.redraw()

    def _check_pair(self, pair: Any) -> tuple[str, ...]:
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
        if landscape is None:
            self.plot.set_landscape(None)
            self._shaded = None
            return
        at = None if snapshot.best_x is None else self.space.from_unit(snapshot.best_x)
        key = (pair, None if at is None else tuple(sorted(at.items())))
        if key != self._shaded:  # the slice moves only when the best point does
            grid: Any = self.space.slice2d(*pair, at=at, resolution=LANDSCAPE_RESOLUTION) if len(pair) == 2 else \
                self.space.slice1d(pair[0], at=at, resolution=CURVE_RESOLUTION)
            points = grid.points.reshape(-1, self.space.dim)
            rule = f"a callable landscape(X) returning one value per point, shape ({len(points)},)"
            values = float_array(landscape(points), "landscape", "PopulationPanel.update", rule)
            if values.shape != (len(points),):  # numpy's reshape error named nothing
                raise fail("landscape", "PopulationPanel.update", rule, landscape,
                           hint=f"It returned an array of shape {values.shape}.")
            self.plot.set_landscape(grid, values.reshape(grid.points.shape[:-1]))
            self._shaded = key

    def reset(self) -> None:
        """Forget the individuals of an earlier run (after an optimizer switch or a reset)."""
        self._positions.clear()
        self._shaded = None


def true_landscape(objective: Any, space: SearchSpace,
                   direction: Direction) -> Callable[[np.ndarray], np.ndarray] | None:
    """The true ``objective``'s losses in ``direction`` (the study's: lower is better) at unit-cube
    points of shape (m, d), shape (m,), when it is cheap to compute (a synthetic function's
    vectorized ``evaluate``, or the full fidelity of one with budgets) over ``space``, its own;
    else None (several objectives have no one landscape)."""
    function = objective.function if isinstance(objective, MultiFidelity) else objective
    if not isinstance(function, SyntheticFunction) or function.space != space:
        return None

    def losses(points: np.ndarray) -> np.ndarray:
        raw = np.array([[params[name] for name in space.names] for params in map(space.from_unit, points)])
        return np.asarray(direction.to_loss(np.asarray(function.evaluate(raw), dtype=float)), dtype=float)

    return losses


def lineage_at(study: Study, step: int | None, snapshot: PopulationSnapshot) -> tuple[Lineage, float | None]:
    """The lineage of ``study``'s population trials (:func:`~interactive_hpo.study.curves.lineage`)
    as it was known when trial ``step`` was asked (None: now), and the best value so far then.

    The best value is ``snapshot``'s (the population of that step): the one its star marks,
    counting every trial the optimizer was told, yours and another optimizer's before a switch.
    The lineage's ``best`` is the individual that holds it, None if none does (then
    :func:`~interactive_hpo.plots.lineage.plot_lineage` draws it as a line, "not bred").

    The individuals are those of the run in charge then whose trials had finished: the future
    stays hidden (``lineage(study, step)``).
    """
    tree = lineage(study, step)
    best = None
    if not study.goals.multi and snapshot.best_x is not None and np.isfinite(snapshot.best_loss):
        best = float(study.direction.to_value(snapshot.best_loss))
    holders = tree.ids[tree.values == best] if best is not None else []
    return dataclasses.replace(tree, best=int(holders[0]) if len(holders) else None), best
