"""Race mode: lanes stepped in lockstep, the same budget, a ranking; your own lane; the app."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from interactive_hpo import Float, Int, InvalidParameterError, Race, SearchSpace

from ..interrupting import Interrupting

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def bowl(params):
    return (params["x"] - 0.3) ** 2


def test_lanes_step_in_lockstep_to_the_same_budget():
    race = Race(bowl, {"random": ("random", {}), "sobol": ("sobol", {}), "grid": ("grid", {"resolution": 9})},
                n_trials=6, space=SPACE, seed=0)
    race.step()
    assert {name: len(s.trials) for name, s in race.studies.items()} == {"random": 1, "sobol": 1, "grid": 1}
    race.run()
    assert race.finished and all(len(s.trials) == 6 for s in race.studies.values())
    race.step()   # nothing left to run
    assert all(len(s.trials) == 6 for s in race.studies.values())
    curves = race.curves()
    assert all(len(c) == 6 and np.all(np.diff(c) <= 0) for c in curves.values())


def test_a_round_hands_out_each_lanes_trial_as_it_finishes():
    # The Race app's Run gave the kernel a turn once a round, after every lane's trial (review r476):
    # a Stop click waited for the whole round. step_lanes yields each trial before the next runs.
    said = []
    race = Race(lambda p: said.append("evaluated") or p["x"], ["random", "sobol", "grid"], n_trials=2,
                space=SearchSpace([Float("x", 0.0, 1.0)]), seed=0)
    for lane, trial in race.step_lanes():
        said.append(lane if trial.state.value == "COMPLETE" else "not complete")
    assert said == ["evaluated", "random", "evaluated", "sobol", "evaluated", "grid"]
    assert sorted(race.step()) == ["grid", "random", "sobol"] and race.finished  # step: the same, at once


def test_ranking_is_by_best_value_then_by_who_got_there_first():
    race = Race(bowl, {"early": ("grid", {"resolution": 11}), "late": ("grid", {"resolution": 11, "shuffle": False})},
                n_trials=11, space=SPACE, seed=0)
    race.run()
    standings = race.ranking()
    assert [s.rank for s in standings] == [1, 2]
    assert standings[0].best_value == pytest.approx(0.0) == standings[1].best_value
    assert standings[0].reached_at <= standings[1].reached_at
    first = {s.lane: s for s in standings}
    assert first["late"].reached_at == 4    # the unshuffled grid reaches x = 0.3 at its 4th point


def test_maximizing_race_ranks_high_values_first():
    race = Race(lambda p: -bowl(p), ["random", "sobol"], n_trials=5, space=SPACE, direction="maximize", seed=1)
    race.run()
    best = [s.best_value for s in race.ranking()]
    assert best == sorted(best, reverse=True)


def test_your_lane_takes_your_configurations_within_the_budget():
    race = Race(bowl, ["random"], n_trials=2, space=SPACE, seed=0, you=True)
    race.evaluate({"x": 0.3})
    race.run()
    assert race.ranking()[0].lane == "you" and race.ranking()[0].best_value == 0.0
    race.evaluate({"x": 0.5})
    with pytest.raises(InvalidParameterError, match="within your budget of 2 trials"):
        race.evaluate({"x": 0.4})
    assert race.finished   # your lane does not hold the race up
    with pytest.raises(InvalidParameterError, match=re.escape("`params` of Race.evaluate must be evaluated in a race "
                                                              "started with you=True; got [0.3].")):
        Race(bowl, ["random"], n_trials=2, space=SPACE).evaluate([0.3])  # fuzz round 5: a TypeError from dict()


def test_a_generator_seed_gives_every_lane_the_same_seed():
    race = Race(bowl, ["random", "sobol"], n_trials=2, space=SPACE, seed=np.random.default_rng(0))
    assert len({study.seed for study in race.studies.values()}) == 1  # as an int seed does


def test_one_optimizer_name_is_one_lane():
    assert list(Race(bowl, "random", n_trials=2, space=SPACE).studies) == ["random"]


def test_an_interrupt_ends_the_race_keeps_its_trials_and_uses_no_budget():
    """A Ctrl-C in lane "sobol" of round 2: like Study.run, the race stops with every finished trial
    kept and the cut-short trial FAILED; that trial is not one of the lane's 4, and going on
    completes round 2 (sobol and grid, not random) before round 3."""
    race = Race(Interrupting(bowl, at=5), {"random": ("random", {}), "sobol": ("sobol", {}),
                                     "grid": ("grid", {"resolution": 9})}, n_trials=4, space=SPACE, seed=0)
    with pytest.raises(KeyboardInterrupt):
        race.run()
    trials = {name: study.trials for name, study in race.studies.items()}
    assert {name: [t.state.value for t in ts] for name, ts in trials.items()} == {
        "random": ["COMPLETE", "COMPLETE"], "sobol": ["COMPLETE", "FAILED"], "grid": ["COMPLETE"]}
    assert trials["sobol"][1].error == "interrupted by the user (KeyboardInterrupt)"
    assert {s.lane: s.n_trials for s in race.ranking()} == {"random": 2, "sobol": 1, "grid": 1}
    assert {name: len(curve) for name, curve in race.curves().items()} == {"random": 2, "sobol": 1, "grid": 1}
    assert race.interrupted == {"sobol": [1]} and not race.finished
    assert set(race.step()) == {"sobol", "grid"}   # the rest of the interrupted round
    race.run()
    assert race.finished and [len(race.studies[n].trials) for n in ("random", "sobol", "grid")] == [4, 5, 4]
    assert {s.lane: s.n_trials for s in race.ranking()} == {"random": 4, "sobol": 4, "grid": 4}
    sobol = race.studies["sobol"].history().best_values
    np.testing.assert_array_equal(race.curves()["sobol"], sobol[[0, 2, 3, 4]])   # without the interrupted trial


def test_an_interrupt_before_the_objective_runs_fails_the_trial_it_asked():
    """A Ctrl-C that lands between the ask and the objective (here: in a subscriber, where a live
    plot redraws) leaves no RUNNING trial behind, and that trial uses no budget either."""
    race = Race(bowl, ["random", "sobol"], n_trials=2, space=SPACE, seed=0)

    def interrupt_once(event):
        if event.kind == "asked" and event.trial.number == 0:
            raise KeyboardInterrupt

    race.studies["sobol"].subscribe(interrupt_once)
    with pytest.raises(KeyboardInterrupt):
        race.step()
    (cut,) = race.studies["sobol"].trials
    assert cut.state.value == "FAILED" and cut.error == "interrupted by the user (KeyboardInterrupt)"
    race.run()
    assert race.finished and [len(race.studies[n].trials) for n in ("random", "sobol")] == [2, 3]
    assert race.interrupted == {"sobol": [0]}


def test_an_interrupt_of_your_evaluation_records_nothing_and_uses_no_budget():
    objective = Interrupting(bowl, at=1)
    race = Race(objective, ["random"], n_trials=1, space=SPACE, seed=0, you=True)
    with pytest.raises(KeyboardInterrupt):
        race.evaluate({"x": 0.3})
    assert race.studies["you"].trials == []
    assert race.evaluate({"x": 0.3}).value == 0.0   # your one trial is still yours to use


def test_a_lane_that_runs_out_stops_and_the_race_finishes():
    # Random search with repeats goes on past the three configurations; the grid lane stops there.
    race = Race(lambda p: p["k"], {"grid": ("grid", {}), "random": ("random", {"allow_repeats": True})}, n_trials=5,
                space=SearchSpace([Int("k", 0, 2)]), seed=0)
    race.run()
    assert [len(race.studies[n].trials) for n in ("grid", "random")] == [3, 5] and race.finished


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lanes": []}, "`lanes` of Race must be one or more optimizer names (distinct), or a mapping of lane names to "
                    "(optimizer name, settings dict); none named 'you'; got []."),
    ({"lanes": ["you"]}, "none named 'you'; got ['you']."),
    ({"lanes": ["random", "random"]}, "got ['random', 'random']. To race one optimizer against itself, name the lanes"),
    ({"lanes": [1]}, "`lanes` of Race must be one or more optimizer names (distinct)"),
    ({"lanes": {"bo": "bo"}}, "`lanes` of Race must be one or more optimizer names (distinct), or a mapping"),
    ({"direction": "maximize"}, "`objective` of Race must be an objective to maximize (the study's direction); got "
                                "Branin(dim=2, noise_std=0.0). The objective's direction is 'minimize'."),
    ({"space": SPACE}, "`objective` of Race must be an objective over the study's search space or a wider one"),
    ({"n_trials": 0}, "`n_trials` of Race must be an int in [1, inf); got 0"),
    ({"space": None, "objective": bowl}, "`space` of Race must be a SearchSpace (the objective has no .space)"),
    # Fuzz round 3: refused at the first round, after the other lanes had run a trial.
    ({"objective": bowl, "space": SPACE, "lanes": ["random", "asha"]},
     "`objective` of Race (lane 'asha') must be an objective with a `budget` keyword"),
    ({"objective": bowl, "space": SPACE, "lanes": ["asha", "random"]},  # it said "of Race" with asha first
     "`objective` of Race (lane 'asha') must be an objective with a `budget` keyword"),
    ({"seed": -1}, "`seed` of Race must be a non-negative int"),  # fuzz round 3: it said "of Study"
    ({"seed": 1.5}, "`seed` of Race must be a non-negative int"),
    # Fuzz round 5: these said "`optimizer` of Study" / "`optimizer_settings` of Study".
    ({"lanes": ["random", "nope"]}, "`lanes` of Race must be one of ['asha', 'bo',"),
    ({"lanes": {"UCB": ("bo", {"n_init": 3})}}, "`lanes['UCB']` of Race must be keywords among ['acquisition',"),
    ({"you": "yes"}, "`you` of Race must be a bool; got 'yes'."),  # fuzz round 5: any truthy value was taken
])
def test_input_errors(kwargs, message):
    """Fuzz round 2: a race to maximize Branin was accepted and failed at its first round; a
    duplicate lane silently became one; lanes="random" was read letter by letter."""
    from interactive_hpo.objectives import Branin

    arguments = {"objective": Branin(), "lanes": ["random"], "n_trials": 3, **kwargs}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        Race(**arguments)


def test_the_race_app_draws_every_lane_and_the_ranking():
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.ui import RaceApp

    app = RaceApp(Race(bowl, ["random", "sobol"], n_trials=4, space=SPACE, seed=0, you=True))
    app.manual.fields["x"].value = 0.31
    app.manual.evaluate.click()
    app.run_button.click()
    # The optimizers are done, your lane is not (1 of 4): not final yet (audit a444).
    assert not app.errors.errors and "the optimizers' lanes are finished; yours is still open (1/4" in app.ranking.value
    assert [len(line.get_xdata()) for line in app.lines.values()] == [4, 4, 1]
    assert app.round_button.disabled
    assert not math.isnan(app.race.ranking()[0].best_value)


def _legend_names(ax):
    legend = ax.get_legend()
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def _drawn(line):
    """Whether a Line2D shows anything: a line needs two points, a single point needs a marker."""
    return len(line.get_xdata()) >= 2 or (len(line.get_xdata()) == 1 and line.get_marker() not in ("None", "", " "))


def test_the_race_legend_lists_only_the_lanes_drawn():
    # Issue 25: the legend listed a "you" line that was never drawn.
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.execution.race import YOU
    from interactive_hpo.ui import RaceApp

    from ..figure_layout import assert_clean_layout, assert_integer_ticks

    app = RaceApp(Race(bowl, ["random", "sobol"], n_trials=4, space=SPACE, seed=0, you=True))
    assert _legend_names(app.ax) == []
    app.round_button.click()
    assert _legend_names(app.ax) == ["random", "sobol"]          # you have entered nothing yet
    assert all(_drawn(app.lines[name]) for name in ("random", "sobol"))  # one trial each: a marker
    app.manual.fields["x"].value = 0.31
    app.manual.evaluate.click()
    assert _legend_names(app.ax) == ["random", "sobol", YOU] and _drawn(app.lines[YOU])
    assert_integer_ticks(app.ax.xaxis)
    assert_clean_layout(app.figure.fig, "the race's figure")


def test_every_lane_of_the_race_app_has_its_own_dashes_and_marker():
    # Issue 26: GA and DE with one seed share their generation 0, and colour alone hid one curve.
    import matplotlib

    matplotlib.use("Agg")
    from interactive_hpo.execution.race import YOU
    from interactive_hpo.ui import RaceApp

    app = RaceApp(Race(bowl, ["random", "sobol", "ga", "de"], n_trials=2, space=SPACE, seed=0, you=True))
    styles = [(str(line.get_linestyle()), line.get_marker()) for line in app.lines.values()]
    assert len(set(styles)) == len(styles) == 5
    assert app.lines[YOU].get_linewidth() > app.lines["ga"].get_linewidth()  # yours stands out


def test_a_lane_s_seed_among_its_settings_is_refused_naming_the_lane():
    """It overrode the lane's seed, drawn from the race's `seed` (audit a429): refused by Study
    inside, in Study's name."""
    with pytest.raises(InvalidParameterError, match=r"^`lanes\['a'\]` of Race must be settings without 'seed'"):
        Race(lambda p: p["x"], {"a": ("random", {"seed": 3})}, 2, space=SearchSpace([Float("x", 0, 1)]), seed=0)
