"""Teaching overlays for a GP belief: the acquisition split into its two terms, prior samples,
and a one-line reason for each proposal.

Everything here reads a :class:`~interactive_hpo.optimizers.bayes.GPSurrogateView` (a snapshot:
nothing is refitted) and returns plain arrays or a sentence, for the Lab and the notebooks.

- UCB is ``mean + beta * std`` (in the direction that is better): *exploitation* is the mean
  term, *exploration* the ``beta * std`` term.
- EI is ``(mu - f*) Phi(z) + sigma phi(z)`` with ``z = (mu - f*) / sigma`` (Jones et al., 1998):
  the first term rewards a mean already better than the best ``f*`` (exploitation), the second
  rewards uncertainty (exploration). log-EI is the log of their sum, so it splits the same way.
- PI, Thompson sampling and MES have no additive split (``acquisition_terms`` returns None).

Each function checks its arguments where it is called, naming the one that is wrong: ``view``
must be a ``GPSurrogateView`` (``study.surrogate()`` of a BO study), points ``X`` an array of
shape (m, d) in the unit cube with the view's d (m = 0 gives empty results), ``x`` one point of
d coordinates, and ``space`` the search space of d parameters the view's model was fitted over.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import ndtr

from ..._validation import fail, float_array
from ...space import SearchSpace
from ...views import AcquisitionTerms
from . import acquisition as acq
from .model import DTYPE, torch
from .view import GPSurrogateView, check_draws

__all__ = ["MAX_PRIOR_POINTS", "acquisition_terms", "prior_paths", "why_this_point"]

#: Most points :func:`prior_paths` draws joint functions at: their covariance is m x m and its
#: Cholesky factor costs m^3. Measured: 2,000 points 0.9 s, 5,000 points 9 s and 1.2 GB, 10,000
#: points 54 s and 3.5 GB. A curve needs a few hundred.
MAX_PRIOR_POINTS = 2000


def _checked_view(view: Any, owner: str) -> GPSurrogateView:
    """``view``, the first argument of ``owner``, if it is a GP's belief (else an AttributeError
    deep inside said nothing of what was wrong)."""
    if not isinstance(view, GPSurrogateView):
        raise fail("view", owner, "a GPSurrogateView (study.surrogate() of a study searched with 'bo')", view,
                   hint="study.surrogate() is None before any trial has finished, and for optimizers without a GP."
                   if view is None else None)
    return view


def acquisition_terms(view: GPSurrogateView, X: Any) -> AcquisitionTerms | None:
    """The exploitation and exploration terms of the view's acquisition at ``X`` of shape (m, d).

    Returns None for acquisitions without an additive split (PI, Thompson, MES). Terms are in
    the acquisition's units (objective units for UCB and EI without an output warp, the model's
    units with one): for UCB they sum to the acquisition, for EI and log-EI to EI.
    """
    view = _checked_view(view, "acquisition_terms")
    points = view.points(X, "acquisition_terms")
    name = view.acquisition_name
    if name not in ("ucb", "ei", "logei"):
        return None
    mu, sigma = view.utility(points)
    sigma = np.maximum(sigma, 1e-12)
    settings = view.acquisition_settings
    if name == "ucb":
        exploit, explore = mu, settings["beta"] * sigma
    else:
        gap = mu - acq.threshold(settings["best"], settings["xi"], settings["scale"])
        z = gap / sigma
        exploit = gap * ndtr(z)
        explore = sigma * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return AcquisitionTerms(exploitation=exploit * view.acquisition_scale, exploration=explore * view.acquisition_scale,
                            of="ucb" if name == "ucb" else "ei")


def prior_paths(view: GPSurrogateView, X: Any, n_samples: int = 5, seed: int = 0) -> np.ndarray:
    """Functions drawn from the GP *before* it saw data (fitted kernel, constant mean) at ``X``
    of shape (m, d) in the unit cube: an array of shape (n_samples, m), in the same units as
    ``predict().mean``. ``n_samples`` in [1, 10000], ``seed`` in [0, 2**32 - 1].

    Joint samples, cost cubic in m: meant for a 1-D curve of a few hundred points; at most
    :data:`MAX_PRIOR_POINTS`.
    """
    owner = "prior_paths"
    view = _checked_view(view, owner)
    checked = view.points(X, owner)
    n_samples, seed = check_draws(n_samples, seed, owner)
    if len(checked) > MAX_PRIOR_POINTS:
        raise fail("X", owner, f"at most {MAX_PRIOR_POINTS:,} points (joint draws cost m^3)", f"shape {checked.shape}",
                   hint="view.sample_paths(X) draws posterior functions at any number of points.")
    if not len(checked):  # no points, no values
        return np.empty((n_samples, 0))
    points = torch.tensor(checked, dtype=DTYPE)
    model = view.model
    with torch.no_grad():
        K = model.covar_module(points).to_dense()
        K = K + 1e-8 * torch.eye(len(points), dtype=DTYPE)
        centre = model.mean_module(points[:1]).reshape(-1)[0]
        generator = torch.Generator().manual_seed(seed)
        draws = torch.randn(n_samples, len(points), dtype=DTYPE, generator=generator)
        samples = centre + draws @ torch.linalg.cholesky(K).T  # standardized utility units
    return view.to_objective(view.unstandardize(samples.numpy()))


def why_this_point(view: GPSurrogateView, x: Any, space: SearchSpace) -> str:
    """One line saying why the acquisition chose ``x`` (shape (d,)): the mean and uncertainty
    there (under an output warp the median and the lopsided 95% band) against the best trial,
    how much of the score each term gave, and how far the nearest trial is. Each statement can
    be checked against the others on the same line.

    ``x`` is read where its trial will be (``space.snap``): a proposal keeps whatever its
    inactive coordinates held, and the GP was fitted on snapped trials. ``space`` is the search
    space the view's GP was fitted over (d parameters)."""
    owner = "why_this_point"
    view = _checked_view(view, owner)
    d = view.X.shape[1]
    if not isinstance(space, SearchSpace) or space.dim != d:
        raise fail("space", owner, f"the SearchSpace of {d} parameter{'s' * (d != 1)} the view's GP was fitted over",
                   space)
    rule = f"a finite point of {d} coordinate{'s' * (d != 1)} (shape ({d},), in the unit cube)"
    point = float_array(x, "x", owner, rule)
    # Outside the cube the snap and the decoding clip it: the line described another point.
    if point.size != d or point.ndim > 2 or not np.isfinite(point).all() or (point < 0).any() or (point > 1).any():
        raise fail("x", owner, rule, x)
    x = space.snap(point.reshape(-1)).reshape(1, -1)
    belief = view.predict(x)
    params = space.from_unit(x[0])
    where = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())
    if belief.centre == "median" and belief.interval is not None:
        # Under an output warp the belief is lopsided in the objective's units: "± 1 sd" about its
        # median named a symmetric band the model does not hold (audit a404); its exact 2-sd band
        # says how far up and how far down it reaches.
        low, high = belief.interval[:, 0]
        text = f"Proposed {where}: predicted {belief.mean[0]:.4g} (median; 95% band {low:.4g} to {high:.4g})"
    else:
        text = f"Proposed {where}: predicted {belief.mean[0]:.4g} ± {belief.std[0]:.3g} (1 sd)"
    ties = False  # the mean within a quarter sd of the best trial's, next to a trial: refining the best
    if len(view.X):
        # The warp is monotone: the lowest loss is the best trial in model units too.
        shown = view.seen if view.units == "model" else view.direction.to_value(view.losses)
        best = float(shown[int(np.argmin(view.losses))])
        better = view.direction.to_loss(belief.mean[0]) < view.direction.to_loss(best)
        nearest = float(np.min(np.linalg.norm(view.X - x, axis=1)))
        # Two decimals once printed a near neighbour as "0.00 away", which read as a repeat.
        distance = "it repeats an evaluated configuration" if nearest < 1e-9 else \
            f"nearest trial {nearest:.2g} away in the unit cube"
        text += f", {'better' if better else 'no better'} than the best trial's {best:.4g}; {distance}"
        by_best = float(np.linalg.norm(view.X[int(np.argmin(view.losses))] - x))  # not a runner-up's
        ties = abs(float(belief.mean[0]) - best) <= 0.25 * float(belief.std[0]) and by_best < 0.01
    terms = acquisition_terms(view, x)
    if terms is None:
        return text + f"; it maximizes {view.acquisition_name}."
    exploit, explore = float(terms.exploitation[0]), float(terms.exploration[0])
    # With an output warp the terms are in the model's units, unlike the prediction above: say so
    # before the first figure in them (the warp is not linear, so they cannot be converted back).
    units = "in the objective's units" if view.warp.kind == "none" else \
        "in the model's warped units (not the objective's units of the prediction)"
    if terms.of == "ucb":
        # The mean term has no zero (it moves with the objective's offset): compare it with the
        # best mean the model predicts at a trial instead, which is what exploring gives up.
        at_trials = acquisition_terms(view, view.X)
        given_up = float(np.max(at_trials.exploitation)) - exploit if at_trials is not None else 0.0
        if given_up <= 0:
            return text + (f"; ucb chose it for its mean (exploitation), better than at any trial; {units}, its "
                           f"uncertainty adds a bonus of {explore:.3g} (beta x sd).")
        return text + (f"; ucb chose it for its uncertainty (exploration): {units}, it gives up {given_up:.3g} "
                       f"of mean for an uncertainty bonus of {explore:.3g} (beta x sd).")
    # EI's terms sum to it: the exploration term is never negative, the exploitation term is
    # negative where the mean is worse than the best trial.
    gain = explore + exploit
    if gain <= 0.0:  # log-EI ranks points whose expected gain underflows to zero in float64
        return text + (f"; its expected gain is below floating point everywhere: {view.acquisition_name} "
                       "chose the point where it is least small.")
    if ties:
        # EI's split credits a mean equal to the best with nothing (or a hair less): the gain is then
        # all the uncertainty's, though the point sits by the best trial (an exploit, not a search).
        return text + (f"; {view.acquisition_name} chose it to refine the best trial: its {belief.centre} ties the "
                       f"best's (within a quarter sd), so the small gain it expects, {gain:.3g} {units}, is its "
                       "uncertainty's.")
    if exploit < 0.0:  # the gain is the uncertainty's term less what the mean's shortfall costs
        return text + (f"; {view.acquisition_name} chose it for its uncertainty (exploration) alone: {units}, it "
                       f"expects to gain {gain:.3g}: its uncertainty could add {explore:.3g}, less {-exploit:.3g} "
                       f"because its {belief.centre} is worse than the best.")
    share = explore / gain
    reason = "mostly for its uncertainty (exploration)" if share > 0.6 else \
        "mostly for its good mean (exploitation)" if share < 0.4 else "for its mean and its uncertainty alike"
    return text + f"; {view.acquisition_name} chose it {reason}: exploration is {share:.0%} of its expected gain."
