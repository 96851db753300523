"""Running the comparison: every method on every task and seed, the optimizer's time per proposal
as the data grow (on a continuous and on a mixed space), and each method's peak memory.

Each method runs in a fresh process of its own (``isolate=True``): so its peak resident memory is
its own and nothing it imports or caches helps the next method. ``jobs=2`` runs two such processes
at once, one per core; the default runs them one after another. BLAS, OpenMP, joblib and torch
are pinned to one thread (``pin_threads``) before anything imports them. Each process starts with
``PYTHONHASHSEED=0``: SMAC orders its local-search starts through a set of configurations, so
its runs depend on the hash seed.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from .methods import BUDGETED, make_method
from .tasks import make_task, random_median

__all__ = ["Run", "TIMING_TASKS", "pin_threads", "run_one", "time_proposals", "run_suite"]

#: joblib's cap (LOKY_MAX_CPU_COUNT) holds SMAC's random forest, whose trees run on every core
#: through joblib's threads by default, to one.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "LOKY_MAX_CPU_COUNT")

#: The proposal timing's spaces: continuous (Hartmann6, 6 floats) and mixed (``mixed_units``: a
#: log float, a log int over 2..512, a 3-way categorical and a float).
TIMING_TASKS = ("hartmann6", "mixed_units")


def pin_threads() -> None:
    """One thread for BLAS, OpenMP, joblib and torch: peers must not oversubscribe the two cores.

    The variables are read when those libraries load (torch takes its thread count from
    ``OMP_NUM_THREADS``), so torch is not imported here: a method that does not use it should
    not carry it in its peak memory.
    """
    for variable in _THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


@dataclass
class Run:
    """One method on one task with one seed.

    ``losses``, ``budgets`` and ``seconds`` have one entry per evaluation: its loss, its budget
    (1.0 for a full evaluation) and the optimizer's own time for it (``ask`` plus ``tell``).
    """

    task: str
    method: str
    seed: int
    losses: list[float] = field(default_factory=list)
    budgets: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    wall: float = 0.0


def run_one(task: Any, method_name: str, seed: int, n_full: int) -> Run:
    """Step ``method_name`` on ``task`` until ``n_full`` full evaluations' worth of budget is spent."""
    method = make_method(method_name, task.space, seed, n_trials=n_full)
    run = Run(task.name, method_name, seed)
    started = time.perf_counter()
    while sum(run.budgets) < n_full - 1e-9:
        clock = time.perf_counter()
        params, budget = method.ask()
        asking = time.perf_counter() - clock
        budget = 1.0 if budget is None else float(budget)
        loss = float(task.loss(params) if budget >= 1.0 else task.loss(params, budget=budget))
        clock = time.perf_counter()
        method.tell(loss)
        run.seconds.append(asking + time.perf_counter() - clock)
        run.losses.append(loss)
        run.budgets.append(budget)
    run.wall = time.perf_counter() - started
    return run


def time_proposals(method_name: str, sizes: list[int], task_name: str = "hartmann6", seed: int = 0,
                   repeats: int = 3) -> dict[int, float]:
    """Seconds of one proposal (``ask`` + ``tell``) on ``task_name``'s space with n observations.

    For each n a fresh method (for a run of n trials) is told n - 1 uniform random points (the
    same for every method), makes one proposal untimed (a cold first fit is not what a live loop
    sees), then ``repeats`` timed ones, whose median is the figure. A method that makes several
    proposals from one fit of its model (SMAC: 8) makes that many timed ones instead, one whole
    cycle with one fit, and the figure is their mean: its cost per proposal in a live loop.
    """
    task = make_task(task_name)
    out = {}
    for n in sizes:
        method = make_method(method_name, task.space, seed, n_trials=n)
        filler = task.space.sample(max(n - 1, 0), rng=seed)
        method.observe_many(filler, [task.loss(params) for params in filler])
        cycle = method.proposals_per_fit
        times = []
        for repeat in range((repeats if cycle == 1 else cycle) + 1):
            clock = time.perf_counter()
            params, _ = method.ask()
            method.tell(task.loss(params))
            if repeat:
                times.append(time.perf_counter() - clock)
        out[n] = float(np.median(times) if cycle == 1 else np.mean(times))
    return out


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables (inherited by the processes started meanwhile), then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _method_worker(method: str, tasks: list[str], seeds: int, n_full: int, sizes: list[int]) -> dict[str, Any]:
    """Everything one method does in the suite, in one process; with its peak memory."""
    pin_threads()
    runs = []
    for name in tasks:
        task = make_task(name)
        if method in BUDGETED and not task.budgeted:
            continue  # multi-fidelity methods run where budgets apply
        runs += [asdict(run_one(task, method, seed, n_full)) for seed in range(seeds)]
    # A multi-fidelity scheduler's proposal is a bookkeeping step, not a model fit: not timed.
    timed = sizes and method not in BUDGETED
    speed = {name: time_proposals(method, sizes, name) for name in TIMING_TASKS} if timed else {}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The hash seed this process started with (None: random), read back by the report's header.
    return {"runs": runs, "speed": speed, "peak_mb": peak_mb, "hash_seed": os.environ.get("PYTHONHASHSEED")}


def run_suite(tasks: list[str], methods: list[str], *, seeds: int, n_full: int, sizes: list[int],
              random_draws: dict[str, int], isolate: bool = True, jobs: int = 1, progress: Any = None,
              partial: Any = None) -> dict[str, Any]:
    """Run every method on every task; return the results as plain JSON-ready data.

    ``random_draws`` gives, per task, the number of uniform random configurations whose median
    loss normalizes the scores. With ``isolate``, each method runs in a fresh process started with
    ``PYTHONHASHSEED=0`` and its peak memory is recorded; ``jobs`` such processes run at once
    (each pinned to one thread, so two jobs on two cores share nothing but memory bandwidth).
    Without ``isolate`` (the harness test), everything runs here, with this process's hash seed,
    and memory is None. ``progress(method)`` is called as each method finishes; ``partial``, a
    path, receives the results so far (a stopped run keeps what it finished).
    """
    pin_threads()
    references = {}
    for name in tasks:
        task = make_task(name)
        references[name] = {"optimum": task.optimum, "random_median": random_median(task, random_draws[name]),
                            "budgeted": task.budgeted, "description": task.description}
    results: dict[str, Any] = {"methods": {}, "references": references}

    def finished(method: str, outcome: dict[str, Any]) -> None:
        results["methods"][method] = outcome
        if progress is not None:
            progress(method)
        if partial is not None:
            Path(partial).write_text(json.dumps(results))

    if isolate:
        # One fresh process per method (max_tasks_per_child=1): its peak memory is its own. The
        # hash seed is read when a process starts, so it is set in the environment they inherit.
        with _environment(PYTHONHASHSEED="0"), ProcessPoolExecutor(
                max_workers=jobs, mp_context=get_context("spawn"), max_tasks_per_child=1) as pool:
            futures = {pool.submit(_method_worker, method, tasks, seeds, n_full, sizes): method for method in methods}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    else:
        for method in methods:
            finished(method, {**_method_worker(method, tasks, seeds, n_full, sizes), "peak_mb": None})
    results["methods"] = {method: results["methods"][method] for method in methods}  # the order asked for
    results["machine"] = {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                          "cpus": os.cpu_count(), "threads": {v: os.environ.get(v) for v in _THREAD_VARIABLES}}
    hash_seeds = {outcome["hash_seed"] for outcome in results["methods"].values()}
    results["machine"]["hash_seed"] = hash_seeds.pop() if len(hash_seeds) == 1 else None  # the same for all, or None
    return results
