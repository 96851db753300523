"""Frozen, numpy-only data handed from the core and the engines to the plots.

Plots never import the study or the optimizers (DESIGN.md section 1): they receive these
records. Each is a snapshot; changing the study afterwards does not change a view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from ._readonly import KeepsReadOnly, read_only
from ._readonly import _rebuilt as _rebuilt  # re-exported: pickles made before the split name views._rebuilt
from .kernel_summary import KernelSummary, trust_words  # here before: views.KernelSummary still works

if TYPE_CHECKING:
    from .direction import Direction

__all__ = ["History", "AxisLevels", "CurveGrid", "SurfaceGrid", "SurrogatePrediction", "SurrogateView",
           "KernelSummary", "PopulationSnapshot", "KeepsReadOnly", "read_only", "trust_words"]


@dataclass(frozen=True, eq=False)
class History(KeepsReadOnly):
    """The trials of a study as parallel arrays, in trial-number order.

    Attributes
    ----------
    numbers : ndarray of shape (n,)
        Trial numbers.
    values : ndarray of shape (n,)
        Objective values as the user sees them; NaN where the trial did not complete.
    losses : ndarray of shape (n,)
        What the optimizer minimizes (``-value`` when maximizing); NaN where not complete.
    best_values : ndarray of shape (n,)
        Best value among completed trials up to and including each trial (NaN before the first).
    states : ndarray of shape (n,), dtype object
        ``TrialState`` names ("COMPLETE", "FAILED", ...).
    sources : ndarray of shape (n,), dtype object
        Who proposed each trial: "manual", "enqueued" or an optimizer name.
    X : ndarray of shape (n, d)
        Trial positions in the unit cube.
    budgets : ndarray of shape (n,)
        Budget of each trial, NaN for full-budget trials.
    direction : str
        "minimize" or "maximize".
    active : ndarray of shape (n, d), dtype bool, or None
        In a conditional space, which parameters each trial has (an inactive one's column of
        ``X`` holds ``INACTIVE_UNIT``, not a value); None when every parameter always is.
    """

    numbers: np.ndarray
    values: np.ndarray
    losses: np.ndarray
    best_values: np.ndarray
    states: np.ndarray
    sources: np.ndarray
    X: np.ndarray
    budgets: np.ndarray
    direction: str
    active: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.numbers)

    def best_index(self) -> int | None:
        """Index of the best trial as ``best_values`` counts it (``Study.best_trial``: feasible, at
        the full budget; the first on ties), None before there is one."""
        best = np.asarray(self.best_values, dtype=float)
        if not len(best) or np.isnan(best[-1]):
            return None
        return int(np.flatnonzero(best == best[-1])[0])  # where the running best reached its final value


@dataclass(frozen=True, eq=False)
class AxisLevels(KeepsReadOnly):
    """The levels of one parameter along a plot axis.

    Attributes
    ----------
    name : str
        Parameter name.
    levels : tuple
        Values in user space (numbers, or choices for a categorical), increasing.
    unit : ndarray of shape (m,)
        The same levels in unit-cube coordinates.
    scale : str
        "linear", "log" or "categorical": how a plot should draw this axis.
    """

    name: str
    levels: tuple
    unit: np.ndarray
    scale: str


@dataclass(frozen=True, eq=False)
class CurveGrid(KeepsReadOnly):
    """A 1-D slice of a search space: one parameter varies, the others are fixed.

    Attributes
    ----------
    axis : AxisLevels
        The varying parameter, with m levels.
    points : ndarray of shape (m, d)
        Unit-cube points of the slice, ready for a surrogate's ``predict``.
    """

    axis: AxisLevels
    points: np.ndarray


@dataclass(frozen=True, eq=False)
class SurfaceGrid(KeepsReadOnly):
    """A 2-D slice of a search space: two parameters vary, the others are fixed.

    Attributes
    ----------
    x_axis, y_axis : AxisLevels
        The varying parameters, with nx and ny levels.
    points : ndarray of shape (ny, nx, d)
        Unit-cube points; ``points[i, j]`` has ``y_axis.levels[i]`` and ``x_axis.levels[j]``.
        Evaluate with ``f(points.reshape(-1, d)).reshape(ny, nx)``.
    """

    x_axis: AxisLevels
    y_axis: AxisLevels
    points: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``, the shape of a value image over this grid."""
        return self.points.shape[0], self.points.shape[1]


