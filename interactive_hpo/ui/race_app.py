"""Race mode: optimizers (and you) on one objective, stepped in lockstep, best-so-far on one plot.

``RaceApp(Race(objective, ["random", "sobol", "bo"], n_trials=30, you=True))`` as the last line
of a cell shows Round and Run-to-the-end buttons, every lane's best-so-far curve, the ranking,
and, with ``you=True``, a form to enter your own configurations in the race.

Run to the end, in a kernel, is the Lab's background run (:mod:`.background`): the progress bar
counts its trials, the curves and the ranking are redrawn between trials (at most every
:data:`~.lab_redraw.REDRAW_EVERY` seconds), Stop ends it after the round in progress, and
Kernel -> Interrupt ends it with the trial cut short left out of its lane's budget (a line under
the buttons names it).

A race on several objectives draws each lane's hypervolume over trials instead, from the race's
one reference point (named in the plot's title), and ranks by it. Your configurations are
evaluated by the objective like everyone else's: the form has no "Record with these values"
here, as typed values would not be a fair entry.
"""

from __future__ import annotations

import asyncio
import html
import math
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import fail
from ..exceptions import TrialStateError
from ..execution.race import YOU, Race, Standing
from ..plots import integer_ticks
from ..trial import Trial
from . import lab_redraw
from .background import kernel_loop, run_steps
from .closing import close_widgets
from .errors import ErrorLog
from .figures import LiveFigure
from .labels import ONE_LINE, wrapping_row
from .manual_panel import ManualPanel
from .tables import body_cell, head_cell

__all__ = ["RaceApp"]

#: (line style, marker) of the optimizer lanes, in order; hollow markers let coinciding ones show through.
#: Every open app of a race, and the one running it in the background: the cell of an app run
#: again during its Run made a second app, which showed the race as it was while the first one's
#: task finished it behind its back (review r476). A second app stops that run (after the round in
#: progress), refuses its own actions until it ends, and is redrawn when it does.
_APPS: weakref.WeakKeyDictionary[Race, weakref.WeakSet[RaceApp]] = weakref.WeakKeyDictionary()
_RUNNING: weakref.WeakKeyDictionary[Race, RaceApp] = weakref.WeakKeyDictionary()

LANE_STYLES = (("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"), ((0, (5, 1, 1, 1)), "v"), ((0, (1, 3)), "P"))


