"""An imported study written whole to a new journal, and resumed from it, or no journal left
behind: :func:`~interactive_hpo.interop.from_optuna`'s ``storage=``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from .._validation import fail
from ..exceptions import InvalidParameterError, StorageError
from ..space import SearchSpace
from ..study.core import Study
from ..study.journal import Journal

__all__ = ["check_new", "resumed", "saved"]


def check_new(path: Path, storage: Any, owner: str) -> None:
    """Refuse a ``path`` (``storage`` as the person typed it) that holds anything: a journal, whose
    study the import would add its trials to, or a file of some other kind, which the refusal
    names as ``Study(storage=...)`` does (an empty file is a journal nobody started)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        Journal(path).read_header()
    except StorageError as error:  # "... is not an interactive_hpo journal: ... It was left as it is."
        raise fail("storage", owner, "a new journal file (or None)", str(storage), hint=str(error)) from None
    raise fail("storage", owner, "a new journal file (or None)", str(storage),
               hint="It exists: importing into it would add the trials to the study it holds.")


def saved(study: Study, path: Path, existed: bool) -> list[Path]:
    """Write ``study``, built in memory, whole to a new journal at ``path`` (``Study.save``);
    return the folders made for it, the deepest first. If writing fails, what this call wrote
    goes: a file it created is removed (and those folders), an empty file that was there is
    emptied again."""
    created_folders = [folder for folder in path.parents if not folder.exists()]
    try:
        study.save(path)
    except InvalidParameterError:  # refused before writing: another process started a journal there meanwhile
        raise
    except BaseException:
        _discard(path, existed, created_folders)
        raise
    return created_folders


def resumed(space: SearchSpace, objectives: dict[str, Any], path: Path, existed: bool,
            created_folders: list[Path]) -> Study:
    """The study journaled at ``path`` by :func:`saved` over ``space``, with ``objectives``
    (``Goals.study_arguments()``), resumed from it as ``Study.load(path)`` resumes one, without its
    first read: ``load`` parses the whole journal for the space and goals of its first line,
    which are in hand, before the study replays every line again. If resuming fails, the journal
    goes as in :func:`saved`."""
    try:
        return Study(space, **objectives, storage=path)
    except BaseException:
        _discard(path, existed, created_folders)
        raise


def _discard(path: Path, existed: bool, created_folders: list[Path]) -> None:
    """Undo a journal written at ``path`` by :func:`saved` (see there)."""
    if existed:
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile: nothing to restore
            os.truncate(path, 0)
        return
    path.unlink(missing_ok=True)
    for folder in created_folders:
        try:
            folder.rmdir()
        except OSError:  # not empty: something else is in it now
            break
