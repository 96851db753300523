"""Pareto plots: the record on hand-computed fronts and against interactive_hpo.pareto, the
layers drawn, runs compared only in one box, and uniform errors (issue 27, item 4)."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import InvalidParameterError  # noqa: E402
from interactive_hpo.pareto import hypervolume, hypervolume_history, pareto_mask, reference_point  # noqa: E402
from interactive_hpo.plots import (  # noqa: E402
    ParetoInfo,
    pareto_info,
    plot_hypervolume,
    plot_pareto_front,
    projector_style,
)
from interactive_hpo.plots.pareto import LOWER_BUDGET  # noqa: E402

from ..figure_layout import assert_clean_layout, assert_integer_ticks  # noqa: E402

NAN = float("nan")
UP_DOWN = ["maximize", "minimize"]


def polygon_area(points: np.ndarray) -> float:
    """The shoelace formula: the area of a simple polygon given by its vertices in order."""
    x, y = points.T
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def random_values(seed: int, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy-like and size-like values (maximize, minimize), and a feasibility mask."""
    rng = np.random.default_rng(seed)
    values = np.column_stack([rng.uniform(0.5, 1.0, n), rng.uniform(1, 50, n)])
    return values, rng.random(n) < 0.7


def legend_labels(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


# -- the record -------------------------------------------------------------------------------------
def test_a_hand_computed_front_its_staircase_and_volume():
    # Six classifiers (accuracy up, features down); the front is C, A, E; with the reference
    # (0.90, 15) the boxes are 0.03 x 12 + 0.02 x 11 + 0.02 x 7 = 0.72.
    values = [[0.95, 4], [0.97, 10], [0.93, 3], [0.96, 12], [0.97, 8], [0.90, 6]]
    info = pareto_info(values, UP_DOWN, reference=[0.90, 15], names=["accuracy", "features"])
    assert info.front.tolist() == [True, False, True, False, True, False]
    assert info.final_hypervolume == pytest.approx(0.72)
    assert np.allclose(info.staircase, [[0.97, 15], [0.97, 8], [0.95, 8], [0.95, 4], [0.93, 4], [0.93, 3], [0.90, 3]])
    assert info.dominated[-1].tolist() == [0.90, 15]
    assert polygon_area(info.dominated) == pytest.approx(0.72)
    assert info.names == ("accuracy", "features") and info.directions == ("maximize", "minimize")


@pytest.mark.parametrize("seed", range(5))
def test_the_record_agrees_with_the_pareto_module_on_random_trials(seed):
    values, feasible = random_values(seed)
    values[3] = NAN  # a failed trial
    losses = values * [-1, 1]
    usable = feasible & np.isfinite(values).all(axis=1)
    info = pareto_info(values, UP_DOWN, feasible=feasible)

    expected_reference = reference_point(losses[usable])
    assert info.reference == pytest.approx(expected_reference * [-1, 1])
    front = np.zeros(len(values), dtype=bool)
    front[usable] = pareto_mask(losses[usable])
    assert info.front.tolist() == front.tolist()
    assert not info.complete[3] and not info.feasible[3]
    history = hypervolume_history(np.where(usable[:, None], losses, NAN), expected_reference)
    assert info.hypervolume == pytest.approx(history)
    assert info.final_hypervolume == pytest.approx(hypervolume(losses[usable], expected_reference))
    # The shaded polygon's area is the hypervolume, whatever the directions.
    assert polygon_area(info.dominated) == pytest.approx(info.final_hypervolume)


def test_infeasible_trials_neither_join_the_front_nor_add_volume():
    values = [[1.0, 1.0], [2.0, 2.0]]
    everything = pareto_info(values, ["minimize", "minimize"], reference=[3, 3])
    obeying = pareto_info(values, ["minimize", "minimize"], feasible=np.array([False, True]), reference=[3, 3])
    assert everything.front.tolist() == [True, False] and everything.final_hypervolume == 4.0
    assert obeying.front.tolist() == [False, True] and obeying.final_hypervolume == 1.0
    assert obeying.complete.tolist() == [True, True] and obeying.feasible.tolist() == [False, True]


def test_infeasible_crosses_are_drawn_over_the_front():
    # Notebook 13's lower panel: three models just past "at most 8 features" sat under the red dot of
    # the front's (0.974, 8), so a reader counted 4 crosses of 7.
    values = [[0.974, 8.0], [0.974, 8.4], [0.974, 8.2], [0.970, 20.0], [0.95, 9.0], [0.95, 12.0]]
    feasible = np.array([True, False, False, False, True, False])
    unknown = np.array([False] * 5 + [True])
    info = pareto_info(values, UP_DOWN, feasible=feasible, reference=[0.9, 30], unknown=unknown)
    ax = plot_pareto_front(info, Figure().add_subplot())
    drawn = {c.get_label(): c for c in ax.collections}
    front = drawn["Pareto front (1)"].get_zorder()
    assert drawn["infeasible"].get_zorder() > front and drawn["feasibility unknown"].get_zorder() > front
    assert len(drawn["infeasible"].get_offsets()) == 3


def test_lower_budget_trials_are_drawn_hollow_but_never_counted():
    # A multi-fidelity study's cheap rung (trial 1) looks better in both objectives; the study's
    # best_trials count full evaluations only, and the plots drew it on the front and measured it.
    values = [[2.0, 2.0], [0.5, 0.5], [1.0, 3.0], [NAN, NAN], [3.0, 1.0]]
    full = np.array([True, False, True, False, True])
    info = pareto_info(values, ["minimize", "minimize"], full=full, reference=[4, 4])
    assert info.front.tolist() == [True, False, True, False, True]
    assert info.counted.tolist() == [True, False, True, False, True] and info.full.tolist() == full.tolist()
    assert info.feasible.tolist() == [True, True, True, False, True]  # feasible, but at a lower budget
    assert info.hypervolume.tolist() == [4.0, 4.0, 5.0, 5.0, 6.0]  # trial 1 adds nothing
    inferred = pareto_info(values, ["minimize", "minimize"], full=full)
    assert inferred.reference == pytest.approx([3.2, 3.2])  # from the counted trials' front, not trial 1's corner
    ax = plot_pareto_front(info, Figure().add_subplot())
    assert legend_labels(ax) == ["dominated: hypervolume 6", LOWER_BUDGET, "Pareto front (3)", "reference point"]
    (hollow,) = [c for c in ax.collections if c.get_label() == LOWER_BUDGET]
    assert np.asarray(hollow.get_offsets()).tolist() == [[0.5, 0.5]] and len(hollow.get_facecolors()) == 0
    everything = pareto_info(values, ["minimize", "minimize"], reference=[4, 4])
    assert everything.front.tolist() == [False, True, False, False, False]  # what was drawn before


def test_a_reference_can_be_fixed_in_one_objective_and_inferred_in_the_other():
    values = [[0.9, 10.0], [0.8, 5.0]]
    info = pareto_info(values, UP_DOWN, reference=[0.5, NAN])
    # Features inferred: nadir 10 plus 10 % of the front's range 5.
    assert info.reference.tolist() == pytest.approx([0.5, 10.5])


def test_front_points_outside_the_reference_box_are_on_the_front_but_add_nothing():
    info = pareto_info([[1.0, 5.0], [2.0, 1.0]], ["minimize", "minimize"], reference=[3.0, 3.0])
    assert info.front.tolist() == [True, True]
    assert info.final_hypervolume == 2.0 and len(info.staircase) == 3


ACCURACY_COST = [[0.9, 50.0], [0.95, 80.0], [0.85, 90.0], [NAN, NAN]]


def test_a_reference_no_trial_dominates_is_explained_with_a_warning():
    # Typed as losses (the accuracy negated) or past every trial: the hypervolume was 0, silently.
    with pytest.warns(UserWarning) as caught:
        info = pareto_info(ACCURACY_COST, UP_DOWN, reference=[5.0, -5.0], names=["accuracy", "cost"])
    assert info.final_hypervolume == 0.0 and len(caught) == 1 and caught[0].filename == __file__  # the user's line
    message = str(caught[0].message)
    assert message == f"pareto_info: {info.note}"
    assert message.startswith("pareto_info: no trial dominates the reference point (accuracy 5, cost -5): "
                              "the hypervolume is 0. No trial is better than it in accuracy (best 0.95, "
                              "maximized) or cost (best 50, minimized); a reference worse than all of them (accuracy "
                              "below 0.85, cost above 90) would count them all.")
    assert "not the negated loss" in message  # a maximized objective is at fault
    # Every objective's bound: accuracy too, where a trial is better (cost above 90 alone left 0.85 uncounted).
    with pytest.warns(UserWarning, match=r"better than it in cost \(best 50, minimized\); a reference worse than all "
                                         r"of them \(accuracy below 0.85, cost above 90\)") as caught:
        pareto_info(ACCURACY_COST, UP_DOWN, reference=[0.5, 40.0], names=["accuracy", "cost"])
    assert "negated" not in str(caught[0].message)


def test_the_note_says_feasible_only_where_feasibility_was_measured():
    # Without constraints every trial counts as feasible: "no feasible trial" hinted at a constraint
    # the study does not have (notebook 13's race). Given a mask, the word is back.
    given = pareto_info(ACCURACY_COST, UP_DOWN, feasible=np.array([True, True, False, True]),
                        reference=[5.0, -5.0], warn=False)
    unknown = pareto_info(ACCURACY_COST, UP_DOWN, unknown=np.zeros(4, dtype=bool), reference=[5.0, -5.0], warn=False)
    none = pareto_info(ACCURACY_COST, UP_DOWN, reference=[5.0, -5.0], warn=False)
    assert given.note.startswith("no feasible trial dominates") and "No feasible trial is better" in given.note
    assert unknown.note.startswith("no feasible trial dominates")
    assert none.note.startswith("no trial dominates") and "feasible" not in none.note


def test_a_reference_each_trial_misses_in_some_objective_names_none_alone():
    with pytest.warns(UserWarning, match=r"Each trial at the full budget is no better than it in some "
                                         r"objective; a reference worse than all of them \(objective 0 below 0.85, "
                                         r"objective 1 above 90\)"):
        info = pareto_info(ACCURACY_COST + [[0.99, 1.0]], UP_DOWN, reference=[0.92, 60.0],
                           full=np.array([True] * 4 + [False]))  # the lower-budget trial would dominate: not counted
    assert info.final_hypervolume == 0.0


def test_no_warning_while_a_trial_dominates_the_reference_or_none_is_counted():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pareto_info(ACCURACY_COST, UP_DOWN, reference=[0.92, 85.0]).note == ""  # trial 1 dominates it
        assert pareto_info(ACCURACY_COST, UP_DOWN).note == ""  # inferred: beyond the front
        # Nothing measured yet: a reference fixed before any trial is feasible is no mistake.
        assert pareto_info(ACCURACY_COST, UP_DOWN, feasible=np.zeros(4, dtype=bool), reference=[5.0, -5.0]).note == ""
        assert pareto_info([[NAN, NAN]], UP_DOWN, reference=[5.0, -5.0]).note == ""
        quiet = pareto_info(ACCURACY_COST, UP_DOWN, reference=[5.0, -5.0], warn=False)
    assert quiet.note.startswith("no trial dominates the reference point (objective 0 5, objective 1 -5)")
    with pytest.raises(InvalidParameterError, match="`warn` of pareto_info must be"):
        pareto_info(ACCURACY_COST, UP_DOWN, warn="no")


def test_no_feasible_trial_and_no_reference_gives_an_empty_record_and_plots():
    info = pareto_info([[1.0, 2.0], [NAN, NAN]], ["minimize", "minimize"], feasible=np.array([False, True]))
    assert np.isnan(info.reference).all() and info.hypervolume.tolist() == [0.0, 0.0]
    assert info.staircase.shape == (0, 2) and info.dominated.shape == (0, 2)
    ax = plot_pareto_front(info, Figure().add_subplot())
    assert legend_labels(ax) == ["infeasible"]
    empty = pareto_info(np.empty((0, 2)), ["minimize", "minimize"])
    assert empty.final_hypervolume == 0.0 and plot_hypervolume(empty, Figure().add_subplot()) is not None


def test_three_objectives_give_a_hypervolume_but_no_front_plot():
    values = np.array([[1, 2, 2], [2, 1, 1], [3, 3, 3]], dtype=float)
    info = pareto_info(values, ["minimize"] * 3, reference=[3, 3, 3])
    assert info.final_hypervolume == 5.0 and info.staircase.shape == (0, 2)
    with pytest.raises(InvalidParameterError, match="two objectives"):
        plot_pareto_front(info, Figure().add_subplot())


def test_the_record_is_read_only():
    info = pareto_info([[1.0, 2.0]], ["minimize", "minimize"])
    for array in (info.values, info.front, info.reference, info.staircase, info.hypervolume):
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0


# -- the front plot ---------------------------------------------------------------------------------
def test_the_front_plot_draws_each_layer_and_labels_the_directions():
    values, feasible = random_values(0)
    info = pareto_info(values, UP_DOWN, feasible=feasible, names=["accuracy", "size"])
    with projector_style():
        fig = plt.figure(figsize=(8.5, 4.5))
        ax = plot_pareto_front(info, fig.add_subplot(), true_front=[[1.0, 1.0], [0.9, 0.5]])
        assert_clean_layout(fig, "plot_pareto_front")
    assert ax.get_xlabel() == "accuracy (higher is better)" and ax.get_ylabel() == "size (lower is better)"
    n_front = int(info.front.sum())
    assert legend_labels(ax) == ["true front", f"dominated: hypervolume {info.final_hypervolume:.3g}", "trial",
                                 "infeasible", f"Pareto front ({n_front})", "reference point"]
    trial, infeasible, front, reference = ax.collections[-4:]
    assert np.asarray(front.get_offsets()).tolist() == values[info.front].tolist()
    assert len(infeasible.get_offsets()) == int((~feasible).sum())
    assert len(trial.get_offsets()) == int((feasible & ~info.front).sum())
    assert np.asarray(reference.get_offsets())[0].tolist() == pytest.approx(info.reference.tolist())


def test_the_front_plot_makes_its_own_figure():
    ax = plot_pareto_front(pareto_info([[1.0, 2.0]], ["minimize", "minimize"]))
    assert ax.figure.get_size_inches().tolist() == [8.5, 4.5]


def test_a_pair_of_more_objectives_shades_an_area_not_a_hypervolume():
    # The Lab's Pareto panel showed f2-f3 of four objectives as "dominated: hypervolume 0.66" (a305 M3).
    info = pareto_info([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]], ["minimize", "minimize"], names=["f2", "f3"],
                       reference=[4.0, 4.0])
    assert legend_labels(plot_pareto_front(info, Figure().add_subplot(), n_objectives=4))[0] == \
        "area dominated in f2-f3: 6"
    assert legend_labels(plot_pareto_front(info, Figure().add_subplot()))[0] == "dominated: hypervolume 6"


