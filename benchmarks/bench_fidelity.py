"""Multi-fidelity benchmark: what a fixed total budget buys on a scikit-learn task.

Every method gets the same total budget, counted in full evaluations: one Hyperband cycle
with ``min_budget = 1/27`` and ``eta = 3`` (69 jobs, 15.67 full evaluations). A job at budget
``b`` costs ``b`` (a fraction of each fold's training samples, or of ``n_estimators``), and a
method stops starting jobs once it has spent the total. The score is the best mean CV accuracy
among the method's *full-budget* evaluations (low-budget scores are not comparable), and the
sealed test accuracy of that configuration.

Methods, side by side on the same seeds:

- ours: random search at full budget (the baseline), ``SuccessiveHalving``, ``Hyperband``,
  ``ASHA`` (stepped one job at a time), and Hyperband with ``sampler="bo"`` (BOHB-style);
- Optuna 5: ``RandomSampler`` and ``TPESampler`` with ``HyperbandPruner`` (min_resource=1,
  max_resource=27, reduction_factor=3); each trial evaluates rung budgets 1/27, 1/9, 1/3, 1 in
  turn (retraining, as ours do) and reports each, so it pays for every rung it reaches;
- scikit-optimize: ``gp_minimize`` at full budget (it has no multi-fidelity method).

Run: ``.venv/bin/python benchmarks/bench_fidelity.py [--task svm_digits] [--seeds 10]``; prints
a markdown table. Ratios are per-seed error ratios ``(1 - accuracy) / (1 - accuracy of
random search)``, averaged: below 1 is better than random search.

``--part sampler`` measures what BOHB-style sampling buys instead: Hyperband with random and
with GP-proposed new configurations, three cycles of 22 jobs (66, ``min_budget = 1/9``), on the
multi-fidelity Branin and Hartmann6 functions (``MultiFidelity``), best full-budget value.
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

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives import Branin, Hartmann6, MultiFidelity, SklearnCV, make_task  # noqa: E402
from interactive_hpo.optimizers import hyperband_brackets, rung_budgets  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.methods import optuna_distributions, skopt_dimensions  # noqa: E402 - shared converters

MIN_BUDGET, ETA = 1 / 27, 3
TOTAL = sum(n * r for bracket in hyperband_brackets(MIN_BUDGET, 1.0, ETA) for n, r in bracket)
OURS = {"random": {}, "halving": {"min_budget": MIN_BUDGET}, "hyperband": {"min_budget": MIN_BUDGET},
        "asha": {"min_budget": MIN_BUDGET}, "bohb": {"min_budget": MIN_BUDGET, "sampler": "bo"}}


def run_ours(method: str, objective: SklearnCV, seed: int) -> tuple[float, dict[str, Any], int]:
    """Step one of our optimizers until the budget is spent; (best full-budget value, its params, evaluations)."""
    name = "hyperband" if method == "bohb" else method
    study = Study(objective.space, name, direction="maximize", seed=seed, optimizer_settings=OURS[method])
    spent = 0.0
    while spent < TOTAL - 1e-9:
        trial = study.step(objective)
        spent += 1.0 if trial.budget is None else trial.budget
    full = [t for t in study.trials if t.budget in (None, 1.0) and t.value is not None]
    best = max(full, key=lambda t: t.value)
    return float(best.value), dict(best.params), len(study.trials)


def run_optuna(method: str, objective: SklearnCV, seed: int) -> tuple[float, dict[str, Any], int]:
    """Optuna's pruner-based Hyperband: each trial climbs the rungs until the pruner stops it."""
    sampler = optuna.samplers.TPESampler(seed=seed) if method == "optuna-tpe-hb" else \
        optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=optuna.pruners.HyperbandPruner(
        min_resource=1, max_resource=round(1 / MIN_BUDGET), reduction_factor=ETA))
    distributions = optuna_distributions(objective.space)
    spent, evaluations = [0.0], [0]

    def evaluate(trial: optuna.Trial) -> float:
        params = {name: trial._suggest(name, dist) for name, dist in distributions.items()}
        value = float("nan")
        for budget in rung_budgets(MIN_BUDGET, 1.0, ETA):
            value = objective(params, budget=budget).value
            spent[0] += budget
            evaluations[0] += 1
            trial.report(value, step=round(budget / MIN_BUDGET))
            if budget < 1.0 and trial.should_prune():
                raise optuna.TrialPruned()
        return value

    while spent[0] < TOTAL - 1e-9:
        study.optimize(evaluate, n_trials=1)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = max(complete, key=lambda t: t.value)
    return float(best.value), dict(best.params), evaluations[0]


