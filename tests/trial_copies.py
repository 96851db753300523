"""Counting the copies of a study's trial list, shared by the tests of long studies."""

from __future__ import annotations

from collections import Counter

from interactive_hpo import Study


def count_copies(monkeypatch, *names: str) -> Counter:
    """Count the reads of ``Study.trials`` (or of the properties ``names``: "queued") from now on,
    each a copy: ``counter["trials"]``. Code that reads ``study.trials[i]`` in a loop over
    trials is quadratic in a long study."""
    counted: Counter = Counter()
    for name in names or ("trials",):
        original = getattr(Study, name)

        def read(self, _name=name, _original=original):
            counted[_name] += 1
            return _original.fget(self)

        monkeypatch.setattr(Study, name, property(read))
    return counted
