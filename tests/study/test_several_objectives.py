"""Studies of several objectives and constraints (issue 27, item 1): values in, the Pareto set
out, the journal and every path that rebuilds a study keeping them."""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, SearchSpace, Study
from interactive_hpo.exceptions import InvalidParameterError, StorageError, TrialStateError
from interactive_hpo.goals import Goals
from interactive_hpo.study.branching import fork_study, remap_study
from interactive_hpo.trial import TrialState

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
TWO = {"accuracy": "maximize", "seconds": "minimize"}


def trade_off(p):
    """Accuracy rises with x, seconds too: a front along x (y only hurts)."""
    return {"accuracy": p["x"] - 0.3 * p["y"], "seconds": 1.0 + 2.0 * p["x"] + p["y"]}


def dominated_by_another(trial, others):
    a = np.array([-trial.values[0], trial.values[1]])
    return any(np.all(b <= a) and np.any(b < a) for b in (np.array([-o.values[0], o.values[1]]) for o in others))


def test_goals_read_tuples_and_dicts_by_name_and_refuse_the_rest():
    goals = Goals.parse(directions=TWO)
    assert goals.read((0.9, 2.0), "f") == goals.read({"seconds": 2.0, "accuracy": 0.9}, "f") == (0.9, 2.0)
    assert goals.read(np.array([0.9, 2.0]), "f") == (0.9, 2.0)
    with pytest.raises(InvalidParameterError, match=r"2 values, one per objective \['accuracy', 'seconds'\]"):
        goals.read((0.9,), "f")
    with pytest.raises(InvalidParameterError,
                       match=r"Missing \['seconds'\]; unknown 'secs' \(did you mean 'seconds'\?\)"):
        goals.read({"accuracy": 0.9, "secs": 2.0}, "f")
    capitals = Goals.parse(directions={"Accuracy": "maximize", "Seconds": "minimize"})
    with pytest.raises(InvalidParameterError,  # the names as they are spelt (capitalize() lowercased them)
                       match=r"Missing \['Accuracy'\]; unknown 'accuracy' \(did you mean 'Accuracy'\?\)"):
        capitals.read({"accuracy": 0.9, "Seconds": 2.0}, "f")
    with pytest.raises(InvalidParameterError, match="`direction` of Study must be None when `directions` is given"):
        Goals.parse("maximize", ["maximize", "minimize"])
    with pytest.raises(InvalidParameterError, match=r"`directions\[1\]` of Study must be one of"):
        Goals.parse(directions=["maximize", "up"])
    # A dict's direction is named by its key, as typed (its position, directions[0], is not what was typed).
    with pytest.raises(InvalidParameterError, match=r"`directions\['a'\]` of Study must be one of .*got 'maximise'"):
        Study(SPACE, "random", directions={"a": "maximise", "b": "minimize"})
    assert Goals.parse(directions=["maximize"]) == Goals.parse("maximize")  # a list of one is one objective


@pytest.mark.parametrize(("directions", "returned", "refused"), [
    # What the docs tell a named or listed study to return: its one objective in that form (a305 M2).
    ({"accuracy": "maximize"}, lambda p: {"accuracy": p["x"]}, lambda p: [p["x"]]),
    (["maximize"], lambda p: (p["x"],), lambda p: {"objective": p["x"]}),
    (["maximize"], lambda p: np.array([p["x"]]), lambda p: (p["x"], p["y"])),
])
def test_one_objective_given_by_name_or_as_a_list_of_one_is_read_in_that_form(tmp_path, directions, returned,
                                                                                refused):
    study = Study(SPACE, "random", directions=directions, seed=0, storage=tmp_path / "one.jsonl")
    done = study.run(returned, n_trials=2, progress=False)
    assert [t.state for t in done] == [TrialState.COMPLETE] * 2 and done[0].value == done[0].params["x"]
    assert study.add_manual({"x": 0.25, "y": 0.5}, returned({"x": 0.25, "y": 0.5})).value == 0.25
    wrong = study.step(refused)
    assert wrong.state is TrialState.FAILED and "must be a finite real number or a" in wrong.error
    assert "several objectives need" not in wrong.error  # the study was given `directions`
    with pytest.raises(InvalidParameterError, match="`value` of Study.add_manual must be a finite real number or a"):
        study.add_manual({"x": 0.5, "y": 0.5}, refused({"x": 0.5, "y": 0.5}))
    told = study.ask()
    assert study.tell(told, returned(told.params)).value == told.params["x"]  # a person's tell reads it too
    with pytest.raises(InvalidParameterError, match="`value` of Study.tell must be a finite real number or a"):
        study.tell(study.ask(), refused({"x": 0.5, "y": 0.5}))
    loaded = Study.load(tmp_path / "one.jsonl")  # the journal keeps the form
    assert loaded.add_manual({"x": 0.75, "y": 0.5}, returned({"x": 0.75, "y": 0.5})).value == 0.75
    assert fork_study(loaded, 1).study.add_manual({"x": 0.5, "y": 0.5}, returned({"x": 0.5, "y": 0.5})).value == 0.5


