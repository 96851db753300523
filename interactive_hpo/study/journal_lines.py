"""How one journal line is written and read: the kinds of journal, the codec, and what a line must be.

A line is one JSON object (``encode``), read back without executing anything (``decode``: no
NaN, no infinity, no number past a float's range). Line 1 is the header naming the journal's
format; every later line of a study's journal is one of :data:`EVENTS`. ``is_cut_off`` tells a
write a crash cut short from a whole last line that only lost its newline. :mod:`.journal` owns
the file, its lock and the order of lines.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._validation import shown
from ..exceptions import StorageError

__all__ = ["FORMAT", "VERSION", "EVENTS", "HEADER", "STUDY_JOURNAL", "JournalFormat", "check_record", "decode",
           "encode", "is_cut_off", "refused_field"]

FORMAT = "interactive_hpo.journal"
VERSION = 1
#: How errors name line 1, whose fields a refusal names as "`seed` of the journal's header".
HEADER = "the journal's header"
EVENTS = ("asked", "finished", "added", "undone", "enqueued", "switched", "pruner_switched", "reported", "override")


@dataclass(frozen=True)
class JournalFormat:
    """What one kind of journal holds: its header's ``format`` and newest ``version``, and the
    ``event`` of each later line (None: any JSON object, e.g. PBT's rounds)."""

    name: str
    version: int
    events: tuple[str, ...] | None
    #: How the kind is named in messages, with its article ("an interactive_hpo journal").
    label: str


#: A study's journal.
STUDY_JOURNAL = JournalFormat(FORMAT, VERSION, EVENTS, "an interactive_hpo journal")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} does not fit in a float")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a value a journal holds")


def decode(line: bytes) -> Any:
    """One line's JSON; a number past a float's range, NaN, infinity and values nested past
    Python's recursion limit are refused (ValueError)."""
    try:
        return json.loads(line, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:  # an edited line of [[[[...: Python's error stopped the load, not the file's
        raise ValueError("values nested too deep to read") from None


def is_cut_off(line: bytes) -> bool:
    """Whether a last line without its newline is a write cut off mid-way (no part of a JSON
    object short of all of it parses), not a whole event that lost only its newline."""
    try:
        decode(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return True
    except ValueError:  # whole, but with a number no journal holds: the caller refuses the line
        return False
    return False


def encode(record: Mapping[str, Any]) -> bytes:
    """A record as one journal line (no NaN or inf: they are not JSON)."""
    return (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()


def refused_field(path: Path, number: int, error: Exception) -> StorageError:
    """The refusal of line ``number`` of the journal at ``path``, one of whose fields broke its
    rule (``error`` names the field, the rule and the value)."""
    return StorageError(f"{path}, line {number}: {error} The file is corrupted or was edited by hand; it was left as "
                        "it is.")


def check_record(record: Any, number: int, path: Path, kind: JournalFormat) -> dict[str, Any]:
    """``record``, decoded from line ``number`` (1-based) of the journal at ``path``, if it is
    what that line of a ``kind`` journal must be; else the StorageError saying what it is."""
    if not isinstance(record, dict):
        raise StorageError(f"{path}, line {number}: expected a JSON object, got {type(record).__name__}.")
    if number == 1 and record.get("format") != kind.name:
        raise StorageError(f"{path} is not {kind.label}: its first line has format "
                           f"{shown(record.get('format'))}, expected {kind.name!r}. It was left as it is.")
    if number > 1 and kind.events is not None and record.get("event") not in kind.events:
        raise StorageError(f"{path}, line {number}: unknown event {shown(record.get('event'))}; "
                           f"expected one of {list(kind.events)}. The file is corrupted.")
    return record
