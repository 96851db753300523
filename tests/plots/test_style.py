"""The projector style every tutorial applies in its first cell (issue 26, item 9)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.plots import PROJECTOR, plot_best_so_far, plot_parallel_coordinates, projector_style  # noqa: E402


def test_figures_drawn_in_the_style_read_from_the_back_of_the_room():
    values = 0.10501 + 1e-5 * np.arange(6.0)
    with projector_style():
        fig, ax = plt.subplots()
        ax.plot(values, label="a line")
        ax.legend()
        fig.canvas.draw()
        sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
        offset = ax.yaxis.get_offset_text().get_text()
    plt.close(fig)
    assert min(sizes) >= 9.0 and offset == ""  # no "1e-5+1.05e-1" above the axis
    assert matplotlib.rcParams["font.size"] != PROJECTOR["font.size"]  # only inside the block


def test_the_library_plots_use_no_text_below_9_pt_in_the_style():
    space = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])
    study = Study(space, "random", seed=0)
    study.run(lambda p: p["a"] + p["b"], n_trials=8, progress=False)
    levels = [space.slice1d(name).axis for name in space.names]
    with projector_style():
        for ax in (plot_best_so_far(study.history()), plot_parallel_coordinates(study.history(), levels)):
            ax.figure.canvas.draw()
            sizes = [t.get_fontsize() for t in ax.figure.findobj(matplotlib.text.Text) if t.get_text()]
            plt.close(ax.figure)
            assert min(sizes) >= 9.0
