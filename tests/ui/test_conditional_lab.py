"""The Lab on a conditional space (issue 24, item 4): the space editor sets and shows
conditions, the model panel offers every parameter (moving a parent's slider to activate one),
the form hides inactive fields, the history table leaves inactive values blank and the parallel
coordinates put them on an "inactive" slot."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, Int, SearchSpace  # noqa: E402
from interactive_hpo.objectives import FunctionObjective  # noqa: E402
from interactive_hpo.plots.history import parallel_coordinates_info  # noqa: E402
from interactive_hpo.plots.parallel import INACTIVE_Y  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST  # noqa: E402

SPACE = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0), Float("s", 0.0, 1.0),
                     Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])


def loss(params):
    return (params["C"] - 0.3) ** 2 + 0.1 * params["s"] + (params.get("gamma", 0.5) - 0.7) ** 2


@pytest.fixture(scope="module")
def lab():
    lab = Lab(loss, space=SPACE, seed=0, optimizer_settings=FAST)
    lab.run(6)
    return lab


def note(panel):
    """The model panel's line about the slice, as text (None when hidden)."""
    shown = panel.slice_note.layout.display != "none"
    return html.unescape(re.sub("<[^>]+>", "", panel.slice_note.value)) if shown else None


def test_picking_a_parameter_moves_its_parent_and_moving_the_parent_away_takes_it_off_the_axes(lab):
    panel = lab.surrogate_panel
    panel.x_choice.value, panel.y_choice.value = "C", "s"  # the kernel off the axes: its selector shows
    panel.anchors["kernel"].value = "linear"
    assert list(panel.x_choice.options) == SPACE.names  # gamma is offered, though inactive here
    panel.x_choice.value = "gamma"
    assert panel.pair == ("gamma", "s") and panel.anchors["kernel"].value == "rbf"
    assert note(panel) == "gamma applies only when kernel is 'rbf': the slice takes kernel = 'rbf'."
    assert panel.maps.images[0].get_array().size == 60 * 60 and panel.anchors["kernel"].layout.display is None
    panel.anchors["kernel"].value = "linear"  # the user's move: it stays, and gamma leaves the axes
    assert panel.pair == ("kernel", "s") and panel.anchors["kernel"].value == "linear"
    assert note(panel) == "gamma left the axes: it applies only when kernel is 'rbf'."
    assert panel.anchors["gamma"].layout.display == "none" and panel.maps.images[0].get_array().size == 2 * 60
    assert not lab.errors.errors


SVM = SearchSpace([Float("C", 1e-3, 1e3, log=True),
                   Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly"])),
                   Int("degree", 2, 5, condition=("kernel", "poly")),
                   Categorical("kernel", ["rbf", "poly", "linear"])])


def svm_loss(params):
    """A linear kernel best, as on the digits at seed 0 (notebook 01)."""
    misfit = 0.0 if params["kernel"] == "linear" else 0.5 + 0.1 * abs(np.log10(params["gamma"]) + 1)
    return 0.1 * np.log10(params["C"]) ** 2 + misfit


def test_a_linear_best_trial_still_leads_to_gamma_and_degree():
    """Notebook 01 at seed 0: the slice followed a linear-kernel best trial, gamma and degree
    were not offered, and the kernel, on an axis, had no selector: nothing led to gamma, and
    setting the y dropdown to gamma raised a TraitError."""
    lab = Lab(svm_loss, space=SVM, seed=0, optimizer_settings=FAST)
    lab.controller.evaluate({"C": 1.0, "kernel": "linear"})
    lab.run(4)
    panel, best = lab.surrogate_panel, lab.study.best_trial
    assert best.params["kernel"] == "linear" and panel.follow_best.value
    assert list(panel.y_choice.options) == SVM.names
    # The pair (C, gamma) stays through every step; the slice follows the best trial but for the kernel.
    assert panel.pair == ("C", "gamma") and panel.anchors["kernel"].value == "rbf"
    assert panel.anchors["C"].value == pytest.approx(best.params["C"], rel=0.02)
    assert note(panel) == "gamma applies only when kernel is 'rbf' or 'poly': the slice takes kernel = 'rbf'."
    panel.y_choice.value = "kernel"  # C against the kernel, at the best trial: nothing to move
    assert panel.anchors["kernel"].layout.display == "none" and note(panel) is None
    panel.y_choice.value = "gamma"  # the TraitError
    assert panel.pair == ("C", "gamma") and panel.anchors["kernel"].value == "rbf"
    assert panel.anchors["kernel"].layout.display is None and panel.anchors["degree"].layout.display == "none"
    panel.anchors["kernel"].value = "poly"  # then degree (notebook 12's "what to try")
    assert panel.anchors["degree"].layout.display is None and not panel.follow_best.value
    panel.x_choice.value = "degree"
    assert panel.pair == ("degree", "gamma") and panel.maps.images[0].get_array().size == 4 * 60
    panel.anchors["kernel"].value = "linear"  # both leave the axes, for the active ones
    assert panel.pair == ("C", "kernel") and note(panel) == (
        "degree left the axes: it applies only when kernel is 'poly'. gamma left the axes: it applies only when "
        "kernel is 'rbf' or 'poly'.")
    assert not lab.errors.errors


