"""Bad input to the gradient-based tools: the parameter, the rule and the value, where it was typed."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("torch")

from interactive_hpo import Float, HypergradientDescent, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.gradient import (  # noqa: E402
    BilevelObjective,
    LogisticProblem,
    MLPProblem,
    RidgeProblem,
    exact_ridge,
    experiments,  # noqa: E402
    finite_differences,
    forward_mode,
    hypergradient,
    implicit,
    online_learning_rate,
    reverse_mode,
)
from interactive_hpo.gradient.experiments import (  # noqa: E402
    NeumannRate,
    compare_with_black_box,
    implicit_errors,
    mode_costs,
    neumann_rate,
)

RIDGE = RidgeProblem()
MLP = MLPProblem(hidden=4, steps=3)
SPACE = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])

CASES = [
    (lambda: RidgeProblem(features="cubic"), "`features` of RidgeProblem must be one of ['linear', 'quadratic']; "
                                             "got 'cubic'."),
    (lambda: LogisticProblem("iris"), "`dataset` of LogisticProblem must be one of ['breast_cancer', 'digits']; "
                                      "got 'iris'."),
    (lambda: MLPProblem(hidden=0), "`hidden` of MLPProblem must be an int in [1, 4096]; got 0."),
    (lambda: MLPProblem(hidden=10**9), "`hidden` of MLPProblem must be an int in [1, 4096]; got 1000000000."),
    (lambda: implicit(RIDGE, [0.0, 1.0]), "`theta` of implicit must be finite log-hyperparameters of shape (1,) "
                                          "for ('alpha',); got [0.0, 1.0]."),
    (lambda: implicit(RIDGE, [np.nan]), "`theta` of implicit must be finite log-hyperparameters of shape (1,) "
                                        "for ('alpha',); got [nan]."),
    (lambda: implicit(RIDGE, [0.0], solver="lu"), "`solver` of implicit must be one of ['cg', 'neumann']; got 'lu'."),
    (lambda: implicit(RIDGE, [0.0], iterations=-1), "`iterations` of implicit must be an int in [1, 10000]; got -1."),
    # 0 conjugate-gradient steps returned an exact [-0.] (the true gradient is 0.10): the error study keeps k = 0.
    (lambda: implicit(RIDGE, [0.0], iterations=0), "`iterations` of implicit must be an int in [1, 10000]; got 0. "
                                                   "With 0 the solve has not started"),
    (lambda: hypergradient(RIDGE, 0.0, "implicit", iterations=0), "`iterations` of hypergradient must be an int in "
                                                                  "[1, 10000]; got 0."),
    (lambda: implicit(RIDGE, [[0.0]]), "`theta` of implicit must be finite log-hyperparameters of shape (1,)"),
    (lambda: implicit(MLP, 0.0), "`theta` of implicit must be finite log-hyperparameters of shape (2,) for "
                                 "('weight_decay', 'learning_rate'); got 0.0."),
    (lambda: reverse_mode(MLP, [-7.0, 0.0], steps=0), "`steps` of reverse_mode must be an int in [1, 10000]; got 0."),
    (lambda: reverse_mode(MLP, [-7.0, 0.0], steps=3, truncate=4),
     "`truncate` of reverse_mode must be an int in [1, 3]; got 4."),
    (lambda: exact_ridge(MLP, [0.0, 0.0]), "`problem` of exact_ridge must be a RidgeProblem (the closed form exists "
                                           "for ridge only); got MLPProblem(2 hyperparameters, 310 weights)."),
    (lambda: finite_differences(RIDGE, [0.0], eps=0.0),
     "`eps` of finite_differences must be a finite real number in (0.0, 0.005]; got 0.0."),
    (lambda: finite_differences(RIDGE, [0.0], eps=0.1),
     "`eps` of finite_differences must be a finite real number in (0.0, 0.005]; got 0.1."),
    (lambda: hypergradient(RIDGE, [0.0], "exact", steps=3), "`options` of hypergradient must be keywords of method "
                                                            "'exact' among []; got 'steps'."),
    (lambda: hypergradient(RIDGE, [0.0], "reverse", step=3),
     "`options` of hypergradient must be keywords of method 'reverse' among ['steps', 'truncate', 'w0']; got 'step'."),
    (lambda: hypergradient(RIDGE, [800.0], "exact"),
     "`theta` of hypergradient must be inside the problem's log bounds, [-9.21, 2.303] for 'alpha' (ln 0.0001 to ln "
     "10); got [800.0]."),
    (lambda: reverse_mode(MLP, [0.0, 0.0], steps=3),
     "`theta` of reverse_mode must be inside the problem's log bounds, [-13.82, -2.303] for 'weight_decay' (ln 1e-06 "
     "to ln 0.1)"),
    (lambda: RIDGE.train([3.0]), "`theta` of train must be inside the problem's log bounds, [-9.21, 2.303] for "
                                 "'alpha'"),
    (lambda: RIDGE.params(["a"]), "`theta` of BilevelProblem must be finite log-hyperparameters of shape (1,) for "
                                  "('alpha',); got ['a']."),
    (lambda: hypergradient(RIDGE, [0.0], "reverse", steps=3, w0=np.zeros(3)),
     "`w0` of hypergradient must be None or finite weights of shape (10,) (a tensor or an array); got array([0., 0., "),
    (lambda: forward_mode(RIDGE, [0.0], steps=3, w0=["a"] * 10),
     "`w0` of forward_mode must be None or finite weights of shape (10,) (a tensor or an array); got ['a', "),
    (lambda: implicit(RIDGE, [0.0], w=np.full(10, np.nan)),
     "`w` of implicit must be None or finite weights of shape (10,) (a tensor or an array); got array([nan, "),
    (lambda: online_learning_rate(MLP, [1.0]), "`params` of online_learning_rate must be a dict of hyperparameter "
                                               "values (keys among ['weight_decay', 'learning_rate']) or None; got "
                                               "[1.0]."),
    # Audit a370 #5: the refusals showed the dict merged with the defaults the person never typed.
    (lambda: online_learning_rate(MLP, {"wd": 1e-3}), "`params` of online_learning_rate must be a dict with keys among "
                                                      "['weight_decay', 'learning_rate']; got {'wd': 0.001}. Unknown "
                                                      "parameter(s): 'wd'."),
    (lambda: online_learning_rate(MLP, {"weight_decay": 1e3}),
     "`params` of online_learning_rate must be a configuration of the search space (a dict of its parameters' "
     "values); got {'weight_decay': 1000.0}. The space refuses it: `weight_decay` of the search space must be a "
     "finite real number in [1e-06, 0.1]; got 1000.0."),
    (lambda: hypergradient(RIDGE, [0.0], "adjoint"), "`method` of hypergradient must be one of ['exact', 'reverse', "
                                                     "'forward', 'implicit', 'finite-differences']; got 'adjoint'."),
    (lambda: hypergradient("ridge", [0.0]), "`problem` of hypergradient must be a BilevelProblem (RidgeProblem, "
                                            "LogisticProblem, MLPProblem, ...); got 'ridge'."),
    (lambda: BilevelObjective(RIDGE, "exact", truncate=3),
     "`options` of BilevelObjective must be keywords of method 'exact' among []; got 'truncate'."),
    (lambda: BilevelObjective(MLP, "exact"), "`method` of BilevelObjective must be a method other than 'exact' "
                                             "(the closed form is ridge's); got 'exact'."),
    (lambda: BilevelObjective(MLP, "implicit"), "`method` of BilevelObjective must be 'reverse' or 'forward' for "
                                                "this problem; got 'implicit'. ['learning_rate'] act through"),
    (lambda: BilevelObjective(RIDGE, "implicit", w=None), "`options` of BilevelObjective must be keywords of method "
                                                          "'implicit' among ['solver', 'rtol', 'iterations', "
                                                          "'precondition']; got 'w'."),
    (lambda: implicit(RIDGE, [0.0], precondition="no"), "`precondition` of implicit must be a bool; got 'no'."),
    (lambda: BilevelObjective(RIDGE, precondition=0), "`precondition` of BilevelObjective must be a bool; got 0."),
    (lambda: BilevelObjective(RIDGE, warm_start="yes"), "`warm_start` of BilevelObjective must be a bool; got 'yes'."),
    (lambda: RIDGE.theta({"alpha": 100.0}), "`alpha` of the search space must be a finite real number "
                                            "in [0.0001, 10.0]; got 100.0."),
    (lambda: HypergradientDescent(SPACE, step_size=0), "`step_size` of HypergradientDescent must be a finite "
                                                       "real number in (0.0, inf); got 0."),
    (lambda: HypergradientDescent(SPACE, update="newton"), "`update` of HypergradientDescent must be one of "
                                                           "['adam', 'sgd']; got 'newton'."),
    (lambda: HypergradientDescent(SPACE, momentum=1.0), "`momentum` of HypergradientDescent must be a finite "
                                                        "real number in [0.0, 1.0); got 1.0."),
    (lambda: HypergradientDescent(SPACE, start=[1.0]), "`start` of HypergradientDescent must be a dict of parameter "
                                                       "values or None; got [1.0]."),
    (lambda: online_learning_rate(MLP, learning_rate=0.0), "`learning_rate` of online_learning_rate must be a finite "
                                                          "real number in (0.0, inf); got 0.0."),
    (lambda: online_learning_rate(MLP, batch_size=10_000), "`batch_size` of online_learning_rate must be an int in "
                                                           "[1, 898]; got 10000."),
    (lambda: mode_costs(MLP, [-7.0, 0.0], horizons=[]), "`horizons` of mode_costs must be a non-empty list of "
                                                       "ints in [1, 10000] (at most 10000 steps in all); got []."),
    (lambda: neumann_rate("ridge", [0.0]), "`problem` of neumann_rate must be a BilevelProblem (RidgeProblem, "
                                           "LogisticProblem, MLPProblem, ...); got 'ridge'."),
    (lambda: neumann_rate(RIDGE, [0.0, 0.0]), "`theta` of neumann_rate must be finite log-hyperparameters of "
                                              "shape (1,) for ('alpha',); got [0.0, 0.0]."),
    (lambda: NeumannRate(0.1, np.ones(2), 0.9).terms(1.0), "`reduction` of NeumannRate.terms must be a finite real "
                                                          "number in (1.0, inf); got 1.0."),
    (lambda: compare_with_black_box(RIDGE, steps=0), "`steps` of compare_with_black_box must be an int in "
                                                     "[1, 1000]; got 0."),
    (lambda: compare_with_black_box(RIDGE, match="trials"), "`match` of compare_with_black_box must be one of "
                                                            "['time', 'evaluations']; got 'trials'."),
    # Fuzz round 4: "cg" was read letter by letter, and a bad solver was named implicit's after the solve.
    (lambda: implicit_errors(RIDGE, [0.0], solvers=["cg", "newton"]), "`solvers` of implicit_errors must be one of "
                                                                      "['cg', 'neumann']; got 'newton'."),
    # Review: a bad theta was named after reverse_mode or solve, which the user never called.
    (lambda: mode_costs(RIDGE, [0.0, 1.0], horizons=[1]), "`theta` of mode_costs must be finite "
                                                          "log-hyperparameters of shape (1,) for ('alpha',); got "
                                                          "[0.0, 1.0]."),
    (lambda: implicit_errors(RIDGE, [99.0]), "`theta` of implicit_errors must be inside the problem's log bounds, "
                                             "[-9.21, 2.303] for 'alpha' (ln 0.0001 to ln 10); got [99.0]."),
    (lambda: implicit_errors(MLP, [-7.0, 0.0]), "`problem` of implicit_errors must be a problem whose "
                                                "hyperparameters all shape the training loss; got MLPProblem("),
    (lambda: neumann_rate(MLP, [-7.0, 0.0]), "`problem` of neumann_rate must be a problem whose hyperparameters "
                                             "all shape the training loss; got MLPProblem("),
    (lambda: implicit(MLP, [-7.0, 0.0]), "`problem` of implicit must be a problem whose hyperparameters all shape "
                                         "the training loss; got MLPProblem("),
    (lambda: finite_differences(MLP, [-7.0, 0.0]), "`problem` of finite_differences must be a problem whose "
                                                   "hyperparameters all shape the training loss; got MLPProblem("),
]


def test_implicit_errors_takes_one_solver_by_its_name():
    assert list(implicit_errors(RIDGE, [0.0], iterations=[1], solvers="cg")) == ["cg"]


@pytest.mark.parametrize("method", [exact_ridge, hypergradient, implicit, finite_differences,
                                    lambda problem, theta: reverse_mode(problem, theta, steps=5),
                                    lambda problem, theta: forward_mode(problem, theta, steps=5)])
def test_one_hyperparameter_takes_a_single_number_as_theta(method):
    """Fuzz: a scalar ``theta`` was refused by some methods ("shape (1,); got 0.0") and taken by another."""
    for scalar in (0.0, np.float32(0.0), np.array(0.0)):
        assert np.array_equal(method(RIDGE, scalar).gradient, method(RIDGE, [0.0]).gradient)
    assert implicit_errors(RIDGE, 0.0, iterations=[0, 1], solvers="cg")["cg"][0] == 1.0  # k = 0 kept there


def test_a_misspelled_black_box_is_refused_before_the_descent_runs(monkeypatch):
    """Fuzz round 4: the whole descent ran first, then the optimizer's name was refused."""
    objectives = []
    monkeypatch.setattr(experiments, "BilevelObjective", lambda *args: objectives.append(args))
    with pytest.raises(InvalidParameterError, match=re.escape("`optimizer` of compare_with_black_box must be one of")):
        compare_with_black_box(RIDGE, steps=40, optimizer="bayes")
    assert objectives == []


@pytest.mark.parametrize("call, message", CASES, ids=[m.split(" of ")[0] + str(i) for i, (_, m) in enumerate(CASES)])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
