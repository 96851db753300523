"""Fixtures shared by the tests of HPOSearchCV and nested_cv."""

from __future__ import annotations

import pytest

from interactive_hpo.study import Study


@pytest.fixture
def no_trials(monkeypatch):
    """Make running any trial an error: for inputs that must be refused before the first trial."""
    def run(*args, **kwargs):
        raise AssertionError("a trial ran")

    monkeypatch.setattr(Study, "run", run)
