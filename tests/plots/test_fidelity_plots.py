"""Multi-fidelity plots draw the records they are given: Gantt bars, rung decisions, curves, traces, brackets."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interactive_hpo import Float, InvalidParameterError, SearchSpace, Study  # noqa: E402
from interactive_hpo.execution.simulation import simulate_workers  # noqa: E402
from interactive_hpo.optimizers.multifidelity.rungs import hyperband_brackets  # noqa: E402
from interactive_hpo.plots import (  # noqa: E402
    brackets_info,
    budget_trace_info,
    compare_gantt,
    curves_info,
    gantt_info,
    plot_brackets,
    plot_budget_trace,
    plot_gantt,
    plot_learning_curves,
    plot_rungs,
    rungs_info,
)
from interactive_hpo.plots.fidelity import RUNG_MARKERS, stopped_configs  # noqa: E402
from interactive_hpo.study.curves import Curve, budget_trace, config_curves, learning_curves  # noqa: E402

from ..fidelity_helpers import LINE, bowl, curve  # noqa: E402

#: The legend entry of a person's stop: it says the cross is drawn above its job (notebook 05, audit a368).
HUMAN_STOP = "human: stop (drawn above its job)"

SETTINGS = {"min_budget": 1, "max_budget": 9}


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def many_rows(n_configs):
    """A rung table of ``n_configs`` configurations at budget 1, every third promoted to 3 (as ASHA
    promotes: no decision recorded), one stopped by the scheduler and one promoted by a person."""
    rows = []
    for config in range(n_configs):
        loss = 1.0 + math.sin(config)
        decision = "stop" if config == 1 else None
        rows.append(dict(bracket=0, rung=0, config=config, number=len(rows), budget=1.0, loss=loss,
                         scheduler=decision, human="promote" if config == 2 else None))
        if config % 3 == 0:
            rows.append(dict(bracket=0, rung=1, config=config, number=len(rows), budget=3.0, loss=loss / 2,
                             scheduler=None, human=None))
    return rows


def many_curves(n_curves):
    """``n_curves`` learning curves of 1 to 5 steps, every other one pruned."""
    return [Curve(k, np.arange(1.0 + k % 5), 1.0 + np.cos(k) / (1.0 + np.arange(1.0 + k % 5)),
                  "PRUNED" if k % 2 else "COMPLETE", np.zeros(1 + k % 5)) for k in range(n_curves)]




@pytest.fixture(scope="module")
def schedules():
    out = {}
    for name in ("halving", "asha"):
        study = Study(LINE, name, seed=0, optimizer_settings=SETTINGS)
        out[name] = simulate_workers(study, bowl, n_workers=3, until=40, seed=0)
    return out


@pytest.fixture(scope="module")
def overridden():
    """Synchronous halving after a person stopped the best of rung 0 and promoted the worst: every kind of marker."""
    study = Study(LINE, "halving", seed=0, optimizer_settings=SETTINGS)
    ranked = sorted(study.run(bowl, n_trials=9), key=lambda t: (t.value, t.user_attrs["config"]))
    study.stop(ranked[0])
    study.promote(ranked[-1])
    study.run(bowl, n_trials=4)  # rung 1 (three jobs), then the winner at the full budget
    return study, ranked[0], ranked[-1]


# -- Gantt ---------------------------------------------------------------------------------------

def test_gantt_info_has_one_bar_per_run_on_its_workers_row(schedules):
    for schedule in schedules.values():
        info = gantt_info(schedule)
        for w in range(schedule.n_workers):
            runs = [r for r in schedule.runs if r.worker == w]
            mine = info.workers == w
            np.testing.assert_allclose(info.starts[mine], [r.start for r in runs])
            np.testing.assert_allclose(info.durations[mine], [r.end - r.start for r in runs])
            np.testing.assert_array_equal(info.numbers[mine], [r.number for r in runs])
        np.testing.assert_array_equal(info.levels[info.level_index], [r.rung for r in schedule.runs])
        assert info.utilization == schedule.utilization and info.makespan == schedule.makespan


def test_synchronous_halving_waits_at_rung_ends_and_asha_never_does(schedules):
    halving, asha = gantt_info(schedules["halving"]), gantt_info(schedules["asha"])
    assert len(halving.waiting) > 0 and halving.waiting_time > 0
    np.testing.assert_allclose(halving.waiting[:, 2].sum(), schedules["halving"].waiting_time())
    assert asha.waiting.shape == (0, 3) and asha.waiting_time == 0
    assert asha.utilization > halving.utilization


def test_gantt_colours_by_budget_and_accepts_shared_levels(schedules):
    info = gantt_info(schedules["halving"], color_by="budget", levels=[27.0])
    np.testing.assert_array_equal(info.levels, [1, 3, 9, 27])
    np.testing.assert_array_equal(info.levels[info.level_index], [r.budget for r in schedules["halving"].runs])
    with pytest.raises(InvalidParameterError, match="`color_by` of gantt_info must be one of"):
        gantt_info(schedules["halving"], color_by="trial")


def test_plot_gantt_draws_bars_per_rung_and_hatched_waiting_spells(schedules):
    schedule = schedules["halving"]
    info = gantt_info(schedule)
    ax = Figure().add_subplot()
    assert plot_gantt(schedule, ax, title="halving") is ax
    *rungs, waiting = ax.containers
    assert [len(c) for c in rungs] == [int((info.level_index == k).sum()) for k in range(len(info.levels))]
    np.testing.assert_allclose(sorted(p.get_x() for c in rungs for p in c), sorted(info.starts))
    assert len(waiting) == len(info.waiting) and waiting.patches[0].get_hatch() == "////"
    assert ax.get_xlabel() == "simulated time" and ax.get_title().startswith("halving: utilization ")
    assert "idle: waiting for a rung to finish" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert plot_gantt(schedules["asha"]).get_legend() is not None  # smoke: a new figure


def test_compare_gantt_shares_time_and_colours(schedules):
    before = dict(matplotlib.rcParams)
    axes = compare_gantt(schedules, fig=Figure())
    assert axes.shape == (2,) and axes[0].get_shared_x_axes().joined(axes[0], axes[1])
    assert axes[1].get_xlim()[1] == pytest.approx(max(s.makespan for s in schedules.values()))
    rung0 = [ax.containers[0].patches[0].get_facecolor() for ax in axes]
    assert rung0[0] == rung0[1]
    assert axes[0].get_xlabel() == "" and axes[1].get_xlabel() == "simulated time"
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(InvalidParameterError, match="non-empty mapping"):
        compare_gantt({})


# -- rungs ---------------------------------------------------------------------------------------

def test_rungs_info_keeps_the_schedulers_decision_beside_the_humans(overridden):
    study, best, worst = overridden
    rows = study.optimizer.rung_table()
    info = rungs_info(rows)
    finished = {(r["rung"], r["config"]): r for r in rows if math.isfinite(r["loss"])}
    assert len(info.points) == len(finished) and info.n_unfinished == len(rows) - len(finished)
    for i, (rung, config) in enumerate(zip(info.rungs, info.configs, strict=True)):
        row = finished[rung, config]
        assert (info.scheduler[i], info.human[i]) == (row["scheduler"], row["human"])
        np.testing.assert_allclose(info.points[i], [row["budget"], row["loss"]])
    at = {(r, c): i for i, (r, c) in enumerate(zip(info.rungs, info.configs, strict=True))}
    assert (info.scheduler[at[0, best.user_attrs["config"]]], info.human[at[0, best.user_attrs["config"]]]) == \
        ("promote", "stop")
    assert (info.scheduler[at[0, worst.user_attrs["config"]]], info.human[at[0, worst.user_attrs["config"]]]) == \
        ("stop", "promote")
    # One line per configuration through the rungs it finished: the human's pick reached budget 3.
    line = info.lines[list(info.line_configs).index(worst.user_attrs["config"])]
    np.testing.assert_array_equal(line[:, 0], [1, 3])
    assert rungs_info(rows, bracket=5).points.shape == (0, 2)


def test_rungs_info_reads_asha_promotions_from_the_next_rung():
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=12)
    rows = study.optimizer.rung_table()
    info = rungs_info(rows)
    moved = {(r["rung"] - 1, r["config"]) for r in rows if r["rung"] > 0}
    assert moved
    for rung, config, decision in zip(info.rungs, info.configs, info.scheduler, strict=True):
        assert decision == ("promote" if (rung, config) in moved else None)


def test_plot_rungs_marks_each_decision_in_its_own_layer(overridden):
    study, best, worst = overridden
    rows = study.optimizer.rung_table()
    info = rungs_info(rows)
    ax = Figure().add_subplot()
    assert plot_rungs(rows, ax) is ax
    grey, *markers = ax.lines  # every configuration's line in one, NaN rows between them
    lines = np.split(info.drawn, np.cumsum([len(line) for line in info.lines])[:-1])   # drawn spread by rank
    np.testing.assert_array_equal(grey.get_xydata(), np.concatenate([np.vstack([line, [[np.nan, np.nan]]])
                                                                     for line in lines]))
    assert [line[:, 1].tolist() for line in lines] == [line[:, 1].tolist() for line in info.lines]
    assert grey.get_color() == "0.75" and grey.get_label().startswith("_")  # not in the legend
    layers = {line.get_label(): line for line in markers}
    assert set(layers) == {style["label"] for style in RUNG_MARKERS.values()}
    promoted_by_human = layers["human: promote"].get_xydata()
    at = {float(v): x for x, v in info.drawn}
    assert promoted_by_human.tolist() == [[at[worst.value], worst.value]]
    assert layers[HUMAN_STOP].get_xydata().tolist() == [[at[best.value], best.value]]
    assert len(layers["scheduler: stop"].get_xydata()) == int((info.scheduler == "stop").sum())
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "loss" and ax.get_xlabel() == "budget"
    plot_rungs(rows, bracket=None)  # smoke: every bracket, a new figure


def test_a_rung_s_markers_stand_side_by_side_and_a_person_s_stop_beside_the_scheduler_s(overridden):
    """Notebook 05 (audit h341): nine accuracies between 0.85 and 0.92 at budget 1/9 were one pile
    where the three promoted could not be counted, and the black cross of a person's stop covered
    the scheduler's green triangle. Now each job of a rung has its own x, in order of value,
    around its budget (the same every time), and the cross stands above its job."""
    from interactive_hpo.plots.fidelity import HUMAN_STOP_ABOVE

    study, best, _ = overridden
    info = rungs_info(study.optimizer.rung_table())
    for budget in np.unique(info.points[:, 0]):
        at = info.points[:, 0] == budget
        xs = info.drawn[at, 0][np.argsort(info.points[at, 1], kind="stable")]
        assert len(set(xs)) == at.sum() and (np.diff(xs) > 0).all()   # one slot each, increasing with value
        assert xs.min() <= budget <= xs.max() and xs.max() / xs.min() < 1.5   # around the budget, apart from the next
    np.testing.assert_array_equal(info.drawn[:, 1], info.points[:, 1])
    np.testing.assert_array_equal(rungs_info(study.optimizer.rung_table()).drawn, info.drawn)
    ax = plot_rungs(study.optimizer.rung_table(), Figure(dpi=100).add_subplot())
    layers = {line.get_label(): line for line in ax.lines}
    stop, scheduler = layers[HUMAN_STOP], [line for line in ax.lines[1:] if line.get_label().startswith("scheduler")]
    job = stop.get_xydata()[0]
    cross = stop.get_transform().transform(job) - ax.transData.transform(job)
    np.testing.assert_allclose(cross, [0.0, HUMAN_STOP_ABOVE / 72 * 100])   # above it, in pixels
    under = [line for line in scheduler if (line.get_xydata() == job).all(axis=1).any()]   # the scheduler's call
    assert len(under) == 1 and under[0].get_label() == "scheduler: promote"
    np.testing.assert_allclose(under[0].get_transform().transform(job), ax.transData.transform(job))  # on the job


def test_a_maximized_studys_rungs_read_in_the_objectives_units():
    """Issue 26, item 9: notebook 05 drew "-accuracy"; with the study's direction the axis is accuracy."""
    study = Study(LINE, "halving", direction="maximize", seed=0, optimizer_settings=SETTINGS)
    study.run(lambda params, *, budget=None: 0.5 + 0.1 * params["x"] * budget, n_trials=9 + 3)
    rows = study.optimizer.rung_table()
    losses = rungs_info(rows)
    values = rungs_info(rows, direction="maximize")
    np.testing.assert_allclose(values.points[:, 1], -losses.points[:, 1])
    assert (values.points[:, 1] > 0.5).all() and values.direction == "maximize"
    by_number = {t.number: t.value for t in study.trials}
    np.testing.assert_allclose(values.points[:, 1], [by_number[n] for n in values.numbers])
    for line, negated in zip(values.lines, losses.lines, strict=True):
        np.testing.assert_allclose(line[:, 1], -negated[:, 1])
    ax = plot_rungs(rows, Figure().add_subplot(), direction="maximize")
    assert ax.get_ylabel() == "value (higher is better)" and ax.get_ylim()[0] > 0
    assert plot_rungs(rows, Figure().add_subplot(), direction="maximize", ylabel="CV accuracy").get_ylabel() == \
        "CV accuracy"
    with pytest.raises(InvalidParameterError, match="`direction` of rungs_info must be one of"):
        rungs_info(rows, direction="up")


