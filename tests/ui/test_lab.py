"""The Lab, driven headlessly: every control through ``.click()`` and ``.value``, asserting on
the study and on the plotted data (DESIGN.md section 4)."""

from __future__ import annotations

import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, Study, TrialState  # noqa: E402
from interactive_hpo.objectives import Forrester, FunctionObjective  # noqa: E402
from interactive_hpo.plots.surrogate_maps import PLAIN_STD, WARPED_STD  # noqa: E402
from interactive_hpo.ui import Lab, lab_redraw, surrogate_panel  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after, press, quad  # noqa: E402

PLANE = SearchSpace([Float("a", -1.0, 1.0), Float("b", 1e-3, 1.0, log=True), Categorical("k", ["u", "v"])])


def bowl(params):
    return (params["a"] - 0.3) ** 2 + (np.log10(params["b"]) + 1.5) ** 2 + (params["k"] == "v")



pytestmark = pytest.mark.usefixtures("one_torch_thread")


def plane_lab(**kwargs):
    return Lab(FunctionObjective(bowl, PLANE), seed=0, optimizer_settings=FAST, **kwargs)


def plane_lab_after(n_trials):
    """``plane_lab()`` after ``n_trials``, run beforehand (see ``lab_after``)."""
    return lab_after(FunctionObjective(bowl, PLANE), PLANE, n_trials, seed=0, optimizer_settings=FAST)


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_step_redraws_status_history_and_the_model_heatmaps():
    lab = plane_lab()
    assert lab.status.value.startswith("Trials: 0") and "two completed trials" in lab.surrogate_panel.message.value
    for _ in range(4):
        lab.step_button.click()
    study = lab.study
    assert len(study.trials) == 4 and lab.status.value.startswith(f"Trials: 4 &middot; best {study.best_value:.6g}")
    best_line = lab.history_panel.best_plot
    assert best_line is not None and lab.history_panel.table_rows[0][0] == 0  # sorted by number
    # The heatmap shows the model's mean over the slice through the best trial.
    panel = lab.surrogate_panel
    assert panel.message.value == "" and panel.pair == ("a", "b")
    assert panel.anchor()["k"] == study.best_trial.params["k"]
    grid = study.space.slice2d("a", "b", at=panel.anchor(), resolution=surrogate_panel.MAP_RESOLUTION)
    belief = study.surrogate().predict(grid.points.reshape(-1, 3))
    np.testing.assert_allclose(panel.maps.images[0].get_array().reshape(grid.shape), belief.mean.reshape(grid.shape))
    # The acquisition map holds log-EI's true values (the readout under the mouse), its colours its top units.
    np.testing.assert_allclose(panel.maps.images[2].get_array().ravel(), belief.acquisition)
    assert panel.maps.images[2].get_clim()[1] == belief.acquisition.max()
    assert len(panel.maps.points[0].get_offsets()) == 4
    # Minimizing, the low mean is bright, as the best trials are on parallel coordinates.
    assert panel.maps.images[0].get_cmap().name == "viridis_r"
    assert panel.maps.colorbars[0].ax.get_xlabel() == "lower is better (bright)"
    # The marked proposal is what the next Step evaluates.
    star = panel.maps.proposals[0].get_offsets()[0]
    lab.step_button.click()
    assert study.trials[-1].params["a"] == pytest.approx(star[0], abs=1e-9)


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_the_model_can_be_shown_as_the_gp_sees_it_after_its_output_warp():
    lab = plane_lab_after(5)
    panel = lab.surrogate_panel
    assert not panel.as_seen.value  # the objective's units by default
    grid = lab.study.space.slice2d("a", "b", at=panel.anchor(), resolution=surrogate_panel.MAP_RESOLUTION)
    view = lab.study.surrogate()
    panel.as_seen.value = True
    seen = view.model_units().predict(grid.points.reshape(-1, 3)).mean.reshape(grid.shape)
    np.testing.assert_allclose(panel.maps.images[0].get_array().reshape(grid.shape), seen)
    # Not the objective's units: both maps say so (the std's title said "std (epistemic)" alone).
    assert [ax.get_title() for ax in panel.maps.axes[:2]] == ["mean, as the GP sees it", "std, as the GP sees it"]
    assert panel.maps.colorbars[1].ax.get_xlabel() == WARPED_STD
    values = np.array([t.value for t in lab.study.trials])
    assert np.ptp(seen) < 2.0 < np.ptp(values) * 10  # warped units (about one), not the objective's
    panel.as_seen.value = False
    objective = view.predict(grid.points.reshape(-1, 3)).mean.reshape(grid.shape)
    np.testing.assert_allclose(panel.maps.images[0].get_array().reshape(grid.shape), objective)
    # The std stays in the GP's units, and says so: in the objective's, its band went through the
    # warp's inverse, steepest at the worst values, and the std peaked in a ring beside the worst
    # trial, dark far from every trial (the tour's SVM map), the opposite of epistemic uncertainty.
    # In the objective's units the warped GP's map is its posterior median (audit a404).
    assert [ax.get_title() for ax in panel.maps.axes[:2]] == ["median", "std, as the GP sees it"]
    assert panel.maps.colorbars[1].ax.get_xlabel() == WARPED_STD == "warped units: small near trials"
    # Each colour bar's label under its own map: "warped units: smallest where the GP has data"
    # was 276 px under a 230 px map, and ran under the next one's label (notebook 15's Lab).
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(panel.figure.fig).get_renderer()
    panel.figure.fig.draw(renderer)
    for ax, colorbar in zip(panel.maps.axes, panel.maps.colorbars, strict=True):
        label = colorbar.ax.xaxis.label.get_window_extent(renderer)
        assert ax.bbox.x0 <= label.x0 and label.x1 <= ax.bbox.x1, colorbar.ax.get_xlabel()
    std_seen = view.model_units().predict(grid.points.reshape(-1, 3)).std.reshape(grid.shape)
    np.testing.assert_allclose(panel.maps.images[1].get_array().reshape(grid.shape), std_seen)


