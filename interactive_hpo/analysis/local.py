"""Importance where it counts: among the best trials, and along the way from a default to the
incumbent.

- :func:`quantile_importance` asks which parameters the best trials agree on. For each
  parameter it measures how far the distribution of its values among the best ``quantile`` of
  trials is from their distribution among all of them (in a conditional space, among those where
  it is active) (the Pearson divergence of PED-ANOVA,
  Watanabe, Bansal and Hutter, IJCAI 2023, with histograms in place of Parzen estimators). A
  parameter the best trials share a narrow range of scores high; one they spread over like all
  the others scores 0. Resampling the trials gives the interval.
- :func:`ablation_path` walks from a default configuration to the incumbent one parameter at a
  time, each step taking the change that helps most (by a surrogate's prediction or by real
  evaluations), and gives each parameter its share of the gain (Fawcett and Hoos, 2016;
  surrogate-based, Biedenkapp et al., 2017). It takes losses; a study's surrogate predicts its
  objective's values, which :func:`~interactive_hpo.analysis.study_analyses.study_ablation` converts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, check_level, check_real, check_size, fail, float_array
from ..direction import Direction
from ..space import SearchSpace
from ._checks import MAX_VALUES, central, check_callable, check_search_space, evaluate, unit_points

__all__ = ["AblationPath", "QuantileImportance", "ablation_path", "configuration", "quantile_importance",
           "walk"]

#: Histogram bins of a float's unit coordinate. An integer or a categorical of at most BINS levels
#: has a bin per level; one of more is sliced like a float (a categorical's slices in the order its
#: choices are listed).
BINS = 10
#: The most bootstrap resamples: each is a pass of Python and NumPy calls (about 40 us on 20
#: trials), so the 2**20 once allowed took most of a minute, far past what an interval needs.
MAX_BOOT = 10_000


@dataclass(frozen=True, eq=False)
class QuantileImportance:
    """How much the best trials agree on each parameter.

    Attributes
    ----------
    names : tuple of str
    divergence : ndarray of shape (d,)
        Pearson divergence between the top trials' distribution of the parameter and all
        trials' (0: the top trials are spread like the rest).
    share : ndarray of shape (d,)
        ``divergence`` normalized to sum to 1 (all 0 if every divergence is 0).
    interval : ndarray of shape (d, 2)
        The central ``level`` interval of ``share`` over bootstrap resamples of the trials: how
        far the share moves when the trials are drawn again. A resample repeats trials, and
        repeated top trials agree more, so on few trials the resamples' shares of a parameter
        that does not matter lean high and the interval can lie above ``share`` (100 random
        trials, seed 0, of ``5a + b`` over three floats in [0, 1]: the third's share 0.055,
        its interval [0.062, 0.259]).
    quantile : float
    n_top : int
        Trials in the top quantile: the best ``quantile`` of them (at least 2), and every trial
        whose loss ties with the last of those.
    level : float
    """

    names: tuple[str, ...]
    divergence: np.ndarray
    share: np.ndarray
    interval: np.ndarray
    quantile: float
    n_top: int
    level: float

    def ranking(self) -> list[str]:
        """Names, the parameter the best trials agree on most first."""
        return [self.names[i] for i in np.argsort(-self.share, kind="stable")]


def _level_codes(space: SearchSpace, j: int) -> np.ndarray | None:
    """The unit codes of coordinate ``j``'s levels, shape (k,) with k at most :data:`BINS`, when
    it is binned by level (an integer with few levels, a categorical with few choices); None when
    it is binned by :data:`BINS` equal slices of the unit interval."""
    param = space.params[j]
    levels = param.levels(BINS + 1)
    if param.kind != "float" and len(levels) <= BINS:
        return np.array([param.to_unit(v) for v in levels])
    return None


def _bins(space: SearchSpace, j: int, column: np.ndarray) -> np.ndarray:
    """The bin of each value of coordinate ``j`` (below :data:`BINS`): a level for integers with
    few levels and for categoricals with few choices, one of :data:`BINS` equal slices of the
    unit interval otherwise."""
    codes = _level_codes(space, j)
    if codes is not None:
        return np.abs(column[:, None] - codes[None, :]).argmin(axis=1)
    return np.minimum((column * BINS).astype(int), BINS - 1)


def _sizes(space: SearchSpace) -> np.ndarray:
    """Each parameter's number of bins, shape (d,): its levels when binned by level, else
    :data:`BINS`."""
    return np.array([BINS if (codes := _level_codes(space, j)) is None else len(codes) for j in range(space.dim)])


def _divergences(bins: np.ndarray, active: np.ndarray, top: np.ndarray, size: np.ndarray) -> np.ndarray:
    """The Pearson divergence of each parameter, shape (d,), from the trials' bins (shape
    (n, d), each below the parameter's ``size``), where each parameter is active (shape (n, d)),
    which trials are the best (shape (n,)) and each parameter's number of bins (shape (d,), at
    most :data:`BINS`).

    Every parameter at once, from bin counts: a resample of the trials is a resample of their
    bins (binning and activity are row by row), so the bootstrap bins once and counts here.
    """
    d = bins.shape[1]
    # A conditional parameter counts the trials where it is active only: an inactive one sits at
    # its canonical value, and half the trials piled on one bin made "degree" look important
    # where only "kernel" mattered.
    best = active & top[:, None]
    slots = bins + BINS * np.arange(d)  # parameter j's bins are slots j * BINS onwards
    counts = np.bincount(slots[active], minlength=d * BINS).reshape(d, BINS)
    counts_top = np.bincount(slots[best], minlength=d * BINS).reshape(d, BINS)
    # Every bin of the parameter, visited or not (add-one smoothing: an unvisited bin is
    # unlikely, not impossible). Counting only those up to the highest visited made the answer
    # depend on the order of a categorical's choices: two choices of ten listed first or last
    # shared [0.48 0.52] or [0.607 0.393] with a float, and the ranking flipped.
    n_active, n_best = active.sum(axis=0), best.sum(axis=0)
    p_all = (counts + 1.0) / np.maximum(n_active + size, 1)[:, None]
    p_top = (counts_top + 1.0) / np.maximum(n_best + size, 1)[:, None]
    terms = np.where(np.arange(BINS) < size[:, None], (p_top / p_all - 1.0) ** 2 * p_all, 0.0)
    # No best trial has it active: nothing they agree on.
    return np.where(n_best > 0, terms.sum(axis=1), 0.0)


def _shares(divergence: np.ndarray) -> np.ndarray:
    total = divergence.sum()
    return divergence / total if total > 0 else np.zeros_like(divergence)


def quantile_settings(quantile: Any, level: Any, n_boot: Any, seed: Any, owner: str,
                      dim: int) -> tuple[float, float, int, int]:
    """The settings of :func:`quantile_importance` for a space of ``dim`` parameters checked,
    errors naming ``owner`` (the function the person called): ``n_boot`` resamples, each
    giving ``dim`` shares kept for the interval, at most :data:`MAX_VALUES` shares, and at
    most :data:`MAX_BOOT` of them."""
    n_boot = check_int(n_boot, "n_boot", owner, 10, MAX_BOOT)
    check_size(n_boot, "n_boot", owner, 10, dim, MAX_VALUES, "shares (one per parameter)")
    return (check_real(quantile, "quantile", owner, 0.0, 1.0, low_open=True, high_open=True),
            check_level(level, owner), n_boot, check_int(seed, "seed", owner, 0))


def top_count(n: int, quantile: float) -> int:
    """How many of ``n`` trials count as the best ``quantile`` of them (at least 2); the
    analysis needs ``top_count + 2`` trials, so that some are not among the best."""
    return max(2, int(np.ceil(quantile * n)))


def quantile_importance(space: SearchSpace, X: Any, losses: Any, *, quantile: float = 0.1, level: float = 0.9,
                        n_boot: int = 200, seed: int = 0) -> QuantileImportance:
    """Which parameters the best ``quantile`` of the trials agree on (see the module docstring).

    Each parameter is binned on its own: a level per bin for an integer or a categorical of at
    most :data:`BINS` levels, :data:`BINS` slices of the unit coordinate otherwise. The answer
    does not depend on the order a categorical's choices are listed in, nor on a float's
    direction, except for a categorical of more than :data:`BINS` choices, whose slices group
    neighbours in the order they are listed.

    Parameters
    ----------
    space : SearchSpace
    X : array-like of shape (n, d)
        The trials' points in the unit cube (every entry in [0, 1]).
    losses : array-like of shape (n,)
        Their losses (lower is better); trials with a non-finite loss are left out.
    quantile : float, default=0.1
        The share of trials counted as the best (at least 2 of them; with every trial that ties
        with the last of them, so constant losses make every share 0).
    level : float, default=0.9
    n_boot : int, default=200
        Bootstrap resamples for the interval (10 to 10,000; their ``n_boot d`` shares at most
        2**26).
    seed : int, default=0

    Returns
    -------
    QuantileImportance
    """
    owner = "quantile_importance"
    space = check_search_space(space, owner)
    rule = "an array of shape (n,): one loss per row of X"
    losses = float_array(losses, "losses", owner, rule)
    if losses.ndim != 1:
        raise fail("losses", owner, rule, f"an array of shape {losses.shape}")
    X = unit_points(X, space, owner, len(losses))
    quantile, level, n_boot, seed = quantile_settings(quantile, level, n_boot, seed, owner, space.dim)
    finite = np.isfinite(losses)
    X, losses = X[finite], losses[finite]
    n_top = top_count(len(losses), quantile)
    if len(losses) < n_top + 2:
        raise fail("losses", owner, f"at least {n_top + 2} finite losses for a top quantile of {quantile:g}",
                   f"{len(losses)} finite")

    def top_of(values: np.ndarray) -> np.ndarray:
        # Every trial that ties with the last of the best n_top is in: which of equal losses make
        # the cut is not the losses' to say, and trial order deciding it made constant losses
        # "important" for whatever the first trials happened to share (as best_trained, issue 26).
        return values <= np.partition(values, n_top - 1)[n_top - 1]

    top = top_of(losses)
    bins = np.stack([_bins(space, j, X[:, j]) for j in range(space.dim)], axis=1)
    active = space.conditions.active_mask(X) if space.conditional else np.ones(X.shape, dtype=bool)
    size = _sizes(space)
    divergence = _divergences(bins, active, top, size)
    rng = np.random.default_rng(seed)
    boot = np.empty((n_boot, space.dim))
    for b in range(len(boot)):
        pick = rng.integers(0, len(losses), len(losses))
        boot[b] = _shares(_divergences(bins[pick], active[pick], top_of(losses[pick]), size))
    return QuantileImportance(tuple(space.names), divergence, _shares(divergence), central(boot, level).T, quantile,
                              int(top.sum()), level)


@dataclass(frozen=True, eq=False)
class AblationPath:
    """The way from a default configuration to a target, one parameter at a time.

    Attributes
    ----------
    steps : tuple of str
        The parameters changed, in order (those that differ between the two configurations),
        each step a real change of configuration. In a conditional space a step sets a parameter
        active at both ends; the children it switches off are gone, and those it switches on take
        the end's values in the same step (the end has them), so its share is its branch's:
        a linear SVM to a forest is one step, "model". A child active at both ends with other
        values is a step of its own; one active at one end only is never a step.
    losses : ndarray of shape (k + 1,)
        The loss (predicted or measured; lower is better) at the default, then after each of the
        k steps.
    points : ndarray of shape (k + 1, d)
        The configurations along the path, in the unit cube (inactive coordinates at
        ``INACTIVE_UNIT``): the first is the default's, the last the target's.
    direction : Direction, default="minimize"
        The direction that turned the objective's values into ``losses``: a study's
        (:func:`~interactive_hpo.analysis.study_analyses.study_ablation`), else "minimize" (the
        losses are the values).
    """

    steps: tuple[str, ...]
    losses: np.ndarray
    points: np.ndarray
    direction: Direction = Direction.MINIMIZE

    @property
    def values(self) -> np.ndarray:
        """Shape (k + 1,): ``losses`` in the objective's units (an accuracy as an accuracy), for
        ``plot_ablation(path.steps, path.values, ylabel=...)``."""
        return self.direction.to_value(self.losses)

    @property
    def gains(self) -> np.ndarray:
        """Shape (k,): how much each step lowered the loss (negative: it raised it)."""
        return -np.diff(self.losses)

    @property
    def shares(self) -> np.ndarray:
        """Shape (k,): each step's share of the whole gain (they sum to 1; NaN without a gain)."""
        total = self.losses[0] - self.losses[-1]
        # + 0.0: a step that changed nothing has a share of 0, not -0.
        return self.gains / total + 0.0 if total != 0 else np.full(len(self.steps), np.nan)


