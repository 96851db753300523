"""Intermediate reports, the median stopping rule, and human overrides of running trials."""

import json
import math
import re
import warnings

import numpy as np
import pytest

from interactive_hpo import (
    InvalidParameterError,
    MedianStoppingRule,
    NopPruner,
    PruneDecision,
    StorageError,
    Study,
    TrialPruned,
    TrialState,
    TrialStateError,
)
from interactive_hpo.objectives import FunctionObjective
from interactive_hpo.study.branching import fork_study

from ..fidelity_helpers import LINE, curve


def test_reports_are_stored_on_the_trial_and_survive_a_resume(tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(LINE, seed=0, storage=path, pruner="median")
    study.run(curve, n_trials=3)
    trial = study.trials[0]
    assert list(trial.intermediate_values) == list(range(8))
    assert trial.intermediate_values[7] == pytest.approx(trial.params["x"] + 1 / 8)
    resumed = Study.load(path)
    assert dict(resumed.trials[0].intermediate_values) == dict(trial.intermediate_values)
    assert isinstance(resumed.pruner, MedianStoppingRule)


def test_median_rule_prunes_a_curve_worse_than_the_median_at_that_step():
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=3))
    for lr in (0.1, 0.2, 0.3):
        study.enqueue({"x": lr})
    study.enqueue({"x": 0.9})
    study.enqueue({"x": 0.15})
    study.run(curve, n_trials=5)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE] * 3 + [TrialState.PRUNED, TrialState.COMPLETE]
    pruned = study.trials[3]
    # Pruned at its first report (step 0: 1.9 > median 1.2), keeping what it reported as its value.
    assert dict(pruned.intermediate_values) == {0: pytest.approx(1.9)}
    assert pruned.value == pytest.approx(1.9)
    assert pruned.user_attrs["pruned_by"] == "pruner"
    assert pruned.user_attrs["pruner"]["reason"] == \
        "value 1.9 at step 0 is worse than the median 1.2 of 3 completed trials"


def test_no_pruning_during_startup_and_warmup():
    rule = MedianStoppingRule(n_startup_trials=2, n_warmup_steps=5)
    study = Study(LINE, seed=0, pruner=rule)
    for lr in (0.1, 0.2, 0.9):
        study.enqueue({"x": lr})
    study.run(curve, n_trials=3)
    last = study.trials[2]
    assert last.state is TrialState.PRUNED
    assert min(last.intermediate_values) == 0 and max(last.intermediate_values) == 5  # first checked at step 5


def test_a_report_at_the_declared_last_step_is_never_pruned_and_the_trial_completes(tmp_path):
    def run(rule, path=None):
        study = Study(LINE, seed=0, pruner=rule, storage=path)
        for x in (0.1, 0.2, 0.3, 0.25):   # the last: worse than the median at every step, first judged at 7
            study.enqueue({"x": x})
        study.run(curve, n_trials=4)
        return study

    # Without the end declared, the rule prunes a trial that trained all 8 epochs, at its last report.
    undeclared = run(MedianStoppingRule(n_startup_trials=3, n_warmup_steps=7)).trials[3]
    assert undeclared.state is TrialState.PRUNED and max(undeclared.intermediate_values) == 7
    path = tmp_path / "s.jsonl"
    study = run(MedianStoppingRule(n_startup_trials=3, n_warmup_steps=7, last_step=7), path)
    last = study.trials[3]
    assert last.state is TrialState.COMPLETE and last.value == pytest.approx(0.25 + 1 / 8)
    assert last.user_attrs["pruner"] == {
        "decision": "continue", "step": 7,
        "reason": "step 7 is at the end of the training (last_step=7): pruning would save nothing"}
    assert Study.load(path).pruner.settings()["last_step"] == 7
    # Earlier steps are still judged: with no warm-up it is pruned at its first report.
    early = run(MedianStoppingRule(n_startup_trials=3, last_step=7)).trials[3]
    assert early.state is TrialState.PRUNED and list(early.intermediate_values) == [0]


