"""The Model tab's maps of a GP fitted on warped values: the mean in the objective's units and
the std in the GP's own (``WARPED_STD``), both from one evaluation of the posterior."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("botorch")
pytest.importorskip("ipywidgets")

from interactive_hpo.plots.surrogate_maps import WARPED_STD  # noqa: E402
from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.surrogate_panel import MAP_RESOLUTION, SurrogatePanel  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_a_warped_gps_maps_are_drawn_from_one_posterior_evaluation(warped_gp_study, counted_warped_view):
    view = counted_warped_view
    panel = SurrogatePanel(warped_gp_study.space, ErrorLog())
    panel.update(view, warped_gp_study.history())
    assert view._predictor.calls == 1  # the std in the GP's units came with the mean, not from a second predict
    points = warped_gp_study.space.slice2d(*panel.pair, at=panel.anchor(), resolution=MAP_RESOLUTION).points
    mean, std = (image.get_array().ravel() for image in panel.maps.images[:2])
    np.testing.assert_array_equal(mean, view.predict(points.reshape(-1, 2)).mean)
    np.testing.assert_array_equal(std, view.model_units().predict(points.reshape(-1, 2)).std)
    assert panel.maps.colorbars[1].ax.get_xlabel() == WARPED_STD
