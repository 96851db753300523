"""Ctrl-C reaches a run's workers too (a terminal or Jupyter interrupts the whole process group):
it ends their trials, not the workers, and nothing it cut short is re-queued."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from interactive_hpo import Float, SearchSpace, Study, TrialState
from interactive_hpo.trial import USER_INTERRUPT

SPACE = SearchSpace([Float("x", -5.0, 5.0)])

CTRL_C = """
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from interactive_hpo import Float, SearchSpace, Study

if __name__ == "__mp_main__" and os.environ.get("CTRL_C_AS_A_WORKER_STARTS"):
    # A worker importing this file, as it starts (before the pool's initializer): Ctrl-C.
    os.environ.pop("CTRL_C_AS_A_WORKER_STARTS")
    os.killpg(os.getpgid(0), signal.SIGINT)


def quick(params):
    return params["x"]


def ctrl_c_to_everyone(study, trial):
    os.killpg(os.getpgid(0), signal.SIGINT)  # as a terminal does: the study and its workers


def ctrl_c_then_waits(params):
    os.killpg(os.getpgid(0), signal.SIGINT)
    time.sleep(60)  # on a watchdog thread: the worker waits for it, and Ctrl-C ends that wait


def ctrl_c_then_dies(params):
    os.kill(int(os.environ["STUDY_PID"]), signal.SIGINT)
    os._exit(1)  # a worker dies as the run is interrupted: the pool breaks


def on_a_pool_of_your_own_ignoring_ctrl_c(study):
    # The README's recipe: without the initializer the Ctrl-C killed the idle process, the pool
    # broke, and the run after it was refused ("It is a broken ProcessPoolExecutor").
    with ProcessPoolExecutor(2, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)) as pool:
        pool.submit(int).result()  # its processes have started: idle at the Ctrl-C
        try:
            study.run(quick, 1, executor=pool, callbacks=[ctrl_c_to_everyone])
        finally:
            study.run(quick, 1, executor=pool)


def ctrl_c_then_finishes(params):
    os.killpg(os.getpgid(0), signal.SIGINT)
    time.sleep(0.5)  # a worker that took the Ctrl-C raises in here
    return params["x"]


def reported(params, report):
    report(params["x"], 1)
    return params["x"]


def ctrl_c_as_the_report_server_starts(study):
    from interactive_hpo.execution import worker

    real = worker._QuietStart.start

    def start(process):
        real(process)  # started: the study has yet to read the server's address from it
        if process.name.startswith("SyncManager"):
            os.killpg(os.getpgid(0), signal.SIGINT)

    worker._QuietStart.start = start
    try:
        study.run(reported, 1, n_workers=2)
    finally:
        left = multiprocessing.active_children()
        for process in left:  # a server left running kept this process from ending (joined at exit)
            process.kill()
        assert left == []  # the server was shut down, not left running


if __name__ == "__main__":  # one trial on a pool of two: one worker process (started at the first submit)
    study = Study(SearchSpace([Float("x", -5.0, 5.0)]), "random", seed=0, storage=sys.argv[2])
    os.environ["STUDY_PID"] = str(os.getpid())
    run = {"idle": lambda: study.run(quick, 1, n_workers=2, callbacks=[ctrl_c_to_everyone]),
           "timeout": lambda: study.run(ctrl_c_then_waits, 1, n_workers=2, trial_timeout=600),
           "lost": lambda: study.run(ctrl_c_then_dies, 1, n_workers=2, on_worker_loss="requeue"),
           "starting": lambda: study.run(quick, 1, n_workers=2, on_worker_loss="requeue"),
           "own": lambda: on_a_pool_of_your_own_ignoring_ctrl_c(study),
           "reports": lambda: ctrl_c_as_the_report_server_starts(study),
           "ignored": lambda: study.run(ctrl_c_then_finishes, 1, n_workers=2)}[sys.argv[1]]
    if sys.argv[1] == "ignored":  # as a shell's background job: python run.py &
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.argv[1] == "starting":
        os.environ["CTRL_C_AS_A_WORKER_STARTS"] = "1"  # the worker inherits it
    try:
        run()
    except KeyboardInterrupt:
        print("interrupted", study.queued)
