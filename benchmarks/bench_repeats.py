"""Repeated configurations on continuous and mixed spaces: our BO and ParEGO with and without repeats.

Run: ``.venv/bin/python benchmarks/bench_repeats.py [--seeds N] [--trials N] [--tasks a,b]
[--zdt-trials N]``.

Once the GP believes the incumbent cannot be beaten, log-EI's largest value can be at the
incumbent itself (the fixed noise leaves it a sliver of uncertainty), and a deterministic
objective is evaluated there again: on an optimum on a bound, the proposal is that bound's
corner, again and again. Side by side in one run, over the same seeds:

- ``bo``: ``GaussianProcessBO`` at its defaults (``allow_repeats=False``: a single proposal is
  the best point of the acquisition search that repeats no evaluated, failed or pending one);
- ``bo allow_repeats``: the same with ``allow_repeats=True``, exactly the behaviour before;

on the benchmark suite's tasks (``benchmarks/suite/tasks.py``; ``--tasks``, default all), and
``parego`` / ``parego allow_repeats`` on ZDT1-3 in 4 dimensions (reference (11, 11), as
``bench_multiobjective.py``). Prints, per method and task, the mean number of repeated trials
per run (a trial whose params equal an earlier trial's in that run) and the mean final score:
the suite's normalized score for the suite's tasks (``benchmarks.suite.report``, against the
committed full run's references; 0 is the optimum, 1 the median random configuration), the
hypervolume for ZDT.
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
from interactive_hpo.objectives import ZDT1, ZDT2, ZDT3  # noqa: E402
from interactive_hpo.pareto import hypervolume  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.report import normalized  # noqa: E402
from benchmarks.suite.tasks import TASKS, make_task  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "results.json"


def repeats(study: Study) -> int:
    """Trials whose params equal an earlier trial's."""
    keys = [tuple(sorted((k, repr(v)) for k, v in t.params.items())) for t in study.trials]
    return len(keys) - len(set(keys))


def suite_run(name: str, seed: int, trials: int, allow_repeats: bool) -> dict:
    """One run in the suite's layout (``benchmarks.suite.runner.Run``), with its repeats."""
    task = make_task(name)
    study = Study(task.space, "bo", seed=seed, optimizer_settings={"allow_repeats": allow_repeats})
    study.run(lambda p: float(task.loss(dict(p))), n_trials=trials, progress=False)
    losses = [float(t.value) for t in study.trials]
    return {"task": name, "seed": seed, "losses": losses, "budgets": [1.0] * len(losses), "repeats": repeats(study)}


def zdt_run(problem, seed: int, trials: int, allow_repeats: bool) -> tuple[int, float]:
    study = Study(problem.space, "parego", directions=problem.directions, seed=seed,
                  optimizer_settings={"allow_repeats": allow_repeats})
    study.run(problem, n_trials=trials, progress=False)
    return repeats(study), hypervolume(np.array([t.values for t in study.trials]), problem.reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--zdt-trials", type=int, default=50)
    parser.add_argument("--tasks", default=",".join(TASKS))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    references = json.loads(RESULTS.read_text())["references"]
    print(f"{args.seeds} seeds; mean repeats per run and mean final score, allow_repeats False | True")
    methods = {False: "bo", True: "bo allow_repeats"}
    for name in args.tasks.split(","):
        results = {"methods": {method: {"runs": [suite_run(name, seed, args.trials, allow)
                                                  for seed in range(args.seeds)]}
                               for allow, method in methods.items()},
                   "references": {name: references[name]}}
        row = [f"{np.mean([r['repeats'] for r in results['methods'][m]['runs']]):5.1f} repeats, score "
               f"{np.mean(normalized(results, name, m, args.trials)):.3g}" for m in methods.values()]
        print(f"bo     {name:>18}: " + " | ".join(row), flush=True)
    for problem in (ZDT1(dim=4), ZDT2(dim=4), ZDT3(dim=4)):
        row = []
        for allow in (False, True):
            runs = [zdt_run(problem, seed, args.zdt_trials, allow) for seed in range(args.seeds)]
            row.append(f"{np.mean([r for r, _ in runs]):5.1f} repeats, hypervolume {np.mean([h for _, h in runs]):.3f}")
        print(f"parego {type(problem).__name__:>18}: " + " | ".join(row), flush=True)


if __name__ == "__main__":
    main()
