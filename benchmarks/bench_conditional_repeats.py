"""Repeated configurations on conditional spaces: BO, ParEGO and EHVI, seeds 0-2.

Run: ``.venv/bin/python benchmarks/bench_conditional_repeats.py [--optimizers bo,parego,ehvi]
[--seeds N] [--out results.json]``.

A trial's point holds its inactive coordinates at the centre of the unit cube, while a point of
the acquisition search keeps whatever they drifted to: compared as points, a configuration of a
branch without an active float (k-NN's ``n_neighbors`` and ``weights``) looked new and was
proposed again and again (audit a334). Two spaces:

- ``knn_svm``: a model choice, k-NN with an ``Int`` and a ``Categorical``, or an SVM with a log
  ``C``; the loss is smallest at k-NN, 5 neighbours, distance weights (0.05);
- ``branch_float``: a ``Categorical`` and an ``Int`` always active, a ``Float`` only in one branch
  (optimum 0.1).

``bo`` minimizes the loss over 25 trials; ``parego`` (20 trials) and ``ehvi`` (14) minimize it
with a second objective that prefers the other end of the space, scored by the hypervolume
against a fixed reference. Prints, per optimizer, space and seed, the repeated trials (a trial
whose params equal an earlier one's in that run), how many of them the initial design made, and
the best loss (``bo``) or the hypervolume.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import warnings  # noqa: E402

from interactive_hpo import Categorical, Float, Int, SearchSpace, Study  # noqa: E402

KNN_SVM = SearchSpace([Categorical("model", ["knn", "svm"]),
                       Int("n_neighbors", 1, 15, condition=("model", "knn")),
                       Categorical("weights", ["uniform", "distance"], condition=("model", "knn")),
                       Float("C", 1e-3, 1e3, log=True, condition=("model", "svm"))])
BRANCH_FLOAT = SearchSpace([Categorical("k", ["a", "b"]), Int("n", 1, 3), Float("z", 0.0, 1.0, condition=("k", "b"))])
TRIALS = {"bo": 25, "parego": 20, "ehvi": 14}


def knn_svm_loss(params):
    if params["model"] == "knn":
        return 0.05 + abs(params["n_neighbors"] - 5) * 0.01 + (params["weights"] == "uniform") * 0.01
    return 0.2 + abs(math.log10(params["C"]) - 1) * 0.05


def knn_svm_other(params):
    return 0.3 - params["n_neighbors"] * 0.01 if params["model"] == "knn" else 0.25 - math.log10(params["C"]) * 0.02


def branch_float_loss(params):
    return (0.0 if params["k"] == "a" else 0.5) + params["n"] * 0.1 + params.get("z", 0.0)


def branch_float_other(params):
    return 1.0 - params["n"] * 0.1


#: name: (space, loss, second objective, hypervolume reference)
SPACES = {"knn_svm": (KNN_SVM, knn_svm_loss, knn_svm_other, (0.5, 0.5)),
          "branch_float": (BRANCH_FLOAT, branch_float_loss, branch_float_other, (2.0, 1.0))}


def hypervolume_2d(points, reference):
    """Area dominated by ``points`` (pairs, both minimized) and bounded by ``reference``."""
    area, lowest = 0.0, reference[1]
    for a, b in sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1]):
        if b < lowest:
            area += (reference[0] - a) * (lowest - b)
            lowest = b
    return area


def one_run(optimizer, space_name, seed):
    space, loss, other, reference = SPACES[space_name]
    if optimizer == "bo":
        study = Study(space, "bo", seed=seed)
        study.run(loss, n_trials=TRIALS[optimizer], progress=False)
        score = min(t.value for t in study.trials)
    else:
        study = Study(space, optimizer, directions=["minimize", "minimize"], seed=seed)
        study.run(lambda params: (loss(params), other(params)), n_trials=TRIALS[optimizer], progress=False)
        score = hypervolume_2d([tuple(t.values) for t in study.trials], reference)
    configurations = [tuple(sorted(t.params.items())) for t in study.trials]
    repeated = [i for i, c in enumerate(configurations) if c in configurations[:i]]
    initial = sum(study.trials[i].user_attrs.get("phase") == "initial" for i in repeated)
    return {"repeats": len(repeated), "initial_repeats": initial, "score": score}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizers", default="bo,parego,ehvi")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default=None, help="write every run's figures to this JSON file")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    results = {}
    for space_name in SPACES:
        for optimizer in args.optimizers.split(","):
            for seed in range(args.seeds):
                result = results[f"{space_name}/{optimizer}/{seed}"] = one_run(optimizer, space_name, seed)
                print(f"{space_name:13s} {optimizer:7s} seed {seed}: {result['repeats']} repeated "
                      f"({result['initial_repeats']} in the initial design), "
                      f"{'best' if optimizer == 'bo' else 'hypervolume'} {result['score']:.5g}", flush=True)
    if args.out:
        with open(args.out, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
