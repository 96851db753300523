"""Online hypergradient descent: adapt the learning rate during one training run.

Baydin et al. (ICLR 2018, "Online learning rate adaptation with hypergradient descent"): the
loss after a step ``w_t = w_{t-1} - alpha g_{t-1}`` changes with ``alpha`` as
``-g_t . g_{t-1}``, so one extra dot product per step gives a hypergradient of the learning
rate, and ``alpha_t = alpha_{t-1} + beta g_t . g_{t-1}`` tunes it while the model trains:
the rate grows while successive gradients agree and shrinks when they start to oppose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._names import unknown_names
from .._validation import check_int, check_real, fail, seed_to_int, warn_user
from ..space import SearchSpace
from .bilevel import BilevelProblem, check_losses, check_problem, check_steps

__all__ = ["OnlineRun", "online_learning_rate"]

#: A run whose validation loss rises above the untrained model's by this many times its size
#: (for a positive loss: exceeds this many times it) has diverged, though
#: its loss is still finite. Measured (ridge and MLP problems, 40 steps): runs that train never
#: exceed their untrained loss at all, while a diverging one grows geometrically (x 10^3 every few
#: steps at learning_rate=1.0 on ridge), so it passes a millionfold a few steps after it starts to
#: diverge; the fixed rate 1.0 then climbed to 5e44 in 40 steps unwarned (audit a370).
DIVERGED = 1e6


@dataclass(frozen=True, eq=False)
class OnlineRun:
    """One training run with its learning rate adapted online.

    Attributes
    ----------
    learning_rates : ndarray of shape (steps,)
        The rate each step used.
    train_losses, val_losses : ndarray of shape (steps,)
        Minibatch training loss before each step, and full validation loss after it.
    beta : float
        The hypergradient step size (0: a fixed learning rate, the baseline).
    """

    learning_rates: np.ndarray
    train_losses: np.ndarray
    val_losses: np.ndarray
    beta: float

    @property
    def steps(self) -> np.ndarray:
        """Step numbers 1..steps, shape (steps,)."""
        return np.arange(1, len(self.learning_rates) + 1)


def online_learning_rate(problem: BilevelProblem, params: Mapping[str, Any] | None = None, *,
                         learning_rate: float = 0.1, beta: float = 0.01, steps: int = 300, batch_size: int = 64,
                         seed: int | np.random.Generator | None = 0) -> OnlineRun:
    """Train ``problem`` by minibatch SGD whose learning rate follows its own hypergradient.

    Parameters
    ----------
    problem : BilevelProblem
    params : dict, optional
        The other hyperparameters (weight decay, ...); a ``learning_rate`` entry is ignored:
        the rate starts at ``learning_rate`` and adapts. Default: each one's geometric middle.
    learning_rate : float
        The starting rate ``alpha_0``.
    beta : float
        The hypergradient step; 0 keeps the rate fixed (the same run without adaptation).
    steps, batch_size : int
        SGD steps, and rows per minibatch (drawn with ``seed``; equal seeds, equal batches).

    Returns
    -------
    OnlineRun
        Its ``steps`` steps, or the steps before it diverged: its loss no longer finite, or its
        validation loss over :data:`DIVERGED` (a million) times the untrained model's (it ends
        there, with a RuntimeWarning naming the step and the rate). A run and a baseline of
        different lengths are compared over their common steps: ``plot_online_learning_rate``
        draws them so, and its legend says where one was cut.
    """
    problem = check_problem(problem, "online_learning_rate")
    owner = "online_learning_rate"
    alpha = check_real(learning_rate, "learning_rate", owner, 0.0, None, low_open=True)
    beta = check_real(beta, "beta", owner, 0.0, None)
    steps = check_steps(steps, "steps", owner)
    n_train = len(problem.split.X_train)
    batch_size = check_int(batch_size, "batch_size", owner, 1, n_train)
    rng = np.random.default_rng(seed_to_int(seed, owner))
    theta = torch.as_tensor(_theta(problem, params, owner))
    check_losses(problem, theta, owner)
    grad_w = torch.func.grad(problem.inner_loss)
    w, previous = problem.init_weights(), None
    rates: list[float] = []
    train_losses: list[float] = []
    val_losses: list[float] = []
    with torch.no_grad():
        untrained = float(problem.outer_loss(w))
        # Grown by a millionfold of its own size above where it started: a loss that may be 0 or
        # below (a shifted or negative log-likelihood) diverges too; one exactly 0 has no scale.
        ceiling = untrained + (DIVERGED - 1) * abs(untrained) if untrained else np.inf
        for _ in range(steps):
            rows = torch.as_tensor(rng.choice(n_train, batch_size, replace=False))
            train_losses.append(float(problem.inner_loss(w, theta, rows)))
            g = grad_w(w, theta, rows)
            if previous is not None:
                # d loss(w_t) / d alpha = -g_t . g_{t-1}; a rate below zero would climb the loss.
                alpha = max(alpha + beta * float(g @ previous), 0.0)
            w, previous = w - alpha * g, g
            val_loss = float(problem.outer_loss(w))
            finite = np.isfinite(train_losses[-1]) and np.isfinite(val_loss)
            if not finite or val_loss > ceiling:
                # Diverged: every later step is NaN too (learning_rate=1.0 on the ridge problem
                # reached 6e277 by step 12), and a plot of them fails or stretches its axis to 1e64.
                # Kept: the steps before.
                train_losses.pop()
                why = ("its loss is no longer finite" if not finite else
                       f"its validation loss, {val_loss:.3g}, rose over {DIVERGED:g} times the size of the untrained "
                       f"model's ({untrained:.3g})")
                warn_user(f"online_learning_rate: training diverged at step {len(rates) + 1} of {steps} (learning "
                          f"rate {alpha:g}, learning_rate={learning_rate!r}, beta={beta!r}): {why}, so the run "
                          f"stops with {len(rates)} steps. Start from a smaller learning_rate.", RuntimeWarning)
                break
            rates.append(alpha)
            val_losses.append(val_loss)
    return OnlineRun(np.array(rates), np.array(train_losses), np.array(val_losses), float(beta))


def _theta(problem: BilevelProblem, params: Any, owner: str) -> np.ndarray:
    """Log coordinates, shape (h,), of ``params`` (a ``learning_rate`` entry dropped) over each
    other hyperparameter's geometric middle; refused showing ``params`` as given, not merged with
    the defaults the person never typed (audit a370)."""
    if params is not None and not isinstance(params, Mapping):
        raise fail("params", owner, f"a dict of hyperparameter values (keys among {list(problem.names)}) or None",
                   params)
    given = {k: v for k, v in (params or {}).items() if k != "learning_rate"}
    unknown = [k for k in given if k not in problem.names]
    if unknown:
        raise fail("params", owner, f"a dict with keys among {list(problem.names)}", dict(params or {}),
                   hint=f"Unknown parameter(s): {unknown_names(unknown, problem.names)}.")
    if given:   # its values checked by the space of those given, so that the refusal shows them alone
        SearchSpace([problem.space[k] for k in given]).validate(given, name="params", owner=owner)
    return problem.theta({**problem.middle(), **given}, "params", owner)
