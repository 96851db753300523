"""The Lab's redraw cost: how long a Step spends drawing, beyond the optimizer's own time.

Run: ``.venv/bin/python benchmarks/bench_lab.py [--steps 30] [--seed 0]``. Prints a markdown
table; the figures in ``benchmarks/README.md`` come from this command.

A Lab over Branin (2-D) with the "bo" optimizer is stepped ``--steps`` times, headless (matplotlib
Agg). For every step after the GP's initial design, the time of ``lab.step()`` is split into:

- *optimizer*: the study's ask/tell, the objective, ``study.surrogate()`` (the fit the next ask
  reuses) and ``optimizer.propose()`` (the starred next point, which the next ask returns);
- *panels*: everything else in the Lab's refresh: predicting the 60 x 60 slice, updating the
  artists of every panel, the trials table;
- *render*: ``fig.canvas.draw()`` of each figure, which a browser's ipympl canvas triggers after
  ``draw_idle`` (Agg here, the same renderer ipympl uses).

*redraw* = panels + render is what the issue bounds (under 0.2 s). A 4-D variant (Hartmann-like
space of Levy, d = 4) adds the parallel-coordinates figure and slider-driven slices.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import platform  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from interactive_hpo.objectives.synthetic import Branin, Levy  # noqa: E402
from interactive_hpo.study import Study  # noqa: E402
from interactive_hpo.ui import Lab  # noqa: E402

torch.set_num_threads(1)


class Clock:
    """Accumulates the seconds spent inside wrapped callables."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def measure(objective: Any, steps: int, seed: int) -> list[dict[str, float]]:
    lab = Lab(objective, seed=seed)
    refresh_clock, model_clock = Clock(), Clock()
    # Instance attributes shadow the methods: the Lab's redraw, and the optimizer's work inside it.
    lab.refresh = refresh_clock.wrap(lab.refresh)
    study: Study = lab.study
    study.surrogate = model_clock.wrap(study.surrogate)
    study.optimizer.propose = model_clock.wrap(study.optimizer.propose)
    figures = [lab.surrogate_panel.figure.fig, lab.history_panel._best_figure.fig]
    if lab.history_panel.parallel_plot is not None:
        figures.append(lab.history_panel._parallel_figure.fig)
    canvases = [FigureCanvasAgg(figure) for figure in figures]  # what ipympl renders with
    rows = []
    for _ in range(steps):
        refresh_clock.seconds = model_clock.seconds = 0.0
        start = time.perf_counter()
        lab.step()
        total = time.perf_counter() - start
        start = time.perf_counter()
        for canvas in canvases:
            canvas.draw()
        render = time.perf_counter() - start
        if lab.surrogate_panel.message.value:  # no model yet: nothing drawn but the history
            continue
        panels = refresh_clock.seconds - model_clock.seconds
        rows.append({"optimizer": total - panels, "panels": panels, "render": render, "redraw": panels + render})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, torch threads 1, "
          f"matplotlib {matplotlib.__version__} (Agg)\n")
    print("| problem | steps timed | optimizer (median / max) | panels | render | redraw = panels + render |")
    print("|---|---|---|---|---|---|")
    for name, objective in (("Branin (d = 2)", Branin()), ("Levy (d = 4)", Levy(dim=4))):
        rows = measure(objective, args.steps, args.seed)
        cells = []
        for key in ("optimizer", "panels", "render", "redraw"):
            values = np.array([row[key] for row in rows])
            cells.append(f"{np.median(values):.3f} / {values.max():.3f}")
        print(f"| {name} | {len(rows)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