def test_a_diverged_report_is_pruned_and_kept_as_nan(tmp_path):
    def diverges(params, *, report):
        report(0.5, 0)
        report(math.inf, 1)
        return 0.0

    # The defaults' start-up (5 trials) and a warm-up past the report: a diverged run is judged
    # without a median (it completed with its NaN curve, training on to its end).
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_warmup_steps=3), storage=tmp_path / "s.jsonl")
    trial = study.step(diverges)
    assert trial.state is TrialState.PRUNED and trial.value == 0.5  # the last finite report
    assert trial.user_attrs["pruner"]["reason"] == "the value reported at step 1 is not finite"
    assert math.isnan(trial.intermediate_values[1])
    assert math.isnan(Study.load(tmp_path / "s.jsonl").trials[0].intermediate_values[1])
    # At the declared last step the trial's own result decides.
    ends = Study(LINE, seed=0, pruner=MedianStoppingRule(last_step=1)).step(diverges)
    assert ends.state is TrialState.COMPLETE and ends.value == 0.0


def test_maximizing_study_prunes_low_values():
    def accuracy(params, *, report):
        for epoch in range(3):
            report(1.0 - params["x"], epoch)
        return 1.0 - params["x"]

    study = Study(LINE, direction="maximize", pruner=MedianStoppingRule(n_startup_trials=2))
    for lr in (0.1, 0.2, 0.9, 0.05):
        study.enqueue({"x": lr})
    study.run(accuracy, n_trials=4)
    assert [t.state.value for t in study.trials] == ["COMPLETE", "COMPLETE", "PRUNED", "COMPLETE"]
    reason = study.trials[2].user_attrs["pruner"]["reason"]
    assert reason.startswith("value 0.1 at step 0 is worse than the median 0.85")


def test_ask_tell_loop_reports_and_is_told_to_stop():
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=1))
    first = study.ask()
    study.report(first, 0.2, 0)
    study.tell(first, 0.2)
    second = study.ask()
    assert study.report(second, 0.5, 0) is True
    done = study.tell(second, state="PRUNED")
    assert done.state is TrialState.PRUNED and done.value == 0.5


class AnswersABool(MedianStoppingRule):
    """Answers as Optuna's ``prune()`` does."""

    def decide(self, trial, step, trials, direction):
        return True


class ForgetsToReturn(MedianStoppingRule):
    """Answers at the first step only (a forgotten ``return`` after it)."""

    def decide(self, trial, step, trials, direction):
        if step == 0:
            return PruneDecision(False, "the first step always continues")


@pytest.mark.parametrize(("rule", "answer", "at"), [(AnswersABool, "True", 0), (ForgetsToReturn, "None", 1)])
def test_a_pruner_answering_anything_but_a_prune_decision_is_refused_naming_it(tmp_path, rule, answer, at):
    study = Study(LINE, seed=0, pruner=rule(), storage=tmp_path / "s.jsonl")
    trial = study.ask()
    for step in range(at):
        study.report(trial, 0.2, step)
    with pytest.raises(InvalidParameterError, match=rf"`decide\(...\)'s answer` of {rule.__name__} must be a "
                                                    rf"PruneDecision\(prune, reason\); got {answer}"):
        study.report(trial, 0.3, at)
    assert at not in study.trials[0].intermediate_values  # refused before anything was journaled
    assert at not in Study.load(tmp_path / "s.jsonl").trials[0].intermediate_values


def test_human_stop_prunes_a_running_trial_at_its_next_report_whatever_the_pruner_says():
    study = Study(LINE, seed=0)
    trial = study.ask()
    assert study.report(trial, 0.3, 0) is False
    study.stop(trial)
    assert study.report(trial, 0.2, 1) is True
    done = study.tell(trial, state="PRUNED")
    assert done.user_attrs["pruned_by"] == "human" and done.user_attrs["human"] == "stop"
    assert done.value == 0.2


