"""What an optimizer can do beyond ask and tell, declared by the classes that can.

The Lab, steering and the curves ask ``isinstance(optimizer, Scheduler)``, never whether some
method happens to exist: a capability is a promise with a documented meaning, and a plug-in
optimizer makes it by inheriting the class (or with ``Scheduler.register(MyScheduler)``).

- :class:`ModelBased`: a fitted surrogate (``surrogate()``), a proposal from it on demand
  (``propose()``, with the same settings overrides) that the next ``ask`` returns, and the
  belief behind a past proposal (``restored_view``) for scrubbing through a study.
- :class:`ModelPerObjective`: a model-based optimizer of several objectives with a model of each
  (``surrogate(objective=i)``, ``restored_view(..., objective=i)``): which one to show is the
  caller's choice, so ``Study.surrogate`` asks for it.
- :class:`Scheduler`: multi-fidelity jobs at budgets up to ``max_budget``, a table of its rungs
  and a person's ``override`` ("promote" / "stop") of a finished trial.
- :class:`PopulationMethod`: a population and its search distribution (``population()``).
- :class:`MultiObjective`: serves a study of several objectives: it is told a loss per
  objective (an array of shape (m,)) instead of one float.
- :class:`WarmStartable`: learns from related studies' trials (``warm_start(sources)``, before
  its first ask), as :class:`~interactive_hpo.optimizers.warm_start.Source` data.
- :class:`LearnsFromForeignTrials`: learns from the trials it is told that it did not propose
  (manual ones, another optimizer's before a switch). Every ``ModelBased`` and
  ``PopulationMethod`` optimizer makes this promise: its surrogate or population is built from
  every trial told.
- :class:`ReissuesWaitingStep`: while it waits (``waiting``), the step it waits for may be
  evaluated again by another worker: ``IHPOSampler`` hands it to a second Optuna worker rather
  than a random point, which would move the optimizer there when told (a descent does).
- :class:`NeedsReportedGradients`: proposes from what the objective reports beside its value (a
  hypergradient in each trial's ``user_attrs``), not from scores alone: a search whose trials
  carry scores only (``HPOSearchCV``, ``nested_cv``) refuses it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from ..trial import Trial
    from ..views import PopulationSnapshot
    from .base import Suggestion
    from .warm_start import Source

__all__ = ["LearnsFromForeignTrials", "ModelBased", "ModelPerObjective", "MultiObjective", "NeedsReportedGradients",
           "PopulationMethod", "ReissuesWaitingStep", "Scheduler", "WarmStartable"]


class LearnsFromForeignTrials(ABC):  # noqa: B024 - a promise with no method of its own: what tell does
    """An optimizer whose proposals follow from every complete trial it is told, those it did not
    propose (manual, enqueued, another optimizer's before a switch) as well as its own: two
    histories that differ only in their losses lead it to different asks (the contract's rule
    ``foreign_losses_change_the_asks``)."""


class ModelBased(LearnsFromForeignTrials):
    """An optimizer whose proposals come from a surrogate model it can show."""

    @abstractmethod
    def surrogate(self, **overrides: Any) -> Any:
        """A snapshot of the belief behind the next proposal (None before the model is fitted);
        ``overrides`` are other settings for a what-if view, changing nothing."""

    @abstractmethod
    def propose(self, **overrides: Any) -> Suggestion:
        """The next proposal without asking it; without ``overrides`` the next ``ask`` returns it."""

    @abstractmethod
    def restored_view(self, info: Mapping[str, Any], proposal: np.ndarray | None) -> Any:
        """The belief behind a past proposal, rebuilt without a fit from the ``info`` recorded
        with it (its trial's attributes) and the trials this optimizer was told since."""


class ModelPerObjective(ModelBased):
    """A model-based optimizer of several objectives that keeps a model of each ("ehvi": a GP per
    objective) rather than one of a scalarization (ParEGO). Its ``surrogate(objective=i)`` and
    ``restored_view(info, proposal, objective=i)`` take the objective's index ``i``; none of them
    is "the" model, so ``Study.surrogate`` refuses to pick one for the caller."""


class Scheduler(ABC):
    """A multi-fidelity scheduler: jobs at budgets, rungs, and a person's overrides."""

    #: The full budget (what counts as a complete evaluation).
    max_budget: float
    #: The smallest budget a job may have (a study checks both against the objective's
    #: ``budget_range`` before the first trial); None: a scheduler that does not say (its
    #: smallest budget is not checked).
    min_budget: float | None = None

    @property
    def lowest_budget(self) -> float | None:
        """The budget of its cheapest job, which the study checks against the objective's
        ``budget_range``: ``min_budget``, unless its rungs start above it (off their ladder)."""
        return self.min_budget

    @abstractmethod
    def rung_table(self) -> list[dict[str, Any]]:
        """One row per rung: its budget, jobs, results and promotions, as plain data."""

    def check_override(self, trial: Trial, action: str) -> None:  # noqa: B027 - optional, by design
        """Raise HPOError if :meth:`override` cannot apply ``action`` to ``trial``, changing
        nothing: the study journals the override after this check and before the change."""

    @abstractmethod
    def override(self, trial: Trial, action: str) -> None:
        """A person's "promote" or "stop" of the finished ``trial``; raises HPOError when the
        scheduler cannot apply it (the study then records nothing)."""


class PopulationMethod(LearnsFromForeignTrials):
    """An optimizer that keeps a population and a search distribution."""

    @abstractmethod
    def population(self) -> PopulationSnapshot | None:
        """The current population, for plots."""


class MultiObjective(ABC):  # noqa: B024 - a promise with no method of its own: how tell reads its loss
    """An optimizer for studies of several objectives: ``tell(trial, losses)`` gets one loss per
    objective, an array of shape (m,), for a COMPLETE trial (None otherwise). Those that do not
    read losses at all (random, Sobol and grid search) serve any number of objectives as they are."""


class WarmStartable(ABC):
    """An optimizer that uses related studies' trials (its warm-start sources) as prior knowledge."""

    @abstractmethod
    def warm_start(self, sources: Sequence[Source]) -> None:
        """Take ``sources`` (related studies' completed trials, in this space's unit cube, as
        losses) before the first ask; their trials are not this study's and are never told.
        The optimizer's proposals stay a function of its settings, seed, sources and the trials
        it is told, so replays from a journal are exact."""


class ReissuesWaitingStep(ABC):  # noqa: B024 - a promise with no method of its own: what waiting means
    """An optimizer whose wait (``waiting``) is for its own latest step alone, which may be
    evaluated twice meanwhile: while it waits, ``own_pending[-1]`` is that step, and a second
    result for it, told as a trial of its own at that point after the first, is taken as any
    trial is (the contract's rule ``a_waiting_step_may_be_evaluated_twice``).

    ``IHPOSampler`` under Optuna's ``n_jobs > 1`` then gives a second worker that step again
    instead of a random point (told, a random point moved a descent there: 1 of 30 trials were
    the descent's). An optimizer that waits for something else must not declare it: successive
    halving waits for a rung's trials, and one handed out twice would be evaluated twice at a
    budget the rung counts once.
    """


class NeedsReportedGradients(ABC):  # noqa: B024 - a promise with no method of its own: what tell reads
    """An optimizer whose steps follow a gradient the objective reports with each value (in the
    trial's ``user_attrs``, as :class:`~interactive_hpo.gradient.BilevelObjective` does), not from
    scores alone: told scores only, it proposes one configuration over and over. The study tells
    it that gradient in loss units, as it tells the loss (``study.learnt.gradient_as_loss``); it
    minimizes, as every optimizer does, whichever way the study goes. A search that
    evaluates by cross-validation scores (``HPOSearchCV``, ``nested_cv``) refuses it up front,
    rather than warning once and evaluating its start at every trial."""