def test_the_curve_keeps_its_y_labels_on_the_figure_and_says_when_it_shows_the_gps_units():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # Maximized Forrester: the layout measured narrow y ticks, drew wider ones, and "objective"
    # fell off the figure's left edge.
    lab = Lab(Forrester(), seed=0, optimizer_settings={"n_initial": 3}, direction="maximize")
    lab.run(5)
    curve, box = lab.surrogate_panel.curve, lab.surrogate_panel.as_seen
    renderer = FigureCanvasAgg(curve.ax.figure).get_renderer()
    curve.ax.figure.draw(renderer)
    assert all(ax.yaxis.label.get_window_extent(renderer).x0 >= 0.0 for ax in (curve.ax, curve.acquisition_ax))
    box.value = True
    assert "as the GP sees it" in curve.ax.get_ylabel()
    box.value = False
    assert curve.ax.get_ylabel() == "objective"


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_trials_off_the_slice_are_faded():
    lab = plane_lab_after(5)
    alpha = lab.surrogate_panel.maps.points[0].get_facecolors()[:, 3]
    k = [t.params["k"] for t in lab.study.trials]
    on_slice = np.array([value == lab.surrogate_panel.anchor()["k"] for value in k])
    assert np.all(alpha[on_slice] == 1.0) and np.all(alpha[~on_slice] < 0.5)


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_pair_dropdowns_and_sliders_redraw_the_slice():
    lab = plane_lab_after(5)
    panel = lab.surrogate_panel
    panel.y_choice.value = "k"
    assert panel.pair == ("a", "k") and panel.anchors["b"].layout.display is None
    assert panel.maps.axes[0].get_yscale() == "linear"
    assert panel.maps.images[0].get_array().size == surrogate_panel.MAP_RESOLUTION * 2
    panel.x_choice.value = "k"  # the other axis's parameter: the two swap
    assert panel.pair == ("k", "a")
    before = panel.maps.images[0].get_array().copy()
    panel.anchors["b"].value = 0.5
    assert not panel.follow_best.value  # moving a slider stops following the incumbent
    assert not np.allclose(panel.maps.images[0].get_array(), before)


