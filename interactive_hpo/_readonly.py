"""Records that stay read-only: a read-only array, and a base whose copies stay as frozen.

The views (:mod:`interactive_hpo.views`) and the trial are frozen records of numpy arrays and
mappings; a plot must not be able to change one behind the study, nor a copy (``pickle``, as a
joblib worker sends a trial back, or ``copy.deepcopy``) come back writeable where the original
refuses.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["KeepsReadOnly", "read_only"]


def read_only(array: Any, dtype: Any = float) -> np.ndarray:
    """A read-only copy of ``array``: views and frozen records must not change behind a plot."""
    out = np.array(array, dtype=dtype)
    out.flags.writeable = False
    return out


class KeepsReadOnly:
    """A base for frozen records that ``pickle`` and ``copy.deepcopy`` copy as read-only as they are.

    Their defaults fail on a read-only mapping (``cannot pickle 'mappingproxy' object``), so a
    trial could not come back from a joblib worker nor be deep-copied, and they hand back
    writeable copies of read-only arrays, so a copied snapshot could be edited where the original
    refuses. A record travels as its attributes, mappings as dicts; the copy's attributes that were
    read-only (arrays, mappings and the arrays directly inside them) are made read-only again.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        attributes: dict[str, Any] = {}
        frozen: list[tuple[str, ...]] = []  # (name,) for an attribute, (name, key) for an item of one
        for name, value in vars(self).items():
            if isinstance(value, MappingProxyType):
                frozen += [(name,)] + [(name, key) for key, item in value.items() if _is_read_only(item)]
                value = dict(value)
            elif _is_read_only(value):
                frozen.append((name,))
            attributes[name] = value
        return (_rebuilt, (type(self), attributes, tuple(frozen)))


def _is_read_only(value: Any) -> bool:
    return isinstance(value, np.ndarray) and not value.flags.writeable


def _rebuilt(cls: type, attributes: dict[str, Any], frozen: tuple[tuple[str, ...], ...]) -> Any:
    """The record of class ``cls`` with these ``attributes`` (its ``__init__`` is not run: the
    copy is what the original was, not what its checks would make of it); ``frozen``: the
    attributes, and the items of mappings, to make read-only (in place: they are the copy's own,
    or the original's that are read-only already)."""
    record: Any = object.__new__(cls)
    for path in sorted(frozen, key=len, reverse=True):  # items before the mapping that holds them
        value = attributes[path[0]] if len(path) == 1 else attributes[path[0]][path[1]]
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        else:
            attributes[path[0]] = MappingProxyType(value)
    for name, value in attributes.items():
        object.__setattr__(record, name, value)
    return record
