"""The frames of a study's export: each step drawn into one figure, which keeps its axes.

A frame is one step: for a model-based optimizer, the belief that proposed that trial (rebuilt
from the hyperparameters recorded with it, no refit) with the trials known then and its
proposal; for the others, the trials known then over two parameters and the best so far; for a
study of several objectives, the Pareto front of the trials so far and their hypervolume
(:mod:`.export_pareto`).

:class:`StepFrames` builds the axes of a kind of frame (the model's curve, its three maps, the
trials) once and then updates their data, as the Lab does, so that the layout, kept in a
:class:`.layout.CachedConstrainedLayout`, is not computed again for every frame: 20 frames of
Branin's maps took 6.0 s of CPU built anew each, 1.6 s updated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._validation import fail
from ..direction import Direction
from ..exceptions import InvalidParameterError
from ..goals import feasible_mask, unknown_feasibility_mask
from ..hypervolume import GrowingHistory
from ..study.core import Study
from ..study.past import best_so_far, full_budget_at, full_budgets
from ..study.results import at_full_budget
from ..trial import TrialState
from ._axes import integer_ticks
from ._far_out import far_out
from .export_pareto import draw_front_step
from .pareto import pareto_info
from .search_axes import axis_positions, not_drawn, style_axis
from .surrogate import SurrogateCurve, SurrogateMaps

__all__ = ["StepFrames", "draw_step", "lacking", "not_drawn"]


def draw_step(study: Study, step: int, fig: Any, pair: Sequence[str] | None = None, reference: Any = None) -> str:
    """Draw step ``step`` of ``study`` into the (cleared) figure ``fig``; return its caption.

    ``pair`` names the two parameters of a 2-D view (default: the first two); for a study of
    several objectives, the two objectives on the front's axes (default: the first two), and
    ``reference`` is the reference point of the hypervolume (see :func:`.export.export_html`).
    """
    return StepFrames(study, fig, pair, reference, "draw_step").draw(step)


class StepFrames:
    """Draws steps of ``study`` into ``fig`` one after another, updating the axes of the last
    frame when the next is of the same kind (``fig`` is cleared when the kind changes).

    Parameters
    ----------
    study : Study
    fig : matplotlib Figure
    pair : two names, optional
        As in :func:`draw_step`.
    reference : array-like of shape (m,), optional
        As in :func:`draw_step`.
    owner : str
        The function the user called, named in errors.
    """

    def __init__(self, study: Study, fig: Any, pair: Sequence[str] | None = None, reference: Any = None,
                 owner: str = "StepFrames"):
        self.study, self.fig = study, fig
        self.names = checked_pair(study, pair, owner)
        self.reference = checked_reference(study, reference, owner)
        self._kind: str | None = None
        self._artists: Any = None
        self._volumes = GrowingHistory()  # one run measured once, each frame reading its prefix off

    def draw(self, step: int) -> str:
        """Draw step ``step``; return its caption."""
        study = self.study
        if study.goals.multi:
            self._kind = None  # the front's frame is drawn whole each time
            return _draw_front(study, step, self.fig, self.names, self.reference, self._volumes)
        space = study.space
        trials = study.trials  # one copy: each study.trials[i] copied the whole list (quadratic)
        trial = trials[step]
        known = study.finished_before(step)
        done = [trials[n] for n in known if trials[n].state is TrialState.COMPLETE]
        X = np.array([t.x for t in done]).reshape(-1, space.dim)
        values = np.array([t.value for t in done], dtype=float)
        try:
            view = study.surrogate(step=step)
        except InvalidParameterError:
            view = None  # a step no model proposed (initial design, model-free optimizers)
        # A trial (or the proposal) without a plotted parameter has no place on these axes: drawn
        # at the inactive coordinate it sat on a value it never had (degree 3.5, coef0 0.5).
        columns = [space.names.index(name) for name in self.names]
        off, off_star = lacking(space, X, columns), lacking(space, trial.x, columns)[0]
        shown, star_shown = np.logical_not(off.any(axis=1)), not off_star.any()
        note = not_drawn(self.names, off, off_star, f"trial {step}")
        if view is not None and space.dim == 1:
            grid = space.slice1d(self.names[0], resolution=200)
            curve = self._reuse("curve", lambda: SurrogateCurve(
                *self.fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))))
            curve.update(grid.axis, view.predict(grid.points), observed_x=axis_positions(grid.axis, X[:, 0]),
                         observed_y=values, proposal=float(axis_positions(grid.axis, trial.x[:1])[0]))
        elif view is not None and (anchor := _slice_anchor(study, step, done, values, trial.params,
                                                           self.names)) is not False:
            x_name, y_name = self.names
            surface = space.slice2d(x_name, y_name, at=anchor, resolution=50)
            ix, iy = space.names.index(x_name), space.names.index(y_name)
            observed = np.column_stack([axis_positions(surface.x_axis, X[shown, ix]),
                                        axis_positions(surface.y_axis, X[shown, iy])])
            star = [float(axis_positions(surface.x_axis, trial.x[ix:ix + 1])[0]),
                    float(axis_positions(surface.y_axis, trial.x[iy:iy + 1])[0])] if star_shown else None
            maps = self._reuse("maps", lambda: SurrogateMaps(self.fig.subplots(1, 3, sharey=True)))
            points = surface.points.reshape(-1, space.dim)
            belief = view.predict(points)
            warped = belief.centre == "median"  # a GP fitted on warped values: its median in objective units
            if warped:  # the std as the GP sees it, as the Lab's map draws it (WARPED_STD: small near trials)
                belief = view.predict(points, std_units="model")
            maps.update(surface, belief, observed=observed, proposal=star, direction=study.direction.value,
                        warped_std=warped)
        else:
            view_of_trials = self._reuse("trials", lambda: _TrialsView(self.fig, study, self.names, trials))
            view_of_trials.update(step, [t for t, kept in zip(done, shown, strict=True) if kept],
                                  np.asarray(trial.x, dtype=float) if star_shown else None)
        outcome = "running" if trial.value is None else f"value {trial.value:.6g}"
        caption = f"Step {step}: {trial.source} proposed trial {step} from {len(known)} finished trials ({outcome})."
        return f"{caption} {note}" if note else caption

    def _reuse(self, kind: str, build: Callable[[], Any]) -> Any:
        """The artists of the last frame if it was of ``kind``, else ``build()`` in the cleared figure."""
        if kind != self._kind:
            self.fig.clf()
            self._kind, self._artists = kind, build()
        return self._artists


def checked_pair(study: Study, pair: Any, owner: str) -> list[str]:
    """The two names a frame is drawn over, checked: two distinct parameters of the space (a 1-D
    space: its one parameter, and no ``pair``), or for several objectives two objective names."""
    multi = study.goals.multi
    names = list(study.goals.names) if multi else list(study.space.names)
    if pair is None:
        return names[:2]
    what = "objective" if multi else "parameter"
    if len(names) < 2:
        raise fail("pair", owner, f"None for a search space of one parameter ({names[0]!r})", pair)
    chosen = list(pair) if isinstance(pair, (list, tuple)) else []
    if len(chosen) != 2 or not all(isinstance(n, str) and n in names for n in chosen) or chosen[0] == chosen[1]:
        raise fail("pair", owner, f"two different {what} names from {names}", pair)
    return chosen


def _draw_front(study: Study, step: int, fig: Any, chosen: list[str], reference: Any,
                measure: GrowingHistory) -> str:
    """The frame of a study of several objectives (:func:`.export_pareto.draw_front_step`) over
    the objectives ``chosen``; ``measure`` is kept from frame to frame."""
    goals = study.goals
    names, directions = list(goals.names), [d.value for d in goals.directions]
    values = np.column_stack([study.history(objective=j).values for j in range(goals.n)])
    feasible = feasible_mask(study.trials)  # as best_trials counts them: without constraints, unknown
    # As best_trials counts them: the reference at today's full budget (one for every frame), the
    # front at the step's (a scheduler switched to later with a larger max_budget changes none of it).
    full, then = (np.array([at_full_budget(t, budget) for t in study.trials], dtype=bool)
                  for budget in (study.full_budget, full_budget_at(study.state, step)))
    point = _reference(reference, values, feasible, directions, full, measure)
    info = draw_front_step(fig, values, feasible, directions, names, point, step,
                           pair=(names.index(chosen[0]), names.index(chosen[1])), full=then,
                           unknown=unknown_feasibility_mask(study.trials), measure=measure)
    trial = study.trials[step]
    outcome = trial.state.value.lower() if trial.values is None else \
        ", ".join(f"{name} {v:.4g}" for name, v in zip(names, trial.values, strict=True))
    return (f"Step {step}: {trial.source} proposed trial {step} ({outcome}); Pareto front of {int(info.front.sum())} "
            f"of {step + 1} trials, hypervolume {info.hypervolume[-1]:.4g}.")


def _reference(reference: np.ndarray | None, values: np.ndarray, feasible: np.ndarray,
               directions: list[str], full: np.ndarray, measure: GrowingHistory) -> np.ndarray:
    """The one reference point of every frame, shape (m,): ``reference`` as given, else inferred
    once from all the study's feasible trials at the full budget (``pareto_info``'s rule: the
    final front's worst value in each objective plus 10 % of its range), so no frame moves it."""
    return pareto_info(values, directions, feasible, full=full, measure=measure).reference if reference is None \
        else reference