def test_a_rung_plot_of_several_objectives_names_the_one_drawn_and_says_promotions_follow_pareto_rank():
    """The y axis said "loss" (the first objective's) while rungs promote by Pareto rank over all of
    them, so a promotion sat above stops with lower losses and nothing said why."""
    space = SearchSpace([Float("x", 0.0, 1.0), Float("y", 0.0, 1.0)])
    study = Study(space, "halving", directions={"error": "minimize", "size": "minimize"}, seed=0,
                  optimizer_settings=SETTINGS)
    study.run(lambda p, *, budget=None: (p["x"] + 1 / budget, (1 - p["x"]) ** 2 + p["y"]), n_trials=9 + 3)
    rows = study.optimizer.rung_table()
    info = rungs_info(rows)
    first = info.rungs == 0
    assert info.points[first & (info.scheduler == "promote"), 1].max() > \
        info.points[first & (info.scheduler == "stop"), 1].min()   # what needs saying
    ax = plot_rungs(rows, Figure().add_subplot(), objectives=study.goals.names)
    assert ax.get_ylabel() == "error (lower is better)"
    assert ax.get_title() == "bracket 0; promotions by Pareto rank over error, size"
    ax = plot_rungs(rows, Figure().add_subplot(), bracket=None, objectives=list(study.goals.names), ylabel="e")
    assert (ax.get_ylabel(), ax.get_title()) == ("e", "promotions by Pareto rank over error, size")
    one = plot_rungs(rows, Figure().add_subplot(), direction="maximize", objectives=["accuracy"])
    assert (one.get_ylabel(), one.get_title()) == ("accuracy (higher is better)", "bracket 0")


