"""Peak memory and run time of every tutorial notebook's kernel (Binder gives a kernel ~1-2 GB).

Each notebook is executed with ``jupyter nbconvert --execute`` in its own wrapper process; the
peak resident memory of the largest process under it (the kernel) is read from
``getrusage(RUSAGE_CHILDREN)``. Budgets are the notebooks' teaching defaults unless
``--trials`` sets ``IHPO_TRIALS`` (the test suite uses 12).

Run: ``.venv/bin/python benchmarks/bench_notebooks.py [--trials N]``; prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": done.returncode, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stderr": done.stderr[-2000:]}))
"""


def measure(notebook: Path, env: dict[str, str], out_dir: str) -> tuple[float, float, int]:
    """(peak MB, seconds, return code) of executing ``notebook``."""
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               "--ExecutePreprocessor.timeout=1200", "--output-dir", out_dir, str(notebook)]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, env=env,
                          cwd=ROOT / "notebooks")
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["rc"]:
        print(f"{notebook.name} failed:\n{report['stderr']}", file=sys.stderr)
    return report["maxrss_kb"] / 1024, seconds, report["rc"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=None, help="IHPO_TRIALS for every notebook")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.trials is not None:
        env["IHPO_TRIALS"] = str(args.trials)
    budget = "teaching defaults" if args.trials is None else f"IHPO_TRIALS={args.trials}"
    print(f"# notebooks, {budget}\n\n| notebook | peak kernel memory (MB) | seconds |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as out_dir:
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            peak, seconds, rc = measure(notebook, env, out_dir)
            print(f"| {notebook.name} | {peak:.0f}{' (failed)' if rc else ''} | {seconds:.0f} |", flush=True)


if __name__ == "__main__":
    main()