def ablation_path(loss: Callable[[np.ndarray], np.ndarray], space: SearchSpace, start: Mapping[str, Any],
                  end: Mapping[str, Any]) -> AblationPath:
    """Greedy ablation from ``start`` (a default) to ``end`` (the incumbent): each step takes the
    change that lowers ``loss`` most.

    Parameters
    ----------
    loss : callable
        ``loss(X)`` for points ``X`` of shape (m, d) in the unit cube returns shape (m,), finite:
        **losses, lower is better**. Real evaluations, or a surrogate's mean as a loss: the
        surrogates of :func:`~interactive_hpo.analysis.importance.surrogate_of` predict the
        objective in its own units, so for a maximized objective pass ``lambda X: -f.mean(X)``
        (``f.mean`` itself walks the path backwards, worst change first, and looks as plausible),
        or let :func:`~interactive_hpo.analysis.study_analyses.study_ablation` convert it.
    space : SearchSpace
    start, end : dict
        Configurations (params); inactive parameters of a conditional space may be left out.

    Returns
    -------
    AblationPath

    Notes
    -----
    Nothing checks that ``end`` is predicted better than ``start``: a path between any two
    configurations is a fair question (why is this one worse?), a surrogate fitted to few trials
    can predict an incumbent worse than a default it never saw, and an arbitrary callable has
    no noise level to judge "worse" against.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    >>> path = ablation_path(lambda X: 3 * X[:, 0] + X[:, 1], space, {"a": 1, "b": 1}, {"a": 0, "b": 0})
    >>> path.steps, path.shares.round(2).tolist()
    (('a', 'b'), [0.75, 0.25])
    """
    owner = "ablation_path"
    check_callable(loss, "loss", owner, "a callable X (m, d) -> losses (m,)")
    space = check_search_space(space, owner)
    return walk(loss, space, configuration(space, start, "start", owner), configuration(space, end, "end", owner),
                owner)


