"""From raw runs to what the README shows: Bayesmark's normalized scores, whether each task
separates the methods, proposal times (on each timing space) as ratios to the fastest
model-based peer and to Optuna's GPSampler, wall time and memory, and convergence plots.

Normalized score of a run after n trials (Bayesmark): ``(best loss found - best loss ever seen
on the task) / (median loss of one random configuration - best loss ever seen)``; 0 is the best
anyone found (or the known optimum), 1 is what one random guess gives. Aggregate: ``100 x (1 -
mean normalized score)`` over tasks, higher is better.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .methods import METHODS

__all__ = ["best_seen", "normalized", "score_table", "discrimination", "timings", "to_markdown",
           "plot_convergence"]

#: Methods that are not ours (dashed in the plots).
PEERS = frozenset(name for name, (packages, _) in METHODS.items()
                  if packages.split()[0] in ("optuna", "skopt", "smac"))
#: The model-based peers: proposal times are ratios to the fastest of these at each n (a model
#: fit against a CMA-ES or TPE step would compare a fit with a sampling step). SMAC's figure is
#: its mean over one cycle of 8 proposals, one of which refits its random forest.
MODEL_PEERS = ("optuna-gp", "skopt-gp", "smac")
#: The project's target: no slower than Optuna's GPSampler. Its ratio is shown beside.
TARGET = "optuna-gp"
#: How each timing space is named in the tables.
_SPACE_TITLES = {"hartmann6": "Hartmann6 (6 floats)",
                 "mixed_units": "`mixed_units` (mixed: log float, log int 2..512, 3-way categorical, float)"}


def _runs(results: dict[str, Any], task: str, method: str) -> list[dict[str, Any]]:
    return [run for run in results["methods"][method]["runs"] if run["task"] == task]


def _best_after(run: dict[str, Any], n_full: float) -> float:
    spent = np.cumsum(run["budgets"])
    full = [loss for loss, budget, total in zip(run["losses"], run["budgets"], spent, strict=True)
            if budget >= 1.0 and total <= n_full + 1e-9]
    return min(full, default=math.inf)


def best_seen(results: dict[str, Any], task: str) -> float:
    """The known optimum, or the best full-budget loss any run found on ``task``."""
    losses = [loss for method in results["methods"] for run in _runs(results, task, method)
              for loss, budget in zip(run["losses"], run["budgets"], strict=True) if budget >= 1.0]
    optimum = results["references"][task]["optimum"]
    return min([*losses, *([optimum] if optimum is not None else [])])


def normalized(results: dict[str, Any], task: str, method: str, n_full: float) -> np.ndarray:
    """Normalized score of every seed's run after ``n_full`` trials, shape (seeds,). A run with no
    full-budget evaluation yet (a multi-fidelity method early on) scores 1: it knows no more
    than a random guess about any configuration's full-budget loss."""
    best = best_seen(results, task)
    scale = results["references"][task]["random_median"] - best
    return np.array([(_best_after(run, n_full) - best) / scale if math.isfinite(_best_after(run, n_full)) else 1.0
                     for run in _runs(results, task, method)])


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    if len(values) == 0:
        return math.nan, math.nan
    se = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else math.nan
    return float(np.mean(values)), se


def score_table(results: dict[str, Any], n_full: float) -> dict[str, dict[str, tuple[float, float]]]:
    """method -> task -> (mean, se) of the normalized score after ``n_full`` trials (tasks a
    method did not run on are missing), plus ``"aggregate"`` -> (100 x (1 - mean score), se)."""
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for method in results["methods"]:
        row = {task: _mean_se(normalized(results, task, method, n_full)) for task in results["references"]
               if _runs(results, task, method)}
        per_seed = np.mean([normalized(results, task, method, n_full) for task in row], axis=0)
        mean, se = _mean_se(per_seed)
        row["aggregate"] = (100 * (1 - mean), 100 * se)
        table[method] = row
    return table


def discrimination(results: dict[str, Any], n_full: float) -> dict[str, dict[str, Any]]:
    """Per task: random search against the best method after ``n_full`` trials. The task
    separates methods when their mean scores differ by more than twice the combined standard error."""
    out = {}
    for task in results["references"]:
        scores = {m: _mean_se(normalized(results, task, m, n_full)) for m in results["methods"]
                  if _runs(results, task, m)}
        if "random" not in scores:
            continue
        best = min((m for m in scores if m != "random"), key=lambda m: scores[m][0], default=None)
        if best is None:
            continue
        gap = scores["random"][0] - scores[best][0]
        noise = 2 * math.hypot(scores["random"][1], scores[best][1])
        out[task] = {"best": best, "gap": gap, "noise": noise, "separates": bool(gap > noise)}
    return out


def _cell(mean: float, se: float, digits: int = 3) -> str:
    if math.isnan(mean):
        return "-"
    return f"{mean:.{digits}f}" + ("" if math.isnan(se) else f" ± {se:.{digits}f}")


