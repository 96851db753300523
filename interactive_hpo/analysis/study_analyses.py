"""The analyses of this room run on a study, beside :func:`~.importance.importance`: partial
dependence, importance among the best trials, and the ablation path, each read off the plausible
functions (:func:`~.importance.surrogate_of`) or the trials (:func:`~.importance.trial_data`) of
``objective`` at ``step``, as :mod:`.importance` reads them, the values turned into losses by the
objective's direction where an analysis needs losses (:func:`study_ablation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import fail
from ..study import Study
from ..study.results import best_trial
from .dependence import PartialDependence, averaged, grid_settings
from .importance import _checked, _completed, _full, _functions, _left_out, _surrogate_settings, _too_few
from .local import (
    AblationPath,
    QuantileImportance,
    configuration,
    quantile_importance,
    quantile_settings,
    top_count,
    walk,
)

__all__ = ["study_ablation", "study_partial_dependence", "study_quantile_importance"]


def study_partial_dependence(study: Study, names: Any, surrogate: str = "auto", *, objective: int | str | None = None,
                             step: int | None = None, n_samples: int = 64, seed: int = 0,
                             resolution: int | None = None, n_background: int = 256,
                             level: float = 0.9) -> PartialDependence:
    """Partial dependence of ``study``'s objective on one or two parameters, in its own units
    (an accuracy as an accuracy), with a band over :func:`surrogate_of`'s functions (a forest's
    on the completed trials only) of ``objective`` (as there; required for several).
    ``resolution``, ``n_background`` and ``level`` are those of
    :func:`~interactive_hpo.analysis.dependence.partial_dependence`; ``n_samples`` times
    ``n_background`` (the values of one call) and ``n_samples`` times the levels (the values
    kept) are at most 2**26 each. Trials below the full budget are left out (a forest's, see
    :func:`trial_data`; a GP's optimizer is not told them), with a warning that counts them."""
    owner = "study_partial_dependence"
    chosen = _surrogate_settings(study, surrogate, objective, step, n_samples, seed, owner, "study, names")
    grid = grid_settings(study.space, names, owner, resolution=resolution, n_background=n_background, level=level,
                         n_samples=chosen.n_samples)
    functions = _functions(study, chosen, owner)
    _left_out(study, chosen.step, owner)
    return averaged(functions, study.space, grid, chosen.seed, owner)


def study_quantile_importance(study: Study, *, objective: int | str | None = None, step: int | None = None,
                              quantile: float = 0.1, level: float = 0.9, n_boot: int = 200,
                              seed: int = 0) -> QuantileImportance:
    """:func:`~interactive_hpo.analysis.local.quantile_importance` (see it for ``quantile``,
    ``level``, ``n_boot`` and ``seed``) on ``study``'s completed trials (PRUNED ones and those
    below the full budget left out, with a warning that counts the latter; see
    :func:`trial_data`), of ``objective`` (its name or index; required for several)."""
    owner = "study_quantile_importance"
    objective, step = _checked(study, objective, step, owner)
    quantile, level, n_boot, seed = quantile_settings(quantile, level, n_boot, seed, owner, study.space.dim)
    X, losses = _completed(study, objective, step)
    _left_out(study, step, owner)
    if len(losses) < (needed := top_count(len(losses), quantile) + 2):
        raise _too_few(study, step, len(losses), f"at least {needed} completed trials",
                       f"for a top quantile of {quantile:g}", owner)
    return quantile_importance(study.space, X, losses, quantile=quantile, level=level, n_boot=n_boot, seed=seed)


def study_ablation(study: Study, start: Mapping[str, Any], end: Mapping[str, Any] | None = None,
                   surrogate: str = "auto", *, objective: int | str | None = None, step: int | None = None,
                   n_samples: int = 64, seed: int = 0) -> AblationPath:
    """The ablation path of ``study`` from ``start`` (a default configuration) to ``end`` (the
    incumbent), predicted by the mean of :func:`surrogate_of`'s functions (as there: the GP or a
    forest on the completed trials at the full budget, of ``objective``, at ``step``).

    :func:`~interactive_hpo.analysis.local.ablation_path` on that mean turned into a loss by the
    objective's direction (the surrogate predicts values: a maximized objective's mean, passed as
    it is, walked the path backwards, worst change first). ``path.losses`` are those losses and
    ``path.values`` the objective's values along the path; the shares are the same either way.

    Parameters
    ----------
    study : Study
    start : dict
        The configuration the path starts from, such as the library's defaults: the study does
        not know them, so there is no default.
    end : dict, optional
        Where it ends; by default the study's best trial (before ``step`` if given), as
        ``best_trial`` counts it. Required for a study of several objectives, which has no single
        best trial (``study.best_trials[0].params``, say).
    surrogate, objective, step, n_samples, seed
        As for :func:`surrogate_of` (``n_samples``: trees of a forest; a GP's mean takes none).

    Returns
    -------
    AblationPath

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> space = SearchSpace([Float("a", 0, 1), Float("b", 0, 1)])
    >>> study = Study(space, "sobol", direction="maximize", seed=0)
    >>> _ = study.run(lambda p: 3 * p["a"] + p["b"], n_trials=32)
    >>> path = study_ablation(study, {"a": 0, "b": 0}, surrogate="forest")
    >>> path.steps, bool(path.values[-1] > path.values[0])
    (('a', 'b'), True)
    """
    owner = "study_ablation"
    chosen = _surrogate_settings(study, surrogate, objective, step, n_samples, seed, owner, "study, start")
    current = configuration(study.space, start, "start", owner)
    target = None if end is None else configuration(study.space, end, "end", owner)
    if target is None and study.goals.multi:
        raise fail("end", owner, "a configuration (a dict of params) for a study of several objectives", end,
                   hint="Several objectives have no single best trial: choose one of study.best_trials, e.g. "
                        "end=study.best_trials[0].params.")
    # Fitted before the best trial is sought: too few trials before ``step`` is refused naming it
    # (the best trial's "no trial has completed yet" named neither step nor its value).
    functions = _functions(study, chosen, owner)
    if target is None:
        best = best_trial(study.goals, study.trials[:chosen.step], owner, _full(study, chosen.step))
        target = configuration(study.space, best.params, "end", owner)
    _left_out(study, chosen.step, owner)
    direction = study.goals.directions[chosen.objective]
    return walk(lambda X: direction.to_loss(functions.mean(X)), study.space, current, target, owner, direction)
