"""One function calls an objective: the serial path, the workers, the Lab and races agree."""

from __future__ import annotations

import copy
import math
import pickle
import re

import cloudpickle
import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, InvalidParameterError, SearchSpace, Study, TrialPruned, TrialState
from interactive_hpo.execution.worker import evaluate_remote
from interactive_hpo.outcome import (
    Outcome,
    StudyPruned,
    call_objective,
    check_budget_keyword,
    check_budget_range,
    check_signature,
)

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def returns(value):
    return lambda params: value


def raises(error):
    def objective(params):
        raise error

    return objective


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no")


CASES = {
    "a float": (returns(0.25), TrialState.COMPLETE, None),
    "an Evaluation": (returns(Evaluation(0.5, {"fold": 1})), TrialState.COMPLETE, None),
    "NaN": (returns(math.nan), TrialState.FAILED, "the objective returned nan"),
    "an int too large": (returns(10**400), TrialState.FAILED, "too large for a float"),
    "a string": (returns("0.3"), TrialState.FAILED, "the objective returned str '0.3'"),
    # Built inside the objective (an Evaluation refuses them where it is built): its trial fails with the message.
    "bad attrs": (lambda params: Evaluation(0.5, {1: 2}), TrialState.FAILED, "`user_attrs` of Evaluation"),
    # Its value too: the trial said "the objective returned str 'abc'", as if no Evaluation had been built.
    "an Evaluation of a string": (lambda params: Evaluation("abc"), TrialState.FAILED,
                                  "InvalidParameterError: `value` of Evaluation must be a real number"),
    # A NaN or an infinity is a result, not a mistake: the trial fails as for a bare one.
    "an Evaluation of NaN": (returns(Evaluation(math.nan, {"fold": 1})), TrialState.FAILED,
                             "the objective returned nan"),
    "an Evaluation of inf": (returns(Evaluation(np.float64(math.inf))), TrialState.FAILED,
                             "the objective returned inf"),
    # Fuzz round 3: numpy values (scikit-learn's fold scores) failed a trial whose value was fine.
    "numpy attrs": (returns(Evaluation(0.5, {"folds": np.array([0.8, 0.9]), "best": [np.int64(3)]})),
                    TrialState.COMPLETE, None),
    # Fuzz A2: an infinite constraint broke the journal's write and left the trial RUNNING.
    "an infinite constraint": (lambda params: Evaluation(0.5, constraints=[math.inf]), TrialState.FAILED,
                               "`constraints` of Evaluation must be None or a list of finite real numbers"),
    "a constraint too large": (lambda params: Evaluation(0.5, constraints=[10**400]), TrialState.FAILED,
                               "`constraints` of Evaluation must be None or a list of finite real numbers"),
    # A walk through the README: a 0-d array (or a torch loss) failed every trial.
    "a 0-d array": (returns(np.array(0.25)), TrialState.COMPLETE, None),
    "an Evaluation of a 0-d array": (returns(Evaluation(np.array(0.25), {"fold": 1})), TrialState.COMPLETE, None),
    "a 0-d bool array": (returns(np.array(True)), TrialState.FAILED, "the objective returned bool True"),
    "ValueError": (raises(ValueError("bad fold")), TrialState.FAILED, "ValueError: bad fold"),
    "SystemExit": (raises(SystemExit(3)), TrialState.FAILED, "SystemExit: 3"),
    "an unprintable error": (raises(Unprintable()), TrialState.FAILED, "Unprintable: <its message could not be"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_serial_path_and_a_worker_read_an_objective_the_same_way(case):
    objective, state, error = CASES[case]
    got_state, value, attrs = call_objective(objective, {"x": 0.5})
    assert got_state is state
    assert (error is None) == (value is not None) and (error is None or error in attrs["error"])
    serial = Study(SPACE, seed=0).step(objective)
    assert (serial.state, serial.value, serial.user_attrs.get("error")) == (got_state, value, attrs.get("error"))
    remote_state, remote_value, remote_attrs = evaluate_remote(case, cloudpickle.dumps(objective), {"x": 0.5}, None)
    assert (remote_state, remote_value, remote_attrs.get("error")) == (state.value, value, attrs.get("error"))


def test_0d_tensors_count_as_the_numbers_they_hold_wherever_a_value_is_given():
    torch = pytest.importorskip("torch")
    loss = torch.tensor(0.25, requires_grad=True) * 2  # a training loop's loss, not detached

    def train(params, *, report):
        for epoch in np.arange(2):
            report(loss, epoch)
        return loss

    study = Study(SPACE, seed=0)
    assert study.step(train).intermediate_values == {0: 0.5, 1: 0.5}
    assert study.tell(study.ask(), np.array(0.5)).value == study.add_manual({"x": 0.5}, loss).value == 0.5
    assert study.tell(study.ask(), torch.tensor(0.5), state="PRUNED").value == 0.5
    several = Study(SPACE, directions=["minimize", "maximize"], seed=0)
    measured = several.step(lambda p: Evaluation((loss, np.array(0.75)), constraints=[torch.tensor(-1.0)]))
    assert (measured.state, measured.values, measured.constraints) == (TrialState.COMPLETE, (0.5, 0.75), (-1.0,))
    assert several.step(lambda p: {"objective 0": loss, "objective 1": loss}).values == (0.5, 0.5)
    assert several.step(lambda p: torch.stack([loss, loss * 3])).values == (0.5, 1.5)  # a 1-D tensor, as an array
    told = several.tell(several.ask(), torch.tensor([0.25, 0.75]), constraints=torch.tensor([-1.0]))
    assert (told.values, told.constraints) == ((0.25, 0.75), (-1.0,))  # by hand too: they were refused
    with pytest.raises(InvalidParameterError, match="`value` of Study.tell must be a real number"):
        study.tell(study.ask(), torch.tensor([0.5]))  # one element, but an array of them: several values


def test_keywords_are_given_only_to_objectives_that_take_them():
    seen = []

    def takes_both(params, *, budget=None, report=None):
        seen.append((budget, report is not None))
        report(1.0, 1)
        return 0.0

    def reporter(value, step):  # a study's report: its stop is the study's, not the objective's reason
        raise StudyPruned("stop")

    outcome = call_objective(takes_both, {"x": 0.1}, budget=0.5, report=reporter)
    assert outcome == Outcome(TrialState.PRUNED, None, {}) and seen == [(0.5, True)]

    def gives_up(params):  # the objective's own TrialPruned: its message is the trial's reason
        raise TrialPruned("diverged")

    given_up = call_objective(gives_up, {"x": 0.1})
    assert given_up == Outcome(TrialState.PRUNED, None, {"pruned_reason": "diverged"})
    plain = call_objective(lambda params: params["x"], {"x": 0.1}, report=reporter)
    assert plain == Outcome(TrialState.COMPLETE, 0.1, {})


def report_nothing(value, step):
    pass


@pytest.mark.parametrize("objective", [
    lambda: 0.0, lambda params: 0.0, lambda params, seed: 0.0, lambda params, seed=0: 0.0, lambda *args: 0.0,
    lambda **kwargs: 0.0, lambda *, params: 0.0, lambda params, /: 0.0, lambda params, *, budget: 0.0,
    lambda params, *, budget=None: 0.0, lambda params, *, report: 0.0, lambda params, *, lr: 0.0,
    lambda params, budget, report: 0.0,
])
@pytest.mark.parametrize("keywords", [(), ("budget",), ("report",), ("budget", "report")])
def test_the_checks_refuse_exactly_what_call_objective_cannot_call(objective, keywords):
    """The checks a study makes before its first trial (the budget, then the signature) and the
    call each trial makes agree: nothing refused fails alike every time, nothing let through does."""
    budget = 0.5 if "budget" in keywords else None
    try:
        check_budget_keyword(objective, budget, "test", "test")
        check_signature(objective, "test", keywords)
        refused = False
    except InvalidParameterError:
        refused = True
    outcome = call_objective(objective, {"x": 0.1}, budget=budget, report=report_nothing if "report" in keywords
                             else None)
    assert refused == (outcome.state is TrialState.FAILED and "TypeError" in outcome.user_attrs["error"])


def test_keyboard_interrupt_is_not_a_result():
    with pytest.raises(KeyboardInterrupt):
        call_objective(raises(KeyboardInterrupt()), {"x": 0.1})


def test_add_evaluated_records_your_configuration_or_nothing():
    study = Study(SPACE, direction="maximize", seed=0)
    trial = study.add_evaluated({"x": 0.3}, lambda p: Evaluation(2 * p["x"], {"fold": 1}), user_attrs={"by": "me"})
    assert (trial.source, trial.value, dict(trial.user_attrs)) == ("manual", 0.6, {"fold": 1, "by": "me"})
    with pytest.raises(InvalidParameterError, match=r"`params` of Study.add_evaluated must be a configuration the "
                                                    r"objective can evaluate.*ZeroDivisionError"):
        study.add_evaluated({"x": 0.0}, lambda p: 1 / p["x"])
    with pytest.raises(InvalidParameterError, match=r"got \{'x': 0.1\}. Evaluating it failed: the objective returned "
                                                    r"nan; no trial was recorded.$"):  # was "The objective gave the"
        study.add_evaluated({"x": 0.1}, lambda p: float("nan"))
    assert len(study.trials) == 1
    # A scheduler's study: your trial is evaluated without a budget, so no budget keyword is needed
    # (a check meant for the scheduler's own trials had refused it).
    halving = Study(SPACE, "halving", seed=0)
    assert halving.add_evaluated({"x": 0.3}, lambda p: p["x"] ** 2).value == pytest.approx(0.09)


def test_tell_and_add_manual_take_the_evaluation_a_task_returned():
    """``study.tell(trial, task(trial.params))`` and ``study.add_manual(p, task(p))`` with a task
    that returns an Evaluation (SklearnCV's) keep what the objective's trial would: its value,
    constraints and details (yours added). Both were refused: "must be a finite real number;
    got Evaluation(...)" (audit a391)."""
    def task(params):
        return Evaluation(2 * params["x"], {"folds": [0.5, 0.7]}, [params["x"] - 0.5])

    study = Study(SPACE, "random", direction="maximize", seed=0)
    trial = study.ask()
    told = study.tell(trial, task(trial.params), user_attrs={"by": "me"})
    run = study.step(task)
    added = study.add_manual({"x": 0.5}, task({"x": 0.5}), user_attrs={"by": "me"})
    for kept in (told, added):
        assert kept.state is TrialState.COMPLETE and kept.value == 2 * kept.params["x"]
        assert kept.constraints == (kept.params["x"] - 0.5,)
        assert dict(kept.user_attrs) == {**run.user_attrs, "folds": [0.5, 0.7], "by": "me"}
    assert added.source == "manual" and study.best_trial.number == added.number  # the best feasible: 0.5 - 0.5 <= 0
    # Its constraints and yours: one set would be dropped unseen.
    with pytest.raises(InvalidParameterError, match=r"`constraints` of Study.add_manual must be None when the value "
                                                    r"is an Evaluation with constraints \(it carries its own\); "
                                                    r"got \[0.0\]"):
        study.add_manual({"x": 0.3}, task({"x": 0.3}), constraints=[0.0])
    assert study.add_manual({"x": 0.2}, Evaluation(0.4), constraints=[-1.0]).constraints == (-1.0,)
    # Its details and yours, one key with two values: the task's was replaced unseen (review r397).
    refusal = ("`user_attrs` of Study.tell must be attributes other than the Evaluation's own, or equal to them; "
               "got {'folds': 2}. The Evaluation holds {'folds': [0.5, 0.7]}.")
    with pytest.raises(InvalidParameterError, match=re.escape(refusal)):
        study.tell(study.ask(), task({"x": 0.1}), user_attrs={"folds": 2})
    # A NaN in it fails the trial as a NaN told plainly does; one that does not fit the goals is refused.
    assert study.tell(study.ask(), Evaluation(math.nan, {}, [0.0])).state is TrialState.FAILED
    with pytest.raises(InvalidParameterError, match="`value` of Study.add_manual must be a finite real number"):
        study.add_manual({"x": 0.3}, Evaluation((0.1, 0.2)))


@pytest.mark.parametrize("value", [[0.3], (0.3,), {"loss": 0.3}])
def test_several_values_for_one_objective_say_why(value):
    for returned in (value, np.array(value) if isinstance(value, list) else value):
        trial = Study(SPACE, seed=0).step(returns(returned))
        assert trial.state is TrialState.FAILED
        assert "must be a finite real number" in trial.user_attrs["error"]
        assert "The study has one objective: return one number" in trial.user_attrs["error"]


def test_only_a_failed_trial_has_an_error():
    # An objective's own "error" (an error rate) made a COMPLETE trial's `error` 0.03.
    study = Study(SPACE, "random", seed=0)
    study.run(lambda params: Evaluation(value=params["x"], user_attrs={"error": 0.03}), n_trials=1)
    study.run(raises(ValueError("bad x")), n_trials=1)
    complete, failed = study.trials
    assert complete.user_attrs["error"] == 0.03 and complete.error is None
    assert failed.state is TrialState.FAILED and failed.error == "ValueError: bad x"


def test_an_evaluation_holds_what_it_was_given_and_the_study_records_it_as_read():
    """Checked where it is built, and read when the study takes it: fold scores appended after
    the Evaluation was built are recorded whole (a snapshot at build time recorded []), NumPy
    values as Python ones, and a detail made bad after the check fails the trial, naming it."""
    scores: list = []

    def filled_after(params):
        evaluation = Evaluation(params["x"], {"folds": scores, "best": np.int64(3)}, np.array([-1.0]))
        scores.extend([np.float64(0.8), 0.9])
        return evaluation

    space = SearchSpace([Float("x", 0.0, 1.0)])
    trial = Study(space, "random", seed=0).step(filled_after)
    assert trial.user_attrs["folds"] == [0.8, 0.9] and trial.user_attrs["best"] == 3 and trial.constraints == (-1.0,)
    assert Evaluation(0.5, None).user_attrs is None and Evaluation(0.5).constraints is None

    def spoiled_after(params):
        evaluation = Evaluation(params["x"], {"folds": scores})
        scores.append(scores)  # contains itself now
        return evaluation

    failed = Study(space, "random", seed=0).step(spoiled_after)
    assert failed.state == TrialState.FAILED and "user_attrs" in failed.error
    again = pickle.loads(pickle.dumps(Evaluation(0.5, {"a": 1}, [0.5])))  # a process pool's way back
    assert (again.value, again.user_attrs, again.constraints) == (0.5, {"a": 1}, [0.5])
    assert copy.deepcopy(again).user_attrs == {"a": 1}


def declaring(budget_range):
    def objective(params, *, budget=None):
        return 0.0

    objective.budget_range = budget_range
    return objective


@pytest.mark.parametrize(("budget_range", "budgets", "message"), [
    ("all", (1, 27), "`objective` of test must be an objective whose budget_range is None or (low, high), real "
                     "numbers with low < high (it takes budgets low < b <= high); got <function"),
    ((1.0,), (1, 27), "Its budget_range is (1.0,)."),
    ((1, 0), (0.5, 1), "Its budget_range is (1, 0)."),
    ((0, math.inf), (1, 27), "Its budget_range is (0, inf)."),
    ((0, 1), (1 / 9, 3), "`max_budget` of 'asha' in test must be a budget the objective takes, in (0, 1]; got 3. "),
    ((0, 1), (1 / 9, 3), "Set max_budget=1 and min_budget=0.03703703704, the same rungs in its units."),
    ((2, 81), (1, 100), "Set max_budget=81."),  # min_budget 0.81 would be below its range: none suggested
    ((2, 81), (0.5, 1), "`max_budget` of 'asha' in test must be a budget the objective takes, in (2, 81]; got 1. "
                        "<function"),
    ((2, 81), (0.5, 1), "every job at 2 or below would fail. Set max_budget above 2."),
    ((2, 81), (2, 27), "`min_budget` of 'asha' in test must be a budget the objective takes, in (2, 81]; got 2. "),
    ((0, 1), (None, 3), "(the study counts those at max_budget). Set max_budget=1."),  # a scheduler without min_budget
])
def test_a_declared_budget_range_refuses_the_budgets_beyond_it(budget_range, budgets, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        check_budget_range(declaring(budget_range), *budgets, "test", "asha")


@pytest.mark.parametrize(("budget_range", "budgets"), [
    (None, (1, 27)), ((0, 1), (1 / 27, 1)), ((0, 1), (0.5, 0.5)), ((2, 81), (3, 81)), ([0, 1.0], (0.1, 1)),
    ((0, 1), (None, 1))])  # a scheduler of one's own need not say its smallest budget (it raised AttributeError)
def test_budgets_within_the_declared_range_or_none_declared_pass(budget_range, budgets):
    check_budget_range(declaring(budget_range), *budgets, "test", "asha")
