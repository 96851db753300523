"""The Lab on a warm-started study (issue 29, item 1): the Model tab draws the sources' trials
faded behind the study's own, and says how much the model's mean follows each source, at every
step and at past steps."""

from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("ipywidgets")
pytest.importorskip("botorch")

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.objectives import FunctionObjective  # noqa: E402
from interactive_hpo.plots.surrogate_maps import PROPOSAL_REACH  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402
from interactive_hpo.views import trust_words  # noqa: E402

from ..figure_layout import assert_clean_layout  # noqa: E402
from .lab_helpers import FAST, LINE, quad  # noqa: E402

PAIR = SearchSpace([Float("a", -1.0, 1.0), Float("b", 1e-3, 1.0, log=True)])


def bowl(params):
    return (params["a"] - 0.3) ** 2 + (np.log10(params["b"]) + 1.5) ** 2


pytestmark = pytest.mark.usefixtures("one_torch_thread", "coarse_maps")  # the maps' marks and words, at any resolution


def source_study(space, objective, n=10, seed=1):
    old = Study(space, "random", seed=seed)
    for _ in range(n):
        old.step(objective)
    return old


@pytest.fixture(scope="module")
def old():
    return source_study(PAIR, bowl)


def warm_lab(old, n_steps=3):
    study = Study(PAIR, "bo", warm_start={"svm_on_iris": old}, seed=0, optimizer_settings=FAST)
    lab = Lab(study, bowl)
    for _ in range(n_steps):
        lab.step_button.click()
    return lab


def faded(ax):
    return [c for c in ax.collections if c.get_label().endswith(("(warm start)", "(warm start, range matched)"))]


def expected_trust(view):
    return html.escape(trust_words(view.hyperparameters.source_weights)).replace("\n", "<br>")


def test_the_maps_draw_the_source_trials_faded_behind_the_study_own(old):
    lab = warm_lab(old)
    panel, study = lab.surrogate_panel, lab.study
    assert panel.maps is not None and panel.sources is not None
    for ax, own in zip(panel.maps.axes, panel.maps.points, strict=True):
        (artist,) = faded(ax)
        assert artist.get_label() == "svm_on_iris (warm start)"
        offsets = artist.get_offsets()
        assert len(offsets) == len(old.trials) == 10  # every source trial fits this space
        assert artist.get_zorder() < own.get_zorder() and np.all(artist.get_facecolors()[:, 3] < 0.5)
        assert len(own.get_offsets()) == len(study.trials)  # the study's own trials as before
    # On the plot axes, as the study's own trials: a's value and b's (on a log axis).
    a = sorted(t.params["a"] for t in old.trials)
    b = sorted(t.params["b"] for t in old.trials)
    offsets = faded(panel.maps.axes[0])[0].get_offsets()
    np.testing.assert_allclose(sorted(offsets[:, 0]), a, atol=1e-9)
    np.testing.assert_allclose(sorted(offsets[:, 1]), b, rtol=1e-6)
    legend = panel.sources.legend
    assert [t.get_text() for t in legend.get_texts()] == ["svm_on_iris (warm start)"]
    # Off the maps: on the mean map it covered its upper-left quarter, sources and trials
    # included (notebook 15's Lab); under them, it covers no label, colour bar or star's reach.
    assert_clean_layout(panel.figure.fig, "the Model tab")
    box = legend.get_window_extent()
    assert not any(box.overlaps(ax.bbox) for ax in panel.maps.axes)
    star = panel.maps.proposals[-1]
    assert box.y1 < star.axes.bbox.y0 - PROPOSAL_REACH * star.figure.dpi / 72   # a star on the bottom bound clears it


def test_the_trust_line_names_each_source_and_follows_every_step_and_time_travel(old):
    lab = warm_lab(old)
    panel, study = lab.surrogate_panel, lab.study
    view = study.surrogate()
    weight = view.hyperparameters.source_weights["svm_on_iris"]
    assert f"follows &#x27;svm_on_iris&#x27; with weight {weight:.2f} (prior 1.00)" in panel.trust.value
    assert panel.trust.value == expected_trust(view) and panel.trust.layout.display is None
    sources = panel.sources
    lab.step_button.click()
    after = study.surrogate()
    assert panel.trust.value == expected_trust(after)
    assert panel.sources is sources  # encoded once per study, not at every redraw
    # The view at a past step carries that step's weights.
    step = len(study.trials) - 1
    lab.travel(step)
    past = study.surrogate(step=step)
    assert panel.trust.value == expected_trust(past) and "svm_on_iris" in panel.trust.value
    assert panel.trust.value != expected_trust(study.surrogate())  # refitted since: other weights now
    lab.travel(None)
    assert panel.trust.value == expected_trust(study.surrogate())


