"""The arguments :class:`~interactive_hpo.model_selection.search_cv.HPOSearchCV` and
:func:`~interactive_hpo.model_selection.nested.nested_cv` check the same way: the model (the
estimator, the space over its parameters, the scoring), the optimizer with its settings, and
that y is given to an estimator fitted on it. Both refuse them before the first trial, in the
name of the function the person called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._validation import fail
from ..exceptions import InvalidParameterError
from ..objectives.sklearn_checks import check_estimator, check_space, make_scorer
from ..optimizers.capabilities import MultiObjective, NeedsReportedGradients
from ..optimizers.multifidelity.halving import HalvingScheduler
from ..optimizers.registry import available_optimizers, check_settings, optimizer_class, optimizers_serving_several
from ..space import SearchSpace
from .scoring import several_scorers

__all__ = ["MAX_SEED", "check_model", "check_optimizer", "check_targets_given"]

MAX_SEED = 2**31 - 1  # scikit-learn's random_state must fit in 32 bits


def check_model(estimator: Any, space: Any, scoring: Any, owner: str, name: str = "estimator",
                estimator_params: Any = None) -> tuple[SearchSpace, Any]:
    """Check the estimator, that ``space`` names its parameters (or those ``estimator_params``
    makes) with values they take, and ``scoring``: each scorer must be able to score the
    estimator at some value of the space, or every trial would fail. Return (space, scorer),
    the scorer a dict by name when ``scoring`` names several."""
    check_estimator(estimator, owner, name)
    space = check_space(space, estimator, owner, estimator_params)
    scorers = several_scorers(estimator, scoring, owner, space, estimator_params)
    return space, make_scorer(estimator, scoring, owner, space, estimator_params) if scorers is None else scorers


def check_optimizer(optimizer: Any, settings: Any, space: SearchSpace, owner: str, several: bool = False) -> type[Any]:
    """The class of the optimizer named, once the name and its settings are valid for a search
    over ``space`` (their values too: the study that takes them is built only later, by ``fit``
    and in each outer fold, where the optimizer's own error would name neither the argument nor
    ``owner``), and, when ``several`` scorers are traded off, it serves several objectives."""
    if not isinstance(optimizer, str):
        raise fail("optimizer", owner, f"a registered optimizer name (one of {available_optimizers()})", optimizer,
                   hint="Each search builds its own optimizer, so pass a name, not an instance.")
    if settings is not None and not isinstance(settings, Mapping):
        raise fail("optimizer_settings", owner, "a dict or None", settings)
    # An unknown name or setting gets the registry's error, in the caller's words.
    cls = check_settings(optimizer, settings or {}, argument="optimizer", settings_argument="optimizer_settings",
                         owner=owner, seed_apart=True)
    if issubclass(cls, HalvingScheduler):
        raise fail("optimizer", owner, "an optimizer that evaluates every trial on the full data", optimizer,
                   hint="Successive halving, Hyperband and ASHA compare configurations at smaller budgets, "
                        "which this cross-validation does not take; try 'bo', 'random' or 'sobol'.")
    if issubclass(cls, NeedsReportedGradients):
        raise fail("optimizer", owner, "an optimizer that proposes from scores alone", optimizer,
                   hint=f"{cls.__name__} steps along a gradient the objective reports with each value, and "
                        "cross-validation reports scores only: it would evaluate one configuration at every trial. "
                        "Try 'bo', 'random' or 'sobol'; for hypergradients, run a Study on a "
                        "interactive_hpo.gradient.BilevelObjective.")
    if several and not issubclass(cls, MultiObjective):
        serving = [name for name in optimizers_serving_several()
                   if not issubclass(optimizer_class(name), HalvingScheduler)]  # refused above
        raise fail("optimizer", owner, "an optimizer that serves several objectives when scoring names several",
                   optimizer, hint=f"The search trades the scores off: use one of {serving}, or pass one scorer.")
    try:  # built and dropped: an optimizer fits nothing when built (well under a millisecond)
        cls(space, **{"seed": 0, **(settings or {})})
    except InvalidParameterError as error:
        raise fail("optimizer_settings", owner, f"settings that {cls.__name__} ({optimizer!r}) takes", settings,
                   hint=str(error)) from None
    return cls


def check_targets_given(estimator: Any, y: Any, owner: str, hint: str | None = None) -> None:
    """Refuse ``y`` None for an estimator fitted on y (its target tag says so, or it is a classifier
    or a regressor: a Pipeline ending in a regressor does not tag y as required, and every trial's
    fit failed without it, then the search with "every trial failed"). ``hint``: what to do
    instead, where the default (which estimators take no y) is not the way out."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils import get_tags

    if y is None and (get_tags(estimator).target_tags.required or is_classifier(estimator) or is_regressor(estimator)):
        raise fail("y", owner, f"the targets, of shape (n_samples,), that {type(estimator).__name__} is fitted on",
                   None, hint=hint or "Only an estimator that takes no y (GaussianMixture, KMeans) is fitted on "
                                      "X alone.")
