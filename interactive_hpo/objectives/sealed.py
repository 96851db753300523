"""The sealed test split: a record of every look at it, and the warning for looking twice.

Shared by :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` and
:class:`~interactive_hpo.objectives.sklearn_incremental.SklearnIncremental`, which both keep a test split
aside for one unbiased estimate at the very end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .._validation import fail, is_int, is_real

__all__ = ["SealedTestLook", "SealedTestSetWarning"]


class SealedTestSetWarning(UserWarning):
    """The sealed test split of an objective (e.g. :class:`~.sklearn_cv.SklearnCV`) was looked at more than once.

    Every look you act on leaks information from the test split into your choices, so its score
    stops being an unbiased estimate of performance on new data and becomes optimistic.
    """


@dataclass(frozen=True)
class SealedTestLook:
    """One look at the sealed test split: which params were scored, and the score seen.

    Attributes
    ----------
    number : int
        1 for the first look, 2 for the second, ...
    params : mapping
        The configuration that was fitted on the whole training split (read-only).
    score : float
        Its score on the sealed test split (greater is better).
    """

    number: int
    params: Mapping[str, Any]
    score: float

    def __post_init__(self) -> None:
        # dict(params) failed with Python's words ("cannot convert dictionary update sequence").
        if not is_int(self.number) or self.number < 1:
            raise fail("number", "SealedTestLook", "an int >= 1 (1 for the first look)", self.number)
        if not isinstance(self.params, Mapping):
            raise fail("params", "SealedTestLook", "a dict of the configuration's values", self.params)
        try:  # NaN is a score (a model that diverged); an int past 1e308 is none
            score = float(self.score) if is_real(self.score) else None
        except OverflowError:
            score = None
        if score is None:
            raise fail("score", "SealedTestLook", "a real number that fits in a float", self.score)
        object.__setattr__(self, "number", int(self.number))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "score", score)

    def __reduce__(self) -> tuple[Any, ...]:
        # A mappingproxy cannot be pickled; an objective with looks must still travel to workers.
        return (SealedTestLook, (self.number, dict(self.params), self.score))
