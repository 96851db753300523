"""A study that switches from a multi-fidelity scheduler to an optimizer of full evaluations
gives it the full-budget results only (``study.learnt``), live, on a reload and for a lower-rung
trial that finishes after the switch, and warns with their count."""

from __future__ import annotations

import re

import numpy as np
import pytest

from interactive_hpo import Study
from interactive_hpo.objectives import Branin, MultiFidelity

TASK = MultiFidelity(Branin())
BELOW = re.escape("Study.switch_optimizer: 58 completed trial(s) ran below the full budget (1); 'bo' does not learn "
                  "from them (told as pruned)")


@pytest.fixture(scope="module")
def switched(tmp_path_factory):
    path = tmp_path_factory.mktemp("learnt") / "study.jsonl"
    study = Study(TASK.space, "hyperband", seed=0, storage=path)
    study.run(TASK, n_trials=60, progress=False)  # 2 of them at the full budget
    late = study.ask()  # a lower rung under way when the person switches
    assert late.budget < 1.0
    with pytest.warns(UserWarning, match=BELOW):
        study.switch_optimizer("bo")
    study.tell(late, TASK(late.params, budget=late.budget))
    return study, path


def test_the_gp_learns_the_full_budget_trials_only_even_one_finishing_after_the_switch(switched):
    study, _ = switched
    full = [t.x for t in study.trials if t.budget == 1.0]
    assert len(full) == 2 and len(study.trials) == 61
    np.testing.assert_array_equal(np.sort(study.surrogate().X, axis=0), np.sort(full, axis=0))  # was all 61


def test_a_reload_rebuilds_the_same_gp_and_the_same_next_proposal(switched):
    study, path = switched
    loaded = Study.load(path)
    np.testing.assert_array_equal(loaded.surrogate().X, study.surrogate().X)
    assert loaded.optimizer.propose().x.tobytes() == study.optimizer.propose().x.tobytes()


def test_parego_after_a_scheduler_on_several_objectives_learns_the_full_budget_trials_only():
    def two(params, budget=1.0):
        return TASK(params, budget=budget), params["x0"]

    study = Study(TASK.space, "asha", directions=["minimize", "minimize"], seed=0)
    study.run(two, n_trials=60, progress=False)
    study.add_manual({"x0": 0.0, "x1": 5.0}, two({"x0": 0.0, "x1": 5.0}))  # no budget: a full evaluation
    full = sum(t.budget in (None, 1.0) for t in study.trials)
    with pytest.warns(UserWarning, match=f"{61 - full} completed trial"):
        parego = study.switch_optimizer("parego")
    assert full >= 2 and len(parego.surrogate().X) == full


def test_a_fork_continued_by_bo_learns_the_full_budget_trials_it_carries_only(switched):
    from interactive_hpo.study.branching import fork_study

    study, _ = switched
    branch = fork_study(study, 60, optimizer="bo").study  # the 60 Hyperband trials, carried
    full = [t.x for t in branch.trials if t.budget == 1.0]
    assert len(branch.trials) == 60 and len(full) == 2
    np.testing.assert_array_equal(np.sort(branch.surrogate().X, axis=0), np.sort(full, axis=0))


def test_a_switch_takes_its_settings_as_a_dict_as_lab_does(tmp_path):
    """Before: ``switch_optimizer("sobol", {"scramble": False})`` (the Lab's controller and
    ``Study(optimizer_settings=...)`` take a dict) raised Python's TypeError."""
    path = tmp_path / "study.jsonl"
    study = Study(TASK.space, "random", seed=0, storage=path)
    by_dict = study.switch_optimizer("sobol", {"scramble": False})
    assert by_dict.settings()["scramble"] is False
    asked = study.ask().x.tolist()
    assert Study.load(path).optimizer.settings() == by_dict.settings()  # the journal rebuilds it so
    by_keywords = Study(TASK.space, "random", seed=0)
    assert by_keywords.switch_optimizer("sobol", scramble=False).settings() == by_dict.settings()
    assert by_keywords.ask().x.tolist() == asked