@dataclass(frozen=True, eq=False)
class SurrogatePrediction(KeepsReadOnly):
    """A surrogate's belief at m points, in objective units (the study's direction restored).

    A GP fitted on warped values (``output_warp``) is a Gaussian of the warped values; mapped back
    through the warp's (monotone) inverse its belief is lopsided, and only its median and
    quantiles map exactly: then :attr:`mean` is the median and the intervals are asymmetric.

    Attributes
    ----------
    mean : ndarray of shape (m,)
        The posterior's centre, as :attr:`centre` names it: its mean for an unwarped model, its
        median in objective units under an output warp (the warp's inverse of the GP's mean).
    std : ndarray of shape (m,)
        Epistemic standard deviation: uncertainty about the objective function itself, which
        shrinks where data are. Under an output warp, in objective units, half the width of the
        one-sd band mapped through the warp's inverse (a symmetric stand-in for a lopsided
        belief: :attr:`interval` is the exact band).
    noise_std : ndarray of shape (m,)
        Aleatoric standard deviation: the observation noise the model believes in (the same
        everywhere for a homoscedastic GP), which no amount of data removes.
    acquisition : ndarray of shape (m,)
        The acquisition function's value (larger = more attractive to evaluate next).
    acquisition_name : str
        Which acquisition ("logei", "ucb", ...).
    centre : {"mean", "median"}, default="mean"
        What :attr:`mean` is (plots name their mean line and map after it).
    interval : ndarray of shape (2, m) or None, default=None
        Lower and upper ends of the epistemic ``+-2 sd`` band (the posterior's 2.3 % and
        97.7 % quantiles of the function); None: ``mean +- 2 std``.
    noisy_interval : ndarray of shape (2, m) or None, default=None
        The same band for a new observation, noise included (``+-2 sqrt(sd^2 + noise^2)`` in
        the model's units); None: ``mean +- 2 sqrt(std^2 + noise_std^2)``.

    Examples
    --------
    >>> import numpy as np
    >>> belief = SurrogatePrediction(np.zeros(2), np.ones(2), np.zeros(2), np.zeros(2), "ei")
    >>> belief.centre, belief.interval is None
    ('mean', True)
    """

    mean: np.ndarray
    std: np.ndarray
    noise_std: np.ndarray
    acquisition: np.ndarray
    acquisition_name: str
    centre: str = "mean"
    interval: np.ndarray | None = None
    noisy_interval: np.ndarray | None = None


@runtime_checkable
class SurrogateView(Protocol):
    """What a model-based optimizer shows of its belief: a snapshot taken after a fit.

    ``Study.surrogate()`` returns one in the study's objective units; inspecting it never
    changes the optimizer (re-slicing a plot does not refit). Gaussian-process BO's
    :class:`~interactive_hpo.optimizers.bayes.GPSurrogateView` is one; plots and the Lab rely
    on nothing else.

    Attributes
    ----------
    X : ndarray of shape (n, d)
        The training inputs, in the unit cube.
    losses : ndarray of shape (n,)
        The training losses (what the optimizer minimizes).
    failed : ndarray of shape (f, d), optional
        The failed trials' points the model was also fitted on (a GP places them below the
        worst loss). Not required of a view (a view written before it was asked for is still
        one): the Lab reads none where a view has none.
    proposal : ndarray of shape (d,) or None
        The point proposed from this belief, when known.
    acquisition_name : str
    hyperparameters : KernelSummary
    direction : Direction
        The units :meth:`predict` and :meth:`sample_paths` report in: losses for "minimize",
        objective values of a maximizing study for "maximize".
    """

    X: np.ndarray
    losses: np.ndarray
    proposal: np.ndarray | None
    acquisition_name: str
    hyperparameters: KernelSummary
    direction: Direction

    def predict(self, X: Any, *, std_units: str | None = None) -> SurrogatePrediction:
        """The belief at ``X`` of shape (m, d) in the unit cube: arrays of shape (m,), empty for
        m = 0 (as numpy computes on an empty array); another number of columns, a point outside
        the cube or NaN is refused naming ``X`` and the shape expected. ``std_units`` ("objective"
        or "model"; None: the mean's) gives the std in other units than the mean, from the same
        posterior evaluation: "model" is ``model_units().predict(X).std``."""
        ...

    def sample_paths(self, X: Any, n_samples: int = 5, seed: int = 0) -> np.ndarray:
        """Posterior function samples at ``X`` of shape (m, d): shape (n_samples, m)."""
        ...

    def in_direction(self, direction: Direction) -> SurrogateView:
        """The same belief, reported in ``direction``'s units."""
        ...

    def model_units(self) -> SurrogateView:
        """The same belief, reporting the values the model was fitted on (after any transform of
        the objective, such as an output warp), oriented as the objective."""
        ...

    def to_model_units(self, values: np.ndarray) -> np.ndarray:
        """Objective values (any shape) in the units of :meth:`model_units`."""
        ...


