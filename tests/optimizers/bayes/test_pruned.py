"""A PRUNED trial and the Bayesian optimizers (``bayes.training``): its point is never proposed
again; the GP fits it at its last report's loss, as a failure when its objective pruned it before
reporting, and not at all when a person stopped it. Before, the GP's best point was the pruned
one again, and a run with a pruner proposed it to the end."""

from __future__ import annotations

import pytest

from interactive_hpo import Float, MedianStoppingRule, SearchSpace, Study, TrialPruned

pytest.importorskip("botorch")

LINE = SearchSpace([Float("lr", 0.0, 1.0)])
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}


def curve(params, *, report):
    """A learning curve whose final loss is lowest at lr = 0.3; the median rule prunes the rest."""
    for epoch in range(5):
        loss = (params["lr"] - 0.3) ** 2 + 1 / (epoch + 1)
        report(loss, epoch)
    return loss


def refuses_small(params, *, report):
    """Prunes a configuration it refuses before reporting anything; optimum on that border."""
    if params["lr"] < 0.05:
        raise TrialPruned("invalid")
    return params["lr"] ** 2


def _started(optimizer="bo", **settings):
    """A study past its initial design (three completed trials): the next ask is the GP's."""
    study = Study(LINE, optimizer, seed=0, optimizer_settings={**FAST, **settings},
                  directions=["minimize", "minimize"] if optimizer in ("parego", "ehvi") else None)
    for _ in range(3):
        trial = study.ask()
        x = trial.params["lr"]
        study.tell(trial, (x - 0.3) ** 2 if not study.goals.multi else ((x - 0.3) ** 2, (x - 0.6) ** 2))
    return study


@pytest.mark.parametrize("optimizer", ["bo", "parego", "ehvi"])
def test_a_pruned_proposal_is_not_proposed_again(optimizer):
    study = _started(optimizer)
    first = study.ask()
    assert first.user_attrs["phase"] != "initial"
    study.tell(first, state="PRUNED")  # by hand in ask/tell (several objectives keep no value)
    assert study.ask().params != first.params


@pytest.mark.parametrize(("objective", "pruner"), [(curve, MedianStoppingRule(n_startup_trials=3)),
                                                   (refuses_small, None)])
def test_a_run_with_pruned_trials_repeats_no_configuration(objective, pruner):
    # Before: 7 of 14 trials at lr = 1.0 (the curve), 9 of 14 at lr = 0.0 (the refused ones).
    study = Study(LINE, "bo", seed=0, pruner=pruner, optimizer_settings=FAST)
    study.run(objective, n_trials=12, progress=False)
    assert sum(t.state.value == "PRUNED" for t in study.trials) >= 1
    assert len({t.params["lr"] for t in study.trials}) == 12


def test_a_trial_pruned_after_reporting_is_fitted_at_its_last_report():
    study = _started()
    trial = study.ask()
    study.report(trial, 0.9, 0)
    study.report(trial, 0.7, 1)
    study.tell(trial, state="PRUNED")
    view = study.optimizer.surrogate()
    assert trial.x.tolist() in view.X.tolist() and view.losses[view.X.tolist().index(trial.x.tolist())] == 0.7
    assert study.ask().user_attrs["gp_data"] == 4


def test_a_trial_pruned_before_any_report_is_fitted_as_a_failure():
    study = _started()
    trial = study.ask()
    study.tell(trial, state="PRUNED")  # pruned_by "objective", nothing reported: a configuration refused
    assert trial.x.tolist() not in study.optimizer.surrogate().X.tolist()  # not a value...
    assert study.ask().user_attrs["gp_data"] == 4  # ...a failure the GP is fitted on


def test_a_trial_a_person_stopped_is_not_fitted():
    study = _started()
    trial = study.ask()
    study.stop(trial)
    assert study.report(trial, 0.9, 0)  # stop here
    stopped = study.tell(trial, state="PRUNED")
    assert stopped.user_attrs["pruned_by"] == "human"
    assert trial.x.tolist() not in study.optimizer.surrogate().X.tolist()
    following = study.ask()
    assert following.user_attrs["gp_data"] == 3 and following.params != trial.params
