"""The export's frame for a study of several objectives: the Pareto front of the trials so far,
beside the hypervolume over trials, the newest trial ringed.

:mod:`.export` reads the study and hands this module plain arrays (every trial's objective values,
whether it met its constraints and whether it ran at the full budget), so this module never sees a
Study. A multi-fidelity study's lower-budget trials are drawn hollow and never counted, as in the
Lab's Pareto tab and ``Study.best_trials``. Every frame of one export
is measured from **one reference point**: a reference that moved with the front would re-measure
the earlier trials at each step, and the curve would stop meaning "the front grew" (the Lab's
Pareto panel keeps its reference fixed for the same reason, :mod:`interactive_hpo.ui.pareto_panel`).
The axes' limits are those of the whole study, so the frames of an animation do not jump.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..hypervolume import GrowingHistory
from .pareto import ParetoInfo, pareto_info
from .pareto_plots import plot_hypervolume, plot_pareto_front

__all__ = ["draw_front_step"]

#: The ring around the newest trial (the Lab's Pareto panel rings a selected trial the same way).
NEWEST = {"s": 260, "facecolor": "none", "edgecolor": "C2", "linewidth": 2.4, "zorder": 6}


def draw_front_step(fig: Any, values: Any, feasible: Any, directions: Sequence[str], names: Sequence[str],
                    reference: Any, step: int, pair: tuple[int, int] = (0, 1), full: Any = None,
                    unknown: Any = None, measure: GrowingHistory | None = None) -> ParetoInfo:
    """Draw step ``step`` into the (cleared) figure ``fig``: trials ``0..step`` as a Pareto front
    (left) and their hypervolume over trials (right), trial ``step`` ringed in both.

    Parameters
    ----------
    fig : matplotlib Figure
    values : array-like of shape (n, m)
        Every trial's objective values in the user's directions, in trial order (rows of NaN for
        trials without values); the frame shows the first ``step + 1`` rows, and all n set the
        axes' limits.
    feasible : array-like of bool, shape (n,)
        Whether each trial met its constraints.
    directions, names : sequences of m str
        Each objective's "minimize" / "maximize", and its name.
    reference : array-like of shape (m,)
        The reference point in objective units, the same for every step (NaN entries: inferred
        from the trials so far, as :func:`~interactive_hpo.plots.pareto.pareto_info` does).
    step : int
        The newest trial's number, in [0, n).
    pair : (int, int)
        The two objectives on the front's axes (with m > 2 the ringed black circles are the
        Pareto set over all m objectives); the hypervolume is always over all m.
    full : array-like of bool, shape (n,), optional
        Whether each trial ran at the full budget (default all): the others are drawn, but
        neither join the front nor add hypervolume (see :func:`~interactive_hpo.plots.pareto.pareto_info`).
    unknown : array-like of bool, shape (n,), optional
        Whether each trial's feasibility is unknown (drawn as such, not as infeasible; default none).
    measure : :class:`interactive_hpo.hypervolume.GrowingHistory`, optional
        Kept from frame to frame by a caller drawing every step: the whole run's hypervolume is
        then measured once and each frame reads its part off.

    Returns
    -------
    ParetoInfo
        Of trials ``0..step`` over all m objectives: its ``hypervolume[-1]`` and ``front`` are the
        frame's.
    """
    fig.clf()
    array = np.asarray(values, dtype=float)
    met = np.asarray(feasible, dtype=bool)
    at_full = np.ones(len(array), dtype=bool) if full is None else np.asarray(full, dtype=bool)
    point = np.asarray(reference, dtype=float)
    unmeasured = np.zeros(len(array), dtype=bool) if unknown is None else np.asarray(unknown, dtype=bool)
    shown, met_shown, full_shown = array[:step + 1], met[:step + 1], at_full[:step + 1]
    i, j = pair
    # Not warned: an early frame's trials may not reach the reference yet; the Pareto tab says why it is 0.
    volume = pareto_info(shown, directions, met_shown, reference=point, names=names, full=full_shown,
                         unknown=unmeasured[:step + 1], warn=False, measure=measure)
    front = volume if len(directions) == 2 else \
        pareto_info(shown[:, [i, j]], [directions[i], directions[j]], met_shown, reference=point[[i, j]],
                    names=[names[i], names[j]], full=full_shown, unknown=unmeasured[:step + 1], warn=False)
    front_ax, volume_ax = fig.subplots(1, 2)
    if not front.complete.any():  # nothing to plot yet (and no empty legend to warn about)
        front_ax.text(0.5, 0.5, "no completed trials yet", ha="center", va="center", transform=front_ax.transAxes,
                      color="0.4")
    else:
        plot_pareto_front(front, front_ax, n_objectives=len(directions))
    if len(directions) > 2 and volume.front.any():
        front_ax.scatter(*shown[volume.front][:, [i, j]].T, s=140, facecolor="none", edgecolor="black",
                         linewidth=1.2, zorder=5, label=f"Pareto set, all {len(directions)} objectives")
    if np.isfinite(shown[step]).all():
        front_ax.scatter(*shown[step, [i, j]], **NEWEST, label=f"trial {step} (newest)")
    _hold_limits(front_ax, array[:, [i, j]], point[[i, j]])
    if front_ax.get_legend_handles_labels()[0]:
        front_ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize="small")
    plot_hypervolume(volume, volume_ax)
    volume_ax.get_legend().remove()  # one curve, named by its y label: the room goes to the front
    volume_ax.scatter([step + 1], [volume.hypervolume[step]], **{**NEWEST, "s": 90})
    # The whole study's final hypervolume tops the axis: the curve climbs into a fixed frame.
    top = pareto_info(array, directions, met, reference=volume.reference, full=at_full, warn=False,
                      measure=measure).final_hypervolume
    volume_ax.set(xlim=(0.5, len(array) + 0.5), ylim=(0.0, 1.05 * top if top > 0 else 1.0))
    volume_ax.set_title(_reference_title(volume.reference, bool(at_full[:step + 1].all())), fontsize="small")
    return volume


def _reference_title(reference: np.ndarray, all_full: bool) -> str:
    """The hypervolume axis' title: the ``reference`` point of shape (m,), or, when it is not
    finite (nothing counted to infer it from), why there is none ("from the reference (nan, nan)"
    read as a number the frames were measured from)."""
    if np.isfinite(reference).all():
        return f"from the reference ({', '.join(f'{v:.3g}' for v in reference)})"
    return "no reference yet: no feasible trial" + ("" if all_full else " at the full budget")


def _hold_limits(ax: Any, values: np.ndarray, reference: np.ndarray) -> None:
    """Set ``ax``'s limits to hold every row of ``values`` (shape (n, 2), NaN rows ignored) and the
    ``reference`` (shape (2,)), plus 5 %: the same limits in every frame of a study."""
    rows = values[np.isfinite(values).all(axis=1)]
    points = np.vstack([rows, reference[None, :]]) if np.isfinite(reference).all() else rows
    if not len(points):
        return
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.05 * np.where(high > low, high - low, np.maximum(np.abs(high), 1.0))
    ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
    ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
