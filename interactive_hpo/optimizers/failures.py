"""Which failed trials a Gaussian process learns from: one rule, for the optimizers that fit one
(``bayes.training``) and the analyses that say what it read (``analysis.failed_learnt``).

A GP places a failure below the worst loss, to steer away from where failures happen (an invalid
combination, running out of memory). Not every failure is the configuration's doing: one cut
short (:attr:`~interactive_hpo.trial.Trial.cut_short`: a person's stop) tells nothing of it, and
one whose configuration also completed (run again after its process was killed, as a resumed
``HPOSearchCV`` does; an enqueued repeat of a flaky objective) evaluates, so the GP is fitted on
its value only, not on a value and a failure at one point. That holds whichever came first: the
rule is applied to the trials told when the GP's data are built, never as they arrive (the GP
had kept a failure that came after its configuration's value, and the analyses, which dropped
it, warned that a flat objective showed no effect while the GP read one).

Torch-free, so that the analyses count what a GP reads without importing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..trial import Trial, TrialState

__all__ = ["configuration", "fails", "fitted_failures", "unusable"]


def unusable(trial: Trial) -> bool:
    """Whether ``trial`` was PRUNED by its objective before it reported anything (``raise
    TrialPruned("invalid")`` for a configuration it refuses; ``pruned_by`` "objective", no
    intermediate value): its configuration cannot be evaluated, which the GP learns as a failure."""
    return (trial.state is TrialState.PRUNED and trial.user_attrs.get("pruned_by") == "objective"
            and not trial.intermediate_values)


def fails(trial: Trial) -> bool:
    """Whether a GP told ``trial`` without a loss learns it as a failure (if its configuration
    never completed: :func:`fitted_failures`): FAILED but not cut short, or :func:`unusable`."""
    return (trial.state is TrialState.FAILED and not trial.cut_short) or unusable(trial)


def configuration(params: Mapping[str, Any]) -> tuple:
    """A configuration as a key (its parameters, sorted by name), equal for equal ``params``."""
    return tuple(sorted(params.items()))


def fitted_failures(failed: Sequence[Mapping[str, Any]], completed: Iterable[tuple]) -> np.ndarray:
    """Which of the ``failed`` configurations (params of the trials that :func:`fails`, in the
    order told) a GP is fitted on, a mask of shape (f,): those whose configuration is none of
    ``completed`` (:func:`configuration` keys of the trials told with a loss), told before or
    after the failure."""
    done = set(completed)
    return np.array([configuration(params) not in done for params in failed], dtype=bool)
