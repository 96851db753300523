"""Figures laid out once and drawn many times (``plots/layout.py``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from interactive_hpo.plots.layout import CachedConstrainedLayout  # noqa: E402


def test_a_figure_is_laid_out_again_only_when_its_margins_may_change_or_its_axes_are_new(monkeypatch):
    layouts = []
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: layouts.append(fig))
    fig = Figure()
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)

    def build(ylabel):
        fig.clf()
        ax = fig.subplots()
        ax.set(xlabel="trial", ylabel=ylabel, xlim=(0, 10), ylim=(0, 1))
        return ax

    ax = build("loss")
    fig.canvas.draw()
    ax.set_ylim(0, 2)  # the same order of magnitude: the same margins
    fig.canvas.draw()
    assert len(layouts) == 1
    ax.set_ylabel("best loss so far")
    fig.canvas.draw()
    assert len(layouts) == 2
    build("best loss so far")  # cleared and built again, looking like the last: new axes all the same
    fig.canvas.draw()
    assert len(layouts) == 3
