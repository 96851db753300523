"""The app's error area: what a callback raised is shown, and only as long as it is news."""

from __future__ import annotations

import asyncio
import warnings

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.ui import ErrorLog, Lab  # noqa: E402

from .lab_helpers import LINE, NOT_CLICKS, press, quad  # noqa: E402


def test_a_click_clears_the_error_of_the_action_before():
    log, button = ErrorLog(), widgets.Button()
    fail = [True]

    def action(_):
        if fail[0]:
            raise ValueError("`x` of the search space must be a finite real number in [-2, 2]; got 7.")

    button.on_click(log.guard(action))
    button.click()
    assert "got 7" in log.widget.value
    fail[0] = False
    button.click()  # the corrected input succeeds: the old message must not read as its failure
    assert log.widget.value == "" and len(log.errors) == 1


def test_a_plain_click_on_a_figure_is_a_click_too_a_zoom_or_a_right_click_is_not():
    # A zoom drag or a right click on a figure hid the error shown, as a new action would.
    log, figure = ErrorLog(), Figure()
    ax = figure.add_subplot()
    figure.canvas.mpl_connect("button_press_event", log.guard(lambda event: None))
    log.show(ValueError("before"))
    for how in NOT_CLICKS:
        press(figure, ax, 0.5, 0.5, how=how)
        assert "before" in log.widget.value, how
    press(figure, ax, 0.5, 0.5)
    assert log.widget.value == ""


def test_an_error_shown_inside_an_action_stays_and_value_changes_do_not_clear():
    log, button, slider = ErrorLog(), widgets.Button(), widgets.IntSlider()
    inner = log.guard(lambda: 1 / 0)  # a redraw that fails inside the action
    button.on_click(log.guard(lambda _: inner()))
    button.click()
    assert "ZeroDivisionError" in log.widget.value
    slider.observe(log.guard(lambda _: None), names="value")
    slider.value = 5  # a browser's late echo of a slider is not a new action
    assert "ZeroDivisionError" in log.widget.value


def test_the_lab_shows_no_stale_error_after_the_input_is_corrected():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.manual_panel.fields["x"].value = 7.0
    lab.manual_panel.evaluate.click()
    assert "[-2.0, 2.0]" in lab.manual_panel.error.value and not lab.study.trials
    lab.manual_panel.fields["x"].value = 1.5
    lab.manual_panel.evaluate.click()
    assert lab.study.trials[-1].params == {"x": 1.5} and lab.manual_panel.error.value == ""
    lab.manual_panel.fields["x"].value = 7.0
    lab.manual_panel.evaluate.click()
    assert "[-2.0, 2.0]" in lab.manual_panel.error.value
    lab.step_button.click()  # another button's click clears the spot too: the error was about the last action
    assert len(lab.study.trials) == 2 and lab.errors.widget.value == lab.manual_panel.error.value == ""


def test_an_error_of_the_space_editor_goes_when_apply_succeeds():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.space_editor.on_apply(lambda space: None if space.dim == 1 else 1 / 0)
    lab.space_editor.add.click()
    lab.space_editor.apply.click()
    assert "ZeroDivisionError" in lab.space_editor.apply_error.value  # under Apply (ErrorLog.spot)
    lab.space_editor.rows[-1].remove.click()  # a click too
    assert lab.space_editor.apply_error.value == "" and lab.space_editor.space == SearchSpace([Float("x", -2.0, 2.0)])


def test_a_warning_raised_in_a_callback_is_shown_in_the_app():
    # HypergradientDescent on an objective without hypergradients stays at its start, and says so
    # with a warning: in a callback that warning went to the kernel's log only.
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.run(2)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # a notebook's filters (pytest may run with -W ignore)
        lab.optimizer_panel.choice.value = "hypergradient"
        lab.optimizer_panel.apply.click()
        lab.step_button.click()  # its first trial carries no hypergradient: the next ask warns
        lab.step_button.click()
    shown = lab.errors.warning_widget.value
    assert "stays at its start" in shown and shown.count("stays at its start") == 1 and lab.errors.warnings
    assert lab.errors.widget.value == "" and not lab.errors.errors  # a warning is not shown as an error
    assert lab.errors.warning_widget in lab.widget.children[2].children  # on screen, under the errors
    lab.optimizer_panel.choice.value = "random"
    lab.optimizer_panel.apply.click()  # the next action, without warnings: the old one goes
    assert lab.errors.warning_widget.value == "" and len(lab.study.trials) == 4


def test_a_warning_raised_during_a_background_run_is_shown_in_the_app():
    # In a kernel, Run steps the study in a background task, outside the button's callback: the
    # objective's warning went to the kernel's log, while a Step showed the same warning in the app.
    def noisy(params):
        warnings.warn("the fit did not converge", RuntimeWarning, stacklevel=1)
        return quad(params)

    lab = Lab(noisy, space=LINE, optimizer="random", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # a notebook's filters (pytest may run with -W ignore)
        asyncio.run(lab._run_in_background(3))  # what the Run button starts in a kernel
    assert len(lab.study.trials) == 3
    assert lab.errors.warnings == ["RuntimeWarning: the fit did not converge"]  # each trial warned: shown once
    assert lab.errors.warning_widget.value.count("the fit did not converge") == 1 and lab.errors.widget.value == ""


def test_warnings_follow_the_filters_and_repeats_are_shown_once():
    log, button = ErrorLog(), widgets.Button()

    def noisy(_):
        for _ in range(3):
            warnings.warn("the fit did not converge", RuntimeWarning, stacklevel=1)

    button.on_click(log.guard(noisy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the user silenced them: the app does too
        button.click()
    assert log.warning_widget.value == "" and not log.warnings
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        button.click()
    assert log.warning_widget.value.count("RuntimeWarning: the fit did not converge") == 1
    assert log.widget.value == ""
