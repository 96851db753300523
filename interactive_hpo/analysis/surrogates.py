"""The plausible functions the analyses average over: a Gaussian process's posterior sample
paths, or the trees of a random forest fitted to any study's trials.

Both are callables ``functions(X) -> (S, m)`` for points ``X`` of shape (m, d) in the unit cube,
the form :func:`~interactive_hpo.analysis.sobol.sobol_indices` and
:func:`~interactive_hpo.analysis.dependence.partial_dependence` take. A GP's samples carry its
uncertainty about the objective; a forest's trees (each fitted on a bootstrap sample of the
trials) carry how much the answer depends on which trials happened to be run, as functional
ANOVA's forests do (Hutter et al., 2014).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_int, fail, float_array, import_optional
from ..views import SurrogateView
from ._checks import MAX_SAMPLES, MAX_SEED, cube_points

__all__ = ["FOREST_MIN", "ForestSurrogate", "GPSamples"]

#: The fewest trials :class:`ForestSurrogate` is fitted to.
FOREST_MIN = 4


class GPSamples:
    """A Gaussian process's posterior sample paths as functions: ``samples(X)`` has shape (S, m).

    Parameters
    ----------
    view : SurrogateView
        A fitted belief (``study.surrogate()``), in the study's objective units.
    n_samples : int, default=64
        S, the number of sample paths (2 to 1024).
    seed : int, default=0
        In [0, 2**32 - 1]. The same seed gives the same paths at every call, so points evaluated
        in several calls belong to the same S functions (the view draws them pathwise, categories
        included).
    """

    source = "gp"

    def __init__(self, view: SurrogateView, n_samples: int = 64, seed: int = 0):
        if not isinstance(view, SurrogateView):
            raise fail("view", "GPSamples", "a SurrogateView (study.surrogate()) that draws sample paths", view)
        self.view = view
        self.n_samples = check_int(n_samples, "n_samples", "GPSamples", 2, MAX_SAMPLES)
        self.seed = check_int(seed, "seed", "GPSamples", 0, MAX_SEED)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        points = cube_points(X, self.view.X.shape[1], "GPSamples.__call__")
        return np.asarray(self.view.sample_paths(points, n_samples=self.n_samples, seed=self.seed), dtype=float)

    def mean(self, X: np.ndarray) -> np.ndarray:
        """The view's prediction at ``X`` of shape (m, d) in the unit cube: shape (m,). Its posterior
        mean, or under an output warp its median (``SurrogatePrediction.centre`` says which)."""
        return np.asarray(self.view.predict(cube_points(X, self.view.X.shape[1], "GPSamples.mean")).mean, dtype=float)


class ForestSurrogate:
    """A random forest fitted to trials, its trees as functions: ``forest(X)`` has shape (S, m).

    Parameters
    ----------
    X : array-like of shape (n, d)
        The trials' points in the unit cube (as the space encodes them).
    y : array-like of shape (n,)
        At least :data:`FOREST_MIN` (4) finite losses or objective values: the forest predicts
        what it is given. Sobol indices and partial dependence read the same either way; an
        ablation path walks a loss, so turn values into losses first
        (:func:`~interactive_hpo.analysis.study_analyses.study_ablation` does).
    n_trees : int, default=64
        S, as Optuna's fANOVA evaluator uses (2 to 1024).
    seed : int, default=0
        In [0, 2**32 - 1], as scikit-learn's forests take.

    Attributes
    ----------
    forest : sklearn.ensemble.RandomForestRegressor
        Fitted to the losses less their median.
    offset : float
        That median, added back to every prediction.

    Notes
    -----
    ``RandomForestRegressor(n_estimators=n_trees, max_depth=64, min_samples_leaf=1)`` with
    bootstrap samples, the settings of Optuna's fANOVA evaluator; a categorical is its unit
    coordinate, so a tree splits its choices in their listed order.
    """

    source = "forest"

    def __init__(self, X: Any, y: Any, n_trees: int = 64, seed: int = 0):
        owner = "ForestSurrogate"
        import_optional("sklearn", "sklearn", owner)
        from sklearn.ensemble import RandomForestRegressor

        rule = f"an array of shape (n,) of at least {FOREST_MIN} finite values"
        y = float_array(y, "y", owner, rule)
        if y.ndim != 1:  # raveled, a (5, 6) y was read as 30 values of 30 points in any order
            raise fail("y", owner, rule, f"an array of shape {y.shape}")
        if len(y) < FOREST_MIN or not np.all(np.isfinite(y)):
            raise fail("y", owner, rule, f"{len(y)} values, {int(np.sum(~np.isfinite(y)))} not finite")
        rule = f"an array of shape (n, d) with one row per value of y (n={len(y)})"
        X = float_array(X, "X", owner, rule)
        if X.ndim != 2 or len(X) != len(y) or X.shape[1] == 0:
            raise fail("X", owner, rule, f"an array of shape {X.shape}")
        rows = np.flatnonzero(~np.all(np.isfinite(X), axis=1))
        if len(rows):
            raise fail("X", owner, "an array of finite values", f"NaN or inf in {len(rows)} of {len(X)} rows",
                       hint=f"Rows {rows[:10].tolist()}{' ...' if len(rows) > 10 else ''}.")
        self.n_trees = check_int(n_trees, "n_trees", owner, 2, MAX_SAMPLES)
        # Fitted to centred losses, their mean added back to every prediction: the trees' squared-
        # error splits lost every digit of a spread 1e9 times below the losses' offset (a parameter
        # explaining 90% of the variance read a first-order index of 0.01).
        # The median: a mean of losses near 1e308 overflowed; losses spanning more than the float
        # range cannot be centred at all, and are fitted as they are.
        self.offset = float(np.median(y))
        with np.errstate(over="ignore"):
            centred = y - self.offset
        if not np.all(np.isfinite(centred)):
            self.offset, centred = 0.0, y
        self.forest = RandomForestRegressor(n_estimators=self.n_trees, max_depth=64, min_samples_leaf=1,
                                            random_state=check_int(seed, "seed", owner, 0, MAX_SEED))
        self.forest.fit(X, centred)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        points = cube_points(X, self.forest.n_features_in_, "ForestSurrogate.__call__")
        return np.stack([tree.predict(points) for tree in self.forest.estimators_]) + self.offset

    def mean(self, X: np.ndarray) -> np.ndarray:
        """The forest's prediction (the mean of its trees) at ``X`` of shape (m, d) in the unit
        cube: shape (m,)."""
        return np.asarray(self.forest.predict(cube_points(X, self.forest.n_features_in_, "ForestSurrogate.mean")),
                          dtype=float) + self.offset
