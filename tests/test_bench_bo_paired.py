"""benchmarks/bench_bo_paired.py on two tiny hand-made runs: the paired differences it prints are
the ones the recorded screens quote (benchmarks/README.md, "Bayesian optimization for the spaces
people tune", item 9)."""

from __future__ import annotations

import json
import sys

from benchmarks import bench_bo_paired


def _runs(label, bests):
    """One task with known optimum 0 and random median 1: seed s's best after 25 and 50 trials."""
    runs = [{"task": "bowl", "method": label, "seed": seed, "losses": [1.0] * 24 + [at_25] + [1.0] * 24 + [at_50]}
            for seed, (at_25, at_50) in enumerate(bests)]
    return {"methods": {label: {"runs": runs}},
            "references": {"bowl": {"optimum": 0.0, "budgeted": False, "random_median": 1.0}}}


def test_it_prints_each_task_and_the_aggregate_as_paired_differences(tmp_path, monkeypatch, capsys):
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(_runs("a", [(0.5, 0.5), (0.75, 0.5), (0.625, 0.5)])))
    after.write_text(json.dumps(_runs("b", [(0.25, 0.25), (0.5, 0.25), (0.375, 0.25)])))
    monkeypatch.setattr(sys, "argv", ["bench_bo_paired.py", str(before), str(after)])
    bench_bo_paired.main()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("after 25 trials: after minus before")
    # after 25 trials every seed is a quarter better: a paired difference with no spread
    assert "before 6.25e-01" in out[1] and "after 3.75e-01" in out[1] and "difference -2.50e-01 ± 0.0e+00" in out[1]
    assert out[2] == "  aggregate, after minus before: +25.00 ± 0.00 points (3 seeds)"
    assert "difference -2.50e-01" in out[4] and out[5].endswith("+25.00 ± 0.00 points (3 seeds)")


def test_seeds_limits_both_runs(tmp_path, monkeypatch, capsys):
    before, after = tmp_path / "x.json", tmp_path / "y.json"
    before.write_text(json.dumps(_runs("a", [(0.5, 0.25), (0.75, 0.25), (0.5, 0.75)])))
    after.write_text(json.dumps(_runs("b", [(0.5, 0.25), (0.75, 0.25), (0.5, 0.125)])))
    monkeypatch.setattr(sys, "argv", ["bench_bo_paired.py", str(before), str(after), "--seeds", "2"])
    bench_bo_paired.main()
    out = capsys.readouterr().out
    assert out.count("(2 seeds)") == 2 and "difference 0.00e+00 ± 0.0e+00" in out


def test_two_files_with_one_name_are_told_apart(tmp_path, monkeypatch, capsys):
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    before, after = tmp_path / "1" / "run.json", tmp_path / "2" / "run.json"
    before.write_text(json.dumps(_runs("a", [(0.5, 0.25), (0.75, 0.25)])))
    after.write_text(json.dumps(_runs("a", [(0.5, 0.125), (0.75, 0.125)])))
    monkeypatch.setattr(sys, "argv", ["bench_bo_paired.py", str(before), str(after)])
    bench_bo_paired.main()
    assert "after minus before" in capsys.readouterr().out
