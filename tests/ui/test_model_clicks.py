"""A click on the model's figure evaluates a trial: only a plain left click does."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, NOT_CLICKS, press, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_zooming_right_clicks_and_double_clicks_evaluate_nothing_and_hide_no_error():
    lab = Lab(quad, space=LINE, seed=0, optimizer_settings=FAST)
    lab.run(4)
    figure, ax = lab.surrogate_panel.figure.fig, lab.surrogate_panel.curve.ax
    middle = sum(ax.get_ylim()) / 2
    lab.errors.show(ValueError("an error nobody has read yet"))
    for how in NOT_CLICKS:  # a zoom tool's press starts a rectangle to zoom into, not a trial
        press(figure, ax, -1.0, middle, how=how)
        assert len(lab.study.trials) == 4 and "nobody has read" in lab.errors.widget.value, how
    press(figure, ax, -1.0, middle)
    assert len(lab.study.trials) == 5 and lab.study.trials[-1].source == "manual"
    assert lab.study.trials[-1].params["x"] == pytest.approx(-1.0, abs=0.01) and lab.errors.widget.value == ""
