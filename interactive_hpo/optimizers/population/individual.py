"""What a generation is made of: its individuals, the foreign trials bred from with them, and
the unit cube they are kept in (by reflection at its faces)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..feasibility import feasibility_key

__all__ = ["Foreign", "Individual", "deb_key", "reflect"]

#: A complete trial told since the last breeding that was not a member: (x of shape (d,), loss,
#: total constraint violation, NaN without constraints: ``feasibility.violation_of``).
Foreign = tuple[np.ndarray, float, float]


def deb_key(entry: tuple[Any, ...]) -> tuple[int, float]:
    """The place in Deb's feasibility rules of a record ``(x, loss, violation, ...)`` such as
    :data:`Foreign`: its :func:`~interactive_hpo.optimizers.feasibility.feasibility_key`."""
    return feasibility_key(entry[1], entry[2])


def reflect(x: np.ndarray) -> np.ndarray:
    """Fold points back into the unit cube by reflection at its faces (keeps mutation unbiased
    near a bound, where clipping would pile points onto the face)."""
    x = np.mod(np.asarray(x, dtype=float), 2.0)
    return np.where(x > 1.0, 2.0 - x, x)


@dataclass
class Individual:
    """One member of a generation.

    Attributes
    ----------
    id : int
        Unique over the run.
    x : ndarray of shape (d,)
        Position in the unit cube.
    parents : tuple of int
        Ids of the individuals it was bred from.
    loss : float
        NaN until told; inf when its trial failed.
    violation : float
        Its trial's total constraint violation, ``sum(max(c, 0))`` (0 when feasible or not told
        yet; :data:`~interactive_hpo.optimizers.feasibility.UNKNOWN`, NaN, when its trial carried
        no constraints): the methods rank by Deb's feasibility rules
        (:mod:`~interactive_hpo.optimizers.feasibility`).
    state : str
        "unasked", "pending", "told" or "failed".
    extra : dict
        What the method records about it. Two keys the base class reads: "known" (True: its
        configuration was evaluated before the generation was bred, and its state is "told"
        with that loss, not asked) and "copy_of" (the index of an earlier member of its
        generation with the same configuration: it stays "pending" and takes that member's
        loss, or failure, when it is told).
    """

    id: int
    x: np.ndarray
    parents: tuple[int, ...] = ()
    loss: float = math.nan
    violation: float = 0.0
    state: str = "unasked"
    extra: dict[str, Any] = field(default_factory=dict)
