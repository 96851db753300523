"""The Pareto panel: every trial in objective units, the front and the region it dominates,
and the hypervolume over trials, measured from a reference point that stays put (issue 27).

A multi-fidelity study's lower-budget trials (a scheduler's rungs below ``study.full_budget``)
are drawn hollow, "lower budget (not counted)": the front, the hypervolume and the reference
count full evaluations only, as ``Study.best_trials`` and the status line do. They stay in the
panel at their trial numbers, so a click on one and "Show this step" still name that trial.

Two objectives are drawn as they are; with more, two dropdowns pick the pair on the axes (the
shaded region is then that pair's, and the trials of the Pareto set over all objectives are
ringed). The hypervolume is always over all objectives.

**The reference point is fixed once**, so the hypervolume curve means something: a moving
reference (the rule :func:`interactive_hpo.pareto.reference_point` applies to a front at one
moment) would re-measure every earlier trial each time the front moved. The rule here
(:func:`fixed_reference`): when ``reference_after`` (default 5) feasible trials are complete
at the full budget, take the worst value of each objective among those first trials, worsened
by 10 % of their range. Early trials are usually spread out (an initial design), so the box is generous and
every later improvement counts. It then stays, through later trials, Reset and branches (their
curves compare); "Infer again" applies the rule to all feasible trials now, and the fields
under the figure set it by hand (:meth:`ParetoPanel.set_reference`). Inferred from trials no
longer plotted (after Reset, a space edit, a fork), the caption says: "of another study".

Clicking a point selects its trial: its values, constraints, parameters and which trials
dominate it are listed (:mod:`.pareto_details`), and "Show this step" takes the Model tab back
to the step that proposed it. The figure is drawn only while its tab is shown
(:class:`~.drawn_when_shown.DrawnWhenShown`); trials arriving meanwhile are drawn once the tab is chosen.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import check_int, check_real, fail, is_int
from ..exceptions import InvalidParameterError
from ..goals import Goals, any_constraints, unknown_feasibility_mask
from ..hypervolume import GrowingHistory
from ..plots.pareto import ParetoInfo, pareto_info
from ..plots.pareto_note import unreached_reference
from ..plots.pareto_plots import HypervolumePlot, ParetoFrontPlot
from ..study.results import FULL_BUDGET, at_full_budget
from ..trial import Trial
from ._checks import check_callback, check_text, check_trials, error_log
from .drawn_when_shown import DrawnWhenShown
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure
from .pareto_details import trial_details
from .pareto_reference import REFERENCE_AFTER, fixed_reference, objective_values

__all__ = ["ParetoPanel"]

#: How far (in pixels) from a point a click still selects it.
PICK_PIXELS = 12.0


class ParetoPanel:
    """The front, every trial, the dominated region and the hypervolume of a study of several
    objectives, updated in place (artists built once, moved on each update); a click selects a trial.

    Parameters
    ----------
    goals : Goals
        The study's objectives (``study.goals``), two or more.
    errors : ErrorLog, optional
        Where callback errors are shown; None: a log of its own, placed in the panel.
    reference_after : int
        Feasible trials the reference point is inferred from (see :func:`fixed_reference`).

    Attributes
    ----------
    reference : ndarray of shape (m,) or None
        The fixed reference point in objective units (None until it is inferred).
    info : ParetoInfo or None
        The pair of objectives on the axes, as last drawn (its ``front``: that pair's front).
    volume_info : ParetoInfo or None
        All objectives, as last drawn: ``front`` is the Pareto set, ``hypervolume`` the curve.
    selected : int or None
        The number of the selected trial.
    full : ndarray of bool, shape (n,)
        Which trials ran at the full budget (see :meth:`update`); the others are drawn, not counted.
    x_choice, y_choice : ipywidgets.Dropdown
        The objectives on the axes (hidden with two objectives).
    travel_error, reference_error : ipywidgets.HTML
        The errors of "Show this step", and of "Use this reference" and "Infer again", each under
        its row (:meth:`~.ErrorLog.spot`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", 0, 1)]), "sobol", directions=["minimize", "minimize"], seed=0)
    >>> _ = study.run(lambda p: (p["x"], (1 - p["x"]) ** 2), n_trials=6, progress=False)
    >>> panel = ParetoPanel(study.goals).update(study.trials)
    >>> panel.volume_info.front.tolist() == [t in study.best_trials for t in study.trials]
    True
    >>> panel.select(2)
    >>> "Trial 2" in panel.details.value
    True
    """

    def __init__(self, goals: Goals, errors: ErrorLog | None = None, reference_after: int = REFERENCE_AFTER):
        if not isinstance(goals, Goals) or not goals.multi:
            raise fail("goals", "ParetoPanel", "the Goals of a study of several objectives (study.goals)", goals)
        self.goals, self.errors = goals, error_log(errors, "ParetoPanel")
        self.directions = tuple(d.value for d in goals.directions)
        # Checked here: "a" or 0.5 failed in numpy's slicing at the first update, 0 never inferred one.
        self.reference_after = check_int(reference_after, "reference_after", "ParetoPanel", 1)
        self.reference: np.ndarray | None = None
        self.reference_origin = ""
        self._reference_from: list[tuple[Any, ...]] = []  # the trials an inferred reference came from
        self.trials: list[Trial] = []
        self.values, self.feasible = objective_values(goals, [])
        self.unknown = np.zeros(0, dtype=bool)  # trials of unknown feasibility (goals.unknown_feasibility_mask)
        self.full = np.zeros(0, dtype=bool)
        self.info: ParetoInfo | None = None
        self.volume_info: ParetoInfo | None = None
        self._measured: tuple[np.ndarray, np.ndarray | None, ParetoInfo] | None = None  # see _measure
        self._growing = GrowingHistory()  # the curve extended by each new trial, not measured again
        self.selected: int | None = None
        self._travel: list[Callable[[int], Any]] = []
        guard = self.errors.guard
        names = list(goals.names)
        self.x_choice = widgets.Dropdown(options=names, value=names[0], description="x")
        self.y_choice = widgets.Dropdown(options=names, value=names[1], description="y")
        for choice in (self.x_choice, self.y_choice):
            choice.observe(guard(self._on_pair), names="value")
        pair_box = widgets.HBox([self.x_choice, self.y_choice])
        pair_box.layout.display = "none" if goals.n == 2 else None
        self.caption = widgets.HTML()
        self.figure = DrawnWhenShown((PANEL_INCHES, 6.0), self._draw, errors=self.errors)
        self.front_ax, self.volume_ax = self.figure.fig.subplots(2, 1, height_ratios=(3, 2))
        self._build_artists()
        self.figure.on_click(guard(self._on_press))
        self.details = widgets.HTML("<i>Click a point to see its trial.</i>")
        self.details.add_class("ihpo-pareto-details")
        self.travel_button = widgets.Button(description="Show this step", icon="history", disabled=True,
                                            layout=widgets.Layout(width="auto"),
                                            tooltip="show in the Model tab what the optimizer believed when it "
                                                    "proposed the selected trial")
        # Each button row's errors show right under it (ErrorLog.spot), not atop the Lab.
        self.travel_error, self.reference_error = self.errors.spot(), self.errors.spot()
        self.travel_button.on_click(guard(lambda _: self.travel(), at=self.travel_error))
        self.reference_fields = [widgets.FloatText(description=name, layout=widgets.Layout(width="14em"))
                                 for name in names]
        self.set_button = widgets.Button(description="Use this reference", icon="check",
                                         layout=widgets.Layout(width="auto"),
                                         tooltip="measure the hypervolume from the point typed here")
        self.set_button.on_click(guard(lambda _: self.set_reference([f.value for f in self.reference_fields]),
                                       at=self.reference_error))
        self.infer_button = widgets.Button(description="Infer again", icon="refresh",
                                           tooltip="the worst feasible value of each objective so far, plus 10 % "
                                                   "of its range")
        self.infer_button.on_click(guard(lambda _: self.infer_reference(), at=self.reference_error))
        self.widget = widgets.VBox([
            self.caption, pair_box, self.figure.widget, widgets.HBox([self.travel_button, self.details]),
            self.travel_error,
            widgets.HBox([widgets.HTML("reference:"), *self.reference_fields, self.set_button, self.infer_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.reference_error])
        if errors is None:  # a log of its own is shown here: a typed reference's refusal went nowhere
            self.widget.children = (*self.widget.children, self.errors.view)
        self.widget.add_class("ihpo-pareto")
        self.update([])

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure]

    @property
    def pair(self) -> tuple[int, int]:
        """Indices of the objectives on the x and y axes."""
        names = list(self.goals.names)
        return names.index(self.x_choice.value), names.index(self.y_choice.value)

    def on_travel(self, callback: Callable[[int], Any]) -> None:
        """Call ``callback(number)`` when "Show this step" is clicked for the selected trial."""
        self._travel.append(check_callback(callback, "ParetoPanel.on_travel", "callback(number)"))

    # -- the reference point ------------------------------------------------------------------------
    def set_reference(self, reference: Sequence[float], origin: str = "set by hand") -> None:
        """Measure from ``reference`` (objective units, one per objective) from now on; ``origin``
        says where it came from, in the caption (not a str: stored, it failed every redraw)."""
        check_text(origin, "origin", "ParetoPanel.set_reference")
        try:
            point = np.asarray(reference, dtype=float)
        except (TypeError, ValueError, OverflowError):  # text, a dict, 10**400: refused below, with the rule
            point = np.array([np.nan])
        if point.shape != (self.goals.n,) or not np.isfinite(point).all():
            raise fail("reference", "ParetoPanel.set_reference", f"{self.goals.n} finite numbers, one per "
                       f"objective {list(self.goals.names)}", reference)
        try:  # measured as the figure will measure it: 1e308 was taken, and every redraw then failed
            self._measure(point)
        except InvalidParameterError as error:
            raise fail("reference", "ParetoPanel.set_reference", "a point whose box over the trials has a finite "
                       "volume", reference, hint="A reference nearer the trials measures the same front.") from error
        self._fix(point, origin)

    @property
    def counted(self) -> np.ndarray:
        """Feasible COMPLETE trials at the full budget, shape (n,): what the front counts, as ``best_trials``."""
        return self.feasible & self.full

    def infer_reference(self) -> None:
        """Apply the rule of :func:`fixed_reference` to every counted trial now (what "Infer again" does)."""
        counted = self.counted
        point = fixed_reference(self.values, self.directions, counted, first=None)
        if point is None:
            raise fail("trials", "ParetoPanel.infer_reference", "at least one feasible COMPLETE trial at the full "
                       "budget", "none yet", hint="Step the study, or type a reference and click 'Use this reference'.")
        self._fix(point, f"inferred from the {int(counted.sum())} feasible trials{self._at_full()}",
                  np.flatnonzero(counted).tolist())

    def _fix(self, point: np.ndarray, origin: str, numbers: Sequence[int] = ()) -> None:
        """Measure from ``point`` (inferred from trials ``numbers``, if any) from now on."""
        self.reference, self.reference_origin = point, origin
        self._reference_from = [_key(self.trials[number]) for number in numbers]
        for field, value in zip(self.reference_fields, point, strict=True):
            field.value = float(value)
        self._refresh()

    # -- redrawing ------------------------------------------------------------------------------------
    def update(self, trials: Sequence[Trial], full_budget: float = FULL_BUDGET) -> ParetoPanel:
        """Show ``trials`` (the study's, every one, in number order: a trial's position is its
        number); the figure is redrawn when it is shown. Trials below ``full_budget`` (the
        study's, ``study.full_budget``) are drawn hollow and not counted, as ``best_trials`` does."""
        trials = check_trials(trials, "ParetoPanel.update")
        full_budget = check_real(full_budget, "full_budget", "ParetoPanel.update", 0.0, low_open=True)
        if self.selected is not None and not _holds(trials, _key(self.trials[self.selected])):
            self.selected = None  # withdrawn, or another study's (3 after a space edit is another trial)
        self.trials = list(trials)
        self.values, self.feasible = objective_values(self.goals, self.trials)
        self.unknown = unknown_feasibility_mask(self.trials)
        self.full = np.array([at_full_budget(t, full_budget) for t in self.trials], dtype=bool)
        if self.reference is None:
            counted = self.counted
            point = fixed_reference(self.values, self.directions, counted, first=self.reference_after)
            if point is not None:
                numbers = np.flatnonzero(counted)[:self.reference_after].tolist()
                self._fix(point, f"inferred from the first {self.reference_after} feasible trials{self._at_full()} "
                          f"{numbers}", numbers)
                return self
        self._refresh()
        return self

    def _refresh(self) -> None:
        self._describe()
        self.figure.redraw()  # hidden: only marked out of date; _draw runs when it is shown

    def _at_full(self) -> str:
        """The words " at the full budget" when some trials ran at a lower one (else none: they would be noise)."""
        return " at the full budget" if not self.full.all() else ""

    def _describe(self) -> None:
        n_front = len(self._front_numbers())
        if self.reference is None:
            rule = (f"The reference point (the worst corner of the measured box) is fixed once {self.reference_after} "
                    f"trials are feasible{self._at_full()} ({int(self.counted.sum())} so far); meanwhile the shading "
                    "uses the front's own, moving one.")
        else:
            shown = ", ".join(f"{name} {value:.4g}" for name, value in zip(self.goals.names, self.reference,
                                                                           strict=True))
            here = all(_holds(self.trials, key) for key in self._reference_from)
            rule = f"Reference point ({shown}) {html.escape(self.reference_origin)}" \
                   f"{'' if here else ' of another study (before a Reset, a search-space edit or a fork)'}; it " \
                   "stays put, so the hypervolume curve compares across trials and branches."
            note = unreached_reference(self.values, self.goals.directions, self.counted, self.reference,
                                       self.goals.names, not self.full.all(), any_constraints(self.trials))
            if note:  # in place, while it holds: a warning would repeat at every redraw
                rule += f'<br><span style="color:#8a5300">&#9888; {html.escape(note[:1].upper() + note[1:])}</span>'
        lower = int((~self.full).sum())
        rungs = "" if not lower else f" {lower} ran at a lower budget: drawn hollow, not counted (as in best_trials)."
        self.caption.value = f"<b>Pareto front: {n_front} trial(s)</b> of {len(self.trials)}.{rungs} {rule}"
        self._show_selected()

    def _front_numbers(self) -> list[int]:
        """The Pareto set over all objectives (counted trials only), computed from the values."""
        usable = np.flatnonzero(self.counted)
        if not len(usable):
            return []
        from ..pareto import pareto_mask

        losses = np.array([self.goals.losses(self.values[i]) for i in usable])
        return usable[pareto_mask(losses)].tolist()

    def _measure(self, reference: np.ndarray | None) -> ParetoInfo:
        """All objectives measured from ``reference``; the last measure is kept for the same
        trials and reference, so the draw after :meth:`set_reference` reuses the one that checked it."""
        if self._measured is None or self._measured[0] is not self.values or self._measured[1] is not reference:
            self._measured = self.values, reference, pareto_info(self.values, self.directions, self.feasible,
                                                                 reference=reference, names=self.goals.names,
                                                                 full=self.full, unknown=self.unknown, warn=False,
                                                                 measure=self._growing)
        return self._measured[2]

    def _build_artists(self) -> None:
        """The figure's artists, built once: :meth:`_draw` moves them (DESIGN.md section 4)."""
        self.front = ParetoFrontPlot(self.front_ax, n_objectives=self.goals.n, legend_fontsize="small")
        ax, empty = self.front_ax, np.empty((0, 2))
        # With more than two objectives: the Pareto set over all of them, ringed on the pair shown.
        self.pareto_set = ax.scatter(*empty.T, s=140, facecolor="none", edgecolor="black", linewidth=1.2, zorder=5,
                                     label=f"Pareto set, all {self.goals.n} objectives")
        self.selected_ring = ax.scatter(*empty.T, s=260, facecolor="none", edgecolor="C2", linewidth=2.4, zorder=6)
        self.front_note = ax.text(0.5, 0.5, "", ha="center", va="center", transform=ax.transAxes, color="0.4")
        self.volume = HypervolumePlot(self.volume_ax)
        self.selected_line = self.volume_ax.axvline(0.0, color="C2", lw=1.2, ls="--", visible=False)
        self.volume_note = self.volume_ax.text(0.5, 0.5, "", ha="center", va="center",
                                               transform=self.volume_ax.transAxes, color="0.4")

    def _draw(self) -> None:
        """Update both axes' artists from the trials (called only when the figure is rendered)."""
        i, j = self.pair
        self.volume_info = self._measure(self.reference)
        pair_reference = None if self.reference is None else self.reference[[i, j]]
        self.info = self.volume_info if self.goals.n == 2 and (i, j) == (0, 1) else \
            pareto_info(self.values[:, [i, j]], [self.directions[i], self.directions[j]], self.feasible,
                        reference=pair_reference, names=[self.goals.names[i], self.goals.names[j]], full=self.full,
                        unknown=self.unknown, warn=False)
        ringed = self.volume_info.front if self.goals.n > 2 else np.zeros(len(self.values), dtype=bool)
        self.pareto_set.set_offsets(self.values[ringed][:, [i, j]].reshape(-1, 2))
        chosen = self.selected if self.selected is not None and self.info.complete[self.selected] else None
        self.selected_ring.set_offsets(np.empty((0, 2)) if chosen is None else self.values[chosen, [i, j]][None])
        self.selected_ring.set_label("_selected" if chosen is None else f"trial {chosen}")
        if self.info.complete.any():  # the rings first: the legend lists them too
            self.front_note.set_text("")
            self.front.update(self.info)
        else:  # nothing to plot, not even the reference (and no empty legend)
            self.front_note.set_text("no completed trials yet")
            self.front.clear()
        measured = self.reference is not None and len(self.trials) > 0
        self.selected_line.set_visible(measured and self.selected is not None)
        if self.selected is not None:
            self.selected_line.set_xdata([self.selected + 1] * 2)
        self.volume_note.set_text("" if measured else "hypervolume: waiting for the reference point"
                                  if self.reference is None else "hypervolume: no trial has finished yet")
        if measured:
            self.volume.update(self.volume_info)
        else:
            self.volume.clear()

    # -- selecting a trial ------------------------------------------------------------------------------
    def select(self, number: int | None) -> None:
        """Select trial ``number`` (None: none), as a click on its point does."""
        if number is not None and not (is_int(number) and 0 <= number < len(self.trials)):
            raise fail("number", "ParetoPanel.select", f"a trial number in [0, {len(self.trials)})", number)
        self.selected = None if number is None else int(number)  # an array([1]) stored failed every redraw
        self._refresh()

    def travel(self) -> None:
        """What "Show this step" does: report the selected trial's number to the Lab."""
        if self.selected is not None:
            for callback in self._travel:
                callback(self.selected)

    def _on_press(self, event: Any) -> None:
        if event.inaxes is self.volume_ax and event.xdata is not None and len(self.trials):
            self.select(int(np.clip(round(event.xdata) - 1, 0, len(self.trials) - 1)))  # the trial at x = k is k - 1
            return
        if event.inaxes is not self.front_ax or event.x is None:
            return
        complete = np.flatnonzero(np.isfinite(self.values).all(axis=1))
        if not len(complete):
            return
        pixels = self.front_ax.transData.transform(self.values[complete][:, list(self.pair)])
        distance = np.hypot(pixels[:, 0] - event.x, pixels[:, 1] - event.y)
        if distance.min() <= PICK_PIXELS:
            self.select(int(complete[int(np.argmin(distance))]))

    def _show_selected(self) -> None:
        self.travel_button.disabled = self.selected is None
        self.details.value = "<i>Click a point (or the hypervolume curve) to see its trial.</i>" \
            if self.selected is None else trial_details(self.goals, self.trials, self.values, self.feasible,
                                                        self.selected, full=self.full)

    def _on_pair(self, change: Any) -> None:
        if self.x_choice.value == self.y_choice.value:  # picking the other axis's objective swaps the two
            other = self.y_choice if change["owner"] is self.x_choice else self.x_choice
            other.value = change["old"]
            return
        self._refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _key(trial: Trial) -> tuple[Any, ...]:
    """A trial as the panel names it: a fork's copy is the same, a space edit's renumbered trial is not."""
    return trial.number, dict(trial.params), trial.values


def _holds(trials: Sequence[Trial], key: tuple[Any, ...]) -> bool:
    """Whether ``trials`` (in number order) hold the trial ``key`` names, at its number."""
    return key[0] < len(trials) and _key(trials[key[0]]) == key

