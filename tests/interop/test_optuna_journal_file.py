"""to_optuna into an Optuna JournalStorage over a file: Optuna appends its create-study line before
it reads the file back, so a file that is no Optuna journal is refused before Optuna touches it and
left byte for byte as it was (audit a460 #3)."""

from __future__ import annotations

import re

import pytest

optuna = pytest.importorskip("optuna")

from optuna.storages import JournalStorage  # noqa: E402
from optuna.storages.journal import JournalFileBackend  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.interop import to_optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)

LINE = SearchSpace([Float("x", -2.0, 2.0)])


@pytest.fixture(scope="module")
def study():
    study = Study(LINE, "random", seed=0)
    study.run(lambda p: p["x"] ** 2, n_trials=2)
    return study


# What JournalStorage's own reading lets through (a line of JSON without "op_code", or two lines
# that are no JSON, it refuses itself): one line that is no JSON, or no newline at all.
@pytest.mark.parametrize("content", [b"my notes\n", b"\n", b"my notes", b'{"event": "x"}', b"\x00\x01binary"])
def test_a_file_that_is_no_optuna_journal_is_refused_and_left_as_it_was(study, tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`storage` of to_optuna must be an Optuna journal storage over a new or empty file, or an Optuna "
            "journal; got ") + f".*{re.escape(str(path))} holds something else .*it was left as it is"):
        to_optuna(study, JournalStorage(JournalFileBackend(str(path))))
    assert path.read_bytes() == before  # it held "my notes\n" and Optuna's create-study line
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_new_or_empty_file_or_an_optuna_journal_takes_the_study(study, tmp_path):
    path = tmp_path / "optuna.log"
    path.touch()
    storage = JournalStorage(JournalFileBackend(str(path)))
    assert len(to_optuna(study, storage, study_name="first").trials) == 2
    again = JournalStorage(JournalFileBackend(str(path)))  # an Optuna journal now: a second study joins it
    assert len(to_optuna(study, again, study_name="second").trials) == 2
    assert sorted(optuna.get_all_study_names(storage=again)) == ["first", "second"]
