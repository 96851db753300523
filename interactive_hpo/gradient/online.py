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

from .._validation import check_int, check_real, fail, seed_to_int, warn_user
from .bilevel import BilevelProblem, check_losses, check_problem, check_steps

__all__ = ["OnlineRun", "online_learning_rate"]


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
        Its ``steps`` steps, or the steps before the loss stopped being finite (a diverged run
        ends there, with a RuntimeWarning naming the step and the rate). A run and a baseline of
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
    if params is not None and not isinstance(params, Mapping):
        raise fail("params", owner, f"a dict of hyperparameter values (keys among {list(problem.names)}) or None",
                   params)
    given = {k: v for k, v in (params or {}).items() if k != "learning_rate"}
    theta = torch.as_tensor(problem.theta({**problem.middle(), **given}, "params", owner))
    check_losses(problem, theta, owner)
    grad_w = torch.func.grad(problem.inner_loss)
    w, previous = problem.init_weights(), None
    rates: list[float] = []
    train_losses: list[float] = []
    val_losses: list[float] = []
    with torch.no_grad():
        for _ in range(steps):
            rows = torch.as_tensor(rng.choice(n_train, batch_size, replace=False))
            train_losses.append(float(problem.inner_loss(w, theta, rows)))
            g = grad_w(w, theta, rows)
            if previous is not None:
                # d loss(w_t) / d alpha = -g_t . g_{t-1}; a rate below zero would climb the loss.
                alpha = max(alpha + beta * float(g @ previous), 0.0)
            w, previous = w - alpha * g, g
            val_loss = float(problem.outer_loss(w))
            if not (np.isfinite(train_losses[-1]) and np.isfinite(val_loss)):
                # Diverged: every later step is NaN too (learning_rate=1.0 on the ridge problem
                # reached 6e277 by step 12), and a plot of them fails. Kept: the finite steps.
                train_losses.pop()
                warn_user(f"online_learning_rate: training diverged at step {len(rates) + 1} of {steps} (learning "
                          f"rate {alpha:g}, learning_rate={learning_rate!r}, beta={beta!r}): its loss is no longer "
                          f"finite, so the run stops with {len(rates)} steps. Start from a smaller learning_rate.",
                          RuntimeWarning)
                break
            rates.append(alpha)
            val_losses.append(val_loss)
    return OnlineRun(np.array(rates), np.array(train_losses), np.array(val_losses), float(beta))