def test_human_promote_overrides_the_pruner_and_both_decisions_are_kept():
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=1))
    study.enqueue({"x": 0.1})
    study.run(curve, n_trials=1)
    trial = study.ask()
    study.promote(trial)
    for epoch in range(3):
        assert study.report(trial, 5.0, epoch) is False  # the rule says prune; the human said go on
    done = study.tell(trial, 5.0)
    assert done.state is TrialState.COMPLETE
    assert done.user_attrs["human"] == "promote"
    assert done.user_attrs["pruner"]["decision"] == "prune"


def test_an_objective_may_give_up_by_raising_trial_pruned():
    def gives_up(params, *, report):
        report(0.7, 0)
        raise TrialPruned("not worth it")

    trial = Study(LINE, seed=0).step(gives_up)
    assert trial.state is TrialState.PRUNED and trial.value == 0.7
    assert trial.user_attrs["pruned_by"] == "objective"


def test_the_reason_an_objective_gives_up_with_is_kept_and_the_study_s_own_is_not(tmp_path):
    # Before: only {'pruned_by': 'objective'}, the message dropped.
    path = tmp_path / "s.jsonl"
    study = Study(LINE, seed=0, storage=path, pruner=MedianStoppingRule(n_startup_trials=1))

    def gives_up(params, *, report):
        report(0.7, 0)
        raise TrialPruned("no progress in 5 epochs")

    def silently(params):
        raise TrialPruned

    study.step(gives_up)
    study.step(silently)  # an empty message stores nothing
    study.enqueue({"x": 0.1})
    study.run(curve, n_trials=1)
    study.enqueue({"x": 0.9})
    study.step(curve)  # the pruner stops it: its verdict says why, not the report's TrialPruned
    assert [t.user_attrs.get("pruned_by") for t in study.trials] == ["objective", "objective", None, "pruner"]
    reasons = [t.user_attrs.get("pruned_reason") for t in study.trials]
    assert reasons == ["no progress in 5 epochs", None, None, None]
    assert [t.user_attrs.get("pruned_reason") for t in Study.load(path).trials] == reasons
    assert study.trials_dataframe()["user_attrs_pruned_reason"].tolist()[0] == "no progress in 5 epochs"
    assert fork_study(study, 1).study.trials[0].user_attrs["pruned_reason"] == "no progress in 5 epochs"


def test_function_objective_passes_report_only_to_functions_that_take_it():
    study = Study(LINE, seed=0, pruner="median")
    assert study.step(FunctionObjective(curve, LINE)).intermediate_values
    assert study.step(FunctionObjective(lambda p: p["x"], LINE)).state is TrialState.COMPLETE


@pytest.mark.parametrize(("step", "value", "message"), [
    (-1, 0.5, "`step` of Study.report must be a finite real number >= 0; got -1"),
    (math.nan, 0.5, "`step` of Study.report must be a finite real number >= 0; got nan"),
    (0, "a", "`value` of Study.report must be a real number; got 'a'"),
    (1, 0.5, "`step` of Study.report must be a step trial 0 has not reported yet; got 1"),
])
def test_bad_reports_are_refused(step, value, message):
    study = Study(LINE, seed=0)
    trial = study.ask()
    study.report(trial, 0.4, 1)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        study.report(trial, value, step)


