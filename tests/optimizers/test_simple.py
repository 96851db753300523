"""Grid, random and Sobol search: what each promises beyond the shared contract."""

from __future__ import annotations

import numpy as np
import pytest
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


@pytest.mark.parametrize("space", [SearchSpace([Float("x", 0, 1), Categorical("c", ["a", "b"])]),
                                   SearchSpace([Int("x", 0, 3)])], ids=["continuous", "finite"])
def test_sobol_skips_the_point_a_configuration_evaluated_elsewhere_took_and_a_replay_skips_it_too(tmp_path, space):
    # Before, a configuration added by hand (or imported) was proposed again when the sequence reached it.
    # On a finite space the sequence repeats configurations: the replay skips point 1 only (as the
    # study did), not a later point that decodes to the same configuration.
    fresh = Study(space, "sobol", seed=0)
    fresh.run(lambda p: p["x"], n_trials=4)
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=0, storage=path)
    study.run(lambda p: p["x"], n_trials=1)
    study.add_manual(fresh.trials[1].params, 0.5)
    study.run(lambda p: p["x"], n_trials=2)
    assert [t.params for t in study.trials] == [t.params for t in fresh.trials]
    assert [t.user_attrs.get("sobol_index") for t in study.trials] == [0, None, 2, 3]
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    resumed = Study.load(copy)  # the journal's replay skips point 1 again: no repeat, nothing skipped twice
    study.run(lambda p: p["x"], n_trials=8)
    resumed.run(lambda p: p["x"], n_trials=8)
    assert [t.params for t in resumed.trials] == [t.params for t in study.trials]
    assert [t.user_attrs.get("sobol_index") for t in resumed.trials[4:]] == list(range(4, 12))


def test_sobol_skips_a_point_for_each_trial_from_elsewhere_at_most_so_a_finite_space_goes_on():
    space = SearchSpace([Int("n", 1, 2)])
    study = Study(space, "sobol", seed=0)
    study.add_manual({"n": 1}, 1.0)
    study.add_manual({"n": 2}, 2.0)
    study.run(lambda p: p["n"], n_trials=4)  # both taken: the sequence goes on, repeating them
    indices = [t.user_attrs["sobol_index"] for t in study.trials[2:]]
    assert indices == list(range(indices[0], indices[0] + 4)) and indices[0] <= 2


def test_sobol_reloaded_while_a_trial_runs_asks_past_the_position_it_records(tmp_path):
    # Before, a reload counted the running trial as one point of the sequence (point 0), while it
    # took point 1 (point 0 was skipped for the manual trial): it asked point 1 again.
    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["u", "v"])])
    first = Study(space, "sobol", seed=1).ask().params
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=1, storage=path)
    study.add_manual(first, 1.0)
    running = study.ask()
    assert running.user_attrs["sobol_index"] == 1
    reloaded = Study.load(path)  # as another process opens it: the trial runs on here
    assert [t.state.name for t in reloaded.trials] == ["COMPLETE", "RUNNING"]
    assert reloaded.ask().user_attrs["sobol_index"] == 2


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1)])
def test_sobol_trials_running_across_a_switch_replay_as_the_live_study_asked(tmp_path, order):
    # Before, the new sequence's next point depended on the order the trials finished in (a
    # replay tells them in finishing order, the live study as they came), and a trial of the old
    # sequence took the place of the new one's trial at the same configuration: seed 22 asked
    # point 3 live and point 2 from the journal.
    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["u", "v", "w"])])
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=22, storage=path)
    trials = [study.ask(), study.ask()]
    study.switch_optimizer("sobol")
    trials += [study.ask(), study.ask()]
    assert trials[0].params == trials[3].params  # the two sequences meet at one configuration
    for number in order:
        study.tell(trials[number], 0.5)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    # Two trials of the old sequence use up two points of the new one, after its own two.
    assert study.ask().user_attrs["sobol_index"] == Study.load(copy).ask().user_attrs["sobol_index"] == 4
