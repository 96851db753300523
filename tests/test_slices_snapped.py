"""Slices across a parent are points of the configurations they decode to (audit a428 #2)."""

from __future__ import annotations

import numpy as np

from interactive_hpo import Categorical, Float, Int, SearchSpace

from .model_spaces import MODELS

FOREST = {"model": "forest", "n_estimators": 100, "max_depth": 5, "scale": 0.2}


def assert_snapped(points):
    for x in points.reshape(-1, MODELS.dim):
        np.testing.assert_allclose(x, MODELS.snap(x), rtol=0, atol=1e-12)


def test_a_slice_across_the_parent_switches_children_on_at_their_codes():
    # Before: the svm point held kernel 0.5, which decodes to rbf, whose code is 0.75: a model
    # read it elsewhere than the configuration shown (a GP 0.302 for 0.312, a forest 0.625 for 0.652).
    curve = MODELS.slice1d("model", at=FOREST)
    svm = curve.points[0]
    assert MODELS.from_unit(svm)["kernel"] == "rbf" and svm[MODELS.names.index("kernel")] == 0.75
    assert_snapped(curve.points)
    surface = MODELS.slice2d("scale", "model", at=FOREST, resolution=5)
    assert np.all(surface.points[0, :, MODELS.names.index("kernel")] == 0.75)
    assert_snapped(surface.points)
    # The fixed and varied coordinates are left as they were given: the anchor's, the axis's.
    np.testing.assert_array_equal(surface.points[1, :, 4:7], np.tile(MODELS.to_unit(FOREST)[4:7], (5, 1)))
    np.testing.assert_array_equal(surface.points[2, :, MODELS.names.index("scale")], surface.x_axis.unit)


def test_a_slice_without_conditions_is_the_anchor_with_the_axis_laid_in():
    space = SearchSpace([Float("a", 1e-3, 10.0, log=True), Int("n", 1, 7), Categorical("c", ["x", "y", "z"])])
    at = {"a": 0.37, "n": 3, "c": "z"}
    anchor = space.to_unit(at)
    curve = space.slice1d("a", at=at, resolution=7)
    expected = np.tile(anchor, (7, 1))
    expected[:, 0] = curve.axis.unit
    np.testing.assert_array_equal(curve.points, expected)
    surface = space.slice2d("c", "a", at=at, resolution=4)
    grid = np.tile(anchor, (4, 3, 1))
    grid[:, :, 2], grid[:, :, 0] = surface.x_axis.unit[None, :], surface.y_axis.unit[:, None]
    np.testing.assert_array_equal(surface.points, grid)
