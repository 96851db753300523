"""Gantt charts name what they draw: a measured trial is a "trial", a budget reads 0.111 (issue 26); bad
input is refused naming the plot called."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.execution.simulation import IdleSpell, Schedule, WorkerRun  # noqa: E402
from interactive_hpo.plots import compare_gantt, gantt_info, plot_gantt, plot_pbt  # noqa: E402


def legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def schedule(budgets, measured):
    runs = tuple(WorkerRun(i % 2, i, float(i), i + 0.8, budget, None, None, None, "COMPLETE")
                 for i, budget in enumerate(budgets))
    return Schedule(runs, (IdleSpell(0, 0.8, 2.0, "waiting"),), 2, len(budgets) + 0.8, measured=measured)


def test_bars_of_a_measured_run_without_rungs_are_trials():
    ax = plot_gantt(schedule([None, None, None], measured=True), Figure().add_subplot())
    assert legend_labels(ax) == ["trial", "idle: waiting for the next trial"]
    simulated = plot_gantt(schedule([None, None, None], measured=False), Figure().add_subplot())
    assert legend_labels(simulated)[0] == "no rung"


def test_budgets_are_labelled_with_three_significant_digits():
    ax = plot_gantt(schedule([1 / 9, 1 / 3, 1.0], measured=True), Figure().add_subplot(), color_by="budget")
    assert legend_labels(ax)[:3] == ["budget 0.111", "budget 0.333", "budget 1"]


# Fuzz round 4: each of these failed inside with an AttributeError or numpy's "could not convert
# string to float", or named gantt_info when the user had called plot_gantt or compare_gantt.
@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_gantt(schedule([1.0], False), color_by="budgets"),
     "`color_by` of plot_gantt must be one of ['rung', 'budget']; got 'budgets'."),
    (lambda: plot_gantt(schedule([1.0], False), levels=["a"]),
     "`levels` of plot_gantt must be None or a 1-D array of finite numbers (the rungs or budgets that share "
     "colours); got ['a']."),
    (lambda: plot_gantt(schedule([1.0], False), levels=[np.nan, 1.0]), "got [nan, 1.0]."),
    (lambda: plot_gantt([1, 2]), "`schedule` of plot_gantt must be a Schedule (simulate_workers(...) or "
                                 "Schedule.observed(trials)) (with columns, idle, n_workers, makespan, "
                                 "utilization, waiting_time); got [1, 2]."),
    (lambda: gantt_info("x"), "`schedule` of gantt_info must be a Schedule"),
    (lambda: compare_gantt([schedule([1.0], False)]), "`schedules` of compare_gantt must be a non-empty mapping "
                                                      "of name -> Schedule"),
    (lambda: compare_gantt({"a": 1}), "`schedules['a']` of compare_gantt must be a Schedule"),
    (lambda: compare_gantt({"a": schedule([1.0], False)}, color_by="x"), "`color_by` of compare_gantt must be"),
    (lambda: plot_gantt(schedule([1.0], False), legend="no"), "`legend` of plot_gantt must be a bool; got 'no'."),
    (lambda: compare_gantt({"a": schedule([1.0], False)}, fig=Figure().add_subplot()),
     "`fig` of compare_gantt must be None or a matplotlib Figure (where to put the panels); got <Axes: >."),
    (lambda: plot_pbt(SimpleNamespace(scores=[[1.0]], schedules={}), fig="x"),
     "`fig` of plot_pbt must be None or a matplotlib Figure (where to put the panels); got 'x'."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()
