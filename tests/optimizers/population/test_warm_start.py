"""Warm starts of the population methods for one objective: GA and DE ask the sources' best
configurations first, CMA-ES starts its search distribution on them; all replay exactly."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, InvalidParameterError, SearchSpace, Study, TrialStateError
from interactive_hpo.optimizers import make_optimizer
from interactive_hpo.optimizers.capabilities import WarmStartable
from interactive_hpo.optimizers.population.warm import best_of_sources
from interactive_hpo.optimizers.warm_start import Source

SPACE = SearchSpace([Float("x", -2.0, 2.0), Float("lr", 1e-4, 1.0, log=True), Int("n", 1, 9),
                     Categorical("act", ["relu", "tanh", "gelu"])])
CUBE = SearchSpace([Float(f"x{i}", 0.0, 1.0) for i in range(4)])
OPTIMUM = np.array([0.15, 0.8, 0.3, 0.7])  # in CUBE: far from its centre (0.51 away)
ONE_OBJECTIVE = ["ga", "de", "cmaes"]


def loss(params):
    return ((params["x"] - 0.5) ** 2 + (np.log10(params["lr"]) + 2) ** 2 + 0.1 * abs(params["n"] - 4)
            + 0.5 * (params["act"] != "tanh"))


def bowl(params):
    return float(np.sum((CUBE.to_unit(params) - OPTIMUM) ** 2))


def needs(name):
    if name == "cmaes":
        pytest.importorskip("cma")


@pytest.fixture(scope="module")
def source():
    """A related study of the same objective (random search), plus a failed trial."""
    study = Study(SPACE, "random", seed=1)
    study.run(loss, n_trials=20)
    study.tell(study.ask(), state="FAILED")
    return study


def ranked_points(study):
    """The source's complete trials in the unit cube, best first, shape (n, d)."""
    done = sorted((t for t in study.trials if t.value is not None), key=lambda t: t.value)
    return np.array([SPACE.to_unit(t.params) for t in done])