@dataclass(frozen=True, eq=False)
class AcquisitionTerms(KeepsReadOnly):
    """An acquisition split into what it owes to the mean and what to the uncertainty.

    Attributes
    ----------
    exploitation : ndarray of shape (m,)
        UCB: the mean (as a utility: larger is better). EI: ``(mu - f*) Phi(z)``, the part a
        mean better than the best so far earns.
    exploration : ndarray of shape (m,)
        UCB: ``beta * std``. EI: ``sigma phi(z)``, the part uncertainty earns.
    of : str
        "ucb" (the terms sum to UCB) or "ei" (they sum to EI, whose log is log-EI).
    """

    exploitation: np.ndarray
    exploration: np.ndarray
    of: str


@dataclass(frozen=True, eq=False)
class PopulationSnapshot(KeepsReadOnly):
    """A population optimizer's current generation and search distribution (a frozen copy).

    Attributes
    ----------
    generation : int
        Number of the current generation (0 for the first).
    X : ndarray of shape (m, d)
        The individuals of this generation, in the unit cube.
    losses : ndarray of shape (m,)
        Their losses (what the optimizer minimizes); NaN until told, inf when the trial failed.
    states : ndarray of shape (m,), dtype object
        "unasked" (not handed out yet), "pending" (asked, not told), "told" or "failed".
    ids : ndarray of shape (m,), dtype int
        A number per individual, unique over the whole run (stable across generations).
    parents : tuple of tuple of int
        For each individual, the ids of its parents (empty for random or sampled ones): the
        genetic algorithm's parent-offspring links, differential evolution's target and donors.
    mean : ndarray of shape (d,) or None
        Centre of the search distribution, in the unit cube (CMA-ES).
    cov : ndarray of shape (d, d) or None
        Covariance of the search distribution in unit-cube coordinates, step size included
        (CMA-ES: ``sigma**2 * C``), for drawing its ellipse.
    best_x : ndarray of shape (d,) or None
        The best point this optimizer was told, in the unit cube.
    best_loss : float
        Its loss (inf before any).
    active : ndarray of shape (m, d), dtype bool, or None
        In a conditional space, which parameters each individual has (an inactive one's column
        of ``X`` holds the optimizer's placeholder, not a value, as ``History.active`` says);
        None when every parameter always is. ``Study.population`` fills it (:meth:`with_active`).
    best_active : ndarray of shape (d,), dtype bool, or None
        The same for ``best_x``.
    """

    generation: int
    X: np.ndarray
    losses: np.ndarray
    states: np.ndarray
    ids: np.ndarray
    parents: tuple
    mean: np.ndarray | None = None
    cov: np.ndarray | None = None
    best_x: np.ndarray | None = None
    best_loss: float = float("inf")
    active: np.ndarray | None = None
    best_active: np.ndarray | None = None

    def with_active(self, active_mask: Any) -> PopulationSnapshot:
        """A copy saying which coordinates are active: ``active_mask(X)``, for unit-cube points of
        shape (n, d), returns a boolean array (n, d) (``SearchSpace.conditions.active_mask``)."""
        X = np.asarray(self.X, dtype=float)
        active = np.asarray(active_mask(X.reshape(len(X), -1)), dtype=bool) if len(X) else None
        best = None if self.best_x is None else np.asarray(active_mask(np.asarray(self.best_x, float)[None]))[0]
        return replace(self, active=active, best_active=best)

    def inactive_as_nan(self) -> PopulationSnapshot:
        """A copy whose ``X`` and ``best_x`` hold NaN where :attr:`active` and :attr:`best_active`
        say a parameter is inactive: what a plot draws (a member lacking a parameter drawn has no
        place on that axis; at the placeholder it sat at a value it never had)."""
        X, best = self.X, self.best_x
        if self.active is not None:
            X = np.where(self.active, np.asarray(X, dtype=float), np.nan)
        if self.best_active is not None and best is not None:
            best = np.where(self.best_active, np.asarray(best, dtype=float), np.nan)
        return replace(self, X=X, best_x=best)

