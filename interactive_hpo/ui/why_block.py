"""The block under the Lab's maps that says why the next proposal is there ("Why this point?")
and what the kernel believes, in words.

It keeps the height of the longest it has said: between the maps and the timeline, a block that
shrank at a step without a model, or with a shorter reason, moved the timeline's slider away from
the mouse of the person dragging it (audit a444: 141 px up at each step without a model, 28-56 px
between two with one).
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..space import SearchSpace
from .figures import PANEL_INCHES
from .labels import ONE_LINE, text_em

__all__ = ["WhyBlock"]

#: A line of the block's text, in em of JupyterLab's 13 px widget font: the figure's width.
LINE_EM = PANEL_INCHES * 100 / 13


class WhyBlock:
    """Why the proposal, and the kernel in words, under the maps (see the module).

    Attributes
    ----------
    widget : ipywidgets.HTML
    """

    def __init__(self) -> None:
        self.widget = widgets.HTML()
        self.widget.add_class("ihpo-why")
        self._lines = 0  # the most lines said so far: the block's height kept

    def explain(self, view: Any, proposal: np.ndarray | None, space: SearchSpace, chosen: str = "") -> None:
        """Say why ``proposal`` (a unit-cube point of shape (d,), None: there is none) is where
        ``view``, a model's SurrogateView, puts it, or how it was ``chosen`` when the model did
        not choose it, and what the kernel believes."""
        from ..optimizers.bayes.teach import why_this_point  # a view exists: torch is loaded

        words = chosen or (why_this_point(view, proposal, space) if proposal is not None else "")
        why = f"<b>Why this point?</b> {html.escape(words)}" if proposal is not None else ""
        kernel = html.escape(view.hyperparameters.in_words()).replace("\n", "<br>")
        self.widget.value = f"{why}<details><summary>The kernel in words</summary>{kernel}</details>"
        # Estimated from the font (its width errs wide); one line more for the summary.
        lines = 1 + (math.ceil(text_em(f"Why this point? {words}") / LINE_EM) if why else 0)
        if lines > self._lines:
            self._lines = lines
            self.widget.layout.min_height = f"calc({lines} * {ONE_LINE})"

    def clear(self) -> None:
        """Say nothing (a step without a model), the block's height kept."""
        self.widget.value = ""
