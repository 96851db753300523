"""Plots for gradient-based hyperparameter optimization (hypergradients).

A hyperparameter lambda > 0 is handled in log coordinates theta = ln(lambda), and a hypergradient
is d(validation loss) / d(theta). These functions take plain numpy data (what a hypergradient run
records), so they never import the code that computes it. :func:`tangents_info` is the one plot
with arithmetic of its own; as in :mod:`.landscape`, it is computed first (tests target it) and
drawn second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import colormaps

from .._validation import check_bool, check_int, check_one_of, check_real, fail, float_array
from ._axes import axes_or_new, legend_in_band, log_scale
from ._checks import first_bad, vector
from ._gradient_checks import counts, increasing, labelled_curves, log_values

__all__ = ["TangentsInfo", "tangents_info", "plot_hypergradient_tangents", "plot_hyperparameter_path",
           "plot_mode_costs", "plot_approximation_error", "plot_online_learning_rate"]

#: More hyperparameters than this get thin unlabelled lines and one legend entry.
LEGEND_MAX = 10

#: Y labels of :func:`plot_mode_costs`, by ``measure``.
MEASURE_LABELS = {"seconds": "seconds per hypergradient", "bytes": "memory held for the derivative (MB)"}

#: Display floor of :func:`plot_approximation_error`.
ERROR_FLOOR = 1e-16


def _legend(ax: Any, twin: Any, handles: list, labels: list[str]) -> None:
    """One legend on ``ax`` for its lines and those of ``twin`` (None: no twin).

    The twin is drawn after ``ax``, so its lines would cross the legend: raise ``ax`` above the
    twin and make its background transparent (the twin's already is) so both stay visible.
    ``loc="best"`` weighs only the lines of the Axes that owns the legend, and with two y axes
    every place can hold a line of one or the other (issue 26, item 9: the legend sat on the
    learning-rate curve), so the legend goes in a band of its own at the top.
    """
    if twin is None:
        ax.legend(handles, labels, loc="best", fontsize="small")
        return
    handles, labels = handles + twin.lines, labels + [line.get_label() for line in twin.lines]
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    legend_in_band(ax.legend(handles, labels, loc="upper right", fontsize="small"), [ax, twin], "top")


# -- tangents of the validation loss ---------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TangentsInfo:
    """What :func:`plot_hypergradient_tangents` draws.

    Attributes
    ----------
    lams, losses : ndarray of shape (m,)
        The validation-loss curve over a grid of lambda (increasing).
    at, values, gradients : ndarray of shape (k,)
        Where hypergradients were computed, the loss there and d loss / d ln(lambda).
    x, y : ndarray of shape (k, 3)
        Each tangent at ln(at) - width, ln(at), ln(at) + width, in lambda units, and its loss
        ``values + gradients * (ln(x) - ln(at))``; the middle point is (at, value).
    width : float
        Half-length of each tangent in natural-log units.
    """

    lams: np.ndarray
    losses: np.ndarray
    at: np.ndarray
    values: np.ndarray
    gradients: np.ndarray
    x: np.ndarray
    y: np.ndarray
    width: float


def _tangents_info(lams: Any, losses: Any, at: Any, values: Any, gradients: Any, width: Any,
                   owner: str) -> TangentsInfo:
    lams = increasing(vector(lams, "lams", owner, positive=True), "lams", owner)
    losses = vector(losses, "losses", owner, len(lams), "lams")
    first_bad(losses, ~np.isinf(losses), "losses", owner, "a number (NaN: a gap in the curve)")
    at = vector(at, "at", owner, positive=True)
    values = vector(values, "values", owner, len(at), "at")
    gradients = vector(gradients, "gradients", owner, len(at), "at")
    for name, array in (("values", values), ("gradients", gradients)):  # else the tangent vanishes unseen
        first_bad(array, np.isfinite(array), name, owner, "a finite number")
    width = check_real(width, "width", owner, 0, low_open=True)
    offsets = np.array([-width, 0.0, width])
    # Straight in theta = ln(lambda), where the hypergradient is the slope, so straight on a log x axis.
    x = at[:, None] * np.exp(offsets)[None, :]
    y = values[:, None] + gradients[:, None] * offsets[None, :]
    return TangentsInfo(lams=lams, losses=losses, at=at, values=values, gradients=gradients, x=x, y=y, width=width)


def tangents_info(lams: Any, losses: Any, at: Any, values: Any, gradients: Any, width: float = 0.5) -> TangentsInfo:
    """The loss curve and the tangent line at each point where a hypergradient was computed.

    Parameters
    ----------
    lams : array-like of shape (m,)
        Positive, strictly increasing grid of lambda.
    losses : array-like of shape (m,)
        Validation loss on that grid.
    at : array-like of shape (k,)
        Positive lambdas where a hypergradient was computed.
    values, gradients : array-like of shape (k,)
        Validation loss and d loss / d ln(lambda) at ``at``.
    width : float, default=0.5
        Each tangent spans ln(at) +- width (natural-log units: 0.5 spans a factor e, 0.43 decades).

    Returns
    -------
    TangentsInfo
    """
    return _tangents_info(lams, losses, at, values, gradients, width, "tangents_info")


def plot_hypergradient_tangents(lams: Any, losses: Any, at: Any, values: Any, gradients: Any, *, width: float = 0.5,
                                name: str = "lambda", ax: Any = None) -> Any:
    """The validation loss against lambda with the hypergradient drawn as tangents: a correct
    hypergradient touches the curve, a wrong one cuts across it.

    Parameters
    ----------
    lams, losses, at, values, gradients, width
        As for :func:`tangents_info`.
    name : str, default="lambda"
        The hyperparameter's name, for the x label.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.lines``: the curve, the points ``at`` (markers only), then one line per tangent
        (only the first in the legend). Log x axis; the y range is that of the curve and the
        points, so steep tangents are cut rather than flattening the curve.
    """
    info = _tangents_info(lams, losses, at, values, gradients, width, "plot_hypergradient_tangents")
    ax = axes_or_new(ax, (6, 4), owner="plot_hypergradient_tangents")
    ax.plot(info.lams, info.losses, color="C0", lw=1.5, label="validation loss")
    ax.plot(info.at, info.values, ls="none", marker="o", ms=6, color="C3", label="hypergradient computed")
    # Keep the y range of the curve and the points: a steep tangent would stretch it and flatten the curve.
    ylim = ax.get_ylim()
    for i, (x, y) in enumerate(zip(info.x, info.y, strict=True)):
        ax.plot(x, y, color="C3", lw=2, alpha=0.8,
                label=f"tangent (slope d loss / d ln {name})" if i == 0 else "_tangent")
    ax.set(ylim=ylim, xlabel=name, ylabel="validation loss")
    log_scale(ax, "x")
    ax.legend(loc="best", fontsize="small")
    return ax


# -- the hyperparameters over the optimization -----------------------------------------------------

def plot_hyperparameter_path(values: Any, *, names: Sequence[str] | None = None, losses: Any = None, log: bool = True,
                             max_lines: int | None = None, ax: Any = None) -> Any:
    """Each hyperparameter against the hypergradient step, optionally with the validation loss.

    Parameters
    ----------
    values : array-like of shape (n_steps, h)
        Hyperparameter values per step, in lambda units (shape (n_steps,) for one hyperparameter).
    names : sequence of str of length h, optional
        Default "lambda_0", "lambda_1", ...
    losses : array-like of shape (n_steps,), optional
        Validation loss per step, drawn dashed on a twin y axis on the right.
    log : bool, default=True
        Log y scale (then ``values`` must be positive).
    max_lines : int, optional
        Draw at most this many hyperparameters, evenly spaced over the columns (all by default).
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.lines``: one line per hyperparameter drawn, x = 0 ... n_steps - 1, labelled with its
        name. More than 10 are thin, their labels hidden ("_" + name), with one legend entry
        "h hyperparameters" ("d of h hyperparameters" when ``max_lines`` leaves d). The losses,
        if any, are on a twin Axes added to ``ax.figure`` after ``ax``; then both y ranges leave a
        band at the top for the legend.
    """
    owner = "plot_hyperparameter_path"
    array = float_array(values, "values", owner, "an array of numbers")
    array = array[:, None] if array.ndim == 1 else array
    if array.ndim != 2:
        raise fail("values", owner, "an array of shape (n_steps, h)", f"shape {array.shape}")
    n_steps, h = array.shape
    if names is None:
        names = [f"lambda_{j}" for j in range(h)]
    elif isinstance(names, str) or not isinstance(names, Sequence) or len(names) != h \
            or len({str(n) for n in names}) < h:
        raise fail("names", owner, f"a sequence of {h} distinct names (one per column of values)", names)
    log = check_bool(log, "log", owner)
    losses = None if losses is None else vector(losses, "losses", owner, n_steps, "values")
    if log:
        first_bad(array, np.isfinite(array) & (array > 0), "values", owner, "a finite positive number with log=True")
    shown = np.arange(h)
    if max_lines is not None and check_int(max_lines, "max_lines", owner, 1) < h:
        shown = np.unique(np.floor(np.linspace(0, h - 1, max_lines) + 0.5).astype(int))
    ax = axes_or_new(ax, (7, 4), owner="plot_hyperparameter_path")
    steps = np.arange(n_steps)
    many = len(shown) > LEGEND_MAX
    for rank, j in enumerate(shown.tolist()):
        if many:  # colour by column so neighbouring hyperparameters read as a band
            ax.plot(steps, array[:, j], lw=0.7, alpha=0.6, color=colormaps["viridis"](rank / max(1, len(shown) - 1)),
                    label=f"_{names[j]}")
        else:
            ax.plot(steps, array[:, j], lw=1.5, label=str(names[j]))
    ax.set(xlabel="step", ylabel=str(names[0]) if h == 1 else "hyperparameter value")
    if log:
        log_scale(ax, "y")
    handles, labels = list(ax.lines), [line.get_label() for line in ax.lines]
    if many:
        count = f"{h}" if len(shown) == h else f"{len(shown)} of {h}"
        handles, labels = handles[:1], [f"{count} hyperparameters"]
    twin = None
    if losses is not None:
        twin = ax.twinx()
        twin.plot(steps, losses, color="0.2", ls="--", lw=1.2, label="validation loss (right)")
        twin.set_ylabel("validation loss")
    _legend(ax, twin, handles, labels)
    return ax


# -- cost of the two differentiation modes ---------------------------------------------------------

#: Most horizons :func:`plot_mode_costs` labels one by one (more would collide; then the log axis's own ticks).
MAX_LABELLED_HORIZONS = 8


def plot_mode_costs(horizons: Any, costs: Mapping[str, Any], *, measure: str = "seconds", ax: Any = None) -> Any:
    """Time or memory of each way of differentiating through training, against the number of
    unrolled steps T (reverse mode holds the whole trajectory; forward mode does not).

    Parameters
    ----------
    horizons : array-like of int, shape (m,)
        Numbers of unrolled training steps T (positive).
    costs : mapping of str to array-like of shape (m,)
        Method name (e.g. "reverse", "forward") -> the measure at each horizon (NaN where not measured).
    measure : {"seconds", "bytes"}, default="seconds"
        What ``costs`` hold; only sets the y label (bytes are shown as MB, 1 MB = 1e6 bytes).
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.lines``: one line with markers per method, labelled with its name; log-log axes.
    """
    owner = "plot_mode_costs"
    horizons = increasing(counts(vector(horizons, "horizons", owner), "horizons", owner, 1), "horizons", owner)
    curves = labelled_curves(costs, "costs", owner, len(horizons), "horizons")
    for label, cost in curves.items():
        log_values(cost, f"costs[{label!r}]", owner)
    measure = check_one_of(measure, "measure", owner, tuple(MEASURE_LABELS))
    ax = axes_or_new(ax, (6, 4), owner="plot_mode_costs")
    for label, cost in curves.items():
        ax.plot(horizons, cost / 1e6 if measure == "bytes" else cost, marker="o", ms=5, label=label)
    ax.set(xlabel="unrolled training steps T", ylabel=MEASURE_LABELS[measure])
    log_scale(ax, "x")
    if len(horizons) <= MAX_LABELLED_HORIZONS:
        # Each horizon measured, labelled: the log locator's 10, 20, 30, 40, 60 left 80 unlabelled.
        from matplotlib.ticker import NullFormatter

        ax.set_xticks(horizons, [f"{h:g}" for h in horizons])
        ax.xaxis.set_minor_formatter(NullFormatter())
    log_scale(ax, "y")
    ax.legend(loc="best", fontsize="small")
    return ax


# -- approximate inverse-Hessian products ----------------------------------------------------------

def plot_approximation_error(iterations: Any, errors: Mapping[str, Any], *, ax: Any = None) -> Any:
    """Relative error of an approximate hypergradient against the iterations spent on it.

    Parameters
    ----------
    iterations : array-like of int, shape (k,)
        Iteration counts (non-negative).
    errors : mapping of str to array-like of shape (k,)
        Method name (e.g. "conjugate gradient", "Neumann series") -> non-negative relative errors.
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        ``ax.lines``: one line with markers per method, on a log y axis. Errors below
        :data:`ERROR_FLOOR` (an exact solve's 0) are drawn at it, and then a last, dotted line
        marks it, named in the legend, and the y range ends just below it. The legend sits outside the
        Axes, on the right: lines may fill every corner from 1 down to the floor.
    """
    owner = "plot_approximation_error"
    iterations = counts(vector(iterations, "iterations", owner), "iterations", owner, 0)
    curves = labelled_curves(errors, "errors", owner, len(iterations), "iterations")
    for label, error in curves.items():
        first_bad(error, ~(error < 0) & ~np.isinf(error), f"errors[{label!r}]", owner,
                   "a finite non-negative number, or NaN where not measured")
    ax = axes_or_new(ax, (9.5, 4), owner="plot_approximation_error")   # wide: the legend sits beside the Axes
    for label, error in curves.items():
        # An exact solve gives 0, which a log axis cannot place: draw it at the floor (about double
        # precision's relative resolution, so no real error is hidden) instead of dropping the point.
        ax.plot(iterations, np.maximum(error, ERROR_FLOOR), marker="o", ms=5, label=label)
    if any(np.any(error < ERROR_FLOOR) for error in curves.values()):
        ax.axhline(ERROR_FLOOR, color="0.5", ls=":", lw=1.5,
                   label=f"floor: below {ERROR_FLOOR:g}, 0 included")
    ax.set(xlabel="iterations", ylabel="relative error of the hypergradient")
    log_scale(ax, "y")
    # Outside the Axes: converging lines can fill every corner from 1 down to the floor (issue 26,
    # item 9), and a band kept free for the legend below the floor was 11 empty decades (to 1e-27)
    # in notebook 10 (review a215).
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize="small")
    return ax


# -- online learning-rate adaptation ---------------------------------------------------------------

def _steps_shown(m: int, n: int) -> str:
    """What a baseline's legend entry adds when it has ``m`` losses and the adapted run ``n``
    steps. A diverged run stops early, and comparing it with one of full length was refused as
    a bare length error (review r186 L5): the two are drawn over their common steps instead."""
    if m > n:
        return f" (its first {n} of {m} steps)"
    return f" (ends after {m} steps)" if m < n else ""


def plot_online_learning_rate(steps: Any, learning_rates: Any, losses: Any, *,
                              baselines: Mapping[str, Any] | None = None, ax: Any = None) -> Any:
    """Loss of a training run whose learning rate adapts by hypergradient descent (Baydin et al.,
    2018), the learning rate itself, and optionally fixed-learning-rate runs to compare.

    Parameters
    ----------
    steps : array-like of shape (n,)
        Training steps.
    learning_rates, losses : array-like of shape (n,)
        The adapted learning rate and the loss at each step.
    baselines : mapping of str to array-like of shape (m,), optional
        Label (e.g. "fixed lr = 0.01") -> losses of a run with that learning rate held fixed, at
        ``steps[:m]``. A run of another length is drawn over the steps both have, and its legend
        entry says so: a diverged run stops early (``online_learning_rate`` keeps its finite
        steps), so a full-length baseline is cut at the adapted run's last step ("its first n of
        m steps") and a diverged baseline ends where it stopped ("ends after m steps").
    ax : matplotlib Axes, optional

    Returns
    -------
    Axes
        The left axis (log y): ``ax.lines`` are the adapted run's losses, then each baseline's
        (dashed, over the steps it shares with the run). The learning rate is on a twin Axes
        added to ``ax.figure`` after ``ax``; both y ranges leave a band at the top for the legend.
    """
    owner = "plot_online_learning_rate"
    steps = increasing(vector(steps, "steps", owner), "steps", owner)
    learning_rates = vector(learning_rates, "learning_rates", owner, len(steps), "steps")
    losses = vector(losses, "losses", owner, len(steps), "steps")
    first_bad(learning_rates, ~np.isinf(learning_rates), "learning_rates", owner, "a number (NaN: a gap)")
    others = {} if baselines is None else labelled_curves(baselines, "baselines", owner, None, "steps", empty=True)
    log_values(losses, "losses", owner)
    for label, loss in others.items():
        if not len(loss):  # nothing to draw, under a legend entry "(ends after 0 steps)"
            raise fail(f"baselines[{label!r}]", owner, "a 1-D array of at least one loss", "length 0")
    shared = {label: loss[:len(steps)] for label, loss in others.items()}   # what is drawn is what is checked
    for label, loss in shared.items():
        log_values(loss, f"baselines[{label!r}]", owner)
    ax = axes_or_new(ax, (7, 4), owner="plot_online_learning_rate")
    ax.plot(steps, losses, color="C0", lw=1.5, label="loss (hypergradient descent)")
    for i, (label, loss) in enumerate(shared.items()):
        ax.plot(steps[:len(loss)], loss, color=f"C{i + 1}", ls="--", lw=1.2,
                label=label + _steps_shown(len(others[label]), len(steps)))
    ax.set(xlabel="step", ylabel="loss")
    log_scale(ax, "y")
    # Linear, not log: hypergradient descent may drive the rate through zero, which a log axis would hide.
    twin = ax.twinx()
    twin.plot(steps, learning_rates, color="0.3", ls=":", lw=1.5, label="learning rate (right)")
    twin.set_ylabel("learning rate")
    _legend(ax, twin, list(ax.lines), [line.get_label() for line in ax.lines])
    return ax
