"""Small all-discrete spaces: no population method repeats a configuration while one is untried,
and each says it is exhausted once every one has been evaluated."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchExhausted, SearchSpace, Study
from interactive_hpo.optimizers.population.configurations import Configurations, configuration_key

#: 48 configurations, where NSGA-II's children rarely leave their parents' cells.
SMALL = SearchSpace([Int("a", 1, 4), Int("b", 1, 4), Categorical("c", ["x", "y", "z"])])

#: 5 configurations: "n" only when "k" is "a".
BRANCHES = SearchSpace([Categorical("k", ["a", "b"]), Int("n", 1, 4, condition=("k", ["a"]))])

METHODS = ["ga", "de", "cmaes", "nsga2"]


def distinct(study: Study) -> int:
    return len({tuple(sorted(t.params.items())) for t in study.trials})


def two_losses(p):
    return (p["a"] - 2) ** 2 + (p["c"] == "y"), (p["b"] - 3) ** 2 + p["a"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nsga2_repeats_nothing_while_a_configuration_is_untried(seed):
    # It kept 10, 6 and 10 repeats of 32 (seeds 0-2): every child of 21 matings in known cells.
    study = Study(SMALL, "nsga2", seed=seed, directions=["minimize", "minimize"],
                  optimizer_settings={"population_size": 8})
    study.run(two_losses, n_trials=32, progress=False)
    assert distinct(study) == 32


@pytest.mark.parametrize("name", METHODS)
def test_every_branch_once_then_exhausted(name):
    # DE's generation 1 was all repeats while ("b",) or another was untried.
    settings = {"directions": ["minimize", "minimize"]} if name == "nsga2" else {}
    study = Study(BRANCHES, name, seed=0, optimizer_settings={"population_size": 4}, **settings)

    def loss(p):
        value = p.get("n", 0) + (p["k"] == "b")
        return (value, -value) if name == "nsga2" else value

    study.run(loss, n_trials=8, progress=False)  # stops cleanly when none is left
    assert len(study.trials) == distinct(study) == 5 and study.optimizer.exhausted
    with pytest.raises(SearchExhausted, match="every configuration of this space was evaluated"):
        study.optimizer.ask()


def test_a_failed_configuration_counts_as_evaluated():
    study = Study(BRANCHES, "ga", seed=0, optimizer_settings={"population_size": 4})
    study.run(lambda p: 1 / 0 if p["k"] == "b" else p["n"], n_trials=8, progress=False)
    assert len(study.trials) == 5 and study.optimizer.exhausted


@pytest.mark.parametrize("name", ["cmaes", "ga", "de"])
def test_configurations_that_failed_are_not_asked_again(name):
    # CMA-ES (seed 1) asked the two failing configurations 27 times in 30 trials and never the sixth.
    space = SearchSpace([Int("a", 0, 1), Int("b", 0, 2)])
    study = Study(space, name, seed=1)
    study.run(lambda p: 1 / 0 if p["a"] == 1 else p["b"], n_trials=30, progress=False)
    assert distinct(study) == 6 and len(study.trials) <= 7 and study.optimizer.exhausted


@pytest.mark.parametrize("name", ["ga", "de"])
def test_children_avoid_configurations_that_failed_generations_ago(name):
    # 12 configurations, 6 failing: GA took 22 trials at seed 0 and DE 20, asking failed ones again.
    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["x", "y", "z"])])
    study = Study(space, name, seed=0, optimizer_settings={"population_size": 4})
    study.run(lambda p: 1 / 0 if p["a"] >= 1 and p["c"] != "z" else p["a"], n_trials=40, progress=False)
    assert distinct(study) == 12 and len(study.trials) <= 14 and study.optimizer.exhausted


@pytest.mark.parametrize("name", METHODS)
def test_a_trial_cut_short_leaves_its_configuration_untried(name):
    # Four trials stopped by a person (Ctrl-C) on 4 configurations made every method "exhausted".
    from interactive_hpo import Trial, TrialState, make_optimizer
    from interactive_hpo.trial import CUT_SHORT

    space = SearchSpace([Int("a", 1, 2), Int("b", 1, 2)])
    optimizer = make_optimizer(name, space, seed=0)
    for number in range(4):
        params = space.from_unit(optimizer.ask().x)
        optimizer.tell(Trial(number=number, params=params, x=space.to_unit(params), state=TrialState.FAILED,
                             source=name, user_attrs={"error": CUT_SHORT[0]}), None)
    assert not optimizer.exhausted


def test_spaces_with_a_number_or_too_many_configurations_are_not_listed():
    assert Configurations.of(SearchSpace([Int("a", 1, 4), Float("u", 0, 1)])) is None
    assert Configurations.of(SearchSpace([Int("a", 1, 200), Int("b", 1, 200)])) is None
    assert Configurations.of(SMALL).size == 48 and Configurations.of(BRANCHES).size == 5


def test_the_nearest_new_configuration():
    configurations = Configurations.of(SMALL)
    x = SMALL.to_unit({"a": 2, "b": 3, "c": "y"})
    known = {configuration_key(SMALL, SMALL.to_unit({"a": 2, "b": b, "c": "y"})) for b in (2, 3, 4)}
    # (1, 3, y) and (3, 3, y) are a bin away on a; (2, 1, y) two on b; (2, 3, x) a category away.
    assert SMALL.from_unit(configurations.nearest_new(x, known)) == {"a": 1, "b": 3, "c": "y"}
    everything = {configuration_key(SMALL, SMALL.to_unit(p)) for p in SMALL.grid({"a": 4, "b": 4})}
    assert configurations.nearest_new(x, everything) is None
    np.testing.assert_array_equal(configurations.nearest_new(x, set()), SMALL.snap(x))


def test_cmaes_asked_for_repeats_never_runs_out():
    study = Study(BRANCHES, "cmaes", seed=0, optimizer_settings={"allow_repeats": True})
    study.run(lambda p: p.get("n", 0) + (p["k"] == "b"), n_trials=12, progress=False)
    assert len(study.trials) == 12 and not study.optimizer.exhausted
