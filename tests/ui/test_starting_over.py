"""A Reset or a search-space edit in the Lab loses nothing: a space the objective cannot evaluate is
refused before Apply, the study left stays a branch, and the notes say so briefly, once."""

from __future__ import annotations

import html
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import (  # noqa: E402
    Categorical,
    Float,
    Int,
    InvalidParameterError,
    SearchSpace,
    Study,
    TrialState,
    TrialStateError,
)
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402

BRANIN = Branin()


@pytest.fixture
def branin_lab():
    return lab_after(BRANIN, BRANIN.space, 5, optimizer="random", seed=0)


def refused_in_the_editor(lab, message):
    """The editor shows ``message`` before Apply, Apply is greyed out, and a click (from code,
    as a disabled button cannot be clicked in a browser) changes nothing."""
    study, trials = lab.study, list(lab.study.trials)
    editor = lab.space_editor
    assert editor.apply.disabled and editor.errors == [message]
    assert html.escape(message, quote=False) in editor.message.value
    editor.apply.click()
    assert lab.study is study and lab.study.trials == trials and list(lab.branches) == ["main"]
    assert str(lab.errors.errors[-1]) == message  # the click's error, in the app's error box too


def test_apply_refuses_a_space_the_objective_cannot_evaluate_before_anything_is_discarded(branin_lab):
    # Apply took x3 (or a renamed x0), dropped every trial, and every trial after it FAILED:
    # "`params` of Branin must be a configuration of the search space ... Unknown parameter(s): x3".
    lab, editor = branin_lab, branin_lab.space_editor
    editor.add.click()
    refused_in_the_editor(lab, "`space` of Lab.set_space must be a SearchSpace with the objective's parameters "
                               "['x0', 'x1']; got ['x0', 'x1', 'x3']. The objective has no 'x3'.")
    editor.remove_row(editor.rows[-1])
    editor.rows[0].name.value = "a"
    refused_in_the_editor(lab, "`space` of Lab.set_space must be a SearchSpace with the objective's parameters "
                               "['x0', 'x1']; got ['a', 'x1']. The objective has no 'a' and needs 'x0' too.")
    editor.rows[0].name.value, editor.rows[0].low.value = "x0", "-10"
    refused_in_the_editor(lab, "`space['x0']` of Lab.set_space must be within the objective's Float('x0', "
                               "low=-5.0, high=10.0, log=False); got Float('x0', low=-10.0, high=10.0, log=False). "
                               "The objective does not take -10.0.")
    with pytest.raises(InvalidParameterError, match=re.escape("The objective has no 'x3'.")):  # from code alike
        lab.controller.set_space(SearchSpace([*BRANIN.space, Float("x3", 0.0, 1.0)]))
    editor.rows[0].low.value = "0"  # a narrower bound: the objective takes all of it
    assert not editor.apply.disabled and editor.message.value == ""
    editor.apply.click()
    assert lab.study.space["x0"].low == 0.0 and lab.errors.widget.value == "" and len(lab.errors.errors) == 3
    lab.step()
    assert lab.study.trials[-1].state is TrialState.COMPLETE


def test_a_study_beyond_the_objectives_space_is_refused_when_the_lab_opens():
    # The Lab hid the objective's space from its study's checks: every Step failed instead. The
    # refusal showed the Lab's wrapper, "got <interactive_hpo.ui.lab_objective.PlainCall object at 0x...>".
    wider = SearchSpace([Float("x0", -10.0, 10.0), Float("x1", 0.0, 15.0)])
    for opening in (lambda: Lab(Study(wider, "random", seed=0), BRANIN), lambda: Lab(BRANIN, space=wider)):
        with pytest.raises(InvalidParameterError, match=re.escape(
                "`objective` of Lab must be an objective over the study's search space or a wider one; got "
                "Branin(dim=2, noise_std=0.0). The study's Float('x0'")):
            opening()


def test_a_scheduler_is_refused_for_a_single_fidelity_objective_as_study_run_refuses_it():
    # The Lab's wrapper hid Branin's single fidelity: Lab(Branin(), optimizer="hyperband") opened and
    # every trial FAILED ("`budget` of Branin must be None"); a switch to it was taken too.
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Lab must be an objective that runs at budgets; got Branin(dim=2, noise_std=0.0).")):
        Lab(BRANIN, optimizer="hyperband", seed=0)
    lab = Lab(BRANIN, optimizer="random", seed=0)
    # The Optimizer tab offered the schedulers, then refused them.
    offered = lab.optimizer_panel.choice.options
    assert {"bo", "random", "cmaes"} <= set(offered) and not {"asha", "halving", "hyperband"} & set(offered)
    for refused in (lambda: lab.controller.switch_optimizer("hyperband"), lambda: lab.fork(0, "asha")):
        with pytest.raises(InvalidParameterError, match="the objective has a single fidelity: wrap it, MultiFidelity"):
            refused()
    assert lab.study.optimizer.name == "random" and list(lab.branches) == ["main"]


