"""What a Trial tells of itself: why it was pruned (``Trial.pruned_reason``)."""

from __future__ import annotations

from interactive_hpo import Evaluation, MedianStoppingRule, Study, TrialPruned, TrialState, outcome, trial

from .fidelity_helpers import LINE, curve


def test_pruned_reason_is_the_message_an_objective_pruned_its_trial_with():
    def gives_up(params):
        raise TrialPruned("why")

    def silently(params):
        raise TrialPruned

    study = Study(LINE, seed=0)
    study.run(gives_up, n_trials=1)
    study.run(silently, n_trials=1)
    assert [(t.state, t.pruned_reason) for t in study.trials] == [(TrialState.PRUNED, "why"),
                                                                   (TrialState.PRUNED, None)]


def test_a_trial_a_pruner_stopped_gives_the_verdicts_reason():
    study = Study(LINE, seed=0, pruner=MedianStoppingRule(n_startup_trials=1))
    for x in (0.1, 0.9):
        study.enqueue({"x": x})
    study.run(curve, n_trials=2)
    pruned = study.trials[1]
    assert pruned.state is TrialState.PRUNED and pruned.user_attrs["pruned_by"] == "pruner"
    assert pruned.pruned_reason == pruned.user_attrs["pruner"]["reason"] != ""
    assert study.trials[0].pruned_reason is None  # COMPLETE


def test_a_trial_a_person_stopped_says_so():
    study = Study(LINE, seed=0)
    running = study.ask()
    study.stop(running)
    assert study.report(running, 0.2, 1) is True
    assert study.tell(running, state="PRUNED").pruned_reason == trial.STOPPED_BY_PERSON


def test_an_attribute_of_that_name_on_a_trial_not_pruned_is_no_reason():
    study = Study(LINE, seed=0)
    study.run(lambda params: Evaluation(params["x"], user_attrs={"pruned_reason": "my own note"}), n_trials=1)
    told = study.ask()
    study.tell(told, state="PRUNED", user_attrs={"pruned_reason": "told so"})
    assert [t.user_attrs["pruned_reason"] for t in study.trials] == ["my own note", "told so"]
    assert [t.pruned_reason for t in study.trials] == [None, "told so"]


def test_the_key_is_one_name_in_trial_and_outcome():
    assert trial.PRUNED_REASON == outcome.PRUNED_REASON == "pruned_reason"
    assert "PRUNED_REASON" in trial.__all__ and "PRUNED_REASON" in outcome.__all__
