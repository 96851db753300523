"""The crash-safe journal: an append-only JSON-lines file, replayed to rebuild a study.

Line 1 is a header: the format name and version, the search space, the direction, the study
seed, the first optimizer and the first pruner. Every later line is one event, written unbuffered and
fsynced, so a crash loses at most the write under way: one event, or one action's events (a trial
added finished, an ask of several), each line marked with its place among them (``"group": [k, n]``)
so the write is read whole or not at all (a write or fsync that fails is cut back off the file,
and raises a StorageError):

===================  =========================================================================
``asked``            a trial was created (RUNNING), with its params, source and owner
``finished``         a trial became COMPLETE, PRUNED or FAILED, with value and attributes
``added``            a finished trial the user evaluated themselves (``Study.add_manual``), and owner
``enqueued``         params queued by the user, to be evaluated before the optimizer's
``switched``         the study moved to another optimizer (name and settings), and owner
``pruner_switched``  the study moved to another pruner (name and settings, or null for none), and owner
``undone``           the last, manual trial was withdrawn (``Study.undo_manual``)
``reported``         a running trial reported an intermediate value (and the pruner's verdict)
``override``         a person stopped or promoted a trial (``Study.stop``, ``Study.promote``)
``test_look``        a look at the sealed test split of a task the study ran (:mod:`.sealed_looks`)
===================  =========================================================================

Several processes may share one journal (two notebooks on one study, a job array): every
read and write happens under an exclusive ``flock`` of the file, and each :class:`Journal`
remembers how far it has read, so a study picks up what the others wrote before it numbers a
trial. Locks work on local disks and on shared filesystems whose locks work (NFS v4, Lustre
with ``flock`` enabled); on Windows, which has no ``fcntl``, one process per journal.

Reading never executes code (no pickle) and writes nothing. A last line without its newline
is an event if it parses whole (only the newline was lost); if it is the start of an event as
this package writes one (compact ASCII JSON, ``{"event":"...`` and not yet closed:
``journal_lines.is_cut_off``), it is a write a crash cut off: skipped with a warning, and cut
off the file (under the lock, so never another writer's line) once the study has accepted the
journal, unless it is read-only (:mod:`.read_only`: it is left as it is); so is every line of a
write of several events not all in the file (the action never happened). Anything else that
does not parse (a note appended by hand) is refused, byte for byte.
A new journal, or a copy (``Study.save``), is written whole to a temporary file and renamed
into place, so a file that is not a whole header line and more is not one of ours: it is
refused and left byte for byte as it was. The design follows Optuna's
``storages/journal/_storage.py``: state is the replay of a log.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .._signals import held_interrupt
from ..exceptions import StorageError
from .journal_files import (
    TAIL,
    change_since,
    check_json_start,
    cut_back,
    fcntl,
    first_line,
    open_journal,
    replace_whole,
    sync_folder,
    tail_before,
    write_all,
)
from .journal_lines import (
    EVENTS,
    FORMAT,
    GROUP,
    STUDY_JOURNAL,
    VERSION,
    DuplicateKey,
    JournalFormat,
    check_header,
    check_record,
    grouped,
    is_cut_off,
    refused_field,
    unfinished_write,
    unparsable,
    warn_cut_off,
)
from .journal_lines import decode as _decode  # module names the tests replace to count reads and fail writes
from .journal_lines import encode as _line
from .read_only import ReadOnly, cannot_write, on_purpose, opening, search_journal, warn_read_only

__all__ = ["FORMAT", "VERSION", "EVENTS", "STUDY_JOURNAL", "Journal", "JournalFormat"]


class Journal:
    """One journal file, read incrementally by one study.

    Parameters
    ----------
    path : str or os.PathLike
        Where the journal lives; created by :meth:`open_or_create`. A relative path is made
        absolute here, against the working folder of the moment the journal is opened: a
        notebook's ``%cd`` later must not point the study at another (new, empty) file.

    Every method that reads or writes must run inside :meth:`locked`; the position of what
    this handle has read is kept between calls, so :meth:`read_new` returns only the events
    written since (by this process or any other).

    It is read-only (:attr:`read_only` says why) in the cases :mod:`.read_only` lists: read as any
    other, every write refused.
    """

    def __init__(self, path: str | os.PathLike[str], kind: JournalFormat = STUDY_JOURNAL):
        self.path = Path(path).absolute()  # not resolve(): a symlink stays the name the user gave
        self.kind = kind
        self._file: IO[bytes] | None = None
        self._thread_lock = threading.RLock()
        self._offset = 0  # bytes of the file this handle has read or written (whole events)
        self._lines = 0  # lines read, for error messages
        self._torn = 0  # bytes of a cut-off last line found by this lock's reads, cut by mend()
        self._warned_at = -1  # where that line starts, once warned about
        self._unterminated = False  # the last event read has no newline yet (mend() writes it)
        self._created = False  # this lock created the (empty) file
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file read
        self._header = b""  # its first line as read (a copy over the file keeps the inode)
        self._tail = b""  # the last bytes of the _offset read (an editor's save keeps the inode too)
        read_only, self._writes_search = opening()
        self.read_only: ReadOnly | None = on_purpose() if read_only else None  # why it is not written
        self._fell_back = ""  # why this process cannot write it, once found and not yet warned of

    # -- the lock -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[Journal]:
        """Hold the file's exclusive lock (re-entrant within this handle) for a read-modify-write.

        A flock is per open file, not per thread: the thread lock keeps another thread of this
        process from entering as if it were a nested call, and closing the file under the first.
        """
        with self._thread_lock:
            if self._file is not None:  # this thread holds it already (the thread lock is re-entrant)
                yield self
                return
            try:
                self._open_locked()
                yield self
            finally:
                with held_interrupt():
                    if self._file is not None:  # let go of first: a close that raised left it closed
                        handle, self._file = self._file, None
                        self._torn = 0  # another process may cut it before our next read
                        handle.close()  # closing releases the flock

    def _open_locked(self) -> None:
        """Open the file and take its lock, as :attr:`_file`.

        The wait for another process's lock is not held against Ctrl-C (it may be long); a
        Ctrl-C from the wait until the handle is :attr:`_file` closes it: kept open by the
        traceback (IPython keeps the last one), its lock made this process's next lock wait for ever.
        """
        while True:
            handle, self._created, unwritable = open_journal(self.path, self.read_only is not None)
            if unwritable:  # read-only from now on
                self.read_only, self._fell_back = cannot_write(unwritable), unwritable
            try:
                if fcntl is not None:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                    # A new journal replaces the empty file by a complete one (_start): a handle opened
                    # before that holds the old file's lock, which guards nothing any more.
                    try:
                        same = os.path.samestat(os.fstat(handle.fileno()), os.stat(self.path))
                    except FileNotFoundError:  # replaced just now: open the new one
                        same = False
                    if not same:
                        handle.close()
                        continue
                self._file = handle
                return
            except BaseException:
                handle.close()
                raise

    def check_writable(self) -> None:
        """Refuse a write to a read-only journal (a StorageError saying why and how to go on)."""
        if self.read_only is not None:
            raise self.read_only.refusal(self.path)

    @property
    def _handle(self) -> IO[bytes]:
        if self._file is None:
            raise RuntimeError("Journal read or written outside Journal.locked(); this is a bug in interactive_hpo.")
        return self._file

    # -- starting -------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """True when there is no journal yet (no file, or a file of zero bytes)."""
        return not self.path.exists() or self.path.stat().st_size == 0

    def open_or_create(self, header: Mapping[str, Any], events: Sequence[Mapping[str, Any]] = ()
                       ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """Under the lock: if the file holds no journal yet (none, or zero bytes), make it hold
        ``header`` and ``events`` and return None; else return the existing ``(header, events)``.
        A file that is not a journal, even a partial header, is refused and left as it is.

        The new journal is written whole to a temporary file beside it and renamed into place,
        so no reader, crash or full disk ever leaves part of it.
        """
        self._rewind()
        records = self.read_new()
        if self._fell_back and records:  # once: every write is refused from now on
            warn_read_only(self.path, self._fell_back)
            self._fell_back = ""
        if not records:
            self.check_writable()  # nothing to read, and nothing may be written
            self._start([{"format": self.kind.name, "version": self.kind.version, **header}, *events])
            return None
        return self._checked(records)

    def _start(self, records: list[Mapping[str, Any]]) -> None:
        self._file = replace_whole(self.path, records, _line, self._handle, self._created)  # the empty file closed
        found = os.fstat(self._file.fileno())
        self._offset, self._lines = found.st_size, len(records)
        self._header = _line(records[0])[:-1]
        self._identity = (found.st_dev, found.st_ino)
        self._tail = tail_before(self._file, self._offset)
        sync_folder(Path(os.path.realpath(self.path)).parent)

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``(header, events)`` of the whole journal, read under its lock (nothing is written)."""
        if not self.path.is_file():
            raise StorageError(f"{self.path} holds no journal: there is no such file.")
        with self.locked():
            return self.read_all()

    def read_header(self) -> dict[str, Any]:
        """The header alone (line 1, checked as :meth:`read` checks it), the events unread: what
        opening a study needs first, in the same time at any length of journal."""
        with self.locked():
            check_json_start(self._handle, self.path, self.kind.label)  # as the whole read refuses it
            first = first_line(self._handle)
        if not first.endswith(b"\n"):  # the header alone, or no complete line: the whole read says which
            return self.read()[0]
        return self._checked([self._parse(first[:-1], 1)])[0]

    def read_all(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Under the lock: ``(header, events)`` of the whole file, checked (see :meth:`read_new`)."""
        self._rewind()
        records = self.read_new()
        if not records:
            raise StorageError(f"{self.path} holds no journal: the file is empty (opening it with "
                               "Study(space, storage=...) starts a new study there).")
        return self._checked(records)

    def _rewind(self) -> None:
        self._offset = self._lines = self._torn = 0
        self._unterminated = False
        self._tail = b""

    def _checked(self, records: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        check_header(records[0], self.path, self.kind)
        self._note_search(records[0])
        return records[0], records[1:]

    def _note_search(self, header: Mapping[str, Any]) -> None:
        """An HPOSearchCV search's journal (its ``header``) is read-only to anything but the search."""
        if "search" in header and not self._writes_search and self.read_only is None:
            self.read_only = search_journal(self.path)

    # -- reading and writing --------------------------------------------------------------------
    def read_new(self) -> list[dict[str, Any]]:
        """Under the lock: the records written since the last read, each a checked JSON object.

        Reading writes nothing. A last line without its newline that is a complete event (the
        newline alone was lost) is an event. One that does not parse is a write whose process
        died (writers hold the lock, so it is nobody's write in progress): it is skipped with a
        warning, and :meth:`mend` cuts it once the caller has accepted the journal (not a read-only
        one: the warning says it is left), so a file that is refused is left byte for byte. A file
        with no complete first line is refused.
        """
        handle = self._handle
        found = os.fstat(handle.fileno())
        changed = self._offset and ("it was deleted (or renamed) since it was opened" if self._created else
                                    change_since(handle, found, self._identity, self._offset, self._header, self._tail))
        if changed:
            if self._created:  # deleted: this lock made an empty file in its place
                os.unlink(self.path)
            raise StorageError(f"{self.path} is no longer the journal this study read: {changed}. Nothing was "
                               "written to it; the study's trials are still in memory, and study.save(another_path) "
                               "keeps them.")
        self._identity = (found.st_dev, found.st_ino)
        header = []  # line 1, parsed before the rest is read
        if self._offset == 0:  # a checkpoint, a video or a JSON-lines data set given as storage is refused
            check_json_start(handle, self.path, self.kind.label)  # before it is read whole: by its first bytes,
            if (head := first_line(handle)).endswith(b"\n"):  # or its first line
                header.append(self._parse(head[:-1], 1))
        handle.seek(self._offset)
        raw = handle.read()
        if self._unterminated and raw.startswith(b"\n"):  # another process ended our last line
            raw, self._offset, self._unterminated = raw[1:], self._offset + 1, False
        *lines, tail = raw.split(b"\n")
        # Every complete line is checked before the tail: the header proves the file ours.
        records = header + [self._parse(line, self._lines + i + 1) for i, line in enumerate(lines) if i >= len(header)]
        if self._offset == 0:
            self._header = lines[0] if lines else tail
            if records:  # before a cut-off write is warned of: a search's journal is not mended
                self._note_search(records[0])
        first = self._offset == 0 and not lines  # the tail is line 1: a header's start, not an event's
        last = self._parse(tail, self._lines + len(lines) + 1, last=True) if tail and not is_cut_off(
            tail, self.kind, first) else None
        if tail and last is None and first:
            raise StorageError(f"{self.path} is not {self.kind.label}: it holds {len(tail)} byte(s) but no complete "
                               "first line (journals are created whole; one an older interactive_hpo began, whose "
                               "header a crash cut off, never held a trial and can be deleted). It was left as it is.")
        sizes = [len(line) + 1 for line in lines] + ([len(tail)] if last is not None else [])
        records += [last] if last is not None else []
        events = records[1:] if self._offset == 0 else records  # a header keeps keys beyond its own
        cut = unfinished_write(events)  # the lines of one action a crash cut short: none of them is read
        for event in events:
            event.pop(GROUP, None)
        del records[len(records) - cut:]
        self._torn = (len(tail) if last is None else 0) + sum(sizes[len(sizes) - cut:])
        if self._torn and self._warned_at != self._offset + len(raw) - self._torn:
            self._warned_at = self._offset + len(raw) - self._torn
            warn_cut_off(self.path, cut, self.read_only is not None, self.kind)
        self._unterminated = (last is not None and not cut) or (self._unterminated and not lines)
        self._offset += len(raw) - self._torn
        self._lines += len(records)
        self._tail = tail_before(handle, self._offset)
        return records

    def mend(self) -> None:
        """Under the lock, once the caller has accepted the journal: cut what :meth:`read_new` skipped
        (a cut-off last line, a write cut short), and end with a newline a last event that had none,
        so the next event starts a line of its own. Each is one small change (a truncation, one byte)."""
        if self.read_only is not None:  # what was skipped stays skipped, and on disk
            return
        handle = self._handle
        if self._torn:
            handle.truncate(self._offset)
            os.fsync(handle.fileno())
            self._torn = 0
            self._warned_at = -1  # the file ends here now: a later crash's write starts here too, and is news
        if self._unterminated:
            self._append_bytes(b"\n")
            self._unterminated = False

    def append(self, *events: Mapping[str, Any]) -> None:
        """Under the lock, after :meth:`read_new`: append one line per event, durable before returning.

        Several events (one action's: a trial added finished, "asked" then "finished") go in one
        write and one fsync, each marked with its place among them (:func:`~.journal_lines.grouped`): a
        write that fails is cut back whole, and one a crash cuts short is read as none of them,
        rather than the first alone (a trial left RUNNING on disk, owned by a process gone).
        """
        self.check_writable()
        # Appending now would step over lines not read.
        if os.fstat(self._handle.fileno()).st_size != self._offset + self._torn:
            raise RuntimeError(f"{self.path}: an event was appended without reading the lines other processes "
                               "wrote first; this is a bug in interactive_hpo.")
        lines = b"".join(map(_line, grouped(list(events))))  # before mending: an event JSON refuses changes nothing
        self.mend()
        self._append_bytes(lines)
        self._lines += len(events)

    def _append_bytes(self, data: bytes) -> None:
        """Append ``data`` (whole lines, or a newline) and fsync it: a crash leaves at most a partial
        last line. A write or fsync that fails (a full disk, a quota, an I/O error) is cut back off
        the file, so the journal holds what the study's memory does; the file is unbuffered, so
        nothing stays in a buffer for a later close to write."""
        handle = self._handle
        start = handle.seek(0, os.SEEK_END)
        try:
            write_all(handle, data)
            os.fsync(handle.fileno())
        except OSError as error:  # under the lock, so the bytes cut back are this write's only
            raise cut_back(handle, start, self.path, error) from error
        self._offset = start + len(data)
        self._tail = (self._tail + data)[-TAIL:]

    def _parse(self, line: bytes, number: int, last: bool = False) -> dict[str, Any]:
        """Line ``number`` as a checked record; ``last``: the file's last line, without a newline,
        that is not a cut-off write (:func:`~.journal_lines.is_cut_off`)."""
        try:
            record = _decode(line)
        except DuplicateKey as error:  # JSON, but two values of one field
            raise refused_field(self.path, number, error) from None
        except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
            raise unparsable(self.path, self.kind, line, number, last, error)  # noqa: B904 - chained there
        return check_record(record, number, self.path, self.kind)

    @property
    def lines_read(self) -> int:
        """How many lines this handle has read or written (the next event's line is one more)."""
        return self._lines


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    if name == "check_path":  # every room's argument check of a file path
        return moved_name(__name__, name, "interactive_hpo._paths", ("check_path",))
    return moved_name(__name__, name, "interactive_hpo.study.owners", ("new_owner", "owner_is_alive"))
