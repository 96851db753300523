"""Our BO with other settings on the suite's tasks: the screen behind a default (issue 23).

Run: ``.venv/bin/python benchmarks/bench_bo_variants.py LABEL '{"setting": value}' --tasks a,b
[--seeds 10] [--first-seed 0] [--trials 50] [--out FILE] [--lengthscale-prior a,b] [--heldout]
[--peer]``, one process per variant (two variants side by side on two cores). It steps
``Study(space, "bo", optimizer_settings=...)`` on each task and seed in this process (threads
pinned to one) and writes the suite's JSON layout (``methods`` -> runs with every evaluation's
loss; ``references``), so ``benchmarks.suite.report`` tables and the scores of the full run
compare with it. References: the committed full run's for its tasks, else the median of 20,000 random
configurations (500 for a held-out scikit-learn task). ``--heldout`` runs ``suite/heldout.py``'s
tasks instead of the suite's (``--tasks`` then names held-out ones); ``--peer`` runs a peer of the
suite (LABEL ``optuna-gp``, ``skopt-gp``, ...) on them instead.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, like the others
from benchmarks.suite import methods  # noqa: E402
from benchmarks.suite.heldout import HELDOUT  # noqa: E402
from benchmarks.suite.runner import run_one  # noqa: E402
from benchmarks.suite.tasks import TASKS, make_task, random_median  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "results.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label")
    parser.add_argument("settings", help="JSON: optimizer_settings of the variant")
    parser.add_argument("--tasks", help="comma-separated (default: every task of the suite, or held out)")
    parser.add_argument("--heldout", action="store_true", help="the held-out tasks, not the suite's")
    parser.add_argument("--peer", action="store_true", help="LABEL is one of the suite's methods (a peer, "
                                                           "settings '{}'), run as the suite runs it")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first .. first + seeds - 1 (fresh "
                                                                  "seeds to confirm a screen)")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--lengthscale-prior", help="'concentration,rate' of the numeric lengthscales' Gamma "
                                                   "prior instead of bayes.model.LENGTHSCALE_PRIOR (a screen)")
    args = parser.parse_args()
    if args.lengthscale_prior:
        from interactive_hpo.optimizers.bayes import model

        model.LENGTHSCALE_PRIOR = tuple(float(v) for v in args.lengthscale_prior.split(","))
    warnings.filterwarnings("ignore")
    settings = json.loads(args.settings)
    if not args.peer:
        methods.METHODS[args.label] = ("botorch", lambda space, seed: methods.Ours(space, seed, "bo", settings))
    known = json.loads(RESULTS.read_text())["references"] if RESULTS.exists() else {}
    out = args.out or Path(f"bo_variant_{args.label}.json")
    result: dict = {"methods": {args.label: {"runs": []}}, "references": {},
                    "meta": {"settings": settings, "seeds": args.seeds, "first_seed": args.first_seed,
                             "trials": args.trials}}
    if args.lengthscale_prior:
        result["meta"]["lengthscale_prior"] = list(model.LENGTHSCALE_PRIOR)
    factories = HELDOUT if args.heldout else TASKS
    for name in (args.tasks or ",".join(factories)).split(","):
        task = factories[name]() if args.heldout else make_task(name)
        result["references"][name] = known.get(name) or {
            "optimum": task.optimum, "budgeted": task.budgeted,
            "random_median": random_median(task, 20_000 if task.optimum is not None else 500)}
        started = time.perf_counter()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            result["methods"][args.label]["runs"].append(asdict(run_one(task, args.label, seed, args.trials)))
        print(f"{args.label} {name} {time.perf_counter() - started:.0f} s", flush=True)
        out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
