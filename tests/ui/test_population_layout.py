"""The population panel is laid out again only when its margins change (``plots/layout.py``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.plots.layout import drawn_png  # noqa: E402
from interactive_hpo.ui.population_panel import PopulationPanel, lineage_at, true_landscape  # noqa: E402

from ..figure_layout import layout_problems  # noqa: E402

BRANIN = Branin()


def test_a_generation_ending_and_the_next_starting_do_not_lay_the_panel_out_again(monkeypatch):
    """Each generation's last trial took "unasked" off the legend and the next one's first put
    it back (and counted a generation in the title): the panel was laid out again twice a
    generation, half of those redraws' CPU, for the same margins."""
    layouts = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: layouts.append(execute(self, fig)))
    study = Study(BRANIN.space, "cmaes", seed=0, optimizer_settings={"population_size": 4})
    panel = PopulationPanel(study.space)
    landscape = true_landscape(BRANIN, study.space, study.direction)
    entries, laid_out = [], []
    for _ in range(12):
        study.run(BRANIN, n_trials=1)
        snapshot = study.optimizer.population()
        tree, best = lineage_at(study, None, snapshot)
        panel.update(snapshot, ("x0", "x1"), landscape, tree, best_value=best)
        before = len(layouts)
        drawn_png(panel.figure.fig)
        laid_out.append(len(layouts) - before)
        entries.append(len(panel.plot.ax.get_legend().get_texts()))
    assert entries[3:9] == [5, 6, 6, 6, 5, 6]   # "unasked" went and came back with each generation
    # Laid out for the first trial, then never again: the lineage's value axis' tick labels go
    # from "47.5" to "50" at the second, a margin two characters wide kept (NARROWER_KEPT).
    assert laid_out == [1] + [0] * 11
    assert layout_problems(panel.figure.fig) == []
