"""Does BO explore the categories and the range of a many-level integer on a mixed space?

Run: ``.venv/bin/python benchmarks/bench_mixed_lockin.py [--seeds FIRST LAST] [--trials N]``.

The shape of issue 23's mixed space (item 2), the benchmark suite's ``mixed_units``
(``benchmarks/suite/tasks.py``): a log float ``lr`` in [1e-4, 1], a log int ``units``
in 2..512, a 3-way categorical ``act`` and a float ``drop`` in [0, 0.9]. The loss is a sum of
smooth terms with its minimum 0 at lr = 10**-2.5, units = 64, act = "tanh", drop = 0.3; "relu"
adds 0.6 and "sigmoid" 0.9 everywhere, so a run that never leaves "relu" ends at 0.6 or more.
For each seed (default 0-9, ``--trials`` 40) it prints the best loss, how many model-based
(not initial-design) trials chose each category, how many put ``units`` on a bound, and the
seconds per trial: the figures to compare before and after a change to the mixed-space
acquisition search or the model.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

from interactive_hpo import Study  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.suite.tasks import MixedUnits  # noqa: E402 - the suite's mixed_units, defined once

loss = MixedUnits()
SPACE = loss.space
OFFSET = MixedUnits.OFFSETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs=2, type=int, default=(0, 9), metavar=("FIRST", "LAST"))
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    print(f"{'seed':>4} {'best':>6}  model trials per category     units on a bound  s/trial")
    for seed in range(args.seeds[0], args.seeds[1] + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study = Study(SPACE, "bo", seed=seed)
            start = time.perf_counter()
            study.run(loss, n_trials=args.trials)
            seconds = (time.perf_counter() - start) / args.trials
        model = [t for t in study.trials if t.user_attrs.get("phase") == "bo"]
        acts = [t.params["act"] for t in model]
        counts = "  ".join(f"{name} {acts.count(name):>2}" for name in OFFSET)
        on_bound = sum(t.params["units"] in (2, 512) for t in model)
        print(f"{seed:>4} {study.best_value:>6.3f}  {counts}  {on_bound:>16}  {seconds:>7.2f}")


if __name__ == "__main__":
    main()
