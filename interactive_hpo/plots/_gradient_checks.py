"""What the hypergradient plots check where a person hands them data (beyond the 1-D arrays of
:mod:`._checks`): positive values where an axis is logarithmic, whole counts, increasing steps,
labelled curves. Each error names the entry, the plot called and the rule (DESIGN.md section 3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import fail
from ._checks import first_bad, vector

__all__ = ["counts", "increasing", "labelled_curves", "log_values"]


def log_values(array: np.ndarray, name: str, owner: str) -> None:
    """Values for a log y axis (which drops those <= 0 or infinite unseen): > 0 and finite, or NaN."""
    first_bad(array, np.isnan(array) | (np.isfinite(array) & (array > 0)), name, owner,
               "a finite number > 0 (the y axis is logarithmic), or NaN where not measured")


def counts(array: np.ndarray, name: str, owner: str, low: int) -> np.ndarray:
    """``array`` as ints, checking every entry is a whole number >= ``low``."""
    first_bad(array, np.isfinite(array) & (array >= low) & (array == np.round(array)), name, owner,
               f"an int in [{low}, inf)")
    return array.astype(int)


def increasing(array: np.ndarray, name: str, owner: str) -> np.ndarray:
    """``array`` if each entry is greater than the one before (else a line would double back)."""
    for i in np.flatnonzero(np.diff(array) <= 0)[:1]:
        raise fail(f"{name}[{i + 1}]", owner, f"greater than {name}[{i}]={array[i].item()!r}", array[i + 1].item())
    return array


def labelled_curves(value: Any, name: str, owner: str, length: int | None, like: str,
                    empty: bool = False) -> dict[str, np.ndarray]:
    """A mapping label -> 1-D array of ``length`` (None: any length), with its labels as str
    (distinct as text: 1 and "1" would be two lines under one legend entry)."""
    if not isinstance(value, Mapping) or not (value or empty):
        raise fail(name, owner, f"a {'' if empty else 'non-empty '}mapping of label -> array", value)
    labels = [str(k) for k in value]
    if len(set(labels)) < len(labels):
        raise fail(name, owner, "a mapping whose labels read differently as text", list(value))
    return {str(k): vector(v, f"{name}[{k!r}]", owner, length, like) for k, v in value.items()}
