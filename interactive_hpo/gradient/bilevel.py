"""The bilevel problem as the hypergradient code sees it: :class:`BilevelProblem` (a training
loss inside, a validation loss outside) and the :class:`Split` of a dataset it is defined on.

Hyperparameter optimization is the bilevel problem

    min over lambda of  E(w*(lambda))   where   w*(lambda) = argmin over w of  L(w, lambda),

with ``L`` the training loss (regularized by ``lambda``) and ``E`` the validation loss.

Coordinates: every hyperparameter is positive and handled in log coordinates,
``theta = ln(lambda)``, shape (h,). Weights are one flat float64 vector ``w`` of shape (p,).
Hyperparameters that shape the training *objective* (penalties) have a hypergradient through
the minimizer ``w*``; those that shape the training *dynamics* (a learning rate) only through
a finite training run, so :meth:`BilevelProblem.solve` refuses problems that have them. The
problems themselves (ridge, logistic regression, an MLP) are in :mod:`.problems`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._validation import check_bool, check_int, fail, float_array, seed_to_int
from ..parameters import Float
from ..space import SearchSpace

__all__ = ["Split", "BilevelProblem", "check_problem", "check_losses", "checked_theta", "check_solvable",
           "check_steps", "MAX_STEPS", "THETA_SLACK"]

#: The most gradient steps (or solver iterations) one call runs: each is a pass over the training
#: data in Python, 1 ms (ridge) to 5 ms (the MLP of 32 units) here, so 10,000 are seconds to a
#: minute, and a typo of 10**9 would run for days (or, unrolled, fill memory).
MAX_STEPS = 10_000

#: How far outside its bounds, in log units (1 %), a problem trains or solves at ``theta``: room
#: for finite differences at a bound, too little to destabilize training, whose step size is set
#: for the largest penalty of the range. Everything else takes ``theta`` inside the bounds.
THETA_SLACK = 0.01
#: Slack for ``theta`` elsewhere: rounding only (``np.log`` of a bound is the bound).
_ROUNDING = 1e-9


def check_steps(steps: Any, name: str, owner: str, low: int = 1) -> int:
    """``steps`` as an int in ``[low, MAX_STEPS]``: a count of gradient steps or iterations."""
    return check_int(steps, name, owner, low, MAX_STEPS)


def _numbers(value: Any, name: str, owner: str, rule: str) -> np.ndarray:
    """``value``, a tensor or anything numpy reads, as a float array; a complex one is refused
    (``.numpy()`` kept its imaginary part until ``astype(float)`` dropped it, with a warning only)."""
    if not isinstance(value, torch.Tensor):
        return float_array(value, name, owner, rule)
    if value.is_complex():
        raise fail(name, owner, rule, value)
    # In torch first (numpy has no bfloat16), and not through Python floats: w has 10^5 weights.
    return value.detach().cpu().to(torch.float64).numpy()


@dataclass(frozen=True, eq=False)
class Split:
    """A dataset split into training, validation and test parts (float64 tensors).

    ``X_*`` have shape (n_part, d), standardized with the training part's mean and scale;
    ``y_*`` have shape (n_part,): standardized targets for regression, class indices (int64)
    for classification.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, seed: int, regression: bool) -> Split:
        """Shuffle with ``seed`` and split 50 / 25 / 25 %.

        ``X`` has shape (n, d) and ``y`` shape (n,), finite numbers with n >= 4 (every part gets
        rows); ``y`` holds class indices (ints from 0) unless ``regression``.
        """
        X, y, seed = _check_data(X, y, seed, check_bool(regression, "regression", "Split.of"))
        order = np.random.default_rng(seed).permutation(len(X))
        n_train, n_val = len(X) // 2, len(X) // 4
        parts = np.split(order, [n_train, n_train + n_val])
        mean, scale = X[parts[0]].mean(0), X[parts[0]].std(0)
        X = (X - mean) / np.where(scale > 0, scale, 1.0)
        if regression:
            y = (y - y[parts[0]].mean()) / y[parts[0]].std()
        as_y = (lambda a: torch.tensor(a, dtype=torch.float64)) if regression else (
            lambda a: torch.tensor(a, dtype=torch.int64))
        tensors = [t for part in parts for t in (torch.tensor(X[part], dtype=torch.float64), as_y(y[part]))]
        return cls(*tensors)

    def part(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """``(X, y)`` of the part "train", "val" or "test"."""
        return getattr(self, f"X_{name}"), getattr(self, f"y_{name}")


def _check_data(X: Any, y: Any, seed: Any, regression: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """``X`` and ``y`` as float arrays and ``seed`` as an int, as :meth:`Split.of` takes them:
    text was numpy's "only integer scalar arrays" error, a constant regression target and too
    few rows gave NaN, and float class labels were truncated."""
    owner = "Split.of"
    rule = "an array of shape (n, d) of finite numbers, n >= 4 (rows for every part)"
    features = _numbers(X, "X", owner, rule)
    if features.ndim != 2 or len(features) < 4 or not np.all(np.isfinite(features)):
        raise fail("X", owner, rule, X)
    rule = f"an array of shape ({len(features)},) of " + ("finite numbers, not all equal" if regression
                                                          else "class indices (ints from 0)")
    labels = _numbers(y, "y", owner, rule)
    if labels.shape != (len(features),) or not np.all(np.isfinite(labels)) or (
            np.all(labels == labels[0]) if regression else np.any((labels < 0) | (labels != np.round(labels)))):
        raise fail("y", owner, rule, y)
    return features, labels, seed_to_int(seed, owner)


class BilevelProblem:
    """Base class: a training loss ``L(w, theta)`` and a validation loss ``E(w)``.

    Subclasses set ``names``, ``low``, ``high`` (the hyperparameters' bounds in their own
    units), ``split`` and ``n_weights``, and implement :meth:`inner_loss`, :meth:`outer_loss`
    and :meth:`init_weights`. ``dynamics`` names the hyperparameters that act through training
    dynamics (no implicit hypergradient).
    """

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    split: Split
    n_weights: int
    dynamics: tuple[str, ...] = ()
    #: Full-batch gradient steps that :meth:`train` takes by default.
    default_steps: int = 100
    #: The inner step size of penalty-only problems (set from the data by each subclass).
    _step_size: float = 0.1

    # -- hyperparameter coordinates -----------------------------------------------------------
    @property
    def n_hyper(self) -> int:
        """The number of hyperparameters ``h``."""
        return len(self.names)

    @property
    def space(self) -> SearchSpace:
        """The hyperparameters as a search space (every one a log-scale ``Float``)."""
        return SearchSpace([Float(n, float(lo), float(hi), log=True) for n, lo, hi in zip(self.names, self.low,
                                                                                         self.high, strict=True)])

    def middle(self) -> dict[str, float]:
        """Every hyperparameter at the geometric middle of its range (the centre of the log box)."""
        return {n: float(np.sqrt(lo * hi)) for n, lo, hi in zip(self.names, self.low, self.high, strict=True)}

    def theta(self, params: Mapping[str, Any], name: str = "params", owner: str = "BilevelProblem.theta") -> np.ndarray:
        """Log coordinates, shape (h,), of ``params`` (validated against :attr:`space`; an error
        names argument ``name`` of ``owner``, the function the person called)."""
        values = self.space.validate(params, name=name, owner=owner)
        return np.log([values[key] for key in self.names])

    def params(self, theta: Sequence[float] | np.ndarray) -> dict[str, float]:
        """The hyperparameters ``exp(theta)`` by name, clipped into their bounds; ``theta`` has shape (h,).

        Clipped because ``check_theta`` lets rounding through: ``exp(ln 10)`` is 10.000000000000002,
        which :attr:`space` (and so :meth:`theta` and a study) refused as above the bound 10.
        """
        values = np.clip(np.exp(self.check_theta(theta)), self.low, self.high)
        return {name: float(value) for name, value in zip(self.names, values, strict=True)}

    def check_theta(self, theta: Any, owner: str = "BilevelProblem", slack: float = _ROUNDING) -> np.ndarray:
        """``theta`` as a float array of shape (h,) inside the log bounds ``[ln low, ln high]``
        (widened by ``slack``), or a clear error. Outside them ``exp(theta)`` may overflow, and
        training, whose step size is set for the range, diverges: the result would be NaN.
        With one hyperparameter a single number (0-d) is read as shape (1,), everywhere alike."""
        rule = f"finite log-hyperparameters of shape ({self.n_hyper},) for {self.names}"
        array = _numbers(theta, "theta", owner, rule)
        if array.ndim == 0 and self.n_hyper == 1:
            array = array.reshape(1)
        if array.shape != (self.n_hyper,) or not np.all(np.isfinite(array)):
            raise fail("theta", owner, rule, theta)
        low, high = np.log(self.low), np.log(self.high)
        outside = np.flatnonzero((array < low - slack) | (array > high + slack))
        if outside.size:
            i = int(outside[0])
            raise fail("theta", owner, f"inside the problem's log bounds, [{low[i]:.4g}, {high[i]:.4g}] for "
                       f"{self.names[i]!r} (ln {self.low[i]:g} to ln {self.high[i]:g})", theta)
        return array.astype(float)

    def check_weights(self, w: Any, name: str, owner: str) -> torch.Tensor | None:
        """``w``, None or weights of shape (p,) (a tensor, or anything numpy reads as numbers),
        as a new float64 tensor outside any graph, or a clear error."""
        if w is None:
            return None
        rule = f"None or finite weights of shape ({self.n_weights},) (a tensor or an array)"
        array = _numbers(w, name, owner, rule)
        if array.shape != (self.n_weights,) or not np.all(np.isfinite(array)):
            raise fail(name, owner, rule, w)
        return torch.tensor(array, dtype=torch.float64)

    def start(self, w0: Any, owner: str) -> torch.Tensor:
        """Where a training run or a solver starts: a copy of ``w0`` (checked), or :meth:`init_weights`."""
        w = self.check_weights(w0, "w0", owner)
        return self.init_weights() if w is None else w

    # -- the two losses ------------------------------------------------------------------------
    def inner_loss(self, w: torch.Tensor, theta: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        """Training loss ``L(w, theta)`` (a 0-d tensor); ``rows`` restricts it to a minibatch."""
        raise NotImplementedError

    def outer_loss(self, w: torch.Tensor, part: str = "val") -> torch.Tensor:
        """Loss of the weights ``w`` on the validation (or "test", or "train") part, unregularized."""
        raise NotImplementedError

    def init_weights(self) -> torch.Tensor:
        """The starting weights of every training run, shape (p,); fixed by the problem's seed."""
        return torch.zeros(self.n_weights, dtype=torch.float64)

    def hessian(self, w: torch.Tensor, theta: torch.Tensor) -> torch.Tensor | None:
        """The training loss's Hessian in ``w``, shape (p, p), in closed form, or None (this default)
        where a problem has none. ``implicit`` factors it to precondition its conjugate gradient
        (one step instead of thousands on an ill-conditioned Hessian); without it, plain
        conjugate gradient on Hessian-vector products gives the same hypergradient, more slowly.
        """
        return None

    def learning_rate(self, theta: torch.Tensor) -> torch.Tensor:
        """Step size of the inner gradient descent (a 0-d tensor, differentiable in ``theta``).

        Penalty-only problems use ``1 / L``, with ``L`` a bound on the training loss's
        curvature over the whole search space, so training is stable for every ``lambda``.
        """
        return torch.as_tensor(self._step_size, dtype=torch.float64)

    # -- training ------------------------------------------------------------------------------
    def step(self, w: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """One full-batch gradient step ``w - eta(theta) * grad_w L(w, theta)``, differentiable."""
        return w - self.learning_rate(theta) * torch.func.grad(self.inner_loss)(w, theta)

    def train(self, theta: Any, steps: int | None = None, w0: Any = None) -> torch.Tensor:
        """``steps`` gradient steps from ``w0`` (shape (p,); default :meth:`init_weights`); no graph kept."""
        theta_t = torch.as_tensor(self.check_theta(theta, "train", THETA_SLACK))
        steps = self.default_steps if steps is None else check_steps(steps, "steps", "train", 0)
        w = self.start(w0, "train")
        with torch.no_grad():
            for _ in range(steps):
                w = self.step(w, theta_t)
        return w

    def solve(self, theta: Any, w0: Any = None) -> torch.Tensor:
        """The minimizer ``w*(lambda)`` of the training loss, shape (p,), to high accuracy.

        L-BFGS with a strong-Wolfe line search from ``w0`` (a warm start of shape (p,)) or
        :meth:`init_weights` (zeros, for the penalty-only problems this solves); ridge
        overrides it with its closed form, logistic regression with Newton's method.
        """
        check_solvable(self, "solve")
        theta_t = torch.as_tensor(self.check_theta(theta, "solve", THETA_SLACK))
        w = self.start(w0, "solve").requires_grad_()
        solver = torch.optim.LBFGS([w], lr=1, max_iter=1000, tolerance_grad=1e-11, tolerance_change=1e-14,
                                   history_size=20, line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            solver.zero_grad()
            loss = self.inner_loss(w, theta_t)
            loss.backward()
            return loss

        solver.step(closure)
        return w.detach()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n_hyper} hyperparameters, {self.n_weights} weights)"


def check_problem(problem: Any, owner: str) -> BilevelProblem:
    """``problem`` if it is a :class:`BilevelProblem`, else the uniform error."""
    if not isinstance(problem, BilevelProblem):
        raise fail("problem", owner, "a BilevelProblem (RidgeProblem, LogisticProblem, MLPProblem, ...)", problem)
    return problem


def checked_theta(problem: BilevelProblem, theta: Any, owner: str) -> np.ndarray:
    """``theta`` checked for ``problem`` (:meth:`BilevelProblem.check_theta`), and the problem's
    losses checked there (:func:`check_losses`), under ``owner``, the function the person called."""
    theta = problem.check_theta(theta, owner)
    check_losses(problem, torch.as_tensor(theta), owner)
    return theta


def check_losses(problem: BilevelProblem, theta: torch.Tensor, owner: str) -> None:
    """Refuse a problem whose losses are not one real number each (a 0-d tensor), as every
    derivative here needs: torch's "grad can be implicitly created only for scalar outputs",
    from inside a hypergradient, did not say which method of whose class returned what."""
    w = problem.init_weights()
    with torch.no_grad():
        for call, loss in (("inner_loss(w, theta)", problem.inner_loss(w, theta)), ("outer_loss(w)",
                                                                                   problem.outer_loss(w))):
            if not (isinstance(loss, torch.Tensor) and loss.shape == () and loss.is_floating_point()):
                got = (f"a {loss.dtype} tensor of shape {tuple(loss.shape)}" if isinstance(loss, torch.Tensor)
                       else loss)
                raise fail(f"{type(problem).__name__}.{call}", owner, "a 0-d float tensor (the loss)", got)


def check_solvable(problem: BilevelProblem, owner: str) -> BilevelProblem:
    """``problem`` if :meth:`BilevelProblem.solve` can find its minimizer (no hyperparameter acts
    through the training dynamics), else the uniform error naming ``owner``, the function called."""
    if problem.dynamics:
        raise fail("problem", owner, "a problem whose hyperparameters all shape the training loss", problem,
                   hint=f"{list(problem.dynamics)} act through the training dynamics, so the result of "
                        "training is not a minimizer: differentiate through training, by reverse_mode or forward_mode "
                        "(method='reverse' or 'forward').")
    return problem
