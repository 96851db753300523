"""Several processes on one journal: locked appends, no duplicate numbers or points, kill -9 safe."""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interactive_hpo import Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import TrialStateError
from interactive_hpo.study.journal import Journal
from interactive_hpo.study.pruning import MedianStoppingRule, NopPruner
from interactive_hpo.study.sharing import spans

ROOT = Path(__file__).resolve().parents[2]
SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5)])

WORKER = textwrap.dedent(
    """
    import sys, time
    from interactive_hpo import Float, Int, SearchSpace, Study

    space = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5)])

    def objective(params):
        time.sleep(float(sys.argv[4]))
        return (params["x"] - 1) ** 2 + params["n"]

    study = Study(space, sys.argv[2], seed=0, storage=sys.argv[1])
    study.run(objective, n_trials=int(sys.argv[3]))
    """
)


def start_workers(tmp_path, n, optimizer, trials, sleep):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    path = tmp_path / "shared.jsonl"
    return path, [subprocess.Popen([sys.executable, str(script), str(path), optimizer, str(trials), str(sleep)],
                                   env=env) for _ in range(n)]


def finished_on_disk(path):
    lines = Path(path).read_bytes().split(b"\n")[1:-1]  # the last may be cut off by a kill
    return {e["number"]: e for e in map(json.loads, lines) if e["event"] == "finished"}


def test_three_processes_share_one_journal(tmp_path):
    path, workers = start_workers(tmp_path, 3, "random", 20, 0.01)
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
    study = Study.load(path)
    n = 60
    assert [t.number for t in study.trials] == list(range(n))
    assert all(t.state is TrialState.COMPLETE for t in study.trials)
    # Each process saw the others' trials, so no point was proposed twice.
    assert len({tuple(t.x) for t in study.trials}) == n
    # Every process asked some trials (the lock interleaves them).
    owners = {json.loads(line).get("owner", {}).get("pid") for line in path.read_text().splitlines()[1:]
              if json.loads(line)["event"] == "asked"}
    assert len(owners) == 3


def test_studies_starting_one_new_journal_at_once_share_it(tmp_path):
    # A new journal replaces the empty file by a whole one: whoever waited for the empty file's
    # lock must open the new file, not write a second header over the first's trials.
    path, start = tmp_path / "new.jsonl", threading.Barrier(4)

    def one_study(seed):
        start.wait()
        Study(SPACE, "random", seed=seed, storage=path).run(lambda p: p["x"] ** 2, 3)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one_study, range(4)))
    lines = path.read_text().splitlines()
    assert sum('"format"' in line for line in lines) == 1
    assert [t.state for t in Study.load(path).trials] == [TrialState.COMPLETE] * 12
    assert os.listdir(tmp_path) == ["new.jsonl"]


def test_a_killed_process_loses_nothing_the_others_wrote(tmp_path):
    path, workers = start_workers(tmp_path, 3, "random", 20, 0.05)
    victim, survivors = workers[0], workers[1:]
    deadline = time.monotonic() + 60
    while len(finished_on_disk(path) if path.exists() else {}) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    before = finished_on_disk(path)
    assert [w.wait(timeout=120) for w in survivors] == [0, 0]
    study = Study.load(path)
    after = {t.number: t for t in study.trials}
    # Every trial finished before the kill is there with its value, and the survivors ran all of
    # theirs (counted by the process that asked each trial: how the three shared the first ones
    # depends on the scheduler).
    assert all(after[number].value == event["value"] for number, event in before.items())
    pid_of = {t.number: (study.state.owner_of(t.number) or {}).get("pid") for t in study.trials}
    complete = [t.number for t in study.trials if t.state is TrialState.COMPLETE]
    assert sum(pid_of[number] != victim.pid for number in complete) == 40
    assert {number for number, event in before.items() if event["state"] == "COMPLETE"} <= set(complete)
    assert [t.number for t in study.trials] == list(range(len(study.trials)))
    # The victim's trial left RUNNING is failed on load, as after any crash.
    assert all(t.state is not TrialState.RUNNING for t in study.trials)
    assert len({tuple(t.x) for t in study.trials}) == len(study.trials)


def test_a_running_trial_of_an_open_study_stays_its_own(tmp_path):
    path = tmp_path / "study.jsonl"
    first = Study(SPACE, "random", seed=0, storage=path)
    running = first.ask()
    second = Study.load(path)  # another notebook on the same study
    assert second.trials[running.number].state is TrialState.RUNNING
    other = second.ask()
    assert other.number == running.number + 1 and not (other.x == running.x).all()
    first.tell(running, 1.0)
    second.tell(other, 2.0)
    second.refresh()
    first.refresh()
    assert [t.value for t in first.trials] == [t.value for t in second.trials] == [1.0, 2.0]
    # What another process finished cannot be told again.
    with pytest.raises(TrialStateError, match="already COMPLETE"):
        first.tell(other, 3.0)


