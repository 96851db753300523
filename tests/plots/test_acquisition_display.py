"""The acquisition map's colours show where a log-scale acquisition peaks; its readout stays true.

A map of log-EI coloured over the 20 units below its peak was nearly uniform: on notebook 03's
first model-based belief, 83% of the box lay in the top quarter of the scale, and only the star
said where the peak was. Asserted on the image's data and colour limits, not on pixels.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import MouseEvent  # noqa: E402

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.plots.acquisition_display import LOG_WINDOW, acquisition_colours  # noqa: E402
from interactive_hpo.plots.search_axes import drawn_levels  # noqa: E402
from interactive_hpo.plots.surrogate import SurrogateCurve, SurrogateMaps  # noqa: E402
from interactive_hpo.views import SurrogatePrediction  # noqa: E402


@pytest.fixture(scope="module")
def flat_log_ei():
    """Notebook 03's first model-based belief on Branin (4 Sobol trials, seed 0) over a 30 x 30
    grid: its log-EI is nearly flat away from the trials and plunges near them."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("botorch")
    from interactive_hpo import Study
    from interactive_hpo.objectives import Branin

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the same fit on any machine (and no oversubscription)
    try:
        branin = Branin()
        study = Study(branin.space, "bo", seed=0, optimizer_settings={"n_initial": 4})
        study.run(branin, n_trials=4)
        grid = branin.space.slice2d("x0", "x1", resolution=30)
        return grid, study.surrogate().predict(grid.points.reshape(-1, 2))
    finally:
        torch.set_num_threads(threads)


def colour_shares(image):
    """Shares of an image's cells in the bottom quarter, the middle half and the top quarter of
    its colour scale (cells beyond an end count at that end)."""
    colours = np.clip(np.ma.filled(image.norm(image.get_array()), np.nan).ravel(), 0.0, 1.0)
    return np.mean(colours < 0.25), np.mean((colours >= 0.25) & (colours < 0.75)), np.mean(colours >= 0.75)


def test_a_flat_log_ei_map_spreads_over_the_colours_and_reads_true_values(flat_log_ei):
    grid, belief = flat_log_ei
    acquisition = belief.acquisition
    assert belief.acquisition_name == "logei"
    # The fixture is the case at issue: the old 20-unit scale put >= 80% of it in its top quarter.
    assert np.mean(acquisition >= acquisition.max() - 5.0) >= 0.8
    maps = SurrogateMaps().update(grid, belief)
    image = maps.images[2]
    # Spread: less than half the map as bright as the scale's top quarter (the peak stands out),
    # and at least a quarter of it in the middle half (the scale is used, not two colours).
    _, middle, top = colour_shares(image)
    assert top <= 0.5 and middle >= 0.25, (top, middle)
    assert image.get_clim() == pytest.approx((acquisition.max() - math.log(100), acquisition.max()))
    # The colour bar says what the darkest colour holds, with an arrow for the values below it.
    assert maps.colorbars[2].ax.get_xlabel() == "darkest: EI < peak/100" and maps.colorbars[2].extend == "min"
    # The image keeps the true values: the readout under the mouse shows log-EI far below the window.
    np.testing.assert_array_equal(np.asarray(image.get_array()).ravel(), acquisition)
    iy, ix = np.unravel_index(np.argmin(acquisition), grid.shape)
    ax = maps.axes[2]
    ax.figure.canvas.draw()
    x, y = ax.transData.transform((drawn_levels(grid.x_axis)[ix], drawn_levels(grid.y_axis)[iy]))
    under_mouse = image.get_cursor_data(MouseEvent("motion_notify_event", ax.figure.canvas, x, y))
    assert under_mouse == acquisition.min() < acquisition.max() - 20.0


def belief(name, acquisition):
    mean = np.zeros(len(acquisition))
    return SurrogatePrediction(mean, np.ones_like(mean), np.zeros_like(mean), np.asarray(acquisition, float), name)


