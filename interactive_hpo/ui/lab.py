"""The Lab: one notebook app to define a space, step any optimizer, add your own trials, and
watch the model and the history redraw live.

``Lab(objective)`` as the last line of a cell shows it; ``lab.study`` is the study underneath,
and ``lab.step()`` / ``lab.run(n)`` do what the buttons do. The logic and the Lab's own state
(branches, the step viewed) live in :class:`~interactive_hpo.ui.controller.LabController`;
this module lays out widgets, wires them to it, and redraws them when it reports a change
(DESIGN.md section 4).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from ..goals import any_constraints
from ..optimizers.capabilities import ModelBased, PopulationMethod
from ..space import SearchSpace
from ..study.core import Study
from ..study.results import at_full_budget
from ..trial import Trial
from . import lab_goals
from ._checks import check_export
from .closing import close_widgets, widgets_of
from .controller import LabController, LabEvent
from .errors import ErrorLog
from .fidelity_panel import FidelityPanel, fidelity_records
from .history_panel import HistoryPanel
from .importance_panel import ImportancePanel
from .lab_controls import LabControls
from .manual_panel import NEEDS_BUDGET, ManualPanel, click_note
from .objective_choice import ObjectiveChoice
from .optimizer_panel import OptimizerPanel
from .population_panel import PopulationPanel, lineage_at, true_landscape
from .space_editor import SpaceEditor
from .status import notes_html, status_line
from .surrogate_panel import SurrogatePanel
from .timeline_panel import TimelinePanel
from .whatif_panel import WhatIfPanel

__all__ = ["CURVES_EVERY", "Lab"]

#: Seconds between two redraws of the learning curves while trials report: each report redrew
#: the whole Lab (40 ms, model included), and a run's workers waited for it.
CURVES_EVERY = 0.25

TABS = ("Model", "History", "Importance", "Your trials", "Optimizer", "Search space")


class Lab(LabControls):
    """A live app over a study: Step, Run N, Stop, Undo, Reset; model, history, importance (see
    :mod:`interactive_hpo.ui.importance_panel`), manual trials, optimizer and search-space tabs;
    for several objectives, a Pareto tab first.

    Parameters
    ----------
    study_or_objective : Study or objective, optional
        ``Lab(objective)``: a new study over ``objective.space`` in ``objective.direction`` (or
        ``objective.directions``: several objectives, as the ZDT and DTLZ problems declare);
        ``Lab(objective, space=space)`` or ``Lab(space, objective)`` for a plain function.
        ``Lab(study, objective)``: steer an existing study (resumed from a journal, say).
        ``Lab(optuna_study, objective)``: look inside an Optuna study with our GP and go on
        stepping it (``objective(trial)`` is the Optuna objective; see
        :func:`~interactive_hpo.interop.from_optuna`).
    objective : callable, optional
        The objective when the first argument is a study.
    task : str, optional
        A bundled scikit-learn task instead of an objective (``Lab(task="svm_digits")``).
    optimizer : str, optional
        For a new study (default "bo"; "parego" for several); a resumed ``storage`` keeps its own.
    seed : int, optional
        Seeds the new study (and the task's cross-validation).
    optimizer_settings : dict, optional
        Settings of that optimizer.
    storage : str or path, optional
        A journal for the new study.
    space : SearchSpace, optional
        The space, for a plain function with no ``space`` attribute.
    direction : {"minimize", "maximize"}, optional
        Overrides the objective's direction (default: its own, else "minimize").
    directions : list or dict of directions, optional
        Several objectives (as for ``Study``); the Lab then shows the Pareto tab (see
        :mod:`interactive_hpo.ui.pareto_panel`), a history table with a column per objective,
        and ParEGO's model of its scalarized loss in the Model tab ("ehvi": each objective's GP,
        chosen by :attr:`objective_choice`).
    executor, n_workers : optional
        Run N evaluates trials in parallel there (a ``dask.distributed.Client``, any
        ``concurrent.futures`` executor, or ``n_workers`` local processes); the status line
        lists the running trials.
    trial_timeout, on_worker_loss : optional
        For those parallel runs, as for ``Study.run``: seconds a trial may run on its worker
        before it is FAILED ("timed out"), and "fail" or "requeue" a trial whose worker died.
    warm_start : Study, list of Study or dict from name to Study, optional
        Related studies the new study's optimizer learns from (as for ``Study``); the Model tab
        draws their trials faded and says how much the model trusts each. Not with a study.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace
    >>> lab = Lab(lambda p: (p["x"] - 1) ** 2, space=SearchSpace([Float("x", -2, 2)]), optimizer="sobol", seed=0)
    >>> lab.step_button.click()
    >>> _ = lab.run(3)
    >>> len(lab.study.trials), lab.status.value.startswith("Trials: 4")
    (4, True)
    """

    def __init__(self, study_or_objective: Any = None, objective: Callable[..., Any] | None = None, *,
                 task: str | None = None, optimizer: str | None = None, seed: int | None = None,
                 optimizer_settings: dict[str, Any] | None = None, storage: Any = None,
                 space: SearchSpace | None = None, direction: str | None = None, executor: Any = None,
                 n_workers: int | None = None, trial_timeout: float | None = None, on_worker_loss: str = "fail",
                 directions: Any = None, warm_start: Any = None):
        study, self._objective = lab_goals.study_from(study_or_objective, objective, task, optimizer, seed,
                                                      optimizer_settings, storage, space, direction, directions,
                                                      warm_start)
        self.errors = ErrorLog()
        self.controller = LabController(study, self._objective, executor=executor, n_workers=n_workers,
                                        trial_timeout=trial_timeout, on_worker_loss=on_worker_loss)
        self._task: asyncio.Task | None = None
        self._curves_drawn = -math.inf  # when a report last redrew the learning curves (time.monotonic)
        self._held: bool | None = None  # inside _one_redraw: whether a redraw was asked (None: outside)
        self._build_controls()
        self.optimizer_panel = OptimizerPanel(self.errors, offered=self.controller.offered)
        self.optimizer_panel.on_apply(self.controller.switch_optimizer)
        self.space_editor = SpaceEditor(study.space, errors=self.errors, check=self.controller.check_space)
        self.space_editor.on_apply(self.controller.set_space)
        self.notes = widgets.HTML()
        self.timeline = TimelinePanel(self.errors)
        self.timeline.on_travel(self.travel)
        self.timeline.on_fork(lambda step: self.fork(step, *self.optimizer_panel.chosen()))
        self.timeline.on_branch(self.switch_branch)
        self.what_if = WhatIfPanel(self.errors)
        self.what_if.on_change(self.refresh)
        self.objective_choice = ObjectiveChoice(study.goals, self.errors)  # "ehvi": a GP per objective
        self.objective_choice.on_change(self.refresh)
        self.pareto_panel = lab_goals.pareto_panel_for(study, self._objective, self.errors)  # several objectives
        if self.pareto_panel is not None:
            self.pareto_panel.on_travel(self._show_step)
        self.importance_panel = ImportancePanel(study.goals, self.errors)  # computed only while its tab is shown
        self.tabs = widgets.Tab()
        self.tabs.observe(self.errors.guard(lambda _: self._show_selected_tab()), names="selected_index")
        self._build_space_panels()
        self.controller.on_change(self.errors.guard(self._changed))
        self.widget = widgets.VBox([self.status, self.controls, self.errors.view, self.notes, self.tabs])
        self.widget.add_class("ihpo-lab")
        self.refresh()

    # -- what the buttons do, from code ---------------------------------------------------------
    @property
    def study(self) -> Study:
        """The study the Lab steers (a new one after Reset or a search-space edit)."""
        return self.controller.study

    @property
    def branches(self) -> dict[str, Study]:
        """Every branch by name ("main", "fork@4", "fork@6 sobol", ...), as the branch list shows them."""
        return self.controller.branches

    @property
    def branch_name(self) -> str:
        """The branch steered."""
        return self.controller.branch_name

    def step(self) -> Trial:
        """One trial, as the Step button (a what-if in progress is committed first)."""
        self.controller.check_steppable("Step")  # before the what-if is committed: a refused Step changes nothing
        with self._one_redraw():
            self._commit_what_if()
            return self.controller.step()

    def step_generation(self) -> list[Trial]:
        """The rest of the current generation (population optimizers), as the Generation button."""
        return self.controller.step_generation()

    def run(self, n_trials: int) -> list[Trial]:
        """Up to ``n_trials`` trials, as the Run button (here: blocking, with the progress bar);
        refused, as Step is, when the optimizer has nothing left to propose."""
        # Before the buttons change (a background run's stay as they are) and the what-if is committed.
        n_trials = self.controller.check_run(n_trials)
        with self._one_redraw():
            self._commit_what_if()
        self._set_running(True)
        try:
            return self.controller.run(n_trials, progress=self._progress)
        finally:
            self._set_running(False)

    def stop(self) -> None:
        """Stop a run after the trials in progress, as the Stop button; again, with workers: cancel them."""
        self.controller.stop()

    def close(self) -> None:
        """Close the app: a run stops after the trials in progress, the Lab stops observing its
        study, and every widget it made is closed, so the kernel frees them (a Lab built again by
        re-running its cell kept the old one's 380 widgets and 9 MB, and one over the same study
        redrew on each of its trials). The study is left as it is: ``Lab(lab.study, objective)``
        opens it again; this Lab refuses every action."""
        if self.controller.running:
            self.controller.stop()
        self.controller.close()
        close_widgets(self, keep=self.controller.objective)  # the objective is the person's, whatever it is

    def export(self, path: str, **options: Any) -> Any:
        """Write the current branch's steps for slides: ``.html`` (one self-contained page with a
        step slider) or ``.gif`` / ``.mp4`` (an animation); options as in :mod:`interactive_hpo.plots.export`.

        Several objectives: each step shows the Pareto front of the trials so far and the
        hypervolume over trials, measured from the reference point the Pareto tab shows (unless
        ``reference=`` is given; before the tab has fixed one, the export infers one from all trials).

        A file already at ``path`` is replaced only if an export wrote it (exporting again to one
        path works) or ``overwrite=True``: any other file is refused, naming ``Lab.export``, and
        left as it is. Refused by a closed Lab, as every action is."""
        self.controller.check_open("Export")
        from ..plots.export import HTML_SUFFIXES, export_animation, export_html
        write = export_html if str(path).lower().endswith(HTML_SUFFIXES) else export_animation
        check_export(path, options, write, (*HTML_SUFFIXES, ".gif", ".mp4"), "Lab.export")
        if self.pareto_panel is not None and "reference" not in options:
            options["reference"] = self.pareto_panel.reference  # the frames measure what the tab measures
        return write(self.study, path, **options)

    def _commit_what_if(self) -> None:
        """Switch to the what-if's settings, if it changed any: what Step commits."""
        self.controller.change_settings(self.what_if.settings_changed())
        self.what_if.active.value = False

    def travel(self, step: int | None) -> None:
        """Show the belief that proposed trial ``step`` (None: the present), as the step slider does.

        The Model tab then draws that belief (rebuilt from the hyperparameters recorded with the trial:
        no refit), the trials finished before it and its proposal; Step, Run or a trial of yours returns.
        """
        self.controller.travel(step)

    def fork(self, step: int | None = None, optimizer: str | None = None,
             settings: dict[str, Any] | None = None) -> Study:
        """Start a branch from trial ``step`` (default: the step shown) with ``optimizer`` and
        ``settings`` (default: as they were then), and continue on it, as "Fork here" does.

        The branch it leaves stays listed; :meth:`switch_branch` goes back.
        """
        return self.controller.fork(step, optimizer, settings)

    def switch_branch(self, name: str) -> None:
        """Steer the branch ``name`` (one of :attr:`branches`), as the branch list does."""
        self.controller.switch_branch(name)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.controller.closed:  # its widgets are gone: no view to show
            return {"text/plain": "A closed Lab (Lab.close): Lab(lab.study, objective) opens its study again."}
        return self.widget._repr_mimebundle_(**kwargs)

    # -- building -----------------------------------------------------------------------------------
    def _build_space_panels(self) -> None:
        """The panels drawn for one search space (rebuilt when the space is edited)."""
        space = self.study.space
        self.surrogate_panel = SurrogatePanel(space, self.errors)
        self.population_panel = PopulationPanel(space, self.errors)
        clicks = self.controller.can_evaluate  # a click evaluates a trial of yours, as Evaluate does
        if clicks:  # a click on the population is one on the model's slice: the other parameters at its sliders
            self.surrogate_panel.on_click(self.controller.evaluate)
            self.population_panel.on_click(lambda at: self.controller.evaluate(self.surrogate_panel.params_at(at)))
        self.click_note = click_note(clicks)
        self._population_shown: tuple[Any, int | None, Any] = (None, None, None)  # _draw_population's arguments
        self.fidelity_panel = FidelityPanel(self.errors)
        self.fidelity_panel.on_override(self.controller.override)
        self.fidelity_panel.on_simulate(self.controller.simulate)
        if self.surrogate_panel.x_choice is not None and self.surrogate_panel.y_choice is not None:
            for choice in (self.surrogate_panel.x_choice, self.surrogate_panel.y_choice):
                choice.observe(self.errors.guard(lambda _: self._draw_population(*self._population_shown)),
                               names="value")
        self.history_panel = HistoryPanel(space, self.errors, goals=self.study.goals)
        self.manual_panel = ManualPanel(space, self.errors, goals=self.study.goals, plot_clicks=clicks)
        self.manual_panel.on_evaluate(self.controller.evaluate)
        if not clicks:
            self.manual_panel.evaluate_off(NEEDS_BUDGET)
        self.manual_panel.on_record(self.controller.add_manual)
        # The model first, where a projector's first screen shows it (issue 25); then the controls
        # that change what it shows, then the branches' progress.
        model_tab = widgets.VBox([self.objective_choice.widget, self.click_note, self.surrogate_panel.widget,
                                  self.what_if.widget, self.timeline.widget, self.population_panel.widget,
                                  self.fidelity_panel.widget])
        pareto = [] if self.pareto_panel is None else [self.pareto_panel.widget]  # several objectives: first
        self.tabs.children = [*pareto, model_tab, self.history_panel.widget, self.importance_panel.widget,
                              self.manual_panel.widget, self.optimizer_panel.widget, self.space_editor.widget]
        self.tabs.titles = ("Pareto front",) * len(pareto) + TABS
        self._show_selected_tab()

    def _show_selected_tab(self) -> None:
        """Render the selected tab's figures only; the others wait until their tab is chosen."""
        by_tab = [[*self.surrogate_panel.figures, self.timeline.figure, *self.population_panel.figures,
                   *self.fidelity_panel.figures], self.history_panel.figures, self.importance_panel.figures]
        if self.pareto_panel is not None:
            by_tab.insert(0, self.pareto_panel.figures)
        selected = self.tabs.selected_index or 0
        for index, figures in sorted(enumerate(by_tab), key=lambda item: item[0] == selected):  # hide, then show
            for figure in figures:
                figure.shown = index == selected

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
        if event is LabEvent.NOTED:  # a Reset with nothing to reset: the study and its panels stay
            self.notes.value = notes_html(self.controller.notes, self.controller.left_behind)
            return
        if event in (LabEvent.SWITCHED, LabEvent.RESET, LabEvent.SPACE, LabEvent.BRANCH):
            self.population_panel.reset()  # individual ids restart with a new optimizer
        if event in (LabEvent.RESET, LabEvent.SPACE, LabEvent.BRANCH):
            self.what_if.clear()  # another study: its present, without a what-if
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
        shown are only marked out of date (:meth:`_show_selected_tab`).
        """
        if self._held is not None:  # inside _one_redraw: drawn once at its end
            self._held = True
            return
        study, viewing = self.study, self.controller.viewing
        history = lab_goals.lab_history(study, viewing)  # several objectives: the values ParEGO's model is fitted on
        optimizer = study.optimizer
        self._show_status()
        can_propose = isinstance(optimizer, ModelBased)
        self.what_if.show(optimizer.settings() if can_propose else None, type(optimizer).setting_choices,
                          lengthscales=not lab_goals.models_each_objective(optimizer),
                          constrained=any_constraints(study.trials), exhausted=not self.controller.can_step)
        objective = self.objective_choice.show(study, viewing)  # "ehvi": the objective whose GP is drawn
        if viewing is None:
            shown = self.controller.present(history, self.what_if.overrides(), objective)
            self.what_if.describe(shown.usual_proposal, shown.proposal)  # nothing without a what-if
        else:
            shown = self.controller.past(viewing, history, objective)
            self.what_if.describe(None, None)  # what-ifs are about the present
        full = study.full_budget  # what best_trial(s) count: full evaluations only
        counted = [t for t in study.trials if at_full_budget(t, full)]
        if self.pareto_panel is not None:
            self.pareto_panel.update(study.trials, full)  # every trial (its positions are numbers); counts full ones
        self.surrogate_panel.show_sources(study.warm_start)  # drawn faded; encoded once per study
        self.surrogate_panel.update(shown.view, shown.history, shown.proposal, unavailable=shown.why,
                                    note=lab_goals.model_note(study, viewing, objective),
                                    any_feasible=shown.any_feasible)
        curves, label = lab_goals.progress_curves(self.branches, None if self.pareto_panel is None else
                                                  self.pareto_panel.reference)
        self.timeline.update(curves, self.branch_name, len(study.trials), shown.caption, viewing, ylabel=label)
        self._draw_population(shown.population, viewing, shown.proposal if viewing is not None else None)
        self.fidelity_panel.update(fidelity_records(study))
        self.history_panel.update(history, study.trials, full)
        self.importance_panel.update(study, viewing)  # hidden: only marked out of date
        self.manual_panel.update(counted, study.goals.directions[0])
        self.optimizer_panel.show(optimizer.name, optimizer.settings())
        if not self.controller.running:
            self._set_running(False)

