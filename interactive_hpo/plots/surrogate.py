"""Draw a surrogate's belief: mean, uncertainty bands and acquisition, in 1-D and 2-D.

The curve (one parameter) lives here, the heatmaps over a pair in :mod:`.surrogate_maps`
(imported here too). Functions take plain data (``interactive_hpo.views``) and optional Axes,
return the Axes, and never call ``plt.show()`` or change global style (DESIGN.md section 3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_bool
from ..views import AxisLevels, SurrogatePrediction
from ._axes import FAILED_MARKER, MANUAL_MARKER, drawn_entries, markers_whole, steady_ticks
from ._surrogate_checks import check_curve_axes, check_curve_inputs, check_marks
from .acquisition_display import acquisition_title, displayed_acquisition
from .search_axes import drawn_levels, style_axis
from .surrogate_maps import SurrogateMaps, as_points, plot_surrogate_2d, point_colors

__all__ = ["SurrogateCurve", "SurrogateMaps", "displayed_acquisition", "plot_surrogate_1d", "plot_surrogate_2d"]

#: What the failed trials' crosses are: a GP is fitted on them, at a value below the worst.
FAILED_LABEL = "failed (fitted below the worst)"


def _bands(prediction: SurrogatePrediction) -> tuple[np.ndarray, np.ndarray]:
    """The epistemic band and the band including noise, each of shape (2, m) (lower and upper
    ends): the prediction's ``interval`` and ``noisy_interval`` when given, else ``mean +- 2 std``
    and ``mean +- 2 sqrt(std^2 + noise_std^2)``."""
    mean, std = np.asarray(prediction.mean, dtype=float), np.asarray(prediction.std, dtype=float)
    total = np.sqrt(std**2 + np.asarray(prediction.noise_std, dtype=float) ** 2)
    epistemic = np.stack([mean - 2 * std, mean + 2 * std]) if prediction.interval is None \
        else np.asarray(prediction.interval, dtype=float)
    noisy = np.stack([mean - 2 * total, mean + 2 * total]) if prediction.noisy_interval is None \
        else np.asarray(prediction.noisy_interval, dtype=float)
    return epistemic, noisy


class SurrogateCurve:
    """The model along one parameter above, the acquisition below; built once, updated in place.

    The epistemic band (``mean +- 2 std``) is drawn dark, the band including observation noise
    (``+- 2 sqrt(std^2 + noise^2)``) light; a prediction that carries its exact bands (a GP under
    an output warp: a median and lopsided 95% bands, see
    :class:`~interactive_hpo.views.SurrogatePrediction`) is drawn with them. :meth:`update`
    changes the artists' data and leaves redrawing to the caller (``fig.canvas.draw_idle()`` in
    a live app).

    Parameters
    ----------
    ax, acquisition_ax : matplotlib Axes, optional
        Where to draw; a new figure with two stacked Axes when both are None.
    legend_above : bool, default=False
        Put the legend in a row above ``ax`` (where a title would go), not inside it: the Lab's
        curve has no title, and inside, the legend covered the bands and the trials under it
        (wide bands leave ``loc="best"`` no free corner).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interactive_hpo import Float, SearchSpace
    >>> from interactive_hpo.views import SurrogatePrediction
    >>> axis = SearchSpace([Float("x", 0, 1)]).axis("x", resolution=3)
    >>> belief = SurrogatePrediction(np.zeros(3), np.ones(3), np.zeros(3), np.arange(3.0), "ucb")
    >>> curve = SurrogateCurve().update(axis, belief, observed_x=[0.5], observed_y=[0.1])
    >>> curve.mean_line.get_ydata().tolist(), curve.points.get_offsets().tolist()
    ([0.0, 0.0, 0.0], [[0.5, 0.1]])
    """

    def __init__(self, ax: Any = None, acquisition_ax: Any = None, *, legend_above: bool = False):
        check_curve_axes(ax, acquisition_ax, "SurrogateCurve")
        self._legend_above = check_bool(legend_above, "legend_above", "SurrogateCurve")
        if ax is None and acquisition_ax is None:
            import matplotlib.pyplot as plt

            _, (ax, acquisition_ax) = plt.subplots(2, 1, sharex=True, figsize=(7, 5), height_ratios=(2, 1),
                                                 layout="constrained")
        self.ax, self.acquisition_ax = ax, acquisition_ax
        self.bands: list[Any] = []
        (self.mean_line,) = ax.plot([], [], color="C0", label="posterior mean")
        (self.truth_line,) = ax.plot([], [], color="gray", ls="--", label="true function")
        self.points = ax.scatter([], [], color="black", zorder=3, s=20, label="evaluated")
        self.manual = ax.scatter([], [], s=110, zorder=3.5, label="yours", **MANUAL_MARKER)  # as in History
        # x in data units, y in Axes units: on the bottom edge, as the History plot puts them (a
        # GP fits them below the worst value, which has no place on the objective's scale).
        self.failed = ax.scatter([], [], s=40, linewidths=1.5, zorder=3.5, transform=ax.get_xaxis_transform(),
                                 label=FAILED_LABEL, **FAILED_MARKER)
        markers_whole(self.points, self.manual, self.failed)  # a trial on a bound of the space, as a whole dot
        for marker in (self.points, self.manual, self.failed):
            marker.set_in_layout(False)  # its grown clip box would shrink the Axes by a dot's reach
        self.markers = [target.axvline(np.nan, color="C3", ls=":", label="next proposal" if target is ax else None)
                        for target in (ax, acquisition_ax) if target is not None]
        self.acquisition_line = None if acquisition_ax is None else acquisition_ax.plot([], [], color="C2")[0]
        self._teaching: list[Any] = []  # sample paths and acquisition terms (show_teaching)
        self._terms_ax: Any = None
        ax.set_ylabel("objective")
        for target in (ax, acquisition_ax):
            if target is not None:
                steady_ticks(target.yaxis)

    def update(self, axis: AxisLevels, prediction: SurrogatePrediction, *, observed_x: Any = None,
               observed_y: Any = None, observed_alpha: Any = None, proposal: float | None = None,
               truth: Any = None, any_feasible: bool = True, manual: Any = None, failed_x: Any = None,
               failed_alpha: Any = None) -> SurrogateCurve:
        """Show ``prediction`` over ``axis``.

        Parameters
        ----------
        axis : AxisLevels
            The m levels of the varying parameter (``CurveGrid.axis``).
        prediction : SurrogatePrediction
            The belief at those m points.
        observed_x, observed_y : array-like of shape (n,), optional
            Evaluated points, on the plot axis (see :func:`axis_positions`) and in objective units.
        observed_alpha : array-like of shape (n,), optional
            Opacity of each evaluated point (fade those far from the slice).
        proposal : float, optional
            The next point, on the plot axis.
        truth : array-like of shape (m,), optional
            The true objective at the levels, when it is known (a synthetic function).
        any_feasible : bool, default=True
            Whether a trial the model saw is known to meet its constraints: without one,
            constrained log-EI is labelled as what it then is, the log probability of feasibility
            (:func:`~interactive_hpo.plots.acquisition_display.acquisition_title`).
        manual : array-like of shape (n,), dtype bool, optional
            Which evaluated points are a person's: gold stars, as in the History plot.
        failed_x : array-like of shape (f,), optional
            Failed trials the model learnt from, on the plot axis: red crosses on the bottom edge.
        failed_alpha : array-like of shape (f,), optional
            Their opacities.
        """
        check_curve_inputs(axis, prediction, observed_x, observed_y, observed_alpha, proposal, truth,
                           "SurrogateCurve.update")
        check_marks(manual, len(as_points(observed_x, 1)), None if failed_x is None else as_points(failed_x, 1), 1,
                    failed_alpha, "SurrogateCurve.update")
        any_feasible = check_bool(any_feasible, "any_feasible", "SurrogateCurve.update")
        x = drawn_levels(axis)
        epistemic, noisy = _bands(prediction)
        # Under an output warp the line is the median and the bands are lopsided about it: "+-2 sd"
        # about it would name a symmetric band that is not drawn (audit a404).
        lopsided = prediction.centre == "median"
        for band in self.bands:  # a band's outline changes shape: replace it
            band.remove()
        self.bands = [
            self.ax.fill_between(x, *noisy, color="C0", alpha=0.15,
                                 label=f"{'95% band' if lopsided else '+-2 sd'} incl. noise (aleatoric)"),
            self.ax.fill_between(x, *epistemic, color="C0", alpha=0.35,
                                 label=f"{'95% band' if lopsided else '+-2 sd'} (epistemic)")]
        self.mean_line.set_data(x, prediction.mean)
        self.mean_line.set_label(f"posterior {prediction.centre}")
        self.truth_line.set_data(x if truth is not None else [], truth if truth is not None else [])
        offsets = np.column_stack([as_points(observed_x, 1), as_points(observed_y, 1)])
        alpha = np.ones(len(offsets)) if observed_alpha is None else np.asarray(observed_alpha, dtype=float)
        yours = np.zeros(len(offsets), dtype=bool) if manual is None else np.asarray(manual)
        self.points.set_offsets(offsets[~yours])
        self.points.set_facecolors(point_colors("black", alpha[~yours], int((~yours).sum())))
        self.points.set_edgecolors("none")
        self.manual.set_offsets(offsets[yours])
        self.manual.set_facecolors(point_colors(MANUAL_MARKER["color"], alpha[yours], int(yours.sum())))
        self.manual.set_edgecolors(point_colors(MANUAL_MARKER["edgecolor"], alpha[yours], int(yours.sum())))
        crosses = as_points(failed_x, 1)
        self.failed.set_offsets(np.column_stack([crosses, np.zeros(len(crosses))]))
        self.failed.set_facecolors(point_colors(FAILED_MARKER["color"], failed_alpha, len(crosses)))
        self.failed.set_edgecolors(point_colors(FAILED_MARKER["color"], failed_alpha, len(crosses)))
        for marker in self.markers:
            marker.set_xdata([np.nan if proposal is None else proposal] * 2)
        if self.acquisition_line is not None:
            self.acquisition_line.set_data(x, displayed_acquisition(prediction.acquisition_name,
                                                                    prediction.acquisition))
            self.acquisition_ax.set_ylabel(acquisition_title(prediction.acquisition_name, any_feasible))
        for target in (self.ax, self.acquisition_ax):
            if target is not None:
                target.relim()
                target.autoscale_view()
        style_axis(self.acquisition_ax if self.acquisition_ax is not None else self.ax, axis, "x")
        self._legend()
        return self

    def _legend(self) -> None:
        """Name what is drawn: it listed a "true function" and a "next proposal" that were not
        there (the Lab passes no truth)."""
        where = dict(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, frameon=False, borderaxespad=0.2) \
            if self._legend_above else dict(loc="best")
        self.ax.legend(*drawn_entries(self.ax), fontsize="small", **where)

    def show_teaching(self, axis: AxisLevels, terms: Any = None, posterior: Any = None, prior: Any = None) -> None:
        """Teaching overlays over the last :meth:`update`; each is hidden when None.

        Parameters
        ----------
        axis : AxisLevels
            The m levels of the curve.
        terms : AcquisitionTerms, optional
            Exploitation and exploration, drawn on a second y axis of the acquisition plot
            (in EI units for log-EI, whose log scale they do not share), named in a row above
            it: inside, in its upper right corner, the legend covered the acquisition's right
            end, which with log-EI is often where it peaks.
        posterior, prior : ndarray of shape (k, m), optional
            Sample functions from the posterior (thin blue) and from the prior (thin grey).
        """
        x = drawn_levels(axis)
        for line in self._teaching:
            line.remove()
        self._teaching = []
        for samples, colour, label in ((posterior, "C0", "posterior samples"), (prior, "0.55", "prior samples")):
            if samples is not None:
                for k, path in enumerate(np.atleast_2d(samples)):
                    self._teaching += self.ax.plot(x, path, color=colour, lw=0.7, alpha=0.7,
                                                   label=label if k == 0 else None)
        if terms is not None and self.acquisition_ax is not None:
            if self._terms_ax is None:
                self._terms_ax = self.acquisition_ax.twinx()
                steady_ticks(self._terms_ax.yaxis)
            self._terms_ax.set_visible(True)
            self._teaching += self._terms_ax.plot(x, terms.exploitation, color="C1", ls="--", label="exploitation")
            self._teaching += self._terms_ax.plot(x, terms.exploration, color="C4", ls=":", label="exploration")
            self._terms_ax.set_ylabel(f"{terms.of.upper()} terms", fontsize="small")
            self._terms_ax.relim()
            self._terms_ax.autoscale_view()
            self._terms_ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False,
                                  borderaxespad=0.2, fontsize="small")
        elif self._terms_ax is not None:
            self._terms_ax.set_visible(False)
        self.ax.relim()
        self.ax.autoscale_view()
        self._legend()


def plot_surrogate_1d(axis: AxisLevels, prediction: SurrogatePrediction, *, observed_x: Any = None,
                      observed_y: Any = None, proposal: float | None = None, ax: Any = None,
                      acquisition_ax: Any = None, truth: Any = None, any_feasible: bool = True,
                      observed_alpha: Any = None) -> tuple[Any, Any]:
    """Draw :class:`SurrogateCurve` once (``any_feasible``, ``observed_alpha``: see
    :meth:`SurrogateCurve.update`; fade the trials of a 1-D slice of a larger space by their
    distance from it, as the Lab does); returns ``(ax, acquisition_ax)``."""
    check_curve_inputs(axis, prediction, observed_x, observed_y, observed_alpha, proposal, truth,
                       "plot_surrogate_1d")
    check_curve_axes(ax, acquisition_ax, "plot_surrogate_1d")
    check_bool(any_feasible, "any_feasible", "plot_surrogate_1d")
    curve = SurrogateCurve(ax, acquisition_ax).update(axis, prediction, observed_x=observed_x, observed_y=observed_y,
                                                      observed_alpha=observed_alpha, proposal=proposal, truth=truth,
                                                      any_feasible=any_feasible)
    return curve.ax, curve.acquisition_ax


_MOVED_TO_SEARCH_AXES = ("axis_positions", "axis_to_unit", "style_axis")


def __getattr__(name: str) -> Any:
    from .._moved import moved_name

    return moved_name(__name__, name, "interactive_hpo.plots.search_axes", _MOVED_TO_SEARCH_AXES)
