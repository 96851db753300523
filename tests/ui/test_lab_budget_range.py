"""The Lab refuses a scheduler whose budgets lie beyond the objective's ``budget_range`` on every
route to one (a switch, a change of settings, a fork, a parallel Run), naming what the person
called, before anything is journaled: asha(min_budget=1, max_budget=27) for a MultiFidelity
objective (budgets in (0, 1]) was accepted, and a parallel Run then ran five jobs at budget 1 at
full cost and failed the one at budget 3."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import InvalidParameterError, Study  # noqa: E402
from interactive_hpo.objectives import Branin, MultiFidelity  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

TASK = MultiFidelity(Branin())
BEYOND = {"min_budget": 1, "max_budget": 27}  # Hyperband's usual units; the objective's full budget is 1


def refused(owner):
    return pytest.raises(InvalidParameterError, match=rf"^`max_budget` of 'asha' in {owner} must be a budget the "
                                                      r"objective takes, in \(0, 1\]; got 27\.0\..*Set max_budget=1 "
                                                      r"and min_budget=0\.03703703704")


@pytest.fixture
def journaled(tmp_path):
    """A Lab over a journaled asha study within the objective's budgets, one trial in; the journal's path."""
    path = tmp_path / "study.jsonl"
    study = Study(TASK.space, "asha", seed=0, storage=path, optimizer_settings={"min_budget": 1 / 9})
    lab = Lab(study, TASK)
    lab.step()
    return lab, path


def test_a_switch_beyond_the_budget_range_is_refused_in_the_error_log_before_it_is_journaled(journaled):
    lab, path = journaled
    before = path.read_bytes()
    lab.optimizer_panel.choice.value = "hyperband"
    lab.optimizer_panel.fields["min_budget"].value = "1"  # a Text: its default, None, is max_budget / 27
    lab.optimizer_panel.fields["max_budget"].value = 27
    lab.optimizer_panel.apply.click()  # the Optimizer tab's Switch
    shown = lab.optimizer_panel.apply_error.value  # under Switch (ErrorLog.spot)
    assert "`max_budget` of &#x27;hyperband&#x27; in Lab.switch_optimizer" in shown
    with refused("Lab.switch_optimizer"):
        lab.controller.switch_optimizer("asha", BEYOND)
    assert path.read_bytes() == before and lab.study.optimizer.max_budget == 1
    lab.controller.switch_optimizer("asha", {"min_budget": 1 / 27})  # within (0, 1]: switched
    assert lab.study.optimizer.min_budget == 1 / 27


def test_a_change_of_settings_beyond_the_budget_range_is_refused_before_it_is_journaled(journaled):
    lab, path = journaled
    before = path.read_bytes()
    with refused("Lab.change_settings"):  # named Lab.switch_optimizer, had it been refused
        lab.controller.change_settings(BEYOND)
    with pytest.raises(InvalidParameterError, match=r"^`max_budget` of 'asha' in Lab.change_settings .*got 27\.0.*"
                                                    r"min_budget=0\.004115226337"):
        lab.controller.change_settings({"max_budget": 27})  # with the min_budget it has, 1/9
    assert path.read_bytes() == before and lab.study.optimizer.min_budget == 1 / 9
    lab.controller.change_settings({"reduction_factor": 2})  # its budgets kept: changed
    assert (lab.study.optimizer.reduction_factor, lab.study.optimizer.min_budget) == (2, 1 / 9)


@pytest.mark.parametrize("optimizer", ["asha", None])  # named, or the one in charge then with its settings
def test_a_fork_beyond_the_budget_range_is_refused_before_its_journal_is_written(journaled, optimizer):
    lab, path = journaled
    with refused("Lab.fork"):
        lab.fork(1, optimizer, BEYOND)
    assert list(lab.branches) == ["main"] and sorted(p.name for p in path.parent.iterdir()) == ["study.jsonl"]
    lab.fork(1, optimizer, {"max_budget": 1, "min_budget": 1 / 3})  # within (0, 1]
    assert lab.study.optimizer.min_budget == 1 / 3 and lab.branch_name == "fork@1"


def test_a_parallel_run_checks_the_objective_as_a_step_does():
    study = Study(TASK.space, "random", seed=0)
    with ThreadPoolExecutor(2) as pool:
        lab = Lab(study, TASK, executor=pool, n_workers=2)
        study.switch_optimizer("asha", **BEYOND)  # outside the Lab: only its Run can tell
        with refused("Lab.run"):
            lab.run(6)
        asyncio.run(lab._run_in_background(6))  # the Run button in a kernel
    assert "in Lab.run must be a budget the objective takes" in lab.errors.widget.value
    assert study.trials == [] and not lab.run_button.disabled