def test_clicking_a_heatmap_evaluates_that_point_as_a_manual_trial():
    lab = plane_lab_after(4)
    panel = lab.surrogate_panel
    press(panel.figure.fig, panel.maps.axes[1], 0.25, 0.01)
    trial = lab.study.trials[-1]
    assert trial.source == "manual" and trial.value == pytest.approx(bowl(trial.params))
    assert trial.params["a"] == pytest.approx(0.25, abs=0.02) and trial.params["b"] == pytest.approx(0.01, rel=0.1)
    assert "best manual" in lab.manual_panel.score.value and not lab.undo_button.disabled
    lab.undo_button.click()
    assert len(lab.study.trials) == 4 and lab.undo_button.disabled
    # A press in the margin, half a cell past a = 1 (code's positions there are refused), means the edge.
    press(panel.figure.fig, panel.maps.axes[0], 1.01, 0.01)
    assert lab.study.trials[-1].params["a"] == 1.0 and not lab.errors.errors


def test_one_parameter_shows_the_curve_and_a_click_on_it_adds_a_trial():
    lab = lab_after(quad, LINE, 5, seed=1, optimizer_settings=FAST)
    curve = lab.surrogate_panel.curve
    grid = LINE.slice1d("x", resolution=200)
    np.testing.assert_allclose(curve.mean_line.get_ydata(), lab.study.surrogate().predict(grid.points).mean)
    assert len(curve.bands) == 2 and np.isfinite(curve.markers[0].get_xdata()[0])
    press(lab.surrogate_panel.figure.fig, curve.acquisition_ax, -1.5, np.mean(curve.acquisition_ax.get_ylim()))
    assert lab.study.trials[-1].source == "manual" and lab.study.trials[-1].params["x"] == pytest.approx(-1.5, abs=0.01)


def test_run_shows_progress_and_stops_between_trials():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.n_trials.value = 6
    lab.run_button.click()
    assert len(lab.study.trials) == 6 and (lab.progress.value, lab.progress.max) == (6, 6)
    assert lab.progress.description == "6/6"  # the count beside the bar: after a Stop, how many of the Run's ran
    lab.study.subscribe(lambda event: lab.stop_button.click() if len(event.study.trials) == 8 else None)
    lab.stop_button.disabled = False  # the Stop button is live during a run; here the run is synchronous
    lab.run(10)
    assert len(lab.study.trials) == 8 and lab.stop_button.disabled and not lab.step_button.disabled
    assert lab.progress.description == "2/10"  # stopped after 2 of the 10: the bar alone did not say
    lab.reset_button.click()  # a new, empty study: no Run of it yet (the last one's "2/10" stayed, a418)
    assert (lab.progress.value, lab.progress.description) == (0, "")


def test_the_background_run_yields_between_trials_and_can_be_stopped():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)

    async def run_and_stop():
        task = asyncio.ensure_future(lab._run_in_background(50))
        while len(lab.study.trials) < 3:
            await asyncio.sleep(0)  # the run gives the loop a turn after every trial
        assert lab.stop_button.disabled is False and lab.step_button.disabled
        lab.stop_button.click()
        await task

    asyncio.run(run_and_stop())
    assert 3 <= len(lab.study.trials) <= 4 and lab.stop_button.disabled


def test_manual_form_evaluates_and_errors_land_in_the_app():
    def fragile(params):
        if params["x"] > 1.5:
            raise RuntimeError("the model diverged")
        return quad(params)

    lab = Lab(fragile, space=LINE, optimizer="random", seed=0)
    lab.manual_panel.fields["x"].value = 0.5
    lab.manual_panel.evaluate.click()
    assert lab.study.trials[-1].params == {"x": 0.5} and lab.study.trials[-1].source == "manual"
    lab.manual_panel.fields["x"].value = 1.9
    lab.manual_panel.evaluate.click()
    assert len(lab.study.trials) == 1 and "the model diverged" in lab.manual_panel.error.value
    lab.manual_panel.fields["x"].value = 7.0
    lab.manual_panel.evaluate.click()
    assert isinstance(lab.errors.errors[-1], InvalidParameterError) and "[-2.0, 2.0]" in lab.manual_panel.error.value
    lab.study.enqueue({"x": 1.9})
    lab.step_button.click()  # a failing objective in a Step is a FAILED trial, not an app error
    assert lab.study.trials[-1].state is TrialState.FAILED and len(lab.errors.errors) == 2


