"""The benchmark harness (benchmarks/suite): a tiny run end to end, and the Bayesmark arithmetic
on hand-made results. The benchmarks themselves never run as timed tests."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from benchmarks.__main__ import main
from benchmarks.suite.methods import METHODS, available_methods, make_method
from benchmarks.suite.report import best_seen, discrimination, normalized, score_table
from benchmarks.suite.runner import run_one, run_suite
from benchmarks.suite.tasks import TASKS, make_task


def test_a_tiny_run_writes_json_markdown_and_plots_for_every_installed_method(tmp_path, capsys):
    here, _ = available_methods()
    assert main(["run", "--quick", "--tasks", "branin,mixed_branin,gb_diabetes", "--seeds", "2", "--trials", "2",
                 "--sizes", "4", "--out", str(tmp_path), "--no-isolate"]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results["methods"]) == set(here)
    for method, outcome in results["methods"].items():
        tasks = {run["task"] for run in outcome["runs"]}
        assert tasks == ({"gb_diabetes"} if method == "hyperband" else {"branin", "mixed_branin", "gb_diabetes"})
        assert all(len(run["losses"]) == len(run["budgets"]) == len(run["seconds"]) for run in outcome["runs"])
        assert all(sum(run["budgets"]) >= 2 - 1e-9 for run in outcome["runs"])
    assert results["meta"]["checkpoints"] == [2] and results["meta"]["command"].startswith("python -m benchmarks run")
    table = (tmp_path / "results.md").read_text()
    assert all(f"| {method} |" in table for method in here) and "Does each task separate" in table
    assert (tmp_path / "convergence.png").stat().st_size > 1000
    assert not (tmp_path / "results.partial.json").exists()   # kept only while a run is under way
    assert "aggregate" in capsys.readouterr().out


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_method_runs_in_its_own_process_and_reports_its_peak_memory(jobs):
    finished = []
    results = run_suite(["branin"], ["sobol", "random"], seeds=1, n_full=2, sizes=[], random_draws={"branin": 10},
                        jobs=jobs, progress=finished.append)
    assert list(results["methods"]) == ["sobol", "random"] and sorted(finished) == ["random", "sobol"]
    assert all(outcome["peak_mb"] > 10 for outcome in results["methods"].values())
    assert results["machine"]["threads"]["OMP_NUM_THREADS"] == "1"


@pytest.mark.parametrize("name", [name for name in METHODS if name in available_methods()[0]])
def test_every_method_learns_from_configurations_it_did_not_propose(name):
    """``observe`` is how the proposal timing grows the data; every adapter must accept it."""
    task = make_task("mixed_branin")
    method = make_method(name, task.space, seed=0)
    for params in task.space.sample(3, rng=1):
        method.observe(params, task.loss(params))
    params, budget = method.ask()
    assert set(params) == set(task.space.names)
    method.tell(task.loss(params) if budget in (None, 1.0) else task.loss(params))


def test_multi_fidelity_runs_count_budget_in_full_evaluations():
    run = run_one(make_task("gb_diabetes"), "hyperband", seed=0, n_full=1)
    assert min(run.budgets) < 1.0 and sum(run.budgets) == pytest.approx(1.0, abs=1 / 9 + 1e-9)


def _results(runs, optimum=None, random_median=1.0):
    methods = {}
    for method, task, losses in runs:
        methods.setdefault(method, {"runs": [], "speed": {}, "peak_mb": None})["runs"].append(
            {"task": task, "method": method, "seed": len(methods[method]["runs"]), "losses": losses,
             "budgets": [1.0] * len(losses), "seconds": [0.0] * len(losses), "wall": 0.0})
    return {"methods": methods, "references": {"t": {"optimum": optimum, "random_median": random_median}}}


def test_normalized_score_is_bayesmarks():
    results = _results([("a", "t", [0.8, 0.5, 0.2]), ("a", "t", [0.6, 0.6, 0.6]), ("b", "t", [0.9, 0.9, 0.4])])
    assert best_seen(results, "t") == 0.2   # no known optimum: the best any run found
    np.testing.assert_allclose(normalized(results, "t", "a", 2), [(0.5 - 0.2) / 0.8, (0.6 - 0.2) / 0.8])
    np.testing.assert_allclose(normalized(results, "t", "a", 3), [0.0, 0.5])
    table = score_table(results, 3)
    assert table["a"]["t"][0] == pytest.approx(0.25) and table["a"]["aggregate"][0] == pytest.approx(75.0)
    known = _results([("a", "t", [0.5])], optimum=0.0)
    assert normalized(known, "t", "a", 1)[0] == pytest.approx(0.5)   # the known optimum is the zero


def test_a_task_separates_methods_only_beyond_the_seed_noise():
    close = _results([("random", "t", [0.50]), ("random", "t", [0.52]), ("bo", "t", [0.49]), ("bo", "t", [0.51])],
                     optimum=0.0)
    far = _results([("random", "t", [0.50]), ("random", "t", [0.52]), ("bo", "t", [0.10]), ("bo", "t", [0.11])],
                   optimum=0.0)
    assert discrimination(close, 1)["t"]["separates"] is False
    assert discrimination(far, 1)["t"] == pytest.approx({"best": "bo", "gap": 0.405, "noise": 2 * math.hypot(
        0.01, 0.005), "separates": True})


def test_every_task_evaluates_a_random_configuration():
    for name in TASKS:
        task = make_task(name)
        params = task.space.sample(1, rng=0)[0]
        assert math.isfinite(task.loss(params))
        if task.optimum is not None:
            assert task.loss(params) >= task.optimum


def test_scikit_optimize_is_told_a_batch_at_once():
    """Its tell refits the GP: growing the data to 500 one point at a time would cost 500 fits."""
    pytest.importorskip("skopt")
    task = make_task("branin")
    method = make_method("skopt-gp", task.space, seed=0)
    filler = task.space.sample(12, rng=0)
    method.observe_many(filler, [task.loss(p) for p in filler])
    assert len(method.optimizer.Xi) == 12 and len(method.optimizer.models) == 1


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--tasks", "branin,mnist", "unknown or unavailable task(s) ['mnist']; choose from ['branin',"),
    ("--methods", "random,smac", "unknown or unavailable method(s) ['smac']; choose from ['random',"),
])
def test_a_typo_in_the_command_line_is_refused_before_any_work(flag, value, message, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", "--quick", flag, value, "--out", str(tmp_path)])
    assert message in capsys.readouterr().err and not list(tmp_path.iterdir())
