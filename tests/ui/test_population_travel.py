"""Populations in time: past generations, the true landscape behind them, and the lineage."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.plots import plot_lineage  # noqa: E402
from interactive_hpo.plots.population import LANDSCAPE_LABEL  # noqa: E402
from interactive_hpo.study.curves import lineage  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from ..figure_layout import assert_integer_ticks  # noqa: E402

BRANIN = Branin()


@pytest.fixture(scope="module")
def ga():
    study = Study(BRANIN.space, "ga", seed=1, optimizer_settings={"population_size": 6})  # its best was bred
    study.run(BRANIN, n_trials=24)
    return study


def test_a_past_population_is_the_one_the_optimizer_had_then(ga):
    past = ga.population(step=13)
    assert past.generation == ga.trials[13].generation
    assert "unasked" in list(past.states) or "pending" in list(past.states)
    current = ga.population()
    assert current.generation == ga.optimizer.population().generation >= past.generation


def test_lineage_links_every_child_to_its_parents_and_traces_the_best(ga):
    tree = lineage(ga)
    assert len(set(tree.ids.tolist())) == len(tree.ids)           # each individual evaluated once
    best_trial = ga.best_trial
    assert tree.best == best_trial.user_attrs["id"] and best_trial.user_attrs["parents"]
    ancestry = tree.ancestry(tree.best)
    assert ancestry[0] == tree.best and set(best_trial.user_attrs["parents"]) <= set(ancestry)
    ax = plot_lineage(tree)
    assert len(ax.collections[1].get_segments()) >= 1                # the best's ancestry, in red
    assert_integer_ticks(ax.xaxis)                                   # generations are counted
    matplotlib.pyplot.close(ax.figure)


def test_the_lab_travels_through_generations_with_the_landscape_behind():
    lab = Lab(BRANIN, optimizer="cmaes", seed=0, optimizer_settings={"population_size": 6})
    lab.run(14)
    panel = lab.population_panel
    assert panel.plot.landscape is not None and panel.lineage_ax.get_title() == "lineage"
    # The shading has a key (it had none: nothing said dark was low).
    assert LANDSCAPE_LABEL in [t.get_text() for t in panel.plot.ax.get_legend().get_texts()]
    lab.travel(8)
    assert panel.plot.ax.get_title() == f"generation {lab.study.population(step=8).generation}"
    assert "has no model; below is its population" in lab.surrogate_panel.message.value
    lab.travel(None)
    assert panel.plot.ax.get_title() == f"generation {lab.study.optimizer.population().generation}"
    assert not lab.errors.errors


def test_several_objectives_have_no_landscape_and_the_lab_opens():
    # The panel shaded ZDT1's (m, 2) values as a landscape: the Lab raised "cannot reshape" on opening.
    from interactive_hpo.objectives import ZDT1

    problem = ZDT1(dim=2)
    lab = Lab(problem, directions=["minimize", "minimize"], optimizer="nsga2", seed=0,
              optimizer_settings={"population_size": 4})
    lab.run(5)
    assert lab.population_panel.plot.landscape is None and not lab.errors.errors


def test_no_landscape_for_an_objective_that_is_not_cheap():
    lab = Lab(lambda p: p["x0"] + p["x1"], space=BRANIN.space, optimizer="ga", seed=0,
              optimizer_settings={"population_size": 4})
    lab.run(5)
    assert lab.population_panel.plot.landscape is None
    values = lab.population_panel.plot.members.get_offsets()
    assert np.isfinite(values).all()
