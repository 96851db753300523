"""The user's own trials: configurations evaluated outside the ask/tell loop, and their undo;
mixed into :class:`~interactive_hpo.study.Study`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, cast

from .._validation import fail
from ..goals import Goals, read_constraints
from ..optimizers.base import Optimizer
from ..outcome import Measured, call_objective
from ..space import SearchSpace
from ..trial import Trial, TrialState, check_attrs
from .replay import tell_history
from .results import finished_fields
from .state import StudyState

__all__ = ["OwnTrials"]


class OwnTrials:
    """``add_manual``, ``add_evaluated``, ``add_completed`` and ``undo_manual``."""

    # Provided by Study.
    _state: StudyState
    space: SearchSpace
    goals: Goals
    optimizer: Optimizer
    _record: Callable[[dict[str, Any]], None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _notify: Callable[[str, Trial | None], None]
    _check_objective: Callable[[Any, str], None]
    _loss: Callable[[Trial], Any]

    def add_manual(self, params: Mapping[str, Any], value: Any, *, user_attrs: Mapping[str, Any] | None = None,
                   constraints: Sequence[float] | None = None) -> Trial:
        """Record a configuration the user evaluated themselves (``value`` as in :meth:`tell`);
        optimizers learn from it."""
        return self.add_completed(params, value, source="manual", user_attrs=user_attrs, owner="Study.add_manual",
                                  constraints=constraints)

    def add_evaluated(self, params: Mapping[str, Any], objective: Callable[..., Any], *,
                      user_attrs: Mapping[str, Any] | None = None, owner: str = "Study.add_evaluated") -> Trial:
        """Evaluate your configuration ``params`` with ``objective`` now and record it as a manual trial.

        What the Lab's "evaluate" and a race's own lane do. If the objective raises or gives
        no finite value, nothing is recorded and the error (naming ``owner``) says why.
        """
        self._check_objective(objective, owner)
        params = self.space.validate(params)
        outcome = call_objective(objective, params)
        if outcome.state is not TrialState.COMPLETE:
            raise fail("params", owner, "a configuration the objective can evaluate", params,
                       hint=f"The objective gave {outcome.user_attrs.get('error')}; no trial was recorded.")
        result = outcome.value if isinstance(outcome.value, Measured) else Measured(cast(float, outcome.value), None)
        return self.add_completed(params, result.values, source="manual", owner=owner,
                                  user_attrs={**outcome.user_attrs, **dict(user_attrs or {})},
                                  constraints=result.constraints)

    def add_completed(self, params: Mapping[str, Any], value: Any, *, source: str,
                      user_attrs: Mapping[str, Any] | None = None, owner: str = "Study.add_completed",
                      constraints: Sequence[float] | None = None) -> Trial:
        """Record a COMPLETE trial evaluated outside this study's ask/tell loop and return it.

        Parameters
        ----------
        params : mapping
            A configuration of the study's space.
        value : float or several
            Its objective value (finite; several objectives: a tuple in the study's order, or
            a dict by name).
        source : str
            Who evaluated it: "manual" for a person (:meth:`add_manual`; only those can be
            undone), or where it was carried over from (``remap_study`` uses "remapped:...").
        user_attrs : dict, optional
            JSON details to keep.
        owner : str
            The name errors give as the method the user called.
        constraints : sequence of float, optional
            Its constraint values (at most 0 is met).
        """
        x = self.space.to_unit(params)
        attrs = check_attrs(user_attrs, owner)
        measured = Measured(value, read_constraints(constraints, owner))
        fields = finished_fields(self.goals, TrialState.COMPLETE, measured, attrs, owner)
        if fields.state is not TrialState.COMPLETE:
            raise fail("value", owner, "finite real numbers" if self.goals.multi else "a finite real number", value)
        with self._transaction():
            now = time.time()
            trial = Trial(number=len(self._state.trials), params=self.space.validate(params), x=x,
                          state=TrialState.COMPLETE, value=fields.value, values=fields.values,
                          constraints=fields.constraints, source=source, user_attrs=attrs,
                          datetime_start=now, datetime_complete=now)
            self._record({"event": "added", "trial": trial.to_json()})
            self._state.add(trial)
            self.optimizer.tell(trial, self._loss(trial))
        self._notify("added", trial)
        return trial

    def undo_manual(self) -> Trial:
        """Withdraw the study's last trial, which must be a manual one, and return it.

        The optimizer is rebuilt from its settings and told the remaining trials, so it is in
        exactly the state it would be in had the trial never been added; the journal records
        the withdrawal (nothing is erased from disk).
        """
        with self._transaction():
            return self._undo_manual()

    def _undo_manual(self) -> Trial:
        last = self._state.trials[-1] if self._state.trials else None
        if last is None or last.source != "manual":
            raise fail("trial", "Study.undo_manual", "a study whose last trial is manual",
                       "no trials" if last is None else f"trial {last.number} from {last.source!r}",
                       hint="Undo withdraws only the manual trial just added, before any other trial.")
        running = [t.number for t in self._state.running()]
        if running:
            # The optimizer is rebuilt from finished trials; it could not know these are taken.
            raise fail("trial", "Study.undo_manual", "withdrawn while no trial is running",
                       f"trial {last.number}", hint=f"Tell the results of trials {running} first.")
        self._record({"event": "undone", "number": last.number})
        self._state.withdraw(last.number)
        self.optimizer = type(self.optimizer)(self.space, **self.optimizer.settings())
        tell_history(self._state, self.optimizer, self.goals)
        self._notify("undone", last)
        return last

