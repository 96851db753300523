"""Fitting one GP per outcome: one objective, several objectives, or constraint values.

:func:`fit_models` is the one place where the Bayesian optimizers turn data and a warm state into
a fitted model, or rebuild the model a recorded state describes without fitting (a replay, or
no new data since that state was recorded). For ``Y`` of shape (n,) it is the single GP of
``bayes.model``; for ``Y`` of shape (n, k) it is k independent GPs, each fitted by our own
``bayes.fit`` (warm from its own part of the state), combined as BoTorch's ``ModelListGP``,
whose outputs are the k outcomes in order. Independent GPs are what ParEGO's successors use for
EHVI (Daulton et al., 2021) and what Optuna's GPSampler fits per objective and per constraint.

A list's state is one flat dict, ``"models.<i>.<parameter>"`` (the names ``ModelListGP`` gives
its parameters), so the journal stores it as it stores one GP's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from botorch.models import ModelListGP

from .model import FittedGP, fit_gp, noise_of, one_thread, restore_gp, torch

__all__ = ["fit_models", "members", "restore_models", "split_state"]


def split_state(state: dict[str, list[float]] | None, i: int) -> dict[str, list[float]] | None:
    """Outcome ``i``'s part of a list's state (None if it has none)."""
    if not state:
        return None
    prefix = f"models.{i}."
    part = {name[len(prefix):]: values for name, values in state.items() if name.startswith(prefix)}
    return part or None


def members(model: Any) -> list[Any]:
    """The single-output GPs of ``model``: its members if a ``ModelListGP``, else ``[model]``."""
    return list(model.models) if isinstance(model, ModelListGP) else [model]


def fit_models(X: np.ndarray, Y: np.ndarray, cat_dims: list[int], kernel: str, noise: str,
               warm: dict[str, list[float]] | None, seed: int, reuse: bool, sources: Any = None) -> FittedGP:
    """Fit GPs to ``Y`` at ``X``, or rebuild them from ``warm`` when ``reuse``; never raises.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Inputs in the unit cube.
    Y : ndarray of shape (n,) or (n, k)
        What each GP is fitted on (utilities, or constraint values), one column per outcome.
    cat_dims, kernel, noise
        As for ``bayes.model.fit_gp``.
    warm : dict or None
        The state of an earlier fit (one GP's, or a list's: see :func:`split_state`).
    seed : int
        Torch's seed during the fit (forked: the caller's RNG is untouched).
    reuse : bool
        ``warm`` is the optimum of a fit on these very data (a replay, or only failed trials
        since): rebuild it, no fit. The status then says "reused".
    sources : bayes.prior_mean.SourceMeans or None
        Warm-start sources whose means the GP's mean follows; one outcome only.

    Returns
    -------
    FittedGP
        One GP (``Y`` of shape (n,)) or a ``ModelListGP`` of k; for a list the status, error and
        noise of its members joined by ", ".
    """
    if Y.ndim == 1:
        if reuse and warm:
            mode = noise_of(warm)
            return FittedGP(restore_gp(X, Y, cat_dims, kernel, mode, warm, sources), warm, "reused", noise=mode)
        with torch.random.fork_rng(), one_thread():  # the same bits whatever the thread count
            torch.manual_seed(seed)
            return fit_gp(X, Y, cat_dims, kernel, noise, warm, sources)
    if sources is not None and Y.shape[1] != 1:
        raise ValueError(f"warm-start sources describe one outcome, not {Y.shape[1]}")
    fits = [fit_models(X, Y[:, i], cat_dims, kernel, noise, split_state(warm, i), seed, reuse, sources)
            for i in range(Y.shape[1])]
    errors = [f"outcome {i}: {fit.error}" for i, fit in enumerate(fits) if fit.error]
    state = {f"models.{i}.{name}": values for i, fit in enumerate(fits) for name, values in fit.state.items()}
    return FittedGP(ModelListGP(*[fit.model for fit in fits]).eval(), state, ", ".join(f.status for f in fits),
                    "; ".join(errors) or None, ", ".join(f.noise for f in fits))


def restore_models(X: np.ndarray, Y: np.ndarray, cat_dims: list[int], kernel: str,
                   state: dict[str, list[float]], sources: Any = None) -> Any:
    """The GP (``Y`` of shape (n,)) or ``ModelListGP`` (``Y`` of shape (n, k)) that ``state``
    describes, on these data (``X`` of shape (n, d) in the unit cube), without fitting: a past
    step's belief. The other arguments are :func:`fit_models`'s."""
    return fit_models(X, Y, cat_dims, kernel, "auto", state, 0, reuse=True, sources=sources).model
