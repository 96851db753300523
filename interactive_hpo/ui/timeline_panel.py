"""Time travel: scrub through the optimizer's past beliefs, fork a branch at any step, compare.

The step slider picks a trial; the Model tab then shows the belief that proposed it (rebuilt
from the hyperparameters recorded with it, no refit), the data the optimizer had then, and
its proposal. "Fork here" starts a branch from that moment, optionally with other optimizer
settings (what if I had switched to UCB at step 5?). Branches are listed by name; their
best-so-far curves share one plot.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import ipywidgets as widgets
import numpy as np

from .._validation import check_int, check_one_of, fail, float_array
from ..plots import integer_ticks
from ..plots.corners import emptiest_corner
from ._checks import check_callback, check_text, error_log
from .errors import ErrorLog
from .figures import LiveFigure
from .labels import wrapping_row

__all__ = ["TimelinePanel"]


class TimelinePanel:
    """The step slider, the fork button, the branch list and the branches' best-so-far plot.

    Parameters
    ----------
    errors : ErrorLog

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> from interactive_hpo.ui.errors import ErrorLog
    >>> study = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    >>> _ = study.run(lambda p: p["x"], n_trials=4)
    >>> panel = TimelinePanel(ErrorLog())
    >>> panel.update({"main": study.history().best_values}, "main", len(study.trials))
    >>> panel.step.max, panel.live.value, len(panel.ax.lines)
    (4, True, 1)
    """

    def __init__(self, errors: ErrorLog):
        self.errors = errors = error_log(errors, "TimelinePanel", optional=False)
        self.step = widgets.IntSlider(min=0, max=0, value=0, description="step", continuous_update=False,
                                      layout=widgets.Layout(width="32em"))
        self.step.add_class("ihpo-timeline-step")
        self.live = widgets.Checkbox(value=True, description="live", indent=False,
                                     layout=widgets.Layout(width="6em"))
        self.fork_button = widgets.Button(description="Fork here", icon="code-fork",
                                          tooltip="start a branch from this step, with the optimizer settings "
                                                  "of the Optimizer tab")
        self.fork_button.add_class("ihpo-fork")
        self.branch = widgets.Dropdown(description="branch", options=["main"], value="main",
                                       layout=widgets.Layout(width="18em"))
        self.caption = widgets.HTML()
        self.figure = LiveFigure((6.0, 2.6), errors=errors)
        self.ax = self.figure.fig.add_subplot()
        integer_ticks(self.ax.xaxis)  # kept: the Axes are never cleared (_rebuild)
        self.ax.set_xlabel("trial")
        self._empty = self.ax.text(0.5, 0.5, "", ha="center", va="center", color="0.4", transform=self.ax.transAxes)
        # The errors of the row's controls (a refused travel, Fork, a branch) show right under it
        # (ErrorLog.spot), not atop the Lab.
        self.fork_error = errors.spot()
        self.widget = widgets.VBox([wrapping_row([self.step, self.live, self.fork_button, self.branch]),
                                    self.fork_error, self.caption, self.figure.widget])
        self.widget.add_class("ihpo-timeline")
        self._on_travel: Callable[[int | None], Any] | None = None
        self._on_fork: Callable[[int], Any] | None = None
        self._on_branch: Callable[[str], Any] | None = None
        self._updating = False  # options and limits being reset from the study: not the user's doing
        self._lines: list[Any] = []  # the curves drawn (Line2D), in _curves_plan's order
        self._marker: Any = None  # the past step's dashed line (Line2D), None at the present
        self._drawn: tuple | None = None  # (styles, step, ylabel, any value) built for: the same, moved in place
        self._legend: str | None = None  # the legend's corner (None: none drawn since the last rebuild)
        self.step.observe(errors.guard(self._scrubbed, at=self.fork_error), names="value")
        self.live.observe(errors.guard(self._scrubbed, at=self.fork_error), names="value")
        self.branch.observe(errors.guard(self._picked, at=self.fork_error), names="value")
        self.fork_button.on_click(errors.guard(lambda _: self.fork(), at=self.fork_error))

    # -- wiring -------------------------------------------------------------------------------------
    def on_travel(self, callback: Callable[[int | None], Any]) -> None:
        """``callback(step)`` when the slider moves (``None``: back to live)."""
        self._on_travel = check_callback(callback, "TimelinePanel.on_travel", "callback(step)")

    def on_fork(self, callback: Callable[[int], Any]) -> None:
        """``callback(step)`` when "Fork here" is clicked."""
        self._on_fork = check_callback(callback, "TimelinePanel.on_fork", "callback(step)")

    def on_branch(self, callback: Callable[[str], Any]) -> None:
        """``callback(name)`` when another branch is picked."""
        self._on_branch = check_callback(callback, "TimelinePanel.on_branch", "callback(name)")

    @property
    def viewing(self) -> int | None:
        """The step shown, or None when live."""
        return None if self.live.value else int(self.step.value)

    def fork(self) -> None:
        """Fork at the step shown (as the button does; live: at the present)."""
        if self._on_fork is not None:
            self._on_fork(self.step.max if self.viewing is None else self.viewing)

    def _scrubbed(self, change: Any) -> None:
        if self._updating:
            return
        if change["owner"] is self.step and self.live.value and self.step.value != self.step.max:
            self.live.value = False  # moving the slider into the past leaves live (this re-enters here)
            return
        if self._on_travel is not None:
            self._on_travel(self.viewing)

    def _picked(self, change: Any) -> None:
        if not self._updating and self._on_branch is not None:
            self._on_branch(change["new"])

    # -- redrawing ----------------------------------------------------------------------------------
    def update(self, best_so_far: Mapping[str, np.ndarray], current: str, n_trials: int, caption: str = "",
               step: int | None = None, ylabel: str = "best so far", empty: str = "no value to plot yet") -> None:
        """Show the branches' best-so-far curves (name -> values of shape (trials,)), the current
        branch's ``n_trials`` on the step slider, and the ``caption``; when viewing a past
        ``step``, the current branch's curve from it on is faded (solid: the best of the trials
        before it, what the belief that proposed it knew) and the step is marked. The slider
        and *live* follow ``step`` (None: the present), whoever chose it: ``lab.travel``, or a Step
        that returns to the present. ``ylabel`` names what the curves are (a study of several
        objectives plots its hypervolume). ``empty`` is written on the plot while no curve has a
        value: why (a multi-fidelity study's curve counts full-budget trials only, and Hyperband's
        first comes late; the axes were blank around a lone 0).

        Every argument is checked before a widget changes: a branch name not among the curves
        (``current``) or a step past ``n_trials`` was refused by the dropdown or the slider, in
        traitlets' words, with the branch list already replaced."""
        best_so_far, step = self._checked(best_so_far, current, n_trials, caption, step, ylabel)
        check_text(empty, "empty", "TimelinePanel.update")
        self._updating = True
        try:
            if list(self.branch.options) != list(best_so_far):
                self.branch.options = list(best_so_far)
            self.branch.value = current
            self.step.max = n_trials
            self.live.value = step is None
            self.step.value = self.step.max if step is None else step
        finally:
            self._updating = False
        self.caption.value = caption
        plan = _curves_plan(best_so_far, current, step)
        valued = any(np.isfinite(y).any() for _, y in plan.data)
        # Drawn anew for other branches, another step, or the first values: the empty plot's fixed
        # x limits stopped autoscaling, and a curve that gained several values at once (a Run's
        # redraw) kept the slider's first trials as its limits (r438).
        if (plan.styles, step, ylabel, valued) != self._drawn:
            self._rebuild(plan, step, ylabel, valued)
        else:  # the same curves, longer (a Run's trials): moved in place (DESIGN.md section 4)
            for line, (x, y) in zip(self._lines, plan.data, strict=True):
                line.set_data(x, y)
            self.ax.relim()
            self.ax.autoscale_view()
        self._empty.set_text("" if valued else textwrap.fill(empty, 64))
        self.ax.tick_params(axis="y", labelleft=valued)  # an empty axis's -0.04..0.04 meant nothing
        if valued:
            self._place_legend(plan)
        else:  # no legend for curves not drawn; the slider's trials along the axis
            self.ax.set_xlim(-0.5, max(n_trials, 1) - 0.5)
            self._legend = None
            if self.ax.get_legend() is not None:
                self.ax.get_legend().remove()
        self.figure.redraw()

    def _rebuild(self, plan: _Plan, step: int | None, ylabel: str, valued: bool) -> None:
        """Draw ``plan``'s curves anew on the same Axes, as on cleared ones. ``ax.clear()`` took
        about 22 ms a call in a profile of tests/ui (matplotlib rebuilds the ticks, spines and
        formatters), 13 of the timeline's 19 s there: only the panel's own artists are replaced
        here, and what a clear reset that the panel changes is reset by hand (h455)."""
        for artist in [*self._lines, self._marker]:
            if artist is not None:
                artist.remove()
        if self.ax.get_legend() is not None:
            self.ax.get_legend().remove()
        # As a clear leaves them: the next lines' data replace the limits (not extend them), the
        # view is (0, 1) and autoscaled (the empty plot fixed x), the colours start the cycle again.
        self.ax.ignore_existing_data_limits = True
        self.ax.set_xlim(0, 1, auto=True)
        self.ax.set_ylim(0, 1, auto=True)
        self.ax.set_prop_cycle(None)
        self._lines, self._marker = [], None
        for (x, y), style in zip(plan.data, plan.styles, strict=True):
            kwargs = dict(style)
            if kwargs.pop("follows", False):  # the faded rest of the solid line before it: its colour
                kwargs["color"] = self._lines[-1].get_color()
            line, = self.ax.plot(x, y, drawstyle="steps-post", **kwargs)
            self._lines.append(line)
        if step is not None:
            self._marker = self.ax.axvline(step, color="black", lw=1, ls="--", label=f"step {step}")
        self.ax.set_ylabel(ylabel)
        self._drawn, self._legend = (plan.styles, step, ylabel, valued), None

    def _place_legend(self, plan: _Plan) -> None:
        """The legend in the corner of the fewest curve points (``loc="best"`` searched at each
        draw: :mod:`~interactive_hpo.plots.corners`), rebuilt only when that corner changes."""
        if not plan.data:
            return
        points = np.concatenate([np.column_stack([x, y]) for x, y in plan.data])
        loc = emptiest_corner(self.ax, points)
        if loc != self._legend:
            self.ax.legend(fontsize="x-small", loc=loc)
            self._legend = loc

    @staticmethod
    def _checked(best_so_far: Any, current: Any, n_trials: Any, caption: Any, step: Any,
                 ylabel: Any) -> tuple[dict[str, np.ndarray], int | None]:
        """:meth:`update`'s arguments, refused in its name: the curves as 1-D float arrays and the step."""
        owner = "TimelinePanel.update"
        rule = "a non-empty dict from branch name (a str) to best-so-far values of shape (trials,)"
        if not isinstance(best_so_far, Mapping) or not best_so_far or not all(isinstance(k, str) for k in best_so_far):
            raise fail("best_so_far", owner, rule, best_so_far)
        curves = {name: float_array(best, "best_so_far", owner, rule) for name, best in best_so_far.items()}
        if any(curve.ndim != 1 for curve in curves.values()):
            raise fail("best_so_far", owner, rule, best_so_far)
        check_one_of(current, "current", owner, list(curves), what="the branches of best_so_far")
        n_trials = check_int(n_trials, "n_trials", owner, 0)
        check_text(caption, "caption", owner)
        check_text(ylabel, "ylabel", owner)
        return curves, None if step is None else check_int(step, "step", owner, 0, n_trials)


