"""Carrying trials over to an edited search space."""

from __future__ import annotations

from pathlib import Path

import pytest

from interactive_hpo import Categorical, Float, Int, MedianStoppingRule, SearchSpace, Study, TrialState
from interactive_hpo.exceptions import StorageError
from interactive_hpo.study.branching import fork_study, never_used, remap_study

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
    assert moved.dropped[12].startswith("outside the new space")  # FAILED, and judged as any other trial
    for old, new in moved.kept.items():
        before, after = study.trials[old], moved.study.trials[new]
        assert after.params == {"x": before.params["x"], "c": before.params["c"]} and after.value == before.value
        assert after.state is before.state
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


def budgeted(params, budget=1.0):
    return loss(params) + 1.0 / budget


def run_with_failures(study, n_trials):
    """``n_trials`` of ``study``, told by hand: trials 2 and 5 FAILED (one crashed, one cut short
    by a person), 6 PRUNED after two reports, the others COMPLETE."""
    for number in range(n_trials):
        trial = study.ask()
        budget = 1.0 if trial.budget is None else trial.budget
        if number == 2:
            study.tell(trial, state="FAILED", user_attrs={"error": "MemoryError: out of memory"})
        elif number == 5:
            study.tell(trial, state="FAILED", user_attrs={"error": "interrupted: stopped by a person"})
        elif number == 6:
            study.report(trial, budgeted(trial.params, budget) + 1.0, 0)
            study.report(trial, budgeted(trial.params, budget), 1)
            study.tell(trial, state="PRUNED")
        else:
            study.tell(trial, budgeted(trial.params, budget))


@pytest.mark.parametrize(("optimizer", "settings"), [
    ("bo", {"n_initial": 3, "num_restarts": 2, "raw_samples": 32}), ("ga", {"population_size": 4}),
    ("hyperband", {"min_budget": 1 / 9})])
def test_a_fork_with_the_studys_own_optimizer_proposes_what_the_study_did(optimizer, settings):
    # The README's promise, with FAILED and PRUNED trials before the step: they were left out
    # (a "bo" branch asked x=0.437 where the study asked -0.052), and every budget with them (a
    # "hyperband" branch started over at the lowest rung instead of promoting).
    if optimizer == "bo":
        pytest.importorskip("botorch")
    study = Study(SPACE, optimizer, seed=0, optimizer_settings=settings)
    run_with_failures(study, 11)
    for step in (7, 10, 11):
        fork = fork_study(study, step)
        branch = fork.study
        assert fork.dropped == {} and fork.dropped_queued == {}
        carried = [study.trials[number] for number in study.finished_before(step)] if step < 11 else study.trials
        for before, after in zip(carried, branch.trials, strict=True):
            assert (after.state, after.value, after.budget, after.intermediate_values, after.error) == \
                (before.state, before.value, before.budget, before.intermediate_values, before.error)
        asked = branch.ask()
        then = study.trials[step] if step < 11 else study.ask()
        assert asked.budget == then.budget
        # A "bo" branch starts its fit from the GP the study recorded with the trial (a fork's
        # GP was fitted cold: 0.55 away after a failed and a manual trial, helper-118).
        assert dict(asked.params) == dict(then.params), step
        if optimizer == "bo":
            assert asked.user_attrs["gp_fit"] != "cold", step


@pytest.mark.parametrize("optimizer", ["random", "ga"])
def test_a_fork_after_a_switch_draws_from_the_seed_of_the_optimizer_switched_to(optimizer):
    # The branch's optimizer took the seed of the study's first one: a fork with nothing changed
    # after a switch proposed something else.
    study = Study(SPACE, "sobol", seed=0)
    study.run(loss, n_trials=3)
    study.switch_optimizer(optimizer)
    study.run(loss, n_trials=6)
    for step in (5, 9):
        then = study.trials[step] if step < 9 else study.ask()
        assert dict(fork_study(study, step).study.ask().params) == dict(then.params), step


def test_a_fork_of_a_scheduler_keeps_a_persons_stops_and_promotions():
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9})
    study.run(budgeted, n_trials=5)
    best = min(study.trials, key=lambda t: t.value).number
    study.stop(best)  # the best of the first rung so far: it would run first at the next budget
    study.promote(next(t.number for t in study.trials if t.number != best))  # runs next
    study.run(budgeted, n_trials=9)
    assert best not in [t.user_attrs["config"] for t in study.trials if t.user_attrs["rung"] == 1]
    for step in (5, 7, 10, 14):
        branch = fork_study(study, step).study
        then = study.trials[step] if step < 14 else study.ask()
        asked = branch.ask()
        assert (dict(asked.params), asked.budget) == (dict(then.params), then.budget), step


def reporting(params, *, report):
    for epoch in range(4):
        report(params["x"] ** 2 + 1 / (epoch + 1), epoch)
    return params["x"] ** 2


