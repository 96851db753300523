"""PBT plots draw the arrays they are given: schedules, lineage edges and score curves (data, not pixels)."""

from __future__ import annotations

import re
from types import MappingProxyType, SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Categorical, Float, InvalidParameterError, SearchSpace  # noqa: E402
from interactive_hpo.plots import projector_style  # noqa: E402
from interactive_hpo.plots.pbt import (  # noqa: E402
    EXPLOIT_LABEL,
    lineage_info,
    plot_pbt,
    plot_pbt_lineage,
    plot_pbt_schedule,
    schedule_info,
)
from interactive_hpo.plots.pbt_scores import DIVERGED_LABEL, plot_pbt_scores, score_info  # noqa: E402

from ..figure_layout import assert_clean_layout  # noqa: E402

# 3 rounds, 3 members; after round 0 member 2 copied member 0; after round 1 member 1 copied member 2;
# after round 2 (the last) member 0 copied member 1: nothing trained on that copy yet.
EXPLOITS = ((0, 2, 0), (1, 1, 2), (2, 0, 1))
LR = np.array([[1e-3, 1e-2, 1e-1], [1e-3, 1e-2, 1.2e-3], [1e-3, 1.44e-3, 1.2e-3]])
ACT = np.array([["relu", "tanh", "relu"], ["relu", "tanh", "gelu"], ["relu", "gelu", "gelu"]], dtype=object)
SCORES = np.array([[0.5, 0.4, 0.1], [0.7, 0.3, 0.6], [0.8, 0.75, np.nan]])


def test_schedule_info_marks_where_receivers_start_from_a_copy():
    info = schedule_info(LR, EXPLOITS, "log")
    np.testing.assert_array_equal(info.values, LR)
    np.testing.assert_array_equal(info.jumps, [[1, 1.2e-3], [2, 1.44e-3]])  # the exploit after the last round: none
    assert info.ticks is None and info.rounds.tolist() == [0, 1, 2]


def test_categorical_schedules_become_choice_indices_with_labels():
    info = schedule_info(ACT, EXPLOITS, "categorical", choices=["relu", "tanh", "gelu"])
    np.testing.assert_array_equal(info.values, [[0, 1, 0], [0, 1, 2], [0, 2, 2]])
    assert info.ticks[1] == ["relu", "tanh", "gelu"]
    assert schedule_info(ACT, scale="categorical").ticks[1] == ["relu", "tanh", "gelu"]  # order of appearance


def test_a_categorical_inactive_in_some_rounds_leaves_gaps():
    """A conditional space's schedules hold None where the categorical was inactive."""
    info = schedule_info([["a", None], [None, "b"]], scale="categorical", choices=["a", "b"])
    np.testing.assert_array_equal(info.values, [[0, np.nan], [np.nan, 1]])
    assert schedule_info([["a", None]], scale="categorical").ticks[1] == ["a"]
    assert schedule_info([["a", None]], scale="categorical", choices=["a", None]).values.tolist() == [[0, 1]]


def test_plot_schedule_draws_one_step_line_per_member_on_a_log_axis():
    ax = plot_pbt_schedule(LR, name="lr", scale="log", exploits=EXPLOITS, ax=Figure().add_subplot())
    for i in range(3):
        np.testing.assert_array_equal(ax.lines[i].get_ydata(), LR[:, i])
        assert ax.lines[i].get_drawstyle() == "steps-post"
    np.testing.assert_array_equal(ax.lines[3].get_xydata(), [[1, 1.2e-3], [2, 1.44e-3]])
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "lr"
    labels = plot_pbt_schedule(ACT, scale="categorical", choices=["relu", "tanh", "gelu"]).get_yticklabels()
    assert [t.get_text() for t in labels] == ["relu", "tanh", "gelu"]


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_schedule_and_lineage_panels_say_what_their_lines_and_marks_are():
    """Issue 26, item 8: neither panel had a legend."""
    schedule = plot_pbt_schedule(LR, name="lr", scale="log", exploits=EXPLOITS, ax=Figure().add_subplot())
    assert _legend(schedule) == ["member 0", "member 1", "member 2", EXPLOIT_LABEL]
    assert plot_pbt_schedule(LR, legend=False, ax=Figure().add_subplot()).get_legend() is None
    lineage = plot_pbt_lineage(EXPLOITS, 3, 3, scores=SCORES, highlight=1, ax=Figure().add_subplot())
    assert _legend(lineage) == ["kept own model", "copied (exploit)", DIVERGED_LABEL, "member 1's ancestry"]
    assert lineage.figure.axes[-1].get_ylabel() == "validation score"  # the colour bar names the node colours


