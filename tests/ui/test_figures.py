"""A LiveFigure lays itself out again when what sizes its margins changes, and without the
widget canvas shows each redraw as one PNG drawn once."""

from __future__ import annotations

import IPython
import IPython.display
import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from interactive_hpo.ui.figures import PANEL_INCHES, LiveFigure  # noqa: E402


def test_a_legend_above_the_axes_that_grows_gets_room():
    """The 1-D model's legend sits above its axes; teaching overlays add rows to it, and the
    layout, kept from before, left the new rows above the figure's top."""
    figure = LiveFigure((4.0, 3.0))
    ax = figure.fig.add_subplot()
    for k in range(6):
        ax.plot([0, 1], [k, k], label=f"line {k}")

    def legend(rows: int) -> None:
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[:rows], labels[:rows], loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=1)

    canvas = FigureCanvasAgg(figure.fig)  # what a front end shows: the figure drawn, laid out as it draws
    legend(1)
    figure.redraw()
    canvas.draw()
    legend(6)
    figure.redraw()
    canvas.draw()
    assert ax.get_legend().get_window_extent(canvas.get_renderer()).y1 <= figure.fig.bbox.height


def test_a_hidden_figure_is_laid_out_when_it_is_drawn():
    """A figure of a tab not selected is not redrawn, so it was not laid out either: drawn or saved
    as it was (the Model tab of a Lab on ZDT2, whose Pareto tab comes first), its maps kept
    matplotlib's default margins and the mean map's colour bar lay on the "x0" label."""
    import numpy as np

    from interactive_hpo import Float, SearchSpace
    from interactive_hpo.plots.surrogate import SurrogateMaps
    from interactive_hpo.views import SurrogatePrediction

    from ..figure_layout import assert_clean_layout

    figure = LiveFigure((PANEL_INCHES, 3.3), w_pad=0.01, wspace=0.0)  # as the Lab's SurrogatePanel builds its maps
    figure.shown = False
    grid = SearchSpace([Float("x0", 0, 1), Float("x1", 0, 1)]).slice2d("x0", "x1", resolution=8)
    maps = SurrogateMaps(figure.fig.subplots(1, 3, sharex=True, sharey=True))
    maps.update(grid, SurrogatePrediction(np.arange(64.0), np.ones(64), np.zeros(64), np.zeros(64), "ei"))
    figure.redraw()
    assert figure.stale
    assert_clean_layout(figure.fig, "the hidden surrogate maps")


def test_a_figure_without_the_widget_canvas_is_shown_as_one_png_drawn_once(monkeypatch):
    """Without ipympl (an inline notebook, nbval) an ipywidgets.Image shows a PNG of the figure
    drawn once, as laid out (display(fig) had IPython save it with a tight box: a layout pass, a
    measuring pass, then the picture), and nothing is displayed: an Output holding the image had
    nbclient send each image back to the kernel, and a reply that came meanwhile went unread, so
    nbconvert hung on notebook 13 (jupyter/nbclient#312)."""
    import ipywidgets

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())  # a front end is there
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **_: shown.extend(objects))
    figure = LiveFigure((3, 2))
    figure.fig.subplots().plot([0, 1], [1, 0])
    draws = []
    figure.fig.canvas.mpl_connect("draw_event", draws.append)
    figure.redraw()
    assert isinstance(figure.widget, ipywidgets.Image) and figure.widget.format == "png" and shown == []
    assert bytes(figure.widget.value).startswith(b"\x89PNG") and len(draws) == 1
    assert figure.widget.layout.width == f"{3 * figure.fig.dpi:g}px"
    first = bytes(figure.widget.value)
    figure.fig.axes[0].lines[0].set_ydata([0, 1])
    figure.redraw()   # the same widget, its image replaced
    assert bytes(figure.widget.value) != first and len(draws) == 2 and shown == []


def test_a_shell_set_for_hidpi_screens_gets_twice_the_pixels_shown_at_the_figure_s_size(monkeypatch):
    """%config InlineBackend.figure_format = "retina" is kept: the PNG has twice the pixels."""
    import functools
    from types import SimpleNamespace

    from IPython.core.pylabtools import retina_figure

    printer = functools.partial(retina_figure, base64=True)  # what IPython registers for "retina"
    formatter = SimpleNamespace(lookup_by_type=lambda _type: printer)
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters={"image/png": formatter}))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    figure = LiveFigure((3, 2))
    figure.fig.subplots().plot([0, 1], [1, 0])
    figure.redraw()
    png = bytes(figure.widget.value)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (6 * figure.fig.dpi, 4 * figure.fig.dpi)
    assert figure.widget.layout.width == f"{width // 2}px"


def _shell(monkeypatch):
    """A front end without the widget canvas (nbconvert, the inline backend): its events, and the
    images each figure shows (figure -> count)."""
    from types import SimpleNamespace

    from IPython.core.events import EventManager, available_events

    from interactive_hpo.ui import figures

    shell = SimpleNamespace()
    shell.events = EventManager(shell, available_events)
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    drawn: dict[object, int] = {}
    real = figures.drawn_png
    monkeypatch.setattr(figures, "drawn_png", lambda fig: drawn.update({fig: drawn.get(fig, 0) + 1}) or real(fig))
    return shell, drawn


