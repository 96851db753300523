"""The journal's file operations that are not about its lines: the file opened and its first
bytes checked, an unbuffered file written whole, a new journal written beside the path and
renamed into place, its first line read in blocks, a rename made durable, a failed write cut back
and said in words, and the name of a continuation's journal (:mod:`.journal` uses them under its lock)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .._paths import check_path, replace_file, write_failure
from ..exceptions import StorageError

try:  # POSIX; Windows has no flock, and a journal there has one writer
    import fcntl
except ImportError:  # pragma: no cover - not on the machines we test on
    fcntl = None  # type: ignore[assignment]

__all__ = ["change_since", "check_json_start", "cut_back", "fcntl", "first_line", "next_journal", "open_for_append",
           "open_journal", "open_to_read", "replace_whole", "sync_folder", "tail_before", "write_all"]


def cut_back(handle: IO[bytes], start: int, path: Path, error: OSError) -> StorageError:
    """Cut a write to the journal at ``path`` that failed (``error``: a full disk, a quota, an I/O
    error) back off the file, to ``start``, where it began, so the journal holds what the study's
    memory does; return the StorageError that says so."""
    try:  # the disk that failed may refuse this too
        handle.truncate(start)
        os.fsync(handle.fileno())
        left = ""
    except OSError:
        left = " (the part of it written could not be cut off: the next write does)"
    return StorageError(
        f"{path}: the journal could not be written ({write_failure(error)}). Nothing of this change was "
        f"recorded{left}: the journal and the study in memory are as they were before it. Once the disk "
        "takes writes again, so does the study (tell again a trial whose result this was); meanwhile "
        "study.save(another_path) keeps its trials.")


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere folders cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - not on the machines we test on
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_all(handle: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file: a write that a file size limit cuts short writes
    part and returns how much (the next one raises)."""
    done = 0
    while done < len(data):
        done += handle.write(data[done:])


def open_for_append(path: Path) -> tuple[IO[bytes], bool]:
    """The journal's file, opened to read and append, created if missing and never truncated (an
    empty file is a journal nobody started), and whether this call created it. Its folder must
    exist (a symlink's: its target's), as an export's must: a typo in it made the folders and
    started the study there, apart from the journal meant."""
    folder = Path(os.path.realpath(path)).parent
    if not folder.is_dir():
        raise StorageError(f"{path}: there is no folder {folder}, so no journal was started there. Check "
                           "the path for a typo, or make the folder first "
                           f"(Path({str(folder)!r}).mkdir(parents=True)).")
    try:
        try:
            return open(path, "x+b", buffering=0), True  # noqa: SIM115 - closed by Journal.locked()
        except FileExistsError:
            return open(path, "a+b", buffering=0), False  # noqa: SIM115
    except OSError as error:  # a read-only file, folder or disk: Python's PermissionError from in here
        raise StorageError(f"{path} cannot be opened to write ({error.strerror or error}): a study "
                           "appends each trial to its journal, and holds its lock to read it. Work on a "
                           "copy in a folder you may write to, or ask for write access.") from error


def open_journal(path: Path, read_only: bool) -> tuple[IO[bytes], bool, str]:
    """The journal's file opened to read only (``read_only``), else to read and append, and whether
    this call created it (:func:`open_for_append`); a journal there this process may read but not
    write is opened to read only, and the third value says why it could not be written ("" else)."""
    if read_only:
        return open_to_read(path), False, ""
    try:
        return *open_for_append(path), ""
    except StorageError as error:
        reason = _unwritable(error, path)
        if reason is None:
            raise
        return open_to_read(path), False, reason


def _unwritable(error: StorageError, path: Path) -> str | None:
    """Why ``path`` could not be opened to write, in the system's words, when ``error`` (from
    :func:`open_for_append`) says only that: a journal there that this process may read (a read-only
    mount, an archive, a colleague's folder) and can be opened read-only; else None."""
    cause = error.__cause__
    if not isinstance(cause, OSError) or cause.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
        return None
    try:  # an empty file is a journal nobody started: a new study there has to write it
        return (cause.strerror or str(cause)) if path.is_file() and path.stat().st_size > 0 else None
    except OSError:
        return None


def open_to_read(path: Path) -> IO[bytes]:
    """The journal's file, opened to read only (a study opened read-only never writes)."""
    try:
        return open(path, "rb", buffering=0)  # noqa: SIM115 - closed by Journal.locked()
    except FileNotFoundError:
        raise StorageError(f"{path} holds no journal: there is no such file (it was deleted or renamed since "
                           "it was opened).") from None
    except OSError as error:
        raise StorageError(f"{path} cannot be opened to read ({error.strerror or error}).") from error


