"""A live figure whose content is brought up to date only when it is drawn.

A panel whose update is expensive (the Model tab's maps: 1-7 s of qLogNEHVI over their grid for
an "ehvi" Lab of 7-14 trials, audit a470) keeps what it was given and marks itself out of date;
the figure calls it back when it is drawn: when its tab is chosen, at once while it is shown, or
at the end of the cell for a figure without the widget canvas (``figures._draw_hidden_figures``,
so a saved notebook holds the model too). A hidden tab then costs a Step nothing; code that
reads such a panel's artists (:class:`DrawnOnRead`) has them brought up to date first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .figures import LiveFigure

if TYPE_CHECKING:
    from ..plots.surrogate import SurrogateCurve, SurrogateMaps
    from .errors import ErrorLog
    from .map_readout import MapReadout

__all__ = ["DrawnOnRead", "DrawnWhenShown"]


class DrawnWhenShown(LiveFigure):
    """A :class:`LiveFigure` that calls ``catch_up()`` before each render (shown, or drawn at a
    cell's end), never while hidden; ``catch_up`` updates the artists and does nothing when they
    are up to date. Returning False, it says the figure already shows what it would draw: it is
    then not rendered again (the Importance tab's analyses, unchanged since the last draw).
    ``figsize`` and the layout keywords are :class:`LiveFigure`'s. Used by the Model, Pareto,
    Importance and History tabs (DESIGN.md section 4: a hidden tab computes nothing)."""

    def __init__(self, figsize: tuple[float, float], catch_up: Callable[[], bool | None], *,
                 errors: ErrorLog | None = None, **layout: float | None):
        super().__init__(figsize, errors=errors, **layout)
        self._catch_up = catch_up

    def redraw(self) -> None:
        if self.shown and self._catch_up() is False:
            self.stale = False  # the canvas already shows this
            return
        super().redraw()


class DrawnOnRead:
    """The Model panel's artists as code reads them (``lab.surrogate_panel.maps`` while another
    tab is chosen): computed first if they are out of date (``_draw`` does nothing otherwise), so
    what is read is what the tab would show."""

    _curve: SurrogateCurve | None
    _maps: SurrogateMaps | None
    _readout: MapReadout | None
    _due: bool  # what the panel's last update gave is not drawn yet
    _compute: Callable[[], None]  # the panel's: computes and draws what its last update gave

    def _draw(self) -> None:
        """Compute and draw what the panel's last update gave, unless it is drawn already. Marked
        drawn first, so that what the computation reads of the panel (a property) does not start it
        again; a computation that fails stays due, and the next show or read tries again (it was
        marked drawn, and a second read returned the last step's maps without a word: review r476)."""
        if not self._due:
            return
        self._due = False
        try:
            self._compute()
        except BaseException:
            self._due = True
            raise

    @property
    def curve(self) -> SurrogateCurve | None:
        """The 1-D figure's artists (a one-parameter space), up to date."""
        self._draw()
        return self._curve

    @property
    def maps(self) -> SurrogateMaps | None:
        """The heatmaps' artists (two or more parameters), up to date."""
        self._draw()
        return self._maps

    @property
    def readout(self) -> MapReadout | None:
        """The values under the mouse on the maps (None for the 1-D curve), read from the maps up to date."""
        self._draw()
        return self._readout
