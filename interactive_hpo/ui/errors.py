"""Make every widget callback's exception visible in the app.

JupyterLab shows exceptions raised inside widget callbacks nowhere (they go to a log the user
never opens), so each panel routes its callbacks through an :class:`ErrorLog`.
"""

from __future__ import annotations

import functools
import html
import traceback
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

__all__ = ["ErrorLog"]


class ErrorLog:
    """A visible place for errors raised in callbacks, and the wrapper that sends them there.

    Attributes
    ----------
    widget : ipywidgets.HTML
        Shows the last error (message and a collapsible traceback); empty when there is none.
    errors : list of BaseException
        Every exception caught, oldest first, so tests and users can inspect them.

    Examples
    --------
    >>> log = ErrorLog()
    >>> def broken(_):
    ...     raise ValueError("`low` of Float must be < high; got low=3.")
    >>> log.guard(broken)(None)
    >>> type(log.errors[0]).__name__, "must be &lt; high" in log.widget.value
    ('ValueError', True)
    """

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self._depth = 0  # guarded callbacks running (one inside another: a redraw inside an action)
        self.widget = widgets.HTML(value="")
        self.widget.add_class("ihpo-error")

    def guard(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``callback`` so an exception is shown here instead of lost; returns None then.

        A click (a button's callback, or a mouse press on a figure) is a new action: the error
        shown is cleared as it starts, so a message never outlives the action it was about (an
        error stayed on screen after the corrected input had succeeded, reading as its failure).
        Only the outermost callback clears: one that runs inside another (a redraw after a Step)
        never hides what the action itself showed. Value changes do not clear: a browser echoes
        slider positions late, and that must not hide an error nobody has read yet.
        """

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self._depth == 0 and args and _is_click(args[0]):
                self.clear()
            self._depth += 1
            try:
                return callback(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - shown to the user, kept in self.errors
                self.show(error)
                return None
            finally:
                self._depth -= 1

        return guarded

    def show(self, error: BaseException) -> None:
        """Display ``error`` (its message, with the traceback folded underneath)."""
        self.errors.append(error)
        message = html.escape(f"{type(error).__name__}: {error}")
        trace = html.escape("".join(traceback.format_exception(error)))
        self.widget.value = (
            f'<div style="color:#b00020"><b>{message}</b>'
            f"<details><summary>traceback</summary><pre>{trace}</pre></details></div>"
        )

    def clear(self) -> None:
        """Hide the last error (the record in ``errors`` stays)."""
        self.widget.value = ""


def _is_click(argument: Any) -> bool:
    """Whether a callback's first argument says a person clicked: the button of ``on_click``, or
    a matplotlib mouse press (``mpl_connect("button_press_event", ...)``)."""
    from matplotlib.backend_bases import MouseEvent  # ui/ may import matplotlib; loaded by any figure already

    return isinstance(argument, widgets.Button) or (isinstance(argument, MouseEvent)
                                                     and argument.name == "button_press_event")
