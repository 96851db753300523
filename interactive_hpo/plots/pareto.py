"""Several objectives: the record the Pareto plots draw (:func:`pareto_info`): the front with the
region it dominates, and hypervolume over trials.

As in :mod:`.history`, a plain record comes first (:func:`pareto_info`, which tests target) and
the drawing second (:mod:`.pareto_plots`). The record takes arrays, not a study: each trial's objective values in the
user's directions (a row of NaN for a trial without values), whether it met its constraints and,
for a multi-fidelity study, whether it ran at the full budget: a scheduler's lower rungs measure a
cheaper, biased objective, so they are drawn apart and never join the front or add hypervolume
(``Study.best_trials`` counts the same way). Everything is computed by :mod:`interactive_hpo.pareto`
on losses and shown in objective units, so an accuracy axis reads as accuracy, higher is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_bool, fail, float_array, warn_user
from ..direction import Direction
from ..hypervolume import GrowingHistory
from ..pareto import hypervolume_history, pareto_mask, reference_point
from ..views import KeepsReadOnly, read_only
from ._checks import is_sequence
from .pareto_note import unreached_reference

__all__ = ["LOWER_BUDGET", "ParetoInfo", "pareto_info"]

#: The legend's name for a multi-fidelity study's lower-budget trials, drawn hollow and never counted.
LOWER_BUDGET = "lower budget (not counted)"


@dataclass(frozen=True, eq=False)
class ParetoInfo(KeepsReadOnly):
    """What the Pareto plots draw, as arrays (read-only), for n trials and m objectives.

    Attributes
    ----------
    values : ndarray of shape (n, m)
        Objective values in the user's directions; rows of NaN for trials without values.
    directions : tuple of str
        "minimize" or "maximize", one per objective.
    names : tuple of str
        Objective names, for axis labels.
    complete : ndarray of bool, shape (n,)
        Trials with values.
    feasible : ndarray of bool, shape (n,)
        Complete trials that met their constraints.
    unknown : ndarray of bool, shape (n,)
        Complete trials of unknown feasibility (no constraint values in a study that has some):
        not counted, and drawn apart from the infeasible ones.
    full : ndarray of bool, shape (n,)
        Trials at the full budget (all, unless a multi-fidelity study's lower rungs were marked).
    counted : ndarray of bool, shape (n,)
        Feasible trials at the full budget: only these can be on the front, add hypervolume or
        set an inferred reference.
    front : ndarray of bool, shape (n,)
        Counted trials no other counted trial dominates (the Pareto set).
    reference : ndarray of shape (m,)
        The worst corner of the measured region, in objective units (NaN while no trial is
        feasible and none was given).
    staircase : ndarray of shape (2k + 1, 2)
        Two objectives: the boundary of the dominated region through the k distinct front
        points strictly inside the reference box (from the reference's level in the second
        objective to its level in the first); shape (0, 2) with more objectives or no such point.
    dominated : ndarray of shape (2k + 2, 2)
        The staircase closed at the reference point: the polygon whose area is the hypervolume.
    hypervolume : ndarray of shape (n,)
        The hypervolume of the counted trials among the first 1, 2, ..., n.
    note : str
        Why the hypervolume is 0 when counted trials exist but none dominates the reference
        (:func:`~.pareto_note.unreached_reference`: a reference given past every trial in some
        objective, or a maximized objective's given as a loss); "" otherwise.
    """

    values: np.ndarray
    directions: tuple[str, ...]
    names: tuple[str, ...]
    complete: np.ndarray
    feasible: np.ndarray
    unknown: np.ndarray
    full: np.ndarray
    counted: np.ndarray
    front: np.ndarray
    reference: np.ndarray
    staircase: np.ndarray
    dominated: np.ndarray
    hypervolume: np.ndarray
    note: str = ""

    @property
    def final_hypervolume(self) -> float:
        """The hypervolume after the last trial (0.0 without trials)."""
        return float(self.hypervolume[-1]) if len(self.hypervolume) else 0.0


def pareto_info(values: Any, directions: Sequence[str], feasible: Any = None, reference: Any = None,
                names: Sequence[str] | None = None, full: Any = None, unknown: Any = None, *,
                warn: bool = True, measure: GrowingHistory | None = None) -> ParetoInfo:
    """The layers of the Pareto plots, computed from objective values.

    Parameters
    ----------
    values : array-like of shape (n, m)
        Each trial's objective values in the user's directions (m >= 2), in trial order; a row
        of NaN for a trial without values (failed, running).
    directions : sequence of str
        m entries, "minimize" or "maximize".
    feasible : array-like of bool, shape (n,), optional
        Whether each trial met its constraints; default all. Infeasible trials are drawn, but
        neither join the front nor add hypervolume.
    reference : array-like of shape (m,), optional
        The reference point in objective units (for an accuracy to maximize, the lowest
        accuracy that still counts). NaN entries, or None, are inferred from the counted
        (feasible, full-budget) trials by :func:`interactive_hpo.pareto.reference_point` (the front's nadir plus 10 %
        of its range). An inferred reference moves with the front: give the same one to every
        run you compare.
    names : sequence of str, optional
        m objective names; default "objective 0", "objective 1", ...
    full : array-like of bool, shape (n,), optional
        Whether each trial ran at the full budget (a multi-fidelity study's:
        ``[interactive_hpo.study.results.at_full_budget(t, study.full_budget) for t in
        study.trials]``); default all. Lower-budget trials are drawn (hollow, "lower budget"),
        but neither join the front, add hypervolume nor set an inferred reference, as
        ``Study.best_trials`` does not count them. Rows keep their positions (trial numbers).
    unknown : array-like of bool, shape (n,), optional
        Whether each trial's feasibility is unknown (``interactive_hpo.goals.unknown_feasibility_mask``
        of a study's trials: no constraint values where the others have some); default none. Such
        trials are not feasible here (give ``feasible`` False for them, as ``feasible_mask`` does)
        and are drawn as "feasibility unknown", not "infeasible".
    warn : bool, default True
        Warn (UserWarning) when counted trials exist but none dominates the reference, so the
        hypervolume is 0 (the warning names the objectives and what would count; ``note`` holds
        it either way). No trial counted yet: no warning. The Lab passes False and shows the note
        in place.
    measure : :class:`interactive_hpo.hypervolume.GrowingHistory`, optional
        Kept by a caller that measures the same trials again as they grow (a view redrawn after
        each trial): the hypervolume curve then costs only the new trials. Default: measured
        from the first trial.

    Returns
    -------
    ParetoInfo

    Examples
    --------
    >>> info = pareto_info([[0.9, 50], [0.95, 80], [0.85, 90], [float("nan")] * 2],
    ...                    ["maximize", "minimize"], reference=[0.8, 100])
    >>> info.front.tolist(), round(info.final_hypervolume, 6)   # 0.1 x 50 + 0.05 x 20
    ([True, True, False, False], 6.0)
    >>> info.staircase.tolist()   # down the reference's edge, along the front, to the reference
    [[0.95, 100.0], [0.95, 80.0], [0.9, 80.0], [0.9, 50.0], [0.8, 50.0]]
    >>> cheap = pareto_info([[0.9, 50], [0.99, 10]], ["maximize", "minimize"], reference=[0.8, 100],
    ...                     full=[True, False])    # trial 1 ran at a lower budget: drawn, not counted
    >>> cheap.front.tolist(), round(cheap.final_hypervolume, 6)
    ([True, False], 5.0)
    """
    owner = "pareto_info"
    warn = check_bool(warn, "warn", owner)
    if measure is not None and not isinstance(measure, GrowingHistory):
        raise fail("measure", owner, "a GrowingHistory kept between calls, or None", measure)
    array = _values(values, owner)
    n, m = array.shape
    if not _sequence_of(directions, m):
        raise fail("directions", owner, f"{m} directions, one per column of values", directions)
    parsed = tuple(Direction.parse(d, f"directions[{i}]", owner) for i, d in enumerate(directions))
    if names is not None and not (_sequence_of(names, m) and all(isinstance(label, str) for label in names)):
        raise fail("names", owner, f"{m} str names, one per objective", names)
    labels = tuple(f"objective {i}" for i in range(m)) if names is None else tuple(names)
    complete = np.isfinite(array).all(axis=1)
    met = np.ones(n, dtype=bool) if feasible is None else _mask(feasible, n, "feasible", owner)
    at_full = np.ones(n, dtype=bool) if full is None else _mask(full, n, "full", owner)
    unmeasured = np.zeros(n, dtype=bool) if unknown is None else _mask(unknown, n, "unknown", owner)
    usable = complete & met & at_full
    losses = _convert(parsed, array, Direction.to_loss)  # NaN rows kept
    front = np.zeros(n, dtype=bool)
    front[usable] = pareto_mask(losses[usable])
    given = np.full(m, np.nan) if reference is None else _reference(reference, m, owner)
    given_loss = _convert(parsed, given, Direction.to_loss)[0]
    if usable.any() or not np.isnan(given).any():
        ref_loss = reference_point(losses[usable], bounds=given_loss)
        history = (hypervolume_history if measure is None else measure)(np.where(usable[:, None], losses, np.nan),
                                                                          ref_loss)
    else:  # nothing to measure yet
        ref_loss, history = given_loss, np.zeros(n)
    staircase = _convert(parsed, _staircase(losses[front], ref_loss), Direction.to_value) if m == 2 \
        else np.empty((0, 2))
    corner = _convert(parsed, ref_loss, Direction.to_value)
    closed = np.vstack([staircase, corner]) if len(staircase) else np.empty((0, 2))
    # An inferred reference lies beyond the front, so only a given one can leave the note.
    # "feasible trial" only where feasibility was measured: given no mask, every trial counts.
    note = unreached_reference(array, parsed, usable, corner[0], labels, not at_full.all(),
                               constrained=feasible is not None or unknown is not None) \
        if np.isfinite(corner).all() else ""
    if note and warn:
        warn_user(f"{owner}: {note}", UserWarning)
    return ParetoInfo(values=read_only(array), directions=tuple(d.value for d in parsed), names=labels,
                      complete=read_only(complete, bool), feasible=read_only(complete & met, bool),
                      unknown=read_only(complete & ~met & unmeasured, bool),
                      full=read_only(at_full, bool), counted=read_only(usable, bool), front=read_only(front, bool),
                      reference=read_only(corner[0]), staircase=read_only(staircase), dominated=read_only(closed),
                      hypervolume=read_only(history), note=note)


def _convert(directions: tuple[Direction, ...], points: Any, method: Any) -> np.ndarray:
    """``method`` (``Direction.to_loss`` or ``to_value``) applied to each column of ``points``
    of shape (k, m) or (m,): shape (k, m)."""
    array = np.asarray(points, dtype=float).reshape(-1, len(directions))
    return np.column_stack([method(d, array[:, j]) for j, d in enumerate(directions)])


def _sequence_of(value: Any, m: int) -> bool:
    """Whether ``value`` is a sequence (not a str, which would be read letter by letter) of ``m`` entries."""
    return is_sequence(value) and len(value) == m


def _values(values: Any, owner: str) -> np.ndarray:
    rule = "a 2-D array of shape (n, m), m >= 2 objectives, each row finite or all NaN"
    array = float_array(values, "values", owner, rule).copy()  # an int past a float's range too
    if array.ndim == 1 and array.size == 0:
        array = array.reshape(0, 2)
    if array.ndim != 2 or array.shape[1] < 2:
        raise fail("values", owner, rule, values, hint=f"Its shape is {array.shape}.")
    allowed = np.isfinite(array).all(axis=1) | np.isnan(array).all(axis=1)
    if not allowed.all():
        row = int(np.argmin(allowed))
        raise fail("values", owner, rule, values, hint=f"Row {row} is {array[row].tolist()}.")
    return array


def _mask(mask: Any, n: int, name: str, owner: str) -> np.ndarray:
    array = np.asarray(mask)
    if array.shape != (n,) or array.dtype != bool:
        raise fail(name, owner, f"None or {n} booleans, one per row of values", mask)
    return array


def _reference(reference: Any, m: int, owner: str) -> np.ndarray:
    rule = f"None or {m} numbers in objective units (NaN: inferred)"
    array = float_array(reference, "reference", owner, rule).copy()
    if array.shape != (m,) or np.isinf(array).any():
        raise fail("reference", owner, rule, reference)
    return array


def _staircase(front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The dominated region's boundary in losses (both minimized): shape (2k + 1, 2) for the k
    distinct front points strictly inside the reference box, (0, 2) when there are none.

    From (first point's loss 0, reference's loss 1) to each front point in turn (sorted by loss
    0, so loss 1 falls) and across to the next one's loss 0, ending at (reference's loss 0, last
    point's loss 1).
    """
    inside = front[(front < reference).all(axis=1)]
    if not len(inside):
        return np.empty((0, 2))
    inside = np.unique(inside, axis=0)  # sorted by loss 0; copies of a point drawn once
    corners = np.column_stack([np.append(inside[1:, 0], reference[0]), inside[:, 1]])
    steps = np.empty((2 * len(inside), 2))
    steps[0::2], steps[1::2] = inside, corners
    return np.vstack([[inside[0, 0], reference[1]], steps])
