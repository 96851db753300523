"""Gradient-based HPO: hypergradient descent against black boxes, and the cost of each mode.

``--part wall`` (default): many hyperparameters. Logistic regression on digits with one penalty
per pixel (64 hyperparameters, ``LogisticProblem("digits", per_feature=True)``). Hypergradient
descent (implicit hypergradients, warm-started solves) runs ``--steps`` steps; then each black
box gets the same wall time on the same objective: our BO (the default), random search, Optuna's TPE and
GPSampler, scikit-optimize's GP (through the benchmark suite's adapters). Reported per method,
mean ± se over ``--seeds`` (each seed a different data split and optimizer seed): trials run,
best validation log-loss, the test log-loss of that trial, and the ratio of its validation loss
to the descent's. The best single shared penalty (a 9-point log grid) is the reference.

``--part modes``: seconds and bytes of one hypergradient by reverse and forward mode as the
horizon ``T`` grows, for 2 hyperparameters (``MLPProblem``) and 64 (digits per-pixel penalties,
unrolled): forward mode pays per hyperparameter, reverse mode per step of memory.

Run alone (timings): ``.venv/bin/python benchmarks/bench_gradient.py [--part wall|modes]
[--seeds 3] [--steps 25]``; prints markdown tables.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the suite's adapters
from benchmarks.suite.methods import available_methods, make_method  # noqa: E402
from interactive_hpo.gradient import BilevelObjective, LogisticProblem, MLPProblem  # noqa: E402
from interactive_hpo.gradient.experiments import compare_with_black_box, mode_costs  # noqa: E402

PEERS = ["random", "optuna-tpe", "optuna-gp", "skopt-gp"]


def black_box_run(method_name: str, problem: LogisticProblem, seconds: float, seed: int) -> tuple[int, float, float]:
    """Run a suite method on the problem's objective for ``seconds``; (trials, best val, its test loss)."""
    objective = BilevelObjective(problem)
    method = make_method(method_name, problem.space, seed)
    best = (np.inf, np.nan)
    trials = 0
    clock = time.perf_counter()
    while time.perf_counter() - clock < seconds:
        params, _ = method.ask()
        result = objective(params)
        method.tell(result.value)
        trials += 1
        if result.value < best[0]:
            best = (result.value, result.user_attrs["test_loss"])
    return trials, best[0], best[1]


def wall_part(seeds: int, steps: int) -> None:
    here, _ = available_methods()
    peers = [p for p in PEERS if p in here]  # our BO runs inside compare_with_black_box
    rows: dict[str, list[tuple[float, float, float, float]]] = {}
    for seed in range(seeds):
        problem = LogisticProblem("digits", per_feature=True, seed=seed)
        comparison = compare_with_black_box(problem, steps=steps, optimizer="bo", seed=seed)
        summary = comparison.summary()
        descent, bo = summary["hypergradient descent"], summary["black box"]
        rows.setdefault("hypergradient descent", []).append((descent["trials"], descent["validation"],
                                                             descent["test"], 1.0))
        rows.setdefault("bo", []).append((bo["trials"], bo["validation"], bo["test"],
                                          bo["validation"] / descent["validation"]))
        shared = BilevelObjective(LogisticProblem("digits", seed=seed))
        grid = [shared({"weight_decay": lam}) for lam in np.geomspace(1e-5, 1e-1, 9)]
        best_shared = min(grid, key=lambda e: e.value)
        rows.setdefault("best shared penalty (grid of 9)", []).append(
            (9.0, best_shared.value, best_shared.user_attrs["test_loss"], best_shared.value / descent["validation"]))
        for peer in peers:
            trials, val, test = black_box_run(peer, problem, comparison.seconds, seed)
            rows.setdefault(peer, []).append((trials, val, test, val / descent["validation"]))
        print(f"seed {seed}: {comparison.seconds:.0f} s each", flush=True)
    print(f"\n# digits, 64 per-pixel penalties: {steps} descent steps, then each black box for the same "
          f"wall time; {seeds} seeds ({datetime.date.today()})\n")
    print("| method | trials | best validation log-loss | its test log-loss | validation ratio to the descent |")
    print("|---|---|---|---|---|")
    for name, values in rows.items():
        array = np.array(values)
        mean, se = array.mean(0), array.std(0, ddof=1) / np.sqrt(len(array)) if len(array) > 1 else 0 * array[0]
        print(f"| {name} | {mean[0]:.0f} | {mean[1]:.3f} ± {se[1]:.3f} | {mean[2]:.3f} ± {se[2]:.3f} | "
              f"{mean[3]:.2f} |")


def modes_part() -> None:
    horizons = (10, 20, 40, 80)
    problems = {"MLP, h = 2": (MLPProblem(), np.log([1e-3, 0.5])),
                "logistic digits, h = 64": (LogisticProblem("digits", per_feature=True), np.full(64, np.log(1e-3)))}
    print(f"\n# one hypergradient, reverse against forward mode ({datetime.date.today()})\n")
    print("| problem | T | reverse s | forward s | forward / reverse time | reverse MB | forward MB |")
    print("|---|---|---|---|---|---|---|")
    for name, (problem, theta) in problems.items():
        costs = mode_costs(problem, theta, horizons)
        for i, T in enumerate(costs.horizons):
            r, f = costs.seconds["reverse"][i], costs.seconds["forward"][i]
            print(f"| {name} | {T} | {r:.3f} | {f:.3f} | {f / r:.1f} | "
                  f"{costs.stored_bytes['reverse'][i] / 1e6:.1f} | {costs.stored_bytes['forward'][i] / 1e6:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["wall", "modes"], default="wall")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=25)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("optuna").setLevel(logging.WARNING)
    if args.part == "wall":
        wall_part(args.seeds, args.steps)
    else:
        modes_part()


if __name__ == "__main__":
    main()
