"""The contract every registered optimizer keeps (DESIGN.md section 2).

Parametrized over ``available_optimizers()``, so an optimizer registered later is held to it
without writing a line here (the model: Optuna's ``testing/pytest_samplers.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import (
    Categorical,
    Float,
    Int,
    SearchExhausted,
    SearchSpace,
    Study,
    TrialState,
    available_optimizers,
    make_optimizer,
)

SPACE = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("depth", 1, 8), Categorical("act", ["relu", "tanh"])])
N_TRIALS = 12


def loss(params, budget=None):  # multi-fidelity schedulers pass a budget; the loss ignores it
    return (np.log10(params["lr"]) + 2) ** 2 + 0.1 * params["depth"] + (params["act"] == "tanh")


def run(name, seed, n=N_TRIALS, objective=loss):
    study = Study(SPACE, name, seed=seed)
    study.run(objective, n_trials=n)
    return study


@pytest.fixture(params=available_optimizers())
def name(request):
    return request.param


def test_asks_are_in_the_unit_cube(name):
    optimizer = make_optimizer(name, SPACE, seed=0)
    for _ in range(N_TRIALS):
        x = optimizer.ask().x
        assert x.shape == (SPACE.dim,)
        assert np.all((x >= 0) & (x <= 1))


def test_same_seed_same_trials(name):
    first = [t.params for t in run(name, seed=3).trials]
    assert first == [t.params for t in run(name, seed=3).trials]


def test_different_seeds_differ(name):
    assert [t.params for t in run(name, seed=1).trials] != [t.params for t in run(name, seed=2).trials]


def test_replay_gives_the_same_next_ask(name):
    """A fresh optimizer told the same trials proposes what the original would propose next."""
    study = run(name, seed=5)
    replayed = make_optimizer(name, SPACE, **study.optimizer.settings())
    for trial in study.trials:
        replayed.tell(trial, trial.value if trial.state is TrialState.COMPLETE else None)
    np.testing.assert_array_equal(replayed.ask().x, study.optimizer.ask().x)


def test_settings_rebuild_an_equal_optimizer(name):
    optimizer = make_optimizer(name, SPACE, seed=11)
    rebuilt = make_optimizer(name, SPACE, **optimizer.settings())
    assert rebuilt.settings() == optimizer.settings()
    np.testing.assert_array_equal(rebuilt.ask().x, optimizer.ask().x)


def test_failed_trials_are_tolerated(name):
    calls = []

    def flaky(params, budget=None):
        calls.append(params)
        if len(calls) % 2:
            raise RuntimeError("diverged")
        return float("nan") if len(calls) % 4 == 0 else loss(params)

    study = run(name, seed=0, objective=flaky)
    states = [t.state for t in study.trials]
    assert len(states) == N_TRIALS
    assert states.count(TrialState.FAILED) == 9 and states.count(TrialState.COMPLETE) == 3


def test_trials_it_did_not_ask_are_tolerated(name):
    study = Study(SPACE, name, seed=0)
    for params in SPACE.sample(4, rng=0):
        study.add_manual(params, loss(params))
    study.run(loss, n_trials=4)
    study.add_manual(SPACE.sample(1, rng=1)[0], 0.5)
    study.run(loss, n_trials=2)
    assert [t.source for t in study.trials].count("manual") == 5
    assert all(t.state is TrialState.COMPLETE for t in study.trials)


def test_many_pending_asks_and_out_of_order_tells(name):
    study = Study(SPACE, name, seed=0)
    running = [study.ask() for _ in range(5)]
    for trial in reversed(running):
        study.tell(trial, loss(trial.params))
    assert not study.optimizer.pending
    study.run(loss, n_trials=3)
    assert len(study.trials) == 8


def test_exhaustion_raises_a_clear_error(name):
    """Optimizers that can run out say so with SearchExhausted; the rest never run out (a
    synchronous scheduler may wait for results, which is not running out)."""
    tiny = SearchSpace([Int("a", 0, 1), Categorical("b", ["x", "y"])])
    optimizer = make_optimizer(name, tiny, seed=0)
    asked = 0
    while not optimizer.exhausted and not optimizer.waiting and asked < 50:
        optimizer.ask()
        asked += 1
    if optimizer.waiting:
        assert optimizer.pending
    elif optimizer.exhausted:
        with pytest.raises(SearchExhausted, match="nothing left to propose"):
            optimizer.ask()
    else:
        assert asked == 50


def test_run_stops_when_exhausted():
    study = Study(SearchSpace([Int("a", 0, 2)]), "grid", seed=0)
    trials = study.run(lambda p: p["a"], n_trials=10)
    assert sorted(t.params["a"] for t in trials) == [0, 1, 2]
    with pytest.raises(SearchExhausted):
        study.ask()
