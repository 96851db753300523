"""Widths that fit the widgets' labels, so that none is cut short with an ellipsis; and the
height a line of text keeps while empty (:data:`ONE_LINE`).

ipywidgets gives a description 80 px, about 6 em of JupyterLab's 13 px widget font, and a
ToggleButtons button whatever ``button_width`` says; longer text is cut ("descend…",
"lengthscale…" in the browser; issue 25, item 2). Text widths are estimated from the number of
characters at :data:`CHAR_EM` each, a little more than the font's average, so that the estimate
errs on the wide side.

>>> import ipywidgets as widgets
>>> from interactive_hpo.ui.labels import button_width, fit_descriptions, wrapping_row
>>> column = [widgets.FloatText(description="lengthscales x"), widgets.Dropdown(description="kernel")]
>>> fit_descriptions(column)
>>> [control.style.description_width for control in column]
['8.4em', '8.4em']
>>> button_width(["ascending", "descending"])
'7.6em'
>>> row = wrapping_row([widgets.Button(description="Step"), widgets.Checkbox(description="as the GP sees it")])
>>> row.layout.flex_flow, [child.layout.flex for child in row.children], row.children[1].layout.width
('row wrap', ['0 0 auto', '0 0 auto'], 'auto')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

__all__ = ["CHAR_EM", "ONE_LINE", "button_width", "description_width", "fit_descriptions", "text_em", "wrapping_row"]

#: The height of one line of a widget's text (JupyterLab's inline widget height, CSS): a line of
#: text that comes and goes keeps it as its ``min_height``, so what is below does not move (an
#: empty HTML widget takes no height, one line 28 px).
ONE_LINE = "var(--jp-widgets-inline-height, 28px)"

#: Estimated width of one character of the widget font, in em (lower-case names average ~0.55).
CHAR_EM = 0.6
#: A button's padding (10 px each side in JupyterLab's widget CSS), in em of the 13 px font.
BUTTON_PADDING_EM = 1.6


def text_em(text: str) -> float:
    """Estimated width of ``text`` in the widget font, in em."""
    return CHAR_EM * len(text)


def description_width(labels: Iterable[str], minimum_em: float = 0.0) -> str:
    """A ``description_width`` (CSS) fitting the longest of ``labels``, at least ``minimum_em``."""
    return f"{max([minimum_em, *map(text_em, labels)]):.3g}em"


def fit_descriptions(controls: Iterable[Any], minimum_em: float = 0.0) -> None:
    """Give ``controls`` (widgets with a ``description``) one description width fitting the
    longest of their descriptions: a column of them shows every label and lines up."""
    controls = list(controls)
    width = description_width([control.description for control in controls], minimum_em)
    for control in controls:
        control.style.description_width = width


def button_width(labels: Iterable[str]) -> str:
    """A ToggleButtons ``style.button_width`` (CSS) fitting the longest of ``labels`` and the padding."""
    return f"{max(map(text_em, labels), default=0.0) + BUTTON_PADDING_EM:.3g}em"


def wrapping_row(children: Iterable[Any]) -> widgets.HBox:
    """An HBox of ``children`` that goes on to a second line when the window is narrow, each child
    as wide as its label: a row that did not wrap shrank its buttons to "S…" and "…" (Step and
    Stop alike at 1000 px) and cut a checkbox's label. A checkbox without a width of its own gets
    its label's, not ipywidgets' 300 px."""
    children = list(children)
    for child in children:
        child.layout.flex = "0 0 auto"
        if isinstance(child, widgets.Checkbox) and child.layout.width is None:
            child.layout.width = "auto"
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap"))
