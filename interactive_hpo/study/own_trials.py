"""The user's own trials: configurations evaluated outside the ask/tell loop, and their undo;
mixed into :class:`~interactive_hpo.study.Study`."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from .._json_values import check_attrs
from .._validation import fail, shown, warn_user
from ..exceptions import TrialStateError
from ..goals import Goals, read_constraints
from ..optimizers.base import Optimizer
from ..optimizers.recorded import recorded
from ..outcome import Measured, call_objective, read_evaluation
from ..space import SearchSpace
from ..trial import Evaluation, Trial, TrialState, parse_state
from .calls import study_method
from .learnt import tell, warn_not_learnt
from .owners import owner_status, why_unchecked
from .replay import tell_history
from .results import beyond_full_budget, check_constraint_count, finished_event, finished_fields, full_budget_of
from .running import check_objective
from .sealed_looks import keep_test_looks
from .state import StudyState
from .trial_fields import (
    check_budget,
    check_curve,
    check_date,
    check_generation,
    check_source,
    check_timestamp,
    read_result,
)
from .warm_start import WarmStart

if TYPE_CHECKING:
    from .core import Study
    from .journal import Journal

__all__ = ["OwnTrials"]

#: The keywords only :meth:`OwnTrials.add_finished` takes: how a trial added by hand says it was
#: not a plain COMPLETE one at the full budget, evaluated now.
_FINISHED_ONLY = ("state", "budget", "intermediate_values", "generation", "datetime_start", "datetime_complete")


def _finished_only(name: str, value: Any, owner: str) -> str | None:
    """The hint of the refusal of keyword ``name`` (given ``value``), which ``owner`` does not take,
    when another of the user's own-trial calls takes it (None else: the close name is the hint)."""
    if name in _FINISHED_ONLY:
        # A person who ran the configuration at a lower budget, or whose run was pruned, has a
        # trial to record: add_finished records it (as "manual", undo_manual withdraws it too).
        source = "..." if owner == "Study.add_completed" else '"manual"'
        add = f"study.add_finished(params, value=..., {name}={shown(value)}, source={source})"
        return (f"{owner} evaluates at the full budget; for another `{name}`, evaluate it yourself and record it "
                f"with {add}." if owner == "Study.add_evaluated" and name == "budget" else
                f"{owner} records a COMPLETE trial at the study's full budget, finished now; one with its own "
                f"`{name}` goes in with {add}.")
    if name == "source" and owner == "Study.add_manual":
        return f"{owner}'s trials are \"manual\"; study.add_completed(params, value, source=...) records another."
    return None


#: A method of the mixin, named as the user calls it (``Study.<name>``); a keyword it does not take
#: is refused naming it and, for one of :meth:`OwnTrials.add_finished`'s, the call that takes it.
_study_method = study_method(_finished_only)


