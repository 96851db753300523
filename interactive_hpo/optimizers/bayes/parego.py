"""ParEGO (Knowles, 2006): Bayesian optimization of several objectives, one random trade-off
at a time.

Each proposal draws weights ``w`` uniformly from the simplex, turns every completed trial's
losses into one number, the augmented Chebyshev scalarization
``max_i w_i f_i + rho * sum_i w_i f_i`` of the losses scaled to [0, 1] by their observed
range, and proposes where the GP of :class:`GaussianProcessBO` expects that number to improve.
Over many proposals the weights sweep the trade-offs, so the trials spread along the front.
The teaching variant of multi-objective BO (issue 27): one familiar GP, its surrogate view
showing the scalarized objective the proposal came from.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, cast

import numpy as np

from ..._validation import check_real
from ...space import SearchSpace
from ...trial import Trial
from ..base import Suggestion
from ..capabilities import MultiObjective
from .optimizer import GaussianProcessBO, GPSurrogateView
from .training import loss_spread

__all__ = ["ParEGO", "chebyshev"]


def chebyshev(losses: np.ndarray, weights: np.ndarray, rho: float = 0.05) -> np.ndarray:
    """The augmented Chebyshev scalarization of ``losses`` of shape (n, m) with ``weights`` of
    shape (m,): each objective scaled to [0, 1] by its range over the n rows (a constant
    objective to 0), then ``max_i w_i f_i + rho * sum_i w_i f_i``; shape (n,).

    Examples
    --------
    >>> import numpy as np
    >>> chebyshev(np.array([[0.0, 10.0], [1.0, 0.0]]), np.array([0.5, 0.5]), rho=0.0).tolist()
    [0.5, 0.5]
    """
    low, high = losses.min(axis=0), losses.max(axis=0)
    scaled = (losses - low) / np.where(high > low, high - low, 1.0)
    weighted = scaled * weights
    return weighted.max(axis=1) + rho * weighted.sum(axis=1)


class ParEGO(GaussianProcessBO, MultiObjective):
    """Gaussian-process BO of several objectives by random Chebyshev scalarizations.

    Parameters
    ----------
    space : SearchSpace
    rho : float
        The augmentation's weight (>= 0; Knowles's 0.05): without it, points that tie in the
        worst weighted objective are not told apart by the others.
    **settings
        As for :class:`GaussianProcessBO` (``acquisition``, ``kernel``, ``n_initial``, ``seed``, ...).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("x", 0, 1)]), "parego", directions=["minimize", "minimize"],
    ...               seed=0, optimizer_settings={"n_initial": 3, "num_restarts": 2, "raw_samples": 32})
    >>> _ = study.run(lambda p: (p["x"] ** 2, (p["x"] - 1) ** 2), n_trials=5, progress=False)
    >>> study.trials[-1].user_attrs["parego_weights"] is not None
    True
    """

    name = "parego"

    def __init__(self, space: SearchSpace, *, rho: float = 0.05, **settings: Any):
        super().__init__(space, **settings)
        self.rho = check_real(rho, "rho", "ParEGO", 0.0)
        self._weights_used: np.ndarray | None = None  # a past step's weights, while its belief is rebuilt

    def weights(self) -> np.ndarray:
        """The trade-off of the next proposal, shape (m,): uniform on the simplex, drawn from
        the stream of the ask it serves (so a replay draws the same ones)."""
        if self._weights_used is not None:
            return self._weights_used
        m = self._n_objectives()
        return np.random.default_rng([self.seed, self.n_seen, 2006]).dirichlet(np.ones(m))

    # -- what the GP sees ------------------------------------------------------------------------
    def _tell(self, trial: Trial, loss: Any, suggestion: Suggestion | None) -> None:
        # Kept as a vector; _observed scalarizes them all with the weights of the proposal at hand.
        vector = None if loss is None else np.atleast_1d(np.asarray(loss, dtype=float))
        super()._tell(trial, cast(Any, vector), suggestion)

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        X = np.array([x for x, _ in self._data]).reshape(-1, self.space.dim)
        if not self._data:
            return X, np.empty(0)
        return X, chebyshev(np.array([loss for _, loss in self._data]), self.weights(), self.rho)

    def _factor(self) -> float:
        scalarized = self._observed()[1]
        spread = float(loss_spread(scalarized))
        return spread if spread > 0 else 1.0

    def _fit_settings(self) -> dict[str, Any]:
        # The GP is fitted on one scalarization: a fit made for other weights (the ask before,
        # whose trial is still running or was pruned: no data since) or another rho (a what-if)
        # models another objective. Its hyperparameters are then only where the fit starts, and
        # a replay sees that too, from the weights its record names (``bayes.warm_fit``).
        return {**super()._fit_settings(), "rho": self.rho, "parego_weights": self.weights().tolist()}

    def _info(self, fit: Any, acquisition: str, value: float, seed: int) -> dict[str, Any]:
        return {**super()._info(fit, acquisition, value, seed), "parego_weights": self.weights().tolist()}

    def restored_view(self, info: Mapping[str, Any], proposal: np.ndarray | None) -> GPSurrogateView:
        """The belief of a past step: its GP on the scalarization with that step's weights."""
        self._weights_used = np.asarray(info["parego_weights"], dtype=float)
        try:
            return super().restored_view(info, proposal)
        finally:
            self._weights_used = None

    def _n_objectives(self) -> int:
        return int(np.size(self._data[0][1])) if self._data else 1


def _signature_with_rho() -> inspect.Signature:
    """GaussianProcessBO's keywords and ``rho``: what ``make_optimizer`` checks settings against
    and ``settings()`` records, without repeating the list by hand."""
    bo = inspect.signature(GaussianProcessBO.__init__)
    rho = inspect.Parameter("rho", inspect.Parameter.KEYWORD_ONLY, default=0.05, annotation="float")
    return bo.replace(parameters=[*bo.parameters.values(), rho])


ParEGO.__init__.__signature__ = _signature_with_rho()  # type: ignore[attr-defined]
