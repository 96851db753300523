"""Who asked a trial: the owner record journaled with every ask, and whether that owner can
still tell the trial.

A trial a crashed process left RUNNING must become FAILED when the journal is opened again, but
a trial another live process (a second notebook, a job of an array) is evaluating must not: the
owner record (host, process, its start time, study) tells the two apart.
"""

from __future__ import annotations

import os
import socket
import uuid
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from .._validation import shown

__all__ = ["new_owner", "owner_is_alive", "owner_named", "owner_status", "of_this_process"]


#: The largest process id there can be: a ``pid_t`` is a C int on every platform.
_MAX_PID = 2**31 - 1

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


def of_this_process(owner: Any) -> bool:
    """Whether an owner record names this process (any of its studies)."""
    return isinstance(owner, Mapping) and owner.get("host") == socket.gethostname() and owner.get("pid") == os.getpid()


def owner_named(owner: Any) -> str:
    """Who an owner record names, as a message says it: "process 4242 on host 'gpu-3'", or
    "another Study object of this process" (two studies on one journal in one notebook)."""
    if not isinstance(owner, Mapping):
        return "a study whose process is unknown"  # journaled before owners were recorded
    if of_this_process(owner):
        return "another Study object of this process"
    return f"process {shown(owner.get('pid'))} on host {shown(owner.get('host'))}"


def owner_is_alive(owner: Any, journal: Path) -> bool:
    """Whether the study that asked a trial may still tell it in ``journal``: its
    :func:`owner_status` is not "ended".

    A process on another host cannot be checked from here: it counts as alive, so its trials
    stay RUNNING (failing a trial a live job is evaluating would lose its result).
    """
    return owner_status(owner, journal) != "ended"


def owner_status(owner: Any, journal: Path) -> Literal["alive", "ended", "unchecked"]:
    """Whether the study that asked or added a trial is still open on ``journal``.

    "ended" for journals written before owners were recorded (None), for a study of this
    process that has been garbage-collected or writes another file (``journal`` is a copy), and
    for a process of this host that has ended; "unchecked" for a process on another host (a
    colleague's journal, a new container's hostname, or a job on a shared disk): no one here
    can tell; "alive" otherwise.
    """
    if not isinstance(owner, Mapping):
        return "ended"
    if owner.get("host") != socket.gethostname():
        return "unchecked"
    pid = owner.get("pid")
    if pid == os.getpid() and owner.get("started") == _process_start(os.getpid()):
        return "alive" if _OPEN_OWNERS.get(str(owner.get("study")), False) == journal.resolve() else "ended"
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid <= _MAX_PID:
        return "ended"  # no process has it (an edited journal's): os.kill raised OverflowError past a C int
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "ended"
    except PermissionError:  # alive, but another user's
        pass
    started = _process_start(pid)
    return "alive" if started != "ended" and (started is None or owner.get("started") in (None, started)) else "ended"
