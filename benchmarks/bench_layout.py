"""The graph layout of large landscapes: time and peak memory of ``graph_layout`` by grid shape.

Run: ``.venv/bin/python benchmarks/bench_layout.py [--shapes 30x30x30 5x5x5x5x5x5 ...]``.

Each shape is a grid of ordered parameters with a smooth loss; each runs in a fresh process on
one thread (peak resident memory is the process's). Above ``embedding.DENSE_MAX`` (2,000)
configurations the layout comes from shift-invert Lanczos; what each solve costs decides how
far it scales: a sparse LU factor fills in on grids of many parameters, conjugate gradients
(since 2026-12-05) do not. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

SHAPES = ["30x30x30", "45x45x45", "5x5x5x5x5x5", "6x6x6x6x6x6"]

ONE = """
import itertools, resource, time
import numpy as np
from interactive_hpo.landscape.embedding import graph_layout
from interactive_hpo.landscape.graph import Landscape
shape = tuple(int(s) for s in {shape!r}.split("x"))
grid = np.array(list(itertools.product(*[range(s) for s in shape])), float)
losses = np.sin(grid @ np.linspace(0.3, 1.1, len(shape))) + 0.01 * grid.sum(1)
land = Landscape(tuple(f"p{{i}}" for i in range(len(shape))), tuple(tuple(range(s)) for s in shape),
                 (True,) * len(shape), losses)
start = time.perf_counter()
graph_layout(land)
print(land.n, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=SHAPES)
    args = parser.parse_args()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    print("| grid | configurations | seconds | peak MB |\n|---|---|---|---|")
    for shape in args.shapes:
        out = subprocess.run([sys.executable, "-c", ONE.format(shape=shape)], capture_output=True, text=True,
                             env=env, check=True).stdout.split()
        print(f"| {shape} | {int(out[0]):,} | {float(out[1]):.1f} | {out[2]} |")


if __name__ == "__main__":
    main()
