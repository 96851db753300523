"""A journal reopened over another search space: the refusal names what differs."""

from __future__ import annotations

import json
import re

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, StorageError, Study
from interactive_hpo.study.space_change import space_changes

KERNEL = Categorical("kernel", ["rbf", "poly", "linear"])
DEGREE = Int("degree", 2, 5, condition=("kernel", ["poly"]))
SPACE = SearchSpace([Float("C", 1e-3, 1e3, log=True), KERNEL, DEGREE])


@pytest.mark.parametrize(("given", "changes"), [
    ([Float("C", 1e-3, 1e3, log=True), KERNEL, Int("degree", 2, 6, condition=("kernel", ["poly"]))],
     ["`degree`: high 5 in the journal, 6 given"]),
    ([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["poly", "rbf", "linear"]), DEGREE],
     ["`kernel`: choices in another order, ['rbf', 'poly', 'linear'] in the journal, ['poly', 'rbf', 'linear'] given"]),
    ([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["rbf", "poly"]), DEGREE],
     ["`kernel`: choices ['rbf', 'poly', 'linear'] in the journal, ['rbf', 'poly'] given"]),
    ([Float("C", 1e-3, 1e3, log=True), KERNEL, Int("degree", 2, 5)],
     ["`degree`: condition ['kernel', ['poly']] in the journal, none given"]),
    ([Float("C", 1e-2, 1e2), KERNEL, Float("degree", 2, 5), Float("gamma", 1e-4, 1)],
     ["`C`: low 0.001 in the journal, 0.01 given; high 1000.0 in the journal, 100.0 given; log True in the "
      "journal, False given", "`degree`: type 'int' in the journal, 'float' given",
      "`gamma` is new (the journal has no such parameter)"]),
    ([KERNEL, DEGREE], ["`C` is in the journal, not in the space given"]),
    ([KERNEL, Float("C", 1e-3, 1e3, log=True), DEGREE],
     ["the parameters are in another order: ['C', 'kernel', 'degree'] in the journal, ['kernel', 'C', 'degree'] "
      "given"]),
])
def test_what_differs_is_named_parameter_by_parameter(given, changes):
    assert space_changes(SPACE.to_dict(), SearchSpace(given).to_dict()) == changes


def test_a_hand_edited_space_record_is_described_not_crashed_on():
    assert space_changes({"params": [7]}, SPACE.to_dict())[0] == "`#0` is in the journal, not in the space given"
    assert space_changes({"params": "x"}, {"params": []}) == ["{'params': 'x'} in the journal, {'params': []} given"]


def test_reopening_over_another_space_names_the_change_and_the_way_on(tmp_path):
    # It printed both spaces whole (932 characters for four parameters) and never named remap_study.
    path = tmp_path / "s.jsonl"
    Study(SPACE, seed=0, storage=path).run(lambda p: p["C"], 2)
    before = path.read_bytes()
    wider = SearchSpace([Float("C", 1e-3, 1e3, log=True), KERNEL, Int("degree", 2, 6, condition=("kernel", ["poly"]))])
    with pytest.raises(StorageError, match=re.escape(
            f"{path} holds a study over another search space: `degree`: high 5 in the journal, 6 given. "
            "Study.load(path) opens it as it is; to go on over the new space, remap_study(Study.load(path), space, "
            "storage=new_path) (from interactive_hpo.study.branching) carries the trials that fit to a new "
            "journal. Or choose another storage path.")):
        Study(wider, seed=0, storage=path)
    assert path.read_bytes() == before


def test_choices_of_another_type_are_another_space(tmp_path):
    path = tmp_path / "study.jsonl"
    journaled = SearchSpace([Categorical("c", [1.0, 2.0]), Float("x", 0.0, 1.0)])
    Study(journaled, "random", seed=0, storage=path).run(lambda p: p["c"] + p["x"], 2)
    with pytest.raises(StorageError, match=re.escape("`c`: choices [1.0, 2.0] in the journal, [1, 2] given")):
        Study(SearchSpace([Categorical("c", [1, 2]), Float("x", 0.0, 1.0)]), "random", seed=0, storage=path)


def test_a_journal_whose_condition_was_written_before_values_took_their_parents_form_resumes(tmp_path):
    """Journals written before conditions held their parent's form say ``("n", [1, 2.0])`` of an
    Int and ``("c", [2])`` of a Categorical of floats, where a space writes ``[1, 2]`` and ``[2.0]``
    today: the same space, so the journal opens, by Study.load and by the space given, and goes on
    as the study that wrote it would have (both refused it as "another search space")."""
    space = SearchSpace([Int("n", 1, 3), Categorical("c", [1.0, 2.0]),
                         Float("a", 0.0, 1.0, condition=("n", [1, 2])), Float("b", 0.0, 1.0, condition=("c", [2.0]))])

    def objective(params):
        return params["n"] + params["c"] + params.get("a", 0.0) + params.get("b", 0.0)

    path = tmp_path / "old.jsonl"
    Study(space, "random", seed=0, storage=path).run(objective, n_trials=4, progress=False)
    uninterrupted = Study(space, "random", seed=0)
    uninterrupted.run(objective, n_trials=4, progress=False)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    for entry in header["space"]["params"]:  # as the code before the change wrote them
        if entry["name"] == "a":
            entry["condition"] = ["n", [1, 2.0]]
        if entry["name"] == "b":
            entry["condition"] = ["c", [2]]
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    loaded, resumed = Study.load(path), Study(space, "random", seed=0, storage=path)
    assert [t.params for t in loaded.trials] == [t.params for t in resumed.trials] \
        == [t.params for t in uninterrupted.trials]
    assert resumed.ask().params == uninterrupted.ask().params
