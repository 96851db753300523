"""HypergradientDescent given gradients it cannot use as they are: too large, not numbers, for
names it does not step on, or a linear parameter at 0."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from interactive_hpo import Categorical, Evaluation, Float, HypergradientDescent, Int, SearchSpace, Study

LOG = SearchSpace([Float("a", 1e-3, 1e3, log=True)])
MIXED = SearchSpace([Float("a", 1e-3, 1e3, log=True), Float("d", 0.0, 1.0), Int("n", 1, 4)])


def test_a_gradient_that_overflows_in_the_unit_cube_is_ignored_with_a_warning_and_the_study_resumes(tmp_path):
    # 1e308 times ln(1e6) is inf: Adam's step was inf/inf = NaN and every later ask raised an
    # error about a unit-cube x, in this study and in any loaded from its journal.
    path = tmp_path / "descent.jsonl"
    study = Study(LOG, HypergradientDescent(LOG, start={"a": 1.0}), storage=path)
    with pytest.warns(RuntimeWarning, match=r"of trial 0 for 'a' = 1e\+308, whose unit-cube gradient .* overflows"):
        study.tell(study.ask(), 1.0, user_attrs={"hypergradient": {"a": 1e308}})
    with pytest.warns(RuntimeWarning, match="'a' = 1e\\+308"):  # the replay warns once too
        resumed = Study.load(path)
    assert resumed.ask().params == {"a": 1.0}  # nothing usable: it stays where it was
    assert study.optimizer.ask().x.tolist() == [0.5]


def test_a_step_that_is_not_finite_is_never_proposed():
    optimizer = HypergradientDescent(LOG, start={"a": 1.0})
    trial = Study(LOG, optimizer).ask()
    optimizer._from, optimizer._steps = trial.x.copy(), 1
    optimizer._moments = (np.full(1, np.nan), np.full(1, np.nan))  # a state no tell makes any more
    with pytest.warns(RuntimeWarning, match="step 1 is not finite"):
        x = optimizer._ask(np.random.default_rng(0)).x
    np.testing.assert_array_equal(x, trial.x)


def test_the_descent_moves_on_after_a_gradient_whose_square_overflows():
    # 1e300 made Adam's second moment inf: 28 identical trials after it, and only numpy's warning.
    def objective(params):
        t = math.log(params["a"]) - 1
        return Evaluation(t * t, {"hypergradient": {"a": 1e300 if len(study.trials) == 2 else 2 * t}})

    study = Study(LOG, HypergradientDescent(LOG, step_size=0.1, start={"a": 100.0}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # numpy's overflow included
        study.run(objective, 14)
    after = [math.log(t.params["a"]) for t in study.trials[3:]]
    assert len(set(after)) == len(after) and after[-1] < after[0]  # still descending toward ln a = 1


def test_a_linear_parameter_at_zero_still_moves():
    # Its gradient was taken in ln(d): 0 at d = 0 and divided by d, so a descent that reached
    # the bound 0 stayed there (d: 0.3, 1.0, 0.0, 0.0, ...). It is in d's own units now.
    space = SearchSpace([Float("d", 0.0, 1.0)])

    def objective(params):
        return Evaluation((params["d"] - 0.5) ** 2, {"hypergradient": {"d": 2 * (params["d"] - 0.5)}})

    study = Study(space, HypergradientDescent(space, update="sgd", step_size=0.5, start={"d": 0.0}))
    study.run(objective, 3)
    assert [t.params["d"] for t in study.trials] == pytest.approx([0.0, 0.5, 0.5])


def test_entries_it_cannot_use_are_named_once_each_with_a_did_you_mean():
    study = Study(MIXED, HypergradientDescent(MIXED, start={"a": 1.0, "d": 0.5, "n": 2}))
    gradient = {"alpha": 1.0, "dd": 1.0, "n": 1.0, "a": "big", "d": math.inf}
    with pytest.warns(RuntimeWarning) as caught:
        study.run(lambda params: Evaluation(1.0, {"hypergradient": gradient}), 3)
    messages = [str(w.message) for w in caught if "ignores" in str(w.message)]
    assert len(messages) == 1, messages  # once per name, not once per trial
    assert "of trial 0" in messages[0] and "'alpha', 'dd' (did you mean 'd'?)" in messages[0]
    assert "['n'] that are not Floats" in messages[0] and "'a' = 'big'" in messages[0]
    assert "'d' = " in messages[0]  # inf (stored as the study stores it) is named too


def test_a_space_without_a_float_is_warned_of_naming_its_parameters():
    # It proposed its start forever, silently. Not refused: the optimizer contract builds every
    # optimizer over a finite space.
    space = SearchSpace([Int("n", 1, 4), Categorical("c", ["x", "y"])])
    with pytest.warns(RuntimeWarning, match=r"Float parameters only, and the space has none \(\['n', 'c'\]\)"):
        HypergradientDescent(space)


def test_a_nan_gradient_is_named_as_one_not_as_the_none_it_is_stored_as():
    """Audit a370 #4: a trial's attributes store NaN as None, and the warning read "'a' = None"."""
    study = Study(LOG, HypergradientDescent(LOG, start={"a": 1.0}))
    with pytest.warns(RuntimeWarning, match=r"'a' = NaN, infinite or missing \(stored as None\), not a finite number"):
        study.run(lambda params: Evaluation(1.0, {"hypergradient": {"a": math.nan}}), 2, progress=False)


def test_failed_trials_are_counted_apart_from_trials_without_a_gradient():
    """Audit a370 #4: trials that failed (a NaN loss) with a hypergradient were reported as trials
    "without a 'hypergradient' attribute"."""
    study = Study(LOG, HypergradientDescent(LOG, start={"a": 1.0}))
    with pytest.warns(RuntimeWarning) as caught:
        study.run(lambda params: Evaluation(math.nan, {"hypergradient": {"a": 1.0}}), 3, progress=False)
    (said,) = [str(w.message) for w in caught if "HypergradientDescent" in str(w.message)]
    assert said.startswith("HypergradientDescent was told 1 trial(s) that failed or were pruned (no loss: see each "
                           "trial's error), and no trial it can step from")
    assert [t.state.value for t in study.trials] == ["FAILED"] * 3 and len({t.params["a"] for t in study.trials}) == 1
