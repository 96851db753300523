"""What a BO proposal costs while other trials are pending (running on workers, not yet told).

In a parallel run the study asks while trials run: BO then proposes jointly with the pending
points (qLogNEI, a Monte Carlo acquisition) instead of with log-EI alone, and refits its GP only
when a result has arrived since the last ask. For each task and seed: ``--told`` trials are run
serially, then ``ask`` is timed with 0, 1, 2 and 3 trials pending (each ask leaves its trial
running), then the first of them is told and ``ask`` is timed once more (a refit, 3 pending).

Tasks: ``bowl4``, the 4-float bowl of ``bench_parallel.py`` (continuous), and ``svm_digits``
(3-fold CV; a conditional mixed space: log floats, an int and a 3-way kernel choice).

Run alone (timings): ``.venv/bin/python benchmarks/bench_pending.py [--told 10] [--seeds 5]``;
prints a markdown table (over the seeds: the median and maximum wall-clock seconds, and the median
processor seconds, which a busy machine stretches less).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, like the others
from benchmarks.bench_parallel import SPACE, sleeper  # noqa: E402 - the same bowl as the parallel runs
from interactive_hpo import Study  # noqa: E402

#: Column names: the state of the study when ``ask`` was timed.
COLUMNS = ("0 pending", "1 pending", "2 pending", "3 pending", "after a tell, 3 pending")


def task(name: str):
    """``(space, objective, direction)`` of a task by name."""
    if name == "bowl4":
        return SPACE, sleeper(0.0), "minimize"
    from interactive_hpo.objectives import tasks

    svm = tasks.svm_digits(seed=0, cv=3)
    return svm.space, svm, "maximize"


def timed_asks(name: str, seed: int, told: int) -> list[tuple[float, float]]:
    """(wall, processor) seconds of each ask, in the order of :data:`COLUMNS`."""
    space, objective, direction = task(name)
    study = Study(space, "bo", direction=direction, seed=seed)
    study.run(objective, told, progress=False)
    seconds, running = [], []
    for _ in range(4):   # 0, 1, 2, 3 pending
        clock, cpu = time.perf_counter(), time.process_time()
        running.append(study.ask())
        seconds.append((time.perf_counter() - clock, time.process_time() - cpu))
    result = objective(running[0].params)
    study.tell(running[0], getattr(result, "value", result))   # svm_digits returns an Evaluation
    clock, cpu = time.perf_counter(), time.process_time()
    study.ask()
    seconds.append((time.perf_counter() - clock, time.process_time() - cpu))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--told", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tasks", default="bowl4,svm_digits")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = []
    for name in args.tasks.split(","):
        times = np.array([timed_asks(name, seed, args.told) for seed in range(args.seeds)])
        rows.append((name, times))
        print(f"{name}: done", flush=True)
    print(f"\n# BO's ask after {args.told} told trials, {args.seeds} seeds ({datetime.date.today()}), "
          "seconds: wall median / max (processor median)\n")
    print("| task | " + " | ".join(COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for name, times in rows:
        cells = [f"{np.median(wall):.2f} / {wall.max():.2f} ({np.median(cpu):.2f})"
                 for wall, cpu in times.transpose(1, 2, 0)]   # per column: the seeds' wall and processor times
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
