"""One action, one write: a crash in the middle of a write of several events loses all of it.

``add_finished`` writes an "asked" and a "finished" line, ``ask_batch`` an "asked" line per
trial, in one write. A kill (or a power cut) after the first line reached the disk but before
the last did left a whole "asked" line: the trial came back RUNNING, owned by a dead process,
though the action never completed. The first line of such a write says how many lines it holds
(``"group"``), and a write whose lines are not all in the file is dropped whole, as a cut-off
last line is, and cut off the file once a study accepts the journal.
"""

from __future__ import annotations

import json
import re
import warnings

import pytest

from interactive_hpo import Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import StorageError

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5)])


def quadratic(params, budget=None):
    return (params["x"] - 1) ** 2 + params["n"]


def _add_finished(study):
    study.add_finished({"x": 0.5, "n": 2}, value=1.25, source="optuna")


def _ask_batch(study):
    study.ask_batch(3)


ACTIONS = {"add_finished": _add_finished, "ask_batch": _ask_batch}


def written_by(tmp_path, action):
    """A journal of two finished trials, and the bytes ``action`` appends to it in one write."""
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    study.run(quadratic, 2)
    before = path.read_bytes()
    ACTIONS[action](study)
    written = path.read_bytes()[len(before):]
    return path, before, written


def cuts(written):
    """Where a kill may stop the write (byte offsets in ``written``): at its second line's start
    (the first line whole, newline and all), inside that line, and for a batch of three at the
    last line's start and inside it."""
    starts = [0] + [i + 1 for i, byte in enumerate(written) if byte == ord("\n")][:-1]
    found = {"at the second line's start": starts[1], "in the second line": starts[1] + 20}
    if len(starts) > 2:
        found |= {"at the last line's start": starts[-1], "in the last line": len(written) - 5}
    return found