def test_reset_keeps_the_study_it_leaves_as_a_branch_and_says_so():
    # Reset replaced every branch by an empty study, with no note: `{'main': 0}`.
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0)
    lab.run(3)
    fork = lab.fork(1, "random", {})
    lab.reset_button.click()
    assert {name: len(study.trials) for name, study in lab.branches.items()} == \
        {"main": 3, "fork@1 random": 1, "reset": 0}
    assert lab.branch_name == "reset" and lab.branches["fork@1 random"] is fork
    assert lab.notes.value == ("The previous study stays as branch &#x27;fork@1 random&#x27; (1 trial(s)): choose it "
                               "in the branch list, under the model, to go back.")
    assert list(lab.timeline.branch.options) == ["main", "fork@1 random", "reset"]
    lab.step()
    lab.reset_button.click()
    assert list(lab.branches) == ["main", "fork@1 random", "reset", "reset (2)"]
    lab.switch_branch("main")
    assert len(lab.study.trials) == 3 and lab.notes.value == ""


def test_an_apply_that_leaves_trials_behind_keeps_the_study_left_and_folds_what_it_left(tmp_path):
    # 31 lines of notes stayed above the tabs through every run after an Apply that dropped 30 trials.
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0, storage=tmp_path / "lab.jsonl")
    lab.run(8)
    old = lab.study
    lab.space_editor.rows[0].low.value = "0"
    lab.space_editor.apply.click()
    carried = len(lab.study.trials)
    assert 0 < carried < 8 and lab.branches == {"main": old, "new space": lab.study}
    notes, _, folded = lab.notes.value.partition("<details>")
    assert notes == (f"Carried over {carried} of 8 trial(s) to the new space; {8 - carried} left behind (journaled "
                     f"in {tmp_path / 'lab-2.jsonl'}).<br>The previous study stays as branch &#x27;main&#x27; "
                     "(8 trial(s)): choose it in the branch list, under the model, to go back.")
    assert folded.startswith(f"<summary>What was left behind ({8 - carried})</summary>Trial ")
    assert folded.count("<br>") == 8 - carried - 1 and len(lab.controller.left_behind) == 8 - carried
    lab.space_editor.apply.click()  # again, with no change: said, not silent
    assert lab.notes.value == "Nothing changed: the search space is the study&#x27;s own."
    assert lab.branches == {"main": old, "new space": lab.study} and len(lab.study.trials) == carried
    lab.step_button.click()  # the next trial: the notes of the Apply go
    assert lab.notes.value == "" and lab.controller.notes == lab.controller.left_behind == []
    lab.switch_branch("main")  # the wider space again: its panels and its editor
    assert lab.study is old and lab.surrogate_panel.space == LINE and lab.space_editor.space == LINE
    assert lab.history_panel.space == LINE and not lab.errors.errors
    lab.step()
    assert len(old.trials) == 9


def test_a_reset_of_an_empty_study_changes_nothing_and_says_so(tmp_path):
    # Run 2, Reset (lab-2.jsonl), Reset again: a third journal, lab-3.jsonl, and the note "The
    # previous trials stay in lab-2.jsonl", which held none.
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0, storage=tmp_path / "lab.jsonl")
    lab.run(2)
    lab.reset_button.click()
    empty = lab.study
    lab.reset_button.click()
    assert lab.study is empty and list(lab.branches) == ["main", "reset"] and not lab.errors.errors
    assert lab.notes.value == "Nothing to reset: this study has no trials and nothing queued."
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lab-2.jsonl", "lab.jsonl"]
    lab.step()  # the study reset once goes on in its journal
    assert lab.notes.value == "" and len(Study.load(tmp_path / "lab-2.jsonl").trials) == 1
    lab.controller.reset()
    lab.study.enqueue({"x": 0.5})  # a queue is something to keep: the next Reset is a new branch
    lab.controller.reset()
    assert list(lab.branches) == ["main", "reset", "reset (2)", "reset (3)"]
    assert lab.branches["reset (2)"].queued == [{"x": 0.5}] and lab.study.queued == []


def test_an_apply_before_any_trial_goes_on_in_the_lab_s_journal_over_the_new_space(tmp_path):
    # It journaled the study in lab-2.jsonl and left lab.jsonl, header only, over the old space:
    # Study.load("lab.jsonl") resumed a study nobody ran, and the trials were elsewhere.
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0, storage=tmp_path / "lab.jsonl")
    narrower = SearchSpace([Float("x", 0.0, 1.0)])
    lab.controller.set_space(narrower)
    assert list(lab.branches) == ["main"] and lab.study.space == narrower and not lab.errors.errors
    assert lab.notes.value == f"{tmp_path / 'lab.jsonl'} now holds the study over the new space (it had no trials yet)."
    lab.run(2)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lab.jsonl"]
    resumed = Study.load(tmp_path / "lab.jsonl")
    assert resumed.space == narrower and [t.params for t in resumed.trials] == [t.params for t in lab.study.trials]