def test_the_history_leaves_inactive_values_blank(lab):
    linear = [t for t in lab.study.trials if t.params["kernel"] == "linear"]
    assert linear, "the test needs a linear-kernel trial"
    rows = {row[0]: row for row in lab.history_panel.table_rows}
    gamma_column = lab.history_panel.table_columns.index("gamma")
    assert all(rows[t.number][gamma_column] is None for t in linear)
    history = lab.study.history()
    info = parallel_coordinates_info(history, [SPACE.axis(n) for n in SPACE.names])
    by_number = dict(zip(info.numbers.tolist(), zip(info.segments, info.inactive, strict=True), strict=True))
    for trial in linear:  # gamma on its "inactive" slot: the line goes on across every axis
        segments, inactive = by_number[trial.number]
        assert segments[3, 1] == INACTIVE_Y and inactive.tolist() == [False, False, False, True]
        assert np.isfinite(segments).all()


def test_the_form_hides_a_field_whose_condition_does_not_hold_and_leaves_it_out():
    lab = Lab(loss, space=SPACE, optimizer="random", seed=0)
    form = lab.manual_panel
    form.fields["kernel"].value = "linear"
    assert form.fields["gamma"].layout.display == "none"
    form.fields["gamma"].value = 7.0  # out of range, but hidden: not read
    params = form.submit()
    assert params == {"kernel": "linear", "C": 0.5, "s": 0.5}
    form.fields["kernel"].value = "rbf"
    assert form.fields["gamma"].layout.display is None


def test_the_space_editor_sets_and_shows_a_condition():
    lab = Lab(loss, space=SPACE, optimizer="random", seed=0)
    lab.run(4)
    editor = lab.space_editor
    rows = {row.name.value: row for row in editor.rows}
    assert rows["gamma"].condition.value == "kernel = rbf"
    rows["s"].condition.value = "kernel = linear"
    assert editor.errors == []
    rows["s"].condition.value = "kernel = poly"
    assert editor.errors == ["`condition` of Float('s') must be values that Categorical('kernel', choices=['linear', "
                             "'rbf']) can take; got ('kernel', ('poly',)). 'poly' is not one of them, and the "
                             "condition names no other value: 's' could never be active. Remove 's', or its "
                             "condition."]
    rows["s"].condition.value = "kernel"
    assert editor.errors[0] == "`condition` of Float('s') must be blank, or 'parent = value, value'; got 'kernel'."
    rows["s"].condition.value = "kernel == 'linear'"  # as Python writes it (a334: read as the value "= 'linear'")
    assert editor.errors == []
    editor.apply.click()
    assert lab.study.space["s"].condition == ("kernel", ("linear",))
    for trial in lab.study.trials:  # the trials carried over hold s only with the linear kernel
        assert ("s" in trial.params) == (trial.params["kernel"] == "linear")


def test_the_space_editor_says_the_way_out_of_a_condition_on_a_choice_taken_away():
    """Kernel typed as "rbf, linear" while gamma and degree still named "poly": the error said
    "'poly' is not one of them" and not what to do about it."""
    lab = Lab(FunctionObjective(svm_loss, SVM), seed=0, optimizer="random")
    editor = lab.space_editor
    rows = {row.name.value: row for row in editor.rows}
    rows["kernel"].choices.value = "rbf, linear"
    assert editor.apply.disabled and editor.errors == [
        "`condition` of Float('gamma') must be values that Categorical('kernel', choices=['rbf', 'linear']) can "
        "take; got ('kernel', ('rbf', 'poly')). 'poly' is not one of them: drop it from the condition of 'gamma'."]
    rows["gamma"].condition.value = "kernel = rbf"
    assert editor.apply.disabled and editor.errors == [
        "`condition` of Int('degree') must be values that Categorical('kernel', choices=['rbf', 'linear']) can "
        "take; got ('kernel', ('poly',)). 'poly' is not one of them, and the condition names no other value: "
        "'degree' could never be active. Remove 'degree', or its condition."]
    editor.remove_row(rows["degree"])
    assert editor.errors == [] and not editor.apply.disabled


def test_the_space_editor_drops_the_poly_kernel_with_degree_which_only_it_uses():
    # svm_digits' space less the poly kernel was a dead end: Apply stayed greyed out with degree
    # kept ("'poly' is not one of them") and with degree removed ("The objective needs 'degree' too").
    lab = Lab(FunctionObjective(svm_loss, SVM), seed=0, optimizer="random")
    lab.run(6)
    editor = lab.space_editor
    rows = {row.name.value: row for row in editor.rows}
    editor.remove_row(rows["degree"])  # while the kernel can be "poly", the objective needs it
    assert editor.apply.disabled and editor.errors == [
        "`space` of Lab.set_space must be a SearchSpace with the objective's parameters ['C', 'gamma', 'degree', "
        "'kernel'] (less any that can never be active in it); got ['C', 'gamma', 'kernel']. The objective needs "
        "'degree' too: 'degree' is active when kernel is 'poly', which kernel can be. Leave out only a parameter "
        "whose condition can never hold."]
    rows["kernel"].choices.value = "rbf, linear"
    rows["gamma"].condition.value = "kernel = rbf"
    assert editor.errors == [] and not editor.apply.disabled
    editor.apply.click()
    assert lab.study.space.names == ["C", "gamma", "kernel"] and lab.study.space["kernel"].choices == ("rbf", "linear")
    assert all(t.params["kernel"] != "poly" for t in lab.study.trials)
    lab.run(3)
    assert [t.state.value for t in lab.study.trials[-3:]] == ["COMPLETE"] * 3 and not lab.errors.errors
