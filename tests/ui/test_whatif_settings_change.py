"""The what-if panel when the optimizer changes under it (review r415).

Back to "bo" after an optimizer without a model, the controls kept the last what-if (ucb, its
beta offered) while the optimizer was log-EI; a change of settings in the Optimizer tab left the
box ticked over controls showing the new settings, so a what-if set aside at a past step was
silently gone, and the box overrode nothing.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo.plots import axis_positions  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

GRID = LINE.slice1d("x", resolution=200)
RESET = "The optimizer's settings changed: your what-if ({}) was reset to them."


@pytest.fixture
def lab():
    return lab_after(quad, LINE, 4, seed=1, optimizer_settings=FAST)


def switch(lab, name, **settings):
    """Switch as a person does: the Optimizer tab's dropdown, its form, and the Switch button."""
    panel = lab.optimizer_panel
    panel.choice.value = name
    for setting, value in settings.items():  # a text field ("n_initial": None is automatic) takes words
        field = panel.fields[setting]
        field.value = str(value) if isinstance(field.value, str) and not isinstance(value, str) else value
    panel.apply.click()
    assert lab.study.optimizer.name == name


def marker(lab):
    return lab.surrogate_panel.curve.markers[0].get_xdata()[0]


def test_back_to_bo_the_controls_show_its_settings_and_the_box_is_unticked(lab):
    panel = lab.what_if
    panel.active.value = True
    panel.acquisition.value = "ucb"
    panel.beta.value = 9.0
    lab.travel(3)
    switch(lab, "random")
    assert panel.widget.layout.display == "none" and not panel.active.value
    lab.travel(None)
    switch(lab, "bo", **FAST)  # the same settings as before: log-EI
    assert lab.study.optimizer.acquisition == "logei"
    assert (panel.acquisition.value, panel.beta.disabled, panel.xi.disabled) == ("logei", True, True)  # unticked
    assert panel.widget.layout.display is None and not panel.active.value and panel.dropped.value == ""
    panel.active.value = True  # a what-if starts from the optimizer's settings
    assert panel.overrides() == {} and panel.settings_changed() == {} and not panel.xi.disabled
    panel.acquisition.value = "ucb"  # beta offered again, at the optimizer's own
    assert panel.overrides() == {"acquisition": "ucb"} and panel.beta.value == pytest.approx(2.0)
    assert not lab.errors.errors


@pytest.mark.parametrize("where", ["past", "live"])
def test_a_change_of_settings_resets_the_what_if_and_says_so(lab, where):
    panel = lab.what_if
    panel.active.value = True
    if where == "past":  # set aside while the past step is shown
        panel.acquisition.value = "ucb"
        lab.travel(3)
        assert "your what-if (acquisition=ucb) is set aside" in panel.past.tooltip
    else:  # a lengthscale factor: no setting of the optimizer, reset all the same
        panel.lengthscale.value = 0.5
    what = "acquisition=ucb" if where == "past" else "lengthscale_scale=0.5"
    switch(lab, "bo", kernel="rbf")
    optimizer = lab.study.optimizer
    # The box, the controls and what is overridden agree: nothing, under the new settings.
    assert not panel.active.value and panel.overrides() == {}
    assert (panel.acquisition.value, panel.kernel.value, panel.lengthscale.value) == ("logei", "rbf", 1.0)
    assert panel.dropped.value == f"<i>{RESET.format(what)}</i>"
    if where == "past":
        assert "go back to the live step" in panel.past.tooltip and "set aside" not in panel.past.value
        lab.travel(None)
    assert marker(lab) == pytest.approx(axis_positions(GRID.axis, optimizer.propose().x[:1])[0])
    assert panel.caption.value == "" and RESET.format(what) in panel.dropped.value  # still said at live
    panel.active.value = True  # at the controls again: the line has been read
    assert panel.dropped.value == "" and not lab.errors.errors


def test_settings_that_are_the_what_if_s_own_untick_it_quietly(lab):
    # A Run in a kernel switches to the what-if's settings before it unticks the box (a Step
    # holds the redraw): the redraw between saw the settings change under a ticked what-if.
    panel = lab.what_if
    panel.active.value = True
    panel.acquisition.value = "ucb"
    panel.beta.value = 9.0
    lab.controller.change_settings(panel.settings_changed())
    assert (lab.study.optimizer.acquisition, lab.study.optimizer.beta) == ("ucb", pytest.approx(9.0))
    assert not panel.active.value and panel.dropped.value == ""
    assert (panel.acquisition.value, panel.beta.value) == ("ucb", pytest.approx(9.0))
    assert not lab.errors.errors


def test_an_error_while_resetting_shows_in_the_lab_s_log(lab, monkeypatch):
    # Widget callbacks' errors are shown nowhere in JupyterLab unless captured (DESIGN.md section 4).
    monkeypatch.setattr(lab.what_if, "_settings_changed_to", lambda current: 1 / 0)
    switch(lab, "bo", kernel="rbf")
    assert isinstance(lab.errors.errors[-1], ZeroDivisionError)