def test_lineage_info_has_one_edge_per_member_and_round_and_traces_ancestry():
    info = lineage_info(EXPLOITS, n_rounds=3, n_members=3, highlight=1)
    np.testing.assert_array_equal(info.parents, [[-1, -1, -1], [0, 1, 0], [0, 2, 2]])
    assert len(info.kept) + len(info.inherited) == 2 * 3
    np.testing.assert_array_equal(info.inherited, [[[0, 0], [1, 2]], [[1, 2], [2, 1]]])
    np.testing.assert_array_equal(info.path, [[0, 0], [1, 2], [2, 1]])  # member 1 descends from 2, from 0
    assert info.nodes.shape == (9, 2)
    assert lineage_info((), 0, 3).nodes.shape == (0, 2)


def test_plot_lineage_draws_kept_and_inherited_edges_and_coloured_nodes():
    ax = plot_pbt_lineage(EXPLOITS, 3, 3, scores=SCORES, highlight=1, ax=Figure().add_subplot())
    kept, inherited, nodes = ax.collections[:3]
    assert len(kept.get_segments()) == 4
    np.testing.assert_array_equal(np.array(inherited.get_segments()), [[[0, 0], [1, 2]], [[1, 2], [2, 1]]])
    np.testing.assert_array_equal(nodes.get_array(), SCORES.ravel())
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[0, 0], [1, 2], [2, 1]])


def test_score_info_and_plot_show_the_population_best_against_the_baseline():
    baseline = np.array([[0.4, 0.2, 0.1], [0.45, 0.2, 0.1], [0.5, 0.25, 0.2]])
    info = score_info(SCORES, "maximize", EXPLOITS, baseline)
    np.testing.assert_allclose(info.best, [0.5, 0.7, 0.8])  # the NaN member is skipped
    np.testing.assert_allclose(info.baseline_best, [0.4, 0.45, 0.5])
    assert info.exploit_rounds.tolist() == [0, 1, 2]
    np.testing.assert_allclose(score_info(SCORES, "minimize").best, [0.1, 0.3, 0.75])
    ax = plot_pbt_scores(SCORES, exploits=EXPLOITS, baseline=baseline, ax=Figure().add_subplot())
    assert len(ax.lines) == 3 + 2 + 3  # members, best and baseline, one dotted line per exploit round
    np.testing.assert_allclose(ax.lines[3].get_ydata(), [0.5, 0.7, 0.8])
    np.testing.assert_allclose(ax.lines[4].get_ydata(), [0.4, 0.45, 0.5])
    assert _legend(ax) == ["PBT: best member", "fixed hyperparameters: best member", "exploit and explore",
                           DIVERGED_LABEL]


def test_a_nan_score_is_marked_at_the_bottom_of_the_score_panel_and_on_its_lineage_node():
    """A NaN score has no height: the member's line stopped and the node's colour was not drawn,
    so a diverged member vanished from both panels without a word."""
    scores = np.array([[0.5, np.nan, np.nan], [0.7, 0.3, np.nan], [0.8, 0.75, 0.6]])
    np.testing.assert_array_equal(score_info(scores).diverged, [[0, 1], [0, 2], [1, 2]])
    ax = plot_pbt_scores(scores, ax=Figure().add_subplot())
    (marks,) = ax.collections
    xs, ys = np.asarray(marks.get_offsets(), dtype=float).T
    np.testing.assert_array_equal(xs, [0, 0, 1])
    assert ys[0] < ys[1] == ys[2] < 0.1  # at the bottom (axes fractions), stacked by member
    assert ax.get_ylim()[0] > 0.2 and not ax.texts  # the scores set the y limits, not the marks
    lineage = plot_pbt_lineage((), 3, 3, scores=scores, ax=Figure().add_subplot())
    np.testing.assert_array_equal(lineage.collections[3].get_offsets(), [[0, 1], [0, 2], [1, 2]])


def test_a_score_panel_where_every_member_diverged_says_so():
    scores = np.full((4, 3), np.nan)
    ax = plot_pbt_scores(scores, ax=Figure().add_subplot())
    assert "Every member's score is NaN (diverged) in every round" in ax.texts[0].get_text()
    assert len(ax.collections[0].get_offsets()) == 12 and ax.get_xlim()[1] > 3  # every round is in view
    lineage = plot_pbt_lineage((), 4, 3, scores=scores, ax=Figure().add_subplot())
    assert len(lineage.collections[3].get_offsets()) == 12 and len(lineage.figure.axes) == 1  # no colour bar


