"""What became of one evaluation, and the one function that calls an objective.

Every path that runs user code (``Study.step``, the parallel workers, the Lab's click-to-
evaluate, a race's manual lane) calls the objective through :func:`call_objective`, so they
agree on the keywords it gets (``budget=``, ``report=``), on how a return value is read (a
number or an :class:`~interactive_hpo.trial.Evaluation`) and on what a failure records.
"""

from __future__ import annotations

import inspect
import math
import traceback
import weakref
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ._json_values import check_attrs
from ._validation import (
    accepts_keyword,
    as_finite,
    as_scalar,
    describe_error,
    fail,
    is_real,
    requires_keyword,
    shown,
    warn_user,
)
from .exceptions import TrialPruned
from .goals import read_constraints
from .trial import PRUNED_REASON, Evaluation, TrialState, read_values

__all__ = ["MOVED_PREFIX", "PRUNED_REASON", "Measured", "Outcome", "StudyPruned", "budget_range_of", "call_objective",
           "cannot_run_at", "check_budget_keyword", "check_budget_range",
           "check_no_constraints", "check_no_value", "check_signature", "keep_record", "outcome_of_result",
           "outcome_of_state", "outcome_of_value", "read_evaluation"]


class Measured(NamedTuple):
    """What an objective returned beyond one number: several values, constraints, or both, as
    read (the study checks them against its goals: how many objectives, which names, finite).

    Attributes
    ----------
    values : float, tuple of float or dict of str to float
        One objective's value, or several (in order, or by name).
    constraints : tuple of float or None
        At most 0 is met.
    """

    values: float | tuple[float, ...] | dict[str, float]
    constraints: tuple[float, ...] | None


class Outcome(NamedTuple):
    """How a trial ends: its state, its value (None unless COMPLETE or PRUNED) and its details.

    A tuple, so ``state, value, attrs = outcome`` reads it. ``value`` is a :class:`Measured`
    when the objective returned several values or constraints (a plain float otherwise, as it
    always was: what a worker sends back and a landscape reads is unchanged for them).
    """

    state: TrialState
    value: float | Measured | None
    user_attrs: dict[str, Any]


def outcome_of_value(value: Any, attrs: dict[str, Any], owner: str | None = None) -> Outcome:
    """COMPLETE for a finite value, FAILED (with the reason) for NaN or inf.

    A real number too large for a float (an int such as ``10**400``) is refused, naming
    ``owner``, when a person typed it; from an objective (``owner`` None) it is a FAILED trial.
    """
    try:
        number = float(value)
    except OverflowError:
        if owner is not None:
            raise fail("value", owner, "a real number that fits in a float (|value| < 1.8e308)", value) from None
        return Outcome(TrialState.FAILED, None, {"error": f"the objective returned {shown(value)}, too large for a "
                                                          "float", **attrs})
    if not math.isfinite(number):
        return Outcome(TrialState.FAILED, None, {"error": f"the objective returned {number!r}", **attrs})
    return Outcome(TrialState.COMPLETE, number, attrs)


def outcome_of_result(result: Any) -> Outcome:
    """Interpret what an objective returned: a number, several (a tuple, list or array, or a
    dict by objective name: a study of several objectives) or an :class:`Evaluation` of either
    with details and constraints. Never raises: whatever came back, the trial gets a state and,
    if FAILED, a readable reason."""
    attrs: dict[str, Any] = {}
    constraints = None
    if isinstance(result, Evaluation):
        try:
            result, constraints, attrs = read_evaluation(result, "Evaluation")
        except ValueError as error:
            return Outcome(TrialState.FAILED, None, {"error": f"{type(error).__name__}: {error}"})
    result = as_scalar(result)
    if is_real(result) and constraints is None:
        return outcome_of_value(result, attrs)
    values = read_values(result)
    if values is None:
        return Outcome(TrialState.FAILED, None, {"error": f"the objective returned {type(result).__name__} "
                                                          f"{shown(result)}; expected a float, several floats (a "
                                                          "tuple, or a dict by objective name) or an Evaluation"})
    return Outcome(TrialState.COMPLETE, Measured(values, constraints), attrs)


