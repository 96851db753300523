"""Paths that mypy's narrowing made explicit (ui/, plots/ and model_selection/ joined its run)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.plots.population import PopulationPlot  # noqa: E402


@pytest.mark.parametrize("grid", [{"x_axis": None, "y_axis": None}, np.zeros((2, 2))])
def test_the_population_landscape_refuses_what_is_no_grid_and_keeps_its_shading(grid):
    # The shading is drawn only for a SurfaceGrid or a CurveGrid: anything else was read for
    # ``x_axis`` after the old shading was removed (an AttributeError, the figure changed).
    plot = PopulationPlot()
    plot.set_landscape(SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)]).slice2d("a", "b", resolution=2),
                       np.array([[0.4, 0.5], [1.0, 300.0]]))
    shading = plot.landscape
    with pytest.raises(InvalidParameterError, match=r"`grid` of PopulationPlot.set_landscape must be None, a "
                                                    r"SurfaceGrid \(space.slice2d\) or a CurveGrid"):
        plot.set_landscape(grid, np.zeros((2, 2)))
    assert plot.landscape is shading and shading in plot.ax.collections
    plt.close("all")
