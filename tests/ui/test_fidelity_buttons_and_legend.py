"""The multi-fidelity panel (audit a418): Promote and Stop greyed out until a job is chosen, and
the curves' legend over none of their points."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Branin, MultiFidelity  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.fidelity_panel import FidelityPanel, fidelity_records  # noqa: E402

from ..fidelity_helpers import LINE, bowl  # noqa: E402


def test_promote_and_stop_are_disabled_until_a_job_is_chosen():
    # The job list starts blank although jobs exist; a click on Promote or Stop then only wrote
    # "`job` of FidelityPanel must be a job chosen in the list before Promote" with a traceback.
    study = Study(LINE, "halving", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(bowl, n_trials=9, progress=False)
    log, received = ErrorLog(), []
    panel = FidelityPanel(log)
    panel.on_override(lambda number, action: received.append((number, action)))
    buttons = (panel.promote_button, panel.stop_button)
    assert all(button.disabled for button in buttons)        # no job at all yet
    panel.update(fidelity_records(study))
    assert len(panel.job.options) == 9 and panel.job.value is None
    assert all(button.disabled for button in buttons)        # jobs listed, none chosen
    panel.job.value = panel.job.options[0][1]
    assert not any(button.disabled for button in buttons)
    panel.stop_button.click()
    assert received == [(panel.job.value, "stop")] and log.widget.value == ""
    panel.job.value = None                                   # chosen again: none
    assert all(button.disabled for button in buttons)
    # The job chosen stays chosen as the list changes (new options selected the first, the newest trial: r424).
    panel.job.value = chosen = panel.job.options[-1][1]
    study.run(bowl, n_trials=2, progress=False)
    records = fidelity_records(study)
    panel.update(records)
    assert len(panel.job.options) == 11 and panel.job.value == chosen


def test_the_curves_legend_covers_none_of_their_points():
    # Placed by loc="best", it sat over the point where trial 8's configuration was stopped, (0.111, 66.44).
    lab = Lab(MultiFidelity(Branin()), optimizer="hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9})
    for _ in range(3):
        lab.step()
    lab.run(12)
    ax = lab.fidelity_panel.curve_ax
    ax.figure.canvas.draw()
    points = np.concatenate([line.get_xydata() for line in ax.lines])
    points = points[np.isfinite(points).all(axis=1)]
    assert np.isclose(points, [1 / 9, 66.4427], atol=1e-3).all(axis=1).any()  # the point it hid is drawn
    box = ax.get_legend().get_window_extent()
    assert len(points) > 20 and not any(box.contains(*pixel) for pixel in ax.transData.transform(points))
    assert box.y0 >= ax.get_window_extent().y1 - 1 and box.y1 <= ax.figure.bbox.y1  # above the Axes, on the figure


def test_promote_is_greyed_out_once_the_chosen_jobs_configuration_was_promoted():
    # A second Promote was refused "Config 7 already entered rung 1", and the refusal appeared
    # atop the Lab, off screen (browser audit a470).
    study = Study(LINE, "halving", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(bowl, n_trials=9, progress=False)
    panel = FidelityPanel(ErrorLog())
    panel.on_override(lambda number, action: study.promote(number))
    panel.update(fidelity_records(study))
    rows = {row["number"]: row for row in fidelity_records(study).rows}
    stopped = next(n for n, row in rows.items() if row["scheduler"] == "stop")
    panel.job.value = stopped
    assert not panel.promote_button.disabled
    panel.promote_button.click()  # you promote what the scheduler stopped
    panel.update(fidelity_records(study))  # what the Lab does when the study changes
    assert panel.job.value == stopped and panel.promote_button.disabled and not panel.stop_button.disabled
    promoted = next(n for n, row in rows.items() if row["scheduler"] == "promote")
    panel.job.value = promoted
    assert panel.promote_button.disabled
