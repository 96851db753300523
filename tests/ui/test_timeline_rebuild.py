"""The timeline draws new curves on the same Axes: never cleared, yet drawn as on fresh ones.

``ax.clear()`` at each travel, fork or branch switch cost about 22 ms (matplotlib rebuilds the
ticks, spines and formatters), 13 of the 19 s the timeline spent in tests/ui (h455).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.timeline_panel import TimelinePanel  # noqa: E402

NAN = np.nan
#: update()'s arguments (curves, current, n_trials, step, ylabel) in an order that moves every
#: state a clear used to reset: values arriving and leaving (the empty plot fixes x), past steps,
#: a branch more (colours), dots, another ylabel, a scale far from the last one, no curve at all.
STATES = [
    ({"main": np.array([])}, "main", 0, None, "best so far"),
    ({"main": np.array([NAN, NAN])}, "main", 2, None, "best so far"),
    ({"main": np.array([NAN, NAN, 3.0, 2.0])}, "main", 4, None, "best so far"),
    ({"main": np.array([NAN, NAN, 3.0, 2.0, 1.5])}, "main", 5, 3, "best so far"),
    ({"main": np.array([3.0, 2.0, 1.0]), "one": np.array([0.5]), "late": np.array([NAN, NAN, 4.0])}, "main", 3, 2,
     "best so far"),
    ({"main": np.array([3.0, 2.0, 2.0, 0.5, 0.5])}, "main", 5, 0, "best so far"),
    ({"main": np.array([NAN])}, "main", 1, None, "hypervolume"),
    ({"main": np.array([1e6, 2e5, 1e5, 1e5]), "b": np.array([3e5, 2e5])}, "b", 2, 1, "hypervolume"),
    ({"main": np.array([])}, "main", 0, None, "best so far"),
    ({"main": np.array([0.1, 0.2, 0.3])}, "main", 3, None, "best so far"),
]


def _values(data):
    """``data`` as a list, NaN as None (NaN equals nothing, not even NaN)."""
    return [None if np.isnan(value) else value for value in np.asarray(data, dtype=float).tolist()]


def drawing(panel):
    """What ``panel``'s Axes show: each line's data and style, the limits, the legend, the labels,
    the empty-curve note, whether the y ticks are labelled, the x ticks."""
    ax = panel.ax
    lines = [(line.get_label(), _values(line.get_xdata()), _values(line.get_ydata()), line.get_color(),
              line.get_alpha(), line.get_linewidth(), line.get_linestyle(), line.get_marker()) for line in ax.lines]
    legend = ax.get_legend()
    return {"lines": lines, "xlim": ax.get_xlim(), "ylim": ax.get_ylim(),
            "auto": (ax.get_autoscalex_on(), ax.get_autoscaley_on()),
            "legend": None if legend is None else ([t.get_text() for t in legend.get_texts()], legend._loc),
            "labels": (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()),
            "texts": [t.get_text() for t in ax.texts if t.get_text()],
            "ylabelled": ax.yaxis.get_major_ticks()[0].label1.get_visible(),
            "xticks": ax.get_xticks().tolist()}


def test_the_curves_are_redrawn_on_the_same_axes_as_on_fresh_ones(monkeypatch):
    cleared = []
    original = Axes.clear
    monkeypatch.setattr(Axes, "clear", lambda ax: (cleared.append(ax), original(ax))[1])
    panel = TimelinePanel(ErrorLog())
    locator, spine = panel.ax.xaxis.get_major_locator(), panel.ax.spines["left"]
    cleared.clear()  # new Axes clear themselves once, as they are made
    for curves, current, n_trials, step, ylabel in STATES:
        panel.update(curves, current, n_trials, step=step, ylabel=ylabel)
        fresh = TimelinePanel(ErrorLog())  # what a cleared Axes drew for this state
        fresh.update(curves, current, n_trials, step=step, ylabel=ylabel)
        assert drawing(panel) == drawing(fresh), (curves, step)
        panel.figure.fig.canvas.draw()  # drawing lays out and autoscales: the next update starts from that
    assert panel.ax not in cleared
    assert panel.ax.xaxis.get_major_locator() is locator and panel.ax.spines["left"] is spine
    # Only the panel's own artists are there: no line, legend or note of an earlier state left behind.
    assert len(panel.ax.lines) == 1 and len(panel.ax.texts) == 1 and len(panel.ax.get_children()) == \
        len(fresh.ax.get_children())
