"""Far-out values (plots._far_out): a quarter or more of the trials failing-like no longer squash
the others, and the ordinary heavy tails of objective values stay on the scale."""

from __future__ import annotations

import numpy as np
import pytest

from interactive_hpo.objectives import Branin, Hartmann6, Levy
from interactive_hpo.plots._far_out import far_out
from interactive_hpo.plots.history import BestSoFarPlot, ParallelCoordinatesPlot

from .test_history_plots import axes_levels, valued_study

#: The browser audit's Lab(task="svm_digits", seed=0), Step x4 then Run 6: three trials failed-like
#: at chance accuracy (trials 1, 5 and 6), the others at 0.97-0.98 (maximized).
SVM = [0.9732699986231583, 0.19503786314195234, 0.9784772132727524, 0.978466198540548, 0.9821836706595072,
       0.19281564091973014, 0.19874156684565605, 0.9725292578824177, 0.9821836706595072, 0.9821836706595072]
FAILED = [1, 5, 6]


@pytest.mark.parametrize("n_values", [8, 9, 10])
@pytest.mark.parametrize(("direction", "sign"), [("maximize", 1.0), ("minimize", -1.0)])
def test_a_quarter_failing_like_leaves_the_scale_and_the_colours_to_the_others(direction, sign, n_values):
    """The audit: 3 of 10 trials at 0.19 hid behind Tukey's fence (a quarter of the values moves the
    quartile), so the History axis spanned 0.2 to 1 and the good trials lay on one flat line, and
    the parallel coordinates drew them all in one yellow. 13 trials (3 more good ones) were cut."""
    values = [sign * v for v in SVM[:n_values]]
    good = [v for k, v in enumerate(values) if k not in FAILED]
    study = valued_study(values, direction)
    plot = BestSoFarPlot().update(study.history())
    assert plot.info.off_scale.tolist() == FAILED
    low, high = plot.ax.get_ylim()
    assert high - low < 0.1 and low < min(good) and max(good) < high   # the good trials' scale
    lines = ParallelCoordinatesPlot(axes_levels(study.space)).update(study.history())
    assert (lines.lines.norm.vmin, lines.lines.norm.vmax) == pytest.approx((min(good), max(good)))
    assert lines.colorbar.extend == ("min" if sign > 0 else "max")


def test_a_gap_that_sets_few_values_apart_still_does_from_8_on():
    """[1e11, 1.0, 1.2, 1.1, 0.9, 5e11, 1.05] had its two diverged runs marked off the scale; one
    more trial near 1 brought them back, squashing the others (two of 8 hide behind the fence)."""
    values = np.array([1e11, 1.0, 1.2, 1.1, 0.9, 5e11, 1.05, 1.0])
    assert far_out(values, high=True).nonzero()[0].tolist() == [0, 5]
    assert far_out(-values, high=False).nonzero()[0].tolist() == [0, 5]


@pytest.mark.parametrize("values", [
    [-0.5, -0.4, -0.3, -0.0, 0.2, 11.0, 15.0, 15.8],                       # 8 random trials of Forrester
    [349.3, 933.7, 4598.5, 4995.6, 8754.6, 9605.3, 256095.5, 408514.3],    # 8 of Rosenbrock in 2-D
    [-0.19, -0.195, -0.198, -0.191, -0.193, -0.97, -0.972, -0.975, -0.98, -0.982],  # half failing: two groups
])
def test_a_tight_group_beside_a_spread_bad_tail_keeps_it(values):
    """The others 10 times their span away is not enough: the ones left off must be a group too
    (asking it of the others alone cut these ordinary samples), and fewer than the others."""
    values = np.array(values)
    assert not far_out(values, high=True).any() and not far_out(-values, high=False).any()


@pytest.mark.parametrize("function", [Branin(), Levy(), Hartmann6()], ids=lambda f: f.name)
@pytest.mark.parametrize("n_values", [10, 20, 50])
def test_random_trials_of_test_functions_keep_their_heavy_tail(function, n_values):
    """Random trials of test functions have a heavy bad tail (Branin's 4 trials at 3.1, 4.2, 10.7
    and 140 are ordinary): none of 100 samples loses a value."""
    low, high = function.bounds[:, 0], function.bounds[:, 1]
    for seed in range(100):
        values = function.evaluate(low + np.random.default_rng(seed).random((n_values, function.dim)) * (high - low))
        assert not far_out(values, high=True).any(), (seed, np.sort(values))
