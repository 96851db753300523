"""A figure built once and redrawn in place: the ipympl canvas when it is there, else an image.

DESIGN.md section 4: with the ipympl backend (``%matplotlib widget``) the live canvas sits in the
app's layout, and :meth:`LiveFigure.redraw` renders it and sends the image to the browser at
once; without it (plain nbconvert, the inline backend) the figure is shown as a PNG in an
``ipywidgets.Image`` whose value each redraw replaces, and a figure on a hidden tab is drawn at the
end of the cell that changed it (:func:`_draw_hidden_figures`), so a saved notebook or its HTML
export shows every tab as it is, not empty axes.

Not an ``Output`` holding ``display(Image)``: nbclient (nbconvert, nbval) copies each output an
``Output`` captures back to the kernel as a message on the shell channel, and a kernel's reply
that arrives while that message is sent can go unread, so the run waits forever
(jupyter/nbclient#312). Notebook 13, whose hidden tabs are drawn at the end of each cell, right
before its reply, hung in 3 of 6 runs (audit a350); with the ``Image`` none of 6 did, and the
runner sent the kernel no widget message at all (31 in a run that hung).
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from .._compat import canvas_ready, forget_figure
from .._validation import fail
from ..plots.layout import CachedConstrainedLayout, drawn_png

if TYPE_CHECKING:  # errors.py imports this module (is_plain_click)
    from .errors import ErrorLog

__all__ = ["PANEL_INCHES", "TOOLBAR_INCHES", "LiveFigure", "is_plain_click", "uses_widget_canvas"]

#: The widest figure a Lab's tab shows whole, in inches at ipympl's 100 dpi: at 1280 px with
#: JupyterLab's file browser open the tab's box is 797 px wide and clips (overflow: auto) what is
#: wider behind a scrollbar (measured in Chromium); 760 px leaves room for a vertical scrollbar.
PANEL_INCHES = 7.6

#: The strip above a live figure's axes where ipympl's toolbar appears while the mouse is over it
#: (placed at the top right, horizontal: 32 px tall in Chromium, 3 px from the canvas's edge). On
#: the left, ipympl's default, the toolbar covered the y tick labels and the axis label of every
#: Lab figure exactly while the mouse was over it (audit a444): gamma's ticks while choosing a
#: point to click. Added to the figure's height: the axes keep their size.
TOOLBAR_INCHES = 0.4


def uses_widget_canvas() -> bool:
    """Whether the active matplotlib backend is ipympl's (its canvas is a widget)."""
    import matplotlib

    backend = matplotlib.get_backend().lower()
    return "ipympl" in backend or "widget" in backend


def is_plain_click(event: Any) -> bool:
    """Whether ``event`` is a person choosing something on a figure: a matplotlib
    ``button_press_event`` of the left button, not the second press of a double click, with no
    toolbar tool (pan, zoom) active. A drag to zoom into a heatmap, or a right click, starts with
    a press too: where a click evaluates the objective, those evaluated (and recorded) a trial
    nobody asked for; on the Pareto and Importance panels they selected a point or a bar; and
    they cleared the error shown (:class:`~.errors.ErrorLog` calls a plain click a new action).
    Anything else (a widget, a value change) is not a plain click."""
    from matplotlib.backend_bases import MouseButton, MouseEvent  # ui/ may import matplotlib

    if not isinstance(event, MouseEvent) or event.name != "button_press_event":
        return False
    toolbar = event.canvas.toolbar
    return event.button is MouseButton.LEFT and not event.dblclick and not (toolbar is not None and toolbar.mode)