class _Plan(NamedTuple):
    """The timeline's curves: each one's (x, y) data, shape (k,) each, and its Line2D settings
    (hashable; ``follows``: the colour of the curve before it)."""

    data: list[tuple[np.ndarray, np.ndarray]]
    styles: tuple[tuple[tuple[str, Any], ...], ...]


def _curves_plan(best_so_far: Mapping[str, np.ndarray], current: str, step: int | None) -> _Plan:
    """The curves :meth:`TimelinePanel.update` draws, in order: a step line per branch with
    trials; viewing a past ``step``, the ``current`` branch's split in two."""
    data: list[tuple[np.ndarray, np.ndarray]] = []
    styles: list[dict[str, Any]] = []
    for name, best in best_so_far.items():
        if not len(best):
            continue
        trials = np.arange(len(best))
        if name != current or step is None:
            data.append((trials, best))
            styles.append({"lw": 2.2 if name == current else 1.2, "label": name, **_dot_if_alone(best)})
            continue
        # Solid: what was known when trial ``step`` was proposed (the trials before it), held
        # up to the step line; the proposal's own value and what came after, faded.
        known = best[:step]
        if len(known):
            data.append((trials[:step + 1], np.append(known, known[-1])))
            styles.append({"lw": 2.2, "label": name})
        data.append((trials[step:], best[step:]))
        styles.append({"lw": 2.2, "alpha": 0.25, "label": None if len(known) else name, "follows": bool(len(known)),
                       **_dot_if_alone(best[step:])})
    return _Plan(data, tuple(tuple(style.items()) for style in styles))


def _dot_if_alone(best: np.ndarray) -> dict[str, Any]:
    """Line2D settings that draw a curve of ``best`` values (shape (trials,)) holding one finite
    value as a dot: a step line through one point has no length, and a branch of one trial (a fork
    at the present, Step once) was on the legend but nowhere on the plot."""
    return {"marker": "o", "ms": 5} if np.isfinite(best).sum() == 1 else {}
