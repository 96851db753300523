"""The Lab's status line says when trials failed, and why the last one did."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from interactive_hpo import TrialState  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import LINE, quad  # noqa: E402


def fragile(params):
    if params["x"] > 0:
        raise RuntimeError("the model diverged")
    return quad(params)


def test_a_step_whose_objective_fails_says_so_on_the_status_line():
    lab = Lab(fragile, space=LINE, optimizer="random", seed=0)
    lab.study.enqueue({"x": -1.0})
    lab.step_button.click()
    assert "failed" not in lab.status.value
    lab.study.enqueue({"x": 1.5})
    lab.step_button.click()  # a FAILED trial, not an app error: but not a silent one either
    assert lab.study.trials[-1].state is TrialState.FAILED and not lab.errors.errors
    assert "1 failed (last: trial 1, RuntimeError: the model diverged)" in lab.status.value
    assert lab.status.value.startswith("Trials: 2 &middot; best 4 (trial 0)")
    assert lab.status.value.endswith("optimizer: random")


def test_values_that_are_no_number_and_long_reasons_are_shown_shortened():
    lab = Lab(lambda params: float("nan"), space=LINE, optimizer="random", seed=0)
    lab.run(2)
    assert "2 failed (last: trial 1, the objective returned nan)" in lab.status.value
    reason = "ValueError: " + "x" * 500
    lab = Lab(lambda params: (_ for _ in ()).throw(ValueError("x" * 500)), space=LINE, optimizer="random", seed=0)
    lab.step()
    assert lab.study.trials[0].error == reason
    assert "…)</span>" in lab.status.value and f'title="{reason}"' in lab.status.value


def test_a_grid_used_up_says_why_step_and_run_are_greyed_out():
    # Step and Run greyed out with no reason when the grid had proposed its last point.
    lab = Lab(quad, space=LINE, optimizer="grid", optimizer_settings={"resolution": 3}, seed=0)
    lab.run(5)
    assert len(lab.study.trials) == 3 and lab.step_button.disabled and lab.run_button.disabled
    assert ("grid exhausted: nothing left to propose; switch optimizer to go on</span> &middot; "
            "optimizer: grid") in lab.status.value
    lab.study.enqueue({"x": 0.5})  # a queued configuration is a step to take: nothing to explain
    assert not lab.step_button.disabled and "exhausted" not in lab.status.value
    lab.step()
    assert "grid exhausted" in lab.status.value
    lab.controller.switch_optimizer("random")
    assert not lab.step_button.disabled and "exhausted" not in lab.status.value


def test_a_population_used_up_greys_out_its_generation_button_too():
    # Step and Run were greyed out; Generation stayed and its click logged SearchExhausted.
    from interactive_hpo import Categorical, Int, SearchSpace
    from interactive_hpo.objectives import FunctionObjective

    space = SearchSpace([Int("a", 0, 1), Categorical("c", ["x", "y", "z"])])
    lab = Lab(FunctionObjective(lambda p: p["a"] + (p["c"] == "y"), space), optimizer="ga", seed=0)
    lab.run(20)
    assert len(lab.study.trials) == 6 and lab.step_button.disabled and lab.generation_button.disabled
    assert "ga exhausted" in lab.status.value and not lab.errors.errors
