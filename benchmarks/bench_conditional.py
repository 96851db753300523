"""Conditional spaces (issue 24, item 5): our BO on a conditional SVM and a conditional MLP,
against the same tasks flattened, Optuna's TPE and GPSampler asked define-by-run (only the
active parameters suggested, as Optuna users write conditional spaces), and random search.

Run: ``.venv/bin/python benchmarks/bench_conditional.py [--seeds 10] [--trials 50] [--draws 300]
[--jobs 2]``. Writes ``benchmarks/results/conditional/results.json`` (every run's losses and
configurations) and prints the table the README quotes (``--report`` prints it again from the
file): the normalized score after the last trial (best loss minus the best any run found, over
the median of ``--draws`` random configurations minus that best; lower is better; mean and
standard error over seeds), and per run how many trials were *repeats*, a configuration whose
active parameters equal an earlier trial's to two significant digits (in a flattened space,
SVMs that differ only in a parameter their kernel ignores count), and how many scored exactly
an earlier trial's loss.

The tasks (3-fold CV on a 75% training split, seed 0, so every optimizer seed tunes the same
task):

- ``svm_cancer``: ``StandardScaler`` + ``SVC`` on breast_cancer, 1 - ROC AUC. ``kernel`` in
  {linear, rbf, poly, sigmoid}, ``C`` (log), ``gamma`` (log; not for linear), ``degree`` 2..5
  (poly only), ``coef0`` in [0, 1] (poly and sigmoid only).
- ``mlp_wine``: ``StandardScaler`` + ``MLPClassifier(max_iter=100)`` on wine, log-loss.
  ``n_layers`` 1..3 with ``width_1..3`` (log, 4..64; layer k only with k layers or more),
  ``solver`` {adam, sgd} with ``momentum`` (sgd only), ``learning_rate_init`` and ``alpha`` (log).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, like the others
from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402
from interactive_hpo.objectives.tasks import mlp_layers_params, mlp_layers_space  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "conditional"
METHODS = ("bo", "bo-flattened", "optuna-tpe", "optuna-gp", "random")


def svm_space() -> SearchSpace:
    return SearchSpace([
        Categorical("kernel", ["linear", "rbf", "poly", "sigmoid"]),
        Float("C", 1e-3, 1e3, log=True),
        Float("gamma", 1e-4, 10.0, log=True, condition=("kernel", ["rbf", "poly", "sigmoid"])),
        Int("degree", 2, 5, condition=("kernel", "poly")),
        Float("coef0", 0.0, 1.0, condition=("kernel", ["poly", "sigmoid"])),
    ])


def make_task(name: str) -> tuple[SearchSpace, Callable[[Mapping[str, Any]], float]]:
    """The conditional space and the loss of a task. The loss takes flattened params too: a
    parameter its configuration does not use is left out (scikit-learn would ignore it)."""
    import sklearn.datasets
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    from interactive_hpo.objectives import SklearnCV

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    if name == "svm_cancer":
        X, y = sklearn.datasets.load_breast_cancer(return_X_y=True)
        space = svm_space()
        objective = SklearnCV(make_pipeline(StandardScaler(), SVC(max_iter=20_000)), X, y, space, cv=3,
                              scoring="roc_auc", seed=0, name=name, ignore_warnings=(ConvergenceWarning,),
                              estimator_params=lambda p: {f"svc__{k}": v for k, v in p.items()})
    else:
        X, y = sklearn.datasets.load_wine(return_X_y=True)
        space = mlp_layers_space(4, 64)
        objective = SklearnCV(make_pipeline(StandardScaler(), MLPClassifier(max_iter=100)), X, y, space, cv=3,
                              scoring="neg_log_loss", seed=0, name=name,
                              estimator_params=lambda p: mlp_layers_params(p, "mlpclassifier__"),
                              ignore_warnings=(ConvergenceWarning,))

    def loss(params: Mapping[str, Any]) -> float:
        value = objective(space.complete(params)).value  # what a flattened trial's parameters amount to
        return float(1.0 - value if name == "svm_cancer" else -value)

    return space, loss


def flattened(space: SearchSpace) -> SearchSpace:
    """The same parameters with every condition dropped."""
    return SearchSpace([type(p)(**{k: v for k, v in p.to_dict().items() if k not in ("type", "condition")})
                        for p in space])


def _suggest(trial: Any, param: Any) -> Any:
    if param.kind == "categorical":
        return trial.suggest_categorical(param.name, list(param.choices))
    if param.kind == "int":
        return trial.suggest_int(param.name, param.low, param.high, log=param.log)
    return trial.suggest_float(param.name, param.low, param.high, log=param.log)


def run_optuna(space: SearchSpace, loss: Callable[..., float], sampler: str, seed: int,
               n_trials: int) -> list[tuple[dict[str, Any], float]]:
    """Optuna's ask-and-tell, define-by-run: each trial suggests its active parameters only."""
    import optuna

    # ERROR: GPSampler warns at every trial that it samples a dynamic space's parameters at random
    # (Optuna #6164); the table shows what that costs.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    make = {"tpe": optuna.samplers.TPESampler, "gp": optuna.samplers.GPSampler}[sampler]
    study = optuna.create_study(sampler=make(seed=seed))
    out = []
    for _ in range(n_trials):
        trial = study.ask()
        params: dict[str, Any] = {}
        for i in space.conditions.order:
            if space.conditions.is_met(i, params, set(params)):
                params[space.params[i].name] = _suggest(trial, space.params[i])
        value = loss(params)
        study.tell(trial, value)
        out.append((params, value))
    return out


