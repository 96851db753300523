"""What the analyses check where a person hands them something: a search space, points in the
unit cube, a callable, and what that callable returns; and the one way they read a band's
``level`` (:func:`central`). Each error names the function the person called and the argument
(DESIGN.md section 3), not a helper deep inside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._validation import fail, float_array
from ..exceptions import InvalidParameterError
from ..space import SearchSpace

__all__ = ["MAX_POINTS", "MAX_SAMPLES", "MAX_SEED", "MAX_VALUES", "central", "check_callable", "check_search_space",
           "cube_points", "evaluate", "unit_points"]

#: The most points an analysis builds and evaluates its functions at (a Sobol design's
#: ``n (d + 2)``, a background, a grid of levels and the two multiplied, ICE curves, bootstrap
#: resamples): 8 MB per dimension. More is refused before anything is allocated (``n=10**9``
#: asked numpy for 45 GB).
MAX_POINTS = 2**20
#: The most plausible functions (GP sample paths, a forest's trees).
MAX_SAMPLES = 1024
#: The most values (points times functions) an analysis holds at once: 512 MB of floats.
MAX_VALUES = 2**26
#: The largest seed of a surrogate's functions: scikit-learn's forests take seeds below 2**32
#: (``seed=2**32`` was its own error from inside ``RandomForestRegressor``).
MAX_SEED = 2**32 - 1


def check_search_space(space: Any, owner: str) -> SearchSpace:
    """``space`` if it is a :class:`~interactive_hpo.SearchSpace`."""
    if not isinstance(space, SearchSpace):
        raise fail("space", owner, "a SearchSpace", space)
    return space


def check_callable(function: Any, name: str, owner: str, rule: str) -> Callable[[np.ndarray], Any]:
    """``function`` if it is callable; ``rule`` says what it should compute."""
    if not callable(function):
        raise fail(name, owner, rule, function)
    return function


def unit_points(X: Any, space: SearchSpace, owner: str, n: int | None = None) -> np.ndarray:
    """``X`` as points of shape (n, d) in the unit cube: finite, in [0, 1]. ``n``, when given, is
    the length of ``losses``, X's rows one per loss: a mismatch names both.

    A point outside the cube is no configuration of the space: reshaping or binning it would
    read it as some other configuration without saying so.
    """
    return cube_points(X, space.dim, owner, n=n, names=space.names)


def cube_points(X: Any, d: int, owner: str, *, n: int | None = None, names: Any = None) -> np.ndarray:
    """``X`` as points of shape (n, ``d``) in the unit cube, checked as :func:`unit_points` checks
    them, for a function that knows its dimensions but no search space (a surrogate's); a
    refused coordinate is named by its column, or by ``names[column]`` when given."""
    rule = f"an array of shape ({'n' if n is None else n}, {d}) in the unit cube (finite, in [0, 1])"
    array = float_array(X, "X", owner, rule)
    if array.ndim != 2 or array.shape[1] != d:
        raise fail("X", owner, rule, f"an array of shape {array.shape}")
    if n is not None and len(array) != n:  # which of the two is short is the person's to say: both named
        raise InvalidParameterError(f"`X` and `losses` of {owner} must be as long, one row of X per loss; got "
                                    f"{len(array)} rows of X and {n} losses.")
    outside = ~(np.isfinite(array) & (array >= 0.0) & (array <= 1.0))
    if outside.any():
        row, column = np.argwhere(outside)[0]
        where = f"column {column}" if names is None else f"parameter {names[column]!r}"
        raise fail("X", owner, rule, float(array[row, column]), hint=f"At row {row}, {where}.")
    return array


def evaluate(function: Callable[[np.ndarray], Any], points: np.ndarray, name: str, owner: str, *,
             several: bool) -> np.ndarray:
    """``function(points)`` for points of shape (m, d), checked: shape (S, m) when ``several``
    (one row per plausible function; (m,) is read as S = 1), else (m,); finite everywhere.

    A value of another shape would be read as the wrong points (reshaped, or its first entry
    taken for every candidate), and a NaN would be picked by argmin or spread by averages.
    """
    m = len(points)
    rule = f"values of shape {f'(S, {m}) or ({m},)' if several else f'({m},)'} for {m} points"
    values = float_array(function(points), name, owner, rule)
    shape = values.shape
    if several and values.ndim == 1:
        values = values[None]
    if values.ndim != (2 if several else 1) or values.shape[-1] != m:
        # A surrogate itself (surrogate_of's, as sobol_indices takes it) gives one row per
        # plausible function: a shape alone did not say which function to pass instead.
        hint = ("That is one row per plausible function: pass one function, such as the surrogate's mean "
                "(ForestSurrogate.mean, GPSamples.mean).") if not several and values.ndim == 2 else None
        raise fail(name, owner, rule, f"an array of shape {shape}", hint=hint)
    if not np.all(np.isfinite(values)):
        raise fail(name, owner, "finite values at every point", "NaN or inf among them")
    return values


def central(samples: np.ndarray, level: float) -> np.ndarray:
    """The central ``level`` interval of ``samples`` (shape (S, ...)) over its first axis: shape
    (2, ...), its low ends then its high ends (0.9: the 5th and the 95th percentiles); NaN
    where a sample is NaN (a parameter never active). ``level`` is checked where the person
    gave it (:func:`~interactive_hpo._validation.check_level`)."""
    tail = 50.0 * (1.0 - level)
    with np.errstate(invalid="ignore"):
        return np.percentile(samples, [tail, 100.0 - tail], axis=0)
