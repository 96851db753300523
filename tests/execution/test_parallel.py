"""Trials in parallel: local processes and a Dask LocalCluster on loopback; faults; determinism.

Wall-time speed-ups are a benchmark (``benchmarks/bench_parallel.py``), not a timed test.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, TrialState
from interactive_hpo.execution import worker as worker_process
from interactive_hpo.execution.settings import check_open
from interactive_hpo.study.pruning import MedianStoppingRule

from ..trial_copies import count_copies
from .objectives import Counting, bowl, diverges, gives_up, reports_twice

SPACE = SearchSpace([Float("x", -5.0, 5.0), Float("y", -5.0, 5.0)])


def finished_events(path):
    events = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    return Counter(e["number"] for e in events if e["event"] == "finished")


def dies_once(marker):
    """An objective whose first evaluation with x > 0 kills its worker process."""

    def objective(params):
        time.sleep(0.05)
        if params["x"] > 0 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(3)
        return params["x"]

    return objective


def test_every_trial_runs_exactly_once_and_is_journaled_once(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "bo", seed=0, storage=path, optimizer_settings={"n_initial": 3})
    done = study.run(bowl, 8, n_workers=3)  # 3 Sobol points, then 5 GP proposals beside running trials
    assert len(done) == 8 and sorted(t.number for t in done) == list(range(8))
    assert all(t.state is TrialState.COMPLETE and "worker" in t.user_attrs for t in study.trials)
    assert set(finished_events(path).values()) == {1} and len(finished_events(path)) == 8
    # BO asked while trials were running: it chose points jointly with the pending ones.
    assert any(t.user_attrs.get("acquisition") == "qlognei (pending points)" for t in study.trials)


def test_a_timed_parallel_run_starts_no_trial_after_its_timeout_and_finishes_those_running():
    study = Study(SPACE, "random", seed=0)
    started = time.time()
    with ThreadPoolExecutor(2) as pool:
        done = study.run(bowl, timeout=0.3, executor=pool)
    # Without n_trials the run ends only by its deadline; those running then finish, none is left RUNNING.
    assert len(done) >= 2 and all(t.state is TrialState.COMPLETE for t in study.trials)
    # Generous slack for a loaded machine (the run's own setup comes before its clock starts); a run
    # that kept asking would go on for ever.
    assert max(t.datetime_start for t in study.trials) < started + 0.3 + 1.0


def test_the_runner_reads_trials_and_the_queue_without_copying_them(monkeypatch):
    study = Study(SPACE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=0))
    for x in range(8):
        study.enqueue({"x": x - 4.0, "y": 0.0})
    copies = count_copies(monkeypatch, "trials", "queued")
    with ThreadPoolExecutor(2) as pool:
        study.run(diverges, 12, executor=pool)
    # Were two of each per trial: every trial, or every params queued, copied to read one.
    assert copies == {} and [t.source for t in study.trials].count("enqueued") == 8


def test_one_worker_gives_the_serial_trials():
    serial = Study(SPACE, "bo", seed=4)
    serial.run(bowl, 6)
    parallel = Study(SPACE, "bo", seed=4)
    with ThreadPoolExecutor(1) as pool:
        parallel.run(bowl, 6, executor=pool, n_workers=1)
    assert [t.params for t in parallel.trials] == [t.params for t in serial.trials]


@pytest.mark.parametrize("policy", ["fail", "requeue"])
def test_a_killed_process_loses_no_finished_trial(tmp_path, policy):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(dies_once(str(tmp_path / "died")), 8, n_workers=2, on_worker_loss=policy)
    lost = [t for t in study.trials if "worker lost" in t.user_attrs.get("error", "")]
    assert lost and all(t.state is TrialState.FAILED for t in lost)
    assert set(finished_events(path).values()) == {1}
    if policy == "requeue":  # each lost configuration ran again, as a new trial, and now completed
        for trial in lost:
            again = [t for t in study.trials if t.number > trial.number and t.params == trial.params]
            assert len(again) == 1 and again[0].state is TrialState.COMPLETE
    else:
        assert len(study.trials) == 8
    summary = [(t.number, t.state, t.params, t.value) for t in study.trials]
    assert [(t.number, t.state, t.params, t.value) for t in Study.load(path).trials] == summary


def test_a_trial_over_its_timeout_is_failed_and_the_study_goes_on():
    def stalls(params):
        time.sleep(600.0 if params["x"] > 0 else 0.01)
        return params["x"]

    study = Study(SPACE, "random", seed=1)
    clock = time.perf_counter()
    study.run(stalls, 6, n_workers=2, trial_timeout=0.5)
    # Not a timing test: the run did not wait for the stalled trials (ten minutes each). Two workers
    # for six trials: a worker whose trial timed out takes the next one beside the abandoned thread
    # (six workers, one per trial, started four more processes and checked less). The bound is loose
    # for a busy two-core machine.
    assert time.perf_counter() - clock < 120.0
    for trial in study.trials:
        late = trial.params["x"] > 0
        assert trial.state is (TrialState.FAILED if late else TrialState.COMPLETE)
        assert trial.user_attrs.get("error") == ("timed out after 0.5 s" if late else None)
    runs: dict[str, list] = {}
    for trial in study.trials:
        runs.setdefault(trial.user_attrs["worker"], []).append(trial)
    # The same two processes throughout, and one ran a trial after a trial of its own timed out.
    assert len(runs) == 2 and any(t.state is TrialState.FAILED for mine in runs.values() for t in mine[:-1])


@pytest.mark.parametrize("on_interrupt", ["wait", "cancel"])
def test_ctrl_c_stops_asking_and_leaves_a_resumable_journal(tmp_path, on_interrupt):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=2, storage=path)

    def slow(params):
        time.sleep(0.3)
        return params["x"]

    def interrupt(study, trial):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as raised:
        study.run(slow, 20, callbacks=[interrupt], n_workers=3, on_interrupt=on_interrupt)
    assert len(study.trials) == 3  # nothing was asked after the interrupt
    running = study.trials[1:]
    kept = sum(not t.cut_short for t in study.trials)
    states = "" if not kept else f" ({kept} COMPLETE)"  # only a cancelled trial fails here
    assert raised.value.__notes__ == [
        f"Study.run was interrupted: {kept} trial(s) of this run finished and are kept{states}, {3 - kept} cut short "
        f"(FAILED, interrupted). To go on, call study.run(...) again: the journal {str(path)!r} holds them; in a new "
        f"process, study = Study.load({str(path)!r}) first."]
    if on_interrupt == "wait":
        assert all(t.state is TrialState.COMPLETE for t in study.trials)
    else:
        assert {t.user_attrs.get("error") for t in running if t.state is TrialState.FAILED} <= {
            "interrupted by the user (KeyboardInterrupt)"}
    resumed = Study.load(path)
    assert [t.state for t in resumed.trials] == [t.state for t in study.trials]
    resumed.run(slow, 1)


RELEASE = threading.Event()


def held_but_at_zero(params):
    """Returns x at once at x = 0, else once RELEASE is set (on threads of this process)."""
    if params["x"] != 0.0:
        RELEASE.wait(30)
    return params["x"]


@pytest.mark.parametrize("on_interrupt", ["wait", "cancel"])
def test_a_callback_that_raises_lets_the_running_trials_end_as_on_interrupt_says(on_interrupt):
    # Before: they were always cancelled, "cancelled: the run stopped on an error", though their
    # threads ran to the end; their results were dropped.
    RELEASE.clear()

    def boom(study, trial):
        if on_interrupt == "wait":
            RELEASE.set()
        raise RuntimeError("boom")

    study = Study(SPACE, "random", seed=0)
    for x in (0.0, 1.0, 2.0):
        study.enqueue({"x": x, "y": 0.0})
    with ThreadPoolExecutor(3) as pool:
        with pytest.raises(RuntimeError, match="boom"):
            study.run(held_but_at_zero, 3, executor=pool, callbacks=[boom], on_interrupt=on_interrupt)
        RELEASE.set()
    ended = {"wait": (TrialState.COMPLETE, None),
             "cancel": (TrialState.FAILED, "cancelled: the run stopped on an error")}[on_interrupt]
    assert [(t.state, t.error) for t in study.trials] == [(TrialState.COMPLETE, None)] + [ended] * 2


def test_objective_errors_are_data_in_parallel_too():
    def broken(params):
        if params["x"] > 0:
            raise ValueError("diverged")
        return float("nan") if params["y"] > 0 else params["x"]

    study = Study(SPACE, "random", seed=3)
    study.run(broken, 8, n_workers=2)
    errors = {t.user_attrs.get("error") for t in study.trials if t.state is TrialState.FAILED}
    assert "ValueError: diverged" in errors or "the objective returned nan" in errors
    assert all("traceback" in t.user_attrs for t in study.trials if t.user_attrs.get("error", "").startswith("Val"))


BAD_RUNS = [
    ({"n_workers": 0}, "`n_workers` of Study.run must be an int in [1, 4096]; got 0."),
    # It reached multiprocessing as an OverflowError once the run had begun.
    ({"n_workers": 10**14}, "`n_workers` of Study.run must be an int in [1, 4096]; got 100000000000000."),
    ({"executor": "dask"}, "`executor` of Study.run must be a concurrent.futures-style executor (with submit) or a "
                           "dask Client; got 'dask'."),
    ({"n_workers": 2, "on_worker_loss": "retry"},
     "`on_worker_loss` of Study.run must be one of ['fail', 'requeue']; got 'retry'."),
    ({"n_workers": 2, "on_interrupt": "ignore"},
     "`on_interrupt` of Study.run must be one of ['wait', 'cancel']; got 'ignore'."),
    ({"trial_timeout": 5.0}, "`trial_timeout` of Study.run must be None when trials run in this process "
                             "(n_workers=1); got 5.0."),
    ({"n_workers": 2, "trial_timeout": 0}, "`trial_timeout` of Study.run must be a finite real number in "
                                           "(0.0, inf); got 0."),
    ({"executor": "dask"}, "`executor` of Study.run must be a concurrent.futures-style executor (with submit) "
                           "or a dask Client; got 'dask'."),
]


@pytest.mark.parametrize("settings, message", BAD_RUNS)
def test_input_errors(settings, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        Study(SPACE, seed=0).run(bowl, 2, **settings)


CLOSED = ("`executor` of {} must be an open executor or a running dask Client; got {!r}. It is {}, so it runs no "
          "more tasks")


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_a_shut_down_pool_is_refused_before_any_trial(tmp_path, pool):
    # A thread pool's submit refused only after trial 0 was journaled FAILED ("not submitted").
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    executor = pool(2)
    executor.shutdown()
    with pytest.raises(InvalidParameterError, match=re.escape(CLOSED.format("Study.run", executor, "shut down"))):
        study.run(bowl, 3, executor=executor)
    assert study.trials == [] and len(path.read_text().splitlines()) == 1


def test_a_pool_shut_down_after_it_was_given_is_refused_when_the_run_starts():
    # A Lab checks its executor when it is made and runs on it later (Run N): it may be closed by then.
    from interactive_hpo.execution.parallel import ParallelRunner, RunSettings

    study = Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(2) as executor:
        settings = RunSettings.check("Lab", executor=executor)
    with pytest.raises(InvalidParameterError, match=re.escape(CLOSED.format("Lab.run", executor, "shut down"))):
        ParallelRunner(study, bowl, 3, settings, owner="Lab.run")
    assert study.trials == []


def test_a_pool_shut_down_mid_run_is_named_and_its_queued_configuration_kept():
    # Submitting raised concurrent.futures' own "cannot schedule new futures after shutdown", and
    # the configuration it had taken from the queue was lost (so was a re-queued one on a pool
    # that broke: "re-queued", never run).
    study = Study(SPACE, "random", seed=0)
    for x in (1.0, 2.0, 3.0):
        study.enqueue({"x": x, "y": 0.0})
    executor = ThreadPoolExecutor(1)
    with pytest.raises(InvalidParameterError, match=re.escape(CLOSED.format("Study.run", executor, "shut down"))):
        study.run(bowl, 3, executor=executor, callbacks=[lambda study, trial: executor.shutdown()])
    assert [(t.state, t.params["x"]) for t in study.trials] == [(TrialState.COMPLETE, 1.0), (TrialState.FAILED, 2.0)]
    assert study.trials[1].cut_short and [params["x"] for params in study.queued] == [3.0, 2.0]


def test_a_closed_dask_client_is_refused_before_any_trial():
    # It failed inside distributed: AttributeError: 'NoneType' object has no attribute 'ncores'.
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        client = distributed.Client(cluster)
        client.close()
    study = Study(SPACE, "random", seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(
            CLOSED.format("Study.run", client, "a Client whose status is 'closed'"))):
        study.run(bowl, 3, executor=client)
    assert study.trials == []
    client.status = "connecting"  # as distributed sets it while a Client reconnects: it will run tasks again
    try:
        check_open(client, "Study.run")
    finally:
        client.status = "closed"  # else its __del__ closes it again, on a loop that is closed


def pruned_study(path=None):
    return Study(SPACE, "random", seed=0, storage=path, pruner=MedianStoppingRule(n_startup_trials=0))


def run_on(study, objective, where, n_trials=6, **settings):
    if where == "threads":
        with ThreadPoolExecutor(2) as pool:
            return study.run(objective, n_trials, executor=pool, **settings)
    return study.run(objective, n_trials, **settings,
                     **({"n_workers": 2} if where == "processes" else {"executor": where}))


def check_pruned_as_serially(study, path):
    serial = pruned_study()
    serial.run(diverges, len(study.trials))
    assert [(t.state, t.value, t.intermediate_values) for t in study.trials] == \
        [(t.state, t.value, t.intermediate_values) for t in serial.trials]
    assert {t.state for t in study.trials} == {TrialState.PRUNED, TrialState.COMPLETE}
    # The pruner's verdict says why; the TrialPruned its report raised on the worker is no reason of the objective's.
    assert [(t.user_attrs.get("pruned_by"), "pruned_reason" in t.user_attrs) for t in study.trials] == \
        [(t.user_attrs.get("pruned_by"), False) for t in serial.trials]
    resumed = Study(SPACE, storage=path)  # every report was journaled
    assert [t.intermediate_values for t in resumed.trials] == [t.intermediate_values for t in study.trials]


@pytest.mark.parametrize("where", ["processes", "threads"])
def test_an_objective_reports_from_its_worker_and_is_pruned_as_in_a_serial_run(tmp_path, where):
    # Before: refused ("an objective that runs without `report` when trials run in parallel"),
    # and an objective whose report had a default ran without reporting.
    study = pruned_study(tmp_path / "study.jsonl")
    run_on(study, diverges, where)
    check_pruned_as_serially(study, tmp_path / "study.jsonl")
    # A report the study refuses fails its trial with the study's words, as serially.
    serial, parallel = Study(SPACE, seed=0), Study(SPACE, seed=0)
    serial.run(reports_twice, 1)
    run_on(parallel, reports_twice, where, n_trials=1)
    assert parallel.trials[0].state is TrialState.FAILED
    assert parallel.trials[0].error == serial.trials[0].error
    assert "`step` of Study.report must be a step trial 0 has not reported yet" in serial.trials[0].error
    # The reason an objective gives up with comes back from its worker, as serially.
    serial, parallel = Study(SPACE, "random", seed=0), Study(SPACE, "random", seed=0)
    serial.run(gives_up, 4)
    run_on(parallel, gives_up, where, n_trials=4)
    reasons = sorted(str(t.user_attrs.get("pruned_reason")) for t in serial.trials)
    assert sorted(str(t.user_attrs.get("pruned_reason")) for t in parallel.trials) == reasons
    assert any(reason.startswith("x = ") for reason in reasons)


def test_an_objective_that_cannot_travel_is_refused_before_any_trial():
    lock = threading.Lock()
    study = Study(SPACE, seed=0)
    with pytest.raises(InvalidParameterError, match="could not be sent to the workers"):
        study.run(lambda params: bool(lock) + params["x"], 2, n_workers=2)
    assert study.trials == []


class Counts:
    """An objective holding a lock (which cannot pickle), called by the threads of this process."""

    def __init__(self):
        self.lock, self.calls = threading.Lock(), 0

    def __call__(self, params):
        with self.lock:
            self.calls += 1
        return params["x"]


def test_threads_call_an_objective_that_cannot_pickle_as_it_is():
    # Before: refused ("must be a picklable callable ... cannot pickle '_thread.lock'"), though
    # threads of this process never unpickle it.
    objective, study = Counts(), Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(2) as pool:
        study.run(objective, 4, executor=pool)
    assert objective.calls == 4 and [t.state for t in study.trials] == [TrialState.COMPLETE] * 4


def test_an_interpreter_pool_is_not_taken_for_threads_of_this_process(monkeypatch):
    # Python 3.14's InterpreterPoolExecutor subclasses ThreadPoolExecutor, but its sub-interpreters
    # do not share the objectives kept in this one: it was taken for threads that call the objective itself.
    import concurrent.futures as cf

    from interactive_hpo.execution.settings import runs_here

    class InterpreterPoolExecutor(ThreadPoolExecutor):
        """Stands for Python 3.14's (a subclass of ThreadPoolExecutor)."""

    monkeypatch.setattr(cf, "InterpreterPoolExecutor", InterpreterPoolExecutor, raising=False)
    with InterpreterPoolExecutor(1) as interpreters, ThreadPoolExecutor(1) as threads:
        assert not runs_here(interpreters) and runs_here(threads)


