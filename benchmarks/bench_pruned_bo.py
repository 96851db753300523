"""Bayesian optimization beside a pruner: pruned trials taken and fitted, against the behaviour before.

Run: ``.venv/bin/python benchmarks/bench_pruned_bo.py [--seeds N] [--trials N] [--tasks a,b]``.

Each task is a learning curve over ``EPOCHS`` epochs whose final loss is a synthetic function
(Forrester 1-D, Branin 2-D, Hartmann-6 6-D, from ``interactive_hpo.objectives``) and whose
early epochs are higher by an amount that depends on the configuration (some curves start high
and end low, so the median rule is sometimes wrong); ``MedianStoppingRule()`` at its defaults
prunes beside ``"bo"`` at its defaults. Side by side in one run, over the same seeds:

- ``bo``: a PRUNED trial is never proposed again; the GP fits it at its last report's loss (as
  a failure when its objective pruned it before reporting; a person's Stop is only taken);
- ``before``: the same optimizer told a PRUNED trial without a loss, which it neither fitted nor
  took (``Before`` below: exactly the optimizer before the change). The GP's best point was then
  the pruned one again, and it was proposed, and pruned, to the end of the run.

Prints, per task and method, the mean repeated trials per run (a trial within 1e-4 of an earlier
one in every unit-cube coordinate; near a completed one it is the GP refining the optimum, which
the 1e-6 rule of ``bayes.search`` allows), those of them repeating a PRUNED trial, the mean
best final loss of a completed trial (regret: minus the function's minimum), its ratio
after/before, and the mean epochs run.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import warnings  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from interactive_hpo import MedianStoppingRule, Study, TrialState  # noqa: E402
from interactive_hpo.objectives import Branin, Forrester, Hartmann6  # noqa: E402
from interactive_hpo.optimizers import register_optimizer, unregister_optimizer  # noqa: E402
from interactive_hpo.optimizers.bayes import GaussianProcessBO  # noqa: E402

EPOCHS = 8
TASKS = {"forrester_1d": Forrester, "branin_2d": Branin, "hartmann_6d": Hartmann6}


class Before(GaussianProcessBO):
    """The behaviour before: a PRUNED trial told with no loss, neither fitted nor taken."""

    name = "bo_before_pruned_fix"
    ranks_pruned = False

    def _tell(self, trial: Any, loss: Any, suggestion: Any) -> None:
        failed, stopped = len(self._failed), len(self._stopped)
        super()._tell(trial, loss, suggestion)
        if trial.state is TrialState.PRUNED:  # nothing kept of it
            del self._failed[failed:], self._stopped[stopped:]


def learning_curve(function: Any) -> Any:
    """An objective reporting ``EPOCHS`` losses that fall to ``function``'s value; the early gap
    grows with the first coordinate's distance from the middle of its range (curves cross)."""
    space = function.space
    X = np.array([[params[p.name] for p in space] for params in space.sample(64, rng=0)])
    spread = float(np.ptp(function.evaluate(X)))

    def objective(params: dict, *, report: Any) -> float:
        final = float(function.evaluate(np.array([[params[p.name] for p in space]]))[0])
        first = space.to_unit(params)[0]
        gap = spread * (0.2 + abs(first - 0.5))
        for epoch in range(EPOCHS):
            loss = final + gap / (epoch + 1) - gap / EPOCHS
            report(loss, epoch)
        return loss

    return objective


def one_run(task: str, method: str, seed: int, trials: int) -> tuple[int, int, float, int]:
    """Repeated trials, those repeating a pruned trial, best final regret and epochs run of one
    study of ``trials`` trials."""
    function = TASKS[task]()
    study = Study(function.space, method, seed=seed, pruner=MedianStoppingRule())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.run(learning_curve(function), n_trials=trials, progress=False)
    X = np.array([t.x for t in study.trials])
    pruned = np.array([t.state is TrialState.PRUNED for t in study.trials])
    # A repeat: within 1e-4 of an earlier trial in every unit-cube coordinate (the acquisition
    # search's restarts land on its best point again, not always to the last bit).
    near = [np.max(np.abs(X[:i] - X[i]), axis=1) < 1e-4 for i in range(len(X))]
    epochs = sum(len(t.intermediate_values) for t in study.trials)
    return (sum(bool(np.any(n)) for n in near), sum(bool(np.any(n & pruned[:i])) for i, n in enumerate(near)),
            float(function.regret(study.best_value)), epochs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--tasks", default=",".join(TASKS))
    args = parser.parse_args()
    register_optimizer(Before)
    try:
        print(f"{args.seeds} seeds, {args.trials} trials, MedianStoppingRule(), {EPOCHS} epochs")
        print("| task | repeats per run, bo / before | of a pruned trial, bo / before "
              "| best regret, bo / before (ratio) | epochs run, bo / before |")
        print("|---|---|---|---|---|")
        for task in args.tasks.split(","):
            results = {method: np.array([one_run(task, method, seed, args.trials) for seed in range(args.seeds)])
                       for method in ("bo", Before.name)}
            now, then = results["bo"].mean(axis=0), results[Before.name].mean(axis=0)
            ratio = now[2] / then[2] if then[2] > 0 else float("nan")
            print(f"| {task} | {now[0]:.1f} / {then[0]:.1f} | {now[1]:.1f} / {then[1]:.1f} "
                  f"| {now[2]:.3g} / {then[2]:.3g} ({ratio:.2f}) | {now[3]:.0f} / {then[3]:.0f} |", flush=True)
    finally:
        unregister_optimizer(Before.name)


if __name__ == "__main__":
    main()
