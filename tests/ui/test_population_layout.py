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
        before = len(layouts)  # with a front end, the update lays the panel out when the draw would
        panel.update(snapshot, ("x0", "x1"), landscape, tree, best_value=best)
        drawn_png(panel.figure.fig)
        laid_out.append(len(layouts) - before)
        entries.append(len(panel.plot.ax.get_legend().get_texts()))
    assert entries[3:9] == [5, 6, 6, 6, 5, 6]   # "unasked" went and came back with each generation
    # Laid out for the first trial, then never again: the lineage's value axis' tick labels go
    # from "47.5" to "50" at the second, a margin two characters wide kept (NARROWER_KEPT).
    assert laid_out == [1] + [0] * 11
    assert layout_problems(panel.figure.fig) == []


def _drawn_panel(optimizer, n_trials):
    """A panel showing ``optimizer``'s population on Branin after ``n_trials``, drawn once."""
    study = Study(BRANIN.space, optimizer, seed=0)
    study.run(BRANIN, n_trials=n_trials)
    panel = PopulationPanel(study.space)
    snapshot = study.optimizer.population()
    tree, best = lineage_at(study, None, snapshot)
    for _ in range(2):  # with no front end the panel is laid out by its first draw; fitted to it by the next update
        panel.update(snapshot, ("x0", "x1"), true_landscape(BRANIN, study.space, study.direction), tree,
                     best_value=best)
        drawn_png(panel.figure.fig)
    return panel


def test_the_lineage_gets_the_width_the_population_legend_leaves():
    """The legend beside the map was 2.7 in wide (its shading's entry on one line) and the
    lineage kept two fifths of the rest: 1.4 in, against the map's 2.1 in."""
    fig = _drawn_panel("cmaes", 15).figure.fig
    population, lineage = (ax.get_position() for ax in fig.axes[:2])
    assert lineage.width * fig.get_figwidth() >= 2.0 and lineage.width >= 0.95 * population.width
    assert layout_problems(fig) == []


def test_the_lineage_legend_covers_no_individual():
    """One generation stands in the middle of the lineage's view, from 0 to 140: every corner of
    a legend half as wide held some of it, and the legend covered the two highest."""
    panel = _drawn_panel("ga", 15)
    ax = panel.lineage_ax
    box = ax.get_legend().get_window_extent(panel.figure.fig.canvas.get_renderer())
    spots = ax.transData.transform(panel.lineage.bred.get_offsets())
    assert len(spots) == 15 and not box.count_contains(spots)
    assert layout_problems(panel.figure.fig) == []
