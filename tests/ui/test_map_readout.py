"""The Model tab's readout: the configuration under the mouse and the maps' values in its cell
(the README promised "the readout under the mouse is the true value", and there was none: the
Lab hid ipympl's "(x, y) = ..." footer, which named positions only; audit a377)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from matplotlib.backend_bases import MouseEvent  # noqa: E402

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.plots.search_axes import cell_edges  # noqa: E402
from interactive_hpo.ui.map_readout import POINT_AT  # noqa: E402

from .lab_helpers import FAST, lab_after, lay_out, quad  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def move(figure, ax, x, y):
    """The mouse moved to (x, y), in data units of ``ax``, as matplotlib reports it from the browser."""
    lay_out(figure)
    px, py = ax.transData.transform((x, y))
    figure.canvas.callbacks.process("motion_notify_event", MouseEvent("motion_notify_event", figure.canvas, px, py))


def test_the_readout_names_the_point_and_the_values_drawn_in_its_cell():
    lab = lab_after(Branin(), Branin().space, 6, seed=0, optimizer_settings=FAST)
    panel = lab.surrogate_panel
    figure, maps = panel.figure.fig, panel.maps
    assert POINT_AT in panel.readout.widget.value and panel.readout.widget in panel.widget.children
    move(figure, maps.axes[2], 3.14, 2.27)
    line = panel.readout.widget.value
    assert line.startswith("<small>x0=3.1") and ", x1=2.2" in line
    # The values of the cell drawn there: each map's image holds its true values.
    grid = panel.space.slice2d("x0", "x1", at=panel.anchor(), resolution=maps.images[0].get_array().shape[0])
    column = np.argmin(np.abs(np.asarray(grid.x_axis.levels) - 3.14))
    row = np.argmin(np.abs(np.asarray(grid.y_axis.levels) - 2.27))
    drawn = [image.get_array().reshape(grid.shape)[row, column] for image in maps.images]
    for name, value in zip(("median", "std (warped units)", "logei"), drawn, strict=True):
        assert f"{name} {value:.4g}" in line, (name, value, line)
    move(figure, panel.figure.fig.axes[-1], 0.5, 0.5)  # a colour bar: not a map
    assert POINT_AT in panel.readout.widget.value
    # From code, a position that is no number is refused as typed (it named SurrogatePanel.params_at).
    with pytest.raises(InvalidParameterError, match=r"`x` of MapReadout.point must be a finite real number"):
        panel.readout.point("a", 2.27)


def test_on_a_categorical_axis_the_readout_names_the_choice_a_click_there_evaluates():
    space = SearchSpace([Float("x", -2.0, 2.0), Categorical("kind", ["a", "b", "c"])])
    lab = lab_after(lambda p: quad(p) + "abc".index(p["kind"]), space, 6, seed=0, optimizer_settings=FAST)
    panel = lab.surrogate_panel
    move(panel.figure.fig, panel.maps.axes[0], 0.5, 1.2)  # choice 1's band
    assert panel.readout.widget.value.startswith("<small>x=0.5, kind=b: median ")  # the warp's: as the map's title


def test_a_curve_of_one_parameter_has_no_readout_its_axes_are_values():
    lab = lab_after(quad, SearchSpace([Float("x", -2.0, 2.0)]), 4, seed=0, optimizer_settings=FAST)
    assert lab.surrogate_panel.readout is None


def test_on_a_conditional_pair_and_an_integer_s_bins_the_readout_reads_the_cell_drawn():
    # Review r396: the cell was the grid level nearest the configuration, read from the grid's
    # first column, where degree is inactive (every row held its fill value: every degree read
    # degree 2's values); and an integer between two levels read the nearer level, not its bin's.
    space = SearchSpace([Categorical("kernel", ["rbf", "poly"]), Int("degree", 2, 5, condition=("kernel", "poly")),
                         Float("C", 1e-2, 1e2, log=True)])

    def objective(p):
        return (np.log10(p["C"]) - 0.5) ** 2 + (0.3 * p["degree"] if p["kernel"] == "poly" else 0.5)

    panel = lab_after(objective, space, 10, seed=0, optimizer_settings=FAST).surrogate_panel
    panel.x_choice.value, panel.y_choice.value = "kernel", "degree"
    drawn = panel.maps.images[0].get_array().reshape(4, 2)  # rows: degree 2 to 5; columns: rbf, poly
    for degree in (2, 3, 4, 5):
        move(panel.figure.fig, panel.maps.axes[0], 1.0, degree)
        assert f"kernel=poly, degree={degree}: median {drawn[degree - 2, 1]:.4g}," in panel.readout.widget.value
    wide = lab_after(lambda p: (p["n"] - 90) ** 2 / 1e4 + p["x"], SearchSpace([Int("n", 0, 200), Float("x", 0, 1)]),
                     8, seed=0, optimizer_settings=FAST).surrogate_panel
    n_axis, x_axis = (wide.space.axis(name, resolution=60) for name in ("n", "x"))
    column, row = (int(np.searchsorted(cell_edges(axis), at) - 1) for axis, at in ((n_axis, 29.0), (x_axis, 0.52)))
    drawn = wide.maps.images[0].get_array().reshape(len(x_axis.levels), len(n_axis.levels))[row, column]
    move(wide.figure.fig, wide.maps.axes[0], 29.0, 0.52)  # 29 lies in the cell of the level after it
    assert f"median {drawn:.4g}," in wide.readout.widget.value
