"""Pruning in parallel runs: what a report costs when it travels from a worker to the study.

An objective that reports ``--reports`` times, sleeping ``--sleep`` seconds before each (a stand-in
for an epoch), with no pruner (every trial runs to its end, so every configuration reports as
often): serially, on 2 local processes, 2 threads and a 2-worker Dask ``LocalCluster`` on
loopback. The same objective without reports is the baseline of each way of running; the
difference, per report, is what a report waits for its answer (the study records it in its
journal and asks the pruner).

Run alone (timings): ``.venv/bin/python benchmarks/bench_parallel_reports.py [--trials 16]
[--reports 50] [--sleep 0.01]``; prints a markdown table.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from interactive_hpo import Float, SearchSpace, Study  # noqa: E402

SPACE = SearchSpace([Float("x", -1.0, 1.0)])


def reporting(n_reports: int, sleep: float):
    """An objective that sleeps ``sleep`` s and reports, ``n_reports`` times."""

    def objective(params, report):
        for step in range(n_reports):
            time.sleep(sleep)
            report(params["x"] ** 2 + 1.0 / (step + 1), step)
        return params["x"] ** 2

    return objective


def silent(n_reports: int, sleep: float):
    """The same time spent, no reports."""

    def objective(params):
        time.sleep(n_reports * sleep)
        return params["x"] ** 2

    return objective


def timed(objective, trials: int, folder: str, **run) -> float:
    study = Study(SPACE, "random", seed=0, storage=tempfile.mktemp(suffix=".jsonl", dir=folder))
    clock = time.perf_counter()
    study.run(objective, trials, **run)
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16)
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--sleep", type=float, default=0.01)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from distributed import Client, LocalCluster

    with_reports, without = reporting(args.reports, args.sleep), silent(args.reports, args.sleep)
    rows = []
    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(2) as threads, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0") as cluster, Client(cluster) as client:
        for name, run in (("serial", {}), ("2 processes", {"n_workers": 2}), ("2 threads", {"executor": threads}),
                          ("Dask, 2 workers", {"executor": client})):
            base = timed(without, args.trials, folder, **run)
            reported = timed(with_reports, args.trials, folder, **run)
            rows.append((name, base, reported))
            print(f"{name}: done", flush=True)
    n = args.trials * args.reports
    print(f"\n# {args.trials} trials of {args.reports} reports, {1000 * args.sleep:g} ms before each, journaled "
          f"({datetime.date.today()})\n")
    print("| run | without reports s | with reports s | per report ms |")
    print("|---|---|---|---|")
    for name, base, reported in rows:
        workers = 1 if name == "serial" else 2
        print(f"| {name} | {base:.2f} | {reported:.2f} | {1000 * (reported - base) * workers / n:.2f} |")


if __name__ == "__main__":
    main()
