"""Acquisition functions: what a proposal maximizes and what a plot draws, one computation.

Everything here is in *utility* units (``u = -loss``, larger is better), as BoTorch expects.
Log-EI, EI, PI and UCB are computed in closed form from the per-point mean and standard
deviation of the cached-Cholesky predictor (``bayes.predictor.Predictor``): the proposal maximizes
the very function a plot draws, and a test checks both values and gradients against BoTorch's
own classes. It is also faster: a forward pass took 0.6 ms against 3.7 ms through GPyTorch's
posterior (n = 100, a batch of 9 points), and the acquisition's optimization, which had become
the slow part of a proposal, went from 0.29 to 0.05 s at n = 100 (benchmarks/README.md).
Pending points, batches, Thompson sampling and MES use BoTorch's Monte Carlo and
information-based objects (Thompson sampling with categories in the kernel: a path of
``bayes.paths``).

Settings (DESIGN's teaching conventions):

- ``ucb``: ``mean + beta * std`` (so ``beta`` multiplies the standard deviation; BoTorch's own
  ``beta`` multiplies the variance, so it receives ``beta**2``).
- ``ei``, ``logei``, ``pi``: improvement over ``best + xi * scale``, where ``scale`` is the
  standard deviation of the observed values: ``xi > 0`` asks for a real improvement (more
  exploration), in units that do not depend on the objective's scale.
- ``thompson``: one posterior sample path (pathwise, Wilson et al. 2020), minimized exactly.
- ``mes``: max-value entropy search (Wang and Jegelka, 2017): BoTorch's ``qMaxValueEntropy``,
  whose max values come from a Gumbel fitted to the per-point posterior marginals on 1000
  snapped Sobol points and the data (its default), with or without categories: no joint sample,
  so its cost is quadratic in the candidates, not cubic (benchmarks/README.md, "MES with categories").
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from scipy import special

# isort: off
# bayes.model checks that torch and botorch are installed (with an install hint) before botorch.
from .model import DTYPE, torch
from .predictor import Predictor
from .kernel import HammingKernel
from .paths import posterior_paths
from .search import IntBins, ascend, bin_ends, mixed_search
from botorch.acquisition import (  # noqa: E402
    AcquisitionFunction,
    qLogNoisyExpectedImprovement,
    qMaxValueEntropy,
)
from botorch.acquisition.analytic import Phi  # noqa: E402
from botorch.acquisition.thompson_sampling import PathwiseThompsonSampling  # noqa: E402
from botorch.exceptions.warnings import BadInitialCandidatesWarning, OptimizationWarning  # noqa: E402
from botorch.optim import optimize_acqf_mixed_alternating  # noqa: E402
from botorch.optim.initializers import gen_batch_initial_conditions  # noqa: E402

# isort: on

from ..._compat import botorch_ei_helpers, redraw_thompson_path

__all__ = ["ACQUISITIONS", "ClosedForm", "build_acquisition", "closed_form", "optimize"]

ACQUISITIONS = ("logei", "ei", "pi", "ucb", "thompson", "mes")
#: Acquisitions whose surface has a closed form in (mean, std); the others are evaluated directly.
CLOSED_FORM = ("logei", "ei", "pi", "ucb")
#: Smallest posterior variance (utility units) the closed forms use, as BoTorch's analytic
#: acquisitions do: the standard deviation divides, and its gradient must stay finite.
MIN_VARIANCE = 1e-12
#: BoTorch's standard-normal EI, ``phi(z) + z Phi(z)``, and its log computed stably far into the
#: lower tail: the closed forms are BoTorch's own, values and gradients (private: see _compat).
_ei_helper, _log_ei_helper = botorch_ei_helpers()


def threshold(best: float, xi: float, scale: float) -> float:
    """The value to improve on: the best utility plus ``xi`` observed standard deviations."""
    return best + xi * scale


def build_acquisition(name: str, model: Any, settings: Mapping[str, float], *, X_train: Any, pending: Any = None,
                      batch: bool = False, n_candidates: int = 1000, seed: int = 0, snap: Any = None) -> Any:
    """The BoTorch acquisition object to maximize.

    ``snap`` maps a unit point of shape (d,) to the valid point it stands for (integers and
    categoricals at their bins); MES's candidate set uses it.
    ``settings`` holds ``best``, ``scale``, ``beta`` and ``xi`` (see :func:`closed_form`).
    With pending points, or for a joint ``batch`` of proposals, it is qLogNEI (Ament et al., 2023)
    whatever ``name`` says: only a Monte Carlo acquisition accounts for points not yet evaluated.
    """
    if batch or (pending is not None and len(pending)):
        return qLogNoisyExpectedImprovement(model, X_baseline=X_train, X_pending=pending, prune_baseline=True)
    if name in CLOSED_FORM:
        return ClosedForm(model, name, settings)
    if name == "thompson":
        if not supports_paths(model):
            return HammingThompson(model)
        thompson = PathwiseThompsonSampling(model)
        redraw_thompson_path(thompson)  # drawn now, under the caller's seeded RNG: plots show the path we optimize
        return thompson
    return qMaxValueEntropy(model, candidate_set=candidates(X_train.shape[-1], n_candidates, seed, snap))


def candidates(dim: int, n: int, seed: int, snap: Any = None) -> Any:
    """``n`` scrambled Sobol points of shape (n, d), snapped to valid points by ``snap``."""
    points = torch.quasirandom.SobolEngine(dim, scramble=True, seed=seed).draw(n).to(DTYPE)
    if snap is not None:
        points = torch.as_tensor(np.array([snap(p) for p in points.numpy()]), dtype=DTYPE)
    return points


def supports_paths(model: Any) -> bool:
    """Whether BoTorch can draw pathwise samples (random features) for this model's kernel.

    It cannot for our kernel with categorical coordinates: Thompson sampling and the views'
    sample paths then draw them from ``bayes.paths``. (MES needs no path: its max values come
    from the marginals on its candidates, whatever the kernel.)
    """
    return not isinstance(model.covar_module, HammingKernel)


class HammingThompson(AcquisitionFunction):
    """Thompson sampling for a GP whose kernel has categorical coordinates: one posterior sample
    path of ``bayes.paths`` (Wilson et al., 2020), as ``PathwiseThompsonSampling`` draws for
    numeric kernels, in the model's outcome units.

    The path is drawn at construction, under the caller's seeded RNG, so a plot built with the
    same seed shows the path the proposal maximized. It is smooth in the numeric coordinates
    (autograd follows it), so the mixed search refines them; a joint sample on a finite
    candidate set, what this replaced, could only return the best candidate.
    """

    def __init__(self, model: Any):
        super().__init__(model)
        self.path = posterior_paths(model, 1)

    def forward(self, X: Any) -> Any:
        """The path at points of shape (b, q, d), summed over each batch's q points: shape (b,)."""
        return self.path(X.reshape(-1, X.shape[-1])).reshape(X.shape[:-1]).sum(-1)


