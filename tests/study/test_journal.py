"""The journal: resume, crash safety (a real SIGKILL), repair of a cut-off line, refusals."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import InvalidParameterError, StorageError
from interactive_hpo.study.journal import Journal
from interactive_hpo.study.journal_lines import is_cut_off
from interactive_hpo.trial import INTERRUPTED

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
ROOT = Path(__file__).resolve().parents[2]


def quadratic(params, budget=None):
    return (params["x"] - 1) ** 2 + params["n"] + (params["c"] == "b")


def events(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()[1:]]


def test_a_new_journal_starts_with_a_header(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "sobol", seed=3, direction="maximize", storage=path)
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == "interactive_hpo.journal" and header["version"] == 1
    assert SearchSpace.from_dict(header["space"]) == SPACE
    assert header["direction"] == "maximize" and header["seed"] == 3
    assert header["optimizer"]["name"] == "sobol" and "seed" in header["optimizer"]["settings"]


def test_every_line_is_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, n_trials=3)
    # Each line, and the folder once: the new journal's name (it is renamed into place whole).
    assert len(synced) - 1 == len(path.read_text().splitlines()) == 1 + 2 * 3


def test_resume_restores_everything_and_continues_numbering(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "sobol", seed=0, storage=path)
    study.run(quadratic, n_trials=4)
    study.add_manual({"x": 1.0, "n": 1, "c": "a"}, 1.0)
    study.step(lambda p: 1 / 0)
    study.enqueue({"x": 0.0, "n": 2, "c": "b"})
    study.switch_optimizer("grid", resolution=3)
    running = study.ask()  # enqueued params, left RUNNING as if the process died here
    study.enqueue({"x": 0.5, "n": 2, "c": "b"})
    before, history = study.trials, study.history()
    del study  # the study that asked `running` is gone, as after a crash
    gc.collect()

    resumed = Study(SPACE, storage=path)
    assert [t.params for t in resumed.trials] == [t.params for t in before]
    assert [t.value for t in resumed.trials[:6]] == [t.value for t in before[:6]]
    assert resumed.trials[5].error.startswith("ZeroDivisionError")
    interrupted = resumed.trials[running.number]
    assert interrupted.state is TrialState.FAILED and interrupted.error.startswith("interrupted")
    assert resumed.optimizer.name == "grid" and resumed.optimizer.resolution == 3
    assert resumed.queued == [{"x": 0.5, "n": 2, "c": "b"}]
    assert resumed.ask().number == len(before)
    np.testing.assert_array_equal(resumed.history().X[:6], history.X[:6])


def test_load_needs_no_space(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, direction="maximize", storage=path).run(quadratic, 3)
    loaded = Study.load(path)
    assert loaded.space == SPACE and loaded.direction == "maximize" and len(loaded.trials) == 3
    loaded.run(quadratic, 2)
    assert len(Study.load(path).trials) == 5


def test_load_reads_the_events_once(tmp_path, monkeypatch):
    """Study.load takes the space and goals from line 1 alone; it read the whole journal for them
    and the study then read it again (a quarter of a load's time at 10^4 trials)."""
    from interactive_hpo.study import journal

    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 3)
    decode, parsed = journal._decode, []
    monkeypatch.setattr(journal, "_decode", lambda line: parsed.append(line) or decode(line))
    assert len(Study.load(path).trials) == 3
    lines = path.read_bytes().splitlines()
    assert parsed == lines[:1] + lines  # the header, then the study's own read


def test_resuming_with_the_same_code_keeps_the_optimizer(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "grid", seed=0, storage=path, optimizer_settings={"resolution": 3}).run(quadratic, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = Study(SPACE, "grid", seed=0, storage=path, optimizer_settings={"resolution": 3})
    assert not [e for e in events(path) if e["event"] == "switched"]
    assert again.optimizer.resolution == 3


def test_resuming_with_another_optimizer_records_a_switch(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "random", seed=0, storage=path).run(quadratic, 3)
    # The optimizer it was using is named as typed: "RandomSearch(seed=2968811710)" named the seed
    # the study derived from seed=0.
    with pytest.warns(RuntimeWarning, match="was using 'random'; switching to the optimizer given, 'sobol'.$"):
        assert Study(SPACE, "sobol", seed=0, storage=path).optimizer.name == "sobol"  # closed: no other study is open
    with pytest.warns(RuntimeWarning, match=r"given, 'grid' with \{'resolution': 3\}.$"):
        Study(SPACE, "grid", seed=0, storage=path, optimizer_settings={"resolution": 3})
    with pytest.warns(RuntimeWarning, match=r"was using 'grid' with \{'resolution': 3\}; switching to the optimizer "
                                            r"given, 'bo' with \{'n_initial': 3\}.$"):
        Study(SPACE, "bo", seed=0, storage=path, optimizer_settings={"n_initial": 3})
    assert [e["optimizer"]["name"] for e in events(path) if e["event"] == "switched"] == ["sobol", "grid", "bo"]


@pytest.mark.parametrize("line", [1, 8])  # the header, or a "switched" event
def test_an_unknown_optimizer_is_refused_naming_its_line(tmp_path, line):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "random", seed=0, storage=path).run(quadratic, 3)
    if line > 1:  # the optimizer in charge is the last switch's; the header's otherwise
        with pytest.warns(RuntimeWarning, match="switching"):
            Study(SPACE, "sobol", seed=0, storage=path)
    lines = path.read_text().splitlines(keepends=True)
    record = json.loads(lines[line - 1])
    record["optimizer"]["name"] = "magic"
    lines[line - 1] = json.dumps(record) + "\n"
    edited = "".join(lines)
    path.write_text(edited)
    owner = "the journal's header" if line == 1 else 'this "switched" event'
    with pytest.raises(StorageError, match=rf'study.jsonl, line {line}: `optimizer` of {owner} must be the name of an '
                                           r"optimizer registered in this process \(\['asha', .*\); got 'magic'\. "
                                           r"Import the module that registers it"):
        Study.load(path)
    assert path.read_text() == edited


