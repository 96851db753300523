"""Leaving live moves nothing above the timeline (audit a444, after h448): the what-if panel's
note at a past step added two lines above its controls, and the slider a person was dragging
moved 56 px down as it left live and back up at live; and under a blank figure (a step without a
model) the readout still said "Point at a map"."""

from __future__ import annotations

import html
import re

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from matplotlib.backend_bases import MouseEvent  # noqa: E402

from interactive_hpo.ui.labels import ONE_LINE  # noqa: E402
from interactive_hpo.ui.map_readout import POINT_AT  # noqa: E402

from .lab_helpers import FAST, PLANE, bowl, lab_after  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")

@pytest.fixture(scope="module")
def lab():
    """Trials 0-2 the initial design (no model), 3-5 the GP's."""
    lab = lab_after(bowl, PLANE, 6, seed=0, optimizer_settings=FAST)
    yield lab
    lab.close()


def lines(widget, in_row=False):
    """What sets the height of the what-if panel, widget by widget: its type, display and
    min-height, and the text of an HTML line that is a line of its own (one in a row beside the
    box is as tall as the box, and kept to one line)."""
    out = [(type(widget).__name__, widget.layout.display, widget.layout.min_height)]
    if isinstance(widget, widgets.HTML) and not in_row:
        out.append(widget.value)
    row = isinstance(widget, widgets.HBox) and any(isinstance(w, widgets.Checkbox) for w in widget.children)
    for child in getattr(widget, "children", ()):
        out += lines(child, row)
    return out


def text(value):
    return html.unescape(re.sub("<[^>]+>", "", value)).strip()


@pytest.mark.parametrize("ticked", [False, True])
def test_leaving_live_changes_no_line_above_the_timeline(lab, ticked):
    panel = lab.what_if
    panel.active.value = ticked
    if ticked:
        panel.acquisition.value = "ucb"  # a what-if, set aside at the past step
    live = lines(panel.widget)
    for step in (4, 1):  # a step with a model, one without
        lab.timeline.step.value = step  # as a person drags the slider
        assert lab.controller.viewing == step
        assert lines(panel.widget) == live
        # Said beside the box, on one line whatever the width, the whole sentence a tooltip.
        assert panel.past in panel.widget.children[0].children and "white-space: nowrap" in panel.past.value
        assert f"step {step}" in text(panel.past.value) and "<b>live</b>" in panel.past.value
        if ticked:
            assert "set aside" in panel.past.value and "not lost" in panel.past.value
            assert "your what-if (acquisition=ucb) is set aside" in panel.past.tooltip
            assert "Step commits it" in panel.past.tooltip
            assert panel.caption.layout.visibility == "hidden"  # the live caption's place kept, unread
        else:
            assert f"Fork here</b> to go on from step {step}" in panel.past.value
            assert "go back to the live step" in panel.past.tooltip and "Optimizer tab" in panel.past.tooltip
    lab.timeline.live.value = True
    assert lines(panel.widget) == live and panel.past.value == "" and panel.past.tooltip is None
    assert panel.caption.layout.visibility is None and ("acquisition=ucb" in panel.caption.value) == ticked
    panel.active.value = False
    assert not lab.errors.errors


def test_under_a_blank_figure_the_readout_says_nothing_and_keeps_its_line(lab):
    readout = lab.surrogate_panel.readout
    assert POINT_AT in readout.widget.value and readout.widget.layout.min_height == ONE_LINE
    lab.travel(1)  # the initial design's: no model, the figure blank
    assert text(readout.widget.value) == "" and readout.widget.layout.display is None
    assert readout.widget.layout.min_height == ONE_LINE  # its line kept: nothing below moves
    fig = lab.surrogate_panel.figure.fig
    move = MouseEvent("motion_notify_event", fig.canvas, fig.bbox.width / 2, fig.bbox.height / 2)
    fig.canvas.callbacks.process("motion_notify_event", move)  # where the maps were
    assert text(readout.widget.value) == ""
    lab.travel(None)
    assert POINT_AT in readout.widget.value and not lab.errors.errors
