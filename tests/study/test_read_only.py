"""Journals a study reads but never writes: one this process cannot write (a read-only mount, an
archive, a colleague's folder), and ``Study.load(path, read_only=True)``. Everything that reads
works; the first write is refused before anything changes, naming the file and how to go on."""

from __future__ import annotations

import builtins
import errno
import gc
import os
import re

import numpy as np
import pytest

from interactive_hpo import Float, SearchSpace, StorageError, Study, TrialState
from interactive_hpo.study import journal_files

SPACE = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])


def quadratic(params, budget=None):
    return (params["x"] - 1) ** 2 + params["y"] ** 2


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A BO study of 6 trials, the last RUNNING in a study still open (its owner alive)."""
    path = tmp_path_factory.mktemp("read_only") / "study.jsonl"
    study = Study(SPACE, "bo", seed=0, storage=path, optimizer_settings={"n_initial": 4})
    study.run(quadratic, 5)
    study.ask()
    yield path
    del study


@pytest.fixture()
def journal(made, tmp_path):
    """A copy of :func:`made`'s journal (a read-only study never fails the trial left RUNNING)."""
    path = tmp_path / "study.jsonl"
    path.write_bytes(made.read_bytes())
    return path


def read_only_mount(monkeypatch):
    """Every open of the journal to write fails as on a read-only mount (the tests may run as root,
    whom chmod does not stop); opening to read works."""
    def opened(file, mode="r", *args, **kwargs):
        if set(mode) & set("wax+"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return builtins.open(file, mode, *args, **kwargs)

    monkeypatch.setattr(journal_files, "open", opened, raising=False)


def np_points():
    return np.random.default_rng(0).random((3, 2))


WRITES = {
    "run": lambda s: s.run(quadratic, 1),
    "ask": lambda s: s.ask(),
    "tell": lambda s: s.tell(s.trials[-1], 0.5),
    "add_manual": lambda s: s.add_manual({"x": 0.0, "y": 0.0}, 1.0),
    "add_evaluated": lambda s: s.add_evaluated({"x": 0.0, "y": 0.0}, quadratic),
    "enqueue": lambda s: s.enqueue({"x": 0.0, "y": 0.0}),
    "switch_optimizer": lambda s: s.switch_optimizer("sobol"),
    "stop": lambda s: s.stop(s.trials[-1]),
}


def test_a_journal_this_process_cannot_write_opens_read_only_with_a_warning(journal, monkeypatch, tmp_path):
    before = journal.read_bytes()
    read_only_mount(monkeypatch)
    with pytest.warns(RuntimeWarning, match=f"{re.escape(str(journal))} cannot be written by this process "
                                            r"\(Read-only file system\): it was opened read-only"):
        study = Study.load(journal)
    # Everything that reads works, as on any journal.
    assert len(study.trials) == 6 and study.trials[-1].state is TrialState.RUNNING
    assert study.best_trial.number in range(5) and len(study.trials_dataframe()) == 6
    assert study.surrogate(5).predict(np_points()).mean.shape == (3,)  # a past step's model, refitted
    for name, write in WRITES.items():
        with pytest.raises(StorageError, match=f"{re.escape(str(journal))} cannot be written by this process "
                                               r"\(Read-only file system\).*Nothing was written.*study.save\(new_path"):
            write(study)
        assert journal.read_bytes() == before, name
        assert len(study.trials) == 6 and study.trials[-1].state is TrialState.RUNNING, name
    assert study.optimizer.name == "bo" and not study.queued
    # How to go on: a copy in a folder one may write to (writing there works: only the journal's opens failed).
    monkeypatch.undo()
    copy = tmp_path / "copy.jsonl"
    study.save(copy)
    Study.load(copy).run(quadratic, 1)
    assert len(Study.load(copy).trials) == 7 and journal.read_bytes() == before


def test_read_only_true_never_writes_not_even_a_repair(journal):
    # A write a crash cut off is cut off the file by a study that opens it; read_only leaves every byte.
    with journal.open("ab") as file:
        file.write(b'{"event":"asked","trial":{"num')
    before = journal.read_bytes()
    # The warning says what happens to the line: it said "cut off the file", which a read-only study never does.
    with pytest.warns(RuntimeWarning, match=r"the last line was cut off mid-write .*it is ignored, and left in the "
                                            r"file as it is \(this study is read-only\); a study that may write the "
                                            r"journal cuts it off") as seen:
        study = Study.load(journal, read_only=True)
    assert not any("cut off the file" in str(w.message) for w in seen)
    assert len(study.trials) == 6 and journal.read_bytes() == before
    with pytest.raises(StorageError, match=r"was opened read-only \(Study.load\(path, read_only=True\)\).*"
                                           r"Study.load\(path\) opens it to write"):
        study.run(quadratic, 1)
    study.refresh()  # reading again is reading
    assert journal.read_bytes() == before


def test_a_read_only_study_shows_a_dead_studys_running_trial_as_the_file_does(tmp_path):
    # A writer fails it (INTERRUPTED); a reader may not write that, so it shows what is on disk.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.ask()
    del study
    gc.collect()  # its owner has ended
    before = path.read_bytes()
    assert Study.load(path, read_only=True).trials[0].state is TrialState.RUNNING and path.read_bytes() == before
    assert Study.load(path).trials[0].state is TrialState.FAILED


def test_a_new_journal_on_a_read_only_mount_is_still_refused(tmp_path, monkeypatch):
    # Nothing to read there: a new study has to write its journal.
    read_only_mount(monkeypatch)
    with pytest.raises(StorageError, match="cannot be opened to write .Read-only file system."):
        Study(SPACE, storage=tmp_path / "new.jsonl")
