"""Foundation benchmark: what the study loop and the journal cost, and grid / Sobol vs random.

Run: ``.venv/bin/python benchmarks/bench_foundation.py [--seeds 10] [--trials 64]``

Prints markdown tables; the figures in ``benchmarks/README.md`` come from this command.
Threads are pinned to one so timings do not depend on BLAS oversubscription.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from interactive_hpo import Study  # noqa: E402
from interactive_hpo.objectives.synthetic import Ackley, Branin, Hartmann6  # noqa: E402

OPTIMIZERS = ("random", "sobol", "grid")


def loop_overhead(n_trials: int, workdir: Path) -> list[tuple[str, str, float]]:
    """Milliseconds per trial of ask + evaluate + tell, for a free objective."""
    branin = Branin()
    rows = []
    for name in OPTIMIZERS:
        for storage in (None, workdir / f"overhead_{name}.jsonl"):
            settings = {"resolution": int(np.ceil(np.sqrt(n_trials)))} if name == "grid" else None
            study = Study(branin.space, name, seed=0, storage=storage, optimizer_settings=settings)
            start = time.perf_counter()
            study.run(branin, n_trials=n_trials)
            per_trial = (time.perf_counter() - start) / n_trials * 1e3
            rows.append((name, "journal (fsync per line)" if storage else "in memory", per_trial))
    return rows


def resume_time(n_trials: int, workdir: Path) -> float:
    """Seconds to reopen a journal of ``n_trials`` finished trials."""
    path = workdir / "resume.jsonl"
    Study(Branin().space, "random", seed=0, storage=path).run(Branin(), n_trials=n_trials)
    start = time.perf_counter()
    Study.load(path)
    return time.perf_counter() - start


def normalized_scores(n_trials: int, n_seeds: int) -> list[tuple[str, str, float, float]]:
    """Median best regret over seeds, and its ratio to random search's (lower is better)."""
    rows = []
    for function in (Branin(), Hartmann6(), Ackley(dim=5)):
        regrets = {}
        for name in OPTIMIZERS:
            per_seed = []
            for seed in range(n_seeds):
                if name == "grid":
                    levels = max(2, int(np.floor(n_trials ** (1 / function.dim))))
                    settings = {"resolution": levels}
                else:
                    settings = None
                study = Study(function.space, name, seed=seed, optimizer_settings=settings)
                study.run(function, n_trials=n_trials)
                per_seed.append(function.regret(study.best_value))
            regrets[name] = float(np.median(per_seed))
        for name in OPTIMIZERS:
            rows.append((type(function).__name__, name, regrets[name], regrets[name] / regrets["random"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print("| optimizer | storage | ms per trial |\n|---|---|---|")
        for name, storage, ms in loop_overhead(1000, workdir):
            print(f"| {name} | {storage} | {ms:.3f} |")
        print(f"\nReopening a journal of 5000 trials: {resume_time(5000, workdir):.2f} s\n")
    print(f"| function | optimizer | median regret ({args.trials} trials, {args.seeds} seeds) | ratio to random |")
    print("|---|---|---|---|")
    for function, name, regret, ratio in normalized_scores(args.trials, args.seeds):
        print(f"| {function} | {name} | {regret:.4g} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