def test_an_unknown_optimizer_switched_to_by_another_process_names_its_line(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(quadratic, 2)
    with open(path, "a") as file:  # another process's switch, to an optimizer this one lacks
        file.write(json.dumps({"event": "switched", "optimizer": {"name": "magic", "settings": {}}}) + "\n")
    with pytest.raises(StorageError, match=r'study.jsonl, line 6: `optimizer` of this "switched" event must be the '
                                           r"name of an optimizer registered in this process .*; got 'magic'"):
        study.ask()


def test_resume_warns_about_a_different_seed(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=1, storage=path)
    with pytest.warns(RuntimeWarning, match="seed=1"):
        assert Study(SPACE, seed=2, storage=path).seed == 1


@pytest.mark.parametrize("differs", ["optimizer", "seed", "warm_start", "pruner"])
def test_a_resume_warning_points_at_the_line_that_opened_the_journal(tmp_path, differs):
    path = tmp_path / "study.jsonl"
    Study(SPACE, "ga", seed=1, storage=path).run(quadratic, 2)
    source = Study(SPACE, seed=0)
    source.run(quadratic, 2)
    settings = {"optimizer": "ga", "seed": 1, differs: {"optimizer": "sobol", "seed": 2, "warm_start": {"old": source},
                                                           "pruner": "median"}[differs]}
    with pytest.warns(RuntimeWarning) as caught:
        Study(SPACE, storage=path, **settings)  # the line the warnings must name
    assert {(Path(w.filename).name, w.lineno) for w in caught} == {(Path(__file__).name,
                                                                    sys._getframe().f_lineno - 2)}


def test_a_cut_off_last_line_is_dropped_with_a_warning(tmp_path):
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 3)
    complete = path.read_text()
    path.write_text(complete + '{"event":"asked","trial":{"num')
    with pytest.warns(RuntimeWarning, match="cut off mid-write"):
        resumed = Study(SPACE, storage=path)
    assert len(resumed.trials) == 3 and path.read_text() == complete
    resumed.run(quadratic, 1)
    assert len(Study(SPACE, storage=path).trials) == 4


def test_a_last_event_that_lost_only_its_newline_is_kept(tmp_path):
    # Fuzz A3: it was cut off as a torn write, and its trial came back FAILED "interrupted".
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 3)
    complete = path.read_bytes()
    path.write_bytes(complete[:-1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [t.state for t in Study.load(path).trials] == [TrialState.COMPLETE] * 3
    assert path.read_bytes() == complete  # the newline is back: the next event starts its own line
    path.write_bytes(complete[:-1])
    first, second = Study(SPACE, storage=path), Study(SPACE, storage=path)  # the second ends the line
    first.step(quadratic)
    assert [t.state for t in Study.load(path).trials] == [TrialState.COMPLETE] * 4
    assert all(isinstance(json.loads(line), dict) for line in path.read_bytes().splitlines())
    assert len(second.trials) == 3 and second.step(quadratic).number == 4


def test_a_refused_journal_keeps_its_cut_off_line(tmp_path):
    # It is cut only once the journal is accepted: a refused file is left byte for byte.
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 2)
    path.write_bytes(path.read_bytes() + b'{"event":"asked","trial":{"num')
    damaged = path.read_bytes()
    with pytest.warns(RuntimeWarning, match="cut off mid-write"), \
            pytest.raises(StorageError, match="another search space"):
        Study(SearchSpace([Float("lr", 1e-4, 1.0)]), storage=path)
    with pytest.warns(RuntimeWarning, match="cut off mid-write"), pytest.raises(StorageError, match="maximize"):
        Study(SPACE, direction="maximize", storage=path)
    assert path.read_bytes() == damaged


@pytest.mark.parametrize("tail", [
    b"# note: run on the GPU box, keep until 2027 " + b"x" * 5000,  # fuzz a174: 5 KB cut, "cut off mid-write"
    b"keep",
    '{"event":"asked","note":"caf\u00e9'.encode(),  # not ASCII: this package writes \\u00e9
    b'{"event": "asked", "trial": {"num',  # spaces between tokens: not this package's writing
    b'{"note":"keep until 2027',  # an object, but no event's start
    b'{"event":"removed","number":3',  # no event of the format
    b'{"event":"asked","trial":{"number":3}}, "more"',  # a whole event and more
    b'{"event":"asked","trial":{"number":01',  # no JSON's start
])
def test_a_last_line_that_is_no_cut_off_write_is_refused_and_kept(tmp_path, tail):
    # Only the start of an event as this package writes it is what a killed writer leaves.
    path = tmp_path / "study.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 3)
    path.write_bytes(path.read_bytes() + tail)
    before = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "cut off mid-write" warning either
        with pytest.raises(StorageError, match=re.escape(f"{path}, line 8: not valid JSON (") + ".*It is the last "
                           "line, with no newline, but not the start of an event as interactive_hpo writes one"):
            Study.load(path)
    assert path.read_bytes() == before


def test_every_cut_of_every_line_this_package_writes_is_a_cut_off_write(tmp_path):
    # The other side of the refusal above: whatever a kill leaves of a line is still mended.
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 2)
    study.tell(study.ask(), 1.5, user_attrs={"note": "caf\u00e9 \"quoted\"\n", "curve": [-1.5e-07, 2e+300, None]})
    study.enqueue({"x": -0.0, "n": 5, "c": "b"})
    study.report(study.ask().number, 3, 0.25)
    complete = path.read_bytes()
    *lines, last = complete.split(b"\n")[1:]
    assert last == b"" and {json.loads(line)["event"] for line in lines} >= {"asked", "finished", "enqueued",
                                                                              "reported"}
    start = len(complete) - len(lines[-1]) - 1
    for cut in range(start + 1, len(complete) - 1):  # the last line, every prefix
        path.write_bytes(complete[:cut])
        with pytest.warns(RuntimeWarning, match="cut off mid-write"):
            assert len(Study.load(path).trials) == 4
        assert path.read_bytes() == complete[:start]
    for line in lines:  # every other line: the tests of the rule itself
        assert all(is_cut_off(line[:cut]) for cut in range(1, len(line))) and not is_cut_off(line)