def test_one_objective_given_as_a_direction_takes_one_number_and_a_named_one_its_name():
    study = Study(SPACE, "random", direction="maximize", seed=0)
    for result in ([0.5], {"objective": 0.5}):
        with pytest.raises(InvalidParameterError, match=re.escape(
                "`value` of Study.add_manual must be a finite real number; got " + repr(result) + ". The study has "
                "one objective: return one number (a one-element array or list is several values; several objectives "
                "need Study(directions=[...]))")):
            study.add_manual({"x": 0.5, "y": 0.5}, result)
    with pytest.raises(InvalidParameterError,
                       match=r"one objective, 'accuracy': .* Missing \['accuracy'\]; unknown 'acc'\."):
        Goals.parse(directions={"accuracy": "maximize"}).read({"acc": 0.5}, "f")


def test_a_study_of_two_objectives_keeps_values_and_returns_the_pareto_set():
    study = Study(SPACE, "sobol", directions=TWO, seed=0)
    study.run(trade_off, n_trials=24, progress=False)
    trials = study.trials
    assert all(t.value is None and len(t.values) == 2 for t in trials)
    front = study.best_trials
    assert front and all(not dominated_by_another(t, trials) for t in front)
    assert all(dominated_by_another(t, trials) for t in trials if t not in front)
    assert study.directions == ("maximize", "minimize")
    with pytest.raises(InvalidParameterError, match="Several objectives have no single best trial: read best_trials"):
        _ = study.best_trial
    with pytest.raises(InvalidParameterError, match="Read study.directions"):
        _ = study.direction


def test_a_result_that_does_not_fit_the_goals_fails_the_trial_and_says_why():
    study = Study(SPACE, "random", directions=["maximize", "minimize"], seed=0)
    results = iter([(0.5,), (0.5, float("nan")), "text", {"objective 0": 1.0, "objective 1": 2.0}])
    for _ in range(4):
        study.step(lambda p: next(results))
    short, nan, text, by_name = study.trials
    assert short.state is TrialState.FAILED and "2 values, one per objective" in short.error
    assert nan.state is TrialState.FAILED and "objective 1=nan" in nan.error
    assert text.state is TrialState.FAILED and "expected a float, several floats" in text.error
    assert by_name.state is TrialState.COMPLETE and by_name.values == (1.0, 2.0)


def test_telling_and_adding_by_hand_check_the_values_where_they_are_typed():
    study = Study(SPACE, "random", directions=TWO, seed=0)
    trial = study.ask()
    with pytest.raises(InvalidParameterError, match="`value` of Study.tell must be 2 values"):
        study.tell(trial, 0.5)
    assert study.tell(trial, {"accuracy": 0.8, "seconds": 3.0}).values == (0.8, 3.0)
    with pytest.raises(InvalidParameterError, match="`value` of Study.add_manual must be finite real numbers"):
        study.add_manual({"x": 0.5, "y": 0.5}, (0.8, float("inf")))
    manual = study.add_manual({"x": 0.5, "y": 0.5}, (0.9, 1.0))
    assert study.best_trials == [manual]  # better in both: it alone is on the front
    failed = study.tell(study.ask(), state="FAILED")
    assert failed.values is None and failed.state is TrialState.FAILED


