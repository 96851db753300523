"""How an acquisition is drawn: the values a curve plots and the values a map's colours span.

Log-scale acquisitions (log-EI, constrained log-EI, qLogNEI and qLogNEHVI) plunge to about -1e5
at evaluated points, so neither a line nor a colour scale can span all their values. A curve
clips them :data:`LOG_FLOOR` below their maximum; a map's colours span only the top
:data:`LOG_WINDOW` (a factor of 100 in EI), everything lower in the darkest colour. A map that
kept the curve's 20 units was nearly uniform: on Branin at 12-40 trials, 56-85% of the box lay
in the top quarter of the scale, and only the proposal's star said where the peak was. The
map's image keeps the true values (what the readout under the mouse shows): only its colour
limits change. Other acquisitions (EI, PI, UCB, Thompson's sample, MES) span their values.

Constrained log-EI ("logcei") improves on the best trial known to meet its constraints; before
there is one it is the log probability that every constraint is met (``bayes.constrained``), and
its map and curve are named so (:func:`acquisition_title`): its colour bar said "feasible EI".
Only the drawing says so: proposals record "logcei" either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LOG_FLOOR", "LOG_WINDOW", "AcquisitionColours", "acquisition_colours", "acquisition_title",
           "displayed_acquisition", "feasibility_only", "finite_limits", "is_log_scale"]

#: Below max - LOG_FLOOR (a factor e^-20) the improvement is nil for any purpose: a curve clips
#: there instead of squashing its top under a plunge to -1e5.
LOG_FLOOR = 20.0
#: A map's colours span this many log units below its maximum: EI within a factor of 100 of its
#: peak. Measured on BO studies of Branin and 2-D slices of a 4-D Levy at 11-40 trials: with 20
#: units, 56-85% of a map lay in the top quarter of the colours; with a factor of 1000, still
#: 50-72% of the flattest maps (notebook 03's at 15 trials, Levy's at 11); with 100, 1-41%,
#: and 7-47% of a map is darkest (near the trials, and where EI is nil).
LOG_WINDOW = math.log(100.0)

#: What a log-scale acquisition is the logarithm of, in a colour bar's words (short: the label
#: spans about 34 characters under a map of the Lab's, whose third map ends at the figure's edge).
_LOG_OF = {"logei": "EI", "logcei": "feasible EI", "qlognei": "EI", "qlogncei": "feasible EI", "qlognehvi": "EHVI"}


def feasibility_only(name: str, any_feasible: bool) -> bool:
    """Whether the acquisition ``name`` is the log probability of feasibility alone: constrained
    log-EI ("logcei") when no trial the model saw is known to meet its constraints
    (``any_feasible`` False). (qLogNEI with constraints, "qlogncei", still weighs an improvement
    on its samples' worst value, so it stays a feasible EI.)"""
    return name == "logcei" and not any_feasible


def acquisition_title(name: str, any_feasible: bool = True) -> str:
    """What a map's title or a curve's label calls the acquisition ``name``: the name proposals
    record, or, when :func:`feasibility_only`, what it is and why, on two lines (on one, the
    title ran past the Lab's third map, 244 px wide, and off its figure).

    >>> acquisition_title("logcei"), acquisition_title("logcei", any_feasible=False)
    ('logcei', 'log P(feasible)\\n(no feasible trial yet)')
    """
    return "log P(feasible)\n(no feasible trial yet)" if feasibility_only(name, any_feasible) else name


def is_log_scale(name: str) -> bool:
    """Whether the acquisition called ``name`` is a logarithm ("logei", "logcei", "qlognei",
    "qlognehvi", and their "(pending points)" forms)."""
    return name.startswith(("log", "qlog"))


def displayed_acquisition(name: str, values: Any) -> np.ndarray:
    """Acquisition values of shape (m,) as a curve draws them: log-scale ones clipped
    :data:`LOG_FLOOR` below their maximum, others as they are.

    >>> displayed_acquisition("logcei", [-3.0, -1e5]).tolist(), displayed_acquisition("ucb", [1.0, -5.0]).tolist()
    ([-3.0, -23.0], [1.0, -5.0])
    """
    values = np.asarray(values, dtype=float)
    if is_log_scale(name) and values.size:
        return np.maximum(values, values.max() - LOG_FLOOR)
    return values


def finite_limits(values: Any) -> tuple[float, float]:
    """The smallest and largest finite value of ``values`` (any shape); (0, 1) when none is."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


@dataclass(frozen=True)
class AcquisitionColours:
    """The colour scale of an acquisition map.

    Attributes
    ----------
    low, high : float
        The values drawn in the darkest and the brightest colour.
    clipped : bool
        Whether some values lie below ``low`` (drawn in the darkest colour too; the colour bar
        gets an arrow at its low end).
    label : str
        What the colours mean, in words, for the colour bar: which way is better, or (clipped)
        what the darkest colour holds, "EI < peak/100" (bright is then the peak).
    """

    low: float
    high: float
    clipped: bool
    label: str


def acquisition_colours(name: str, values: Any, any_feasible: bool = True) -> AcquisitionColours:
    """The colour scale of the acquisition ``name`` over a map of ``values`` (any shape);
    ``any_feasible``: whether a trial the model saw is known to meet its constraints (see
    :func:`feasibility_only`).

    Log-scale acquisitions span :data:`LOG_WINDOW` below their largest value (or down to their
    smallest, if it is higher); others span their finite values.

    >>> colours = acquisition_colours("logei", [-3.0, -5.0, -1e5])
    >>> round(colours.low, 2), colours.high, colours.clipped, colours.label
    (-7.61, -3.0, True, 'darkest: EI < peak/100')
    >>> acquisition_colours("ucb", [1.0, -5.0])
    AcquisitionColours(low=-5.0, high=1.0, clipped=False, label='higher is better (bright)')
    >>> acquisition_colours("logcei", [-3.0, -1e5], any_feasible=False).label
    'darkest: P(feasible) < peak/100'
    """
    low, high = finite_limits(values)
    if not is_log_scale(name) or low >= high - LOG_WINDOW:
        return AcquisitionColours(low, high, False, "higher is better (bright)")
    of = "P(feasible)" if feasibility_only(name, any_feasible) else _LOG_OF.get(name.split(" ")[0], f"exp({name})")
    return AcquisitionColours(high - LOG_WINDOW, high, True, f"darkest: {of} < peak/{math.exp(LOG_WINDOW):.0f}")
