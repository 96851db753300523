"""Studies: the ask/tell loop, failures as data, manual trials, the queue, switching, events."""

from __future__ import annotations

import json
import math
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from interactive_hpo import (
    Categorical,
    Evaluation,
    Float,
    Int,
    InvalidParameterError,
    MedianStoppingRule,
    RandomSearch,
    SearchSpace,
    Study,
    Suggestion,
    TrialState,
    TrialStateError,
)
from interactive_hpo._validation import fail, failure_kind
from interactive_hpo.objectives import FunctionObjective
from interactive_hpo.outcome import Measured

SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])


def quadratic(params):
    return (params["x"] - 1) ** 2 + params["n"] + (params["c"] == "b")


def test_ask_tell_records_a_complete_trial():
    study = Study(SPACE, seed=0)
    trial = study.ask()
    assert trial.state is TrialState.RUNNING and trial.number == 0 and trial.source == "random"
    np.testing.assert_allclose(trial.x, SPACE.to_unit(trial.params))
    done = study.tell(trial, 3.5, user_attrs={"note": "by hand"})
    assert done.state is TrialState.COMPLETE and done.value == 3.5 and done.user_attrs["note"] == "by hand"
    assert study.trials == [done] and study.best_trial is done
    assert done.duration is not None and done.duration >= 0


def test_tell_by_number_and_pruned_and_failed_states():
    study = Study(SPACE, seed=0)
    a, b, c = study.ask(), study.ask(), study.ask()
    study.tell(a.number, 1.0)
    pruned = study.tell(b, 2.0, state="PRUNED")
    failed = study.tell(c, state=TrialState.FAILED, user_attrs={"error": "out of memory"})
    assert pruned.state is TrialState.PRUNED and pruned.value == 2.0
    assert failed.state is TrialState.FAILED and failed.value is None and failed.error == "out of memory"
    assert study.best_trial.number == a.number


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_value_fails_the_trial_with_the_reason(bad):
    study = Study(SPACE, seed=0)
    trial = study.tell(study.ask(), bad)
    assert trial.state is TrialState.FAILED and trial.value is None
    assert repr(float(bad)) in trial.error


def test_failing_objective_is_recorded_and_the_study_goes_on():
    def objective(params):
        if params["n"] > 3:
            raise ValueError("n too large for this model")
        return quadratic(params)

    study = Study(SPACE, seed=1)
    study.run(objective, n_trials=20)
    failed = [t for t in study.trials if t.state is TrialState.FAILED]
    assert failed and len(study.trials) == 20
    assert failed[0].error == "ValueError: n too large for this model"
    assert "Traceback" in failed[0].user_attrs["traceback"]


def test_objective_returning_garbage_fails_the_trial():
    study = Study(SPACE, seed=0)
    trial = study.step(lambda p: "0.3")
    assert trial.state is TrialState.FAILED and "returned str" in trial.error


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message")


def exits(params):
    raise SystemExit(3)


def raises_unprintable(params):
    raise Unprintable()


@pytest.mark.parametrize(("objective", "reason"), [
    (lambda p: 10**400, "the objective returned an int of about 401 digits, too large for a float"),
    (lambda p: Evaluation(10**400), "too large for a float"),
    (exits, "SystemExit: 3"),
    (raises_unprintable, "Unprintable: <its message could not be shown: str() raised RuntimeError>"),
], ids=["huge int", "huge int in an Evaluation", "sys.exit", "unprintable exception"])
def test_no_objective_leaves_its_trial_running(objective, reason):
    # Issue 21: each of these left the trial RUNNING for the rest of the session.
    study = Study(SPACE, seed=0)
    trial = study.step(objective)
    assert trial.state is TrialState.FAILED and reason in trial.error
    assert study.run(quadratic, 1)[0].state is TrialState.COMPLETE


def test_best_params_are_the_best_trials_as_optuna_reads_them():
    study = Study(SPACE, seed=0)
    study.run(quadratic, n_trials=5)
    assert study.best_params == dict(study.best_trial.params) and study.best_params is not study.best_params


def test_evaluation_keeps_details():
    study = Study(SPACE, seed=0)
    trial = study.step(lambda p: Evaluation(0.25, {"fold_scores": [0.2, 0.3]}))
    assert trial.value == 0.25 and trial.user_attrs["fold_scores"] == [0.2, 0.3]
    bad = study.step(lambda p: Evaluation(0.25, {"model": object()}))
    assert bad.state is TrialState.FAILED and "JSON" in bad.error


def test_tell_refuses_attributes_that_overwrite_the_optimizers_record(tmp_path):
    # {"generation": "first"} replaced the GA's record of the trial: the journal no longer resumed
    # ("corrupted or edited by hand"), and a number there would make the resumed study breed otherwise.
    path = tmp_path / "ga.jsonl"
    study = Study(SPACE, "ga", seed=0, storage=path)
    trial = study.ask()
    with pytest.raises(InvalidParameterError, match=r"`user_attrs` of Study.tell must be attributes other than the "
                                                    r"optimizer's record of trial 0 \(\['generation', .*got "
                                                    r"\{'generation': 'first'\}"):
        study.tell(trial, 1.0, user_attrs={"generation": "first", "mine": 1})
    told = study.tell(trial, 1.0, user_attrs={"generation": trial.user_attrs["generation"], "mine": 1})
    assert told.user_attrs["mine"] == 1 and len(Study.load(path).trials) == 1


