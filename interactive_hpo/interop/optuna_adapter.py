"""An Optuna objective ``f(trial)`` as one of ours, ``f(params)``: so a Lab or a Study can
evaluate the objective an imported Optuna study was run with.

Each call hands the objective an Optuna ``FixedTrial`` holding the params: its ``suggest_*``
calls return them (and check them against the ranges it asks for), ``trial.report(value,
step)`` reaches our study's ``report`` (so our pruner sees the learning curve, and a prune
ends the trial PRUNED), ``raise optuna.TrialPruned()`` prunes it too, what the objective
stores with ``trial.set_user_attr`` lands in the trial's ``user_attrs``, and what it measures
with ``trial.set_constraint`` in its ``constraints`` (in the order ``from_optuna`` reads them).
A parameter the objective suggests and the params lack is refused naming it; one the params have
and the objective never suggests is named in a warning (the study records it as the trial's).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import optuna

from .._validation import fail, warn_user
from ..exceptions import TrialPruned
from ..trial import Evaluation
from .optuna_constraints import constraint_values

__all__ = ["optuna_objective"]


class _ReportingTrial(optuna.trial.FixedTrial):
    """A FixedTrial whose reports go to our study's ``report`` (which raises TrialPruned to stop)."""

    def __init__(self, params: dict[str, Any], report: Callable[[float, float], None] | None):
        super().__init__(params)
        self._forward = report
        self.off_step: dict[str, Any] = {}  # name -> the distribution with a step its value is off

    def _suggest(self, name: str, distribution: Any) -> Any:
        if name not in self._params:  # FixedTrial's error spoke of a FixedTrial the person never made
            raise fail("params", "optuna_objective", "the values of every parameter the objective suggests",
                       self._params, hint=f"The objective suggested {name!r}, which they lack: the study's space "
                       "has it inactive there. A space read off Optuna trials shows a condition only for the values "
                       "they took: give from_optuna(optuna_study, space=...) one that says when it is active.")
        if not _off_step(self._params[name], distribution):
            return super()._suggest(name, distribution)
        # A step from_optuna(drop_steps=True) dropped: the value is what the study records and
        # the objective runs at; said once per objective (below), not on every trial by Optuna.
        self.off_step[name] = distribution
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The value .* is out of the range of the distribution")
            return super()._suggest(name, distribution)

    def report(self, value: float, step: int) -> None:
        super().report(value, step)
        if self._forward is not None:
            self._forward(value, step)


def _off_step(value: Any, distribution: Any) -> bool:
    """Whether ``value`` lies in the range of the stepped Optuna ``distribution`` but off its step."""
    if getattr(distribution, "step", None) is None or not isinstance(value, (int, float)):
        return False
    return distribution.low <= value <= distribution.high and not distribution._contains(
        distribution.to_internal_repr(value))  # as FixedTrial checks it


def optuna_objective(function: Callable[[Any], Any]) -> Callable[..., Evaluation]:
    """Our objective (``objective(params, *, report=None)``) calling the Optuna objective ``function(trial)``.

    Examples
    --------
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -2, 2)
    ...     trial.set_user_attr("half", x / 2)
    ...     trial.set_constraint("x_at_most_1", x - 1)
    ...     return (x - 1) ** 2
    >>> result = optuna_objective(objective)({"x": 0.0})
    >>> result.value, dict(result.user_attrs), result.constraints
    (1.0, {'half': 0.0}, (-1.0,))
    """
    if not callable(function):
        raise fail("function", "optuna_objective", "an Optuna objective function(trial)", function)
    warned: set[str] = set()  # the parameters off their step already named

    def objective(params: Mapping[str, Any], *, report: Callable[[float, float], None] | None = None) -> Evaluation:
        trial = _ReportingTrial(dict(params), report)
        try:
            result = function(trial)
        except optuna.TrialPruned as error:  # the objective gave up on the trial itself
            raise TrialPruned(str(error)) from error  # its message, if any, is the trial's pruned_reason
        unused = [name for name in params if name not in trial.params]
        if unused:  # recorded as the trial's, though the objective never read them
            warn_user(f"optuna_objective: the objective did not suggest {unused}, which the params {dict(params)} "
                      "have: the study records a value that had no effect. Give it a space whose conditions say "
                      "when they are active (from_optuna(optuna_study, space=...)).", UserWarning)
        off = {name: distribution for name, distribution in trial.off_step.items() if name not in warned}
        if off:
            warned.update(off)
            steps = ", ".join(f"`{name}` with step={distribution.step}" for name, distribution in off.items())
            warn_user(f"optuna_objective: the objective suggests {steps}, a step the study's space does not have "
                      "(from_optuna(..., drop_steps=True) imported the range without it). It is called at the "
                      f"values the optimizer proposes, off the step ({ {n: params[n] for n in off} }), which Optuna's "
                      "FixedTrial takes as given and the study records: said once, not for every trial.",
                      UserWarning)
        value = tuple(result) if isinstance(result, Sequence) and not isinstance(result, str) else result
        return Evaluation(value=value, user_attrs=dict(trial.user_attrs),
                          constraints=constraint_values(trial.constraints))

    objective.__name__ = getattr(function, "__name__", "optuna_objective")
    objective.__doc__ = getattr(function, "__doc__", None)
    return objective