def test_save_writes_the_whole_copy_or_nothing(tmp_path, monkeypatch):
    # Fuzz A2: a record the journal could not write left a partial copy that loaded as a valid
    # study (and blocked saving there again).
    study = Study(SPACE, seed=0)
    study.run(quadratic, 3)
    copy = tmp_path / "copy.jsonl"
    study.state.log({"event": "enqueued", "params": {"x": float("nan")}})  # what JSON cannot hold
    with pytest.raises(ValueError, match="JSON"):
        study.save(copy)
    assert os.listdir(tmp_path) == []
    study.state._events.pop()
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    for write, path in ((lambda: study.save(copy), copy), (lambda: Study(SPACE, storage=tmp_path / "new.jsonl"),
                                                            tmp_path / "new.jsonl")):
        # Named the file and what a full disk means (a bare OSError named neither: a200 / h207 left alone).
        with pytest.raises(StorageError, match=re.escape(f"{path}: the journal could not be written (No space left "
                                                         "on device: a full disk, or a quota or file size limit). "
                                                         "Nothing was left behind")):
            write()
        assert os.listdir(tmp_path) == []
    monkeypatch.setattr(os, "fsync", real_fsync)
    study.save(copy)
    assert len(Study.load(copy).trials) == 3 and sorted(os.listdir(tmp_path)) == ["copy.jsonl"]


@pytest.mark.parametrize("owner", ["Study", "Study.save", "Study.load"])
def test_a_path_inside_a_file_is_refused_clearly(tmp_path, owner):
    # Fuzz C3: a bare FileExistsError / NotADirectoryError.
    (tmp_path / "file").write_text("mine")
    path = tmp_path / "file" / "sub" / "study.jsonl"
    call = {"Study": lambda: Study(SPACE, storage=path), "Study.save": lambda: Study(SPACE).save(path),
            "Study.load": lambda: Study.load(path)}[owner]
    name = "storage" if owner == "Study" else "path"
    with pytest.raises(InvalidParameterError, match=f"`{name}` of {owner} must be a file path inside a folder; got "
                                                    f".*is a file, not a folder"):
        call()
    assert (tmp_path / "file").read_text() == "mine"


