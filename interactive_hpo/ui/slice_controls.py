"""Where the surrogate panel's slice is cut: the pair of parameters on the axes, and a slider (or
selector) for each of the others, which follow the best trial until the user moves one.

The group tells its own moves from the user's: a browser echoes a value it was sent, snapped to
the slider's step and sometimes late (:func:`.slice_sliders.within_a_step`). In a conditional
space both parameters on the axes are kept active where the slice is taken
(:func:`.slice_pair.settle_pair`): picking one moves its parent's slider, a line says so, and the
sliders of inactive parameters are hidden.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..space import SearchSpace
from ..views import History
from .errors import ErrorLog
from .slice_pair import settle_pair
from .slice_sliders import PLACED_KEPT, anchor_widget, is_slider, within_a_step

__all__ = ["SliceControls", "slice_alpha"]

#: Trials this far from the slice (root-mean-square distance over the fixed coordinates, in the
#: unit cube) are drawn at about 1/e opacity; never below FLOOR, so none disappears.
FADE, FLOOR = 0.15, 0.15


def slice_alpha(X: np.ndarray, anchor: np.ndarray, fixed: list[int]) -> np.ndarray:
    """Opacity of each trial, shape (n,), from its distance to the slice through ``anchor``.

    ``X`` has shape (n, d) and ``anchor`` shape (d,), both in the unit cube; ``fixed`` lists the
    coordinates the slice holds fixed. On the slice: 1.
    """
    if not fixed or not len(X):
        return np.ones(len(X))
    rms = np.sqrt(np.mean((X[:, fixed] - anchor[fixed]) ** 2, axis=1))
    return np.maximum(np.exp(-((rms / FADE) ** 2)), FLOOR)


class SliceControls:
    """The widgets that fix a model's slice through ``space``, and what they remember.

    Parameters
    ----------
    space : SearchSpace
    errors : ErrorLog
        Where the widgets' callback errors go.
    redraw : callable
        ``redraw()``, called after the user changed the slice (the pair or a slider).

    Attributes
    ----------
    anchors : dict of str to widget
        One slider (or selector) per parameter: where the slice cuts the others.
    follow_best : ipywidgets.Checkbox
        Move the sliders to the incumbent after every trial (unticked when a slider is moved).
    x_choice, y_choice : ipywidgets.Dropdown or None
        The pair shown (two or more parameters; None for one).
    note : ipywidgets.HTML
        Which sliders were moved, or which parameter left the axes, and why (a conditional
        space; hidden when empty).
    """

    def __init__(self, space: SearchSpace, errors: ErrorLog, redraw: Callable[[], Any]):
        self.space, self._redraw = space, redraw
        self.anchors = {p.name: anchor_widget(p) for p in space}
        self.follow_best = widgets.Checkbox(value=True, description="slice through the best trial", indent=False)
        self.note = widgets.HTML(layout=widgets.Layout(display="none"))
        self.x_choice: widgets.Dropdown | None = None
        self.y_choice: widgets.Dropdown | None = None
        if space.dim != 1:
            self.x_choice = widgets.Dropdown(options=space.names, value=space.names[0], description="x")
            self.y_choice = widgets.Dropdown(options=space.names, value=space.names[1], description="y")
            for choice in (self.x_choice, self.y_choice):
                choice.observe(errors.guard(self._on_pair), names="value")
        for anchor in self.anchors.values():
            anchor.observe(errors.guard(self._on_anchor), names="value")
        self._following = self._syncing = False
        self._said = ""  # what the note says once settle() ends: set there, once (see settle)
        # slider -> the values we put there since the user last moved it (the newest last): after a
        # run the browser echoes earlier positions late, and each is our doing, not the user's.
        self._placed: dict[Any, list[Any]] = {}
        self.settle()

    @property
    def pair(self) -> tuple[str, ...]:
        """The parameters on the axes: one name (1-D) or (x, y)."""
        if self.x_choice is None or self.y_choice is None:
            return (self.space.names[0],)
        return self.x_choice.value, self.y_choice.value

    def anchor(self) -> dict[str, Any]:
        """The configuration the slice passes through (the sliders' values; in a conditional
        space only the parameters active there, which include the two on the axes)."""
        return self.space.complete({name: widget.value for name, widget in self.anchors.items()})

    def settle(self, picked: str | None = None, honour_sliders: bool = False) -> None:
        """In a conditional space, make both parameters on the axes active where the slice is
        taken (moving their parents' sliders, or a parameter off an axis; :func:`.settle_pair`),
        say so in :attr:`note`, and show the sliders of the active parameters off the axes.

        The note is set here once, to what it ends up saying (what :meth:`follow` or a user's move
        cleared, unless the settling says something): cleared first and said again, it left the
        page and came back within a redraw, and the maps below moved (audit a444)."""
        if self.space.conditional and self.x_choice is not None and self.y_choice is not None:
            values = {name: widget.value for name, widget in self.anchors.items()}
            choice = settle_pair(self.space, values, self.pair, picked=picked, honour_sliders=honour_sliders)
            self._syncing = True
            try:
                self.x_choice.value, self.y_choice.value = choice.pair
            finally:
                self._syncing = False
            self._place(choice.moves)
            if choice.moves or choice.left:
                self._said = choice.words(self.space)
        self.say(self._said)
        self._show_anchor_widgets()

    def say(self, text: str) -> None:
        """Show ``text`` in :attr:`note` (hidden when empty)."""
        self._said = text
        self.note.value = f"<i>{html.escape(text, quote=False)}</i>" if text else ""
        self.note.layout.display = None if text else "none"

    def follow(self, history: History) -> None:
        """Move the sliders to the best trial of ``history`` (the slice is the best trial's again:
        what was moved before, and said in :attr:`note`, no longer is, from the next :meth:`settle` on)."""
        best = history.best_index()  # as the status line counts: feasible, at the full budget
        if best is None or not np.isfinite(history.losses[best]):  # none yet, or not known at the step shown
            best = int(np.nanargmin(history.losses))
        self._place(self.space.from_unit(history.X[best]))  # an inactive parameter's slider keeps its place
        self._said = ""

    def _on_pair(self, change: Any) -> None:
        if self._syncing:  # settle moving the pair: not the user's choice
            return
        if self.x_choice is not None and self.y_choice is not None and self.x_choice.value == self.y_choice.value:
            # Picking the other axis's parameter swaps the two instead of refusing.
            other = self.y_choice if change["owner"] is self.x_choice else self.x_choice
            other.value = change["old"]
            return
        self._said = ""
        self.settle(picked=change["new"])
        self._redraw()

    def _on_anchor(self, change: Any) -> None:
        placed = self._placed.get(change["owner"], ())
        if self._following or any(within_a_step(change["owner"], change["new"], value) for value in placed):
            # Our own move to the incumbent, or the browser snapping one of our moves to the
            # slider's step and sending it back, perhaps late: not the user's doing.
            return
        self.follow_best.value = False  # the user moved a slider: stop overriding it
        self._placed.pop(change["owner"], None)  # and it is theirs: moving it back is their move too
        self._said = ""
        self.settle(honour_sliders=True)  # a parameter on an axis it deactivates leaves the axes
        self._redraw()

    def _show_anchor_widgets(self) -> None:
        active = self.anchor() if self.space.conditional else self.anchors
        for name, widget in self.anchors.items():
            widget.layout.display = "none" if name in self.pair or name not in active else None

    def _place(self, values: Mapping[str, Any]) -> None:
        """Move sliders to ``values`` (name to value) as the panel's own move, not the user's."""
        self._following = True
        try:
            for name, value in values.items():
                widget = self.anchors[name]
                widget.value = value
                # A selector keeps only the latest: its few choices recur, and choosing an
                # earlier one is the user's move, not an echo.
                kept = self._placed.get(widget, [])[-(PLACED_KEPT - 1):] if is_slider(widget) else []
                self._placed[widget] = [*kept, widget.value]
        finally:
            self._following = False
