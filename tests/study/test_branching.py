"""Carrying trials over to an edited search space."""

from __future__ import annotations

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialState
from interactive_hpo.study.branching import fork_study, remap_study

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])


def loss(params):
    return (params["x"] - 1) ** 2 + params.get("n", 0)


def test_trials_that_fit_are_carried_and_the_others_are_explained():
    study = Study(SPACE, "random", seed=1, direction="maximize")
    study.run(loss, n_trials=12)
    study.tell(study.ask(), state=TrialState.FAILED)
    study.add_manual({"x": 0.5, "n": 2, "c": "a"}, 7.0)
    narrower = SearchSpace([Float("x", 0.0, 2.0), Categorical("c", ["a", "b"])])  # n removed, x narrowed
    moved = remap_study(study, narrower)
    assert len(moved.kept) + len(moved.dropped) == len(study.trials)
    assert moved.dropped[12] == "not complete (FAILED)"
    for old, new in moved.kept.items():
        before, after = study.trials[old], moved.study.trials[new]
        assert after.params == {"x": before.params["x"], "c": before.params["c"]} and after.value == before.value
        assert after.user_attrs["carried_from"] == old
        assert after.source == ("manual" if before.source == "manual" else "carried")
    assert all(study.trials[n].params["x"] < 0 for n, why in moved.dropped.items() if "outside" in why)
    assert moved.study.direction == "maximize" and moved.study.optimizer.name == "random"
    assert moved.study.best_value == max(study.trials[n].value for n in moved.kept)


def test_a_new_parameter_leaves_every_trial_behind_with_the_reason():
    study = Study(SPACE, "sobol", seed=0)
    study.run(loss, n_trials=3)
    wider = SearchSpace([*SPACE, Float("lr", 1e-4, 1.0, log=True)])
    moved = remap_study(study, wider, optimizer="random")
    assert moved.kept == {} and set(moved.dropped.values()) == {"has no value for lr"}
    assert moved.study.optimizer.name == "random"


def test_carried_bo_trials_do_not_leak_their_gp_state_into_the_new_optimizer():
    pytest.importorskip("botorch")
    study = Study(SPACE, "bo", seed=0, optimizer_settings={"n_initial": 3, "num_restarts": 2, "raw_samples": 32})
    study.run(loss, n_trials=5)
    narrower = SearchSpace([Float("x", -2.0, 2.0), Categorical("c", ["a", "b"])])
    moved = remap_study(study, narrower)
    assert "gp_state" in moved.study.trials[4].user_attrs["carried_attrs"]
    assert moved.study.step(loss).state is TrialState.COMPLETE  # fits its own GP on 2-D data


def test_a_continued_journal_is_numbered_on_and_never_overwrites_a_file(tmp_path):
    from interactive_hpo.study.branching import next_journal

    first = tmp_path / "study.jsonl"
    assert next_journal(None) is None
    assert next_journal(str(first)) == str(tmp_path / "study-2.jsonl")
    first.write_text("")
    (tmp_path / "study-2.jsonl").write_text("")
    # A fork of the fork is the next number of the same family, not study-2-2.
    assert next_journal(str(tmp_path / "study-2.jsonl")) == str(tmp_path / "study-3.jsonl")
    # A number that is part of the person's own name stays: there is no tuning.jsonl.
    assert next_journal(str(tmp_path / "tuning-2024.jsonl")) == str(tmp_path / "tuning-2024-2.jsonl")
    assert next_journal(str(tmp_path / "notes")) == str(tmp_path / "notes-2")


@pytest.mark.parametrize("optimizer", ["sobol", "bo"])
def test_a_fork_in_the_sobol_design_goes_on_with_it_and_proposes_no_carried_configuration_again(optimizer):
    # A fork keeps the study's seed, so its Sobol sequence was the original's, read again from the
    # start: a branch at step 3 re-proposed trials 0, 1 and 2 (a "bo" one as its first asks too).
    study = Study(SPACE, optimizer, seed=0)
    study.run(loss, n_trials=6)
    branch = fork_study(study, 3).study
    asked = [branch.ask() for _ in range(3)]
    assert [dict(t.params) for t in asked] == [dict(t.params) for t in study.trials[3:6]]


def test_a_remap_into_another_space_reads_the_sobol_design_as_before():
    # Only a carried trial whose recorded point decodes to its params is taken: another space's
    # points are other configurations, and the new study's design starts at its beginning.
    study = Study(SPACE, "sobol", seed=0)
    study.run(loss, n_trials=3)
    wider = SearchSpace([Float("x", -4.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
    moved = remap_study(study, wider).study
    assert moved.ask().user_attrs["sobol_index"] == 0


@pytest.mark.parametrize("optimizer", ["cmaes", "ga"])
def test_a_fork_of_a_population_goes_on_breeding_the_studys_generations(optimizer):
    # A fork keeps the study's seed, but its carried trials were learnt as foreign ones: the
    # branch bred other generations, so a fork with nothing changed did not go on as the study did.
    study = Study(SPACE, optimizer, seed=0)
    study.run(loss, n_trials=14)
    for step in (3, 9):
        branch = fork_study(study, step).study
        asked = [branch.ask() for _ in range(3)]
        assert [dict(t.params) for t in asked] == [dict(t.params) for t in study.trials[step:step + 3]]
    other = fork_study(study, 9, optimizer_settings={"population_size": 3}).study   # another population: no error
    assert len(other.run(loss, n_trials=6)) == 6
