"""Several objectives: hypervolume after N trials, ours against Optuna's samplers (issue 27, item 6).

Every method steps the same objective with the same seed, trial by trial (ask, evaluate, tell),
and is scored by the exact hypervolume of its trials up to ONE fixed reference point per task,
the same for every method and seed (``interactive_hpo.pareto.hypervolume_history``).

Tasks (``--tasks``):

- ``zdt1``, ``zdt2``, ``zdt3``: ZDT1-3 in 4 dimensions (two objectives, both minimized; convex,
  concave, and five disconnected pieces), reference (11, 11): BoTorch's, documented on the
  problems (``ZDT1(dim=4).reference``). The known maximum is the whole true front's hypervolume.
  That box is generous (random search reaches 80-90 % of the maximum, the best methods 99.9 %),
  so the table also gives the gap to the maximum (maximum minus hypervolume), which tells apart
  methods whose ratios all read 0.99.
- ``dtlz2``: DTLZ2 with 3 objectives in 6 dimensions, reference (1.1, 1.1, 1.1) (BoTorch's);
  the maximum is exact: 1.1^3 minus the eighth of the unit ball.
- ``sparse_logistic``: ``sparse_logistic_breast_cancer`` (L1 logistic regression on the
  Wisconsin data: 5-fold CV accuracy to maximize, features used to minimize; C on a log scale
  and a categorical class weight), reference accuracy 0.90 and 30 features (as notebook 13).
  The objective is built with the run's seed (split, folds and liblinear), once per seed, and
  every method evaluates that same object.
- ``sparse_logistic_c8``: the same with ``max_features=8``: a trial is feasible when its models
  use at most 8 features on average. Our study gets the constraint value with each trial
  (``Study.tell(..., constraints=...)``); Optuna's samplers get it through ``constraints_func``
  (the value stored as the trial's user attribute ``"constraints"`` before ``tell``).
  Hypervolume counts feasible trials only. Same reference.

Methods (``--methods``): ours by registry name, ``random``, ``sobol``, ``parego``, and
``ehvi`` and ``nsga2`` when ``interactive_hpo.available_optimizers()`` lists them (otherwise they
are skipped with a note); Optuna 5's ``optuna-nsga2`` (``NSGAIISampler``: its default population
is 50, so in 50 trials it samples only its random first generation), ``optuna-tpe``
(``TPESampler``, multi-objective TPE) and ``optuna-gp`` (``GPSampler``, log-EHVI for several
objectives), all at their defaults but the seed and, on the constrained task, ``constraints_func``.
Directions are the task's, passed to both: ``Study(..., directions=...)`` and
``optuna.create_study(directions=...)``.

Timing: the optimizer's own seconds per trial are ``ask`` plus ``tell`` (the objective's time is
measured apart and left out); the table gives their median over all trials and seeds.

Run: ``.venv/bin/python benchmarks/bench_multiobjective.py [--tasks zdt1,dtlz2] [--methods
random,parego,optuna-gp] [--trials 50] [--seeds 10] [--jobs 1] [--out DIR]``. Writes
``DIR/results.json`` (every run: each trial's values, constraints, feasibility, params, the
hypervolume after each trial, the optimizer's and the objective's seconds) and ``DIR/results.md``
(the tables), and prints the tables. ``--jobs N`` runs N (task, method, seed) runs at once, each
worker a fresh process with threads pinned to one. While a run is under way ``DIR/results.partial.json``
holds what has finished; ``--report FILE [FILE ...]`` writes the tables of such a file (or a
finished one), or of several side by side (:func:`merge`: each file's runs of its methods, the
first file's header, every file's command in a note).
The tables' "within 1 se" compares two means by the standard error of their difference; a
further column pairs the runs by seed (every method met the same objective and seed), which
removes the spread between seeds' splits on the scikit-learn tasks.

To measure a commit while the work tree changes, put an export of it first on the path:
``git archive HEAD interactive_hpo | tar -x -C /tmp/clean``, ``PYTHONPATH=/tmp/clean`` and
``--commit`` that commit (HEAD may move meanwhile); the header then names the package's directory
(and otherwise lists uncommitted changes to it).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "LOKY_MAX_CPU_COUNT"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from multiprocessing import get_context  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import interactive_hpo  # noqa: E402
from interactive_hpo import SearchSpace, Study, available_optimizers  # noqa: E402
from interactive_hpo.objectives.multi_objective import DTLZ2, ZDT1, ZDT2, ZDT3  # noqa: E402
from interactive_hpo.objectives.tradeoff import sparse_logistic_breast_cancer  # noqa: E402
from interactive_hpo.pareto import hypervolume_history  # noqa: E402
from interactive_hpo.trial import Evaluation  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, like the others; appended, not put first: spawned workers start with this
# process's path, and must import the same interactive_hpo (an export on PYTHONPATH stays first).
sys.path.append(str(ROOT))
from benchmarks.suite.methods import optuna_distributions  # noqa: E402 - shared converter
from benchmarks.suite.runner import pin_threads  # noqa: E402

#: The package this run measures: the work tree's, or an export of a commit put first on PYTHONPATH.
PACKAGE = Path(interactive_hpo.__file__).resolve().parent
OURS = ("random", "sobol", "parego", "ehvi", "nsga2")
PEERS = ("optuna-nsga2", "optuna-tpe", "optuna-gp")
OUT = Path(__file__).resolve().parent / "results" / "multiobjective"
CHECKPOINTS = (10, 25)


@dataclass(frozen=True)
class Task:
    """A problem of several objectives and the one box its hypervolumes are measured in.

    ``make(seed)`` builds the objective (the synthetic ones ignore the seed); it returns a tuple
    of values, or an :class:`Evaluation` with ``constraints``. ``reference`` is in the objectives'
    own units and directions (accuracy 0.90, not -0.90).
    """

    name: str
    description: str
    make: Callable[[int], Any]
    space: SearchSpace
    directions: tuple[str, ...]
    names: tuple[str, ...]
    reference: tuple[float, ...]
    max_hypervolume: float | None = None
    constrained: bool = False

    @property
    def signs(self) -> np.ndarray:
        """+1 for a minimized objective, -1 for a maximized one: losses are ``signs * values``."""
        return np.array([-1.0 if d == "maximize" else 1.0 for d in self.directions])

    @property
    def reference_loss(self) -> np.ndarray:
        return self.signs * np.asarray(self.reference, dtype=float)


def _synthetic(name: str, problem: Any, shape: str) -> Task:
    return Task(name, f"{problem.name}, {problem.n_objectives} objectives in {problem.dim} dimensions ({shape}); "
                f"reference {problem.reference.tolist()} (BoTorch's)", lambda seed: problem, problem.space,
                tuple(problem.directions), tuple(problem.names), tuple(problem.reference.tolist()),
                problem.max_hypervolume())


def _sklearn(name: str, max_features: float | None) -> Task:
    template = sparse_logistic_breast_cancer(seed=0, max_features=max_features)
    constraint = "" if max_features is None else f", at most {max_features:g} features (a constraint)"
    return Task(name, f"sparse_logistic_breast_cancer: 5-fold CV accuracy (max) against features used (min){constraint}"
                "; reference accuracy 0.90, 30 features", lambda seed: sparse_logistic_breast_cancer(
                    seed=seed, max_features=max_features), template.space, tuple(template.directions),
                tuple(template.names), (0.90, 30.0), None, max_features is not None)


TASKS: dict[str, Callable[[], Task]] = {
    "zdt1": lambda: _synthetic("zdt1", ZDT1(dim=4), "convex front"),
    "zdt2": lambda: _synthetic("zdt2", ZDT2(dim=4), "concave front"),
    "zdt3": lambda: _synthetic("zdt3", ZDT3(dim=4), "five disconnected pieces"),
    "dtlz2": lambda: _synthetic("dtlz2", DTLZ2(dim=6, n_objectives=3), "a concave front, the unit sphere"),
    "sparse_logistic": lambda: _sklearn("sparse_logistic", None),
    "sparse_logistic_c8": lambda: _sklearn("sparse_logistic_c8", 8),
}


def _evaluate(objective: Any, params: dict[str, Any]) -> tuple[list[float], list[float] | None]:
    """The objective's values (its directions) and its constraint values, or None."""
    result = objective(params)
    if isinstance(result, Evaluation):
        constraints = None if result.constraints is None else [float(c) for c in result.constraints]
        return [float(v) for v in result.value], constraints
    return [float(v) for v in result], None


