"""A study shared between threads: your own pool calling ask and tell, or a thread of yours that stops
a trial while a run goes on (the Lab itself runs on the kernel's one thread). Before the study's
transactions took a thread lock, two threads numbered the same trial ("trial number 21 where 22 was
expected"), and on a journaled study one thread closed the journal's file under the other mid-write
(trials left RUNNING for good). Then readers that looked twice, runs that checked for points left
and then asked, and subscribers called under the study's locks (deadlocks) broke in turn: each test
names what it saw."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from interactive_hpo import Float, InvalidParameterError, RandomSearch, SearchSpace, Study, TrialState
from interactive_hpo.study.journal import Journal

SPACE = SearchSpace([Float("x", 0.0, 1.0)])
THREADS, ROUNDS = 3, 150


def _errors_in_threads(work, n: int = THREADS, timeout: float = 60.0) -> list[BaseException]:
    """Run ``work(k)`` in threads k = 0 .. n - 1 at once; what they raised. Fails, rather than
    hangs, if one never ends (a deadlock): the work takes well under a second."""
    errors: list[BaseException] = []

    def guarded(k: int) -> None:
        try:
            work(k)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(k,), daemon=True) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "deadlocked"
    return errors


def _ask_and_tell_from_threads(study: Study) -> list[BaseException]:
    def work(_: int) -> None:
        for _ in range(ROUNDS):
            trial = study.ask()
            if trial.number % 3 == 0:  # a reporting trial another thread may stop meanwhile
                study.report(trial, 1.0, step=1)
                study.stop(trial)
            study.tell(trial, trial.params["x"])

    return _errors_in_threads(work)


@pytest.fixture(autouse=True)
def switch_threads_often():
    # The races need a thread switch inside a transaction: switch every microsecond, not 5 ms.
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize("journaled", [False, True], ids=["in-memory", "journaled"])
def test_threads_sharing_a_study_number_and_finish_every_trial_once(tmp_path, journaled):
    storage = tmp_path / "study.jsonl" if journaled else None
    study = Study(SPACE, "random", seed=0, storage=storage)
    heard: list[tuple[str, int]] = []
    study.subscribe(lambda event: heard.append((event.kind, event.trial.number)) if event.trial else None)
    assert _ask_and_tell_from_threads(study) == []
    trials = study.trials
    assert [t.number for t in trials] == list(range(THREADS * ROUNDS))
    assert all(t.state is TrialState.COMPLETE for t in trials)
    # Every change told once, in the order made, whichever thread made it or told it.
    made = [(e["event"], e["number"] if "number" in e else e["trial"]["number"]) for e in study.state.events]
    assert heard == [("told" if kind == "finished" else kind, number) for kind, number in made]
    if journaled:  # the file says what memory says
        again = Study.load(storage)
        assert [(t.number, t.state, t.value) for t in again.trials] == [(t.number, t.state, t.value) for t in trials]


def test_threads_sharing_a_journal_handle_write_every_event_whole(tmp_path):
    """The journal itself (a population-based training's, written without a study) locks out
    the other threads of its process, not only other processes."""
    journal = Journal(tmp_path / "events.jsonl")
    with journal.locked():
        journal.open_or_create({"kind": "test"})

    def append(thread: int) -> None:
        for i in range(ROUNDS):
            with journal.locked():
                journal.read_new()
                journal.append({"event": "enqueued", "params": {"thread": thread, "i": i}})

    assert _errors_in_threads(append) == []
    _, events = journal.read()
    written = sorted((e["params"]["thread"], e["params"]["i"]) for e in events)
    assert written == [(k, i) for k in range(THREADS) for i in range(ROUNDS)]


def test_reading_a_study_while_another_thread_asks():
    """history() measured the trials, then read them again for its arrays: another thread's ask in
    between gave IndexError or "cannot reshape". queued iterated the queue while an ask took its
    head: "deque mutated during iteration"."""
    study = Study(SPACE, "random", seed=0)
    study.tell(study.ask(), 0.5)
    done = threading.Event()

    def ask_and_tell() -> None:
        try:
            for _ in range(ROUNDS // 3):
                for _ in range(10):
                    study.enqueue({"x": 0.5})
                for _ in range(10):
                    study.tell(study.ask(), 0.5)
        finally:
            done.set()

    thread = threading.Thread(target=ask_and_tell)
    thread.start()
    try:
        while not done.is_set():
            history, queued = study.history(), study.queued
            assert len(history.X) == len(history.values) and all(p == {"x": 0.5} for p in queued)
            time.sleep(0)  # lets the writer go on: reads back to back starved it of the GIL
    finally:
        thread.join()
    assert len(study.trials) == 1 + 10 * (ROUNDS // 3)


def test_threads_running_one_finite_search_stop_when_it_runs_out():
    """Each run checked that the grid had points left, then asked: another thread's run took the
    last point in between, and this run raised SearchExhausted (a serial run just ends)."""
    runs: list[list] = []
    for _ in range(10):  # rounds of a fresh grid each: the race is at its very end
        study = Study(SPACE, "grid", seed=0, optimizer_settings={"resolution": 50})
        assert _errors_in_threads(lambda _, study=study: runs.append(study.run(lambda p: p["x"], n_trials=100))) == []
        assert sorted(t.params["x"] for t in study.trials) == sorted({t.params["x"] for t in study.trials})
        assert len(study.trials) == 50 and study.optimizer.exhausted
    assert sum(map(len, runs)) == 10 * 50


def _in_a_thread(work) -> None:
    """Run ``work()`` in a thread: it neither raises nor deadlocks."""
    assert _errors_in_threads(lambda _: work(), n=1) == []


def test_a_subscriber_may_wait_for_another_thread_using_the_study():
    """A subscriber handing the study to another thread (a UI thread that stops the trial just
    reported) and waiting for it: subscribers were called with the study locked, and waited for
    ever."""
    study = Study(SPACE, "random", seed=0)

    def stop_from_another_thread(event) -> None:
        if event.kind == "reported" and event.trial.intermediate_values == {0: 1.0}:
            other = threading.Thread(target=study.stop, args=(event.trial,))
            other.start()
            other.join()

    def objective(params, *, report):
        for step in range(3):
            report(1.0, step)
        return 1.0

    study.subscribe(stop_from_another_thread)
    _in_a_thread(lambda: study.run(objective, n_trials=1))
    trial = study.trials[0]
    assert trial.state is TrialState.PRUNED and trial.user_attrs["pruned_by"] == "human"
    assert trial.intermediate_values == {0: 1.0, 1: 1.0}  # stopped at the report after the click


def test_a_subscriber_may_open_the_study_s_journal(tmp_path):
    """A subscriber reading the journal anew (Study.load, as a dashboard does) was called while the
    study held the journal's lock, and waited for it for ever, in one thread."""
    storage = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=storage)
    seen: list[int] = []
    study.subscribe(lambda event: seen.append(len(Study.load(storage).trials)))
    _in_a_thread(lambda: study.tell(study.ask(), 0.5))
    assert seen == [1, 1]  # asked, then told


