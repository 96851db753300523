"""Owners in another process-id namespace or boot of a host of the same name (containers on the
host's network): their trials are not failed as interrupted (:mod:`interactive_hpo.study.owners`),
and a study whose trial another study failed so says what happened when it tells it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings

import pytest

from interactive_hpo import Float, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import TrialStateError
from interactive_hpo.study import owners
from interactive_hpo.study.replay import INTERRUPTED

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def process_space() -> dict:
    """This process's boot and pid namespace, as Linux shows them ({} where it does not)."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as boot:
            return {"boot": boot.read().strip(), "pidns": os.stat("/proc/self/ns/pid").st_ino}
    except OSError:
        return {}


MINE = process_space()
needs_proc = pytest.mark.skipif(not MINE, reason="no readable /proc boot_id and pid namespace")


def no_such_pid() -> int:
    """A process id no process has here: past the largest the kernel hands out."""
    with open("/proc/sys/kernel/pid_max") as limit:
        return int(limit.read()) + 1


def left_running(tmp_path, **owner):
    """A journal whose last trial is RUNNING, asked by a process of this host whose id is no
    process's here and whose owner record is changed by ``owner`` (None: the key removed)."""
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "mine.jsonl")
    study.run(lambda p: p["x"], n_trials=1)
    study.ask()
    lines = [json.loads(line) for line in (tmp_path / "mine.jsonl").read_text().splitlines()]
    record = lines[-1]["owner"]
    assert record["host"] == socket.gethostname()
    record.update(pid=no_such_pid(), started="1", study="gone")
    for key, value in owner.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    copy = tmp_path / "copy.jsonl"
    copy.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return copy


@needs_proc
def test_an_owner_records_its_boot_and_pid_namespace():
    study = Study(SPACE)
    study.ask()
    record = study.state.owner_of(0)
    assert (record["boot"], record["pidns"]) == (MINE["boot"], MINE["pidns"])


@needs_proc
@pytest.mark.parametrize("other", [{"pidns": 1}, {"boot": "another-boot"}], ids=["pid-namespace", "boot"])
def test_a_trial_of_another_namespace_or_boot_on_this_host_is_not_failed(tmp_path, other):
    # Its process id is no process's here, which said nothing: that process is elsewhere.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        study = Study.load(left_running(tmp_path, **other))
    assert not [w for w in seen if "left RUNNING" in str(w.message)]
    assert study.trials[-1].state is TrialState.RUNNING
    assert owners.owner_status(study.state.owner_of(1), tmp_path / "copy.jsonl") == "unchecked"


def test_an_unchecked_owner_is_said_to_be_where_it_is():
    # Both said "on another host" of a container beside this one, on this host's name.
    assert owners.why_unchecked({"host": socket.gethostname(), "pidns": 1}) == \
        "in another container or boot of this host"
    assert owners.why_unchecked({"host": socket.gethostname() + "-elsewhere"}) == "on another host"


@pytest.mark.parametrize("owner", [{}, {"boot": None, "pidns": None}], ids=["this-namespace", "no-record"])
def test_a_trial_of_a_dead_process_here_is_failed_as_before(tmp_path, owner):
    # An owner of this namespace and boot, or one that does not record them (an older journal).
    with pytest.warns(RuntimeWarning, match="left RUNNING"):
        study = Study.load(left_running(tmp_path, **owner))
    assert study.trials[-1].state is TrialState.FAILED


@needs_proc
def test_this_process_id_in_another_namespace_is_another_process():
    record = {"host": socket.gethostname(), "pid": os.getpid(), "pidns": MINE["pidns"] + 1}
    assert not owners.of_this_process(record)
    assert owners.owner_named(record).startswith(f"process {os.getpid()} on host")


def test_telling_a_trial_another_study_failed_as_interrupted_says_so(tmp_path):
    path = tmp_path / "shared.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    trial = study.ask()
    # What another study does that takes this process for ended (an older interactive_hpo in
    # another container on the host's network).
    Study.load(path).tell(trial.number, state="failed", user_attrs={"error": INTERRUPTED})
    with pytest.raises(TrialStateError) as refused:
        study.tell(trial, 0.25)
    message = str(refused.value)
    assert f"Trial {trial.number} was marked FAILED" in message and "by another study on this journal" in message
    assert "0.25, was not recorded" in message
    assert f"study.add_manual(study.trials[{trial.number}].params, 0.25)" in message
    assert f"study.enqueue(study.trials[{trial.number}].params)" in message
    # A trial this study finished itself is refused as before.
    with pytest.raises(TrialStateError, match="a trial can be told only once"):
        Study.load(path).tell(trial.number, 0.5)



ASKER = """
import pathlib, sys, time
from interactive_hpo import Float, SearchSpace, Study
folder = pathlib.Path(sys.argv[1])
study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0, storage=folder / "j.jsonl")
trial = study.ask()
(folder / "asked").touch()
while not (folder / "tell").exists():
    time.sleep(0.05)
print(study.tell(trial, 0.5).state.name)
"""


@pytest.mark.skipif(not shutil.which("unshare") or os.geteuid() != 0, reason="needs root and unshare")
def test_a_process_in_its_own_pid_namespace_keeps_its_trial(tmp_path):
    # A real container's view: the asker is pid 1 of its namespace, and pid 1 here is init,
    # alive and started at another time, so the asker was taken for ended and its trial failed.
    command = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", ASKER, str(tmp_path)]
    asker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "asked").exists():
            if asker.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"unshare did not run the asker: {asker.communicate()[1][-300:]}")
            time.sleep(0.05)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no trial failed as interrupted
            assert Study.load(tmp_path / "j.jsonl").trials[0].state is TrialState.RUNNING
    finally:
        (tmp_path / "tell").touch()
        out, err = asker.communicate(timeout=60)
    assert out.strip() == "COMPLETE", err[-500:]
