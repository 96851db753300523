"""The multi-fidelity panel's Promote and Stop: greyed out until a job is chosen (audit a418)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from interactive_hpo import Study  # noqa: E402
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
