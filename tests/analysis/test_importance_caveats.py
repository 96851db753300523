"""What :func:`importance` claims when a study cannot support it (a171 #1, #2): a warm-started
GP's sources, an objective that never varied, too few trials to rank, and a scheduler's lower rungs (a202 #1)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study, TrialState
from interactive_hpo.analysis import (
    GPSamples,
    below_full_budget,
    importance,
    sobol_indices,
    study_partial_dependence,
    study_quantile_importance,
    surrogate_of,
    trial_data,
)
from interactive_hpo.trial import USER_INTERRUPT

XY = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])


def target(params):
    return (params["x"] - 0.3) ** 2   # y does not matter here


@pytest.fixture(scope="module")
def warm():
    """15 BO trials of a target of x alone, warm-started from 30 trials of a source of y alone."""
    source = Study(XY, "sobol", seed=1)
    source.run(lambda p: 10 * (p["y"] - 0.5) ** 2, n_trials=30)
    study = Study(XY, "bo", seed=0, warm_start={"src": source})
    study.run(target, n_trials=15)
    return study


def test_a_warm_started_gp_is_read_without_its_sources_means(warm):
    # The study's GP follows the source (weight 0.30): its sample paths gave y a total of 0.39
    # [0.26, 0.56], though the target ignores y (a forest 0.07; this GP without the source 0.30).
    assert warm.surrogate().hyperparameters.source_weights["src"] > 0.2
    for step in (None, 14):
        assert surrogate_of(warm, "gp", step=step, n_samples=8).view.hyperparameters.source_weights == {}
    followed = sobol_indices(GPSamples(warm.surrogate(), n_samples=16), XY, n=128)
    own = importance(warm, "gp", n=128, n_samples=16)
    assert own.ranking() == ["x", "y"] and own.total[1] < followed.total[1] - 0.05


def test_an_objective_that_never_varied_has_no_important_parameter():
    # The GP's sample paths of a flat objective still vary (its prior): they read totals of
    # a=0.48, k=0.48, n=0.65 with intervals up to 0.88; the forest read 0.
    space = SearchSpace([Float("a", 0, 1), Categorical("k", ["x", "y"]), Int("n", 1, 3)])
    study = Study(space, "bo", seed=0)
    study.run(lambda p: 1.0, n_trials=12)
    for surrogate in ("gp", "forest"):
        with pytest.warns(UserWarning, match="all 12 completed trials have the same value .1.: no parameter has "
                                             "shown an effect, every index is 0"):
            result = importance(study, surrogate, n=64, n_samples=8)
        assert np.array_equal(result.total, np.zeros(3)) and np.array_equal(result.total_interval, np.zeros((3, 2)))
        assert result.source == surrogate and result.total_samples.shape == (8, 3)


def test_failures_the_gp_learns_from_are_an_effect_though_the_completed_trials_tie():
    # Before: "all 12 completed trials have the same value", every index 0; the GP, which places
    # failures below the worst loss, reads a = 0.997.
    def fails_above(params):
        if params["a"] > 0.6:
            raise ValueError("diverged")
        return 0.5

    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    study = Study(space, "bo", seed=0, optimizer_settings={"n_initial": 6})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the failures' own warning
        study.run(fails_above, n_trials=14, progress=False)
    assert any(t.state is TrialState.FAILED for t in study.trials)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        result = importance(study, "gp", n=64, n_samples=8)
    assert result.total[0] > 0.5 > result.total[1]


def test_a_failure_whose_configuration_completed_later_is_no_effect():
    from interactive_hpo.analysis import failed_learnt

    # The GP drops such a failure from its data: counted, it hid a flat objective's warning.
    study = Study(SearchSpace([Float("a", 0, 1), Float("b", 0, 1)]), "random", seed=0)
    study.add_finished({"a": 0.5, "b": 0.5}, state="FAILED", source="notes")
    study.add_manual({"a": 0.5, "b": 0.5}, 1.0)
    study.add_finished({"a": 0.9, "b": 0.1}, state="FAILED", source="notes")
    assert failed_learnt(study, "gp") == 1 and failed_learnt(study, "gp", step=2) == 0
    assert failed_learnt(study, "forest") == 0


def flat_bo():
    """A BO study of 8 trials of a flat objective."""
    study = Study(XY, "bo", seed=0, optimizer_settings={"n_initial": 3, "num_restarts": 2, "raw_samples": 32})
    for params in XY.sample(8, rng=0):
        study.add_finished(params, value=1.0, source="notes")
    return study


@pytest.mark.parametrize(("told", "fitted"), [
    # A repeat of a flaky objective, in either order: review a380, the GP kept a failure told after
    # its configuration's value, read by failed_learnt as none (the flat warning, on a GP that saw one).
    ((("FAILED", "flaky"), ("COMPLETE", None)), 0),
    ((("COMPLETE", None), ("FAILED", "flaky")), 0),
    ((("FAILED", "flaky"),), 1),
    # A person's stop says nothing of its configuration: the GP leaves it out, failed_learnt counted it.
    ((("FAILED", USER_INTERRUPT),), 0),
    # Pruned by its objective before any report: the GP learns it as a failure, failed_learnt missed it.
    ((("PRUNED", "objective"),), 1),
])
def test_failed_learnt_counts_the_failures_the_gp_is_fitted_on(told, fitted):
    from interactive_hpo.analysis import failed_learnt

    study = flat_bo()
    for state, why in told:
        attrs = {"pruned_by": why} if state == "PRUNED" else {"error": why} if why else {}
        study.add_finished({"x": 0.9, "y": 0.9}, state=state, value=1.0 if state == "COMPLETE" else None,
                           source="notes", user_attrs=attrs)
    view = study.surrogate()
    gp_failures = len(view.model.train_inputs[0]) - len(view.X)   # what the GP is fitted on, but values
    assert gp_failures == fitted and failed_learnt(study, "gp") == fitted
    if not fitted:   # the objective is flat, and the GP read nothing but that
        with pytest.warns(UserWarning, match="have the same value"):
            importance(study, "gp", n=64, n_samples=8)


def test_a_forest_takes_losses_near_the_float_range():
    from interactive_hpo.analysis import ForestSurrogate

    X = np.random.default_rng(0).random((5, 2))  # a mean of these overflowed: "Input y contains infinity"
    forest = ForestSurrogate(X, [1e308, 1.5e308, 1e308, 1.2e308, 1.1e308], n_trees=4)
    assert np.isfinite(forest.mean(X)).all()


def test_values_a_few_float_steps_apart_at_a_large_offset_still_count_as_different():
    from interactive_hpo.analysis import shows_no_effect

    # A relative 1e-12 read 1e15 + a spread of 3 (24 float steps) as one value, and every index 0.
    assert shows_no_effect(np.full(5, 1e15)) and shows_no_effect(np.array([1.0, 1.0 + 2e-16]))
    assert not shows_no_effect(1e15 + np.array([0.0, 1.0, 3.0]))
    assert not shows_no_effect(1e12 + 1e-3 * np.array([0.0, 0.5, 1.0]))


def test_the_forest_reads_the_same_indices_at_any_offset():
    from interactive_hpo.analysis import ForestSurrogate, sobol_indices

    # Its squared-error splits lost the spread under an offset of 1e9: a parameter explaining ~98%
    # of the variance read 0.03.
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    X = np.random.default_rng(0).random((64, 3))
    y = np.sin(6 * X[:, 0]) + 0.3 * X[:, 1] + 0.01 * X[:, 2]
    at = [sobol_indices(ForestSurrogate(X, y + offset, n_trees=16), space, n=256).first for offset in (0.0, 1e9)]
    np.testing.assert_allclose(at[1], at[0], atol=0.02)
    assert at[1][0] > 0.9


def test_a_ranking_from_fewer_than_8_trials_comes_with_a_warning(warm):
    with pytest.warns(UserWarning, match="importance: 3 completed trials before step 3, fewer than 8: the indices "
                                         "mostly show the gp surrogate's guesswork"):
        importance(warm, "gp", step=3, n=16, n_samples=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        importance(warm, "gp", step=8, n=16, n_samples=4)


def cheap_sees_x(params, budget=1.0):
    """A scheduler's cheap budgets see only x; the full one only y."""
    return params["x"] if budget < 1 else params["y"]


