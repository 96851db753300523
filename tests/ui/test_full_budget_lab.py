"""What the Lab and its neighbours call "best" is what Study.best_trial counts: feasible trials,
at the full budget (helper-117's review of the full-budget change found each of these counting
a cheap rung, or an infeasible trial, as best)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from interactive_hpo import Evaluation, Float, Race, SearchSpace, Study  # noqa: E402
from interactive_hpo.plots.pareto import pareto_info  # noqa: E402
from interactive_hpo.study.curves import lineage  # noqa: E402
from interactive_hpo.ui import Lab, lab_goals  # noqa: E402

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
