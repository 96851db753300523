"""Export for slides: a self-contained HTML page with a step slider, and GIF / MP4 animations."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Evaluation, Float, InvalidParameterError, MissingDependencyError, SearchSpace, Study  # noqa: E402
from interactive_hpo.plots.export import (  # noqa: E402
    GENERATOR,
    check_replaceable,
    draw_step,
    export_animation,
    export_html,
)
from interactive_hpo.plots.surrogate_maps import WARPED_STD  # noqa: E402

from ..figure_layout import assert_integer_ticks  # noqa: E402
from ..trial_copies import count_copies  # noqa: E402

PLANE = SearchSpace([Float("a", -1.0, 1.0), Float("b", -1.0, 1.0)])
FAST = {"n_initial": 3, "num_restarts": 2, "raw_samples": 64}


def bowl(params):
    return params["a"] ** 2 + (params["b"] - 0.5) ** 2


@pytest.fixture(scope="module")
def study():
    study = Study(PLANE, "bo", seed=0, optimizer_settings=FAST)
    study.run(bowl, n_trials=4)  # three initial, one from the model
    return study


def test_html_page_is_self_contained_with_one_frame_per_step(study, tmp_path):
    page = export_html(study, tmp_path / "steps.html", title="Bowl <2-D>").read_text()
    assert page.count("data:image/png;base64,") == 4 and 'max="3"' in page
    assert "Bowl &lt;2-D&gt;" in page and "Step 3: bo proposed trial 3 from 3 finished trials" in page
    assert not re.search(r"(src|href)=\"https?:", page)   # no server, no internet needed


def test_steps_may_be_a_numpy_array(study, tmp_path):
    page = export_html(study, tmp_path / "steps.htm", steps=np.arange(0, 4, 2)).read_text()
    assert page.count("data:image/png;base64,") == 2


def test_figsize_may_be_any_two_numbers_within_the_cap(study, tmp_path):
    from PIL import Image

    # At the exports' 80 dots per inch: the cap's ends, from a list, a tuple of numpy scalars and an array.
    for figsize, pixels in [([1, 50], (80, 4000)), ((np.float64(2.5), np.int64(2)), (200, 160)),
                            (np.array([3.0, 1.0]), (240, 80))]:
        path = export_animation(study, tmp_path / "one.gif", steps=[0], figsize=figsize)
        with Image.open(path) as gif:
            assert gif.size == pixels


def test_gif_has_a_frame_per_chosen_step(study, tmp_path):
    from PIL import Image

    path = export_animation(study, tmp_path / "steps.gif", steps=[1, 3])  # one model-free frame, one model's
    with Image.open(path) as gif:
        assert gif.n_frames == 2


def test_mp4_needs_ffmpeg_and_says_so(study, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(MissingDependencyError, match="needs the ffmpeg program"):
        export_animation(study, tmp_path / "steps.mp4")


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, p: export_animation(s, p / "steps.avi"), "`path` of export_animation must be a .gif or .mp4 file"),
    (lambda s, p: export_html(s, p / "x.html", steps=[9]),
     "`steps` of export_html must be a non-empty list of trial numbers (ints) in [0, 4); got [9]."),
    (lambda s, p: export_html(Study(PLANE), p / "x.html"), "trial numbers (ints) in [0, 0); got None. Run the study"),
    # Fuzz round 3: each of these was read some other way or failed deep inside (a str pair as
    # its letters, 2.7 as step 2, an int as a TypeError, fps=0 as a ZeroDivisionError, ...).
    (lambda s, p: export_html(s, p / "x.html", steps=[2.7]), "got [2.7]."),
    (lambda s, p: export_html(s, p / "x.html", steps=np.array([[1, 2]])), "got array([[1, 2]])."),
    (lambda s, p: draw_step(s, 0, None, reference=[1.0]), "`reference` of draw_step must be None for a study of "
                                                          "one objective"),
    (lambda s, p: export_html(s, p / "x.html", steps=[True]), "got [True]."),
    (lambda s, p: export_html(s, p / "x.html", steps=3), "got 3."),
    (lambda s, p: export_html(s, p / "x.html", pair="ab"),
     "`pair` of export_html must be two different parameter names from ['a', 'b']; got 'ab'."),
    (lambda s, p: export_html(s, p / "x.html", pair=("a", "a")), "got ('a', 'a')."),
    (lambda s, p: export_animation(s, p / "x.gif", pair=("a", "z")), "`pair` of export_animation must be two"),
    (lambda s, p: export_html(s, p / "x.html", figsize=(0, 3)),
     "`figsize` of export_html must be (width, height) in inches, two numbers in [1, 50]; got (0, 3). At 80 dots "
     "per inch that is 80 to 4,000 pixels a side."),
    # Capped: (1e6, 1e6) was matplotlib's "Image size ... is too large", (100, 100) 8.5 s and 380 MB a frame,
    # and (0.01, 0.01) Pillow's "cannot write empty image" after the frames were drawn.
    (lambda s, p: export_html(s, p / "x.html", figsize=(1e6, 1e6)), "two numbers in [1, 50]; got (1000000.0, "),
    (lambda s, p: export_animation(s, p / "x.gif", figsize=(100, 100)),
     "`figsize` of export_animation must be (width, height) in inches, two numbers in [1, 50]; got (100, 100)."),
    (lambda s, p: export_html(s, p / "x.html", figsize=(0.01, 0.01)), "got (0.01, 0.01)."),
    (lambda s, p: export_html(s, p / "x.html", figsize=(math.nan, 3)), "got (nan, 3)."),
    (lambda s, p: export_html(s, p / "x.html", figsize=(True, 3)), "got (True, 3)."),
    (lambda s, p: export_html(s, p / "x.html", figsize=(9, 3.6, 1)), "got (9, 3.6, 1)."),
    (lambda s, p: export_html(s, p / "x.html", figsize="9x3"), "got '9x3'."),
    (lambda s, p: export_html(s, p / "x.html", title=None), "`title` of export_html must be a str; got None."),
    (lambda s, p: export_animation(s, p / "x.gif", fps=0), "`fps` of export_animation must be a finite real number "
                                                           "in (0.0, 100.0]; got 0."),
    (lambda s, p: export_html(s, p), "`path` of export_html must be a file path, not a folder; got"),
    (lambda s, p: export_html(s, p / "study.jsonl"), "`path` of export_html must be a .html or .htm file name"),
    # A missing folder: the hidden temporary file's FileNotFoundError (export_html) or the folder's.
    (lambda s, p: export_html(s, p / "nope" / "x.html"), "`path` of export_html must be a file path in an existing "
                                                         "folder; got"),
    (lambda s, p: export_animation(s, p / "nope" / "x.gif"), "There is no folder"),
])
def test_input_errors(study, tmp_path, call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(study, tmp_path)


@pytest.mark.parametrize("name", ["steps.html", "steps.gif"])
def test_an_export_that_fails_midway_leaves_the_file_there_as_it_was(study, tmp_path, monkeypatch, name):
    write = export_html if name.endswith(".html") else export_animation
    path = tmp_path / name
    last_week = write(study, path, steps=[0]).read_bytes()
    drawn = []

    def fails_at_the_third_step(*args, **kwargs):
        drawn.append(args[1])
        if len(drawn) == 3:
            raise RuntimeError("out of memory")
        return "a frame"

    monkeypatch.setattr("interactive_hpo.plots.export_frames.StepFrames.draw", fails_at_the_third_step)
    with pytest.raises(RuntimeError, match="out of memory"):
        write(study, path)
    assert path.read_bytes() == last_week and [p.name for p in tmp_path.iterdir()] == [name]


# A person's file at the path an export is given (DESIGN.md: nothing a user owns is damaged): an
# export replaced it silently, as it replaces its own. Now only its own, an empty file, or any
# with overwrite=True.
MINE = b"<html>my own page</html>"


def lab_export(study, path, **options):
    from interactive_hpo.ui import Lab

    lab = Lab(bowl, space=PLANE, optimizer="sobol", seed=0)
    lab.run(1)
    return lab.export(path, **options)


@pytest.mark.parametrize(("write", "name", "owner"), [(export_html, "mine.html", "export_html"),
                                                      (export_animation, "mine.gif", "export_animation"),
                                                      (lab_export, "mine.html", "Lab.export")])
def test_a_file_of_someone_s_is_refused_and_left_as_it_is(study, tmp_path, write, name, owner):
    path = tmp_path / name
    path.write_bytes(MINE)
    message = (f"`path` of {owner} must be a new or empty file, or one an export of interactive_hpo wrote "
               f"(replaced when exported again); got '{path}'. The file there carries no mark of an export of "
               "interactive_hpo, so it is never overwritten: name another file, or pass overwrite=True to replace it.")
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        write(study, path, steps=[0])
    assert path.read_bytes() == MINE and [p.name for p in tmp_path.iterdir()] == [name]


def test_a_page_exported_before_pages_were_marked_is_replaced(study, tmp_path):
    # Review a213: a notebook exporting to a fixed path failed on its first run after the update.
    path = tmp_path / "steps.html"
    export_html(study, path, steps=[0])
    legacy = path.read_text().replace('<meta name="generator" content="interactive_hpo export">', "")
    path.write_text(legacy)
    export_html(study, path, steps=[0, 1])
    assert path.read_text().count("data:image/png") == 2
    path.write_text(legacy.replace('<p id="caption"></p>', ""))   # a person's page with the slider alone is theirs
    with pytest.raises(InvalidParameterError, match="must be a new or empty file"):
        export_html(study, path, steps=[0])


def test_a_person_s_page_that_holds_an_export_is_theirs(study, tmp_path):
    """nbconvert's HTML of a notebook that displayed an export holds the export's mark further in
    (a333): it was overwritten without overwrite=True."""
    path = tmp_path / "steps.html"
    export_html(study, path, steps=[0])
    mine = f"<html><body><p>My post</p>{path.read_text()}<p>the end</p></body></html>"
    path.write_text(mine)
    with pytest.raises(InvalidParameterError, match="must be a new or empty file"):
        export_html(study, path, steps=[0])
    assert path.read_text() == mine


@pytest.mark.parametrize(("write", "name"), [(export_html, "steps.html"), (export_animation, "steps.gif")])
def test_an_export_replaces_its_own_file_and_with_overwrite_anyone_s(study, tmp_path, write, name):
    from PIL import Image

    path = tmp_path / name
    write(study, path, steps=[0])
    write(study, path, steps=[0, 1])     # a notebook run again exports again
    if name.endswith(".html"):
        assert path.read_text().count("data:image/png") == 2
    else:
        with Image.open(path) as gif:
            assert gif.n_frames == 2 and gif.info["comment"] == GENERATOR.encode()
    path.write_bytes(MINE)
    write(study, path, steps=[0], overwrite=True)
    assert path.read_bytes() != MINE
    path.write_bytes(b"")                # nothing to lose: an empty file is replaced, as Study.save fills one
    write(study, path, steps=[0])
    assert path.stat().st_size > 0


def test_the_lab_replaces_a_file_of_someone_s_with_overwrite(tmp_path):
    path = tmp_path / "mine.html"
    path.write_bytes(MINE)
    assert lab_export(None, str(path), overwrite=True).read_text().count("data:image/png") == 1


def test_a_file_of_someone_s_put_there_while_the_frames_are_drawn_is_kept(study, tmp_path, monkeypatch):
    path = tmp_path / "steps.html"

    def someone_saves_there(*args, **kwargs):
        path.write_bytes(MINE)
        return "a frame"

    monkeypatch.setattr("interactive_hpo.plots.export_frames.StepFrames.draw", someone_saves_there)
    with pytest.raises(InvalidParameterError, match="never overwritten"):
        export_html(study, path, steps=[0])
    assert path.read_bytes() == MINE and [p.name for p in tmp_path.iterdir()] == ["steps.html"]


def test_an_mp4_is_ours_by_the_comment_ffmpeg_writes_at_its_end(tmp_path):
    path = tmp_path / "steps.mp4"
    # ffmpeg's MP4 keeps its metadata (-metadata comment=...) in the index after the frames.
    path.write_bytes(b"\0" * 200_000 + b"\xa9cmt" + GENERATOR.encode())
    assert check_replaceable(path, False, "export_animation") is False
    path.write_bytes(b"\0" * 200_000 + b"\xa9cmt" + b"my holiday")
    with pytest.raises(InvalidParameterError, match="never overwritten"):
        check_replaceable(path, False, "export_animation")
    with pytest.raises(InvalidParameterError, match=re.escape("`overwrite` of export_animation must be a bool; got 1")):
        check_replaceable(path, 1, "export_animation")


def test_captions_are_javascript_strings_whatever_they_hold(study, tmp_path, monkeypatch):
    monkeypatch.setattr("interactive_hpo.plots.export_frames.StepFrames.draw",
                        lambda *args: 'a "quote", a \\ and </script>')
    page = export_html(study, tmp_path / "steps.html", steps=[0]).read_text()
    assert 'const captions = ["a \\"quote\\", a \\\\ and \\u003c/script>"];' in page


def test_frames_of_model_free_steps_and_the_initial_design(study):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    assert draw_step(study, 1, fig).startswith("Step 1: bo proposed trial 1 from 1 finished trials")
    assert len(fig.axes) == 2          # no model yet: trials known and best so far
    (proposed,) = [c for c in fig.axes[0].collections if c.get_label() == "proposed"]
    assert not proposed.get_clip_on()  # a proposal on a bound is drawn whole, as on the model's maps
    draw_step(study, 3, fig)
    assert len(fig.axes) == 6          # mean, std, acquisition and their colour bars
    random = Study(SearchSpace([Float("x", 0, 1)]), "random", seed=0)
    random.run(lambda p: p["x"], n_trials=3)
    draw_step(random, 2, fig)
    assert len(fig.axes) == 2
    assert_integer_ticks(fig.axes[1].xaxis)  # best so far against the trial number
    plt.close(fig)


def test_the_lab_exports_its_current_branch(tmp_path):
    from interactive_hpo.ui import Lab

    lab = Lab(bowl, space=PLANE, optimizer="sobol", seed=0)
    lab.run(2)
    assert lab.export(str(tmp_path / "lab.html")).read_text().count("data:image/png") == 2


def test_frames_of_a_conditional_study_cut_where_the_pair_exists():
    from matplotlib.figure import Figure

    from interactive_hpo import Categorical

    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])
    study = Study(space, "bo", seed=0, optimizer_settings=FAST)
    study.run(lambda p: p["C"] if p["kernel"] == "linear" else 1 + p["gamma"], n_trials=6)  # linear is best
    for step in range(3, 6):
        fig = Figure()
        draw_step(study, step, fig, pair=("C", "gamma"))
        assert len(fig.axes) == 6  # the three heatmaps and their colour bars, cut where gamma exists


def test_a_frame_copies_the_trials_a_few_times_not_once_per_trial_known(monkeypatch):
    study = Study(PLANE, "random", seed=0)
    study.run(bowl, n_trials=40)
    copies = count_copies(monkeypatch)
    assert draw_step(study, 39, Figure()).startswith("Step 39: random proposed trial 39 from 39 finished trials")
    assert copies["trials"] <= 3  # were 79: two per trial known


def test_frames_of_one_kind_update_the_axes_they_built_and_are_laid_out_once(study, monkeypatch):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from interactive_hpo.plots.export import _frame_figure
    from interactive_hpo.plots.export_frames import StepFrames

    layouts = []
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: layouts.append(fig))
    frames = StepFrames(study, _frame_figure((9.0, 3.6)))
    frames.draw(0)
    model_free = list(frames.fig.axes)
    frames.draw(1)
    assert frames.fig.axes == model_free  # the same Axes objects, updated
    frames.draw(3)
    maps = list(frames.fig.axes)
    assert len(maps) == 6 and not set(map(id, maps)) & set(map(id, model_free))  # another kind: built anew
    frames.fig.canvas.draw()
    frames.draw(3)
    frames.fig.canvas.draw()
    assert frames.fig.axes == maps and len(layouts) == 1  # the second draw kept the layout


def test_model_free_frames_show_parameters_in_their_units_within_the_whole_study_s_limits(tmp_path):
    from interactive_hpo import Categorical
    from interactive_hpo.plots.export_frames import StepFrames

    space = SearchSpace([Float("lr", 1e-4, 1.0, log=True), Categorical("kernel", ["linear", "rbf", "poly"])])
    study = Study(space, "random", seed=0)
    study.run(lambda p: p["lr"], n_trials=6)
    frames = StepFrames(study, Figure())
    frames.draw(1)
    ax, best_ax = frames.fig.axes
    limits = (ax.get_xlim(), ax.get_ylim(), best_ax.get_ylim())
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_yticklabels()] == ["linear", "rbf", "poly"]
    lr = [t.params["lr"] for t in study.trials]
    assert limits[0][0] <= 1e-4 and limits[0][1] >= 1.0 and np.allclose(ax.collections[0].get_offsets()[:, 0], lr[:1])
    frames.draw(5)
    assert (ax.get_xlim(), ax.get_ylim(), best_ax.get_ylim()) == limits  # still: the frames do not jump


def test_the_model_s_mean_is_bright_where_it_is_better_as_in_the_lab(study):
    fig = Figure()
    draw_step(study, 3, fig)
    assert "lower is better (bright)" in [ax.get_xlabel() for ax in fig.axes]


def test_each_html_frame_is_drawn_once(study, tmp_path, monkeypatch):
    from matplotlib.figure import Figure as Drawn

    draws = []
    real = Drawn.draw
    monkeypatch.setattr(Drawn, "draw", lambda self, renderer: (draws.append(renderer), real(self, renderer))[1])
    export_html(study, tmp_path / "steps.html")
    assert len(draws) == 4  # savefig drew a figure with a layout engine twice


def test_one_parameter_frames_leave_a_diverged_run_off_the_scale_and_mark_the_proposal():
    from interactive_hpo.plots.export_frames import StepFrames

    study = Study(SearchSpace([Float("x", 0.0, 1.0)]), "random", seed=0)
    study.run(lambda p: 1e11 if len(study.trials) == 5 else p["x"] ** 2, n_trials=7)  # trial 4 diverged
    frames = StepFrames(study, Figure())
    frames.draw(2)
    ax, best_ax = frames.fig.axes
    assert ax.get_ylim()[1] < 10 and best_ax.get_ylim()[1] < 10  # every frame was squashed under 1e11
    (proposed,) = [line for line in ax.lines if line.get_label() == "proposed"]
    assert ax.get_ylabel() == "value" and proposed.get_xdata()[0] == study.trials[2].params["x"]  # was at NaN


def test_the_best_so_far_of_a_study_that_began_with_failed_like_trials_runs_along_the_edge_marked():
    # Three accuracies of 0.19 first: the scale came from far_out of the running best, whose
    # plateaus read as two tight groups, and frames 1-3 drew no best line at all (review r390).
    from interactive_hpo.plots.export_frames import StepFrames

    study = Study(SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)]), "random", seed=0, direction="maximize")
    for number, value in enumerate([0.19, 0.19, 0.20, 0.97, 0.975, 0.98, 0.97, 0.98, 0.978, 0.972]):
        study.add_manual({"x": number / 10, "y": 0.5}, value)
    frames = StepFrames(study, Figure())
    frames.draw(2)
    best_ax = frames.fig.axes[1]
    low, high = best_ax.get_ylim()
    assert 0.9 < low and high < 1.0  # the good trials' scale, as the History tab's
    line = best_ax.lines[0].get_ydata()
    assert len(line) == 2 and np.all(line == low)  # along the bottom edge, not off the panel
    marks = [c for c in best_ax.collections if len(c.get_offsets())]
    assert len(marks) == 1 and marks[0].get_offsets()[:, 1].tolist() == [low, low]
    frames.draw(9)
    assert len(marks[0].get_offsets()) == 3 and np.all(best_ax.lines[0].get_ydata()[3:] > low)


def test_a_frame_cuts_the_model_through_the_best_trial_as_the_study_counts_it():
    from interactive_hpo.plots.export_frames import _slice_anchor

    space = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])
    study = Study(space, "random", seed=0)
    study.run(lambda p: Evaluation(p["x"] + p["y"], constraints=[0.3 - p["x"]]), n_trials=4, progress=False)
    study.add_manual({"x": 0.1, "y": 0.0}, 0.1)  # the lowest value, without constraints: unknown
    done = study.trials
    values = np.array([t.value for t in done])
    assert _slice_anchor(study, len(done), done, values, None, ["x", "y"]) == study.best_params


def test_frames_leave_off_the_trials_and_the_proposal_lacking_a_parameter_shown():
    """Audit a190: every linear-kernel trial was drawn at degree 3.5 (a level an Int has not),
    coef0 0.5, and a proposal starred there; now they are left off and the caption counts them."""
    from interactive_hpo import Categorical, Int

    space = SearchSpace([Categorical("kernel", ["linear", "poly"]), Float("C", 0.0, 1.0),
                         Int("degree", 2, 5, condition=("kernel", "poly")),
                         Float("coef0", 0.0, 1.0, condition=("degree", [3, 4]))])
    for optimizer, settings in (("bo", FAST), ("random", None)):  # the model's maps, then the trials' frame
        study = Study(space, optimizer, seed=0, optimizer_settings=settings)
        study.run(lambda p: p["C"] + (p["kernel"] == "poly"), n_trials=8)  # linear best
        hidden_star = False
        for step in range(3, 8):
            fig = Figure()
            caption = draw_step(study, step, fig, pair=("degree", "coef0"))
            known = [study.trials[n] for n in study.finished_before(step)]
            having = [t for t in known if {"degree", "coef0"} <= set(t.params)]
            drawn = np.asarray(fig.axes[0].collections[-2 if optimizer == "random" else 0].get_offsets(), dtype=float)
            assert sorted(map(tuple, drawn.reshape(-1, 2))) == sorted((t.params["degree"], t.params["coef0"])
                                                                       for t in having), (optimizer, step)
            lacking = len(known) - len(having)
            assert (f"{lacking} of {len(known)} trials" in caption) == (lacking > 0)
            if "coef0" not in study.trials[step].params:
                hidden_star = True
                assert f"trial {step} is not starred: " in caption
        assert hidden_star, "the test needs a proposal without coef0"


def test_a_frame_of_a_warped_model_draws_the_std_as_the_gp_sees_it_as_the_lab_does(study):
    # In objective units the warp's inverse stretched the std into rings around the trials (h407's note).
    fig = Figure()
    draw_step(study, 3, fig)
    view = study.surrogate(step=3)
    assert view.predict(view.X[:1]).centre == "median"  # the default output warp
    assert fig.axes[1].get_title().startswith("std") and fig.axes[0].get_title().startswith("median")
    assert WARPED_STD in [label for ax in fig.axes[3:] for label in (ax.get_xlabel(), ax.get_ylabel())]
    surface = PLANE.slice2d("a", "b", at=study.trials[0].params, resolution=50)
    (drawn,) = [artist.get_array() for artist in fig.axes[1].get_children() if hasattr(artist, "get_array")
                and artist.get_array() is not None and np.size(artist.get_array()) == 50 * 50]
    assert np.nanmax(drawn) <= np.nanmax(view.predict(surface.points.reshape(-1, 2), std_units="model").std) * 1.01