def to_markdown(results: dict[str, Any], checkpoints: list[int]) -> str:
    """The tables: scores per checkpoint, discrimination, proposal time with ratios to the best
    peer, wall time and peak memory."""
    tasks = list(results["references"])
    methods = list(results["methods"])
    lines = []
    for n in checkpoints:
        table = score_table(results, n)
        lines += [f"\n**Normalized score after {n} trials** (mean ± se over seeds; 0 = best ever seen, "
                  "1 = a random guess; aggregate = 100 x (1 - mean), higher is better)\n",
                  "| method | " + " | ".join(tasks) + " | aggregate |", "|---|" + "---|" * (len(tasks) + 1)]
        for method in sorted(methods, key=lambda m: -table[m]["aggregate"][0]):
            row = table[method]
            cells = [_cell(*row[t]) if t in row else "-" for t in tasks]
            ran = len(row) - 1
            note = "" if ran == len(tasks) else f" (over {ran} task{'s' if ran > 1 else ''})"
            lines.append(f"| {method} | " + " | ".join(cells) + f" | {_cell(*row['aggregate'], digits=1)}{note} |")
    last = checkpoints[-1]
    lines += [f"\n**Does each task separate the methods?** (after {last} trials: random search against the best "
              "method; separates when the gap exceeds twice the combined standard error)\n",
              "| task | best method | gap to random | 2 x se | separates |", "|---|---|---|---|---|"]
    for task, row in discrimination(results, last).items():
        lines.append(f"| {task} | {row['best']} | {row['gap']:.3f} | {row['noise']:.3f} | "
                     f"{'yes' if row['separates'] else 'no'} |")
    for space, seconds in timings(results).items():
        lines += _timing_table(space, seconds, methods)
    lines += ["\n**Cost** (optimizer's own seconds per trial, mean; wall seconds of all runs; peak memory of "
              "the method's process)\n", "| method | optimizer s / trial | wall s | peak MB |", "|---|---|---|---|"]
    for method in methods:
        runs = results["methods"][method]["runs"]
        per_trial = np.mean([s for run in runs for s in run["seconds"]]) if runs else math.nan
        wall = sum(run["wall"] for run in runs)
        peak = results["methods"][method]["peak_mb"]
        lines.append(f"| {method} | {per_trial:.4f} | {wall:.1f} | {'-' if peak is None else f'{peak:.0f}'} |")
    return "\n".join(lines)


def timings(results: dict[str, Any]) -> dict[str, dict[str, dict[int, float]]]:
    """Timing space -> method -> n -> seconds per proposal (methods not timed are missing).

    Reads both layouts of ``results.json``: ``speed`` as {space: {n: s}} (since the mixed space
    was timed), and as {n: s} alone (older files, which timed Hartmann6 only). Keys n are ints
    here, whatever JSON made of them."""
    out: dict[str, dict[str, dict[int, float]]] = {}
    for method, outcome in results["methods"].items():
        speed = outcome["speed"]
        by_space = speed if all(isinstance(v, dict) for v in speed.values()) else {"hartmann6": speed}
        for space, table in by_space.items():
            if table:
                out.setdefault(space, {})[method] = {int(n): float(s) for n, s in table.items()}
    return out


def _timing_table(space: str, table: dict[str, dict[int, float]], methods: list[str]) -> list[str]:
    """One table of proposal times on ``space``: seconds, the ratio to the fastest model-based peer
    at that n, and the ratio to GPSampler."""
    sizes = sorted({n for row in table.values() for n in row})
    peers = [m for m in MODEL_PEERS if m in table]
    fastest = {n: min((table[m][n] for m in peers if n in table[m]), default=math.nan) for n in sizes}
    target = table.get(TARGET, {})
    how = "median of 3" + ("; SMAC's: the mean of one cycle of 8 proposals, one of which refits its forest"
                           if "smac" in table else "")
    brackets = (f"; in brackets the ratio to the fastest model-based peer at that n ({', '.join(peers)})"
                + (", then to Optuna's GPSampler, the speed target" if target else "")) if peers else ""
    lines = [f"\n**Seconds per proposal on {_SPACE_TITLES.get(space, space)} with n observations** "
             f"({how}{brackets})\n",
             "| method | " + " | ".join(f"n = {n}" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for method in methods:
        cells = []
        for n in sizes:
            value = table.get(method, {}).get(n)
            if value is None:
                cells.append("-")
            elif math.isnan(fastest[n]):
                cells.append(f"{value:.3f}")
            else:
                also = f", {value / target[n]:.2g}x" if n in target else ""
                cells.append(f"{value:.3f} ({value / fastest[n]:.2g}x{also})")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines


def plot_convergence(results: dict[str, Any], path: Any, n_full: int) -> None:
    """Mean normalized score against trials, one panel per task, a band of ± one standard error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(results["references"])
    fig, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 3.4), squeeze=False, layout="constrained")
    steps = np.arange(1, n_full + 1)
    for ax, task in zip(axes[0], tasks, strict=True):
        for k, method in enumerate(results["methods"]):
            if not _runs(results, task, method):
                continue
            curves = np.array([normalized(results, task, method, n) for n in steps])  # (steps, seeds)
            mean = curves.mean(axis=1)
            se = curves.std(axis=1, ddof=1) / np.sqrt(curves.shape[1]) if curves.shape[1] > 1 else 0 * mean
            ax.plot(steps, mean, color=f"C{k % 10}", label=method, ls="-" if method not in PEERS else "--")
            ax.fill_between(steps, mean - se, mean + se, color=f"C{k % 10}", alpha=0.15)
        ax.set_title(task)
        ax.set_xlabel("trials (full evaluations)")
        ax.set_yscale("symlog", linthresh=0.01)
    axes[0][0].set_ylabel("normalized score (lower is better)")
    axes[0][-1].legend(fontsize="x-small")
    fig.savefig(path, dpi=90)
    plt.close(fig)