class LiveFigure:
    """A matplotlib figure and the widget that shows it.

    Parameters
    ----------
    figsize : (float, float)
        Inches, as for ``plt.figure``; the live canvas is :data:`TOOLBAR_INCHES` taller, its
        toolbar's strip above the axes.
    w_pad, h_pad, wspace, hspace : float, optional
        Constrained-layout settings other than matplotlib's defaults (None: the default).
    errors : ErrorLog, optional
        Where an error of a redraw at the end of a cell is shown (the app's): it runs after the
        person's cell, in no callback of the app, and its traceback was printed under that cell.
        None: raised there.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    widget : ipywidgets.DOMWidget
        The ipympl canvas (live) or an ``ipywidgets.Image`` holding the last drawn PNG, at the
        figure's size in pixels at its dpi (twice the pixels for HiDPI screens).
    live : bool
        True when ``widget`` is the canvas: clicks on the figure reach :meth:`on_click` callbacks.
    shown : bool
        Whether the figure is on screen (its app tab selected). A hidden figure is not rendered:
        :meth:`redraw` only notes that it is out of date, and showing it draws it once. In the
        browser each render of a Lab figure costs the kernel about 0.1 s, and the History tab's
        two figures, hidden, were rendered on every Step ahead of the model (issue 25). Without
        the widget canvas a hidden figure out of date is also drawn once when the cell that
        changed it ends (IPython's ``post_run_cell``): the image stays in the saved notebook, and
        the History tab of an HTML export was an empty plot over 13 trials (audit a189). A click
        in a live notebook runs no cell, so Steps still draw the chosen tab only (a figure they
        left out of date is drawn when the next cell ends, unless its tab is chosen first).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> figure = LiveFigure((3, 2))
    >>> figure.live, type(figure.widget).__name__
    (False, 'Image')
    >>> figure.redraw()  # no front end here: nothing to show, nothing raised
    >>> figure.drawn
    False
    >>> figure.shown = False
    >>> figure.redraw()  # hidden: not drawn, only marked out of date
    >>> figure.stale
    True
    >>> figure.shown = True  # drawn now, once
    >>> figure.stale
    False
    """

    def __init__(self, figsize: tuple[float, float], *, w_pad: float | None = None, h_pad: float | None = None,
                 wspace: float | None = None, hspace: float | None = None, errors: ErrorLog | None = None):
        from .errors import ErrorLog  # here: errors.py imports this module

        if errors is not None and not isinstance(errors, ErrorLog):  # else an AttributeError at some cell's end
            raise fail("errors", "LiveFigure", "an ErrorLog or None", errors)
        self.fig, self.widget = _new_figure(figsize)
        self.errors = errors
        self.live = self.widget is self.fig.canvas
        # The live canvas's toolbar fades in over the figure's top right (_new_figure): the
        # figure is that much taller, and the axes are laid out below the strip it covers.
        top = 1.0 - TOOLBAR_INCHES / self.fig.get_figheight() if self.live else 1.0
        self.fig.set_layout_engine(CachedConstrainedLayout(w_pad=w_pad, h_pad=h_pad, wspace=wspace, hspace=hspace,
                                                           rect=(0.0, 0.0, 1.0, top)))
        self._shown = True
        self.stale = False  # True: the artists changed while the figure was hidden
        self._blank: Any = None  # the Text that blank() shows (made when first needed)
        if self.live:
            # pyplot's callback would ask the browser for a redraw each time an artist changes
            # (in interactive mode): the app draws when it has changed everything, in redraw().
            self.fig.stale_callback = None

    @property
    def shown(self) -> bool:
        return self._shown

    @shown.setter
    def shown(self, shown: bool) -> None:
        self._shown = bool(shown)
        if self._shown and self.stale:
            self.redraw()

    def on_click(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(event)`` with each plain click on the figure (:func:`is_plain_click`):
        every press that means "I choose this point" comes here, and no other (a right click, a
        zoom or a pan is the toolbar's, not the app's)."""
        self.fig.canvas.mpl_connect("button_press_event",
                                    lambda event: callback(event) if is_plain_click(event) else None)

    def on_motion(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(event)`` as the mouse moves over the figure (a live canvas only: a
        figure shown as a PNG reports no mouse)."""
        self.fig.canvas.mpl_connect("motion_notify_event", callback)

    def on_leave(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(event)`` when the mouse leaves the figure (a live canvas only)."""
        self.fig.canvas.mpl_connect("figure_leave_event", callback)

    def blank(self, text: str | None) -> None:
        """Show ``text`` where the axes were, the axes hidden, and keep the figure's place (None:
        the axes back, the text gone), from the next :meth:`redraw`. A hidden Axes takes no
        clicks (matplotlib's ``inaxes`` skips it): :meth:`on_click` callbacks get none there."""
        for ax in self.fig.axes:
            ax.set_visible(text is None)
        if text is not None and self._blank is None:
            self._blank = self.fig.text(0.5, 0.5, "", ha="center", va="center", wrap=True, color="0.35",
                                        fontsize="large", parse_math=False)
        if self._blank is not None:
            self._blank.set_text(text or "")
            self._blank.set_visible(text is not None)

    @property
    def drawn(self) -> bool:
        """Whether a :meth:`redraw` now draws the figure: shown, and with a front end to show it
        to (the widget canvas, or a kernel to display its PNG; a plain script or test has none)."""
        from IPython import get_ipython

        return self._shown and (self.live or get_ipython() is not None)

    def redraw(self) -> None:
        """Show the artists' current data (when hidden: once it is shown again, or without the
        widget canvas at the end of the running cell)."""
        from IPython import get_ipython

        if not self._shown:
            self.stale = True
            shell = get_ipython()
            if not self.live and shell is not None:
                _PENDING.add(self)
                if _draw_hidden_figures not in shell.events.callbacks["post_run_cell"]:
                    shell.events.register("post_run_cell", _draw_hidden_figures)
            return
        self.stale = False
        # Laid out by the draw that shows it (the layout engine runs in every draw): with no
        # front end (a script, a test) nothing draws it, and laying it out here cost half a
        # Lab test's time.
        if self.live:
            # Rendered and sent now, not on the browser's request (draw_idle): the image leaves
            # while the app goes on updating its other panels, so the figure drawn first is
            # painted first. With draw_idle every figure waited for the app's whole update and a
            # round trip to the browser (issue 25: the model was painted last).
            canvas = self.fig.canvas
            if canvas_ready(canvas):
                canvas.draw()
            else:  # an image sent before the browser's view has started would never show
                canvas.draw_idle()
            return
        if not self.drawn:  # no front end (a plain script or test): nothing to show it to
            return
        retina = _wants_retina(get_ipython())
        if retina:  # twice the pixels, shown at the figure's size, as IPython draws for HiDPI screens
            buffer = io.BytesIO()
            self.fig.savefig(buffer, format="png", dpi=2 * self.fig.dpi)
            png = buffer.getvalue()
        else:
            # The picture drawn once, as laid out, as the widget canvas would show it (not
            # display(fig): IPython's tight box measures and lays it out again).
            png = drawn_png(self.fig)
        self.widget.value = png


#: Figures without the widget canvas that a redraw found hidden: :func:`_draw_hidden_figures` draws them.
_PENDING: weakref.WeakSet[LiveFigure] = weakref.WeakSet()


def _draw_hidden_figures(result: Any = None) -> None:
    """Draw each figure of :data:`_PENDING` still hidden and out of date, once (IPython's
    ``post_run_cell`` callback, given the cell's ``result``): the image is then in the notebook
    nbconvert saves, where no one can choose a tab to have it drawn. Drawn through
    :meth:`LiveFigure.redraw` as if shown, so that figures whose content is computed when shown
    (the Pareto and Importance tabs) compute it; a closed figure (its app closed) is skipped.
    Each is drawn on its own: one that raises shows its error in its app's error log
    (:attr:`LiveFigure.errors`) and the others are drawn still."""
    for figure in list(_PENDING):
        _PENDING.discard(figure)
        if figure.stale and not figure.shown and figure.widget.comm is not None:
            figure._shown = True
            try:
                (figure.redraw if figure.errors is None else figure.errors.guard(figure.redraw))()
            finally:
                figure._shown = False


def _wants_retina(shell: Any) -> bool:
    """Whether ``shell`` shows figures for HiDPI screens (``%config InlineBackend.figure_format =
    "retina"``): its PNG printer of figures is IPython's ``retina_figure``."""
    from IPython.core.pylabtools import retina_figure
    from matplotlib.figure import Figure

    try:
        printer = shell.display_formatter.formatters["image/png"].lookup_by_type(Figure)
    except (AttributeError, KeyError):  # no formatter for figures: plain PNGs
        return False
    return getattr(printer, "func", None) is retina_figure


def _new_figure(figsize: tuple[float, float]) -> tuple[Any, Any]:
    if uses_widget_canvas():
        import matplotlib.pyplot as plt

        with plt.ioff():  # built now, shown by the layout: not displayed on creation
            fig = plt.figure(figsize=(figsize[0], figsize[1] + TOOLBAR_INCHES), layout="constrained")
        if isinstance(fig.canvas, widgets.DOMWidget):
            fig.canvas.header_visible = False
            # Over the strip LiveFigure leaves empty at the top (TOOLBAR_INCHES), at its right
            # end; the widget as wide as its figure (not the tab), so "right" is the figure's.
            fig.canvas.toolbar_position = "top"
            fig.canvas.layout.align_self = "flex-start"
            # ipympl's "(x, y) = ..." readout stayed under the model after a click, even for axes
            # since swapped; the panels say what a click did themselves.
            fig.canvas.footer_visible = False
            # Let go of pyplot (as ipympl's own non-interactive show() does), or the user's next
            # plt.plot() would draw into this app's figure, which is pyplot's "current" one.
            forget_figure(fig)
            return fig, fig.canvas
        plt.close(fig)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Not registered with pyplot, so an inline backend never shows it a second time by itself.
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)  # LiveFigure.redraw renders it into a PNG
    # Sized in CSS pixels at the figure's dpi: a PNG drawn for HiDPI screens (twice the pixels)
    # shows at the figure's size, as IPython's retina images do.
    width = widgets.Layout(width=f"{round(fig.get_figwidth() * fig.dpi)}px")
    return fig, widgets.Image(format="png", layout=width)