def test_finished_trials_do_not_report_and_model_free_optimizers_refuse_overrides():
    study = Study(LINE, seed=0)
    trial = study.tell(study.ask(), 0.1)
    with pytest.raises(TrialStateError, match="Trial 0 is COMPLETE; only a RUNNING trial reports"):
        study.report(trial, 0.1, 0)
    with pytest.raises(InvalidParameterError, match="does not promote or stop finished trials"):
        study.promote(trial)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n_startup_trials": -1}, "`n_startup_trials` of MedianStoppingRule must be an int in [0, inf); got -1"),
    ({"n_warmup_steps": 1.5}, "`n_warmup_steps` of MedianStoppingRule must be an int in [0, inf); got 1.5"),
    ({"n_min_trials": 0}, "`n_min_trials` of MedianStoppingRule must be an int in [1, inf); got 0"),
    ({"last_step": -1}, "`last_step` of MedianStoppingRule must be None or a finite real number >= 0 "
                        "(the step of the last report); got -1"),
    ({"last_step": "7"}, "`last_step` of MedianStoppingRule must be None or a finite real number >= 0"),
])
def test_median_rule_input_errors(kwargs, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        MedianStoppingRule(**kwargs)


def test_unknown_pruner_is_refused():
    with pytest.raises(InvalidParameterError, match="`pruner` of Study must be a Pruner, one of"):
        Study(LINE, pruner="hyperband-ish")


@pytest.mark.parametrize("typed", ["Median", "medain"])
def test_a_mistyped_pruner_name_is_refused_with_the_name_it_likely_meant(typed):
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"must be a Pruner, one of ['median', 'nop'], or None; got {typed!r}. Did you mean 'median'?")):
        Study(LINE, pruner=typed)
    study = Study(LINE, seed=0)
    with pytest.raises(InvalidParameterError, match="Did you mean 'median'"):
        study.pruner = typed


def test_numpy_steps_count_as_the_numbers_they_hold_and_the_journal_keeps_them(tmp_path):
    def train(params, *, report):
        for epoch in np.arange(2):
            report(params["x"] / (epoch + 1), epoch)
        report(0.1, np.float32(2.5))
        return params["x"]

    path = tmp_path / "s.jsonl"
    study = Study(LINE, seed=0, storage=path)
    study.run(train, 2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
    steps = list(study.trials[0].intermediate_values)
    assert steps == [0, 1, 2.5] and [type(s) for s in steps] == [int, int, float]
    assert dict(Study.load(path).trials[0].intermediate_values) == dict(study.trials[0].intermediate_values)
    trial = study.ask()
    study.report(trial, 0.5, np.int64(0))
    with pytest.raises(InvalidParameterError, match="a step trial 2 has not reported yet; got 0"):
        study.report(trial, 0.5, 0)


def failing_writes(study, monkeypatch):
    """Make the study's next journal writes fail, as a full disk would."""
    def append(event):
        raise OSError("No space left on device")

    monkeypatch.setattr(study._journal, "append", append)


def test_a_report_override_or_finish_the_journal_did_not_take_changes_nothing(tmp_path, monkeypatch):
    study = Study(LINE, seed=0, storage=tmp_path / "s.jsonl", pruner=MedianStoppingRule(n_startup_trials=0))
    trial = study.ask()
    study.report(trial, 0.4, 0)
    with monkeypatch.context() as patch:
        failing_writes(study, patch)
        with pytest.raises(OSError):
            study.report(trial, 0.3, 1)
        with pytest.raises(OSError):
            study.stop(trial)
        with pytest.raises(OSError):
            study.tell(trial, state="PRUNED")
    assert dict(study.trials[0].intermediate_values) == {0: 0.4} and study.trials[0].state is TrialState.RUNNING
    assert study.report(trial, 0.3, 1) is False  # the step is free, and the stop never happened
    study.stop(trial)
    with monkeypatch.context() as patch:
        failing_writes(study, patch)
        with pytest.raises(OSError):
            study.tell(trial, state="PRUNED")
    done = study.tell(trial, state="PRUNED")  # what steered the trial survived the failed finish
    assert done.user_attrs["human"] == "stop" and done.user_attrs["pruner"]["step"] == 1
    assert dict(Study.load(tmp_path / "s.jsonl").trials[0].intermediate_values) == {0: 0.4, 1: 0.3}


def test_a_study_of_several_objectives_refuses_a_pruner_and_still_records_reports(tmp_path):
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`pruner` of Study must be None for a study of several objectives (minimize objective 0, minimize "
            "objective 1); got 'median'.")):
        Study(LINE, directions=["minimize", "minimize"], pruner="median")
    study = Study(LINE, directions=["minimize", "minimize"], seed=0, storage=tmp_path / "s.jsonl")
    trial = study.ask()
    assert study.report(trial, 0.5, 0) is False
    study.stop(trial)
    assert study.report(trial, 0.4, 1) is True
    assert study.tell(trial, state="PRUNED").state is TrialState.PRUNED


