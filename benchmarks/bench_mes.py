"""Max-value entropy search's proposal: seconds and peak memory at n observations.

Run: ``.venv/bin/python benchmarks/bench_mes.py [--sizes 20,100,400] [--repeats 3]
[--acquisition mes]``. For each space and n it starts a fresh process (so each peak is that
proposal's own), tells n uniform random points of the suite's ``mixed_branin`` task (Branin, an
int and a 3-way categorical) to ``Study(space, "bo", optimizer_settings={"acquisition": ...})``,
then times ``propose()`` three ways, medians over ``--repeats``: with a GP fit warm-started from
the previous one (as in a live loop: what an ask costs), with the fit held (the acquisition
object and its search), and building the acquisition object alone (for MES: its max values);
for MES also the option not taken, 10 max values from posterior sample paths (``bayes.paths``
with categories, BoTorch's ``draw_matheron_paths`` without) on the same candidates.
"numeric" is the same space with the categorical replaced by an integer of three levels, so the
kernel is GPyTorch's Matern-5/2. Peak memory is the growth of the process's maximum resident set
over its size before the measured proposals. Threads are pinned to one. Prints a markdown table
(``benchmarks/README.md``, "MES with categories"); ``--acquisition logei`` gives the reference.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    """The current resident set of this process, MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(kind: str, n: int, repeats: int, acquisition: str) -> dict[str, float]:
    """One space (``kind``: "categorical" or "numeric") at ``n`` observations, in this process."""
    import numpy as np
    import torch
    from botorch.sampling.pathwise import draw_matheron_paths

    from interactive_hpo import Int, SearchSpace, Study
    from interactive_hpo.optimizers.bayes import acquisition as acq
    from interactive_hpo.optimizers.bayes.model import one_thread
    from interactive_hpo.optimizers.bayes.paths import posterior_paths

    sys.path.insert(0, str(ROOT))
    from benchmarks.suite.tasks import make_task

    warnings.filterwarnings("ignore")
    task = make_task("mixed_branin")
    space = task.space
    if kind == "numeric":
        space = SearchSpace([*list(space)[:-1], Int("surface", 0, 2)])
    names = list(task.space.names)
    levels = list(task.space)[-1].choices

    def loss(params: dict) -> float:
        if kind == "numeric":
            params = {**params, names[-1]: levels[params[names[-1]]]}
        return task.loss(params)

    study = Study(space, "bo", seed=0, optimizer_settings={"acquisition": acquisition})
    rng = np.random.default_rng(n)
    for params in (space.from_unit(x) for x in rng.random((n, space.dim))):
        study.add_manual(params, loss(params))
    bo = study.optimizer
    bo.propose()  # the fit, and everything imported, before the measured proposals
    bo._adopt_fit(bo._fits.fit)  # as after an ask: the next fit starts from this one
    bo._fits.data = -1  # ... on new data (fitted, not reused), as in a live loop
    before = _rss_mb()

    def timed(step: Callable[[int], Any]) -> float:
        seconds = []
        for repeat in range(repeats):
            started = time.perf_counter()
            step(repeat)
            seconds.append(time.perf_counter() - started)
        return float(np.median(seconds))

    def fresh(fit_too: bool) -> None:
        bo._next = None  # the same data proposed again: nothing cached but (if not fit_too) the fit
        if fit_too:
            bo._fits.fit = None  # a warm fit, as after a new observation
        bo.propose()

    def build(repeat: int) -> None:
        with torch.random.fork_rng(), one_thread():
            torch.manual_seed(repeat)
            bo._acquisition(bo._fits.fit.model, repeat)

    def path_maxima(repeat: int) -> None:
        """The option not taken: 10 max values from sample paths on MES's candidates."""
        with torch.random.fork_rng(), one_thread(), torch.no_grad():
            torch.manual_seed(repeat)
            paths = (draw_matheron_paths(model, sample_shape=torch.Size([10])) if acq.supports_paths(model)
                     else posterior_paths(model, 10))
            paths(candidates).max(dim=-2)

    row = {"propose_s": timed(lambda _: fresh(True)), "held_s": timed(lambda _: fresh(False)),
           "mes_build_s": timed(build)}
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before  # before the paths
    if acquisition == "mes":
        model = bo._fits.fit.model
        candidates = bo._acquisition(model, 0).candidate_set  # 1000 snapped Sobol points and the data
        row["paths_s"] = timed(path_maxima)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100,400")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--acquisition", default="mes")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # "kind,n": measure in this process (the child)
    args = parser.parse_args()
    if args.one:
        kind, n = args.one.split(",")
        print(json.dumps(measure(kind, int(n), args.repeats, args.acquisition)))
        return
    print(f"{args.acquisition}\n\n| space | n | proposal (s) | with the fit held (s) | acquisition object alone (s) "
          "| peak extra memory (MB) |" + (" 10 path maxima instead (s) |" if args.acquisition == "mes" else ""))
    print("|---|---|---|---|---|---|" + ("---|" if args.acquisition == "mes" else ""))
    for kind in ("categorical", "numeric"):
        for n in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run([sys.executable, __file__, "--one", f"{kind},{n}", "--repeats", str(args.repeats),
                                  "--acquisition", args.acquisition],
                                 check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            paths = f" {row['paths_s']:.2f} |" if "paths_s" in row else ""
            print(f"| {kind} | {n} | {row['propose_s']:.2f} | {row['held_s']:.2f} | {row['mes_build_s']:.2f} "
                  f"| {row['peak_mb']:.0f} |{paths}", flush=True)


if __name__ == "__main__":
    main()
