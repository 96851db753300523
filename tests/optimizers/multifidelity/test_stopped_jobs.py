"""A scheduler's job stopped for a reason that says nothing of its configuration runs again.

A Ctrl-C, the run's end or a kill of the study's process (``Trial.untried``) stopped the job: it
was scored inf in its rung, so synchronous halving stopped its configuration, ASHA never promoted
it, a resume never re-ran it and ``Study.promote`` refused it, and the best configuration could be
dropped for good (audit a335). Now the next ask hands the job out again: after a person's stop
every time, after a kill once.
"""

from __future__ import annotations

import gc
import math
import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.trial import INTERRUPTED, TrialState

SPACE = SearchSpace([Float("x", 0, 1)])
SETTINGS = {"min_budget": 1, "max_budget": 9}


def bowl(params, *, budget):
    return (params["x"] - 0.5) ** 2


class CtrlCAt:
    """``bowl``, but its first job at ``budget`` raises KeyboardInterrupt, as Ctrl-C does."""

    def __init__(self, budget: float):
        self.budget, self.armed = budget, True

    def __call__(self, params, *, budget):
        if budget == self.budget and self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return bowl(params, budget=budget)


def job(trial):
    return {k: trial.user_attrs[k] for k in ("config", "bracket", "rung")}


def jobs_of(study, config):
    return [(t.user_attrs["rung"], t.state) for t in study.trials if t.user_attrs["config"] == config]


def row(study, config, rung):
    rows = [r for r in study.optimizer.rung_table() if (r["config"], r["rung"]) == (config, rung)]
    assert len(rows) == 1  # counted once in its rung
    return rows[0]


@pytest.mark.parametrize("name", ["halving", "hyperband", "asha"])
@pytest.mark.parametrize("resumed", [False, True], ids=["live", "resumed"])
def test_a_job_a_ctrl_c_cut_short_runs_next_at_its_rung(tmp_path, name, resumed):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, name, seed=0, storage=path, optimizer_settings=SETTINGS)
    with pytest.raises(KeyboardInterrupt):
        study.run(CtrlCAt(budget=3), n_trials=30, progress=False)
    cut = study.trials[-1]
    assert cut.cut_short and cut.user_attrs["rung"] == 1
    if resumed:
        study = Study.load(path)
    study.run(bowl, n_trials=1, progress=False)
    again = study.trials[-1]
    # Before: config's rung-1 job was scored inf; the next job was another configuration's.
    assert (again.number, job(again), again.params, again.budget) == (cut.number + 1, job(cut), cut.params, 3)
    assert again.state is TrialState.COMPLETE
    assert row(study, cut.user_attrs["config"], 1)["number"] == again.number
    study.run(bowl, n_trials=20, progress=False)
    if name != "asha":  # the best configuration at budget 1 goes on to the full budget
        assert [rung for rung, _ in jobs_of(study, cut.user_attrs["config"])] == [0, 1, 1, 2]


def test_a_resumed_study_replays_a_job_run_again_as_the_live_one_left_it(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "halving", seed=0, storage=path, optimizer_settings=SETTINGS)
    with pytest.raises(KeyboardInterrupt):
        study.run(CtrlCAt(budget=3), n_trials=30, progress=False)
    study.run(bowl, n_trials=6, progress=False)
    assert Study.load(path).optimizer.rung_table() == study.optimizer.rung_table()


def test_a_crash_still_counts_as_its_configuration_s_failure():
    def crashes(params, *, budget):
        if budget == 3:
            raise ValueError("out of memory")
        return bowl(params, budget=budget)

    study = Study(SPACE, "asha", seed=0, optimizer_settings=SETTINGS)
    study.run(crashes, n_trials=6, progress=False)
    failed = next(t for t in study.trials if t.state is TrialState.FAILED)
    assert not failed.untried
    assert row(study, failed.user_attrs["config"], 1)["loss"] == math.inf
    assert jobs_of(study, failed.user_attrs["config"]) == [(0, TrialState.COMPLETE), (1, TrialState.FAILED)]


