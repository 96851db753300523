"""What the Lab and its neighbours call "best" is what Study.best_trial counts: feasible trials,
at the full budget (helper-117's review of the full-budget change found each of these counting
a cheap rung, or an infeasible trial, as best)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from interactive_hpo import Evaluation, Float, Race, SearchSpace, Study  # noqa: E402
from interactive_hpo.plots.pareto import LOWER_BUDGET, pareto_info  # noqa: E402
from interactive_hpo.study.curves import lineage  # noqa: E402
from interactive_hpo.ui import Lab, lab_goals  # noqa: E402
from interactive_hpo.ui.pareto_panel import ParetoPanel  # noqa: E402

from .lab_helpers import press  # noqa: E402

LINE = SearchSpace([Float("x", 0.0, 1.0)])
PLANE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def cheap_looks_better(params, budget=None):
    return (params["x"] - 0.5) ** 2 - 0.3 * (1 - (1.0 if budget is None else budget))


def test_the_scoreboard_counts_full_evaluations_as_the_status_line_does():
    study = Study(LINE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9})
    study.run(cheap_looks_better, n_trials=14, progress=False)
    manual = study.add_manual({"x": 0.5}, cheap_looks_better({"x": 0.5}))
    lab = Lab(study, cheap_looks_better)
    assert study.best_trial.number == manual.number
    score = lab.manual_panel.score.value
    assert f"(trial {manual.number})" in score and "you are ahead" in score
    lab.close()


def test_a_lab_opens_a_scheduler_s_study_of_two_objectives():
    study = Study(PLANE, "halving", directions=["minimize", "minimize"], seed=0,
                  optimizer_settings={"min_budget": 1 / 9})
    study.run(lambda p, budget=None: (p["x"], 1 - p["x"] + p["y"]), n_trials=13, progress=False)
    lab = Lab(study, lambda p, budget=None: (p["x"], 1 - p["x"] + p["y"]))  # read study.direction: refused
    assert not lab.errors.errors
    # The timeline's hypervolume measures what best_trials counts: the full evaluations.
    reference = np.array([1.5, 2.5])
    (curve,) = lab_goals.progress_curves({"main": study}, reference)[0].values()
    full = [t for t in study.trials if t.budget == 1.0]
    assert full and np.isclose(curve[-1], pareto_info(np.array([t.values for t in full]), ["minimize", "minimize"],
                                                      np.ones(len(full), bool), reference=reference).final_hypervolume)
    lab.close()


def cheap_dominates(params, budget=None):
    """Two objectives that a cheaper budget makes look better in both: a lower rung's job beats
    every full evaluation."""
    cheaper = 0.5 * (1 - (1.0 if budget is None else budget))
    return params["x"] - cheaper, 1 - params["x"] + params["y"] - cheaper


def test_the_pareto_tab_counts_full_evaluations_and_draws_the_rungs_hollow_at_their_numbers():
    # The tab drew every trial and put lower-rung jobs on the front (trials 1, 2 and 7 here), while
    # best_trials and the status line counted the full evaluations (3 and 5). Filtering the trials
    # instead broke "Show this step" (a position is a trial number: it travelled to step 0).
    study = Study(PLANE, "hyperband", directions=["minimize", "minimize"], seed=0,
                  optimizer_settings={"min_budget": 1 / 3})
    study.run(cheap_dominates, n_trials=8, progress=False)
    lab = Lab(study, cheap_dominates)
    panel = lab.pareto_panel
    panel.set_reference([1.5, 2.5])
    values = np.array([t.values for t in study.trials])
    lower = [t.number for t in study.trials if t.budget < study.full_budget]
    best = [t.number for t in study.best_trials]
    everything = np.flatnonzero(pareto_info(values, ["minimize", "minimize"]).front)
    assert set(everything) & set(lower) and len(lower) == 5  # a cheap job would dominate, counted
    assert np.flatnonzero(panel.volume_info.front).tolist() == best == [3, 5] and not lab.errors.errors
    assert f"Pareto front: {len(best)} trial(s)" in lab.status.value
    assert panel.caption.value.startswith(f"<b>Pareto front: {len(best)} trial(s)</b> of 8. 5 ran at a lower budget")
    # Every trial is drawn once; the lower rungs apart (hollow), none on the front.
    drawn = {c.get_label(): c for c in panel.front_ax.collections if c.get_label() != "reference point"}
    assert sum(len(c.get_offsets()) for c in drawn.values()) == 8
    assert np.array_equal(drawn[LOWER_BUDGET].get_offsets(), values[lower])
    assert len(drawn[LOWER_BUDGET].get_facecolors()) == 0  # hollow
    assert not panel.volume_info.front[lower].any() and not panel.volume_info.counted[lower].any()
    full_only = pareto_info(values[[3, 4, 5]], ["minimize", "minimize"], reference=[1.5, 2.5])
    assert np.isclose(panel.volume_info.final_hypervolume, full_only.final_hypervolume)
    assert panel.volume_info.hypervolume[:3].tolist() == [0.0, 0.0, 0.0]  # three cheap jobs measure nothing
    # A click on the last trial (a cheap job) selects trial 7, and "Show this step" travels there.
    press(panel.figure.fig, panel.front_ax, *values[7])
    assert panel.selected == 7 and "not counted: it ran at a lower budget" in panel.details.value
    assert "budget 0.333" in panel.details.value
    panel.travel_button.click()
    assert lab.controller.viewing == 7 and "Step 7" in lab.timeline.caption.value and not lab.errors.errors
    panel.select(5)  # a full evaluation on the front: dominated by no counted trial
    assert "on the Pareto front" in panel.details.value
    panel.select(4)
    assert "dominated by trial(s) 3<br>" in panel.details.value  # not by the cheap jobs 1, 2 and 7
    lab.close()
    # An inferred reference comes from full evaluations only.
    alone = ParetoPanel(study.goals, reference_after=2).update(study.trials, study.full_budget)
    assert "first 2 feasible trials at the full budget [3, 4]" in alone.caption.value
    assert np.allclose(alone.reference, values[[3, 4]].max(axis=0) + 0.1 * np.ptp(values[[3, 4]], axis=0))


def test_a_race_of_two_objectives_measures_full_evaluations_only():
    def biased(params, budget=None):
        cheaper = 0.3 * (1 - (1.0 if budget is None else budget))
        return params["x"] - cheaper, 1 - params["x"] + params["y"] - cheaper

    race = Race(biased, space=PLANE, lanes={"h": ("halving", {"min_budget": 1 / 9}), "r": ("random", {})},
                n_trials=13, seed=0, directions=["minimize", "minimize"], reference=[1.5, 2.5])
    race.run()
    halving = race.studies["h"]
    full = [t for t in halving.trials if t.values is not None and (t.budget is None or t.budget >= 1)]
    volume = pareto_info(np.array([t.values for t in full]), ["minimize", "minimize"], np.ones(len(full), bool),
                         reference=np.array([1.5, 2.5])).final_hypervolume
    (standing,) = [s for s in race.ranking() if s.lane == "h"]
    assert np.isclose(standing.hypervolume, volume)  # was 3.24 from every rung, against 1.73


def test_the_model_tab_follows_the_best_feasible_trial_and_a_lineage_names_it():
    def bounded(params):
        return Evaluation(sum(params.values()), constraints=[0.4 - params["z"]])

    cube = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0), Float("z", 0.0, 1.0)])
    study = Study(cube, "bo", seed=0, optimizer_settings={"n_initial": 4, "num_restarts": 2, "raw_samples": 64})
    study.run(bounded, n_trials=5, progress=False)
    study.add_manual({"x": 0.1, "y": 0.1, "z": 0.05}, 0.25, constraints=[0.35])  # the lowest, and infeasible
    lab = Lab(study, bounded)
    slider = lab.surrogate_panel.anchors["z"]  # the maps are over x and y
    assert np.isclose(slider.value, study.best_trial.params["z"], atol=0.02)  # it followed the infeasible z=0.05
    lab.close()
    ga = Study(cube, "ga", seed=0, optimizer_settings={"population_size": 6})
    ga.run(bounded, n_trials=18, progress=False)
    assert lineage(ga).best == ga.best_trial.user_attrs["id"]
