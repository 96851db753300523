"""benchmarks/bench_multiobjective.py end to end on a tiny run (1 seed, 6 trials, a synthetic and the
constrained scikit-learn task): the JSON holds every run, Optuna saw the same objective, and the
table is written. The benchmark itself never runs as a timed test."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("optuna")

from benchmarks import bench_multiobjective as bench  # noqa: E402 - after the skip
from interactive_hpo.objectives.multi_objective import ZDT1  # noqa: E402
from interactive_hpo.objectives.tradeoff import sparse_logistic_breast_cancer  # noqa: E402
from interactive_hpo.pareto import hypervolume_history  # noqa: E402


def test_a_tiny_run_scores_ours_and_optunas_on_the_same_objectives_and_writes_the_tables(tmp_path, monkeypatch,
                                                                                            capsys):
    # An optimizer not registered (yet) is skipped with a note, and the rest still run.
    registered = [name for name in bench.available_optimizers() if name != "parego"]
    monkeypatch.setattr(bench, "available_optimizers", lambda: registered)
    methods = ["random", "sobol", "parego", "optuna-nsga2"]
    assert bench.main(["--tasks", "zdt1,sparse_logistic_c8", "--methods", ",".join(methods), "--seeds", "1",
                       "--trials", "6", "--out", str(tmp_path)]) == 0
    assert "skipping parego" in capsys.readouterr().err
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["meta"]["methods"] == ["random", "sobol", "optuna-nsga2"] and "parego" in results["meta"]["skipped"]
    assert results["meta"]["commit"] and results["meta"]["command"].startswith("python benchmarks/bench_multiobjective")
    assert {(r["task"], r["method"]) for r in results["runs"]} == {
        (t, m) for t in ("zdt1", "sparse_logistic_c8") for m in ("random", "sobol", "optuna-nsga2")}
    zdt1, task = ZDT1(dim=4), sparse_logistic_breast_cancer(seed=0, max_features=8)
    for run in results["runs"]:
        assert len(run["values"]) == len(run["hypervolume"]) == len(run["optimizer_seconds"]) == 6
        assert np.all(np.diff(run["hypervolume"]) >= 0) and min(run["optimizer_seconds"]) >= 0
        assert run["package"] == results["meta"]["package"]
        info = results["tasks"][run["task"]]
        if run["task"] == "zdt1":   # every method evaluated the very function, minimized in both
            assert info["directions"] == ["minimize", "minimize"] and info["reference"] == [11.0, 11.0]
            assert all(np.allclose(zdt1(p), v) for p, v in zip(run["params"], run["values"], strict=True))
            losses = np.array(run["values"])
        else:   # accuracy maximized, features minimized, at most 8 features; the seed's split for all
            assert info["directions"] == ["maximize", "minimize"] and info["constrained"]
            first = task(run["params"][0])
            assert np.allclose(first.value, run["values"][0]) and np.allclose(first.constraints, run["constraints"][0])
            assert run["feasible"] == [c[0] <= 0 for c in run["constraints"]]
            losses = np.array(run["values"]) * [-1, 1]
            losses[~np.array(run["feasible"])] = np.nan   # infeasible trials add no hypervolume
        assert np.allclose(run["hypervolume"], hypervolume_history(losses, info["reference_loss"]))
    table = (tmp_path / "results.md").read_text()
    assert "**zdt1**" in table and "**sparse_logistic_c8**" in table and "feasible trials only" in table
    assert all(f"| {m} |" in table for m in ("random", "sobol", "optuna-nsga2")) and "Not run: parego" in table
    assert not (tmp_path / "results.partial.json").exists()
    # The tables can be rebuilt from a results file.
    (tmp_path / "results.md").unlink()
    assert bench.main(["--report", str(tmp_path / "results.json"), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "results.md").read_text() == table
    # Several files side by side: another file's method joins, a (task, method) already shown keeps its runs.
    other = json.loads((tmp_path / "results.json").read_text())
    other["meta"]["methods"], other["meta"]["command"] = ["sobol", "renamed"], "python benchmarks/other"
    other["runs"] = [{**r, "method": "renamed"} if r["method"] == "random" else {**r, "hypervolume": [0.0] * 6}
                     for r in other["runs"] if r["method"] in ("random", "sobol")]
    (tmp_path / "other.json").write_text(json.dumps(other))
    assert bench.main(["--report", str(tmp_path / "results.json"), str(tmp_path / "other.json"),
                       "--out", str(tmp_path / "merged")]) == 0
    merged = bench.merge([results, other])
    assert merged["meta"]["methods"] == ["random", "sobol", "optuna-nsga2", "renamed"]
    sobol = [[r for r in runs if r["method"] == "sobol"] for runs in (merged["runs"], results["runs"])]
    assert sobol[0] == sobol[1]
    assert "python benchmarks/other" in merged["meta"]["note"]
    assert "| renamed |" in (tmp_path / "merged" / "results.md").read_text()