def test_a_branch_keeps_the_pruner_and_the_learning_curves_it_judges_by():
    # The pruner was dropped: a study pruning 6 of 10 trials pruned none after a remap.
    study = Study(SPACE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=2))
    study.run(reporting, n_trials=10)
    branch = fork_study(study, 5).study
    assert repr(branch.pruner) == repr(study.pruner) and branch.pruner is not study.pruner
    branch.run(reporting, n_trials=5)
    assert [t.state for t in branch.trials] == [t.state for t in study.trials]
    assert TrialState.PRUNED in [t.state for t in study.trials[5:]]
    moved = remap_study(study, SearchSpace([Float("x", -2.0, 2.0)])).study
    assert repr(moved.pruner) == repr(study.pruner)
    assert [t.intermediate_values for t in moved.trials] == [t.intermediate_values for t in study.trials]


def test_a_fork_carries_the_pruner_in_force_at_its_step_not_the_one_switched_to_later(tmp_path):
    """A fork carried the study's current pruner: one from before ``study.pruner = X`` pruned by X."""
    early, late = MedianStoppingRule(n_startup_trials=2), MedianStoppingRule(n_startup_trials=3, n_warmup_steps=1)
    study = Study(SPACE, "random", seed=0, pruner=early, storage=tmp_path / "main.jsonl")
    study.run(reporting, n_trials=4)
    study.pruner = None                              # journaled: steps 4 and 5 ran without pruning
    study.run(reporting, n_trials=2)
    study.pruner = late
    study.run(reporting, n_trials=2)
    for at in (study, Study.load(tmp_path / "main.jsonl")):  # live, and rebuilt from the journal
        forks = {step: fork_study(at, step).study.pruner for step in (0, 3, 4, 5, 6, 8)}
        assert {step: repr(p) for step, p in forks.items()} == {
            0: repr(early), 3: repr(early), 4: "None", 5: "None", 6: repr(late), 8: repr(late)}
        assert forks[3] is not early and forks[8] is not at.pruner  # fresh ones, never shared
    # The branch from step 2 prunes as the study did then: by the early rule, on the same trials.
    branch = fork_study(study, 2).study
    branch.run(reporting, n_trials=2)
    assert [t.state for t in branch.trials] == [t.state for t in study.trials[:4]]


def test_a_fork_before_a_switch_from_a_pruner_that_cannot_be_rebuilt_is_refused_by_its_step():
    class Mine(MedianStoppingRule):
        """Not registered: journaled as "module:Class", rebuilt by name nowhere."""

    study = Study(SPACE, "random", seed=0, pruner=Mine(n_startup_trials=2))
    study.run(reporting, n_trials=2)
    assert repr(fork_study(study, 1).study.pruner) == repr(study.pruner)  # in force now: copied as it is
    study.pruner = "median"
    study.run(reporting, n_trials=1)
    with pytest.raises(ValueError, match=r"`step` of fork_study must be a step whose pruner .*Mine', which is not "
                                         "registered"):
        fork_study(study, 1)
    assert repr(fork_study(study, 2).study.pruner) == repr(study.pruner)


def test_an_undone_manual_trial_leaves_the_pruner_switched_after_it_to_the_trial_taking_its_number():
    study = Study(SPACE, "random", seed=0, pruner="median")
    study.run(reporting, n_trials=2)
    study.add_manual({"x": 0.5, "n": 2, "c": "a"}, 0.25)
    study.pruner = None
    study.undo_manual()
    study.run(reporting, n_trials=1)                 # trial 2, asked without a pruner
    assert study.state.pruner_at(2) is None and repr(fork_study(study, 2).study.pruner) == "None"
    assert fork_study(study, 1).study.pruner is not None