class _Stepper:
    """``ask() -> params``, ``tell(values, constraints)``: one method on one task, one seed."""

    def ask(self) -> dict[str, Any]:
        raise NotImplementedError

    def tell(self, values: list[float], constraints: list[float] | None) -> None:
        raise NotImplementedError


class _Ours(_Stepper):
    def __init__(self, name: str, task: Task, seed: int):
        self.study = Study(task.space, name, directions=list(task.directions), seed=seed)
        self._trial: Any = None

    def ask(self) -> dict[str, Any]:
        self._trial = self.study.ask()
        return dict(self._trial.params)

    def tell(self, values: list[float], constraints: list[float] | None) -> None:
        self.study.tell(self._trial, tuple(values), constraints=constraints)


class _Optuna(_Stepper):
    def __init__(self, name: str, task: Task, seed: int):
        import optuna

        optuna.logging.set_verbosity(logging.WARNING)
        sampler = {"optuna-nsga2": optuna.samplers.NSGAIISampler, "optuna-tpe": optuna.samplers.TPESampler,
                   "optuna-gp": optuna.samplers.GPSampler}[name]
        # Optuna reads the constraints of a finished trial through constraints_func, in tell.
        settings = {"constraints_func": _constraints_of} if task.constrained else {}
        self.study = optuna.create_study(directions=list(task.directions), sampler=sampler(seed=seed, **settings))
        self.distributions = optuna_distributions(task.space)
        self._trial: Any = None

    def ask(self) -> dict[str, Any]:
        self._trial = self.study.ask(self.distributions)
        return dict(self._trial.params)

    def tell(self, values: list[float], constraints: list[float] | None) -> None:
        if constraints is not None:
            self._trial.set_user_attr("constraints", constraints)
        self.study.tell(self._trial, values)


