"""Population Based Training: exploit copies exactly, explore follows its rule, runs replay, PBT pays off."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, SearchSpace, StorageError
from interactive_hpo.objectives.incremental import mlp_digits_incremental, sgd_digits
from interactive_hpo.pbt.baselines import compare_with_fixed, train_fixed
from interactive_hpo.pbt.training import PBTResult, PopulationBasedTraining, explore, quantile_split

BAD_LR = {"eta0": 1e-5, "alpha": 1e-4}


@pytest.fixture(scope="module")
def task():
    return sgd_digits(seed=0)


class ToyTask:
    """A model that is a number walking towards 1 at speed lr (or 0 with the "stop" mode): milliseconds a run."""

    space = SearchSpace([Float("lr", 1e-3, 1.0, log=True), Int("width", 1, 10), Categorical("mode", ["go", "stop"])])
    direction = "maximize"
    name = "toy"

    def new_model(self, params, seed):
        return {"w": np.array([np.random.default_rng(seed).normal()])}

    def train(self, model, params, n_steps, *, seed=None):
        speed = 0.0 if params["mode"] == "stop" else params["lr"]
        for _ in range(n_steps):
            model["w"] = model["w"] + speed * (1.0 - model["w"]) + 0.01 * np.random.default_rng(seed).normal()
        return model

    def score(self, model):
        return float(-abs(1.0 - model["w"][0]))

    def copy(self, model):
        return {"w": model["w"].copy()}


# -- explore -----------------------------------------------------------------------------------
def test_explore_multiplies_numbers_by_one_of_the_factors():
    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Float("m", 0.0, 1.0)])
    rng = np.random.default_rng(0)
    ratios = {(round(new["lr"] / 0.01, 9), round(new["m"] / 0.5, 9))
              for new in (explore({"lr": 0.01, "m": 0.5}, space, rng, resample_probability=0.0) for _ in range(50))}
    assert ratios == {(0.8, 0.8), (0.8, 1.2), (1.2, 0.8), (1.2, 1.2)}


def test_explore_clips_at_the_bounds():
    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Int("k", 1, 10)])
    rng = np.random.default_rng(0)
    assert explore({"lr": 0.9, "k": 10}, space, rng, perturb=(1.2,), resample_probability=0.0) == {"lr": 1.0, "k": 10}
    assert explore({"lr": 1.1e-4, "k": 1}, space, rng, perturb=(0.8,), resample_probability=0.0) == \
        {"lr": 1e-4, "k": 1}


@pytest.mark.parametrize("value, factor, expected", [(10, 1.2, 12), (5, 0.8, 4), (2, 1.2, 3), (2, 0.8, 1), (3, 1.0, 3)])
def test_explore_rounds_integers_and_never_gets_stuck(value, factor, expected):
    space = SearchSpace([Int("k", 1, 20)])
    assert explore({"k": value}, space, np.random.default_rng(0), perturb=(factor,), resample_probability=0.0) == \
        {"k": expected}


def test_explore_with_a_factor_that_overflows_clips_to_the_bound():
    """Before: 5 x 1e308 is inf, and rounding it for an int raised OverflowError inside the exploit."""
    new = explore({"lr": 0.1, "width": 5, "mode": "go"}, ToyTask.space, np.random.default_rng(0), perturb=(1e308,),
                  resample_probability=0.0)
    assert new == {"lr": 1.0, "width": 10, "mode": "go"}


def test_explore_resamples_from_the_space_with_the_given_probability():
    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Categorical("act", ["relu", "tanh", "gelu"])])
    rng, replay = np.random.default_rng(3), np.random.default_rng(3)
    new = explore({"lr": 0.01, "act": "relu"}, space, rng, resample_probability=1.0)
    expected = {}
    for param in space:  # per parameter: the coin, then the unit-cube draw
        assert replay.random() < 1.0
        expected[param.name] = param.from_unit(replay.random())
    assert new == expected
    draws = [explore({"lr": 0.01, "act": "relu"}, space, rng, resample_probability=1.0) for _ in range(200)]
    assert {d["act"] for d in draws} == {"relu", "tanh", "gelu"}
    decades = np.log10([d["lr"] for d in draws])
    assert decades.min() < -3.5 and decades.max() > -0.5  # log-uniform over the whole range


def test_explore_keeps_categoricals_unless_resampled_and_resamples_at_the_rate_asked():
    space = SearchSpace([Categorical("act", ["relu", "tanh"]), Float("m", 0.0, 1.0)])
    rng = np.random.default_rng(0)
    assert all(explore({"act": "tanh", "m": 0.5}, space, rng, resample_probability=0.0)["act"] == "tanh"
               for _ in range(50))
    moved = [explore({"act": "tanh", "m": 0.5}, space, rng, resample_probability=0.25)["m"] for _ in range(2000)]
    perturbed = np.isclose(moved, 0.4) | np.isclose(moved, 0.6)
    assert 0.2 < 1 - perturbed.mean() < 0.3


CONDITIONAL = SearchSpace([Categorical("opt", ["sgd", "adam"]), Float("lr", 0.01, 1.0, log=True),
                           Float("mom", 0.0, 0.8, condition=("opt", "sgd"))])


def test_explore_in_a_conditional_space_moves_active_parameters_and_completes_a_changed_parent():
    rng = np.random.default_rng(0)
    kept = [explore({"opt": "sgd", "lr": 0.1, "mom": 0.5}, CONDITIONAL, rng, resample_probability=0.0)
            for _ in range(20)]
    assert all(new["opt"] == "sgd" and round(new["mom"] / 0.5, 9) in (0.8, 1.2) for new in kept)
    assert all(explore({"opt": "adam", "lr": 0.1}, CONDITIONAL, rng, resample_probability=0.0).keys() == {"opt", "lr"}
               for _ in range(20))
    switched = [explore({"opt": "sgd", "lr": 0.1, "mom": 0.5}, CONDITIONAL, rng, resample_probability=1.0)
                for _ in range(100)]
    assert {n["opt"] for n in switched} == {"sgd", "adam"}
    assert all(("mom" in n) == (n["opt"] == "sgd") for n in switched)  # switched off: dropped
    started = [explore({"opt": "adam", "lr": 0.1}, CONDITIONAL, np.random.default_rng(i), perturb=(1.0,),
                       resample_probability=0.5) for i in range(40)]
    assert {n["mom"] for n in started if n["opt"] == "sgd"} == {0.4}  # switched on: the range's centre


class ConditionalToy(ToyTask):
    space = CONDITIONAL

    def train(self, model, params, n_steps, *, seed=None):
        assert ("mom" in params) == (params["opt"] == "sgd"), params  # what the task's own space requires
        return super().train(model, {**params, "mode": "go"}, n_steps, seed=seed)


def test_a_conditional_space_runs_and_its_schedules_hold_nan_where_inactive(tmp_path):
    result = PopulationBasedTraining(CONDITIONAL, ConditionalToy(), n_members=6, ready_every=1,
                                     resample_probability=0.5, seed=1, storage=tmp_path / "pbt.jsonl").run(6)
    mom, opt = result.schedules["mom"], result.schedules["opt"]
    assert np.array_equal(np.isnan(mom), opt == "adam") and np.isnan(mom).any() and not np.isnan(mom).all()
    assert len({tuple(row) for row in opt}) > 1  # some member changed optimizer along the way
    assert PBTResult.from_journal(tmp_path / "pbt.jsonl").to_dict() == result.to_dict()


def test_a_space_narrower_than_the_tasks_is_accepted():
    narrow = SearchSpace([Categorical("opt", ["sgd"]), Float("lr", 0.1, 0.5),  # no longer log: the search's choice
                          Float("mom", 0.1, 0.2, condition=("opt", "sgd"))])
    pbt = PopulationBasedTraining(narrow, ConditionalToy(), n_members=2, ready_every=1, seed=0)
    assert all(0.1 <= p["lr"] <= 0.5 for p in pbt.run(3).final_params)


def test_a_categorical_of_some_of_the_tasks_ints_is_accepted():
    # A Float where the task takes an Int is refused (it proposes what lies between); a choice of ints is not.
    widths = SearchSpace([Float("lr", 0.01, 1), Categorical("width", [2, 4, 8]), Categorical("mode", ["go", "stop"])])
    pbt = PopulationBasedTraining(widths, ToyTask(), n_members=2, ready_every=1, seed=0)
    assert all(p["width"] in (2, 4, 8) for p in pbt.run(2).final_params)


def test_a_score_that_is_not_a_number_is_a_clear_error_and_the_finished_rounds_stay(tmp_path):
    class BadScore(ToyTask):
        calls = 0

        def score(self, model):
            self.calls += 1
            return np.array([0.1, 0.2]) if self.calls == 7 else super().score(model)  # round 1, member 2

    path = tmp_path / "pbt.jsonl"
    pbt = PopulationBasedTraining(ToyTask.space, BadScore(), n_members=4, seed=0, storage=path)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`BadScore.score(model)` of PopulationBasedTraining must be a real number (NaN for a diverged model); "
            "got array([0.1, 0.2]). It was member 2's score in round 1, which is not recorded; the 1 finished "
            "round(s) are kept in `result` and the journal.")):
        pbt.run(3)
    assert pbt.rounds_done == 1 and PBTResult.from_journal(path).to_dict() == pbt.result.to_dict()
    # Models train in place: some trained in the failed round, so the run cannot step on as if not.
    with pytest.raises(HPOError, match="cannot step again: round 1 failed"):
        pbt.step_round()


class FailsInRound1(ToyTask):
    """Raises ``error`` (or returns nothing) when training member 2 in round 1."""

    def __init__(self, error):
        self.error, self.calls = error, 0

    def train(self, model, params, n_steps, *, seed=None):
        self.calls += 1
        trained = super().train(model, params, n_steps, seed=seed)
        if self.calls == 7:  # 4 members: round 1, member 2; members 0 and 1 trained this round already
            if self.error is None:
                return None
            raise self.error
        return trained


@pytest.mark.parametrize("error, caught, name", [
    (RuntimeError("out of GPU memory"), RuntimeError, "RuntimeError"),
    (KeyboardInterrupt(), KeyboardInterrupt, "KeyboardInterrupt"),
    (None, InvalidParameterError, "InvalidParameterError"),  # train forgot to return the model
])
def test_a_round_that_stops_midway_ends_the_run_and_keeps_the_finished_rounds(tmp_path, error, caught, name):
    """Models train in place: after members 0 and 1 trained in a round that was never recorded,
    another round would record them as trained once more than they were."""
    path = tmp_path / "pbt.jsonl"
    pbt = PopulationBasedTraining(ToyTask.space, FailsInRound1(error), n_members=4, seed=0, storage=path)
    with pytest.raises(caught):
        pbt.run(3)
    assert pbt.rounds_done == 1 and PBTResult.from_journal(path).to_dict() == pbt.result.to_dict()
    with pytest.raises(HPOError, match=re.escape(f"cannot step again: round 1 failed ({name}) after some models "
                                                 "trained. Start a new run")):
        pbt.step_round()


def test_train_that_returns_nothing_is_told_so():
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`FailsInRound1.train(model, params, n_steps)` of PopulationBasedTraining must be the model it trained "
            "(train it in place and return it); got None. It was member 2's training in round 1, which is not "
            "recorded; the 1 finished round(s) are kept in `result`.")):
        PopulationBasedTraining(ToyTask.space, FailsInRound1(None), n_members=4, seed=0).run(2)


def test_a_score_held_in_a_0d_array_counts_and_an_infinite_one_diverged(tmp_path):
    """A torch or numpy loss is often a 0-d array; an infinite score is a diverged model: it must
    not become the donor everyone copies, and the run and its journal (JSON has no inf) agree."""
    class Scores(ToyTask):
        def score(self, model):
            return float("inf") if model["w"][0] < 0 else np.array(super().score(model))

    path = tmp_path / "pbt.jsonl"
    result = PopulationBasedTraining(ToyTask.space, Scores(), n_members=4, ready_every=1, seed=0, storage=path,
                                     perturb=np.array([0.8, 1.2])).run(2)
    assert np.isfinite(result.scores).any() and not np.isinf(result.scores).any()
    assert PBTResult.from_journal(path).to_dict() == result.to_dict()
    diverged = set(np.flatnonzero(np.isnan(result.scores[0])).tolist())
    assert diverged and not diverged & {donor for round_, _, donor in result.exploits if round_ == 0}


# -- quantiles ---------------------------------------------------------------------------------
@pytest.mark.parametrize("scores, direction, quantile, bottom, top", [
    ([0.5, 0.9, 0.1, 0.7, 0.3], "maximize", 0.2, [2], [1]),
    ([0.5, 0.9, 0.1, 0.7, 0.3], "minimize", 0.2, [1], [2]),
    ([0.5, 0.9, 0.1, 0.7, 0.3, 0.2, 0.8, 0.6], "maximize", 0.2, [2, 5], [1, 6]),  # ceil(1.6) = 2
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], "maximize", 0.3, [1, 3, 6], [4, 5, 7]),  # 10 x 0.3 is 3, not 4
    ([0.5, np.nan, 0.1, 0.7], "maximize", 0.25, [1], [3]),  # a diverged member ranks last
    ([0.5, np.nan, np.nan, np.nan], "maximize", 0.5, [2, 3], [0]),  # and is never a donor
    ([np.nan, np.nan], "minimize", 0.5, [1], []),  # no donor at all
    ([0.2, 0.1], "maximize", 0.5, [1], [0]),
    ([0.3, 0.3, 0.3, 0.3], "maximize", 0.5, [2, 3], [0, 1]),  # ties: the lower index ranks higher
])
def test_quantile_split(scores, direction, quantile, bottom, top):
    got_bottom, got_top = quantile_split(scores, direction, quantile)
    assert (got_bottom.tolist(), got_top.tolist()) == (bottom, top)


# -- exploit -----------------------------------------------------------------------------------
def test_exploit_copies_the_donors_weights_and_hyperparameters_exactly(task):
    # perturb=(1.0,) with no resampling makes explore the identity, so the copied HPs are visible.
    pbt = PopulationBasedTraining(task.space, task, n_members=5, ready_every=1, perturb=(1.0,),
                                  resample_probability=0.0, seed=0)
    record = pbt.step_round()
    bottom, top = quantile_split(record.scores, "maximize", 0.2)
    assert [r for r, _ in record.exploits] == bottom.tolist() and all(d in top for _, d in record.exploits)
    for receiver, donor in record.exploits:
        got, want = pbt.members[receiver], pbt.members[donor]
        assert got.model is not want.model
        np.testing.assert_array_equal(got.model.coef_, want.model.coef_)
        np.testing.assert_array_equal(got.model.intercept_, want.model.intercept_)
        assert got.params == want.params == record.params[donor] == record.next_params[receiver]
        assert got.score == want.score == record.scores[donor]
    untouched = [i for i in range(5) if i not in bottom]
    assert all(record.next_params[i] == record.params[i] for i in untouched)


def test_exploit_copies_mlp_weights_and_then_explores_by_the_factors():
    task = mlp_digits_incremental(seed=0, hidden=8)
    pbt = PopulationBasedTraining(task.space, task, n_members=4, ready_every=1, resample_probability=0.0, seed=1)
    record = pbt.step_round()
    assert len(record.exploits) == 1
    (receiver, donor), = record.exploits
    for got, want in zip(pbt.members[receiver].model.coefs_, pbt.members[donor].model.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)
    for name, value in record.next_params[receiver].items():
        ratio = value / record.params[donor][name]
        assert np.isclose(ratio, 0.8) or np.isclose(ratio, 1.2) or value in (task.space[name].low,
                                                                             task.space[name].high)


def test_members_exploit_only_at_ready_rounds_and_lineage_follows():
    pbt = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=6, ready_every=3, seed=0)
    result = pbt.run(9)
    assert sorted({r for r, _, _ in result.exploits}) == [2, 5, 8] and len(result.exploits) == 3 * 2
    parents = result.parents
    assert (parents[0] == -1).all()
    for r, receiver, donor in result.exploits:
        if r + 1 < result.n_rounds:
            assert parents[r + 1, receiver] == donor
    changed = {(r + 1, i) for r in range(8) for i in range(6) if parents[r + 1, i] != i}
    assert changed == {(r + 1, i) for r, i, _ in result.exploits if r + 1 < 9}
    path = result.ancestry(result.best_member)
    assert path[-1] == result.best_member and len(path) == 9


# -- runs --------------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_run_and_runs_can_be_split(task):
    one = PopulationBasedTraining(task.space, task, n_members=4, seed=7).run(4)
    two = PopulationBasedTraining(task.space, task, n_members=4, seed=7)
    two.run(1)
    two.step_round()
    assert two.run(2).to_dict() == one.to_dict()
    assert PopulationBasedTraining(task.space, task, n_members=4, seed=8).run(4).to_dict() != one.to_dict()


def test_schedules_keep_user_units_and_types():
    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=4, ready_every=1, seed=0).run(5)
    assert result.scores.shape == (5, 4)
    assert result.schedules["lr"].dtype == float and result.schedules["width"].dtype == np.int64
    assert result.schedules["mode"].dtype == object and set(result.schedules["mode"].ravel()) <= {"go", "stop"}
    assert result.scales == {"lr": "log", "width": "linear", "mode": "categorical"}
    for r, record in enumerate(result.rounds):
        assert [p["width"] for p in record.params] == result.schedules["width"][r].tolist()
    assert result.final_params == result.rounds[-1].next_params
    assert result.best_score == np.nanmax(result.scores[-1]) == result.best_curve[-1]
    assert result.compute == 5 * 4


def test_pbt_beats_a_fixed_bad_learning_rate_with_the_same_compute(task):
    pbt = PopulationBasedTraining(task.space, task, n_members=6, seed=0).run(10)
    comparison = compare_with_fixed(pbt, task, BAD_LR)
    assert comparison.fixed.compute == pbt.compute == 60 and comparison.fixed.exploits == ()
    assert (comparison.fixed.schedules["eta0"] == 1e-5).all()
    rows = {row["method"]: row for row in comparison.table()}
    fixed = rows["fixed eta0=1e-05, alpha=0.0001"]
    assert rows["PBT"]["best final score"] > fixed["best final score"] + 0.05
    assert rows["PBT"]["mean final score"] > fixed["mean final score"] + 0.05


def test_pbt_started_at_the_bad_learning_rate_escapes_it(task):
    """The fair version: the same start, the same compute; only exploit and explore differ."""
    pbt = PopulationBasedTraining(task.space, task, n_members=8, initial=BAD_LR, seed=0).run(20)
    fixed = train_fixed(task, BAD_LR, 20, n_members=8, seed=0)
    assert pbt.compute == fixed.compute == 160
    assert pbt.best_score > fixed.best_score + 0.03
    assert pbt.best_params["eta0"] > 1e-4


def test_fixed_baseline_is_paired_with_the_pbt_run(task):
    result = PopulationBasedTraining(task.space, task, n_members=4, ready_every=2, seed=3).run(4)
    comparison = compare_with_fixed(result, task)
    # Same initial population, weights and data orders: identical until the first exploit acts.
    np.testing.assert_array_equal(comparison.fixed.scores[:2], result.scores[:2])
    assert comparison.fixed.rounds[0].params == result.rounds[0].params
    assert set(comparison.curves()) == {"PBT", "same start, never exploited"}
    assert comparison.curves()["PBT"].shape == (4,)
    assert json.loads(json.dumps(comparison.to_dict()))["label"] == "same start, never exploited"


def test_comparisons_are_labelled_by_what_the_fixed_run_was(task):
    """Two comparisons printed together (the ablation and a bad rate) must not both read "fixed"."""
    result = PopulationBasedTraining(task.space, task, n_members=3, seed=0).run(2)
    per_member = [{"eta0": 0.01, "alpha": 1e-4}] * 3
    labels = [compare_with_fixed(result, task).label, compare_with_fixed(result, task, BAD_LR).label,
              compare_with_fixed(result, task, per_member).label,
              compare_with_fixed(result, task, BAD_LR, label="tiny steps").label]
    assert labels == ["same start, never exploited", "fixed eta0=1e-05, alpha=0.0001",
                      "fixed, one configuration per member", "tiny steps"]
    assert [row["method"] for row in compare_with_fixed(result, task, BAD_LR, label="tiny steps").table()] == [
        "PBT", "tiny steps"]


def test_winners_models_score_on_the_sealed_test_split_like_their_validation_records(task):
    """best_model and fixed_model are the models that scored best on validation, and copies."""
    pbt = PopulationBasedTraining(task.space, task, n_members=4, seed=0)
    result = pbt.run(4)
    comparison = compare_with_fixed(result, task)
    winner, fixed_winner = pbt.best_model(), comparison.fixed_model
    assert task.score(winner) == result.best_score
    assert task.score(fixed_winner) == comparison.fixed.best_score
    task.train(winner, result.best_params, 3, seed=1)  # a copy: training it leaves the member alone
    assert task.score(pbt.members[result.best_member].model) == result.best_score
    looks = len(task.test_looks)
    assert 0.5 < task.test_score(pbt.best_model()) <= 1.0 and len(task.test_looks) == looks + 1


def test_best_model_before_any_round_is_a_clear_error():
    pbt = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=2, seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(f"`rounds_done` of {OWNER}.best_model must be at "
                                                              "least 1 (no model has been scored yet); got 0.")):
        pbt.best_model()


# -- persistence -------------------------------------------------------------------------------
def test_json_round_trip():
    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=4, ready_every=1, seed=0).run(4)
    back = PBTResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert back.to_dict() == result.to_dict()
    np.testing.assert_array_equal(back.scores, result.scores)
    for name in result.schedules:
        np.testing.assert_array_equal(back.schedules[name], result.schedules[name])
    assert back.exploits == result.exploits and back.best_member == result.best_member


def test_journal_keeps_every_finished_round_and_survives_a_cut_off_line(tmp_path):
    path = tmp_path / "pbt.jsonl"
    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=4, ready_every=1, seed=0,
                                     storage=path).run(3)
    assert PBTResult.from_journal(path).to_dict() == result.to_dict()
    lines = path.read_text().splitlines(keepends=True)
    assert len(lines) == 1 + 3
    path.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # killed while writing round 2
    with pytest.warns(RuntimeWarning, match="cut off"):
        partial = PBTResult.from_journal(path)
    assert partial.n_rounds == 2 and partial.to_dict()["rounds"] == result.to_dict()["rounds"][:2]
    path.write_text(lines[0] + "{not json\n" + "".join(lines[2:]))
    with pytest.raises(StorageError, match="line 2: not valid JSON"):
        PBTResult.from_journal(path)
    with pytest.raises(InvalidParameterError, match="`storage` of PopulationBasedTraining must be a path to a new"):
        PopulationBasedTraining(ToyTask.space, ToyTask(), storage=path)
    with pytest.raises(InvalidParameterError, match="`storage` of PopulationBasedTraining must be a file path inside "
                                                    "a folder.*is a file, not a folder"):
        PopulationBasedTraining(ToyTask.space, ToyTask(), storage=path / "run.jsonl")


START = {"lr": 0.1, "width": 1, "mode": "go"}


class DivergesAbove(ToyTask):
    """A model last trained with lr > 0.5, or trained ``since`` rounds or more, scores NaN (diverged)."""

    def __init__(self, since=None):
        self.since = since

    def train(self, model, params, n_steps, *, seed=None):
        model = super().train(model, params, n_steps, seed=seed)
        return {**model, "lr": params["lr"], "age": model.get("age", 0) + n_steps}

    def score(self, model):
        late = self.since is not None and model["age"] > self.since
        return float("nan") if model["lr"] > 0.5 or late else super().score(model)

    def copy(self, model):
        return {**model, "w": model["w"].copy()}


def test_a_diverged_member_is_never_a_donor():
    """With 3 of 4 members diverged the top half held one of them, whose model was copied."""
    start = [START] + [{**START, "lr": 0.9}] * 3
    result = PopulationBasedTraining(ToyTask.space, DivergesAbove(), n_members=4, ready_every=1, quantile=0.5,
                                     resample_probability=0.0, initial=start, seed=0).run(4)
    assert np.isnan(result.scores[0]).sum() == 3 and len(result.exploits) == 4 * 2
    assert all(np.isfinite(result.scores[r, donor]) for r, _, donor in result.exploits)
    assert np.isfinite(result.scores[-1]).all()  # the good model spread; no diverged one did


def test_a_round_where_every_member_diverged_exploits_nothing_and_says_so():
    """Every member's score was NaN, yet exploits went on copying diverged models, silently."""
    pbt = PopulationBasedTraining(ToyTask.space, DivergesAbove(since=2), n_members=4, ready_every=1, seed=0)
    pbt.run(2)
    with pytest.warns(RuntimeWarning) as caught:
        result = pbt.run(2)
    assert [str(w.message) for w in caught] == [
        f"PopulationBasedTraining: every member's score in round {r} is NaN (diverged), so no member exploited "
        "another after it: a diverged model is never copied. The members train on with their own models and "
        "hyperparameters." for r in (2, 3)]
    assert {r for r, _, _ in result.exploits} == {0, 1}