def reopened(path):
    """The study of ``path``, once the one that left its last trial RUNNING is gone (``del``), as
    after a kill -9 of its process: the trial is FAILED ``INTERRUPTED``."""
    gc.collect()
    study = Study.load(path)
    assert study.trials[-1].error == INTERRUPTED and study.trials[-1].untried
    return study


@pytest.mark.parametrize("name", ["halving", "asha"])
def test_a_job_whose_process_was_killed_runs_again_once(tmp_path, name):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, name, seed=0, storage=path, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=9 if name == "halving" else 4, progress=False)
    trial = study.ask()
    del study
    study = reopened(path)
    assert job(study.ask()) == job(trial)  # run again ...
    del study
    study = reopened(path)
    assert row(study, trial.user_attrs["config"], trial.user_attrs["rung"])["loss"] == math.inf
    assert job(study.ask()) != job(trial)  # ... once: killed twice, it counts as its failure


def test_a_job_a_person_stops_again_and_again_is_never_its_configuration_s_failure():
    """A person who presses Ctrl-C twice during one job (the re-run is the first thing the next
    run does) did not judge its configuration: only a process that died on it twice does."""
    study = Study(SPACE, "asha", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=4, progress=False)
    trial = study.ask()
    for _ in range(3):
        study.tell(trial, state="FAILED", user_attrs={"error": "interrupted by the user (KeyboardInterrupt)"})
        assert study.trials[trial.number].cut_short
        again = study.ask()
        assert job(again) == job(trial)  # handed out again, the third time too
        trial = again
    study.tell(trial, bowl(trial.params, budget=trial.budget))
    assert row(study, trial.user_attrs["config"], trial.user_attrs["rung"])["loss"] < math.inf


@pytest.mark.parametrize("name", ["halving", "asha"])
def test_a_person_s_stop_ends_a_job_queued_to_run_again(tmp_path, name):
    """A configuration that hangs, stopped with Ctrl-C, was the first job of every resume, and
    study.stop(trial) was accepted but changed nothing (r348): now it ends the job there."""
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, name, seed=0, storage=path, optimizer_settings=SETTINGS)
    trial = study.ask()
    study.tell(trial, state="FAILED", user_attrs={"error": "interrupted by the user (KeyboardInterrupt)"})
    study.stop(trial)
    for reopened_study in (study, Study.load(path)):  # the override is journaled, and replayed
        shown = row(reopened_study, trial.user_attrs["config"], trial.user_attrs["rung"])
        assert shown["loss"] == math.inf and shown["human"] == "stop"
        assert job(reopened_study.ask()) != job(trial)


class LostAfterCtrlC(ThreadPoolExecutor):
    """An executor whose ``at``-th task presses Ctrl-C in the study's process, then loses its worker
    (a pool of your own that the Ctrl-C broke)."""

    def __init__(self, at: int):
        super().__init__(1)
        self.at, self.tasks = at, 0

    def submit(self, fn, /, *args, **kwargs):
        self.tasks += 1
        if self.tasks != self.at:
            return super().submit(fn, *args, **kwargs)

        def lost():
            os.kill(os.getpid(), signal.SIGINT)
            raise ConnectionError("the worker went away")

        return super().submit(lost)


def test_a_job_lost_as_a_ctrl_c_broke_the_executor_runs_again():
    study = Study(SPACE, "asha", seed=0, optimizer_settings=SETTINGS)
    with pytest.raises(KeyboardInterrupt), LostAfterCtrlC(at=5) as pool:
        study.run(bowl, n_trials=8, executor=pool, progress=False)
    lost = study.trials[-1]
    assert lost.error.endswith("not re-queued (the run was interrupted)") and lost.cut_short
    study.run(bowl, n_trials=1, progress=False)
    assert job(study.trials[-1]) == job(lost)
