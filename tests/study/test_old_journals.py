"""Journals written before the package was split into rooms (issue 22) load unchanged.

``tests/data/journal_v0.1*.jsonl`` were written by commit f80dd77 (scripts in the test data
README); the expected trials and next asks were recorded by that same commit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from interactive_hpo import Study

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED = json.loads((DATA / "journal_v0.1.expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_old_journal_loads_with_the_same_trials_and_next_ask(name, tmp_path):
    path = tmp_path / name  # a copy: loading takes the journal's lock and may append
    shutil.copy(DATA / name, path)
    expected = EXPECTED[name]
    study = Study.load(path)
    assert study.direction == expected["direction"]
    assert type(study.optimizer).__name__ == expected["optimizer"]
    trials = [[t.number, t.state.value, t.value, t.source, dict(t.params)] for t in study.trials]
    assert trials == expected["trials"]
    assert study.best_trial.number == expected["best"]
    np.testing.assert_allclose(study.optimizer.ask().x, expected["next_x"], rtol=0, atol=1e-12)
    assert (DATA / name).read_bytes() == path.read_bytes()  # loading wrote nothing