@pytest.fixture(scope="module")
def scheduled():
    """60 Hyperband jobs at budgets 1/9, 1/3 and 1: 11 at the full budget."""
    study = Study(XY, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9, "max_budget": 1})
    study.run(cheap_sees_x, n_trials=60, progress=False)
    return study


def test_a_schedulers_lower_rungs_are_left_out_as_best_trial_leaves_them(scheduled):
    # Before: every completed job was read, most at 1/9 or 1/3 of the budget: x first (total
    # 0.92 against 0.20), x's share of the top 20 % 0.70, a flat partial dependence of y.
    X, losses = trial_data(scheduled)
    assert len(losses) == 11 and below_full_budget(scheduled) == 49 and below_full_budget(scheduled, step=30) == 25
    full = [t for t in scheduled.trials if t.budget >= 1]
    np.testing.assert_array_equal(X, [t.x for t in full])
    left_out = "49 completed trial.s. ran below the full budget .1. and are left out, as best_trial leaves them out"
    with pytest.warns(UserWarning, match=f"importance: {left_out}"):
        assert importance(scheduled, "forest", n=128, n_samples=16).ranking() == ["y", "x"]
    with pytest.warns(UserWarning, match=f"study_quantile_importance: {left_out}"):
        assert study_quantile_importance(scheduled, quantile=0.2).share[1] > 0.6
    with pytest.warns(UserWarning, match=f"study_partial_dependence: {left_out}"):
        rise = study_partial_dependence(scheduled, "y", n_samples=16).mean
    assert rise[-1] - rise[0] > 0.4


def test_too_few_full_budget_trials_are_counted_as_what_is_left(scheduled):
    # The "fewer than 8" warning counts the trials read, not the 40 completed before step 40.
    with pytest.warns(UserWarning, match="importance: 6 completed trials at the full budget before step 40, fewer "
                                         "than 8"):
        importance(scheduled, "forest", step=40, n=16, n_samples=4)
    with pytest.raises(InvalidParameterError, match=r"before it: 3 \(PRUNED and FAILED trials do not count, nor do "
                                                    r"17 completed below the full budget \(1\)\)"):
        importance(scheduled, "forest", step=20)
