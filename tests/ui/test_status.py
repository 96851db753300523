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
