"""Repeated configurations in the genetic algorithm and DE: children that repeat an evaluated one, bred again or not.

Run: ``.venv/bin/python benchmarks/bench_ga_repeats.py [--method ga|de|cmaes] [--seeds N] [--trials N] [--tasks a,b]``.

A child of two tournament winners is often a copy of one: both tournaments pick the same
parent, and with a mutation rate of 1/d no coordinate mutates (a quarter of the time in 2-D); on
a discrete space a mutation also lands on a configuration seen before. A deterministic objective
then only says again what it said. Side by side in one run, over the same seeds:

- ``ga``: ``GeneticAlgorithm`` at its defaults (a child repeating a configuration evaluated or
  bred so far is bred again, up to ``base.REDRAWS`` = 20 tries in all; a random point of the
  first generation is drawn again as well);
- ``ga repeats``: the same with ``REDRAWS = 1``, one try for every draw (the first generation's
  too), and no move of a repeat to the nearest new configuration on a small all-discrete space
  (``base.Configurations``) nor to a random new one on another (``_random_new``), exactly the
  behaviour before.

``--method de`` compares ``DifferentialEvolution`` the same way (a trial vector that repeats a
configuration is drawn again with other donors). ``--method cmaes`` compares ``CMAES`` at its
defaults (a sample on an evaluated configuration takes its loss unasked) with
``allow_repeats=True`` (every sample asked, the behaviour before).

Tasks: the benchmark suite's (``benchmarks/suite/tasks.py``; ``--tasks``, default the synthetic
ones and the all-discrete tree, which run in seconds). Prints, per task, the mean number of
repeated trials per run (params equal to an earlier trial's in that run), the mean normalized
score after ``--trials`` (``benchmarks.suite.report``: 0 is the optimum, 1 the median random
configuration) and the paired difference of the scores, repeats minus default, with its
standard error (positive: re-breeding is ahead).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.optimizers.population import base  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_repeats import repeats  # noqa: E402
from benchmarks.suite.report import normalized  # noqa: E402
from benchmarks.suite.tasks import make_task  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "results.json"
FAST_TASKS = ("branin,hartmann6,ackley5,levy4,mixed_branin,mixed_units,camel6,rosenbrock4,levy3_corner,"
              "tree_diabetes")


class _Unlisted:
    """``base.Configurations`` before: no space listed, so a repeat the redraws left is kept."""

    @staticmethod
    def of(space: object) -> None:
        return None


def _kept(self: base.PopulationOptimizer, rng: np.random.Generator, x: np.ndarray, payload: object,
          keys: set[bytes]) -> tuple[np.ndarray, object]:
    """``PopulationOptimizer._random_new`` before: the repeat the redraws left is kept."""
    return x, payload


def ga_run(name: str, seed: int, trials: int, redraws: int, method: str = "ga", settings: dict | None = None) -> dict:
    """One run in the suite's layout (``benchmarks.suite.runner.Run``), with its repeats, at
    ``base.REDRAWS = redraws`` (put back after the run); fewer than the default are the behaviour
    before, which kept a repeat where the redraws found nothing new (no space is listed)."""
    task = make_task(name)
    default, base.REDRAWS = base.REDRAWS, redraws
    listed, random_new = base.Configurations, base.PopulationOptimizer._random_new
    if redraws < default:
        base.Configurations = _Unlisted  # type: ignore[misc]
        base.PopulationOptimizer._random_new = _kept  # type: ignore[method-assign,assignment]
    try:
        study = Study(task.space, method, seed=seed, optimizer_settings=settings)
        study.run(lambda p: float(task.loss(dict(p))), n_trials=trials, progress=False)
    finally:
        base.REDRAWS, base.Configurations = default, listed
        base.PopulationOptimizer._random_new = random_new  # type: ignore[method-assign]
    losses = [float(t.value) for t in study.trials]
    return {"task": name, "seed": seed, "losses": losses, "budgets": [1.0] * len(losses), "repeats": repeats(study)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--tasks", default=FAST_TASKS)
    parser.add_argument("--method", choices=("ga", "de", "cmaes"), default="ga")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    references = json.loads(RESULTS.read_text())["references"]
    before = (base.REDRAWS, {"allow_repeats": True}) if args.method == "cmaes" else (1, None)
    methods = {args.method: (base.REDRAWS, None), f"{args.method} repeats": before}
    print(f"{args.seeds} seeds, {args.trials} trials; repeats per run and mean score: {' | '.join(methods)}; "
          f"paired difference (repeats - {args.method})")
    for name in args.tasks.split(","):
        runs = {method: [ga_run(name, seed, args.trials, redraws, args.method, settings) for seed in range(args.seeds)]
                for method, (redraws, settings) in methods.items()}
        results = {"methods": {method: {"runs": method_runs} for method, method_runs in runs.items()},
                   "references": {name: references[name]}}
        scores = {m: np.asarray(normalized(results, name, m, args.trials)) for m in methods}
        difference = scores[f"{args.method} repeats"] - scores[args.method]
        row = [f"{np.mean([r['repeats'] for r in results['methods'][m]['runs']]):5.1f} repeats, score "
               f"{np.mean(scores[m]):.4f}" for m in methods]
        print(f"{name:>14}: " + " | ".join(row) + f"; difference {difference.mean():+.4f} ± "
              f"{difference.std(ddof=1) / np.sqrt(len(difference)):.4f}", flush=True)


if __name__ == "__main__":
    main()
