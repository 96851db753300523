"""Export of a study of several objectives (issue 27): each step the Pareto front of the trials so
far and the hypervolume over trials, one reference point for every frame, the newest trial ringed."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Evaluation, Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.objectives import DTLZ2, ZDT1  # noqa: E402
from interactive_hpo.plots import pareto_info  # noqa: E402
from interactive_hpo.plots.export import draw_step, export_animation, export_html  # noqa: E402
from interactive_hpo.plots.export_pareto import draw_front_step  # noqa: E402
from interactive_hpo.plots.pareto import LOWER_BUDGET  # noqa: E402

ZDT = ZDT1(dim=3)
N = 5  # trial 2 breaks the constraint


def one_objective():
    study = Study(ZDT.space, "random", seed=0)
    study.run(lambda p: p["x0"], n_trials=1, progress=False)
    return study


def values_of(study):
    return np.column_stack([study.history(objective=j).values for j in range(study.goals.n)])


@pytest.fixture(scope="module")
def study():
    """ZDT1 by random search, with a constraint on f0 that some trials break."""
    study = Study(ZDT.space, "random", directions=dict(zip(ZDT.names, ZDT.directions, strict=True)), seed=0)
    study.run(lambda p: Evaluation(ZDT(p), constraints=[p["x0"] - 0.8]), n_trials=N, progress=False)
    return study


def test_html_has_one_frame_per_step_with_the_front_in_its_caption(study, tmp_path):
    page = export_html(study, tmp_path / "front.html", title="ZDT1").read_text()
    assert page.count("data:image/png;base64,") == N and f'max="{N - 1}"' in page
    captions = re.findall(r'"(Step \d+: [^"]*)"', page)
    assert len(captions) == N and captions[0].startswith("Step 0: random proposed trial 0 (f0 ")
    # The last caption's hypervolume is the whole study's, from the reference inferred once.
    info = pareto_info(values_of(study), ZDT.directions, np.array([t.feasible for t in study.trials]))
    front = len(study.best_trials)
    assert captions[-1].endswith(f"Pareto front of {front} of {N} trials, hypervolume {info.final_hypervolume:.4g}.")


def test_gif_has_a_frame_per_chosen_step(study, tmp_path):
    from PIL import Image

    path = export_animation(study, tmp_path / "front.gif", steps=[2, 4], reference=ZDT.reference)
    with Image.open(path) as gif:
        assert gif.n_frames == 2


def test_every_frame_is_measured_from_one_reference_and_rings_the_newest_trial(study):
    values, feasible = values_of(study), np.array([t.feasible for t in study.trials])
    assert not feasible.all()  # the constraint bites: infeasible trials are drawn but never counted
    reference = np.array([1.2, 8.0])
    infos = []
    for step in range(N):
        fig = Figure()
        infos.append(draw_front_step(fig, values, feasible, ZDT.directions, ZDT.names, reference, step))
        front_ax, volume_ax = fig.axes
        ringed = [c for c in front_ax.collections if c.get_label() == f"trial {step} (newest)"]
        assert len(ringed) == 1 and np.allclose(ringed[0].get_offsets()[0], values[step])
        assert volume_ax.get_xlim() == (0.5, N + 0.5)            # the same frame at every step
        assert "(1.2, 8)" in volume_ax.get_title()
    whole = pareto_info(values, ZDT.directions, feasible, reference=reference)
    assert all(np.array_equal(info.reference, reference) for info in infos)
    # Step k's curve is the first k + 1 points of the whole study's: nothing is re-measured.
    assert all(np.allclose(info.hypervolume, whole.hypervolume[:k + 1]) for k, info in enumerate(infos))
    assert np.array_equal(infos[-1].front, whole.front)


def test_axes_limits_hold_still_across_frames(study):
    values, feasible = values_of(study), np.array([t.feasible for t in study.trials])
    limits = []
    for step in (0, N - 1):
        fig = Figure()
        draw_front_step(fig, values, feasible, ZDT.directions, ZDT.names, ZDT.reference, step)
        limits.append((fig.axes[0].get_xlim(), fig.axes[0].get_ylim(), fig.axes[1].get_ylim()))
    assert limits[0] == limits[1]


def test_three_objectives_show_a_pair_and_ring_the_whole_pareto_set():
    dtlz = DTLZ2(dim=4, n_objectives=3)
    study = Study(dtlz.space, "sobol", directions=dict(zip(dtlz.names, dtlz.directions, strict=True)), seed=0)
    study.run(dtlz, n_trials=6, progress=False)
    fig = Figure()
    caption = draw_step(study, 5, fig, pair=("f0", "f2"), reference=[1.1, 1.1, 1.1])
    assert caption.startswith("Step 5: sobol proposed trial 5 (f0 ") and "hypervolume" in caption
    front_ax = fig.axes[0]
    assert front_ax.get_xlabel().startswith("f0") and front_ax.get_ylabel().startswith("f2")
    labels = [c.get_label() for c in front_ax.collections]
    assert "Pareto set, all 3 objectives" in labels and "trial 5 (newest)" in labels
    assert [p.get_label() for p in front_ax.patches][0].startswith("area dominated in f0-f2: ")  # no hypervolume


def test_a_failed_first_trial_gives_an_empty_front():
    study = Study(ZDT.space, "random", directions=ZDT.directions, seed=0)
    study.tell(study.ask(), state="FAILED")
    fig = Figure()
    caption = draw_step(study, 0, fig)
    assert "(failed)" in caption and "Pareto front of 0 of 1 trials, hypervolume 0." in caption
    assert fig.axes[0].texts[0].get_text() == "no completed trials yet"


def test_a_scheduler_s_lower_rungs_are_drawn_hollow_and_never_on_a_frame_s_front():
    # A cheaper budget looks better in both objectives: every frame put cheap jobs on the front
    # and measured them, and the reference was inferred from them, where best_trials counts full
    # evaluations only.
    def cheap_dominates(params, budget=None):
        cheaper = 0.5 * (1 - (1.0 if budget is None else budget))
        return params["x"] - cheaper, 1 - params["x"] + params["y"] - cheaper

    plane = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
    study = Study(plane, "hyperband", directions=["minimize", "minimize"], seed=0,
                  optimizer_settings={"min_budget": 1 / 3})
    study.run(cheap_dominates, n_trials=8, progress=False)
    values = values_of(study)
    full = np.array([t.budget >= study.full_budget for t in study.trials])
    assert [t.number for t in study.best_trials] == [3, 5] and (~full).sum() == 5
    fig = Figure()
    caption = draw_step(study, 7, fig)  # the reference inferred from the full evaluations 3, 4 and 5
    counted = pareto_info(values[full], ["minimize", "minimize"])
    assert f"Pareto front of 2 of 8 trials, hypervolume {counted.final_hypervolume:.4g}." in caption
    (hollow,) = [c for c in fig.axes[0].collections if c.get_label() == LOWER_BUDGET]
    assert np.array_equal(hollow.get_offsets(), values[~full])
    info = draw_front_step(Figure(), values, np.ones(8, bool), ["minimize", "minimize"], ["a", "b"],
                           counted.reference, 7, full=full)
    assert np.flatnonzero(info.front).tolist() == [3, 5] and info.hypervolume[:3].tolist() == [0.0] * 3


def test_the_lab_exports_from_the_reference_its_pareto_tab_shows(tmp_path):
    from interactive_hpo.ui import Lab

    lab = Lab(ZDT, optimizer="random", seed=0)   # ZDT1 declares its reference (11, 11): the tab's from the start
    lab.run(3)
    assert np.array_equal(lab.pareto_panel.reference, ZDT.reference)
    page = lab.export(str(tmp_path / "lab.html")).read_text()
    assert page.count("data:image/png") == 3
    volume = pareto_info(values_of(lab.study), ZDT.directions, reference=ZDT.reference).final_hypervolume
    assert f"hypervolume {volume:.4g}." in page


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, p: export_html(s, p / "x.html", reference=[1.0]),
     "`reference` of export_html must be None or 2 finite numbers in objective units, one per objective ['f0', 'f1']; "
     "got [1.0]."),
    (lambda s, p: export_html(s, p / "x.html", reference=[1.0, float("inf")]), "got [1.0, inf]."),
    (lambda s, p: export_html(s, p / "x.html", reference="far"), "got 'far'."),
    (lambda s, p: export_html(s, p / "x.html", pair=("f0", "x1")),
     "`pair` of export_html must be two different objective names from ['f0', 'f1']; got ('f0', 'x1')."),
    (lambda s, p: export_html(one_objective(), p / "x.html", reference=[1.0, 1.0]),
     "`reference` of export_html must be None for a study of one objective (it measures no hypervolume); got "
     "[1.0, 1.0]."),
])
def test_input_errors(study, tmp_path, call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(study, tmp_path)


def test_every_frame_is_laid_out_though_each_is_built_again_looking_like_the_last(study, tmp_path, monkeypatch):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    layouts = []
    real = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: (layouts.append(fig), real(self, fig)))
    export_html(study, tmp_path / "front.html", steps=[3, 4], reference=ZDT.reference)
    assert len(layouts) == 2  # the second frame's axes were drawn where matplotlib first puts them


@pytest.mark.parametrize(("feasible", "full", "title"), [
    ([True, True, True], [False, False, False], "no reference yet: no feasible trial at the full budget"),
    ([False, False, False], None, "no reference yet: no feasible trial"),
])
def test_a_frame_without_a_reference_says_why(feasible, full, title):
    # Only lower-budget trials (hyperband, min_budget=1/9, 6 trials): "from the reference (nan, nan)".
    values = np.array([[0.2, 0.9], [0.5, 0.4], [0.8, 0.1]])
    fig = Figure()
    info = draw_front_step(fig, values, feasible, ["minimize"] * 2, ["f0", "f1"], [np.nan, np.nan], 2, full=full)
    assert not np.isfinite(info.reference).any() and fig.axes[1].get_title() == title



def test_a_trial_without_constraints_in_a_constrained_study_is_off_every_frame_s_front():
    study = Study(ZDT.space, "random", directions=dict(zip(ZDT.names, ZDT.directions, strict=True)), seed=0)
    study.run(lambda p: Evaluation(ZDT(p), constraints=[p["x0"] - 0.8]), n_trials=3, progress=False)
    guess = study.add_manual({name: 0.0 for name in ZDT.space.names}, (-1.0, 100.0))  # the best f0, unmeasured
    assert guess.feasible and guess not in study.best_trials
    fig = Figure()
    caption = draw_step(study, guess.number, fig)
    assert f"Pareto front of {len(study.best_trials)} of 4 trials" in caption
    drawn = {c.get_label(): len(c.get_offsets()) for c in fig.axes[0].collections}
    assert drawn["feasibility unknown"] == 1  # not drawn as infeasible
