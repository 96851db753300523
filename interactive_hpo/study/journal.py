"""The crash-safe journal: an append-only JSON-lines file, replayed to rebuild a study.

Line 1 is a header: the format name and version, the search space, the direction, the study
seed, the first optimizer and the pruner. Every later line is one event, written with a single ``write``
and then flushed and fsynced, so a crash loses at most the line being written:

=============  ===============================================================
``asked``      a trial was created (RUNNING), with its params, source and owner
``finished``   a trial became COMPLETE, PRUNED or FAILED, with value and attributes
``added``      a finished trial the user evaluated themselves (``Study.add_manual``)
``enqueued``   params queued by the user, to be evaluated before the optimizer's
``switched``   the study moved to another optimizer (name and settings)
``undone``     the last, manual trial was withdrawn (``Study.undo_manual``)
``reported``   a running trial reported an intermediate value (and the pruner's verdict)
``override``   a person stopped or promoted a trial (``Study.stop``, ``Study.promote``)
=============  ===============================================================

Several processes may share one journal (two notebooks on one study, a job array): every
read and write happens under an exclusive ``flock`` of the file, and each :class:`Journal`
remembers how far it has read, so a study picks up what the others wrote before it numbers a
trial. Locks work on local disks and on shared filesystems whose locks work (NFS v4, Lustre
with ``flock`` enabled); on Windows, which has no ``fcntl``, one process per journal.

Reading never executes code (no pickle), tolerates a truncated last line (the crash case:
it is cut off the file with a warning, under the lock, so never another writer's line) and
refuses anything else that does not parse. A file whose first bytes are not this package's
header is refused and left byte for byte as it was: the journal never writes to a file it
did not create. The design follows Optuna's ``storages/journal/_storage.py``: state is the
replay of a log.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import uuid
import warnings
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .._validation import fail
from ..exceptions import StorageError

try:  # POSIX; Windows has no flock, and a journal there has one writer
    import fcntl
except ImportError:  # pragma: no cover - not on the machines we test on
    fcntl = None  # type: ignore[assignment]

__all__ = ["FORMAT", "VERSION", "EVENTS", "STUDY_JOURNAL", "Journal", "JournalFormat", "check_path", "new_owner",
           "owner_is_alive"]

FORMAT = "interactive_hpo.journal"
VERSION = 1
EVENTS = ("asked", "finished", "added", "undone", "enqueued", "switched", "reported", "override")


@dataclass(frozen=True)
class JournalFormat:
    """What one kind of journal holds: its header's ``format`` and newest ``version``, and the
    ``event`` of each later line (None: any JSON object, e.g. PBT's rounds)."""

    name: str
    version: int
    events: tuple[str, ...] | None
    #: How the kind is named in messages, with its article ("an interactive_hpo journal").
    label: str

    @property
    def signature(self) -> bytes:
        """How every journal of this kind begins ("format" is the header's first key)."""
        return b'{"format":"' + self.name.encode() + b'",'


#: A study's journal.
STUDY_JOURNAL = JournalFormat(FORMAT, VERSION, EVENTS, "an interactive_hpo journal")


def check_path(path: Any, name: str, owner: str) -> Path:
    """``path`` (argument ``name`` of ``owner``) as a Path if it can name a journal file: a
    non-empty str or PathLike, not a folder."""
    if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)).strip():
        raise fail(name, owner, "a file path (a non-empty str or os.PathLike)", path)
    resolved = Path(path)
    if resolved.is_dir():
        raise fail(name, owner, "a file path, not a folder", str(path),
                   hint=f"Name a file inside it, for example {str(resolved / 'study.jsonl')!r}.")
    return resolved


#: The studies open in this process (see :func:`new_owner`): their id -> the journal they write.
_OPEN_OWNERS: dict[str, Path | None] = {}


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (Linux clock ticks since boot), or None where unknown:
    with the pid it names a process even after the pid is reused. "ended" for a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields 3 onwards, after the command name
    return "ended" if fields[0] in ("Z", "X") else fields[19]


