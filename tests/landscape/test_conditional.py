"""Landscapes of conditional spaces: a grid point whose parameter is inactive is a copy of the
configuration it stands for. Replay, the null model, the repr and the train-test comparison treat
copies as one."""

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
        assert {k: v for k, v in noise.params(index).items() if k in trial.params}.keys() == trial.params.keys()
    # The inactive ones take the level the space encodes an inactive value at (the centre).
    index = noise.index_of({"kernel": "linear", "C": 1.0})
    assert noise.params(index) == {"kernel": "linear", "gamma": noise.levels[1][2], "coef": 0.5, "C": 1.0}


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
