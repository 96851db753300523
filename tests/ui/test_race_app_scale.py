"""RaceApp draws best values on a log axis when they are all positive and span decades."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo.execution import Race  # noqa: E402
from interactive_hpo.ui import RaceApp  # noqa: E402

from .lab_helpers import LINE  # noqa: E402


@pytest.mark.parametrize(("objective", "scale"), [
    (lambda p: 10.0 ** (3 * p["x"]), "log"),        # 1e-6 .. 1e6: the small lanes flattened on a linear axis
    (lambda p: p["x"] ** 2 - 1.0, "linear"),         # negative values have no place on a log axis
    (lambda p: 2.0 + 0.1 * p["x"], "linear"),        # within a decade: log shows nothing more
])
def test_best_values_are_drawn_on_a_log_axis_when_positive_over_decades(objective, scale):
    # Audit a426: on Branin the RaceApp's linear axis laid the bo, cmaes and ga lanes (0.41, 0.70,
    # 2.30) flat under lanes at 7 to 58; notebook 04's own race figure uses a log axis.
    app = RaceApp(Race(objective, ["random", "sobol"], n_trials=6, space=LINE, seed=0))
    app.run()
    assert app.ax.get_yscale() == scale
    assert all(min(line.get_ydata()) >= app.ax.get_ylim()[0] for line in app.lines.values())   # all of them shown
    app.close()