def test_a_journal_of_several_objectives_that_names_a_pruner_still_opens(tmp_path):
    path = tmp_path / "s.jsonl"
    Study(LINE, directions=["minimize", "minimize"], seed=0, storage=path).run(lambda p: (p["x"], 1 - p["x"]), 2)
    lines = path.read_text().splitlines(keepends=True)  # as a version that accepted the pruner wrote it
    path.write_text(json.dumps({**json.loads(lines[0]), "pruner": {"name": "median", "settings": {}}}) + "\n"
                    + "".join(lines[1:]))
    study = Study.load(path)
    assert study.pruner is None and len(study.trials) == 2


@pytest.mark.parametrize("pruner", [{"name": "median", "settings": None}, {"name": "median", "settings": [1]},
                                    {"name": "gone"}, 7])
def test_a_journal_whose_header_names_an_unusable_pruner_is_refused_naming_the_file(tmp_path, pruner):
    # Study.load built the pruner the header named as if a person had typed it: Python's TypeError
    # ("argument after ** must be a mapping"), naming no file. (Settings MedianStoppingRule does not
    # take are a pruner this process cannot rebuild, not a broken file: see below.)
    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, storage=path, pruner="median").run(lambda p: p["x"], 2)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(json.dumps({**json.loads(lines[0]), "pruner": pruner}) + "\n" + "".join(lines[1:]))
    before = path.read_bytes()
    with pytest.raises(StorageError, match=re.escape(f"{path}, line 1")):
        Study.load(path)
    assert path.read_bytes() == before


def pruner_events(path):
    return [e["pruner"] for e in map(json.loads, path.read_text().splitlines()[1:]) if e["event"] == "pruner_switched"]


def test_a_journal_reopened_with_another_pruner_switches_to_it_and_a_later_load_keeps_it(tmp_path):
    # The pruner given was used silently and never journaled: Study.load brought the old one back.
    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=2), storage=path).run(curve, 3)
    with pytest.warns(RuntimeWarning, match=re.escape(
            "was using the pruner 'median' with {'n_startup_trials': 2, 'n_warmup_steps': 0, 'n_min_trials': 1}; "
            "switching to the pruner given, MedianStoppingRule(n_startup_trials=50, n_warmup_steps=3, "
            "n_min_trials=1).")):
        Study(LINE, seed=0, pruner=MedianStoppingRule(50, n_warmup_steps=3), storage=path).run(curve, 1)
    new = {"name": "median", "settings": {"n_startup_trials": 50, "n_warmup_steps": 3, "n_min_trials": 1}}
    assert pruner_events(path) == [new]
    assert Study.load(path).pruner.settings() == new["settings"]
    Study(LINE, seed=0, pruner=MedianStoppingRule(50, n_warmup_steps=3), storage=path)  # the same: nothing new
    assert pruner_events(path) == [new]


def test_a_nop_pruner_turns_pruning_off_on_resume_for_good(tmp_path):
    # pruner=None resumes with the journal's pruner; NopPruner() is how to say "no pruning from now on".
    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=0), storage=path).run(curve, 2)
    with pytest.warns(RuntimeWarning, match=r"switching to the pruner given, NopPruner\(\)"):
        study = Study(LINE, seed=0, pruner=NopPruner(), storage=path)
    study.enqueue({"x": 1.0})  # the worst curve there is: the median rule prunes it at step 0
    assert study.run(curve, 1)[0].state is TrialState.COMPLETE
    assert pruner_events(path) == [{"name": "nop", "settings": {}}]
    again = Study.load(path)
    assert isinstance(again.pruner, NopPruner)
    again.enqueue({"x": 1.0})
    assert again.run(curve, 1)[0].state is TrialState.COMPLETE


