"""Long studies: reading a study of n trials costs O(n), not O(n^2).

``Study.trials`` is a copy, so ``study.trials[i]`` in a loop over trials copied the list at every
step; the median rule read every trial at every report. The tests count the work (copies,
trials read) and check results against the straightforward computation.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, Study, Trial, TrialState, TrialStateError
from interactive_hpo.study.branching import fork_study
from interactive_hpo.study.curves import budget_trace
from interactive_hpo.study.pruning import MedianStoppingRule
from interactive_hpo.study.results import best_trial

from ..trial_copies import count_copies

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def bowl(params):
    return (params["x"] - 0.3) ** 2 + params["y"]


def test_budget_trace_and_fork_study_copy_the_trials_once(monkeypatch):
    copies = count_copies(monkeypatch)
    study = Study(SPACE, "random", seed=0)
    study.run(bowl, n_trials=60)
    trace = budget_trace(study)
    assert copies["trials"] == 1
    assert trace.numbers.tolist() == study.finish_order
    copies.clear()
    branch = fork_study(study, 40).study
    assert copies["trials"] <= 3  # were 40 more: one per trial carried
    assert [t.params for t in branch.trials] == [t.params for t in study.trials[:40]]


class Counting(Sequence):
    """The trials a pruner is given, counting how many it reads."""

    def __init__(self, trials, reads):
        self.trials, self.reads = trials, reads

    def __len__(self):
        return len(self.trials)

    def __getitem__(self, index):
        self.reads["trials"] += 1
        return self.trials[index]

    def __iter__(self):
        for trial in self.trials:
            self.reads["trials"] += 1
            yield trial


def reference(rule, trial, step, trials, direction):
    """The median rule computed from every trial, as it was at each report."""
    def loss(value):
        return math.inf if not math.isfinite(value) else direction.to_loss(value)

    complete = [t for t in trials if t.state is TrialState.COMPLETE]
    peers = [loss(t.intermediate_values[step]) for t in complete if step in t.intermediate_values]
    if math.isinf(loss(trial.intermediate_values[step])):  # diverged: in the start-up and warm-up too
        return True, None
    if len(complete) < rule.n_startup_trials or step < rule.n_warmup_steps:
        return False, None
    if len(peers) < rule.n_min_trials:
        return False, None
    return loss(trial.intermediate_values[step]) > statistics.median(peers), statistics.median(peers)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_median_rule_reads_each_finished_trial_once_and_decides_as_from_every_trial(direction):
    """Four trials at a time, finishing out of order, with ties, failures and a diverged report."""
    rule = MedianStoppingRule(n_startup_trials=3, n_warmup_steps=1, n_min_trials=2)
    study = Study(SPACE, "random", seed=0, direction=direction)
    rng = np.random.default_rng(0)
    reads, running, decisions = Counter(), {}, 0
    for _ in range(300):
        trial = study.ask()
        running[trial.number] = 0
        for number in list(running):
            step = running[number]
            value = math.inf if rng.random() < 0.02 else round(float(rng.random()) + 1 / (step + 1), 1)
            study.report(number, value, step)
            current = study.trials[number]
            decision = rule.decide(current, step, Counting(study.state.trials, reads), study.direction)
            prune, median = reference(rule, current, step, study.trials, study.direction)
            assert decision.prune == prune
            if median is not None:
                assert f"median {study.direction.to_value(median):.4g} of" in decision.reason
            decisions += 1
            if prune or step == 4 or rng.random() < 0.2:
                state = rng.choice(["PRUNED", "FAILED", "COMPLETE"], p=[0.3, 0.1, 0.6]) if not prune else "PRUNED"
                study.tell(number, None if state != "COMPLETE" else value, state=str(state))
                del running[number]
            else:
                running[number] = step + 1
    # Each finished trial once, and the few after the first still running at each decision
    # (reading every trial at every decision would be about decisions * 150).
    assert reads["trials"] < len(study.trials) + 12 * decisions


def test_the_median_rule_starts_afresh_on_another_studys_trials():
    rule = MedianStoppingRule(n_startup_trials=1)
    low, high = Study(SPACE, "random", seed=0), Study(SPACE, "random", seed=1)
    for study, value in ((low, 0.1), (high, 5.0)):
        for _ in range(3):
            trial = study.ask()
            study.report(trial, value, 0)
            study.tell(trial, value)
    for study, expected in ((low, True), (high, False), (low, True)):
        trial = study.ask()
        study.report(trial, 1.0, 0)
        assert rule.decide(study.trials[-1], 0, study.trials, study.direction).prune is expected
    assert rule.settings() == {"n_startup_trials": 1, "n_warmup_steps": 0, "n_min_trials": 1}


def best_or_error(read):
    try:
        return read()
    except TrialStateError as error:
        return str(error)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_best_trial_is_the_one_every_trial_gives_as_trials_finish_out_of_order_and_are_undone(direction):
    """Ties, infeasible and failed trials, trials finishing out of order, manual trials undone."""
    study = Study(SPACE, "random", seed=0, direction=direction)
    rng = np.random.default_rng(1)
    running, seen = [], Counter()
    def check():
        expected = best_or_error(lambda: best_trial(study.goals, study.trials))
        got = best_or_error(lambda: study.best_trial)
        assert got is expected if isinstance(expected, Trial) else got == expected
        if isinstance(expected, Trial):
            assert study.best_value == expected.value and study.best_params == expected.params
            seen["best"] += 1

    for _ in range(250):
        action = rng.random()
        if action < 0.45:
            running.append(study.ask())
        elif action < 0.9 and running:
            trial = running.pop(int(rng.integers(len(running))))
            if rng.random() < 0.1:
                study.tell(trial, state="FAILED")
            else:
                study.tell(trial, round(float(rng.random()), 1), constraints=[float(rng.random() - 0.8)])
        else:
            study.add_manual({"x": 0.5, "y": 0.5}, round(float(rng.random()), 1), constraints=[-1.0])
            seen["manual"] += 1
            if not running:  # read, withdrawn, and another in its place: as many trials finished as before
                check()
                study.undo_manual()
                if rng.random() < 0.5:
                    check()
                record = study.direction.to_value(-1.0 - seen["undone"])  # the best value so far
                study.add_manual({"x": 0.5, "y": 0.5}, record, constraints=[-1.0])
                seen["undone"] += 1
        check()
    assert seen["best"] > 100 and seen["manual"] > 10 and seen["undone"] > 2


def test_reading_the_best_value_after_every_trial_reads_each_trial_once(monkeypatch):
    reads = Counter()
    feasible = Trial.feasible

    def counted(self):
        reads["feasible"] += 1
        return feasible.fget(self)

    monkeypatch.setattr(Trial, "feasible", property(counted))
    study = Study(SPACE, "random", seed=0)
    study.run(bowl, n_trials=200, callbacks=[lambda study, trial: study.best_value])
    assert reads["feasible"] <= 200  # were 20,100: every trial at every reading
