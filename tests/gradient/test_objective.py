"""BilevelObjective in a study, many hyperparameters, and online learning-rate adaptation."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from interactive_hpo import HypergradientDescent, Study  # noqa: E402
from interactive_hpo.gradient import (  # noqa: E402
    BilevelObjective,
    MLPProblem,
    RidgeProblem,
    exact_ridge,
    online_learning_rate,
)


def test_the_objective_reports_the_hypergradient_and_the_held_out_loss():
    problem = RidgeProblem()
    result = BilevelObjective(problem)({"alpha": 0.5})
    exact = exact_ridge(problem, [np.log(0.5)])
    assert result.value == pytest.approx(exact.value)
    assert result.user_attrs["hypergradient"]["alpha"] == pytest.approx(exact.gradient[0], rel=1e-6)
    assert result.user_attrs["test_loss"] == pytest.approx(float(problem.outer_loss(exact.weights, "test")))
    assert result.user_attrs["method"] == "implicit-cg"


def test_warm_starts_by_default_only_where_the_start_does_not_change_the_answer():
    assert BilevelObjective(RidgeProblem()).warm_start
    assert not BilevelObjective(MLPProblem(), "forward").warm_start
    assert BilevelObjective(MLPProblem()).method == "reverse"


def test_per_feature_penalties_beat_the_best_shared_one_on_validation():
    """65 hyperparameters, where a black-box search cannot follow: 40 descent steps already
    take the validation loss below the best single penalty on a fine grid."""
    shared = RidgeProblem(features="quadratic")
    best_shared = min(exact_ridge(shared, [t]).value for t in np.linspace(np.log(1e-4), np.log(10), 80))
    problem = RidgeProblem(per_feature=True, features="quadratic")
    start = dict.fromkeys(problem.names, 1.0)
    study = Study(problem.space, HypergradientDescent(problem.space, step_size=0.1, start=start))
    study.run(BilevelObjective(problem, "exact"), 40)
    assert study.best_trial.value < best_shared - 0.05
    assert all("test_loss" in t.user_attrs for t in study.trials)


def test_online_adaptation_raises_a_small_learning_rate_and_trains_faster():
    problem = MLPProblem(hidden=16)
    fixed = online_learning_rate(problem, learning_rate=0.02, beta=0.0, steps=150, seed=1)
    adapted = online_learning_rate(problem, learning_rate=0.02, beta=0.05, steps=150, seed=1)
    np.testing.assert_array_equal(fixed.learning_rates, 0.02)
    assert adapted.learning_rates[-1] > 5 * 0.02
    assert adapted.val_losses[-1] < 0.7 * fixed.val_losses[-1]
    again = online_learning_rate(problem, learning_rate=0.02, beta=0.05, steps=150, seed=1)
    np.testing.assert_array_equal(again.val_losses, adapted.val_losses)
    np.testing.assert_array_equal(adapted.steps, np.arange(1, 151))


def test_a_diverging_online_run_stops_with_a_warning_and_its_plot_draws():
    import matplotlib.pyplot as plt

    from interactive_hpo.plots import plot_online_learning_rate

    # Its loss was NaN from step 14 (6e277 at step 13); it stops once its validation loss is a
    # million times the untrained model's (1.14), at step 6.
    with pytest.warns(RuntimeWarning, match=r"diverged at step 6 of 20 .*learning_rate=1.0.*: its validation loss, "
                                            r"6.66e\+10, rose over 1e\+06 times the size of the untrained "
                                            r"model's \(1.14\), so the run stops with 5 steps"):
        run = online_learning_rate(RidgeProblem(), learning_rate=1.0, steps=20)
    assert len(run.steps) == len(run.train_losses) == len(run.val_losses) == 5
    assert np.isfinite(run.train_losses).all() and np.isfinite(run.val_losses).all()
    # Compared with the full-length run it diverged from: drawn over their 5 common steps (review
    # r186 L5: a bare length error), as is a diverged baseline beside a full run.
    fixed = online_learning_rate(RidgeProblem(), learning_rate=0.01, beta=0.0, steps=20)
    axes = plot_online_learning_rate(run.steps, run.learning_rates, run.val_losses,
                                     baselines={"fixed rate 0.01": fixed.val_losses})
    np.asarray(axes).flat[0].figure.savefig(io.BytesIO())
    np.testing.assert_array_equal(axes.lines[1].get_ydata(), fixed.val_losses[:5])
    assert axes.lines[1].get_label() == "fixed rate 0.01 (its first 5 of 20 steps)"
    ax = plot_online_learning_rate(fixed.steps, fixed.learning_rates, fixed.val_losses,
                                   baselines={"rate 1.0": run.val_losses})
    assert ax.lines[1].get_label() == "rate 1.0 (ends after 5 steps)" and len(ax.lines[1].get_xdata()) == 5
    plt.close(axes.figure)
    plt.close(ax.figure)


def test_a_fixed_rate_that_diverges_without_overflowing_stops_and_warns_too():
    """Audit a370 #3: with beta=0 the loss never became NaN in 40 steps: it climbed to 5e44
    unwarned, and a plot's axis with it."""
    with pytest.warns(RuntimeWarning, match=r"diverged at step 6 of 40 .*beta=0.0\): its validation loss, 1.16e\+06, "
                                            r"rose over 1e\+06 times"):
        run = online_learning_rate(RidgeProblem(), learning_rate=1.0, beta=0.0, steps=40, seed=0)
    assert len(run.val_losses) == 5 and run.val_losses.max() < 1e6 * 1.14
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a run that trains is left alone
        assert len(online_learning_rate(RidgeProblem(), learning_rate=0.3, beta=0.05, steps=40, seed=0).steps) == 40


