"""Our optimizers as an Optuna sampler: it runs, stays in bounds, is seeded and uses the data.

Whether it beats random search is a benchmark's question, not a test's."""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

from interactive_hpo import InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.interop import IHPOSampler  # noqa: E402
from interactive_hpo.interop.optuna_space import parameter_of  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)

#: A GP that proposes quickly.
FAST = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64}


def branin(trial):
    x = trial.suggest_float("x", -5.0, 10.0)
    y = trial.suggest_float("y", 0.0, 15.0)
    return (y - 5.1 / (4 * math.pi**2) * x**2 + 5 / math.pi * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) \
        + 10


def run(sampler, objective=branin, n_trials=10, **study):
    created = optuna.create_study(sampler=sampler, **study)
    created.optimize(objective, n_trials=n_trials)
    return created


@pytest.fixture(scope="module")
def bo_runs():
    pytest.importorskip("botorch")
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [run(IHPOSampler("bo", seed=0, **FAST)) for _ in range(2)]
    finally:
        torch.set_num_threads(before)


def test_the_gp_proposes_in_bounds_and_the_same_trials_for_a_seed(bo_runs):
    first, second = bo_runs
    params = [t.params for t in first.trials]
    assert params == [t.params for t in second.trials]
    assert all(-5 <= p["x"] <= 10 and 0 <= p["y"] <= 15 for p in params)
    assert all(t.state.name == "COMPLETE" for t in first.trials)


def test_the_gp_uses_the_data(bo_runs):
    study = bo_runs[0]
    phases = {number: info["phase"] for number, info in study.sampler.proposals.items()}
    # Trial 0 is drawn at random (nothing finished yet); it counts towards the 4 initial points.
    assert phases == {1: "initial", 2: "initial", 3: "initial", **{n: "bo" for n in range(4, 10)}}
    assert all(study.sampler.proposals[n]["gp_data"] == n for n in range(4, 10))  # fitted on every trial before
    randomly = run(optuna.samplers.RandomSampler(seed=0))
    assert [t.params for t in study.trials[4:]] != [t.params for t in randomly.trials[4:]]
    assert [t.params for t in study.trials[:1]] == [t.params for t in randomly.trials[:1]]  # the same random start


def test_maximizing_is_minimizing_the_negated_value():
    pytest.importorskip("botorch")
    study = run(IHPOSampler("bo", seed=1, **FAST), lambda t: -((t.suggest_float("x", -2.0, 2.0) - 1.0) ** 2),
                n_trials=9, direction="maximize")
    assert abs(study.best_params["x"] - 1.0) < 0.2  # a GP that read the sign backwards would run away from 1


def test_a_mixed_space_with_conditional_parameters_and_pending_trials():
    def objective(trial):
        kind = trial.suggest_categorical("kind", ["a", "b"])
        n = trial.suggest_int("n", 1, 64, log=True)
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        if kind == "b":  # a conditional parameter: outside the intersection, drawn at random
            lr *= trial.suggest_float("scale", 0.5, 2.0)
        trial.suggest_float("fixed", 3.0, 3.0)  # one value: nothing to propose
        return n * lr

    sampler = IHPOSampler("sobol", seed=0)
    study = run(sampler, objective, n_trials=8)
    for trial in study.trials:
        assert isinstance(trial.params["n"], int) and 1 <= trial.params["n"] <= 64
        assert 1e-4 <= trial.params["lr"] <= 1.0 and trial.params["kind"] in ("a", "b")
    assert set(sampler.proposals) == set(range(1, 8))
    # Two trials asked before either is told: the second is the next point, not the first again.
    pending = [study.ask() for _ in range(2)]
    for trial in pending:
        objective(trial)
    assert pending[0].params["lr"] != pending[1].params["lr"]


