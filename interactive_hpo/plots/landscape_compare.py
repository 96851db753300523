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

from .._validation import check_real, fail, float_array
from ..landscape.compare import best_trained, check_train_test, distinct_configurations, train_test_agreement
from ..landscape.graph import Landscape
from ._axes import axes_or_new
from ._checks import value_label

__all__ = ["TrainTestInfo", "train_test_info", "plot_train_test", "plot_similarity"]


# -- training against test loss --------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TrainTestInfo:
    """What :func:`plot_train_test` draws.

    Attributes
    ----------
    train, test : ndarray of shape (n,)
        Training and test value of every distinct configuration, in the objective's units
        (``direction``): ``n`` is the landscape's ``n_configurations``, in the order of
        ``configuration_points`` (a conditional grid's copies, which differ only in inactive
        parameters, count once).
    top : ndarray of shape (n,), dtype bool
        The configurations with the lowest training loss: the ``fraction`` of them (at least
        three) and every tie at the cut (:func:`~interactive_hpo.landscape.best_trained`).
    spearman, spearman_top : float
        Spearman correlation of training and test loss over all configurations and over the top
        ones, as :func:`~interactive_hpo.landscape.train_test_agreement` gives them (NaN where
        undefined: the training loss ties over all the top ones, or the test loss is constant).
    fraction : float
    label : str
        What the values are ("accuracy", "loss", ...).
    xlim, ylim : (float, float)
        The axes' ranges: every value, unless a few of the worst sit far from the rest (see
        ``off_scale``); the top ones are always inside.
    off_scale : ndarray of shape (n,), dtype bool
        Configurations outside ``xlim`` or ``ylim`` (drawn on the edge): the worst values on an
        axis, when the gap that separates them from the rest is wider than the rest's whole
        range and they are at most a quarter of the configurations (a majority-class plateau of a few
        configurations would otherwise squash every other point into a corner).
    """

    train: np.ndarray
    test: np.ndarray
    top: np.ndarray
    spearman: float
    spearman_top: float
    fraction: float
    label: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    off_scale: np.ndarray


