"""HypergradientDescent, BilevelObjective and the online learning rate, stepped through studies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, HypergradientDescent, Int, SearchSpace, Study, TrialStateError

SPACE = SearchSpace([Float("alpha", 1e-3, 1e3, log=True), Float("beta", 0.0, 2.0), Int("layers", 1, 4)])


def bowl(params):
    """Loss (ln alpha - 1)^2 + (beta - 1.5)^2 with its gradient in ln(alpha) and in beta (linear)."""
    t, b = math.log(params["alpha"]) - 1, params["beta"] - 1.5
    return Evaluation(t * t + b * b, {"hypergradient": {"alpha": 2 * t, "beta": 2 * b}})


@pytest.mark.parametrize("update, step_size, steps", [("adam", 0.05, 80), ("sgd", 0.004, 150)])
def test_descends_to_the_minimum_and_keeps_discrete_parameters(update, step_size, steps):
    start = {"alpha": 100.0, "beta": 0.5, "layers": 3}
    study = Study(SPACE, HypergradientDescent(SPACE, step_size=step_size, update=update, start=start))
    study.run(bowl, steps)
    best = study.best_trial.params
    assert math.log(best["alpha"]) == pytest.approx(1.0, abs=0.05) and best["beta"] == pytest.approx(1.5, abs=0.05)
    assert {t.params["layers"] for t in study.trials} == {3}
    assert [t.user_attrs["descent_step"] for t in study.trials[:3]] == [0, 1, 2]


def test_unit_gradient_scales_by_the_range_in_log_or_in_value():
    optimizer = HypergradientDescent(SPACE)
    g = optimizer.unit_gradient({"alpha": 1.0, "beta": 0.5, "layers": 2}, {"alpha": 2.0, "beta": 3.0, "layers": 9})
    np.testing.assert_allclose(g, [2.0 * math.log(1e6), 3.0 * 2.0, 0.0])


def test_a_maximized_value_is_climbed():
    def gain(params):
        result = bowl(params)
        gradient = result.user_attrs["hypergradient"]
        return Evaluation(-result.value, {"hypergradient": {k: -v for k, v in gradient.items()}})

    study = Study(SPACE, HypergradientDescent(SPACE, start={"alpha": 100.0, "beta": 0.5, "layers": 1}),
                  direction="maximize")
    study.run(gain, 60)
    assert study.best_trial.value > -0.01


def test_a_manual_trial_with_a_gradient_moves_the_descent_there():
    study = Study(SPACE, HypergradientDescent(SPACE, start={"alpha": 100.0, "beta": 0.5, "layers": 1}))
    study.run(bowl, 3)
    jump = {"alpha": 0.01, "beta": 1.0, "layers": 1}
    study.add_manual(jump, bowl(jump).value, user_attrs=bowl(jump).user_attrs)
    nxt = study.ask().params
    # One fresh step up from the jump: at most step_size of the log range, not the old momentum.
    assert 0.01 < nxt["alpha"] <= 0.01 * np.exp(0.1 * math.log(1e6)) * (1 + 1e-9)


def test_trials_without_a_gradient_are_ignored_with_one_warning():
    study = Study(SPACE, HypergradientDescent(SPACE, seed=4))
    with pytest.warns(RuntimeWarning, match="without a 'hypergradient' attribute") as caught:
        study.run(lambda params: 1.0, 5)
    assert len(caught) == 1 and len({tuple(t.x) for t in study.trials}) == 1


def test_a_resumed_study_proposes_the_same_next_step(tmp_path):
    path = tmp_path / "hgd.jsonl"
    study = Study(SPACE, HypergradientDescent(SPACE, step_size=0.1, start={"alpha": 5.0, "beta": 1.0, "layers": 2}),
                  storage=path)
    study.run(bowl, 6)
    expected = study.optimizer.ask().x
    np.testing.assert_array_equal(Study.load(path).optimizer.ask().x, expected)


def test_one_step_at_a_time_even_with_parallel_workers():
    optimizer = HypergradientDescent(SPACE, start={"alpha": 5.0, "beta": 1.0, "layers": 2})
    assert not optimizer.waiting
    optimizer.ask()
    assert optimizer.waiting  # a parallel runner asks no more until this step's result is in


def test_an_ask_while_a_step_is_out_names_the_trial_to_tell_first():
    # It handed out the same point again: two trials of one step, and no step from either.
    study = Study(SPACE, HypergradientDescent(SPACE, start={"alpha": 5.0, "beta": 1.0, "layers": 2}), seed=0)
    first = study.ask()
    waits = r"^HypergradientDescent is waiting: each step starts from the result of the one before"
    with pytest.raises(TrialStateError, match=waits + r".* 1 is still running \(trial 0\)\. Tell its result first"):
        study.ask()
    with pytest.raises(TrialStateError, match=waits):
        study.ask_batch(2)
    with pytest.raises(TrialStateError, match=waits + r".* 1 is still running\. Tell"):  # no study: no numbers
        study.optimizer.ask()
    study.enqueue({"alpha": 2.0, "beta": 1.0, "layers": 2})
    assert [t.source for t in study.ask_batch(3)] == ["enqueued"]  # the queue's trial, nothing of the descent's
    result = bowl(first.params)
    study.tell(first, result.value, user_attrs=result.user_attrs)
    assert study.ask().user_attrs["descent_step"] == 1


def test_a_batch_is_the_one_step_a_descent_can_take_before_its_result():
    study = Study(SPACE, HypergradientDescent(SPACE, start={"alpha": 5.0, "beta": 1.0, "layers": 2}), seed=0)
    study.run(bowl, n_trials=3)
    assert len(study.ask_batch(4)) == 1  # were four copies of one point


def test_a_maximization_steps_as_the_minimization_of_its_negation():
    space = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])

    def gain(params):  # maximize 1 - (ln alpha - 1)^2: the value is 0 at the start and at ln alpha = 0
        t = math.log(params["alpha"]) - 1
        return Evaluation(1 - t * t, {"hypergradient": {"alpha": -2 * t}})

    def negated(params):
        result = gain(params)
        return Evaluation(-result.value, {"hypergradient": {"alpha": -result.user_attrs["hypergradient"]["alpha"]}})

    paths = []
    for objective, direction in ((gain, "maximize"), (negated, "minimize")):
        study = Study(space, HypergradientDescent(space, start={"alpha": math.e ** 2}), direction=direction)
        study.run(objective, 12)
        paths.append([t.params["alpha"] for t in study.trials])
    assert paths[0] == paths[1] and paths[0][1] < paths[0][0]  # its first step climbs, from a value of 0


@pytest.mark.parametrize("offset", [0.0, 5.0])
def test_the_first_step_of_a_maximization_climbs_whatever_the_value(offset, tmp_path):
    """The study tells the descent the gradient of the loss (learnt.gradient_as_loss). It guessed
    the direction from the value and the loss, and took a value of 0 for a minimization: started
    where the value is exactly 0, a maximization stepped down (review a380: ln alpha 1.0 -> 0.309)."""
    space = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])

    def gain(params):  # the value grows with ln(alpha): d value / d ln(alpha) = 1
        return Evaluation(math.log(params["alpha"]) - 1 + offset, {"hypergradient": {"alpha": 1.0}})

    path = tmp_path / "climb.jsonl"
    study = Study(space, HypergradientDescent(space, step_size=0.05, start={"alpha": math.e}), direction="maximize",
                  storage=path)
    study.run(gain, 3)
    steps = [math.log(t.params["alpha"]) for t in study.trials]
    np.testing.assert_allclose(steps, [1.0, 1.0 + 0.05 * math.log(1e6), 1.0 + 0.1 * math.log(1e6)])
    assert study.trials[0].user_attrs["hypergradient"] == {"alpha": 1.0}  # the trial keeps the objective's
    assert Study.load(path, read_only=True).optimizer.ask().x == pytest.approx(study.optimizer.ask().x)


def test_a_trial_another_process_runs_for_someone_else_does_not_hold_up_the_descent(tmp_path):
    """Only a step of the descent's own is waited for: a queued trial another process took and
    still runs made a third process's ask refuse ("1 is still running"), while the process that
    queued it asked on."""
    space = SearchSpace([Float("a", 1e-3, 10.0, log=True)])
    path = tmp_path / "descent.jsonl"
    study = Study(space, "hypergradient", seed=0, storage=path)
    study.tell(study.ask(), 1.0, user_attrs={"hypergradient": {"a": 0.5}})
    study.enqueue({"a": 2.0})
    other = Study.load(path)  # another process: it evaluates the queued trial, still running
    assert other.ask().source == "enqueued"
    third = Study.load(path)
    assert not third.optimizer.waiting and third.ask().user_attrs["descent_step"] == 1
    with pytest.raises(TrialStateError, match=r"1 is still running \(trial 2\)"):  # its own step: waited for
        third.ask()
