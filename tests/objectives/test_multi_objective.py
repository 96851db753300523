"""Problems with several objectives: the synthetic ones against BoTorch's test problems of the
same name, their known fronts and best hypervolumes, and the scikit-learn trade-off (issue 27,
item 5)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.objectives import (
    DTLZ2,
    ZDT1,
    ZDT2,
    ZDT3,
    MultiObjectiveProblem,
    SklearnTradeoff,
    sparse_logistic_breast_cancer,
)
from interactive_hpo.pareto import pareto_mask

torch = pytest.importorskip("torch")
botorch_problems = pytest.importorskip("botorch.test_functions.multi_objective")

# (ours, BoTorch's) at several dimensions and numbers of objectives.
PAIRS = [
    (ZDT1(dim=2), botorch_problems.ZDT1(dim=2)),
    (ZDT1(dim=7), botorch_problems.ZDT1(dim=7)),
    (ZDT2(dim=3), botorch_problems.ZDT2(dim=3)),
    (ZDT2(), botorch_problems.ZDT2(dim=30)),
    (DTLZ2(), botorch_problems.DTLZ2(dim=11)),
    (DTLZ2(dim=4, n_objectives=3), botorch_problems.DTLZ2(dim=4, num_objectives=3)),
    (DTLZ2(dim=9, n_objectives=4), botorch_problems.DTLZ2(dim=9, num_objectives=4)),
]
IDS = [repr(ours) for ours, _ in PAIRS]
PROBLEMS = [ZDT1(dim=3), ZDT2(dim=3), ZDT3(dim=3), DTLZ2(dim=4), DTLZ2(dim=5, n_objectives=3)]


def theirs(problem, X: np.ndarray) -> np.ndarray:
    return problem(torch.tensor(X, dtype=torch.double)).numpy()


@pytest.mark.parametrize(("ours", "botorch"), PAIRS, ids=IDS)
def test_values_match_botorch_at_random_points(ours, botorch):
    X = np.random.default_rng(0).random((200, ours.dim))
    np.testing.assert_allclose(ours.evaluate(X), theirs(botorch, X), rtol=1e-12, atol=1e-12)
    assert ours.reference.tolist() == botorch.ref_point.tolist()


def test_zdt3_matches_botorch_on_the_front_and_multiplies_it_by_g_elsewhere():
    # BoTorch's ZDT3 leaves out the factor g of Zitzler, Deb and Thiele's h (pymoo keeps it).
    ours, botorch = ZDT3(dim=4), botorch_problems.ZDT3(dim=4)
    X = np.random.default_rng(1).random((200, 4))
    g = 1.0 + 9.0 * X[:, 1:].mean(axis=1)
    expected = theirs(botorch, X) * np.column_stack([np.ones(200), g])
    np.testing.assert_allclose(ours.evaluate(X), expected, rtol=1e-12, atol=1e-12)
    X[:, 1:] = 0.0
    np.testing.assert_allclose(ours.evaluate(X), theirs(botorch, X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", [ZDT1, ZDT2])
def test_zdt_fronts_match_botorch(cls):
    botorch = getattr(botorch_problems, cls.__name__)(dim=3)
    np.testing.assert_allclose(cls(dim=3).true_front(101), botorch.gen_pareto_front(101).numpy(), atol=1e-12)


def test_zdt3_front_lies_on_botorchs_pieces():
    # The same five pieces, sampled a little differently at their ends: together, still one front.
    ours, botorch = ZDT3(dim=3).true_front(101), botorch_problems.ZDT3(dim=3).gen_pareto_front(101).numpy()
    assert pareto_mask(np.vstack([ours, botorch])).all()
    assert ours[:, 0].min() == 0.0 and ours[:, 0].max() == pytest.approx(botorch[:, 0].max(), abs=2e-6)


@pytest.mark.parametrize(("ours", "botorch"), PAIRS, ids=IDS)
def test_best_hypervolumes_match_botorch(ours, botorch):
    assert ours.max_hypervolume() == pytest.approx(botorch.max_hv, rel=1e-5)


def test_zdt3_best_hypervolume_matches_botorch():
    assert ZDT3(dim=2).max_hypervolume() == pytest.approx(botorch_problems.ZDT3(dim=2).max_hv, rel=1e-6)


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_the_true_front_is_non_dominated_and_reached_by_points_of_the_box(problem):
    front = problem.true_front(300)
    assert front.shape == (300, problem.n_objectives) and pareto_mask(front).all()
    if isinstance(problem, DTLZ2):
        np.testing.assert_allclose((front**2).sum(axis=1), 1.0)   # the unit sphere
        # The first m - 1 inputs place a point anywhere on it; the others at 0.5 put it there.
        X = np.full((5, problem.dim), 0.5)
        X[:, : problem.n_objectives - 1] = np.random.default_rng(2).random((5, problem.n_objectives - 1))
        assert pareto_mask(np.vstack([problem.evaluate(X), front])).all()
    else:
        X = np.column_stack([front[:, 0], np.zeros((300, problem.dim - 1))])
        np.testing.assert_allclose(problem.evaluate(X), front, atol=1e-12)
    # No point of the box dominates a point of the front.
    inside = problem.evaluate(np.random.default_rng(3).random((2000, problem.dim)))
    assert pareto_mask(np.vstack([front, inside]))[:300].all()


def test_best_hypervolume_for_another_reference():
    # ZDT2's front f1 = 1 - f0^2 leaves 2/3 of the unit square undominated; DTLZ2's 2-D front pi/4.
    assert ZDT2(dim=2).max_hypervolume([1.1, 1.1]) == pytest.approx(1.21 - 2 / 3, abs=1e-5)
    assert DTLZ2(dim=3).max_hypervolume([1.5, 2.0]) == pytest.approx(3.0 - np.pi / 4)
    assert DTLZ2(dim=3).max_hypervolume([0.5, 1.0]) == pytest.approx(0.5 - (np.pi / 12 + np.sqrt(3) / 8), abs=1e-5)


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_a_study_takes_the_declared_directions_and_reads_the_tuple(problem):
    study = Study(problem.space, "sobol", directions=dict(zip(problem.names, problem.directions, strict=True)), seed=0)
    study.run(problem, n_trials=8, progress=False)
    X = np.array([[t.params[name] for name in problem.space.names] for t in study.trials])
    assert [t.values for t in study.trials] == [tuple(row) for row in problem.evaluate(X).tolist()]
    assert isinstance(problem, MultiObjectiveProblem) and study.goals.names == problem.names
    with pytest.raises(InvalidParameterError, match="an objective to minimize"):
        Study(problem.space, "sobol", seed=0).run(problem, n_trials=1, progress=False)


MO_ERRORS = [
    (lambda: ZDT1(dim=1), "`dim` of ZDT1 must be an int in [2, 10000]; got 1."),
    (lambda: DTLZ2(dim=3, n_objectives=3), "`dim` of DTLZ2 must be an int > n_objectives (3); got 3."),
    (lambda: DTLZ2(n_objectives=1), "`n_objectives` of DTLZ2 must be an int in [2, 9999]; got 1."),
    (lambda: ZDT2(dim=2).evaluate(np.zeros((4, 3))), "`X` of ZDT2.evaluate must be an array of shape (n, 2)"),
    (lambda: ZDT2(dim=2)({"x0": 0.1, "x1": 0.2}, budget=0.5), "`budget` of ZDT2 must be None; got 0.5."),
    (lambda: ZDT3(dim=2).true_front(3), "`n` of ZDT3.true_front must be an int in [5, 5000000]; got 3."),
    (lambda: DTLZ2(dim=4, n_objectives=3).max_hypervolume([0.9, 1.1, 1.1]),
     "`reference` of DTLZ2.max_hypervolume must be 3 finite numbers, each at least 1"),
    # Before: accepted, with three directions and names for two values (every trial of a study failed).
    (lambda: ZDT1(dim=3, n_objectives=3), "`n_objectives` of ZDT1 must be 2 (a ZDT problem has two objectives); "
                                          "got 3. DTLZ2 takes any number of objectives."),
    # Before: a MemoryError after the machine swapped, or numpy's conversion errors.
    (lambda: ZDT1(dim=10**9), "`dim` of ZDT1 must be an int in [2, 10000]; got 1000000000."),
    (lambda: DTLZ2(n_objectives=10**9), "`n_objectives` of DTLZ2 must be an int in [2, 9999]; got 1000000000."),
    (lambda: ZDT1(dim=2).true_front(10**13), "`n` of ZDT1.true_front must be an int in [2, 5000000]; got "
                                             "10000000000000. That is 2 values each, and at most 10,000,000"),
    (lambda: DTLZ2(dim=4, n_objectives=3).true_front(10**13), "`n` of DTLZ2.true_front must be an int in [2, 3333333]"),
    (lambda: ZDT2(dim=2).evaluate([["a", "b"]]), "`X` of ZDT2.evaluate must be an array of shape (n, 2) of real"),
    (lambda: DTLZ2(dim=4, n_objectives=3).max_hypervolume("abc"),
     "`reference` of DTLZ2.max_hypervolume must be 3 finite numbers; got 'abc'."),
]


@pytest.mark.parametrize(("call", "message"), MO_ERRORS, ids=[m[:40] for _, m in MO_ERRORS])
def test_bad_inputs_raise_a_clear_error(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


# -- the scikit-learn trade-off -------------------------------------------------------------------
@pytest.fixture(scope="module")
def task():
    return sparse_logistic_breast_cancer(seed=0, max_features=8)


def test_the_size_is_the_mean_number_of_features_the_fold_models_use(task):
    from sklearn.model_selection import cross_validate

    params = {"C": 0.1, "class_weight": "balanced"}
    result = task(params)
    accuracy, features = result.value
    assert task.names == ("accuracy", "features used") and task.directions == ("maximize", "minimize")
    # The same cross-validation by hand, on the task's own folds.
    model = task._configured(task.space.validate(params))
    by_hand = cross_validate(model, task._X_train, task._y_train, cv=task._folds(None), return_estimator=True)
    used = [np.count_nonzero(fitted[-1].coef_) for fitted in by_hand["estimator"]]
    assert features == pytest.approx(np.mean(used)) and result.user_attrs["fold_sizes"] == used
    assert accuracy == pytest.approx(np.mean(by_hand["test_score"]))
    assert result.constraints == [pytest.approx(features - 8)]
    assert task(params).value == result.value   # deterministic


def test_less_regularization_reads_more_features(task):
    used = [task({"C": c, "class_weight": "none"}).value[1] for c in (0.01, 0.1, 10.0)]
    assert used[0] < used[1] < used[2] <= 30


def test_without_a_limit_there_is_no_constraint_and_with_seed_keeps_the_trade_off():
    free = sparse_logistic_breast_cancer(seed=0)
    assert free({"C": 1.0, "class_weight": "none"}).constraints is None
    other = sparse_logistic_breast_cancer(seed=0, max_features=3).with_seed(1)
    assert isinstance(other, SklearnTradeoff) and other.seed == 1 and other.max_size == 3
    assert other.train_indices.tolist() != free.train_indices.tolist()


def test_a_constrained_study_keeps_infeasible_trials_off_the_pareto_set(task):
    study = Study(task.space, "sobol", directions=dict(zip(task.names, task.directions, strict=True)), seed=0)
    study.run(task, n_trials=8, progress=False)
    assert {t.feasible for t in study.trials} == {True, False}
    assert study.best_trials and all(t.feasible and t.values[1] <= 8 for t in study.best_trials)


def test_trade_off_errors():
    from sklearn.linear_model import LogisticRegression

    X, y = np.random.default_rng(0).random((40, 3)), np.arange(40) % 2
    space = SearchSpace([Float("C", 0.1, 10.0, log=True)])
    with pytest.raises(InvalidParameterError, match=re.escape("`size` of SklearnTradeoff must be a callable")):
        SklearnTradeoff(LogisticRegression(), X, y, space, size=3)
    with pytest.raises(InvalidParameterError, match=re.escape("`size_name` of SklearnTradeoff must be a non-empty")):
        SklearnTradeoff(LogisticRegression(), X, y, space, size=len, size_name="")
    with pytest.raises(InvalidParameterError, match=re.escape("a name other than the score's ('accuracy')")):
        SklearnTradeoff(LogisticRegression(), X, y, space, size=len, size_name="accuracy", scoring="accuracy")
    with pytest.raises(InvalidParameterError, match=re.escape("`max_size` of SklearnTradeoff")):
        SklearnTradeoff(LogisticRegression(), X, y, space, size=len, max_size="big")