def test_best_model_when_every_member_diverged_says_so_and_the_fixed_model_is_none(recwarn):
    """It said "`rounds_done` ... must be at least 1 (no model has been scored yet); got 0" after 6 rounds."""
    task = DivergesAbove(since=4)
    pbt = PopulationBasedTraining(ToyTask.space, task, n_members=2, ready_every=None, initial=START, seed=0)
    result = pbt.run(6)
    assert result.best_member == -1 and np.isnan(result.best_score) and np.isfinite(result.scores[3]).all()
    with pytest.raises(HPOError, match=re.escape(
            f"{OWNER}.best_model has no model to return: every member's score in the last 2 rounds is NaN "
            "(diverged), so no model is the best.")):
        pbt.best_model()
    with pytest.raises(HPOError, match=re.escape("every member's score in all 3 rounds is NaN (diverged)")):
        _best_model_after(DivergesAbove(since=0), 3)
    recwarn.clear()
    comparison = compare_with_fixed(result, task)  # the comparison holds: the fixed run diverged too
    assert [str(w.message) for w in recwarn] == [
        "compare_with_fixed: in the fixed run every member's score in the last 2 rounds is NaN (diverged), so its "
        "`fixed_model` is None."]  # and no "Mean of empty slice" from the table
    assert comparison.fixed_model is None
    assert all(np.isnan(row["best final score"]) and np.isnan(row["mean final score"]) for row in comparison.table())


