"""The Lab's Importance tab (issue 28, item 4), headless (Agg): bars with intervals and partial
dependence, computed only while the tab is shown, at the step the timeline views."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.analysis import importance  # noqa: E402
from interactive_hpo.ui import Lab, importance_analyses  # noqa: E402
from interactive_hpo.ui.importance_panel import ImportancePanel, importance_info  # noqa: E402

from .lab_helpers import NOT_CLICKS, press  # noqa: E402

CUBE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0), Float("c", 0.0, 1.0)])
#: A GP that proposes quickly.
TINY_GP = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64}


def bowl(params):
    """``a`` matters most, ``b`` a little, ``c`` not at all."""
    return 10 * (params["a"] - 0.5) ** 2 + params["b"]


def lab_of(optimizer="sobol", n_trials=0, settings=None):
    """A Lab over a study run beforehand (faster than the Lab's own Run, which redraws each trial)."""
    study = Study(CUBE, optimizer, seed=0, optimizer_settings=settings)
    study.run(bowl, n_trials=n_trials, progress=False)
    return Lab(study, bowl)


def show(lab):
    lab.tabs.selected_index = lab.tabs.titles.index("Importance")
    return lab.importance_panel


@pytest.fixture
def calls(monkeypatch):
    """Count the surrogates the panel builds (one per computation)."""
    made = []
    original = importance_analyses.surrogate_of

    def counting(*args, **kwargs):
        made.append(kwargs.get("step"))
        return original(*args, **kwargs)

    monkeypatch.setattr(importance_analyses, "surrogate_of", counting)
    return made


def test_the_tab_draws_bars_with_intervals_and_the_top_partial_dependence():
    lab = lab_of(n_trials=12)
    panel = show(lab)
    info = panel.info
    assert lab.tabs.titles[:3] == ("Model", "History", "Importance") and not lab.errors.errors
    assert info.source == "forest" and info.n_trials == 12 and info.indices.ranking()[0] == "a"
    bars = panel.bars_ax
    assert len(bars.patches) == 2 * CUBE.dim  # a total and a first-order bar per parameter
    whiskers = [c for c in bars.collections if len(c.get_segments()) == CUBE.dim]
    assert len(whiskers) == 2  # intervals on both
    assert [t.get_text() for t in bars.get_yticklabels()] == info.indices.ranking()
    assert [pd.names[0] for pd in info.dependence] == info.indices.ranking()[:2]
    assert len(panel.dependence_axes) == 2
    for ax, pd in zip(panel.dependence_axes, info.dependence, strict=True):
        assert np.allclose(ax.get_lines()[0].get_ydata(), pd.mean) and ax.collections  # the curve and its band
    # The legend says what the band is (it said "band").
    assert [t.get_text() for t in panel.dependence_axes[0].get_legend().get_texts()] == \
        [f"{info.dependence[0].level:.0%} interval", "partial dependence"]
    assert "random forest" in panel.caption.value and "12 completed trials" in panel.caption.value
    assert "256 points" in panel.caption.value
    assert panel.surrogate_choice.layout.display == "none"  # no GP to choose


def test_a_conditional_parameters_partial_dependence_says_where_it_was_averaged():
    """gamma applies to the rbf kernel only: its curve is titled so (a190 L5), kernel's is not."""
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf")), Float("C", 0.0, 1.0)])
    study = Study(space, "random", seed=0)
    study.run(lambda p: 3 * (p["kernel"] == "linear") + (p.get("gamma", 0.0) - 0.3) ** 2, n_trials=12, progress=False)
    panel = ImportancePanel(study.goals, settings={"n": 64, "n_samples": 8})
    panel.chosen = "gamma"
    panel.update(study)
    titles = {pd.names[0]: ax.get_title().replace("\n", "") for pd, ax in
              zip(panel.info.dependence, panel.dependence_axes, strict=True)}
    assert titles["gamma"] == "averaged only where gamma applies: kernel is 'rbf'"
    assert titles.get("kernel", "") == ""


def test_a_hidden_tab_computes_nothing_and_computes_once_when_shown(calls):
    lab = lab_of(n_trials=10)
    panel = lab.importance_panel
    assert calls == [] and panel.figure.stale and panel.info is None  # hidden since the Lab was built
    show(lab)
    assert calls == [None] and not panel.figure.stale
    lab.step()  # shown: follows the trials
    assert len(calls) == 2 and panel.info.n_trials == 11
    lab.tabs.selected_index = 1  # History
    lab.run(3)
    assert len(calls) == 2 and panel.figure.stale and panel.info.n_trials == 11
    show(lab)
    assert len(calls) == 3 and panel.info.n_trials == 14  # once, for the three trials
    lab.tabs.selected_index = 0
    show(lab)  # nothing new: nothing recomputed, nothing redrawn
    assert len(calls) == 3 and panel.computations == 3 and not lab.errors.errors


def test_time_travel_shows_the_estimates_at_that_step():
    lab = lab_of(n_trials=14)
    panel = show(lab)
    present = panel.info.indices
    lab.travel(10)
    info = panel.info
    assert info.step == 10 and info.n_trials == 10 and "10 completed trials at step 10" in panel.caption.value
    expected = importance_info(lab.study, step=10).indices
    assert np.array_equal(info.indices.total, expected.total)
    assert np.array_equal(info.indices.total_interval, expected.total_interval)
    assert not np.array_equal(info.indices.total, present.total)
    lab.travel(None)
    assert panel.info.step is None and np.array_equal(panel.info.indices.total, present.total)
    lab.timeline.step.value = 9  # the slider does what travel does
    assert panel.info.step == 9 and not lab.errors.errors


def test_the_gp_forest_toggle():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    lab = lab_of("bo", n_trials=9, settings={**TINY_GP, "n_initial": 8})  # one GP proposal: trial 8
    panel = show(lab)
    assert panel.surrogate_choice.layout.display is None and panel.info.source == "gp"
    assert "Gaussian process (32 posterior sample paths)" in panel.caption.value
    panel.surrogate_choice.value = "forest"
    assert panel.info.source == "forest" and "random forest" in panel.caption.value
    lab.travel(8)  # the GP that proposed trial 8
    assert panel.info.source == "forest" and panel.info.n_trials == 8
    panel.surrogate_choice.value = "GP"
    assert panel.info.source == "gp" and "8 completed trials at step 8" in panel.caption.value
    lab.travel(None)
    lab.optimizer_panel.choice.value = "random"  # no GP any more: no choice
    lab.optimizer_panel.apply.click()
    assert panel.surrogate_choice.layout.display == "none" and panel.info.source == "forest"
    lab.travel(8)  # but at step 8 a GP proposed the trial: that GP is read
    assert panel.info.source == "gp"
    assert not lab.errors.errors


def test_too_few_trials_show_a_message(calls):
    lab = lab_of(n_trials=5)
    panel = show(lab)
    assert "5 completed trial(s)" in panel.caption.value and "from 8 on" in panel.caption.value
    assert panel.figure.widget.layout.display == "none" and panel.info.indices is None and calls == []
    lab.run(3)
    assert panel.figure.widget.layout.display is None and panel.info.n_trials == 8 and len(calls) == 1


def test_an_objective_that_never_varied_shows_a_message_not_bars(calls):
    # The surrogate's sample paths still wiggle: the tab drew confident shares of them.
    study = Study(CUBE, "sobol", seed=0)
    study.run(lambda params: 1.0, n_trials=9, progress=False)
    panel = show(Lab(study, bowl))
    assert "all 9 completed trials have the same value (1): no parameter has shown an effect" in panel.caption.value
    assert panel.info.indices is None and panel.figure.widget.layout.display == "none" and len(calls) == 1


def cheap_sees_a(params, budget=1.0):
    return params["a"] if budget < 1 else params["b"]


def test_a_schedulers_lower_rungs_are_left_out_and_counted():
    # Before: the tab read all 60 Hyperband jobs, 49 of them at 1/9 or 1/3 of the budget where
    # only x shows: x ranked first, though at the full budget only y matters.
    study = Study(CUBE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9, "max_budget": 1})
    study.run(cheap_sees_a, n_trials=60, progress=False)
    small = {"n": 64, "n_samples": 8, "n_background": 16, "resolution": 8}
    info = importance_info(study, settings=small)
    n_full = sum(t.budget >= 1 for t in study.trials)
    assert info.indices.ranking()[0] == "b" and (info.n_trials, info.below_full) == (n_full, 60 - n_full)
    panel = ImportancePanel(study.goals, settings=small).update(study)
    assert f"{n_full} completed trials at the full budget ({60 - n_full} below it left out" in panel.caption.value
    early = importance_info(study, step=20)
    assert early.indices is None and early.message.startswith("3 completed trial(s) at the full budget (17 below")