@pytest.mark.parametrize("optimizer", ["bo", "sobol", "cmaes", "ga", "grid"])
def test_two_studies_on_one_journal_never_propose_the_same_point(tmp_path, optimizer):
    path = tmp_path / "study.jsonl"
    settings = {"n_initial": 3} if optimizer == "bo" else {}
    first = Study(SPACE, optimizer, seed=0, storage=path, optimizer_settings=settings)
    second = Study.load(path)
    for _ in range(4):  # in lockstep, each asking while the other's trial runs
        a, b = first.ask(), second.ask()
        assert not (a.x == b.x).all()
        first.tell(a, float(a.params["x"] ** 2))
        second.tell(b, float(b.params["x"] ** 2))
    second.refresh()
    assert len({tuple(t.x) for t in second.trials}) == 8


def test_a_trial_of_a_study_gone_from_this_process_is_failed_on_resume(tmp_path):
    path = tmp_path / "study.jsonl"
    first = Study(SPACE, "random", seed=0, storage=path)
    first.ask()
    del first
    gc.collect()
    assert Study.load(path).trials[0].state is TrialState.FAILED


def test_a_copy_does_not_wait_for_the_study_it_was_copied_from(tmp_path):
    original = Study(SPACE, "random", seed=0, storage=tmp_path / "study.jsonl")
    original.ask()  # RUNNING, and its study is open: but it writes the original file, not the copy
    original.save(tmp_path / "copy.jsonl")
    assert Study.load(tmp_path / "copy.jsonl").trials[0].state is TrialState.FAILED
    assert Study.load(tmp_path / "study.jsonl").trials[0].state is TrialState.RUNNING


def test_a_journal_handle_never_appends_over_lines_it_has_not_read(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "random", seed=0, storage=path)
    first, second = Journal(path), Journal(path)
    for handle in (first, second):
        with handle.locked():
            handle.read_all()
    with second.locked():
        second.append({"event": "enqueued", "params": {"x": 0.0, "n": 1}})
    with first.locked(), pytest.raises(RuntimeError, match="without reading the lines"):
        first.append({"event": "enqueued", "params": {"x": 1.0, "n": 1}})


def test_a_study_does_not_undo_a_manual_trial_another_open_study_added(tmp_path):
    # It checked only that the last trial was manual: a second notebook's undo withdrew the
    # trial the first had just added, under it. A trial of a study that is gone may be undone.
    path = tmp_path / "shared.jsonl"
    first = Study(SPACE, seed=0, storage=path)
    second = Study(SPACE, seed=0, storage=path)
    first.add_manual({"x": 0.5, "n": 2}, 1.0)
    with pytest.raises(TrialStateError, match=f"cannot withdraw trial 0: another study still open on this journal "
                                              f"added it \\(process {os.getpid()} "):
        second.undo_manual()
    second.add_manual({"x": 0.2, "n": 3}, 2.0)
    assert second.undo_manual().number == 1 and first.undo_manual().number == 0
    first.add_manual({"x": 0.5, "n": 2}, 1.0)
    del first
    gc.collect()
    assert Study.load(path).undo_manual().number == 0


def _from_another_host(path: Path) -> None:
    """Rewrite ``path`` as if its studies ran on another host (a colleague's journal, or one
    reopened in a new container, whose hostname changes)."""
    events = [json.loads(line) for line in path.read_text().splitlines()]
    for event in events:
        if isinstance(event.get("owner"), dict):
            event["owner"]["host"] = "laptop-of-colleague"
    path.write_text("".join(json.dumps(event) + "\n" for event in events))


def test_a_manual_trial_a_study_on_another_host_added_is_undone_with_a_warning(tmp_path):
    # Another host's study cannot be checked from here: undo_manual refused its trial forever, as
    # added by "another study still open on this journal". Its RUNNING trials still stay RUNNING.
    running, manual = tmp_path / "running.jsonl", tmp_path / "manual.jsonl"
    Study(SPACE, "random", seed=0, storage=running).ask()
    Study(SPACE, "random", seed=0, storage=manual).add_manual({"x": 0.5, "n": 2}, 1.0)
    _from_another_host(running)
    _from_another_host(manual)
    assert Study.load(running).trials[0].state is TrialState.RUNNING
    study = Study.load(manual)
    with pytest.warns(UserWarning, match=r"withdraws trial 0, which process \d+ on host 'laptop-of-colleague' added; "
                                         r"whether that study is still open on this journal could not be checked"):
        assert study.undo_manual().number == 0
    assert study.trials == [] and Study.load(manual).trials == []


def f(params):
    return (params["x"] - 1) ** 2 + params["n"]


