"""Optuna's distributions and our parameters, both ways, and a search space read off a study's trials.

The mapping:

=======================================  =====================================================
Optuna                                   ours
=======================================  =====================================================
``FloatDistribution(low, high, log)``    ``Float(name, low, high, log)``
``IntDistribution(low, high, log)``      ``Int(name, low, high, log)``
``CategoricalDistribution(choices)``     ``Categorical(name, choices)`` (str, int, float, bool,
                                         None; finite, without duplicates such as 1 and 1.0);
                                         ours with True and 1 (or False and 0) is refused by
                                         :func:`distribution_of`: Optuna takes them for one
a range of one value (``low == high``)   ``Categorical(name, [low])``: our numeric ranges need
                                         ``high > low``; :func:`distribution_of` writes a
                                         Categorical of one number back as that range (Optuna's
                                         way to pin a number)
``step`` (Float or Int)                  refused (our ranges have no step), unless
                                         ``drop_steps=True``: the range without its step
=======================================  =====================================================

Optuna builds its search space while the objective runs ("define by run"), so a parameter may
be absent from some trials. Our spaces say when a parameter exists with a condition on a
categorical or integer parent (:mod:`interactive_hpo.conditions`), and :func:`infer_space`
looks for one: a parent present wherever the parameter is, whose values in the trials with the
parameter never occur in the trials without it ("gamma" appears exactly when "kernel" is "rbf"
or "poly"). Choices of a categorical parent that no trial shows count as not activating it; an
integer parent decides from a threshold on (``n_layers >= 2``; values interleaved are no
condition), and values beyond the observed ones follow the side they are on. A parameter absent
without such a parent is refused with an error naming it. A range that changes between trials
in its bounds only (a study whose range was widened) is read as the range holding them all, with
a warning; another change (of kind, ``log``, step or choices) is refused with an error naming
the parameter.

Trials show a condition only for the choices they took, and no parameter never active: a study
that :func:`~interactive_hpo.interop.to_optuna` wrote keeps our space with it, and
:func:`stored_space` takes it back while it holds the trials.

Optuna's database and journal storages refuse a parameter suggested with another kind of
distribution (or another ``log``) than before: a distribution our parameter does not write back
as the same kind (a ``CategoricalDistribution`` of one number, a range of one value with
``log=True``) is named in a warning by :func:`infer_space`, since the Optuna objective that
suggests it could not continue the study :func:`~interactive_hpo.interop.to_optuna` writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

from .._validation import fail, import_optional, warn_user
from ..exceptions import InvalidParameterError
from ..parameters import Categorical, Float, Int, Parameter
from ..space import SearchSpace
from .optuna_conditions import _key, _parent

__all__ = ["distribution_of", "infer_space", "maps_exactly", "params_misfit", "parameter_of", "refuse_merged",
           "stored_space"]

#: What our spaces hold, for error messages.
_HELD = ("a distribution our search spaces hold (FloatDistribution or IntDistribution without step, "
         "CategoricalDistribution of str, int, float, bool or None)")


#: The rule of a categorical both ways.
_APART = "a Categorical whose choices Optuna tells apart (not both True and 1, nor False and 0)"


def _optuna_distributions() -> Any:
    return import_optional("optuna", "optuna", "Reading Optuna distributions").distributions


def parameter_of(name: str, distribution: Any, *, drop_steps: bool = False, condition: Any = None,
                 owner: str = "from_optuna") -> Parameter:
    """Our parameter for an Optuna distribution (see the module's table), or an error naming ``name``.

    Parameters
    ----------
    name : str
        The parameter's name.
    distribution : optuna.distributions.BaseDistribution
    drop_steps : bool
        Import a stepped range as the range without its step instead of refusing it.
    condition : tuple or None
        The ``condition=`` of the parameter (see :mod:`interactive_hpo.conditions`).
    owner : str
        The function the user called, for error messages.
    """
    if not isinstance(name, str) or not name.strip():  # Optuna takes any str; a refusal could not name it
        raise fail("optuna_study", owner, "a study whose parameters have names that are not blank (ours are named "
                   "by them)", name, hint=f"Its parameter {name!r} has {distribution}.")
    dists = _optuna_distributions()
    if isinstance(distribution, dists.CategoricalDistribution):
        return _held(Categorical, "these choices", name, distribution, owner, list(distribution.choices),
                     condition=condition)
    numeric = isinstance(distribution, (dists.FloatDistribution, dists.IntDistribution))
    if not numeric:
        raise fail(name, owner, _HELD, distribution, hint=f"{type(distribution).__name__} has no counterpart here.")
    if distribution.low == distribution.high:  # Optuna allows a range of one value; ours need high > low
        return _held(Categorical, "this value", name, distribution, owner, [distribution.low], condition=condition)
    integer = isinstance(distribution, dists.IntDistribution)
    step = distribution.step
    if step is not None and not (integer and step == 1) and not drop_steps:
        raise fail(name, owner, _HELD, distribution,
                   hint=f"Our {'Int' if integer else 'Float'} has no step: pass drop_steps=True to import it as "
                        "the range without its step (the trials' values stay as they are; new proposals may fall "
                        "between steps).")
    return _held(Int if integer else Float, "this range", name, distribution, owner, distribution.low,
                 distribution.high, log=distribution.log, condition=condition)


def _held(kind: type[Float] | type[Int] | type[Categorical], what: str, name: str, distribution: Any, owner: str,
          *args: Any, **kwargs: Any) -> Parameter:
    """``kind(name, *args, **kwargs)``, or the refusal of ``name`` of ``owner`` saying why our ``kind``
    refuses ``what`` (an infinite bound, an Int beyond 2**53: errors that named Float('x') or Int('n'),
    which the person never called)."""
    try:
        return kind(name, *args, **kwargs)
    except InvalidParameterError as error:
        raise fail(name, owner, _HELD, distribution, hint=f"Our {kind.__name__} refuses {what}: {error}") from error


def maps_exactly(name: str, distribution: Any) -> bool:
    """Whether :func:`parameter_of` maps parameter ``name``'s ``distribution`` onto a range of ours
    with the same values (no step dropped, a range of more than one value, choices our Categorical
    holds, bounds our Float and Int hold: an Int beyond 2**53, say, is Optuna's only; a name ours
    hold: Optuna takes a blank one)."""
    dists = _optuna_distributions()
    if isinstance(distribution, dists.CategoricalDistribution):
        exact = len(distribution.choices) > 1
    elif isinstance(distribution, (dists.FloatDistribution, dists.IntDistribution)):
        integer = isinstance(distribution, dists.IntDistribution)
        stepless = distribution.step is None or (integer and distribution.step == 1)
        exact = stepless and distribution.low < distribution.high
    else:
        return False
    try:
        parameter_of(name, distribution)
    except InvalidParameterError:
        return False
    return exact


def distribution_of(parameter: Parameter) -> Any:
    """The Optuna distribution of one of our parameters (its condition is not part of it: in
    Optuna an inactive parameter is simply not suggested)."""
    dists = _optuna_distributions()
    if isinstance(parameter, Categorical):
        (first, *others) = parameter.choices
        if not others and type(first) in (int, float):  # what parameter_of made of Optuna's range of one value
            return (dists.IntDistribution if type(first) is int else dists.FloatDistribution)(first, first)
        if _merged_by_optuna(parameter):
            raise fail(parameter.name, "to_optuna", _APART, list(parameter.choices), hint="Optuna finds a choice by "
                       "== (True == 1, False == 0): its storages would give back 1 for True. Use choices that differ "
                       "by value (\"on\" and 1, say).")
        return dists.CategoricalDistribution(list(parameter.choices))
    if isinstance(parameter, Int):
        return dists.IntDistribution(int(parameter.low), int(parameter.high), log=parameter.log)
    if isinstance(parameter, Float):
        return dists.FloatDistribution(float(parameter.low), float(parameter.high), log=parameter.log)
    raise fail("parameter", "to_optuna", "a Float, Int or Categorical", parameter)


def _merged_by_optuna(parameter: Parameter) -> TypeGuard[Categorical]:
    """Whether ``parameter`` is a Categorical with choices Optuna takes for one: True and 1, or False
    and 0 (it finds a choice by ==, as a set does; our Categorical keeps them apart)."""
    return isinstance(parameter, Categorical) and len(set(parameter.choices)) < len(parameter.choices)


def refuse_merged(parameters: Sequence[Parameter], owner: str) -> None:
    """Refuse, naming ``owner``, a space of Optuna's trials (read off them, or stored with them)
    holding a Categorical whose choices Optuna takes for one (:func:`_merged_by_optuna`): its trials
    would come in mislabelled."""
    for parameter in parameters:
        if _merged_by_optuna(parameter):
            others = ", and your other parameters" if len(parameters) > 1 else ""
            raise fail(parameter.name, owner, _APART, list(parameter.choices), hint="Optuna finds a choice by == "
                       "(True == 1, False == 0), so its trials hold the first of the two where the objective was given "
                       "the other, and to_optuna cannot write the choices back. To import the trials as Optuna "
                       f"recorded them, pass the space yourself: {owner}(optuna_study, space=SearchSpace([{parameter!r}"
                       f"{others}])).")


def infer_space(trials: Sequence[Any], *, drop_steps: bool = False, owner: str = "from_optuna") -> SearchSpace:
    """The search space of Optuna trials: one parameter per name, with conditions where names
    are absent from some trials.

    Parameters
    ----------
    trials : sequence of optuna.trial.FrozenTrial
        The trials whose parameters define the space (finished ones; every one of them must fit it).
    drop_steps : bool
        See :func:`parameter_of`.
    owner : str
        The function the user called, for error messages.
    """
    distributions: dict[str, Any] = {}
    first: dict[str, tuple[int, Any]] = {}  # the trial a parameter is first met in, and its distribution there
    changed: dict[str, tuple[int, Any]] = {}  # a range widened: the first trial with another one, and that one
    for trial in trials:
        for name, distribution in trial.distributions.items():
            if name not in distributions:
                distributions[name], first[name] = distribution, (trial.number, distribution)
            elif distributions[name] != distribution:
                distributions[name] = _union(distributions[name], distribution)
                if distributions[name] is None:
                    raise fail(name, owner, "one distribution in every trial, or ranges differing only in their "
                               "bounds", distribution, hint=f"Trial {first[name][0]} has {first[name][1]}, trial "
                               f"{trial.number} {distribution}: our search spaces hold one range per parameter.")
                changed.setdefault(name, (trial.number, distribution))
    for name, (number, distribution) in changed.items():
        warn_user(f"{owner} reads `{name}`, whose range changes between trials (trial {first[name][0]}: "
                  f"{first[name][1]}, trial {number}: {distribution}), as the range holding them all: "
                  f"{distributions[name]}, which to_optuna writes for every trial.", UserWarning)
    if not distributions:
        raise fail("optuna_study", owner, "a study whose finished trials have parameters",
                   "no finished trial with parameters", hint="Nothing tells its search space: it is read off the "
                   "distributions of what its finished trials (COMPLETE, PRUNED, FAIL) suggested. Finish one first "
                   "(optuna_study.optimize(objective, n_trials=1)); its WAITING trials then come in as our queue.")
    plain = {name: parameter_of(name, d, drop_steps=drop_steps, owner=owner) for name, d in distributions.items()}
    refuse_merged(list(plain.values()), owner)  # refused here, naming owner: to_optuna's refusal was met below
    present = {name: frozenset(i for i, t in enumerate(trials) if name in t.params) for name in plain}
    order = list(plain)
    conditions: dict[str, tuple[str, list[Any]]] = {}
    for name in order:
        if len(present[name]) < len(trials):
            conditions[name] = _parent(name, plain, present, order, trials, owner)
    params = [parameter_of(name, distributions[name], drop_steps=drop_steps, condition=conditions.get(name),
                           owner=owner) if name in conditions else plain[name] for name in order]
    for name, parameter in plain.items():
        back = distribution_of(parameter)
        if type(back) is not type(distributions[name]) or getattr(back, "log", False) != getattr(
                distributions[name], "log", False):
            warn_user(f"{owner} reads `{name}`'s {distributions[name]} as {parameter!r}, which to_optuna writes "
                      f"back as {back}: Optuna's database and journal storages refuse the first for that name "
                      "after the second, so the objective suggesting it could not continue the exported study.",
                      UserWarning)
    return SearchSpace(params)


def _union(one: Any, other: Any) -> Any:
    """The range holding both Optuna ranges ``one`` and ``other`` if they differ only in their bounds
    (as Optuna lets a study widen a range: its storages refuse only another kind or ``log``), else None.
    Stepped ranges are not joined: their grids need not line up."""
    dists = _optuna_distributions()
    numeric = (dists.FloatDistribution, dists.IntDistribution)
    if not isinstance(one, numeric) or type(one) is not type(other) or one.log != other.log or one.step != other.step \
            or not (one.step is None or (isinstance(one, dists.IntDistribution) and one.step == 1)):
        return None
    return type(one)(min(one.low, other.low), max(one.high, other.high), log=one.log)


def params_misfit(space: SearchSpace, params: Mapping[str, Any]) -> str | None:
    """Why ``params`` do not fit ``space``, or None when they do."""
    try:
        space.validate(params)
    except InvalidParameterError as error:
        return str(error)
    return None


def stored_space(data: Any, judged: Sequence[Any], *, drop_steps: bool = False
                 ) -> tuple[SearchSpace | None, str | None]:
    """The space :func:`~interactive_hpo.interop.to_optuna` stored with an Optuna study
    (``SearchSpace.to_dict()`` output ``data``), and None; or None and why not (None, None: none stored).

    The stored space says what trials cannot show (a condition on a choice no trial took, or on
    an integer's values one by one; a parameter never active). It is taken if it holds the
    distributions and params of the Optuna trials ``judged``; otherwise the study went on in
    Optuna beyond it (a range widened, a parameter added; a step, unless ``drop_steps``).
    """
    if data is None:
        return None, None
    try:
        stored = SearchSpace.from_dict(data)
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # edited by hand, or another tool's
        return None, f"is not a search space ({error})"
    refuse_merged(list(stored), "from_optuna")  # written before to_optuna refused it: its trials are mislabelled
    for trial in judged:
        for name, distribution in trial.distributions.items():
            try:
                read = parameter_of(name, distribution, drop_steps=drop_steps)
            except InvalidParameterError as error:
                return None, f"cannot hold Optuna trial {trial.number}'s {name!r} ({error})"
            if name not in stored.names or not _holds(stored[name], read):
                return None, f"does not hold Optuna trial {trial.number}'s {read!r}"
        problem = params_misfit(stored, trial.params)
        if problem is not None:
            return None, f"does not hold Optuna trial {trial.number}: {problem}"
    return stored, None


def _holds(stored: Parameter, read: Parameter) -> bool:
    """Whether our parameter ``stored`` holds the range (or choices) ``read`` off the trials."""
    if stored.kind != read.kind:
        return False
    if isinstance(stored, Categorical):
        return {_key(c) for c in read.choices} <= {_key(c) for c in stored.choices}  # type: ignore[attr-defined]
    return stored.log == read.log and stored.low <= read.low and read.high <= stored.high  # type: ignore[attr-defined]
