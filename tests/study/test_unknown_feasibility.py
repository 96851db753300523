"""A COMPLETE trial without constraints in a study whose other trials have them is of unknown
feasibility: never the best feasible trial, as constrained BO never takes it for its incumbent
(``optimizers.bayes.constrained``). A study without constraints counts every trial as before."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo import Evaluation, Float, SearchSpace, Study
from interactive_hpo.exceptions import TrialStateError
from interactive_hpo.goals import feasible_mask

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def sum_below(p):
    """Minimize x + y subject to x >= 0.7."""
    return Evaluation(p["x"] + p["y"], constraints=[0.7 - p["x"]])


def test_an_unmeasured_trial_is_feasible_alone_but_never_the_best_of_a_constrained_study():
    study = Study(SPACE, "random", seed=0)
    study.run(sum_below, n_trials=4, progress=False)
    best = study.best_trial
    manual = study.add_manual({"x": 0.9, "y": 0.1}, 0.01)   # constraints not measured: accepted
    assert manual.feasible                                      # the trial alone: nothing broken
    assert study.best_trial is best and study.best_value == best.value > 0.01
    assert study.best_params == dict(best.params) and study.best_trials == [best]
    assert feasible_mask(study.trials).tolist() == [t.feasible for t in study.trials[:4]] + [False]
    history = study.history()
    assert history.best_values[-1] == best.value and history.best_index() == best.number
    withdrawn = study.undo_manual()                             # the kept best starts afresh: the same
    assert withdrawn.number == 4 and study.best_trial is best


def test_the_first_constrained_trial_makes_the_earlier_unmeasured_ones_unknown():
    study = Study(SPACE, "random", seed=0)
    first = study.add_manual({"x": 0.1, "y": 0.1}, 0.2)     # no study constraints yet: feasible, the best
    assert study.best_trial is first and study.history().best_values.tolist() == [0.2]
    measured = study.add_manual({"x": 0.8, "y": 0.1}, 0.9, constraints=[-0.1])
    assert study.best_trial is measured and study.best_value == 0.9   # read incrementally, then afresh
    np.testing.assert_array_equal(study.history().best_values, [np.nan, 0.9])
    study.undo_manual()                                       # no constraints left: counted again
    assert study.best_trial is first


def test_without_a_known_feasible_trial_best_trial_says_why():
    study = Study(SPACE, "random", seed=0)
    study.add_manual({"x": 0.1, "y": 0.1}, 0.5, constraints=[0.6])   # infeasible
    study.add_manual({"x": 0.9, "y": 0.1}, 0.01)
    study.add_manual({"x": 0.8, "y": 0.2}, 0.02)
    for name in ("best_trial", "best_value", "best_params"):
        with pytest.raises(TrialStateError, match=r"None of the 3 completed trials is known to meet its constraints "
                                                  r"\(each at most 0\): there is no feasible best trial yet. 2 of them "
                                                  r"carry no constraint values while the study's other trials do: "
                                                  r"their feasibility is unknown, so neither the study nor its "
                                                  r"optimizer takes them for the best feasible trial. A trial "
                                                  r"counts when its constraints come with its value "
                                                  r"\(add_manual\(params, value, constraints=\[...\]\)"):
            getattr(study, name)
    assert study.best_trials == [] and np.isnan(study.history().best_values).all()


def test_the_pareto_set_leaves_unmeasured_trials_out():
    study = Study(SPACE, "random", directions=["minimize", "minimize"], seed=0)
    kept = study.add_manual({"x": 0.5, "y": 0.5}, (0.5, 0.5), constraints=[-1.0])
    study.add_manual({"x": 0.1, "y": 0.1}, (0.1, 0.1))        # would dominate it, were it known feasible
    assert study.best_trials == [kept]
    np.testing.assert_array_equal(study.history(objective=0).best_values, [0.5, 0.5])


def test_a_study_without_constraints_counts_every_trial_as_before():
    study = Study(SPACE, "random", seed=0)
    study.run(lambda p: p["x"] + p["y"], n_trials=3, progress=False)
    manual = study.add_manual({"x": 0.0, "y": 0.0}, 0.0)
    assert study.best_trial is manual and feasible_mask(study.trials).all()


def test_a_warm_start_source_gives_its_known_feasible_trials_only():
    source = Study(SPACE, "random", seed=0)
    source.run(sum_below, n_trials=6, progress=False)
    source.add_manual({"x": 0.9, "y": 0.1}, 0.01)               # of unknown feasibility
    study = Study(SPACE, "ga", seed=0, warm_start={"old": source})
    (record,) = study.warm_start
    assert sorted(record.losses) == sorted(t.value for t in source.trials if t.constraints and t.feasible)


def test_the_lineage_best_is_the_best_individual_the_study_counts():
    from interactive_hpo.study.curves import lineage

    study = Study(SPACE, "ga", seed=0, optimizer_settings={"population_size": 4})
    study.run(sum_below, n_trials=12, progress=False)
    assert study.best_value > 0.7                     # a feasible trial, whose value 0.0 would beat
    unmeasured = study.ask()
    study.tell(unmeasured, 0.0)                       # an individual told without its constraints
    best = lineage(study).best
    assert best is not None and best != unmeasured.user_attrs["id"]
    assert best == study.best_trial.user_attrs["id"]
