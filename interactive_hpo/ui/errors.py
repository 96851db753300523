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
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

import ipywidgets as widgets

from .._validation import fail
from .figures import is_plain_click

__all__ = ["ErrorLog", "produced_under"]

#: Distinct warnings shown after one action (the rest are counted).
WARNINGS_SHOWN = 5

T = TypeVar("T")


class ErrorLog:
    """A visible place for errors raised in callbacks, and the wrapper that sends them there.

    Attributes
    ----------
    widget : ipywidgets.HTML
        Shows the last error (message and a collapsible traceback); empty when there is none.
    warning_widget : ipywidgets.HTML
        The distinct warnings raised since the last click (CSS class ``ihpo-warning``): apart
        from the errors, so that a warning never reads as a failure.
    view : ipywidgets.VBox
        Both, for an app's layout (at its top).
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
        self._depth = 0  # watched blocks running (one inside another: a redraw inside an action)
        self._shown: list[str] = []  # the distinct warnings shown since the last clear
        self.widget = widgets.HTML(value="")
        self.widget.add_class("ihpo-error")
        self.warning_widget = widgets.HTML(value="")
        self.warning_widget.add_class("ihpo-warning")
        self.view = widgets.VBox([self.widget, self.warning_widget])
        self._spots: list[widgets.HTML] = []  # the places beside the controls (spot), cleared with the rest

    def spot(self) -> widgets.HTML:
        """A new place for the errors of the controls it is put under (CSS class ``ihpo-error``).

        A panel low in an app puts it right below a group of its buttons and guards their callbacks
        with ``guard(callback, at=spot)``: the error then shows where the user clicked. Shown in the
        area at the app's top, it was off screen (y=-531) and pushed the clicked button 84 px down
        (browser audit a470). The spot is below the buttons, so nothing above them moves.
        """
        spot = widgets.HTML(value="")
        spot.add_class("ihpo-error")
        self._spots.append(spot)
        return spot

    def guard(self, callback: Callable[..., Any], at: widgets.HTML | None = None) -> Callable[..., Any]:
        """Wrap ``callback`` so an exception is shown here instead of lost; returns None then.

        ``at``: a :meth:`spot` of this log to show the error in (None: :attr:`widget`); either way
        it joins :attr:`errors`.

        A click (a button's callback, or a plain click on a figure) is a new action: the error
        shown is cleared as it starts, so a message never outlives the action it was about (an
        error stayed on screen after the corrected input had succeeded, reading as its failure).
        Only the outermost callback clears: one that runs inside another (a redraw after a Step)
        never hides what the action itself showed. Value changes do not clear: a browser echoes
        slider positions late, and that must not hide an error nobody has read yet.

        The outermost callback also shows the warnings raised while it runs (:meth:`watching`).
        """
        self._check_spot(at, "ErrorLog.guard")

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not self._depth and args and _is_click(args[0]):
                self.clear()
            with self.watching():
                try:
                    return callback(*args, **kwargs)
                except Exception as error:  # noqa: BLE001 - shown to the user, kept in self.errors
                    self.show(error, at)
                    return None

        return guarded

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Show the warnings raised in the block (as the filters in force let them through: what a
        cell would have printed). For work that runs outside any callback: a background run's
        steps, each watched in turn. Inside another watched block, that one shows them."""
        self._depth += 1
        caught: list[warnings.WarningMessage] = []
        try:
            if self._depth > 1:
                yield
            else:  # entered and left within one synchronous stretch, so nested uses restore in order
                with warnings.catch_warnings(record=True) as caught:
                    yield
        finally:  # also when the block raised: the warnings before the error are news too
            self._depth -= 1
            self.warn([f"{w.category.__name__}: {w.message}" for w in caught])

    def watched(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, each produced under :meth:`watching` (a background run's steps: a Run in a
        kernel steps the study outside the button's callback, and its warnings reached the kernel's log only)."""
        return produced_under(items, self.watching)

    def show(self, error: BaseException, at: widgets.HTML | None = None) -> None:
        """Display ``error`` (its message, with the traceback folded underneath) in :attr:`widget`,
        or in ``at``, a :meth:`spot` of this log."""
        if not isinstance(error, BaseException):  # refused before it joins `errors`, which a text there broke
            raise fail("error", "ErrorLog.show", "an exception", error)
        self._check_spot(at, "ErrorLog.show")
        self.errors.append(error)
        message = html.escape(f"{type(error).__name__}: {error}")
        trace = html.escape("".join(traceback.format_exception(error)))
        (self.widget if at is None else at).value = (
            f'<div style="color:#b00020"><b>{message}</b>'
            f"<details><summary>traceback</summary><pre>{trace}</pre></details></div>"
        )

    def _check_spot(self, at: Any, owner: str) -> None:
        if at is not None and not any(at is spot for spot in self._spots):
            raise fail("at", owner, "a spot of this ErrorLog (ErrorLog.spot()) or None", at)

    def warn(self, messages: list[str]) -> None:
        """Display these warnings in :attr:`warning_widget` beside those shown since the last
        :meth:`clear` (each distinct one once, also in :attr:`warnings`); none new: no change."""
        listed = list(messages) if isinstance(messages, Iterable) and not isinstance(messages, str) else None
        if listed is None or not all(isinstance(m, str) for m in listed):  # a str: one warning per letter
            raise fail("messages", "ErrorLog.warn", "a list of str", messages)
        messages = listed
        new = [m for m in dict.fromkeys(messages) if m not in self._shown]
        if not new:
            return
        self.warnings.extend(new)
        self._shown.extend(new)
        more = len(self._shown) - WARNINGS_SHOWN
        lines = "".join(f"<div>&#9888; {html.escape(m)}</div>" for m in self._shown[:WARNINGS_SHOWN])
        self.warning_widget.value = f'<div style="color:#8a5300">{lines}' + \
            (f"<div>... and {more} more warning(s)</div>" if more > 0 else "") + "</div>"

    def clear(self) -> None:
        """Hide the last error and warnings (the records in ``errors`` and ``warnings`` stay)."""
        self.widget.value = self.warning_widget.value = ""
        for spot in self._spots:
            spot.value = ""
        self._shown = []


def produced_under(items: Iterable[T], context: Callable[[], AbstractContextManager[Any]]) -> Iterator[T]:
    """``items``, each one produced inside a fresh ``context()``: the code that makes an item runs
    there, the consumer's code between two items does not (a background run awaits there)."""
    iterator = iter(items)
    while True:
        with context():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def _is_click(argument: Any) -> bool:
    """Whether a callback's first argument says a person clicked: the button of ``on_click``, or
    a plain click on a figure (:func:`~.figures.is_plain_click`; a press that starts a zoom or a
    pan, or a right click, is the toolbar's: it chooses nothing, so it hides no error)."""
    return isinstance(argument, widgets.Button) or is_plain_click(argument)