def test_the_rung_plot_draws_as_many_artists_for_thousands_of_configurations_as_for_ten():
    """The Lab redrew a long ASHA study's rungs as one Line2D per configuration: 3,270 of them
    at 5,000 trials, seconds to build and to draw. Now one grey line holds them all."""
    few, many = (plot_rungs(many_rows(n), Figure().add_subplot()) for n in (10, 2_000))
    assert len(many.get_children()) == len(few.get_children()) and len(many.lines) == len(few.lines) == 5
    assert np.isnan(many.lines[0].get_xydata()).all(axis=1).sum() == 2_000   # a NaN row ends each configuration
    assert legend_texts(many) == legend_texts(few) == ["scheduler: promote", "scheduler: stop", "no decision (yet)",
                                                       "human: promote"]
    assert not plot_rungs([], Figure().add_subplot()).lines   # no rows: nothing drawn, nothing raised


# -- learning curves -------------------------------------------------------------------------------

def test_learning_curves_draw_as_many_artists_for_thousands_of_curves_as_for_ten():
    few, many = (plot_learning_curves(many_curves(n), Figure().add_subplot()) for n in (10, 3_000))
    assert len(many.get_children()) == len(few.get_children()) and len(many.lines) == len(few.lines) == 3
    finished, stopped, _ = many.lines
    assert [np.isnan(line.get_xydata()).all(axis=1).sum() for line in (finished, stopped)] == [1_500, 1_500]
    assert legend_texts(many) == ["ran to the end", "stopped early", "stopped here"]
    complete = plot_learning_curves(many_curves(10)[::2], Figure().add_subplot())
    assert len(complete.lines) == 2 and legend_texts(complete) == ["ran to the end"]  # only styles in use


