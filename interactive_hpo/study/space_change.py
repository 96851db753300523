"""What changed between the search space a journal holds and the one a study was given.

Reopening a journal over another space is refused (its trials' unit-cube coordinates would
mean other values); the refusal names what differs, parameter by parameter and field by field,
instead of printing both spaces whole. Both sides are :meth:`SearchSpace.to_dict` records, the
journal's as its header holds it, so a hand-edited one is described too, never a crash.

A journal's record is read as the space it describes (:func:`as_written_today`): a condition
written before values were held in their parent's form (``("n", [1, 2.0])`` of an ``Int``) is the
space's ``("n", [1, 2])`` today, and is the same space.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..space import SearchSpace

__all__ = ["as_written_today", "same_record", "space_changes"]


def as_written_today(record: Any) -> Any:
    """A search-space record (``SearchSpace.to_dict()``, perhaps from an older journal) as the
    space it describes writes it now, or the record as it is when it describes none (a
    hand-edited header: :func:`space_changes` then names what differs)."""
    try:
        return SearchSpace.from_dict(record).to_dict()
    except (KeyError, TypeError, ValueError):
        return record


def space_changes(journal: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """One phrase per difference between two search-space records (``SearchSpace.to_dict()``).

    Parameters
    ----------
    journal, given : dict
        The space the journal's header holds, and the one given.

    Returns
    -------
    list of str
        Such as "`degree`: high 5 in the journal, 6 given"; empty when the records are equal.

    Examples
    --------
    >>> from interactive_hpo import Int, SearchSpace
    >>> space_changes(SearchSpace([Int("degree", 2, 5)]).to_dict(), SearchSpace([Int("degree", 2, 6)]).to_dict())
    ['`degree`: high 5 in the journal, 6 given']
    """
    old, new = _by_name(journal), _by_name(given)
    changes = []
    for name, entry in old.items():
        if name not in new:
            changes.append(f"`{name}` is in the journal, not in the space given")
        elif not same_record(entry, new[name]):
            changes.append(f"`{name}`: {_fields_changed(entry, new[name])}")
    changes += [f"`{name}` is new (the journal has no such parameter)" for name in new if name not in old]
    if not changes and list(old) != list(new):  # the same parameters: their order sets the unit cube's axes
        changes.append(f"the parameters are in another order: {list(old)} in the journal, {list(new)} given")
    if not changes and not same_record(journal, given):
        changes.append(f"{dict(journal)} in the journal, {dict(given)} given")
    return changes


def same_record(journal: Any, given: Any) -> bool:
    """Whether two records are equal as the journal writes them: ``1``, ``1.0`` and ``True``
    are three choices there (and in a study's trials), where Python's ``==`` finds them equal."""
    return json.dumps(journal, sort_keys=True, default=repr) == json.dumps(given, sort_keys=True, default=repr)


def _by_name(space: Mapping[str, Any]) -> dict[str, Any]:
    entries = space.get("params")
    if not isinstance(entries, list):
        return {}
    return {str(e.get("name", f"#{i}")) if isinstance(e, Mapping) else f"#{i}": e for i, e in enumerate(entries)}


def _fields_changed(old: Any, new: Any) -> str:
    """The fields of one parameter's record that differ, journal's value then the given one."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return f"{old!r} in the journal, {new!r} given"
    phrases = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key == "type" and old.get(key) != new.get(key):  # the other fields of two types do not compare
            return f"type {old.get(key)!r} in the journal, {new.get(key)!r} given"
        was, now = old.get(key), new.get(key)
        if key in old and key in new and same_record(was, now):
            continue
        reordered = key == "choices" and isinstance(was, list) and isinstance(now, list) and \
            sorted(map(repr, was)) == sorted(map(repr, now))
        shown = [repr(side[key]) if key in side else "none" for side in (old, new)]  # a condition added, say
        phrases.append(f"{'choices in another order,' if reordered else key} {shown[0]} in the journal, "
                       f"{shown[1]} given")
    return "; ".join(phrases)
