"""The sealed test split: a record of every look at it (and of other reads), and the warning for
looking again.

Shared by :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` and
:class:`~interactive_hpo.objectives.sklearn_incremental.SklearnIncremental`, which both keep a test split
aside for one unbiased estimate at the very end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .._validation import fail, is_int, is_real, warn_user

__all__ = ["SealedRecord", "SealedTestLook", "SealedTestSetWarning"]


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


class SealedRecord:
    """Every look at one sealed test split (:class:`SealedTestLook`, oldest first) and every other
    read of it (``reads``: who read what, such as a landscape's test losses), kept by the task
    that seals it and shared with a copy sealing the same rows (``SklearnCV.with_seed`` of the
    same seed): a look through either counts for both."""

    def __init__(self) -> None:
        self.looks: list[SealedTestLook] = []
        self.reads: list[str] = []

    def read(self, reader: Any, owner: str) -> None:
        """Record that ``reader`` (who read what: "build_landscape: the test scores of 25
        configurations") read the split; ``owner`` is named if it is no text."""
        if not isinstance(reader, str) or not reader:
            raise fail("reader", owner, "a non-empty str saying who read what", reader)
        self.reads.append(reader)

    def look(self, params: Mapping[str, Any], score: float, name: str, chosen_by: str) -> None:
        """Record a look at the split of task ``name`` (``params`` scored ``score``); from the
        second look on, and after any read, warn (:class:`SealedTestSetWarning`): a choice made
        on what was seen makes the test score optimistic. ``chosen_by`` names the score that
        should choose instead ("CV", "validation")."""
        self.looks.append(SealedTestLook(number=len(self.looks) + 1, params=params, score=score))
        if len(self.looks) >= 2 or self.reads:
            read = f" after {'; '.join(self.reads)} (in `test_reads`)" if self.reads else ""
            warn_user(f"This is look number {len(self.looks)} at the sealed test split of {name}{read}. Every look "
                      "you act on turns the test split into a validation split, so its score becomes an optimistic "
                      f"estimate of performance on new data. Choose by the {chosen_by} score and open the test split "
                      "once, at the end (all looks are listed in `test_looks`).", SealedTestSetWarning)
