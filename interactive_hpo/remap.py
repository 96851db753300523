"""Carry a study's trials over to an edited search space.

When the user narrows a bound, adds or removes a parameter, the trials that still fit the new
space are still evidence: they start the new study, and the ones that do not fit are listed
with the reason, so nothing is dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import InvalidParameterError
from .space import SearchSpace
from .study import Study
from .trial import TrialState

__all__ = ["Remapped", "remap_study"]


@dataclass(frozen=True)
class Remapped:
    """The outcome of :func:`remap_study`.

    Attributes
    ----------
    study : Study
        The new study, over the new space; carried trials come first, in their old order.
    kept : dict
        Old trial number -> new trial number.
    dropped : dict
        Old trial number -> why it does not fit the new space.
    """

    study: Study
    kept: dict[int, int]
    dropped: dict[int, str]


def remap_study(study: Study, space: SearchSpace, *, optimizer: str | None = None,
                optimizer_settings: Mapping[str, Any] | None = None,
                storage: str | os.PathLike[str] | None = None) -> Remapped:
    """A new study over ``space`` holding the completed trials of ``study`` that fit it.

    A trial fits when it has a value for every parameter of ``space`` and every value is valid
    there (inside the new bounds, one of the new choices). Parameters the new space no longer
    has are left out. Manual trials stay manual; the others get the source "carried". Their
    ``user_attrs`` say where they came from (``carried_from``: the old number, ``carried_source``)
    and nest the old attributes under ``carried_attrs``, where no optimizer mistakes another
    space's recorded state (a GP's hyperparameters) for its own. The optimizer is rebuilt by
    name (default: the study's current one, with its settings but a seed derived from the
    study's seed) and learns from the carried trials. ``storage`` journals the new study (a
    new file; the old study's journal is never touched).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> old = Study(SearchSpace([Float("x", -2, 2)]), "random", seed=0)
    >>> _ = old.run(lambda p: p["x"] ** 2, n_trials=10)
    >>> moved = remap_study(old, SearchSpace([Float("x", 0, 2)]))
    >>> len(moved.kept) + len(moved.dropped), all("outside" in why for why in moved.dropped.values())
    (10, True)
    """
    if optimizer is None:
        optimizer = study.optimizer.name
        settings = {k: v for k, v in study.optimizer.settings().items() if k != "seed"}
    else:
        settings = {}
    settings.update(optimizer_settings or {})
    new = Study(space, optimizer, direction=study.direction, seed=study.seed, optimizer_settings=settings,
                storage=storage)
    kept, dropped = {}, {}
    for trial in study.trials:
        if trial.state is not TrialState.COMPLETE or trial.value is None:
            dropped[trial.number] = f"not complete ({trial.state.value})"
            continue
        missing = [name for name in space.names if name not in trial.params]
        if missing:
            dropped[trial.number] = f"has no value for {', '.join(missing)}"
            continue
        params = {name: trial.params[name] for name in space.names}
        try:
            space.validate(params)
        except InvalidParameterError as error:
            dropped[trial.number] = f"outside the new space: {error}"
            continue
        source = "manual" if trial.source == "manual" else "carried"
        attrs = {"carried_from": trial.number, "carried_source": trial.source,
                 "carried_attrs": trial.to_json()["user_attrs"]}
        carried = new._add_completed(params, trial.value, source, attrs, "remap_study")
        kept[trial.number] = carried.number
    return Remapped(new, kept, dropped)
