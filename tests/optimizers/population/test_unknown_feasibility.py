"""Population methods in a constrained study: a trial without constraints (a manual guess) is of
unknown feasibility, as the study counts it (``goals.counts_as_feasible``): it ranks after every
trial whose violation is known and is never the method's best, so it never becomes the elite.
A study without constraints (every violation unknown) ranks by loss as before."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, SearchSpace, Study
from interactive_hpo.optimizers.feasibility import UNKNOWN, constrained_order, deb_fitness, feasibility_key

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
GUESS = {"x": 0.25, "y": 0.0}  # infeasible in truth (x < 0.3), and a loss no feasible point reaches


def sum_below(p):
    """Minimize x + y subject to x >= 0.3."""
    return Evaluation(p["x"] + p["y"], constraints=[0.3 - p["x"]])


def sum_and_gap(p):
    """Two objectives (x, 1 - x + y), subject to x >= 0.3."""
    return Evaluation((p["x"], 1.0 - p["x"] + p["y"]), constraints=[0.3 - p["x"]])


def test_unknown_ranks_after_known_violations_and_by_loss_among_itself():
    ranked = sorted([(0.1, UNKNOWN), (3.0, 0.0), (math.inf, UNKNOWN), (2.0, 0.4), (0.05, UNKNOWN), (4.0, 0.0)],
                    key=lambda t: feasibility_key(*t))
    assert [loss for loss, _ in ranked] == [3.0, 4.0, 2.0, 0.05, 0.1, math.inf]
    # Every violation unknown (a study without constraints): the losses' order, as before.
    losses = np.array([0.3, 0.1, np.inf, 0.2])
    alone = sorted(range(4), key=lambda i: feasibility_key(losses[i], UNKNOWN))
    assert alone == [1, 3, 0, 2]
    assert deb_fitness(losses, np.full(4, UNKNOWN)).tolist() == losses.tolist()


def test_deb_fitness_and_constrained_order_rank_unknown_as_the_key_does():
    rng = np.random.default_rng(0)
    losses = rng.normal(size=30)
    violations = np.where(rng.random(30) < 0.4, 0.0, rng.random(30))
    violations[rng.random(30) < 0.3] = UNKNOWN
    losses[[3, 11]] = np.inf
    by_key = sorted(range(30), key=lambda i: feasibility_key(losses[i], violations[i]))
    assert np.argsort(deb_fitness(losses, violations), kind="stable").tolist() == by_key
    failed = ~np.isfinite(losses)
    order = constrained_order(np.where(failed, 0.0, losses)[:, None], violations, failed)
    assert order.tolist() == by_key


@pytest.mark.parametrize("method", ["ga", "de", "cmaes"])
@pytest.mark.parametrize("first", [True, False])
def test_a_guess_without_constraints_is_never_the_population_best(method, first):
    study = Study(SPACE, method, seed=0, optimizer_settings={"population_size": 4})
    if first:  # before any trial carries constraints: the first one to carry them demotes it
        guess = study.add_manual(GUESS, 0.25)
    study.run(sum_below, n_trials=6, progress=False)
    if not first:
        guess = study.add_manual(GUESS, 0.25)
    study.run(sum_below, n_trials=6, progress=False)
    snapshot = study.optimizer.population()
    assert snapshot.best_loss == study.best_value >= 0.3         # as the study counts its best
    assert not np.allclose(snapshot.best_x, guess.x)
    optimizer = study.optimizer
    kept = {"ga": "_elites", "de": "current"}.get(method)
    if kept:  # GA's elite, DE's population: built from known trials only
        assert not any(np.allclose(m.x, guess.x) for m in getattr(optimizer, kept))


def test_nsga2_survivors_rank_a_guess_without_constraints_after_known_ones():
    study = Study(SPACE, "nsga2", seed=0, directions=["minimize", "minimize"],
                  optimizer_settings={"population_size": 4})
    study.run(sum_and_gap, n_trials=4, progress=False)
    guess = study.add_manual(GUESS, (0.0, 0.0))                  # would dominate every trial
    study.run(sum_and_gap, n_trials=8, progress=False)
    assert not any(np.allclose(s.x, guess.x) for s in study.optimizer.survivors)
    assert guess not in study.best_trials