def test_an_objectives_attributes_under_the_optimizers_record_are_moved_aside_and_its_value_kept(tmp_path):
    # An objective's Evaluation(user_attrs={"generation": ...}) replaced the GA's record unseen
    # (the journal no longer resumed); then its trial FAILED and the value measured was thrown
    # away (an Optuna objective continued with optuna_objective setting "acquisition", a307 t14).
    # Now the record keeps its name, the objective's value goes to "objective:generation" (again
    # prefixed while taken), the trial keeps its value, and one warning per run says so.
    def objective(params):
        return Evaluation(params["x"], {"generation": "first", "objective:generation": "taken", "mine": 1})

    path = tmp_path / "ga.jsonl"
    study = Study(SPACE, "ga", seed=0, storage=path)
    with pytest.warns(UserWarning, match=r"user_attrs \['generation'\] have names the study records .*kept as "
                                         r"\{'generation': 'objective:objective:generation'\}"):
        serial = study.step(objective)
    with warnings.catch_warnings(record=True) as caught, ThreadPoolExecutor(2) as pool:
        warnings.simplefilter("always")
        parallel = study.run(objective, n_trials=3, executor=pool)
    assert not [w for w in caught if "names the study records" in str(w.message)]  # warned once, above
    for trial in [serial, *parallel]:
        assert trial.state is TrialState.COMPLETE and trial.value == trial.params["x"]
        assert type(trial.user_attrs["generation"]) is int and trial.user_attrs["mine"] == 1
        assert trial.user_attrs["objective:objective:generation"] == "first"
        assert trial.user_attrs["objective:generation"] == "taken"
    resumed = Study.load(path)
    assert [dict(t.user_attrs) for t in resumed.trials] == [dict(t.user_attrs) for t in study.trials]
    with pytest.warns(UserWarning, match="have names the study records"):  # another study is told too (r313)
        Study(SPACE, "ga", seed=1).step(objective)
    measured = study.ask()  # a person telling a worker's Measured is refused as any person's tell
    with pytest.raises(InvalidParameterError, match="optimizer's record of trial 4"):
        study.tell(measured, Measured(1.0, None), user_attrs={"generation": "first"})


def test_numpy_details_are_kept_as_json_reads_them_back(tmp_path):
    # cross_val_score returns an array and metrics return NumPy scalars: both are kept, as the
    # plain numbers and lists a resumed journal reads back, not refused.
    study = Study(SPACE, seed=0, storage=tmp_path / "s.jsonl")
    details = {"fold_scores": np.array([0.25, 0.5]), "n_iter": np.int64(7), "fit": {"s": np.float32(1.5)},
               "ok": np.bool_(True), "pair": (1, 2)}
    trial = study.step(lambda p: Evaluation(0.25, details))
    told = study.tell(study.ask(), 1.0, user_attrs={"epochs": np.int32(3)})
    expected = {"fold_scores": [0.25, 0.5], "n_iter": 7, "fit": {"s": 1.5}, "ok": True, "pair": [1, 2]}
    assert trial.state is TrialState.COMPLETE and dict(trial.user_attrs) == expected
    assert type(trial.user_attrs["n_iter"]) is int and told.user_attrs["epochs"] == 3
    resumed = Study.load(tmp_path / "s.jsonl").trials
    assert dict(resumed[0].user_attrs) == expected and resumed[1].user_attrs["epochs"] == 3
    # JSON has no NaN: a diverged fold is kept as None (as JSON.stringify writes it), the trial kept.
    diverged = study.step(lambda p: Evaluation(0.25, {"scores": np.array([0.1, np.nan]), "loss": np.float64(np.inf),
                                                      "fit": {"last": -math.inf}}))
    told = study.tell(study.ask(), 0.5, user_attrs={"folds": [math.nan, 0.5]})
    assert diverged.state is TrialState.COMPLETE and diverged.value == 0.25
    nones = {"scores": [0.1, None], "loss": None, "fit": {"last": None}}
    assert dict(diverged.user_attrs) == nones and told.user_attrs["folds"] == [None, 0.5]
    resumed = Study.load(tmp_path / "s.jsonl").trials
    assert dict(resumed[2].user_attrs) == nones and resumed[3].user_attrs["folds"] == [None, 0.5]


def test_keyboard_interrupt_fails_the_trial_and_propagates():
    study = Study(SPACE, seed=0)
    study.run(quadratic, n_trials=2)

    def interrupted(params):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study.run(interrupted, n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAILED]
    assert "KeyboardInterrupt" in study.trials[-1].error


@pytest.mark.parametrize("journaled", [False, True])
def test_keyboard_interrupt_says_what_the_run_kept_and_how_to_go_on(tmp_path, journaled):
    path = tmp_path / "s.jsonl"
    study = Study(SPACE, seed=0, storage=path if journaled else None)
    study.run(quadratic, n_trials=2)  # an earlier run's trials are not this run's
    calls = []

    def third_interrupts(params):
        calls.append(params)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return float("nan") if len(calls) == 1 else quadratic(params)

    with pytest.raises(KeyboardInterrupt) as raised:
        study.run(third_interrupts, n_trials=5, progress=False)
    where = (f"the journal {str(path)!r} holds them; in a new process, study = Study.load({str(path)!r}) first"
             if journaled else "the study object holds them (in memory only)")
    assert raised.value.__notes__ == [
        "Study.run was interrupted: 2 trial(s) of this run finished and are kept (1 COMPLETE, 1 FAILED), 1 cut "
        f"short (FAILED, interrupted). To go on, call study.run(...) again: {where}."]
    assert [t.state.value for t in study.trials] == ["COMPLETE", "COMPLETE", "FAILED", "COMPLETE", "FAILED"]


def test_maximize_turns_values_into_losses():
    study = Study(SPACE, direction="maximize", seed=0)
    study.run(quadratic, n_trials=15)
    history = study.history()
    values = history.values
    assert study.best_value == np.nanmax(values)
    np.testing.assert_allclose(history.losses, -values)
    np.testing.assert_allclose(history.best_values, np.maximum.accumulate(values))


