"""Figures laid out once and drawn many times (``plots/layout.py``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from interactive_hpo.plots.layout import CachedConstrainedLayout  # noqa: E402

from ..figure_layout import layout_problems  # noqa: E402


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
    ax.set_ylim(0, 1.2)  # tick labels as wide ("0.0" to "1.2"): the same margins
    fig.canvas.draw()
    assert len(layouts) == 1
    ax.set_ylabel("best loss so far")
    fig.canvas.draw()
    assert len(layouts) == 2
    build("best loss so far")  # cleared and built again, looking like the last: new axes all the same
    fig.canvas.draw()
    assert len(layouts) == 3


def test_tick_labels_grown_wider_are_laid_out_again_and_the_y_label_stays_on_the_figure(monkeypatch):
    """Notebook 01's timeline cut "best so far" off at the figure's left edge once its ticks read
    0.9700 instead of 0.1 (the key was the limits' order of magnitude, the same for both)."""
    fig = Figure(figsize=(6, 2.6), dpi=100)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(xlabel="trial", ylabel="best so far", xlim=(0, 8), ylim=(0.1, 0.5))
    fig.canvas.draw()
    ax.set_ylim(0.9725, 0.9889)
    fig.canvas.draw()
    assert ax.yaxis.label.get_window_extent().x0 > 0
    assert layout_problems(fig) == []
    layouts = []
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: layouts.append(fig))
    ax.set_ylim(0.9726, 0.9888)   # other limits, the same tick labels: not laid out again
    fig.canvas.draw()
    assert layouts == []


def test_a_legend_beside_the_axes_is_laid_out_again_only_when_it_reaches_further(monkeypatch):
    """The Lab's population legend, beside its Axes, lost "unasked" at each generation's last
    trial and had it back at the next's first, and the title counted generations: each change
    laid the panel out again for the same margins. A legend inside its Axes sizes none."""
    layouts = []
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: layouts.append(fig))
    fig = Figure(figsize=(6, 3), dpi=100)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    ax, inside = fig.subplots(1, 2)
    lines = {label: ax.plot([0, 1], [0, k], label=label)[0]
             for k, label in enumerate(["told", "unasked", "true objective (darker: better)"])}
    kept = inside.plot([0, 1], [0, 1], label="individual")[0], inside.plot([0, 1], [1, 0], label="best")[0]

    def draw(generation, labels, inside_entries):
        ax.set_title(f"generation {generation}")
        ax.legend([lines[label] for label in labels], labels, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        inside.legend(kept[:inside_entries], [str(line.get_label()) for line in kept[:inside_entries]],
                      loc="upper right")
        fig.canvas.draw()

    for generation in range(1, 4):
        draw(generation, ["told", "unasked", "true objective (darker: better)"], 1 + generation % 2)
        draw(generation, ["told", "true objective (darker: better)"], 2 - generation % 2)
    assert len(layouts) == 1
    draw(4, ["told", "unasked"], 2)  # its widest entry gone: it reaches less far to the right
    assert len(layouts) == 2
    ax.set_title("generation 4\n2 members left off")  # a line more: it reaches higher
    fig.canvas.draw()
    assert len(layouts) == 3


def test_tick_labels_a_little_shorter_keep_the_layout_and_a_figure_is_not_laid_out_twice(monkeypatch):
    """A slider move on the Model tab alternated its colour bars' labels between "0.2" and "0.25"
    widths, and each alternation laid the figure out again (0.07 s of a move's 0.14-0.2 s)."""
    fig = Figure(figsize=(4, 3), dpi=100)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(ylabel="std", ylim=(0, 1))
    layouts = []
    laid_out = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute",
                        lambda self, fig: (layouts.append(fig), laid_out(self, fig)))

    def draw(high):
        ax.set_ylim(0, high)
        fig.canvas.draw()
        return max(len(t.get_text()) for t in ax.get_yticklabels() if 0 <= t.get_position()[1] <= high)

    assert draw(0.6) == 3 and len(layouts) == 1  # "0.1"
    fig.canvas.draw()
    assert len(layouts) == 1  # keyed as laid out, so the second draw is no layout
    assert draw(0.3) == 4 and len(layouts) == 2  # "0.05": longer, laid out again
    for _ in range(3):
        draw(0.6), draw(0.3)  # a character shorter, then as long as laid out for: kept
    assert len(layouts) == 2
    assert draw(0.00125) == 6 and len(layouts) == 3  # "0.0002": longer again
    assert draw(12.5) == 2 and len(layouts) == 4  # "10": more than NARROWER_KEPT shorter, laid out for them
    assert layout_problems(fig) == []


def test_axes_hidden_then_shown_again_keep_room_for_their_labels():
    """The Lab's model figure is blanked, its Axes hidden, at a step without a model (r452): laid
    out while blank, the maps came back with their tick labels off the figure's edge, and the
    cached layout kept them there through the Steps after."""
    fig = Figure(figsize=(7.6, 3.3), dpi=100)
    fig.set_layout_engine(CachedConstrainedLayout())
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 3, sharey=True)
    for ax in axes:
        ax.set(xlabel="x0", ylabel="x1", title="median", xlim=(-5, 10), ylim=(0, 15))
    for shown in (False, True):  # laid out first while blank, as a Lab switched before its first draw
        for ax in axes:
            ax.set_visible(shown)
        fig.canvas.draw()
    assert layout_problems(fig) == []
    for shown in (False, True):  # and blanked after a layout with the maps: theirs is kept
        for ax in axes:
            ax.set_visible(shown)
        fig.canvas.draw()
    assert layout_problems(fig) == []
