"""Which hyperparameters mattered in a study: the analyses of this room, read from a study.

:func:`surrogate_of` picks the plausible functions a study's trials support (its own Gaussian
process when the optimizer has one, else a random forest fitted to its finished trials, manual
ones included), and :func:`importance`, :func:`study_partial_dependence` and
:func:`study_quantile_importance` run the analyses on them. ``step=k`` reads the study as it was
when trial ``k`` was asked (time travel: how the estimates settle as trials arrive).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_int, check_one_of, fail
from ..exceptions import InvalidParameterError
from ..optimizers.capabilities import ModelBased
from ..study import Study
from .dependence import PartialDependence, partial_dependence
from .local import QuantileImportance, quantile_importance
from .sobol import SobolIndices, sobol_indices
from .surrogates import ForestSurrogate, GPSamples

__all__ = ["importance", "study_partial_dependence", "study_quantile_importance", "surrogate_of", "trial_data"]

SURROGATES = ("auto", "gp", "forest")


def trial_data(study: Study, objective: int = 0, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The finished trials' points ``X`` (n, d) in the unit cube and their losses (n,), for
    objective number ``objective`` (0 for a study of one), of trials before ``step`` if given."""
    owner = "trial_data"
    if not isinstance(study, Study):
        raise fail("study", owner, "a Study", study)
    objective = check_int(objective, "objective", owner, 0, study.goals.n - 1)
    trials = study.trials if step is None else study.trials[:check_int(step, "step", owner, 0, len(study.trials))]
    rows = [(t.x, study.goals.losses(values)[objective]) for t in trials
            if (values := study.goals.values_of(t)) is not None]
    X = np.array([x for x, _ in rows], dtype=float).reshape(-1, study.space.dim)
    losses = np.array([loss for _, loss in rows], dtype=float)
    finite = np.isfinite(losses)
    return X[finite], losses[finite]


def surrogate_of(study: Study, surrogate: str = "auto", *, objective: int = 0, step: int | None = None,
                 n_samples: int = 64, seed: int = 0) -> GPSamples | ForestSurrogate:
    """The plausible functions behind the analyses of ``study``.

    Parameters
    ----------
    study : Study
    surrogate : {"auto", "gp", "forest"}, default="auto"
        "gp": the study's Gaussian process (``study.surrogate(step)``; its optimizer must have
        one); "forest": a random forest on the finished trials; "auto": the GP when there is
        one and the study has one objective, else the forest.
    objective : int, default=0
        Which objective, in a study of several (forest only).
    step : int, optional
        The study as it was when trial ``step`` was asked.
    n_samples : int, default=64
        GP sample paths, or trees.
    seed : int, default=0
    """
    owner = "surrogate_of"
    surrogate = check_one_of(surrogate, "surrogate", owner, SURROGATES)
    view = None
    if surrogate != "forest" and not study.goals.multi:
        view = study.surrogate() if step is None else _past_view(study, step)
        if view is None and surrogate == "gp":
            raise fail("surrogate", owner, "'gp' only for a study whose optimizer has a fitted Gaussian process",
                       surrogate, hint=f"Its optimizer is {study.optimizer.name!r}; use surrogate='forest'.")
    elif surrogate == "gp":
        raise fail("surrogate", owner, "'forest' or 'auto' for a study of several objectives", surrogate)
    if view is not None:
        return GPSamples(view, n_samples=n_samples, seed=seed)
    X, losses = trial_data(study, objective, step)
    # In objective units, as the GP's view reports: partial dependence reads the same either way.
    values = study.goals.directions[objective].to_value(losses)
    return ForestSurrogate(X, values, n_trees=n_samples, seed=seed)


def _past_view(study: Study, step: int) -> Any:
    """The belief behind trial ``step`` when a fitted model proposed it; for a trial of the
    initial design (or a manual one), a GP of the same settings fitted now on the trials before
    it: what the optimizer would have believed, had it fitted then. None without a GP."""
    try:
        return study.surrogate(step=step)
    except InvalidParameterError:  # no belief was recorded for that trial
        if not isinstance(study.optimizer, ModelBased):
            return None
    fresh = type(study.optimizer)(study.space, **study.optimizer.settings())
    for trial in study.trials[:check_int(step, "step", "surrogate_of", 0, len(study.trials))]:
        values = study.goals.values_of(trial)
        fresh.tell(trial, None if values is None else float(study.goals.losses(values)[0]))
    view = fresh.surrogate()
    return None if view is None else view.in_direction(study.direction)


def importance(study: Study, surrogate: str = "auto", *, objective: int = 0, step: int | None = None,
               n: int = 512, n_samples: int = 64, level: float = 0.9, seed: int = 0) -> SobolIndices:
    """First-order and total Sobol indices of each hyperparameter of ``study``, with intervals.

    Computed on :func:`surrogate_of`'s functions (see
    :func:`~interactive_hpo.analysis.sobol.sobol_indices` for ``n`` and ``level``).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1), Float("c", 0, 1)])
    >>> study = Study(space, "sobol", seed=0)
    >>> _ = study.run(lambda p: 10 * (p["a"] - 0.5) ** 2 + p["b"], n_trials=64)
    >>> importance(study, "forest").ranking()
    ['a', 'b', 'c']
    """
    functions = surrogate_of(study, surrogate, objective=objective, step=step, n_samples=n_samples, seed=seed)
    return sobol_indices(functions, study.space, n=n, level=level, seed=seed, source=functions.source)


def study_partial_dependence(study: Study, names: Any, surrogate: str = "auto", *, objective: int = 0,
                             step: int | None = None, n_samples: int = 64, seed: int = 0,
                             **settings: Any) -> PartialDependence:
    """Partial dependence of ``study``'s objective on one or two parameters, in its own units
    (an accuracy as an accuracy), with a band over the functions.
    ``settings`` go to :func:`~interactive_hpo.analysis.dependence.partial_dependence`."""
    functions = surrogate_of(study, surrogate, objective=objective, step=step, n_samples=n_samples, seed=seed)
    return partial_dependence(functions, study.space, names, seed=seed, **settings)


def study_quantile_importance(study: Study, *, objective: int = 0, step: int | None = None,
                              **settings: Any) -> QuantileImportance:
    """:func:`~interactive_hpo.analysis.local.quantile_importance` on ``study``'s finished trials."""
    X, losses = trial_data(study, objective, step)
    return quantile_importance(study.space, X, losses, **settings)
