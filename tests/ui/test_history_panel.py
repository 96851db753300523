"""The history panel: figures updated in place, a table sorted both ways, errors shown (headless)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import importlib.util  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study, TrialPruned  # noqa: E402
from interactive_hpo.ui import ErrorLog  # noqa: E402
from interactive_hpo.ui.history_panel import HistoryPanel, sort_trial_rows, trial_rows  # noqa: E402

from ..figure_layout import assert_clean_layout, assert_integer_ticks  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SPACE = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Int("layers", 1, 8),
                     Categorical("act", ["tanh", "relu", "gelu"])])
MANUAL = {"lr": 1e-2, "layers": 3, "act": "gelu"}


def objective(params):
    if params["layers"] == 8:
        raise RuntimeError("out of memory")
    return (np.log10(params["lr"]) + 2) ** 2 + 0.1 * params["layers"]


def make_study(direction="minimize"):
    study = Study(SPACE, "random", direction=direction, seed=3)
    study.run(objective, n_trials=15)
    study.add_manual(MANUAL, -1.0)
    study.ask()  # one RUNNING trial: no value yet
    return study


def html_rows(panel):
    """The trial numbers in the order the HTML table shows them."""
    return [int(match) for match in re.findall(r"<tr[^>]*><td[^>]*>(\d+)</td>", panel.table.value)]


class _Cells(HTMLParser):
    """The cells of an HTML table: (tag, inline style, text) each."""

    def __init__(self):
        super().__init__()
        self.cells, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            self._open = [tag, dict(attrs).get("style") or "", ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._open is not None:
            self.cells.append(tuple(self._open))
            self._open = None


def table_cells(markup):
    parser = _Cells()
    parser.feed(markup)
    return parser.cells


def test_panel_layout_and_figures():
    panel = HistoryPanel(SPACE)
    assert "ihpo-history" in panel.widget._dom_classes
    assert panel.parallel_plot is not None
    # Agg: the figures are shown as static images in Image widgets.
    images = [child for child in panel.widget.children if isinstance(child, widgets.Image)]
    assert len(images) == 2
    assert panel.errors.view in panel.widget.children
    assert panel.table_rows == [] and "no trials yet" in panel.table.value
    assert panel.sort_by.options == ("number", "state", "source", "value", "lr", "layers", "act")


def test_two_parameters_get_no_parallel_coordinates_and_a_shared_error_log():
    errors = ErrorLog()
    panel = HistoryPanel(SearchSpace([Float("x", 0, 1), Float("y", 0, 1)]), errors=errors)
    assert panel.parallel_plot is None and panel.errors is errors
    assert errors.view not in panel.widget.children  # the app places its own log
    assert sum(isinstance(child, widgets.Image) for child in panel.widget.children) == 1


def test_update_redraws_in_place():
    study = Study(SPACE, "random", seed=0)
    study.run(objective, n_trials=3)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    best, lines = panel.best_plot.best, panel.parallel_plot.lines
    first = len(lines.get_segments())
    study.run(objective, n_trials=5)
    study.add_manual(MANUAL, -1.0)
    panel.update(study.history(), study.trials)
    assert panel.best_plot.best is best and panel.parallel_plot.lines is lines
    assert len(lines.get_segments()) > first and best.get_ydata()[-1] == -1.0
    np.testing.assert_allclose(panel.best_plot.manual.get_offsets(), [[8, -1.0]])
    assert [row[0] for row in panel.table_rows] == list(range(9))


def test_an_early_diverged_run_is_marked_on_the_edge_and_the_scale_left_to_the_others():
    """The History tab of the Lab: a diverged run among the first 5 trials, when people watch,
    squashed the others into a line (far-out values were told apart from 8 values on only)."""
    values = iter([0.8, 0.85, 1e11, 0.9, 0.7])
    study = Study(SPACE, "random", seed=0)
    study.run(lambda params: next(values), n_trials=5)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    assert panel.best_plot.off_scale["above"].get_offsets()[:, 0].tolist() == [2.0]
    low, high = panel.best_plot.ax.get_ylim()
    assert 0.6 < low < 0.7 and 0.9 < high < 1.5
    assert_clean_layout(panel.figures[0].fig)


def test_table_rows_hold_every_trial_and_column():
    study = make_study()
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    assert len(panel.table_rows) == len(study.trials)
    manual = next(row for row in panel.table_rows if row[2] == "manual")
    assert manual == (15, "COMPLETE", "manual", -1.0, 1e-2, 3, "gelu")
    assert html_rows(panel) == [row[0] for row in panel.table_rows]
    assert re.search(r'<tr style="font-weight:bold"><td[^>]*>15</td>', panel.table.value)  # the best stands out
    assert "out of memory" in panel.table.value  # a failed trial's reason, as a tooltip



def test_a_pruned_trial_s_reason_is_its_state_s_tooltip_escaped():
    """As a FAILED trial's error: the History table showed PRUNED and never why."""
    def gives_up(params):
        if params["layers"] > 4:
            raise TrialPruned('loss > 3 & "rising"')
        raise TrialPruned

    study = Study(SPACE, "random", seed=0)
    study.enqueue({**MANUAL, "layers": 8})
    study.enqueue(MANUAL)  # pruned with no reason
    study.run(gives_up, n_trials=2)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    assert '<span title="loss &gt; 3 &amp; &quot;rising&quot;">PRUNED</span>' in panel.table.value
    assert panel.table.value.count("<span") == 1  # no tooltip, and no colour, without a reason