# -- hypervolume over trials ------------------------------------------------------------------------
def test_one_run_is_one_line_over_whole_trials():
    info = pareto_info([[2, 2], [NAN, NAN], [1, 3], [3, 3]], ["minimize", "minimize"], reference=[4, 4])
    with projector_style():
        fig = plt.figure(figsize=(9, 3.8))
        ax = plot_hypervolume(info, fig.add_subplot(), best=7.0)
        assert_clean_layout(fig, "plot_hypervolume")
    line, best = ax.get_lines()
    assert line.get_xdata().tolist() == [1, 2, 3, 4] and line.get_ydata().tolist() == [4.0, 4.0, 5.0, 5.0]
    assert list(best.get_ydata()) == [7.0, 7.0] and legend_labels(ax) == ["hypervolume", "best possible"]
    assert_integer_ticks(ax.xaxis)
    assert ax.get_ylabel() == "hypervolume (higher is better)"


def test_runs_of_several_seeds_are_drawn_thin_with_their_mean_over_the_trials_all_have():
    a = pareto_info([[2, 2], [1, 3]], ["minimize", "minimize"], reference=[4, 4])
    b = pareto_info([[3, 3], [1, 1], [0, 0]], ["minimize", "minimize"], reference=[4, 4])
    ax = plot_hypervolume({"one": a, "two seeds": [a, b]}, Figure().add_subplot())
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["one", "_child1", "_child2", "two seeds (mean of 2)"]
    assert lines[-1].get_ydata().tolist() == pytest.approx([(4 + 1) / 2, (5 + 9) / 2])
    assert lines[0].get_color() != lines[-1].get_color() == lines[1].get_color()


