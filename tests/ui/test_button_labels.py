"""Every button whose label is longer than a default-width button shows whole is as wide as its
label (browser audit a470: "Simulate workers" read "Simulate work…" at 1280 px, "Use this
reference" was cut at 1024 px; ipywidgets gives a button 148 px unless told otherwise)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402

from interactive_hpo import Float, SearchSpace  # noqa: E402
from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.objectives.multi_objective import ZDT2  # noqa: E402
from interactive_hpo.ui import Lab, RaceApp  # noqa: E402

#: The longest label a 148 px button shows whole with its icon ("Show trials", say).
SHOWN_WHOLE = 12


def _buttons(widget, seen=None):
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return
    seen.add(id(widget))
    if isinstance(widget, widgets.Button):
        yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _buttons(child, seen)


def test_long_button_labels_are_shown_whole():
    labs = [Lab(Branin(), optimizer="bo", seed=0), Lab(ZDT2(dim=2), optimizer="parego", seed=0),
            Lab(lambda p, budget: p["x"] / budget, space=SearchSpace([Float("x", 0, 1)]), optimizer="hyperband",
                seed=0)]
    race = RaceApp(Race(Branin(), ["random"], n_trials=2, you=True, seed=0))
    cut = sorted({b.description for app in [*labs, race] for b in _buttons(app.widget)
                  if len(b.description) > SHOWN_WHOLE and not b.layout.width})
    assert cut == []
    for app in [*labs, race]:
        app.close()
