"""What the GP of :class:`~.optimizer.GaussianProcessBO` is fitted on.

:class:`TrainingData` holds the completed trials' points and losses and the failed trials'
points, and turns them into what BoTorch sees: inputs, and utilities (``-loss``) divided by the
losses' spread and warped (``bayes.warping``), failed points at the warp's failed value. The
optimizers of several objectives (``parego``, ``ehvi``) override how losses become utilities.

A PRUNED trial is fitted at the loss of its last report, which the study tells (``study.learnt``;
above the final loss of a learning curve that still falls: the side to err on), as a failure when
its objective pruned it before any report (``optimizers.failures.unusable``, where the rule of
which failures are fitted lives), and is only taken (never proposed again, not fitted) when it has
no loss to tell: a person's Stop, a scheduler's lower rung after a switch, a trial of several
objectives. Before this, the GP's best point was the pruned one again,
and a run with a pruner proposed it to the end (8 of 14 trials at lr = 1.0 on a 1-D learning curve).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...space import SearchSpace
from ..base import unit_rows
from ..failures import fitted_failures
from .search import repeats
from .warping import OutputWarp

__all__ = ["TrainingData", "loss_spread"]


def loss_spread(losses: np.ndarray) -> np.ndarray:
    """The standard deviation of ``losses`` (shape (n,) or (n, m)) along the first axis: shape ()
    or (m,), 0 for fewer than two. Losses so large that their squares overflow (1e300) are divided
    by their largest magnitude first, or the spread would be inf and every utility 0."""
    if len(losses) < 2:
        return np.zeros(np.shape(losses)[1:])
    with np.errstate(over="ignore"):
        spread = np.std(losses, axis=0)
    if np.all(np.isfinite(spread)):
        return spread
    peak = np.abs(losses).max(axis=0)
    return peak * np.std(losses / np.where(peak > 0, peak, 1.0), axis=0)


class TrainingData:
    """The data a Bayesian optimizer's GP is fitted on; mixed into :class:`~.optimizer.GaussianProcessBO`."""

    # Provided by the optimizer.
    space: SearchSpace
    output_warp: str
    _data: list[tuple[np.ndarray, float]]  # completed trials: (x, loss)
    # Failed trials told, (x, params): fitted below the worst loss where their configuration
    # never completed (_fitted_failed).
    _failed: list[tuple[np.ndarray, dict[str, Any]]]
    _completed: set[tuple]  # the configurations told with a loss (``failures.configuration``)
    _stopped: list[np.ndarray]  # PRUNED trials told without a loss, each (d,): taken, not fitted
    allow_repeats: bool
    pending: list[Any]  # the optimizer's asks not yet told (Suggestions)

    def _n_data(self) -> int:
        """How many trials the GP's data are built from: the completed and failed ones told,
        failures it does not fit (:meth:`_fitted_failed`) included. The data are a function of
        these trials, which only grow, so the count names the data a fit saw (a fit is kept, and a
        replayed one rebuilt without fitting, while it is the same: ``bayes.warm_fit``). The
        points fitted would not: a failure out and its configuration's value in keep theirs."""
        return len(self._data) + len(self._failed)

    def _fitted_failed(self) -> list[np.ndarray]:
        """The failed points the GP is fitted on, each (d,), in the order told: those whose
        configuration never completed, before or after it failed (``optimizers.failures``)."""
        keep = fitted_failures([params for _, params in self._failed], self._completed)
        return [x for (x, _), kept in zip(self._failed, keep, strict=True) if kept]

    def _observed(self) -> tuple[np.ndarray, np.ndarray]:
        """The completed trials: inputs of shape (n, d) and losses of shape (n,)."""
        X = np.array([x for x, _ in self._data]).reshape(-1, self.space.dim)
        return X, np.array([loss for _, loss in self._data])

    def _warp(self) -> OutputWarp:
        """The output warp fitted to the utilities ``-loss / factor`` of the completed trials."""
        return OutputWarp(-self._observed()[1] / self._factor(), self.output_warp)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """What BoTorch sees: inputs of shape (n + f, d), completed trials then the failed ones
        fitted (:meth:`_fitted_failed`), and their warped utilities of shape (n + f,) (failed
        trials at the warp's failed value)."""
        X, losses = self._observed()
        warp = self._warp()
        failed = self._fitted_failed()
        y = np.concatenate([warp(-losses / self._factor()), np.full(len(failed), warp.failed_value)])
        return np.vstack([X, *[x.reshape(1, -1) for x in failed]]), y

    def _factor(self) -> float:
        """The spread of the losses, by which they are divided before BoTorch sees them.

        BoTorch's analytic acquisitions floor the posterior variance at 1e-12, which blinds them
        to objectives measured in tiny units (losses around 1e-9); unit spread avoids that.
        """
        losses = np.array([loss for _, loss in self._data])
        spread = float(loss_spread(losses))
        return spread if spread > 0 else max(float(np.abs(losses).max(initial=0.0)), 1.0)

    def _taken_points(self, pending: np.ndarray, avoid: np.ndarray | None = None) -> np.ndarray:
        """The points a proposal must not repeat, shape (m, d): completed, failed, pruned,
        ``pending`` (p, d) and ``avoid`` (k, d). Each row where its configuration is
        (``SearchSpace.snap``): a trial's point is, a pending one is as proposed (an initial
        design's Sobol point has its integers and categoricals anywhere in their bins)."""
        asked = pending if avoid is None else np.vstack([pending, avoid])
        return np.vstack([self._observed()[0], *[x.reshape(1, -1) for x, _ in self._failed],
                          *[x.reshape(1, -1) for x in self._stopped],
                          *[self.space.snap(x).reshape(1, -1) for x in asked]])

    def _pending_points(self, elsewhere: np.ndarray | None = None) -> np.ndarray:
        """The pending points, shape (p, d): this optimizer's asks not yet told, then the rows of
        ``elsewhere`` (m, d) that are none of the points told (told here, they are data)."""
        own = np.array([s.x for s in self.pending]).reshape(-1, self.space.dim)
        if elsewhere is None:
            return own
        elsewhere = unit_rows(elsewhere, self.space.dim, "elsewhere", f"{type(self).__name__}.propose")
        if self.allow_repeats:
            return own
        told = self._taken_points(own[:0])
        elsewhere = elsewhere[~repeats(elsewhere, told)]
        return np.vstack([own, elsewhere])

    def _start(self) -> np.ndarray:
        """Where one extra local search of the acquisition starts, shape (d,): the incumbent."""
        X, y = self._arrays()
        return X[int(np.argmax(y))]
