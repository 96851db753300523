"""Landscapes of scikit-learn tasks: training and test losses, seeds, parallel builds, the
comparison of landscapes and the check of the paper's findings."""

from __future__ import annotations

import json
import math
import re
import signal

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, StorageError
from interactive_hpo.landscape import (
    Claim,
    Landscape,
    LandscapeObjective,
    best_trained,
    build_landscape,
    check_findings,
    paper_landscapes,
    paper_task,
    similarity_matrix,
    train_test_agreement,
)
from interactive_hpo.objectives import FunctionObjective

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def svm_iris():
    return paper_task("svm", "iris", seed=0)


def test_sklearn_tasks_give_training_validation_and_test_losses(svm_iris, tmp_path):
    scores = svm_iris.landscape_scores({"svc__C": 10.0, "svc__gamma": 0.1}, budget=0.5)
    assert set(scores) == {"valid", "train", "test"}
    assert scores["valid"] == pytest.approx(svm_iris({"svc__C": 10.0, "svc__gamma": 0.1}, budget=0.5).value)
    assert svm_iris.test_looks == ()   # landscape analysis is not a look that chooses a model
    land = build_landscape(svm_iris, resolution=3, cache_dir=tmp_path)
    assert set(land.others) == {"train", "test"} and land.info["budget"] is None
    worst_fit = land.other("train").losses.max()
    assert land.other("train").losses.min() < land.losses.min() <= worst_fit   # training accuracy is optimistic
    assert land.other("test").n == land.n and np.all(land.losses <= 0)   # losses are minus accuracies


def test_seeds_average_reseeded_tasks_and_cache_one_file_per_seed(svm_iris, tmp_path):
    other = svm_iris.with_seed(1)
    assert other.seed == 1 and other.fingerprint != svm_iris.fingerprint
    assert svm_iris.with_seed(0).fingerprint == svm_iris.fingerprint   # same task, same key
    one = build_landscape(svm_iris.with_seed(0), resolution=3, cache_dir=tmp_path)
    two = build_landscape(other, resolution=3, cache_dir=tmp_path)
    both = build_landscape(svm_iris, resolution=3, seeds=[0, 1], n_jobs=2, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("landscape-*.json"))) == 2
    np.testing.assert_allclose(both.losses, (one.losses + two.losses) / 2)
    np.testing.assert_allclose(both.others["valid_std"], np.abs(one.losses - two.losses) / 2)
    np.testing.assert_allclose(both.other("test").losses, (one.other("test").losses + two.other("test").losses) / 2)
    assert both.info["seeds"] == [0, 1]


def test_parallel_build_equals_the_serial_one(svm_iris):
    serial = build_landscape(svm_iris, resolution=3, budget=0.5)
    parallel = build_landscape(svm_iris, resolution=3, budget=0.5, n_jobs=2)
    np.testing.assert_array_equal(serial.losses, parallel.losses)