def read_evaluation(evaluation: Evaluation, owner: str, constraints: Any = None,
                    attrs: Mapping[str, Any] | None = None) -> tuple[Any, tuple[float, ...] | None, dict[str, Any]]:
    """``evaluation``'s value (as given: the study checks it against its goals), constraints and
    user_attrs, the last two read again (checked when it was built too; read as they are now,
    filled since, perhaps), a bad one refused naming ``owner``.

    ``constraints`` and ``attrs``: what a person passed beside it (``Study.tell(trial,
    task(params), user_attrs=...)``): ``attrs`` add to its details; ``constraints`` are refused
    when it carries its own, rather than one set dropped unseen.
    """
    own = read_constraints(evaluation.constraints, owner)
    if own is not None and constraints is not None:
        raise fail("constraints", owner, "None when the value is an Evaluation with constraints (it carries its own)",
                   constraints)
    details, given = check_attrs(evaluation.user_attrs, owner), dict(attrs or {})
    clash = sorted(key for key in given if key in details and given[key] != details[key])
    if clash:  # one dropped unseen, as two sets of constraints would be (review r397)
        raise fail("user_attrs", owner, "attributes other than the Evaluation's own, or equal to them",
                   {key: given[key] for key in clash},
                   hint=f"The Evaluation holds {({key: details[key] for key in clash})}.")
    return evaluation.value, own if own is not None else constraints, {**details, **given}


def outcome_of_state(state: TrialState, value: Any, attrs: dict[str, Any], owner: str = "Study.tell",
                     several: bool = False) -> Outcome:
    """The outcome of a trial told FAILED or PRUNED: a pruned trial of one objective may carry
    its last value; a value the trial cannot keep (see :func:`check_no_value`) is refused."""
    check_no_value(state, value, owner, several)
    if state is TrialState.FAILED:
        return Outcome(state, None, {"error": "failed (no reason given)", **attrs})
    if value is not None and as_finite(value) is None:
        raise fail("value", owner, "a finite real number or None for a PRUNED trial", value)
    return Outcome(state, None if value is None else float(value), attrs)


class StudyPruned(TrialPruned):
    """The :class:`~interactive_hpo.exceptions.TrialPruned` a study's ``report`` callable raises
    when the study stops the trial (its pruner's verdict, a person's Stop): the study records who
    stopped it and why (``pruned_by``, ``pruner``, ``human``), so its message is not the objective's
    :data:`PRUNED_REASON`."""


#: What an objective's attribute under a name the optimizer recorded for its trial is kept as:
#: this prefix and the name ("objective:acquisition"), again while that too is taken. No
#: optimizer records a name with a colon, JSON journals and Optuna's ``set_user_attr`` keep any
#: str key, so the moved value resumes and exports as it was kept.
MOVED_PREFIX = "objective:"

#: The moves :func:`keep_record` has warned of, by the study they were made in (each once per
#: study: every trial of a run makes the same one, and Python's own once-per-line rule does not
#: hold, as a run's internal ``warnings.catch_warnings`` resets it).
_WARNED: weakref.WeakKeyDictionary[Any, set[tuple[tuple[str, str], ...]]] = weakref.WeakKeyDictionary()


def keep_record(outcome: Outcome, record: Mapping[str, Any], study: Any) -> Outcome:
    """``outcome`` with the objective's ``user_attrs`` that would overwrite the optimizer's
    ``record`` of the trial (its generation, rung, Sobol position, acquisition: what a resumed
    study replays) moved aside to ``"objective:<name>"`` (:data:`MOVED_PREFIX`), with a warning
    naming them and where they went, once per ``study`` (the study the trial is of) for the same move.

    The state and value are kept: the objective measured them, and an Optuna objective continued
    with ``optuna_objective`` may well set ``"acquisition"`` or ``"phase"`` for its own use. A
    person's ``Study.tell`` is refused for the same clash instead: they typed it.
    """
    clash = sorted(k for k, v in outcome.user_attrs.items() if k in record and v != record[k])
    if not clash:
        return outcome
    attrs = {k: v for k, v in outcome.user_attrs.items() if k not in clash}
    moved = {}
    for name in clash:
        new = MOVED_PREFIX + name
        while new in attrs or new in record or new in outcome.user_attrs:
            new = MOVED_PREFIX + new
        attrs[new] = outcome.user_attrs[name]
        moved[name] = new
    warned = _WARNED.setdefault(study, set())
    if tuple(moved.items()) not in warned:
        warned.add(tuple(moved.items()))
        warn_user(f"The objective's user_attrs {clash} have names the study records for its trials (the "
                  "optimizer's record, what a resumed study replays, or what stopped the trial): the record keeps "
                  f"them; yours are kept as {moved}.", UserWarning)
    return Outcome(outcome.state, outcome.value, attrs)


def check_no_value(state: TrialState, value: Any, owner: str, several: bool) -> None:
    """Refuse a ``value`` given with a FAILED trial (it has none), or with a PRUNED trial of a
    study of ``several`` objectives (it keeps no values), rather than drop it unseen."""
    if value is None or (state is TrialState.PRUNED and not several):
        return
    if state is TrialState.FAILED:
        raise fail("value", owner, "None for a FAILED trial (a failed trial has no value)", value,
                   hint="Keep what it measured in user_attrs" + ("." if several else
                                                                 ", or finish it PRUNED to keep its last value."))
    raise fail("value", owner, "None for a PRUNED trial of several objectives", value)


