"""Study-level access to a model's belief: now, what-if, at any past step; batches of trials."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study, TrialState
from interactive_hpo.objectives import Forrester
from interactive_hpo.optimizers.bayes.ehvi import EHVIBO
from interactive_hpo.study.past import model_behind

FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}


@pytest.fixture(scope="module")
def study():
    f = Forrester()
    study = Study(f.space, "bo", seed=0, optimizer_settings=FAST)
    study.run(f, n_trials=6)
    study.add_manual({"x0": 0.75}, f({"x0": 0.75}))
    study.run(f, n_trials=2)
    return study


def test_past_beliefs_are_rebuilt_from_the_trials_before_them(study):
    for trial in study.trials:
        if trial.user_attrs.get("phase") != "bo":
            continue
        view = study.surrogate(step=trial.number)
        finished_before = [t for t in study.trials[:trial.number] if t.state is TrialState.COMPLETE]
        assert len(view.X) == len(finished_before)
        np.testing.assert_array_equal(view.proposal, trial.x)
        assert view.hyperparameters.fit_status == "restored"
        # The recorded proposal maximizes the rebuilt acquisition among nearby points.
        grid = np.linspace(0, 1, 401)[:, None]
        best_on_grid = view.predict(grid).acquisition.max()
        assert view.predict(trial.x[None, :]).acquisition[0] >= best_on_grid - 1e-3 * abs(best_on_grid) - 1e-6


def test_the_current_belief_matches_the_last_past_one_when_nothing_changed(study):
    f = Forrester()
    twin = Study(f.space, "bo", seed=1, optimizer_settings=FAST)
    twin.run(f, n_trials=5)
    trial = twin.ask()
    now = twin.surrogate().predict(np.linspace(0, 1, 50)[:, None])
    past = twin.surrogate(step=trial.number).predict(np.linspace(0, 1, 50)[:, None])
    np.testing.assert_allclose(now.mean, past.mean, rtol=1e-6)


def test_past_belief_of_a_model_free_trial_is_refused(study):
    with pytest.raises(InvalidParameterError, match="came from 'bo' \\(its initial design\\)"):
        study.surrogate(step=0)
    with pytest.raises(InvalidParameterError, match="came from 'manual'"):
        study.surrogate(step=6)


def test_maximizing_studies_see_objective_units():
    space = SearchSpace([Float("x", 0.0, 1.0)])
    score = lambda p: -((p["x"] - 0.3) ** 2)  # noqa: E731 - a one-line objective
    study = Study(space, "bo", direction="maximize", seed=0, optimizer_settings=FAST)
    study.run(score, n_trials=6)
    view = study.surrogate()
    at_data = view.predict(view.X).mean
    values = [t.value for t in study.trials if t.state is TrialState.COMPLETE]
    np.testing.assert_allclose(at_data, values, atol=0.05)


def test_model_free_optimizers_have_no_surrogate():
    assert Study(SearchSpace([Float("x", 0, 1)]), "random").surrogate() is None


def test_ask_batch_takes_queued_params_first_then_a_joint_proposal():
    f = Forrester()
    study = Study(f.space, "bo", seed=0, optimizer_settings=FAST)
    study.run(f, n_trials=4)
    study.enqueue({"x0": 0.1})
    trials = study.ask_batch(3)
    assert [t.source for t in trials] == ["enqueued", "bo", "bo"]
    assert trials[1].user_attrs["acquisition"] == "qlognei (batch)"
    assert len({float(t.x[0]) for t in trials}) == 3
    for trial in trials:
        study.tell(trial, f(trial.params))
    assert len(study.trials) == 7 and not study.optimizer.pending


def test_the_model_behind_a_past_trial_is_the_one_in_charge_then():
    """``model_behind`` is the one decision behind ``surrogate(step=)`` and its ``objective=``:
    a trial "ehvi" proposed keeps "ehvi"'s belief (which needs an objective) after a switch to
    random search; its initial design and the random trials have none."""
    space = SearchSpace([Float("x", 0.0, 1.0)])
    study = Study(space, "ehvi", directions=["minimize", "minimize"], seed=0,
                  optimizer_settings={"n_initial": 3, "mc_samples": 16, "num_restarts": 1, "raw_samples": 16})
    pair = lambda p: (p["x"], (1 - p["x"]) ** 2)  # noqa: E731 - a one-line objective
    study.run(pair, n_trials=4, progress=False)
    study.switch_optimizer("random")
    study.run(pair, n_trials=1, progress=False)
    assert [model_behind(study.state, t.number) for t in study.trials] == [None, None, None, EHVIBO, None]
    with pytest.raises(InvalidParameterError, match="for a study of 2 objectives"):
        study.surrogate(step=3)  # "ehvi"'s belief, though random search is in charge now
    by_name = study.surrogate(step=3, objective="objective 1")  # read as an index, for the model then
    np.testing.assert_array_equal(by_name.losses, study.surrogate(step=3, objective=1).losses)
    with pytest.raises(InvalidParameterError, match="the number of a trial proposed by a fitted model"):
        study.surrogate(step=4, objective=1)


@pytest.mark.parametrize(("attrs", "field", "shown"), [
    ({"gp_state": {"covar_module.raw_lengthscale": ["abc", 0.1]}}, "gp_state",
     "{'covar_module.raw_lengthscale': ['abc', 0.1]}"),  # was: ValueError: too many dimensions 'str'
    ({"gp_state": [0.1]}, "gp_state", "[0.1]"),
    ({"gp_state": {}, "acquisition_seed": "x"}, "acquisition_seed", "'x'"),  # was: invalid literal for int()
    ({"gp_state": {}, "constraint_gp_state": None}, "constraint_gp_state", "None"),
])
def test_a_person_s_attributes_named_as_a_fit_s_record_are_refused_naming_the_field(attrs, field, shown):
    # A manual trial's user_attrs under the names a model's proposal records (fuzz a174 #2, live).
    f = Forrester()
    study = Study(f.space, "bo", seed=0, optimizer_settings={**FAST, "n_initial": 2})
    study.run(f, n_trials=2)
    trial = study.add_manual({"x0": 0.75}, 1.0, user_attrs=attrs)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`user_attrs['{field}']` of the trial whose model is rebuilt (Study.surrogate(step=...)) must be ") +
            f".*; got {re.escape(shown)}. Only a model's proposal records it"):
        study.surrogate(step=trial.number)