def _constraints_of(trial: Any) -> list[float]:
    return list(trial.user_attrs["constraints"])


def run_one(task_name: str, method: str, seed: int, trials: int) -> dict[str, Any]:
    """``method`` on ``task_name`` with ``seed`` for ``trials`` trials: every trial's record and
    the hypervolume after each (feasible trials only, the task's reference)."""
    pin_threads()
    warnings.filterwarnings("ignore")
    task = TASKS[task_name]()
    objective = task.make(seed)
    stepper = _Optuna(method, task, seed) if method in PEERS else _Ours(method, task, seed)
    record: dict[str, Any] = {"task": task_name, "method": method, "seed": seed, "values": [], "constraints": [],
                              "feasible": [], "params": [], "optimizer_seconds": [], "objective_seconds": []}
    started = time.perf_counter()
    for _ in range(trials):
        before = time.perf_counter()
        params = stepper.ask()
        asked = time.perf_counter()
        values, constraints = _evaluate(objective, params)
        evaluated = time.perf_counter()
        stepper.tell(values, constraints)
        told = time.perf_counter()
        record["values"].append(values)
        record["constraints"].append(constraints)
        record["feasible"].append(constraints is None or all(c <= 0.0 for c in constraints))
        record["params"].append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in params.items()})
        record["optimizer_seconds"].append((asked - before) + (told - evaluated))
        record["objective_seconds"].append(evaluated - asked)
    record["wall_seconds"] = time.perf_counter() - started
    record["package"] = str(PACKAGE)  # checked against the parent's: a worker must measure the same code
    losses = task.signs * np.array(record["values"], dtype=float)
    losses[~np.array(record["feasible"])] = np.nan  # infeasible trials add nothing
    record["hypervolume"] = hypervolume_history(losses, task.reference_loss).tolist()
    return record