def test_switching_optimizer_replays_the_trials():
    lab = Lab(quad, space=LINE, optimizer="random", seed=0)
    lab.run(4)
    assert "no model" in lab.surrogate_panel.message.value
    lab.optimizer_panel.choice.value = "bo"
    lab.optimizer_panel.fields["acquisition"].value = "ucb"
    lab.optimizer_panel.fields["beta"].value = 4.0
    lab.optimizer_panel.fields["num_restarts"].value = 2
    lab.optimizer_panel.apply.click()
    optimizer = lab.study.optimizer
    assert optimizer.name == "bo" and optimizer.acquisition == "ucb" and optimizer.beta == 4.0
    assert optimizer.n_seen == 4 and lab.status.value.endswith("optimizer: bo")
    assert lab.surrogate_panel.message.value == "" and lab.surrogate_panel.curve.acquisition_ax.get_ylabel() == "ucb"
    lab.optimizer_panel.fields["beta"].value = -1.0
    lab.optimizer_panel.apply.click()
    shown = lab.optimizer_panel.apply_error.value  # under Switch, where the user clicked (ErrorLog.spot)
    assert "`beta` of GaussianProcessBO must be" in shown and lab.study.optimizer is optimizer


def test_editing_the_space_carries_the_trials_that_fit():
    lab = Lab(quad, space=LINE, optimizer="random", seed=3)
    lab.run(8)
    row = lab.space_editor.rows[0]
    row.low.value = "0"
    lab.space_editor.apply.click()
    study = lab.study
    assert study.space == SearchSpace([Float("x", 0.0, 2.0)])
    assert all(t.params["x"] >= 0 for t in study.trials) and 0 < len(study.trials) < 8
    assert "Carried over" in lab.notes.value and "left behind" in lab.notes.value
    assert lab.surrogate_panel.space == study.space and lab.manual_panel.space == study.space
    lab.step_button.click()
    assert len(lab.study.trials) == len(study.trials)


def test_editing_the_space_keeps_the_pruner_and_the_queue_and_says_which_params_are_left_behind():
    # Apply dropped the pruner and the queue, and said nothing of either.
    study = Study(LINE, "random", seed=3, pruner="median")
    study.run(quad, n_trials=3)
    study.enqueue({"x": -1.5})
    study.enqueue({"x": 1.5})
    lab = Lab(study, quad)
    lab.space_editor.rows[0].low.value = "0"
    lab.space_editor.apply.click()
    assert lab.study is not study and repr(lab.study.pruner) == repr(study.pruner)
    assert lab.study.queued == [{"x": 1.5}] and "Queued params {&#x27;x&#x27;: -1.5} left behind" in lab.notes.value


def test_editing_the_space_says_which_warm_start_sources_are_left_behind():
    source = Study(LINE, "random", seed=0)
    source.run(quad, n_trials=4)
    lab = Lab(quad, space=LINE, optimizer="bo", seed=3, warm_start={"old": source},
              optimizer_settings={"n_initial": 2})
    row = lab.space_editor.rows[0]
    row.low.value, row.high.value = "5", "6"  # no trial of the source fits
    lab.space_editor.apply.click()
    assert lab.study.warm_start == () and "Warm-start source &#x27;old&#x27; left behind" in lab.notes.value


def test_a_fork_to_an_optimizer_without_warm_starts_says_it_leaves_the_sources_behind():
    source = Study(LINE, "random", seed=0)
    source.run(quad, n_trials=4)
    lab = Lab(quad, space=LINE, optimizer="bo", seed=3, warm_start={"old": source},
              optimizer_settings={"n_initial": 2})
    lab.run(2)
    lab.fork(2, "random", {})
    assert lab.study.warm_start == () and "Warm-start source &#x27;old&#x27; left behind" in lab.notes.value


def test_reset_starts_an_empty_study_and_keeps_the_journal(tmp_path):
    path = tmp_path / "lab.jsonl"
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0, storage=path)
    lab.run(3)
    lab.reset_button.click()
    assert len(lab.study.trials) == 0 and lab.study.optimizer.name == "sobol"
    assert lab.study.storage == str(tmp_path / "lab-2.jsonl")  # a journal of its own, beside the old one
    assert str(path) in lab.notes.value and len(Study.load(path).trials) == 3
    assert lab.status.value.startswith("Trials: 0")
    lab.step()
    lab.space_editor.rows[0].high.value = "1.5"
    lab.space_editor.apply.click()
    assert lab.study.storage == str(tmp_path / "lab-3.jsonl") and "journaled in" in lab.notes.value
    assert len(Study.load(tmp_path / "lab-3.jsonl").trials) == len(lab.study.trials)