def trials_of(study):
    return [(t.number, t.state, t.value, dict(t.params)) for t in study.trials]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_write_of_several_events_says_how_many_lines_it_holds(tmp_path, action):
    _, _, written = written_by(tmp_path, action)
    lines = [json.loads(line) for line in written.splitlines()]
    n = 2 if action == "add_finished" else 3
    assert [line["group"] for line in lines] == [[k, n] for k in range(1, n + 1)]  # each line says its place
    assert written.startswith(b'{"event":"asked",')  # still the start of an event as this package writes one


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_action_cut_short_by_a_crash_loads_as_if_it_never_happened(tmp_path, action):
    path, before, written = written_by(tmp_path, action)
    path.write_bytes(before)
    expected = trials_of(Study.load(path))
    for where, cut in cuts(written).items():
        path.write_bytes(before + written[:cut])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            study = Study(SPACE, storage=path)
        # No RUNNING ghost, nothing else lost; the torn write is said, and cut off the file.
        assert trials_of(study) == expected and not study.state.running(), where
        assert [str(w.message) for w in caught if w.category is RuntimeWarning] == [
            f"{path}: the last write (one action's events, {where.count('last') + 1} whole line(s) of it written) was "
            "cut off mid-write (the process was probably killed); it is ignored, and cut off the file once a study "
            "accepts the journal."], where
        assert path.read_bytes() == before, where
        # A study goes on on the file: its next trial takes the number the lost action had.
        assert study.step(quadratic).number == 2, where
        assert [t.state for t in Study.load(path).trials] == [TrialState.COMPLETE] * 3, where


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_next_write_after_a_torn_one_starts_a_line_of_its_own(tmp_path, action):
    # A study that had the journal open before the crash (another notebook) meets the torn
    # write at its next transaction: it is dropped and cut, and the study's own lines follow
    # the last whole line, never glued to the cut one.
    path, before, written = written_by(tmp_path, action)
    path.write_bytes(before)
    other = Study(SPACE, storage=path)
    path.write_bytes(before + written[:cuts(written)["in the second line"]])  # the crash of a third process
    with pytest.warns(RuntimeWarning, match="cut off mid-write"):
        other.add_finished({"x": 0.0, "n": 1}, value=2.0, source="optuna")
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(isinstance(json.loads(line), dict) for line in lines[:-1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing cut off any more
        reloaded = Study.load(path)
    assert [(t.number, t.state, t.source) for t in reloaded.trials][2:] == [(2, TrialState.COMPLETE, "optuna")]
    assert len(reloaded.trials) == 3 and not reloaded.state.running()


def test_a_whole_write_that_lost_only_its_last_newline_is_kept(tmp_path):
    path, before, written = written_by(tmp_path, "ask_batch")
    path.write_bytes(before + written[:-1])
    with pytest.warns(RuntimeWarning) as caught:  # the batch's study is closed: its trials are failed, no line cut
        study = Study(SPACE, storage=path)
    assert [str(w.message).split(": ", 1)[1][:42] for w in caught] == ["3 trials were left RUNNING by a study no l"]
    assert len(study.trials) == 5 and path.read_bytes().startswith(before + written)  # the newline is back


def test_a_journal_written_before_groups_loads_as_it_did(tmp_path):
    # Lines without "group" are each a write of their own: a whole journal loads the same, and
    # a two-line write cut after its first line keeps that line, as every earlier version did.
    path, before, written = written_by(tmp_path, "add_finished")
    old = b"".join(re.sub(rb',"group":\[\d,\d\]', b"", line) + b"\n" for line in written.splitlines())
    assert old != written and b"group" not in old
    path.write_bytes(before + old)
    assert trials_of(Study.load(path)) == trials_of(Study.load(path))  # loads, and stays as it is
    assert len(Study.load(path).trials) == 3 and path.read_bytes() == before + old
    path.write_bytes(before + old[:old.index(b"\n") + 20])
    with pytest.warns(RuntimeWarning, match="the last line was cut off mid-write"):
        kept = Study(SPACE, storage=path)
    assert len(kept.trials) == 3 and kept.trials[2].source == "optuna"


@pytest.mark.parametrize("group", ['"2"', "2", "[0,2]", "[3,2]", "[1,1]", "[1.0,2]", "[1,2,3]", "null"])
def test_a_group_that_is_no_place_among_lines_is_refused_naming_its_line(tmp_path, group):
    path, before, written = written_by(tmp_path, "add_finished")
    path.write_bytes(before + written.replace(b'"group":[1,2]', f'"group":{group}'.encode()))
    damaged = path.read_bytes()
    with pytest.raises(StorageError, match=rf"{path}, line 6: `group` of this line must be \[k, n\], 1 <= k <= n, "
                                           rf"n >= 2 \(line k of the n lines of one write\); got "):
        Study.load(path)
    assert path.read_bytes() == damaged


def test_lines_another_writer_appended_after_a_torn_write_end_it_and_are_kept(tmp_path):
    # An older version (no groups) opening the journal after the crash cuts the torn line and
    # appends whole lines of its own: they end the torn write, and none of them is dropped with it
    # (before, the group's count took them for its missing lines, and cut them off the file).
    path, before, written = written_by(tmp_path, "ask_batch")
    first = written[:written.index(b"\n") + 1]
    theirs = b'{"event":"enqueued","params":{"x":0.25,"n":3}}\n'
    path.write_bytes(before + first + theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the trial the torn write asked, RUNNING, owned by no live study: FAILED
        study = Study.load(path)
    assert path.read_bytes().startswith(before + first + theirs) and len(study.trials) == 3
    assert dict(study.ask().params) == {"x": 0.25, "n": 3}  # the other writer's line was read


def test_every_crash_at_the_same_place_is_warned_about_at_the_caller_s_line(tmp_path):
    # A study that mended a torn write warns of the next one a crash leaves at the same offset
    # (the file ends there after the mend), and the warning names the line that read it, not contextlib.
    path, before, written = written_by(tmp_path, "add_finished")
    path.write_bytes(before)
    reader = Study(SPACE, storage=path)
    for cut in (10, 60, 110):
        path.write_bytes(before + written[:written.index(b"\n") + cut])
        with pytest.warns(RuntimeWarning, match="cut off mid-write") as seen:
            reader.refresh()
        assert seen[0].filename == __file__ and path.read_bytes() == before
