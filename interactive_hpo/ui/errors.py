"""Make every widget callback's exception, and its warnings, visible in the app.

JupyterLab shows exceptions raised inside widget callbacks nowhere (they go to a log the user
never opens), so each panel routes its callbacks through an :class:`ErrorLog`. Warnings raised
in a callback went to the same log ("HypergradientDescent ... stays at its start" left the
optimizer stuck without a word on screen): the log shows them too, under the filters in force.
"""

from __future__ import annotations

import functools
import html
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

__all__ = ["ErrorLog"]

#: Distinct warnings shown after one action (the rest are counted).
WARNINGS_SHOWN = 5


class ErrorLog:
    """A visible place for errors raised in callbacks, and the wrapper that sends them there.

    Attributes
    ----------
    widget : ipywidgets.HTML
        Shows the last error (message and a collapsible traceback); empty when there is none.
    warning_widget : ipywidgets.HTML
        The warnings of the last action that raised any (CSS class ``ihpo-warning``): apart
        from the errors, so that a warning never reads as a failure.
    view : ipywidgets.VBox
        Both, for an app's layout.
    errors : list of BaseException
        Every exception caught, oldest first, so tests and users can inspect them.
    warnings : list of str
        Every warning caught in a callback ("Category: message"), oldest first.

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
        self.warnings: list[str] = []
        self._depth = 0  # guarded callbacks running (one inside another: a redraw inside an action)
        self.widget = widgets.HTML(value="")
        self.widget.add_class("ihpo-error")
        self.warning_widget = widgets.HTML(value="")
        self.warning_widget.add_class("ihpo-warning")
        self.view = widgets.VBox([self.widget, self.warning_widget])

    def guard(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``callback`` so an exception is shown here instead of lost; returns None then.

        A click (a button's callback, or a mouse press on a figure) is a new action: the error
        shown is cleared as it starts, so a message never outlives the action it was about (an
        error stayed on screen after the corrected input had succeeded, reading as its failure).
        Only the outermost callback clears: one that runs inside another (a redraw after a Step)
        never hides what the action itself showed. Value changes do not clear: a browser echoes
        slider positions late, and that must not hide an error nobody has read yet.

        The outermost callback also records the warnings raised while it runs (as the filters in
        force let them through: what a cell would have printed) and shows them in :attr:`warning_widget`.
        """

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self._depth:  # inside another guarded callback, which shows the warnings
                return self._run(callback, args, kwargs)
            if args and _is_click(args[0]):
                self.clear()
            # Entered and left within this synchronous call, so nested uses restore in order.
            with warnings.catch_warnings(record=True) as caught:
                result = self._run(callback, args, kwargs)
            self.warn([f"{w.category.__name__}: {w.message}" for w in caught])
            return result

        return guarded

    def _run(self, callback: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
        self._depth += 1
        try:
            return callback(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - shown to the user, kept in self.errors
            self.show(error)
            return None
        finally:
            self._depth -= 1

    def show(self, error: BaseException) -> None:
        """Display ``error`` (its message, with the traceback folded underneath)."""
        self.errors.append(error)
        message = html.escape(f"{type(error).__name__}: {error}")
        trace = html.escape("".join(traceback.format_exception(error)))
        self.widget.value = (
            f'<div style="color:#b00020"><b>{message}</b>'
            f"<details><summary>traceback</summary><pre>{trace}</pre></details></div>"
        )

    def warn(self, messages: list[str]) -> None:
        """Display these warnings (each distinct one once) in :attr:`warning_widget`; none: no change."""
        distinct = list(dict.fromkeys(messages))
        if not distinct:
            return
        self.warnings.extend(distinct)
        more = len(distinct) - WARNINGS_SHOWN
        lines = "".join(f"<div>&#9888; {html.escape(m)}</div>" for m in distinct[:WARNINGS_SHOWN])
        self.warning_widget.value = f'<div style="color:#8a5300">{lines}' + \
            (f"<div>... and {more} more warning(s)</div>" if more > 0 else "") + "</div>"

    def clear(self) -> None:
        """Hide the last error and warnings (the records in ``errors`` and ``warnings`` stay)."""
        self.widget.value = self.warning_widget.value = ""


def _is_click(argument: Any) -> bool:
    """Whether a callback's first argument says a person clicked: the button of ``on_click``, or
    a matplotlib mouse press (``mpl_connect("button_press_event", ...)``)."""
    from matplotlib.backend_bases import MouseEvent  # ui/ may import matplotlib; loaded by any figure already

    return isinstance(argument, widgets.Button) or (isinstance(argument, MouseEvent)
                                                     and argument.name == "button_press_event")
