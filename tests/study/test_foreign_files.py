"""A file that is no journal is refused for what it is, by Study.load as by Study(space,
storage=...): an SQLite database (an Optuna study's, most likely) is named as one, with the way
to read an Optuna study, not taken for a journal a failed disk filled with NUL bytes."""

from __future__ import annotations

import re
import sqlite3

import pytest

from interactive_hpo import Float, SearchSpace, StorageError, Study

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "optuna.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT)")
    connection.close()
    return path


@pytest.mark.parametrize("opening", [lambda p: Study.load(p), lambda p: Study.load(p, read_only=True),
                                     lambda p: Study(SPACE, storage=p)], ids=["load", "read_only", "study"])
def test_an_sqlite_database_is_named_as_one(database, opening):
    before = database.read_bytes()
    expected = (f"{database} is not an interactive_hpo journal: it is an SQLite database. An Optuna study stored "
                f"there is read with from_optuna(optuna.load_study(study_name=..., storage='sqlite:///{database}')) "
                "(from interactive_hpo.interop). It was left as it is.")
    with pytest.raises(StorageError, match=f"^{re.escape(expected)}$"):
        opening(database)
    assert database.read_bytes() == before


def test_study_load_refuses_a_foreign_file_as_study_does(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("x,loss\n0.5,1.0\n")
    messages = set()
    for opening in (lambda: Study.load(path), lambda: Study(SPACE, storage=path)):
        with pytest.raises(StorageError, match="it does not begin with a JSON object") as refusal:
            opening()
        messages.add(str(refusal.value))
    assert len(messages) == 1 and path.read_text() == "x,loss\n0.5,1.0\n"