def _special_file(folder: Path, kind: str) -> Path:
    """A path in ``folder`` that is no regular file: a named pipe, a Unix socket, a symlink loop."""
    path = folder / kind
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    else:
        path.symlink_to(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.timeout(30)  # the old code waited for ever to read a pipe
@pytest.mark.parametrize("kind", ["pipe", "socket", "loop"])
@pytest.mark.parametrize("owner", ["Study", "Study.save", "Study.load"])
def test_a_special_file_is_refused(tmp_path, owner, kind):
    # A pipe was opened and read for ever; a socket gave OSError ENXIO, a loop pathlib's RuntimeError;
    # a device (storage="/dev/null", as root) was replaced by a regular file holding the journal.
    path = _special_file(tmp_path, kind)
    call = {"Study": lambda: Study(SPACE, storage=path), "Study.save": lambda: Study(SPACE).save(path),
            "Study.load": lambda: Study.load(path)}[owner]
    name = "storage" if owner == "Study" else "path"
    with pytest.raises(InvalidParameterError, match=f"`{name}` of {owner} must be a path to a regular file"):
        call()
    assert sorted(os.listdir(tmp_path)) == [kind] and (path.is_symlink() or not path.is_file())


@pytest.mark.parametrize("through", ["path", "symlink", "save"])
def test_a_journal_in_a_folder_that_does_not_exist_is_refused(tmp_path, through):
    # Fuzz a174 #5: the folders were made, so a typo in one started the study apart from the
    # journal meant, while an export refused ("make it first").
    missing = tmp_path / "runs" / "today"
    path = missing / "study.jsonl"
    if through == "symlink":
        (tmp_path / "study.jsonl").symlink_to(path)
    given = tmp_path / "study.jsonl" if through == "symlink" else path
    with pytest.raises(StorageError, match=re.escape(f"{given}: there is no folder {missing}, so no journal was "
                                                     "started there. Check the path for a typo, or make the folder "
                                                     f"first (Path({str(missing)!r}).mkdir(parents=True)).")):
        Study(SPACE).save(given) if through == "save" else Study(SPACE, seed=0, storage=given)
    assert not (tmp_path / "runs").exists()
    missing.mkdir(parents=True)
    Study(SPACE, seed=0, storage=given).run(quadratic, 2)
    assert len(Study.load(path).trials) == 2


@pytest.mark.parametrize("how", ["deleted", "cut", "replaced", "copied over"])
def test_a_journal_deleted_cut_or_replaced_under_an_open_study_is_said_so(tmp_path, how):
    # The UI fuzz: "an event was appended without reading ...; this is a bug in interactive_hpo".
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(lambda p: p["x"], n_trials=3)
    if how == "deleted":
        path.unlink()
    elif how == "cut":
        path.write_bytes(path.read_bytes()[:100])
    else:  # by a longer journal of another study (its lines would be read from the middle)
        other = Study(SPACE, "random", seed=1, storage=tmp_path / "other.jsonl")
        other.run(lambda p: p["x"], n_trials=6)
        if how == "replaced":
            os.replace(tmp_path / "other.jsonl", path)
        else:  # the same inode (fuzz a174: "line 8: not valid JSON ... The file is corrupted")
            shutil.copyfile(tmp_path / "other.jsonl", path)
    said = {"deleted": "it was deleted (or renamed) since it was opened",
            "cut": "it was cut since it was opened (",
            "replaced": "it was replaced since it was opened (another file has its name now)",
            "copied over": "it was replaced since it was opened: its first line is not the header read then"}[how]
    with pytest.raises(StorageError, match=re.escape(f"{path} is no longer the journal this study read: {said}") +
                       ".*Nothing was written"):
        study.run(lambda p: p["x"], n_trials=1)
    assert path.exists() == (how != "deleted") and len(study.trials) == 3  # no empty file made in its place
    study.save(tmp_path / "kept.jsonl")
    assert len(Study.load(tmp_path / "kept.jsonl").trials) == 3


def test_a_relative_storage_path_survives_a_change_of_working_folder(tmp_path, monkeypatch):
    # A notebook's %cd: the relative path then named a new, empty file in the new folder; the next
    # run made it, removed it and said the journal had been "deleted, cut or replaced".
    monkeypatch.chdir(tmp_path)
    study = Study(SPACE, "random", seed=0, storage="study.jsonl")
    study.run(quadratic, n_trials=2)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    study.run(quadratic, n_trials=2)
    # The file the study writes, wherever the notebook is now: Study.load(study.storage) opens it.
    assert study.storage == str(tmp_path / "study.jsonl") and list((tmp_path / "sub").iterdir()) == []
    assert len(Study.load(study.storage).trials) == 4


def test_an_empty_file_is_a_new_study(tmp_path):
    path = tmp_path / "study.jsonl"
    path.touch()
    Study(SPACE, seed=0, storage=path).run(quadratic, 1)
    assert len(Study.load(path).trials) == 1


def test_save_copies_the_journal_and_never_overwrites(tmp_path):
    study = Study(SPACE, "sobol", seed=0)
    study.run(quadratic, 4)
    study.switch_optimizer("random")
    study.step(quadratic)
    study.save(tmp_path / "copy.jsonl")
    copy = Study.load(tmp_path / "copy.jsonl")
    assert [t.params for t in copy.trials] == [t.params for t in study.trials]
    assert copy.optimizer.name == "random"
    with pytest.raises(ValueError, match="never overwritten"):
        study.save(tmp_path / "copy.jsonl")
    notes = tmp_path / "notes.txt"  # not a journal: the error must not call it one
    notes.write_text("mine\n")
    with pytest.raises(ValueError, match=r"a path with no file yet .*an existing file is never overwritten"):
        study.save(notes)
    assert notes.read_text() == "mine\n"


def test_journals_contain_only_json(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    study.run(quadratic, 3)
    for line in path.read_bytes().splitlines():
        assert isinstance(json.loads(line), dict)
    assert Journal(path).read()[0]["format"] == "interactive_hpo.journal"


# -- a real crash: SIGKILL in the middle of run() ---------------------------------------------

CRASHING_RUN = textwrap.dedent(
    """
    import sys, time
    from interactive_hpo import Categorical, Float, Int, SearchSpace, Study

    space = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])

    def slow_quadratic(params, budget=None):
        time.sleep(0.02)
        return (params["x"] - 1) ** 2 + params["n"] + (params["c"] == "b")

    settings = {"bo": {"n_initial": 4}}.get(sys.argv[2], {})
    study = Study(space, sys.argv[2], seed=7, storage=sys.argv[1], optimizer_settings=settings)
    study.run(slow_quadratic, n_trials=100_000)
    """
)


#: Proposals that do not depend on the losses: a resumed run asks what an uninterrupted one would.
LOSS_BLIND = ("random", "sobol", "grid")


@pytest.mark.parametrize("optimizer", [*LOSS_BLIND, "bo", "cmaes", "ga", "de", "asha", "halving", "hyperband"])
def test_sigkill_mid_run_loses_nothing_and_resumes_like_an_uninterrupted_run(tmp_path, optimizer):
    # Finished trials before the kill; BO's are the slow ones: 6 are 4 Sobol points and two GP
    # proposals, a first fit and a warm-started one, which the resumed study's next fit takes up.
    at_least = 6 if optimizer == "bo" else 15
    path = tmp_path / "study.jsonl"
    script = tmp_path / "crashing_run.py"
    script.write_text(CRASHING_RUN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(script), str(path), optimizer], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and path.read_text().count('"event":"finished"') >= at_least:
                break
            time.sleep(0.01)
        else:
            pytest.fail(f"the child never wrote {at_least} finished trials")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    on_disk = [e for e in events_tolerant(path) if e["event"] == "finished"]
    settings = {"bo": {"n_initial": 4}}.get(optimizer, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the kill may have cut the last line
        resumed = Study(SPACE, optimizer, seed=7, storage=path, optimizer_settings=settings)
    # Every trial finished on disk is back, with its value.
    finished = {t.number: t.value for t in resumed.trials if t.state is TrialState.COMPLETE}
    assert len(finished) >= at_least
    assert finished == {e["number"]: e["value"] for e in on_disk if e["state"] == "COMPLETE"}
    assert not [t for t in resumed.trials if t.state is TrialState.RUNNING]
    # The resumed study continues the numbering ...
    n = len(resumed.trials)
    interrupted = [t.number for t in resumed.trials if t.error == INTERRUPTED]
    nxt = resumed.ask()
    assert nxt.number == n
    # ... its trials are those of an uninterrupted run with the same seed, up to the kill ...
    reference = Study(SPACE, optimizer, seed=7, optimizer_settings=settings)
    k = min([n, *interrupted])
    reference.run(quadratic, n_trials=k)
    assert [t.params for t in reference.trials] == [t.params for t in resumed.trials[:k]]
    if optimizer in LOSS_BLIND:  # ... and it proposes what the uninterrupted run proposes next
        reference.run(quadratic, n_trials=n - k)
        assert reference.ask().params == nxt.params
    else:  # ... and the journal alone decides what comes next
        resumed.save(tmp_path / "copy.jsonl")
        twin = Study.load(tmp_path / "copy.jsonl")  # `nxt` runs in `resumed`, not in the copy: failed there
        assert twin.trials[-1].error == INTERRUPTED
        # As the copy records it: a scheduler runs a job its process's end stopped again (Trial.untried).
        resumed.tell(nxt, state="FAILED", user_attrs={"error": INTERRUPTED})
        assert twin.ask().params == resumed.ask().params


def events_tolerant(path):
    """Events of a journal that may end in a cut-off line (which is not an event yet)."""
    lines = Path(path).read_bytes().split(b"\n")[1:-1]
    return [json.loads(line) for line in lines]


def test_an_undone_manual_trial_stays_undone_after_resume(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=2, storage=path)
    study.run(quadratic, n_trials=2)
    study.add_manual({"x": 1.0, "n": 1, "c": "a"}, -1.0)
    study.undo_manual()
    study.add_manual({"x": 0.5, "n": 2, "c": "b"}, 3.0)  # takes the withdrawn trial's number
    study.step(quadratic)
    study.save(tmp_path / "copy.jsonl")  # resumed from a copy, so that the two studies do not share a journal
    resumed = Study.load(tmp_path / "copy.jsonl")
    assert [t.params for t in resumed.trials] == [t.params for t in study.trials]
    assert [e["event"] for e in events(path)].count("undone") == 1
    assert resumed.ask().params == study.ask().params


def lose_the_next_ask(study, monkeypatch):
    """Ask once with the disk full for the "asked" event: the ask fails, nothing is recorded."""
    append = Journal.append

    def disk_full_once(self, event):
        if event.get("event") == "asked":
            monkeypatch.setattr(Journal, "append", append)
            raise OSError("No space left on device")
        return append(self, event)

    monkeypatch.setattr(Journal, "append", disk_full_once)
    with pytest.raises(OSError, match="No space left"):
        study.ask()


@pytest.mark.parametrize("optimizer", ["grid", "random", "ga"])
def test_an_ask_whose_journal_write_fails_leaves_the_optimizer_as_if_never_asked(tmp_path, monkeypatch, optimizer):
    # The optimizer counted the proposal while no trial held it: a grid never proposed that point
    # again, and every later proposal differed from what the journal's replay gives.
    space = SearchSpace([Int("n", 0, 4), Categorical("c", ["a", "b"])])
    study = Study(space, optimizer, seed=0, storage=tmp_path / "study.jsonl")
    twin = Study(space, optimizer, seed=0)
    for each in (study, twin):
        each.run(lambda p: p["n"], n_trials=2)
    lose_the_next_ask(study, monkeypatch)
    assert len(study.trials) == 2 and study.optimizer.pending == []
    for each in (study, twin):
        each.run(lambda p: p["n"], n_trials=6)
    assert [t.params for t in study.trials] == [t.params for t in twin.trials]
    assert [t.params for t in Study.load(tmp_path / "study.jsonl").trials] == [t.params for t in twin.trials]


def test_a_lost_ask_with_bo_proposals_running_rebuilds_the_fit_they_recorded(tmp_path, monkeypatch):
    # The review: the rebuilt BO noted its running proposals but not the fit they recorded, so its
    # next fits started from older hyperparameters and later proposals differed from the twin's.
    pytest.importorskip("botorch")
    space = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])
    settings = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64}
    study = Study(space, "bo", seed=0, storage=tmp_path / "study.jsonl", optimizer_settings=settings)
    twin = Study(space, "bo", seed=0, optimizer_settings=settings)
    bowl = lambda p: (p["x"] - 0.3) ** 2 + (p["y"] + 0.5) ** 2  # noqa: E731
    running = []
    for each in (study, twin):
        each.run(bowl, n_trials=6)
        running.append([each.ask(), each.ask()])  # two GP proposals left running
    lose_the_next_ask(study, monkeypatch)
    for each, pending in zip((study, twin), running, strict=True):
        for trial in pending:
            each.tell(trial, bowl(trial.params))
        each.run(bowl, n_trials=4)
    assert [t.params for t in study.trials] == [t.params for t in twin.trials]