def test_a_study_sharing_the_journal_takes_up_the_pruner_another_switched_to(tmp_path):
    path = tmp_path / "s.jsonl"
    first = Study(LINE, seed=0, pruner="median", storage=path)
    first.run(curve, 1)
    with pytest.warns(RuntimeWarning, match="switching to the pruner given"):
        Study(LINE, seed=0, pruner=NopPruner(), storage=path)
    seen = []
    first.subscribe(lambda event: seen.append(event.kind))
    first.run(curve, 1)  # reads the other's switch first: its subscribers hear of trials only
    assert isinstance(first.pruner, NopPruner) and seen == ["asked", "reported"] + ["reported"] * 7 + ["told"]


def test_a_pruner_switch_that_names_no_pruner_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, storage=path).run(lambda p: p["x"], 1)
    with path.open("a") as journal:
        journal.write(json.dumps({"event": "pruner_switched", "pruner": "median"}) + "\n")
    with pytest.raises(StorageError, match=re.escape(f"{path}, line 4: `pruner` of this \"pruner_switched\" event must "
                                                     "be {'name': str, 'settings': {...}}, or None (no pruner); got "
                                                     "'median'.")):
        Study.load(path)


def test_a_journal_naming_a_pruner_of_one_s_own_still_opens_without_pruning(tmp_path):
    from interactive_hpo import PruneDecision, Pruner

    class Never(Pruner):
        name = "never"

        def decide(self, trial, step, trials, direction):
            return PruneDecision(False, "never")

    path = tmp_path / "study.jsonl"
    Study(LINE, seed=0, storage=path, pruner="median").run(curve, n_trials=2)
    with pytest.warns(RuntimeWarning, match="switching to the pruner given"):
        Study(LINE, seed=0, storage=path, pruner=Never()).run(curve, n_trials=1)  # journaled: 'never'
    with pytest.warns(RuntimeWarning, match=r"names the pruner 'tests\.study\.test_pruning:.*\.Never', which is not "
                                            r"registered in this process.*Pass pruner=Never\(\.\.\.\)"):
        resumed = Study.load(path)  # was a StorageError calling the file corrupted
    assert resumed.pruner is None and len(resumed.trials) == 3


def test_assigning_a_pruner_switches_to_it_for_good_and_a_replay_follows_every_switch(tmp_path):
    # study.pruner = ... was used, never journaled: Study.load brought the old pruner back, silently,
    # and a study sharing the journal went on with it.
    path = tmp_path / "s.jsonl"
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=2), storage=path)
    other = Study.load(path)
    study.run(curve, 2)
    study.pruner = NopPruner()
    study.enqueue({"x": 1.0})  # the worst curve there is: the median rule prunes it at step 0
    assert study.run(curve, 1)[0].state is TrialState.COMPLETE
    assert isinstance(Study.load(path).pruner, NopPruner)
    other.refresh()
    assert isinstance(other.pruner, NopPruner)
    study.pruner = MedianStoppingRule(n_startup_trials=2, n_warmup_steps=3)
    study.pruner = MedianStoppingRule(n_startup_trials=2, n_warmup_steps=3)  # the same again: nothing journaled
    study.pruner = MedianStoppingRule(n_startup_trials=1)
    study.enqueue({"x": 1.0})
    assert study.run(curve, 1)[0].state is TrialState.PRUNED
    study.pruner = "median"
    median = {"name": "median", "settings": {"n_startup_trials": 5, "n_warmup_steps": 0, "n_min_trials": 1}}
    assert pruner_events(path) == [{"name": "nop", "settings": {}}] + [
        {"name": "median", "settings": {"n_startup_trials": n, "n_warmup_steps": w, "n_min_trials": 1}}
        for n, w in [(2, 3), (1, 0)]] + [median]
    other.refresh()
    assert other.pruner.settings() == Study.load(path).pruner.settings() == median["settings"]
    study.pruner = None  # no pruning from now on, and on the next load too (not "the journal's")
    assert Study.load(path).pruner is None and pruner_events(path)[-1] is None
    with pytest.raises(InvalidParameterError, match=r"^`pruner` of Study must be a Pruner, one of \['median', "
                                                    r"'nop'\], or None; got 'hyperband-ish'\.$"):
        study.pruner = "hyperband-ish"
    assert study.pruner is None and len(pruner_events(path)) == 5