def test_an_empty_journaled_study_gives_its_journal_to_the_study_over_the_new_space(tmp_path):
    """Editing the space of a study with no trials left a header-only journal of the old space
    (which Study.load resumed as it was) and the study in another file."""
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, "random", seed=3, storage=path, pruner="median")
    study.switch_optimizer("sobol")                   # events that record no trial
    study.pruner = None
    assert never_used(study)
    path.chmod(0o640)  # a journal a group shares keeps its mode (a new file's is the umask's)
    narrower = SearchSpace([Float("x", 0.0, 2.0), Int("n", 1, 5)])
    moved = remap_study(study, narrower, storage=path)
    assert moved.kept == moved.dropped == {} and moved.study.storage == str(path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.jsonl"]  # nothing orphaned, no temporary
    again = Study.load(path)
    assert again.space == narrower and again.optimizer.name == "sobol" and again.pruner is None
    assert again.optimizer.settings() == moved.study.optimizer.settings() and again.trials == []
    moved.study.run(loss, n_trials=3)
    assert [t.params for t in Study.load(path).trials] == [t.params for t in moved.study.trials]
    with pytest.raises(StorageError, match="replaced since"):  # the old study writes nothing to it
        study.run(loss, n_trials=1)
    assert len(Study.load(path).trials) == 3 and Study.load(path).space == narrower


def test_a_journal_that_held_a_trial_is_never_given_to_another_space(tmp_path):
    narrower = SearchSpace([Float("x", 0.0, 2.0)])
    ran = Study(SPACE, "random", seed=0, storage=tmp_path / "ran.jsonl")
    ran.run(loss, n_trials=1)
    undone = Study(SPACE, "random", seed=0, storage=tmp_path / "undone.jsonl")
    undone.add_manual({"x": 0.5, "n": 2, "c": "a"}, 1.25)
    undone.undo_manual()                             # no trial now, but one on record
    queued = Study(SPACE, "random", seed=0, storage=tmp_path / "queued.jsonl")
    queued.enqueue({"x": 0.5, "n": 2, "c": "a"})
    for study in (ran, undone, queued):
        before = Path(study.storage).read_bytes()
        assert not never_used(study)
        with pytest.raises(ValueError, match=r"`storage` of remap_study must be a path with no journal yet.* "
                                             r"\(the study's own journal is taken only while it has held no trial\)"):
            remap_study(study, narrower, storage=study.storage)
        assert Path(study.storage).read_bytes() == before
    assert not never_used(Study(SPACE, "random"))    # no journal: nothing to give


def test_the_queue_goes_to_the_new_study_and_params_that_do_not_fit_are_listed():
    study = Study(SPACE, "random", seed=0)
    study.run(loss, n_trials=3)
    study.enqueue({"x": 0.5, "n": 2, "c": "a"})
    study.run(loss, n_trials=1)                       # trial 3 took it
    study.enqueue({"x": 0.5, "n": 5, "c": "b"})
    study.enqueue({"x": 1.5, "n": 1, "c": "a"})
    moved = remap_study(study, SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 4), Categorical("c", ["a", "b"])]))
    assert moved.study.queued == [{"x": 1.5, "n": 1, "c": "a"}]
    assert list(moved.dropped_queued) == [0] and moved.dropped_queued[0].startswith("outside the new space")
    # A fork takes the queue of its step: at step 3 trial 3's params were still queued.
    assert fork_study(study, 3).study.ask().params == study.trials[3].params
    assert fork_study(study, 0).study.queued == [] and fork_study(study, 4).study.queued == study.queued


def test_a_running_trial_is_listed_as_left_behind():
    study = Study(SPACE, "random", seed=0)
    study.run(loss, n_trials=2)
    running = study.ask()
    moved = remap_study(study, SPACE)
    assert list(moved.kept) == [0, 1] and moved.dropped == {running.number: "still running: it has no result to carry"}


def test_a_remap_of_a_scheduler_goes_on_with_the_configurations_that_fit_and_new_ones():
    # The configurations outside the new space leave gaps among the numbers of those carried: a
    # new configuration was numbered len(known), the number of a carried one, whose job it ran again.
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9})
    study.run(budgeted, n_trials=7)
    moved = remap_study(study, SearchSpace([Float("x", 0.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])]))
    assert 0 < len(moved.kept) < 7
    moved.study.run(budgeted, n_trials=8)
    jobs = [(t.user_attrs.get("config", t.user_attrs.get("carried_attrs", {}).get("config")), t.budget)
            for t in moved.study.trials]
    assert len(set(jobs)) == len(jobs)  # no job twice
    assert {t.budget for t in moved.study.trials[len(moved.kept):]} == {1 / 9, 1 / 3}  # promotes as it goes


def test_a_bo_fork_under_other_settings_refits_from_the_recorded_gp_instead_of_reusing_it():
    pytest.importorskip("botorch")
    quick = {"n_initial": 4, "num_restarts": 2, "raw_samples": 32}
    study = Study(SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)]), "bo", seed=0, optimizer_settings=quick)
    study.run(lambda p: (p["x"] - 0.3) ** 2 + (p["y"] + 0.5) ** 2, n_trials=7)
    study.tell(study.ask(), state="PRUNED")  # no new data: the recorded fit saw these very points
    rbf = fork_study(study, len(study.trials), optimizer="bo", optimizer_settings={**quick, "kernel": "rbf"})
    asked = rbf.study.ask()
    assert asked.user_attrs["gp_fit"] == "warm"  # "reused": a Matern fit's hyperparameters in an RBF kernel


def test_a_bo_fork_right_after_a_switch_of_kernel_fits_from_the_older_kernel_s_record_as_the_study_did():
    pytest.importorskip("botorch")
    quick = {"n_initial": 4, "num_restarts": 2, "raw_samples": 32}
    study = Study(SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)]), "bo", seed=0, optimizer_settings=quick)
    study.run(lambda p: (p["x"] - 0.3) ** 2 + (p["y"] + 0.5) ** 2, n_trials=7)
    study.tell(study.ask(), state="PRUNED")  # no new data: the recorded Matern fit saw these very points
    study.switch_optimizer("bo", kernel="rbf", **quick)
    asked = study.ask()
    forked = fork_study(study, asked.number).study.ask()  # the optimizer in charge then: rbf, its seed too
    # Its settings were those in charge at the fork, so the Matern record was taken as its own, as
    # the study took it: both reused it as it was.
    assert asked.user_attrs["gp_fit"] != "reused" and forked.user_attrs["gp_fit"] == asked.user_attrs["gp_fit"]
    assert forked.x.tolist() == asked.x.tolist()
