"""The Lab: one notebook app to define a space, step any optimizer, add your own trials, and
watch the model and the history redraw live.

``Lab(objective)`` as the last line of a cell shows it; ``lab.study`` is the study underneath,
and ``lab.step()`` / ``lab.run(n)`` do what the buttons do. The logic and the Lab's own state
(branches, the step viewed) live in :class:`~interactive_hpo.ui.controller.LabController`;
this module lays out widgets and wires them to it; :mod:`.lab_redraw` redraws them when it
reports a change (DESIGN.md section 4).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from .._validation import check_no_seed_setting
from ..hypervolume import GrowingHistory
from ..space import SearchSpace
from ..study.core import Study
from ..trial import Trial
from . import lab_goals
from ._checks import check_export
from .closing import close_widgets
from .controller import LabController
from .errors import ErrorLog
from .fidelity_panel import FidelityPanel
from .history_panel import HistoryPanel
from .importance_panel import ImportancePanel
from .lab_controls import LabControls
from .lab_redraw import CURVES_EVERY, LabRedraw
from .labels import ONE_LINE
from .manual_panel import NEEDS_BUDGET, ManualPanel, click_note
from .objective_choice import ObjectiveChoice
from .optimizer_panel import OptimizerPanel
from .population_panel import PopulationPanel
from .space_editor import SpaceEditor
from .surrogate_panel import SurrogatePanel
from .timeline_panel import TimelinePanel
from .whatif_panel import WhatIfPanel

__all__ = ["CURVES_EVERY", "Lab"]

TABS = ("Model", "History", "Importance", "Your trials", "Optimizer", "Search space")


class Lab(LabControls, LabRedraw):
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
        Settings of that optimizer; not its seed (``seed`` is).
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
        check_no_seed_setting(optimizer_settings, "Lab")  # Lab's study is built inside the package: checked here
        study, self._objective = lab_goals.study_from(study_or_objective, objective, task, optimizer, seed,
                                                      optimizer_settings, storage, space, direction, directions,
                                                      warm_start)
        self.errors = ErrorLog()
        self.controller = LabController(study, self._objective, executor=executor, n_workers=n_workers,
                                        trial_timeout=trial_timeout, on_worker_loss=on_worker_loss)
        self._task: asyncio.Task | None = None
        self._volume_curves: dict[str, GrowingHistory] = {}  # the timeline's, per branch: each extended, not remeasured
        self._curves_drawn = -math.inf  # when a report last redrew the learning curves (time.monotonic)
        self._redrawn = -math.inf  # when refresh last ran (time.monotonic): a Run redraws every REDRAW_EVERY s
        self._redraw_held = False  # a trial told during a Run was not drawn yet (_draw_held)
        self._held: bool | None = None  # inside _one_redraw: whether a redraw was asked (None: outside)
        self._build_controls()
        self.optimizer_panel = OptimizerPanel(self.errors, offered=self.controller.offered,
                                              shown=(study.optimizer.name, study.optimizer.settings()))
        self.optimizer_panel.on_apply(self.controller.switch_optimizer)
        self.space_editor = SpaceEditor(study.space, errors=self.errors, check=self.controller.check_space)
        self.space_editor.on_apply(self.controller.set_space)
        # A line kept, said or not: "Your trial N: ..." appearing moved every tab below 28 px for good,
        # and a trial of yours clears it before saying it (audit a444: a second click landed there).
        self.notes = widgets.HTML(layout=widgets.Layout(min_height=ONE_LINE))
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
        self._progress(0, n_trials)  # the last Run's count is not this one's
        self._set_running(True)
        try:
            return self.controller.run(n_trials, progress=self._progress)
        finally:
            self._run_over()

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
