"""``bench_bo_variants.py`` with ``bench_conditional.py``'s tasks added: a conditional SVM and a
conditional MLP (real scikit-learn losses, each with a categorical).

Run: ``.venv/bin/python benchmarks/bench_bo_variants_conditional.py LABEL '{"setting": value}'
--tasks svm_cancer,mlp_wine [any other option of bench_bo_variants.py]``. The output has
``bench_bo_variants.py``'s layout, so ``bench_bo_paired.py BEFORE.json AFTER.json`` compares two
runs seed by seed; the references are the median of 500 random configurations (seeded), as for
any task without a known optimum.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, like the others
from benchmarks import bench_bo_variants, bench_conditional  # noqa: E402 - bench_bo_variants pins threads first
from benchmarks.suite import tasks  # noqa: E402

CONDITIONAL = ("svm_cancer", "mlp_wine")


def conditional_task(name: str) -> tasks.Task:
    """``bench_conditional.py``'s task ``name`` as one of the suite's tasks."""
    space, loss = bench_conditional.make_task(name)
    return tasks.Task(name, space, loss, description=f"bench_conditional.py's {name}")


if __name__ == "__main__":
    for _name in CONDITIONAL:  # make_task (which bench_bo_variants calls) reads this registry
        tasks.TASKS[_name] = partial(conditional_task, _name)
    bench_bo_variants.main()
