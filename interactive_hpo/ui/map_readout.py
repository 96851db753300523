"""The values under the mouse on the Model tab's maps: a line under them, as a person points.

The maps' colours are not their values: the mean's far-out region shares its darkest colour,
log-EI's colours span only the 4.6 units below its peak, and a categorical or integer axis has
bands, not points. ipympl's own readout, "(x, y) = ...", gave positions only, and stayed after
a click for axes since swapped (the Lab hides it). :class:`MapReadout` names what a click there
would evaluate (the configuration of :meth:`SurrogatePanel.params_at
<interactive_hpo.ui.surrogate_panel.SurrogatePanel.params_at>`, its integers and choices at
their values) and the maps' three values in the cell under the mouse, as drawn.

When the maps are redrawn (a click's trial, a Step, time travel, another pair), the line is read
again where the pointer last rested, if that is still over a map: it kept the old maps' numbers
under new ones (audit a418). Without maps (a step without a model: the figure is blank) the line
is empty, its height kept. Only a live canvas (ipympl) reports the mouse; a figure shown as a
PNG has no readout.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validation import check_real
from ..plots.search_axes import cell_edges
from ..space import SearchSpace
from ..views import SurfaceGrid, SurrogatePrediction
from .labels import ONE_LINE
from .status import params_text

__all__ = ["MapReadout", "POINT_AT"]

#: The readout's line while the mouse is off the maps (empty while there are none): it keeps its
#: height, so nothing below moves as the mouse comes and goes, or a step without a model is shown.
POINT_AT = "Point at a map to read its values there."


class MapReadout:
    """A line that names the configuration under the mouse and the maps' values there.

    Attributes
    ----------
    widget : ipywidgets.HTML
        The line (:data:`POINT_AT` while the mouse is off the maps, empty while none is drawn).
    """

    def __init__(self, space: SearchSpace, params_at: Callable[[Mapping[str, float]], dict[str, Any]]):
        self.space, self._params_at = space, params_at
        self.widget = widgets.HTML(f"<small>{POINT_AT}</small>", layout=widgets.Layout(min_height=ONE_LINE))
        self.widget.add_class("ihpo-readout")
        # What :meth:`show` was given last: (grid, prediction, pair, axes, names).
        self._shown: tuple[SurfaceGrid, SurrogatePrediction, tuple[str, str], Sequence[Any], Sequence[str]] | None \
            = None
        # Where the pointer last rested over a map, in display pixels (None: off the maps): the
        # same place on the new axes after a redraw, whatever their units now.
        self._pointer: tuple[float, float] | None = None

    def show(self, grid: SurfaceGrid, prediction: SurrogatePrediction, pair: tuple[str, str], axes: Sequence[Any],
             names: Sequence[str]) -> None:
        """Read from these maps from now on: ``prediction`` over ``grid`` (m = ny * nx values, as
        drawn), the parameters ``pair`` on the x and y axes of the map ``axes``, whose values are
        called ``names`` (the maps' titles: "mean", "std", the acquisition's name). Called once
        the maps are drawn (their axes' limits are read): the line is read there again."""
        self._shown = (grid, prediction, pair, axes, names)
        self._read()

    def clear(self) -> None:
        """No maps any more (no model): the line is empty until :meth:`show` is called again (it
        said "Point at a map" under a blank figure)."""
        self._shown = None
        self._read()

    def point(self, x: float, y: float) -> str:
        """The line for the mouse at ``(x, y)`` on a map's axes (a categorical's choice index, a
        number's value; past the maps' edge: the edge, as a click in their margin): the
        configuration a click there evaluates and the three values in its cell; "" when no maps
        are shown."""
        x, y = check_real(x, "x", "MapReadout.point"), check_real(y, "y", "MapReadout.point")  # named where typed
        if self._shown is None:
            return ""
        grid, prediction, pair, _, names = self._shown
        params = self._params_at(dict(zip(pair, (x, y), strict=True)))
        # The cell drawn under the mouse, found as it was drawn (cell_edges): the grid's points
        # hold an inactive parameter's fill value (a conditional pair read another row), and an
        # integer between two levels lies in the cell its bins give it, not the nearer level's.
        column, row = (int(np.clip(np.searchsorted(cell_edges(axis), at, side="right") - 1, 0, len(axis.levels) - 1))
                       for axis, at in ((grid.x_axis, x), (grid.y_axis, y)))
        cell = row * grid.shape[1] + column
        values = (prediction.mean[cell], prediction.std[cell], prediction.acquisition[cell])
        read = ", ".join(f"{name} {value:.4g}" for name, value in zip(names, values, strict=True))
        return f"{params_text({name: params[name] for name in pair if name in params})}: {read}"

    def on_motion(self, event: Any) -> None:
        """A mouse move on the figure: the line for the point under it, or :data:`POINT_AT` off the maps."""
        shown = self._shown
        inside = shown is not None and event.inaxes in shown[3] and event.xdata is not None
        # From the data position: event.x and event.y are whole pixels, a cell's width off at an edge.
        self._pointer = tuple(event.inaxes.transData.transform((event.xdata, event.ydata))) if inside else None
        self._read()

    def on_leave(self, event: Any) -> None:
        """The mouse left the figure (to click Step, say): the line is :data:`POINT_AT`, and a redraw
        no longer reads the maps where it last was (review r424)."""
        self._pointer = None
        self._read()

    def _read(self) -> None:
        """The line for the maps shown at the pointer's last place, if a map is still under it."""
        text = POINT_AT if self._shown is not None else "\u00a0"  # a space: the line as tall as one of text
        if self._pointer is not None and self._shown is not None:
            under = [ax for ax in self._shown[3] if ax.bbox.contains(*self._pointer)]
            if under:
                x, y = under[0].transData.inverted().transform(self._pointer)
                text = self.point(x, y) or POINT_AT
        self.widget.value = f"<small>{html.escape(text)}</small>"
