"""Pruners: stop a running trial early when what it reported so far looks hopeless.

An objective reports intermediate values (a learning curve) through the ``report`` callable
the study hands it (or :meth:`Study.report` in an ask/tell loop). After each report the
study asks its pruner for a :class:`PruneDecision`; a trial that is pruned ends PRUNED and
keeps everything it reported. Pruners are plain, numpy-free rules over the study's trials,
so they live beside the study in the core.
"""

from __future__ import annotations

import math
import statistics
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .._validation import check_int, fail
from ..direction import Direction
from ..trial import Trial, TrialState

if TYPE_CHECKING:
    from ..goals import Goals

__all__ = ["Pruner", "PruneDecision", "MedianStoppingRule", "make_pruner", "pruner_spec"]


@dataclass(frozen=True)
class PruneDecision:
    """What a pruner concluded about one report.

    Attributes
    ----------
    prune : bool
        True to stop the trial now.
    reason : str
        A sentence a person can read ("loss 0.31 at step 4 is worse than the median 0.22 of 6
        completed trials").
    """

    prune: bool
    reason: str


class Pruner(ABC):
    """Base class of pruners: a rule deciding, after each report, whether a trial goes on.

    Subclasses store each ``__init__`` argument under an attribute of the same name (that is
    how the journal records and rebuilds them) and implement :meth:`decide`.
    """

    #: The registry name (recorded in the journal).
    name: ClassVar[str]

    @abstractmethod
    def decide(self, trial: Trial, step: float, trials: Sequence[Trial], direction: Direction) -> PruneDecision:
        """Decide about ``trial`` right after it reported at ``step``.

        Parameters
        ----------
        trial : Trial
            The RUNNING trial, its new report included in ``trial.intermediate_values``.
        step : float
            The step just reported.
        trials : sequence of Trial
            Every trial of the study (finished and running), in number order.
        direction : Direction
            The study's: ``direction.to_loss(value)`` is what to compare (lower is better).
        """

    def settings(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this pruner."""
        return dict(vars(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


class MedianStoppingRule(Pruner):
    """Prune a trial whose value at a step is worse than the median of completed trials there.

    The rule of Google Vizier (Golovin et al., 2017) in the per-step form Optuna's
    ``MedianPruner`` uses: at step ``s``, compare the trial's reported loss with the median
    loss at ``s`` of the COMPLETE trials that reported at ``s``. Pruned trials are left out
    of the median, as in Vizier: a median over survivors only is the stricter bar.
    A non-finite report (a diverged run) is pruned at once.

    Parameters
    ----------
    n_startup_trials : int, default=5
        Never prune before this many trials have completed (the median needs a sample).
    n_warmup_steps : int, default=0
        Never prune at steps below this (early learning curves cross a lot).
    n_min_trials : int, default=1
        Never prune at a step fewer than this many completed trials reported at.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> def curve(params, *, report):
    ...     for epoch in range(10):
    ...         loss = params["lr"] + 1 / (epoch + 1)
    ...         report(loss, epoch)      # raises TrialPruned when the rule says stop
    ...     return loss
    >>> study = Study(SearchSpace([Float("lr", 0, 1)]), seed=0, pruner=MedianStoppingRule(n_startup_trials=3))
    >>> _ = study.run(curve, n_trials=20)
    >>> sum(t.state.value == "PRUNED" for t in study.trials) > 5
    True
    """

    name = "median"

    def __init__(self, n_startup_trials: int = 5, n_warmup_steps: int = 0, n_min_trials: int = 1):
        self.n_startup_trials = check_int(n_startup_trials, "n_startup_trials", "MedianStoppingRule", 0)
        self.n_warmup_steps = check_int(n_warmup_steps, "n_warmup_steps", "MedianStoppingRule", 0)
        self.n_min_trials = check_int(n_min_trials, "n_min_trials", "MedianStoppingRule", 1)

    def decide(self, trial: Trial, step: float, trials: Sequence[Trial], direction: Direction) -> PruneDecision:
        complete = [t for t in trials if t.state is TrialState.COMPLETE]
        if len(complete) < self.n_startup_trials:
            return PruneDecision(False, f"only {len(complete)} of n_startup_trials={self.n_startup_trials} "
                                        "trials have completed")
        if step < self.n_warmup_steps:
            return PruneDecision(False, f"step {step} is in the warm-up (n_warmup_steps={self.n_warmup_steps})")
        loss = _loss(trial.intermediate_values[step], direction)
        if math.isinf(loss):
            return PruneDecision(True, f"the value reported at step {step} is not finite")
        peers = [_loss(t.intermediate_values[step], direction) for t in complete if step in t.intermediate_values]
        if len(peers) < self.n_min_trials:
            return PruneDecision(False, f"{len(peers)} completed trials reported at step {step}; "
                                        f"n_min_trials={self.n_min_trials}")
        median = statistics.median(peers)
        verdict = "worse than" if loss > median else "no worse than"
        # Said in the objective's own units, as the user reads their curves.
        return PruneDecision(loss > median, f"value {direction.to_value(loss):.4g} at step {step} is {verdict} the "
                                            f"median {direction.to_value(median):.4g} of {len(peers)} completed trials")


def _loss(value: float, direction: Direction) -> float:
    """A reported value as a loss; NaN (a diverged run) is the worst loss there is."""
    return math.inf if not math.isfinite(value) else direction.to_loss(value)


_PRUNERS: dict[str, type[Pruner]] = {MedianStoppingRule.name: MedianStoppingRule}


def pruner_spec(pruner: Pruner | None) -> dict[str, Any] | None:
    """What the journal records of a pruner: its name and settings (None for no pruner)."""
    return None if pruner is None else {"name": pruner.name, "settings": pruner.settings()}


def make_pruner(spec: Any, goals: Goals, owner: str = "Study") -> Pruner | None:
    """A pruner from an instance, a registered name, a :func:`pruner_spec` dict, or None, for a
    study of ``goals``: one objective only, since a pruner compares reports in one direction."""
    if spec is None:
        return None
    if isinstance(spec, Pruner):
        pruner = spec
    elif isinstance(spec, str) and spec in _PRUNERS:
        pruner = _PRUNERS[spec]()
    elif isinstance(spec, dict) and spec.get("name") in _PRUNERS:
        pruner = _PRUNERS[spec["name"]](**spec.get("settings", {}))
    else:
        raise fail("pruner", owner, f"a Pruner, one of {sorted(_PRUNERS)}, or None", spec)
    if goals.multi:
        raise fail("pruner", owner, f"None for a study of several objectives ({goals.describe()})", spec,
                   hint="A pruner compares one objective's reports along its direction. Reports are still "
                        "recorded, and study.stop(trial) stops a running trial by hand.")
    return pruner
