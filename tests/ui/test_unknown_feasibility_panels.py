"""The Lab counts feasibility as the study does (``goals.feasible_mask``): once trials carry
constraints, a trial without them (a manual guess recorded without ``constraints=``) is of
unknown feasibility. The Pareto panel keeps it off the front and out of
the inferred reference, the timeline's hypervolume does not count it, its details and the table
say "unknown", and the scoreboard does not take it for a side's best."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Evaluation, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.optimizers.capabilities import ModelPerObjective  # noqa: E402
from interactive_hpo.ui.history_panel import UNKNOWN_FEASIBILITY, sort_trial_rows, trial_rows  # noqa: E402
from interactive_hpo.ui.lab_goals import models_each_objective, progress_curves  # noqa: E402
from interactive_hpo.ui.manual_panel import ManualPanel, scoreboard  # noqa: E402
from interactive_hpo.ui.pareto_reference import objective_values  # noqa: E402

from .lab_helpers import lab_after  # noqa: E402

SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])


def capped(params):
    """A cost to minimize and a score to maximize; a cost above 0.8 breaks the constraint."""
    cost = params["a"] + 0.5 * params["b"]
    return Evaluation((cost, np.sqrt(params["a"]) - 0.3 * params["b"]), constraints=[cost - 0.8])


@pytest.fixture(scope="module")
def lab():
    """Eight Sobol trials with constraints, then a guess without them that beats them all (the
    form asks for them: see test_a_guess_typed_with_its_constraints_joins_the_front)."""
    lab = lab_after(capped, SQUARE, 8, directions=["minimize", "maximize"], optimizer="sobol", seed=0)
    lab.controller.add_manual({"a": 0.5, "b": 0.5}, [-1.0, 5.0])
    assert not lab.errors.errors and lab.study.trials[-1].constraints is None
    return lab


def test_the_pareto_panel_keeps_a_trial_of_unknown_feasibility_off_the_front(lab):
    study, panel = lab.study, lab.pareto_panel
    guess = study.trials[-1]
    assert guess.feasible and guess not in study.best_trials              # the trial alone / the study
    assert panel.volume_info.front.tolist() == [t in study.best_trials for t in study.trials]
    _, counted = objective_values(study.goals, study.trials)
    assert not counted[-1] and counted[:-1].tolist() == [t.feasible for t in study.trials[:-1]]
    panel.select(guess.number)
    assert "feasibility is unknown" in panel.details.value and "on the Pareto front" not in panel.details.value
    assert "yours none yet" in lab.manual_panel.score.value


def test_the_pareto_plot_draws_it_as_of_unknown_feasibility_not_infeasible(lab):
    # It was a grey x labelled "infeasible" beside details that said its feasibility is unknown.
    panel = lab.pareto_panel
    panel.figure.fig.canvas.draw()
    drawn = {c.get_label(): len(c.get_offsets()) for c in panel.front_ax.collections}
    broken = sum(t.constraints is not None and not t.feasible for t in lab.study.trials)
    assert drawn["feasibility unknown"] == 1 and drawn.get("infeasible", 0) == broken
    assert panel.info.unknown.tolist() == [False] * 8 + [True]


def test_the_hypervolume_over_trials_does_not_grow_with_it(lab):
    curves, label = progress_curves({"main": lab.study}, np.array([2.0, -1.0]))
    assert label == "hypervolume" and curves["main"][-1] == curves["main"][-2] > 0


def test_the_table_says_its_feasibility_is_unknown_and_sorts_it_between(lab):
    panel = lab.history_panel
    column = panel.table_columns.index("feasible")
    cells = {row[0]: row[column] for row in panel.table_rows}
    assert cells[8] == UNKNOWN_FEASIBILITY and {cells[k] for k in range(8)} <= {True, False}
    assert ">unknown<" in panel.table.value
    rows = trial_rows(lab.study.trials, SQUARE.names, lab.study.goals)
    order = [row[column] for row in sort_trial_rows(rows, column, key=panel._sort_key("feasible"))]
    assert order == sorted(order, key=lambda cell: {False: 0, UNKNOWN_FEASIBILITY: 1, True: 2}[cell])
    # A study without constraints: every trial known feasible, as before.
    plain = Study(SQUARE, "sobol", directions=["minimize", "maximize"], seed=0)
    plain.add_manual({"a": 0.5, "b": 0.5}, (0.1, 0.2))
    assert trial_rows(plain.trials, SQUARE.names, plain.goals)[0][5] is True


def test_the_scoreboard_counts_as_best_trial_and_says_why_a_better_guess_does_not():
    line = SearchSpace([Float("x", 0.0, 1.0)])
    study = Study(line, "random", seed=0)
    study.run(lambda p: Evaluation(p["x"], constraints=[0.2 - p["x"]]), 5, progress=False)
    guess = study.add_manual({"x": 0.05}, 0.05)                            # no constraints: unknown
    board = scoreboard(study.trials, "minimize")
    assert board["manual"] is None and board["optimizer"] is study.best_trial
    assert scoreboard(study.trials, "minimize", feasible=False)["manual"] is guess
    panel = ManualPanel(line)
    panel.update(study.trials, "minimize")
    assert f"best manual: none yet, <i>not trial {guess.number}'s 0.05: no constraint values, feasibility " \
           "unknown</i>" in panel.score.value
    unconstrained = Study(line, "random", seed=0)
    unconstrained.add_manual({"x": 0.05}, 0.05)
    assert scoreboard(unconstrained.trials, "minimize")["manual"] is unconstrained.trials[0]


def test_a_model_per_objective_is_read_from_its_declared_capability():
    class PerObjective(ModelPerObjective):                                # not EHVI, the same capability
        propose = restored_view = surrogate = None

    assert models_each_objective(PerObjective.__new__(PerObjective))
    assert not models_each_objective(object())


def test_a_guess_typed_with_its_constraints_joins_the_front():
    """Before: the Manual form had no constraint fields, so a guess typed in a constrained study
    was of unknown feasibility and never joined the front (the README said typed ones do)."""
    lab = lab_after(capped, SQUARE, 4, directions=["minimize", "maximize"], optimizer="sobol", seed=0)
    form = lab.manual_panel
    assert list(form.constraint_fields) == ["constraint 0"]  # as many as the trials carry
    form.fields["a"].value, form.fields["b"].value = 0.5, 0.5
    form.value_fields["objective 0"].value, form.value_fields["objective 1"].value = -1.0, 5.0
    form.record.click()  # the constraint left untyped (NaN): refused, naming its field
    assert "`constraint 0` of ManualPanel must be a finite number" in str(lab.errors.errors[-1])
    assert len(lab.study.trials) == 4
    form.constraint_fields["constraint 0"].value = -0.1
    form.record.click()
    guess = lab.study.trials[-1]
    assert guess.source == "manual" and guess.constraints == (-0.1,) and lab.study.best_trials == [guess]
    assert "yours #4" in form.score.value
