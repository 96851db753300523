"""Fixtures the Lab's tests share."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="module")
def one_torch_thread():
    """Small GPs gain nothing from threads, and oversubscribed threads make torch 5-20x slower
    when anything else runs on the machine (DESIGN.md section 9); restored afterwards. Modules
    that fit GPs use it with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


#: The side of the Model tab's heatmaps under ``coarse_maps``: 12 x 12 cells, not 60 x 60.
COARSE = 12


@pytest.fixture
def coarse_maps(monkeypatch):
    """The Model tab's heatmaps at ``COARSE`` x ``COARSE`` cells, not ``MAP_RESOLUTION`` (60) a
    side: for tests that compare a map with the belief it should show cell by cell (true at any
    resolution) or read its labels, where predicting 3,600 cells (log-EHVI's most of all) was
    most of the time. A test reads the side the panel used as ``surrogate_panel.MAP_RESOLUTION``."""
    from interactive_hpo.ui import surrogate_panel

    monkeypatch.setattr(surrogate_panel, "MAP_RESOLUTION", COARSE)


@pytest.fixture(autouse=True)
def _close_the_widgets_a_test_made():
    """Close the widgets each test made once it is done. ipywidgets keeps every widget it ever
    made (``Widget.widgets``), so a worker's Labs all stayed alive: after ten of these files 29,000
    widgets and 2.5 M objects, and each full garbage collection took 11-15 s (helper-150). A
    module-scoped fixture's widgets are made before this fixture's snapshot and stay open."""
    ipywidgets = pytest.importorskip("ipywidgets")
    with warnings.catch_warnings():  # ipywidgets 8 deprecates reading its registry (65,818 warnings)
        warnings.simplefilter("ignore", DeprecationWarning)
        before = set(ipywidgets.Widget.widgets)
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        made = [widget for key, widget in list(ipywidgets.Widget.widgets.items()) if key not in before]
    for widget in made:
        widget.close()
