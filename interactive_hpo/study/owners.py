"""Who asked a trial: the owner record journaled with every ask, and whether that owner can
still tell the trial.

A trial a crashed process left RUNNING must become FAILED when the journal is opened again, but
a trial another live process (a second notebook, a job of an array) is evaluating must not: the
owner record (host, process, its start time, study) tells the two apart.

A host's name does not always name one set of processes: containers run with the host's network
(Docker ``--network host``, Kubernetes ``hostNetwork``) share its name but each has its own process
ids, and two machines may share a name. So the record also holds, where Linux shows them, the
machine's boot (``boot``: ``/proc/sys/kernel/random/boot_id``) and the process-id namespace
(``pidns``: the inode of ``/proc/self/ns/pid``); an owner whose differ from this process's is
checked as one on another host is: not at all (its process id means nothing here). A record
without them (journaled before they were, or where ``/proc`` is not readable) is checked by its
process id, as before.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from .._validation import shown
from ..exceptions import TrialStateError
from ..outcome import Measured
from ..trial import INTERRUPTED, Trial, TrialState

__all__ = ["new_owner", "owner_is_alive", "owner_named", "owner_status", "of_this_process", "told_twice",
           "why_unchecked"]


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


@functools.cache
def _process_space() -> dict[str, Any]:
    """What tells this process's ids from those of a process of another boot or container with
    the same host name (see the module's docstring): ``{"boot": str, "pidns": int}``, each where
    readable (Linux; elsewhere, or without ``/proc``, the key is left out)."""
    found: dict[str, Any] = {}
    try:
        found["boot"] = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        pass
    try:
        found["pidns"] = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        pass
    return found


def _same_process_space(owner: Mapping[str, Any]) -> bool:
    """Whether the process ``owner`` names is one of this boot and process-id namespace, so that
    its process id names a process here: True where either side does not record one of them."""
    return all(owner.get(key, mine) == mine for key, mine in _process_space().items())


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
            "study": study_id, **_process_space()}


def of_this_process(owner: Any) -> bool:
    """Whether an owner record names this process (any of its studies)."""
    return (isinstance(owner, Mapping) and owner.get("host") == socket.gethostname() and owner.get("pid") == os.getpid()
            and _same_process_space(owner))


def owner_named(owner: Any) -> str:
    """Who an owner record names, as a message says it: "process 4242 on host 'gpu-3'", or
    "another Study object of this process" (two studies on one journal in one notebook)."""
    if not isinstance(owner, Mapping):
        return "a study whose process is unknown"  # journaled before owners were recorded
    if of_this_process(owner):
        return "another Study object of this process"
    return f"process {shown(owner.get('pid'))} on host {shown(owner.get('host'))}"


def why_unchecked(owner: Mapping[str, Any]) -> str:
    """Why an owner whose :func:`owner_status` is "unchecked" cannot be checked from here: "on
    another host", or "in another container or boot of this host" (its host's name is this one's)."""
    return "on another host" if owner.get("host") != socket.gethostname() else \
        "in another container or boot of this host"


def owner_is_alive(owner: Any, journal: Path) -> bool:
    """Whether the study that asked a trial may still tell it in ``journal``: its
    :func:`owner_status` is not "ended".

    A process on another host, or of another boot or container of a host of this name, cannot be
    checked from here: it counts as alive, so its trials stay RUNNING (failing a trial a live job
    is evaluating would lose its result).
    """
    return owner_status(owner, journal) != "ended"


def owner_status(owner: Any, journal: Path) -> Literal["alive", "ended", "unchecked"]:
    """Whether the study that asked or added a trial is still open on ``journal``.

    "ended" for journals written before owners were recorded (None), for a study of this
    process that has been garbage-collected or writes another file (``journal`` is a copy), and
    for a process of this host that has ended; "unchecked" for a process on another host (a
    colleague's journal, a new container's hostname, or a job on a shared disk) or in another
    process-id namespace or boot of a host of this name (a container on the host's network, an
    earlier boot): no one here can tell; "alive" otherwise.
    """
    if not isinstance(owner, Mapping):
        return "ended"
    if owner.get("host") != socket.gethostname() or not _same_process_space(owner):
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


def told_twice(trial: Trial, value: Any, own: bool) -> TrialStateError:
    """The refusal of a tell of ``trial``, already finished, with ``value``; ``own``: this study
    asked it. One that another study failed as interrupted (it took this process for ended: one
    it could not check, as an older interactive_hpo in another container on the host's network)
    says so, and how to keep the result, which is not recorded: its trial stays as that study
    recorded it (a journal is never rewritten), and a new trial is the person's choice, as with
    any other result told too late."""
    if not (own and trial.state is TrialState.FAILED and trial.user_attrs.get("error") == INTERRUPTED):
        return TrialStateError(f"Trial {trial.number} is already {trial.state.value}; a trial can be told only once.")
    params = f"study.trials[{trial.number}].params"
    if isinstance(value, Measured):  # as the objective returned it: what add_manual takes
        met = "" if value.constraints is None else f", constraints={shown(value.constraints)}"
        value = shown(value.values) + met
    elif value is not None:
        value = shown(value)
    told = "" if value is None else f", {value},"
    keep = "Evaluate it again" if value is None else \
        f"To keep it, record it as a new trial, study.add_manual({params}, {value}), or evaluate it again"
    return TrialStateError(
        f"Trial {trial.number} was marked FAILED ({INTERRUPTED!r}) by another study on this journal while this study "
        "was evaluating it: that study took this process for ended (as a process of a host of this name in another "
        "container or process-id namespace is taken where it cannot be told apart: a study of an older "
        "interactive_hpo, or one without a readable /proc). The result told now"
        f"{told} was not recorded. {keep}: study.enqueue({params}).")