"""


def run_script(tmp_path, case, printed="interrupted []\n"):
    """Runs CTRL_C's ``case`` in a session of its own (its Ctrl-C reaches its process group, not
    pytest's); its workers' stderr is its own."""
    script, path = tmp_path / "study.py", tmp_path / "study.jsonl"
    script.write_text(CTRL_C)
    done = subprocess.run([sys.executable, str(script), case, str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()}, start_new_session=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, printed, "")
    return Study.load(path).trials


@pytest.mark.timeout(60)
def test_an_idle_worker_ignores_ctrl_c(tmp_path):
    # Before: the idle worker died of the KeyboardInterrupt, "Process ForkServerProcess-1: Traceback
    # ... KeyboardInterrupt" on stderr (red in a notebook), and broke the pool.
    trials = run_script(tmp_path, "idle")
    assert [t.state for t in trials] == [TrialState.COMPLETE]


@pytest.mark.timeout(60)
def test_a_worker_still_starting_survives_ctrl_c_and_runs_its_trial(tmp_path):
    # The Ctrl-C comes as the worker imports the study's file, before the pool's initializer ran.
    # Before (workers forked by a fork server): the starting process died of it and broke the pool;
    # the trial, which had not begun, was FAILED "interrupted ...; worker lost (BrokenProcessPool ...)".
    # Now the worker starts with Ctrl-C blocked, drops it, and runs the trial the study waits for.
    trials = run_script(tmp_path, "starting")
    assert [(t.state, t.value) for t in trials] == [(TrialState.COMPLETE, trials[0].params["x"])]


@pytest.mark.timeout(60)
def test_ctrl_c_as_the_report_queues_server_starts_ends_the_run_cleanly(tmp_path):
    # Before: the study's KeyboardInterrupt closed the pipe the server was about to write its
    # address to: "Process SyncManager-1: Traceback ... BrokenPipeError" on stderr, and the server
    # was left running (nothing had been set to shut it down). Now the start completes, the run
    # ends on the interrupt (with its note, and no trial), and the server is shut down.
    assert run_script(tmp_path, "reports") == []


@pytest.mark.timeout(60)
def test_a_study_that_ignores_ctrl_c_has_workers_that_ignore_it_too(tmp_path):
    # A script started as a background job (`python run.py &`) ignores SIGINT, and a Ctrl-C to its
    # group did not stop it; its workers took it anyway: the trial FAILED "interrupted by the
    # user", and the run went on without it (audit a363).
    trials = run_script(tmp_path, "ignored", printed="")
    assert [(t.state, t.value) for t in trials] == [(TrialState.COMPLETE, trials[0].params["x"])]


@pytest.mark.timeout(60)
def test_a_pool_of_your_own_whose_processes_ignore_ctrl_c_stays_open(tmp_path):
    trials = run_script(tmp_path, "own")
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.COMPLETE]


@pytest.mark.timeout(60)
def test_ctrl_c_ends_the_wait_for_a_trial_with_a_timeout(tmp_path):
    # The objective runs on a watchdog thread, which gets no signal; the worker's main thread
    # waits for it. Before: its KeyboardInterrupt left the task, "worker lost (KeyboardInterrupt)".
    trials = run_script(tmp_path, "timeout")
    assert [(t.state, t.error) for t in trials] == [(TrialState.FAILED, USER_INTERRUPT)]


@pytest.mark.timeout(60)
def test_a_pool_broken_by_ctrl_c_re_queues_nothing(tmp_path):
    # Before: "worker lost (BrokenProcessPool ...); re-queued", and the next run repeated the trial.
    trials = run_script(tmp_path, "lost")
    assert [t.state for t in trials] == [TrialState.FAILED]
    assert trials[0].error.startswith(USER_INTERRUPT) and trials[0].cut_short


class LostAfterCtrlC(ThreadPoolExecutor):
    """An executor whose task presses Ctrl-C in the study's process, then loses its worker."""

    def submit(self, fn, /, *args, **kwargs):
        def lost():
            os.kill(os.getpid(), signal.SIGINT)
            raise ConnectionError("the worker went away")

        return super().submit(lost)


def test_a_worker_lost_after_ctrl_c_is_not_re_queued():
    study = Study(SPACE, "random", seed=0)
    with pytest.raises(KeyboardInterrupt), LostAfterCtrlC(1) as pool:
        study.run(lambda params: params["x"], 3, executor=pool, on_worker_loss="requeue")
    assert [(t.state, t.error) for t in study.trials] == \
        [(TrialState.FAILED, "worker lost (ConnectionError: the worker went away); not re-queued (the run was "
                             "interrupted)")]
    assert study.queued == []


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks")
def test_a_ctrl_c_as_a_worker_s_start_blocks_it_leaves_the_mask_as_it_was(monkeypatch):
    # pthread_sigmask runs pending Python signal handlers after it changed the mask: a Ctrl-C another
    # thread took raises there. The mask must still be restored (later processes would start, and
    # this thread stay, with Ctrl-C blocked for good).
    from interactive_hpo.execution import worker

    real = signal.pthread_sigmask

    def interrupted(how, mask):
        old = real(how, mask)
        if how == signal.SIG_BLOCK and signal.SIGINT in set(mask):
            raise KeyboardInterrupt
        return old

    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()  # started before: its own start blocks and unblocks SIGINT too
    before = real(signal.SIG_BLOCK, ())
    monkeypatch.setattr(signal, "pthread_sigmask", interrupted)
    with pytest.raises(KeyboardInterrupt), worker._ctrl_c_blocked():
        pass
    assert real(signal.SIG_BLOCK, ()) == before
