"""The looks at a task's sealed test split that a journaled study remembers.

A task that seals a test split (``SklearnCV``) counts every look at it (``test_score``) and warns
from the second, but the count lived in the task object: a resumed session started at 0 looks,
and its second look at the same split went unwarned. A journaled study that runs such a task
(``Study.run``, ``Study.step``, ``Study.add_evaluated``) gives it a :class:`LookKeeper`: the task
takes the looks the journal holds for it (``"test_look"`` events of its fingerprint: same data,
split, estimator and scoring) and asks the study to journal each later look. Only the study
writes its journal; the task keeps its looks in memory as before, so one a journal refuses is
still counted (and journaled the next time a study runs the task).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from .._validation import as_finite, fail, is_real

if TYPE_CHECKING:
    from .core import Study

__all__ = ["LookKeeper", "RecordedLook", "SealsTestSplit", "carry_test_looks", "check_test_look", "keep_test_looks"]

#: How replay's refusals name the event.
_EVENT = 'this "test_look" event'


class RecordedLook(NamedTuple):
    """One look a journal holds: its id (unique to the look), the params scored and the score (NaN
    when it was not finite: JSON has no NaN)."""

    look: str
    params: dict[str, Any]
    score: float


class LookKeeper:
    """A journaled study, as a task with a sealed test split sees it: the looks its journal holds,
    and a way to journal one more.

    Parameters
    ----------
    study : Study
        A study with storage whose journal this process may write.
    """

    def __init__(self, study: Study) -> None:
        self._study = study

    def __eq__(self, other: object) -> bool:  # the same study's journal: a task bound to it stays bound
        return isinstance(other, LookKeeper) and other._study is self._study

    def __hash__(self) -> int:
        return id(self._study)

    @property
    def where(self) -> str:
        """The journal's path, for messages."""
        return str(self._study.storage)

    def recorded(self, task: str) -> list[RecordedLook]:
        """The looks the journal holds at the sealed split of the task whose fingerprint is
        ``task``, oldest first (what other processes wrote since it was read included)."""
        self._study.refresh()
        return [RecordedLook(event["look"], dict(event["params"]), math.nan if event["score"] is None
                             else float(event["score"]))
                for event in self._study.state.events if event["event"] == "test_look" and event["task"] == task]

    def record(self, task: str, look: str, params: Mapping[str, Any], score: float) -> None:
        """Journal look ``look`` (its id) at the sealed split of task ``task``: ``params`` scored
        ``score`` (a StorageError if the journal refuses the write)."""
        self._study._record({"event": "test_look", "task": task, "look": look, "params": dict(params),
                             "score": score if math.isfinite(score) else None})


@runtime_checkable
class SealsTestSplit(Protocol):
    """A task with a sealed test split whose looks a journaled study keeps (``SklearnCV``)."""

    def keep_test_looks(self, keeper: LookKeeper) -> None:
        """Take the looks ``keeper``'s journal holds of this task, and journal every later look there."""


def keep_test_looks(study: Study, objective: Any) -> None:
    """Give ``objective`` the study as its :class:`LookKeeper` when it seals a test split and the
    study has a journal this process writes (an in-memory study remembers nothing past the process)."""
    if isinstance(objective, SealsTestSplit) and study._journal is not None and study._journal.read_only is None:
        objective.keep_test_looks(LookKeeper(study))


def carry_test_looks(study: Study, new: Study) -> None:
    """Journal in ``new`` (a fork or a remap of ``study``) every look ``study`` journaled: looks at a
    sealed split are facts about the data, not about the step a branch starts from."""
    looks = [dict(event) for event in study.state.events if event["event"] == "test_look"]
    if looks:
        new._record(*looks)


def check_test_look(event: Mapping[str, Any]) -> None:
    """Refuse a ``"test_look"`` event whose fields a study could not have written (replay names the line)."""
    for name in ("task", "look"):
        if not isinstance(event.get(name), str) or not event.get(name):
            raise fail(name, _EVENT, "a non-empty str", event.get(name))
    params = event.get("params")
    if not isinstance(params, Mapping) or not all(isinstance(key, str) for key in params):
        raise fail("params", _EVENT, "a dict of the configuration's values by name", params)
    # Present, and a float or null: a line without it, or with an int past a float's range, loaded and
    # then broke every run of the task with Python's KeyError or OverflowError (r443).
    score = event.get("score", "(missing)")
    if score is not None and (not is_real(score) or as_finite(score) is None):
        raise fail("score", _EVENT, "a finite number, or null for a score that was not finite", score)