def test_lab_over_an_existing_study_and_a_bundled_task():
    study = Study(LINE, "random", seed=0)
    study.run(quad, n_trials=2)
    lab = Lab(study, quad)
    assert lab.study is study and lab.status.value.startswith("Trials: 2")
    # The space first, as Study(space, ...) is written: the same study as Lab(quad, space=LINE).
    first = Lab(LINE, quad, optimizer="random", seed=0)
    assert first.study.space is LINE and first._objective is quad
    pytest.importorskip("sklearn")
    task_lab = Lab(task="ridge_diabetes", seed=0, optimizer="random")
    assert task_lab.study.direction == "maximize" and "alpha" in task_lab.study.space.names[0]


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((quad,), {}, "`space` of Lab must be a SearchSpace (the objective has no .space); got None."),
    ((Study(LINE),), {}, "`objective` of Lab must be a callable objective(params) -> float for Lab(study, objective)"),
    ((3,), {}, "`study_or_objective` of Lab must be a Study, or an objective callable objective(params); got 3."),
    ((quad,), {"task": "svm_digits"}, "`task` of Lab must be given alone (not with an objective or a study)"),
    ((), {"task": "svm_digit"}, "`task` of Lab must be one of ['gradient_boosting_wine', "),  # named make_task's `name`
    ((), {"task": "svm_digit"}, "Did you mean 'svm_digits'?"),
    ((), {"task": "svm_digits", "seed": -1}, "`seed` of Lab must be a non-negative int"),
    # A study keeps its own: these were ignored without a word.
    ((Study(LINE), quad), {"seed": 1}, "`seed` of Lab must be None with an existing study, which keeps its own; got 1"),
    ((Study(LINE), quad), {"storage": "run.jsonl"}, "`storage` of Lab must be None with an existing study"),
    ((Study(LINE), quad), {"optimizer": "random"}, "Give it to the study when you make it (Study(..., optimizer=...))"),
    ((Study(LINE), quad), {"direction": "maximize"}, "`direction` of Lab must be None with an existing study"),
    # The objective first and the space second: told the way out.
    ((quad, LINE), {}, "`objective` of Lab must be None unless the first argument is a Study; got SearchSpace("),
    ((quad, LINE), {}, "For a space and a function: Lab(space, f) or Lab(f, space=space)."),
    # Named "`seed` of Study", "`optimizer` of Study", ...: the study the Lab makes.
    ((quad,), {"space": LINE, "seed": "0"}, "`seed` of Lab must be a non-negative int, a numpy.random.Generator or "
                                            "None; got '0'."),
    ((quad,), {"space": LINE, "optimizer": "baysian"}, "`optimizer` of Lab must be one of ['asha', 'bo', "),
    ((quad,), {"space": LINE, "optimizer": "BO"}, "; got 'BO'. Did you mean 'bo'?"),
    ((quad,), {"space": LINE, "optimizer_settings": {"n_intial": 3}}, "`optimizer_settings` of Lab must be keywords "
                                                                       "among ['acquisition', "),
    ((quad,), {"space": LINE, "optimizer_settings": 3}, "`optimizer_settings` of Lab must be a dict or None; got 3."),
    ((quad,), {"space": LINE, "direction": "maximise"}, "`direction` of Lab must be one of ['minimize', 'maximize']; "
                                                        "got 'maximise'. Did you mean 'maximize'?"),
    ((quad,), {"space": LINE, "directions": ["minimize", "minimize"], "optimizer": "bo"},
     "`optimizer` of Lab must be an optimizer that serves several objectives for minimize objective 0, minimize "
     "objective 1; got 'bo'. These do: ['asha', "),
    ((quad,), {"space": LINE, "optimizer": 5}, "`optimizer` of Lab must be a registered optimizer name or an "),
    ((quad,), {"space": LINE, "warm_start": 5}, "`warm_start` of Lab must be a study, a list of studies or a dict "),
])
def test_bad_lab_arguments_raise_where_typed(args, kwargs, message):
    with pytest.raises(InvalidParameterError) as info:
        Lab(*args, **kwargs)
    assert message in str(info.value)


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_a_slider_snapped_by_the_browser_keeps_following_the_best_trial():
    lab = plane_lab_after(4)
    panel = lab.surrogate_panel
    slider = panel.anchors["b"]
    slider.value = slider.value * 10 ** (slider.step / 2)  # the front end rounds to its step and echoes it
    assert panel.follow_best.value
    slider.value = slider.value * 10 ** (3 * slider.step)  # a real move
    assert not panel.follow_best.value


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_late_echoes_of_earlier_slider_positions_keep_following_the_best_trial(monkeypatch):
    """After ``lab.run(n)`` the browser sends back earlier positions of a slider the panel moved
    to each new incumbent; compared with the latest position only, they unticked "slice through
    the best trial" without the user touching anything (issue 25, the second bug)."""
    lab = plane_lab()
    panel = lab.surrogate_panel
    slider = panel.anchors["b"]
    placed = []
    slider.observe(lambda change: placed.append(change["new"]), names="value")
    monkeypatch.setattr(lab_redraw, "REDRAW_EVERY", 0.0)  # trials as slow as a redraw: each one redrawn
    lab.run(8)
    assert len(set(placed)) >= 2, "the test needs the incumbent to move"
    for stale in placed[:-1]:  # the echoes, oldest first, after the run
        slider.value = stale
    assert panel.follow_best.value
    slider.value = slider.value * 10 ** (3 * slider.step)  # a real move still counts
    assert not panel.follow_best.value


