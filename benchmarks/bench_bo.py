"""Bayesian optimization benchmark: proposal speed, slice prediction speed, sample efficiency.

Ours (``Study(space, "bo")``) against Optuna's ``GPSampler`` (and TPE) and scikit-optimize's
GP optimizer (``gp_minimize``'s defaults: GP, ``gp_hedge``, 10 random initial points), in one run,
on the same machine, with threads pinned to one. Every method goes through the benchmark suite's
adapters (``benchmarks/suite/methods.py``), so this script and ``python -m benchmarks`` run the
peers the same way.

Run: ``.venv/bin/python benchmarks/bench_bo.py [--seeds 10] [--trials 50] [--sizes 10,50,100,200,500]``
(``--quick`` for a run of a few minutes; ``--parts speed`` for the timings alone). Prints markdown
tables; the figures in ``benchmarks/README.md`` come from this command. Install ``greenlet`` first
(``.venv/bin/python -m pip install greenlet``): without it Optuna's GPSampler falls back to a
sequential L-BFGS-B and is 3-4x slower than it should be; the header line says which was used.

What is measured (README, section "Bayesian optimization", says the same):

1. Seconds per proposal on Hartmann6 at n observations. Two protocols:
   *fill*: the data are grown to n - 1 by telling uniform random points (the same points for every
   method), then one proposal is made and told (the first after the jump, reported apart, since
   a warm start from a much smaller n is not what a live loop sees), then a window of ``--window``
   proposals at n, n + 1, ... is timed. *loop*: the optimizer proposes every point (ours and
   Optuna only; scikit-optimize would take hours to reach 500 that way).
   A proposal is timed as ``tell(previous value) + ask()``: scikit-optimize refits its GP and
   optimizes the acquisition inside ``tell`` (its ``ask`` returns a cached point), while ours and
   Optuna do all their work in ``ask`` (their ``tell`` costs well under a millisecond).
2. Slice prediction: ``optimizer.surrogate()`` (the first call fits the model the next ask will
   reuse) and ``view.predict`` on a 100 x 100 slice (mean, epistemic std, noise, acquisition).
3. Bayesmark-style normalized score after ``--trials`` trials:
   ``(best found - optimum) / (median loss of one uniform random point - optimum)``.
4. Where our ask time goes (GP fit vs acquisition optimization), and what speed and score
   alternative settings buy. The alternatives that touch the GP fit are prototypes in this
   script (a wrapper around ``fit_gp``); the package itself is unchanged.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import logging  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, cast  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

import optuna  # noqa: E402
import skopt  # noqa: E402
from botorch.fit import fit_gpytorch_mll  # noqa: E402
from botorch.optim import fit as botorch_optim_fit  # noqa: E402
from gpytorch.mlls import ExactMarginalLogLikelihood  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.methods import Method, Ours, make_method  # noqa: E402 - the suite's adapters
from interactive_hpo.objectives import Branin, Hartmann6, Levy  # noqa: E402
from interactive_hpo.objectives.synthetic import SyntheticFunction  # noqa: E402
from interactive_hpo.optimizers.bayes import acquisition as acq  # noqa: E402
from interactive_hpo.optimizers.bayes import model as bayes_model  # noqa: E402
from interactive_hpo.optimizers.bayes import outcomes as bayes_outcomes  # noqa: E402 - every GP fit goes through its fit_gp

optuna.logging.set_verbosity(optuna.logging.WARNING)
logging.getLogger("optuna").setLevel(logging.WARNING)
warnings.filterwarnings("ignore")  # Optuna's ExperimentalWarning, scikit-optimize's repeated-point notes

# -- instrumentation: timers around the GP fit and the acquisition optimization (script only) --------

PROFILE: dict[str, float] = {"fit": 0.0, "acq": 0.0, "fit_iterations": 0.0, "fit_runs": 0.0}
_ORIGINAL_FIT_GP = bayes_outcomes.fit_gp
_ORIGINAL_OPTIMIZE = acq.optimize
_ORIGINAL_SCIPY_MINIMIZE = botorch_optim_fit.scipy_minimize


@dataclass
class FitKnobs:
    """Prototype GP-fit settings (not in the package): how warm-started fits are run."""

    warm_options: dict[str, float] | None = None  # scipy L-BFGS-B options of warm fits (None: package's)
    refit_growth: float = 0.0  # > 0: reuse the last hyperparameters until the data grew by this fraction
    last_fit_n: int = field(default=0, repr=False)


KNOBS = FitKnobs()


def _fit_with(model: Any, options: dict[str, float]) -> None:
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(mll, optimizer_kwargs={"options": options})
    for values in bayes_model.model_state(model).values():
        if not all(math.isfinite(v) for v in values):
            raise FloatingPointError("non-finite hyperparameters")


def _fit_gp_with_knobs(X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str, noise: str,
                       warm: dict[str, list[float]] | None, *rest: Any) -> Any:
    """The package's ``fit_gp``, except for warm starts when a prototype knob is set."""
    if warm and (KNOBS.warm_options is not None or KNOBS.refit_growth > 0):
        model = bayes_model.build_gp(X, y, cat_dims, kernel, noise)
        if bayes_model.load_state(model, warm):
            if KNOBS.refit_growth > 0 and len(y) < KNOBS.last_fit_n * (1 + KNOBS.refit_growth):
                return bayes_model.FittedGP(model.eval(), bayes_model.model_state(model), "warm (not refitted)")
            try:
                _fit_with(model, KNOBS.warm_options or bayes_model.warm_options(len(y)))
                KNOBS.last_fit_n = len(y)
                return bayes_model.FittedGP(model.eval(), bayes_model.model_state(model), "warm")
            except Exception:  # noqa: BLE001 - fall through to the package's own fallbacks
                pass
    KNOBS.last_fit_n = len(y)
    return _ORIGINAL_FIT_GP(X, y, cat_dims, kernel, noise, warm, *rest)


