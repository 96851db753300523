"""What the study tells an optimizer of a trial: a lower rung's result only to a scheduler.

A multi-fidelity scheduler (successive halving, Hyperband, ASHA) evaluates configurations at
growing budgets, and learns from every rung: its rungs are its model. Its lower rungs measure a
cheaper, biased objective (a few epochs, a subset of the data). An optimizer of full evaluations
(Bayesian optimization, ParEGO, EHVI, CMA-ES, ...) switched to after one, rebuilt from its
journal, or carrying a fork's trials, would take those losses for full-budget ones: its GP
models one function and has no budget input. The study tells it such a trial as what it is for
that optimizer, a configuration stopped before its full budget: PRUNED, with no loss, as a
person's Stop is told (its point still counts as tried; a GP does not fit it, nor take it for a
failure), and so is a lower rung's job a pruner stopped. ``best_trial`` and the analyses
(:func:`~interactive_hpo.analysis.trial_data`) leave these trials out for the same reason.

Measured (2 cores, 5 seeds): 40 Hyperband trials (budgets 1 to 27, one of them at 27) of a
2-D quadratic with its full-budget optimum at (0.7, 0.3), then 14 trials of "bo". Cheap budgets
pulled towards x = 0.15: the GP told every rung reached a best full-budget loss of 0.085 (median;
0.008-0.10), told the full-budget trials only 2e-6 (its initial design, then the GP). Cheap budgets
that rank alike, only 0.3 higher (fewer epochs): 0.029 against 1e-6, as the same configuration at
two budgets read as noise. A model with the budget as an input (BOHB's, a multi-fidelity GP) could
use them; this GP has none.

A FAILED trial is told as it is at any budget: the GP places failures below the worst loss to
steer away from where they happen, and most failures (an invalid combination, running out of
memory, a diverged fit) are the configuration's, not the budget's. One the cheap budget itself
caused (too few samples for the model at 1/27 of the data) does mark its region as failing; the
Importance tab's caption counts the failed trials a GP read.

The study's own call sites tell through :func:`tell`; :func:`not_learnt` counts the trials an
optimizer does not learn from, which :func:`warn_not_learnt` says, as the analyses say theirs.

A gradient the objective reported (``user_attrs["hypergradient"]``, of the value) is told to an
optimizer that steps along it (:class:`~interactive_hpo.optimizers.capabilities.NeedsReportedGradients`)
in loss units, as the value is: negated when the study maximizes. The trial keeps the objective's
own, so a journal (of any version) replays to the same steps. The descent used to guess the
direction from the value and the loss, and took a value of 0 for a minimization (review a380: a
maximization started at a value of 0 stepped the wrong way).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping

import numpy as np

from .._validation import as_finite, warn_user
from ..direction import Direction
from ..goals import Goals
from ..optimizers.base import Optimizer
from ..optimizers.capabilities import NeedsReportedGradients, Scheduler
from ..optimizers.hypergradient import GRADIENT_ATTR
from ..trial import Trial, TrialState
from .results import at_full_budget, loss_of

__all__ = ["as_told", "gradient_as_loss", "learns", "not_learnt", "tell", "warn_not_learnt", "warn_short_of_full"]


def learns(optimizer: Optimizer, trial: Trial, full_budget: float) -> bool:
    """Whether ``optimizer`` learns ``trial``'s loss as it is: a scheduler learns every rung, and
    any optimizer the budgets it chose itself (a multi-fidelity method of one's own need not be a
    :class:`~interactive_hpo.optimizers.capabilities.Scheduler`: its ``Suggestion`` carries the
    budget); another optimizer every trial but a COMPLETE one below ``full_budget`` (the study's
    :attr:`~interactive_hpo.study.Study.full_budget`)."""
    return trial.state is not TrialState.COMPLETE or _at_its_budget(optimizer, trial, full_budget)


def _at_its_budget(optimizer: Optimizer, trial: Trial, full_budget: float) -> bool:
    """Whether ``trial``'s values measure what ``optimizer`` models (:func:`learns`, whatever the state)."""
    return isinstance(optimizer, Scheduler) or trial.source == optimizer.name or at_full_budget(trial, full_budget)


