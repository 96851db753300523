"""The race app's Run to the end shows its progress and can be stopped (audit a470): it drew
nothing until the race was over, with Round, Run and Evaluate clickable throughout; an interrupt
left no sign in the app; and a lane's failed trials were counted as used but said nowhere."""

from __future__ import annotations

import asyncio
import math

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.ui import RaceApp, lab_redraw, race_app  # noqa: E402

from ..interrupting import Interrupting  # noqa: E402
from .lab_helpers import LINE, quad  # noqa: E402


class Watched:
    """``quad``, calling ``during(app)`` on every call once ``app`` is set: what a person sees
    while a trial runs."""

    def __init__(self, during):
        self.during, self.app = during, None

    def __call__(self, params):
        if self.app is not None:
            self.during(self.app)
        return quad(params)


def counts_in_ranking(app):
    """The distinct "trials used" cells of the ranking but your lane's "0/4", e.g. ["2/4"]."""
    return [s for s in ("1/4", "2/4", "3/4", "4/4") if f">{s}<" in app.ranking.value]


@pytest.mark.parametrize("every, drawn", [(0.0, ["1/4", "2/4", "3/4", "4/4"]), (math.inf, ["4/4"])])
def test_run_redraws_the_ranking_between_trials_as_often_as_redraw_every_allows(monkeypatch, every, drawn):
    # 0 repaints in a 6 s run, the ranking at "0/8" throughout (race_app refreshed after race.run).
    monkeypatch.setattr(lab_redraw, "REDRAW_EVERY", every)
    buttons = []
    objective = Watched(lambda app: buttons.append((app.round_button.disabled, app.run_button.disabled,
                                                    app.manual.evaluate.disabled, app.stop_button.disabled)))
    app = RaceApp(Race(objective, ["random", "sobol", "bo"], n_trials=4, space=LINE, seed=0, you=True))
    objective.app = app
    shown = []
    app.ranking.observe(lambda change: shown.append(counts_in_ranking(app)), names="value")
    app.run()
    level = [counts[0] for counts in shown if len(counts) == 1]  # one count for every lane: a round's end
    # Redrawn after every trial (a turn for the kernel after each, r476): each round's end once at least.
    assert [count for i, count in enumerate(level) if i == 0 or count != level[i - 1]] == drawn
    assert buttons and set(buttons) == {(True, True, True, False)}  # Round, Run, Evaluate off; Stop on
    assert (app.progress.value, app.progress.description) == (12, "12/12")  # every lane's trials
    assert app.round_button.disabled and app.run_button.disabled and app.stop_button.disabled  # race over
    assert not app.manual.evaluate.disabled  # your lane still open


def test_stop_during_the_first_round_ends_the_run_after_it():
    objective = Watched(lambda app: app.stop_button.click())
    app = RaceApp(Race(objective, ["random", "sobol"], n_trials=4, space=LINE, seed=0))
    objective.app = app
    app.run()
    assert {s.lane: s.n_trials for s in app.race.ranking()} == {"random": 1, "sobol": 1}
    assert app.progress.description == "2/8" and ">1/4<" in app.ranking.value
    assert not app.run_button.disabled and not app.round_button.disabled and app.stop_button.disabled
    objective.app = None
    app.run_button.click()  # goes on from there
    assert app.race.finished and app.progress.description == "6/6" and not app.errors.errors


def test_stop_clicked_during_a_run_in_a_kernel_ends_it_after_the_round_in_progress(monkeypatch):
    race = Race(quad, ["random", "sobol", "bo"], n_trials=6, space=LINE, seed=0)
    app = RaceApp(race)

    async def click_run_then_stop():
        monkeypatch.setattr(race_app, "kernel_loop", asyncio.get_running_loop)  # what a kernel gives
        app.run_button.click()
        assert app.running and not app.stop_button.disabled and app.run_button.disabled
        while not race.studies["random"].trials:
            await asyncio.sleep(0)
        app.stop_button.click()
        app.round_button.click()  # a click sent before the button greyed out: refused, said why
        await app._task

    asyncio.run(click_run_then_stop())
    assert {s.lane: s.n_trials for s in race.ranking()} == {"random": 1, "sobol": 1, "bo": 1}
    assert "Round is not possible while a run is in progress" in app.errors.widget.value
    assert not app.running and not app.run_button.disabled and app.stop_button.disabled


