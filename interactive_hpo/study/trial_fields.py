"""What each field of a trial may hold, whoever gives it (a person's call or a journal line), and
each field of a journal's header.

A trial reaches a study whole from two places: ``Study.add_finished`` (which ``fork_study``,
``remap_study`` and ``from_optuna`` go through) and the replay of a journal, whose lines a person
may have edited or a disk damaged. Both read each field through the one rule here, so what a
person is refused is refused on load too, instead of loading and failing later (a date
``trials_dataframe`` cannot show, a step a plot cannot sort, a generation a fork refuses).

Every check takes ``owner``, what its error names: the method the person called
("Study.add_finished") or the journal line ('this "finished" event'); it raises
:class:`~interactive_hpo.exceptions.InvalidParameterError` naming the argument or field, the
rule and the value, and the replay adds the file and the line (``replay._guarded``).

A journal line's fields (:func:`read_trial`, :func:`read_finished`, :func:`read_report`):

==========================  ===============================================================
``number``                  the next trial's number (a finish or a report: a trial there is)
``state``                   RUNNING ("asked"), COMPLETE ("added"), a finished one ("finished")
``params``                  a configuration of the study's space (an "enqueued" line's too)
``value``, ``values``       as the state and the goals say: a COMPLETE trial's finite value(s)
                            (``values`` with several objectives), a PRUNED trial's last report
                            or None, nothing for a FAILED or RUNNING trial
``constraints``             a COMPLETE trial's finite numbers, as many as the earlier trials'
``source``                  a non-empty str ("enqueued" only for an asked trial)
``budget``                  None or a finite number > 0
``generation``              None or an int in [0, 2**63 - 1] (kept in int64 arrays)
``user_attrs``              None or a JSON object; an "asked" line's is its optimizer's record,
                            whose fields a model's past belief is rebuilt from
                            (``Study.surrogate(step=...)``) are checked (:data:`MODEL_RECORD`),
                            and a "finished" line may not change them (``Study.tell`` may not)
``datetime_start``,         None or a Unix timestamp of a date in the years 1 to 9999 (not
``datetime_complete``       ordered: clocks step back, and a fork drops such a pair); none
                            is complete for a RUNNING trial
``intermediate_values``     a list of [step, value] pairs: a step >= 0, a real value (None: NaN)
``step`` (a report)         a finite number >= 0; its ``value`` a real number or None (NaN)
``action`` (an override)    "stop" or "promote"
==========================  ===============================================================

A journal's header (line 1, :func:`check_header_fields`; ``format`` and ``version`` are read
first, by :class:`~.journal.Journal`):

==========================  ===============================================================
``version``                 an int in [1, the newest this interactive_hpo reads]
``space``                   a search space's record (``SearchSpace.from_dict`` reads it)
``direction``,              as ``Study(direction=..., directions=...)`` takes them, one of the
``directions``              two (:meth:`Goals.from_header <interactive_hpo.goals.Goals.from_header>`)
``objective_names``         None or one distinct non-empty str per direction
``seed``                    an int >= 0
``optimizer``, ``pruner``   ``{"name": str, "settings": {...}}`` (the pruner: or None, no pruner);
                            the class registered under the name judges the settings
``created``                 None or a Unix timestamp of a date, as ``datetime_start``
``warm_start``              absent, or a list of sources (:mod:`.warm_start` reads each)
==========================  ===============================================================

Other keys are kept as they are (a newer version's additions; ``Study.save`` copies them).

An "asked" or "added" line's ``owner`` is read only by :func:`~.owners.owner_status`, which never
fails on it (a record it cannot place is a process that is gone, or one on another host); a report's
``pruner`` verdict is never read back.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._json_values import check_attrs
from .._validation import as_finite, as_scalar, check_int, fail, is_int, is_real, shown
from ..goals import Goals, read_constraints
from ..optimizers.recorded import is_state
from ..outcome import Measured, check_no_constraints, check_no_value
from ..space import SearchSpace
from ..trial import Trial, TrialState, check_step, parse_state
from .journal_lines import HEADER
from .results import FinishedFields, finished_fields

__all__ = ["MAX_INT64", "MODEL_RECORD", "check_budget", "check_curve", "check_date", "check_generation",
           "check_header_fields", "check_source", "check_spec", "check_timestamp", "curve_value", "read_finished",
           "read_report", "read_result", "read_trial"]

#: The largest int a trial's ``generation`` may be: it is kept in int64 arrays.
MAX_INT64 = 2**63 - 1


# -- one rule per field -------------------------------------------------------------------------
def check_source(source: Any, owner: str) -> str:
    """A trial's ``source``: "enqueued" would take the head of the study's queue (only an ask gives it)."""
    if not isinstance(source, str) or not source or source == "enqueued":
        raise fail("source", owner, 'a non-empty str other than "enqueued" (where the trial comes from)', source)
    return source


def check_budget(budget: Any, owner: str) -> float | None:
    """A trial's ``budget``: None (the full budget) or a finite real number > 0."""
    if budget is not None and (as_finite(budget) is None or budget <= 0):
        raise fail("budget", owner, "a finite real number > 0, or None (the full budget)", budget)
    return None if budget is None else float(budget)