def test_warnings_name_the_users_line_by_whichever_path_they_arise(tmp_path):
    """A warning deep in the package (an optimizer told by run or by tell, a subscriber, a cut-off
    journal read on load) names the line the user wrote, not one inside interactive_hpo."""
    here = Path(__file__).name

    def lines(caught):
        return {(Path(w.filename).name, w.lineno) for w in caught}

    line = sys._getframe().f_lineno
    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True)])
    with pytest.warns(RuntimeWarning, match="stays at its start") as caught:
        Study(space, "hypergradient", seed=0).run(lambda p: p["lr"], 3)  # line + 3
    assert lines(caught) == {(here, line + 3)}
    study = Study(space, "hypergradient", seed=0)
    study.tell(study.ask(), 0.5)
    with pytest.warns(RuntimeWarning, match="stays at its start") as caught:
        study.ask()  # line + 8
    assert lines(caught) == {(here, line + 8)}

    def broken(event):
        raise ValueError("boom")

    study.subscribe(broken)
    with pytest.warns(RuntimeWarning, match="boom") as caught:
        study.add_manual({"lr": 0.1}, 0.2)  # line + 16
    assert lines(caught) == {(here, line + 16)}
    path = tmp_path / "cut.jsonl"
    Study(SPACE, "random", seed=0, storage=path).run(quadratic, 2)
    with open(path, "ab") as handle:
        handle.write(b'{"event":"fin')
    with pytest.warns(RuntimeWarning, match="cut off mid-write") as caught:
        Study.load(path)  # line + 23
    assert lines(caught) == {(here, line + 23)}