def test_history_is_plain_arrays():
    study = Study(SPACE, seed=0)
    study.run(lambda p: float("nan") if p["n"] == 1 else quadratic(p), n_trials=10)
    history = study.history()
    assert len(history) == 10 and history.X.shape == (10, 3)
    failed = history.states == "FAILED"
    assert np.isnan(history.values[failed]).all() and np.isfinite(history.values[~failed]).all()
    assert np.all(np.diff(history.best_values[~np.isnan(history.best_values)]) <= 0)
    assert set(history.sources) == {"random"}
    assert Study(SPACE).history().X.shape == (0, 3)


@pytest.mark.parametrize("name", ["best_trial", "best_value", "best_params"])
def test_best_trial_before_any_result_explains(name):
    # The error names what was read: best_value's reader never typed best_trial.
    with pytest.raises(TrialStateError, match=f"No trial has completed yet: Study.{name} needs"):
        getattr(Study(SPACE), name)


def test_manual_trials_are_data_for_the_optimizer():
    study = Study(SPACE, "grid", seed=0)
    manual = study.add_manual({"x": 1.0, "n": 1, "c": "a"}, 1.0, user_attrs={"who": "me"})
    assert manual.source == "manual" and manual.state is TrialState.COMPLETE
    assert study.optimizer.n_seen == 1
    assert study.best_trial is manual


def test_enqueued_params_come_first_in_order():
    study = Study(SPACE, seed=0)
    study.enqueue({"x": 0.0, "n": 2, "c": "b"})
    study.enqueue({"x": 1.0, "n": 3, "c": "a"})
    assert study.queued == [{"x": 0.0, "n": 2, "c": "b"}, {"x": 1.0, "n": 3, "c": "a"}]
    trials = study.run(quadratic, n_trials=3)
    assert [t.source for t in trials] == ["enqueued", "enqueued", "random"]
    assert trials[1].params == {"x": 1.0, "n": 3, "c": "a"} and not study.queued


def test_switch_optimizer_replays_the_trials():
    study = Study(SPACE, "sobol", seed=0)
    study.run(quadratic, n_trials=5)
    new = study.switch_optimizer("grid", resolution=3)
    assert study.optimizer is new and new.n_seen == 5
    trial = study.step(quadratic)
    assert trial.source == "grid"
    instance = RandomSearch(SPACE, seed=4)
    study.switch_optimizer(instance)
    assert study.step(quadratic).source == "random"


def test_same_seed_same_study_and_optimizer_seeds_derive_from_the_study_seed():
    a = Study(SPACE, "random", seed=42)
    b = Study(SPACE, "random", seed=42)
    a.run(quadratic, 5)
    b.run(quadratic, 5)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert a.optimizer.seed == b.optimizer.seed
    assert Study(SPACE, "random", seed=43).optimizer.seed != a.optimizer.seed


def test_subscribers_see_every_change_and_can_unsubscribe():
    study = Study(SPACE, seed=0)
    events = []
    unsubscribe = study.subscribe(lambda e: events.append((e.kind, None if e.trial is None else e.trial.number)))
    study.step(quadratic)
    study.add_manual({"x": 0.0, "n": 1, "c": "a"}, 2.0)
    study.enqueue({"x": 0.0, "n": 1, "c": "a"})
    study.switch_optimizer("sobol")
    unsubscribe()
    unsubscribe()  # twice is harmless
    study.step(quadratic)
    assert events == [("asked", 0), ("told", 0), ("added", 1), ("enqueued", None), ("switched", None)]


def test_a_failing_subscriber_warns_and_the_study_goes_on():
    study = Study(SPACE, seed=0)
    study.subscribe(lambda e: 1 / 0)
    with pytest.warns(RuntimeWarning, match="ZeroDivisionError"):
        trial = study.step(quadratic)
    assert trial.state is TrialState.COMPLETE


def test_objective_protocol_and_mismatches():
    objective = FunctionObjective(quadratic, SPACE, direction="minimize")
    study = Study(SPACE, seed=0)
    assert study.step(objective).state is TrialState.COMPLETE
    with pytest.raises(ValueError, match="study's direction"):
        Study(SPACE, direction="maximize").step(objective)
    other = FunctionObjective(quadratic, SearchSpace([Float("x", 0, 1)]))
    with pytest.raises(ValueError, match="study's search space"):
        study.run(other, 1)


class HalfBudget(RandomSearch):
    """A stand-in for a multi-fidelity optimizer: every suggestion asks for half the budget."""

    name = "half_budget"

    def _ask(self, rng):
        return Suggestion(x=rng.random(self.space.dim), budget=0.5)


def test_budgets_from_suggestions_reach_the_objective():
    seen = []

    def with_budget(params, budget=None):
        seen.append(budget)
        return 1.0

    study = Study(SPACE, HalfBudget(SPACE, seed=0))
    trial = study.step(with_budget)
    assert seen == [0.5] and trial.budget == 0.5 and study.history().budgets.tolist() == [0.5]
    # An objective that takes no budget stops the run at once (every trial would fail), and the
    # trial it was asked for is FAILED with the reason.
    with pytest.raises(InvalidParameterError, match="must be an objective with a `budget` keyword"):
        study.step(lambda params: 1.0)
    assert study.trials[-1].state is TrialState.FAILED and "budget" in study.trials[-1].error


def needs_budget(params, *, budget):
    return params["x"] * budget


NEEDS_BUDGET = ("`objective` of {owner} must be an objective that runs without `budget` (at the full budget); got "
                "{objective!r}. Trials at the full budget (those of an optimizer that does not schedule budgets, and "
                "configurations enqueued or evaluated by hand) call objective(params) without one: give budget a "
                "default for the full budget, objective(params, *, budget=None).")