def test_an_apply_that_carries_every_trial_keeps_the_study_left_and_names_the_values_it_dropped():
    # Removing y carried all 5 trials and replaced the study: every y value was gone, and the
    # note said only "Carried over 5 of 5 trial(s)".
    plane = SearchSpace([Float("x", -1.0, 1.0), Float("y", -1.0, 1.0)])
    lab = lab_after(lambda p: (p["x"] - 0.3) ** 2 + p.get("y", 0.0) ** 2, plane, 5, optimizer="random", seed=0)
    old = lab.study
    lab.controller.set_space(SearchSpace([Float("x", -1.0, 1.0)]))
    assert lab.branches == {"main": old, "new space": lab.study} and len(lab.study.trials) == 5
    assert lab.notes.value == ("Carried over 5 of 5 trial(s) to the new space, without their values of `y` (not "
                               "in the new space).<br>The previous study stays as branch &#x27;main&#x27; (5 "
                               "trial(s)): choose it in the branch list, under the model, to go back.")
    assert all("y" in trial.params for trial in old.trials)
    lab.controller.evaluate({"x": 0.5})  # a trial of yours clears the notes too, saying only what it gave
    assert lab.notes.value == "Your trial 5: x=0.5 -&gt; 0.04 (best 0.0072049, trial 0)"


def test_an_apply_names_only_the_values_its_carried_trials_had():
    # Removing a parameter no carried trial had (inactive in every one) said "without their values of `degree`".
    space = SearchSpace([Categorical("kernel", ["rbf", "poly"]), Float("x", -1.0, 1.0),
                         Int("degree", 2, 4, condition=("kernel", "poly"))])
    lab = lab_after(lambda p: p["x"] ** 2 + p.get("degree", 0), space, 6, optimizer="random", seed=0)
    lab.controller.set_space(SearchSpace([Categorical("kernel", ["rbf"]), Float("x", -1.0, 1.0)]))
    assert "degree" not in lab.notes.value
    assert lab.notes.value.startswith(f"Carried over {len(lab.study.trials)} of 6 trial(s) to the new space; ")


def test_a_carried_trials_step_says_where_it_was_proposed_and_its_model_is_still_there():
    # Widening a bound of a "bo" study replaced it: the model behind each proposal was gone
    # ("Trial 5 came from 'carried'"), and the caption said "what carried believed when it proposed trial 5".
    lab = lab_after(quad, LINE, 6, seed=0, optimizer_settings=FAST)
    lab.controller.set_space(SearchSpace([Float("x", -3.0, 2.0)]))
    lab.travel(5)
    where = "trial 5 was carried from trial 5 of branch &#x27;main&#x27;, where bo proposed it; 5 trials had finished"
    assert where in lab.timeline.caption.value and "believed" not in lab.timeline.caption.value
    assert lab.surrogate_panel.message.value == ("<i>Trial 5 was carried from trial 5 of branch 'main', where bo "
                                                 "proposed it: choose 'main' in the branch list and view step 5 "
                                                 "there.</i>")
    lab.travel(None)
    lab.fork(5, "bo")  # carried twice: each branch on the way is named
    shown = lab.controller.past(4, lab.study.history())
    assert shown.why == ("Trial 4 was carried from trial 4 of branch 'new space', carried there from trial 4 of "
                         "branch 'main', where bo proposed it: choose 'main' in the branch list and view step 4 there.")
    lab.switch_branch("main")  # where it says: the belief that proposed it
    lab.travel(5)
    assert lab.controller.past(5, lab.study.history()).view is not None and not lab.errors.errors


def test_undo_with_no_manual_trial_says_what_is_wrong():
    # It named `trial`, then `trials[-1].source` "of Study.undo_manual", which takes no argument:
    # what is wrong is the study's state.
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.step()
    with pytest.raises(TrialStateError, match=re.escape(
            "Study.undo_manual has no manual trial to withdraw: trial 0, the study's last, came from 'random'. "
            "Undo withdraws only the manual trial just added, before any other trial. To go on without trial 0, fork "
            "the study before it, interactive_hpo.study.branching.fork_study(study, 0) (in the Lab: Fork here at "
            "step 0).")):
        lab.controller.undo()


def test_a_scheduler_beyond_the_objective_s_budgets_is_refused_by_the_lab_as_study_run_refuses_it():
    # The Lab's wrapper hid the objective's budget_range: every job ran at full cost, those above 1 failed.
    from interactive_hpo import Study
    from interactive_hpo.objectives import MultiFidelity

    task = MultiFidelity(BRANIN)
    study = Study(task.space, "asha", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 27})
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`max_budget` of 'asha' in Lab must be a budget the objective takes, in (0, 1]; got 27.0.")):
        Lab(study, task)
    assert study.trials == []
