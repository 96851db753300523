"""What the PBT plots check where a person hands them arrays: score and schedule tables, exploits,
sizes, a member to highlight, a whole run's record. Each error names the plot the person called
and the argument (DESIGN.md section 3), not numpy deep inside (an IndexError for a member out of
range, a reshape error for a baseline of other rounds), nor the panel :func:`plot_pbt` draws with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_int, check_one_of, fail, float_array, is_int
from ..direction import Direction
from ..space import SearchSpace
from ._checks import SCALES, is_sequence, record_fields

__all__ = ["check_exploits", "check_member", "check_result", "check_schedule", "check_scores"]


def _size(rounds: int | None, members: int | None) -> str:
    """A table's shape as a rule states it: "(3, n_members)" where only the rounds are known."""
    return f"({'n_rounds' if rounds is None else rounds}, {'n_members' if members is None else members})"


def _shape(array: np.ndarray, name: str, owner: str, rule: str, rounds: int | None,
           members: int | None = None) -> None:
    """``array`` is 2-D, of ``rounds`` rows and ``members`` columns where these are given."""
    if array.ndim != 2 or rounds not in (None, array.shape[0]) or members not in (None, array.shape[1]):
        raise fail(name, owner, rule, f"an array of shape {array.shape}")


def check_scores(scores: Any, name: str, owner: str, rounds: int | None = None,
                 members: int | None = None) -> np.ndarray:
    """``scores`` as shape (n_rounds, n_members) (``rounds`` and ``members`` when given); a 1-D
    array is one member's scores. Finite, or NaN for a member without a score."""
    rule = f"an array of shape {_size(rounds, members)} of scores (finite, or NaN where a member has none)"
    array = float_array(scores, name, owner, rule)
    array = array.reshape(-1, 1) if array.ndim == 1 else array
    _shape(array, name, owner, rule, rounds, members)
    if np.isinf(array).any():
        row, column = np.argwhere(np.isinf(array))[0]
        raise fail(name, owner, rule, float(array[row, column]), hint=f"At round {row}, member {column}.")
    return array


def check_schedule(schedule: Any, scale: Any, choices: Any, owner: str, *, name: str = "schedule",
                   scale_name: str = "scale",
                   shape: tuple[int, int] | None = None) -> tuple[np.ndarray, str, list | None]:
    """(values of shape (n_rounds, n_members), scale, the categories or None) of one schedule
    (argument ``name`` of ``owner``, its scale ``scale_name``; of ``shape`` if given).

    Numbers may be NaN where the parameter was inactive; on a log axis the others must be > 0,
    which a log axis could not place (it would drop them unseen). A categorical's values must be
    among ``choices`` (None, where inactive, may be left out of them).
    """
    check_one_of(scale, scale_name, owner, SCALES)
    categorical = scale == "categorical"
    rounds, members = shape or (None, None)
    rule = f"an array of shape {_size(rounds, members)}" + ("" if categorical else ": numbers, NaN where inactive")
    try:
        array = np.asarray(schedule, dtype=object if categorical else float)
    except (TypeError, ValueError):
        raise fail(name, owner, rule, schedule) from None
    _shape(array, name, owner, rule, rounds, members)
    if not categorical:
        bad = np.isinf(array) | (array <= 0 if scale == "log" else False)
        if bad.any():
            row, column = np.argwhere(bad)[0]
            rule = "finite numbers > 0 (NaN where inactive) on a log axis" if scale == "log" else rule
            raise fail(name, owner, rule, float(array[row, column]), hint=f"At round {row}, member {column}.")
        return array, scale, None
    if choices is None:
        return array, scale, [v for v in dict.fromkeys(array.ravel().tolist()) if v is not None]
    if not is_sequence(choices):
        raise fail("choices", owner, "None or a sequence of the categories, in axis order", choices)
    levels = list(choices)
    for (row, column), value in np.ndenumerate(array):
        if value not in levels and value is not None:
            raise fail(name, owner, f"values among choices={levels!r}", value,
                       hint=f"At round {row}, member {column}.")
    return array, scale, levels


def check_exploits(exploits: Any, n_rounds: int, n_members: int, owner: str,
                   name: str = "exploits") -> list[tuple[int, int, int]]:
    """``exploits`` (argument ``name``) as (round, receiver, donor) int triples: round in
    [0, n_rounds), members in [0, n_members)."""
    rule = (f"a sequence of (round, receiver, donor): ints, round in [0, {n_rounds}), "
            f"members in [0, {n_members})")
    if not is_sequence(exploits):
        raise fail(name, owner, rule, exploits)
    parsed = []
    for k, exploit in enumerate(exploits):
        ok = is_sequence(exploit) and len(exploit) == 3 and all(map(is_int, exploit))
        ok = ok and 0 <= exploit[0] < n_rounds and all(0 <= v < n_members for v in exploit[1:])
        if not ok:
            raise fail(f"{name}[{k}]", owner, rule, exploit)
        parsed.append((int(exploit[0]), int(exploit[1]), int(exploit[2])))
    return parsed


def check_member(member: Any, name: str, owner: str, n_members: int) -> int | None:
    """None, or a member index in [0, n_members)."""
    return None if member is None else check_int(member, name, owner, 0, n_members - 1)


RESULT_FIELDS = ("scores", "schedules", "scales", "exploits", "direction", "best_member")


def check_result(result: Any, owner: str, name: str = "result") -> tuple[np.ndarray, dict[Any, list | None]]:
    """The scores, shape (n_rounds, n_members), of ``result`` and the categories of each of its
    schedules (None for a number), checking every field of :data:`RESULT_FIELDS` (a
    ``PBTResult``): schedules a mapping of tables of that shape, a scale for each, exploits
    within it, a direction, ``best_member`` in [-1, n_members) (-1: no round yet); and its
    optional ``space`` (a categorical's choices, in axis order), None or holding each schedule."""
    fields = record_fields(result, RESULT_FIELDS, name, owner, "a run's record (a PBTResult)")
    _, schedules, scales, exploits, direction, best_member = fields
    scores = check_scores(fields[0], f"{name}.scores", owner)
    for field, value in (("schedules", schedules), ("scales", scales)):
        if not isinstance(value, Mapping):
            raise fail(f"{name}.{field}", owner, "a mapping from each parameter's name to its " + field[:-1], value)
    space = getattr(result, "space", None)
    if space is not None and not (isinstance(space, SearchSpace) and all(key in space for key in schedules)):
        raise fail(f"{name}.space", owner, "None or the SearchSpace of the run, with every parameter of its "
                   "schedules", space)
    choices = {}
    for key, schedule in schedules.items():
        if key not in scales:
            raise fail(f"{name}.scales", owner, "a mapping with a scale for each schedule", scales,
                       hint=f"Missing: {key!r}.")
        choices[key] = None if space is None else getattr(space[key], "choices", None)
        check_schedule(schedule, scales[key], choices[key], owner, name=f"{name}.schedules[{key!r}]",
                       scale_name=f"{name}.scales[{key!r}]", shape=scores.shape)
    n_rounds, n_members = scores.shape
    check_exploits(exploits, n_rounds, n_members, owner, f"{name}.exploits")
    Direction.parse(direction, f"{name}.direction", owner)
    check_int(best_member, f"{name}.best_member", owner, -1, scores.shape[1] - 1)
    return scores, choices
