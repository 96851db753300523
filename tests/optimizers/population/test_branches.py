"""Conditional spaces with a float in one branch: no population method spends a trial on a
configuration it has evaluated, and a child that switches a branch on draws its floats afresh
(its parents hold only the canonical value there)."""

from __future__ import annotations

import math

import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study

#: "x" only when "k" is "a", "n" only when it is "b": 6 configurations without "x".
BRANCHES = SearchSpace([Categorical("k", ["a", "b", "c"]),
                        Float("x", 1e-3, 1, log=True, condition=("k", ["a"])),
                        Int("n", 1, 4, condition=("k", ["b"]))])

#: Ten models, a learning rate for the first only: 9 configurations without one.
MODELS = [f"m{i}" for i in range(10)]
TEN = SearchSpace([Categorical("model", MODELS), Float("lr", 1e-4, 1, log=True, condition=("model", ["m0"]))])


def loss(p):
    return {"a": 1.0, "b": 2.0, "c": 3.0}[p["k"]] + math.log(p.get("x", 1.0)) ** 2 / 10 + p.get("n", 0)


def model_loss(p):
    if "lr" in p:
        return (math.log10(p["lr"]) + 2) ** 2 / 10
    return 1.0 + MODELS.index(p["model"]) / 100


def distinct(study: Study) -> int:
    return len({tuple(sorted(t.params.items())) for t in study.trials})


@pytest.mark.parametrize("seed", [0, 2])
def test_de_repeats_nothing_with_a_small_population(seed):
    # 6 of 24 distinct at both seeds: no member of generation 0 had k="a", so every trial vector
    # switching it on kept x at the canonical value, and the 20 redraws kept the repeat.
    study = Study(BRANCHES, "de", seed=seed, optimizer_settings={"population_size": 4})
    study.run(loss, n_trials=24, progress=False)
    assert distinct(study) == 24


@pytest.mark.parametrize("seed", [0, 5])
def test_ga_repeats_nothing_when_one_model_of_ten_has_a_float(seed):
    # 3 and 4 of 64 were repeats: once the nine models without "lr" are known, a child on one of
    # them is new only if it lands on m0, and 20 tries could all miss.
    study = Study(TEN, "ga", seed=seed)
    study.run(model_loss, n_trials=64, progress=False)
    assert distinct(study) == 64


@pytest.mark.parametrize(("name", "seed"), [("ga", 2), ("de", 0), ("nsga2", 0)])
def test_a_branch_switched_on_does_not_start_at_the_canonical_value(name, seed):
    # Each bred a child with k="a" from parents without it, at x's canonical value (0.0316).
    settings = {"directions": ["minimize", "minimize"]} if name == "nsga2" else {}
    study = Study(BRANCHES, name, seed=seed, optimizer_settings={"population_size": 4}, **settings)
    study.run((lambda p: [loss(p), float(p["k"] == "c")]) if name == "nsga2" else loss, n_trials=24, progress=False)
    canonical = BRANCHES["x"].from_unit(0.5)
    assert not [t.number for t in study.trials if math.isclose(t.params.get("x", 0.0), canonical)]