def test_several_objectives_need_an_optimizer_that_serves_them():
    def two(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        return x, 1 - x

    study = run(IHPOSampler("random", seed=0), two, n_trials=4, directions=["minimize", "maximize"])
    assert len(study.trials) == 4
    calls = []

    def counted(trial):
        calls.append(trial.number)
        return two(trial)

    with pytest.raises(InvalidParameterError, match="an optimizer that serves several objectives"):
        run(IHPOSampler("de", seed=0), counted, n_trials=3, directions=["minimize", "maximize"])
    assert calls == []  # refused before the first trial, not after it ran for nothing


def test_settings_are_checked_where_they_are_typed():
    with pytest.raises(InvalidParameterError, match="`optimizer` of IHPOSampler must be one of"):
        IHPOSampler("gp")
    with pytest.raises(InvalidParameterError, match="not a setting of RandomSearch"):
        IHPOSampler("random", n_initial=3)
    # seed is IHPOSampler's own argument: listed among the settings, it was then refused there.
    with pytest.raises(InvalidParameterError, match=r"keywords among \['scramble'\]; got 'n'"):
        IHPOSampler("sobol", n=3)
    assert repr(IHPOSampler("sobol", seed=3)) == "IHPOSampler('sobol', seed=3)"


def test_a_finite_space_used_up_falls_back_to_random_sampling():
    pytest.importorskip("botorch")
    study = run(IHPOSampler("bo", seed=0, **FAST), lambda t: float(t.suggest_int("k", 0, 2)), n_trials=5)
    values = [t.params["k"] for t in study.trials]
    assert sorted(set(values)) == [0, 1, 2] and len(values) == 5
    assert np.isfinite([t.value for t in study.trials]).all()


def test_a_trial_with_an_infinite_constraint_counts_as_failed():
    pytest.importorskip("botorch")
    from optuna.distributions import FloatDistribution

    study = optuna.create_study(sampler=IHPOSampler("bo", seed=0, **{**FAST, "n_initial": 2}))
    for x, constraint in [(0.1, -0.4), (0.4, math.inf), (0.6, 0.1), (0.9, 0.4)]:  # Optuna accepts inf
        study.add_trial(optuna.trial.create_trial(params={"x": x}, distributions={"x": FloatDistribution(0, 1)},
                                                  value=x, constraints={"0": constraint}))
    trial = study.ask({"x": FloatDistribution(0, 1)})  # the constraint's GP would see NaN after standardizing
    info = study.sampler.proposals[trial.number]
    assert info["phase"] == "bo" and info["constraint_gp_data"] == 3 and 0 <= trial.params["x"] <= 1


@pytest.mark.parametrize("scheduler", ["asha", "halving", "hyperband"])
def test_a_multi_fidelity_scheduler_is_refused_where_it_is_typed(scheduler):
    # Its promotions are the same configuration at a larger budget; Optuna's trials have no budget,
    # so they were evaluated again as duplicates (8 of 30 ASHA trials on one parameter).
    with pytest.raises(InvalidParameterError, match=f"not a multi-fidelity scheduler\\); got '{scheduler}'.*pruner"):
        IHPOSampler(scheduler)


def test_hypergradient_descends_along_the_gradient_the_objective_stores():
    def objective(trial):
        u = math.log(trial.suggest_float("alpha", 1e-3, 1e3, log=True)) - 1
        trial.set_user_attr("hypergradient", {"alpha": 2 * u})
        return u * u

    study = run(IHPOSampler("hypergradient", seed=0, step_size=0.02), objective, n_trials=12)
    steps = [study.sampler.proposals[n]["descent_step"] for n in range(1, 12)]
    assert steps == list(range(1, 12))  # it stood at its start (descent_step 0) for want of a gradient
    assert study.best_value < 0.01 * study.trials[0].value  # trial 0 is random; the descent goes on from it


def test_a_descent_with_its_step_running_hands_that_step_out_again():
    # With n_jobs > 1 the step's trial is still running when Optuna samples the next: the descent
    # cannot step before that result, so the other worker evaluates the step again, as before the
    # waiting rule (a random point from Optuna, told to the descent, moved the descent there).
    study = run(IHPOSampler("hypergradient", seed=0), lambda t: t.suggest_float("alpha", 1e-3, 1e3, log=True),
                n_trials=2)
    stepping, other = study.ask(), study.ask()
    alphas = [trial.suggest_float("alpha", 1e-3, 1e3, log=True) for trial in (stepping, other)]
    assert alphas[0] == alphas[1] and sorted(study.sampler.proposals) == [1, 2, 3]


def test_a_descent_with_two_workers_keeps_descending():
    """Two Optuna workers on one descent: with Optuna's random points in the waits, 0 or 1 of 30
    trials were the descent's and the best stayed at 1-3 (one worker: 0.0)."""
    def objective(trial):
        a, b = (trial.suggest_float(name, 1e-3, 1e3, log=True) for name in ("alpha", "beta"))
        u, v = math.log(a) - 1, math.log(b) + 2
        trial.set_user_attr("hypergradient", {"alpha": 2 * u, "beta": 2 * v})
        time.sleep(0.02)  # long enough that the two workers' trials overlap, as real trainings do
        return u * u + v * v

    study = optuna.create_study(sampler=IHPOSampler("hypergradient", seed=0, step_size=0.05))
    study.optimize(objective, n_trials=20, n_jobs=2)
    assert len(study.sampler.proposals) >= 15  # all but the first trial or two, whatever the threads' order


@pytest.mark.parametrize("suggest", [lambda t: t.suggest_int("n", 0, 2**60),
                                     lambda t: t.suggest_int("n", 1, 10**15, log=True)])
def test_a_range_our_parameters_cannot_hold_is_sampled_by_optuna(suggest):
    # An Int beyond 2**53 (or a log Int beyond 10**13) counted as one we hold exactly: the second
    # trial raised our Int's refusal from inside Optuna's ask, ending the user's optimize.
    def objective(trial):
        return float(suggest(trial) % 7) + trial.suggest_float("x", 0.0, 1.0)

    study = run(IHPOSampler("sobol", seed=0), objective, n_trials=4)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 4
    assert sorted(study.sampler.proposals) == [1, 2, 3]  # "x" is still ours


def test_a_running_proposal_outlives_a_parameter_that_turns_out_conditional():
    # Trial 1 was proposed (x, y) and still runs when trial 2 finishes without y: the relative space
    # shrinks to (x), and rebuilding the optimizer read trial 1 as params {x, y} over a space of x
    # alone (InvalidParameterError "Unknown parameter(s): y" from inside Optuna's ask).
    study = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    first = study.ask()
    first.suggest_float("x", 0.0, 1.0), first.suggest_float("y", 0.0, 1.0)
    study.tell(first, 1.0)
    running = study.ask()
    running.suggest_float("x", 0.0, 1.0), running.suggest_float("y", 0.0, 1.0)
    without_y = study.ask()
    without_y.suggest_float("x", 0.0, 1.0)
    study.tell(without_y, 0.5)
    after = study.ask()
    x = after.suggest_float("x", 0.0, 1.0)
    assert after.number in study.sampler.proposals and x not in (running.params["x"], without_y.params["x"])


def test_one_sampler_serves_two_studies_as_two_samplers_would():
    # Its record of proposals and Optuna's IntersectionSearchSpace were kept per sampler, not per
    # study: the second study's trials were read as the first's proposals (Sobol skipped points) and
    # its relative space was the first study's, cached.
    def objective(trial):
        return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0)

    def other(trial):
        return trial.suggest_float("z", 0.0, 1.0)

    shared = IHPOSampler("sobol", seed=0)
    run(shared, objective, n_trials=6)
    second = run(shared, objective, n_trials=6)
    fresh = run(IHPOSampler("sobol", seed=0), objective, n_trials=6)
    assert [t.params for t in second.trials[1:]] == [t.params for t in fresh.trials[1:]]
    third = run(shared, other, n_trials=4)
    assert sorted(third.sampler.proposals) == [1, 2, 3]  # "z" is proposed, not left to random sampling