# -- the report ----------------------------------------------------------------------------------------------------
def _mean_se(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    se = float(array.std(ddof=1) / math.sqrt(len(array))) if len(array) > 1 else 0.0
    return float(array.mean()), se


def _fmt(value: float) -> str:
    """Four significant digits, so 0.8074 and 120.7 both read."""
    return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def _pm(mean: float, se: float) -> str:
    """``mean ± se``, the se to two significant digits and the mean to the same decimals."""
    if not se > 0:
        return f"{_fmt(mean)} ± 0"
    decimals = min(max(0, 1 - math.floor(math.log10(se))), 8)
    return f"{mean:.{decimals}f} ± {se:.{decimals}f}"


def summarize(results: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per task and method: the final hypervolumes' mean and se, checkpoints, median optimizer
    seconds per trial, and whether the method is the best or within one standard error of it."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for task_name, info in results["tasks"].items():
        rows: dict[str, dict[str, Any]] = {}
        for method in results["meta"]["methods"]:
            runs = [r for r in results["runs"] if r["task"] == task_name and r["method"] == method]
            if not runs:
                continue
            n = min(len(r["hypervolume"]) for r in runs)
            mean, se = _mean_se([r["hypervolume"][n - 1] for r in runs])
            rows[method] = {"mean": mean, "se": se, "runs": len(runs), "trials": n,
                            "final": {r["seed"]: r["hypervolume"][n - 1] for r in runs},
                            "checkpoints": {c: float(np.mean([r["hypervolume"][c - 1] for r in runs]))
                                            for c in CHECKPOINTS if c < n},
                            "seconds": float(np.median([s for r in runs for s in r["optimizer_seconds"]])),
                            "objective_seconds": float(np.median([s for r in runs for s in r["objective_seconds"]])),
                            "feasible": float(np.mean([np.mean(r["feasible"]) for r in runs]))}
        if not rows:
            continue
        best = max(rows, key=lambda m: rows[m]["mean"])
        for method, row in rows.items():
            row["to_best"] = row["mean"] / rows[best]["mean"] if rows[best]["mean"] > 0 else float("nan")
            row["to_max"] = row["mean"] / info["max_hypervolume"] if info["max_hypervolume"] else None
            # Seeds pair the runs (the same objective, split and seed for every method): the difference
            # to the best, seed by seed, is free of the spread between seeds' tasks.
            shared = sorted(set(row["final"]) & set(rows[best]["final"]))
            row["paired"] = _mean_se([row["final"][s] - rows[best]["final"][s] for s in shared]) if shared else None
            # Within one standard error of the best: the gap is at most the se of the difference of the means.
            row["rank"] = "best" if method == best else (
                "within 1 se" if rows[best]["mean"] - row["mean"] <= math.hypot(rows[best]["se"], row["se"]) else "")
        out[task_name] = rows
    return out


def merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several results side by side: the first's header, every file's tasks and methods, and each
    later file's runs of a (task, method) not yet present (an earlier file's runs win), with a
    note naming every file's command and commit."""
    merged = {"meta": {**results[0]["meta"], "methods": list(results[0]["meta"]["methods"])},
              "tasks": dict(results[0]["tasks"]), "runs": list(results[0]["runs"])}
    for later in results[1:]:
        present = {(r["task"], r["method"]) for r in merged["runs"]}
        merged["meta"]["methods"] += [m for m in later["meta"]["methods"] if m not in merged["meta"]["methods"]]
        merged["tasks"].update({k: v for k, v in later["tasks"].items() if k not in merged["tasks"]})
        merged["runs"] += [r for r in later["runs"] if (r["task"], r["method"]) not in present]
    if len(results) > 1:
        merged["meta"]["note"] = "Side by side: " + "; ".join(
            f"{', '.join(r['meta']['methods'])} from `{r['meta']['command']}` (commit {r['meta']['commit']})"
            for r in results) + "."
    return merged


def to_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [f"Command: `{meta['command']}` (commit {meta['commit']}"
             + (", with uncommitted changes to the package" if meta.get("package_changes") else "")
             + ("" if meta.get("package", str(ROOT / "interactive_hpo")) == str(ROOT / "interactive_hpo")
                else f"; interactive_hpo imported from {meta['package']}")
             + f"; {meta['date']}, {meta['machine']['processor']}, {meta['machine']['cpus']} cores, threads pinned "
             f"to 1, {meta['jobs']} run(s) at a time; " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
             + f"; {meta['seeds']} seeds, {meta['trials']} trials"
             + (f"; {meta['seconds']:.0f} s in all" if meta.get("seconds") else "; partial") + ")", ""]
    if meta.get("note"):
        lines += [meta["note"], ""]
    if meta.get("skipped"):
        lines += ["Not run: " + "; ".join(f"{m}: {why}" for m, why in meta["skipped"].items()), ""]
    lines += ["**Tasks and their fixed reference points** (one per task, for every method and seed)", "",
              "| task | what | directions | reference | best possible hypervolume |", "|---|---|---|---|---|"]
    for name, info in results["tasks"].items():
        best = _fmt(info["max_hypervolume"]) if info["max_hypervolume"] else "unknown"
        lines.append(f"| {name} | {info['description']} | {', '.join(info['directions'])} | "
                     f"{tuple(info['reference'])} | {best} |")
    summary = summarize(results)
    for name, rows in summary.items():
        info = results["tasks"][name]
        synthetic = info["max_hypervolume"] is not None
        marks = [c for c in CHECKPOINTS if any(c in row["checkpoints"] for row in rows.values())]
        lines += ["", f"**{name}**: hypervolume after {max(r['trials'] for r in rows.values())} trials "
                  "(mean ± se over seeds; bold: the best mean; 'within 1 se': its gap to the best is at most the "
                  "standard error of the difference of the two means; the paired column: the mean and se of the "
                  "seed-by-seed difference to the best)"
                  + ("; feasible trials only" if info["constrained"] else ""), ""]
        head = ["method", "hypervolume", "/ best mean"] + (["/ maximum", "gap to maximum"] if synthetic else []) + \
            ["minus the best, paired by seed"] + [f"mean after {c}" for c in marks] + \
            ["s per trial (optimizer, median)", "rank", "seeds"] + \
            (["feasible trials"] if info["constrained"] else [])
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for method, row in sorted(rows.items(), key=lambda item: -item[1]["mean"]):
            cell = _pm(row["mean"], row["se"])
            cells = [method, f"**{cell}**" if row["rank"] == "best" else cell, f"{row['to_best']:.3f}"]
            if synthetic:
                cells += [f"{row['to_max']:.3f}", _fmt(info["max_hypervolume"] - row["mean"])]
            cells.append("-" if row["rank"] == "best" or row["paired"] is None else _pm(*row["paired"]))
            cells += [_fmt(row["checkpoints"][c]) if c in row["checkpoints"] else "-" for c in marks]
            cells += [f"{row['seconds']:.4f}", row["rank"], str(row["runs"])]
            if info["constrained"]:
                cells.append(f"{row['feasible']:.0%}")
            lines.append("| " + " | ".join(cells) + " |")
    methods = [m for m in meta["methods"] if any(m in rows for rows in summary.values())]
    if summary and methods:
        lines += ["", "**Over all tasks**: on how many tasks each method has the best mean, or is within one standard "
                  "error of it; its mean hypervolume as a share of each task's best mean, averaged", "",
                  "| method | best | best or within 1 se | mean share of the best | tasks |", "|---|---|---|---|---|"]
        for method in methods:
            ranks = [rows[method]["rank"] for rows in summary.values() if method in rows]
            shares = [rows[method]["to_best"] for rows in summary.values() if method in rows]
            lines.append(f"| {method} | {ranks.count('best')} | {sum(r != '' for r in ranks)} | "
                         f"{np.nanmean(shares):.3f} | {len(ranks)} |")
    return "\n".join(lines)


# -- running ---------------------------------------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    out = {}
    for package in ("interactive_hpo", "numpy", "scikit-learn", "torch", "botorch", "optuna"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _package_changes() -> list[str]:
    """Uncommitted changes to the package this run imports: none when it is not the work tree's
    (an export of the commit, ``git archive HEAD interactive_hpo``, on ``PYTHONPATH``)."""
    if PACKAGE != ROOT / "interactive_hpo":
        return []
    return _git("status", "--porcelain", "--", "interactive_hpo").splitlines()


def _methods(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """The methods that can run, and why the others cannot (ours not registered, Optuna not installed)."""
    registered = set(available_optimizers())
    try:
        import optuna  # noqa: F401
        peers_ok = True
    except ImportError:
        peers_ok = False
    run, skipped = [], {}
    for name in names:
        if name in PEERS and not peers_ok:
            skipped[name] = "optuna is not installed"
        elif name in OURS and name not in registered:
            skipped[name] = "not registered in interactive_hpo.available_optimizers() yet"
        else:
            run.append(name)
    return run, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, from {list(TASKS)}")
    parser.add_argument("--methods", default=",".join(OURS + PEERS), help=f"comma-separated, from {list(OURS + PEERS)}")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1, help="runs at once, each worker its own process")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--commit", help="the commit an exported package comes from (default: the work tree's HEAD)")
    parser.add_argument("--report", type=Path, nargs="+",
                        help="only write the tables of these results JSONs (partial or not), side by side")
    args = parser.parse_args(argv)
    if args.report is not None:
        table = to_markdown(merge([json.loads(path.read_text()) for path in args.report]))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.md").write_text(table + "\n")
        print(table)
        return 0
    tasks = [t for t in args.tasks.split(",") if t]
    names = [m for m in args.methods.split(",") if m]
    for kind, chosen, valid in (("task", tasks, list(TASKS)), ("method", names, list(OURS + PEERS))):
        unknown = [name for name in chosen if name not in valid]
        if unknown:  # before any work: a typo should not cost a run
            parser.error(f"unknown {kind}(s) {unknown}; choose from {valid}")
    if args.trials < 1 or args.seeds < 1 or args.jobs < 1:
        parser.error("--trials, --seeds and --jobs must be at least 1")
    methods, skipped = _methods(names)
    for name, why in skipped.items():
        print(f"note: skipping {name}: {why}", file=sys.stderr)
    specs = {name: TASKS[name]() for name in tasks}
    command = "python benchmarks/bench_multiobjective.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {
        "meta": {"command": command.strip(), "commit": args.commit or _git("rev-parse", "--short", "HEAD"),
                 "package": str(PACKAGE), "package_changes": _package_changes(),
                 "date": datetime.date.today().isoformat(), "versions": _versions(), "seeds": args.seeds,
                 "trials": args.trials, "jobs": args.jobs, "methods": methods, "skipped": skipped,
                 "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "processor": platform.processor() or platform.machine()}},
        "tasks": {name: {"description": t.description, "directions": list(t.directions), "names": list(t.names),
                         "reference": list(t.reference), "reference_loss": t.reference_loss.tolist(),
                         "max_hypervolume": t.max_hypervolume, "constrained": t.constrained,
                         "dim": t.space.dim} for name, t in specs.items()},
        "runs": []}
    jobs = [(task, method, seed) for task in tasks for method in methods for seed in range(args.seeds)]
    args.out.mkdir(parents=True, exist_ok=True)
    partial = args.out / "results.partial.json"
    started = time.perf_counter()

    def finished(record: dict[str, Any]) -> None:
        results["runs"].append(record)
        print(f"{time.perf_counter() - started:7.0f} s  {record['task']} {record['method']} seed {record['seed']}: "
              f"hypervolume {record['hypervolume'][-1]:.4g}, optimizer {np.median(record['optimizer_seconds']):.3f} "
              "s per trial", file=sys.stderr)
        partial.write_text(json.dumps(results))

    warnings.filterwarnings("ignore")
    if args.jobs == 1:
        for job in jobs:
            finished(run_one(*job, args.trials))
    else:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_one, *job, args.trials) for job in jobs]
            for future in as_completed(futures):
                finished(future.result())
    elsewhere = {r["package"] for r in results["runs"]} - {str(PACKAGE)}
    if elsewhere:
        raise RuntimeError(f"runs imported interactive_hpo from {sorted(elsewhere)}, not from {PACKAGE}")
    order = {job: i for i, job in enumerate(jobs)}
    results["runs"].sort(key=lambda r: order[(r["task"], r["method"], r["seed"])])
    results["meta"]["seconds"] = time.perf_counter() - started
    (args.out / "results.json").write_text(json.dumps(results))
    partial.unlink()
    table = to_markdown(results)
    (args.out / "results.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
