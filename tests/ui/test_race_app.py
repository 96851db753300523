"""RaceApp refuses what is not a race with the package's one message template."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.ui import RaceApp  # noqa: E402

from ..interrupting import Interrupting  # noqa: E402
from .lab_helpers import LINE, quad  # noqa: E402


@pytest.mark.parametrize("race", [None, quad, ["random", "bo"]])
def test_what_is_not_a_race_is_refused_by_name_rule_and_value(race):
    # It said "RaceApp needs a Race; got function" (a TypeError, outside the message template).
    with pytest.raises(InvalidParameterError, match=r"^`race` of RaceApp must be a Race; got .+\. RaceApp\(Race\("):
        RaceApp(race)


def test_a_ctrl_c_during_run_draws_the_trials_the_race_kept():
    # The Run button's refresh came after race.run(), so an interrupt left the figure and the
    # ranking at the state before the click until the next one.
    app = RaceApp(Race(Interrupting(quad, at=5), ["random", "sobol"], n_trials=4, space=LINE, seed=0))
    with pytest.raises(KeyboardInterrupt):
        app.run()
    assert {name: len(line.get_xdata()) for name, line in app.lines.items()} == {"random": 2, "sobol": 2}
    assert "2/4" in app.ranking.value
    # A count, as the curves' x axis: "reached at trial 2" read as trial number 2 (numbers start at 0).
    assert "reached after (trials)" in app.ranking.value


def test_evaluate_is_off_once_your_budget_is_used():
    # It stayed enabled: a click then was refused, "within your budget of 2 trials".
    app = RaceApp(Race(quad, ["random"], n_trials=2, space=LINE, seed=0, you=True))
    for x in (0.1, 0.2):
        assert not app.manual.evaluate.disabled
        app.manual.fields["x"].value = x
        app.manual.evaluate.click()
    assert app.manual.evaluate.disabled and not app.errors.errors
    # Its form offered "(or click a point of the surrogate plot)": the Race app has none.
    assert "surrogate plot" not in app.manual.widget.children[0].value


def test_a_closed_race_app_leaves_no_widget_open_and_the_race_goes_on_without_it():
    import ipywidgets.widgets.widget as widget_module

    from interactive_hpo import TrialStateError

    before = set(widget_module._instances)
    race = Race(quad, ["random", "sobol"], n_trials=3, space=LINE, seed=0, you=True)
    app = RaceApp(race)
    app.round()
    app.close()
    assert set(widget_module._instances) - before == set()
    with pytest.raises(TrialStateError, match=r"this race app was closed \(RaceApp.close\)"):
        app.round()
    assert "closed RaceApp" in app._repr_mimebundle_()["text/plain"]
    race.run()
    assert race.finished