def test_pruned_learning_curves_are_flagged_dashed_and_end_in_a_marker():
    study = Study(LINE, seed=0, pruner="median")
    study.run(curve, n_trials=12)
    curves = learning_curves(study)
    info = curves_info(curves)
    pruned = np.array([c.state == "PRUNED" for c in curves])
    assert pruned.any() and not pruned.all()
    np.testing.assert_array_equal(info.stopped, pruned)
    np.testing.assert_array_equal(curves_info(iter(curves)).keys, info.keys)  # any iterable, read once
    np.testing.assert_array_equal(info.ends, [[c.steps[-1], c.values[-1]] for c in curves if c.state == "PRUNED"])
    ax = Figure().add_subplot()
    assert plot_learning_curves(curves, ax) is ax
    finished, stopped, ends = ax.lines  # a line per style, each curve followed by a NaN row
    assert (finished.get_linestyle(), stopped.get_linestyle()) == ("-", "--")
    for line, group in ((finished, ~pruned), (stopped, pruned)):
        np.testing.assert_array_equal(line.get_xydata(), np.concatenate(
            [np.vstack([points, [[np.nan, np.nan]]]) for points, keep in zip(info.lines, group, strict=True) if keep]))
    np.testing.assert_array_equal(ends.get_xydata(), info.ends)
    assert legend_texts(ax) == ["ran to the end", "stopped early", "stopped here"]  # one per style, and the crosses
    assert ax.get_xlabel() == "step"