class RaceApp:
    """The widgets of a :class:`~interactive_hpo.execution.race.Race`.

    Parameters
    ----------
    race : Race

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace
    >>> from interactive_hpo import Race
    >>> race = Race(lambda p: p["x"] ** 2, ["random", "sobol"], n_trials=4,
    ...             space=SearchSpace([Float("x", -1, 1)]), seed=0)
    >>> app = RaceApp(race)
    >>> app.round_button.click()
    >>> [len(line.get_xdata()) for line in app.lines.values()]
    [1, 1]
    """

    def __init__(self, race: Race):
        if not isinstance(race, Race):
            raise fail("race", "RaceApp", "a Race", race,
                       hint="RaceApp(Race(objective, ['random', 'bo'], n_trials=20)).")
        self.race = race
        self.errors = ErrorLog()
        self.round_button = widgets.Button(description="Round", icon="step-forward",
                                           tooltip="one trial for every optimizer lane")
        self.round_button.add_class("ihpo-race-round")
        self.run_button = widgets.Button(description="Run to the end", icon="play", layout=widgets.Layout(width="auto"),
                                         tooltip="rounds until every lane used its budget")
        self.run_button.add_class("ihpo-race-run")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True,
                                          tooltip="stop the run after the round in progress")
        self.stop_button.add_class("ihpo-race-stop")
        self.round_button.on_click(self.errors.guard(lambda _: self.round()))
        self.run_button.on_click(self.errors.guard(lambda _: self._start_run()))
        self.stop_button.on_click(self.errors.guard(lambda _: self.stop()))
        # "12/24" beside the bar: the trials of this Run (all lanes), as the Lab's Run counts its own.
        self.progress = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="16em"),
                                            style={"description_width": "initial"})
        #: What the last action left to say: a trial an interrupt cut short.
        self.status = widgets.HTML(layout=widgets.Layout(min_height=ONE_LINE))
        self.status.add_class("ihpo-race-status")
        self.running = False
        self._open_lane = False  # your lane has budget left (refresh)
        self._stop_requested = False
        self._task: asyncio.Task[None] | None = None
        self._redrawn = -math.inf  # when refresh last drew: a run redraws at most every REDRAW_EVERY s
        self._interrupted_before: dict[str, list[int]] = {}  # race.interrupted when the last action began
        self.figure = LiveFigure((7.0, 3.4), errors=self.errors)
        self.ax = self.figure.fig.add_subplot()
        # Markers: a lane with one trial is a single point, which a line alone does not draw. Each
        # optimizer lane has its own dashes and marker: curves coincide (GA and DE with one seed and
        # population size share their random generation 0) and colour alone hid one (issue 26).
        lanes = [name for name in race.studies if name != YOU]
        styles = [LANE_STYLES[i % len(LANE_STYLES)] for i in range(len(lanes))]
        self.lines = {name: self.ax.plot([], [], drawstyle="steps-post", lw=1.6, ls=ls, marker=marker, ms=4, mfc="none",
                                         label=name)[0]
                      for name, (ls, marker) in zip(lanes, styles, strict=True)}
        if YOU in race.studies:
            self.lines[YOU] = self.ax.plot([], [], drawstyle="steps-post", lw=2.4, ls="-", color="black", marker="*",
                                           ms=8, label=YOU, zorder=3)[0]
        integer_ticks(self.ax.xaxis)  # trials are counted: no tick at 2.5 trials
        self.ax.set_xlabel("trials used")
        if race.reference is None:
            self.ax.set_ylabel("best so far")
        else:  # several objectives: the box every lane is measured in, stated where the curves are
            shown = ", ".join(f"{name} {value:.4g}" for name, value in zip(race.goals.names, race.reference,
                                                                           strict=True))
            self.ax.set_ylabel("hypervolume (higher is better)")
            self.ax.set_title(f"every lane measured from one reference point ({shown})", fontsize="small")
        self.ranking = widgets.HTML()
        self.ranking.add_class("ihpo-race-ranking")
        parts: list[Any] = [wrapping_row([self.round_button, self.run_button, self.stop_button, self.progress]),
                            self.status, self.errors.view, self.figure.widget, self.ranking]
        self.manual: ManualPanel | None = None
        if YOU in race.studies:
            self.manual = ManualPanel(race.space, self.errors)
            self.manual.on_evaluate(lambda params: self._yours(params))
            parts.append(self.manual.widget)
        self.widget = widgets.VBox(parts)
        self.widget.add_class("ihpo-race")
        self.closed = False
        _APPS.setdefault(race, weakref.WeakSet()).add(self)
        earlier = _RUNNING.get(race)
        if earlier is not None:
            earlier.stop()
        self.refresh()

    def round(self) -> None:
        """One round (as the Round button)."""
        self._refreshed(self.race.step, "Round")

    def run(self) -> None:
        """Rounds until every lane used its budget (as the Run button outside a kernel: blocking,
        with the progress bar and a redraw between trials); :meth:`stop` (from a callback) ends it
        after the round in progress, a Ctrl-C with the trials it finished drawn."""
        total = self._begin_run()
        try:
            for done, _ in enumerate(self._run_trials(), start=1):
                self._progress(done, total)
        finally:
            self._run_over()

    def stop(self) -> None:
        """Stop a run after the round in progress (as the Stop button)."""
        self._stop_requested = True

    def _start_run(self) -> None:
        """The Run button: in a kernel, a task that gives the kernel a turn after every trial, so
        that a Stop click is handled (as the Lab's Run); elsewhere :meth:`run`."""
        loop = kernel_loop()
        if loop is None:
            self.run()
            return
        total = self._begin_run()
        self._task = loop.create_task(run_steps(self._run_trials(), total, self.errors, self._progress,
                                                lambda running: None if running else self._run_over()))

    def _begin_run(self) -> int:
        """Refuse a run on a closed app or during a run; else set the buttons for one and return how
        many trials it has left to run (every optimizer lane's unused budget)."""
        self._check_idle("Run to the end")
        _RUNNING[self.race] = self
        self._interrupted_before = self.race.interrupted
        self._stop_requested = False
        self.running = True
        total = sum(self.race.n_trials - s.n_trials for s in self.race.ranking() if s.lane != YOU)
        self._progress(0, total)  # the last Run's count is not this one's
        self._set_buttons()
        return total

    def _run_trials(self) -> Iterator[Trial]:
        """The run's trials, each as it finishes (:meth:`Race.step_lanes`); a Stop (or a close) ends
        it between rounds."""
        while not (self.race.finished or self._stop_requested or self.closed):
            yield from (trial for _, trial in self.race.step_lanes())  # a turn for the kernel after each

    def _progress(self, done: int, total: int) -> None:
        """``done`` of the run's ``total`` trials on the bar, and a redraw if the last is
        :data:`~.lab_redraw.REDRAW_EVERY` seconds old (the round is drawn after its first trial)."""
        self.progress.max, self.progress.value = max(total, 1), done
        self.progress.description = f"{done}/{total}"
        if done and not self.closed and time.monotonic() - self._redrawn >= lab_redraw.REDRAW_EVERY:
            self.refresh()

    def _run_over(self) -> None:
        """The buttons back and the last round drawn, however the run ended (a closed app: nothing)."""
        self.running = False
        if _RUNNING.get(self.race) is self:
            del _RUNNING[self.race]
        for other in _APPS.get(self.race, ()):  # a later app of the race waited for this run
            if other is not self and not other.closed:
                other.errors.guard(other.refresh)()
        if self.race.finished and self.progress.value:  # lanes that ran out of a finite space end it early
            self.progress.max, self.progress.description = self.progress.value, f"{self.progress.value}/" \
                f"{self.progress.value}"
        if not self.closed:
            self.errors.guard(self.refresh)()

    def _yours(self, params: dict[str, Any]) -> None:
        self._refreshed(lambda: self.race.evaluate(params), "Evaluate")

    def close(self) -> None:
        """Close every widget of the app, so that the kernel frees them (a cell that builds one,
        run again, kept the old one's); a run stops after the round in progress. The race is left
        as it is: ``RaceApp(race)`` shows it again."""
        self.closed = True
        close_widgets(self)

    def _check_idle(self, action: str) -> None:
        if self.closed:
            raise TrialStateError("this race app was closed (RaceApp.close): RaceApp(race) shows the race again, "
                                  "or race.step() and race.run() go on without it.")
        if self.running:  # the background run steps the race between its rounds
            raise TrialStateError(f"{action} is not possible while a run is in progress: click Stop (it ends the run "
                                  "after the round in progress), then try again.")
        if self._other_running():
            raise TrialStateError(f"{action} is not possible while an earlier app of this race runs it (its cell was "
                                  "run again during a Run): that run stops after the round in progress, and this app "
                                  "is redrawn then.")

    def _other_running(self) -> bool:
        """Whether another app of this race runs it in the background."""
        return _RUNNING.get(self.race, self) is not self

    def _refreshed(self, action: Callable[[], Any], name: str) -> None:
        """``action``, then :meth:`refresh`, even when it is interrupted: the trials it kept are
        drawn now, not at the next click."""
        self._check_idle(name)
        self._interrupted_before = self.race.interrupted
        try:
            action()
        finally:
            self.refresh()

    def refresh(self) -> None:
        """Redraw the curves and the ranking from the race."""
        curves = self.race.curves()
        for name, best in curves.items():
            self.lines[name].set_data(np.arange(1, len(best) + 1), best)
        self.ax.set_yscale(self._scale(curves))
        self.ax.relim()
        self.ax.autoscale_view()
        self.ax.set_xlim(0.5, self.race.n_trials + 0.5)
        self._legend()
        self.figure.redraw()
        numeric = (True, False, True, True, True)
        standings = self.race.ranking()
        rows = "".join(
            "<tr>" + "".join(map(body_cell, (
                str(s.rank), html.escape(s.lane), "" if math.isnan(s.score) else f"{s.score:.6g}",
                str(s.reached_at or ""), _used(s, self.race.n_trials)), numeric)) + "</tr>"
            for s in standings)
        measure = "best" if self.race.reference is None else "hypervolume"
        head = "".join(map(head_cell, ("rank", "lane", measure, "reached after (trials)", "trials used"), numeric))
        yours = next((s for s in standings if s.lane == YOU), None)
        open_lane = yours is not None and yours.n_trials < self.race.n_trials
        self.ranking.value = (f"{self._verdict(yours if open_lane else None)}"
                              f"<table style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>")
        self.status.value = self._interrupted_note() + (
            "<div>an earlier app of this race is running it: its run stops after the round in progress</div>"
            if self._other_running() else "")
        self._open_lane = open_lane
        self._set_buttons()
        self._redrawn = time.monotonic()  # from the end: a run's redraws leave REDRAW_EVERY s between them

    def _set_buttons(self) -> None:
        """Round and Run off once the race is over, Evaluate once your budget is used, all three
        during a run (Stop on then only)."""
        busy = self.running or self._other_running()
        self.run_button.disabled = self.round_button.disabled = busy or self.race.finished
        self.stop_button.disabled = not self.running
        if self.manual is not None:  # your budget used: Evaluate is off, as Round is once the race is over
            self.manual.evaluate.disabled = busy or not self._open_lane

    def _interrupted_note(self) -> str:
        """A line for each trial an interrupt cut short in the last action: the race re-raises the
        interrupt, which reaches the kernel's log only, and the trial is left out of the counts."""
        notes = [f"interrupted: trial {number} of {html.escape(lane)} was not counted; Run to the end goes on from here"
                 for lane, numbers in self.race.interrupted.items() for number in numbers
                 if number not in self._interrupted_before.get(lane, [])]
        return "".join(f"<div>{note}</div>" for note in notes)

    def _verdict(self, open_lane: Standing | None) -> str:
        """The ranking's heading: final only once no lane can change it. ``race.finished`` counts
        the optimizers' lanes only; your lane (``open_lane``, your Standing while it has budget
        left, else None) stays open after them, and a trial you enter then moves the ranks: the
        table was headed "Final ranking" over "you 1/10", and an evaluation changed it (audit a444)."""
        if not self.race.finished:
            return "Ranking so far"
        if open_lane is None:
            return "<b>Final ranking</b>"
        return (f"<b>Ranking so far</b>: the optimizers' lanes are finished; yours is still open ({open_lane.n_trials}"
                f"/{self.race.n_trials} trials used), so the ranks may still change")

    def _scale(self, curves: dict[str, np.ndarray]) -> str:
        """"log" for best values that are all positive and span more than a decade, as notebook
        04's race figure draws them: on a linear axis Branin's lanes at 0.4 to 2.3 lay flat under
        lanes at 7 to 58 (audit a426). Over less, a log axis reads worse ("9x10^-1") and shows
        nothing more; a hypervolume, which starts at 0, stays linear."""
        values = np.concatenate([np.empty(0), *curves.values()])
        values = values[np.isfinite(values)]
        positive = self.race.reference is None and values.size > 0 and bool((values > 0).all())
        return "log" if positive and values.max() > 10 * values.min() else "linear"

    def _legend(self) -> None:
        """List the lanes that have a curve: your lane is in the race from the start but drawn only
        once you enter a trial, and a legend entry for a line that is not there misleads (issue 25)."""
        drawn = [line for line in self.lines.values() if len(line.get_xdata())]
        if drawn:
            self.ax.legend(handles=drawn, fontsize="small")
        elif self.ax.get_legend() is not None:
            self.ax.get_legend().remove()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.closed:  # its widgets are gone: no view to show
            return {"text/plain": "A closed RaceApp (RaceApp.close): RaceApp(race) shows the race again."}
        return self.widget._repr_mimebundle_(**kwargs)


def _used(standing: Standing, budget: int) -> str:
    """The ranking's "trials used" cell: "3/5", with the failed ones said ("3/5 (1 failed)"): they
    use the budget and draw nothing, so the curve alone hid them."""
    failed = f" ({standing.n_failed} failed)" if standing.n_failed else ""
    return f"{standing.n_trials}/{budget}{failed}"
