"""The Model tab's objective selector (issue 27, item 4): which objective's GP the tab draws.

"ehvi" fits a Gaussian process per objective; the Model tab draws one of them at a time, in that
objective's own units, the trials at their values for it, under the log-EHVI the proposal
maximized (one acquisition for all objectives). The dropdown names the objectives with their
directions ("accuracy (maximize)") and is shown only while the belief on the tab is EHVI's
(:func:`~interactive_hpo.ui.lab_goals.shows_objectives`): ParEGO models one scalarized number,
and model-free optimizers have no model to choose from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from .._validation import fail
from ..goals import Goals
from ..study.core import Study, check_study
from ._checks import check_callback, check_step, error_log
from .errors import ErrorLog
from .lab_goals import shows_objectives

__all__ = ["ObjectiveChoice", "objective_labels"]


def objective_labels(goals: Goals) -> list[tuple[str, int]]:
    """The dropdown's options: ("accuracy (maximize)", 0), ... one per objective, by index."""
    return [(f"{name} ({direction.value})", i) for i, (name, direction)
            in enumerate(zip(goals.names, goals.directions, strict=True))]


class ObjectiveChoice:
    """The objective dropdown over the Model tab (hidden unless the belief shown models each objective).

    Parameters
    ----------
    goals : Goals
        The study's objectives.
    errors : ErrorLog, optional
        Where callback errors go.

    Examples
    --------
    >>> from interactive_hpo.goals import Goals
    >>> choice = ObjectiveChoice(Goals.parse(directions={"accuracy": "maximize", "seconds": "minimize"}))
    >>> choice.dropdown.options
    (('accuracy (maximize)', 0), ('seconds (minimize)', 1))
    """

    def __init__(self, goals: Goals, errors: ErrorLog | None = None):
        if not isinstance(goals, Goals):
            raise fail("goals", "ObjectiveChoice", "the Goals of a study (study.goals)", goals)
        errors = error_log(errors, "ObjectiveChoice")
        self.dropdown = widgets.Dropdown(options=objective_labels(goals), value=0, description="objective",
                                         layout=widgets.Layout(width="24em"))
        self.dropdown.add_class("ihpo-objective")
        self.widget = widgets.HBox([self.dropdown])
        self.widget.layout.display = "none"
        self._callback: Callable[[], Any] | None = None
        self.dropdown.observe(errors.guard(self._changed), names="value")

    def on_change(self, callback: Callable[[], Any]) -> None:
        """``callback()`` when another objective is chosen (the Lab redraws the model)."""
        self._callback = check_callback(callback, "ObjectiveChoice.on_change", "callback()")

    @property
    def shown(self) -> bool:
        return self.widget.layout.display != "none"

    def show(self, study: Study, step: int | None) -> int | None:
        """Show the dropdown if the belief the Model tab draws (the next proposal's, or trial
        ``step``'s) has a GP per objective, and return the objective chosen; else hide it, None."""
        check_step(check_study(study, "ObjectiveChoice.show"), step, "ObjectiveChoice.show")
        per_objective = shows_objectives(study, step)
        self.widget.layout.display = None if per_objective else "none"
        return int(self.dropdown.value) if per_objective else None

    def _changed(self, _: Any) -> None:
        if self._callback is not None:
            self._callback()