def check_no_constraints(state: TrialState, constraints: Any, owner: str) -> None:
    """Refuse ``constraints`` given with a PRUNED or FAILED trial rather than drop them unseen:
    only a COMPLETE trial's constraint values are kept and modelled."""
    if constraints is not None and state is not TrialState.COMPLETE:
        raise fail("constraints", owner, f"None for a {state.value} trial (only a COMPLETE trial's constraint "
                                         "values are kept)", constraints,
                   hint="Keep what it measured in user_attrs.")


def cannot_run_at(budget: float | None) -> str:
    """The error recorded for a trial whose objective :func:`check_budget_keyword` refused at its
    ``budget`` (the trial is FAILED and the refusal raised)."""
    return f"the objective cannot run at budget={budget}"


def check_budget_keyword(objective: Callable[..., Any], budget: float | None, owner: str, optimizer_name: str,
                         *, up_to: bool = False) -> None:
    """Refuse an objective that cannot be called at ``budget``: one without a ``budget`` keyword
    for a trial that has a budget, or one whose ``budget`` has no default for a trial that has
    none (a trial at the full budget is called ``objective(params)``; every such trial would fail).

    ``up_to``: ``budget`` is the highest the trials will have (a scheduler's ``max_budget``,
    checked before the first trial), not one trial's.
    """
    if budget is None:
        if requires_keyword(objective, "budget"):
            raise fail("objective", owner, "an objective that runs without `budget` (at the full budget)", objective,
                       hint="Trials at the full budget (those of an optimizer that does not schedule budgets, and "
                            "configurations enqueued or evaluated by hand) call objective(params) without one: give "
                            "budget a default for the full budget, objective(params, *, budget=None).")
    elif not accepts_keyword(objective, "budget") or getattr(objective, "single_fidelity", False) is True:
        # single_fidelity: a keyword that refuses every budget but None, declared for that refusal
        # (the synthetic functions): without this check every trial of a scheduler failed alike.
        at = f"up to max_budget={budget:g}" if up_to else f"this trial at budget={budget:g}"
        single = getattr(objective, "single_fidelity", False) is True
        raise fail("objective", owner, "an objective that runs at budgets" if single else
                   "an objective with a `budget` keyword", objective,
                   hint=f"{optimizer_name!r} evaluates configurations at budgets ({at}); " + (
                       "this one has a single fidelity: wrap it, MultiFidelity(objective), for cheaper, biased "
                       "and noisier evaluations at budgets." if single else
                       "write objective(params, *, budget=None), or use a multi-fidelity objective."))


def budget_range_of(objective: Callable[..., Any], owner: str) -> tuple[float, float] | None:
    """The ``budget_range = (low, high)`` ``objective`` declares (budgets ``low < b <= high``), or
    None if it declares none; a malformed one is refused naming ``objective`` of ``owner``."""
    declared = getattr(objective, "budget_range", None)
    if declared is None:
        return None
    bounds = list(declared) if isinstance(declared, (tuple, list)) else []
    low, high = (as_finite(b) for b in bounds) if len(bounds) == 2 else (None, None)
    if low is None or high is None or not low < high:
        raise fail("objective", owner, "an objective whose budget_range is None or (low, high), real numbers with "
                                       "low < high (it takes budgets low < b <= high)", objective,
                   hint=f"Its budget_range is {shown(declared)}.")
    return low, high


