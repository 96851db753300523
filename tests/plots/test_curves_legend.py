"""The learning curves' legend: a band above the Axes, over none of the curves (audit a418:
``loc="best"`` put it over a stopped configuration's point in the Lab's multi-fidelity panel)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from interactive_hpo.plots import plot_learning_curves
from interactive_hpo.study.curves import Curve


@pytest.mark.parametrize("full_step", [None, 1.0], ids=["steps", "budgets"])
def test_the_legend_is_above_the_axes_and_on_the_figure(full_step):
    # Points spread over the whole height at each of three budgets: no corner inside is free.
    budgets = np.array([1 / 9, 1 / 3, 1.0])
    curves = [Curve(k, budgets[:1 + k % 3], np.linspace(0.0, 1.0, 12)[k] + np.zeros(1 + k % 3),
                    "COMPLETE", np.zeros(1 + k % 3)) for k in range(12)]
    ax = plot_learning_curves(curves, Figure(figsize=(4.5, 3.4), layout="constrained").add_subplot(),
                              full_step=full_step, xscale="log", stopped_keys=[0, 3])
    ax.figure.draw_without_rendering()  # laid out (a bare Figure's canvas draws nothing)
    box, inside = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert box.y0 >= inside.y1 - 1 and ax.figure.bbox.contains(box.x0, box.y1 - 1)
    points = np.concatenate([line.get_xydata() for line in ax.lines])
    pixels = ax.transData.transform(points[np.isfinite(points).all(axis=1)])
    assert not any(box.contains(*pixel) for pixel in pixels)