def test_constraints_decide_feasibility_and_only_feasible_trials_can_be_best():
    study = Study(SPACE, "random", direction="maximize", seed=0)
    study.add_manual({"x": 0.9, "y": 0.1}, 0.99, constraints=[0.5, -1.0])      # best value, but too slow
    good = study.add_manual({"x": 0.5, "y": 0.1}, 0.90, constraints=[-0.1, 0.0])
    assert [t.feasible for t in study.trials] == [False, True]
    assert study.best_trial is good and study.best_trials == [good]
    trial = study.step(lambda p: Evaluation(0.95, constraints=(p["x"] - 2.0, 0.0)))   # always met
    assert trial.constraints == (trial.params["x"] - 2.0, 0.0) and study.best_trial is trial
    with pytest.raises(InvalidParameterError, match="`constraints` of Study.add_manual must be None or a list"):
        study.add_manual({"x": 0.5, "y": 0.1}, 0.9, constraints=[float("nan")])
    bad = study.step(lambda p: Evaluation(0.5, constraints="fast"))
    assert bad.state is TrialState.FAILED and "`constraints` of Evaluation" in bad.error
    none_feasible = Study(SPACE, "random", seed=0)
    none_feasible.add_manual({"x": 0.5, "y": 0.5}, 1.0, constraints=[1.0])
    with pytest.raises(TrialStateError, match="None of the 1 completed trials meets its constraints"):
        _ = none_feasible.best_trial
    assert none_feasible.best_trials == []


def test_a_study_keeps_the_number_of_constraints_its_first_constrained_trial_had(tmp_path):
    # Review: add_manual, tell and add_finished took 2 constraints after 1 (and an objective's
    # result too), which the optimizer then took for a trial of unknown feasibility.
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "c.jsonl")
    study.add_manual({"x": 0.1, "y": 0.1}, 0.5)                       # none: still allowed
    study.add_manual({"x": 0.2, "y": 0.1}, 0.5, constraints=[0.5])    # sets the count
    message = ("`constraints` of {} must be None or 1 value, as many as the study's earlier trials have; got [0.5, "
               "-1.0]. Trial 1 set them; a study cannot change its constraints midway.")
    running = study.ask()
    for owner, call in (("Study.add_manual", lambda: study.add_manual({"x": 0.3, "y": 0.1}, 0.5, constraints=[.5, -1])),
                        ("Study.tell", lambda: study.tell(running, 0.5, constraints=np.array([0.5, -1.0]))),
                        ("Study.add_finished", lambda: study.add_finished({"x": 0.3, "y": 0.1}, state="COMPLETE",
                                                                          value=0.5, source="elsewhere",
                                                                          constraints=[0.5, -1.0]))):
        with pytest.raises(InvalidParameterError, match=re.escape(message.format(owner))):
            call()
    assert len(study.trials) == 3 and study.tell(running, 0.5, constraints=[-1.0]).constraints == (-1.0,)
    failed = study.step(lambda p: Evaluation(0.5, constraints=[0.5, -1.0]))
    assert failed.state is TrialState.FAILED and failed.error == message.format("the objective")
    assert [len(t.constraints or ()) for t in Study.load(tmp_path / "c.jsonl").trials] == [0, 1, 1, 0]


@pytest.mark.parametrize("state", ["PRUNED", "FAILED"])
def test_constraints_of_a_trial_that_did_not_complete_are_refused_not_dropped(state, tmp_path):
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "c.jsonl")
    trial = study.ask()
    with pytest.raises(InvalidParameterError, match=f"`constraints` of Study.tell must be None for a {state} trial"):
        study.tell(trial, state=state, constraints=[0.5])
    with pytest.raises(InvalidParameterError, match=f"`constraints` of Study.add_finished must be None for a {state}"):
        study.add_finished({"x": 0.5, "y": 0.1}, state=state, source="elsewhere", constraints=[0.5])
    assert study.trials == [trial] and study.tell(trial, state=state).constraints is None
    assert len(Study.load(tmp_path / "c.jsonl").trials) == 1


def test_the_journal_keeps_values_and_constraints_and_resumes_the_same_study(tmp_path):
    path = tmp_path / "two.jsonl"
    study = Study(SPACE, "sobol", directions=TWO, seed=1, storage=path)
    study.run(lambda p: Evaluation(trade_off(p), constraints=[p["y"] - 0.5]), n_trials=6, progress=False)
    study.add_manual({"x": 0.2, "y": 0.2}, (0.1, 1.5), constraints=[-1.0])
    header = json.loads(path.read_text().splitlines()[0])
    assert header["directions"] == ["maximize", "minimize"] and header["objective_names"] == list(TWO)
    loaded = Study.load(path)
    assert [(t.values, t.constraints) for t in loaded.trials] == [(t.values, t.constraints) for t in study.trials]
    assert loaded.best_trials == study.best_trials or \
        [t.number for t in loaded.best_trials] == [t.number for t in study.best_trials]
    assert loaded.optimizer.ask().x.tolist() == study.optimizer.ask().x.tolist()  # the same next proposal
    with pytest.raises(StorageError, match="holds a study to maximize accuracy, minimize seconds, not to minimize"):
        Study(SPACE, storage=path)


