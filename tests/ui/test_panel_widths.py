"""The Lab's figures and rows of controls fit a narrow JupyterLab: figures no wider than a tab
shows whole, rows that wrap instead of shrinking their buttons (audit a315, M1 and M2)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.goals import Goals  # noqa: E402
from interactive_hpo.ui.errors import ErrorLog  # noqa: E402
from interactive_hpo.ui.fidelity_panel import FidelityPanel  # noqa: E402
from interactive_hpo.ui.history_panel import HistoryPanel  # noqa: E402
from interactive_hpo.ui.importance_panel import ImportancePanel  # noqa: E402
from interactive_hpo.ui.pareto_panel import ParetoPanel  # noqa: E402
from interactive_hpo.ui.population_panel import PopulationPanel  # noqa: E402
from interactive_hpo.ui.surrogate_panel import SurrogatePanel  # noqa: E402

from .test_lab import plane_lab  # noqa: E402

#: The Lab's tab at 1280 px with JupyterLab's file browser open is 797 px wide (Chromium), less
#: 15 px for a vertical scrollbar; ipympl draws a figure at 100 dpi.
TAB_PX, SCROLLBAR_PX, IPYMPL_DPI = 797, 15, 100
SPACE = SearchSpace([Float(f"x{i}", 0.0, 1.0) for i in range(6)])


def test_every_figure_of_the_lab_fits_its_tab_at_1280_px():
    """They were 810 (the model), 900 (Importance, the workers' Gantt) and 1000 px (population,
    multi-fidelity), their right side behind the tab's scrollbar."""
    fidelity = FidelityPanel(ErrorLog())
    figures = {"model": SurrogatePanel(SPACE).figure, "importance": ImportancePanel(Goals.parse()).figure,
               "pareto": ParetoPanel(Goals.parse(directions=["minimize", "minimize"])).figure,
               "population": PopulationPanel(SPACE).figure, "fidelity": fidelity.figure, "gantt": fidelity.gantt,
               "parallel coordinates": HistoryPanel(SPACE)._parallel_figure}
    widths = {name: figure.fig.get_size_inches()[0] * IPYMPL_DPI for name, figure in figures.items()}
    assert all(width <= TAB_PX - SCROLLBAR_PX for width in widths.values()), widths


def _row_of(widget, parent):
    return next(child for child in parent.children if widget in getattr(child, "children", ()))


@pytest.mark.parametrize("row", ["buttons", "pair", "timeline"])
def test_rows_of_controls_wrap_instead_of_shrinking_their_labels(row):
    """At 1000 px the Lab's buttons shrank to "S…", "…" (Step and Stop alike), "Fork here" was
    cut and so was the model's "as the GP sees it": each keeps its width, the row goes on to a
    second line."""
    lab = plane_lab()
    box = {"buttons": lambda: lab.controls,
           "pair": lambda: _row_of(lab.surrogate_panel.x_choice, lab.surrogate_panel.controls),
           "timeline": lambda: _row_of(lab.timeline.fork_button, lab.timeline.widget)}[row]()
    assert box.layout.flex_flow == "row wrap"
    assert all(child.layout.flex == "0 0 auto" for child in box.children)


def test_the_overrides_stop_is_not_the_runs_stop():
    """Both buttons had the class ihpo-stop: a selector for the Run's Stop found two."""
    panel = FidelityPanel(ErrorLog())
    assert "ihpo-override-stop" in panel.stop_button._dom_classes
    assert "ihpo-stop" not in panel.stop_button._dom_classes
    assert isinstance(panel.overrides, widgets.HBox) and panel.overrides.layout.flex_flow == "row wrap"
