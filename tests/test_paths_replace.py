"""A file written whole in place of a person's (_paths.replace_file: journals, exports, a landscape
cache) is never more readable than theirs, not even while it is written, and stays their group's
(review r469: the temporary held the whole content at 0644 before it took the file's 0600, and a
group's 0660 file came back in the writer's group)."""

from __future__ import annotations

import os
import stat

import pytest

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo._paths import replace_file


def test_the_new_file_is_as_private_as_the_old_one_from_its_first_byte(tmp_path):
    target = tmp_path / "private.html"
    target.write_text("old")
    target.chmod(0o600)
    seen = []

    def write(temporary):
        seen.append(stat.S_IMODE(os.stat(temporary).st_mode))  # there already, before any byte
        with open(temporary, "wb") as handle:
            handle.write(b"new")
        seen.append(stat.S_IMODE(os.stat(temporary).st_mode))

    replace_file(target, write)
    assert seen == [0o600, 0o600]
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["private.html"]


def test_a_new_file_is_made_by_the_writer_with_the_usual_permissions(tmp_path):
    target = tmp_path / "new.html"
    replace_file(target, lambda temporary: temporary.write_bytes(b"x"))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's group takes root")
def test_a_groups_journal_stays_the_groups(tmp_path):
    path = tmp_path / "shared.jsonl"
    path.touch()
    os.chown(path, -1, 100)  # another group than the writer's ("users" on Debian)
    path.chmod(0o660)
    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0, storage=path)  # replaces the empty file
    study.run(lambda p: p["x"], n_trials=1)
    assert (path.stat().st_gid, stat.S_IMODE(path.stat().st_mode)) == (100, 0o660)
    assert len(Study.load(path).trials) == 1
