"""Analysis benchmark: how long a person waits for what ``interactive_hpo.analysis`` reads off a study.

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--parts quantile,ablation,others]
[--repeats 3] [--gp-trials 500]``

Studies of random trials on Ackley (``d`` floats) or on a mixed space of ``d`` parameters (floats,
log floats, integers, categoricals; Ackley of their unit coordinates), as a practitioner has
after a random, TPE or CMA-ES run; a GP's analyses on a BO study whose trials are all its
initial design (so one fit, timed apart: it is the optimizer's cost, not the analysis'). Every
call at its defaults. Prints markdown tables of the median seconds over ``--repeats`` calls;
the figures in ``benchmarks/README.md`` come from this command (run on an export of a commit
to time that commit).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402
from interactive_hpo.analysis import (  # noqa: E402
    ablation_path,
    ice_curves,
    importance,
    study_partial_dependence,
    study_quantile_importance,
    surrogate_of,
    trial_data,
)
from interactive_hpo.objectives.synthetic import Ackley  # noqa: E402
from interactive_hpo.ui.importance_panel import importance_info  # noqa: E402

PARTS = ("quantile", "ablation", "others")


def mixed_space(d: int) -> SearchSpace:
    """``d`` parameters cycling through a float, a log float, a small integer, a categorical and
    a wide integer: every way ``quantile_importance`` bins a column."""
    kinds = [lambda i: Float(f"f{i}", 0.0, 1.0), lambda i: Float(f"lr{i}", 1e-4, 1.0, log=True),
             lambda i: Int(f"k{i}", 1, 8), lambda i: Categorical(f"c{i}", ["a", "b", "c"]),
             lambda i: Int(f"n{i}", 0, 100)]
    return SearchSpace([kinds[i % len(kinds)](i) for i in range(d)])


def problem(kind: str, d: int) -> tuple[SearchSpace, Callable[[dict[str, Any]], float]]:
    """The space and objective of a ``kind`` ("floats" or "mixed") study of ``d`` parameters."""
    ackley = Ackley(dim=d)
    if kind == "floats":
        return ackley.space, ackley
    space = mixed_space(d)
    low, high = ackley.bounds[:, 0], ackley.bounds[:, 1]
    return space, lambda params: float(ackley.evaluate(low + (high - low) * space.to_unit(params)[None])[0])


def random_study(kind: str, d: int, n: int) -> Study:
    space, objective = problem(kind, d)
    study = Study(space, "random", seed=0)
    study.run(objective, n_trials=n)
    return study


def gp_study(d: int, n: int) -> tuple[Study, float]:
    """A BO study of ``n`` trials, all its initial design, and the seconds its GP's fit took."""
    space, objective = problem("floats", d)
    study = Study(space, "bo", seed=0, optimizer_settings={"n_initial": n})
    study.run(objective, n_trials=n)
    start = time.perf_counter()
    study.surrogate()
    return study, time.perf_counter() - start


def seconds(repeats: int, function: Callable[..., Any], *args: Any) -> float:
    """The median wall time of ``repeats`` calls of ``function(*args)``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def quantile_part(repeats: int) -> None:
    print("**study_quantile_importance(study)** (defaults: quantile 0.1, n_boot 200), seconds\n")
    print("| space | d | n = 100 | n = 500 | n = 2000 |\n|---|---|---|---|---|")
    for kind in ("floats", "mixed"):
        for d in (5, 10, 20):
            cells = [seconds(repeats, study_quantile_importance, random_study(kind, d, n)) for n in (100, 500, 2000)]
            print(f"| {kind} | {d} | " + " | ".join(f"{c:.3f}" for c in cells) + " |", flush=True)
    print()


class Counted:
    """``function`` counting its calls and the points it was asked about."""

    def __init__(self, function: Callable[[np.ndarray], np.ndarray]):
        self.function, self.calls, self.points = function, 0, 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        self.calls += 1
        self.points += len(X)
        return self.function(X)


def ablation_part(repeats: int, gp_trials: int) -> None:
    print(f"**ablation_path(surrogate.mean, space, centre, best trial)** on Ackley: a forest on 2000 random "
          f"trials, the GP of a BO study of {gp_trials} (its fit apart); seconds\n")
    print("| d | steps | candidates | calls | forest s | forest ms per call | GP fit s | GP s | GP ms per call |")
    print("|---|---|---|---|---|---|---|---|---|")
    for d in (5, 10, 20, 50):
        study = random_study("floats", d, 2000)
        forest = surrogate_of(study, "forest")
        start, end = study.space.complete(), study.best_trial.params
        counted = Counted(forest.mean)
        path = ablation_path(counted, study.space, start, end)
        forest_s = seconds(repeats, ablation_path, forest.mean, study.space, start, end)
        gp, fit_s = gp_study(d, gp_trials)
        gp_s = seconds(repeats, ablation_path, surrogate_of(gp, "gp").mean, gp.space, gp.space.complete(),
                       gp.best_trial.params)
        print(f"| {d} | {len(path.steps)} | {counted.points - 1} | {counted.calls} | {forest_s:.3f} | "
              f"{1e3 * forest_s / counted.calls:.2f} | {fit_s:.1f} | {gp_s:.3f} | {1e3 * gp_s / counted.calls:.2f} |",
              flush=True)
    print()


def others_part(repeats: int, gp_trials: int) -> None:
    d, n = 20, 2000
    print(f"**The other analyses of a study of d = {d}**: a forest on {n} random trials (mixed space), the "
          f"GP of a BO study of {gp_trials} trials (Ackley); seconds, each call as a person makes it (the "
          "forest's fit or the GP's sample paths included)\n")
    forest_study = random_study("mixed", d, n)
    gp, fit_s = gp_study(d, gp_trials)
    X, _ = trial_data(forest_study)
    calls: dict[str, Callable[[Study, str], Any]] = {
        "surrogate_of (forest fit / GP view)": surrogate_of,
        "importance (Sobol, n = 512)": importance,
        "study_partial_dependence, 1 parameter": lambda s, kind: study_partial_dependence(s, s.space.names[0], kind),
        "study_partial_dependence, 2 parameters": lambda s, kind: study_partial_dependence(s, s.space.names[:2],
                                                                                           kind),
        "the Lab's Importance tab (importance_info)": importance_info,
    }
    print(f"| analysis | forest, {n} trials | GP, {gp_trials} trials (fit {fit_s:.1f} s apart) |\n|---|---|---|")
    for label, call in calls.items():
        forest_s = seconds(repeats, call, forest_study, "forest")
        gp_s = seconds(repeats, call, gp, "gp")
        print(f"| {label} | {forest_s:.3f} | {gp_s:.3f} |", flush=True)
    forest = surrogate_of(forest_study, "forest")
    ice_s = seconds(repeats, ice_curves, forest.mean, forest_study.space, forest_study.space.names[0], X)
    print(f"| ice_curves of the {n} trials (forest mean, 40 levels) | {ice_s:.3f} | - |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, among {', '.join(PARTS)}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--gp-trials", type=int, default=500)
    args = parser.parse_args()
    parts = args.parts.split(",")
    if "quantile" in parts:
        quantile_part(args.repeats)
    if "ablation" in parts:
        ablation_part(args.repeats, args.gp_trials)
    if "others" in parts:
        others_part(args.repeats, args.gp_trials)


if __name__ == "__main__":
    main()
