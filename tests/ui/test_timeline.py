"""Time travel in the Lab: scrub past beliefs, fork a branch at any step, compare branches."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError, Study  # noqa: E402
from interactive_hpo.study.branching import fork_study  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, quad  # noqa: E402


@pytest.fixture
def lab():
    return lab_after(quad, LINE, 6, seed=1, optimizer_settings=FAST)


@pytest.fixture(scope="module")
def shared_lab():
    """``lab``, built once for the tests that only look at past steps and come back to the present."""
    return lab_after(quad, LINE, 6, seed=1, optimizer_settings=FAST)


@pytest.fixture
def present_lab(shared_lab):
    """``shared_lab``, checked to be as built: at the present, 6 trials, one branch, no error."""
    lab = shared_lab
    assert lab.controller.viewing is None and lab.timeline.live.value and len(lab.study.trials) == 6
    assert list(lab.branches) == ["main"] and not lab.errors.errors, "a test before this one changed the shared Lab"
    return lab


def test_scrubbing_shows_the_belief_that_proposed_a_past_trial(present_lab):
    lab = present_lab
    lab.timeline.live.value = False
    lab.timeline.step.value = 4
    assert lab.controller.viewing == 4 and "Step 4" in lab.timeline.caption.value
    curve = lab.surrogate_panel.curve
    grid = LINE.slice1d("x", resolution=200)
    np.testing.assert_allclose(curve.mean_line.get_ydata(), lab.study.surrogate(step=4).predict(grid.points).mean)
    assert len(curve.points.get_offsets()) == len(lab.study.finished_before(4)) == 4
    # The branches' best-so-far marks the step viewed: solid up to it, faded after it.
    solid, faded = lab.timeline.ax.lines[:2]
    assert solid.get_xdata().max() == 4 and faded.get_alpha() < 1 and faded.get_xdata().min() == 4
    assert any(line.get_label() == "step 4" for line in lab.timeline.ax.lines)
    lab.timeline.live.value = True   # back to the present
    assert lab.controller.viewing is None and len(curve.points.get_offsets()) == 6
    assert len(lab.timeline.ax.lines) == 1 and all(float(t).is_integer() for t in lab.timeline.ax.get_xticks())


def test_a_step_of_the_initial_design_says_why_there_is_no_belief(present_lab):
    # The caption said "what bo believed when it proposed trial 1" and the Model tab showed the
    # refusal of Study.surrogate ("`step` of Study.surrogate must be the number of a trial ...").
    lab = present_lab
    lab.travel(1)
    said = "one of bo's 3 quasi-random initial points, chosen without a model: bo's model proposed from trial 3 on"
    assert lab.surrogate_panel.message.value == f"<i>Trial 1 was {said}.</i>"
    caption = lab.timeline.caption.value
    assert f"<b>Step 1</b>: trial 1 was {said}; 1 trial had finished then;" in caption
    assert "believed" not in caption and not lab.errors.errors
    lab.travel(None)  # the shared Lab back at the present


def test_steps_no_model_proposed_say_how_they_were_chosen():
    early = lab_after(quad, LINE, 2, seed=1, optimizer_settings=FAST)  # the design not done yet: no count
    early.travel(1)
    assert early.surrogate_panel.message.value == ("<i>Trial 1 was one of bo's quasi-random initial points, chosen "
                                                   "without a model: bo's model proposes once its initial design is "
                                                   "done.</i>")
    model_free = lab_after(quad, LINE, 3, optimizer="random", seed=0)
    model_free.travel(2)
    assert model_free.surrogate_panel.message.value == "<i>Trial 2 was proposed by random, which has no model of " \
                                                       "the objective.</i>"
    assert "<b>Step 2</b>: trial 2 was proposed by random, which has no model of the objective; 2 trials had " \
           "finished then" in model_free.timeline.caption.value
    model_free.controller.evaluate({"x": 0.5})
    model_free.travel(3)
    assert model_free.surrogate_panel.message.value == "<i>Trial 3 was yours (manual): no model proposed it, so " \
                                                       "there is no belief to show.</i>"
    assert not early.errors.errors and not model_free.errors.errors


def test_fork_continues_on_a_branch_and_keeps_the_main_line(lab):
    main = lab.study
    lab.travel(4)
    branch = lab.fork(optimizer="bo", settings={**FAST, "acquisition": "ucb", "beta": 4.0})
    assert lab.study is branch and list(lab.branches) == ["main", "fork@4"]  # bo then and now: not in the name
    assert [t.params for t in branch.trials] == [t.params for t in main.trials[:4]]
    assert branch.optimizer.acquisition == "ucb" and len(main.trials) == 6
    lab.step()
    assert len(branch.trials) == 5 and len(lab.timeline.ax.lines) == 2
    lab.timeline.branch.value = "main"   # the branch list switches back
    assert lab.study is main and lab.timeline.step.max == 6


def test_fork_button_uses_the_optimizer_tab_choice(lab):
    lab.optimizer_panel.choice.value = "sobol"
    lab.timeline.live.value = False
    lab.timeline.step.value = 3
    lab.timeline.fork_button.click()
    assert not lab.errors.errors and lab.study.optimizer.name == "sobol" and len(lab.study.trials) == 3
    assert lab.branch_name == "fork@3 sobol"


def test_a_forks_name_shows_the_optimizer_only_when_it_is_another(lab):
    # "Fork here" with the Optimizer tab on the optimizer running (its default) was named "fork@6 bo",
    # as if the branch ran another optimizer than main's.
    lab.timeline.fork_button.click()
    lab.switch_branch("main")
    lab.travel(4)
    lab.timeline.fork_button.click()
    lab.switch_branch("main")
    lab.study.switch_optimizer("sobol")  # main: bo up to trial 5, sobol from here
    lab.run(2)
    lab.fork(7, "bo")
    lab.switch_branch("main")
    lab.fork(4, "sobol")
    assert list(lab.branches) == ["main", "fork@6", "fork@4", "fork@7 bo", "fork@4 sobol"] and not lab.errors.errors
    assert [b.optimizer.name for b in lab.branches.values()] == ["sobol", "bo", "bo", "bo", "sobol"]


def test_fork_study_takes_what_was_known_and_the_optimizer_then():
    study = Study(LINE, "random", seed=0)
    study.run(quad, n_trials=3)
    study.switch_optimizer("sobol")
    running = study.ask()          # trial 3 asked, still running while 4 is asked and told
    study.tell(study.ask(), 0.5)
    study.tell(running, 0.25)
    fork = fork_study(study, 4)
    assert fork.study.optimizer.name == "sobol" and list(fork.kept) == [0, 1, 2]
    assert fork_study(study, 1).study.optimizer.name == "random"
    assert list(fork_study(study, 5).kept) == [0, 1, 2, 4, 3]   # now: every finished trial, in finishing order
    with pytest.raises(InvalidParameterError, match=r"`step` of fork_study must be an int in \[0, 5\]; got 6"):
        fork_study(study, 6)


def test_each_time_travel_action_redraws_the_lab_once(lab):
    calls = []
    original = lab.refresh
    lab.refresh = lambda: (calls.append(1), original())[1]
    lab.timeline.live.value = False  # the slider is at the present: leaving live views the last step
    lab.timeline.step.value = 3
    lab.fork()
    lab.switch_branch("main")
    assert len(calls) == 4 and lab.timeline.live.value and lab.controller.viewing is None


def test_the_timeline_draws_plain_best_so_far_curves():
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.timeline_panel import TimelinePanel

    panel = TimelinePanel(ErrorLog())
    panel.update({"main": np.array([3.0, 2.0, 2.0, 1.0]), "fork@2": np.array([3.0, 2.0, 0.5])}, "main", 4)
    assert list(panel.branch.options) == ["main", "fork@2"] and panel.step.max == 4 and len(panel.ax.lines) == 2


def test_the_controller_says_what_was_known_at_a_past_step():
    from interactive_hpo.ui.controller import LabController

    study = Study(LINE, "bo", seed=1, optimizer_settings=FAST)  # the ``lab`` fixture's, without the Lab's widgets
    study.run(quad, n_trials=6, progress=False)
    past = LabController(study, quad).past(4, study.history())
    assert np.isnan(past.history.values).sum() == len(study.trials) - 4  # later trials blanked
    assert past.view is not None and past.why == "" and "Step 4" in past.caption
    np.testing.assert_array_equal(past.proposal, study.trials[4].x)


def test_a_bad_step_is_refused_and_the_step_viewed_stays(lab):
    # A step of -1 used to be stored: the error showed, and every later redraw (each Step) failed again.
    for n_trials, step in enumerate([-1, 2.5, "3", True], start=7):  # one Lab for the four: a Step each
        lab.travel(3)
        with pytest.raises(InvalidParameterError, match=r"`step` of Lab.travel must be an int in \[0, inf\)"):
            lab.travel(step)
        assert lab.controller.viewing == 3, step
        lab.travel(None)
        lab.step_button.click()
        assert not lab.errors.errors and len(lab.study.trials) == n_trials and lab.controller.viewing is None, step


def test_a_manual_trials_step_shows_and_forks_what_was_known_when_it_was_added(lab):
    # A manual trial has no ask in the journal: its step's context ran to the end, so scrubbing
    # to it said "what manual believed ... from 9 finished trials" and "Fork here" at it copied
    # the trials that came after it into the branch.
    lab.manual_panel.fields["x"].value = 0.3
    lab.manual_panel.evaluate.click()  # trial 6
    lab.run(2)
    assert lab.study.finished_before(6) == list(range(6)) and lab.study.finished_before(7) == list(range(7))
    lab.travel(6)
    caption = lab.timeline.caption.value
    assert "trial 6 was yours (manual), not a proposal; 6 trials had finished then" in caption
    assert "believed" not in caption and not lab.errors.errors
    branch = lab.fork(6)
    assert [t.params for t in branch.trials] == [t.params for t in lab.branches["main"].trials[:6]]


def test_an_undone_manual_trials_number_is_the_next_trials_context(lab):
    lab.manual_panel.evaluate.click()  # trial 6, withdrawn: its number is reused
    lab.undo_button.click()
    lab.step()
    assert lab.study.trials[6].source == "bo" and lab.study.finished_before(6) == list(range(6))


def test_step_and_run_bring_the_model_back_to_the_present(lab):
    # Viewing step 3, a Step left the Model tab on step 3 (live unticked, the new trial not drawn).
    lab.timeline.live.value = False
    lab.timeline.step.value = 3
    assert "showing step 3" in lab.status.value
    lab.step_button.click()
    assert lab.controller.viewing is None and lab.timeline.live.value and lab.timeline.step.value == 7
    assert "showing step" not in lab.status.value and "Step 3" not in lab.timeline.caption.value
    assert len(lab.surrogate_panel.curve.points.get_offsets()) == 7
    lab.travel(2)  # from code too: the timeline shows the step, so Fork here forks there
    assert not lab.timeline.live.value and lab.timeline.step.value == 2 and "showing step 2" in lab.status.value
    lab.run(2)
    assert lab.controller.viewing is None and lab.timeline.live.value and not lab.errors.errors


def test_a_step_viewed_during_a_run_stays_for_the_rest_of_the_run(lab):
    # Moving the slider while a run is going is deliberate: the later trials do not pull it back.
    seen = []
    for trial in lab.controller.steps(3):
        if trial.number == 6:
            lab.timeline.step.value = 4
        seen.append(lab.controller.viewing)
    assert seen == [4, 4, 4] and lab.timeline.step.value == 4 and not lab.timeline.live.value


def test_your_own_trials_and_undo_bring_the_model_back_to_the_present(lab):
    # Undo while viewing the withdrawn manual trial's step raised IndexError in the redraw.
    lab.manual_panel.evaluate.click()  # trial 6
    lab.travel(6)
    lab.undo_button.click()
    assert not lab.errors.errors and lab.controller.viewing is None and lab.timeline.step.max == 6
    lab.travel(3)
    lab.controller.evaluate({"x": 0.5})  # what a click on the model does
    assert lab.controller.viewing is None and lab.timeline.live.value


@pytest.mark.parametrize("step", [0, 3])
def test_a_past_step_draws_solid_only_what_was_known_when_its_trial_was_proposed(step):
    # The solid curve ran to trial ``step`` inclusive: the proposal's own value (0.5 here, at
    # step 3) was drawn as known, beside a model "from the 3 trials finished before it".
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.timeline_panel import TimelinePanel

    panel = TimelinePanel(ErrorLog())
    best = np.array([3.0, 2.0, 2.0, 0.5, 0.5])
    panel.update({"main": best}, "main", 5, step=step)
    *curves, marker = panel.ax.lines
    assert marker.get_label() == f"step {step}"
    faded = curves[-1]
    assert faded.get_alpha() < 1 and list(faded.get_xdata()) == list(range(step, 5))
    if step == 0:  # nothing known yet: only the faded curve, which names the branch
        assert len(curves) == 1 and faded.get_label() == "main"
    else:  # held at the best before the step, up to the step line
        solid = curves[0]
        assert list(solid.get_xdata()) == [0, 1, 2, 3] and list(solid.get_ydata()) == [3.0, 2.0, 2.0, 2.0]
        assert faded.get_color() == solid.get_color()


@pytest.mark.parametrize("step", [None, 2])
def test_a_branch_of_one_trial_is_drawn_as_a_dot(step):
    """A step line through one point has no length: a branch of one trial (notebook 12) was listed
    in the legend and drawn nowhere; so was the faded proposal of the last step viewed."""
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.timeline_panel import TimelinePanel

    panel = TimelinePanel(ErrorLog())
    panel.update({"main": np.array([3.0, 2.0, 1.0]), "one": np.array([0.5]), "late": np.array([np.nan, np.nan, 4.0])},
                 "main", 3, step=step)
    dotted = {line.get_label(): line.get_marker() for line in panel.ax.lines}
    assert dotted["one"] == dotted["late"] == "o" and dotted["main"] in ("None", None, "")
    if step is not None:   # the proposal of the last step, faded and alone
        faded = [line for line in panel.ax.lines if line.get_alpha() is not None and line.get_alpha() < 1]
        assert [line.get_marker() for line in faded] == ["o"]


def test_the_curves_grow_in_place_and_are_drawn_anew_only_when_the_branches_change():
    # Each redraw cleared the Axes and plotted every branch again, its legend searched for the
    # "best" place at each draw: a quarter of a Run's redraw.
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.timeline_panel import TimelinePanel

    main, fork = np.minimum.accumulate(np.arange(12.0)[::-1] % 5), np.arange(6.0)[::-1]
    panel = TimelinePanel(ErrorLog())

    def seen(ax):
        return ([(line.get_label(), line.get_xdata().tolist(), line.get_ydata().tolist()) for line in ax.lines],
                ax.get_xlim(), ax.get_ylim(), [t.get_text() for t in ax.get_legend().get_texts()])

    panel.update({"main": main[:3]}, "main", 3)
    (line,) = panel.ax.lines
    for n in (5, 12):  # a Run's trials
        panel.update({"main": main[:n]}, "main", n)
        fresh = TimelinePanel(ErrorLog())
        fresh.update({"main": main[:n]}, "main", n)
        assert list(panel.ax.lines) == [line] and seen(panel.ax) == seen(fresh.ax)
    assert panel.ax.get_legend()._loc != 0  # a corner, not "best" (code 0)
    panel.update({"main": main, "fork@2": fork}, "fork@2", 6)  # a branch more: drawn anew
    assert len(panel.ax.lines) == 2 and line not in panel.ax.lines


def test_a_curve_without_values_says_why_on_the_plot():
    """Hyperband's first full-budget trial comes late: the timeline was blank axes around a
    lone 0, with a legend for no line and -0.04..0.04 on its y axis (a418)."""
    from interactive_hpo.objectives import Branin, MultiFidelity
    from interactive_hpo.ui import Lab

    lab = Lab(MultiFidelity(Branin()), optimizer="hyperband", seed=0)
    for _ in range(3):
        lab.step_button.click()
    timeline = lab.timeline
    assert not lab.errors.errors and timeline.ax.get_legend() is None
    assert " ".join(timeline._empty.get_text().split()) == (
        "no trial at the full budget (1) yet: the curve counts full evaluations, the lower rungs are in the "
        "multi-fidelity plots below")
    assert timeline.ax.get_xlim() == (-0.5, 2.5)  # the slider's three trials
    assert not timeline.ax.yaxis.get_major_ticks()[0].label1.get_visible()
    # Values arrive, several at once (a Run's redraw): the note goes, the legend and the y axis's
    # numbers come back, and the x axis follows the trials again (it stayed at the empty plot's: r438).
    timeline.update({"main": np.array([np.nan, np.nan, 3.0, 2.0])}, "main", 4)
    assert timeline._empty.get_text() == "" and timeline.ax.get_legend() is not None
    assert timeline.ax.yaxis.get_major_ticks()[0].label1.get_visible()
    timeline.update({"main": np.r_[np.nan, np.nan, np.linspace(3.0, 1.0, 28)]}, "main", 30)
    assert timeline.ax.get_xlim()[1] >= 29


def test_a_hypervolume_curve_without_a_reference_says_so():
    from interactive_hpo import Float, SearchSpace
    from interactive_hpo.ui.lab_goals import empty_curve_note

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0, directions=["minimize"] * 2)
    study.run(lambda p: (p["x"], 1 - p["x"]), n_trials=2, progress=False)
    assert empty_curve_note(study, None) == "hypervolume: waiting for the reference point (fixed in the Pareto tab)"
    assert empty_curve_note(Study(SearchSpace([Float("x", 0.0, 1.0)]), "random"), None) == "no trial completed yet"
