"""Parallel trials: wall time of a study on 1 and 2 workers, local processes and a Dask LocalCluster.

The objective sleeps ``--sleep`` seconds (times the budget for ASHA, whose budgets run from 1/3
to 1; a stand-in for training that leaves the CPU to the optimizer), so the ideal speed-up with
2 workers is 2x; what is lost is the optimizer's own time per ask (BO fits its GP while the
workers wait), dispatch and result transport. For each
optimizer: serial ``Study.run``, then ``n_workers=2`` (local processes), then a 2-worker Dask
``LocalCluster`` on loopback; ratios are serial time over parallel time.

Run alone (timings): ``.venv/bin/python benchmarks/bench_parallel.py [--trials 20] [--sleep 0.5]``;
prints a markdown table.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402

SPACE = SearchSpace([Float(f"x{i}", -5.0, 5.0) for i in range(4)])


def sleeper(seconds: float):
    """An objective that takes ``seconds`` (times the budget, for ASHA) and returns a bowl's value."""

    def objective(params, budget=None):
        time.sleep(seconds * (1.0 if budget is None else budget))
        return sum((value - 1.0) ** 2 for value in params.values())

    return objective


#: ASHA's jobs take 1/3 to all of the objective's time: tiny jobs would measure dispatch, not ASHA.
SETTINGS = {"asha": {"min_budget": 1 / 3, "reduction_factor": 3}}


def timed(optimizer: str, trials: int, objective, **run) -> float:
    study = Study(SPACE, optimizer, seed=0, optimizer_settings=SETTINGS.get(optimizer))
    clock = time.perf_counter()
    study.run(objective, trials, **run)
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--sleep", type=float, default=0.5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from distributed import Client, LocalCluster

    objective = sleeper(args.sleep)
    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        for optimizer in ("random", "cmaes", "bo", "asha"):
            serial = timed(optimizer, args.trials, objective)
            processes = timed(optimizer, args.trials, objective, n_workers=2)
            dask = timed(optimizer, args.trials, objective, executor=client)
            rows.append((optimizer, serial, processes, dask))
            print(f"{optimizer}: done", flush=True)
    print(f"\n# {args.trials} trials of a {args.sleep:g} s objective, 2 workers ({datetime.date.today()})\n")
    print("| optimizer | serial s | 2 processes s | speed-up | Dask 2 workers s | speed-up |")
    print("|---|---|---|---|---|---|")
    for optimizer, serial, processes, dask in rows:
        print(f"| {optimizer} | {serial:.1f} | {processes:.1f} | {serial / processes:.2f}x | {dask:.1f} | "
              f"{serial / dask:.2f}x |")


if __name__ == "__main__":
    main()
