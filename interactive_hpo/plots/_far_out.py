"""Values far out on a plot's bad side: which to leave off its scale (:func:`far_out`), and the
colours a scale keeps for the others (:func:`colour_limits`). One diverged run at 1e11 among
values near 1 drew them as a line on the axis' edge, and one failed-like accuracy of 0.2 drew the
good region's 0.97 to 0.99 in one colour: the history plots, the parallel coordinates, the
model's mean map and the exported frames use these rules alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CLUSTERS_SQUASHED", "COLOURS_SQUASHED", "FAR_OUT", "FEW_SQUASHED", "QUARTILES_FROM", "SQUASHED",
           "colour_limits", "far_out"]


#: How far out a value lies before a plot may leave it off its scale: Tukey's "far out" fence,
#: this many interquartile ranges beyond the quartile (from :data:`QUARTILES_FROM` values on) ...
FAR_OUT = 3.0
#: ... and only if the values inside the fence would then span less than this share of the axis.
SQUASHED = 0.1
#: Fewest finite values for the quartile fence: numpy's Q3 lies at index 0.75 (n - 1) of the sorted
#: values, so k far-out values leave it alone from 4k + 1 values on (one from 5, two from 9);
#: below 5 one hides behind its own fence ([1, 2, 3, 1e11] has Q3 = 2.5e10). Below 8 the gap of
#: :data:`FEW_SQUASHED` decides, which needs no quartiles; from 8 on it still holds, beside the
#: fence and the gap between two clusters (:data:`CLUSTERS_SQUASHED`), for a quarter or more of the
#: values far out hide behind the fence too (3 failed SVMs at 0.19 among 7 at 0.97-0.98).
QUARTILES_FROM = 8
#: With fewer values there is no spread to trust, only a gap: values are far out when the others
#: (3 or more, and more than half) span under this share of the way to the nearest of them, which
#: then lies 199 times their range away. Dixon's Q test at 99 % asks 0.926 of the way at 4 values
#: (Rorabacher 1991) and less with more, for normal values; objective values have a heavier bad
#: tail (4 random trials of Branin at 3.1, 4.2, 10.7 and 140 are ordinary). Two values kept are
#: too few: they lie close by chance (3 random trials of Levy at 15.9, 16.1 and 92), 3 rarely.
FEW_SQUASHED = 0.005
#: From :data:`QUARTILES_FROM` values on, bad-end values are far out too when they and the others
#: (more than half of them) each span under this share of the way from the best to the nearest of
#: them: two tight clusters, such as failed trials at chance accuracy. With 8 to 50 random trials
#: of Branin, Levy, Hartmann6, Ackley and Forrester (200 runs each) this cut nothing more (nor in
#: 40 trials of random, ga, de, cmaes and bo on the first three, 10 runs each, after any trial), of
#: Rosenbrock 4 runs in 1600 more (a pair near 6e5 above values up to 5e4); asking it of the others
#: alone cut 85 runs more (Rosenbrock's spread tail, Forrester's 11 to 16 above -1 to 0.2).
CLUSTERS_SQUASHED = 0.1


def far_out(values: np.ndarray, high: bool, squashed: float = SQUASHED) -> np.ndarray:
    """Mask of shape (n,): which finite ``values`` (shape (n,)) to leave off a plot's scale: those
    far out on the bad side (``high``: above; else below) that squash the others into a sliver of
    the axis (one diverged run at 1e11 among values near 1 drew them as a line on its edge).

    From 4 finite values on: the fewest bad-end values from whose nearest the others, 3 or more,
    more than half of them and spread, lie 199 times their range away (:data:`FEW_SQUASHED`).
    None among fewer than 4. From 8 on, also: beyond Q3 + 3 IQR (Q1 - 3 IQR below) when the others
    span under a tenth of the axis (``squashed``), none without a spread between the quartiles;
    and the fewest bad-end values that form, with the others, two clusters 10 times their spans
    apart (:data:`CLUSTERS_SQUASHED`)."""
    mask = np.zeros(np.shape(values), dtype=bool)
    finite = np.isfinite(values)
    bad_up = values[finite] if high else -values[finite]  # the bad side up, one rule for both
    if bad_up.size < QUARTILES_FROM:
        mask[finite] = _beyond_gap(bad_up)
        return mask
    q1, q3 = np.percentile(bad_up, [25, 75])
    beyond = bad_up > q3 + FAR_OUT * (q3 - q1)
    if q3 > q1 and beyond.any() and np.ptp(bad_up[~beyond]) < squashed * np.ptp(bad_up):
        mask[finite] = beyond
    mask[finite] |= _beyond_gap(bad_up, clusters=True)  # both mark the top values: the wider cut wins
    return mask


#: :data:`SQUASHED` for a colour scale: values that span under half of the colours lose most of
#: their contrast (the SVM's mean map drew 0.97 to 0.99 in one yellow beside one trial at 0.2).
COLOURS_SQUASHED = 0.5


def colour_limits(values: Any, bad_high: bool | None) -> tuple[float, float, str]:
    """The values (any shape) the darkest and brightest colours stand for, and the colour bar's
    ``extend``: far-out values on the bad side (``bad_high``: above; else below; None: no bad
    side, none) (:func:`far_out`, when the others span under :data:`COLOURS_SQUASHED` of the
    scale) share the colour of its end and the bar gets an arrow there. (0, 1) when none is finite.

    >>> colour_limits([0.2] + [0.97, 0.98, 0.99] * 3, bad_high=False)
    (0.97, 0.99, 'min')
    """
    values = np.ravel(np.asarray(values, dtype=float))
    off = np.zeros(values.shape, dtype=bool) if bad_high is None else far_out(values, bad_high, COLOURS_SQUASHED)
    kept = values[np.isfinite(values) & ~off]
    if not kept.size:
        return 0.0, 1.0, "neither"
    return float(kept.min()), float(kept.max()), "neither" if not off.any() else "max" if bad_high else "min"


def _beyond_gap(values: np.ndarray, clusters: bool = False) -> np.ndarray:
    """Mask of shape (n,): the fewest top ``values`` (shape (n,)) that leave 3 or more and more than
    half of them, spread over less than :data:`FEW_SQUASHED` of the way up to the lowest one left
    off (with ``clusters``, also: less than :data:`CLUSTERS_SQUASHED` of it, as are the ones left
    off); or none."""
    ordered = np.sort(values)
    kept = np.arange(len(values) - 1, max(len(values) // 2, 2), -1)  # most first: the fewest left off
    if not kept.size:
        return np.zeros(values.shape, dtype=bool)
    top, low = ordered[kept - 1], ordered[0]
    way = ordered[kept] - low  # up to the nearest left off
    apart = (low < top) & (top - low < FEW_SQUASHED * way)
    if clusters:
        spread = np.maximum(top - low, ordered[-1] - ordered[kept])
        apart |= (low < top) & (spread < CLUSTERS_SQUASHED * way)
    return values > top[np.argmax(apart)] if apart.any() else np.zeros(values.shape, dtype=bool)