def test_plot_pbt_summarizes_a_result_like_record_without_touching_global_style():
    result = SimpleNamespace(scores=SCORES, schedules=MappingProxyType({"lr": LR, "act": ACT}),
                             scales={"lr": "log", "act": "categorical"}, exploits=EXPLOITS, direction="maximize",
                             best_member=0)
    before = dict(matplotlib.rcParams)
    axes = plot_pbt(result, baseline=SimpleNamespace(scores=SCORES * 0.5), fig=Figure(figsize=(8, 6)))
    assert axes.shape == (2, 2)
    assert axes[1, 0].get_yscale() == "log" and axes[1, 1].get_ylabel() == "act"
    np.testing.assert_allclose(axes[0, 0].lines[4].get_ydata(), [0.25, 0.35, 0.4])
    assert dict(matplotlib.rcParams) == before


def test_plot_pbt_names_the_baseline_and_keys_the_member_colours_once():
    """One key below the panels: "member 0", "1", ... in the colours of the score and schedule lines."""
    result = SimpleNamespace(scores=SCORES, schedules=MappingProxyType({"lr": LR, "act": ACT}),
                             scales={"lr": "log", "act": "categorical"}, exploits=EXPLOITS, direction="maximize",
                             best_member=0)
    with projector_style():
        axes = plot_pbt(result, baseline=SimpleNamespace(scores=SCORES * 0.5), baseline_label="same start")
        fig = axes[0, 0].figure
        assert "same start: best member" in _legend(axes[0, 0])
        assert all(ax.get_legend() is None for ax in axes[1])
        (key,) = fig.legends
        assert [t.get_text() for t in key.get_texts()] == ["member 0", "1", "2", EXPLOIT_LABEL]
        colours = [matplotlib.colors.to_hex(h.get_color()) for h in key.legend_handles[:3]]
        assert colours == [matplotlib.colors.to_hex(line.get_color()) for line in axes[0, 0].lines[:3]]
        assert_clean_layout(fig, "plot_pbt")


def test_plot_pbt_on_a_real_run_hides_unused_panels():
    from interactive_hpo import Float, SearchSpace
    from interactive_hpo.pbt.training import PopulationBasedTraining

    class Walk:
        space = SearchSpace([Float("lr", 1e-3, 1.0, log=True)])
        direction = "maximize"

        def new_model(self, params, seed):
            return [0.0]

        def train(self, model, params, n_steps, *, seed=None):
            model[0] += params["lr"] * n_steps
            return model

        def score(self, model):
            return model[0]

        def copy(self, model):
            return list(model)

    result = PopulationBasedTraining(Walk.space, Walk(), n_members=4, ready_every=1, seed=0).run(4)
    axes = plot_pbt(result)
    assert axes.shape == (2, 2) and not axes[1, 1].get_visible()
    np.testing.assert_array_equal(axes[1, 0].lines[0].get_ydata(), result.schedules["lr"][:, 0])


def test_an_ax_that_is_not_axes_is_refused_naming_the_plot():
    with pytest.raises(InvalidParameterError, match=r"`ax` of plot_pbt_lineage must be None or a matplotlib Axes"):
        plot_pbt_lineage(EXPLOITS, 3, 3, ax="x")


