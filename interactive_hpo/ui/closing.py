"""Closing an app: every widget it made, so that the kernel lets go of them.

ipywidgets keeps every widget until it is closed (its registry holds it for the front end), and
closing a box does not close what is in it. An app re-built by re-running its cell kept the old
one's widgets, figures and data: about 380 widgets and 9 MB for each Lab.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

__all__ = ["widgets_of", "close_widgets"]


def widgets_of(app: Any) -> list[widgets.Widget]:
    """Every widget ``app`` holds: in the attributes of this package's objects (its panels,
    including widgets not on screen now, such as another optimizer's settings), in their lists,
    tuples, sets and dicts, and in each widget's synced traits (a box's children, its layout and
    style, an ipympl canvas's toolbar), at any depth. Objects of other packages (a study, a
    figure) are not entered."""
    found: list[widgets.Widget] = []
    seen: set[int] = set()
    stack = [app]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, widgets.Widget):
            found.append(item)
            stack.extend(getattr(item, name, None) for name in item.keys)
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif type(item).__module__.startswith(__package__):
            stack.extend(getattr(item, "__dict__", {}).values())
    return found


def close_widgets(app: Any, keep: Any = ()) -> None:
    """Close every widget of ``app`` (:func:`widgets_of`) but those of ``keep``: what the person
    passed in (an objective that is a widget), or the app itself when ``app`` is what it held
    before a change (the panels and forms the change replaced go). The front end removes their
    views and the kernel frees them."""
    kept = {id(widget) for widget in widgets_of(keep)}
    for widget in widgets_of(app):
        if id(widget) not in kept:
            widget.close()

