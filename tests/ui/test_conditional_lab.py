"""The Lab on a conditional space (issue 24, item 4): the space editor sets and shows
conditions, the model panel offers only active parameters, the form hides inactive fields, the
history table leaves inactive values blank and the parallel coordinates put them on an "inactive" slot."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, SearchSpace  # noqa: E402
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


def test_the_model_panel_offers_only_parameters_active_at_its_sliders(lab):
    panel = lab.surrogate_panel
    panel.anchors["kernel"].value = "rbf"
    panel.x_choice.value, panel.y_choice.value = "gamma", "C"
    assert "gamma" in panel.x_choice.options
    panel.anchors["kernel"].value = "linear"  # gamma has no value now: the pair moves off it
    assert "gamma" not in panel.x_choice.options and "gamma" not in panel.pair
    assert panel.anchors["gamma"].layout.display == "none"
    assert panel.pair == ("C", "kernel")  # C kept its place; the first active parameter not on an axis joins
    assert panel.maps.images[0].get_array().size == 60 * 2
    panel.anchors["kernel"].value = "rbf"
    assert "gamma" in panel.x_choice.options and panel.anchors["gamma"].layout.display is None


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
                             "'rbf']) can take; got ('kernel', ('poly',)). 'poly' is not one of them."]
    rows["s"].condition.value = "kernel"
    assert editor.errors[0] == "`condition` of Float('s') must be blank, or 'parent = value, value'; got 'kernel'."
    rows["s"].condition.value = "kernel = linear"
    editor.apply.click()
    assert lab.study.space["s"].condition == ("kernel", ("linear",))
    for trial in lab.study.trials:  # the trials carried over hold s only with the linear kernel
        assert ("s" in trial.params) == (trial.params["kernel"] == "linear")
