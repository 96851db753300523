"""Landscapes of conditional spaces: a grid point whose parameter is inactive is a copy of the
configuration it stands for. Replay, the null model, the repr, the train-test comparison and the
similarity of two landscapes treat copies as one."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.stats import spearmanr

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, Study
from interactive_hpo.landscape import (
    Landscape,
    LandscapeObjective,
    assortativity,
    best_trained,
    build_landscape,
    check_findings,
    null_zscores,
    similarity,
    similarity_matrix,
    train_test_agreement,
)
from interactive_hpo.objectives import FunctionObjective

# Three kernels: gamma for rbf only, coef for poly only; C for every one (audit a174 #2).
SPACE = SearchSpace([Categorical("kernel", ["linear", "rbf", "poly"]),
                     Float("gamma", 1e-3, 1.0, log=True, condition=("kernel", "rbf")),
                     Float("coef", 0.0, 1.0, condition=("kernel", "poly")), Float("C", 1e-2, 1e2, log=True)])


def _noise(seed: int) -> FunctionObjective:
    """I.i.d. uniform losses, one per distinct configuration (its copies share it)."""
    rng, table = np.random.default_rng(seed), {}

    def loss(params):
        return table.setdefault(tuple(sorted(params.items())), float(rng.random()))

    return FunctionObjective(loss, SPACE)


@pytest.fixture(scope="module")
def noise():
    return build_landscape(_noise(0), resolution=5)


def test_copies_of_one_configuration_share_a_number_and_the_repr_counts_them(noise):
    assert noise.n == 375 and noise.n_configurations == 5 + 25 + 25   # linear: C; rbf: gamma x C; poly: coef x C
    assert np.unique(noise.losses).size == noise.n_configurations
    linear = np.array([noise.params(i)["kernel"] == "linear" for i in range(noise.n)])
    assert not noise.active[linear][:, 1:3].any() and noise.active[~linear].sum(axis=1).tolist() == [3] * 250
    # Grid points of one configuration share a number and a loss; the numbers follow the grid.
    assert np.array_equal(noise.losses, noise.losses[noise.configuration_points][noise.configuration])
    assert noise.configuration[0] == 0 and np.all(np.diff(noise.configuration[noise.configuration_points]) == 1)
    assert re.search(r"3 x 5 x 5 x 5 = 375 grid points, 55 distinct configurations", repr(noise))
    assert "= 4 configurations" in repr(Landscape(("a", "b"), ((0, 1), (0, 1)), (True, True), [0, 1, 2, 3]))


def test_the_null_model_shuffles_configurations_so_noise_is_no_structure(noise):
    """Shuffled grid point by grid point, the copies scattered and i.i.d. noise read as smooth,
    clustered and neutral (autocorrelation z = 11.5, assortativity 12.4, neutrality 52)."""
    z = null_zscores(noise, n_shuffles=40, seed=0, metrics=["autocorrelation", "assortativity", "neutrality"])
    assert all(abs(value) < 3 for value in z.values()), z
    both = Landscape(noise.names, noise.levels, noise.ordered, noise.losses, noise.space,
                     others={"train": noise.losses, "test": noise.losses})
    row = check_findings({("noise", "grid", 1.0): both}, n_shuffles=20, seed=0).rows[0]
    assert abs(row["autocorrelation_z"]) < 3 and abs(row["assortativity_z"]) < 3
    # Without conditions the shuffles are those of the losses themselves, as before.
    plain = Landscape(("a", "b"), ((0, 1, 2), (0, 1, 2)), (True, True), np.arange(9.0) ** 2)
    rng = np.random.default_rng(0)
    null = np.array([assortativity(plain, rng.permutation(plain.losses)) for _ in range(5)])
    z = null_zscores(plain, n_shuffles=5, seed=0, metrics="assortativity")["assortativity"]
    assert z == pytest.approx((assortativity(plain) - null.mean()) / null.std())


def test_a_replayed_conditional_landscape_answers_every_trial(noise):
    """Audit a174 #1: 7 of 8 random trials FAILED, index_of wanting gamma of a linear kernel."""
    replay = LandscapeObjective(noise)
    study = Study(replay.space, "random", seed=0)
    study.run(replay, 12)
    assert all(t.state.value == "COMPLETE" for t in study.trials)
    assert {t.params["kernel"] for t in study.trials} == {"linear", "rbf", "poly"}
    for trial in study.trials:   # the loss of the grid configuration nearest to the trial
        index = noise.index_of(trial.params)
        assert trial.value == noise.losses[index]
        assert noise.params(index).keys() == trial.params.keys()  # its active parameters, as a trial holds them
    # The inactive ones take the level the space encodes an inactive value at (the centre).
    index = noise.index_of({"kernel": "linear", "C": 1.0})
    assert tuple(noise.codes[index, 1:3]) == (2, 2) and noise.params(index) == {"kernel": "linear", "C": 1.0}