def replace_whole(path: Path, records: Sequence[Mapping[str, Any]], encode: Callable[[Mapping[str, Any]], bytes],
                  old: IO[bytes], created: bool) -> IO[bytes]:
    """Make the journal at ``path`` hold ``records`` (each a line of ``encode``), written whole to a
    temporary file beside it (a symlink's: beside its target) and renamed into place
    (:func:`~interactive_hpo._paths.replace_file`), so no reader, crash or full disk ever leaves part
    of it; return that file, open and locked. It takes the permissions of the empty file ``old``,
    closed once it is replaced (whoever waited for its lock finds the new file). On failure nothing
    is left behind: neither the temporary nor, if this lock ``created`` it, the empty file (whoever
    waits for its lock finds it gone, and opens the path again); an OSError is a StorageError naming
    ``path``."""
    opened: list[IO[bytes]] = []

    def write(temporary: Path) -> IO[bytes]:
        # Made already, empty, when it replaces a file (replace_file); becomes the journal's handle, closed by its lock.
        fresh = os.fdopen(os.open(temporary, os.O_RDWR | os.O_CREAT, 0o666), "r+b", buffering=0)
        opened.append(fresh)
        if fcntl is not None:  # locked before it has the journal's name: nobody reads it half-written
            fcntl.flock(fresh.fileno(), fcntl.LOCK_EX)
        write_all(fresh, content)
        os.fsync(fresh.fileno())
        if fcntl is None:
            old.close()  # Windows cannot replace an open file (and has one writer per journal)
        return fresh

    try:
        content = b"".join(map(encode, records))  # JSON may refuse a record: before anything is written
        fresh = replace_file(path, write)
    except BaseException as error:
        for handle in opened:
            handle.close()
        if created:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        if isinstance(error, OSError):  # the bare OSError named no file
            raise StorageError(f"{path}: the journal could not be written ({write_failure(error)}). "
                               "Nothing was left behind: write it once the disk takes writes, or elsewhere."
                               ) from error
        raise
    old.close()
    return fresh


def check_json_start(handle: IO[bytes], path: Path, label: str) -> None:
    """Refuse (a StorageError naming ``path``, the journal of kind ``label``) a file whose first bytes
    are no JSON object's, after a byte-order mark or blanks an editor may add: a checkpoint or a video
    given as storage is refused before it is read whole."""
    handle.seek(0)
    start = handle.read(16)
    if start == SQLITE_HEADER:  # NUL bytes: were it read as lines, they would be blamed on a failed disk
        raise StorageError(f"{path} is not {label}: it is an SQLite database. An Optuna study stored there is "
                           f"read with from_optuna(optuna.load_study(study_name=..., storage='sqlite:///{path}')) "
                           "(from interactive_hpo.interop). It was left as it is.")
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text and not text.startswith(b"{"):
        raise StorageError(f"{path} is not {label}: it does not begin with a JSON object ({start!r}...). It was left "
                           "as it is.")


#: How many of the last bytes it read a journal's handle keeps (:func:`change_since`).
TAIL = 4096


def tail_before(handle: IO[bytes], offset: int) -> bytes:
    """The last :data:`TAIL` bytes (or fewer, at the start) before ``offset`` in the file."""
    start = max(0, offset - TAIL)
    handle.seek(start)
    return handle.read(offset - start)


def change_since(handle: IO[bytes], found: os.stat_result, identity: tuple[int, int] | None, offset: int,
                 header: bytes, tail: bytes) -> str:
    """How the file open as ``handle`` (``found``: its ``fstat``) differs from the journal read from
    it, or "" if it does not: its (device, inode) was ``identity``, its first ``offset`` bytes began
    with ``header`` (its first line) and ended with ``tail`` (:func:`tail_before`). Others only
    append, so a copy over it (the same inode, maybe longer) or an editor's save (other line endings:
    the lines read are not where they were read) shows in those bytes; comparing them costs a few
    KB per read, where a hash of all of them would read the whole file every time."""
    if (found.st_dev, found.st_ino) != identity:
        return "it was replaced since it was opened (another file has its name now)"
    if found.st_size < offset:
        return f"it was cut since it was opened ({offset} bytes were read; it holds {found.st_size})"
    handle.seek(0)
    if handle.read(len(header)) != header:
        return ("it was replaced since it was opened: its first line is not the header read then (another "
                "journal was copied over it, or it was edited)")
    if tail_before(handle, offset) != tail:
        return ("it was rewritten since it was opened: the lines read are no longer where they were read (an "
                "editor saved it again, perhaps with other line endings, or lines were edited or removed). "
                "Study.load(path) reads it as it is now")
    return ""


#: The first 16 bytes of every SQLite database file (https://www.sqlite.org/fileformat.html, 1.3).
SQLITE_HEADER = b"SQLite format 3\0"


#: How much :func:`first_line` reads at a time.
BLOCK = 1 << 16


def first_line(handle: IO[bytes]) -> bytes:
    """The file's first line with its newline (all of the file if it has none), read in blocks: an
    unbuffered file's ``readline`` reads a byte per call.

    Only each new block is searched, and the blocks are joined once: adding each to the line read
    so far and searching all of it took 32 s for a 40 MB header (0.3 s buffered).
    """
    handle.seek(0)
    blocks: list[bytes] = []
    while block := handle.read(BLOCK):
        end = block.find(b"\n")
        if end >= 0:
            blocks.append(block[:end + 1])
            break
        blocks.append(block)
    return b"".join(blocks)


def next_journal(path: str | os.PathLike[str] | None) -> str | None:
    """Where a study continued from the one journaled at ``path`` (a fork, a remap, a reset) keeps
    its own journal: ``study.jsonl`` -> the first of ``study-2.jsonl``, ``study-3.jsonl``, ... not
    yet on disk (None without a journal). A continuation of ``study-2.jsonl`` is numbered on from
    ``study.jsonl`` while that file exists; otherwise the number is the person's own (a year, a run
    number: ``tuning-2024.jsonl`` -> ``tuning-2024-2.jsonl``)."""
    if path is None:
        return None
    # As a journal's path is checked (True and b"x" were Python's TypeError; "\0" gave a path no file can have).
    stem, suffix = os.path.splitext(os.fspath(check_path(path, "path", "next_journal")))
    base = re.sub(r"-\d+$", "", stem)
    if base != stem and os.path.exists(base + suffix):
        stem = base
    number = 2
    while os.path.exists(f"{stem}-{number}{suffix}"):
        number += 1
    return f"{stem}-{number}{suffix}"
