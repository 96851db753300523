"""The race's ranking is called final only when no lane can change it (audit a444): once every
optimizer lane had used its budget it was headed "Final ranking" over "you 1/10", and a trial
entered in "Your own trial" then changed it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.ui import RaceApp  # noqa: E402

from .lab_helpers import LINE, quad  # noqa: E402


def heading(app):
    return app.ranking.value.split("<table")[0]


def ranks(app):
    return [(s.rank, s.lane) for s in app.race.ranking()]


def test_your_open_lane_keeps_the_ranking_open_until_you_use_your_budget():
    app = RaceApp(Race(quad, ["random", "sobol"], n_trials=3, space=LINE, seed=0, you=True))
    app.manual.fields["x"].value = -2.0  # a poor guess: you rank last
    app.manual.evaluate.click()
    app.run_button.click()
    assert app.race.finished and app.round_button.disabled and not app.errors.errors
    assert "Final ranking" not in heading(app)
    assert heading(app) == ("<b>Ranking so far</b>: the optimizers' lanes are finished; yours is still open "
                            "(1/3 trials used), so the ranks may still change")
    assert ">1/3<" in app.ranking.value.split("<table")[1]  # the count the heading gives is your row's
    before = ranks(app)
    assert before[-1][1] == "you"
    app.manual.fields["x"].value = 1.0  # the minimum: the ranks change, as the heading said they may
    app.manual.evaluate.click()
    assert ranks(app) != before and ranks(app)[0][1] == "you"
    assert "yours is still open (2/3 trials used)" in heading(app)
    app.manual.fields["x"].value = 0.5
    app.manual.evaluate.click()  # your budget used: now nothing can change it
    assert heading(app) == "<b>Final ranking</b>" and app.manual.evaluate.disabled and not app.errors.errors


def test_a_race_without_you_is_final_when_the_optimizers_are():
    app = RaceApp(Race(quad, ["random", "sobol"], n_trials=2, space=LINE, seed=0))
    assert heading(app) == "Ranking so far"
    app.run_button.click()
    assert heading(app) == "<b>Final ranking</b>" and not app.errors.errors