@pytest.mark.parametrize("objective", [needs_budget, FunctionObjective(needs_budget, SPACE)],
                         ids=["function", "FunctionObjective"])
@pytest.mark.parametrize(("owner", "start"), [
    ("Study.run", lambda study, f: study.run(f, 3)),
    ("Study.run", lambda study, f: study.run(f, 3, n_workers=2)),  # refused before any worker starts
    ("Study.step", lambda study, f: study.step(f)),
    ("Study.add_evaluated", lambda study, f: study.add_evaluated({"x": 0.5, "n": 1, "c": "a"}, f)),
], ids=["run", "parallel run", "step", "add_evaluated"])
def test_an_objective_that_needs_a_budget_is_refused_where_trials_have_none(objective, owner, start):
    """Before: a random study ran it, and every trial FAILED (missing keyword argument 'budget')."""
    study = Study(SPACE, "random", seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(NEEDS_BUDGET.format(owner=owner, objective=objective))):
        start(study, objective)
    assert study.trials == []


def test_a_scheduler_gives_a_needed_budget_but_not_to_an_enqueued_trial():
    study = Study(SPACE, "hyperband", seed=0)
    assert study.step(needs_budget).budget is not None  # every trial it asks has one
    study.enqueue({"x": 0.5, "n": 1, "c": "a"})  # evaluated at the full budget, without one
    with pytest.raises(InvalidParameterError, match=re.escape(NEEDS_BUDGET.format(owner="Study.run",
                                                                                  objective=needs_budget))):
        study.run(needs_budget, 2)
    assert len(study.trials) == 1


def test_a_trial_without_a_budget_refuses_an_objective_that_needs_one_where_it_is_evaluated():
    """``Study.evaluate`` (what ``simulate_workers`` calls for each job) checks each trial: the
    first one FAILED with the reason and raises, rather than every trial failing alike."""
    study = Study(SPACE, "random", seed=0)
    # It named Study.step, which the person had not called.
    with pytest.raises(InvalidParameterError, match=re.escape(NEEDS_BUDGET.format(owner="Study.evaluate",
                                                                                  objective=needs_budget))):
        study.evaluate(study.ask(), needs_budget)
    assert study.trials[0].state is TrialState.FAILED and study.trials[0].error == "the objective cannot run at " \
                                                                                 "budget=None"


def test_a_scheduler_names_its_max_budget_for_an_objective_without_budget_and_a_trial_its_own():
    """Before: "(budget=81 here)", as if 81, the scheduler's max_budget, were a trial's budget."""
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 81})
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`objective` of Study.run must be an objective with a `budget` keyword; got {quadratic!r}. 'hyperband' "
            "evaluates configurations at budgets (up to max_budget=81); write objective(params, *, budget=None), or "
            "use a multi-fidelity objective.")):
        study.run(quadratic, 3)
    half = Study(SPACE, HalfBudget(SPACE, seed=0))  # not a scheduler: each trial is checked as it comes
    with pytest.raises(InvalidParameterError, match=re.escape("'half_budget' evaluates configurations at budgets "
                                                              "(this trial at budget=0.5)")):
        half.step(quadratic)
    # A parallel run checks each trial before it submits it, and records the same reason.
    with pytest.raises(InvalidParameterError, match=re.escape("(this trial at budget=0.5)")):
        half.run(quadratic, 2, n_workers=2)
    assert [t.error for t in half.trials] == ["the objective cannot run at budget=0.5"] * 2


@pytest.mark.parametrize(("objective", "signature", "why"), [
    (lambda: 1.0, "()", "too many positional arguments"),
    (lambda params, seed: 1.0, "(params, seed)", "missing a required argument: 'seed'"),
    (lambda params, *, lr: 1.0, "(params, *, lr)", "missing a required argument: 'lr'"),
    (lambda **settings: 1.0, "(**settings)", "too many positional arguments"),
], ids=["no params", "two positional", "a keyword without a default", "keywords only"])
@pytest.mark.parametrize(("owner", "start"), [
    ("Study.run", lambda study, f: study.run(f, 3)),
    ("Study.step", lambda study, f: study.step(f)),
    ("Study.add_evaluated", lambda study, f: study.add_evaluated({"x": 0.5, "n": 1, "c": "a"}, f)),
], ids=["run", "step", "add_evaluated"])
def test_an_objective_that_cannot_take_params_is_refused_before_any_trial(objective, signature, why, owner, start):
    """Before: every trial of the run FAILED with the same TypeError."""
    study = Study(SPACE, seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`objective` of {owner} must be a callable objective(params) -> float (one positional argument, the "
            f"trial's params; any other argument with a default); got {objective!r}. It is called as "
            f"objective(params); its signature {signature} does not fit: {why}.")):
        start(study, objective)
    assert study.trials == []


def test_the_signature_check_takes_the_keywords_each_call_passes_and_lets_a_builtin_through():
    def needs_report(params, *, budget=None, report):
        report(params["x"], budget)
        return params["x"]

    study = Study(SPACE, "hyperband", seed=0)
    assert study.step(lambda params, budget: budget).state is TrialState.COMPLETE  # a scheduler passes budget=
    assert study.step(needs_report).state is TrialState.COMPLETE  # a trial of the study gets report=
    with pytest.raises(InvalidParameterError, match=re.escape(  # a person's configuration does not
            "It is called as objective(params); its signature (params, *, budget=None, report) does not fit: missing "
            "a required argument: 'report'.")):
        study.add_evaluated({"x": 0.5, "n": 1, "c": "a"}, needs_report)
    assert len(study.trials) == 2
    # max has no signature to read: it runs, and its trial says what went wrong.
    assert Study(SPACE, seed=0).step(max).state is TrialState.FAILED