def test_config_curves_ending_below_the_full_budget_count_as_stopped():
    study = Study(LINE, "halving", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=13)
    curves = config_curves(study)
    info = curves_info(curves, full_step=9)
    np.testing.assert_array_equal(info.stopped, [c.steps[-1] < 9 for c in curves])
    assert info.stopped.sum() == len(curves) - 1  # exactly one configuration reaches budget 9
    assert not curves_info(curves).stopped.any()  # COMPLETE trials: only full_step tells
    ax = plot_learning_curves(curves, full_step=9, xlabel="budget", xscale="log")
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "budget"
    # Not "stopped early": beside the rung plot's "no decision (yet)" for the same configurations.
    assert legend_texts(ax) == ["ran to the end", "below the full budget (stopped, or not promoted yet)"]
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_xticklabels(minor=True) if t.get_text()]
    assert labels and not any("$" in label for label in labels)   # plain tick labels: no mathtext to parse
    assert labels == ["1", "3", "9"]   # each budget a tick (three budgets had one label between them)


# -- budget trace --------------------------------------------------------------------------------

def test_budget_trace_lines_equal_the_trace_and_baseline_in_full_evaluations():
    study = Study(LINE, "asha", seed=0, optimizer_settings=SETTINGS)
    study.run(bowl, n_trials=15)
    trace = budget_trace(study)
    baseline = SimpleNamespace(spent=np.arange(1.0, 4.0), best_full=np.array([0.5, 0.2, 0.2]),
                               best_any=np.array([0.5, 0.2, 0.2]), full_budget=1.0)
    info = budget_trace_info(trace, baseline)
    np.testing.assert_allclose(info.spent, trace.spent / 9)
    assert budget_trace_info(trace, normalize=False).unit == 1.0
    ax = Figure().add_subplot()
    assert plot_budget_trace(trace, ax, baseline, labels=("ASHA", "random")) is ax
    full, any_, base = ax.lines
    np.testing.assert_allclose(full.get_xdata(), trace.spent / 9)
    np.testing.assert_array_equal(full.get_ydata(), trace.best_full)
    np.testing.assert_array_equal(any_.get_ydata(), trace.best_any)
    np.testing.assert_array_equal(base.get_xydata(), np.column_stack([baseline.spent, baseline.best_full]))
    assert base.get_label() == "random: best at full budget" and full.get_drawstyle() == "steps-post"
    assert len(plot_budget_trace(trace).lines) == 2  # smoke: no baseline, a new figure