def check_generation(generation: Any, owner: str) -> int | None:
    """A trial's generation, an int >= 0 that an int64 array holds (lineage, history): a larger one
    was kept, and then ``lineage`` of the study failed with Python's OverflowError."""
    if generation is None:
        return None
    generation = check_int(generation, "generation", owner, 0)
    if generation > MAX_INT64:
        raise fail("generation", owner, f"an int in [0, {MAX_INT64}]", generation)
    return generation


def check_timestamp(when: Any, name: str, owner: str, none: str = "now") -> float | None:
    """``when`` as a float if it is a Unix timestamp (a finite real number), None if None
    (``none`` says what None stands for)."""
    if when is None:
        return None
    if as_finite(when) is None:
        raise fail(name, owner, f"a Unix timestamp (a finite real number), or None ({none})", when)
    return float(when)


def check_date(moment: float, name: str, owner: str, none: str = "now") -> None:
    """Refuse a Unix timestamp no date shows: one past the year 9999 (or before year 1, or past what
    the platform's ``time_t`` holds) was kept, and then every ``trials_dataframe`` of the study,
    and of its journal loaded again, failed with Python's OverflowError or ValueError."""
    try:
        datetime.datetime.fromtimestamp(moment)
    except (OverflowError, OSError, ValueError):
        raise fail(name, owner, f"a Unix timestamp of a date within the years 1 to 9999, or None ({none})",
                   moment) from None


def curve_value(value: Any) -> float | None:
    """A value reported on a learning curve as kept: a real number as a float, a non-finite one
    (a diverged run) as NaN; None if ``value`` is no real number (the caller refuses it)."""
    value = as_scalar(value)
    if not is_real(value):
        return None
    finite = as_finite(value)
    return math.nan if finite is None else finite


def check_curve(curve: Any, owner: str) -> dict[int | float, float]:
    """A learning curve as typed (a dict step -> value, or None), with steps and values as Python
    numbers; a non-finite value (a diverged run) is kept as NaN, as :meth:`Study.report` keeps it."""
    if curve is None:
        return {}
    if not isinstance(curve, Mapping):
        raise fail("intermediate_values", owner, "a dict from step to value, or None", curve)
    return _curve(curve.items(), dict(curve), owner, "a dict")


def _curve(points: Iterable[tuple[Any, Any]], whole: Any, owner: str, what: str) -> dict[int | float, float]:
    """``points`` (step, value) as a curve, refused as ``what`` (shown as ``whole``) if a step is
    not a finite number >= 0 or a value no real number."""
    read: dict[int | float, float] = {}
    for step, value in points:
        kept = curve_value(value)
        if kept is None:
            raise fail("intermediate_values", owner, f"{what} whose values are real numbers", whole,
                       hint=f"Step {shown(step)} has {shown(as_scalar(value))}.")
        read[check_step(step, owner, "intermediate_values", f"{what} whose steps are finite real numbers >= 0")] = kept
    return read


def _last_value(state: TrialState, value: Any, several: bool, owner: str) -> float | None:
    """The value a PRUNED trial of one objective keeps (its last report; a non-finite one is
    dropped, as a journal holds finite numbers only); any value elsewhere is refused."""
    check_no_value(state, value, owner, several)
    value = as_scalar(value)
    if value is not None and not is_real(value):
        raise fail("value", owner, "a real number or None for a PRUNED trial", value)
    return as_finite(value)


def read_result(goals: Goals, state: TrialState, value: Any, constraints: Any, owner: str,
                name: str = "value") -> Measured | float | None:
    """What a trial finished in ``state`` keeps, for :func:`~.results.finished_fields`: a COMPLETE
    trial's value(s) (numbers where ``goals`` want them, as argument ``name``; a non-finite one is
    the caller's to judge) and constraints; a PRUNED trial's last report; nothing else."""
    if state is TrialState.COMPLETE:
        goals.read(value, owner, name)
        return Measured(value, read_constraints(constraints, owner))
    check_no_constraints(state, constraints, owner)
    return _last_value(state, value, goals.multi, owner)


