"""Your own trials: a form with one widget per parameter, and a scoreboard against the optimizer.

For a study of several objectives the form also takes the values of a configuration measured
elsewhere ("Record with these values"), with its constraint values once the study's trials carry
constraints, and the scoreboard counts whose trials are on the front.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from .._validation import fail
from ..direction import Direction
from ..goals import Goals, feasible_mask
from ..parameters import Categorical, Int, Parameter
from ..space import SearchSpace
from ..study.results import best_trials
from ..trial import Trial, TrialState
from ._checks import check_callback, check_goals, check_space, check_trials, error_log
from .errors import ErrorLog
from .labels import fit_descriptions

__all__ = ["CLICKS_NEED_BUDGET", "NEEDS_BUDGET", "ManualPanel", "click_note", "front_scoreboard", "scoreboard"]

#: The narrowest label column of the form (em): short names keep one look.
FORM_LABEL_EM = 8.0


#: Said under the Your-trials tab's Evaluate, off for an objective that requires ``budget``.
NEEDS_BUDGET = ("<i>Evaluate is off: the objective requires <code>budget</code>, and a trial of yours is evaluated "
                "as <code>objective(params)</code>. Give it a default for the full budget "
                "(<code>budget=None</code>) to evaluate yours here.</i>")
#: Said above the Model tab's figures when a click there would be refused for the same reason.
CLICKS_NEED_BUDGET = ("<i>Clicks on the model and the population evaluate nothing here: the objective requires "
                      "<code>budget</code>, and a click evaluates a trial of yours as <code>objective(params)</code>. "
                      "Give it a default for the full budget (<code>budget=None</code>) to evaluate by clicking.</i>")


def click_note(clicks: bool) -> widgets.HTML:
    """The Model tab's note that its clicks evaluate nothing (:data:`CLICKS_NEED_BUDGET`), hidden
    when they do (``clicks``): the Lab does not offer clicks its objective would refuse (each was
    taken, then refused in the error log in the study's words)."""
    note = widgets.HTML("" if clicks else CLICKS_NEED_BUDGET, layout=widgets.Layout(display="none" if clicks else None))
    note.add_class("ihpo-click-note")
    return note


def _field(param: Parameter) -> widgets.ValueWidget:
    if isinstance(param, Categorical):
        return widgets.Dropdown(options=[(str(c), c) for c in param.choices], description=param.name)
    centre = param.from_unit(0.5)
    if isinstance(param, Int):
        return widgets.IntText(value=centre, description=param.name)
    return widgets.FloatText(value=centre, description=param.name)


def scoreboard(trials: Sequence[Trial], direction: str, feasible: bool = True) -> dict[str, Trial | None]:
    """The best manual trial and the best trial of any optimizer ("manual" / "optimizer"), each
    among the feasible COMPLETE trials as ``Study.best_trial`` counts them (the first on ties;
    once ``trials``, a study's, carry constraints, one without them is of unknown feasibility and
    not counted: :func:`~interactive_hpo.goals.feasible_mask`); ``feasible=False``: among all
    COMPLETE trials, to tell whether one not counted scored better."""
    goal = Direction(direction)
    best: dict[str, Trial | None] = {"manual": None, "optimizer": None}
    counted = feasible_mask(trials)
    for trial, counts in zip(trials, counted, strict=True):
        if trial.state is not TrialState.COMPLETE or trial.value is None or (feasible and not counts):
            continue
        side = "manual" if trial.source == "manual" else "optimizer"
        current = best[side]
        if current is None or goal.better(trial.value, float(current.value)):  # type: ignore[arg-type]
            best[side] = trial
    return best


def front_scoreboard(trials: Sequence[Trial], goals: Goals) -> dict[str, list[int]]:
    """Numbers of the Pareto set's trials by whose they are ("manual" / "optimizer")."""
    front = best_trials(goals, trials)
    return {"manual": [t.number for t in front if t.source == "manual"],
            "optimizer": [t.number for t in front if t.source != "manual"]}


class ManualPanel:
    """Type a configuration, evaluate it as a manual trial, see who is ahead.

    Parameters
    ----------
    space : SearchSpace
    errors : ErrorLog, optional
        The log of the buttons' errors (shown in its :meth:`~.ErrorLog.spot` under the buttons,
        :attr:`error`); None: a log of its own, its view (warnings) placed in the panel.
    goals : Goals, optional
        The study's objectives; with several, fields for a value each and a "Record" button.
    plot_clicks : bool, default False
        Whether the host has a surrogate plot whose click evaluates a trial (the Lab's, when its
        objective can evaluate one): only then does the form's title offer that click.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> panel = ManualPanel(SearchSpace([Float("x", 0, 4)]))
    >>> received = []
    >>> panel.on_evaluate(received.append)
    >>> panel.fields["x"].value = 3.0
    >>> panel.evaluate.click()
    >>> received
    [{'x': 3.0}]
    """

    def __init__(self, space: SearchSpace, errors: ErrorLog | None = None, goals: Goals | None = None,
                 plot_clicks: bool = False):
        self.space, self.errors = check_space(space, "ManualPanel"), error_log(errors, "ManualPanel")
        if not isinstance(plot_clicks, bool):
            raise fail("plot_clicks", "ManualPanel", "True or False", plot_clicks)
        goals = check_goals(goals, "ManualPanel")
        self.goals = goals if goals is not None and goals.multi else None
        self.fields = {p.name: _field(p) for p in space}
        fit_descriptions(self.fields.values(), minimum_em=FORM_LABEL_EM)  # a long parameter name is not cut
        self.evaluate = widgets.Button(description="Evaluate", icon="flask",
                                       tooltip="run the objective on these values and record a manual trial")
        self.evaluate.add_class("ihpo-evaluate")
        self.evaluate_note = widgets.HTML()  # why Evaluate is off, when it is (evaluate_off)
        self.score = widgets.HTML()
        self.score.add_class("ihpo-scoreboard")
        self._callbacks: list[Callable[[dict[str, Any]], Any]] = []
        # The buttons' errors show under them, where the user clicked (ErrorLog.spot): in the Race
        # app's area at the top, a value out of range was off screen and pushed Evaluate down.
        self.error = self.errors.spot()
        self.evaluate.on_click(self.errors.guard(lambda _: self.submit(), at=self.error))
        #: Several objectives: one field per objective, for values measured elsewhere.
        self.value_fields = {} if self.goals is None else \
            {name: widgets.FloatText(value=0.0, description=name) for name in self.goals.names}
        fit_descriptions(self.value_fields.values(), minimum_em=FORM_LABEL_EM)
        #: Once the study's trials carry constraints (:meth:`update`): one field per constraint, NaN
        #: until typed (a recorded trial without them is of unknown feasibility, never on the front).
        self.constraint_fields: dict[str, widgets.FloatText] = {}
        self._constraints = widgets.VBox([])
        self.record = widgets.Button(description="Record with these values", icon="pencil",
                                     layout=widgets.Layout(width="auto"),
                                     tooltip="add these params with the values typed as a manual trial, without "
                                             "running the objective")
        self.record.add_class("ihpo-record")
        self._record_callbacks: list[Callable[[dict[str, Any], list[float]], Any]] = []
        self.record.on_click(self.errors.guard(lambda _: self.submit_values(), at=self.error))
        known = [] if self.goals is None else [widgets.HTML("or, measured elsewhere:"), *self.value_fields.values(),
                                               self._constraints, self.record]
        # A log of its own is shown here: a typo's message went to a log nobody displayed.
        own_log = [self.errors.view] if errors is None else []
        # The Race app has no surrogate plot: offering its click there pointed at nothing.
        title = "<b>Your own trial</b>" + (" (or click a point of the surrogate plot)" if plot_clicks else "")
        self.widget = widgets.VBox([widgets.HTML(title),
                                    *self.fields.values(), self.evaluate, self.evaluate_note, *known, self.error,
                                    *own_log, self.score])
        self.widget.add_class("ihpo-manual")
        if space.conditional:  # a field shows only while its condition holds in the form
            for field in self.fields.values():
                field.observe(self.errors.guard(lambda _: self._show_active()), names="value")
            self._show_active()

    def _show_active(self) -> None:
        active = self.space.conditions.active({name: field.value for name, field in self.fields.items()})
        for name, field in self.fields.items():
            field.layout.display = None if name in active else "none"

    def evaluate_off(self, reason: str) -> None:
        """Turn "Evaluate" off, saying why (``reason``, HTML): the objective cannot evaluate a trial
        of yours (one that requires ``budget``: every click was refused)."""
        if not isinstance(reason, str) or not reason:
            raise fail("reason", "ManualPanel.evaluate_off", "a non-empty str", reason)
        self.evaluate.disabled = True
        self.evaluate_note.value = reason

    def on_evaluate(self, callback: Callable[[dict[str, Any]], Any]) -> None:
        """Call ``callback(params)`` when "Evaluate" is clicked (after validating the params)."""
        self._callbacks.append(check_callback(callback, "ManualPanel.on_evaluate", "callback(params)"))

    def submit(self) -> dict[str, Any]:
        """What the "Evaluate" button does; invalid values raise the search space's message. In a
        conditional space the fields hidden by a condition are left out."""
        params = self.space.complete({name: field.value for name, field in self.fields.items()})
        for callback in self._callbacks:
            callback(params)
        return params

    def on_record(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(params, values)`` when "Record with these values" is clicked (several
        objectives); ``callback(params, values, constraints=[...])`` once the form has constraint
        fields (as ``Study.add_manual`` takes them)."""
        self._record_callbacks.append(check_callback(callback, "ManualPanel.on_record", "callback(params, values)"))

    def submit_values(self) -> tuple[dict[str, Any], list[float]]:
        """What "Record with these values" does: the form's params and the values typed (the
        constraint values typed go to the callbacks, as ``constraints=``)."""
        params = self.space.complete({name: field.value for name, field in self.fields.items()})
        typed = [(name, float(field.value)) for name, field in [*self.value_fields.items(),
                                                                  *self.constraint_fields.items()]]
        for name, value in typed:
            if not math.isfinite(value):  # the Lab's add_manual refuses it; a callback of your own got the NaN
                raise fail(name, "ManualPanel", "a finite number typed in its field", value)
        values = [value for _, value in typed[:len(self.value_fields)]]
        constraints = {"constraints": [value for _, value in typed[len(values):]]} if self.constraint_fields else {}
        for callback in self._record_callbacks:
            callback(params, values, **constraints)
        return params, values

    def _show_constraints(self, trials: Sequence[Trial]) -> None:
        """One field per constraint of the first trial of ``trials`` with any (every later trial
        gives as many), so that a trial typed in joins the front when its constraints are met."""
        count = next((len(t.constraints) for t in trials if t.constraints is not None), 0)
        if count == len(self.constraint_fields):
            return
        self.constraint_fields = {f"constraint {i}": widgets.FloatText(value=math.nan, description=f"constraint {i}")
                                  for i in range(count)}
        fit_descriptions(self.constraint_fields.values(), minimum_em=FORM_LABEL_EM)
        note = widgets.HTML("its constraint values (at most 0 is met):")
        self._constraints.children = (note, *self.constraint_fields.values()) if count else ()

    def fill(self, params: dict[str, Any]) -> None:
        """Put ``params`` in the form (a clicked point, to adjust and evaluate again); those a
        condition leaves inactive are left out. Checked first: a refusal leaves the form as it was."""
        if not isinstance(params, Mapping) or not set(params) <= set(self.fields):
            raise fail("params", "ManualPanel.fill", f"a dict with keys among {list(self.fields)}", params)
        # The space's own message for a bad value (a TraitError before, and a KeyError for a name).
        checked = self.space.complete({**{name: field.value for name, field in self.fields.items()}, **params})
        for name in params:
            if name in checked:
                self.fields[name].value = checked[name]

    def update(self, trials: Sequence[Trial], direction: str) -> None:
        """Redraw the scoreboard (``direction``: the study's, for one objective)."""
        trials = check_trials(trials, "ManualPanel.update")
        direction = Direction.parse(direction, "direction", "ManualPanel.update").value
        if self.goals is not None:
            self._show_constraints(trials)
            front = front_scoreboard(trials, self.goals)
            listed = {side: ", ".join(f"#{k}" for k in numbers) or "none yet" for side, numbers in front.items()}
            self.score.value = f"on the Pareto front: yours {listed['manual']} &middot; the optimizer's " \
                               f"{listed['optimizer']}"
            return
        goal, best, scored = Direction(direction), scoreboard(trials, direction), scoreboard(trials, direction, False)
        cells = []
        for side in ("manual", "optimizer"):
            trial, top = best[side], scored[side]
            cell = f"best {side}: " + ("none yet" if trial is None else
                                       f"<b>{trial.value:.6g}</b> (trial {trial.number})")
            if top is not None and (trial is None or goal.better(top.value, trial.value)):  # type: ignore[arg-type]
                # Said, not hidden: the side's better value broke a constraint, or has none while
                # other trials have them (unknown feasibility), so it does not count.
                why = "infeasible" if top.constraints is not None else "no constraint values, feasibility unknown"
                cell += f", <i>not trial {top.number}'s {top.value:.6g}: {why}</i>"
            cells.append(cell)
        leader = ""
        if best["manual"] is not None and best["optimizer"] is not None:
            mine, its = float(best["manual"].value), float(best["optimizer"].value)  # type: ignore[arg-type]
            # A tie is said as one: accuracies on a small validation set often tie (was "you are ahead"),
            # to the last digits the scoreboard does not show (a mean of the same folds in another order).
            leader = " &mdash; level: the same best value" if math.isclose(mine, its, rel_tol=1e-9, abs_tol=1e-12) \
                else " &mdash; <b>you are ahead</b>" if goal.better(mine, its) else " &mdash; the optimizer is ahead"
        self.score.value = " &middot; ".join(cells) + leader
