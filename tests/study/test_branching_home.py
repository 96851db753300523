"""remap_study given the study's own journal as a ``~`` path (finding 4 of audit a460's review of
paths): the study's journal, checked and expanded as ``Study(storage=)`` does, was compared with
the path as typed, so its own unused journal was refused as "a path with no journal yet"."""

from __future__ import annotations

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.study.branching import remap_study


def test_remap_into_the_study_s_own_unused_journal_typed_with_home(home):
    study = Study(SearchSpace([Float("x", 0, 1)]), seed=0, storage="~/s.jsonl")
    moved = remap_study(study, SearchSpace([Float("x", 0, 2)]), storage="~/s.jsonl")
    assert moved.study.storage == str(home / "s.jsonl") == study.storage
    assert Study.load("~/s.jsonl").space.to_dict() == SearchSpace([Float("x", 0, 2)]).to_dict()