def test_runs_measured_in_different_boxes_are_refused():
    a = pareto_info([[2, 2]], ["minimize", "minimize"], reference=[4, 4])
    b = pareto_info([[2, 2]], ["minimize", "minimize"], reference=[5, 5])
    fig = Figure()
    with pytest.raises(InvalidParameterError, match=re.escape("Pass the same reference= to pareto_info")):
        plot_hypervolume({"a": a, "b": [b]}, fig.add_subplot())
    assert not fig.axes[0].get_lines()  # nothing drawn before the refusal


# -- errors -------------------------------------------------------------------------------------------
INFO = pareto_info([[1.0, 2.0]], ["minimize", "minimize"])

BAD_INPUTS = [
    (lambda: pareto_info([1.0, 2.0], UP_DOWN), "`values` of pareto_info must be a 2-D array of shape (n, m)"),
    (lambda: pareto_info([[1.0], [2.0]], ["minimize"]), "Its shape is (2, 1)."),
    (lambda: pareto_info([[1.0, NAN]], UP_DOWN), "Row 0 is [1.0, nan]."),
    (lambda: pareto_info([["a", "b"]], UP_DOWN), "`values` of pareto_info must be"),
    (lambda: pareto_info([[1.0, 2.0]], ["minimize"]), "`directions` of pareto_info must be 2 directions"),
    (lambda: pareto_info([[1.0, 2.0]], "minimize"), "`directions` of pareto_info must be 2 directions"),
    (lambda: pareto_info([[1.0, 2.0]], ["minimize", "up"]), "`directions[1]` of pareto_info must be one of"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, feasible=[1]), "`feasible` of pareto_info must be None or 1 booleans"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, feasible=[True, False]), "must be None or 1 booleans"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, full=[1.0]), "`full` of pareto_info must be None or 1 booleans"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, full=[True, True]), "`full` of pareto_info must be None or 1 "),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, reference=[1.0]), "`reference` of pareto_info must be None or 2"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, reference=[1.0, float("inf")]), "`reference` of pareto_info"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, reference=["a", 1]), "`reference` of pareto_info"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, names=["a"]), "`names` of pareto_info must be 2 str names"),
    # None raised a TypeError from len(); a str of m letters was read as m names.
    (lambda: pareto_info([[1.0, 2.0]], None), "`directions` of pareto_info must be 2 directions, one per column of "
                                              "values; got None."),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, names="ab"), "`names` of pareto_info must be 2 str names"),
    (lambda: pareto_info([[1.0, 2.0]], UP_DOWN, names=3), "`names` of pareto_info must be 2 str names"),
    (lambda: plot_pareto_front(INFO, true_front=[1.0, 2.0, 3.0, 4.0]),
     "`true_front` of plot_pareto_front must be None or an array of shape (k, 2)"),
    (lambda: plot_pareto_front(INFO, "ax"), "`ax` of plot_pareto_front must be None or a matplotlib Axes"),
    (lambda: plot_pareto_front(INFO, n_objectives=1), "`n_objectives` of plot_pareto_front must be an int in [2, "
                                                      "inf); got 1."),
    (lambda: plot_hypervolume(INFO, Figure()), "`ax` of plot_hypervolume must be None or a matplotlib Axes"),
    (lambda: plot_pareto_front([[1.0, 2.0]]), "`info` of plot_pareto_front must be a ParetoInfo of two objectives"),
    (lambda: plot_hypervolume([INFO]), "`runs` of plot_hypervolume must be a ParetoInfo, or a dict"),
    (lambda: plot_hypervolume({}), "`runs` of plot_hypervolume must be"),
    (lambda: plot_hypervolume({"a": []}), "`runs` of plot_hypervolume must be"),
    (lambda: plot_hypervolume({"a": [INFO, "b"]}), "`runs` of plot_hypervolume must be"),
    # Fuzz round 4: a str best became a category on the y axis, a NaN best a legend entry with no
    # line, and labels 1 and "1" kept one run of the two (a dict of str labels drops the first).
    (lambda: plot_hypervolume(INFO, best="16"), "`best` of plot_hypervolume must be a finite real number in "
                                                "[0.0, inf); got '16'."),
    (lambda: plot_hypervolume(INFO, best=float("nan")), "got nan."),
    (lambda: plot_hypervolume({1: INFO, "1": INFO}), "`runs` of plot_hypervolume must be a dict whose labels read "
                                                     "differently as text; got [1, '1']."),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS, ids=[m[:40] for _, m in BAD_INPUTS])
def test_bad_inputs_raise_a_clear_error(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_the_record_type_is_exported():
    assert isinstance(INFO, ParetoInfo)