def near_optimum(n_near=10, n_far=30, seed=0):
    """A source over CUBE whose top quarter lies within ~0.02 of OPTIMUM, the rest uniform."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.clip(OPTIMUM + 0.02 * rng.standard_normal((n_near, 4)), 0, 1), rng.random((n_far, 4))])
    return Source("near", X, np.sum((X - OPTIMUM) ** 2, axis=1))


def first_generation(name, sources, seed=0, **settings):
    needs(name)
    optimizer = make_optimizer(name, CUBE, seed=seed, **settings)
    if sources is not None:
        optimizer.warm_start(sources)
    size = optimizer.popsize if name == "cmaes" else optimizer.population_size
    return optimizer, np.array([optimizer.ask().x for _ in range(size)])


# -- (1) what the sources change --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ga", "de"])
def test_ga_and_de_ask_the_sources_best_configurations_first(name, source):
    study = Study(SPACE, name, seed=0, warm_start=source, optimizer_settings={"population_size": 8})
    trials = [study.step(loss) for _ in range(8)]
    best = ranked_points(source)
    np.testing.assert_allclose([t.x for t in trials[:4]], best[:4], atol=1e-12)  # half the population, best first
    assert trials[0].params == pytest.approx(source.best_trial.params)
    assert [t.user_attrs.get("source_start") for t in trials] == [0, 1, 2, 3, None, None, None, None]
    assert [t.number for t in study.trials] == list(range(8))  # the source's trials are not this study's
    assert study.best_value <= source.best_value  # the source's best was evaluated here


@pytest.mark.parametrize("name", ["ga", "de"])
def test_several_sources_take_turns_and_a_shared_point_counts_once(name):
    a = Source("a", np.array([[0.1] * 4, [0.2] * 4, [0.3] * 4]), np.array([1.0, 2.0, 3.0]))
    b = Source("b", np.array([[0.9] * 4, [0.1] * 4, [0.8] * 4]), np.array([-5.0, -4.0, 9.0]))  # another scale
    expected = np.array([[0.1] * 4, [0.9] * 4, [0.2] * 4, [0.3] * 4])  # b's second best is a's best
    np.testing.assert_array_equal(best_of_sources([a, b], 4), expected)
    _, asked = first_generation(name, [a, b], population_size=10)
    np.testing.assert_array_equal(asked[:5], [*expected, [0.8] * 4])  # up to half of 10
    assert not np.any(np.all(np.isin(asked[5:], [0.1, 0.2, 0.3, 0.8, 0.9]), axis=1))


def test_cmaes_first_generation_is_centred_on_the_sources_optimum():
    cold, cold_asked = first_generation("cmaes", None)
    warm, warm_asked = first_generation("cmaes", [near_optimum()])
    assert np.linalg.norm(cold.population().mean - OPTIMUM) > 0.5  # the centre of the cube
    assert np.linalg.norm(warm.population().mean - OPTIMUM) < 0.03  # the mean of the top quarter
    assert 0.1 <= warm.strategy.sigma0 < 0.11 and cold.strategy.sigma0 == 0.3  # WS-CMA-ES's alpha: the floor
    # Over seeds 0-29 (and sources drawn with them) the generation's mean was at most 0.11 from the
    # optimum warm and at least 0.39 cold; no warm sample was farther than 0.48.
    assert np.linalg.norm(warm_asked.mean(axis=0) - OPTIMUM) < 0.15 < 0.3 < np.linalg.norm(
        cold_asked.mean(axis=0) - OPTIMUM)
    assert np.max(np.linalg.norm(warm_asked - OPTIMUM, axis=1)) < 0.6  # samples around it, not over the box


def test_cmaes_step_size_follows_the_spread_of_the_sources_good_points():
    from interactive_hpo.optimizers.population.warm import warm_distribution

    point = Source("one", np.array([[0.2, 0.4]]), np.array([1.0]))
    mean, sigma = warm_distribution([point], 0.3)
    np.testing.assert_array_equal(mean, [0.2, 0.4])
    assert sigma == pytest.approx(0.1)  # alpha alone
    # Two sources that disagree: the centre between their optima, a step wide enough for both.
    other = Source("other", np.array([[0.6, 0.4], [0.0, 0.0], [1.0, 1.0], [0.5, 0.5], [0.9, 0.1]]),
                   np.array([0.0, 3.0, 4.0, 5.0, 6.0]))  # top quarter of 5: 2 points
    mean, sigma = warm_distribution([point, other], 1.0)
    np.testing.assert_allclose(mean, [0.5 * 0.2 + 0.25 * 0.6 + 0.25 * 0.0, 0.5 * 0.4 + 0.25 * 0.4])
    assert sigma > 0.2
    assert warm_distribution([point, other], 0.15)[1] == 0.15  # never wider than the cold sigma0


# -- (2) determinism, and nothing changes without sources ---------------------------------------------------
@pytest.mark.parametrize("name", ONE_OBJECTIVE)
def test_same_seed_and_sources_give_the_same_trials(name, source):
    needs(name)

    def params(seed, warm_start):
        study = Study(SPACE, name, seed=seed, warm_start=warm_start, optimizer_settings={"population_size": 6})
        study.run(loss, n_trials=20)
        return [t.params for t in study.trials]

    assert params(3, source) == params(3, source) != params(3, None)
    assert params(3, source) != params(4, source)


@pytest.mark.parametrize("name", ONE_OBJECTIVE)
def test_no_sources_is_a_cold_start(name):
    (cold, cold_asked), (empty, empty_asked) = first_generation(name, None), first_generation(name, [])
    np.testing.assert_array_equal(empty_asked, cold_asked)
    np.testing.assert_array_equal([cold.ask().x for _ in range(3)], [empty.ask().x for _ in range(3)])


# -- (3) replay: a journal's study proposes what the live one does ---------------------------------------
@pytest.mark.parametrize("name", ONE_OBJECTIVE)
@pytest.mark.parametrize("n_trials", [3, 14])  # inside the first generation (starts pending), and later
def test_a_loaded_study_proposes_the_same_next_ask(name, n_trials, source, tmp_path):
    needs(name)
    path = tmp_path / "warm.jsonl"
    study = Study(SPACE, name, seed=5, storage=path, warm_start=source, optimizer_settings={"population_size": 6})
    study.run(loss, n_trials=n_trials - 2)
    study.add_manual({"x": 0.5, "lr": 1e-2, "n": 4, "act": "tanh"}, 0.0)
    study.tell(study.ask(), state="FAILED")
    loaded = Study.load(path)
    assert loaded.warm_start == study.warm_start
    np.testing.assert_array_equal(loaded.optimizer.population().X, study.optimizer.population().X)
    for _ in range(8):  # through the end of a generation: the next is bred alike
        np.testing.assert_array_equal(loaded.optimizer.ask().x, study.optimizer.ask().x)


@pytest.mark.parametrize("name", ONE_OBJECTIVE)
def test_an_optimizer_rebuilt_given_the_sources_and_told_the_trials_asks_the_same(name, source):
    needs(name)
    study = Study(SPACE, name, seed=2, warm_start=source, optimizer_settings={"population_size": 5})
    study.run(loss, n_trials=9)
    replayed = type(study.optimizer)(SPACE, **study.optimizer.settings())
    replayed.warm_start(study.optimizer.sources)
    for number in study.finish_order:
        replayed.tell(study.trials[number], study.trials[number].value)
    np.testing.assert_array_equal(replayed.ask().x, study.optimizer.ask().x)


# -- (4) in a study -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ONE_OBJECTIVE)
def test_a_warm_started_study_runs_end_to_end(name):
    needs(name)
    related = Study(CUBE, "random", seed=0)
    related.run(bowl, n_trials=40)
    study = Study(CUBE, name, seed=0, warm_start=related)
    assert isinstance(study.optimizer, WarmStartable) and study.optimizer.sources[0].name == "source 1"
    study.run(bowl, n_trials=30)
    assert len(study.trials) == 30 and all(t.value is not None for t in study.trials)
    if name == "cmaes":  # started on the sources' good points
        from interactive_hpo.optimizers.population.warm import warm_distribution

        np.testing.assert_array_equal(study.optimizer.strategy.x0, warm_distribution(study.optimizer.sources, 0.3)[0])
    else:  # the related study's best configuration was evaluated here
        assert study.best_value <= related.best_value


@pytest.mark.parametrize("name", ["ga", "de"])
def test_a_start_this_study_evaluated_already_is_not_asked_again(name, source):
    study = Study(SPACE, name, seed=0, warm_start=source, optimizer_settings={"population_size": 6})
    study.add_manual(source.best_trial.params, 1.0)  # e.g. by Bayesian optimization before a switch
    generation = [study.ask() for _ in range(3)]
    best = ranked_points(source)
    np.testing.assert_allclose([t.x for t in generation], best[1:4], atol=1e-12)
    assert [t.user_attrs["source_start"] for t in generation] == [0, 1, 2]


def test_the_ga_evaluates_the_starts_after_the_elites_of_told_trials(source):
    study = Study(SPACE, "ga", seed=0, warm_start=source, optimizer_settings={"population_size": 6, "elite": 1})
    study.add_manual({"x": 0.5, "lr": 1e-2, "n": 4, "act": "tanh"}, 0.0)
    study.ask()
    snapshot = study.optimizer.population()
    assert list(snapshot.states[:4]) == ["told", "pending", "unasked", "unasked"] and snapshot.losses[0] == 0.0
    np.testing.assert_allclose(snapshot.X[1:4], ranked_points(source)[:3], atol=1e-12)


@pytest.mark.parametrize("name", ONE_OBJECTIVE)
def test_population_methods_for_one_objective_declare_warm_starts(name):
    needs(name)
    assert isinstance(make_optimizer(name, CUBE, seed=0), WarmStartable)


def test_nsga2_is_refused_sources(source):
    with pytest.raises(InvalidParameterError, match="must be None for 'nsga2', which does not use related"):
        Study(SPACE, "nsga2", warm_start=source)


@pytest.mark.parametrize(("sources", "error", "message"), [
    ([Source("flat", np.zeros((1, 2)), np.zeros(1))], InvalidParameterError,
     "`sources` of GeneticAlgorithm.warm_start must be Source objects over this space's 4 coordinates; "
     "got \"2 in 'flat'\"."),
    ([np.zeros((1, 4))], InvalidParameterError,
     "`sources` of GeneticAlgorithm.warm_start must be Source objects over this space's 4 coordinates; got array("),
])
def test_bad_sources_raise_the_uniform_message(sources, error, message):
    with pytest.raises(error) as info:
        make_optimizer("ga", CUBE, seed=0).warm_start(sources)
    assert message in str(info.value)


def test_sources_after_the_first_generation_are_refused():
    optimizer = make_optimizer("de", CUBE, seed=0)
    optimizer.ask()
    with pytest.raises(TrialStateError, match=r"DifferentialEvolution.warm_start must be called before the first "
                                              r"generation is bred \(the first ask\); generation 0 exists already."):
        optimizer.warm_start([near_optimum()])