def test_a_journal_reopened_with_its_objectives_in_another_order_is_refused_and_left_as_it_was(tmp_path):
    # Fuzz A1: the resume compared directions only, so each new trial's values were stored swapped.
    path = tmp_path / "two.jsonl"
    both = lambda p: {"acc": 0.0, "time": 100.0}  # noqa: E731
    Study(SPACE, "random", directions={"acc": "minimize", "time": "minimize"}, storage=path).run(both, 1)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"holds a study to minimize acc, minimize time, not to minimize time, "
                                           r"minimize acc \(the same objectives in another order"):
        Study(SPACE, "random", directions={"time": "minimize", "acc": "minimize"}, storage=path)
    with pytest.raises(StorageError, match="not to minimize objective 0, minimize objective 1. Use"):
        Study(SPACE, "random", directions=["minimize", "minimize"], storage=path)
    assert path.read_bytes() == before
    Study(SPACE, "random", directions={"acc": "minimize", "time": "minimize"}, storage=path).run(both, 1)
    assert [t.values for t in Study.load(path).trials] == [(0.0, 100.0)] * 2
    one = Goals.parse("minimize")  # one objective's name is a label: it may change
    assert Goals.parse(directions={"loss": "minimize"}).continues(one)


def test_non_finite_constraints_are_refused_where_typed_and_fail_an_objectives_trial(tmp_path):
    # Fuzz A2: a journal cannot hold them; the write raised a bare ValueError out of run, tell
    # and add_manual, and left the trial RUNNING (then FAILED "interrupted" on resume).
    path = tmp_path / "constrained.jsonl"
    study = Study(SPACE, "random", seed=0, storage=path)
    for bad in (math.inf, -math.inf, 10**400, math.nan):
        done = study.step(lambda p, bad=bad: Evaluation(p["x"], constraints=[0.0, bad]))
        assert done.state is TrialState.FAILED and "`constraints` of Evaluation" in done.error
    running = study.ask()
    for owner, call in (("Study.tell", lambda bad: study.tell(running, 0.5, constraints=[bad])),
                        ("Study.add_manual", lambda bad: study.add_manual({"x": 0.5, "y": 0.5}, 0.5,
                                                                          constraints=[bad]))):
        for bad in (math.inf, -math.inf, 10**400):
            with pytest.raises(InvalidParameterError, match=f"`constraints` of {owner} must be None or a list of "
                                                            "finite real numbers"):
                call(bad)
    study.tell(running, 0.5, constraints=[1e300])
    study.save(tmp_path / "copy.jsonl")
    assert [(t.state, t.constraints) for t in Study.load(path).trials] == \
        [(t.state, t.constraints) for t in Study.load(tmp_path / "copy.jsonl").trials] == \
        [(TrialState.FAILED, None)] * 4 + [(TrialState.COMPLETE, (1e300,))]


def test_parallel_runs_forks_and_remaps_carry_every_objective():
    study = Study(SPACE, "random", directions=TWO, seed=2)
    with ThreadPoolExecutor(2) as pool:
        study.run(lambda p: Evaluation(trade_off(p), constraints=[0.0]), n_trials=6, executor=pool, progress=False)
    assert all(t.state is TrialState.COMPLETE and len(t.values) == 2 and t.feasible for t in study.trials)
    branch = fork_study(study, 4).study
    assert [t.values for t in branch.trials] == [study.trials[n].values for n in study.finished_before(4)]
    moved = remap_study(study, SPACE, optimizer="grid")
    assert [t.constraints for t in moved.study.trials] == [(0.0,)] * 6


def test_only_optimizers_that_serve_several_objectives_are_accepted():
    with pytest.raises(InvalidParameterError, match="an optimizer that serves several objectives"):
        Study(SPACE, "bo", directions=TWO)
    study = Study(SPACE, "grid", directions=TWO)
    with pytest.raises(InvalidParameterError, match="an optimizer that serves several objectives"):
        study.switch_optimizer("cmaes")
    assert study.optimizer.name == "grid"
