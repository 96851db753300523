"""After a switch from Hyperband to BO in the Lab, the Lab shows how many trials the GP does not
learn (``study.learnt``), and the Importance tab reads the GP on the full-budget trials its
caption counts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import warnings  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

CUBE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0), Float("c", 0.0, 1.0)])

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def cheap_sees_a(params, budget=1.0):
    return params["a"] if budget < 1 else params["b"]


def test_the_lab_says_what_the_gp_switched_to_does_not_learn_and_the_caption_counts_what_it_read():
    # Before: the GP learnt all 60 Hyperband jobs (49 lower rungs, where only a shows) and ranked a
    # first, while the caption said "11 completed trials at the full budget (49 below it left out".
    study = Study(CUBE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9, "max_budget": 1})
    study.run(cheap_sees_a, n_trials=60, progress=False)
    n_full = sum(t.budget >= 1 for t in study.trials)
    lab = Lab(study, cheap_sees_a)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # a notebook's filters (pytest may run with -W ignore)
        lab.optimizer_panel.choice.value = "bo"
        lab.optimizer_panel.apply.click()
    assert lab.study.optimizer.name == "bo" and not lab.errors.errors
    said = f"Study.switch_optimizer: {60 - n_full} completed trial(s) ran below the full budget (1); 'bo' does not"
    assert any(said in warning for warning in lab.errors.warnings)
    assert "does not learn from them" in lab.errors.warning_widget.value
    assert len(lab.study.surrogate().X) == n_full
    lab.tabs.selected_index = lab.tabs.titles.index("Importance")
    panel = lab.importance_panel
    assert panel.info.source == "gp" and panel.info.n_trials == n_full and panel.info.indices.ranking()[0] == "b"
    assert f"{n_full} completed trials at the full budget ({60 - n_full} below it left out" in panel.caption.value
