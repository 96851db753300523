"""Long studies: what a study of n cheap trials costs, for n = 1,000 to 20,000.

Run: ``python benchmarks/bench_longstudy.py [--sizes 1000,5000,20000] [--only asha,pruner]
[--skip-above asha=5000]``. Prints a markdown table of seconds; the figures in
``benchmarks/README.md`` come from this command.

Each size builds its studies afresh (seed 0) over a 4-parameter space (two floats, an int, a
categorical) with a lambda objective, so what is timed is the package, not the objective:

- *run*: ``study.run`` of n trials, in memory ("random", "sobol"), with a journal, with the
  median pruner (each trial reports 5 values), with a callback that reads ``study.best_value``
  after each trial, and with ASHA and Hyperband (budgets 1/81 to 1);
  the per-trial time of the last tenth over the first tenth says whether a trial costs more as
  the study grows;
- reading the random study of n trials: ``Study.load`` of its journal, ``history()``,
  ``best_trial``, ``trials_dataframe()``, ``budget_trace``, ``fork_study`` at n / 2,
  ``Schedule.observed``, ``draw_step`` of the last trial (a frame of ``export_html``), and a
  Lab over it (``lab.refresh()``, what every Step redraws);
- a Lab over the ASHA study of n trials (budgets 1/81 to 1): ``lab.refresh()``, and one render
  (Agg, as ipympl's canvas draws) of its multi-fidelity figure, the rung and curve plots;
- ``population(step=n - 1)`` of a CMA-ES study of n trials (time travel).

``--skip-above name=n`` leaves out a measure above n trials (the quadratic ones before a fix
would run for many minutes).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread pinning must precede numpy's import
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402

SPACE = SearchSpace([Float("x", -2, 2), Float("y", -2, 2), Int("k", 1, 10), Categorical("c", ["a", "b", "c"])])
BUDGETS = {"min_budget": 1 / 81}


def bowl(params: dict[str, Any], budget: float = 1.0) -> float:
    return (params["x"] - 1) ** 2 + params["y"] ** 2 + 0.01 * params["k"] + (params["c"] == "a") + 0.1 / budget


def curve(params: dict[str, Any], *, report: Callable[[float, float], None]) -> float:
    for epoch in range(5):
        report(bowl(params) + 1 / (epoch + 1), epoch)
    return bowl(params)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def run_growth(study: Study, objective: Callable[..., Any], n: int, **options: Any) -> tuple[float, float]:
    """Seconds for n trials, and the per-trial time of the last tenth over that of the first."""
    tenth = max(n // 10, 1)
    first, _ = timed(lambda: study.run(objective, tenth, progress=False, **options))
    middle, _ = timed(lambda: study.run(objective, n - 2 * tenth, progress=False, **options))
    last, _ = timed(lambda: study.run(objective, tenth, progress=False, **options))
    return first + middle + last, last / first


def measures(n: int, folder: str) -> dict[str, Callable[[], tuple[float, str]]]:
    """Each measure at ``n`` trials: a function returning (seconds, note)."""
    from interactive_hpo.execution.simulation import Schedule
    from interactive_hpo.plots.export import draw_step
    from interactive_hpo.study.branching import fork_study
    from interactive_hpo.study.curves import budget_trace

    journal = os.path.join(folder, f"random-{n}.jsonl")
    shared: dict[str, Any] = {}

    def random_study() -> Study:  # built once per size, by the first measure that reads it
        if "random" not in shared:
            shared["random"] = Study(SPACE, "random", seed=0, storage=journal)
            shared["random"].run(bowl, n, progress=False)
        return shared["random"]

    def run(optimizer: str, objective: Callable[..., Any] = bowl, callbacks: tuple[Callable[..., Any], ...] = (),
            **options: Any) -> Callable[[], tuple[float, str]]:
        def measure() -> tuple[float, str]:
            seconds, growth = run_growth(Study(SPACE, optimizer, seed=0, **options), objective, n,
                                         callbacks=callbacks)
            return seconds, f"last/first tenth {growth:.1f}"
        return measure

    def read(function: Callable[[Study], Any]) -> Callable[[], tuple[float, str]]:
        def measure() -> tuple[float, str]:
            study = random_study()
            return timed(lambda: function(study))[0], ""
        return measure

    def lab_refresh() -> tuple[float, str]:
        from interactive_hpo.ui import Lab

        lab = Lab(random_study(), bowl)
        return timed(lab.refresh)[0], ""

    def asha_lab() -> Any:  # built once per size, refreshed once by its constructor
        from interactive_hpo.ui import Lab

        if "asha lab" not in shared:
            study = Study(SPACE, "asha", seed=0, optimizer_settings=BUDGETS)
            study.run(bowl, n, progress=False)
            shared["asha lab"] = Lab(study, bowl)
        return shared["asha lab"]

    def asha_refresh() -> tuple[float, str]:
        lab = asha_lab()
        return timed(lab.refresh)[0], ""

    def asha_render() -> tuple[float, str]:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = asha_lab().fidelity_panel.figure.fig
        canvas = FigureCanvasAgg(fig)
        artists = sum(len(ax.get_children()) for ax in fig.axes)
        return timed(canvas.draw)[0], f"{artists} artists in its axes"

    def population() -> tuple[float, str]:
        study = Study(SPACE, "cmaes", seed=0)
        study.run(bowl, n, progress=False)
        return timed(lambda: study.population(step=n - 1))[0], ""

    def frame() -> tuple[float, str]:
        from matplotlib.figure import Figure

        study, fig = random_study(), Figure()
        return timed(lambda: draw_step(study, n - 1, fig))[0], ""

    return {
        "run random": run("random"),
        "run sobol": run("sobol"),
        "run random, journal": run("random", storage=os.path.join(folder, f"run-{n}.jsonl")),
        "run random, median pruner": run("random", curve, pruner="median"),
        "run random, callback reads best_value": run("random", callbacks=(lambda study, trial: study.best_value,)),
        "run asha": run("asha", optimizer_settings=BUDGETS),
        "run hyperband": run("hyperband", optimizer_settings=BUDGETS),
        "Study.load": read(lambda s: Study.load(journal)),
        "history()": read(lambda s: s.history()),
        "best_trial": read(lambda s: s.best_trial),
        "trials_dataframe()": read(lambda s: s.trials_dataframe()),
        "budget_trace": read(budget_trace),
        "fork_study(n/2)": read(lambda s: fork_study(s, n // 2)),
        "Schedule.observed": read(lambda s: Schedule.observed(s.trials)),
        "draw_step(n-1)": frame,
        "Lab.refresh()": lab_refresh,
        "Lab.refresh(), asha study": asha_refresh,
        "Lab render of the fidelity figure, asha study": asha_render,
        "cmaes population(step=n-1)": population,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--only", default="", help="comma-separated words: measures whose name holds one")
    parser.add_argument("--skip-above", default="", help="name=n,...: leave a measure out above n trials")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    sizes = [int(s) for s in args.sizes.split(",")]
    only = [w for w in args.only.split(",") if w]
    caps = {k: int(v) for k, v in (item.split("=") for item in args.skip_above.split(",") if item)}
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| measure | n | seconds | note |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            for name, measure in measures(n, folder).items():
                if only and not any(word in name for word in only):
                    continue
                if any(word in name and n > cap for word, cap in caps.items()):
                    print(f"| {name} | {n} | not run | |", flush=True)
                    continue
                seconds, note = measure()
                print(f"| {name} | {n} | {seconds:.3g} | {note} |", flush=True)


if __name__ == "__main__":
    main()