def test_callbacks_run_after_each_trial():
    seen = []
    Study(SPACE, seed=0).run(quadratic, 3, callbacks=[lambda s, t: seen.append(t.number)])
    assert seen == [0, 1, 2]


def test_trials_are_frozen():
    study = Study(SPACE, seed=0)
    trial = study.step(quadratic)
    with pytest.raises(TypeError):
        trial.params["x"] = 3  # type: ignore[index]
    with pytest.raises(ValueError):
        trial.x[0] = 0.5
    json.dumps(trial.to_json())


def test_ask_batch_for_optimizers_without_a_joint_proposal():
    study = Study(SPACE, "sobol", seed=0)
    trials = study.ask_batch(4)
    assert [t.number for t in trials] == [0, 1, 2, 3]
    assert len({tuple(t.params.values()) for t in trials}) == 4
    assert all(t.state is TrialState.RUNNING for t in trials) and len(study.optimizer.pending) == 4


def test_ask_batch_refuses_a_batch_past_the_optimizers_limit_naming_itself():
    # The optimizer refused it in its own name (RandomSearch.ask_batch), which the person did not call.
    study = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    with pytest.raises(InvalidParameterError, match=r"^`q` of Study.ask_batch must be an int in \[1, 10000\]; got"):
        study.ask_batch(10**9)
    assert not study.trials


@pytest.mark.parametrize(("optimizer", "settings"), [("grid", {}), ("bo", {"n_initial": 9}),
                                                     ("bo", {"n_initial": 2, "raw_samples": 16})])
def test_ask_batch_larger_than_what_is_left_asks_what_is_left(optimizer, settings):
    # It raised SearchExhausted after asking the rest: the optimizer kept them as proposed while the
    # study recorded no trial, so the points left were lost (the next ask_batch(2) raised too).
    if optimizer == "bo":
        pytest.importorskip("botorch")
    space = SearchSpace([Int("n", 0, 4), Categorical("c", ["a", "b"])])
    study = Study(space, optimizer, seed=0, optimizer_settings=settings)
    study.run(lambda p: p["n"], n_trials=3)
    trials = study.ask_batch(10_000)
    assert len(study.optimizer.pending) == len(trials) and [t.number for t in trials] == list(range(3, 10))
    assert len({tuple(t.params.values()) for t in study.trials}) == 10  # every configuration once
    for trial in trials:
        study.tell(trial, 1.0)
    study.enqueue({"n": 1, "c": "a"})  # a repeat by choice: the queue's trial is the whole batch
    assert [t.params for t in study.ask_batch(3)] == [{"n": 1, "c": "a"}]
    assert study.trials[-1].state is TrialState.RUNNING and len(study.trials) == 11


def test_undo_manual_withdraws_the_trial_and_rebuilds_the_optimizer():
    study = Study(SPACE, "random", seed=4)
    study.run(quadratic, n_trials=3)
    twin = Study(SPACE, "random", seed=4)
    twin.run(quadratic, n_trials=3)
    seen = []
    study.subscribe(lambda event: seen.append(event.kind))
    manual = study.add_manual({"x": 1.0, "n": 1, "c": "a"}, -5.0)
    assert study.undo_manual() is manual
    assert len(study.trials) == 3 and study.best_value == twin.best_value and seen == ["added", "undone"]
    assert study.ask().params == twin.ask().params  # as if the manual trial had never been added


def test_an_undone_manual_trial_leaves_the_optimizer_switched_to_after_it_in_charge_of_the_next_trial(tmp_path):
    """The switch counted the withdrawn trial: the next trial, the new optimizer's, was read as the
    old one's (run_index 0, run_of from trial 0), live and after reloading the journal."""
    study = Study(SPACE, "random", seed=0, storage=tmp_path / "study.jsonl")
    study.run(quadratic, n_trials=2)
    study.add_manual({"x": 1.0, "n": 1, "c": "a"}, 1.0)
    study.switch_optimizer("sobol")
    study.undo_manual()
    study.run(quadratic, n_trials=1)                 # trial 2, asked by sobol
    assert study.trials[2].source == "sobol"
    for state in (study.state, Study.load(study.storage).state):
        assert state.run_index(2) == 1 and state.run_of(2) == range(2, 3)
        assert state.run_index(1) == 0 and state.run_of(1) == range(0, 2)


def test_undo_manual_refuses_when_the_last_trial_is_not_manual():
    study = Study(SPACE, "random", seed=0)
    # It named `trial`, then `trials` and `trials[-1].source` "of Study.undo_manual", which takes no
    # argument: what is wrong is the study's state.
    with pytest.raises(TrialStateError, match=re.escape(
            "Study.undo_manual has nothing to withdraw: the study has no trial yet. Undo withdraws only the manual "
            "trial just added, before any other trial.")):
        study.undo_manual()
    study.add_manual({"x": 1.0, "n": 1, "c": "a"}, 1.0)
    study.step(quadratic)
    with pytest.raises(TrialStateError, match=re.escape(
            "Study.undo_manual has no manual trial to withdraw: trial 1, the study's last, came from 'random'. Undo "
            "withdraws only the manual trial just added, before any other trial. To go on without trial 1, fork the "
            "study before it, interactive_hpo.study.branching.fork_study(study, 1)")):
        study.undo_manual()
    assert len(study.trials) == 2


GOOD = {"x": 0.5, "n": 2, "c": "a"}