def _best_model_after(task, n_rounds):
    pbt = PopulationBasedTraining(ToyTask.space, task, n_members=2, ready_every=None, seed=0)
    pbt.run(n_rounds)
    return pbt.best_model()


def test_a_nan_score_ranks_last_and_is_stored_as_null():
    class Diverging(ToyTask):
        def score(self, model):
            return float("nan") if model["w"][0] < -0.5 else super().score(model)

    result = PopulationBasedTraining(Diverging.space, Diverging(), n_members=4, ready_every=1, seed=0).run(2)
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert PBTResult.from_dict(json.loads(text)).to_dict() == result.to_dict()


# -- input errors -------------------------------------------------------------------------------
OWNER = "PopulationBasedTraining"
BAD = [
    (dict(n_members=1), f"`n_members` of {OWNER} must be an int in [2, 10000]; got 1."),
    (dict(n_members=2.5), f"`n_members` of {OWNER} must be an int in [2, 10000]; got 2.5."),
    (dict(n_members=True), f"`n_members` of {OWNER} must be an int in [2, 10000]; got True."),
    # A population of a trillion models would exhaust memory while the first are built.
    (dict(n_members=10**12), f"`n_members` of {OWNER} must be an int in [2, 10000]; got 1000000000000."),
    (dict(ready_every=0), f"`ready_every` of {OWNER} must be an int in [1, inf); got 0."),
    (dict(quantile=0.0), f"`quantile` of {OWNER} must be a finite real number in (0, 0.5]; got 0.0."),
    (dict(quantile=0.6), f"`quantile` of {OWNER} must be a finite real number in (0, 0.5]; got 0.6."),
    (dict(perturb=()), f"`perturb` of {OWNER} must be a non-empty sequence of positive finite factors; got ()."),
    (dict(perturb=(0.8, 0)), f"`perturb` of {OWNER} must be a non-empty sequence of positive finite factors; "
                             "got (0.8, 0)."),
    (dict(perturb="12"), f"`perturb` of {OWNER} must be a non-empty sequence of positive finite factors; got '12'."),
    (dict(resample_probability=1.5), f"`resample_probability` of {OWNER} must be a finite real number in [0, 1]; "
                                     "got 1.5."),
    (dict(steps_per_round=0), f"`steps_per_round` of {OWNER} must be an int in [1, 2147483647]; got 0."),
    (dict(steps_per_round=10**30), f"`steps_per_round` of {OWNER} must be an int in [1, 2147483647]; got 10"),
    (dict(initial=[{"lr": 0.1, "width": 2, "mode": "go"}]), f"`initial` of {OWNER} must be None, a params dict, "
                                                            "or a list of 8 params dicts; got"),
    (dict(initial={"lr": 5.0, "width": 2, "mode": "go"}),
     f"`initial` of {OWNER} must be a configuration of the search space (a dict of its parameters' values); got "
     "{'lr': 5.0, 'width': 2, 'mode': 'go'}. The space refuses it: `lr` of the search space must be a finite real "
     "number in [0.001, 1.0]; got 5.0."),
    (dict(seed=-1), f"`seed` of {OWNER} must be a non-negative int, a numpy.random.Generator or None; got -1."),
    (dict(storage=3), f"`storage` of {OWNER} must be a file path (a non-empty str or os.PathLike); got 3."),
    (dict(space={"lr": 1}), f"`space` of {OWNER} must be a SearchSpace; got {{'lr': 1}}."),
    (dict(space=SearchSpace([Float("lr", 0.1, 1)])), f"`space` of {OWNER} must be a SearchSpace with the task's "
                                                     "parameters ['lr', 'width', 'mode']; got ['lr']."),
    (dict(space=SearchSpace([Float("lr", 10, 1000), Int("width", 1, 10), Categorical("mode", ["go", "stop"])])),
     f"`space['lr']` of {OWNER} must be within the task's Float('lr', low=0.001, high=1.0, log=True); got "
     "Float('lr', low=10.0, high=1000.0, log=False). The task's `train` does not take 10.0."),
    (dict(space=SearchSpace([Float("lr", 0.01, 1), Int("width", 1, 10), Categorical("mode", ["go", "run"])])),
     f"`space['mode']` of {OWNER} must be within the task's Categorical('mode', choices=['go', 'stop']); got "
     "Categorical('mode', choices=['go', 'run']). The task's `train` does not take 'run'."),
    (dict(space=SearchSpace([Float("lr", 0.01, 1), Float("width", 1, 10), Categorical("mode", ["go", "stop"])])),
     f"`space['width']` of {OWNER} must be within the task's Int('width', low=1, high=10, log=False); got "
     "Float('width', low=1.0, high=10.0, log=False). The task's `train` takes ints; a Float proposes the values "
     "between them."),
    (dict(space=SearchSpace([Float("lr", 0.01, 1), Int("width", 1, 10, condition=("mode", "go")),
                             Categorical("mode", ["go", "stop"])])),
     f"`space['width']` of {OWNER} must be active where the task's Int('width', low=1, high=10, log=False) is; "
     "got Int('width', low=1, high=10, log=False, condition=['mode', ['go']]). Give it the task's condition."),
    (dict(task=object()), f"`task` of {OWNER} must be an IncrementalTask (space, direction, new_model, train, "
                          "score, copy); got <object object"),
]


