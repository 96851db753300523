"""Opening a journal, and reading it on: a large file that is not a journal is refused by its
first line without reading the rest; a journal an editor saved again while a study had it open
is refused as changed; a read-only journal refuses a switch without warning of it first."""

from __future__ import annotations

import tracemalloc
import warnings

import pytest

from interactive_hpo import Float, SearchSpace, StorageError, Study

from .test_read_only import read_only_mount

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def square(params):
    return params["x"] ** 2


def test_a_large_json_lines_file_is_refused_without_being_read_whole(tmp_path):
    path = tmp_path / "dataset.jsonl"
    row = b'{"text": "' + b"y" * 200 + b'", "label": 1}\n'
    path.write_bytes(row * 40_000)  # 9 MB
    before = path.read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(StorageError, match="its first line has format None.*left as it is"):
            Study(SPACE, storage=path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # its first line, not its 9 MB (twice: read, then split)
    assert path.read_bytes() == before


def test_a_journal_saved_again_with_other_line_endings_is_refused_as_changed(tmp_path):
    path = tmp_path / "m.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(square, n_trials=3)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # in place: the same inode, a longer file
    saved = path.read_bytes()
    with pytest.raises(StorageError, match="is no longer the journal this study read: it was rewritten since it "
                                           r"was opened.*other line endings.*Study.load\(path\) reads it as it is now"):
        study.run(square, n_trials=1)
    assert path.read_bytes() == saved and len(study.trials) == 3
    assert len(Study.load(path).trials) == 3


def test_a_journal_appended_to_by_another_study_is_read_on(tmp_path):
    # What the check of the bytes read must allow: another study's lines after them.
    path = tmp_path / "shared.jsonl"
    first, second = (Study(SPACE, "random", seed=0, storage=path) for _ in range(2))
    for _ in range(3):
        first.run(square, n_trials=1)
        second.run(square, n_trials=1)
    assert [t.number for t in second.trials] == list(range(6)) and len(Study.load(path).trials) == 6


@pytest.mark.parametrize("given", [{"optimizer": "sobol"}, {"pruner": "median"}], ids=["optimizer", "pruner"])
def test_a_read_only_journal_refuses_a_switch_without_warning_of_it(tmp_path, monkeypatch, given):
    path = tmp_path / "r.jsonl"
    Study(SPACE, "random", seed=0, storage=path).run(square, n_trials=2)
    before = path.read_bytes()
    read_only_mount(monkeypatch)
    with warnings.catch_warnings(record=True) as seen, pytest.raises(StorageError, match="read-only"):
        warnings.simplefilter("always")
        Study(SPACE, storage=path, **given)
    assert not [w for w in seen if "switching to" in str(w.message)], [str(w.message) for w in seen]
    assert path.read_bytes() == before