# -- Hyperband brackets -------------------------------------------------------------------------

def test_brackets_grid_is_li_et_als_table():
    plan = hyperband_brackets(1, 81, 3)
    info = brackets_info(plan)
    assert info.n_configs.shape == (5, 5) and info.s.tolist() == [4, 3, 2, 1, 0]
    np.testing.assert_array_equal(info.n_configs[1], [34, 11, 3, 1, np.nan])
    np.testing.assert_array_equal(info.budgets[:, 0], [1, 3, 9, 27, 81])
    np.testing.assert_allclose(info.totals, [sum(n * r for n, r in b) for b in plan])
    assert info.text[1][0] == "34 × 3" and info.text[4][1] == ""
    ax = Figure().add_subplot()
    assert plot_brackets(plan, ax) is ax
    assert [t.get_text() for t in ax.texts] == [cell for row in info.text for cell in row if cell]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"s = {s}" for s in range(4, -1, -1)]
    assert np.ma.getmaskarray(ax.images[0].get_array()).sum() == 10  # the empty corner of the table
    plot_brackets(hyperband_brackets(1 / 27, 1.0, 3))  # smoke: fractional budgets, a new figure


def test_an_ax_that_is_not_axes_is_refused_naming_the_plot():
    with pytest.raises(InvalidParameterError, match=r"`ax` of plot_brackets must be None or a matplotlib Axes"):
        plot_brackets(hyperband_brackets(1 / 9, 1.0, 3), ax=Figure())


# Fuzz round 4: each of these failed deep inside (KeyError, "too many values to unpack", numpy's
# "all the input array dimensions ... must match", matplotlib's "not a valid value for scale") or
# was drawn wrong (a budget <= 0 vanished from the log axis; a step 0 cut a curve on a log axis).
ROW = {"bracket": 0, "rung": 0, "config": 0, "number": 0, "budget": 1.0, "loss": 0.5, "scheduler": None,
       "human": None}


def _curve(steps, values):
    return Curve(0, np.asarray(steps, float), np.asarray(values, float), "COMPLETE", np.zeros(len(steps)))