@pytest.mark.parametrize("kwargs, message", BAD, ids=[m[:45] for _, m in BAD])
def test_input_errors(kwargs, message):
    args = dict(space=ToyTask.space, task=ToyTask())
    args.update(kwargs)
    with pytest.raises(InvalidParameterError, match="^" + re.escape(message)):
        PopulationBasedTraining(args.pop("space"), args.pop("task"), **args)


def test_run_and_compare_errors():
    pbt = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=2, seed=0)
    with pytest.raises(InvalidParameterError,
                       match=re.escape(f"`n_rounds` of {OWNER}.run must be an int in [0, 500000]; got -1.")):
        pbt.run(-1)
    with pytest.raises(InvalidParameterError, match="`result` of compare_with_fixed must be a PBTResult with at least"):
        compare_with_fixed(pbt.result, ToyTask())
    pbt.run(1)
    with pytest.raises(InvalidParameterError, match="`label` of compare_with_fixed must be a non-empty str or None; "
                                                    "got ' '."):
        compare_with_fixed(pbt.result, ToyTask(), label=" ")
    with pytest.raises(InvalidParameterError, match="`data` of PBTResult.from_dict must be a dict"):
        PBTResult.from_dict({"format": "something else"})
    data = pbt.result.to_dict()
    del data["settings"]["n_members"]
    with pytest.raises(StorageError, match=re.escape("settings lack ['n_members']")):
        PBTResult.from_dict(data)


