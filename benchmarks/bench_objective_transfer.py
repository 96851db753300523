"""Parallel runs of an objective that holds data: what sending it to the workers costs.

An objective that closes over a dataset (``--sizes`` megabytes of bytes) and does no work; 40
trials of random search on 2 local processes (``n_workers=2``) and on a 2-worker Dask
``LocalCluster`` on loopback. The time is what the run costs beyond the objective: sending the
objective, dispatch, results. Compare commits side by side by running this file from each.

Run alone (timings): ``.venv/bin/python benchmarks/bench_objective_transfer.py [--trials 40] [--sizes 0 40 200]``;
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

SPACE = SearchSpace([Float("x", -1.0, 1.0)])


def holding(megabytes: float):
    """An objective that holds ``megabytes`` of data and returns at once."""
    data = b"\0" * int(megabytes * 1e6)

    def objective(params):
        return params["x"] ** 2 + len(data) * 0.0

    return objective


def timed(trials: int, objective, **run) -> float:
    study = Study(SPACE, "random", seed=0)
    clock = time.perf_counter()
    study.run(objective, trials, **run)
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.0, 40.0, 200.0])
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from distributed import Client, LocalCluster

    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", memory_limit=0) as cluster, Client(cluster) as client:
        for size in args.sizes:
            objective = holding(size)
            processes = timed(args.trials, objective, n_workers=2)
            rows.append((size, processes, timed(args.trials, objective, executor=client)))
            print(f"{size:g} MB: done", flush=True)
    print(f"\n# {args.trials} trials of an objective holding data, 2 workers ({datetime.date.today()})\n")
    print("| data MB | 2 processes s | Dask 2 workers s |")
    print("|---|---|---|")
    for size, processes, dask in rows:
        print(f"| {size:g} | {processes:.2f} | {dask:.2f} |")


if __name__ == "__main__":
    main()
