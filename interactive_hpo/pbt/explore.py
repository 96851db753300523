"""PBT's two rules: who copies whom (:func:`quantile_split`) and how copied hyperparameters change (:func:`explore`).

Both are plain functions of their arguments and a generator, so they are tested on their own;
:class:`~interactive_hpo.pbt.training.PopulationBasedTraining` applies them at ready rounds.
The rule follows Jaderberg et al. (2017, arXiv:1711.09846), section 3 ("truncation selection"
for exploit, "perturb" and "resample" for explore), with Ray Tune's ceiling for the quantile size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_real, fail, float_array
from ..direction import Direction
from ..space import SearchSpace
from .checks import check_perturb

__all__ = ["explore", "quantile_split"]


def explore(params: Mapping[str, Any], space: SearchSpace, rng: np.random.Generator,
            perturb: Sequence[float] = (0.8, 1.2), resample_probability: float = 0.25) -> dict[str, Any]:
    """PBT's explore step: each hyperparameter is resampled, or else perturbed by a random factor.

    Per hyperparameter, independently: with probability ``resample_probability`` draw a new value
    from the space (log-uniform for log parameters). Otherwise a float or int is multiplied, in
    user units, by a factor drawn uniformly from ``perturb`` (for a log parameter that is a fixed
    step in log space) and clipped to its bounds; ints are rounded, and moved by one when rounding
    undid the move (2 x 1.2 = 2.4 would stay 2 forever). As in the paper and in Ray Tune, a
    linear float is scaled about 0, not about its range: one at exactly 0 (``initial=`` of 0,
    or a child switched on at the centre of [-1, 1]) stays 0, and one never changes sign, unless
    it is resampled. For such a parameter keep ``resample_probability`` above 0, or give it a
    log scale or a range away from 0 (tune ``w + 2`` on [1, 3] rather than ``w`` on [-1, 1]).
    Categoricals have no order to perturb along, so they keep the donor's choice unless
    resampled: resampling them at every explore would throw away the choice the exploit just
    copied from a top member.

    In a conditional space only the active parameters are explored; a parent that changed may
    switch children off (they are dropped) or on (they start at the centre of their range, as
    :meth:`~interactive_hpo.space.SearchSpace.complete` fills them).

    Parameters
    ----------
    params : dict
        A configuration of ``space`` (e.g. the donor's hyperparameters): its active parameters.
    space : SearchSpace
    rng : numpy.random.Generator
    perturb : sequence of float, default=(0.8, 1.2)
    resample_probability : float, default=0.25

    Returns
    -------
    dict
        New params, valid for ``space``.

    Examples
    --------
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> space = SearchSpace([Float("lr", 1e-4, 1.0, log=True)])
    >>> new = explore({"lr": 0.1}, space, np.random.default_rng(0), resample_probability=0.0)
    >>> round(new["lr"] / 0.1, 6) in (0.8, 1.2)
    True
    >>> centred = SearchSpace([Float("w", -1.0, 1.0)])   # 0 x 0.8 and 0 x 1.2 are 0: only a resample moves it
    >>> explore({"w": 0.0}, centred, np.random.default_rng(0), resample_probability=0.0)
    {'w': 0.0}
    """
    if not isinstance(space, SearchSpace):
        raise fail("space", "explore", "a SearchSpace", space)
    if not isinstance(rng, np.random.Generator):
        raise fail("rng", "explore", "a numpy.random.Generator", rng, hint="np.random.default_rng(seed) makes one.")
    perturb = check_perturb(perturb, "explore")
    resample_probability = check_real(resample_probability, "resample_probability", "explore", 0, 1)
    params = space.validate(params, owner="explore")
    new = {}
    for param in space:
        if param.name not in params:  # inactive in the donor's configuration
            continue
        value = params[param.name]
        if rng.random() < resample_probability:
            value = param.from_unit(rng.random())
        elif param.kind in ("float", "int"):
            factor = float(perturb[int(rng.integers(len(perturb)))])
            low, high = param.low, param.high  # type: ignore[attr-defined]
            moved = min(max(value * factor, low), high)  # clipped first: a product past 1e308 is inf, no int
            if param.kind == "int":
                moved = int(round(moved))
                if moved == value and factor != 1.0:
                    moved = value + (1 if factor > 1.0 else -1)
            value = min(max(moved, low), high)
        new[param.name] = value
    return space.complete(new)  # parents first: drops children switched off, starts those switched on


def quantile_split(scores: Any, direction: str, quantile: float) -> tuple[np.ndarray, np.ndarray]:
    """Bottom and top members by score, each ``ceil(n x quantile)`` of them (at most n // 2, at least 1).

    A diverged member (score NaN) ranks last, and is never in the top: the top holds the donors
    of exploits, and a diverged model must not spread. So the top is shorter when fewer members
    than that have a score, and empty when none has.

    Parameters
    ----------
    scores : array-like of shape (n_members,)
        Validation scores of at least 2 members (one alone would copy itself); NaN for a
        diverged member.
    direction : {"maximize", "minimize"}
    quantile : float in (0, 0.5]

    Returns
    -------
    bottom : ndarray of shape (k,)
    top : ndarray of shape (k_top,), k_top <= k
        Member indices, sorted. Ties rank the lower index higher.

    Examples
    --------
    >>> bottom, top = quantile_split([0.5, 0.9, 0.1, 0.7, 0.3], "maximize", 0.2)
    >>> bottom.tolist(), top.tolist()
    ([2], [1])
    >>> [part.tolist() for part in quantile_split([0.5, float("nan"), float("nan"), float("nan")], "maximize", 0.5)]
    [[2, 3], [0]]
    """
    rule = "an array-like of shape (n_members,) of real numbers, n_members >= 2"
    scores = float_array(scores, "scores", "quantile_split", rule)
    if scores.ndim != 1 or len(scores) < 2:
        raise fail("scores", "quantile_split", rule, scores)
    quantile = check_real(quantile, "quantile", "quantile_split", 0, 0.5, low_open=True)
    n = len(scores)
    k = max(1, min(math.ceil(n * quantile - 1e-9), n // 2))  # 1e-9: 10 x 0.3 is 3.0000000000000004
    losses = Direction.parse(direction, "direction", "quantile_split").to_loss(scores)  # new array: NaNs replaced below
    losses[np.isnan(losses)] = np.inf
    order = np.argsort(losses, kind="stable")
    top = order[:k]
    return np.sort(order[n - k:]), np.sort(top[np.isfinite(losses[top])])
