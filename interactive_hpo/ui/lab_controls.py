"""The Lab's controls (Step, Generation, Run N, Stop, Undo, Reset, the progress bar) and a Run
in the background of a Jupyter kernel; mixed into :class:`~interactive_hpo.ui.lab.Lab`.

A Run in a kernel is an asyncio task that gives the kernel a turn after every trial
(:mod:`.background`), so a Stop click is handled while it goes on; the buttons that would change
the running study are disabled meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import ipywidgets as widgets

from ..trial import Trial
from .background import kernel_loop, run_steps
from .controller import LabController
from .errors import ErrorLog
from .labels import wrapping_row
from .timeline_panel import TimelinePanel

__all__ = ["LabControls"]


class LabControls:
    """The buttons of :class:`~interactive_hpo.ui.lab.Lab` and its background run."""

    # Provided by Lab.
    controller: LabController
    errors: ErrorLog
    timeline: TimelinePanel
    step: Callable[[], Trial]
    step_generation: Callable[[], list[Trial]]
    run: Callable[[int], list[Trial]]
    stop: Callable[[], None]
    _commit_what_if: Callable[[], None]
    _draw_held: Callable[[], None]
    _task: asyncio.Task | None

    def _build_controls(self) -> None:
        def button(label: str, css: str, icon: str, tooltip: str, action: Callable[[], Any]) -> widgets.Button:
            made = widgets.Button(description=label, icon=icon, tooltip=tooltip,
                                  layout=widgets.Layout(width="auto"))
            made.add_class(css)
            made.on_click(self.errors.guard(lambda _: action()))
            return made

        self.step_button = button("Step", "ihpo-step", "step-forward", "ask, evaluate and tell one trial", self.step)
        self.generation_button = button("Generation", "ihpo-generation", "forward",
                                        "step until the current generation is evaluated", self.step_generation)
        self.n_trials = widgets.BoundedIntText(value=10, min=1, max=100_000, layout=widgets.Layout(width="6em"))
        self.n_trials.add_class("ihpo-n-trials")
        self.run_button = button("Run", "ihpo-run", "play", "run this many trials", self._start_run)
        self.stop_button = button("Stop", "ihpo-stop", "stop",
                                  "stop after the trials in progress (again, with workers: cancel them)", self.stop)
        self.undo_button = button("Undo", "ihpo-undo", "undo", "withdraw the manual trial just added",
                                  self.controller.undo)
        self.reset_button = button("Reset", "ihpo-reset", "refresh", "start a new, empty study",
                                   self.controller.reset)
        # "6/40" beside the bar: after a Stop, the bar alone did not say how many of the Run's trials ran.
        self.progress = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="16em"),
                                            style={"description_width": "initial"})
        self.status = widgets.HTML()
        self.status.add_class("ihpo-status")
        self.controls = wrapping_row([self.step_button, self.generation_button, self.n_trials, self.run_button,
                                      self.stop_button, self.progress, self.undo_button, self.reset_button])

    # -- running in the background ------------------------------------------------------------------
    def _start_run(self) -> None:
        loop = kernel_loop()
        if loop is None:  # not in a Jupyter kernel (a script, a test): run to the end here
            self.run(self.n_trials.value)
            return
        # In a kernel: a task that yields between trials, so a Stop click is handled (ui/background.py).
        # Refused before the what-if is committed: a second Run click committed it into the running study.
        n_trials = self.controller.check_run(self.n_trials.value)
        self._commit_what_if()
        self._progress(0, n_trials)  # the last Run's count is not this one's
        self._set_running(True)
        self._task = loop.create_task(self._run_in_background(n_trials))

    def _run_in_background(self, n_trials: int) -> Coroutine[Any, Any, None]:
        """What a Run in a kernel awaits: up to ``n_trials`` steps, the kernel's turn after each."""
        return run_steps(self.controller.steps(n_trials), n_trials, self.errors, self._progress,
                         lambda running: self._set_running(True) if running else self._run_over())

    def _progress(self, done: int, total: int) -> None:
        self.progress.max, self.progress.value = max(total, 1), done
        self.progress.description = f"{done}/{total}"

    def _run_over(self) -> None:
        """The buttons back, and the redraw the Run held back (lab_redraw.REDRAW_EVERY) drawn."""
        self._set_running(False)
        self._draw_held()

    def _set_running(self, running: bool) -> None:
        for control in (self.step_button, self.generation_button, self.run_button, self.reset_button,
                        self.undo_button, self.timeline.fork_button, self.timeline.branch):  # the run's study stays
            control.disabled = running
        self.stop_button.disabled = not running
        if not running:
            self.undo_button.disabled = not self.controller.can_undo
            for control in (self.step_button, self.generation_button, self.run_button):  # a search used up
                control.disabled = not self.controller.can_step
