"""Population Based Training's score curves: every member's score per round, the population's
best and a fixed-hyperparameter baseline's best, the rounds where exploits happened, and a mark
for each NaN score (a member that diverged), which has no height on the score axis.

As in :mod:`.pbt`, a plain record is computed first (:func:`score_info`; tests target it) and
drawn second, from arrays (``PBTResult.scores``, ``exploits``); :func:`~.pbt.plot_pbt` draws this
panel beside the lineage and the schedules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..direction import Direction
from ._axes import counting_axes
from ._checks import two_labels
from ._pbt_checks import check_exploits, check_scores

__all__ = ["DIVERGED_LABEL", "ScoreInfo", "plot_pbt_scores", "score_info"]


@dataclass(frozen=True, eq=False)
class ScoreInfo:
    """What :func:`plot_pbt_scores` draws.

    Attributes
    ----------
    rounds : ndarray of shape (n_rounds,)
    members : ndarray of shape (n_rounds, n_members)
        Each member's score per round.
    best : ndarray of shape (n_rounds,)
        The population's best score per round.
    baseline_best : ndarray of shape (n_rounds,) or None
        The same for the baseline (fixed hyperparameters, the same compute).
    exploit_rounds : ndarray of shape (n_x,)
        Rounds after which exploits happened.
    diverged : ndarray of shape (n_d, 2)
        (round, member) of each NaN score (a member that diverged, or has no score): marked,
        since a NaN has no height on the score axis.
    """

    rounds: np.ndarray
    members: np.ndarray
    best: np.ndarray
    baseline_best: np.ndarray | None
    exploit_rounds: np.ndarray
    diverged: np.ndarray


def score_info(scores: Any, direction: str = "maximize", exploits: Sequence[Any] = (),
               baseline: Any = None) -> ScoreInfo:
    """Score curves from ``scores`` (and ``baseline``) of shape (n_rounds, n_members) (a 1-D
    array is one member); the baseline has the same rounds, any number of members."""
    return _score_info(scores, direction, exploits, baseline, "score_info")


def _score_info(scores: Any, direction: str, exploits: Sequence[Any], baseline: Any, owner: str) -> ScoreInfo:
    members = check_scores(scores, "scores", owner)
    goal = Direction.parse(direction, "direction", owner)
    other = None if baseline is None else goal.best_per_row(check_scores(baseline, "baseline", owner, len(members)))
    n_rounds, n_members = members.shape
    rounds = sorted({r for r, _, _ in check_exploits(exploits, n_rounds, n_members, owner)})
    return ScoreInfo(rounds=np.arange(len(members), dtype=float), members=members, best=goal.best_per_row(members),
                     baseline_best=other, exploit_rounds=np.array(rounds, dtype=float),
                     diverged=np.argwhere(np.isnan(members)).astype(float).reshape(-1, 2))


def plot_pbt_scores(scores: Any, *, direction: str = "maximize", exploits: Sequence[Any] = (), baseline: Any = None,
                    labels: tuple[str, str] = ("PBT", "fixed hyperparameters"), ax: Any = None) -> Any:
    """Every member's score per round (thin), the population best (thick) and a baseline's best (dashed).

    Parameters
    ----------
    scores : array-like of shape (n_rounds, n_members)
        Finite, or NaN where a member has no score; shape (n_rounds,) is one member.
    direction : {"maximize", "minimize"}
    exploits : sequence of (round, receiver, donor)
        Ints: round in [0, n_rounds), members in [0, n_members).
        Marked by dotted vertical lines between rounds.
    baseline : array-like of shape (n_rounds, m), optional
        Scores of a run with fixed hyperparameters and the same compute.
    labels : (str, str)
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.lines``: one per member, then the best curve, then the baseline's (if given), then
        one dotted line per exploit round. If a score is NaN, ``ax.collections[0]`` holds an x at
        the bottom of the panel per NaN score, in its member's colour (a column of them where
        several diverged in one round), and if every score is NaN a text in the panel says so.
        The legend sits above the Axes.
    """
    info = _score_info(scores, direction, exploits, baseline, "plot_pbt_scores")
    labels = two_labels(labels, "plot_pbt_scores", "the run")
    ax = counting_axes(ax, "plot_pbt_scores")
    for i in range(info.members.shape[1]):
        ax.plot(info.rounds, info.members[:, i], color=f"C{i % 10}", lw=0.8, alpha=0.5)
    ax.plot(info.rounds, info.best, color="black", lw=2.2, label=f"{labels[0]}: best member")
    if info.baseline_best is not None:
        # Grey, not a C-colour: those name the members (the same colours as their schedules).
        ax.plot(info.rounds, info.baseline_best, color="0.5", lw=2.2, ls="--", label=f"{labels[1]}: best member")
    for k, r in enumerate(info.exploit_rounds):
        ax.axvline(r + 0.5, color="0.6", lw=0.8, ls=":", zorder=0, label=None if k else "exploit and explore")
    _mark_diverged(ax, info)
    ax.set_xlabel("round")
    ax.set_ylabel(f"validation score ({Direction(direction).word} is better)")
    # Above the Axes: the members' lines fill the panel, and "best" would still cover some.
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2, frameon=False)
    return ax


#: The legend entry of a NaN score's mark, in the score and lineage panels.
DIVERGED_LABEL = "score NaN (diverged)"


def _mark_diverged(ax: Any, info: ScoreInfo) -> None:
    """An x at the bottom of the score panel for each NaN score (a NaN has no height: its member's
    line just stops), stacked by member so several in one round stay countable; a text in the
    panel when every score is NaN, which would otherwise leave it empty without a word."""
    if not len(info.diverged):
        return
    n_members = info.members.shape[1]
    step = min(0.015, 0.2 / max(n_members - 1, 1))  # a column of at most a fifth of the panel
    members = info.diverged[:, 1].astype(int)
    # x in rounds, y in axes fractions: at the bottom whatever the score axis's limits.
    ax.scatter(info.diverged[:, 0], 0.03 + step * members, marker="x", s=22, linewidths=1.2, zorder=3,
               c=[f"C{i % 10}" for i in members], transform=ax.get_xaxis_transform(), label=DIVERGED_LABEL)
    # A mark placed in axes fractions does not widen the x limits: its rounds must, for a round
    # where no member has a score (every round, when all diverged).
    ax.update_datalim(np.column_stack([info.diverged[:, 0], np.zeros(len(members))]), updatey=False)
    ax.autoscale_view()
    if np.isnan(info.members).all():
        ax.set_yticks([])  # no score: ticks would label an axis nothing is on
        ax.text(0.5, 0.5, "Every member's score is NaN (diverged) in every round:\nthere is no score to draw.",
                transform=ax.transAxes, ha="center", va="center")
