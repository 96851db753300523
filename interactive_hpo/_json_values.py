"""Which user values a journal stores faithfully: the JSON checks of a trial's ``user_attrs``.

A trial's details (``Study.tell(user_attrs=...)``, an :class:`~interactive_hpo.trial.Evaluation`'s,
an Optuna trial's) are kept only if the journal reads back the same: :func:`check_json` refuses
what JSON cannot hold or would change (a non-str dict key, NaN), and :func:`check_attrs` first
turns NumPy numbers and arrays into the Python numbers and lists JSON holds (non-finite floats into
None) and refuses a container that holds itself. ``check_attrs`` is also importable from
:mod:`interactive_hpo.trial`, its home before 2026-12-07.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._validation import fail, shown

__all__ = ["check_attrs", "check_json"]


def check_json(value: Any, name: str, owner: str, given: Any = None) -> Any:
    """Return ``value`` if the journal can store it and read back the same: it survives
    ``json.dumps`` without NaN, and every dict key is a str (JSON would turn ``1`` into ``"1"``).
    An error shows ``given`` (what the person typed, before conversion) if not None."""
    given = value if given is None else given
    rule = "JSON-serializable (str, numbers, bool, None, lists, dicts with str keys)"
    key = _non_str_key(value)
    if key is not None:
        raise fail(name, owner, rule, given, hint=f"The key {shown(key)} is not a str; a journal would "
                                                  f"read it back as {json.dumps(str(key))}.")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, OverflowError) as error:
        raise fail(name, owner, rule, given, hint=str(error)) from error
    return value


def _non_str_key(value: Any) -> Any:
    """The first dict key in ``value`` (searched recursively) that is not a str, or None."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return key
            inner = _non_str_key(item)
            if inner is not None:
                return inner
    elif isinstance(value, (list, tuple)):
        for item in value:
            inner = _non_str_key(item)
            if inner is not None:
                return inner
    return None


def check_attrs(user_attrs: Any, owner: str) -> dict[str, Any]:
    """``user_attrs`` as a new dict, if it is None or a mapping the journal stores faithfully.

    NumPy scalars and arrays (what ``cross_val_score`` or a metric returns) become the Python
    numbers and nested lists JSON holds, as the journal would read them back. JSON has no NaN
    or infinity: a non-finite float (a diverged fold's score) is kept as None, as
    ``JSON.stringify`` and ``pandas.DataFrame.to_json`` write it, so that the trial and its
    other details are kept rather than refused for one diagnostic.
    """
    if user_attrs is None:
        return {}
    if not isinstance(user_attrs, Mapping):
        raise fail("user_attrs", owner, "a dict of JSON values with str keys, or None", user_attrs)
    try:
        plain = _plain(dict(user_attrs), ())
    except (_ContainsItself, RecursionError) as error:  # recursion: nested past Python's limit
        what = "a list or dict that contains itself" if isinstance(error, _ContainsItself) else \
            "values nested too deep to follow"
        raise fail("user_attrs", owner, "a dict of JSON values with str keys, or None", what) from None
    return check_json(plain, "user_attrs", owner, given=user_attrs)


class _ContainsItself(Exception):
    """A container of ``user_attrs`` inside itself (see :func:`_plain`)."""


def _plain(value: Any, inside: tuple[int, ...]) -> Any:
    """``value`` with NumPy scalars and arrays, at any depth, as Python numbers and lists, and
    non-finite floats as None; ``inside``: the ids of the containers it is in (a container
    inside itself, ``log["parent"] = log``, is refused: it recursed until Python gave up, and a
    run stopped with its trial RUNNING)."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
        if not isinstance(value, list):  # a NumPy scalar: now a Python one, maybe non-finite
            return _plain(value, inside)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in inside:
            raise _ContainsItself
        inside = (*inside, id(value))
    if isinstance(value, Mapping):
        return {key: _plain(item, inside) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, inside) for item in value]
    return value
