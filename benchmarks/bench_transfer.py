"""Transfer benchmark (issue 29, item 2): warm-started optimizers against cold ones.

Part ``landscapes``: the 36 bundled landscapes of the landscape paper (an RBF SVM, a random
forest and gradient boosting on iris, wine and breast_cancer, at training-data budgets 0.1, 0.25,
0.5 and 1.0; ``notebooks/data/landscapes``), replayed as lookup tables. Each full-budget
landscape is a target; its sources are a related study of 30 Sobol trials on

- the same model and dataset at budget 0.1 or 0.25 (a lower fidelity),
- the same model on each other dataset at the full budget (a similar dataset),
- the target itself with its losses negated (a source that ranks every configuration the
  wrong way round: what the learned weight must guard against).

Warm-started runs (``Study(..., warm_start=source)``) of BO and CMA-ES go against cold ones on the
same seeds. Score: the share of the grid strictly better than the best configuration found
(0 = the optimum), after 10, 25 and 50 trials. Each pair's gain is related to the landscape
paper's similarity of source and target (Spearman over all configurations, top-10% overlap).

Part ``live``: an RBF SVM on breast_cancer (``paper_task``, 3-fold CV accuracy, continuous
space), cold against warm-started from 30 Sobol trials of the same SVM at a quarter of the
training data, or on wine at the full budget. Score: the best CV accuracy found.

Run: ``.venv/bin/python benchmarks/bench_transfer.py [--part landscapes|live] [--seeds 10]
[--jobs 2] [--out benchmarks/results/transfer]``; prints markdown tables and writes JSON.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import dataclasses  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from interactive_hpo import Study  # noqa: E402
from interactive_hpo.landscape import LandscapeObjective, paper_landscapes, paper_task, similarity  # noqa: E402

CACHE = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "landscapes"
CHECKPOINTS = (10, 25, 50)
SOURCE_TRIALS = 30
METHODS = ("bo", "cmaes")


def _landscapes() -> dict[tuple[str, str, float], Any]:
    return paper_landscapes(seeds=(0,), cache_dir=CACHE)


def _negated(land: Any) -> Any:
    """``land`` with every loss negated: the ranking turned upside down."""
    return dataclasses.replace(land, losses=-land.losses, others={})


def _pairs(lands: dict) -> list[tuple[tuple, str, Any]]:
    """(target key, source kind, source landscape) for every target at the full budget."""
    pairs = []
    for (model, dataset, budget), land in lands.items():
        if budget != 1.0:
            continue
        target = (model, dataset, budget)
        for low in (0.1, 0.25):
            pairs.append((target, f"budget {low:g}", lands[model, dataset, low]))
        for other in sorted({k[1] for k in lands} - {dataset}):
            pairs.append((target, f"dataset {other}", lands[model, other, 1.0]))
        pairs.append((target, "negated", _negated(land)))
    return pairs


def _regrets(land: Any, values: list[float]) -> list[float]:
    """Share of the grid strictly better than the best value so far, at each checkpoint."""
    return [float(np.mean(land.losses < min(values[:n]))) for n in CHECKPOINTS]


def _landscape_job(job: tuple) -> dict[str, Any]:
    target_key, kind, method, seed, settings = job
    lands = _landscapes()
    target = lands[target_key]
    objective = LandscapeObjective(target)
    warm = None
    if kind != "cold":
        source_land = dict((k, s) for (t, k, s) in _pairs(lands) if t == target_key)[kind]
        warm = Study(source_land.space, "sobol", seed=1000 + seed)
        warm.run(LandscapeObjective(source_land), SOURCE_TRIALS)
    study = Study(objective.space, method, seed=seed, warm_start=warm,
                  optimizer_settings=settings if warm is not None else None)
    study.run(objective, CHECKPOINTS[-1])
    values = [t.value for t in study.trials]
    return {"target": list(target_key), "kind": kind, "method": method, "seed": seed,
            "regret": _regrets(target, values)}


def landscapes_part(args: argparse.Namespace) -> dict[str, Any]:
    lands = _landscapes()
    pairs = _pairs(lands)
    methods = args.methods.split(",")
    warm_settings = json.loads(args.settings)
    jobs = [(t, "cold", m, s, None) for t in sorted({p[0] for p in pairs}) for m in methods for s in range(args.seeds)]
    jobs += [(t, kind, m, s, warm_settings.get(m)) for (t, kind, _) in pairs for m in methods
             for s in range(args.seeds)]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(_landscape_job, jobs, chunksize=4))
    result = {"rows": rows, "similarity": _similarities(lands, pairs),
              "seconds": time.perf_counter() - started, "seeds": args.seeds, "methods": methods,
              "warm_settings": warm_settings}
    _report_landscapes(result)
    return result


def _similarities(lands: dict, pairs: list[tuple[tuple, str, Any]]) -> list[dict[str, Any]]:
    return [{"target": list(target), "kind": kind, **similarity(source, lands[target])}
            for (target, kind, source) in pairs]


def remeasured_part(args: argparse.Namespace) -> dict[str, Any]:
    """A saved landscapes run (``--from``), its similarities measured again: the runs do not
    depend on ``similarity``, so a change to it needs no new runs."""
    result = json.loads(args.source.read_text())
    lands = _landscapes()
    result["similarity"] = _similarities(lands, _pairs(lands))
    _report_landscapes(result)
    return result


def _report_landscapes(result: dict[str, Any]) -> None:
    rows = result["rows"]
    print(f"# Transfer on the 9 full-budget landscapes ({result['seeds']} seeds, {SOURCE_TRIALS} Sobol source "
          f"trials; {result['seconds']:.0f} s)\n")
    kinds = ["cold", "budget 0.1", "budget 0.25", "other dataset", "negated"]

    def group(row: dict) -> str:
        return "other dataset" if row["kind"].startswith("dataset") else row["kind"]

    for method in result["methods"]:
        print(f"\n**{method}: share of the grid better than the best found** (mean ± se over targets, "
              "sources and seeds; 0 = the optimum)\n")
        print("| source | " + " | ".join(f"after {n}" for n in CHECKPOINTS) + " | runs |")
        print("|---|" + "---|" * (len(CHECKPOINTS) + 1))
        for kind in kinds:
            chosen = np.array([r["regret"] for r in rows if r["method"] == method and group(r) == kind])
            if not len(chosen):
                continue
            cells = [f"{chosen[:, i].mean():.3f} ± {chosen[:, i].std(ddof=1) / np.sqrt(len(chosen)):.3f}"
                     for i in range(len(CHECKPOINTS))]
            print(f"| {kind} | " + " | ".join(cells) + f" | {len(chosen)} |")
    print("\n**Gain against the source's similarity** (BO; gain = cold regret - warm regret, per pair, mean over "
          "seeds; Spearman correlation over the pairs that are not negated)\n")
    cold = {(tuple(r["target"]), r["seed"]): r["regret"] for r in rows if r["kind"] == "cold" and r["method"] == "bo"}
    table = []
    for sim in result["similarity"]:
        warm = [r for r in rows if tuple(r["target"]) == tuple(sim["target"]) and r["kind"] == sim["kind"]
                and r["method"] == "bo"]
        gains = np.array([np.subtract(cold[tuple(r["target"]), r["seed"]], r["regret"]) for r in warm])
        table.append((sim, gains.mean(axis=0)))
    print("| target | source | Spearman | top-10% overlap | gain after 10 | after 25 | after 50 |")
    print("|---|---|---|---|---|---|---|")
    for sim, gain in table:
        target = f"{sim['target'][0]} on {sim['target'][1]}"
        print(f"| {target} | {sim['kind']} | {sim['spearman']:.2f} | {sim['gamma_overlap']:.2f} | "
              + " | ".join(f"{g:+.3f}" for g in gain) + " |")
    related = [(s, g) for s, g in table if s["kind"] != "negated"]
    for name in ("spearman", "gamma_overlap"):
        for i, n in enumerate(CHECKPOINTS[:2]):
            rho = spearmanr([s[name] for s, _ in related], [g[i] for _, g in related]).statistic
            print(f"\nSpearman correlation of the gain after {n} trials with the source's {name}: {rho:.2f} "
                  f"({len(related)} pairs)")


def _live_job(job: tuple) -> dict[str, Any]:
    kind, seed, settings = job
    target = paper_task("svm", "breast_cancer", seed=0)
    warm = None
    if kind != "cold":
        source_task = paper_task("svm", "wine" if kind == "wine" else "breast_cancer", seed=0)
        budget = 0.25 if kind == "budget 0.25" else None
        warm = Study(source_task.space, "sobol", seed=1000 + seed, direction="maximize")
        warm.run(lambda p: source_task(p, budget=budget), SOURCE_TRIALS)
    study = Study(target.space, "bo", seed=seed, direction="maximize", warm_start=warm,
                  optimizer_settings=settings.get("bo") if warm is not None else None)
    study.run(target, CHECKPOINTS[-1])
    values = [t.value if t.value is not None else -np.inf for t in study.trials]
    return {"kind": kind, "seed": seed, "best": [float(max(values[:n])) for n in CHECKPOINTS]}


def live_part(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    settings = json.loads(args.settings)
    jobs = [(kind, s, settings) for kind in ("cold", "budget 0.25", "wine") for s in range(args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(_live_job, jobs))
    result = {"rows": rows, "seconds": time.perf_counter() - started, "seeds": args.seeds, "warm_settings": settings}
    print(f"\n# Live: RBF SVM on breast_cancer, BO ({args.seeds} seeds; {result['seconds']:.0f} s)\n")
    print("| warm start from | " + " | ".join(f"best CV accuracy after {n}" for n in CHECKPOINTS) + " |")
    print("|---|" + "---|" * len(CHECKPOINTS))
    for kind in ("cold", "budget 0.25", "wine"):
        best = np.array([r["best"] for r in rows if r["kind"] == kind])
        print(f"| {kind} | " + " | ".join(f"{best[:, i].mean():.4f} ± {best[:, i].std(ddof=1) / np.sqrt(len(best)):.4f}"
                                         for i in range(len(CHECKPOINTS))) + " |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("landscapes", "live", "remeasured"), default="landscapes",
                        help="remeasured: the landscapes part's JSON given by --from, its similarities measured again")
    parser.add_argument("--from", dest="source", type=Path, default=None, help="remeasured: a landscapes.json")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="a directory for the JSON results")
    parser.add_argument("--methods", default=",".join(METHODS), help="landscapes: comma-separated optimizers")
    parser.add_argument("--settings", default="{}", help='warm runs\' settings by method, JSON '
                                                          '({"bo": {"n_initial": 9}}: a variant to compare)')
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    result = {"landscapes": landscapes_part, "live": live_part, "remeasured": remeasured_part}[args.part](args)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        part = "landscapes" if args.part == "remeasured" else args.part
        (args.out / f"{part}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
