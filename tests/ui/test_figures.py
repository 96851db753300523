"""A LiveFigure lays itself out again when what sizes its margins changes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from interactive_hpo.ui.figures import LiveFigure  # noqa: E402


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

    legend(1)
    figure.redraw()
    legend(6)
    figure.redraw()
    renderer = FigureCanvasAgg(figure.fig).get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y1 <= figure.fig.bbox.height
