"""``python -m benchmarks run --quick | --full``: the comparison with Optuna, scikit-optimize and SMAC3.

Writes ``results.json`` (every run: each evaluation's loss, budget and optimizer time; the
references; proposal times on each timing space; peak memory), ``results.md`` (the tables the
README shows) and ``convergence.png`` into ``--out`` (default ``benchmarks/results``), and prints
the tables.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "LOKY_MAX_CPU_COUNT"):
    os.environ.setdefault(_variable, "1")  # before numpy is imported anywhere

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

from .suite.methods import available_methods  # noqa: E402
from .suite.report import plot_convergence, to_markdown  # noqa: E402
from .suite.runner import run_suite  # noqa: E402
from .suite.tasks import TASKS  # noqa: E402

#: The two sizes of run. Quick: a few minutes on 2 cores; full: the README's table.
PRESETS = {
    "quick": {"tasks": ["branin", "hartmann6", "mixed_branin", "gb_diabetes"], "seeds": 3, "trials": 25,
              "checkpoints": [10, 25], "sizes": [10, 50, 100], "synthetic_draws": 2000, "sklearn_draws": 24},
    "full": {"tasks": list(TASKS), "seeds": 10, "trials": 50, "checkpoints": [10, 25, 50],
             "sizes": [10, 50, 100, 200, 500], "synthetic_draws": 100_000, "sklearn_draws": 100},
}


def _versions() -> dict[str, str]:
    out = {}
    for package in ("interactive_hpo", "numpy", "scikit-learn", "torch", "botorch", "optuna", "scikit-optimize",
                    "smac"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the suite")
    size = run.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="preset")
    size.add_argument("--full", action="store_const", const="full", dest="preset")
    run.add_argument("--tasks", help=f"comma-separated, from {list(TASKS)}")
    run.add_argument("--methods", help="comma-separated (default: every installed method)")
    run.add_argument("--seeds", type=int)
    run.add_argument("--trials", type=int, help="full evaluations per run (the last checkpoint)")
    run.add_argument("--sizes", help="comma-separated observation counts for the proposal timing ('' for none)")
    run.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    run.add_argument("--no-isolate", action="store_true", help="run methods in this process (no peak memory)")
    run.add_argument("--jobs", type=int, default=1, help="methods run at once, each in its own process")
    args = parser.parse_args(argv)
    preset = dict(PRESETS[args.preset or "quick"])
    tasks = args.tasks.split(",") if args.tasks else preset["tasks"]
    here, missing = available_methods()
    methods = args.methods.split(",") if args.methods else here
    for kind, names, valid in (("task", tasks, list(TASKS)), ("method", methods, here)):
        unknown = [name for name in names if name not in valid]
        if unknown:  # before any work: a typo should not cost a run
            parser.error(f"unknown or unavailable {kind}(s) {unknown}; choose from {valid}")
    seeds = args.seeds or preset["seeds"]
    trials = args.trials or preset["trials"]
    checkpoints = sorted({c for c in preset["checkpoints"] if c < trials} | {trials})
    sizes = preset["sizes"] if args.sizes is None else [int(s) for s in args.sizes.split(",") if s]
    draws = {t: preset["sklearn_draws"] if TASKS[t]().optimum is None else preset["synthetic_draws"] for t in tasks}
    warnings.filterwarnings("ignore")
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    results = run_suite(tasks, methods, seeds=seeds, n_full=trials, sizes=sizes, random_draws=draws,
                        isolate=not args.no_isolate, jobs=args.jobs, partial=args.out / "results.partial.json",
                        progress=lambda m: print(f"{time.perf_counter() - started:7.0f} s  {m} done", file=sys.stderr))
    (args.out / "results.partial.json").unlink()
    command = "python -m benchmarks run " + shlex.join(sys.argv[2:] if argv is None else argv[1:])  # "" kept, quoted
    results["meta"] = {"command": command.strip(), "date": datetime.date.today().isoformat(), "versions": _versions(),
                       "seeds": seeds, "trials": trials, "checkpoints": checkpoints, "missing": missing,
                       "seconds": time.perf_counter() - started}
    (args.out / "results.json").write_text(json.dumps(results))
    header = (f"Command: `{results['meta']['command']}` ({results['meta']['date']}, "
              f"{results['machine']['processor']}, {results['machine']['cpus']} cores, threads pinned to 1"
              + (f", PYTHONHASHSEED={hash_seed}" if (hash_seed := results["machine"].get("hash_seed")) else "") + "; "
              + ", ".join(f"{k} {v}" for k, v in results["meta"]["versions"].items())
              + f"; {seeds} seeds; {results['meta']['seconds']:.0f} s in all, {args.jobs} method(s) at a time)")
    if missing:
        header += "\n\nNot run: " + "; ".join(f"{m}: {why}" for m, why in missing.items())
    table = header + "\n" + to_markdown(results, checkpoints)
    (args.out / "results.md").write_text(table + "\n")
    plot_convergence(results, args.out / "convergence.png", trials)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