@pytest.mark.parametrize("call, message", [
    (lambda t, r: train_fixed(t, [], 2), "`params` of train_fixed must be a params dict, or a list of 2 to 10000 "
                                         "params dicts (one per member); got []."),
    (lambda t, r: train_fixed(t, None, 2), "`params` of train_fixed must be a params dict, or a list of 2 to 10000"),
    (lambda t, r: train_fixed(t, {"lr": 0.1, "width": 2, "mode": "go"}, -1),
     "`n_rounds` of train_fixed must be an int in [0, 125000]; got -1."),  # the range 10**9 is refused by
    (lambda t, r: train_fixed(t, {"lr": 0.1, "width": 2, "mode": "go"}, 1, n_members=10**9),
     "`n_members` of train_fixed must be an int in [2, 10000]; got 1000000000."),
    (lambda t, r: train_fixed(object(), {"lr": 0.1}, 1), "`task` of train_fixed must be an IncrementalTask"),
    (lambda t, r: compare_with_fixed(r, None), "`task` of compare_with_fixed must be an IncrementalTask"),
    (lambda t, r: compare_with_fixed(r, sgd_digits(seed=0)),
     "`result.space` of compare_with_fixed must be a SearchSpace with the task's parameters ['eta0', 'alpha']"),
    (lambda t, r: compare_with_fixed(r, t, [{"lr": 0.5, "width": 2, "mode": "go"}]),
     "`fixed` of compare_with_fixed must be a params dict, or a list of 2 params dicts (one per member); got"),
    (lambda t, r: r.ancestry(2), "`member` of PBTResult.ancestry must be an int in [0, 1]; got 2."),
    (lambda t, r: explore({"lr": 0.1, "width": 2, "mode": "go"}, t.space, 0),
     "`rng` of explore must be a numpy.random.Generator; got 0."),
    (lambda t, r: explore({"lr": 0.1, "width": 2, "mode": "go"}, t.space, np.random.default_rng(0), perturb=()),
     "`perturb` of explore must be a non-empty sequence of positive finite factors; got ()."),
    (lambda t, r: quantile_split([[0.1, 0.2]], "maximize", 0.2),
     "`scores` of quantile_split must be an array-like of shape (n_members,) of real numbers"),
], ids=lambda v: v[:40] if isinstance(v, str) else "")
def test_the_baselines_and_helpers_name_what_the_user_typed(call, message):
    """Before: errors named PopulationBasedTraining (which the user never called), or were numpy's and Python's."""
    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=2, seed=0).run(1)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(ToyTask(), result)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["rounds"][0].__setitem__("scores", [0.1]), "round 0 has [1, 3] scores or params for 3 members"),
    (lambda d: d["rounds"][0]["next_params"].pop(), "round 0 has [2, 3] scores or params for 3 members"),
    (lambda d: d["settings"].__setitem__("n_members", "3"), "settings['n_members'] is '3', not an int in [2, 10000]"),
    (lambda d: d["settings"].__setitem__("n_members", 10**12),
     "settings['n_members'] is 1000000000000, not an int in [2, 10000]"),
    (lambda d: d["rounds"][1]["exploits"].append([9, 0]), "round 1 has an exploit (9, 0) of a member outside 0..2"),
    (lambda d: d["rounds"][1].__setitem__("round", 0), "the record of round 1 says it is round 0"),
    (lambda d: d.__setitem__("direction", "up"), "its direction is 'up', not 'maximize' or 'minimize'"),
    (lambda d: d["settings"].pop("seed"), "its settings lack ['seed']"),  # compare_with_fixed needs it
    (lambda d: d.__setitem__("version", "1"), "its version is '1', not an int"),
], ids=lambda v: v[:40] if isinstance(v, str) else "")
def test_a_record_that_does_not_hold_together_is_a_storage_error(edit, message):
    """Before: numpy's reshape and broadcast errors, an IndexError from `parents`, a KeyError in compare_with_fixed."""
    data = json.loads(json.dumps(PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=3, ready_every=1,
                                                         seed=0).run(2).to_dict()))
    edit(data)
    with pytest.raises(StorageError, match=re.escape(message)):
        PBTResult.from_dict(data)


