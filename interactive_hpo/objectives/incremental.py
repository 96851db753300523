"""Models trained a little at a time, for Population Based Training (PBT).

An :class:`IncrementalTask` owns the data and knows how to build, train a few steps more, score
and copy a model. PBT (:mod:`interactive_hpo.pbt.training`) owns the models and the
hyperparameters and only calls these four methods, so a task for another library (a torch
network, say) is a class with the same attributes.

:class:`~interactive_hpo.objectives.sklearn_incremental.SklearnIncremental` is the scikit-learn
implementation (in :mod:`.sklearn_incremental`, importable from here too). Two ready tasks on
the bundled digits (nothing is downloaded): :func:`sgd_digits` and :func:`mlp_digits_incremental`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .._validation import check_size, import_optional, seed_to_int
from ..space import Float, SearchSpace
from .sklearn_incremental import MAX_STEPS, Seed, SklearnIncremental

__all__ = ["MAX_STEPS", "IncrementalTask", "SklearnIncremental", "mlp_digits_incremental", "sgd_digits"]

#: The most weights :func:`mlp_digits_incremental`'s network holds: 80 MB of floats.
_MAX_WEIGHTS = 10_000_000


@runtime_checkable
class IncrementalTask(Protocol):
    """What Population Based Training needs from a model and its data.

    Call order, per member: ``new_model`` once, then per round ``train`` and ``score``; at an
    exploit the receiver gets ``copy(donor_model)``.

    Attributes
    ----------
    space : SearchSpace
        The hyperparameters ``train`` accepts.
    direction : str
        "maximize" or "minimize": how ``score`` is read.
    """

    space: SearchSpace
    direction: str

    def new_model(self, params: Mapping[str, Any], seed: int) -> Any:
        """An untrained model with ``params``; ``seed`` fixes its initial weights."""

    def train(self, model: Any, params: Mapping[str, Any], n_steps: int, *, seed: int | None = None) -> Any:
        """Apply ``params`` to ``model``, train it ``n_steps`` steps in place, and return it.

        ``seed`` fixes the data order of these steps. None: the task's own default, which should
        not depend on what else was trained (:meth:`SklearnIncremental.train` fixes it by the
        task's seed and the step's number in the model's life).
        """

    def score(self, model: Any) -> float:
        """The model's score on the validation split (NaN, or an infinite score, for a diverged model)."""

    def copy(self, model: Any) -> Any:
        """An independent copy: training one never changes the other."""


def _digits() -> tuple[np.ndarray, np.ndarray]:
    from .task_inputs import _digits as digits

    return digits()


def sgd_digits(seed: Seed = None) -> SklearnIncremental:
    """A linear SVM trained by SGD on the digits, one ``partial_fit`` epoch per step (~10 ms).

    ``SGDClassifier(learning_rate="constant")``. Search space: ``eta0`` (the step size) in
    [1e-5, 1] (log) and ``alpha`` (L2 penalty) in [1e-6, 0.1] (log). Score: validation accuracy.
    Too small a step leaves the weights near zero, where every sample violates the margin and the
    model is little better than class means (~0.85); too large a step with a large ``alpha``
    shrinks the weights every sample and collapses (~0.1); good settings reach ~0.94.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the train/validation/test split, and the data order of ``train`` without a seed:
        with None there, a model's k-th step is fixed by this seed and k alone, whatever else was
        trained (see :meth:`SklearnIncremental.train`). None here: a seed drawn from fresh
        entropy (``task.seed`` records it).
    """
    import_optional("sklearn", "sklearn", "sgd_digits")
    from sklearn.linear_model import SGDClassifier

    seed = seed_to_int(seed, "sgd_digits")  # the same int SklearnIncremental draws; refused in this name
    X, y = _digits()
    space = SearchSpace([Float("eta0", 1e-5, 1.0, log=True), Float("alpha", 1e-6, 1e-1, log=True)])
    return SklearnIncremental(SGDClassifier(learning_rate="constant"), X, y, space, scoring="accuracy", seed=seed,
                              name="sgd_digits")


def mlp_digits_incremental(seed: Seed = None, hidden: int = 32) -> SklearnIncremental:
    """A one-hidden-layer network (Adam) on the digits, one ``partial_fit`` epoch per step (~7 ms).

    Search space: ``learning_rate_init`` in [1e-4, 0.1] (log) and ``alpha`` in [1e-6, 0.1] (log).
    Score: validation accuracy. A changed learning rate reaches the cached Adam solver (see
    ``sklearn_incremental._sync_cached_optimizer``).

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        Seeds the train/validation/test split and the data order of ``train`` without a seed,
        as for :func:`sgd_digits`.
    hidden : int, default=32
        Width of the hidden layer, at most 133 333 (75 weights a unit, 10 million in all).
    """
    import_optional("sklearn", "sklearn", "mlp_digits_incremental")
    from sklearn.neural_network import MLPClassifier

    # A unit's weights: 64 pixels in, 10 classes out, a bias. A billion units were accepted and
    # the first training step asked for 600 GB.
    width = check_size(hidden, "hidden", "mlp_digits_incremental", 1, 64 + 10 + 1, _MAX_WEIGHTS, "weights")
    seed = seed_to_int(seed, "mlp_digits_incremental")
    X, y = _digits()
    space = SearchSpace([Float("learning_rate_init", 1e-4, 0.1, log=True), Float("alpha", 1e-6, 1e-1, log=True)])
    return SklearnIncremental(MLPClassifier(hidden_layer_sizes=(width,)), X, y, space, scoring="accuracy",
                              seed=seed, name="mlp_digits_incremental")
