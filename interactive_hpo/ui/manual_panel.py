"""Your own trials: a form with one widget per parameter, and a scoreboard against the optimizer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from ..direction import Direction
from ..parameters import Categorical, Int, Parameter
from ..space import SearchSpace
from ..trial import Trial, TrialState
from .errors import ErrorLog
from .labels import fit_descriptions

__all__ = ["ManualPanel", "scoreboard"]

#: The narrowest label column of the form (em): short names keep one look.
FORM_LABEL_EM = 8.0


def _field(param: Parameter) -> widgets.ValueWidget:
    if isinstance(param, Categorical):
        return widgets.Dropdown(options=[(str(c), c) for c in param.choices], description=param.name)
    centre = param.from_unit(0.5)
    if isinstance(param, Int):
        return widgets.IntText(value=centre, description=param.name)
    return widgets.FloatText(value=centre, description=param.name)


def scoreboard(trials: Sequence[Trial], direction: str) -> dict[str, Trial | None]:
    """The best manual trial and the best trial of any optimizer ("manual" / "optimizer")."""
    goal = Direction(direction)
    best: dict[str, Trial | None] = {"manual": None, "optimizer": None}
    for trial in trials:
        if trial.state is not TrialState.COMPLETE or trial.value is None:
            continue
        side = "manual" if trial.source == "manual" else "optimizer"
        current = best[side]
        if current is None or goal.better(trial.value, float(current.value)):  # type: ignore[arg-type]
            best[side] = trial
    return best


class ManualPanel:
    """Type a configuration, evaluate it as a manual trial, see who is ahead.

    Parameters
    ----------
    space : SearchSpace
    errors : ErrorLog, optional

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

    def __init__(self, space: SearchSpace, errors: ErrorLog | None = None):
        self.space, self.errors = space, errors or ErrorLog()
        self.fields = {p.name: _field(p) for p in space}
        fit_descriptions(self.fields.values(), minimum_em=FORM_LABEL_EM)  # a long parameter name is not cut
        self.evaluate = widgets.Button(description="Evaluate", icon="flask",
                                       tooltip="run the objective on these values and record a manual trial")
        self.evaluate.add_class("ihpo-evaluate")
        self.score = widgets.HTML()
        self.score.add_class("ihpo-scoreboard")
        self._callbacks: list[Callable[[dict[str, Any]], Any]] = []
        self.evaluate.on_click(self.errors.guard(lambda _: self.submit()))
        self.widget = widgets.VBox([widgets.HTML("<b>Your own trial</b> (or click a point of the surrogate plot)"),
                                    *self.fields.values(), self.evaluate, self.score])
        self.widget.add_class("ihpo-manual")
        if space.conditional:  # a field shows only while its condition holds in the form
            for field in self.fields.values():
                field.observe(self.errors.guard(lambda _: self._show_active()), names="value")
            self._show_active()

    def _show_active(self) -> None:
        active = self.space.conditions.active({name: field.value for name, field in self.fields.items()})
        for name, field in self.fields.items():
            field.layout.display = None if name in active else "none"

    def on_evaluate(self, callback: Callable[[dict[str, Any]], Any]) -> None:
        """Call ``callback(params)`` when "Evaluate" is clicked (after validating the params)."""
        self._callbacks.append(callback)

    def submit(self) -> dict[str, Any]:
        """What the "Evaluate" button does; invalid values raise the search space's message. In a
        conditional space the fields hidden by a condition are left out."""
        params = self.space.complete({name: field.value for name, field in self.fields.items()})
        for callback in self._callbacks:
            callback(params)
        return params

    def fill(self, params: dict[str, Any]) -> None:
        """Put ``params`` in the form (a clicked point, to adjust and evaluate again)."""
        for name, value in params.items():
            self.fields[name].value = value

    def update(self, trials: Sequence[Trial], direction: str) -> None:
        """Redraw the scoreboard."""
        best = scoreboard(trials, direction)
        cells = []
        for side in ("manual", "optimizer"):
            trial = best[side]
            cells.append(f"best {side}: " + ("none yet" if trial is None else
                                            f"<b>{trial.value:.6g}</b> (trial {trial.number})"))
        leader = ""
        if best["manual"] is not None and best["optimizer"] is not None:
            ahead = not Direction(direction).better(best["optimizer"].value, best["manual"].value)  # type: ignore[arg-type]
            leader = " &mdash; <b>you are ahead</b>" if ahead else " &mdash; the optimizer is ahead"
        self.score.value = " &middot; ".join(cells) + leader
