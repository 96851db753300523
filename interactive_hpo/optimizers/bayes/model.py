"""The Gaussian-process surrogate: build and fit it (warm, with fallbacks).

Torch and BoTorch are imported in this room (``optimizers/bayes``) only, and only when a
Bayesian optimizer is used. All tensors are float64 on the CPU.

The GP models the warped utility (``bayes.warping``; BoTorch maximizes), standardized by
BoTorch's ``Standardize`` outcome transform. Inputs are unit-cube points. Without categoricals
the kernel is GPyTorch's Matern-5/2 or RBF with one lengthscale per dimension and a Gamma(3, 6)
prior on each (see ``LENGTHSCALE_PRIOR`` for why not BoTorch's dimension-scaled prior); with
them, ``bayes.kernel.HammingKernel``, where categories are one more coordinate of the distance.
Hyperparameters are fitted by ``bayes.fit``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._validation import import_optional

torch = import_optional("torch", "bo", "Bayesian optimization")
import_optional("botorch", "bo", "Bayesian optimization")
# torch's first broadcast_shapes() imports sympy (about 480 modules, 0.5 s). Every GP fit calls it,
# so pay that here, when the optimizer is built, rather than inside the study's first GP ask.
torch.broadcast_shapes((1,), (1,))

from botorch.models import SingleTaskGP  # noqa: E402
from botorch.models.transforms import Standardize  # noqa: E402
from gpytorch.constraints import GreaterThan  # noqa: E402
from gpytorch.kernels import MaternKernel, RBFKernel  # noqa: E402
from gpytorch.priors import GammaPrior  # noqa: E402

from .fit import fit_map  # noqa: E402
from .kernel import HammingKernel  # noqa: E402

__all__ = ["FittedGP", "fit_gp", "build_gp", "one_thread"]

DTYPE = torch.float64
#: Noise variance (standardized units) used when the objective is declared noiseless; GPyTorch
#: rounds anything below 1e-6 up (with a warning), so stay just above its floor.
FIXED_NOISE = 1e-5
#: Gamma (concentration, rate) prior of every numeric lengthscale, in unit-cube units: mode 1/3,
#: mean 1/2 (BoTorch's default before version 0.12). BoTorch's dimension-scaled prior (Hvarfner
#: et al., 2024) is built for high dimensions; on our 2- to 6-D spaces its long lengthscales let
#: the GP decide early that a dimension barely matters, then exploit along it for good: on Branin
#: one seed held x0 at its bound for 40 trials (lengthscale 1.0, the optimum 0.04 away). With this
#: prior the benchmark suite's normalized score after 50 trials (10 seeds; lower is better) fell on
#: every synthetic task: Branin 0.004 -> 0.000, Hartmann6 0.032 -> 0.004, Ackley-5 0.29 -> 0.20,
#: Levy-4 0.041 -> 0.014, mixed Branin 0.024 -> 0.010 (benchmarks/README.md).
LENGTHSCALE_PRIOR = (3.0, 6.0)
#: Gamma prior of a categorical coordinate's lengthscale (Hamming units: two categories are 1
#: apart). Mode 1: a priori two categories share about half their variation (k(1) = 0.52).
CATEGORICAL_PRIOR = (3.0, 2.0)
#: Smallest lengthscale allowed (unit cube), for a well-conditioned kernel matrix.
MIN_LENGTHSCALE = 0.025


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block; the caller's count is restored after.

    Torch's parallel kernels split their work by the thread count, and the order in which the
    pieces are added changes the last bits of the result: MKL's matrix products, triangular
    solves and Cholesky factorizations, and ATen's sums over more than 32768 elements. A GP
    fit and a multi-start acquisition search amplify such bits, so a seeded study proposed
    other points with 1 and 2 threads (issue 21: 7 of 24 trials from trial 17 on). One thread
    is a count every machine has, and it costs nothing at our sizes: on 2 cores a proposal at
    n = 10-200 (6-D continuous, and mixed with a categorical) took 0.7-1.2 times as long as with
    two threads on an otherwise idle machine, within timing noise, and 2-30x less time while
    other processes were running (two threads then wait for each other; DESIGN.md section 9).
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass
class FittedGP:
    """A fitted GP, the raw hyperparameters that reproduce it, and how the fit went.

    Attributes
    ----------
    model : botorch Model
        In eval mode; never modified after fitting (views share it).
    state : dict
        Raw parameter values by name (JSON lists): warm start for the next fit, and what the
        journal stores so a replay rebuilds this exact model without fitting.
    status : str
        "warm", "cold", "fallback: last good hyperparameters" or "fallback: prior".
    error : str or None
        Why the fit fell back, if it did.
    noise : str
        "fixed" or "learned": the noise model fitted (``auto`` chooses one).
    score : float
        Log marginal likelihood plus the lengthscales' log prior, per observation, at the fitted
        hyperparameters (nan if not fitted): what ``noise="auto"`` compares.
    """

    model: Any
    state: dict[str, list[float]]
    status: str
    error: str | None = None
    noise: str = "learned"
    score: float = math.nan


def build_gp(X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str, noise: str, sources: Any = None) -> Any:
    """An unfitted GP on ``X`` of shape (n, d) in the unit cube and utilities ``y`` of shape (n,);
    ``sources``, warm-start sources (``bayes.transfer.SourceMeans``), makes its mean follow theirs."""
    train_X = torch.as_tensor(X, dtype=DTYPE)
    train_Y = torch.as_tensor(y, dtype=DTYPE).reshape(-1, 1)
    train_Yvar = None
    if noise == "fixed":
        scale = float(np.var(y)) if len(y) > 1 and np.var(y) > 0 else 1.0
        train_Yvar = torch.full_like(train_Y, FIXED_NOISE * scale)
    if cat_dims:
        priors = _lengthscale_prior(X.shape[1], cat_dims)
        covar = HammingKernel(cat_dims, kernel, ard_num_dims=X.shape[1], lengthscale_prior=priors,
                              lengthscale_constraint=GreaterThan(MIN_LENGTHSCALE, transform=None))
        with torch.no_grad():
            covar.lengthscale = priors.mode
    else:
        prior = GammaPrior(*LENGTHSCALE_PRIOR)
        kernel_class = RBFKernel if kernel == "rbf" else MaternKernel  # Matern's default nu is 5/2
        covar = kernel_class(ard_num_dims=X.shape[1], lengthscale_prior=prior, lengthscale_constraint=GreaterThan(
            MIN_LENGTHSCALE, transform=None, initial_value=prior.mode))
    mean = None if sources is None else sources.mean_module()
    return SingleTaskGP(train_X, train_Y, train_Yvar=train_Yvar, covar_module=covar, mean_module=mean,
                        outcome_transform=_standardize())


def _lengthscale_prior(dim: int, cat_dims: list[int]) -> Any:
    """Gamma priors, one per coordinate: :data:`LENGTHSCALE_PRIOR` for numeric ones,
    :data:`CATEGORICAL_PRIOR` for categorical ones."""
    concentration = torch.full((dim,), LENGTHSCALE_PRIOR[0], dtype=DTYPE)
    rate = torch.full((dim,), LENGTHSCALE_PRIOR[1], dtype=DTYPE)
    concentration[cat_dims], rate[cat_dims] = CATEGORICAL_PRIOR
    return GammaPrior(concentration, rate)


def _standardize() -> Any:
    # BoTorch treats a spread below 1e-8 as no spread at all, so an objective measured in tiny
    # units (losses around 1e-9) would look constant; only a spread of exactly 0 is none.
    return Standardize(m=1, min_stdv=1e-300)


def model_state(model: Any) -> dict[str, list[float]]:
    """Raw hyperparameters by parameter name, as JSON-ready flat lists."""
    return {name: p.detach().reshape(-1).tolist() for name, p in model.named_parameters()}


#: The learned noise's parameter: a state without it (a fixed-noise fit) still warm-starts a learned-noise one.
NOISE_PARAMETER = "likelihood.noise_covar.raw_noise"


def noise_of(state: Mapping[str, Any]) -> str:
    """Which noise model a recorded state belongs to."""
    return "learned" if NOISE_PARAMETER in state else "fixed"


def load_state(model: Any, state: dict[str, list[float]]) -> bool:
    """Copy ``state`` into ``model`` where names and sizes match; True if every parameter matched
    (but the learned noise, which keeps its initial value when ``state`` has none)."""
    matched = 0
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, values in state.items():
            param = params.get(name)
            if param is not None and param.numel() == len(values):
                param.copy_(torch.as_tensor(values, dtype=DTYPE).reshape(param.shape))
                matched += 1
    expected = len(params) - (NOISE_PARAMETER in params and NOISE_PARAMETER not in state)
    return matched == expected and matched > 0


#: L-BFGS options of a fit from scratch, and of a warm start from the previous optimum. A warm
#: start is already close: stopping it at a relative change of 1e-6 (or 50 iterations) cut the
#: median proposal time at n = 200 from 0.30 s to 0.13 s and at n = 500 from 0.93 s to 0.39 s,
#: with sample efficiency unchanged within seed noise (benchmarks/README.md).
COLD_OPTIONS = {"maxiter": 200}
WARM_OPTIONS = {"maxiter": 50, "ftol": 1e-6}


def warm_options(n: int) -> dict[str, float]:
    """Warm-start options for n observations: fewer iterations above n = 200.

    An iteration costs O(n^3); capping the count at 50 (200 / n)^2 keeps one fit near a fixed
    time budget (a warm start after a jump from n = 205 to 499 took 1.2-1.4 s uncapped). The
    next fit starts where this one stopped, so a capped fit is finished over the next asks.
    The cap depends on n only, never on a clock, so replays stay exact.
    """
    if n <= 200:
        return dict(WARM_OPTIONS)
    return {**WARM_OPTIONS, "maxiter": max(8, int(WARM_OPTIONS["maxiter"] * (200 / n) ** 2))}


def _fit(model: Any, options: Mapping[str, float]) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a jittered Cholesky is not the user's concern
        return fit_map(model, options)


#: ``noise="auto"`` compares both noise models at every fit up to this many points, then every
#: AUTO_PERIOD points: at n = 400 the two fits took 1.2x GPSampler's whole proposal time.
AUTO_EVERY_FIT = 100
AUTO_PERIOD = 10


def fit_gp(X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str, noise: str,
           warm: dict[str, list[float]] | None, sources: Any = None) -> FittedGP:
    """Fit by marginal likelihood, starting from ``warm`` when given; never raises. ``sources``:
    warm-start sources whose means the GP's mean follows (see :func:`build_gp`).

    ``noise="auto"`` fits a fixed tiny noise and a learned one, and keeps the learned noise only
    when it raises the log marginal likelihood (plus the lengthscales' log prior; the noise's own
    prior is left out, since the fixed model has none) by more than ``log(n) / 2``: the Bayesian
    information criterion's price of one more parameter. Measured (issue 23, benchmarks/README.md): on
    deterministic tasks a learned noise sat at BoTorch's floor (a std of 1% of the signal) and,
    with the output warp, made the GP re-propose points a hair from the incumbent (Branin seed 3,
    regret 1.55 after 40 trials); a noise fixed tiny instead collapsed every lengthscale to its
    bound on Ackley's ripples (3 of 10 seeds never found the basin). The criterion picks the
    fixed noise on the first and the learned one on the second.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The training points in the unit cube.
    y : ndarray of shape (n,)
        Their utilities (larger is better: negated, warped losses).
    cat_dims : list of int
        The columns of ``X`` that are categorical.
    kernel : str
        "rbf" or "matern".
    noise : str
        "fixed", "learned" or "auto".
    warm : dict or None
        The hyperparameters of an earlier fit (:func:`model_state`) to start from.
    sources : bayes.prior_mean.SourceMeans or None
        Warm-start sources whose means the GP's mean follows.

    Returns
    -------
    FittedGP
        The fitted model, its state, and which attempt won.
    """
    if noise != "auto":
        return _fit_one(X, y, cat_dims, kernel, noise, warm, sources)
    if warm and len(y) > AUTO_EVERY_FIT and len(y) % AUTO_PERIOD:
        # Past AUTO_EVERY_FIT points one more point rarely changes the choice, and each fit costs
        # O(n^3): refit the noise model chosen last and compare both every AUTO_PERIOD points.
        # The choice depends on the data count and the warm state only, so replays stay exact.
        return _fit_one(X, y, cat_dims, kernel, noise_of(warm), warm, sources)
    fixed, learned = (_fit_one(X, y, cat_dims, kernel, mode, warm, sources) for mode in ("fixed", "learned"))
    if math.isnan(learned.score) or (not math.isnan(fixed.score) and
                                     len(y) * (learned.score - fixed.score) <= 0.5 * math.log(len(y))):
        return fixed
    return learned


def _fit_one(X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str, noise: str,
             warm: dict[str, list[float]] | None, sources: Any) -> FittedGP:
    """:func:`fit_gp` for one noise model. Order of attempts: warm start; fit from the prior's
    defaults; the ``warm`` hyperparameters unfitted (the last good ones); the prior's defaults
    unfitted. The status says which won."""
    errors = []
    if warm:
        model = build_gp(X, y, cat_dims, kernel, noise, sources)
        if load_state(model, warm):
            try:
                score = _fit(model, warm_options(len(y)))
                return FittedGP(model.eval(), model_state(model), "warm", noise=noise, score=score)
            except Exception as error:  # noqa: BLE001 - any fit failure moves on to the next attempt
                errors.append(f"warm start: {type(error).__name__}: {error}")
    model = build_gp(X, y, cat_dims, kernel, noise, sources)
    try:
        score = _fit(model, COLD_OPTIONS)
        return FittedGP(model.eval(), model_state(model), "cold", "; ".join(errors) or None, noise, score)
    except Exception as error:  # noqa: BLE001
        errors.append(f"default start: {type(error).__name__}: {error}")
    model = build_gp(X, y, cat_dims, kernel, noise, sources)
    status = "fallback: last good hyperparameters" if warm and load_state(model, warm) else "fallback: prior"
    return FittedGP(model.eval(), model_state(model), status, "; ".join(errors), noise)


def restore_gp(X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str, noise: str,
               state: dict[str, list[float]], sources: Any = None) -> Any:
    """The GP of a past step: the same data and recorded hyperparameters, no fitting."""
    model = build_gp(X, y, cat_dims, kernel, noise, sources)
    load_state(model, state)
    return model.eval()


def scaled_lengthscales(fit: FittedGP, X: np.ndarray, y: np.ndarray, cat_dims: list[int], kernel: str,
                        scale: float, sources: Any = None) -> FittedGP:
    """``fit``'s GP with every lengthscale multiplied by ``scale``, no fitting: a what-if.

    Larger lengthscales make the mean smoother and the uncertainty between trials smaller;
    smaller ones make it wigglier. Values are kept inside the kernel's constraints.
    """
    model = restore_gp(X, y, cat_dims, kernel, fit.noise, fit.state, sources)
    with torch.no_grad():
        for module in model.covar_module.modules():
            if hasattr(module, "raw_lengthscale"):
                bounds = module.raw_lengthscale_constraint
                low, high = float(bounds.lower_bound), float(bounds.upper_bound)
                module.lengthscale = (module.lengthscale * scale).clamp(low * (1 + 1e-6), high * (1 - 1e-6))
    return FittedGP(model.eval(), model_state(model), f"what-if: lengthscales x{scale:g}", noise=fit.noise)