def new_owner(study: object, journal: Path | None) -> dict[str, Any]:
    """A fresh owner record for ``study``, which writes to ``journal`` (None: in memory): which
    host, process and study object asks its trials.

    Journaled with every trial a study asks, so another study opening the journal can tell a
    trial that a live process is still evaluating from one a dead process left RUNNING.
    """
    study_id = uuid.uuid4().hex
    _OPEN_OWNERS[study_id] = None if journal is None else journal.resolve()
    weakref.finalize(study, _OPEN_OWNERS.pop, study_id, None)
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _process_start(os.getpid()),
            "study": study_id}


def owner_is_alive(owner: Any, journal: Path) -> bool:
    """Whether the study that asked a trial may still tell it in ``journal``.

    False for journals written before owners were recorded (None), for a study of this process
    that has been garbage-collected or writes another file (``journal`` is a copy), and for a
    process of this host that has ended. A process on another host cannot be checked from
    here: it counts as alive, so its trials stay RUNNING.
    """
    if not isinstance(owner, Mapping):
        return False
    if owner.get("host") != socket.gethostname():
        return True
    pid = owner.get("pid")
    if pid == os.getpid() and owner.get("started") == _process_start(os.getpid()):
        return _OPEN_OWNERS.get(str(owner.get("study")), False) == journal.resolve()
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        pass
    started = _process_start(pid)
    return started != "ended" and (started is None or owner.get("started") in (None, started))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} does not fit in a float")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a value a journal holds")


