"""The Model tab stays put while it redraws (audit a444): a step without a model keeps the
figure's place (blank, its controls disabled), each line above the maps is set once per redraw to
its final value, the lines that come and go keep their height, and ipympl's toolbar appears over
a strip the axes leave empty instead of over the y tick labels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from matplotlib.backend_bases import MouseButton, MouseEvent  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from interactive_hpo import Categorical, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.figures import PANEL_INCHES, TOOLBAR_INCHES, LiveFigure  # noqa: E402
from interactive_hpo.ui.labels import ONE_LINE  # noqa: E402
from interactive_hpo.ui.slice_controls import SliceControls  # noqa: E402

from .lab_helpers import FAST, PLANE, bowl, lab_after  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

@pytest.fixture(scope="module")
def lab():
    """Trials 0-2 the initial design (no model), 3-5 the GP's, 6 yours, 7 the GP's."""
    lab = lab_after(bowl, PLANE, 6, seed=0, optimizer_settings=FAST)
    lab.controller.evaluate({"x": 0.25, "y": 0.5})
    lab.step()
    return lab


def watch(widgets_by_name):
    """Record every change of ``value``, ``disabled`` and the layout's ``display`` of these
    widgets, as (name, trait, new value), in the order the browser is sent them."""
    changes = []
    for name, widget in widgets_by_name.items():
        traits = [trait for trait in ("value", "disabled") if widget.has_trait(trait)]
        widget.observe(lambda change, name=name: changes.append((name, change["name"], change["new"])), names=traits)
        widget.layout.observe(lambda change, name=name: changes.append((name, "display", change["new"])),
                              names="display")
    return changes


def above_the_maps(lab):
    panel = lab.surrogate_panel
    return {"notes": lab.notes, "message": panel.message, "trust": panel.trust, "controls": panel.controls,
            "slice note": panel.slice_note, "absent": panel.absent, "key": panel.key, "figure": panel.figure.widget,
            "x": panel.x_choice, "y": panel.y_choice, "follow": panel.follow_best}


def test_a_redraw_sets_each_line_above_the_maps_once_to_its_final_value(lab):
    """The key was emptied and hidden, then shown again, in every redraw (the maps jumped 33 px
    up and back in Chromium at each Step and each click on a map)."""
    changes = watch(above_the_maps(lab))
    key_before = lab.surrogate_panel.key.value
    lab.surrogate_panel.redraw()  # the same belief: nothing above the maps changes at all
    assert changes == [] and "yours" in key_before
    lab.step()
    twice = [(name, trait) for name, trait, _ in changes if [(n, t) for n, t, _ in changes].count((name, trait)) > 1]
    assert twice == [], changes
    assert ("key", "display", "none") not in changes and ("figure", "display", "none") not in changes


def test_a_step_without_a_model_keeps_the_figure_blank_and_the_controls_disabled(lab):
    """Travelling to a step no model proposed hid the figure, the pair, the sliders and the
    readout: the Model tab lost 550 px above the timeline, and the slider being dragged jumped
    off screen (audit a444)."""
    panel = lab.surrogate_panel
    fig = panel.figure.fig
    FigureCanvasAgg(fig).draw()
    laid_out = [ax.get_position().bounds for ax in fig.axes]
    why_height = panel.why.layout.min_height
    for step in (1, 6):  # the initial design's, and yours
        lab.travel(step)
        assert "no model" in panel.message.value or "without a model" in panel.message.value
        for widget in (panel.figure.widget, panel.controls, panel.readout.widget):
            assert widget.layout.display is None
        assert panel.x_choice.disabled and panel.follow_best.disabled
        assert all(anchor.disabled for anchor in panel.anchors.values())
        assert not any(ax.get_visible() for ax in fig.axes)
        blank = [text for text in fig.texts if text.get_visible()]
        assert [text.get_text() for text in blank] == [panel.message.value.removeprefix("<i>").removesuffix("</i>")]
        assert panel.key.value == "<small>&nbsp;</small>" and panel.key.layout.min_height == ONE_LINE  # kept, empty
        assert panel.why.value == "" and panel.why.layout.min_height == why_height is not None  # its height kept
        # A click where the maps were evaluates nothing.
        clicks = []
        panel.on_click(clicks.append)
        px, py = fig.bbox.width / 2, fig.bbox.height / 2
        fig.canvas.callbacks.process("button_press_event", MouseEvent("button_press_event", fig.canvas, px, py,
                                                                      button=MouseButton.LEFT))
        assert clicks == []
        panel._callbacks.remove(clicks.append)
    lab.travel(None)
    assert all(ax.get_visible() for ax in fig.axes) and not any(text.get_visible() for text in fig.texts)
    assert not panel.x_choice.disabled and not any(anchor.disabled for anchor in panel.anchors.values())
    FigureCanvasAgg(fig).draw()
    assert [ax.get_position().bounds for ax in fig.axes] == laid_out  # laid out as before


def test_the_lines_that_come_and_go_keep_their_height(lab):
    """"Your trial N: ..." appearing above the tabs moved the Model tab 28 px for good, and a
    trial of yours clears the line before it says it."""
    assert lab.notes.layout.min_height == ONE_LINE and lab.surrogate_panel.message.layout.min_height == ONE_LINE
    changes = watch({"notes": lab.notes})
    lab.controller.evaluate({"x": 0.3, "y": 0.6})
    assert changes[-1][2].startswith(f"Your trial {len(lab.study.trials) - 1}: ")


def test_the_slice_note_is_said_once_when_the_best_trial_deactivates_a_parameter_on_an_axis():
    """Following the best trial (kernel linear) cleared the note, then settling (gamma on an
    axis needs kernel rbf) said it again, in every redraw of a conditional space."""
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])
    study = Study(space, "random", seed=0)
    study.add_manual({"kernel": "linear", "C": 0.5}, 0.0)
    study.add_manual({"kernel": "rbf", "C": 0.5, "gamma": 0.5}, 1.0)
    controls = SliceControls(space, ErrorLog(), redraw=lambda: None)
    controls.follow(study.history())
    controls.settle()
    controls.x_choice.value, controls.y_choice.value = "C", "gamma"
    said = controls.note.value
    assert "gamma applies only when kernel is" in said
    changes = watch({"note": controls.note})
    controls.follow(study.history())  # as the panel's update does
    controls.settle()
    assert changes == [] and controls.note.value == said


def test_the_toolbar_appears_over_a_strip_the_axes_leave_empty(backend_kept):
    """On the left, ipympl's default, the toolbar covered the y tick labels and the axis label
    of every Lab figure while the mouse was over it."""
    import matplotlib.pyplot as plt

    pytest.importorskip("ipympl")
    plt.switch_backend("module://ipympl.backend_nbagg")
    figure = LiveFigure((PANEL_INCHES, 3.3))
    canvas = figure.fig.canvas
    assert canvas.toolbar_position == "top" and canvas.layout.align_self == "flex-start"
    assert figure.fig.get_figheight() == pytest.approx(3.3 + TOOLBAR_INCHES)  # the axes keep their room
    ax = figure.fig.add_subplot(title="mean", ylabel="gamma")
    ax.plot([0, 1], [0, 1])
    renderer = figure.fig.canvas.get_renderer()
    figure.fig.get_layout_engine().execute(figure.fig)
    top = ax.get_tightbbox(renderer).y1  # display pixels, from the bottom
    assert top <= figure.fig.bbox.height - TOOLBAR_INCHES * figure.fig.dpi + 1
    assert np.isclose(figure.fig.get_figwidth(), PANEL_INCHES)  # as wide as before: it fits the tab
