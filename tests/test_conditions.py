"""Conditional search spaces (issue 24, item 1): the rules of a condition, params holding only
the active parameters, the encoding of inactive coordinates, grids without duplicates, slices,
JSON, the journal, and the study's entry points refusing what a condition rules out."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.conditions import INACTIVE_UNIT, check_condition
from interactive_hpo.exceptions import InvalidParameterError
from interactive_hpo.objectives import FunctionObjective

#: An SVM's space: gamma for rbf and poly, degree for poly only, coef0 only for degrees 3 and 4
#: (a child of a child), and C always.
SVM = SearchSpace([
    Categorical("kernel", ["linear", "rbf", "poly"]),
    Float("C", 1e-2, 1e2, log=True),
    Float("gamma", 1e-4, 1.0, log=True, condition=("kernel", ["rbf", "poly"])),
    Int("degree", 2, 5, condition=("kernel", "poly")),
    Float("coef0", 0.0, 1.0, condition=("degree", [3, 4])),
])


def objective(params):
    return float(np.log10(params["C"]) ** 2 + params.get("gamma", 0.5) + 0.1 * params.get("degree", 0))


@pytest.mark.parametrize("params, message", [
    ([Categorical("a", [1, 2]), Float("x", 0, 1, condition=("b", 1))],
     "`condition` of Float('x') must be a condition on a parameter of the space, one of ['a', 'x']; "
     "got ('b', (1,)). There is no parameter 'b'."),
    ([Float("a", 0, 1), Float("x", 0, 1, condition=("a", 1))],
     "`condition` of Float('x') must be a condition on a Categorical or Int parameter; got ('a', (1,)). "
     "'a' is a Float: a condition needs values it takes exactly."),
    ([Categorical("a", ["u", "v"]), Float("x", 0, 1, condition=("a", ["u", "w"]))],
     "`condition` of Float('x') must be values that Categorical('a', choices=['u', 'v']) can take; "
     "got ('a', ('u', 'w')). 'w' is not one of them: drop it from the condition of 'x'."),
    ([Categorical("a", ["u", "v"]), Float("x", 0, 1, condition=("a", ["w", "u", "z"]))],  # every one named
     "`condition` of Float('x') must be values that Categorical('a', choices=['u', 'v']) can take; "
     "got ('a', ('w', 'u', 'z')). 'w', 'z' are not among them: drop them from the condition of 'x'."),
    ([Int("n", 1, 3), Float("x", 0, 1, condition=("n", 4))],
     "`condition` of Float('x') must be values that Int('n', low=1, high=3, log=False) can take; "
     "got ('n', (4,)). 4 is not one of them, and the condition names no other value: 'x' could never be "
     "active. Remove 'x', or its condition."),
    ([Int("n", 1, 3), Float("x", 0, 1, condition=("n", [2.0, 2.5]))],
     "`condition` of Float('x') must be values that Int('n', low=1, high=3, log=False) can take; "
     "got ('n', (2.0, 2.5)). 2.5 is not one of them: drop it from the condition of 'x'."),
    ([Categorical("c", [1, 2]), Float("x", 0, 1, condition=("c", True))],  # True == 1, but not the choice 1
     "`condition` of Float('x') must be values that Categorical('c', choices=[1, 2]) can take; "
     "got ('c', (True,)). True is not one of them, and the condition names no other value: 'x' could never be "
     "active. Remove 'x', or its condition."),
    ([Categorical("a", [1, 2], condition=("b", 1)), Categorical("b", [1, 2], condition=("a", 1))],
     "`condition` of Categorical('a') must be a condition whose chain of parents ends at an unconditional "
     "parameter; got ('b', (1,)). These conditions form a cycle: a depends on b, which depends on a."),
    # Only the loop is named, not the parameters under it (a334: gamma was named when kernel
    # and degree looped, so a person went to edit gamma's condition, which was fine).
    ([Float("z", 0, 1, condition=("b", 1)), Categorical("c", [1, 2]),
      Categorical("a", [1, 2], condition=("b", 1)), Categorical("b", [1, 2], condition=("a", 1))],
     "`condition` of Categorical('a') must be a condition whose chain of parents ends at an unconditional "
     "parameter; got ('b', (1,)). These conditions form a cycle: a depends on b, which depends on a (z depends "
     "on them too)."),
    # Another loop does not hang from the first (r348: "c and d depend on them too").
    ([Categorical("a", [1, 2], condition=("b", 1)), Categorical("b", [1, 2], condition=("a", 1)),
      Categorical("c", [1, 2], condition=("d", 1)), Categorical("d", [1, 2], condition=("c", 1))],
     "`condition` of Categorical('a') must be a condition whose chain of parents ends at an unconditional "
     "parameter; got ('b', (1,)). These conditions form a cycle: a depends on b, which depends on a."),
    ([Categorical("a", [1, 2], condition=("a", 1))],
     "`condition` of Categorical('a') must be a condition on another parameter; got ('a', (1,))."),
])
def test_a_space_refuses_conditions_that_cannot_hold(params, message):
    with pytest.raises(InvalidParameterError) as raised:
        SearchSpace(params)
    assert str(raised.value) == message


@pytest.mark.parametrize("condition", ["kernel", ("kernel",), ("kernel", []), (3, "rbf"), {"kernel": "rbf"},
                                       ("kernel", {"rbf", "poly"}), ("kernel", {"rbf": 1})])
def test_a_parameter_refuses_a_condition_of_the_wrong_shape(condition):
    with pytest.raises(InvalidParameterError, match=r"^`condition` of Float\('x'\) must be None or \(parent name"):
        Float("x", 0, 1, condition=condition)


@pytest.mark.parametrize("values", [np.array([2, 3]), range(2, 4), (v for v in (2, 3))])
def test_a_condition_takes_its_values_from_any_ordered_collection(values):
    # Fuzz round 3: an array or a range was read as one value, refused as "array([2, 3]) is not one of them".
    space = SearchSpace([Int("layers", 1, 4), Float("width2", 0, 1, condition=("layers", values))])
    assert space["width2"].condition.values == (2, 3)
    assert space == SearchSpace.from_dict(json.loads(json.dumps(space.to_dict())))


@pytest.mark.parametrize("parent, given, held", [
    (Int("n", 1, 3), [1, 2.0], [1, 2]),
    (Int("n", 1, 3), [2, np.float64(2.0), 2], [2]),
    (Categorical("n", [1.0, 2.0]), 2, [2.0]),
    (Categorical("n", [True, 1, "a"]), [1, True, 1.0], [True, 1]),   # in the parent's order (a428)
])
def test_a_condition_holds_its_values_as_its_parent_holds_its_own(parent, given, held):
    # Fuzz round 4: ("n", [1, 2.0]) on an Int searched as [1, 2] did, but the two spaces compared,
    # printed and journaled as different ones (a journal written with one refused the other).
    child = Float("x", 0, 1, condition=("n", given))
    space = SearchSpace([parent, child])
    assert json.dumps(space["x"].condition.values) == json.dumps(held)  # 2 is not 2.0 in JSON
    assert space == SearchSpace([parent, Float("x", 0, 1, condition=("n", held))])
    assert space["x"].condition.describe() == "n is " + " or ".join(map(repr, held))
    assert SearchSpace.from_dict(json.loads(json.dumps(space.to_dict()))) == space
    given_form = check_condition(("n", given), "").values
    assert json.dumps(child.condition.values) == json.dumps(given_form)  # the person's own, left as given


def test_a_journal_goes_on_under_a_condition_written_either_way(tmp_path):
    path = tmp_path / "study.jsonl"
    written = SearchSpace([Int("layers", 1, 3), Float("width2", 0, 1, condition=("layers", [2.0, 3.0]))])
    Study(written, "random", seed=0, storage=path).run(lambda p: p["layers"] + p.get("width2", 0), n_trials=4)
    resumed = Study(SearchSpace([Int("layers", 1, 3), Float("width2", 0, 1, condition=("layers", [2, 3]))]),
                    "random", seed=0, storage=path)
    assert len(resumed.trials) == 4 and resumed.space == written


def test_params_hold_only_the_active_parameters_and_inactive_coordinates_sit_at_the_centre():
    linear = SVM.from_unit([0.1, 0.5, 0.9, 0.9, 0.9])
    assert linear == {"kernel": "linear", "C": pytest.approx(1.0)}
    assert SVM.snap([0.1, 0.5, 0.9, 0.9, 0.9])[2:].tolist() == [INACTIVE_UNIT] * 3
    poly_2 = SVM.from_unit([0.9, 0.5, 0.5, 0.1, 0.9])
    assert set(poly_2) == {"kernel", "C", "gamma", "degree"}  # coef0 needs degree 3 or 4
    poly_3 = SVM.from_unit([0.9, 0.5, 0.5, 0.3, 0.9])
    assert poly_3["degree"] == 3 and poly_3["coef0"] == pytest.approx(0.9)
    for params in (linear, poly_2, poly_3):
        assert SVM.from_unit(SVM.to_unit(params)) == params


def test_validate_names_what_a_condition_rules_out():
    with pytest.raises(InvalidParameterError) as raised:
        SVM.validate({"kernel": "linear", "C": 1.0, "gamma": 0.1})
    assert str(raised.value) == ("`params` of SearchSpace must be a dict without inactive parameters; got "
                                 "{'kernel': 'linear', 'C': 1.0, 'gamma': 0.1}. 'gamma' applies only when kernel is "
                                 "'rbf' or 'poly'; leave it out.")
    with pytest.raises(InvalidParameterError, match=r"Missing: 'coef0' \(active because degree is 3 or 4\)\.$"):
        SVM.validate({"kernel": "poly", "C": 1.0, "gamma": 0.1, "degree": 3})
    # A missing parent is what is missing: its children were once named "active because kernel
    # is 'poly'" (the centre value standing in for the kernel no one gave), one name per error.
    with pytest.raises(InvalidParameterError, match=r"Missing: 'kernel', 'C'\.$"):
        SVM.validate({"gamma": 0.1})
    # The order of a dict does not matter, and the result is in coordinate order.
    assert list(SVM.validate({"degree": 2, "gamma": 0.1, "C": 1, "kernel": "poly"})) == ["kernel", "C", "gamma",
                                                                                          "degree"]


def test_the_vectorized_activity_agrees_with_decoding_point_by_point():
    X = np.random.default_rng(0).random((500, SVM.dim))
    mask = SVM.conditions.active_mask(X)
    for x, row in zip(X, mask, strict=True):
        assert set(SVM.from_unit(x)) == {name for name, active in zip(SVM.names, row, strict=True) if active}
    snapped = np.array([SVM.snap(x) for x in X])
    assert np.array_equal(SVM.canonical(snapped), snapped)


def test_grid_lists_each_configuration_once_with_its_active_parameters():
    grid = SVM.grid(3)
    keys = [json.dumps(params, sort_keys=True) for params in grid]
    # degree levels (2, 4, 5) and 3, which coef0's condition names: coef0 at 3 of them for 3 and 4
    assert len(keys) == len(set(keys)) == 3 + 3 * 3 + 3 * 3 * (2 * 3 + 2)
    for params in grid:
        assert SVM.validate(params) == params
    # Without conditions the grid is the product, first parameter slowest, as before.
    plain = SearchSpace([Int("a", 0, 1), Categorical("b", ["x", "y"])])
    assert plain.grid(2) == [{"a": 0, "b": "x"}, {"a": 0, "b": "y"}, {"a": 1, "b": "x"}, {"a": 1, "b": "y"}]


def test_the_grid_searches_every_branch_of_an_int_parent():
    # Fuzz round 3: levels 1, 6, 10 of layers never reached the branch where dropout exists.
    space = SearchSpace([Int("layers", 1, 10), Float("dropout", 0.0, 0.5, condition=("layers", [2, 3]))])
    assert space.grid_levels(3) == {"layers": (1, 2, 3, 6, 10), "dropout": (0.0, 0.25, 0.5)}
    study = Study(space, "grid", seed=0, optimizer_settings={"resolution": 3})
    study.run(lambda p: p["layers"] + p.get("dropout", 0.0), 9)
    assert sorted((t.params["layers"], t.params.get("dropout")) for t in study.trials if "dropout" in t.params) == [
        (2, 0.0), (2, 0.25), (2, 0.5), (3, 0.0), (3, 0.25), (3, 0.5)]
    assert study.optimizer.exhausted


def test_a_child_may_come_before_its_parent():
    space = SearchSpace([Float("gamma", 0, 1, condition=("kernel", "rbf")), Categorical("kernel", ["linear", "rbf"])])
    assert space.from_unit([0.3, 0.2]) == {"kernel": "linear"}
    assert space.from_unit([0.3, 0.7]) == {"gamma": pytest.approx(0.3), "kernel": "rbf"}
    assert len(space.grid(2)) == 3
    # Parents first, else coordinate order: what sampling and replays follow.
    chain = SearchSpace([Float("c", 0, 1, condition=("b", "on")), Float("free", 0, 1),
                         Categorical("b", ["on", "off"], condition=("a", "yes")), Categorical("a", ["yes", "no"])])
    assert chain.conditions.order == [1, 3, 2, 0]


def test_samples_are_valid_configurations_of_every_branch():
    samples = SVM.sample(300, rng=0)
    for params in samples:
        assert SVM.validate(params) == params
    assert {len(p) for p in samples} == {2, 3, 4, 5}


def test_slices_fix_the_rest_at_active_values_and_refuse_an_inactive_parameter():
    with pytest.raises(InvalidParameterError) as raised:
        SVM.slice1d("degree", at={"kernel": "rbf"})
    assert str(raised.value) == ("`name` of SearchSpace.slice1d must be a parameter active where the slice is "
                                 "taken; got 'degree'. It applies only when kernel is 'poly': pass `at` with such "
                                 "a value.")
    curve = SVM.slice1d("degree", at={"kernel": "poly", "gamma": 0.01})
    assert [set(SVM.from_unit(x)) >= {"degree"} for x in curve.points] == [True] * len(curve.points)
    assert np.array_equal(SVM.canonical(curve.points), curve.points)
    surface = SVM.slice2d("kernel", "C", resolution=4)  # the centre's kernel is rbf: gamma set, degree not
    flat = surface.points.reshape(-1, SVM.dim)
    assert np.array_equal(SVM.canonical(flat), flat)
    linear = [x for x in flat if SVM.from_unit(x)["kernel"] == "linear"]
    assert all(x[2] == INACTIVE_UNIT for x in linear)
    assert SVM.complete({"kernel": "poly", "degree": 3})["coef0"] == pytest.approx(0.5)
    assert SVM.complete({"kernel": "linear", "gamma": 0.1}) == {"kernel": "linear", "C": pytest.approx(1.0)}


def test_json_round_trip_keeps_the_conditions_and_plain_spaces_read_as_before():
    data = json.loads(json.dumps(SVM.to_dict()))
    assert SearchSpace.from_dict(data) == SVM
    assert data["params"][4]["condition"] == ["degree", [3, 4]]
    assert "condition" not in Float("x", 0, 1).to_dict()
    assert SVM != SearchSpace(list(SVM)[:4] + [Float("coef0", 0.0, 1.0)])  # a condition is part of the space


@pytest.mark.parametrize("optimizer, settings", [("random", {}), ("sobol", {}), ("grid", {"resolution": 3})])
def test_simple_optimizers_give_valid_configurations_and_the_journal_keeps_them(tmp_path, optimizer, settings):
    path = tmp_path / "svm.jsonl"
    study = Study(SVM, optimizer, seed=0, storage=path, optimizer_settings=settings)
    study.run(objective, n_trials=20)
    for trial in study.trials:
        assert SVM.validate(trial.params) == trial.params
        assert np.array_equal(trial.x, SVM.to_unit(trial.params))
    resumed = Study(SVM, storage=path)
    assert [t.params for t in resumed.trials] == [t.params for t in study.trials]
    assert resumed.space == SVM
    if optimizer == "grid":
        keys = {json.dumps(dict(t.params), sort_keys=True) for t in study.trials}
        assert len(keys) == 20


def test_manual_trials_and_the_queue_refuse_an_inactive_or_missing_parameter():
    study = Study(SVM, "random", seed=0)
    with pytest.raises(InvalidParameterError, match="'gamma' applies only when kernel is 'rbf' or 'poly'"):
        study.enqueue({"kernel": "linear", "C": 1.0, "gamma": 0.1})
    with pytest.raises(InvalidParameterError, match=r"Missing: 'degree' \(active because kernel is 'poly'\)"):
        study.add_manual({"kernel": "poly", "C": 1.0, "gamma": 0.1}, 1.0)
    # Each in its own name (all said "`params` of SearchSpace"), the dict shown once.
    for call, owner in [(study.enqueue, "Study.enqueue"), (lambda p: study.add_manual(p, 1.0), "Study.add_manual"),
                        (lambda p: study.add_finished(p, state="FAILED", source="elsewhere"), "Study.add_finished")]:
        with pytest.raises(InvalidParameterError, match=rf"^`params` of {owner} must be a dict with every active "
                                                        r"parameter; got \{'C': 1\.0\}\. Missing: 'kernel'\.$"):
            call({"C": 1.0})
    study.enqueue({"kernel": "linear", "C": 1.0})
    trial = study.ask()
    assert trial.params == {"kernel": "linear", "C": 1.0} and trial.x[2:].tolist() == [INACTIVE_UNIT] * 3


@pytest.mark.parametrize("optimizer", ["ga", "de", "cmaes", "halving", "hyperband", "asha"])
def test_population_and_multi_fidelity_optimizers_give_valid_configurations(optimizer):
    study = Study(SVM, optimizer, seed=0)
    study.run(lambda params, budget=None: objective(params), n_trials=16)
    assert len(study.trials) == 16
    for trial in study.trials:
        assert SVM.validate(trial.params) == trial.params and np.array_equal(trial.x, SVM.to_unit(trial.params))


def test_a_study_may_leave_out_a_parameter_its_narrowing_keeps_inactive():
    # The README's "fewer choices" could not drop the poly kernel of svm_digits: keeping degree
    # (for kernel == "poly") was refused by the space, dropping it by Study.run ("needs 'degree' too").
    from interactive_hpo.objectives import tasks

    task = tasks.svm_digits(seed=0, cv=2)
    narrow = SearchSpace([Float("C", 1e-1, 1e2, log=True),
                          Float("gamma", 1e-4, 1e-1, log=True, condition=("kernel", "rbf")),
                          Categorical("kernel", ["rbf", "linear"])])
    trials = Study(narrow, "random", direction="maximize", seed=0).run(task, n_trials=2)
    assert [t.state.value for t in trials] == ["COMPLETE"] * 2
    assert {t.params["kernel"] for t in trials} == {"rbf", "linear"} and not any("degree" in t.params for t in trials)


@pytest.mark.parametrize("params, hint", [
    ([Categorical("kernel", ["linear", "poly"]), Float("C", 1e-2, 1e2, log=True),
      Float("gamma", 1e-4, 1.0, log=True, condition=("kernel", "poly"))],
     "The objective needs 'degree', 'coef0' too: 'degree' is active when kernel is 'poly', which kernel can be. "
     "Leave out only a parameter whose condition can never hold."),
    ([*SVM.params[:4]], "The objective needs 'coef0' too: 'coef0' is active when degree is 3 or 4, which degree "
                        "can be. Leave out only a parameter whose condition can never hold."),
    ([SVM["kernel"], SVM["gamma"], SVM["degree"], SVM["coef0"]], "The objective needs 'C' too."),
])
def test_leaving_out_a_parameter_that_can_be_active_is_refused_naming_its_parents_value(params, hint):
    objective_over_svm = FunctionObjective(objective, SVM)
    with pytest.raises(InvalidParameterError) as raised:
        Study(SearchSpace(params), "random", seed=0).run(objective_over_svm, n_trials=1)
    assert str(raised.value).endswith(hint)


@pytest.mark.parametrize("params", [
    [Categorical("kernel", ["linear", "rbf"]), SVM["C"], Float("gamma", 1e-4, 1.0, log=True,
                                                                 condition=("kernel", "rbf"))],  # no degree, no coef0
    [*SVM.params[:3], Int("degree", 4, 5, condition=("kernel", "poly")),  # degree 3 or 4 reachable: coef0 kept
     Float("coef0", 0.0, 1.0, condition=("degree", 4))],
    [*SVM.params[:3], Categorical("degree", [2, 5], condition=("kernel", "poly"))],  # coef0 is for 3 or 4
    [Categorical("kernel", ["linear"]), SVM["C"]],  # a chain left out whole
])
def test_a_parameter_left_out_is_never_asked_for(params):
    seen = []
    objective_over_svm = FunctionObjective(lambda p: seen.append(dict(p)) or objective(p), SVM)
    space = SearchSpace(params)
    Study(space, "random", seed=0).run(objective_over_svm, n_trials=8)
    assert len(seen) == 8 and all(set(p) <= set(space.names) for p in seen)
