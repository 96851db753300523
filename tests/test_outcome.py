"""One function calls an objective: the serial path, the workers, the Lab and races agree."""

from __future__ import annotations

import math

import cloudpickle
import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, InvalidParameterError, SearchSpace, Study, TrialPruned, TrialState
from interactive_hpo.execution.parallel import evaluate_remote
from interactive_hpo.outcome import Outcome, call_objective

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
    "bad attrs": (returns(Evaluation(0.5, {1: 2})), TrialState.FAILED, "`user_attrs` of Evaluation"),
    # Fuzz round 3: numpy values (scikit-learn's fold scores) failed a trial whose value was fine.
    "numpy attrs": (returns(Evaluation(0.5, {"folds": np.array([0.8, 0.9]), "best": [np.int64(3)]})),
                    TrialState.COMPLETE, None),
    # Fuzz A2: an infinite constraint broke the journal's write and left the trial RUNNING.
    "an infinite constraint": (returns(Evaluation(0.5, constraints=[math.inf])), TrialState.FAILED,
                               "`constraints` of Evaluation must be None or a list of finite real numbers"),
    "a constraint too large": (returns(Evaluation(0.5, constraints=[10**400])), TrialState.FAILED,
                               "`constraints` of Evaluation must be None or a list of finite real numbers"),
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


def test_keywords_are_given_only_to_objectives_that_take_them():
    seen = []

    def takes_both(params, *, budget=None, report=None):
        seen.append((budget, report is not None))
        report(1.0, 1)
        return 0.0

    def reporter(value, step):
        raise TrialPruned("stop")

    outcome = call_objective(takes_both, {"x": 0.1}, budget=0.5, report=reporter)
    assert outcome == Outcome(TrialState.PRUNED, None, {}) and seen == [(0.5, True)]
    plain = call_objective(lambda params: params["x"], {"x": 0.1}, report=reporter)
    assert plain == Outcome(TrialState.COMPLETE, 0.1, {})


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
    assert len(study.trials) == 1


@pytest.mark.parametrize("value", [[0.3], (0.3,), {"loss": 0.3}])
def test_several_values_for_one_objective_say_why(value):
    for returned in (value, np.array(value) if isinstance(value, list) else value):
        trial = Study(SPACE, seed=0).step(returns(returned))
        assert trial.state is TrialState.FAILED
        assert "must be a finite real number" in trial.user_attrs["error"]
        assert "The study has one objective: return one number" in trial.user_attrs["error"]
