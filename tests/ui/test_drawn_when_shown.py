"""DrawnWhenShown, the figure the Model, Pareto, Importance and History tabs share: its content
is brought up to date only when it is drawn, and a figure that already shows it is not drawn again."""

from __future__ import annotations

import IPython
import matplotlib

matplotlib.use("Agg")

from interactive_hpo.ui.drawn_when_shown import DrawnWhenShown  # noqa: E402


def test_a_hidden_figure_catches_up_once_when_shown():
    """A hidden tab computes nothing (DESIGN.md section 4): each redraw only marks it out of
    date, and showing it calls ``catch_up`` once."""
    calls = []
    figure = DrawnWhenShown((3, 2), lambda: calls.append("caught up"))
    figure.shown = False
    figure.redraw()
    figure.redraw()
    assert calls == [] and figure.stale
    figure.shown = True
    assert calls == ["caught up"] and not figure.stale
    figure.redraw()  # shown: at once
    assert len(calls) == 2


def test_a_figure_that_shows_its_content_already_is_not_drawn_again(monkeypatch):
    """``catch_up`` returning False (the Importance tab's analyses unchanged) means the canvas
    shows what it would draw: no render (about 0.1 s of the kernel's each in the browser)."""
    changed = [True]
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())  # a front end is there: redraw renders
    figure = DrawnWhenShown((3, 2), lambda: changed[0], w_pad=0.01)
    figure.fig.subplots().plot([0, 1], [1, 0])
    draws = []
    figure.fig.canvas.mpl_connect("draw_event", draws.append)
    figure.redraw()
    assert len(draws) == 1
    changed[0] = False
    figure.redraw()
    assert len(draws) == 1 and not figure.stale
