"""GA, DE, CMA-ES and the multi-fidelity schedulers rank by Deb's feasibility rules: a feasible
trial beats an infeasible one, infeasible ones compare by total violation (NSGA-II's are in
test_nsga2.py). That an unconstrained study ranks as before is the same-seed tests' business."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, SearchSpace, Study
from interactive_hpo.optimizers.feasibility import constrained_order, deb_fitness, feasibility_key
from interactive_hpo.optimizers.multifidelity.rungs import Bracket, Job

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
N = 60


def constrained(params, budget=None):
    """Minimize x + y subject to x >= 0.7: the unconstrained optimum (0, 0) is infeasible."""
    return Evaluation(params["x"] + params["y"], constraints=[0.7 - params["x"]])


def late_feasible_share(name):
    # Small populations: ten generations in 60 trials (at 16, DE's pairwise selection is still
    # crossing into the feasible region from the infeasible side).
    settings = {"population_size": 6} if name in ("ga", "de", "cmaes") else {}
    study = Study(SPACE, name, seed=0, optimizer_settings=settings)
    study.run(constrained, n_trials=N, progress=False)
    return float(np.mean([t.feasible for t in study.trials[N // 2:]]))


@pytest.fixture(scope="module")
def random_share():
    return late_feasible_share("random")  # 0.3 of the box is feasible


@pytest.mark.parametrize("name", ["ga", "de", "cmaes", "halving", "hyperband", "asha"])
def test_the_search_moves_to_the_feasible_region(name, random_share):
    # Before, these ignored the constraints and chased the infeasible optimum: 0.0 for GA, DE
    # and CMA-ES against random's 0.17, and the schedulers, promoting infeasible configurations
    # as readily as any, 0.27-0.4. Now 0.6-0.97.
    share = late_feasible_share(name)
    assert share > random_share + 0.3, (share, random_share)


def test_a_rung_promotes_feasible_first_then_by_violation():
    bracket = Bracket(0, [1.0, 3.0], [4, 2], eta=2)
    for config, loss, violation in ((0, 0.1, 0.5), (1, 0.9, 0.0), (2, 0.2, 0.1), (3, 0.5, 0.0)):
        bracket.finish(Job(config, 0, 0), loss, config, violation)
    assert bracket.ranked(0) == [3, 1, 2, 0]
    assert bracket.decide() == [3, 1]
    # The table says why 0.1 and 0.2 were passed over.
    assert [(row["config"], row["violation"]) for row in bracket.rows() if row["rung"] == 0] == \
        [(0, 0.5), (1, 0.0), (2, 0.1), (3, 0.0)]
    several = Bracket(1, [1.0, 3.0], None, eta=2)
    for config, losses, violation in ((0, (0.0, 0.0), 1.0), (1, (1.0, 2.0), 0.0), (2, (2.0, 1.0), 0.0)):
        several.finish(Job(config, 1, 0), losses, config, violation)
    assert several.ranked(0) == [1, 2, 0]  # the dominating point is infeasible


def test_a_job_without_constraints_is_promoted_after_those_known_to_meet_them():
    # An objective that reports no constraints for x < 0.3 (feasibility unknown there, as the study
    # counts it): its low losses used to count as met (violation 0) and took the promotions.
    def sometimes(params, budget=None):
        x = params["x"]
        return Evaluation(x + params["y"], constraints=None if x < 0.3 else [0.7 - x])

    study = Study(SPACE, "halving", seed=3, optimizer_settings={"min_budget": 1, "max_budget": 3})
    study.run(sometimes, n_trials=3, progress=False)  # the first rung: one of three is promoted
    rung = {row["config"]: row for row in study.optimizer.rung_table() if row["rung"] == 0}
    assert [(np.isnan(row["violation"]), row["loss"] < 1.0) for row in rung.values()] == \
        [(True, True), (False, False), (True, True)]
    assert [row["scheduler"] for row in rung.values()] == ["stop", "promote", "stop"]  # it was config 0


def test_deb_fitness_ranks_as_the_feasibility_key():
    rng = np.random.default_rng(0)
    losses, violations = rng.normal(size=40), np.where(rng.random(40) < 0.5, 0.0, rng.random(40))
    by_key = sorted(range(40), key=lambda i: feasibility_key(losses[i], violations[i]))
    assert np.argsort(deb_fitness(losses, violations), kind="stable").tolist() == by_key
    one = constrained_order(losses[:, None], violations, np.zeros(40, dtype=bool))
    assert [feasibility_key(losses[i], violations[i]) for i in one] == sorted(feasibility_key(*p) for p in
                                                                              zip(losses, violations, strict=True))
