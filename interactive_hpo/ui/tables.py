"""Cells of the HTML tables the apps show in ``widgets.HTML``: padded, numbers right-aligned.

The notebook's table styles do not reach into a widget, so bare ``<td>`` cells touch and the
columns run together: the History table read "0.005594680.00140765" and a header "degreekernel"
(issue 25, item 2). The styles are inline so that they travel with the HTML wherever it is shown.

>>> from interactive_hpo.ui.tables import body_cell, head_cell
>>> head_cell("value", numeric=True)
'<th style="padding:2px 10px;text-align:right;border-bottom:1px solid currentColor">value</th>'
>>> body_cell("relu")
'<td style="padding:2px 10px;text-align:left">relu</td>'
"""

from __future__ import annotations

import numbers

__all__ = ["MAX_TABLE_ROWS", "body_cell", "head_cell", "is_number"]

#: Rows a table shows at most: thousands are unread, yet were sent to the browser at every
#: refresh (9.1 MB of HTML for the History table of 20,000 trials, 1.9 MB for the rung table of
#: a 5,000-trial ASHA study). Each table says how many more there are and where they all are.
MAX_TABLE_ROWS = 500

#: Space around each cell's text: what keeps neighbouring columns apart.
PADDING = "padding:2px 10px"
#: The line under the header row (in the text colour, so it suits light and dark themes).
RULE = "border-bottom:1px solid currentColor"


def is_number(value: object) -> bool:
    """Whether a cell holds a number (right-aligned, so that the digits line up); bools are words."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _style(numeric: bool) -> str:
    return f"{PADDING};text-align:{'right' if numeric else 'left'}"


def head_cell(content: str, numeric: bool = False) -> str:
    """A ``<th>`` holding ``content`` (HTML, already escaped), ruled below, aligned like its column."""
    return f'<th style="{_style(numeric)};{RULE}">{content}</th>'


def body_cell(content: str, numeric: bool = False, attributes: str = "") -> str:
    """A ``<td>`` holding ``content`` (HTML, already escaped); ``attributes`` such as ``colspan="3"``."""
    return f'<td style="{_style(numeric)}"{" " + attributes if attributes else ""}>{content}</td>'
