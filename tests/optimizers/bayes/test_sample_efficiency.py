"""Sample efficiency at the optimizer's defaults: clearly ahead of random search, and no
dimension wrongly taken for flat. In a file of their own so the suite's two workers share the
slowest BO tests (``--dist loadfile`` keeps a file on one worker); the benchmark suite
(benchmarks/) is where efficiency is measured against peers."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("botorch")

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives.synthetic import Branin, Hartmann6  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize(("function", "n_trials"), [(Branin, 25), (Hartmann6, 30)], ids=["Branin", "Hartmann6"])
def test_bo_beats_random_search_clearly(function, n_trials):
    objective = function()
    regrets = {}
    for name in ("bo", "random"):
        finals = []
        for seed in range(2):
            study = Study(objective.space, name, seed=seed)
            study.run(objective, n_trials=n_trials)
            finals.append(objective.regret(study.best_value))
        regrets[name] = float(np.mean(finals))
    # Measured over 5 seeds at 40 trials: Branin 0.002 vs 0.92, Hartmann6 0.10 vs 2.0 (mean regret of
    # bo vs random). Ratio of the two seeds' means for seed pairs (0, 1), (2, 3), (4, 5) (2026-12-06):
    # Branin at 25 trials 0.011, 0.0045, 0.0027; Hartmann6 at 30 trials 0.0013, 0.051, 0.0090 (at 40:
    # 0.0029, 0.0027, 0.0007 and 0.0005, 0.041, 0.0006). Two seeds at these budgets keep the margin
    # with room to spare (Hartmann6: 1.8 s of CPU against 3.1 s at 40 trials).
    assert regrets["bo"] < 0.2 * regrets["random"], regrets


@pytest.mark.slow
def test_bo_does_not_exploit_along_a_dimension_it_wrongly_thinks_flat():
    """Branin, seed 6: with BoTorch's dimension-scaled lengthscale prior the GP fitted x0 a
    lengthscale as long as its range and held it at its bound for 40 trials (regret 1.55 after
    50); the Gamma(3, 6) prior keeps lengthscales short enough to look 0.04 inside it."""
    objective = Branin()
    study = Study(objective.space, "bo", seed=6)
    study.run(objective, n_trials=40)
    assert objective.regret(study.best_value) < 0.01
    assert np.mean([trial.params["x0"] == 10.0 for trial in study.trials[-10:]]) < 0.5
