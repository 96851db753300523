"""A Run redraws the Lab at most every REDRAW_EVERY seconds, and once at its end; what it shows
at the end is what a redraw after every trial showed."""

from __future__ import annotations

import asyncio
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.ui import Lab, lab_redraw  # noqa: E402

N_TRIALS = 7


def counted_lab(monkeypatch, every):
    """A CMA-ES Lab on Branin (the population panel drawn too) whose refreshes are counted, with
    REDRAW_EVERY = ``every``."""
    monkeypatch.setattr(lab_redraw, "REDRAW_EVERY", every)
    lab = Lab(Branin(), optimizer="cmaes", seed=0, optimizer_settings={"population_size": 3})
    calls = []
    refresh = lab.refresh
    lab.refresh = lambda: calls.append(len(lab.study.trials)) or refresh()
    return lab, calls


def pixels(lab):
    """Every figure of the Lab, drawn: what a person sees in each tab."""
    figures = [*lab.surrogate_panel.figures, lab.timeline.figure, *lab.population_panel.figures,
               *lab.fidelity_panel.figures, *lab.history_panel.figures]
    drawn = []
    for figure in figures:
        figure.fig.canvas.draw()
        drawn.append(np.asarray(figure.fig.canvas.buffer_rgba()).copy())
    return drawn


def test_a_run_redraws_once_at_its_end_when_trials_come_faster_than_redraw_every(monkeypatch):
    # A redraw after every trial was 99% of a Run's CPU (0.2 s a trial, notebook 04).
    lab, calls = counted_lab(monkeypatch, math.inf)
    statuses = []
    lab.status.observe(lambda change: statuses.append(change["new"]), names="value")
    lab.run(N_TRIALS)
    assert calls == [N_TRIALS]  # drawn once, at the end, with every trial
    assert lab.progress.value == N_TRIALS and any(s.startswith("Trials: 3") for s in statuses)  # each trial counted
    assert not lab.run_button.disabled and lab.stop_button.disabled
    every_trial, _ = counted_lab(monkeypatch, 0.0)
    every_trial.run(N_TRIALS)
    assert lab.status.value == every_trial.status.value
    for ours, theirs in zip(pixels(lab), pixels(every_trial), strict=True):
        assert np.array_equal(ours, theirs)


def test_a_run_redraws_after_each_trial_once_redraw_every_has_passed(monkeypatch):
    lab, calls = counted_lab(monkeypatch, 0.0)
    calls.clear()
    lab.run(3)
    assert calls == [1, 2, 3]


@pytest.mark.parametrize("how", ["finished", "stopped", "failed", "closed"])
def test_a_background_run_draws_its_last_trials_however_it_ends(monkeypatch, how):
    lab, calls = counted_lab(monkeypatch, math.inf)
    objective = lab.controller._call.objective

    def ending(params):
        if len(lab.study.trials) == 4:  # trial 3, asked
            if how == "stopped":
                lab.stop()
            elif how == "failed":
                raise KeyboardInterrupt  # Kernel -> Interrupt: the trial in progress FAILED, the run ends
            elif how == "closed":
                lab.close()  # its widgets are gone: nothing to draw
        return objective(params)

    lab.controller._call.objective = ending
    calls.clear()
    asyncio.run(lab._run_in_background(N_TRIALS))
    assert len(lab.study.trials) == (N_TRIALS if how == "finished" else 4)
    assert calls == ([] if how == "closed" else [len(lab.study.trials)]) and not lab.run_button.disabled


def test_steps_move_the_population_panels_lineage_in_place(monkeypatch):
    # Each redraw cleared the lineage's Axes and drew it anew, its legend searched for the "best"
    # place at each draw: two thirds of the panel's redraw.
    lab, _ = counted_lab(monkeypatch, 0.0)
    lab.run(4)
    ax = lab.population_panel.lineage_ax
    before = [id(artist) for artist in (*ax.collections, *ax.lines)]
    lab.step()
    lab.step()
    assert [id(artist) for artist in (*ax.collections, *ax.lines)] == before
    assert len(lab.population_panel.lineage.bred.get_offsets()) == 6
    assert ax.get_legend()._loc != 0  # a corner, not "best" (code 0)


def test_the_hidden_history_tab_is_brought_up_to_date_once_when_it_is_shown(monkeypatch):
    # Its plots and table were rebuilt after every trial, unseen.
    lab, _ = counted_lab(monkeypatch, 0.0)
    panel = lab.history_panel
    rendered = []
    render = panel._render_table
    monkeypatch.setattr(panel, "_render_table", lambda: rendered.append(len(panel.trials)) or render())
    lab.run(3)
    lab.step()
    assert rendered == [] and all(figure.stale for figure in panel.figures)
    lab.tabs.selected_index = 1  # the History tab
    assert rendered == [4] and len(panel.best_plot.points.get_offsets()) == 4 and ">3</td>" in panel.table.value
    lab.tabs.selected_index = 0
    lab.step()
    assert len(panel.table_rows) == 5 and rendered == [4, 5]  # read from code: brought up to date