def test_similarity_matrix_is_symmetric_with_ones_on_the_diagonal():
    a = Landscape(("x",), (tuple(range(10)),), (True,), np.arange(10.0))
    lands = {"a": a, "same": a.with_losses(np.arange(10.0) * 2), "reversed": a.with_losses(-np.arange(10.0))}
    matrices = similarity_matrix(lands, top=0.2)
    np.testing.assert_allclose(matrices["spearman"], [[1, 1, -1], [1, 1, -1], [-1, -1, 1]])
    np.testing.assert_allclose(matrices["gamma_overlap"], [[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    assert set(matrices) == {"spearman", "spearman_top", "gamma_overlap"}


def test_train_test_agreement_sees_overfitting_among_the_best_trained():
    train = np.r_[np.zeros(10), np.linspace(0.1, 1.0, 90)]            # ten configurations fit perfectly...
    test = np.r_[np.linspace(0.5, 0.05, 10), np.linspace(0.2, 1.0, 90)]   # ...but generalise differently
    land = Landscape(("x",), (tuple(range(100)),), (True,), test, others={"train": train, "test": test})
    agreement = train_test_agreement(land)
    assert agreement["all"] > 0.5
    graded_train = np.r_[np.linspace(0, 0.01, 10), train[10:]]
    graded = Landscape(land.names, land.levels, land.ordered, test, others={"train": graded_train, "test": test})
    assert train_test_agreement(graded)["best_trained"] == pytest.approx(-1.0)   # best-trained, worst tested


def test_ties_in_the_training_loss_do_not_decide_the_agreement_at_the_top():
    """Issue 26: ties were coded as agreement 0, so "train and test agree less at the top" held by
    construction whenever the best-trained configurations all fit perfectly; and which of the tied
    ones made the top 10% was decided by grid order."""
    train = np.r_[np.zeros(10), np.linspace(0.1, 1.0, 90)]            # ten perfect fits, tied
    test = np.r_[np.linspace(0.5, 0.05, 10), np.linspace(0.2, 1.0, 90)]
    land = Landscape(("x",), (tuple(range(100)),), (True,), test, others={"train": train, "test": test})
    assert best_trained(land).tolist() == list(range(10))
    assert math.isnan(train_test_agreement(land)["best_trained"])   # undefined, not "no agreement"
    # Ties at the cut are all in, wherever they sit on the grid: 3 below the cut, then 4 tied at it.
    spread = np.array([0.5, 0.1, 0.9, 0.1, 0.0, 0.7, 0.1, 0.05, 0.8, 0.1, 0.6, 0.02])
    tied = Landscape(("x",), (tuple(range(12)),), (True,), spread, others={"train": spread, "test": spread})
    assert sorted(best_trained(tied, top=0.3).tolist()) == [1, 3, 4, 6, 7, 9, 11]
    assert train_test_agreement(tied, top=0.3)["best_trained"] == pytest.approx(1.0)
    # A claim is left out where the measure is undefined, so ties cannot make it hold.
    from interactive_hpo.landscape.findings import _claim, _outcome

    outcome = _outcome(lambda best, every: best < every, train_test_agreement(land)["best_trained"], 0.9)
    assert _claim("top", "", [outcome, True], 0.75) == Claim("top", "", 1, 1, True, undefined=1)


def test_a_replayed_accuracy_landscape_answers_in_accuracy_and_is_maximized():
    """Issue 26, item 9: a replay that answered minus accuracies printed "best -0.98" in every run."""
    from interactive_hpo import Study

    space = SearchSpace([Float("x", 0, 1)])
    land = build_landscape(FunctionObjective(lambda p: 1 - (p["x"] - 0.5) ** 2, space, direction="maximize"),
                           resolution=5)
    assert land.losses.min() == pytest.approx(-1.0)   # losses are minus the values
    replay = LandscapeObjective(land, direction="maximize")
    assert replay.direction == "maximize" and replay({"x": 0.5}) == pytest.approx(1.0)
    study = Study(space, "grid", seed=0, direction="maximize")
    study.run(replay, n_trials=5)
    assert study.best_value == pytest.approx(1.0) and study.best_trial.params["x"] == pytest.approx(0.5)
    assert LandscapeObjective(land)({"x": 0.5}) == pytest.approx(-1.0)   # the losses, by default
    with pytest.raises(InvalidParameterError, match="`direction` of LandscapeObjective must be one of"):
        LandscapeObjective(land, direction="up")


def test_check_findings_reports_every_claim_with_its_count():
    lands = paper_landscapes(["svm"], ["iris", "wine"], [0.25, 0.5, 1.0], resolution=4)
    assert set(lands) == {("svm", d, b) for d in ("iris", "wine") for b in (0.25, 0.5, 1.0)}
    findings = check_findings(lands, n_shuffles=5)
    names = [c.name for c in findings.claims]
    assert names == ["smooth", "clustered", "easy", "few local optima", "flatter near the optimum",
                     "rankings converge with the budget", "top regions overlap less",
                     "train-test agree less at the top"]
    counts = {c.name: c.cases for c in findings.claims}
    assert counts["smooth"] == 6 and counts["rankings converge with the budget"] <= 2
    assert counts["top regions overlap less"] <= 1
    smooth = findings.claims[0]
    assert smooth.holds == (smooth.held >= 0.75 * smooth.cases)
    assert len(findings.rows) == 6 and {"fdc", "local_optima_z", "spearman_to_full"} <= set(findings.rows[0])
    assert findings.to_markdown().count("\n") == len(findings.claims) + 1


def test_claims_count_only_the_cases_where_the_measure_is_defined():
    from interactive_hpo.landscape.findings import _claim

    assert _claim("x", "y", [True, False, float("nan"), True], 0.6) == Claim("x", "y", 2, 3, True, undefined=1)
    assert _claim("x", "y", [], 0.6).holds is False


@pytest.mark.parametrize(("call", "message"), [
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)])), seeds=[0]),
     "`seeds` of build_landscape must be None for an objective without a `with_seed` method"),
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)])), n_jobs=0),
     "`n_jobs` of build_landscape must be"),
    (lambda: Landscape(("a",), ((1, 2),), (True,), [0.0, 1.0]).other("test"),
     "`kind` of Landscape.other must be one of the landscape's other losses []; got 'test'"),
    (lambda: Landscape(("a",), ((1, 2),), (True,), [0.0, 1.0], others={"train": [1.0]}),
     "`others['train']` of Landscape must be one loss per configuration of the grid (2,) (2 in all); got [1.0]."),
    (lambda: similarity_matrix({"a": Landscape(("a",), ((1, 2),), (True,), [0.0, 1.0])}),
     "`landscapes` of similarity_matrix must be a mapping of labels to at least two Landscapes"),
    (lambda: train_test_agreement(Landscape(("a",), ((1, 2),), (True,), [0.0, 1.0])),
     "`land` of train_test_agreement must be a Landscape with 'train' and 'test' losses"),
    (lambda: Landscape(("a", "b"), ((1, 2), ("x", "y")), (True, False), [0.0, 1.0, 2.0, 3.0]).index_of({"a": 1}),
     "`params` of Landscape.index_of must be a mapping with a value for each of ['a', 'b']; got {'a': 1}"),
    (lambda: Landscape(("a", "b"), ((1, 2), ("x", "y")), (True, False), [0.0, 1.0, 2.0, 3.0]).index_of(
        {"a": 1, "b": "z"}), "`params['b']` of Landscape.index_of must be one of the choices ['x', 'y']; got 'z'"),
    (lambda: Landscape(("a", "b"), ((1, 2), ("x", "y")), (True, False), [0.0, 1.0, 2.0, 3.0]).index_of(
        {"a": "big", "b": "x"}), "`params['a']` of Landscape.index_of must be a finite number; got 'big'"),
    (lambda: paper_task("knn", "iris"), "`model` of paper_task must be one of ['svm', 'random_forest',"),
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)])), budget=0.5),
     "`budget` of build_landscape must be None for an objective of a single fidelity; got 0.5."),
    (lambda: build_landscape(FunctionObjective(lambda p, *, budget=None: p["x"], SearchSpace([Float("x", 0, 1)])),
                             budget="half"), "`budget` of build_landscape must be a finite real number in (0, inf)"),
    (lambda: build_landscape(FunctionObjective(lambda p, *, budget=None: p["x"], SearchSpace([Float("x", 0, 1)])),
                             budget=0), "`budget` of build_landscape must be a finite real number in (0, inf); got 0."),
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)])), max_failed=1),
     "`max_failed` of build_landscape must be a finite real number in [0, 1); got 1."),
    (lambda: paper_task("svm", "mnist"), "`dataset` of paper_task must be one of ['iris', 'wine',"),
    # Fuzz round 4: a resolution of 1000 over four floats went on to list 10^12 grid points (a
    # MemoryError asking for 7 TiB); a huge one for a single float listed its levels first.
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float(n, 0, 1) for n in "xyzw"])),
                             resolution=1000),
     "`resolution` of build_landscape must be an int in [2, inf) that makes at most 1,000,000 configurations; "
     "got 1000. The grid 1000 x 1000 x 1000 x 1000 has 1,000,000,000,000; use a smaller resolution."),
    (lambda: build_landscape(FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)])), resolution=10**9),
     "`resolution` of build_landscape must be an int in [2, inf) that makes at most 1,000,000 configurations; "
     "got 1000000000."),
    # A categorical of c choices links each configuration to c - 1 others: 5,000 choices made
    # 12.5 million pairs, 1.6 GB once a metric listed them (8 GB for 1,000 choices x 1,000 levels).
    (lambda: Landscape(("c",), (tuple(range(5000)),), (False,), np.zeros(5000)),
     "`levels` of Landscape must be small enough for a grid of at most 10,000,000 neighbour pairs; got (5000,). "
     "The grid 5000 has 12,497,500: a categorical of c choices links each configuration to c - 1 others."),
    # Fuzz round 4: NaN was as near to every level as to none, and index_of answered the first one.
    (lambda: Landscape(("a",), ((1, 2),), (True,), [0.0, 1.0]).index_of({"a": math.nan}),
     "`params['a']` of Landscape.index_of must be a finite number; got nan."),
    (lambda: Landscape(("a",), (3,), (True,), [0.0, 1.0]),
     "`levels` of Landscape must be one sequence of levels per name; got (3,)."),
    (lambda: Landscape(("a",), ((1, 2),), (True,), ["low", "high"]),
     "`losses` of Landscape must be one loss per configuration of the grid (2,) (2 in all); got ['low', 'high']."),
    # numpy dropped the imaginary parts, with a ComplexWarning only.
    (lambda: Landscape(("a",), ((1, 2),), (True,), np.array([1 + 2j, 3])),
     "`losses` of Landscape must be one loss per configuration of the grid (2,) (2 in all); got "
     "array([1.+2.j, 3.+0.j])."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_a_grid_whose_graph_is_too_large_is_refused_before_any_configuration_is_evaluated():
    calls = []
    objective = FunctionObjective(lambda p: calls.append(p) or 0.0, SearchSpace([Categorical("c", list(range(5000)))]))
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`resolution` of build_landscape must be small enough for a grid of at most 10,000,000 neighbour pairs; "
            "got 5. The grid 5000 has 12,497,500")):
        build_landscape(objective)
    assert calls == []
    # As many ordered levels link only to their next: 5,000 x 5 configurations, 44,995 pairs.
    assert Landscape(("x", "y"), (tuple(range(5000)), tuple(range(5))), (True, True), np.zeros(25000)).n == 25000


