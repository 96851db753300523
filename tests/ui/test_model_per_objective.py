"""The Lab's Model tab for several objectives by "ehvi" (issue 27, item 4): an objective selector,
each objective's GP in its own units, time travel to a past step's belief of the objective chosen,
a what-if of the kernel; ParEGO and one objective as before. Headless (Agg); asserts on data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.direction import Direction  # noqa: E402
from interactive_hpo.optimizers.capabilities import ModelBased, MultiObjective  # noqa: E402
from interactive_hpo.optimizers.registry import optimizers_declaring  # noqa: E402
from interactive_hpo.ui import Lab, surrogate_panel  # noqa: E402
from interactive_hpo.ui.controller import LabController  # noqa: E402
from interactive_hpo.ui.lab_goals import lab_history  # noqa: E402

from .lab_helpers import lab_after  # noqa: E402

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.usefixtures("coarse_maps")  # each map is compared cell by cell with its belief

TINY = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64, "mc_samples": 16}
SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])
GOALS = {"cost": "minimize", "score": "maximize"}


def tradeoff(params):
    """A cost to minimize and a score to maximize (positive, about 0.1 to 1) that pull against each other."""
    return params["a"] + 0.5 * params["b"], 0.2 + np.sqrt(params["a"]) - 0.3 * params["b"]


@pytest.fixture(scope="module")
def study():
    """7 trials of "ehvi": 4 initial (Sobol), then 3 by log-EHVI (steps 4, 5, 6)."""
    torch.set_num_threads(1)
    made = Study(SQUARE, "ehvi", directions=GOALS, seed=0, optimizer_settings=TINY)
    made.run(tradeoff, n_trials=7, progress=False)
    return made


def on_model_tab(lab):
    """``lab`` with its Model tab chosen (several objectives open on the Pareto tab, and a
    hidden Model tab computes nothing: test_model_tab_hidden.py)."""
    lab.tabs.selected_index = lab.tabs.titles.index("Model")
    return lab


def mean_map(lab):
    """The mean heatmap as drawn, shape (12, 12) (``coarse_maps``), and the unit-cube points it was predicted at."""
    surface = SQUARE.slice2d("a", "b", at=lab.surrogate_panel.anchor(), resolution=surrogate_panel.MAP_RESOLUTION)
    image = lab.surrogate_panel.maps.images[0].get_array()
    return np.asarray(image, dtype=float).reshape(surface.shape), surface.points.reshape(-1, SQUARE.dim)


def test_the_selector_names_the_objectives_and_switches_the_model(study):
    lab = on_model_tab(Lab(study, tradeoff))
    choice = lab.objective_choice
    assert choice.shown and not lab.errors.errors
    assert choice.dropdown.options == (("cost (minimize)", 0), ("score (maximize)", 1))
    message = lab.surrogate_panel.message.value
    assert "Objective: cost (minimize)" in message and "log-EHVI" in message and "next proposal" in message
    drawn, points = mean_map(lab)
    cost = study.optimizer.surrogate(objective=0).predict(points).mean  # a loss is the cost itself
    np.testing.assert_allclose(drawn.ravel(), cost, rtol=1e-6, atol=1e-9)

    choice.dropdown.value = 1
    assert not lab.errors.errors and "Objective: score (maximize)" in lab.surrogate_panel.message.value
    assert "higher is better" in lab.surrogate_panel.message.value
    drawn, points = mean_map(lab)
    loss = study.optimizer.surrogate(objective=1).predict(points).mean  # EHVIBO's views are in losses
    np.testing.assert_allclose(drawn.ravel(), -loss, rtol=1e-6, atol=1e-9)  # drawn as the score: -loss
    assert not np.allclose(drawn.ravel(), cost)
    # The same log-EHVI under either objective: one acquisition for all.
    acquisition = lab.surrogate_panel.maps.images[2].get_array()
    choice.dropdown.value = 0
    np.testing.assert_allclose(lab.surrogate_panel.maps.images[2].get_array(), acquisition)
    lab.surrogate_panel.as_seen.value = True  # the values EHVI's GP saw (each divided by its spread)
    assert not lab.errors.errors


def test_the_study_s_belief_of_one_objective_is_in_that_objective_s_units(study):
    points = np.array([[0.2, 0.5], [0.9, 0.5]])
    for j, sign in ((0, 1.0), (1, -1.0)):  # cost is minimized (a loss is a cost), score maximized
        losses = study.optimizer.surrogate(objective=j).predict(points).mean
        np.testing.assert_allclose(study.surrogate(objective=j).predict(points).mean, sign * losses)


def test_a_maximized_objective_is_drawn_as_values_not_losses(study):
    lab = Lab(study, tradeoff)
    lab.objective_choice.dropdown.value = 1
    scores = np.array([t.values[1] for t in study.trials])
    shown = lab.controller.present(lab.history_panel.history, None, 1)
    np.testing.assert_allclose(shown.history.values, scores)  # the trials at their scores
    assert shown.history.direction is Direction.MAXIMIZE and np.all(shown.history.losses == -scores)
    X = np.array([t.x for t in study.trials])
    fitted = shown.view.predict(X).mean
    assert np.all(scores > 0) and np.abs(fitted - scores).max() < 0.1 * np.ptp(scores)  # scores, not -scores
    # The slice passes through the best trial of the objective shown: the highest score.
    best = study.trials[int(np.argmax(scores))].params
    assert lab.surrogate_panel.anchor() == pytest.approx(best, abs=0.01)


def test_time_travel_shows_the_steps_belief_of_the_objective_chosen(study):
    lab = on_model_tab(Lab(study, tradeoff))
    lab.objective_choice.dropdown.value = 1
    lab.travel(5)  # proposed by log-EHVI from the 5 trials before it
    assert not lab.errors.errors and lab.objective_choice.shown
    assert "Objective: score (maximize)" in lab.surrogate_panel.message.value
    assert "behind trial 5" in lab.surrogate_panel.message.value and "Step 5" in lab.timeline.caption.value
    drawn, points = mean_map(lab)
    past = study.surrogate(step=5, objective=1)  # rebuilt from the record (no refit), in score units
    assert len(past.losses) == 5
    np.testing.assert_allclose(drawn.ravel(), past.predict(points).mean, rtol=1e-6, atol=1e-9)
    now = -study.optimizer.surrogate(objective=1).predict(points).mean
    assert not np.allclose(drawn.ravel(), now)  # that step's belief, not today's
    lab.objective_choice.dropdown.value = 0
    drawn, points = mean_map(lab)
    np.testing.assert_allclose(drawn.ravel(), study.surrogate(step=5, objective=0).predict(points).mean,
                               rtol=1e-6, atol=1e-9)
    lab.travel(2)  # the initial design: no model, so nothing to choose
    assert not lab.objective_choice.shown
    assert "initial points, chosen without a model" in lab.surrogate_panel.message.value
    lab.travel(None)
    assert lab.objective_choice.shown and "next proposal" in lab.surrogate_panel.message.value
    assert not lab.errors.errors


def test_the_lab_reads_an_objective_by_name_as_the_study_s_history_does(study):
    """Lab.present and Lab.past took only an index ("must be an int in [0, 1]") where
    study.history(objective=...) and the analyses take a name too."""
    controller = LabController(study, tradeoff)  # the Lab's own, without the Lab's widgets
    history, X = lab_history(study), np.array([t.x for t in study.trials])
    now = controller.present(history, None, "score")
    np.testing.assert_array_equal(now.history.values, [t.values[1] for t in study.trials])  # the scores
    for by_name, by_index in ((now, controller.present(history, None, 1)),
                              (controller.past(5, history, "score"), controller.past(5, history, 1))):
        np.testing.assert_array_equal(by_name.history.values, by_index.history.values)
        np.testing.assert_array_equal(by_name.view.predict(X).mean, by_index.view.predict(X).mean)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Lab.past must be an objective's name in ['cost', 'score'] or its index in [0, 2); got "
            "'scroe'.")):
        controller.past(5, history, "scroe")
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Lab.past must be None for a belief that is not one GP per objective; got 'score'. Only "
            "EHVI ('ehvi') models each objective")):
        controller.past(2, history, "score")  # the initial design: no GP at all


def test_one_objective_by_name_or_index_is_the_usual_view_and_parego_s_is_refused():
    # Index 0 of one objective passed the check, then failed in the words of the optimizer's overrides.
    one = LabController(Study(SQUARE, "random", seed=0), lambda p: p["a"])
    one.run(2)
    usual = one.present(one.study.history())
    for objective in ("objective", 0):
        shown = one.present(one.study.history(), None, objective)
        assert shown.view is None and shown.why == usual.why
        np.testing.assert_array_equal(shown.history.values, usual.history.values)
    parego = LabController(Study(SQUARE, "parego", directions=GOALS, seed=0), tradeoff)
    with pytest.raises(InvalidParameterError, match=re.escape(
            "`objective` of Lab.present must be None for a belief that is not one GP per objective; got 'cost'. "
            "Only EHVI ('ehvi') models each objective; ParEGO models one number, its scalarization.")):
        parego.present(lab_history(parego.study), None, "cost")


def test_a_one_parameter_curve_draws_the_trials_at_the_objectives_values():
    torch.set_num_threads(1)
    line = SearchSpace([Float("a", 0.0, 1.0)])
    lab = on_model_tab(lab_after(lambda p: tradeoff({"a": p["a"], "b": 0.5}), line, 6, directions=GOALS,
                                 optimizer="ehvi", seed=0, optimizer_settings=TINY))
    curve = lab.surrogate_panel.curve
    for objective in (0, 1):
        lab.objective_choice.dropdown.value = objective
        values = [t.values[objective] for t in lab.study.trials]
        assert sorted(curve.points.get_offsets()[:, 1]) == pytest.approx(sorted(values))
        assert curve.acquisition_ax.get_ylabel() == "qlognehvi"
    assert not lab.errors.errors


def test_a_what_if_changes_the_kernel_only_and_a_step_commits_it():
    torch.set_num_threads(1)
    lab = on_model_tab(lab_after(tradeoff, SQUARE, 5, directions=GOALS, optimizer="ehvi", seed=0,
                                 optimizer_settings=TINY))
    what_if = lab.what_if
    assert what_if.widget.layout.display is None and "kernel" in what_if.note.value
    hidden = [c for c in (what_if.acquisition, what_if.beta, what_if.xi, what_if.lengthscale)
              if c.layout.display == "none"]
    assert len(hidden) == 4  # log-EHVI is the method; EHVIBO refuses a lengthscale factor
    assert what_if.kernel.layout.display is None and what_if.kernel.options == ("matern", "rbf")
    lab.objective_choice.dropdown.value = 1
    what_if.active.value = True
    what_if.kernel.value = "rbf"
    assert not lab.errors.errors and "What if kernel=rbf" in what_if.caption.value
    drawn, points = mean_map(lab)
    rbf = lab.study.surrogate(objective=1, kernel="rbf").predict(points).mean
    np.testing.assert_allclose(drawn.ravel(), rbf, rtol=1e-5, atol=1e-8)
    lab.step()
    assert lab.study.optimizer.settings()["kernel"] == "rbf" and not what_if.active.value
    assert len(lab.study.trials) == 6 and not lab.errors.errors


def test_parego_keeps_its_scalarized_model_without_a_selector():
    torch.set_num_threads(1)
    lab = on_model_tab(lab_after(tradeoff, SQUARE, 5, directions=GOALS, optimizer="parego", seed=0,
                                 optimizer_settings={k: v for k, v in TINY.items() if k != "mc_samples"}))
    assert not lab.objective_choice.shown and not lab.errors.errors
    assert "A model of one number" in lab.surrogate_panel.message.value
    what_if = lab.what_if  # ParEGO's what-if as before: every control
    assert all(c.layout.display is None for c in (what_if.acquisition, what_if.beta, what_if.xi, what_if.kernel,
                                                  what_if.lengthscale)) and what_if.note.value == ""
    lab.travel(4)
    assert not lab.objective_choice.shown and "Step 4" in lab.timeline.caption.value and not lab.errors.errors
    # Refused in Study.surrogate's words now as at a past step, not in ParEGO's own settings' (a305 L6).
    for step, which in ((None, "'parego', the study's optimizer now, does not"), (4, "which proposed trial 4")):
        with pytest.raises(InvalidParameterError, match=re.escape("`objective` of Study.surrogate must be given only "
                                                                  "for a ") + f".*{re.escape(which)}.*; got 'score'"):
            lab.study.surrogate(step, objective="score")
    with pytest.raises(InvalidParameterError, match=re.escape(f"These keep a model per objective: {['ehvi']}")):
        lab.study.surrogate(objective=1)


def test_no_selector_for_one_objective_or_a_model_free_optimizer():
    quad = Lab(lambda p: (p["a"] - 0.3) ** 2 + p["b"], space=SQUARE, optimizer="sobol", seed=0)
    quad.run(3)
    assert not quad.objective_choice.shown
    several = Lab(tradeoff, space=SQUARE, directions=GOALS, optimizer="random", seed=0)
    several.run(3)
    assert not several.objective_choice.shown
    assert "random has no model" in several.surrogate_panel.message.value and not several.errors.errors
    # Those with a model that the study of several takes (it refuses "bo": a305 L1), from the registry.
    serving = optimizers_declaring(ModelBased, MultiObjective)
    assert "ehvi" in serving and "bo" not in serving and set(serving) <= set(several.optimizer_panel.choice.options)
    assert f"(switch to {' or '.join(serving)} in the Optimizer tab" in several.surrogate_panel.message.value
    assert "(switch to bo in the Optimizer tab" in quad.surrogate_panel.message.value