def as_told(goals: Goals, trial: Trial, optimizer: Optimizer, full_budget: float
         ) -> tuple[Trial, float | np.ndarray | None]:
    """What the study tells ``optimizer`` of ``trial``: the trial and its loss
    (:func:`~.results.loss_of`), or, for a result below ``full_budget`` that it does not learn
    (:func:`learns`), the trial as PRUNED (its last value kept as a pruned trial's, no values of
    several objectives) with no loss. An optimizer that :attr:`~.Optimizer.ranks_pruned` (a
    scheduler, Bayesian optimization) is told the value of a trial its pruner or its objective
    pruned as its loss, if that value measures what it models (a scheduler's every rung, else the
    full budget: a scheduler's job pruned in a lower rung keeps no loss for a GP, as its completed
    ones); one a person stopped (``Study.stop``) keeps no loss: "no further" is the person's verdict on it.
    An optimizer that :class:`NeedsReportedGradients` is told the trial's gradient in loss units
    (:func:`gradient_as_loss`)."""
    if isinstance(optimizer, NeedsReportedGradients):
        trial = gradient_as_loss(goals, trial)
    if learns(optimizer, trial, full_budget):
        # A person's stop ranked by its last report was promoted by the scheduler (r348).
        if optimizer.ranks_pruned and trial.state is TrialState.PRUNED and trial.value is not None \
                and math.isfinite(trial.value) and not goals.multi and trial.user_attrs.get("pruned_by") != "human" \
                and _at_its_budget(optimizer, trial, full_budget):
            # Its rung ranks it by its last report: a job pruned at its last (at budget 1, its only
            # one: 10 of 40 Hyperband jobs beside the median rule) had been thrown away as inf.
            return trial, float(goals.losses((trial.value,))[0])
        return trial, loss_of(goals, trial)
    return dataclasses.replace(trial, state=TrialState.PRUNED, values=None), None


def gradient_as_loss(goals: Goals, trial: Trial) -> Trial:
    """``trial`` with the gradient its objective reported of the value (``user_attrs[GRADIENT_ATTR]``,
    ``{name: d value / d ln(param)}``) turned into the gradient of the loss, as the value is turned
    into the loss: each finite entry negated when the study maximizes. Entries that are no finite
    number stay as they are (the optimizer counts them as 0 and warns of them); so does a trial of
    a study that minimizes, or of several objectives (a descent serves one)."""
    gradient = trial.user_attrs.get(GRADIENT_ATTR)
    direction = goals.directions[0]
    if goals.multi or not isinstance(gradient, Mapping) or direction is Direction.MINIMIZE:
        return trial
    turned = {name: g if as_finite(g) is None else direction.to_loss(g) for name, g in gradient.items()}
    return dataclasses.replace(trial, user_attrs={**trial.user_attrs, GRADIENT_ATTR: turned})


def tell(optimizer: Optimizer, goals: Goals, trial: Trial, full_budget: float) -> None:
    """Tell ``optimizer`` ``trial`` as :func:`as_told` converts it."""
    optimizer.tell(*as_told(goals, trial, optimizer, full_budget))


def not_learnt(trials: Iterable[Trial], optimizer: Optimizer, full_budget: float) -> int:
    """How many of ``trials`` ``optimizer`` does not learn from (:func:`learns`): COMPLETE trials
    below ``full_budget``, for an optimizer that is not a scheduler."""
    return sum(not learns(optimizer, trial, full_budget) for trial in trials)


def warn_not_learnt(trials: Iterable[Trial], optimizer: Optimizer, full_budget: float, owner: str) -> int:
    """Warn, in the words of ``owner`` (the method the person called), of the completed trials
    below the full budget that ``optimizer`` does not learn from, as the analyses warn of those
    they leave out; return their count (0: no warning)."""
    count = not_learnt(trials, optimizer, full_budget)
    if count:
        warn_user(f"{owner}: {count} completed trial(s) ran below the full budget ({full_budget:g}); "
                  f"{optimizer.name!r} does not learn from them (told as pruned), as best_trial leaves them out: "
                  "a scheduler's lower rungs measure a cheaper, biased objective, which its model would take "
                  "for the full one.", UserWarning)
    return count



def warn_short_of_full(optimizer: Optimizer, full_budget: float, owner: str) -> bool:
    """Warn, in the words of ``owner``, when ``optimizer`` is a scheduler whose top rung is below
    ``full_budget`` (an earlier scheduler's larger ``max_budget``): none of its trials would count
    as a full evaluation, for best_trial, the analyses or an optimizer switched to later (a GP
    would be told none of them). Return whether it warned."""
    if not isinstance(optimizer, Scheduler) or float(optimizer.max_budget) >= full_budget:
        return False
    warn_user(f"{owner}: {optimizer.name!r}'s max_budget {float(optimizer.max_budget):g} is below the study's full "
              f"budget, {full_budget:g} (an earlier scheduler's): its top rung is no full evaluation, so best_trial, "
              "the analyses and an optimizer switched to later leave its trials out. Give it "
              f"max_budget={full_budget:g} to count them.", UserWarning)
    return True