def _trace(spent, full_budget=1.0):
    return SimpleNamespace(spent=np.asarray(spent, float), best_full=np.ones(len(spent)),
                           best_any=np.ones(len(spent)), full_budget=full_budget)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: plot_brackets([[("a", 1.0)]]), "`brackets[0][0]` of plot_brackets must be an (n_configs, budget) "
                                            "pair: a whole number >= 0 and a finite budget > 0; got ('a', 1.0)."),
    (lambda: plot_brackets([[(9, 1.0, 2)]]), "got (9, 1.0, 2)."),
    (lambda: plot_brackets([[(9, 0.0), (3, 3.0)]]), "got (9, 0.0)."),
    (lambda: plot_brackets([[(2.5, 1.0)]]), "got (2.5, 1.0)."),
    (lambda: plot_brackets([(9, 1.0), (3, 3.0)]), "`brackets[0][0]` of plot_brackets"),
    (lambda: plot_brackets("abc"), "`brackets` of plot_brackets must be a sequence of brackets, each a non-empty "
                                   "sequence of (n_configs, budget) pairs; got 'abc'."),
    (lambda: brackets_info([[]]), "`brackets` of brackets_info must be"),
    (lambda: brackets_info(np.array(0.0)), "`brackets` of brackets_info must be"),  # "len() of unsized object"
    (lambda: plot_learning_curves(np.array(0.0)), "`curves` of plot_learning_curves must be a list of Curve"),
    (lambda: plot_rungs([{"bracket": 0, "loss": 1.0}]), "`rows[0]` of plot_rungs must be a row of a scheduler's "
                                                        "rung_table(): a mapping with the keys"),
    (lambda: plot_rungs([1, 2]), "`rows[0]` of plot_rungs"),
    (lambda: plot_rungs(3), "`rows` of plot_rungs"),
    (lambda: plot_rungs([{**ROW, "budget": 0.0}]), "`rows[0]['budget']` of plot_rungs must be a finite number > 0 "
                                                   "(the x axis is logarithmic); got 0.0."),
    (lambda: plot_rungs([{**ROW, "loss": "0.5"}]), "`rows[0]['loss']` of plot_rungs must be a number"),
    (lambda: plot_rungs([ROW], direction="max"), "`direction` of plot_rungs must be one of"),
    (lambda: plot_rungs([ROW], bracket="0"), "`bracket` of plot_rungs must be an int in [0, inf); got '0'."),
    (lambda: rungs_info([ROW], bracket=-1), "`bracket` of rungs_info"),
    (lambda: plot_rungs([ROW], objectives="error"), "`objectives` of plot_rungs must be None or a non-empty "
                                                    "sequence of objective names (study.goals.names); got 'error'."),
    (lambda: plot_rungs([ROW], objectives=[]), "`objectives` of plot_rungs must be None or a non-empty sequence"),
    (lambda: plot_learning_curves([_curve([1, 2, 3], [0.5, 0.4])]),
     "`curves[0]` of plot_learning_curves must be a Curve whose steps and values are 1-D arrays of one length; "
     "got 'steps of shape (3,) and values of shape (2,)'."),
    (lambda: plot_learning_curves([_curve([1, 2], [0.5, 0.4])], xscale="logarithmic"),
     "`xscale` of plot_learning_curves must be one of ['linear', 'log']; got 'logarithmic'."),
    (lambda: plot_learning_curves([_curve([0, 1], [0.5, 0.4])], xscale="log"),
     "`curves[0].steps` of plot_learning_curves must be numbers > 0 with xscale='log'; got 0.0."),
    (lambda: plot_learning_curves([_curve([1, 2], [0.5, 0.4])], full_step="9"), "`full_step` of "
                                                                                   "plot_learning_curves"),
    (lambda: plot_learning_curves([[1, 2]]), "`curves[0]` of plot_learning_curves must be a Curve (with key, "
                                             "steps, values, state); got [1, 2]."),
    (lambda: plot_learning_curves(_curve([1, 2], [0.5, 0.4])), "`curves` of plot_learning_curves must be a "
                                                                 "list of Curve records"),
    (lambda: curves_info([_curve([1], [[0.5]])]), "`curves[0]` of curves_info"),
    (lambda: plot_budget_trace([1, 2, 3]), "`trace` of plot_budget_trace must be a BudgetTrace (budget_trace("
                                           "study)) (with spent, best_full, best_any, full_budget); got [1, 2, 3]."),
    (lambda: plot_budget_trace(_trace([1, 2], full_budget=0.0)), "full_budget > 0"),
    (lambda: plot_budget_trace(_trace([1, 2]), baseline=_trace([1]), labels=("ours",)),
     "`labels` of plot_budget_trace must be two str: the trace's name and the baseline's; got ('ours',)."),
    (lambda: budget_trace_info(_trace([1, 2]), baseline=[1]), "`baseline` of budget_trace_info must be a "
                                                              "BudgetTrace (budget_trace(study)) or None"),
    # "no" would count budget in full evaluations, as True does.
    (lambda: budget_trace_info(_trace([1, 2]), normalize="no"), "`normalize` of budget_trace_info must be a bool; "
                                                                "got 'no'."),
    (lambda: plot_budget_trace(_trace([1, 2]), normalize=1), "`normalize` of plot_budget_trace must be a bool; got 1."),
])
def test_input_errors(call, message):
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call()