def check_budget_range(objective: Callable[..., Any], min_budget: float | None, max_budget: float, owner: str,
                       optimizer_name: str, lowest: float | None = None) -> None:
    """Refuse a scheduler's budgets, ``min_budget`` to ``max_budget``, beyond those the objective
    declares it takes, before the first trial.

    An objective declares them as ``budget_range = (low, high)``: budgets ``b`` with
    ``low < b <= high``, ``high`` its full evaluation (``SklearnCV`` and ``MultiFidelity``:
    (0, 1], a fraction of it). Without the check, ``max_budget=27`` for such an objective ran
    the jobs at budgets up to 1 at full cost, failed every one above, and left no trial at the
    full budget (27) to count. One that declares none (a plain function, a
    ``FunctionObjective``) is not checked: its units are its own.

    ``lowest``: the budget of the scheduler's cheapest job (its ``lowest_budget``: the lowest rung,
    above a ``min_budget`` off its ladder; default ``min_budget``), which is checked and which the
    hint scales, so that the settings it gives make the same rungs.
    ``owner`` is what the person called (``Study.run``, ...), ``optimizer_name`` the scheduler's
    registered name, whose ``max_budget`` and ``min_budget`` the error names.
    """
    declared = budget_range_of(objective, owner)
    if declared is None:
        return
    low, high = declared
    lowest = min_budget if lowest is None else lowest
    if (lowest is None or low < lowest) and max_budget <= high:
        return
    name, given = ("max_budget", max_budget) if not low < max_budget <= high else ("min_budget", min_budget)
    takes = f"{shown(objective)} runs at budgets in ({low:g}, {high:g}] (its budget_range; {high:g} is its full " \
            "evaluation)"
    if max_budget > high:
        # Its rungs in the objective's units. Ten digits: at six, 1/81 read 0.0123457, 3e-6 above the rung, and
        # lost it (a min_budget is its rung within 1e-6), or 1/27 read 0.037037 and warned it was off the ladder.
        scaled = None if lowest is None else lowest * high / max_budget
        # The top as typed must not pass the range: 1281167 read 1.28117e+06 at six digits, refused again.
        top = f"{high:.10g}" if float(f"{high:.10g}") <= high else repr(float(high))
        hint = (f"{takes}: every job above {high:g} would fail, and none would count as a full evaluation (the study "
                f"counts those at max_budget). Set max_budget={top}" +
                (f" and min_budget={scaled:.10g}, the same rungs in its units." if scaled is not None and low < scaled
                 else "."))
    else:
        hint = f"{takes}: every job at {low:g} or below would fail. Set {name} above {low:g}."
    raise fail(name, f"{optimizer_name!r} in {owner}", f"a budget the objective takes, in ({low:g}, {high:g}]", given,
               hint=hint)


def check_signature(objective: Callable[..., Any], owner: str, keywords: tuple[str, ...]) -> None:
    """Refuse an ``objective`` that :func:`call_objective` cannot call, before any trial: one that
    takes no ``params`` (``lambda: 1.0``), needs more than it (``lambda a, b: ...``) or needs a
    keyword it is not given, as every trial would fail alike.

    ``keywords``: those the calls pass (``"budget"``, ``"report"``), each only where the
    objective declares it. A callable without a signature (some builtins and C functions) is let
    through: its first call tells.
    """
    try:
        signature = inspect.signature(objective)
    except (TypeError, ValueError):
        return
    passed = [name for name in keywords if accepts_keyword(objective, name)]
    try:
        signature.bind({}, **dict.fromkeys(passed))
    except TypeError as error:
        call = ", ".join(["params", *(f"{name}=..." for name in passed)])
        raise fail("objective", owner, "a callable objective(params) -> float (one positional argument, the trial's "
                                       "params; any other argument with a default)", objective,
                   hint=f"It is called as objective({call}); its signature {signature} does not fit: {error}.") \
            from None


def call_objective(objective: Callable[..., Any], params: Mapping[str, Any], *, budget: float | None = None,
                   report: Callable[[float, float], None] | None = None) -> Outcome:
    """Call ``objective(params)`` and read what it returned.

    Parameters
    ----------
    objective : callable
        ``objective(params, *, budget=..., report=...)``: ``budget`` is passed when not None
        (check it is accepted with :func:`check_budget_keyword` first), ``report`` when given
        and the objective takes that keyword.
    params : mapping
        The configuration; the objective gets a fresh dict of it.
    budget : float, optional
    report : callable, optional
        ``report(value, step)``; it may raise :class:`~interactive_hpo.exceptions.TrialPruned`.

    Returns
    -------
    Outcome
        COMPLETE with the value; PRUNED (value None: the caller knows what was reported) when
        the objective raised TrialPruned, with its message, if any and not the study's own
        (:class:`StudyPruned`), under :data:`PRUNED_REASON`; FAILED with ``error`` and ``traceback`` when it
        raised anything else, ``sys.exit()`` included, or returned something that is not a
        finite number. Only ``KeyboardInterrupt`` propagates: the person wants to stop. When
        it ran is the caller's record (the trial's timestamps, a worker's clock).
    """
    kwargs: dict[str, Any] = {} if budget is None else {"budget": budget}
    if report is not None and accepts_keyword(objective, "report"):
        kwargs["report"] = report
    try:
        result = objective(dict(params), **kwargs)
    except TrialPruned as error:  # the objective's own message is why it gave up; "" says nothing
        given = "" if isinstance(error, StudyPruned) else str(error)
        return Outcome(TrialState.PRUNED, None, {PRUNED_REASON: given} if given else {})
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - any failure of user code, sys.exit() too, is data
        return Outcome(TrialState.FAILED, None, {"error": describe_error(error), "traceback": traceback.format_exc()})
    return outcome_of_result(result)
