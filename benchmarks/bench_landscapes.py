"""Landscape benchmark: the landscape paper's findings re-tested, and optimizers on replayed landscapes.

``--part findings`` (the default) builds the landscapes of an RBF SVM, a random forest and
gradient boosting on iris, wine and breast_cancer at training-data budgets 0.1, 0.25, 0.5 and
1.0 (``paper_landscapes``: accuracy, 3-fold CV on a 75% training split, 64 SVM and 125 ensemble
configurations) and prints what ``check_findings`` says of the paper's eight claims, then the
measurements behind them. The losses are cached in ``notebooks/data/landscapes`` (what the
notebook ``09_landscapes`` reads), so a second run only measures.

``--part replay`` steps optimizers on the full-budget landscapes replayed as lookup-table
objectives (``LandscapeObjective``): ours (random, Sobol, BO, CMA-ES, GA), Optuna (random, TPE)
and scikit-optimize (``gp_minimize``), side by side, 20 trials, the same seeds. Score: the share
of the grid strictly better than the best configuration found (0 = the global optimum), and
the ratio of its mean to random search's (below 1 is better than random).

Run: ``.venv/bin/python benchmarks/bench_landscapes.py [--part findings|replay] [--seeds 1]
[--n-jobs 2]``; prints markdown tables.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import logging  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402
import skopt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.methods import optuna_distributions, skopt_dimensions  # noqa: E402 - shared converters
from interactive_hpo import Study  # noqa: E402
from interactive_hpo.landscape import Landscape, LandscapeObjective, check_findings, paper_landscapes  # noqa: E402

CACHE = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "landscapes"
COLUMNS = ("fdc", "autocorrelation", "assortativity", "local_optima", "local_optima_z", "local_optimum_plateaus",
           "local_optimum_plateaus_z", "neutrality", "neutrality_distance", "global_basin_share", "spearman_to_full",
           "train_test_all", "train_test_best")


def findings_part(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    lands = paper_landscapes(seeds=tuple(range(args.seeds)), n_jobs=args.n_jobs, cache_dir=args.cache_dir,
                             progress=lambda line: print(f"  {time.perf_counter() - started:6.0f} s  {line}",
                                                         file=sys.stderr))
    built = time.perf_counter() - started
    findings = check_findings(lands, n_shuffles=100)
    print(f"# The landscape paper's claims on {len(lands)} landscapes ({args.seeds} seed(s)); built in "
          f"{built:.0f} s (n_jobs={args.n_jobs}), measured in {time.perf_counter() - started - built:.0f} s\n")
    print(findings.to_markdown())
    print("\n| model | dataset | budget | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for row in findings.rows:
        cells = " | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in COLUMNS)
        print(f"| {row['model']} | {row['dataset']} | {row['budget']:g} | {cells} |")
    # The _null columns: noisy copies that agree as much overall (top_overlap_null), the reference
    # "top regions overlap less" is tested against.
    pair_columns = ("spearman", "spearman_top", "spearman_top_null", "gamma_overlap", "gamma_overlap_null",
                    "gamma_overlap_z")
    print("\n| model | datasets | " + " | ".join(pair_columns) + " |")
    print("|---|---|" + "---|" * len(pair_columns))
    for pair in findings.pairs:
        cells = " | ".join(f"{pair[c]:.2f}" for c in pair_columns)
        print(f"| {pair['model']} | {' / '.join(pair['datasets'])} | {cells} |")


def _ours(method: str) -> Callable[[LandscapeObjective, int, int], list[float]]:
    def run(objective: LandscapeObjective, seed: int, n_trials: int) -> list[float]:
        study = Study(objective.space, method, seed=seed)
        return [t.value for t in study.run(objective, n_trials=n_trials)]
    return run


def _optuna(sampler: Callable[[int], Any]) -> Callable[[LandscapeObjective, int, int], list[float]]:
    def run(objective: LandscapeObjective, seed: int, n_trials: int) -> list[float]:
        study = optuna.create_study(sampler=sampler(seed))
        distributions = optuna_distributions(objective.space)
        study.optimize(lambda trial: objective({n: trial._suggest(n, d) for n, d in distributions.items()}),
                       n_trials=n_trials)
        return [t.value for t in study.trials]
    return run


def _skopt(objective: LandscapeObjective, seed: int, n_trials: int) -> list[float]:
    dims = skopt_dimensions(objective.space)
    names = [d.name for d in dims]
    result = skopt.gp_minimize(lambda v: objective(dict(zip(names, v, strict=True))), dims, n_calls=n_trials,
                               n_initial_points=min(10, n_trials), random_state=seed)
    return list(map(float, result.func_vals))


METHODS = {**{f"ours-{m}": _ours(m) for m in ("random", "sobol", "bo", "cmaes", "ga")},
           "optuna-random": _optuna(lambda seed: optuna.samplers.RandomSampler(seed=seed)),
           "optuna-tpe": _optuna(lambda seed: optuna.samplers.TPESampler(seed=seed)),
           "skopt-gp": _skopt}


def rank_regret(land: Landscape, values: list[float]) -> float:
    """Share of the grid strictly better than the best value found (0: the global optimum)."""
    return float(np.mean(land.losses < min(values)))


def replay_part(args: argparse.Namespace) -> None:
    lands = {key: land for key, land in paper_landscapes(seeds=(0,), cache_dir=args.cache_dir).items()
             if key[2] == 1.0}
    regret = {m: [] for m in METHODS}
    seconds = {m: 0.0 for m in METHODS}
    for land in lands.values():
        objective = LandscapeObjective(land)
        for method, run in METHODS.items():
            for seed in range(args.replay_seeds):
                started = time.perf_counter()
                values = run(objective, seed, args.trials)
                seconds[method] += time.perf_counter() - started
                regret[method].append(rank_regret(land, values))
    objective = LandscapeObjective(next(iter(lands.values())))
    params = objective.space.sample(1000, np.random.default_rng(0))
    started = time.perf_counter()
    for p in params:
        objective(p)
    per_call = (time.perf_counter() - started) / len(params) * 1e6
    print(f"# {len(lands)} full-budget landscapes, {args.trials} trials, {args.replay_seeds} seeds; "
          f"{platform.processor() or platform.machine()}, optuna {optuna.__version__}, skopt {skopt.__version__}; "
          f"one replayed evaluation: {per_call:.0f} µs\n")
    base = np.mean(regret["ours-random"])
    print("| method | share of the grid better than the best found (mean) | ratio to random | found the optimum "
          "| seconds per run |")
    print("|---|---|---|---|---|")
    n_runs = len(lands) * args.replay_seeds
    for method, values in regret.items():
        print(f"| {method} | {np.mean(values):.3f} | {np.mean(values) / base:.2f} | "
              f"{np.mean(np.array(values) == 0):.0%} | {seconds[method] / n_runs:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("findings", "replay"), default="findings")
    parser.add_argument("--seeds", type=int, default=1, help="seeds averaged per landscape (findings)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--cache-dir", type=Path, default=CACHE)
    parser.add_argument("--trials", type=int, default=20, help="trials per replayed run")
    parser.add_argument("--replay-seeds", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    optuna.logging.set_verbosity(logging.WARNING)
    (findings_part if args.part == "findings" else replay_part)(args)


if __name__ == "__main__":
    main()
