"""Interop benchmark: what ``from_optuna`` costs on a large Optuna study, in memory and journaled.

Run: ``.venv/bin/python benchmarks/bench_interop.py [--trials 10000] [--repeats 3]``

The Optuna study (in Optuna's in-memory storage, RandomSampler) has the trials a practitioner's
study has: 8 parameters (floats, a log float, an int, a categorical), 5 intermediate values and 2
user attributes each. ``from_optuna`` is timed with ``storage=None`` and with a new journal,
one after the other in each of ``--repeats`` rounds so that both meet the same load on a shared
machine (medians of the wall-clock seconds and of this process's CPU seconds), then run once more
under ``tracemalloc`` for its peak Python memory (tracemalloc slows it down, so that run is not
timed). Prints a markdown table; the figures in ``benchmarks/README.md`` come from this command.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import optuna  # noqa: E402

from interactive_hpo.interop import from_optuna  # noqa: E402


def objective(trial: Any) -> float:
    """Cheap: what is measured is the import, not the evaluation."""
    value = sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))
    value += trial.suggest_int("n", 1, 9) + trial.suggest_float("lr", 1e-5, 1.0, log=True)
    value += trial.suggest_categorical("kind", ["a", "b"]) == "a"
    for step in range(5):
        trial.report(value + 5 - step, step)
    trial.set_user_attr("fit_time", 0.1)
    trial.set_user_attr("fold_scores", [1.0, 2.0, 3.0])
    return value


def imported(study: Any, storage: Path | None) -> None:
    from_optuna(study, "random", seed=0, storage=storage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=args.trials)
    labels = {"in memory": False, "storage=new journal": True}
    wall: dict[str, list[float]] = {label: [] for label in labels}
    cpu: dict[str, list[float]] = {label: [] for label in labels}
    peaks = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = (Path(folder) / f"{i}.jsonl" for i in range(args.repeats + 1))
        for _ in range(args.repeats):
            for label, journaled in labels.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                imported(study, next(paths) if journaled else None)
                wall[label].append(time.perf_counter() - start)
                cpu[label].append(time.process_time() - start_cpu)
        for label, journaled in labels.items():
            tracemalloc.start()
            imported(study, next(paths) if journaled else None)
            peaks[label] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    print(f"| from_optuna, {args.trials} trials | seconds (median of {args.repeats}) | CPU seconds (median) | "
          "peak MiB (tracemalloc) |")
    print("|---|---|---|---|")
    for label in labels:
        print(f"| {label} | {statistics.median(wall[label]):.2f} | {statistics.median(cpu[label]):.2f} | "
              f"{peaks[label]:.0f} |")


if __name__ == "__main__":
    main()
