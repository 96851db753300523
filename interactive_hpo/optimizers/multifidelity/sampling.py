"""The schedulers' ``sampler="bo"``: a GP's proposal that is none of the configurations started.

The GP of one budget is told only that budget's results, so while other rungs run its data, and
its proposal, stay the same. Making every configuration started and not told pending for it
(qLogNEI samples pending points jointly) kept it from them, but a long run has hundreds, most
stopped below its budget and never to be told: an ASHA proposal on Branin took 4 s at 350 jobs
and grew without limit. Here only the jobs running and the configurations started since its
newest result (those it would propose again) are pending, at most :data:`MAX_PENDING`; the others
are only excluded. On a small all-discrete space, the random draws are new configurations too
(:func:`unstarted`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..finite import FiniteSpace

__all__ = ["MAX_PENDING", "MAX_RETRIES", "MIN_GAP", "proposal", "unstarted"]

#: At most this many configurations not yet told are pending for the GP, besides the jobs running
#: (a proposal took 0.1 s with none pending, 2 s with 100, 14 s with 300: 32 Hartmann6 points).
MAX_PENDING = 30
#: A proposal this close to a configuration excluded (the largest difference of a float coordinate,
#: in the unit cube) is that configuration again: the GP is asked again, with it pending. The GP's
#: exclusion alone left neighbours 1e-6 apart; pending points kept them 0.003-0.004 apart.
MIN_GAP = 0.005
#: How many proposals a new configuration may take before the random draw is used instead.
MAX_RETRIES = 3


def proposal(model: Any, configs: dict[int, np.ndarray], told: set[int], running: np.ndarray,
             fallback: np.ndarray) -> np.ndarray:
    """The GP ``model``'s proposal, snapped, shape (d,), or ``fallback`` (d,), the random draw,
    after :data:`MAX_RETRIES` proposals that fell next to a configuration started.

    Parameters
    ----------
    model : GaussianProcessBO
        The GP of one budget, with enough results to propose.
    configs : dict of int to ndarray of shape (d,)
        Every configuration the scheduler started, by number (numbers grow as they start).
    told : set of int
        The numbers of those whose result at the GP's budget it was told.
    running : ndarray of shape (r, d)
        The jobs running: pending for the GP.
    fallback : ndarray of shape (d,)

    Pending as well: up to :data:`MAX_PENDING` configurations not told, the newest started after
    the newest told (proposed from these same data, the GP would propose them again). The others
    not told (stopped below its budget, or old) are excluded (``propose(avoid=)``), not pending;
    one the proposal falls within :data:`MIN_GAP` of is made pending and the GP asked again.
    Those told are its data: as for plain BO, a proposal may be near one, not one.
    """
    space = model.space
    newest = max(told, default=-1)
    untold = sorted(c for c in configs if c not in told)
    fresh = set([c for c in untold if c > newest][-MAX_PENDING:])
    # Rows sorted, once each: the same pending points however a replay learnt them.
    pending = np.unique(np.vstack([np.array([configs[c] for c in fresh]).reshape(-1, space.dim), running]), axis=0)
    others = np.array([configs[c] for c in untold if c not in fresh]).reshape(-1, space.dim)
    levels = np.array([kind != "float" for kind in space.kinds])
    for _ in range(MAX_RETRIES):
        x = space.snap(model.propose(elsewhere=pending, avoid=others).x)
        near = _gaps(others, x, levels) < MIN_GAP
        if not near.any():
            return x
        pending, others = np.unique(np.vstack([pending, others[near]]), axis=0), others[~near]
    return fallback


def unstarted(finite: FiniteSpace | None, configs: dict[int, np.ndarray], started: dict[int, tuple[int, ...]],
              x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The random draw ``x`` (d,), or, with ``sampler="bo"`` on a ``finite`` space where its
    configuration was started, a random one of those not started (``x`` if none is left).

    ``configs`` holds every configuration started, shape (d,) each, by number; ``started`` is the
    scheduler's record of their keys in ``finite`` (config number -> key), completed here, once each.

    The GP proposes no configuration started again, but a share of the new ones
    (``random_fraction``) and those before a GP has enough data are random draws: on a
    48-configuration space 12 of 120 starts repeated one (ASHA and Hyperband, seeds 0-3, 20
    trials each).
    """
    if finite is None:
        return x
    for config in configs.keys() - started.keys():
        started[config] = finite.key(configs[config])
    keys = set(started.values())
    if finite.key(x) not in keys:
        return x
    drawn = finite.draw(keys, rng)
    return x if drawn is None else drawn


def _gaps(points: np.ndarray, x: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """How far each of ``points`` (n, d) is from ``x`` (d,): the largest difference of a float
    coordinate, or inf where one of the coordinates ``levels`` (d,) marks (integer, categorical)
    differs: another configuration, however close its levels. Shape (n,)."""
    diff = np.abs(points - x)
    diff[:, levels] = np.where(diff[:, levels] > 1e-9, np.inf, 0.0)
    return diff.max(axis=1, initial=0.0)
