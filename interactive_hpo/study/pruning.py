"""Pruners: stop a running trial early when what it reported so far looks hopeless.

An objective reports intermediate values (a learning curve) through the ``report`` callable
the study hands it (or :meth:`Study.report` in an ask/tell loop). After each report the
study asks its pruner for a :class:`PruneDecision`; a trial that is pruned ends PRUNED and
keeps everything it reported. Pruners are plain, numpy-free rules over the study's trials,
so they live beside the study in the core.
"""

from __future__ import annotations

import inspect
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .._names import did_you_mean
from .._registry import Registry, where
from .._validation import check_int, fail
from ..direction import Direction
from ..trial import Trial, check_step
from .reported import CompletedReports, reported_loss

if TYPE_CHECKING:
    from ..goals import Goals

__all__ = ["Pruner", "PruneDecision", "MedianStoppingRule", "NopPruner", "make_pruner", "pruner_spec", "rebuild_pruner",
           "same_pruner",           "register_pruner", "unregister_pruner", "available_pruners"]


@dataclass(frozen=True)
class PruneDecision:
    """What a pruner concluded about one report.

    Attributes
    ----------
    prune : bool
        True to stop the trial now.
    reason : str
        A sentence a person can read ("loss 0.31 at step 4 is worse than the median 0.22 of 6
        completed trials").
    """

    prune: bool
    reason: str


