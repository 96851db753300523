"""Gantt charts of workers, simulated or real: who ran which trial at which budget, and who sat idle.

:func:`gantt_info` turns a ``Schedule`` from :func:`interactive_hpo.execution.simulation.simulate_workers`
(or ``Schedule.observed`` of a real parallel run: seconds by the workers' clocks) into plain
bars; :func:`plot_gantt` draws one schedule and :func:`compare_gantt` stacks several
on one time axis (synchronous halving's idle gaps at rung ends against ASHA's packed rows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, check_one_of, fail, float_array
from ._axes import axes_or_new, check_figure
from ._checks import record_fields
from .fidelity import _level_colours

__all__ = ["GanttInfo", "gantt_info", "plot_gantt", "compare_gantt"]

#: What a Gantt chart reads of a ``Schedule``.
SCHEDULE_FIELDS = ("columns", "idle", "n_workers", "makespan", "utilization", "waiting_time")

@dataclass(frozen=True, eq=False)
class GanttInfo:
    """What :func:`plot_gantt` draws.

    Attributes
    ----------
    workers, numbers : ndarray of shape (n_runs,)
        Worker and trial of each run, in the order of ``Schedule.runs``.
    starts, durations : ndarray of shape (n_runs,)
        Simulated times (seconds for a measured run): each bar spans ``[start, start + duration]``.
    levels : ndarray of shape (n_levels,)
        The rungs (or budgets) that colour the bars, increasing.
    level_index : ndarray of shape (n_runs,)
        Each run's index into ``levels``; -1 for a run without a rung (or budget).
    waiting : ndarray of shape (n_w, 3)
        (worker, start, duration) of idle spells while the optimizer waited for results.
    done : ndarray of shape (n_d, 3)
        The same for spells with no job left to run (not drawn).
    color_by : str
        "rung" or "budget".
    n_workers : int
    makespan, utilization, waiting_time : float
        As on the ``Schedule``.
    measured : bool
        A real run (times in seconds, idle = waiting for the next trial), not a simulation.
    """

    workers: np.ndarray
    numbers: np.ndarray
    starts: np.ndarray
    durations: np.ndarray
    levels: np.ndarray
    level_index: np.ndarray
    waiting: np.ndarray
    done: np.ndarray
    color_by: str
    n_workers: int
    makespan: float
    utilization: float
    waiting_time: float
    measured: bool = False


def gantt_info(schedule: Any, color_by: str = "rung", levels: Any = None) -> GanttInfo:
    """One bar per run on its worker's row, and the idle spells between them.

    ``levels`` fixes the colour levels (rungs or budgets), so several charts can share colours
    (:func:`compare_gantt`); default: the levels found in ``schedule``.
    """
    return _gantt_info(schedule, color_by, levels, "gantt_info")


def _gantt_info(schedule: Any, color_by: str, levels: Any, owner: str, name: str = "schedule") -> GanttInfo:
    color_by = check_one_of(color_by, "color_by", owner, ("rung", "budget"))
    record_fields(schedule, SCHEDULE_FIELDS, name, owner,
                  "a Schedule (simulate_workers(...) or Schedule.observed(trials))")
    columns = schedule.columns()
    by = columns[color_by].astype(float)
    by[by < 0] = math.nan  # rung -1 means "no rung"; budgets are NaN already
    found = np.unique(by[np.isfinite(by)])
    if levels is not None:
        rule = "None or a 1-D array of finite numbers (the rungs or budgets that share colours)"
        given = float_array(levels, "levels", owner, rule)
        if given.ndim != 1 or not np.isfinite(given).all():
            raise fail("levels", owner, rule, levels)
        found = np.unique(np.concatenate([given, found]))
    levels_ = found
    index = np.full(len(by), -1, dtype=int)
    known = np.isfinite(by)
    index[known] = np.searchsorted(levels_, by[known])

    def spells(reason: str) -> np.ndarray:
        rows = [(s.worker, s.start, s.end - s.start) for s in schedule.idle if s.reason == reason]
        return np.array(rows, dtype=float).reshape(-1, 3)

    return GanttInfo(workers=columns["worker"], numbers=columns["number"], starts=columns["start"],
                     durations=columns["end"] - columns["start"], levels=levels_, level_index=index,
                     waiting=spells("waiting"), done=spells("done"), color_by=color_by,
                     n_workers=int(schedule.n_workers), makespan=float(schedule.makespan),
                     utilization=float(schedule.utilization), waiting_time=float(schedule.waiting_time()),
                     measured=bool(getattr(schedule, "measured", False)))


def plot_gantt(schedule: Any, ax: Any = None, color_by: str = "rung", *, title: str | None = None,
               levels: Any = None, legend: bool = True) -> Any:
    """Which worker ran what, when: synchronous halving idles at the end of each rung, ASHA never.

    Parameters
    ----------
    schedule : Schedule
        From :func:`~interactive_hpo.execution.simulation.simulate_workers`, or a real parallel run's
        ``Schedule.observed(study.trials)``.
    ax : matplotlib Axes, optional
    color_by : {"rung", "budget"}
        Colour bars by rung index, or by budget (Hyperband's brackets start at different budgets).
    title : str, optional
        Put before the utilization and waiting time in the title.
    levels : sequence of float, optional
        Colour levels shared with other charts (see :func:`gantt_info`).
    legend : bool

    Returns
    -------
    Axes
        ``ax.containers``: one bar container per level present (increasing), then one for runs
        without a level (if any), then the hatched waiting spells (if any), then the marks over the
        trials a measured run lost with their worker (``Schedule.lost``, if any).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interactive_hpo.execution.simulation import IdleSpell, Schedule, WorkerRun
    >>> runs = (WorkerRun(0, 0, 0.0, 1.0, 1.0, 0, 0, 0, "COMPLETE"),    # worker, trial, start, end, budget,
    ...         WorkerRun(1, 1, 0.0, 2.0, 1.0, 1, 0, 0, "COMPLETE"),    # config, rung, bracket, state
    ...         WorkerRun(0, 2, 2.0, 5.0, 3.0, 1, 1, 0, "COMPLETE"))
    >>> schedule = Schedule(runs, (IdleSpell(0, 1.0, 2.0, "waiting"), IdleSpell(1, 2.0, 5.0, "done")), 2, 5.0)
    >>> ax = plot_gantt(schedule, Figure().add_subplot())
    >>> [len(c) for c in ax.containers], ax.get_title()
    ([2, 1, 1], 'utilization 60%, waiting 1 worker-time')
    """
    info = _gantt_info(schedule, color_by, levels, "plot_gantt")
    legend = check_bool(legend, "legend", "plot_gantt")
    ax = axes_or_new(ax, (9, 1.2 + 0.4 * info.n_workers), owner="plot_gantt")
    colours = _level_colours(len(info.levels))
    name = "rung {:.0f}" if info.color_by == "rung" else "budget {:.3g}"  # 1/9 as 0.111, not 0.111111
    unlevelled = "trial" if info.measured else f"no {info.color_by}"  # a real run's plain trials have no rung
    for k in [*range(len(info.levels)), -1]:
        mask = info.level_index == k
        if mask.any():
            ax.barh(info.workers[mask], info.durations[mask], left=info.starts[mask], height=0.8,
                    color=colours[k] if k >= 0 else "0.6", edgecolor="white", linewidth=0.6,
                    label=name.format(info.levels[k]) if k >= 0 else unlevelled)
    if len(info.waiting):
        ax.barh(info.waiting[:, 0], info.waiting[:, 2], left=info.waiting[:, 1], height=0.8, facecolor="0.93",
                edgecolor="0.45", linewidth=0.0, hatch="////",
                label="idle: waiting for the next trial" if info.measured else "idle: waiting for a rung to finish")
    lost = np.isin(info.numbers, np.asarray(getattr(schedule, "lost", ()), dtype=int))  # a measured run's
    if lost.any():  # over their bars: from when they were asked to when the study recorded them lost
        ax.barh(info.workers[lost], info.durations[lost], left=info.starts[lost], height=0.8, facecolor="none",
                edgecolor="tab:red", linewidth=0.0, hatch="xx", label="lost with its worker")
    ax.set_yticks(np.arange(info.n_workers), [f"worker {w}" for w in range(info.n_workers)])
    ax.set_ylim(info.n_workers - 0.5, -0.5)  # worker 0 on top
    ax.set_xlim(0.0, max(info.makespan, 1e-9))
    ax.set_xlabel("seconds" if info.measured else "simulated time")
    unit = "worker-seconds" if info.measured else "worker-time"
    summary = f"utilization {info.utilization:.0%}, waiting {info.waiting_time:.3g} {unit}"
    ax.set_title(summary if not title else f"{title}: {summary}", fontsize="medium")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return ax


def compare_gantt(schedules: Mapping[str, Any], color_by: str = "rung", fig: Any = None) -> np.ndarray:
    """Gantt charts stacked on one time axis, e.g. ``{"halving": ..., "ASHA": ...}`` run to the same ``until``.

    Colours are shared: the same rung (or budget) has the same colour in every chart.
    Returns the array of Axes, shape (len(schedules),).
    """
    owner = "compare_gantt"
    if not isinstance(schedules, Mapping) or not schedules:
        raise fail("schedules", owner, "a non-empty mapping of name -> Schedule", schedules)
    check_figure(fig, owner)
    levels = np.unique(np.concatenate([_gantt_info(s, color_by, None, owner, f"schedules[{name!r}]").levels
                                       for name, s in schedules.items()]))
    if fig is None:
        import matplotlib.pyplot as plt

        height = sum(1.0 + 0.4 * s.n_workers for s in schedules.values())
        fig = plt.figure(figsize=(9, height), layout="constrained")
    axes = fig.subplots(len(schedules), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, schedule) in zip(axes, schedules.items(), strict=True):
        plot_gantt(schedule, ax, color_by, title=name, levels=levels)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    axes[0].set_xlim(0.0, max(max(s.makespan for s in schedules.values()), 1e-9))
    return axes
