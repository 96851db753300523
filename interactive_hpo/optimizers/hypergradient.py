"""Hypergradient descent: gradient steps on the hyperparameters, from gradients the objective reports.

The optimizer does not differentiate anything itself (it needs neither torch nor the model):
an objective such as :class:`~interactive_hpo.gradient.BilevelObjective` returns, with each
validation loss, its gradient with respect to the log of every hyperparameter in the trial's
``user_attrs["hypergradient"]``. The optimizer converts it to unit-cube coordinates and steps
from the point it was computed at, with Adam's normalized steps by default (Kingma & Ba, 2015):
hypergradients of different hyperparameters differ by orders of magnitude, and a step measured
in fractions of each range is something a person can choose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar, cast

import numpy as np

from .._validation import as_finite, check_one_of, check_real, fail, warn_user
from ..direction import Direction
from ..parameters import Float
from ..space import SearchSpace
from ..trial import Trial
from .base import Optimizer, Suggestion
from .capabilities import ReissuesWaitingStep

__all__ = ["HypergradientDescent", "GRADIENT_ATTR"]

#: The trial attribute that carries ``{name: d value / d ln(param)}``, ``value`` being what the
#: objective returned (the optimizer negates it when the study maximizes).
GRADIENT_ATTR = "hypergradient"


class HypergradientDescent(Optimizer, ReissuesWaitingStep):
    """Steppable gradient descent over the continuous hyperparameters.

    Each ask proposes one step from the latest trial that came back with a hypergradient
    (a manual trial with one works too: the descent restarts from where the user put it, with
    fresh momentum).
    Trials without one are ignored; ``Int`` and ``Categorical`` parameters keep their start.

    Parameters
    ----------
    space : SearchSpace
    step_size : float
        With ``update="adam"``: how far one step moves each coordinate, as a fraction of its
        range in the unit cube (log range for log parameters). With ``"sgd"``: the factor on
        the unit-cube gradient.
    update : {"adam", "sgd"}
        Adam (normalized, with momentum) or plain gradient descent.
    momentum : float
        Adam's first-moment decay ``beta1`` (``beta2`` is 0.999). Default 0: a hypergradient
        is exact, not a noisy minibatch estimate, and momentum mostly overshoots (measured: on
        ridge with one penalty, 0.9 carried the descent two decades past the minimum, where 0
        settled on it within 15 steps).
    start : dict, optional
        The first configuration; default a random point drawn from ``seed``.
    seed : int, numpy.random.Generator or None

    Examples
    --------
    >>> import math
    >>> from interactive_hpo import Evaluation, Float, SearchSpace, Study
    >>> space = SearchSpace([Float("alpha", 1e-3, 1e3, log=True)])
    >>> def objective(params):  # loss (ln alpha - 1)^2 and its derivative in ln(alpha)
    ...     t = math.log(params["alpha"]) - 1
    ...     return Evaluation(t * t, {"hypergradient": {"alpha": 2 * t}})
    >>> study = Study(space, HypergradientDescent(space, step_size=0.1, start={"alpha": 100.0}))
    >>> _ = study.run(objective, 40)
    >>> round(math.log(study.best_trial.params["alpha"]), 1)
    1.0
    """

    name = "hypergradient"
    setting_choices: ClassVar[dict[str, tuple[str, ...]]] = {"update": ("adam", "sgd")}
    _BETA2, _EPSILON = 0.999, 1e-8

    def __init__(self, space: SearchSpace, *, step_size: float = 0.1, update: str = "adam", momentum: float = 0.0,
                 start: Mapping[str, Any] | None = None, seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        owner = "HypergradientDescent"
        self.step_size = check_real(step_size, "step_size", owner, 0.0, None, low_open=True)
        self.update = check_one_of(update, "update", owner, self.setting_choices["update"])
        self.momentum = check_real(momentum, "momentum", owner, 0.0, 1.0, high_open=True)
        if start is not None and not isinstance(start, Mapping):
            raise fail("start", owner, "a dict of parameter values or None", start)
        self.start = None if start is None else space.validate(start, name="start", owner=owner)
        # A random start draws from a stream no ask uses (asks use keys 0, 1, 2, ...).
        self._start_x = (space.to_unit(self.start) if self.start is not None
                         else self._stream(2**32 - 1).random(space.dim))
        self._from: np.ndarray | None = None  # the x of the latest trial with a hypergradient
        self._moments = (np.zeros(space.dim), np.zeros(space.dim))
        self._steps = 0
        self._without_gradient = 0
        self._warned = False
        self._direction = Direction.MINIMIZE

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        if self._from is None:
            if self._without_gradient and not self._warned:
                self._warned = True
                warn_user(f"HypergradientDescent was told {self._without_gradient} trial(s) without a "
                          f"'{GRADIENT_ATTR}' attribute and stays at its start. Use an objective that "
                          "reports hypergradients, e.g. interactive_hpo.gradient.BilevelObjective.",
                          RuntimeWarning)
            return Suggestion(x=self._start_x.copy(), info={"descent_step": 0})
        first, second = self._moments
        if self.update == "adam":
            # Bias-corrected moments (Kingma & Ba 2015, Algorithm 1).
            direction = (first / (1 - self.momentum ** self._steps)) / (
                np.sqrt(second / (1 - self._BETA2 ** self._steps)) + self._EPSILON)
        else:
            direction = first
        x = np.clip(self._from - self.step_size * direction, 0.0, 1.0)
        return Suggestion(x=x, info={"descent_step": self._steps})

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        gradient = trial.user_attrs.get(GRADIENT_ATTR)
        if loss is None or not isinstance(gradient, Mapping):
            if suggestion is not None:
                self._without_gradient += 1
            return
        # Gradients are of the value; the loss is the value or minus it. A value of 0 cannot tell
        # which, so the direction seen last holds (minimize until a nonzero value is seen).
        self._direction = Direction.between(cast(float, trial.value), loss) or self._direction
        g = self._direction.to_loss(self.unit_gradient(trial.params, gradient))
        if trial.source != self.name:
            # Someone moved the point (a manual trial): momentum gathered elsewhere does not apply.
            self._moments, self._steps = (np.zeros(self.space.dim), np.zeros(self.space.dim)), 0
        self._steps += 1
        first, second = self._moments
        if self.update == "adam":
            self._moments = (self.momentum * first + (1 - self.momentum) * g,
                             self._BETA2 * second + (1 - self._BETA2) * g * g)
        else:
            self._moments = (g, second)
        self._from = trial.x.copy()

    @property
    def waiting(self) -> bool:
        """True while a step of its own is out: the next step starts from its result (a descent is
        sequential, so parallel workers get one trial at a time from it, and an ask before it is
        told raises). Another's trial running (a queued one another process evaluates) is not
        waited for."""
        return bool(self.own_pending)

    _why_waiting = "each step starts from the result of the one before (a descent is sequential)"

    def unit_gradient(self, params: Mapping[str, Any], gradient: Mapping[str, Any]) -> np.ndarray:
        """A hypergradient ``{name: d value / d ln(param)}`` in unit-cube coordinates, shape (d,).

        ``ln(value)`` moves by ``ln(high / low)`` across a log parameter's unit interval and by
        ``(high - low) / value`` (locally) across a linear one. Missing names, non-float
        parameters, non-finite entries and parameters missing from ``params`` give 0.
        """
        out = np.zeros(self.space.dim)
        for i, parameter in enumerate(self.space):
            g, value = gradient.get(parameter.name), params.get(parameter.name)
            if not isinstance(parameter, Float) or not isinstance(g, (int, float)) or not math.isfinite(g) \
                    or as_finite(value) is None:  # a Trial built by hand may lack the parameter
                continue
            scale = math.log(parameter.high / parameter.low) if parameter.log else (
                (parameter.high - parameter.low) / value if value else 0.0)
            out[i] = float(g) * scale
        return out
