"""What the PBT plots check where a person hands them arrays: score and schedule tables, exploits,
sizes, a member to highlight. Each error names the plot the person called and the argument
(DESIGN.md section 3), not numpy deep inside (an IndexError for a member out of range, a
reshape error for a baseline of other rounds)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_int, fail, float_array
from ._checks import SCALES, record_fields

__all__ = ["check_exploits", "check_member", "check_result", "check_schedule", "check_scores"]


def _shape(array: np.ndarray, name: str, owner: str, rule: str, rounds: int | None) -> None:
    if array.ndim != 2 or (rounds is not None and array.shape[0] != rounds):
        raise fail(name, owner, rule, f"an array of shape {array.shape}")


def check_scores(scores: Any, name: str, owner: str, rounds: int | None = None,
                 members: int | None = None) -> np.ndarray:
    """``scores`` as shape (n_rounds, n_members) (``rounds`` and ``members`` when given); a 1-D
    array is one member's scores. Finite, or NaN for a member without a score."""
    shape = f"({'n_rounds' if rounds is None else rounds}, {'n_members' if members is None else members})"
    rule = f"an array of shape {shape} of scores (finite, or NaN where a member has none)"
    array = float_array(scores, name, owner, rule)
    array = array.reshape(-1, 1) if array.ndim == 1 else array
    _shape(array, name, owner, rule, rounds)
    if members is not None and array.shape[1] != members:
        raise fail(name, owner, rule, f"an array of shape {array.shape}")
    if np.isinf(array).any():
        row, column = np.argwhere(np.isinf(array))[0]
        raise fail(name, owner, rule, float(array[row, column]), hint=f"At round {row}, member {column}.")
    return array


def check_schedule(schedule: Any, scale: Any, choices: Any, owner: str) -> tuple[np.ndarray, str, list | None]:
    """(values of shape (n_rounds, n_members), scale, the categories or None) of one schedule.

    Numbers may be NaN where the parameter was inactive; on a log axis the others must be > 0,
    which a log axis could not place (it would drop them unseen). A categorical's values must be
    among ``choices`` (None, where inactive, may be left out of them).
    """
    if scale not in SCALES:
        raise fail("scale", owner, f"one of {list(SCALES)}", scale)
    categorical = scale == "categorical"
    rule = "an array of shape (n_rounds, n_members)" + ("" if categorical else ": numbers, NaN where inactive")
    try:
        array = np.asarray(schedule, dtype=object if categorical else float)
    except (TypeError, ValueError):
        raise fail("schedule", owner, rule, schedule) from None
    _shape(array, "schedule", owner, rule, None)
    if not categorical:
        bad = np.isinf(array) | (array <= 0 if scale == "log" else False)
        if bad.any():
            row, column = np.argwhere(bad)[0]
            rule = "finite numbers > 0 (NaN where inactive) on a log axis" if scale == "log" else rule
            raise fail("schedule", owner, rule, float(array[row, column]), hint=f"At round {row}, member {column}.")
        return array, scale, None
    if choices is None:
        return array, scale, [v for v in dict.fromkeys(array.ravel().tolist()) if v is not None]
    if isinstance(choices, str) or not isinstance(choices, (Sequence, np.ndarray)):
        raise fail("choices", owner, "None or a sequence of the categories, in axis order", choices)
    levels = list(choices)
    for (row, column), value in np.ndenumerate(array):
        if value not in levels and value is not None:
            raise fail("schedule", owner, f"values among choices={levels!r}", value,
                       hint=f"At round {row}, member {column}.")
    return array, scale, levels


def check_exploits(exploits: Any, n_rounds: int, n_members: int, owner: str) -> list[tuple[int, int, int]]:
    """``exploits`` as (round, receiver, donor) int triples: round in [0, n_rounds), members in [0, n_members)."""
    rule = (f"a sequence of (round, receiver, donor): ints, round in [0, {n_rounds}), "
            f"members in [0, {n_members})")
    if isinstance(exploits, (str, bytes)) or not isinstance(exploits, (Sequence, np.ndarray)):
        raise fail("exploits", owner, rule, exploits)
    parsed = []
    for k, exploit in enumerate(exploits):
        ok = isinstance(exploit, (Sequence, np.ndarray)) and not isinstance(exploit, str) and len(exploit) == 3 \
            and all(isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) for v in exploit)
        ok = ok and 0 <= exploit[0] < n_rounds and all(0 <= v < n_members for v in exploit[1:])
        if not ok:
            raise fail(f"exploits[{k}]", owner, rule, exploit)
        parsed.append((int(exploit[0]), int(exploit[1]), int(exploit[2])))
    return parsed


def check_member(member: Any, name: str, owner: str, n_members: int) -> int | None:
    """None, or a member index in [0, n_members)."""
    return None if member is None else check_int(member, name, owner, 0, n_members - 1)


RESULT_FIELDS = ("scores", "schedules", "scales", "exploits", "direction", "best_member")


def check_result(result: Any, owner: str, name: str = "result") -> np.ndarray:
    """The scores, shape (n_rounds, n_members), of ``result``: a run's record with every field
    of :data:`RESULT_FIELDS` (a ``PBTResult``), its schedules a mapping."""
    scores, schedules = record_fields(result, RESULT_FIELDS, name, owner, "a run's record (a PBTResult)")[:2]
    if not isinstance(schedules, Mapping):
        raise fail(f"{name}.schedules", owner, "a mapping from a parameter's name to its schedule", schedules)
    return check_scores(scores, f"{name}.scores", owner)
