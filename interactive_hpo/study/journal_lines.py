"""How one journal line is written and read: the kinds of journal, the codec, and what a line must be.

A line is one JSON object (``encode``), read back without executing anything (``decode``: no
NaN, no infinity, no number past a float's range). Line 1 is the header naming the journal's
format; every later line of a study's journal is one of :data:`EVENTS`. ``is_cut_off`` tells a
write a crash cut short from a whole last line that only lost its newline. A write of several
events (the lines of one action) says so on each of its lines (:data:`GROUP`, :func:`grouped`), so
that one a crash cut short is read whole or not at all (:func:`unfinished_write`, and the warning of
:func:`warn_cut_off`). A line that breaks these rules is refused with a StorageError naming the file
and the line (:func:`check_header`, :func:`check_record`, :func:`unparsable`). :mod:`.journal` owns
the file, its lock and the order of lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._validation import fail, is_int, shown, warn_user
from ..exceptions import StorageError

__all__ = ["FORMAT", "VERSION", "EVENTS", "GROUP", "HEADER", "STUDY_JOURNAL", "DuplicateKey", "JournalFormat",
           "check_header", "check_record", "decode", "encode", "grouped", "is_cut_off", "refused_field",
           "unfinished_write", "unparsable", "warn_cut_off"]

FORMAT = "interactive_hpo.journal"
VERSION = 1
#: How errors name line 1, whose fields a refusal names as "`seed` of the journal's header".
HEADER = "the journal's header"
EVENTS = ("asked", "finished", "added", "undone", "enqueued", "switched", "pruner_switched", "reported", "override",
          "test_look")
#: The field of each line of a write of several events (one action: a trial added finished, an
#: ask of several trials) that says which line of how many it is, ``[k, n]``. Every line carries
#: it, not the first alone: a write is unfinished only if the file ends inside it, so a line
#: another writer (an older version, which knows no groups) appended after a torn write ends it,
#: and is never taken for part of it. Journals written before it (and a single event's line)
#: have none: each line is a write of its own, as they were read.
GROUP = "group"


@dataclass(frozen=True)
class JournalFormat:
    """What one kind of journal holds: its header's ``format`` and newest ``version``, and the
    ``event`` of each later line (None: any JSON object, e.g. PBT's rounds)."""

    name: str
    version: int
    events: tuple[str, ...] | None
    #: How the kind is named in messages, with its article ("an interactive_hpo journal").
    label: str
    #: Whether a writer goes on appending to a journal of this kind (a study's, resumed), and so
    #: cuts off a write a crash cut short; a PBT run never resumes, and leaves it in the file.
    appended: bool = True


#: A study's journal.
STUDY_JOURNAL = JournalFormat(FORMAT, VERSION, EVENTS, "an interactive_hpo journal")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} does not fit in a float")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a value a journal holds")


