"""Two runs of ``bench_bo_variants.py`` seed by seed: what a change to the BO's defaults buys.

Run: ``.venv/bin/python benchmarks/bench_bo_paired.py BEFORE.json AFTER.json [--peers] [--seeds N]``.
For every task both files ran, the normalized score (``benchmarks.suite.report``: 0 the best
loss seen by either run or the known optimum, 1 the median random configuration) of each run
after 25 and 50 trials, and the difference AFTER minus BEFORE, mean and standard error over the
seeds both ran (negative: AFTER is better), then the aggregate's (in points, positive: AFTER is
better). References are the files' own (the full run's for the suite's tasks). ``--peers`` adds
the committed full run's peers (Optuna's GPSampler, TPE and CMA-ES, scikit-optimize, SMAC3) and
prints, per task, whether each file's mean is at most the best peer's plus its own standard
error (issue 23's target; the peers ran seeds 0-9, so pass ``--seeds 10``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, like the others
from benchmarks.suite.report import normalized  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "results.json"
PEERS = ("optuna-gp", "optuna-tpe", "optuna-cmaes", "skopt-gp", "smac")
CHECKPOINTS = (25, 50)


def _load(path: Path, label: str, seeds: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    data = json.loads(path.read_text())
    runs = [run for method in data["methods"].values() for run in method["runs"]
            if seeds is None or run["seed"] < seeds]
    for run in runs:
        run.setdefault("budgets", [1.0] * len(run["losses"]))
    return {label: {"runs": sorted(runs, key=lambda run: (run["task"], run["seed"]))}}, data["references"]


def _mean_se(values: np.ndarray) -> str:
    return f"{values.mean():.2e} ± {values.std(ddof=1) / np.sqrt(len(values)):.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--peers", action="store_true", help="the full run's peers, and issue 23's target")
    parser.add_argument("--seeds", type=int, help="seeds 0 .. N-1 only")
    args = parser.parse_args()
    merged: dict[str, Any] = {"methods": {}, "references": {}}
    names = (args.before.stem, args.after.stem) if args.before.stem != args.after.stem else ("before", "after")
    for path, label in zip((args.before, args.after), names, strict=True):
        methods, references = _load(path, label, args.seeds)
        merged["methods"].update(methods)
        merged["references"].update(references)
    if args.peers:
        full = json.loads(RESULTS.read_text())
        merged["methods"].update({m: full["methods"][m] for m in PEERS if m in full["methods"]})
    before, after = names
    tasks = [t for t in merged["references"]
             if all(any(r["task"] == t for r in merged["methods"][m]["runs"]) for m in names)]
    for n in CHECKPOINTS:
        print(f"after {n} trials: {after} minus {before} (normalized scores, mean ± se over seeds)")
        differences = []
        for task in tasks:
            x, y = normalized(merged, task, before, n), normalized(merged, task, after, n)
            differences.append(y - x)
            line = f"  {task:18s} {before} {_mean_se(x)}  {after} {_mean_se(y)}  difference {_mean_se(y - x)}"
            if args.peers:
                peers = {m: normalized(merged, task, m, n) for m in PEERS if m in merged["methods"]}
                best = min(peers, key=lambda m: peers[m].mean())
                met = [f"{m} {'met' if v.mean() <= peers[best].mean() + v.std(ddof=1) / np.sqrt(len(v)) else 'MISSED'}"
                       for m, v in ((before, x), (after, y))]
                line += f"  | best peer {best} {_mean_se(peers[best])}: " + ", ".join(met)
            print(line)
        points = -100 * np.mean(differences, axis=0)
        print(f"  aggregate, {after} minus {before}: {points.mean():+.2f} ± "
              f"{points.std(ddof=1) / np.sqrt(len(points)):.2f} points ({len(points)} seeds)")


if __name__ == "__main__":
    main()
