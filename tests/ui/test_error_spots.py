"""An error from a button low in an app shows right under that button (ErrorLog.spot): in the area
at the app's top it was off screen, and it pushed the clicked button down (browser audit a470)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.ui import ErrorLog, RaceApp  # noqa: E402
from interactive_hpo.ui.fidelity_panel import FidelityPanel  # noqa: E402


def _below(box: widgets.Box, control: widgets.Widget, spot: widgets.Widget) -> bool:
    """Whether ``spot`` comes after ``control`` (or the row holding it) among ``box``'s children."""
    children = list(box.children)
    at = next(i for i, child in enumerate(children) if child is control or control in getattr(child, "children", ()))
    return any(child is spot for child in children[at + 1:])


def test_the_race_forms_refusal_shows_under_evaluate_not_atop_the_app():
    app = RaceApp(Race(lambda p: p["x0"] ** 2, ["random"], n_trials=2, seed=0, you=True,
                       space=SearchSpace([Float("x0", -2.0, 2.0)])))
    form = app.manual
    form.fields["x0"].value = 99.0
    form.evaluate.click()
    assert isinstance(app.errors.errors[-1], InvalidParameterError)   # still the one record
    assert "[-2.0, 2.0]" in form.error.value and "traceback" in form.error.value
    assert app.errors.widget.value == ""   # the top area, between the buttons and the figure, stays put
    assert _below(form.widget, form.evaluate, form.error)
    form.fields["x0"].value = 1.0
    form.evaluate.click()   # the corrected input clears it
    assert form.error.value == "" and len(app.errors.errors) == 1


def test_the_fidelity_panels_refusals_show_under_their_buttons():
    errors = ErrorLog()
    panel = FidelityPanel(errors)

    def refuse(number, action):
        raise ValueError(f"Config 7 already entered rung 1; got {action} of job {number}.")

    def overloaded(n_workers, n_jobs):
        raise ValueError(f"`n_jobs` must be at most 30; got {n_jobs}.")

    panel.on_override(refuse)
    panel.on_simulate(overloaded)
    panel.job.options = [("job 3", 3)]
    panel.job.value = 3
    panel.promote_button.click()
    assert "already entered rung 1" in panel.override_error.value and errors.widget.value == ""
    assert _below(panel.widget, panel.promote_button, panel.override_error)
    panel.simulate_button.click()   # a new click: the refusal before it goes
    assert panel.override_error.value == "" and "at most 30" in panel.simulate_error.value
    assert _below(panel.workers, panel.simulate_button, panel.simulate_error)
    assert len(errors.errors) == 2 and errors.widget.value == ""


def test_a_spot_of_another_log_is_refused_by_name():
    with pytest.raises(InvalidParameterError, match="`at` of ErrorLog.guard must be a spot of this ErrorLog"):
        ErrorLog().guard(print, at=ErrorLog().spot())
    with pytest.raises(InvalidParameterError, match="`at` of ErrorLog.show"):
        ErrorLog().show(ValueError("x"), at=widgets.HTML())
