"""A journal write that fails (a full disk, a quota, an I/O error): a StorageError naming the
file, nothing of the change recorded on disk nor in memory, and the study writes again once the
disk does."""

from __future__ import annotations

import errno
import os
import re
import signal
from pathlib import Path

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import StorageError
from interactive_hpo.study import journal

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])


def quadratic(params, budget=None):
    return (params["x"] - 1) ** 2 + params["n"] + (params["c"] == "b")


def refused_write(path: Path, cause: str) -> str:
    return f"{re.escape(str(path))}: the journal could not be written \\({cause}.*Nothing of this change was recorded"


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits")
def test_a_full_disk_fails_one_write_and_the_study_writes_again_once_there_is_room(tmp_path):
    # The first failure was a bare OSError; closing the file wrote the buffered rest again and
    # raised, so the closed file was taken for a held lock: every later call raised "I/O
    # operation on closed file", even with room again, and the ask's partial line was later
    # cut with a warning that the process "was probably killed".
    resource = pytest.importorskip("resource")
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 2)
    trial = study.ask()
    before = path.read_bytes()
    limits, handler = resource.getrlimit(resource.RLIMIT_FSIZE), signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 60, limits[1]))  # part of a line fits
        with pytest.raises(StorageError, match=refused_write(path, "File too large: a full disk")):
            study.tell(trial, 0.5)
        with pytest.raises(StorageError, match="study.save\\(another_path\\) keeps its trials"):
            study.ask()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert path.read_bytes() == before  # the parts written were cut back
    assert len(study.trials) == 3 and study.trials[2].state is TrialState.RUNNING  # as on disk
    assert study.tell(trial, 0.5).state is TrialState.COMPLETE
    study.run(quadratic, 1)
    assert [t.value for t in Study.load(path).trials] == [t.value for t in study.trials]


def test_a_failed_fsync_cuts_the_line_back_and_leaves_no_trial_running(tmp_path, monkeypatch):
    # The asked line stayed in the file while the study withdrew the ask in memory: the next run
    # read its own line back as another process's, and that trial stayed RUNNING for ever.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 2)
    before, real_fsync = path.read_bytes(), os.fsync

    def failing(fd):
        monkeypatch.setattr(os, "fsync", real_fsync)  # once
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(StorageError, match=refused_write(path, "Input/output error\\)")):
        study.run(quadratic, 1)
    assert path.read_bytes() == before and len(study.trials) == 2
    study.run(quadratic, 2)
    assert [t.state for t in Study.load(path).trials] == [TrialState.COMPLETE] * 4


def test_a_finish_that_could_not_be_written_names_the_trial_and_how_to_tell_it_again(tmp_path, monkeypatch):
    # Review a213: the error said "tell again a trial whose result this was", but inside
    # study.run neither the trial nor its value was anywhere to be seen, and the trial stayed RUNNING.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 2)
    real_write = journal.write_all

    def full_for_finishes(handle, data):
        if b'"event":"finished"' in data.replace(b" ", b""):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(handle, data)

    monkeypatch.setattr(journal, "write_all", full_for_finishes)
    with pytest.raises(StorageError, match=refused_write(path, "No space left on device")) as raised:
        study.run(quadratic, 1)
    trial = study.trials[2]
    value = quadratic(trial.params)
    assert trial.state is TrialState.RUNNING
    assert raised.value.__notes__ == [f"Trial 2 is still RUNNING: its result was not recorded. Once the disk takes "
                                      f"writes, tell it again: study.tell(2, {value!r})."]
    with pytest.raises(StorageError) as raised:
        study.tell(2, state="PRUNED", user_attrs={"why": "slow"})
    assert raised.value.__notes__ == ["Trial 2 is still RUNNING: its result was not recorded. Once the disk takes "
                                      "writes, tell it again: study.tell(2, state='PRUNED', "
                                      "user_attrs={'why': 'slow'})."]
    monkeypatch.setattr(journal, "write_all", real_write)
    study.tell(2, value)
    assert Study.load(path).trials[2].value == value


def refuse_writes_holding(text, monkeypatch):
    """Make the journal's writes that hold ``text`` (bytes, spaces ignored) fail as a full disk
    does; returns the real write, to put back."""
    real_write = journal.write_all

    def full(handle, data):
        if text in data.replace(b" ", b""):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(handle, data)

    monkeypatch.setattr(journal, "write_all", full)
    return real_write


def test_a_trial_added_finished_is_recorded_whole_or_not_at_all(tmp_path, monkeypatch):
    # Review a218: add_finished wrote "asked", then "finished"; a disk that refused only the second
    # left the trial RUNNING on disk and in memory, owned by this live process, under an error
    # saying "Nothing of this change was recorded", and a retry added a second trial.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 2)
    before, real_write = path.read_bytes(), refuse_writes_holding(b'"event":"finished"', monkeypatch)
    params = {"x": 0.5, "n": 2, "c": "a"}
    with pytest.raises(StorageError, match=refused_write(path, "No space left on device")):
        study.add_finished(params, value=0.7, source="optuna")
    assert path.read_bytes() == before  # the error's "nothing recorded" holds
    assert len(study.trials) == 2 and not study.state.running()
    assert len(Study.load(path).trials) == 2
    monkeypatch.setattr(journal, "write_all", real_write)
    added = study.add_finished(params, value=0.7, source="optuna")
    assert added.number == 2 and added.state is TrialState.COMPLETE and len(study.trials) == 3
    assert [(t.number, t.state, t.value) for t in Study.load(path).trials] == \
        [(t.number, t.state, t.value) for t in study.trials]


def test_a_batch_is_asked_whole_or_not_at_all(tmp_path, monkeypatch):
    # Review a218: ask_batch wrote one line per trial; a disk that refused the second left the first
    # RUNNING, owned by this live process and handed to nobody, under "Nothing of this change was
    # recorded", and the optimizer's random stream moved on past it.
    path = tmp_path / "study.jsonl"
    queued = {"x": 0.5, "n": 2, "c": "a"}
    study = Study(SPACE, "random", seed=0, storage=path)
    study.enqueue(queued)
    before, real_write = path.read_bytes(), refuse_writes_holding(b'"number":1,', monkeypatch)
    with pytest.raises(StorageError, match=refused_write(path, "No space left on device")):
        study.ask_batch(3)
    assert path.read_bytes() == before and study.trials == [] and study.queued == [queued]
    monkeypatch.setattr(journal, "write_all", real_write)
    fresh = Study(SPACE, "random", seed=0)
    fresh.enqueue(queued)
    asked = study.ask_batch(3)
    assert [t.number for t in asked] == [0, 1, 2] and asked[0].source == "enqueued"
    assert [t.params for t in asked] == [t.params for t in fresh.ask_batch(3)]  # as if it had not failed
    assert [t.params for t in Study.load(path).trials] == [t.params for t in asked]
