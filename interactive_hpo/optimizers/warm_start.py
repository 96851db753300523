"""Warm-start sources: related studies' trials, as an optimizer sees them.

A study started with ``warm_start=[other_study, ...]`` converts each related study's completed
trials into a :class:`Source`: points in *this* study's unit cube and losses (lower is better),
so an optimizer never sees params or directions. Optimizers that use sources declare
:class:`~interactive_hpo.optimizers.capabilities.WarmStartable`; what each does with them is
its own choice (Bayesian optimization: a prior mean with a learned weight; population methods:
the best source configurations in the first generation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..views import read_only

__all__ = ["Source", "distinct_names"]


def distinct_names(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """``names`` in order, each that repeats an earlier one (or one of ``taken``) with a number
    added: ``["old", "old"]`` -> ``["old", "old (2)"]``, as the Lab names its branches. Sources'
    weights are shown by name, so two sources must never share one."""
    seen, distinct = set(taken), []
    for name in names:
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name} ({k})", k + 1
        seen.add(unique)
        distinct.append(unique)
    return distinct


@dataclass(frozen=True, eq=False)
class Source:
    """One related study's completed trials.

    Attributes
    ----------
    name : str
        What the Lab and the model's summary call it (the source study's name or journal).
    X : ndarray of shape (n, d)
        The trials' points in this study's unit cube (read-only).
    losses : ndarray of shape (n,)
        Their losses, lower is better, all finite (read-only).
    """

    name: str
    X: np.ndarray
    losses: np.ndarray

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=float)
        losses = np.asarray(self.losses, dtype=float).reshape(-1)
        if X.ndim != 2 or len(X) != len(losses) or len(X) == 0:
            raise ValueError(f"a warm-start source needs X of shape (n, d) and n losses, n >= 1; got X of shape "
                             f"{X.shape} and {len(losses)} losses")
        if not np.all(np.isfinite(losses)):
            raise ValueError(f"warm-start source {self.name!r} has non-finite losses")
        object.__setattr__(self, "X", read_only(X))
        object.__setattr__(self, "losses", read_only(losses))

    @property
    def dim(self) -> int:
        """The number of coordinates d."""
        return int(self.X.shape[1])

    def best(self, k: int) -> np.ndarray:
        """The ``k`` best points (fewer if the source has fewer distinct ones), best first,
        shape (k', d); ties keep the source's order."""
        order = np.argsort(self.losses, kind="stable")
        _, first = np.unique(self.X[order], axis=0, return_index=True)
        return self.X[order[np.sort(first)[:k]]]