class Pruner(ABC):
    """Base class of pruners: a rule deciding, after each report, whether a trial goes on.

    Subclasses store each ``__init__`` argument under an attribute of the same name (that is
    how the journal records and rebuilds them) and implement :meth:`decide`. To have
    :meth:`Study.load` rebuild yours, give it a ``name`` of its own and :func:`register_pruner` it.
    """

    #: The registry name (recorded in the journal): only a registered pruner needs one.
    name: ClassVar[str]

    @abstractmethod
    def decide(self, trial: Trial, step: float, trials: Sequence[Trial], direction: Direction) -> PruneDecision:
        """Decide about ``trial`` right after it reported at ``step``.

        Parameters
        ----------
        trial : Trial
            The RUNNING trial, its new report included in ``trial.intermediate_values``.
        step : float
            The step just reported.
        trials : sequence of Trial
            Every trial of the study (finished and running), in number order.
        direction : Direction
            The study's: ``direction.to_loss(value)`` is what to compare (lower is better).

        Returns
        -------
        PruneDecision
            ``PruneDecision(prune, reason)``, never a bare bool: the reason is journaled and
            shown beside the trial. Anything else is refused at the report.
        """

    def settings(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this pruner (not what it keeps between reports,
        under names that start with an underscore)."""
        return {name: value for name, value in vars(self).items() if not name.startswith("_")}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


class MedianStoppingRule(Pruner):
    """Prune a trial whose value at a step is worse than the median of completed trials there.

    The rule of Google Vizier (Golovin et al., 2017) in the per-step form Optuna's
    ``MedianPruner`` uses: at step ``s``, compare the trial's reported loss with the median
    loss at ``s`` of the COMPLETE trials that reported at ``s``. Pruned trials are left out
    of the median, as in Vizier: a median over survivors only is the stricter bar.
    A non-finite report (a diverged run) is pruned at once, in the start-up and the warm-up too
    (Optuna's ``MedianPruner`` waits for them): no median is needed to judge it, and a run that
    diverged early would otherwise train on to its end. Only a report at ``last_step`` is kept.

    Parameters
    ----------
    n_startup_trials : int, default=5
        Never prune before this many trials have completed (the median needs a sample).
    n_warmup_steps : int, default=0
        Never prune at steps below this (early learning curves cross a lot).
    n_min_trials : int, default=1
        Never prune at a step fewer than this many completed trials reported at.
    last_step : int or float, optional
        The step of a trial's last report, when the training has a known end (``N - 1`` for
        ``report(value, epoch)`` over ``range(N)``): a report there or later is never pruned,
        since the training pruning would save is already done, and the trial completes with its
        result. Without it a trial can be pruned at its very last report (its curve then counts
        as stopped early, and its result is left out of the best).

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> def curve(params, *, report):
    ...     for epoch in range(10):
    ...         loss = params["lr"] + 1 / (epoch + 1)
    ...         report(loss, epoch)      # raises TrialPruned when the rule says stop
    ...     return loss
    >>> study = Study(SearchSpace([Float("lr", 0, 1)]), seed=0, pruner=MedianStoppingRule(n_startup_trials=3))
    >>> _ = study.run(curve, n_trials=20)
    >>> sum(t.state.value == "PRUNED" for t in study.trials) > 5
    True
    """

    name = "median"

    def __init__(self, n_startup_trials: int = 5, n_warmup_steps: int = 0, n_min_trials: int = 1,
                 last_step: float | None = None):
        self.n_startup_trials = check_int(n_startup_trials, "n_startup_trials", "MedianStoppingRule", 0)
        self.n_warmup_steps = check_int(n_warmup_steps, "n_warmup_steps", "MedianStoppingRule", 0)
        self.n_min_trials = check_int(n_min_trials, "n_min_trials", "MedianStoppingRule", 1)
        self.last_step = None if last_step is None else check_step(
            last_step, "MedianStoppingRule", "last_step",
            "None or a finite real number >= 0 (the step of the last report)")
        self._completed = CompletedReports()

    def settings(self) -> dict[str, Any]:
        settings = super().settings()
        if self.last_step is None:  # as journals recorded the rule before it had one: they name the same pruner
            del settings["last_step"]
        return settings

    def decide(self, trial: Trial, step: float, trials: Sequence[Trial], direction: Direction) -> PruneDecision:
        with self._completed.reading(trials, direction) as completed:
            return self._decide(trial, step, completed, direction)

    def _decide(self, trial: Trial, step: float, completed: CompletedReports, direction: Direction) -> PruneDecision:
        if self.last_step is not None and step >= self.last_step:
            return PruneDecision(False, f"step {step} is at the end of the training (last_step={self.last_step}): "
                                        "pruning would save nothing")
        loss = reported_loss(trial.intermediate_values[step], direction)
        if math.isinf(loss):  # a diverged run needs no median to be judged, in the start-up or the warm-up either
            return PruneDecision(True, f"the value reported at step {step} is not finite")
        if completed.count < self.n_startup_trials:
            return PruneDecision(False, f"only {completed.count} of n_startup_trials={self.n_startup_trials} "
                                        "trials have completed")
        if step < self.n_warmup_steps:
            return PruneDecision(False, f"step {step} is in the warm-up (n_warmup_steps={self.n_warmup_steps})")
        peers = completed.losses_at(step)
        if len(peers) < self.n_min_trials:
            return PruneDecision(False, f"{len(peers)} completed trials reported at step {step}; "
                                        f"n_min_trials={self.n_min_trials}")
        middle = len(peers) // 2  # statistics.median of the sorted losses
        median = peers[middle] if len(peers) % 2 else (peers[middle - 1] + peers[middle]) / 2
        verdict = "worse than" if loss > median else "no worse than"
        # Said in the objective's own units, as the user reads their curves.
        return PruneDecision(loss > median, f"value {direction.to_value(loss):.4g} at step {step} is {verdict} the "
                                            f"median {direction.to_value(median):.4g} of {len(peers)} completed trials")


class NopPruner(Pruner):
    """Never prune: pruning turned off, said so explicitly (Optuna's ``NopPruner``).

    ``pruner=None`` means "no pruner" for a new study but "the pruner the journal last used"
    when a study resumes one; ``NopPruner()`` (or ``"nop"``) turns pruning off from then on,
    and the journal records it, so :meth:`Study.load` resumes without pruning too.

    Examples
    --------
    >>> from interactive_hpo import Float, SearchSpace, Study
    >>> study = Study(SearchSpace([Float("lr", 0, 1)]), seed=0, pruner=NopPruner())
    >>> study.pruner
    NopPruner()
    """

    name = "nop"

    def decide(self, trial: Trial, step: float, trials: Sequence[Trial], direction: Direction) -> PruneDecision:
        return PruneDecision(False, "pruning is off (NopPruner)")


_PRUNERS: Registry[Pruner] = Registry("pruner", Pruner, {MedianStoppingRule.name: MedianStoppingRule,
                                                       NopPruner.name: NopPruner})


def register_pruner(cls_or_path: type[Pruner] | str, name: str | None = None) -> None:
    """Make a pruner of your own available by name, so that :meth:`Study.load` rebuilds it
    from the journal (and ``pruner="yours"`` builds one with its defaults).

    Parameters
    ----------
    cls_or_path : Pruner subclass or str
        The class, or ``"package.module:ClassName"`` (imported now: its ``name`` is checked).
    name : str, optional
        The class's own ``name`` attribute (the default; what a journal records, so another is
        refused).

    The rules are :func:`~interactive_hpo.optimizers.registry.register_optimizer`'s: a name
    another pruner holds is refused (a subclass of :class:`MedianStoppingRule` inherits
    "median": give it a name of its own), the same class again replaces its entry, and
    :func:`unregister_pruner` takes a plug-in out. A pruner that is not registered still works;
    its journal records its class ("module:Class"), and a load opens the study without pruning,
    with a warning, until the pruner is given again or registered.

    Examples
    --------
    >>> from interactive_hpo import NopPruner, available_pruners, unregister_pruner
    >>> class Never(NopPruner):
    ...     name = "never"
    >>> register_pruner(Never)
    >>> "never" in available_pruners()
    True
    >>> unregister_pruner("never")
    """
    _PRUNERS.register(cls_or_path, name)


def unregister_pruner(name: str) -> None:
    """Take a registered pruner's ``name`` out (the built-in "median" and "nop" stay)."""
    _PRUNERS.unregister(name)


def available_pruners() -> list[str]:
    """Registered pruner names, sorted."""
    return _PRUNERS.names()


def pruner_spec(pruner: Pruner | None) -> dict[str, Any] | None:
    """What the journal records of a pruner: its name and settings (None for no pruner).

    The name is the registry's, for the class registered under it; any other class is recorded
    as "module:Class", so that it never passes for a registered one (a subclass of
    :class:`MedianStoppingRule` is not the median rule).
    """
    if pruner is None:
        return None
    cls = type(pruner)
    return {"name": cls.name if _PRUNERS.holds(cls) else where(cls), "settings": pruner.settings()}


def same_pruner(spec: Mapping[str, Any] | None, journaled: Mapping[str, Any] | None) -> bool:
    """Whether two :func:`pruner_spec` records name one pruner: the same settings, and names of
    the same class (a journal may hold "module:Class" for a class registered since, by name)."""
    if spec is None or journaled is None:
        return spec is journaled
    if spec["settings"] != journaled["settings"]:
        return False
    if spec["name"] == journaled["name"]:
        return True
    one, other = _PRUNERS.find(spec["name"]), _PRUNERS.find(journaled["name"])
    return one is not None and other is not None and where(one) == where(other)


def rebuild_pruner(spec: Mapping[str, Any]) -> Pruner:
    """The pruner a journaled :func:`pruner_spec` records.

    Raises
    ------
    LookupError
        With the reason, when this process cannot rebuild it: its name is not registered here,
        or the class registered under it does not take its settings (a subclass with settings of
        its own wrote it, under its base class's name).
    """
    name, settings = spec["name"], spec["settings"]
    cls = _PRUNERS.find(name)
    if cls is None:
        raise LookupError(f"which is not registered in this process (registered: {available_pruners()})")
    try:
        inspect.signature(cls).bind(**settings)
        return cls(**settings)
    except (TypeError, ValueError) as error:  # ValueError: InvalidParameterError, a value it refuses
        raise LookupError(f"whose settings {settings} the class registered under {name!r} here, {cls.__name__}, "
                          f"does not take ({error})") from None


def make_pruner(spec: Any, goals: Goals, owner: str = "Study") -> Pruner | None:
    """A pruner from an instance, a registered name, or None, for a study of ``goals``: one
    objective only, since a pruner compares reports in one direction."""
    if spec is None:
        return None
    if isinstance(spec, Pruner):
        pruner = spec
    elif isinstance(spec, str) and spec in _PRUNERS:
        pruner = _PRUNERS.get(spec, "pruner", owner)()
    else:
        raise fail("pruner", owner, f"a Pruner, one of {available_pruners()}, or None", spec,
                   hint=did_you_mean(spec, available_pruners()))
    if goals.multi:
        raise fail("pruner", owner, f"None for a study of several objectives ({goals.describe()})", spec,
                   hint="A pruner compares one objective's reports along its direction. Reports are still "
                        "recorded, and study.stop(trial) stops a running trial by hand.")
    return pruner