def test_population_optimizers_get_a_live_population_panel():
    lab = Lab(FunctionObjective(bowl, PLANE), optimizer="ga", seed=0, optimizer_settings={"population_size": 4})
    lab.run(6)
    panel = lab.population_panel
    assert panel.widget.layout.display is None and "its population is drawn below" in lab.surrogate_panel.message.value
    assert lab.surrogate_panel.figure.widget.layout.display == "none"  # no model: no empty heatmaps
    snapshot = lab.study.optimizer.population()
    assert len(panel.plot.members.get_offsets()) == 4 and snapshot.generation == 1
    lab.surrogate_panel.y_choice.value = "k"
    assert panel.plot.ax.get_ylabel() == "k"
    assert lab.generation_button.layout.display is None
    lab.generation_button.click()  # the rest of generation 1 (its elite is carried, not asked)
    snapshot = lab.study.optimizer.population()
    assert snapshot.generation == 1 and "unasked" not in snapshot.states and len(lab.study.trials) == 7
    lab.generation_button.click()  # a whole new generation
    assert lab.study.optimizer.population().generation == 2 and len(lab.study.trials) == 10
    lab.optimizer_panel.choice.value = "de"
    lab.optimizer_panel.apply.click()
    lab.optimizer_panel.choice.value = "bo"  # the form follows the choice, not the optimizer shown before
    assert "population_size" not in lab.optimizer_panel.fields
    lab.optimizer_panel.fields["num_restarts"].value = 2
    lab.optimizer_panel.apply.click()
    assert lab.study.optimizer.name == "bo" and not lab.errors.errors
    assert panel.widget.layout.display == "none" and lab.generation_button.layout.display == "none"


@pytest.mark.usefixtures("coarse_maps")  # compared cell by cell or not read: any resolution
def test_a_step_renders_the_model_first_and_nothing_on_a_hidden_tab(monkeypatch):
    from interactive_hpo.ui.figures import LiveFigure

    lab = plane_lab_after(3)
    drawn: list[LiveFigure] = []
    original = LiveFigure.redraw

    def recording(figure):
        if figure.shown:
            drawn.append(figure)
        original(figure)

    monkeypatch.setattr(LiveFigure, "redraw", recording)
    lab.step_button.click()
    assert drawn and drawn[0] is lab.surrogate_panel.figure  # the model before anything else
    history_figures = lab.history_panel.figures
    assert len(history_figures) == 2 and not any(f in drawn for f in history_figures)
    assert all(f.stale for f in history_figures)  # out of date, drawn when their tab is chosen
    drawn.clear()
    lab.tabs.selected_index = 1
    assert drawn == history_figures and not any(f.stale for f in history_figures)
    drawn.clear()
    lab.step_button.click()
    assert drawn == history_figures and lab.surrogate_panel.figure.stale
    lab.tabs.selected_index = 0
    assert not lab.surrogate_panel.figure.stale


def test_model_sliders_report_once_on_release():
    lab = plane_lab()
    sliders = [w for w in lab.surrogate_panel.anchors.values() if hasattr(w, "continuous_update")]
    assert sliders and not any(w.continuous_update for w in sliders)


