"""How :func:`~interactive_hpo.model_selection.nested.nested_cv` splits the data of a task whose
folds a splitter cuts: never silently otherwise (audit a427: a ``GroupKFold`` task's patients,
split by shuffled folds, gave a leaked 0.99 as "the honest estimate" of a coin flip).

A task's ``cv`` says how its rows may be split: by group (``GroupKFold`` with ``groups``), in time
order (``TimeSeriesSplit``), or by some other rule. Nested CV of that task keeps the rule: the
task's groups are the default ``groups``, its splitter the default ``inner``, and int folds
(shuffled, which would put a group on both sides of a split or train on the future) are refused
for ``outer`` and ``inner`` alike, naming the task's splitter and what to pass instead.
Importing this module imports scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.model_selection import PredefinedSplit

from .._validation import fail, is_int, shown
from ..objectives.sklearn_checks import Shown
from ..objectives.sklearn_cv import SklearnCV

__all__ = ["groups_apart", "task_splits"]


def task_splits(task: SklearnCV, outer: Any, inner: Any, groups: Any, n_samples: int,
                owner: str) -> tuple[Any, Any, bool]:
    """``inner`` and ``groups`` of nested CV of ``task`` on ``n_samples`` rows, and whether the
    groups are the task's (every split must then keep them apart: :func:`groups_apart`).

    A task with an int ``cv`` (shuffled folds, no groups) changes nothing: ``inner`` None stays
    None (3 folds). A task whose ``cv`` is a splitter gives its groups where ``groups`` is None
    and its splitter where ``inner`` is None (a ``PredefinedSplit`` is refused: its folds name
    rows of the task's training split), and an int ``outer`` or ``inner`` is refused.
    """
    cv, labels = task.cv, task.groups
    if is_int(cv):  # shuffled folds already; SklearnCV refuses groups with them
        return inner, groups, False
    splitter = type(cv).__name__
    own = labels is not None and groups is None
    if labels is not None and groups is None:  # (`own`, spelled out for mypy's narrowing)
        if len(labels) != n_samples:
            raise fail("groups", owner, f"group labels of shape (n_samples,) = ({n_samples},), one per row of X",
                       None, hint=f"The task groups its {len(labels)} rows ({splitter} with groups), which are not "
                                  f"X's {n_samples}: pass the group of each row of X, groups=...")
        groups = labels
    if inner is None:
        if isinstance(cv, PredefinedSplit):
            raise fail("inner", owner, "a splitter (or an int) for a task whose cv is a PredefinedSplit", None,
                       hint="Its test_fold names rows of the task's training split, not of an outer-training part: "
                            "pass inner=... for the rows nested CV gives each search.")
        inner = cv
    sized = hasattr(cv, "n_splits")  # GroupKFold(5) reads as advice; LeaveOneGroupOut(5) would not
    for name, value in (("outer", outer), ("inner", inner)):
        if not is_int(value):
            continue
        if labels is not None:
            like = splitter if sized else "GroupKFold"
            raise fail(name, owner, "a splitter that reads groups when the task is split by its groups", value,
                       hint=f"The task's cv is {shown(cv)} with groups: int folds are shuffled, would put rows of "
                            f"one group on both sides of a split, and the estimate would be the leaked one. Pass "
                            f"outer={like}(5), inner={like}(3) or splitters of your own; the task's groups are used "
                            "unless you pass groups=.")
        like = f"{splitter}(5)" if sized else "a splitter"
        raise fail(name, owner, "a splitter when the task's cv is one", value,
                   hint=f"Int folds are shuffled and would replace the task's cv, {shown(cv)}, silently. Pass "
                        f"{name}={like} (inner is the task's cv unless given), or KFold(5, shuffle=True) to "
                        f"shuffle on purpose.")
    return inner, groups, own


def groups_apart(folds: list[tuple[np.ndarray, np.ndarray]], groups: np.ndarray, cv: Any, name: str, owner: str,
                 where: str, from_task: bool) -> None:
    """Refuse ``folds`` (of ``cv``, argument ``name``; (train, test) row indices into ``where``)
    that put one of the ``groups`` (shape (n_rows,); the task's if ``from_task``, else given as
    ``groups=``) on both sides of a split: a splitter that ignores groups (``KFold``) must not
    drop them silently, and the estimate would be the leaked one."""
    labels = np.asarray(groups)
    given = "the (train, test) pairs given" if isinstance(cv, list) else shown(cv, 80)
    whose = "the task's groups" if from_task else "the groups given"
    for k, (train, test) in enumerate(folds):
        shared = np.intersect1d(labels[train], labels[test])
        if shared.size:
            raise fail(name, owner, f"folds that keep {whose} apart (no group on both sides of a split)",
                       Shown(f"{given}, whose split {k} of {where} has {shared.size} group"
                             f"{'s' if shared.size > 1 else ''} on both sides (such as {shared[:1].tolist()[0]!r})"),
                       hint="Use a splitter that reads groups (GroupKFold, StratifiedGroupKFold, LeaveOneGroupOut)"
                            + (", or pass groups= yourself." if from_task else
                               ", or leave groups out if rows may be split freely."))
