"""The sealed test split: a record of every look at it (and of other reads), and the warning for
looking again.

Shared by :class:`~interactive_hpo.objectives.sklearn_cv.SklearnCV` and
:class:`~interactive_hpo.objectives.sklearn_incremental.SklearnIncremental`, which both keep a test split
aside for one unbiased estimate at the very end. A journaled study that runs an ``SklearnCV`` task
keeps the looks in its journal (a :class:`LookKeeper`, given through ``keep_test_looks``), so a
resumed session counts the looks of earlier ones; ``SklearnIncremental`` has no fingerprint to
journal them under.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from .._validation import fail, is_int, is_real, warn_user
from ..exceptions import StorageError

__all__ = ["LookKeeper", "SealedRecord", "SealedTestLook", "SealedTestSetWarning"]


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


class LookKeeper(Protocol):
    """Where a journaled study keeps the looks at a sealed split (the study's
    ``interactive_hpo.study.sealed_looks.LookKeeper``): each look is ``(id, params, score)``."""

    @property
    def where(self) -> str:
        """The journal's path, for messages."""

    def recorded(self, task: str) -> Sequence[tuple[str, Mapping[str, Any], float]]:
        """The looks journaled at the sealed split of the task whose fingerprint is ``task``, oldest first."""

    def record(self, task: str, look: str, params: Mapping[str, Any], score: float) -> None:
        """Journal one more look at that split."""


class SealedRecord:
    """Every look at one sealed test split (:class:`SealedTestLook`, oldest first) and every other
    read of it (``reads``: who read what, such as a landscape's test losses), kept by the task
    that seals it and shared with a copy sealing the same rows (``SklearnCV.with_seed`` of the
    same seed): a look through either counts for both. Kept with a journaled study
    (:meth:`keep_with`), the looks are journaled too, and those of earlier sessions counted."""

    def __init__(self) -> None:
        self.looks: list[SealedTestLook] = []
        self.reads: list[str] = []
        self._ids: list[str] = []  # each look's id, as journals record it (a look journaled twice is one look)
        self._keeper: LookKeeper | None = None
        self._task = ""  # the task's fingerprint, under which the keeper journals its looks
        self._earlier = 0  # looks taken from a journal: an earlier session's, or another process's
        self._settled: LookKeeper | None = None  # the keeper whose journal holds every look here, as last read

    def __getstate__(self) -> dict[str, Any]:
        # A copy sent to a worker (or deep-copied) keeps the looks, not the study that journals them.
        return {**self.__dict__, "_keeper": None, "_task": "", "_settled": None}

    def kept_with(self, keeper: LookKeeper) -> bool:
        """Whether ``keeper`` (the same study) already keeps every look here: binding again, at each
        ``Study.step`` (a Lab's Step), would only read its journal and hash the task's data again."""
        return self._settled is not None and self._settled == keeper

    def keep_with(self, keeper: LookKeeper, task: str) -> None:
        """Journal every look from now on with ``keeper`` under ``task`` (the task's fingerprint):
        take the looks it journaled that this record lacks (an earlier session's), and journal
        there those it lacks (looks made before, or journaled with another study)."""
        self._keeper, self._task = keeper, task
        self._guarded(self._catch_up)

    def _catch_up(self) -> None:
        keeper = self._keeper
        if keeper is None:
            return
        recorded = keeper.recorded(self._task)
        journaled, known = {look for look, _, _ in recorded}, set(self._ids)
        mine = list(zip(self._ids, self.looks, strict=True))
        new = [(look, params, score) for look, params, score in recorded if look not in known]
        if new:  # theirs first: they were made before this session joined the journal, or meanwhile
            merged = new + [(look, seen.params, seen.score) for look, seen in mine]
            self._ids = [look for look, _, _ in merged]
            self.looks = [SealedTestLook(number, params, score) for number, (_, params, score) in enumerate(merged, 1)]
            self._earlier += len(new)
        for look, seen in mine:
            if look not in journaled:
                keeper.record(self._task, look, seen.params, seen.score)
        self._settled = keeper  # not reached when the journal failed: the next binding tries again

    def _guarded(self, action: Callable[[], None]) -> None:
        """Run a read or write of the keeper's journal; a journal that fails (deleted, unwritable)
        is warned of, and the looks stay counted here (journaled when a study next runs the task)."""
        try:
            action()
        except StorageError as error:
            where = self._keeper.where if self._keeper is not None else "the journal"
            warn_user(f"The looks at this sealed test split could not be kept in {where} ({error}); they are "
                      "still counted here (`test_looks`), and journaled the next time a study with a "
                      "journal runs the task.", RuntimeWarning)

    def read(self, reader: Any, owner: str) -> None:
        """Record that ``reader`` (who read what: "build_landscape: the test scores of 25
        configurations") read the split; ``owner`` is named if it is no text."""
        if not isinstance(reader, str) or not reader:
            raise fail("reader", owner, "a non-empty str saying who read what", reader)
        self.reads.append(reader)

    def look(self, params: Mapping[str, Any], score: float, name: str, chosen_by: str) -> None:
        """Record a look at the split of task ``name`` (``params`` scored ``score``); from the
        second look on (those a journal kept included), and after any read, warn
        (:class:`SealedTestSetWarning`): a choice made on what was seen makes the test score
        optimistic. ``chosen_by`` names the score that should choose instead ("CV", "validation")."""
        self.looks.append(SealedTestLook(number=len(self.looks) + 1, params=params, score=score))
        self._ids.append(uuid.uuid4().hex)
        keeper, self._settled = self._keeper, None  # a look not journaled yet
        self._guarded(self._catch_up)  # journals this look, and counts those another process journaled meanwhile
        if len(self.looks) >= 2 or self.reads:
            read = f" after {'; '.join(self.reads)} (in `test_reads`)" if self.reads else ""
            earlier = ""
            if self._earlier and keeper is not None:
                earlier = (f" ({self._earlier} of them made in an earlier session or another process, as the "
                           f"journal {keeper.where} records)")
            warn_user(f"This is look number {len(self.looks)} at the sealed test split of {name}{earlier}{read}. "
                      "Every look you act on turns the test split into a validation split, so its score becomes an "
                      "optimistic estimate of performance on new data. Choose by the "
                      f"{chosen_by} score and open the test split once, at the end (all looks are listed in "
                      "`test_looks`).", SealedTestSetWarning)
