"""Optuna studies in and out: :func:`from_optuna` and :func:`to_optuna`.

What becomes of each part of a trial (the search space: :mod:`.optuna_space`):

===================  ===========================================  ============================================
                     Optuna -> ours (``from_optuna``)             ours -> Optuna (``to_optuna``)
===================  ===========================================  ============================================
states               COMPLETE, PRUNED, FAIL -> COMPLETE, PRUNED,   COMPLETE, PRUNED, FAILED -> COMPLETE, PRUNED,
                     FAILED; WAITING (enqueued) -> our queue if    FAIL; our queue -> WAITING trials
                     its params fit; RUNNING -> left out, with a   (``enqueue_trial``); RUNNING -> left out,
                     warning (no result yet)                       with a warning
values               ``value`` / ``values``; a non-finite value    ``value`` / ``values``; a PRUNED trial's
                     of a COMPLETE trial makes it FAILED with the  value (the last it reported) as Optuna keeps
                     reason, as an objective's would               it
objectives           ``directions`` and ``metric_names`` ->        ``directions``; our objective names (when
                     ``Study(directions=...)`` (names must be      not the defaults) -> ``set_metric_names``
                     distinct: ours are keys)
intermediate values  step -> value, NaN kept, an infinity as NaN   the same; a step must be a whole number
                     (as ``Study.report`` keeps a diverged run's)  (Optuna's steps are ints)
user attrs           kept (NaN and infinities as None; values a    kept; plus ``ihpo_source``, ``ihpo_budget``,
                     JSON journal cannot hold, such as objects,    ``ihpo_generation`` when set
                     are left out with a warning)
source, budget       source "optuna"; ``ihpo_budget`` and          as user attrs (above); ``ihpo_source`` is not
                     ``ihpo_generation`` become the fields again   written for a trial whose source is "optuna"
                     (``ihpo_source`` stays a user attr: where
                     the trial came from before Optuna)
constraints          ``trial.constraints`` (by name, in numeric    keys "0", "1", ...
                     then alphabetical order, the same names in
                     every trial; other names than "0", "1", ...
                     are named in a warning) -> a tuple, for a
                     COMPLETE trial (other trials' are left out
                     with a warning); a non-finite one (Optuna
                     accepts inf) makes a COMPLETE trial FAILED
                     with the reason (ours are finite, for the GP)
system attrs         constraints read (above); the samplers' and   none written
                     pruners' own records ignored; any other key
                     (artifacts, a terminator's scores) left out
                     with a warning
study attrs          ``ihpo_space`` -> the space, if it holds the  ``ihpo_space``: our space (conditions on
                     trials; ``ihpo_full_budget`` -> each trial's  choices no trial took, parameters never
                     ``carried_full_budget``, as a fork's (lower   active: what the trials cannot show);
                     rungs are no full evaluations); any other     ``ihpo_full_budget``: ``study.full_budget``
                     left out with a warning (ours have none)      (a scheduler's ``max_budget``; not when 1)
datetimes            naive local datetimes <-> Unix timestamps (a  the same
                     trial that ends before it starts, the clock
                     set back while it ran, ends at its start,
                     with a warning)
===================  ===========================================  ============================================

So ours -> Optuna -> ours gives back the params, states, values, curves, user attributes (plus
``ihpo_source``), budgets and times; Optuna -> ours -> Optuna the same on Optuna's side.
The imported trials are Optuna's (source "optuna"), not carried as a fork's (source "carried"
says a branch of this study held them, and nests their attributes): the optimizer that goes on
reads what it can of them. With the same seed, "random", "grid" and "sobol" go on as the exported
study would have ("sobol" at the position its trials' ``sobol_index`` names, checked against its
sequence; a configuration imported without one is skipped when the sequence reaches it), and so
does "bo"'s initial design; its GP is fitted afresh, and a population method breeds from them as
from trials it did not propose (its population does not make the round trip).
A FAILED trial whose params do not fit the space of the COMPLETE and PRUNED trials (Optuna
records what was suggested before the objective raised) is left out, with a warning; so are
PRUNED trials that do not fit one space with the COMPLETE ones (pruned before suggesting every
parameter: the space is then read off the COMPLETE trials), and a trial run at a value outside
its own range (``enqueue_trial`` runs any value, with a warning).

:func:`to_optuna` lives in :mod:`.optuna_export`. Optuna is imported when these functions are
called, never when this module is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from .._json_values import check_attrs
from .._paths import check_path
from .._validation import as_finite, check_bool, fail, import_optional, seed_to_int, warn_user
from ..direction import Direction
from ..exceptions import InvalidParameterError
from ..goals import Goals
from ..optimizers.capabilities import MultiObjective
from ..optimizers.registry import check_settings, optimizers_serving_several
from ..space import SearchSpace
from ..study.core import Study
from ..study.learnt import warn_not_learnt
from ..trial import Trial, TrialState
from .optuna_constraints import check_constraint_names, constraint_values, unmeasured_constraint
from .optuna_journal import check_new, resumed, saved
from .optuna_notices import listed, unread_attrs, warn_recorded_names, warn_slow_fit
from .optuna_space import infer_space, parameter_of, params_misfit, stored_space

__all__ = ["from_optuna", "is_optuna_study", "optuna_module", "SOURCE", "SOURCE_KEY", "BUDGET_KEY", "GENERATION_KEY",
           "SPACE_KEY", "FULL_BUDGET_KEY"]

#: The source of the trials :func:`from_optuna` adds.
SOURCE = "optuna"
#: User attributes :func:`to_optuna` writes for what Optuna's trials have no field for.
SOURCE_KEY, BUDGET_KEY, GENERATION_KEY = "ihpo_source", "ihpo_budget", "ihpo_generation"
#: The study's user attribute :func:`to_optuna` keeps our search space in (``SearchSpace.to_dict()``):
#: Optuna's trials show a condition only for the choices they took, and no parameter never active.
SPACE_KEY = "ihpo_space"
#: The study's user attribute :func:`to_optuna` keeps our ``study.full_budget`` in (when not 1): the
#: trials' ``ihpo_budget`` are in its units, and a lower rung is no full evaluation for a GP.
FULL_BUDGET_KEY = "ihpo_full_budget"


def optuna_module(purpose: str) -> Any:
    """Optuna, imported now, or an install hint naming ``purpose``."""
    return import_optional("optuna", "optuna", purpose)


def is_optuna_study(obj: Any) -> bool:
    """Whether ``obj`` is an ``optuna.Study``, without importing Optuna (none exists before it is)."""
    optuna = sys.modules.get("optuna")
    return optuna is not None and isinstance(obj, optuna.study.Study)


def _states(optuna: Any) -> dict[Any, TrialState]:
    finished = optuna.trial.TrialState
    return {finished.COMPLETE: TrialState.COMPLETE, finished.PRUNED: TrialState.PRUNED,
            finished.FAIL: TrialState.FAILED}


def from_optuna(optuna_study: Any, optimizer: str | None = None, *, seed: int | None = None,
                optimizer_settings: Mapping[str, Any] | None = None, storage: str | os.PathLike[str] | None = None,
                drop_steps: bool = False, space: SearchSpace | None = None) -> Study:
    """Our :class:`~interactive_hpo.study.Study` holding an Optuna study's trials.

    The search space is read off the trials' distributions, conditions included where some
    trials lack a parameter (:mod:`interactive_hpo.interop.optuna_space`); a study written by
    :func:`to_optuna` gives back the space stored with it, while that holds its trials. What becomes of each
    state and attribute is in this module's table. The trials are told to the optimizer, so
    ``study.surrogate()`` is the GP's belief about the Optuna study, ``study.ask()`` its next
    proposal, and ``Lab(study, objective)`` steers it on.

    Parameters
    ----------
    optuna_study : optuna.Study
        With at least one finished trial (they define the search space).
    optimizer : str, optional
        Our optimizer that continues it: default "bo" (one objective) or "parego" (several).
    seed : int, optional
        Seeds the optimizer.
    optimizer_settings : dict, optional
        Its settings (``{"n_initial": 5}``), for ``optimizer`` or the default one.
    storage : str or path, optional
        A new journal file for our study (an existing journal is refused: the trials would be
        added twice). The study is built in memory first, written whole and resumed from the
        journal, as ``Study.load(path)`` resumes it: when the import fails, no journal is left
        behind (a file created for it is removed; an empty file given is left empty).
    drop_steps : bool
        Import a stepped range (``suggest_float(..., step=0.1)``) as the range without its step
        instead of refusing it.
    space : SearchSpace, optional
        The search space, instead of the one read off the trials: when you know it better than
        they show (a condition on a choice no trial took). Every COMPLETE trial must fit it; other
        trials that do not are left out with a warning.

    Examples
    --------
    >>> import optuna
    >>> optuna.logging.set_verbosity(optuna.logging.WARNING)
    >>> theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    >>> theirs.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=5)
    >>> ours = from_optuna(theirs, "random", seed=0)
    >>> len(ours.trials), ours.trials[0].source, ours.best_value == theirs.best_value
    (5, 'optuna', True)
    """
    optuna = optuna_module("from_optuna")
    owner = "from_optuna"
    if not isinstance(optuna_study, optuna.study.Study):
        raise fail("optuna_study", owner, "an optuna.Study", optuna_study,
                   hint="Load a stored one first: optuna.load_study(study_name=..., storage='sqlite:///...')."
                   if isinstance(optuna_study, (str, os.PathLike)) else None)
    drop_steps = check_bool(drop_steps, "drop_steps", owner)
    if space is not None and not isinstance(space, SearchSpace):
        raise fail("space", owner, "a SearchSpace or None", space)
    seed = None if seed is None else seed_to_int(seed, owner)
    goals = _goals(optuna_study, owner)
    if optimizer is None:  # not `optimizer or ...`: "" became "bo" unseen
        optimizer = "parego" if len(goals) > 1 else "bo"
    _check_optimizer(optimizer, optimizer_settings, Goals.parse(directions=goals, owner=owner), owner)
    path = None if storage is None else check_path(storage, "storage", owner)
    existed = path is not None and path.exists()
    if path is not None:
        check_new(path, storage, owner)
    states = _states(optuna)
    trials = sorted(optuna_study.get_trials(deepcopy=False), key=lambda t: t.number)
    finished = [t for t in trials if t.state in states]
    left_out: dict[str, list[int]] = {}
    given = space is not None
    if space is None:
        done = optuna.trial.TrialState
        evidence = [t for t in finished if t.state is not done.FAIL]  # as _inferred reads them
        judges = (done.COMPLETE, done.PRUNED) if evidence else (done.FAIL,)
        space, why = stored_space(optuna_study.user_attrs.get(SPACE_KEY), evidence or finished,
                                  drop_steps=drop_steps)
        if why is not None:
            left_out[f"the space to_optuna stored (user attribute {SPACE_KEY!r}), which {why}"] = []
        if space is None:
            space, judges = _inferred(finished, optuna.trial.TrialState, drop_steps, owner)
    else:
        judges = (optuna.trial.TrialState.COMPLETE,)
    kept = []
    for trial in finished:
        problem = params_misfit(space, trial.params)
        if problem is None:
            kept.append(trial)
        elif trial.state not in judges:
            left_out.setdefault(f"{trial.state.name} trials whose params do not fit the space " + (
                "given" if given else f"of the {' and '.join(state.name for state in judges)} ones"),
                []).append(trial.number)
        elif _outside_own_range(trial):  # Optuna cannot delete it: refusing it would refuse the study for good
            left_out.setdefault("trials run at a value outside their own range (as enqueue_trial allows)",
                                []).append(trial.number)
        elif given:
            raise fail("space", owner, "a search space every trial fits", space,
                       hint=f"Optuna trial {trial.number} has params {trial.params} ({problem}).")
        else:
            raise fail("optuna_study", owner, "a study whose trials fit one search space", f"trial {trial.number}",
                       hint=f"Its params {trial.params} do not fit the space read off the trials ({problem}).")
    names = check_constraint_names(kept, optuna.trial.TrialState.COMPLETE, "optuna_study", owner,
                                   "Import the trials that measure one set, copied into a new study first "
                                   "(optuna.create_study(directions=...).add_trials([t for t in study.trials if "
                                   "sorted(t.constraints) in ([], [...])])).")
    if names is not None and names != [str(i) for i in range(len(names))]:  # "0", "1": to_optuna's and ours
        left_out[f"the constraints' names {names} (ours are numbered, 0, 1, ... in that order)"] = []
    full = _stored_full_budget(optuna_study, left_out)
    # Built in memory, then written whole: a trial refused midway leaves no journal behind.
    study = Study(space, optimizer, directions=goals, seed=seed, optimizer_settings=optimizer_settings)
    failed = []  # COMPLETE in Optuna, FAILED here: a value or a constraint that is not finite
    backwards: list[int] = []  # ending before they start, as Optuna recorded them (_times)
    for trial in kept:
        if _add(study, trial, states[trial.state], owner, left_out, full, backwards).state is not states[trial.state]:
            failed.append(trial.number)
    for trial in trials:
        if trial.state is optuna.trial.TrialState.WAITING and params_misfit(space, _enqueued(trial)) is None:
            study.enqueue(_enqueued(trial))
        elif trial.state is optuna.trial.TrialState.WAITING:
            left_out.setdefault("WAITING trials whose enqueued params do not fit the space (our queue holds "
                                "whole configurations)", []).append(trial.number)
        elif trial.state not in states:
            left_out.setdefault(f"{trial.state.name} trials (no result yet)", []).append(trial.number)
    unread_attrs(optuna_study, kept, left_out, (SPACE_KEY, FULL_BUDGET_KEY))
    warn_recorded_names(study.optimizer.name, kept, SOURCE_KEY)
    warn_not_learnt(study.trials, study.optimizer, study.full_budget, owner)  # once, with the count
    warn_slow_fit(study, owner)
    if path is not None:
        space, objectives = study.space, study.goals.study_arguments()
        created_folders = saved(study, path, existed)
        del study  # let go before the replay builds its twin: both at once were a third of the peak memory
        study = resumed(space, objectives, path, existed, created_folders)
    if backwards:
        warn_user(f"from_optuna took the start of Optuna trials {listed(backwards)} as their end too (their duration "
                  f"is unknown): Optuna records them as ending before they start, as a clock set back while they "
                  f"ran makes it (Optuna records naive local time: the night daylight saving time ends, or a clock "
                  f"adjusted).", UserWarning)
    if failed:
        warn_user(f"from_optuna imported {len(failed)} COMPLETE Optuna trial(s) as FAILED, their value or a "
                  f"constraint not being finite (trial.error says which): Optuna trials {listed(failed)}.",
                  UserWarning)
    for what, numbers in left_out.items():
        warn_user(f"from_optuna left out {what}{f': Optuna trials {listed(numbers)}' if numbers else ''}.",
                  UserWarning)
    return study


def _inferred(finished: list[Any], done: Any, drop_steps: bool, owner: str) -> tuple[SearchSpace, tuple[Any, ...]]:
    """The search space of the ``finished`` trials, and the states (of ``done``, Optuna's TrialState)
    of the trials it was read off: the COMPLETE and PRUNED ones; the COMPLETE ones alone when the
    PRUNED ones do not fit one space with them (an objective may raise TrialPruned for a
    configuration it refuses before suggesting every parameter: Optuna cannot delete such a trial,
    so refusing it would refuse the study for good); the FAIL ones when there are no others."""
    evidence = [t for t in finished if t.state is not done.FAIL]
    if not evidence:  # Optuna records what was suggested before the objective raised
        return infer_space(finished, drop_steps=drop_steps, owner=owner), (done.FAIL,)
    try:
        return infer_space(evidence, drop_steps=drop_steps, owner=owner), (done.COMPLETE, done.PRUNED)
    except InvalidParameterError:
        complete = [t for t in evidence if t.state is done.COMPLETE]
        if not complete or len(complete) == len(evidence):
            raise  # no PRUNED trial to leave out
        return infer_space(complete, drop_steps=drop_steps, owner=owner), (done.COMPLETE,)


def _check_optimizer(optimizer: Any, settings: Any, goals: Goals, owner: str) -> None:
    """The optimizer named and its settings, checked before the trials are read (errors name
    ``owner``, not the Study it builds): registered, settings it takes, several objectives served."""
    if settings is not None and not isinstance(settings, Mapping):
        raise fail("optimizer_settings", owner, "a dict or None", settings)
    kind = check_settings(optimizer, settings or {}, argument="optimizer", settings_argument="optimizer_settings",
                          owner=owner, seed_apart=True)
    if goals.multi and not issubclass(kind, MultiObjective):
        raise fail("optimizer", owner, f"an optimizer that serves several objectives for {goals.describe()}",
                   optimizer, hint=f"These do: {optimizers_serving_several()}.")


def _goals(optuna_study: Any, owner: str) -> list[Direction] | dict[str, Direction]:
    """The ``directions`` of our study: by name when the Optuna study names its objectives."""
    directions = [Direction.parse(d.name.lower(), "directions", owner) for d in optuna_study.directions]
    names = optuna_study.metric_names
    if names is None:
        return directions
    if not all(isinstance(name, str) and name for name in names) or len(set(names)) < len(names):
        raise fail("optuna_study.metric_names", owner, "distinct non-empty str names, one per objective", names,
                   hint="Our objectives are told apart by name (a dict from name to value); give each its own "
                        "with optuna_study.set_metric_names([...]) before importing.")
    return dict(zip(names, directions, strict=True))


def _outside_own_range(trial: Any) -> bool:
    """Whether a value of ``trial`` lies outside the distribution it was suggested with: Optuna runs
    an enqueued value anywhere, with a warning."""
    for name, distribution in trial.distributions.items():
        try:
            parameter_of(name, distribution, drop_steps=True).validate(trial.params[name])
        except InvalidParameterError:
            return True
    return False


def _enqueued(trial: Any) -> dict[str, Any]:
    """The params of a WAITING trial: ``enqueue_trial`` keeps them in the system attribute
    "fixed_params" until the trial runs (checked with Optuna 5.1.0; Optuna has no public name
    for them), together with any already suggested."""
    return {**dict(trial.system_attrs.get("fixed_params") or {}), **trial.params}


def _stored_full_budget(optuna_study: Any, left_out: dict[str, list[int]]) -> float | None:
    """The full budget :func:`to_optuna` stored with ``optuna_study`` (None: none); one that is no
    real number > 0 (set by hand) is added to ``left_out``."""
    stored = optuna_study.user_attrs.get(FULL_BUDGET_KEY)
    full = as_finite(stored)
    if stored is not None and (full is None or full <= 0):
        left_out[f"the study's user attribute {FULL_BUDGET_KEY!r}, {stored!r}, which is no full budget (> 0)"] = []
        return None
    return full


def _add(study: Study, trial: Any, state: TrialState, owner: str, left_out: dict[str, list[int]],
         full_budget: float | None, backwards: list[int]) -> Trial:
    """Add one finished Optuna trial to ``study``; ``full_budget``: the full budget of the study
    it was exported from (:func:`_stored_full_budget`), carried as a fork carries it; a trial that
    ends before it starts is added to ``backwards`` (:func:`_times`)."""
    attrs = dict(trial.user_attrs)
    if full_budget is not None:  # the trial's own (a fork's, exported) is kept: the study counts the largest
        attrs.setdefault("carried_full_budget", full_budget)
    # Only what to_optuna writes there becomes the fields again; anything else (a budget of 0 or
    # NaN, a generation of -1, typed by hand) stays a user attribute, as text there does.
    budget = attrs.pop(BUDGET_KEY) if (as_finite(attrs.get(BUDGET_KEY)) or 0.0) > 0.0 else None
    generation = attrs.pop(GENERATION_KEY) if type(attrs.get(GENERATION_KEY)) is int and attrs[GENERATION_KEY] >= 0 \
        else None
    for key in list(attrs):
        try:
            attrs[key] = check_attrs({key: attrs[key]}, owner)[key]
        except InvalidParameterError:
            left_out.setdefault(f"user attribute {key!r}, which a JSON journal cannot hold,", []).append(trial.number)
            del attrs[key]
    constraints: tuple[float, ...] | None = None
    if state is TrialState.COMPLETE:
        broken = unmeasured_constraint(trial.constraints)
        if broken is None:
            constraints = constraint_values(trial.constraints)
        else:  # as an objective's non-finite value does: FAILED, with the reason
            state, attrs["error"] = TrialState.FAILED, (f"Optuna trial {trial.number} was COMPLETE with values "
                                                        f"{trial.values}, but {broken}")
    elif trial.constraints:  # Optuna's constraints_func and set_constraint measure PRUNED trials too
        left_out.setdefault(f"the constraints of {trial.state.name} trials (ours keep a COMPLETE trial's only)",
                            []).append(trial.number)
    if state is TrialState.COMPLETE:
        value: Any = tuple(trial.values) if study.goals.multi else trial.value
    else:
        value = trial.value if state is TrialState.PRUNED and not study.goals.multi else None
    start, complete = _times(trial, backwards)
    return study.add_finished(trial.params, state=state, value=value, source=SOURCE, user_attrs=attrs,
                              intermediate_values=dict(trial.intermediate_values), budget=budget,
                              generation=generation, constraints=constraints,
                              datetime_start=start, datetime_complete=complete, owner=owner)


def _times(trial: Any, backwards: list[int]) -> tuple[float | None, float | None]:
    """The start and end of ``trial`` as Unix timestamps. Optuna records ``datetime.now()``, naive
    local time, so a clock set back while a trial ran (the night daylight saving time ends, an NTP
    step) makes it end before it starts; ``add_finished`` refuses that from a person who types it,
    but Optuna's record is what it is (and refusing it refused the whole study for good). Its end
    is taken as its start, its number added to ``backwards`` for one warning."""
    start, complete = (None if moment is None else moment.timestamp()
                       for moment in (trial.datetime_start, trial.datetime_complete))
    if start is not None and complete is not None and complete < start:
        backwards.append(trial.number)
        complete = start
    return start, complete
