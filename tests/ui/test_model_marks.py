"""What the Model tab says of the next proposal and marks on its figures (audit a377): a point of
the initial design is not explained as an acquisition's choice; failed trials the GP learnt from,
your trials and an off-slice proposal are marked as such; a trial of yours and an Undo are noted."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, SearchSpace, Study  # noqa: E402
from interactive_hpo.analysis import failed_learnt  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

from .lab_helpers import FAST, LINE, lab_after  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread", "coarse_maps")  # the maps' marks and words, at any resolution

FAILED_LABEL = "failed (fitted below the worst)"  # what the crosses are, in the key and the legend
PLANE = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
DESIGN4 = {**FAST, "n_initial": 4}


def bowl(params):
    return (params["x"] - 0.3) ** 2 + (params["y"] - 0.4) ** 2


def fails_right(params):
    if params["x"] > 0.5:
        raise ValueError(f"diverged at x={params['x']:.3f}")
    return (params["x"] - 0.3) ** 2 + params.get("y", 0.4) ** 2


@pytest.fixture(scope="module")
def early():
    """A BO Lab three trials into its four-point initial design: a GP is shown (from two trials)."""
    return lab_after(bowl, PLANE, 3, seed=0, optimizer_settings=DESIGN4)


def why(lab):
    return lab.surrogate_panel.why.value.split("<details>")[0]


def test_an_initial_design_point_is_said_to_be_one_not_an_acquisitions_choice(early):
    # "logei chose it for its uncertainty (exploration) alone" was said of a Sobol point.
    assert early.study.optimizer.propose().info["phase"] == "initial"
    said = why(early)
    assert "The next Step evaluates trial 3, one of bo&#x27;s quasi-random initial points, " \
           "chosen without a model" in said, said
    assert "chose it" not in said and "does not choose the initial points" in said
    # The time-travel caption says it of a trial of the design in the same words.
    assert "one of bo&#x27;s quasi-random initial points, chosen without a model" in \
        early.controller.past(2).why.replace("'", "&#x27;")


def test_once_the_design_is_done_the_acquisition_is_what_explains_the_proposal():
    lab = lab_after(bowl, PLANE, 5, seed=0, optimizer_settings=DESIGN4)
    assert lab.study.optimizer.propose().info["phase"] == "bo"
    assert "chose it" in why(lab) and "initial points" not in why(lab)
    lab.controller.travel(3)  # the design's last point, with the model that then proposed from trial 4 on
    assert "one of bo's 4 quasi-random initial points, chosen without a model: bo's model proposed from trial 4 on" \
        in lab.timeline.caption.value.replace("&#x27;", "'")


def test_failed_trials_the_gp_learnt_from_are_crosses_on_the_maps_and_the_key_says_so():
    study = Study(PLANE, "random", seed=0)
    study.run(fails_right, n_trials=6, progress=False)
    study.switch_optimizer("bo", **FAST)
    study.run(fails_right, n_trials=2, progress=False)
    lab = Lab(study, fails_right)
    learnt = failed_learnt(study, "gp")
    assert learnt >= 2  # the objective fails right of x = 0.5, where most random points fell
    maps = lab.surrogate_panel.maps
    assert all(len(layer.get_offsets()) == learnt for layer in maps.failed)
    assert np.all(np.asarray(maps.failed[0].get_offsets())[:, 0] > 0.5)
    assert FAILED_LABEL in lab.surrogate_panel.key.value
    assert lab.surrogate_panel.key.layout.display is None


def test_the_curve_crosses_the_failed_trials_the_gp_learnt_from_and_its_legend_says_so():
    study = Study(LINE, "random", seed=0)
    study.run(fails_right, n_trials=8, progress=False)  # it fails right of x = 0.5 on [-2, 2]
    study.switch_optimizer("bo", **FAST)
    lab = Lab(study, fails_right)
    curve = lab.surrogate_panel.curve
    learnt = failed_learnt(study, "gp")
    assert learnt >= 1 and len(curve.failed.get_offsets()) == learnt
    assert FAILED_LABEL in [text.get_text() for text in curve.ax.get_legend().get_texts()]


def test_a_trial_of_yours_is_a_gold_star_and_noted_and_undo_says_which_it_withdrew(early):
    lab = lab_after(bowl, PLANE, 3, seed=0, optimizer_settings=DESIGN4)
    lab.controller.evaluate({"x": 0.25, "y": 0.5})
    assert lab.notes.value == "Your trial 3: x=0.25, y=0.5 -&gt; 0.0125 (the best so far)"
    maps = lab.surrogate_panel.maps
    assert np.asarray(maps.manual[0].get_offsets()).tolist() == [[0.25, 0.5]]
    assert len(maps.points[0].get_offsets()) == 3  # the optimizer's, as dots
    assert "yours" in lab.surrogate_panel.key.value
    lab.controller.undo()
    assert lab.notes.value == "Undid trial 3 (x=0.25, y=0.5 -&gt; 0.0125)"
    assert len(maps.manual[0].get_offsets()) == 0
    lab.step()  # the next trial clears the note
    assert lab.notes.value == ""


def test_a_proposal_off_the_slice_is_faded_as_a_trial_there_is_and_the_key_says_why():
    space = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0), Categorical("k", ["a", "b"])])
    lab = lab_after(lambda p: bowl(p) + (p["k"] == "b"), space, 4, seed=0, optimizer_settings=FAST)
    panel = lab.surrogate_panel
    panel.follow_best.value = False
    shown = lab.controller.present()
    proposal = shown.proposal.copy()
    for choice, faded in (("a", False), ("b", True)):  # the slice at the proposal's choice, then at the other
        panel.anchors["k"].value = lab.study.space.from_unit(proposal)["k"] if not faded else \
            ("b" if lab.study.space.from_unit(proposal)["k"] == "a" else "a")
        panel.update(shown.view, shown.history, proposal)
        alpha = panel.maps.proposals[0].get_edgecolors()[0][3]
        assert bool(alpha < 1.0) is faded, choice
        assert ("off this slice" in panel.key.value) is faded
