"""Populations in time: past generations, the true landscape behind them, and the lineage."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Branin  # noqa: E402
from interactive_hpo.plots import plot_lineage  # noqa: E402
from interactive_hpo.plots.lineage import ADOPTED_LABEL, LINEAGE_BEST_LABEL, NOT_BRED_LABEL  # noqa: E402
from interactive_hpo.plots.population import CURVE_LABEL, LANDSCAPE_LABEL  # noqa: E402
from interactive_hpo.study.curves import lineage  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from ..figure_layout import assert_integer_ticks  # noqa: E402
from .lab_helpers import lab_after  # noqa: E402

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
    lab.population_panel.click({"x0": 1.0, "x1": 2.0})  # trial 14, yours: it said "manual has no model"
    lab.travel(14)
    assert lab.surrogate_panel.message.value == "<i>Trial 14 was yours (manual): no model proposed it; below is the " \
                                                "population when it was added.</i>"
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


def drawn(ax, label):
    """The offsets of ``ax``'s scatter labelled ``label`` (empty when there is none)."""
    found = [c.get_offsets() for c in ax.collections if c.get_label() == label]
    return np.asarray(found[0]) if found else np.empty((0, 2))


@pytest.fixture(scope="module")
def cmaes_lab():
    return lab_after(BRANIN, BRANIN.space, 20, optimizer="cmaes", seed=0, optimizer_settings={"population_size": 6})


def test_a_past_step_shows_the_lineage_known_then_and_its_trial_ringed(cmaes_lab):
    # At step 8 the lineage showed generations 2 and 3 and ringed trial 10 (1.6), not known then;
    # the caption said "the star is that proposal" over a population whose star is its best so far.
    lab, panel = cmaes_lab, cmaes_lab.population_panel
    lab.timeline.step.value = 8
    known = [lab.study.trials[number] for number in lab.study.finished_before(8)]
    individuals = drawn(panel.lineage_ax, "individual")
    assert sorted(individuals[:, 1]) == sorted(t.value for t in known) and individuals[:, 0].max() == 1
    best_then = min(t.value for t in known)
    np.testing.assert_allclose(drawn(panel.lineage_ax, LINEAGE_BEST_LABEL), [[0.0, best_then]])
    assert lab.study.best_value < best_then                               # the present's best stays hidden
    trial = lab.study.trials[8]
    np.testing.assert_allclose(panel.plot.proposal.get_offsets(), [[trial.params["x0"], trial.params["x1"]]])
    np.testing.assert_allclose(panel.plot.best.get_offsets(), [[known[4].params["x0"], known[4].params["x1"]]])
    assert known[4].value == best_then                                    # the star and the ring: one trial
    caption = lab.timeline.caption.value
    assert "the black ring is that proposal and &#9733; the best so far" in caption
    assert "&#9733; is that proposal" not in caption and "&#9733; on the model" not in caption   # no model drawn
    lab.travel(None)                                                      # the present: everything, nothing ringed
    assert len(drawn(panel.lineage_ax, "individual")) == 20 and len(panel.plot.proposal.get_offsets()) == 0
    np.testing.assert_allclose(drawn(panel.lineage_ax, LINEAGE_BEST_LABEL)[:, 1], [lab.study.best_value])


def test_after_a_switch_the_lineage_marks_the_studys_best_and_the_mean_shows():
    # Switched from another optimizer, the lineage ringed its best individual (18.5) while the
    # study's best (2.2) was a trial CMA-ES was told, not one it bred; its mean hid under the star.
    study = Study(BRANIN.space, "sobol", seed=0)
    study.run(BRANIN, n_trials=4)
    study.add_manual({"x0": np.pi, "x1": 2.275}, BRANIN({"x0": np.pi, "x1": 2.275}))
    lab = Lab(study, BRANIN)
    lab.controller.switch_optimizer("cmaes", {"population_size": 6})
    lab.step_generation()
    panel = lab.population_panel
    assert len(drawn(panel.lineage_ax, "individual")) == sum(t.source == "cmaes" for t in lab.study.trials) > 0
    assert len(drawn(panel.lineage_ax, LINEAGE_BEST_LABEL)) == 0           # no individual holds the best
    (line,) = [line for line in panel.lineage_ax.lines if line.get_label() == NOT_BRED_LABEL]
    assert set(line.get_ydata()) == {lab.study.best_value} and lab.study.best_trial.source == "manual"
    plot = panel.plot
    np.testing.assert_allclose(plot.mean_marker.get_xydata(), plot.best.get_offsets())   # centred on the best ...
    assert plot.mean_marker.get_zorder() > plot.best.get_zorder()                      # ... and drawn over it
    assert not lab.errors.errors


def test_one_parameter_draws_its_whole_range_and_the_true_curve():
    from interactive_hpo.objectives import Forrester

    forrester = Forrester()
    lab = lab_after(forrester, forrester.space, 12, optimizer="cmaes", seed=0,
                    optimizer_settings={"population_size": 5})
    plot = lab.population_panel.plot
    assert plot.ax.get_xlim() == (0.0, 1.0)                              # it shrank to the members' 0.61 to 0.70
    x, losses = plot.landscape.get_xydata().T
    np.testing.assert_allclose(losses, forrester.evaluate(x[:, None]))    # the true curve, in the study's losses
    labels = [t.get_text() for t in plot.ax.get_legend().get_texts()]
    states = set(lab.study.optimizer.population().states)
    assert "unasked" in states and "unasked" not in labels                # members with no loss are not drawn
    assert CURVE_LABEL in labels