def run_skopt(objective: SklearnCV, seed: int) -> tuple[float, dict[str, Any], int]:
    """scikit-optimize's GP at full budget, as many evaluations as the budget allows."""
    dims = skopt_dimensions(objective.space)
    names = [d.name for d in dims]
    n_calls = int(np.ceil(TOTAL))
    result = skopt.gp_minimize(lambda v: -objective(dict(zip(names, v, strict=True))).value, dims,
                               n_calls=n_calls, n_initial_points=min(10, n_calls), random_state=seed)
    return float(-result.fun), dict(zip(names, result.x, strict=True)), n_calls


def sampler_part(seeds: int) -> None:
    """Hyperband's new configurations drawn at random or proposed by a GP (BOHB-style)."""
    print(f"# Hyperband, 66 jobs (3 cycles of 22, min_budget 1/9), {seeds} seeds: best full-budget value (mean ± se)")
    print("\n| function (optimum) | random sampler | sampler='bo' | seconds per run (random / bo) |")
    print("|---|---|---|---|")
    for function in (MultiFidelity(Branin()), MultiFidelity(Hartmann6())):
        cells, seconds = [], []
        for sampler in ("random", "bo"):
            best, started = [], time.perf_counter()
            for seed in range(seeds):
                study = Study(function.space, "hyperband", seed=seed,
                              optimizer_settings={"sampler": sampler, "min_budget": 1 / 9})
                study.run(function, n_trials=66)
                best.append(min(t.value for t in study.trials if t.budget == 1.0))
            seconds.append((time.perf_counter() - started) / seeds)
            cells.append(f"{np.mean(best):.3f} ± {np.std(best, ddof=1) / np.sqrt(seeds):.3f}")
        print(f"| {function.name} ({function.function.optimal_value:.3f}) | {cells[0]} | {cells[1]} | "
              f"{seconds[0]:.2f} / {seconds[1]:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="svm_digits")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--part", choices=("budget", "sampler"), default="budget")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.part == "sampler":
        sampler_part(args.seeds)
        return
    optuna.logging.set_verbosity(logging.WARNING)
    methods: dict[str, Callable[[SklearnCV, int], tuple[float, dict[str, Any], int]]] = {
        **{m: (lambda o, s, m=m: run_ours(m, o, s)) for m in OURS},
        "optuna-random-hb": lambda o, s: run_optuna("optuna-random-hb", o, s),
        "optuna-tpe-hb": lambda o, s: run_optuna("optuna-tpe-hb", o, s),
        "skopt-gp": run_skopt,
    }
    print(f"# {args.task}, cv={args.cv}, {args.seeds} seeds, total budget {TOTAL:.2f} full evaluations; "
          f"{platform.processor() or platform.machine()}, optuna {optuna.__version__}, skopt {skopt.__version__}")
    cv, test, jobs, seconds = ({m: [] for m in methods} for _ in range(4))
    for seed in range(args.seeds):
        objective = make_task(args.task, seed=seed, cv=args.cv)
        for method, run in methods.items():
            started = time.perf_counter()
            value, params, n = run(objective, seed)
            seconds[method].append(time.perf_counter() - started)
            cv[method].append(value)
            test[method].append(objective.test_score(params))
            jobs[method].append(n)
    base = np.array(cv["random"])
    print("\n| method | CV accuracy (mean ± se) | error ratio vs random | test accuracy | evaluations | seconds |")
    print("|---|---|---|---|---|---|")
    for method in methods:
        values = np.array(cv[method])
        ratio = (1 - values) / (1 - base)
        se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
        print(f"| {method} | {values.mean():.4f} ± {se:.4f} | {ratio.mean():.2f} | {np.mean(test[method]):.4f} "
              f"| {np.mean(jobs[method]):.0f} | {np.mean(seconds[method]):.1f} |")


if __name__ == "__main__":
    main()
