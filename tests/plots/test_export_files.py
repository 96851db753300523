"""What an export does to the file system: a folder that takes no file is refused before any frame
is drawn, a failed write is a StorageError naming the path (audit a460 #1), and a file exported
again keeps its permissions and its symlink (a460 #2), as a journal does."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study, _paths  # noqa: E402
from interactive_hpo.exceptions import StorageError  # noqa: E402
from interactive_hpo.plots.export import export_animation, export_html  # noqa: E402
from interactive_hpo.plots.export_frames import StepFrames  # noqa: E402

PLANE = SearchSpace([Float("a", -1.0, 1.0), Float("b", -1.0, 1.0)])
EXPORTS = [(export_html, "steps.html"), (export_animation, "steps.gif")]


@pytest.fixture(scope="module")
def study():
    study = Study(PLANE, "random", seed=0)
    study.run(lambda p: p["a"] ** 2 + p["b"] ** 2, n_trials=2)
    return study


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("export", "name"), EXPORTS)
def test_a_folder_that_takes_no_file_is_refused_before_any_frame_is_drawn(study, tmp_path, monkeypatch, export,
                                                                          name):
    # As root, chmod 555 does not stop a write: a folder's refusal (chattr +i, a read-only disk) is
    # made here by the first file opened in it. It was a PermissionError naming the hidden temporary,
    # once every frame was drawn.
    path = tmp_path / name
    real_open = open

    def refused(file, mode="r", *args, **kwargs):
        if Path(file).parent == tmp_path and "x" in mode:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(file))
        return real_open(file, mode, *args, **kwargs)

    def drawn(*args, **kwargs):
        raise AssertionError("a frame was drawn")

    monkeypatch.setattr(_paths, "open", refused, raising=False)
    monkeypatch.setattr(StepFrames, "draw", drawn)
    owner = export.__name__
    with pytest.raises(StorageError, match=re.escape(f"{path}: {owner} cannot write there (Operation not permitted)"
                                                     f": a file is written beside it first, in {tmp_path}. Nothing "
                                                     "was written")):
        export(study, path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("export", "name"), EXPORTS)
def test_a_full_disk_is_a_storage_error_naming_the_path_and_the_old_file_is_kept(study, tmp_path, monkeypatch,
                                                                                 export, name):
    path = tmp_path / name
    export(study, path)
    before = _contents(tmp_path)

    def full(temporary, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StorageError, match=re.escape(
            f"{path}: {export.__name__} could not write it (No space left on device: a full disk, or a quota or file "
            "size limit). Nothing was left behind, and a file that was there is as it was.")):
        export(study, path)
    assert _contents(tmp_path) == before  # no temporary, the earlier export intact


def test_a_file_that_may_not_be_replaced_is_a_storage_error_naming_it(study, tmp_path, monkeypatch):
    # An immutable earlier export (chattr +i) in a folder that takes files: the rename is refused.
    path = tmp_path / "steps.html"
    export_html(study, path)
    before = _contents(tmp_path)

    def immutable(temporary, target):
        raise PermissionError(errno.EPERM, "Operation not permitted", str(temporary), None, str(target))

    monkeypatch.setattr(os, "replace", immutable)
    with pytest.raises(StorageError, match=re.escape(f"{path}: export_html could not write it (Operation not "
                                                     "permitted)")) as refused:
        export_html(study, path)
    assert ".steps." not in str(refused.value)  # the hidden temporary is no name of the person's
    assert _contents(tmp_path) == before


@pytest.mark.parametrize(("export", "name"), EXPORTS)
def test_exporting_again_keeps_the_file_s_permissions(study, tmp_path, export, name):
    path = tmp_path / name
    export(study, path)
    path.chmod(0o600)  # a private file stayed private only until the next export (0o644 then)
    export(study, path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_exporting_again_through_a_symlink_replaces_its_target(study, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    export_html(study, site / "steps.html", steps=[0])
    link = tmp_path / "link.html"
    link.symlink_to(site / "steps.html")
    export_html(study, link)  # the link became a plain file, and the page it pointed at stayed as it was
    assert link.is_symlink() and os.readlink(link) == str(site / "steps.html")
    assert (site / "steps.html").read_text().count("data:image/png;base64,") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "site"]
    assert [p.name for p in site.iterdir()] == ["steps.html"]


def test_a_new_journal_through_a_symlink_keeps_the_link_and_the_empty_file_s_permissions(tmp_path):
    # The journals write whole through the same helper (_paths.replace_file) as the exports.
    target = tmp_path / "runs" / "study.jsonl"
    target.parent.mkdir()
    target.touch(mode=0o600)
    link = tmp_path / "study.jsonl"
    link.symlink_to(target)
    Study(PLANE, "random", seed=0, storage=link).run(lambda p: p["a"], n_trials=1)
    assert link.is_symlink() and target.stat().st_mode & 0o777 == 0o600
    assert len(Study.load(target).trials) == 1 and [p.name for p in target.parent.iterdir()] == ["study.jsonl"]
