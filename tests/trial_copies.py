"""Counting the copies of a study's trial list, shared by the tests of long studies."""

from __future__ import annotations

from collections import Counter

from interactive_hpo import Study


def count_copies(monkeypatch) -> Counter:
    """Count the reads of ``Study.trials`` from now on (each copies the list): ``counter["trials"]``.
    Code that reads ``study.trials[i]`` in a loop over trials is quadratic in a long study."""
    counted: Counter = Counter()
    original = Study.trials

    def trials(self):
        counted["trials"] += 1
        return original.fget(self)

    monkeypatch.setattr(Study, "trials", property(trials))
    return counted
