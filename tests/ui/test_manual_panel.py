"""The manual panel's scoreboard: whose best trial leads, counted as ``Study.best_trial`` counts."""

from __future__ import annotations

from interactive_hpo import Float, SearchSpace, Study
from interactive_hpo.outcome import Evaluation
from interactive_hpo.ui.manual_panel import ManualPanel, scoreboard

SPACE = SearchSpace([Float("x", 0.0, 1.0)])


def test_each_side_best_is_its_best_feasible_trial_and_a_better_infeasible_one_is_named():
    study = Study(SPACE, "random", direction="maximize", seed=0)
    study.run(lambda p: Evaluation(p["x"], constraints=[p["x"] - 0.7]), 6, progress=False)  # x > 0.7 breaks it
    study.add_manual({"x": 0.95}, 0.95, constraints=[0.25])
    study.add_manual({"x": 0.6}, 0.6, constraints=[-0.1])
    optimizer = [t for t in study.trials if t.source != "manual"]
    assert any(not t.feasible and t.value > study.best_value for t in optimizer)  # the case this test is about
    board = scoreboard(study.trials, "maximize")
    assert board["optimizer"] is study.best_trial and board["manual"] is study.trials[-1]
    panel = ManualPanel(SPACE)
    panel.update(study.trials, "maximize")
    score = panel.score.value
    assert f"best manual: <b>0.6</b> (trial {study.trials[-1].number})" in score
    assert f"<i>not trial {study.trials[-2].number}'s 0.95: infeasible</i>" in score
    top = max(optimizer, key=lambda t: t.value)
    assert f"best optimizer: <b>{study.best_value:.6g}</b> (trial {study.best_trial.number}), " \
           f"<i>not trial {top.number}'s {top.value:.6g}: infeasible</i>" in score
    assert "the optimizer is ahead" in score  # its 0.6995 beats your feasible 0.6, not your infeasible 0.95


def test_a_side_with_only_infeasible_trials_has_no_best_yet():
    study = Study(SPACE, "random", seed=0)
    study.add_manual({"x": 0.1}, 0.1, constraints=[1.0])
    assert scoreboard(study.trials, "minimize")["manual"] is None
    panel = ManualPanel(SPACE)
    panel.update(study.trials, "minimize")
    assert panel.score.value.startswith("best manual: none yet, <i>not trial 0's 0.1: infeasible</i>")
    assert "ahead" not in panel.score.value


def test_the_form_offers_a_plot_click_only_when_its_host_has_a_plot_to_click():
    title = lambda panel: panel.widget.children[0].value  # noqa: E731
    assert "surrogate plot" not in title(ManualPanel(SPACE))  # the Race app's form: no plot there
    assert "(or click a point of the surrogate plot)" in title(ManualPanel(SPACE, plot_clicks=True))


def test_a_tie_is_said_as_one():
    study = Study(SPACE, "random", seed=0)
    optimizer = study.ask()
    study.tell(optimizer, 1.0)
    study.add_manual({"x": 0.5}, 1.0)
    panel = ManualPanel(SPACE)
    panel.update(study.trials, "minimize")
    assert panel.score.value.endswith("&mdash; level: the same best value")  # was "you are ahead"
    study.add_manual({"x": 0.25}, 0.5)
    panel.update(study.trials, "minimize")
    assert panel.score.value.endswith("&mdash; <b>you are ahead</b>")


def test_a_tie_to_the_digits_shown_is_level_too():
    study = Study(SPACE, "random", seed=0)
    study.tell(study.ask(), 0.3)
    study.add_manual({"x": 0.5}, 0.1 + 0.2)  # 0.30000000000000004: "the optimizer is ahead" (r415)
    panel = ManualPanel(SPACE)
    panel.update(study.trials, "minimize")
    assert panel.score.value.endswith("&mdash; level: the same best value")
