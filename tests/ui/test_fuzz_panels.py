"""Fuzzing the ui room beyond the Lab (issue 21's rule, as ``tests/analysis/test_fuzz_analysis.py``):
the panels' and the race app's constructors and public methods, and what a person types into
their widgets before clicking. A refused value gets the package's error naming the argument and
the panel (or the method) the person called; an accepted one works. What is typed in a widget
and refused shows in the app's error area, leaves the study as it was, and the panel goes on
working. ``test_fuzz_lab.py`` fuzzes the Lab itself (its arguments, the controller's actions).

The hand-picked cases found by this round's exploration are the tables at the end.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from interactive_hpo import Categorical, Float, HPOError, Int, InvalidParameterError, Race, SearchSpace, Study  # noqa: E402
from interactive_hpo.ui import (  # noqa: E402
    ErrorLog,
    FidelityPanel,
    HistoryPanel,
    ImportancePanel,
    ManualPanel,
    OptimizerPanel,
    ParetoPanel,
    PopulationPanel,
    RaceApp,
    SpaceEditor,
    SurrogatePanel,
    TimelinePanel,
    WhatIfPanel,
)
from interactive_hpo.ui.fidelity_panel import fidelity_records  # noqa: E402
from interactive_hpo.ui.objective_choice import ObjectiveChoice  # noqa: E402

FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])


def loss(params):
    return params["x"] ** 2 + params["n"] + (params["c"] == "b")


def two(params):
    return [params["x"] ** 2, (params["x"] - 1.0) ** 2 + params["n"]]


# Tiny studies, built once: a few trials each, model-free optimizers.
STUDY = Study(SPACE, "random", seed=0)
STUDY.run(loss, n_trials=3)
MULTI = Study(SPACE, "random", directions=["minimize", "minimize"], seed=0)
MULTI.run(two, n_trials=6)
GA = Study(SPACE, "ga", seed=0, optimizer_settings={"population_size": 4})
GA.run(loss, n_trials=6)
HALVING = Study(SearchSpace([Float("x", 0.0, 1.0)]), "halving", seed=0,
                optimizer_settings={"min_budget": 1, "max_budget": 9})
HALVING.run(lambda p, budget: p["x"] / budget, n_trials=9)
RACE = Race(loss, ["random"], n_trials=2, space=SPACE, seed=0, you=True)

LOG = ErrorLog()
POPULATION = PopulationPanel(SPACE)
FIDELITY = FidelityPanel(LOG)
FIDELITY.update(fidelity_records(HALVING))
FIDELITY.job.value = FIDELITY.job.options[0][1]
OPTIMIZERS = OptimizerPanel(LOG, offered=lambda: ["random", "sobol"])
MANUAL = ManualPanel(SPACE, LOG, goals=MULTI.goals)
PARETO = ParetoPanel(MULTI.goals, LOG)
TIMELINE = TimelinePanel(LOG)
WHAT_IF = WhatIfPanel(LOG)
SURROGATE = SurrogatePanel(SPACE, LOG)
CHOICE = ObjectiveChoice(MULTI.goals, LOG)
HISTORY = HistoryPanel(SPACE, LOG)
IMPORTANCE = ImportancePanel(STUDY.goals, LOG)
for hidden in (*HISTORY.figures, *IMPORTANCE.figures, *SURROGATE.figures, *PARETO.figures):
    hidden.shown = False  # what a redraw would draw is not what these tests are about (the Lab hides them too)
#: A log of its own for ErrorLog's methods: the others count the errors LOG shows.
ITS_LOG = ErrorLog()
#: What the Lab's WhatIfPanel.show is given for "bo".
WHAT_IF_SETTINGS = {"acquisition": "logei", "beta": 2.0, "xi": 0.0, "kernel": "matern"}
WHAT_IF_CHOICES = {"acquisition": ("logei", "ucb"), "kernel": ("matern", "rbf")}


def nothing(*_args):
    return None


#: The owner its errors must name -> (the call, good arguments by name): constructors and methods.
CALLS = {
    "ManualPanel": (ManualPanel, {"space": SPACE, "errors": None, "goals": MULTI.goals}),
    "HistoryPanel": (HistoryPanel, {"space": SPACE, "errors": LOG, "goals": None}),
    "SurrogatePanel": (SurrogatePanel, {"space": SPACE, "errors": LOG}),
    "PopulationPanel": (PopulationPanel, {"space": SPACE}),
    "FidelityPanel": (FidelityPanel, {"errors": LOG}),
    "TimelinePanel": (TimelinePanel, {"errors": LOG}),
    "WhatIfPanel": (WhatIfPanel, {"errors": LOG}),
    "ObjectiveChoice": (ObjectiveChoice, {"goals": MULTI.goals, "errors": None}),
    "OptimizerPanel": (OptimizerPanel, {"errors": None, "offered": lambda: ["random", "sobol"]}),
    "ImportancePanel": (ImportancePanel, {"goals": STUDY.goals, "errors": LOG, "min_trials": 8,
                                          "settings": {"n": 8, "n_samples": 2}}),
    "ParetoPanel": (ParetoPanel, {"goals": MULTI.goals, "errors": LOG, "reference_after": 5}),
    "SpaceEditor": (SpaceEditor, {"space": SPACE, "errors": LOG}),
    "RaceApp": (RaceApp, {"race": RACE}),
    "PopulationPanel.update": (POPULATION.update, {"snapshot": GA.optimizer.population(), "pair": ("x", "n"),
                                                   "landscape": None, "lineage": None}),
    "FidelityPanel.override": (FIDELITY.override, {"action": "stop"}),
    "OptimizerPanel.show": (OPTIMIZERS.show, {"name": "random", "settings": {}}),
    "OptimizerPanel.on_apply": (OPTIMIZERS.on_apply, {"callback": nothing}),
    "ManualPanel.on_evaluate": (MANUAL.on_evaluate, {"callback": nothing}),
    "ManualPanel.on_record": (MANUAL.on_record, {"callback": nothing}),
    "ParetoPanel.on_travel": (PARETO.on_travel, {"callback": nothing}),
    "TimelinePanel.on_travel": (TIMELINE.on_travel, {"callback": nothing}),
    "TimelinePanel.on_fork": (TIMELINE.on_fork, {"callback": nothing}),
    "TimelinePanel.on_branch": (TIMELINE.on_branch, {"callback": nothing}),
    "FidelityPanel.on_override": (FIDELITY.on_override, {"callback": nothing}),
    "FidelityPanel.on_simulate": (FIDELITY.on_simulate, {"callback": nothing}),
    "WhatIfPanel.on_change": (WHAT_IF.on_change, {"callback": nothing}),
    "SurrogatePanel.on_click": (SURROGATE.on_click, {"callback": nothing}),
    "ObjectiveChoice.on_change": (CHOICE.on_change, {"callback": nothing}),
    # The redraws the Lab calls, as a notebook may call them (good arguments: as the Lab passes them).
    "TimelinePanel.update": (TIMELINE.update, {"best_so_far": {"main": STUDY.history().best_values},
                                               "current": "main", "n_trials": 3, "caption": "", "step": None,
                                               "ylabel": "best so far"}),
    "SurrogatePanel.update": (SURROGATE.update, {"view": None, "history": STUDY.history(), "proposal": None,
                                                 "unavailable": "no model", "note": ""}),
    "SurrogatePanel.show_sources": (SURROGATE.show_sources, {"records": ()}),
    "WhatIfPanel.show": (WHAT_IF.show, {"settings": WHAT_IF_SETTINGS, "choices": WHAT_IF_CHOICES,
                                        "lengthscales": True}),
    "ObjectiveChoice.show": (CHOICE.show, {"study": MULTI, "step": None}),
    "FidelityPanel.update": (FIDELITY.update, {"records": fidelity_records(HALVING)}),
    "ImportancePanel.update": (IMPORTANCE.update, {"study": STUDY, "step": None}),
    "ManualPanel.update": (MANUAL.update, {"trials": MULTI.trials, "direction": "minimize"}),
    "HistoryPanel.update": (HISTORY.update, {"history": STUDY.history(), "trials": STUDY.trials}),
    "ParetoPanel.update": (PARETO.update, {"trials": MULTI.trials, "full_budget": 1.0}),
    "ErrorLog.show": (ITS_LOG.show, {"error": InvalidParameterError("`x` of it must be shown")}),
    "ErrorLog.warn": (ITS_LOG.warn, {"messages": ["UserWarning: shown"]}),
}
CASES = [(owner, name) for owner, (_, good) in CALLS.items() for name in good]

#: Anything a person might pass: numbers of every kind, text, names of the space and of the panels'
#: vocabulary, None, objects, the room's objects (a study where its goals go, a log where a space
#: goes), lists and dicts of them, and numpy arrays of any kind and shape.
scalars = st.one_of(st.integers(-3, 12), st.integers(2, 10**9), st.floats(), st.integers(-10**6, 10**6).map(np.int64),
                    st.booleans(), st.text(max_size=4), st.none(), st.builds(object),
                    st.sampled_from(["x", "n", "c", "random", "promote", "stop", "n_samples"]))
objects = st.sampled_from([STUDY, MULTI, SPACE, STUDY.goals, MULTI.goals, LOG, RACE, GA.optimizer.population(), print])
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2")]),
                    hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
values = st.one_of(scalars, objects, st.lists(scalars, max_size=3), arrays,
                   st.dictionaries(st.sampled_from(["x", "n", "c", "n_samples", "resolution", "z"]), scalars,
                                   max_size=3))


def refused_clearly(error: BaseException, owner: str) -> None:
    """The package's error naming the argument and the owner the person called; the space's own
    check (``the search space``) for a configuration."""
    assert isinstance(error, HPOError), repr(error)
    message = str(error)
    assert re.match(rf"`[\w\[\]']+` of ({re.escape(owner)}|the search space) must be ", message), message


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@seed(21)
@settings(FUZZ, max_examples=150)
@given(case=st.sampled_from(CASES), value=values)
def test_a_panel_works_or_refuses_naming_itself(case, value):
    owner, name = case
    call, good = CALLS[owner]
    try:
        result = call(**{**good, name: value})
    except Exception as error:  # noqa: BLE001 - we assert on what it is
        return refused_clearly(error, owner)
    if hasattr(result, "widget"):  # accepted: a panel a notebook can show
        assert isinstance(result.widget, widgets.Widget)
    FIDELITY.override("stop")  # the shared panels still work after whatever was given to them
    POPULATION.update(GA.optimizer.population(), ("x", "c"))


def _shown_in(widget: widgets.Widget, text: str) -> bool:
    """Whether ``text`` shows in an HTML widget anywhere inside ``widget``."""
    if isinstance(widget, widgets.HTML) and text in widget.value:
        return True
    return any(_shown_in(child, text) for child in getattr(widget, "children", ()))


#: Numbers a person can type in a FloatText (the browser sends any float, NaN and inf included).
typed_floats = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 2.0, -2.0]))
typed_ints = st.one_of(st.integers(-10, 10), st.integers(-2**53, 2**53))


#: One race for the form's fuzz (a Race and its app per example took 0.3 s): its budget outlasts the examples.
RACE_APP = RaceApp(Race(loss, ["random"], n_trials=40, space=SPACE, seed=0, you=True))


@seed(21)
@settings(FUZZ, max_examples=30)
@given(x=typed_floats, n=typed_ints, c=st.sampled_from(["a", "b"]))
def test_what_is_typed_in_the_race_form_is_evaluated_or_refused_in_the_app(x, n, c):
    app, form = RACE_APP, RACE_APP.manual
    yours, lane = app.race.studies["you"], app.race.studies["random"]
    before, n_errors, n_lane = list(yours.trials), len(app.errors.errors), len(lane.trials)
    form.fields["x"].value, form.fields["n"].value, form.fields["c"].value = x, n, c
    form.evaluate.click()
    if len(app.errors.errors) > n_errors:  # refused: shown in the app, your lane as it was, the race goes on
        error = app.errors.errors[-1]
        refused_clearly(error, "Race.evaluate")
        assert _shown_in(app.widget, str(error).split(";")[0]) and yours.trials == before
    else:
        assert len(yours.trials) == len(before) + 1 and yours.trials[-1].params == {"x": x, "n": n, "c": c}
    app.round_button.click()
    assert len(lane.trials) == n_lane + 1 and len(app.errors.errors) <= n_errors + 1


@seed(21)
@settings(FUZZ, max_examples=30)
@given(typed=st.lists(typed_floats, min_size=2, max_size=2))
def test_a_reference_typed_in_the_pareto_panel_is_used_or_refused_in_the_panel(typed):
    panel = PARETO
    panel.figure.shown = False  # drawn once at the end, not at each example (0.3 s each)
    panel.update(MULTI.trials)
    before = panel.reference.copy()
    for field, value in zip(panel.reference_fields, typed, strict=True):
        field.value = value
    n_errors = len(LOG.errors)
    panel.set_button.click()
    if len(LOG.errors) > n_errors:
        refused_clearly(LOG.errors[-1], "ParetoPanel.set_reference")
        assert np.array_equal(panel.reference, before)
    else:
        assert panel.reference.tolist() == typed
    panel.select(0)  # the panel still works
    panel.set_reference(before)


def test_the_pareto_panel_draws_after_the_fuzz_of_its_reference():
    PARETO.figure.shown = True
    assert PARETO.volume_info is not None and PARETO.volume_info.hypervolume[-1] > 0


#: Settings of the optimizers the fuzz switches to, by the widget a person types them in.
@seed(21)
@settings(FUZZ, max_examples=60)
@given(name=st.sampled_from(["random", "sobol", "grid", "ga", "de", "halving"]), data=st.data())
def test_settings_typed_in_the_optimizer_panel_switch_or_are_refused_leaving_the_study(name, data):
    study = Study(SPACE, "random", seed=0)
    study.run(loss, n_trials=2)
    panel = OptimizerPanel(offered=lambda: ["random", "sobol", "grid", "ga", "de", "halving"])
    panel.on_apply(lambda chosen, typed: study.switch_optimizer(chosen, **typed))
    panel.show("random", {})
    panel.choice.value = name
    for setting, field in panel.fields.items():
        if isinstance(field, widgets.Checkbox) or isinstance(field, widgets.Dropdown):
            continue
        if isinstance(field, widgets.IntText):
            value = data.draw(typed_ints, label=setting)
        elif isinstance(field, widgets.FloatText):
            value = data.draw(typed_floats, label=setting)
        else:
            value = data.draw(st.one_of(st.text(max_size=5), st.sampled_from(["nan", "1e999", "-1", "0", "3", "x"])),
                              label=setting)
        field.value = value
    trials = list(study.trials)
    panel.apply.click()
    if panel.errors.errors:
        error = panel.errors.errors[-1]
        assert isinstance(error, HPOError) and re.match(r"`\w+` of \w+ must be ", str(error)), repr(error)
        assert _shown_in(panel.widget, "must be") and study.optimizer.name == "random"
    else:
        assert study.optimizer.name == name
    assert study.trials == trials
    study.step(loss)  # refused or switched: the study steps on


@pytest.mark.parametrize("build", [
    lambda: ManualPanel(SPACE),
    lambda: OptimizerPanel(),
    lambda: ParetoPanel(MULTI.goals),
    lambda: SurrogatePanel(SPACE),
    lambda: ImportancePanel(STUDY.goals),
], ids=["ManualPanel", "OptimizerPanel", "ParetoPanel", "SurrogatePanel", "ImportancePanel"])
def test_a_panel_built_without_a_log_shows_its_own(build):
    # Built alone (errors=None), a panel made a log of its own and placed it nowhere: what a
    # person typed was refused without a word on screen.
    panel = build()
    panel.errors.guard(lambda _: (_ for _ in ()).throw(InvalidParameterError("`x` of it must be shown")))(None)
    assert _shown_in(panel.widget, "`x` of it must be shown")


def test_stop_with_no_job_chosen_says_so_instead_of_doing_nothing():
    log, received = ErrorLog(), []
    panel = FidelityPanel(log)
    panel.on_override(lambda number, action: received.append((number, action)))
    panel.update(fidelity_records(HALVING))
    assert panel.job.value is None  # a Dropdown's options set: nothing chosen
    panel.stop_button.click()
    assert received == []
    assert "`job` of FidelityPanel must be a job chosen in the list before Stop" in panel.override_error.value
    panel.job.value = panel.job.options[0][1]
    panel.promote_button.click()
    assert received == [(panel.job.value, "promote")] and panel.override_error.value == log.widget.value == ""


@pytest.mark.parametrize(("call", "message"), [
    # Fuzz round on the ui room: each of these was an AttributeError or TypeError from the first line
    # that used the argument ("'str' object has no attribute 'guard'"), numpy's, or (*) accepted.
    (lambda: ManualPanel("x"), "`space` of ManualPanel must be a SearchSpace (study.space); got 'x'."),
    (lambda: ManualPanel(SPACE, errors=3), "`errors` of ManualPanel must be an ErrorLog or None; got 3."),
    (lambda: ManualPanel(SPACE, goals=[]), "`goals` of ManualPanel must be the Goals of a study (study.goals) or "
                                           "None; got []."),
    (lambda: ManualPanel(SPACE, plot_clicks="yes"), "`plot_clicks` of ManualPanel must be True or False; got 'yes'."),
    (lambda: HistoryPanel(None), "`space` of HistoryPanel must be a SearchSpace (study.space); got None."),
    (lambda: HistoryPanel(SPACE, goals="minimize"), "`goals` of HistoryPanel must be the Goals of a study"),
    (lambda: SurrogatePanel(STUDY), "`space` of SurrogatePanel must be a SearchSpace (study.space); got Study("),
    (lambda: PopulationPanel([]), "`space` of PopulationPanel must be a SearchSpace (study.space); got []."),
    (lambda: FidelityPanel(None), "`errors` of FidelityPanel must be an ErrorLog; got None."),
    (lambda: TimelinePanel("log"), "`errors` of TimelinePanel must be an ErrorLog; got 'log'."),
    (lambda: WhatIfPanel(None), "`errors` of WhatIfPanel must be an ErrorLog; got None."),
    (lambda: ObjectiveChoice(["a", "b"]), "`goals` of ObjectiveChoice must be the Goals of a study (study.goals); "
                                          "got ['a', 'b']."),
    (lambda: OptimizerPanel(offered=["random"]), "`offered` of OptimizerPanel must be a callable offered() -> list of "
                                                 "optimizer names; got ['random']."),
    (lambda: OptimizerPanel(offered=lambda: []), "`offered` of OptimizerPanel must be a callable returning a "
                                                 "non-empty list of optimizer names; got []."),
    (lambda: OPTIMIZERS.show(3, {}), "`name` of OptimizerPanel.show must be an optimizer's name (a str); got 3."),
    (lambda: OPTIMIZERS.show("random", None), "`settings` of OptimizerPanel.show must be a dict of the optimizer's "
                                              "settings; got None."),
    # (*) read only when the tab was first shown, and refused in the words of sobol_indices.
    (lambda: ImportancePanel(STUDY.goals, min_trials="8"), "`min_trials` of ImportancePanel must be an int in "
                                                           "[1, inf); got '8'."),
    (lambda: ImportancePanel(STUDY.goals, settings={"n": "a"}), "`settings['n']` of ImportancePanel must be an int "
                                                                "in [8, 4096]; got 'a'."),
    # (*) 2**17 design points: seconds for every trial while the tab is shown.
    (lambda: ImportancePanel(STUDY.goals, settings={"n": 2**17}), "`settings['n']` of ImportancePanel must be an "
                                                                  "int in [8, 4096]; got 131072."),
    (lambda: ImportancePanel(STUDY.goals, settings={"samples": 8}), "`settings` of ImportancePanel must be a dict "
                                                                    "with keys among ['n', 'n_samples', "
                                                                    "'n_background', 'resolution'] or None"),
    (lambda: ImportancePanel(STUDY.goals, errors="log"), "`errors` of ImportancePanel must be an ErrorLog or None"),
    (lambda: ParetoPanel(MULTI.goals, reference_after="5"), "`reference_after` of ParetoPanel must be an int in "
                                                            "[1, inf); got '5'."),
    (lambda: ParetoPanel(MULTI.goals, reference_after=0), "`reference_after` of ParetoPanel must be an int in "
                                                          "[1, inf); got 0."),  # (*) never inferred one
    (lambda: ParetoPanel(MULTI.goals, errors=[]), "`errors` of ParetoPanel must be an ErrorLog or None; got []."),
    (lambda: ParetoPanel(MULTI.goals).update(MULTI.trials, 0), "`full_budget` of ParetoPanel.update must be a "
                                                               "finite real number in (0.0, inf); got 0."),
    # (*) Taken: every redraw then failed (a hypervolume of inf before that).
    (lambda: ParetoPanel(MULTI.goals).update(MULTI.trials).set_reference([1e308, 1e308]),
     "`reference` of ParetoPanel.set_reference must be a point whose box over the trials has a finite volume"),
    (lambda: POPULATION.update(GA.optimizer.population(), ("z",)), "`pair` of PopulationPanel.update must be one or "
                                                                   "two distinct names among ['x', 'n', 'c']; got "
                                                                   "('z',)."),
    # (*) a str was split into letters: "xn" drew x against n.
    (lambda: POPULATION.update(GA.optimizer.population(), "xn"), "`pair` of PopulationPanel.update must be one or "
                                                                 "two distinct names"),
    (lambda: FIDELITY.override("pause"), "`action` of FidelityPanel.override must be one of ['promote', 'stop']; "
                                         "got 'pause'."),
    # (*) each failed at the first click or redraw, far from the line that registered it.
    (lambda: MANUAL.on_evaluate("print"), "`callback` of ManualPanel.on_evaluate must be a callable "
                                          "callback(params); got 'print'."),
    (lambda: TIMELINE.on_fork(None), "`callback` of TimelinePanel.on_fork must be a callable callback(step); "
                                     "got None."),
    (lambda: FIDELITY.on_simulate(4), "`callback` of FidelityPanel.on_simulate must be a callable "
                                      "callback(n_workers, n_jobs); got 4."),
    (lambda: WHAT_IF.on_change([]), "`callback` of WhatIfPanel.on_change must be a callable callback(); got []."),
    # The redraws the Lab calls, given what a notebook might: refused by a widget in traitlets' words (TraitError),
    # or a TypeError, AttributeError or IndexError from the first line that used the argument.
    (lambda: TIMELINE.update({"main": [1.0]}, "zzz", 1), "`current` of TimelinePanel.update must be one of the "
                                                          "branches of best_so_far ['main']; got 'zzz'."),
    (lambda: TIMELINE.update({"main": [1.0]}, "main", None), "`n_trials` of TimelinePanel.update must be an int in "
                                                             "[0, inf); got None."),
    (lambda: TIMELINE.update({"main": [1.0]}, "main", 1, step="2"), "`step` of TimelinePanel.update must be an int "
                                                                    "in [0, 1]; got '2'."),
    (lambda: TIMELINE.update({"main": [1.0]}, "main", 1, step=2.5), "`step` of TimelinePanel.update must be an int"),
    (lambda: TIMELINE.update({"main": [1.0]}, "main", 1, caption=None), "`caption` of TimelinePanel.update must be "
                                                                        "a str; got None."),
    (lambda: TIMELINE.update(None, "main", 1), "`best_so_far` of TimelinePanel.update must be a non-empty dict "
                                               "from branch name (a str) to best-so-far values of shape (trials,); "
                                               "got None."),
    (lambda: TIMELINE.update({"main": "zzz"}, "main", 1), "`best_so_far` of TimelinePanel.update must be"),
    (lambda: SURROGATE.update(None, STUDY.history(), note=None), "`note` of SurrogatePanel.update must be a str; "
                                                                 "got None."),
    (lambda: SURROGATE.update(None, STUDY.history(), proposal="zzz"), "`proposal` of SurrogatePanel.update must be "
                                                                      "None or a unit-cube point of shape (3,)"),
    (lambda: SURROGATE.update(0, STUDY.history()), "`view` of SurrogatePanel.update must be None or a model's "
                                                   "SurrogateView (study.surrogate()); got 0."),
    (lambda: SURROGATE.update(None, None), "`history` of SurrogatePanel.update must be the study's History "
                                           "(study.history()); got None."),
    (lambda: SURROGATE.show_sources(None), "`records` of SurrogatePanel.show_sources must be the study's warm-start "
                                           "sources (study.warm_start); got None."),
    (lambda: WHAT_IF.show({**WHAT_IF_SETTINGS, "kernel": "zzz"}, WHAT_IF_CHOICES),
     "`settings['kernel']` of WhatIfPanel.show must be one of choices['kernel'] ['matern', 'rbf']; got 'zzz'."),
    (lambda: WHAT_IF.show({**WHAT_IF_SETTINGS, "beta": "2"}, WHAT_IF_CHOICES),
     "`settings['beta']` of WhatIfPanel.show must be a real number; got '2'."),
    (lambda: WHAT_IF.show(3.5, WHAT_IF_CHOICES), "`settings` of WhatIfPanel.show must be None or a dict of the "
                                                 "optimizer's settings; got 3.5."),
    (lambda: WHAT_IF.describe("ab", [0.5]), "`before` of WhatIfPanel.describe must be None or a unit-cube point "
                                            "of the shape of the other; got 'ab'."),
    (lambda: WHAT_IF.describe([0.5, 0.5], [0.5]), "`after` of WhatIfPanel.describe must be None or a unit-cube "
                                                  "point of the shape of the other; got [0.5]."),
    # (*) Stored, and every redraw after it failed ("'NoneType' object has no attribute 'replace'").
    (lambda: PARETO.set_reference([9.0, 9.0], origin=None), "`origin` of ParetoPanel.set_reference must be a str; "
                                                            "got None."),
    (lambda: FIDELITY.update(None), "`records` of FidelityPanel.update must be the panel's FidelityRecords "
                                    "(fidelity_records(study)); got None."),
    (lambda: CHOICE.show(None, None), "`study` of ObjectiveChoice.show must be an interactive_hpo Study; got None."),
    (lambda: CHOICE.show(MULTI, 6), "`step` of ObjectiveChoice.show must be an int in [0, 5]; got 6."),
    (lambda: CHOICE.show(MULTI, "zzz"), "`step` of ObjectiveChoice.show must be an int in [0, 5]; got 'zzz'."),
    (lambda: IMPORTANCE.update(None), "`study` of ImportancePanel.update must be an interactive_hpo Study; got None."),
    (lambda: MANUAL.update(MULTI.trials, None), "`direction` of ManualPanel.update must be one of ['minimize', "
                                                "'maximize']; got None."),
    (lambda: MANUAL.update("zzz", "minimize"), "`trials` of ManualPanel.update must be a list of the study's Trials "
                                               "(study.trials); got 'zzz'."),
    (lambda: HISTORY.update(STUDY.history(), None), "`trials` of HistoryPanel.update must be a list of the study's "
                                                    "Trials (study.trials); got None."),
    (lambda: HISTORY.update(None, STUDY.trials), "`history` of HistoryPanel.update must be the study's History"),
    (lambda: PARETO.update(["zzz"]), "`trials` of ParetoPanel.update must be a list of the study's Trials "
                                     "(study.trials); got ['zzz']."),
    (lambda: ITS_LOG.show("zzz"), "`error` of ErrorLog.show must be an exception; got 'zzz'."),
    (lambda: ITS_LOG.warn("zzz"), "`messages` of ErrorLog.warn must be a list of str; got 'zzz'."),
    (lambda: ITS_LOG.warn([1, 2]), "`messages` of ErrorLog.warn must be a list of str; got [1, 2]."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_a_value_typed_that_is_not_finite_is_refused_before_your_callback():
    # A standalone form passed NaN to its callback (the Lab's add_manual refused it later).
    recorded = []
    form = ManualPanel(SPACE, goals=MULTI.goals)
    form.on_record(lambda params, values: recorded.append(values))
    name = MULTI.goals.names[1]
    form.value_fields[name].value = float("nan")
    with pytest.raises(InvalidParameterError, match=re.escape(f"`{name}` of ManualPanel must be a finite number")):
        form.submit_values()
    assert recorded == []