@pytest.mark.parametrize(("fields", "message"), [
    ({"budget": "big"}, "`budget` of Study.add_finished must be a finite real number > 0, or None (the full budget); "
                        "got 'big'."),
    ({"budget": -1}, "`budget` of Study.add_finished must be a finite real number > 0"),
    ({"intermediate_values": {"a": 2.0}}, "`intermediate_values` of Study.add_finished must be a dict whose steps "
                                          "are finite real numbers >= 0; got 'a'."),
    ({"intermediate_values": {0: "low"}}, "`intermediate_values` of Study.add_finished must be a dict whose values "
                                          "are real numbers; got {0: 'low'}. Step 0 has 'low'."),
    ({"intermediate_values": [0.5]}, "`intermediate_values` of Study.add_finished must be a dict from step to value"),
    ({"generation": "g"}, "`generation` of Study.add_finished must be an int in [0, inf); got 'g'."),
    ({"source": 3}, "`source` of Study.add_finished must be a non-empty str other than \"enqueued\""),
    ({"source": "enqueued"}, "`source` of Study.add_finished must be a non-empty str other than \"enqueued\""),
    ({"datetime_start": "yesterday"}, "`datetime_start` of Study.add_finished must be a Unix timestamp (a finite "
                                      "real number), or None (now); got 'yesterday'."),
    ({"datetime_complete": float("nan")}, "`datetime_complete` of Study.add_finished must be a Unix timestamp"),
    ({"datetime_start": 10, "datetime_complete": 5}, "`datetime_complete` of Study.add_finished must be a trial that "
                                                      "ends at or after it starts; got 5.0. It starts at 10.0 and ends "
                                                      "at 5.0."),  # a duration of -5 s was kept
    ({"datetime_start": 1e12}, "`datetime_start` of Study.add_finished must be a trial that ends at or after it "
                               "starts; got 1000000000000.0."),  # in the year 33658, after now
    ({"state": "RUNNING"}, "`state` of Study.add_finished must be one of ['COMPLETE', 'PRUNED', 'FAILED']; got "
                           "'RUNNING'."),
    ({"value": "high"}, "`value` of Study.add_finished must be a finite real number; got 'high'."),
    ({"state": "PRUNED", "value": "high"}, "`value` of Study.add_finished must be a real number or None for a PRUNED "
                                           "trial; got 'high'."),
    ({"state": "FAILED", "value": 1.0}, "`value` of Study.add_finished must be None for a FAILED trial"),
])
def test_add_finished_checks_every_field_before_it_records_anything(tmp_path, fields, message):
    path = tmp_path / "s.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    kwargs = {"state": TrialState.COMPLETE, "value": 1.0, "source": "elsewhere", **fields}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        study.add_finished(GOOD, **kwargs)
    assert study.trials == [] and len(path.read_text().splitlines()) == 1
    assert Study.load(path).history().budgets.shape == (0,)


def test_add_finished_takes_a_state_by_name_and_numpy_numbers_as_the_numbers_they_hold(tmp_path):
    path = tmp_path / "s.jsonl"
    study = Study(SPACE, seed=0, storage=path)
    trial = study.add_finished(GOOD, state="PRUNED", value=np.float32(0.5), source="elsewhere",
                               intermediate_values={np.int64(0): np.float32(0.75), np.float64(1.5): np.inf},
                               budget=np.float32(0.25), generation=np.int64(2), datetime_start=np.float64(10.0),
                               datetime_complete=np.int64(12))
    assert trial.state is TrialState.PRUNED and trial.value == 0.5 and trial.budget == 0.25
    assert trial.generation == 2 and type(trial.generation) is int and trial.duration == 2.0
    loaded = Study.load(path).trials[0]
    assert loaded.budget == 0.25 and loaded.generation == 2 and loaded.value == 0.5
    assert list(loaded.intermediate_values) == [0, 1.5] and np.isnan(loaded.intermediate_values[1.5])
    np.testing.assert_array_equal(Study.load(path).history().budgets, [0.25])


def test_a_person_may_type_a_state_in_any_case():
    study = Study(SPACE, seed=0)  # "failed" was refused: "Did you mean 'FAILED'?"
    assert study.tell(study.ask(), state="failed").state is TrialState.FAILED
    assert study.add_finished(GOOD, value=0.5, state="Pruned", source="elsewhere").state is TrialState.PRUNED
    with pytest.raises(InvalidParameterError, match="must be one of"):
        study.tell(study.ask(), state="running")


def test_add_finished_with_a_value_is_complete_by_default():
    study = Study(SPACE, seed=0)
    trial = study.add_finished(GOOD, value=1.0, budget=0.5, source="elsewhere")  # was "`state` ... got None"
    assert trial.state is TrialState.COMPLETE and trial.value == 1.0 and trial.budget == 0.5