def test_a_study_without_sources_draws_no_faded_points_and_no_trust_line():
    lab = Lab(FunctionObjective(bowl, PAIR), seed=0, optimizer_settings=FAST)
    lab.run(3)
    panel = lab.surrogate_panel
    assert panel.sources is None and panel.trust.value == "" and panel.trust.layout.display == "none"
    assert panel.maps is not None and not any(faded(ax) for ax in panel.maps.axes)
    assert panel.maps.axes[0].get_legend() is None
    assert len(panel.maps.points[0].get_offsets()) == 3


def test_the_curve_draws_the_sources_as_losses_in_the_study_direction_over_the_study_range():
    """A source's GP enters the model standardized: its level is never read. Drawn at it, an
    accuracy source beside an error study sat below every value and flattened the curve (a442)."""
    old = source_study(LINE, quad, n=8)
    lab = Lab(quad, space=LINE, direction="maximize", seed=0, optimizer_settings=FAST, warm_start={"old": old})
    assert [r.name for r in lab.study.warm_start] == ["old"]
    lab.run(3)
    curve = lab.surrogate_panel.curve
    (artist,) = faded(curve.ax)
    offsets = np.array(sorted(map(tuple, artist.get_offsets())))
    # The source minimized quad; this study maximizes it: a source's higher quad is a worse loss,
    # drawn lower, and its points span the study's own values.
    source = np.array(sorted((t.params["x"], t.value) for t in old.trials))
    np.testing.assert_allclose(offsets[:, 0], source[:, 0], atol=1e-9)
    assert (np.argsort(offsets[:, 1], kind="stable") == np.argsort(-source[:, 1], kind="stable")).all()
    own = [t.value for t in lab.study.trials if t.value is not None]
    np.testing.assert_allclose([offsets[:, 1].min(), offsets[:, 1].max()], [min(own), max(own)], atol=1e-9)
    assert "old (warm start, range matched)" in [t.get_text() for t in curve.ax.get_legend().get_texts()]
    assert "with weight" in lab.surrogate_panel.trust.value


def test_a_conditional_space_skips_source_points_where_a_shown_parameter_is_inactive():
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])

    def loss(params):
        return (params["C"] - 0.3) ** 2 + (params.get("gamma", 0.5) - 0.7) ** 2

    old = source_study(space, loss, n=12)
    rbf = sum(t.params["kernel"] == "rbf" for t in old.trials)
    assert 0 < rbf < 12, "the test needs trials of both kernels"
    lab = Lab(loss, space=space, seed=0, optimizer_settings=FAST, warm_start=[old])
    lab.run(4)
    panel = lab.surrogate_panel
    panel.follow_best.value = False
    panel.anchors["kernel"].value = "rbf"
    panel.x_choice.value, panel.y_choice.value = "gamma", "C"
    assert len(faded(panel.maps.axes[0])[0].get_offsets()) == rbf
    panel.x_choice.value = "kernel"  # every source trial has a kernel and a C
    assert len(faded(panel.maps.axes[0])[0].get_offsets()) == 12


def test_the_lab_warm_starts_only_a_study_it_builds(old):
    with pytest.raises(InvalidParameterError, match="`warm_start` of Lab must be None with an existing study"):
        Lab(Study(PAIR, "bo", seed=0), bowl, warm_start=[old])
    lab = Lab(bowl, space=PAIR, seed=0, optimizer_settings=FAST, warm_start=[old])
    assert len(lab.study.warm_start) == 1 and len(lab.study.warm_start[0].params) == len(old.trials)


def test_reset_keeps_the_warm_start_sources(old):
    lab = warm_lab(old, n_steps=1)
    sources = lab.study.warm_start
    lab.controller.reset()
    assert lab.study.trials == [] and lab.study.warm_start == sources


def test_a_source_keeps_its_level_while_the_study_has_no_range():
    from interactive_hpo.plots.surrogate_sources import matched_range

    losses = np.array([-0.9, -0.5, -0.7])
    np.testing.assert_array_equal(matched_range(losses, np.array([0.3])), losses)   # one own value: no range
    np.testing.assert_allclose(matched_range(losses, np.array([0.1, 0.6, 0.2])), [0.1, 0.6, 0.35])
