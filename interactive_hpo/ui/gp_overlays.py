"""What the Model tab reads from a Gaussian process's view that only the BO family offers: whether
it was fitted on warped values, and the 1-D teaching overlays (imported when a view exists:
torch is loaded by then)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..plots.surrogate import SurrogateCurve

__all__ = ["fitted_on_warped", "show_teaching"]


def fitted_on_warped(view: Any) -> bool:
    """Whether ``view`` is a GP's belief fitted on warped values (``output_warp``, ``bayes.warping``)."""
    from ..optimizers.bayes import GPSurrogateView

    return isinstance(view, GPSurrogateView) and view.warp.kind != "none"


def show_teaching(curve: SurrogateCurve, view: Any, grid: Any, on: Mapping[str, bool]) -> None:
    """The 1-D teaching overlays ticked in ``on`` ("terms", "posterior", "prior") on ``curve``,
    along ``grid`` (a 1-D slice: its ``axis`` and ``points`` of shape (m, d))."""
    from ..optimizers.bayes.teach import acquisition_terms, prior_paths

    curve.show_teaching(
        grid.axis, terms=acquisition_terms(view, grid.points) if on["terms"] else None,
        posterior=view.sample_paths(grid.points, n_samples=5) if on["posterior"] else None,
        prior=prior_paths(view, grid.points, n_samples=5) if on["prior"] else None)
