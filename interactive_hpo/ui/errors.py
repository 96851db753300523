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
        self.widget = widgets.HTML(value="")
        self.widget.add_class("ihpo-error")

    def guard(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``callback`` so an exception is shown here instead of lost; returns None then."""

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - shown to the user, kept in self.errors
                self.show(error)
                return None

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