def run_ours(space: SearchSpace, loss: Callable[..., float], optimizer: str, seed: int,
             n_trials: int) -> list[tuple[dict[str, Any], float]]:
    study = Study(space, optimizer, seed=seed)
    out = []
    for _ in range(n_trials):
        trial = study.ask()
        value = loss(trial.params)
        study.tell(trial, value)
        out.append((dict(trial.params), value))
    return out


def one_run(job: tuple[str, str, int, int]) -> dict[str, Any]:
    task, method, seed, n_trials = job
    warnings.filterwarnings("ignore")
    space, loss = make_task(task)
    started = time.perf_counter()
    if method.startswith("optuna-"):
        trials = run_optuna(space, loss, method.split("-")[1], seed, n_trials)
    else:
        searched = flattened(space) if method == "bo-flattened" else space
        trials = run_ours(searched, loss, "bo" if method.startswith("bo") else method, seed, n_trials)
    return {"task": task, "method": method, "seed": seed, "losses": [v for _, v in trials],
            "params": [p for p, _ in trials], "wall": time.perf_counter() - started}


def repeats(space: SearchSpace, run: dict[str, Any]) -> tuple[int, int]:
    """Trials of ``run`` whose configuration (its active parameters, floats to two significant
    digits) an earlier trial had, and trials whose loss an earlier trial had exactly."""
    def key(params: Mapping[str, Any]) -> str:
        active = space.complete(params)  # a flattened trial's inactive parameters are not the configuration
        return json.dumps({k: float(f"{v:.2g}") if isinstance(v, float) else v for k, v in active.items()},
                          sort_keys=True)

    keys, losses = [key(p) for p in run["params"]], run["losses"]
    return (sum(k in keys[:i] for i, k in enumerate(keys)), sum(v in losses[:i] for i, v in enumerate(losses)))


def random_median(task: str, draws: int) -> float:
    space, loss = make_task(task)
    return float(np.median([loss(p) for p in space.sample(draws, rng=12345)]))


def table(result: dict[str, Any], n_trials: int) -> str:
    spaces = {"svm_cancer": svm_space(), "mlp_wine": mlp_layers_space(4, 64)}
    lines = ["| method | " + " | ".join(f"{t} score | {t} repeats / same loss per run" for t in result["tasks"])
             + " |", "|---|" + "---|---|" * len(result["tasks"])]
    for method in METHODS:
        cells = []
        for task in result["tasks"]:
            runs = [r for r in result["runs"] if r["task"] == task]
            best = min(min(r["losses"][:n_trials]) for r in runs)
            scale = result["random_median"][task] - best
            mine = [r for r in runs if r["method"] == method]
            scores = np.array([(min(r["losses"][:n_trials]) - best) / scale for r in mine])
            counts = np.array([repeats(spaces[task], r) for r in mine], dtype=float)
            cells += [f"{scores.mean():.3f} ± {scores.std(ddof=1) / np.sqrt(len(scores)):.3f}",
                      f"{counts[:, 0].mean():.1f} / {counts[:, 1].mean():.1f}"]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tasks", default="svm_cancer,mlp_wine")
    parser.add_argument("--report", action="store_true", help="print the table of the last run's file")
    args = parser.parse_args()
    if args.report:
        result = json.loads((OUT / "results.json").read_text())
        print(table(result, result["meta"]["trials"]))
        return
    tasks = args.tasks.split(",")
    jobs = [(task, method, seed, args.trials) for task in tasks for method in METHODS for seed in range(args.seeds)]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        medians = dict(zip(tasks, pool.map(random_median, tasks, [args.draws] * len(tasks)), strict=True))
        runs = list(pool.map(one_run, jobs))
    result = {"tasks": tasks, "runs": runs, "random_median": medians,
              "meta": {"seeds": args.seeds, "trials": args.trials, "draws": args.draws,
                       "seconds": time.perf_counter() - started}}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(result))
    print(table(result, args.trials))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
