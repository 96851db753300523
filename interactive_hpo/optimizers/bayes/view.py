"""What a fitted GP believes, frozen: :class:`GPSurrogateView`, the snapshot plots, the Lab and
the teaching overlays read (a :class:`~interactive_hpo.views.SurrogateView`).

Units, from what the user sees to what BoTorch fits: a loss ``l`` (the study's values turned
into a loss by its direction); a utility ``u = -l / factor`` (larger is better, spread about
one); the warped utility ``w = warp(u)`` (``bayes.warping``); and the GP's standardized latent
values (its outcome transform). :meth:`GPSurrogateView.predict` undoes all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._validation import check_int, check_one_of, fail, float_array
from ...direction import Direction
from ...kernel_summary import KernelSummary
from ...views import KeepsReadOnly, SurrogatePrediction
from . import acquisition as acq
from .model import DTYPE, noise_of, torch
from .paths import posterior_paths
from .predictor import Predictor
from .transfer import source_weights
from .warping import OutputWarp

if TYPE_CHECKING:
    from ...space import SearchSpace

__all__ = ["MAX_PATHS", "UNITS", "GPSurrogateView", "acquisition_scale", "check_draws", "kernel_summary",
           "lengthscales_of"]

#: Most sample paths drawn at once: each holds 1024 random-feature weights (80 MB for all), and
#: its values at m points m more.
MAX_PATHS = 10_000
#: What a :class:`GPSurrogateView` reports in (its ``units``, ``predict``'s ``std_units``).
UNITS = ("objective", "model")


def check_draws(n_samples: Any, seed: Any, owner: str) -> tuple[int, int]:
    """``n_samples`` functions to draw (in [1, :data:`MAX_PATHS`]) and the ``seed`` of the
    draw (in torch.manual_seed's range [0, 2**32 - 1]), arguments of ``owner``, checked."""
    return check_int(n_samples, "n_samples", owner, 1, MAX_PATHS), check_int(seed, "seed", owner, 0, 2**32 - 1)


def acquisition_scale(warp: OutputWarp, factor: float) -> float:
    """Objective units per acquisition unit (EI, UCB) for a GP fitted on ``warp`` of utilities
    scaled by ``factor``: ``factor`` unwarped; 1 when warped, since a warped improvement has no
    single size in the objective's units (acquisitions are then reported in the model's units)."""
    return factor if warp.kind == "none" else 1.0


def lengthscales_of(model: Any, space: SearchSpace) -> dict[str, tuple[float, str]]:
    """Per-parameter lengthscales of a GP in the parameter's own units, with the unit's name
    (the first kernel that covers a coordinate wins)."""
    return {name: (value, unit) for name, (value, unit, _) in _lengthscales(model, space).items()}


def _lengthscales(model: Any, space: SearchSpace) -> dict[str, tuple[float, str, bool]]:
    """:func:`lengthscales_of`, each with whether it sits at its constraint's lower bound
    (``bayes.model.MIN_LENGTHSCALE``, within 0.1 %: the fit's bounded optimizer stops on it)."""
    found: dict[int, tuple[float, bool]] = {}
    for module in model.covar_module.modules():
        lengthscale = getattr(module, "lengthscale", None) if hasattr(module, "raw_lengthscale") else None
        if lengthscale is None:
            continue
        values = lengthscale.detach().reshape(-1).tolist()
        bound = float(module.raw_lengthscale_constraint.lower_bound.reshape(-1)[0])
        dims = module.active_dims.tolist() if module.active_dims is not None else list(range(space.dim))
        if len(values) == 1 and len(dims) > 1:
            values = values * len(dims)
        for dim, value in zip(dims, values, strict=True):
            found.setdefault(dim, (value, value <= bound * 1.001))
    out = {}
    for i, param in enumerate(space):
        length, unit = param.unit_length()
        value, at_bound = found.get(i, (float("nan"), False))
        out[param.name] = (value * length, unit, at_bound)
    return out


def kernel_summary(model: Any, predictor: Predictor, space: SearchSpace, kernel: str, status: str,
                   units: float) -> KernelSummary:
    """The hyperparameters of ``model`` (whose ``predictor`` is given) read in objective units:
    ``units`` objective units per fitted utility (the losses' spread times the warp's average
    slope). ``kernel`` names the kernel ("matern" or "rbf") and ``status`` the fit's outcome.

    The kernel has no output scale (``bayes.model.build_gp``), so its prior variance is 1 in the
    standardized units and the signal std is the spread of the fitted values, in objective units:
    read from the data, not fitted. The noise is learned when the likelihood has a noise
    parameter, else fixed (the jitter ``bayes.model.FIXED_NOISE``, relative to that spread)."""
    y_std = predictor.scale * units
    centre = np.full((1, space.dim), 0.5)
    with torch.no_grad():
        prior_var = float(model.covar_module(torch.as_tensor(centre, dtype=DTYPE), diag=True)[0])
    categorical = any(kind == "categorical" for kind in space.kinds)
    lengthscales = _lengthscales(model, space)
    return KernelSummary(lengthscales={name: (value, unit) for name, (value, unit, _) in lengthscales.items()},
                         signal_std=math.sqrt(prior_var) * y_std, noise_std=math.sqrt(predictor.noise) * y_std,
                         kernel=kernel + (" with a categorical (Hamming) distance" if categorical else ""),
                         fit_status=status, source_weights=source_weights(model),
                         noise=noise_of(dict(model.named_parameters())),
                         at_bound=tuple(name for name, (_, _, at) in lengthscales.items() if at))


@dataclass(frozen=True, eq=False)
class GPSurrogateView(KeepsReadOnly):
    """An immutable snapshot of a fitted GP and its acquisition, for plots and teaching (a
    :class:`~interactive_hpo.views.SurrogateView`).

    BoTorch maximizes a *utility*: minus the loss, divided by ``factor`` (the losses' spread,
    so the GP sees numbers of order one). :meth:`predict` reports losses, or objective values
    after :meth:`in_direction`; :meth:`utility`, :attr:`model`, :attr:`factor` and
    :attr:`acquisition_settings` are what the teaching overlays (``bayes.teach``) read.

    Attributes
    ----------
    X : ndarray of shape (n, d)
        The training inputs (unit cube).
    losses : ndarray of shape (n,)
        The training losses (what the optimizer minimizes).
    failed : ndarray of shape (f, d)
        The failed trials' points the GP was also fitted on, below the worst loss (unit cube;
        which failures, ``optimizers.failures``).
    hyperparameters : KernelSummary
        Fitted lengthscales, signal and noise, in readable units.
    proposal : ndarray of shape (d,) or None
        The point proposed from this belief, when known.
    acquisition_name : str
    direction : Direction
        The units of :meth:`predict`: losses (MINIMIZE, as the optimizer gives it) or the
        objective values of a maximizing study (:meth:`Study.surrogate` sets it).
    model : botorch Model
        The fitted GP (warped utility units); read it, never fit it.
    factor : float
        Loss units per utility unit.
    warp : OutputWarp
        What the GP was fitted on: ``warp(-loss / factor)`` (see ``bayes.warping``).
    units : {"objective", "model"}
        What :meth:`predict` reports: the objective's units (the warp undone), or the values the
        GP saw (``model_units()``, the teaching view of the warp), oriented as the objective.
    acquisition_settings : mapping
        What the acquisition was built with (``beta``, ``best``, ``xi``, ``scale``).
    """

    X: np.ndarray
    losses: np.ndarray
    failed: np.ndarray
    hyperparameters: KernelSummary
    proposal: np.ndarray | None
    acquisition_name: str
    direction: Direction
    model: Any
    factor: float
    warp: OutputWarp
    acquisition_settings: Mapping[str, float]
    units: str
    _predictor: Any
    _acquisition: Any
    #: The acquisition ("logcei") is log P(feasible) alone: no trial the GP saw is known feasible.
    _feasibility_only: bool = False
    #: The sample paths last drawn, by (n_samples, seed): a partial dependence evaluates the same
    #: paths chunk by chunk, and drawing them is most of a call's time (2 s at 2,000 trials).
    _paths: dict[tuple[int, int], Any] = field(default_factory=dict, init=False, repr=False)

    def points(self, X: Any, owner: str) -> np.ndarray:
        """``X`` as points of shape (m, d) of the unit cube, or the error of ``owner`` (the
        method a person called) naming ``X``: one point may be given as shape (d,), and in one
        dimension m points as shape (m,) (a line of a 1-D problem). No points (shape (0, d),
        or an empty list) are taken, as numpy takes an empty array: what is computed at them has
        m = 0 entries."""
        d = self.X.shape[1]
        rule = f"finite points of the unit cube, of shape (m, {d})" + (" or (m,)" if d == 1 else f" or ({d},)")
        points = float_array(X, "X", owner, rule)
        if points.ndim == 1:  # one point, or a line in 1-D; [] is no points
            points = points.reshape(-1, d) if d == 1 or not points.size else points.reshape(1, -1)
        if points.ndim != 2 or points.shape[1] != d or not np.isfinite(points).all() \
                or points.min(initial=0.0) < 0.0 or points.max(initial=0.0) > 1.0:
            raise fail("X", owner, rule, X)
        return points

    def utility(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and epistemic std of the warped utility at ``X`` of shape (m, d): two
        arrays of shape (m,), in the units BoTorch's acquisition saw."""
        mean_s, var_s = self._predictor(self.points(X, "GPSurrogateView.utility"))
        return self.unstandardize(mean_s), np.sqrt(var_s) * self._predictor.scale

    def unstandardize(self, values: np.ndarray) -> np.ndarray:
        """Values of :attr:`model`'s latent function (standardized, any shape) as warped
        utilities, as the model's outcome transform does."""
        return values * self._predictor.scale + self._predictor.shift

    def to_objective(self, utilities: np.ndarray) -> np.ndarray:
        """Warped utilities (any shape) in the units this view reports: ``direction``'s values
        of the loss, or of the warped utility's negative in model units."""
        return self._in_units(utilities, self.units)

    def _in_units(self, utilities: np.ndarray, units: str) -> np.ndarray:
        """Warped utilities (any shape) as :meth:`to_objective` reports them in ``units``."""
        if units == "model":
            return self.direction.to_value(-np.asarray(utilities))
        return self.direction.to_value(-self.factor * self.warp.inverse(utilities))

    @property
    def acquisition_scale(self) -> float:
        """Objective units per acquisition unit (EI, UCB): see :func:`acquisition_scale`."""
        return acquisition_scale(self.warp, self.factor)

    @property
    def seen(self) -> np.ndarray:
        """The values the GP was fitted on for the completed trials, shape (n,): the warped
        utilities, oriented as :meth:`predict`'s model units."""
        return self.to_model_units(self.direction.to_value(self.losses))

    def to_model_units(self, values: np.ndarray) -> np.ndarray:
        """Objective values in this view's direction (any shape) as the GP sees them: warped,
        oriented as :meth:`predict`'s model units (for drawing trials on a model-units plot)."""
        losses = self.direction.to_loss(np.asarray(values, dtype=float))
        return self.direction.to_value(-self.warp(-losses / self.factor))

    def model_units(self) -> GPSurrogateView:
        """The same belief, reporting what the GP sees (the warped values) instead of the
        objective: the teaching view of the output warp."""
        return replace(self, units="model")

    def predict(self, X: Any, *, std_units: str | None = None) -> SurrogatePrediction:
        """The belief at ``X``: mean, epistemic std, noise std and acquisition.

        Parameters
        ----------
        X : array-like of shape (m, d)
            Points of the unit cube (one point may be given as shape (d,); m = 0 gives empty
            arrays). Any other shape, or a point outside the cube, is refused naming ``X`` and the
            shape expected (:meth:`points`).
        std_units : {"objective", "model"} or None, keyword-only
            The units of the std: None, this view's :attr:`units` (those of the mean); "model",
            the GP's own epistemic std, as ``model_units().predict(X).std`` (small by the trials
            even where the warp's inverse stretches the objective, as the Lab's std map draws it);
            "objective", the one-sd band mapped through the warp's inverse. Either is computed
            from the one posterior evaluation the mean and the acquisition use.

        Returns
        -------
        SurrogatePrediction
            ``mean``, ``std``, ``noise_std`` and ``acquisition``, each of shape (m,), and the
            exact ``+-2 sd`` bands ``interval`` and ``noisy_interval``, each of shape (2, m), in
            this view's units. Under an output warp, in the objective's units, ``mean`` is the
            posterior *median* (``centre="median"``): the warp's inverse of the GP's mean, and the
            bands are the GP's ``+-2 sd`` quantiles mapped through it, lopsided about it.
        """
        owner = "GPSurrogateView.predict"
        points = self.points(X, owner)
        std_units = self.units if std_units is None else check_one_of(std_units, "std_units", owner, UNITS)
        mean_s, var_s = self._predictor(points)  # once: the mean, the std and the acquisition all use it
        utility_mean, std = self.unstandardize(mean_s), np.sqrt(var_s) * self._predictor.scale
        mean = self.to_objective(utility_mean)
        # The warp is monotone, so quantiles of the GP's Gaussian map to quantiles of the belief
        # in the objective's units: its +-2 sd band mapped through the warp's inverse is the exact
        # band (lopsided there), where mean +- 2 std of a mapped std was not (audit a404).
        noise_model = math.sqrt(self._predictor.noise) * self._predictor.scale  # the GP's noise sd, utility units
        interval, noisy_interval = (self._band(utility_mean, 2.0 * np.sqrt(std**2 + noise**2))
                                    for noise in (0.0, noise_model))
        # In model units the std is the GP's own (they are utilities up to a sign). In the
        # objective's, half the width of the one-sd band mapped through the warp's inverse (the
        # warp is monotone, so the band stays a band; exact when unwarped).
        if std_units == "objective":
            low, high = self._band(utility_mean, std, "objective")
            std = 0.5 * (high - low)
        # Scaled utilities are what BoTorch saw, so the acquisition is computed in them.
        if self.acquisition_name in acq.CLOSED_FORM:  # the function the proposal maximized
            acquisition = self._acquisition.from_latent(torch.from_numpy(mean_s), torch.from_numpy(var_s)).numpy()
        else:
            acquisition = acq.evaluate(self._acquisition, points)
        acquisition = acq.in_objective_units(self.acquisition_name, acquisition, self.acquisition_scale,
                                             self._feasibility_only)
        # Homoscedastic: one value. In the model's units the GP's own noise, as its std; in the
        # objective's, the kernel summary's (through the warp's average slope).
        noise = noise_model if self.units == "model" else self.hyperparameters.noise_std
        # Through a warp's inverse the Gaussian's mean maps to the belief's median, not its mean.
        centre = "median" if self.warp.kind != "none" and self.units == "objective" else "mean"
        return SurrogatePrediction(mean=mean, std=std, noise_std=np.full(len(points), noise),
                                   acquisition=acquisition, acquisition_name=self.acquisition_name,
                                   centre=centre, interval=interval, noisy_interval=noisy_interval)

    def _band(self, centre: np.ndarray, half_width: np.ndarray, units: str | None = None) -> np.ndarray:
        """Warped utilities ``centre +- half_width`` (each of shape (m,)) in ``units`` (this
        view's by default): an array of shape (2, m), lower ends first in those units (a
        minimized loss reverses the utility's order)."""
        ends = self._in_units(np.stack([centre - half_width, centre + half_width]), units or self.units)
        return np.sort(ends, axis=0)

    def sample_paths(self, X: Any, n_samples: int = 5, seed: int = 0) -> np.ndarray:
        """Posterior function samples at ``X`` of shape (m, d): an array of shape (n_samples, m).

        Drawn pathwise (Wilson et al., 2020: a random-feature prior sample plus a data update),
        so their cost is linear in m and a whole 2-D slice is cheap; each path has its own
        features (``bayes.paths``), so their spread is the posterior's near the data too. The same
        seed draws the same functions, so points evaluated in several calls belong to the same
        ``n_samples`` functions.
        """
        owner = "GPSurrogateView.sample_paths"
        points = torch.tensor(self.points(X, owner), dtype=DTYPE)
        n_samples, seed = check_draws(n_samples, seed, owner)
        paths = self._paths.get((n_samples, seed))
        with torch.random.fork_rng(), torch.no_grad():
            if paths is None:
                torch.manual_seed(seed)
                paths = posterior_paths(self.model, n_samples)
                self._paths.clear()  # one set kept: memory stays that of one call
                self._paths[n_samples, seed] = paths
            values = paths(points)  # BoTorch applies the outcome transform: utility units
        return self.to_objective(values.reshape(n_samples, -1).numpy())

    def in_direction(self, direction: Direction) -> GPSurrogateView:
        """The same belief, reported in ``direction``'s units (see ``direction``)."""
        return replace(self, direction=direction)