def _timed_fit_gp(*args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    try:
        return _fit_gp_with_knobs(*args, **kwargs)
    finally:
        PROFILE["fit"] += time.perf_counter() - start


def _timed_optimize(*args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    try:
        return _ORIGINAL_OPTIMIZE(*args, **kwargs)
    finally:
        PROFILE["acq"] += time.perf_counter() - start


def _counted_scipy_minimize(*args: Any, **kwargs: Any) -> Any:
    result = _ORIGINAL_SCIPY_MINIMIZE(*args, **kwargs)
    PROFILE["fit_iterations"] += result.step
    PROFILE["fit_runs"] += 1
    return result


bayes_outcomes.fit_gp = _timed_fit_gp
acq.optimize = _timed_optimize
botorch_optim_fit.scipy_minimize = _counted_scipy_minimize


# -- the suite's adapters (benchmarks/suite/methods.py), keyed by this script's names ----------------

LABELS = {"bo": "ours (bo)", "random": "random (ours)", "optuna-gp": "Optuna GPSampler",
          "optuna-tpe": "Optuna TPE", "skopt-gp": "scikit-optimize (gp_minimize: GP, gp_hedge)"}


def make_runner(method: str, function: SyntheticFunction, seed: int, settings: dict[str, Any] | None = None) -> Method:
    """The suite's adapter for ``method`` on ``function``'s space; ours with prototype ``settings`` if given."""
    KNOBS.last_fit_n = 0
    if settings:
        return Ours(function.space, seed, "bo", settings)
    return make_method(method, function.space, seed)


# -- 1 and 2: speed ------------------------------------------------------------------------------------

@dataclass
class Ask:
    n: int  # observations when the proposal was made
    seconds: float
    fit: float = math.nan
    acq: float = math.nan
    fit_iterations: float = math.nan


@dataclass
class SpeedRecord:
    window: dict[int, list[Ask]] = field(default_factory=dict)  # size -> timed asks
    first: dict[int, list[Ask]] = field(default_factory=dict)  # size -> first ask after the fill
    slices: dict[int, list[tuple[int, float, float, float, float]]] = field(default_factory=dict)


def _timed_step(runner: Method, function: SyntheticFunction, previous: float | None, n: int) -> tuple[Ask, float]:
    """tell(previous loss) + ask(), timed, with our fit/acquisition split; returns the new point's loss."""
    for key in PROFILE:
        PROFILE[key] = 0.0
    start = time.perf_counter()
    if previous is not None:
        runner.tell(previous)
    params, _ = runner.ask()
    seconds = time.perf_counter() - start
    ask = Ask(n, seconds)
    if isinstance(runner, Ours):
        ask.fit, ask.acq = PROFILE["fit"], PROFILE["acq"]
        ask.fit_iterations = PROFILE["fit_iterations"] if PROFILE["fit_runs"] else math.nan
    return ask, float(function(params))


def slice_timing(runner: Ours, n_repeats: int = 5) -> tuple[int, float, float, float, float]:
    """(observations, first surrogate() s, second surrogate() s, median and max predict s on 100 x 100)."""
    optimizer, space = runner.study.optimizer, runner.study.space
    points = space.slice2d("x0", "x1", resolution=100).points.reshape(-1, space.dim)
    start = time.perf_counter()
    optimizer.surrogate()
    first = time.perf_counter() - start
    start = time.perf_counter()
    view = optimizer.surrogate()
    again = time.perf_counter() - start
    times = []
    for _ in range(n_repeats):
        start = time.perf_counter()
        prediction = view.predict(points)
        times.append(time.perf_counter() - start)
    assert prediction.mean.shape == (len(points),) and np.all(np.isfinite(prediction.acquisition))
    return len(runner.study.trials), first, again, float(np.median(times)), float(np.max(times))


def speed_fill(method: str, sizes: Sequence[int], window: int, seed: int, slice_sizes: Sequence[int],
               settings: dict[str, Any] | None = None, record: SpeedRecord | None = None) -> SpeedRecord:
    """The fill protocol on Hartmann6: random points up to n - 1, one untimed-in-window ask, a timed window."""
    function = Hartmann6()
    rng = np.random.default_rng(10_000 + seed)  # the same fill points for every method
    pool = [function.space.from_unit(x) for x in rng.random((max(sizes) + 1, function.dim))]
    pool_values = [float(function(params)) for params in pool]
    runner = make_runner(method, function, seed, settings)
    record = record or SpeedRecord()
    seen, filled = 0, 0
    for n in sizes:
        if n - 1 > seen:
            take = n - 1 - seen
            runner.observe_many(pool[filled:filled + take], pool_values[filled:filled + take])
            filled, seen = filled + take, n - 1
        first, pending = _timed_step(runner, function, None, seen)
        record.first.setdefault(n, []).append(first)
        seen += 1
        for _ in range(window):
            ask, pending = _timed_step(runner, function, pending, seen)
            record.window.setdefault(n, []).append(ask)
            seen += 1
        runner.tell(pending)
        if isinstance(runner, Ours) and n in slice_sizes:
            record.slices.setdefault(n, []).append(slice_timing(runner))
    return record


def speed_loop(method: str, sizes: Sequence[int], window: int, seed: int,
               settings: dict[str, Any] | None = None) -> SpeedRecord:
    """The loop protocol: the optimizer proposes every point; windows at each size are kept."""
    function = Hartmann6()
    runner = make_runner(method, function, seed, settings)
    record = SpeedRecord()
    pending: float | None = None
    last = max(sizes) + window
    for seen in range(last):
        ask, pending = _timed_step(runner, function, pending, seen)
        for n in sizes:
            if n <= seen < n + window:
                record.window.setdefault(n, []).append(ask)
    runner.tell(cast(float, pending))
    return record


def _stats(asks: Sequence[Ask]) -> tuple[float, float, int]:
    seconds = [a.seconds for a in asks]
    return float(np.median(seconds)), float(np.max(seconds)), sum(s > 1.0 for s in seconds)


def _cell(asks: Sequence[Ask] | None) -> str:
    if not asks:
        return "-"
    median, worst, over = _stats(asks)
    flag = f" ({over} > 1 s)" if over else ""
    return f"{median:.3f} / {worst:.3f}{flag}"


# -- 3: sample efficiency ------------------------------------------------------------------------------

def random_median(function: SyntheticFunction, n: int = 100_000, seed: int = 12345) -> float:
    """Median loss of one uniform random point (Bayesmark's normalizer), by Monte Carlo."""
    low, high = function.bounds[:, 0], function.bounds[:, 1]
    X = low + np.random.default_rng(seed).random((n, function.dim)) * (high - low)
    return float(np.median(function.evaluate(X)))


def best_after(method: str, function: SyntheticFunction, seed: int, n_trials: int,
               settings: dict[str, Any] | None = None) -> tuple[float, float]:
    """(best loss after n_trials, wall seconds spent in the optimizer)."""
    runner = make_runner(method, function, seed, settings)
    best, spent = math.inf, 0.0
    for _ in range(n_trials):
        start = time.perf_counter()
        params, _ = runner.ask()
        spent += time.perf_counter() - start
        value = float(function(params))
        start = time.perf_counter()
        runner.tell(value)
        spent += time.perf_counter() - start
        best = min(best, value)
    return best, spent


TASKS: dict[str, Callable[[], SyntheticFunction]] = {
    "Branin": Branin, "Hartmann6": Hartmann6, "Levy (d = 4)": lambda: Levy(dim=4)}


def scores(methods: Sequence[str], tasks: Sequence[str], seeds: int, n_trials: int,
           settings: dict[str, Any] | None = None) -> dict[tuple[str, str], tuple[np.ndarray, float]]:
    """(task, method) -> (normalized score per seed, mean optimizer seconds per run)."""
    out = {}
    for task in tasks:
        function = TASKS[task]()
        scale = random_median(function) - function.optimal_value
        for method in methods:
            per_seed, spent = [], []
            for seed in range(seeds):
                best, seconds = best_after(method, function, seed, n_trials, settings)
                per_seed.append((best - function.optimal_value) / scale)
                spent.append(seconds)
            out[task, method] = (np.array(per_seed), float(np.mean(spent)))
    return out


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    se = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else math.nan
    return float(np.mean(values)), se


# -- 4: alternatives ---------------------------------------------------------------------------------

@dataclass
class Config:
    name: str
    settings: dict[str, Any] | None = None
    warm_options: dict[str, float] | None = None
    refit_growth: float = 0.0

    def apply(self) -> None:
        KNOBS.warm_options, KNOBS.refit_growth, KNOBS.last_fit_n = self.warm_options, self.refit_growth, 0


CONFIGS = [
    Config("package default: warm fit ftol 1e-6, maxiter 50; acquisition 8 restarts, 256 raw samples"),
    Config("warm fit to scipy's ftol 2.2e-9, maxiter 200 (the package before 039c82e)",
           warm_options={"maxiter": 200}),
    Config("acquisition 4 restarts, 128 raw samples", {"num_restarts": 4, "raw_samples": 128}),
    Config("acquisition 16 restarts, 512 raw samples", {"num_restarts": 16, "raw_samples": 512}),
    Config("refit only after 10% more data", refit_growth=0.1),
]


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# -- main ---------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds for the normalized scores")
    parser.add_argument("--trials", type=int, default=50, help="trials per run for the normalized scores")
    parser.add_argument("--sizes", type=str, default="10,50,100,200,500", help="observation counts timed")
    parser.add_argument("--window", type=int, default=5, help="timed proposals per size")
    parser.add_argument("--speed-seeds", type=int, default=2, help="seeds of the fill protocol (pooled)")
    parser.add_argument("--loop-to", type=int, default=None, help="largest size of the loop protocol (default: all)")
    parser.add_argument("--config-seeds", type=int, default=None, help="seeds for the alternatives' scores")
    parser.add_argument("--parts", type=str, default="speed,scores,alternatives",
                        help="which parts to run (speed includes slices and the profile)")
    parser.add_argument("--quick", action="store_true", help="a run of a few minutes: small sizes and few seeds")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.sizes, args.speed_seeds = min(args.seeds, 2), min(args.trials, 20), "10,50", 1
        args.window = min(args.window, 3)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    loop_sizes = [n for n in sizes if args.loop_to is None or n <= args.loop_to]
    slice_sizes = [n for n in (50, 200, 500) if n in sizes]
    config_seeds = args.config_seeds or args.seeds
    started = time.perf_counter()
    print(f"torch {torch.__version__}, botorch {__import__('botorch').__version__}, optuna {optuna.__version__}, "
          f"scikit-optimize {skopt.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"greenlet (Optuna's batched L-BFGS-B) {'yes' if _has('greenlet') else 'no'}, "
          f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.2f}\n")

    parts = set(args.parts.split(","))
    if "speed" in parts:
        speed_part(args, sizes, loop_sizes, slice_sizes, started)
    result = scores_part(args, started) if parts & {"scores", "alternatives"} else {}
    if "alternatives" in parts:
        alternatives_part(args, sizes, config_seeds, result, started)
    print(f"\nTotal: {time.perf_counter() - started:.0f} s (load average at the end {os.getloadavg()[0]:.2f})")


def speed_part(args: argparse.Namespace, sizes: list[int], loop_sizes: list[int], slice_sizes: list[int],
               started: float) -> None:
    # 1. Proposal speed.
    speed_methods = ("bo", "optuna-gp", "skopt-gp")
    fill = {m: SpeedRecord() for m in speed_methods}
    for seed in range(args.speed_seeds):
        for method in speed_methods:
            speed_fill(method, sizes, args.window, seed, slice_sizes, record=fill[method])
    loop = {m: speed_loop(m, loop_sizes, args.window, 0) for m in ("bo", "optuna-gp")}
    print(f"### Seconds per proposal on Hartmann6, fill protocol (median / max over {args.window} proposals "
          f"x {args.speed_seeds} seed(s); count over 1 s in brackets)\n")
    print("| n | " + " | ".join(LABELS[m] for m in speed_methods) + " |")
    print("|---" * (len(speed_methods) + 1) + "|")
    for n in sizes:
        print(f"| {n} | " + " | ".join(_cell(fill[m].window.get(n)) for m in speed_methods) + " |")
    print("\nFirst proposal after the jump from the previous size (median / max over seeds; scikit-optimize "
          "left out: its refit ran inside the untimed batch tell of the fill):\n")
    jump_methods = ("bo", "optuna-gp")
    print("| n | " + " | ".join(LABELS[m] for m in jump_methods) + " |")
    print("|---" * (len(jump_methods) + 1) + "|")
    for n in sizes:
        print(f"| {n} | " + " | ".join(_cell(fill[m].first.get(n)) for m in jump_methods) + " |")
    print(f"\n### Seconds per proposal on Hartmann6, loop protocol (seed 0, median / max over {args.window})\n")
    print("| n | " + " | ".join(LABELS[m] for m in loop) + " |")
    print("|---" * (len(loop) + 1) + "|")
    for n in loop_sizes:
        print(f"| {n} | " + " | ".join(_cell(loop[m].window.get(n)) for m in loop) + " |")
    print(f"\n[speed done at {time.perf_counter() - started:.0f} s]")

    # 2. Slice prediction.
    print("\n### Slice prediction (ours, fill protocol, 100 x 100 slice; median over seeds)\n")
    print("| n (observations) | surrogate(), first call (fits) | surrogate() again | predict 10^4 points, "
          "median / max of 5 |")
    print("|---|---|---|---|")
    for n in slice_sizes:
        rows = np.array(fill["bo"].slices[n])
        obs, first, again = int(np.median(rows[:, 0])), np.median(rows[:, 1]), np.median(rows[:, 2])
        print(f"| {n} ({obs}) | {first * 1e3:.0f} ms | {again * 1e3:.1f} ms | "
              f"{np.median(rows[:, 3]) * 1e3:.1f} / {np.max(rows[:, 4]) * 1e3:.1f} ms |")

    # 4a. Profile of ours: where the time goes.
    print("\n### Where our proposal time goes (median over the window, seconds)\n")
    print("| protocol | n | proposal | GP fit | acquisition optimization | rest | L-BFGS iterations of the fit |")
    print("|---|---|---|---|---|---|---|")
    for protocol, record in (("fill", fill["bo"]), ("loop", loop["bo"])):
        for n in sorted(record.window):
            asks = record.window[n]
            total, fit, opt = (float(np.median([getattr(a, k) for a in asks])) for k in ("seconds", "fit", "acq"))
            iterations = float(np.nanmedian([a.fit_iterations for a in asks]))
            rest = float(np.median([a.seconds - a.fit - a.acq for a in asks]))
            print(f"| {protocol} | {n} | {total:.3f} | {fit:.3f} | {opt:.3f} | {rest:.3f} | {iterations:.0f} |")
    print(f"\n[slices and profile done at {time.perf_counter() - started:.0f} s]")


def scores_part(args: argparse.Namespace, started: float) -> dict[tuple[str, str], tuple[np.ndarray, float]]:
    # 3. Sample efficiency.
    methods = ("random", "bo", "optuna-gp", "optuna-tpe", "skopt-gp")
    tasks = list(TASKS)
    result = scores(methods, tasks, args.seeds, args.trials)
    print(f"\n### Normalized score after {args.trials} trials (mean +- standard error over {args.seeds} seeds; "
          "lower is better; 0 = optimum, 1 = median random point)\n")
    print("| task | " + " | ".join(LABELS[m] for m in methods) + " | ours - best of (GPSampler, skopt) |")
    print("|---" * (len(methods) + 2) + "|")
    for task in tasks:
        cells = []
        for method in methods:
            mean, se = _mean_se(result[task, method][0])
            ratio = mean / np.mean(result[task, "random"][0])
            cells.append(f"{mean:.4f} +- {se:.4f} ({ratio:.2f}x)")
        gap = np.mean(result[task, "bo"][0]) - min(np.mean(result[task, m][0]) for m in ("optuna-gp", "skopt-gp"))
        print(f"| {task} | " + " | ".join(cells) + f" | {gap:+.4f} |")
    print("\n(x: ratio of the mean to random search's.) Optimizer seconds per run of "
          f"{args.trials} trials (mean over seeds):\n")
    print("| task | " + " | ".join(LABELS[m] for m in methods) + " |")
    print("|---" * (len(methods) + 1) + "|")
    for task in tasks:
        print(f"| {task} | " + " | ".join(f"{result[task, m][1]:.1f}" for m in methods) + " |")
    print(f"\n[scores done at {time.perf_counter() - started:.0f} s]")
    return result


def alternatives_part(args: argparse.Namespace, sizes: list[int], config_seeds: int,
                      result: dict[tuple[str, str], tuple[np.ndarray, float]], started: float) -> None:
    # 4b. Alternatives: speed (fill at the sizes, loop up to 200) and scores.
    tasks = list(TASKS)
    knob_sizes = [n for n in sizes if n >= 50] or sizes
    knob_loop = [n for n in knob_sizes if n <= 200]
    print(f"\n### Alternatives for ours: seconds per proposal on Hartmann6 (median / max; fill: {args.window} "
          f"x {args.speed_seeds} seed(s); loop: seed 0) and normalized score after {args.trials} trials "
          f"({config_seeds} seeds)\n")
    header = [f"fill n = {n}" for n in knob_sizes] + [f"loop n = {n}" for n in knob_loop] + tasks
    print("| setting | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    for config in CONFIGS:
        config.apply()
        record = SpeedRecord()
        for seed in range(args.speed_seeds):
            config.apply()
            speed_fill("bo", knob_sizes, args.window, seed, (), config.settings, record)
        config.apply()
        looped = speed_loop("bo", knob_loop, args.window, 0, config.settings)
        if config is CONFIGS[0] and config_seeds == args.seeds:
            config_scores = {task: result[task, "bo"][0] for task in tasks}
        else:
            config.apply()
            found = scores(("bo",), tasks, config_seeds, args.trials, config.settings)
            config_scores = {task: found[task, "bo"][0] for task in tasks}
        cells = [_cell(record.window.get(n)) for n in knob_sizes] + [_cell(looped.window.get(n)) for n in knob_loop]
        cells += ["{:.4f} +- {:.4f}".format(*_mean_se(config_scores[task])) for task in tasks]
        print(f"| {config.name} | " + " | ".join(cells) + " |", flush=True)
    Config("reset").apply()


if __name__ == "__main__":
    main()