def test_an_empty_curve_gets_no_legend_entry_and_close_budgets_distinct_ticks():
    # A review: a curve with no point named "below the full budget" with nothing drawn; budgets
    # 0.11111 and 0.11112 were both ticked "0.111".
    empty = Curve(0, np.array([]), np.array([]), "PRUNED", np.zeros(0))
    ax = plot_learning_curves([empty], ax=Figure().add_subplot(), full_step=1, xscale="log")
    assert ax.get_legend() is None
    ax = plot_learning_curves([_curve([0.11111, 0.11112, 1.0], [0.5, 0.4, 0.3])], ax=Figure().add_subplot(),
                              xscale="log")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(set(labels)) == 3 and labels[-1] == "1"
    rows = [dict(ROW, rung=0, config=0, number=0, budget=0.11111),
            dict(ROW, rung=1, config=0, number=1, budget=0.11112)]
    ax = plot_rungs(rows, Figure().add_subplot())   # the rung plot ticks its budgets the same way
    assert len({t.get_text() for t in ax.get_xticklabels()}) == 2


def test_config_curves_cross_only_the_configurations_a_decision_stopped(overridden):
    """Over budgets every curve below the full budget ended in a cross, the promoted ones too."""
    study, best, _ = overridden
    rows = study.optimizer.rung_table()
    stopped = stopped_configs(rows)
    top = {}
    for row in rows:  # each configuration's highest rung decides
        top[row["config"]] = row if row["config"] not in top or row["rung"] >= top[row["config"]]["rung"] \
            else top[row["config"]]
    assert stopped == sorted(c for c, row in top.items() if (row["human"] or row["scheduler"]) == "stop")
    assert best.user_attrs["config"] in stopped  # your "stop" over the scheduler's "promote"
    curves = config_curves(study)
    info = curves_info(curves, full_step=9, stopped_keys=stopped)
    np.testing.assert_array_equal(info.crossed, [c.key in stopped for c in curves])
    assert not curves_info(curves, full_step=9).crossed.any()  # below the full budget is not "stopped"
    ax = plot_learning_curves(curves, full_step=9, stopped_keys=stopped, xlabel="budget", xscale="log")
    assert legend_texts(ax)[-1] == "stopped here" and ax.lines[-1].get_marker() == "x"
    assert all(line.get_marker() == "o" for line in ax.lines[:-1])  # a configuration of one budget shows


@pytest.mark.parametrize("keys", ["3", 3, [1.5], [True]])
def test_stopped_keys_must_be_ints(keys):
    with pytest.raises(InvalidParameterError, match="`stopped_keys` of plot_learning_curves must be None or an "
                                                    "iterable of ints"):
        plot_learning_curves([], stopped_keys=keys)


def test_a_rung_s_spread_does_not_depend_on_the_order_the_budgets_come_in():
    """Budgets given from the largest spread a rung's points backwards and too wide (r348)."""
    from interactive_hpo.plots.fidelity import spread_by_rank

    points = np.array([[3.0, 0.2], [3.0, 0.1], [9.0, 0.3]])
    forward = spread_by_rank(points, np.array([1.0, 3.0, 9.0]))
    np.testing.assert_array_equal(spread_by_rank(points, np.array([9.0, 3.0, 1.0])), forward)
    assert forward[1, 0] < 3.0 < forward[0, 0] < 3.0 * 10 ** 0.2  # lower value left, within the gap