#: The fields of a model's proposal record (an "asked" trial's ``user_attrs``) read back to rebuild
#: its belief (``Study.surrogate(step=...)``) and to warm-start a resumed fit, with their rules:
#: raw GP hyperparameters by parameter name (``bayes.model.model_state``), the fits' data counts,
#: the acquisition's seed. An edited one loaded, and the time-travel slider then failed with
#: Python's "invalid literal for int()" or TypeError (fuzz a174).
MODEL_RECORD = {
    "gp_state": "raw GP hyperparameters, a JSON object from a parameter's name to a list of finite numbers",
    "constraint_gp_state": "raw GP hyperparameters, a JSON object from a parameter's name to a list of finite "
                           "numbers, or None",
    "gp_data": "an int >= 0 (how many trials the fit saw)",
    "constraint_gp_data": "an int >= 0 (how many trials the fit saw)",
    "acquisition_seed": f"an int in [0, {MAX_INT64}] (the seed its acquisition drew)",
}


def _fits(name: str, value: Any) -> bool:
    """Whether ``value`` keeps the rule :data:`MODEL_RECORD` gives field ``name``."""
    if name.endswith("gp_state"):
        return is_state(value) or (value is None and name == "constraint_gp_state")
    return is_int(value) and 0 <= value <= (MAX_INT64 if name == "acquisition_seed" else math.inf)


def _model_record(user_attrs: dict[str, Any], owner: str) -> dict[str, Any]:
    """An "asked" trial's ``user_attrs``, its optimizer's record, if the fields of
    :data:`MODEL_RECORD` it holds keep their rules."""
    for name, rule in MODEL_RECORD.items():
        if name in user_attrs and not _fits(name, user_attrs[name]):
            raise fail(f"user_attrs[{name!r}]", owner, rule, user_attrs[name],
                       hint="The optimizer that proposed the trial recorded it; it rebuilds that step's model.")
    return user_attrs


# -- a journal line's trial, finish and report ----------------------------------------------------
#: What None stands for in a journal's timestamp.
_UNRECORDED = "not recorded"


def _moment(when: Any, name: str, owner: str) -> float | None:
    moment = check_timestamp(when, name, owner, _UNRECORDED)
    if moment is not None:
        check_date(moment, name, owner, _UNRECORDED)
    return moment


def _attrs(user_attrs: Any, owner: str) -> dict[str, Any]:
    """A line's ``user_attrs`` by :func:`~interactive_hpo._json_values.check_attrs`' rule. A JSON object is
    what that check keeps as it is (str keys, JSON values, no NaN: ``journal_lines.decode`` refuses
    it), so only other values go through it: its copy and ``json.dumps`` of every trial's were
    16 ms of a 2,000-trial load (about 0.25 s of CPU)."""
    return user_attrs if isinstance(user_attrs, dict) else check_attrs(user_attrs, owner)


def _outcome(goals: Goals, state: TrialState, record: Mapping[str, Any], owner: str,
             constrained: Sequence[Trial]) -> FinishedFields:
    """The value(s) and constraints ``record`` (a trial's fields, or a "finished" event) holds
    for a trial in ``state`` (``constrained``: the study's first trial with constraints, if any):
    refused, not FAILED, when a person's call would be refused or the value is not finite (a
    person's objective could not have recorded it)."""
    several = goals.multi and state is TrialState.COMPLETE
    name, other = ("values", "value") if several else ("value", "values")
    if record.get(other) is not None:
        rule = ('None in a study of several objectives (their values are under "values")' if several else
                "None in a study of one objective" if not goals.multi else
                f"None for a {state.value} trial (only a COMPLETE trial keeps values)")
        raise fail(other, owner, rule, record[other])
    given = record.get(name)
    fields = finished_fields(goals, state, read_result(goals, state, given, record.get("constraints"), owner, name),
                             {}, owner, constrained)
    if fields.state is not state:  # a value past a float's range: an objective's would have FAILED the trial
        raise fail(name, owner, "finite real numbers" if several else "a finite real number", given)
    return fields


