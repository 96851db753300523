"""The controls that fix where a model's slice is taken: a slider or a selector per parameter.

The panel moves them itself (to the best trial, or to a parent's value that activates a
parameter on an axis) and must tell its own moves from the user's: a browser echoes a value it
was sent, snapped to the slider's step and sometimes late, and :func:`within_a_step` recognises
such an echo.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets

from ..parameters import Categorical, Int, Parameter

__all__ = ["PLACED_KEPT", "anchor_widget", "is_slider", "within_a_step"]

#: Values a slider remembers having been set to by the panel (the echoes a browser may send late).
PLACED_KEPT = 32


def anchor_widget(param: Parameter) -> widgets.ValueWidget:
    """A selector for a categorical, a slider (log-scaled for a log parameter) for the others."""
    # Sliders report once, on release: each report redraws the model (a render of about 0.1 s in
    # the browser), and a drag reported continuously queued 2-3 of them (issue 25).
    style, layout = {"description_width": "8em"}, widgets.Layout(width="24em")
    if isinstance(param, Categorical):
        return widgets.Dropdown(options=[(str(c), c) for c in param.choices], description=param.name, style=style,
                                layout=layout)
    if isinstance(param, Int):
        return widgets.IntSlider(min=param.low, max=param.high, description=param.name, style=style, layout=layout,
                                 continuous_update=False)
    low, high = float(param.low), float(param.high)  # type: ignore[attr-defined]
    if param.scale == "log":
        return widgets.FloatLogSlider(min=math.log10(low), max=math.log10(high), value=math.sqrt(low * high),
                                      description=param.name, style=style, layout=layout, readout_format=".3g",
                                      continuous_update=False)
    return widgets.FloatSlider(min=low, max=high, step=(high - low) / 200, description=param.name, style=style,
                               layout=layout, readout_format=".3g", continuous_update=False)


def is_slider(widget: Any) -> bool:
    """Whether ``widget`` is one of :func:`anchor_widget`'s sliders (not a selector)."""
    return isinstance(widget, (widgets.FloatLogSlider, widgets.FloatSlider, widgets.IntSlider))


def within_a_step(widget: Any, value: Any, placed: Any) -> bool:
    """Whether ``value`` is ``placed`` up to the rounding of a slider's step."""
    if placed is None:
        return False
    if isinstance(widget, widgets.FloatLogSlider):
        return value > 0 and placed > 0 and abs(math.log10(value) - math.log10(placed)) <= widget.step
    if isinstance(widget, widgets.FloatSlider):
        return abs(value - placed) <= widget.step
    return bool(value == placed)
