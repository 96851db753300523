"""Grid, random and Sobol search: what each promises beyond the shared contract."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from interactive_hpo import (
    Categorical,
    Float,
    GridSearch,
    Int,
    InvalidParameterError,
    RandomSearch,
    SearchExhausted,
    SearchSpace,
    SobolSearch,
    Study,
)
from interactive_hpo.optimizers import sobol
from interactive_hpo.optimizers.sobol import SobolSequence
from interactive_hpo.trial import USER_INTERRUPT


def test_grid_visits_every_point_once_in_a_seeded_order():
    space = SearchSpace([Float("a", 0, 1), Int("b", 1, 3), Categorical("c", ["x", "y"])])
    study = Study(space, "grid", seed=0, optimizer_settings={"resolution": 4})
    study.run(lambda p: p["a"], n_trials=100)
    seen = [tuple(t.params.values()) for t in study.trials]
    assert len(seen) == 4 * 3 * 2 == len(set(seen))
    assert sorted(seen) == sorted(tuple(p.values()) for p in space.grid(4))
    in_order = Study(space, "grid", seed=0, optimizer_settings={"resolution": 4, "shuffle": False})
    in_order.run(lambda p: p["a"], n_trials=3)
    assert [dict(t.params) for t in in_order.trials] == space.grid(4)[:3]


def test_grid_skips_points_evaluated_by_hand():
    space = SearchSpace([Int("b", 1, 3)])
    study = Study(space, GridSearch(space, seed=0))
    study.add_manual({"b": 2}, 1.0)
    study.run(lambda p: p["b"], n_trials=5)
    assert sorted(t.params["b"] for t in study.trials) == [1, 2, 3]
    assert study.optimizer.exhausted


def test_grid_resolution_per_parameter():
    space = SearchSpace([Float("a", 0, 1), Float("b", 1, 100, log=True)])
    grid = GridSearch(space, resolution={"a": 2, "b": 3}, seed=0)
    assert grid.size == 6


def test_sobol_hands_out_the_scrambled_sequence_in_order():
    space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    optimizer = SobolSearch(space, seed=7)
    asked = np.array([optimizer.ask().x for _ in range(8)])
    expected = qmc.Sobol(2, scramble=True, seed=7).random(8)
    np.testing.assert_allclose(asked, expected)
    # Eight Sobol points cover the square more evenly than eight random ones (lower discrepancy).
    random_points = np.array([RandomSearch(space, seed=s).ask().x for s in range(8)])
    assert qmc.discrepancy(asked) < qmc.discrepancy(random_points)


def test_random_search_is_uniform_over_the_cube():
    space = SearchSpace([Float("a", 0, 1)] + [Float(f"x{i}", 0, 1) for i in range(3)])
    optimizer = RandomSearch(space, seed=0)
    points = np.array([optimizer.ask().x for _ in range(2000)])
    np.testing.assert_allclose(points.mean(axis=0), 0.5, atol=0.03)
    assert np.all(np.abs(np.corrcoef(points.T) - np.eye(4)) < 0.08)


@pytest.mark.parametrize("space", [SearchSpace([Float("x", 0, 1), Categorical("c", ["a", "b"])]),
                                   SearchSpace([Int("x", 0, 3)])], ids=["continuous", "finite"])
def test_sobol_skips_the_point_a_configuration_evaluated_elsewhere_took_and_a_replay_skips_it_too(tmp_path, space):
    # Before, a configuration added by hand (or imported) was proposed again when the sequence reached it.
    # On a finite space the sequence repeats configurations: the replay skips point 1 only (as the
    # study did), not a later point that decodes to the same configuration.
    fresh = Study(space, "sobol", seed=0)
    fresh.run(lambda p: p["x"], n_trials=4)
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=0, storage=path)
    study.run(lambda p: p["x"], n_trials=1)
    study.add_manual(fresh.trials[1].params, 0.5)
    study.run(lambda p: p["x"], n_trials=2)
    assert [t.params for t in study.trials] == [t.params for t in fresh.trials]
    assert [t.user_attrs.get("sobol_index") for t in study.trials] == [0, None, 2, 3]
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    resumed = Study.load(copy)  # the journal's replay skips point 1 again: no repeat, nothing skipped twice
    study.run(lambda p: p["x"], n_trials=8)
    resumed.run(lambda p: p["x"], n_trials=8)
    assert [(t.params, t.user_attrs.get("sobol_index")) for t in resumed.trials] == \
        [(t.params, t.user_attrs.get("sobol_index")) for t in study.trials]
    # The continuous space's sequence goes on from point 4; the finite one's 4 configurations are all taken.
    assert [t.user_attrs.get("sobol_index") for t in resumed.trials[4:]] == \
        ([] if space.dim == 1 else list(range(4, 12)))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("space", "size"), [
    (SearchSpace([Categorical("c", list("abcde"))]), 5),
    (SearchSpace([Int("i", 0, 3), Categorical("c", ["x", "y", "z"])]), 12),
    (SearchSpace([Int("i", 0, 4), Int("j", 0, 2)]), 15)], ids=["5", "12", "15"])
@pytest.mark.parametrize("method", ["sobol", "random"])
def test_sobol_and_random_propose_each_configuration_of_a_finite_space_once_then_are_exhausted(
        space, size, seed, method):
    # Before, Sobol's sequence repeated its own configurations: 5 asks covered 3 of 5 choices (seed
    # 1), 12 and 15 asks 8-9 of 12 and 11-12 of 15, and the search was never exhausted; random
    # search (as RandomizedSearchCV over lists does not) 8-9 of 12 in 12 trials (seeds 0-2).
    study = Study(space, method, seed=seed)
    study.run(lambda p: 1.0, n_trials=size + 3)  # a run stops when every configuration is taken
    assert len(study.trials) == len({tuple(t.params.items()) for t in study.trials}) == size
    assert study.optimizer.exhausted
    with pytest.raises(SearchExhausted, match="every configuration of this space"):
        study.ask()


@pytest.mark.parametrize("method", ["sobol", "random"])
def test_sobol_and_random_skip_failed_pending_and_manual_configurations_not_those_cut_short(tmp_path, method):
    # Taken as Bayesian optimization takes them: failed, pending (here or in another process) and
    # a person's; a trial cut short (a person stopped it) says nothing of its configuration.
    space = SearchSpace([Int("n", 0, 2), Categorical("c", ["u", "v"])])
    path = tmp_path / "sobol.jsonl"
    study = Study(space, method, seed=1, storage=path)
    failed, pending, cut = study.ask(), study.ask(), study.ask()
    study.tell(failed, state="FAILED")
    cut = study.tell(cut, state="FAILED", user_attrs={"error": USER_INTERRUPT})
    assert cut.cut_short
    manual = next(p for p in ({"n": n, "c": c} for n in range(3) for c in "uv")  # one not asked
                  if p not in [dict(t.params) for t in (failed, pending, cut)])
    study.add_manual(manual, 1.0)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    reloaded = Study.load(copy)  # as another process opens it: the pending trial runs there
    asked = [study.ask() for _ in range(3)]
    assert [dict(t.params) for t in asked] == [dict(reloaded.ask().params) for _ in range(3)]
    configurations = [tuple(t.params.items()) for t in (failed, pending, *asked)] + [tuple(manual.items())]
    assert len(set(configurations)) == len(configurations) == 6  # the cut-short one's configuration among the asked
    assert tuple(cut.params.items()) in [tuple(t.params.items()) for t in asked]
    assert study.optimizer.exhausted and reloaded.optimizer.exhausted


def test_random_search_on_a_finite_space_keeps_its_distribution_and_allow_repeats_draws_as_before():
    # Taken configurations are drawn again from the same (here log-uniform) distribution: a run
    # that meets none asks what independent draws ask, and small levels still come first.
    log_int = SearchSpace([Int("n", 1, 1000, log=True)])
    once, repeats = RandomSearch(log_int, seed=4), RandomSearch(log_int, seed=4, allow_repeats=True)
    drawn = [log_int.from_unit(once.ask().x)["n"] for _ in range(40)]
    independent = [log_int.from_unit(repeats.ask().x)["n"] for _ in range(40)]
    assert len(set(drawn)) == 40 and len(set(independent)) < 40  # repeats among independent draws
    first_repeat = next(i for i, n in enumerate(independent) if n in independent[:i])
    assert drawn[:first_repeat] == independent[:first_repeat]
    assert np.median(drawn) < 100  # log-uniform: half below sqrt(1000); uniform over levels would be ~500
    plain = SearchSpace([Float("x", 0, 1)])
    assert [RandomSearch(plain, seed=2).ask().x.tolist() for _ in range(3)] == \
        [RandomSearch(plain, seed=2, allow_repeats=True).ask().x.tolist() for _ in range(3)]
    with pytest.raises(InvalidParameterError, match="allow_repeats"):
        RandomSearch(plain, allow_repeats="no")


@pytest.mark.parametrize("method", ["random", "sobol"])
def test_a_batch_on_a_finite_space_keys_each_pending_point_once(method, monkeypatch):
    # Every ask keyed every pending point again (and `exhausted` twice more): asking 300 at once on
    # 10,000 configurations took 9 s, 1,000 took 78 s (review r469); each point is keyed once now.
    from interactive_hpo.optimizers.finite import FiniteSpace

    calls = []
    key = FiniteSpace.key
    monkeypatch.setattr(FiniteSpace, "key", lambda self, x: calls.append(1) or key(self, x))
    space = SearchSpace([Int(f"p{i}", 0, 9) for i in range(4)])
    batch = Study(space, method, seed=0).ask_batch(200)
    assert len({tuple(t.params.values()) for t in batch}) == 200
    assert len(calls) < 3 * 200  # a draw, its check, its pending key: linear, not 200 * 200 / 2


def test_random_search_draws_an_untaken_configuration_when_nearly_all_are_taken():
    # One configuration of 100 left, of log-uniform mass about 0.2 %: past UNTAKEN_SKIPS taken
    # draws, the one left is drawn, not a repeat; then the search is exhausted.
    space = SearchSpace([Int("n", 1, 100, log=True)])
    study = Study(space, "random", seed=0)
    for n in range(1, 100):
        study.add_manual({"n": n}, 1.0)
    assert study.ask().params == {"n": 100}
    assert study.optimizer.exhausted


def test_sobol_on_a_finite_space_draws_an_untaken_configuration_when_the_sequence_meets_none_and_a_replay_too(
        tmp_path):
    # The sequence meets a log integer's last levels late: past UNTAKEN_SKIPS taken points in a row,
    # an untaken configuration is drawn at random (seeded), recorded as such; a reload goes on alike.
    space = SearchSpace([Int("n", 1, 100, log=True)])
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=1, storage=path)
    study.run(lambda p: 1.0, n_trials=99)
    drawn = [t for t in study.trials if t.user_attrs.get("sobol_untaken")]
    assert [t.number for t in drawn] == [98] and "sobol_index" not in drawn[0].user_attrs
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    reloaded = Study.load(copy)
    study.run(lambda p: 1.0, n_trials=5)  # one left
    reloaded.run(lambda p: 1.0, n_trials=5)
    assert [dict(t.params) for t in reloaded.trials] == [dict(t.params) for t in study.trials]
    assert sorted(t.params["n"] for t in study.trials) == list(range(1, 101)) and study.optimizer.exhausted


def _position_of(space, seed, params, below):
    """The last position below ``below`` of the Sobol sequence of ``seed`` whose point decodes to ``params``."""
    sequence = SobolSequence(space.dim, seed)
    for position in range(below - 1, 0, -1):
        sequence.position = position
        if space.from_unit(sequence.point()) == params:
            return position
    raise AssertionError("unreachable on a small space")


def test_sobol_reads_no_position_a_person_gives_a_manual_trial():
    # Before, a manual trial's sobol_index (about 1 in 6 integers decodes to its configuration here)
    # was taken for its position: the sequence jumped there, never to use the points below (one of
    # 2**30 - 2 made the second ask fail in scipy).
    space = SearchSpace([Int("i", 0, 2), Categorical("c", ["x", "y"])])
    plain, study = Study(space, "sobol", seed=0), Study(space, "sobol", seed=0)
    position = _position_of(space, study.optimizer.seed, {"i": 1, "c": "y"}, 10_000)
    plain.add_manual({"i": 1, "c": "y"}, 1.0)
    study.add_manual({"i": 1, "c": "y"}, 1.0, user_attrs={"sobol_index": position})
    assert [study.ask().user_attrs["sobol_index"] for _ in range(3)] == \
        [plain.ask().user_attrs["sobol_index"] for _ in range(3)] == [1, 2, 3]  # point 0 is the manual one's


@pytest.mark.parametrize("how", ["sobol", "imported"])
def test_sobol_is_exhausted_when_a_recorded_position_used_the_last_point_of_its_sequence(how, monkeypatch):
    # A Sobol trial's record is trusted (a journal edited by hand can name any position that decodes
    # to its configuration): before, the ask after the last point (2**30 - 1) failed inside scipy, on
    # every load. Here the sequence ends at 8 points: scipy skips to 2**30 in about 3 s a point.
    monkeypatch.setattr(sobol, "MAX_SOBOL_POINTS", 8)
    space = SearchSpace([Float("x", 0, 1), Int("i", 0, 2)])
    study = Study(space, "sobol", seed=0)
    sequence = SobolSequence(space.dim, study.optimizer.seed)
    sequence.position = 6
    attrs = {"sobol_index": sequence.position} | ({"ihpo_source": "sobol"} if how == "imported" else {})
    study.add_finished(space.from_unit(sequence.point()), state="COMPLETE", value=1.0,
                       source="sobol" if how == "sobol" else "optuna", user_attrs=attrs)
    assert study.ask().user_attrs["sobol_index"] == 7
    assert study.optimizer.exhausted
    with pytest.raises(SearchExhausted, match="used the 8 points of its Sobol sequence"):
        study.ask()


def test_sobol_reloaded_while_a_trial_runs_asks_past_the_position_it_records(tmp_path):
    # Before, a reload counted the running trial as one point of the sequence (point 0), while it
    # took point 1 (point 0 was skipped for the manual trial): it asked point 1 again.
    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["u", "v"])])
    first = Study(space, "sobol", seed=1).ask().params
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=1, storage=path)
    study.add_manual(first, 1.0)
    running = study.ask()
    assert running.user_attrs["sobol_index"] == 1
    reloaded = Study.load(path)  # as another process opens it: the trial runs on here
    assert [t.state.name for t in reloaded.trials] == ["COMPLETE", "RUNNING"]
    assert reloaded.ask().user_attrs["sobol_index"] == 2


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (2, 0, 3, 1)])
def test_sobol_trials_running_across_a_switch_replay_as_the_live_study_asked(tmp_path, order):
    # Before, the new sequence's next point depended on the order the trials finished in (a
    # replay tells them in finishing order, the live study as they came), and a trial of the old
    # sequence took the place of the new one's trial at the same configuration: seed 22 asked
    # point 3 live and point 2 from the journal.
    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["u", "v", "w"])])
    path = tmp_path / "sobol.jsonl"
    study = Study(space, "sobol", seed=22, storage=path)
    trials = [study.ask(), study.ask()]
    study.switch_optimizer("sobol")
    trials += [study.ask(), study.ask()]
    # The new sequence is told the old one's running trials (review r375: it proposed trial 0's
    # configuration again while it ran): four configurations.
    assert len({tuple(sorted(t.params.items())) for t in trials}) == 4
    for number in order:
        study.tell(trials[number], 0.5)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    live, reloaded = study.ask(), Study.load(copy).ask()
    assert live.params == reloaded.params and live.params not in [t.params for t in trials]


def test_an_imported_or_carried_untaken_sobol_trial_is_not_counted_as_from_elsewhere():
    # Review r375: drawn among the untaken configurations it took no point of the sequence; live it
    # is the search's own, but imported (from_optuna) it counted as another's and could shift the
    # window of points the next ask walks.
    from interactive_hpo.optimizers.sobol import UNTAKEN_KEY

    space = SearchSpace([Int("a", 0, 3), Categorical("c", ["u", "v", "w"])])
    study = Study(space, "sobol", seed=0)
    study.add_finished({"a": 2, "c": "w"}, value=1.0, source="optuna",
                       user_attrs={"ihpo_source": "sobol", UNTAKEN_KEY: True})
    study.add_finished({"a": 1, "c": "u"}, value=1.0, source="optuna")  # a plain Optuna trial: skipped once
    assert list(study.optimizer._elsewhere) == [(("a", 1), ("c", "u"))]
