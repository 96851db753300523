"""Whether lower or higher objective values are better, and the one place values become losses.

Optimizers minimize a loss; people read objective values. :class:`Direction` is the only code
that converts between the two (``loss = sign * value``) and that says which of two values is
better, so a maximized study, its plots, its pruner and its rankings cannot disagree.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

from ._validation import check_one_of

__all__ = ["Direction"]

Number = TypeVar("Number", float, np.ndarray)


class Direction(enum.StrEnum):
    """"minimize" or "maximize"; equal to those strings and written as them in journals.

    Examples
    --------
    >>> from interactive_hpo.direction import Direction
    >>> up = Direction.parse("maximize")
    >>> up.to_loss(0.9), up.to_value(-0.9), up.better(0.9, 0.8), up.best_index([0.2, float("nan"), 0.9])
    (-0.9, 0.9, True, 2)
    """

    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"

    @classmethod
    def parse(cls, value: Any, name: str = "direction", owner: str = "Study") -> Direction:
        """``value`` ("minimize", "maximize" or a Direction) as a Direction; a clear error otherwise."""
        return cls(check_one_of(value, name, owner, tuple(member._value_ for member in cls)))

    @property
    def sign(self) -> float:
        """+1.0 when minimizing, -1.0 when maximizing: ``loss = sign * value``."""
        return 1.0 if self is Direction.MINIMIZE else -1.0

    @property
    def word(self) -> str:
        """"lower" or "higher": what is better, for labels ("objective (lower is better)")."""
        return "lower" if self is Direction.MINIMIZE else "higher"

    def to_loss(self, value: Number) -> Number:
        """The loss optimizers minimize for an objective ``value`` (a float or an array)."""
        return self.sign * value

    def to_value(self, loss: Number) -> Number:
        """The objective value whose loss is ``loss`` (the inverse of :meth:`to_loss`)."""
        return self.sign * loss

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is strictly better than value ``b`` (NaN is never better)."""
        return self.to_loss(a) < self.to_loss(b)

    def best_index(self, values: Iterable[float]) -> int | None:
        """Position of the best value (the first on ties, NaN skipped); None if there is none."""
        losses = [self.to_loss(float(v)) for v in values]
        finite = [i for i, loss in enumerate(losses) if not math.isnan(loss)]
        return min(finite, key=losses.__getitem__) if finite else None

    def running_best(self, values: np.ndarray) -> np.ndarray:
        """Best value so far at each position of ``values`` (shape (n,)); NaN until a value is seen."""
        losses = self.to_loss(np.asarray(values, dtype=float))
        return self.to_value(np.fmin.accumulate(losses)) if losses.size else losses

    def best_per_row(self, values: np.ndarray) -> np.ndarray:
        """Best value of each row of ``values`` (shape (n, m)) -> shape (n,); NaN for a row of NaNs."""
        losses = self.to_loss(np.asarray(values, dtype=float))
        filled = np.where(np.isnan(losses), np.inf, losses)
        best = filled.min(axis=1) if filled.ndim == 2 and filled.shape[1] else np.full(len(filled), np.inf)
        return self.to_value(np.where(np.isposinf(best), np.nan, best))

