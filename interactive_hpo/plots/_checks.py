"""The input checks several plot modules share: 1-D arrays of numbers, records and their fields,
a pair of legend labels, axis scales, a direction with the name of its values. Each error names
the argument, the plot the person called (its ``owner``) and the rule (DESIGN.md section 3), where
the plot would otherwise fail deep inside (an AttributeError on a record of another kind, a
KeyError on a row without a column, numpy on a column of another length). The checks only one
module needs stay in its own ``_*_checks`` module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import as_finite, as_list, fail, float_array
from ..direction import Direction

__all__ = ["FIGSIZE_INCHES", "SCALES", "check_figsize", "first_bad", "is_sequence", "keys", "record_fields",
           "records", "two_labels", "value_label", "vector"]

#: How a parameter's axis is drawn (``AxisLevels.scale``, ``PBTResult.scales``).
SCALES = ("linear", "log", "categorical")


#: The smallest and largest side, in inches, of a figure a plot function makes at a person's
#: ``figsize``. Below an inch (80 pixels at the exports' 80 dpi) no axes can be read, and 0.01
#: wrote no image at all ("cannot write empty image"). 50 inches at 80 dpi are 4,000 pixels, more
#: than a 4K screen's 3,840: enough for any slide, where 100 x 100 took 8.5 s and 380 MB for each
#: frame, and (1e6, 1e6) was matplotlib's "Image size ... is too large" (past 2^23 pixels a side).
FIGSIZE_INCHES = (1.0, 50.0)


def check_figsize(value: Any, owner: str, dpi: float) -> tuple[float, float]:
    """``value``, argument ``figsize`` of ``owner``, as (width, height) in inches, each within
    :data:`FIGSIZE_INCHES` (a list, tuple or array of two numbers), for a figure of ``dpi`` dots
    per inch (which the refusal's hint counts in pixels)."""
    low, high = FIGSIZE_INCHES
    size = as_list(value) if is_sequence(value) else ()
    numbers = [as_finite(side) for side in size]
    if len(numbers) != 2 or not all(side is not None and low <= side <= high for side in numbers):
        raise fail("figsize", owner, f"(width, height) in inches, two numbers in [{low:g}, {high:g}]", value,
                   hint=f"At {dpi:g} dots per inch that is {low * dpi:,.0f} to {high * dpi:,.0f} pixels a side.")
    return numbers[0], numbers[1]  # type: ignore[return-value]  # both checked not None


def vector(value: Any, name: str, owner: str, length: int | None = None, like: str = "",
           positive: bool = False) -> np.ndarray:
    """``value`` (argument ``name`` of ``owner``) as a float array of shape (n,): of ``length``
    (the length of argument ``like``) if given, finite and > 0 if ``positive``."""
    array = float_array(value, name, owner, "an array of numbers")
    if array.ndim != 1:
        raise fail(name, owner, "a 1-D array", f"shape {array.shape}")
    if length is not None and len(array) != length:
        raise fail(name, owner, f"a 1-D array of length {length} (as {like})", f"length {len(array)}")
    if positive:
        first_bad(array, np.isfinite(array) & (array > 0), name, owner, "a finite positive number")
    return array


def first_bad(array: np.ndarray, ok: np.ndarray, name: str, owner: str, rule: str) -> None:
    """Raise naming the first entry of ``array`` (any shape) where ``ok`` (its shape, bool) is False."""
    bad = np.argwhere(~ok)
    if len(bad):
        index = ", ".join(str(int(i)) for i in bad[0])
        raise fail(f"{name}[{index}]", owner, rule, float(array[tuple(bad[0])]))


def is_sequence(value: Any) -> bool:
    """Whether ``value`` holds entries to read one by one: a sequence or an array of one dimension
    or more, not a str or bytes (read letter by letter) nor a 0-d array (which has no len())."""
    if isinstance(value, np.ndarray):
        return value.ndim > 0
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def two_labels(labels: Any, owner: str, first: str) -> tuple[str, str]:
    """``labels``: two str for a legend, the name of ``first`` (say "the run") and the baseline's."""
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != 2 \
            or not all(isinstance(label, str) for label in labels):
        raise fail("labels", owner, f"two str: {first}'s name and the baseline's", labels)
    return labels[0], labels[1]


def value_label(direction: Any, label: Any, owner: str) -> tuple[Direction, str]:
    """The objective's direction and the name of its values ("loss" or "objective" by default),
    checked; errors name ``owner``. For the landscape plots: a landscape stores losses, shown as
    the objective's values (``-loss``) when maximizing."""
    goal = Direction.parse(direction, "direction", owner)
    if label is None:
        return goal, "loss" if goal is Direction.MINIMIZE else "objective"
    if not isinstance(label, str) or not label:
        raise fail("label", owner, "a non-empty str (what the values are, e.g. 'accuracy') or None", label)
    return goal, label


def records(value: Any, name: str, owner: str, rule: str) -> list[Any]:
    """``value`` as a list of records: a sequence (or another iterable, read once), not a str or
    a mapping, which would be read as its letters or its keys. ``rule`` says what it holds."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable) \
            or isinstance(value, np.ndarray) and value.ndim == 0:   # iterable by type, not in fact
        raise fail(name, owner, rule, value)
    return list(value)


def record_fields(record: Any, fields: tuple[str, ...], name: str, owner: str, rule: str) -> tuple[Any, ...]:
    """The attributes ``fields`` of ``record`` (argument ``name`` of ``owner``), in order. A record
    of another kind (``rule`` names the right one: "a Curve") is refused here, naming what it lacks,
    not by an AttributeError while drawing."""
    missing = [field for field in fields if not hasattr(record, field)]
    if missing:
        raise fail(name, owner, f"{rule} (with {', '.join(fields)})", record,
                   hint=f"It has no {', '.join(missing)}." if len(missing) < len(fields) else None)
    return tuple(getattr(record, field) for field in fields)


def keys(record: Any, needed: Sequence[str], name: str, owner: str, rule: str) -> Mapping[str, Any]:
    """``record`` (argument ``name`` of ``owner``) if it is a mapping with every key of ``needed``;
    ``rule`` says what it is ("a row of rung_table()")."""
    missing = [key for key in needed if not isinstance(record, Mapping) or key not in record]
    if missing:
        raise fail(name, owner, f"{rule} with the keys {list(needed)}", record,
                   hint=f"Missing: {missing}." if isinstance(record, Mapping) else None)
    return record
