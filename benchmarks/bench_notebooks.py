"""Run time, slowest cell and peak kernel memory of every tutorial notebook, on one thread.

Each notebook is executed with ``jupyter nbconvert --execute`` in its own wrapper process, with
``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``LOKY_MAX_CPU_COUNT`` set
to 1 (torch takes its thread count from ``OMP_NUM_THREADS``), the way Binder's one CPU runs it.
The peak resident memory of the largest process under the wrapper (the kernel) is read from
``getrusage(RUSAGE_CHILDREN)``; each cell's seconds from the execution timestamps nbclient
records in the executed notebook (``metadata.execution``). Budgets are the notebooks' teaching
defaults unless ``--trials`` sets ``IHPO_TRIALS`` (the test suite uses 12).

Run: ``.venv/bin/python benchmarks/bench_notebooks.py [--trials N] [--cells] [NAME ...]``; prints
a markdown table (``NAME`` narrows it to notebooks whose file name contains it; ``--cells``
lists every code cell's seconds too).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 180  # seconds a notebook may take at its teaching budget (issue 25, item 6)
THREADS = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                  "LOKY_MAX_CPU_COUNT")}

_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": done.returncode, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stderr": done.stderr[-2000:]}))
"""


def cell_seconds(executed: Path) -> list[tuple[int, float]]:
    """(cell index, seconds) of each executed code cell, from nbclient's timestamps."""
    seconds = []
    for index, cell in enumerate(nbformat.read(executed, as_version=4).cells):
        stamps = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in stamps and "shell.execute_reply" in stamps:
            start, end = (datetime.fromisoformat(stamps[key].replace("Z", "+00:00"))
                          for key in ("iopub.execute_input", "shell.execute_reply"))
            seconds.append((index, (end - start).total_seconds()))
    return seconds


def measure(notebook: Path, env: dict[str, str], out_dir: str) -> tuple[float, float, int, list[tuple[int, float]]]:
    """(peak MB, seconds, return code, per-cell seconds) of executing ``notebook``."""
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               "--ExecutePreprocessor.timeout=1200", "--output-dir", out_dir, str(notebook)]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, env=env,
                          cwd=ROOT / "notebooks")
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["rc"]:
        print(f"{notebook.name} failed:\n{report['stderr']}", file=sys.stderr)
    executed = Path(out_dir) / notebook.name
    cells = cell_seconds(executed) if executed.exists() else []
    return report["maxrss_kb"] / 1024, seconds, report["rc"], cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=None, help="IHPO_TRIALS for every notebook")
    parser.add_argument("--cells", action="store_true", help="also list every code cell's seconds")
    parser.add_argument("names", nargs="*", help="only notebooks whose file name contains one of these")
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "IHPO_TRIALS"} | THREADS
    if args.trials is not None:
        env["IHPO_TRIALS"] = str(args.trials)
    budget = "teaching defaults" if args.trials is None else f"IHPO_TRIALS={args.trials}"
    notebooks = [path for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
                 if not args.names or any(name in path.name for name in args.names)]
    print(f"# notebooks, {budget}, one thread ({os.cpu_count()} cores)\n\n"
          f"| notebook | seconds | slowest cell (s) | peak kernel memory (MB) |\n|---|---|---|---|")
    total = 0.0
    with tempfile.TemporaryDirectory() as out_dir:
        for notebook in notebooks:
            peak, seconds, rc, cells = measure(notebook, env, out_dir)
            total += seconds
            slowest = max(cells, key=lambda cell: cell[1], default=None)
            flags = (" (failed)" if rc else "") + (f" (over {LIMIT} s)" if seconds > LIMIT else "")
            print(f"| {notebook.name}{flags} | {seconds:.0f} | "
                  f"{f'cell {slowest[0]} ({slowest[1]:.0f})' if slowest else '-'} | {peak:.0f} |", flush=True)
            if args.cells:
                print("|  | " + ", ".join(f"{index}: {cell:.1f}" for index, cell in cells) + " | | |", flush=True)
    print(f"\nTotal: {total:.0f} s.")


if __name__ == "__main__":
    main()
