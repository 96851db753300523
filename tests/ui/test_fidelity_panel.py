"""The Lab's multi-fidelity panel: rungs and curves, promote/stop buttons, simulated workers."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import MedianStoppingRule, Study  # noqa: E402
from interactive_hpo.objectives import Branin, MultiFidelity  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from ..fidelity_helpers import LINE, bowl, curve  # noqa: E402
from .lab_helpers import lab_after  # noqa: E402

SETTINGS = {"min_budget": 1, "max_budget": 9}


def n_curves_drawn(axes):
    """Curves on the curve plot: its solid and dashed lines hold them all, a NaN row after each."""
    return sum(int(np.isnan(line.get_xydata()).all(axis=1).sum()) for line in axes.lines
               if line.get_linestyle() in ("-", "--"))


@pytest.fixture
def lab():
    # rung 0 of the first bracket: decided, promotions queued
    return lab_after(bowl, LINE, 9, optimizer="halving", seed=0, optimizer_settings=SETTINGS)


@pytest.fixture(scope="module")
def shared_lab():
    """``lab``, built once for the tests that leave its study alone (each checks it still holds its
    9 trials and no override before it starts)."""
    return lab_after(bowl, LINE, 9, optimizer="halving", seed=0, optimizer_settings=SETTINGS)


@pytest.fixture
def untouched_lab(shared_lab):
    rows = shared_lab.study.optimizer.rung_table()
    assert len(shared_lab.study.trials) == 9 and not any(row["human"] for row in rows) and not shared_lab.errors.errors
    return shared_lab


def test_the_panel_shows_the_rungs_and_lists_every_finished_job(untouched_lab):
    lab = untouched_lab
    panel = lab.fidelity_panel
    assert panel.widget.layout.display is None
    assert [number for _, number in panel.job.options] == list(range(8, -1, -1))   # newest first
    assert panel.bracket.options == (0,) and panel.rung_ax.get_xlabel() == "budget"
    # A header, rung 0's nine jobs, and the three promotions to rung 1 not yet run.
    assert panel.table.value.count("<tr>") == 1 + 9 + 3 and panel.table.value.count("pending") == 3


def test_promote_and_stop_buttons_override_the_scheduler_and_both_decisions_show(lab):
    panel = lab.fidelity_panel
    ranked = sorted(lab.study.trials, key=lambda t: (t.value, t.user_attrs["config"]))
    panel.job.value = ranked[-1].number
    panel.promote_button.click()
    panel.job.value = ranked[0].number
    panel.stop_button.click()
    assert not lab.errors.errors
    rows = {row["config"]: row for row in lab.study.optimizer.rung_table() if row["rung"] == 0}
    assert (rows[ranked[-1].user_attrs["config"]]["scheduler"], rows[ranked[-1].user_attrs["config"]]["human"]) \
        == ("stop", "promote")
    assert (rows[ranked[0].user_attrs["config"]]["scheduler"], rows[ranked[0].user_attrs["config"]]["human"]) \
        == ("promote", "stop")
    assert "you: promote" in dict((n, label) for label, n in panel.job.options)[ranked[-1].number]
    assert lab.step().params == ranked[-1].params   # your promotion runs next, at the next budget
    assert lab.study.trials[-1].budget == 3.0


def test_an_override_that_does_not_fit_is_shown_not_raised(lab):
    lab.run(4)  # rung 1 (3 jobs) and the top rung
    panel = lab.fidelity_panel
    panel.job.value = lab.study.trials[-1].number   # a job at the maximum budget
    panel.promote_button.click()
    assert "must be a job below the maximum budget" in panel.override_error.value


def test_simulate_workers_draws_the_scheduler_beside_its_counterpart(untouched_lab):
    lab = untouched_lab
    panel = lab.fidelity_panel
    panel.n_workers.value, panel.n_jobs.value = 3, 20
    schedules = panel.simulate()
    assert list(schedules) == ["halving", "asha"]
    assert all(len(s.runs) == 20 for s in schedules.values())
    assert len(panel.gantt.fig.axes) >= 2 and panel.gantt.widget.layout.display is None
    assert len(lab.study.trials) == 9   # the Lab's own study is untouched


def test_a_pruned_study_shows_learning_curves_without_scheduler_controls():
    study = Study(LINE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=2))
    lab = Lab(study, curve)
    lab.run(6)
    panel = lab.fidelity_panel
    assert panel.widget.layout.display is None and panel.overrides.layout.display == "none"
    assert panel.curve_ax.get_xlabel() == "step" and n_curves_drawn(panel.curve_ax) == 6


def test_a_report_redraws_the_learning_curves_at_most_every_so_often_and_never_the_model():
    # Each report redrew the whole Lab, the model included: 40 ms a report, while the objective
    # (or, in a parallel run, every worker that reported) waited.
    study = Study(LINE, "random", seed=0, pruner=MedianStoppingRule(n_startup_trials=10))  # none pruned
    lab = Lab(study, curve)
    drawn = {"model": 0, "curves": 0}
    for name, panel in (("model", lab.surrogate_panel), ("curves", lab.fidelity_panel)):
        update = panel.update
        panel.update = lambda *args, name=name, update=update, **kwargs: drawn.__setitem__(name, drawn[name] + 1) \
            or update(*args, **kwargs)
    lab.run(3)
    reports = sum(len(t.intermediate_values) for t in study.trials)
    assert reports == 24 and drawn["model"] <= 4 and drawn["curves"] < reports
    assert n_curves_drawn(lab.fidelity_panel.curve_ax) == 3  # the trials' ends drew every curve whole


def test_the_panel_is_hidden_for_optimizers_without_budgets_and_appears_after_a_switch():
    objective = MultiFidelity(Branin())
    lab = Lab(objective, optimizer="random", seed=0)
    lab.run(2)
    assert lab.fidelity_panel.widget.layout.display == "none"
    lab.controller.switch_optimizer("asha", {"min_budget": 1 / 9})
    lab.run(3)
    assert lab.fidelity_panel.widget.layout.display is None and not lab.errors.errors


def test_the_panel_draws_plain_records_without_a_study():
    import numpy as np

    from interactive_hpo.study.curves import Curve
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.fidelity_panel import FidelityPanel, FidelityRecords

    panel = FidelityPanel(ErrorLog())
    panel.update(FidelityRecords())  # no scheduler, no curves: nothing to show
    assert panel.widget.layout.display == "none"
    steps = np.array([1.0, 2.0, 3.0])
    panel.update(FidelityRecords(curves=[Curve(0, steps, np.array([0.5, 0.4, 0.35]), "COMPLETE", np.zeros(3))]))
    assert panel.widget.layout.display is None and panel.bracket.layout.display == "none"


def test_a_maximized_study_shows_its_values_not_their_negated_losses():
    lab = lab_after(lambda params, budget=None: 1.0 - bowl(params, budget), LINE, 9, direction="maximize",
                    optimizer="halving", seed=0, optimizer_settings=SETTINGS)
    axes = lab.fidelity_panel.rung_ax
    heights = [y for line in axes.lines for y in line.get_ydata() if not math.isnan(y)]  # NaN: between lines
    assert heights and min(heights) > 0.5 and axes.get_ylabel() == "value (higher is better)"


def test_the_rung_table_shows_the_highest_rungs_and_says_how_many_rows_it_leaves_out():
    """Thousands of rows are unread, and were sent to the browser at every refresh."""
    from interactive_hpo.ui.errors import ErrorLog
    from interactive_hpo.ui.fidelity_panel import FidelityPanel, FidelityRecords
    from interactive_hpo.ui.tables import MAX_TABLE_ROWS

    row = dict(bracket=0, loss=1.0, scheduler=None, human=None)
    rows = [dict(row, rung=0, budget=1.0, config=c, number=c) for c in range(MAX_TABLE_ROWS + 40)] + \
        [dict(row, rung=1, budget=3.0, config=c, number=MAX_TABLE_ROWS + 40 + c) for c in range(10)]
    panel = FidelityPanel(ErrorLog())
    panel.update(FidelityRecords(scheduled=True, rows=rows))
    table = panel.table.value
    assert table.count("<tr>") == 1 + 1 + MAX_TABLE_ROWS   # header, the note, the rows shown
    assert "50 earlier rows are not shown" in table and "rung_table()" in table
    cells = [re.findall(r">([^<>]*)</td>", part) for part in table.split("<tr>")[3:]]   # after head and note
    trials = [int(row[3]) for row in cells]
    assert trials == list(range(50, MAX_TABLE_ROWS + 50))   # the last rows: rung 1 whole, rung 0's latest
    assert len(panel.job.options) == len(rows)   # every job can still be chosen for an override


def test_the_curve_plot_crosses_only_stopped_configurations_and_its_legend_names_what_is_drawn(lab):
    """Every rung-0 configuration ended in an unexplained red cross, the promoted ones too, and the
    legend's one entry was a dashed line that one-point curves never show (notebook 05's Lab)."""
    panel = lab.fidelity_panel
    rows = [row for row in lab.study.optimizer.rung_table() if row["rung"] == 0]
    overruled = next(row for row in rows if row["scheduler"] == "stop")
    panel.job.value = overruled["number"]
    panel.promote_button.click()  # your promotion: no longer a stopped configuration
    lab.step()
    stopped = sorted(row["config"] for row in rows if row["scheduler"] == "stop" and row is not overruled)
    assert stopped and len(stopped) < len(rows)
    ends = {curve.key: (curve.steps[-1], curve.values[-1]) for curve in panel._curves}
    ax = panel.curve_ax
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert len(crosses) == 1
    np.testing.assert_array_equal(crosses[0].get_xydata(), [ends[config] for config in stopped])
    # The panel's lines are built once (updated in place): one whose style has no curve now holds no point.
    curves = [line for line in ax.lines if line.get_linestyle() in ("-", "--") and len(line.get_xdata())]
    assert curves and all(line.get_marker() not in ("", "None", None) for line in curves)  # one point shows
    legend = dict(zip([t.get_text() for t in ax.get_legend().get_texts()], ax.get_legend().legend_handles,
                      strict=True))
    assert set(legend) == {line.get_label() for line in [*curves, *crosses]}
    assert legend["stopped here"].get_marker() == "x"


def test_the_rungs_and_curves_fit_a_figure_as_wide_as_the_tab(lab):
    """At 7.6 in (audit a315: 10 in did not fit JupyterLab's tab) the curves' legend, "below the
    full budget (stopped, or not promoted yet)", stuck out of the figure on the right."""
    from ..figure_layout import assert_clean_layout

    assert_clean_layout(lab.fidelity_panel.figure.fig, "the rungs and learning curves")
