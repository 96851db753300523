"""GrowingHistory: a run measured again as it grows gives hypervolume_history's answer while
measuring only the rows it has not seen; and the three views that redraw a hypervolume curve
after every trial (the Lab's Pareto tab and timeline, exported frames) keep one."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.exceptions import InvalidParameterError  # noqa: E402
from interactive_hpo.hypervolume import FrontVolume, GrowingHistory, hypervolume_history  # noqa: E402
from interactive_hpo.plots.export_frames import StepFrames  # noqa: E402
from interactive_hpo.plots.pareto import pareto_info  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

NAN = float("nan")


class Measured(list):
    def __init__(self):
        super().__init__()
        self.everywhere: list[int] = []


@pytest.fixture
def measured(monkeypatch):
    """The rows each GrowingHistory call measured; ``everywhere``: the rows anything measured in
    three objectives or more (hypervolume_history too)."""
    rows = Measured()
    grow = FrontVolume._grow

    def counting(self, losses, owner):
        if len(self.reference) > 2:  # a 3-D study's pair of objectives on the front's axes: quick, not counted
            rows.everywhere.append(len(losses))
        if owner == "GrowingHistory":
            rows.append(len(losses))
        return grow(self, losses, owner)

    monkeypatch.setattr(FrontVolume, "_grow", counting)
    return rows


SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])


def run(n=30, m=3, seed=0):
    rng = np.random.default_rng(seed)
    losses = rng.random((n, m))
    losses[rng.random(n) < 0.2] = NAN  # failed trials
    return losses


def test_each_call_is_the_history_and_only_new_rows_are_measured(measured):
    losses, reference = run(), np.full(3, 1.1)
    measure = GrowingHistory()
    for n in (0, 1, 10, 10, 30, 5, 30):  # grows, repeats, reads a beginning off
        np.testing.assert_allclose(measure(losses[:n], reference), hypervolume_history(losses[:n], reference))
    assert sum(measured) == 30


@pytest.mark.parametrize("change", ["row", "reference", "objectives"])
def test_any_other_run_is_measured_afresh(measured, change):
    losses, reference = run(m=3), np.full(3, 1.1)
    measure = GrowingHistory()
    measure(losses[:20], reference)
    if change == "row":  # a trial counted differently (a past step's full budget, a new constraint)
        losses[3] = NAN
    elif change == "reference":
        reference = np.full(3, 1.2)
    else:
        losses, reference = run(m=2), np.full(2, 1.1)
    np.testing.assert_allclose(measure(losses[:25], reference), hypervolume_history(losses[:25], reference))
    assert measured == [20, 25]


def test_a_refused_reference_leaves_no_half_state():
    losses = run()
    measure = GrowingHistory()
    measure(losses[:10], np.full(3, 1.1))
    with pytest.raises(InvalidParameterError, match="finite volume"):
        measure(losses, np.full(3, 1e308))
    # The box refused: its empty front is not extended from row 10 as if it held the first ten.
    with pytest.raises(InvalidParameterError, match="finite volume"):
        measure(losses[:12], np.full(3, 1e308))
    np.testing.assert_allclose(measure(losses, np.full(3, 1.1)), hypervolume_history(losses, np.full(3, 1.1)))


def test_pareto_info_uses_it_and_names_a_wrong_one(measured):
    values, reference = run(), [1.1] * 3
    measure = GrowingHistory()
    for n in (10, 11, 30):
        info = pareto_info(values[:n], ["minimize"] * 3, reference=reference, measure=measure)
        np.testing.assert_allclose(info.hypervolume, pareto_info(values[:n], ["minimize"] * 3,
                                                                 reference=reference).hypervolume)
    assert measured[:3] == [10, 1, 19]
    with pytest.raises(InvalidParameterError, match="`measure` of pareto_info must be a GrowingHistory"):
        pareto_info(values, ["minimize"] * 3, measure=hypervolume_history)


def three_objectives(params):
    return params["a"], params["b"], 1.5 - params["a"] - params["b"]


def test_the_lab_measures_each_step_s_trial_only(measured):
    """The Pareto tab and the timeline each measured every trial again at every Step."""
    study = Study(SQUARE, "sobol", seed=0, directions=["minimize"] * 3)
    study.run(three_objectives, n_trials=12, progress=False)
    lab = Lab(study, three_objectives)
    assert lab.pareto_panel.reference is not None and not lab.errors.errors
    measured.everywhere.clear()
    for _ in range(3):
        lab.step_button.click()
    assert len(study.trials) == 15 and not lab.errors.errors
    assert sum(measured.everywhere) <= 2 * 3  # one new trial per Step, in each of the two curves
    np.testing.assert_allclose(lab.pareto_panel.volume_info.hypervolume,
                               pareto_info(np.array([t.values for t in study.trials]), ["minimize"] * 3,
                                           reference=lab.pareto_panel.reference).hypervolume)


def test_exported_frames_measure_the_run_once(measured):
    study = Study(SQUARE, "random", seed=0, directions=["minimize"] * 3)
    study.run(three_objectives, n_trials=8, progress=False)
    fig = plt.figure()
    frames = StepFrames(study, fig)
    captions = [frames.draw(step) for step in range(8)]
    plt.close(fig)
    assert sum(measured) == 8  # the whole run once (every frame measured it three times)
    final = pareto_info(np.array([t.values for t in study.trials]), ["minimize"] * 3).final_hypervolume
    assert captions[-1].endswith(f"hypervolume {final:.4g}.")
