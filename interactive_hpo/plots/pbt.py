"""Population Based Training, drawn from plain arrays: the members' schedules, the lineage of
their copies, and :func:`plot_pbt`, a whole run's summary with the score curves of
:mod:`.pbt_scores` beside them.

As in :mod:`.history`, each plot computes a plain "info" record first (:func:`schedule_info`,
:func:`lineage_info`; tests target them) and draws it second. The inputs are the fields of a
``PBTResult`` (``schedules[name]``, ``exploits``), passed as arrays, so this module never imports
the optimizer. An exploit ``(round, receiver, donor)`` means: after ``round``, ``receiver`` took
``donor``'s model, so it shows at ``round + 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, check_int, check_product, fail
from ._axes import check_figure, counting_axes
from ._checks import record_fields
from ._pbt_checks import check_exploits, check_member, check_result, check_schedule, check_scores
from .pbt_scores import DIVERGED_LABEL, plot_pbt_scores

__all__ = ["LineageInfo", "ScheduleInfo", "lineage_info", "plot_pbt", "plot_pbt_lineage", "plot_pbt_schedule",
           "schedule_info"]

#: Names of this module until 0.2, in :mod:`.pbt_scores` since.
_MOVED_TO_SCORES = ("ScoreInfo", "score_info")


def _exploits(exploits: Any, n_rounds: int, n_members: int, owner: str) -> list[tuple[int, int, int]]:
    """Exploits whose receiver trained afterwards (those after the last round have nothing to show yet)."""
    return [(r, i, d) for r, i, d in check_exploits(exploits, n_rounds, n_members, owner) if r + 1 < n_rounds]


@dataclass(frozen=True, eq=False)
class ScheduleInfo:
    """What :func:`plot_pbt_schedule` draws.

    Attributes
    ----------
    rounds : ndarray of shape (n_rounds,)
        0, 1, ...: the x of every line.
    values : ndarray of shape (n_rounds, n_members)
        The value each member trained with (a choice's index for categoricals).
    jumps : ndarray of shape (n_e, 2)
        (round, new value) where a receiver started from a donor's copy.
    scale : str
        "linear", "log" or "categorical".
    ticks : tuple of (ndarray of shape (n_choices,), list of n_choices str) or None
        Tick positions and labels for a categorical axis.
    """

    rounds: np.ndarray
    values: np.ndarray
    jumps: np.ndarray
    scale: str
    ticks: tuple | None


def schedule_info(schedule: Any, exploits: Sequence[Sequence[int]] = (), scale: str = "linear",
                  choices: Sequence[Any] | None = None) -> ScheduleInfo:
    """Lines of one hyperparameter's schedule, shape (n_rounds, n_members) in user units.

    For a categorical (``scale="categorical"``) values become indices into ``choices``
    (default: the distinct values in order of appearance). A round where the parameter was
    inactive (a conditional space: NaN, or None for a categorical unless None is one of
    ``choices``) is a gap in its member's line.
    """
    return _schedule_info(schedule, exploits, scale, choices, "schedule_info")


def _schedule_info(schedule: Any, exploits: Sequence[Sequence[int]], scale: str, choices: Sequence[Any] | None,
                   owner: str) -> ScheduleInfo:
    raw, scale, levels = check_schedule(schedule, scale, choices, owner)
    n_rounds, n_members = raw.shape
    ticks = None
    if levels is not None:
        values = np.array([[np.nan if v is None and None not in levels else levels.index(v) for v in row]
                           for row in raw.tolist()], dtype=float).reshape(raw.shape)
        ticks = (np.arange(len(levels), dtype=float), [str(c) for c in levels])
    else:
        values = raw
    jumps = [(r + 1, values[r + 1, i]) for r, i, _ in _exploits(exploits, n_rounds, n_members, owner)]
    return ScheduleInfo(rounds=np.arange(n_rounds, dtype=float), values=values,
                        jumps=np.array(jumps, dtype=float).reshape(-1, 2), scale=scale, ticks=ticks)


def plot_pbt_schedule(schedule: Any, *, name: str = "", scale: str = "linear", exploits: Sequence[Any] = (),
                      choices: Sequence[Any] | None = None, legend: bool = True, ax: Any = None) -> Any:
    """One step line per member: the value of one hyperparameter over rounds, exploits marked.

    Parameters
    ----------
    schedule : array-like of shape (n_rounds, n_members)
        ``PBTResult.schedules[name]``, in user units.
    name : str
        The y label.
    scale : {"linear", "log", "categorical"}
        ``PBTResult.scales[name]``: a log parameter gets a log axis.
    exploits : sequence of (round, receiver, donor)
    choices : sequence, optional
        Category order for a categorical axis.
    legend : bool, default=True
        A key of the member colours and the exploit marker, right of the Axes (outside, since
        the lines fill the panel). :func:`plot_pbt` draws one key for all its panels instead.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        Lines ``ax.lines[:n_members]`` (member order, labelled "member i"), then the exploit markers.
    """
    info = _schedule_info(schedule, exploits, scale, choices, "plot_pbt_schedule")
    legend = check_bool(legend, "legend", "plot_pbt_schedule")
    ax = counting_axes(ax, "plot_pbt_schedule")
    for i in range(info.values.shape[1]):
        ax.plot(info.rounds, info.values[:, i], drawstyle="steps-post", color=f"C{i % 10}", lw=1.2, alpha=0.85,
                label=f"member {i}")
    ax.plot(info.jumps[:, 0], info.jumps[:, 1], ls="none", marker="v", color="black", ms=5, label=EXPLOIT_LABEL)
    if scale == "log":
        ax.set_yscale("log")
    if info.ticks is not None:
        ax.set_yticks(*info.ticks)
    ax.set_xlabel("round")
    ax.set_ylabel(name)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


#: The exploit marker's legend entry: a receiver's schedule jumps where it starts from a copy.
EXPLOIT_LABEL = "exploit: starts from a copy"


@dataclass(frozen=True, eq=False)
class LineageInfo:
    """What :func:`plot_pbt_lineage` draws: nodes (round, member) and the edges between rounds.

    Attributes
    ----------
    parents : ndarray of shape (n_rounds, n_members)
        Whose model member i trained on in round r (row 0: -1).
    kept : ndarray of shape (n_k, 2, 2)
        Segments (r - 1, i) -> (r, i): the member kept its own model.
    inherited : ndarray of shape (n_j, 2, 2)
        Segments (r - 1, donor) -> (r, receiver): an exploit.
    nodes : ndarray of shape (n_rounds * n_members, 2)
        (round, member), round-major.
    path : ndarray of shape (n_rounds, 2)
        The ancestry of ``highlight`` as (round, member), or shape (0, 2).
    """

    parents: np.ndarray
    kept: np.ndarray
    inherited: np.ndarray
    nodes: np.ndarray
    path: np.ndarray


def lineage_info(exploits: Sequence[Sequence[int]], n_rounds: int, n_members: int,
                 highlight: int | None = None) -> LineageInfo:
    """The lineage tree of a run from its exploits; ``highlight`` traces one member's ancestry back.

    Examples
    --------
    >>> info = lineage_info([(0, 1, 0)], n_rounds=2, n_members=2, highlight=1)
    >>> info.parents.tolist(), info.inherited.tolist(), info.path.tolist()
    ([[-1, -1], [0, 0]], [[[0.0, 0.0], [1.0, 1.0]]], [[0.0, 0.0], [1.0, 1.0]])
    """
    return _lineage_info(exploits, n_rounds, n_members, highlight, "lineage_info")


#: The most nodes (rounds x members) a lineage holds: as many member records as a PBT run keeps
#: (``interactive_hpo.pbt.checks.MAX_RECORDS``). 2**70 rounds met numpy's OverflowError; a
#: billion, a MemoryError or a loop of hours.
MAX_NODES = 1_000_000


def _lineage_info(exploits: Sequence[Sequence[int]], n_rounds: int, n_members: int, highlight: int | None,
                  owner: str) -> LineageInfo:
    # A population of no member has no lineage: its tree was empty axes (a matplotlib warning for
    # their limits), and ``highlight`` then had to be "an int in [0, -1]".
    n_rounds, n_members = check_int(n_rounds, "n_rounds", owner, 0), check_int(n_members, "n_members", owner, 1)
    # max(.., 1): with no rounds the members are still looped over.
    check_product({"n_rounds": n_rounds, "n_members": n_members}, owner, max(n_rounds, 1) * n_members,
                  MAX_NODES, "lineage nodes (n_rounds x n_members)")
    highlight = check_member(highlight, "highlight", owner, n_members)
    parents = np.tile(np.arange(n_members), (n_rounds, 1))
    if n_rounds:
        parents[0] = -1
    for r, receiver, donor in _exploits(exploits, n_rounds, n_members, owner):
        parents[r + 1, receiver] = donor
    kept: list[list[list[int]]] = []
    inherited: list[list[list[int]]] = []
    for r in range(1, n_rounds):
        for i in range(n_members):
            (kept if parents[r, i] == i else inherited).append([[r - 1, int(parents[r, i])], [r, i]])
    path: list[tuple[int, int]] = []
    if highlight is not None and n_rounds:
        current = int(highlight)
        for r in range(n_rounds - 1, -1, -1):
            path.append((r, current))
            current = int(parents[r, current]) if r else current
    nodes = np.array([(r, i) for r in range(n_rounds) for i in range(n_members)], dtype=float).reshape(-1, 2)
    return LineageInfo(parents=parents, kept=np.array(kept, dtype=float).reshape(-1, 2, 2),
                       inherited=np.array(inherited, dtype=float).reshape(-1, 2, 2), nodes=nodes,
                       path=np.array(path[::-1], dtype=float).reshape(-1, 2))


def plot_pbt_lineage(exploits: Sequence[Any], n_rounds: int, n_members: int, *, scores: Any = None,
                     highlight: int | None = None, ax: Any = None) -> Any:
    """The lineage tree: rounds on x, members on y, an edge from donor to receiver at each exploit.

    Parameters
    ----------
    exploits : sequence of (round, receiver, donor)
    n_rounds, n_members : int
        Rounds (0 or more) and members (1 or more) of the run.
    scores : array-like of shape (n_rounds, n_members), optional
        Colours the nodes; a node whose score is NaN is an x.
    highlight : int, optional
        A member (e.g. ``best_member``) whose ancestry is drawn thick.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.collections[0]`` holds the kept segments, ``[1]`` the inherited ones, ``[2]`` the
        nodes, and ``[3]``, if a score is NaN, an x on each node whose score is NaN (diverged).
        The legend (above the Axes: nodes fill the panel) names the edges and the highlighted
        ancestry; the colour bar names the node colours.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_pbt_lineage([(0, 1, 0)], n_rounds=3, n_members=2, ax=Figure().add_subplot())
    >>> len(ax.collections[0].get_segments()), len(ax.collections[1].get_segments())
    (3, 1)
    """
    from matplotlib.collections import LineCollection

    owner = "plot_pbt_lineage"
    info = _lineage_info(exploits, n_rounds, n_members, highlight, owner)
    colours = None if scores is None else check_scores(scores, "scores", owner, n_rounds, n_members).reshape(-1)
    ax = counting_axes(ax, owner)
    ax.add_collection(LineCollection(list(info.kept), colors="0.75", linewidths=1.0, zorder=1,
                                     label="kept own model"))
    ax.add_collection(LineCollection(list(info.inherited), colors="C3", linewidths=1.4, zorder=2,
                                     label="copied (exploit)"))
    paint = {"color": "C0"} if colours is None else {"c": colours, "cmap": "viridis"}
    nodes = ax.scatter(info.nodes[:, 0], info.nodes[:, 1], s=22, zorder=3, **paint)
    if colours is not None and not np.isnan(colours).all():
        ax.figure.colorbar(nodes, ax=ax, pad=0.02, label="validation score")
    if colours is not None and np.isnan(colours).any():  # a NaN colour is not drawn: the node would vanish
        nan_nodes = info.nodes[np.isnan(colours)]
        ax.scatter(nan_nodes[:, 0], nan_nodes[:, 1], marker="x", s=28, linewidths=1.4, color="black", zorder=3,
                   label=DIVERGED_LABEL)
    if len(info.path):
        ax.plot(info.path[:, 0], info.path[:, 1], color="black", lw=2.5, zorder=2.5,
                label=f"member {highlight}'s ancestry")
    ax.set_xlim(-0.5, max(n_rounds - 0.5, 0.5))
    ax.set_ylim(-0.5, n_members - 0.5)
    ax.set_yticks(np.arange(n_members))
    ax.set_xlabel("round")
    ax.set_ylabel("member")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, borderaxespad=0.2, frameon=False)
    return ax


def plot_pbt(result: Any, baseline: Any = None, fig: Any = None, *,
             baseline_label: str = "fixed hyperparameters") -> Any:
    """A summary of a run: scores, lineage, and one schedule per hyperparameter.

    ``result`` is anything with ``scores``, ``schedules``, ``scales``, ``exploits``, ``direction``
    and ``best_member`` (a ``PBTResult``); ``baseline`` optionally another (its ``scores`` are used),
    named ``baseline_label`` in the legend. One key below the panels names the member colours
    (the same member has the same colour in the score and schedule panels) and the exploit marker.
    Returns the array of Axes.

    Everything is checked before the first panel is drawn, so an error names ``plot_pbt`` and
    the field (``result.scales['lr']``), not the panel's plot it would reach.
    """
    owner = "plot_pbt"
    check_figure(fig, owner)
    scores, choices = check_result(result, owner)
    n_rounds, n_members = scores.shape
    other = None
    if baseline is not None:
        (other,) = record_fields(baseline, ("scores",), "baseline", owner, "None or a run's record (a PBTResult)")
        other = check_scores(other, "baseline.scores", owner, n_rounds)
    if not isinstance(baseline_label, str):
        raise fail("baseline_label", owner, "a str (the baseline's name in the legend)", baseline_label)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(11, 3.2 * (1 + (len(result.schedules) + 1) // 2) + 0.6), layout="constrained")
    rows = 1 + (len(result.schedules) + 1) // 2
    axes = fig.subplots(rows, 2, squeeze=False)
    plot_pbt_scores(scores, direction=result.direction, exploits=result.exploits, baseline=other,
                    labels=("PBT", baseline_label), ax=axes[0, 0])
    plot_pbt_lineage(result.exploits, n_rounds, n_members, scores=scores,
                     highlight=result.best_member if result.best_member >= 0 else None, ax=axes[0, 1])
    flat = axes[1:].ravel()
    for ax, (name, schedule) in zip(flat, result.schedules.items(), strict=False):
        plot_pbt_schedule(schedule, name=name, scale=result.scales[name], exploits=result.exploits,
                          choices=choices[name], legend=False, ax=ax)
    for ax in flat[len(result.schedules):]:
        ax.set_visible(False)
    if len(flat) and result.schedules:
        handles, labels = flat[0].get_legend_handles_labels()
        # "member 0", "1", "2", ...: one row even for 8 members and a wide figure's worth of entries.
        labels = [label.removeprefix("member ") if k else label for k, label in enumerate(labels)]
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), columnspacing=1.2,
                   handlelength=1.5)
    return axes


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.pbt_scores", _MOVED_TO_SCORES)
