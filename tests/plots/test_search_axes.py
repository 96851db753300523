"""The mouse readout of a search-space axis names the value a click there evaluates."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace  # noqa: E402
from interactive_hpo.plots.search_axes import axis_to_unit, style_axis  # noqa: E402

SPACE = SearchSpace([Categorical("kernel", ["linear", "rbf", "poly"]), Int("n", 1, 9), Int("m", 1, 100, log=True),
                     Float("C", 1e-3, 1e3, log=True)])


def clicked(name, position):
    """What a click at ``position`` on ``name``'s axis evaluates (as SurrogatePanel.params_at decodes it)."""
    return SPACE[name].from_unit(axis_to_unit(SPACE.axis(name), position))


@pytest.mark.parametrize(("name", "positions"), [
    ("kernel", [-0.4, 0.2, 0.5, 0.9, 1.3, 1.5, 2.4]),  # off the ticks, on a boundary, in the margin
    ("n", [0.6, 3.3, 3.5, 6.7, 9.4]),
    ("m", [1.4, 1.6, 6.7, 22.0, 99.9]),
])
def test_a_discrete_axis_reads_out_the_value_a_click_there_evaluates(name, positions):
    # A categorical axis read '(x, y) = (, 10)' everywhere but exactly on a tick, though a click
    # there evaluated a kernel.
    _, ax = plt.subplots()
    style_axis(ax, SPACE.axis("C"), "y")
    for which in ("x", "y"):
        style_axis(ax, SPACE.axis(name), which)
        for position in positions:
            expected = str(clicked(name, position))
            at = (position, 10.0) if which == "x" else (10.0, position)
            shown = ax.format_coord(*at).removeprefix("(x, y) = (").removesuffix(")").split(", ")
            assert shown[0 if which == "x" else 1] == expected
        style_axis(ax, SPACE.axis("C"), which)  # a float afterwards reads its own number again
        assert "linear" not in ax.format_coord(0.4, 0.4) and "0.4" in ax.format_coord(0.4, 0.4)
