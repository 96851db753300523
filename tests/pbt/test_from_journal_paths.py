"""PBTResult.from_journal checks its path as the run's ``storage`` was checked (audit a460): a
run with ``storage="~/pbt.jsonl"`` wrote under HOME and ``from_journal("~/pbt.jsonl")`` looked in
a folder named ``~`` of the working folder; 3 or None was a bare TypeError, a folder "holds no
journal: there is no such file". A cut-off last line is skipped and left in the file."""

from __future__ import annotations

import re

import pytest

from interactive_hpo import InvalidParameterError, StorageError
from interactive_hpo.pbt.training import PBTResult, PopulationBasedTraining

from .test_pbt import ToyTask


def test_a_journal_under_home_is_read_where_the_run_wrote_it(home):
    run = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=3, ready_every=1, seed=0,
                                  storage="~/pbt.jsonl")
    result = run.run(2)
    assert run.storage == home / "pbt.jsonl"
    assert PBTResult.from_journal("~/pbt.jsonl").to_dict() == result.to_dict()
    assert list(home.parent.joinpath("work").iterdir()) == []


@pytest.mark.parametrize("path, rule", [
    (3, "a file path (a non-empty str or os.PathLike); got 3."),
    (None, "a file path (a non-empty str or os.PathLike); got None."),
    (".", "a file path, not a folder; got '.'. Name a file inside it"),
])
def test_a_path_that_names_no_file_is_refused_naming_the_argument(path, rule, home):
    with pytest.raises(InvalidParameterError, match=re.escape(f"`path` of PBTResult.from_journal must be {rule}")):
        PBTResult.from_journal(path)


def test_no_journal_at_a_home_path_is_named_where_it_was_looked_for(home):
    with pytest.raises(StorageError, match=re.escape(f"{home / 'none.jsonl'} holds no journal: there is no such file")):
        PBTResult.from_journal("~/none.jsonl")


def test_a_cut_off_last_line_is_skipped_and_left_in_the_file(tmp_path):
    path = tmp_path / "pbt.jsonl"
    PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=3, ready_every=1, seed=0, storage=path).run(2)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # killed while writing round 1
    before = path.read_bytes()
    # The warning said it would be "cut off the file once a study accepts the journal": none ever does.
    with pytest.warns(RuntimeWarning, match=re.escape("cut off mid-write (the process was probably killed); it is "
                                                      "ignored, and left in the file as it is (nothing appends to "
                                                      "a PBT journal again).")):
        assert PBTResult.from_journal(path).n_rounds == 1
    assert path.read_bytes() == before