def test_a_hidden_figure_without_the_widget_canvas_is_drawn_once_when_the_cell_ends(monkeypatch):
    """Audit a189 #2: hidden figures were never drawn, so a notebook saved by nbconvert (and its
    HTML export) showed the Lab's History tab as an empty plot over 13 trials."""
    shell, drawn = _shell(monkeypatch)
    figure = LiveFigure((3, 2))
    figure.shown = False
    line = figure.fig.subplots().plot([0, 1], [1, 0])[0]
    for y in ([1, 0], [2, 0], [3, 0]):   # a live notebook's Steps: clicks, no cell ends, nothing drawn
        line.set_ydata(y)
        figure.redraw()
    assert drawn == {} and figure.stale
    shell.events.trigger("post_run_cell", None)
    assert drawn == {figure.fig: 1} and not figure.stale and not figure.shown   # drawn, still hidden
    shell.events.trigger("post_run_cell", None)
    figure.shown = True   # up to date: chosen, it is not drawn again
    assert drawn == {figure.fig: 1}
    figure.shown = False
    figure.widget.close()   # its app closed: nothing to show it in
    figure.redraw()
    shell.events.trigger("post_run_cell", None)
    assert drawn == {figure.fig: 1} and shell.events.callbacks["post_run_cell"].count(
        shell.events.callbacks["post_run_cell"][0]) == 1   # registered once


def test_a_hidden_figure_on_the_widget_canvas_waits_for_its_tab(monkeypatch):
    """With ipympl the canvas is the figure (it draws itself when shown): no drawing at cell ends."""
    shell, _ = _shell(monkeypatch)
    figure = LiveFigure((3, 2))
    figure.live = True   # as with ipympl's canvas
    figure.shown = False
    draws = []
    figure.fig.canvas.mpl_connect("draw_event", draws.append)
    figure.redraw()
    shell.events.trigger("post_run_cell", None)
    assert draws == [] and figure.stale


def test_a_lab_saved_without_the_widget_canvas_shows_its_hidden_tabs_as_they_are(monkeypatch):
    """Audit a189 #2, the Lab: its History tab (hidden behind the Model tab) was never drawn. A
    Step (a click, no cell) still draws only the Model tab; the cell's end draws the rest once."""
    from interactive_hpo.objectives import FunctionObjective

    from .lab_helpers import lab_after
    from .test_lab import PLANE, bowl

    shell, drawn = _shell(monkeypatch)
    lab = lab_after(FunctionObjective(bowl, PLANE), PLANE, 5, seed=0, optimizer="random")
    history = [figure.fig for figure in lab.history_panel.figures]
    # Drawn as the Lab was built (the best-so-far plot with no points yet), then hidden and changed.
    assert all(figure.stale for figure in lab.history_panel.figures)
    drawn.clear()
    shell.events.trigger("post_run_cell", None)   # the cell that made the Lab ends
    assert all(drawn.get(fig) == 1 for fig in history) and not any(f.stale for f in lab.history_panel.figures)
    assert len(lab.history_panel.figures[0].fig.axes[0].lines[0].get_xdata()) == 5   # the trials, not empty axes
    drawn.clear()
    lab.step_button.click()
    assert lab.timeline.figure.fig in drawn and not any(fig in drawn for fig in history)   # the Model tab only
    shell.events.trigger("post_run_cell", None)
    assert all(drawn.get(fig) == 1 for fig in history)


def test_a_redraw_failing_when_the_cell_ends_goes_to_the_labs_error_log(monkeypatch, capsys):
    """Review r199: the cell-end redraw runs in no callback of the Lab, so an error there printed
    a traceback under the person's cell (and stopped the other hidden figures being drawn)."""
    from interactive_hpo.objectives import FunctionObjective
    from interactive_hpo.ui import figures

    from .lab_helpers import lab_after
    from .test_lab import PLANE, bowl

    shell, drawn = _shell(monkeypatch)
    lab = lab_after(FunctionObjective(bowl, PLANE), PLANE, 5, seed=0, optimizer="random")
    first = lab.history_panel.figures[0].fig
    real = figures.drawn_png

    def broken(fig):
        if fig is first:
            raise RuntimeError("no room to draw")
        return real(fig)

    monkeypatch.setattr(figures, "drawn_png", broken)
    shell.events.trigger("post_run_cell", None)
    assert [str(error) for error in lab.errors.errors] == ["no room to draw"]
    assert "no room to draw" in lab.errors.widget.value and "no room" not in capsys.readouterr().err
    assert not lab.history_panel.figures[1].stale   # the other figure drawn still


def test_errors_must_be_an_error_log():
    # Review a213: any value was kept, and failed as an AttributeError at some later cell's end.
    from interactive_hpo import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"`errors` of LiveFigure must be an ErrorLog or None; got 'oops'"):
        LiveFigure((3, 2), errors="oops")


def test_the_widget_canvas_shows_neither_header_nor_pointer_readout(backend_kept):
    """ipympl's footer, "(x, y) = (5.50, 3.57)", stayed under the model after a click, even
    after the axes were swapped (audit a315, L4): the panels say what a click did themselves."""
    import matplotlib.pyplot as plt

    pytest.importorskip("ipympl")
    plt.switch_backend("module://ipympl.backend_nbagg")
    figure = LiveFigure((3, 2))
    assert not figure.fig.canvas.header_visible and not figure.fig.canvas.footer_visible
