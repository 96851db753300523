"""BO that sees constraints (issue 27, item 3): "bo" weighs log-EI by the probability of feasibility
as soon as the trials it is told carry constraint values."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from botorch.acquisition.analytic import LogConstrainedExpectedImprovement, LogProbabilityOfFeasibility
from botorch.models import ModelListGP

from interactive_hpo import Float, SearchSpace, Study, make_optimizer
from interactive_hpo.optimizers.bayes.constrained import ConstrainedLogEI
from interactive_hpo.optimizers.bayes.model import build_gp
from interactive_hpo.optimizers.bayes.outcomes import fit_models, restore_models
from interactive_hpo.trial import Evaluation

SPACE = SearchSpace([Float("x0", 0.0, 1.0), Float("x1", 0.0, 1.0)])
FAST = {"n_initial": 5, "num_restarts": 2, "raw_samples": 64}
N_TRIALS = 14


def loss(p):
    """Best at (0.8, 0.8), which breaks x0 + x1 <= 1; the best feasible point is (0.5, 0.5), loss 0.18."""
    return (p["x0"] - 0.8) ** 2 + (p["x1"] - 0.8) ** 2


def constrained(p):
    return Evaluation(loss(p), constraints=[p["x0"] + p["x1"] - 1.0])


def never_feasible(p):
    """In units a hundred times the loss's, with a constraint no point meets."""
    return Evaluation(100 * loss(p), constraints=[p["x0"] + p["x1"] + 0.1])


def best_feasible(study):
    return min(t.value for t in study.trials if t.params["x0"] + t.params["x1"] <= 1.0)


@pytest.fixture(scope="module")
def studies():
    seen = Study(SPACE, "bo", seed=0, optimizer_settings=FAST)
    seen.add_manual({"x0": 0.9, "x1": 0.9}, loss({"x0": 0.9, "x1": 0.9}))  # a trial without constraints
    seen.run(constrained, n_trials=N_TRIALS, progress=False)
    blind = Study(SPACE, "bo", seed=0, optimizer_settings=FAST)  # told the losses only
    blind.add_manual({"x0": 0.9, "x1": 0.9}, loss({"x0": 0.9, "x1": 0.9}))
    blind.run(loss, n_trials=N_TRIALS, progress=False)
    return seen, blind


def test_constrained_bo_proposes_feasible_points_and_beats_blind_bo_among_them(studies):
    seen, blind = studies
    late = seen.trials[-6:]
    assert sum(t.feasible for t in late) >= 5
    assert {t.user_attrs["acquisition"] for t in late} == {"logcei"}
    assert best_feasible(seen) < 0.2 < best_feasible(blind)


def test_the_view_answers_in_objective_units_and_shows_the_constrained_acquisition(studies):
    seen, _ = studies
    view = seen.surrogate()
    best = min((t for t in seen.trials if t.feasible and t.source == "bo"), key=lambda t: t.value)
    assert view.acquisition_name == "logcei"
    assert abs(view.predict(best.x[None]).mean[0] - best.value) < 0.05  # losses, not warped utilities
    proposal, infeasible = view.predict(np.array([seen.optimizer.propose().x, [0.8, 0.8]])).acquisition
    assert infeasible < proposal - 10  # (0.8, 0.8) is surely infeasible: its log probability is very low


def test_a_replayed_optimizer_proposes_the_same_next_point(studies):
    seen, _ = studies
    replayed = make_optimizer("bo", SPACE, **seen.optimizer.settings())
    for trial in seen.trials:
        replayed.tell(trial, trial.value)
    assert "constraint_gp_state" in seen.trials[-1].user_attrs
    np.testing.assert_array_equal(replayed.ask().x, seen.optimizer.ask().x)


def _models(feasible_best: bool):
    rng = np.random.default_rng(1)
    X = rng.random((9, 2))
    objective = fit_models(X, -np.sum((X - 0.8) ** 2, axis=1), [], "matern", "auto", None, 0, False).model
    constraint = restore_models(X, X.sum(axis=1) - 1.0, [], "matern",
                                fit_models(X, X.sum(axis=1) - 1.0, [], "matern", "auto", None, 0, False).state)
    model = ModelListGP(objective, constraint)
    best = float(np.max(-np.sum((X - 0.8) ** 2, axis=1)[X.sum(axis=1) <= 1])) if feasible_best else -np.inf
    return model, best


@pytest.mark.parametrize("feasible_best", [True, False])
def test_the_closed_form_agrees_with_botorch_values_and_gradients(feasible_best):
    model, best = _models(feasible_best)
    ours = ConstrainedLogEI(model, best)
    theirs = LogConstrainedExpectedImprovement(model, best_f=best, objective_index=0, constraints={1: (None, 0.0)}) \
        if feasible_best else LogProbabilityOfFeasibility(model, constraints={1: (None, 0.0)})
    points = np.random.default_rng(2).random((6, 2))
    X = torch.tensor(points[:, None, :], requires_grad=True)
    expected = theirs(X)
    (gradient,) = torch.autograd.grad(expected.sum(), X)
    values, ours_gradient = ours.value_and_gradient(points)
    np.testing.assert_allclose(values, expected.detach().numpy(), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours(torch.tensor(points[:, None, :])).numpy(), values, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours_gradient, gradient[:, 0].numpy(), rtol=1e-5, atol=1e-7)


def test_a_fitted_list_is_rebuilt_exactly_from_its_state():
    rng = np.random.default_rng(3)
    X, Y = rng.random((8, 2)), rng.random((8, 2))
    fit = fit_models(X, Y, [], "matern", "auto", None, 0, False)
    assert all(name.startswith(("models.0.", "models.1.")) for name in fit.state)
    again = restore_models(X, Y, [], "matern", fit.state)
    points = torch.tensor(rng.random((4, 2)))
    with torch.no_grad():
        np.testing.assert_array_equal(fit.model.posterior(points).mean.numpy(), again.posterior(points).mean.numpy())
    assert build_gp(X, Y[:, 0], [], "matern", "fixed") is not None


def test_before_any_feasible_trial_the_acquisition_is_log_p_feasible_whatever_the_units():
    """Log P(feasible), the acquisition before a trial is known feasible, was shifted by log(factor)
    as log-EI is (unwarped, the factor is the losses' spread: large here): a log probability, it
    has no units."""
    study = Study(SPACE, "bo", seed=0, optimizer_settings={**FAST, "n_initial": 3, "output_warp": "none"})
    study.run(never_feasible, n_trials=4, progress=False)
    view, proposal = study.surrogate(), study.optimizer.propose()
    X, C = np.array([t.x for t in study.trials]), np.array([t.constraints for t in study.trials])
    constraint = restore_models(X, C, [], study.optimizer.kernel, proposal.info["constraint_gp_state"])
    log_p_feasible = LogProbabilityOfFeasibility(constraint, constraints={0: (None, 0.0)})
    points = np.array([[0.05, 0.05], [0.5, 0.5], proposal.x])
    with torch.no_grad():
        expected = log_p_feasible(torch.tensor(points[:, None, :])).numpy()
    assert view.acquisition_name == proposal.info["acquisition"] == study.trials[-1].user_attrs["acquisition"] \
        == "logcei"
    np.testing.assert_allclose(view.predict(points).acquisition, expected, rtol=1e-6, atol=1e-8)
    assert proposal.info["acquisition_value"] == pytest.approx(expected[-1], rel=1e-6, abs=1e-8)
    assert study.trials[-1].user_attrs["acquisition_value"] <= 0  # a log probability, as recorded