# Fuzz round 4: each of these failed deep inside numpy (an IndexError for a member or an exploit
# out of range, a reshape error for a baseline of other rounds, "'c' is not in list") or drew a
# wrong figure (a 3-D schedule as extra lines, a negative learning rate dropped from its log axis).
@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_pbt_schedule([0.1, 0.2]), "`schedule` of plot_pbt_schedule must be an array of shape "
                                            "(n_rounds, n_members): numbers, NaN where inactive; got 'an array "
                                            "of shape (2,)'."),
    (lambda: plot_pbt_schedule(np.ones((2, 2, 2))), "got 'an array of shape (2, 2, 2)'."),
    (lambda: plot_pbt_schedule([["a", "b"]]), "got [['a', 'b']]."),
    (lambda: plot_pbt_schedule([[0.1, 0.2], [0.1]]), "got [[0.1, 0.2], [0.1]]."),
    (lambda: plot_pbt_schedule(LR - 0.002, scale="log"),
     "`schedule` of plot_pbt_schedule must be finite numbers > 0 (NaN where inactive) on a log axis; got "
     "-0.001. At round 0, member 0."),
    (lambda: plot_pbt_schedule(LR, scale="logit"), "`scale` of plot_pbt_schedule must be one of"),
    (lambda: plot_pbt_schedule(LR, legend="no"), "`legend` of plot_pbt_schedule must be a bool; got 'no'."),
    (lambda: plot_pbt_schedule(ACT, scale="categorical", choices=["relu", "tanh"]),
     "`schedule` of plot_pbt_schedule must be values among choices=['relu', 'tanh']; got 'gelu'. At round 1, "
     "member 2."),
    (lambda: plot_pbt_schedule(ACT, scale="categorical", choices="relu"), "`choices` of plot_pbt_schedule"),
    (lambda: plot_pbt_schedule(LR, exploits=[(0, 5, 0)]),
     "`exploits[0]` of plot_pbt_schedule must be a sequence of (round, receiver, donor): ints, round in [0, 3), "
     "members in [0, 3); got (0, 5, 0)."),
    (lambda: plot_pbt_schedule(LR, exploits=[(0, 1)]), "got (0, 1)."),
    (lambda: schedule_info(LR, [(0.5, 1, 0)]), "`exploits[0]` of schedule_info must be"),
    (lambda: plot_pbt_lineage(EXPLOITS, -1, 3), "`n_rounds` of plot_pbt_lineage must be an int in [0, inf); got -1."),
    (lambda: plot_pbt_lineage(EXPLOITS, 3, 2.0), "`n_members` of plot_pbt_lineage must be an int"),
    # numpy's OverflowError before; 2**40 rounds of no member, a loop of hours.
    (lambda: plot_pbt_lineage((), 2**70, 3), "`n_rounds` and `n_members` of plot_pbt_lineage must be small enough "
                                             "together for at most 1,000,000 lineage nodes (n_rounds x n_members); "
                                             "got n_rounds=1180591620717411303424 and n_members=3"),
    (lambda: lineage_info((), 2**40, 1), "got n_rounds=1099511627776 and n_members=1"),
    (lambda: lineage_info((), 0, 10**7), "got n_rounds=0 and n_members=10000000"),
    (lambda: plot_pbt_lineage([(0, 1, 7)], 3, 3), "`exploits[0]` of plot_pbt_lineage must be"),
    (lambda: plot_pbt_lineage([(3, 1, 0)], 3, 3), "round in [0, 3)"),
    (lambda: plot_pbt_lineage(EXPLOITS, 3, 3, highlight=3), "`highlight` of plot_pbt_lineage must be an int in "
                                                            "[0, 2]; got 3."),
    (lambda: plot_pbt_lineage(EXPLOITS, 3, 3, scores=SCORES[:2]),
     "`scores` of plot_pbt_lineage must be an array of shape (3, 3) of scores (finite, or NaN where a member "
     "has none); got 'an array of shape (2, 3)'."),
    (lambda: lineage_info(EXPLOITS, "3", 3), "`n_rounds` of lineage_info"),
    (lambda: plot_pbt_scores(0.5), "`scores` of plot_pbt_scores must be an array of shape (n_rounds, n_members)"),
    (lambda: plot_pbt_scores([["a", "b"]]), "got [['a', 'b']]."),
    (lambda: plot_pbt_scores(SCORES + np.array([np.inf, 0, 0])), "got inf. At round 0, member 0."),
    (lambda: plot_pbt_scores(SCORES, baseline=np.ones((2, 3))),
     "`baseline` of plot_pbt_scores must be an array of shape (3, n_members)"),
    (lambda: plot_pbt_scores(SCORES, direction="max"), "`direction` of plot_pbt_scores must be one of"),
    (lambda: plot_pbt_scores(SCORES, exploits=[(9, 0, 1)]), "`exploits[0]` of plot_pbt_scores"),
    (lambda: plot_pbt_scores(SCORES, exploits=[5]), "got 5."),
    (lambda: plot_pbt_scores(SCORES, labels=("PBT",)), "`labels` of plot_pbt_scores must be two str"),
    (lambda: score_info(SCORES, exploits=[(0, 0)]), "`exploits[0]` of score_info"),
    (lambda: plot_pbt(SimpleNamespace(scores=SCORES)), "`result` of plot_pbt must be a run's record (a PBTResult) "
                                                       "(with scores, schedules, scales, exploits, direction, "
                                                       "best_member); got namespace(scores="),
    (lambda: plot_pbt(SimpleNamespace(scores=np.ones((2, 2, 2)), schedules={}, scales={}, exploits=[], direction="max",
                                      best_member=0)), "`result.scores` of plot_pbt must be an array of shape"),
    (lambda: plot_pbt(SimpleNamespace(scores=SCORES, schedules={}, scales={}, exploits=[], direction="maximize",
                                      best_member=0), baseline=[1.0]),
     "`baseline` of plot_pbt must be None or a run's record (a PBTResult) (with scores); got [1.0]."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def run(**changes):
    """A record like a PBTResult (3 rounds, 3 members), with ``changes``."""
    fields = dict(scores=SCORES, schedules={"lr": LR, "act": ACT}, scales={"lr": "log", "act": "categorical"},
                  exploits=EXPLOITS, direction="maximize", best_member=0)
    return SimpleNamespace(**{**fields, **changes})


# plot_pbt checked only that its result had the fields: the rest failed in the panel it reached,
# naming plot_pbt_scores, plot_pbt_lineage or plot_pbt_schedule (not what the person called) or
# deep inside (KeyError for a schedule without a scale, TypeError for a best_member of None), or
# drew a schedule of other rounds than the scores.
@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_pbt(run(direction="max")),
     "`result.direction` of plot_pbt must be one of ['minimize', 'maximize']; got 'max'."),
    (lambda: plot_pbt(run(exploits=[(0, 9, 0)])),
     "`result.exploits[0]` of plot_pbt must be a sequence of (round, receiver, donor): ints, round in [0, 3), "
     "members in [0, 3); got (0, 9, 0)."),
    (lambda: plot_pbt(run(best_member=None)), "`result.best_member` of plot_pbt must be an int in [-1, 2]; got None."),
    (lambda: plot_pbt(run(best_member=3)), "`result.best_member` of plot_pbt must be an int in [-1, 2]; got 3."),
    (lambda: plot_pbt(run(scales={"lr": "log"})),
     "`result.scales` of plot_pbt must be a mapping with a scale for each schedule; got {'lr': 'log'}. "
     "Missing: 'act'."),
    (lambda: plot_pbt(run(scales=["log", "categorical"])),
     "`result.scales` of plot_pbt must be a mapping from each parameter's name to its scale"),
    (lambda: plot_pbt(run(scales={"lr": "logit", "act": "categorical"})),
     "`result.scales['lr']` of plot_pbt must be one of ['linear', 'log', 'categorical']; got 'logit'."),
    (lambda: plot_pbt(run(schedules={"lr": LR[:2]}, scales={"lr": "log"})),
     "`result.schedules['lr']` of plot_pbt must be an array of shape (3, 3): numbers, NaN where inactive; got 'an "
     "array of shape (2, 3)'."),
    (lambda: plot_pbt(run(schedules={"lr": -LR}, scales={"lr": "log"})),
     "`result.schedules['lr']` of plot_pbt must be finite numbers > 0 (NaN where inactive) on a log axis; got "
     "-0.001. At round 0, member 0."),
    (lambda: plot_pbt(run(space=SearchSpace([Float("lr", 1e-4, 1.0)]))),
     "`result.space` of plot_pbt must be None or the SearchSpace of the run, with every parameter of its schedules"),
    (lambda: plot_pbt(run(space=SearchSpace([Float("lr", 1e-4, 1.0), Categorical("act", ["relu", "tanh"])]))),
     "`result.schedules['act']` of plot_pbt must be values among choices=['relu', 'tanh']; got 'gelu'. At round 1, "
     "member 2."),
    (lambda: plot_pbt(run(), baseline=SimpleNamespace(scores=np.ones((2, 3)))),
     "`baseline.scores` of plot_pbt must be an array of shape (3, n_members) of scores"),
    (lambda: plot_pbt(run(), baseline_label=None),
     "`baseline_label` of plot_pbt must be a str (the baseline's name in the legend); got None."),
])
def test_plot_pbt_checks_its_whole_result_naming_itself(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_no_rounds_yet_is_an_empty_score_plot():
    ax = plot_pbt_scores(np.empty((0, 3)), ax=Figure().add_subplot())
    assert [len(line.get_xdata()) for line in ax.lines] == [0, 0, 0, 0]
