"""Our BO with other settings on ``bench_conditional.py``'s tasks: ``bench_bo_variants.py`` for
a conditional SVM and a conditional MLP (real scikit-learn losses, each with a categorical).

Run: ``.venv/bin/python benchmarks/bench_bo_variants_conditional.py LABEL '{"setting": value}'
[--tasks svm_cancer,mlp_wine] [--seeds 10] [--first-seed 0] [--trials 50] [--out FILE]``. It
writes ``bench_bo_variants.py``'s JSON layout (every evaluation's loss and the optimizer's
seconds for it), so ``bench_bo_paired.py BEFORE.json AFTER.json`` compares two runs seed by
seed. References: the median of 300 random configurations that ``bench_conditional.py``
recorded (``results/conditional/results.json``), or drawn anew (300, seeded) if absent.
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
from benchmarks import bench_conditional  # noqa: E402
from benchmarks.suite import methods  # noqa: E402
from benchmarks.suite.runner import run_one  # noqa: E402
from benchmarks.suite.tasks import Task  # noqa: E402

RECORDED = Path(__file__).resolve().parent / "results" / "conditional" / "results.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label")
    parser.add_argument("settings", help="JSON: optimizer_settings of the variant")
    parser.add_argument("--tasks", default="svm_cancer,mlp_wine")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    settings = json.loads(args.settings)
    methods.METHODS[args.label] = ("botorch", lambda space, seed: methods.Ours(space, seed, "bo", settings))
    recorded = json.loads(RECORDED.read_text())["random_median"] if RECORDED.exists() else {}
    out = args.out or Path(f"bo_variant_conditional_{args.label}.json")
    result: dict = {"methods": {args.label: {"runs": []}}, "references": {},
                    "meta": {"settings": settings, "seeds": args.seeds, "first_seed": args.first_seed,
                             "trials": args.trials}}
    for name in args.tasks.split(","):
        space, loss = bench_conditional.make_task(name)
        task = Task(name, space, loss, description=f"bench_conditional.py's {name}")
        median = recorded.get(name)
        if median is None:
            median = bench_conditional.random_median(name, 300)
        result["references"][name] = {"optimum": None, "budgeted": False, "random_median": median}
        started = time.perf_counter()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            result["methods"][args.label]["runs"].append(asdict(run_one(task, args.label, seed, args.trials)))
        print(f"{args.label} {name} {time.perf_counter() - started:.0f} s", flush=True)
        out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