@pytest.mark.parametrize("n_trials", [3, 15])
def test_figures_tick_whole_trials_and_no_text_collides(n_trials):
    study = Study(SPACE, "random", seed=3)
    study.run(objective, n_trials=n_trials)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    assert_integer_ticks(panel.best_plot.ax.xaxis)
    for figure in panel.figures:  # laid out as the app shows them: by the panel's own redraw
        assert_clean_layout(figure.fig)


def test_table_columns_are_kept_apart_and_numbers_are_short():
    # Issue 25: the columns ran together in the browser ("0.005594680.00140765", a header "degreekernel").
    space = SearchSpace([Int("degree", 2, 5), Categorical("kernel", ["rbf", "poly"]), Float("C", 1e-3, 1e3, log=True)])
    study = Study(space, "random", seed=0)
    study.add_manual({"degree": 3, "kernel": "poly", "C": 0.0055946812345678}, 0.0014076543210987)
    panel = HistoryPanel(space).update(study.history(), study.trials)
    cells = table_cells(panel.table.value)
    head, body = [c for c in cells if c[0] == "th"], [c for c in cells if c[0] == "td"]
    assert [text for _, _, text in head] == ["number ▲", "state", "source", "value", "degree", "kernel", "C"]
    assert [text for _, _, text in body] == ["0", "COMPLETE", "manual", "0.00140765", "3", "poly", "0.00559468"]
    assert all("padding:2px 10px" in style for _, style, _ in cells)
    assert all("border-bottom" in style for _, style, _ in head)
    aligned = {text: "text-align:right" in style for _, style, text in body}
    assert aligned == {"0": True, "COMPLETE": False, "manual": False, "0.00140765": True, "3": True, "poly": False,
                       "0.00559468": True}


@pytest.mark.parametrize("order", ["ascending", "descending"])
def test_sorting_by_value_puts_running_then_failed_trials_last(order):
    study = make_study()
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    panel.sort_by.value = "value"
    panel.order.value = order
    rows = panel.table_rows
    states = [row[1] for row in rows]
    n_complete = states.count("COMPLETE")
    assert "FAILED" in states and states[n_complete] == "RUNNING"
    assert set(states[n_complete + 1:]) == {"FAILED"}
    values = [row[3] for row in rows[:n_complete]]
    assert values == sorted(values, reverse=order == "descending")
    assert html_rows(panel) == [row[0] for row in rows]
    assert ("value ▲" if order == "ascending" else "value ▼") in panel.table.value


def test_sorting_by_number_and_by_a_categorical_in_choice_order():
    study = make_study()
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    panel.order.value = "descending"
    ok = [row[0] for row in panel.table_rows if row[1] != "FAILED"]
    assert ok == sorted(ok, reverse=True)
    assert all(row[1] == "FAILED" for row in panel.table_rows[len(ok):])
    panel.order.value = "ascending"
    panel.sort_by.value = "act"
    choices = [row[6] for row in panel.table_rows if row[1] != "FAILED"]
    assert choices == sorted(choices, key=SPACE["act"].index)  # tanh, relu, gelu: not alphabetical
    panel.sort_by.value = "lr"
    panel.order.value = "descending"
    lrs = [row[4] for row in panel.table_rows if row[1] != "FAILED"]
    assert lrs == sorted(lrs, reverse=True)


def test_sort_trial_rows_is_stable_and_keeps_missing_cells_before_failures():
    rows = [(0, "COMPLETE", "random", 2.0), (1, "FAILED", "random", None), (2, "RUNNING", "random", None),
            (3, "COMPLETE", "manual", 1.0), (4, "COMPLETE", "random", 2.0)]
    assert [r[0] for r in sort_trial_rows(rows, 3)] == [3, 0, 4, 2, 1]
    assert [r[0] for r in sort_trial_rows(rows, 3, descending=True)] == [0, 4, 3, 2, 1]
    assert [r[0] for r in sort_trial_rows(rows, 2, key=str)] == [3, 0, 2, 4, 1]


