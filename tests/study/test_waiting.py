"""A synchronous scheduler on a shared journal waits for the jobs another study runs
(``interactive_hpo.study.waiting``): ``run`` polls the journal, serial and parallel; ``ask``
refuses, naming whose they are."""

from __future__ import annotations

import _thread
import gc
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from interactive_hpo import Float, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import TrialStateError
from interactive_hpo.study import waiting
from interactive_hpo.study.replay import INTERRUPTED

SPACE = SearchSpace([Float("x", 0.0, 1.0)])
SETTINGS = dict(min_budget=1, max_budget=9)


def objective(params, *, budget):
    return params["x"] / budget


@pytest.fixture
def held(tmp_path):
    return hold(tmp_path)


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(waiting, "POLL_SECONDS", 0.02)


def hold(tmp_path):
    """Study A holds the last job of the first rung (trial 8) RUNNING; study B, on the same
    journal, can start nothing before it is told. Returns (A, its trial 8, B)."""
    path = tmp_path / "shared.jsonl"
    a = Study(SPACE, "halving", seed=0, storage=path, optimizer_settings=SETTINGS)
    trials = [a.ask() for _ in range(9)]
    for trial in trials[:-1]:
        a.tell(trial, objective(trial.params, budget=trial.budget))
    b = Study(SPACE, "halving", seed=0, storage=path, optimizer_settings=SETTINGS)
    assert b.optimizer.waiting and b.trials[8].state is TrialState.RUNNING
    return a, trials[-1], b


def told_later(study, trial, delay=0.2):
    """Tell ``trial`` from a thread after ``delay`` seconds, as another process would."""
    timer = threading.Timer(delay, lambda: study.tell(trial, objective(trial.params, budget=trial.budget)))
    timer.start()
    return timer


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "threads"])
def test_a_run_waits_for_the_job_another_study_runs_then_goes_on(held, parallel):
    a, last, b = held
    timer = told_later(a, last)
    with ThreadPoolExecutor(2) as pool:
        done = b.run(objective, n_trials=5, executor=pool if parallel else None, progress=False)
    timer.join()
    assert len(done) == 5  # serial: TrialStateError advising to fail A's trial; parallel: [] at once, silently
    assert b.trials[8].state is TrialState.COMPLETE  # told by A, not failed by B
    assert all(t.number > 8 for t in done)  # B's own trials, after the job it waited for


def test_ask_names_the_job_as_the_other_study_s_and_does_not_advise_telling_it(held):
    _, _, b = held
    with pytest.raises(TrialStateError, match=r"trial 8, which another study on this journal is evaluating "
                                              r"\(another Study object of this process, which must tell it: a run "
                                              r"in the same thread cannot wait for it\)") as error:
        b.ask()
    assert "Tell" not in str(error.value) and "FAILED" not in str(error.value)


def test_a_job_whose_study_is_gone_is_failed_interrupted_and_the_run_goes_on(tmp_path):
    a, last, b = hold(tmp_path)  # not a fixture: pytest would keep A alive
    del a, last
    gc.collect()  # A is gone from this process: nobody is left to tell trial 8
    with pytest.warns(RuntimeWarning, match=r"1 trial was left RUNNING by a study no longer open on it .*: trial 8 by"):
        done = b.run(objective, n_trials=3, progress=False)  # said, as opening the journal says it (h385)
    assert len(done) == 3
    assert b.trials[8].state is TrialState.FAILED and b.trials[8].error == INTERRUPTED


def test_the_wait_ends_at_the_timeout_and_says_once_what_it_waits_for(held, monkeypatch):
    monkeypatch.setattr(waiting, "NOTICE_SECONDS", 0.0)
    _, _, b = held
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = b.run(objective, n_trials=5, timeout=0.3, progress=False)
    assert done == []
    notices = [w for w in caught if "Study.run has waited" in str(w.message)]
    assert len(notices) == 1 and "trial 8, which another study" in str(notices[0].message)


def test_ctrl_c_stops_a_run_that_waits(held):
    _, _, b = held
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        b.run(objective, n_trials=5, progress=False)
    timer.join()


def test_a_parallel_run_waiting_for_a_trial_of_its_own_says_so(tmp_path):
    """A trial asked by hand and never told: the parallel run raised nothing and returned []."""
    study = Study(SPACE, "halving", seed=0, optimizer_settings=SETTINGS)
    trials = [study.ask() for _ in range(9)]
    for trial in trials[:-1]:
        study.tell(trial, objective(trial.params, budget=trial.budget))
    with ThreadPoolExecutor(2) as pool, pytest.raises(TrialStateError, match=r"\(trial 8\)\. Tell its result"):
        study.run(objective, n_trials=5, executor=pool, progress=False)
