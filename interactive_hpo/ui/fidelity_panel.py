"""The multi-fidelity panel: rungs, curves over budgets, your overrides, and simulated workers.

Shown when the optimizer is a scheduler (successive halving, Hyperband, ASHA), or when trials
reported learning curves (a pruner at work). The rung plot marks each job with the
scheduler's decision and, beside it, yours; the Promote and Stop buttons make yours. The
worker simulation replays the current scheduler and its synchronous or asynchronous
counterpart on pretend workers, as a Gantt chart.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from .._validation import check_one_of, fail
from ..execution.simulation import Schedule
from ..optimizers.capabilities import Scheduler
from ..plots.curves import LearningCurvesPlot
from ..plots.fidelity import RungsPlot, stopped_configs
from ..plots.workers import compare_gantt
from ..study.core import Study
from ..study.curves import Curve, config_curves, learning_curves
from ._checks import check_callback, error_log
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure
from .labels import wrapping_row
from .tables import MAX_TABLE_ROWS, body_cell, head_cell

__all__ = ["FidelityPanel", "FidelityRecords", "fidelity_records"]

#: What :meth:`FidelityPanel.override` does to the chosen job's configuration.
ACTIONS = ("promote", "stop")


@dataclass(frozen=True)
class FidelityRecords:
    """What the panel draws, as plain records (the panel never sees the study).

    Attributes
    ----------
    scheduled : bool
        Whether a scheduler (halving, Hyperband, ASHA) chose the budgets.
    rows : list of dict
        The scheduler's rung table (``Scheduler.rung_table()``), one row per job; empty without one.
    curves : list of Curve
        Curves over budgets by configuration for a scheduler (``config_curves``), each trial's
        reported values otherwise (``learning_curves``).
    full_step : float or None
        The scheduler's full budget (curves that stop short of it were stopped); None without one.
    direction : str
        The study's direction, "minimize" or "maximize": the rung plot shows values, not losses.
    """

    scheduled: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)
    curves: list[Curve] = field(default_factory=list)
    full_step: float | None = None
    direction: str = "minimize"


def fidelity_records(study: Study) -> FidelityRecords:
    """:class:`FidelityRecords` of ``study`` now."""
    scheduler = study.optimizer if isinstance(study.optimizer, Scheduler) else None
    if scheduler is None:
        return FidelityRecords(curves=learning_curves(study))
    # The rung table's loss is the first objective's with several (study.direction is one objective's only).
    return FidelityRecords(True, scheduler.rung_table(), config_curves(study), scheduler.max_budget,
                           study.goals.directions[0].value)


class FidelityPanel:
    """Live rung and curve plots of a study (updated in place), with promote/stop buttons and a
    worker simulation.

    Parameters
    ----------
    errors : ErrorLog
        The log of the buttons' errors, shown in two of its spots: ``override_error`` under
        Promote and Stop, ``simulate_error`` under "Simulate workers".

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> from interactive_hpo.ui.errors import ErrorLog
    >>> from interactive_hpo.ui.fidelity_panel import fidelity_records
    >>> study = Study(SearchSpace([Float("x", 0, 1)]), "halving", seed=0,
    ...               optimizer_settings={"min_budget": 1, "max_budget": 9})
    >>> _ = study.run(lambda p, budget: p["x"] / budget, n_trials=9)
    >>> panel = FidelityPanel(ErrorLog())
    >>> panel.update(fidelity_records(study))
    >>> len(panel.job.options), panel.widget.layout.display
    (9, None)
    """

    def __init__(self, errors: ErrorLog):
        self.errors = errors = error_log(errors, "FidelityPanel", optional=False)
        self.figure = LiveFigure((PANEL_INCHES, 3.4), errors=errors)
        # The curves wider: at 7.6 in their legend ("below the full budget (stopped, ...)") stuck out.
        self.rung_ax, self.curve_ax = self.figure.fig.subplots(1, 2, width_ratios=(2, 3))
        # Built once, updated in place on every trial (DESIGN.md section 4): clearing and plotting
        # both Axes again took 140 ms a step of a halving study.
        self.rungs, self.curves = RungsPlot(self.rung_ax), LearningCurvesPlot(self.curve_ax)
        self.bracket = widgets.Dropdown(description="bracket", options=[], layout=widgets.Layout(width="12em"))
        self._updating = False  # options being replaced: one redraw at the end, not one per change
        self.bracket.observe(errors.guard(lambda _: None if self._updating else self._draw()), names="value")
        self.job = widgets.Dropdown(description="job", options=[], layout=widgets.Layout(width="40em"))
        self.job.add_class("ihpo-job")
        # Each button group's refusals show right under it, where the user clicked (ErrorLog.spot).
        self.override_error, self.simulate_error = errors.spot(), errors.spot()
        self.promote_button = self._button("Promote", "arrow-up", "give this configuration the next budget, "
                                           "whatever the scheduler decides", "promote")
        self.stop_button = self._button("Stop", "ban", "keep this configuration out of the next rung, "
                                        "whatever the scheduler decides", "stop")
        # Greyed out until a job is chosen: the list starts blank (options set after the Dropdown is built
        # choose nothing), and a click then only printed a refusal with its traceback atop the Lab.
        self.job.observe(errors.guard(lambda _: self._enable_overrides()), names="value")
        self.table = widgets.HTML()
        self.n_workers = widgets.BoundedIntText(value=4, min=1, max=64, description="workers",
                                                layout=widgets.Layout(width="10em"))
        self.n_jobs = widgets.BoundedIntText(value=40, min=1, max=10_000, description="jobs",
                                             layout=widgets.Layout(width="10em"))
        self.simulate_button = widgets.Button(description="Simulate workers", icon="server",
                                              layout=widgets.Layout(width="auto"),
                                              tooltip="run the scheduler and its counterpart on pretend workers "
                                                      "(real evaluations, simulated time)")
        self.simulate_button.on_click(errors.guard(lambda _: self.simulate(), at=self.simulate_error))
        self.gantt = LiveFigure((PANEL_INCHES, 4.0), errors=errors)
        self.gantt.widget.layout.display = "none"
        self.overrides = wrapping_row([self.job, self.promote_button, self.stop_button])
        self.workers = widgets.VBox([wrapping_row([self.n_workers, self.n_jobs, self.simulate_button]),
                                     self.simulate_error, self.gantt.widget])
        self.widget = widgets.VBox([
            widgets.HTML("<b>Multi-fidelity</b>: value against budget per configuration "
                         "(&#9650; promoted, &#9660; stopped by the scheduler; rings and crosses: yours)"),
            self.bracket, self.figure.widget, self.overrides, self.override_error, self.table, self.workers])
        self.widget.add_class("ihpo-fidelity")
        self.widget.layout.display = "none"
        self._override: Callable[[int, str], Any] | None = None
        self._simulate: Callable[[int, int], dict[str, Schedule]] | None = None
        self._rows: list[dict[str, Any]] = []
        self._enable_overrides()
        self._curves: list[Any] = []
        self._full_step: float | None = None
        self._direction = "minimize"

    def _button(self, label: str, icon: str, tooltip: str, action: str) -> widgets.Button:
        button = widgets.Button(description=label, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="auto"))
        button.add_class(f"ihpo-override-{action}")  # the Run's Stop is ihpo-stop
        button.on_click(self.errors.guard(lambda _: self.override(action), at=self.override_error))
        return button

    def _enable_overrides(self) -> None:
        # Promote greyed out too once the chosen job's configuration was promoted (by the scheduler or
        # you): a second click was refused "Config 7 already entered rung 1" (browser audit a470).
        row = next((row for row in self._rows if row["number"] == self.job.value), None)
        self.stop_button.disabled = self.job.value is None
        self.promote_button.disabled = self.job.value is None or (
            row is not None and "promote" in (row["scheduler"], row["human"]))

    # -- wiring -------------------------------------------------------------------------------------
    def on_override(self, callback: Callable[[int, str], Any]) -> None:
        """``callback(trial_number, "promote" | "stop")`` when a button is clicked."""
        self._override = check_callback(callback, "FidelityPanel.on_override", "callback(trial_number, action)")

    def on_simulate(self, callback: Callable[[int, int], dict[str, Schedule]]) -> None:
        """``callback(n_workers, n_jobs) -> {name: Schedule}`` for the Simulate button."""
        self._simulate = check_callback(callback, "FidelityPanel.on_simulate", "callback(n_workers, n_jobs)")

    def override(self, action: str) -> None:
        """Promote or stop the selected job's configuration (as the buttons do): ``action`` is
        "promote" or "stop"; with no job chosen in the list, refused (the buttons are then disabled)."""
        check_one_of(action, "action", "FidelityPanel.override", ACTIONS)
        if self.job.value is None:
            raise fail("job", "FidelityPanel", f"a job chosen in the list before {action.capitalize()}", None,
                       hint="Pick the trial whose configuration to " + action + " in the 'job' list.")
        if self._override is not None:
            self._override(int(self.job.value), action)

    def simulate(self) -> dict[str, Schedule]:
        """Run the worker simulation and draw its Gantt charts (as the Simulate button does)."""
        if self._simulate is None:
            return {}
        schedules = self._simulate(self.n_workers.value, self.n_jobs.value)
        self.gantt.fig.clf()
        compare_gantt(schedules, color_by="budget", fig=self.gantt.fig)  # brackets reuse rung numbers
        self.gantt.widget.layout.display = None
        self.gantt.redraw()
        return schedules

    # -- redrawing ----------------------------------------------------------------------------------
    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure, self.gantt]

    def update(self, records: FidelityRecords) -> None:
        """Redraw from ``records``; hidden when there is neither a scheduler nor a learning curve."""
        if not isinstance(records, FidelityRecords):  # None failed on its first attribute, far from its cause
            raise fail("records", "FidelityPanel.update", "the panel's FidelityRecords (fidelity_records(study))",
                       records)
        self._rows = records.rows
        # Curves over budgets end early when the scheduler stopped them short of the full budget.
        self._full_step = records.full_step
        self._direction = records.direction
        self._curves = records.curves
        if not records.scheduled and not self._curves:
            self.widget.layout.display = "none"
            return
        self.widget.layout.display = None
        for part in (self.bracket, self.overrides, self.table, self.workers):
            part.layout.display = None if records.scheduled else "none"
        brackets = sorted({row["bracket"] for row in self._rows})
        keep = self.bracket.value if self.bracket.value in brackets else (brackets[-1] if brackets else None)
        self._updating = True
        try:
            if list(self.bracket.options) != brackets:
                self.bracket.options = brackets
            self.bracket.value = keep
        finally:
            self._updating = False
        jobs = [(self._label(row), row["number"]) for row in reversed(self._rows) if row["number"] is not None]
        if jobs != list(self.job.options):  # unchanged options are not sent to the browser again
            # New options select the first (ipywidgets): the job chosen stays chosen while listed, or
            # a second Promote or Stop acted on the newest trial (review r424).
            chosen = self.job.value
            self.job.options = jobs
            self.job.value = chosen if chosen in [number for _, number in jobs] else None
        self._enable_overrides()  # the chosen job's row may say it was promoted since
        self._draw()

    def _draw(self) -> None:
        if self._rows and self.bracket.value is not None:
            self.rungs.update(self._rows, bracket=self.bracket.value, direction=self._direction)
        else:
            self.rungs.clear()
        if self._curves:
            # Over budgets, the crosses mark the configurations the rung table says were stopped.
            labels = {"xlabel": "budget", "ylabel": "value", "xscale": "log",
                      "stopped_keys": stopped_configs(self._rows)} if self._full_step is not None else \
                {"xlabel": "step", "ylabel": "reported value"}
            self.curves.update(self._curves, full_step=self._full_step, **labels)
        else:
            self.curves.clear()
        self.table.value = _table([row for row in self._rows if row["bracket"] == self.bracket.value])
        self.figure.redraw()

    @staticmethod
    def _label(row: dict[str, Any]) -> str:
        return (f"trial {row['number']} · config {row['config']} · budget {row['budget']:.3g} · "
                f"loss {row['loss']:.4g} · scheduler: {row['scheduler'] or '-'} · you: {row['human'] or '-'}")


def _table(rows: list[dict[str, Any]]) -> str:
    """The rung table of one bracket as HTML: who decided what, side by side.

    At most :data:`~interactive_hpo.ui.tables.MAX_TABLE_ROWS` rows, the last ones: rows come rung
    by rung, so those are the highest rungs (the survivors) and the latest entries below them. A
    first row says how many are left out and where they all are.
    """
    if not rows:
        return ""
    names, numeric = ("rung", "budget", "config", "trial", "loss", "scheduler", "you"), (True,) * 5 + (False,) * 2
    head = "".join(map(head_cell, names, numeric))
    shown = rows[-MAX_TABLE_ROWS:]
    body = "".join(
        "<tr>" + "".join(map(body_cell, (html.escape(str(cell)) for cell in (
            row["rung"], f"{row['budget']:.3g}", row["config"], "pending" if row["number"] is None else row["number"],
            "" if math.isnan(row["loss"]) else f"{row['loss']:.4g}", row["scheduler"] or "", row["human"] or "",
        )), numeric)) + "</tr>" for row in shown)
    hidden = len(rows) - len(shown)
    if hidden:
        more = (f"<i>{hidden} earlier {'row is' if hidden == 1 else 'rows are'} not shown (the table goes rung "
                "by rung: these are of the lowest rungs); study.optimizer.rung_table() has them all</i>")
        body = f"<tr>{body_cell(more, attributes=f'colspan={len(names)}')}</tr>" + body
    return ("<div style='max-height:320px;overflow-y:auto'><table class='ihpo-rung-table' "
            f"style='border-collapse:collapse'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
