"""The Importance tab: which hyperparameters mattered so far, with how sure it is (issue 28).

Top: each parameter's Sobol **total** index (light bar) and **first-order** index (dark bar
inside it), with 90 % intervals over the surrogate's plausible functions
(:func:`~interactive_hpo.plots.plot_importance`). Below: the partial dependence of the two most
important parameters with its band (:func:`~interactive_hpo.plots.plot_partial_dependence`);
clicking a bar shows that parameter's instead.

The functions are the study's Gaussian process (posterior sample paths) when its optimizer has
one, else a random forest on the completed trials (its trees); "GP / forest" switches between
them when both are possible. A study of several objectives is read one objective at a time, by
a forest (the dropdown picks the objective; ParEGO's GP models a scalarization, not an objective).
A multi-fidelity study's trials below its full budget are left out, as ``best_trial`` leaves
them (a scheduler's lower rungs measure a cheaper, biased objective:
:func:`~interactive_hpo.analysis.trial_data`; the GP of an optimizer switched to after a
scheduler is not told them either, ``study.learnt``), and the caption counts what each source
read (:mod:`.importance_analyses`, where the analyses are run).

**Computed only when shown.** The analyses cost 0.1-2 s up to a few hundred trials (a forest is
fast; a GP draws sample paths; about 6 s for a GP of 2,000 trials in 20 parameters, measured in
benchmarks/README.md, "Analysis"), too much for every Step: while the tab is hidden, new trials only mark it out of date
(the Lab's Step does no work for it), and choosing the tab computes once. While it is shown it
follows each trial, and the Lab's time travel: at a past step it shows the estimates from the
trials finished then (``step=``), so scrubbing shows how they settle. Settings are small for
speed (:data:`SETTINGS`: a Sobol design of 256 points, 32 sample paths or trees, partial
dependence averaged over 64 background configurations at 25 levels) and the seed is fixed, so
from one step to the next the estimates change because the data did, not the Monte Carlo.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import check_int, fail
from ..goals import Goals
from ..optimizers.capabilities import ModelBased
from ..plots.importance import plot_importance
from ..plots.partial_dependence import plot_partial_dependence
from ..study.core import Study, check_study
from ..trial import TrialState
from ._checks import check_step, error_log
from .drawn_when_shown import DrawnWhenShown
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure
from .importance_analyses import (
    MAX_SETTINGS,
    MIN_TRIALS,
    SETTINGS,
    ImportanceInfo,
    analysed,
    dependence,
    drawn,
    importance_info,
    trials_read,
)

__all__ = ["MAX_SETTINGS", "MIN_TRIALS", "SETTINGS", "ImportanceInfo", "ImportancePanel", "importance_info"]

#: The smallest the analyses accept (a Saltelli design of 8 points; two functions, levels, configurations).
_LOWEST: Mapping[str, int] = {"n": 8, "n_samples": 2, "n_background": 2, "resolution": 2}
CHOICES = ("GP", "forest")
WHAT = {"gp": "the study's Gaussian process ({S} posterior sample paths)",
        "forest": "a random forest fitted to the trials ({S} trees)"}


def _checked_settings(settings: Any) -> dict[str, int]:
    """:data:`SETTINGS` with ``settings`` (None, or some of its keys) in their place, each an
    int of at most its :data:`MAX_SETTINGS`."""
    if settings is None:
        return dict(SETTINGS)
    if not isinstance(settings, Mapping) or not set(settings) <= set(SETTINGS):
        raise fail("settings", "ImportancePanel", f"a dict with keys among {list(SETTINGS)} or None", settings)
    checked = {name: check_int(value, f"settings['{name}']", "ImportancePanel", _LOWEST[name],
                                MAX_SETTINGS[name])
               for name, value in settings.items()}
    return {**SETTINGS, **checked}


class ImportancePanel:
    """Sobol importance with intervals and the partial dependence of the top parameters of a
    study, computed when shown (see the module docstring).

    Parameters
    ----------
    goals : Goals
        The study's objectives (``study.goals``): with several, an objective dropdown.
    errors : ErrorLog, optional
        Where errors are shown (an analysis that fails shows its error there, not raised); None:
        a log of its own, placed in the panel.
    min_trials : int
        Finished trials needed before anything is estimated (at least 1).
    settings : mapping, optional
        ``n``, ``n_samples``, ``n_background``, ``resolution`` (default :data:`SETTINGS`), each
        at most its :data:`MAX_SETTINGS`.

    Attributes
    ----------
    info : ImportanceInfo or None
        What is shown, as last computed.
    computations : int
        How many times the analyses ran (tests check that a hidden tab runs none).
    surrogate_choice : ipywidgets.ToggleButtons
        "GP" or "forest" (shown when the study's optimizer has a GP and one objective).
    objective_choice : ipywidgets.Dropdown
        The objective analysed (shown for several objectives).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    >>> study = Study(space, "random", seed=0)
    >>> _ = study.run(lambda p: (p["a"] - 0.3) ** 2, n_trials=16)
    >>> panel = ImportancePanel(study.goals).update(study)
    >>> panel.info.indices.ranking()[0], panel.computations, "16 completed trials" in panel.caption.value
    ('a', 1, True)
    >>> panel.select("b")   # what a click on b's bar does: its partial dependence first
    >>> panel.info.dependence[0].names, panel.computations
    (('b',), 1)
    """

    def __init__(self, goals: Goals, errors: ErrorLog | None = None, *, min_trials: int = MIN_TRIALS,
                 settings: Mapping[str, int] | None = None):
        if not isinstance(goals, Goals):
            raise fail("goals", "ImportancePanel", "the Goals of a study (study.goals)", goals)
        self.goals, self.errors = goals, error_log(errors, "ImportancePanel")
        # Checked here, where they were typed: they were read only when the tab was first shown,
        # and refused then in the words of sobol_indices (or, past a cap, computed for seconds).
        self.min_trials = check_int(min_trials, "min_trials", "ImportancePanel", 1)
        self.settings = _checked_settings(settings)
        self.study: Study | None = None
        self.step: int | None = None
        self.chosen: str | None = None
        self.info: ImportanceInfo | None = None
        self.computations = 0
        self._key: tuple | None = None  # what self.info was computed from
        self._cache: tuple[tuple, Any, ImportanceInfo] | None = None  # (data key, functions, info)
        guard = self.errors.guard
        self.surrogate_choice = widgets.ToggleButtons(options=CHOICES, value="GP", tooltips=[
            "the study's Gaussian process: its posterior sample paths", "a random forest on the completed trials"])
        self.surrogate_choice.layout.display = "none"
        self.objective_choice = widgets.Dropdown(options=list(goals.names), value=goals.names[0],
                                                 description="objective")
        self.objective_choice.layout.display = None if goals.multi else "none"
        for control in (self.surrogate_choice, self.objective_choice):
            control.observe(guard(lambda _: self.figure.redraw()), names="value")
        self.caption = widgets.HTML()
        self.caption.add_class("ihpo-importance-caption")
        self.figure = DrawnWhenShown((PANEL_INCHES, 6.6), self._draw, errors=self.errors)
        self.figure.on_click(guard(self._on_press))
        self.bars_ax: Any = None
        self.dependence_axes: list[Any] = []
        # A log of its own is shown here: an analysis's error went to a log nobody displayed.
        own_log = [self.errors.view] if errors is None else []
        self.widget = widgets.VBox([widgets.HBox([self.surrogate_choice, self.objective_choice]), self.caption,
                                    *own_log, self.figure.widget])
        self.widget.add_class("ihpo-importance")

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        return [self.figure]

    @property
    def surrogate(self) -> str:
        """What :func:`~interactive_hpo.analysis.surrogate_of` is asked for: "auto" (the GP when
        there is one, else a forest) or "forest"."""
        return "forest" if self.surrogate_choice.value == "forest" else "auto"

    # -- what the Lab and the user do ----------------------------------------------------------------
    def update(self, study: Study, step: int | None = None) -> ImportancePanel:
        """Show ``study`` at ``step`` (None: the present). Cheap: the analyses run when the
        figure is shown, and only when something they read has changed."""
        check_step(check_study(study, "ImportancePanel.update"), step, "ImportancePanel.update")
        self.study, self.step = study, step
        gp = not study.goals.multi and isinstance(study.optimizer, ModelBased)
        self.surrogate_choice.layout.display = None if gp else "none"
        self.figure.redraw()  # hidden: only marked out of date
        return self

    def select(self, name: str | None) -> None:
        """Draw the partial dependence of ``name`` first (None: the two most important), as a
        click on its bar does; the importance is not recomputed."""
        if name is not None and (self.study is None or not isinstance(name, str) or name not in self.study.space.names):
            names = [] if self.study is None else self.study.space.names
            raise fail("name", "ImportancePanel.select", f"one of the parameters {names} or None", name)
        self.chosen = name
        self.figure.redraw()

    def _on_press(self, event: Any) -> None:
        indices = None if self.info is None else self.info.indices
        if indices is None or event.inaxes is not self.bars_ax or event.ydata is None:
            return
        ranking = indices.ranking()  # the bars' order, top down
        self.select(ranking[int(np.clip(round(event.ydata), 0, len(ranking) - 1))])

    # -- computing and drawing (only when shown) ---------------------------------------------------------
    def _data_key(self) -> tuple | None:
        study = self.study
        if study is None:
            return None
        trials = study.trials
        finished = sum(t.state is not TrialState.RUNNING for t in trials)
        return (id(study), id(study.optimizer), len(trials), finished, id(trials[-1]) if trials else None, self.step,
                self.surrogate, self.objective_choice.index or 0)

    def _draw(self) -> bool:
        """Compute what changed and redraw; False when nothing did (the canvas is up to date)."""
        data_key = self._data_key()
        key = (data_key, self.chosen)
        if key == self._key or data_key is None or self.study is None:
            return False
        self._key = key
        try:
            self.info = self._compute(data_key)
            self._render()
        except Exception as error:  # noqa: BLE001 - shown in the app's error log, and in the tab
            self.errors.show(error)
            self.info = ImportanceInfo(None, (), "", 0, self.step, "", f"Could not estimate the importance: "
                                       f"{type(error).__name__}: {error}")
            self._render()
        return True

    def _compute(self, data_key: tuple) -> ImportanceInfo:
        study, objective = self.study, self.objective_choice.index or 0
        if study is None:  # _draw checked; for the type checker
            raise RuntimeError("ImportancePanel._compute needs a study")
        if self._cache is None or self._cache[0] != data_key:
            self.computations += 1
            self._cache = (data_key, *analysed(study, self.surrogate, objective, self.step, self.min_trials,
                                               self.settings))
        _, functions, info = self._cache
        if info.indices is None:
            return info
        return dataclasses.replace(info, dependence=dependence(functions, study, drawn(info.indices, self.chosen),
                                                               self.settings))

    def _render(self) -> None:
        info = self.info
        if info is None:
            return
        fig = self.figure.fig
        fig.clear()
        self.bars_ax, self.dependence_axes = None, []
        self.figure.widget.layout.display = "none" if info.indices is None else None
        if info.indices is None:
            self.caption.value = f"<i>{html.escape(info.message)}</i>"
            return
        self.caption.value = self._describe(info)
        r = info.indices
        grid = fig.add_gridspec(2, max(1, len(info.dependence)), height_ratios=(1.15, 1))
        self.bars_ax = fig.add_subplot(grid[0, :])
        plot_importance(r.names, r.first, r.total, r.first_interval, r.total_interval, ax=self.bars_ax)
        label = f"{info.objective} (partial dependence)"
        for k, pd in enumerate(info.dependence):
            ax = fig.add_subplot(grid[1, k])
            plot_partial_dependence(pd.axes[0], pd.mean, pd.low, pd.high, ax=ax, ylabel=label if k == 0 else "",
                                    band=f"{pd.level:.0%} interval", note=pd.note)
            if k and ax.legend_ is not None:  # one legend says what line and band are
                ax.legend_.remove()
            self.dependence_axes.append(ax)

    def _describe(self, info: ImportanceInfo) -> str:
        study = self.study
        if study is None or info.indices is None:
            return ""
        what = WHAT[info.source].format(S=self.settings["n_samples"])
        fallback = " (no Gaussian process to read here: a forest instead)" \
            if self.surrogate_choice.value == "GP" and self.surrogate_choice.layout.display != "none" \
            and info.source != "gp" else ""
        several = f" of <b>{html.escape(info.objective)}</b>" if study.goals.multi else ""
        names = " and ".join(html.escape(pd.names[0]) for pd in info.dependence)
        level = round(100 * info.indices.level)
        return (f"<b>Importance{several} from {what}</b>{fallback}, on <b>{html.escape(trials_read(info))}</b>. "
                f"Bars: each parameter's total Sobol index (light, interactions included) and first-order index "
                f"(dark, alone), with {level} % intervals over those functions; below, the partial dependence of "
                f"{names} with its {level} % band. Click a bar to show that parameter's. Settings for speed: a Sobol "
                f"design of {self.settings['n']} points, {self.settings['n_background']} background configurations.")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
