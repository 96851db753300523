"""A parallel run over a Dask cluster's life: workers that join after it began, a cluster left
without workers, a client closed mid-run; an executor's class given for one; the Ctrl-C notice;
what :meth:`Schedule.observed` calls a worker starved of trials (audit a425).

The cluster's behaviour is played by :class:`FakeClient` (threads of this process, a worker count
the test sets) where a real cluster would take seconds to lose its workers; two tests use a
LocalCluster of threads.
"""

from __future__ import annotations

import concurrent.futures as cf
import re
import threading
import time

import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, TrialState
from interactive_hpo.execution import dask_cluster, runner
from interactive_hpo.execution.simulation import IdleSpell, Schedule

pytest.importorskip("distributed")

SPACE = SearchSpace([Float("x", -5.0, 5.0)])


def nap(params):
    time.sleep(0.25)
    return params["x"] ** 2


def most_at_once(trials):
    """The most trials that ran at the same time, by the workers' records."""
    events = sorted([(t.user_attrs["started_at"], 1) for t in trials]
                    + [(t.user_attrs["finished_at"], -1) for t in trials])  # an end before a start at the same time
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


class FakeClient:
    """What a run uses of a ``dask.distributed.Client``: tasks run on ``pool`` (threads of this
    process; None: they never finish), ``threads`` is the worker count the scheduler reports."""

    def __init__(self, threads, pool=None):
        self.threads, self.pool, self.status = threads, pool, "running"
        self.plugins = {}

    def nthreads(self):
        return {f"tcp://w{i}": 1 for i in range(self.threads)}

    def get_executor(self, pure=False):
        return self.pool or _Never()

    def register_plugin(self, plugin, name):
        self.plugins[name] = plugin
        plugin.setup(None)

    def unregister_worker_plugin(self, name):
        self.plugins.pop(name).teardown(None)


class _Never:
    def submit(self, *args):
        return cf.Future()  # a task no worker will ever run


@pytest.fixture
def fast_looks(monkeypatch):
    monkeypatch.setattr(dask_cluster, "READ_EVERY", 0.05, raising=False)
    monkeypatch.setattr(dask_cluster, "NO_WORKERS_GRACE", 0.3, raising=False)