def test_the_acquisition_colour_bar_follows_the_acquisition_in_place():
    """The Lab's what-if switches acquisitions under the same maps: the window, its arrow and
    its words come and go with the log scale, and nothing is rebuilt."""
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=4)
    log_ei = np.r_[np.linspace(-4.0, -2.0, 12), [-1e5, -300.0, -40.0, -9.0]]
    maps = SurrogateMaps().update(grid, belief("logei", log_ei))
    images, colorbars = list(maps.images), list(maps.colorbars)
    assert maps.images[2].get_clim() == pytest.approx((-2.0 - LOG_WINDOW, -2.0))
    assert maps.colorbars[2].extend == "min" and maps.colorbars[2].ax.get_xlabel() == "darkest: EI < peak/100"
    maps.update(grid, belief("ucb", np.linspace(-1.0, 3.0, 16)))
    assert maps.images == images and maps.colorbars == colorbars
    assert maps.images[2].get_clim() == (-1.0, 3.0) and maps.colorbars[2].extend == "neither"
    assert maps.colorbars[2].ax.get_xlabel() == "higher is better (bright)"
    maps.update(grid, belief("qlognehvi", log_ei))  # "ehvi"'s acquisition is a log too
    assert maps.colorbars[2].extend == "min" and maps.colorbars[2].ax.get_xlabel() == "darkest: EHVI < peak/100"
    plt.close("all")


@pytest.mark.parametrize(("name", "values", "low", "clipped"), [
    ("logei", [-2.0, -3.0, -4.0], -4.0, False),  # all within the window: its own span, no arrow
    ("logcei", [-2.0, -1e5], -2.0 - math.log(100), True),  # constrained log-EI was not windowed at all
    ("qlognei (pending points)", [0.0, -50.0], -math.log(100), True),
    ("ei", [0.0, 1e-9, 2.0], 0.0, False),
    ("mes", [np.nan, 1.0, 3.0], 1.0, False),
])
def test_acquisition_colours(name, values, low, clipped):
    colours = acquisition_colours(name, values)
    assert (colours.low, colours.high, colours.clipped) == (pytest.approx(low), np.nanmax(values), clipped)


def test_the_curve_clips_every_log_scale_acquisition_20_units_below_its_peak():
    """Constrained log-EI (1e5 below its peak near the trials) squashed its curve to a line."""
    axis = SearchSpace([Float("a", 0, 1)]).axis("a", resolution=3)
    curve = SurrogateCurve().update(axis, belief("logcei", [-3.0, -1e5, -10.0]))
    np.testing.assert_allclose(curve.acquisition_line.get_ydata(), [-3.0, -23.0, -10.0])
    plt.close("all")


def test_constrained_log_ei_before_any_feasible_trial_is_named_the_log_probability_of_feasibility():
    """Before any trial is feasible, "logcei" is log P(feasible) alone: its colour bar said
    "feasible EI". Plain data say so (``any_feasible``); the name stays the recorded one."""
    grid = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]).slice2d("a", "b", resolution=4)
    log_pof = np.r_[np.linspace(-3.0, -0.1, 12), [-1e5, -300.0, -40.0, -9.0]]
    maps = SurrogateMaps().update(grid, belief("logcei", log_pof), any_feasible=False)
    assert maps.axes[2].get_title() == "log P(feasible)\n(no feasible trial yet)"
    assert maps.colorbars[2].ax.get_xlabel() == "darkest: P(feasible) < peak/100"
    maps.update(grid, belief("logcei", log_pof))  # a feasible trial now: EI weighted by feasibility
    assert maps.axes[2].get_title() == "logcei"
    assert maps.colorbars[2].ax.get_xlabel() == "darkest: feasible EI < peak/100"
    maps.update(grid, belief("logei", log_pof), any_feasible=False)  # nothing constrained: nothing changes
    assert maps.axes[2].get_title() == "logei" and maps.colorbars[2].ax.get_xlabel() == "darkest: EI < peak/100"
    axis = SearchSpace([Float("a", 0, 1)]).axis("a", resolution=3)
    curve = SurrogateCurve().update(axis, belief("logcei", [-3.0, -1e5, -0.5]), any_feasible=False)
    assert curve.acquisition_ax.get_ylabel() == "log P(feasible)\n(no feasible trial yet)"
    with pytest.raises(ValueError, match="`any_feasible` of SurrogateMaps.update must be"):
        maps.update(grid, belief("logcei", log_pof), any_feasible="no")
    plt.close("all")
