"""benchmarks/bench_ga_repeats.py: its "before" (one try) is the old genetic algorithm, which
repeats configurations, and its default repeats none."""

from __future__ import annotations

from benchmarks import bench_ga_repeats
from interactive_hpo.optimizers.population import base


def test_one_try_repeats_configurations_and_the_default_does_not():
    before = bench_ga_repeats.ga_run("branin", seed=0, trials=64, redraws=1)
    now = bench_ga_repeats.ga_run("branin", seed=0, trials=64, redraws=20)
    assert base.REDRAWS == 20 and base.Configurations.__name__ == "Configurations"  # put back after each run
    assert base.PopulationOptimizer._random_new.__name__ == "_random_new"
    assert before["repeats"] > 0 and now["repeats"] == 0
    assert now["task"] == "branin" and len(now["losses"]) == 64 and now["budgets"] == [1.0] * 64