def read_trial(data: Any, kind: str, space: SearchSpace, goals: Goals, number: int,
               constrained: Sequence[Trial]) -> Trial:
    """The trial of an "asked" (RUNNING) or "added" (COMPLETE) journal line, each field checked
    (the module's table): the study's trial ``number`` (its next), ``constrained`` its first trial
    with constraints, if any (:attr:`~.state.StudyState.constrained`)."""
    owner = f'the trial of this "{kind}" event'
    if not isinstance(data, Mapping):
        raise fail("trial", f'this "{kind}" event', "a JSON object of the trial's fields", data)
    if not is_int(data.get("number")) or data["number"] != number:
        raise fail("number", owner, f"{number}, the next trial's number", data.get("number"))
    state = TrialState.RUNNING if kind == "asked" else TrialState.COMPLETE
    if data.get("state") != state.value:
        raise fail("state", owner, f"{state.value!r} (an {kind!r} trial is {state.value})", data.get("state"))
    # Kept as the space writes them: an Int's 2.0 in an edited line was best_params' 2.0 (sklearn refuses it).
    given: Any = data.get("params")
    params, x = space.encode(given, owner=owner)
    source: Any = data.get("source")
    if not (kind == "asked" and source == "enqueued"):  # an ask took the head of the queue
        check_source(source, owner)
    if state is TrialState.RUNNING:
        for name in ("value", "values", "constraints", "datetime_complete"):
            if data.get(name) is not None:
                raise fail(name, owner, "None for a RUNNING trial (it has no result yet)", data[name])
        fields = FinishedFields(state, None, None, None, {})
    else:
        fields = _outcome(goals, state, data, owner, constrained)
    attrs = _attrs(data.get("user_attrs"), owner)
    pairs = [] if data.get("intermediate_values") is None else data["intermediate_values"]
    if not isinstance(pairs, list) or not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise fail("intermediate_values", owner, "a list of [step, value] pairs (value None: NaN)", pairs)
    return Trial(number=number, params=params, x=x, state=state, value=fields.value, values=fields.values,
                 constraints=fields.constraints, source=source, budget=check_budget(data.get("budget"), owner),
                 generation=check_generation(data.get("generation"), owner),
                 user_attrs=_model_record(attrs, owner) if kind == "asked" else attrs,
                 datetime_start=_moment(data.get("datetime_start"), "datetime_start", owner),
                 datetime_complete=_moment(data.get("datetime_complete"), "datetime_complete", owner),
                 intermediate_values=_curve(((step, math.nan if value is None else value) for step, value in pairs),
                                            pairs, owner, "a list of [step, value] pairs"))


def read_finished(event: Mapping[str, Any], running: Trial, goals: Goals, constrained: Sequence[Trial]) -> Trial:
    """``running`` as a "finished" journal line finishes it, each field checked (``constrained``
    as for :func:`read_trial`)."""
    owner = 'this "finished" event'
    state = parse_state(event.get("state"), owner, any_case=False)
    fields = _outcome(goals, state, event, owner, constrained)
    attrs = _attrs(event.get("user_attrs"), owner)
    changed = {name: attrs[name] for name in MODEL_RECORD if name in attrs and name in running.user_attrs
               and attrs[name] != running.user_attrs[name]}
    if changed:  # Study.tell's rule: the optimizer's record stays as it wrote it
        raise fail("user_attrs", owner, f"attributes other than the optimizer's record of trial {running.number}",
                   changed, hint="Its \"asked\" line recorded them.")
    return running.finished(state, fields.value, attrs,
                            _moment(event.get("datetime_complete"), "datetime_complete", owner),
                            fields.values, fields.constraints)


def read_report(event: Mapping[str, Any]) -> tuple[int | float, float]:
    """The (step, value) of a "reported" journal line: a step as :meth:`Study.report` takes it,
    a real value (None: NaN, a diverged run)."""
    owner = 'this "reported" event'
    step = check_step(event.get("step"), owner)
    value = math.nan if event.get("value") is None else curve_value(event["value"])
    if value is None:
        raise fail("value", owner, "a real number, or None (NaN: a diverged run)", event["value"])
    return step, value


# -- a journal's header ---------------------------------------------------------------------------
def check_spec(spec: Any, name: str, owner: str, none: bool = False) -> dict[str, Any] | None:
    """An optimizer's or a pruner's record, ``{"name": str, "settings": {...}}`` (None too if
    ``none``: no pruner); its settings are judged by the class registered under its name, when
    the replay builds it."""
    if spec is None and none:
        return None
    if not (isinstance(spec, dict) and isinstance(spec.get("name"), str) and isinstance(spec.get("settings"), dict)):
        raise fail(name, owner, "{'name': str, 'settings': {...}}" + (", or None (no pruner)" if none else ""), spec)
    return spec


def check_header_fields(header: Mapping[str, Any]) -> Goals:
    """Each field of a study journal's header by its rule (the module's second table): the goals
    it records. A ``created`` no date shows, a ``warm_start`` of text, ``objective_names`` of one
    str or ``directions`` of null loaded before (the last as a study to minimize)."""
    if not isinstance(header.get("space"), dict):
        raise fail("space", HEADER, "a search space (a JSON object with a 'params' list)", header.get("space"))
    goals = Goals.from_header(header)
    check_int(header.get("seed"), "seed", HEADER, 0)
    check_spec(header.get("optimizer"), "optimizer", HEADER)
    check_spec(header.get("pruner"), "pruner", HEADER, none=True)
    _moment(header.get("created"), "created", HEADER)
    sources = header.get("warm_start", [])
    if not isinstance(sources, list) or not all(isinstance(source, dict) for source in sources):
        raise fail("warm_start", HEADER, "a list of sources {'name': str, 'params': [dict, ...], 'losses': "
                                         "[float, ...]}", sources)
    return goals
