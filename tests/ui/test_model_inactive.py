"""The Model tab in a conditional space: a trial or proposal lacking a parameter on an axis is
left off the maps (as a warm-start source's is), a line says how many, and the star is the
point the next Step evaluates (audit a190, items 1 and 2)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, Int, SearchSpace  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST  # noqa: E402

SVM = SearchSpace([Float("C", 1e-3, 1e3, log=True), Categorical("kernel", ["linear", "rbf", "poly"]),
                   Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly"])),
                   Int("degree", 2, 5, condition=("kernel", ["poly"])),
                   Float("coef0", 0.0, 1.0, condition=("degree", [3, 4]))])


def svm_loss(params):
    """A linear kernel best: the model proposes linear trials, which lack gamma, degree and coef0."""
    return 0.3 + 0.05 * abs(np.log10(params["C"]) - 1) - 0.25 * (params["kernel"] == "linear")


@pytest.fixture(scope="module")
def lab():
    lab = Lab(svm_loss, space=SVM, seed=0, optimizer_settings={**FAST, "n_initial": 4})
    lab.run(6)
    proposal = SVM.from_unit(lab.controller.present(lab.study.history()).proposal)
    kernels = {t.params["kernel"] for t in lab.study.trials}
    assert {"linear", "poly"} <= kernels and proposal["kernel"] == "linear", "the tests need these at seed 0"
    return lab


def position(trial, name):
    """Where ``trial`` sits along the axis of ``name``: its value, a categorical's choice index."""
    value = trial.params[name]
    return SVM[name].index(value) if name == "kernel" else value


def absent(panel):
    """The line above the maps about what they leave off, as text (None when hidden)."""
    shown = panel.absent.layout.display != "none"
    return html.unescape(re.sub("<[^>]+>", "", panel.absent.value)) if shown else None


@pytest.mark.parametrize("pair", [("kernel", "gamma"), ("degree", "coef0"), ("C", "kernel")])
def test_trials_lacking_a_parameter_on_an_axis_are_left_off_the_maps_and_counted(lab, pair):
    """Before: every linear trial sat at gamma's centre, or at degree 3.5 (a level an Int has not)."""
    panel = lab.surrogate_panel
    panel.x_choice.value, panel.y_choice.value = pair
    assert panel.pair == pair
    done = [t for t in lab.study.trials if t.value is not None]
    having = [t for t in done if set(pair) <= set(t.params)]
    expected = [[position(t, name) for name in pair] for t in having]
    drawn = panel.maps.points[0].get_offsets()
    assert np.allclose(np.asarray(drawn, dtype=float).reshape(-1, 2), np.reshape(expected, (-1, 2)))
    hidden = len(done) - len(having)
    if hidden:
        assert absent(panel).startswith(f"{hidden} of {len(done)} trials {'is' if hidden == 1 else 'are'} not drawn: ")
    proposal = SVM.from_unit(lab.controller.present(lab.study.history()).proposal)
    starred = len(panel.maps.proposals[0].get_offsets())
    assert starred == (set(pair) <= set(proposal))
    if not starred:
        assert "the proposal is not starred: " in absent(panel)
    if not hidden and starred:
        assert absent(panel) is None
    assert not lab.errors.errors


def test_the_star_is_the_trial_the_next_step_makes(lab):
    """Before: the raw acquisition point, its inactive coordinates wherever the optimiser left them."""
    shown = lab.controller.present(lab.study.history())
    trial = lab.step()
    assert np.array_equal(shown.proposal, trial.x)
    assert np.array_equal(shown.proposal, SVM.snap(shown.proposal))