def _interrupted_after(monkeypatch, cls, name):
    """Make ``cls.name`` press Ctrl-C (a SIGINT, as Jupyter's Interrupt sends) once, as it returns."""
    original = getattr(cls, name)

    def pressed(*args, **kwargs):
        monkeypatch.setattr(cls, name, original)
        result = original(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)
        return result

    monkeypatch.setattr(cls, name, pressed)


@pytest.mark.timeout(60)  # a Ctrl-C that kept the journal's lock made the next call wait for ever
@pytest.mark.parametrize(("where", "call"), [
    ("write", "ask"), ("write", "tell"), ("write", "add_manual"), ("write", "enqueue"), ("write", "switch_optimizer"),
    ("write", "report"), ("read", "ask"), ("lock", "ask"), ("lock", "tell")])
def test_a_ctrl_c_in_a_journal_write_read_or_lock_leaves_the_study_as_its_journal(tmp_path, monkeypatch, where, call):
    # A Ctrl-C just after an event was written, before memory had it: the next trial took the
    # same number, and the journal the package wrote no longer loaded ("trial number 4 where 5
    # was expected"). Just after reading another process's events: they were never applied.
    # Just after the file was locked: the lock was kept and the next call waited for ever.
    path = tmp_path / "s.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(quadratic, 2)
    running = study.ask()
    if where == "read":
        Study.load(path).run(quadratic, 2)  # another process's trials, to be read
    patched = {"write": (Journal, "_append_bytes"), "read": (Journal, "read_new"),
               "lock": (Journal, "_open_locked")}[where]
    _interrupted_after(monkeypatch, *patched)
    with pytest.raises(KeyboardInterrupt) as pressed:  # kept, as IPython keeps the last traceback (sys.last_traceback)
        {"ask": study.ask, "tell": lambda: study.tell(running, 1.0),
         "add_manual": lambda: study.add_manual({"x": 0.5, "n": 2, "c": "a"}, 1.0),
         "enqueue": lambda: study.enqueue({"x": 0.5, "n": 2, "c": "a"}),
         "switch_optimizer": lambda: study.switch_optimizer("sobol"),
         "report": lambda: study.report(running, 1.0, 1)}[call]()
    study.run(quadratic, 3)
    loaded = Study.load(path)

    def seen(trials):
        return [(t.number, t.state, dict(t.params), t.value, dict(t.intermediate_values)) for t in trials]

    assert seen(loaded.trials) == seen(study.trials) and loaded.queued == study.queued
    assert loaded.optimizer.name == study.optimizer.name and pressed.type is KeyboardInterrupt


