"""The crash-safe journal: an append-only JSON-lines file, replayed to rebuild a study.

Line 1 is a header: the format name and version, the search space, the direction, the study
seed, the first optimizer and the pruner. Every later line is one event, written with a single ``write``
and then flushed and fsynced, so a crash loses at most the line being written:

=============  ===============================================================
``asked``      a trial was created (RUNNING), with its params and source
``finished``   a trial became COMPLETE, PRUNED or FAILED, with value and attributes
``added``      a finished trial the user evaluated themselves (``Study.add_manual``)
``enqueued``   params queued by the user, to be evaluated before the optimizer's
``switched``   the study moved to another optimizer (name and settings)
``undone``     the last, manual trial was withdrawn (``Study.undo_manual``)
``reported``   a running trial reported an intermediate value (and the pruner's verdict)
``override``   a person stopped or promoted a trial (``Study.stop``, ``Study.promote``)
=============  ===============================================================

Reading never executes code (no pickle), tolerates a truncated last line (the crash case:
it is cut off the file with a warning) and refuses anything else that does not parse.
The design follows Optuna's ``storages/journal/_storage.py``: state is the replay of a log.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .exceptions import StorageError

__all__ = ["FORMAT", "VERSION", "EVENTS", "Journal"]

FORMAT = "interactive_hpo.journal"
VERSION = 1
EVENTS = ("asked", "finished", "added", "undone", "enqueued", "switched", "reported", "override")


class Journal:
    """One journal file.

    Parameters
    ----------
    path : str or os.PathLike
        Where the journal lives; created on the first :meth:`create`.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def is_empty(self) -> bool:
        """True when there is no journal yet (no file, or a file of zero bytes)."""
        return not self.path.exists() or self.path.stat().st_size == 0

    def create(self, header: Mapping[str, Any]) -> None:
        """Start a new journal with ``header`` (format and version are added)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as file:
            self._write(file, {"format": FORMAT, "version": VERSION, **header})

    def append(self, event: Mapping[str, Any]) -> None:
        """Append one event line and make it durable before returning."""
        with open(self.path, "a", encoding="utf-8") as file:
            self._write(file, event)

    @staticmethod
    def _write(file: Any, record: Mapping[str, Any]) -> None:
        # One write call per line, then flush + fsync: a crash leaves at most a partial last line.
        file.write(json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n")
        file.flush()
        os.fsync(file.fileno())

    def read(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Return ``(header, events)``, checking the format and each event's kind.

        A last line without its newline is a write the process did not finish: it is removed
        from the file with a warning, so the next append starts on a clean line.
        """
        raw = self.path.read_bytes()
        *lines, tail = raw.split(b"\n")
        if tail:
            warnings.warn(
                f"{self.path}: the last line was cut off mid-write (the process was probably killed); "
                "it is dropped and the study resumes from the last complete event.",
                RuntimeWarning,
                stacklevel=3,
            )
            with open(self.path, "r+b") as file:
                file.truncate(len(raw) - len(tail))
                os.fsync(file.fileno())
        if not lines:
            raise StorageError(f"{self.path} is not an interactive_hpo journal: it has no complete header line.")
        records = [self._parse(line, i + 1) for i, line in enumerate(lines)]
        header, events = records[0], records[1:]
        if header.get("format") != FORMAT:
            raise StorageError(
                f"{self.path} is not an interactive_hpo journal: its first line has format "
                f"{header.get('format')!r}, expected {FORMAT!r}."
            )
        if not isinstance(header.get("version"), int) or header["version"] > VERSION:
            raise StorageError(
                f"{self.path} was written by a newer interactive_hpo (journal version "
                f"{header.get('version')!r}; this one reads up to {VERSION}). Upgrade interactive_hpo."
            )
        for number, event in enumerate(events, start=2):
            if event.get("event") not in EVENTS:
                raise StorageError(
                    f"{self.path}, line {number}: unknown event {event.get('event')!r}; "
                    f"expected one of {list(EVENTS)}. The file is corrupted."
                )
        return header, events

    def _parse(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StorageError(f"{self.path}, line {number}: not valid JSON ({error}). The file is corrupted; "
                               "only a cut-off last line is repaired automatically.") from error
        if not isinstance(record, dict):
            raise StorageError(f"{self.path}, line {number}: expected a JSON object, got {type(record).__name__}.")
        return record
