"""The ablation path read from a study (audit a364): its surrogate predicts the objective's
values, and the path walks a loss, so the study's direction converts one into the other. Passed
as it was, a maximized objective's mean walked the path backwards (worst change first) and its
shares looked as plausible."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.analysis import ablation_path, study_ablation, surrogate_of

SPACE = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
ZERO, ONE = {"a": 0.0, "b": 0.0}, {"a": 1.0, "b": 1.0}


def score(params):
    """Higher is better; ``a`` matters three times as much as ``b``."""
    return 3 * params["a"] + params["b"]


@pytest.fixture(scope="module")
def maximized():
    study = Study(SPACE, "sobol", direction="maximize", seed=0)
    study.run(score, n_trials=32, progress=False)
    return study


def test_a_maximized_study_walks_its_path_best_change_first(maximized):
    # ablation_path(f.mean, ...) on the same forest: ('b', 'a'), losses [0.46 0.96 3.51], shares [0.16 0.84].
    path = study_ablation(maximized, ZERO, ONE, "forest")
    assert path.steps == ("a", "b") and path.shares[0] > 0.8
    assert np.all(np.diff(path.losses) < 0) and np.all(np.diff(path.values) > 0)   # losses fall, scores rise
    np.testing.assert_array_equal(path.values, -path.losses)
    forest = surrogate_of(maximized, "forest")
    by_hand = ablation_path(lambda X: -forest.mean(X), SPACE, ZERO, ONE)   # the documented low-level call
    assert by_hand.steps == path.steps
    np.testing.assert_array_equal(by_hand.losses, path.losses)


def test_the_path_ends_at_the_best_trial_by_default(maximized):
    path = study_ablation(maximized, ZERO)
    np.testing.assert_array_equal(path.points[-1], SPACE.to_unit(maximized.best_trial.params))
    assert path.steps == ("a", "b") and path.values[-1] > path.values[0]


def test_a_minimized_study_reads_its_values_as_losses():
    study = Study(SPACE, "sobol", seed=0)
    study.run(score, n_trials=32, progress=False)
    path = study_ablation(study, ONE, surrogate="forest")
    assert path.steps == ("a", "b") and path.shares[0] > 0.8 and np.all(np.diff(path.losses) < 0)
    np.testing.assert_array_equal(path.values, path.losses)
    np.testing.assert_array_equal(path.points[-1], SPACE.to_unit(study.best_trial.params))


def test_a_gaussian_process_mean_is_turned_into_a_loss_too():
    study = Study(SPACE, "bo", direction="maximize", seed=0, optimizer_settings={"n_initial": 10})
    study.run(score, n_trials=10, progress=False)
    assert surrogate_of(study).source == "gp"
    path = study_ablation(study, ZERO, ONE)   # "auto": the study's GP
    assert path.steps == ("a", "b") and np.all(np.diff(path.values) > 0)


@pytest.fixture(scope="module")
def two_objectives():
    """A score to maximize (3a + b) and a cost to minimize (a + 3b)."""
    study = Study(SPACE, "sobol", seed=0, directions={"score": "maximize", "cost": "minimize"})
    study.run(lambda p: (score(p), p["a"] + 3 * p["b"]), n_trials=32, progress=False)
    return study


def test_a_study_of_several_objectives_is_walked_one_objective_at_a_time(two_objectives):
    assert study_ablation(two_objectives, ZERO, ONE, objective="score").steps == ("a", "b")
    cost = study_ablation(two_objectives, ONE, ZERO, objective=1)
    assert cost.steps == ("b", "a") and cost.direction == "minimize" and np.all(np.diff(cost.values) < 0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda study: study_ablation(study, ZERO, ONE),
     "`objective` of study_ablation must be an objective's name in ['score', 'cost'] or its index in [0, 2) for a "
     "study of 2 objectives; got None. Say which objective, e.g. study_ablation(study, start, objective='score')."),
    (lambda study: study_ablation(study, ZERO, objective="score"),
     "`end` of study_ablation must be a configuration (a dict of params) for a study of several objectives; got "
     "None. Several objectives have no single best trial: choose one of study.best_trials, e.g. "
     "end=study.best_trials[0].params."),
])
def test_a_study_of_several_objectives_says_which_objective_and_where_to(two_objectives, call, message):
    with pytest.raises(InvalidParameterError) as raised:
        call(two_objectives)
    assert str(raised.value) == message


def test_a_past_step_reads_the_surrogate_and_the_best_trial_of_then(maximized):
    step = 8
    early = maximized.trials[:step]
    best = max(early, key=lambda t: t.value)
    assert best.params != maximized.best_trial.params   # so the default end tells the steps apart
    path = study_ablation(maximized, ZERO, surrogate="forest", step=step, n_samples=16)
    np.testing.assert_array_equal(path.points[-1], SPACE.to_unit(best.params))
    forest = surrogate_of(maximized, "forest", step=step, n_samples=16)
    np.testing.assert_array_equal(path.losses, ablation_path(lambda X: -forest.mean(X), SPACE, ZERO,
                                                             best.params).losses)


@pytest.mark.parametrize(("call", "message"), [
    (lambda study: study_ablation(study, {"a": 0.0}), r"`start` of study_ablation must be a dict with keys"),
    (lambda study: study_ablation(study, ZERO, {"a": 2.0, "b": 0.0}),
     r"`end` of study_ablation must be a configuration of the search space"),
    (lambda study: study_ablation(study, ZERO, surrogate="gp"),
     r"`surrogate` of study_ablation must be 'gp' only for a study whose optimizer has a Gaussian process"),
    (lambda study: study_ablation(study, ZERO, step=3),
     r"`step` of study_ablation must be a step with at least 4 completed trials before it for a random forest"),
    (lambda study: study_ablation(study, ZERO, n_samples=1), r"`n_samples` of study_ablation must be an int"),
    (lambda study: study_ablation("study", ZERO), r"`study` of study_ablation must be an interactive_hpo Study"),
])
def test_bad_input_is_refused_naming_study_ablation(maximized, call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call(maximized)


def test_a_study_without_trials_is_refused_as_the_other_analyses_refuse_it():
    study = Study(SPACE, "sobol", seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape("must be a study with at least 4 completed trials")):
        study_ablation(study, ZERO)


def test_too_few_trials_before_the_step_is_refused_naming_the_step():
    # Before: "No trial has completed yet" for a study of 16 completed trials (the best trial was
    # sought before the surrogate, which names ``step``; audit a369).
    study = Study(SPACE, "sobol", seed=0)
    study.run(lambda p: p["a"] + p["b"], n_trials=16)
    refused = r"`step` of study_ablation .*; got 0\. Trials completed before it: 0"
    with pytest.raises(InvalidParameterError, match=refused):
        study_ablation(study, ZERO, step=0)
