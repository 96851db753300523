"""Bilevel problems to learn hypergradients on: ridge and logistic regression with one penalty
per feature (or one for all), and a small MLP whose learning rate is a hyperparameter too.

Each is a small torch model on a scikit-learn bundled dataset, split once (seeded) into
training, validation and a held-out test part that no hypergradient ever sees; the base class
and its coordinates (``theta = ln(lambda)``) are in :mod:`.bilevel`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import torch

from .._validation import check_bool, check_int, check_one_of, fail, seed_to_int
from .bilevel import THETA_SLACK, BilevelProblem, Split, check_steps

__all__ = ["Split", "BilevelProblem", "RidgeProblem", "LogisticProblem", "MLPProblem"]


def _penalty(w: torch.Tensor, theta: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    """``0.5 * sum_j lambda_j ||w_j||^2`` where row ``j`` of ``w`` (shape (d, k)) is feature j's weights
    and ``groups`` (shape (d,)) says which hyperparameter penalizes it."""
    return 0.5 * (torch.exp(theta)[groups] * (w ** 2).sum(1)).sum()


def _gram(Z: torch.Tensor, chunks: int = 4) -> torch.Tensor:
    """``Z^T Z``, shape (m, m), from the products on and above the diagonal only: blocks of
    ``chunks`` column groups, each mirrored below (about 60 % of the multiplications of ``Z.T @ Z``;
    the Hessian of digits' 650 weights spent most of its time there)."""
    m = Z.shape[1]
    gram = torch.empty(m, m, dtype=Z.dtype)
    edges = [round(j * m / chunks) for j in range(chunks + 1)]
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        block = Z[:, low:high].T @ Z[:, low:]
        gram[low:high, low:] = block
        gram[high:, low:high] = block[:, high - low:].T
    return gram


def _load(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    import sklearn.datasets

    return getattr(sklearn.datasets, f"load_{dataset}")(return_X_y=True)


class _LinearModel(BilevelProblem):
    """Shared set-up of ridge and logistic regression: one penalty per feature, or one for all."""

    def _set_penalties(self, d: int, per_feature: bool, low: float, high: float, prefix: str) -> None:
        self.names = tuple(f"{prefix}_{j}" for j in range(d)) if per_feature else (prefix,)
        self.low, self.high = np.full(self.n_hyper, low), np.full(self.n_hyper, high)
        self.groups = torch.arange(d) if per_feature else torch.zeros(d, dtype=torch.int64)

    def _curvature_step(self, X: torch.Tensor, scale: float) -> float:
        # 1 / (largest eigenvalue of the data term + the largest penalty): stable for every lambda.
        top = float(torch.linalg.eigvalsh(X.T @ X / len(X))[-1])
        return 1.0 / (scale * top + float(self.high.max()))


class RidgeProblem(_LinearModel):
    """Ridge regression on diabetes: ``L = mean((Xw - y)^2) / 2 + sum_j lambda_j w_j^2 / 2``.

    Parameters
    ----------
    per_feature : bool
        One penalty per feature (``alpha_0 ... alpha_{d-1}``) instead of one shared ``alpha``.
    features : {"linear", "quadratic"}
        The 10 raw features, or all degree-2 products as well (65 features: a model that
        overfits 221 training rows, so that per-feature penalties have something to do).
    seed : int
        Shuffles the rows into training, validation and test parts.

    Examples
    --------
    >>> problem = RidgeProblem()
    >>> problem.names, problem.n_weights
    (('alpha',), 10)
    """

    def __init__(self, *, per_feature: bool = False, features: str = "linear", seed: int = 0):
        self.per_feature = check_bool(per_feature, "per_feature", "RidgeProblem")
        self.features = check_one_of(features, "features", "RidgeProblem", ("linear", "quadratic"))
        self.seed = seed_to_int(seed, "RidgeProblem")
        X, y = _load("diabetes")
        if self.features == "quadratic":
            from sklearn.preprocessing import PolynomialFeatures

            X = PolynomialFeatures(2, include_bias=False).fit_transform(X)
        self.split = Split.of(X, y, self.seed, regression=True)
        self.n_weights = X.shape[1]
        self._set_penalties(X.shape[1], self.per_feature, 1e-4, 1e1, "alpha")
        self._step_size = self._curvature_step(self.split.X_train, 1.0)

    def inner_loss(self, w: torch.Tensor, theta: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        X, y = self.split.X_train, self.split.y_train
        if rows is not None:
            X, y = X[rows], y[rows]
        return 0.5 * ((X @ w - y) ** 2).mean() + _penalty(w[:, None], theta, self.groups)

    def outer_loss(self, w: torch.Tensor, part: str = "val") -> torch.Tensor:
        """Mean squared error on standardized targets (about ``1 - R^2``)."""
        X, y = self.split.part(part)
        return ((X @ w - y) ** 2).mean()

    def solve(self, theta: Any, w0: Any = None) -> torch.Tensor:
        """The closed form ``(X^T X / n + diag(lambda)) w = X^T y / n`` (``w0`` is not needed)."""
        A, b = self.normal_equations(torch.as_tensor(self.check_theta(theta, "solve", THETA_SLACK)))
        return torch.linalg.solve(A, b)

    def hessian(self, w: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """``X^T X / n + diag(lambda)``, shape (d, d): the training loss is quadratic, so ``w`` does not matter."""
        return self.normal_equations(theta)[0]

    def normal_equations(self, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``A`` of shape (d, d) and ``b`` of shape (d,) with ``A w* = b``."""
        X, y = self.split.X_train, self.split.y_train
        return X.T @ X / len(X) + torch.diag(torch.exp(theta)[self.groups]), X.T @ y / len(X)


class LogisticProblem(_LinearModel):
    """L2-regularized logistic regression: ``L = cross-entropy + sum_j lambda_j ||W_j||^2 / 2``.

    Binary datasets get one logit, multiclass ones a softmax with one column of weights per
    class; a fixed ``1e-4`` penalty on the intercepts keeps ``L`` strictly convex (a softmax
    does not change when every intercept moves together), so its Hessian is invertible.

    Parameters
    ----------
    dataset : {"breast_cancer", "digits"}
    per_feature : bool
        One penalty per input feature (shared by the classes) instead of one ``C_inv``.
    seed : int
        Shuffles the rows into training, validation and test parts.
    """

    _INTERCEPT_PENALTY = 1e-4
    _NEWTON_STEPS = 50
    _GRADIENT_TOLERANCE = 1e-11

    def __init__(self, dataset: str = "breast_cancer", *, per_feature: bool = False, seed: int = 0):
        self.dataset = check_one_of(dataset, "dataset", "LogisticProblem", ("breast_cancer", "digits"))
        self.per_feature = check_bool(per_feature, "per_feature", "LogisticProblem")
        self.seed = seed_to_int(seed, "LogisticProblem")
        X, y = _load(self.dataset)
        self.split = Split.of(X, y, self.seed, regression=False)
        classes = int(y.max()) + 1
        self._outputs = 1 if classes == 2 else classes
        self._d = X.shape[1]
        self.n_weights = (self._d + 1) * self._outputs
        self._set_penalties(self._d, self.per_feature, 1e-5, 1e1, "weight_decay")
        # The cross-entropy's Hessian is at most 1/4 (one logit) or 1/2 (softmax) of the data's.
        with_intercept = torch.cat([self.split.X_train, torch.ones(len(self.split.X_train), 1)], 1)
        self._step_size = self._curvature_step(with_intercept, 0.25 if self._outputs == 1 else 0.5)

    def _logits(self, w: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        W = w.reshape(self._d + 1, self._outputs)
        return X @ W[:-1] + W[-1]

    def _cross_entropy(self, w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        logits = self._logits(w, X)
        if self._outputs == 1:
            return torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], y.to(torch.float64))
        return torch.nn.functional.cross_entropy(logits, y)

    def inner_loss(self, w: torch.Tensor, theta: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        X, y = self.split.X_train, self.split.y_train
        if rows is not None:
            X, y = X[rows], y[rows]
        W = w.reshape(self._d + 1, self._outputs)
        return (self._cross_entropy(w, X, y) + _penalty(W[:-1], theta, self.groups)
                + 0.5 * self._INTERCEPT_PENALTY * (W[-1] ** 2).sum())

    def outer_loss(self, w: torch.Tensor, part: str = "val") -> torch.Tensor:
        """Mean log-loss on the part."""
        return self._cross_entropy(w, *self.split.part(part))

    def hessian(self, w: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """The training loss's Hessian in ``w``, shape (p, p), in closed form.

        The cross-entropy's is ``sum_i x_i x_i^T (x) (diag(s_i) - s_i s_i^T) / n`` over the
        training rows ``x_i`` (with a 1 for the intercept) and their class probabilities
        ``s_i`` (``s_i (1 - s_i) x_i x_i^T / n`` for one logit); the penalties add a diagonal.
        """
        X = torch.cat([self.split.X_train, torch.ones(len(self.split.X_train), 1, dtype=torch.float64)], 1)
        n, k = X.shape[0], self._outputs
        logits = self._logits(w, self.split.X_train)
        if k == 1:
            s = torch.sigmoid(logits[:, 0])
            H = (X * (s * (1 - s))[:, None]).T @ X / n
        else:
            s = torch.softmax(logits, 1)
            Z = (X[:, :, None] * s[:, None, :]).reshape(n, -1)  # column a * k + c is x_a s_c
            H = -_gram(Z) / n
            # The diag(s_i) part: one (d+1) x (d+1) block per class, where weight (a, c) is a * k + c.
            torch.diagonal(H.view(self._d + 1, k, self._d + 1, k), dim1=1, dim2=3).add_(
                (X.T @ Z / n).view(self._d + 1, self._d + 1, k))
        penalties = torch.cat([torch.exp(theta)[self.groups], torch.tensor([self._INTERCEPT_PENALTY],
                                                                          dtype=torch.float64)])
        return H + torch.diag(penalties.repeat_interleave(k))

    def solve(self, theta: Any, w0: Any = None) -> torch.Tensor:
        """The minimizer ``w*(lambda)``, shape (p,), by Newton's method with the exact Hessian.

        The training loss is strictly convex, so Newton steps (a Cholesky solve with
        :meth:`hessian`, and a backtracking line search) reach a gradient of 1e-11 (or a step whose
        predicted decrease is below the loss's rounding) in about ten steps from zeros, fewer from
        a warm start ``w0``. The base class's L-BFGS stalls here when
        the penalties span their range (an ill-conditioned Hessian): on digits' 650 weights it
        stopped after its 1000 iterations at a gradient of 1e-4 to 1e-5, in 1.2 s, where Newton
        takes 0.3-0.4 s (issue 25, item 6: notebook 10 spent most of its time in these solves).
        """
        theta_t = torch.as_tensor(self.check_theta(theta, "solve", THETA_SLACK))
        w = self.start(w0, "solve")
        loss = functools.partial(self.inner_loss, theta=theta_t)
        for _ in range(self._NEWTON_STEPS):
            gradient = torch.func.grad(loss)(w)
            if float(gradient.abs().max()) <= self._GRADIENT_TOLERANCE:
                break
            factor, info = torch.linalg.cholesky_ex(self.hessian(w, theta_t))
            if info:  # not positive definite in floating point: let L-BFGS finish from here
                return super().solve(theta_t, w)
            direction = -torch.cholesky_solve(gradient[:, None], factor)[:, 0]
            slope, start, t = float(gradient @ direction), float(loss(w)), 1.0
            # The Newton decrement -slope (twice the decrease a step predicts) below the loss's last
            # bit: solved as far as float64 can tell. The gradient's rounding floor can sit above
            # the tolerance: 1.7e-11 at one step of notebook 10's descent, where 44 more steps of
            # line searches on rounding noise took 1.3 s (h471).
            if -slope <= torch.finfo(torch.float64).eps * abs(start):
                # Solved but for the last full step, which no line search can tell from noise: it
                # takes the gradient to its floor (it stopped at 7e-9 where 1e-15 was a step away, r476).
                w = w + direction
                break
            while float(loss(w + t * direction)) > start + 1e-4 * t * slope and t > 1e-10:
                t /= 2
            if t <= 1e-10:  # no decrease left in floating point
                break
            w = w + t * direction
        return w


class MLPProblem(BilevelProblem):
    """A one-hidden-layer tanh network on digits: weight decay and the learning rate.

    ``L = cross-entropy + weight_decay * ||weights||^2 / 2`` (biases are not penalized),
    trained by ``steps`` full-batch gradient steps of size ``learning_rate`` from fixed,
    seeded initial weights. The learning rate shapes the training run, not its minimizer,
    so its hypergradient exists only through the run (reverse or forward mode).

    Parameters
    ----------
    hidden : int
        Hidden units, 1 to 4096.
    steps : int
        Training steps of one run (:attr:`default_steps`).
    seed : int
        The data split and the initial weights.
    """

    dynamics = ("learning_rate",)

    def __init__(self, *, hidden: int = 32, steps: int = 100, seed: int = 0):
        # At most 4096 units (300,000 weights): reverse mode keeps every step's weights, and a
        # typo such as 10**9 would otherwise be accepted here and exhaust memory at the first solve.
        self.hidden = check_int(hidden, "hidden", "MLPProblem", 1, 4096)
        self.default_steps = check_steps(steps, "steps", "MLPProblem")
        self.seed = seed_to_int(seed, "MLPProblem")
        if self.seed >= 2**63:  # torch.Generator.manual_seed overflowed ("when unpacking long long") at the first step
            raise fail("seed", "MLPProblem", "a non-negative int below 2**63 (torch's seeds are 64-bit), a "
                       "numpy.random.Generator or None", seed)
        X, y = _load("digits")
        self.split = Split.of(X, y, self.seed, regression=False)
        self._shapes = [(64, self.hidden), (self.hidden,), (self.hidden, 10), (10,)]
        self.n_weights = sum(int(np.prod(s)) for s in self._shapes)
        self.names = ("weight_decay", "learning_rate")
        self.low, self.high = np.array([1e-6, 1e-2]), np.array([1e-1, 3.0])

    def init_weights(self) -> torch.Tensor:
        generator = torch.Generator().manual_seed(self.seed)
        parts = [torch.randn(s, generator=generator, dtype=torch.float64) / np.sqrt(s[0]) if len(s) == 2
                 else torch.zeros(s, dtype=torch.float64) for s in self._shapes]
        return torch.cat([p.reshape(-1) for p in parts])

    def _unflatten(self, w: torch.Tensor) -> list[torch.Tensor]:
        sizes = [int(np.prod(s)) for s in self._shapes]
        return [p.reshape(s) for p, s in zip(torch.split(w, sizes), self._shapes, strict=True)]

    def _cross_entropy(self, w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        W1, b1, W2, b2 = self._unflatten(w)
        return torch.nn.functional.cross_entropy(torch.tanh(X @ W1 + b1) @ W2 + b2, y)

    def inner_loss(self, w: torch.Tensor, theta: torch.Tensor, rows: torch.Tensor | None = None) -> torch.Tensor:
        X, y = self.split.X_train, self.split.y_train
        if rows is not None:
            X, y = X[rows], y[rows]
        W1, _, W2, _ = self._unflatten(w)
        return self._cross_entropy(w, X, y) + 0.5 * torch.exp(theta[0]) * ((W1 ** 2).sum() + (W2 ** 2).sum())

    def outer_loss(self, w: torch.Tensor, part: str = "val") -> torch.Tensor:
        """Mean log-loss on the part."""
        return self._cross_entropy(w, *self.split.part(part))

    def learning_rate(self, theta: torch.Tensor) -> torch.Tensor:
        return torch.exp(theta[1])
