"""The Model tab names constrained log-EI for what it draws (issue: its colour bar said "feasible
EI" before any trial was feasible, when "logcei" is the log probability of feasibility alone).
Headless (Agg); asserts on the titles and labels drawn and on the journal's record."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from interactive_hpo import Evaluation, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread", "coarse_maps")  # the maps' marks and words, at any resolution

SQUARE = SearchSpace([Float("a", 0.0, 1.0), Float("b", 0.0, 1.0)])
FAST = {"n_initial": 4, "num_restarts": 2, "raw_samples": 64}
NOT_YET = "log P(feasible)\n(no feasible trial yet)"


def corner(params):
    """Feasible only in the corner a, b >= 0.95, which 5 trials from seed 0 never reach."""
    return Evaluation(params["a"] + params["b"], constraints=[0.95 - params["a"], 0.95 - params["b"]])


def titles(lab):
    """The acquisition map's title and its colour bar's words."""
    maps = lab.surrogate_panel.maps
    return maps.axes[2].get_title(), maps.colorbars[2].ax.get_xlabel()


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """5 infeasible trials (4 Sobol, 1 constrained log-EI), journaled."""
    made = Study(SQUARE, "bo", seed=0, optimizer_settings=FAST,
                 storage=tmp_path_factory.mktemp("feasibility") / "corner.jsonl")
    made.run(corner, n_trials=5, progress=False)
    assert not any(t.feasible for t in made.trials)
    return made


def test_before_any_feasible_trial_the_maps_say_they_show_the_probability_of_feasibility(study):
    lab = Lab(study, corner)
    title, bar = titles(lab)
    assert not lab.errors.errors
    assert title == NOT_YET and "P(feasible)" in bar and "EI" not in bar
    # What the proposal records is unchanged: the acquisition's name, in the trial and its journal.
    assert study.trials[4].user_attrs["acquisition"] == "logcei"
    assert Study.load(study.storage).trials[4].user_attrs["acquisition"] == "logcei"
    lab.controller.travel(4)  # the belief that proposed trial 4: no feasible trial then either
    assert titles(lab)[0] == NOT_YET and not lab.errors.errors
    lab.close()


def test_once_a_trial_is_feasible_the_maps_show_feasible_ei_again():
    made = Study(SQUARE, "bo", seed=0, optimizer_settings=FAST)
    made.run(corner, n_trials=4, progress=False)
    made.add_manual({"a": 0.99, "b": 0.98}, 1.97, constraints=[-0.04, -0.03])
    made.add_manual({"a": 0.2, "b": 0.2}, 0.4)  # no constraints: of unknown feasibility, as BO counts it
    lab = Lab(made, corner)
    title, bar = titles(lab)
    assert title == "logcei" and "P(feasible)" not in bar and not lab.errors.errors
    lab.controller.travel(5)  # the last manual trial: the feasible one had finished before it
    assert titles(lab)[0] == "logcei"
    lab.close()
    # Trial.feasible counts a trial without constraints as feasible; constrained BO does not.
    from interactive_hpo.ui.beliefs import known_feasible

    assert made.trials[5].feasible and not known_feasible([*made.trials[:4], made.trials[5]])
