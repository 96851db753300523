"""A GP's hyperparameters as a person reads them (:class:`KernelSummary`, a view's
``hyperparameters``), and how much a warm-started model follows each source
(:func:`trust_words`): the words the Lab and notebook 03 show, each saying what its number is
and where it came from (fitted with a prior, taken from the data, or fixed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ._readonly import KeepsReadOnly

__all__ = ["KernelSummary", "trust_words"]


@dataclass(frozen=True, eq=False)
class KernelSummary(KeepsReadOnly):
    """A GP's hyperparameters, in units a person can read, and which of them were fitted.

    Attributes
    ----------
    lengthscales : dict
        Parameter name -> (value, unit): the most probable value under a Gamma prior (MAP, not maximum
        likelihood), in the parameter's own units ("decades" for log ones; "categorical": Hamming).
    signal_std : float
        Prior std of the function, in objective units: not fitted (the kernel has no output scale)
        but the spread of the values the GP was fitted on (through the output warp's mean slope).
    noise_std : float
        Observation-noise standard deviation, in objective units (likewise).
    kernel, fit_status : str
        "matern" (5/2) or "rbf", and whether categories enter its distance (Hamming); "warm",
        "cold", "restored" (a past step, not refitted) or a fallback.
    source_weights : dict
        Warm-start source name -> its fitted weight in the GP's mean (1 / s a priori for s
        sources; near 0: the model no longer follows that source). Empty without sources.
    noise : {"learned", "fixed", "unknown"}
        Fitted, or fixed at a small jitter (the model treats the function as noise-free);
        "unknown" in a summary made before this was recorded (a pickle of 2026-12-07 or older).
    at_bound : tuple of str
        The parameters whose lengthscale sits at its lower bound (``bayes.model.MIN_LENGTHSCALE``).
    """

    lengthscales: dict
    signal_std: float
    noise_std: float
    kernel: str
    fit_status: str
    source_weights: dict = field(default_factory=dict)
    noise: str = "unknown"
    at_bound: tuple = ()

    def in_words(self) -> str:
        """The kernel as sentences a student can read: what each number is and where it came from.

        >>> print(KernelSummary({"lr": (0.8, "decades")}, 2.0, 0.1, "matern", "warm", noise="learned").in_words())
        lr: the function changes a lot over about 0.8 decades (closer trials inform each other).
        Lengthscales: the most probable under the model's prior (MAP), given the trials.
        Signal sd about 2: the spread of the values the GP was fitted on, taken from the data, not fitted.
        Noise sd 0.1, learned: repeated evaluations would scatter by about that (mostly signal).
        Kernel: matern; fit: warm.
        """
        ratio = self.noise_std / self.signal_std if self.signal_std > 0 else math.inf
        if self.noise == "fixed":
            noise = f"fixed: a small jitter ({ratio:.2g} of the signal); the model treats the function as noise-free"
        elif self.noise == "unknown":
            noise = "learned or fixed: not recorded"
        else:
            noise = "learned: repeated evaluations would scatter by about that (" + (
                "mostly signal" if ratio < 0.1 else "noticeable noise" if ratio < 0.5 else
                "noise as large as the signal: the model trusts no single trial") + ")"
        lines = [self._lengthscale_words(name, value, unit) for name, (value, unit) in self.lengthscales.items()]
        lines += [self._lengthscales_origin(),
                  f"Signal sd about {self.signal_std:.3g}: the spread of the values the GP was fitted on, taken "
                  "from the data, not fitted.", f"Noise sd {self.noise_std:.3g}, {noise}."]
        if self.source_weights:
            lines.append(trust_words(self.source_weights))
        lines.append(f"Kernel: {self.kernel}; fit: {self.fit_status}.")
        return "\n".join(lines)

    def _lengthscales_origin(self) -> str:
        """Where the lengthscales come from: the fit (MAP), a what-if's scaling of it, or a
        fallback (r454: a what-if's were called MAP fits)."""
        if self.fit_status.startswith("what-if"):
            return "Lengthscales: the fitted ones scaled by the what-if, not fitted (none below the lower bound)."
        if self.fit_status == "fallback: prior":
            return "Lengthscales: the prior's most probable; the fit failed."
        if self.fit_status.startswith("fallback"):
            return "Lengthscales: the last good fit's; this fit failed."
        return "Lengthscales: the most probable under the model's prior (MAP), given the trials."

    def _lengthscale_words(self, name: str, value: float, unit: str) -> str:
        """One parameter's lengthscale in words: at its bound, a category's, or a distance."""
        if name in self.at_bound:
            if self.fit_status.startswith("what-if"):  # the what-if's factor took it there, not the trials
                return f"{name}: lengthscale {value:.3g} {unit}, the lower bound (the what-if asked for less)."
            return f"{name}: lengthscale {value:.3g} {unit}, at its lower bound: the model sees changes faster " \
                   "than it can express."
        if unit == "categorical":
            return f"{name}: choices are {'alike' if value > 1 else 'different'} to the model (categorical " \
                   f"lengthscale {value:.3g})."
        return f"{name}: the function changes a lot over about {value:.3g} {unit} (closer trials inform each other)."


def trust_words(weights: Mapping[str, float]) -> str:
    """One line per warm-start source: the weight with which the model's mean follows it, and
    the weight it started from (``1 / s`` for s sources, ``bayes.transfer``); "" without sources.

    >>> print(trust_words({"svm_on_iris": 0.83}))
    Warm start: follows 'svm_on_iris' with weight 0.83 (prior 1.00): trusted.
    """
    if not weights:
        return ""
    prior = 1.0 / len(weights)
    return "\n".join(f"Warm start: follows {name!r} with weight {weight:.2f} (prior {prior:.2f}): "
                      + ("mirrored (lower there, higher here)." if weight < -0.1 else "hardly trusted any more."
                         if weight < 0.25 * prior else "trusted less than at first." if weight < 0.75 * prior
                         else "trusted.") for name, weight in weights.items())
