"""A past step's views count the full budget in force at that step (``full_budget_at``): after a
switch from a scheduler with ``max_budget=9`` to one with 27, a step before the switch still
counts its budget-9 trials as full evaluations: its best trial, its best so far (the Lab's
timeline, an export's frames) and the data of its importance analyses (the Lab's Importance tab
when scrubbing)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.analysis import below_full_budget, trial_data  # noqa: E402
from interactive_hpo.plots.export_frames import _slice_anchor, draw_step  # noqa: E402
from interactive_hpo.plots.pareto import pareto_info  # noqa: E402
from interactive_hpo.study.branching import fork_study  # noqa: E402
from interactive_hpo.study.past import full_budget_at, full_budgets  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.ui.importance_analyses import importance_info  # noqa: E402

SPACE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])


def _objective(params, budget):
    """Cheap budgets flatter a configuration: a lower rung's value beats every full evaluation's."""
    return (params["x"] - 0.7) ** 2 + (params["y"] - 0.3) ** 2 - 0.5 / budget


@pytest.fixture(scope="module")
def switched():
    """Hyperband at budgets 1 to 9 for 20 trials, then at 3 to 27; the step of its last trial at 9."""
    study = Study(SPACE, "hyperband", seed=0, optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(_objective, n_trials=20, progress=False)
    step = len(study.trials) - 1  # asked before the switch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what the switch says of the budget-9 trials: not what is tested
        study.switch_optimizer("hyperband", min_budget=3, max_budget=27)
    study.run(_objective, n_trials=4, progress=False)
    assert study.full_budget == 27
    return study, step


def _known(study, step):
    """The COMPLETE trials before ``step``, those at budget 9 apart."""
    done = [t for t in study.trials[:step] if t.state.value == "COMPLETE"]
    return done, [t for t in done if t.budget == 9]


def test_the_full_budget_of_a_step_is_the_one_in_force_then(switched):
    study, step = switched
    assert full_budget_at(study.state, step) == 9  # was study.full_budget (27) wherever a past step was shown
    assert full_budget_at(study.state, step + 1) == 27  # asked by the scheduler switched to
    assert full_budget_at(study.state, len(study.trials)) == study.full_budget


def test_a_frame_before_the_switch_shows_the_best_budget_9_trial_as_the_best_so_far(switched):
    study, step = switched
    _, at_nine = _known(study, step)
    assert at_nine  # the step knew full evaluations
    fig = Figure()
    draw_step(study, step, fig)  # hyperband has no model: the trials and the best so far
    best = fig.axes[1].lines[0].get_ydata()
    # Before: NaN all along, no trial having run at 27 by then.
    assert best[-1] == min(t.value for t in at_nine)
    # A model's frame cuts it through the best trial then: was the lowest of every rung's values.
    best = min(at_nine, key=lambda t: t.value)
    done, _ = _known(study, step)
    values = np.array([t.value for t in done])
    assert _slice_anchor(study, step, done, values, None, ["x", "y"]) == best.params != \
        min(done, key=lambda t: t.value).params
    last = len(study.trials) - 1
    draw_step(study, last, fig)  # the present counts at 27: the budget-9 trials are lower rungs now
    now = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_array_equal(now, study.history().best_values[:last])


def test_the_importance_of_a_step_before_the_switch_reads_its_full_evaluations(switched):
    study, step = switched
    done, at_nine = _known(study, step)
    X, _ = trial_data(study, step=step)  # before: none, every trial counted below 27
    np.testing.assert_array_equal(X, [t.x for t in at_nine])
    assert below_full_budget(study, step) == len(done) - len(at_nine)
    info = importance_info(study, "forest", step=step)
    assert (info.n_trials, info.below_full) == (len(at_nine), len(done) - len(at_nine))


def _two(params, budget):
    return _objective(params, budget), params["x"]


@pytest.fixture(scope="module")
def switched_two():
    """``switched`` with two objectives, two trials after the switch."""
    study = Study(SPACE, "hyperband", seed=0, directions=["minimize", "minimize"],
                  optimizer_settings={"min_budget": 1, "max_budget": 9})
    study.run(_two, n_trials=20, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.switch_optimizer("hyperband", min_budget=3, max_budget=27)
    study.run(_two, n_trials=2, progress=False)
    return study, 19


def test_a_frame_of_two_objectives_before_the_switch_draws_the_front_of_its_full_evaluations(switched_two):
    study, step = switched_two
    _, at_nine = _known(study, step + 1)  # the front's frame shows the trials up to the step's own
    front = [t for t in at_nine if not any(u.values != t.values and all(np.less_equal(u.values, t.values))
                                           for u in at_nine)]
    caption = draw_step(study, step, Figure())
    # Before: "Pareto front of 0 of 20 trials", no trial having run at 27 by then.
    assert front and f"Pareto front of {len(front)} of {step + 1} trials" in caption


def test_the_lab_s_timeline_at_a_step_before_the_switch_holds_its_best_budget_9_trial(switched):
    study, step = switched
    _, at_nine = _known(study, step)
    lab = Lab(study, _objective)
    lab.travel(step)
    solid, faded = lab.timeline.ax.lines[:2]
    # Solid up to the step: the best known then. Before: NaN all along (no trial at 27 by then).
    assert solid.get_ydata()[-1] == min(t.value for t in at_nine)
    np.testing.assert_array_equal(faded.get_ydata(), study.history().best_values[step:])  # the rest as now
    assert lab.importance_panel.step == step and not lab.errors.errors
    lab.travel(None)
    np.testing.assert_array_equal(lab.timeline.ax.lines[0].get_ydata(), study.history().best_values)


def test_the_lab_s_hypervolume_at_a_step_before_the_switch_measures_its_budget_9_trials(switched_two):
    study, step = switched_two
    _, at_nine = _known(study, step)
    lab = Lab(study, _two)
    lab.pareto_panel.set_reference([2.0, 2.0])
    lab.travel(step)
    solid = lab.timeline.ax.lines[0]
    volume = pareto_info(np.array([t.values for t in at_nine]), ["minimize", "minimize"], reference=[2.0, 2.0])
    assert volume.final_hypervolume > 0  # was 0 on the timeline: nothing counted
    assert solid.get_ydata()[-1] == pytest.approx(volume.final_hypervolume)
    assert not lab.errors.errors


def test_best_so_far_holds_when_another_thread_asks_between_its_reads(monkeypatch):
    # The Lab's timeline redraws while a run asks: the history read after the trials was longer
    # than them, and np.where raised (operands (3,) and (4,), review r366).
    from interactive_hpo.study.past import best_so_far

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    study.run(lambda params: params["x"], n_trials=3)
    history = study.history

    def asked_meanwhile(*args, **kwargs):
        study.ask()  # another thread's ask, between best_so_far's two reads
        return history(*args, **kwargs)

    monkeypatch.setattr(study, "history", asked_meanwhile)
    best = best_so_far(study, 1.0)
    assert len(best) in (3, 4) and best[2] == min(t.value for t in study.trials[:3])


def test_full_budgets_reads_every_step_as_full_budget_at_does(switched):
    """One reading of the journal for every step, as an export's frames ask (was 8 s for the frames
    of 2,000 trials, each step reading every event again): a switch, carried budgets and an undo."""
    study, _ = switched
    forked = fork_study(study, len(study.trials), optimizer="random").study  # trials carrying budget 27
    forked.add_manual({"x": 0.5, "y": 0.5}, 0.3)
    forked.undo_manual()  # its number is taken by the next trial
    forked.run(lambda params: params["x"], n_trials=2, progress=False)
    for state in (study.state, forked.state):
        assert full_budgets(state) == [full_budget_at(state, n) for n in range(len(state.trials))]
    assert set(full_budgets(study.state)) == {9, 27} and full_budgets(forked.state)[-3:] == [27, 27, 27]
