"""What the Pareto panel's hypervolume axes say while they have no curve (audit a418): no trial
yet, or no reference point yet; the two were one message, "waiting for the reference point"."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.objectives import ZDT2  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.pareto_panel import ParetoPanel  # noqa: E402

NO_TRIAL, NO_REFERENCE = "hypervolume: no trial has finished yet", "hypervolume: waiting for the reference point"


def test_a_declared_reference_with_no_trial_says_no_trial_has_finished():
    # ZDT2 declares its reference point (11, 11): a fresh Lab, and the same Lab after Run and
    # Reset, have it, shown in the caption and the fields, while the axes said they waited for it.
    lab = Lab(ZDT2(dim=3), optimizer="sobol", seed=0)
    panel = lab.pareto_panel
    assert panel.reference.tolist() == [11.0, 11.0] and panel.volume_note.get_text() == NO_TRIAL
    lab.run(2)
    assert panel.volume_note.get_text() == "" and panel.volume_ax.get_lines()
    lab.reset_button.click()
    assert not lab.study.trials and panel.reference.tolist() == [11.0, 11.0]
    assert panel.volume_note.get_text() == NO_TRIAL and not lab.errors.errors


def test_a_reference_not_yet_inferred_is_still_waited_for():
    study = Study(SearchSpace([Float("x", 0, 1)]), "sobol", directions=["minimize", "minimize"], seed=0)
    study.run(lambda p: (p["x"], 1 - p["x"]), n_trials=2, progress=False)
    panel = ParetoPanel(study.goals)  # the reference is inferred from 5 feasible trials
    assert panel.reference is None and panel.volume_note.get_text() == NO_REFERENCE
    panel.update(study.trials)
    assert panel.reference is None and panel.volume_note.get_text() == NO_REFERENCE