def test_an_objective_direction_that_is_no_direction_is_refused_before_any_configuration_is_evaluated():
    calls = []

    class Upward:
        space, direction = SearchSpace([Float("x", 0, 1)]), "upward"

        def __call__(self, params):
            calls.append(params)
            return params["x"]

    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective.direction` of build_landscape must be one of ['minimize', 'maximize']")):
        build_landscape(Upward())
    assert calls == []


def test_index_of_reads_numpy_scalars_as_the_values_they_hold():
    """Fuzz round 4: a choice read from a numpy array (np.str_) was refused as none of the choices."""
    land = Landscape(("a", "b"), ((1, 2), ("x", "y")), (True, False), [0.0, 1.0, 2.0, 3.0])
    assert land.index_of({"a": np.int64(2), "b": np.array(["x", "y"])[1]}) == 3


def test_the_committed_landscapes_cover_what_the_notebook_reads():
    """notebooks/09_landscapes reads the paper's 36 landscapes from notebooks/data/landscapes. If
    this fails, a task's fingerprint changed (scikit-learn added an estimator parameter, say):
    rebuild them with `python benchmarks/bench_landscapes.py` and commit the new files."""
    from pathlib import Path

    from interactive_hpo.landscape import DATASETS, MODELS, grid_of
    from interactive_hpo.landscape.cache import cache_path

    cache = Path(__file__).resolve().parents[2] / "notebooks" / "data" / "landscapes"
    missing = []
    for model, (_, resolution) in MODELS.items():
        for dataset in DATASETS:
            task = paper_task(model, dataset, seed=0)
            for budget in (0.1, 0.25, 0.5, 1.0):
                if not cache_path(task, grid_of(task.space, resolution), budget, cache).exists():
                    missing.append((model, dataset, budget))
    assert missing == []


def test_a_conditional_space_is_built_on_its_flattened_grid_each_configuration_once():
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])
    seen = []

    def loss(params):
        seen.append(dict(params))
        return params["C"] + (params["gamma"] if "gamma" in params else 0.5)

    land = build_landscape(FunctionObjective(loss, space), resolution=3)
    assert land.n == 2 * 3 * 3 and len(seen) == 3 + 3 * 3  # linear: C only; rbf: C x gamma
    linear = [i for i in range(land.n) if land.params(i)["kernel"] == "linear"]
    for i in linear:  # neighbours along gamma at the linear kernel: a plateau
        assert land.losses[i] == pytest.approx(land.params(i)["C"] + 0.5)


@pytest.mark.parametrize(("make", "budget", "reason"), [
    (lambda space: FunctionObjective(lambda p: 1 / 0, space), None, "ZeroDivisionError: division by zero"),
    (lambda space: FunctionObjective(lambda p: math.nan, space), None, "the objective returned nan"),
    (lambda space: FunctionObjective(lambda p, *, budget=None: p["x"] if budget is None else math.inf, space), 0.5,
     "the objective returned inf"),
])
def test_a_grid_on_which_every_configuration_fails_is_refused_and_not_cached(make, budget, reason, tmp_path):
    """Fuzz round 2: every configuration failing became a flat landscape of zeros ("best loss 0"),
    written to the cache, and its metrics ran on the zeros."""
    space = SearchSpace([Float("x", -2, 2), Categorical("c", ["a", "b"])])
    with pytest.raises(InvalidParameterError, match=re.escape(f"6 of 6 configurations failed at budget={budget!r}; "
                                                              f"the first, {{'x': -2.0, 'c': 'a'}}: {reason}")):
        build_landscape(make(space), resolution=3, budget=budget, cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_budget_the_objective_cannot_take_is_refused_before_any_evaluation(svm_iris, tmp_path, monkeypatch):
    from interactive_hpo.objectives import Branin

    # Refused as build_landscape's `budget`, from what the objective declares (its budget_range,
    # a single fidelity): it evaluated all 9, then blamed the `objective` for failing on more than
    # 50% of them (audit a174 #4).
    calls = []
    scores = type(svm_iris).landscape_scores
    monkeypatch.setattr(type(svm_iris), "landscape_scores",
                        lambda self, *args, **kwargs: calls.append(1) or scores(self, *args, **kwargs))
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`budget` of build_landscape must be a budget the objective takes, in (0, 1]; got 2.0. SklearnCV(")):
        build_landscape(svm_iris, resolution=3, budget=2.0, cache_dir=tmp_path)
    assert calls == []
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`budget` of build_landscape must be None for an objective of a single fidelity; got 0.5. Branin(")):
        build_landscape(Branin(), resolution=3, budget=0.5, cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_few_failures_take_the_worst_loss_and_are_counted_and_cached_with_their_reason(tmp_path):
    space = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])

    def loss(params):
        if params["x"] == 1.0 and params["y"] > 0:
            raise RuntimeError("diverged")
        return params["x"] + params["y"]

    land = build_landscape(FunctionObjective(loss, space), resolution=3, cache_dir=tmp_path)
    assert land.info["failed"] == 2 and land.info["first_failure"] == "RuntimeError: diverged"
    assert land.losses.tolist() == [0.0, 0.5, 1.0, 0.5, 1.0, 1.5, 1.0, 1.5, 1.5]   # failures: the worst seen
    again = build_landscape(FunctionObjective(loss, space), resolution=3, cache_dir=tmp_path)   # from the cache
    assert again.info["failed"] == 2 and again.info["first_failure"] == "RuntimeError: diverged"
    with pytest.raises(InvalidParameterError, match=re.escape("2 of 9 configurations failed at budget=None; the "
                                                              "first, {'x': 1.0, 'y': 0.5}: RuntimeError: diverged")):
        build_landscape(FunctionObjective(loss, space), resolution=3, max_failed=0.2)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda losses: losses.update(train=[0.0] * 4), "its 'train' losses are 4 losses for a grid of 3 configurations"),
    (lambda losses: losses.update(test="0.5"), "its 'test' losses are a str, not a list, for a grid of 3"),
    (lambda losses: losses["valid"].__setitem__(0, "1.5"),
     "its 'valid' losses must be finite numbers or null (a failed configuration); one is '1.5'"),
    (lambda losses: losses["valid"].__setitem__(1, True), "its 'valid' losses must be finite numbers or null"),
    (lambda losses: losses["valid"].__setitem__(2, 10 ** 400), "its 'valid' losses must be finite numbers or null"),
])
def test_a_cache_with_losses_of_the_wrong_length_or_type_is_refused_naming_the_kind(tmp_path, change, reason):
    """Audit a174 #5: an extra kind of the wrong length was reported by the length of 'valid'
    ("holds 3 losses for a grid of 3"), and "1.5" and true loaded silently as 1.5 and 1.0."""
    objective = FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)]))
    build_landscape(objective, resolution=3, cache_dir=tmp_path)
    (path,) = tmp_path.glob("landscape-*.json")
    stored = json.loads(path.read_text())
    change(stored["losses"])
    path.write_text(json.dumps(stored))
    with pytest.raises(StorageError, match=re.escape(f"{path} is not a landscape cache of this grid (ValueError: "
                                                     f"{reason}")):
        build_landscape(objective, resolution=3, cache_dir=tmp_path)


@pytest.mark.parametrize("text", ["{", '{"losses": {"valid": [1.0]}}', "[]", '{"losses": {"valid": [1.0, 2.0, 3.0]}}',
                                  '{"key": 3, "objective": "mine", "losses": {"valid": [1.0, 2.0, 3.0]}}'])
def test_a_cache_file_that_is_not_this_grids_is_refused_clearly_and_left_as_it_is(tmp_path, text):
    space = SearchSpace([Float("x", 0, 1)])
    objective = FunctionObjective(lambda p: p["x"], space)
    build_landscape(objective, resolution=3, cache_dir=tmp_path)
    (path,) = tmp_path.glob("landscape-*.json")
    path.write_text(text)
    with pytest.raises(StorageError, match="is not a landscape cache of this grid .* left as it is. Delete it"):
        build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert path.read_text() == text


def test_a_cache_dir_that_is_a_file_is_refused_before_any_configuration_is_evaluated(tmp_path):
    # It was FileExistsError from mkdir, after every configuration had been evaluated.
    calls = []
    objective = FunctionObjective(lambda p: calls.append(p) or p["x"], SearchSpace([Float("x", 0, 1)]))
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for cache_dir in (notes, notes / "landscapes"):
        with pytest.raises(InvalidParameterError, match=re.escape(
                f"`cache_dir` of build_landscape must be a folder, not a file nor a path inside one, or None; got "
                f"'{cache_dir}'. '{notes}' is a file")):
            build_landscape(objective, resolution=3, cache_dir=cache_dir)
    assert calls == [] and notes.read_text() == "mine"


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits")
def test_a_cache_write_that_fails_leaves_no_part_of_a_file_and_the_landscape_is_returned(tmp_path):
    # A full disk (here: a file size limit) cut the cache mid-write; the next build refused the
    # file the package had written ("not a landscape cache"), and this one lost its evaluations.
    resource = pytest.importorskip("resource")
    calls = []
    objective = FunctionObjective(lambda p: calls.append(p) or p["x"] + p["y"],   # named: `calls` grows
                                  SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]), fingerprint="x + y")
    limits, handler = resource.getrlimit(resource.RLIMIT_FSIZE), signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, limits[1]))
        with pytest.warns(RuntimeWarning, match=f"{re.escape(str(tmp_path))}.* could not be written .*File too large"):
            land = build_landscape(objective, resolution=5, cache_dir=tmp_path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert land.losses.shape == (25,) and list(tmp_path.iterdir()) == []
    build_landscape(objective, resolution=5, cache_dir=tmp_path)
    again = build_landscape(objective, resolution=5, cache_dir=tmp_path)  # from the cache
    assert len(calls) == 50 and again.losses.tolist() == land.losses.tolist()


def test_a_ctrl_c_while_a_cache_is_written_leaves_no_part_of_a_file(tmp_path, monkeypatch):
    from pathlib import Path

    objective = FunctionObjective(lambda p: p["x"], SearchSpace([Float("x", 0, 1)]))
    real = Path.write_text

    def cut(self, text, *args, **kwargs):
        real(self, text[:10])
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", cut)
    with pytest.raises(KeyboardInterrupt):
        build_landscape(objective, resolution=3, cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
