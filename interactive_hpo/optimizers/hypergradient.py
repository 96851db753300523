"""Hypergradient descent: gradient steps on the hyperparameters, from gradients the objective reports.

The optimizer does not differentiate anything itself (it needs neither torch nor the model):
an objective such as :class:`~interactive_hpo.gradient.BilevelObjective` returns, with each
validation loss, its gradient with respect to the log of every hyperparameter (the value itself
for a linear ``Float``) in the trial's ``user_attrs["hypergradient"]``. The optimizer converts it
to unit-cube coordinates and steps from the point it was computed at, with Adam's normalized
steps by default (Kingma & Ba, 2015):
hypergradients of different hyperparameters differ by orders of magnitude, and a step measured
in fractions of each range is something a person can choose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from .._names import unknown_names
from .._validation import as_finite, check_one_of, check_real, fail, warn_user
from ..parameters import Float
from ..space import SearchSpace
from ..trial import Trial
from .base import Optimizer, Suggestion
from .capabilities import NeedsReportedGradients, ReissuesWaitingStep

__all__ = ["HypergradientDescent", "GRADIENT_ATTR"]

#: The trial attribute that carries ``{name: d value / d ln(param)}`` (``d value / d param`` for a
#: linear ``Float``), ``value`` being what the objective returned. The study tells the optimizer
#: the gradient of the loss there, as it tells the loss (``study.learnt.gradient_as_loss``: negated
#: when it maximizes); the trial keeps the objective's.
GRADIENT_ATTR = "hypergradient"


class HypergradientDescent(Optimizer, ReissuesWaitingStep, NeedsReportedGradients):
    """Steppable gradient descent over the continuous hyperparameters.

    Each ask proposes one step from the latest trial that came back with a hypergradient
    (a manual trial with one works too: the descent restarts from where the user put it, with
    fresh momentum).
    Trials without one are ignored; ``Int`` and ``Categorical`` parameters keep their start (a
    space without a ``Float`` is warned of). Gradient entries it cannot use (a name not in the
    space, a non-float parameter's, a value that is not a finite number or overflows in the unit
    cube) count as 0, with one warning per name; huge ones are clipped (``_MAX_GRADIENT``, and
    ``_OUTLIER`` times their root mean square so far with Adam).

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
    #: The largest |unit-cube gradient| used: its square, Adam's second moment, stays finite (a
    #: gradient of 1e300 made it inf, and every later step 0).
    _MAX_GRADIENT = 1e150
    #: With Adam, a coordinate's gradient is clipped to this many times the root mean square of
    #: its gradients so far: one outlier (1e300 among gradients of 1) otherwise dominates the
    #: second moment for thousands of steps, and the parameter stops moving.
    _OUTLIER = 100.0

    def __init__(self, space: SearchSpace, *, step_size: float = 0.1, update: str = "adam", momentum: float = 0.0,
                 start: Mapping[str, Any] | None = None, seed: int | np.random.Generator | None = None):
        super().__init__(space, seed=seed)
        owner = "HypergradientDescent"
        if not any(isinstance(parameter, Float) for parameter in space):
            # Warned, not refused: every optimizer serves every space (the optimizer contract builds
            # each one over a finite space), but this one proposes its start forever there.
            warn_user(f"HypergradientDescent steps along Float parameters only, and the space has none "
                      f"({space.names}): it proposes its start at every ask. Use another optimizer, e.g. "
                      "'bo', for Int and Categorical parameters.", RuntimeWarning)
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
        self._without_gradient = 0  # its own completed trials without a hypergradient
        self._incomplete = 0  # its own trials that failed or were pruned: no loss to descend on
        self._warned = False
        self._warned_names: set[tuple[str, str]] = set()  # (what, name): one warning per name

    def _ask(self, rng: np.random.Generator) -> Suggestion:
        if self._from is None:
            if (self._without_gradient or self._incomplete) and not self._warned:
                self._warned = True
                # Counted apart: a failed trial's gradient is not missing, its loss is (audit a370: NaN
                # losses were reported as trials "without a 'hypergradient' attribute").
                told = [f"{self._incomplete} trial(s) that failed or were pruned (no loss: see each trial's "
                        "error)" if self._incomplete else "",
                        f"{self._without_gradient} completed trial(s) without a '{GRADIENT_ATTR}' attribute (use "
                        "an objective that reports hypergradients, e.g. interactive_hpo.gradient.BilevelObjective)"
                        if self._without_gradient else ""]
                warn_user(f"HypergradientDescent was told {' and '.join(t for t in told if t)}, and no trial it can "
                          "step from, so it stays at its start.", RuntimeWarning)
            return Suggestion(x=self._start_x.copy(), info={"descent_step": 0})
        first, second = self._moments
        if self.update == "adam":
            # Bias-corrected moments (Kingma & Ba 2015, Algorithm 1).
            direction = (first / (1 - self.momentum ** self._steps)) / (
                np.sqrt(second / (1 - self._BETA2 ** self._steps)) + self._EPSILON)
        else:
            direction = first
        x = np.clip(self._from - self.step_size * direction, 0.0, 1.0)
        if not np.all(np.isfinite(x)):
            # Cannot happen with the moments clipped in _tell; a NaN here reached the user as an
            # error about a unit-cube x they never typed, at every later ask.
            warn_user(f"HypergradientDescent's step {self._steps} is not finite (moments {first}, {second}): "
                      "it proposes the point of its latest gradient again.", RuntimeWarning)
            x = self._from.copy()
        return Suggestion(x=x, info={"descent_step": self._steps})

    def _tell(self, trial: Trial, loss: float | None, suggestion: Suggestion | None) -> None:
        gradient = trial.user_attrs.get(GRADIENT_ATTR)
        if loss is None or not isinstance(gradient, Mapping):
            if suggestion is not None:
                if loss is None:
                    self._incomplete += 1
                else:
                    self._without_gradient += 1
            return
        # The gradient of the loss: the study turned the objective's (of the value) as it turned the
        # value (learnt.gradient_as_loss). Guessed here from the value and the loss, a value of 0
        # was taken for a minimization, and a maximization's first step went the wrong way (a380).
        g = self.unit_gradient(trial.params, gradient)
        self._warn_unusable(trial, gradient, g)
        g = np.where(np.isfinite(g), g, 0.0)
        g = np.clip(g, -self._MAX_GRADIENT, self._MAX_GRADIENT)
        if trial.source != self.name:
            # Someone moved the point (a manual trial): momentum gathered elsewhere does not apply.
            self._moments, self._steps = (np.zeros(self.space.dim), np.zeros(self.space.dim)), 0
        first, second = self._moments
        if self.update == "adam" and self._steps:
            bound = self._OUTLIER * np.sqrt(second / (1 - self._BETA2 ** self._steps))
            g = np.where(bound > 0, np.clip(g, -bound, bound), g)  # a coordinate with no gradient yet: none
        self._steps += 1
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

    def _warn_unusable(self, trial: Trial, gradient: Mapping[str, Any], unit: np.ndarray) -> None:
        """Warn, once per name, of the entries of ``gradient`` that count as 0: those
        :meth:`unit_gradient` takes as 0 and those it made inf (``unit``, shape (d,))."""
        names = self.space.names
        unknown = [name for name in gradient if name not in names]
        discrete = [name for name in gradient if name in names and not isinstance(self.space[name], Float)]
        faults = {}  # name: why its (Float's) entry is unusable
        for name, g in gradient.items():
            if name in unknown or name in discrete:
                continue
            if g is None:   # a NaN or an infinity, which a trial's attributes store as None (JSON has neither)
                faults[name] = "NaN, infinite or missing (stored as None), not a finite number"
            elif as_finite(g) is None:
                faults[name] = f"{g!r}, not a finite number"
            elif not math.isfinite(unit[names.index(name)]):
                faults[name] = f"{g!r}, whose unit-cube gradient (times its range) overflows"
        fresh = {what: [name for name in group if (what, name) not in self._warned_names]
                 for what, group in (("unknown", unknown), ("discrete", discrete), ("fault", list(faults)))}
        details = [f"name(s) not in the space: {unknown_names(fresh['unknown'], names)} (it has {names})"
                   if fresh["unknown"] else "",
                   f"parameter(s) {fresh['discrete']} that are not Floats (it steps on Floats only)"
                   if fresh["discrete"] else "",
                   *(f"{name!r} = {faults[name]}" for name in fresh["fault"])]
        self._warned_names.update((what, name) for what, group in fresh.items() for name in group)
        if any(details):
            warn_user(f"HypergradientDescent ignores the '{GRADIENT_ATTR}' of trial {trial.number} for "
                      f"{'; '.join(d for d in details if d)}: they count as 0 (warned once per name).",
                      RuntimeWarning)

    def unit_gradient(self, params: Mapping[str, Any], gradient: Mapping[str, Any]) -> np.ndarray:
        """A hypergradient in unit-cube coordinates, shape (d,).

        ``gradient`` is ``{name: d value / d ln(param)}`` for a log parameter and
        ``{name: d value / d param}`` for a linear one: the coordinate each one's unit interval is
        linear in, across which ``ln(param)`` moves by ``ln(high / low)`` and ``param`` by
        ``high - low``. (A gradient in ``ln(param)`` of a linear one is 0 where it is 0 and has no
        meaning below: a descent that reached its bound 0 stayed there.) Missing names,
        non-float parameters, non-finite entries and parameters missing from ``params`` give 0;
        a finite entry may give inf (1e308 over a range of 6 decades).
        """
        out = np.zeros(self.space.dim)
        for i, parameter in enumerate(self.space):
            # as_finite: the entries _warn_unusable names are exactly those taken as 0 here.
            g, value = as_finite(gradient.get(parameter.name)), params.get(parameter.name)
            if not isinstance(parameter, Float) or g is None \
                    or as_finite(value) is None:  # a Trial built by hand may lack the parameter
                continue
            scale = math.log(parameter.high / parameter.low) if parameter.log else parameter.high - parameter.low
            out[i] = g * scale
        return out