def test_a_trial_enqueued_with_some_params_is_not_the_optimizers_point():
    def objective(trial):
        return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0)

    study = run(IHPOSampler("sobol", seed=0), objective, n_trials=3)
    study.enqueue_trial({"x": 0.123})  # y comes from the proposal, x does not
    study.optimize(objective, n_trials=2)
    proposed = study.sampler.proposals
    assert study.trials[3].params["x"] == 0.123
    # Sobol point 2 was not evaluated (x was fixed): it is proposed again, not counted as done.
    assert proposed[3]["sobol_index"] == proposed[4]["sobol_index"] == 2


def test_a_trial_enqueued_outside_its_range_is_left_out_and_the_study_goes_on():
    """Optuna runs an enqueued value outside the range its trial suggests (with a warning). Before,
    the sampler turned it into a trial of our space, which refused it: every later trial failed."""
    def objective(trial):
        return trial.suggest_float("x", 0.0, 1.0)

    study = optuna.create_study(sampler=IHPOSampler("sobol", seed=0))
    study.enqueue_trial({"x": 0.5})
    study.enqueue_trial({"x": 5.0})
    with pytest.warns(UserWarning, match="out of range"):
        study.optimize(objective, n_trials=4)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 4
    assert sorted(study.sampler.proposals) == [2, 3] and all(0 <= t.params["x"] <= 1 for t in study.trials[2:])


def test_constraints_named_otherwise_in_some_trials_are_refused_as_optunas_gp_refuses_them():
    """Before: {"memory": ...} and {"time": ...} were told to the optimizer as one constraint, and a
    trial adding a constraint ({"memory", "time"}) shifted the others' places, silently."""
    def added(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_constraint("memory", x - 0.5)
        if trial.number >= 2:
            trial.set_constraint("time", 0.3 - x)
        return x

    with pytest.raises(InvalidParameterError, match=re.escape(
            "Optuna trial 0 has the constraints ['memory'], trial 2 ['memory', 'time']")):
        run(IHPOSampler("random", seed=0), added, n_trials=4)


def test_constraints_func_is_refused_saying_how_constraints_reach_the_sampler():
    """Before: "'constraints_func' is not a setting of GaussianProcessBO", for the keyword Optuna's
    GPSampler, TPESampler and NSGAIISampler take."""
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`constraints_func` of IHPOSampler must be left out (Optuna 5 deprecates it); got <function") + ".*"
            + re.escape("Measure the constraints in the objective with trial.set_constraint(name, value)")):
        IHPOSampler("bo", constraints_func=lambda frozen: [0.0])