@pytest.mark.parametrize(("call", "message"), [
    # Each was Python's "OwnTrials.add_manual() got an unexpected keyword argument 'budget'", naming a mixin.
    (lambda s: s.add_manual(GOOD, 1.0, budget=0.5),
     "`budget` of Study.add_manual must be left out: Study.add_manual takes params, value, user_attrs, constraints; "
     "got 0.5. Study.add_manual records a COMPLETE trial at the study's full budget, finished now; one with its own "
     "`budget` goes in with study.add_finished(params, value=..., budget=0.5, source=\"manual\")."),
    (lambda s: s.add_manual(GOOD, 1.0, state="PRUNED"), "goes in with study.add_finished(params, value=..., "
                                                         "state='PRUNED', source=\"manual\")."),
    (lambda s: s.add_manual(GOOD, 1.0, source="me"),
     "`source` of Study.add_manual must be left out: Study.add_manual takes params, value, user_attrs, constraints; "
     "got 'me'. Study.add_manual's trials are \"manual\"; study.add_completed(params, value, source=...) records "
     "another."),
    (lambda s: s.add_manual(GOOD, 1.0, user_atrs={}), "got {}. Did you mean 'user_attrs'?"),
    (lambda s: s.add_evaluated(GOOD, quadratic, budget=0.5),
     "`budget` of Study.add_evaluated must be left out: Study.add_evaluated takes params, objective, user_attrs; got "
     "0.5. Study.add_evaluated evaluates at the full budget; for another `budget`, evaluate it yourself and record it "
     "with study.add_finished(params, value=..., budget=0.5, source=\"manual\")."),
    (lambda s: s.add_completed(GOOD, 1.0, source="notes", budget=0.5),
     "study.add_finished(params, value=..., budget=0.5, source=...)."),
    (lambda s: s.add_finished(GOOD, values=1.0, source="notes"),
     "`values` of Study.add_finished must be left out: Study.add_finished takes params, state, value, source, "
     "user_attrs, intermediate_values, budget, generation, constraints, datetime_start, datetime_complete; got 1.0. "
     "Did you mean 'value'?"),
    (lambda s: s.undo_manual(force=True),  # was "takes ; got True"
     "`force` of Study.undo_manual must be left out: Study.undo_manual takes no argument; got True."),
    # Was "Running.run() got an unexpected keyword argument 'n_jobs'": Optuna's keyword, and a mixin's name.
    (lambda s: s.run(quadratic, n_trials=5, n_jobs=2),
     "`n_jobs` of Study.run must be left out: Study.run takes objective, n_trials, callbacks, timeout, n_workers, "
     "executor, trial_timeout, on_worker_loss, on_interrupt, progress; got 2. Did you mean 'n_workers'?"),
    (lambda s: s.run(quadratic, 5, show_progress_bar=True), "got True. Did you mean 'progress'?"),
    (lambda s: s.step(quadratic, n_trials=1),
     "`n_trials` of Study.step must be left out: Study.step takes objective; got 1."),
])
def test_a_keyword_a_study_method_does_not_take_is_refused_naming_the_study_and_the_call_that_takes_it(call, message):
    study = Study(SPACE, seed=0)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(study)
    assert study.trials == []


def test_a_wrong_call_of_an_add_method_names_the_study_not_its_mixin():
    study = Study(SPACE, "hyperband", seed=0)
    with pytest.raises(TypeError, match=re.escape("Study.add_manual() missing 1 required positional argument")):
        study.add_manual(GOOD)  # was OwnTrials.add_manual()
    with pytest.raises(TypeError, match=re.escape("Study.undo_manual() takes 1 positional argument but 2")):
        study.undo_manual(0)
    # What the refusal of add_manual(..., budget=0.5) says to do works, and is undone as a manual trial.
    trial = study.add_finished(GOOD, value=1.0, budget=0.5, source="manual")
    assert trial.budget == 0.5 and study.undo_manual() is trial and study.trials == []


def test_a_failed_trial_takes_no_value():
    study = Study(SPACE, seed=0)
    trial = study.ask()
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`value` of Study.tell must be None for a FAILED trial (a failed trial has no value); got 1.0. Keep "
            "what it measured in user_attrs, or finish it PRUNED to keep its last value.")):
        study.tell(trial, 1.0, state="FAILED")
    assert study.tell(trial, state="FAILED", user_attrs={"loss": 1.0}).user_attrs["loss"] == 1.0


@pytest.mark.parametrize("method", ["population", "surrogate", "finished_before"])
def test_a_past_step_that_is_no_trial_is_named_step(method):
    study = Study(SPACE, seed=0)
    study.run(quadratic, 2)
    with pytest.raises(InvalidParameterError, match=re.escape(
            f"`step` of Study.{method} must be a trial of this study (number in [0, 2)); got -1.")):
        getattr(study, method)(step=-1)


def test_a_trial_added_from_elsewhere_cannot_claim_the_queue():
    study = Study(SPACE, seed=0)
    study.enqueue(GOOD)
    with pytest.raises(InvalidParameterError, match="`source` of Study.add_completed must be a non-empty str"):
        study.add_completed(GOOD, 1.0, source="enqueued")
    assert study.queued == [GOOD] and study.ask().source == "enqueued"


@pytest.mark.parametrize(("directions", "objective", "shown"), [
    # A typo in the objective failed all 100 trials of a run, in silence, one after another.
    (None, lambda p: 1 / 0, "ZeroDivisionError: division by zero"),
    (None, lambda p: math.nan, "the objective returned nan"),
    # Each error showed the value returned, so no two were alike and it never warned (a305 M1).
    (["minimize", "minimize"], lambda p: (p["x"], 1.0, 2.0),
     "`value` of the objective must be 2 values, one per objective ['objective 0', 'objective 1'] (a tuple, a list "
     "or a dict by name); got ("),
    # An objective that raised the package's own error (an argument computed from the params).
    (None, lambda p: Float("y", 3.0, p["x"]), "InvalidParameterError: `high` of Float('y') must be greater than"),
])
def test_a_run_whose_first_trials_all_fail_alike_warns_once_and_goes_on(directions, objective, shown):
    with pytest.warns(UserWarning, match=r"first 5 trials of this run all failed the same way.*" + re.escape(shown)) \
            as caught:
        trials = Study(SPACE, seed=0, directions=directions).run(objective, n_trials=8)
    assert len([w for w in caught if "all failed" in str(w.message)]) == 1 and len(trials) == 8