def _kept(losses: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Which of ``losses`` (shape (n,)) an axis shows: all but the fewest worst ones (at most a
    quarter) whose gap to the rest exceeds the rest's range; ``keep`` (shape (n,), bool) stays in."""
    ordered = np.sort(losses)
    n = len(ordered)
    for cut in range(1, n // 4 + 1):
        rest = ordered[:n - cut]
        if ordered[n - cut] - rest[-1] > rest[-1] - rest[0] and rest[-1] >= losses[keep].max(initial=-np.inf):
            return losses <= rest[-1]
    return np.ones(n, dtype=bool)


def _limits(values: np.ndarray) -> tuple[float, float]:
    """The range of ``values`` with a 5% margin (a little room around a single value)."""
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) or 0.01 * max(1.0, abs(high))
    return low - pad, high + pad


def train_test_info(land: Landscape, *, top: float = 0.1, direction: str = "minimize",
                    label: str | None = None) -> TrainTestInfo:
    """Training and test values of every configuration, and how well one ranks like the other.

    ``direction`` is the objective's ("maximize" shows accuracies, not the stored minus
    accuracies); ``label`` names its values ("loss" or "objective" by default).
    """
    return _train_test_info(land, top, direction, label, "train_test_info")


def _train_test_info(land: Landscape, top: float, direction: str, label: str | None, owner: str) -> TrainTestInfo:
    land, top = check_train_test(land, top, owner)
    land = distinct_configurations(land)
    goal, label = value_label(direction, label, owner)
    agreement = train_test_agreement(land, top=top)
    mask = np.zeros(land.n, dtype=bool)
    mask[best_trained(land, top=top)] = True
    train, test = land.others["train"], land.others["test"]
    shown_x, shown_y = _kept(train, mask), _kept(test, mask)
    return TrainTestInfo(train=goal.to_value(train), test=goal.to_value(test), top=mask, spearman=agreement["all"],
                         spearman_top=agreement["best_trained"], fraction=top,
                         label=label,
                         xlim=_limits(goal.to_value(train[shown_x])), ylim=_limits(goal.to_value(test[shown_y])),
                         off_scale=~(shown_x & shown_y))


def _rho(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def plot_train_test(land: Landscape, *, top: float = 0.1, direction: str = "minimize", label: str | None = None,
                    ax: Any = None) -> Any:
    """Test value against training value, one point per distinct configuration; the best-trained highlighted.

    Where the two agree the points hug y = x; overfitting shows as the best training values
    spreading in test value (and a lower Spearman correlation over them, or none at all when
    they tie: every one fits the training data perfectly).

    Parameters
    ----------
    land : Landscape
        With ``others["train"]`` and ``others["test"]``.
    top : float, default=0.1
        The share with the lowest training loss to highlight (every tie at the cut included).
    direction : {"minimize", "maximize"}, default="minimize"
        The objective's direction: "maximize" plots its values (accuracies), not the losses.
    label : str, optional
        What the values are ("accuracy"): the axes read "training accuracy" and "test accuracy".
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.collections``: all configurations, then the top ones, then (if any) those off the
        scale, drawn on the edge (:attr:`TrainTestInfo.off_scale`); ``ax.lines[0]`` is y = x.
        Configurations with the same training and test values are one marker whose area grows
        with their count (accuracies on a few hundred samples tie often: 31 best-trained forests
        on wine sit on 9 points), and the legend says so; it gives both Spearman correlations
        ("n/a" when undefined).
    """
    info = _train_test_info(land, top, direction, label, "plot_train_test")
    ax = axes_or_new(ax, (5, 4.5), owner="plot_train_test")
    rest = ~info.top & ~info.off_scale
    points = np.column_stack([info.train, info.test])
    stacked = False
    for group, size, style, label in (
            (rest, 14, {"c": "0.55", "alpha": 0.6}, f"the rest (Spearman over all: {_rho(info.spearman)})"),
            (info.top, 24, {"c": "C3"}, f"{int(info.top.sum())} best-trained (Spearman: {_rho(info.spearman_top)})")):
        where, count = np.unique(points[group], axis=0, return_counts=True)
        stacked |= bool((count > 1).any())
        at = f", at {len(where)} points" if len(where) < group.sum() else ""
        ax.scatter(where[:, 0], where[:, 1], s=size * count, label=label.replace(" (", f"{at} (", 1), **style)
    if info.off_scale.any():
        edge = np.column_stack([np.clip(info.train, *info.xlim), np.clip(info.test, *info.ylim)])[info.off_scale]
        ax.scatter(edge[:, 0], edge[:, 1], s=50, marker="D", facecolors="none", edgecolors="0.2",
                   linewidths=1.5, clip_on=False, zorder=3,
                   label=f"{int(info.off_scale.sum())} off the scale, at {_where(info)}: on the edge")
    low, high = min(info.xlim[0], info.ylim[0]), max(info.xlim[1], info.ylim[1])
    ax.plot([low, high], [low, high], ls="--", color="0.3", lw=1, label="y = x")
    ax.set_xlim(info.xlim)
    ax.set_ylim(info.ylim)
    ax.set_xlabel(f"training {info.label}")
    ax.set_ylabel(f"test {info.label}")
    # Below the axes: inside, four entries covered points wherever "best" put them.
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize="small",
                       title="marker area: configurations at that point" if stacked else None, title_fontsize="small")
    from matplotlib.collections import PathCollection

    for handle in legend.legend_handles:   # one size in the legend: it took the first point's, any count
        if isinstance(handle, PathCollection):
            handle.set_sizes([30])
    return ax


# -- similarity of several landscapes --------------------------------------------------------------

def _where(info: TrainTestInfo) -> str:
    """Where the configurations off the scale really are, as (training, test) values: a diamond on
    the corner of notebook 09's forests stood at about (0.96, 0.82) for 25 forests at (0.40, 0.40)."""
    spans = []
    for values in (info.train[info.off_scale], info.test[info.off_scale]):
        low, high = f"{values.min():.2g}", f"{values.max():.2g}"   # two digits: a legend, not a table
        spans.append(low if low == high else f"{low} to {high}")
    return f"({spans[0]}, {spans[1]})"


def plot_similarity(matrix: Any, labels: Sequence[str], *, ax: Any = None, title: str | None = None,
                    vmin: float = -1, vmax: float = 1, label: str | None = None) -> Any:
    """Annotated heat map of a similarity matrix between landscapes (e.g. pairwise Spearman).

    Parameters
    ----------
    matrix : array-like of shape (k, k)
        Entry (i, j) compares landscapes i and j; NaN cells are shown grey and "n/a".
    labels : sequence of str of length k
    ax : matplotlib Axes, optional
    title : str, optional
    vmin, vmax : float, default=-1, 1
        Colour range (0, 1 suits overlaps). A range across 0 is a signed quantity (a correlation)
        and gets a diverging map, pale at its middle; any other range, a sequential map, pale at
        ``vmin`` and dark at ``vmax``.
    label : str, optional
        The colour bar's label (what the matrix measures).

    Returns
    -------
    Axes
        ``ax.images[0]`` is the matrix; ``ax.texts`` the k * k values, row by row.
    """
    owner = "plot_similarity"
    rule = "a non-empty square array of shape (k, k) of numbers (NaN: n/a)"
    values = float_array(matrix, "matrix", owner, rule)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise fail("matrix", owner, rule, f"an array of shape {values.shape}")
    k = values.shape[0]
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) != k:
        raise fail("labels", owner, f"a sequence of {k} labels (one per row of matrix)", labels)
    vmin, vmax = check_real(vmin, "vmin", owner), check_real(vmax, "vmax", owner)
    if not vmax > vmin:
        raise fail("vmax", owner, f"greater than vmin={vmin!r}", vmax)
    for name, text in (("title", title), ("label", label)):  # ["a", "b"] was drawn as the text "['a', 'b']"
        if text is not None and not isinstance(text, str):
            raise fail(name, owner, "a str or None", text)
    from matplotlib import colormaps

    ax = axes_or_new(ax, (1.5 + 0.8 * k, 1.0 + 0.7 * k), owner="plot_similarity")
    # A diverging map on an overlap in [0, 1] made 0 look like a strong negative: diverge only
    # where the range has two signs.
    signed = vmin < 0 < vmax
    cmap = colormaps["RdBu_r" if signed else "Blues"].with_extremes(bad="0.85")  # a copy: registered map untouched
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax)
    for i in range(k):
        for j in range(k):
            v = values[i, j]
            share = (v - vmin) / (vmax - vmin)
            # White text where the colour is dark: far from the pale centre, or towards vmax.
            dark = not math.isnan(v) and (abs(share - 0.5) > 0.3 if signed else share > 0.6)
            ax.text(j, i, "n/a" if math.isnan(v) else f"{v:.2f}", ha="center", va="center", fontsize="small",
                    color="white" if dark else "black")
    ax.set_xticks(np.arange(k), [str(label) for label in labels], rotation=45, ha="right")
    ax.set_yticks(np.arange(k), [str(label) for label in labels])
    ax.figure.colorbar(image, ax=ax, label=label or "")
    if title:
        ax.set_title(title)
    return ax
