"""What a landscape build keeps of its failures: a count per distinct message and the first few
configurations of each, not every message.

A grid of 10^5 configurations whose objective fails often is common (a model that does not
converge over a third of the grid), and a failure's message can be long: scikit-learn's "All the
fits failed" embeds a traceback of every fold. Kept per configuration, 36,000 failures with a
3 KB message took 300 MB of memory and 117 MB of cache file (measured); what a person can read
is which messages occurred, how often, and where to reproduce each one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["EXAMPLES_KEPT", "MESSAGES_KEPT", "MESSAGE_CHARS", "OTHER", "Failures", "brief"]

#: Distinct messages counted by name; the failures with any further message are counted under :data:`OTHER`.
MESSAGES_KEPT = 10
#: Configurations kept per message: its first ones in grid order, to look at or reproduce.
EXAMPLES_KEPT = 3
#: Characters kept of a message: its head and its tail (where a traceback names the error).
MESSAGE_CHARS = 1000
#: The entry counting the failures whose message was not among the first :data:`MESSAGES_KEPT`.
OTHER = "(other messages)"


def brief(message: str) -> str:
    """``message`` in at most :data:`MESSAGE_CHARS` characters: its head and tail, with how much of
    the middle was left out (a brief message is its own brief: a cache read back keeps it)."""
    if len(message) <= MESSAGE_CHARS:
        return message
    half = (MESSAGE_CHARS - 60) // 2  # room for the note of what was left out
    return f"{message[:half]}\n[... {len(message) - 2 * half} characters left out ...]\n{message[-half:]}"


class Failures:
    """The failures of one build, in memory bounded by :data:`MESSAGES_KEPT`, :data:`EXAMPLES_KEPT`
    and :data:`MESSAGE_CHARS` whatever the grid's size.

    Attributes
    ----------
    summary : dict
        ``{message: {"count": int, "first": [grid index, ...]}}``, messages in the order they
        first failed, ``"first"`` ascending (at most :data:`EXAMPLES_KEPT`); the entry
        :data:`OTHER`, if any, counts the failures with further distinct messages.

    Examples
    --------
    >>> failures = Failures()
    >>> failures.add("ValueError: diverged", [4])
    >>> failures.add("ValueError: diverged", [7, 9])
    >>> failures.summary, failures.first
    ({'ValueError: diverged': {'count': 3, 'first': [4, 7, 9]}}, (4, 'ValueError: diverged'))
    """

    def __init__(self) -> None:
        self.summary: dict[str, dict[str, Any]] = {}

    def add(self, message: str, indices: Sequence[int], count: int | None = None) -> None:
        """Count ``count`` failures with ``message`` (default: one per grid index in ``indices``,
        ascending; a conditional space's configuration stands for several grid points)."""
        key = brief(message)
        if key not in self.summary and len(self.summary.keys() - {OTHER}) >= MESSAGES_KEPT:
            key = OTHER
        entry = self.summary.setdefault(key, {"count": 0, "first": []})
        entry["count"] += len(indices) if count is None else count
        entry["first"] = sorted({*entry["first"], *(int(i) for i in indices[:EXAMPLES_KEPT])})[:EXAMPLES_KEPT]

    @property
    def first(self) -> tuple[int, str] | None:
        """The first failed configuration (grid index) and its message; None without failures.

        Failures are added in grid order, so the first one always has a message of its own: it
        is never counted under :data:`OTHER`.
        """
        return min(((entry["first"][0], message) for message, entry in self.summary.items() if message != OTHER),
                   default=None)

    @classmethod
    def merged(cls, parts: Iterable[Failures]) -> Failures:
        """One summary of several builds' (a landscape averaged over seeds): counts add up."""
        merged = cls()
        for part in parts:
            for message, entry in part.summary.items():
                merged.add(message, entry["first"], entry["count"])
        return merged

    @classmethod
    def from_json(cls, data: Any, n: int, failed: int) -> Failures:
        """The summary :attr:`summary` wrote, for a grid of ``n`` configurations of which ``failed``
        failed; ValueError if it is not one."""
        if not isinstance(data, Mapping):
            raise ValueError(f"its failures are {type(data).__name__}, not a mapping")
        failures = cls()
        for message, entry in data.items():
            count, first = entry["count"], entry["first"]
            if not (isinstance(count, int) and count >= 1 and isinstance(first, list) and first
                    and all(isinstance(i, int) and 0 <= i < n for i in first)):
                raise ValueError(f"its failure entry {entry!r} is not a count and grid indices")
            failures.add(str(message), sorted(first), count)
        if (total := sum(entry["count"] for entry in failures.summary.values())) != failed:
            raise ValueError(f"it counts {total} failures where {failed} configurations have no loss")
        return failures
