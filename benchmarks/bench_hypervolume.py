"""Exact hypervolume with 3 to 5 objectives: ours against BoTorch's, side by side in one run.

Run: ``python benchmarks/bench_hypervolume.py [--objectives 3,4,5] [--sizes 100,200,400]
[--reps 3]``. Prints a markdown table; the figures in ``benchmarks/README.md`` come from it.

Points: n random directions in the positive orthant, at distances 1 to 1.5 from the origin
(seed 0), so that with several objectives most of them are on the front, as the trials of a
study of 4 or 5 objectives are (the Lab's Pareto tab measured 5 to 11 s per Step on DTLZ2 with 5
objectives and 150 trials before the exclusive-contribution method). Reference: 1.6 in every
objective. Timed, best of ``--reps``:

- *ours*: :func:`interactive_hpo.pareto.hypervolume` of the n points;
- *BoTorch*: ``botorch.utils.multi_objective.hypervolume.Hypervolume(ref).compute`` of their
  front (it takes the front; finding it is not timed), the peer at its defaults;
- *history*: :func:`interactive_hpo.pareto.hypervolume_history` of the n points in order, what
  the Lab's hypervolume curve needs (one value per trial); BoTorch has no incremental form.

Both volumes are printed with their relative difference, to show they are the same number.
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

REFERENCE = 1.6


def points(n: int, m: int) -> np.ndarray:
    """n losses of shape (n, m): random directions at distances 1 to 1.5 (seed 0)."""
    rng = np.random.default_rng(0)
    x = rng.random((n, m))
    return x / np.linalg.norm(x, axis=1, keepdims=True) * (1 + rng.random((n, 1)) * 0.5)


def best_of(reps: int, call: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of ``reps`` timings of ``call()``, and its result."""
    times, result = [], None
    for _ in range(reps):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", default="3,4,5")
    parser.add_argument("--sizes", default="100,200,400")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    import torch
    from botorch.utils.multi_objective.hypervolume import Hypervolume

    from interactive_hpo.pareto import hypervolume, hypervolume_history, pareto_mask

    torch.set_num_threads(1)
    print("| objectives | points | on the front | ours (s) | BoTorch (s) | BoTorch / ours | history (s) | "
          "relative difference |")
    print("|---|---|---|---|---|---|---|---|")
    for m in map(int, args.objectives.split(",")):
        for n in map(int, args.sizes.split(",")):
            losses = points(n, m)
            reference = np.full(m, REFERENCE)
            front = losses[pareto_mask(losses)]
            ours, volume = best_of(args.reps, lambda: hypervolume(losses, reference))  # noqa: B023 - called at once
            # BoTorch maximizes: the negated losses and reference.
            peer, their_front = Hypervolume(torch.tensor(-reference)), torch.tensor(-front)
            theirs, their_volume = best_of(args.reps, lambda: peer.compute(their_front))  # noqa: B023
            history, _ = best_of(1, lambda: hypervolume_history(losses, reference))  # noqa: B023
            print(f"| {m} | {n} | {len(front)} | {ours:.3f} | {theirs:.3f} | {theirs / ours:.1f} | {history:.2f} | "
                  f"{abs(volume - their_volume) / volume:.1e} |", flush=True)


if __name__ == "__main__":
    main()
