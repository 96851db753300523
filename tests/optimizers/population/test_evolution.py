"""The genetic algorithm and differential evolution: generations, elitism, selection, replay."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study, TrialState
from interactive_hpo.optimizers.population.evolution import DifferentialEvolution, GeneticAlgorithm

SPACE = SearchSpace([Float("x", -2.0, 2.0), Float("lr", 1e-4, 1.0, log=True), Int("n", 1, 9),
                     Categorical("act", ["relu", "tanh", "gelu"])])


def loss(params):
    return ((params["x"] - 0.5) ** 2 + (np.log10(params["lr"]) + 2) ** 2 + 0.1 * abs(params["n"] - 4)
            + 0.5 * (params["act"] != "tanh"))


def run(name, n, seed=0, **settings):
    study = Study(SPACE, name, seed=seed, optimizer_settings={"population_size": 6, **settings})
    study.run(loss, n_trials=n)
    return study


def test_ga_with_elitism_never_loses_its_best():
    study = Study(SPACE, "ga", seed=1, optimizer_settings={"population_size": 6, "elite": 2})
    best_by_generation = {}
    for _ in range(60):
        study.step(loss)
        snapshot = study.optimizer.population()
        told = snapshot.losses[np.isin(snapshot.states, ["told"])]
        if len(told):
            best_by_generation[snapshot.generation] = min(best_by_generation.get(snapshot.generation, np.inf),
                                                          told.min())
    bests = [best_by_generation[g] for g in sorted(best_by_generation)]
    assert len(bests) >= 8 and all(later <= earlier for earlier, later in zip(bests, bests[1:], strict=False))
    snapshot = study.optimizer.population()
    assert list(snapshot.states[:2]) == ["told", "told"]  # the elites are carried, not asked again
    earlier = [t.value for t in study.trials if t.user_attrs["generation"] < snapshot.generation]
    assert sorted(snapshot.losses[:2]) == pytest.approx(sorted(earlier)[:2])  # the two best bred from
    assert snapshot.ids[0] != snapshot.ids[1]  # two different individuals, not one counted twice


def test_ga_offspring_link_to_parents_of_the_previous_generation():
    optimizer = run("ga", 24, seed=2).optimizer
    previous = {m.id for m in optimizer.previous}
    snapshot = optimizer.population()
    linked = [parents for parents in snapshot.parents[optimizer.elite:] if parents]
    assert linked and all(set(parents) <= previous for parents in linked)
    assert len(set(snapshot.ids)) == len(snapshot.ids)


@pytest.mark.parametrize("space", [
    SearchSpace([Int("a", 0, 9), Int("b", 0, 9), Categorical("c", ["x", "y", "z"])]),  # 300 configurations
    SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)]),
], ids=["discrete", "continuous"])
@pytest.mark.parametrize("name", ["ga", "de"])
def test_evolution_does_not_breed_a_configuration_it_has_evaluated(space, name):
    # Before, 20-45 % of the GA's 64 trials on the discrete space repeated an earlier one, 8-20 %
    # on the continuous one (a child copying a parent when no coordinate mutated); DE's trial
    # vectors repeated 6-10 of 64 on an all-discrete space.
    study = Study(space, name, seed=3)
    study.run(lambda p: sum(float(v) for v in p.values() if not isinstance(v, str)), n_trials=64)
    bred = [tuple(sorted(t.params.items())) for t in study.trials if t.user_attrs["generation"] > 0]
    earlier = {tuple(sorted(t.params.items())) for t in study.trials if t.user_attrs["generation"] == 0}
    assert len(bred) == 48 and len(set(bred)) == len(bred) and not set(bred) & earlier


@pytest.mark.parametrize("name", ["ga", "de", "nsga2"])
def test_the_first_generation_repeats_no_configuration_while_others_remain(name):
    # A walk through the README ("no trial is spent twice"): the uniform first generation
    # repeated 7 of 16 configurations on this 4 x 4 grid with seed 0, and trials 0 and 1 were
    # one configuration on a 20 x 20 grid.
    space = SearchSpace([Int("a", 1, 4), Categorical("b", ["w", "x", "y", "z"])])
    for manual in (None, {"a": 1, "b": "w"}):  # a manual trial's configuration is not drawn again either
        study = Study(space, name, seed=0)
        if manual:
            study.add_manual(manual, 0.0)
        study.run(lambda p: float(p["a"]), n_trials=12 - len(study.trials))
        configurations = [tuple(sorted(t.params.items())) for t in study.trials]
        assert len(set(configurations)) == 12


def test_de_keeps_the_better_of_target_and_trial_vector():
    study = Study(SPACE, "de", seed=0, optimizer_settings={"population_size": 5})
    history = []
    for _ in range(40):
        study.step(loss)
        optimizer = study.optimizer
        if optimizer.current:
            history.append([member.loss for member in optimizer.current])
    for earlier, later in zip(history, history[1:], strict=False):
        assert all(b <= a for a, b in zip(earlier, later, strict=True))
    donors = study.optimizer.population().parents
    assert all(len(p) == 4 and len(set(p)) == 4 for p in donors)  # target and three distinct donors


def test_de_after_a_switch_takes_the_best_earlier_trials_into_its_population(tmp_path):
    # They were ignored: after switch_optimizer("de") the trials were the same whatever the history.
    def switched(target):
        study = Study(SPACE, "random", seed=0)
        study.run(lambda p: (p["x"] - target) ** 2, n_trials=12)  # the same points, other losses
        study.switch_optimizer("de", population_size=5)
        for i in range(7):  # generation 0, worse than every earlier trial, then two of generation 1
            study.tell(study.ask(), 10.0 + i)
        return study

    low, high = switched(-1.5), switched(1.5)
    for study in (low, high):
        best = sorted(t.value for t in study.trials[:12])[:5]
        assert sorted(member.loss for member in study.optimizer.current) == best
    assert [t.params for t in low.trials[:17]] == [t.params for t in high.trials[:17]]  # generation 0
    assert [t.params for t in low.trials[17:]] != [t.params for t in high.trials[17:]]
    low.save(tmp_path / "copy.jsonl")  # a copy: two studies open on one journal would share it
    resumed = Study.load(tmp_path / "copy.jsonl")  # the journal breeds generation 1 from them again
    assert [resumed.ask().params for _ in range(4)] == [low.ask().params for _ in range(4)]


@pytest.mark.parametrize("name", ["ga", "de"])
def test_a_resumed_study_breeds_the_same_generations(name, tmp_path):
    path = tmp_path / "study.jsonl"
    study = Study(SPACE, name, seed=5, storage=path, optimizer_settings={"population_size": 5})
    study.run(loss, n_trials=17)  # three generations and a bit
    study.save(tmp_path / "copy.jsonl")  # a copy: two studies open on one journal would share it
    resumed = Study.load(tmp_path / "copy.jsonl")
    assert resumed.optimizer.population().generation == study.optimizer.population().generation
    np.testing.assert_array_equal(resumed.optimizer.population().X, study.optimizer.population().X)
    for _ in range(8):
        assert resumed.ask().params == study.ask().params



# What commit 5762744 bred on a 4 x 4 space (seed 0, 5 per generation; each trial's a and b): a
# journal written by it replays through breeding, so a change to how children are drawn must
# draw the same ones. Here most children repeat a known configuration and are drawn again, the
# GA's later tries with wider steps, up to REDRAWS tries. Where every try repeated one (the GA's
# 16th trial, DE's 12th) 5762744 kept the repeat; the child now moves to the nearest untried
# configuration, and the search stops when all 16 are evaluated. DE's categorical coordinates
# follow binary DE's rule since the audit a430 (no arithmetic on category codes): only its
# generation 0, 5 trials, is still 5762744's.
@pytest.mark.parametrize("name, bred, now, kept", [
    ("ga", "3q3p2r2q1q3r1s1r4r1p4q2s3s2p4p1q4s1q2r4p2p4r3p2p", "3q3p2r2q1q3r1s1r4r1p4q2s3s2p4p4s", None),
    ("de", "3q3p2r2q1q1r4q4p1p2p3p1q2q1q2p3r1q1q3p2p2p3q2q1q", "3q3p2r2q1q1s4q1p1r4p2p3s4r3r4s2s", 5)])
def test_breeds_the_children_of_older_versions(name, bred, now, kept):
    small = SearchSpace([Int("a", 1, 4), Categorical("b", ["p", "q", "r", "s"])])
    study = Study(small, name, seed=0, optimizer_settings={"population_size": 5})
    study.run(lambda p: p["a"] + "pqrs".index(p["b"]) ** 2, n_trials=24, progress=False)
    trials = "".join(f"{t.params['a']}{t.params['b']}" for t in study.trials)
    assert trials == now and study.optimizer.exhausted
    pairs = [bred[i:i + 2] for i in range(0, len(bred), 2)]
    first_repeat = next(i for i, pair in enumerate(pairs) if pair in pairs[:i]) if kept is None else kept
    assert trials[:2 * first_repeat] == bred[:2 * first_repeat]


@pytest.mark.parametrize("name", ["ga", "de"])
def test_spares_are_handed_out_while_a_generation_is_pending(name):
    study = Study(SPACE, name, seed=0, optimizer_settings={"population_size": 4})
    trials = study.ask_batch(6)
    infos = [t.user_attrs for t in trials]
    assert [i["member"] for i in infos] == [0, 1, 2, 3, -1, -1]
    for trial in trials:
        study.tell(trial, loss(trial.params))
    assert study.optimizer.population().generation == 0
    study.ask()
    assert study.optimizer.population().generation == 1


def test_a_good_manual_trial_becomes_the_elite():
    study = run("ga", 6, seed=3)
    best = {"x": 0.5, "lr": 1e-2, "n": 4, "act": "tanh"}
    study.add_manual(best, loss(best))
    study.ask()  # breeds generation 1 from generation 0 and the manual trial
    snapshot = study.optimizer.population()
    assert snapshot.generation == 1 and snapshot.losses[0] == loss(best)
    np.testing.assert_allclose(snapshot.X[0], SPACE.to_unit(best))


def test_failed_individuals_rank_last_and_do_not_stop_the_generation():
    study = Study(SPACE, "ga", seed=0, optimizer_settings={"population_size": 4})
    for i in range(4):
        trial = study.ask()
        if i == 1:
            study.tell(trial, state="FAILED")
        else:
            study.tell(trial, loss(trial.params))
    snapshot = study.optimizer.population()
    assert list(snapshot.states) == ["told", "failed", "told", "told"] and snapshot.losses[1] == np.inf
    assert study.ask().user_attrs["generation"] == 1


def test_switching_away_and_back_treats_the_old_runs_trials_as_foreign():
    study = run("ga", 9, seed=4)
    study.switch_optimizer("random")
    study.run(loss, n_trials=2)
    again = study.switch_optimizer("ga", population_size=6)
    assert again.generation == -1 and len(again.told) == 11  # all data, no generations adopted
    study.step(loss)
    assert study.trials[-1].state is TrialState.COMPLETE and again.population().generation == 0


@pytest.mark.parametrize(("cls", "settings", "message"), [
    (GeneticAlgorithm, {"population_size": 1}, "`population_size` of GeneticAlgorithm must be an int in [2, 10000]"),
    (GeneticAlgorithm, {"elite": 16}, "`elite` of GeneticAlgorithm must be an int in [0, population_size=16); got 16."),
    (GeneticAlgorithm, {"crossover_rate": 1.5}, "`crossover_rate` of GeneticAlgorithm must be"),
    (GeneticAlgorithm, {"mutation_scale": 0.0}, "`mutation_scale` of GeneticAlgorithm must be"),
    (GeneticAlgorithm, {"tournament_size": 0}, "`tournament_size` of GeneticAlgorithm must be an int in [1, 10000]"),
    # 1 was refused as "[2, 10000]", 3 as "[4, inf)": one rule, with its upper bound and its reason.
    *[(DifferentialEvolution, {"population_size": size}, "`population_size` of DifferentialEvolution must be an int in "
       f"[4, 10000] (rand/1 needs three donors); got {size}.") for size in (1, 3, 10001)],
    (DifferentialEvolution, {"differential_weight": 0}, "`differential_weight` of DifferentialEvolution must be"),
])
def test_bad_settings_raise_the_uniform_message(cls, settings, message):
    with pytest.raises(InvalidParameterError) as info:
        cls(SPACE, **settings)
    assert message in str(info.value)


def test_carried_elites_are_counted_once_when_breeding_again():
    study = Study(SPACE, "ga", seed=0, optimizer_settings={"population_size": 4, "elite": 2})
    for value in (1.0, 2.0, 3.0, 4.0, 10.0, 10.0):  # generation 0, then two poor offspring
        study.tell(study.ask(), value)
    study.ask()  # breeds generation 2: the elites of generation 1 compete with themselves
    snapshot = study.optimizer.population()
    assert snapshot.generation == 2 and list(snapshot.losses[:2]) == [1.0, 2.0]
    assert snapshot.ids[0] != snapshot.ids[1]