class OwnTrials:
    """``add_manual``, ``add_evaluated``, ``add_completed``, ``add_finished`` and ``undo_manual``."""

    # Provided by Study.
    _state: StudyState
    space: SearchSpace
    goals: Goals
    optimizer: Optimizer
    _record: Callable[..., None]
    _check_writable: Callable[[], None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _notify: Callable[[str, Trial | None], None]
    _owner: dict[str, Any]
    _warm_start: WarmStart
    _journal: Journal | None

    @_study_method
    def add_manual(self, params: Mapping[str, Any], value: Any, *, user_attrs: Mapping[str, Any] | None = None,
                   constraints: Sequence[float] | None = None) -> Trial:
        """Record a configuration the user evaluated themselves (``value`` as in :meth:`tell`),
        COMPLETE at the full budget; optimizers learn from it. One run at another budget, or
        PRUNED, goes in with ``add_finished(params, value=..., budget=..., source="manual")``
        (:meth:`undo_manual` withdraws either).

        ``value`` may be the :class:`~interactive_hpo.trial.Evaluation` a task returned
        (``study.add_manual(p, task(p))``): its value, constraints and details are kept, as
        :meth:`add_evaluated` keeps them when it calls the task itself."""
        if isinstance(value, Evaluation):
            value, constraints, user_attrs = read_evaluation(value, "Study.add_manual", constraints,
                                                             check_attrs(user_attrs, "Study.add_manual"))
        return self.add_completed(params, value, source="manual", user_attrs=user_attrs, owner="Study.add_manual",
                                  constraints=constraints)

    @_study_method
    def add_evaluated(self, params: Mapping[str, Any], objective: Callable[..., Any], *,
                      user_attrs: Mapping[str, Any] | None = None, owner: str = "Study.add_evaluated") -> Trial:
        """Evaluate your configuration ``params`` with ``objective`` now and record it as a manual trial.

        What the Lab's "evaluate" and a race's own lane do. If the objective raises or gives
        no finite value, nothing is recorded and the error (naming ``owner``) says why.
        """
        check_objective(cast(Any, self), objective, owner, budgeted=False)  # a Study; no budget here
        params = self.space.validate(params, owner=owner)
        # Before the objective's cost: a list here was Python's error after it, and a falsy one was taken for {}.
        attrs = check_attrs(user_attrs, owner)
        self._check_writable()  # before the objective's cost, too
        keep_test_looks(cast("Study", self), objective)  # (.sealed_looks)
        outcome = call_objective(objective, params)
        if outcome.state is not TrialState.COMPLETE:
            raise fail("params", owner, "a configuration the objective can evaluate", params,
                       hint=f"Evaluating it failed: {outcome.user_attrs.get('error')}; no trial was recorded.")
        result = outcome.value if isinstance(outcome.value, Measured) else Measured(cast(float, outcome.value), None)
        return self.add_completed(params, result.values, source="manual", owner=owner,
                                  user_attrs={**outcome.user_attrs, **attrs},
                                  constraints=result.constraints)

    @_study_method
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
            undone), or where it was carried over from (``remap_study`` uses "remapped:..."); not
            "enqueued", which only an ask gives.
        user_attrs : dict, optional
            JSON details to keep.
        owner : str
            The name errors give as the method the user called.
        constraints : sequence of float, optional
            Its constraint values (at most 0 is met).
        """
        params = self.space.validate(params, owner=owner)
        x = self.space.to_unit(params)
        attrs = check_attrs(user_attrs, owner)
        source = check_source(source, owner)
        measured = Measured(value, read_constraints(constraints, owner))
        with self._transaction():  # the earlier trials' constraints as every writer left them
            fields = finished_fields(self.goals, TrialState.COMPLETE, measured, attrs, owner, self._state.constrained)
            if fields.state is not TrialState.COMPLETE:
                raise fail("value", owner, "finite real numbers" if self.goals.multi else "a finite real number",
                           value)
            now = time.time()
            trial = Trial(number=len(self._state.trials), params=params, x=x,
                          state=TrialState.COMPLETE, value=fields.value, values=fields.values,
                          constraints=fields.constraints, source=source, user_attrs=attrs,
                          datetime_start=now, datetime_complete=now)
            self._record({"event": "added", "trial": trial.to_json(), "owner": self._owner})  # undo_manual checks it
            self._state.add(trial, self._owner)
            tell(self.optimizer, self.goals, trial, full_budget_of(self.optimizer, self._state.largest_budget))
            self._notify("added", trial)
        return trial

    @_study_method
    def add_finished(self, params: Mapping[str, Any], *, state: TrialState | str | None = None, value: Any = None,
                     source: str | None = None, user_attrs: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[float, float] | None = None, budget: float | None = None,
                     generation: int | None = None, constraints: Sequence[float] | None = None,
                     datetime_start: float | None = None, datetime_complete: float | None = None,
                     owner: str = "Study.add_finished") -> Trial:
        """Record a trial evaluated outside this study in any finished state (another library's
        trial: ``interop.from_optuna``), and return it.

        Unlike :meth:`add_completed` it keeps a PRUNED or FAILED state, the curve the trial
        reported, its budget and its times; the journal records it with the two events a trial
        run here leaves ("asked", then "finished"), so a replay rebuilds it like any other, and the
        optimizer is told it at once. Every argument is checked before anything is recorded
        (numpy numbers count as the Python numbers they hold).

        Parameters
        ----------
        params : mapping
            A configuration of the study's space (its active parameters).
        state : TrialState or str, optional
            COMPLETE, PRUNED or FAILED. Default: COMPLETE when a ``value`` is given (as
            :meth:`tell`'s); without one, give PRUNED or FAILED.
        value : float, several, or None
            COMPLETE: the value (several objectives: a tuple in the study's order); a non-finite
            one makes the trial FAILED with the reason, as an objective's would. PRUNED: the last
            value it reported (one objective; a non-finite one is dropped), or None. FAILED: None.
        source : str
            Where it comes from ("optuna"; required); not "enqueued", which only an ask gives.
        user_attrs : mapping, optional
            JSON details (``"error"``: why it failed).
        intermediate_values : mapping, optional
            Its learning curve, step (a finite real number >= 0) -> value (a real number;
            non-finite ones are kept as NaN).
        budget : float, optional
            The fidelity it ran at, > 0 (None: the full budget), in the study's units: at most
            :attr:`full_budget` (a scheduler's ``max_budget``, else 1). One above it counts as a
            full evaluation, with a warning.
        generation : int, optional
            Its generation (>= 0), for a population method's trials.
        constraints : sequence of float, optional
            Constraint values of a COMPLETE trial (at most 0 is met); refused with another state.
        datetime_start, datetime_complete : float, optional
            Unix timestamps; default now.
        owner : str
            The function the user called, for error messages.
        """
        # source defaults to None only to be refused here with its rule, as its other wrong values are.
        if state is None and value is None:  # PRUNED or FAILED: which one, only the caller knows
            raise fail("state", owner, "given when no value is: 'PRUNED' or 'FAILED' (with a value, the default "
                       "is 'COMPLETE')", state)
        # Each field through its rule in .trial_fields, which a journal's lines go through too.
        state = TrialState.COMPLETE if state is None else parse_state(state, owner)
        source = check_source(source, owner)
        canonical = self.space.validate(params, owner=owner)
        attrs = check_attrs(user_attrs, owner)
        # A non-finite value fails the trial, as an objective's would.
        fields = finished_fields(self.goals, state, read_result(self.goals, state, value, constraints, owner), attrs)
        now = time.time()
        start = check_timestamp(datetime_start, "datetime_start", owner)
        known: dict[str, Any] = {
            "source": source, "budget": check_budget(budget, owner), "generation": check_generation(generation, owner),
            "datetime_start": now if start is None else start,
            "intermediate_values": check_curve(intermediate_values, owner)}
        complete = check_timestamp(datetime_complete, "datetime_complete", owner)
        complete = now if complete is None else complete
        if complete < known["datetime_start"]:  # a negative duration: the one given is the one refused
            given = "datetime_start" if datetime_complete is None else "datetime_complete"
            raise fail(given, owner, "a trial that ends at or after it starts", known["datetime_start"]
                       if datetime_complete is None else complete,
                       hint=f"It starts at {known['datetime_start']} and ends at {complete}"
                            f"{' (now: datetime_complete was not given)' if datetime_complete is None else ''}.")
        for name, moment in (("datetime_start", known["datetime_start"]), ("datetime_complete", complete)):
            check_date(moment, name, owner)
        with self._transaction():
            # By hand, so refused rather than FAILED as an objective's would be (finished_fields).
            check_constraint_count(fields.constraints, self._state.constrained, owner)
            running = Trial(number=len(self._state.trials), params=canonical, x=self.space.to_unit(canonical), **known)
            done = running.finished(fields.state, fields.value, fields.user_attrs, complete, fields.values,
                                    fields.constraints)
            # One write of both lines: a failed one leaves neither, not a RUNNING trial of this live process.
            self._record({"event": "asked", "trial": running.to_json(), "owner": self._owner},
                         finished_event(done, fields.user_attrs))
            self._state.add(running, self._owner)
            self._state.finish(done)
            # After the trial is added: a carried trial brings the full budget of its study.
            full = full_budget_of(self.optimizer, self._state.largest_budget)
            tell(self.optimizer, self.goals, done, full)
            self._notify("added", done)
        # A person's budget in other units: warned where typed. An import (from_optuna) or a fork
        # brings trials of schedulers the study does not name, counted full as they were there.
        if owner == "Study.add_finished" and done.state is TrialState.COMPLETE and beyond_full_budget(done, full):
            warn_user(f"{owner}: `budget` {done.budget:g} is above the study's full budget, {full:g} (the largest "
                      f"max_budget of its schedulers; 1 without one): trial {done.number} counts as a full evaluation "
                      f"and can be best_trial. If {done.budget:g} is in other units, give the budget in the study's "
                      "(None: a full evaluation).", UserWarning)
        elif owner == "Study.add_finished":  # below it: best_trial leaves it out, and so may the optimizer
            warn_not_learnt([done], self.optimizer, full, owner)
        return done

    @_study_method
    def undo_manual(self) -> Trial:
        """Withdraw the study's last trial, which must be a manual one, and return it.

        The optimizer is rebuilt from its settings and told the remaining trials, so it is in
        exactly the state it would be in had the trial never been added; the journal records
        the withdrawal (nothing is erased from disk).

        Raises
        ------
        TrialStateError
            When the study has no trial, its last trial is not a manual one, another study still
            open on the journal (another process or notebook of this host) added it, or trials
            are running: what is wrong is the study's state (it takes no argument).

        Warns
        -----
        UserWarning
            When a study on another host added it (a journal copied from a colleague, or
            reopened in a new container): whether that study is still open cannot be checked
            from here, so the trial is withdrawn, with a warning naming its process and host.
        """
        with self._transaction():
            return self._undo_manual()

    def _undo_manual(self) -> Trial:
        last = self._state.trials[-1] if self._state.trials else None
        why = "Undo withdraws only the manual trial just added, before any other trial."
        if last is None:
            raise TrialStateError(f"Study.undo_manual has nothing to withdraw: the study has no trial yet. {why}")
        if last.source != "manual":
            raise TrialStateError(
                f"Study.undo_manual has no manual trial to withdraw: trial {last.number}, the study's last, came from "
                f"{last.source!r}. {why} To go on without trial {last.number}, fork the study before it, "
                f"interactive_hpo.study.branching.fork_study(study, {last.number}) (in the Lab: Fork here at step "
                f"{last.number}).")
        owner = self._state.owner_of(last.number)
        status = (owner_status(owner, self._journal.path) if owner not in (None, self._owner)
                  and self._journal is not None else "ended")
        if status == "alive":
            # Its undo would withdraw a trial that study shows, and may be about to undo itself.
            raise TrialStateError(
                f"Study.undo_manual cannot withdraw trial {last.number}: another study still open on this journal "
                f"added it (process {shown(owner.get('pid'))} on host {shown(owner.get('host'))}; or another Study "
                f"object of this process). {why} That study may undo it; to go on without it here, fork the study "
                f"before it, interactive_hpo.study.branching.fork_study(study, {last.number}).")
        running = [t.number for t in self._state.running()]
        if running:
            # The optimizer is rebuilt from finished trials; it could not know these are taken.
            raise TrialStateError(f"Study.undo_manual cannot withdraw trial {last.number} while trials {running} are "
                                  f"running: the optimizer is rebuilt from the finished trials and would propose "
                                  f"them again. Tell the results of trials {running} first.")
        if status == "unchecked":
            # Mostly a journal copied from a colleague or reopened in a new container (a new
            # hostname): refusing would refuse forever, while an undo wrongly made is only a line
            # that add_manual puts back. So it is withdrawn, and said.
            warn_user(f"Study.undo_manual withdraws trial {last.number}, which process {shown(owner.get('pid'))} on "
                      f"host {shown(owner.get('host'))} added; whether that study is still open on this journal "
                      f"could not be checked from here ({why_unchecked(owner)}; this is host "
                      f"{socket.gethostname()!r}). If it is (a shared disk, a container beside this one), "
                      f"it sees the trial withdrawn: add it again there with add_manual.", UserWarning)
        self._record({"event": "undone", "number": last.number})
        self._state.withdraw(last.number)
        with recorded():  # its own settings, accepted when it was built (a journal's, maybe)
            self.optimizer = type(self.optimizer)(self.space, **self.optimizer.settings())
        self._warm_start.give(self.optimizer)  # before any trial, as when it was built
        tell_history(self._state, self.optimizer, self.goals)
        self._notify("undone", last)
        return last
