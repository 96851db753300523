"""A click on the model's figure evaluates a trial: only a plain left click does."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

pytest.importorskip("botorch")
from matplotlib.backend_bases import MouseButton, MouseEvent, NavigationToolbar2  # noqa: E402

from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def press(lab, x, button=MouseButton.LEFT, dblclick=False):
    figure, ax = lab.surrogate_panel.figure.fig, lab.surrogate_panel.curve.ax
    figure.canvas.draw()
    px, py = ax.transData.transform((x, sum(ax.get_ylim()) / 2))
    figure.canvas.callbacks.process("button_press_event", MouseEvent("button_press_event", figure.canvas, px, py,
                                                                     button=button, dblclick=dblclick))


def test_zooming_right_clicks_and_double_clicks_evaluate_nothing():
    lab = Lab(quad, space=LINE, seed=0, optimizer_settings=FAST)
    lab.run(4)
    press(lab, -1.0, button=MouseButton.RIGHT)
    press(lab, -1.0, dblclick=True)  # the second press of a double click (the first was a click)
    toolbar = NavigationToolbar2(lab.surrogate_panel.figure.fig.canvas)  # ipympl's toolbar is one of these
    toolbar.zoom()  # the zoom tool: a press starts a rectangle to zoom into, not a trial
    press(lab, -1.0)
    toolbar.pan()
    press(lab, -1.0)
    assert len(lab.study.trials) == 4 and not lab.errors.errors
    toolbar.pan()  # off again
    press(lab, -1.0)
    assert len(lab.study.trials) == 5 and lab.study.trials[-1].source == "manual"
    assert lab.study.trials[-1].params["x"] == pytest.approx(-1.0, abs=0.01)
