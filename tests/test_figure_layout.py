"""The layout checker the figure tests use (``tests/figure_layout.py``) catches what it claims."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from .figure_layout import layout_problems  # noqa: E402


def test_an_inset_whose_tick_labels_cross_its_panels_frame_is_a_problem():
    # Notebook 04's inset: low in its panel, its x tick labels sat on the panel's bottom spine,
    # 2 px from the panel's own (audit a378); the checker saw no overlap.
    fig = Figure(figsize=(4, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.set(xlim=(0, 3), ylim=(0, 3))
    inset = ax.inset_axes([0.3, 0.04, 0.5, 0.5])
    inset.set(xlim=(-4.5, -2.5), ylim=(0, 1))
    inset.tick_params(labelsize="x-small")
    assert any("of an inset crosses the frame of its panel" in problem for problem in layout_problems(fig))
    inset.tick_params(labelbottom=False, labeltop=True)  # notebook 04's mend: the labels inside the panel
    assert layout_problems(fig) == []