def test_the_gp_of_a_step_a_scheduler_proposed_reads_the_full_budget_trials_the_caption_counts():
    # At a step Hyperband proposed, the GP of the optimizer switched to is refitted on the trials
    # before it: it was told all 59 (50 lower rungs, where only a shows), ranked a first, while the
    # caption said "9 completed trials at the full budget (50 below it left out".
    study = Study(CUBE, "hyperband", seed=0, optimizer_settings={"min_budget": 1 / 9, "max_budget": 1})
    study.run(cheap_sees_a, n_trials=60, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the switch says how many it does not learn
        study.switch_optimizer("bo", **TINY_GP)
    small = {"n": 64, "n_samples": 8, "n_background": 16, "resolution": 8}
    n_full = sum(t.budget >= 1 for t in study.trials[:59])
    info = importance_info(study, step=59, settings=small)
    assert info.source == "gp" and (info.n_trials, info.below_full, info.failed) == (n_full, 59 - n_full, 0)
    assert info.indices.ranking()[0] == "b"
    with pytest.warns(UserWarning, match=re.escape(f"importance: {59 - n_full} completed trial(s) before step 59 ran "
                                                   "below the full budget (1) and are left out")):
        importance(study, step=59, n=64, n_samples=8)
    panel = ImportancePanel(study.goals, settings=small).update(study, step=59)
    assert "Gaussian process" in panel.caption.value
    assert f"{n_full} completed trials at the full budget ({59 - n_full} below it left out" in panel.caption.value


def test_the_caption_counts_the_failed_trials_a_gp_reads():
    def fails_high(params):
        if params["a"] > 0.8:
            raise ValueError("diverged")
        return bowl(params)

    study = Study(CUBE, "bo", seed=0, optimizer_settings=TINY_GP)
    study.run(fails_high, n_trials=12, progress=False)
    failed = sum(t.state.value == "FAILED" for t in study.trials)
    assert failed
    panel = ImportancePanel(study.goals, settings={"n": 64, "n_samples": 8}).update(study)
    assert panel.info.source == "gp" and panel.info.failed == failed
    assert (f"{12 - failed} completed trials and {failed} failed one(s) (the GP places them below the worst value)"
            in panel.caption.value)


def test_errors_are_shown_in_the_lab_not_raised(monkeypatch):
    lab = lab_of(n_trials=9)

    def broken(*args, **kwargs):
        raise ValueError("the surrogate is broken")

    monkeypatch.setattr(importance_analyses, "surrogate_of", broken)
    panel = show(lab)
    assert "the surrogate is broken" in lab.errors.widget.value and "Could not estimate" in panel.caption.value
    lab.step()  # and the Lab goes on
    assert len(lab.study.trials) == 10 and len(lab.errors.errors) == 2
    monkeypatch.undo()
    lab.step()
    assert panel.info.indices is not None and panel.info.n_trials == 11


def test_clicking_a_bar_shows_that_parameters_partial_dependence():
    lab = lab_of(n_trials=12)
    panel = show(lab)
    ranking = panel.info.indices.ranking()
    computed = panel.computations
    press(panel.figure.fig, panel.bars_ax, 0.05, 2.0)  # the third bar from the top
    assert panel.chosen == ranking[2] and [pd.names[0] for pd in panel.info.dependence] == [ranking[2], ranking[0]]
    assert panel.computations == computed  # the importance is not recomputed
    panel.select(None)
    assert [pd.names[0] for pd in panel.info.dependence] == ranking[:2]
    with pytest.raises(ValueError, match="one of the parameters"):
        panel.select("nope")


def test_a_right_click_a_double_click_a_zoom_or_a_pan_chooses_no_bar_and_hides_no_error():
    # A press that is not a plain click chose the bar under it, and cleared the error shown.
    study = Study(CUBE, "sobol", seed=0)
    study.run(bowl, n_trials=12, progress=False)
    panel = ImportancePanel(study.goals, settings={"n": 64, "n_samples": 8}).update(study)
    panel.errors.show(ValueError("an error nobody has read yet"))
    for how in NOT_CLICKS:
        press(panel.figure.fig, panel.bars_ax, 0.05, 2.0, how=how)
        assert panel.chosen is None and "nobody has read" in panel.errors.widget.value, how
    press(panel.figure.fig, panel.bars_ax, 0.05, 2.0)
    assert panel.chosen == panel.info.indices.ranking()[2] and panel.errors.widget.value == ""


def test_several_objectives_are_read_one_at_a_time_by_a_forest():
    def two(params):
        return params["a"], (1 - params["c"]) ** 2

    lab = Lab(two, space=CUBE, directions={"cost": "minimize", "loss": "minimize"}, optimizer="sobol", seed=0)
    lab.run(10)
    panel = show(lab)
    assert lab.tabs.titles[3] == "Importance"  # after the Pareto tab, the Model and History tabs
    assert panel.objective_choice.layout.display is None and panel.surrogate_choice.layout.display == "none"
    assert panel.info.indices.ranking()[0] == "a" and "of <b>cost</b>" in panel.caption.value
    panel.objective_choice.value = "loss"
    assert panel.info.indices.ranking()[0] == "c" and panel.info.objective == "loss"
    assert "loss (partial dependence)" == panel.dependence_axes[0].get_ylabel() and not lab.errors.errors
    # What the tab shows, from code: by the objective's name, as analysis.importance takes it; the
    # first objective was read when none was given.
    assert importance_info(lab.study, objective="loss").indices.total.tolist() == panel.info.indices.total.tolist()
    with pytest.raises(InvalidParameterError, match=re.escape(
            "got None. Say which objective, e.g. importance_info(study, objective='cost').")):
        importance_info(lab.study)


def test_the_panel_on_its_own():
    study = Study(CUBE, "random", seed=0)
    study.run(bowl, n_trials=12)
    panel = ImportancePanel(study.goals, settings={"n": 64, "n_samples": 8}).update(study)
    assert panel.info.indices.n_points == 64 and len(panel.info.indices.total_samples) == 8
    assert "8 trees" in panel.caption.value
    with pytest.raises(ValueError, match="`goals` of ImportancePanel"):
        ImportancePanel(study)