def test_a_pruner_switch_the_journal_did_not_take_leaves_the_old_pruner_in_charge(tmp_path, monkeypatch):
    study = Study(LINE, seed=0, pruner="median", storage=tmp_path / "s.jsonl")
    rule = study.pruner
    with monkeypatch.context() as patch:
        failing_writes(study, patch)
        with pytest.raises(OSError):
            study.pruner = NopPruner()
    assert study.pruner is rule and isinstance(Study.load(tmp_path / "s.jsonl").pruner, MedianStoppingRule)


class PatientMedian(MedianStoppingRule):
    """A median rule with a setting of its own, keeping its base's name "median"."""

    def __init__(self, patience=2, **settings):
        super().__init__(**settings)
        self.patience = patience


class StricterMedian(MedianStoppingRule):
    """Another rule under the name "median", with the same settings."""

    def decide(self, trial, step, trials, direction):
        return PruneDecision(True, "always")


def test_a_subclass_keeping_its_base_name_is_journaled_as_itself_and_opens_without_pruning(tmp_path):
    # Its journal said "median" with a setting MedianStoppingRule does not take: Study.load called the
    # file corrupted. With its base's settings it passed for the median rule, silently.
    for rule in (PatientMedian(patience=3), StricterMedian()):
        path = tmp_path / f"{type(rule).__name__}.jsonl"
        Study(LINE, seed=0, storage=path, pruner=rule).run(curve, 2)
        name = f"tests.study.test_pruning:{type(rule).__name__}"
        assert json.loads(path.read_text().splitlines()[0])["pruner"] == {"name": name, "settings": rule.settings()}
        before = path.read_bytes()
        with pytest.warns(RuntimeWarning, match=re.escape(
                f"line 1 names the pruner {name!r}, which is not registered in this process (registered: ['median', "
                f"'nop']); the study goes on without pruning. Pass pruner={type(rule).__name__}(...) to go on with "
                f"it, or register_pruner({type(rule).__name__}) (with a `name` of its own) before loading")):
            resumed = Study.load(path)
        assert resumed.pruner is None and len(resumed.trials) == 2 and path.read_bytes() == before
    again = Study(LINE, seed=0, storage=path, pruner=StricterMedian())  # the same pruner: no switch
    assert type(again.pruner) is StricterMedian and pruner_events(path) == []


def test_a_journal_naming_median_with_settings_it_does_not_take_opens_without_pruning(tmp_path):
    # As a subclass keeping the name "median" wrote it before: "corrupted", and the trials unreachable.
    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, storage=path, pruner="median").run(curve, 2)
    lines = path.read_text().splitlines(keepends=True)
    for settings, error in [({"patience": 1}, "got an unexpected keyword argument 'patience'"),
                            ({"n_startup_trials": 1e308}, "`n_startup_trials` of MedianStoppingRule must be an int")]:
        path.write_text(json.dumps({**json.loads(lines[0]), "pruner": {"name": "median", "settings": settings}})
                        + "\n" + "".join(lines[1:]))
        before = path.read_bytes()
        with pytest.warns(RuntimeWarning, match=re.escape(
                f"line 1 names the pruner 'median', whose settings {settings} the class registered under 'median' "
                "here, MedianStoppingRule, does not take (") + ".*" + re.escape(error) + ".*" + re.escape(
                "Pass pruner=YourPruner(...) to go on with it")):
            study = Study.load(path)
        assert study.pruner is None and len(study.trials) == 2 and path.read_bytes() == before