class DuplicateKey(ValueError):
    """A JSON object that names a key twice: JSON keeps the last, silently (a header edited to
    end with ``,"direction":"maximize"`` turned a minimized study around)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"the key {key!r} appears twice in one JSON object, so which value counts is "
                                   "not clear.")
            seen.add(key)
    return record


def decode(line: bytes) -> Any:
    """One line's JSON; a number past a float's range, NaN, infinity, a key given twice in an
    object (:class:`DuplicateKey`), NUL bytes and values nested past Python's recursion limit
    are refused (ValueError)."""
    if b"\0" in line:  # json guessed UTF-32 from them: "'utf-32-be' codec can't decode bytes"
        raise ValueError("the line holds NUL bytes, so it is not text: a disk or a copy that failed leaves them")
    try:
        return json.loads(line, parse_float=_finite, parse_constant=_no_constant, object_pairs_hook=_object)
    except RecursionError:  # an edited line of [[[[...: Python's error stopped the load, not the file's
        raise ValueError("values nested too deep to read") from None


class _Ended(Exception):
    """The text ended inside a value: what a write cut short leaves."""


#: A JSON number, and the characters a number's text is made of (to find where one stops).
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NUMBER_TEXT = re.compile(r"[-+0-9.eE]*")
#: A string's characters up to its closing quote or a backslash that does not start a whole escape.
_STRING_BODY = re.compile(r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*')
_CUT_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{0,3})?")


def _expect(text: str, at: int, char: str) -> int:
    if at == len(text):
        raise _Ended
    if text[at] != char:
        raise ValueError(at)
    return at + 1


def _string(text: str, at: int) -> int:
    """Where the string whose body starts at ``at`` ends (after its closing quote)."""
    at = _STRING_BODY.match(text, at).end()  # type: ignore[union-attr]  # it matches "" at least
    if at < len(text) and text[at] == '"':
        return at + 1
    if at == len(text) or _CUT_ESCAPE.fullmatch(text, at):
        raise _Ended
    raise ValueError(at)


def _value(text: str, at: int) -> int:
    """Where the JSON value starting at ``at`` ends; _Ended if the text ends inside it."""
    if at == len(text):
        raise _Ended
    char = text[at]
    if char in "{[":
        return _container(text, at + 1, "}" if char == "{" else "]")
    if char == '"':
        return _string(text, at + 1)
    for word in ("true", "false", "null"):
        if char == word[0]:
            given = text[at:at + len(word)]
            if not word.startswith(given):
                raise ValueError(at)
            if len(given) < len(word):
                raise _Ended
            return at + len(word)
    run = _NUMBER_TEXT.match(text, at).group()  # type: ignore[union-attr]
    if at + len(run) == len(text) and (_NUMBER.fullmatch(run) or _NUMBER.fullmatch(run + "0")):
        raise _Ended  # "-", "1.", "2e-": a number whose digits were still to come
    if not _NUMBER.fullmatch(run):
        raise ValueError(at)
    return at + len(run)


def _container(text: str, at: int, closing: str) -> int:
    """Where the object (``closing`` "}") or array ("]") whose inside starts at ``at`` ends."""
    if at == len(text):
        raise _Ended
    if text[at] == closing:
        return at + 1
    while True:
        if closing == "}":
            at = _expect(text, _string(text, _expect(text, at, '"')), ":")
        at = _value(text, at)
        if at == len(text):
            raise _Ended
        if text[at] == closing:
            return at + 1
        at = _expect(text, at, ",")


def is_cut_off(line: bytes, kind: JournalFormat = STUDY_JOURNAL, first: bool = False) -> bool:
    """Whether a last line without its newline is a write of a ``kind`` journal's line cut off
    mid-way, the only damage a crash does (:func:`encode`'s one ``write`` per line), so it may be
    cut off the file.

    That is a proper prefix of what :func:`encode` writes: compact JSON (no space between
    tokens), ASCII only (``ensure_ascii``), an object that is not yet closed, and in a study's
    journal one that begins ``{"event":"<one of EVENTS>"``; line 1 (``first``), one that begins
    ``{"format":"<the kind's name>"`` (a header an older interactive_hpo wrote in place). Anything else (a note a person
    appended, text of another program, a whole line that only lost its newline) is not: the
    caller reads it as a line, and refuses it if it is not one. Its length is not bounded: a
    trial's ``user_attrs`` are, and a cut-off write of a large one is as real as of a small one.
    """
    if not line.isascii() or not line.startswith(b"{"):
        return False
    text = line.decode("ascii")
    leads = [f'{{"format":"{kind.name}"'] if first else [] if kind.events is None else [
        f'{{"event":"{event}"' for event in kind.events]
    if leads and not any(lead.startswith(text[:len(lead)]) for lead in leads):
        return False
    try:
        _container(text, 1, "}")
    except _Ended:
        return True
    except (ValueError, RecursionError):  # not JSON, or nested past what decode reads: refused there
        return False
    return False  # a whole object: its newline alone was lost (or more follows it, which is refused)


def encode(record: Mapping[str, Any]) -> bytes:
    """A record as one journal line (no NaN or inf: they are not JSON)."""
    return (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()


def grouped(records: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The ``records`` of one write as they are written: when they are several, each marked with
    its place among them, ``[k, n]`` (:data:`GROUP`, after its other fields: a line still starts
    ``{"event":``)."""
    n = len(records)
    return [{**record, GROUP: [k, n]} for k, record in enumerate(records, 1)] if n > 1 else records


def unfinished_write(records: list[dict[str, Any]]) -> int:
    """How many of ``records`` (the last lines of a journal after its header, in order, their
    :data:`GROUP` marks still on) are the start of a write of several events that the file does
    not hold whole: what a crash leaves when the first lines of one action reached the disk and
    its last did not. 0 when the last line ends a write (its own, or the last of a group), and
    when the lines before it do not carry the marks of that group's start (never ours to drop)."""
    mark = records[-1].get(GROUP) if records else None
    if mark is None or mark[0] == mark[1]:
        return 0
    k, n = mark
    start = records[-k:] if k <= len(records) else []
    return k if [line.get(GROUP) for line in start] == [[i, n] for i in range(1, k + 1)] else 0


def warn_cut_off(path: Path, cut: int, read_only: bool, kind: JournalFormat) -> None:
    """Warn that the last write of the ``kind`` journal at ``path`` was cut off by a crash: the last
    line, or (``cut`` > 0) one action's events, ``cut`` whole lines of it written. A study that writes
    the journal cuts it off the file once it accepts the journal; a ``read_only`` one leaves it there,
    as does every reader of a kind nothing appends to again (:attr:`JournalFormat.appended`: PBT's)."""
    what = f"the last write (one action's events, {cut} whole line(s) of it written)" if cut else "the last line"
    fate = f"left in the file as it is (nothing appends to {kind.label} again)" if not kind.appended else \
        ("left in the file as it is (this study is read-only); a study that may write the journal cuts it off "
         "once it accepts the journal") if read_only else "cut off the file once a study accepts the journal"
    warn_user(f"{path}: {what} was cut off mid-write (the process was probably killed); it is ignored, and {fate}.",
              RuntimeWarning)


def unparsable(path: Path, kind: JournalFormat, line: bytes, number: int, last: bool, error: ValueError
               ) -> StorageError:
    """The refusal of line ``number`` of the ``kind`` journal at ``path``, which :func:`decode` could
    not read (``error``), chained to that error (not for a blank line, where it says nothing more);
    ``last``: the file's last line, without a newline, that is not a cut-off write (:func:`is_cut_off`)."""
    if number == 1:
        refusal = StorageError(f"{path} is not {kind.label}: its first line is not JSON ({error}). It was left as "
                               "it is.")
    elif not line.strip():  # an editor's, or an `echo >> file`
        refusal = StorageError(f"{path}, line {number}: the line is blank; a journal has none. Delete it, and the "
                               "journal loads as it was.")
    elif last:  # the mending of a cut-off write must not take it for one: the user's bytes stay
        refusal = StorageError(f"{path}, line {number}: not valid JSON ({error}). It is the last line, with no "
                               "newline, but not the start of an event as interactive_hpo writes one (which is what a "
                               "write cut off by a crash leaves), so it is not repaired: the file was left as it is. "
                               "Move those bytes out of the file (or delete them), and the journal loads.")
    else:
        refusal = StorageError(f"{path}, line {number}: not valid JSON ({error}). The file is corrupted; only a "
                               "cut-off last line is repaired automatically.")
    refusal.__cause__ = error if number == 1 or line.strip() else None  # as `raise ... from`
    return refusal


def check_header(header: dict[str, Any], path: Path, kind: JournalFormat) -> None:
    """Refuse the header of the ``kind`` journal at ``path`` if its ``version`` is not one this
    package reads: a newer one's (upgrade), or not a version at all."""
    version: Any = header.get("version")
    if is_int(version) and version > kind.version:
        raise StorageError(f"{path} was written by a newer interactive_hpo (journal version {shown(version)}; this "
                           f"one reads up to {kind.version}). Upgrade interactive_hpo.")
    if not is_int(version) or version < 1:  # not a newer one's: "upgrade" was the wrong advice
        raise refused_field(path, 1, fail("version", HEADER, f"an int in [1, {kind.version}]", version))


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
        # A newer interactive_hpo may write events this one does not know (its version mark is
        # in the header only when the format changed): "corrupted" blamed the file.
        raise StorageError(f"{path}, line {number}: unknown event {shown(record.get('event'))}; this version of "
                           f"interactive_hpo knows {list(kind.events)}. If a newer version wrote the file, upgrade; "
                           "if it was edited by hand, that line is the edit. It was left as it is.")
    mark = record.get(GROUP)
    if number > 1 and GROUP in record and not (isinstance(mark, list) and len(mark) == 2
                                               and all(is_int(m) for m in mark) and 1 <= mark[0] <= mark[1]
                                               and mark[1] >= 2):
        raise refused_field(path, number, fail(GROUP, "this line", "[k, n], 1 <= k <= n, n >= 2 (line k of the n "
                                                                   "lines of one write)", mark))
    return record
