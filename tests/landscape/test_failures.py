"""A landscape build keeps its failures in bounded memory: a count per distinct message (the first
ten), the first few configurations of each, long messages shortened; in memory and in its cache,
which still says which configurations failed."""

from __future__ import annotations

import json
import re

import pytest

from interactive_hpo import Categorical, Float, SearchSpace, StorageError
from interactive_hpo.landscape import build, build_landscape
from interactive_hpo.landscape.failures import EXAMPLES_KEPT, MESSAGE_CHARS, MESSAGES_KEPT, OTHER
from interactive_hpo.objectives import FunctionObjective

#: A message as long as a traceback of a few folds (about 10 KB).
TRACEBACK = "Traceback (most recent call last):\n" + "  File 'fit.py', line 1, in fit\n" * 300
SPACE = SearchSpace([Float("x", 0, 1), Float("y", 0, 1)])


def failing(params):
    """Fails where y < 0.5 (7 of 15 levels), with a message of its own for each of the 15 levels of x."""
    if params["y"] < 0.5:
        raise ValueError(f"{TRACEBACK}fold {round(params['x'] * 14)} failed")
    return params["x"] + params["y"]


def reason(params):
    """What the build records for ``failing`` at ``params`` (None where it does not fail)."""
    return f"ValueError: {TRACEBACK}fold {round(params['x'] * 14)} failed" if params["y"] < 0.5 else None


def test_failures_are_counted_per_message_with_their_first_configurations(tmp_path):
    land = build_landscape(FunctionObjective(failing, SPACE), resolution=15, cache_dir=tmp_path)
    failures = land.info["failures"]
    assert land.info["failed"] == 15 * 7
    assert len(failures) == MESSAGES_KEPT + 1 and list(failures)[-1] == OTHER   # x levels 10 to 14: the rest
    assert [entry["count"] for entry in failures.values()] == [7] * MESSAGES_KEPT + [5 * 7]
    for k, (message, entry) in enumerate(failures.items()):
        assert len(entry["first"]) == EXAMPLES_KEPT and entry["first"] == sorted(entry["first"])
        if message != OTHER:   # each one shortened to its head and its tail, which says where it failed
            assert len(message) <= MESSAGE_CHARS and "characters left out" in message
            assert message.startswith("ValueError: Traceback") and message.endswith(f"fold {k} failed")
            assert all(reason(land.params(i)).endswith(f"fold {k} failed") for i in entry["first"])
    assert failures[OTHER]["first"] == [150, 151, 152]
    assert land.info["first_failure"] == list(failures)[0]
    # The cache keeps which configurations failed (null losses) and the summary, not every message.
    (path,) = tmp_path.glob("landscape-*.json")
    stored = json.loads(path.read_text())
    assert "errors" not in stored and stored["failures"] == failures
    assert [v is None for v in stored["losses"]["valid"]] == [reason(land.params(i)) is not None
                                                               for i in range(land.n)]
    assert path.stat().st_size < 30_000   # every message: 105 x 10 KB
    again = build_landscape(FunctionObjective(failing, SPACE), resolution=15, cache_dir=tmp_path)
    assert again.info["failures"] == failures and again.info["first_failure"] == land.info["first_failure"]


def test_a_cache_written_with_a_reason_per_configuration_is_still_read(tmp_path):
    """Caches of earlier versions kept every reason under "errors" (or none at all): their losses
    are still the user's, so they are read and their failures summarized."""
    objective = FunctionObjective(failing, SPACE)
    land = build_landscape(objective, resolution=15, cache_dir=tmp_path)
    (path,) = tmp_path.glob("landscape-*.json")
    stored = json.loads(path.read_text())
    del stored["failures"]
    path.write_text(json.dumps({**stored, "errors": [reason(land.params(i)) for i in range(land.n)]}))
    assert build_landscape(objective, resolution=15, cache_dir=tmp_path).info["failures"] == land.info["failures"]
    path.write_text(json.dumps(stored))
    assert build_landscape(objective, resolution=15, cache_dir=tmp_path).info["failures"] == {
        "failed (the cache kept no reason)": {"count": 105, "first": [0, 1, 2]}}
    wrong = {**stored, "failures": {"ValueError: diverged": {"count": 3, "first": [0]}}}
    path.write_text(json.dumps(wrong))
    with pytest.raises(StorageError, match=re.escape("(ValueError: it counts 3 failures where 105 configurations "
                                                     "have no loss); it was left as it is")):
        build_landscape(objective, resolution=15, cache_dir=tmp_path)
    assert json.loads(path.read_text()) == wrong


def test_a_parallel_build_summarizes_its_failures_as_a_serial_one(monkeypatch):
    pytest.importorskip("joblib")
    serial = build_landscape(FunctionObjective(failing, SPACE), resolution=15)
    monkeypatch.setattr(build, "CHUNK", 7)   # results arrive chunk by chunk
    parallel = build_landscape(FunctionObjective(failing, SPACE), resolution=15, n_jobs=2)
    assert parallel.losses.tolist() == serial.losses.tolist() and parallel.info == serial.info


def test_a_configuration_of_a_conditional_space_counts_once_per_grid_point():
    space = SearchSpace([Categorical("kernel", ["linear", "rbf"]), Float("C", 0.0, 1.0),
                         Float("gamma", 0.0, 1.0, condition=("kernel", "rbf"))])

    def loss(params):
        if params["kernel"] == "linear" and params["C"] == 0.0:   # one configuration, three grid points
            raise ValueError("no support vectors")
        return params["C"]

    land = build_landscape(FunctionObjective(loss, space), resolution=3)
    assert land.info["failed"] == 3
    assert land.info["failures"] == {"ValueError: no support vectors": {"count": 3, "first": [0, 1, 2]}}


class Reseeded:
    """Fails at x = 0.75 for seed 0; at x = 0.25 and 0.75 for seed 1."""

    direction = "minimize"
    space = SearchSpace([Float("x", 0, 1)])

    def __init__(self, seed=0):
        self.seed = seed

    def with_seed(self, seed):
        return Reseeded(seed)

    def __call__(self, params):
        if params["x"] == 0.75 or (self.seed == 1 and params["x"] == 0.25):
            raise RuntimeError(f"seed {self.seed}")
        return params["x"]


def test_failures_over_seeds_count_every_failed_evaluation():
    land = build_landscape(Reseeded(), resolution=5, seeds=[0, 1])
    assert land.info["failed"] == 2 and land.info["first_failure"] == "RuntimeError: seed 1"   # at x = 0.25
    assert land.info["failures"] == {"RuntimeError: seed 0": {"count": 1, "first": [3]},
                                     "RuntimeError: seed 1": {"count": 2, "first": [1, 3]}}