@pytest.mark.parametrize("optimizer, settings", [("sobol", {}), ("bo", FAST)])
def test_a_failed_trial_on_a_branch_without_a_parameter_is_told_and_not_proposed_again(optimizer, settings):
    # The relative space (read off the COMPLETE trials, all with k "b") holds d; trial 2 failed with
    # k "a", so without d: it was left out, the optimizer never told, and trial 3 was its point again.
    if optimizer == "bo":
        pytest.importorskip("botorch")

    def objective(trial):
        k = trial.suggest_categorical("k", ["a", "b"])
        x = trial.suggest_float("x", 1e-3, 1.0, log=True)
        if k == "b":
            trial.suggest_int("d", 1, 3)
        if trial.number == 2:
            raise ValueError("boom")
        return x

    study = optuna.create_study(sampler=IHPOSampler(optimizer, seed=0, **settings))
    study.optimize(objective, n_trials=4, catch=(ValueError,))
    failed, after = study.trials[2], study.trials[3]
    assert failed.state.name == "FAIL" and "d" not in failed.params  # the case: d inactive where it failed
    assert all("d" in t.params for t in study.trials[:2])
    assert after.params != failed.params
    proposals = study.sampler.proposals
    key = "sobol_index" if optimizer == "sobol" else "sobol_position"
    assert (proposals[2][key], proposals[3][key]) == (1, 2)


def test_a_pruned_trial_is_fitted_at_its_last_report_and_not_proposed_again():
    """A trial Optuna's pruner stopped reached the GP with no loss: its point was the GP's best
    again, and the same lr was pruned trial after trial (4 repeats in 14, audit a363)."""
    pytest.importorskip("botorch")

    def curve(trial):
        lr = trial.suggest_float("lr", 0.0, 1.0)
        for epoch in range(5):
            loss = (lr - 0.3) ** 2 + 1 / (epoch + 1)
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned
        return loss

    sampler = IHPOSampler("bo", seed=0, **FAST)
    study = run(sampler, curve, n_trials=14, pruner=optuna.pruners.MedianPruner(n_startup_trials=3))
    pruned = [t for t in study.trials if t.state.name == "PRUNED"]
    assert pruned
    lrs = [t.params["lr"] for t in study.trials]
    assert len(set(lrs)) == len(lrs)
    search_space = sampler.infer_relative_search_space(study, study.trials[-1])
    space = SearchSpace([parameter_of(name, d, owner="test") for name, d in search_space.items()])
    optimizer = sampler._rebuilt(space, search_space, sampler._goals(study), study, len(study.trials))
    fitted = {float(space.from_unit(x)["lr"]): loss for x, loss in optimizer._data}  # what the GP is fitted on
    for t in pruned:
        assert fitted[t.params["lr"]] == pytest.approx(t.intermediate_values[max(t.intermediate_values)])


def test_a_pruned_trial_is_told_as_a_study_tells_it_last_finite_report_or_a_failure():
    """A NaN last report left the trial with no loss (a study ranks it by its last finite one), and
    a trial pruned before any report was only taken (a study fits it as a failure; audit a369)."""
    pytest.importorskip("botorch")

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number == 4:
            raise optuna.TrialPruned  # refused before any report
        if trial.number == 5:
            trial.report(0.5 + x, 0)
            trial.report(float("nan"), 1)
            raise optuna.TrialPruned
        return x

    sampler = IHPOSampler("bo", seed=0, **FAST)
    study = run(sampler, objective, n_trials=7)
    search_space = sampler.infer_relative_search_space(study, study.trials[-1])
    space = SearchSpace([parameter_of(name, d, owner="test") for name, d in search_space.items()])
    optimizer = sampler._rebuilt(space, search_space, sampler._goals(study), study, len(study.trials))
    refused, nan_last = study.trials[4], study.trials[5]
    fitted = {float(space.from_unit(x)["x"]): loss for x, loss in optimizer._data}
    assert fitted[nan_last.params["x"]] == pytest.approx(0.5 + nan_last.params["x"])
    assert [params for _, params in optimizer._failed] == [refused.params]
