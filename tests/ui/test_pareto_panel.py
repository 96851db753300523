"""The Lab for studies of several objectives (issue 27, item 4): the Pareto panel, driven
headlessly (Agg; clicks as matplotlib events), and the other panels standing in for one value."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Evaluation, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.capabilities import MultiObjective  # noqa: E402
from interactive_hpo.optimizers.registry import optimizer_class  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.pareto_panel import ParetoPanel  # noqa: E402
from interactive_hpo.ui.pareto_reference import fixed_reference  # noqa: E402

from .lab_helpers import FAST, NOT_CLICKS, lab_after, press  # noqa: E402

SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])
TWO = ["minimize", "maximize"]


def tradeoff(params):
    """A cost to minimize and a score to maximize that pull against each other."""
    return params["a"] + 0.5 * params["b"], np.sqrt(params["a"]) - 0.3 * params["b"]


def capped(params):
    """``tradeoff`` with a constraint: a cost above 0.8 breaks it."""
    cost, score = tradeoff(params)
    return Evaluation((cost, score), constraints=[cost - 0.8])


def sobol_lab(objective=tradeoff, n_trials=0):
    """A Lab over ``n_trials`` Sobol trials, run beforehand (see ``lab_after``)."""
    return lab_after(objective, SQUARE, n_trials, directions=TWO, optimizer="sobol", seed=0)


def test_the_panel_draws_every_trial_the_front_and_the_hypervolume():
    lab = sobol_lab(n_trials=8)
    panel, study = lab.pareto_panel, lab.study
    assert lab.tabs.titles[0] == "Pareto front" and lab.tabs.selected_index == 0 and not lab.errors.errors
    assert panel.volume_info.front.tolist() == [t in study.best_trials for t in study.trials]
    assert np.array_equal(panel.info.values, [t.values for t in study.trials])
    points = np.concatenate([c.get_offsets() for c in panel.front_ax.collections if c.get_label() != "reference point"])
    assert len(points) == 8  # every trial, once
    assert panel.front_ax.patches  # the dominated region, shaded
    curve = panel.volume_ax.get_lines()[0]
    assert len(curve.get_ydata()) == 8 and np.all(np.diff(curve.get_ydata()) >= 0) and curve.get_ydata()[-1] > 0
    assert f"Pareto front: {len(study.best_trials)} trial(s)" in lab.status.value
    assert panel.front_ax.get_xlabel() == "objective 0 (lower is better)"
    legend = [text.get_text() for text in panel.front_ax.get_legend().get_texts()]
    assert f"dominated: hypervolume {panel.volume_info.final_hypervolume:.3g}" in legend  # two: it is the hypervolume


def test_the_reference_point_is_fixed_once_and_stays_through_steps_and_reset():
    lab = sobol_lab(n_trials=4)
    panel = lab.pareto_panel
    assert panel.reference is None and "fixed once 5 trials are feasible" in panel.caption.value
    lab.step()
    fixed = panel.reference.copy()
    values = np.array([t.values for t in lab.study.trials])
    assert np.allclose(fixed, fixed_reference(values, TWO, [True] * 5))
    assert "first 5 feasible trials [0, 1, 2, 3, 4]" in panel.caption.value
    early = panel.volume_info.hypervolume.copy()
    lab.run(6)
    assert np.array_equal(panel.reference, fixed)
    assert np.array_equal(panel.volume_info.hypervolume[:5], early)  # earlier trials are not re-measured
    assert [field.value for field in panel.reference_fields] == pytest.approx(fixed.tolist())
    lab.reset_button.click()
    assert len(lab.study.trials) == 0 and np.array_equal(panel.reference, fixed)
    assert lab.study.directions == ("minimize", "maximize")
    lab.run(2)
    panel.infer_button.click()  # from the trials now
    assert not np.array_equal(panel.reference, fixed) and "inferred from the 2 feasible" in panel.caption.value
    for field, value in zip(panel.reference_fields, [2.0, -1.0], strict=True):
        field.value = value
    panel.set_button.click()
    assert panel.reference.tolist() == [2.0, -1.0] and not lab.errors.errors


def test_fixed_reference_is_the_worst_of_the_first_feasible_trials_plus_a_margin():
    values = [[1.0, 4.0], [9.0, 0.0], [3.0, 2.0], [2.0, 9.0]]
    assert fixed_reference(values, TWO, [True, False, True, True], first=3).tolist() == pytest.approx([3.2, 1.3])
    assert fixed_reference(values, TWO, [True, False, True, False], first=3) is None
    # A declared reference (a problem's, as BoTorch's for ZDT) is used from the first trial on.
    from interactive_hpo.objectives import ZDT2

    lab = Lab(ZDT2(dim=2), optimizer="random", seed=0)
    assert lab.pareto_panel.reference.tolist() == [11.0, 11.0] and "ZDT2.reference" in lab.pareto_panel.caption.value
    assert lab.study.goals.names == ("f0", "f1")


def test_clicking_a_point_selects_its_trial_and_shows_the_step_that_proposed_it():
    lab = sobol_lab(n_trials=6)
    panel = lab.pareto_panel
    target = lab.study.trials[3]
    press(panel.figure.fig, panel.front_ax, *target.values)
    assert panel.selected == 3 and not lab.errors.errors
    assert "Trial 3" in panel.details.value and "a = " in panel.details.value
    assert f"{target.values[0]:.6g}" in panel.details.value
    standing = "on the Pareto front" if target in lab.study.best_trials else "dominated by trial(s)"
    assert standing in panel.details.value
    assert any(c.get_label() == "trial 3" for c in panel.front_ax.collections)  # ringed
    middle = np.mean(panel.volume_ax.get_ylim())
    press(panel.figure.fig, panel.volume_ax, 2.0, middle)  # the hypervolume curve at x = 2: trial 1
    assert panel.selected == 1
    press(panel.figure.fig, panel.volume_ax, 4.0, middle)
    panel.travel_button.click()
    assert lab.controller.viewing == 3 and lab.tabs.selected_index == 1 and not lab.timeline.live.value
    assert "Step 3" in lab.timeline.caption.value and not lab.errors.errors


def test_a_right_click_a_double_click_a_zoom_or_a_pan_selects_nothing_and_hides_no_error():
    # A press that is not a plain click selected the trial under it (or the curve's), and
    # cleared the error shown as if a new action had started.
    study = Study(SQUARE, "sobol", directions=TWO, seed=0)
    study.run(tradeoff, n_trials=6, progress=False)
    panel = ParetoPanel(study.goals).update(study.trials)
    panel.errors.show(ValueError("an error nobody has read yet"))
    target, middle = study.trials[3], np.mean(panel.volume_ax.get_ylim())
    for how in NOT_CLICKS:
        press(panel.figure.fig, panel.front_ax, *target.values, how=how)
        press(panel.figure.fig, panel.volume_ax, 2.0, middle, how=how)
        assert panel.selected is None and "nobody has read" in panel.errors.widget.value, how
    press(panel.figure.fig, panel.front_ax, *target.values)
    assert panel.selected == 3 and panel.errors.widget.value == ""


def test_a_manual_trial_with_its_values_joins_the_front_and_can_be_undone():
    lab = sobol_lab(n_trials=5)
    form = lab.manual_panel
    form.fields["a"].value, form.fields["b"].value = 0.5, 0.5
    form.value_fields["objective 0"].value, form.value_fields["objective 1"].value = -1.0, 5.0  # beats every trial
    form.record.click()
    trial = lab.study.trials[-1]
    assert not lab.errors.errors and trial.source == "manual" and trial.values == (-1.0, 5.0)
    assert lab.study.best_trials == [trial] and lab.pareto_panel.volume_info.front[-1]
    assert "yours #5" in form.score.value
    assert lab.history_panel.table_rows[-1][:6] == (5, "COMPLETE", "manual", -1.0, 5.0, True)
    lab.undo_button.click()
    assert len(lab.study.trials) == 5 and len(lab.pareto_panel.trials) == 5
    form.evaluate.click()  # evaluated by the objective: both values
    assert lab.study.trials[-1].values == pytest.approx(tradeoff({"a": 0.5, "b": 0.5}))


def test_after_a_space_edit_the_caption_and_the_selection_describe_the_trials_plotted():
    # After a space edit the caption still said the reference came from "trials [0, 1, 2, 3, 4]",
    # which now named other trials (old 0, 3 and 4 were left behind), and trial 3 stayed selected
    # though number 3 was now another trial (old 6).
    lab = sobol_lab(n_trials=10)
    panel = lab.pareto_panel
    panel.select(3)
    lab.controller.set_space(SearchSpace([Float("a", 0.0, 0.5), Float("b", 0.0, 1.0)]))  # the tab's Apply
    n, front = len(lab.study.trials), len(lab.study.best_trials)
    assert n == 5 and panel.caption.value.startswith(f"<b>Pareto front: {front} trial(s)</b> of {n}.")
    assert "feasible trials [0, 1, 2, 3, 4] of another study" in panel.caption.value
    assert panel.selected is None and "Click a point" in panel.details.value and not lab.errors.errors
    lab.reset_button.click()
    assert "of another study" in panel.caption.value and "of 0." in panel.caption.value
    lab.run(2)
    panel.infer_button.click()  # inferred from the trials plotted: nothing to qualify
    assert "from the 2 feasible trials; it stays put" in panel.caption.value and not lab.errors.errors


def test_a_fork_that_keeps_the_reference_trials_says_nothing_of_another_study():
    lab = sobol_lab(n_trials=7)
    panel = lab.pareto_panel
    panel.select(2)
    lab.fork(6, "random")
    assert "[0, 1, 2, 3, 4];" in panel.caption.value and panel.selected == 2  # the same trials
    lab.switch_branch("main")
    lab.fork(3, "random")
    assert "[0, 1, 2, 3, 4] of another study" in panel.caption.value


def test_infeasible_trials_are_marked_and_kept_off_the_front():
    lab = sobol_lab(capped, n_trials=8)
    study, panel = lab.study, lab.pareto_panel
    broken = [t.number for t in study.trials if not t.feasible]
    assert broken and not lab.errors.errors
    crosses = [c for c in panel.front_ax.collections if c.get_label() == "infeasible"]
    assert len(crosses) == 1 and len(crosses[0].get_offsets()) == len(broken)
    assert not panel.volume_info.front[broken].any()
    panel.select(broken[0])
    assert "infeasible" in panel.details.value and "breaks a constraint" in panel.details.value
    feasible_column = lab.history_panel.table_columns.index("feasible")
    assert {row[0] for row in lab.history_panel.table_rows if row[feasible_column] is False} == set(broken)
    assert "<td" in lab.history_panel.table.value and ">no<" in lab.history_panel.table.value


def test_a_hidden_pareto_tab_draws_nothing_until_it_is_shown():
    lab = sobol_lab(n_trials=5)
    panel = lab.pareto_panel
    drawn = len(panel.volume_ax.get_lines()[0].get_ydata())
    lab.tabs.selected_index = 2  # History
    lab.run(3)
    assert panel.figure.stale and len(panel.volume_ax.get_lines()[0].get_ydata()) == drawn == 5
    assert "of 8" in panel.caption.value  # the words are up to date; the figure waits
    lab.tabs.selected_index = 0
    assert not panel.figure.stale and len(panel.volume_ax.get_lines()[0].get_ydata()) == 8


def test_a_reference_set_by_hand_is_measured_once(monkeypatch):
    # set_reference measured the point to check it, and the draw after it measured it again.
    from interactive_hpo.ui import pareto_panel

    study = Study(SQUARE, "sobol", directions=TWO, seed=0)
    study.run(tradeoff, n_trials=6)
    panel = ParetoPanel(study.goals).update(study.trials)
    measured, real = [], pareto_panel.pareto_info
    monkeypatch.setattr(pareto_panel, "pareto_info", lambda *a, **k: measured.append(k["reference"]) or real(*a, **k))
    panel.set_reference([2.0, -1.0])  # shown: checked and drawn
    assert len(measured) == 1 and panel.volume_info.reference.tolist() == [2.0, -1.0]
    panel.figure.redraw()  # nothing changed: nothing measured again
    assert len(measured) == 1


def test_a_reference_no_trial_dominates_is_explained_in_the_caption_without_warnings():
    study = Study(SQUARE, "sobol", directions=TWO, seed=0)
    study.run(tradeoff, n_trials=8)
    panel = ParetoPanel(study.goals).update(study.trials)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said in place, not at each redraw
        panel.set_reference([-5.0, 5.0])  # better than every trial in both: the curve was flat at 0, unexplained
        panel.figure.redraw()
        panel.update(study.trials)
    assert panel.volume_info.final_hypervolume == 0.0
    # No constraints: every trial counts, so the caption says "trial", not "feasible trial".
    assert "&#9888; No trial dominates the reference point (objective 0 -5, objective 1 5): the hypervolume " \
           "is 0. No trial is better than it in objective 0 (best " in panel.caption.value
    worst = panel.values.max(axis=0)[0]
    assert f"objective 0 above {worst:.4g}" in panel.caption.value
    panel.set_reference([worst + 1.0, 5.0])  # objective 1, maximized, is still past every trial
    assert "better than it in objective 1 (best" in panel.caption.value and "negated loss" in panel.caption.value
    panel.set_reference([-5.0, -5.0])  # only the minimized objective at fault: no word about maximized ones
    assert "better than it in objective 0 (best" in panel.caption.value and "negated" not in panel.caption.value
    panel.infer_reference()
    assert "dominates" not in panel.caption.value and panel.volume_info.final_hypervolume > 0
    constrained = Study(SQUARE, "sobol", directions=TWO, seed=0)
    constrained.run(capped, n_trials=8)
    panel = ParetoPanel(constrained.goals).update(constrained.trials)
    panel.set_reference([-5.0, 5.0])
    assert "&#9888; No feasible trial dominates the reference point" in panel.caption.value  # feasibility measured


def test_branches_compare_by_hypervolume_from_the_same_reference():
    lab = sobol_lab(n_trials=6)
    lab.fork(3, "random")
    lab.run(2)
    timeline = lab.timeline
    assert timeline.ax.get_ylabel() == "hypervolume" and not lab.errors.errors
    curves = {line.get_label(): line.get_ydata() for line in timeline.ax.get_lines()}
    assert set(curves) == {"main", "fork@3 random"} and len(curves["fork@3 random"]) == 5
    assert np.array_equal(curves["main"][:3], curves["fork@3 random"][:3])  # one box: the shared trials agree


def test_three_objectives_pick_the_pair_on_the_axes():
    def three(params):
        return params["a"], 1 - params["a"] + params["b"], params["b"] ** 2

    lab = Lab(three, space=SQUARE, directions={"x": "minimize", "y": "minimize", "z": "minimize"},
              optimizer="random", seed=0)
    lab.run(6)
    panel = lab.pareto_panel
    assert panel.x_choice.value == "x" and panel.y_choice.value == "y"
    panel.y_choice.value = "z"
    assert panel.pair == (0, 2) and panel.front_ax.get_ylabel().startswith("z")
    assert np.array_equal(panel.info.values, np.array([t.values for t in lab.study.trials])[:, [0, 2]])
    assert panel.volume_info.values.shape == (6, 3)  # the hypervolume is over all three
    # The pair's shaded area is no hypervolume of a study of three (a305 M3): the legend says what it is.
    legend = [text.get_text() for text in panel.front_ax.get_legend().get_texts()]
    assert f"area dominated in x-z: {panel.info.final_hypervolume:.3g}" in legend
    assert not any("hypervolume" in label for label in legend)
    panel.x_choice.value = "z"  # the other axis's objective: the two swap
    assert (panel.x_choice.value, panel.y_choice.value) == ("z", "x") and not lab.errors.errors


def test_the_lab_serves_a_parego_study_with_its_scalarized_model():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    study = Study(SQUARE, "parego", directions=TWO, seed=0, optimizer_settings=FAST)
    lab = Lab(study, tradeoff)
    lab.tabs.selected_index = lab.tabs.titles.index("Model")  # hidden, it computes nothing (test_model_tab_hidden.py)
    for _ in range(4):
        lab.step_button.click()
    assert not lab.errors.errors and len(study.trials) == 4
    assert "A model of one number" in lab.surrogate_panel.message.value
    weights = study.optimizer.weights()
    assert f"{weights[0]:.2f}" in lab.surrogate_panel.message.value
    maps = lab.surrogate_panel.maps
    assert maps.images[0].get_array().size == 60 * 60
    from interactive_hpo.optimizers.bayes.parego import chebyshev

    losses = np.array([study.goals.losses(t.values) for t in study.trials])
    view = study.surrogate()
    X = np.array([t.x for t in study.trials])
    assert np.allclose(view.predict(X).mean, chebyshev(losses, weights), atol=1e-3)  # the dots are what it fits
    assert lab.timeline.ax.get_ylabel() == "hypervolume"
    offered = list(lab.optimizer_panel.choice.options)  # those that serve several objectives, and only those
    assert {"grid", "parego", "random", "sobol"} <= set(offered) and "bo" not in offered and "cmaes" not in offered
    assert all(issubclass(optimizer_class(name), MultiObjective) for name in offered)
    lab.what_if.active.value = True  # a what-if over ParEGO's model does not crash either
    lab.what_if.acquisition.value = "ucb"
    lab.step_button.click()
    assert not lab.errors.errors and study.optimizer.settings()["acquisition"] == "ucb"
    lab.optimizer_panel.choice.value = "random"
    lab.optimizer_panel.apply.click()
    lab.step_button.click()
    assert lab.study.optimizer.name == "random" and len(lab.study.trials) == 6 and not lab.errors.errors


def test_a_lab_over_an_objective_with_directions_defaults_to_parego():
    lab = Lab(tradeoff, space=SQUARE, directions=TWO, seed=0, optimizer_settings=FAST)
    assert lab.study.optimizer.name == "parego" and lab.study.directions == ("minimize", "maximize")
    assert lab.history_panel.figures == [] and lab.history_panel.table_columns[3:6] == ["objective 0",
                                                                                        "objective 1", "feasible"]


def test_the_panel_refuses_one_objective_and_a_bad_reference():
    with pytest.raises(ValueError, match="`goals` of ParetoPanel must be the Goals of a study of several"):
        ParetoPanel(Study(SQUARE).goals)
    panel = ParetoPanel(Study(SQUARE, directions=TWO).goals)
    with pytest.raises(ValueError, match="2 finite numbers, one per objective"):
        panel.set_reference([1.0])
    panel.infer_button.click()  # no trials yet: the error is shown, not raised
    assert "at least one feasible COMPLETE trial" in panel.reference_error.value  # under the button
