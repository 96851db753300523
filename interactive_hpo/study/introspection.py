"""Reading a study: its trials as arrays, and what its optimizer believed at any step.

:class:`Introspection` is the part of :class:`~interactive_hpo.study.Study` that only reads:
``history()`` for plots (one objective's, ``objective=``, when there are several),
``surrogate()`` and ``population()`` for the model or the population now or at a past step
(rebuilt from the journal's events, never refitted), ``finished_before()``, the data a past
proposal was made from, and the trials, the best ones, the finish order and the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._validation import fail
from ..direction import Direction
from ..goals import Goals, feasible_mask
from ..optimizers.capabilities import ModelBased, ModelPerObjective
from ..optimizers.registry import optimizers_declaring
from ..trial import Trial, TrialState
from ..views import History
from .dataframe import ATTRS, trials_dataframe
from .past import context_of, model_behind, past_population, past_surrogate
from .results import at_full_budget, best_trials, full_budget_of

if TYPE_CHECKING:
    from ..optimizers.base import Optimizer
    from ..space import SearchSpace
    from .core import Study
    from .state import StudyState

__all__ = ["Introspection"]


class Introspection:
    """Read-only views of a study; mixed into :class:`~interactive_hpo.study.Study`."""

    # Provided by Study.
    _state: StudyState
    space: SearchSpace
    goals: Goals

    optimizer: Optimizer
    _number: Callable[..., int]

    @property
    def trials(self) -> list[Trial]:
        """Every trial, in number order (a copy: trials are frozen, the list is yours)."""
        return list(self._state.trials)

    @property
    def direction(self) -> Direction:
        """Whether lower or higher values are better, for a study of one objective (see
        :attr:`goals` for several)."""
        return self.goals.single("Study.direction", hint="Read study.directions, one per objective.")

    @property
    def directions(self) -> tuple[Direction, ...]:
        """One :class:`~interactive_hpo.direction.Direction` per objective."""
        return self.goals.directions

    @property
    def best_trial(self) -> Trial:
        """The feasible COMPLETE trial at the full budget (:attr:`full_budget`) with the best
        value (the first one on ties); one objective only (several: :attr:`best_trials`). Once
        any trial carries constraints, a trial without them is of unknown feasibility and never
        the best (:func:`~interactive_hpo.goals.counts_as_feasible`), as for the optimizer."""
        return self._state.best_trial(self.goals, self.full_budget)

    @property
    def best_trials(self) -> list[Trial]:
        """The Pareto set: feasible COMPLETE trials at the full budget that no other such trial
        beats in every objective, in number order (one objective: ``[best_trial]``, or [] before one).
        Feasible as for :attr:`best_trial`: with constraints, a trial without them is not."""
        return best_trials(self.goals, self._state.trials, self.full_budget)

    @property
    def best_value(self) -> float:
        """The value of :attr:`best_trial`."""
        # Its own name in a refusal (several objectives): the person read best_value, not best_trial.
        return float(self._state.best_trial(self.goals, self.full_budget, "Study.best_value").value)  # type: ignore[arg-type]

    @property
    def best_params(self) -> dict[str, Any]:
        """The params of :attr:`best_trial` (a copy): Optuna's ``study.best_params``."""
        return dict(self._state.best_trial(self.goals, self.full_budget, "Study.best_params").params)

    @property
    def finish_order(self) -> list[int]:
        """Numbers of the finished trials, in the order they finished (the order optimizers learnt them)."""
        return list(self._state.finish_order)

    @property
    def queued(self) -> list[dict[str, Any]]:
        """Params enqueued and not yet asked, in the order they will be evaluated."""
        return [dict(p) for p in self._state.queue]

    @property
    def full_budget(self) -> float:
        """What counts as a full evaluation: the largest ``max_budget`` of the schedulers the study
        has had (the one in charge, or one before a switch, or the study a branch's trials were
        carried from), else 1 (an objective's budgets are in (0, 1], and 1 is what no budget gives). :attr:`best_trial`,
        :attr:`best_trials` and ``history().best_values`` count trials at this budget (or without
        one) only: a scheduler's lower rungs measure a cheaper, biased objective."""
        return full_budget_of(self.optimizer, self._state.largest_budget)

    def finished_before(self, step: int) -> list[int]:
        """Numbers of the trials that had finished when trial ``step`` was asked, in finishing
        order: the data the optimizer had for that proposal."""
        return context_of(self._state, self._number(step, "Study.finished_before", "step"))[1]

    def history(self, objective: int | str | None = None) -> History:
        """The trials as plain arrays for plots (see :class:`~interactive_hpo.views.History`).

        Parameters
        ----------
        objective : int or str, optional
            Which objective: its index or its name in :attr:`goals` (``study.goals.names``).
            Required for a study of several objectives, where each has its own values and
            direction; for one objective, None, 0 and its name are the same.

        Returns
        -------
        History
            n = the number of trials. ``values``, shape (n,), are the objective's values (NaN
            where the trial is not COMPLETE), ``losses`` the same in its direction's losses;
            ``best_values``, shape (n,), the running best among **feasible** COMPLETE trials at
            the full budget (NaN before the first), so it agrees with ``best_trial``: an
            infeasible trial (or one without constraints in a study with some), or a scheduler's
            job at a lower budget, keeps its value but is never the best. ``direction`` is that objective's.
        """
        index = self.goals.index_of(objective, "Study.history", "history(objective={})")
        trials = list(self._state.trials)  # one copy: another thread's ask grew it between two arrays
        n = len(trials)
        values = np.full(n, np.nan)
        counted = np.zeros(n, dtype=bool)  # may be the best: feasible, at the full budget
        full_budget, feasible = self.full_budget, feasible_mask(trials)
        for i, t in enumerate(trials):
            found = self.goals.values_of(t) if t.state is TrialState.COMPLETE else None
            if found is not None:
                values[i], counted[i] = found[index], feasible[i] and at_full_budget(t, full_budget)
        direction = self.goals.directions[index]
        X = np.array([t.x for t in trials]).reshape(n, self.space.dim)
        return History(
            numbers=np.arange(n),
            values=values,
            losses=direction.to_loss(values),
            best_values=direction.running_best(np.where(counted, values, np.nan)),
            states=np.array([t.state.value for t in trials], dtype=object),
            sources=np.array([t.source for t in trials], dtype=object),
            X=X,
            budgets=np.array([np.nan if t.budget is None else t.budget for t in trials], dtype=float),
            direction=direction,
            active=self.space.conditions.active_mask(X) if self.space.conditional else None,
        )

    def trials_dataframe(self, attrs: Sequence[str] = ATTRS, multi_index: bool = False) -> Any:
        """The trials as a pandas DataFrame with Optuna's column names (``number``, ``value``,
        ``params_<name>``, ``user_attrs_<name>``, ``state``, ...), so analysis code written for
        Optuna runs on our studies (see :mod:`~interactive_hpo.study.dataframe`)."""
        return trials_dataframe(cast("Study", self), attrs, multi_index)

    def surrogate(self, step: int | None = None, **overrides: Any) -> Any:
        """What the model believes, in this study's objective units; None for model-free optimizers.
        For several objectives, the loss the model is fitted on (ParEGO: the scalarization of
        the proposal at hand), or with ``objective=`` (an objective's name or index, as for
        :meth:`history`; "ehvi", a model per objective, requires it) that objective's model in
        its own units (an accuracy as an accuracy).

        Parameters
        ----------
        step : int, optional
            A trial number: the belief that proposed that trial, rebuilt from the trials finished
            before it was asked and the hyperparameters recorded with it (no refit, so scrubbing
            through a long study is cheap). Default: the current belief.
        **overrides
            Other optimizer settings for a what-if view (``acquisition="ucb", beta=4``); only
            for the current belief. Nothing changes in the optimizer or the study. Several
            objectives by "ehvi" (one GP each): ``objective=`` picks the belief about that
            objective, now or at a ``step`` (the only option a past step takes). Without it, the
            belief of a model per objective (:class:`~interactive_hpo.optimizers.capabilities.ModelPerObjective`)
            is refused, as ``history()`` refuses to pick one objective of several.
        """
        if step is None:
            if overrides and not isinstance(self.optimizer, ModelBased):  # Python's "unexpected keyword" before
                name = sorted(overrides)[0]
                raise fail(name, "Study.surrogate", "given only for an optimizer with a model (what-ifs change its "
                           "settings)", overrides[name], hint=f"{self.optimizer.name!r} keeps no model: its surrogate "
                                                              "is None.")
            self._read_objective(None, overrides)
            view = self.optimizer.surrogate(**overrides) if overrides else self.optimizer.surrogate()
        else:
            number = self._number(step, "Study.surrogate", "step")
            what_if = sorted(set(overrides) - {"objective"})
            if what_if:
                raise fail(what_if[0], "Study.surrogate", "given without `step` (what-ifs are about the present)",
                           overrides[what_if[0]])
            self._read_objective(number, overrides)
            view = past_surrogate(cast("Study", self), number, **overrides)
        if view is None:
            return view
        if not self.goals.multi:
            return view.in_direction(self.direction)
        # Several: one objective's model (its index read above), else the scalarized loss.
        objective = overrides.get("objective")
        return view if objective is None else view.in_direction(self.goals.directions[objective])

    def _read_objective(self, number: int | None, overrides: dict[str, Any]) -> None:
        """Put the index of ``overrides["objective"]`` (a name or an index) in its place for a belief
        of a model per objective, which requires one (the belief now, or that behind trial ``number``
        if a model proposed it); refuse a bad one, and one for the present model of another kind (a
        past step's is refused by :func:`~.replay.past_surrogate`, in the same words)."""
        if not self.goals.multi:
            return
        if number is None:
            per_objective = isinstance(self.optimizer, ModelPerObjective)
            if not per_objective and "objective" in overrides:  # its optimizer named its own settings instead
                raise fail("objective", "Study.surrogate", f"given only for a model that takes it "
                           f"({self.optimizer.name!r}, the study's optimizer now, does not)", overrides["objective"],
                           hint=f"These keep a model per objective: {optimizers_declaring(ModelPerObjective)}; "
                                "study.history(objective=...) shows one objective's values.")
        else:  # the model that proposed it; a trial no model proposed: past_surrogate says so
            model = model_behind(self._state, number)
            per_objective = model is not None and issubclass(model, ModelPerObjective)
        if per_objective or overrides.get("objective") is not None:
            index = self.goals.index_of(overrides.get("objective"), "Study.surrogate", "surrogate(objective={})")
            if per_objective:
                overrides["objective"] = index

    def population(self, step: int | None = None) -> Any:
        """The population of a population optimizer (a ``PopulationSnapshot``), or None.

        ``step``: the population when trial ``step`` was asked (rebuilt from the trials finished
        before it; nothing is refitted). Default: the current one. In a conditional space its
        ``active`` says which parameters each member has (``X`` holds the optimizer's placeholder
        where one is inactive): ``plots.plot_population`` leaves those members off.
        """
        snapshot = self.optimizer.population() if step is None else \
            past_population(cast("Study", self), self._number(step, "Study.population", "step"))
        if snapshot is None or not self.space.conditional:
            return snapshot
        return snapshot.with_active(self.space.conditions.active_mask)