class ClosedForm(AcquisitionFunction):
    """Log-EI, EI, PI or UCB at points of shape (b, 1, d): a tensor of shape (b,), differentiable.

    The value is :func:`closed_form` of the ``predictor``'s mean and standard deviation (a new
    one from ``model`` if not given), so what is optimized and what is drawn are one computation.
    """

    def __init__(self, model: Any, name: str, settings: Mapping[str, float], predictor: Predictor | None = None):
        super().__init__(model)
        self.name, self.settings = name, dict(settings)
        self.predictor = predictor or Predictor(model)

    def forward(self, X: Any) -> Any:
        mean, variance = self.predictor.latent(X.reshape(-1, X.shape[-1]))
        return self.from_latent(mean, variance).reshape(X.shape[:-2])

    def value_and_gradient(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Values at points of shape (m, d), shape (m,), and their gradient, shape (m, d), in
        closed form and in NumPy (what the acquisition search follows). None when the kernel has
        no closed-form gradient here."""
        found = self.predictor.latent_with_gradient(points)
        if found is None:
            return None
        mean, variance, dmean, dvariance = found
        scale = self.predictor.scale
        floored = variance * scale**2 <= MIN_VARIANCE
        sigma = np.sqrt(np.maximum(variance * scale**2, MIN_VARIANCE))
        values, by_mu, by_sigma = closed_form_slopes(self.name, mean * scale + self.predictor.shift, sigma,
                                                     **self.settings)
        # Chain rule: mu = scale * mean + shift; sigma = scale * sqrt(variance) above the floor.
        by_variance = np.where(floored, 0.0, by_sigma * scale**2 / (2.0 * sigma))
        return values, (by_mu * scale)[:, None] * dmean + by_variance[:, None] * dvariance

    def from_latent(self, mean: Any, variance: Any) -> Any:
        """The acquisition from standardized latent means and variances (tensors of shape (m,))."""
        scale = self.predictor.scale
        sigma = (variance * scale**2).clamp_min(MIN_VARIANCE).sqrt()
        return closed_form(self.name, mean * scale + self.predictor.shift, sigma, **self.settings)


def closed_form(name: str, mean: Any, std: Any, *, best: float, scale: float, beta: float, xi: float) -> Any:
    """Acquisition values from per-point utility mean and std (arrays or tensors of shape (m,)):
    a tensor of shape (m,), differentiable when the inputs are.

    EI (Jones et al., 1998): ``(mu - f) Phi(z) + sigma phi(z)`` with ``z = (mu - f) / sigma``;
    log-EI computed stably as BoTorch does (Ament et al., 2023); PI: ``Phi(z)``; UCB:
    ``mu + beta sigma``.
    """
    mu = torch.as_tensor(mean, dtype=DTYPE)
    sigma = torch.as_tensor(std, dtype=DTYPE).clamp_min(1e-12)
    if name == "ucb":
        return mu + beta * sigma
    z = (mu - threshold(best, xi, scale)) / sigma
    if name == "pi":  # BoTorch's Phi (an erfc) keeps its far tail, where PI's gradient would vanish
        return Phi(z)
    if name == "ei":
        return sigma * _ei_helper(z)
    if name == "logei":
        return _log_ei_helper(z) + sigma.log()
    raise ValueError(f"{name!r} has no closed form; evaluate the acquisition object instead")


def closed_form_slopes(name: str, mu: np.ndarray, sigma: np.ndarray, *, best: float, scale: float, beta: float,
                       xi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`closed_form`'s values and their derivatives in ``mu`` and ``sigma`` (arrays of shape
    (m,) each), by hand and in NumPy: ``dEI/dmu = Phi(z)``, ``dEI/dsigma = phi(z)``; for log-EI
    these divided by EI, in logs for stability far in the tail (``Phi(z) / h(z)`` as
    ``exp(log Phi - log h)``)."""
    if name == "ucb":
        return mu + beta * sigma, np.ones_like(mu), np.full_like(sigma, beta)
    z = (mu - threshold(best, xi, scale)) / sigma
    density = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    if name == "pi":
        return special.ndtr(z), density / sigma, -density * z / sigma
    if name == "ei":
        return sigma * (density + z * special.ndtr(z)), special.ndtr(z), density
    if name == "logei":
        log_h = log_ei_helper(z)
        ratio = np.exp(special.log_ndtr(z) - log_h)  # Phi(z) / h(z), h = phi + z Phi
        return log_h + np.log(sigma), ratio / sigma, (1.0 - z * ratio) / sigma
    raise ValueError(f"{name!r} has no closed form; evaluate the acquisition object instead")


def log_ei_helper(z: np.ndarray) -> np.ndarray:
    """``log h(z)``, ``h(z) = phi(z) + z Phi(z)`` (EI of a standard normal), of shape of ``z``,
    accurate far into the lower tail: BoTorch's ``_log_ei_helper`` (Ament et al., 2023) in NumPy.

    Below ``z = -1``, ``h = phi(z) (1 - |z| Phi(z) / phi(z))`` and ``Phi / phi`` is
    ``erfcx(-z / sqrt 2) sqrt(pi / 2)``, which neither underflows nor cancels; below
    ``-1 / sqrt(eps)`` the bracket is ``1 / z^2`` to machine precision.
    """
    z = np.asarray(z, dtype=float)
    upper = np.maximum(z, -1.0)
    log_upper = np.log(np.exp(-0.5 * upper * upper) / math.sqrt(2 * math.pi) + upper * special.ndtr(upper))
    lower = np.minimum(z, -1.0)
    limit = -1.0 / math.sqrt(np.finfo(float).eps)
    w = np.log(special.erfcx(-np.maximum(lower, limit) / math.sqrt(2)) * np.abs(np.maximum(lower, limit))) \
        + 0.5 * math.log(math.pi / 2)  # log(|z| Phi / phi), below 0
    log1mexp = np.where(w > -math.log(2), np.log(-np.expm1(w)), np.log1p(-np.exp(w)))
    log_lower = -0.5 * lower * lower - 0.5 * math.log(2 * math.pi) + np.where(
        lower > limit, log1mexp, -2.0 * np.log(np.abs(lower)))
    return np.where(z > -1.0, log_upper, log_lower)


def base_name(name: str) -> str:
    """The acquisition a recorded name stands for, without what it was computed with:
    "qlognei (pending points)" and "qlognei (batch)" are "qlognei"."""
    return name.split(" (")[0]


def in_objective_units(name: str, values: Any, factor: float, feasibility_only: bool = False) -> Any:
    """Acquisition values computed on utilities divided by ``factor``, back in objective units.

    ``name`` is what a proposal records or a view shows (read by its :func:`base_name`).
    EI, UCB and Thompson's sample scale with the objective; log-EI ("logei", and BoTorch's
    qLogNEI, "qlognei", with pending points or for a batch) shifts by ``log(factor)``, and so
    does constrained log-EI ("logcei" and "qlogncei": log EI plus a log probability, which has
    no units) unless no trial is known to meet its constraints yet (``feasibility_only``): "logcei"
    is then log P(feasible) alone (``bayes.constrained``), and a probability does not scale with
    the objective ("qlogncei" still weighs an improvement on its samples). PI (a probability), MES
    (an information gain in nats) and log-EHVI ("qlognehvi": a volume in every objective's
    units at once, recorded in the model's) are returned as they are.
    """
    base = base_name(name)
    if base in ("ei", "ucb", "thompson"):
        return values * factor
    if base in ("logei", "qlognei", "qlogncei") or (base == "logcei" and not feasibility_only):
        return values + np.log(factor)
    return values


def evaluate(acquisition: Any, points: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Evaluate an acquisition object at points of shape (m, d), one point per batch: shape (m,)."""
    X = torch.tensor(np.asarray(points, dtype=float), dtype=DTYPE).unsqueeze(-2)
    if not len(X):  # no points, no values (torch.cat of nothing raised)
        return np.empty(0)
    with torch.no_grad():
        return torch.cat([acquisition(X[i:i + chunk]) for i in range(0, len(X), chunk)]).numpy()


def optimize(acquisition: Any, dim: int, q: int, discrete: dict[int, Any], categorical: dict[int, Any],
             seed: int, raw_samples: int, num_restarts: int, start: np.ndarray | None = None,
             choices: np.ndarray | None = None, exclude: np.ndarray | None = None,
             canonical: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, float]:
    """Maximize over the unit cube: points of shape (q, d) and the acquisition value.

    Integer and categorical coordinates may only take their bin centres, so the value that is
    maximized is the value of the point that will really be evaluated. ``start``, shape (d,) or
    (k, d), is where extra local searches begin (the incumbent, for q = 1): random restarts rarely
    land close enough to the best point to refine it. Optuna's GPSampler does the same; over 20
    seeds its effect on our scores is within seed noise (benchmarks/README.md).

    ``choices``, shape (m, d) with m >= q, are the only points that may be proposed (a finite
    space's configurations not yet taken): the acquisition is evaluated at every one and the
    best ``q`` are returned, so no configuration is proposed twice.

    ``exclude``, shape (m, d): points a single proposal (q = 1) must not repeat (those evaluated,
    failed or pending); the best point of the search that is none of them is returned
    (``search.best_new``). A joint batch (q > 1) is optimized with its pending points instead.
    ``canonical``, on a conditional space ``SearchSpace.canonical``: how a point of the search
    is compared with ``exclude`` (inactive coordinates ignored).
    """
    if choices is not None:
        values = evaluate(acquisition, choices)
        order = np.argsort(-values, kind="stable")[:q]
        return np.asarray(choices)[order], float(values[order[0]])
    with warnings.catch_warnings():
        # BoTorch reports L-BFGS restarts ("trying again with new initial conditions") as warnings;
        # they are part of normal multi-start optimization, not something the user can act on.
        warnings.simplefilter("ignore", OptimizationWarning)
        warnings.simplefilter("ignore", BadInitialCandidatesWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _optimize(acquisition, dim, q, discrete, categorical, seed, raw_samples, num_restarts, start,
                         exclude if q == 1 else None, canonical)


def _optimize(acquisition: Any, dim: int, q: int, discrete: dict[int, Any],
              categorical: dict[int, Any], seed: int, raw_samples: int,
              num_restarts: int, start: np.ndarray | None, exclude: np.ndarray | None,
              canonical: Callable[[np.ndarray], np.ndarray] | None) -> tuple[np.ndarray, float]:
    bounds = torch.stack([torch.zeros(dim, dtype=DTYPE), torch.ones(dim, dtype=DTYPE)])
    for i, values in {**discrete, **categorical}.items():  # BoTorch wants discrete bounds at the levels
        bounds[0, i], bounds[1, i] = bin_ends(values)
    if (discrete or categorical) and q == 1:
        # Every conditional space comes here: a condition's parent is an integer or a categorical.
        return mixed_search(acquisition, dim, {**discrete, **categorical}, seed, raw_samples, num_restarts, start,
                            exclude=exclude, canonical=canonical)
    listed = {i: values for i, values in discrete.items() if not isinstance(values, IntBins)}
    if listed or categorical:  # a joint batch: BoTorch's alternating search (seeded through torch's RNG)
        # An integer too wide to list moves as a continuous coordinate; the study snaps it to its bin.
        candidates, value = optimize_acqf_mixed_alternating(
            acquisition, bounds, discrete_dims=listed or None, cat_dims=categorical or None, q=q,
            raw_samples=raw_samples, num_restarts=num_restarts,
            options={"batch_limit": 64, "maxiter_alternating": 16, "maxiter_continuous": 100})
    else:
        options: dict[str, Any] = {"seed": seed, "batch_limit": 64, "maxiter": 100}
        starts = gen_batch_initial_conditions(acquisition, bounds, q=q, num_restarts=num_restarts,
                                              raw_samples=raw_samples, options=options)
        if start is not None and q == 1:  # more restarts, at the incumbent (or the front's points)
            starts = torch.cat([starts, torch.as_tensor(start, dtype=DTYPE).reshape(-1, 1, dim)])
        candidates, value = ascend(acquisition, starts, bounds, maxiter=options["maxiter"], exclude=exclude)
    return candidates.detach().numpy().reshape(q, dim), float(torch.as_tensor(value).reshape(-1)[0])
