"""The person's objective as the Lab's studies call it (:class:`PlainCall`), and the optimizers
it can serve (:func:`check_switch`, :func:`runnable`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from .._validation import accepts_keyword, fail, requires_keyword, shown
from ..exceptions import InvalidParameterError, MissingDependencyError
from ..optimizers.capabilities import Scheduler
from ..optimizers.registry import available_optimizers, check_settings, optimizer_class, schedules_budgets
from ..outcome import budget_range_of, check_budget_range
from ..space import SearchSpace
from ..study.sealed_looks import LookKeeper, SealsTestSplit

__all__ = ["PlainCall", "budget_refusal", "check_scheduled_budgets", "check_switch", "runnable"]


class PlainCall:
    """``objective`` as the Lab's studies call it: without the ``direction`` it may declare (the
    Lab's ``direction`` overrides it); with the ``space`` it declares, if any, so that the study
    refuses, before any trial, a space it cannot evaluate (one the search-space editor widened
    or renamed failed every trial); with its signature, so that the study's checks (a callable
    objective(params), a ``budget`` keyword where the optimizer schedules budgets) read it, and
    with its ``single_fidelity`` flag (a ``budget`` keyword that refuses every budget: Branin under
    "hyperband" failed every trial instead of being refused). Its repr is the objective's, which
    the study's refusals show (they showed ``<...PlainCall object at 0x...>``).

    Attributes
    ----------
    space : SearchSpace or None
        The objective's own space: a study may search it or part of it.
    single_fidelity : bool
        The objective's own flag (see ``check_budget_keyword``).
    budget_range : tuple or None
        The budgets the objective declares it takes (see ``check_budget_range``): a scheduler
        beyond them ran every job at full cost, and failed those above, instead of being refused.
    """

    def __init__(self, objective: Callable[..., Any]):
        self.objective = objective
        declared = getattr(objective, "space", None)
        self.space: SearchSpace | None = declared if isinstance(declared, SearchSpace) else None
        self.single_fidelity = getattr(objective, "single_fidelity", False) is True
        self.budget_range = getattr(objective, "budget_range", None)
        try:
            self.__signature__: inspect.Signature | None = inspect.signature(objective)
        except (TypeError, ValueError):  # a builtin without one: this wrapper's own, which any call fits
            self.__signature__ = None

    def __repr__(self) -> str:
        return shown(self.objective)  # never raises: a person's __repr__ may

    def keep_test_looks(self, keeper: LookKeeper) -> None:
        """The objective's, if it seals a test split (``study.sealed_looks``): the Lab's study keeps
        its looks as ``Study.run`` does (behind this wrapper, none was ever journaled: r443)."""
        if isinstance(self.objective, SealsTestSplit):
            self.objective.keep_test_looks(keeper)

    def __call__(self, params: dict[str, Any], *, budget: float | None = None, report: Any = None) -> Any:
        kwargs: dict[str, Any] = {} if budget is None else {"budget": budget}
        if report is not None and accepts_keyword(self.objective, "report"):
            kwargs["report"] = report
        return self.objective(params, **kwargs)


def check_switch(call: PlainCall, optimizer: Any, settings: Any, owner: str, in_charge: str | None = None, *,
                 space: SearchSpace, kept: Mapping[str, Any] | None = None) -> None:
    """Refuse, before the study changes, a switch (or a fork) to ``optimizer`` whose trials
    ``call`` cannot run (:func:`budget_refusal`, :func:`check_scheduled_budgets`), a name no
    optimizer is registered under (the study's refusal named ``Study.switch_optimizer``), or
    ``settings`` that are not a dict (None: the optimizer's own) or name a keyword that
    ``optimizer`` (None: ``in_charge``, which keeps its own) does not take. Errors name ``owner``:
    the study's own checks would name ``Study.switch_optimizer`` or ``fork_study``, which the
    person did not call.

    ``space`` is the study's; ``kept``: the settings that ``settings`` update when the optimizer
    goes on with its own (a change of settings, a fork with the optimizer in charge then); None
    with no ``optimizer``: nothing changes, nothing to check."""
    if settings is not None and not isinstance(settings, Mapping):
        raise fail("settings", owner, "a dict of the optimizer's settings, or None", settings)
    name = in_charge if optimizer is None else optimizer
    if not isinstance(name, str) or (optimizer is None and name not in available_optimizers()):
        return  # an instance: the study names what is wrong with it; one in charge unregistered: settings unknown
    check_settings(name, settings or {}, argument="optimizer", settings_argument="settings", owner=owner)
    if optimizer is not None:  # the optimizer in charge serves the objective already
        refusal = budget_refusal(call, optimizer, owner)
        if refusal is not None:
            raise refusal
    if optimizer is not None or kept is not None:
        check_scheduled_budgets(call, name, {**(kept or {}), **(settings or {})}, space, owner)


def check_scheduled_budgets(call: PlainCall, name: str, settings: Mapping[str, Any], space: SearchSpace,
                            owner: str) -> None:
    """Refuse the registered optimizer ``name``, a scheduler, when the budgets it would run with
    ``settings`` (its defaults for the others) lie beyond the ``budget_range`` ``call`` declares
    (``check_budget_range``). The study refuses them only at the first trial: a switch to
    asha(max_budget=27) for a MultiFidelity objective was journaled, then a parallel Run ran its
    jobs at budget 1 at full cost and failed those above."""
    cls = optimizer_class(name)
    if not issubclass(cls, Scheduler) or budget_range_of(call, owner) is None:
        return
    # Built to read its budgets (a scheduler may derive them from other settings); the seed is
    # never used, only given so that building draws no entropy.
    built = cls(space, **{"seed": 0, **settings})
    check_budget_range(call, built.min_budget, built.max_budget, owner, name, built.lowest_budget)


def budget_refusal(call: PlainCall, optimizer: str, owner: str) -> InvalidParameterError | None:
    """Why ``call`` cannot run the trials of the registered optimizer ``optimizer`` (as the
    argument ``optimizer`` of ``owner``), or None: a multi-fidelity scheduler for an objective
    without a ``budget`` keyword, another optimizer for one that requires it (every Step after a
    switch was refused, naming ``Study.step``)."""
    schedules = schedules_budgets(optimizer)  # importing no other optimizer (torch, for the Bayesian ones)
    if schedules and call.single_fidelity:
        return fail("optimizer", owner, "an optimizer that runs the objective without a budget", optimizer,
                    hint=f"{optimizer!r} evaluates configurations at budgets and the objective has a single "
                         "fidelity: wrap it, MultiFidelity(objective), for cheaper, biased and noisier evaluations "
                         "at budgets.")
    if schedules and not accepts_keyword(call, "budget"):
        return fail("optimizer", owner, "an optimizer that runs the objective without a budget", optimizer,
                    hint=f"{optimizer!r} evaluates configurations at budgets and the objective has no `budget` "
                         "keyword: write objective(params, *, budget=None), or use a multi-fidelity objective.")
    if not schedules and requires_keyword(call, "budget"):
        return fail("optimizer", owner, "a multi-fidelity scheduler (halving, hyperband, asha)", optimizer,
                    hint="The objective requires `budget`, which other optimizers do not give: give it a default "
                         "for the full budget, objective(params, *, budget=None).")
    return None


def runnable(call: PlainCall, names: list[str]) -> list[str]:
    """Those of the registered optimizers ``names`` whose trials ``call`` can run (no
    :func:`budget_refusal`): what the Optimizer tab offers (it offered asha for Branin, whose
    switch was then refused). One whose extra is not installed stays: choosing it says how to
    install it."""
    kept = []
    for name in names:
        try:
            refused = budget_refusal(call, name, "Lab")
        except MissingDependencyError:
            refused = None
        if refused is None:
            kept.append(name)
    return kept
