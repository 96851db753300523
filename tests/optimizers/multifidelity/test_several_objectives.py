"""Schedulers in a study of several objectives (issue 27, item 3): a rung's best are those first
in NSGA-II's order, Pareto front then crowding distance, and BOHB-style sampling models each
budget with ParEGO."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.optimizers.multifidelity.rungs import Bracket, Job
from interactive_hpo.pareto import nondominated_sort

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def two_bowls(params, budget=None):
    """Two objectives pulling x apart; a low budget blurs both the same way."""
    blur = 0.0 if budget is None else 0.02 / budget
    return (params["x"] ** 2 + params["y"] + blur, (1 - params["x"]) ** 2 + params["y"] + blur)


def test_a_rung_is_ranked_by_front_then_by_crowding():
    bracket = Bracket(0, [1.0, 3.0], [6, 2], 3)
    losses = {0: (1.0, 4.0), 1: (2.0, 2.0), 2: (4.0, 1.0), 3: (3.0, 3.0), 4: (2.5, 2.1), 5: (math.inf, math.inf)}
    for number, (config, loss) in enumerate(losses.items()):
        bracket.finish(Job(config, 0, 0), loss, number)
    # Front 0: configs 0, 1 and 2, its ends (0 and 2) the least crowded; 1 dominates 4 (front 1),
    # and both dominate 3 (front 2); 5 failed and is not ranked.
    assert bracket.ranked(0) == [0, 2, 1, 4, 3]
    assert bracket.decide() == [0, 2]
    assert [row["loss"] for row in bracket.rows()[:2]] == [1.0, 2.0]   # the table shows the first objective


@pytest.mark.parametrize("name", ["halving", "hyperband", "asha"])
def test_each_scheduler_promotes_from_the_front_of_its_rung(name):
    study = Study(SPACE, name, seed=0, directions=["minimize", "minimize"],
                  optimizer_settings={"min_budget": 1 / 9, "max_budget": 1.0})
    study.run(two_bowls, n_trials=20)
    rows = [r for r in study.optimizer.rung_table() if r["bracket"] == 0]
    rung0 = {r["config"]: r for r in rows if r["rung"] == 0 and r["number"] is not None}
    promoted = {r["config"] for r in rows if r["rung"] == 1}
    assert promoted
    losses = {c: study.trials[r["number"]].values for c, r in rung0.items()}
    configs = sorted(losses)
    fronts = dict(zip(configs, nondominated_sort(np.array([losses[c] for c in configs])), strict=True))
    # The front of the rung is promoted first; synchronous halving never promotes a configuration
    # from a worse front than one it leaves behind (ASHA decides on the results in so far).
    assert min(fronts[c] for c in promoted) == 0
    if name != "asha":
        left = set(configs) - promoted
        assert max(fronts[c] for c in promoted) <= min(fronts[c] for c in left)


def test_bohb_style_sampling_models_several_objectives_with_parego():
    pytest.importorskip("botorch")
    from interactive_hpo.optimizers.bayes.parego import ParEGO

    study = Study(SPACE, "hyperband", seed=0, directions=["minimize", "minimize"],
                  optimizer_settings={"min_budget": 1 / 3, "sampler": "bo", "random_fraction": 0.0})
    study.run(two_bowls, n_trials=12)
    models = study.optimizer._models
    assert models and all(isinstance(model, ParEGO) for model in models.values())
    assert len(study.best_trials) >= 1
