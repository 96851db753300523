"""No widget label is cut short: each description fits its description width, each toggle button
its text (issue 25, item 2: "descend…" and "lengthscale…" in the browser at 1280x800).

Widths are estimated as the brief of that issue says: about 0.6 em per character of JupyterLab's
13 px widget font; ipywidgets' CSS gives a description 80 px and a button 148 px with 10 px of
padding on each side.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402
from ipywidgets.widgets.widget_description import DescriptionWidget  # noqa: E402

from interactive_hpo import Categorical, Float, Int, Race, SearchSpace  # noqa: E402
from interactive_hpo.optimizers.registry import available_optimizers  # noqa: E402
from interactive_hpo.ui import (  # noqa: E402
    ErrorLog,
    FidelityPanel,
    HistoryPanel,
    ManualPanel,
    OptimizerPanel,
    PopulationPanel,
    RaceApp,
    SpaceEditor,
    WhatIfPanel,
)

EM_PX = 13.0  # JupyterLab's --jp-ui-font-size1, the widgets' font
CHAR_EM = 0.6
DEFAULT_DESCRIPTION_EM = 80 / EM_PX  # --jp-widgets-inline-label-width
DEFAULT_BUTTON_EM = 148 / EM_PX  # --jp-widgets-inline-width-short
BUTTON_PADDING_EM = 20 / EM_PX
#: Names as long as real ones ("learning_rate_init" is scikit-learn's MLP's).
SPACE = SearchSpace([Float("learning_rate_init", 1e-4, 1e-1, log=True), Int("hidden_layer_size", 8, 256),
                     Categorical("kernel", ["rbf", "poly"])])


def em(css: str, default: float) -> float:
    """A CSS width in em of the widget font: "initial"/"auto" fit any text (infinite here)."""
    if css in ("initial", "auto", "max-content"):
        return math.inf
    if not css:
        return default
    for unit, scale in (("em", 1.0), ("px", 1 / EM_PX)):
        if css.endswith(unit):
            return float(css[:-len(unit)]) * scale
    raise ValueError(f"a width this test cannot read: {css!r}")


def walk(widget):
    """``widget`` and every widget inside it (boxes' children, hidden ones too)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def cut_labels(widget) -> list[str]:
    """The labels inside ``widget`` that do not fit their width."""
    cut = []
    for w in walk(widget):
        if isinstance(w, widgets.ToggleButtons):
            width = em(w.style.button_width, DEFAULT_BUTTON_EM) - BUTTON_PADDING_EM
            cut += [f"{label!r} in a {w.style.button_width!r} button" for label in w._options_labels
                    if CHAR_EM * len(label) > width]
        # A checkbox's description sits after the box, not in the description column.
        if isinstance(w, DescriptionWidget) and not isinstance(w, widgets.Checkbox) and w.description:
            width = em(w.style.description_width, DEFAULT_DESCRIPTION_EM)
            if CHAR_EM * len(w.description) > width:
                cut.append(f"{w.description!r} in {w.style.description_width or 'the default 80px'}")
    return cut


def test_the_estimate_catches_the_labels_the_browser_cut():
    assert cut_labels(widgets.FloatSlider(description="lengthscales x", style={"description_width": "7em"}))
    toggles = widgets.ToggleButtons(options=["ascending", "descending"])
    toggles.style.button_width = "90px"
    assert "'descending' in a '90px' button" in cut_labels(toggles)
    assert not cut_labels(widgets.Dropdown(description="kernel"))


@pytest.mark.parametrize("build", [
    lambda: WhatIfPanel(ErrorLog()),
    lambda: SpaceEditor(SPACE),
    lambda: ManualPanel(SPACE),
    lambda: FidelityPanel(ErrorLog()),
    lambda: PopulationPanel(SPACE),
    lambda: RaceApp(Race(lambda p: p["learning_rate_init"], ["random"], n_trials=2, space=SPACE, you=True)),
    lambda: HistoryPanel(SPACE),
], ids=["what-if", "space editor", "manual", "fidelity", "population", "race", "history"])
def test_no_label_of_a_panel_is_cut(build):
    assert cut_labels(build().widget) == []


@pytest.mark.parametrize("name", available_optimizers())
def test_no_setting_of_an_optimizer_form_is_cut(name):
    panel = OptimizerPanel()
    panel.choice.value = name
    assert cut_labels(panel.widget) == []