def test_a_registered_pruner_of_one_s_own_is_rebuilt_by_a_load(tmp_path):
    from interactive_hpo import available_pruners, register_pruner, unregister_pruner

    class Patient(PatientMedian):
        name = "patient"

    path = tmp_path / "s.jsonl"
    Study(LINE, seed=0, storage=path, pruner=Patient(patience=3)).run(curve, 1)  # not registered yet
    register_pruner(Patient)
    try:
        assert "patient" in available_pruners()
        resumed = Study.load(path)  # it recorded the class, which is registered now
        assert type(resumed.pruner) is Patient and resumed.pruner.patience == 3
        # The same pruner given again, or assigned, is no switch (its name then was "module:Class").
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            again = Study(LINE, seed=0, storage=path, pruner=Patient(patience=3))
            again.pruner = Patient(patience=3)
        assert "pruner_switched" not in path.read_text()
        Study(LINE, seed=0, storage=tmp_path / "t.jsonl", pruner=Patient(patience=4)).run(curve, 1)
        assert Study.load(tmp_path / "t.jsonl").pruner.patience == 4
        assert json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])["pruner"]["name"] == "patient"
        assert type(Study(LINE, pruner="patient").pruner) is Patient
    finally:
        unregister_pruner("patient")
    with pytest.warns(RuntimeWarning, match="names the pruner 'patient', which is not registered"):
        assert Study.load(tmp_path / "t.jsonl").pruner is None


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r(PatientMedian), "`name` of register_pruner must be a name no other pruner is registered under; got "
                                 "'median'. 'median' is taken by interactive_hpo.study.pruning:MedianStoppingRule, a "
                                 "built-in pruner: give yours another name."),
    (lambda r: r(StricterMedian, name="stricter"), "`name` of register_pruner must be None or the class's own "
                                                   "`name`, 'median' (what a journal records); got 'stricter'."),
    (lambda r: r(MedianStoppingRule()), "`cls_or_path` of register_pruner must be a Pruner subclass or an import "
                                        "path; got MedianStoppingRule("),
    (lambda r: r(type("Nameless", (NopPruner,), {"name": None})),
     "`cls_or_path` of register_pruner must be a class with a `name` of its own (what a journal records); got "),
])
def test_register_pruner_input_errors(call, message):
    from interactive_hpo import register_pruner

    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(register_pruner)


def test_a_pruner_without_a_name_is_used_and_journaled_by_its_class(tmp_path):
    # Pruner subclasses needed a `name` nobody said they needed: AttributeError from Study(...).
    from interactive_hpo import Pruner

    class Halfway(Pruner):
        def decide(self, trial, step, trials, direction):
            return PruneDecision(step >= 4, "halfway")

    study = Study(LINE, seed=0, storage=tmp_path / "s.jsonl", pruner=Halfway())
    assert max(study.step(curve).intermediate_values) == 4
    assert pruner_events(tmp_path / "s.jsonl") == []


def test_a_plug_in_whose_module_changed_since_breaks_no_other_pruner_lookup(monkeypatch):
    """Looking up a journal's "module:Class" pruner went through every registered entry, and one
    whose module no longer has its class raised Python's AttributeError for every load."""
    import sys
    import types

    from interactive_hpo import register_pruner, unregister_pruner
    from interactive_hpo.study.pruning import same_pruner

    plug = types.ModuleType("changing_plug")

    class Gone(PatientMedian):
        name = "gone"

    Gone.__module__ = plug.__name__
    plug.Gone = Gone
    monkeypatch.setitem(sys.modules, plug.__name__, plug)
    register_pruner("changing_plug:Gone")
    try:
        del plug.Gone  # the user's module edited and reloaded
        assert not same_pruner({"name": "a_module:Mine", "settings": {}}, {"name": "b_module:Mine", "settings": {}})
    finally:
        unregister_pruner("gone")
