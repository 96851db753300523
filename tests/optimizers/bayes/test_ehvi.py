"""Multi-objective BO by qLogNEHVI (issue 27, item 3)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.objectives import ZDT2
from interactive_hpo.optimizers.bayes.ehvi import EHVIBO
from interactive_hpo.pareto import hypervolume, pareto_mask, reference_point
from interactive_hpo.testing import check_journal_round_trip_gives_the_same_next_ask
from interactive_hpo.trial import Evaluation

FAST = {"n_initial": 6, "mc_samples": 16, "num_restarts": 1, "raw_samples": 32}
# ZDT2 front volume (reference 1.1) of "ehvi" minus random search's, seeds 0-7: at 12 trials
# 0.25, 0.35, 0.43, 0.44, 0.23, 0.39, 0.38, 0.41 (at 16: 0.38, 0.44, 0.48, 0.47, 0.31, 0.47, 0.42, 0.48).
# Every seed clears the 0.1 asserted by twice that or more: one seed is enough, and the test fails
# at seed 0 (0.11 against 0.08 + 0.1) when the GPs are told the losses as utilities.
N_TRIALS = 12
PROBLEM = ZDT2(dim=2)


def front_volume(study):
    return hypervolume(np.array([t.values for t in study.trials]), reference=[1.1, 1.1])


@pytest.fixture(scope="module")
def runs():
    """ "ehvi" and random search on ZDT2, seed 0: {seed: (ehvi study, random study)}."""
    out = {}
    for seed in (0,):
        ehvi = Study(PROBLEM.space, EHVIBO(PROBLEM.space, seed=seed, **FAST), directions=["minimize", "minimize"])
        ehvi.run(PROBLEM, n_trials=N_TRIALS, progress=False)
        random = Study(PROBLEM.space, "random", directions=["minimize", "minimize"], seed=seed)
        random.run(PROBLEM, n_trials=N_TRIALS, progress=False)
        out[seed] = ehvi, random
    return out


@pytest.fixture(scope="module")
def studies(runs):
    return runs[0]


def test_it_finds_a_larger_front_than_random_search_with_the_same_trials(runs):
    for ehvi, random in runs.values():
        assert front_volume(ehvi) > front_volume(random) + 0.1
        assert {t.user_attrs.get("acquisition") for t in ehvi.trials[FAST["n_initial"]:]} == {"qlognehvi"}


def test_the_reference_point_lies_a_tenth_of_the_range_beyond_the_worst_loss(studies):
    ehvi, _ = studies

    def expected(losses):
        worst = losses.max(axis=0) + 0.1 * (losses.max(axis=0) - losses.min(axis=0))
        return np.maximum(reference_point(losses), worst)

    losses = np.array([t.values for t in ehvi.trials])
    np.testing.assert_allclose(ehvi.optimizer.reference(), expected(losses))
    assert ehvi.trials[-1].user_attrs["hv_reference"] == pytest.approx(expected(losses[:-1]).tolist())
    assert np.all(ehvi.optimizer.reference() > losses.max(axis=0))  # the front's ends add volume


def test_the_local_searches_start_from_front_points_spread_along_it(studies):
    ehvi, _ = studies
    starts = ehvi.optimizer._start()
    losses = np.array([t.values for t in ehvi.trials])
    X = np.array([ehvi.space.to_unit(t.params) for t in ehvi.trials])
    front = X[pareto_mask(losses)]
    assert starts.shape == (min(5, len(front)), X.shape[1])
    assert all(np.any(np.all(np.isclose(front, start), axis=1)) for start in starts)
    order = np.argsort(losses[pareto_mask(losses), 0])  # both ends of a 2-objective front are among them
    for end in (front[order[0]], front[order[-1]]):
        assert np.any(np.all(np.isclose(starts, end), axis=1))


def test_a_replayed_optimizer_proposes_the_same_next_point(studies):
    ehvi, _ = studies
    replayed = EHVIBO(PROBLEM.space, **ehvi.optimizer.settings())
    for trial in ehvi.trials:
        replayed.tell(trial, np.array(trial.values))
    np.testing.assert_array_equal(replayed.ask().x, ehvi.optimizer.propose().x)


def test_the_view_is_one_objective_in_its_losses(studies):
    ehvi, _ = studies
    losses = np.array([t.values for t in ehvi.trials])
    for objective in (0, 1):
        view = ehvi.optimizer.surrogate(objective=objective)
        np.testing.assert_allclose(view.losses, losses[:, objective])
        prediction = view.predict(ehvi.trials[-1].x[None])
        assert abs(prediction.mean[0] - losses[-1, objective]) < 0.1 * np.ptp(losses[:, objective])
        assert prediction.acquisition_name == "qlognehvi"
    # A past step's optimizer is rebuilt by its registered name ("ehvi" is built in: registering
    # and then unregistering it here took it out of the registry for every later test).
    past = ehvi.surrogate(step=ehvi.trials[-1].number, objective=0)  # rebuilt from the record, no fit
    np.testing.assert_allclose(past.losses, losses[:-1, 0])


def test_journal_resume_and_one_objective():
    """Told one loss (the contract suite's studies), it is BO by qLogNEI; a journal resumes it exactly."""
    check_journal_round_trip_gives_the_same_next_ask(
        lambda space, seed: EHVIBO(space, seed=seed, n_initial=3, mc_samples=8, num_restarts=1, raw_samples=16),
        n_trials=5)


def test_one_objectives_log_nei_is_recorded_in_its_units_as_its_view_draws_it():
    """Told one loss it records qLogNEI, which its view (named "qlognei", as "bo"'s with a trial
    pending) draws in the objective's units: the proposal recorded it in the model's. The loss
    times 1024 (exact in binary: the GP sees the same numbers) shifts it by log(1024)."""
    space = SearchSpace([Float("x", 0.0, 1.0)])
    recorded = []
    for a in (1.0, 1024.0):
        optimizer = EHVIBO(space, seed=0, n_initial=3, mc_samples=8, num_restarts=1, raw_samples=16)
        study = Study(space, optimizer)
        study.run(lambda p, a=a: a * (p["x"] - 0.3) ** 2, n_trials=3, progress=False)
        view, proposal = optimizer.surrogate(), optimizer.propose()  # the belief behind the next ask
        info = study.ask().user_attrs
        assert info["acquisition"] == view.acquisition_name == "qlognei"
        assert view.predict(proposal.x).acquisition[0] == pytest.approx(info["acquisition_value"], abs=1e-6)
        recorded.append(info["acquisition_value"])
    assert recorded[1] - recorded[0] == pytest.approx(np.log(1024.0), abs=1e-9)


def test_constraints_join_the_model_as_outputs():
    space = SearchSpace([Float("x", 0.0, 1.0)])
    optimizer = EHVIBO(space, seed=0, n_initial=4, mc_samples=8, num_restarts=1, raw_samples=16)
    study = Study(space, optimizer, directions=["minimize", "minimize"])
    study.run(lambda p: Evaluation((p["x"], 1 - p["x"]), constraints=[p["x"] - 0.5]), n_trials=6, progress=False)
    last = study.trials[-1].user_attrs
    assert last["acquisition"] == "qlognehvi" and "constraint_gp_state" in last
    acquisition = optimizer._acquisition(optimizer._fitted(optimizer._stream(0)).model, seed=0)
    assert acquisition.model.num_outputs == 3 and len(acquisition.constraints) == 1


@pytest.mark.parametrize(("settings", "message"), [
    ({"mc_samples": 0}, "`mc_samples` of EHVIBO must be an int in [1, 4096]"),
    ({"kernel": "linear"}, "`kernel` of EHVIBO must be one of"),
])
def test_bad_settings_are_refused_with_the_rule(settings, message):
    with pytest.raises(InvalidParameterError, match=message.replace("[", r"\[").replace("]", r"\]")):
        EHVIBO(PROBLEM.space, **settings)


def test_bad_view_requests_are_refused():
    optimizer = EHVIBO(PROBLEM.space, seed=0)
    with pytest.raises(InvalidParameterError, match="`objective` of EHVIBO.surrogate"):
        optimizer.surrogate(objective=2)
    with pytest.raises(InvalidParameterError, match="`lengthscale_scale` of EHVIBO.propose"):
        optimizer.propose(lengthscale_scale=2.0)


def test_a_past_step_is_rebuilt_for_any_objective(studies):
    """``restored_view(info, proposal, objective=i)``, through ``Study.surrogate(step, objective=i)``:
    that step's GP of objective i on the trials finished before it, no refit."""
    ehvi, _ = studies
    step = ehvi.trials[-1].number
    losses = np.array([t.values for t in ehvi.trials])[:-1]
    X = np.array([t.x for t in ehvi.trials])[:-1]
    views = [ehvi.surrogate(step=step, objective=i) for i in (0, 1)]
    # By name too, as history() takes it; none is the default (it silently was objective 0's).
    assert ehvi.surrogate(step=step, objective="objective 1").losses.tolist() == views[1].losses.tolist()
    for which in ({"step": step}, {}):
        with pytest.raises(InvalidParameterError, match=r"`objective` of Study.surrogate must be an objective's name "
                                                        r"in \['objective 0', 'objective 1'\] or its index in \[0, 2\) "
                                                        r"for a study of 2 objectives; got None. Say which objective, "
                                                        r"e.g. surrogate\(objective='objective 0'\)"):
            ehvi.surrogate(**which)
    for objective, view in enumerate(views):
        np.testing.assert_allclose(view.losses, losses[:, objective])
        assert view.hyperparameters.fit_status == "restored" and view.acquisition_name == "qlognehvi"
        fitted = view.predict(X).mean  # the GP of that objective: close to its own losses, not the other's
        assert np.abs(fitted - losses[:, objective]).max() < 0.1 * np.ptp(losses[:, objective])
        np.testing.assert_allclose(view.proposal, ehvi.trials[step].x)
    # One log-EHVI for every objective: the same acquisition whichever objective's view shows it.
    grid = np.random.default_rng(0).random((5, 2))
    np.testing.assert_allclose(views[0].predict(grid).acquisition, views[1].predict(grid).acquisition)
    # Rebuilt directly on an optimizer told the same trials, as the study's replay does.
    optimizer = EHVIBO(PROBLEM.space, **ehvi.optimizer.settings())
    for trial in ehvi.trials[:-1]:
        optimizer.tell(trial, np.array(trial.values))
    direct = optimizer.restored_view(ehvi.trials[step].user_attrs, ehvi.trials[step].x, objective=1)
    np.testing.assert_allclose(direct.predict(grid).mean, views[1].predict(grid).mean)
    assert optimizer._restoring == 0  # the next view is objective 0's again


def test_bad_past_view_requests_are_refused(studies):
    ehvi, _ = studies
    step = ehvi.trials[-1].number
    with pytest.raises(InvalidParameterError, match=r"`objective` of Study.surrogate must be an objective's "
                                                    r"name in \['objective 0', 'objective 1'\] or its index in "
                                                    r"\[0, 2\); got 2"):
        ehvi.surrogate(step=step, objective=2)
    with pytest.raises(InvalidParameterError, match="`objective` of Study.surrogate"):
        ehvi.surrogate(step=step, objective=True)
    with pytest.raises(InvalidParameterError, match=r"`kernel` of Study.surrogate must be given without `step`"):
        ehvi.surrogate(step=step, kernel="rbf")
    space = SearchSpace([Float("x", 0.0, 1.0)])
    parego = Study(space, "parego", directions=["minimize", "minimize"], seed=0,
                   optimizer_settings={"n_initial": 3, "num_restarts": 1, "raw_samples": 16})
    parego.run(lambda p: (p["x"], 1 - p["x"]), n_trials=4, progress=False)
    assert parego.surrogate() is not None  # one model (the scalarization): nothing to choose
    with pytest.raises(InvalidParameterError, match="`objective` of Study.surrogate must be given only for a step "
                                                    "whose model takes it"):
        parego.surrogate(step=3, objective=1)


def test_a_views_acquisition_is_drawn_without_jitter_warnings(studies):
    """The Lab redraws log-EHVI over a grid at every step; linear_operator's "added jitter" warnings
    (seen on the breast-cancer task of notebook 13) are the baseline's, not the user's concern."""
    from linear_operator.utils.warnings import NumericalWarning

    from interactive_hpo.optimizers.bayes.acquisition import evaluate
    from interactive_hpo.optimizers.bayes.ehvi import _Quiet

    ehvi, _ = studies
    view = ehvi.optimizer.surrogate(objective=1)
    grid = np.random.default_rng(1).random((50, 2))
    assert isinstance(view._acquisition, _Quiet)
    np.testing.assert_allclose(view.predict(grid).acquisition, evaluate(view._acquisition.acquisition, grid))

    def jittery(X):
        warnings.warn("A not p.d., added jitter of 1.0e-08 to the diagonal", NumericalWarning, stacklevel=1)
        return X.sum(dim=(-1, -2))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert evaluate(_Quiet(jittery), grid).shape == (50,)
