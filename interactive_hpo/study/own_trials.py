"""The user's own trials: configurations evaluated outside the ask/tell loop, and their undo;
mixed into :class:`~interactive_hpo.study.Study`."""

from __future__ import annotations

import math
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
from .results import finished_event, finished_fields
from .state import StudyState
from .warm_start import WarmStart

__all__ = ["OwnTrials"]


class OwnTrials:
    """``add_manual``, ``add_evaluated``, ``add_completed``, ``add_finished`` and ``undo_manual``."""

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
    _owner: dict[str, Any]
    _warm_start: WarmStart

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

    def add_finished(self, params: Mapping[str, Any], *, state: TrialState, value: Any = None,
                     source: str, user_attrs: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[float, float] | None = None, budget: float | None = None,
                     generation: int | None = None, constraints: Sequence[float] | None = None,
                     datetime_start: float | None = None, datetime_complete: float | None = None,
                     owner: str = "Study.add_finished") -> Trial:
        """Record a trial evaluated outside this study in any finished state (another library's
        trial: ``interop.from_optuna``), and return it.

        Unlike :meth:`add_completed` it keeps a PRUNED or FAILED state, the curve the trial
        reported, its budget and its times; the journal records it with the two events a trial
        run here leaves ("asked", then "finished"), so a replay rebuilds it like any other, and the
        optimizer is told it at once.

        Parameters
        ----------
        params : mapping
            A configuration of the study's space (its active parameters).
        state : TrialState
            COMPLETE, PRUNED or FAILED.
        value : float, several, or None
            COMPLETE: the value (several objectives: a tuple in the study's order); a non-finite
            one makes the trial FAILED with the reason, as an objective's would. PRUNED: the last
            value it reported (one objective), or None. FAILED: None.
        source : str
            Where it comes from ("optuna").
        user_attrs : mapping, optional
            JSON details (``"error"``: why it failed).
        intermediate_values : mapping, optional
            Its learning curve, step -> value; non-finite values are kept as NaN.
        budget : float, optional
            The fidelity it ran at (None: the full budget).
        generation : int, optional
            Its generation, for a population method's trials.
        constraints : sequence of float, optional
            Constraint values of a COMPLETE trial (at most 0 is met).
        datetime_start, datetime_complete : float, optional
            Unix timestamps; default now.
        owner : str
            The function the user called, for error messages.
        """
        if not isinstance(state, TrialState) or not state.is_finished:
            raise ValueError(f"{owner}: a trial is added finished, not {state!r}")
        canonical = self.space.validate(params)
        x = self.space.to_unit(canonical)
        attrs = check_attrs(user_attrs, owner)
        if state is TrialState.COMPLETE:
            fields = finished_fields(self.goals, state, Measured(value, read_constraints(constraints, owner)), attrs)
        else:
            finite = value is not None and not self.goals.multi and math.isfinite(float(value))
            fields = finished_fields(self.goals, state, float(value) if finite else None, attrs)
        curve = {step: float(v) if math.isfinite(float(v)) else math.nan
                 for step, v in (intermediate_values or {}).items()}
        with self._transaction():
            now = time.time()
            running = Trial(number=len(self._state.trials), params=canonical, x=x, source=source, budget=budget,
                            generation=generation, datetime_start=now if datetime_start is None else datetime_start,
                            intermediate_values=curve)
            self._record({"event": "asked", "trial": running.to_json(), "owner": self._owner})
            self._state.add(running, self._owner)
            done = running.finished(fields.state, fields.value, fields.user_attrs,
                                    now if datetime_complete is None else datetime_complete, fields.values,
                                    fields.constraints)
            self._record(finished_event(done, fields.user_attrs))
            self._state.finish(done)
            self.optimizer.tell(done, self._loss(done))
        self._notify("added", done)
        return done

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
        self._warm_start.give(self.optimizer)  # before any trial, as when it was built
        tell_history(self._state, self.optimizer, self.goals)
        self._notify("undone", last)
        return last