def test_every_subscriber_hears_the_changes_in_the_order_they_were_made():
    """A subscriber that changes the study (enqueues after a told): the others heard its change
    before the one it answered, "enqueued" before "told"."""
    study = Study(SPACE, "random", seed=0)
    first: list[str] = []
    second: list[str] = []
    queued_then: list[list] = []

    def answer(event) -> None:
        first.append(event.kind)
        if event.kind == "told":
            study.enqueue({"x": 0.5})
            queued_then.append(study.queued)

    study.subscribe(answer)
    study.subscribe(lambda event: second.append(event.kind))
    study.tell(study.ask(), 0.5)
    assert first == second == ["asked", "told", "enqueued"]
    assert queued_then == [[{"x": 0.5}]]  # the change was made at once; it was told after the event at hand


def test_the_state_s_queue_is_a_copy_a_reader_can_iterate_while_another_thread_asks():
    """``study.state.queue`` was the live deque: iterating it across another thread's ask raised
    "deque mutated during iteration" (here the ask comes in the middle of the loop, as a thread's would)."""
    study = Study(SPACE, "random", seed=0)
    for x in (0.1, 0.2, 0.3):
        study.enqueue({"x": x})
    seen = []
    for params in study.state.queue:
        seen.append(params["x"])
        if len(seen) == 1:
            study.ask()
    assert seen == [0.1, 0.2, 0.3] and study.state.n_queued == 2 and study.queued == [{"x": 0.2}, {"x": 0.3}]


class Pairs(RandomSearch):
    """Random search that proposes at most two trials at once."""

    max_batch = 2


def test_ask_batch_checks_q_against_the_optimizer_in_charge_when_it_asks():
    """q was checked against the optimizer before the study's lock was taken: a switch made by
    another thread meanwhile left q to the new optimizer, whose refusal named it (`q` of
    Pairs.ask_batch), a method the person never called."""
    study = Study(SPACE, "random", seed=0)
    transaction, waiting, errors = study._transaction, threading.Event(), []

    def signalled():  # the asking thread says when it wants the lock
        if threading.current_thread() is asking:
            waiting.set()
        return transaction()

    study._transaction = signalled

    def ask_batch() -> None:
        try:
            study.ask_batch(5)
        except InvalidParameterError as error:
            errors.append(str(error))

    asking = threading.Thread(target=ask_batch)
    with study._transaction():  # the other thread, switching optimizers
        asking.start()
        assert waiting.wait(5)
        study.switch_optimizer(Pairs(SPACE, seed=0))
    asking.join()
    assert errors == ["`q` of Study.ask_batch must be an int in [1, 2]; got 5."]