class Journal:
    """One journal file, read incrementally by one study.

    Parameters
    ----------
    path : str or os.PathLike
        Where the journal lives; created by :meth:`open_or_create`.

    Every method that reads or writes must run inside :meth:`locked`; the position of what
    this handle has read is kept between calls, so :meth:`read_new` returns only the events
    written since (by this process or any other).
    """

    def __init__(self, path: str | os.PathLike[str], kind: JournalFormat = STUDY_JOURNAL):
        self.path = Path(path)
        self.kind = kind
        self._file: IO[bytes] | None = None
        self._depth = 0
        self._offset = 0  # bytes of the file this handle has read (a whole number of lines)
        self._lines = 0  # lines read, for error messages

    # -- the lock -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[Journal]:
        """Hold the file's exclusive lock (re-entrant within this handle) for a read-modify-write."""
        if self._depth == 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # "a+b": created if missing (an empty file is a journal nobody started), never truncated.
            self._file = open(self.path, "a+b")  # noqa: SIM115 - closed in the finally below
            if fcntl is not None:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            if self._depth == 0:
                assert self._file is not None
                self._file.close()  # closing releases the flock
                self._file = None

    @property
    def _handle(self) -> IO[bytes]:
        if self._file is None:
            raise RuntimeError("Journal read or written outside Journal.locked(); this is a bug in interactive_hpo.")
        return self._file

    # -- starting -------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """True when there is no journal yet (no file, or a file of zero bytes)."""
        return not self.path.exists() or self.path.stat().st_size == 0

    def open_or_create(self, header: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """Under the lock: write ``header`` if the file holds no journal yet and return None;
        else return the existing ``(header, events)``. A file that is not a journal is refused.

        A header cut off by a kill while it was written (the file's only line) counts as no
        journal yet: it is removed and written again.
        """
        self._offset = self._lines = 0
        records = self.read_new(header_may_be_cut=True)
        if not records:
            self._write({"format": self.kind.name, "version": self.kind.version, **header})
            self._lines = 1
            return None
        return self._checked(records)

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``(header, events)`` of the whole journal, read under its lock."""
        if not self.path.is_file():
            raise StorageError(f"{self.path} holds no journal: there is no such file.")
        with self.locked():
            return self.read_all()

    def read_all(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Under the lock: ``(header, events)`` of the whole file, checked (see :meth:`read_new`)."""
        self._offset = self._lines = 0
        records = self.read_new()
        if not records:
            raise StorageError(f"{self.path} holds no journal: the file is empty, or its only line was cut "
                               "off while the header was written (opening it with Study(space, storage=...) "
                               "starts a new study there).")
        return self._checked(records)

    def _checked(self, records: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        header = records[0]
        if not isinstance(header.get("version"), int) or header["version"] > self.kind.version:
            raise StorageError(
                f"{self.path} was written by a newer interactive_hpo (journal version "
                f"{header.get('version')!r}; this one reads up to {self.kind.version}). Upgrade interactive_hpo.")
        return header, records[1:]

    # -- reading and writing --------------------------------------------------------------------
    def read_new(self, *, header_may_be_cut: bool = False) -> list[dict[str, Any]]:
        """Under the lock: the records written since the last read, each a checked JSON object.

        A last line without its newline is a write whose process died (writers hold the lock,
        so it is nobody's write in progress): it is cut off the file with a warning, so the next
        append starts on a clean line. Before anything is cut, the file must begin like a journal;
        a cut-off header (no complete line at all) is cut only if ``header_may_be_cut``.
        """
        handle = self._handle
        handle.seek(self._offset)
        raw = handle.read()
        *lines, tail = raw.split(b"\n")
        # Every complete line is checked before anything is cut: the header proves the file ours.
        records = [self._parse(line, self._lines + i + 1) for i, line in enumerate(lines)]
        if tail and self._offset == 0 and not lines:
            # A header cut off by a kill begins as we write headers; anything else is not ours.
            signature = self.kind.signature
            if not signature.startswith(tail[: len(signature)]) and not tail.startswith(signature):
                raise StorageError(f"{self.path} is not {self.kind.label} (it does not begin with "
                                   f"{signature.decode()!r}); it was left as it is.")
            if not header_may_be_cut:
                return []
        if tail:
            warnings.warn(
                f"{self.path}: the last line was cut off mid-write (the process was probably killed); "
                "it is dropped and the study resumes from the last complete event.",
                RuntimeWarning, stacklevel=4)
            handle.truncate(len(raw) - len(tail) + self._offset)
            os.fsync(handle.fileno())
        self._offset += len(raw) - len(tail)
        self._lines += len(lines)
        return records

    def append(self, event: Mapping[str, Any]) -> None:
        """Under the lock, after :meth:`read_new`: append one event line, durable before returning."""
        if self._size() != self._offset:  # appending now would step over lines this handle has not read
            raise RuntimeError(f"{self.path}: an event was appended without reading the lines other processes "
                               "wrote first; this is a bug in interactive_hpo.")
        self._write(event)
        self._lines += 1

    def _write(self, record: Mapping[str, Any]) -> None:
        # One write call per line, then flush + fsync: a crash leaves at most a partial last line.
        handle = self._handle
        line = (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()
        handle.seek(0, os.SEEK_END)
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
        self._offset = handle.tell()

    def _size(self) -> int:
        return os.fstat(self._handle.fileno()).st_size

    def _parse(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            record = json.loads(line, parse_float=_finite, parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
            if number == 1:
                raise StorageError(f"{self.path} is not {self.kind.label}: its first line is not JSON "
                                   f"({error}). It was left as it is.") from error
            raise StorageError(f"{self.path}, line {number}: not valid JSON ({error}). The file is corrupted; "
                               "only a cut-off last line is repaired automatically.") from error
        if not isinstance(record, dict):
            raise StorageError(f"{self.path}, line {number}: expected a JSON object, got {type(record).__name__}.")
        if number == 1 and record.get("format") != self.kind.name:
            raise StorageError(f"{self.path} is not {self.kind.label}: its first line has format "
                               f"{record.get('format')!r}, expected {self.kind.name!r}. It was left as it is.")
        events = self.kind.events
        if number > 1 and events is not None and record.get("event") not in events:
            raise StorageError(f"{self.path}, line {number}: unknown event {record.get('event')!r}; "
                               f"expected one of {list(events)}. The file is corrupted.")
        return record

    @property
    def lines_read(self) -> int:
        """How many lines this handle has read or written (the next event's line is one more)."""
        return self._lines
