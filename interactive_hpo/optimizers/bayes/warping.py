"""The output warp: what the GP is fitted on, a monotone transform of the observed utilities.

A GP assumes values that vary smoothly and evenly. Real losses do not: a few configurations
fail badly (a score of 0.19 among scores of 0.97, or a test function whose values run from -1
to 160), and a GP fitted on them spends its standardized range on the gap to those few: the
differences among the good values, which decide where to look next, become a small part of it
(on notebook 03's camel trials the better half spans 1.7 % of the range unwarped, 32 % warped;
benchmarks/README.md, issue 23 items 8 and 9, measures what that costs). Vizier's answer
(Song et al., 2024), which we follow, is a monotone warp in two steps:

1. **Half rank.** Values above the median are kept; each value below it is replaced by the
   normal quantile of its rank among the bad half, scaled by the good half's spread. However
   bad an outlier is, it lands a few spreads below the median.
2. **Log.** ``w = 0.5 - log(1 + (o - 1) (max - v) / range) / log(o)`` with ``o = 1.5`` maps the
   range onto [-0.5, 0.5] and stretches the differences among the best values a little more
   (most of the stretch is the half-rank step's).

Its limits (notebook 03, section 7): the half-rank step takes its scale from the better half, so
near-ties there squeeze every worse value next to them; and mapped back, the log step puts a
floor under the model's beliefs below the best value. ``output_warp="none"`` fits the raw values.

Failed trials (an exception, a NaN) get the value :attr:`OutputWarp.failed_value`, half the
warped range below the worst completed one: the GP learns to stay away from them without
being dominated by them. The warp is monotone, so the best trial stays the best and improving
on it means the same thing; :meth:`OutputWarp.inverse` maps the GP's predictions back to
utilities (between observed values by linear interpolation, above the best by the log step's
exact inverse), so plots keep answering in the objective's units.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm, rankdata

__all__ = ["OutputWarp", "LOG_OFFSET", "WARPS"]

#: The warps: Vizier's half-rank and log steps, or none (the GP sees the utilities as they are).
WARPS = ("rank-log", "rank", "none")

#: Vizier's offset o of the log step. With t the distance below the best as a fraction of the
#: range, the step (:meth:`OutputWarp._log`) maps the range onto a width of 1 with slope
#: (o - 1) / ((1 + (o - 1) t) ln o): 1.23 at the best end, 0.82 at the worst, o = 1.5 times
#: steeper at the best and never more. So the best tenth of the range is stretched 1.44x
#: relative to the worst tenth (ln 1.05 / ln(1.5 / 1.45) = 0.120 / 0.084 of the warped width).
LOG_OFFSET = 1.5


class OutputWarp:
    """A monotone map fitted to observed utilities ``u`` of shape (n,) (larger is better).

    Parameters
    ----------
    utilities : ndarray of shape (n,)
        Finite utilities of the completed trials (n >= 1).
    kind : {"rank-log", "rank", "none"}
        Both steps, the half-rank step only, or the identity (failed trials still get
        :attr:`failed_value`).
    """

    def __init__(self, utilities: np.ndarray, kind: str = "rank-log"):
        u = np.asarray(utilities, dtype=float).reshape(-1)
        self.kind = kind
        self.knots = np.unique(u)  # sorted, shape (k,)
        self.span = float(self.knots[-1] - self.knots[0])
        # The identity, or with one value seen a shift, so that it sits at 0.
        self._identity = self.span == 0.0 or kind == "none"
        self._shift = float(self.knots[0]) if self.span == 0.0 else 0.0
        if self._identity:
            self.values = self.knots - self._shift
            return
        ranked = _half_rank(self.knots)
        self.low, self.high = float(ranked.min()), float(ranked.max())
        self.values = self._log(ranked)  # what each knot becomes, increasing

    def __call__(self, utilities: np.ndarray) -> np.ndarray:
        """Warped values of utilities (any shape, observed ones or between them)."""
        u = np.asarray(utilities, dtype=float)
        shape, u = u.shape, u.reshape(-1)
        return (u - self._shift if self._identity else self._forward(u)).reshape(shape)

    def _forward(self, u: np.ndarray) -> np.ndarray:
        out = np.interp(u, self.knots, self.values)
        below = u < self.knots[0]
        out[below] = self.values[0] - (self.knots[0] - u[below]) * self._end_slope()
        above = u > self.knots[-1]  # above the best, the half-rank step is the identity
        out[above] = self._log(np.minimum(self.high + (u[above] - self.knots[-1]), self._log_limit()))
        return out

    def inverse(self, warped: np.ndarray) -> np.ndarray:
        """Utilities of warped values (any shape): the GP's predictions in the objective's terms."""
        w = np.asarray(warped, dtype=float)
        shape, w = w.shape, w.reshape(-1)
        return (w + self._shift if self._identity else self._inverse(w)).reshape(shape)

    def _inverse(self, w: np.ndarray) -> np.ndarray:
        out = np.interp(w, self.values, self.knots)
        below = w < self.values[0]
        out[below] = self.knots[0] - (self.values[0] - w[below]) / self._end_slope()
        above = w > self.values[-1]
        out[above] = self.knots[-1] + self._unlog(w[above]) - self.high
        return out

    @property
    def mean_slope(self) -> float:
        """Utilities per warped unit across the observed range (1 for the identity): converts a
        spread the GP fitted (its signal, its noise) into the objective's units, on average."""
        width = float(self.values[-1] - self.values[0])
        return self.span / width if width > 0 and self.span > 0 else 1.0

    @property
    def failed_value(self) -> float:
        """The warped value a failed trial is fitted with: half the warped range below the worst."""
        return float(self.values[0] - 0.5 * (self.values[-1] - self.values[0] or 1.0))

    def _log(self, v: np.ndarray) -> np.ndarray:
        if self.kind == "rank":
            return v
        width = self.high - self.low
        return 0.5 - np.log1p((LOG_OFFSET - 1) * (self.high - v) / width) / math.log(LOG_OFFSET)

    def _unlog(self, w: np.ndarray) -> np.ndarray:
        if self.kind == "rank":
            return w
        width = self.high - self.low
        return self.high - np.expm1(math.log(LOG_OFFSET) * (0.5 - w)) * width / (LOG_OFFSET - 1)

    def _log_limit(self) -> float:
        """Just below where the log step is undefined (``high + width / (o - 1)``)."""
        if self.kind == "rank":
            return math.inf
        return self.high + 0.999 * (self.high - self.low) / (LOG_OFFSET - 1)

    def _end_slope(self) -> float:
        """Warped units per utility below the worst value: the worst segment's slope."""
        if len(self.knots) < 2:
            return 1.0
        return float((self.values[1] - self.values[0]) / (self.knots[1] - self.knots[0]))


def _half_rank(u: np.ndarray) -> np.ndarray:
    """Vizier's half-rank step on sorted distinct utilities ``u`` of shape (k,): values below the
    median become normal quantiles of their rank, scaled by the good half's spread."""
    median = float(np.median(u))
    good = u[u >= median]
    spread = math.sqrt(float(np.mean((good - median) ** 2)))
    if spread == 0.0:
        spread = math.sqrt(float(np.mean((u - median) ** 2)))
    below = u < median
    n_below = int(below.sum())
    if n_below == 0 or spread == 0.0:
        return u.copy()
    # Rank quantiles in (0, 1/2): the worst gets the lowest, the median itself would get 1/2.
    denominator = n_below + (0.5 if median in u else 0.0)
    quantiles = 0.5 * (rankdata(u[below]) - 0.5) / denominator
    out = u.copy()
    out[below] = median + spread * norm.ppf(quantiles)
    return out
