"""The Gaussian process on a conditional space: inactive parameters imputed, and an
acquisition that is searched where a point really lands.

Every trial's ``x`` is snapped, so the GP sees an inactive parameter at ``INACTIVE_UNIT``
(:mod:`interactive_hpo.conditions`): all linear-kernel SVMs share one ``gamma`` coordinate, and
their distance to each other is what their active parameters make it. This is imputation, as
SMAC3 and BoTorch users practise it; Swersky et al.'s arc kernel (2014) is the same idea with a
learned placement of the imputed point. Its alternative, the flattened space, lets ``gamma``
vary among linear SVMs whose score it cannot change, and the GP then spends trials learning
that it does not matter (benchmarks/README.md, "Conditional spaces").

The acquisition search moves every coordinate, so :class:`ActiveOnly` evaluates the
acquisition at the configuration a point decodes to: moving an inactive coordinate changes
neither the value nor (its gradient along that coordinate is zero) the search.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# isort: off
from .kernel import torch  # first: it checks that torch and BoTorch are installed, with a hint
from botorch.acquisition import AcquisitionFunction

# isort: on
from ...conditions import INACTIVE_UNIT
from ...space import SearchSpace

__all__ = ["ActiveOnly"]


class ActiveOnly(AcquisitionFunction):
    """``acquisition`` at the canonical point of every ``X`` of shape (..., d): inactive
    coordinates at ``INACTIVE_UNIT``."""

    def __init__(self, acquisition: Any, space: SearchSpace):
        super().__init__(acquisition.model)
        self.inner = acquisition
        self.space = space

    # BoTorch's name: a joint batch is chosen point by point. Read from the inner acquisition and
    # set through set_X_pending, so a read-only property where BoTorch has an attribute.
    @property
    def X_pending(self) -> Any:  # type: ignore[override]  # noqa: N802
        return getattr(self.inner, "X_pending", None)

    def set_X_pending(self, X_pending: Any = None) -> None:  # noqa: N802
        """Points already chosen for a joint batch, passed on at their canonical points."""
        self.inner.set_X_pending(None if X_pending is None else self._canonical(X_pending)[0])

    def _canonical(self, X: Any) -> tuple[Any, Any]:
        """``X`` with inactive coordinates at ``INACTIVE_UNIT`` (differentiable in the active
        ones), and the boolean mask of active coordinates, both of the shape of ``X``."""
        flat = X.detach().reshape(-1, X.shape[-1]).numpy()
        active = torch.as_tensor(self.space.conditions.active_mask(flat)).reshape(X.shape)
        return torch.where(active, X, torch.full_like(X, INACTIVE_UNIT)), active

    def forward(self, X: Any) -> Any:
        return self.inner(self._canonical(X)[0])

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The inner acquisition's closed-form value (shape (m,)) and gradient (shape (m, d)) at
        the canonical points of ``points`` (m, d), the gradient zero along inactive coordinates;
        None when the inner one has none."""
        closed = getattr(self.inner, "value_and_gradient", None)
        active = self.space.conditions.active_mask(points)
        found = None if closed is None else closed(np.where(active, points, INACTIVE_UNIT))
        if found is None:
            return None
        values, gradient = found
        return values, gradient * active
