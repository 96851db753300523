"""The Lab's redrawing: what changes on screen when the study changes, mixed into
:class:`~interactive_hpo.ui.lab.Lab`.

:meth:`LabRedraw.refresh` redraws every panel from the study; the controller's events
(:class:`~interactive_hpo.ui.controller.LabEvent`) say how much of it a change needs (a running
trial's report: the status line and, at most every :data:`CURVES_EVERY` seconds, the learning
curves; a trial told during a Run: the status line, and the rest at most every
:data:`REDRAW_EVERY` seconds and once when the Run ends); :meth:`LabRedraw._one_redraw` makes the
redraws asked inside it one; and only the selected tab's figures are rendered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from ..goals import any_constraints
from ..hypervolume import GrowingHistory
from ..optimizers.capabilities import ModelBased, PopulationMethod
from ..study.core import Study
from ..study.past import full_budget_at
from ..study.results import at_full_budget
from . import lab_goals
from .closing import close_widgets, widgets_of
from .controller import LabController, LabEvent
from .errors import ErrorLog
from .fidelity_panel import FidelityPanel, fidelity_records
from .figures import LiveFigure
from .history_panel import HistoryPanel
from .importance_panel import ImportancePanel
from .manual_panel import ManualPanel
from .objective_choice import ObjectiveChoice
from .optimizer_panel import OptimizerPanel
from .pareto_panel import ParetoPanel
from .population_panel import PopulationPanel, lineage_at, true_landscape
from .space_editor import SpaceEditor
from .status import notes_html, status_line
from .surrogate_panel import SurrogatePanel
from .timeline_panel import TimelinePanel
from .whatif_panel import WhatIfPanel

__all__ = ["CURVES_EVERY", "REDRAW_EVERY", "LabRedraw"]

#: Seconds between two redraws of the learning curves while trials report: each report redrew
#: the whole Lab (40 ms, model included), and a run's workers waited for it.
CURVES_EVERY = 0.25

#: Seconds between two full redraws while a Run tells trials (the status line and the progress
#: bar follow every trial; the Run's end draws the last state): a redraw after every trial was
#: 99% of a Run's CPU (0.2 s a trial in notebook 04's CMA-ES run, for trials of a millisecond).
REDRAW_EVERY = 0.5


class LabRedraw:
    """The redrawing of :class:`~interactive_hpo.ui.lab.Lab`'s panels."""

    # Provided by Lab.
    controller: LabController
    errors: ErrorLog
    tabs: widgets.Tab
    status: widgets.HTML
    notes: widgets.HTML
    generation_button: widgets.Button
    progress: widgets.IntProgress
    surrogate_panel: SurrogatePanel
    population_panel: PopulationPanel
    fidelity_panel: FidelityPanel
    history_panel: HistoryPanel
    importance_panel: ImportancePanel
    manual_panel: ManualPanel
    optimizer_panel: OptimizerPanel
    space_editor: SpaceEditor
    timeline: TimelinePanel
    what_if: WhatIfPanel
    objective_choice: ObjectiveChoice
    pareto_panel: ParetoPanel | None
    _volume_curves: dict[str, GrowingHistory]
    _curves_drawn: float
    _redrawn: float
    _redraw_held: bool
    _held: bool | None
    _population_shown: tuple[Any, int | None, Any]
    _build_space_panels: Callable[[], None]
    _set_running: Callable[[bool], None]

    if TYPE_CHECKING:  # Lab's read-only properties
        @property
        def study(self) -> Study: ...

        @property
        def branches(self) -> dict[str, Study]: ...

        @property
        def branch_name(self) -> str: ...

    def _show_selected_tab(self) -> None:
        """Render the selected tab's figures only; the others wait until their tab is chosen."""
        by_tab = [[*self.surrogate_panel.figures, self.timeline.figure, *self.population_panel.figures,
                   *self.fidelity_panel.figures], self.history_panel.figures, self.importance_panel.figures]
        if self.pareto_panel is not None:
            by_tab.insert(0, self.pareto_panel.figures)
        selected = self.tabs.selected_index or 0
        for index, figures in sorted(enumerate(by_tab), key=lambda item: item[0] == selected):  # hide, then show
            for figure in figures:  # each on its own: a model that fails to compute left the tab's others hidden
                self.errors.guard(_show)(figure, index == selected)

    # -- redrawing -------------------------------------------------------------------------------------
    def _draw_population(self, snapshot: Any, step: int | None, proposal: Any) -> None:
        """Draw the population ``snapshot`` (None: hide it) when trial ``step`` was asked (None:
        now), with the lineage known then and ``proposal``, that trial's point, marked."""
        self._population_shown = (snapshot, step, proposal)
        self.generation_button.layout.display = None if isinstance(self.study.optimizer, PopulationMethod) else "none"
        if snapshot is None:
            self.population_panel.update(None, self.surrogate_panel.pair)
            return
        tree, best = lineage_at(self.study, step, snapshot)
        landscape = None if self.study.goals.multi else \
            true_landscape(self.controller.objective, self.study.space, self.study.direction)
        self.population_panel.update(snapshot, self.surrogate_panel.pair, landscape, tree, best_value=best,
                                     proposal=proposal)

    def _changed(self, event: LabEvent) -> None:
        if event is LabEvent.RUNNING:  # trials started or finished on the workers: only the status line changes
            self._show_status()
            return
        if event is LabEvent.REPORTED:  # a learning curve grew: nothing else changes until its trial ends
            self._show_status()
            if time.monotonic() - self._curves_drawn >= CURVES_EVERY:  # the trial's end redraws them all
                self.fidelity_panel.update(fidelity_records(self.study))
                self._curves_drawn = time.monotonic()
            return
        if event is LabEvent.TOLD and self.controller.running \
                and time.monotonic() - self._redrawn < REDRAW_EVERY:  # the Run's end draws it (_draw_held)
            self._show_status()
            self.notes.value = notes_html(self.controller.notes, self.controller.left_behind)  # the Run cleared them
            self._redraw_held = True
            return
        if event is LabEvent.NOTED:  # a Reset with nothing to reset: the study and its panels stay
            self.notes.value = notes_html(self.controller.notes, self.controller.left_behind)
            return
        if event in (LabEvent.SWITCHED, LabEvent.RESET, LabEvent.SPACE, LabEvent.BRANCH):
            self.population_panel.reset()  # individual ids restart with a new optimizer
        if event in (LabEvent.RESET, LabEvent.SPACE, LabEvent.BRANCH):
            self.what_if.clear()  # another study: its present, without a what-if
            # ... and no Run of it yet: the last study's "10/10" stayed beside it (audit a418).
            self.progress.value, self.progress.description = 0, ""
        replacing = event in (LabEvent.RESET, LabEvent.SPACE)  # another study: panels and forms are rebuilt
        if replacing:
            held = widgets_of(self)
            if self.surrogate_panel.space != self.study.space:
                self._build_space_panels()
            self.space_editor.load(self.study.space)
        self.notes.value = notes_html(self.controller.notes, self.controller.left_behind)
        self.refresh()
        if replacing:  # the last study's panels and forms: ipywidgets keeps them until they are closed
            close_widgets(held, keep=self)

    def _show_step(self, step: int) -> None:
        """The Model tab at the step that proposed trial ``step`` (the Pareto panel's "Show this step")."""
        self.timeline.step.value = step  # leaves live and travels, as moving the slider does
        self.tabs.selected_index = 1  # the Model tab, after the Pareto tab

    def _draw_held(self) -> None:
        """The redraw a Run held back (:data:`REDRAW_EVERY`), at its end, however it ended (its
        last trials were only counted in the status line); a Lab closed meanwhile draws nothing."""
        if self._redraw_held and not self.controller.closed:
            self.errors.guard(self.refresh)()

    def _show_status(self) -> None:
        self.status.value = status_line(self.study, self.controller.running_trials, self.controller.viewing)

    @contextmanager
    def _one_redraw(self) -> Iterator[None]:
        """Redraw once, at the end of the outermost hold, however many redraws are asked inside (a
        failure too). A Step committing a what-if redrew the model three times (1.3-2.1 s at 110
        trials, a plain Step 0.4 s): for the switch's event, for the what-if turned off, and for the
        trial told. The redraw's own error goes to the Lab's log, as a redraw's always did: the
        trial is told by then, and an error of the step itself is not replaced."""
        outer = self._held
        self._held = bool(outer)
        try:
            yield
        finally:
            asked, self._held = self._held, outer
            if outer is not None:  # nested: the outermost hold redraws
                self._held = outer or asked
            elif asked:
                self.errors.guard(self.refresh)()

    def refresh(self) -> None:
        """Redraw every panel from the study (the buttons and the study's events call this).

        The status line first, then the model: the browser renders figures in the order they
        are redrawn here, and the model is what a Step is for (issue 25). Figures on a tab not
        shown are only marked out of date (:meth:`_show_selected_tab`), and a hidden model is not
        computed (its maps were 87 % of an "ehvi" Step, audit a470): choosing its tab computes it.
        """
        if self._held is not None:  # inside _one_redraw: drawn once at its end
            self._held = True
            return
        self._redraw_held = False
        study, viewing = self.study, self.controller.viewing
        history = lab_goals.lab_history(study, viewing)  # several objectives: the values ParEGO's model is fitted on
        optimizer = study.optimizer
        self._show_status()
        can_propose = isinstance(optimizer, ModelBased)
        self.what_if.show(optimizer.settings() if can_propose else None, type(optimizer).setting_choices,
                          lengthscales=not lab_goals.models_each_objective(optimizer),
                          constrained=any_constraints(study.trials), exhausted=not self.controller.can_step,
                          viewing=viewing)  # a past step: the controls say what-ifs are about the present
        objective = self.objective_choice.show(study, viewing)  # "ehvi": the objective whose GP is drawn
        if viewing is None:
            shown = self.controller.present(history, self.what_if.overrides(), objective)
            self.what_if.describe(shown.usual_proposal, shown.proposal)  # nothing without a what-if
        else:
            shown = self.controller.past(viewing, history, objective)
            self.what_if.describe(None, None)  # what-ifs are about the present (its panel says so)
        full = study.full_budget  # what best_trial(s) count now: the tabs below show the present at any step
        counted = [t for t in study.trials if at_full_budget(t, full)]
        if self.pareto_panel is not None:
            self.pareto_panel.update(study.trials, full)  # every trial (its positions are numbers); counts full ones
        self.surrogate_panel.show_sources(study.warm_start)  # drawn faded; encoded once per study
        self.surrogate_panel.update(shown.view, shown.history, shown.proposal, unavailable=shown.why,
                                    note=lab_goals.model_note(study, viewing, objective),
                                    any_feasible=shown.any_feasible, chosen=shown.chosen, step=viewing)
        reference = None if self.pareto_panel is None else self.pareto_panel.reference
        curves, label = lab_goals.progress_curves(self.branches, reference, measures=self._volume_curves)
        if viewing is not None and (then := full_budget_at(study.state, viewing)) != study.full_budget:
            # The solid part, what was known at the step, counted as it was then: after a switch to a
            # scheduler with a larger max_budget, a step before it had full evaluations, and a best.
            past, _ = lab_goals.progress_curves({self.branch_name: study}, reference, then)
            curves[self.branch_name] = np.concatenate([past[self.branch_name][:viewing],
                                                       curves[self.branch_name][viewing:]])
        self.timeline.update(curves, self.branch_name, len(study.trials), shown.caption, viewing, ylabel=label,
                             empty=lab_goals.empty_curve_note(study, reference))
        self._draw_population(shown.population, viewing, shown.proposal if viewing is not None else None)
        self.fidelity_panel.update(fidelity_records(study))
        self.history_panel.update(history, study.trials, full)
        self.importance_panel.update(study, viewing)  # hidden: only marked out of date
        self.manual_panel.update(counted, study.goals.directions[0])
        self.optimizer_panel.show(optimizer.name, optimizer.settings())
        if not self.controller.running:
            self._set_running(False)
        self._redrawn = time.monotonic()  # from the end: a Run's redraws leave it REDRAW_EVERY s between them


def _show(figure: LiveFigure, shown: bool) -> None:
    """Show or hide ``figure`` (shown, one out of date is drawn: the Model tab's maps computed)."""
    figure.shown = shown