def configuration(space: SearchSpace, params: Any, name: str, owner: str) -> np.ndarray:
    """An ablation's ``start`` or ``end`` (``name``) checked, errors naming ``owner`` (the
    function the person called): its point of shape (d,) in the unit cube."""
    return space.to_unit(space.validate(params, name=name, owner=owner))


def walk(loss: Callable[[np.ndarray], np.ndarray], space: SearchSpace, current: np.ndarray, target: np.ndarray,
         owner: str, direction: Direction = Direction.MINIMIZE) -> AblationPath:
    """:func:`ablation_path` from point ``current`` to point ``target`` (shape (d,), in the unit
    cube, snapped: the encodings of configurations); ``owner`` is named if ``loss`` returns values
    of the wrong shape or not finite; ``direction`` turned the objective's values into ``loss``'s
    losses."""
    points, steps = [current], []
    losses = [float(evaluate(loss, current[None], "loss", owner, several=False)[0])]
    while len(remaining := _differing(space, current, target)):
        candidates = np.repeat(current[None], len(remaining), axis=0)
        if space.conditional:
            # A step sets one parameter active in both to the end's value, and a child it switches
            # on takes the end's value too (the end has it: its parent now holds the end's value),
            # one step with its branch (Fawcett and Hoos, 2016). At a placeholder (INACTIVE_UNIT)
            # the child was a configuration neither end has: rbf's gamma at its range's centre,
            # taken by a "kernel" step from a linear SVM towards a forest (audit a428).
            active = space.conditions.active_mask(current[None])[0]
            candidates[:] = np.where(active, current, target)
        candidates[np.arange(len(remaining)), remaining] = target[remaining]
        if space.conditional:
            candidates = space.canonical(candidates)  # a child switched off is off (it is off at the end)
        predicted = evaluate(loss, candidates, "loss", owner, several=False)
        best = int(np.argmin(predicted))
        current = candidates[best]
        steps.append(space.names[remaining[best]])
        points.append(current)
        losses.append(float(predicted[best]))
    return AblationPath(tuple(steps), np.array(losses), np.array(points), direction)


def _differing(space: SearchSpace, current: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The coordinates a step can set, indices into (d,): those active at both points ``current``
    and ``target`` (snapped, shape (d,)) with different values. Each step sets one and switches
    on or off only children that then match the end, so they shrink to none exactly when the
    path reaches ``target``: the first parameter (parents first) that differs between two
    configurations is active in both, since its parent agrees."""
    differ = current != target
    if space.conditional:
        differ &= space.conditions.active_mask(np.stack([current, target])).all(axis=0)
    return np.flatnonzero(differ)