def checked_reference(study: Study, reference: Any, owner: str) -> np.ndarray | None:
    """``reference`` as shape (m,): None, or for several objectives m finite numbers."""
    if reference is None:
        return None
    if not study.goals.multi:
        raise fail("reference", owner, "None for a study of one objective (it measures no hypervolume)", reference)
    names = list(study.goals.names)
    try:
        point = np.array(reference, dtype=float)
    except (TypeError, ValueError, OverflowError):  # refused below, with the rule
        point = np.empty(0)
    if point.shape != (len(names),) or not np.isfinite(point).all():
        raise fail("reference", owner, f"None or {len(names)} finite numbers in objective units, one per objective "
                                       f"{names}", reference)
    return point


def lacking(space: Any, X: Any, columns: Sequence[int]) -> np.ndarray:
    """Which of the parameters at ``columns`` each of the unit-cube points ``X`` (shape (n, d) or
    (d,)) lacks, being inactive there: bool of shape (n, len(columns)); all False in a space
    without conditions. The rule the Model tab applies to warm-start sources, for a study's own
    trials: such a point has no place on axes showing that parameter."""
    points = np.asarray(X, dtype=float).reshape(-1, space.dim)
    if not space.conditional:
        return np.zeros((len(points), len(columns)), dtype=bool)
    return ~space.conditions.active_mask(points)[:, list(columns)]


