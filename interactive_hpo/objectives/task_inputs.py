"""What the bundled tasks read first (:mod:`~interactive_hpo.objectives.tasks`, and
``sparse_logistic_breast_cancer`` of :mod:`~interactive_hpo.objectives.tradeoff`): their ``seed``,
``cv`` and ``groups``, refused in the name of the function the person called (the task, or
``make_task`` while it builds one), and the digits, scaled for the tasks on them (the incremental
ones of :mod:`~interactive_hpo.objectives.incremental` too).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import numpy as np

from .._validation import seed_to_int
from .splitting import check_cv_groups

__all__ = ["Seed", "task_settings"]

Seed = int | np.random.Generator | None


# The function the person called, when it is not the task itself: make_task sets it while it builds.
_CALLER: ContextVar[str | None] = ContextVar("task_caller", default=None)


def task_settings(owner: str, seed: Seed, cv: Any, groups: Any, n: int) -> tuple[int, Any, np.ndarray | None]:
    """A task's ``seed``, ``cv`` and ``groups`` (of shape (n,), n the task's samples), refused in
    the name of the function the person called, ``owner`` or make_task (they were refused as
    SklearnCV's, which no one typed); a Generator gives the int SklearnCV would have drawn from
    it. What SklearnCV then refuses is what only the cut data can tell (too many folds)."""
    owner = _CALLER.get() or owner
    return (seed_to_int(seed, owner), *check_cv_groups(cv, groups, n, owner))


def _digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits, pixels scaled from [0, 16] to [0, 1] (so gamma and learning rates are sane)."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16.0, y
