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
