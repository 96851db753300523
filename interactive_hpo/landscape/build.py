"""Build a landscape by evaluating every configuration of a grid, and replay it as an objective.

:func:`build_landscape` evaluates an objective (an ``SklearnCV`` task, a synthetic function,
any objective with a ``space``) on the full grid of its space (``SearchSpace.levels``: log-spaced
for log parameters, every choice for categoricals), at one budget, and caches the losses on
disk as JSON keyed by the objective, the grid and the budget, so a notebook builds each
landscape once. :class:`LandscapeObjective` turns a built landscape back into an objective (a
lookup table), so any optimizer can be stepped on it in microseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_int, fail
from ..space import SearchSpace
from .graph import Landscape

__all__ = ["build_landscape", "LandscapeObjective", "grid_of"]


def grid_of(space: SearchSpace, resolution: int) -> tuple[tuple[Any, ...], ...]:
    """Each parameter's grid levels: ``resolution`` values for numbers (log-spaced for log
    parameters; integers may give fewer), every choice for categoricals."""
    resolution = check_int(resolution, "resolution", "build_landscape", 2)
    return tuple(param.levels(resolution) for param in space)


def _loss(objective: Any, params: Mapping[str, Any], budget: float | None) -> float:
    """The objective's value as a loss (negated for objectives to maximize); inf if it failed."""
    try:
        result = objective(dict(params)) if budget is None else objective(dict(params), budget=budget)
    except Exception:  # a configuration that cannot be fitted is the worst there is, not a crash
        return float("inf")
    value = float(getattr(result, "value", result))
    return -value if getattr(objective, "direction", "minimize") == "maximize" else value


def build_landscape(objective: Any, *, resolution: int = 5, budget: float | None = None,
                    cache_dir: str | os.PathLike[str] | None = None) -> Landscape:
    """Evaluate ``objective`` on every configuration of its space's grid; return the landscape.

    Parameters
    ----------
    objective : objective with a ``space``
        Its value becomes the loss (negated when ``objective.direction == "maximize"``, so an
        accuracy becomes minus the accuracy; configurations that fail get the worst loss seen).
    resolution : int, default=5
        Levels per numeric parameter.
    budget : float, optional
        Passed to the objective (a fraction of the training data for ``SklearnCV``).
    cache_dir : path, optional
        Where the losses are kept as JSON, keyed by the objective's ``repr``, the grid and the
        budget; a second build with the same key reads them instead of evaluating again.

    Returns
    -------
    Landscape
        Its ``space`` is the objective's, so :class:`LandscapeObjective` can replay it.
    """
    space = getattr(objective, "space", None)
    if not isinstance(space, SearchSpace) or not callable(objective):
        raise fail("objective", "build_landscape", "a callable objective with a SearchSpace `space`", objective)
    levels = grid_of(space, resolution)
    path = None
    if cache_dir is not None:
        key = json.dumps([repr(objective), space.to_dict(), [list(map(repr, v)) for v in levels], budget])
        path = Path(cache_dir) / f"landscape-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    if path is not None and path.exists():
        losses = np.array(json.loads(path.read_text())["losses"], dtype=float)
    else:
        shape = tuple(len(v) for v in levels)
        codes = np.stack(np.unravel_index(np.arange(int(np.prod(shape))), shape), axis=1)
        losses = np.array([_loss(objective, {p.name: levels[k][c] for k, (p, c) in enumerate(zip(space, row,
                                                                                                   strict=True))},
                                 budget) for row in codes])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"objective": repr(objective), "budget": budget,
                                        "losses": [v if np.isfinite(v) else None for v in losses.tolist()]}))
    losses = np.where(np.isfinite(losses), losses, np.nanmax(np.where(np.isfinite(losses), losses, np.nan)))
    return Landscape(tuple(space.names), levels, tuple(p.kind != "categorical" for p in space), losses, space=space)


class LandscapeObjective:
    """A built landscape as an objective: the loss of the grid configuration nearest to ``params``.

    Numeric parameters snap to the nearest level in the space's unit cube (so on a log scale for
    log parameters); categoricals match exactly. Every optimizer can be stepped on it in
    microseconds: a landscape of SVM cross-validation scores becomes a free benchmark. A
    landscape has one fidelity, so a ``budget`` is accepted and ignored.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> from interactive_hpo.objectives import FunctionObjective
    >>> space = SearchSpace([Float("x", -2, 2)])
    >>> land = build_landscape(FunctionObjective(lambda p: p["x"] ** 2, space), resolution=5)
    >>> replay = LandscapeObjective(land)
    >>> replay({"x": 0.9}), replay({"x": 0.1})   # nearest levels: 1.0 and 0.0
    (1.0, 0.0)
    >>> Study(space, "sobol", seed=0).run(replay, n_trials=8)[-1].state.value
    'COMPLETE'
    """

    direction = "minimize"

    def __init__(self, landscape: Landscape):
        if not isinstance(landscape, Landscape) or landscape.space is None:
            raise fail("landscape", "LandscapeObjective", "a Landscape built with a search space (build_landscape)",
                       landscape)
        self.landscape = landscape
        self.space = landscape.space
        # Unit-cube positions of every numeric level, for the nearest-level lookup.
        self._units = [None if not ordered else np.array([param.to_unit(v) for v in levels])
                       for param, levels, ordered in zip(self.space, landscape.levels, landscape.ordered,
                                                         strict=True)]
        self.name = f"landscape({', '.join(landscape.names)})"

    def index_of(self, params: Mapping[str, Any]) -> int:
        """The grid index of the configuration nearest to ``params``."""
        params = self.space.validate(params)
        codes = []
        for param, levels, units in zip(self.space, self.landscape.levels, self._units, strict=True):
            value = params[param.name]
            nearest = levels.index(value) if units is None else int(np.argmin(np.abs(units - param.to_unit(value))))
            codes.append(nearest)
        return int(np.ravel_multi_index(tuple(codes), self.landscape.shape))

    def __call__(self, params: Mapping[str, Any], *, budget: float | None = None) -> float:
        return float(self.landscape.losses[self.index_of(params)])

    def __repr__(self) -> str:
        return f"LandscapeObjective({self.landscape.n} configurations of {self.landscape.names})"
