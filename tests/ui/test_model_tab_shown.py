"""The Model tab says what it draws now (audit a418): the readout is read again when the maps
are redrawn, "Why this point?" names the 1-D figure's marks, the controls of a model hide while
no model is drawn, and the key says what the star is at a past step."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.ui.map_readout import POINT_AT  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402
from .test_map_readout import move  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PLANE = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])


def bowl(params):
    return (params["x"] - 0.5) ** 2 + (params["y"] + 0.3) ** 2


@pytest.fixture(scope="module")
def lab(one_torch_thread):
    """A BO Lab over two parameters, five trials in (a model, past its three-point design)."""
    lab = lab_after(bowl, PLANE, 5, seed=0, optimizer_settings=FAST)
    yield lab
    lab.close()


def numbers(line):
    return re.findall(r"(?:median|mean|std[^0-9-]*|logei|ucb) (-?[0-9.e+-]+)", line)


def test_the_readout_is_read_again_when_the_maps_are_redrawn(lab):
    panel = lab.surrogate_panel
    lab.travel(None)
    move(panel.figure.fig, panel.maps.axes[0], 0.4, -0.2)
    before = panel.readout.widget.value
    assert before.startswith("<small>x=0.4, y=-0.2:") and numbers(before)
    lab.controller.evaluate({"x": 1.7, "y": 1.7})  # a click's trial: the model and the maps change
    after = panel.readout.widget.value
    assert after.startswith("<small>x=0.4, y=-0.2:") and numbers(after) != numbers(before), (before, after)
    move(panel.figure.fig, panel.maps.axes[0], 0.4, -0.2)  # the values a move there reads now (same cell)
    assert numbers(panel.readout.widget.value) == numbers(after)
    lab.travel(3)  # time travel: the line follows the past step's maps
    assert numbers(panel.readout.widget.value) != numbers(after)
    lab.travel(None)
    move(panel.figure.fig, panel.figure.fig.axes[-1], 0.5, 0.5)  # a colour bar: off the maps
    lab.controller.evaluate({"x": -1.7, "y": 1.7})
    assert POINT_AT in panel.readout.widget.value


def test_the_key_says_what_the_star_is_at_a_past_step(lab):
    panel = lab.surrogate_panel
    lab.travel(None)
    assert "the next proposal" in panel.key.value
    view, history, proposal, *rest = panel._last[:7]
    panel.update(view, history, proposal, *rest, step=4)
    assert "the next proposal" not in panel.key.value and "trial 4, that step's proposal" in panel.key.value
    panel.update(view, history, proposal, *rest)
    assert "the next proposal" in panel.key.value


def test_without_a_model_the_controls_and_the_readout_keep_their_place_disabled(lab):
    panel = lab.surrogate_panel
    lab.travel(None)
    hidden = (panel.controls, panel.readout.widget)
    assert all(w.layout.display is None for w in hidden)
    assert panel.x_choice in panel.controls.children[0].children and panel.key in panel.controls.children
    lab.controller.switch_optimizer("random")
    assert "random has no model" in panel.message.value
    # A model was drawn: their place is kept (nothing below moves), the controls greyed out (audit a444).
    assert all(w.layout.display is None for w in hidden) and POINT_AT not in panel.readout.widget.value
    assert panel.x_choice.disabled and not any(ax.get_visible() for ax in panel.figure.fig.axes)
    lab.travel(4)  # a past step that had a model: shown again
    assert all(w.layout.display is None for w in hidden)
    lab.travel(None)
    lab.controller.switch_optimizer("bo", FAST)
    assert all(w.layout.display is None for w in hidden)


def test_a_1d_initial_point_is_named_as_drawn_without_a_total():
    lab = lab_after(quad, LINE, 2, seed=0, optimizer_settings=FAST)
    why = lab.surrogate_panel.why.value.split("<details>")[0]
    assert "one of bo&#x27;s quasi-random initial points, chosen without a model" in why, why
    assert "of them)" not in why and "star" not in why and "map" not in why
    assert "The dotted red line marks it; the acquisition curve shows where the model would look" in why
    assert lab.surrogate_panel.controls.layout.display is None  # a model is drawn: its teaching boxes are shown
    lab.close()


def test_the_lab_s_key_at_a_past_step_names_that_step_s_proposal(lab):
    lab.travel(4)
    assert "trial 4, that step's proposal" in lab.surrogate_panel.key.value  # the Lab passes the step it shows
    lab.travel(None)
    assert "the next proposal" in lab.surrogate_panel.key.value


def test_the_mouse_leaving_the_figure_ends_the_readout(lab):
    # To click Step the mouse leaves the figure: the line kept reading the maps where it had last been (r424).
    from matplotlib.backend_bases import LocationEvent

    panel = lab.surrogate_panel
    lab.travel(None)
    move(panel.figure.fig, panel.maps.axes[0], 0.4, -0.2)
    assert panel.readout.widget.value.startswith("<small>x=0.4, y=-0.2:")
    px, py = panel.maps.axes[0].transData.transform((0.4, -0.2))
    canvas = panel.figure.fig.canvas
    canvas.callbacks.process("figure_leave_event", LocationEvent("figure_leave_event", canvas, px, py))
    assert POINT_AT in panel.readout.widget.value
    lab.controller.evaluate({"x": 1.5, "y": -1.5})
    assert POINT_AT in panel.readout.widget.value