def in_thread(call, seconds=20.0):
    """``call()`` in a thread that must end within ``seconds`` (without the fix it waited for ever)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the run is still waiting"
    return outcome


def test_a_run_without_n_workers_gives_trials_to_workers_that_join_later(fast_looks):
    # A run kept the worker count it saw when it began: 1 at a time for ever, on 3 threads.
    with cf.ThreadPoolExecutor(8) as pool:
        client = FakeClient(1, pool)
        threading.Timer(0.4, lambda: setattr(client, "threads", 3)).start()
        study = Study(SPACE, "random", seed=0)
        study.run(nap, 10, executor=client, progress=False)
    assert all(t.state is TrialState.COMPLETE for t in study.trials) and most_at_once(study.trials) == 3
    with cf.ThreadPoolExecutor(8) as pool:  # n_workers given stays the cap
        client = FakeClient(1, pool)
        client.threads = 3
        capped = Study(SPACE, "random", seed=0)
        capped.run(nap, 4, executor=client, n_workers=2, progress=False)
    assert most_at_once(capped.trials) == 2


def test_a_cluster_that_lost_every_worker_fails_its_trials_and_the_run_stops(fast_looks):
    # The run waited for ever, silently, its trials RUNNING.
    client = FakeClient(2)
    threading.Timer(0.3, lambda: setattr(client, "threads", 0)).start()
    study = Study(SPACE, "random", seed=0)
    with pytest.warns(RuntimeWarning, match=re.escape(
            'The Dask cluster has had no workers for 0 s: Study.run stops, its 2 running trial(s) FAILED "worker '
            'lost (the cluster has no workers left)", 2 re-queued for the next run. Give the cluster workers '
            "(cluster.scale(n)) and run again.")):
        outcome = in_thread(lambda: study.run(nap, 6, executor=client, on_worker_loss="requeue", progress=False))
    assert "error" not in outcome
    assert [t.error for t in study.trials] == ["worker lost (the cluster has no workers left); re-queued"] * 2
    assert [p["x"] for p in study.queued] == [t.params["x"] for t in study.trials]


def test_a_cluster_no_worker_joined_is_waited_for_with_a_warning(fast_looks):
    # A batch system's jobs may wait in its queue: the run waits, and says so once.
    with cf.ThreadPoolExecutor(1) as pool:
        client = FakeClient(0, pool)
        pool.submit(time.sleep, 0.5)  # the trials start after the grace period
        study = Study(SPACE, "random", seed=0)
        with pytest.warns(RuntimeWarning, match=re.escape(
                "No worker has joined the Dask cluster in 0 s; Study.run waits for one (4 trial(s) queued).")):
            study.run(nap, 4, executor=client, progress=False)
    assert all(t.state is TrialState.COMPLETE for t in study.trials)


@pytest.mark.parametrize("executor, example", [(cf.ThreadPoolExecutor, "ThreadPoolExecutor(4)"),
                                               (FakeClient, "FakeClient(cluster)")])
def test_the_class_of_an_executor_is_refused_before_any_trial(tmp_path, executor, example):
    # ThreadPoolExecutor.submit is a function too: trial 0 was journaled "not submitted: AttributeError".
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "study.jsonl")
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`executor` of Study.run must be a concurrent.futures-style executor (with submit) or a dask Client; "
            f"got the class {executor.__name__}. Pass an instance: {example}.")):
        study.run(nap, 2, executor=executor)
    assert study.trials == [] and Study.load(tmp_path / "study.jsonl").trials == []


def test_ctrl_c_says_the_run_waits_for_its_running_trials(capsys, monkeypatch):
    # A Ctrl-C whose trials never ended (a LocalCluster's workers died of it) waited in silence.
    monkeypatch.setattr(runner, "NOTICE_AFTER", 0.2, raising=False)

    def interrupt(study, trial):
        raise KeyboardInterrupt

    calls = iter(range(100))

    def first_one_quick(params):
        time.sleep(0.02 if next(calls) == 0 else 1.0)
        return params["x"]

    study = Study(SPACE, "random", seed=0)
    with cf.ThreadPoolExecutor(3) as pool, pytest.raises(KeyboardInterrupt):
        study.run(first_one_quick, 9, callbacks=[interrupt], executor=pool, progress=False)
    assert "waiting for 2 running trial(s); press Ctrl-C again to cancel them\n" in capsys.readouterr().err


def test_a_dask_client_closed_mid_run_says_so_and_cuts_its_trials_short():
    # It blamed the argument ("must be an open executor") and journaled "not submitted: InvalidParameterError".
    distributed = pytest.importorskip("distributed")
    from interactive_hpo import DaskClientClosed

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        client = distributed.Client(cluster)
        threading.Timer(0.6, client.close).start()
        study = Study(SPACE, "random", seed=0)
        with pytest.raises(DaskClientClosed, match=r"^The Dask client closed during Study\.run: [1-9]\d* trial\(s\) "
                           r"were cut short \(FAILED \"\.\.\.: the Dask client closed during the run\"; "
                           r"trial\.cut_short: optimizers may propose them again\), and no more can start\. "
                           r"Run again on an open client; the study goes on from the trials it has\.$"):
            study.run(nap, 40, executor=client, progress=False)
    failed = [t for t in study.trials if t.state is TrialState.FAILED]
    assert failed and all(t.cut_short and t.error.endswith("the Dask client closed during the run") for t in failed)
    assert all(t.state is TrialState.COMPLETE for t in study.trials if t not in failed)


def test_a_dask_run_follows_a_local_cluster_that_grows():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        threading.Timer(0.3, lambda: cluster.scale(3)).start()
        study = Study(SPACE, "random", seed=0)
        study.run(nap, 16, executor=client, progress=False)
    assert most_at_once(study.trials) == 3


def test_a_worker_starved_of_trials_waited_until_the_last_one_started():
    # It was "done" from its last trial, while the other worker kept starting trials.
    study = Study(SPACE, "random", seed=0)
    for worker, start, end in [("h:1/A", 0, 1), ("h:1/B", 0, 1), ("h:1/B", 1, 2), ("h:1/B", 2, 3), ("h:1/B", 3, 4)]:
        study.tell(study.ask(), 1.0, user_attrs={"worker": worker, "started_at": 100.0 + start,
                                                 "finished_at": 100.0 + end})
    schedule = Schedule.observed(study.trials)
    assert schedule.idle == (IdleSpell(0, 1.0, 3.0, "waiting"), IdleSpell(0, 3.0, 4.0, "done"))
    assert schedule.waiting_time() == 2.0
