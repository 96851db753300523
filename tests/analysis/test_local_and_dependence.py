"""Importance among the best trials, the ablation path and partial dependence (issue 28, items 2-3)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study
from interactive_hpo.analysis import (
    ablation_path,
    ice_curves,
    local,
    partial_dependence,
    quantile_importance,
    study_partial_dependence,
    study_quantile_importance,
)

SPACE = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Categorical("kind", ["x", "y", "z"])])
START, END = {"a": 0.9, "b": 1.0, "kind": "x"}, {"a": 0.2, "b": 0.0, "kind": "y"}


def loss(X):
    """Only near a = 0.2 is the loss low, and there kind "y" helps; b barely matters."""
    kind = np.rint(X[:, 2] * 3 - 0.5)
    return (X[:, 0] - 0.2) ** 2 + 0.01 * X[:, 1] + 0.05 * (kind != 1)


@pytest.fixture(scope="module")
def trials():
    X = np.array([SPACE.to_unit(p) for p in SPACE.sample(300, rng=0)])
    return X, loss(X)


def test_the_best_trials_agree_on_what_matters_near_the_optimum(trials):
    result = quantile_importance(SPACE, *trials, quantile=0.1)
    # The best 30 all have kind "y" and a near 0.2; their b is spread like everyone's.
    assert result.n_top == 30 and result.ranking() == ["kind", "a", "b"]
    assert np.isclose(result.share.sum(), 1.0)
    low, high = result.interval.T
    assert np.all(low <= high) and low[0] > high[1]   # a's share is surely above b's


def test_trials_that_tie_at_the_cut_are_all_among_the_best(trials):
    """Fuzz round 4: with constant losses the first trials in order made the cut, and whatever
    they happened to share scored as important (kind got a share of 0.6 of nothing)."""
    X, _ = trials
    flat = quantile_importance(SPACE, X, np.ones(len(X)), quantile=0.1, n_boot=10)
    assert flat.n_top == len(X) and np.all(flat.share == 0) and np.all(flat.interval == 0)
    # Two levels of accuracy: the 100 tied best trials (a < 1/3) are all in, a alone matters.
    coarse = quantile_importance(SPACE, X, (X[:, 0] > 1 / 3).astype(float), quantile=0.1, n_boot=10)
    assert coarse.n_top == int(np.sum(X[:, 0] <= 1 / 3)) and coarse.ranking()[0] == "a"


def test_a_study_reads_its_finished_trials():
    study = Study(SPACE, "random", seed=0)
    study.run(lambda p: float(loss(SPACE.to_unit(p)[None])[0]), n_trials=80)
    assert study_quantile_importance(study, quantile=0.2).ranking()[-1] == "b"
    pd = study_partial_dependence(study, "a", surrogate="forest", resolution=10, n_background=64, n_samples=16)
    assert pd.samples.shape == (16, 10) and np.argmin(pd.mean) <= 3   # low near a = 0.2


def test_the_ablation_path_gives_each_parameter_its_share_of_the_gain():
    start, end = {"a": 0.9, "b": 1.0, "kind": "x"}, {"a": 0.2, "b": 0.0, "kind": "y"}
    path = ablation_path(loss, SPACE, start, end)
    assert path.steps == ("a", "kind", "b") and len(path.losses) == 4
    assert np.isclose(path.shares.sum(), 1.0) and path.shares[0] > 0.8
    assert np.allclose(path.points[-1], SPACE.to_unit(end))


KERNELS = SearchSpace([Float("C", 1e-3, 1e3, log=True),
                       Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly"])),
                       Int("degree", 2, 5, condition=("kernel", "poly")),
                       Categorical("kernel", ["rbf", "poly", "linear"])])


def test_an_ablation_path_between_kernels_ends_at_the_end():
    # Before: with the kernel still linear, setting gamma or degree changed nothing (the point is
    # canonical) and won the tie: steps ('gamma', 'degree', 'kernel'), losses [1, 1, 1, 3.375],
    # the path ending at gamma 0.0316 and degree 4 (their centres), loss(end) = 0 never reached.
    end = {"C": 1.0, "gamma": 1.0, "degree": 2, "kernel": "poly"}
    at_end = KERNELS.to_unit(end)
    j = {name: i for i, name in enumerate(KERNELS.names)}

    def loss(X):   # linear: 1; poly: 0 at the end's gamma and degree, worse away from them
        away = np.abs(X[:, j["gamma"]] - at_end[j["gamma"]]) + np.abs(X[:, j["degree"]] - at_end[j["degree"]])
        return np.where(np.isclose(X[:, j["kernel"]], at_end[j["kernel"]]), 5 * away, 1.0)

    path = ablation_path(loss, KERNELS, {"C": 1.0, "kernel": "linear"}, end)
    # The kernel's step switches gamma and degree on at the end's values (audit a428).
    assert path.steps == ("kernel",) and path.losses.tolist() == [1.0, 0.0]
    np.testing.assert_array_equal(path.points[-1], at_end)
    assert KERNELS.from_unit(path.points[-1]) == end and np.isclose(path.shares.sum(), 1.0)


NESTED = SearchSpace([Categorical("model", ["svm", "net"]),
                      Categorical("kernel", ["rbf", "poly", "linear"], condition=("model", "svm")),
                      Float("gamma", 0, 1, condition=("kernel", ["rbf", "poly"])),
                      Int("degree", 2, 5, condition=("kernel", "poly")),
                      Int("layers", 1, 3, condition=("model", "net")),
                      Float("width", 0, 1, condition=("layers", [2, 3])), Float("lr", 0, 1)])


@pytest.mark.parametrize("seed", range(6))
def test_every_ablation_path_ends_at_the_end_by_real_steps(seed):
    # A flat loss makes every candidate tie (the first wins), a random linear one picks by value.
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=NESTED.dim)
    for _ in range(10):
        start, end = (NESTED.from_unit(rng.random(NESTED.dim)) for _ in range(2))
        at_end = NESTED.to_unit(end)
        for loss in (lambda X: np.zeros(len(X)), lambda X: X @ weights):
            path = ablation_path(loss, NESTED, start, end)
            np.testing.assert_array_equal(path.points[-1], at_end)
            assert np.all(np.any(np.diff(path.points, axis=0) != 0, axis=1))   # each step changes something
            differ = {name for name, a, b in zip(NESTED.names, NESTED.to_unit(start), at_end, strict=True) if a != b}
            assert len(set(path.steps)) == len(path.steps) and set(path.steps) <= differ


def test_partial_dependence_in_two_dimensions_and_its_band():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.05, size=(20, 1))

    def plausible(X):   # 20 functions: a * b plus a constant offset each
        return X[:, 0] * X[:, 1] + noise

    pd = partial_dependence(plausible, space, ["a", "b"], resolution=5, n_background=32)
    assert pd.mean.shape == (5, 5) and pd.samples.shape == (20, 5, 5)
    a, b = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 5), indexing="ij")
    assert np.allclose(pd.mean, a * b + noise.mean(), atol=1e-9)
    assert np.all(pd.low < pd.mean) and np.all(pd.mean < pd.high)


def test_in_a_conditional_space_the_average_runs_where_the_parameter_is_active():
    from interactive_hpo import Int

    space = SearchSpace([Categorical("kernel", ["linear", "poly"]),
                         Int("degree", 2, 5, condition=("kernel", "poly"))])

    def f(X):
        active = space.conditions.active_mask(X)[:, 1]
        return np.where(active, X[:, 1], 10.0)   # inactive rows would drag the average to 10

    pd = partial_dependence(f, space, "degree", n_background=64)
    assert np.all(pd.mean < 1.5)
    axis, curves = ice_curves(f, space, "degree", [space.to_unit({"kernel": "linear"}),
                                                   space.to_unit({"kernel": "poly", "degree": 3})])
    assert np.isnan(curves[0]).all() and np.isfinite(curves[1]).all() and len(axis.levels) == 4


SVM = SearchSpace([Categorical("kernel", ["linear", "rbf", "poly"]),
                   Float("gamma", 0, 1, condition=("kernel", ["rbf", "poly"])),
                   Float("coef0", 0, 1, condition=("kernel", "linear"))])


def svm_loss(X):
    """gamma squared where gamma applies (its mean over a uniform gamma: 1/3); 5 elsewhere."""
    return np.where(SVM.conditions.active_mask(X)[:, 1], X[:, 1] ** 2, 5.0)


def test_a_parent_set_to_a_value_finds_its_children_spread_as_a_uniform_draw_leaves_them():
    """The curve of kernel at "rbf" averages gamma**2 over gamma's range: 1/3. The background
    was canonical, its linear third at gamma's fixed code 0.5 (0.25 there), and it read 0.306
    (a190 L5)."""
    pd = partial_dependence(svm_loss, SVM, "kernel", n_background=512)
    assert pd.mean == pytest.approx([5.0, 1 / 3, 1 / 3], abs=2e-3)
    assert pd.note == ""   # kernel always applies


def test_a_conditional_parameter_is_averaged_where_it_applies_and_says_so():
    pd = partial_dependence(svm_loss, SVM, "gamma", resolution=5, n_background=64)
    assert pd.mean == pytest.approx(np.linspace(0, 1, 5) ** 2)   # the linear third (5.0) left out
    assert pd.note == "averaged only where gamma applies: kernel is 'rbf' or 'poly'"
    pair = partial_dependence(svm_loss, SVM, ["kernel", "gamma"], resolution=3, n_background=64)
    assert np.isnan(pair.mean[0]).all() and pair.mean[1:] == pytest.approx(np.tile([0, 0.25, 1], (2, 1)))
    assert pair.note == "averaged only where gamma applies (gamma: kernel is 'rbf' or 'poly')"
    chained = SearchSpace([*SVM.params, Int("degree", 2, 5, condition=("kernel", "poly")),
                           Float("scale", 0, 1, condition=("degree", [3, 4]))])
    assert partial_dependence(lambda X: X[:, 4], chained, "scale", resolution=2, n_background=64).note == \
        "averaged only where scale applies: degree is 3 or 4 and kernel is 'poly'"
    both = partial_dependence(lambda X: X[:, 4], chained, ["gamma", "degree"], resolution=2, n_background=64)
    assert both.note == "averaged only where both apply (gamma: kernel is 'rbf' or 'poly'; degree: kernel is 'poly')"
    with pytest.raises(InvalidParameterError, match=re.escape("`name` of Conditions.when must be one of the space's "
                                                              "parameters ['kernel', 'gamma', 'coef0'")):
        chained.conditions.when("nope")   # a bare KeyError (review a213)


def test_parameters_never_active_together_are_refused_by_name():
    """gamma (rbf, poly) and coef0 (linear) never meet: the map was all blank, and said nothing."""
    with pytest.raises(InvalidParameterError, match=r"`names` of partial_dependence must be parameters active "
                       r"together in some configuration; got \['gamma', 'coef0'\]\. Averaged only where both "
                       r"apply \(gamma: kernel is 'rbf' or 'poly'; coef0: kernel is 'linear'\), and none of the 64 "
                       r"background configurations"):
        partial_dependence(svm_loss, SVM, ["gamma", "coef0"], resolution=3, n_background=64)


def test_quantile_importance_counts_a_conditional_parameter_where_it_is_active():
    space = SearchSpace([Categorical("kernel", ["linear", "poly"]),
                         Int("degree", 2, 5, condition=("kernel", "poly")), Float("C", 0, 1)])
    X = space.canonical(np.random.default_rng(0).random((200, 3)))
    losses = np.where(X[:, 0] >= 0.5, 0.0, 1.0) + 0.3 * X[:, 2]  # the kernel and C; never the degree
    q = quantile_importance(space, X, losses, quantile=0.2, n_boot=20)
    # The linear half sat at degree's canonical value: its bin held half the trials and none of
    # the best, and degree took a fifth of the importance.
    assert q.share[1] < 0.03 and q.share[0] > 0.3 and q.share[2] > 0.3


def test_quantile_importance_reads_the_same_trials_alike_whatever_the_order_of_choices_or_a_floats_direction():
    """Review a380: only the bins up to the highest one visited were counted. Two choices of ten
    listed first or last shared [0.48 0.52] or [0.607 0.393] with a float, and the ranking flipped;
    a float visited only below 0.45 scored otherwise mirrored (its empty bins above were dropped)."""
    rng = np.random.default_rng(1)
    labels, z = rng.choice(["a", "b"], 20), rng.uniform(0, 0.45, 20)
    losses = np.where(labels == "a", z, 1 + z)
    results = []
    for choices in (list("abcdefghij"), list("jihgfedcba")):
        space = SearchSpace([Categorical("c", choices), Float("z", 0, 1)])
        codes = [space.params[0].to_unit(label) for label in labels]
        for column in (z, 1 - z):
            results.append(quantile_importance(space, np.column_stack([codes, column]), losses, quantile=0.2,
                                               n_boot=20))
    first = results[0]
    for result in results[1:]:
        assert np.allclose(result.divergence, first.divergence, rtol=1e-12)
        assert np.allclose(result.interval, first.interval, rtol=1e-12) and result.ranking() == first.ranking()


MIXED = SearchSpace([Categorical("kernel", ["linear", "poly", "rbf"]),
                     Int("degree", 2, 5, condition=("kernel", "poly")),
                     Float("gamma", 1e-3, 1.0, log=True, condition=("kernel", "rbf")), Int("width", 1, 500),
                     Float("C", 0, 1)])


def reference_quantile_importance(space, X, losses, quantile, n_boot, seed, level):
    """quantile_importance as first written: each resample binned and counted parameter by
    parameter (the package bins once and counts every parameter at once)."""
    def divergences(X, top):
        out = np.zeros(space.dim)
        active = space.conditions.active_mask(X)
        for j in range(space.dim):
            rows = active[:, j]
            if (rows & top).any():
                bins = local._bins(space, j, X[rows, j])
                levels = space.params[j].levels(local.BINS + 1)   # every bin, visited or not
                size = len(levels) if space.params[j].kind != "float" and len(levels) <= local.BINS else local.BINS
                p_all = (np.bincount(bins, minlength=size) + 1.0) / (len(bins) + size)
                p_top = (np.bincount(bins[top[rows]], minlength=size) + 1.0) / (int(top[rows].sum()) + size)
                out[j] = np.sum((p_top / p_all - 1.0) ** 2 * p_all)
        return out

    def top_of(values):
        return values <= np.sort(values)[max(2, int(np.ceil(quantile * len(values)))) - 1]

    def shares(divergence):
        return divergence / divergence.sum() if divergence.sum() > 0 else np.zeros_like(divergence)

    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(losses), len(losses))
        boot.append(shares(divergences(X[pick], top_of(losses[pick]))))
    tail = 50 * (1 - level)
    return divergences(X, top_of(losses)), np.percentile(boot, [tail, 100 - tail], axis=0).T


def test_quantile_importance_is_the_plain_computation_counted_at_once():
    """The bootstrap bins the trials once and counts all parameters together: the same
    divergences and intervals as binning every resample anew, ties, conditions and every kind
    of parameter included."""
    X = MIXED.canonical(np.random.default_rng(1).random((300, MIXED.dim)))
    losses = np.round(np.sin(7 * X).sum(axis=1) + X[:, 0], 1)   # rounded: ties at the cut
    result = quantile_importance(MIXED, X, losses, quantile=0.15, n_boot=40, seed=3, level=0.8)
    divergence, interval = reference_quantile_importance(MIXED, X, losses, 0.15, 40, 3, 0.8)
    assert np.allclose(result.divergence, divergence, rtol=1e-12, atol=1e-15)
    assert np.allclose(result.interval, interval, rtol=1e-12, atol=1e-15)
    assert np.all(result.divergence > 0) and np.all(result.interval[:, 1] > 0)   # nothing trivially 0


def test_the_bootstrap_bins_the_trials_once(monkeypatch):
    """A resample's bins are its trials' bins: binning every resample again (n_boot x d Python
    calls, most of the time on a mixed space) is not done."""
    binned, bins = [], local._bins
    monkeypatch.setattr(local, "_bins", lambda space, j, column: binned.append(j) or bins(space, j, column))
    X = MIXED.canonical(np.random.default_rng(1).random((100, MIXED.dim)))
    quantile_importance(MIXED, X, X.sum(axis=1), n_boot=50)
    assert sorted(binned) == list(range(MIXED.dim))


def unevaluated(X):
    raise AssertionError(f"{len(X)} points were built and evaluated before their number was checked")


def test_a_categorical_counts_its_choices_in_the_grid_not_the_resolution():
    asked = []
    pd = partial_dependence(lambda X: asked.append(len(X)) or np.zeros(len(X)), SPACE, ["a", "kind"],
                            resolution=1000, n_background=300)
    assert pd.mean.shape == (1000, 3) and sum(asked) == 1000 * 3 * 300   # not 1000 x 1000 x 300, refused


@pytest.mark.parametrize(("call", "message"), [
    (lambda: partial_dependence(loss, SPACE, ["a", "a"]), r"`names` of partial_dependence must be one or two distinct"),
    (lambda: partial_dependence(loss, SPACE, ["a", "b", "kind"]), r"must be one or two distinct names"),
    (lambda: quantile_importance(SPACE, np.zeros((3, 3)), np.zeros(3)), r"`losses` of quantile_importance must be"),
    (lambda: quantile_importance(SPACE, np.zeros((3, 2)), np.zeros(3)), r"`X` of quantile_importance must be"),
    (lambda: ablation_path("loss", SPACE, {}, {}), r"`loss` of ablation_path must be a callable"),
    (lambda: ice_curves(loss, SPACE, "c", np.zeros((1, 3))), r"`name` of ice_curves must be one of"),
    # A loss of the wrong shape was read as its first entry for every candidate; a NaN taken by argmin.
    (lambda: ablation_path(lambda X: np.zeros(1), SPACE, START, END),
     r"`loss` of ablation_path must be values of shape \(3,\) for 3 points; got 'an array of shape \(1,\)'\."),
    (lambda: ablation_path(lambda X: np.zeros((64, len(X))), SPACE, START, END),  # a surrogate, not its mean
     r"got 'an array of shape \(64, 1\)'\. That is one row per plausible function: pass one function, such as the "
     r"surrogate's mean \(ForestSurrogate\.mean, GPSamples\.mean\)\."),
    (lambda: ablation_path(lambda X: np.where(X[:, 0] < 0.5, np.nan, 1.0), SPACE, START, END),
     r"`loss` of ablation_path must be finite values at every point; got 'NaN or inf among them'\."),
    (lambda: ablation_path(loss, SPACE, {"a": 0.9}, END),
     r"`start` of ablation_path must be a dict with keys \['a', 'b', 'kind'\]; got \{'a': 0\.9\}\. Missing "
     r"parameter\(s\): 'b', 'kind'\."),
    (lambda: ablation_path(loss, SPACE, START, {**END, "a": 2.0}),
     r"`end` of ablation_path must be a configuration of the search space .*`a` of the search space must be"),
    (lambda: ablation_path(loss, "space", START, END), r"`space` of ablation_path must be a SearchSpace"),
    # X outside the unit cube was binned at an edge, or crashed in bincount; one of another
    # width was reshaped into other configurations.
    (lambda: quantile_importance(SPACE, -np.ones((10, 3)), np.arange(10.0)),
     r"`X` of quantile_importance must be an array of shape \(10, 3\) in the unit cube \(finite, in \[0, 1\]\); got "
     r"-1\.0\. At row 0, parameter 'a'\."),
    (lambda: quantile_importance(SPACE, np.full((10, 3), np.nan), np.arange(10.0)), r"got nan\. At row 0"),
    (lambda: quantile_importance(SPACE, np.full((10, 3), 1.5), np.arange(10.0)), r"got 1\.5\. At row 0"),
    (lambda: quantile_importance(SPACE, np.zeros((10, 3)), "losses"), r"`losses` of quantile_importance must be"),
    (lambda: ice_curves(loss, SPACE, "a", np.zeros((6, 1))),
     r"`X` of ice_curves must be an array of shape \(n, 3\) in the unit cube .*; got 'an array of shape \(6, 1\)'\."),
    (lambda: ice_curves(loss, SPACE, "a", [[0.5, 2.0, 0.5]]),
     r"`X` of ice_curves .*got 2\.0\. At row 0, parameter 'b'"),
    (lambda: ice_curves(lambda X: X[:1, 0], SPACE, "a", np.zeros((2, 3))), r"`mean` of ice_curves must be values of"),
    (lambda: partial_dependence(loss, SPACE, None), r"`names` of partial_dependence must be one or two distinct"),
    (lambda: partial_dependence(loss, SPACE, [["a"]]), r"`names` of partial_dependence must be one or two distinct"),
    (lambda: partial_dependence(lambda X: X[:3, 0], SPACE, "a", n_background=8),
     r"`functions` of partial_dependence must be values of shape \(S, 320\) or \(320,\) for 320 points"),
    (lambda: partial_dependence(lambda X: np.full(len(X), np.inf), SPACE, "a"),
     r"`functions` of partial_dependence must be finite values at every point"),
    (lambda: partial_dependence(loss, SPACE, "a", seed=-1), r"`seed` of partial_dependence must be an int"),
    (lambda: partial_dependence("loss", SPACE, "a"), r"`functions` of partial_dependence must be a callable"),
    # Fuzz round 4: a MemoryError (7.5 GB of levels) instead of an error naming the argument.
    (lambda: partial_dependence(loss, SPACE, "a", resolution=10**9),
     r"`resolution` of partial_dependence must be an int in \[2, 1048576\]; got 1000000000\."),
    (lambda: ice_curves(loss, SPACE, "a", np.zeros((4, 3)), resolution=10**9),
     r"`resolution` of ice_curves must be an int in \[2, 262144\]; got 1000000000\. That is 4 points \(one per row "
     r"of X\) each"),
    # Each passed its own cap, and every level was evaluated at every background point: 2e6
    # points here, 1e10 at resolution=10**5 and n_background=10**5. Refused before any is built.
    (lambda: partial_dependence(unevaluated, SPACE, "a", resolution=2000, n_background=1000),
     r"`resolution` and `n_background` of partial_dependence must be small enough together for at most 1,048,576 "
     r"points to evaluate \(levels x n_background\); got resolution=2000 and n_background=1000, which make "
     r"2,000,000\. Lower one of them\."),
    (lambda: partial_dependence(unevaluated, SPACE, ["a", "kind"], resolution=1000, n_background=400),
     r"got resolution=1000 and n_background=400, which make 1,200,000\."),   # 1000 levels x 3 choices x 400
])
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()
