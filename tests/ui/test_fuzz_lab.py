"""Fuzzing the Lab's public surface (issue 21's rule, as ``tests/test_fuzz.py``): ``Lab(...)``'s
arguments, the controller's actions and the panels' methods a notebook user may call. A refused
value gets the package's error naming the parameter and the owner the user called; an accepted
one works; a refusal leaves the study, its optimizer and the panels as they were.

Hand-picked misuse sequences (Undo with nothing to undo, a Step during a run) are in
``test_lab_running.py``; the exact messages of the panels in their own test files.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from interactive_hpo import Categorical, Float, HPOError, Int, SearchSpace, Study, TrialStateError, _paths  # noqa: E402
from interactive_hpo.exceptions import StorageError  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.controller import LabController  # noqa: E402

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
SPACE = SearchSpace([Float("x", -2.0, 2.0), Int("n", 1, 5), Categorical("c", ["a", "b"])])
#: "`name` of Owner must be ..."; a name may be indexed (`directions[0]`).
NAMES_A_PARAMETER = re.compile(r"`[\w\[\]']+` of [\w.()'\" ]+ must be ")

#: Anything a user might pass: numbers of every kind, names the Lab knows, text, None, objects, lists
#: and dicts of them, and numpy arrays of any kind and shape (an empty one, a column, NaN, text).
scalars = st.one_of(st.integers(-3, 12), st.floats(), st.integers(-10**6, 10**6).map(np.int64), st.booleans(),
                    st.text(max_size=4), st.none(), st.builds(object),
                    st.sampled_from(["x", "n", "c", "a", "main", "random", "sobol", "asha", "seed", "stop"]))
arrays = hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U2")]),
                    hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
values = st.one_of(scalars, st.lists(scalars, max_size=3), arrays,
                   st.dictionaries(st.sampled_from(["x", "n", "c", "z", "seed", "scramble"]), scalars, max_size=3))


def objective(params):
    return (params["x"] - 1.0) ** 2 + params["n"] + (params["c"] == "a")


def refused_clearly(error: BaseException, owner: str) -> None:
    """The package's error (or a ValueError/TypeError) naming the parameter and, where the Lab
    checks it, the owner the user called (a study's own checks name the study's method)."""
    assert isinstance(error, (HPOError, ValueError, TypeError)), repr(error)
    assert NAMES_A_PARAMETER.search(str(error)), str(error)
    assert f"of {owner} must" in str(error) or " of Study" in str(error) \
        or "search space" in str(error) or "SearchSpace" in str(error), str(error)


def attempt(call):
    """(result, None), or (None, the error)."""
    try:
        return call(), None
    except Exception as error:  # noqa: BLE001 - we assert on what it is
        return None, error


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")  # every Lab draws figures: a hundred of them left open hold hundreds of MB


ARGUMENTS = ["optimizer", "seed", "optimizer_settings", "space", "direction", "directions", "warm_start",
             "trial_timeout", "on_worker_loss", "objective", "study_or_objective"]


@seed(21)
@settings(FUZZ, max_examples=30)
@given(name=st.sampled_from(ARGUMENTS), value=values)
def test_lab_arguments_are_refused_clearly_or_work(name, value):
    arguments = {"study_or_objective": objective, "space": SPACE, "optimizer": "random", "seed": 0}
    if name == "objective":  # Lab(study, objective)
        arguments = {"study_or_objective": Study(SPACE, "random", seed=0)}
    if name == "optimizer" and isinstance(value, np.ndarray):
        value = value.tolist()  # Study's own `optimizer or "random"` fails on an array (reported to its owner)
    arguments[name] = value
    lab, error = attempt(lambda: Lab(**arguments))
    if error is not None:
        return refused_clearly(error, "Lab")
    lab.step()  # accepted: it steps
    assert len(lab.study.trials) == 1


#: (action, how many arguments) of the controller, as a notebook user calls them.
ACTIONS = {"evaluate": 1, "add_manual": 2, "switch_optimizer": 2, "run": 1, "travel": 1, "fork": 2,
           "switch_branch": 1, "override": 2, "set_space": 1, "change_settings": 1, "past": 2, "present": 2}


@seed(21)
@settings(FUZZ, max_examples=150)
@given(action=st.sampled_from(sorted(ACTIONS)), arguments=st.lists(values, min_size=2, max_size=2))
def test_controller_actions_are_refused_clearly_and_change_nothing(action, arguments):
    controller = LabController(Study(SPACE, "sobol", seed=0), objective)
    controller.run(2)
    before = (list(controller.study.trials), controller.study.optimizer.name, controller.viewing,
              list(controller.branches))
    if action == "add_manual":
        arguments[0] = dict(x=0.5, n=2, c="b") if isinstance(arguments[0], dict) else arguments[0]
    if action == "past":  # past(step, history): the study's present history, as the Lab passes it
        arguments[1] = controller.study.history()
    _, error = attempt(lambda: getattr(controller, action)(*arguments[:ACTIONS[action]]))
    if error is not None:
        refused_clearly(error, "Lab." + action)
        assert (list(controller.study.trials), controller.study.optimizer.name, controller.viewing,
                list(controller.branches)) == before
    controller.travel(None)
    if controller.can_step:  # accepted or refused: the Lab steps on
        controller.step()


@seed(21)
@settings(FUZZ, max_examples=40)
@given(method=st.sampled_from(["pareto.select", "pareto.set_reference", "importance.select", "manual.fill",
                               "editor.add_row", "editor.remove_row"]), value=values)
def test_panel_methods_are_refused_clearly_and_leave_the_panel_working(lab_of_two, method, value):
    lab = lab_of_two
    panel, name = method.split(".")
    target = {"pareto": lab.pareto_panel, "importance": lab.importance_panel, "manual": lab.manual_panel,
              "editor": lab.space_editor}[panel]
    _, error = attempt(lambda: getattr(target, name)(value))
    if error is not None:
        owner = {"pareto": "ParetoPanel", "importance": "ImportancePanel", "manual": "ManualPanel",
                 "editor": "SpaceEditor"}[panel]
        refused_clearly(error, f"{owner}.{name}")
    lab.space_editor.load(lab.study.space)  # rows added by the fuzz go
    lab.pareto_panel.update(lab.study.trials)  # the panels still draw: nothing a refusal stored breaks them
    lab.pareto_panel.travel()
    lab.importance_panel.select(None)
    lab.manual_panel.submit()


@pytest.fixture(scope="module")
def lab_of_two():
    lab = Lab(lambda p: [p["x"] ** 2, (p["x"] - 1.0) ** 2 + p["n"]], space=SPACE, optimizer="sobol",
              directions=["minimize", "minimize"], seed=0)
    # 5: the Pareto tab fixes its reference point then, which a test reads (it passed only after
    # the fuzz test, whose manual trials made up the count).
    lab.run(5)
    return lab


def test_a_step_or_a_run_during_a_run_is_refused_and_the_run_goes_on():
    # A Step or Run from code while the Run button's run goes on (in the background, between its
    # trials): the second run ended by setting `running` False, so Reset was let through mid-run.
    lab = Lab(objective, space=SPACE, optimizer="random", seed=0)
    run = lab.controller.steps(3)
    next(run)
    for action in (lab.step, lambda: lab.run(2), lab.controller.step, lambda: lab.controller.steps(1)):
        with pytest.raises(TrialStateError, match="is not possible while a run is in progress: the run steps "
                                                  "this study"):
            action()
    assert len(lab.study.trials) == 1 and lab.controller.running
    with pytest.raises(TrialStateError, match="Reset is not possible while a run is in progress"):
        lab.controller.reset()
    assert len(list(run)) == 2 and not lab.controller.running
    assert lab.step().number == 3


@pytest.mark.parametrize("direction", [np.array(["minimize", "maximize"]), np.array([]), "", 0, False])
def test_a_direction_that_is_none_is_refused_not_replaced_by_the_objectives(direction):
    # `direction or the objective's`: an array failed numpy's truth test, and "", 0 or False gave "minimize".
    with pytest.raises(HPOError, match="`direction` of .* must be "):
        Lab(objective, space=SPACE, optimizer="random", direction=direction)


def test_refused_redraws_leave_what_the_lab_shows_and_it_goes_on(lab_of_two):
    # Each was refused by a widget in traitlets' words (TraitError) once it had changed what the Lab shows:
    # the branch list replaced, an error that was no exception logged, a what-if's acquisition offered;
    # a reference point's origin of None was kept, and every redraw after it failed.
    lab = lab_of_two
    branches, step, shown = lab.timeline.branch.options, lab.timeline.step.value, list(lab.errors.errors)
    reference, caption = lab.pareto_panel.reference.copy(), lab.pareto_panel.caption.value
    with pytest.raises(HPOError, match="`origin` of ParetoPanel.set_reference must be a str; got None."):
        lab.pareto_panel.set_reference(reference + 1.0, origin=None)
    assert np.array_equal(lab.pareto_panel.reference, reference) and lab.pareto_panel.caption.value == caption
    with pytest.raises(HPOError, match="`current` of TimelinePanel.update must be one of"):
        lab.timeline.update({"main": [1.0], "other": [2.0]}, "zzz", 3)
    with pytest.raises(HPOError, match="`step` of TimelinePanel.update must be an int in"):
        lab.timeline.update({"main": [1.0], "other": [2.0]}, "main", 3, step="1")
    with pytest.raises(HPOError, match="`error` of ErrorLog.show must be an exception"):
        lab.errors.show("zzz")
    with pytest.raises(HPOError, match="`settings\\['kernel'\\]` of WhatIfPanel.show must be one of"):
        lab.what_if.show({"acquisition": "ucb", "kernel": "zzz"}, {"acquisition": ("logei", "ucb"),
                                                                  "kernel": ("matern", "rbf")})
    assert (lab.timeline.branch.options, lab.timeline.step.value, lab.errors.errors) == (branches, step, shown)
    assert lab.what_if.acquisition.options == () and lab.what_if.widget.layout.display == "none"  # sobol: no what-if
    n_trials = len(lab.study.trials)
    lab.step()
    lab.travel(1)
    assert lab.timeline.step.value == 1 and not lab.timeline.live.value
    lab.travel(None)
    assert lab.timeline.step.max == n_trials + 1 and lab.errors.errors == shown


@pytest.mark.parametrize(("path", "options", "message"), [
    (None, {}, "`path` of Lab.export must be a file path (a non-empty str or os.PathLike); got None."),
    ("steps.txt", {}, "`path` of Lab.export must be a .html, .htm, .gif, .mp4 file name; got "),
    # Python's TypeError ("export_html() got an unexpected keyword argument 'fps'") before.
    ("steps.html", {"fps": 2}, "`options` of Lab.export must be keywords among ['steps', 'pair', 'reference', "
                               "'title', 'figsize', 'overwrite'] for a .html file; got 'fps'."),
    # A FileNotFoundError naming the hidden file written first ('.../nope/.steps.<hex>.html').
    ("nope/steps.html", {}, "`path` of Lab.export must be a file path in an existing folder; got '"),
    ("nope/steps.gif", {}, "/nope/steps.gif'. There is no folder '"),
])
def test_an_export_is_refused_naming_lab_export(lab_of_two, tmp_path, path, options, message):
    # The exports' own checks named export_html or export_animation, which the person never called.
    with pytest.raises(HPOError, match=re.escape(message)):
        lab_of_two.export(path if path is None else tmp_path / path, **options)
    assert not list(tmp_path.iterdir())


def test_an_export_into_a_folder_that_takes_no_file_is_refused_naming_lab_export(lab_of_two, tmp_path, monkeypatch):
    # The export's own check named export_html (h468); a folder's refusal (chattr +i, a read-only
    # disk: chmod does not stop root) is made here by the first file opened in it.
    real_open = open

    def refused(file, mode="r", *args, **kwargs):
        if Path(file).parent == tmp_path and "x" in mode:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(_paths, "open", refused, raising=False)
    with pytest.raises(StorageError, match=re.escape(f"{tmp_path / 'steps.html'}: Lab.export cannot write there")):
        lab_of_two.export(tmp_path / "steps.html")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("action", "message"), [
    # Refused in the words of the optimizer's `overrides`, which nobody typed.
    (lambda c: c.present(c.study.history(), None, 2), "`objective` of Lab.present must be an objective's name in "
                                                      "['objective'] or its index in [0, 1); got 2."),
    (lambda c: c.past(1, c.study.history(), "a"), "`objective` of Lab.past must be an objective's name in "
                                                  "['objective'] or its index in [0, 1); got 'a'."),
    # A TypeError from the study's surrogate ("argument after ** must be a mapping").
    (lambda c: c.present(c.study.history(), 3), "`what_if` of Lab.present must be None or a dict of the settings"),
    (lambda c: c.present(3), "`history` of Lab.present must be the study's History (study.history()); got 3."),
    (lambda c: c.past(5), "`step` of Lab.past must be an int in [0, 1]; got 5."),
    # Taken, and every change after it failed calling it: the Lab no longer stepped.
    (lambda c: c.on_change(3), "`callback` of LabController.on_change must be a callable callback(event); got 3."),
])
def test_the_controllers_views_and_listeners_are_refused_naming_it_and_it_goes_on(action, message):
    controller = LabController(Study(SPACE, "random", seed=0), objective)
    controller.run(2)
    with pytest.raises(HPOError, match=re.escape(message)):
        action(controller)
    assert controller.step().number == 2


def test_the_controllers_views_default_to_the_history_the_lab_draws():
    # lab.controller.past(1) raised a TypeError ("missing 1 required positional argument: 'history'").
    controller = LabController(Study(SPACE, "random", seed=0), objective)
    controller.run(2)
    history = controller.study.history()
    assert controller.past(1).caption == controller.past(1, history).caption
    assert controller.present().caption == controller.present(history).caption
