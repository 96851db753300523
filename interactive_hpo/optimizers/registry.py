"""Optimizers by name: ``make_optimizer("sobol", space, seed=0)``.

The built-in entries are import paths, resolved on first use, so that the Bayesian optimizer's
entry does not import torch when ``interactive_hpo`` is imported. The rules of a name are
:class:`~interactive_hpo._registry.Registry`'s, which pruners share.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Mapping
from typing import Any

from .._names import did_you_mean
from .._registry import Registry
from .._validation import check_no_seed_setting, fail
from ..exceptions import MissingDependencyError
from ..goals import Goals
from ..space import SearchSpace
from .base import Optimizer
from .capabilities import MultiObjective, Scheduler

__all__ = ["register_optimizer", "unregister_optimizer", "make_optimizer", "optimizer_class", "available_optimizers",
           "optimizers_serving_several", "optimizers_declaring", "check_settings", "check_study_optimizer", "adopt",
           "check_new_optimizer",
           "rebuilt_by_name", "check_rebuilt_by_name", "schedules_budgets"]

_REGISTRY: Registry[Optimizer] = Registry("optimizer", Optimizer, {
    "grid": "interactive_hpo.optimizers.simple:GridSearch",
    "random": "interactive_hpo.optimizers.simple:RandomSearch",
    "sobol": "interactive_hpo.optimizers.simple:SobolSearch",
    "bo": "interactive_hpo.optimizers.bayes:GaussianProcessBO",
    "parego": "interactive_hpo.optimizers.bayes.parego:ParEGO",
    "ehvi": "interactive_hpo.optimizers.bayes.ehvi:EHVIBO",
    "ga": "interactive_hpo.optimizers.population.evolution:GeneticAlgorithm",
    "de": "interactive_hpo.optimizers.population.evolution:DifferentialEvolution",
    "cmaes": "interactive_hpo.optimizers.population.cmaes:CMAES",
    "nsga2": "interactive_hpo.optimizers.population.nsga2:NSGA2",
    "halving": "interactive_hpo.optimizers.multifidelity.schedulers:SuccessiveHalving",
    "hyperband": "interactive_hpo.optimizers.multifidelity.schedulers:Hyperband",
    "asha": "interactive_hpo.optimizers.multifidelity.schedulers:ASHA",
    "hypergradient": "interactive_hpo.optimizers.hypergradient:HypergradientDescent",
}, aliases={  # what people call them, for the hint of a name typed wrong: "baysian" -> "Did you mean 'bo'?"
    "bayesian": "bo", "gaussian process": "bo", "gp": "bo", "genetic": "ga", "differential evolution": "de",
    "successive halving": "halving", "nsga-ii": "nsga2", "hypergradient descent": "hypergradient",
})


#: The built-in optimizers that schedule budgets (their classes are :class:`~.capabilities.Scheduler`),
#: known without importing them: the Lab asks it of every optimizer for its Optimizer tab, and
#: importing the Bayesian ones (torch, botorch) was 2 s of CPU in a first ``Lab()`` over CMA-ES.
#: tests/optimizers/test_registry.py checks it against the classes.
BUILT_IN_SCHEDULERS = frozenset({"halving", "hyperband", "asha"})


def register_optimizer(cls_or_path: type[Optimizer] | str, name: str | None = None) -> None:
    """Make an optimizer available by name to :func:`make_optimizer`, studies and the Lab.

    Parameters
    ----------
    cls_or_path : Optimizer subclass or str
        The class, or ``"package.module:ClassName"`` (imported now: its ``name`` is checked).
    name : str, optional
        The registry name: the class's own ``name`` attribute (the default; what a journal records,
        so another is refused, for a class and an import path alike).

    A name already taken by another optimizer is refused: a journal names its optimizers, and
    would be replayed by the other one. The same class again (or one defined again under the same
    module and name: a notebook cell run twice) replaces the old entry. To put another class under
    a name of your own, :func:`unregister_optimizer` it first; a built-in name stays built in.
    """
    _REGISTRY.register(cls_or_path, name)


def unregister_optimizer(name: str) -> None:
    """Take ``name`` out of the registry (a plug-in's test cleaning up; see
    :mod:`interactive_hpo.testing`). Studies journaled with it cannot be resumed until it is
    registered again."""
    _REGISTRY.unregister(name)


def available_optimizers() -> list[str]:
    """Registered optimizer names, sorted."""
    return _REGISTRY.names()


def rebuilt_by_name(cls: type[Optimizer]) -> bool:
    """Whether a journal naming ``cls.name`` rebuilds ``cls`` itself: it is the class registered
    under its own name (a subclass of a built-in that keeps the built-in's name is not)."""
    return _REGISTRY.holds(cls)


def check_rebuilt_by_name(cls: type[Optimizer], argument: str, owner: str, rule: str, given: Any) -> None:
    """Refuse ``given`` (argument ``argument`` of ``owner``, which must be ``rule``) when a journal
    naming the optimizer class ``cls`` would not rebuild it (:func:`rebuilt_by_name`): a journal
    records an optimizer by name, and a RandomSearch subclass keeping "random" resumed as RandomSearch."""
    if rebuilt_by_name(cls):
        return
    mine = cls.__name__
    fix = f"give {mine} a `name` of its own, then call register_optimizer({mine})" \
        if cls.name in available_optimizers() else f"call register_optimizer({mine}) first"
    raise fail(argument, owner, rule, given, hint=f"The journal rebuilds optimizers by name on resume, and "
                                                  f"{cls.name!r} is not {mine} here: {fix}.")


def optimizers_serving_several() -> list[str]:
    """Registered optimizer names that serve a study of several objectives (their classes are
    :class:`~.capabilities.MultiObjective`), sorted (see :func:`optimizers_declaring`)."""
    return optimizers_declaring(MultiObjective)


def optimizers_declaring(*capabilities: type) -> list[str]:
    """Registered optimizer names whose classes declare every one of ``capabilities`` (classes
    of :mod:`~.capabilities`), sorted. It imports every optimizer (torch for the Bayesian ones):
    one whose extra is not installed is left out, so that the error this lists alternatives for
    stays that error, not an install hint."""
    declaring = []
    for name in available_optimizers():
        try:
            cls = optimizer_class(name)
        except MissingDependencyError:
            continue
        if all(issubclass(cls, capability) for capability in capabilities):
            declaring.append(name)
    return declaring


def schedules_budgets(name: str, *, argument: str = "name", owner: str = "schedules_budgets") -> bool:
    """Whether the optimizer registered under ``name`` schedules budgets (its class is a
    :class:`~.capabilities.Scheduler`: halving, hyperband, asha), without importing a built-in
    one (:data:`BUILT_IN_SCHEDULERS`); a plug-in's class is imported already. An unknown name is
    refused as :func:`optimizer_class` refuses it."""
    if isinstance(name, str) and _REGISTRY.is_built_in(name):
        return name in BUILT_IN_SCHEDULERS
    return issubclass(optimizer_class(name, argument=argument, owner=owner), Scheduler)


def optimizer_class(name: str, *, argument: str = "name", owner: str = "make_optimizer") -> type[Optimizer]:
    """The class registered under ``name`` (importing its module if needed); ``argument`` and
    ``owner`` say where an unknown name was typed (``optimizer`` of Study)."""
    return _REGISTRY.get(name, argument, owner)


def check_settings(name: str, settings: Mapping[str, Any], *, argument: str = "name",
                   settings_argument: str = "settings", owner: str | None = None,
                   seed_apart: bool = False) -> type[Optimizer]:
    """The class registered under ``name``, once every key of ``settings`` is one of its keywords
    (arguments as for :func:`make_optimizer`). ``seed_apart``: ``owner`` takes the seed as an
    argument of its own (``from_optuna(seed=...)``), so "seed" is refused among the settings
    (``check_no_seed_setting``) and not listed among the keywords they may be."""
    if seed_apart:
        check_no_seed_setting(settings, owner or "make_optimizer")
    cls = optimizer_class(name, argument=argument, owner=owner or "make_optimizer")
    accepted = [n for n in inspect.signature(cls.__init__).parameters
                if n not in ("self", "space") and not (seed_apart and n == "seed")]
    for key in settings:
        if key not in accepted:
            wrapped = key == "optimizer_settings" and settings_argument != key  # Study's word, where keywords go
            raise fail(settings_argument, owner or f"make_optimizer({name!r})", f"keywords among {accepted}", key,
                       hint=f"{key!r} is not a setting of {cls.__name__}" + (
                           f": pass the settings themselves as keywords, {key}={{'n': 1}} as n=1." if wrapped
                           else f". {did_you_mean(key, accepted) or ''}".rstrip()))
    return cls


#: Who has put each optimizer in charge (:func:`adopt`), by the optimizer's ``id``: weak references
#: to the optimizer and to its study. By identity, not by ``==``: an optimizer class of a person's
#: that defines ``__eq__`` is unhashable (a WeakSet of them refused every such class), and one
#: equal to another study's optimizer is not that optimizer.
_ADOPTED: dict[int, tuple[weakref.ref[Optimizer], weakref.ref[Any]]] = {}


def adopt(optimizer: Optimizer, study: Any) -> None:
    """Mark ``optimizer`` as ``study``'s: :func:`check_new_optimizer` refuses it to any other
    study while that one lives (DESIGN: no state is shared between studies; two studies asking
    one shifted each other's random streams)."""
    key = id(optimizer)
    _ADOPTED[key] = (weakref.ref(optimizer, lambda _: _ADOPTED.pop(key, None)), weakref.ref(study))


def _adopter(optimizer: Optimizer) -> Any:
    """The living study ``optimizer`` serves (:func:`adopt`), or None."""
    refs = _ADOPTED.get(id(optimizer))
    return refs[1]() if refs is not None and refs[0]() is optimizer else None


def check_new_optimizer(optimizer: Optimizer, owner: str, current: Optimizer | None = None) -> None:
    """Refuse, naming ``optimizer`` of ``owner``, an instance that is not new: told a trial,
    proposed one, or in a living study already (``current``: the optimizer of the study switching,
    named as such). A study tells it the study's trials itself; an optimizer's state is a function
    of its settings, seed and those trials alone, so a used one learnt them twice (and a journal's
    replay proposed other points), and two studies asking one shifted each other's random streams."""
    user, switching = _adopter(optimizer), None if current is None else _adopter(current)
    used = f"it has seen {optimizer.n_seen} trial(s) (told or pending)" if optimizer.n_seen else \
        "it is this study's optimizer already" if optimizer is current else \
        "this study had it before (a switch away does not give it back)" if user is not None and user is switching \
        else f"another study uses it already ({user!r})" if user is not None else None
    if used is not None:
        raise fail("optimizer", owner, "a new Optimizer (told no trial, proposed none, in no study)", optimizer,
                   hint=f"{used[0].upper()}{used[1:]}. Pass its name ({optimizer.name!r}) and settings for a "
                        "fresh one; the study tells it its trials.")


def check_study_optimizer(optimizer: Any, settings: Mapping[str, Any] | None, space: SearchSpace, goals: Goals,
                          owner: str, settings_argument: str = "optimizer_settings",
                          current: Optimizer | None = None) -> type[Optimizer]:
    """The class of the optimizer a study over ``space`` with ``goals`` is given (a registered name
    with ``settings``, or an Optimizer without), once it fits: errors name ``optimizer`` and
    ``settings_argument`` of ``owner``, the call the person typed them into (``Study``, ``Lab``).
    An instance must be new (:func:`check_new_optimizer`; ``current``: the optimizer switched from)."""
    if isinstance(optimizer, Optimizer):
        if settings:
            raise fail(settings_argument, owner, "empty when the optimizer is an instance", dict(settings))
        if optimizer.space != space:
            raise fail("optimizer", owner, "an optimizer over the study's search space", optimizer)
        check_new_optimizer(optimizer, owner, current)
        cls = type(optimizer)
    elif isinstance(optimizer, str):
        cls = check_settings(optimizer, settings or {}, argument="optimizer", settings_argument=settings_argument,
                             owner=owner)
    else:
        raise fail("optimizer", owner, "a registered optimizer name or an Optimizer", optimizer)
    if goals.multi and not issubclass(cls, MultiObjective):
        raise fail("optimizer", owner, f"an optimizer that serves several objectives for {goals.describe()}",
                   optimizer, hint=f"These do: {optimizers_serving_several()}.")
    return cls


def make_optimizer(name: str, space: SearchSpace, **settings: Any) -> Optimizer:
    """Build the optimizer registered under ``name`` with ``settings`` (``seed`` among them).

    A caller whose user typed the name and the settings elsewhere (``optimizer`` and
    ``optimizer_settings`` of Study) checks them with :func:`check_settings`, which names those
    arguments, and builds the class it returns; its keywords never mix with the settings.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace
    >>> make_optimizer("random", SearchSpace([Float("x", 0, 1)]), seed=0)
    RandomSearch(allow_repeats=False, seed=0)
    """
    return check_settings(name, settings)(space, **settings)
