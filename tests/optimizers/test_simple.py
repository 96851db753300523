"""Grid, random and Sobol search: what each promises beyond the shared contract."""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from interactive_hpo import Categorical, Float, GridSearch, Int, RandomSearch, SearchSpace, SobolSearch, Study


def test_grid_visits_every_point_once_in_a_seeded_order():
    space = SearchSpace([Float("a", 0, 1), Int("b", 1, 3), Categorical("c", ["x", "y"])])
    study = Study(space, "grid", seed=0, optimizer_settings={"resolution": 4})
    study.run(lambda p: p["a"], n_trials=100)
    seen = [tuple(t.params.values()) for t in study.trials]
    assert len(seen) == 4 * 3 * 2 == len(set(seen))
    assert sorted(seen) == sorted(tuple(p.values()) for p in space.grid(4))
    in_order = Study(space, "grid", seed=0, optimizer_settings={"resolution": 4, "shuffle": False})
    in_order.run(lambda p: p["a"], n_trials=3)
    assert [dict(t.params) for t in in_order.trials] == space.grid(4)[:3]


def test_grid_skips_points_evaluated_by_hand():
    space = SearchSpace([Int("b", 1, 3)])
    study = Study(space, GridSearch(space, seed=0))
    study.add_manual({"b": 2}, 1.0)
    study.run(lambda p: p["b"], n_trials=5)
    assert sorted(t.params["b"] for t in study.trials) == [1, 2, 3]
    assert study.optimizer.exhausted


def test_grid_resolution_per_parameter():
    space = SearchSpace([Float("a", 0, 1), Float("b", 1, 100, log=True)])
    grid = GridSearch(space, resolution={"a": 2, "b": 3}, seed=0)
    assert grid.size == 6


def test_sobol_hands_out_the_scrambled_sequence_in_order():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    optimizer = SobolSearch(space, seed=7)
    asked = np.array([optimizer.ask().x for _ in range(8)])
    expected = qmc.Sobol(2, scramble=True, seed=7).random(8)
    np.testing.assert_allclose(asked, expected)
    # Eight Sobol points cover the square more evenly than eight random ones (lower discrepancy).
    random_points = np.array([RandomSearch(space, seed=s).ask().x for s in range(8)])
    assert qmc.discrepancy(asked) < qmc.discrepancy(random_points)


def test_random_search_is_uniform_over_the_cube():
    space = SearchSpace([Float("a", 0, 1)] + [Float(f"x{i}", 0, 1) for i in range(3)])
    optimizer = RandomSearch(space, seed=0)
    points = np.array([optimizer.ask().x for _ in range(2000)])
    np.testing.assert_allclose(points.mean(axis=0), 0.5, atol=0.03)
    assert np.all(np.abs(np.corrcoef(points.T) - np.eye(4)) < 0.08)