def test_trial_rows_follow_the_space_order():
    study = Study(SPACE, seed=0)
    trial = study.add_manual({"act": "relu", "layers": 2, "lr": 0.001}, 0.5)
    assert trial_rows([trial], SPACE.names) == [(0, "COMPLETE", "manual", 0.5, 0.001, 2, "relu")]


def test_maximizing_highlights_the_highest_value():
    study = Study(SPACE, "random", direction="maximize", seed=0)
    study.run(objective, n_trials=6)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    assert panel.best_number == study.best_trial.number
    assert panel.best_plot.best.get_ydata()[-1] == study.best_value
    assert panel.parallel_plot.lines.get_cmap().name == "viridis"


def test_errors_in_sort_callbacks_land_in_the_log(monkeypatch):
    panel = HistoryPanel(SPACE).update(make_study().history(), make_study().trials)

    def broken():
        raise RuntimeError("table exploded")

    monkeypatch.setattr(panel, "_render_table", broken)
    panel.sort_by.value = "value"  # must not raise
    assert [str(e) for e in panel.errors.errors] == ["table exploded"]
    assert "table exploded" in panel.errors.widget.value


PROBE = textwrap.dedent("""
    import matplotlib.pyplot as plt
    from interactive_hpo import Float, SearchSpace, Study
    from interactive_hpo.ui.history_panel import HistoryPanel
    study = Study(SearchSpace([Float("x", 0, 1), Float("y", 0, 1), Float("z", 0, 1)]), seed=0)
    study.run(lambda p: p["x"], n_trials=3)
    panel = HistoryPanel(study.space).update(study.history(), study.trials)
    canvases = [panel.best_plot.ax.figure.canvas, panel.parallel_plot.ax.figure.canvas]
    assert list(panel.widget.children[:2]) == canvases, panel.widget.children
    # pyplot lets go of the panel's figures: the user's next plt.plot() gets a figure of its own.
    assert plt.get_fignums() == [] and plt.gcf().canvas not in canvases
    print(type(canvases[0]).__module__)
""")


def test_live_canvas_goes_in_the_layout_with_ipympl():
    # Not importorskip: importing ipympl switches this process's backend to ipympl (its __init__ does).
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    env = {**os.environ, "MPLBACKEND": "module://ipympl.backend_nbagg"}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("ipympl")


def test_a_long_study_shows_the_first_rows_in_the_chosen_order_and_says_how_many_more(monkeypatch):
    # Every trial a row sent 9.1 MB of HTML to the browser at each refresh of 20,000 trials.
    from interactive_hpo.ui import history_panel

    monkeypatch.setattr(history_panel, "MAX_TABLE_ROWS", 5)
    study = Study(SPACE, "random", seed=3)
    study.run(lambda params: params["lr"], n_trials=17)
    panel = HistoryPanel(SPACE).update(study.history(), study.trials)
    n = len(study.trials)
    assert len(panel.table_rows) == n and html_rows(panel) == [0, 1, 2, 3, 4]
    assert f"and {n - 5} more trials: sort by a column" in panel.table.value
    panel.order.value = "descending"
    assert html_rows(panel) == list(range(n - 1, n - 6, -1))
    panel.sort_by.value = "value"
    panel.order.value = "ascending"
    assert html_rows(panel)[0] == study.best_trial.number


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_best_so_far_legend_lies_inside_the_figure_and_off_the_data_when_the_tab_is_hidden(direction):
    """A hidden tab is not laid out again (LiveFigure.redraw): its figure, saved or shown as it was,
    had the legend above the axes running past the figure's top edge (328.6 px of 320 in the Lab's
    History tab). Now the axes keep a band free for it, whatever the layout did."""
    panel = HistoryPanel(SPACE)
    for figure in panel.figures:
        figure.shown = False  # the Lab's History tab before anyone opens it
    study = make_study(direction)
    panel.update(study.history(), study.trials)
    ax = panel.best_plot.ax
    assert_clean_layout(ax.figure, "the best-so-far figure of a hidden tab")
    plot, legend = panel.best_plot, ax.get_legend().get_window_extent()
    data = ax.transData.transform(np.vstack([plot.points.get_offsets(), plot.manual.get_offsets(),
                                             plot.best.get_xydata()]))
    assert not legend.count_contains(data), "the legend covers values"