@pytest.mark.parametrize(("directions", "objective"), [
    (None, lambda p: quadratic(p) if p["n"] < 4 else 1 / 0),   # a region fails: some of the first trials complete
    (None, lambda p: 1 / 0 if p["n"] % 2 else {}["missing"]),   # failures, but not one error
    (None, lambda p: math.nan if p["n"] % 2 else math.inf),     # non-finite, but not alike
    # Two rules broken by turns: of length, and of the values' type.
    (["minimize", "minimize"], lambda p: (p["x"],) * (2 + p["n"] % 2) if p["c"] == "a" else (p["x"], "high")),
])
def test_failures_that_do_not_say_the_objective_is_broken_do_not_warn(directions, objective):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Study(SPACE, seed=0, directions=directions).run(objective, n_trials=8)


def test_a_failure_s_kind_is_the_rule_it_broke_without_the_value():
    three = str(fail("value", "the objective", "2 values", (0.1, 0.2, 0.3), hint="Return two."))
    raised = "InvalidParameterError: " + str(fail("value", "the objective", "2 values", [[1], "; got "], hint="x\ny"))
    assert failure_kind(three) == "`value` of the objective must be 2 values"
    assert failure_kind(raised) == "InvalidParameterError: `value` of the objective must be 2 values"
    others = [str(fail("values", "the objective", "2 values", 1)), str(fail("value", "Study.tell", "2 values", 1)),
              str(fail("value", "the objective", "3 values", 1))]
    assert len({failure_kind(text) for text in [three, *others]}) == 4
    for text in ("ZeroDivisionError: division by zero", "the objective returned nan", "`x` of y", ""):
        assert failure_kind(text) == text  # any other text is its own kind, whole


def test_a_study_may_search_part_of_its_objectives_space_and_no_more():
    """A ready objective declares its space; a study of narrower bounds (or fewer choices) was
    refused, and the only way round it, a lambda, also skipped the checks of what is wider."""
    from interactive_hpo.objectives import Branin

    narrow = SearchSpace([Float("x0", 0.0, 5.0), Float("x1", 0.0, 10.0)])
    trials = Study(narrow, "random", seed=0).run(Branin(), n_trials=3)
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert all(0 <= t.params["x0"] <= 5 for t in trials)
    wide = SearchSpace([Float("x0", 0.0, 50.0), Float("x1", 0.0, 10.0)])
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Study.run must be an objective over the study's search space or a wider one; got "
            "Branin(dim=2, noise_std=0.0). The study's Float('x0', low=0.0, high=50.0, log=False) must be within the "
            "objective's Float('x0', low=-5.0, high=10.0, log=False): The objective does not take 50.0.")):
        Study(wide, "random", seed=0).run(Branin(), n_trials=1)
    reordered = SearchSpace([Float("x1", 0.0, 10.0), Float("x0", 0.0, 5.0)])   # the objective gets a dict
    assert Study(reordered, "random", seed=0).run(Branin(), n_trials=1)[0].state is TrialState.COMPLETE
    renamed = SearchSpace([Float("a", 0.0, 5.0), Float("x1", 0.0, 10.0)])
    with pytest.raises(InvalidParameterError, match=re.escape(
            "The objective takes ['x0', 'x1']; the study searches ['a', 'x1'].")):
        Study(renamed, "random", seed=0).run(Branin(), n_trials=1)


@pytest.mark.parametrize("numeric, hint", [
    (Int("n", 1, 3), "The objective does not take 2."),  # an Int over choices [1, 3] proposed 2
    (Float("n", 1.0, 3.0), "The objective takes only its choices; a Float proposes the values between them."),
])
def test_a_number_over_an_objectives_choices_must_propose_only_them(numeric, hint):
    objective = FunctionObjective(lambda p: p["n"], SearchSpace([Categorical("n", [1, 3])]))
    with pytest.raises(InvalidParameterError, match=re.escape(hint)):
        Study(SearchSpace([numeric]), "random", seed=0).run(objective, n_trials=1)
    Study(SearchSpace([Int("n", 1, 3)]), "random", seed=0).run(
        FunctionObjective(lambda p: p["n"], SearchSpace([Categorical("n", [3, 1, 2])])), n_trials=1)


def test_what_evaluate_returns_is_told_as_it_is_with_its_constraints_and_details():
    study = Study(SPACE, "random", seed=0)
    trial = study.ask()
    outcome = study.evaluate(trial, lambda p: Evaluation(quadratic(p), {"epochs": 3}, constraints=[0.5]))
    done = study.tell(trial, outcome, user_attrs={"note": "by hand"})  # was refused: not a real number
    assert done.state is TrialState.COMPLETE and done.value == quadratic(trial.params)
    assert done.constraints == (0.5,) and not done.feasible and done.user_attrs == {"epochs": 3, "note": "by hand"}
    failed = study.ask()
    assert study.tell(failed, study.evaluate(failed, lambda p: 1 / 0)).state is TrialState.FAILED
    last = study.ask()
    with pytest.raises(InvalidParameterError, match=re.escape("`state` of Study.tell must be None when the value "
                                                              "is an Outcome (it carries its own); got 'PRUNED'.")):
        study.tell(last, study.evaluate(last, quadratic), state="PRUNED")


def test_an_objectives_attributes_named_as_what_stopped_its_trial_are_moved_aside_too():
    # {"pruner": ...} from an objective replaced the pruner's verdict unseen (r313); forks carry it.
    def objective(params, *, report):
        for epoch in range(3):
            report(params["x"], epoch)
        return Evaluation(params["x"], {"pruner": "my own pruner's name"})

    study = Study(SPACE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=1))
    with pytest.warns(UserWarning, match=r"user_attrs \['pruner'\] have names the study records"):
        done = study.step(objective)
    assert done.user_attrs["pruner"]["decision"] == "continue"
    assert done.user_attrs["objective:pruner"] == "my own pruner's name"