def _slice_anchor(study: Study, step: int, done: list[Any], values: np.ndarray, proposed: Any,
                  names: list[str]) -> Any:
    """Where the frame of step ``step`` cuts the space: through the best trial known (as
    ``Study.best_trial`` counted then: feasible, at the full budget of that step,
    :func:`~interactive_hpo.study.past.full_budget_at`; the lowest loss if none is), else
    (in a conditional space, where the pair may not exist there) through the proposal, else the
    centre; False when the pair is active at none of them (the frame then shows the trials)."""
    full = full_budget_at(study.state, step)
    feasible = feasible_mask(study.trials)
    counted = np.array([feasible[t.number] and at_full_budget(t, full) for t in done], dtype=bool)
    losses = study.direction.to_loss(values)
    if counted.any():
        losses = np.where(counted, losses, np.inf)
    best = done[int(np.argmin(losses))].params if done else None
    for anchor in (best, proposed, None):
        if set(names) <= set(study.space.complete(anchor)):
            return anchor
    return False


class _TrialsView:
    """The model-free frame: the trials known at a step and the one proposed (left), in the
    parameters' units, and the best so far (right) as the study counted it at that step (at its
    full budget then, :func:`~interactive_hpo.study.past.full_budget_at`: after a switch to a
    scheduler with a larger ``max_budget`` the earlier steps' full evaluations still count there).
    Limits are those of the whole study, so the frames of an animation do not jump; a far-out bad
    value (a diverged run) is left off the value scales, as on the History tab, rather than
    squashing every frame."""

    def __init__(self, fig: Any, study: Study, names: list[str], trials: list[Any]):
        space = study.space
        self.ax, self.best_ax = fig.subplots(1, 2)
        self.columns, self.dim = [space.names.index(n) for n in names[:2]], space.dim
        self.axes = [space.axis(n) for n in names[:2]]
        bad_high = study.direction is Direction.MINIMIZE
        done = [t for t in trials if t.state is TrialState.COMPLETE]
        values = np.array([t.value for t in done], dtype=float)
        kept = ~far_out(values, high=bad_high)
        every = self._positions(np.array([t.x for t in done]).reshape(-1, space.dim)[kept], values[kept])
        bounds = self._positions(np.array([[0.0] * space.dim, [1.0] * space.dim]), [np.nan, np.nan])
        self.ax.update_datalim(np.vstack([every, bounds])[np.isfinite(np.vstack([every, bounds])).all(axis=1)])
        for which, axis in zip("xy", self.axes, strict=False):
            style_axis(self.ax, axis, which)
        self.known = self.ax.scatter([], [], color="black", s=16, label="known")
        if len(self.columns) > 1:
            # Unclipped: a proposal on a bound (Sobol's corners) is drawn whole, not half.
            self.proposed: Any = self.ax.scatter([], [], marker="*", s=160, color="C3", label="proposed",
                                                 clip_on=False)
        else:  # one parameter: the proposal has no value yet, so it is a place on the axis
            self.ax.set_ylabel("value")
            self.proposed = self.ax.axvline(np.nan, color="C3", ls=":", label="proposed")
        self.ax.legend(fontsize="small")
        # The best so far at each full budget the study's steps had.
        self.full_at = full_budgets(study.state)[:len(trials)]
        self.best = {full: best_so_far(study, full) for full in set(self.full_at)}
        (self.best_line,) = self.best_ax.plot([], [], drawstyle="steps-post")
        # The steps whose best lies beyond the scale (on its bad side), marked on the edge as the History tab does.
        self.best_off = self.best_ax.scatter([], [], marker="^" if bad_high else "v", color="C0", s=14,
                                             clip_on=False, zorder=3)
        self.best_ax.set(xlabel="trial", ylabel="best so far", xlim=(0, max(len(trials) - 1, 1)))
        integer_ticks(self.best_ax.xaxis)
        self.ax.autoscale_view()
        # The trials' values the left panel keeps set the scale: the running best, far_out's own input,
        # is plateaus that read as tight groups, and the first frames of a study that began with its
        # failed-like trials lost their whole line (review r390).
        shown = values[kept & np.isfinite(values)]
        if len(shown):
            low, high = shown.min(), shown.max()
            margin = 0.05 * (high - low) or 0.05 * max(abs(low), 1.0)
            self.best_ax.set_ylim(low - margin, high + margin)
        for ax in (self.ax, self.best_ax):
            ax.set_autoscale_on(False)  # the whole study's limits, for every frame

    def _positions(self, X: np.ndarray, values: Sequence[Any]) -> np.ndarray:
        """Where the points ``X`` (shape (n, d), unit cube) fall, shape (n, 2): over the two
        parameters, or over the one parameter and their ``values`` (n,)."""
        x = axis_positions(self.axes[0], X[:, self.columns[0]])
        y = axis_positions(self.axes[1], X[:, self.columns[1]]) if len(self.axes) > 1 else \
            np.asarray(values, dtype=float)
        return np.column_stack([x, y])

    def update(self, step: int, done: list[Any], proposal: np.ndarray | None) -> None:
        """Show the trials ``done`` before ``step`` and the unit-cube ``proposal`` (shape (d,)) of
        trial ``step`` (None: not drawn, a parameter shown being inactive for it)."""
        self.known.set_offsets(self._positions(np.array([t.x for t in done]).reshape(-1, self.dim),
                                               [t.value for t in done]))
        where = np.empty((0, 2)) if proposal is None else self._positions(proposal[None, :], [np.nan])
        if len(self.columns) > 1:
            self.proposed.set_offsets(where)
        else:  # one parameter: always active, so the proposal is always there
            self.proposed.set_xdata([where[0, 0]] * 2)
        best = self.best[self.full_at[step]][:step]
        low, high = self.best_ax.get_ylim()
        self.best_line.set_data(np.arange(step), np.clip(best, low, high))  # along the edge where off the scale
        beyond = np.flatnonzero(np.isfinite(best) & ((best < low) | (best > high)))
        self.best_off.set_offsets(np.column_stack([beyond, np.where(best[beyond] > high, high, low)]).reshape(-1, 2))
