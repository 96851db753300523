"""Gantt charts name what they draw: a measured trial is a "trial", a budget reads 0.111 (issue 26)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo.execution.simulation import IdleSpell, Schedule, WorkerRun  # noqa: E402
from interactive_hpo.plots import plot_gantt  # noqa: E402


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