def test_a_run_without_rounds_is_an_empty_result():
    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=3, seed=0).result
    assert result.scores.shape == (0, 3) and result.best_member == -1 and np.isnan(result.best_score)
    assert result.best_params == {} and result.exploits == () and result.compute == 0
    assert PBTResult.from_dict(json.loads(json.dumps(result.to_dict()))).n_rounds == 0


def test_a_pbt_journal_is_written_and_read_like_a_study_journal(tmp_path):
    """One writer for both kinds: a locked, fsynced header and lines; each refuses the other's file."""
    from interactive_hpo import Study
    from interactive_hpo.pbt.result import PBT_JOURNAL
    from interactive_hpo.study.journal import Journal

    path = tmp_path / "pbt.jsonl"
    PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=4, seed=0, storage=path).run(2)
    header, rounds = Journal(path, PBT_JOURNAL).read()
    assert header["format"] == "interactive_hpo.pbt" and [r["round"] for r in rounds] == [0, 1]
    before = path.read_bytes()
    with pytest.raises(StorageError, match="is not an interactive_hpo journal: its first line has format "
                                           "'interactive_hpo.pbt'"):
        Study.load(path)
    study_path = tmp_path / "study.jsonl"
    Study(ToyTask.space, storage=study_path)
    with pytest.raises(StorageError, match="is not a PBT journal: its first line has format 'interactive_hpo.journal'"):
        PBTResult.from_journal(study_path)
    assert path.read_bytes() == before


def test_a_direction_typed_by_hand_is_checked_where_it_is_typed():
    from interactive_hpo.pbt.explore import quantile_split
    from interactive_hpo.pbt.result import best_per_round

    with pytest.raises(InvalidParameterError, match=r"`direction` of quantile_split must be one of \['minimize', "
                                                    r"'maximize'\]; got 'up'\."):
        quantile_split([1.0, 2.0], "up", 0.25)
    with pytest.raises(InvalidParameterError, match=r"`direction` of best_per_round must be one of"):
        best_per_round(np.ones((2, 2)), "best")


def test_a_result_pickles_and_deep_copies_as_read_only_as_it_is():
    # Before: "cannot pickle 'mappingproxy' object" (its settings and schedules), so a result
    # could not come back from a worker process nor be deep-copied.
    import copy
    import pickle

    result = PopulationBasedTraining(ToyTask.space, ToyTask(), n_members=3, ready_every=1, seed=0).run(2)
    for copied in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert copied.to_dict() == result.to_dict()
        with pytest.raises(TypeError):
            copied.settings["seed"] = 1  # type: ignore[index]
        with pytest.raises(ValueError, match="read-only"):
            copied.schedules["lr"][0, 0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            copied.scores[0, 0] = 1.0