@pytest.mark.parametrize("call", ["step", "run"])
def test_a_ctrl_c_held_while_a_step_asked_ends_its_trial_cut_short(tmp_path, monkeypatch, call):
    # The Ctrl-C held while the ask was written is raised as the ask ends: the trial was left
    # RUNNING, with nobody to finish it while the process lived.
    path = tmp_path / "s.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(quadratic, 2)
    _interrupted_after(monkeypatch, Journal, "_append_bytes")
    with pytest.raises(KeyboardInterrupt):
        study.step(quadratic) if call == "step" else study.run(quadratic, 3)
    (trial,) = study.trials[2:]
    assert trial.state is TrialState.FAILED and trial.cut_short
    assert [t.state for t in Study.load(path).trials] == [t.state for t in study.trials]


@pytest.mark.parametrize("where", ["end", "middle"])
def test_a_blank_line_is_named_as_such(tmp_path, where):
    # It was "not valid JSON (Expecting value: line 1 column 1 (char 0))".
    path = tmp_path / "s.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 2)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines + ["\n"] if where == "end" else lines[:2] + [" \n"] + lines[2:]))
    before = path.read_bytes()
    line = len(lines) + 1 if where == "end" else 3
    with pytest.raises(StorageError, match=f"{path}, line {line}: the line is blank; a journal has none. Delete it"):
        Study.load(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("edit, message", [
    # A key given twice loaded silently, the last winning: this header's minimized study was maximized.
    (lambda lines: [lines[0][:-1] + b',"direction":"maximize"}'] + lines[1:],
     "line 1: the key 'direction' appears twice in one JSON object, so which value counts is not clear."),
    (lambda lines: lines[:2] + [lines[2][:-1] + b',"event":"finished"}'] + lines[3:],
     "line 3: the key 'event' appears twice in one JSON object"),
    # "'utf-32-be' codec can't decode bytes": json guessed an encoding from the NULs.
    (lambda lines: lines[:3] + [b"\0" * 50] + lines[3:],
     "line 4: not valid JSON \\(the line holds NUL bytes, so it is not text"),
    # "the study has trials 0 to -1".
    (lambda lines: [lines[0], lines[2], lines[1]] + lines[3:],
     "line 2: .*the event names trial 0, but the study has no trial yet"),
], ids=["header key twice", "event key twice", "NUL bytes", "reordered"])
def test_a_line_that_does_not_say_one_thing_is_refused_saying_why(tmp_path, edit, message):
    path = tmp_path / "s.jsonl"
    Study(SPACE, seed=0, storage=path).run(quadratic, 2)
    path.write_bytes(b"\n".join(edit(path.read_bytes().split(b"\n")[:-1])) + b"\n")
    before = path.read_bytes()
    with pytest.raises(StorageError, match=f"{re.escape(str(path))}, {message}"):
        Study.load(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("case", ["unreadable journal", "read-only folder"])
def test_a_journal_that_cannot_be_written_is_refused_naming_the_file(tmp_path, monkeypatch, case):
    # Python's PermissionError from deep inside the journal (simulated: the tests may run as root,
    # whom no permission stops). A journal that can be read opens read-only (tests/study/test_read_only.py).
    import interactive_hpo.study.journal_files as journal_files

    path = tmp_path / "s.jsonl"
    if case == "unreadable journal":
        Study(SPACE, seed=0, storage=path).run(quadratic, 2)
    before = path.read_bytes() if path.exists() else None

    def refused(file, mode, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(journal_files, "open", refused, raising=False)
    with pytest.raises(StorageError, match=f"{path} cannot be opened to read .Permission denied.\\.$" if before else
                       f"{path} cannot be opened to write .Permission denied.: a study appends each trial to its "
                       "journal"):
        Study.load(path) if case == "unreadable journal" else Study(SPACE, storage=path)
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_large_file_that_is_no_journal_is_refused_without_reading_it_whole(tmp_path):
    # A model checkpoint given as storage was read whole (and split, and decoded) before the
    # refusal: twice its size in memory.
    import tracemalloc

    path = tmp_path / "model.pt"
    path.write_bytes(b"PK\x03\x04" + bytes(20_000_000))
    tracemalloc.start()
    try:
        with pytest.raises(StorageError, match="is not an interactive_hpo journal: it does not begin with a JSON "
                                                 r"object \(b'PK\\x03\\x04"):
            Study(SPACE, storage=path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000 and path.stat().st_size == 20_000_004


@pytest.mark.timeout(30)
def test_a_ctrl_c_as_the_lock_is_taken_lets_go_of_it_and_waiting_for_it_stays_interruptible(tmp_path, monkeypatch):
    # Held from the flock on, a Ctrl-C could not end a wait for another process's lock; not held,
    # one landing just after the flock kept the locked file open in the traceback (IPython keeps
    # the last one), and this process's next lock waited for ever.
    import fcntl

    from interactive_hpo.study import journal as journal_module

    path = tmp_path / "s.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(quadratic, 2)
    real = fcntl.flock

    def locked_then_pressed(fd, operation):
        real(fd, operation)
        monkeypatch.setattr(journal_module.fcntl, "flock", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(journal_module.fcntl, "flock", locked_then_pressed)
    with pytest.raises(KeyboardInterrupt) as pressed:  # kept, as IPython keeps sys.last_traceback
        study.ask()
    study.run(quadratic, 2)
    assert len(Study.load(path).trials) == 4 and pressed.type is KeyboardInterrupt


def test_a_ctrl_c_held_while_a_parallel_run_asked_leaves_no_trial_running(tmp_path, monkeypatch):
    # The runner asks with study.ask(): the Ctrl-C held while the ask was written was raised as
    # the ask ended, and the runner never got the trial, left RUNNING on disk and in memory.
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "s.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    original, asked = Journal.append, []

    def append(self, event):
        original(self, event)
        if event.get("event") == "asked":
            asked.append(event)
            if len(asked) == 2:
                signal.raise_signal(signal.SIGINT)   # Ctrl-C just after the second ask is written

    monkeypatch.setattr(Journal, "append", append)
    with pytest.raises(KeyboardInterrupt), ThreadPoolExecutor(2) as pool:
        study.run(quadratic, 4, executor=pool, n_workers=2)
    assert study.trials[1].state is TrialState.FAILED and study.trials[1].cut_short
    assert not [t for t in Study.load(path).trials if t.state is TrialState.RUNNING]


def test_a_ctrl_c_during_a_joint_proposal_is_not_held_and_leaves_no_trial_running(tmp_path, monkeypatch):
    # With params queued, the queued ask was written first, and the Ctrl-C was held through the
    # whole joint proposal (seconds for a GP's); the batch was then left RUNNING.
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "s.jsonl")
    study.enqueue({"x": 0.5, "n": 2, "c": "a"})
    proposed = []

    def pressed(q):
        signal.raise_signal(signal.SIGINT)
        proposed.append(q)   # not reached while the Ctrl-C is raised at once

    monkeypatch.setattr(study.optimizer, "ask_batch", pressed)
    with pytest.raises(KeyboardInterrupt):
        study.ask_batch(3)
    assert proposed == [] and study.trials == [] and study.queued == [{"x": 0.5, "n": 2, "c": "a"}]
    assert [t.params for t in study.ask_batch(1)] == [{"x": 0.5, "n": 2, "c": "a"}]


def test_a_home_relative_path_is_the_shell_s(tmp_path, monkeypatch):
    """"~/study.jsonl" made a folder named "~" in the working folder, and a resume from another
    folder found nothing and started over."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)
    space = SearchSpace([Float("x", 0, 1)])
    Study(space, seed=0, storage="~/s.jsonl").run(lambda p: p["x"], n_trials=2, progress=False)
    assert (tmp_path / "home" / "s.jsonl").exists() and not (tmp_path / "~").exists()
    assert len(Study.load("~/s.jsonl").trials) == 2


@pytest.mark.parametrize("optimizer", ["sobol", "bo"])
def test_a_running_trial_is_pending_for_a_switched_to_optimizer_and_an_enqueued_one_too(tmp_path, optimizer):
    # Review r375: a study switched while its own trials ran, or running an enqueued trial, proposed
    # that configuration again; a reload of its journal (which notes every running trial) did not.
    from interactive_hpo import Categorical

    space = SearchSpace([Categorical("c", list("abc"))])
    path = tmp_path / "study.jsonl"
    study = Study(space, "sobol", seed=0, storage=path)
    study.enqueue({"c": "b"})
    running = [study.ask(), study.ask()]  # the enqueued one, then the optimizer's
    study.switch_optimizer(optimizer)
    # Read only: its trials still run here (a copy's owner is gone: its running trials would fail).
    reloaded = Study.load(path, read_only=True).optimizer.ask()  # before the live ask joins the journal
    live = study.ask()
    assert live.params == study.space.from_unit(reloaded.x)
    assert {t.params["c"] for t in running + [live]} == {"a", "b", "c"}


def test_an_enqueued_trial_in_a_batch_is_pending_for_the_joint_proposal():
    # Review r376: a grid proposed the enqueued point again in the same batch (['a', 'a', 'c']).
    from interactive_hpo import Categorical

    study = Study(SearchSpace([Categorical("c", list("abc"))]), "grid", seed=0)
    study.enqueue({"c": "a"})
    assert sorted(t.params["c"] for t in study.ask_batch(3)) == ["a", "b", "c"]


def test_an_enqueued_trial_whose_ask_is_not_recorded_is_not_left_pending(monkeypatch):
    # Review r376: noted before the record, an ask interrupted there left it pending for good.
    from interactive_hpo import Categorical

    study = Study(SearchSpace([Categorical("c", list("abc"))]), "sobol", seed=0)
    study.enqueue({"c": "a"})
    record = type(study)._record_asked

    def interrupted(self, trials):  # a Ctrl-C as the ask is about to be recorded
        raise KeyboardInterrupt

    monkeypatch.setattr(type(study), "_record_asked", interrupted)
    with pytest.raises(KeyboardInterrupt):
        study.ask()
    monkeypatch.setattr(type(study), "_record_asked", record)
    assert study.optimizer.pending == [] and study.queued == [{"c": "a"}]
