"""Plots that compare landscapes: training against test loss, and similarity matrices.

The train-test scatter shows where the two rankings part (overfitting among the best-trained
configurations); the similarity heat map lays out :func:`~interactive_hpo.landscape.similarity_matrix`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_real, fail
from ..landscape.compare import best_trained, check_train_test, train_test_agreement
from ..landscape.graph import Landscape
from ._axes import axes_or_new

__all__ = ["TrainTestInfo", "train_test_info", "plot_train_test", "plot_similarity"]


# -- training against test loss --------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TrainTestInfo:
    """What :func:`plot_train_test` draws.

    Attributes
    ----------
    train, test : ndarray of shape (n,)
        Training and test loss of every configuration.
    top : ndarray of shape (n,), dtype bool
        The ``fraction`` of configurations with the lowest training loss (at least three).
    spearman, spearman_top : float
        Spearman correlation of training and test loss over all configurations and over the top
        ones, as :func:`~interactive_hpo.landscape.train_test_agreement` gives them (0 when the
        training loss ties over the top ones, NaN when the test loss is constant).
    fraction : float
    """

    train: np.ndarray
    test: np.ndarray
    top: np.ndarray
    spearman: float
    spearman_top: float
    fraction: float


def train_test_info(land: Landscape, *, top: float = 0.1) -> TrainTestInfo:
    """Training and test losses of every configuration, and how well one ranks like the other."""
    land, top = check_train_test(land, top, "train_test_info")
    agreement = train_test_agreement(land, top=top)
    mask = np.zeros(land.n, dtype=bool)
    mask[best_trained(land, top=top)] = True
    return TrainTestInfo(train=land.others["train"], test=land.others["test"], top=mask,
                         spearman=agreement["all"], spearman_top=agreement["best_trained"], fraction=top)


def _rho(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def plot_train_test(land: Landscape, *, top: float = 0.1, ax: Any = None) -> Any:
    """Test loss against training loss, one point per configuration; the best by training loss highlighted.

    Where the two agree the points hug y = x; overfitting shows as the lowest training losses
    spreading upwards in test loss (and a lower Spearman correlation over them).

    Returns
    -------
    Axes
        ``ax.collections``: all configurations, then the top ones; ``ax.lines[0]`` is y = x. The
        legend gives both Spearman correlations ("n/a" when undefined).
    """
    info = train_test_info(land, top=top)
    ax = axes_or_new(ax, (5, 4.5))
    share = f"{100 * info.fraction:.3g}%"
    ax.scatter(info.train[~info.top], info.test[~info.top], s=10, c="0.6", alpha=0.6,
               label=f"the rest (Spearman over all: {_rho(info.spearman)})")
    ax.scatter(info.train[info.top], info.test[info.top], s=18, c="C3",
               label=f"top {share} by training loss (Spearman: {_rho(info.spearman_top)})")
    both = np.concatenate([info.train, info.test])
    ax.plot([both.min(), both.max()], [both.min(), both.max()], ls="--", color="0.3", lw=1, label="y = x")
    ax.set_xlabel("training loss")
    ax.set_ylabel("test loss")
    ax.legend(loc="best", fontsize="small", frameon=False)
    return ax


# -- similarity of several landscapes --------------------------------------------------------------

def plot_similarity(matrix: Any, labels: Sequence[str], *, ax: Any = None, title: str | None = None,
                    vmin: float = -1, vmax: float = 1) -> Any:
    """Annotated heat map of a similarity matrix between landscapes (e.g. pairwise Spearman).

    Parameters
    ----------
    matrix : array-like of shape (k, k)
        Entry (i, j) compares landscapes i and j; NaN cells are shown grey and "n/a".
    labels : sequence of str of length k
    ax : matplotlib Axes, optional
    title : str, optional
    vmin, vmax : float, default=-1, 1
        Colour range (0, 1 suits overlaps).

    Returns
    -------
    Axes
        ``ax.images[0]`` is the matrix; ``ax.texts`` the k * k values, row by row.
    """
    owner = "plot_similarity"
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise fail("matrix", owner, "a non-empty square array of shape (k, k)", f"shape {values.shape}")
    k = values.shape[0]
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != k:
        raise fail("labels", owner, f"a sequence of {k} labels (one per row of matrix)", labels)
    vmin, vmax = check_real(vmin, "vmin", owner), check_real(vmax, "vmax", owner)
    if not vmax > vmin:
        raise fail("vmax", owner, f"greater than vmin={vmin!r}", vmax)
    from matplotlib import colormaps

    ax = axes_or_new(ax, (1.5 + 0.8 * k, 1.0 + 0.7 * k))
    cmap = colormaps["RdBu_r"].with_extremes(bad="0.85")  # a copy: the registered map is untouched
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax)
    for i in range(k):
        for j in range(k):
            v = values[i, j]
            dark = not math.isnan(v) and abs((v - vmin) / (vmax - vmin) - 0.5) > 0.3  # far from the pale centre
            ax.text(j, i, "n/a" if math.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize="small",
                    color="white" if dark else "black")
    ax.set_xticks(np.arange(k), [str(label) for label in labels], rotation=45, ha="right")
    ax.set_yticks(np.arange(k), [str(label) for label in labels])
    ax.figure.colorbar(image, ax=ax)
    if title:
        ax.set_title(title)
    return ax