def test_an_integer_parameter_is_drawn_at_the_integers_evaluated():
    # Unasked offspring were drawn at 1.6 and 2.2 layers, and the axis ticked at halves.
    from interactive_hpo import Categorical, Float, Int, SearchSpace

    space = SearchSpace([Float("lr", 1e-4, 1e-1, log=True), Int("layers", 1, 4), Categorical("act", ["relu", "gelu"])])

    def loss(params):
        return (np.log10(params["lr"]) + 2.5) ** 2 + 0.3 * (params["layers"] - 3) ** 2 + (params["act"] == "gelu")

    lab = lab_after(loss, space, 14, optimizer="ga", seed=0, optimizer_settings={"population_size": 6})
    lab.surrogate_panel.y_choice.value = "layers"
    plot = lab.population_panel.plot
    assert "unasked" in set(lab.study.optimizer.population().states)
    layers = plot.members.get_offsets()[:, 1]
    assert np.array_equal(layers, np.round(layers))
    plot.ax.figure.canvas.draw()
    assert_integer_ticks(plot.ax.yaxis)


def test_a_switch_between_population_methods_starts_a_new_lineage(tmp_path):
    """GA and then CMA-ES both number their individuals from 0: the lineage is the run in charge
    (at a step: the run then), so no child is linked to the other run's parents; a loaded journal
    draws the same."""
    study = Study(BRANIN.space, "ga", seed=0, optimizer_settings={"population_size": 4}, storage=tmp_path / "s.jsonl")
    study.run(BRANIN, n_trials=10)
    study.switch_optimizer("cmaes", population_size=4)
    assert lineage(study).ids.size == 0                               # CMA-ES has bred nothing yet
    study.run(BRANIN, n_trials=9)
    now = lineage(study)
    assert now.ids.size == 9 and {t.source for t in study.trials[10:]} == {"cmaes"}
    assert set(now.generations.tolist()) == {0, 1, 2}                 # CMA-ES's own generations
    then = lineage(study, step=8)
    assert then.ids.tolist() == [study.trials[n].user_attrs["id"] for n in study.finished_before(8)]
    assert max(then.generations.tolist()) <= study.trials[8].generation
    loaded = Study.load(tmp_path / "s.jsonl")
    for step in (None, 8, 15):
        live, again = lineage(study, step), lineage(loaded, step)
        assert live.ids.tolist() == again.ids.tolist() and live.parents == again.parents


@pytest.mark.parametrize("method", ["ga", "de", "nsga2"])
def test_after_a_switch_every_parent_in_the_lineage_is_drawn_and_names_the_trial_it_was(method, tmp_path):
    """Switched to after random search, a GA breeds from an elite it built from the best trial
    before the switch (DE: a member replaced by a better trial it was told, here yours; NSGA-II:
    outsiders): no trial recorded that individual's id, so its children's edges went nowhere."""
    several = method == "nsga2"
    objective = (lambda p: (BRANIN(p), p["x0"] ** 2)) if several else BRANIN
    study = Study(BRANIN.space, "random", seed=0, storage=tmp_path / "s.jsonl",
                  **({"directions": ["minimize", "minimize"]} if several else {}))
    study.run(objective, n_trials=8)
    study.switch_optimizer(method, population_size=4)
    study.run(objective, n_trials=8)
    best = {"x0": np.pi, "x1": 2.275}  # a global minimum: a member worse than it makes way
    study.add_manual(best, objective(best))
    study.run(objective, n_trials=8)
    not_bred = {t.number for t in study.trials if t.source != method}
    loaded = Study.load(tmp_path / "s.jsonl")
    for step in (None, 14, 20):
        tree = lineage(study, step)
        nodes = set(tree.ids.tolist())
        assert all(parent in nodes for parents in tree.parents for parent in parents), (step, tree)
        assert set(tree.adopted.values()) <= not_bred
        for ident, number in tree.adopted.items():
            k = tree.ids.tolist().index(ident)
            assert tree.parents[k] == () and ident not in [t.user_attrs.get("id") for t in study.trials[8:]]
            if not several:
                assert tree.values[k] == study.trials[number].value  # drawn where that trial's value is
        again = lineage(loaded, step)  # the journal's records say the same
        assert again.ids.tolist() == tree.ids.tolist() and again.adopted == tree.adopted
    tree = lineage(study)
    assert tree.adopted
    if not several:
        ax = plot_lineage(tree)
        (roots,) = [c for c in ax.collections if c.get_label() == ADOPTED_LABEL]
        assert len(roots.get_offsets()) == len(tree.adopted)
        assert {t.get_text() for t in ax.texts} == {f"trial {n}" for n in tree.adopted.values()}
        # Every edge is drawn: one per (parent, child) pair, none dropped.
        edges = sum(len(c.get_segments()) for c in ax.collections if c.get_label() in ("parent → child",
                                                                                    "ancestry of the best"))
        assert edges == sum(len(parents) for parents in tree.parents)
        matplotlib.pyplot.close(ax.figure)
