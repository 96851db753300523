"""The surrogate panel: what the model believes, along one parameter or over any pair.

One parameter: the mean, the epistemic and aleatoric bands and the acquisition below. Two or
more: mean, std and acquisition heatmaps (the std in the GP's own units when it was fitted on
warped values, :data:`~interactive_hpo.plots.surrogate_maps.WARPED_STD`) over a pair chosen
from dropdowns, the other parameters fixed by a slider each (by default at the incumbent). Trials are drawn on the
slice, faded by their distance from it. Clicking a figure evaluates that point as a manual
trial (through the callback the app registers). The pair and the sliders are
:mod:`.slice_controls`: in a conditional space the dropdowns offer every parameter, picking one
moves its parent's slider to a value that activates it, and a line above the sliders says so;
the sliders of inactive parameters are hidden. A trial
(or the proposal) for which a parameter on an axis is inactive is left off the maps, as a source's
is, and a line above them says how many. While no model was ever drawn (a model-free
optimizer), the figure, the controls and the readout are hidden: they would change nothing. Once
one was, a step without a model (the initial design's, a trial of yours) keeps their place: the
figure is blank but for why there is no model, the controls are disabled, and the timeline below
stays where the person scrubbing it has the mouse (audit a444: it jumped 550 px up, off screen).
Each line above the maps is set once per redraw, to what it ends up saying, and a line that comes
and goes keeps its height (:data:`~.labels.ONE_LINE`): hidden and shown again within a redraw,
they moved the maps 30-65 px and back, and a second click landed that far from where it was aimed.

A warm-started study's sources (``Study(..., warm_start=...)``) are drawn too, as faded diamonds
behind the study's own trials, and a line per source says how much the model's mean follows it
(its fitted weight and the weight it started from; issue 29).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import ipywidgets as widgets
import numpy as np

from .._validation import check_bool, check_int, fail
from ..direction import Direction
from ..kernel_summary import trust_words
from ..plots.export_frames import lacking
from ..plots.search_axes import axis_positions, axis_to_unit, not_drawn
from ..plots.surrogate import SurrogateCurve, SurrogateMaps
from ..plots.surrogate_sources import SOURCE_ALPHA, SourcePoints, matched_range
from ..space import SearchSpace
from ..views import History, SurrogateView
from ._checks import check_callback, check_history, check_sources, check_space, check_text, check_unit_point, error_log
from .click_positions import checked_positions
from .drawn_when_shown import DrawnOnRead, DrawnWhenShown
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure
from .gp_overlays import fitted_on_warped, show_teaching
from .labels import ONE_LINE, wrapping_row
from .map_key import MapKey
from .map_readout import MapReadout
from .slice_controls import SliceControls, slice_alpha
from .why_block import WhyBlock

__all__ = ["SurrogatePanel", "slice_alpha"]

#: Points per axis: 200 along a curve; 60 x 60 for heatmaps (3600 predictions, ~15 ms at n = 200).
CURVE_RESOLUTION, MAP_RESOLUTION = 200, 60
SEEN = "as the GP sees it"  #: the titles of maps in the GP's units (with "(warped)" two overlapped)
AS_SEEN = f"{SEEN} (warped)"  #: the model's units with that box ticked: not the objective's


class SurrogatePanel(DrawnOnRead):
    """Live figures of a surrogate's belief over a search space.

    Parameters
    ----------
    space : SearchSpace
    errors : ErrorLog, optional
        Where callback errors go; None: a log of its own, placed in the panel.

    Attributes
    ----------
    curve : SurrogateCurve or None
        The 1-D figure's artists (a one-parameter space).
    maps : SurrogateMaps or None
        The heatmaps' artists (two or more parameters).
    slice : SliceControls
        Where the slice is cut; the five attributes below are its widgets.
    x_choice, y_choice : ipywidgets.Dropdown or None
        The pair shown (two or more parameters).
    anchors : dict of str to widget
        One slider (or selector) per parameter: where the slice cuts the others.
    follow_best : ipywidgets.Checkbox
        Move the sliders to the incumbent after every trial (unticked when a slider is moved).
    slice_note : ipywidgets.HTML
        Which sliders the panel moved, or which parameter left the axes, and why (a conditional
        space; hidden when empty).
    absent : ipywidgets.HTML
        How many trials the maps leave off, and whether the next proposal's star, because a
        parameter on an axis is inactive for them (a conditional space; hidden when empty).
    key : ipywidgets.HTML
        What the maps' marks other than the trials' dots are (your trials, failed trials, the next
        proposal or a past step's), for those drawn; empty, its line kept, when none is (the 1-D
        curve has a legend).
    click_error : ipywidgets.HTML
        A click's error (the trial it evaluates refused), right under the figure (:meth:`~.ErrorLog.spot`).
    controls : ipywidgets.VBox
        The controls above the figure; hidden, with the figure and the readout, until a model is
        drawn; disabled, the figure blank, at a step without one after that (they would change nothing).
    """

    def __init__(self, space: SearchSpace, errors: ErrorLog | None = None):
        self.space, self.errors = check_space(space, "SurrogatePanel"), error_log(errors, "SurrogatePanel")
        # What the model is of, or why there is none: a line kept whether it says something or not.
        self.message = widgets.HTML(layout=widgets.Layout(min_height=ONE_LINE))
        # How much the model follows each warm-start source; hidden (no line's height) without.
        self.trust = widgets.HTML(layout=widgets.Layout(display="none"))
        self.trust.add_class("ihpo-trust")
        #: The sources' trials drawn faded (None without sources); see :meth:`show_sources`.
        self.sources: SourcePoints | None = None
        self._source_records: Any = None
        self._source_data: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (X, active, losses) each
        self._callbacks: list[Callable[[dict[str, Any]], Any]] = []
        self._last: tuple[Any, History, np.ndarray | None, str, str, bool, str, int | None] | None = None
        self._kept = False  # a model was drawn: the figure and its controls keep their place from then on
        self._due = False  # _last is not drawn yet: computed when the figure is drawn (DrawnWhenShown)
        self.slice = SliceControls(space, self.errors, self.redraw)
        self.anchors, self.follow_best, self.slice_note = self.slice.anchors, self.slice.follow_best, self.slice.note
        self.x_choice, self.y_choice = self.slice.x_choice, self.slice.y_choice
        self._curve = self._maps = None
        self.teach = {name: widgets.Checkbox(value=False, description=label, indent=False,
                                             layout=widgets.Layout(width="auto"))
                      for name, label in (("terms", "acquisition terms"), ("posterior", "posterior samples"),
                                          ("prior", "prior samples"))}
        # A GP fitted on warped values (bayes.warping): draw what it saw instead of the objective.
        self.as_seen = widgets.Checkbox(value=False, description="as the GP sees it (after its output warp)",
                                        indent=False, layout=widgets.Layout(width="auto"))
        for box in (*self.teach.values(), self.as_seen):
            box.observe(self.errors.guard(lambda _: self.redraw()), names="value")
        self._why = WhyBlock()
        self.why = self._why.widget
        self.absent = widgets.HTML(layout=widgets.Layout(display="none"))
        self._key = MapKey()
        self.key = self._key.widget
        if space.dim == 1:
            self.figure = DrawnWhenShown((7.5, 4.6), self._draw, errors=self.errors)
            ax, acquisition_ax = self.figure.fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
            self._curve = SurrogateCurve(ax, acquisition_ax, legend_above=True)
            controls: list[Any] = [wrapping_row([widgets.HTML("teach:"), *self.teach.values(), self.as_seen])]
        else:
            # As wide as a tab shows whole (PANEL_INCHES). Axes labelled once, on the first map,
            # and 1 px pads leave each map 231 px wide (issue 25: "about 250 px").
            self.figure = DrawnWhenShown((PANEL_INCHES, 3.3), self._draw, w_pad=0.01, wspace=0.0, errors=self.errors)
            self._maps = SurrogateMaps(self.figure.fig.subplots(1, 3, sharex=True, sharey=True))
            # In a conditional space the slice note and the absent trials' note come and go with
            # the step and the slider: one line kept for the two (elsewhere neither ever shows).
            notes = widgets.Box([self.slice_note, self.absent], layout=widgets.Layout(
                flex_flow="row wrap", min_height=ONE_LINE if space.conditional else None))
            controls = [wrapping_row([self.x_choice, self.y_choice, self.follow_best, self.as_seen]), notes,
                        widgets.Box(list(self.anchors.values()), layout=widgets.Layout(flex_flow="row wrap")),
                        self.key]
        self.controls = widgets.VBox(controls)
        # A click's error (the trial it evaluates refused) shows right under the figure (ErrorLog.spot).
        self.click_error = self.errors.spot()
        self.figure.on_click(self.errors.guard(self._on_press, at=self.click_error))  # plain clicks only: not a zoom
        #: The values under the mouse on the maps (None for the 1-D curve, whose axes are values).
        self._readout: MapReadout | None = None
        if self._maps is not None:
            self._readout = MapReadout(space, self._params_under)
            self.figure.on_motion(self.errors.guard(self._readout.on_motion))
            self.figure.on_leave(self.errors.guard(self._readout.on_leave))
        # A log of its own is shown here: a click's error went to a log nobody displayed.
        own_log = [self.errors.view] if errors is None else []
        readout = [] if self._readout is None else [self._readout.widget]
        self.widget = widgets.VBox([self.message, self.trust, self.controls, *own_log, self.figure.widget,
                                    self.click_error, *readout, self.why])
        self.widget.add_class("ihpo-surrogate")

    # -- input -------------------------------------------------------------------------------------
    def on_click(self, callback: Callable[[dict[str, Any]], Any]) -> None:
        """Call ``callback(params)`` with the configuration under a click on any figure."""
        self._callbacks.append(check_callback(callback, "SurrogatePanel.on_click", "callback(params)"))

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure]

    @property
    def pair(self) -> tuple[str, ...]:
        """The parameters on the axes: one name (1-D) or (x, y)."""
        return self.slice.pair

    def anchor(self) -> dict[str, Any]:
        """The configuration the slice passes through (:meth:`SliceControls.anchor`)."""
        return self.slice.anchor()

    # -- drawing -----------------------------------------------------------------------------------
    def show_sources(self, records: Sequence[Any]) -> None:
        """Draw these warm-start sources' trials from the next :meth:`update` on (``study.warm_start``:
        items with ``name``, ``params`` and ``losses``; empty: none). Encoded once per set of
        records (the same tuple again costs nothing): a study's sources never change."""
        check_sources(records, "SurrogatePanel.show_sources")
        if records is self._source_records:
            return
        self._source_records = records
        if self.sources is not None:
            self.sources.remove()
            self.sources = None
        names = self.space.names
        # A source's params hold its active parameters only: a missing name is inactive there.
        self._source_data = [(np.array([self.space.to_unit(p) for p in r.params]).reshape(-1, self.space.dim),
                              np.array([[name in p for name in names] for p in r.params]).reshape(-1, len(names)),
                              np.asarray(r.losses, dtype=float)) for r in records]
        if records:
            axes = [self._curve.ax] if self._curve is not None else self._maps.axes if self._maps is not None else []
            self.sources = SourcePoints(axes, [r.name for r in records], legend=self._maps is not None,
                                        kind="warm start" if self._curve is None else "warm start, range matched")

    def _draw_sources(self, axes: Sequence[Any], at: np.ndarray, fixed: list[int],
                      values: Callable[[np.ndarray], Any] | None) -> None:
        """Place the sources' points on the plot ``axes`` (AxisLevels, one or two), faded like the
        study's own by their distance from the slice; ``values`` (1-D) turns losses into the curve's units."""
        if self.sources is None:
            return
        shown = [self.space.names.index(name) for name in self.pair]
        offsets, alpha = [], []
        for X, active, losses in self._source_data:
            keep = active[:, shown].all(axis=1)  # a shown parameter inactive there: no place on these axes
            ys = values(losses[keep]) if values is not None else axis_positions(axes[1], X[keep, shown[1]])
            offsets.append(np.column_stack([axis_positions(axes[0], X[keep, shown[0]]), ys]))
            alpha.append(SOURCE_ALPHA * slice_alpha(X[keep], at, fixed))
        self.sources.update(offsets, alpha)

    def update(self, view: Any, history: History, proposal: np.ndarray | None = None,
               unavailable: str = "", note: str = "", any_feasible: bool = True, chosen: str = "",
               step: int | None = None) -> None:
        """Redraw from a surrogate ``view`` (None: show ``unavailable`` instead), the trials in
        ``history`` and the next ``proposal``, a unit-cube point of shape (d,); ``note`` (HTML)
        is shown above the figure (what the model is a model of, when that is not obvious);
        ``any_feasible``: whether a trial the model saw is known to meet its constraints (see
        :meth:`SurrogateMaps.update <interactive_hpo.plots.SurrogateMaps.update>`); ``chosen``:
        how the model did not choose the proposal (``ShownBelief.chosen``), said under "Why this
        point?" instead of the acquisition's reasons; ``step``: the past step shown (None: the
        present), whose proposal the star is. Yours are gold stars, failed trials crosses.
        Checked before anything is kept: a note of None reached the widget, refused in traitlets' words.
        While the figure is hidden (another tab chosen) only the message and the sliders follow: the
        rest is computed once, when it is shown or read (:class:`~.drawn_when_shown.DrawnOnRead`)."""
        owner = "SurrogatePanel.update"
        if view is not None and not isinstance(view, SurrogateView):
            raise fail("view", owner, "None or a model's SurrogateView (study.surrogate())", view)
        check_history(history, owner)
        proposal = None if proposal is None else check_unit_point(proposal, self.space.dim, "proposal", owner)
        check_text(unavailable, "unavailable", owner)
        check_text(note, "note", owner)
        check_text(chosen, "chosen", owner)
        any_feasible = check_bool(any_feasible, "any_feasible", owner)
        step = None if step is None else check_int(step, "step", owner, 0, len(history) - 1)
        self._last = (view, history, proposal, unavailable, note, any_feasible, chosen, step)
        if self.follow_best.value and len(history) and np.isfinite(history.values).any():
            self.slice.follow(history)
        self.slice.settle()  # the best trial may lack a parameter on an axis: its parent's slider moves
        # Each widget is set once, to its final value (each change reaches the browser as it is made).
        self._kept = self._kept or view is not None
        for shown in (self.figure.widget, self.controls, *([] if self._readout is None else [self._readout.widget])):
            shown.layout.display = None if self._kept else "none"
        self._enable(view is not None)
        self.message.value = note if view is not None else f"<i>{unavailable}</i>"  # read from code too (notebook 13)
        # The maps (seconds of qLogNEHVI for "ehvi", audit a470) are computed when drawn: not while hidden.
        self._due = True
        if self._kept:
            self.figure.redraw()
        else:  # no figure on screen: the lines under it alone
            self._draw()

    def _compute(self) -> None:
        """Compute and draw what the last :meth:`update` gave (:meth:`DrawnOnRead._draw` calls it when due)."""
        if self._last is None:
            return
        view, history, proposal, unavailable, _, any_feasible, chosen, step = self._last
        self.figure.blank(unavailable if view is None else None)  # a click on a blank figure evaluates nothing
        if view is None:
            if self._readout is not None:
                self._readout.clear()
            self._why.clear()
            self._key.show()
            self._show_absent("")
            self._show_trust({})
            return
        self._why.explain(view, proposal, self.space, chosen)
        self._show_trust(view.hyperparameters.source_weights)
        complete = np.isfinite(history.values)
        X, values = history.X[complete], history.values[complete]
        yours = history.sources[complete] == "manual"
        # The failed trials' points the model was fitted on (red crosses), if its view says (SurrogateView).
        failed = getattr(view, "failed", np.empty((0, self.space.dim)))
        warped = fitted_on_warped(view)
        if self.as_seen.value:
            view, values = view.model_units(), view.to_model_units(values)
        # The sources' losses in the curve's units (as the study's values, each source's range matched
        # to the study's own: matched_range; seen by the GP if asked).
        direction = Direction(history.direction)
        own = direction.to_loss(history.values[complete])  # in objective units, whatever the curve's
        seen = view.to_model_units if self.as_seen.value else None

        def as_values(losses: np.ndarray) -> Any:
            return direction.to_value(matched_range(losses, own))
        at = self.space.to_unit(self.anchor())
        fixed = [i for i, name in enumerate(self.space.names) if name not in self.pair]
        alpha = slice_alpha(X, at, fixed)
        if self._curve is not None:
            grid = self.space.slice1d(self.pair[0], resolution=CURVE_RESOLUTION)
            marker = None if proposal is None else float(axis_positions(grid.axis, proposal[:1])[0])
            self._curve.update(grid.axis, view.predict(grid.points), observed_x=axis_positions(grid.axis, X[:, 0]),
                              observed_y=values, observed_alpha=alpha, proposal=marker, any_feasible=any_feasible,
                              manual=yours, failed_x=axis_positions(grid.axis, failed[:, 0]))
            self._draw_sources([grid.axis], at, fixed,
                               as_values if seen is None else lambda losses: seen(as_values(losses)))
            show_teaching(self._curve, view, grid, {name: box.value for name, box in self.teach.items()})
            self._curve.ax.set_ylabel(AS_SEEN if self.as_seen.value else "objective")  # whose units they are
        elif self._maps is not None:
            x_name, y_name = self.pair
            surface = self.space.slice2d(x_name, y_name, at=self.anchor(), resolution=MAP_RESOLUTION)
            ix, iy = self.space.names.index(x_name), self.space.names.index(y_name)
            d = self.space.dim
            # The warm-start sources' rule for the study's trials and the proposal: lacking a
            # parameter on an axis, a point has no place there (at its inactive coordinate it
            # sat on a value it never had: degree 3.5, coef0 0.5).
            off = lacking(self.space, X, [ix, iy])
            kept = np.logical_not(off.any(axis=1))
            on_axes = np.column_stack([axis_positions(surface.x_axis, X[kept, ix]),
                                       axis_positions(surface.y_axis, X[kept, iy])]).reshape(-1, 2)
            star, off_star, star_alpha = None, None, 1.0
            if proposal is not None:
                off_star = lacking(self.space, proposal, [ix, iy])[0]
                if not off_star.any():
                    star = [float(axis_positions(surface.x_axis, proposal[ix:ix + 1])[0]),
                            float(axis_positions(surface.y_axis, proposal[iy:iy + 1])[0])]
                    # Off the slice (kernel=poly on a map at kernel=rbf), faded as a trial there is:
                    # drawn whole, it claimed the belief shown was where the next Step evaluates.
                    star_alpha = float(slice_alpha(proposal.reshape(1, -1), at, fixed)[0])
            failed = failed[~lacking(self.space, failed, [ix, iy]).any(axis=1)]
            crosses = np.column_stack([axis_positions(surface.x_axis, failed[:, ix]),
                                       axis_positions(surface.y_axis, failed[:, iy])]).reshape(-1, 2)
            # Warped, the std as the GP sees it whatever the mean's units (WARPED_STD says why).
            belief = view.predict(surface.points.reshape(-1, d), std_units="model" if warped else None)
            self._maps.update(surface, belief, observed=on_axes,
                             observed_alpha=alpha[kept], proposal=star, direction=history.direction,
                             any_feasible=any_feasible, warped_std=warped, manual=yours[kept], failed=crosses,
                             failed_alpha=slice_alpha(failed, at, fixed), proposal_alpha=star_alpha)
            # After the maps' update: the line is read again where the pointer rests, on their new axes.
            cast(MapReadout, self._readout).show(surface, belief, (self.pair[0], self.pair[1]), self._maps.axes,
                                                # "median" under a warp, as the map's title (SurrogatePrediction)
                                                (f"{belief.centre} (as the GP sees it)" if self.as_seen.value
                                                 else belief.centre,
                                                 "std (warped units)" if warped else "std", belief.acquisition_name))
            self._key.show(bool(yours[kept].any()), bool(len(crosses)), star is not None, star_alpha < 1.0, step)
            self._show_absent(not_drawn(self.pair, off, off_star, "the proposal"))
            self._draw_sources([surface.x_axis, surface.y_axis], at, fixed, None)
            # A map in the GP's units says so (the std's title said "epistemic" alone); set_text,
            # as set_title would reset the pad that clears the star.
            for ax, shown, seen_here in zip(self._maps.axes[:2], ("mean", "std"),
                                            (self.as_seen.value, self.as_seen.value or warped), strict=True):
                if seen_here:
                    ax.title.set_text(f"{shown}, {SEEN}")

    def _enable(self, enabled: bool) -> None:
        """The controls usable (a model drawn) or disabled (none: they would change nothing)."""
        for control in (self.x_choice, self.y_choice, self.follow_best, self.as_seen, *self.teach.values(),
                        *self.anchors.values()):
            if control is not None:
                control.disabled = not enabled

    def _show_trust(self, weights: Mapping[str, float]) -> None:
        words = trust_words(weights)
        self.trust.value = html.escape(words).replace("\n", "<br>")
        self.trust.layout.display = None if words else "none"

    def redraw(self) -> None:
        """Draw the last belief again (after the pair or a slider changed)."""
        if self._last is not None:
            self.update(*self._last)

    # -- callbacks ---------------------------------------------------------------------------------
    def _show_absent(self, text: str) -> None:
        self.absent.value = f"<i>{html.escape(text, quote=False)}</i>" if text else ""
        self.absent.layout.display = None if text else "none"

    def params_at(self, positions: Mapping[str, float]) -> dict[str, Any]:
        """The configuration a click at ``positions`` evaluates: ``positions`` maps parameters to
        positions on a plot axis (their values; a categorical's choice index), the others are at
        the sliders' values (:meth:`anchor`); integers and categoricals snap to their bins. The
        population panel's clicks come here too (:meth:`PopulationPanel.on_click
        <interactive_hpo.ui.population_panel.PopulationPanel.on_click>`). A position beyond the
        parameter's range is refused (:func:`~.click_positions.checked_positions`), as
        ``Lab.evaluate`` refuses such a value; a mouse press in the margin is taken to the edge
        before it comes here."""
        if not isinstance(positions, Mapping) or not set(positions) <= set(self.space.names):
            raise fail("positions", "SurrogatePanel.params_at", f"a dict from parameters among {self.space.names} "
                       "to positions on their plot axes", positions)
        positions = checked_positions(self.space, positions, "SurrogatePanel.params_at")
        point = self.space.to_unit(self.anchor())
        for name, position in positions.items():
            axis = self.space.axis(name, resolution=2 if self._curve is not None else MAP_RESOLUTION)
            point[self.space.names.index(name)] = axis_to_unit(axis, position)
        return self.space.from_unit(point)

    def _on_press(self, event: Any) -> None:
        if event.inaxes is None or event.xdata is None:
            return
        if self._curve is not None:
            positions = {self.pair[0]: event.xdata}
        elif self._maps is not None and event.inaxes in self._maps.axes:
            positions = dict(zip(self.pair, (event.xdata, event.ydata), strict=True))
        else:
            return  # a colorbar
        params = self._params_under(positions)
        for callback in self._callbacks:
            callback(params)

    def _params_under(self, positions: Mapping[str, float]) -> dict[str, Any]:
        """What a click at ``positions`` on a plot evaluates (the readout names it too): a press in
        the margin (half a cell past the last level) means the edge."""
        return self.params_at(checked_positions(self.space, positions, "SurrogatePanel.params_at", clamp=True))