def test_a_dask_client_without_processes_says_its_trials_may_run_in_other_processes():
    # It said they "run in other processes", for a cluster whose workers were threads of this one.
    distributed = pytest.importorskip("distributed")
    study = Study(SPACE, "random", seed=0)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client, \
            pytest.raises(InvalidParameterError, match=re.escape(
                "a picklable callable when trials may run in other processes (a Dask cluster can gain process "
                "workers); got <")):
        study.run(Counts(), 2, executor=client)
    assert study.trials == []


def holding(megabytes):
    """An objective that holds a dataset of ``megabytes`` (a stand-in for training data in a closure)."""
    data = b"\0" * int(megabytes * 1e6)

    def objective(params):
        return params["x"] ** 2 + len(data) * 0.0

    return objective


def test_the_objective_goes_to_each_local_process_once_not_with_every_trial(monkeypatch):
    # Each task carried the pickled objective: 40 trials of one holding 200 MB took 20 s instead of 5.
    sent = []
    submit = ProcessPoolExecutor.submit

    def spy(self, fn, *args, **kwargs):
        sent.append(len(pickle.dumps(args)))
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", spy)
    study = Study(SPACE, "random", seed=0)
    study.run(holding(1), 4, n_workers=2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4
    assert len(sent) == 4 and max(sent) < 10_000


def test_each_run_on_a_pool_kept_open_starts_from_the_objective_as_passed():
    # Workers kept the objective unpickled by the hash of its bytes: a new Counting() (the same
    # bytes) went on counting from where the previous run's had stopped, at 4, 5, 6.
    with ProcessPoolExecutor(1) as pool:
        runs = [Study(SPACE, "random", seed=0) for _ in range(2)]
        for study in runs:
            study.run(Counting(), 3, executor=pool)
    assert [[t.value for t in study.trials] for study in runs] == [[1.0, 2.0, 3.0]] * 2


# -- Dask ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_runs_each_trial_exactly_once(client, tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "cmaes", seed=0, storage=path)
    study.run(bowl, 12, executor=client)
    assert len(study.trials) == 12 and all(t.state is TrialState.COMPLETE for t in study.trials)
    assert set(finished_events(path).values()) == {1}
    assert len({t.user_attrs["worker"] for t in study.trials}) >= 1


def test_dask_is_sent_the_objective_once_not_with_every_trial(client, monkeypatch):
    # Each task carried the pickled objective, through the scheduler to a worker.
    sent = []
    submit = client.submit
    monkeypatch.setattr(client, "submit", lambda *args, **kwargs: sent.append(len(pickle.dumps(args[1:])))
                        or submit(*args, **kwargs))
    study = Study(SPACE, "random", seed=0)
    study.run(holding(1), 4, executor=client)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4
    assert len(sent) == 4 and max(sent) < 10_000
    assert client.run(lambda: sorted(worker_process._BLOBS)) == {address: [] for address in client.nthreads()}


def test_dask_workers_start_each_run_from_the_objective_as_passed_and_keep_none_after(client):
    # Workers kept every run's objective for good (a long-lived cluster held them all, with their
    # data), and a new Counting() went on counting from the previous run's state.
    for _ in range(2):
        study = Study(SPACE, "random", seed=0)
        study.run(Counting(), 4, executor=client, n_workers=1)
        by_worker = {t.user_attrs["worker"]: [] for t in study.trials}
        for trial in study.trials:
            by_worker[trial.user_attrs["worker"]].append(trial.value)
        assert all(calls == list(range(1, len(calls) + 1)) for calls in by_worker.values()), by_worker
    assert client.run(lambda: sorted(worker_process._LOADED)) == {address: [] for address in client.nthreads()}


def test_dask_workers_report_and_are_pruned_as_in_a_serial_run(client, tmp_path, caplog):
    study = pruned_study(tmp_path / "study.jsonl")
    # trial_timeout: the objective reports from a watchdog thread, where a Dask queue could not find its client.
    run_on(study, diverges, client, trial_timeout=60)
    check_pruned_as_serially(study, tmp_path / "study.jsonl")
    # Waiting on the scheduler's queue with a timeout logged an error, with a traceback, at every poll.
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []


def reports_then_dies_once(marker):
    """Reports steps 0 and 1, then (the first time x > 0) kills its worker; then reports step 2."""

    def objective(params, report):
        report(0.0, 0)
        report(0.0, 1)
        if params["x"] > 0 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(3)
        report(0.0, 2)
        return params["x"]

    return objective


def test_a_task_dask_runs_again_reports_its_steps_again_and_the_trial_completes(client, tmp_path):
    # The run again after a worker died reported steps 0 and 1 again: refused as reported twice,
    # so the trial failed ("a step trial N has not reported yet") although Dask had saved it.
    study = Study(SPACE, "random", seed=0)
    study.run(reports_then_dies_once(str(tmp_path / "died")), 6, executor=client)
    assert (tmp_path / "died").exists()
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 6
    assert all(list(t.intermediate_values) == [0, 1, 2] for t in study.trials)


def test_dask_with_one_worker_thread_gives_the_serial_trials(client):
    serial = Study(SPACE, "bo", seed=7)
    serial.run(bowl, 6)
    parallel = Study(SPACE, "bo", seed=7)
    parallel.run(bowl, 6, executor=client, n_workers=1)
    assert [t.params for t in parallel.trials] == [t.params for t in serial.trials]


def test_a_killed_dask_worker_loses_and_repeats_nothing(client, tmp_path):
    """Dask re-runs the dead worker's task elsewhere; the study sees each trial finish once."""
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(dies_once(str(tmp_path / "died")), 8, executor=client)
    assert (tmp_path / "died").exists()
    assert len(study.trials) == 8 and all(t.state is TrialState.COMPLETE for t in study.trials)
    assert set(finished_events(path).values()) == {1}


def test_when_dask_gives_up_on_a_task_the_trial_is_requeued(client, tmp_path, monkeypatch):
    # The shared cluster's scheduler (in this process) told to give up at the first death, as
    # "distributed.scheduler.allowed-failures": 0 does for a new one: no second cluster to start.
    monkeypatch.setattr(client.cluster.scheduler, "allowed_failures", 0)
    study = Study(SPACE, "random", seed=0)
    study.run(dies_once(str(tmp_path / "died")), 6, executor=client, on_worker_loss="requeue")
    lost = [t for t in study.trials if t.user_attrs.get("error", "").startswith("worker lost (KilledWorker")]
    assert len(lost) == 1 and lost[0].user_attrs["error"].endswith("; re-queued")
    again = [t for t in study.trials if t.number > lost[0].number and t.params == lost[0].params]
    assert [t.state for t in again] == [TrialState.COMPLETE] and again[0].source == "enqueued"


def on_two_processes(folder):
    """``bowl``, whose trials first wait (up to 10 s) until two processes run trials: on a loaded
    machine the second process started late, and the first had run all six trials by then."""

    def objective(params):
        open(os.path.join(folder, str(os.getpid())), "w").close()
        deadline = time.monotonic() + 10.0
        while len(os.listdir(folder)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return bowl(params)

    return objective


def test_the_observed_schedule_puts_each_trial_on_its_worker(tmp_path):
    from interactive_hpo.execution.simulation import Schedule

    study = Study(SPACE, "random", seed=5)
    study.run(on_two_processes(str(tmp_path)), 6, n_workers=2)
    schedule = Schedule.observed(study.trials)
    columns = schedule.columns()
    assert sorted(columns["number"]) == list(range(6)) and schedule.n_workers == 2
    assert columns["start"].min() == 0.0 and schedule.makespan == columns["end"].max()
    for worker in range(2):  # a worker runs one trial at a time
        mine = columns["worker"] == worker
        rows = sorted(zip(columns["start"][mine], columns["end"][mine], strict=True))
        assert all(end <= next_start + 1e-6 for (_, end), (next_start, _) in zip(rows, rows[1:], strict=False))
    assert Schedule.observed(Study(SPACE, seed=0).trials).runs == ()


def test_the_gantt_chart_of_a_real_run_is_labelled_in_seconds():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from interactive_hpo.execution.simulation import Schedule
    from interactive_hpo.plots import plot_gantt

    study = Study(SPACE, "random", seed=6)
    study.run(bowl, 4, n_workers=2)
    ax = plot_gantt(Schedule.observed(study.trials), Figure().add_subplot())
    assert ax.get_xlabel() == "seconds" and "worker-seconds" in ax.get_title()


class BrokenExecutor:
    """A concurrent.futures-style executor whose every task fails in the worker itself."""

    _max_workers = 2

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_exception(RuntimeError("worker vanished"))
        return future


def test_a_failing_custom_executor_fails_trials_without_touching_process_pools():
    """Run in a fresh interpreter: concurrent.futures.process must not be needed for this path."""
    import subprocess
    import sys

    code = ("import concurrent.futures, sys\n"
            "from tests.execution.test_parallel import BrokenExecutor, SPACE, bowl\n"
            "from interactive_hpo import Study\n"
            "study = Study(SPACE, 'random', seed=0)\n"
            "study.run(bowl, 3, executor=BrokenExecutor())\n"
            "print([t.user_attrs['error'] for t in study.trials])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=os.getcwd())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(["worker lost (RuntimeError: worker vanished)"] * 3)


def test_sys_exit_in_an_objective_is_a_failed_trial_not_a_dead_run():
    def exits(params):
        raise SystemExit(2)

    study = Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(2) as pool:
        study.run(exits, 3, executor=pool)
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 3
    assert {t.user_attrs["error"] for t in study.trials} == {"SystemExit: 2"}


def huge(params):
    return 10**400


@pytest.mark.parametrize(("timeout", "policy"), [(3.0, "fail"), (None, "requeue")])
def test_a_value_that_cannot_be_read_is_a_failed_trial_not_a_timeout_or_a_lost_worker(timeout, policy):
    # Issue 21: it was reported "timed out after 3 s" with a timeout, "worker lost" (and re-run) without.
    study = Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(2) as pool:
        study.run(huge, 2, executor=pool, trial_timeout=timeout, on_worker_loss=policy)
    assert len(study.trials) == 2 and [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert {t.error for t in study.trials} == {"the objective returned an int of about 401 digits, too large "
                                               "for a float"}


def test_an_objective_the_worker_cannot_load_fails_its_trial():
    study = Study(SPACE, "random", seed=0)
    with ThreadPoolExecutor(1) as pool:
        from interactive_hpo.execution.parallel import ParallelRunner, RunSettings

        runner = ParallelRunner(study, bowl, 1, RunSettings(executor=pool))
        runner._payload = b"not a pickle"
        token, runner._token = runner._token, "corrupt"  # not the run the objective is registered under
        runner.fill()
        (trial,) = runner.drain()
        runner._token = token
        runner.close()
    assert trial.state is TrialState.FAILED
    assert trial.user_attrs["error"].startswith("could not load the objective on this worker: UnpicklingError")


def test_budgeted_trials_are_not_requeued_at_full_budget(tmp_path):
    marker = str(tmp_path / "died")

    def dies_at_budget(params, budget=None):
        if not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(3)
        return params["x"] * budget

    study = Study(SPACE, "asha", seed=0)
    study.run(dies_at_budget, 4, n_workers=2, on_worker_loss="requeue")
    assert all(t.budget is not None for t in study.trials)  # nothing ran again at full budget
    assert any("not re-queued" in t.user_attrs.get("error", "") for t in study.trials)


def test_a_timeout_past_the_clock_s_limit_waits_as_no_limit():
    """timeout=1e10 (a "no limit") passed threading's TIMEOUT_MAX to the wait for results: an
    OverflowError stopped the run and cancelled the trials in flight."""
    study = Study(SearchSpace([Float("x", 0, 1)]), seed=0)
    with ThreadPoolExecutor(2) as pool:
        study.run(lambda p: time.sleep(0.1) or p["x"], 3, executor=pool, timeout=1e10, progress=False)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