def test_an_interrupted_run_in_a_kernel_says_which_trial_was_not_counted(monkeypatch):
    # race.interrupted == {'random': [2]} and the trial FAILED, with nothing on screen saying so.
    race = Race(Interrupting(quad, at=5), ["random", "sobol"], n_trials=4, space=LINE, seed=0)
    app = RaceApp(race)

    async def click_run():
        monkeypatch.setattr(race_app, "kernel_loop", asyncio.get_running_loop)
        app.run_button.click()
        await app._task

    asyncio.run(click_run())
    monkeypatch.undo()  # out of the kernel: the next Run blocks
    assert race.interrupted == {"random": [2]}
    assert app.status.value == ("<div>interrupted: trial 2 of random was not counted; Run to the end goes on from "
                                "here</div>")
    assert "Interrupt ended the run" in app.errors.widget.value  # the Lab's report of an interrupted run
    assert ">2/4<" in app.ranking.value and not app.run_button.disabled and app.stop_button.disabled
    app.run_button.click()
    assert race.finished and app.status.value == "" and ">4/4<" in app.ranking.value


def test_an_interrupted_round_says_which_trial_was_not_counted():
    app = RaceApp(Race(Interrupting(quad, at=2), ["random", "sobol"], n_trials=3, space=LINE, seed=0))
    with pytest.raises(KeyboardInterrupt):  # a click's callback: it goes on to the kernel, as Ctrl-C does
        app.round_button.click()
    assert "trial 0 of sobol was not counted" in app.status.value
    app.round_button.click()  # completes the round
    assert app.status.value == "" and ">1/3<" in app.ranking.value


def test_the_ranking_says_how_many_of_a_lanes_trials_failed():
    # "3/5" for a lane whose trial had raised: counted as used, shown nowhere.
    calls = []

    def failing_third(params):
        calls.append(params)
        if len(calls) == 3:  # random's second trial
            raise ValueError("diverged")
        return quad(params)

    app = RaceApp(Race(failing_third, ["random", "sobol"], n_trials=3, space=LINE, seed=0))
    app.run()
    assert ">3/3 (1 failed)<" in app.ranking.value and ">3/3<" in app.ranking.value
    assert {s.lane: s.n_failed for s in app.race.ranking()} == {"random": 1, "sobol": 0}


def test_closing_the_app_during_a_run_ends_it_after_the_round_and_draws_nothing():
    objective = Watched(lambda app: app.close())
    app = RaceApp(Race(objective, ["random", "sobol"], n_trials=4, space=LINE, seed=0))
    objective.app = app
    app.run()
    assert {s.lane: s.n_trials for s in app.race.ranking()} == {"random": 1, "sobol": 1}
    assert app.closed and not app.running and not app.errors.errors


def test_a_run_that_ends_early_on_a_finite_space_fills_its_bar():
    # Three configurations, a budget of six: the lanes run out at three, the bar read 6/12 (r476).
    from interactive_hpo import Categorical, SearchSpace

    app = RaceApp(Race(lambda p: float(len(p["c"])), ["random", "sobol"], n_trials=6,
                       space=SearchSpace([Categorical("c", ["a", "bb", "ccc"])]), seed=0))
    app.run()
    assert app.race.finished and (app.progress.value, app.progress.max, app.progress.description) == (6, 6, "6/6")


def test_an_app_made_again_during_a_run_stops_it_waits_for_it_and_is_redrawn_when_it_ends(monkeypatch):
    # The cell run again during a Run: the first app's task finished the race behind the second's
    # back, which showed "1/5" with Round and Run on, and a Round there interleaved rounds (r476).
    race = Race(quad, ["random", "sobol"], n_trials=5, space=LINE, seed=0)
    first = RaceApp(race)

    async def run_then_show_again():
        monkeypatch.setattr(race_app, "kernel_loop", asyncio.get_running_loop)
        first.run_button.click()
        while not race.studies["random"].trials:
            await asyncio.sleep(0)
        second = RaceApp(race)  # stops the first app's run after the round in progress
        assert second.run_button.disabled and second.round_button.disabled
        assert "an earlier app of this race is running it" in second.status.value
        second.round_button.click()  # as a person would: refused, said why
        await first._task
        return second

    second = asyncio.run(run_then_show_again())
    assert "runs it (its cell was run again during a Run)" in second.errors.widget.value
    assert {s.lane: s.n_trials for s in race.ranking()} == {"random": 1, "sobol": 1}  # the first stopped
    assert not second.run_button.disabled and "earlier app" not in second.status.value  # redrawn at its end
    assert ">1/5<" in second.ranking.value
