"""Reports in parallel runs when things go wrong: Ctrl-C, a failing pruner, a failing journal.

The happy paths (pruning as serially, on processes, threads and Dask) are in test_parallel.py.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from interactive_hpo import Float, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import ReportServerLost, TrialStateError
from interactive_hpo.execution.reports import LocalReports
from interactive_hpo.execution.worker import evaluate_remote, release, serialize
from interactive_hpo.study.pruning import MedianStoppingRule
from interactive_hpo.trial import REPORT_UNANSWERED

SPACE = SearchSpace([Float("x", -5.0, 5.0), Float("y", -5.0, 5.0)])


def three_reports(params, report):
    for step in range(3):
        report(params["x"], step)
    return params["x"]


def ctrl_c():
    """What pressing Ctrl-C does to the study's process: SIGINT, a KeyboardInterrupt in its main thread."""
    os.kill(os.getpid(), signal.SIGINT)


def check_resumable(study, path):
    assert all(t.state is not TrialState.RUNNING for t in study.trials)
    resumed = Study.load(path)
    assert [(t.state, t.intermediate_values) for t in resumed.trials] == \
        [(t.state, t.intermediate_values) for t in study.trials]


def interrupts_while_the_study_polls(params, report):
    """On a thread of the study's process: reports, presses Ctrl-C while the study waits for reports
    (inside a call to the report queues' server), then reports again."""
    report(0.0, 0)
    if params["x"] < 0:
        time.sleep(0.1)
        ctrl_c()
    time.sleep(0.2)
    report(1.0, 1)
    return params["x"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("on_interrupt", ["wait", "cancel"])
def test_ctrl_c_while_the_study_waits_for_reports_keeps_its_queues_in_step(tmp_path, on_interrupt):
    # Before: the interrupt cut a call to the manager between its request and its reply; the next
    # call read that stale reply, so the run ended in queue.Empty or a TypeError instead of the
    # KeyboardInterrupt, trials stayed RUNNING, and a worker could wait for its answer for ever.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=1, storage=path)  # its first trial has x < 0, its second x > 0
    before = set(multiprocessing.active_children())  # another test's (joblib's workers under make test)
    with pytest.raises(KeyboardInterrupt), ThreadPoolExecutor(2) as pool:
        study.run(interrupts_while_the_study_polls, 4, executor=pool, on_interrupt=on_interrupt)
    assert study.trials[0].params["x"] < 0 and len(study.trials) == 2  # nothing was asked after the interrupt
    if on_interrupt == "wait":
        assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
        assert all(t.intermediate_values == {0: 0.0, 1: 1.0} for t in study.trials)
    else:
        assert {t.user_attrs.get("error") for t in study.trials} == {"interrupted by the user (KeyboardInterrupt)"}
    check_resumable(study, path)
    assert set(multiprocessing.active_children()) - before == set()  # the queues' server is gone


@pytest.mark.timeout(60)
def test_ctrl_c_in_the_pruner_leaves_no_report_unanswered(tmp_path, monkeypatch):
    # Ctrl-C while the pruner decides (a person's code, which the study does not hold an interrupt
    # back from). Before: the reports taken from the queue with the interrupted one were dropped;
    # their workers waited for an answer for ever, and so did on_interrupt="wait".
    calls = []
    decide = MedianStoppingRule.decide

    def interrupted_at_the_third(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return decide(self, *args)

    monkeypatch.setattr(MedianStoppingRule, "decide", interrupted_at_the_third)
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path, pruner=MedianStoppingRule(n_startup_trials=0))
    with pytest.raises(KeyboardInterrupt), ThreadPoolExecutor(2) as pool:
        study.run(three_reports, 6, executor=pool, on_interrupt="wait")
    assert len(calls) > 3  # the interrupted report was decided again, and answered
    assert {t.state for t in study.trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    check_resumable(study, path)


class Ctrl_C_OnSubmit(ThreadPoolExecutor):  # noqa: N801
    """An executor during whose submit the person presses Ctrl-C (once the task is on its way)."""

    pressed = False

    def submit(self, *args, **kwargs):
        future = super().submit(*args, **kwargs)
        if not self.pressed:
            self.pressed = True
            ctrl_c()
        return future


@pytest.mark.timeout(60)
def test_ctrl_c_as_a_trial_is_submitted_neither_loses_nor_misreports_it(tmp_path):
    # Before: the submitted trial was told FAILED ("not submitted") while it ran, or stayed RUNNING.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    with pytest.raises(KeyboardInterrupt), Ctrl_C_OnSubmit(2) as pool:
        study.run(three_reports, 4, executor=pool, on_interrupt="wait")
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]
    check_resumable(study, path)


class BrokenPruner(MedianStoppingRule):
    def decide(self, trial, step, trials, direction):
        raise ZeroDivisionError("the pruner divided by zero")


class PrunerError(Exception):
    pass


class CustomBrokenPruner(MedianStoppingRule):
    def decide(self, trial, step, trials, direction):
        raise PrunerError("no rule for this")


@pytest.mark.parametrize("pruner", [BrokenPruner, CustomBrokenPruner])
def test_a_pruner_that_raises_fails_the_trial_with_the_serial_error(pruner):
    # Before: "HPOError: ZeroDivisionError: the pruner divided by zero" in parallel.
    serial, parallel = Study(SPACE, seed=0, pruner=pruner()), Study(SPACE, seed=0, pruner=pruner())
    serial.run(three_reports, 1)
    with ThreadPoolExecutor(2) as pool:
        parallel.run(three_reports, 1, executor=pool)
    assert parallel.trials[0].state is TrialState.FAILED
    assert parallel.trials[0].error == serial.trials[0].error
    assert serial.trials[0].error in ("ZeroDivisionError: the pruner divided by zero", "PrunerError: no rule for this")


def finishes_late(params, report):
    report(0.0, 0)
    if params["x"] > 0:
        time.sleep(0.3)
    return params["x"]


def test_a_run_whose_cancelling_fails_still_stops_its_report_queues(monkeypatch):
    # Before: a write that failed while the run cancelled its trials (a full disk) skipped the rest
    # of the cleanup: the queues' server process stayed, and workers still reporting waited for ever.
    study = Study(SPACE, "random", seed=1)  # its first trial has x < 0, its second x > 0
    tell = study.tell

    def stop(study, trial):
        def tell_fails(trial, *args, **kwargs):
            raise OSError("no space left on device")

        monkeypatch.setattr(study, "tell", tell_fails)
        raise RuntimeError("the callback failed")

    before = set(multiprocessing.active_children())  # another test's (joblib's workers under make test)
    with pytest.raises(OSError, match="no space left"), ThreadPoolExecutor(2) as pool:
        study.run(finishes_late, 2, executor=pool, callbacks=[stop])
    assert set(multiprocessing.active_children()) - before == set()
    assert study.trials[0].state is TrialState.COMPLETE and tell is not study.tell


KILLED_STUDY = """
import time
from interactive_hpo import Float, SearchSpace, Study

def train(params, report):
    for step in range(10**6):
        time.sleep(0.02)
        report(float(step), step)

if __name__ == "__main__":
    Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0).run(train, 4, n_workers=2)
"""


def test_what_a_run_started_ends_when_the_study_is_killed(tmp_path):
    # After a kill -9 of the study (a kernel killed for its memory), the report queues' server and
    # the pool's workers, waiting for answers or computing, ran on for good.
    psutil = pytest.importorskip("psutil")
    script = tmp_path / "study.py"
    script.write_text(KILLED_STUDY)
    study = subprocess.Popen([sys.executable, str(script)], env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        deadline = time.monotonic() + 60
        started: list = []
        while time.monotonic() < deadline and len(started) < 4:  # the resource tracker, the queues' server, 2 workers
            time.sleep(0.1)
            started = psutil.Process(study.pid).children(recursive=True)
        assert len(started) >= 4, started
    finally:
        study.kill()
        study.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [p for p in started if p.is_running() and p.status() != "zombie"]:
        time.sleep(0.1)
    assert [p for p in started if p.is_running() and p.status() != "zombie"] == []


def test_a_task_taken_after_its_run_ended_fails_its_trial_not_its_worker():
    # Unpickling a report connected to the report queues' server: a task a worker took after the
    # run had ended found the server gone, and the worker died unpickling it (FileNotFoundError).
    reports = LocalReports()
    travelling = pickle.dumps(reports.reporter(0))
    reports.close()
    report = pickle.loads(travelling)  # as a worker takes its task
    with pytest.raises(TrialStateError, match=f"{REPORT_UNANSWERED}: the run's report server is gone"):
        report(1.0, 0)
    calls = []

    def objective(params, report):
        calls.append(params)

    key = "a run"
    blob = serialize(objective, "Study.run", key)
    try:
        state, value, attrs = evaluate_remote(key, blob, {"x": 1.0}, None, report=pickle.loads(travelling))
    finally:
        release(key, objective)
    assert (state, value, calls) == ("FAILED", None, [])  # the objective is not run for nothing
    assert attrs["error"].startswith("TrialStateError: the run ended before this trial started")


ENDED_EARLY = """
import concurrent.futures as cf
import os
import signal
import sys
import threading
import time

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.study.pruning import MedianStoppingRule


def train(params, report):
    for step in range(5):
        time.sleep(0.01)
        report(params["x"], step)
    return params["x"]


def ctrl_c_as_the_second_trial_is_submitted():
    submit, submitted = cf.ProcessPoolExecutor.submit, []

    def pressed(self, *args, **kwargs):
        future = submit(self, *args, **kwargs)
        submitted.append(future)
        if len(submitted) == 2:
            os.kill(os.getpid(), signal.SIGINT)
        return future

    cf.ProcessPoolExecutor.submit = pressed


def stop_by_hand(study):
    while not (study.trials and study.trials[0].intermediate_values):
        time.sleep(0.005)
    study.stop(0)


if __name__ == "__main__":
    study = Study(SearchSpace([Float("x", -5.0, 5.0)]), "random", seed=0, storage=sys.argv[2],
                  pruner=MedianStoppingRule(n_startup_trials=1))
    if sys.argv[1] == "ctrl-c":
        ctrl_c_as_the_second_trial_is_submitted()
        try:
            study.run(train, 4, n_workers=2, on_interrupt="cancel")
        except KeyboardInterrupt:
            print("interrupted")
    else:
        threading.Thread(target=stop_by_hand, args=(study,), daemon=True).start()
        study.run(train, 4, n_workers=2)
"""


def run_script(tmp_path, case):
    """Runs ENDED_EARLY's ``case`` in a process of its own, whose stderr is its workers' too."""
    script, path = tmp_path / "study.py", tmp_path / "study.jsonl"
    script.write_text(ENDED_EARLY)
    done = subprocess.run([sys.executable, str(script), case, str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert (done.returncode, done.stderr) == (0, "")
    trials = Study.load(path).trials
    assert trials and all(t.state is not TrialState.RUNNING for t in trials)
    return done.stdout, trials


@pytest.mark.timeout(60)
def test_a_run_that_ends_before_its_workers_start_prints_no_traceback(tmp_path):
    # The Lab's second Stop just after Run, or a Ctrl-C just after submitting: the report queues'
    # server was shut down before the workers took their tasks; each died unpickling its task's
    # report (FileNotFoundError, a red traceback in a notebook) and broke the pool.
    stdout, trials = run_script(tmp_path, "ctrl-c")
    assert stdout == "interrupted\n"
    interrupted = (TrialState.FAILED, "interrupted by the user (KeyboardInterrupt)")
    assert [(t.state, t.error) for t in trials] == [interrupted] * 2


@pytest.mark.timeout(60)
def test_workers_print_nothing_when_a_run_reports_prunes_and_stops_a_trial_by_hand(tmp_path):
    stdout, trials = run_script(tmp_path, "stopped")
    assert trials[0].state is TrialState.PRUNED and len(trials) == 4
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}


class PrunesAtStepOne(MedianStoppingRule):
    """Prunes every trial at step 1 and lets it go on at any other step."""

    def decide(self, trial, step, trials, direction):
        from interactive_hpo.study.pruning import PruneDecision

        return PruneDecision(step == 1, f"step {step}")


@pytest.mark.parametrize("override", [None, "stop", "promote"])
def test_a_step_reported_again_gets_the_study_s_last_word_on_its_trial(override):
    # Dask runs a lost worker's task again and it reports its steps again; so does a report whose
    # answer a Ctrl-C cut short. Those were answered from the trial's state alone: a trial the
    # pruner had pruned (still RUNNING until its worker acts on it) was told to go on.
    from interactive_hpo.execution.parallel import ParallelRunner, RunSettings

    study = Study(SPACE, "random", seed=0, pruner=PrunesAtStepOne())
    trial = study.ask()
    with ThreadPoolExecutor(1) as pool:
        runner = ParallelRunner(study, three_reports, 1, RunSettings(executor=pool))
        try:
            first = [runner._desk.answer([trial.number, 1.0, step, "first"])[0] for step in (0, 1)]
            if override is not None:
                getattr(study, override)(trial)
            again = [runner._desk.answer([trial.number, 1.0, step, "again"])[0] for step in (0, 1)]
        finally:
            runner.close()
    assert first == ["continue", "prune"]
    assert again == {None: ["prune"] * 2, "stop": ["prune"] * 2, "promote": ["continue"] * 2}[override]


def kill_the_report_server():
    """What the out-of-memory killer (or a ``kill -9``) does to the run's report queues' server."""
    for child in multiprocessing.active_children():
        if child.name.startswith("SyncManager"):  # multiprocessing names a manager's server so
            child.kill()
            child.join()


class KillsTheReportServer(MedianStoppingRule):
    """A pruner (run in the study's process) that kills the report queues' server at the first report."""

    def decide(self, trial, step, trials, direction):
        kill_the_report_server()
        return super().decide(trial, step, trials, direction)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("on_interrupt", ["wait", "cancel"])
def test_a_run_whose_report_server_dies_says_so_and_ends_its_running_trials(tmp_path, on_interrupt):
    # Before: a bare BrokenPipeError (under an EOFError and another BrokenPipeError), and the
    # running trials stayed RUNNING, in the journal and in the study the next run went on with.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path, pruner=KillsTheReportServer())
    with pytest.raises(ReportServerLost, match="report queues' server.*died.*journal is resumable"), \
            ThreadPoolExecutor(2) as pool:
        study.run(three_reports, 4, executor=pool, on_interrupt=on_interrupt)
    assert study.trials and {t.state for t in study.trials} == {TrialState.FAILED}
    if on_interrupt == "wait":  # waited for: each failed on the worker, at a report nothing could answer
        assert all(t.error.startswith(f"TrialStateError: {REPORT_UNANSWERED}: the run's report server is gone")
                   for t in study.trials)
    # Cut short, as those the run cancels: their configurations did not fail (before, a report
    # that met the dead server failed as the configuration's own failure: "the run ended ...").
    assert all(t.cut_short for t in study.trials)
    check_resumable(study, path)


def test_a_report_server_that_dies_between_two_submits_stops_the_run_and_waits_for_its_trials():
    # The server died after trial 0 (killed by its callback): submitting trial 2 raised a bare
    # ConnectionRefusedError; and the wait that followed (on_interrupt="wait") raised again, so
    # trial 1, which had nothing more to report, was cancelled rather than waited for.
    import threading

    reported, killed, calls = threading.Event(), threading.Event(), []

    def objective(params, report):
        calls.append(params)
        if len(calls) == 1:  # the first to finish, once the other's report has been answered
            assert reported.wait(30)
            return params["x"]
        report(params["x"], 0)
        reported.set()
        assert killed.wait(30)  # it reports no more: it finishes, and is waited for
        return params["x"]

    def kill_after_the_first(study, trial):
        if not killed.is_set():
            kill_the_report_server()
            killed.set()

    study = Study(SPACE, "random", seed=0)
    with pytest.raises(ReportServerLost, match="report queues' server.*died: ConnectionRefusedError"), \
            ThreadPoolExecutor(2) as pool:
        study.run(objective, 3, executor=pool, on_interrupt="wait", callbacks=[kill_after_the_first])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAILED]
    assert study.trials[2].error == "not submitted: ReportServerLost" and study.trials[2].cut_short


def test_a_run_stepped_by_hand_cancels_its_trials_when_its_report_server_is_gone():
    # The Lab's Stop cancels with drain(cancel=True): the collect it starts with raised, and the
    # trials it was to cancel stayed RUNNING.
    from interactive_hpo.execution.parallel import ParallelRunner, RunSettings

    study = Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(2) as pool:
        runner = ParallelRunner(study, three_reports, 2, RunSettings(executor=pool))
        try:
            runner.fill()
            kill_the_report_server()
            with pytest.raises(ReportServerLost):
                runner.drain(cancel=True, reason="cancelled: stopped by hand")
        finally:
            runner.close()
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert {t.error for t in study.trials} == {"cancelled: stopped by hand"}
