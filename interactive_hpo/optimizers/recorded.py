"""What a journal recorded for an optimizer: the settings it is built from, and a fit's state.

Whether an optimizer is being built from settings a journal recorded, not typed by a person now:
a rule a later version adds to an optimizer's settings refuses what a person types; a journal an
earlier version wrote, which that version accepted, still opens: an optimizer reads
:func:`from_recorded_settings` and warns instead (a scheduler with one rung, refused since
2026-12-07, loaded as "corrupted or edited by hand"). The study's replay builds its optimizers
:func:`recorded` (``study.replay``).

What a GP fit's recorded state is (:func:`is_state`): the journal's reader
(``study.trial_fields``) refuses a proposal record that breaks it, and the Bayesian optimizer
warm-starts from and rebuilds only a record that keeps it (``bayes.warm_fit``, ``bayes.optimizer``).
One rule, here, where both can read it without loading torch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .._validation import as_finite

__all__ = ["from_recorded_settings", "is_state", "recorded"]

_RECORDED: ContextVar[bool] = ContextVar("interactive_hpo_recorded_settings", default=False)


@contextmanager
def recorded() -> Iterator[None]:
    """Within it, optimizers are built from settings a journal recorded."""
    token = _RECORDED.set(True)
    try:
        yield
    finally:
        _RECORDED.reset(token)


def from_recorded_settings() -> bool:
    """Whether the optimizer being built takes settings a journal recorded (:func:`recorded`)."""
    return _RECORDED.get()


def is_state(value: Any) -> bool:
    """Whether ``value`` is raw GP hyperparameters as a fit records them (``FittedGP.state``): a
    dict of names to lists of finite numbers. Two copies of this rule disagreed: a journal whose
    record held 10**400 loaded, and ``Study.surrogate(step=...)`` then refused it."""
    return isinstance(value, Mapping) and all(
        isinstance(name, str) and isinstance(values, (list, tuple)) and all(as_finite(v) is not None for v in values)
        for name, values in value.items())
