"""The population plot on a categorical axis and in a conditional space: the search ellipse over
a categorical's bands, and the note saying what is not drawn fits the figure (audit a378)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study
from interactive_hpo.plots.population import ELLIPSE_SIGMAS, PopulationPlot, plot_population
from interactive_hpo.views import PopulationSnapshot

from ..figure_layout import layout_problems

SVM = SearchSpace([Categorical("kernel", ["rbf", "poly", "linear"]),
                   Float("gamma", 1e-4, 10, log=True, condition=("kernel", ["rbf", "poly"])),
                   Float("C", 0.01, 100, log=True)])


def svm_loss(params):
    """Best with a linear kernel, which has no gamma: the best point's star has no place on gamma."""
    value = math.log10(params["C"]) ** 2 - (params["kernel"] == "linear")
    return value + 0.2 * (math.log10(params["gamma"]) + 2) ** 2 if "gamma" in params else value


@pytest.fixture(scope="module")
def svm_population():
    study = Study(SVM, "cmaes", seed=0, optimizer_settings={"population_size": 6})
    study.add_manual({"kernel": "linear", "C": 1.0}, svm_loss({"kernel": "linear", "C": 1.0}))
    study.run(svm_loss, n_trials=10, progress=False)
    snap = study.population()
    assert not snap.best_active[1] and not snap.active[:, 1].all()   # the best and some members lack gamma
    return snap


def distribution(space, mean, sd):
    """A snapshot of one told member with a round search distribution (unit-cube sd) at ``mean``."""
    mean = np.asarray(mean, dtype=float)
    return PopulationSnapshot(0, mean[None], np.array([1.0]), np.array(["told"], dtype=object), np.array([0]), ((),),
                              mean=mean, cov=np.eye(len(mean)) * sd**2, best_x=mean, best_loss=1.0)


def test_the_ellipse_spans_a_categorical_s_bands_continuously():
    """Each point of the ring was rounded to a choice: a staircase on 4 choices, two vertical lines
    spanning gamma in the Lab's kernel x gamma. A unit coordinate u is in choice floor(4 u)'s band."""
    space = SearchSpace([Float("x", 0, 1), Categorical("k", ["a", "b", "c", "d"])])
    plot = PopulationPlot().update(distribution(space, [0.5, 0.4], 0.1), space.axis("x"), space.axis("k"), (0, 1))
    y = plot.ellipse.get_ydata()
    reach = ELLIPSE_SIGMAS * 0.1
    assert y.min() == pytest.approx((0.4 - reach) * 4 - 0.5) and y.max() == pytest.approx((0.4 + reach) * 4 - 0.5)
    assert len(np.unique(y.round(6))) > 20                            # a curve, not a few choices
    assert plot.mean_marker.get_ydata()[0] == pytest.approx(0.4 * 4 - 0.5)   # its centre, in b's band
    np.testing.assert_allclose(plot.members.get_offsets(), [[0.5, 1.0]])    # the member at its choice, b


def test_the_ellipse_on_an_integer_axis_of_three_levels_spans_its_bins():
    # n = 0, 1, 2 are drawn at the centres of unit bins of a third: u = 0 at -0.5, u = 1 at 2.5.
    space = SearchSpace([Float("x", 0, 1), Int("n", 0, 2)])
    plot = PopulationPlot().update(distribution(space, [0.5, 0.45], 0.1), space.axis("x"), space.axis("n"), (0, 1))
    y = plot.ellipse.get_ydata()
    reach = ELLIPSE_SIGMAS * 0.1
    assert y.min() == pytest.approx((0.45 - reach) * 3 - 0.5) and y.max() == pytest.approx((0.45 + reach) * 3 - 0.5)
    assert plot.mean_marker.get_ydata()[0] == pytest.approx(0.45 * 3 - 0.5)
    assert plot.ax.get_ylim() == (-0.5, 2.5)


def test_over_kernel_and_gamma_the_ellipse_is_a_curve(svm_population):
    plot = PopulationPlot().update(svm_population, SVM.axis("kernel"), SVM.axis("gamma"), (0, 1))
    x = plot.ellipse.get_xdata()
    assert len(np.unique(x.round(6))) > 20 and -0.5 < plot.mean_marker.get_xdata()[0] < 2.5


def test_the_note_says_the_best_point_is_not_starred_when_it_lacks_a_parameter_drawn(svm_population):
    """Its star vanished with no word: the note counted the members only."""
    plot = PopulationPlot().update(svm_population, SVM.axis("kernel"), SVM.axis("gamma"), (0, 1))
    note = plot.note.get_text().replace("\n", "")
    assert len(plot.best.get_offsets()) == 0 and note.endswith("the best so far is not starred: gamma is inactive "
                                                               "for it.")
    plot.update(svm_population, SVM.axis("kernel"), SVM.axis("C"), (0, 2))   # both apply to every member
    assert plot.note.get_text() == "" and len(plot.best.get_offsets()) == 1


def test_the_note_fits_a_notebook_figure(svm_population):
    """On one line in the title's type, it was wider than the Axes: cut at the figure's left edge."""
    fig, axs = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    for ax, pair, dims in zip(axs, (("kernel", "gamma"), ("gamma", "C")), ((0, 1), (1, 2)), strict=True):
        plot_population(svm_population, SVM.axis(pair[0]), SVM.axis(pair[1]), dims, ax=ax)
        assert ax.get_title() == "generation 1" and "not drawn" in ax.texts[0].get_text()
    assert layout_problems(fig) == []


def test_the_note_fits_the_lab_s_population_panel(svm_population):
    """The Lab's default view of a conditional space: kernel x gamma, the lineage beside it."""
    from interactive_hpo.plots.layout import drawn_png
    from interactive_hpo.ui.population_panel import PopulationPanel

    panel = PopulationPanel(SVM)
    for _ in range(2):  # laid out by its first draw, fitted to it by the next update (as the Lab's next step)
        panel.update(svm_population, ("kernel", "gamma"))
        assert layout_problems(panel.figure.fig) == []
        drawn_png(panel.figure.fig)
    assert "members are not drawn" in panel.plot.note.get_text().replace("\n", "")