def test_a_study_opened_with_another_optimizer_says_the_open_ones_switch_with_it_and_they_say_who_switched(tmp_path):
    # One notebook ran BO; a second process opened the file with "random" to add one trial: the
    # first went on as a random search, told nothing (only the second was warned of its own switch).
    path = tmp_path / "shared.jsonl"
    first = Study(SPACE, "grid", seed=0, storage=path, optimizer_settings={"resolution": 3})
    first.run(f, 2)
    viewer = Study.load(path, read_only=True)  # a dashboard: it follows, without advice it cannot take
    with pytest.warns(RuntimeWarning, match=re.escape(
            f"{path} was using 'grid' with {{'resolution': 3}}; switching to the optimizer given, 'random'. Every "
            "other study working on this file switches too (another Study object of this process): the journal is "
            "one study, with one optimizer in charge. To add trials without changing theirs, open it without an "
            "optimizer (Study(space, storage=...) or Study.load(path)): it goes on with 'grid' with "
            "{'resolution': 3}.")):
        second = Study(SPACE, "random", seed=0, storage=path)
    with pytest.warns(RuntimeWarning, match=re.escape(
            f"{path}, line 6: another Study object of this process switched this study's optimizer from 'grid' with "
            "{'resolution': 3} to 'random'. Every process on a journal has the same optimizer in charge (the journal "
            "is one study, replayed to one history), so this study follows: it goes on with 'random'. To go back, "
            "study.switch_optimizer('grid', {'resolution': 3}) (every process on the journal follows that too).")):
        first.refresh()
    assert first.optimizer.name == "random"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        viewer.refresh()  # review r389: it was told "To go back, study.switch_optimizer(...)", which it refuses
        assert viewer.optimizer.name == "random"
        first.refresh()  # once per switch
        second.run(f, 1)
        first.refresh()
        assert Study(SPACE, storage=path).optimizer.name == "random"  # no optimizer given: the journal's


def test_a_switch_by_a_process_on_another_host_names_it(tmp_path):
    path = tmp_path / "shared.jsonl"
    study = Study(SPACE, "sobol", seed=0, storage=path)
    with Journal(path).locked() as journal:
        journal.read_all()
        journal.append({"event": "switched", "optimizer": {"name": "random", "settings": {"seed": 7}},
                        "owner": {"host": "gpu-3", "pid": 4242, "started": "1", "study": "x"}})
    with pytest.warns(RuntimeWarning, match=r"line 2: process 4242 on host 'gpu-3' switched this study's optimizer "
                                            r"from 'sobol' to 'random'\. "):
        study.refresh()


def test_a_study_opened_with_another_pruner_says_the_open_ones_switch_with_it_and_they_say_who_switched(tmp_path):
    path = tmp_path / "shared.jsonl"
    first = Study(SPACE, "random", seed=0, storage=path, pruner=MedianStoppingRule(n_startup_trials=2))
    first.run(f, 1)  # known to others by the trials it asks
    with pytest.warns(RuntimeWarning, match=r"switching to the pruner given, NopPruner\(\)\. Every other study working "
                                            r"on this file switches too \(another Study object of this process\).* "
                                            r"open it without a pruner \(Study\(space, storage=\.\.\.\) or "
                                            r"Study\.load\(path\)\): it goes on with the pruner 'median' with "):
        Study(SPACE, seed=0, storage=path, pruner=NopPruner())
    with pytest.warns(RuntimeWarning, match=re.escape(
            "line 4: another Study object of this process switched this study's pruner from "
            "MedianStoppingRule(n_startup_trials=2, n_warmup_steps=0, n_min_trials=1) to NopPruner(). ")):
        first.refresh()
    assert isinstance(first.pruner, NopPruner)


def test_trials_a_closed_study_left_running_are_failed_on_opening_with_a_warning_naming_them(tmp_path):
    # After a kill -9 of the process that ran them, Study.load failed them silently.
    path = tmp_path / "study.jsonl"
    first = Study(SPACE, "random", seed=0, storage=path)
    asked = [first.ask() for _ in range(5)]
    first.tell(asked[2], 1.0)
    first.tell(asked[3], 1.0)
    with warnings.catch_warnings():  # an open study's RUNNING trials are its own: nothing failed, nothing said
        warnings.simplefilter("error")
        assert [t.state for t in Study.load(path).trials].count(TrialState.RUNNING) == 3
    del first, asked
    gc.collect()
    with pytest.warns(RuntimeWarning, match=re.escape(
            f"{path}: 3 trials were left RUNNING by a study no longer open on it (its process killed or crashed, or "
            "the study closed): trials 0-1, 4 by another Study object of this process. They are recorded FAILED "
            "('interrupted: the process stopped before this trial finished'; trial.untried).")):
        study = Study.load(path)
    assert [t.number for t in study.trials if t.state is TrialState.FAILED] == [0, 1, 4]


def test_spans_are_runs_of_numbers():
    assert spans([3]) == "3"
    assert spans([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"
    assert spans(list(range(0, 100, 2)), limit=3) == "0, 2, 4, ... (50 in all)"
