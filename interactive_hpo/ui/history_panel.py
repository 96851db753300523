"""The history panel: best value so far, parallel coordinates, and a sortable table of trials.

A study of several objectives has no single value to plot: the table then has a column per
objective and a feasibility column, its Pareto set in bold, and the Pareto tab draws the rest.

Figures are built once and updated in place (DESIGN.md section 4): with the ipympl backend the
live canvas sits in the layout; otherwise (plain nbconvert, Agg) each figure is shown as a static
image in an ``ipywidgets.Image`` that is refreshed on update. While the Lab's History tab is
hidden an update only keeps the trials: the plots and the table are brought up to date when it is
shown or, without the widget canvas, when the cell ends (:class:`~.figures.LiveFigure`'s
``shown``); they were rebuilt after every trial of a Run, unseen.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..goals import Goals, unknown_feasibility_mask
from ..parameters import Categorical
from ..plots.history import BestSoFarPlot, ParallelCoordinatesPlot
from ..space import SearchSpace
from ..study.results import FULL_BUDGET, best_trials
from ..trial import Trial, TrialState
from ..views import History
from ._checks import check_goals, check_history, check_space, check_trials, error_log
from .drawn_when_shown import DrawnWhenShown
from .errors import ErrorLog
from .figures import PANEL_INCHES, LiveFigure
from .labels import button_width
from .tables import MAX_TABLE_ROWS, body_cell, head_cell, is_number

__all__ = ["HistoryPanel", "sort_trial_rows", "trial_rows"]

FIXED_COLUMNS = ("number", "state", "source", "value")

#: The "feasible" cell of a COMPLETE trial without constraints in a study whose other trials
#: carry them (:func:`~interactive_hpo.goals.feasible_mask`): ``best_trials`` does not count it.
#: ``study.trials_dataframe()`` shows such a trial's constraint columns empty (NaN).
UNKNOWN_FEASIBILITY = "unknown"
ORDERS = ("ascending", "descending")


def _empty_history(dim: int) -> History:
    empty = np.empty(0)
    return History(numbers=empty, values=empty, losses=empty, best_values=empty,
                   states=np.empty(0, dtype=object), sources=np.empty(0, dtype=object),
                   X=np.empty((0, dim)), budgets=empty, direction="minimize")


def trial_rows(trials: Sequence[Trial], names: Sequence[str], goals: Goals | None = None) -> list[tuple]:
    """One row per trial: (number, state, source, value or None, *params in ``names`` order).

    Several objectives (``goals``): (number, state, source, *values, feasible, *params), the
    values and feasibility None unless the trial is COMPLETE; feasibility is True or False, or
    :data:`UNKNOWN_FEASIBILITY` for a trial without constraints once ``trials`` (a study's) carry
    them: ``Trial.feasible`` reads the trial alone, and is True for it.
    """
    if goals is None or not goals.multi:
        return [(t.number, t.state.value, t.source, t.value, *(t.params.get(n) for n in names)) for t in trials]
    rows = []
    for t, unknown in zip(trials, unknown_feasibility_mask(trials), strict=True):
        values = goals.values_of(t) if t.state is TrialState.COMPLETE else None
        feasible = None if values is None else UNKNOWN_FEASIBILITY if unknown else t.feasible
        rows.append((t.number, t.state.value, t.source, *(values or (None,) * goals.n), feasible,
                     *(t.params.get(n) for n in names)))
    return rows


def objective_columns(goals: Goals, space: SearchSpace) -> list[str]:
    """The table's columns for several objectives: one per objective (named "... (objective)"
    when a parameter or another column has the name) and "feasible"."""
    taken = {*FIXED_COLUMNS, "feasible", *space.names}
    return [name if name not in taken else f"{name} (objective)" for name in goals.names] + ["feasible"]


def sort_trial_rows(rows: Sequence[tuple], column: int, descending: bool = False,
                    key: Any = None) -> list[tuple]:
    """Rows sorted on ``column`` (``key`` maps its cell to something comparable).

    FAILED trials come last, then, before them, rows without a value in ``column`` (a running
    trial's value); both whichever the order, so the interesting rows stay on top.
    """
    key = key or (lambda cell: cell)
    ranked = [r for r in rows if r[1] != "FAILED" and r[column] is not None]
    missing = [r for r in rows if r[1] != "FAILED" and r[column] is None]
    failed = [r for r in rows if r[1] == "FAILED"]
    ranked.sort(key=lambda row: key(row[column]), reverse=descending)
    return ranked + missing + failed


def _cell(value: Any) -> str:
    """A table cell's text (HTML-escaped): reals to 6 significant digits (NumPy's too), None empty."""
    if is_number(value) and not isinstance(value, numbers.Integral):
        return "" if math.isnan(value) else f"{value:.6g}"
    if isinstance(value, bool):  # feasibility
        return "yes" if value else "no"
    return "" if value is None else html.escape(str(value))


def _numeric_columns(rows: Sequence[tuple], width: int) -> list[bool]:
    """Per column, whether every value shown in it is a number (the column is then right-aligned)."""
    return [all(is_number(row[j]) for row in rows if row[j] is not None) for j in range(width)]


def _row_html(row: tuple, numeric: Sequence[bool], best: bool, why: str | None) -> str:
    """One trial's ``<tr>``: the best trial in bold, a FAILED state in red; ``why`` it FAILED (its
    error) or was PRUNED (its :attr:`~interactive_hpo.trial.Trial.pruned_reason`) as the state's tooltip.
    A PRUNED state keeps the table's colour: red says something went wrong, and a pruned trial is
    the study saving time as asked (a muted grey would read as a row of no account)."""
    state = _cell(row[1])
    if row[1] == "FAILED" or why:
        colour = ' style="color:#b00020"' if row[1] == "FAILED" else ""
        state = f'<span{colour} title="{html.escape(why or "", quote=True)}">{state}</span>'
    cells = [_cell(row[0]), state, *map(_cell, row[2:])]
    style = ' style="font-weight:bold"' if best else ""
    return f"<tr{style}>" + "".join(map(body_cell, cells, numeric)) + "</tr>"


class HistoryPanel:
    """How the study went so far: two figures and a sortable table, redrawn in place.

    Parameters
    ----------
    space : SearchSpace
        The study's space: it names the table's parameter columns and the parallel axes.
    errors : ErrorLog, optional
        Where callback errors are shown; a new one (placed in this panel) when None.
    goals : Goals, optional
        The study's objectives: with several, no figures (the Pareto tab draws them) and a
        column per objective.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The panel (CSS class ``ihpo-history``).
    best_plot : BestSoFarPlot or None
        None for several objectives (brought up to date when read, as the next two).
    parallel_plot : ParallelCoordinatesPlot or None
        Only when the space has more than two parameters (and one objective).
    sort_by : ipywidgets.Dropdown
        The column the table is sorted on.
    order : ipywidgets.ToggleButtons
        "ascending" or "descending".
    table : ipywidgets.HTML
        Up to date while the panel's figures are shown (see the module docstring).
    table_columns : list of str
    table_rows : list of tuple
        Every trial's row (brought up to date when read), sorted (raw values; see
        :func:`trial_rows`); the table shows the first
        :data:`~interactive_hpo.ui.tables.MAX_TABLE_ROWS` (500; the sort brings any trial up) and
        says how many more there are.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", -2, 2)]), seed=0)
    >>> _ = study.run(lambda p: p["x"] ** 2, n_trials=4)
    >>> panel = HistoryPanel(study.space).update(study.history(), study.trials)
    >>> panel.sort_by.value = "value"
    >>> panel.table_rows[0][0] == study.best_trial.number
    True
    """

    def __init__(self, space: SearchSpace, errors: ErrorLog | None = None, goals: Goals | None = None):
        self.space = check_space(space, "HistoryPanel")
        self.errors = error_log(errors, "HistoryPanel")
        goals = check_goals(goals, "HistoryPanel")
        self.goals = goals if goals is not None and goals.multi else None
        self.table_columns = [*FIXED_COLUMNS, *space.names] if self.goals is None else \
            [*FIXED_COLUMNS[:3], *objective_columns(self.goals, space), *space.names]
        self._table_rows: list[tuple] = []
        self._due = False  # update kept trials its hidden plots and table do not show yet (_catch_up)
        self.history: History = _empty_history(space.dim)
        self.trials: list[Trial] = []
        self.full_budget = FULL_BUDGET
        self._best_plot: BestSoFarPlot | None = None
        self._parallel_plot: ParallelCoordinatesPlot | None = None
        if self.goals is not None:
            views: list[Any] = [widgets.HTML(f"<i>{self.goals.n} objectives: the Pareto front tab draws the front "
                                             "and the hypervolume; the Pareto set is in bold below.</i>")]
        else:
            self._best_figure = DrawnWhenShown((7.0, 3.2), self._catch_up, errors=self.errors)
            self._best_plot = BestSoFarPlot(self._best_figure.fig.add_subplot())
            views = [self._best_figure.widget]
        if space.dim > 2 and self.goals is None:
            size = (min(max(6.0, 1.5 * space.dim + 2), PANEL_INCHES), 3.6)
            self._parallel_figure = DrawnWhenShown(size, self._catch_up, errors=self.errors)
            axes = [space.axis(name) for name in space.names]
            self._parallel_plot = ParallelCoordinatesPlot(axes, self._parallel_figure.fig.add_subplot())
            views.append(self._parallel_figure.widget)
        self.sort_by = widgets.Dropdown(options=self.table_columns, value="number", description="sort by")
        self.order = widgets.ToggleButtons(options=ORDERS, value="ascending",
                                           tooltips=["smallest first", "largest first"])
        self.order.style.button_width = button_width(ORDERS)  # 90 px cut "descending" to "descend…" (issue 25)
        for control in (self.sort_by, self.order):
            control.observe(self.errors.guard(self._on_sort), names="value")
        self.table = widgets.HTML()
        self.table.add_class("ihpo-trials")
        children = [*views, widgets.HBox([self.sort_by, self.order]), self.table]
        if errors is None:
            children.append(self.errors.view)
        self.widget = widgets.VBox(children)
        self.widget.add_class("ihpo-history")
        self.update(self.history, [])

    @property
    def figures(self) -> list[LiveFigure]:
        """The panel's live figures (the Lab hides them with their tab)."""
        if self._best_plot is None:
            return []
        return [self._best_figure, *([self._parallel_figure] if self._parallel_plot is not None else [])]

    # -- redraw -----------------------------------------------------------------------------------
    def update(self, history: History, trials: Sequence[Trial], full_budget: float = FULL_BUDGET) -> HistoryPanel:
        """Redraw figures (in place) and the table from ``history`` and the matching ``trials``
        (``full_budget``: the study's, the budget its best trials are counted at); while the
        figures are hidden, once they are shown (see the module docstring)."""
        trials = check_trials(trials, "HistoryPanel.update")
        check_history(history, "HistoryPanel.update")
        self.history, self.trials, self.full_budget = history, trials, full_budget
        self._due = True
        if not self.figures:  # several objectives: the table alone, nothing tells when it is shown
            self._catch_up()
        for figure in self.figures:  # shown: brought up to date and drawn; hidden: marked out of date
            figure.redraw()
        return self

    @property
    def table_rows(self) -> list[tuple]:
        self._catch_up()
        return self._table_rows

    @property
    def best_plot(self) -> BestSoFarPlot | None:
        self._catch_up()
        return self._best_plot

    @property
    def parallel_plot(self) -> ParallelCoordinatesPlot | None:
        self._catch_up()
        return self._parallel_plot

    def _catch_up(self) -> None:
        """The plots and the table from the trials :meth:`update` kept, if they do not show them yet."""
        if not self._due:
            return
        self._due = False
        if self._best_plot is not None:
            self._best_plot.update(self.history)
        if self._parallel_plot is not None:
            self._parallel_plot.update(self.history)
        self._render_table()

    def _on_sort(self, _change: Any = None) -> None:
        self._render_table()

    def _sort_key(self, column: str) -> Any:
        param = self.space[column] if column in self.space else None
        if isinstance(param, Categorical):
            return param.index  # in the order of the choices, whatever their types
        if column in ("state", "source"):
            return str
        if column == "feasible":  # no, unknown, yes
            return lambda cell: 0.5 if cell == UNKNOWN_FEASIBILITY else float(cell)
        return float

    @property
    def best_number(self) -> int | None:
        """Number of the best trial shown, as ``Study.best_trial`` counts (feasible, at the full
        budget), or None (several objectives: None, see :attr:`bold`)."""
        if self.goals is not None:
            return None
        best = self.history.best_index()
        return None if best is None else int(self.history.numbers[best])

    @property
    def bold(self) -> set[int]:
        """Numbers of the rows in bold: the best trial, or the Pareto set (several objectives)."""
        if self.goals is not None:
            return {t.number for t in best_trials(self.goals, self.trials, self.full_budget)}
        best = self.best_number
        return set() if best is None else {best}

    def _render_table(self) -> None:
        column = self.sort_by.value
        rows = trial_rows(self.trials, self.space.names, self.goals)
        self._table_rows = sort_trial_rows(rows, self.table_columns.index(column), self.order.value == "descending",
                                           self._sort_key(column))
        numeric = _numeric_columns(self._table_rows, len(self.table_columns))
        arrow = " ▲" if self.order.value == "ascending" else " ▼"
        head = "".join(head_cell(html.escape(name) + (arrow if name == column else ""), is_numeric)
                       for name, is_numeric in zip(self.table_columns, numeric, strict=True))
        # Why a trial FAILED or was PRUNED (a trial has at most one of the two): its state's tooltip.
        reasons = {t.number: why for t in self.trials if (why := t.error or t.pruned_reason)}
        bold = self.bold
        shown = self._table_rows[:MAX_TABLE_ROWS]
        body = "".join(_row_html(row, numeric, row[0] in bold, reasons.get(row[0])) for row in shown)
        span = f'colspan="{len(self.table_columns)}"'
        hidden = len(self._table_rows) - len(shown)
        if hidden:
            more = (f"<i>and {hidden} more trials: sort by a column to bring others up; "
                    "study.trials_dataframe() has them all</i>")
            body += f"<tr>{body_cell(more, attributes=span)}</tr>"
        empty = f"<tr>{body_cell('<i>no trials yet</i>', attributes=span)}</tr>"
        self.table.value = (
            '<div style="max-height:320px;overflow-y:auto"><table style="border-collapse:collapse">'
            f"<thead><tr>{head}</tr></thead><tbody>{body or empty}</tbody></table></div>"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