def test_mode_costs_memory_grows_for_reverse_mode_only():
    from interactive_hpo.gradient.experiments import mode_costs

    costs = mode_costs(MLPProblem(hidden=4), np.log([1e-3, 0.5]), horizons=(2, 4, 8))
    assert list(costs.horizons) == [2, 4, 8] and set(costs.seconds) == {"reverse", "forward"}
    assert np.all(np.diff(costs.stored_bytes["reverse"]) > 0)
    assert np.all(costs.stored_bytes["forward"] == costs.stored_bytes["forward"][0])


def test_implicit_errors_start_at_one_and_reach_the_exact_answer():
    from interactive_hpo.gradient.experiments import implicit_errors

    # At lambda = 1 the Neumann series converges at 0.93 a term (0.993 at 0.1): 100 terms, not 1000.
    errors = implicit_errors(RidgeProblem(), [np.log(1.0)], iterations=(0, 10, 100))
    assert errors["cg"][0] == pytest.approx(1.0) and errors["cg"][1] < 1e-8  # exact after p = 10 steps
    # Neumann converges at the rate 1 - alpha * (smallest curvature): slowly, and not always
    # monotonically in one hypergradient (eigen-components of the error decay at different rates).
    assert errors["neumann"][-1] < 1e-3 * errors["neumann"][0]


def test_neumann_rate_is_the_pace_of_the_series_and_says_when_it_diverges():
    from interactive_hpo.gradient.experiments import NeumannRate, implicit_errors, neumann_rate

    ridge = RidgeProblem()
    theta = [np.log(1e-3)]
    rate = neumann_rate(ridge, theta)
    A, _ = ridge.normal_equations(torch.as_tensor(theta, dtype=torch.float64))
    np.testing.assert_allclose(rate.curvatures, torch.linalg.eigvalsh(A).numpy(), rtol=1e-10)
    assert rate.alpha * rate.curvatures[-1] < 1 and rate.radius == pytest.approx(1 - rate.alpha * rate.curvatures[0])
    assert rate.converges and rate.terms(10.0) == pytest.approx(np.log(10) / -np.log(rate.radius))
    # Late in the series the slowest component is all that is left: 200 more terms shrink the
    # error by radius ** 200 (slightly more while faster components are still fading).
    errors = implicit_errors(ridge, theta, iterations=(200, 400), solvers=("neumann",))["neumann"]
    assert 0.95 * rate.radius ** 200 < errors[1] / errors[0] <= rate.radius ** 200
    too_long = NeumannRate(alpha=1.0, curvatures=np.array([0.5, 2.5]), radius=1.5)  # alpha c = 2.5 > 2
    assert not too_long.converges and too_long.terms() == np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # log(0) let numpy's divide warning through
        assert NeumannRate(0.5, np.array([2.0, 2.0]), 0.0).terms() == 0.0


def test_compare_with_black_box_gives_both_the_same_time():
    from interactive_hpo.gradient.experiments import compare_with_black_box

    comparison = compare_with_black_box(RidgeProblem(per_feature=True), steps=4, optimizer="random", method="exact")
    summary = comparison.summary()
    assert summary["hypergradient descent"]["trials"] == 4 and summary["black box"]["trials"] >= 1
    assert comparison.black_box.trials[0].source == "random"
    assert set(summary["black box"]) == {"trials", "validation", "test"}


def test_compare_with_black_box_can_match_by_evaluations(capsys):
    from interactive_hpo.gradient.experiments import compare_with_black_box

    comparison = compare_with_black_box(RidgeProblem(per_feature=True), steps=5, optimizer="random", method="exact",
                                        match="evaluations", progress=True)
    assert capsys.readouterr().err.count("5/5 trials") == 2  # both studies' progress lines, as asked
    summary = comparison.summary()
    assert summary["hypergradient descent"]["trials"] == summary["black box"]["trials"] == 5
    assert comparison.seconds > 0 and comparison.black_box_seconds > 0
    again = compare_with_black_box(RidgeProblem(per_feature=True), steps=5, optimizer="random", method="exact",
                                   match="evaluations", progress=False)
    assert again.summary() == summary  # the same trials on any machine, whatever its load
    assert capsys.readouterr().err == ""  # progress=False: a loop of comparisons prints nothing


def test_a_loss_that_starts_below_zero_diverges_too():
    # Review r375: below zero the ceiling was infinite, and the run climbed to 5e44 unwarned.
    class Shifted(RidgeProblem):
        def outer_loss(self, w):
            return super().outer_loss(w) - 2.14  # untrained: about -1

    with pytest.warns(RuntimeWarning, match=r"diverged at step \d+ of 40 .*rose over 1e\+06 times the size"):
        run = online_learning_rate(Shifted(), learning_rate=1.0, beta=0.0, steps=40)
    assert len(run.steps) < 40


@pytest.mark.parametrize("bound", ["low", "high"])
def test_params_at_a_bound_go_back_into_the_objective(bound):
    """``exp(ln 10)`` is 10.000000000000002: params(theta) at the upper bound was refused by the
    space it came from (h464: InvalidParameterError on alpha)."""
    problem = RidgeProblem()
    value = getattr(problem, bound)[0]
    params = problem.params(np.log(getattr(problem, bound)))
    assert problem.low[0] <= params["alpha"] <= problem.high[0] and params["alpha"] == pytest.approx(value, rel=1e-12)
    result = BilevelObjective(problem)(params)
    assert result.value == pytest.approx(exact_ridge(problem, np.log([value])).value)
