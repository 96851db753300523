"""Where the acquisition's local searches start: with or without the incumbent.

Run: ``.venv/bin/python benchmarks/bench_incumbent.py MODE FIRST_SEED LAST_SEED`` with MODE one of

- ``none``: random restarts only (the package before the incumbent start);
- ``replace``: the last of the ``num_restarts`` random restarts starts at the incumbent;
- ``extra``: the package: ``num_restarts`` random restarts plus one at the incumbent;
- ``optuna-gp`` or ``skopt-gp``: a peer on the same seeds, for scale.

Prints Bayesmark's normalized score after 50 trials of ours (``bench_bo.py``'s definition) per
seed in [FIRST_SEED, LAST_SEED) on Hartmann6, Levy (d = 4) and Branin. The variants are
prototypes here (a wrapper around the package's acquisition optimizer); see
``benchmarks/README.md`` for the figures.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_bo  # noqa: E402 - the shared harness (thread pinning, runners, normalizer)
from bench_bo import torch  # noqa: E402

from interactive_hpo.optimizers.bayes import acquisition as acq  # noqa: E402

MODES = ("none", "replace", "extra")
PEERS = ("optuna-gp", "skopt-gp")
_PACKAGE = acq._optimize


def _variant(mode: str) -> Any:
    def optimize(acquisition: Any, dim: int, q: int, discrete: Any, categorical: Any, seed: int, raw_samples: int,
                 num_restarts: int, start: Any) -> Any:
        if mode != "replace" or start is None or q != 1 or discrete or categorical:
            return _PACKAGE(acquisition, dim, q, discrete, categorical, seed, raw_samples, num_restarts,
                            None if mode == "none" else start)
        bounds = torch.stack([torch.zeros(dim, dtype=acq.DTYPE), torch.ones(dim, dtype=acq.DTYPE)])
        options = {"seed": seed, "batch_limit": 64, "maxiter": 100}
        starts = acq.gen_batch_initial_conditions(acquisition, bounds, q=q, num_restarts=num_restarts,
                                                  raw_samples=raw_samples, options=options)
        starts[-1] = torch.as_tensor(start, dtype=acq.DTYPE).reshape(1, dim)
        candidates, value = acq.optimize_acqf(acquisition, bounds, q=q, num_restarts=num_restarts,
                                              batch_initial_conditions=starts, options=options)
        return candidates.detach().numpy().reshape(q, dim), float(torch.as_tensor(value).reshape(-1)[0])

    return optimize


def main() -> None:
    mode, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode not in MODES + PEERS:
        raise SystemExit(f"MODE must be one of {MODES + PEERS}; got {mode!r}")
    method = mode if mode in PEERS else "bo"
    if method == "bo":
        acq._optimize = _variant(mode)
    for task in ("Hartmann6", "Levy (d = 4)", "Branin"):
        function = bench_bo.TASKS[task]()
        scale = bench_bo.random_median(function) - function.optimal_value
        scores = [(bench_bo.best_after(method, function, seed, 50)[0] - function.optimal_value) / scale
                  for seed in range(first, last)]
        print(f"| {mode} | {task} | seeds {first}-{last - 1} | {np.mean(scores):.4f} | "
              f"{' '.join(f'{s:.4f}' for s in scores)} |", flush=True)


if __name__ == "__main__":
    main()