@pytest.mark.parametrize(("params", "message"), [
    ({"kernel": "rbf", "C": 1.0}, "`params` of Landscape.index_of must be a mapping with a value for each active "
                                  "parameter; got {'kernel': 'rbf', 'C': 1.0}. Missing: ['gamma']"),
    ({"C": 1.0}, "Missing: ['kernel']"),
])
def test_index_of_still_wants_every_active_parameter(noise, params, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        noise.index_of(params)


def test_copies_with_different_losses_are_refused(noise):
    losses = noise.losses.copy()
    i = int(np.flatnonzero(noise.configuration == noise.configuration[0])[1])
    losses[i] += 1
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`losses` of Landscape must be equal on grid points that differ only in inactive parameters")):
        noise.with_losses(losses)


def test_best_trained_and_train_test_agreement_count_each_configuration_once(noise):
    """Called directly (not through the plot), the 320 copies of 55 configurations were counted:
    38 "best-trained" grid points, a linear kernel's 25 copies weighing 25 times in Spearman."""
    test = np.random.default_rng(1).random(noise.n_configurations)[noise.configuration]
    land = Landscape(noise.names, noise.levels, noise.ordered, test, noise.space,
                     others={"train": noise.losses, "test": test})
    first = land.configuration_points
    train, test = land.others["train"][first], test[first]
    best = best_trained(land)
    # A tenth of 55 configurations, each by its first grid point, lowest training loss first.
    assert best.tolist() == first[np.argsort(train)[:6]].tolist()
    agreement = train_test_agreement(land)
    assert agreement["all"] == pytest.approx(spearmanr(train, test)[0])
    assert agreement["best_trained"] == pytest.approx(spearmanr(land.others["train"][best], land.losses[best])[0])



@pytest.fixture(scope="module")
def kernels():
    """Two landscapes on a 2 x 5 x 5 grid of 30 configurations (0-4: a linear kernel at 5 levels of
    C, each with 5 copies, gamma inactive), alike but for one: linear C=0.01, best in a, worst in b.
    Returns a, b and their losses per configuration, shape (30,)."""
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]),
                         Float("gamma", 1e-3, 1.0, log=True, condition=("kernel", "rbf")),
                         Float("C", 1e-2, 1e2, log=True)])
    grid = build_landscape(FunctionObjective(lambda params: 0.0, space), resolution=5)
    assert (grid.n, grid.n_configurations) == (50, 30)
    rbf = np.arange(1.0, 26.0)
    a_losses, b_losses = np.r_[0.0, 101, 102, 103, 104, rbf], np.r_[200.0, 101, 102, 103, 104, rbf]
    return grid.with_losses(a_losses[grid.configuration]), grid.with_losses(b_losses[grid.configuration]), \
        a_losses, b_losses


def test_similarity_counts_each_configuration_once(kernels):
    """The linear kernel's 5 copies filled the top 10% of 50 grid points: a and b shared no top
    configuration (overlap 0 for 0.5), and the copies weighed in both Spearman correlations (0.46
    for 0.81 over all, -0.72 for -0.2 over the top)."""
    a, b, a_losses, b_losses = kernels
    # Top 10% of 30: 3 configurations each, {linear C=0.01, rbf 1, rbf 2} and {rbf 1, 2, 3}.
    expected = {"spearman": pytest.approx(spearmanr(a_losses, b_losses)[0]),
                "spearman_top": pytest.approx(spearmanr([0, 1, 2, 3], [200, 1, 2, 3])[0]), "gamma_overlap": 0.5}
    assert similarity(a, b, top=0.1) == expected and expected["spearman_top"] == pytest.approx(-0.2)
    assert {name: matrix[0, 1] for name, matrix in similarity_matrix({"a": a, "b": b}).items()} == expected


def test_similarity_refuses_a_plain_landscape_on_a_conditional_grid(kernels):
    """b's losses on the same grid without the space are 50 configurations, whose copies may
    differ: no configuration of a matches one of them, and they were compared point by point."""
    a, b, _, _ = kernels
    plain = Landscape(a.names, a.levels, a.ordered, b.losses)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`b` of similarity must be a landscape whose grid points stand for the configurations a's do (50 grid "
            "points, 30 distinct configurations); got '50 distinct configurations'. Grid points that differ only "
            "in inactive parameters are one configuration of a conditional space: build both landscapes on the "
            "same search space.")):
        similarity(a, plain)
    with pytest.raises(InvalidParameterError, match="got '30 distinct configurations'"):
        similarity_matrix({"plain": plain, "a": a})
