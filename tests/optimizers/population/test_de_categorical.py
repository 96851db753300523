"""Differential evolution on categorical coordinates: binary DE's rule, not arithmetic on the
bins (audit a430: 20 of 32 children took a category none of their parents had, ``k4 + 0.8 (k6 -
k0) -> k9``, a move that depended on the order the choices were listed)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.optimizers.population.individual import Individual

CHOICES = [f"k{i}" for i in range(20)]
SHUFFLED = random.Random(1).sample(CHOICES, len(CHOICES))
# The population every generation is bred from: these manual trials beat the first generation
# (the objective gives 100 to every trial DE asks), and no child ever replaces one. Two share a
# category: donors r2 and r3 that agree leave no difference to scale.
MANUAL = [(0.1, "k0"), (0.3, "k1"), (0.45, "k1"), (0.6, "k10"), (0.8, "k11"), (0.95, "k19")]
WEIGHT = 0.3  # F below 0.5: DE's arithmetic kept x_r1's bin whenever x_r2's and x_r3's were neighbours


def bred_from_manual(choices: list[str]) -> list[tuple[dict, list[dict]]]:
    """Each child DE breeds after its first generation (params), with the params of its target
    and its donors r1, r2, r3, on a space whose categorical lists ``choices``."""
    space = SearchSpace([Float("x", 0.0, 1.0), Categorical("c", choices)])
    study = Study(space, "de", seed=4, optimizer_settings={"population_size": 6, "crossover_rate": 1.0,
                                                           "differential_weight": WEIGHT})
    for value, (x, c) in enumerate(MANUAL):
        study.add_manual({"x": x, "c": c}, value)
    study.run(lambda p: 100.0, n_trials=66, progress=False)
    return [(t.params, [study.trials[number].params for _, number in t.user_attrs["parents_from_trials"]])
            for t in study.trials if t.user_attrs.get("generation", 0) > 0]


@pytest.fixture(scope="module")
def listed() -> list[tuple[dict, list[dict]]]:
    return bred_from_manual(CHOICES)


def test_a_child_takes_its_base_donors_category_or_moves_only_where_the_donors_differ(listed):
    moved = []
    for child, (_, r1, r2, r3) in listed:
        if r2["c"] == r3["c"]:  # no difference to scale: x_r1's category
            assert child["c"] == r1["c"]
        else:
            moved.append(child["c"] != r1["c"])
    # Both cases occur. (How often a child moves is measured below: here a child that would repeat
    # a configuration is drawn again, and one that moved rarely repeats.)
    assert len(listed) == 60 and 30 < len(moved) < 60 and 0 < sum(moved) < len(moved)


def test_a_categorical_moves_with_probability_f_to_any_other_category_alike():
    space = SearchSpace([Float("x", 0.0, 1.0), Categorical("c", CHOICES)])
    de = Study(space, "de", seed=0, optimizer_settings={"differential_weight": WEIGHT}).optimizer
    donors = [Individual(id=i, x=space.to_unit({"x": 0.5, "c": c})) for i, c in enumerate(["k3", "k7", "k8"])]
    rng = np.random.default_rng(0)
    n = 4000
    bins = [int(de._categorical_mutant(rng, donors[0].x.copy(), tuple(donors))[1] * len(CHOICES))
            for _ in range(n)]
    counts = np.bincount(bins, minlength=len(CHOICES))
    moved = n - counts[3]
    assert abs(moved / n - WEIGHT) < 3 * np.sqrt(WEIGHT * (1 - WEIGHT) / n)
    others = np.delete(counts, 3)  # each of the 19 others alike, the neighbours k2 and k4 too
    expected = moved / len(others)
    assert np.all(np.abs(others - expected) < 4 * np.sqrt(expected))


def test_the_search_does_not_depend_on_the_order_of_the_choices(listed):
    # One seed, the same population, the choices listed in another order: every child's number is
    # the same and it keeps or leaves the same category. Before, DE added and scaled the bins: x_r1
    # + 0.3 (x_r2 - x_r3) kept x_r1's category when x_r2's and x_r3's were neighbours in the list,
    # and left it when the shuffled list put them apart.
    shuffled = bred_from_manual(SHUFFLED)
    assert len(shuffled) == len(listed)
    for (child, (_, r1, *_)), (other, (_, other_r1, *_)) in zip(listed, shuffled, strict=True):
        assert other["x"] == child["x"] and other_r1 == r1
        assert (other["c"] == r1["c"]) == (child["c"] == r1["c"])
        if child["c"] == r1["c"]:
            assert other["c"] == child["c"]


# What DE proposed before categorical coordinates were bred apart (commit 05dd988, rounded to 6 decimals; seed 11, 5 per
# generation, trials 5-19): on spaces without a categorical it still proposes the same.
NUMERIC = SearchSpace([Float("x", -2.0, 2.0), Float("lr", 1e-4, 1.0, log=True), Int("n", 1, 9)])
BRANCHED = SearchSpace([Int("k", 0, 2), Float("y", 0.0, 1.0, condition=("k", [1])),
                        Int("m", 0, 5, condition=("k", [0, 2]))])


@pytest.mark.parametrize("space, objective, bred", [
    (NUMERIC, lambda p: (p["x"] - 0.5) ** 2 + (np.log10(p["lr"]) + 2) ** 2 + 0.1 * abs(p["n"] - 4),
     [(-0.613215, 0.036239, 6), (-1.363176, 0.13517, 6), (0.138199, 0.005131, 6), (-0.507013, 0.008661, 6),
      (-1.003041, 0.027853, 4), (1.146686, 0.006289, 8), (-1.621702, 0.029565, 4), (-1.700364, 0.042659, 2),
      (-1.051315, 0.084458, 6), (-1.814315, 0.26897, 4), (-0.450184, 0.017678, 6), (1.844827, 0.007708, 9),
      (0.293555, 0.014707, 6), (0.233694, 0.022359, 6), (-0.054414, 0.046675, 6)]),
    (BRANCHED, lambda p: p["k"] + p.get("y", 0.3) + 0.1 * p.get("m", 2),
     [(2, 2), (0, 4), (1, 0.903287), (2, 3), (1, 0.814033), (1, 0.854477), (1, 0.032606), (1, 0.295828),
      (1, 0.601854), (1, 0.712179), (1, 0.489606), (1, 0.581483), (0, 5), (0, 0), (1, 0.744821)]),
], ids=["numeric", "branched"])
def test_spaces_without_categoricals_breed_what_they_did(space, objective, bred):
    study = Study(space, "de", seed=11, optimizer_settings={"population_size": 5})
    study.run(objective, n_trials=20, progress=False)
    trials = [tuple(t.params.values()) for t in study.trials[5:]]
    assert trials == [pytest.approx(row, abs=1e-6) for row in bred]
