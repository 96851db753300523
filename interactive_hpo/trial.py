"""Trials: one evaluation of one configuration, frozen once made.

A :class:`Trial` never changes; the study replaces it with an updated copy when it
finishes. Its JSON form is what the journal stores; in memory it pickles and copies whole and
read-only (:class:`~interactive_hpo.views.KeepsReadOnly`), so a worker process can return one.
What its ``user_attrs`` may hold (what JSON keeps as it was) is checked in :mod:`._json_values`.
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from ._json_values import check_attrs  # Evaluation's check; also a 0.1 name of this module
from ._validation import as_finite, as_list, as_scalar, check_one_of, fail, is_real
from .goals import read_constraints
from .views import KeepsReadOnly, read_only

__all__ = ["CANCELLED", "CARRIED", "CUT_SHORT", "INTERRUPTED", "NOT_SUBMITTED", "PRUNED_REASON", "REPORT_UNANSWERED",
           "RUN_ENDED", "RUN_INTERRUPTED", "STOPPED_BY_PERSON", "USER_INTERRUPT", "TrialState", "Trial",
           "Evaluation", "carried_from", "check_attrs", "check_step", "parse_state", "read_values"]

#: The error of a trial a Ctrl-C (Kernel -> Interrupt) cut short, recorded FAILED: a person stopped
#: it, not the objective (``Race`` leaves such trials out of its lanes' budgets by this message).
USER_INTERRUPT = "interrupted by the user (KeyboardInterrupt)"


#: How the error of a trial a parallel run cancelled begins ("cancelled: Stop clicked again"), and
#: of one it could not hand to a worker ("not submitted: BrokenProcessPool").
CANCELLED, NOT_SUBMITTED = "cancelled", "not submitted"
#: What the error of a task a worker took after its run had ended says.
RUN_ENDED = "the run ended before this trial started"
#: What the error of a trial of a parallel run says when nothing could answer its objective's report:
#: the run ended, or its report server died ("TrialStateError: this report could not be answered:
#: the run's report server is gone (EOFError())"). New
#: words: a journal's trial with the earlier ones ("the run ended before this report was answered")
#: stays its configuration's failure, so that replaying the journal tells optimizers what it told them.
REPORT_UNANSWERED = "this report could not be answered"
#: How the error of a trial a parallel run lost while a Ctrl-C stopped it ends ("worker lost
#: (BrokenProcessPool); not re-queued (the run was interrupted)"): the Ctrl-C broke its executor.
RUN_INTERRUPTED = "(the run was interrupted)"
#: How the errors of trials :attr:`Trial.cut_short` begin: a person stopped it, the run cancelled
#: it or could not submit it (the producers build their messages from these names).
CUT_SHORT = (USER_INTERRUPT, CANCELLED, NOT_SUBMITTED)

#: The error of a trial its process left RUNNING when it stopped (a kill, a closed laptop): the
#: study records it when the journal is opened again (``study.replay``).
INTERRUPTED = "interrupted: the process stopped before this trial finished"

#: The ``user_attrs`` key of the reason an objective gave when it pruned its trial itself
#: (``raise TrialPruned("no progress in 5 epochs")``; ``pruned_by`` is then "objective"), read as
#: :attr:`Trial.pruned_reason`. A pruner's reason is its verdict's (``user_attrs["pruner"]["reason"]``).
#: Also importable from :mod:`interactive_hpo.outcome`, which records it.
PRUNED_REASON = "pruned_reason"

#: :attr:`Trial.pruned_reason` of a trial a person stopped (the Lab's Stop, ``study.stop``).
STOPPED_BY_PERSON = "stopped by a person"

#: The source of a trial that a fork or a remap (``study.branching``) carried into a new study; its
#: old source and attributes are kept under ``carried_source`` and ``carried_attrs``.
CARRIED = "carried"


class TrialState(enum.StrEnum):
    """Where a trial is in its life: RUNNING until told COMPLETE, PRUNED or FAILED."""

    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAILED = "FAILED"

    @property
    def is_finished(self) -> bool:
        return self is not TrialState.RUNNING


def read_values(result: Any) -> float | tuple[float, ...] | dict[str, float] | None:
    """``result`` as a float, a tuple of floats or a dict of floats by str name (0-d arrays and
    tensors read as their numbers, 1-D ones as several); None if it is none of those (non-finite
    numbers are kept: the study says which objective failed)."""
    result = as_scalar(result)
    if is_real(result):
        return _as_float(result)
    result = as_list(result)
    if isinstance(result, Mapping):
        result = {k: as_scalar(v) for k, v in result.items()}
        if result and all(isinstance(k, str) and is_real(v) for k, v in result.items()):
            return {k: _as_float(v) for k, v in result.items()}
    if isinstance(result, (tuple, list)):
        result = [as_scalar(v) for v in result]
        if result and all(is_real(v) for v in result):
            return tuple(_as_float(v) for v in result)
    return None


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond a float's range: as non-finite as inf
        return math.inf if value > 0 else -math.inf


#: What an Evaluation's ``value`` must be (:func:`read_values` reads it).
_VALUE_RULE = ("a real number (NaN or inf fails the trial), or several: a non-empty tuple, list or 1-D array of real "
               "numbers, or a dict of them by objective name")


@dataclass(frozen=True, eq=False)
class Evaluation:
    """What an objective may return instead of a bare float: a value plus details to keep.

    Parameters
    ----------
    value : float, or several
        The objective value (in the objective's own direction); in a study of several
        objectives a tuple of values in the study's order, or a dict by objective name.
    user_attrs : dict
        JSON-serializable details the study stores on the trial (fold scores, fit time, ...).
        NumPy numbers and arrays are kept as Python numbers and lists, NaN and infinities as
        None (JSON has neither).
    constraints : sequence of float of shape (n_constraints,), optional
        Constraint values: the trial is feasible when each is at most 0 (``fit_seconds - 2.0``
        for "fits within 2 s"). Finite numbers only (a journal keeps finite numbers only).

    Each is checked here, where it was typed (a bad one raises
    :class:`~interactive_hpo.exceptions.InvalidParameterError` naming it; inside an objective,
    its trial fails with that message), and again when the study reads it: an Evaluation holds
    what it was given, so a list of fold scores filled after it was built is recorded whole.
    A NaN or infinite ``value`` is a result, not a mistake: its trial fails ("the objective
    returned nan"). The study checks ``value`` against its goals (how many objectives, which
    names) when it reads it.

    Examples
    --------
    >>> Evaluation(0.93, user_attrs={"fit_seconds": 1.5}, constraints=[1.5 - 2.0]).constraints
    [-0.5]
    """

    value: Any
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    constraints: Any = None

    def __post_init__(self) -> None:
        # Refused where it was built: a bad one used to pass here and fail its trial later, away
        # from the line. What is kept is what was given (the study reads and checks it again).
        if read_values(self.value) is None:  # "abc" failed its trial later as "the objective returned str 'abc'"
            raise fail("value", "Evaluation", _VALUE_RULE, self.value)
        check_attrs(self.user_attrs, "Evaluation")
        read_constraints(self.constraints, "Evaluation")


@dataclass(frozen=True, eq=False)
class Trial(KeepsReadOnly):
    """One configuration, where it is in the search space, and what became of it.

    Attributes
    ----------
    number : int
        Position in the study, from 0, never reused.
    params : mapping
        The configuration as the user sees it.
    x : ndarray of shape (d,)
        The same configuration in the unit cube (snapped: integers and categoricals at their bin).
    state : TrialState
        RUNNING, COMPLETE, PRUNED or FAILED.
    value : float or None
        The objective value (user's direction); None unless COMPLETE or PRUNED with a value,
        and None in a study of several objectives (see ``values``).
    values : tuple of float or None
        In a study of several objectives, each objective's value (their directions), in the
        study's order; None unless COMPLETE.
    constraints : tuple of float or None
        The constraint values the objective returned (at most 0 is met), or None.
    source : str
        "manual", "enqueued", or the name of the optimizer that proposed it.
    budget : float or None
        Fidelity the trial was evaluated at; None means the full budget.
    generation : int or None
        Generation number, for population methods.
    user_attrs : mapping
        JSON details: fold scores, fit time, ``"error"`` with the reason a trial FAILED (read as
        ``error``) and ``"pruned_reason"`` with the message an objective pruned it with
        (``pruned_reason``).
    intermediate_values : mapping
        What the objective reported while it ran (a learning curve): step -> value in the
        objective's direction; a non-finite value (a diverged run) is kept as NaN.
    datetime_start, datetime_complete : float or None
        Unix timestamps.
    """

    number: int
    params: Mapping[str, Any]
    x: np.ndarray
    state: TrialState = TrialState.RUNNING
    value: float | None = None
    values: tuple[float, ...] | None = None
    constraints: tuple[float, ...] | None = None
    source: str = "manual"
    budget: float | None = None
    generation: int | None = None
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    datetime_start: float | None = None
    datetime_complete: float | None = None
    intermediate_values: Mapping[float, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Frozen means frozen: read-only views so nobody edits a trial behind the study's back.
        object.__setattr__(self, "x", read_only(self.x))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "user_attrs", MappingProxyType(dict(self.user_attrs)))
        object.__setattr__(self, "intermediate_values", MappingProxyType(dict(self.intermediate_values)))
        object.__setattr__(self, "state", TrialState(self.state))
        for name in ("values", "constraints"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(float(v) for v in getattr(self, name)))

    @property
    def feasible(self) -> bool:
        """Whether every constraint is met (at most 0); True for a trial without constraints."""
        return self.constraints is None or all(c <= 0.0 for c in self.constraints)

    @property
    def error(self) -> str | None:
        """Why the trial failed, or None: a trial that did not fail may keep an "error" of its own
        among its user_attrs (an error rate), which is no reason."""
        return self.user_attrs.get("error") if self.state is TrialState.FAILED else None

    @property
    def pruned_reason(self) -> str | None:
        """Why the trial was pruned, or None.

        Returns
        -------
        str or None
            For a PRUNED trial, what stopped it (``user_attrs["pruned_by"]``): a pruner's verdict's
            reason (``user_attrs["pruner"]["reason"]``); :data:`STOPPED_BY_PERSON` for a person's
            Stop; else the message the objective pruned it with (``raise TrialPruned("no
            progress in 5 epochs")``, kept under ``user_attrs["pruned_reason"]``,
            :data:`PRUNED_REASON`). None for a trial that is not PRUNED (its own attribute of that
            name is no reason) and for one pruned without a message (a bare ``TrialPruned()``).
        """
        if self.state is not TrialState.PRUNED:
            return None
        by = self.user_attrs.get("pruned_by")
        if by == "human":
            return STOPPED_BY_PERSON
        if by == "pruner":
            verdict = self.user_attrs.get("pruner")
            reason = verdict.get("reason") if isinstance(verdict, Mapping) else None
        else:
            reason = self.user_attrs.get(PRUNED_REASON)
        return reason if isinstance(reason, str) and reason else None

    @property
    def cut_short(self) -> bool:
        """Whether the trial FAILED for a reason that says nothing of its configuration: a person
        stopped it (Ctrl-C, Kernel -> Interrupt, the Lab's Stop; a trial a parallel run lost as the
        Ctrl-C broke its executor, :data:`RUN_INTERRUPTED`) or the run ended, or could not hand it
        to a worker, before it ran (:data:`CUT_SHORT`), or nothing could answer its report (the run
        ended, its report server died: :data:`REPORT_UNANSWERED`). A model of failures leaves it out, and its
        configuration may be proposed again. A crash, a timeout or a lost worker counts as the
        configuration's failure: it may be its doing (too much memory, too slow)."""
        error = self.error
        return self.state is TrialState.FAILED and isinstance(error, str) and (
            error.startswith(CUT_SHORT) or RUN_ENDED in error or REPORT_UNANSWERED in error
            or error.endswith(RUN_INTERRUPTED))

    @property
    def untried(self) -> bool:
        """Whether the trial tells nothing of its configuration, as if it had not run: it was
        :attr:`cut_short`, or its process stopped while it ran (:data:`INTERRUPTED`: a kill, a
        closed laptop). A multi-fidelity scheduler hands its job out again (after a person's stop
        every time, after its process stopped once: one that kills its process would stop every
        resume), and ``HPOSearchCV`` runs it again on resume, once."""
        return self.cut_short or self.error == INTERRUPTED

    @property
    def duration(self) -> float | None:
        """Seconds from start to completion, or None while running."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    def finished(self, state: TrialState, value: float | None, user_attrs: Mapping[str, Any],
                 when: float | None, values: tuple[float, ...] | None = None,
                 constraints: tuple[float, ...] | None = None) -> Trial:
        """A copy of this trial in a finished ``state`` (attributes merged)."""
        return replace(self, state=state, value=value, values=values, constraints=constraints,
                       user_attrs={**self.user_attrs, **user_attrs}, datetime_complete=when)

    def reported(self, step: float, value: float) -> Trial:
        """A copy of this trial with ``value`` reported at ``step``."""
        return replace(self, intermediate_values={**self.intermediate_values, step: value})

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``x`` is left out: the space re-derives it from ``params``;
        ``values`` and ``constraints`` only when there are some, as journals before them read).
        A journal's replay reads it back checking each field (``study.trial_fields.read_trial``)."""
        extra = {name: list(items) for name, items in (("values", self.values), ("constraints", self.constraints))
                 if items is not None}
        return {
            "number": self.number,
            "params": dict(self.params),
            "state": self.state.value,
            "value": self.value,
            **extra,
            "source": self.source,
            "budget": self.budget,
            "generation": self.generation,
            "user_attrs": dict(self.user_attrs),
            "datetime_start": self.datetime_start,
            "datetime_complete": self.datetime_complete,
            # JSON objects have string keys only, and NaN is not JSON: pairs, with None for NaN.
            "intermediate_values": [[step, value if math.isfinite(value) else None]
                                    for step, value in self.intermediate_values.items()],
        }

    def __repr__(self) -> str:
        value = "" if self.value is None else f", value={self.value:.6g}"
        if self.values is not None:
            value = ", values=(" + ", ".join(f"{v:.6g}" for v in self.values) + ")"
        if self.constraints is not None:
            value += ", feasible" if self.feasible else ", infeasible"
        return f"Trial(number={self.number}, state={self.state.value}{value}, params={dict(self.params)})"


def check_step(step: Any, owner: str, name: str = "step", rule: str = "a finite real number >= 0") -> int | float:
    """A learning-curve step as the Python number it holds (an int stays an int, numpy's too),
    so the journal stores it and a resumed study finds the same key; refuses anything but a
    finite real number >= 0, naming argument ``name`` and stating ``rule``. A 0-d array is the
    number it holds (``np.array(3)`` is the int 3, not 3.0: r437)."""
    given, step = step, as_scalar(step)
    if as_finite(step) is None or step < 0:
        raise fail(name, owner, rule, given)
    return int(step) if isinstance(step, numbers.Integral) else float(step)


#: The names of the states a trial can finish in.
_RESULTS = [s.value for s in TrialState if s is not TrialState.RUNNING]


def parse_state(state: TrialState | str | None, owner: str = "Study.tell", any_case: bool = True) -> TrialState:
    """A finished state given by name or member (RUNNING is not a result). A person may type the
    name in any case ("failed"); a journal's (``any_case=False``) is read as written."""
    if isinstance(state, TrialState):
        state = state.value
    elif any_case and isinstance(state, str) and state.upper() in _RESULTS:
        state = state.upper()
    return TrialState(check_one_of(state, "state", owner, _RESULTS))


def carried_from(trial: Trial, name: str) -> Mapping[str, Any] | None:
    """The attributes ``trial`` had where it was asked, if a fork or remap carried it here from an
    optimizer called ``name`` (None otherwise)."""
    carried = trial.user_attrs.get("carried_attrs")
    if trial.source != CARRIED or trial.user_attrs.get("carried_source") != name or not isinstance(carried, Mapping):
        return None
    return carried


def __getattr__(name: str) -> object:
    """``outcome_of_result`` and ``outcome_of_value`` moved to :mod:`interactive_hpo.outcome` in
    0.2 (with the one function that calls objectives); the old names still work, with a warning."""
    from ._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.outcome", ("outcome_of_result", "outcome_of_value"))
