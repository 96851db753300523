"""Repeated configurations on an all-discrete space: our BO now, our BO as before, random search.

Run: ``.venv/bin/python benchmarks/bench_discrete_repeats.py [--seeds FIRST LAST] [--trials N]``.

The task of issue 23 (item 1), the benchmark suite's ``tree_diabetes``
(``benchmarks/suite/tasks.py``): a scikit-learn ``DecisionTreeRegressor`` on the bundled diabetes
data, tuned over ``max_depth`` in 1..20 and ``min_samples_leaf`` in 1..20 (400 configurations);
the loss is the 5-fold CV mean squared error. Every configuration is computed once up front
(a lookup table, so the run measures the optimizers, not the fits). Side by side in one run,
each over the same seeds and ``--trials`` trials (default 50):

- ``bo``: ``GaussianProcessBO`` at its defaults (no configuration proposed twice);
- ``bo allow_repeats``: the same with ``allow_repeats=True``, which is exactly the behaviour
  before issue 23 (the acquisition may choose an evaluated configuration again);
- ``random``: random search, which repeats by chance (about 3 in 50 draws from 400).

Prints, per method, the mean number of repeated trials per run (a trial whose configuration was
evaluated before in that run), the mean regret (best loss found minus the table's minimum, in
units of the table's standard deviation), and the median seconds per proposal.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from interactive_hpo import Study  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.tasks import tree_diabetes  # noqa: E402 - the suite's task, defined once

TASK = tree_diabetes()
SPACE = TASK.space
METHODS = {"bo": ("bo", {}), "bo allow_repeats": ("bo", {"allow_repeats": True}), "random": ("random", {})}


def loss_table() -> dict[tuple[int, int], float]:
    """CV mean squared error of every configuration (400 x 5 fits, a few seconds)."""
    return {(depth, leaf): TASK.loss({"max_depth": depth, "min_samples_leaf": leaf})
            for depth in range(1, 21) for leaf in range(1, 21)}


def run(method: str, seed: int, n_trials: int, table: dict[tuple[int, int], float]) -> tuple[int, float, float]:
    """(repeated trials, best loss, median seconds per proposal) of one run."""
    name, settings = METHODS[method]
    study = Study(SPACE, name, seed=seed, optimizer_settings=settings)
    seconds = []
    for _ in range(n_trials):
        if study.optimizer.exhausted:
            break
        start = time.perf_counter()
        trial = study.ask()
        seconds.append(time.perf_counter() - start)
        study.tell(trial, table[(trial.params["max_depth"], trial.params["min_samples_leaf"])])
    keys = [(t.params["max_depth"], t.params["min_samples_leaf"]) for t in study.trials]
    return len(keys) - len(set(keys)), study.best_value, float(np.median(seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs=2, type=int, default=(0, 9), metavar=("FIRST", "LAST"))
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    table = loss_table()
    values = np.array(list(table.values()))
    best, spread = values.min(), values.std()
    seeds = range(args.seeds[0], args.seeds[1] + 1)
    print(f"{len(table)} configurations; best CV MSE {best:.1f}, spread {spread:.1f}; seeds {args.seeds[0]}-"
          f"{args.seeds[1]}, {args.trials} trials\n")
    print(f"{'method':<18} {'repeats/run':>11} {'regret (sd)':>12} {'s/proposal':>11}")
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = [run(method, seed, args.trials, table) for seed in seeds]
        repeats, found, seconds = (np.array(column, dtype=float) for column in zip(*results, strict=True))
        regret = (found - best) / spread
        print(f"{method:<18} {repeats.mean():>11.1f} {regret.mean():>7.3f} ± {regret.std() / np.sqrt(len(regret)):.3f}"
              f" {np.median(seconds):>11.3f}")


if __name__ == "__main__":
    main()
