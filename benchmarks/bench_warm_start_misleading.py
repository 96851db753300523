"""What a misleading warm-start source costs the population methods, which evaluate the sources'
best configurations first and never weigh them (BO's weights discount such a source).

A 4-D quadratic over [-2, 2]^4 with its optimum at (1, -0.5, 0.3, 1.2); sources of 32 Sobol
trials each: "negated" (every value turned upside down) and "far" (its optimum at the mirror
point). Prints, for GA and DE, the mean best value after ``--trials`` trials over ``--seeds``
seeds, cold and from each source, with its standard error.

    python benchmarks/bench_warm_start_misleading.py [--seeds 20] [--trials 48]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from interactive_hpo import Float, SearchSpace, Study

SPACE = SearchSpace([Float(name, -2.0, 2.0) for name in "abcd"])
OPTIMUM = np.array([1.0, -0.5, 0.3, 1.2])


def quadratic(params, centre=OPTIMUM):
    return float(np.sum((np.array([params[name] for name in "abcd"]) - centre) ** 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=48)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    negated = Study(SPACE, "sobol", seed=1)
    negated.run(lambda p: -quadratic(p), n_trials=32, progress=False)
    far = Study(SPACE, "sobol", seed=1)
    far.run(lambda p: quadratic(p, -OPTIMUM), n_trials=32, progress=False)
    for optimizer in ("ga", "de"):
        row = []
        for name, source in (("cold", None), ("negated", negated), ("far", far)):
            best = []
            for seed in range(args.seeds):
                study = Study(SPACE, optimizer, seed=seed, warm_start=None if source is None else {name: source})
                study.run(quadratic, n_trials=args.trials, progress=False)
                best.append(study.best_value)
            best = np.array(best)
            row.append(f"{name} {best.mean():.2f} ± {best.std(ddof=1) / np.sqrt(len(best)):.2f}")
        print(f"{optimizer}: " + ", ".join(row))


if __name__ == "__main__":
    main()
