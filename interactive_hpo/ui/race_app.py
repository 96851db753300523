"""Race mode: optimizers (and you) on one objective, stepped in lockstep, best-so-far on one plot.

``RaceApp(Race(objective, ["random", "sobol", "bo"], n_trials=30, you=True))`` as the last line
of a cell shows Round and Run-to-the-end buttons, every lane's best-so-far curve, the ranking,
and, with ``you=True``, a form to enter your own configurations in the race.

A race on several objectives draws each lane's hypervolume over trials instead, from the race's
one reference point (named in the plot's title), and ranks by it. Your configurations are
evaluated by the objective like everyone else's: the form has no "Record with these values"
here, as typed values would not be a fair entry.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import fail
from ..exceptions import TrialStateError
from ..execution.race import YOU, Race, Standing
from ..plots import integer_ticks
from .closing import close_widgets
from .errors import ErrorLog
from .figures import LiveFigure
from .manual_panel import ManualPanel
from .tables import body_cell, head_cell

__all__ = ["RaceApp"]

#: (line style, marker) of the optimizer lanes, in order; hollow markers let coinciding ones show through.
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
        self.run_button = widgets.Button(description="Run to the end", icon="play",
                                         tooltip="rounds until every lane used its budget")
        self.round_button.on_click(self.errors.guard(lambda _: self.round()))
        self.run_button.on_click(self.errors.guard(lambda _: self.run()))
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
        parts: list[Any] = [widgets.HBox([self.round_button, self.run_button]), self.errors.view,
                            self.figure.widget, self.ranking]
        self.manual: ManualPanel | None = None
        if YOU in race.studies:
            self.manual = ManualPanel(race.space, self.errors)
            self.manual.on_evaluate(lambda params: self._yours(params))
            parts.append(self.manual.widget)
        self.widget = widgets.VBox(parts)
        self.widget.add_class("ihpo-race")
        self.closed = False
        self.refresh()

    def round(self) -> None:
        """One round (as the Round button)."""
        self._refreshed(self.race.step)

    def run(self) -> None:
        """Rounds until every lane used its budget (as the Run button); a Ctrl-C ends it with
        the trials it finished drawn."""
        self._refreshed(self.race.run)

    def _yours(self, params: dict[str, Any]) -> None:
        self._refreshed(lambda: self.race.evaluate(params))

    def close(self) -> None:
        """Close every widget of the app, so that the kernel frees them (a cell that builds one,
        run again, kept the old one's). The race is left as it is: ``RaceApp(race)`` shows it again."""
        self.closed = True
        close_widgets(self)

    def _refreshed(self, action: Callable[[], Any]) -> None:
        """``action``, then :meth:`refresh`, even when it is interrupted: the trials it kept are
        drawn now, not at the next click."""
        if self.closed:
            raise TrialStateError("this race app was closed (RaceApp.close): RaceApp(race) shows the race again, "
                                  "or race.step() and race.run() go on without it.")
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
                str(s.reached_at or ""), f"{s.n_trials}/{self.race.n_trials}"), numeric)) + "</tr>"
            for s in standings)
        measure = "best" if self.race.reference is None else "hypervolume"
        head = "".join(map(head_cell, ("rank", "lane", measure, "reached after (trials)", "trials used"), numeric))
        yours = next((s for s in standings if s.lane == YOU), None)
        open_lane = yours is not None and yours.n_trials < self.race.n_trials
        self.ranking.value = (f"{self._verdict(yours if open_lane else None)}"
                              f"<table style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>")
        self.run_button.disabled = self.round_button.disabled = self.race.finished
        if self.manual is not None:  # your budget used: Evaluate is off, as Round is once the race is over
            self.manual.evaluate.disabled = not open_lane

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