@pytest.mark.parametrize("scale", [1.0, 1e-5])
def test_model_heatmaps_read_on_a_projector(scale):
    """The figure fits the Lab's tab at 1280 px with the file browser open (797 px, less a
    scrollbar), each map at least 225 px wide (axes labelled once, on the first map), no text on
    another or cut off, even when the values span only 1e-5 (matplotlib's offset text once
    collided with the titles), and the proposal star whole on a bound."""
    from ..figure_layout import assert_clean_layout, assert_markers_whole

    lab = lab_after(lambda p: 0.105 + scale * ((p["a"] - 0.3) ** 2 + p["b"]),
                    SearchSpace([Float("a", -1.0, 1.0), Float("b", 0.0, 1.0)]), 6, seed=0, optimizer_settings=FAST)
    figure = lab.surrogate_panel.figure
    assert_clean_layout(figure.fig, "the model heatmaps")  # its draw lays the figure out
    maps = lab.surrogate_panel.maps
    assert figure.fig.get_size_inches()[0] * figure.fig.dpi <= 797 - 15
    assert all(ax.get_window_extent().width >= 225 for ax in maps.axes)
    assert maps.axes[0].get_xlabel() == "a" and not any(ax.get_xlabel() for ax in maps.axes[1:])
    assert_markers_whole(*maps.proposals)   # whole on a bound
    gap = title_gap(maps.axes[0])
    lab.surrogate_panel.as_seen.value = True  # both maps titled in the GP's units (with "(warped)" they overlapped)
    assert_clean_layout(figure.fig, "the model heatmaps as the GP sees them")
    assert title_gap(maps.axes[0]) == pytest.approx(gap)  # still clear of a star on the top bound


def title_gap(ax):
    """Pixels between the top of ``ax`` and its title, drawn."""
    ax.figure.canvas.draw()
    return ax.title.get_window_extent().y0 - ax.get_window_extent().y1


def test_an_unwarped_gps_std_map_says_it_is_in_the_mean_s_units():
    # Unlabelled, the std's bar was the only one of the three without words (audit a368).
    lab = lab_after(FunctionObjective(bowl, PLANE), PLANE, 4, seed=0,
                    optimizer_settings={**FAST, "output_warp": "none"})
    from ..figure_layout import assert_clean_layout

    assert lab.surrogate_panel.maps.colorbars[1].ax.get_xlabel() == PLAIN_STD
    assert_clean_layout(lab.surrogate_panel.figure.fig, "the model heatmaps with the std's label")


def test_the_fork_button_after_a_switch_goes_on_as_the_study_did():
    plane = SearchSpace([Float("x", -2.0, 2.0), Float("y", -2.0, 2.0)])
    study = Study(plane, "random", seed=0)
    study.run(lambda p: (p["x"] - 0.3) ** 2 + p["y"] ** 2, n_trials=6)
    study.switch_optimizer("ga")
    study.run(lambda p: (p["x"] - 0.3) ** 2 + p["y"] ** 2, n_trials=4)
    lab = Lab(study, lambda p: (p["x"] - 0.3) ** 2 + p["y"] ** 2)
    branch = lab.controller.fork(8, "ga", {})  # the button names the optimizer in charge then
    assert branch.ask().params == study.trials[8].params  # it drew from the first optimizer's seed
    lab.close()


def test_a_trial_of_yours_refused_shows_your_dict_once():
    # It was shown twice: "...; got {'x': 5.0}. The space refuses it: `params` of SearchSpace ...; got {'x': 5.0}".
    lab = Lab(quad, space=LINE, optimizer="sobol", seed=0)
    for params, message in [({"x": 5.0}, "`params` of Lab.evaluate must be a configuration of the search space (a "
                                          "dict of its parameters' values); got {'x': 5.0}. The space refuses it: `x` "
                                          "of the search space must be a finite real number in [-2.0, 2.0]; got 5.0."),
                            ({"X": 1.0}, "`params` of Lab.evaluate must be a dict with keys among ['x']; got "
                                         "{'X': 1.0}. Unknown parameter(s): 'X' (did you mean 'x'?).")]:
        with pytest.raises(InvalidParameterError) as info:
            lab.controller.evaluate(params)
        assert str(info.value) == message and str(info.value).count(repr(params)) == 1
    assert not lab.study.trials
